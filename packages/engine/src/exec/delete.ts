/**
 * DELETE FROM a rowid table: the rows WHERE accepts (all without WHERE) are collected first, then each
 * is deleted with its index entries. `changes` counts the rows deleted.
 */
import { notSupported } from '../common/errors.js';
import type { DeleteStmt } from '../sql/ast.js';
import type { Btree } from '../btree/btree.js';
import { type CompileEnv, type Effects, type Program, writeProgram } from './program.js';
import { Returning } from './returning.js';
import { RowImage } from './rowscope.js';
import { TableWriter } from './rowwrite.js';
import { RowidScan, targetTable } from './scan.js';

export function compileDelete(stmt: DeleteStmt, env: CompileEnv): Program {
  if (stmt.with || stmt.orderBy.length > 0 || stmt.limit) throw notSupported('WITH, ORDER BY and LIMIT in DELETE');
  const table = targetTable(stmt.table, env);
  const alias = stmt.table.alias?.name ?? table.name;
  const scan = new RowidScan(table, alias, stmt.where, env);
  const writer = new TableWriter(table, { bindings: env.bindings, functions: env.functions });
  const returning = stmt.returning ? new Returning(stmt.returning, table, alias, env) : null;
  const run = (bt: Btree, effects: Effects): void => {
    const rowids = scan.collect(bt);
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
