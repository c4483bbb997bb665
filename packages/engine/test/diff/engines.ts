/**
 * The two sides of a differential run behind one small interface: Hearth through its public API
 * (`Database`, statements with `safeIntegers(true)` and `raw(true)`), and real SQLite through
 * better-sqlite3 (`defaultSafeIntegers(true)`). Both return INTEGER as bigint, REAL as number, TEXT as
 * string, BLOB as bytes and NULL as null, so a value's JavaScript type is its storage class.
 *
 * `outcome` turns one statement into an `Outcome`: result rows, or for a writing statement its change
 * count and every table's contents afterwards (the write is rolled back, so a scenario's database is
 * reused by the next statement), or the error message. Errors that are not the engine's own SQL
 * errors (a TypeError escaping Hearth, say) are marked as crashes.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Database } from '../../src/api/database.js';
import { SqliteError } from '../../src/common/errors.js';
import { type Val, hearthBinding, sqliteBinding } from './values.js';

export interface Engine {
  readonly name: string;
  exec(sql: string): void;
  /** Result column names and rows of a query. */
  query(sql: string, params: readonly Val[]): { columns: string[]; rows: unknown[][] };
  /** Runs a writing statement; returns its change count. */
  run(sql: string, params: readonly Val[]): number;
  /** Whether `err` is an ordinary SQL error of this engine (anything else is a crash). */
  sqlError(err: unknown): boolean;
  close(): void;
}

export function hearthEngine(): Engine {
  const db = new Database();
  return {
    name: 'hearth',
    exec: (sql) => void db.exec(sql),
    query(sql, params) {
      const st = db.prepare(sql).safeIntegers(true).raw(true);
      const rows = st.all(...params.map(hearthBinding)) as unknown[][];
      return { columns: st.columns().map((c) => c.name), rows };
    },
    run: (sql, params) => db.prepare(sql).run(...params.map(hearthBinding)).changes,
    sqlError: (err) => err instanceof SqliteError,
    close: () => db.close(),
  };
}

/** Real SQLite; `pragmas` run first (a test uses them to make a deliberately different engine). */
export function sqliteEngine(pragmas: readonly string[] = []): Engine {
  const db = new BetterSqlite3(':memory:');
  db.defaultSafeIntegers(true);
  for (const p of pragmas) db.pragma(p);
  const bytes = (row: unknown[]): unknown[] => row.map((v) => (Buffer.isBuffer(v) ? new Uint8Array(v.buffer, v.byteOffset, v.length) : v));
  return {
    name: pragmas.length === 0 ? 'sqlite' : `sqlite(${pragmas.join('; ')})`,
    exec: (sql) => void db.exec(sql),
    query(sql, params) {
      const st = db.prepare(sql).raw(true);
      const rows = (st.all(...params.map(sqliteBinding)) as unknown[][]).map(bytes);
      return { columns: st.columns().map((c) => c.name), rows };
    },
    run: (sql, params) => db.prepare(sql).run(...params.map(sqliteBinding)).changes,
    sqlError: (err) => err instanceof BetterSqlite3.SqliteError,
    close: () => db.close(),
  };
}

export type Outcome =
  | { kind: 'rows'; columns: string[]; rows: unknown[][] }
  | { kind: 'write'; changes: number; tables: unknown[][][] }
  | { kind: 'error'; message: string; crash: boolean; tables?: unknown[][][] };

function failure(engine: Engine, err: unknown): Outcome {
  const message = err instanceof Error ? err.message : String(err);
  const crash = !engine.sqlError(err);
  return { kind: 'error', message: crash && err instanceof Error ? `${err.name}: ${message}` : message, crash };
}

/** Runs a setup statement; undefined when it succeeded. */
export function execOutcome(engine: Engine, sql: string): Outcome | undefined {
  try {
    engine.exec(sql);
    return undefined;
  } catch (err) {
    return failure(engine, err);
  }
}

/** The outcome of a query. */
export function queryOutcome(engine: Engine, sql: string, params: readonly Val[]): Outcome {
  try {
    return { kind: 'rows', ...engine.query(sql, params) };
  } catch (err) {
    return failure(engine, err);
  }
}

/** The outcome of a writing statement: changes and every table's rows after it; then rolled back. */
export function writeOutcome(engine: Engine, sql: string, params: readonly Val[], tables: readonly string[]): Outcome {
  try {
    engine.exec('BEGIN');
  } catch (err) {
    return failure(engine, err);
  }
  try {
    const contents = (): unknown[][][] => tables.map((t) => engine.query(`SELECT rowid, * FROM ${t} ORDER BY rowid`, []).rows);
    let changes: number;
    try {
      changes = engine.run(sql, params);
    } catch (err) {
      // A failed write must leave the tables as they were: their contents are compared too.
      return { ...(failure(engine, err) as Extract<Outcome, { kind: 'error' }>), tables: contents() };
    }
    return { kind: 'write', changes, tables: contents() };
  } catch (err) {
    return failure(engine, err);
  } finally {
    try {
      engine.exec('ROLLBACK');
    } catch {
      // A failed statement may already have ended the transaction (SQLite does for some errors).
    }
  }
}
