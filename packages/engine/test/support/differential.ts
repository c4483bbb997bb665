/**
 * Running the same SQL on Hearth and on real SQLite (better-sqlite3), for tests that compare them: each
 * outcome is the raw rows (arrays of values; INTEGERs as bigint and BLOBs as Uint8Array on both sides), the change count of a
 * statement that returns no rows, or `error: <message>`.
 */
import Oracle from 'better-sqlite3';
import { Database } from '../../src/api/database.js';

function outcome(f: () => unknown): unknown {
  try {
    return f();
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

/** Runs `setup` and then `sql` on fresh in-memory databases; returns [hearth, sqlite] outcomes of `sql`. */
export function both(setup: string, sql: string, params: unknown[] = []): [unknown, unknown] {
  const hearth = new Database();
  const oracle = new Oracle(':memory:');
  oracle.defaultSafeIntegers(true);
  try {
    hearth.exec(setup);
    oracle.exec(setup);
    const h = outcome(() => {
      const st = hearth.prepare(sql);
      return st.reader ? st.raw().safeIntegers().all(...params) : st.run(...params).changes;
    });
    const o = outcome(() => {
      const st = oracle.prepare(sql);
      if (!st.reader) return st.run(...params).changes;
      return (st.raw().all(...params) as unknown[][]).map((row) => row.map((v) => (Buffer.isBuffer(v) ? new Uint8Array(v) : v)));
    });
    return [h, o];
  } finally {
    hearth.close();
    oracle.close();
  }
}
