// Differential tests of the math functions against SQLite (better-sqlite3): every function over a
// table of arguments of every storage class (in-domain, out-of-domain, infinities, numeric and
// non-numeric text, BLOBs, NULL), plus seeded random reals. Types, NULLs and the exactly rounded
// functions are compared exactly; libm-based results to within a couple of units in the last place.
import { afterAll, expect, test } from 'vitest';
import { type Outcome, QueryPair } from '../../test/support/query-oracle.js';
import { Prng } from '../../test/support/prng.js';

const pair = new QueryPair('SELECT 1');
afterAll(() => pair.close());

const UNARY = [
  'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'ceil', 'ceiling', 'cos', 'cosh', 'degrees', 'exp', 'floor', 'ln', 'log',
  'log10', 'log2', 'radians', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'trunc',
];
const BINARY = ['atan2', 'log', 'mod', 'pow', 'power'];

/** Arguments as SQL expressions. */
const ARGS = [
  '0', '1', '-1', '2', '-2', '3', '7', '-7', '10', '100', '1000', '1e-300', '0.0', '-0.0', '0.5', '-0.5', '1.5', '-1.5', '2.5',
  '-2.5', '0.99999', '1.00001', '3.141592653589793', '-3.141592653589793', '1e15', '4503599627370495.5', '9007199254740993',
  '9223372036854775807', '-9223372036854775808', '1e308', '-1e308', '1e999', '-1e999', "'4'", "' 4 '", "'4.5'", "'-0.25'",
  "'1e2'", "'4x'", "'abc'", "''", "'9223372036854775808'", "x'34'", 'NULL', '710', '-745', '0.7853981633974483',
];

/**
 * The functions SQLite computes with the C library's libm. The JS host's Math (fdlibm in V8) can
 * differ from glibc in the last bits for these, so their REAL results are compared to within
 * `LIBM_ULPS` units in the last place; everything else (types, NULLs, the other functions) exactly.
 */
const LIBM = new Set([
  'acos', 'acosh', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'cos', 'cosh', 'exp', 'ln', 'log', 'log10', 'log2', 'pow', 'power',
  'sin', 'sinh', 'tan', 'tanh',
]);
const LIBM_ULPS = 2n;

const bits = new DataView(new ArrayBuffer(8));

/** The distance in units in the last place between two finite doubles of the same sign. */
function ulpDistance(a: number, b: number): bigint {
  bits.setFloat64(0, a);
  const x = bits.getBigInt64(0);
  bits.setFloat64(0, b);
  const y = bits.getBigInt64(0);
  return x > y ? x - y : y - x;
}

/** Whether tagged values `a` (SQLite's) and `b` (Hearth's) agree, as column `column` asks. */
function agree(column: string, a: string, b: string): boolean {
  if (a === b) return true;
  if (!LIBM.has(column.slice(0, column.indexOf('(')).toLowerCase())) return false;
  if (!a.startsWith('r:') || !b.startsWith('r:')) return false;
  const x = Number(a.slice(2));
  const y = Number(b.slice(2));
  return Math.sign(x) === Math.sign(y) && Number.isFinite(x) && Number.isFinite(y) && ulpDistance(x, y) <= LIBM_ULPS;
}

/** The cells where the engines disagree (at most 20), each naming its column and row. */
function mismatches(sql: string): string[] {
  const [h, o]: [Outcome, Outcome] = pair.run(sql);
  expect(o.error).toBeUndefined();
  expect(h.error).toBeUndefined();
  expect(h.rows!.length).toBe(o.rows!.length);
  const bad: string[] = [];
  for (let i = 0; i < o.rows!.length && bad.length < 20; i++) {
    const a = o.rows![i]!;
    const b = h.rows![i]!;
    for (let j = 0; j < a.length; j++) {
      if (!agree(o.columns![j]!, a[j]!, b[j]!)) bad.push(`${o.columns![j]} @ row ${i}: sqlite ${a[j]}, hearth ${b[j]}`);
    }
  }
  return bad;
}

const values = `a(k, v) AS (VALUES ${ARGS.map((v, i) => `(${i}, ${v})`).join(', ')})`;

test('one-argument functions over every kind of argument', () => {
  const columns = UNARY.map((f) => `${f}(v)`).join(', ');
  expect(mismatches(`WITH ${values} SELECT k, ${columns} FROM a ORDER BY k`)).toEqual([]);
});

test('two-argument functions over every pair of arguments', () => {
  const columns = BINARY.map((f) => `${f}(a.v, b.v)`).join(', ');
  const b = values.replace('a(k, v)', 'b(k, v)');
  expect(mismatches(`WITH ${values}, ${b} SELECT a.k, b.k, ${columns} FROM a, b ORDER BY a.k, b.k`)).toEqual([]);
});

test('pi(), arities and names', () => {
  const [h, o] = pair.run('SELECT pi(), typeof(pi()), ceil(5), typeof(ceil(5)), typeof(floor(5.0)), trunc(-0.5), CEILING(-0.5), Log(100)');
  expect(h).toEqual(o);
  for (const sql of ['SELECT pi(1)', 'SELECT log()', 'SELECT log(1, 2, 3)', 'SELECT sqrt()', 'SELECT atan2(1)']) {
    const [eh, eo] = pair.run(sql);
    expect(eo.error).toBeDefined();
    expect(eh).toEqual(eo);
  }
});

test('seeded random reals', () => {
  const rng = new Prng(7);
  const reals: string[] = [];
  for (let i = 0; i < 400; i++) {
    const magnitude = 10 ** (rng.float() * 8 - 4);
    reals.push(String((rng.chance(0.3) ? -1 : 1) * magnitude * (1 + rng.float())));
  }
  const table = `r(k, v, w) AS (VALUES ${reals.map((v, i) => `(${i}, ${v}, ${reals[(i * 7 + 3) % reals.length]})`).join(', ')})`;
  const columns = [...UNARY.map((f) => `${f}(v)`), ...BINARY.map((f) => `${f}(v, w)`)].join(', ');
  expect(mismatches(`WITH ${table} SELECT k, ${columns} FROM r ORDER BY k`)).toEqual([]);
});
