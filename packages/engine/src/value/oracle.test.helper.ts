/**
 * Test support for differential tests against real SQLite (better-sqlite3): a seeded generator of
 * typed SQL values rich in edge cases, and an oracle that evaluates an SQL expression over bound
 * arguments and reports the result with its exact storage class (or the error message).
 *
 * Arguments are bound, not spliced into the SQL, so SQLite sees exactly the generated storage class
 * and value: INTEGERs bind as bigint, REALs as number, BLOBs as Buffer. Results are read with safe
 * integers, so an INTEGER comes back as a bigint and a REAL as a number.
 */
import Database from 'better-sqlite3';
import type { Int64 } from '../record/int64.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { TypedValue } from './args.js';

/** A small seeded PRNG (mulberry32) with helpers. */
export class Rng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A double with uniformly random bits (finite). */
  anyDouble(): number {
    const f = new Float64Array(1);
    const u = new Uint32Array(f.buffer);
    do {
      u[0] = this.int(4294967296);
      u[1] = this.int(4294967296);
    } while (!Number.isFinite(f[0]));
    return f[0];
  }

  /** A random signed 64-bit integer in Int64 form. */
  anyInt64(): Int64 {
    const v = BigInt.asIntN(64, (BigInt(this.int(4294967296)) << 32n) | BigInt(this.int(4294967296)));
    return int64(v);
  }
}

/** A bigint in Int64 form (a number when safe). */
export function int64(v: bigint): Int64 {
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

export const NULL: TypedValue = { type: ValueType.Null, value: null };
export const int = (v: number | bigint): TypedValue => ({
  type: ValueType.Integer,
  value: typeof v === 'bigint' ? int64(v) : v,
});
export const real = (v: number): TypedValue => ({ type: ValueType.Real, value: v });
export const text = (v: string): TypedValue => ({ type: ValueType.Text, value: v });
export const blob = (v: ArrayLike<number>): TypedValue => ({ type: ValueType.Blob, value: Uint8Array.from(v) });

const EDGE_INTS: (number | bigint)[] = [
  0, 1, -1, 2, -2, 3, 5, 7, 10, -10, 16, 63, 64, 65, 100, 127, 128, 255, 256, 1000, 65535, 65536, 2147483647, -2147483648,
  4294967295, 4294967296, 9007199254740991, -9007199254740991, 9007199254740992n, -9007199254740992n,
  9007199254740993n, 4611686018427387904n, 9223372036854775807n, -9223372036854775808n, -9223372036854775807n,
  9223372036854775806n, 1000000000000000000n,
];

const EDGE_REALS = [
  0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, 1e-7, 1.5e-7, 123.456, -123.456, 3.14159,
  0.05, 0.005, 0.015, 1.005, 2.675, 99.995, 1e15, 1e16, 1e17, 1e20, 1e21, 1e22, 1e100, -1e100, 9007199254740992,
  9007199254740993.5, 9223372036854775808, -9223372036854775808, 9223372036854774784, 1e308, 1.7976931348623157e308,
  -1.7976931348623157e308, 5e-324, -5e-324, 2.2250738585072014e-308, Infinity, -Infinity, 1e-300, 4503599627370496.5,
  0.49999999999999994, 12345678.9, 1234567890123456789, 0.000123, 65.5, 97.25, 1e-5, 1e-4, 1.0000000000000002,
];

const EDGE_TEXTS = [
  '', ' ', 'a', 'A', 'abc', 'ABC', 'aBc', 'Hello, World!', 'hello world', '12', ' 12 ', '-12', '+12', '1e3', '1.5',
  '.5', '5.', '-0', '0.0', '-0.0', '0x10', '12abc', 'abc12', '1e', '1e+', '3.0', '9223372036854775807',
  '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '18446744073709551616', '1e400', '-1e400',
  'inf', 'NaN', '  -1.5e-3xyz', '\t7\n', '00012', '1_000', 'é', 'É', 'ñandú', 'ÀÉÎÕÜ', '日本語', 'ß', 'İı',
  '😀', 'a😀b', '😀😀', 'a\u0000b', '\u0000', "it's", '"quoted"', '%', '_', 'a%b_c', '[a-z]',
  '*', '?', '[', ']', 'a*b?c', '\\', 'a\\%', 'abcabcabc', 'aaa', 'tab\there', 'line\nbreak', '65', '97.5', 'Ω',
  '0123456789', 'zzz', 'ZZZ', ' leading', 'trailing ', '  both  ', 'xyx', 'yxy', 'The quick brown fox',
];

const EDGE_BLOBS: number[][] = [
  [], [0], [0x41], [0x41, 0x42, 0x43], [0x61, 0x62, 0x63], [0x31, 0x32], [0x2d, 0x35], [0xff], [0x80], [0xc3, 0xa9],
  [0xf0, 0x9f, 0x98, 0x80], [0x00, 0xff, 0x10], [0x20, 0x31, 0x20], [0x31, 0x2e, 0x35],
];

/** Characters random strings are built from: ASCII letters, digits, specials, Latin-1, CJK, emoji. */
const STRING_ALPHABET = [
  'a', 'b', 'c', 'A', 'B', 'x', 'Z', '0', '1', '5', '9', ' ', '.', '-', '+', 'e', '%', '_', "'", '"', '*', '?', '[',
  ']', '^', '\\', 'é', 'É', 'ß', 'ñ', '日', '本', '😀', '🎉', '\t', 'Ω',
];

/** Generator of typed values mixing edge cases with random ones. */
export class ValueGen {
  constructor(readonly rng: Rng) {}

  integer(): TypedValue {
    const r = this.rng;
    const k = r.int(5);
    if (k === 0) return int(r.pick(EDGE_INTS));
    if (k === 1) return int(r.int(21) - 10);
    if (k === 2) return int(r.int(2000001) - 1000000);
    if (k === 3) return { type: ValueType.Integer, value: r.anyInt64() };
    return int(Math.floor((r.next() - 0.5) * 2 ** (1 + r.int(53))));
  }

  real(): TypedValue {
    const r = this.rng;
    const k = r.int(6);
    if (k === 0 || k === 1) return real(r.pick(EDGE_REALS));
    if (k === 2) return real(r.anyDouble());
    if (k === 3) return real(Number(((r.next() - 0.5) * 2000).toFixed(r.int(6))));
    if (k === 4) return real((r.next() - 0.5) * 10 ** (r.int(40) - 20));
    return real(r.int(200) - 100 + r.pick([0, 0.5, 0.25, 0.1, 0.75]));
  }

  text(): TypedValue {
    const r = this.rng;
    const k = r.int(4);
    if (k <= 1) return text(r.pick(EDGE_TEXTS));
    if (k === 2) {
      const n = r.int(12);
      let s = '';
      for (let i = 0; i < n; i++) s += r.pick(STRING_ALPHABET);
      return text(s);
    }
    // Numeric-looking text.
    const v = this.rng.chance(0.5) ? String(this.integer().value) : String(this.real().value);
    return text(r.pick(['', ' ', '+', '  ']) + v + r.pick(['', ' ', 'x', '  ']));
  }

  blob(): TypedValue {
    const r = this.rng;
    if (r.chance(0.5)) return blob(r.pick(EDGE_BLOBS));
    const n = r.int(8);
    const b: number[] = [];
    for (let i = 0; i < n; i++) b.push(r.chance(0.5) ? 0x30 + r.int(10) : r.int(256));
    return blob(b);
  }

  /** A value of any storage class. */
  any(): TypedValue {
    const k = this.rng.int(10);
    if (k === 0) return NULL;
    if (k <= 3) return this.integer();
    if (k <= 5) return this.real();
    if (k <= 8) return this.text();
    return this.blob();
  }
}

/** An evaluation result: a typed value, or an error message. */
export type Outcome = { type: ValueType; value: SqlValue } | { error: string };

/** A value as better-sqlite3 binds it with the same storage class. */
export function bindable(v: TypedValue): null | bigint | number | string | Buffer {
  switch (v.type) {
    case ValueType.Integer:
      return BigInt(v.value as Int64);
    case ValueType.Blob: {
      const b = v.value as Uint8Array;
      return Buffer.from(b.buffer, b.byteOffset, b.length);
    }
    default:
      return v.value as null | number | string;
  }
}

/** Evaluates SQL expressions with real SQLite. */
export class Oracle {
  readonly db: Database.Database = new Database(':memory:');
  private readonly cache = new Map<string, Database.Statement>();

  /**
   * Evaluates `SELECT <expr>` with `args` bound to its `?` parameters. An expression may instead name
   * argument k as `{k}` (from 1), any number of times.
   */
  eval(expr: string, args: readonly TypedValue[] = []): Outcome {
    try {
      let st = this.cache.get(expr);
      if (st === undefined) {
        let sql = `SELECT ${expr}`;
        if (/\{\d+\}/.test(expr)) {
          const cols = args.map((_, i) => `? AS a${i + 1}`).join(', ');
          sql = `SELECT ${expr.replace(/\{(\d+)\}/g, 'a$1')} FROM (SELECT ${cols})`;
        }
        st = this.db.prepare(sql).pluck().safeIntegers(true);
        this.cache.set(expr, st);
      }
      return fromSqlite(st.get(...args.map(bindable)));
    } catch (e) {
      return { error: (e as Error).message };
    }
  }

  close(): void {
    this.db.close();
  }
}

/** A better-sqlite3 result (safe integers on) as a typed value. */
export function fromSqlite(v: unknown): Outcome {
  if (v === null || v === undefined) return { type: ValueType.Null, value: null };
  if (typeof v === 'bigint') return { type: ValueType.Integer, value: int64(v) };
  if (typeof v === 'number') return { type: ValueType.Real, value: v };
  if (typeof v === 'string') return { type: ValueType.Text, value: v };
  const b = v as Buffer;
  return { type: ValueType.Blob, value: new Uint8Array(b.buffer, b.byteOffset, b.length) };
}

/** A printable form of an outcome, exact for every storage class (for assertions and reports). */
export function describe(o: Outcome): string {
  if ('error' in o) return `error: ${o.error}`;
  switch (o.type) {
    case ValueType.Null:
      return 'NULL';
    case ValueType.Integer:
      return `INTEGER ${String(o.value)}`;
    case ValueType.Real:
      return `REAL ${Object.is(o.value, -0) ? '-0' : String(o.value)}`;
    case ValueType.Text:
      return `TEXT ${JSON.stringify(o.value)}`;
    default:
      return `BLOB x'${Buffer.from(o.value as Uint8Array).toString('hex')}'`;
  }
}

/** Like `describe`, but a negative zero REAL prints as 0 (SQLite itself cannot tell them apart). */
export function describeLoose(o: Outcome): string {
  if (!('error' in o) && o.type === ValueType.Real && Object.is(o.value, -0)) return 'REAL 0';
  return describe(o);
}

/** A printable form of a typed argument list. */
export function describeArgs(args: readonly TypedValue[]): string {
  return args.map((a) => describe(a)).join(', ');
}
