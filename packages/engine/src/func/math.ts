/**
 * SQLite's math functions (sqlite.org/lang_mathfunc.html): acos … trunc, pi, pow/power, mod, log in
 * its one- and two-argument forms.
 *
 * Arguments are read as sqlite3_value_numeric_type reads them: INTEGER and REAL as they are,
 * well-formed numeric TEXT as the number it spells; anything else (NULL, BLOB, other TEXT) makes the
 * result NULL. Results are REAL, except that ceil/ceiling/floor/trunc of an INTEGER return it
 * unchanged. A result that is not a number (an argument outside the function's domain, such as
 * sqrt(-1) or acos(2)) is NULL, which `Result.real` already does for NaN; the logarithms return NULL
 * for arguments at or below zero, and log(B, X) also for bases whose natural logarithm is not
 * positive (B <= 1), as SQLite does.
 *
 * The transcendental functions use the JS host's Math, whose results can differ from the C library's
 * in the last bit for some arguments.
 */
import { ValueType } from '../record/value.js';
import { convertedType, numericValue } from '../value/affinity.js';
import type { Args, Result } from '../value/args.js';
import { intToReal } from '../value/convert.js';
import type { Int64 } from '../record/int64.js';
import type { FunctionContext, ScalarFunction } from './types.js';

/** The storage class argument `i` has as a number: Integer, Real, or Null when it is not numeric. */
let numericType: ValueType = ValueType.Null;

/** Argument `i` as a number, setting `numericType` (Null, with a meaningless result, for non-numbers). */
function numericArg(args: Args, i: number): number | Int64 {
  const t = args.type(i);
  if (t === ValueType.Integer || t === ValueType.Real) {
    numericType = t;
    return args.raw(i) as number | Int64;
  }
  if (t !== ValueType.Text) {
    numericType = ValueType.Null;
    return 0;
  }
  const v = numericValue(t, args.raw(i));
  numericType = convertedType === ValueType.Text ? ValueType.Null : convertedType;
  return v as number | Int64;
}

/** Argument `i` as a double, or NaN when it is not numeric. */
function realArg(args: Args, i: number): number {
  const v = numericArg(args, i);
  if (numericType === ValueType.Null) return NaN;
  return numericType === ValueType.Integer ? intToReal(v as Int64) : (v as number);
}

/** A function of one REAL argument. */
export function unaryMath(f: (x: number) => number): ScalarFunction {
  return (_ctx: FunctionContext, args: Args, result: Result): void => {
    const x = realArg(args, 0);
    if (x !== x) return result.null();
    result.real(f(x));
  };
}

/** A function of two REAL arguments. */
export function binaryMath(f: (x: number, y: number) => number): ScalarFunction {
  return (_ctx: FunctionContext, args: Args, result: Result): void => {
    const x = realArg(args, 0);
    if (x !== x) return result.null();
    const y = realArg(args, 1);
    if (y !== y) return result.null();
    result.real(f(x, y));
  };
}

/** ceil/ceiling, floor and trunc: an INTEGER stays as it is; a REAL is rounded by `f`. */
export function roundingMath(f: (x: number) => number): ScalarFunction {
  return (_ctx: FunctionContext, args: Args, result: Result): void => {
    const v = numericArg(args, 0);
    if (numericType === ValueType.Integer) return result.int(v as Int64);
    if (numericType === ValueType.Real) return result.real(f(v as number));
    result.null();
  };
}

/** C's pow: unlike Math.pow, 1 to any power and -1 to an infinite power are 1. */
export function power(x: number, y: number): number {
  if (x === 1 || (x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return Math.pow(x, y);
}

/** C's fmod (JS's % on doubles is the same operation). */
export function fmod(x: number, y: number): number {
  return x % y;
}

const DEGREES_PER_RADIAN = 180 / Math.PI;
const RADIANS_PER_DEGREE = Math.PI / 180;

export function degrees(x: number): number {
  return x * DEGREES_PER_RADIAN;
}

export function radians(x: number): number {
  return x * RADIANS_PER_DEGREE;
}

/** pi(). */
export function piFunction(_ctx: FunctionContext, _args: Args, result: Result): void {
  result.real(Math.PI);
}

/** ln(X), log(X) (base 10), log10(X), log2(X): NULL for X <= 0. */
export function logarithm(f: (x: number) => number): ScalarFunction {
  return (_ctx: FunctionContext, args: Args, result: Result): void => {
    const x = realArg(args, 0);
    if (!(x > 0)) return result.null();
    result.real(f(x));
  };
}

/**
 * log(B, X): the logarithm of X in base B; NULL unless B > 1 and X > 0. As in SQLite, only B is
 * checked for being numeric: X is read as sqlite3_value_double reads it (the numeric prefix of TEXT or
 * a BLOB's text, 0 for NULL).
 */
export function logBaseFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  const b = realArg(args, 0);
  if (!(b > 0)) return result.null();
  const lnB = Math.log(b);
  if (!(lnB > 0)) return result.null();
  const x = args.real(1);
  if (!(x > 0)) return result.null();
  result.real(Math.log(x) / lnB);
}
