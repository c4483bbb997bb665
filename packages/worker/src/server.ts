/**
 * The database server: any number of connections (to any number of databases), each with its prepared
 * statements and open cursors, addressed by numeric ids. It is plain synchronous engine work behind
 * `ServerApi` — no messaging here: `serve()` (serve.ts) exposes it to @hearth/client over Comlink in a
 * worker, and the client's Node entry calls it in-process.
 *
 * Where files live is the `ServerStorage`'s business (OPFS in a worker, `fs` in Node); `:memory:`
 * databases need none. Each connection's page cache is one buffer of `cacheBytes` — a SharedArrayBuffer
 * when the worker is cross-origin isolated, an ArrayBuffer otherwise — so memory stays bounded by the
 * cache size however large the database grows.
 *
 * Rows leave as arrays (`raw` mode) with the column names once per result; a cursor hands them out in
 * batches. While a cursor is open its connection is busy, as with the engine's `iterate`.
 */
import { Database, type DatabaseOptions, type Statement, SqliteError } from '@hearth/engine';
import type {
  BatchItem,
  BindArgs,
  ColumnInfo,
  ConnectionInfo,
  CursorBatch,
  CursorStart,
  OpenOptions,
  PreparedInfo,
  QueryResult,
  RunResult,
  ServerApi,
  WorkerFunctionOptions,
} from './protocol.js';

/** Where a server keeps database files. */
export interface ServerStorage {
  /** Opens a connection to the database at `path` (never `:memory:`). */
  open(path: string, options: DatabaseOptions): Promise<Database>;
  /** Replaces database `path` (and empties its side files) with `bytes`. */
  write(path: string, bytes: Uint8Array): Promise<void>;
  /** Removes database `path` and its side files. */
  remove(path: string): Promise<void>;
  /** Releases every file (the server shuts down). */
  releaseAll(): void;
}

/** A JavaScript function for SQL, with or without options. */
export type WorkerFunction = ((...args: never[]) => unknown) | { options: WorkerFunctionOptions; fn: (...args: never[]) => unknown };

/** Options of a `DatabaseServer`. */
export interface ServerOptions {
  /** SQL functions defined on every connection the server opens. */
  functions?: Record<string, WorkerFunction>;
}

/** Page cache size when none is given: 16 MiB, as `openDatabase` gives an OPFS database and sqlite-wasm's build does. */
export const DEFAULT_CACHE_KIB = 16384;
/** The cache buffer always fits 16 pages of the largest page size (the pager's minimum). */
const MIN_CACHE_BUFFER = 16 * 65536;

interface Cursor {
  readonly statement: number;
  readonly rows: IterableIterator<unknown>;
}

interface Connection {
  readonly db: Database;
  readonly path: string;
  readonly statements: Map<number, Statement>;
  readonly cursors: Map<number, Cursor>;
}

/** Bytes of page cache for a `cache_size` setting (positive: pages of 4 KiB; negative: KiB). */
export function cacheBytesFor(cacheSize: number | undefined): number {
  const size = cacheSize ?? -DEFAULT_CACHE_KIB;
  return size >= 0 ? size * 4096 : -size * 1024;
}

/** Throws SQLITE_NOTADB unless `bytes` look like a whole SQLite database file. */
export function checkDatabaseFile(bytes: Uint8Array): void {
  const magic = 'SQLite format 3\0';
  let ok = bytes.length >= 512;
  for (let i = 0; ok && i < magic.length; i++) ok = bytes[i] === magic.charCodeAt(i);
  if (ok) {
    const raw = (bytes[16]! << 8) | bytes[17]!;
    const pageSize = raw === 1 ? 65536 : raw;
    ok = pageSize >= 512 && pageSize <= 65536 && (pageSize & (pageSize - 1)) === 0 && bytes.length % pageSize === 0;
  }
  if (!ok) throw new SqliteError('SQLITE_NOTADB', 'file is not a database');
}

export class DatabaseServer implements ServerApi {
  private readonly connections = new Map<number, Connection>();
  private nextId = 1;

  constructor(
    private readonly storage: ServerStorage,
    private readonly options: ServerOptions = {},
  ) {}

  async open(path: string, options: OpenOptions = {}): Promise<ConnectionInfo> {
    const cacheBytes = cacheBytesFor(options.cacheSize);
    const sharedCache = typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    const bufferBytes = Math.max(cacheBytes, MIN_CACHE_BUFFER);
    const engineOptions: DatabaseOptions = {
      readonly: options.readonly,
      fileMustExist: options.fileMustExist,
      pageSize: options.pageSize,
      journalMode: options.journalMode,
      synchronous: options.synchronous,
      cacheSize: -Math.floor(cacheBytes / 1024),
      cacheBuffer: sharedCache ? new SharedArrayBuffer(bufferBytes) : new ArrayBuffer(bufferBytes),
    };
    const memory = path === ':memory:' || path === '';
    const db = memory ? new Database(path, engineOptions) : await this.storage.open(path, engineOptions);
    try {
      for (const [name, definition] of Object.entries(this.options.functions ?? {})) {
        if (typeof definition === 'function') db.function(name, definition);
        else db.function(name, definition.options, definition.fn);
      }
    } catch (err) {
      db.close();
      throw err;
    }
    const id = this.nextId++;
    this.connections.set(id, { db, path, statements: new Map(), cursors: new Map() });
    return { id, path, cacheBytes, sharedCache };
  }

  close(conn: number): void {
    const connection = this.connections.get(conn);
    if (!connection) return;
    this.connections.delete(conn);
    for (const cursor of connection.cursors.values()) cursor.rows.return?.();
    connection.db.close();
  }

  exec(conn: number, sql: string): void {
    this.connection(conn).db.exec(sql);
  }

  prepare(conn: number, sql: string): PreparedInfo {
    const connection = this.connection(conn);
    const statement = connection.db.prepare(sql);
    const id = this.nextId++;
    connection.statements.set(id, statement);
    return { id, reader: statement.reader };
  }

  finalize(conn: number, stmt: number): void {
    const connection = this.connections.get(conn);
    if (!connection) return;
    for (const [id, cursor] of connection.cursors) {
      if (cursor.statement !== stmt) continue;
      connection.cursors.delete(id);
      cursor.rows.return?.();
    }
    connection.statements.delete(stmt);
  }

  run(conn: number, stmt: number, args: BindArgs, safeIntegers: boolean): RunResult {
    return this.statement(conn, stmt).safeIntegers(safeIntegers).run(...args);
  }

  query(conn: number, stmt: number, args: BindArgs, safeIntegers: boolean, limit?: number): QueryResult {
    const statement = this.statement(conn, stmt).raw(true).safeIntegers(safeIntegers);
    const columns = columnNames(statement);
    if (limit === undefined) return { columns, rows: statement.all(...args) as unknown[][] };
    const rows: unknown[][] = [];
    if (limit > 0) {
      for (const row of statement.iterate(...args)) {
        rows.push(row as unknown[]);
        if (rows.length >= limit) break;
      }
    }
    return { columns, rows };
  }

  columns(conn: number, stmt: number): ColumnInfo[] {
    return this.statement(conn, stmt).columns();
  }

  openCursor(conn: number, stmt: number, args: BindArgs, safeIntegers: boolean, batchSize: number): CursorStart {
    const connection = this.connection(conn);
    const statement = this.statement(conn, stmt).raw(true).safeIntegers(safeIntegers);
    const columns = columnNames(statement);
    const cursor = this.nextId++;
    connection.cursors.set(cursor, { statement: stmt, rows: statement.iterate(...args) });
    return { cursor, columns, ...this.next(conn, cursor, batchSize) };
  }

  next(conn: number, cursor: number, batchSize: number): CursorBatch {
    const connection = this.connection(conn);
    const open = connection.cursors.get(cursor);
    if (!open) return { rows: [], done: true };
    const rows: unknown[][] = [];
    try {
      while (rows.length < Math.max(1, batchSize)) {
        const step = open.rows.next();
        if (step.done) {
          connection.cursors.delete(cursor);
          return { rows, done: true };
        }
        rows.push(step.value as unknown[]);
      }
    } catch (err) {
      connection.cursors.delete(cursor);
      throw err;
    }
    return { rows, done: false };
  }

  closeCursor(conn: number, cursor: number): void {
    const connection = this.connections.get(conn);
    const open = connection?.cursors.get(cursor);
    if (!connection || !open) return;
    connection.cursors.delete(cursor);
    open.rows.return?.();
  }

  batch(conn: number, items: BatchItem[]): RunResult[] {
    const db = this.connection(conn).db;
    return db.transaction(() => items.map((item) => db.prepare(item.sql).run(...(item.args ?? []))))();
  }

  pragma(conn: number, source: string, simple: boolean): unknown {
    return this.connection(conn).db.pragma(source, { simple });
  }

  inTransaction(conn: number): boolean {
    return this.connection(conn).db.inTransaction;
  }

  /** Whether connection `conn` is in a transaction; undefined when it is not open (never throws). */
  transactionState(conn: number): boolean | undefined {
    return this.connections.get(conn)?.db.inTransaction;
  }

  exportDatabase(conn: number): Uint8Array {
    const db = this.connection(conn).db;
    if (db.inTransaction) throw new SqliteError('SQLITE_MISUSE', 'cannot export a database while a transaction is open');
    // Read through the pager: the last committed state, whether its pages sit in the WAL or the file.
    const pager = db.btree.pager;
    pager.beginRead();
    try {
      const pageSize = pager.pageSize;
      const bytes = new Uint8Array(pager.pageCount * pageSize);
      for (let pgno = 1; pgno <= pager.pageCount; pgno++) {
        const page = pager.get(pgno);
        bytes.set(page.data, (pgno - 1) * pageSize);
        pager.release(page);
      }
      return bytes;
    } finally {
      pager.endRead();
    }
  }

  async importDatabase(path: string, bytes: Uint8Array): Promise<void> {
    this.checkClosed(path);
    checkDatabaseFile(bytes);
    await this.storage.write(path, bytes);
    // The file must open and its schema read: otherwise it is removed again.
    try {
      const db = await this.storage.open(path, { fileMustExist: true });
      try {
        db.prepare('SELECT count(*) FROM sqlite_schema').get();
      } finally {
        db.close();
      }
    } catch (err) {
      await this.storage.remove(path).catch(() => undefined);
      throw err;
    }
  }

  async deleteDatabase(path: string): Promise<void> {
    this.checkClosed(path);
    await this.storage.remove(path);
  }

  shutdown(): void {
    for (const id of [...this.connections.keys()]) {
      try {
        this.close(id);
      } catch {
        // Shutting down: the files are released below whatever one connection's close reported.
      }
    }
    this.storage.releaseAll();
  }

  /**
   * Defines a SQL function on one connection: a function of the caller's thread (Node, in-process), or a
   * stand-in that calls the page's function through a `FunctionBridge` (serve.ts).
   */
  defineFunction(conn: number, name: string, options: WorkerFunctionOptions, fn: (...args: never[]) => unknown): void {
    this.connection(conn).db.function(name, options, fn);
  }

  private connection(conn: number): Connection {
    const connection = this.connections.get(conn);
    if (!connection) throw new SqliteError('SQLITE_MISUSE', 'The database connection is not open');
    return connection;
  }

  private statement(conn: number, stmt: number): Statement {
    const statement = this.connection(conn).statements.get(stmt);
    if (!statement) throw new SqliteError('SQLITE_MISUSE', 'The statement has been finalized');
    return statement;
  }

  /** SQLITE_BUSY when a connection of this server has database `path` open. */
  private checkClosed(path: string): void {
    for (const connection of this.connections.values()) {
      if (connection.path === path) throw new SqliteError('SQLITE_BUSY', `database is locked: "${path}" is open (close its connections first)`);
    }
  }
}

function columnNames(statement: Statement): string[] {
  return statement.reader ? statement.columns().map((column) => column.name) : [];
}
