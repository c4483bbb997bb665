/**
 * 64-bit signed integers as Hearth represents them in JavaScript.
 *
 * Invariant: an `Int64` inside the safe-integer range ±(2^53-1) is ALWAYS a `number`; a `bigint`
 * appears only for values outside it. Every function here that produces an Int64 keeps that rule, so
 * callers may treat `typeof v === 'number'` as the common case and never meet `5n`.
 *
 * Integers meet bytes as two 32-bit words, `hi` (signed, the upper half of the two's-complement
 * value) and `lo` (unsigned, the lower half); both varints and record bodies are read and written
 * through that pair, which keeps the common path free of bigint arithmetic.
 */
import { assert } from '../common/assert.js';

/** A 64-bit signed integer: a `number` when safe, otherwise a `bigint` (see the file comment). */
export type Int64 = number | bigint;

const TWO_32 = 4294967296;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Upper word (signed) of the value most recently passed to `splitInt64`. */
export let int64Hi = 0;
/** Lower word (unsigned) of the value most recently passed to `splitInt64`. */
export let int64Lo = 0;

/** The Int64 whose two's-complement representation is `hi:lo` (any 32-bit patterns). */
export function int64FromWords(hi: number, lo: number): Int64 {
  hi |= 0;
  lo >>>= 0;
  // hi in [-2^21, 2^21) puts the value in [-2^53, 2^53); only -2^53 itself is unsafe.
  if (hi >= -0x200000 && hi < 0x200000 && (hi !== -0x200000 || lo !== 0)) return hi * TWO_32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Splits an integer into `int64Hi`/`int64Lo` (live bindings, so no result object is allocated).
 * `v` must be an integer in the 64-bit range.
 */
export function splitInt64(v: Int64): void {
  if (typeof v === 'number') {
    int64Lo = v >>> 0;
    int64Hi = Math.floor(v / TWO_32) | 0;
  } else {
    int64Lo = Number(BigInt.asUintN(32, v));
    int64Hi = Number(BigInt.asIntN(32, v >> 32n));
  }
}

/** `v` in Int64 form: a `number` when it is a safe integer. `v` must fit in 64 bits. */
export function normalizeInt64(v: bigint): Int64 {
  if (v >= -MAX_SAFE_BIG && v <= MAX_SAFE_BIG) return Number(v);
  assert(v >= INT64_MIN && v <= INT64_MAX, 'integer outside the 64-bit range');
  return v;
}
