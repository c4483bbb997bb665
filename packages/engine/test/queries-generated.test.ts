/**
 * Generated differential tests of subqueries, row values and compound SELECTs against SQLite. A seeded
 * generator builds queries from a small grammar over two tables holding every storage class, NULLs
 * (collations are covered by queries.test.ts): correlated and uncorrelated IN, EXISTS and scalar subqueries, row-value
 * comparisons, compounds with ORDER BY and LIMIT, subqueries in FROM and CTEs. Each query must give
 * SQLite's column names, rows and storage classes, or its error. The seed is in each test's name.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Prng } from './support/prng.js';
import { QueryPair } from './support/query-oracle.js';

const SETUP = `
  CREATE TABLE t(a INTEGER, b TEXT, c, d TEXT);
  INSERT INTO t VALUES (1, '1', '1', 'A'), (2, 'x', 2.0, 'b'), (3, NULL, NULL, 'a'), (NULL, 'y', x'00', NULL),
    (2, '2', 2, 'B'), (5, '5.0', 5, 'x'), (0, '', 0.5, '');
  CREATE TABLE u(id INTEGER PRIMARY KEY, a INTEGER, e REAL, f TEXT);
  INSERT INTO u(a, e, f) VALUES (1, 1.5, 'one'), (2, 2, 'two'), (2, NULL, 'B'), (5, 5.5, NULL), (NULL, 0, 'a'),
    (7, 1, '1'), (0, -1, 'x');
`;

const T_COLUMNS = ['t.a', 't.b', 't.c', 't.d'];
const U_COLUMNS = ['u.a', 'u.e', 'u.f', 'u.id'];
const LITERALS = ['1', '2', "'1'", "'a'", "'B'", 'NULL', '2.0', "x'00'", '0'];
const COMPARE = ['=', '<>', '<', '>=', 'IS', 'IS NOT'];

function scalar(r: Prng, columns: string[]): string {
  const x = r.float();
  if (x < 0.5) return r.pick(columns);
  if (x < 0.8) return r.pick(LITERALS);
  return `${r.pick(columns)} ${r.pick(['+', '-', '||', '*'])} ${r.pick(LITERALS)}`;
}

/** A subquery over u, correlated with t when `correlated`. */
function uQuery(r: Prng, width: number, correlated: boolean): string {
  const cols = Array.from({ length: width }, () => scalar(r, U_COLUMNS)).join(', ');
  const where = correlated ? ` WHERE ${r.pick(U_COLUMNS)} ${r.pick(COMPARE)} ${r.pick(T_COLUMNS)}` : r.chance(0.5) ? ` WHERE ${r.pick(U_COLUMNS)} ${r.pick(COMPARE)} ${r.pick(LITERALS)}` : '';
  if (r.chance(0.2)) return `SELECT ${cols} FROM u${where} UNION SELECT ${Array.from({ length: width }, () => r.pick(LITERALS)).join(', ')}`;
  return `SELECT ${cols} FROM u${where}`;
}

function predicate(r: Prng): string {
  const correlated = r.chance(0.5);
  switch (r.int(7)) {
    case 0:
      return `${scalar(r, T_COLUMNS)} ${r.chance(0.3) ? 'NOT ' : ''}IN (${uQuery(r, 1, correlated)})`;
    case 1:
      return `${r.chance(0.3) ? 'NOT ' : ''}EXISTS (${uQuery(r, 1, correlated)})`;
    case 2:
      return `${scalar(r, T_COLUMNS)} ${r.pick(COMPARE)} (${uQuery(r, 1, correlated)} ORDER BY 1, 1 LIMIT 1)`;
    case 3:
      return `(${scalar(r, T_COLUMNS)}, ${scalar(r, T_COLUMNS)}) ${r.pick(COMPARE)} (${scalar(r, T_COLUMNS)}, ${r.pick(LITERALS)})`;
    case 4:
      return `(${r.pick(T_COLUMNS)}, ${r.pick(T_COLUMNS)}) ${r.chance(0.3) ? 'NOT ' : ''}IN (${uQuery(r, 2, correlated)})`;
    case 5:
      return `${scalar(r, T_COLUMNS)} IN (${Array.from({ length: r.range(1, 4) }, () => r.pick(LITERALS)).join(', ')})`;
    default:
      return `${r.pick(T_COLUMNS)} ${r.pick(COMPARE)} ${r.pick(LITERALS)}`;
  }
}

function simpleSelect(r: Prng, width: number): string {
  const cols = Array.from({ length: width }, () => (r.chance(0.3) ? `(${uQuery(r, 1, true)} ORDER BY 1 LIMIT 1)` : scalar(r, T_COLUMNS))).join(', ');
  const where = r.chance(0.7) ? ` WHERE ${predicate(r)}${r.chance(0.3) ? ` ${r.pick(['AND', 'OR'])} ${predicate(r)}` : ''}` : '';
  return `SELECT ${cols} FROM t${where}`;
}

function query(r: Prng): string {
  const width = r.range(1, 3);
  let sql = simpleSelect(r, width);
  const kind = r.int(4);
  if (kind === 0) {
    for (let n = r.range(1, 3); n > 0; n--) sql += ` ${r.pick(['UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT'])} ${r.chance(0.8) ? simpleSelect(r, width) : `VALUES (${Array.from({ length: width }, () => r.pick(LITERALS)).join(', ')})`}`;
    if (r.chance(0.6)) sql += ` ORDER BY ${Array.from({ length: width }, (_, i) => `${i + 1}${r.chance(0.3) ? ' DESC' : ''}`).join(', ')}${r.chance(0.3) ? ` LIMIT ${r.range(0, 4)}` : ''}`;
  } else if (kind === 1) {
    sql = `SELECT * FROM (${sql}) AS s${r.chance(0.5) ? ` WHERE s.${'a'} IS NOT NULL` : ''}`.replace('s.a', 's.rowid IS NULL OR 1');
  } else if (kind === 2) {
    sql = `WITH q AS (${sql}) SELECT * FROM q${r.chance(0.5) ? ' UNION ALL SELECT * FROM q' : ''}`;
  }
  return sql;
}

const SEEDS = Number(process.env.HEARTH_QUERY_SEEDS ?? 400);
const pair = new QueryPair(SETUP);
afterAll(() => pair.close());

describe('generated queries', () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const sql = query(new Prng(seed));
    it(`seed ${seed}: ${sql}`, () => {
      const [h, o] = pair.run(sql);
      expect(h).toEqual(o);
    });
  }
});
