/**
 * SQLite's variable-length integers (sqlite.org/fileformat2.html §1.6).
 *
 * A varint is 1 to 9 bytes, most significant group first. Each of the first eight bytes carries 7 bits
 * and has its high bit set when another byte follows; a ninth byte, if reached, carries all 8 of its
 * bits. The value is a 64-bit two's-complement integer, so negative values always take 9 bytes.
 *
 * Decoders never read at or past `end` (by default `buf.length`, which it must not exceed): a varint
 * cut short by that limit is corruption. The length of the varint just decoded is left in
 * `varintLength` rather than returned in an object, because these functions run for every cell and
 * every column of every query.
 */
import { corrupt } from '../common/errors.js';
import { type Int64, int64FromWords, int64Hi, int64Lo, splitInt64 } from './int64.js';

export type { Int64 } from './int64.js';

/** Byte length of the varint most recently decoded by `getVarint` or `getVarint32`. */
export let varintLength = 0;

function truncated(off: number): Error {
  return corrupt(`varint at offset ${off} runs past the end of its data`);
}

/** Decodes the varint at `buf[off]`, which must end before `end`; sets `varintLength`. */
export function getVarint(buf: Uint8Array, off: number, end = buf.length): Int64 {
  if (off < end) {
    const b0 = buf[off];
    if (b0 < 0x80) {
      varintLength = 1;
      return b0;
    }
    if (off + 2 < end) {
      const b1 = buf[off + 1];
      if (b1 < 0x80) {
        varintLength = 2;
        return ((b0 & 0x7f) << 7) | b1;
      }
      const b2 = buf[off + 2];
      if (b2 < 0x80) {
        varintLength = 3;
        return ((b0 & 0x7f) << 14) | ((b1 & 0x7f) << 7) | b2;
      }
    }
    return getVarintLong(buf, off, end);
  }
  throw truncated(off);
}

/** The general case of `getVarint`: three or more bytes, accumulated as two 32-bit words. */
function getVarintLong(buf: Uint8Array, off: number, end: number): Int64 {
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 8; i++) {
    if (off + i >= end) throw truncated(off);
    const b = buf[off + i];
    hi = (hi << 7) | (lo >>> 25);
    lo = (lo << 7) | (b & 0x7f);
    if (b < 0x80) {
      varintLength = i + 1;
      return int64FromWords(hi, lo);
    }
  }
  if (off + 8 >= end) throw truncated(off);
  hi = (hi << 8) | (lo >>> 24);
  lo = (lo << 8) | buf[off + 8];
  varintLength = 9;
  return int64FromWords(hi, lo);
}

/**
 * Decodes a varint that must hold a size, serial type or offset: a value in [0, 0x7fffffff]. Larger
 * (or negative) values are corruption. The varint must end before `end`. Sets `varintLength`.
 */
export function getVarint32(buf: Uint8Array, off: number, end = buf.length): number {
  if (off < end) {
    const b0 = buf[off];
    if (b0 < 0x80) {
      varintLength = 1;
      return b0;
    }
    if (off + 1 < end) {
      const b1 = buf[off + 1];
      if (b1 < 0x80) {
        varintLength = 2;
        return ((b0 & 0x7f) << 7) | b1;
      }
    }
  }
  const v = getVarint(buf, off, end);
  if (typeof v !== 'number' || v < 0 || v > 0x7fffffff) {
    throw corrupt(`varint at offset ${off} is out of range: ${v}`);
  }
  return v;
}

/** Number of bytes `putVarint` uses for `v`. */
export function varintSize(v: Int64): number {
  // Mixed number/bigint comparisons are exact in JavaScript, so one ladder serves both; the bounds
  // are powers of two because 2^56 - 1 has no exact double.
  if (v < 0) return 9;
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  if (v < 0x800000000) return 5;
  if (v < 0x40000000000) return 6;
  if (v < 0x2000000000000) return 7;
  if (v < 0x100000000000000) return 8;
  return 9;
}

/** Writes `v` as a varint at `buf[off]`; returns the number of bytes written (1 to 9). */
export function putVarint(buf: Uint8Array, off: number, v: Int64): number {
  if (typeof v === 'number' && v >= 0) {
    if (v <= 0x7f) {
      buf[off] = v;
      return 1;
    }
    if (v <= 0x3fff) {
      buf[off] = (v >>> 7) | 0x80;
      buf[off + 1] = v & 0x7f;
      return 2;
    }
  }
  splitInt64(v);
  let hi = int64Hi;
  let lo = int64Lo;
  let len: number;
  let i: number; // index of the next byte to fill, moving towards the front
  if ((hi & 0xff000000) !== 0) {
    // Nine bytes: the last holds the low 8 bits, the first eight the other 56 (all with high bit).
    buf[off + 8] = lo;
    lo = (lo >>> 8) | (hi << 24);
    hi >>>= 8;
    len = 9;
    i = 7;
  } else {
    len = varintSize(v);
    buf[off + len - 1] = lo & 0x7f;
    lo = (lo >>> 7) | (hi << 25);
    hi >>>= 7;
    i = len - 2;
  }
  for (; i >= 0; i--) {
    buf[off + i] = (lo & 0x7f) | 0x80;
    lo = (lo >>> 7) | (hi << 25);
    hi >>>= 7;
  }
  return len;
}
