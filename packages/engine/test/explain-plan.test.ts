/**
 * EXPLAIN QUERY PLAN against SQLite: for queries whose best plan is unambiguous, Hearth must choose
 * SQLite's access paths and word them as SQLite does (the plan lines with their nesting; ids differ).
 * This is also how the planner's choices are tested: the expected plans are SQLite's.
 */
import Oracle from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../src/api/database.js';

const SCHEMA = `
  CREATE TABLE t(a INTEGER, b TEXT, c REAL, d);
  CREATE INDEX ta ON t(a);
  CREATE INDEX tbc ON t(b, c);
  CREATE TABLE u(x INTEGER PRIMARY KEY, y, z TEXT COLLATE NOCASE);
  CREATE UNIQUE INDEX uy ON u(y);
  CREATE INDEX uz ON u(z);
  CREATE TABLE p(k INTEGER, v TEXT);
  CREATE INDEX pk_pos ON p(k) WHERE k > 0;
  CREATE TABLE w(m TEXT, n INTEGER);
  CREATE INDEX wmn ON w(m DESC, n);
`;

const hearth = new Database();
hearth.exec(SCHEMA);
const sqlite = new Oracle(':memory:');
sqlite.exec(SCHEMA);
afterAll(() => {
  hearth.close();
  sqlite.close();
});

interface PlanRow {
  id: number | bigint;
  parent: number | bigint;
  detail: string;
}

/** The plan as indented detail lines. */
function plan(rows: PlanRow[]): string[] {
  const depth = new Map<string, number>();
  return rows.map((r) => {
    const d = Number(r.parent) === 0 ? 0 : depth.get(String(r.parent))! + 1;
    depth.set(String(r.id), d);
    return `${'  '.repeat(d)}${r.detail}`;
  });
}

const QUERIES = [
  // Index equality, IN, IS NULL, affinity of the probe.
  'SELECT * FROM t WHERE a = 1',
  "SELECT * FROM t WHERE a = '5'",
  'SELECT * FROM t WHERE a IN (1, 2, 3)',
  'SELECT * FROM t WHERE a IS NULL',
  'SELECT * FROM t WHERE b = 5',
  // Ranges, multi-column prefixes, covering reads.
  'SELECT a FROM t WHERE a > 1',
  'SELECT a FROM t WHERE a BETWEEN 1 AND 9',
  "SELECT b, c FROM t WHERE b = 'x' AND c > 1 AND c < 5",
  "SELECT * FROM t WHERE b = 'x' AND c >= 2",
  'SELECT a FROM t',
  // The rowid, unique indexes, collations.
  'SELECT * FROM u WHERE x = 5',
  'SELECT * FROM u WHERE x > 10',
  'SELECT z FROM u WHERE y = 3',
  "SELECT * FROM u WHERE z = 'abc'",
  "SELECT * FROM u WHERE z = 'abc' COLLATE BINARY",
  // Partial indexes: only when WHERE implies the condition.
  'SELECT * FROM p WHERE k = 5 AND k > 0',
  'SELECT * FROM p WHERE k = 5',
  // ORDER BY from an index or the rowid, or a sort.
  'SELECT * FROM t ORDER BY a LIMIT 5',
  'SELECT a FROM t ORDER BY a',
  'SELECT * FROM t ORDER BY a DESC LIMIT 3',
  "SELECT * FROM t WHERE b = 'x' ORDER BY c DESC",
  'SELECT b, c FROM t ORDER BY b DESC, c DESC',
  "SELECT * FROM t WHERE b = 'x' ORDER BY d",
  'SELECT * FROM u ORDER BY x DESC',
  'SELECT * FROM w ORDER BY m DESC, n',
  // min() and max() from an end of an index or of the rowid.
  'SELECT max(x) FROM u',
  'SELECT min(a) FROM t',
  'SELECT max(b) FROM t',
  'SELECT min(a) FROM t WHERE a > 5',
  "SELECT max(c) FROM t WHERE b = 'x'",
  // Joins: the indexed side inside.
  'SELECT * FROM t, u WHERE u.y = t.a',
  'SELECT * FROM t AS t1, t AS t2 WHERE t1.a = t2.d',
  'SELECT * FROM u, t WHERE t.a = u.x',
  // Temporary B-trees.
  'SELECT DISTINCT d FROM t',
  'SELECT d, count(*) FROM t GROUP BY d',
  'SELECT 1',
  // Compounds without ORDER BY, VALUES.
  'SELECT a FROM t UNION ALL SELECT x FROM u',
  'SELECT a FROM t UNION ALL VALUES (1)',
  'VALUES (1), (2)',
  // Subqueries of expressions.
  'SELECT * FROM t WHERE a = (SELECT max(x) FROM u)',
  'SELECT * FROM t WHERE d = (SELECT z FROM u WHERE u.y = t.a)',
  'SELECT (SELECT count(*) FROM u), (SELECT max(a) FROM t) FROM t',
  'SELECT * FROM t WHERE d IN (SELECT y FROM u WHERE u.z = t.b)',
  // A FROM subquery SQLite cannot flatten, run as the outer loop reads it.
  'SELECT * FROM (SELECT a, count(*) FROM t GROUP BY d) AS s',
  // UPDATE and DELETE.
  'DELETE FROM u WHERE x = 3',
  'UPDATE t SET d = 1',
];

describe('EXPLAIN QUERY PLAN', () => {
  for (const q of QUERIES) {
    it(q, () => {
      const expected = plan(sqlite.prepare(`EXPLAIN QUERY PLAN ${q}`).all() as PlanRow[]);
      const actual = plan(hearth.prepare(`EXPLAIN QUERY PLAN ${q}`).all() as PlanRow[]);
      expect(actual).toEqual(expected);
    });
  }

  it('returns rows (id, parent, notused, detail)', () => {
    const st = hearth.prepare('EXPLAIN QUERY PLAN SELECT * FROM t WHERE a = 1');
    expect(st.reader).toBe(true);
    expect(st.columns().map((c) => c.name)).toEqual(['id', 'parent', 'notused', 'detail']);
    const [row] = st.raw(true).all() as unknown[][];
    expect(row!.slice(1)).toEqual([0, 0, 'SEARCH t USING INDEX ta (a=?)']);
  });

  it('sorts rather than walk a whole index with a table lookup per row (unlike SQLite)', () => {
    const rows = hearth.prepare('EXPLAIN QUERY PLAN SELECT * FROM t ORDER BY a').all() as PlanRow[];
    expect(plan(rows)).toEqual(['SCAN t', 'USE TEMP B-TREE FOR ORDER BY']);
  });

  it('does not list bytecode', () => {
    expect(() => hearth.prepare('EXPLAIN SELECT 1').all()).toThrow('not supported yet: EXPLAIN');
  });
});
