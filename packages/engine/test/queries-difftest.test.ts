/**
 * Regression tests for differences the differential generator (test/diff) found once its aggregate,
 * GROUP BY, subquery, compound, CTE, index and write features were turned on. Each query must give
 * SQLite's column names, rows and storage classes, or its error message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { QueryPair, checkQueries } from './support/query-oracle.js';

const SETUP = `
  CREATE TABLE t(x, y);
  INSERT INTO t VALUES (1, 'a'), (2, 'B'), (2, NULL);
`;

const pair = new QueryPair(SETUP);
afterAll(() => pair.close());

function check(group: string, queries: string[]): void {
  checkQueries(pair, group, queries);
}

check('an aggregate in ORDER BY alone does not make an aggregate query', [
  'SELECT x FROM t ORDER BY min(x)',
  'SELECT NULL FROM t ORDER BY 1, abs(count(*))',
  'SELECT x AS z FROM t ORDER BY z, sum(x) + 1',
  'SELECT (SELECT x FROM t ORDER BY count(*))',
  'SELECT count(*) FROM t ORDER BY min(x)',
  'SELECT x FROM t GROUP BY x ORDER BY count(*), 1',
  'SELECT x FROM t GROUP BY x HAVING x ORDER BY min(y), 1',
  // Rejected when generating code: argument errors come first, and the last misuse is the one named.
  'SELECT x FROM t ORDER BY min(x), max(x)',
  "SELECT x FROM t ORDER BY (avg(NULL) LIKE min(DISTINCT NULL))",
  'SELECT x FROM t ORDER BY min(x), nosuch',
  'SELECT x FROM t ORDER BY min(nosuch)',
  'SELECT x FROM t ORDER BY min(count(*))',
  'SELECT x FROM t ORDER BY min(x) LIMIT nosuch',
]);

check('an aggregate in WHERE or ON of an aggregate query: misuse of aggregate', [
  'SELECT count(*) FROM t WHERE min(x) AND max(x)',
  'SELECT count(*) FROM t JOIN t AS u ON count(*)',
  'SELECT count(*) FROM t WHERE min(x) ORDER BY max(x)',
  'SELECT count(*) FROM t WHERE min(x) AND nosuch',
  'SELECT sum(x) FROM t WHERE min(x) LIMIT count(*)',
]);

check('an aggregate where none is allowed: misuse of aggregate function', [
  'SELECT x FROM t WHERE count(*) > 1',
  'SELECT x FROM t WHERE count(*) ORDER BY min(x)',
  'SELECT x FROM t ORDER BY min(x) LIMIT count(*)',
  'SELECT 1 FROM t JOIN t AS u ON count(*)',
  'SELECT 1 LIMIT count(*)',
  'UPDATE t SET x = count(*)',
  'DELETE FROM t WHERE max(x)',
  'INSERT INTO t VALUES (count(*), 1)',
]);

check('errors come in the order SQLite resolves the clauses: LIMIT, ..., ORDER BY, GROUP BY', [
  'SELECT y FROM t GROUP BY 0, NULL ORDER BY 0 COLLATE NOCASE',
  'SELECT x FROM t GROUP BY 2 ORDER BY 2',
  'SELECT x FROM t GROUP BY 0 ORDER BY nosuch',
  'SELECT x FROM t GROUP BY nosuch ORDER BY 0',
  'SELECT x FROM t GROUP BY 0 ORDER BY x',
  'SELECT x FROM t GROUP BY 70000 ORDER BY 0',
  'SELECT x FROM t GROUP BY 2 HAVING nosuch ORDER BY 2',
  'SELECT nosuch FROM t LIMIT nosuch2',
  'SELECT x FROM t GROUP BY count(*), 5',
  'SELECT x FROM t GROUP BY count(*) ORDER BY 5',
  'SELECT count(*) FROM t GROUP BY 1',
  'SELECT x FROM t GROUP BY min(count(*))',
  // A number under COLLATE escapes the GROUP BY check and fails when code is generated.
  'SELECT NULL, count(NULL) FROM t GROUP BY (2 COLLATE BINARY)',
  'SELECT NULL, count(NULL) FROM t GROUP BY 2 COLLATE NOCASE ORDER BY 7',
]);

check('integer text cut at a NUL is read as a REAL (then an INTEGER only when whole and below 2^51)', [
  "SELECT sum('-9007199254740992' || x'00'), sum('12345678901234567' || x'00'), sum('1234567890123456' || x'00'), sum('12' || x'0001')",
  "SELECT sum('9223372036854775807' || x'00'), sum('99999999999999999999' || x'00'), sum('-0' || x'00'), abs('-9007199254740993' || x'00')",
  "SELECT CAST('12345678901234567' || x'00' AS NUMERIC), CAST('9223372036854775807' || x'00' AS INTEGER)",
  "SELECT 12345678901234568 = CAST('12345678901234567' || x'00' AS NUMERIC), '12' || x'00' = 12",
]);

/** Runs `setup` (writes included) on fresh databases; `query` must then read the same on both. */
function afterWrites(group: string, setup: string, query: string): void {
  describe(group, () => {
    it(query, () => {
      const local = new QueryPair(setup);
      try {
        const [h, o] = local.run(query);
        expect(h).toEqual(o);
      } finally {
        local.close();
      }
    });
  });
}

afterWrites(
  'NUMERIC affinity on integer text cut at a NUL stores what SQLite stores',
  `CREATE TABLE n(x NUMERIC, i INTEGER, r REAL);
   INSERT INTO n VALUES ('-9007199254740993' || x'00', '12345678901234567' || x'00', '12' || x'00');
   INSERT INTO n VALUES ('9223372036854775807' || x'00', '0' || x'00', '99999999999999999999' || x'00');`,
  'SELECT x, typeof(x), i, typeof(i), r, typeof(r) FROM n ORDER BY rowid',
);

afterWrites(
  'a multi-row VALUES with subqueries is evaluated before its first row is inserted',
  `CREATE TABLE v(d, x);
   INSERT INTO v VALUES (NULL, NULL), ((SELECT 0 FROM v ORDER BY rowid LIMIT 1), NULL);
   INSERT INTO v(d) VALUES (1), ((SELECT count(*) FROM v)), (EXISTS (SELECT 1 FROM v WHERE d = 1)), (1 IN (SELECT d FROM v));`,
  'SELECT rowid, d, x FROM v ORDER BY rowid',
);

check('x IN ((SELECT …)): a list of one subquery is the subquery form', [
  'SELECT NULL NOT IN ((SELECT NULL FROM t WHERE NULL)) FROM t',
  'SELECT 2 IN ((SELECT x FROM t)), 2 IN (((SELECT x FROM t))), 2 IN ((SELECT x FROM t), 5)',
  'SELECT 2 IN ((SELECT x, y FROM t))',
  'SELECT x FROM t WHERE x IN ((SELECT x FROM t WHERE x > 1))',
]);

describe('column names of queries read as tables', () => {
  const named = new QueryPair('CREATE TABLE t2(e, k); CREATE TABLE t4(e, x);');
  afterAll(() => named.close());
  const names = (sql: string): [unknown, unknown] => [named.hearth.prepare(sql).columns().map((c) => c.name), named.sqlite.prepare(sql).columns().map((c) => c.name)];
  for (const sql of [
    // A compound with a COLLATE in ORDER BY and an operator other than UNION ALL runs as a subquery.
    'SELECT t2._rowid_ FROM t2 UNION SELECT 1 ORDER BY 1 COLLATE BINARY',
    'SELECT NULL, NULL, NULL AS r1 FROM t2 EXCEPT SELECT NULL, NULL, NULL ORDER BY 2 COLLATE RTRIM',
    'SELECT e, e, t2.e, e+1, e+1 FROM t2 UNION SELECT 1, 2, 3, 4, 5 ORDER BY 1 COLLATE BINARY',
    'SELECT e AS a, e AS a, e AS A FROM t2 INTERSECT SELECT 1, 2, 3 ORDER BY 1 COLLATE BINARY',
    'SELECT * FROM t2, t4 UNION SELECT 1, 2, 3, 4 ORDER BY 1 COLLATE BINARY',
    'SELECT TRUE, FALSE UNION SELECT 1, 2 ORDER BY (1 COLLATE BINARY)',
    'SELECT TRUE, FALSE UNION SELECT 1, 2 ORDER BY 1',
    'SELECT t2._rowid_, e, e FROM t2 UNION ALL SELECT 1, 2, 3 ORDER BY 1 COLLATE NOCASE',
    // Subqueries and CTEs are named before names resolve.
    "SELECT * FROM (SELECT e, e, t2.e, e+1, e+1, TRUE, t2._rowid_, 'a:1', e AS 'e:1' FROM t2)",
    'SELECT * FROM (SELECT E, likely(e), e COLLATE NOCASE, t2.oid, FALSE AS x, 1 AS true FROM t2)',
    'SELECT * FROM (SELECT 1, *, 2, *, 3, e FROM t2)',
    'WITH c AS (SELECT E, TRUE, t2.rowid FROM t2) SELECT * FROM c',
  ]) {
    it(sql, () => {
      const [h, o] = names(sql);
      expect(h).toEqual(o);
    });
  }
});

check('INTERSECT and EXCEPT skip their right operand when the left one is empty', [
  'SELECT 1 WHERE 0 INTERSECT SELECT abs(-9223372036854775808)',
  'SELECT 1 EXCEPT SELECT 1 EXCEPT SELECT abs(-9223372036854775808)',
  'SELECT 1 INTERSECT SELECT 2 INTERSECT SELECT abs(-9223372036854775808) ORDER BY 1',
  'SELECT 1 EXCEPT SELECT 1 UNION SELECT abs(-9223372036854775808)',
  'SELECT 1 INTERSECT SELECT 1 INTERSECT SELECT abs(-9223372036854775808)',
]);

check('NOCASE: after a NUL common to both, the longer in bytes is greater', [
  "SELECT (x'7f00' || ' ') < (x'7f00' || 'É') COLLATE NOCASE, (x'7f00' || 'É') < (x'7f00' || ' ') COLLATE NOCASE",
  "SELECT (x'4100' || 'x') = (x'6100' || 'y') COLLATE NOCASE, (x'4100' || 'x') = (x'6100' || 'yz') COLLATE NOCASE",
]);

check('LIMIT stops UNION ALL members and VALUES rows before they run', [
  'SELECT 1 UNION ALL SELECT abs(-9223372036854775808) LIMIT 1',
  'SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT abs(-9223372036854775808) LIMIT 1 OFFSET 1',
  'SELECT 1 UNION SELECT 2 UNION ALL SELECT abs(-9223372036854775808) LIMIT 2',
  'SELECT 1 UNION SELECT 2 UNION ALL SELECT abs(-9223372036854775808) LIMIT 3',
  'SELECT 1 UNION ALL SELECT abs(-9223372036854775808) UNION SELECT 2 LIMIT 1',
  'SELECT 1 UNION ALL SELECT abs(-9223372036854775808) ORDER BY 1 LIMIT 1',
  'SELECT x FROM t UNION ALL SELECT sum(x) + 9223372036854775807 FROM t LIMIT 3',
  'SELECT * FROM (VALUES (1), (abs(-9223372036854775808))) LIMIT 1',
  'SELECT (VALUES (1), (abs(-9223372036854775808)))',
  'SELECT EXISTS (VALUES (1), (abs(-9223372036854775808)))',
  'SELECT 1 IN (VALUES (1), (abs(-9223372036854775808)))',
]);

describe('HAVING terms over GROUP BY terms and constants filter rows before grouping, as in SQLite', () => {
  // Group 2 overflows sum(); 1 and 1.0 share a group (equal under BINARY) but differ in typeof().
  const grouped = new QueryPair(`
    CREATE TABLE g(a, b);
    INSERT INTO g VALUES (1, 1), (1.0, 2), ('1', 3), (2, 9223372036854775807), (2, 1), (3, 5);
    CREATE TABLE n(a COLLATE NOCASE, b);
    INSERT INTO n VALUES ('x', 1), ('X', 2), ('y', 3);
  `);
  afterAll(() => grouped.close());
  checkQueries(grouped, 'moved: the group they reject never forms', [
    'SELECT a, sum(b) FROM g GROUP BY a HAVING a <> 2',
    'SELECT a, sum(b) FROM g GROUP BY a HAVING a+0 <> 2 AND a IN (1, 3)',
    'SELECT g.a, sum(b) FROM g GROUP BY a HAVING "A" COLLATE nocase <> 2',
    'SELECT a AS k, sum(b) FROM g GROUP BY a HAVING k <> 2',
    'SELECT a+0 AS k, sum(b) FROM g GROUP BY 1 HAVING a+0 <> 2',
    'SELECT a+0 AS k, sum(b) FROM g GROUP BY k HAVING k <> 2',
    'SELECT a, sum(b) FROM g GROUP BY a HAVING random() AND a <> 2',
    'SELECT a, sum(b) FROM g GROUP BY a HAVING NULL',
    'SELECT a, sum(b) FROM g GROUP BY a HAVING 0.0',
    'SELECT a, sum(b) FROM g GROUP BY a HAVING NOT 1',
    'SELECT a, sum(b) FROM g GROUP BY a HAVING a <> 2 AND false',
    'SELECT a, sum(b) FROM g GROUP BY a HAVING a <> 2 AND abs(a) AND 0',
    'SELECT a, sum(b), row_number() OVER () FROM g GROUP BY a HAVING a <> 2',
    'SELECT NULL, NULL FROM g INTERSECT SELECT sum(0x7FFFFFFFFFFFFFFF), NULL FROM g GROUP BY NULL HAVING NULL',
    // Each row is tested, not the group's bare column.
    "SELECT a, typeof(a), sum(b) FROM g GROUP BY a HAVING typeof(a) = 'real'",
    "SELECT a, typeof(a), sum(b) FROM g GROUP BY a COLLATE binary HAVING typeof(a) = 'real'",
    "SELECT a, b, sum(b) FROM n GROUP BY a COLLATE binary HAVING a = 'x' COLLATE binary",
  ]);
  checkQueries(grouped, 'kept: aggregates, subqueries, other columns, other collations, always false', [
    'SELECT a, sum(b) FROM g GROUP BY a HAVING a <> 2 AND sum(b) > 0',
    'SELECT a, sum(b) FROM g GROUP BY a HAVING (SELECT a) <> 2',
    'SELECT a, sum(b) FROM g GROUP BY a HAVING a IN (SELECT 1)',
    'SELECT a, sum(b) FROM g GROUP BY a HAVING b <> 9223372036854775807',
    "SELECT a, typeof(a), sum(b) FROM g GROUP BY a COLLATE nocase HAVING typeof(a) = 'real'",
    "SELECT a, typeof(a), sum(b) FROM g GROUP BY +a HAVING typeof(a) = 'real'",
    "SELECT a, b, sum(b) FROM n GROUP BY a HAVING a = 'x' COLLATE binary",
    'SELECT a, sum(b) FROM g GROUP BY a HAVING 0',
    'SELECT a, sum(b) FROM g GROUP BY a HAVING false',
    'SELECT a, sum(b) FROM g GROUP BY a HAVING 0x0',
    // The parser folds `x AND 0` to 0 when neither side calls a function.
    'SELECT a, sum(b) FROM g GROUP BY a HAVING a <> 2 AND 0',
    'SELECT a, sum(b) FROM g GROUP BY a HAVING (a <> 3 AND 0) AND a <> 2',
    "SELECT a, sum(b) FROM g GROUP BY a HAVING 'x' IS NULL",
    'SELECT (SELECT sum(b) FROM g GROUP BY a HAVING x.a <> 2 LIMIT 1) FROM g AS x',
    'SELECT sum(b) FROM g HAVING a <> 2',
  ]);
});

describe('a one-column subquery left of IN (list) compares under its own affinity only', () => {
  const typed = new QueryPair(`
    CREATE TABLE t3(c NUMERIC, d TEXT, e);
    INSERT INTO t3 VALUES (38.5, '38.5', 38.5);
    CREATE TABLE u(f COLLATE NOCASE);
    INSERT INTO u VALUES ('a');
  `);
  afterAll(() => typed.close());
  checkQueries(typed, 'as any x IN (list)', [
    "SELECT (SELECT '38.5') IN (c), '38.5' IN (c), (SELECT '38.5') = c FROM t3",
    "SELECT (SELECT '38.5') IN (c, 1), (SELECT '38.5') IN (1, c), (SELECT '38.5') NOT IN (c, 1, 2) FROM t3",
    'SELECT (SELECT d) IN (c), (SELECT c FROM t3) IN (d), (SELECT 38.5) IN (d), (SELECT CAST(d AS NUMERIC)) IN (d) FROM t3',
    "SELECT c FROM t3 WHERE (SELECT '38.5') IN (c)",
    "SELECT (SELECT 'A') IN (f), (SELECT 'A') IN ('a' COLLATE nocase), (SELECT 'A' COLLATE nocase) IN ('a'), (SELECT f) IN ('A') FROM u",
    'SELECT (SELECT NULL) IN (1), (SELECT 1) IN (NULL, 1), (SELECT 2) NOT IN (NULL, 1), (SELECT 1) IN ()',
  ]);
  checkQueries(typed, 'a multi-column subquery left of a list', [
    'SELECT (SELECT 1, 2) IN ((1, 2))',
    'SELECT (SELECT 1, 2) IN ((1, 2), (3, 4))',
    'SELECT (SELECT 1, 2) IN (1, 2)',
    'SELECT (SELECT 1, 2) IN ((1, 2), 3)',
    'SELECT (SELECT 1, 2) IN ((3, 4), (1, 2), (5, 6))',
    'SELECT (SELECT 1, 2) IN ()',
    'SELECT (SELECT 1) IN ((1, 2))',
  ]);
});

check('IS [NOT] TRUE/FALSE looks through COLLATE on the keyword (a truth test), not through likely()', [
  "SELECT '' IS NOT (FALSE COLLATE RTRIM), '' IS (TRUE COLLATE nocase), 'x' IS NOT likely(FALSE COLLATE nocase)",
  "SELECT x IS NOT (FALSE COLLATE RTRIM), y IS likely(false), 2 IS likelihood(TRUE, 0.5) FROM t",
]);

describe('RANGE offsets on values that round as doubles bound the frame as SQLite does', () => {
  const big = new QueryPair(`
    CREATE TABLE w(x);
    INSERT INTO w VALUES (-5369244664720266909), (-5369244664720266000), (1), (2.5), ('t'), (NULL), (9223372036854775807), (9223372036854775000), (-9223372036854775807), (2.5);
  `);
  afterAll(() => big.close());
  checkQueries(big, 'frame ends', [
    'SELECT x, count(*) OVER (ORDER BY x RANGE BETWEEN UNBOUNDED PRECEDING AND 1.5 PRECEDING) FROM w',
    'SELECT x, count(*) OVER (ORDER BY x DESC RANGE BETWEEN UNBOUNDED PRECEDING AND 1.5 PRECEDING) FROM w',
    'SELECT x, sum(1) OVER (ORDER BY x DESC NULLS FIRST RANGE BETWEEN 900 PRECEDING AND 0.5 PRECEDING) FROM w',
    'SELECT x, count(*) OVER (ORDER BY x RANGE BETWEEN 1 FOLLOWING AND 1000 FOLLOWING) FROM w',
    'SELECT x, count(*) OVER (ORDER BY x RANGE BETWEEN CURRENT ROW AND 1.5 FOLLOWING) FROM w',
  ]);
  checkQueries(big, 'frame starts, and a PRECEDING start or FOLLOWING end keeps the current row', [
    'SELECT x, count(*) OVER (ORDER BY x RANGE BETWEEN 1.5 PRECEDING AND 1.5 FOLLOWING) FROM w',
    'SELECT x, count(*) OVER (ORDER BY x DESC RANGE BETWEEN 1.5 PRECEDING AND 1.5 FOLLOWING) FROM w',
    'SELECT x, count(*) OVER (ORDER BY x RANGE BETWEEN 1.5 PRECEDING AND CURRENT ROW) FROM w',
    'SELECT x, count(*) OVER (ORDER BY x DESC NULLS FIRST RANGE BETWEEN 1.5 FOLLOWING AND UNBOUNDED FOLLOWING) FROM w',
    'SELECT x, count(*) OVER (ORDER BY x RANGE BETWEEN 1.5 FOLLOWING AND UNBOUNDED FOLLOWING) FROM w',
    'SELECT x, count(*) OVER (ORDER BY x RANGE BETWEEN 0 PRECEDING AND 0 FOLLOWING) FROM w',
    'SELECT x, count(*) OVER (ORDER BY x RANGE BETWEEN 2 PRECEDING AND 1 PRECEDING) FROM w',
  ]);
  const edge = new QueryPair(`
    CREATE TABLE t1(z UNSIGNED BIG INT);
    INSERT INTO t1 VALUES (9223372036854775806), ('9223372036854775808');
  `);
  afterAll(() => edge.close());
  checkQueries(edge, 'a PRECEDING start moves the other row too (9223372036854775806 + 3 rounds to 2^63)', [
    'SELECT count(0) OVER (ORDER BY q1.z RANGE BETWEEN 3 PRECEDING AND 0 FOLLOWING) FROM t1 CROSS JOIN t1 AS q1',
  ]);
});

describe('groups come in scan order when GROUP BY holds the outer table\'s rowid (which groups LIMIT finalizes)', () => {
  const rows = new QueryPair(`
    CREATE TABLE t2(a);
    INSERT INTO t2 VALUES (4370485008957661877), (11), (9007199254740991);
    CREATE TABLE k(id INTEGER PRIMARY KEY, v);
    INSERT INTO k VALUES (3, 'a'), (1, 'b'), (2, 'c');
  `);
  afterAll(() => rows.close());
  checkQueries(rows, 'as SQLite emits them', [
    'SELECT sum(q1.a) FROM t2 AS q1, t2 GROUP BY q1.a, q1.oid LIMIT 1',
    'SELECT q1.a, q1.oid, count(*) FROM t2 AS q1, t2 GROUP BY q1.a, q1.oid',
    'SELECT q1.a, q1.oid, sum(q1.a) FROM t2 AS q1 GROUP BY q1.a, q1.oid LIMIT 1',
    'SELECT sum(q1.a) FROM t2 AS q1, t2 GROUP BY q1.a LIMIT 1',
    'SELECT v, id, count(*) FROM k GROUP BY v, id',
    'SELECT v, count(*) FROM k, t2 GROUP BY v, k.rowid',
    'SELECT v, count(*) FROM k, t2 GROUP BY v, t2.rowid',
    'SELECT v, count(*) FROM k WHERE id > 1 GROUP BY v, id',
    'SELECT v, count(*) FROM k LEFT JOIN t2 ON 1 GROUP BY v, id',
    'SELECT v, count(*) FROM k GROUP BY v, id ORDER BY 1 DESC',
  ]);
});

describe('an aggregate or window call takes the first explicit collation among its arguments', () => {
  const named = new QueryPair(`
    CREATE TABLE t1(a, x);
    CREATE TABLE t2(b, y, e);
    INSERT INTO t2 VALUES (-2, 'a', x'00'), (29, 'A', x'');
  `);
  afterAll(() => named.close());
  checkQueries(named, 'as any function call', [
    'SELECT nth_value((t2.y COLLATE nocase), 1) OVER (ORDER BY NULL, NULL, t2.rowid RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM t2 EXCEPT SELECT NULL FROM t1',
    "SELECT max(y COLLATE nocase) FROM t2 GROUP BY b UNION SELECT 'A'",
    'SELECT max(y COLLATE nocase) AS m FROM t2 GROUP BY b ORDER BY m',
    "SELECT min(y COLLATE nocase) = 'A', max(y) = 'a' COLLATE nocase, max(y COLLATE nocase) < 'B', max(y COLLATE nocase) IN ('A') FROM t2",
    'SELECT DISTINCT first_value(y COLLATE nocase) OVER (ORDER BY b DESC) FROM t2',
    'SELECT DISTINCT lag(y COLLATE nocase, 0) OVER (ORDER BY b) FROM t2',
    'SELECT DISTINCT group_concat(y COLLATE nocase) OVER (ORDER BY b ROWS CURRENT ROW) FROM t2',
    "SELECT count(y COLLATE nocase) = '2' FROM t2",
  ]);
});

check('printf: a format that ends inside a conversion ends the output (NULL when nothing came before)', [
  "SELECT printf('%0'), printf('%'), printf('a%'), printf('%5'), printf('%-'), printf('%.'), printf('%l'), printf('%5.3')",
  "SELECT printf('%d%'), printf('a%0'), printf('%d%05', 7), printf('%s%ll', 'x'), format('%0'), printf('%!')",
]);

describe('IS TRUE in a later VALUES row is a comparison only in the run of constant rows SQLite codes as one', () => {
  const inserted = new QueryPair(`
    CREATE TABLE t1(a, d);
    INSERT INTO t1(a, d) VALUES (NULL, NULL), ((SELECT 1), (-3 IS DISTINCT FROM TRUE));
    INSERT INTO t1(a, d) VALUES (1, NULL), (2, (-3 IS NOT TRUE)), (3, EXISTS (SELECT 1)), (4, (-3 IS NOT TRUE));
    INSERT INTO t1(a, d) VALUES (CAST(5 AS INT), NULL), (6, (-3 IS NOT TRUE));
  `);
  afterAll(() => inserted.close());
  checkQueries(inserted, 'INSERT and VALUES', [
    'SELECT a, d FROM t1',
    'VALUES (NULL, NULL), ((SELECT 1), (-3 IS DISTINCT FROM TRUE))',
    'VALUES (NULL, NULL), (1, (-3 IS NOT TRUE)), ((SELECT 1), (-3 IS NOT TRUE)), (1, (-3 IS NOT TRUE))',
    'VALUES ((SELECT 1), NULL), (1, (-3 IS NOT TRUE))',
    'VALUES (CAST(1 AS INT), NULL), (1, (-3 IS NOT TRUE))',
    'VALUES (1, NULL), (1, (-3 IS NOT TRUE)), (CAST(1 AS INT), (-3 IS NOT TRUE)), (abs(1), (-3 IS NOT TRUE))',
    'SELECT (SELECT count(*) FROM (VALUES (1), (x IS TRUE))) FROM t1 LIMIT 1',
  ]);
});

describe('a compound column that reads the rowid or an INTEGER PRIMARY KEY takes a later arm\'s collation', () => {
  const keyed = new QueryPair(`
    CREATE TABLE t2(c INTEGER PRIMARY KEY, v COLLATE NOCASE, w);
    INSERT INTO t2 VALUES (1, 'b', 'b'), (2, 'A', 'A'), (3, 'a', 'a');
    CREATE VIEW v2 AS SELECT c, v FROM t2;
  `);
  afterAll(() => keyed.close());
  checkQueries(keyed, 'as SQLite gives such a reference no collation', [
    'SELECT t2.c AS r1 FROM t2 UNION ALL SELECT t2.v FROM t2 ORDER BY r1',
    'SELECT c FROM t2 UNION SELECT v FROM t2',
    'SELECT rowid FROM t2 UNION SELECT v FROM t2',
    'SELECT t2._rowid_ FROM t2 UNION ALL SELECT v FROM t2 ORDER BY 1',
    'SELECT w FROM t2 UNION SELECT v FROM t2',
    'SELECT c FROM v2 UNION SELECT v FROM t2',
    'SELECT c FROM (SELECT c FROM t2 GROUP BY c) UNION SELECT v FROM t2',
    "SELECT c FROM t2 UNION SELECT 'A' COLLATE NOCASE UNION SELECT v FROM t2",
    'SELECT * FROM t2 WHERE c = 1 UNION SELECT v, c, w FROM t2',
  ]);
});

describe('x IS TRUE in WHERE is a truth test, never a seek for x = 1', () => {
  const keyed = new QueryPair(`
    CREATE TABLE t2(v, b, d INTEGER PRIMARY KEY);
    INSERT INTO t2 VALUES ('3.0', 11, NULL), (10, '1e400', NULL), (0, 2, 5);
    CREATE INDEX t2b ON t2(b);
  `);
  afterAll(() => keyed.close());
  checkQueries(keyed, 'over a rowid and an index', [
    'SELECT count(0) FROM t2 WHERE (t2.d IS TRUE)',
    'SELECT d FROM t2 WHERE d IS TRUE',
    'SELECT d FROM t2 WHERE d IS (FALSE COLLATE nocase)',
    'SELECT b FROM t2 WHERE b IS TRUE',
    'SELECT b FROM t2 WHERE b IS FALSE',
    'SELECT d FROM t2 WHERE d = TRUE',
    'SELECT d FROM t2 WHERE TRUE IS d',
  ]);
});

check('AND folds to 0 beside a literal 0 when function calls are only inside subqueries', [
  'SELECT x FROM t ORDER BY (0 AND (SELECT abs(1)))',
  'SELECT x FROM t ORDER BY ((7 IS NULL) AND (SELECT sum(1)))',
  'SELECT x FROM t ORDER BY (0 AND (SELECT sum(1) FROM t WHERE length(x)))',
  'SELECT x FROM t ORDER BY (0 AND EXISTS (SELECT abs(1))), 1',
  'SELECT x FROM t ORDER BY (0 AND 1 IN (SELECT abs(1))), 1',
  "SELECT x FROM t ORDER BY (0 AND (SELECT y LIKE 'a' FROM t)), 1",
  'SELECT x FROM t ORDER BY (0 AND abs(1)), 1',
  'SELECT x FROM t ORDER BY (0 AND (1 + abs(1))), 1',
  'SELECT x FROM t GROUP BY (0 AND (SELECT 1))',
  'SELECT (0 AND (SELECT abs(-9223372036854775808))) FROM t',
]);

check('frame offsets are checked from the last window call to the first', [
  'SELECT count(*) OVER (ORDER BY x GROUPS BETWEEN 1 PRECEDING AND 1.5 FOLLOWING), count(*) OVER (ORDER BY x GROUPS BETWEEN 1.5 PRECEDING AND CURRENT ROW) FROM t',
  'SELECT count(*) OVER (ORDER BY x GROUPS BETWEEN 1.5 PRECEDING AND CURRENT ROW), count(*) OVER (ORDER BY x GROUPS BETWEEN 1 PRECEDING AND 1.5 FOLLOWING) FROM t',
  'SELECT count(*) OVER (PARTITION BY y ORDER BY x ROWS BETWEEN -1 PRECEDING AND 1 FOLLOWING), count(*) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND -1 FOLLOWING) FROM t',
  'SELECT count(*) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND -1 FOLLOWING), count(*) OVER (ORDER BY x + 1 ROWS BETWEEN -1 PRECEDING AND 1 FOLLOWING) FROM t',
]);

describe('a scalar subquery IS TRUE/FALSE is a truth test', () => {
  const sub = new QueryPair(`
    CREATE TABLE t1(e, v); INSERT INTO t1 VALUES ('ABC', 12.0);
    CREATE TABLE t3(k, z, b); INSERT INTO t3 VALUES (2, NULL, 9007199254740992);
  `);
  afterAll(() => sub.close());
  checkQueries(sub, 'as any other operand', [
    'SELECT ((SELECT b FROM t3 AS s1) IS DISTINCT FROM TRUE), ((SELECT b FROM t3 AS s1) IS NOT TRUE)',
    'SELECT ((SELECT 2) IS NOT TRUE), ((SELECT 2) IS TRUE), ((SELECT 0) IS FALSE), TRUE IS (SELECT 2)',
    'SELECT e FROM t1 WHERE ((SELECT b FROM t3 AS s1) IS DISTINCT FROM TRUE)',
    'SELECT (SELECT z FROM t3) IS FALSE, (SELECT z FROM t3) IS NOT FALSE, (SELECT 2) IS NOT DISTINCT FROM TRUE',
    'SELECT (SELECT 1, 2) IS TRUE',
    'SELECT (1, 2) IS NOT FALSE',
  ]);
});

describe('INDEXED BY a partial index whose condition WHERE does not state has no query solution (but count(*) alone is answered)', () => {
  const partial = new QueryPair(`
    CREATE TABLE m(id INTEGER PRIMARY KEY, r REAL, b);
    CREATE INDEX m_part ON m(r) WHERE r > 50;
    CREATE INDEX m_full ON m(b);
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) INSERT INTO m SELECT x, x, x % 3 FROM c;
  `);
  afterAll(() => partial.close());
  checkQueries(partial, 'SQLite matches the condition term by term', [
    'SELECT count(*) FROM m INDEXED BY m_part WHERE r > 10',
    'SELECT count(*) FROM m INDEXED BY m_part WHERE r > 98',
    'SELECT count(*) FROM m INDEXED BY m_part',
    'SELECT count(*) AS n FROM m AS x INDEXED BY m_part',
    'SELECT count(*), 1 FROM m INDEXED BY m_part',
    'SELECT count(r) FROM m INDEXED BY m_part',
    'SELECT count(*) FROM m INDEXED BY m_part WHERE r > 50',
    'SELECT id FROM m INDEXED BY m_part WHERE r > 50 AND r > 97 ORDER BY id',
    'SELECT count(*) FROM m INDEXED BY m_full WHERE r > 10',
    'SELECT count(*) FROM m NOT INDEXED WHERE r > 98',
    'UPDATE m INDEXED BY m_part SET b = 0 WHERE r > 10',
    'DELETE FROM m INDEXED BY m_part WHERE r > 90',
    'UPDATE m INDEXED BY nosuch SET b = 1',
    'DELETE FROM m INDEXED BY m_full WHERE b = 2 AND r > 95',
    'UPDATE m NOT INDEXED SET b = 5 WHERE r > 50 AND r < 53',
    'SELECT id, b FROM m WHERE r > 94 ORDER BY id',
  ]);
});
