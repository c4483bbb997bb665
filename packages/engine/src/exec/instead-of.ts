/**
 * INSERT, UPDATE and DELETE on a view, which only INSTEAD OF triggers make possible (without one, SQLite's
 * "cannot modify v because it is a view"). Nothing is written by the statement itself: each row fires
 * the view's INSTEAD OF triggers with NEW (INSERT, UPDATE) and OLD (UPDATE, DELETE) over the view's
 * columns, and the statement reports no changes, as in SQLite.
 *
 * INSERT rows are built as for a table, without affinity and with NULL for the columns not given.
 * UPDATE and DELETE first read the whole view and keep the rows WHERE accepts, then fire for each; an
 * UPDATE's NEW is OLD with the SET values, evaluated over OLD.
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError, notSupported } from '../common/errors.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { DeleteStmt, Expr, InsertStmt, UpdateStmt } from '../sql/ast.js';
import type { ColumnInfo, TableInfo, ViewInfo } from '../plan/catalog.js';
import { type Evaluator, compileExpr, evalType, truth } from './expr.js';
import { uniqueNames } from './derived-names.js';
import { type RowSource, defaultValuesSource, rowSource } from './insert.js';
import type { QueryProgram } from './nested.js';
import { type CompileEnv, type Effects, type Program, writeProgram } from './program.js';
import { RowImage, RowScope } from './rowscope.js';
import { type RowTriggers, type TriggerEvent, effectiveConflict, rowTriggers } from './trigger.js';

/** The view's query, compiled, and the view as a table of its result columns. */
interface ViewTarget {
  table: TableInfo;
  query: QueryProgram;
}

function viewTarget(view: ViewInfo, env: CompileEnv): ViewTarget {
  const nested = env.nested;
  if (!nested) throw notSupported('writing to a view here');
  const query = nested.compileQuery(view.select, { ...env, sql: view.sql, nested: { ...nested, ctes: null } }, null);
  if (view.columns && view.columns.length !== query.columns.length) {
    throw new SqliteError('SQLITE_ERROR', `expected ${view.columns.length} columns for '${view.name}' but got ${query.columns.length}`);
  }
  const names = uniqueNames(view.columns ?? query.columns);
  const columns: ColumnInfo[] = names.map((name, i) => {
    const traits = query.traits[i]!;
    return {
      name,
      declaredType: '',
      affinity: traits.affinity,
      collation: traits.collation,
      collationName: 'BINARY',
      notNull: false,
      notNullConflict: null,
      defaultValue: null,
      defaultSql: '',
      missingValue: null,
    };
  });
  const table: TableInfo = {
    name: view.name,
    ...(view.temp ? { temp: true } : {}),
    root: 0,
    columns,
    rowidAlias: -1,
    withoutRowid: false,
    strict: false,
    rowidConflict: null,
    autoincrement: false,
    checks: [],
    indexes: [],
    foreignKeys: [],
  };
  return { table, query };
}

/** SQLite's error when the view has no INSTEAD OF trigger for `event` (checked before anything else). */
function checkWritable(env: CompileEnv, view: ViewInfo, event: TriggerEvent, setColumns: string[] | null = null): void {
  const fires = env.catalog.triggersOn(view).some((t) => t.event === event && (!t.columns || !setColumns || setColumns.some((c) => t.columns!.includes(c))));
  if (!fires) throw new SqliteError('SQLITE_ERROR', `cannot modify ${view.name} because it is a view`);
}

/** The view's INSTEAD OF triggers for `event`, compiled after the statement's own parts. */
function insteadOf(env: CompileEnv, table: TableInfo, event: TriggerEvent, or: InsertStmt['or'], setColumns: string[] | null = null): RowTriggers {
  return rowTriggers(env, table, event, or, setColumns)!;
}

function column(table: TableInfo, name: string, missing: string): number {
  const lower = name.toLowerCase();
  const i = table.columns.findIndex((c) => c.name.toLowerCase() === lower);
  if (i < 0) throw new SqliteError('SQLITE_ERROR', missing);
  return i;
}

export function compileViewInsert(stmt: InsertStmt, view: ViewInfo, env: CompileEnv): Program {
  if (stmt.returning) throw notSupported('RETURNING on a view');
  checkWritable(env, view, 'INSERT');
  const { table } = viewTarget(view, env);
  const targets = stmt.columns ? stmt.columns.map((c) => column(table, c.name, `table ${view.name} has no column named ${c.name}`)) : stmt.select ? table.columns.map((_, i) => i) : [];
  const source: RowSource = stmt.select ? rowSource(stmt.select, table, targets, stmt.columns !== null, env, true) : defaultValuesSource();
  const triggers = insteadOf(env, table, 'INSERT', effectiveConflict(env, stmt.or));
  const row = new RowImage(table.columns.length);
  return writeProgram((bt, effects) => {
    source.open(bt);
    try {
      while (source.next()) {
        row.types.fill(ValueType.Null);
        row.values.fill(null);
        for (let k = 0; k < targets.length; k++) {
          row.types[targets[k]!] = source.types[k]!;
          row.values[targets[k]!] = source.values[k]!;
        }
        triggers.fireInsteadOf(null, row, bt, effects);
      }
    } finally {
      source.close();
    }
  });
}

/** The view's rows that `where` accepts, read in full before any trigger fires. */
function matchingRows(target: ViewTarget, alias: string, where: Expr | null, env: CompileEnv): (bt: Btree) => RowImage[] {
  const { table, query } = target;
  const scope = new RowScope(table, alias);
  const test: Evaluator | null = where ? compileExpr(where, { scope, bindings: env.bindings, functions: env.functions, env }).fn : null;
  const width = table.columns.length;
  return (bt) => {
    const rows: RowImage[] = [];
    query.open(bt, { changes: 0, lastInsertRowid: 0 });
    try {
      while (query.step()) {
        const image = new RowImage(width);
        image.types.set(query.types);
        for (let i = 0; i < width; i++) image.values[i] = query.values[i]!;
        scope.row = image;
        if (!test || truth(test) === true) rows.push(image);
      }
    } finally {
      query.close();
    }
    return rows;
  };
}

export function compileViewUpdate(stmt: UpdateStmt, view: ViewInfo, env: CompileEnv): Program {
  if (stmt.returning || stmt.from || stmt.orderBy.length > 0 || stmt.limit) throw notSupported('RETURNING, FROM, ORDER BY and LIMIT in UPDATE of a view');
  const setNames = stmt.set.flatMap((a) => a.columns.map((c) => c.name.toLowerCase()));
  checkWritable(env, view, 'UPDATE', setNames);
  const target = viewTarget(view, env);
  const { table } = target;
  const alias = stmt.table.alias?.name ?? view.name;
  const scope = new RowScope(table, alias);
  const cx = { scope, bindings: env.bindings, functions: env.functions, env };
  const targets: number[] = [];
  const values: Evaluator[] = [];
  for (const assignment of stmt.set) {
    if (assignment.columns.length !== 1) throw notSupported('row values in SET');
    targets.push(column(table, assignment.columns[0]!.name, `no such column: ${assignment.columns[0]!.name}`));
    values.push(compileExpr(assignment.value, cx).fn);
  }
  const rowsOf = matchingRows(target, alias, stmt.where, env);
  const triggers = insteadOf(env, table, 'UPDATE', effectiveConflict(env, stmt.or), setNames);
  const row = new RowImage(table.columns.length);
  const types = new Uint8Array(targets.length);
  const results = new Array<SqlValue>(targets.length).fill(null);
  return writeProgram((bt: Btree, effects: Effects) => {
    for (const old of rowsOf(bt)) {
      scope.row = old;
      for (let k = 0; k < targets.length; k++) {
        results[k] = values[k]!();
        types[k] = evalType;
      }
      row.copyFrom(old);
      for (let k = 0; k < targets.length; k++) {
        row.types[targets[k]!] = types[k]!;
        row.values[targets[k]!] = results[k]!;
      }
      triggers.fireInsteadOf(old, row, bt, effects);
    }
  });
}

export function compileViewDelete(stmt: DeleteStmt, view: ViewInfo, env: CompileEnv): Program {
  if (stmt.returning || stmt.orderBy.length > 0 || stmt.limit) throw notSupported('RETURNING, ORDER BY and LIMIT in DELETE from a view');
  checkWritable(env, view, 'DELETE');
  const target = viewTarget(view, env);
  const rowsOf = matchingRows(target, stmt.table.alias?.name ?? view.name, stmt.where, env);
  const triggers = insteadOf(env, target.table, 'DELETE', effectiveConflict(env, null));
  return writeProgram((bt: Btree, effects: Effects) => {
    for (const old of rowsOf(bt)) triggers.fireInsteadOf(old, null, bt, effects);
  });
}
