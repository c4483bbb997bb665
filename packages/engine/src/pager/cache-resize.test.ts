/**
 * PRAGMA cache_size at run time: the pager's cache grows and shrinks to the new size, and a shrink in
 * the middle of a write transaction keeps every pinned and dirty page, so reads, commits and rollbacks
 * see the same bytes as without the resize.
 */
import { describe, expect, it } from 'vitest';
import { Database } from '../api/database.js';
import { MemoryVfs } from '../vfs/memory.js';
import { Pager } from './pager.js';
import { appendPages, byteOf, expectPages, rewritePages } from './generations.test.helper.js';

function filled(): Pager {
  const pager = Pager.open(new MemoryVfs(), 'r.db', { pageSize: 1024, cacheSize: 64, journalMode: 'delete' });
  pager.beginWrite();
  appendPages(pager, 299, 0);
  pager.commit();
  return pager;
}

describe('cache_size at run time', () => {
  it('grows and shrinks the cache, in pages or KiB', () => {
    const pager = filled();
    expect(pager.cacheCapacity).toBe(64);
    pager.setCacheSize(250);
    expect(pager.cacheCapacity).toBe(250);
    expectPages(pager, 300, 0);
    pager.setCacheSize(-40);
    expect(pager.cacheCapacity).toBe(40);
    expectPages(pager, 300, 0);
    pager.setCacheSize(3);
    expect(pager.cacheCapacity).toBe(16);
    expectPages(pager, 300, 0);
    pager.close();
  });

  it('keeps pinned and dirty pages through a shrink, then commits them', () => {
    const pager = filled();
    pager.setCacheSize(200);
    pager.beginWrite();
    rewritePages(pager, 2, 150, 1);
    const held = [pager.get(170), pager.get(180), pager.get(190)];
    pager.setCacheSize(20);
    // 149 dirty pages and 3 pinned ones cannot all go: the cache stays larger than asked.
    expect(pager.cacheCapacity).toBeGreaterThan(20);
    expect(held.map((p) => p.data[0])).toEqual([170, 180, 190].map((n) => byteOf(n, 0)));
    for (const page of held) pager.release(page);
    rewritePages(pager, 151, 300, 1);
    pager.commit();
    expectPages(pager, 300, 1);
    pager.setCacheSize(20);
    expect(pager.cacheCapacity).toBe(20);
    expectPages(pager, 300, 1);
    pager.close();
  });

  it('keeps dirty pages through a shrink that a rollback then discards', () => {
    const pager = filled();
    pager.setCacheSize(200);
    pager.beginWrite();
    rewritePages(pager, 2, 120, 2);
    pager.setCacheSize(30);
    rewritePages(pager, 121, 300, 2);
    pager.rollback();
    expectPages(pager, 300, 0);
    pager.close();
  });

  it('takes PRAGMA cache_size from SQL', () => {
    const db = new Database('c.db', { vfs: new MemoryVfs(), journalMode: 'delete' });
    db.exec('CREATE TABLE t(x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000) INSERT INTO t SELECT randomblob(500) FROM c');
    const pager = (db as unknown as { bt: { pager: Pager } }).bt.pager;
    db.pragma('cache_size = 20');
    expect(pager.cacheCapacity).toBe(20);
    expect(db.pragma('cache_size', { simple: true })).toBe(20);
    db.exec('BEGIN; UPDATE t SET x = zeroblob(400); PRAGMA cache_size = -100; ROLLBACK');
    expect(pager.cacheCapacity).toBe(25);
    expect(db.prepare('SELECT count(*), sum(length(x)) FROM t').raw().get()).toEqual([3000, 1500000]);
    db.close();
  });
});
