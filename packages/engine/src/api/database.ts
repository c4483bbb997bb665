/**
 * The synchronous public API, in better-sqlite3's shape: `new Database(path, options)`, `prepare`
 * → `Statement` (`run`, `get`, `all`, `iterate`), `exec`, `transaction`, `close`.
 *
 * Transactions: outside BEGIN … COMMIT every statement runs in its own (autocommit). Inside one, the
 * first reading statement starts a read transaction and the first writing statement a write
 * transaction (BEGIN IMMEDIATE and EXCLUSIVE start writing at once). A statement that fails in
 * autocommit mode rolls back (except after a violation under OR FAIL, which keeps the rows written
 * before it); inside an explicit transaction the transaction stays open (except under OR ROLLBACK),
 * and until statements run in savepoints, what a failed statement wrote before failing stays too.
 *
 * Prepared statements are recompiled when the schema cookie shows the schema changed.
 */
import { Btree } from '../btree/btree.js';
import { SqliteError } from '../common/errors.js';
import type { Int64 } from '../record/int64.js';
import { type SqlValue, ValueType } from '../record/value.js';
import { H } from '../pager/header.js';
import type { JournalMode, Synchronous } from '../pager/pager.js';
import { Catalog } from '../plan/catalog.js';
import type { Statement as AstStatement } from '../sql/ast.js';
import { parseOne } from '../sql/index.js';
import type { FunctionContext } from '../func/types.js';
import { BINARY } from '../record/compare.js';
import { MemoryVfs } from '../vfs/memory.js';
import type { Vfs } from '../vfs/vfs.js';
import { Bindings } from '../exec/expr.js';
import { type ColumnMeta, type Effects, type Program, compileStatement } from '../exec/program.js';
import { ConstraintError } from '../exec/rowwrite.js';

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
}

/** What `Statement.run` returns. */
export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

/** A parameter value from JavaScript. */
export type BindValue = null | undefined | number | bigint | string | Uint8Array;

type TxState = 'none' | 'deferred' | 'read' | 'write';

export class Database {
  /** The path the database was opened with. */
  readonly name: string;
  readonly memory: boolean;
  readonly readonly: boolean;
  private readonly bt: Btree;
  private catalog: Catalog | null = null;
  /** Explicit transaction (BEGIN … COMMIT) and how far it has gone. */
  private tx: TxState = 'none';
  private busy = false;
  private closed = false;
  private changesCount = 0;
  private totalChangesCount = 0;
  private lastRowid: Int64 = 0;
  /** The connection as SQL functions see it (changes(), last_insert_rowid(), random()). */
  readonly functionContext: FunctionContext;

  constructor(path = ':memory:', options: DatabaseOptions = {}) {
    const memory = path === ':memory:' || path === '';
    const vfs = options.vfs ?? (memory ? new MemoryVfs() : null);
    if (!vfs) throw new SqliteError('SQLITE_CANTOPEN', `no VFS for "${path}": pass options.vfs, or import Database from @hearth/engine/node`);
    this.name = path;
    this.memory = memory;
    this.readonly = options.readonly === true;
    this.bt = Btree.open(vfs, memory ? ':memory:' : path, {
      readonly: options.readonly,
      fileMustExist: options.fileMustExist,
      pageSize: options.pageSize,
      journalMode: options.journalMode ?? (memory ? 'delete' : 'wal'),
      synchronous: options.synchronous,
      cacheSize: options.cacheSize,
    });
    const self = this;
    this.functionContext = {
      collation: BINARY,
      connection: {
        lastInsertRowid: () => self.lastRowid,
        changes: () => self.changesCount,
        totalChanges: () => self.totalChangesCount,
      },
      random32: () => (Math.random() * 4294967296) >>> 0,
    };
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
    return new Statement(this, sql, stmt, parameters);
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
   * Wraps `fn` in BEGIN … COMMIT: the returned function runs it in a transaction, committing when it
   * returns and rolling back when it throws.
   */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    return (...args: A): R => {
      if (this.inTransaction) throw new SqliteError('SQLITE_MISUSE', 'nested transactions are not supported yet');
      this.exec('BEGIN');
      try {
        const result = fn(...args);
        this.exec('COMMIT');
        return result;
      } catch (err) {
        if (this.inTransaction) this.exec('ROLLBACK');
        throw err;
      }
    };
  }

  /** Closes the connection; an open transaction is rolled back. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.tx = 'none';
    this.bt.close();
  }

  // ---- used by Statement --------------------------------------------------------------------------

  /** Runs transaction control statements; returns false for other statements. */
  control(stmt: AstStatement): boolean {
    const bt = this.bt;
    switch (stmt.kind) {
      case 'begin':
        if (this.tx !== 'none') throw new SqliteError('SQLITE_ERROR', 'cannot start a transaction within a transaction');
        if (stmt.mode === 'IMMEDIATE' || stmt.mode === 'EXCLUSIVE') {
          bt.beginWrite();
          this.tx = 'write';
        } else {
          this.tx = 'deferred';
        }
        return true;
      case 'commit':
        if (this.tx === 'none') throw new SqliteError('SQLITE_ERROR', 'cannot commit - no transaction is active');
        if (this.tx === 'write') bt.commit();
        else if (this.tx === 'read') bt.endRead();
        this.tx = 'none';
        return true;
      case 'rollback':
        if (stmt.savepoint) throw new SqliteError('SQLITE_ERROR', 'not supported yet: savepoints');
        if (this.tx === 'none') throw new SqliteError('SQLITE_ERROR', 'cannot rollback - no transaction is active');
        if (this.tx === 'write') bt.rollback();
        else if (this.tx === 'read') bt.endRead();
        this.tx = 'none';
        return true;
      default:
        return false;
    }
  }

  /** The catalog as of the open transaction, reloaded when the schema cookie changed. */
  currentCatalog(): Catalog {
    const cookie = this.bt.getMeta(H.schemaCookie);
    if (!this.catalog || this.catalog.cookie !== cookie) this.catalog = Catalog.load(this.bt);
    return this.catalog;
  }

  /** Starts what `program` needs: a read or write transaction of its own, or within the explicit one. */
  enter(readonly: boolean): void {
    this.checkOpen();
    if (this.busy) throw new SqliteError('SQLITE_MISUSE', 'This database connection is busy executing a query');
    const bt = this.bt;
    if (this.tx === 'none') {
      if (readonly) bt.beginRead();
      else bt.beginWrite();
    } else if (this.tx === 'deferred') {
      if (readonly) bt.beginRead();
      else bt.beginWrite();
      this.tx = readonly ? 'read' : 'write';
    } else if (this.tx === 'read' && !readonly) {
      bt.beginWrite();
      this.tx = 'write';
    }
    this.busy = true;
  }

  /** Ends what `enter` started: commits (or, `failed`, rolls back) an autocommit transaction. */
  leave(readonly: boolean, failed: boolean): void {
    this.busy = false;
    if (this.tx !== 'none') return;
    const bt = this.bt;
    if (readonly) bt.endRead();
    else if (failed) bt.rollback();
    else bt.commit();
  }

  /**
   * After a constraint violation raised under `resolution`: whether the statement's writes must be
   * undone (not under FAIL, which keeps them). ROLLBACK also ends the explicit transaction, which
   * `leave` then rolls back.
   */
  afterViolation(resolution: ConstraintError['resolution']): boolean {
    if (resolution === 'ROLLBACK' && this.tx !== 'none') this.tx = 'none';
    return resolution !== 'FAIL';
  }

  /** Records a write's effects for changes() and last_insert_rowid() (`counted`: it succeeded, so changes() too). */
  recordEffects(effects: Effects, counted = true): void {
    if (counted) {
      this.changesCount = effects.changes;
      this.totalChangesCount += effects.changes;
    }
    this.lastRowid = effects.lastInsertRowid;
  }

  get btree(): Btree {
    return this.bt;
  }

  private checkOpen(): void {
    if (this.closed) throw new SqliteError('SQLITE_MISUSE', 'The database connection is not open');
  }
}

/** A prepared statement. */
export class Statement {
  /** The SQL text. */
  readonly source: string;
  private readonly db: Database;
  private readonly ast: AstStatement;
  private readonly parameters: (string | null)[];
  private readonly bindings = new Bindings();
  private program: Program | null = null;
  private programCookie = -1;
  private rawMode = false;
  private pluckMode = false;
  private safeInts = false;

  constructor(db: Database, sql: string, ast: AstStatement, parameters: (string | null)[]) {
    this.db = db;
    this.source = sql;
    this.ast = ast;
    this.parameters = parameters;
  }

  /** Whether the statement returns rows. */
  get reader(): boolean {
    const ast = this.ast;
    return ast.kind === 'select' || ((ast.kind === 'insert' || ast.kind === 'update' || ast.kind === 'delete') && ast.returning !== null);
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
    db.enter(true);
    try {
      return this.current().meta.map((m) => ({ ...m }));
    } finally {
      db.leave(true, false);
    }
  }

  /** Executes the statement; for a query, its rows are read and dropped. */
  run(...params: unknown[]): RunResult {
    const connection = this.db.functionContext.connection;
    if (this.db.control(this.ast)) return { changes: 0, lastInsertRowid: this.toJs(ValueType.Integer, connection.lastInsertRowid()) as number | bigint };
    // A write starts from the connection's last insert rowid and moves it with each row it inserts.
    const effects: Effects = { changes: 0, lastInsertRowid: connection.lastInsertRowid() };
    try {
      this.execute(params, effects, (program) => {
        while (program.step());
      });
    } catch (err) {
      // Rows inserted before the failure still moved last_insert_rowid, as in SQLite.
      this.db.recordEffects(effects, false);
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
    this.execute(params, null, (program) => {
      if (program.step()) row = this.rowOf(program);
    });
    return row;
  }

  /** Every row. */
  all(...params: unknown[]): unknown[] {
    this.checkReader();
    const rows: unknown[] = [];
    this.execute(params, null, (program) => {
      while (program.step()) rows.push(this.rowOf(program));
    });
    return rows;
  }

  /** The rows one at a time; the connection is busy until the iteration ends (or is abandoned). */
  *iterate(...params: unknown[]): IterableIterator<unknown> {
    this.checkReader();
    const db = this.db;
    const readonly = this.ast.kind === 'select';
    db.enter(readonly);
    let failed = true;
    try {
      const program = this.compiled(params);
      program.open(db.btree, { changes: 0, lastInsertRowid: 0 });
      try {
        while (program.step()) yield this.rowOf(program);
      } finally {
        program.close();
      }
      failed = false;
    } finally {
      db.leave(readonly, failed);
    }
  }

  private checkReader(): void {
    if (!this.reader) throw new SqliteError('SQLITE_MISUSE', 'This statement does not return data. Use run() instead');
  }

  /** Compiles (again, if the schema changed), binds, and runs `body` inside the needed transaction. */
  private execute(params: unknown[], effects: Effects | null, body: (program: Program) => void): void {
    const db = this.db;
    const readonly = this.ast.kind === 'select';
    db.enter(readonly);
    let failed = true;
    try {
      const program = this.compiled(params);
      program.open(db.btree, effects ?? { changes: 0, lastInsertRowid: 0 });
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
      db.leave(readonly, failed);
    }
  }

  /** The program for the current schema (compiled again when it changed), with `params` bound. */
  private compiled(params: unknown[]): Program {
    const program = this.current();
    this.bind(params);
    return program;
  }

  /** The program for the current schema, compiled again when it changed. */
  private current(): Program {
    const db = this.db;
    const catalog = db.currentCatalog();
    if (!this.program || this.programCookie !== catalog.cookie) {
      this.bindings.reset(this.parameters.length);
      this.program = compileStatement(this.ast, { sql: this.source, catalog, bindings: this.bindings, functions: db.functionContext });
      this.programCookie = catalog.cookie;
    }
    return this.program;
  }

  private bind(params: unknown[]): void {
    const b = this.bindings;
    const count = this.parameters.length;
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

function isPlainObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** Binds a JavaScript value as parameter `i`. */
function setBinding(b: Bindings, i: number, value: unknown): void {
  if (value === null || value === undefined) {
    b.types[i] = ValueType.Null;
    b.values[i] = null;
  } else if (typeof value === 'number') {
    b.types[i] = Number.isInteger(value) && !Object.is(value, -0) && Number.isSafeInteger(value) ? ValueType.Integer : ValueType.Real;
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
    throw new SqliteError('SQLITE_MISMATCH', 'SQLite can only bind numbers, strings, bigints, buffers, and null');
  }
}
