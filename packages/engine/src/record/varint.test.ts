import { describe, expect, test } from 'vitest';
import { SqliteError } from '../common/errors.js';
import { type Int64, normalizeInt64 } from './int64.js';
import { getVarint, getVarint32, putVarint, varintLength, varintSize } from './varint.js';
import { rng } from '../../test/support/prng.js';

/** An independent reference encoder, on bigints, straight from the format description. */
function referenceEncode(v: bigint): number[] {
  let u = BigInt.asUintN(64, v);
  if (u >= 1n << 56n) {
    const out = [Number(u & 0xffn)];
    u >>= 8n;
    for (let i = 0; i < 8; i++) {
      out.unshift(Number(u & 0x7fn) | 0x80);
      u >>= 7n;
    }
    return out;
  }
  const out = [Number(u & 0x7fn)];
  u >>= 7n;
  while (u > 0n) {
    out.unshift(Number(u & 0x7fn) | 0x80);
    u >>= 7n;
  }
  return out;
}

function encode(v: Int64): number[] {
  const buf = new Uint8Array(9);
  const n = putVarint(buf, 0, v);
  return [...buf.subarray(0, n)];
}


function expectCorrupt(f: () => unknown): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SqliteError);
  expect((err as SqliteError).code).toBe('SQLITE_CORRUPT');
}

const KNOWN: [Int64, number[]][] = [
  [0, [0x00]],
  [127, [0x7f]],
  [128, [0x81, 0x00]],
  [240, [0x81, 0x70]],
  [2287, [0x91, 0x6f]],
  [67823, [0x84, 0x91, 0x6f]],
  [2 ** 32, [0x90, 0x80, 0x80, 0x80, 0x00]],
  [2 ** 53 - 1, [0x8f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]],
  [2n ** 53n, [0x90, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]],
  [2n ** 63n - 1n, [0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
  [-1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
  [-(2n ** 63n), [0xc0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]],
];

describe('varint', () => {
  test.each(KNOWN)('%s has its known encoding', (v, bytes) => {
    expect(encode(v)).toEqual(bytes);
    expect(referenceEncode(BigInt(v))).toEqual(bytes);
    expect(varintSize(v)).toBe(bytes.length);
    const buf = Uint8Array.from(bytes);
    expect(getVarint(buf, 0)).toBe(v);
    expect(varintLength).toBe(bytes.length);
  });

  test('the 9-byte boundary: 2^56-1 takes 8 bytes, 2^56 takes 9', () => {
    expect(encode(2n ** 56n - 1n)).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    expect(encode(2n ** 56n)).toEqual([0x80, 0xc0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
  });

  test('every length boundary, 2^(7k) - 1 and 2^(7k), matches the reference', () => {
    for (let k = 1; k <= 9; k++) {
      for (const big of [(1n << BigInt(7 * k)) - 1n, 1n << BigInt(7 * k)]) {
        if (big >= 1n << 63n) continue;
        const v = normalizeInt64(big);
        const ref = referenceEncode(big);
        expect(encode(v), String(big)).toEqual(ref);
        expect(varintSize(v)).toBe(ref.length);
        expect(getVarint(Uint8Array.from(ref), 0)).toBe(v);
      }
    }
  });

  test('decoded values are numbers exactly when safe', () => {
    for (const [v, bytes] of KNOWN) {
      const d = getVarint(Uint8Array.from(bytes), 0);
      expect(typeof d).toBe(Number.isSafeInteger(Number(v)) && BigInt(Number(v)) === BigInt(v) ? 'number' : 'bigint');
    }
    const edge = (v: bigint) => getVarint(Uint8Array.from(referenceEncode(v)), 0);
    expect(edge(2n ** 53n - 1n)).toBe(2 ** 53 - 1);
    expect(edge(-(2n ** 53n) + 1n)).toBe(-(2 ** 53) + 1);
    expect(edge(-(2n ** 53n))).toBe(-(2n ** 53n));
    expect(edge(2n ** 53n)).toBe(2n ** 53n);
  });

  test('round-trips 100k random values of every length, at unaligned offsets', () => {
    const rand = rng(1);
    const buf = new Uint8Array(16);
    const lengths = new Set<number>();
    for (let k = 0; k < 100_000; k++) {
      const bits = Math.floor(rand() * 65);
      let big = 0n;
      for (let b = 0; b < bits; b += 16) big = (big << 16n) | BigInt(Math.floor(rand() * 65536));
      big &= (1n << BigInt(bits)) - 1n;
      big = BigInt.asIntN(64, rand() < 0.1 ? -big : big);
      const v = normalizeInt64(big);
      const off = k % 7;
      const n = putVarint(buf, off, v);
      const ref = referenceEncode(big);
      lengths.add(n);
      const d = getVarint(buf, off);
      const ok =
        n === ref.length &&
        varintSize(v) === n &&
        ref.every((b, i) => buf[off + i] === b) &&
        d === v &&
        varintLength === n;
      if (!ok) {
        const got = { v, bytes: [...buf.subarray(off, off + n)], size: varintSize(v), d, varintLength };
        expect(got).toEqual({ v, bytes: ref, size: ref.length, d: v, varintLength: ref.length });
      }
    }
    expect([...lengths].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('non-minimal encodings decode', () => {
    expect(getVarint(Uint8Array.of(0x80, 0x80, 0x05), 0)).toBe(5);
    expect(varintLength).toBe(3);
    expect(getVarint32(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x81, 0x00), 0)).toBe(128);
    expect(varintLength).toBe(8);
  });

  test('a truncated varint throws SQLITE_CORRUPT', () => {
    for (const [, bytes] of KNOWN) {
      for (let cut = 0; cut < bytes.length; cut++) {
        const prefix = Uint8Array.from(bytes.slice(0, cut));
        expectCorrupt(() => getVarint(prefix, 0));
        // Same bytes followed by more data, but with an explicit end.
        const padded = Uint8Array.from([...bytes, 0, 0]);
        expectCorrupt(() => getVarint(padded, 0, cut));
        expectCorrupt(() => getVarint32(prefix, 0));
      }
    }
    expectCorrupt(() => getVarint(new Uint8Array(4), 4));
  });

  test('getVarint32 accepts [0, 0x7fffffff] and rejects anything else', () => {
    const buf = new Uint8Array(9);
    for (const v of [0, 1, 127, 128, 16383, 16384, 0x7fffffff]) {
      const n = putVarint(buf, 0, v);
      expect(getVarint32(buf, 0)).toBe(v);
      expect(varintLength).toBe(n);
    }
    for (const v of [0x80000000, 2 ** 40, -1, 2n ** 60n]) {
      putVarint(buf, 0, v);
      expectCorrupt(() => getVarint32(buf, 0));
    }
  });
});
