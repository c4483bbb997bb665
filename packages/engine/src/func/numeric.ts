/**
 * SQLite's core numeric functions (sqlite.org/lang_corefunc.html): abs, round, sign, random,
 * randomblob, zeroblob.
 *
 * Result types follow SQLite: abs keeps INTEGER for INTEGERs (abs(-2^63) is an "integer overflow"
 * error) and gives a REAL otherwise; round always gives a REAL; sign an INTEGER, or NULL for anything
 * that is not a well-formed number.
 */
import { ValueType } from '../record/value.js';
import { convertedType, numericValue } from '../value/affinity.js';
import { type Args, MAX_LENGTH, type Result } from '../value/args.js';
import { textToReal } from '../value/convert.js';
import { formatFixedAlt2 } from './printf.js';
import type { FunctionContext } from './types.js';

const INT64_MIN = -9223372036854775808n;

/** abs(X). */
export function absFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  switch (args.type(0)) {
    case ValueType.Null:
      return result.null();
    case ValueType.Integer: {
      const v = args.int(0);
      if (v === INT64_MIN) return result.error('integer overflow');
      return result.int(v < 0 ? (typeof v === 'number' ? -v : -v) : v);
    }
    default: {
      const r = args.real(0);
      return result.real(r < 0 ? -r : r); // not Math.abs: SQLite keeps a negative zero
    }
  }
}

/** 2^52: from here on every double is a whole number. */
const TWO_52 = 4503599627370496;

/**
 * round(X[, Y]): X rounded to Y decimal places (Y read as an integer, kept within 0..30), as a REAL.
 * Whole rounding moves one half away from zero and truncates (in doubles, as SQLite does; values of
 * 2^52 and beyond are whole already); otherwise the value is printed with `%!.Yf` and read back.
 * Infinities stay as they are.
 */
export function roundFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  let n = 0;
  if (args.count > 1) {
    if (args.type(1) === ValueType.Null) return result.null();
    const y = args.int(1);
    n = y > 30 ? 30 : y < 0 ? 0 : Number(y);
  }
  if (args.type(0) === ValueType.Null) return result.null();
  const r = args.real(0);
  if (!(r > -TWO_52 && r < TWO_52)) return result.real(r);
  if (n === 0) return result.real(r >= 0 ? Math.trunc(r + 0.5) : Math.trunc(r - 0.5) + 0); // + 0: no -0
  result.real(textToReal(formatFixedAlt2(r, n)));
}

/** sign(X): -1, 0 or 1 for a number or well-formed numeric text; NULL otherwise. */
export function signFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  const t = args.type(0);
  let v: number | bigint;
  if (t === ValueType.Integer || t === ValueType.Real) v = args.raw(0) as number | bigint;
  else if (t === ValueType.Text) {
    const n = numericValue(t, args.raw(0));
    if (convertedType === ValueType.Text) return result.null();
    v = n as number | bigint;
  } else return result.null();
  result.int(v > 0 ? 1 : v < 0 ? -1 : 0);
}

/** random(): a pseudo-random 64-bit signed INTEGER. */
export function randomFunction(ctx: FunctionContext, _args: Args, result: Result): void {
  const hi = ctx.random32();
  const lo = ctx.random32();
  const v = BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
  result.int(v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v);
}

/** randomblob(N): N pseudo-random bytes (at least one). */
export function randomblobFunction(ctx: FunctionContext, args: Args, result: Result): void {
  const v = args.int(0);
  const n = v < 1 ? 1 : Number(v);
  if (n > MAX_LENGTH) return result.tooBig();
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 4) {
    const w = ctx.random32();
    for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (w >>> (8 * k)) & 0xff;
  }
  result.blob(out);
}

/** zeroblob(N): N zero bytes (none for N < 1). */
export function zeroblobFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  const v = args.int(0);
  const n = v < 0 ? 0 : Number(v);
  if (n > MAX_LENGTH) return result.tooBig();
  result.blob(new Uint8Array(n));
}
