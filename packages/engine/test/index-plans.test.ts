/**
 * Index access paths against SQLite: seeded random queries over a table with many kinds of index
 * (NOCASE, RTRIM, DESC, multi-column, unique, partial) holding mixed-type values and NULLs must give
 * exactly SQLite's rows, and the same rows as the same query over an unindexed copy of the table.
 */
import { describe, expect, it } from 'vitest';
import { QueryPair } from './support/query-oracle.js';
import { Prng } from './support/prng.js';

const COLUMNS = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const SCHEMA = (name: string): string => `CREATE TABLE ${name}(id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL, d, e TEXT COLLATE NOCASE, f TEXT COLLATE RTRIM, g NUMERIC);`;
const INDEXES = `
  CREATE INDEX t_a ON t(a);
  CREATE INDEX t_bc ON t(b, c DESC);
  CREATE INDEX t_d ON t(d);
  CREATE INDEX t_e ON t(e);
  CREATE INDEX t_f ON t(f);
  CREATE INDEX t_ga ON t(g DESC, a);
  CREATE INDEX t_dn ON t(d COLLATE NOCASE, e);
  CREATE INDEX t_cp ON t(c) WHERE a > 0;
  CREATE UNIQUE INDEX t_id ON t(id, a);
`;
const VALUES = ['NULL', '0', '1', '2', '-1', '3', '1.0', '2.5', "'1'", "'2'", "'a'", "'A'", "'a '", "'b'", "''", "x'01'", "'2.5'", '10'];

function pick<T>(r: Prng, items: readonly T[]): T {
  return items[Math.floor(r.float() * items.length)]!;
}

function setup(r: Prng): string {
  const rows: string[] = [];
  for (let i = 0; i < 60; i++) rows.push(`(${COLUMNS.map(() => pick(r, VALUES)).join(', ')})`);
  const insert = (name: string): string => `INSERT INTO ${name}(${COLUMNS.join(', ')}) VALUES ${rows.join(', ')};`;
  return `${SCHEMA('t')}${SCHEMA('u')}${INDEXES}${insert('t')}${insert('u')}`;
}

function term(r: Prng, table: string): string {
  const col = `${table}.${pick(r, COLUMNS)}`;
  const v = (): string => pick(r, VALUES);
  switch (Math.floor(r.float() * 9)) {
    case 0:
      return `${col} = ${v()}`;
    case 1:
      return `${col} ${pick(r, ['<', '<=', '>', '>='])} ${v()}`;
    case 2:
      return `${v()} ${pick(r, ['=', '<', '>='])} ${col}`;
    case 3:
      return `${col} IN (${v()}, ${v()}, ${v()})`;
    case 4:
      return `${col} BETWEEN ${v()} AND ${v()}`;
    case 5:
      return `${col} IS ${v()}`;
    case 6:
      return `${col} IS NULL`;
    case 7:
      return `${col} = ${v()} COLLATE ${pick(r, ['NOCASE', 'BINARY', 'RTRIM'])}`;
    default:
      return `${col} > ${v()} AND ${col} < ${v()}`;
  }
}

function query(r: Prng, table: string): string {
  const where = Array.from({ length: 1 + Math.floor(r.float() * 3) }, () => term(r, 'x')).join(' AND ');
  const list = pick(r, ['x.a', 'x.b, x.c', 'x.*', 'x.rowid AS r, x.e', 'x.d, x.e', 'x.g, x.a', 'count(*)', 'x.c, x.a']);
  const kind = r.float();
  if (kind < 0.2 && list !== 'count(*)') {
    const col = pick(r, COLUMNS);
    // Columns of one collation (Hearth's choice of collation between two columns of different ones is another matter).
    const other = r.float() < 0.5 || 'ef'.includes(col) ? col : pick(r, ['a', 'b', 'c', 'd', 'g']);
    return `SELECT ${list}, y.id FROM ${table} AS x JOIN ${table} AS y ON y.${col} = x.${other} WHERE ${where}`;
  }
  if (kind < 0.35 && list !== 'count(*)') {
    // Ordered by the rowid alone, or by an index's columns.
    const direction = pick(r, ['ASC', 'DESC']);
    const order = pick(r, [`x.id ${direction}`, `x.b ${direction}, x.c ${direction === 'ASC' ? 'DESC' : 'ASC'}, x.id ${direction}`, `x.g DESC, x.a, x.id`, `x.e ${direction}, x.rowid ${direction}`]);
    return `SELECT ${list} FROM ${table} AS x WHERE ${where} ORDER BY ${order}${r.float() < 0.3 ? ' LIMIT 3' : ''}`;
  }
  if (kind < 0.5 && list !== 'count(*)') {
    const order = pick(r, COLUMNS);
    const direction = pick(r, ['ASC', 'DESC']);
    const limit = r.float() < 0.3 ? ` LIMIT ${1 + Math.floor(r.float() * 5)}` : '';
    const tie = pick(r, ['x.id', `x.id ${direction}`, `x.rowid ${direction}`]);
    return `SELECT ${list} FROM ${table} AS x WHERE ${where} ORDER BY x.${order} ${direction}, ${tie}${limit}`;
  }
  if (kind > 0.85) {
    // min() or max() from one end of an index (or of the rowid), with and without WHERE.
    const aggregate = `${pick(r, ['min', 'max'])}(x.${pick(r, [...COLUMNS, 'id', 'rowid'])})`;
    return r.float() < 0.3 ? `SELECT ${aggregate} FROM ${table} AS x` : `SELECT ${aggregate} FROM ${table} AS x WHERE ${where}`;
  }
  return `SELECT ${list} FROM ${table} AS x WHERE ${where}`;
}

describe('index access paths', () => {
  it('random queries give SQLite rows, with and without indexes', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const r = new Prng(seed);
      const pair = new QueryPair(setup(r));
      try {
        for (let i = 0; i < 150; i++) {
          const q = query(r, 't');
          const [hearth, sqlite] = pair.run(q);
          expect(hearth, `seed ${seed}: ${q}`).toEqual(sqlite);
          const [plain] = pair.run(q.replaceAll(' t AS', ' u AS'));
          expect(plain, `seed ${seed} unindexed: ${q}`).toEqual(hearth);
        }
      } finally {
        pair.close();
      }
    }
  });
});

describe('min() and max() from an end of an index', () => {
  it('match SQLite after an equality prefix, with NULLs and DESC columns', () => {
    for (let seed = 21; seed <= 25; seed++) minMaxCase(seed);
  });
});

/** min() and max() after an equality prefix or with a range, for every test value, on one data set. */
function minMaxCase(seed: number): void {
  const r = new Prng(seed);
  const pair = new QueryPair(setup(r));
  try {
    for (const v of VALUES) {
      for (const fn of ['min', 'max']) {
        for (const q of [
          `SELECT ${fn}(x.c) FROM t AS x WHERE x.b = ${v}`,
          `SELECT ${fn}(x.a) FROM t AS x WHERE x.g = ${v}`,
          `SELECT ${fn}(x.e) FROM t AS x WHERE x.d = ${v} COLLATE NOCASE`,
          `SELECT ${fn}(x.a) FROM t AS x WHERE x.a > ${v}`,
          `SELECT ${fn}(x.id) FROM t AS x WHERE x.id < ${v}`,
        ]) {
          const [hearth, sqlite] = pair.run(q);
          expect(hearth, q).toEqual(sqlite);
        }
      }
    }
  } finally {
    pair.close();
  }
}

describe('UPDATE and DELETE through indexes', () => {
  it('change the same rows as SQLite and as without indexes', () => {
    for (let seed = 11; seed <= 14; seed++) {
      const r = new Prng(seed);
      const pair = new QueryPair(setup(r));
      try {
        for (let i = 0; i < 40; i++) {
          const where = Array.from({ length: 1 + Math.floor(r.float() * 2) }, () => term(r, 't')).join(' AND ');
          const change = r.float() < 0.7 ? `UPDATE t SET c = c + 1, b = b || 'x' WHERE ${where}` : `DELETE FROM t WHERE ${where}`;
          const [hearth, sqlite] = pair.run(change);
          expect(hearth, `seed ${seed}: ${change}`).toEqual(sqlite);
          pair.run(change.replace(/\bt\b/g, 'u'));
          const [rowsT, expected] = pair.run('SELECT * FROM t ORDER BY id');
          expect(rowsT, `seed ${seed}: after ${change}`).toEqual(expected);
          const [rowsU] = pair.run('SELECT * FROM u ORDER BY id');
          expect(rowsU, `seed ${seed}: unindexed after ${change}`).toEqual(rowsT);
        }
      } finally {
        pair.close();
      }
    }
  });
});
