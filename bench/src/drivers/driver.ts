/**
 * What the workloads need from an engine. Each method does a whole batch (one prepared statement, many
 * parameter rows) so that synchronous engines run their loop without an `await` per row; engines whose API
 * is asynchronous (Turso) pay their own per-call cost, as their users do. Rows come back as plain JS objects
 * keyed by column name: materializing them is part of every measured query.
 */

/** One statement's parameters, positional. */
export type BindRow = readonly (number | string | null)[];

/** A row as the application sees it. */
export type Row = Record<string, unknown>;

export interface Driver {
  /** Runs SQL without parameters and without rows (DDL, BEGIN, COMMIT, scripts of several statements). */
  exec(sql: string): void | Promise<void>;
  /** Runs one statement once per parameter row; returns the total rows changed. */
  run(sql: string, params: readonly BindRow[]): number | Promise<number>;
  /** Runs one query once per parameter row; returns each run's rows. */
  query(sql: string, params: readonly BindRow[]): Row[][] | Promise<Row[][]>;
  /** Bytes of WebAssembly memory the engine holds, when it has any. */
  wasmMemoryBytes(): number | null;
  close(): void | Promise<void>;
}

/** Where an engine keeps its database. */
export type Storage = 'memory' | 'opfs' | 'file';

/** Opens a fresh database: `name` is a file name unique to this engine within the run. */
export type OpenDriver = (storage: Storage, name: string) => Promise<Driver>;
