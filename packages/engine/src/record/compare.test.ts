import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { SqliteError } from '../common/errors.js';
import {
  BINARY,
  type Collation,
  compareKeyToRecord,
  compareRecordRanges,
  compareRecords,
  type KeyInfo,
  keyInfoBinary,
  NOCASE,
  RTRIM,
  UnpackedKey,
} from './compare.js';
import type { Int64 } from './int64.js';
import { RecordWriter } from './record.js';
import { type SqlValue, ValueType } from './value.js';
import { rng } from '../../test/support/prng.js';


const utf8 = (s: string) => new TextEncoder().encode(s);

/** A value with its intended storage class (a number alone cannot say INTEGER 1 vs REAL 1.0). */
type Typed = [ValueType, SqlValue];

const MAX = 2n ** 63n - 1n;
const MIN = -(2n ** 63n);
const INTS: bigint[] = [0n, 1n, -1n, 2n, 127n, -128n, 2n ** 31n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n];
INTS.push(...INTS.map((v) => -v), MAX, MAX - 1n, MIN, MIN + 1n, 9223372036854774784n, 9223372036854775296n);
const REALS: number[] = [0, -0, 1, -1, 0.5, -0.5, 1e-300, Infinity, -Infinity, 1e308, 2 ** 31, 2 ** 53, 2 ** 53 + 2];
REALS.push(...REALS.map((v) => -v), 2 ** 63, -(2 ** 63), 9223372036854774784, -9223372036854774784);
const PIECES = ['a', 'A', 'b', 'B', 'z', 'Z', '_', '[', '`', '{', ' ', ' ', '\0', '\t', 'é', 'É', 'ß', '中', '😀', '\uffff'];
const BYTES = [0x00, 0x01, 0x20, 0x41, 0x61, 0x7f, 0x80, 0xff];

function norm(v: bigint): Int64 {
  return v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function makeGen(seed: number) {
  const rand = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
  return (): Typed => {
    switch (Math.floor(rand() * 9)) {
      case 0:
        return [ValueType.Null, null];
      case 1:
        return [ValueType.Integer, norm(BigInt.asIntN(64, pick(INTS) + BigInt(Math.floor(rand() * 3) - 1)))];
      case 2:
        return [ValueType.Integer, Math.floor((rand() - 0.5) * 1000)];
      case 3:
        return [ValueType.Real, pick(REALS)];
      case 4:
        return [ValueType.Real, rand() < 0.5 ? Math.floor((rand() - 0.5) * 1000) : (rand() - 0.5) * 1000];
      case 5:
      case 6: {
        let s = '';
        for (let n = Math.floor(rand() * 6); n > 0; n--) s += pick(PIECES);
        return [ValueType.Text, s];
      }
      case 7: {
        const b = new Uint8Array(Math.floor(rand() * 5));
        for (let i = 0; i < b.length; i++) b[i] = pick(BYTES);
        return [ValueType.Blob, b];
      }
      default: {
        const v = norm(BigInt.asIntN(64, BigInt(Math.floor(rand() * 2 ** 32)) << BigInt(Math.floor(rand() * 33))));
        return [ValueType.Integer, v];
      }
    }
  };
}

function bindable([t, v]: Typed): unknown {
  if (t === ValueType.Integer) return BigInt(v as Int64); // better-sqlite3 binds every number as REAL
  if (t === ValueType.Blob) return Buffer.from(v as Uint8Array);
  return v;
}

const writer = new RecordWriter();
function encodeTyped(row: Typed[]): Uint8Array {
  writer.reset();
  for (const [t, v] of row) {
    if (t === ValueType.Integer) writer.pushInt(v as Int64);
    else if (t === ValueType.Real) writer.pushReal(v as number);
    else writer.pushValue(v);
  }
  return writer.toBytes();
}

const COLLATIONS: [string, Collation][] = [
  ['BINARY', BINARY],
  ['NOCASE', NOCASE],
  ['RTRIM', RTRIM],
];

function keyInfo(fields: [Collation, boolean][]): KeyInfo {
  return {
    nField: fields.length,
    collations: fields.map(([c]) => c),
    desc: Uint8Array.from(fields.map(([, d]) => (d ? 1 : 0))),
  };
}

const db = new Database(':memory:');
afterAll(() => db.close());

describe('collations', () => {
  test('BINARY compares bytes, then length', () => {
    expect(BINARY(utf8('abc'), utf8('abd'))).toBeLessThan(0);
    expect(BINARY(utf8('ab'), utf8('abc'))).toBeLessThan(0);
    expect(BINARY(utf8('é'), utf8('z'))).toBeGreaterThan(0);
    expect(BINARY(utf8(''), utf8(''))).toBe(0);
  });

  test('NOCASE folds ASCII to lower case only', () => {
    expect(NOCASE(utf8('ABC'), utf8('abc'))).toBe(0);
    expect(NOCASE(utf8('_'), utf8('a'))).toBeLessThan(0); // 'a' is 0x61 > '_' 0x5f; 'A' would not be
    expect(NOCASE(utf8('_'), utf8('A'))).toBeLessThan(0);
    expect(NOCASE(utf8('É'), utf8('é'))).not.toBe(0);
    expect(NOCASE(utf8('a\0x'), utf8('A\0y'))).toBe(0); // bytes after a shared NUL are not compared
    expect(NOCASE(utf8('a\0x'), utf8('A\0yy'))).toBeLessThan(0);
  });

  test('RTRIM ignores trailing spaces only', () => {
    expect(RTRIM(utf8('a  '), utf8('a'))).toBe(0);
    expect(RTRIM(utf8('a\t'), utf8('a'))).toBeGreaterThan(0);
    expect(RTRIM(utf8(' a'), utf8('a'))).toBeLessThan(0);
    expect(RTRIM(utf8('   '), utf8(''))).toBe(0);
  });
});

describe('ordering matches SQLite ORDER BY', () => {
  const gen = makeGen(21);
  const values: Typed[] = [];
  for (let i = 0; i < 3000; i++) values.push(gen());
  db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v)');
  const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
  db.transaction(() => values.forEach((v, i) => insert.run(i, bindable(v))))();
  const records = values.map((v, i) => encodeTyped([v, [ValueType.Integer, i]]));

  for (const [name, coll] of COLLATIONS) {
    for (const desc of [false, true]) {
      test(`single column, COLLATE ${name}${desc ? ' DESC' : ''}`, () => {
        const expected = db.prepare(`SELECT id FROM t ORDER BY v COLLATE ${name}${desc ? ' DESC' : ''}, id`).pluck().all();
        const info = keyInfo([
          [coll, desc],
          [BINARY, false],
        ]);
        const ids = values.map((_, i) => i);
        ids.sort((a, b) => compareRecords(records[a], records[b], info));
        expect(ids).toEqual(expected);

        // The same through keys unpacked from values.
        const key = new UnpackedKey();
        const byKey = values.map((_, i) => i);
        byKey.sort((a, b) => {
          key.fromValues([values[a][1], a]);
          return compareKeyToRecord(key, records[b], 0, records[b].length, info);
        });
        expect(byKey).toEqual(expected);
      });
    }
  }

  test('multi-column keys with mixed collations and directions', () => {
    const g = makeGen(33);
    const pool = Array.from({ length: 25 }, g);
    const rand = rng(34);
    const pick = () => pool[Math.floor(rand() * pool.length)];
    db.exec('CREATE TABLE m(id INTEGER PRIMARY KEY, a, b, c)');
    const ins = db.prepare('INSERT INTO m VALUES (?, ?, ?, ?)');
    const rows: Typed[][] = [];
    for (let i = 0; i < 2000; i++) rows.push([pick(), pick(), g()]);
    db.transaction(() => rows.forEach((r, i) => ins.run(i, ...r.map(bindable))))();
    const recs = rows.map((r, i) => encodeTyped([...r, [ValueType.Integer, i]]));
    const orders: [string, KeyInfo][] = [
      [
        'a COLLATE NOCASE, b COLLATE RTRIM DESC, c DESC, id',
        keyInfo([
          [NOCASE, false],
          [RTRIM, true],
          [BINARY, true],
          [BINARY, false],
        ]),
      ],
      [
        'a DESC, b COLLATE NOCASE, c COLLATE RTRIM, id DESC',
        keyInfo([
          [BINARY, true],
          [NOCASE, false],
          [RTRIM, false],
          [BINARY, true],
        ]),
      ],
    ];
    for (const [orderBy, info] of orders) {
      const expected = db.prepare(`SELECT id FROM m ORDER BY ${orderBy}`).pluck().all();
      const ids = rows.map((_, i) => i);
      ids.sort((x, y) => compareRecords(recs[x], recs[y], info));
      expect(ids, orderBy).toEqual(expected);
    }
  });
});

describe('compareKeyToRecord', () => {
  const info = keyInfoBinary(3);
  const rec = encodeTyped([
    [ValueType.Integer, 5],
    [ValueType.Text, 'x'],
    [ValueType.Null, null],
  ]);
  const key = new UnpackedKey();
  const cmp = (values: SqlValue[], r = rec, i = info) => compareKeyToRecord(key.fromValues(values), r, 0, r.length, i);

  test('an equal prefix compares equal, whichever side is shorter', () => {
    expect(cmp([5])).toBe(0);
    expect(cmp([5, 'x'])).toBe(0);
    expect(cmp([5, 'x', null, 'more'], rec, keyInfoBinary(4))).toBe(0);
    expect(cmp([])).toBe(0);
    expect(cmp([5, 'x', null], rec, keyInfoBinary(1))).toBe(0);
  });

  test('the first unequal field decides, and DESC reverses only its own field', () => {
    expect(cmp([4, 'z'])).toBeLessThan(0);
    expect(cmp([5, 'w'])).toBeLessThan(0);
    expect(cmp([5, 'y'])).toBeGreaterThan(0);
    expect(cmp([5, 'x', 0])).toBeGreaterThan(0);
    const descSecond = keyInfo([
      [BINARY, false],
      [BINARY, true],
    ]);
    expect(cmp([5, 'y'], rec, descSecond)).toBeLessThan(0);
    expect(cmp([4, 'y'], rec, descSecond)).toBeLessThan(0);
  });

  test('classes: NULL < numbers < TEXT < BLOB; NaN counts as NULL', () => {
    const r = encodeTyped([[ValueType.Text, '']]);
    expect(cmp([null], r)).toBeLessThan(0);
    expect(cmp([NaN], r)).toBeLessThan(0);
    expect(cmp([Infinity], r)).toBeLessThan(0);
    expect(cmp([new Uint8Array(0)], r)).toBeGreaterThan(0);
    const nanRecord = Uint8Array.of(2, 7, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0);
    expect(cmp([null], nanRecord)).toBe(0);
    expect(cmp([-Infinity], nanRecord)).toBeGreaterThan(0);
  });

  test('integers and reals compare exactly near 2^53 and 2^63', () => {
    const rec1 = (t: Typed) => encodeTyped([t]);
    expect(cmp([2n ** 53n + 1n], rec1([ValueType.Real, 2 ** 53]))).toBeGreaterThan(0);
    expect(cmp([2 ** 53], rec1([ValueType.Integer, 2n ** 53n + 1n]))).toBeLessThan(0);
    expect(cmp([MAX], rec1([ValueType.Real, 2 ** 63]))).toBeLessThan(0);
    expect(cmp([2 ** 63], rec1([ValueType.Integer, MAX]))).toBeGreaterThan(0);
    expect(cmp([MIN], rec1([ValueType.Real, -(2 ** 63)]))).toBe(0);
    expect(cmp([-0], rec1([ValueType.Integer, 0]))).toBe(0);
    expect(cmp([MAX - 1n], rec1([ValueType.Integer, MAX]))).toBeLessThan(0);
    expect(cmp([9223372036854774784], rec1([ValueType.Integer, 9223372036854774785n]))).toBeLessThan(0);
  });

  test('a custom collation receives the two strings', () => {
    const reverse: Collation = (a, b) => -BINARY(a, b);
    const info1: KeyInfo = { nField: 1, desc: new Uint8Array(1), collations: [reverse] };
    const r = encodeTyped([[ValueType.Text, 'b']]);
    expect(cmp(['a'], r, info1)).toBeGreaterThan(0);
    expect(cmp(['c'], r, info1)).toBeLessThan(0);
    expect(cmp(['b'], r, info1)).toBe(0);
  });

  test('malformed records throw SQLITE_CORRUPT once the comparison reaches the damage', () => {
    for (const bytes of [[5, 1, 1], [2, 10], [2, 11], [3, 1, 6, 7], [2, 0x81], [0], []]) {
      let err: unknown;
      try {
        cmp([7, 2, 3], Uint8Array.from(bytes));
      } catch (e) {
        err = e;
      }
      expect(err, `record ${bytes}`).toBeInstanceOf(SqliteError);
      expect((err as SqliteError).code).toBe('SQLITE_CORRUPT');
    }
    // Like SQLite, damage past the deciding field goes unnoticed.
    expect(cmp([8], Uint8Array.of(3, 1, 6, 7))).toBeGreaterThan(0);
  });
});

describe('compareRecordRanges', () => {
  test('agrees with compareRecords on random records of every class, collation and direction', () => {
    const gen = makeGen(77);
    const rand = rng(78);
    const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);
    for (let round = 0; round < 3000; round++) {
      const width = 1 + Math.floor(rand() * 3);
      const fields: [Collation, boolean][] = [];
      for (let i = 0; i < width; i++) fields.push([COLLATIONS[Math.floor(rand() * 3)]![1], rand() < 0.3]);
      const info = keyInfo(fields);
      // Half the pairs share a prefix, so later fields get compared too.
      const left = Array.from({ length: width }, gen);
      const right = left.map((v) => (rand() < 0.5 ? v : gen()));
      const a = encodeTyped(left.slice(0, 1 + Math.floor(rand() * width)));
      const b = encodeTyped(right);
      // Embedded at offsets, as keys are in an arena.
      const arena = new Uint8Array(a.length + b.length + 5);
      arena.set(a, 2);
      arena.set(b, 3 + a.length);
      const got = compareRecordRanges(arena, 2, a.length, arena, 3 + a.length, b.length, info);
      expect(sign(got), `${JSON.stringify(left, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`).toBe(sign(compareRecords(a, b, info)));
    }
  });

  test('a NaN REAL compares as NULL', () => {
    const nan = Uint8Array.of(2, 7, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0);
    const nul = encodeTyped([[ValueType.Null, null]]);
    const one = encodeTyped([[ValueType.Integer, 1]]);
    expect(compareRecordRanges(nan, 0, nan.length, nul, 0, nul.length, keyInfoBinary(1))).toBe(0);
    expect(compareRecordRanges(nan, 0, nan.length, one, 0, one.length, keyInfoBinary(1))).toBeLessThan(0);
  });
});
