/**
 * An in-memory database's pager keeps each page once, in its cache: the file behind it stays empty
 * whatever the cache size, the cache grows with the database instead of evicting, and rollbacks (whole,
 * to a savepoint, after the database shrank) bring back the committed bytes from the images it kept.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../vfs/memory.js';
import { Pager } from './pager.js';

const byteOf = (pgno: number, tag: number): number => (pgno * 13 + tag) & 0xff;

function rewrite(pager: Pager, from: number, to: number, tag: number): void {
  for (let pgno = from; pgno <= to; pgno++) {
    const page = pager.get(pgno);
    pager.write(page);
    page.data.fill(byteOf(pgno, tag));
    pager.release(page);
  }
}

function append(pager: Pager, n: number, tag: number): void {
  for (let i = 0; i < n; i++) {
    const page = pager.append();
    page.data.fill(byteOf(page.pgno, tag));
    pager.release(page);
  }
}

/** Checks that pages 2..count hold generation `tag` in full, and that there are `count` pages. */
function expectPages(pager: Pager, count: number, tag: number): void {
  pager.beginRead();
  expect(pager.pageCount).toBe(count);
  for (let pgno = 2; pgno <= count; pgno++) {
    const page = pager.get(pgno);
    const want = byteOf(pgno, tag);
    expect(page.data.every((b) => b === want), `page ${pgno}`).toBe(true);
    pager.release(page);
  }
  pager.endRead();
}

function open(): { pager: Pager; fileSize: () => number } {
  const vfs = new MemoryVfs();
  const pager = Pager.open(vfs, ':memory:', { pageSize: 1024, cacheSize: 16, journalMode: 'memory', inMemory: true });
  return { pager, fileSize: () => vfs.open(':memory:').size() };
}

describe('in-memory pager', () => {
  it('holds the database in its cache alone, growing it past the cache size', () => {
    const { pager, fileSize } = open();
    pager.beginWrite();
    append(pager, 499, 0);
    pager.commit();
    expect(pager.cacheCapacity).toBeGreaterThanOrEqual(500);
    expectPages(pager, 500, 0);
    pager.setCacheSize(16);
    expect(pager.cacheCapacity).toBeGreaterThanOrEqual(500);
    expectPages(pager, 500, 0);
    expect(fileSize()).toBe(0);
    pager.close();
  });

  it('rolls back changed, added and truncated pages to their committed bytes', () => {
    const { pager, fileSize } = open();
    pager.beginWrite();
    append(pager, 299, 0);
    pager.commit();
    pager.beginWrite();
    rewrite(pager, 2, 200, 1);
    append(pager, 100, 1);
    pager.truncate(150);
    append(pager, 20, 2);
    rewrite(pager, 100, 170, 3);
    pager.rollback();
    expectPages(pager, 300, 0);
    // Changes that were committed stay; a later rollback undoes only its own.
    pager.beginWrite();
    rewrite(pager, 2, 300, 4);
    pager.commit();
    pager.beginWrite();
    pager.truncate(10);
    pager.rollback();
    expectPages(pager, 300, 4);
    expect(fileSize()).toBe(0);
    pager.close();
  });

  it('rolls back to savepoints, then commits or rolls back the rest', () => {
    const { pager } = open();
    pager.beginWrite();
    append(pager, 199, 0);
    pager.commit();
    pager.beginWrite();
    rewrite(pager, 2, 50, 1);
    const outer = pager.openSavepoint();
    rewrite(pager, 40, 120, 2);
    pager.truncate(100);
    append(pager, 50, 3);
    pager.rollbackToSavepoint(outer);
    pager.releaseSavepoint(outer);
    pager.commit();
    pager.beginRead();
    for (let pgno = 2; pgno <= 200; pgno++) {
      const page = pager.get(pgno);
      expect(page.data[0], `page ${pgno}`).toBe(byteOf(pgno, pgno <= 50 ? 1 : 0));
      pager.release(page);
    }
    pager.endRead();
    pager.beginWrite();
    const sp = pager.openSavepoint();
    rewrite(pager, 2, 200, 5);
    pager.rollbackToSavepoint(sp);
    rewrite(pager, 2, 200, 6);
    pager.rollback();
    pager.beginRead();
    for (let pgno = 2; pgno <= 200; pgno++) {
      const page = pager.get(pgno);
      expect(page.data[0], `page ${pgno}`).toBe(byteOf(pgno, pgno <= 50 ? 1 : 0));
      pager.release(page);
    }
    pager.endRead();
    pager.close();
  });
});
