/**
 * SELECT: rows from the FROM clause's tables, joined by nested loops (each table scanned with a
 * cursor; LEFT JOIN supplies a row of NULLs where nothing matched), filtered by WHERE, projected,
 * then — when asked — made DISTINCT, sorted by ORDER BY, and cut by LIMIT/OFFSET.
 *
 * Without ORDER BY or DISTINCT rows stream: each `step` produces the next one. With them the result is
 * materialized at `open` (sorting needs every row). Column evaluators read the current row of their
 * table straight from the page (`RecordReader` over the cursor's payload); nothing is copied until a
 * row is materialized.
 *
 * Aggregate queries (GROUP BY, HAVING) replace the joined rows by their groups (aggregate.ts).
 *
 * Not yet: subqueries, compound SELECT, RIGHT/FULL/NATURAL joins and USING.
 */
import type { Btree } from '../btree/btree.js';
import type { BtCursor } from '../btree/cursor.js';
import { SqliteError } from '../common/errors.js';
import { BINARY, type Collation } from '../record/compare.js';
import { RecordReader } from '../record/record.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { ColumnRef, Expr, FromClause, OrderingTerm, ResultColumn, Select, SimpleSelect } from '../sql/ast.js';
import type { ColumnInfo, TableInfo } from '../plan/catalog.js';
import { Affinity, applyAffinity, convertedType } from '../value/affinity.js';
import { compareValues } from '../value/compare.js';
import { type Compiled, type CompileContext, type Evaluator, type Scope, compileExpr, evalType, produce, truth } from './expr.js';
import type { ColumnMeta, CompileEnv, Program } from './program.js';
import type { FunctionContext } from '../func/types.js';
import { AggregatePlan, GroupStream, containsAggregate, noAggregatesInGroupBy } from './aggregate.js';
import { rowKey } from './rowkey.js';
import { type Access, FullScan } from './access.js';
import { type PlanTable, type TableSet, type Term, bit, planJoin, seeksOf } from './where.js';

function notSupported(what: string): SqliteError {
  return new SqliteError('SQLITE_ERROR', `not supported yet: ${what}`);
}

// ---- table sources ------------------------------------------------------------------------------

/** A table scanned by a cursor. Its column evaluators read the current row, or NULL on a null row. */
export class TableSource {
  cursor: BtCursor | null = null;
  readonly reader = new RecordReader();
  /** Set while a LEFT JOIN supplies this table's row of NULLs. */
  nullRow = false;
  /** How the cursor visits rows (chosen by the planner; a full scan until then). */
  access: Access;

  constructor(
    readonly table: TableInfo,
    readonly alias: string,
  ) {
    this.access = new FullScan(`SCAN ${table.name}`);
  }

  /** The table column `name` (case-insensitive), if any. */
  find(name: string): { index: number; info: ColumnInfo } | undefined {
    const lower = name.toLowerCase();
    const index = this.table.columns.findIndex((c) => c.name.toLowerCase() === lower);
    return index < 0 ? undefined : { index, info: this.table.columns[index]! };
  }

  /** An evaluator of column `index` of the table (-1: the rowid). */
  column(index: number): Compiled {
    const table = this.table;
    if (index < 0 || index === table.rowidAlias) {
      const info = index < 0 ? null : table.columns[index]!;
      return {
        fn: () => (this.nullRow ? produce(ValueType.Null, null) : produce(ValueType.Integer, this.cursor!.rowid())),
        affinity: info ? info.affinity : Affinity.Integer,
        collation: info ? info.collation : BINARY,
        explicitCollation: false,
      };
    }
    const info = table.columns[index]!;
    const reader = this.reader;
    // A REAL column may hold whole numbers stored as integers (SQLite's space saving): read them as REAL.
    const real = info.affinity === Affinity.Real;
    const fn = (): SqlValue => {
      if (this.nullRow) return produce(ValueType.Null, null);
      const t = reader.type(index);
      if (real && t === ValueType.Integer) return produce(ValueType.Real, reader.getReal(index));
      return produce(t, reader.getValue(index));
    };
    return { fn, affinity: info.affinity, collation: info.collation, explicitCollation: false };
  }

  open(bt: Btree): void {
    this.cursor = bt.cursor(this.table.root);
    this.nullRow = false;
  }

  first(): boolean {
    this.nullRow = false;
    return this.access.first(this.cursor!) && this.load();
  }

  next(): boolean {
    return this.access.next(this.cursor!) && this.load();
  }

  close(): void {
    this.cursor?.close();
    this.cursor = null;
  }

  private load(): boolean {
    const payload = this.cursor!.payload();
    this.reader.init(payload, 0, payload.length);
    return true;
  }
}

/** Name resolution over the tables of a FROM clause. */
export class FromScope implements Scope {
  /** The sources resolved since the last reset, as a bit set of source indexes, for placing WHERE terms. */
  used: TableSet = 0n;

  constructor(readonly sources: TableSource[]) {}

  column(ref: ColumnRef): Compiled | undefined {
    const found = this.resolve(ref);
    if (!found) return undefined;
    this.used |= bit(this.sources.indexOf(found.source));
    return found.source.column(found.index);
  }

  /** The source and column (-1: the rowid) `expr` names when it is a column reference of this scope. */
  locate(expr: Expr): { source: number; column: number } | undefined {
    if (expr.kind !== 'column') return undefined;
    const found = this.resolve(expr);
    return found && { source: this.sources.indexOf(found.source), column: found.index };
  }

  /** The source and column `ref` names, or undefined; throws when it is ambiguous. */
  private resolve(ref: ColumnRef): { source: TableSource; index: number } | undefined {
    if (ref.schema && ref.schema.name.toLowerCase() !== 'main') return undefined;
    const name = ref.column.name;
    const candidates = ref.table ? this.sources.filter((s) => s.alias.toLowerCase() === ref.table!.name.toLowerCase()) : this.sources;
    if (ref.table && candidates.length === 0) throw new SqliteError('SQLITE_ERROR', `no such column: ${ref.table.name}.${name}`);
    let found: { source: TableSource; index: number } | undefined;
    for (const source of candidates) {
      const hit = source.find(name);
      if (!hit) continue;
      if (found) throw new SqliteError('SQLITE_ERROR', `ambiguous column name: ${ref.table ? `${ref.table.name}.${name}` : name}`);
      found = { source, index: hit.index };
    }
    if (found) return found;
    const lower = name.toLowerCase();
    if (lower === 'rowid' || lower === 'oid' || lower === '_rowid_') {
      if (candidates.length === 1) return { source: candidates[0]!, index: -1 };
      if (candidates.length > 1) throw new SqliteError('SQLITE_ERROR', `ambiguous column name: ${name}`);
    }
    return undefined;
  }

  /** The table column `ref` names directly, for `columns()`. */
  describe(ref: ColumnRef): { source: TableSource; info: ColumnInfo } | undefined {
    for (const source of this.sources) {
      if (ref.table && source.alias.toLowerCase() !== ref.table.name.toLowerCase()) continue;
      const hit = source.find(ref.column.name);
      if (hit) return { source, info: hit.info };
    }
    return undefined;
  }
}

// ---- joins --------------------------------------------------------------------------------------

/** One table of the nested loop, with its ON condition and whether it is the right side of a LEFT JOIN. */
interface Level {
  source: TableSource;
  on: Evaluator | null;
  /** WHERE terms whose tables are all positioned once this level has its row. */
  filters: Evaluator[];
  left: boolean;
  /** 0: not started; 1: scanning; 2: supplying its null row. */
  state: number;
  matched: boolean;
}

/** Nested loops over the levels; `next` positions every table on the next joined row. */
class JoinLoop {
  private started = false;

  constructor(private readonly levels: Level[]) {}

  reset(): void {
    this.started = false;
    for (const level of this.levels) level.state = 0;
  }

  next(): boolean {
    const levels = this.levels;
    const last = levels.length - 1;
    if (last < 0) {
      if (this.started) return false;
      this.started = true;
      return true;
    }
    let d = this.started ? last : 0;
    this.started = true;
    for (;;) {
      const level = levels[d]!;
      let ok: boolean;
      if (level.state === 0) {
        level.matched = false;
        level.state = 1;
        ok = level.source.first();
      } else if (level.state === 1) {
        ok = level.source.next();
      } else {
        ok = false;
      }
      if (ok && level.on && truth(level.on) !== true) continue;
      if (ok) {
        level.matched = true;
      } else if (level.state === 1 && level.left && !level.matched) {
        level.state = 2;
        level.source.nullRow = true;
        level.matched = true;
      } else {
        level.state = 0;
        level.source.nullRow = false;
        if (d === 0) return false;
        d--;
        continue;
      }
      if (!passes(level.filters)) continue;
      if (d === last) return true;
      levels[++d]!.state = 0;
    }
  }
}

/** Whether every filter is true for the current row. */
function passes(filters: Evaluator[]): boolean {
  for (let i = 0; i < filters.length; i++) if (truth(filters[i]!) !== true) return false;
  return true;
}


/** The rows before projection, restartable. */
interface RowStream {
  reset(): void;
  next(): boolean;
}

/** The joined rows that pass the WHERE terms not placed at a join level. */
class FilteredJoin implements RowStream {
  constructor(
    private readonly loop: JoinLoop,
    private readonly where: Evaluator | null,
  ) {}

  reset(): void {
    this.loop.reset();
  }

  next(): boolean {
    while (this.loop.next()) {
      if (!this.where || truth(this.where) === true) return true;
    }
    return false;
  }
}

// ---- compiling ----------------------------------------------------------------------------------

interface SortKey {
  fn: Evaluator;
  collation: Collation;
  desc: boolean;
  nullsFirst: boolean;
}

export function compileSelect(select: Select, env: CompileEnv): Program {
  if (select.with || select.compounds.length > 0) throw notSupported('WITH and compound SELECT');
  const core = select.first;
  if (core.kind !== 'simpleSelect') throw notSupported('VALUES as a query');
  if (core.windows.length > 0) throw notSupported('windows');

  const sources: TableSource[] = [];
  const scope = new FromScope(sources);
  const cx: CompileContext = { scope, bindings: env.bindings, functions: env.functions, aggregates: null };
  // WHERE, GROUP BY and HAVING may name a result column by its alias, when no table column has that name.
  const aliases = new Map<string, Expr>();
  for (const column of core.columns) if (column.kind === 'expr' && column.alias) aliases.set(column.alias.name.toLowerCase(), column.expr);
  const withAliases = (context: CompileContext): CompileContext => ({ ...context, scope: new AliasScope(context.scope!, aliases, context) });
  const innerOn: Expr[] = [];
  const from = core.from ? fromLevels(core.from, env, sources, innerOn) : [];
  const whereCx = withAliases(cx);
  const term = (expr: Expr, context: CompileContext): Term => {
    scope.used = 0n;
    const fn = compileExpr(expr, context).fn;
    const tables = scope.used;
    const value = (e: Expr): { fn: Evaluator; tables: TableSet } => {
      scope.used = 0n;
      const compiled = compileExpr(e, context).fn;
      return { fn: compiled, tables: scope.used };
    };
    return { expr, fn, tables, seeks: seeksOf(expr, (e) => scope.locate(e), value) };
  };
  const terms = (core.where ? conjuncts(core.where) : []).map((expr) => term(expr, whereCx));
  for (const on of innerOn) for (const expr of conjuncts(on)) terms.push(term(expr, cx));
  // ON of an inner join is a WHERE term; a LEFT JOIN's ON decides which rows match (and may seek).
  const planTables: PlanTable[] = from.map(({ level, on }, index) => {
    const onTerms = on && level.left ? conjuncts(on).map((expr) => term(expr, cx)) : [];
    if (on && level.left) level.on = compileExpr(on, cx).fn;
    else if (on) for (const expr of conjuncts(on)) terms.push(term(expr, cx));
    return { index, label: level.source.alias, rowidAlias: level.source.table.rowidAlias, left: level.left, onTerms };
  });
  const levels = planJoin(planTables, terms).map(({ index, access }) => {
    const level = from[index]!.level;
    level.source.access = access;
    return level;
  });
  // Each AND term of WHERE is checked as soon as the tables it reads are positioned.
  const residual: Evaluator[] = [];
  for (const term of terms) {
    if (levels.length === 0) {
      residual.push(term.fn);
      continue;
    }
    let at = 0;
    levels.forEach((level, i) => {
      if (term.tables & bit(sources.indexOf(level.source))) at = i;
    });
    levels[at]!.filters.push(term.fn);
  }
  const where = residual.length === 0 ? null : residual.length === 1 ? residual[0]! : (): SqlValue => produce(ValueType.Integer, passes(residual) ? 1 : 0);
  const join = new FilteredJoin(new JoinLoop(levels), where);

  const aggregated = core.groupBy.length > 0 || core.having !== null || hasAggregate(core, select.orderBy, env.functions);
  const plan = aggregated ? new AggregatePlan(cx) : null;
  const outCx = plan ? plan.outputContext() : cx;
  const names: string[] = [];
  const meta: ColumnMeta[] = [];
  const outputs: Compiled[] = [];
  const outputExprs: (Expr | null)[] = [];
  const rowColumns: (Compiled | null)[] = [];
  for (const column of core.columns) addResultColumn(column, scope, env.sql, outCx, plan, names, meta, outputs, outputExprs, rowColumns);

  let stream: RowStream = join;
  if (plan) {
    const groupCx: CompileContext = withAliases({ ...cx, aggregates: noAggregatesInGroupBy });
    const keys = core.groupBy.map((term, i) => groupKey(term, i, outputExprs, rowColumns, groupCx));
    const having = core.having ? compileExpr(core.having, withAliases(outCx)).fn : null;
    stream = new GroupStream(plan, () => join.next(), keys, having);
  }

  const keys = select.orderBy.map((term, i) => sortKey(term, i, names, outputs, outputExprs, outCx));
  const constant: CompileContext = { scope: null, bindings: env.bindings, functions: env.functions };
  const limit = select.limit ? compileExpr(select.limit.count, constant).fn : null;
  const offset = select.limit?.offset ? compileExpr(select.limit.offset, constant).fn : null;
  const distinct = core.distinct ? outputs.map((o) => o.collation) : null;
  return new SelectProgram(names, meta, outputs.map((o) => o.fn), keys, distinct, join, stream, sources, limit, offset);
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
    this.expanding.add(name);
    try {
      return compileExpr(expr, { ...this.context, scope: this });
    } finally {
      this.expanding.delete(name);
    }
  }
}

/** A GROUP BY term: a result column number, or an expression over the input rows. */
function groupKey(term: Expr, i: number, outputExprs: (Expr | null)[], rowColumns: (Compiled | null)[], cx: CompileContext): Compiled {
  const bare = term.kind === 'collate' ? term.operand : term;
  if (bare.kind === 'integer') {
    const n = Number(bare.text);
    if (!(n >= 1 && n <= outputExprs.length)) {
      throw new SqliteError('SQLITE_ERROR', `${ordinal(i + 1)} GROUP BY term out of range - should be between 1 and ${outputExprs.length}`);
    }
    const expr = outputExprs[n - 1];
    const compiled = expr ? compileExpr(expr, cx) : rowColumns[n - 1]!;
    return term.kind === 'collate' ? { ...compiled, collation: compileExpr(term, cx).collation, explicitCollation: true } : compiled;
  }
  return compileExpr(term, cx);
}

/** "1st", "2nd", "3rd", "4th", … as SQLite words its ORDER BY / GROUP BY errors. */
function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** Whether the result columns, HAVING or ORDER BY call an aggregate function (outside subqueries). */
function hasAggregate(core: SimpleSelect, orderBy: OrderingTerm[], functions: FunctionContext): boolean {
  for (const column of core.columns) if (column.kind === 'expr' && containsAggregate(column.expr, functions)) return true;
  if (core.having && containsAggregate(core.having, functions)) return true;
  return orderBy.some((term) => containsAggregate(term.expr, functions));
}

/**
 * The nested-loop levels of a FROM clause in FROM order (comma, CROSS, INNER and LEFT joins), with their
 * ON expressions. A parenthesized join joined as an inner join is flattened into the list (its own ON
 * expression goes to `innerOn`, to be checked like a WHERE term), as is a parenthesized single table.
 */
function fromLevels(from: FromClause, env: CompileEnv, sources: TableSource[], innerOn: Expr[]): { level: Level; on: Expr | null }[] {
  const levels: { level: Level; on: Expr | null }[] = [];
  for (const term of from.terms) {
    const ref = term.source;
    const join = term.join;
    if (join && (join.natural || join.type === 'RIGHT' || join.type === 'FULL')) throw notSupported('NATURAL, RIGHT and FULL joins');
    if (term.constraint?.kind === 'using') throw notSupported('USING');
    const on = term.constraint?.kind === 'on' ? term.constraint.expr : null;
    if (ref.kind === 'group' && ref.alias === null && join?.type !== 'LEFT') {
      levels.push(...fromLevels(ref.from, env, sources, innerOn));
      if (on) innerOn.push(on);
      continue;
    }
    if (ref.kind === 'group' && ref.alias === null && ref.from.terms.length === 1) {
      const [inner] = fromLevels(ref.from, env, sources, innerOn);
      inner!.level.left = join?.type === 'LEFT';
      levels.push({ level: inner!.level, on });
      continue;
    }
    if (ref.kind !== 'table') throw notSupported('subqueries, table functions and parenthesized joins in FROM');
    if (ref.schema && ref.schema.name.toLowerCase() !== 'main') throw new SqliteError('SQLITE_ERROR', `no such table: ${ref.schema.name}.${ref.name.name}`);
    const table = env.catalog.table(ref.name.name);
    if (!table) throw new SqliteError('SQLITE_ERROR', `no such table: ${ref.name.name}`);
    if (table.withoutRowid) throw notSupported('WITHOUT ROWID tables');
    const alias = ref.alias?.name ?? table.name;
    if (sources.some((s) => s.alias.toLowerCase() === alias.toLowerCase())) throw new SqliteError('SQLITE_ERROR', `ambiguous column name: ${alias}`);
    const source = new TableSource(table, alias);
    sources.push(source);
    const level: Level = { source, on: null, filters: [], left: join?.type === 'LEFT', state: 0, matched: false };
    levels.push({ level, on });
  }
  return levels;
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
  names: string[],
  meta: ColumnMeta[],
  outputs: Compiled[],
  outputExprs: (Expr | null)[],
  rowColumns: (Compiled | null)[],
): void {
  if (column.kind === 'expr') {
    const name = column.alias ? column.alias.name : column.expr.kind === 'column' ? column.expr.column.name : sql.slice(column.start, column.end);
    const described = column.expr.kind === 'column' ? scope.describe(column.expr) : undefined;
    names.push(name);
    meta.push(metaOf(name, described));
    outputs.push(compileExpr(column.expr, cx));
    outputExprs.push(column.expr);
    rowColumns.push(null);
    return;
  }
  const sources = scope.sources;
  if (sources.length === 0) throw new SqliteError('SQLITE_ERROR', 'no tables specified');
  const chosen = column.kind === 'tableStar' ? sources.filter((s) => s.alias.toLowerCase() === column.table.name.toLowerCase()) : sources;
  if (chosen.length === 0) throw new SqliteError('SQLITE_ERROR', `no such table: ${column.kind === 'tableStar' ? column.table.name : ''}`);
  for (const source of chosen) {
    source.table.columns.forEach((info, index) => {
      names.push(info.name);
      meta.push(metaOf(info.name, { source, info }));
      const value = source.column(index);
      outputs.push(plan ? plan.capture(value) : value);
      outputExprs.push(null);
      rowColumns.push(value);
    });
  }
}

function metaOf(name: string, column: { source: TableSource; info: ColumnInfo } | undefined): ColumnMeta {
  if (!column) return { name, column: null, table: null, database: null, type: null };
  return { name, column: column.info.name, table: column.source.table.name, database: 'main', type: column.info.declaredType || null };
}

/**
 * An ORDER BY term: a result column number, a result column alias, or an expression (a term that is
 * identical to a result column's expression uses that column).
 */
function sortKey(term: OrderingTerm, i: number, names: string[], outputs: Compiled[], outputExprs: (Expr | null)[], cx: CompileContext): SortKey {
  let expr = term.expr;
  let collation: Collation | null = null;
  if (expr.kind === 'collate') {
    collation = compileExpr(expr, cx).collation;
    expr = expr.operand;
  }
  let compiled: Compiled;
  if (expr.kind === 'integer') {
    const n = Number(expr.text);
    if (!(n >= 1 && n <= outputs.length)) {
      throw new SqliteError('SQLITE_ERROR', `${ordinal(i + 1)} ORDER BY term out of range - should be between 1 and ${outputs.length}`);
    }
    compiled = outputs[n - 1]!;
  } else if (expr.kind === 'column' && expr.table === null && names.some((n, i) => outputExprs[i] !== null && n.toLowerCase() === expr.column.name.toLowerCase() && aliasOnly(outputExprs[i]!, n))) {
    compiled = outputs[names.findIndex((n) => n.toLowerCase() === (expr as ColumnRef).column.name.toLowerCase())]!;
  } else {
    compiled = compileExpr(expr, cx);
  }
  return {
    fn: compiled.fn,
    collation: collation ?? compiled.collation,
    desc: term.order === 'DESC',
    nullsFirst: term.nulls ? term.nulls === 'FIRST' : term.order !== 'DESC',
  };
}

/** Whether result column `name` is an alias (not the column's own name), which ORDER BY may use. */
function aliasOnly(expr: Expr, name: string): boolean {
  return !(expr.kind === 'column' && expr.column.name.toLowerCase() === name.toLowerCase());
}

// ---- running ------------------------------------------------------------------------------------

/** A materialized row: sort keys first, then result values. */
interface Row {
  types: Uint8Array;
  values: SqlValue[];
}

class SelectProgram implements Program {
  readonly readonly = true;
  readonly types: Uint8Array;
  readonly values: SqlValue[];
  private remaining = -1;
  private skip = 0;
  private done = false;
  private rows: Row[] | null = null;
  private position = 0;

  constructor(
    readonly columns: readonly string[],
    readonly meta: readonly ColumnMeta[],
    private readonly outputs: Evaluator[],
    private readonly keys: SortKey[],
    /** The result columns' collations when DISTINCT, else null. */
    private readonly distinct: Collation[] | null,
    private readonly join: FilteredJoin,
    /** The rows before projection: `join` itself, or the groups of an aggregate query. */
    private readonly stream: RowStream,
    private readonly sources: TableSource[],
    private readonly limit: Evaluator | null,
    private readonly offset: Evaluator | null,
  ) {
    this.types = new Uint8Array(outputs.length);
    this.values = new Array<SqlValue>(outputs.length).fill(null);
  }

  open(bt: Btree): void {
    this.remaining = this.limit ? limitValue(this.limit) : -1;
    this.skip = this.offset ? Math.max(0, limitValue(this.offset)) : 0;
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
      }
      return true;
    }
    if (!this.stream.next()) return false;
    for (let i = 0; i < this.outputs.length; i++) {
      this.values[i] = this.outputs[i]!();
      this.types[i] = evalType;
    }
    return true;
  }

  /** Every result row with its sort keys, deduplicated (DISTINCT) and sorted (ORDER BY). */
  private materialize(): Row[] {
    const keys = this.keys;
    const outputs = this.outputs;
    const width = keys.length + outputs.length;
    const rows: Row[] = [];
    const distinct = this.distinct;
    const seen = distinct ? new Set<string>() : null;
    while (this.stream.next()) {
      const row: Row = { types: new Uint8Array(width), values: new Array<SqlValue>(width) };
      for (let i = 0; i < keys.length; i++) {
        row.values[i] = keys[i]!.fn();
        row.types[i] = evalType;
      }
      for (let i = 0; i < outputs.length; i++) {
        row.values[keys.length + i] = outputs[i]!();
        row.types[keys.length + i] = evalType;
      }
      if (seen) {
        const signature = rowKey(row.types, row.values, keys.length, width, distinct!);
        if (seen.has(signature)) continue;
        seen.add(signature);
      }
      rows.push(row);
    }
    if (keys.length > 0) rows.sort((a, b) => compareRows(a, b, keys));
    return rows;
  }
}

/** Orders two materialized rows by the sort keys. */
function compareRows(a: Row, b: Row, keys: SortKey[]): number {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const ta = a.types[i] as ValueType;
    const tb = b.types[i] as ValueType;
    if (ta === ValueType.Null || tb === ValueType.Null) {
      if (ta === tb) continue;
      return (ta === ValueType.Null) === key.nullsFirst ? -1 : 1;
    }
    const c = compareValues(ta, a.values[i]!, tb, b.values[i]!, key.collation);
    if (c !== 0) return key.desc ? -c : c;
  }
  return 0;
}

/** A LIMIT or OFFSET value: an integer, as SQLite requires ("datatype mismatch" otherwise). */
function limitValue(f: Evaluator): number {
  const v = f();
  const n = applyAffinity(Affinity.Integer, evalType, v);
  if (convertedType !== ValueType.Integer) throw new SqliteError('SQLITE_MISMATCH', 'datatype mismatch');
  return Number(n);
}
