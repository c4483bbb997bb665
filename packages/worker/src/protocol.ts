/**
 * What @hearth/client and the worker say to each other: the server's methods (`ServerApi`) and the
 * shapes that cross the boundary. Everything here is structured-clonable. The server produces rows as
 * arrays of values (`unknown[][]`) with the column names once per result; the worker's messaging layer
 * packs them (`PackedRows`: a few typed arrays and one string, whatever the row count) before they cross,
 * and the client builds objects from either form.
 */

/** Arguments of a statement: positional values, or one object of named values. */
export type BindArgs = unknown[];

/** Options for opening a connection. */
export interface OpenOptions {
  /** Open without write access. */
  readonly?: boolean;
  /** Fail when the database does not exist instead of creating it. */
  fileMustExist?: boolean;
  /**
   * Page cache size as SQLite's `cache_size`: positive = pages (of 4 KiB for this bound), negative =
   * KiB. Default -16384 (16 MiB). The cache never takes more, whatever the database's size.
   */
  cacheSize?: number;
  /** Page size of a new database (default 4096). */
  pageSize?: number;
  /** Journal mode of a new database (default 'wal'; ':memory:' uses 'delete'). */
  journalMode?: 'wal' | 'delete';
  /** PRAGMA synchronous (default 'full'). */
  synchronous?: 'off' | 'normal' | 'full';
}

/** A connection as the server opened it. */
export interface ConnectionInfo {
  /** The connection's id for later calls. */
  id: number;
  /** The database path (as given). */
  path: string;
  /** Bytes of memory reserved for the page cache. */
  cacheBytes: number;
  /** Whether the page cache lives in a SharedArrayBuffer (the worker is cross-origin isolated). */
  sharedCache: boolean;
}

/** A statement the server prepared and keeps until finalized. */
export interface PreparedInfo {
  id: number;
  /** Whether the statement returns rows. */
  reader: boolean;
}

/** What a write reports. */
export interface RunResult {
  /** Rows inserted, updated or deleted by the statement. */
  changes: number;
  /** The connection's last inserted rowid. */
  lastInsertRowid: number | bigint;
}

/** Rows of a query: the column names once, and the rows in that column order. */
export interface QueryResult {
  columns: string[];
  rows: RowData;
}

/** A batch of rows from an open cursor; `done` when no rows are left (the cursor is then closed). */
export interface CursorBatch {
  rows: RowData;
  done: boolean;
}

/** Rows as the server makes them (each an array of values), or packed for crossing to another thread. */
export type RowData = unknown[][] | PackedRows;

/** How a packed value is stored: which of `PackedRows`' sequences holds it. */
export const PackedTag = { NULL: 0, NUMBER: 1, TEXT: 2, OTHER: 3 } as const;

/**
 * Rows packed for the trip between threads: a structured clone of thousands of small arrays costs far more
 * than one of a few typed arrays and one string, whose buffers are transferred. The values are taken row by
 * row, column by column; `tags[i]` tells where value i is: the next of `numbers`, of the TEXT values (all
 * concatenated in `text`, the next ending at the next of `textEnds`, in UTF-16 units), or of `others`
 * (bigints and BLOBs, as they are), or NULL.
 */
export interface PackedRows {
  packed: true;
  count: number;
  width: number;
  tags: Uint8Array;
  numbers: Float64Array;
  text: string;
  textEnds: Uint32Array;
  others: unknown[];
}

/** A cursor opened on a query, with its first batch. */
export interface CursorStart extends QueryResult {
  cursor: number;
  done: boolean;
}

/** A result column: its name and, for a direct column reference, where it comes from. */
export interface ColumnInfo {
  name: string;
  column: string | null;
  table: string | null;
  database: string | null;
  type: string | null;
}

/** One statement of a batch. */
export interface BatchItem {
  sql: string;
  args?: BindArgs;
}

/** An error as it crosses the boundary; the client turns it back into a `SqliteError` (or `Error`). */
export interface ErrorShape {
  /** SQLite's result code name (`SQLITE_BUSY`, …) for engine errors. */
  code?: string;
  /** The error class name (`SqliteError`, `TypeError`, …). */
  name: string;
  message: string;
  /** For a call on a connection: whether it is in a transaction after the call (see `Reply`). */
  inTransaction?: boolean;
}

/**
 * What a worker method's promise resolves to: the method's result and, for a call on a connection (its
 * first argument a connection id), whether that connection is in a transaction afterwards — so the
 * client keeps `db.inTransaction` as a plain property without a message of its own.
 */
export interface Reply<T> {
  value: T;
  inTransaction?: boolean;
}

/** The worker's API. Every method may reject with an `ErrorShape`. */
export interface ServerApi {
  open(path: string, options: OpenOptions): Promise<ConnectionInfo>;
  close(conn: number): void;
  exec(conn: number, sql: string): void;
  prepare(conn: number, sql: string): PreparedInfo;
  finalize(conn: number, stmt: number): void;
  run(conn: number, stmt: number, args: BindArgs, safeIntegers: boolean): RunResult;
  /** The statement's rows (at most `limit` when given). */
  query(conn: number, stmt: number, args: BindArgs, safeIntegers: boolean, limit?: number): QueryResult;
  columns(conn: number, stmt: number): ColumnInfo[];
  openCursor(conn: number, stmt: number, args: BindArgs, safeIntegers: boolean, batchSize: number): CursorStart;
  next(conn: number, cursor: number, batchSize: number): CursorBatch;
  closeCursor(conn: number, cursor: number): void;
  /** Runs the statements in one transaction (all or nothing). */
  batch(conn: number, items: BatchItem[]): RunResult[];
  pragma(conn: number, source: string, simple: boolean): unknown;
  inTransaction(conn: number): boolean;
  /** The bytes of the database as a standard SQLite file (its last committed state). */
  exportDatabase(conn: number): Uint8Array;
  /** Creates (or replaces) database `path` from the bytes of a SQLite file. */
  importDatabase(path: string, bytes: Uint8Array): Promise<void>;
  /** Removes database `path` and its side files. */
  deleteDatabase(path: string): Promise<void>;
  /** Closes every connection and releases every file. */
  shutdown(): void;
}

/** The worker's side of `db.function` from the page (see function-bridge.ts); cross-origin isolated pages only. */
export interface FunctionsApi {
  /** Hands the worker the buffer the page writes function results into and the port calls go out on. */
  attachFunctions(buffer: SharedArrayBuffer, port: MessagePort): void;
  /** Defines SQL function `name` on a connection as a call to the page's function `id`, taking `arity` arguments (ignored with `varargs`). */
  defineRemoteFunction(conn: number, name: string, options: WorkerFunctionOptions, id: number, arity: number): void;
}

/** How the page learns that the worker ended (see lifetime-lock.ts). */
export interface LifetimeApi {
  /** Takes Web Lock `name` until the worker ends; resolves once it holds it. */
  holdLifetimeLock(name: string): void;
}

/** Options of a SQL function defined for the worker's engine (better-sqlite3's `db.function` options). */
export interface WorkerFunctionOptions {
  varargs?: boolean;
  deterministic?: boolean;
  directOnly?: boolean;
  safeIntegers?: boolean;
}

/** What the worker exposes over Comlink: every method of `ServerApi`, `FunctionsApi` and `LifetimeApi`, answering with a `Reply`. */
export type WorkerApi = {
  [K in keyof (ServerApi & FunctionsApi & LifetimeApi)]: (
    ...args: Parameters<(ServerApi & FunctionsApi & LifetimeApi)[K]>
  ) => Promise<Reply<Awaited<ReturnType<(ServerApi & FunctionsApi & LifetimeApi)[K]>>>>;
};

/** A call of the page's function `call` with `args`, sent by the worker on the functions port. */
export interface FunctionCall {
  call: number;
  args: unknown[];
}

/** The worker's request for the next chunk of a result larger than the buffer. */
export interface FunctionMore {
  more: true;
}

/**
 * The layout of the buffer a function's result crosses in (Int32 slots, then a float, then bytes). The
 * worker sets STATE to WAITING and blocks until the page sets it to READY; the page writes KIND, TOTAL
 * (payload bytes in all), CHUNK (payload bytes in this chunk, from DATA_OFFSET) and, for a number, the
 * float at NUMBER_OFFSET. A payload beyond the buffer comes in chunks, each asked for with `FunctionMore`.
 */
export const FunctionSlot = { STATE: 0, KIND: 1, TOTAL: 2, CHUNK: 3 } as const;
export const FUNCTION_NUMBER_OFFSET = 16;
export const FUNCTION_DATA_OFFSET = 24;
export const FunctionState = { WAITING: 0, READY: 1 } as const;

/** What a function's result is; the payload bytes hold the text (UTF-8) of a TEXT, BIGINT or ERROR. */
export const ResultKind = {
  NULL: 0,
  NUMBER: 1,
  /** Decimal digits: the engine checks the range. */
  BIGINT: 2,
  TEXT: 3,
  BLOB: 4,
  /** A value SQL cannot hold (boolean, object, promise…): the engine rejects it as it would in-thread. */
  INVALID: 5,
  /** The function threw: JSON of an `ErrorShape`. */
  ERROR: 6,
} as const;
