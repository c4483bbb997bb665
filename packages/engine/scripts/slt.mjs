#!/usr/bin/env node
// Runs sqllogictest scripts: sets the environment that packages/engine/test/slt/slt.test.ts reads and
// runs Vitest on that one test file. Exits with Vitest's exit code (non-zero when any record fails).
//
//   node packages/engine/scripts/slt.mjs [options] [path ...]
//   pnpm test:slt [options] [path ...]        (from packages/engine, or the root once it has the script)
//
// Paths are files or directories, absolute or relative to the directory the command was started from,
// the repository root, packages/engine, or the corpus (so "select1.test" or "index/between" work).
// Without paths: the CI selection (select1-5, evidence/, a sample of index/ and random/).

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const testFile = 'packages/engine/test/slt/slt.test.ts';

const usage = `usage: slt.mjs [options] [path ...]

Runs sqllogictest scripts (files or directories) through Vitest.

options:
  --all                   the whole corpus (../shared/sqllogictest from the repository root)
  --ci                    the CI selection (the default when no path is given)
  --engine NAME           hearth (default; Hearth's SQL engine) or sqlite (real SQLite via better-sqlite3)
  --corpus DIR            the corpus directory
  --list-failures FILE    write every failure as JSON to FILE
  --max-failures N        failures printed per script (default 5)
  --timeout SECONDS       time limit per script (default 1800)
  -h, --help              this text`;

function fail(message) {
  process.stderr.write(`slt: ${message}\n${usage}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const paths = [];
const env = { ...process.env };
let selection;
const userCwd = process.env.INIT_CWD || process.cwd();

for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const value = () => {
    const v = args[++i];
    if (v === undefined) fail(`${arg} needs a value`);
    return v;
  };
  switch (arg) {
    case '-h':
    case '--help':
      process.stdout.write(`${usage}\n`);
      process.exit(0);
      break;
    case '--all':
      selection = 'all';
      break;
    case '--ci':
      selection = 'ci';
      break;
    case '--engine':
      env.HEARTH_SLT_ENGINE = value();
      break;
    case '--corpus':
      env.HEARTH_SLT_CORPUS = resolve(userCwd, value());
      break;
    case '--list-failures':
      env.HEARTH_SLT_LIST_FAILURES = resolve(userCwd, value());
      break;
    case '--max-failures':
      env.HEARTH_SLT_MAX_FAILURES = value();
      break;
    case '--timeout':
      env.HEARTH_SLT_TIMEOUT = value();
      break;
    case '--':
      paths.push(...args.slice(i + 1));
      i = args.length;
      break;
    default:
      if (arg.startsWith('-')) fail(`unknown option ${arg}`);
      paths.push(arg);
  }
}

if (paths.length > 0 && selection !== undefined) fail(`give paths or --${selection}, not both`);
env.HEARTH_SLT_PATHS = paths.length > 0 ? paths.join('\n') : (selection ?? 'ci');
env.HEARTH_SLT_CWD = userCwd;

const require = createRequire(join(repoRoot, 'package.json'));
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', '--root', repoRoot, testFile], {
  cwd: repoRoot,
  env,
  stdio: 'inherit',
});
if (run.error) throw run.error;
process.exit(run.status ?? 1);
