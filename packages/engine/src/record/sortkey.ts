/**
 * Byte-comparable sort keys: a record re-encoded so that comparing two encodings byte by byte (memcmp,
 * the shorter first when one is a prefix of the other) orders them as compareRecordRanges orders the
 * records. Sorting many records then costs one tight byte loop per comparison instead of a walk of two
 * record headers.
 *
 * Each field becomes a class byte (NULL < number < TEXT < BLOB) and a body: nothing for NULL (a NaN
 * REAL included); for a number the 8 bytes of its double, with the sign bit flipped (and every bit
 * flipped for negatives) so that unsigned byte order is numeric order, -0 written as 0; for TEXT and
 * BLOB the bytes with 0x00 escaped as 0x00 0xFF, then 0x00 0x00. Every field's encoding is self-
 * delimiting, so a DESC field is encoded with every byte inverted.
 *
 * Not every record has such a key: an integer beyond ±2^53 (a double cannot order it exactly against
 * its neighbours) or TEXT under a collation other than BINARY. `encodeSortKey` reports those and the
 * caller falls back to comparing records.
 */
import type { KeyInfo } from './compare.js';
import { BINARY } from './compare.js';
import { readInt, readReal, serialTypeSize } from './record.js';
import { getVarint32, varintLength } from './varint.js';

const NULL_CLASS = 1;
const NUMBER_CLASS = 2;
const TEXT_CLASS = 3;
const BLOB_CLASS = 4;

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Most bytes the key of a `len`-byte record can take: per header byte, 12 (a number, or an empty TEXT's 3); per body byte, 2. */
export function maxSortKeySize(len: number): number {
  return 12 * len;
}

/**
 * Writes the sort key of the record `rec[off, off + len)` (its first `info.nField` fields) at
 * `out[at]`, which has room for `maxSortKeySize(len)` bytes. Returns the key's length, or -1 when the
 * record has no byte-comparable key. The record must be well formed (one the caller built).
 */
export function encodeSortKey(rec: Uint8Array, off: number, len: number, info: KeyInfo, out: Uint8Array, at: number): number {
  const hdrEnd = off + getVarint32(rec, off, off + len);
  let h = off + varintLength;
  let body = hdrEnd;
  let p = at;
  for (let i = 0; i < info.nField && h < hdrEnd; i++) {
    const t = getVarint32(rec, h, hdrEnd);
    h += varintLength;
    const start = p;
    if (t >= 12) {
      if (t & 1 && info.collations[i] !== BINARY) return -1;
      out[p++] = t & 1 ? TEXT_CLASS : BLOB_CLASS;
      const end = body + ((t - 12) >>> 1);
      for (let q = body; q < end; q++) {
        const b = rec[q]!;
        out[p++] = b;
        if (b === 0) out[p++] = 0xff;
      }
      out[p++] = 0;
      out[p++] = 0;
    } else {
      let d: number;
      if (t === 0) {
        d = NaN;
      } else if (t === 7) {
        d = readReal(rec, body);
      } else {
        const v = readInt(rec, body, t);
        if (typeof v === 'bigint') return -1;
        d = v;
      }
      if (d !== d) {
        out[p++] = NULL_CLASS;
      } else {
        out[p++] = NUMBER_CLASS;
        f64[0] = d === 0 ? 0 : d;
        const negative = d < 0;
        for (let k = 0; k < 8; k++) {
          const b = f64Bytes[LITTLE_ENDIAN ? 7 - k : k]!;
          out[p++] = negative ? ~b : k === 0 ? b ^ 0x80 : b;
        }
      }
    }
    if (info.desc[i]) for (let q = start; q < p; q++) out[q] = ~out[q]!;
    body += serialTypeSize(t);
  }
  return p - at;
}
