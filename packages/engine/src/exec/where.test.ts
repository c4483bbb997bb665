import { describe, expect, it } from 'vitest';
import { both } from '../../test/support/differential.js';

const SETUP = `
  CREATE TABLE t(id INTEGER PRIMARY KEY, v);
  INSERT INTO t VALUES (-9223372036854775808, 'min'), (-1, 'neg'), (1, 'a'), (2, 'b'), (3, 'c'), (5, 'e'),
    (9007199254740993, 'big'), (9223372036854775807, 'max');
  CREATE TABLE u(k INTEGER, w TEXT, r REAL);
  INSERT INTO u VALUES (1, '1', 1.0), (2, '2.0', 2.5), (3, 'x', NULL), (NULL, NULL, 5.0), (7, '3', 3.0);`;

// Each query can use a rowid lookup, IN list or range: results must be those of a full scan.
const QUERIES = [
  'SELECT * FROM t WHERE id = 2',
  "SELECT * FROM t WHERE id = '2'",
  "SELECT * FROM t WHERE id = ' 2'",
  'SELECT * FROM t WHERE id = 2.0',
  'SELECT * FROM t WHERE id = 2.5',
  "SELECT * FROM t WHERE id = 'abc'",
  'SELECT * FROM t WHERE id = NULL',
  'SELECT * FROM t WHERE id IS NULL',
  'SELECT * FROM t WHERE id IS 3',
  "SELECT * FROM t WHERE id = x'02'",
  'SELECT * FROM t WHERE rowid = 9007199254740993',
  'SELECT * FROM t WHERE rowid = 9007199254740992.0',
  'SELECT * FROM t WHERE id = 9223372036854775807',
  'SELECT * FROM t WHERE id = 9223372036854775808.0',
  'SELECT * FROM t WHERE id = -9223372036854775808',
  'SELECT * FROM t WHERE 3 = id',
  'SELECT * FROM t WHERE id IN (3, 1, 3, 2.0, 2.5, NULL, \'5\')',
  'SELECT * FROM t WHERE id NOT IN (1, 2)',
  'SELECT * FROM t WHERE id > 2',
  'SELECT * FROM t WHERE id >= 2 AND id < 5',
  'SELECT * FROM t WHERE id > 1.5 AND id <= 3.5',
  'SELECT * FROM t WHERE id > -1e300',
  'SELECT * FROM t WHERE id < 1e300',
  'SELECT * FROM t WHERE id > 1e300',
  'SELECT * FROM t WHERE id < -1e300',
  "SELECT * FROM t WHERE id > 'a'",
  "SELECT * FROM t WHERE id < 'a'",
  "SELECT * FROM t WHERE id < '3'",
  'SELECT * FROM t WHERE id > NULL',
  'SELECT * FROM t WHERE id BETWEEN 2 AND 4',
  'SELECT * FROM t WHERE id NOT BETWEEN 2 AND 4',
  'SELECT * FROM t WHERE 2 < id',
  'SELECT * FROM t WHERE id > 9007199254740992',
  'SELECT * FROM t WHERE id >= 9223372036854775807',
  'SELECT * FROM t WHERE id <= -9223372036854775808',
  'SELECT * FROM t WHERE id > 2 AND id > 3',
  'SELECT * FROM t WHERE id = 2 AND id = 3',
  'SELECT * FROM t WHERE id = ?',
  // joins through rowids, with values of other tables' columns
  'SELECT t.*, u.* FROM u, t WHERE t.id = u.k ORDER BY 1',
  'SELECT t.*, u.* FROM u, t WHERE t.id = u.w ORDER BY 1',
  'SELECT t.*, u.* FROM u, t WHERE t.id = u.r ORDER BY 1',
  'SELECT t.*, u.* FROM u, t WHERE t.id < u.r ORDER BY 1, 3',
  'SELECT t.*, u.* FROM u JOIN t ON t.id = u.k + 1 ORDER BY 1',
  'SELECT u.*, t.* FROM u LEFT JOIN t ON t.id = u.k ORDER BY 1, 2',
  "SELECT u.*, t.* FROM u LEFT JOIN t ON t.id = u.k WHERE t.v IS NULL ORDER BY 1, 2",
  "SELECT u.*, t.* FROM u LEFT JOIN t ON t.id = u.k WHERE t.id = 2",
  'SELECT a.id, b.id FROM t a, t b WHERE b.id = a.id + 1 ORDER BY 1',
  'SELECT a.id, b.id, c.id FROM t a, t b, t c WHERE b.id = a.id + 1 AND c.id = b.id + 1 ORDER BY 1',
  'SELECT count(*) FROM t a, t b WHERE a.id IN (1, 2, 3) AND b.id > a.id',
  // parenthesized joins
  'SELECT * FROM (t CROSS JOIN u) ORDER BY 1, 3',
  'SELECT * FROM (t JOIN u ON t.id = u.k) ORDER BY 1',
  'SELECT * FROM u LEFT JOIN (t) ON t.id = u.k ORDER BY 1, 2',
  'SELECT * FROM (u, t AS x) WHERE x.id = u.k ORDER BY 1',
  'SELECT count(*) FROM (t AS a CROSS JOIN t AS b) JOIN u ON u.k = a.id',
  'SELECT * FROM sqlite_schema ORDER BY name',
  "SELECT name, rootpage FROM sqlite_master WHERE type = 'table' ORDER BY 1",
];

describe('rowid access paths against SQLite', () => {
  for (const q of QUERIES) {
    it(q, () => {
      const [h, o] = both(SETUP, q, q.includes('?') ? ['3'] : []);
      expect(h).toEqual(o);
    });
  }

  it('joins more than 32 tables', () => {
    const n = 40;
    const tables = Array.from({ length: n }, (_, i) => `CREATE TABLE j${i}(a INTEGER PRIMARY KEY, b); INSERT INTO j${i} VALUES (1, 2), (2, 3), (3, 1);`);
    const from = Array.from({ length: n }, (_, i) => `j${(i * 7) % n}`).join(', ');
    const where = Array.from({ length: n - 1 }, (_, i) => `j${i + 1}.a = j${i}.b`).join(' AND ');
    const [h, o] = both(tables.join('\n'), `SELECT j0.a, j${n - 1}.a FROM ${from} WHERE ${where} AND j0.a = 1`);
    expect(h).toEqual(o);
    expect(h).toHaveLength(1);
  });
});

describe('index hints against SQLite', () => {
  const setup = `CREATE TABLE t1(x INTEGER, y); INSERT INTO t1 VALUES (1, 'a'), (0, 'b'), (NULL, 'c'), (2, 'd'); CREATE INDEX t1i1 ON t1(x);`;
  for (const q of [
    'SELECT group_concat(x) FROM t1 NOT INDEXED',
    'SELECT group_concat(x) FROM t1 NOT INDEXED WHERE x >= 0',
    'SELECT group_concat(x) FROM t1 INDEXED BY t1i1 WHERE x >= 0',
    'SELECT x FROM t1 INDEXED BY nope',
  ]) {
    it(q, () => {
      const [h, o] = both(setup, q);
      expect(h).toEqual(o);
    });
  }
});
