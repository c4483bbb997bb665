/**
 * Regression tests for expression semantics the differential generator found differing from SQLite:
 * collation precedence and propagation, affinity of unary + and IN list items, IS TRUE/FALSE, -0.0,
 * format(''), LIMIT 0 with OFFSET. Each query must give SQLite's column names, rows and storage
 * classes, or its error message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { QueryPair, checkQueries } from '../../test/support/query-oracle.js';

const SETUP = `
  CREATE TABLE t1(c, d COLLATE NOCASE, n NUMERIC, k DOUBLE, big);
  INSERT INTO t1 VALUES ('abc', 'ABC', 1, 2.5, -9223372036854775807 - 1);
  CREATE TABLE t2(b COLLATE NOCASE, x);
  INSERT INTO t2 VALUES ('\\', 1), ('B', 2), ('_.Aa', 3), ('ABC', 4);
  CREATE TABLE t4(d, x COLLATE NOCASE);
  INSERT INTO t4 VALUES (1, 'abc'), (2, 'C)');
  CREATE TABLE z(v, r REAL);
  CREATE TABLE o(a, c);
  INSERT INTO o VALUES (2, 1), (1, 2);
  CREATE TABLE pk(b INTEGER PRIMARY KEY);
  INSERT INTO pk VALUES (5);
`;

const pair = new QueryPair(SETUP);
afterAll(() => pair.close());

function check(group: string, queries: string[]): void {
  checkQueries(pair, group, queries);
}

check('collation: a column outranks the other side, even BINARY', [
  'SELECT c = d, d = c, CASE c WHEN d THEN 1 ELSE 0 END, CASE d WHEN c THEN 1 ELSE 0 END FROM t1',
  'SELECT c BETWEEN d AND d, d BETWEEN c AND c, c IN (d), c IN (d, 1), d IN (c, 1) FROM t1',
  "SELECT +d = 'abc', CAST(d AS TEXT) = 'abc', (d || '') = 'abc', -d = 0, lower(d) = 'abc' FROM t1",
  "SELECT 'ABC' IN (d), 'ABC' IN (d, 'x'), d IN ('abc'), d IN ('abc', 'x') FROM t1",
  "SELECT 'abc' IN ('ABC' COLLATE NOCASE), 'abc' IN ('ABC' COLLATE NOCASE, 1), 'abc' IN (upper('abc') COLLATE NOCASE)",
]);

check('collation: carried through functions, CASE, CAST and into min()/max()', [
  "SELECT min(a.b, b.b), max(a.b, b.b) FROM t2 a, t2 b WHERE a.x = 1 AND b.x = 2",
  "SELECT min(d, 'ABD'), min('ABD', d), min('ABD', d COLLATE BINARY), max(+d, 'abd'), max(CAST(d AS TEXT), 'abd'), nullif(d, 'abc') FROM t1",
  'SELECT DISTINCT (c <> lower((t1.c COLLATE NOCASE))) FROM t1',
  'SELECT b FROM t2 ORDER BY CASE NULL WHEN (NULL COLLATE NOCASE) THEN NULL ELSE b END DESC',
  'SELECT d FROM t4 ORDER BY CAST(x AS VARCHAR(5))',
  "SELECT (c = 'ABC' COLLATE NOCASE) = 1, ('abc' || ('X' COLLATE NOCASE)) = 'ABCx' FROM t1",
]);

check('affinity: unary + and IN list items have none', [
  "SELECT '0' BETWEEN NULL AND (+ n), '1' = +n, +n = '1' FROM t1",
  "SELECT lower(1) IN (NULL, CAST(1 AS BOOLEAN)), '1' IN (n), n IN ('1'), '1' IN (n, 2) FROM t1",
]);

check('IS TRUE and IS FALSE test truth values', [
  "SELECT '' IS FALSE, 'x' IS NOT TRUE, 2 IS TRUE, 0.5 IS TRUE, NULL IS FALSE, NULL IS NOT TRUE",
  "SELECT '' IS DISTINCT FROM FALSE, 1 IS NOT DISTINCT FROM TRUE, c IS TRUE FROM t1",
  // Rows after the first of a multi-row VALUES compare with 1 and 0 instead.
  "SELECT * FROM (VALUES (8 IS NOT TRUE, '' IS FALSE), (8 IS TRUE, '' IS FALSE), (8 IS NOT TRUE, 0 IS FALSE))",
]);

check('negative zero', [
  'SELECT (- 0.0), -0.0, -(+0.0), -0.0 * 1, CAST(-0.0 AS REAL), - -0.0',
  'SELECT -c, 0 - c FROM (SELECT 0.0 AS c)',
]);

check('format, LIMIT 0 and AND with a false literal', [
  "SELECT format('', NULL) IS NULL, printf('') IS NULL, printf('%s', ''), printf('%.0s', 'abc')",
  'SELECT NULL FROM t1 LIMIT 0 OFFSET NULL',
  "SELECT 1 UNION SELECT 2 LIMIT 0 OFFSET 'x'",
  'SELECT (abs(big) AND 0), (0 AND abs(big)) FROM t1',
]);

check('ORDER BY column numbers: signed and folded integer terms, ordinals, collated aliases', [
  'SELECT a FROM o ORDER BY -3',
  'SELECT a FROM o ORDER BY (- 3)',
  'SELECT a FROM o ORDER BY - -1',
  'SELECT a FROM o ORDER BY +(+1) COLLATE NOCASE',
  'SELECT a FROM o ORDER BY (0 IS NULL) COLLATE NOCASE',
  "SELECT a FROM o ORDER BY ('a' IS NOT NULL)",
  'SELECT a FROM o ORDER BY ((1 ISNULL) NOTNULL)',
  'SELECT a FROM o ORDER BY (a AND 0)',
  'SELECT a FROM o ORDER BY (0 AND NULL)',
  'SELECT a FROM o ORDER BY (a AND 0x0)',
  'SELECT a FROM o ORDER BY (a AND FALSE)',
  'SELECT a FROM o ORDER BY 9007199254740993',
  'SELECT a FROM o ORDER BY 2147483648',
  'SELECT a FROM o ORDER BY 2147483647',
  'SELECT NULL FROM o ORDER BY 1, 0',
  'SELECT NULL AS r1 FROM o ORDER BY r1 COLLATE RTRIM',
  'SELECT a FROM o UNION SELECT 3 ORDER BY -(-1)',
  'SELECT a FROM o UNION SELECT 3 ORDER BY 1, (0 ISNULL)',
  'SELECT a, count(*) FROM o GROUP BY -1',
]);

check('a result column reading the rowid is named after the INTEGER PRIMARY KEY', [
  'SELECT pk.rowid, oid, _rowid_, pk.b, rowid AS r FROM pk',
  'SELECT rowid, oid, _ROWID_ FROM o',
  'SELECT o.rowid, pk.oid FROM o, pk',
  'SELECT q.rowid FROM pk AS q',
]);

check('AND and OR: both operands as a value, short-circuit as a condition, literal operands simplify', [
  'SELECT (big OR abs(big)) FROM t1',
  'SELECT NOT (big OR abs(big)) FROM t1',
  'SELECT 1 FROM t1 WHERE big OR abs(big)',
  'SELECT CASE WHEN big OR abs(big) THEN 1 END FROM t1',
  'SELECT (n OR (SELECT abs(big))), ((SELECT n) OR abs(big)) FROM t1',
  'SELECT (abs(big) OR 1), (1 OR abs(big)) FROM t1',
  'SELECT (abs(big) AND 1) FROM t1',
  "SELECT (5 AND 1), ('x' AND 1), (NULL AND 1), (1 OR NULL), (0.5 AND 1), (2 AND 'a'), (NULL OR 3)",
]);

check('TEXT is read as a number only up to its first NUL', [
  "SELECT CAST('12' || x'0033' AS INTEGER), ('5' || x'00') + 1, CAST('1.5' || x'00' AS REAL), CAST('7' || x'00' AS NUMERIC)",
  "SELECT NULL LIMIT (0 || x'00010203')",
  "SELECT typeof(x), typeof(y) FROM (SELECT CAST(0 || zeroblob(1) AS NUMERIC) AS x, CAST(x'00' || '7' AS NUMERIC) AS y)",
]);

describe('storing -0.0', () => {
  it('keeps the sign in a column without REAL affinity and drops it under REAL affinity', () => {
    for (const db of [pair.hearth, pair.sqlite]) db.exec('DELETE FROM z; INSERT INTO z VALUES (-0.0, -1.5 * 0)');
    const [h, o] = pair.run('SELECT v, r, 1 / v FROM z');
    expect(h).toEqual(o);
    expect(o.rows).toEqual([['r:-0', 'r:0', 'null']]);
  });
});

describe('storing TEXT with a NUL under NUMERIC affinity', () => {
  it('converts the numeric prefix before the NUL', () => {
    for (const db of [pair.hearth, pair.sqlite]) db.exec("DELETE FROM z; INSERT INTO z VALUES (0 || x'00010203', 0 || zeroblob(1))");
    const [h, o] = pair.run('SELECT typeof(v), typeof(r), r FROM z');
    expect(h).toEqual(o);
  });
});
