// db.function from the page, as the worker's engine sees it: a FunctionBridge stand-in (worker side) wired
// to a FunctionHost (page side) through the real shared buffer — the port delivers each message
// synchronously here, so the bridge's Atomics.wait finds the answer already written. Each function is
// defined on Hearth through the bridge and directly on real SQLite (better-sqlite3); values, their SQL
// types and errors must be the same. The browser's real blocking is e2e/tests/runtime.spec.ts's part.
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Database, SqliteError } from '@hearth/engine';
import { FUNCTION_DATA_OFFSET, FunctionBridge, type WorkerFunctionOptions } from '@hearth/worker';
import { FunctionHost } from '../src/function-host.js';

type Fn = (...args: never[]) => unknown;

/** A page (host) and a worker engine (bridge) over a buffer of `bytes`, plus real SQLite beside them. */
function setup(bytes?: number) {
  const host = new FunctionHost(bytes);
  const messages = { calls: 0, more: 0 };
  const bridge = new FunctionBridge(host.buffer, {
    postMessage: (message) => {
      if ('more' in message) messages.more++;
      else messages.calls++;
      host.receive(message);
    },
  });
  const hearth = new Database(':memory:');
  const sqlite = new Sqlite(':memory:');
  const define = (name: string, options: WorkerFunctionOptions, fn: Fn): void => {
    const argc = options.varargs ? -1 : fn.length;
    const id = host.register(1, name, argc, fn as (...args: unknown[]) => unknown);
    hearth.function(name, options, bridge.stub(id, fn.length));
    host.activate(id);
    sqlite.function(name, options, fn);
  };
  return { host, hearth, sqlite, define, messages };
}

const open: { close(): void }[] = [];
afterAll(() => {
  for (const db of open) db.close();
});

/** A blob as a plain Uint8Array (better-sqlite3 gives Buffers). */
function plain(value: unknown): unknown {
  return value instanceof Uint8Array ? new Uint8Array(value) : value;
}

/** Runs `sql` on both: the rows (values and types) or the error (class and message). */
function outcome(db: Database | Sqlite.Database, sql: string): unknown {
  try {
    return { rows: (db.prepare(sql).raw(true).all() as unknown[][]).map((row) => row.map(plain)) };
  } catch (err) {
    return { error: (err as Error).name, message: (err as Error).message };
  }
}

describe('SQL functions of the page, called by the worker through the shared buffer', () => {
  const { hearth, sqlite, define, host, messages } = setup();
  open.push(hearth, sqlite);
  define('ident', {}, (x: unknown) => x);
  define('half', {}, (x: number) => x / 2);
  define('big', {}, (x: number) => BigInt(x) * 1_000_000_000_000n);
  define('huge', {}, () => 2n ** 64n);
  define('shout', {}, (s: string) => `${s}!`);
  define('bytes', {}, (n: number) => new Uint8Array(n).fill(7));
  define('view', {}, () => new DataView(new Uint8Array([1, 2, 3, 4]).buffer, 1, 2));
  define('nada', {}, () => undefined);
  define('yes', {}, () => true);
  define('later', {}, async () => 1);
  define('fails', {}, (why: string) => {
    throw new RangeError(`failed: ${why}`);
  });
  define('coded', {}, () => {
    throw new SqliteError('SQLITE_CONSTRAINT_CHECK', 'rejected by the page');
  });
  define('joined', { varargs: true, deterministic: true }, (...parts: unknown[]) => parts.map(String).join('|'));
  define('kind', { safeIntegers: true }, (x: unknown) => typeof x);

  const queries = [
    "SELECT ident(NULL), ident(1), ident(-2.5), ident('tëxt ✓'), ident(x'00ff'), typeof(ident(3)), typeof(ident(x'01'))",
    'SELECT half(3), half(4), typeof(half(4)), half(1e308 * 10)',
    'SELECT big(9), typeof(big(9)), big(-9000)',
    'SELECT huge()',
    "SELECT shout('hé'), shout(12), shout(NULL)",
    'SELECT length(bytes(10)), hex(view()), typeof(view())',
    'SELECT nada(), typeof(nada())',
    'SELECT yes()',
    'SELECT later()',
    "SELECT fails('why')",
    'SELECT coded()',
    "SELECT joined(), joined(1, 'a', NULL, 2.5, -0.0)",
    'SELECT kind(1), kind(1.5), kind(9007199254740993)',
    'SELECT ident(1, 2)',
  ];
  it.each(queries)('%s', (sql) => {
    expect(outcome(hearth, sql)).toEqual(outcome(sqlite, sql));
  });

  it('calls the function once per row inside an aggregate query', () => {
    hearth.exec('CREATE TABLE t(x)');
    sqlite.exec('CREATE TABLE t(x)');
    const insert = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO t SELECT i FROM n';
    hearth.exec(insert);
    sqlite.exec(insert);
    const before = messages.calls;
    const sql = "SELECT sum(half(x)), count(DISTINCT shout(x % 7)), group_concat(ident(x), '') LIKE '1234%' FROM t";
    expect(outcome(hearth, sql)).toEqual(outcome(sqlite, sql));
    expect(messages.calls - before).toBe(3000);
  });

  it('fails the statement clearly when the function uses the database', () => {
    let inner: unknown = null;
    define('reenter', {}, () => {
      try {
        host.checkReentry(); // what every client call does first
      } catch (err) {
        inner = err;
      }
      return 1;
    });
    const failure = outcome(hearth, 'SELECT reenter()');
    expect(failure).toEqual({ error: 'SqliteError', message: expect.stringContaining('the SQL function reenter() used the database') });
    expect(inner).toBeInstanceOf(SqliteError);
    expect((inner as SqliteError).code).toBe('SQLITE_MISUSE');
    // Outside a function, the database is usable again.
    expect(() => host.checkReentry()).not.toThrow();
  });
});

describe('results larger than the buffer', () => {
  it('arrive whole, in chunks', () => {
    const { hearth, sqlite, define, messages } = setup(FUNCTION_DATA_OFFSET + 1000);
    open.push(hearth, sqlite);
    define('blob', {}, (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31) & 255));
    define('text', {}, (n: number) => 'ab€'.repeat(n));
    for (const sql of ['SELECT hex(blob(2500)) = hex(blob(2500)), length(blob(2500)), sum(length(blob(1000)))', "SELECT text(1000) = text(1000), length(text(1000)), text(0) = ''"]) {
      expect(outcome(hearth, sql)).toEqual(outcome(sqlite, sql));
    }
    const before = { ...messages };
    expect(hearth.prepare('SELECT blob(2500)').pluck().get()).toEqual(plain(sqlite.prepare('SELECT blob(2500)').pluck().get()));
    expect(messages.calls - before.calls).toBe(1);
    expect(messages.more - before.more).toBe(2);
  });

  it('a redefinition replaces the page function; other connections keep theirs', () => {
    const { hearth, host } = setup();
    open.push(hearth);
    const bridge = new FunctionBridge(host.buffer, { postMessage: (message) => host.receive(message) });
    const first = host.register(1, 'v', 0, () => 'first');
    hearth.function('v', bridge.stub(first, 0));
    host.activate(first);
    const other = host.register(2, 'v', 0, () => 'other connection');
    host.activate(other);
    const second = host.register(1, 'V', 0, () => 'second');
    hearth.function('V', bridge.stub(second, 0));
    host.activate(second);
    expect(hearth.prepare('SELECT v()').pluck().get()).toBe('second');
    expect(bridge.call(other, [])).toBe('other connection');
    expect(() => bridge.call(first, [])).toThrow('no longer defined');
    host.forgetConnection(1);
    expect(() => hearth.prepare('SELECT v()').get()).toThrow('no longer defined');
  });
});
