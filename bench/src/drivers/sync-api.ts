/**
 * Driver over a better-sqlite3-shaped synchronous API: Hearth's `Database` and better-sqlite3 itself share
 * it, so both run exactly the same calls (prepare once per batch, `run`/`all` with positional parameters).
 */
import type { BindRow, Driver, Row } from './driver.js';

interface SyncStatement {
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
}

export interface SyncDatabase {
  prepare(sql: string): SyncStatement;
  exec(sql: string): unknown;
  close(): unknown;
}

export function syncApiDriver(db: SyncDatabase): Driver {
  return {
    exec(sql) {
      db.exec(sql);
    },
    run(sql, params: readonly BindRow[]) {
      const stmt = db.prepare(sql);
      let changes = 0;
      for (const row of params) changes += stmt.run(...row).changes;
      return changes;
    },
    query(sql, params: readonly BindRow[]) {
      const stmt = db.prepare(sql);
      const results: Row[][] = new Array(params.length);
      for (let i = 0; i < params.length; i++) results[i] = stmt.all(...params[i]!) as Row[];
      return results;
    },
    wasmMemoryBytes: () => null,
    close() {
      db.close();
    },
  };
}
