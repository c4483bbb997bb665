/**
 * How window aggregates are computed: a frame that only grows steps each row once, a sliding frame
 * removes rows with `inverse` instead of recomputing, an aggregate without `inverse` is rebuilt, and
 * the sliding min()/max() queue agrees with SQLite over many rows. Aggregates are counted through a
 * connection function table that resolves `counted_sum` to an instrumented sum().
 */
import Oracle from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../api/database.js';
import { sum } from '../func/aggregate.js';
import type { Aggregate, FunctionDescriptor, FunctionOverrides } from '../func/types.js';

const ROWS = 2000;

let steps = 0;
let inverses = 0;

function counted(invertible: boolean): Aggregate {
  const inner = sum();
  const counting: Aggregate = {
    step(args) {
      steps++;
      inner.step(args);
    },
    value: (r) => inner.value(r),
    final: (r) => inner.final(r),
  };
  if (invertible) {
    counting.inverse = (args) => {
      inverses++;
      inner.inverse!(args);
    };
  }
  return counting;
}

/** Adds `counted_sum(X)` (with inverse) and `rebuilt_sum(X)` (without) to `db`'s own functions. */
function instrument(db: Database): void {
  const table = (db as unknown as { userFunctions: FunctionOverrides }).userFunctions;
  const find = table.find.bind(table);
  const descriptor = (name: string, invertible: boolean): FunctionDescriptor => ({
    kind: 'aggregate',
    name,
    deterministic: true,
    invertible,
    implementation: () => counted(invertible),
  });
  table.find = (name, argc) => {
    if (argc === 1 && name.toLowerCase() === 'counted_sum') return descriptor('counted_sum', true);
    if (argc === 1 && name.toLowerCase() === 'rebuilt_sum') return descriptor('rebuilt_sum', false);
    return find(name, argc);
  };
}

const db = new Database();
instrument(db);
const oracle = new Oracle(':memory:');
const setup = `CREATE TABLE s(id INTEGER PRIMARY KEY, x, g);
  INSERT INTO s SELECT i, (i * 7919) % 1009 - 500, i % 7
    FROM (WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${ROWS}) SELECT i FROM k);`;
db.exec(setup);
oracle.exec(setup);
afterAll(() => {
  db.close();
  oracle.close();
});

function counts(sql: string): { steps: number; inverses: number; rows: unknown[] } {
  steps = 0;
  inverses = 0;
  const rows = db.prepare(sql).raw().all();
  return { steps, inverses, rows };
}

describe('window aggregates', () => {
  it('step each row once over a growing frame', () => {
    const run = counts('SELECT counted_sum(x) OVER (ORDER BY id) FROM s');
    expect(run.steps).toBe(ROWS);
    expect(run.inverses).toBe(0);
    const partitioned = counts('SELECT counted_sum(x) OVER (PARTITION BY g ORDER BY id ROWS UNBOUNDED PRECEDING) FROM s');
    expect(partitioned.steps).toBe(ROWS);
  });

  it('remove rows leaving a sliding frame with inverse', () => {
    const run = counts('SELECT counted_sum(x) OVER (ORDER BY id ROWS BETWEEN 10 PRECEDING AND 5 FOLLOWING) FROM s');
    expect(run.steps).toBe(ROWS);
    expect(run.inverses).toBe(ROWS - 11);
    const plain = db.prepare('SELECT sum(x) OVER (ORDER BY id ROWS BETWEEN 10 PRECEDING AND 5 FOLLOWING) FROM s').raw().all();
    expect(run.rows).toEqual(plain);
  });

  it('rebuild an aggregate without inverse when the frame start moves', () => {
    const run = counts('SELECT rebuilt_sum(x) OVER (ORDER BY id ROWS 3 PRECEDING) FROM s');
    expect(run.inverses).toBe(0);
    expect(run.steps).toBe(4 * ROWS - 12);
    const plain = db.prepare('SELECT sum(x) OVER (ORDER BY id ROWS 3 PRECEDING) FROM s').raw().all();
    expect(run.rows).toEqual(plain);
  });

  it('slide min() and max() as SQLite computes them', () => {
    const queries = [
      'SELECT min(x) OVER (ORDER BY id ROWS BETWEEN 50 PRECEDING AND 50 FOLLOWING), max(x) OVER (ORDER BY id ROWS 20 PRECEDING) FROM s',
      'SELECT max(x) OVER (PARTITION BY g ORDER BY x RANGE BETWEEN 30 PRECEDING AND 10 FOLLOWING), min(g) OVER (ORDER BY x GROUPS 3 PRECEDING) FROM s',
      'SELECT min(x) FILTER (WHERE x % 3 = 0) OVER (ORDER BY id ROWS BETWEEN 5 FOLLOWING AND 9 FOLLOWING) FROM s',
    ];
    for (const q of queries) expect(db.prepare(q).raw().all()).toEqual(oracle.prepare(q).raw().all());
  });
});
