/**
 * Running a script (statements separated by `;;`, or given as an array) step by step
 * on Hearth and on real SQLite (better-sqlite3), each on a fresh in-memory database or on the given
 * connections. Each statement's outcome is its rows (values tagged by storage class), or its change
 * count and the connection's last insert rowid, or its error code and message; the two lists of
 * outcomes are returned for the test to compare.
 */
import Oracle from 'better-sqlite3';
import { Database } from '../../src/api/database.js';
import { typedValue } from './typed-values.js';

export type StepOutcome = string;

interface Engine {
  prepare(sql: string): {
    reader: boolean;
    run(): { changes: number; lastInsertRowid: number | bigint };
    safeIntegers(on?: boolean): unknown;
    raw(on?: boolean): unknown;
    all(): unknown[];
  };
}

function step(db: Engine, sql: string): StepOutcome {
  try {
    const st = db.prepare(sql);
    st.safeIntegers(true);
    if (!st.reader) {
      const r = st.run();
      return `changes ${r.changes} rowid ${r.lastInsertRowid}`;
    }
    st.raw(true);
    return (st.all() as unknown[][]).map((row) => row.map(typedValue).join(' ')).join(' | ') || '(no rows)';
  } catch (err) {
    return `error ${(err as { code?: string }).code}: ${(err as Error).message}`;
  }
}

/** The statements of a script, which `;;` separates. */
export function statements(script: string | readonly string[]): string[] {
  if (typeof script !== 'string') return [...script];
  return script.split(';;').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Runs `script` on both engines; returns the outcomes, each prefixed with its statement. */
export function runBoth(script: string | readonly string[], hearth?: Engine, sqlite?: Engine): [StepOutcome[], StepOutcome[]] {
  const h = hearth ?? (new Database() as unknown as Engine);
  const o = sqlite ?? (new Oracle(':memory:') as unknown as Engine);
  const hs: StepOutcome[] = [];
  const os: StepOutcome[] = [];
  for (const sql of statements(script)) {
    hs.push(`${sql}\n  => ${step(h, sql)}`);
    os.push(`${sql}\n  => ${step(o, sql)}`);
  }
  if (!hearth) (h as unknown as Database).close();
  if (!sqlite) (o as unknown as Oracle.Database).close();
  return [hs, os];
}
