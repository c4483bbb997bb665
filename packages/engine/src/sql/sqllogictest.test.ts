/**
 * Every statement the sqllogictest corpus (../shared/sqllogictest beside the repository) expects
 * SQLite to run must parse: `statement ok` and `query` records that apply to SQLite. select1–5 and
 * evidence/ are parsed whole, index/ and random/ by a fixed sample (set HEARTH_SLT_FULL=1 to parse
 * all of them, some 800,000 statements).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from './parse-stmt.js';

const CORPUS = fileURLToPath(new URL('../../../../../shared/sqllogictest', import.meta.url));
const present = existsSync(CORPUS);

/** One record of a .test file that SQLite should accept: its SQL and where it came from. */
interface SltStatement {
  sql: string;
  line: number;
}

/**
 * The SQL of the `statement ok` and `query` records of a .test file that apply to SQLite.
 * A `skipif sqlite` or `onlyif <other>` line drops the record after it; `halt` ends the file unless
 * a condition drops it.
 */
function statementsOf(text: string): SltStatement[] {
  const lines = text.split(/\r?\n/);
  const out: SltStatement[] = [];
  let dropNext = false;
  let i = 0;
  while (i < lines.length) {
    const words = (lines[i] as string).trim().split(/\s+/);
    const [command, arg] = words;
    i++;
    if (command === 'skipif' || command === 'onlyif') {
      if ((command === 'skipif') === (arg === 'sqlite')) dropNext = true;
    } else if (command === 'halt') {
      if (!dropNext) break;
      dropNext = false;
    } else if (command === 'statement' || command === 'query') {
      const line = i;
      const sql: string[] = [];
      while (i < lines.length && (lines[i] as string).trim() !== '' && lines[i] !== '----') {
        sql.push(lines[i] as string);
        i++;
      }
      if (lines[i] === '----') while (i < lines.length && (lines[i] as string).trim() !== '') i++;
      if (!dropNext && (command === 'query' || arg === 'ok')) out.push({ sql: sql.join('\n'), line });
      dropNext = false;
    }
  }
  return out;
}

/** The .test files under `dir`, sorted. */
function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(path));
    else if (entry.name.endsWith('.test')) out.push(path);
  }
  return out.sort();
}

/** Parses each statement; returns how many parsed and the failures, described. */
function parseAll(file: string, statements: SltStatement[]): { parsed: number; failures: string[] } {
  const failures: string[] = [];
  for (const { sql, line } of statements) {
    try {
      parse(sql);
    } catch (e) {
      failures.push(`${file}:${line}: ${(e as Error).message}\n  ${sql}`);
    }
  }
  return { parsed: statements.length - failures.length, failures };
}

/** Runs `files` (taking every `stride`-th statement of each) and checks that all parse. */
function check(label: string, files: string[], stride: number): void {
  let parsed = 0;
  const failures: string[] = [];
  for (const file of files) {
    const all = statementsOf(readFileSync(file, 'utf8'));
    const sample = stride === 1 ? all : all.filter((_, i) => i % stride === 0);
    const result = parseAll(file, sample);
    parsed += result.parsed;
    failures.push(...result.failures);
  }
  console.log(`sqllogictest ${label}: ${parsed} statements parsed, ${failures.length} failed`);
  expect(failures.slice(0, 20)).toEqual([]);
  expect(parsed).toBeGreaterThan(0);
}

/** The first file of each directory among `files`. */
function firstOfEachDirectory(files: string[]): string[] {
  const byDir = new Map<string, string>();
  for (const f of files) {
    const dir = f.slice(0, f.lastIndexOf('/'));
    if (!byDir.has(dir)) byDir.set(dir, f);
  }
  return [...byDir.values()];
}

const title = present
  ? `sqllogictest corpus (${CORPUS})`
  : `sqllogictest corpus: skipped, no corpus at ${CORPUS}`;

describe.skipIf(!present)(title, () => {
  it('parses every statement of select1–select5', () => {
    check('select1-5', [1, 2, 3, 4, 5].map((n) => join(CORPUS, `select${n}.test`)), 1);
  });

  it('parses every statement of evidence/', () => {
    check('evidence', testFiles(join(CORPUS, 'evidence')), 1);
  });

  it('parses a sample of index/ and random/', () => {
    const files = [...testFiles(join(CORPUS, 'index')), ...testFiles(join(CORPUS, 'random'))];
    if (process.env.HEARTH_SLT_FULL === '1') {
      check('index+random (all)', files, 1);
    } else {
      // Every 40th statement of the first file of each directory: some 7,000 statements.
      check('index+random (sample)', firstOfEachDirectory(files), 40);
    }
  });
});
