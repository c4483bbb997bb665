// Differential tests of the built-in scalar functions and the registry's arities against SQLite.
import { afterAll, expect, test } from 'vitest';
import { BINARY, type Collation, NOCASE, RTRIM } from '../record/compare.js';
import { ValueType } from '../record/value.js';
import { ArrayArgs, CapturingResult, type TypedValue } from '../value/args.js';
import {
  type Outcome,
  Oracle,
  Rng,
  ValueGen,
  blob,
  describe,
  describeArgs,
  int,
  NULL,
  real,
  text,
} from '../value/oracle.test.helper.js';
import { functionNames, lookupFunction } from './registry.js';
import type { FunctionContext } from './types.js';

/** Base seed of the generators; set HEARTH_SEED to explore other cases. */
const SEED = Number(process.env.HEARTH_SEED ?? 0);

const oracle = new Oracle();
afterAll(() => oracle.close());

function context(collation: Collation = BINARY): FunctionContext {
  return {
    collation,
    connection: { lastInsertRowid: () => 0, changes: () => 0, totalChanges: () => 0 },
    random32: () => Math.floor(Math.random() * 4294967296),
    currentTime: () => Date.now(),
  };
}

/** Calls built-in scalar `name` on `args`. */
function call(name: string, args: TypedValue[], collation: Collation = BINARY): Outcome {
  const d = lookupFunction(name, args.length);
  if (d === undefined || d.kind !== 'scalar') throw new Error(`${name}/${args.length} is not a scalar`);
  const r = new CapturingResult();
  d.implementation(context(collation), new ArrayArgs(args), r);
  if (r.errorMessage !== null) return { error: r.errorMessage };
  if (r.tooLarge) return { error: 'string or blob too big' };
  return { type: r.type, value: r.value };
}

/** Compares `n` generated calls of `name` with SQLite; returns the agreement count. */
function differential(name: string, n: number, gen: () => TypedValue[], collation?: [string, Collation]): number {
  const bad: string[] = [];
  let agree = 0;
  for (let k = 0; k < n; k++) {
    const args = gen();
    const params = args.map((_, i) => (i === 0 && collation ? `? COLLATE ${collation[0]}` : '?')).join(', ');
    const want = describe(oracle.eval(`${name}(${params})`, args));
    const got = describe(call(name, args, collation?.[1]));
    if (want === got) agree++;
    else if (bad.length < 10) bad.push(`${name}(${describeArgs(args)}): sqlite ${want}, hearth ${got}`);
  }
  expect(bad).toEqual([]);
  return agree;
}

const rng = new Rng(SEED + 31337);
const gen = new ValueGen(rng);

/** A small integer, sometimes as REAL or TEXT, sometimes extreme: positions, counts, digits. */
function smallNumber(range = 12): TypedValue {
  const k = rng.int(10);
  const v = rng.int(2 * range + 1) - range;
  if (k < 6) return int(v);
  if (k === 6) return real(v + rng.pick([0, 0.5, 0.9, -0.5]));
  if (k === 7) return text(rng.pick(['', ' ', '+']) + v + rng.pick(['', 'x', '.7']));
  if (k === 8) return gen.integer();
  return rng.chance(0.5) ? NULL : gen.any();
}

/** A text that often contains or resembles `base` (for instr, replace, trim, like). */
function related(base: TypedValue): TypedValue {
  if (base.type !== ValueType.Text || rng.chance(0.3)) return gen.any();
  // Sliced by code points: Hearth's text never holds a lone surrogate.
  const s = Array.from(base.value as string);
  const i = rng.int(s.length + 1);
  const j = i + rng.int(s.length - i + 1);
  const pick = rng.int(4);
  if (pick === 0) return text(s.slice(i, j).join(''));
  if (pick === 1) return text(s.slice(i, j).join('').toUpperCase());
  if (pick === 2) return text((s[i] ?? '') + (s[j] ?? ''));
  return text(rng.pick(['a', 'b', ' ', 'x', '', 'é', '😀']));
}

const N = 2500;

test('one-argument functions agree with SQLite over generated values of every storage class', () => {
  const names = ['abs', 'hex', 'length', 'octet_length', 'lower', 'upper', 'quote', 'sign', 'soundex', 'typeof', 'unicode', 'likely', 'unlikely', 'trim', 'ltrim', 'rtrim', 'unhex', 'char', 'concat', 'round', 'zeroblob'];
  let total = 0;
  for (const name of names) {
    total += differential(name, N, () => {
      // Sizes stay small, or go past the length limit (SQLITE_TOOBIG) without allocating.
      if (name === 'zeroblob') return [rng.chance(0.1) ? int(rng.pick([536870889, 2 ** 40, -(2 ** 40)])) : rng.chance(0.8) ? int(rng.int(60) - 10) : rng.pick([NULL, text('7x'), real(3.9), blob([0x32])])];
      if (name === 'char') return [rng.chance(0.7) ? int(rng.pick([0, 65, 97, 233, 0x41f, 0x20ac, 0xd800, 0xdfff, 0xfffd, 0xfffe, 0x10ffff, 0x110000, -1, 0x1f600])) : gen.any()];
      if (name === 'unhex') return [rng.chance(0.5) ? text(hexish()) : gen.any()];
      return [gen.any()];
    });
  }
  expect(total).toBe(names.length * N);
});

/** Hex-looking text, sometimes with separators or an odd digit. */
function hexish(): string {
  let s = '';
  const n = rng.int(6);
  for (let i = 0; i < n; i++) {
    s += rng.pick(['0', '9', 'a', 'F', 'f', 'c']) + rng.pick(['0', '1', 'B', 'e', 'd']);
    if (rng.chance(0.3)) s += rng.pick(['-', ' ', ':', 'x', '--']);
  }
  if (rng.chance(0.2)) s += rng.pick(['a', 'g', '-']);
  return s;
}

test('multi-argument text functions agree with SQLite', () => {
  const cases: [string, () => TypedValue[]][] = [
    ['substr', () => [gen.any(), smallNumber()]],
    ['substr', () => [gen.any(), smallNumber(), smallNumber()]],
    ['substring', () => [gen.text(), smallNumber(), smallNumber()]],
    ['instr', () => {
      const a = gen.any();
      return [a, rng.chance(0.2) ? gen.any() : related(a)];
    }],
    ['replace', () => {
      const a = gen.any();
      return [a, related(a), rng.chance(0.2) ? gen.any() : text(rng.pick(['', 'Z', 'zz', 'é', "'", 'abc']))];
    }],
    ['trim', () => {
      const a = gen.any();
      return [a, related(a)];
    }],
    ['ltrim', () => {
      const a = gen.any();
      return [a, related(a)];
    }],
    ['rtrim', () => {
      const a = gen.any();
      return [a, related(a)];
    }],
    ['unhex', () => [rng.chance(0.7) ? text(hexish()) : gen.any(), rng.chance(0.8) ? text(rng.pick(['-', ' ', ':-', '', 'x', 'a'])) : gen.any()]],
    ['concat', () => [gen.any(), gen.any(), gen.any()]],
    ['concat_ws', () => [rng.chance(0.8) ? text(rng.pick([',', '', ' - ', 'é'])) : gen.any(), gen.any(), gen.any(), gen.any()]],
    ['char', () => [smallNumber(130), int(0x1f600), gen.any()]],
    ['round', () => [gen.any(), smallNumber(35)]],
    ['round', () => [real(rng.anyDouble()), int(rng.int(32))]],
    ['coalesce', () => [rng.chance(0.5) ? NULL : gen.any(), gen.any()]],
    ['coalesce', () => [NULL, rng.chance(0.5) ? NULL : gen.any(), gen.any()]],
    ['ifnull', () => [rng.chance(0.5) ? NULL : gen.any(), gen.any()]],
    ['iif', () => [gen.any(), gen.any(), gen.any()]],
    ['iif', () => [gen.any(), gen.any()]],
    ['iif', () => [gen.any(), gen.any(), gen.any(), gen.any(), gen.any()]],
    ['if', () => [gen.any(), gen.any(), gen.any(), gen.any()]],
    ['nullif', () => {
      const a = gen.any();
      return [a, rng.chance(0.4) ? a : gen.any()];
    }],
    ['max', () => [gen.any(), gen.any()]],
    ['min', () => [gen.any(), gen.any(), gen.any()]],
    ['max', () => [int(1), real(1), rng.chance(0.5) ? text('1') : int(1)]],
    ['min', () => [real(1), int(1)]],
  ];
  let total = 0;
  for (const [name, g] of cases) total += differential(name, N, g);
  expect(total).toBe(cases.length * N);
});

test('collation-sensitive scalars use the call collation', () => {
  const cases: [string, () => TypedValue[]][] = [
    ['max', () => [gen.text(), gen.text()]],
    ['min', () => [gen.text(), gen.any()]],
    ['nullif', () => {
      const a = gen.text();
      return [a, related(a)];
    }],
  ];
  for (const [name, g] of cases) {
    for (const coll of [
      ['NOCASE', NOCASE],
      ['RTRIM', RTRIM],
    ] as [string, Collation][]) {
      differential(name, 1500, () => {
        const args = g();
        // Trailing spaces and case variants make the collations matter.
        if (args[1].type === ValueType.Text && rng.chance(0.5)) args[1] = text(String(args[0].value ?? '').toUpperCase() + rng.pick(['', ' ', '  ']));
        return args;
      }, coll);
    }
  }
});

test('like() and glob() agree with SQLite, with and without ESCAPE', () => {
  const patternChars = ['a', 'b', 'A', '%', '_', '*', '?', '[', ']', '^', '-', 'é', 'É', '😀', '\\', 'x', 'z', '!'];
  const pattern = (): TypedValue => {
    if (rng.chance(0.1)) return gen.any();
    let s = '';
    const n = rng.int(7);
    for (let i = 0; i < n; i++) s += rng.pick(patternChars);
    return text(s);
  };
  const subject = (): TypedValue => {
    if (rng.chance(0.2)) return gen.any();
    let s = '';
    const n = rng.int(7);
    for (let i = 0; i < n; i++) s += rng.pick(['a', 'b', 'A', 'B', 'é', 'É', '%', '_', '-', '😀', 'x', ']', '\\', 'z']);
    return text(s);
  };
  let total = 0;
  total += differential('like', 6000, () => [pattern(), subject()]);
  total += differential('glob', 6000, () => [pattern(), subject()]);
  total += differential('like', 6000, () => [pattern(), subject(), rng.chance(0.85) ? text(rng.pick(['\\', '!', 'a', '%', '_', 'é'])) : rng.pick([text(''), text('ab'), NULL, int(1), blob([0x5c])])]);
  expect(total).toBe(18_000);
});

test('likelihood(), sqlite_version() and the counters', () => {
  for (const p of ['0.0', '0.5', '1.0', '1.5', '-0.5']) {
    const x = gen.any();
    const want = describe(oracle.eval(`likelihood(?, ${p})`, [x]));
    expect(describe(call('likelihood', [x, real(Number(p))]))).toBe(want);
  }
  expect(describe(call('likelihood', [int(1), text('0.5')]))).toMatch(/^error: second argument to likelihood/);
  expect(describe(call('sqlite_version', []))).toBe(describe(oracle.eval('sqlite_version()')));
  for (const f of ['last_insert_rowid', 'changes', 'total_changes']) expect(describe(call(f, []))).toBe(describe(oracle.eval(`${f}()`)));
});

test('random() and randomblob() give the right types and sizes', () => {
  for (let k = 0; k < 200; k++) {
    const r = call('random', []);
    expect('type' in r && r.type).toBe(ValueType.Integer);
    // Sizes stay small, or go past the length limit (SQLITE_TOOBIG) without allocating.
    const n = rng.chance(0.1) ? int(rng.pick([536870889, 2 ** 40, -(2 ** 40)])) : rng.chance(0.8) ? int(rng.int(60) - 10) : rng.pick([NULL, text('7x'), real(3.9), blob([0x32])]);
    const want = oracle.eval('length(randomblob(?))', [n]);
    const got = call('randomblob', [n]);
    const gotLength: Outcome = 'error' in got ? got : { type: ValueType.Integer, value: (got.value as Uint8Array).length };
    expect(describe(gotLength)).toBe(describe(want));
  }
});

test('wrong argument counts raise SQLite\'s message; unknown names are undefined', () => {
  expect(() => lookupFunction('SUBSTR', 1)).toThrow('wrong number of arguments to function SUBSTR()');
  expect(() => lookupFunction('coalesce', 1)).toThrow('wrong number of arguments to function coalesce()');
  expect(lookupFunction('nosuch', 1)).toBeUndefined();
  expect(lookupFunction('MAX', 1)?.kind).toBe('aggregate');
  expect(lookupFunction('Max', 3)?.kind).toBe('scalar');
  expect(lookupFunction('count', 0)?.kind).toBe('aggregate');
});

test('every built-in name is a function SQLite 3.53 knows, with the same argument counts', () => {
  const known = new Map<string, Set<number>>();
  for (const row of oracle.db.prepare('SELECT name, narg FROM pragma_function_list').all() as { name: string; narg: number }[]) {
    let set = known.get(row.name);
    if (set === undefined) known.set(row.name, (set = new Set()));
    set.add(row.narg);
  }
  const mismatches: string[] = [];
  for (const name of functionNames()) {
    if (!known.has(name)) mismatches.push(`${name} is not a SQLite function`);
    for (let argc = 0; argc <= 6; argc++) {
      let ours: boolean;
      try {
        ours = lookupFunction(name, argc) !== undefined;
      } catch {
        ours = false;
      }
      // Quoted, so that the operator functions "->" and "->>" are called by name too.
      const theirs = oracle.eval(`typeof("${name}"(${new Array(argc).fill("'1'").join(', ')}))`);
      const sqliteAccepts = !('error' in theirs && /wrong number of arguments/.test(theirs.error));
      if (ours !== sqliteAccepts) mismatches.push(`${name}/${argc}: hearth ${ours}, sqlite ${sqliteAccepts}`);
    }
  }
  expect(mismatches).toEqual([]);
});
