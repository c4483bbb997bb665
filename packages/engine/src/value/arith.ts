/**
 * SQL arithmetic, bitwise operators and concatenation with SQLite's exact results
 * (sqlite.org/lang_expr.html#operators).
 *
 * Operands are (ValueType, SqlValue) pairs. TEXT and BLOB operands are read as numbers first: the
 * numeric prefix of the text, an INTEGER when it is integer syntax that fits in 64 bits (and is not
 * followed by a NUL character), else a REAL (so '3abc' + 1 is 4 and '1e3' + 0 is 1000.0). When the
 * operation is done in doubles, such an operand contributes the double value of its prefix (so '-0'
 * is -0.0 there). NULL in, NULL out.
 *
 * - INTEGER op INTEGER is exact 64-bit arithmetic; on overflow SQLite redoes the operation in
 *   doubles, so the result becomes a REAL. Division truncates toward zero; x / 0 and x % 0 are NULL;
 *   x % -1 is 0.
 * - Any REAL operand makes the operation a double one, with a REAL result (1.5 + 1.5 is 3.0). A NaN
 *   result (Inf - Inf) is NULL. `%` on REALs converts both operands to INTEGER first (as
 *   sqlite3_value_int64 does: REALs truncated and saturated, text by its integer prefix) and gives
 *   the remainder as a REAL.
 * - Unary minus is `0 - a`, so -(0.0) is 0.0 and -(-2^63) the REAL 2^63.
 * - `& | ~ << >>` read both operands as INTEGER (sqlite3_value_int64 rules) and work on 64-bit two's
 *   complement; a negative shift count shifts the other way and counts of 64 or more shift all
 *   bits out.
 *
 * Every function returns the result value and leaves its storage class in the live binding
 * `arithType`. INTEGER results are in Int64 form (see int64.ts). When both operands are safe-range
 * INTEGERs or REALs nothing is allocated.
 */
import { type Int64, int64FromWords, int64Hi, int64Lo, normalizeInt64, splitInt64 } from '../record/int64.js';
import { type SqlValue, ValueType, decodeUtf8 } from '../record/value.js';
import {
  scanEnd,
  scanHasDigits,
  scanInt,
  scanIntFits,
  scanIsInt,
  scanNumber,
  scanReal,
  toBlob,
  toInt,
  toText,
} from './convert.js';

/** Storage class of the value most recently returned by a function of this module. */
export let arithType: ValueType = ValueType.Null;

const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;

// The operand most recently read by `readOperand`.
const K_NULL = 0;
const K_INT = 1;
const K_REAL = 2;
let opKind = K_NULL;
let opInt: Int64 = 0;
let opReal = 0;

/** Reads an operand as a number into `opKind`/`opInt`/`opReal` (`opReal` is set for every kind). */
function readOperand(t: ValueType, v: SqlValue): void {
  switch (t) {
    case ValueType.Integer:
      opKind = K_INT;
      opInt = v as Int64;
      opReal = typeof v === 'number' ? v : Number(v);
      return;
    case ValueType.Real:
      opKind = K_REAL;
      opReal = v as number;
      return;
    case ValueType.Null:
      opKind = K_NULL;
      return;
    default: {
      const s = t === ValueType.Text ? (v as string) : decodeUtf8(v as Uint8Array);
      scanNumber(s);
      opReal = scanReal;
      if (!scanHasDigits) {
        opKind = K_INT;
        opInt = 0;
      } else if (scanIsInt && scanIntFits && s.charCodeAt(scanEnd) !== 0) {
        opKind = K_INT;
        opInt = scanInt;
      } else {
        opKind = K_REAL;
      }
    }
  }
}

const OP_ADD = 0;
const OP_SUB = 1;
const OP_MUL = 2;
const OP_DIV = 3;
const OP_REM = 4;

function nullResult(): null {
  arithType = ValueType.Null;
  return null;
}

function realResult(r: number): SqlValue {
  if (r !== r) return nullResult();
  arithType = ValueType.Real;
  return r;
}

/** `a op b` on two INTEGERs; a REAL on overflow, NULL for a zero divisor. */
function intOp(op: number, a: Int64, b: Int64): SqlValue {
  if (typeof a === 'number' && typeof b === 'number') {
    let r: number;
    switch (op) {
      case OP_ADD:
        r = a + b;
        break;
      case OP_SUB:
        r = a - b;
        break;
      case OP_MUL:
        r = a * b;
        break;
      case OP_DIV:
        if (b === 0) return nullResult();
        r = Math.trunc(a / b);
        break;
      default:
        if (b === 0) return nullResult();
        r = a % b;
    }
    if (Number.isSafeInteger(r)) {
      arithType = ValueType.Integer;
      return r || 0; // no negative zero among INTEGERs
    }
  }
  return bigIntOp(op, BigInt(a), BigInt(b));
}

/** The general case of `intOp`, outside the safe range. */
function bigIntOp(op: number, a: bigint, b: bigint): SqlValue {
  let r: bigint;
  switch (op) {
    case OP_ADD:
      r = a + b;
      break;
    case OP_SUB:
      r = a - b;
      break;
    case OP_MUL:
      r = a * b;
      break;
    case OP_DIV:
      if (b === 0n) return nullResult();
      r = a / b;
      break;
    default:
      if (b === 0n) return nullResult();
      if (b === -1n) b = 1n;
      r = a % b;
  }
  if (r < INT64_MIN || r > INT64_MAX) return realResult(realOp(op, Number(a), Number(b)));
  arithType = ValueType.Integer;
  return normalizeInt64(r);
}

/** `a op b` in doubles (the remainder excepted, which `remainderOfReals` handles). */
function realOp(op: number, a: number, b: number): number {
  switch (op) {
    case OP_ADD:
      return a + b;
    case OP_SUB:
      return a - b;
    case OP_MUL:
      return a * b;
    default:
      return b === 0 ? NaN : a / b;
  }
}

/** `%` done in doubles: both operands read as INTEGERs, the remainder returned as a REAL. */
function remainderAsReal(ia: Int64, ib: Int64): SqlValue {
  if (ib === 0) return nullResult();
  if (ib === -1) ib = 1;
  arithType = ValueType.Real;
  if (typeof ia === 'number' && typeof ib === 'number') return (ia % ib) + 0; // + 0: no negative zero
  return Number(BigInt(ia) % BigInt(ib));
}

function arith(op: number, ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue): SqlValue {
  if (ta === ValueType.Integer && tb === ValueType.Integer) return intOp(op, a as Int64, b as Int64);
  readOperand(ta, a);
  if (opKind === K_NULL) return nullResult();
  const kindA = opKind;
  const intA = opInt;
  const realA = opReal;
  readOperand(tb, b);
  if (opKind === K_NULL) return nullResult();
  if (kindA === K_INT && opKind === K_INT) return intOp(op, intA, opInt);
  if (op === OP_REM) return remainderAsReal(toInt(ta, a), toInt(tb, b));
  if (op === OP_DIV && opReal === 0) return nullResult();
  return realResult(realOp(op, realA, opReal));
}

/** `a + b`. */
export function add(ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue): SqlValue {
  return arith(OP_ADD, ta, a, tb, b);
}

/** `a - b`. */
export function subtract(ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue): SqlValue {
  return arith(OP_SUB, ta, a, tb, b);
}

/** `a * b`. */
export function multiply(ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue): SqlValue {
  return arith(OP_MUL, ta, a, tb, b);
}

/** `a / b`: NULL when b is zero; INTEGER division truncates toward zero. */
export function divide(ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue): SqlValue {
  return arith(OP_DIV, ta, a, tb, b);
}

/** `a % b`: NULL when b is (or truncates to) zero; the sign follows `a`. */
export function remainder(ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue): SqlValue {
  return arith(OP_REM, ta, a, tb, b);
}

/** Unary `-a`, which SQLite evaluates as `0 - a`. */
export function negate(t: ValueType, v: SqlValue): SqlValue {
  return arith(OP_SUB, ValueType.Integer, 0, t, v);
}

// ---- Bitwise operators on 64-bit two's complement, through (hi, lo) 32-bit words ---------------

const B_AND = 0;
const B_OR = 1;
const B_SHL = 2;
const B_SHR = 3;

function bitwise(op: number, ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue): SqlValue {
  if (ta === ValueType.Null || tb === ValueType.Null) return nullResult();
  arithType = ValueType.Integer;
  const x = toInt(ta, a);
  const y = toInt(tb, b);
  if (op === B_AND || op === B_OR) {
    if (typeof x === 'number' && typeof y === 'number' && (x | 0) === x && (y | 0) === y) {
      return op === B_AND ? x & y : x | y;
    }
    splitInt64(x);
    const xh = int64Hi;
    const xl = int64Lo;
    splitInt64(y);
    return op === B_AND ? int64FromWords(xh & int64Hi, xl & int64Lo) : int64FromWords(xh | int64Hi, xl | int64Lo);
  }
  // A negative count shifts the other way; -2^63 and counts beyond 63 shift everything out.
  let left = op === B_SHL;
  let n: number;
  if (typeof y === 'number' && y > -64 && y < 64) {
    n = y;
    if (n < 0) {
      left = !left;
      n = -n;
    }
  } else {
    n = 64;
    if (y < 0) left = !left;
  }
  if (n === 0) return x;
  splitInt64(x);
  let hi = int64Hi;
  let lo = int64Lo;
  if (n >= 64) return left || hi >= 0 ? 0 : -1;
  if (left) {
    if (n >= 32) {
      hi = lo << (n - 32);
      lo = 0;
    } else {
      hi = (hi << n) | (lo >>> (32 - n));
      lo = lo << n;
    }
  } else if (n >= 32) {
    lo = hi >> (n - 32);
    hi = hi >> 31;
  } else {
    lo = (lo >>> n) | (hi << (32 - n));
    hi = hi >> n;
  }
  return int64FromWords(hi, lo);
}

/** `a & b`. */
export function bitAnd(ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue): SqlValue {
  return bitwise(B_AND, ta, a, tb, b);
}

/** `a | b`. */
export function bitOr(ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue): SqlValue {
  return bitwise(B_OR, ta, a, tb, b);
}

/** `a << b` (a negative b shifts right). */
export function shiftLeft(ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue): SqlValue {
  return bitwise(B_SHL, ta, a, tb, b);
}

/** `a >> b`, arithmetic (a negative b shifts left). */
export function shiftRight(ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue): SqlValue {
  return bitwise(B_SHR, ta, a, tb, b);
}

/** `~a`. */
export function bitNot(t: ValueType, v: SqlValue): SqlValue {
  if (t === ValueType.Null) return nullResult();
  arithType = ValueType.Integer;
  const x = toInt(t, v);
  if (typeof x === 'number' && (x | 0) === x) return ~x;
  splitInt64(x);
  return int64FromWords(~int64Hi, ~int64Lo);
}

/**
 * `a || b`: the text forms joined (numbers rendered); NULL if either is NULL. With a BLOB operand the
 * bytes are joined before being read as UTF-8, as SQLite joins them.
 */
export function concat(ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue): SqlValue {
  if (ta === ValueType.Null || tb === ValueType.Null) return nullResult();
  arithType = ValueType.Text;
  if (ta !== ValueType.Blob && tb !== ValueType.Blob) return toText(ta, a) + toText(tb, b);
  const x = toBlob(ta, a);
  const y = toBlob(tb, b);
  const joined = new Uint8Array(x.length + y.length);
  joined.set(x);
  joined.set(y, x.length);
  return decodeUtf8(joined);
}
