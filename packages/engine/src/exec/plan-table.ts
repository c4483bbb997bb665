/**
 * The bridge from a compiled FROM clause to the planner: WHERE and ON terms compiled with the seeks
 * they offer, and the planner's view of each source (`PlanTable`): for a stored table its columns, the
 * indexes the query may use and the columns it may read.
 */
import { SqliteError } from '../common/errors.js';
import { BINARY } from '../record/compare.js';
import type { Expr } from '../sql/ast.js';
import { Affinity } from '../value/affinity.js';
import { someExpr } from '../sql/walk.js';
import { type CompileContext, compileExpr } from './expr.js';
import type { FromScope } from './from.js';
import { discardPlansSince, planMark } from './explain.js';
import { impliesCondition, namedColumns } from './index-plan.js';
import { type RowSource, TableSource } from './source.js';
import type { LocatedColumn, PlanTable, SeekOperand, Term } from './where.js';
import { seeksOf } from './where.js';

/** Compiles one AND term of WHERE or ON with the sources it reads and the seeks it offers. */
export function compileTerm(expr: Expr, context: CompileContext, scope: FromScope): Term {
  scope.used = 0n;
  const fn = compileExpr(expr, context).fn;
  const tables = scope.used;
  const operand = (e: Expr): SeekOperand => {
    scope.used = 0n;
    const compiled = compileExpr(e, context);
    return { fn: compiled.fn, affinity: compiled.affinity, collation: compiled.collation, explicitCollation: compiled.explicitCollation, tables: scope.used };
  };
  const locate = (e: Expr): LocatedColumn | undefined => {
    const at = scope.locate(e);
    if (!at) return undefined;
    const column = at.column < 0 ? null : scope.sources[at.source]!.columns[at.column]!;
    return { source: at.source, column: at.column, affinity: column ? column.affinity : Affinity.Integer, collation: column ? column.collation : BINARY };
  };
  const mark = planMark();
  const seeks = seeksOf(expr, locate, operand);
  discardPlansSince(mark);
  return { expr, fn, tables, seeks };
}

/** How a source takes part in the join. */
export interface JoinRole {
  /** Whether its cursor may seek (a stored table that is not RIGHT-joined). */
  seekable: boolean;
  fixed: boolean;
  left: boolean;
  onTerms: Term[];
  /**
   * Whether the query is SQLite's "simple count" (`SELECT count(*) FROM t`, no WHERE), which SQLite
   * answers without planning: an INDEXED BY it could not use is then no error.
   */
  simpleCount: boolean;
}

/**
 * The planner's view of the source at FROM position `index`, once the WHERE and ON terms are compiled.
 * `rest` holds the syntax trees of the parts of the query not compiled yet (result columns, GROUP BY,
 * HAVING, ORDER BY), the same object for every source of a query: the columns they name may be read
 * too. `terms` are the WHERE terms, which may imply a partial index's condition (for the right table of
 * a LEFT JOIN, its ON terms do instead).
 */
export function planTable(index: number, source: RowSource, role: JoinRole, scope: FromScope, rest: object, terms: Term[]): PlanTable {
  const base = { index, label: source.alias, ...role };
  if (!(source instanceof TableSource)) return { ...base, rowidAlias: -1, columns: [], indexes: [], needed: null };
  const table = source.table;
  const implying = (role.left ? role.onTerms : terms).map((t) => t.expr);
  const sameColumn = (queryExpr: Expr, indexExpr: Expr): boolean => {
    if (indexExpr.kind !== 'column') return false;
    const at = scope.locate(queryExpr);
    const wanted = table.columns.findIndex((c) => c.name.toLowerCase() === indexExpr.column.name.toLowerCase());
    return at !== undefined && at.source === index && at.column === wanted;
  };
  const hint = source.indexHint;
  if (hint && !table.indexes.some((ix) => ix.name.toLowerCase() === hint.toLowerCase())) throw new SqliteError('SQLITE_ERROR', `no such index: ${hint}`);
  const allowed = (name: string): boolean => hint === undefined || (hint !== null && name.toLowerCase() === hint.toLowerCase());
  const usable = role.seekable && hint !== null ? table.indexes.filter((ix) => allowed(ix.name)) : [];
  const indexes = usable.filter((ix) => ix.root > 0 && (!ix.partial || impliesCondition(ix.partial, implying, sameColumn)));
  // As in SQLite, INDEXED BY a partial index whose condition WHERE does not imply has no plan.
  if (hint && indexes.length === 0 && usable.some((ix) => ix.partial) && !role.simpleCount) throw new SqliteError('SQLITE_ERROR', 'no query solution');
  // Which columns the query reads matters only to choose between indexes and the table: those its
  // compiled terms read, and those the rest of the query names.
  const needed = indexes.length > 0 ? namedColumns(rest, table.columns) : null;
  if (needed) for (let i = 0; i < needed.length; i++) needed[i] |= source.used[i]!;
  return { ...base, rowidAlias: table.rowidAlias, columns: table.columns, indexes, needed };
}

/** Functions whose result depends on their arguments alone. */
const PURE_FUNCTIONS = new Set(['abs', 'coalesce', 'ifnull', 'nullif', 'length', 'lower', 'upper', 'substr', 'substring', 'typeof', 'round', 'trim', 'ltrim', 'rtrim', 'instr', 'replace', 'hex', 'iif']);

/**
 * Whether a term on one table gives the same answer for a row whenever it is evaluated during one
 * execution: it names only columns of this FROM clause, and holds no subquery and no function that
 * could answer differently (random(), user functions).
 */
export function selfContained(expr: Expr, scope: FromScope): boolean {
  return !someExpr(expr, (e) => {
    switch (e.kind) {
      case 'column':
        return scope.locate(e) === undefined;
      case 'function':
        return !PURE_FUNCTIONS.has(e.name.name.toLowerCase());
      case 'exists':
      case 'subquery':
      case 'raise':
        return true;
      case 'in':
        return e.values.kind !== 'list';
      default:
        return false;
    }
  });
}
