/**
 * db.function against better-sqlite3: the same definitions and queries on both connections, comparing
 * results with their SQL types (`typeof`), the arguments as the JavaScript function receives them, and
 * the errors (class and message) of bad definitions, bad results and functions that throw.
 */
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Database } from './database.js';

type Db = Pick<Database, 'prepare' | 'function'>;

function both(): [Db, Db] {
  return [new BetterSqlite3(':memory:') as unknown as Db, new Database(':memory:')];
}

/** A comparable description of what running `fn` does: its value, or the error's class and message. */
function attempt(fn: () => unknown): unknown {
  try {
    const v = fn();
    return { value: normalize(v) };
  } catch (e) {
    if (!(e instanceof Error)) return { thrown: e };
    return { error: e.constructor.name === 'SqliteError' ? 'SqliteError' : e.constructor.name, message: e.message };
  }
}

/** Buffers (better-sqlite3) and Uint8Arrays (Hearth) compare as byte arrays. */
function normalize(v: unknown): unknown {
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
  return v;
}

/** The first row, INTEGER values as bigint (so that both sides keep them exactly). */
function query(db: Db, sql: string): unknown {
  return attempt(() => db.prepare(sql).safeIntegers(true).get());
}

describe('db.function against better-sqlite3', () => {
  it('maps returned JavaScript values to SQL values as better-sqlite3 does', () => {
    const dbs = both();
    const values: Record<string, unknown> = {
      int: 3,
      negzero: -0,
      real: 1.5,
      big: 5n,
      hugebig: 2n ** 70n,
      minbig: -(2n ** 63n),
      str: 'hi',
      u8: new Uint8Array([3, 4]),
      nul: null,
      undef: undefined,
      bool: true,
      obj: {},
      nan: NaN,
      inf: Infinity,
      view: new DataView(new Uint8Array([9]).buffer),
      i16: new Int16Array([1, 2]),
      arraybuffer: new ArrayBuffer(2),
      date: new Date(0),
      maxsafe: 2 ** 53,
    };
    const results = dbs.map((db) =>
      Object.keys(values).map((name) => {
        db.function(`f_${name}`, () => values[name]);
        return [name, query(db, `SELECT f_${name}() AS v, typeof(f_${name}()) AS t`)];
      }),
    );
    expect(results[1]).toEqual(results[0]);
  });

  it('passes arguments as JavaScript values, with safeIntegers as bigints', () => {
    const results = both().map((db) => {
      const describe = (...a: unknown[]): string => JSON.stringify(a.map((x) => [typeof x, x instanceof Uint8Array ? [...x] : String(x)]));
      db.function('args', { varargs: true }, describe);
      db.function('safe', { varargs: true, safeIntegers: true }, describe);
      db.function('safeoff', { varargs: true, safeIntegers: false }, describe);
      const sql = "(1, -1.5, 'x', x'00ff', NULL, 9007199254740993, 9223372036854775807)";
      return [query(db, `SELECT args${sql} AS v`), query(db, `SELECT safe${sql} AS v`), query(db, `SELECT safeoff${sql} AS v`)];
    });
    expect(results[1]).toEqual(results[0]);
  });

  it('counts arguments, overrides built-ins by name and count, ignores case, and is seen by prepared statements', () => {
    const results = both().map((db) => {
      const out: unknown[] = [];
      db.function('two', (a: number, b: number) => a + b);
      out.push(query(db, 'SELECT two(1, 2) AS v'), query(db, 'SELECT two(1) AS v'), query(db, 'SELECT two(1, 2, 3) AS v'));
      db.function('abs', (x: unknown) => `mine ${String(x)}`);
      out.push(query(db, "SELECT abs(-1) AS v, upper('a') AS u"));
      db.function('upper', (x: string, y: string) => `${x}+${y}`);
      out.push(query(db, "SELECT upper('a') AS v, upper('a', 'b') AS w"));
      const before = db.prepare("SELECT lower('A') AS v");
      out.push(attempt(() => before.get()));
      db.function('LOWER', (x: string) => `mylower ${x}`);
      out.push(attempt(() => before.get()));
      db.function('Mixed', () => 'M');
      out.push(query(db, 'SELECT mixed() AS v, MIXED() AS w'));
      db.function('two', (a: number, b: number) => a * b);
      out.push(query(db, 'SELECT two(3, 4) AS v'));
      db.function('opt', { deterministic: true, directOnly: true }, () => 'ok');
      out.push(query(db, 'SELECT opt() AS v'));
      return out;
    });
    expect(results[1]).toEqual(results[0]);
  });

  it('lets errors thrown by the function out unchanged', () => {
    const results = both().map((db) => {
      db.function('thrower', () => {
        throw new RangeError('boom');
      });
      db.function('throwstr', () => {
        throw 'a string';
      });
      return [query(db, 'SELECT thrower() AS v'), query(db, 'SELECT throwstr() AS v'), query(db, "SELECT 'still usable' AS v")];
    });
    expect(results[1]).toEqual(results[0]);
  });

  it('validates its arguments as better-sqlite3 does', () => {
    const manyArgs = (...names: string[]): ((...a: never[]) => unknown) => {
      const f = (): number => 1;
      Object.defineProperty(f, 'length', { value: names.length });
      return f;
    };
    const calls: [string, (db: Db) => unknown][] = [
      ['empty name', (db) => db.function('', () => 1)],
      ['name not a string', (db) => (db.function as (...a: unknown[]) => unknown)(5, () => 1)],
      ['no function', (db) => (db.function as (...a: unknown[]) => unknown)('x', {})],
      ['options not an object', (db) => (db.function as (...a: unknown[]) => unknown)('x', 'opts', () => 1)],
      ['non-boolean option', (db) => (db.function as (...a: unknown[]) => unknown)('x', { deterministic: 1 }, () => 1)],
      ['101 arguments', (db) => db.function('x', manyArgs(...Array.from({ length: 101 }, (_, i) => `a${i}`)))],
      ['100 arguments', (db) => db.function('x', manyArgs(...Array.from({ length: 100 }, (_, i) => `a${i}`)))],
      ['null options', (db) => (db.function as (...a: unknown[]) => unknown)('x', null, () => 1)],
      [
        'while iterating',
        (db) => {
          const it = db.prepare('SELECT 1 AS v').iterate();
          it.next();
          try {
            return db.function('zz', () => 1);
          } finally {
            it.return?.();
          }
        },
      ],
    ];
    for (const [label, call] of calls) {
      const [oracle, hearth] = both();
      const expected = attempt(() => call(oracle) === oracle);
      expect([label, attempt(() => call(hearth) === hearth)]).toEqual([label, expected]);
    }
  });
});
