/**
 * The rows an UPDATE or DELETE changes: the table is scanned with SELECT's machinery (`TableSource`,
 * `FromScope`), WHERE is evaluated on each row, and the rowids that pass are collected before any is
 * changed, so the statement's own writes never disturb its scan.
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError, notSupported } from '../common/errors.js';
import type { Int64 } from '../record/int64.js';
import type { Expr, TableRef } from '../sql/ast.js';
import type { TableInfo, ViewInfo } from '../plan/catalog.js';
import { type CompileContext, type Evaluator, compileExpr, truth } from './expr.js';
import { explaining, notePlan, planMark, unclaimedSince } from './explain.js';
import { compileTerm, planTable } from './plan-table.js';
import { planJoin } from './where.js';
import { FullScan } from './access.js';
import { IndexScan } from './index-scan.js';
import type { CompileEnv } from './program.js';
import { FromScope, indexHintOf } from './from.js';
import { TableSource } from './source.js';
import { isKnownSchema } from './schemas.js';

/** A compiled `table WHERE …` scan. */
export class RowidScan {
  private readonly source: TableSource;
  private readonly where: Evaluator | null;

  constructor(table: TableInfo, ref: TableRef, alias: string, where: Expr | null, env: CompileEnv) {
    const source = new TableSource(table, alias, indexHintOf(ref));
    this.source = source;
    const scope = new FromScope([source]);
    const cx: CompileContext = { scope, bindings: env.bindings, functions: env.functions, env };
    const planStart = planMark();
    this.where = where ? compileExpr(where, cx).fn : null;
    // The access path comes from WHERE's AND terms, as for a query; WHERE itself is still checked on each row.
    const terms = where ? conjuncts(where).map((expr) => compileTerm(expr, cx, scope)) : [];
    const role = { seekable: true, fixed: false, left: false, onTerms: [], simpleCount: false };
    const access = planJoin([planTable(0, source, role, scope, [], terms)], terms)[0]!.access;
    // Walking a whole index only to find every rowid gains nothing over the table itself.
    source.access = access instanceof IndexScan && access.fullWalk ? new FullScan(`SCAN ${alias}`) : access;
    source.settle();
    if (explaining()) notePlan(this, [{ detail: () => source.access.plan, children: [] }, ...unclaimedSince(planStart)]);
  }

  /** The rowids of the rows WHERE accepts, in rowid order (as SQLite's two-pass UPDATE and DELETE visit them). */
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
    if (!(source.access instanceof FullScan)) rowids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return rowids;
  }
}

/** The view an UPDATE or DELETE names (instead-of.ts writes it), or undefined when it names none. */
export function viewTarget(ref: TableRef, env: CompileEnv): ViewInfo | undefined {
  if (ref.schema && !isKnownSchema(ref.schema.name)) return undefined;
  const schema = ref.schema?.name;
  return env.catalog.table(ref.name.name, schema) ? undefined : env.catalog.view(ref.name.name, schema);
}

/** The table an UPDATE or DELETE names, which must be a rowid table of the main schema. */
export function targetTable(ref: TableRef, env: CompileEnv): TableInfo {
  if (ref.schema && !isKnownSchema(ref.schema.name)) throw new SqliteError('SQLITE_ERROR', `no such table: ${ref.schema.name}.${ref.name.name}`);
  const table = env.catalog.table(ref.name.name, ref.schema?.name);
  if (!table && env.catalog.view(ref.name.name)) throw new SqliteError('SQLITE_ERROR', `cannot modify ${ref.name.name} because it is a view`);
  if (!table) throw new SqliteError('SQLITE_ERROR', `no such table: ${ref.schema ? `${ref.schema.name}.` : env.trigger ? 'main.' : ''}${ref.name.name}`);
  if (table.withoutRowid) throw notSupported('WITHOUT ROWID tables');
  return table;
}

/** The terms of an AND chain. */
function conjuncts(expr: Expr): Expr[] {
  if (expr.kind === 'binary' && expr.op === 'AND') return [...conjuncts(expr.left), ...conjuncts(expr.right)];
  return [expr];
}
