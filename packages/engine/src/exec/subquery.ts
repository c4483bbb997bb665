/**
 * Expressions that hold queries or row values: scalar subqueries, EXISTS, IN (SELECT …), IN table,
 * row-value comparisons, IN and BETWEEN over row values (sqlite.org/lang_expr.html, "Subquery
 * Expressions", "Row Values", "The IN and NOT IN operators").
 *
 * A subquery is compiled with the enclosing query's scope as its outer scope, through a probe that
 * notes whether any name resolved there: an uncorrelated subquery runs once per execution of the
 * statement (its result kept until `Runtime.epoch` moves on), a correlated one at every use. For an
 * uncorrelated IN, the right side's rows are kept sorted so each probe is a binary search.
 *
 * IN compares under one affinity per column, chosen from both sides as SQLite does, applied to the left
 * value and to every right value, and under the collation a comparison of the two would use.
 */
import { SqliteError, notSupported } from '../common/errors.js';
import { BINARY, type Collation } from '../record/compare.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { ColumnRef, Expr, InExpr, Select } from '../sql/ast.js';
import { Affinity, applyAffinity, convertedType } from '../value/affinity.js';
import { compareValues, compareWithAffinity } from '../value/compare.js';
import { type Compiled, type CompileContext, type Scope, compileExpr, comparison, comparisonCollation, evalType, inList, produce, produceSubtyped } from './expr.js';
import type { ColumnTraits, QueryProgram, Runtime } from './nested.js';
import { compareRows, type TypedRow } from './rowkey.js';
import { nameSubqueryPlan } from './explain.js';

/** Resolves names in the enclosing scope, noting whether any did (the subquery is then correlated). */
class CorrelationProbe implements Scope {
  correlated = false;

  constructor(private readonly outer: Scope | null) {}

  column(ref: ColumnRef): Compiled | undefined {
    const found = this.outer?.column(ref);
    if (found) this.correlated = true;
    return found;
  }
}

/** A compiled subquery of an expression. */
interface Subquery {
  program: QueryProgram;
  correlated: boolean;
  runtime: Runtime;
}

function compileSubquery(select: Select, cx: CompileContext, kind: 'SCALAR' | 'LIST' = 'SCALAR'): Subquery {
  const env = cx.env!;
  const nested = env.nested!;
  const probe = new CorrelationProbe(cx.scope);
  const program = nested.compileQuery(select, env, probe);
  nameSubqueryPlan(program, `${probe.correlated ? 'CORRELATED ' : ''}${kind} SUBQUERY`);
  return { program, correlated: probe.correlated, runtime: nested.runtime };
}

function operandTraits(program: QueryProgram): readonly ColumnTraits[] {
  return program.operandTraits ?? program.traits;
}

function columnsError(got: number, expected: number): SqliteError {
  return new SqliteError('SQLITE_ERROR', `sub-select returns ${got} columns - expected ${expected}`);
}

function rowValueMisused(): SqliteError {
  return new SqliteError('SQLITE_ERROR', 'row value misused');
}

/** Compiles a query-holding or row-value expression (the cases expr.ts hands over). */
export function compileQueryExpression(expr: Expr, cx: CompileContext): Compiled {
  switch (expr.kind) {
    case 'subquery': {
      const sub = compileSubquery(expr.select, cx);
      if (sub.program.columns.length !== 1) throw columnsError(sub.program.columns.length, 1);
      return scalar(sub);
    }
    case 'exists':
      return exists(compileSubquery(expr.select, cx));
    case 'row':
      throw rowValueMisused();
    case 'binary':
      return compareOperands(expr.op, operand(expr.left, cx), operand(expr.right, cx));
    case 'between':
      return between(expr.not, operand(expr.operand, cx), operand(expr.low, cx), operand(expr.high, cx));
    case 'in':
      return inExpr(expr, cx);
    default:
      throw notSupported(`${expr.kind} with row values`);
  }
}

// ---- scalar subqueries and EXISTS ----------------------------------------------------------------

/** The first row's only column, NULL when there is no row. */
function scalar(sub: Subquery): Compiled {
  const { program, runtime } = sub;
  let epoch = -1;
  let type: ValueType = ValueType.Null;
  let value: SqlValue = null;
  let subtype = 0;
  const fn = (): SqlValue => {
    if (sub.correlated || epoch !== runtime.epoch) {
      program.open(runtime.btree(), { changes: 0, lastInsertRowid: 0 });
      try {
        if (program.step()) {
          type = program.types[0] as ValueType;
          value = program.values[0]!;
          subtype = program.subtypes?.[0] ?? 0;
        } else {
          type = ValueType.Null;
          value = null;
          subtype = 0;
        }
      } finally {
        program.close();
      }
      epoch = runtime.epoch;
    }
    return produceSubtyped(type, value, subtype);
  };
  // A scalar subquery carries its column's affinity (and its value's subtype) but no collation.
  return { fn, affinity: operandTraits(program)[0]!.affinity, collation: BINARY, explicitCollation: false, subtyped: true };
}

/** 1 when the query has a row, else 0; it stops at the first row. */
function exists(sub: Subquery): Compiled {
  const { program, runtime } = sub;
  let epoch = -1;
  let found = 0;
  const fn = (): SqlValue => {
    if (sub.correlated || epoch !== runtime.epoch) {
      program.open(runtime.btree(), { changes: 0, lastInsertRowid: 0 });
      try {
        found = program.step() ? 1 : 0;
      } finally {
        program.close();
      }
      epoch = runtime.epoch;
    }
    return produce(ValueType.Integer, found);
  };
  return { fn, affinity: Affinity.None, collation: BINARY, explicitCollation: false };
}

// ---- operands that may be vectors -----------------------------------------------------------------

/** An operand of one or more values: `load` fills `types`/`values` with the current ones. */
interface Operand {
  width: number;
  /** The scalar form when the width is 1. */
  scalar: Compiled | null;
  traits: readonly ColumnTraits[];
  types: Uint8Array;
  values: SqlValue[];
  load(): void;
}

function operand(expr: Expr, cx: CompileContext): Operand {
  if (expr.kind === 'row') {
    const items = expr.items.map((item) => {
      if (item.kind === 'row') throw rowValueMisused();
      return compileExpr(item, cx);
    });
    return vector(items);
  }
  if (expr.kind === 'subquery') {
    const sub = compileSubquery(expr.select, cx);
    if (sub.program.columns.length === 1) return single(scalar(sub));
    return firstRow(sub);
  }
  return single(compileExpr(expr, cx));
}

function single(c: Compiled): Operand {
  const op: Operand = {
    width: 1,
    scalar: c,
    traits: [c],
    types: new Uint8Array(1),
    values: [null],
    load() {
      op.values[0] = c.fn();
      op.types[0] = evalType;
    },
  };
  return op;
}

function vector(items: Compiled[]): Operand {
  const fns = items.map((i) => i.fn);
  const op: Operand = {
    width: items.length,
    scalar: null,
    traits: items,
    types: new Uint8Array(items.length),
    values: new Array<SqlValue>(items.length).fill(null),
    load() {
      for (let i = 0; i < fns.length; i++) {
        op.values[i] = fns[i]!();
        op.types[i] = evalType;
      }
    },
  };
  return op;
}

/** The first row of a multi-column subquery (all NULL when it has none). */
function firstRow(sub: Subquery): Operand {
  const { program, runtime } = sub;
  const width = program.columns.length;
  let epoch = -1;
  const op: Operand = {
    width,
    scalar: null,
    traits: operandTraits(program),
    types: new Uint8Array(width),
    values: new Array<SqlValue>(width).fill(null),
    load() {
      if (!sub.correlated && epoch === runtime.epoch) return;
      program.open(runtime.btree(), { changes: 0, lastInsertRowid: 0 });
      try {
        if (program.step()) {
          op.types.set(program.types);
          for (let i = 0; i < width; i++) op.values[i] = program.values[i]!;
        } else {
          op.types.fill(ValueType.Null);
          op.values.fill(null);
        }
      } finally {
        program.close();
      }
      epoch = runtime.epoch;
    },
  };
  return op;
}

// ---- row-value comparisons ------------------------------------------------------------------------

/** Compares field `i` of two loaded operands under comparison rules; NaN when either is NULL. */
function compareField(l: Operand, r: Operand, i: number, collation: Collation): number {
  const tl = l.types[i] as ValueType;
  const tr = r.types[i] as ValueType;
  if (tl === ValueType.Null || tr === ValueType.Null) return NaN;
  return compareWithAffinity(l.traits[i]!.affinity, tl, l.values[i]!, r.traits[i]!.affinity, tr, r.values[i]!, collation);
}

/** `l op r` over loaded operands of equal width: 1, 0 or null (SQLite's row-value rules). */
function vectorCompare(op: string, l: Operand, r: Operand, collations: Collation[]): 1 | 0 | null {
  const n = l.width;
  if (op === 'IS' || op === 'IS NOT') {
    let same = true;
    for (let i = 0; i < n && same; i++) {
      const nl = l.types[i] === ValueType.Null;
      const nr = r.types[i] === ValueType.Null;
      same = nl || nr ? nl === nr : compareField(l, r, i, collations[i]!) === 0;
    }
    return same === (op === 'IS') ? 1 : 0;
  }
  if (op === '=' || op === '!=') {
    let sawNull = false;
    for (let i = 0; i < n; i++) {
      const c = compareField(l, r, i, collations[i]!);
      if (Number.isNaN(c)) sawNull = true;
      else if (c !== 0) return op === '=' ? 0 : 1;
    }
    if (sawNull) return null;
    return op === '=' ? 1 : 0;
  }
  for (let i = 0; i < n; i++) {
    const c = compareField(l, r, i, collations[i]!);
    if (Number.isNaN(c)) return null;
    if (c !== 0) return orderTest(op, c) ? 1 : 0;
  }
  return orderTest(op, 0) ? 1 : 0;
}

function orderTest(op: string, c: number): boolean {
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

function collationsOf(l: Operand, r: Operand): Collation[] {
  return l.traits.map((t, i) => comparisonCollation(t, r.traits[i]!));
}

function compareOperands(op: string, l: Operand, r: Operand): Compiled {
  if (l.width !== r.width) throw rowValueMisused();
  if (l.scalar && r.scalar) return comparison(op, l.scalar, r.scalar);
  const collations = collationsOf(l, r);
  return boolean(() => {
    l.load();
    r.load();
    return vectorCompare(op, l, r, collations);
  });
}

/** An evaluator of a three-valued result. */
function boolean(test: () => 1 | 0 | null): Compiled {
  const fn = (): SqlValue => {
    const v = test();
    return v === null ? produce(ValueType.Null, null) : produce(ValueType.Integer, v);
  };
  return { fn, affinity: Affinity.None, collation: BINARY, explicitCollation: false };
}

function between(not: boolean, x: Operand, low: Operand, high: Operand): Compiled {
  if (x.width !== low.width || x.width !== high.width) throw rowValueMisused();
  const lowColl = collationsOf(x, low);
  const highColl = collationsOf(x, high);
  return boolean(() => {
    x.load();
    low.load();
    high.load();
    const ge = vectorCompare('>=', x, low, lowColl);
    const le = vectorCompare('<=', x, high, highColl);
    let result: 1 | 0 | null;
    if (ge === 0 || le === 0) result = 0;
    else if (ge === null || le === null) result = null;
    else result = 1;
    if (result === null || !not) return result;
    return result === 1 ? 0 : 1;
  });
}

// ---- IN -----------------------------------------------------------------------------------------

/** The affinity IN compares a column under, from the right column's and the left value's (SQLite's rule). */
function inAffinity(right: Affinity, left: Affinity): Affinity {
  if (right > Affinity.None && left > Affinity.None) return right >= Affinity.Numeric || left >= Affinity.Numeric ? Affinity.Numeric : Affinity.Blob;
  if (right === Affinity.None && left === Affinity.None) return Affinity.Blob;
  return right > Affinity.None ? right : left;
}

function inExpr(expr: InExpr, cx: CompileContext): Compiled {
  const left = operand(expr.operand, cx);
  const values = expr.values;
  // A one-column subquery on the left of a list is a scalar: only its own affinity applies, as for any x IN (list).
  if (values.kind === 'list' && left.scalar) return inList(left.scalar, values.items, expr.not, cx);
  // A multi-column subquery left of a list: SQLite wants scalars (one row value alone becomes `=`, misused).
  if (values.kind === 'list' && expr.operand.kind === 'subquery' && values.items.length > 0) {
    throw values.items.length === 1 && values.items[0]!.kind === 'row' ? rowValueMisused() : columnsError(left.width, 1);
  }
  if (values.kind === 'list') return inRowList(expr.not, left, values.items.map((item) => operand(item, cx)));
  const select = values.kind === 'inTable' ? tableQuery(values) : values;
  const sub = compileSubquery(select, cx, 'LIST');
  const width = sub.program.columns.length;
  if (width !== left.width) throw columnsError(width, left.width);
  return inSubquery(expr.not, left, sub);
}

/** `x IN table` reads as `x IN (SELECT * FROM table)`. */
function tableQuery(t: Extract<InExpr['values'], { kind: 'inTable' }>): Select {
  if (t.args) throw new SqliteError('SQLITE_ERROR', 'not supported yet: table-valued functions');
  const span = { start: t.start, end: t.end };
  return {
    kind: 'select',
    with: null,
    first: {
      kind: 'simpleSelect',
      distinct: false,
      columns: [{ kind: 'star', ...span }],
      from: { terms: [{ join: null, source: { kind: 'table', schema: t.schema, name: t.name, alias: null, indexed: null, ...span }, constraint: null, ...span }], ...span },
      where: null,
      groupBy: [],
      having: null,
      windows: [],
      ...span,
    },
    compounds: [],
    orderBy: [],
    limit: null,
    ...span,
  };
}

/** `(a, b) IN ((x, y), …)`: the OR of row equalities. */
function inRowList(not: boolean, left: Operand, items: Operand[]): Compiled {
  for (const item of items) if (item.width !== left.width) throw rowValueMisused();
  const collations = items.map((item) => collationsOf(left, item));
  return boolean(() => {
    left.load();
    let sawNull = false;
    for (let k = 0; k < items.length; k++) {
      const item = items[k]!;
      item.load();
      const eq = vectorCompare('=', left, item, collations[k]!);
      if (eq === 1) return not ? 0 : 1;
      if (eq === null) sawNull = true;
    }
    if (sawNull) return null;
    return not ? 1 : 0;
  });
}

/** The right side of an IN, with the affinities applied, sorted for search when uncorrelated. */
interface InSet {
  rows: TypedRow[];
  /** Whether any row has a NULL field. */
  hasNull: boolean;
}

function inSubquery(not: boolean, left: Operand, sub: Subquery): Compiled {
  const { program, runtime } = sub;
  const width = left.width;
  const rightTraits = operandTraits(program);
  const affinities = rightTraits.map((t, i) => inAffinity(t.affinity, left.traits[i]!.affinity));
  const collations = left.traits.map((t, i) => comparisonCollation(t, rightTraits[i]!));
  const probe: TypedRow = { types: new Uint8Array(width), values: new Array<SqlValue>(width).fill(null) };
  let set: InSet | null = null;
  let epoch = -1;

  const load = (): InSet => {
    const rows: TypedRow[] = [];
    let hasNull = false;
    program.open(runtime.btree(), { changes: 0, lastInsertRowid: 0 });
    try {
      while (program.step()) {
        const row: TypedRow = { types: new Uint8Array(width), values: new Array<SqlValue>(width) };
        for (let i = 0; i < width; i++) {
          row.values[i] = applyAffinity(affinities[i]!, program.types[i] as ValueType, program.values[i]!);
          row.types[i] = convertedType;
          if (convertedType === ValueType.Null) hasNull = true;
        }
        rows.push(row);
      }
    } finally {
      program.close();
    }
    if (!sub.correlated) rows.sort((a, b) => compareRows(a, b, collations));
    return { rows, hasNull };
  };

  const test = (): 1 | 0 | null => {
    left.load();
    let leftNull = false;
    for (let i = 0; i < width; i++) {
      probe.values[i] = applyAffinity(affinities[i]!, left.types[i] as ValueType, left.values[i]!);
      probe.types[i] = convertedType;
      if (convertedType === ValueType.Null) leftNull = true;
    }
    if (sub.correlated || epoch !== runtime.epoch) {
      set = load();
      epoch = runtime.epoch;
    }
    const { rows, hasNull } = set!;
    if (rows.length === 0) return 0;
    if (!leftNull && !sub.correlated && search(rows, probe, collations)) return 1;
    if (!leftNull && !hasNull) return sub.correlated ? scan(rows, probe, collations) : 0;
    if (width === 1 && leftNull) return null;
    return scan(rows, probe, collations);
  };
  return boolean(() => {
    const r = test();
    if (r === null || !not) return r;
    return r === 1 ? 0 : 1;
  });
}

/** Whether `rows` (sorted) holds a row equal to `probe` (which has no NULL). */
function search(rows: TypedRow[], probe: TypedRow, collations: Collation[]): boolean {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareRows(rows[mid]!, probe, collations);
    if (c === 0) return true;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** The three-valued OR of `probe = row` over every row. */
function scan(rows: TypedRow[], probe: TypedRow, collations: Collation[]): 1 | 0 | null {
  let sawNull = false;
  for (const row of rows) {
    let eq: 1 | 0 | null = 1;
    for (let i = 0; i < collations.length; i++) {
      const tp = probe.types[i] as ValueType;
      const tr = row.types[i] as ValueType;
      if (tp === ValueType.Null || tr === ValueType.Null) {
        eq = null;
        continue;
      }
      if (compareValues(tp, probe.values[i]!, tr, row.values[i]!, collations[i]!) !== 0) {
        eq = 0;
        break;
      }
    }
    if (eq === 1) return 1;
    if (eq === null) sawNull = true;
  }
  return sawNull ? null : 0;
}
