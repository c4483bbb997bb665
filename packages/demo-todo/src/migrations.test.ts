// The demo's schema migrations and data access, run in Node through @hearth/client (engine in-process, on
// files): a version-1 database written by real SQLite migrates to the current version with its rows, the
// result passes SQLite's integrity check, a failing migration leaves the database at its old version,
// and search treats LIKE's wildcard characters literally.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '@hearth/client';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion, type Migration } from './migrations.js';
import { TodoStore, containsPattern } from './todos.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = (): string => join(dir, `todos-${++files}.db`);

/** A database at schema version 1 with three todos, written by real SQLite. */
function writeVersion1(path: string): void {
  const sqlite = new Sqlite(path);
  sqlite.exec(MIGRATIONS[0]!.sql);
  sqlite.pragma('user_version = 1');
  const insert = sqlite.prepare('INSERT INTO todos(title, done, created_at) VALUES (?, ?, ?)');
  insert.run('buy milk', 0, 1000);
  insert.run('write the pager', 1, 2000);
  insert.run('ship the demo', 0, 3000);
  sqlite.close();
}

describe('migrations', () => {
  it('are numbered 1, 2, 3… and reach version 2 at least', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(2);
  });

  it('create the current schema in a new database', async () => {
    const db = await connect(freshPath());
    expect(await migrate(db)).toEqual({ from: 0, to: SCHEMA_VERSION });
    expect(await migrate(db)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    const store = new TodoStore(db);
    const id = await store.add({ title: '  water the plants ', notes: 'the big ones', due: '2030-01-02' }, 5);
    expect(await store.list('all', '')).toEqual([{ id, title: 'water the plants', done: false, notes: 'the big ones', due: '2030-01-02', createdAt: 5 }]);
    await db.close();
  });

  it('bring a version-1 database made by SQLite to the current version with its data', async () => {
    const path = freshPath();
    writeVersion1(path);
    const db = await connect(path);
    expect(await migrate(db)).toEqual({ from: 1, to: SCHEMA_VERSION });
    expect(await schemaVersion(db)).toBe(SCHEMA_VERSION);
    const store = new TodoStore(db);
    expect(await store.list('all', '')).toEqual([
      { id: 1, title: 'buy milk', done: false, notes: '', due: null, createdAt: 1000 },
      { id: 2, title: 'write the pager', done: true, notes: '', due: null, createdAt: 2000 },
      { id: 3, title: 'ship the demo', done: false, notes: '', due: null, createdAt: 3000 },
    ]);
    await store.update(1, { title: 'buy oat milk', notes: 'two cartons', due: '2031-05-06' });
    expect(await store.counts()).toEqual({ total: 3, active: 2, done: 1 });
    const tables = await db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') ORDER BY name").pluck().all();
    expect(tables).toEqual(['todos', 'todos_done_due']);
    await db.close();

    const sqlite = new Sqlite(path, { readonly: true });
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(sqlite.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(sqlite.prepare('SELECT id, title, notes, due FROM todos WHERE id = 1').get()).toEqual({ id: 1, title: 'buy oat milk', notes: 'two cartons', due: '2031-05-06' });
    sqlite.close();
  });

  it('leave the database at its old version when a migration fails', async () => {
    const path = freshPath();
    writeVersion1(path);
    const broken: Migration[] = [...MIGRATIONS.slice(0, 1), { version: 2, description: 'fails half-way', sql: 'CREATE TABLE extra(x); INSERT INTO nowhere VALUES (1);' }];
    const db = await connect(path);
    await expect(migrate(db, broken)).rejects.toThrow('no such table: nowhere');
    expect(await schemaVersion(db)).toBe(1);
    expect(await db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'extra'").pluck().get()).toBe(0);
    expect(await db.prepare('SELECT count(*) FROM todos').pluck().get()).toBe(3);
    await db.close();
  });

  it('refuse a database newer than the app', async () => {
    const db = await connect(freshPath());
    await db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    await expect(migrate(db)).rejects.toThrow(`schema version ${SCHEMA_VERSION + 1}, newer than this app knows (${SCHEMA_VERSION})`);
    await db.close();
  });
});

describe('TodoStore', () => {
  it('filters, searches titles and notes (wildcards literal, case ignored), completes and clears', async () => {
    const db = await connect(':memory:');
    await migrate(db);
    const store = new TodoStore(db);
    const a = await store.add({ title: 'Buy MILK', notes: '', due: null });
    const b = await store.add({ title: 'call Ann', notes: 'about 100% of the milk budget', due: '2020-01-01' });
    const c = await store.add({ title: 'file_report', notes: '', due: null });
    await store.setDone(b, true);
    const titles = async (filter: 'all' | 'active' | 'done', search: string) => (await store.list(filter, search)).map((t) => t.id);
    expect(await titles('all', 'milk')).toEqual([a, b]);
    expect(await titles('active', 'milk')).toEqual([a]);
    expect(await titles('done', '')).toEqual([b]);
    expect(await titles('all', '100%')).toEqual([b]);
    expect(await titles('all', '0%o')).toEqual([]);
    expect(await titles('all', 'e_r')).toEqual([c]);
    expect(await titles('all', 'l_r')).toEqual([]);
    expect(containsPattern('a\\b')).toBe('%a\\\\b%');
    expect(await store.counts()).toEqual({ total: 3, active: 2, done: 1 });
    await store.setAllDone(true);
    expect(await store.counts()).toEqual({ total: 3, active: 0, done: 3 });
    await store.setDone(c, false);
    expect(await store.clearDone()).toBe(2);
    expect(await titles('all', '')).toEqual([c]);
    await store.remove(c);
    expect(await store.counts()).toEqual({ total: 0, active: 0, done: 0 });
    await expect(store.add({ title: '   ', notes: '', due: null })).rejects.toThrow('CHECK constraint failed');
    await db.close();
  });
});
