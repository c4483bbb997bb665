// Differential tests of the built-in aggregates (plain, DISTINCT, collations, window frames) against SQLite.
import { afterAll, expect, test } from 'vitest';
import { BINARY, type Collation, NOCASE } from '../record/compare.js';
import { ValueType } from '../record/value.js';
import { ArrayArgs, CapturingResult, type TypedValue } from '../value/args.js';
import {
  type Outcome,
  Oracle,
  Rng,
  ValueGen,
  bindable,
  describe,
  fromSqlite,
  int,
  NULL,
  real,
  text,
} from '../value/oracle.test.helper.js';
import { distinct } from './aggregate.js';
import { lookupFunction } from './registry.js';
import type { Aggregate, FunctionContext } from './types.js';

/** Base seed of the generators; set HEARTH_SEED to explore other cases. */
const SEED = Number(process.env.HEARTH_SEED ?? 0);

const oracle = new Oracle();
afterAll(() => oracle.close());
const db = oracle.db;
db.exec('CREATE TABLE t(i INTEGER PRIMARY KEY, x, s)');
const insert = db.prepare('INSERT INTO t(i, x, s) VALUES (?, ?, ?)');

function context(collation: Collation = BINARY): FunctionContext {
  return {
    collation,
    connection: { lastInsertRowid: () => 0, changes: () => 0, totalChanges: () => 0 },
    random32: () => 0,
    currentTime: () => 0,
  };
}

/** Rows of (x, s) for one test case. */
type Rows = [TypedValue, TypedValue][];

function load(rows: Rows): void {
  db.exec('DELETE FROM t');
  rows.forEach(([x, s], i) => insert.run(i + 1, bindable(x), bindable(s)));
}

function outcome(r: CapturingResult): Outcome {
  if (r.errorMessage !== null) return { error: r.errorMessage };
  return { type: r.type, value: r.value };
}

/** A fresh aggregate `name` of `argc` arguments, optionally DISTINCT. */
function create(name: string, argc: number, ctx: FunctionContext, isDistinct: boolean): Aggregate {
  const d = lookupFunction(name, argc);
  if (d === undefined || d.kind !== 'aggregate') throw new Error(`${name}/${argc} is not an aggregate`);
  const agg = d.implementation(ctx);
  return isDistinct ? distinct(agg, ctx) : agg;
}

/** Arguments of row `r` for an aggregate of `argc` arguments. */
function rowArgs(rows: Rows, r: number, argc: number): ArrayArgs {
  return new ArrayArgs(argc === 0 ? [] : argc === 1 ? [rows[r][0]] : [rows[r][0], rows[r][1]]);
}

const rng = new Rng(SEED + 4242);
const gen = new ValueGen(rng);

/** A value for summing: mostly integers, some near the 64-bit edges, reals, text and blobs. */
function summand(): TypedValue {
  const k = rng.int(12);
  if (k < 4) return int(rng.int(2001) - 1000);
  if (k === 4) return int(rng.pick([9223372036854775807n, -9223372036854775808n, 4611686018427387904n, -4611686018427387904n, 9007199254740993n]));
  if (k === 5) return gen.integer();
  if (k <= 7) return gen.real();
  if (k === 8) return text(rng.pick(['5', ' 7 ', '1e3', '1.5', 'abc', '-0', '12abc', '9223372036854775808', '']));
  if (k === 9) return NULL;
  return gen.any();
}

/** `n` rows of `value()`, each with a random separator, or all with the same one. */
function rowsOf(n: number, value: () => TypedValue, sameSeparator = false): Rows {
  const rows: Rows = [];
  const separator = (): TypedValue =>
    rng.chance(0.7) ? text(rng.pick([',', '-', '', ' | ', 'é'])) : rng.chance(0.5) ? NULL : gen.any();
  const fixed = separator();
  for (let i = 0; i < n; i++) rows.push([value(), sameSeparator ? fixed : separator()]);
  return rows;
}

/**
 * Whether a group mixes INTEGERs beyond 2^53 with fractional REALs: there sum/total/avg can differ
 * from SQLite in the last digits (see aggregate.ts), so such differences are counted apart.
 */
function mixesMagnitudes(rows: Rows): boolean {
  const big = rows.some(([x]) => x.type === ValueType.Integer && typeof x.value === 'bigint');
  const frac = rows.some(([x]) => x.type !== ValueType.Integer && x.type !== ValueType.Null);
  return big && frac;
}

const AGGREGATES: [string, number, string][] = [
  ['count', 0, 'count(*)'],
  ['count', 1, 'count(x)'],
  ['sum', 1, 'sum(x)'],
  ['total', 1, 'total(x)'],
  ['avg', 1, 'avg(x)'],
  ['min', 1, 'min(x)'],
  ['max', 1, 'max(x)'],
  ['group_concat', 1, 'group_concat(x)'],
  ['group_concat', 2, 'group_concat(x, s)'],
  ['string_agg', 2, 'string_agg(x, s)'],
];

test('aggregates over random groups agree with SQLite (value, storage class, errors)', () => {
  const bad: string[] = [];
  let agree = 0;
  let cases = 0;
  let residual = 0;
  for (let k = 0; k < 1500; k++) {
    const rows = rowsOf(rng.int(k % 10 === 0 ? 200 : 12), rng.chance(0.6) ? summand : () => gen.any());
    load(rows);
    for (const [name, argc, sql] of AGGREGATES) {
      cases++;
      const want = describe(oracle.eval(`(SELECT ${sql} FROM t)`));
      const agg = create(name, argc, context(), false);
      for (let r = 0; r < rows.length; r++) agg.step(rowArgs(rows, r, argc));
      const res = new CapturingResult();
      agg.final(res);
      const got = describe(outcome(res));
      if (want === got) agree++;
      else if (want.startsWith('REAL') && got.startsWith('REAL') && mixesMagnitudes(rows)) residual++;
      else if (bad.length < 10) bad.push(`${sql} over ${rows.length} rows [${rows.map((x) => describe(x[0])).join('; ')}]: sqlite ${want}, hearth ${got}`);
    }
  }
  expect(bad).toEqual([]);
  expect(agree + residual).toBe(cases);
  expect(residual).toBeLessThan(cases / 1000);
});

test('DISTINCT aggregates and collations agree with SQLite', () => {
  const bad: string[] = [];
  const value = (): TypedValue => {
    const k = rng.int(6);
    if (k === 0) return int(rng.int(5));
    if (k === 1) return real(rng.int(5));
    if (k === 2) return text(rng.pick(['a', 'A', 'b', 'B ', 'b', '1', 'é', 'É']));
    if (k === 3) return NULL;
    return gen.any();
  };
  const variants: [string, string, Collation][] = [
    ['count', 'count(DISTINCT x)', BINARY],
    ['sum', 'sum(DISTINCT x)', BINARY],
    ['total', 'total(DISTINCT x)', BINARY],
    ['avg', 'avg(DISTINCT x)', BINARY],
    ['group_concat', 'group_concat(DISTINCT x)', BINARY],
    ['count', 'count(DISTINCT x COLLATE NOCASE)', NOCASE],
    ['group_concat', 'group_concat(DISTINCT x COLLATE NOCASE)', NOCASE],
    ['min', 'min(x COLLATE NOCASE)', NOCASE],
    ['max', 'max(x COLLATE NOCASE)', NOCASE],
    ['max', 'max(DISTINCT x)', BINARY],
  ];
  for (let k = 0; k < 800; k++) {
    const rows = rowsOf(rng.int(15), value);
    load(rows);
    for (const [name, sql, coll] of variants) {
      const want = describe(oracle.eval(`(SELECT ${sql} FROM t)`));
      const ctx = context(coll);
      const agg = create(name, 1, ctx, sql.includes('DISTINCT'));
      for (let r = 0; r < rows.length; r++) agg.step(rowArgs(rows, r, 1));
      const res = new CapturingResult();
      agg.final(res);
      const got = describe(outcome(res));
      if (want !== got && bad.length < 10) bad.push(`${sql} over [${rows.map((x) => describe(x[0])).join('; ')}]: sqlite ${want}, hearth ${got}`);
    }
  }
  expect(bad).toEqual([]);
});

/** Whether `v` is a value `ordinary()` could have produced (a number below 2^40, a decimal or text). */
function isOrdinary(v: TypedValue): boolean {
  if (v.type === ValueType.Integer) return typeof v.value === 'number' && Math.abs(v.value) <= 2 ** 40;
  if (v.type === ValueType.Real) return Math.abs(v.value as number) < 1e6 && Number((v.value as number).toFixed(6)) === v.value;
  return v.type === ValueType.Text && ['5', ' 7 ', '1.5', 'abc', ''].includes(v.value as string);
}

/**
 * Values for window sums: integers and decimals of ordinary size, text and NULL. (Frames that mix
 * magnitudes beyond 2^53 can differ from SQLite in the last bits of the compensated sum; see the
 * file comment of aggregate.ts.)
 */
function ordinary(): TypedValue {
  const k = rng.int(8);
  if (k < 3) return int(rng.int(2 ** 40) - 2 ** 39);
  if (k < 6) return real(Number(((rng.next() - 0.5) * 2000).toFixed(rng.int(6))));
  if (k === 6) return rng.chance(0.5) ? NULL : text(rng.pick(['5', ' 7 ', '1.5', 'abc', '']));
  return int(rng.int(200) - 100);
}

test('window frames: step/inverse/value agree with SQLite for the invertible aggregates', () => {
  const bad: string[] = [];
  const windowed = AGGREGATES.filter(([name]) => name !== 'min' && name !== 'max');
  for (let k = 0; k < 300; k++) {
    // One separator per frame sequence: SQLite's window group_concat mis-cuts when their lengths vary.
    const rows = rowsOf(1 + rng.int(14), rng.chance(0.5) ? ordinary : () => gen.any(), true);
    load(rows);
    const before = rng.int(4);
    const after = rng.int(3) - 1; // -1: the frame ends one row before the current one
    const frame = after < 0 ? `ROWS BETWEEN ${before + 1} PRECEDING AND 1 PRECEDING` : `ROWS BETWEEN ${before} PRECEDING AND ${after} FOLLOWING`;
    const lo = after < 0 ? before + 1 : before;
    const exotic = rows.some(([x]) => x.type !== ValueType.Null && !isOrdinary(x));
    for (const [name, argc, sql] of windowed) {
      if (exotic && (name === 'sum' || name === 'total' || name === 'avg')) continue;
      let want: string[];
      try {
        want = (db.prepare(`SELECT ${sql} OVER (ORDER BY i ${frame}) FROM t ORDER BY i`).pluck().safeIntegers(true).all() as unknown[]).map((v) =>
          describe(fromSqlite(v)),
        );
      } catch (e) {
        want = [`error: ${(e as Error).message}`];
      }
      const agg = create(name, argc, context(), false);
      const got: string[] = [];
      let added = 0;
      let removed = 0;
      for (let r = 0; r < rows.length; r++) {
        const start = Math.max(0, r - lo);
        const end = Math.min(rows.length - 1, r + after);
        // As SQLite does: rows leaving the frame are removed before rows entering it are added.
        while (removed < start && removed < added) agg.inverse!(rowArgs(rows, removed++, argc));
        while (added <= end) {
          if (added < start) {
            added++;
            removed++;
            continue;
          }
          agg.step(rowArgs(rows, added++, argc));
        }
        const res = new CapturingResult();
        if (end < start) {
          // An empty frame: SQLite evaluates a fresh aggregate.
          create(name, argc, context(), false).value(res);
        } else agg.value(res);
        got.push(describe(outcome(res)));
      }
      const gotAll = want.length === 1 && want[0].startsWith('error') ? got.find((g) => g.startsWith('error')) ?? got.join(', ') : got.join(', ');
      const wantAll = want.join(', ');
      if (gotAll !== wantAll && bad.length < 10) bad.push(`${sql} OVER (${frame}) over [${rows.map((x) => describe(x[0])).join('; ')}]: sqlite ${wantAll}; hearth ${gotAll}`);
    }
  }
  expect(bad).toEqual([]);
});

test('sum() overflow rules and result types', () => {
  const run = (name: string, values: TypedValue[]): string => {
    const agg = create(name, 1, context(), false);
    for (const v of values) agg.step(new ArrayArgs([v]));
    const r = new CapturingResult();
    agg.final(r);
    return describe(outcome(r));
  };
  const max = int(9223372036854775807n);
  expect(run('sum', [max, int(1), int(-5)])).toBe('error: integer overflow');
  expect(run('sum', [max, int(1), real(1.5)])).toMatch(/^REAL/);
  expect(run('total', [max, int(1), int(-5)])).toMatch(/^REAL/);
  expect(run('sum', [])).toBe('NULL');
  expect(run('total', [])).toBe('REAL 0');
  expect(run('sum', [int(1), int(2)])).toBe('INTEGER 3');
  expect(run('sum', [text('5'), int(3)])).toBe('INTEGER 8');
  expect(run('avg', [int(1), int(2)])).toBe('REAL 1.5');
  expect(describe({ type: ValueType.Null, value: null })).toBe('NULL');
});
