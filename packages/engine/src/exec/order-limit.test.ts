/**
 * ORDER BY with a small LIMIT keeps only the first LIMIT + OFFSET rows while reading: its rows must be
 * exactly the slice of the fully sorted result (ties in the same order), and agree with SQLite where
 * the order is fully determined. Random data with many ties, NULLs, mixed types, DESC and NOCASE.
 */
import { describe, expect, it } from 'vitest';
import Oracle from 'better-sqlite3';
import { Database } from '../api/database.js';
import { rng } from '../../test/support/prng.js';

function setup(seed: number): string {
  const random = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const values = ['NULL', '0', '1', '2', '2.0', '-1', "'a'", "'A'", "'b'", "x'01'", '3.5'];
  const rows = Array.from({ length: 1500 }, (_, i) => `(${i + 1}, ${pick(values)}, ${pick(values)}, ${Math.floor(random() * 5000)})`);
  return `CREATE TABLE r(id INTEGER PRIMARY KEY, x, y TEXT COLLATE NOCASE, z INTEGER); INSERT INTO r VALUES ${rows.join(', ')};`;
}

const ORDERS = ['x', 'x DESC, y', 'y, x DESC NULLS FIRST', 'z % 7, x', 'x || y DESC'];
const SLICES: [number, number][] = [[1, 0], [5, 0], [5, 3], [20, 100], [999, 1], [1000, 0], [0, 5], [-1, 1490]];

describe('ORDER BY … LIMIT keeps the first rows of the sorted result', () => {
  for (const seed of [1, 2]) {
    it(`is the slice of the full sort (seed ${seed})`, () => {
      const db = new Database();
      db.exec(setup(seed));
      for (const order of ORDERS) {
        const all = db.prepare(`SELECT id, x, y FROM r ORDER BY ${order}`).raw(true).all();
        for (const [limit, offset] of SLICES) {
          const rows = db.prepare(`SELECT id, x, y FROM r ORDER BY ${order} LIMIT ? OFFSET ?`).raw(true).all(limit, offset);
          const end = limit < 0 ? all.length : offset + limit;
          expect({ order, limit, offset, rows }).toEqual({ order, limit, offset, rows: all.slice(offset, end) });
        }
      }
      db.close();
    });

    it(`agrees with SQLite when the order is total (seed ${seed})`, () => {
      const hearth = new Database();
      const sqlite = new Oracle(':memory:');
      hearth.exec(setup(seed));
      sqlite.exec(setup(seed));
      for (const order of ORDERS) {
        for (const [limit, offset] of SLICES) {
          const sql = `SELECT id, x, y, z FROM r ORDER BY ${order}, id DESC LIMIT ${limit} OFFSET ${offset}`;
          expect(hearth.prepare(sql).raw(true).all()).toEqual(sqlite.prepare(sql).raw(true).all().map((row) => (row as unknown[]).map((v) => (Buffer.isBuffer(v) ? new Uint8Array(v) : v))));
        }
      }
      hearth.close();
      sqlite.close();
    });
  }
});
