/**
 * Differential tests of queries against SQLite: subqueries (scalar, EXISTS, IN, correlated), row
 * values, compound SELECTs, VALUES, subqueries in FROM, common table expressions (recursive too),
 * views, and every join kind. Each query must give the same column names, the same rows with the same
 * storage classes, or the same error message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readSchema } from '../src/schema/schema.js';
import { QueryPair, checkQueries } from './support/query-oracle.js';

const SETUP = `
  CREATE TABLE t(a INTEGER, b TEXT, c, d TEXT COLLATE NOCASE);
  INSERT INTO t VALUES (1, '1', '1', 'A'), (2, 'x', 2.0, 'b'), (3, NULL, NULL, 'a'), (NULL, 'y', x'00', NULL), (2, '2', 2, 'B');
  CREATE TABLE u(id INTEGER PRIMARY KEY, a INTEGER, e REAL, f TEXT);
  INSERT INTO u(a, e, f) VALUES (1, 1.5, 'one'), (2, 2, 'two'), (2, NULL, 'deux'), (5, 5.5, NULL), (NULL, 0, 'none');
  CREATE TABLE w(x, y);
  CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, boss INTEGER);
  INSERT INTO emp VALUES (1, 'root', NULL), (2, 'ann', 1), (3, 'bob', 1), (4, 'cy', 2), (5, 'di', 4);
`;

const pair = new QueryPair(SETUP);
afterAll(() => pair.close());

function check(group: string, queries: string[]): void {
  checkQueries(pair, group, queries);
}

check('scalar subqueries and EXISTS', [
  'SELECT (SELECT 1)',
  'SELECT (SELECT a FROM t ORDER BY a DESC)',
  'SELECT (SELECT a FROM t WHERE a > 100)',
  'SELECT (SELECT a, b FROM t)',
  "SELECT (SELECT a FROM t) = '1', (SELECT b FROM t) = 1, (SELECT d FROM t) = 'a'",
  'SELECT a, (SELECT id FROM u WHERE u.a = t.a ORDER BY id DESC) FROM t',
  'SELECT a, (SELECT f FROM u WHERE u.a = t.a ORDER BY id LIMIT 1) AS f FROM t ORDER BY a',
  'SELECT a FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a)',
  'SELECT a FROM t WHERE NOT EXISTS (SELECT 1 FROM u WHERE u.a = t.a)',
  'SELECT EXISTS (SELECT 1 FROM w), EXISTS (SELECT * FROM t)',
  'SELECT a, (SELECT b FROM t AS t2 WHERE t2.a = t.a + 1 AND t2.b IS NOT NULL ORDER BY b) FROM t ORDER BY 1',
  'SELECT (SELECT (SELECT t.a + u.a)) FROM t, u WHERE u.id = 1 ORDER BY 1',
  'SELECT a FROM t WHERE a = (SELECT a FROM u ORDER BY a DESC LIMIT 1)',
  'SELECT (SELECT x FROM w) IS NULL',
  'SELECT a FROM t WHERE (SELECT e FROM u WHERE u.id = t.a) > 1.6',
  'SELECT id, (SELECT a FROM t WHERE t.a = u.id) FROM u',
  'SELECT (SELECT nosuch FROM t)',
  'SELECT (SELECT t.a FROM u) FROM t ORDER BY 1',
  'SELECT a, (SELECT x.a FROM t AS x WHERE x.a < t.a ORDER BY x.a DESC) FROM t ORDER BY a',
]);

check('IN', [
  'SELECT a FROM t WHERE a IN (SELECT a FROM u)',
  'SELECT a FROM t WHERE a NOT IN (SELECT a FROM u)',
  'SELECT a FROM t WHERE a NOT IN (SELECT a FROM u WHERE a IS NOT NULL)',
  'SELECT a, a IN (SELECT a FROM u), a NOT IN (SELECT a FROM u) FROM t',
  'SELECT NULL IN (SELECT x FROM w), NULL NOT IN (SELECT x FROM w), 1 IN (SELECT x FROM w)',
  "SELECT 1 IN (SELECT b FROM t), '1' IN (SELECT a FROM t), 'a' IN (SELECT d FROM t), 'A' IN (SELECT b FROM t)",
  "SELECT b, b IN (SELECT a FROM u), c IN (SELECT e FROM u), d IN (SELECT f FROM u) FROM t",
  'SELECT a IN (SELECT a, b FROM t) FROM t',
  'SELECT 1 IN u',
  'SELECT a, a IN w FROM t',
  "SELECT f, f IN (SELECT d FROM t), f COLLATE NOCASE IN (SELECT b FROM t) FROM u",
  'SELECT a FROM t WHERE a IN (SELECT a FROM u WHERE u.e > t.a)',
  'SELECT a, a IN (SELECT u.a FROM u WHERE u.id <> t.a) FROM t',
  'SELECT 2.0 IN (SELECT a FROM u), 2 IN (SELECT e FROM u), x\'00\' IN (SELECT c FROM t)',
  'SELECT a IN (SELECT 1 UNION SELECT 2) FROM t',
]);

check('row values', [
  'SELECT (1, 2) = (1, 2), (1, NULL) = (1, 2), (1, NULL) < (2, 0), (1, 2) < (1, 3), (1, 2) <> (1, 2)',
  'SELECT (1, NULL) = (2, NULL), (1, 2) IS (1, 2), (NULL, 1) IS (NULL, 1), (1, 2) IS NOT (1, 3)',
  'SELECT (1, 2)',
  'SELECT (1, 2) = (1, 2, 3)',
  'SELECT 1 = (1, 2)',
  'SELECT 1 = (SELECT 1, 2)',
  'SELECT (1, 2) = (SELECT 1, 2), (1, 3) = (SELECT 1, 2), (1, 2) = (SELECT a, a FROM w)',
  'SELECT a, b FROM t WHERE (a, b) = (2, \'x\')',
  'SELECT a, b FROM t WHERE (a, b) > (2, \'1\') ORDER BY a, b',
  'SELECT a, (a, d) IN (SELECT a, f FROM u) FROM t',
  'SELECT (1, 2) IN ((1, 2), (3, 4)), (5, 6) IN ((1, 2), (3, NULL)), (3, 5) IN ((1, 2), (3, NULL))',
  'SELECT (1, 2) IN (VALUES (1, 2))',
  'SELECT (1, 2) IN (SELECT 1)',
  'SELECT (1, 2) BETWEEN (0, 0) AND (3, 3), (1, 2) NOT BETWEEN (1, 3) AND (3, 3)',
  'SELECT a, (a, b) = (SELECT a, f FROM u WHERE u.a = t.a) FROM t ORDER BY a',
  'SELECT (NULL, 1) IN (SELECT 2, 2), (NULL, 2) IN (SELECT 2, 2)',
]);

check('compound SELECT and VALUES', [
  'SELECT a FROM t UNION SELECT a FROM u',
  'SELECT a FROM t UNION ALL SELECT a FROM u',
  'SELECT a FROM t INTERSECT SELECT a FROM u',
  'SELECT a FROM t EXCEPT SELECT a FROM u',
  'SELECT 2 UNION SELECT 1',
  'SELECT a FROM t UNION SELECT b FROM t ORDER BY a',
  'SELECT a FROM t UNION SELECT b AS z FROM t ORDER BY z',
  'SELECT a FROM t UNION SELECT b FROM t ORDER BY c',
  'SELECT a FROM t UNION SELECT b FROM t ORDER BY 2',
  'SELECT a, b FROM t UNION ALL SELECT a, f FROM u ORDER BY 2 DESC, 1 LIMIT 4 OFFSET 1',
  'SELECT 1 UNION SELECT 1, 2',
  'SELECT 1 UNION ALL SELECT 1, 2',
  'SELECT d FROM t UNION SELECT f FROM u ORDER BY 1',
  'SELECT f FROM u UNION SELECT d FROM t ORDER BY 1',
  "SELECT 'a' UNION SELECT 'A'",
  "SELECT 'a' COLLATE NOCASE UNION SELECT 'A'",
  'SELECT 1 UNION ALL SELECT 1.0 UNION SELECT 2',
  'SELECT 1 UNION SELECT 2 UNION ALL SELECT 1',
  'SELECT a FROM t EXCEPT SELECT 2 INTERSECT SELECT a FROM u',
  'SELECT a + 1 FROM t UNION SELECT a FROM u ORDER BY a + 1',
  'SELECT a, b FROM t UNION SELECT id, f FROM u ORDER BY b COLLATE NOCASE DESC, 1',
  'VALUES (1, 2), (3, 4)',
  "VALUES (1, 'x') UNION ALL VALUES (2.5, NULL)",
  'VALUES (1), (2, 3)',
  'SELECT * FROM (VALUES (1, 2), (3, 4)) WHERE column1 > 1',
  'VALUES (2), (1) ORDER BY 1',
  'SELECT 5 UNION VALUES (3) ORDER BY 1 DESC',
  'SELECT a FROM t UNION SELECT a FROM u LIMIT 2',
  'SELECT a FROM t UNION ALL SELECT a FROM u ORDER BY 1 NULLS LAST',
  'SELECT x FROM w UNION SELECT x FROM w',
]);

check('subqueries in FROM and CTEs', [
  'SELECT * FROM (SELECT a, b FROM t) WHERE a > 1',
  'SELECT s.a, s.b FROM (SELECT a, b FROM t) AS s ORDER BY s.a',
  'SELECT x, typeof(x) FROM (SELECT a AS x FROM t UNION SELECT b FROM t)',
  "SELECT d FROM (SELECT d FROM t) WHERE d = 'a'",
  "SELECT x FROM (SELECT a AS x FROM t) WHERE x = '2'",
  "SELECT x = b FROM (SELECT 1 + 1 AS x, 2 AS y), t",
  'SELECT * FROM (SELECT a FROM t) AS p JOIN (SELECT a, f FROM u) AS q ON p.a = q.a',
  'SELECT * FROM (SELECT * FROM (SELECT a + 1 AS z FROM t))',
  'SELECT typeof(x) FROM (SELECT 1 AS x UNION ALL SELECT 2.5)',
  'WITH c AS (SELECT a FROM t) SELECT * FROM c',
  'WITH c(x, y) AS (SELECT a, b FROM t) SELECT y, x FROM c WHERE x > 1',
  'WITH c(x) AS (SELECT a, b FROM t) SELECT * FROM c',
  'WITH c AS (SELECT 1 AS n), d AS (SELECT n + 1 AS m FROM c) SELECT * FROM c, d',
  'WITH c AS (SELECT a FROM t) SELECT * FROM c AS c1 JOIN c AS c2 ON c1.a = c2.a',
  'WITH c AS MATERIALIZED (SELECT 1 AS n), d AS NOT MATERIALIZED (SELECT 2 AS n) SELECT * FROM c UNION ALL SELECT * FROM d',
  'WITH c AS (SELECT 1), c AS (SELECT 2) SELECT * FROM c',
  'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT n FROM r',
  'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r LIMIT 5',
  'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r LIMIT 7) SELECT n FROM r',
  'WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT n % 3 + 1 FROM r) SELECT n FROM r',
  'WITH RECURSIVE chain(id, name, depth) AS (SELECT id, name, 0 FROM emp WHERE boss IS NULL UNION ALL SELECT emp.id, emp.name, depth + 1 FROM emp JOIN chain ON emp.boss = chain.id) SELECT * FROM chain ORDER BY id',
  'WITH RECURSIVE fib(a, b) AS (VALUES (0, 1) UNION ALL SELECT b, a + b FROM fib WHERE b < 100) SELECT a FROM fib',
  'SELECT (WITH c AS (SELECT t.a * 10 AS v) SELECT v FROM c) FROM t ORDER BY 1',
  'WITH c AS (SELECT a FROM t) SELECT a FROM u WHERE a IN c',
  'WITH t AS (SELECT 42 AS a) SELECT a FROM t',
  'SELECT * FROM (SELECT a FROM t ORDER BY a DESC LIMIT 2)',
  'SELECT * FROM (SELECT NULL, NULL, a, a, a AS "a:1" FROM t)',
  'SELECT a IS NOT (SELECT e FROM u UNION SELECT \'1\' ORDER BY 1 LIMIT 1) FROM t',
  "SELECT a, a IN (SELECT e FROM u UNION SELECT '2') FROM t",
  'SELECT a FROM t LIMIT -1',
  'SELECT a FROM t ORDER BY a LIMIT -5 OFFSET 2',
  'SELECT * FROM (SELECT 1 AS x) WHERE x IN (SELECT 1)',
]);

describe('views', () => {
  it('stores, reads and drops views as SQLite does', () => {
    const script = [
      "CREATE VIEW v1 AS SELECT a, b FROM t WHERE a > 1",
      'CREATE   VIEW IF NOT EXISTS main.v2(p, q) AS select a, d   FROM t',
      'CREATE VIEW v3(z) AS SELECT 1, 2',
      'CREATE VIEW v4 AS SELECT * FROM nosuch',
    ];
    for (const sql of script) {
      pair.hearth.exec(sql);
      pair.sqlite.exec(sql);
    }
    const queries = [
      'SELECT * FROM v1',
      'SELECT p, q FROM v2 WHERE q = \'a\'',
      'SELECT * FROM v3',
      'SELECT v1.a, v2.q FROM v1 JOIN v2 ON v1.a = v2.p',
      'CREATE VIEW v1 AS SELECT 1',
      'CREATE TABLE v1(x)',
      'DROP VIEW t',
      'INSERT INTO v1 VALUES (1, 2)',
      'DROP VIEW nosuch',
    ];
    for (const q of queries) {
      const [h, o] = pair.run(q);
      expect({ q, ...h }).toEqual({ q, ...o });
    }
    const sqliteViews = pair.sqlite.prepare("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_schema WHERE type = 'view'").all();
    const bt = pair.hearth.btree;
    bt.beginRead();
    const hearthViews = readSchema(bt).filter((e) => e.type === 'view');
    bt.endRead();
    expect(hearthViews.map((e) => ({ type: e.type, name: e.name, tbl_name: e.tblName, rootpage: e.rootpage, sql: e.sql }))).toEqual(sqliteViews);
    for (const sql of ['DROP VIEW v1', 'DROP VIEW IF EXISTS v1', 'DROP VIEW IF EXISTS v2', 'DROP VIEW v3', 'DROP VIEW v4']) {
      pair.hearth.exec(sql);
      pair.sqlite.exec(sql);
    }
    expect(pair.run('SELECT * FROM v1')).toEqual([{ error: 'no such table: v1' }, { error: 'no such table: v1' }]);
  });
});

check('joins', [
  'SELECT * FROM t JOIN u USING (a)',
  'SELECT * FROM t NATURAL JOIN u',
  'SELECT a, t.a, u.a FROM t JOIN u USING (a)',
  'SELECT * FROM t LEFT JOIN u USING (a)',
  'SELECT * FROM t AS x JOIN t AS y USING (a, b)',
  'SELECT * FROM t JOIN u USING (nope)',
  'SELECT * FROM t RIGHT JOIN u ON t.a = u.a',
  'SELECT * FROM t FULL JOIN u ON t.a = u.a',
  'SELECT * FROM t FULL OUTER JOIN u USING (a)',
  'SELECT a, f FROM t RIGHT JOIN u USING (a)',
  'SELECT t.a, u.id, w.x FROM t RIGHT JOIN u ON t.a = u.a LEFT JOIN w ON w.x = u.id',
  'SELECT t.a, u.id FROM t RIGHT JOIN u ON t.a = u.a WHERE t.a IS NULL',
  'SELECT t.a, u.id, e.id FROM t FULL JOIN u ON t.a = u.a FULL JOIN emp AS e ON e.id = u.id',
  'SELECT * FROM t NATURAL LEFT JOIN u',
  'SELECT * FROM (t JOIN u USING (a)) JOIN emp ON emp.id = u.id',
  'SELECT t.*, u.* FROM t JOIN u USING (a)',
]);
