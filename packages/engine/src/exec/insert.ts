/**
 * INSERT into a rowid table: `VALUES` rows, `DEFAULT VALUES`, or the rows of a SELECT, with
 * `INSERT OR <resolution>` and `REPLACE INTO`. Each source row becomes a row image (given columns,
 * DEFAULT for the rest, every value with its column's affinity), gets its rowid (the INTEGER PRIMARY
 * KEY or `rowid` value given, else one past the largest), and is written through `TableWriter`, which
 * enforces the constraints and keeps the indexes. Rows are written one by one as they come. A row
 * whose uniqueness conflict an ON CONFLICT clause takes goes to upsert.ts. A WITH clause before
 * INSERT makes its common table expressions visible to the whole statement.
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
import { plainValuesRowsEnd } from './values-rows.js';
import { type CompileEnv, type Effects, type Program, writeProgram } from './program.js';
import { Autoincrement, SEQUENCE_TABLE } from './autoincrement.js';
import { Returning } from './returning.js';
import { ROWID_TARGET, RowImage, columnTarget } from './rowscope.js';
import { withClauseEnv } from './query.js';
import { Upsert } from './upsert.js';
import { TableWriter } from './rowwrite.js';
import { type RowTriggers, effectiveConflict, replaceDeletes, rowTriggers } from './trigger.js';
import { compileViewInsert } from './instead-of.js';
import { isKnownSchema } from './schemas.js';
import { mayReplace, replaceWithForeignKeys, rowForeignKeys } from './foreign-keys.js';

/** Rows to insert, each `width` values wide, delivered one at a time into `types`/`values`. */
export interface RowSource {
  open(bt: Btree): void;
  next(): boolean;
  close(): void;
  readonly types: Uint8Array;
  readonly values: SqlValue[];
}

export function compileInsert(stmt: InsertStmt, env: CompileEnv): Program {
  if (stmt.with) env = withClauseEnv(stmt.with, env);
  if (stmt.schema && !isKnownSchema(stmt.schema.name)) throw new SqliteError('SQLITE_ERROR', `no such table: ${stmt.schema.name}.${stmt.table.name}`);
  const schema = stmt.schema?.name;
  const table = env.catalog.table(stmt.table.name, schema);
  const view = table ? undefined : env.catalog.view(stmt.table.name, schema);
  if (view) {
    if (stmt.upsert.length > 0) throw notSupported('upsert on a view');
    return compileViewInsert(stmt, view, env);
  }
  // In a trigger body SQLite names the schema the trigger resolves names in.
  if (!table) throw new SqliteError('SQLITE_ERROR', `no such table: ${schema ? `${schema}.` : env.trigger ? 'main.' : ''}${stmt.table.name}`);
  if (table.withoutRowid) throw notSupported('WITHOUT ROWID tables');
  const alias = stmt.alias?.name ?? table.name;
  // DEFAULT VALUES gives no column: every one takes its default.
  const targets = stmt.columns ? stmt.columns.map((c) => targetOf(table, c.name)) : stmt.select ? table.columns.map((_, i) => i) : [];
  // As in SQLite, a SELECT is read to its end first when triggers, which may write what it reads, fire.
  const firing = env.catalog.triggersOn(table).some((t) => t.event === 'INSERT');
  const source = stmt.select ? rowSource(stmt.select, table, targets, stmt.columns !== null, env, firing) : defaultValuesSource();
  const writer = new TableWriter(table, { bindings: env.bindings, functions: env.functions });
  const sequence = table.autoincrement ? env.catalog.table(SEQUENCE_TABLE) : undefined;
  const autoincrement = sequence ? new Autoincrement(table, sequence) : null;
  const returning = stmt.returning ? new Returning(stmt.returning, table, alias, env) : null;
  const upsert = stmt.upsert.length > 0 ? new Upsert(stmt.upsert, table, alias, env) : null;
  if (upsert) writer.setUpsert(upsert.targets());
  const or = effectiveConflict(env, stmt.or);
  const triggers = rowTriggers(env, table, 'INSERT', or);
  const replace = replaceDeletes(env, table, or);
  const victims = mayReplace(table, or) ? rowForeignKeys(env, table, 'DELETE') : null;
  writer.replaceHook = replaceWithForeignKeys(replace, victims);
  // SQLite checks no parent side of immediate constraints for one row that fires and deletes nothing.
  const keys = rowForeignKeys(env, table, 'INSERT', { singleRow: !env.trigger && !firing && !victims && isSingleRow(stmt) });
  writer.writeCheck = keys;
  const plan: InsertPlan = { table, targets, source, writer, autoincrement, returning, upsert, or, triggers, scratch: null };
  const run = (bt: Btree, effects: Effects): void => {
    replace?.start(bt, effects);
    victims?.start(bt, effects);
    keys?.start(bt, effects);
    autoincrement?.begin(bt);
    insertRows(bt, effects, plan);
    autoincrement?.end(bt);
  };
  if (returning) return returning.program(run);
  // One row, whose every check runs before its first B-tree write, and nothing written after it.
  const failsOnlyBeforeWriting =
    !env.trigger && isSingleRow(stmt) && !table.temp && !firing && !autoincrement && !upsert && !keys && !victims && !mayReplace(table, or);
  return writeProgram(run, failsOnlyBeforeWriting);
}

/** Whether the statement inserts one row: DEFAULT VALUES, or a VALUES of one row. */
function isSingleRow(stmt: InsertStmt): boolean {
  const select = stmt.select;
  if (!select) return true;
  const core = select.first;
  return core.kind === 'values' && core.rows.length === 1 && select.compounds.length === 0 && select.orderBy.length === 0 && !select.limit && !select.with;
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

export function rowSource(select: Select, table: TableInfo, targets: number[], listed: boolean, env: CompileEnv, materialize = false): RowSource {
  const core = select.first;
  if (core.kind === 'values' && select.compounds.length === 0 && select.orderBy.length === 0 && !select.limit && !select.with) {
    const width = core.rows[0]!.length;
    if (core.rows.some((row) => row.length !== width)) throw new SqliteError('SQLITE_ERROR', 'all VALUES must have the same number of terms');
    checkWidth(width, table, targets, listed);
    const cx = { scope: null, bindings: env.bindings, functions: env.functions, env };
    const plainEnd = plainValuesRowsEnd(core.rows);
    const rows = core.rows.map((row, r) => row.map((e) => compileExpr(e, r > 0 && r < plainEnd ? { ...cx, laterValuesRow: true } : cx).fn));
    const materialize = core.rows.length > 1 && core.rows.some((row) => row.some(hasSubquery));
    return valuesSource(rows, width, materialize);
  }
  const program = env.nested!.compileQuery(select, env, null);
  checkWidth(program.columns.length, table, targets, listed);
  return selectSource(program, materialize || readsTable(select, table.name));
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
export function defaultValuesSource(): RowSource {
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

/** What `insertRows` works with. */
interface InsertPlan {
  table: TableInfo;
  targets: number[];
  source: RowSource;
  writer: TableWriter;
  autoincrement: Autoincrement | null;
  returning: Returning | null;
  upsert: Upsert | null;
  or: ConflictResolution | null;
  triggers: RowTriggers | null;
  /** The row image and given-column flags an execution fills, kept between executions; null while in use. */
  scratch: InsertScratch | null;
}

/** What one execution of an INSERT fills row by row. */
interface InsertScratch {
  row: RowImage;
  /** Per column: 1 when the statement gives its value. */
  given: Uint8Array;
}

function insertRows(bt: Btree, effects: Effects, plan: InsertPlan): void {
  const { table, targets, source, writer, autoincrement, returning, upsert, or, triggers } = plan;
  const n = table.columns.length;
  // A trigger may run this INSERT again while it runs: the nested execution gets scratch of its own.
  const scratch = plan.scratch ?? { row: new RowImage(n), given: new Uint8Array(n) };
  plan.scratch = null;
  const { row, given } = scratch;
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
      // BEFORE triggers see a rowid still to be chosen as -1: it is chosen after they ran.
      if (triggers && triggers.before.length > 0) {
        setRowid(table, row, rowid ?? -1);
        if (!triggers.fireBefore(null, row, bt, effects)) continue;
      }
      setRowid(table, row, rowid ?? (autoincrement ? autoincrement.nextRowid(writer.nextRowid()) : writer.nextRowid()));
      // SQLite's sequence counts every rowid a row was given, though IGNORE or an upsert drops the row.
      autoincrement?.inserted(row.rowid);
      if (writer.write(row, null, or)) {
        returning?.capture(row);
        effects.changes++;
        effects.lastInsertRowid = row.rowid;
        if (triggers && triggers.after.length > 0) triggers.fireAfter(null, row, bt, effects);
      } else if (upsert && writer.upsertClause >= 0) {
        upsert.resolve(writer, row, bt, effects, returning);
      }
    }
  } finally {
    source.close();
    writer.close();
    plan.scratch = scratch;
  }
}

/** Sets the row's rowid, and its INTEGER PRIMARY KEY column with it. */
function setRowid(table: TableInfo, row: RowImage, rowid: Int64): void {
  row.rowid = rowid;
  if (table.rowidAlias >= 0) {
    row.types[table.rowidAlias] = ValueType.Integer;
    row.values[table.rowidAlias] = rowid;
  }
}

/** A value given for the rowid: an INTEGER once INTEGER affinity is applied, or null for NULL. */
export function rowidValue(type: ValueType, value: SqlValue): Int64 | null {
  if (type === ValueType.Null) return null;
  const v = applyAffinity(Affinity.Integer, type, value);
  if (convertedType !== ValueType.Integer) throw new SqliteError('SQLITE_MISMATCH', 'datatype mismatch');
  return v as Int64;
}
