/**
 * In-memory databases keep their rollback journal in memory (journal_mode=MEMORY): these scripts make
 * big transactions under a tiny cache (a `:memory:` database grows its cache, a memory-journal file
 * spills pages into the file) and then roll back (wholly, to a savepoint, or a failing statement), and
 * compare every table with SQLite's after each step.
 */
import Oracle from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Database } from '../src/api/database.js';
import { MemoryVfs } from '../src/vfs/memory.js';

/**
 * Runs each script step on Hearth and SQLite and compares the whole table after it; returns each step's
 * outcome. Hearth runs it twice: on a private `:memory:` database (its cache the only copy of its
 * pages) and on a memory-VFS file in journal mode memory, whose tiny cache spills pages into the file.
 */
function compareScripts(steps: string[], cacheSize: number): string[] {
  const inMemory = compareOn(new Database(':memory:', { cacheSize }), steps);
  const spilling = compareOn(new Database('spill.db', { cacheSize, vfs: new MemoryVfs(), journalMode: 'memory' }), steps);
  expect(spilling).toEqual(inMemory);
  return inMemory;
}

function compareOn(hearth: Database, steps: string[]): string[] {
  const oracle = new Oracle(':memory:');
  oracle.defaultSafeIntegers(true);
  const dump = 'SELECT id, k, pad FROM t ORDER BY id';
  const outcomes: string[] = [];
  try {
    for (const step of steps) {
      const run = (exec: () => unknown): string => {
        try {
          exec();
          return 'ok';
        } catch (err) {
          return (err as Error).message;
        }
      };
      const outcome = run(() => hearth.exec(step));
      expect(outcome, step).toBe(run(() => oracle.exec(step)));
      outcomes.push(outcome);
      expect(hearth.prepare(dump).raw().safeIntegers().all(), step).toEqual(oracle.prepare(dump).raw().all());
      expect(hearth.inTransaction, step).toBe(oracle.inTransaction);
    }
    expect(hearth.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(hearth.pragma('journal_mode', { simple: true })).toBe('memory');
    return outcomes;
  } finally {
    hearth.close();
    oracle.close();
  }
}

/** Rows `from`…`to` of `t`, with a wide text column so that few rows fit a page; `k` as `kOf` says. */
function insertRange(from: number, to: number, kOf = 'v * 7 % 1000'): string {
  return (
    `WITH RECURSIVE s(v) AS (SELECT ${from} UNION ALL SELECT v + 1 FROM s WHERE v < ${to}) ` +
    `INSERT INTO t (id, k, pad) SELECT v, ${kOf}, printf('%0300d', v) FROM s`
  );
}

function insertRows(from: number, n: number): string {
  return insertRange(from, from + n - 1);
}

describe('in-memory journal', () => {
  it('rolls back transactions that spilled pages from a small cache', () => {
    const outcomes = compareScripts(
      [
        'CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, pad TEXT); CREATE INDEX t_k ON t (k)',
        insertRows(1, 500),
        `BEGIN; ${insertRows(501, 1500)}; UPDATE t SET pad = 'x' || pad WHERE id % 3 = 0; DELETE FROM t WHERE id % 5 = 0`,
        'ROLLBACK',
        `BEGIN; DELETE FROM t WHERE id > 100; ${insertRows(2000, 300)}`,
        'ROLLBACK',
        `BEGIN; ${insertRows(3000, 400)}; SAVEPOINT a; ${insertRows(4000, 1200)}; UPDATE t SET k = -k`,
        'ROLLBACK TO a',
        `RELEASE a; ${insertRows(6000, 10)}; COMMIT`,
        'DELETE FROM t WHERE id < 4000',
        'VACUUM',
      ],
      16,
    );
    expect(outcomes.every((outcome) => outcome === 'ok')).toBe(true);
  });

  it('undoes a failing statement that spilled pages, inside a transaction and in autocommit mode', () => {
    const outcomes = compareScripts(
      [
        'CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER UNIQUE, pad TEXT)',
        insertRange(1, 200, 'v'),
        // The last row's k repeats an earlier one: the statement fails after writing 1,000 rows.
        insertRange(1001, 2000, 'CASE WHEN v = 2000 THEN 7 ELSE v + 1000 END'),
        'BEGIN',
        insertRange(3001, 4000, 'CASE WHEN v = 4000 THEN 7 ELSE v + 1000 END'),
        insertRange(5000, 5050, 'v + 100000'),
        'COMMIT',
      ],
      16,
    );
    expect(outcomes).toEqual(['ok', 'ok', 'UNIQUE constraint failed: t.k', 'ok', 'UNIQUE constraint failed: t.k', 'ok', 'ok']);
  });
});
