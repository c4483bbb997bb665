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
 * Not yet: aggregates and GROUP BY.
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError } from '../common/errors.js';
import { NOCASE, RTRIM, type Collation } from '../record/compare.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { ColumnRef, Expr, OrderingTerm, ResultColumn, Select } from '../sql/ast.js';
import { Affinity, applyAffinity, convertedType } from '../value/affinity.js';
import { compareValues } from '../value/compare.js';
import { type Compiled, type CompileContext, type Evaluator, type Scope, compileExpr, evalType, produce, truth } from './expr.js';
import { FromScope, buildFrom, expandStar } from './from.js';
import { JoinLoop, type Level, passes } from './join.js';
import type { ColumnTraits, QueryProgram } from './nested.js';
import type { ColumnMeta, CompileEnv } from './program.js';
import type { RowSource, SourceColumn } from './source.js';

function notSupported(what: string): SqliteError {
  return new SqliteError('SQLITE_ERROR', `not supported yet: ${what}`);
}

// ---- compiling ----------------------------------------------------------------------------------

interface SortKey {
  fn: Evaluator;
  collation: Collation;
  desc: boolean;
  nullsFirst: boolean;
}

export function compileSelect(select: Select, env: CompileEnv, outer: Scope | null = null): QueryProgram {
  if (select.with || select.compounds.length > 0) throw notSupported('WITH and compound SELECT');
  const core = select.first;
  if (core.kind !== 'simpleSelect') throw notSupported('VALUES as a query');
  if (core.groupBy.length > 0 || core.having || core.windows.length > 0) throw notSupported('GROUP BY, HAVING and windows');

  const sources: RowSource[] = [];
  const scope = new FromScope(sources, outer);
  const cx: CompileContext = { scope, bindings: env.bindings, functions: env.functions, env };
  const fromOrder = core.from ? buildFrom(core.from, env, cx, scope, outer) : [];
  const terms = (core.where ? conjuncts(core.where) : []).map((expr) => {
    scope.used = 0;
    const fn = compileExpr(expr, cx).fn;
    return { expr, fn, tables: scope.used };
  });
  const levels = joinOrder(fromOrder, terms);
  // Each AND term of WHERE is checked as soon as the tables it reads are positioned.
  const residual: Evaluator[] = [];
  const outerJoined = levels.some((level) => level.right);
  for (const term of terms) {
    if (levels.length === 0 || outerJoined) {
      residual.push(term.fn);
      continue;
    }
    let at = 0;
    levels.forEach((level, i) => {
      if (term.tables & (2 ** Math.min(30, sources.indexOf(level.source)))) at = i;
    });
    levels[at]!.filters.push(term.fn);
  }
  const where = residual.length === 0 ? null : residual.length === 1 ? residual[0]! : (): SqlValue => produce(ValueType.Integer, passes(residual) ? 1 : 0);

  const names: string[] = [];
  const meta: ColumnMeta[] = [];
  const outputs: Compiled[] = [];
  const outputExprs: (Expr | null)[] = [];
  for (const column of core.columns) addResultColumn(column, scope, env.sql, cx, names, meta, outputs, outputExprs);

  const keys = select.orderBy.map((term) => sortKey(term, names, outputs, outputExprs, cx));
  const constant: CompileContext = { scope: null, bindings: env.bindings, functions: env.functions };
  const limit = select.limit ? compileExpr(select.limit.count, constant).fn : null;
  const offset = select.limit?.offset ? compileExpr(select.limit.offset, constant).fn : null;
  const distinct = core.distinct ? outputs.map((o) => o.collation) : null;
  const program = new SelectProgram(names, meta, outputs.map((o) => o.fn), keys, distinct, new JoinLoop(levels), sources, where, limit, offset);
  return Object.assign(program, { traits: outputs.map(traitsOf) });
}

function traitsOf(c: Compiled): ColumnTraits {
  return { affinity: c.affinity, collation: c.collation, explicitCollation: c.explicitCollation };
}

/**
 * The order of the nested loops. With only inner joins, tables are chosen greedily: next comes the
 * table that makes the most WHERE terms checkable (equalities weigh most), so restrictive tables are
 * scanned outermost and joins prune early; ties keep the FROM order. A LEFT JOIN keeps the FROM order.
 */
function joinOrder(levels: Level[], terms: { expr: Expr; tables: number }[]): Level[] {
  if (levels.length < 3 || levels.some((l) => l.left || l.right || l.on !== null)) return levels;
  const bit = (i: number): number => 2 ** Math.min(30, i);
  const weight = (expr: Expr): number => {
    if (expr.kind === 'binary' && (expr.op === '=' || expr.op === 'IS')) return 8;
    if (expr.kind === 'in' || (expr.kind === 'binary' && expr.op === 'OR')) return 4;
    return 2;
  };
  const order: Level[] = [];
  let placed = 0;
  const left = levels.map((level, i) => ({ level, i }));
  while (left.length > 0) {
    let best = 0;
    let bestScore = -1;
    left.forEach(({ i }, k) => {
      const with_ = placed | bit(i);
      let score = 0;
      for (const t of terms) if (t.tables & bit(i) && (t.tables & ~with_) === 0) score += weight(t.expr);
      if (score > bestScore) {
        bestScore = score;
        best = k;
      }
    });
    const [chosen] = left.splice(best, 1);
    order.push(chosen!.level);
    placed |= bit(chosen!.i);
  }
  return order;
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
  names: string[],
  meta: ColumnMeta[],
  outputs: Compiled[],
  outputExprs: (Expr | null)[],
): void {
  if (column.kind === 'expr') {
    const name = column.alias ? column.alias.name : column.expr.kind === 'column' ? column.expr.column.name : sql.slice(column.start, column.end);
    const described = column.expr.kind === 'column' ? scope.describe(column.expr) : undefined;
    names.push(name);
    meta.push(metaOf(name, described));
    outputs.push(compileExpr(column.expr, cx));
    outputExprs.push(column.expr);
    return;
  }
  expandStar(scope, column.kind === 'tableStar' ? column.table.name : null, (name, described, compiled, expr) => {
    names.push(name);
    meta.push(metaOf(name, described));
    outputs.push(compiled);
    outputExprs.push(expr);
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
function sortKey(term: OrderingTerm, names: string[], outputs: Compiled[], outputExprs: (Expr | null)[], cx: CompileContext): SortKey {
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
      throw new SqliteError('SQLITE_ERROR', `1st ORDER BY term out of range - should be between 1 and ${outputs.length}`);
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

class SelectProgram implements Omit<QueryProgram, 'traits'> {
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
    private readonly loop: JoinLoop,
    private readonly sources: RowSource[],
    private readonly where: Evaluator | null,
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
    this.loop.reset();
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
    if (!this.nextJoined()) return false;
    for (let i = 0; i < this.outputs.length; i++) {
      this.values[i] = this.outputs[i]!();
      this.types[i] = evalType;
    }
    return true;
  }

  /** Moves to the next joined row that passes WHERE. */
  private nextJoined(): boolean {
    while (this.loop.next()) {
      if (!this.where || truth(this.where) === true) return true;
    }
    return false;
  }

  /** Every result row with its sort keys, deduplicated (DISTINCT) and sorted (ORDER BY). */
  private materialize(): Row[] {
    const keys = this.keys;
    const outputs = this.outputs;
    const width = keys.length + outputs.length;
    const rows: Row[] = [];
    const distinct = this.distinct;
    const seen = distinct ? new Set<string>() : null;
    while (this.nextJoined()) {
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
        const signature = distinctSignature(row, keys.length, distinct!);
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

/**
 * A string equal for rows DISTINCT treats as the same: numbers by value (1 and 1.0 are one), text under
 * the column's collation (NOCASE folds ASCII case, RTRIM ignores trailing spaces).
 */
function distinctSignature(row: Row, from: number, collations: Collation[]): string {
  let s = '';
  for (let i = from; i < row.types.length; i++) {
    const t = row.types[i] as ValueType;
    const v = row.values[i];
    if (t === ValueType.Null) s += 'n|';
    else if (t === ValueType.Integer || t === ValueType.Real) s += `#${Number(v)}${typeof v === 'bigint' ? `:${v}` : ''}|`;
    else if (t === ValueType.Text) {
      const text = collatedText(v as string, collations[i - from]!);
      s += `t${text.length}:${text}|`;
    } else s += `b${Array.from(v as Uint8Array).join(',')}|`;
  }
  return s;
}

/** Text in a form where equal strings under `collation` are identical. */
function collatedText(text: string, collation: Collation): string {
  if (collation === NOCASE) return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  if (collation === RTRIM) return text.replace(/ +$/, '');
  return text;
}

/** A LIMIT or OFFSET value: an integer, as SQLite requires ("datatype mismatch" otherwise). */
function limitValue(f: Evaluator): number {
  const v = f();
  const n = applyAffinity(Affinity.Integer, evalType, v);
  if (convertedType !== ValueType.Integer) throw new SqliteError('SQLITE_MISMATCH', 'datatype mismatch');
  return Number(n);
}
