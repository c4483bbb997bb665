/**
 * Table-row payloads whose bytes follow from (rowid, version, size), so a test can check what it reads
 * back without keeping the bytes it wrote. Each payload is a well-formed record of exactly `size` bytes
 * (size ≥ 1): no columns when size is 1, else an optional NULL and one BLOB of pseudo-random bytes.
 */
import type { Int64 } from '../../src/record/int64.js';

function payloadSeed(rowid: Int64, version: number): number {
  let hi: number;
  let lo: number;
  if (typeof rowid === 'number') {
    lo = rowid >>> 0;
    hi = Math.floor(rowid / 4294967296) | 0;
  } else {
    lo = Number(BigInt.asUintN(32, rowid));
    hi = Number(BigInt.asIntN(32, rowid >> 32n));
  }
  let x = Math.imul(lo ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(hi + 0x632be5ab, 0x85ebca77) ^ Math.imul(version, 0xc2b2ae3d);
  x ^= x >>> 15;
  return x | 1;
}

function varintLength(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Writes the record header for a `size`-byte payload into `out`; returns the header's length. */
function writeHeader(out: Uint8Array, size: number): number {
  if (size === 1) {
    out[0] = 1;
    return 1;
  }
  // Header: its own size (one byte: headers here stay under 128 bytes), maybe a NULL, the BLOB's serial type.
  for (let typeLen = 1; typeLen <= 5; typeLen++) {
    for (let nulls = 0; nulls <= 1; nulls++) {
      const blob = size - 1 - nulls - typeLen;
      const serial = 12 + 2 * blob;
      if (blob < 0 || varintLength(serial) !== typeLen) continue;
      let p = 0;
      out[p++] = 1 + nulls + typeLen;
      if (nulls) out[p++] = 0;
      for (let k = typeLen - 1; k >= 0; k--) out[p++] = (Math.floor(serial / 128 ** k) % 128) | (k > 0 ? 0x80 : 0);
      return p;
    }
  }
  throw new Error(`no record layout for a payload of ${size} bytes`);
}

/**
 * Fills `out` (4-byte aligned) with the payload of row `rowid` at `version`; its length is the payload
 * size. The body is a xorshift32 stream written a word at a time; the record header then overwrites the
 * first bytes.
 */
function fillPayload(out: Uint8Array, rowid: Int64, version: number): void {
  let x = payloadSeed(rowid, version);
  const words = new Uint32Array(out.buffer, out.byteOffset, out.length >>> 2);
  for (let k = 0; k < words.length; k++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[k] = x;
  }
  for (let i = words.length << 2; i < out.length; i++) out[i] = x >>> ((i & 3) << 3);
  writeHeader(out, out.length);
}

/** The payload of row `rowid` at `version`, `size` bytes long. */
export function makePayload(rowid: Int64, version: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  fillPayload(out, rowid, version);
  return out;
}

let expected = new Uint8Array(1024);

/** Offset of the first byte of `bytes` that differs from `makePayload(rowid, version, size)`; -1 if none. */
export function payloadMismatch(bytes: Uint8Array, rowid: Int64, version: number, size: number): number {
  if (expected.length < size) expected = new Uint8Array(size * 2);
  const want = expected.subarray(0, size);
  fillPayload(want, rowid, version);
  if (bytesEqual(bytes, want)) return -1;
  const n = Math.min(bytes.length, size);
  for (let i = 0; i < n; i++) if (bytes[i] !== want[i]) return i;
  return n;
}

/** Whether two byte arrays hold the same bytes (a native comparison: payloads run to megabytes). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}
