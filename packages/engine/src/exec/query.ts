/**
 * Whole queries: WITH clauses, compound SELECTs (UNION ALL, UNION, INTERSECT, EXCEPT, chained left to
 * right), VALUES, and recursive common table expressions. A simple SELECT is select.ts's; this module
 * puts simple SELECTs together and is what the rest of the executor calls for a query.
 *
 * Compound results follow SQLite: UNION, INTERSECT and EXCEPT produce distinct rows in the order of
 * their columns (SQLite reads them out of a sorted temporary index), UNION ALL appends. Duplicates are
 * decided under each column's collation: the first arm, left to right, whose column has one. ORDER BY
 * on a compound names result columns: by number, by a name or alias of some arm's column, or by an
 * expression identical to one.
 *
 * A recursive CTE runs as SQLite describes (lang_with.html): its initial rows go into a queue; each row
 * taken from the queue is output and is the single row the recursive part reads as the CTE's table,
 * whose result rows join the queue (UNION: only rows never queued before). LIMIT stops it.
 */
import type { Btree } from '../btree/btree.js';
import { notSupported, SqliteError } from '../common/errors.js';
import { BINARY, type Collation } from '../record/compare.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { CompoundPart, Expr, Limit, OrderingTerm, Select, SelectCore, ValuesClause, WithClause } from '../sql/ast.js';
import { Affinity, applyAffinity, convertedType } from '../value/affinity.js';
import { type Compiled, type CompileContext, type Evaluator, type Scope, compileExpr, evalType } from './expr.js';
import { plainValuesRowsEnd } from './values-rows.js';
import { type ColumnTraits, type CteDef, type CteList, type NestedQueries, type QueryProgram, type RecursiveTable, Runtime } from './nested.js';
import { type Catalog, collationByName } from '../plan/catalog.js';
import type { ColumnMeta, CompileEnv, Effects, Program } from './program.js';
import { type OrderKey, type TypedRow, compareByKeys, compareRows, orderKey, rowSignature } from './rowkey.js';
import { compileSelect } from './select.js';
import { collectRows } from './source.js';
import { compileQueryExpression } from './subquery.js';
import { columnNumber, ordinal, termOutOfRange } from './fold.js';
import { compoundPlan, explaining, line, notePlan } from './explain.js';
import { derivedNames } from './derived-names.js';
import { someExpr } from '../sql/walk.js';

/** Compiles a statement's query: it owns the runtime its nested queries share. */
export function compileTopQuery(select: Select, env: CompileEnv): Program {
  return compileWithQueries(env, (withQueries) => compileQuery(select, withQueries, null));
}

/** Compiles a statement that may hold queries (subqueries, INSERT … SELECT): they share one runtime. */
export function compileWithQueries(env: CompileEnv, compile: (env: CompileEnv) => Program): Program {
  const runtime = new Runtime();
  const nested: NestedQueries = { runtime, ctes: null, compileQuery, compileCte, expression: compileQueryExpression };
  return new TopProgram(compile({ ...env, nested }), runtime);
}

/** The outermost program: starts each execution of the runtime before running the statement. */
class TopProgram implements Program {
  readonly columns: readonly string[];
  readonly meta: readonly ColumnMeta[];
  readonly readonly: boolean;
  readonly types: Uint8Array;
  readonly values: SqlValue[];
  readonly failsOnlyBeforeWriting: boolean;

  constructor(
    private readonly query: Program,
    private readonly runtime: Runtime,
  ) {
    this.failsOnlyBeforeWriting = query.failsOnlyBeforeWriting === true;
    this.columns = query.columns;
    this.meta = query.meta;
    this.readonly = query.readonly;
    this.types = query.types;
    this.values = query.values;
  }

  open(bt: Btree, effects: Effects): void {
    this.runtime.begin(bt);
    this.query.open(bt, effects);
  }

  step(): boolean {
    return this.query.step();
  }

  close(): void {
    this.query.close();
  }
}

/** Compiles a whole query whose names may also resolve in `outer`. */
export function compileQuery(select: Select, env: CompileEnv, outer: Scope | null): QueryProgram {
  if (select.with) {
    env = withCtes(select, env);
    select = { ...select, with: null };
  }
  if (select.compounds.length === 0 && select.first.kind === 'simpleSelect') return compileSelect(select, env, outer);
  // A bare VALUES list streams its rows (a reader that stops early never evaluates the rest).
  if (select.compounds.length === 0 && select.orderBy.length === 0 && !select.limit) return compileCore(select.first, env, outer);
  const arms = [select.first, ...select.compounds.map((c) => c.select)].map((core) => compileCore(core, env, outer));
  select.compounds.forEach((part, i) => {
    if (arms[i + 1]!.columns.length !== arms[0]!.columns.length) {
      throw new SqliteError('SQLITE_ERROR', `SELECTs to the left and right of ${part.op} do not have the same number of result columns`);
    }
  });
  const cores = [select.first, ...select.compounds.map((c) => c.select)];
  const collations = compoundCollations(arms, cores, env.catalog);
  const keys = select.orderBy.map((term, i) => compoundSortKey(term, i, cores, arms, collations));
  const constant: CompileContext = { scope: null, bindings: env.bindings, functions: env.functions, env };
  const limit = select.limit ? compileLimit(select.limit, constant) : null;
  const names = runsAsSubquery(select) ? derivedNames(select.first, arms[0]!.columns, true) : null;
  const program = new CompoundProgram(arms, select.compounds, collations, keys, limit, names);
  if (explaining()) notePlan(program, compoundPlan(arms, select.compounds.map((c) => c.op), keys.length > 0));
  return program;
}

/**
 * Whether SQLite runs the compound as `SELECT * FROM (compound) ORDER BY …`, which names its columns
 * as a subquery's: when an ORDER BY term has a COLLATE and some operator is not UNION ALL.
 */
function runsAsSubquery(select: Select): boolean {
  if (select.compounds.every((part) => part.op === 'UNION ALL')) return false;
  return select.orderBy.some((term) => someExpr(term.expr, (e) => e.kind === 'collate'));
}

/** The environment inside a query's WITH clause. */
function withCtes(select: Select, env: CompileEnv): CompileEnv {
  return withClauseEnv(select.with!, env);
}

/** The environment inside a WITH clause (of a query, or before INSERT, UPDATE, DELETE): its CTEs visible, innermost first. */
export function withClauseEnv(clause: WithClause, env: CompileEnv): CompileEnv {
  const nested = env.nested!;
  let ctes: CteList | null = nested.ctes;
  const seen = new Set<string>();
  for (const cte of clause.ctes) {
    const lower = cte.name.name.toLowerCase();
    if (seen.has(lower)) throw new SqliteError('SQLITE_ERROR', `duplicate WITH table name: ${cte.name.name}`);
    seen.add(lower);
    const def: CteDef = { name: cte.name.name, columns: cte.columns ? cte.columns.map((c) => c.name) : null, select: cte.select, recursive: null, scope: null };
    ctes = { def, next: ctes };
    def.scope = ctes;
  }
  return { ...env, nested: { ...nested, ctes } };
}

/** One arm of a compound: a simple SELECT or VALUES, without ORDER BY or LIMIT of its own. */
function compileCore(core: SelectCore, env: CompileEnv, outer: Scope | null): QueryProgram {
  if (core.kind === 'values') return compileValues(core, env, outer);
  return compileSelect({ kind: 'select', with: null, first: core, compounds: [], orderBy: [], limit: null, start: core.start, end: core.end }, env, outer);
}

/** Per result column, the collation the first arm that has one gives it. */
function compoundCollations(arms: QueryProgram[], cores: SelectCore[], catalog: Catalog): Collation[] {
  return arms[0]!.traits.map((_, i) => {
    for (let a = 0; a < arms.length; a++) {
      const t = arms[a]!.traits[i]!;
      if (t.explicitCollation || t.collation !== BINARY) return t.collation;
      const column = columnRead(cores[a]!, i);
      if (column !== null && !readsRowid(cores[a]!, column, arms[a]!.meta[i]!, catalog)) return t.collation;
    }
    return BINARY;
  });
}

/**
 * The column reference result column `i` of `core` is (which has a collation even when BINARY): its
 * expression, `true` past a `*`, else null.
 */
function columnRead(core: SelectCore, i: number): Expr | true | null {
  if (core.kind !== 'simpleSelect') return null;
  for (let k = 0; k < core.columns.length; k++) {
    const column = core.columns[k]!;
    if (column.kind !== 'expr') return true;
    if (k === i) return column.expr.kind === 'column' ? column.expr : null;
  }
  return null;
}

const ROWID_NAMES = new Set(['rowid', 'oid', '_rowid_']);

/**
 * Whether a column reference of `core` reads the rowid, by name or through the INTEGER PRIMARY KEY of
 * a table its FROM clause names (not through a view or subquery): SQLite gives such a reference no
 * collation at all, so a compound takes its column's collation from a later arm.
 */
function readsRowid(core: SelectCore, column: Expr | true, meta: ColumnMeta, catalog: Catalog): boolean {
  if (meta.column === null) return column !== true && column.kind === 'column' && ROWID_NAMES.has(column.column.name.toLowerCase());
  const tableName = meta.table?.toLowerCase();
  if (tableName === undefined || core.kind !== 'simpleSelect') return false;
  if (!core.from?.terms.some((term) => term.source.kind === 'table' && term.source.name.name.toLowerCase() === tableName)) return false;
  const table = catalog.table(tableName, meta.database ?? undefined);
  return table !== undefined && table.rowidAlias >= 0 && table.columns[table.rowidAlias]!.name.toLowerCase() === meta.column.toLowerCase();
}

/** The affinity of a compound's column: the arms' common one, else none (BLOB) when they differ. */
function compoundTraits(arms: QueryProgram[], collations: Collation[]): ColumnTraits[] {
  return collations.map((collation, i) => {
    let affinity: Affinity = Affinity.None;
    for (const arm of arms) {
      const a = arm.traits[i]!.affinity;
      if (a === Affinity.None) continue;
      if (affinity === Affinity.None) affinity = a;
      else if (a !== affinity) return { affinity: Affinity.Blob, collation, explicitCollation: false };
    }
    return { affinity, collation, explicitCollation: false };
  });
}

// ---- ORDER BY and LIMIT of a compound -------------------------------------------------------------

function compoundSortKey(term: OrderingTerm, i: number, cores: SelectCore[], arms: QueryProgram[], collations: Collation[]): OrderKey {
  let expr = term.expr;
  let collation: Collation | null = null;
  if (expr.kind === 'collate') {
    collation = collationByName(expr.collation.name);
    expr = expr.operand;
  }
  const width = arms[0]!.columns.length;
  let column = -1;
  const n = columnNumber(expr);
  if (n !== null) {
    if (!(n >= 1 && n <= width)) throw termOutOfRange('ORDER', i, width);
    column = n - 1;
  } else {
    column = matchResultColumn(expr, cores, arms);
    if (column < 0) throw new SqliteError('SQLITE_ERROR', `${ordinal(i + 1)} ORDER BY term does not match any column in the result set`);
  }
  return orderKey(term, column, collation ?? collations[column]!);
}

/** The result column an ORDER BY expression of a compound names, checking the arms left to right. */
function matchResultColumn(expr: Expr, cores: SelectCore[], arms: QueryProgram[]): number {
  for (let a = 0; a < cores.length; a++) {
    const core = cores[a]!;
    if (expr.kind === 'column' && !expr.table) {
      const lower = expr.column.name.toLowerCase();
      const k = arms[a]!.columns.findIndex((n) => n.toLowerCase() === lower);
      if (k >= 0) return k;
    }
    if (core.kind !== 'simpleSelect') continue;
    const shape = shapeOf(expr);
    let k = 0;
    for (const column of core.columns) {
      if (column.kind !== 'expr') break;
      if (shapeOf(column.expr) === shape) return k;
      k++;
    }
  }
  return -1;
}

/** An expression's structure without source positions or identifier quoting, for identity tests. */
function shapeOf(expr: Expr): string {
  return JSON.stringify(expr, (key, value: unknown) => {
    if (key === 'start' || key === 'end' || key === 'quote') return undefined;
    if (key === 'name' && typeof value === 'string') return value.toLowerCase();
    if (value instanceof Uint8Array) return Array.from(value);
    return value;
  });
}

interface CompiledLimit {
  count: Evaluator;
  offset: Evaluator | null;
}

function compileLimit(limit: Limit, cx: CompileContext): CompiledLimit {
  return { count: compileExpr(limit.count, cx).fn, offset: limit.offset ? compileExpr(limit.offset, cx).fn : null };
}

/** A LIMIT or OFFSET value: an integer, as SQLite requires ("datatype mismatch" otherwise). */
function limitValue(f: Evaluator): number {
  const v = f();
  const n = applyAffinity(Affinity.Integer, evalType, v);
  if (convertedType !== ValueType.Integer) throw new SqliteError('SQLITE_MISMATCH', 'datatype mismatch');
  return Number(n);
}

/** Rows handed out in order with OFFSET and LIMIT applied. */
abstract class RowsProgram implements QueryProgram {
  readonly readonly = true;
  readonly types: Uint8Array;
  readonly values: SqlValue[];
  private rows: TypedRow[] = [];
  private position = 0;
  private end = 0;

  constructor(
    readonly columns: readonly string[],
    readonly meta: readonly ColumnMeta[],
    readonly traits: readonly ColumnTraits[],
    private readonly limit: CompiledLimit | null,
  ) {
    this.types = new Uint8Array(columns.length);
    this.values = new Array<SqlValue>(columns.length).fill(null);
  }

  /** The result rows in output order: every one, or at least the first `need` when there are that many. */
  protected abstract produce(bt: Btree, need: number): TypedRow[];

  open(bt: Btree): void {
    let count = -1;
    let offset = 0;
    if (this.limit) {
      count = limitValue(this.limit.count);
      offset = this.limit.offset && count !== 0 ? Math.max(0, limitValue(this.limit.offset)) : 0;
    }
    this.rows = count === 0 ? [] : this.produce(bt, count < 0 ? Infinity : offset + count);
    this.position = offset;
    this.end = count < 0 ? this.rows.length : Math.min(this.rows.length, offset + count);
  }

  step(): boolean {
    if (this.position >= this.end) return false;
    const row = this.rows[this.position++]!;
    this.types.set(row.types);
    for (let i = 0; i < this.values.length; i++) this.values[i] = row.values[i]!;
    return true;
  }

  close(): void {
    this.rows = [];
    this.position = this.end = 0;
  }
}

// ---- compound SELECT ------------------------------------------------------------------------------

class CompoundProgram extends RowsProgram {
  readonly operandTraits: readonly ColumnTraits[];

  constructor(
    private readonly arms: QueryProgram[],
    private readonly parts: CompoundPart[],
    private readonly collations: Collation[],
    private readonly keys: OrderKey[],
    limit: CompiledLimit | null,
    names: string[] | null,
  ) {
    const meta = names ? arms[0]!.meta.map((m, i) => ({ ...m, name: names[i]! })) : arms[0]!.meta;
    super(names ?? arms[0]!.columns, meta, compoundTraits(arms, collations), limit);
    const last = arms[arms.length - 1]!;
    this.operandTraits = last.operandTraits ?? last.traits;
  }

  protected produce(bt: Btree, need: number): TypedRow[] {
    const collations = this.collations;
    // Without ORDER BY, the members of a trailing run of UNION ALL are read only as far as LIMIT needs,
    // as SQLite reads them (a member past the limit never runs).
    const appendsFrom = this.parts.length - [...this.parts].reverse().findIndex((part) => part.op !== 'UNION ALL');
    const firstAppend = this.keys.length > 0 ? Infinity : appendsFrom > this.parts.length ? 0 : appendsFrom;
    let rows: TypedRow[] = collectRows(this.arms[0]!, bt, firstAppend === 0 ? need : Infinity);
    this.parts.forEach((part, i) => {
      // SQLite does not run the right operand of INTERSECT or EXCEPT when the left one has no rows.
      if (rows.length === 0 && (part.op === 'INTERSECT' || part.op === 'EXCEPT')) return;
      const streaming = i >= firstAppend;
      if (streaming && rows.length >= need) return;
      const right = collectRows(this.arms[i + 1]!, bt, streaming ? need - rows.length : Infinity);
      switch (part.op) {
        case 'UNION ALL':
          rows = rows.concat(right);
          return;
        case 'UNION': {
          // Within one side the first of duplicates stays; a right row replaces an equal left one, as
          // SQLite's writes into its temporary index do.
          const byKey = distinctRows(rows, collations);
          for (const [key, row] of distinctRows(right, collations)) byKey.set(key, row);
          rows = sortedRows(byKey, collations);
          return;
        }
        case 'INTERSECT': {
          const keep = distinctRows(right, collations);
          const byKey = distinctRows(rows, collations);
          for (const key of byKey.keys()) if (!keep.has(key)) byKey.delete(key);
          rows = sortedRows(byKey, collations);
          return;
        }
        default: {
          const byKey = distinctRows(rows, collations);
          for (const key of distinctRows(right, collations).keys()) byKey.delete(key);
          rows = sortedRows(byKey, collations);
        }
      }
    });
    if (this.keys.length > 0) rows.sort((a, b) => compareByKeys(a, b, this.keys));
    return rows;
  }
}

/** The distinct rows of `rows` by signature (of duplicates, the first). */
function distinctRows(rows: TypedRow[], collations: Collation[]): Map<string, TypedRow> {
  const byKey = new Map<string, TypedRow>();
  for (const row of rows) {
    const key = rowSignature(row.types, row.values, collations);
    if (!byKey.has(key)) byKey.set(key, row);
  }
  return byKey;
}

function sortedRows(byKey: Map<string, TypedRow>, collations: Collation[]): TypedRow[] {
  return [...byKey.values()].sort((a, b) => compareRows(a, b, collations));
}

// ---- VALUES -------------------------------------------------------------------------------------

function compileValues(core: ValuesClause, env: CompileEnv, outer: Scope | null): QueryProgram {
  const width = core.rows[0]!.length;
  if (core.rows.some((row) => row.length !== width)) throw new SqliteError('SQLITE_ERROR', 'all VALUES must have the same number of terms');
  const cx: CompileContext = { scope: outer, bindings: env.bindings, functions: env.functions, env };
  const plainEnd = plainValuesRowsEnd(core.rows);
  const rows = core.rows.map((row, r) => row.map((e) => compileExpr(e, r > 0 && r < plainEnd ? { ...cx, laterValuesRow: true } : cx)));
  const names = rows[0]!.map((_, i) => `column${i + 1}`);
  const meta = names.map((name) => ({ name, column: null, table: null, database: null, type: null }));
  const traits = rows[0]!.map((c: Compiled) => ({ affinity: c.affinity, collation: c.collation, explicitCollation: c.explicitCollation }));
  const program = new ValuesProgram(names, meta, traits, rows.map((row) => row.map((c) => c.fn)));
  if (explaining()) notePlan(program, [line(rows.length === 1 ? 'SCAN CONSTANT ROW' : `SCAN ${rows.length}-ROW VALUES CLAUSE`)]);
  return program;
}

/** The rows of a VALUES list, each evaluated when it is stepped to (a reader that stops early skips the rest). */
class ValuesProgram implements QueryProgram {
  readonly readonly = true;
  readonly types: Uint8Array;
  readonly values: SqlValue[];
  private position = 0;

  constructor(
    readonly columns: readonly string[],
    readonly meta: readonly ColumnMeta[],
    readonly traits: readonly ColumnTraits[],
    private readonly rowFns: Evaluator[][],
  ) {
    this.types = new Uint8Array(columns.length);
    this.values = new Array<SqlValue>(columns.length).fill(null);
  }

  open(): void {
    this.position = 0;
  }

  step(): boolean {
    if (this.position >= this.rowFns.length) return false;
    const fns = this.rowFns[this.position++]!;
    for (let i = 0; i < fns.length; i++) {
      this.values[i] = fns[i]!();
      this.types[i] = evalType;
    }
    return true;
  }

  close(): void {
    this.position = this.rowFns.length;
  }
}

// ---- common table expressions -------------------------------------------------------------------

/** Compiles a reference to `cte`: its query, or the recursive evaluation when it reads itself. */
export function compileCte(cte: CteDef, env: CompileEnv, outer: Scope | null): QueryProgram {
  const inner: CompileEnv = { ...env, nested: { ...env.nested!, ctes: cte.scope } };
  const select = cte.select;
  const parts = [select.first, ...select.compounds.map((c) => c.select)];
  const recursiveAt = parts.findIndex((core) => readsTable(core, cte.name));
  const program = recursiveAt < 0 ? compileQuery(select, { ...inner, nested: { ...inner.nested!, ctes: cte.scope!.next } }, outer) : compileRecursive(cte, inner, outer, recursiveAt);
  if (cte.columns && cte.columns.length !== program.columns.length) {
    throw new SqliteError('SQLITE_ERROR', `table ${cte.name} has ${program.columns.length} values for ${cte.columns.length} columns`);
  }
  return program;
}

/** Whether `core`'s FROM clause names `name` directly. */
function readsTable(core: SelectCore, name: string): boolean {
  if (core.kind !== 'simpleSelect' || !core.from) return false;
  const lower = name.toLowerCase();
  const visit = (terms: NonNullable<typeof core.from>['terms']): boolean =>
    terms.some((t) => (t.source.kind === 'table' && !t.source.schema && t.source.name.name.toLowerCase() === lower) || (t.source.kind === 'group' && visit(t.source.from.terms)));
  return visit(core.from.terms);
}

function compileRecursive(cte: CteDef, env: CompileEnv, outer: Scope | null, recursiveAt: number): QueryProgram {
  const select = cte.select;
  const last = select.compounds.length;
  if (recursiveAt !== last || last === 0) throw new SqliteError('SQLITE_ERROR', `recursive reference in a subquery: ${cte.name}`);
  const op = select.compounds[last - 1]!.op;
  if (op !== 'UNION' && op !== 'UNION ALL') throw new SqliteError('SQLITE_ERROR', `recursive reference in a subquery: ${cte.name}`);
  if (select.orderBy.length > 0) throw notSupported('ORDER BY in a recursive common table expression');
  const withoutSelf: CompileEnv = { ...env, nested: { ...env.nested!, ctes: cte.scope!.next } };
  const initial = compileQuery({ ...select, compounds: select.compounds.slice(0, -1), orderBy: [], limit: null }, withoutSelf, outer);
  const width = initial.columns.length;
  const names = cte.columns ?? initial.columns;
  const table: RecursiveTable = { names, traits: initial.traits, types: new Uint8Array(width), values: new Array<SqlValue>(width).fill(null) };
  const working: CteDef = { ...cte, recursive: table };
  const selfEnv: CompileEnv = { ...env, nested: { ...env.nested!, ctes: { def: working, next: cte.scope!.next } } };
  const recursivePart = select.compounds[last - 1]!.select;
  const step = compileCore(recursivePart, selfEnv, outer);
  if (step.columns.length !== width) {
    throw new SqliteError('SQLITE_ERROR', `SELECTs to the left and right of ${op} do not have the same number of result columns`);
  }
  const constant: CompileContext = { scope: null, bindings: env.bindings, functions: env.functions, env };
  const limit = select.limit ? compileLimit(select.limit, constant) : null;
  return new RecursiveProgram(initial, step, table, op === 'UNION', limit);
}

class RecursiveProgram implements QueryProgram {
  readonly readonly = true;
  readonly columns: readonly string[];
  readonly meta: readonly ColumnMeta[];
  readonly traits: readonly ColumnTraits[];
  readonly types: Uint8Array;
  readonly values: SqlValue[];
  private queue: TypedRow[] = [];
  private head = 0;
  private seen: Set<string> | null = null;
  private bt: Btree | null = null;
  /** Whether the row last output still has to be fed to the recursive part. */
  private pending = false;
  private remaining = -1;
  private skip = 0;
  private readonly collations: Collation[];

  constructor(
    private readonly initial: QueryProgram,
    private readonly recursive: QueryProgram,
    private readonly table: RecursiveTable,
    private readonly distinct: boolean,
    private readonly limit: CompiledLimit | null,
  ) {
    this.columns = table.names;
    this.meta = table.names.map((name) => ({ name, column: null, table: null, database: null, type: null }));
    this.traits = table.traits;
    this.types = new Uint8Array(table.names.length);
    this.values = new Array<SqlValue>(table.names.length).fill(null);
    this.collations = table.traits.map((t) => t.collation);
  }

  open(bt: Btree): void {
    this.bt = bt;
    this.queue = [];
    this.head = 0;
    this.pending = false;
    this.seen = this.distinct ? new Set() : null;
    this.remaining = this.limit ? limitValue(this.limit.count) : -1;
    this.skip = this.limit?.offset && this.remaining !== 0 ? Math.max(0, limitValue(this.limit.offset)) : 0;
    if (this.remaining !== 0) for (const row of collectRows(this.initial, bt)) this.enqueue(row);
  }

  step(): boolean {
    for (;;) {
      if (this.remaining === 0) return false;
      if (this.pending) {
        this.pending = false;
        for (const row of collectRows(this.recursive, this.bt!)) this.enqueue(row);
      }
      if (this.head >= this.queue.length) return false;
      const row = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.table.types.set(row.types);
      this.types.set(row.types);
      for (let i = 0; i < this.values.length; i++) {
        this.table.values[i] = row.values[i]!;
        this.values[i] = row.values[i]!;
      }
      this.pending = true;
      if (this.skip > 0) {
        this.skip--;
        continue;
      }
      if (this.remaining > 0) this.remaining--;
      return true;
    }
  }

  close(): void {
    this.queue = [];
    this.seen = null;
  }

  private enqueue(row: TypedRow): void {
    if (this.seen) {
      const signature = rowSignature(row.types, row.values, this.collations);
      if (this.seen.has(signature)) return;
      this.seen.add(signature);
    }
    this.queue.push(row);
  }
}
