// The OPFS VFS and openDatabase, over a fake OPFS (fake-opfs.ts): persistence across connections,
// side files that count as absent when empty, SQLITE_BUSY for a database another "tab" holds,
// SQLITE_FULL at the quota with the database usable afterwards, import and removal.
import { describe, expect, it } from 'vitest';
import { SqliteError } from '@hearth/engine';
import { OpfsVfs, normalizePath } from '../src/opfs-vfs.js';
import { openDatabase } from '../src/open-database.js';
import { FakeOrigin } from './fake-opfs.js';

function errorOf(fn: () => unknown): SqliteError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SqliteError);
    return err as SqliteError;
  }
  throw new Error('expected an error');
}

async function rejectionOf(promise: Promise<unknown>): Promise<SqliteError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(SqliteError);
    return err as SqliteError;
  }
  throw new Error('expected a rejection');
}

describe('OPFS VFS', () => {
  it('keeps a database across connections and releases its handles on close', async () => {
    const origin = new FakeOrigin();
    const vfs = new OpfsVfs(origin.rootHandle);
    const db = await openDatabase('dir/todos.db', { vfs });
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, title TEXT)');
    db.prepare('INSERT INTO t(title) VALUES (?)').run('milk');
    expect(db.pragma('cache_size', { simple: true })).toBe(-16384);
    expect(vfs.isAcquired('dir/todos.db')).toBe(true);
    expect(vfs.exists('dir/todos.db-wal')).toBe(true);
    db.close();
    expect(vfs.isAcquired('dir/todos.db')).toBe(false);
    // The last connection checkpointed and emptied the WAL: the empty file stays, counted as absent.
    const dir = origin.root.dirs.get('dir')!;
    expect(dir.files.get('todos.db-wal')!.bytes.length).toBe(0);
    expect(dir.files.get('todos.db')!.bytes.length).toBe(8192);

    const again = await openDatabase('/dir/todos.db', { vfs: new OpfsVfs(origin.rootHandle) });
    expect(again.prepare('SELECT title FROM t').pluck().all()).toEqual(['milk']);
    again.close();
  });

  it('shares handles between connections of one worker, released by the last', async () => {
    const vfs = new OpfsVfs(new FakeOrigin().rootHandle);
    const [a, b] = await Promise.all([openDatabase('x.db', { vfs }), openDatabase('x.db', { vfs })]);
    a.exec('CREATE TABLE t(x)');
    expect(b.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
    a.close();
    expect(vfs.isAcquired('x.db')).toBe(true);
    b.close();
    expect(vfs.isAcquired('x.db')).toBe(false);
  });

  it('reports a database held by another tab as SQLITE_BUSY naming the cause', async () => {
    const origin = new FakeOrigin();
    const db = await openDatabase('shared.db', { vfs: new OpfsVfs(origin.rootHandle) });
    const other = new OpfsVfs(origin.rootHandle);
    const err = await rejectionOf(openDatabase('shared.db', { vfs: other }));
    expect(err.code).toBe('SQLITE_BUSY');
    expect(err.message).toBe('database is locked: "shared.db" is open in another tab or worker');
    // Nothing was left half-open by the failed attempt.
    expect(other.isAcquired('shared.db')).toBe(false);
    db.close();
    const later = await openDatabase('shared.db', { vfs: other });
    later.close();
  });

  it('fails with SQLITE_CANTOPEN for a missing database that must exist, and for paths not acquired', async () => {
    const origin = new FakeOrigin();
    const vfs = new OpfsVfs(origin.rootHandle);
    expect((await rejectionOf(openDatabase('missing.db', { vfs, fileMustExist: true }))).code).toBe('SQLITE_CANTOPEN');
    expect((await rejectionOf(openDatabase('no/such/dir.db', { vfs, readonly: true }))).code).toBe('SQLITE_CANTOPEN');
    // The failed opens created nothing: no side files, no directories.
    expect([...origin.root.files.keys(), ...origin.root.dirs.keys()]).toEqual([]);
    expect(errorOf(() => vfs.open('never.db')).code).toBe('SQLITE_CANTOPEN');
    expect(vfs.exists('never.db')).toBe(false);
    expect(() => normalizePath('../x.db')).toThrow(SqliteError);
  });

  it.each(['throw', 'chromium'] as const)('turns an exceeded quota into SQLITE_FULL and keeps the database usable once space is freed (write fails: %s)', async (quotaFailure) => {
    const origin = new FakeOrigin();
    origin.quotaFailure = quotaFailure;
    const vfs = new OpfsVfs(origin.rootHandle);
    const db = await openDatabase('full.db', { vfs, cacheSize: 32 });
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)');
    origin.quota = origin.used + 200_000;
    const insert = db.prepare('INSERT INTO t(b) VALUES (randomblob(3000))');
    let committed = 0;
    let failure: SqliteError | null = null;
    while (!failure) {
      try {
        insert.run();
        committed++;
      } catch (err) {
        failure = err as SqliteError;
      }
    }
    expect(failure).toBeInstanceOf(SqliteError);
    expect(failure.code).toBe('SQLITE_FULL');
    expect(failure.message).toBe('database or disk is full');
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(committed);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    origin.quota = Number.MAX_SAFE_INTEGER;
    insert.run();
    db.close();
    const again = await openDatabase('full.db', { vfs });
    expect(again.prepare('SELECT count(*) FROM t').pluck().get()).toBe(committed + 1);
    expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
    again.close();
  });

  it('imports a database file, emptying stale side files, and removes databases', async () => {
    const origin = new FakeOrigin();
    const vfs = new OpfsVfs(origin.rootHandle);
    const source = await openDatabase('a.db', { vfs });
    source.exec("CREATE TABLE t(x); INSERT INTO t VALUES ('from a')");
    source.close();
    const bytes = origin.root.files.get('a.db')!.bytes.slice();
    origin.root.files.set('b.db-wal', Object.assign(Object.create(null), { bytes: new Uint8Array(100).fill(7), handleOpen: false }));
    await vfs.writeDatabase('b.db', bytes);
    expect(origin.root.files.get('b.db-wal')!.bytes.length).toBe(0);
    const b = await openDatabase('b.db', { vfs });
    expect(b.prepare('SELECT x FROM t').pluck().get()).toBe('from a');
    expect((await rejectionOf(vfs.writeDatabase('b.db', bytes))).code).toBe('SQLITE_BUSY');
    expect((await rejectionOf(vfs.removeDatabase('b.db'))).code).toBe('SQLITE_BUSY');
    b.close();
    await vfs.removeDatabase('b.db');
    expect([...origin.root.files.keys()].sort()).toEqual(['a.db', 'a.db-journal', 'a.db-wal']);
  });
});
