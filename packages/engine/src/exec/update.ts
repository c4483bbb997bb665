/**
 * UPDATE of a rowid table: the rows to change are collected first (those WHERE accepts, by a scan of
 * the table; or, with FROM, ORDER BY or LIMIT, by the query `JoinedRows` runs); then, row by row, the
 * SET values are evaluated over the row as it is at that moment (a REPLACE while updating an earlier
 * row may have deleted it: it is then skipped) and written through `TableWriter`, which checks the
 * constraints and moves index entries. With FROM, SET's values are computed in the join instead.
 * `changes` counts the rows updated, whether or not a value changed. A WITH clause before UPDATE makes
 * its common table expressions visible to the whole statement.
 */
import { SqliteError, notSupported } from '../common/errors.js';
import type { Int64 } from '../record/int64.js';
import type { UpdateStmt } from '../sql/ast.js';
import type { Btree } from '../btree/btree.js';
import { Assignments, assignedExprs } from './assign.js';
import { JoinedRows } from './joined-rows.js';
import { type CompileEnv, type Effects, type Program, writeProgram } from './program.js';
import { withClauseEnv } from './query.js';
import { Returning } from './returning.js';
import { RowImage, RowScope } from './rowscope.js';
import { TableWriter } from './rowwrite.js';
import { RowidScan, targetTable, viewTarget } from './scan.js';
import { effectiveConflict, replaceDeletes, rowTriggers } from './trigger.js';
import { compileViewUpdate } from './instead-of.js';
import { mayReplace, replaceWithForeignKeys, rowForeignKeys } from './foreign-keys.js';

export function compileUpdate(stmt: UpdateStmt, env: CompileEnv): Program {
  if (stmt.with) env = withClauseEnv(stmt.with, env);
  const view = viewTarget(stmt.table, env);
  if (view) {
    if (stmt.from || stmt.orderBy.length > 0 || stmt.limit) throw notSupported('FROM, ORDER BY and LIMIT in UPDATE of a view');
    return compileViewUpdate(stmt, view, env);
  }
  const table = targetTable(stmt.table, env);
  const alias = stmt.table.alias?.name ?? table.name;
  if (stmt.orderBy.length > 0 && !stmt.limit) throw new SqliteError('SQLITE_ERROR', 'ORDER BY without LIMIT on UPDATE');
  const scope = new RowScope(table, alias);
  const cx = { scope, bindings: env.bindings, functions: env.functions, env };
  let rows: { collect(bt: Btree): Int64[] };
  let assignments: Assignments;
  let joined: JoinedRows | null = null;
  if (stmt.from) {
    const exprs = assignedExprs(stmt.set);
    if (!exprs) throw notSupported('row-value subqueries in SET of UPDATE ... FROM');
    joined = new JoinedRows(table, stmt.table, alias, stmt.from, stmt.where, stmt.orderBy, stmt.limit, exprs, env);
    let next = 0;
    const values = joined;
    assignments = new Assignments(stmt.set, table, cx, () => values.valueAt(next++));
    rows = joined;
  } else {
    assignments = new Assignments(stmt.set, table, cx);
    rows = stmt.orderBy.length > 0 || stmt.limit ? new JoinedRows(table, stmt.table, alias, null, stmt.where, stmt.orderBy, stmt.limit, [], env) : new RowidScan(table, stmt.table, alias, stmt.where, env);
  }
  const writer = new TableWriter(table, { bindings: env.bindings, functions: env.functions });
  const returning = stmt.returning ? new Returning(stmt.returning, table, alias, env) : null;
  const or = effectiveConflict(env, stmt.or);
  const triggers = rowTriggers(env, table, 'UPDATE', or, stmt.set.flatMap((a) => a.columns.map((c) => c.name.toLowerCase())));
  const before = triggers && triggers.before.length > 0 ? triggers : null;
  const after = triggers && triggers.after.length > 0 ? triggers : null;
  const replace = replaceDeletes(env, table, or);
  const victims = mayReplace(table, or) ? rowForeignKeys(env, table, 'DELETE') : null;
  writer.replaceHook = replaceWithForeignKeys(replace, victims);
  const keys = rowForeignKeys(env, table, 'UPDATE', { targets: assignments.targets });
  writer.writeCheck = keys;
  // With BEFORE triggers, which may change the row, the columns not set are read again after them.
  const set = new Uint8Array(table.columns.length);
  for (const i of assignments.targets) if (i >= 0) set[i] = 1;
  if (!before) writer.unchangedIndexes = unchangedIndexes(writer, assignments.targets, set);
  // Unless triggers, RETURNING, foreign keys or a STRICT table's checks look at the whole row, only
  // the columns SET (subqueries included) and the row's checks and index keys read are decoded; the
  // others are copied from the old record as they are.
  const whole = before || after || returning || keys || victims || table.strict;
  const wanted = whole ? null : writer.columnsRead();
  if (wanted) for (let i = 0; i < wanted.length; i++) wanted[i] |= scope.referenced[i]!;
  const run = (bt: Btree, effects: Effects): void => {
    replace?.start(bt, effects);
    victims?.start(bt, effects);
    keys?.start(bt, effects);
    const rowids = rows.collect(bt);
    const old = new RowImage(table.columns.length);
    const row = new RowImage(table.columns.length);
    const current = before ? new RowImage(table.columns.length) : old;
    scope.row = old;
    writer.open(bt);
    try {
      for (let n = 0; n < rowids.length; n++) {
        if (!writer.read(rowids[n]!, old, wanted)) continue;
        row.copyFrom(old);
        joined?.select(n);
        assignments.apply(row);
        if (before) {
          if (!before.fireBefore(old, row, bt, effects) || !writer.read(rowids[n]!, current)) continue;
          for (let i = 0; i < set.length; i++) {
            if (set[i] || i === table.rowidAlias) continue;
            row.types[i] = current.types[i]!;
            row.values[i] = current.values[i]!;
          }
        }
        if (writer.write(row, current, or)) {
          effects.changes++;
          keys?.act(old, row);
          returning?.capture(row);
          after?.fireAfter(old, row, bt, effects);
        }
      }
    } finally {
      writer.close();
    }
  };
  return returning ? returning.program(run) : writeProgram(run);
}

/**
 * Per index of `writer`, 1 when the UPDATE cannot change a row's entry in it: an index of plain columns,
 * not partial, none of whose columns is assigned (`set`), while the rowid, which every entry ends with,
 * is not assigned either. Null when every index must be maintained.
 */
function unchangedIndexes(writer: TableWriter, targets: readonly number[], set: Uint8Array): Uint8Array | null {
  const alias = writer.table.rowidAlias;
  if (targets.some((i) => i < 0 || i === alias)) return null;
  const unchanged = new Uint8Array(writer.indexes.length);
  writer.indexes.forEach((index, k) => {
    const { info } = index;
    if (!info.partial && info.columns.every((c) => c.column >= 0 && set[c.column] === 0)) unchanged[k] = 1;
  });
  return unchanged;
}
