/**
 * A simple SELECT: rows from the FROM clause's sources (from.ts), joined by nested loops (join.ts),
 * filtered by WHERE, projected, then — when asked — made DISTINCT, sorted by ORDER BY, and cut by
 * LIMIT/OFFSET. Compounds, VALUES and WITH are query.ts's; names this SELECT's sources lack resolve in
 * the `outer` scope of an enclosing query.
 *
 * Without ORDER BY or DISTINCT rows stream: each `step` produces the next one. With them the result is
 * materialized at `open` (sorting needs every row). Column evaluators read the current row of their
 * table straight from the page (`RecordReader` over the cursor's payload); nothing is copied until a
 * row is materialized.
 *
 * Aggregate queries (GROUP BY, HAVING) replace the joined rows by their groups (aggregate.ts). The
 * planner (where.ts) orders the joined sources and gives each stored table its access path (access.ts).
 */
import type { Btree } from '../btree/btree.js';
import { notSupported, SqliteError } from '../common/errors.js';
import type { Collation } from '../record/compare.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { ColumnRef, Expr, OrderingTerm, ResultColumn, Select, SimpleSelect } from '../sql/ast.js';
import { treeText } from '../sql/walk.js';
import { Affinity, applyAffinity, convertedType } from '../value/affinity.js';
import { type Compiled, type CompileContext, type Evaluator, type Scope, compileExpr, evalSubtype, evalType, produce, truth } from './expr.js';
import { FromScope, buildFrom, expandStar } from './from.js';
import { JoinLoop, passes } from './join.js';
import type { ColumnTraits, QueryProgram } from './nested.js';
import type { ColumnMeta, CompileEnv } from './program.js';
import { type RowSource, type SourceColumn, TableSource } from './source.js';
import { FunctionSource } from './table-function.js';
import type { FunctionContext } from '../func/types.js';
import { AggregatePlan, GroupStream, containsAggregate, aggregatesInGroupBy, misuseAtCodegen } from './aggregate.js';
import { type OrderKey, type TypedRow, compareByKeys, orderKey, rowSignature } from './rowkey.js';
import { columnNumber, termOutOfRange } from './fold.js';
import { collationByName } from '../plan/catalog.js';
import { type PlanTable, type TableSet, type Term, bit, planJoin } from './where.js';
import { compileTerm, planTable, selfContained } from './plan-table.js';
import { explaining, notePlan, planMark, selectPlan } from './explain.js';
import { type OrderTerm, deliverOrder } from './order-plan.js';
import { covers } from './index-plan.js';
import { minMaxFromEnd } from './minmax-plan.js';
import { WindowPlan, WindowStream, containsWindow, hasWindows } from './window.js';
import { splitHaving } from './having-to-where.js';
import { groupedByScan } from './group-order.js';

/** The rows before projection, restartable. */
interface RowStream {
  reset(): void;
  next(): boolean;
}

/** The joined rows that pass the WHERE terms not placed at a join level. */
class FilteredJoin implements RowStream {
  /** Set when only the first row is wanted (min() or max() read from one end of an index). */
  firstOnly = false;
  private produced = false;

  constructor(
    private readonly loop: JoinLoop,
    private readonly where: Evaluator | null,
  ) {}

  reset(): void {
    this.loop.reset();
    this.produced = false;
  }

  next(): boolean {
    if (this.firstOnly && this.produced) return false;
    while (this.loop.next()) {
      if (!this.where || truth(this.where) === true) return (this.produced = true);
    }
    return false;
  }
}

// ---- compiling ----------------------------------------------------------------------------------

/** An ORDER BY term: its evaluator, and its place (`column`) among a materialized row's sort keys. */
interface SortKey extends OrderKey {
  fn: Evaluator;
}

export function compileSelect(select: Select, env: CompileEnv, outer: Scope | null = null): QueryProgram {
  if (select.with || select.compounds.length > 0) throw notSupported('WITH and compound SELECT');
  const core = select.first;
  if (core.kind !== 'simpleSelect') throw notSupported('VALUES as a query');

  const planStart = planMark();
  // SQLite resolves LIMIT and OFFSET first: their errors come before any other clause's.
  const constant: CompileContext = { scope: null, bindings: env.bindings, functions: env.functions, env };
  const limit = select.limit ? compileExpr(select.limit.count, constant).fn : null;
  const offset = select.limit?.offset ? compileExpr(select.limit.offset, constant).fn : null;
  const sources: RowSource[] = [];
  const scope = new FromScope(sources, outer);
  const aggregated = core.groupBy.length > 0 || core.having !== null || hasAggregate(core, env.functions);
  // Aggregate calls SQLite accepts while resolving names and rejects when generating code.
  const misused: SqliteError[] = [];
  const cx: CompileContext = { scope, bindings: env.bindings, functions: env.functions, env, aggregates: null };
  if (aggregated) cx.aggregates = misuseAtCodegen(misused, cx);
  // WHERE, GROUP BY and HAVING may name a result column by its alias, when no table column has that name.
  const aliases = new Map<string, Expr>();
  for (const column of core.columns) if (column.kind === 'expr' && column.alias) aliases.set(column.alias.name.toLowerCase(), column.expr);
  const withAliases = (context: CompileContext): CompileContext => ({ ...context, scope: new AliasScope(context.scope!, aliases, context) });
  const innerOn: Expr[] = [];
  const fromOrder = core.from ? buildFrom(core.from, env, cx, scope, outer, innerOn) : [];
  const term = (expr: Expr, context: CompileContext): Term => compileTerm(expr, context, scope);
  const whereCx = withAliases(cx);
  const terms = (core.where ? conjuncts(core.where) : []).map((expr) => term(expr, whereCx));
  // ON of an inner join is a WHERE term; an outer join's ON decides which rows match (and may seek).
  for (const on of innerOn) for (const expr of conjuncts(on)) terms.push(term(expr, cx));
  // HAVING terms that read only GROUP BY terms and constants filter the rows before grouping.
  const having = core.having && core.groupBy.length > 0 ? splitHaving({ having: core.having, groupBy: core.groupBy, columns: core.columns, scope, aliases, functions: env.functions, collationOf: (t) => groupingCollation(t, withAliases({ ...cx, aggregates: null })) }) : { moved: [], kept: core.having };
  for (const expr of having.moved) terms.push(term(expr, whereCx));
  const rest = [core.columns, core.groupBy, core.having, select.orderBy];
  const simpleCount = core.where === null && core.groupBy.length === 0 && fromOrder.length === 1 && isCountStar(core.columns);
  const planTables: PlanTable[] = fromOrder.map((level, index) => {
    const role = {
      seekable: level.source instanceof TableSource && !level.right,
      // A table-valued function stays in FROM order, after the sources its arguments may read.
      fixed: level.left || level.right || level.on !== null || level.source instanceof FunctionSource,
      onTerms: level.left && level.onExpr ? conjuncts(level.onExpr).map((expr) => term(expr, cx)) : [],
      left: level.left,
      simpleCount,
    };
    return planTable(index, level.source, role, scope, rest, terms);
  });
  const levels = planJoin(planTables, terms).map(({ index, access }) => {
    const level = fromOrder[index]!;
    if (level.source instanceof TableSource) level.source.access = access;
    return level;
  });
  // Each AND term of WHERE is checked as soon as the tables it reads are positioned.
  const residual: Evaluator[] = [];
  const outerJoined = levels.some((level) => level.right);
  for (const t of terms) {
    if (levels.length === 0 || outerJoined) {
      residual.push(t.fn);
      continue;
    }
    let at = 0;
    levels.forEach((level, i) => {
      if (t.tables & bit(sources.indexOf(level.source))) at = i;
    });
    levels[at]!.filters.push(t.fn);
  }
  // An inner table's rows that pass its own WHERE terms are remembered on its first scan (a nested loop rescans it).
  levels.forEach((level, i) => {
    const source = level.source;
    if (i === 0 || outerJoined || level.left || !(source instanceof TableSource)) return;
    const own = bit(sources.indexOf(source));
    source.rememberScans(terms.filter((t) => t.tables === own && selfContained(t.expr, scope)).map((t) => t.fn));
  });
  const where = residual.length === 0 ? null : residual.length === 1 ? residual[0]! : (): SqlValue => produce(ValueType.Integer, passes(residual) ? 1 : 0);
  const join = new FilteredJoin(new JoinLoop(levels), where);

  const plan = aggregated ? new AggregatePlan(cx) : null;
  const groupOutCx = plan ? plan.outputContext() : cx;
  // Window functions run over the rows (or groups) that pass WHERE and HAVING, before DISTINCT and ORDER BY.
  const windows = hasWindows(core, select.orderBy) ? new WindowPlan(groupOutCx, core.windows) : null;
  const outCx = windows ? windows.outputContext() : groupOutCx;
  const names: string[] = [];
  const meta: ColumnMeta[] = [];
  const outputs: Compiled[] = [];
  const outputExprs: (Expr | null)[] = [];
  const rowColumns: (Compiled | null)[] = [];
  for (const column of core.columns) addResultColumn(column, scope, env.sql, outCx, plan, windows, names, meta, outputs, outputExprs, rowColumns);

  let stream: RowStream = join;
  // SQLite resolves GROUP BY after ORDER BY: an error of GROUP BY's waits for ORDER BY's.
  let groupByError: unknown = null;
  let groupsInScanOrder = false;
  if (plan) {
    const havingFn = having.kept ? compileExpr(having.kept, withAliases(groupOutCx)).fn : null;
    const tooLarge: SqliteError[] = [];
    const aggregateKeys: SqliteError[] = [];
    const groupCx: CompileContext = withAliases({ ...cx, aggregates: aggregatesInGroupBy(aggregateKeys, cx) });
    try {
      // Which sources each key reads (all of them for a number naming a `*` column, read before).
      const reads: TableSet[] = [];
      const keys = core.groupBy.map((t, i) => {
        scope.used = 0n;
        const key = groupKey(t, i, outputExprs, rowColumns, groupCx, withAliases(cx), tooLarge);
        const n = columnNumber(t);
        reads.push(n !== null && core.columns.slice(0, n).some((c) => c.kind !== 'expr') ? -1n : scope.used);
        return key;
      });
      if (tooLarge.length > 0) throw tooLarge[0]!;
      if (aggregateKeys.length > 0) throw aggregateKeys[0]!;
      const outermost = levels[0]?.source;
      groupsInScanOrder = !outerJoined && groupedByScan(core.groupBy, reads, scope, outermost, outermost ? sources.indexOf(outermost) : -1);
      stream = new GroupStream(plan, () => join.next(), keys, havingFn, groupsInScanOrder);
    } catch (err) {
      if (!(err instanceof SqliteError)) throw err;
      groupByError = err;
    }
  }
  if (windows) stream = new WindowStream(windows, stream);

  const tooLarge: SqliteError[] = [];
  const orderCx = plan ? outCx : { ...outCx, aggregates: misuseAtCodegen(misused, outCx) };
  const keys = select.orderBy.map((t, i) => sortKey(t, i, names, outputs, outputExprs, orderCx, tooLarge));
  // SQLite rejects a column number below 1 (or past 65535) at once, one past the result later.
  if (tooLarge.length > 0) throw tooLarge[0]!;
  if (groupByError) throw groupByError;
  if (misused.length > 0) throw misused[misused.length - 1]!;
  const distinct = core.distinct ? outputs.map((o) => o.collation) : null;
  // The outermost table's access path may deliver ORDER BY's order, or min()/max() from an index end.
  const outermost = levels[0]?.source;
  const outerPlan = outermost instanceof TableSource ? planTables[sources.indexOf(outermost)]! : null;
  let sortKeys = keys;
  if (outerPlan?.seekable && !plan && !windows && keys.length > 0 && !outerJoined) {
    const terms = orderTerms(select.orderBy, keys, names, outputExprs, scope, outerPlan.index);
    if (deliverOrder(outermost as TableSource, outerPlan.indexes, terms, (index) => limit !== null || covers(outerPlan, index))) sortKeys = [];
  }
  if (outerPlan?.seekable && plan && levels.length === 1 && select.orderBy.length === 0) {
    join.firstOnly = minMaxFromEnd(core, scope, outermost as TableSource, outerPlan.indexes);
  }
  for (const source of sources) if (source instanceof TableSource) source.settle();
  const program = new SelectProgram(names, meta, outputs.map((o) => o.fn), outputs.map((o) => o.subtyped === true), sortKeys, distinct, join, stream, sources, limit, offset);
  if (explaining()) {
    const steps = { groupBy: core.groupBy.length > 0 && !groupsInScanOrder, distinct: distinct !== null, orderBy: sortKeys.length > 0 && !sameTerms(select.orderBy, core.groupBy) };
    notePlan(program, selectPlan(levels.map((level) => level.source), steps, planStart));
  }
  return Object.assign(program, { traits: outputs.map(traitsOf) });
}

function traitsOf(c: Compiled): ColumnTraits {
  return { affinity: c.affinity, collation: c.collation, explicitCollation: c.explicitCollation };
}

/** Scope that falls back to result-column aliases (compiled in place) for unqualified names. */
class AliasScope implements Scope {
  private readonly expanding = new Set<string>();

  constructor(
    private readonly inner: Scope,
    private readonly aliases: Map<string, Expr>,
    private readonly context: CompileContext,
  ) {}

  column(ref: ColumnRef): Compiled | undefined {
    const found = this.inner.column(ref);
    if (found || ref.table) return found;
    const name = ref.column.name.toLowerCase();
    const expr = this.aliases.get(name);
    if (!expr || this.expanding.has(name)) return undefined;
    if (containsWindow(expr)) throw new SqliteError('SQLITE_ERROR', `misuse of aliased window function ${ref.column.name}`);
    this.expanding.add(name);
    try {
      return compileExpr(expr, { ...this.context, scope: this });
    } finally {
      this.expanding.delete(name);
    }
  }
}

/**
 * A GROUP BY term: a result column number, or an expression over the input rows. A number under
 * COLLATE is compiled in `collatedCx`: SQLite's check for aggregates in GROUP BY misses the copy of
 * the result column it stands for, which then fails only when code is generated.
 */
function groupKey(term: Expr, i: number, outputExprs: (Expr | null)[], rowColumns: (Compiled | null)[], cx: CompileContext, collatedCx: CompileContext, tooLarge: SqliteError[]): Compiled {
  const n = columnNumber(term);
  if (n !== null) {
    if (!(n >= 1 && n <= outputExprs.length)) {
      const error = termOutOfRange('GROUP', i, outputExprs.length);
      if (n < 1 || n > 65535) throw error;
      tooLarge.push(error);
    }
    if (n > outputExprs.length) return compileExpr({ kind: 'null', start: 0, end: 0 }, cx);
    const expr = outputExprs[n - 1];
    // SQLite reports an aggregate in a window function named this way before the window function.
    if (expr && containsWindow(expr) && containsAggregate(expr, cx.functions)) {
      throw new SqliteError('SQLITE_ERROR', 'aggregate functions are not allowed in the GROUP BY clause');
    }
    const compiled = expr ? compileExpr(expr, term.kind === 'collate' ? collatedCx : cx) : rowColumns[n - 1]!;
    return term.kind === 'collate' ? { ...compiled, collation: compileExpr(term, cx).collation, explicitCollation: true } : compiled;
  }
  return compileExpr(term, cx);
}

/** The collation GROUP BY `term` groups under, or null when it fails to compile (the query then fails later). */
function groupingCollation(term: Expr, cx: CompileContext): Collation | null {
  try {
    return compileExpr(term, cx).collation;
  } catch (err) {
    if (err instanceof SqliteError) return null;
    throw err;
  }
}

/**
 * Whether the result columns or HAVING call an aggregate function (outside subqueries). An aggregate
 * in ORDER BY alone does not make the query an aggregate one: SQLite rejects it.
 */
function hasAggregate(core: SimpleSelect, functions: FunctionContext): boolean {
  for (const column of core.columns) if (column.kind === 'expr' && containsAggregate(column.expr, functions)) return true;
  return core.having !== null && containsAggregate(core.having, functions);
}

/** Whether ORDER BY spells the GROUP BY terms in order (then the groups come sorted). */
function sameTerms(orderBy: OrderingTerm[], groupBy: Expr[]): boolean {
  return orderBy.length <= groupBy.length && orderBy.every((t, i) => t.order !== 'DESC' && treeText(t.expr) === treeText(groupBy[i]!));
}

/** The terms of an AND chain. */
function conjuncts(expr: Expr): Expr[] {
  if (expr.kind === 'binary' && expr.op === 'AND') return [...conjuncts(expr.left), ...conjuncts(expr.right)];
  return [expr];
}

function addResultColumn(
  column: ResultColumn,
  scope: FromScope,
  sql: string,
  cx: CompileContext,
  plan: AggregatePlan | null,
  windows: WindowPlan | null,
  names: string[],
  meta: ColumnMeta[],
  outputs: Compiled[],
  outputExprs: (Expr | null)[],
  rowColumns: (Compiled | null)[],
): void {
  if (column.kind === 'expr') {
    // A column reference is named by the column it reads (as its table declares it), not as written.
    const described = column.expr.kind === 'column' ? scope.describe(column.expr) : undefined;
    const name = column.alias
      ? column.alias.name
      : column.expr.kind === 'column'
        ? (scope.rowidName(column.expr) ?? described?.name ?? column.expr.column.name)
        : sql.slice(column.start, column.end);
    names.push(name);
    meta.push(metaOf(name, described));
    outputs.push(compileExpr(column.expr, cx));
    outputExprs.push(column.expr);
    rowColumns.push(null);
    return;
  }
  expandStar(scope, column.kind === 'tableStar' ? column.table.name : null, (name, described, compiled, expr) => {
    names.push(name);
    meta.push(metaOf(name, described));
    const grouped = plan ? plan.capture(compiled) : compiled;
    outputs.push(windows ? windows.capture(grouped) : grouped);
    outputExprs.push(expr);
    rowColumns.push(compiled);
  });
}

function metaOf(name: string, column: SourceColumn | undefined): ColumnMeta {
  if (!column) return { name, column: null, table: null, database: null, type: null };
  return { name, ...column.meta };
}

/**
 * An ORDER BY term: a result column number, a result column alias, or an expression (a term that is
 * identical to a result column's expression uses that column).
 */
function sortKey(term: OrderingTerm, i: number, names: string[], outputs: Compiled[], outputExprs: (Expr | null)[], cx: CompileContext, tooLarge: SqliteError[]): SortKey {
  let expr = term.expr;
  let collation: Collation | null = null;
  if (expr.kind === 'collate') {
    collation = collationByName(expr.collation.name);
    expr = expr.operand;
  }
  let compiled: Compiled;
  const n = columnNumber(expr);
  if (n !== null) {
    if (!(n >= 1 && n <= outputs.length)) {
      const error = termOutOfRange('ORDER', i, outputs.length);
      if (n < 1 || n > 65535) throw error;
      tooLarge.push(error);
    }
    compiled = outputs[Math.min(n, outputs.length) - 1]!;
  } else if (expr.kind === 'column' && expr.table === null && names.some((n, i) => outputExprs[i] !== null && n.toLowerCase() === expr.column.name.toLowerCase() && aliasOnly(outputExprs[i]!, n))) {
    compiled = outputs[names.findIndex((n) => n.toLowerCase() === (expr as ColumnRef).column.name.toLowerCase())]!;
  } else {
    compiled = compileExpr(expr, cx);
  }
  return { fn: compiled.fn, ...orderKey(term, i, collation ?? compiled.collation) };
}

/** The ORDER BY terms as order matching sees them: which column of source `outer` each names, if any. */
function orderTerms(orderBy: OrderingTerm[], keys: SortKey[], names: string[], outputExprs: (Expr | null)[], scope: FromScope, outer: number): OrderTerm[] {
  return orderBy.map((term, i) => {
    const key = keys[i]!;
    let expr: Expr | null = term.expr.kind === 'collate' ? term.expr.operand : term.expr;
    if (expr.kind === 'integer') expr = outputExprs[Number(expr.text) - 1] ?? null;
    else if (expr.kind === 'column' && expr.table === null) {
      const name = expr.column.name.toLowerCase();
      // As sortKey resolves it: when some result column has the name as an alias, the first of that name.
      if (names.some((n, k) => outputExprs[k] !== null && n.toLowerCase() === name && aliasOnly(outputExprs[k]!, n))) {
        expr = outputExprs[names.findIndex((n) => n.toLowerCase() === name)] ?? null;
      }
    }
    while (expr?.kind === 'collate') expr = expr.operand;
    const at = expr ? scope.locate(expr) : undefined;
    return { column: at && at.source === outer ? at.column : undefined, collation: key.collation, desc: key.desc, nullsFirst: key.nullsFirst };
  });
}

/** Whether result column `name` is an alias (not the column's own name), which ORDER BY may use. */
function aliasOnly(expr: Expr, name: string): boolean {
  return !(expr.kind === 'column' && expr.column.name.toLowerCase() === name.toLowerCase());
}

// ---- running ------------------------------------------------------------------------------------

class SelectProgram implements Omit<QueryProgram, 'traits'> {
  readonly readonly = true;
  readonly types: Uint8Array;
  readonly values: SqlValue[];
  /** Subtypes of the current row's values (see Args.subtype). */
  readonly subtypes: Uint8Array;
  private remaining = -1;
  private skip = 0;
  private done = false;
  /** The materialized rows (ORDER BY or DISTINCT): sort keys first, then result values. */
  private rows: TypedRow[] | null = null;
  private position = 0;

  constructor(
    readonly columns: readonly string[],
    readonly meta: readonly ColumnMeta[],
    private readonly outputs: Evaluator[],
    /** Which outputs are function calls, whose results may carry a subtype. */
    private readonly subtyped: boolean[],
    private readonly keys: SortKey[],
    /** The result columns' collations when DISTINCT, else null. */
    private readonly distinct: Collation[] | null,
    private readonly join: FilteredJoin,
    /** The rows before projection: `join` itself, or the groups of an aggregate query. */
    private readonly stream: RowStream,
    private readonly sources: RowSource[],
    private readonly limit: Evaluator | null,
    private readonly offset: Evaluator | null,
  ) {
    this.types = new Uint8Array(outputs.length);
    this.values = new Array<SqlValue>(outputs.length).fill(null);
    this.subtypes = new Uint8Array(outputs.length);
  }

  open(bt: Btree): void {
    this.remaining = this.limit ? limitValue(this.limit) : -1;
    // With LIMIT 0 the OFFSET is never evaluated, as in SQLite.
    this.skip = this.offset && this.remaining !== 0 ? Math.max(0, limitValue(this.offset)) : 0;
    this.done = this.remaining === 0;
    this.rows = null;
    this.position = 0;
    for (const source of this.sources) source.open(bt);
    this.join.reset();
    if (this.stream !== this.join) this.stream.reset();
    if (!this.done && (this.keys.length > 0 || this.distinct !== null)) this.rows = this.materialize();
  }

  step(): boolean {
    while (!this.done) {
      if (!this.nextRow()) {
        this.done = true;
        return false;
      }
      if (this.skip > 0) {
        this.skip--;
        continue;
      }
      if (this.remaining > 0 && --this.remaining === 0) this.done = true;
      return true;
    }
    return false;
  }

  close(): void {
    for (const source of this.sources) source.close();
    this.rows = null;
    this.done = true;
  }

  /** Fills `types`/`values` with the next result row, before LIMIT and OFFSET. */
  private nextRow(): boolean {
    const rows = this.rows;
    if (rows) {
      if (this.position >= rows.length) return false;
      const row = rows[this.position++]!;
      const k = this.keys.length;
      for (let i = 0; i < this.outputs.length; i++) {
        this.types[i] = row.types[k + i]!;
        this.values[i] = row.values[k + i]!;
        this.subtypes[i] = row.subtypes?.[i] ?? 0;
      }
      return true;
    }
    if (!this.stream.next()) return false;
    for (let i = 0; i < this.outputs.length; i++) {
      this.values[i] = this.outputs[i]!();
      this.types[i] = evalType;
      this.subtypes[i] = this.subtyped[i] ? evalSubtype : 0;
    }
    return true;
  }

  /** Every result row with its sort keys, deduplicated (DISTINCT) and sorted (ORDER BY). */
  private materialize(): TypedRow[] {
    const keys = this.keys;
    const outputs = this.outputs;
    const width = keys.length + outputs.length;
    const rows: TypedRow[] = [];
    const distinct = this.distinct;
    const seen = distinct ? new Set<string>() : null;
    // With ORDER BY and a small LIMIT only the first LIMIT + OFFSET rows in order can be returned: once
    // that many are kept (in order), a row sorting at or after the last is dropped, else it takes its
    // place after its equals (what a stable sort of every row would give).
    const bound = keys.length > 0 && !distinct && this.remaining > 0 && this.remaining + this.skip <= TOP_ROWS_LIMIT ? this.remaining + this.skip : -1;
    let spare: TypedRow | null = null;
    while (this.stream.next()) {
      let row: TypedRow;
      if (spare) {
        row = spare;
        row.subtypes = undefined;
        spare = null;
      } else {
        row = { types: new Uint8Array(width), values: new Array<SqlValue>(width) };
      }
      for (let i = 0; i < keys.length; i++) {
        row.values[i] = keys[i]!.fn();
        row.types[i] = evalType;
      }
      for (let i = 0; i < outputs.length; i++) {
        row.values[keys.length + i] = outputs[i]!();
        row.types[keys.length + i] = evalType;
        if (this.subtyped[i] && evalSubtype !== 0) (row.subtypes ??= new Uint8Array(outputs.length))[i] = evalSubtype;
      }
      if (seen) {
        const signature = rowSignature(row.types, row.values, distinct!, keys.length);
        if (seen.has(signature)) continue;
        seen.add(signature);
      }
      if (rows.length < bound || bound < 0) {
        rows.push(row);
        if (rows.length === bound) rows.sort((a, b) => compareByKeys(a, b, keys));
        continue;
      }
      if (compareByKeys(row, rows[bound - 1]!, keys) >= 0) {
        spare = row;
        continue;
      }
      let lo = 0;
      let hi = bound - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareByKeys(row, rows[mid]!, keys) >= 0) lo = mid + 1;
        else hi = mid;
      }
      spare = rows.pop()!;
      rows.splice(lo, 0, row);
    }
    if (keys.length > 0 && rows.length !== bound) rows.sort((a, b) => compareByKeys(a, b, keys));
    return rows;
  }
}

/** Largest LIMIT + OFFSET for which an ordered query keeps only its first rows while reading. */
const TOP_ROWS_LIMIT = 1000;

/** A LIMIT or OFFSET value: an integer, as SQLite requires ("datatype mismatch" otherwise). */
function limitValue(f: Evaluator): number {
  const v = f();
  const n = applyAffinity(Affinity.Integer, evalType, v);
  if (convertedType !== ValueType.Integer) throw new SqliteError('SQLITE_MISMATCH', 'datatype mismatch');
  return Number(n);
}

/** Whether the result columns are `count(*)` alone (no DISTINCT, FILTER or window). */
function isCountStar(columns: readonly ResultColumn[]): boolean {
  if (columns.length !== 1) return false;
  const column = columns[0]!;
  if (column.kind !== 'expr' || column.expr.kind !== 'function') return false;
  const call = column.expr;
  return call.star && call.name.name.toLowerCase() === 'count' && !call.distinct && call.filter === null && call.over === null;
}
