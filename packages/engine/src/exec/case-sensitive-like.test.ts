/**
 * PRAGMA case_sensitive_like against SQLite: the setting re-registers the built-in like() for the
 * connection, so statements prepared before it see the change, a user's like() of two or three
 * arguments is replaced, the pragma reads back nothing, and its value is read as a boolean keyword.
 */
import { describe, expect, it } from 'vitest';
import Oracle from 'better-sqlite3';
import { Database } from '../api/database.js';

type Connection = Pick<Oracle.Database, 'exec' | 'prepare' | 'function'>;

/** Runs the same steps on a connection and returns what each observable step gave. */
function script(db: Connection): unknown[] {
  const seen: unknown[] = [];
  db.exec("CREATE TABLE t(s TEXT); INSERT INTO t VALUES ('abc'), ('ABC'), ('aBc'), (NULL); CREATE INDEX t_s ON t(s)");
  const probe = db.prepare("SELECT 'a' LIKE 'A', like('A', 'a'), 'a' LIKE 'A' ESCAPE '!', like('ä', 'Ä'), 'x' NOT LIKE 'X', 'a' GLOB 'A'");
  const rows = db.prepare("SELECT s FROM t WHERE s LIKE 'ab%' ORDER BY s");
  const look = (): void => {
    seen.push(probe.raw().get(), rows.raw().all());
  };
  look();
  seen.push(db.prepare('PRAGMA case_sensitive_like').reader);
  for (const value of ['ON', '0', 'yes', "'off'", 'true', 'no', '1', 'full']) {
    db.exec(`PRAGMA case_sensitive_like = ${value}`);
    look();
  }
  db.exec('PRAGMA main.case_sensitive_like = 0');
  look();
  db.function('like', (a: unknown, b: unknown) => `${String(a)}~${String(b)}`);
  look();
  db.exec('PRAGMA case_sensitive_like = 1');
  look();
  db.function('like', (a: unknown, b: unknown) => `${String(a)}!${String(b)}`);
  look();
  db.exec('PRAGMA case_sensitive_like = off');
  look();
  return seen;
}

describe('PRAGMA case_sensitive_like', () => {
  it('changes like() and LIKE for every statement of the connection, as in SQLite', () => {
    const oracle = new Oracle(':memory:');
    const hearth = new Database(':memory:');
    try {
      const expected = script(oracle);
      expect(expected[3]).toEqual([0, 0, 0, 0, 1, 0]); // the script does switch the setting on
      expect(script(hearth as unknown as Connection)).toEqual(expected);
    } finally {
      oracle.close();
      hearth.close();
    }
  });
});
