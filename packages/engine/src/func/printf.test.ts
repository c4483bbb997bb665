// Differential tests of format()/printf() against SQLite over random format strings and arguments.
import { afterAll, expect, test } from 'vitest';
import { ValueType } from '../record/value.js';
import { ArrayArgs, CapturingResult, type TypedValue } from '../value/args.js';
import { type Outcome, Oracle, Rng, ValueGen, describe, describeArgs, int, real, text } from '../value/oracle.test.helper.js';
import { formatFunction } from './printf.js';

/** Base seed of the generators; set HEARTH_SEED to explore other cases. */
const SEED = Number(process.env.HEARTH_SEED ?? 0);

const oracle = new Oracle();
afterAll(() => oracle.close());

/** Our printf over `args` as an outcome. */
function ours(args: TypedValue[]): Outcome {
  const r = new CapturingResult();
  formatFunction(new ArrayArgs(args), r);
  if (r.errorMessage !== null) return { error: r.errorMessage };
  if (r.tooLarge) return { error: 'string or blob too big' };
  return { type: r.type, value: r.value };
}

/** Compares `n` generated calls; returns the number of agreements. */
function run(n: number, gen: () => TypedValue[]): number {
  const bad: string[] = [];
  let agree = 0;
  for (let k = 0; k < n; k++) {
    const args = gen();
    const expr = `printf(${args.map(() => '?').join(', ')})`;
    const want = describe(oracle.eval(expr, args));
    const got = describe(ours(args));
    if (want === got) agree++;
    else if (bad.length < 12) bad.push(`printf(${describeArgs(args)}): sqlite ${want}, hearth ${got}`);
  }
  expect(bad).toEqual([]);
  return agree;
}

const TYPES = 'diuxXopr' + 'feEgG' + 'szqQwc' + '%n';

/**
 * A random conversion specification; a `*` width or precision pushes its (small) argument to
 * `star`, so that no call asks for a gigantic result.
 */
function spec(rng: Rng, star: TypedValue[] = [], types = TYPES): string {
  let s = '%';
  const nFlags = rng.int(4);
  for (let i = 0; i < nFlags; i++) s += rng.pick(['-', '+', ' ', '#', '!', '0', ',']);
  const w = rng.int(6);
  if (w === 1) {
    s += '*';
    star.push(rng.chance(0.8) ? int(rng.int(41) - 20) : rng.pick([int(-2147483648), int(4294967298), text('7'), real(-3.5)]));
  } else if (w >= 2) s += String(rng.int(w === 5 ? 40 : 12));
  const p = rng.int(6);
  if (p === 1) {
    s += '.*';
    star.push(rng.chance(0.8) ? int(rng.int(41) - 20) : rng.pick([int(-2147483648), int(4294967299), text('3')]));
  } else if (p === 2) s += '.';
  else if (p >= 3) s += `.${rng.int(p === 5 ? 40 : 12)}`;
  if (rng.chance(0.05)) s += rng.pick(['l', 'll']);
  return s + rng.pick(types.split(''));
}

/** An argument suited to a conversion type, or anything. */
function argFor(gen: ValueGen): TypedValue {
  const r = gen.rng;
  const k = r.int(10);
  if (k < 3) return gen.integer();
  if (k < 6) return gen.real();
  if (k < 9) return gen.text();
  return gen.any();
}

test('random format strings with random arguments agree with SQLite', () => {
  const gen = new ValueGen(new Rng(SEED + 2024));
  const agree = run(12_000, () => {
    const r = gen.rng;
    let fmt = '';
    const rest: TypedValue[] = [];
    const parts = 1 + r.int(3);
    for (let i = 0; i < parts; i++) {
      if (r.chance(0.4)) fmt += r.pick(['', 'a', '[', ']', ' x ', 'é', '|']);
      const f = spec(r, rest);
      fmt += f;
      if (!f.endsWith('%') && !f.endsWith('n')) rest.push(argFor(gen));
    }
    // Sometimes arguments run out (they then count as 0, 0.0 or NULL), or are left over.
    if (r.chance(0.1)) rest.length = r.int(rest.length + 1);
    else if (r.chance(0.1)) rest.push(argFor(gen));
    return [text(fmt), ...rest];
  });
  expect(agree).toBe(12_000);
});

test('real conversions over many doubles agree with SQLite', () => {
  const gen = new ValueGen(new Rng(SEED + 7));
  run(12_000, () => {
    const r = gen.rng;
    const x = r.chance(0.5) ? real(r.anyDouble()) : gen.real();
    const star: TypedValue[] = [];
    const f = spec(r, star, 'feEgG');
    return [text(f), ...star, x];
  });
});

test('integer and text conversions with extreme values agree with SQLite', () => {
  const gen = new ValueGen(new Rng(SEED + 8));
  run(8000, () => {
    const r = gen.rng;
    const star: TypedValue[] = [];
    const f = spec(r, star, 'diuxXoprcsqQwz');
    return [text(f), ...star, r.chance(0.7) ? gen.integer() : gen.any()];
  });
});

test('edge cases: lone %, NULL format, unknown conversions, huge widths, NUL in text', () => {
  const cases: TypedValue[][] = [
    [],
    [{ type: ValueType.Null, value: null }, int(1)],
    [text('a%')],
    [text('a%5')],
    [text('%y')],
    [text('%llld'), int(5)],
    [text('%4294967297d|'), int(1)],
    [text('%.*s|'), int(-2147483648), text('abc')],
    [text('%*d|'), int(-2147483648), int(1)],
    [text('%s|'), text('a\u0000b')],
    [text('%5c|')],
    [text('%010f'), real(Infinity)],
    [text('%010.2e'), real(-Infinity)],
    [text('%,015.2f'), real(1234567.5)],
    [text('%1000000000000d'), int(1)],
    [text('%.100000f'), real(1.5)],
    [text('a\u0000%d'), int(1)],
  ];
  let k = 0;
  run(cases.length, () => cases[k++]);
});
