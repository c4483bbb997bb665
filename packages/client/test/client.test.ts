// @hearth/client's API, run in Node twice: in-process (the `node` entry) and through the browser path's
// messaging — the worker's Comlink API over a MessageChannel — so that errors, transfers and cursors
// crossing a real message boundary are tested too. Exported bytes are checked with real SQLite.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/database.js';
import { connect, deleteDatabase, importDatabase } from '../src/node.js';
import { connectOverMessages, failure } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-client-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const routes: [string, (path: string) => Promise<Database>][] = [
  ['in-process', (path) => connect(path)],
  ['over messages', connectOverMessages],
];

describe.each(routes)('client (%s)', (_route, open) => {
  it('runs the issue example: exec, prepare, run, all, iterate', async () => {
    const db = await open(':memory:');
    await db.exec('CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, title TEXT)');
    const st = await db.prepare('INSERT INTO t(title) VALUES (?)');
    expect(await st.run(['milk'])).toEqual({ changes: 1, lastInsertRowid: 1 });
    expect(await st.run('eggs')).toEqual({ changes: 1, lastInsertRowid: 2 });
    const rows = await db.prepare<{ id: number; title: string }>('SELECT * FROM t').all();
    expect(rows).toEqual([{ id: 1, title: 'milk' }, { id: 2, title: 'eggs' }]);
    const seen: string[] = [];
    for await (const row of db.prepare<{ title: string }>('SELECT title FROM t ORDER BY id').iterate()) seen.push(row.title);
    expect(seen).toEqual(['milk', 'eggs']);
    await db.close();
    expect(db.open).toBe(false);
    expect((await failure(db.exec('SELECT 1'))).code).toBe('SQLITE_MISUSE');
  });

  it('shapes rows: get, raw, pluck, safeIntegers, columns, named parameters, blobs', async () => {
    const db = await open(':memory:');
    await db.exec("CREATE TABLE t(a INTEGER, b TEXT, c BLOB); INSERT INTO t VALUES (1, 'x', x'0102'), (9007199254740993, 'y', NULL)");
    const st = db.prepare('SELECT a, b, c FROM t WHERE a >= :min ORDER BY a');
    expect(await st.get({ min: 0 })).toEqual({ a: 1, b: 'x', c: new Uint8Array([1, 2]) });
    expect(await st.raw().all({ min: 0 })).toEqual([[1, 'x', new Uint8Array([1, 2])], [9007199254740993n, 'y', null]]);
    expect(await st.pluck().safeIntegers().all({ min: 0 })).toEqual([1n, 9007199254740993n]);
    expect(await db.prepare('SELECT a FROM t WHERE a > 5').get()).toEqual({ a: 9007199254740993n });
    expect(await db.prepare('SELECT 1 WHERE 0').get()).toBeUndefined();
    expect((await st.columns()).map((c) => [c.name, c.table, c.type])).toEqual([['a', 't', 'INTEGER'], ['b', 't', 'TEXT'], ['c', 't', 'BLOB']]);
    expect(await db.pragma('user_version', { simple: true })).toBe(0);
    await db.close();
  });

  it('streams large results in batches and closes an abandoned cursor', async () => {
    const db = await open(':memory:');
    await db.exec('CREATE TABLE t(x); INSERT INTO t SELECT i FROM (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) SELECT i FROM n)');
    let sum = 0;
    for await (const x of db.prepare('SELECT x FROM t').pluck<number>().iterate()) sum += x;
    expect(sum).toBe(2001000);
    for await (const x of db.prepare('SELECT x FROM t').pluck<number>().iterate()) if (x === 10) break;
    // The connection is free again: the cursor was closed.
    expect(await db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(2000);
    await db.close();
  });

  it('reports errors as SqliteError with code and message', async () => {
    const db = await open(':memory:');
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)');
    const syntax = await failure(db.prepare('SELEC 1').all());
    expect(syntax.code).toBe('SQLITE_ERROR');
    expect(syntax.message).toBe('near "SELEC": syntax error');
    await db.exec("INSERT INTO t(v) VALUES ('a')");
    const unique = await failure(db.exec("INSERT INTO t(v) VALUES ('a')"));
    expect(unique.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(unique.message).toBe('UNIQUE constraint failed: t.v');
    const notNull = await failure(db.prepare('INSERT INTO t(v) VALUES (?)').run(null));
    expect(notNull.code).toBe('SQLITE_CONSTRAINT_NOTNULL');
    expect((await failure(db.prepare('SELECT * FROM nope').all())).message).toBe('no such table: nope');
    await db.close();
  });

  it('transactions commit, roll back on throw, and make other callers wait', async () => {
    const db = await open(':memory:');
    await db.exec('CREATE TABLE t(x)');
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tx = db.transaction(async (tx) => {
      await tx.prepare('INSERT INTO t VALUES (?)').run(1);
      order.push('tx wrote');
      await held;
      await tx.exec('INSERT INTO t VALUES (2)');
      order.push('tx done');
    });
    const outside = db.prepare('SELECT count(*) FROM t').pluck().get().then((n) => order.push(`outside saw ${n}`));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await Promise.all([tx, outside]);
    expect(order).toEqual(['tx wrote', 'tx done', 'outside saw 2']);

    const boom = new Error('boom');
    await expect(
      db.transaction(async (tx) => {
        await tx.exec('INSERT INTO t VALUES (3)');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(2);

    // Nested: a savepoint, rolled back alone.
    await db.transaction(async (tx) => {
      await tx.exec('INSERT INTO t VALUES (4)');
      await tx.transaction(async (inner) => {
        await inner.exec('INSERT INTO t VALUES (5)');
        throw new Error('inner');
      }).catch(() => undefined);
    });
    expect(await db.prepare('SELECT x FROM t ORDER BY x').pluck().all()).toEqual([1, 2, 4]);
    await db.close();
  });

  it('keeps inTransaction in step with every call, failed ones included', async () => {
    const db = await open(':memory:');
    expect(db.inTransaction).toBe(false);
    await db.exec('CREATE TABLE t(x UNIQUE)');
    await db.exec('BEGIN');
    expect(db.inTransaction).toBe(true);
    await db.prepare('INSERT INTO t VALUES (?)').run(1);
    // A failing statement inside a transaction leaves it open (as in SQLite), and the property says so.
    expect((await failure(db.exec('INSERT INTO t VALUES (1)'))).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(db.inTransaction).toBe(true);
    await db.exec('COMMIT');
    expect(db.inTransaction).toBe(false);
    const seen = await db.transaction(async (tx) => [db.inTransaction, tx.inTransaction]);
    expect(seen).toEqual([true, true]);
    expect(db.inTransaction).toBe(false);
    // A COMMIT that fails (a deferred foreign key) keeps the transaction open; the ROLLBACK ends it.
    await db.exec('PRAGMA foreign_keys = ON; CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE c(p REFERENCES p DEFERRABLE INITIALLY DEFERRED)');
    await db.exec('BEGIN; INSERT INTO c VALUES (7)');
    expect((await failure(db.exec('COMMIT'))).code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
    expect(db.inTransaction).toBe(true);
    await db.exec('ROLLBACK');
    expect(db.inTransaction).toBe(false);
    await db.exec('BEGIN');
    await db.close();
    expect(db.inTransaction).toBe(false);
  });

  it('batch is all or nothing', async () => {
    const db = await open(':memory:');
    await db.exec('CREATE TABLE t(x UNIQUE)');
    const results = await db.batch(['INSERT INTO t VALUES (1)', { sql: 'INSERT INTO t VALUES (?)', args: [2] }]);
    expect(results.map((r) => r.changes)).toEqual([1, 1]);
    expect((await failure(db.batch(['INSERT INTO t VALUES (3)', 'INSERT INTO t VALUES (1)']))).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(await db.prepare('SELECT x FROM t ORDER BY x').pluck().all()).toEqual([1, 2]);
    await db.close();
  });

  it('exports bytes that real SQLite opens', async () => {
    const db = await open(':memory:');
    await db.exec("CREATE TABLE t(x, y); CREATE INDEX ty ON t(y); INSERT INTO t VALUES (1, 'one'), (2, 'two')");
    const bytes = await db.export();
    const file = join(dir, `export-${_route.replace(/ /g, '-')}.db`);
    writeFileSync(file, bytes);
    const sqlite = new Sqlite(file);
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(sqlite.prepare('SELECT y FROM t ORDER BY x').pluck().all()).toEqual(['one', 'two']);
    sqlite.close();
    await db.close();
  });
});

describe('client (Node files)', () => {
  it('keeps data in a file across connections, exports it in WAL mode, imports a real SQLite file', async () => {
    const path = join(dir, 'todos.db');
    const db = await connect(path);
    await db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, title TEXT)');
    await db.prepare('INSERT INTO t(title) VALUES (?)').run('milk');
    const bytes = await db.export();
    await db.close();
    const again = await connect(path, { fileMustExist: true });
    expect(await again.prepare('SELECT title FROM t').pluck().all()).toEqual(['milk']);
    await again.close();
    writeFileSync(join(dir, 'copy.db'), bytes);
    const sqlite = new Sqlite(join(dir, 'copy.db'));
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(sqlite.prepare('SELECT title FROM t').pluck().all()).toEqual(['milk']);
    sqlite.close();

    const made = new Sqlite(join(dir, 'made.db'));
    made.exec("CREATE TABLE p(k TEXT PRIMARY KEY, v); CREATE INDEX pv ON p(v); INSERT INTO p VALUES ('a', 1), ('b', 2.5)");
    made.close();
    await importDatabase(join(dir, 'imported.db'), readFileSync(join(dir, 'made.db')));
    const imported = await connect(join(dir, 'imported.db'));
    expect(await imported.prepare('SELECT k, v FROM p ORDER BY k').raw().all()).toEqual([['a', 1], ['b', 2.5]]);
    expect((await failure(importDatabase(join(dir, 'imported.db'), new Uint8Array(4096)))).code).toBe('SQLITE_BUSY');
    await imported.close();
    expect((await failure(importDatabase(join(dir, 'bad.db'), new Uint8Array(4096)))).code).toBe('SQLITE_NOTADB');
    await deleteDatabase(join(dir, 'imported.db'));
    expect((await failure(connect(join(dir, 'imported.db'), { fileMustExist: true }))).code).toBe('SQLITE_CANTOPEN');
  });

  it('runs JavaScript functions in SQL (engine in this thread)', async () => {
    const db = await connect(':memory:');
    await db.function('twice', (x: number) => x * 2);
    await db.function('joined', { varargs: true }, (...parts: string[]) => parts.join('-'));
    expect(await db.prepare("SELECT twice(21) AS t, joined('a', 'b', 'c') AS j").get()).toEqual({ t: 42, j: 'a-b-c' });
    await db.close();
  });

  it('refuses db.function when the engine is behind messages', async () => {
    const db = await connectOverMessages(':memory:');
    const err = await failure(db.function('twice', (x: number) => x * 2));
    expect(err.code).toBe('SQLITE_MISUSE');
    expect(err.message).toContain('serve({ functions');
    await db.close();
  });
});
