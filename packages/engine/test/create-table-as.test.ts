// CREATE TABLE … AS SELECT and STRICT tables against real SQLite. For CTAS the stored CREATE TABLE text
// (column names, :N renaming, declared types from affinity, quoting, line layout) must be SQLite's byte
// for byte, and the rows the same values with the same storage classes; STRICT tables must accept and
// reject the same values with SQLite's errors. Hearth's files must pass SQLite's integrity_check.
import { afterAll, describe, it } from 'vitest';
import { makeTempDir, removeTempDir } from './support/sqlite-oracle.js';
import { agreeScript } from './support/script-pair.js';

const dir = makeTempDir();
afterAll(() => removeTempDir(dir));
let files = 0;
const agree = (script: string[]): void => agreeScript(dir, `ctas${files++}`, script);

const source = [
  'CREATE TABLE t(a int, b text, c real, d, e numeric, "my col" varchar, "select" blob)',
  "INSERT INTO t VALUES (1, 'x', 1.5, x'01', '12', 'v', 3), (2, 'y', 2, NULL, 'abc', NULL, 'w')",
];

describe('CREATE TABLE … AS SELECT', () => {
  it('derives names, types and text as SQLite does', () => {
    agree([
      ...source,
      'CREATE TABLE x1 AS SELECT * FROM t',
      'CREATE TABLE x2 AS SELECT a, a, a, b AS a, a+1, \'lit\', 1.5, cast(d as integer), t.b, "my col" AS "x""y" FROM t',
      'CREATE TABLE "Long Table Name With Many Characters" AS SELECT a AS aaaaaaaaaaaaaaaaaaaa, b AS bbbbbbbbbbbbbbbbbbb FROM t',
      'CREATE TABLE x3 AS SELECT 1 AS "a:1", 2 AS a, 3 AS a, 4 AS "A"',
      'CREATE TABLE x4 AS SELECT count(*), max(a), b || b, a COLLATE nocase, (SELECT 1), abs(a), -a, cast(e AS real) FROM t',
      'CREATE TABLE x5 AS SELECT 1 UNION SELECT 2 ORDER BY 1 DESC',
      'CREATE TABLE x6 AS VALUES (1, 2), (3, 4)',
      'CREATE TABLE x7 AS WITH w(k) AS (SELECT b FROM t) SELECT k, k AS key FROM w',
      'CREATE TABLE IF NOT EXISTS x1 AS SELECT 1',
      'CREATE TABLE x1 AS SELECT 1',
      'CREATE TABLE sqlite_x AS SELECT 1',
      'CREATE TABLE x8 AS SELECT * FROM t WHERE 0',
      'SELECT * FROM x1',
      'SELECT * FROM x2',
      'SELECT * FROM x4',
      'SELECT rowid, * FROM x5',
      'SELECT * FROM x7',
      "SELECT name, sql FROM sqlite_schema WHERE name LIKE 'x%' ORDER BY rowid",
      'INSERT INTO x1 VALUES (3, 4, 5, 6, 7, 8, 9)',
      'SELECT typeof(a), typeof(b), typeof(c), typeof(e) FROM x1',
    ]);
  });
});

describe('STRICT tables', () => {
  it('checks declared types at CREATE and value types on write', () => {
    agree([
      'CREATE TABLE s1(a integer primary key, b text) STRICT',
      'CREATE TABLE s2(a foo) STRICT',
      'CREATE TABLE s3(a) STRICT',
      'CREATE TABLE s4(a int, b any, c real CHECK (c > 0), d text, e blob, f integer NOT NULL, g TEXT UNIQUE) STRICT',
      "INSERT INTO s4 VALUES ('12', '12', 3, 4, x'00', 1, 'g1')",
      "INSERT INTO s4(a, f) VALUES ('x', 1)",
      "INSERT INTO s4(c, f) VALUES ('1.5x', 1)",
      'INSERT INTO s4(e, f) VALUES (1, 1)',
      'INSERT INTO s4(d, f) VALUES (1.5, 1)',
      "INSERT INTO s4(f) VALUES ('a')",
      'INSERT INTO s4(f) VALUES (NULL)',
      "INSERT INTO s4(a, f) VALUES ('x', NULL)",
      "INSERT INTO s4(c, f) VALUES (-1, 1)",
      "INSERT OR IGNORE INTO s4(a, f) VALUES ('x', 1)",
      'INSERT INTO s4(a, f) VALUES (9223372036854775808, 1)',
      "INSERT INTO s4(b, c, f) VALUES (x'ff', 2, 7)",
      "UPDATE s4 SET a = 'zz'",
      "UPDATE s4 SET a = '42' WHERE f = 1",
      "INSERT INTO s1 VALUES ('abc', 'x')",
      "INSERT INTO s1 VALUES ('5', 'x'), (2.0, 'y')",
      'CREATE TABLE s5(a INTEGER, b Int, c "TEXT", d ANY) STRICT',
      "INSERT INTO s5 VALUES ('1', '2', 3, '4')",
      'CREATE TABLE n(d ANY)',
      "INSERT INTO n VALUES ('4')",
      'SELECT typeof(d), d FROM n',
      'SELECT a, typeof(a), b, typeof(b), c, typeof(c), d, typeof(d) FROM s5',
      'SELECT rowid, a, typeof(a), b, typeof(b), c, typeof(c), d, typeof(d), e, f, g FROM s4',
      'SELECT * FROM s1',
    ]);
  });
});
