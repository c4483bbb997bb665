/**
 * The rows an UPDATE or DELETE changes: the table is scanned with SELECT's machinery (`TableSource`,
 * `FromScope`), WHERE is evaluated on each row, and the rowids that pass are collected before any is
 * changed, so the statement's own writes never disturb its scan.
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError } from '../common/errors.js';
import type { Int64 } from '../record/int64.js';
import type { Expr, TableRef } from '../sql/ast.js';
import type { TableInfo } from '../plan/catalog.js';
import { type Evaluator, compileExpr, truth } from './expr.js';
import { type CompileEnv, notSupported } from './program.js';
import { FromScope } from './from.js';
import { TableSource } from './source.js';

/** A compiled `table WHERE …` scan. */
export class RowidScan {
  private readonly source: TableSource;
  private readonly where: Evaluator | null;

  constructor(table: TableInfo, alias: string, where: Expr | null, env: CompileEnv) {
    this.source = new TableSource(table, alias);
    const scope = new FromScope([this.source]);
    this.where = where ? compileExpr(where, { scope, bindings: env.bindings, functions: env.functions, env }).fn : null;
  }

  /** The rowids of the rows WHERE accepts, in rowid order. */
  collect(bt: Btree): Int64[] {
    const rowids: Int64[] = [];
    const source = this.source;
    source.open(bt);
    try {
      for (let ok = source.first(); ok; ok = source.next()) {
        if (!this.where || truth(this.where) === true) rowids.push(source.rowid());
      }
    } finally {
      source.close();
    }
    return rowids;
  }
}

/** The table an UPDATE or DELETE names, which must be a rowid table of the main schema. */
export function targetTable(ref: TableRef, env: CompileEnv): TableInfo {
  if (ref.schema && ref.schema.name.toLowerCase() !== 'main') throw new SqliteError('SQLITE_ERROR', `no such table: ${ref.schema.name}.${ref.name.name}`);
  const table = env.catalog.table(ref.name.name);
  if (!table && env.catalog.view(ref.name.name)) throw new SqliteError('SQLITE_ERROR', `cannot modify ${ref.name.name} because it is a view`);
  if (!table) throw new SqliteError('SQLITE_ERROR', `no such table: ${ref.name.name}`);
  if (table.withoutRowid) throw notSupported('WITHOUT ROWID tables');
  return table;
}
