/**
 * UPDATE of a rowid table: the rows WHERE accepts are collected first; then, row by row, the SET values
 * are evaluated over the row as it is at that moment (a REPLACE while updating an earlier row may have
 * deleted it: it is then skipped), given their columns' affinity, and written through `TableWriter`,
 * which checks the constraints and moves index entries. Setting the INTEGER PRIMARY KEY (or `rowid`)
 * moves the row. `changes` counts the rows updated, whether or not a value changed.
 */
import { SqliteError, notSupported } from '../common/errors.js';
import { ValueType } from '../record/value.js';
import type { UpdateStmt } from '../sql/ast.js';
import type { TableInfo } from '../plan/catalog.js';
import { applyAffinity, convertedType } from '../value/affinity.js';
import { type Evaluator, compileExpr, evalType } from './expr.js';
import { rowidValue } from './insert.js';
import type { Btree } from '../btree/btree.js';
import { type CompileEnv, type Effects, type Program, writeProgram } from './program.js';
import { Returning } from './returning.js';
import { ROWID_TARGET, RowImage, RowScope, columnTarget } from './rowscope.js';
import { TableWriter } from './rowwrite.js';
import { RowidScan, targetTable, viewTarget } from './scan.js';
import { effectiveConflict, replaceDeletes, rowTriggers } from './trigger.js';
import { compileViewUpdate } from './instead-of.js';
import { mayReplace, replaceWithForeignKeys, rowForeignKeys } from './foreign-keys.js';

export function compileUpdate(stmt: UpdateStmt, env: CompileEnv): Program {
  if (stmt.with || stmt.from || stmt.orderBy.length > 0 || stmt.limit) throw notSupported('WITH, FROM, ORDER BY and LIMIT in UPDATE');
  const view = viewTarget(stmt.table, env);
  if (view) return compileViewUpdate(stmt, view, env);
  const table = targetTable(stmt.table, env);
  const alias = stmt.table.alias?.name ?? table.name;
  const scan = new RowidScan(table, alias, stmt.where, env);
  const scope = new RowScope(table, alias);
  const cx = { scope, bindings: env.bindings, functions: env.functions, env };
  const targets: number[] = [];
  const values: Evaluator[] = [];
  for (const assignment of stmt.set) {
    if (assignment.columns.length !== 1) throw notSupported('row values in SET');
    targets.push(targetOf(table, assignment.columns[0]!.name));
    values.push(compileExpr(assignment.value, cx).fn);
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
  const keys = rowForeignKeys(env, table, 'UPDATE', { targets });
  writer.writeCheck = keys;
  // With BEFORE triggers, which may change the row, the columns not set are read again after them.
  const set = new Uint8Array(table.columns.length);
  for (const i of targets) if (i >= 0) set[i] = 1;
  const run = (bt: Btree, effects: Effects): void => {
    if (replace) {
      replace.bt = bt;
      replace.effects = effects;
    }
    victims?.start(bt, effects);
    keys?.start(bt, effects);
    const rowids = scan.collect(bt);
    const old = new RowImage(table.columns.length);
    const row = new RowImage(table.columns.length);
    const current = before ? new RowImage(table.columns.length) : old;
    scope.row = old;
    writer.open(bt);
    try {
      for (const rowid of rowids) {
        if (!writer.read(rowid, old)) continue;
        row.copyFrom(old);
        for (let k = 0; k < targets.length; k++) {
          const value = values[k]!();
          const i = targets[k]!;
          if (i === ROWID_TARGET || i === table.rowidAlias) {
            const moved = rowidValue(evalType, value);
            if (moved === null) throw new SqliteError('SQLITE_MISMATCH', 'datatype mismatch');
            row.rowid = moved;
            if (i === ROWID_TARGET) continue;
          }
          row.values[i] = applyAffinity(table.columns[i]!.affinity, evalType, value);
          row.types[i] = convertedType;
        }
        if (table.rowidAlias >= 0) {
          row.types[table.rowidAlias] = ValueType.Integer;
          row.values[table.rowidAlias] = row.rowid;
        }
        if (before) {
          if (!before.fireBefore(old, row, bt, effects) || !writer.read(rowid, current)) continue;
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

/** The table column `name` names, or the rowid. */
function targetOf(table: TableInfo, name: string): number {
  const target = columnTarget(table, name);
  if (target === undefined) throw new SqliteError('SQLITE_ERROR', `no such column: ${name}`);
  return target;
}
