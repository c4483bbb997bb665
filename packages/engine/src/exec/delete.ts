/**
 * DELETE FROM a rowid table: the rows WHERE accepts (all without WHERE) are collected first — with
 * ORDER BY and LIMIT, by the query `JoinedRows` runs, in its order — then each is deleted with its
 * index entries. `changes` counts the rows deleted. A WITH clause before DELETE makes its common table
 * expressions visible to the whole statement.
 */
import { SqliteError } from '../common/errors.js';
import type { DeleteStmt } from '../sql/ast.js';
import type { Btree } from '../btree/btree.js';
import { JoinedRows } from './joined-rows.js';
import { type CompileEnv, type Effects, type Program, writeProgram } from './program.js';
import { withClauseEnv } from './query.js';
import { Returning } from './returning.js';
import { RowImage } from './rowscope.js';
import { TableWriter } from './rowwrite.js';
import { RowidScan, targetTable } from './scan.js';

export function compileDelete(stmt: DeleteStmt, env: CompileEnv): Program {
  if (stmt.with) env = withClauseEnv(stmt.with, env);
  const table = targetTable(stmt.table, env);
  const alias = stmt.table.alias?.name ?? table.name;
  if (stmt.orderBy.length > 0 && !stmt.limit) throw new SqliteError('SQLITE_ERROR', 'ORDER BY without LIMIT on DELETE');
  const rows =
    stmt.orderBy.length > 0 || stmt.limit ? new JoinedRows(table, stmt.table, alias, null, stmt.where, stmt.orderBy, stmt.limit, [], env) : new RowidScan(table, alias, stmt.where, env);
  const writer = new TableWriter(table, { bindings: env.bindings, functions: env.functions });
  const returning = stmt.returning ? new Returning(stmt.returning, table, alias, env) : null;
  const run = (bt: Btree, effects: Effects): void => {
    const rowids = rows.collect(bt);
    const row = new RowImage(table.columns.length);
    writer.open(bt);
    try {
      for (const rowid of rowids) {
        if (!writer.read(rowid, row)) continue;
        returning?.capture(row);
        writer.delete(row);
        effects.changes++;
      }
    } finally {
      writer.close();
    }
  };
  return returning ? returning.program(run) : writeProgram(run);
}
