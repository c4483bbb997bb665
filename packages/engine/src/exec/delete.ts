/**
 * DELETE FROM a rowid table: the rows WHERE accepts (all without WHERE) are collected first — with
 * ORDER BY and LIMIT, by the query `JoinedRows` runs, in its order — then each is deleted with its
 * index entries. `changes` counts the rows deleted. A WITH clause before DELETE makes its common table
 * expressions visible to the whole statement.
 */
import { SqliteError, notSupported } from '../common/errors.js';
import type { DeleteStmt } from '../sql/ast.js';
import type { Btree } from '../btree/btree.js';
import { JoinedRows } from './joined-rows.js';
import { type CompileEnv, type Effects, type Program, writeProgram } from './program.js';
import { withClauseEnv } from './query.js';
import { Returning } from './returning.js';
import { RowImage } from './rowscope.js';
import { TableWriter } from './rowwrite.js';
import { RowidScan, targetTable, viewTarget } from './scan.js';
import { effectiveConflict, rowTriggers } from './trigger.js';
import { compileViewDelete } from './instead-of.js';
import { rowForeignKeys } from './foreign-keys.js';

export function compileDelete(stmt: DeleteStmt, env: CompileEnv): Program {
  if (stmt.with) env = withClauseEnv(stmt.with, env);
  const view = viewTarget(stmt.table, env);
  if (view) {
    if (stmt.orderBy.length > 0 || stmt.limit) throw notSupported('ORDER BY and LIMIT in DELETE on a view');
    return compileViewDelete(stmt, view, env);
  }
  const table = targetTable(stmt.table, env);
  const alias = stmt.table.alias?.name ?? table.name;
  if (stmt.orderBy.length > 0 && !stmt.limit) throw new SqliteError('SQLITE_ERROR', 'ORDER BY without LIMIT on DELETE');
  const rows =
    stmt.orderBy.length > 0 || stmt.limit ? new JoinedRows(table, stmt.table, alias, null, stmt.where, stmt.orderBy, stmt.limit, [], env) : new RowidScan(table, stmt.table, alias, stmt.where, env);
  const writer = new TableWriter(table, { bindings: env.bindings, functions: env.functions });
  const returning = stmt.returning ? new Returning(stmt.returning, table, alias, env) : null;
  const triggers = rowTriggers(env, table, 'DELETE', effectiveConflict(env, null));
  const before = triggers && triggers.before.length > 0 ? triggers : null;
  const after = triggers && triggers.after.length > 0 ? triggers : null;
  const keys = rowForeignKeys(env, table, 'DELETE');
  // Without triggers, RETURNING or foreign keys, only the index keys need the row's values.
  const wanted = before || after || returning || keys ? null : writer.columnsRead();
  // Without triggers or foreign keys nothing reads the table or its indexes between two deletes: each
  // names the next row, letting the b-tree rebalance each leaf of a range once, and the index entries
  // are removed together at the end, in key order.
  const batched = !before && !after && !keys;
  const run = (bt: Btree, effects: Effects): void => {
    keys?.start(bt, effects);
    const rowids = rows.collect(bt);
    const row = new RowImage(table.columns.length);
    // With BEFORE triggers, which may change or delete the row, it is read again after them.
    const current = before ? new RowImage(table.columns.length) : row;
    writer.open(bt);
    try {
      for (let i = 0; i < rowids.length; i++) {
        const rowid = rowids[i]!;
        if (!writer.read(rowid, row, wanted)) continue;
        if (before && (!before.fireBefore(row, null, bt, effects) || !writer.read(rowid, current))) continue;
        returning?.capture(row);
        // SQLite checks and acts on the row as it was before the BEFORE triggers.
        keys?.removing(row);
        if (batched) writer.deleteDeferred(current, i + 1 < rowids.length ? rowids[i + 1]! : null);
        else writer.delete(current);
        effects.changes++;
        keys?.act(row, null);
        after?.fireAfter(row, null, bt, effects);
      }
      if (batched) writer.flushRemovals();
    } finally {
      writer.close();
    }
  };
  return returning ? returning.program(run) : writeProgram(run);
}
