/**
 * Compiled statements. A `Program` is made once per prepared statement (and again when the schema
 * changes) and run any number of times: `open` starts an execution with the statement's bindings,
 * `step` produces the next result row into `types`/`values`, `close` ends it. Writing statements do
 * their work in `open` and produce no rows.
 *
 * This first executor handles SELECT over zero or one table (WHERE, LIMIT/OFFSET), INSERT … VALUES and
 * DEFAULT VALUES into rowid tables, and CREATE TABLE; other statements are reported as not supported
 * yet. Transactions are the caller's (`api/database.ts`): programs run inside one.
 */
import type { Btree } from '../btree/btree.js';
import type { BtCursor } from '../btree/cursor.js';
import { SqliteError } from '../common/errors.js';
import type { Int64 } from '../record/int64.js';
import { RecordReader, RecordWriter } from '../record/record.js';
import { type SqlValue, ValueType } from '../record/value.js';
import { createTable } from '../schema/schema.js';
import type { ColumnRef, CreateTableStmt, Expr, InsertStmt, ResultColumn, Select, Statement } from '../sql/ast.js';
import type { FunctionContext } from '../func/types.js';
import { Affinity, applyAffinity, convertedType } from '../value/affinity.js';
import { toInt, truthValue } from '../value/convert.js';
import type { Catalog, ColumnInfo, TableInfo } from '../plan/catalog.js';
import { BINARY, type Collation } from '../record/compare.js';
import { Bindings, type Compiled, type Evaluator, type Scope, compileExpr, evalType, produce } from './expr.js';

/** What a running program reports after a write. */
export interface Effects {
  changes: number;
  lastInsertRowid: Int64;
}

/** A result column as better-sqlite3's `columns()` describes it. */
export interface ColumnMeta {
  name: string;
  /** The table column it reads directly, else null. */
  column: string | null;
  table: string | null;
  database: string | null;
  /** The column's declared type, else null. */
  type: string | null;
}

export interface Program {
  /** Result column names (empty for statements that return no rows). */
  readonly columns: readonly string[];
  /** What each result column is. */
  readonly meta: readonly ColumnMeta[];
  /** Whether the statement only reads. */
  readonly readonly: boolean;
  /** Values of the current row, with their storage classes. */
  readonly types: Uint8Array;
  readonly values: SqlValue[];
  open(bt: Btree, effects: Effects): void;
  step(): boolean;
  close(): void;
}

/** What compiling a statement needs. */
export interface CompileEnv {
  sql: string;
  catalog: Catalog;
  bindings: Bindings;
  functions: FunctionContext;
}

function notSupported(what: string): SqliteError {
  return new SqliteError('SQLITE_ERROR', `not supported yet: ${what}`);
}

/** Compiles a parsed statement (other than transaction control, which the connection handles). */
export function compileStatement(stmt: Statement, env: CompileEnv): Program {
  switch (stmt.kind) {
    case 'select':
      return compileSelect(stmt, env);
    case 'insert':
      return compileInsert(stmt, env);
    case 'createTable':
      return compileCreateTable(stmt, env);
    default:
      throw notSupported(`${stmt.kind} statements`);
  }
}

// ---- reading a table ----------------------------------------------------------------------------

/** A table scanned by a cursor; column evaluators read the current row through `reader`. */
class TableSource implements Scope {
  cursor: BtCursor | null = null;
  readonly reader = new RecordReader();

  constructor(
    readonly table: TableInfo,
    readonly alias: string,
  ) {}

  column(ref: ColumnRef): Compiled | undefined {
    if (ref.schema && ref.schema.name.toLowerCase() !== 'main') return undefined;
    if (ref.table && ref.table.name.toLowerCase() !== this.alias.toLowerCase()) return undefined;
    const name = ref.column.name.toLowerCase();
    const index = this.table.columns.findIndex((c) => c.name.toLowerCase() === name);
    if (index < 0) {
      const isRowid = name === 'rowid' || name === 'oid' || name === '_rowid_';
      return isRowid ? this.rowidColumn(Affinity.Integer, BINARY) : undefined;
    }
    const column = this.table.columns[index]!;
    if (index === this.table.rowidAlias) return this.rowidColumn(column.affinity, column.collation);
    return this.valueColumn(index, column.affinity, column.collation);
  }

  /** The table column `ref` names directly, if any. */
  describe(ref: ColumnRef): ColumnInfo | undefined {
    if (ref.table && ref.table.name.toLowerCase() !== this.alias.toLowerCase()) return undefined;
    const name = ref.column.name.toLowerCase();
    return this.table.columns.find((c) => c.name.toLowerCase() === name);
  }

  /** Moves the reader onto the cursor's current row. */
  load(): void {
    const payload = this.cursor!.payload();
    this.reader.init(payload, 0, payload.length);
  }

  private rowidColumn(affinity: Affinity, collation: Collation): Compiled {
    return { fn: () => produce(ValueType.Integer, this.cursor!.rowid()), affinity, collation, explicitCollation: false };
  }

  private valueColumn(i: number, affinity: Affinity, collation: Collation): Compiled {
    const reader = this.reader;
    // A REAL column may hold whole numbers stored as integers (SQLite's space saving): read them as REAL.
    const real = affinity === Affinity.Real;
    const fn = (): SqlValue => {
      const t = reader.type(i);
      if (real && t === ValueType.Integer) return produce(ValueType.Real, reader.getReal(i));
      return produce(t, reader.getValue(i));
    };
    return { fn, affinity, collation, explicitCollation: false };
  }
}

// ---- SELECT -------------------------------------------------------------------------------------

function compileSelect(select: Select, env: CompileEnv): Program {
  if (select.with || select.compounds.length > 0 || select.orderBy.length > 0) throw notSupported('WITH, compound SELECT and ORDER BY');
  const core = select.first;
  if (core.kind !== 'simpleSelect') throw notSupported('VALUES as a query');
  if (core.distinct || core.groupBy.length > 0 || core.having || core.windows.length > 0) {
    throw notSupported('DISTINCT, GROUP BY, HAVING and windows');
  }
  let source: TableSource | null = null;
  if (core.from) {
    if (core.from.terms.length !== 1) throw notSupported('joins');
    const ref = core.from.terms[0]!.source;
    if (ref.kind !== 'table') throw notSupported('subqueries and table functions in FROM');
    const table = env.catalog.table(ref.name.name);
    if (!table) throw new SqliteError('SQLITE_ERROR', `no such table: ${ref.name.name}`);
    if (table.withoutRowid) throw notSupported('WITHOUT ROWID tables');
    source = new TableSource(table, ref.alias?.name ?? table.name);
  }
  const cx = { scope: source, bindings: env.bindings, functions: env.functions };
  const where = core.where ? compileExpr(core.where, cx).fn : null;
  const { names, meta, evaluators } = resultColumns(core.columns, source, env, cx);
  const limit = select.limit ? compileExpr(select.limit.count, { ...cx, scope: null }).fn : null;
  const offset = select.limit?.offset ? compileExpr(select.limit.offset, { ...cx, scope: null }).fn : null;
  return new SelectProgram(names, meta, evaluators, source, where, limit, offset);
}

function resultColumns(
  columns: ResultColumn[],
  source: TableSource | null,
  env: CompileEnv,
  cx: { scope: Scope | null; bindings: Bindings; functions: FunctionContext },
): { names: string[]; meta: ColumnMeta[]; evaluators: Evaluator[] } {
  const names: string[] = [];
  const meta: ColumnMeta[] = [];
  const evaluators: Evaluator[] = [];
  const describe = (name: string, expr: Expr | null): ColumnMeta => {
    const column = expr?.kind === 'column' && source ? source.describe(expr) : null;
    return { name, column: column?.name ?? null, table: column ? source!.table.name : null, database: column ? 'main' : null, type: column ? column.declaredType || null : null };
  };
  for (const column of columns) {
    if (column.kind === 'expr') {
      const name = column.alias ? column.alias.name : columnName(column.expr, env.sql, column);
      names.push(name);
      meta.push(describe(name, column.expr));
      evaluators.push(compileExpr(column.expr, cx).fn);
      continue;
    }
    if (!source) throw new SqliteError('SQLITE_ERROR', 'no tables specified');
    if (column.kind === 'tableStar' && column.table.name.toLowerCase() !== source.alias.toLowerCase()) {
      throw new SqliteError('SQLITE_ERROR', `no such table: ${column.table.name}`);
    }
    for (const c of source.table.columns) {
      const ref: ColumnRef = { kind: 'column', schema: null, table: null, column: { kind: 'identifier', name: c.name, quote: '"', start: 0, end: 0 }, start: 0, end: 0 };
      names.push(c.name);
      meta.push(describe(c.name, ref));
      evaluators.push(source.column(ref)!.fn);
    }
  }
  return { names, meta, evaluators };
}

/** SQLite's name for an unaliased result column: a column's own name, else the expression's text. */
function columnName(expr: Expr, sql: string, span: { start: number; end: number }): string {
  if (expr.kind === 'column') return expr.column.name;
  return sql.slice(span.start, span.end);
}

class SelectProgram implements Program {
  readonly readonly = true;
  readonly types: Uint8Array;
  readonly values: SqlValue[];
  private done = false;
  private started = false;
  private remaining = -1;
  private skip = 0;

  constructor(
    readonly columns: readonly string[],
    readonly meta: readonly ColumnMeta[],
    private readonly evaluators: Evaluator[],
    private readonly source: TableSource | null,
    private readonly where: Evaluator | null,
    private readonly limit: Evaluator | null,
    private readonly offset: Evaluator | null,
  ) {
    this.types = new Uint8Array(evaluators.length);
    this.values = new Array<SqlValue>(evaluators.length).fill(null);
  }

  open(bt: Btree): void {
    this.remaining = this.limit ? limitValue(this.limit) : -1;
    this.skip = this.offset ? Math.max(0, limitValue(this.offset)) : 0;
    this.done = this.remaining === 0;
    this.started = false;
    if (this.source) this.source.cursor = bt.cursor(this.source.table.root);
  }

  step(): boolean {
    while (!this.done) {
      if (!this.advance()) {
        this.done = true;
        return false;
      }
      if (this.where && truthValue(evalTypeOf(this.where), lastWhere) !== true) continue;
      if (this.skip > 0) {
        this.skip--;
        continue;
      }
      for (let i = 0; i < this.evaluators.length; i++) {
        this.values[i] = this.evaluators[i]!();
        this.types[i] = evalType;
      }
      if (this.remaining > 0 && --this.remaining === 0) this.done = true;
      return true;
    }
    return false;
  }

  close(): void {
    this.source?.cursor?.close();
    if (this.source) this.source.cursor = null;
    this.done = true;
  }

  /** Moves to the next candidate row; false at the end. */
  private advance(): boolean {
    const source = this.source;
    if (!source) {
      if (this.started) return false;
      this.started = true;
      return true;
    }
    const cursor = source.cursor!;
    const ok = this.started ? cursor.next() : cursor.first();
    this.started = true;
    if (ok) source.load();
    return ok;
  }
}

let lastWhere: SqlValue = null;
function evalTypeOf(f: Evaluator): ValueType {
  lastWhere = f();
  return evalType;
}

/** A LIMIT or OFFSET value: an integer, as SQLite requires ("datatype mismatch" otherwise). */
function limitValue(f: Evaluator): number {
  const v = f();
  const n = applyAffinity(Affinity.Integer, evalType, v);
  if (convertedType !== ValueType.Integer) throw new SqliteError('SQLITE_MISMATCH', 'datatype mismatch');
  return Number(n);
}

// ---- INSERT -------------------------------------------------------------------------------------

function compileInsert(stmt: InsertStmt, env: CompileEnv): Program {
  if (stmt.with || stmt.upsert.length > 0 || stmt.returning || (stmt.or && stmt.or !== 'ABORT')) {
    throw notSupported('WITH, upsert, RETURNING and OR conflict clauses in INSERT');
  }
  const table = env.catalog.table(stmt.table.name);
  if (!table) throw new SqliteError('SQLITE_ERROR', `no such table: ${stmt.table.name}`);
  if (table.withoutRowid) throw notSupported('WITHOUT ROWID tables');
  const targets = stmt.columns
    ? stmt.columns.map((c) => {
        const i = table.columns.findIndex((col) => col.name.toLowerCase() === c.name.toLowerCase());
        if (i < 0) throw new SqliteError('SQLITE_ERROR', `table ${table.name} has no column named ${c.name}`);
        return i;
      })
    : table.columns.map((_, i) => i);
  const cx = { scope: null, bindings: env.bindings, functions: env.functions };
  let rows: Evaluator[][] = [[]];
  if (stmt.select) {
    const core = stmt.select.first;
    if (core.kind !== 'values' || stmt.select.compounds.length > 0 || stmt.select.orderBy.length > 0 || stmt.select.limit) {
      throw notSupported('INSERT … SELECT');
    }
    const width = core.rows[0]!.length;
    if (core.rows.some((row) => row.length !== width)) throw new SqliteError('SQLITE_ERROR', 'all VALUES must have the same number of terms');
    if (width !== targets.length) {
      throw new SqliteError(
        'SQLITE_ERROR',
        stmt.columns ? `${width} values for ${targets.length} columns` : `table ${table.name} has ${targets.length} columns but ${width} values were supplied`,
      );
    }
    rows = core.rows.map((row) => row.map((e) => compileExpr(e, cx).fn));
  }
  const defaults = table.columns.map((c) => (c.defaultValue ? compileExpr(c.defaultValue, cx).fn : null));
  return new InsertProgram(table, targets, rows, defaults);
}

class InsertProgram implements Program {
  readonly columns: readonly string[] = [];
  readonly meta: readonly ColumnMeta[] = [];
  readonly readonly = false;
  readonly types = new Uint8Array(0);
  readonly values: SqlValue[] = [];
  private readonly writer = new RecordWriter();

  constructor(
    private readonly table: TableInfo,
    private readonly targets: number[],
    private readonly rows: Evaluator[][],
    private readonly defaults: (Evaluator | null)[],
  ) {}

  open(bt: Btree, effects: Effects): void {
    const table = this.table;
    const n = table.columns.length;
    // Every row is evaluated and checked before any is written, so a failing row leaves no trace.
    const prepared: { rowid: Int64 | null; types: Uint8Array; values: SqlValue[] }[] = [];
    for (const row of this.rows) {
      const types = new Uint8Array(n);
      const values = new Array<SqlValue>(n).fill(null);
      const given = new Uint8Array(n);
      for (let k = 0; k < row.length; k++) {
        const i = this.targets[k]!;
        values[i] = row[k]!();
        types[i] = evalType;
        given[i] = 1;
      }
      for (let i = 0; i < n; i++) {
        if (!given[i] && this.defaults[i]) {
          values[i] = this.defaults[i]!();
          types[i] = evalType;
        }
        values[i] = applyAffinity(table.columns[i]!.affinity, types[i] as ValueType, values[i]!);
        types[i] = convertedType;
      }
      let rowid: Int64 | null = null;
      if (table.rowidAlias >= 0 && types[table.rowidAlias] !== ValueType.Null) {
        if (types[table.rowidAlias] !== ValueType.Integer) throw new SqliteError('SQLITE_MISMATCH', 'datatype mismatch');
        rowid = toInt(ValueType.Integer, values[table.rowidAlias]!);
      }
      for (let i = 0; i < n; i++) {
        if (i !== table.rowidAlias && table.columns[i]!.notNull && types[i] === ValueType.Null) {
          throw new SqliteError('SQLITE_CONSTRAINT', `NOT NULL constraint failed: ${table.name}.${table.columns[i]!.name}`);
        }
      }
      prepared.push({ rowid, types, values });
    }
    const cursor = bt.cursor(table.root);
    try {
      const seen = new Set<Int64>();
      for (const row of prepared) {
        if (row.rowid !== null && (seen.has(row.rowid) || cursor.seekRowid(row.rowid) === 0)) {
          const pk = table.columns[table.rowidAlias]!.name;
          throw new SqliteError('SQLITE_CONSTRAINT', `UNIQUE constraint failed: ${table.name}.${pk}`);
        }
        if (row.rowid !== null) seen.add(row.rowid);
      }
      for (const row of prepared) {
        const rowid = row.rowid ?? nextRowid(cursor);
        const w = this.writer;
        w.reset();
        for (let i = 0; i < n; i++) {
          if (i === table.rowidAlias) w.pushNull();
          else pushTyped(w, row.types[i] as ValueType, row.values[i]!);
        }
        cursor.insert(rowid, w.toBytes());
        effects.changes++;
        effects.lastInsertRowid = rowid;
      }
    } finally {
      cursor.close();
    }
  }

  step(): boolean {
    return false;
  }

  close(): void {}
}

/** The rowid SQLite picks for a row without one: one more than the largest, 1 in an empty table. */
function nextRowid(cursor: BtCursor): Int64 {
  if (!cursor.last()) return 1;
  const max = cursor.rowid();
  if (typeof max === 'number' && max < Number.MAX_SAFE_INTEGER) return max + 1;
  const next = BigInt(max) + 1n;
  // SQLite then tries random rowids; Hearth does not yet.
  if (next > 9223372036854775807n) throw new SqliteError('SQLITE_FULL', 'database or disk is full');
  return next;
}

function pushTyped(w: RecordWriter, type: ValueType, value: SqlValue): void {
  switch (type) {
    case ValueType.Null:
      return w.pushNull();
    case ValueType.Integer:
      return w.pushInt(value as Int64);
    case ValueType.Real:
      return w.pushReal(value as number);
    case ValueType.Text:
      return w.pushText(value as string);
    default:
      return w.pushBlob(value as Uint8Array);
  }
}

// ---- CREATE TABLE -------------------------------------------------------------------------------

function compileCreateTable(stmt: CreateTableStmt, env: CompileEnv): Program {
  if (stmt.temp || stmt.asSelect || stmt.withoutRowid || stmt.strict) throw notSupported('TEMP, AS SELECT, WITHOUT ROWID and STRICT tables');
  if (stmt.schema && stmt.schema.name.toLowerCase() !== 'main') throw new SqliteError('SQLITE_ERROR', `unknown database ${stmt.schema.name}`);
  const needsIndex =
    stmt.constraints.some((c) => c.kind === 'unique' || c.kind === 'primaryKey') ||
    stmt.columns.some((c) => c.constraints.some((k) => k.kind === 'unique' || (k.kind === 'primaryKey' && c.type?.text.toUpperCase() !== 'INTEGER')));
  if (needsIndex) throw notSupported('UNIQUE and non-INTEGER PRIMARY KEY constraints (they need indexes)');
  const name = stmt.name.name;
  // SQLite stores the statement from the table name on, behind a normalized "CREATE TABLE ".
  const sql = `CREATE TABLE ${env.sql.slice(stmt.name.start, stmt.end)}`;
  const exists = env.catalog.hasTable(name);
  return {
    columns: [],
    meta: [],
    readonly: false,
    types: new Uint8Array(0),
    values: [],
    open(bt: Btree): void {
      if (exists) {
        if (stmt.ifNotExists) return;
        throw new SqliteError('SQLITE_ERROR', `table ${name} already exists`);
      }
      if (name.toLowerCase().startsWith('sqlite_')) throw new SqliteError('SQLITE_ERROR', `object name reserved for internal use: ${name}`);
      createTable(bt, name, sql);
    },
    step: () => false,
    close(): void {},
  };
}
