// Differential tests of the arithmetic, bitwise and || operators against SQLite (value and storage class).
import { afterAll, expect, test } from 'vitest';
import type { SqlValue, ValueType } from '../record/value.js';
import type { TypedValue } from './args.js';
import {
  add,
  arithType,
  bitAnd,
  bitNot,
  bitOr,
  concat,
  divide,
  multiply,
  negate,
  remainder,
  shiftLeft,
  shiftRight,
  subtract,
} from './arith.js';
import { type Outcome, Oracle, Rng, ValueGen, describe, describeArgs, int } from './oracle.test.helper.js';

/** Base seed of the generators; set HEARTH_SEED to explore other cases. */
const SEED = Number(process.env.HEARTH_SEED ?? 0);

const oracle = new Oracle();
afterAll(() => oracle.close());

type Binary = (ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue) => SqlValue;

const BINARY_OPS: [string, Binary][] = [
  ['+', add],
  ['-', subtract],
  ['*', multiply],
  ['/', divide],
  ['%', remainder],
  ['&', bitAnd],
  ['|', bitOr],
  ['<<', shiftLeft],
  ['>>', shiftRight],
  ['||', concat],
];

/** Operand pairs: mostly numbers of both classes near the edges, then anything. */
function operands(gen: ValueGen): [TypedValue, TypedValue] {
  const r = gen.rng;
  const pick = (): TypedValue => {
    const k = r.int(10);
    if (k < 4) return gen.integer();
    if (k < 7) return gen.real();
    if (k < 8) return int(r.int(130) - 65); // shift counts
    return gen.any();
  };
  return [pick(), pick()];
}

const COUNT = 8000;

for (const [sym, op] of BINARY_OPS) {
  test(`a ${sym} b agrees with SQLite on ${COUNT} operand pairs (value and storage class)`, () => {
    const gen = new ValueGen(new Rng(SEED + sym.charCodeAt(0) * 31 + sym.length));
    const bad: string[] = [];
    let agree = 0;
    for (let k = 0; k < COUNT; k++) {
      const [a, b] = operands(gen);
      const want = describe(oracle.eval(`? ${sym} ?`, [a, b]));
      const value = op(a.type, a.value, b.type, b.value);
      const got = describe({ type: arithType, value });
      if (want === got) agree++;
      else if (bad.length < 10) bad.push(`${describeArgs([a, b])}: sqlite ${want}, hearth ${got}`);
    }
    expect(bad).toEqual([]);
    expect(agree).toBe(COUNT);
  });
}

test('unary minus and ~ agree with SQLite', () => {
  const gen = new ValueGen(new Rng(SEED + 99));
  const bad: string[] = [];
  for (let k = 0; k < 6000; k++) {
    const a = k % 3 === 0 ? gen.any() : k % 3 === 1 ? gen.integer() : gen.real();
    for (const [sym, op] of [
      ['-', negate],
      ['~', bitNot],
    ] as const) {
      const want = describe(oracle.eval(`${sym} ?`, [a]));
      const value = op(a.type, a.value);
      const got = describe({ type: arithType, value } as Outcome);
      if (want !== got && bad.length < 10) bad.push(`${sym}${describe(a)}: sqlite ${want}, hearth ${got}`);
    }
  }
  expect(bad).toEqual([]);
});

test('the classic edge cases', () => {
  const min = int(-9223372036854775808n);
  const max = int(9223372036854775807n);
  const cases: [Binary, TypedValue, TypedValue, string][] = [
    [divide, min, int(-1), 'REAL 9223372036854776000'],
    [remainder, min, int(-1), 'INTEGER 0'],
    [add, max, int(1), 'REAL 9223372036854776000'],
    [multiply, min, int(-1), 'REAL 9223372036854776000'],
    [divide, int(5), int(0), 'NULL'],
    [divide, int(-7), int(2), 'INTEGER -3'],
    [shiftLeft, int(1), int(63), 'INTEGER -9223372036854775808'],
    [shiftLeft, int(1), int(64), 'INTEGER 0'],
    [shiftRight, int(-1), int(100), 'INTEGER -1'],
    [shiftRight, int(-8), int(-1), 'INTEGER -16'],
  ];
  for (const [op, a, b, want] of cases) {
    const value = op(a.type, a.value, b.type, b.value);
    expect(describe({ type: arithType, value })).toBe(want);
  }
});
