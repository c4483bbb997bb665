/**
 * The asynchronous connection and statement, in the shape of Turso's `@tursodatabase/database-wasm`
 * promise API: `exec`, `prepare` → `run` / `get` / `all` / `iterate`, `raw` / `pluck` / `safeIntegers`
 * / `columns`, `batch`, `transaction`, `pragma`, `function`, `export`, `close`, `inTransaction`.
 *
 * Every call is one message to the server (see backend.ts); rows come back with the column names once,
 * packed when they crossed from a worker, and are shaped into objects (or arrays, or plucked values) here
 * (rows.ts). `iterate` streams them in batches through a server-side cursor.
 *
 * Ordering: `transaction(fn)` holds the connection until `fn` settles. Calls made meanwhile through
 * the connection (or statements it prepared) wait for the transaction to end; calls through the
 * transaction's `tx` (and statements `tx` prepared) run inside it. A statement prepared outside the
 * transaction and used inside `fn` therefore waits for its end — a deadlock: prepare inside with `tx`.
 */
import type { BatchItem, BindArgs, ColumnInfo, ConnectionInfo, OpenOptions, RunResult, WorkerFunctionOptions } from '@hearth/worker';
import type { Backend } from './backend.js';
import { notOpen, settle } from './errors.js';
import { type Shape, rowCount, shapeFirst, shapeRows } from './rows.js';

export type { BatchItem, BindArgs, ColumnInfo, RunResult } from '@hearth/worker';

/** Rows a `Statement` yields when no row type is given. */
export type Row = Record<string, unknown>;

/** A statement of a `batch`: SQL text alone, or with its arguments. */
export type BatchStatement = string | BatchItem;

/** Options of `db.pragma`. */
export interface PragmaOptions {
  /** Return the first column of the first row instead of all rows. */
  simple?: boolean;
}

/** Options of `db.function` (as better-sqlite3's). */
export type FunctionOptions = WorkerFunctionOptions;

/** Options of `connect`. */
export interface ConnectOptions extends OpenOptions {
  /**
   * A worker running `serve()` from @hearth/worker (e.g. one that defines SQL functions). Default: the
   * worker @hearth/client starts, shared by every connection of the page. Browsers only.
   */
  worker?: Worker;
  /** Rows per message when iterating a query (default 512). */
  batchSize?: number;
  /** Ask the browser to keep this origin's storage under pressure (`navigator.storage.persist()`). Browsers only. */
  persist?: boolean;
}

/** The origin's storage as the browser reports it. */
export interface StorageReport {
  /** Bytes used by the origin (all storage, databases included). */
  usage: number;
  /** Bytes the origin may use. */
  quota: number;
  /** Whether the storage is persistent (not evicted under pressure). */
  persisted: boolean;
}

/** Opens a connection through `backend` (what `connect` does once it has one). */
export async function openOn(backend: Backend, path: string, options: ConnectOptions, onClose: (db: Database) => void): Promise<Database> {
  const { worker: _worker, batchSize, persist: _persist, ...open } = options;
  const info = await settle(backend.open(path, open));
  const db: Database = Database.create(backend, info, Math.max(1, batchSize ?? 512), () => onClose(db));
  return db;
}

/** The state one connection's `Database` objects (the connection and its transactions' `tx`) share. */
class Link {
  /** Settles when the running transaction (if any) ends; calls outside it wait for this. */
  gate: Promise<void> = Promise.resolve();
  closed = false;
  /** Why the connection closed when it was not `close()` (its worker stopped): what later calls reject with. */
  lost: Error | null = null;

  constructor(
    readonly backend: Backend,
    readonly info: ConnectionInfo,
    readonly batchSize: number,
    readonly onClose: () => void,
  ) {}
}

/** Finalizes, on the server, statements that were garbage-collected without `close()`. */
const finalizer =
  typeof FinalizationRegistry === 'undefined'
    ? null
    : new FinalizationRegistry<{ link: Link; id: Promise<number> }>(({ link, id }) => {
        if (link.closed) return;
        id.then((stmt) => (stmt >= 0 ? link.backend.finalize(link.info.id, stmt) : undefined)).catch(() => undefined);
      });

/** A connection to one database. Create it with `connect()`. */
export class Database {
  /** @internal */
  private readonly link: Link;
  /** @internal Whether this is a transaction's `tx` (calls run at once, inside the transaction). */
  private readonly inside: boolean;

  /** @internal Use `connect()`. */
  constructor(link: Link, inside = false) {
    this.link = link;
    this.inside = inside;
  }

  /** @internal */
  static create(backend: Backend, info: ConnectionInfo, batchSize: number, onClose: () => void): Database {
    return new Database(new Link(backend, info, batchSize, onClose));
  }

  /** The path the database was opened with. */
  get name(): string {
    return this.link.info.path;
  }

  /** Whether the connection is open. */
  get open(): boolean {
    return !this.link.closed;
  }

  /** Whether a `:memory:` database. */
  get memory(): boolean {
    return this.name === ':memory:' || this.name === '';
  }

  /**
   * Whether the connection is in a transaction, as of its last call that completed (every reply brings
   * the state along, so reading it costs no message). A plain property, as Turso's and better-sqlite3's.
   */
  get inTransaction(): boolean {
    return !this.link.closed && this.link.backend.transactionState(this.link.info.id);
  }

  /** Bytes reserved for the page cache in the worker, and whether they are a SharedArrayBuffer. */
  get cache(): { bytes: number; shared: boolean } {
    return { bytes: this.link.info.cacheBytes, shared: this.link.info.sharedCache };
  }

  /** Runs every statement of `sql` (no parameters, no results). */
  async exec(sql: string): Promise<void> {
    await this.call((b, conn) => b.exec(conn, sql));
  }

  /**
   * A prepared statement for `sql` (one statement). Preparation starts at once; its errors (syntax, unknown
   * table) reject the statement's first call. `Row` types the rows it returns.
   */
  prepare<R = Row>(sql: string): Statement<R> {
    const prepared = this.call((b, conn) => b.prepare(conn, sql));
    prepared.catch(() => undefined);
    return new Statement<R>(this, sql, prepared);
  }

  /**
   * Runs `fn` in a transaction: BEGIN, then COMMIT when `fn` resolves or ROLLBACK when it throws (the error
   * goes on to the caller). Use `tx` inside `fn`; other calls on this connection wait until it ends.
   * Inside a transaction, `transaction` nests as a savepoint.
   */
  async transaction<T>(fn: (tx: Database) => Promise<T> | T, mode: 'deferred' | 'immediate' | 'exclusive' = 'deferred'): Promise<T> {
    const link = this.link;
    if (this.inside) return this.savepoint(fn);
    const turn = link.gate.then(async () => {
      if (link.closed) throw link.lost ?? notOpen();
      const tx = new Database(link, true);
      await tx.exec(`BEGIN ${mode.toUpperCase()}`);
      try {
        const result = await fn(tx);
        await tx.exec('COMMIT');
        return result;
      } catch (err) {
        if (!link.closed && (await settle(link.backend.inTransaction(link.info.id)))) await tx.exec('ROLLBACK');
        throw err;
      }
    });
    link.gate = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /**
   * Runs the statements in order in one transaction: all of them or (when one fails) none. Returns what
   * each reported.
   */
  async batch(statements: BatchStatement[]): Promise<RunResult[]> {
    const items = statements.map((s) => (typeof s === 'string' ? { sql: s } : s));
    return this.call((b, conn) => b.batch(conn, items));
  }

  /** Runs `PRAGMA source`: its rows, or with `simple` the first value of the first row. */
  async pragma(source: string, options: PragmaOptions = {}): Promise<unknown> {
    return this.call((b, conn) => b.pragma(conn, source, options.simple === true));
  }

  /**
   * Defines the SQL function `name` on this connection, as better-sqlite3's `db.function`: `fn` runs in
   * this thread with the arguments as JavaScript values (options: `varargs`, `deterministic`,
   * `directOnly`, `safeIntegers`); what it throws, the statement calling it throws. With the engine in a
   * worker (browsers) the worker blocks until the page has run `fn`, which needs a cross-origin isolated
   * page (SharedArrayBuffer) and rejects with SQLITE_MISUSE on other pages; `fn` must then return its
   * result synchronously and must not use the database (that fails with SQLITE_MISUSE). Without
   * isolation, define functions in a worker of your own: `serve({ functions })` passed as `connect`'s `worker`.
   */
  async function(name: string, fn: (...args: never[]) => unknown): Promise<void>;
  async function(name: string, options: FunctionOptions, fn: (...args: never[]) => unknown): Promise<void>;
  async function(name: string, optionsOrFn: FunctionOptions | ((...args: never[]) => unknown), maybeFn?: (...args: never[]) => unknown): Promise<void> {
    const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn;
    const options = typeof optionsOrFn === 'function' ? {} : (optionsOrFn ?? {});
    if (typeof name !== 'string') throw new TypeError('Expected first argument to be a string');
    if (typeof fn !== 'function') throw new TypeError('Expected last argument to be a function');
    await this.call((b, conn) => b.defineFunction(conn, name, options, fn));
  }

  /** The bytes of the database as a standard SQLite file (its last committed state). */
  async export(): Promise<Uint8Array> {
    return this.call((b, conn) => b.exportDatabase(conn));
  }

  /** Closes the connection (an open transaction is rolled back). Further calls reject. */
  async close(): Promise<void> {
    const link = this.link;
    if (link.closed) return;
    if (!this.inside) await link.gate;
    if (link.closed) return;
    link.closed = true;
    link.onClose();
    await settle(link.backend.close(link.info.id));
  }

  /** @internal Calls the backend for this connection, after the running transaction unless inside it. */
  async call<T>(body: (backend: Backend, conn: number) => Promise<T>): Promise<T> {
    const link = this.link;
    link.backend.checkReentry();
    if (!this.inside) await link.gate;
    if (link.closed) throw link.lost ?? notOpen();
    return settle(body(link.backend, link.info.id));
  }

  /** @internal Marks the connection closed because its backend went away (`reason`: what later calls reject with). */
  lose(reason: Error): void {
    const link = this.link;
    if (link.closed) return;
    link.closed = true;
    link.lost = reason;
    link.onClose();
  }

  /** @internal Whether this connection goes through `backend`. */
  servedBy(backend: Backend): boolean {
    return this.link.backend === backend;
  }

  /** @internal Throws when the database cannot be called now (see `Backend.checkReentry`). */
  checkReentry(): void {
    this.link.backend.checkReentry();
  }

  /** @internal */
  get batchSize(): number {
    return this.link.batchSize;
  }

  /** @internal */
  get linkForFinalizer(): Link {
    return this.link;
  }

  private async savepoint<T>(fn: (tx: Database) => Promise<T> | T): Promise<T> {
    const name = '"hearth_tx"';
    await this.exec(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      await this.exec(`RELEASE ${name}`);
      return result;
    } catch (err) {
      if (await settle(this.link.backend.inTransaction(this.link.info.id))) await this.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw err;
    }
  }
}

/** A prepared statement. Create it with `db.prepare(sql)`. */
export class Statement<R = Row> {
  /** The SQL text. */
  readonly source: string;
  private readonly db: Database;
  private readonly prepared: Promise<{ id: number; reader: boolean }>;
  private shape: Shape = 'object';
  private safeInts = false;

  /** @internal Use `db.prepare(sql)`. */
  constructor(db: Database, source: string, prepared: Promise<{ id: number; reader: boolean }>) {
    this.db = db;
    this.source = source;
    this.prepared = prepared;
    finalizer?.register(this, {
      link: db.linkForFinalizer,
      id: prepared.then(
        (p) => p.id,
        () => -1,
      ),
    });
  }

  /** Rows as arrays of values in column order (`toggle` false: objects again). */
  raw(toggle = true): Statement<unknown[]> {
    this.shape = toggle ? 'raw' : 'object';
    return this as unknown as Statement<unknown[]>;
  }

  /** Only the first column's value of each row (`toggle` false: objects again). */
  pluck<V = unknown>(toggle = true): Statement<V> {
    this.shape = toggle ? 'pluck' : 'object';
    return this as unknown as Statement<V>;
  }

  /** INTEGER values as bigint (`toggle` false: numbers, bigint only beyond 2^53). */
  safeIntegers(toggle = true): this {
    this.safeInts = toggle;
    return this;
  }

  /** Whether the statement returns rows. */
  async reader(): Promise<boolean> {
    return (await this.prepared).reader;
  }

  /** The result columns: name, and for direct column references their table, column and declared type. */
  async columns(): Promise<ColumnInfo[]> {
    const id = await this.id();
    return this.db.call((b, conn) => b.columns(conn, id));
  }

  /** Executes the statement with `args` (positional values, an array of them, or one object of named ones). */
  async run(...args: BindArgs): Promise<RunResult> {
    const id = await this.id();
    return this.db.call((b, conn) => b.run(conn, id, args, this.safeInts));
  }

  /** The first row, or undefined. */
  async get(...args: BindArgs): Promise<R | undefined> {
    const id = await this.id();
    const result = await this.db.call((b, conn) => b.query(conn, id, args, this.safeInts, 1));
    return rowCount(result.rows) > 0 ? shapeFirst<R>(result.columns, result.rows, this.shape) : undefined;
  }

  /** Every row. */
  async all(...args: BindArgs): Promise<R[]> {
    const id = await this.id();
    const result = await this.db.call((b, conn) => b.query(conn, id, args, this.safeInts));
    return shapeRows<R>(result.columns, result.rows, this.shape);
  }

  /**
   * The rows one at a time, fetched in batches. The connection is busy until the iteration ends; leaving
   * the loop early (`break`) closes the cursor.
   */
  async *iterate(...args: BindArgs): AsyncGenerator<R, void, undefined> {
    const id = await this.id();
    const batchSize = this.db.batchSize;
    const start = await this.db.call((b, conn) => b.openCursor(conn, id, args, this.safeInts, batchSize));
    let done = start.done;
    try {
      yield* shapeRows<R>(start.columns, start.rows, this.shape);
      while (!done) {
        const batch = await this.db.call((b, conn) => b.next(conn, start.cursor, batchSize));
        done = batch.done;
        yield* shapeRows<R>(start.columns, batch.rows, this.shape);
      }
    } finally {
      if (!done && this.db.open) await this.db.call((b, conn) => b.closeCursor(conn, start.cursor));
    }
  }

  /** Frees the statement in the worker. Further calls reject. */
  async close(): Promise<void> {
    const id = await this.prepared.then(
      (p) => p.id,
      () => -1,
    );
    if (id >= 0 && this.db.open) await this.db.call((b, conn) => b.finalize(conn, id));
  }

  private async id(): Promise<number> {
    this.db.checkReentry();
    return (await settle(this.prepared)).id;
  }
}
