import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteError } from '../common/errors.js';
import { MemoryVfs } from '../vfs/memory.js';
import { NodeVfs } from '../vfs/node.js';
import { H, get32, put32 } from './header.js';
import type { Vfs, VfsFile } from '../vfs/vfs.js';
import { Pager, cacheSlots } from './pager.js';

/** A file's methods bound to it, so a wrapper can replace some of them. */
function pick(file: VfsFile): VfsFile {
  return {
    read: (buf, off) => file.read(buf, off),
    write: (buf, off) => file.write(buf, off),
    size: () => file.size(),
    truncate: (n) => file.truncate(n),
    sync: () => file.sync(),
    close: () => file.close(),
  };
}

/** A memory VFS that counts the calls made on its files, by path and method (`s.db-wal.write`). */
function countingVfs(): { vfs: Vfs; base: MemoryVfs; calls: Map<string, number> } {
  const base = new MemoryVfs();
  const calls = new Map<string, number>();
  const count = (key: string): void => void calls.set(key, (calls.get(key) ?? 0) + 1);
  const vfs: Vfs = {
    name: 'counting',
    exists: (path) => base.exists(path),
    delete: (path) => base.delete(path),
    open(path, options) {
      const file = base.open(path, options);
      return {
        ...pick(file),
        read: (buf, off) => (count(`${path}.read`), file.read(buf, off)),
        write: (buf, off) => (count(`${path}.write`), file.write(buf, off)),
        size: () => (count(`${path}.size`), file.size()),
        sync: () => (count(`${path}.sync`), file.sync()),
      };
    },
  };
  return { vfs, base, calls };
}

const dir = mkdtempSync(join(tmpdir(), 'hearth-pager-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `n` pages of recognisable bytes past page 1 in one transaction. */
function fill(pager: Pager, n: number, tag: number): void {
  pager.beginWrite();
  for (let i = 0; i < n; i++) {
    const page = pager.append();
    page.data.fill((tag + page.pgno) & 0xff);
    pager.release(page);
  }
  pager.commit();
}

function header(pager: Pager, field: number): number {
  pager.beginRead();
  const page1 = pager.get(1);
  const v = get32(page1.data, field);
  pager.release(page1);
  pager.endRead();
  return v;
}

describe('pager', () => {
  it('creates a database with the requested page size and a valid header', () => {
    for (const pageSize of [512, 1024, 4096, 8192, 16384, 32768, 65536]) {
      const path = join(dir, `size-${pageSize}.db`);
      const pager = Pager.open(new NodeVfs(), path, { pageSize, journalMode: 'delete' });
      pager.beginWrite();
      pager.commit();
      pager.close();
      const db = new Database(path, { readonly: true });
      expect(db.pragma('page_size', { simple: true })).toBe(pageSize);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('encoding', { simple: true })).toBe('UTF-8');
      db.close();
    }
  });

  it('rejects invalid page sizes', () => {
    expect(() => Pager.open(new MemoryVfs(), 'x.db', { pageSize: 1000 })).toThrow(SqliteError);
  });

  it('keeps the change counter, version-valid-for and page count in step (rollback mode)', () => {
    const vfs = new MemoryVfs();
    const pager = Pager.open(vfs, 'c.db', { journalMode: 'delete' });
    fill(pager, 3, 1);
    const c1 = header(pager, H.changeCounter);
    fill(pager, 2, 2);
    const c2 = header(pager, H.changeCounter);
    expect(c2).toBe(c1 + 1);
    expect(header(pager, H.versionValidFor)).toBe(c2);
    expect(header(pager, H.pageCount)).toBe(6);
    expect(pager.pageCount).toBe(6);
    pager.close();
    expect(vfs.snapshot('c.db')!.length).toBe(6 * 4096);
    expect(vfs.exists('c.db-journal')).toBe(false);
  });

  it('reads back committed pages after reopening, in both journal modes', () => {
    for (const journalMode of ['wal', 'delete'] as const) {
      const vfs = new MemoryVfs();
      let pager = Pager.open(vfs, 'r.db', { journalMode, pageSize: 1024 });
      fill(pager, 50, 7);
      pager.close();
      expect(vfs.exists('r.db-wal')).toBe(false);
      pager = Pager.open(vfs, 'r.db');
      expect(pager.journalMode).toBe(journalMode);
      expect(pager.pageCount).toBe(51);
      pager.beginRead();
      for (let pgno = 2; pgno <= 51; pgno++) {
        const page = pager.get(pgno);
        expect(page.data[0]).toBe((7 + pgno) & 0xff);
        expect(page.data[1023]).toBe((7 + pgno) & 0xff);
        pager.release(page);
      }
      pager.endRead();
      pager.close();
    }
  });

  it('rolls back a transaction, including pages it spilled from a small cache', () => {
    for (const journalMode of ['wal', 'delete', 'memory'] as const) {
      const vfs = new MemoryVfs();
      const pager = Pager.open(vfs, 's.db', { journalMode, pageSize: 512, cacheSize: 16 });
      fill(pager, 40, 1);
      pager.beginWrite();
      for (let pgno = 2; pgno <= 41; pgno++) {
        const page = pager.get(pgno);
        pager.write(page);
        page.data.fill(0xee);
        pager.release(page);
      }
      for (let i = 0; i < 30; i++) pager.release(pager.append());
      pager.rollback();
      expect(pager.pageCount).toBe(41);
      pager.beginRead();
      for (let pgno = 2; pgno <= 41; pgno++) {
        const page = pager.get(pgno);
        expect(page.data[5]).toBe((1 + pgno) & 0xff);
        pager.release(page);
      }
      pager.endRead();
      pager.close();
      expect(vfs.snapshot('s.db')!.length).toBe(41 * 512);
    }
  });

  it('commits a WAL transaction with one write of all its frames and one sync, reading nothing', () => {
    const { vfs, calls } = countingVfs();
    const pager = Pager.open(vfs, 'w.db', { journalMode: 'wal', walAutoCheckpoint: 0 });
    fill(pager, 5, 1);
    calls.clear();
    for (let t = 0; t < 10; t++) {
      pager.beginWrite();
      for (const pgno of [2, 4, 6]) {
        const page = pager.get(pgno);
        pager.write(page);
        page.data[7] = t;
        pager.release(page);
      }
      pager.commit();
    }
    expect(Object.fromEntries(calls)).toEqual({ 'w.db-wal.write': 10, 'w.db-wal.sync': 10 });
    pager.close();
  });

  it('starts transactions without touching the file while no other connection committed', () => {
    for (const journalMode of ['wal', 'delete', 'memory'] as const) {
      const { vfs, calls } = countingVfs();
      const pager = Pager.open(vfs, 't.db', { journalMode });
      fill(pager, 3, 1);
      // The first read after the commit finds page 2 cached; nothing else is read either.
      calls.clear();
      for (let i = 0; i < 5; i++) expect(header(pager, H.pageCount)).toBe(4);
      pager.beginRead();
      pager.release(pager.get(2));
      pager.endRead();
      expect(Object.fromEntries(calls)).toEqual({});
      // After a checkpoint empties the WAL the size is still known without reading the file.
      pager.checkpoint();
      calls.clear();
      pager.beginRead();
      expect(pager.pageCount).toBe(4);
      pager.endRead();
      expect(Object.fromEntries(calls)).toEqual({});
      pager.close();
    }
  });

  it('commits an in-memory database by writing its changed pages in place: no journal, no reads, one sync', () => {
    const { vfs, base, calls } = countingVfs();
    const pager = Pager.open(vfs, 'm.db', { journalMode: 'memory' });
    fill(pager, 3, 1);
    calls.clear();
    pager.beginWrite();
    const page = pager.get(3);
    pager.write(page);
    page.data[9] = 99;
    pager.release(page);
    pager.commit();
    expect(Object.fromEntries(calls)).toEqual({ 'm.db.size': 2, 'm.db.write': 1, 'm.db.sync': 1 });
    expect(base.exists('m.db-journal')).toBe(false);
    expect(base.snapshot('m.db')![2 * 4096 + 9]).toBe(99);
    // A rollback of a transaction that spilled nothing leaves the file alone.
    calls.clear();
    pager.beginWrite();
    const again = pager.get(3);
    pager.write(again);
    again.data[9] = 1;
    pager.release(again);
    pager.release(pager.append());
    pager.rollback();
    expect(Object.fromEntries(calls)).toEqual({});
    expect(pager.pageCount).toBe(4);
    pager.close();
  });

  it('bounds memory by the cache size, not the file size', () => {
    expect(cacheSlots(-2000, 4096)).toBe(500);
    expect(cacheSlots(100, 4096)).toBe(100);
    const vfs = new MemoryVfs();
    const pager = Pager.open(vfs, 'big.db', { pageSize: 4096, cacheSize: 64 });
    for (let t = 0; t < 10; t++) fill(pager, 300, t);
    pager.beginRead();
    let sum = 0;
    for (let pgno = 1; pgno <= pager.pageCount; pgno++) {
      const page = pager.get(pgno);
      sum += page.data[0]!;
      pager.release(page);
    }
    pager.endRead();
    expect(sum).toBeGreaterThan(0);
    expect(pager.pageCount).toBe(3001);
    expect(pager.cacheCapacity).toBe(64);
    pager.close();
  });

  it('checkpoints automatically and empties the WAL on close', () => {
    const path = join(dir, 'auto.db');
    const vfs = new NodeVfs();
    const pager = Pager.open(vfs, path, { journalMode: 'wal', walAutoCheckpoint: 100 });
    for (let t = 0; t < 30; t++) fill(pager, 10, t);
    pager.close();
    expect(vfs.exists(`${path}-wal`)).toBe(false);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('page_count', { simple: true })).toBe(301);
    db.close();
  });

  it('gives a new WAL database its page 1 in the file, so a crash before any checkpoint loses nothing', () => {
    const path = join(dir, 'fresh-wal.db');
    const vfs = new NodeVfs();
    const pager = Pager.open(vfs, path, { journalMode: 'wal', walAutoCheckpoint: 0 });
    fill(pager, 3, 5);
    expect(readFileSync(path).length).toBe(4096);
    // Copy the files as a crash would leave them (the connection stays open, nothing checkpointed).
    const copy = join(dir, 'fresh-wal-copy.db');
    writeFileSync(copy, readFileSync(path));
    writeFileSync(`${copy}-wal`, readFileSync(`${path}-wal`));
    pager.close();
    const db = new Database(copy, { readonly: true });
    // Four pages exist only if SQLite replayed the WAL (the file itself holds page 1 alone).
    expect(db.pragma('page_count', { simple: true })).toBe(4);
    db.close();
  });

  it('syncs as synchronous says: FULL at every WAL commit, NORMAL only at checkpoints, OFF never', () => {
    for (const synchronous of ['full', 'normal', 'off'] as const) {
      const { vfs, base, calls } = countingVfs();
      const syncsOf = (path: string): number => calls.get(`${path}.sync`) ?? 0;
      const pager = Pager.open(vfs, 's.db', { journalMode: 'wal', synchronous, walAutoCheckpoint: 0 });
      fill(pager, 1, 1);
      calls.clear();
      for (let t = 0; t < 5; t++) fill(pager, 1, t);
      expect(syncsOf('s.db-wal')).toBe(synchronous === 'full' ? 5 : 0);
      expect(syncsOf('s.db')).toBe(0);
      calls.clear();
      pager.checkpoint();
      expect(syncsOf('s.db-wal') + syncsOf('s.db')).toBe(synchronous === 'off' ? 0 : 2);
      pager.close();
      const again = Pager.open(base, 's.db');
      expect(again.pageCount).toBe(7);
      again.close();
    }
  });

  it('switches journal modes as PRAGMA journal_mode does', () => {
    const vfs = new MemoryVfs();
    const pager = Pager.open(vfs, 'j.db', { journalMode: 'delete' });
    fill(pager, 2, 1);
    pager.setJournalMode('wal');
    expect(pager.journalMode).toBe('wal');
    fill(pager, 2, 2);
    pager.setJournalMode('delete');
    expect(pager.journalMode).toBe('delete');
    pager.close();
    const bytes = vfs.snapshot('j.db')!;
    expect(bytes[H.writeVersion]).toBe(1);
    expect(bytes.length).toBe(5 * 4096);
  });

  it('refuses files that are not databases, and UTF-16 databases, with clear errors', () => {
    const vfs = new MemoryVfs();
    vfs.load('junk.db', new TextEncoder().encode('this is certainly not a database file'.repeat(20)));
    expect(() => Pager.open(vfs, 'junk.db')).toThrow(expect.objectContaining({ code: 'SQLITE_NOTADB' }));
    const path = join(dir, 'utf16.db');
    const db = new Database(path);
    db.pragma('encoding = "UTF-16le"');
    db.exec('CREATE TABLE t(x)');
    db.close();
    vfs.load('utf16.db', readFileSync(path));
    expect(() => Pager.open(vfs, 'utf16.db')).toThrow(/UTF-16le/);
  });

  it('honours readonly and fileMustExist', () => {
    const vfs = new MemoryVfs();
    expect(() => Pager.open(vfs, 'missing.db', { fileMustExist: true })).toThrow(expect.objectContaining({ code: 'SQLITE_CANTOPEN' }));
    const pager = Pager.open(vfs, 'ro.db');
    fill(pager, 1, 1);
    pager.close();
    const ro = Pager.open(vfs, 'ro.db', { readonly: true });
    expect(() => ro.beginWrite()).toThrow(expect.objectContaining({ code: 'SQLITE_READONLY' }));
    ro.close();
  });

  it('keeps a header written by SQLite (user_version, application_id) intact across Hearth commits', () => {
    const path = join(dir, 'meta.db');
    const db = new Database(path);
    db.pragma('journal_mode = DELETE');
    db.pragma('user_version = 42');
    db.pragma('application_id = 1213416521');
    db.exec('CREATE TABLE t(x)');
    db.close();
    const pager = Pager.open(new NodeVfs(), path);
    pager.beginWrite();
    const page1 = pager.get(1);
    pager.write(page1);
    put32(page1.data, H.userVersion, 43);
    pager.release(page1);
    pager.commit();
    pager.close();
    const again = new Database(path, { readonly: true });
    expect(again.pragma('user_version', { simple: true })).toBe(43);
    expect(again.pragma('application_id', { simple: true })).toBe(1213416521);
    expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
    again.close();
  });
});
