/**
 * Expressions compiled into closures. Each compiled expression is an `Evaluator`: called with no
 * arguments, it returns the value and leaves its storage class in `evalType` (read it before evaluating
 * anything else). Nothing is boxed: numbers stay numbers, and INTEGER 1 and REAL 1.0 differ only in
 * the type beside them.
 *
 * Compilation resolves names through a `Scope` (the row sources of the statement), binds parameters to
 * a `Bindings` object filled per execution, and records each expression's affinity and collation,
 * which comparisons need (sqlite.org/datatype3.html §4.2, §7.1). No `eval` or `new Function`: a
 * page with a strict Content-Security-Policy runs this as well.
 */
import { notSupported, SqliteError } from '../common/errors.js';
import type { Collation } from '../record/compare.js';
import { BINARY } from '../record/compare.js';
import type { Int64 } from '../record/int64.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { ColumnRef, Expr, FunctionCall } from '../sql/ast.js';
import { lookupFunction } from '../func/registry.js';
import { windowFunction } from '../func/window.js';
import { builtinPatternKind } from '../func/pattern.js';
import type { FunctionContext, FunctionDescriptor, ScalarFunction } from '../func/types.js';
import { Affinity, affinityOfType, castValue, convertedType } from '../value/affinity.js';
import { CapturingResult, SlotArgs } from '../value/args.js';
import * as arith from '../value/arith.js';
import { compareWithAffinity } from '../value/compare.js';
import { truthValue } from '../value/convert.js';
import { collationByName } from '../plan/catalog.js';
import { foldedInteger } from './fold.js';
import { patternOperator } from './like.js';
import { compileRaise } from './raise.js';
import type { CompileEnv } from './program.js';

/** Storage class of the value the last evaluator returned. */
export let evalType: ValueType = ValueType.Null;

/**
 * Subtype of the value the last function call returned (0 for none; see Args.subtype). Only
 * evaluators marked `subtyped` set it, so read it only right after calling one of those.
 */
export let evalSubtype = 0;

/** Reports a value with a subtype as an evaluator's result (for subtyped evaluators built elsewhere). */
export function produceSubtyped(type: ValueType, value: SqlValue, subtype: number): SqlValue {
  evalType = type;
  evalSubtype = subtype;
  return value;
}

export type Evaluator = () => SqlValue;

/** Reports `value` of storage class `type` as an evaluator's result (for evaluators built elsewhere). */
export function produce(type: ValueType, value: SqlValue): SqlValue {
  evalType = type;
  return value;
}

/** A compiled expression with what comparisons need to know of it. */
export interface Compiled {
  fn: Evaluator;
  affinity: Affinity;
  /**
   * The collation, and whether a COLLATE clause in the expression chose it (which outranks a
   * column's). An operator or function over operands takes the first operand's explicit collation.
   */
  collation: Collation;
  explicitCollation: boolean;
  /**
   * Whether `collation` is a column's own (a column reference, also under CAST or unary +), which a
   * comparison prefers to the other side's even when it is BINARY. Undefined on what scopes build:
   * a column reference marks it there (see `columnRef`).
   */
  columnCollation?: boolean;
  /** Whether the evaluator is a function call, which leaves its result's subtype in `evalSubtype`. */
  subtyped?: boolean;
}

/** Resolves column references to evaluators over the current row. */
export interface Scope {
  /** The column `ref` names, or undefined when no source has it. Throws when ambiguous. */
  column(ref: ColumnRef): Compiled | undefined;
}

/** Parameter values of one execution: `types[i]` and `values[i]` for parameter number i + 1. */
export class Bindings {
  types = new Uint8Array(0);
  values: SqlValue[] = [];

  /** Sizes the bindings for `count` parameters, all NULL (reusing the arrays when the size is unchanged). */
  reset(count: number): void {
    if (this.types.length !== count) {
      this.types = new Uint8Array(count);
      this.values = new Array<SqlValue>(count).fill(null);
    } else {
      this.types.fill(ValueType.Null);
      this.values.fill(null);
    }
  }
}

/** Compiles the aggregate calls of an aggregate query (exec/aggregate.ts). */
export interface AggregateHost {
  /** An evaluator of the call's result for the group being output. */
  call(expr: FunctionCall, descriptor: AggregateDescriptor): Compiled;
}

export type AggregateDescriptor = Extract<FunctionDescriptor, { kind: 'aggregate' }>;

/** Compiles the window function calls (`… OVER …`) of a SELECT (exec/window.ts). */
export interface WindowHost {
  /** An evaluator of the call's result for the row being output. */
  call(expr: FunctionCall): Compiled;
}

/** What compilation needs besides the expression. */
export interface CompileContext {
  scope: Scope | null;
  bindings: Bindings;
  functions: FunctionContext;
  /** Where aggregate calls go; null where aggregates are not allowed (WHERE, ON, inside another aggregate). */
  aggregates?: AggregateHost | null;
  /** Where window function calls go; null or absent where they are not allowed. */
  windows?: WindowHost | null;
  /** The statement's compile environment, where subqueries may appear. */
  env?: CompileEnv;
  /**
   * Set for the later rows of a multi-row VALUES that SQLite compiles without its usual name
   * resolution (values-rows.ts): there `x IS TRUE` compares x with 1 rather than testing its truth.
   */
  laterValuesRow?: boolean;
}

const INT64_MAX = 9223372036854775807n;

/** Compiles `expr`. */
export function compileExpr(expr: Expr, cx: CompileContext): Compiled {
  switch (expr.kind) {
    case 'integer':
      return constant(...integerLiteral(expr.text));
    case 'float':
      return constant(ValueType.Real, Number(expr.text));
    case 'string':
      return constant(ValueType.Text, expr.value);
    case 'blob':
      return constant(ValueType.Blob, expr.value);
    case 'null':
      return constant(ValueType.Null, null);
    case 'variable':
      return variable(expr.index - 1, cx.bindings);
    case 'column':
      return columnRef(expr, cx);
    case 'unary': {
      // -9223372036854775808 is the smallest INTEGER, though 9223372036854775808 alone is a REAL.
      if (expr.op === '-' && expr.operand.kind === 'integer' && expr.operand.text === '9223372036854775808') {
        return constant(ValueType.Integer, -9223372036854775808n);
      }
      // A minus sign before a REAL literal makes a negative literal, so -0.0 keeps its sign.
      const literal = expr.op === '-' ? floatLiteral(expr.operand) : null;
      if (literal !== null) return constant(ValueType.Real, -Number(literal.text));
      return unary(expr.op, compileExpr(expr.operand, cx));
    }
    case 'binary':
      // SQLite looks through COLLATE for the keyword (`x IS NOT (FALSE COLLATE RTRIM)` is a truth test,
      // also of a scalar subquery).
      if ((expr.op === 'IS' || expr.op === 'IS NOT') && !cx.laterValuesRow && truthKeyword(withoutCollate(expr.right), cx) !== null) {
        return truthTest(compileExpr(expr.left, cx), truthKeyword(withoutCollate(expr.right), cx)!, expr.op === 'IS NOT');
      }
      if (COMPARISONS.has(expr.op) && (holdsVector(expr.left) || holdsVector(expr.right))) return nested(expr, cx);
      if (expr.op === 'AND' || expr.op === 'OR') return logical(expr.op, expr, compileExpr(expr.left, cx), compileExpr(expr.right, cx), cx);
      // SQLite's JSON operators are the functions named "->" and "->>".
      if (expr.op === '->' || expr.op === '->>') return scalarCall(expr.op, [compileExpr(expr.left, cx), compileExpr(expr.right, cx)], cx.functions);
      return binary(expr.op, compileExpr(expr.left, cx), compileExpr(expr.right, cx));
    case 'collate': {
      const inner = compileExpr(expr.operand, cx);
      return { ...inner, collation: collationByName(expr.collation.name), explicitCollation: true };
    }
    case 'cast':
      return cast(compileExpr(expr.operand, cx), affinityOfType(expr.type?.text ?? ''));
    case 'isNull': {
      const compiled = compileExpr(expr.operand, cx);
      const operand = compiled.fn;
      const not = expr.not;
      return inherited(() => {
        operand();
        const isNull = evalType === ValueType.Null;
        evalType = ValueType.Integer;
        return isNull !== not ? 1 : 0;
      }, [compiled]);
    }
    case 'between':
      if (holdsVector(expr.operand)) return nested(expr, cx);
      return between(compileExpr(expr.operand, cx), compileExpr(expr.low, cx), compileExpr(expr.high, cx), expr.not);
    case 'in':
      if (expr.values.kind !== 'list' || holdsVector(expr.operand)) return nested(expr, cx);
      return inList(compileExpr(expr.operand, cx), expr.values.items, expr.not, cx);
    case 'case':
      return caseExpr(expr, cx);
    case 'like':
      return like(expr, cx);
    case 'function':
      return functionCall(expr, cx);
    case 'currentTime':
      // CURRENT_DATE, CURRENT_TIME and CURRENT_TIMESTAMP are date(), time() and datetime() of 'now'.
      return scalarCall(expr.keyword === 'CURRENT_DATE' ? 'date' : expr.keyword === 'CURRENT_TIME' ? 'time' : 'datetime', [], cx.functions);
    case 'subquery':
    case 'exists':
    case 'row':
      return nested(expr, cx);
    case 'raise':
      return compileRaise(expr, cx);
    default: {
      const unknown: never = expr;
      throw notSupported(`${(unknown as { kind: string }).kind} expressions`);
    }
  }
}

const COMPARISONS: ReadonlySet<string> = new Set(['=', '!=', '<', '<=', '>', '>=', 'IS', 'IS NOT']);

/** Whether `expr` may stand for several values (a row value or a subquery), which nested.ts compiles. */
function holdsVector(expr: Expr): boolean {
  return expr.kind === 'row' || expr.kind === 'subquery';
}

/** Subqueries and row values, compiled by the statement's nested-query compiler. */
function nested(expr: Expr, cx: CompileContext): Compiled {
  const queries = cx.env?.nested;
  if (!queries) throw notSupported('subqueries and row values here');
  return queries.expression(expr, cx);
}

// ---- leaves -------------------------------------------------------------------------------------

function plain(fn: Evaluator, affinity: Affinity = Affinity.None): Compiled {
  return { fn, affinity, collation: BINARY, explicitCollation: false, columnCollation: false };
}

/** An operator or function over `operands`: it takes the first explicit collation among them. */
function inherited(fn: Evaluator, operands: readonly Compiled[], affinity: Affinity = Affinity.None): Compiled {
  for (const o of operands) {
    if (o.explicitCollation) return { fn, affinity, collation: o.collation, explicitCollation: true, columnCollation: false };
  }
  return plain(fn, affinity);
}

/** An operator that passes its operand's collation through, explicit or a column's (CAST, unary +). */
function passingCollation(fn: Evaluator, operand: Compiled, affinity: Affinity): Compiled {
  return { fn, affinity, collation: operand.collation, explicitCollation: operand.explicitCollation, columnCollation: hasColumnCollation(operand) };
}

/** Whether `c` carries a column's collation (a non-BINARY collation that no COLLATE chose is a column's too). */
function hasColumnCollation(c: Pick<Compiled, 'collation' | 'columnCollation'>): boolean {
  return c.columnCollation === true || c.collation !== BINARY;
}

/** The REAL literal `expr` is, looking through unary plus signs, or null. */
function floatLiteral(expr: Expr): Extract<Expr, { kind: 'float' }> | null {
  let e = expr;
  while (e.kind === 'unary' && e.op === '+') e = e.operand;
  return e.kind === 'float' ? e : null;
}

function constant(type: ValueType, value: SqlValue): Compiled {
  return plain(() => {
    evalType = type;
    return value;
  });
}

/**
 * An integer literal: decimal digits, or hex (two's complement of 64 bits). A decimal literal beyond
 * 64 bits is a REAL, as in SQLite; a hex literal beyond 64 bits is an error.
 */
function integerLiteral(text: string): [ValueType, SqlValue] {
  if (/^0x/i.test(text)) {
    const digits = text.slice(2);
    if (digits.length > 16) throw new SqliteError('SQLITE_ERROR', `hex literal too big: ${text}`);
    return [ValueType.Integer, normalize(BigInt.asIntN(64, BigInt(text)))];
  }
  if (text.length < 16) return [ValueType.Integer, Number(text)];
  const big = BigInt(text);
  if (big > INT64_MAX) return [ValueType.Real, Number(text)];
  return [ValueType.Integer, normalize(big)];
}

function normalize(v: bigint): Int64 {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

function variable(i: number, bindings: Bindings): Compiled {
  return plain(() => {
    evalType = bindings.types[i] as ValueType;
    return bindings.values[i]!;
  });
}

function columnRef(ref: ColumnRef, cx: CompileContext): Compiled {
  // In a trigger body, OLD and NEW come after every source of the statement.
  const found = cx.scope?.column(ref) ?? cx.env?.trigger?.scope.column(ref);
  if (found) return found.columnCollation === undefined ? { ...found, columnCollation: true } : found;
  if (ref.table === null && ref.column.quote === null) {
    const name = ref.column.name.toLowerCase();
    if (name === 'true') return constant(ValueType.Integer, 1);
    if (name === 'false') return constant(ValueType.Integer, 0);
  }
  const shown = ref.table ? `${ref.table.name}.${ref.column.name}` : ref.column.name;
  throw new SqliteError('SQLITE_ERROR', `no such column: ${shown}`);
}

// ---- operators ----------------------------------------------------------------------------------

function unary(op: '-' | '+' | '~' | 'NOT', operand: Compiled): Compiled {
  const f = operand.fn;
  switch (op) {
    case '+':
      // No affinity (so `+x` compares as x's value alone), but x's collation.
      return passingCollation(f, operand, Affinity.None);
    case '-':
      return inherited(() => {
        const operand = f();
        const v = arith.negate(evalType, operand);
        evalType = arith.arithType;
        return v;
      }, [operand]);
    case '~':
      return inherited(() => {
        const operand = f();
        const v = arith.bitNot(evalType, operand);
        evalType = arith.arithType;
        return v;
      }, [operand]);
    default: {
      const value = (): SqlValue => {
        const v = f();
        const truth = truthValue(evalType, v);
        if (truth === null) return null;
        evalType = ValueType.Integer;
        return truth ? 0 : 1;
      };
      const test = (): boolean | null => {
        const t = truth(f);
        return t === null ? null : !t;
      };
      return inherited(withTest(value, test), [operand]);
    }
  }
}

/**
 * The keyword TRUE or FALSE right of IS [NOT] (an unquoted bare name that no column takes), as the
 * truth value it tests for, or null.
 */
function truthKeyword(expr: Expr, cx: CompileContext): boolean | null {
  if (expr.kind !== 'column' || expr.table !== null || expr.column.quote !== null) return null;
  const name = expr.column.name.toLowerCase();
  if (name !== 'true' && name !== 'false') return null;
  if (cx.scope?.column(expr)) return null;
  return name === 'true';
}

function withoutCollate(expr: Expr): Expr {
  return expr.kind === 'collate' ? withoutCollate(expr.operand) : expr;
}

/** `x IS [NOT] TRUE|FALSE`: whether x's truth value is (not) `wanted`; NULL is neither. */
function truthTest(x: Compiled, wanted: boolean, not: boolean): Compiled {
  const f = x.fn;
  return inherited(() => setInt(truth(f) === wanted !== not ? 1 : 0), [x]);
}

/** The truth value of `f`'s result: true, false, or null for NULL (SQLite's rules for text and blobs). */
export function truth(f: Evaluator): boolean | null {
  const test = (f as Condition).test;
  if (test !== undefined) return test();
  const v = f();
  return truthValue(evalType, v);
}

/**
 * An evaluator that also has a short-circuiting truth test. SQLite evaluates AND, OR and NOT one way
 * where only the truth value matters (WHERE, ON, HAVING, CASE WHEN, CHECK: the left operand decides
 * alone when it can) and another where the value is used (both operands, left then right), which
 * shows in which error a statement raises.
 */
type Condition = Evaluator & { test?: () => boolean | null };

function withTest(fn: Evaluator, test: () => boolean | null): Evaluator {
  return Object.assign(fn, { test });
}

function valueTruth(f: Evaluator): boolean | null {
  const v = f();
  return truthValue(evalType, v);
}

/**
 * `left AND right` / `left OR right`. As a value both operands are evaluated, left first, unless a
 * subquery makes one side costly: a subquery on the right is skipped when the left decides, and a
 * subquery on the left alone is evaluated second, skipped when the right decides (as SQLite does).
 */
function logical(op: 'AND' | 'OR', expr: Extract<Expr, { kind: 'binary' }>, left: Compiled, right: Compiled, cx: CompileContext): Compiled {
  const decisive = op === 'OR';
  // An operand that is always true or always false simplifies the operator to one side first (the
  // other is never evaluated), and that side is used for its truth value.
  const side = simplifiedSide(op, expr, cx);
  if (side !== null) {
    const known = constantTruth(side === 'left' ? expr.left : expr.right, cx);
    if (known !== null) return inherited(withTest(() => setInt(known ? 1 : 0), () => known), [left, right]);
    const kept = side === 'left' ? left.fn : right.fn;
    const keptValue = (): SqlValue => {
      const t = valueTruth(kept);
      return t === null ? setNull() : setInt(t ? 1 : 0);
    };
    return inherited(withTest(keptValue, () => truth(kept)), [left, right]);
  }
  const rightHeavy = holdsSubquery(expr.right);
  const swap = !rightHeavy && holdsSubquery(expr.left);
  const first = swap ? right.fn : left.fn;
  const second = swap ? left.fn : right.fn;
  const skip = rightHeavy || swap;
  const combine = (a: boolean | null, b: boolean | null): SqlValue => {
    if (a === decisive || b === decisive) return setInt(decisive ? 1 : 0);
    if (a === null || b === null) return setNull();
    return setInt(decisive ? 0 : 1);
  };
  const value = (): SqlValue => {
    const a = valueTruth(first);
    if (skip && a === decisive) return setInt(decisive ? 1 : 0);
    return combine(a, valueTruth(second));
  };
  const l = left.fn;
  const r = right.fn;
  const test = (): boolean | null => {
    const a = truth(l);
    if (a === decisive) return decisive;
    const b = truth(r);
    if (b === decisive) return decisive;
    return a === null || b === null ? null : !decisive;
  };
  return inherited(withTest(value, test), [left, right]);
}

/**
 * The operand SQLite reduces `left AND|OR right` to when one operand is always true or always false
 * (AND: a true side gives the other, a false side itself; OR the reverse), or null.
 */
function simplifiedSide(op: 'AND' | 'OR', expr: Extract<Expr, { kind: 'binary' }>, cx: CompileContext): 'left' | 'right' | null {
  const l = constantTruth(expr.left, cx);
  const r = constantTruth(expr.right, cx);
  if (l === true || r === false) return op === 'AND' ? 'right' : 'left';
  if (r === true || l === false) return op === 'AND' ? 'left' : 'right';
  return null;
}

/** Whether `expr` is always true or always false as SQLite sees it before evaluating (an integer literal, TRUE, FALSE, folds of them); else null. */
function constantTruth(expr: Expr, cx: CompileContext): boolean | null {
  if (expr.kind === 'binary' && (expr.op === 'AND' || expr.op === 'OR')) {
    const side = simplifiedSide(expr.op, expr, cx);
    return side === null ? null : constantTruth(side === 'left' ? expr.left : expr.right, cx);
  }
  const v = foldedInteger(expr);
  if (v !== null) return v !== 0;
  return truthKeyword(expr, cx);
}

/** Whether `node` (an expression or a part of one) holds a subquery: scalar, EXISTS or IN. */
function holdsSubquery(node: unknown): boolean {
  if (typeof node !== 'object' || node === null || node instanceof Uint8Array) return false;
  if (Array.isArray(node)) return node.some(holdsSubquery);
  const kind = (node as { kind?: unknown }).kind;
  if (kind === 'subquery' || kind === 'exists' || kind === 'select' || kind === 'inTable') return true;
  return Object.values(node).some(holdsSubquery);
}

type ArithFn = (ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue) => SqlValue;

const ARITH: Partial<Record<string, ArithFn>> = {
  '+': arith.add,
  '-': arith.subtract,
  '*': arith.multiply,
  '/': arith.divide,
  '%': arith.remainder,
  '&': arith.bitAnd,
  '|': arith.bitOr,
  '<<': arith.shiftLeft,
  '>>': arith.shiftRight,
  '||': arith.concat,
};

function binary(op: string, left: Compiled, right: Compiled): Compiled {
  const l = left.fn;
  const r = right.fn;
  const op2 = ARITH[op];
  const operands = [left, right];
  if (op2) {
    return inherited(() => {
      const a = l();
      const ta = evalType;
      const b = r();
      const v = op2(ta, a, evalType, b);
      evalType = arith.arithType;
      return v;
    }, operands);
  }
  switch (op) {
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
    case 'IS':
    case 'IS NOT':
      return comparison(op, left, right);
    default:
      throw notSupported(`the ${op} operator`);
  }
}

function setInt(v: number): SqlValue {
  evalType = ValueType.Integer;
  return v;
}

function setNull(): SqlValue {
  evalType = ValueType.Null;
  return null;
}

type CollationTraits = Pick<Compiled, 'collation' | 'explicitCollation' | 'columnCollation'>;

/**
 * The collation a comparison of `left` and `right` uses (datatype3.html §7.1): an explicit one, the
 * left's first; else a column's own, the left's first (a BINARY column outranks a NOCASE right
 * side); else BINARY.
 */
export function comparisonCollation(left: CollationTraits, right: CollationTraits): Collation {
  if (left.explicitCollation) return left.collation;
  if (right.explicitCollation) return right.collation;
  if (hasColumnCollation(left)) return left.collation;
  if (hasColumnCollation(right)) return right.collation;
  return BINARY;
}

/** `left op right` for a comparison operator (=, !=, <, <=, >, >=, IS, IS NOT). */
export function comparison(op: string, left: Compiled, right: Compiled): Compiled {
  const l = left.fn;
  const r = right.fn;
  const affA = left.affinity;
  const affB = right.affinity;
  const coll = comparisonCollation(left, right);
  const test = comparisonTest(op);
  const nullAware = op === 'IS' || op === 'IS NOT';
  return inherited(() => {
    const a = l();
    const ta = evalType;
    const b = r();
    const tb = evalType;
    if (ta === ValueType.Null || tb === ValueType.Null) {
      if (!nullAware) return setNull();
      const same = ta === tb;
      return setInt((op === 'IS') === same ? 1 : 0);
    }
    return setInt(test(compareWithAffinity(affA, ta, a, affB, tb, b, coll)) ? 1 : 0);
  }, [left, right]);
}

function comparisonTest(op: string): (c: number) => boolean {
  switch (op) {
    case '=':
    case 'IS':
      return (c) => c === 0;
    case '!=':
    case 'IS NOT':
      return (c) => c !== 0;
    case '<':
      return (c) => c < 0;
    case '<=':
      return (c) => c <= 0;
    case '>':
      return (c) => c > 0;
    default:
      return (c) => c >= 0;
  }
}

function cast(operand: Compiled, affinity: Affinity): Compiled {
  const f = operand.fn;
  const fn = (): SqlValue => {
    const operand = f();
    const v = castValue(affinity, evalType, operand);
    evalType = convertedType;
    return v;
  };
  return passingCollation(fn, operand, affinity);
}

/** `x [NOT] BETWEEN low AND high`: x ≥ low AND x ≤ high, with x evaluated once. */
function between(x: Compiled, low: Compiled, high: Compiled, not: boolean): Compiled {
  const fx = x.fn;
  const fl = low.fn;
  const fh = high.fn;
  const collLow = comparisonCollation(x, low);
  const collHigh = comparisonCollation(x, high);
  return inherited(() => {
    const v = fx();
    const tv = evalType;
    const lo = fl();
    const tlo = evalType;
    const hi = fh();
    const thi = evalType;
    const ge = tv === ValueType.Null || tlo === ValueType.Null ? null : compareWithAffinity(x.affinity, tv, v, low.affinity, tlo, lo, collLow) >= 0;
    const le = tv === ValueType.Null || thi === ValueType.Null ? null : compareWithAffinity(x.affinity, tv, v, high.affinity, thi, hi, collHigh) <= 0;
    let result: boolean | null;
    if (ge === false || le === false) result = false;
    else if (ge === null || le === null) result = null;
    else result = true;
    if (result === null) return setNull();
    return setInt(result !== not ? 1 : 0);
  }, [x, low, high]);
}

/**
 * `x [NOT] IN (a, b, …)`: true on a match, NULL when no match but a NULL was compared, else false.
 * The items have no affinity (x's alone applies, datatype3.html §4.2) and x's collation is used; a
 * single constant item is `x = +a`, where a COLLATE on the item counts too.
 */
export function inList(x: Compiled, itemExprs: readonly Expr[], not: boolean, cx: CompileContext): Compiled {
  const fx = x.fn;
  const compiled = itemExprs.map((e) => compileExpr(e, cx));
  const single = itemExprs.length === 1 && parseTimeConstant(itemExprs[0]!);
  const coll = comparisonCollation(x, single ? compiled[0]! : NO_COLLATION);
  const items = compiled.map((c) => c.fn);
  const affinity = x.affinity;
  // x IN () is false without evaluating x.
  if (items.length === 0) return inherited(() => setInt(not ? 1 : 0), [x, ...compiled]);
  // SQLite builds a lookup table of a constant list of three or more items, evaluating them all
  // first; otherwise it compares item by item and stops at the first match (after a NULL x too).
  if (items.length > 2 && itemExprs.every(parseTimeConstant)) {
    const types = new Uint8Array(items.length);
    const values = new Array<SqlValue>(items.length).fill(null);
    return inherited(() => {
      for (let i = 0; i < items.length; i++) {
        values[i] = items[i]!();
        types[i] = evalType;
      }
      const v = fx();
      const tv = evalType;
      if (tv === ValueType.Null) return setNull();
      let sawNull = false;
      for (let i = 0; i < items.length; i++) {
        const tw = types[i] as ValueType;
        if (tw === ValueType.Null) sawNull = true;
        else if (compareWithAffinity(affinity, tv, v, Affinity.None, tw, values[i]!, coll) === 0) return setInt(not ? 0 : 1);
      }
      return sawNull ? setNull() : setInt(not ? 1 : 0);
    }, [x, ...compiled]);
  }
  return inherited(() => {
    const v = fx();
    const tv = evalType;
    let sawNull = tv === ValueType.Null;
    for (const item of items) {
      const w = item();
      const tw = evalType;
      if (tw === ValueType.Null) sawNull = true;
      else if (tv !== ValueType.Null && compareWithAffinity(affinity, tv, v, Affinity.None, tw, w, coll) === 0) return setInt(not ? 0 : 1);
    }
    return sawNull ? setNull() : setInt(not ? 1 : 0);
  }, [x, ...compiled]);
}

const NO_COLLATION: CollationTraits = { collation: BINARY, explicitCollation: false, columnCollation: false };

/**
 * Whether `expr` is constant as SQLite's parser sees it: no column or subquery (the keywords TRUE
 * and FALSE count as constants, and so do functions of constants).
 */
function parseTimeConstant(expr: Expr): boolean {
  switch (expr.kind) {
    case 'integer':
    case 'float':
    case 'string':
    case 'blob':
    case 'null':
    case 'variable':
      return true;
    case 'column':
      return expr.table === null && expr.column.quote === null && /^(true|false)$/i.test(expr.column.name);
    case 'unary':
    case 'collate':
    case 'cast':
    case 'isNull':
      return parseTimeConstant(expr.operand);
    case 'binary':
    case 'like':
      return parseTimeConstant(expr.left) && parseTimeConstant(expr.right) && (expr.kind !== 'like' || !expr.escape || parseTimeConstant(expr.escape));
    case 'between':
      return parseTimeConstant(expr.operand) && parseTimeConstant(expr.low) && parseTimeConstant(expr.high);
    case 'function':
      return expr.args.every(parseTimeConstant);
    case 'case':
      return (
        (!expr.operand || parseTimeConstant(expr.operand)) &&
        expr.whens.every((w) => parseTimeConstant(w.when) && parseTimeConstant(w.then)) &&
        (!expr.else || parseTimeConstant(expr.else))
      );
    default:
      return false;
  }
}

function caseExpr(expr: Extract<Expr, { kind: 'case' }>, cx: CompileContext): Compiled {
  const base = expr.operand ? compileExpr(expr.operand, cx) : null;
  const whens = expr.whens.map((w) => ({ when: compileExpr(w.when, cx), then: compileExpr(w.then, cx) }));
  const otherwiseCompiled = expr.else ? compileExpr(expr.else, cx) : null;
  const carries = whens.some((w) => w.then.subtyped) || otherwiseCompiled?.subtyped === true;
  const thens = whens.map((w) => branch(w.then, carries));
  const otherwise = otherwiseCompiled ? branch(otherwiseCompiled, carries) : null;
  const operands: Compiled[] = base ? [base] : [];
  for (const { when, then } of whens) operands.push(when, then);
  if (otherwiseCompiled) operands.push(otherwiseCompiled);
  const compiled = inherited(() => {
    if (base) {
      const v = base.fn();
      const tv = evalType;
      for (let k = 0; k < whens.length; k++) {
        const when = whens[k]!.when;
        const w = when.fn();
        const tw = evalType;
        if (tv === ValueType.Null || tw === ValueType.Null) continue;
        if (compareWithAffinity(base.affinity, tv, v, when.affinity, tw, w, comparisonCollation(base, when)) === 0) return thens[k]!();
      }
    } else {
      for (let k = 0; k < whens.length; k++) if (truth(whens[k]!.when.fn) === true) return thens[k]!();
    }
    if (otherwise) return otherwise();
    evalSubtype = 0;
    return setNull();
  }, operands);
  if (carries) compiled.subtyped = true;
  return compiled;
}

/**
 * A branch of CASE, coalesce() or iif(), which pass the chosen value's subtype on (`carries`: some
 * branch is a function call): a branch that is not a call reports no subtype.
 */
function branch(c: Compiled, carries: boolean): Evaluator {
  if (!carries || c.subtyped) return c.fn;
  const f = c.fn;
  return () => {
    const v = f();
    evalSubtype = 0;
    return v;
  };
}

/** `x [NOT] LIKE|GLOB p [ESCAPE e]` through the like()/glob() functions, as SQLite rewrites it. */
function like(expr: Extract<Expr, { kind: 'like' }>, cx: CompileContext): Compiled {
  if (expr.op !== 'LIKE' && expr.op !== 'GLOB') throw notSupported(`the ${expr.op} operator`);
  const args = [expr.right, expr.left, ...(expr.escape ? [expr.escape] : [])].map((a) => compileExpr(a, cx));
  const name = expr.op.toLowerCase();
  const descriptor = cx.functions.overrides?.find(name, args.length) ?? lookupFunction(name, args.length);
  const kind = descriptor?.kind === 'scalar' ? builtinPatternKind(descriptor.implementation) : null;
  const call = kind === null ? scalarCall(name, args, cx.functions) : inherited(patternOperator(kind, args[0]!.fn, args[1]!.fn, args[2]?.fn ?? null), args);
  if (!expr.not) return call;
  return unary('NOT', call);
}

function functionCall(expr: Extract<Expr, { kind: 'function' }>, cx: CompileContext): Compiled {
  const name = expr.name.name;
  if (expr.over) {
    if (!cx.windows) throw new SqliteError('SQLITE_ERROR', `misuse of window function ${name}()`);
    return cx.windows.call(expr);
  }
  const argc = expr.star ? 0 : expr.args.length;
  const descriptor = cx.functions.overrides?.find(name, argc) ?? lookupFunction(name, argc);
  if (!descriptor && windowFunction(name)) throw new SqliteError('SQLITE_ERROR', `misuse of window function ${name}()`);
  if (descriptor?.kind === 'aggregate') {
    if (!cx.aggregates) throw new SqliteError('SQLITE_ERROR', `misuse of aggregate function ${name}()`);
    return cx.aggregates.call(expr, descriptor);
  }
  if (expr.star) throw new SqliteError('SQLITE_ERROR', `wrong number of arguments to function ${name}()`);
  if (expr.filter) throw new SqliteError('SQLITE_ERROR', `FILTER may not be used with non-aggregate ${name}()`);
  if (expr.orderBy.length > 0) throw new SqliteError('SQLITE_ERROR', `ORDER BY may not be used with non-aggregate ${name}()`);
  const args = expr.args.map((a) => compileExpr(a, cx));
  if (!cx.functions.overrides?.find(name, argc)) {
    const lazy = lazyCall(name.toLowerCase(), args);
    if (lazy) return lazy;
  }
  return scalarCall(name, args, cx.functions);
}

/**
 * The built-ins SQLite evaluates lazily, argument by argument, as it does CASE: coalesce() and
 * ifnull() stop at the first non-NULL argument, iif()/if() evaluate only the branch taken. Null
 * when `name` is not one of them (or has a count of arguments it does not take).
 */
function lazyCall(name: string, args: Compiled[]): Compiled | null {
  const carries = args.some((a) => a.subtyped);
  const fns = args.map((a) => branch(a, carries));
  let compiled: Compiled | null = null;
  if ((name === 'coalesce' && args.length >= 2) || (name === 'ifnull' && args.length === 2)) {
    compiled = inherited(() => {
      for (let i = 0; i < fns.length - 1; i++) {
        const v = fns[i]!();
        if (evalType !== ValueType.Null) return v;
      }
      return fns[fns.length - 1]!();
    }, args);
  } else if ((name === 'iif' || name === 'if') && (args.length === 2 || args.length === 3)) {
    const cond = args[0]!.fn;
    const [, then, otherwise] = fns;
    compiled = inherited(() => {
      if (truth(cond) === true) return then!();
      if (otherwise) return otherwise();
      evalSubtype = 0;
      return setNull();
    }, args);
  }
  if (compiled && carries) compiled.subtyped = true;
  return compiled;
}

function scalarCall(name: string, args: Compiled[], functions: FunctionContext): Compiled {
  const descriptor = functions.overrides?.find(name, args.length) ?? lookupFunction(name, args.length);
  if (!descriptor) {
    if (anyArity(name) || functions.overrides?.has(name)) throw new SqliteError('SQLITE_ERROR', `wrong number of arguments to function ${name}()`);
    throw new SqliteError('SQLITE_ERROR', `no such function: ${name}`);
  }
  if (descriptor.kind !== 'scalar') throw new SqliteError('SQLITE_ERROR', `misuse of aggregate: ${name}()`);
  const impl: ScalarFunction = descriptor.implementation;
  const slots = new SlotArgs(args.length);
  const result = new CapturingResult();
  const fns = args.map((a) => a.fn);
  const subtyped = args.map((a) => a.subtyped === true);
  const context = comparesArguments(name) ? withCollation(functions, argumentCollation(args)) : functions;
  // A function result has no affinity; it takes the first explicit collation among its arguments.
  const call = inherited(() => {
    for (let i = 0; i < fns.length; i++) {
      slots.values[i] = fns[i]!();
      slots.types[i] = evalType;
      slots.subtypes[i] = subtyped[i] ? evalSubtype : 0;
    }
    result.reset();
    impl(context, slots, result);
    if (result.errorMessage !== null) throw new SqliteError('SQLITE_ERROR', result.errorMessage);
    if (result.tooLarge) throw new SqliteError('SQLITE_TOOBIG', 'string or blob too big');
    evalType = result.type;
    evalSubtype = result.resultSubtype;
    return result.value;
  }, args);
  call.subtyped = true;
  return call;
}

/** Whether the built-in `name` compares its arguments under a collation (SQLite's min, max and nullif). */
function comparesArguments(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'min' || n === 'max' || n === 'nullif';
}

/** The collation of the first argument that has one, explicit or a column's; else BINARY. */
function argumentCollation(args: readonly Compiled[]): Collation {
  for (const a of args) if (a.explicitCollation || hasColumnCollation(a)) return a.collation;
  return BINARY;
}

function withCollation(functions: FunctionContext, collation: Collation): FunctionContext {
  if (collation === functions.collation) return functions;
  return {
    collation,
    connection: functions.connection,
    random32: () => functions.random32(),
    currentTime: () => functions.currentTime(),
    ...(functions.overrides ? { overrides: functions.overrides } : {}),
  };
}

/** Whether `name` is a function under some argument count (for the "wrong number of arguments" error). */
function anyArity(name: string): boolean {
  for (let n = 0; n <= 8; n++) if (lookupFunction(name, n)) return true;
  return false;
}
