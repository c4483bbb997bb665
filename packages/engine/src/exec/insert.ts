/**
 * INSERT into a rowid table: `VALUES` rows, `DEFAULT VALUES`, or the rows of a SELECT, with
 * `INSERT OR <resolution>` and `REPLACE INTO`. Each source row becomes a row image (given columns,
 * DEFAULT for the rest, every value with its column's affinity), gets its rowid (the INTEGER PRIMARY
 * KEY or `rowid` value given, else one past the largest), and is written through `TableWriter`, which
 * enforces the constraints and keeps the indexes. Rows are written one by one as they come.
 *
 * A SELECT that reads the target table is run to its end before the first row is written, so the
 * statement never sees its own rows; so are the rows of a VALUES list with a subquery (assumed to
 * read the target table too).
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError, notSupported } from '../common/errors.js';
import type { Int64 } from '../record/int64.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { ConflictResolution, Expr, InsertStmt, Select } from '../sql/ast.js';
import { someExpr } from '../sql/walk.js';
import type { TableInfo } from '../plan/catalog.js';
import { Affinity, applyAffinity, convertedType } from '../value/affinity.js';
import { type Evaluator, compileExpr, evalType } from './expr.js';
import { type CompileEnv, type Effects, type Program, writeProgram } from './program.js';
import { Autoincrement, SEQUENCE_TABLE } from './autoincrement.js';
import { Returning } from './returning.js';
import { ROWID_TARGET, RowImage, columnTarget } from './rowscope.js';
import { TableWriter } from './rowwrite.js';

/** Rows to insert, each `width` values wide, delivered one at a time into `types`/`values`. */
interface RowSource {
  open(bt: Btree): void;
  next(): boolean;
  close(): void;
  readonly types: Uint8Array;
  readonly values: SqlValue[];
}

export function compileInsert(stmt: InsertStmt, env: CompileEnv): Program {
  if (stmt.with || stmt.upsert.length > 0) throw notSupported('WITH and upsert in INSERT');
  if (stmt.schema && stmt.schema.name.toLowerCase() !== 'main') throw new SqliteError('SQLITE_ERROR', `no such table: ${stmt.schema.name}.${stmt.table.name}`);
  const table = env.catalog.table(stmt.table.name);
  if (!table && env.catalog.view(stmt.table.name)) throw new SqliteError('SQLITE_ERROR', `cannot modify ${stmt.table.name} because it is a view`);
  if (!table) throw new SqliteError('SQLITE_ERROR', `no such table: ${stmt.table.name}`);
  if (table.withoutRowid) throw notSupported('WITHOUT ROWID tables');
  // DEFAULT VALUES gives no column: every one takes its default.
  const targets = stmt.columns ? stmt.columns.map((c) => targetOf(table, c.name)) : stmt.select ? table.columns.map((_, i) => i) : [];
  const source = stmt.select ? rowSource(stmt.select, table, targets, stmt.columns !== null, env) : defaultValuesSource();
  const writer = new TableWriter(table, { bindings: env.bindings, functions: env.functions });
  const sequence = table.autoincrement ? env.catalog.table(SEQUENCE_TABLE) : undefined;
  const autoincrement = sequence ? new Autoincrement(table, sequence) : null;
  const returning = stmt.returning ? new Returning(stmt.returning, table, stmt.alias?.name ?? table.name, env) : null;
  const run = (bt: Btree, effects: Effects): void => {
    autoincrement?.begin(bt);
    insertRows(bt, effects, table, targets, source, writer, autoincrement, returning, stmt.or);
    autoincrement?.end(bt);
  };
  return returning ? returning.program(run) : writeProgram(run);
}

/** The table column `name` names, or the rowid. */
function targetOf(table: TableInfo, name: string): number {
  const target = columnTarget(table, name);
  if (target === undefined) throw new SqliteError('SQLITE_ERROR', `table ${table.name} has no column named ${name}`);
  return target;
}

function checkWidth(width: number, table: TableInfo, targets: number[], listed: boolean): void {
  if (width === targets.length) return;
  throw new SqliteError(
    'SQLITE_ERROR',
    listed ? `${width} values for ${targets.length} columns` : `table ${table.name} has ${targets.length} columns but ${width} values were supplied`,
  );
}

function rowSource(select: Select, table: TableInfo, targets: number[], listed: boolean, env: CompileEnv): RowSource {
  const core = select.first;
  if (core.kind === 'values' && select.compounds.length === 0 && select.orderBy.length === 0 && !select.limit && !select.with) {
    const width = core.rows[0]!.length;
    if (core.rows.some((row) => row.length !== width)) throw new SqliteError('SQLITE_ERROR', 'all VALUES must have the same number of terms');
    checkWidth(width, table, targets, listed);
    const cx = { scope: null, bindings: env.bindings, functions: env.functions, env };
    const rows = core.rows.map((row, r) => row.map((e) => compileExpr(e, r > 0 ? { ...cx, laterValuesRow: true } : cx).fn));
    const materialize = core.rows.length > 1 && core.rows.some((row) => row.some(hasSubquery));
    return valuesSource(rows, width, materialize);
  }
  const program = env.nested!.compileQuery(select, env, null);
  checkWidth(program.columns.length, table, targets, listed);
  return selectSource(program, readsTable(select, table.name));
}

/** Whether `expr` holds a subquery (of any kind). */
function hasSubquery(expr: Expr): boolean {
  return someExpr(expr, (e) => e.kind === 'subquery' || e.kind === 'exists' || (e.kind === 'in' && e.values.kind !== 'list'));
}

/**
 * The rows of a VALUES list, evaluated one at a time; with `materialize`, all of them are evaluated
 * before the first is delivered.
 */
function valuesSource(rows: Evaluator[][], width: number, materialize: boolean): RowSource {
  const types = new Uint8Array(width);
  const values = new Array<SqlValue>(width).fill(null);
  let next = 0;
  let evaluated: { types: Uint8Array; values: SqlValue[] }[] | null = null;
  const evaluate = (row: Evaluator[], intoTypes: Uint8Array, intoValues: SqlValue[]): void => {
    for (let k = 0; k < width; k++) {
      intoValues[k] = row[k]!();
      intoTypes[k] = evalType;
    }
  };
  return {
    types,
    values,
    open(): void {
      next = 0;
      evaluated = null;
      if (!materialize) return;
      evaluated = rows.map((row) => {
        const copy = { types: new Uint8Array(width), values: new Array<SqlValue>(width) };
        evaluate(row, copy.types, copy.values);
        return copy;
      });
    },
    next(): boolean {
      if (next >= rows.length) return false;
      const at = next++;
      if (!evaluated) {
        evaluate(rows[at]!, types, values);
        return true;
      }
      types.set(evaluated[at]!.types);
      for (let k = 0; k < width; k++) values[k] = evaluated[at]!.values[k]!;
      return true;
    },
    close(): void {
      evaluated = null;
    },
  };
}

/** `DEFAULT VALUES`: one row of no values. */
function defaultValuesSource(): RowSource {
  let done = false;
  return {
    types: new Uint8Array(0),
    values: [],
    open(): void {
      done = false;
    },
    next(): boolean {
      if (done) return false;
      done = true;
      return true;
    },
    close(): void {},
  };
}

/** The rows of a SELECT; with `materialize`, all of them are read before the first is delivered. */
function selectSource(program: Program, materialize: boolean): RowSource {
  const width = program.columns.length;
  const types = new Uint8Array(width);
  const values = new Array<SqlValue>(width).fill(null);
  let rows: { types: Uint8Array; values: SqlValue[] }[] | null = null;
  let position = 0;
  return {
    types,
    values,
    open(bt: Btree): void {
      program.open(bt, { changes: 0, lastInsertRowid: 0 });
      rows = null;
      position = 0;
      if (!materialize) return;
      rows = [];
      while (program.step()) rows.push({ types: program.types.slice(), values: program.values.slice() });
      program.close();
    },
    next(): boolean {
      const from = rows ? rows[position++] : program.step() ? program : undefined;
      if (!from) return false;
      types.set(from.types);
      for (let k = 0; k < width; k++) values[k] = from.values[k]!;
      return true;
    },
    close(): void {
      program.close();
      rows = null;
    },
  };
}

/**
 * Whether `select` may read table `name`: it names it in a FROM clause, or has a part this check does
 * not look into (which is then assumed to).
 */
function readsTable(select: Select, name: string): boolean {
  if (select.with || select.compounds.length > 0 || select.first.kind !== 'simpleSelect') return true;
  const from = select.first.from;
  if (!from) return false;
  const lower = name.toLowerCase();
  return from.terms.some((term) => term.source.kind !== 'table' || term.source.name.name.toLowerCase() === lower);
}

function insertRows(
  bt: Btree,
  effects: Effects,
  table: TableInfo,
  targets: number[],
  source: RowSource,
  writer: TableWriter,
  autoincrement: Autoincrement | null,
  returning: Returning | null,
  or: ConflictResolution | null,
): void {
  const n = table.columns.length;
  const row = new RowImage(n);
  const given = new Uint8Array(n);
  writer.open(bt);
  try {
    source.open(bt);
    while (source.next()) {
      given.fill(0);
      let rowid: Int64 | null = null;
      for (let k = 0; k < targets.length; k++) {
        const i = targets[k]!;
        if (i === ROWID_TARGET) {
          rowid = rowidValue(source.types[k] as ValueType, source.values[k]!);
          continue;
        }
        row.values[i] = applyAffinity(table.columns[i]!.affinity, source.types[k] as ValueType, source.values[k]!);
        row.types[i] = convertedType;
        given[i] = 1;
      }
      for (let i = 0; i < n; i++) if (!given[i]) writer.defaultValue(i, row);
      if (table.rowidAlias >= 0) {
        const alias = table.rowidAlias;
        if (row.types[alias] !== ValueType.Null) rowid = rowidValue(row.types[alias] as ValueType, row.values[alias]!);
      }
      row.rowid = rowid ?? (autoincrement ? autoincrement.nextRowid(writer.nextRowid()) : writer.nextRowid());
      if (table.rowidAlias >= 0) {
        row.types[table.rowidAlias] = ValueType.Integer;
        row.values[table.rowidAlias] = row.rowid;
      }
      if (writer.write(row, null, or)) {
        autoincrement?.inserted(row.rowid);
        returning?.capture(row);
        effects.changes++;
        effects.lastInsertRowid = row.rowid;
      }
    }
  } finally {
    source.close();
    writer.close();
  }
}

/** A value given for the rowid: an INTEGER once INTEGER affinity is applied, or null for NULL. */
export function rowidValue(type: ValueType, value: SqlValue): Int64 | null {
  if (type === ValueType.Null) return null;
  const v = applyAffinity(Affinity.Integer, type, value);
  if (convertedType !== ValueType.Integer) throw new SqliteError('SQLITE_MISMATCH', 'datatype mismatch');
  return v as Int64;
}
