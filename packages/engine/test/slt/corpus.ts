// Where the sqllogictest corpus is and which of its scripts a run takes.
//
// The corpus is not part of the repository: it lives beside it, at ../shared/sqllogictest from the
// repository root (HEARTH_SLT_CORPUS overrides that). Selections:
//   - "ci" (the default): select1-5.test, all of evidence/, and a deterministic sample of index/ and
//     random/ (see CI_SAMPLE below);
//   - "all": every *.test file of the corpus;
//   - explicit paths (files or directories), absolute or relative to the directory the command was
//     started from, the repository root, packages/engine, or the corpus itself.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is packages/engine/test/slt/corpus.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** packages/engine. */
export const ENGINE_DIR = join(REPO_ROOT, 'packages', 'engine');

/** The corpus directory: HEARTH_SLT_CORPUS, or ../shared/sqllogictest from the repository root. */
export function corpusDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env['HEARTH_SLT_CORPUS'];
  if (override !== undefined && override.trim() !== '') return resolve(REPO_ROOT, override.trim());
  return resolve(REPO_ROOT, '..', 'shared', 'sqllogictest');
}

/** Compares names so that embedded numbers sort by value (slt_good_2 before slt_good_10). */
export function naturalCompare(a: string, b: string): number {
  const ax = a.split(/(\d+)/);
  const bx = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(ax.length, bx.length); i++) {
    const x = ax[i]!;
    const y = bx[i]!;
    if (x === y) continue;
    if (i % 2 === 1) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    }
    return x < y ? -1 : 1;
  }
  return ax.length - bx.length;
}

/** Every *.test file under a path (the path itself if it is a file), in natural order. */
export function listTestFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  const entries = readdirSync(path).sort(naturalCompare);
  for (const name of entries) {
    const full = join(path, name);
    if (statSync(full).isDirectory()) out.push(...listTestFiles(full));
    else if (name.endsWith('.test')) out.push(full);
  }
  return out;
}

/** The directories under `path` (itself included) that hold *.test files directly, in natural order. */
function leafDirectories(path: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(path).sort(naturalCompare);
  if (entries.some((n) => n.endsWith('.test') && !statSync(join(path, n)).isDirectory())) out.push(path);
  for (const name of entries) {
    const full = join(path, name);
    if (statSync(full).isDirectory()) out.push(...leafDirectories(full));
  }
  return out;
}

/**
 * The CI sample of index/ and random/: the first script (in natural order) of every directory that
 * holds scripts, so every kind of generated test (index/between/1, index/between/10, ...,
 * random/aggregates, random/expr, ...) is represented once.
 */
export const CI_SAMPLE = {
  topLevel: ['select1.test', 'select2.test', 'select3.test', 'select4.test', 'select5.test'],
  wholeDirectories: ['evidence'],
  sampledDirectories: ['index', 'random'],
  perDirectory: 1,
} as const;

/** The scripts of the CI selection that exist in the corpus. */
export function ciFiles(corpus: string): string[] {
  const files: string[] = [];
  for (const name of CI_SAMPLE.topLevel) {
    const p = join(corpus, name);
    if (existsSync(p)) files.push(p);
  }
  for (const dir of CI_SAMPLE.wholeDirectories) {
    const p = join(corpus, dir);
    if (existsSync(p)) files.push(...listTestFiles(p));
  }
  for (const dir of CI_SAMPLE.sampledDirectories) {
    const p = join(corpus, dir);
    if (!existsSync(p)) continue;
    for (const leaf of leafDirectories(p)) {
      const scripts = readdirSync(leaf)
        .filter((n) => n.endsWith('.test') && !statSync(join(leaf, n)).isDirectory())
        .sort(naturalCompare);
      files.push(...scripts.slice(0, CI_SAMPLE.perDirectory).map((n) => join(leaf, n)));
    }
  }
  return files;
}

/** A script chosen for a run, with the name reports use. */
export interface SelectedFile {
  path: string;
  /** Path relative to the corpus when inside it, else relative to the repository root (or absolute). */
  name: string;
}

export type Selection =
  | { kind: 'ci' | 'all' | 'paths'; corpus: string; files: SelectedFile[] }
  | { kind: 'skip'; corpus: string; reason: string };

/** The name a script is reported under. */
export function displayName(path: string, corpus: string): string {
  const inCorpus = relative(corpus, path);
  if (inCorpus !== '' && !inCorpus.startsWith('..') && !isAbsolute(inCorpus)) return inCorpus.split(sep).join('/');
  const inRepo = relative(REPO_ROOT, path);
  if (!inRepo.startsWith('..') && !isAbsolute(inRepo)) return inRepo.split(sep).join('/');
  return path;
}

/** Resolves a path given on the command line (see the header comment for where it is looked up). */
export function resolveUserPath(p: string, corpus: string, env: NodeJS.ProcessEnv = process.env): string {
  if (isAbsolute(p)) {
    if (!existsSync(p)) throw new Error(`sqllogictest: no such file or directory: ${p}`);
    return p;
  }
  const bases = [env['HEARTH_SLT_CWD'], env['INIT_CWD'], process.cwd(), REPO_ROOT, ENGINE_DIR, corpus];
  for (const base of bases) {
    if (base === undefined || base === '') continue;
    const candidate = resolve(base, p);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`sqllogictest: no such file or directory: ${p} (looked in ${bases.filter(Boolean).join(', ')})`);
}

/**
 * The scripts to run, from HEARTH_SLT_PATHS: unset, empty or "ci" for the CI selection, "all" for the
 * whole corpus, otherwise paths separated by newlines. Without the corpus, the CI and "all" selections
 * are skipped (explicit paths outside the corpus still run).
 */
export function selectFiles(env: NodeJS.ProcessEnv = process.env): Selection {
  const corpus = corpusDir(env);
  const spec = (env['HEARTH_SLT_PATHS'] ?? '').trim();
  const haveCorpus = existsSync(corpus) && statSync(corpus).isDirectory();
  const toSelected = (paths: string[]): SelectedFile[] => paths.map((path) => ({ path, name: displayName(path, corpus) }));

  if (spec === '' || spec === 'ci' || spec === 'all') {
    if (!haveCorpus) {
      return {
        kind: 'skip',
        corpus,
        reason: `the sqllogictest corpus is not at ${corpus} (expected at ../shared/sqllogictest from the repository root); skipping the sqllogictest run`,
      };
    }
    const kind = spec === 'all' ? 'all' : 'ci';
    return { kind, corpus, files: toSelected(kind === 'all' ? listTestFiles(corpus) : ciFiles(corpus)) };
  }
  const paths = spec
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const files: string[] = [];
  for (const p of paths) files.push(...listTestFiles(resolveUserPath(p, corpus, env)));
  return { kind: 'paths', corpus, files: toSelected(files) };
}

/** The directory a script is summarised under (its parent, relative to the corpus; "." for top level). */
export function groupOf(name: string): string {
  const d = dirname(name);
  return d === '' ? '.' : d;
}
