// Differential tests of value comparison (collations, cross-class order, comparison affinity) against SQLite.
import { afterAll, expect, test } from 'vitest';
import { BINARY, type Collation, NOCASE, RTRIM } from '../record/compare.js';
import { ValueType } from '../record/value.js';
import { Affinity, applyAffinity, convertedType } from './affinity.js';
import type { TypedValue } from './args.js';
import { compareValues, compareWithAffinity } from './compare.js';
import { Oracle, Rng, ValueGen, bindable, describe, describeArgs, text } from './oracle.test.helper.js';

/** Base seed of the generators; set HEARTH_SEED to explore other cases. */
const SEED = Number(process.env.HEARTH_SEED ?? 0);

const oracle = new Oracle();
afterAll(() => oracle.close());

const COLLATIONS: [string, Collation][] = [
  ['BINARY', BINARY],
  ['NOCASE', NOCASE],
  ['RTRIM', RTRIM],
];

/** -1, 0, 1 or null for a comparison result. */
function sign(c: number): number | null {
  return Number.isNaN(c) ? null : c < 0 ? -1 : c > 0 ? 1 : 0;
}

/** Pairs that often share a class and often differ only in case or trailing spaces. */
function pair(gen: ValueGen): [TypedValue, TypedValue] {
  const r = gen.rng;
  const a = gen.any();
  if (r.chance(0.3) && a.type === ValueType.Text) {
    const s = a.value as string;
    const variants = [s.toUpperCase(), s.toLowerCase(), `${s} `, `${s}  `, s.trimEnd(), `${s}a`, s.slice(0, -1)];
    return [a, text(r.pick(variants))];
  }
  return [a, r.chance(0.5) ? gen.any() : a.type === ValueType.Integer ? gen.real() : gen.integer()];
}

for (const [name, coll] of COLLATIONS) {
  test(`compareValues orders values as SQLite does, collation ${name}`, () => {
    const gen = new ValueGen(new Rng(SEED + name.length * 7));
    const expr = `CASE WHEN {1} < {2} COLLATE ${name} THEN -1 WHEN {1} = {2} COLLATE ${name} THEN 0 WHEN {1} > {2} COLLATE ${name} THEN 1 END`;
    const bad: string[] = [];
    for (let k = 0; k < 8000; k++) {
      const [a, b] = pair(gen);
      const want = oracle.eval(expr, [a, b]);
      const wantSign = 'error' in want || want.value === null ? null : Number(want.value);
      const got = sign(compareValues(a.type, a.value, b.type, b.value, coll));
      if (wantSign !== got && bad.length < 10) bad.push(`${describeArgs([a, b])}: sqlite ${wantSign}, hearth ${got}`);
    }
    expect(bad).toEqual([]);
  });
}

test('compareWithAffinity applies comparison affinities as SQLite does (column against value, column against column)', () => {
  const db = oracle.db;
  const cols: [string, Affinity][] = [
    ['n', Affinity.Numeric],
    ['i', Affinity.Integer],
    ['r', Affinity.Real],
    ['t', Affinity.Text],
    ['b', Affinity.Blob],
  ];
  db.exec('CREATE TABLE cmp(n NUMERIC, i INTEGER, r REAL, t TEXT, b BLOB)');
  const ins = db.prepare('INSERT INTO cmp VALUES (?, ?, ?, ?, ?)');
  type Probe = { get(...params: unknown[]): unknown };
  const probes = new Map<string, Probe>();
  const probe = (sql: string): Probe => {
    let st = probes.get(sql);
    if (st === undefined) {
      st = db.prepare(sql).pluck().safeIntegers(true) as Probe;
      probes.set(sql, st);
    }
    return st;
  };
  const gen = new ValueGen(new Rng(SEED + 77));
  const bad: string[] = [];
  let checked = 0;
  for (let k = 0; k < 2500; k++) {
    const v = gen.any();
    const w = gen.rng.chance(0.5) ? gen.any() : v.type === ValueType.Text ? gen.integer() : text(String(v.value));
    const b = bindable(v);
    db.exec('DELETE FROM cmp');
    ins.run(b, b, b, b, b);
    for (const [c1, aff1] of cols) {
      const stored = applyAffinity(aff1, v.type, v.value);
      const t1 = convertedType;
      // Column against a bound value (no affinity).
      const want1 = probe(`SELECT CASE WHEN ${c1} < ?1 THEN -1 WHEN ${c1} = ?1 THEN 0 WHEN ${c1} > ?1 THEN 1 END FROM cmp`.replace(/\?1/g, '@w'));
      const r1 = want1.get({ w: bindable(w) }) as bigint | null;
      const got1 = sign(compareWithAffinity(aff1, t1, stored, Affinity.None, w.type, w.value));
      checked++;
      if ((r1 === null ? null : Number(r1)) !== got1 && bad.length < 10) {
        bad.push(`${c1}(${describe({ type: t1, value: stored })}) vs ${describe(w)}: sqlite ${r1}, hearth ${got1}`);
      }
      // Column against another column.
      for (const [c2, aff2] of cols) {
        const other = applyAffinity(aff2, v.type, v.value);
        const t2 = convertedType;
        const r2 = probe(`SELECT CASE WHEN ${c1} < ${c2} THEN -1 WHEN ${c1} = ${c2} THEN 0 WHEN ${c1} > ${c2} THEN 1 END FROM cmp`).get() as
          | bigint
          | null;
        const got2 = sign(compareWithAffinity(aff1, t1, stored, aff2, t2, other));
        checked++;
        if ((r2 === null ? null : Number(r2)) !== got2 && bad.length < 10) bad.push(`${c1} vs ${c2} for ${describe(v)}: sqlite ${r2}, hearth ${got2}`);
      }
    }
  }
  expect(bad).toEqual([]);
  expect(checked).toBe(2500 * 30);
});
