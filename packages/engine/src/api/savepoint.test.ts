/**
 * Savepoints, statement rollback and transaction functions, differentially against SQLite
 * (better-sqlite3): the same scripts of BEGIN / COMMIT / ROLLBACK / SAVEPOINT / RELEASE / ROLLBACK TO /
 * CREATE TABLE / INSERT / SELECT run on both, and after every statement the outcome (the error message,
 * or the rows of a query) and `inTransaction` must agree; at the end so must every table's contents.
 * Random scripts run on an in-memory database (rollback journal) and on a file in WAL mode with a tiny
 * cache (dirty pages spill mid-transaction); the file must then pass SQLite's integrity check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Oracle from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeVfs } from '../vfs/node.js';
import { Prng } from '../../test/support/prng.js';
import { Database } from './database.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-sp-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What one statement did: its rows, or its error (code class and message). */
function outcome(run: () => unknown): unknown {
  try {
    return { rows: run() };
  } catch (err) {
    const e = err as { code?: string; message: string };
    // better-sqlite3 reports extended codes (SQLITE_CONSTRAINT_PRIMARYKEY); Hearth the primary one.
    return { error: e.message, code: e.code?.replace(/^(SQLITE_[A-Z]+?)(_[A-Z]+)*$/, '$1') };
  }
}

interface Pair {
  hearth: Database;
  oracle: Oracle.Database;
}

/** Runs `sql` on both engines and expects the same outcome and transaction state. */
function step(pair: Pair, sql: string, context: string): void {
  const isQuery = /^\s*SELECT/i.test(sql);
  const mine = outcome(() => (isQuery ? pair.hearth.prepare(sql).raw().all() : (pair.hearth.exec(sql), null)));
  const theirs = outcome(() => (isQuery ? pair.oracle.prepare(sql).raw().all() : (pair.oracle.exec(sql), null)));
  expect(mine, `${context}: ${sql}`).toEqual(theirs);
  expect(pair.hearth.inTransaction, `${context}: inTransaction after ${sql}`).toBe(pair.oracle.inTransaction);
}

/** The tables the scripts can create, each as its rows or the error of reading it. */
function tablesOf(db: { prepare(sql: string): { raw(): { all(): unknown[] } } }): unknown[] {
  return ['t', 'u', 'w'].map((name) => [name, outcome(() => db.prepare(`SELECT rowid, * FROM ${name} ORDER BY rowid`).raw().all())]);
}

function runScript(pair: Pair, script: readonly string[], context: string): void {
  for (const sql of script) step(pair, sql, context);
  expect(tablesOf(pair.hearth), context).toEqual(tablesOf(pair.oracle));
}

function memoryPair(): Pair {
  return { hearth: new Database(), oracle: new Oracle(':memory:') };
}

/** One random statement of the scripts' small language. */
function randomStatement(rng: Prng): string {
  const name = rng.pick(['a', 'b', 'c', 'A', 'B']);
  const key = (): number => 1 + rng.int(40);
  const text = (): string => (rng.chance(0.2) ? 'x'.repeat(300 + rng.int(1500)) : `v${rng.int(100)}`);
  const r = rng.float();
  if (r < 0.06) return rng.pick(['BEGIN', 'BEGIN DEFERRED', 'BEGIN IMMEDIATE', 'BEGIN EXCLUSIVE']);
  if (r < 0.1) return rng.pick(['COMMIT', 'END', 'ROLLBACK']);
  if (r < 0.22) return `SAVEPOINT ${name}`;
  if (r < 0.3) return rng.pick([`RELEASE ${name}`, `RELEASE SAVEPOINT ${name}`]);
  if (r < 0.38) return rng.pick([`ROLLBACK TO ${name}`, `ROLLBACK TRANSACTION TO SAVEPOINT ${name}`]);
  if (r < 0.42) return rng.pick(['CREATE TABLE u(k INTEGER PRIMARY KEY, v)', 'CREATE TABLE IF NOT EXISTS w(v)']);
  if (r < 0.48) return `INSERT INTO ${rng.pick(['u', 'w'])} VALUES (${key()})`;
  if (r < 0.55) return `SELECT * FROM t ORDER BY k`;
  if (r < 0.6) return `INSERT INTO t(v) VALUES ('${text()}')`;
  if (r < 0.65) return `INSERT INTO t(k, v, n) VALUES (${key()}, 'bad', NULL)`;
  const rows = Array.from({ length: 1 + rng.int(4) }, () => `(${key()}, '${text()}')`);
  return `INSERT INTO t(k, v) VALUES ${rows.join(', ')}`;
}

const SETUP = 'CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT, n NOT NULL DEFAULT 0)';

describe('savepoints against SQLite', () => {
  it('follow SQLite on hand-written scripts', () => {
    const scripts: string[][] = [
      // Statement-level rollback inside BEGIN: the failed INSERT's first rows go, earlier statements stay.
      [SETUP, 'BEGIN', "INSERT INTO t(k, v) VALUES (1, 'a')", "INSERT INTO t(k, v) VALUES (2, 'b'), (3, 'c'), (1, 'dup'), (4, 'd')", 'SELECT * FROM t', 'COMMIT'],
      // changes() and total_changes() count no row of a failed statement; last_insert_rowid() keeps its last.
      [SETUP, "INSERT INTO t(k, v) VALUES (1, 'a')", "INSERT INTO t(k, v) VALUES (7, 'b'), (1, 'c')", 'SELECT last_insert_rowid(), changes(), total_changes()', 'BEGIN', "INSERT INTO t(k, v) VALUES (8, 'b'), (9, NULL, NULL)", 'SELECT last_insert_rowid(), changes(), total_changes()', 'COMMIT'],
      [SETUP, 'BEGIN', "INSERT INTO t(k, v) VALUES (5, 'a'), (6, 'b'), (7, NULL)", "INSERT INTO t(v, n) VALUES ('x', 1), ('y', NULL)", 'SELECT * FROM t', 'COMMIT'],
      // SAVEPOINT outside a transaction starts one; releasing it commits; names fold ASCII case.
      [SETUP, 'SAVEPOINT one', "INSERT INTO t(v) VALUES ('a')", 'SAVEPOINT Two', "INSERT INTO t(v) VALUES ('b')", 'ROLLBACK TO two', 'SELECT * FROM t', 'RELEASE ONE', 'COMMIT'],
      // ROLLBACK TO keeps the savepoint, and works again; the newest of equal names wins.
      [SETUP, 'SAVEPOINT s', "INSERT INTO t(v) VALUES ('a')", 'SAVEPOINT s', "INSERT INTO t(v) VALUES ('b')", 'ROLLBACK TO s', "INSERT INTO t(v) VALUES ('c')", 'ROLLBACK TO s', 'RELEASE s', 'SELECT * FROM t', 'RELEASE s', 'RELEASE s'],
      // Errors: no such savepoint, nothing to commit or roll back, BEGIN inside a savepoint transaction.
      [SETUP, 'RELEASE x', 'ROLLBACK TO x', 'COMMIT', 'ROLLBACK', 'SAVEPOINT x', 'BEGIN', 'ROLLBACK TO y', 'RELEASE "X"', 'RELEASE x'],
      // A savepoint opened before any write of a deferred transaction still undoes later writes.
      [SETUP, 'BEGIN', 'SAVEPOINT early', 'SELECT * FROM t', "INSERT INTO t(v) VALUES ('a')", 'SAVEPOINT later', "INSERT INTO t(v) VALUES ('b')", 'ROLLBACK TO early', 'SELECT * FROM t', "INSERT INTO t(v) VALUES ('c')", 'COMMIT'],
      // Schema changes roll back too; COMMIT releases every savepoint.
      [SETUP, 'BEGIN', 'SAVEPOINT s', 'CREATE TABLE u(k INTEGER PRIMARY KEY, v)', 'INSERT INTO u VALUES (1, 2)', 'ROLLBACK TO s', 'INSERT INTO u VALUES (1, 2)', 'CREATE TABLE w(v)', 'INSERT INTO w VALUES (3)', 'SAVEPOINT t2', 'COMMIT', 'RELEASE t2'],
      // A plain ROLLBACK cancels the savepoints; a failing statement inside a savepoint-started one.
      [SETUP, 'SAVEPOINT s', "INSERT INTO t(k, v) VALUES (1, 'a')", "INSERT INTO t(k, v) VALUES (2, 'b'), (1, 'c')", 'SELECT * FROM t', 'ROLLBACK', 'RELEASE s', 'SELECT * FROM t'],
      // Releasing an inner savepoint keeps its changes under the outer one.
      [SETUP, 'BEGIN IMMEDIATE', 'SAVEPOINT o', 'SAVEPOINT i', "INSERT INTO t(v) VALUES ('a')", 'RELEASE i', 'ROLLBACK TO o', 'SELECT * FROM t', 'ROLLBACK TO i', 'END'],
    ];
    scripts.forEach((script, i) => {
      const pair = memoryPair();
      runScript(pair, script, `script ${i}`);
      pair.hearth.close();
      pair.oracle.close();
    });
  });

  it('follow SQLite on random scripts (memory, rollback journal)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rng = new Prng(seed);
      const pair = memoryPair();
      const script = [SETUP, ...Array.from({ length: 60 }, () => randomStatement(rng))];
      runScript(pair, script, `seed ${seed}`);
      pair.hearth.close();
      pair.oracle.close();
    }
  });

  it('follow SQLite on random scripts (file, WAL, spilling cache) and leave a sound file', () => {
    for (let seed = 100; seed < 110; seed++) {
      const rng = new Prng(seed);
      const path = join(dir, `wal-${seed}.db`);
      const pair: Pair = {
        hearth: new Database(path, { vfs: new NodeVfs(), journalMode: 'wal', pageSize: 1024, cacheSize: 16 }),
        oracle: new Oracle(':memory:'),
      };
      const script = [SETUP, ...Array.from({ length: 80 }, () => randomStatement(rng))];
      runScript(pair, script, `seed ${seed}`);
      if (pair.hearth.inTransaction) step(pair, 'COMMIT', `seed ${seed}`);
      const expected = tablesOf(pair.oracle);
      pair.hearth.close();
      pair.oracle.close();
      const check = new Oracle(path, { readonly: true });
      expect(check.pragma('integrity_check', { simple: true }), `seed ${seed}`).toBe('ok');
      expect(tablesOf(check), `seed ${seed}`).toEqual(expected);
      check.close();
    }
  });
});

describe('statement rollback', () => {
  it('recompiles a prepared statement whose table was rolled back and replaced', () => {
    const db = new Database();
    db.exec('BEGIN; SAVEPOINT s; CREATE TABLE a(x)');
    const insert = db.prepare('INSERT INTO a VALUES (1)');
    insert.run();
    db.exec('ROLLBACK TO s; CREATE TABLE b(x, y NOT NULL)');
    expect(() => insert.run()).toThrow('no such table: a');
    db.exec('COMMIT');
    expect(db.prepare('SELECT x FROM b').all()).toEqual([]);
    db.close();
  });

  it('refuses transaction control while a query is being iterated', () => {
    const db = new Database();
    db.exec("CREATE TABLE t(v); BEGIN; INSERT INTO t VALUES (1); SAVEPOINT s");
    for (const _ of db.prepare('SELECT v FROM t').iterate()) {
      expect(() => db.exec('ROLLBACK TO s')).toThrow('This database connection is busy executing a query');
    }
    db.exec('COMMIT');
    db.close();
  });
});

describe('Database.transaction', () => {
  /**
   * The same nested transaction functions on either engine (better-sqlite3's connection is passed as
   * Hearth's type: the calls made here have the same shape on both); returns what happened.
   */
  function scenario(db: Database): unknown {
    const events: unknown[] = [];
    db.exec('CREATE TABLE t(k INTEGER PRIMARY KEY, v)');
    const insert = db.prepare('INSERT INTO t(v) VALUES (?)');
    const inner = db.transaction((v: string, fail: boolean) => {
      insert.run(v);
      events.push(['inner', db.inTransaction]);
      if (fail) throw new Error(`inner ${v}`);
    });
    const outer = db.transaction((values: string[]) => {
      for (const v of values) {
        try {
          inner(v, v.startsWith('!'));
        } catch (err) {
          events.push(['caught', (err as Error).message]);
        }
      }
      return values.length;
    });
    events.push(['outer', outer(['a', '!b', 'c'])]);
    events.push(['after', db.inTransaction]);
    try {
      db.transaction(() => {
        insert.run('d');
        throw new Error('boom');
      }).immediate();
    } catch (err) {
      events.push(['thrown', (err as Error).message, db.inTransaction]);
    }
    events.push(['deferred', outer.deferred(['e']), 'exclusive', outer.exclusive(['f']), 'immediate', outer.immediate(['g'])]);
    events.push(['variants', typeof outer.default, outer.database === db, Object.keys(outer)]);
    try {
      db.transaction(() => Promise.resolve(1))();
    } catch (err) {
      events.push(['promise', (err as Error).constructor.name, (err as Error).message, db.inTransaction]);
    }
    try {
      db.transaction(42 as unknown as () => void);
    } catch (err) {
      events.push(['not a function', (err as Error).constructor.name, (err as Error).message]);
    }
    events.push(['rows', db.prepare('SELECT k, v FROM t').raw().all()]);
    return events;
  }

  it('nests through savepoints exactly as better-sqlite3 does', () => {
    const mine = new Database();
    const theirs = new Oracle(':memory:');
    expect(scenario(mine)).toEqual(scenario(theirs as unknown as Database));
    mine.close();
    theirs.close();
  });
});
