import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { decodeUtf8, encodeUtf8, encodeUtf8Into, isIntegerNumber, ValueType, valueType } from './value.js';
import { rng } from '../../test/support/prng.js';


const db = new Database(':memory:');
afterAll(() => db.close());
const asText = db.prepare('SELECT CAST(? AS TEXT) AS v').pluck();
const asBytes = db.prepare('SELECT CAST(? AS BLOB) AS v').pluck();

// Bytes chosen to hit every UTF-8 edge: lead bytes of each length, continuations, overlongs,
// surrogate encodings, values past U+10FFFF, and plain ASCII.
const INTERESTING = [0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x9f, 0x8f, 0x90];

describe('UTF-8', () => {
  test('decoding any bytes gives what SQLite hands to JavaScript (replacement characters, no throw)', () => {
    const rand = rng(2);
    for (let k = 0; k < 5000; k++) {
      const n = Math.floor(rand() * (k % 50 === 0 ? 200 : 12));
      const bytes = new Uint8Array(n);
      for (let i = 0; i < n; i++) bytes[i] = rand() < 0.8 ? INTERESTING[Math.floor(rand() * INTERESTING.length)] : rand() * 256;
      const expected = asText.get(Buffer.from(bytes)) as string;
      expect(decodeUtf8(bytes), `bytes ${[...bytes]}`).toBe(expected);
      // And from the middle of a larger array.
      const padded = new Uint8Array(n + 4);
      padded.set(bytes, 2);
      expect(decodeUtf8(padded, 2, 2 + n)).toBe(expected);
    }
  });

  test('a leading byte-order mark is kept', () => {
    expect(decodeUtf8(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41))).toBe('\ufeffA');
    expect(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf, ...new Array(40).fill(0x41)]))).toBe('\ufeff' + 'A'.repeat(40));
  });

  /** Random strings over edge-case UTF-16 units; unpaired surrogates only when `lone`. */
  function randomStrings(seed: number, lone: boolean): string[] {
    const rand = rng(seed);
    const units = [0x41, 0x20, 0x00, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfeff, 0xffff];
    const surrogates = [0xd800, 0xdbff, 0xdc00, 0xdfff];
    const out: string[] = [];
    for (let k = 0; k < 3000; k++) {
      const n = Math.floor(rand() * (k % 30 === 0 ? 150 : 20));
      let s = '';
      while (s.length < n) {
        const r = rand();
        if (r < 0.15) s += String.fromCharCode(0xd800 + rand() * 1024, 0xdc00 + rand() * 1024);
        else if (r < 0.3 && lone) s += String.fromCharCode(surrogates[Math.floor(rand() * 4)]);
        else if (r < 0.8) s += String.fromCharCode(units[Math.floor(rand() * units.length)]);
        else s += String.fromCharCode(rand() < 0.5 ? rand() * 0xd800 : 0xe000 + rand() * 0x2000);
      }
      out.push(s);
    }
    return out;
  }

  test('encoding matches the bytes SQLite stores for the same string', () => {
    const buf = new Uint8Array(1000);
    for (const s of randomStrings(4, false)) {
      const expected = new Uint8Array(asBytes.get(s) as Buffer);
      expect(encodeUtf8(s)).toEqual(expected);
      const len = encodeUtf8Into(s, buf, 7);
      expect(buf.subarray(7, 7 + len)).toEqual(expected);
    }
  });

  // better-sqlite3 would write an unpaired surrogate as its 3-byte WTF-8 form, which is not UTF-8;
  // Hearth follows TextEncoder and writes U+FFFD.
  test('unpaired surrogates encode as U+FFFD, as TextEncoder does', () => {
    const buf = new Uint8Array(1000);
    const encoder = new TextEncoder();
    for (const s of randomStrings(6, true)) {
      const expected = encoder.encode(s);
      expect(encodeUtf8(s)).toEqual(expected);
      const len = encodeUtf8Into(s, buf, 3);
      expect(buf.subarray(3, 3 + len)).toEqual(expected);
    }
    expect([...encodeUtf8('\ud800')]).toEqual([0xef, 0xbf, 0xbd]);
  });

  test('ASCII fast paths and the general paths agree', () => {
    for (const s of ['', 'a', 'abc'.repeat(10), 'abc'.repeat(11), 'x'.repeat(1000)]) {
      const bytes = encodeUtf8(s);
      expect(bytes).toEqual(new TextEncoder().encode(s));
      expect(decodeUtf8(bytes)).toBe(s);
    }
  });
});

describe('storage class of a JavaScript value', () => {
  test('numbers are INTEGER only when safe integers other than -0', () => {
    expect(valueType(null)).toBe(ValueType.Null);
    expect(valueType(0)).toBe(ValueType.Integer);
    expect(valueType(-0)).toBe(ValueType.Real);
    expect(valueType(1.5)).toBe(ValueType.Real);
    expect(valueType(2 ** 53 - 1)).toBe(ValueType.Integer);
    expect(valueType(2 ** 53)).toBe(ValueType.Real);
    expect(valueType(Infinity)).toBe(ValueType.Real);
    expect(valueType(NaN)).toBe(ValueType.Real);
    expect(valueType(2n ** 60n)).toBe(ValueType.Integer);
    expect(valueType('')).toBe(ValueType.Text);
    expect(valueType(new Uint8Array(0))).toBe(ValueType.Blob);
    expect(isIntegerNumber(-7)).toBe(true);
  });
});
