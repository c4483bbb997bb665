/**
 * UPDATE leaves alone the index entries it cannot change (an index of plain columns, none assigned,
 * with the rowid unassigned too) and moves every other: checked against SQLite statement by statement,
 * with Hearth's file then passing both integrity checks with SQLite's index entries. The scripts assign
 * random sets of columns over plain, multi-column, UNIQUE, partial and expression indexes, the rowid
 * included, with REPLACE and IGNORE conflicts.
 */
import { afterAll, describe, it } from 'vitest';
import { makeTempDir, removeTempDir, rng } from '../../test/support/sqlite-oracle.js';
import { agreeScript } from '../../test/support/script-pair.js';

const dir = makeTempDir();
afterAll(() => removeTempDir(dir));

const SCHEMA = [
  'CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL, d, e)',
  'CREATE INDEX t_a ON t(a)',
  'CREATE INDEX t_bc ON t(b, c DESC)',
  'CREATE UNIQUE INDEX t_d ON t(d)',
  'CREATE INDEX t_e_partial ON t(e) WHERE a > 5',
  'CREATE INDEX t_expr ON t(c * 2, lower(b))',
];

const COLUMNS = ['id', 'a', 'b', 'c', 'd', 'e'];

function value(random: () => number, column: string, row: number): string {
  const r = random();
  if (r < 0.1) return 'NULL';
  switch (column) {
    case 'id':
      return String(row + 1000 + Math.floor(random() * 50));
    case 'a':
      return String(Math.floor(random() * 10));
    case 'b':
      return `'${['x', 'Y', 'z', 'w'][Math.floor(random() * 4)]}'`;
    case 'c':
      return String(Math.floor(random() * 40) / 4);
    case 'd':
      return String(Math.floor(random() * 200));
    default:
      return random() < 0.5 ? `'e${Math.floor(random() * 5)}'` : `${column} + 1`;
  }
}

function script(seed: number): string[] {
  const random = rng(seed);
  const statements = [...SCHEMA];
  for (let i = 0; i < 40; i++) {
    statements.push(`INSERT OR IGNORE INTO t VALUES (${i + 1}, ${i % 10}, '${'xyzw'[i % 4]}', ${i / 2}, ${i * 3}, 'e${i % 5}')`);
  }
  for (let n = 0; n < 30; n++) {
    const assigned = COLUMNS.filter(() => random() < 0.3);
    if (assigned.length === 0) assigned.push(COLUMNS[1 + Math.floor(random() * (COLUMNS.length - 1))]!);
    const set = assigned.map((c) => `${c} = ${value(random, c, n)}`).join(', ');
    const or = ['', 'OR IGNORE ', 'OR REPLACE '][Math.floor(random() * 3)];
    const low = Math.floor(random() * 40);
    statements.push(`UPDATE ${or}t SET ${set} WHERE id BETWEEN ${low} AND ${low + Math.floor(random() * 15)}`);
  }
  statements.push('SELECT * FROM t ORDER BY id');
  return statements;
}

describe('UPDATE keeps every index in step', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`random assignments (seed ${seed})`, () => agreeScript(dir, `update-indexes-${seed}`, script(seed)));
  }
});
