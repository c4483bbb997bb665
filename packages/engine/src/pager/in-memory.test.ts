/**
 * An in-memory database's pager keeps each page once, in its cache: the file behind it stays empty
 * whatever the cache size, the cache grows with the database instead of evicting, and rollbacks (whole,
 * to a savepoint, after the database shrank) bring back the committed bytes from the images it kept.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../vfs/memory.js';
import { Pager } from './pager.js';
import { appendPages, expectPages, rewritePages } from './generations.test.helper.js';

function open(): { pager: Pager; fileSize: () => number } {
  const vfs = new MemoryVfs();
  const pager = Pager.open(vfs, ':memory:', { pageSize: 1024, cacheSize: 16, journalMode: 'memory', inMemory: true });
  return { pager, fileSize: () => vfs.open(':memory:').size() };
}

describe('in-memory pager', () => {
  it('holds the database in its cache alone, growing it past the cache size', () => {
    const { pager, fileSize } = open();
    pager.beginWrite();
    appendPages(pager, 499, 0);
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
    appendPages(pager, 299, 0);
    pager.commit();
    pager.beginWrite();
    rewritePages(pager, 2, 200, 1);
    appendPages(pager, 100, 1);
    pager.truncate(150);
    appendPages(pager, 20, 2);
    rewritePages(pager, 100, 170, 3);
    pager.rollback();
    expectPages(pager, 300, 0);
    // Changes that were committed stay; a later rollback undoes only its own.
    pager.beginWrite();
    rewritePages(pager, 2, 300, 4);
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
    appendPages(pager, 199, 0);
    pager.commit();
    pager.beginWrite();
    rewritePages(pager, 2, 50, 1);
    const outer = pager.openSavepoint();
    rewritePages(pager, 40, 120, 2);
    pager.truncate(100);
    appendPages(pager, 50, 3);
    pager.rollbackToSavepoint(outer);
    pager.releaseSavepoint(outer);
    pager.commit();
    expectPages(pager, 200, (pgno) => (pgno <= 50 ? 1 : 0));
    pager.beginWrite();
    const sp = pager.openSavepoint();
    rewritePages(pager, 2, 200, 5);
    pager.rollbackToSavepoint(sp);
    rewritePages(pager, 2, 200, 6);
    pager.rollback();
    expectPages(pager, 200, (pgno) => (pgno <= 50 ? 1 : 0));
    pager.close();
  });
});
