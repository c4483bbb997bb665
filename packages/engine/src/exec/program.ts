/**
 * Compiled statements. A `Program` is made once per prepared statement (and again when the schema
 * changes) and run any number of times: `open` starts an execution with the statement's bindings,
 * `step` produces the next result row into `types`/`values`, `close` ends it. Writing statements do
 * their work in `open` and produce no rows.
 *
 * Queries are in query.ts and select.ts, views in view.ts; this module has INSERT … VALUES and DEFAULT VALUES into rowid tables and
 * CREATE TABLE; other statements are reported as not supported yet. Transactions are the caller's (`api/database.ts`): programs run inside one.
 */
import type { Btree } from '../btree/btree.js';
import type { BtCursor } from '../btree/cursor.js';
import { SqliteError } from '../common/errors.js';
import type { Int64 } from '../record/int64.js';
import { RecordWriter } from '../record/record.js';
import { type SqlValue, ValueType } from '../record/value.js';
import { createTable } from '../schema/schema.js';
import type { CreateTableStmt, InsertStmt, Statement } from '../sql/ast.js';
import type { FunctionContext } from '../func/types.js';
import { applyAffinity, convertedType } from '../value/affinity.js';
import { toInt } from '../value/convert.js';
import type { Catalog, TableInfo } from '../plan/catalog.js';
import { Bindings, type Evaluator, compileExpr, evalType } from './expr.js';
import type { NestedQueries } from './nested.js';
import { compileTopQuery } from './query.js';
import { compileCreateView, compileDropView } from './view.js';

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
  /** Subqueries, CTEs and views: set by `compileStatement` for the statements that can hold them. */
  nested?: NestedQueries;
}

function notSupported(what: string): SqliteError {
  return new SqliteError('SQLITE_ERROR', `not supported yet: ${what}`);
}

/** Compiles a parsed statement (other than transaction control, which the connection handles). */
export function compileStatement(stmt: Statement, env: CompileEnv): Program {
  switch (stmt.kind) {
    case 'select':
      return compileTopQuery(stmt, env);
    case 'insert':
      return compileInsert(stmt, env);
    case 'createTable':
      return compileCreateTable(stmt, env);
    case 'createView':
      return compileCreateView(stmt, env);
    case 'drop':
      if (stmt.object === 'VIEW') return compileDropView(stmt, env);
      throw notSupported(`DROP ${stmt.object}`);
    default:
      throw notSupported(`${stmt.kind} statements`);
  }
}

// ---- INSERT -------------------------------------------------------------------------------------

function compileInsert(stmt: InsertStmt, env: CompileEnv): Program {
  if (stmt.with || stmt.upsert.length > 0 || stmt.returning || (stmt.or && stmt.or !== 'ABORT')) {
    throw notSupported('WITH, upsert, RETURNING and OR conflict clauses in INSERT');
  }
  const table = env.catalog.table(stmt.table.name);
  if (!table && env.catalog.view(stmt.table.name)) throw new SqliteError('SQLITE_ERROR', `cannot modify ${stmt.table.name} because it is a view`);
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
          else w.pushTyped(row.types[i] as ValueType, row.values[i]!);
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
      // A name taken by another object is reported by createTable, worded by that object's type.
      if (exists && stmt.ifNotExists) return;
      if (name.toLowerCase().startsWith('sqlite_')) throw new SqliteError('SQLITE_ERROR', `object name reserved for internal use: ${name}`);
      createTable(bt, name, sql);
    },
    step: () => false,
    close(): void {},
  };
}
