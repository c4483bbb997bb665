/**
 * The synchronous public API, in better-sqlite3's shape: `new Database(path, options)`, `prepare`
 * → `Statement` (`run`, `get`, `all`, `iterate`), `exec`, `transaction`, `close`.
 *
 * Transactions: outside BEGIN … COMMIT every statement runs in its own (autocommit). Inside one, the
 * first reading statement starts a read transaction and the first writing statement a write
 * transaction (BEGIN IMMEDIATE and EXCLUSIVE start writing at once). SAVEPOINT outside a transaction
 * starts one as BEGIN DEFERRED does, and releasing that outermost savepoint commits it. A statement that
 * fails in autocommit mode rolls its transaction back; inside a transaction each writing statement runs
 * in a savepoint of its own, rolled back to when it fails, so that it leaves nothing behind while the
 * transaction stays open (SQLite's ON CONFLICT ABORT). A statement that can fail only before its first
 * change (`Program.failsOnlyBeforeWriting`) needs none, as SQLite opens no statement journal for it; if
 * it fails after changing pages all the same (an I/O error), the whole transaction is rolled back, as in
 * SQLite. A violation under OR FAIL keeps what the statement wrote before it; one under OR ROLLBACK
 * rolls the whole transaction back.
 *
 * Prepared statements are recompiled when the schema cookie shows the schema changed, and after a
 * rollback (which may bring back a cookie that a rolled-back schema change had used).
 */
import { Btree } from '../btree/btree.js';
import { assert } from '../common/assert.js';
import { SqliteError } from '../common/errors.js';
import type { Int64 } from '../record/int64.js';
import { type SqlValue, ValueType } from '../record/value.js';
import { H } from '../pager/header.js';
import { DEFAULT_CACHE_SIZE, type JournalMode, type PagerOptions, type Synchronous } from '../pager/pager.js';
import { Catalog } from '../plan/catalog.js';
import type { Statement as AstStatement } from '../sql/ast.js';
import { parseOne } from '../sql/index.js';
import type { FunctionContext } from '../func/types.js';
import { BINARY } from '../record/compare.js';
import { MemoryVfs } from '../vfs/memory.js';
import type { Vfs } from '../vfs/vfs.js';
import { Bindings } from '../exec/expr.js';
import { type ColumnMeta, type Effects, type Program, compileStatement } from '../exec/program.js';
import { SavepointStack } from './savepoints.js';
import { type TransactionFunction, makeTransaction } from './transaction.js';
import { type PragmaHost, pragmaReturnsRows } from '../exec/pragma.js';
import { ConnectionFunctions, type FunctionOptions } from './user-functions.js';
import { ConstraintError } from '../exec/rowwrite.js';
import { TriggerState } from '../exec/trigger.js';
import { ForeignKeyState } from '../exec/foreign-keys.js';
import { registerTemp } from '../exec/schemas.js';
import { TempDatabase } from './temp-database.js';

export interface DatabaseOptions {
  /** Open without write access. */
  readonly?: boolean;
  /** Fail when the file does not exist instead of creating it. */
  fileMustExist?: boolean;
  /** Where files live. `:memory:` needs none; Node callers get the `fs` VFS from `@hearth/engine/node`. */
  vfs?: Vfs;
  /** Page size of a new database (default 4096). */
  pageSize?: number;
  /** Journal mode of a new database (default 'wal'). */
  journalMode?: JournalMode;
  synchronous?: Synchronous;
  /** SQLite's cache_size: positive = pages, negative = KiB. */
  cacheSize?: number;
  /**
   * Memory for the page cache's slots (e.g. a SharedArrayBuffer): at least the cache size in bytes,
   * and never less than 16 pages. Allocated by the pager when absent.
   */
  cacheBuffer?: ArrayBuffer | SharedArrayBuffer;
}

/** What `Statement.run` returns. */
export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/** A parameter value from JavaScript. */
export type BindValue = null | undefined | number | bigint | string | Uint8Array;

type TxState = 'none' | 'deferred' | 'read' | 'write';

/**
 * What a statement needs around it: a read or a write transaction the connection opens, or none
 * (PRAGMA opens its own, as some pragmas must run outside any transaction).
 */
type Access = 'read' | 'write' | 'own';

/** The options of `db.pragma`. */
export interface PragmaOptions {
  /** Return the first column of the first row instead of all rows. */
  simple?: boolean;
}

const SYNCHRONOUS: Synchronous[] = ['off', 'normal', 'full'];

/** Statements the connection runs itself (`Database.control`), which compile to no program. */
const CONTROL_STATEMENTS = new Set<AstStatement['kind']>(['begin', 'commit', 'rollback', 'savepoint', 'release']);

export class Database {
  /** The path the database was opened with. */
  readonly name: string;
  readonly memory: boolean;
  readonly readonly: boolean;
  private bt: Btree;
  private readonly vfs: Vfs;
  private readonly pagerOptions: PagerOptions;
  private catalog: Catalog | null = null;
  /** Explicit transaction (BEGIN … COMMIT) and how far it has gone. */
  private tx: TxState = 'none';
  private readonly savepoints = new SavepointStack();
  /** Pager depth of the running writing statement's savepoint, or -1. */
  private statementSavepoint = -1;
  /** The pager's change count when a writing statement that needs no savepoint started, or -1. */
  private statementChangeMark = -1;
  private busy = false;
  private closed = false;
  private changesCount = 0;
  private totalChangesCount = 0;
  private lastRowid: Int64 = 0;
  /** The running statement's 'now' (ms since 1970), read at its first use; 0 until then. */
  private statementTime = 0;
  /** The connection as SQL functions see it (changes(), last_insert_rowid(), random()). */
  readonly functionContext: FunctionContext;
  private readonly userFunctions = new ConnectionFunctions();
  /** Counts `function` calls, so that prepared statements compile again to see new definitions. */
  functionsVersion = 0;
  /** Settings PRAGMA reads and writes. */
  /** PRAGMA foreign_keys and defer_foreign_keys, and the outstanding violations. */
  private readonly fkState = new ForeignKeyState();
  private busyTimeout = 0;
  private synchronousLevel: number;
  private pragmaHostObject: PragmaHost | null = null;
  /** The temp schema's database, opened on first use. */
  private readonly temp = new TempDatabase();
  /** recursive_triggers, the triggers firing, and the counters their frames save and restore. */
  private readonly triggerState: TriggerState;

  constructor(path = ':memory:', options: DatabaseOptions = {}) {
    const memory = path === ':memory:' || path === '';
    const vfs = options.vfs ?? (memory ? new MemoryVfs() : null);
    if (!vfs) throw new SqliteError('SQLITE_CANTOPEN', `no VFS for "${path}": pass options.vfs, or import Database from @hearth/engine/node`);
    this.name = path;
    this.memory = memory;
    this.readonly = options.readonly === true;
    this.vfs = vfs;
    this.pagerOptions = {
      readonly: options.readonly,
      fileMustExist: options.fileMustExist,
      pageSize: options.pageSize,
      journalMode: memory ? 'memory' : options.journalMode ?? 'wal',
      synchronous: options.synchronous,
      cacheSize: options.cacheSize,
      cacheBuffer: options.cacheBuffer,
      // A private in-memory database lives in its page cache alone.
      inMemory: memory && !options.vfs,
    };
    this.bt = Btree.open(vfs, memory ? ':memory:' : path, this.pagerOptions);
    registerTemp(this.bt, () => this.openTemp());
    this.synchronousLevel = SYNCHRONOUS.indexOf(this.bt.pager.synchronous);
    const self = this;
    this.functionContext = {
      collation: BINARY,
      connection: {
        lastInsertRowid: () => self.lastRowid,
        changes: () => self.changesCount,
        totalChanges: () => self.totalChangesCount,
      },
      random32: () => (Math.random() * 4294967296) >>> 0,
      currentTime: () => self.statementTime || (self.statementTime = Date.now()),
      overrides: this.userFunctions,
    };
    this.triggerState = new TriggerState({
      get changes() {
        return self.changesCount;
      },
      set changes(n: number) {
        self.changesCount = n;
      },
      get totalChanges() {
        return self.totalChangesCount;
      },
      set totalChanges(n: number) {
        self.totalChangesCount = n;
      },
      get lastInsertRowid() {
        return self.lastRowid;
      },
      set lastInsertRowid(rowid: Int64) {
        self.lastRowid = rowid;
      },
    });
  }

  /** Whether the connection is open. */
  get open(): boolean {
    return !this.closed;
  }

  /** Whether an explicit transaction is open. */
  get inTransaction(): boolean {
    return this.tx !== 'none';
  }

  /** Compiles one SQL statement. Syntax errors are thrown here. */
  prepare(sql: string): Statement {
    this.checkOpen();
    const { stmt, end, parameters } = parseOne(sql);
    if (!stmt) throw new SqliteError('SQLITE_MISUSE', 'The supplied SQL string contains no statements');
    if (parseOne(sql, end).stmt) throw new SqliteError('SQLITE_MISUSE', 'The supplied SQL string contains more than one statement');
    const statement = new Statement(this, sql, stmt, parameters);
    // As in SQLite, unknown tables, columns and functions are reported here, not at the first run
    // (while a query is being iterated, compilation waits for the first run).
    if (!CONTROL_STATEMENTS.has(stmt.kind) && !this.busy) statement.compileNow();
    return statement;
  }

  /**
   * Runs `PRAGMA source` and returns its rows, or with `simple` the first column of the first row
   * (undefined when there is none), as better-sqlite3's `db.pragma`.
   */
  pragma(source: string, options: PragmaOptions = {}): unknown {
    if (options == null) options = {};
    if (typeof source !== 'string') throw new TypeError('Expected first argument to be a string');
    if (typeof options !== 'object') throw new TypeError('Expected second argument to be an options object');
    let simple = false;
    if ('simple' in options && typeof (simple = options.simple as boolean) !== 'boolean') {
      throw new TypeError('Expected the "simple" option to be a boolean');
    }
    const stmt = this.prepare(`PRAGMA ${source}`);
    if (!stmt.reader) {
      stmt.run();
      return simple ? undefined : [];
    }
    return simple ? stmt.pluck().get() : stmt.all();
  }

  /**
   * Defines (or replaces) the SQL function `name` as better-sqlite3's `db.function`: `fn` is called with
   * the arguments as JavaScript values and its result becomes the SQL value. It takes `fn.length`
   * arguments unless `varargs`; it is found before a built-in function of the same name and count.
   */
  function(name: string, fn: (...args: never[]) => unknown): this;
  function(name: string, options: FunctionOptions, fn: (...args: never[]) => unknown): this;
  function(name: unknown, optionsOrFn: unknown, fn?: unknown): this {
    this.checkOpen();
    if (this.busy) throw new TypeError('This database connection is busy executing a query');
    this.userFunctions.define(name, optionsOrFn, fn);
    this.functionsVersion++;
    return this;
  }

  /** Runs every statement of `sql` in turn (no parameters, no results). */
  exec(sql: string): this {
    this.checkOpen();
    for (let from = 0; ; ) {
      const { stmt, end, parameters } = parseOne(sql, from);
      if (!stmt) return this;
      new Statement(this, sql, stmt, parameters).run();
      from = end;
    }
  }

  /**
   * Wraps `fn` in a transaction as better-sqlite3 does (see transaction.ts): BEGIN … COMMIT, or a
   * savepoint when called inside a transaction; rolled back when `fn` throws.
   */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): TransactionFunction<A, R> {
    return makeTransaction(this, fn);
  }

  /** Closes the connection; an open transaction is rolled back. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.tx = 'none';
    this.savepoints.clear();
    this.bt.close();
    this.temp.close();
  }

  // ---- used by Statement --------------------------------------------------------------------------

  /** Runs transaction control statements; returns false for other statements. */
  control(stmt: AstStatement): boolean {
    const bt = this.bt;
    switch (stmt.kind) {
      case 'begin':
      case 'commit':
      case 'rollback':
      case 'savepoint':
      case 'release':
        this.checkIdle();
        break;
      default:
        return false;
    }
    switch (stmt.kind) {
      case 'begin':
        if (this.tx !== 'none') throw new SqliteError('SQLITE_ERROR', 'cannot start a transaction within a transaction');
        if (stmt.mode === 'IMMEDIATE' || stmt.mode === 'EXCLUSIVE') {
          bt.beginWrite();
          this.temp.beginWrite();
          this.tx = 'write';
        } else {
          this.tx = 'deferred';
        }
        break;
      case 'commit':
        if (this.tx === 'none') throw new SqliteError('SQLITE_ERROR', 'cannot commit - no transaction is active');
        this.fkState.checkCommit();
        this.commitTransaction();
        break;
      case 'rollback':
        if (stmt.savepoint) {
          const depth = this.savepoints.find(stmt.savepoint.name);
          // The savepoint stays open; newer ones are gone. A transaction that never wrote has nothing to undo.
          if (this.tx === 'write') {
            bt.rollbackToSavepoint(depth);
            this.temp.rollbackToSavepoint(depth);
            this.catalog = null;
          }
          this.savepoints.truncate(depth + 1);
          this.fkState.rollbackTo(depth);
          break;
        }
        if (this.tx === 'none') throw new SqliteError('SQLITE_ERROR', 'cannot rollback - no transaction is active');
        if (this.tx === 'write') {
          bt.rollback();
          this.temp.rollback();
          this.catalog = null;
        } else if (this.tx === 'read') bt.endRead();
        this.endTransaction();
        break;
      case 'savepoint':
        if (this.tx === 'none') {
          this.tx = 'deferred';
          this.savepoints.startedTransaction = true;
        } else if (this.tx === 'write') {
          bt.openSavepoint();
          this.temp.openSavepoint();
        }
        this.savepoints.push(stmt.name.name);
        this.fkState.openSavepoint();
        break;
      case 'release': {
        const depth = this.savepoints.find(stmt.name.name);
        if (depth === 0 && this.savepoints.startedTransaction) {
          this.fkState.checkCommit();
          this.commitTransaction();
        } else {
          this.fkState.release(depth);
          if (this.tx === 'write') {
            bt.releaseSavepoint(depth);
            this.temp.releaseSavepoint(depth);
          }
          this.savepoints.truncate(depth);
        }
        break;
      }
    }
    assert(this.tx !== 'write' || bt.pager.savepointDepth === this.savepoints.length, 'each savepoint has its pager level');
    return true;
  }

  /** The catalog as of the open transaction, reloaded when the schema cookie changed. */
  currentCatalog(): Catalog {
    // After a rollback the catalog is dropped: the schema may be back at a cookie a newer one reused.
    const cookie = this.bt.getMeta(H.schemaCookie);
    const temp = this.temp.btree;
    const tempCookie = temp ? temp.getMeta(H.schemaCookie) : -1;
    if (!this.catalog || this.catalog.cookie !== cookie || this.catalog.tempCookie !== tempCookie) this.catalog = Catalog.load(this.bt, temp);
    return this.catalog;
  }

  /** Starts what a statement needs: a read or write transaction of its own, or within the explicit one. */
  enter(access: Access): void {
    this.checkOpen();
    if (this.busy) throw new SqliteError('SQLITE_MISUSE', 'This database connection is busy executing a query');
    this.statementTime = 0;
    if (access !== 'own') this.begin(access === 'read');
    this.busy = true;
  }

  /**
   * Right before writing `program` runs (after `enter`): inside a transaction, opens the savepoint that
   * undoes only it if it fails, or for a program that fails only before writing, notes the pager's
   * change count instead.
   */
  beginStatement(program: Program): void {
    if (this.tx === 'none') return;
    if (program.failsOnlyBeforeWriting) {
      this.statementChangeMark = this.bt.pager.changeCount;
      return;
    }
    this.statementSavepoint = this.bt.openSavepoint();
    this.temp.openSavepoint();
  }

  /**
   * Ends what `enter` and `beginStatement` started: commits (or, `failed`, rolls back) an autocommit
   * transaction; inside a transaction, releases a writing statement's savepoint, rolling back to it
   * first when `failed`. A statement without a savepoint that failed after changing pages rolls the
   * whole transaction back.
   */
  leave(access: Access, failed: boolean): void {
    this.busy = false;
    if (access === 'own') return;
    const bt = this.bt;
    if (this.statementChangeMark >= 0) {
      if (failed && bt.pager.changeCount !== this.statementChangeMark) this.endTransaction();
      this.statementChangeMark = -1;
    }
    if (this.statementSavepoint >= 0) {
      const depth = this.statementSavepoint;
      this.statementSavepoint = -1;
      if (failed) {
        this.catalog = null;
        bt.rollbackToSavepoint(depth);
        this.temp.rollbackToSavepoint(depth);
        this.fkState.statementUndone();
      }
      bt.releaseSavepoint(depth);
      this.temp.releaseSavepoint(depth);
    }
    this.end(access === 'read', failed);
    // In autocommit mode, whatever the statement was, its transaction ended.
    if (this.tx === 'none') this.fkState.transactionEnded();
  }

  /** Opens a read or write transaction: one of its own in autocommit mode, else the explicit one. */
  private begin(readonly: boolean): void {
    const bt = this.bt;
    if (this.tx === 'none') {
      if (readonly) bt.beginRead();
      else {
        bt.beginWrite();
        this.temp.beginWrite();
      }
    } else if (this.tx === 'deferred' && readonly) {
      bt.beginRead();
      this.tx = 'read';
    } else if (this.tx !== 'write' && !readonly) {
      this.beginTransactionWrite();
    }
  }

  /** Ends what `begin` started: commits (or, `failed`, rolls back) an autocommit transaction. */
  private end(readonly: boolean, failed: boolean): void {
    if (this.tx !== 'none') return;
    const bt = this.bt;
    if (readonly) bt.endRead();
    else if (failed) {
      this.catalog = null;
      bt.rollback();
      this.temp.rollback();
    } else this.commitOrRollback();
  }

  /**
   * Commits the write transaction (main, then temp). When the main commit fails for another reason than
   * SQLITE_BUSY (disk full, I/O error) both are rolled back, as SQLite does, so that the connection stays
   * usable; a busy commit leaves the transaction open to be retried.
   */
  private commitOrRollback(): void {
    try {
      this.bt.commit();
    } catch (err) {
      if (err instanceof SqliteError && err.code === 'SQLITE_BUSY') throw err;
      this.catalog = null;
      this.bt.rollback();
      this.temp.rollback();
      throw err;
    }
    this.temp.commit();
  }

  /** Runs `fn` inside a read (or write) transaction: the explicit one, or one of its own. */
  within<T>(readonly: boolean, fn: () => T): T {
    this.begin(readonly);
    let failed = true;
    try {
      const result = fn();
      failed = false;
      return result;
    } finally {
      this.end(readonly, failed);
    }
  }

  /** The connection as PRAGMA statements use it. */
  get pragmaHost(): PragmaHost {
    if (this.pragmaHostObject) return this.pragmaHostObject;
    const db = this;
    return (this.pragmaHostObject = {
      get btree() {
        return db.bt;
      },
      file: this.name,
      memory: this.memory,
      get inTransaction() {
        return db.tx !== 'none';
      },
      get writing() {
        return db.tx === 'write';
      },
      get foreignKeys() {
        return db.fkState.enabled;
      },
      set foreignKeys(on: boolean) {
        db.fkState.enabled = on;
      },
      get deferForeignKeys() {
        return db.fkState.deferAll;
      },
      set deferForeignKeys(on: boolean) {
        db.fkState.deferAll = on;
      },
      get recursiveTriggers() {
        return db.triggerState.recursive;
      },
      set recursiveTriggers(on: boolean) {
        db.triggerState.recursive = on;
      },
      get synchronous() {
        return db.synchronousLevel;
      },
      set synchronous(level: number) {
        db.synchronousLevel = level;
        db.bt.pager.synchronous = SYNCHRONOUS[Math.min(level, 2)]!;
      },
      get busyTimeout() {
        return db.busyTimeout;
      },
      set busyTimeout(ms: number) {
        db.busyTimeout = ms;
      },
      tempOpened: false,
      get tempBtree() {
        return db.temp.btree;
      },
      get cacheSize() {
        return db.pagerOptions.cacheSize ?? DEFAULT_CACHE_SIZE;
      },
      set cacheSize(size: number) {
        db.pagerOptions.cacheSize = size;
        db.bt.pager.setCacheSize(size);
      },
      setCaseSensitiveLike: (on) => {
        this.userFunctions.registerBuiltinLike(on);
        this.functionsVersion++;
      },
      read: (fn) => this.within(true, fn),
      write: (fn) => this.within(false, fn),
      catalog: () => this.currentCatalog(),
      setPageSize: (size) => this.setPageSize(size),
    });
  }

  /** PRAGMA page_size = N: a database not yet created is opened again with that page size. */
  private setPageSize(size: number): void {
    if (!isPageSize(size) || size === this.bt.pager.pageSize || this.tx !== 'none' || this.bt.pager.pageCount > 0) return;
    this.bt.close();
    this.pagerOptions.pageSize = size;
    this.bt = Btree.open(this.vfs, this.memory ? ':memory:' : this.name, this.pagerOptions);
    registerTemp(this.bt, () => this.openTemp());
    this.bt.pager.synchronous = SYNCHRONOUS[Math.min(this.synchronousLevel, 2)]!;
    this.catalog = null;
  }

  /**
   * After a constraint violation raised under `resolution`: whether the statement's writes must be
   * undone (not under FAIL, which keeps them). ROLLBACK also ends the explicit transaction, which
   * `leave` then rolls back.
   */
  afterViolation(resolution: ConstraintError['resolution']): boolean {
    if (resolution === 'ROLLBACK' && this.tx !== 'none') this.endTransaction();
    return resolution !== 'FAIL';
  }

  /**
   * Records a write's effects for changes() and last_insert_rowid(). A statement that failed counts no
   * changes, but as in SQLite the rowid of its last inserted row stays, though the row was undone.
   */
  recordEffects(effects: Effects, failed = false): void {
    this.changesCount = failed ? 0 : effects.changes;
    this.totalChangesCount += this.changesCount;
    this.lastRowid = effects.lastInsertRowid;
  }

  get btree(): Btree {
    return this.bt;
  }

  /** The temp database, opened now (inside the current transaction) if it was not yet. */
  private openTemp(): Btree {
    const depth = this.bt.pager.inTransaction ? this.bt.pager.savepointDepth : -1;
    const bt = this.temp.open(depth, this.bt.pager.pageSize);
    this.pragmaHost.tempOpened = true;
    return bt;
  }

  /** The connection's foreign key state, for compiling and running statements. */
  get foreignKeyState(): ForeignKeyState {
    return this.fkState;
  }

  /** The connection's trigger state, for compiling statements. */
  get triggerStateOf(): TriggerState {
    return this.triggerState;
  }

  private checkOpen(): void {
    if (this.closed) throw new SqliteError('SQLITE_MISUSE', 'The database connection is not open');
  }

  private checkIdle(): void {
    this.checkOpen();
    if (this.busy) throw new SqliteError('SQLITE_MISUSE', 'This database connection is busy executing a query');
  }

  /**
   * The first write of an open transaction: the write transaction starts, and every savepoint opened
   * so far gets its pager level (all at this state, since nothing was written before).
   */
  private beginTransactionWrite(): void {
    this.bt.beginWrite();
    this.temp.beginWrite();
    for (let i = 0; i < this.savepoints.length; i++) {
      this.bt.openSavepoint();
      this.temp.openSavepoint();
    }
    this.tx = 'write';
  }

  /** COMMIT, or RELEASE of a savepoint that started the transaction. */
  private commitTransaction(): void {
    if (this.tx === 'write') {
      try {
        this.commitOrRollback();
      } catch (err) {
        if (!this.bt.pager.inTransaction) this.endTransaction();
        throw err;
      }
    } else if (this.tx === 'read') this.bt.endRead();
    this.endTransaction();
  }

  private endTransaction(): void {
    this.tx = 'none';
    this.savepoints.clear();
    this.fkState.transactionEnded();
  }
}

/** A prepared statement. */
export class Statement {
  /** The SQL text. */
  readonly source: string;
  private readonly db: Database;
  private readonly ast: AstStatement;
  private readonly parameters: (string | null)[];
  private readonly access: Access;
  /** Whether the statement is transaction control, which the connection runs itself. */
  private readonly control: boolean;
  /** Whether every parameter is positional (`?` or `?NNN`), so that `bind` can take the fast path. */
  private readonly positionalOnly: boolean;
  private readonly bindings = new Bindings();
  private program: Program | null = null;
  /** The catalog `program` was compiled against. */
  private programCatalog: Catalog | null = null;
  private programFunctions = -1;
  /** The foreign key settings' version `program` was compiled under. */
  private programKeys = -1;
  private rawMode = false;
  private pluckMode = false;
  private safeInts = false;

  constructor(db: Database, sql: string, ast: AstStatement, parameters: (string | null)[]) {
    this.db = db;
    this.source = sql;
    this.ast = ast;
    this.parameters = parameters;
    this.access = ast.kind === 'select' || ast.kind === 'explain' ? 'read' : ast.kind === 'pragma' ? 'own' : 'write';
    this.control = CONTROL_STATEMENTS.has(ast.kind);
    this.positionalOnly = parameters.every((name) => !name || name[0] === '?');
  }

  /** Whether the statement returns rows. */
  get reader(): boolean {
    const ast = this.ast;
    if (ast.kind === 'select' || ast.kind === 'explain') return true;
    if (ast.kind === 'pragma') return pragmaReturnsRows(ast);
    return (ast.kind === 'insert' || ast.kind === 'update' || ast.kind === 'delete') && ast.returning !== null;
  }

  /** Rows as arrays of values instead of objects. */
  raw(toggle = true): this {
    this.rawMode = toggle;
    if (toggle) this.pluckMode = false;
    return this;
  }

  /** Only the first column of each row. */
  pluck(toggle = true): this {
    this.pluckMode = toggle;
    if (toggle) this.rawMode = false;
    return this;
  }

  /** INTEGER values as bigint, always. */
  safeIntegers(toggle = true): this {
    this.safeInts = toggle;
    return this;
  }

  /** The result columns: name, and for direct column references their table, column and declared type. */
  columns(): ColumnMeta[] {
    if (!this.reader) throw new SqliteError('SQLITE_MISUSE', 'The columns() method is only for statements that return data');
    const db = this.db;
    db.enter(this.access);
    try {
      return this.current().meta.map((m) => ({ ...m }));
    } finally {
      db.leave(this.access, false);
    }
  }

  /** Executes the statement; for a query, its rows are read and dropped. */
  run(...params: unknown[]): RunResult {
    const connection = this.db.functionContext.connection;
    if (this.control && this.db.control(this.ast)) {
      return { changes: 0, lastInsertRowid: this.toJs(ValueType.Integer, connection.lastInsertRowid()) as number | bigint };
    }
    // A write starts from the connection's last insert rowid and moves it with each row it inserts.
    const effects: Effects = { changes: 0, lastInsertRowid: connection.lastInsertRowid() };
    try {
      this.execute(params, effects, drain);
    } catch (err) {
      // Rows inserted before the failure still moved last_insert_rowid, as in SQLite.
      this.db.recordEffects(effects, true);
      throw err;
    }
    this.db.recordEffects(effects);
    // As sqlite3_last_insert_rowid(): the connection's, whatever the statement was.
    return { changes: effects.changes, lastInsertRowid: this.toJs(ValueType.Integer, connection.lastInsertRowid()) as number | bigint };
  }

  /** The first row, or undefined. */
  get(...params: unknown[]): unknown {
    this.checkReader();
    let row: unknown;
    this.executeReader(params, (program) => {
      if (program.step()) row = this.rowOf(program);
    });
    return row;
  }

  /** Every row. */
  all(...params: unknown[]): unknown[] {
    this.checkReader();
    const rows: unknown[] = [];
    this.executeReader(params, (program) => {
      while (program.step()) rows.push(this.rowOf(program));
    });
    return rows;
  }

  /** The rows one at a time; the connection is busy until the iteration ends (or is abandoned). */
  *iterate(...params: unknown[]): IterableIterator<unknown> {
    this.checkReader();
    const db = this.db;
    const effects = this.writeEffects();
    db.enter(this.access);
    let failed = true;
    try {
      const program = this.compiled(params);
      this.openProgram(program, effects ?? { changes: 0, lastInsertRowid: 0 });
      try {
        while (program.step()) yield this.rowOf(program);
      } finally {
        program.close();
      }
      failed = false;
    } finally {
      db.leave(this.access, failed);
      if (effects) db.recordEffects(effects, failed);
    }
  }

  /**
   * The effects a writing statement that returns rows (INSERT … RETURNING) records for changes() and
   * last_insert_rowid(), as `run` does; null for a statement that writes nothing.
   */
  private writeEffects(): Effects | null {
    if (this.access !== 'write') return null;
    return { changes: 0, lastInsertRowid: this.db.functionContext.connection.lastInsertRowid() };
  }

  /** `execute` for `get` and `all`: a writing statement records its effects, as `run` does. */
  private executeReader(params: unknown[], body: (program: Program) => void): void {
    const effects = this.writeEffects();
    try {
      this.execute(params, effects, body);
    } catch (err) {
      if (effects) this.db.recordEffects(effects, true);
      throw err;
    }
    if (effects) this.db.recordEffects(effects);
  }

  private checkReader(): void {
    if (!this.reader) throw new SqliteError('SQLITE_MISUSE', 'This statement does not return data. Use run() instead');
  }

  /** Compiles (again, if the schema changed), binds, and runs `body` inside the needed transaction. */
  private execute(params: unknown[], effects: Effects | null, body: (program: Program) => void): void {
    const db = this.db;
    db.enter(this.access);
    let failed = true;
    try {
      const program = this.compiled(params);
      this.openProgram(program, effects ?? { changes: 0, lastInsertRowid: 0 });
      try {
        body(program);
      } finally {
        program.close();
      }
      failed = false;
    } catch (err) {
      if (err instanceof ConstraintError) failed = db.afterViolation(err.resolution);
      throw err;
    } finally {
      db.leave(this.access, failed);
    }
  }

  /**
   * Starts `program`. A writing statement does its work here; then its violations of immediate foreign
   * keys (and, in autocommit mode, of deferred ones) fail it.
   */
  private openProgram(program: Program, effects: Effects): void {
    const db = this.db;
    if (this.access !== 'write') {
      program.open(db.btree, effects);
      return;
    }
    db.beginStatement(program);
    const keys = db.foreignKeyState;
    keys.beginStatement();
    program.open(db.btree, effects);
    keys.endStatement(!db.inTransaction);
  }

  /** The program for the current schema (compiled again when it changed), with `params` bound. */
  private compiled(params: unknown[]): Program {
    const program = this.current();
    this.bind(params);
    return program;
  }

  /** Compiles the statement now (inside a read transaction of its own when none is open). */
  compileNow(): void {
    if (this.access === 'own') this.current();
    else this.db.within(true, () => this.current());
  }

  /** The program for the current schema and functions, compiled again when either changed. */
  private current(): Program {
    const db = this.db;
    const catalog = this.access === 'own' ? db.within(true, () => db.currentCatalog()) : db.currentCatalog();
    const keys = db.foreignKeyState;
    if (!this.program || this.programCatalog !== catalog || this.programFunctions !== db.functionsVersion || this.programKeys !== keys.version) {
      this.bindings.reset(this.parameters.length);
      this.program = compileStatement(this.ast, {
        sql: this.source,
        catalog,
        bindings: this.bindings,
        functions: db.functionContext,
        connection: db.pragmaHost,
        triggerState: db.triggerStateOf,
        foreignKeys: keys,
      });
      this.programKeys = keys.version;
      this.programCatalog = catalog;
      this.programFunctions = db.functionsVersion;
    }
    return this.program;
  }

  private bind(params: unknown[]): void {
    const b = this.bindings;
    const count = this.parameters.length;
    // One value per positional parameter, none of them an array or object of values: each slot is set.
    if (this.positionalOnly && params.length === count && (count !== 1 || !isValueList(params[0]))) {
      for (let i = 0; i < count; i++) setBinding(b, i, params[i]);
      return;
    }
    b.reset(count);
    const named = params.length === 1 && isPlainObject(params[0]) ? (params[0] as Record<string, unknown>) : null;
    const positional = named ? [] : params.length === 1 && Array.isArray(params[0]) ? (params[0] as unknown[]) : params;
    let next = 0;
    for (let i = 0; i < count; i++) {
      const name = this.parameters[i];
      let value: unknown;
      if (name && name[0] !== '?') {
        if (!named) throw new SqliteError('SQLITE_RANGE', 'Missing named parameter "' + name.slice(1) + '"');
        if (!(name.slice(1) in named)) throw new SqliteError('SQLITE_RANGE', `Missing named parameter "${name.slice(1)}"`);
        value = named[name.slice(1)];
      } else {
        if (next >= positional.length) throw new SqliteError('SQLITE_RANGE', 'Too few parameter values were provided');
        value = positional[next++];
      }
      setBinding(b, i, value);
    }
    if (next < positional.length) throw new SqliteError('SQLITE_RANGE', 'Too many parameter values were provided');
  }

  private rowOf(program: Program): unknown {
    if (this.pluckMode) return this.toJs(program.types[0] as ValueType, program.values[0]!);
    const n = program.columns.length;
    if (this.rawMode) {
      const row = new Array<unknown>(n);
      for (let i = 0; i < n; i++) row[i] = this.toJs(program.types[i] as ValueType, program.values[i]!);
      return row;
    }
    const row: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) row[program.columns[i]!] = this.toJs(program.types[i] as ValueType, program.values[i]!);
    return row;
  }

  private toJs(type: ValueType, value: SqlValue): unknown {
    if (type === ValueType.Integer && this.safeInts) return BigInt(value as Int64);
    return value;
  }
}

function isPageSize(n: number): boolean {
  return n >= 512 && n <= 65536 && (n & (n - 1)) === 0;
}

/** Runs a program to its end, dropping its rows. */
function drain(program: Program): void {
  while (program.step());
}

/** Whether a lone argument stands for the parameter values rather than being one: an array or a plain object. */
function isValueList(v: unknown): boolean {
  return Array.isArray(v) || isPlainObject(v);
}

function isPlainObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** Binds a JavaScript value as parameter `i`. */
function setBinding(b: Bindings, i: number, value: unknown): void {
  if (value === null || value === undefined) {
    b.types[i] = ValueType.Null;
    b.values[i] = null;
  } else if (typeof value === 'number') {
    // Every JS number binds as a REAL, as in better-sqlite3 (only a bigint binds as an INTEGER).
    b.types[i] = ValueType.Real;
    b.values[i] = value;
  } else if (typeof value === 'bigint') {
    if (value > 9223372036854775807n || value < -9223372036854775808n) throw new SqliteError('SQLITE_RANGE', 'BigInt value is too large to be represented as a SQLite integer');
    b.types[i] = ValueType.Integer;
    b.values[i] = value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
  } else if (typeof value === 'string') {
    b.types[i] = ValueType.Text;
    b.values[i] = value;
  } else if (value instanceof Uint8Array) {
    b.types[i] = ValueType.Blob;
    b.values[i] = value;
  } else {
    throw new SqliteError('SQLITE_MISMATCH', 'SQLite3 can only bind numbers, strings, bigints, buffers, and null');
  }
}
