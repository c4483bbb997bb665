/**
 * The README's example must stay true: its code block is `examples/storage.mjs` verbatim, the script runs
 * against the built package (twice, on the same file), and SQLite reads what it wrote.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

const engineDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = join(engineDir, 'examples', 'storage.mjs');
const dir = mkdtempSync(join(tmpdir(), 'hearth-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README example', () => {
  it('is the example script, verbatim', () => {
    const readme = readFileSync(join(engineDir, '..', '..', 'README.md'), 'utf8');
    const block = /## Example[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(example, 'utf8'));
  });

  it('has a SQL example that runs and returns the row it shows', () => {
    const readme = readFileSync(join(engineDir, '..', '..', 'README.md'), 'utf8');
    const block = /\*\*SQL layer[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    if (!existsSync(join(engineDir, 'dist', 'index.js'))) {
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: engineDir });
    }
    // The block's last line is an expression whose value the comment shows: print it and compare.
    const lines = block!.trimEnd().split('\n');
    const last = lines.pop()!.replace(/;\s*\/\/.*$/, '');
    const script = [...lines, `console.log(JSON.stringify(${last}));`].join('\n');
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: engineDir, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([{ id: 1, title: 'milk' }]);
  });

  it('runs against the built package and writes a file SQLite reads', () => {
    if (!existsSync(join(engineDir, 'dist', 'node.js'))) {
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: engineDir });
    }
    const file = join(dir, 'todos.db');
    const first = execFileSync(process.execPath, [example, file], { cwd: engineDir, encoding: 'utf8' });
    expect(first).toBe("1 [ null, 'buy milk', 0 ]\n2 [ null, 'write the pager', 1 ]\nintegrity ok\n");
    const second = execFileSync(process.execPath, [example, file], { cwd: engineDir, encoding: 'utf8' });
    expect(second.split('\n')).toHaveLength(6);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT id, title, done FROM todos ORDER BY id').raw().all()).toEqual([
      [1, 'buy milk', 0],
      [2, 'write the pager', 1],
      [3, 'buy milk', 0],
      [4, 'write the pager', 1],
    ]);
    db.close();
  });
});
