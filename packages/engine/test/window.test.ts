/**
 * Differential tests of window functions against SQLite (better-sqlite3): OVER with PARTITION BY,
 * ORDER BY and frames (ROWS, RANGE, GROUPS, EXCLUDE), named windows, FILTER, the built-in window
 * functions, aggregates as window functions, windows over groups, with DISTINCT, ORDER BY and LIMIT,
 * in subqueries and CTEs, and SQLite's errors. Each query must give the same column names, the same
 * rows in the same order with the same storage classes, or the same error message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import Oracle from 'better-sqlite3';
import { Database } from '../src/api/database.js';

const SETUP = `
  CREATE TABLE t(a INTEGER, b TEXT, c, d TEXT COLLATE NOCASE);
  INSERT INTO t VALUES (1, 'x', 10, 'A'), (2, 'y', 20, 'b'), (2, 'x', 30, 'a'), (3, NULL, 40, 'B'),
    (NULL, 'z', 50, NULL), (5, 'y', 2.5, 'c'), (3, 'x', 'txt', 'C'), (8, 'z', NULL, 'a');
  CREATE TABLE e(x);
  CREATE TABLE n(v);
  INSERT INTO n VALUES (1), (2.5), (NULL), (4), (4), (-3), (9223372036854775807), (7.25), ('s'), (x'01'), (0);
`;

interface Outcome {
  columns?: string[];
  rows?: string[];
  error?: string;
}

function tag(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return `i:${v}`;
  if (typeof v === 'number') return `r:${v}`;
  if (typeof v === 'string') return `t:${JSON.stringify(v)}`;
  if (v instanceof Uint8Array) return `b:${Buffer.from(v).toString('hex')}`;
  return `?${String(v)}`;
}

interface Engine {
  prepare(sql: string): { columns(): { name: string }[]; safeIntegers(on?: boolean): unknown; raw(on?: boolean): unknown; all(): unknown[] };
}

/** Column names and rows in the order the engine produced them (window queries have a defined order). */
function outcome(db: Engine, sql: string): Outcome {
  try {
    const st = db.prepare(sql);
    const columns = st.columns().map((c) => c.name);
    st.safeIntegers(true);
    st.raw(true);
    return { columns, rows: (st.all() as unknown[][]).map((row) => row.map(tag).join(' ')) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const hearth = new Database();
const sqlite = new Oracle(':memory:');
hearth.exec(SETUP);
sqlite.exec(SETUP);
afterAll(() => {
  hearth.close();
  sqlite.close();
});

function check(group: string, queries: string[]): void {
  describe(group, () => {
    for (const q of queries) {
      it(q, () => {
        expect(outcome(hearth as unknown as Engine, q)).toEqual(outcome(sqlite as unknown as Engine, q));
      });
    }
  });
}

check('ranking functions', [
  'SELECT a, b, row_number() OVER (ORDER BY a) FROM t',
  'SELECT a, b, row_number() OVER () FROM t',
  'SELECT a, b, rank() OVER (ORDER BY a), dense_rank() OVER (ORDER BY a) FROM t',
  'SELECT a, b, rank() OVER (PARTITION BY b ORDER BY a DESC) FROM t',
  'SELECT a, percent_rank() OVER (ORDER BY a), cume_dist() OVER (ORDER BY a) FROM t',
  'SELECT b, percent_rank() OVER (PARTITION BY b ORDER BY a), cume_dist() OVER (PARTITION BY b) FROM t',
  'SELECT a, ntile(3) OVER (ORDER BY a), ntile(1) OVER (ORDER BY a), ntile(100) OVER (ORDER BY a) FROM t',
  "SELECT a, ntile('2') OVER (ORDER BY a), ntile(2.9) OVER (PARTITION BY b ORDER BY a) FROM t",
  'SELECT d, rank() OVER (ORDER BY d), rank() OVER (ORDER BY d COLLATE BINARY) FROM t',
  'SELECT d, row_number() OVER (PARTITION BY d ORDER BY a) FROM t',
  'SELECT a, rank() OVER (ORDER BY a NULLS LAST), rank() OVER (ORDER BY a DESC NULLS FIRST) FROM t',
]);

check('lag, lead and value functions', [
  'SELECT a, c, lag(c) OVER (ORDER BY a), lead(c) OVER (ORDER BY a) FROM t',
  "SELECT a, lag(c, 2, 'none') OVER (ORDER BY a), lead(c, 3, a) OVER (ORDER BY a) FROM t",
  "SELECT a, lag(c, -1) OVER (ORDER BY a), lag(c, 0) OVER (ORDER BY a), lag(c, 1.5) OVER (ORDER BY a), lag(c, '2') OVER (ORDER BY a), lag(c, NULL, 0) OVER (ORDER BY a) FROM t",
  'SELECT b, a, lag(a) OVER (PARTITION BY b ORDER BY a), lead(a, 1, -1) OVER (PARTITION BY b ORDER BY a) FROM t',
  'SELECT a, first_value(c) OVER (ORDER BY a), last_value(c) OVER (ORDER BY a), nth_value(c, 2) OVER (ORDER BY a) FROM t',
  'SELECT a, first_value(c) OVER w, last_value(c) OVER w, nth_value(c, 3) OVER w FROM t WINDOW w AS (ORDER BY a ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)',
  "SELECT a, nth_value(c, '2') OVER (ORDER BY a), nth_value(c, 2.0) OVER (ORDER BY a), nth_value(b, a) OVER (ORDER BY a) FROM t",
  'SELECT b, first_value(a) OVER (PARTITION BY b ORDER BY c ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t',
]);

check('aggregates as window functions', [
  'SELECT a, c, count(*) OVER (), count(c) OVER (), sum(a) OVER (), total(a) OVER (), avg(a) OVER () FROM t',
  'SELECT a, sum(a) OVER (ORDER BY a), count(*) OVER (ORDER BY a), avg(c) OVER (ORDER BY a) FROM t',
  'SELECT a, min(c) OVER (ORDER BY a), max(c) OVER (ORDER BY a DESC) FROM t',
  'SELECT a, group_concat(b) OVER (ORDER BY a), group_concat(b, \'-\') OVER (PARTITION BY d), string_agg(c, \';\') OVER (ORDER BY c) FROM t',
  'SELECT b, a, sum(a) OVER (PARTITION BY b), sum(a) OVER (PARTITION BY b ORDER BY a) FROM t',
  'SELECT a, sum(c) OVER (ORDER BY a ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t',
  'SELECT a, min(c) OVER (ORDER BY a ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), max(c) OVER (ORDER BY a ROWS 1 PRECEDING) FROM t',
  "SELECT a, group_concat(c, '.') OVER (ORDER BY a ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING) FROM t",
  'SELECT a, count(c) FILTER (WHERE a > 1) OVER (ORDER BY a), sum(a) FILTER (WHERE b = \'x\') OVER (ORDER BY a ROWS 2 PRECEDING) FROM t',
  'SELECT v, sum(v) OVER (ORDER BY rowid ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM n',
  'SELECT v, total(v) OVER (ORDER BY rowid ROWS 2 PRECEDING), avg(v) OVER (ORDER BY rowid ROWS 2 PRECEDING) FROM n',
  "SELECT group_concat('') OVER (), group_concat('', '') OVER (ORDER BY rowid ROWS 1 PRECEDING) FROM t",
]);

check('frames', [
  'SELECT a, sum(a) OVER (ORDER BY a ROWS UNBOUNDED PRECEDING), sum(a) OVER (ORDER BY a ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM t',
  'SELECT a, sum(a) OVER (ORDER BY a RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM t',
  'SELECT a, sum(a) OVER (ORDER BY a RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING), count(*) OVER (ORDER BY a RANGE 2 PRECEDING) FROM t',
  'SELECT a, sum(c) OVER (ORDER BY a DESC RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t',
  'SELECT a, sum(c) OVER (ORDER BY a NULLS LAST RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t',
  'SELECT a, group_concat(c) OVER (ORDER BY a RANGE BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM t',
  'SELECT a, count(*) OVER (ORDER BY a RANGE BETWEEN 0.5 PRECEDING AND 1.5 FOLLOWING) FROM t',
  'SELECT v, count(*) OVER (ORDER BY v RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING), sum(v) OVER (ORDER BY v RANGE 10 PRECEDING) FROM n',
  'SELECT v, count(*) OVER (ORDER BY v DESC RANGE BETWEEN 3 PRECEDING AND 1 FOLLOWING) FROM n',
  'SELECT b, count(*) OVER (ORDER BY b RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t',
  'SELECT a, sum(a) OVER (ORDER BY a GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING), sum(a) OVER (ORDER BY a GROUPS 2 PRECEDING) FROM t',
  'SELECT a, sum(a) OVER (ORDER BY a GROUPS BETWEEN 1 FOLLOWING AND 2 FOLLOWING), count(*) OVER (ORDER BY a GROUPS BETWEEN 2 PRECEDING AND 1 PRECEDING) FROM t',
  'SELECT a, sum(a) OVER (ORDER BY a ROWS BETWEEN 2 FOLLOWING AND 1 FOLLOWING) FROM t',
  'SELECT a, sum(a) OVER (ORDER BY a ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW) FROM t',
  'SELECT a, sum(a) OVER (ORDER BY a GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE GROUP) FROM t',
  'SELECT a, sum(a) OVER (ORDER BY a RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES), count(*) OVER (ORDER BY a ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE NO OTHERS) FROM t',
  'SELECT a, first_value(c) OVER (ORDER BY a ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING EXCLUDE CURRENT ROW), nth_value(c, 2) OVER (ORDER BY a RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES), last_value(c) OVER (ORDER BY a GROUPS CURRENT ROW EXCLUDE GROUP) FROM t',
  'SELECT a, sum(a) OVER (ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), sum(a) OVER (PARTITION BY b ROWS 1 PRECEDING) FROM t',
  'SELECT a, sum(a) OVER (ORDER BY a ROWS CAST(1 AS INT) PRECEDING), sum(a) OVER (ORDER BY a ROWS 1.0 PRECEDING), sum(a) OVER (ORDER BY a ROWS \'1\' PRECEDING) FROM t',
  'SELECT x, sum(x) OVER (ORDER BY x RANGE 1 PRECEDING), sum(x) OVER (ORDER BY x RANGE BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1 UNION ALL SELECT -9223372036854775807 - 1)',
]);

check('named windows', [
  'SELECT a, sum(a) OVER w, row_number() OVER w FROM t WINDOW w AS (PARTITION BY b ORDER BY a)',
  'SELECT a, sum(a) OVER (w ORDER BY c) FROM t WINDOW w AS (PARTITION BY b)',
  'SELECT a, sum(a) OVER (w ROWS 1 PRECEDING) FROM t WINDOW w AS (ORDER BY a)',
  'SELECT a, sum(a) OVER w2 FROM t WINDOW w1 AS (PARTITION BY b), w2 AS (w1 ORDER BY a)',
  'SELECT a, sum(a) OVER (w) FROM t WINDOW w AS (ORDER BY a), w AS (ORDER BY c)',
]);

check('with grouping, DISTINCT, ORDER BY and LIMIT', [
  'SELECT b, count(*), sum(count(*)) OVER (), rank() OVER (ORDER BY count(*) DESC, b) FROM t GROUP BY b',
  'SELECT b, count(*) % 2, rank() OVER (ORDER BY count(*) % 2), row_number() OVER (ORDER BY b DESC) FROM t GROUP BY b',
  'SELECT b, rank() OVER (ORDER BY sum(a)), count(*) OVER (PARTITION BY max(a) > 2) FROM t GROUP BY b',
  'SELECT rank() OVER (ORDER BY count(*)) FROM t',
  'SELECT b, sum(a), sum(sum(a)) OVER (ORDER BY b ROWS 1 PRECEDING) FROM t GROUP BY b HAVING count(*) > 1',
  'SELECT row_number() OVER (), count(*) FROM t',
  'SELECT b, a, row_number() OVER (PARTITION BY b), count(*) FROM t GROUP BY b',
  'SELECT DISTINCT b, count(*) OVER (PARTITION BY b) FROM t',
  'SELECT a, row_number() OVER (ORDER BY c) AS r FROM t ORDER BY r DESC LIMIT 3',
  'SELECT a, b FROM t ORDER BY row_number() OVER (ORDER BY c DESC) LIMIT 4 OFFSET 1',
  'SELECT *, rank() OVER (ORDER BY a) FROM t',
  'SELECT a, b, c, row_number() OVER (ORDER BY c DESC), rank() OVER (ORDER BY a), dense_rank() OVER (ORDER BY b) FROM t',
  'SELECT a, b, c, rank() OVER (ORDER BY b), row_number() OVER (ORDER BY c DESC) FROM t',
  'SELECT a + row_number() OVER (ORDER BY a), 1 + sum(a) OVER () * 2 FROM t',
  'SELECT a, (SELECT count(*) FROM t AS u WHERE u.a < t.a) + row_number() OVER (ORDER BY a) FROM t',
  'SELECT x FROM e WHERE 0 UNION ALL SELECT row_number() OVER () FROM e',
  'SELECT count(*) OVER (), sum(x) OVER () FROM e',
  'SELECT max(a), row_number() OVER () FROM t',
]);

check('in subqueries, CTEs and compounds', [
  'SELECT * FROM (SELECT a, row_number() OVER (ORDER BY a) AS r FROM t) WHERE r % 2 = 0',
  'WITH ranked AS (SELECT b, a, rank() OVER (PARTITION BY b ORDER BY a DESC) AS r FROM t) SELECT b, a FROM ranked WHERE r = 1 ORDER BY b',
  'SELECT a, (SELECT sum(a) OVER () FROM t AS u WHERE u.a = t.a) FROM t',
  'SELECT a, row_number() OVER (ORDER BY a) FROM t UNION ALL SELECT c, rank() OVER (ORDER BY c) FROM t',
  'SELECT r FROM (SELECT row_number() OVER (ORDER BY a DESC) AS r FROM t) ORDER BY r LIMIT 3',
]);

check('edge cases', [
  'SELECT a AS x, rank() OVER (ORDER BY x) FROM t',
  'SELECT rank() OVER (ORDER BY 1), row_number() OVER (PARTITION BY 1) FROM t',
  'SELECT sum((SELECT count(*) OVER ())) OVER () FROM t',
  'SELECT a, (SELECT sum(t.a) OVER ()) FROM t',
  'SELECT DISTINCT rank() OVER (ORDER BY a) FROM t',
  'SELECT count(*) OVER () FROM t LIMIT 0',
  'SELECT a FROM t WINDOW w AS (ORDER BY a)',
  'SELECT a, sum(a) OVER (ORDER BY a RANGE BETWEEN 1 PRECEDING AND 1 PRECEDING) FROM t',
  'SELECT b, ntile(2) OVER (PARTITION BY b), ntile(3) OVER (PARTITION BY b ORDER BY c) FROM t',
  'SELECT a, first_value(c) OVER (ORDER BY a RANGE BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) FROM t',
  'SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN CURRENT ROW AND CURRENT ROW), count(*) OVER (PARTITION BY d) FROM t',
  'SELECT c, count(*) OVER (ORDER BY c RANGE BETWEEN 5 PRECEDING AND 100 FOLLOWING) FROM t',
  "SELECT c, sum(a) OVER (ORDER BY c DESC RANGE BETWEEN 10 FOLLOWING AND 20 FOLLOWING) FROM t",
  'SELECT rank() OVER (ORDER BY a) AS r FROM t WHERE r > 1',
  'SELECT rank() OVER (ORDER BY a) AS r FROM t GROUP BY r',
  'SELECT a, rank() OVER (ORDER BY a) AS r FROM t GROUP BY a HAVING r > 1',
  'SELECT a, lag(a, 9223372036854775807) OVER (ORDER BY a), lead(a, -9223372036854775807) OVER (ORDER BY a) FROM t',
  'SELECT a, sum(a) OVER (ORDER BY a ROWS BETWEEN 9223372036854775807 PRECEDING AND 9223372036854775807 FOLLOWING) FROM t',
  'SELECT a, count(*) OVER (ORDER BY a RANGE BETWEEN 1e300 PRECEDING AND CURRENT ROW) FROM t',
  'SELECT a, c, max(c) OVER (PARTITION BY a > 2 ORDER BY c GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE TIES) FROM t',
  'SELECT typeof(sum(a) OVER ()), typeof(avg(a) OVER ()), typeof(percent_rank() OVER ()) FROM t',
  'SELECT * FROM t ORDER BY rank() OVER (PARTITION BY b ORDER BY a DESC), a',
  'SELECT b, group_concat(a, b) OVER (PARTITION BY b ORDER BY a ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM t',
]);

check('errors', [
  'INSERT INTO e VALUES (row_number() OVER ())',
  'UPDATE e SET x = row_number() OVER ()',
  'SELECT count(*) OVER (ORDER BY a ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED PRECEDING) FROM t',
  'SELECT row_number() FROM t',
  'SELECT a FROM t WHERE row_number() OVER () > 1',
  'SELECT a FROM t GROUP BY row_number() OVER ()',
  'SELECT a FROM t GROUP BY a HAVING row_number() OVER () > 1',
  'SELECT count(*) OVER (ORDER BY max(a)) FROM t GROUP BY b, 1',
  'SELECT count(*) OVER () FROM t GROUP BY b, 1',
  'SELECT abs(a) OVER () FROM t',
  'SELECT count(DISTINCT a) OVER () FROM t',
  'SELECT group_concat(a ORDER BY b) OVER () FROM t',
  'SELECT row_number() FILTER (WHERE a > 1) OVER () FROM t',
  'SELECT sum(a) OVER w FROM t',
  'SELECT sum(a) OVER (w PARTITION BY b) FROM t WINDOW w AS (ORDER BY a)',
  'SELECT sum(a) OVER (w ORDER BY b) FROM t WINDOW w AS (ORDER BY a)',
  'SELECT sum(a) OVER (w ORDER BY b) FROM t WINDOW w AS (PARTITION BY a ROWS CURRENT ROW)',
  'SELECT sum(a) OVER (ROWS -1 PRECEDING) FROM t',
  'SELECT sum(a) OVER (ROWS 1.5 PRECEDING) FROM t',
  "SELECT sum(a) OVER (ROWS BETWEEN 1 PRECEDING AND 'a' FOLLOWING) FROM t",
  'SELECT sum(a) OVER (RANGE 1 PRECEDING) FROM t',
  'SELECT sum(a) OVER (ORDER BY a, b RANGE 1 PRECEDING) FROM t',
  'SELECT sum(a) OVER (ORDER BY a RANGE -1 PRECEDING) FROM t',
  "SELECT sum(a) OVER (ORDER BY a RANGE 'x' PRECEDING) FROM t",
  'SELECT sum(a) OVER (ORDER BY a RANGE BETWEEN 1 PRECEDING AND NULL FOLLOWING) FROM t',
  'SELECT sum(a) OVER (ORDER BY a ROWS a PRECEDING) FROM t',
  'SELECT sum(a) OVER (ORDER BY a ROWS abs(1) PRECEDING) FROM t',
  'SELECT sum(a) OVER (ROWS BETWEEN 1 FOLLOWING AND 1 PRECEDING) FROM t',
  'SELECT sum(a) OVER (ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM t',
  'SELECT count(*) OVER (GROUPS BETWEEN 1 FOLLOWING AND CURRENT ROW) FROM nosuch',
  'SELECT count(*) OVER (RANGE 1 FOLLOWING) FROM t',
  'SELECT sum(sum(a) OVER ()) OVER () FROM t',
  'SELECT sum(a) OVER (ORDER BY sum(a) OVER ()) FROM t',
  'SELECT ntile(0) OVER () FROM t',
  "SELECT ntile('a') OVER () FROM t",
  'SELECT nth_value(a, 0) OVER () FROM t',
  'SELECT nth_value(a, 1.5) OVER () FROM t',
  'SELECT nth_value(a, NULL) OVER () FROM t',
  'SELECT row_number(1) OVER () FROM t',
  'SELECT lag() OVER () FROM t',
  'SELECT nosuch(a) OVER () FROM t',
  'SELECT sum(a) OVER (ROWS -1 PRECEDING) FROM e',
  'SELECT row_number() OVER (ROWS -1 PRECEDING) FROM t',
  "SELECT sum(x) OVER (ORDER BY x ROWS 1 PRECEDING) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1)",
]);
