// The README's @hearth/client example must stay true: its Node code block is examples/node.mjs verbatim,
// and the script runs against the built packages, printing what its comments say.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const clientDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const packagesDir = join(clientDir, '..');
const example = join(clientDir, 'examples', 'node.mjs');
const dir = mkdtempSync(join(tmpdir(), 'hearth-client-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Builds the packages the example imports when their dist/ is missing (the root `pnpm build` makes them). */
function ensureBuilt(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  for (const [name, config, output] of [
    ['engine', 'tsconfig.build.json', 'node.js'],
    ['worker', 'tsconfig.json', 'index.js'],
    ['client', 'tsconfig.json', 'node.js'],
  ] as const) {
    const packageDir = join(packagesDir, name);
    if (!existsSync(join(packageDir, 'dist', output))) execFileSync(process.execPath, [tsc, '-p', config], { cwd: packageDir });
  }
}

describe('README: @hearth/client', () => {
  it('shows examples/node.mjs verbatim', () => {
    const readme = readFileSync(join(packagesDir, '..', 'README.md'), 'utf8');
    const block = /## Using Hearth in an app[\s\S]*?In Node[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(example, 'utf8'));
  });

  it('runs the example, which prints what its comments say', () => {
    ensureBuilt();
    const out = execFileSync(process.execPath, [example, join(dir, 'todos.db')], { cwd: clientDir, encoding: 'utf8' });
    expect(out.trimEnd().split('\n')).toEqual([
      '{ changes: 1, lastInsertRowid: 1 }',
      "{ id: 1, title: 'milk', done: 0 }",
      "[ 'milk', 'eggs', 'bread' ]",
      '[ [ 3, 1 ] ]',
      '3n',
      "[ 'TEXT' ]",
      'milk',
      'eggs',
      "[ 'milk!', 'bread!' ]",
      'wal',
      'true SQLITE_CONSTRAINT_NOTNULL',
      '3',
    ]);
  });
});
