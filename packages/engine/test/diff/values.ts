/**
 * Test values for the differential generator: the edge-case pools data and literals are drawn from,
 * their SQL literal text, their JavaScript binding for each engine, and the canonical forms results
 * are compared in.
 *
 * Invariants: `sqlLiteral(v)` evaluates in SQLite to exactly `v` (storage class and bits), so a
 * reproduction script that inlines values means what the run meant. Canonical forms are equal exactly
 * when two result values are the same storage class and the same value (REAL bit for bit, -0 apart).
 */
import { type Val, int, real } from '../support/sqlite-oracle.js';
import type { Prng } from '../support/prng.js';

export type { Val };

const P53 = 2n ** 53n;
const P63 = 2n ** 63n;

const EDGE_INTS: bigint[] = [
  0n, 1n, -1n, 2n, 3n, 7n, 10n, -10n, 42n, 100n, 255n, 256n, -128n, 1000n, 65536n, 2147483647n, -2147483648n, 4294967296n,
  P53 - 1n, P53, P53 + 1n, -P53, -P53 - 1n, P63 - 1n, P63 - 2n, -P63, -P63 + 1n, 4611686018427387904n,
];

const EDGE_REALS: number[] = [
  0, -0, 0.5, -0.5, 1.5, 2, -2, 3.25, 0.1, 1e-7, 123.456, -99.99, 1e308, -1e308, 1.7976931348623157e308, 5e-324,
  2 ** 53, 2 ** 53 + 2, 9.2e18, 9223372036854775807, -9223372036854775808, 1e20, 12, 1e15 + 0.5,
];

const EDGE_TEXTS: string[] = [
  '', ' ', 'a', 'A', 'b', 'B', 'abc', 'ABC', 'Abc', 'abc ', 'abc  ', ' abc', 'a b', 'hello world', 'x_y%z', '%', '_',
  '*', '[a]', '\\', "it's", 'é', 'É', 'ß', '12', ' 12', '12 ', '-12', '+7', '012', '1e3', '1.5e2', '0x10', '3.0',
  '3.', '.5', '-0', '9223372036854775807', '9223372036854775808', '-9223372036854775809', '1e400', 'inf', 'NaN',
  '12abc', 'true', 'null',
];

const EDGE_BLOBS: Uint8Array[] = [
  [], [0], [0x41], [0x61, 0x62, 0x63], [0xff, 0x00], [0x31, 0x32], [0x00, 0x01, 0x02, 0x03], [0xc3, 0xa9],
].map((b) => new Uint8Array(b));

/**
 * How values are drawn, set by the harness from the feature flags (FOUND.md): `invalidUtf8` off
 * keeps BLOB bytes below 0x80, so a BLOB read as TEXT is valid UTF-8.
 */
export const literalStyle = { invalidUtf8: true };

/** A random integer: near 0 mostly, else near ±2^53 or ±2^63, else anywhere in 64 bits. */
export function randomInt(prng: Prng): bigint {
  const r = prng.float();
  if (r < 0.45) return BigInt(prng.range(-5, 20));
  if (r < 0.85) return prng.pick(EDGE_INTS);
  if (r < 0.93) return BigInt(prng.range(-1_000_000, 1_000_000));
  return prng.i64();
}

/** A random REAL; `integral` false keeps whole numbers out (see `integralRealParams`). */
export function randomReal(prng: Prng, integral = true): number {
  for (;;) {
    const r = prng.float();
    let v: number;
    if (r < 0.5) v = prng.pick(EDGE_REALS);
    else if (r < 0.8) v = Math.round((prng.float() - 0.5) * 2000) / 8;
    else v = (prng.float() - 0.5) * 10 ** prng.range(-10, 25);
    if (integral || !Number.isInteger(v)) return v;
  }
}

export function randomText(prng: Prng): string {
  if (prng.chance(0.8)) return prng.pick(EDGE_TEXTS);
  const alphabet = 'aAbBzZ 0129.-_%é';
  let s = '';
  for (let n = prng.range(0, 6); n > 0; n--) s += alphabet[prng.int(alphabet.length)];
  return s;
}

function allowedByte(x: number): number {
  return literalStyle.invalidUtf8 ? x : x & 0x7f;
}

export function randomBlob(prng: Prng): Uint8Array {
  if (prng.chance(0.8)) {
    const b = prng.pick(EDGE_BLOBS);
    return b.map((x) => allowedByte(x));
  }
  const b = new Uint8Array(prng.range(0, 5));
  for (let i = 0; i < b.length; i++) b[i] = allowedByte(prng.int(256));
  return b;
}

/** A random value of any storage class. */
export function randomVal(prng: Prng, integralReals = true): Val {
  const r = prng.float();
  if (r < 0.3) return int(randomInt(prng));
  if (r < 0.5) return real(randomReal(prng, integralReals));
  if (r < 0.78) return randomText(prng);
  if (r < 0.88) return randomBlob(prng);
  return null;
}

function hexOf(b: Uint8Array): string {
  let s = '';
  for (const byte of b) s += byte.toString(16).padStart(2, '0');
  return s;
}


/** SQL text of a REAL that reads back as exactly `v`. */
export function realLiteral(v: number): string {
  if (Number.isNaN(v)) return 'NULL';
  if (v === Infinity) return '9e999';
  if (v === -Infinity) return '-9e999';
  if (Object.is(v, -0)) return '-0.0';
  const shortest = String(v);
  if (/[.e]/.test(shortest)) return shortest;
  // A whole number: keep it REAL (a trailing ".0"), in exponent form when long.
  return Math.abs(v) >= 1e15 ? v.toExponential() : `${shortest}.0`;
}

export function textLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}


/** SQL literal text of a value (see the module invariant). */
export function sqlLiteral(v: Val): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return textLiteral(v);
  if (v instanceof Uint8Array) return `x'${hexOf(v)}'`;
  if ('int' in v) return String(v.int);
  return realLiteral(v.real);
}

/** The value as Hearth binds it (bigint INTEGER, number REAL). */
export function hearthBinding(v: Val): null | bigint | number | string | Uint8Array {
  if (v === null || typeof v === 'string' || v instanceof Uint8Array) return v;
  return 'int' in v ? v.int : v.real;
}

/** The value as better-sqlite3 binds it (Buffers for BLOBs). */
export function sqliteBinding(v: Val): null | bigint | number | string | Buffer {
  if (v instanceof Uint8Array) return Buffer.from(v);
  return hearthBinding(v) as null | bigint | number | string;
}

/** Canonical form of a result value from either engine (INTEGER as bigint, REAL as number). */
export function canonical(v: unknown): string {
  if (v === null) return 'n';
  if (typeof v === 'bigint') return `i:${v}`;
  if (typeof v === 'number') return `r:${Object.is(v, -0) ? '-0' : String(v)}`;
  if (typeof v === 'string') return `t:${v}`;
  if (v instanceof Uint8Array) return `b:${hexOf(v)}`;
  return `?:${typeof v}:${String(v)}`;
}

/**
 * A form equal for values SQLite's comparison calls equal under BINARY: INTEGER and REAL by exact
 * numeric value (1 = 1.0, 0.0 = -0.0), TEXT and BLOB by content. `fold` also folds ASCII case and
 * trailing spaces of text, which NOCASE and RTRIM treat as equal.
 */
export function looseKey(v: unknown, fold: boolean): string {
  if (typeof v === 'bigint') return `#${v}`;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return `#${v}`;
    return Number.isInteger(v) ? `#${BigInt(v)}` : `#${v}`;
  }
  if (typeof v === 'string' && fold) return `t:${v.replace(/[A-Z]+/g, (m) => m.toLowerCase()).replace(/ +$/, '')}`;
  return canonical(v);
}
