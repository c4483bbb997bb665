/**
 * The page cache's slot views: made when a slot first holds a page (a large cache that holds a few
 * pages has a few views), kept through grow and shrink with the pages' bytes intact.
 */
import { describe, expect, it } from 'vitest';
import { PageCache } from './cache.js';

const viewCount = (cache: PageCache): number => cache.data.filter((view) => view !== undefined).length;

/** Claims `pgno` and fills its slot with the page number's low byte. */
function put(cache: PageCache, pgno: number): number {
  const slot = cache.claim(pgno);
  expect(slot).toBeGreaterThanOrEqual(0);
  cache.data[slot]!.fill(pgno & 0xff);
  return slot;
}

function expectHeld(cache: PageCache, pgnos: number[]): void {
  for (const pgno of pgnos) {
    const slot = cache.lookup(pgno);
    expect(slot, `page ${pgno}`).toBeGreaterThanOrEqual(0);
    expect(cache.data[slot]!.every((b) => b === (pgno & 0xff)), `page ${pgno} bytes`).toBe(true);
  }
}

describe('page cache slot views', () => {
  it('makes a view only for the slots that hold pages', () => {
    const cache = new PageCache(4096, 4096);
    expect(viewCount(cache)).toBe(0);
    for (const pgno of [1, 2, 3]) put(cache, pgno);
    expect(viewCount(cache)).toBe(3);
    cache.drop(cache.lookup(2));
    put(cache, 9);
    expect(viewCount(cache)).toBe(3);
    expectHeld(cache, [1, 3, 9]);
  });

  it('views slots of a buffer handed in, and of slots added by grow', () => {
    const buffer = new SharedArrayBuffer(8 * 1024);
    const cache = new PageCache(1024, 8, buffer);
    const first = put(cache, 5);
    expect(cache.data[first]!.buffer).toBe(buffer);
    cache.pin(first);
    for (let pgno = 6; pgno < 13; pgno++) cache.pin(put(cache, pgno));
    // Every slot is pinned: no victim until the cache grows.
    expect(cache.claim(13)).toBe(-1);
    cache.grow(4);
    const grown = put(cache, 13);
    expect(grown).toBeGreaterThanOrEqual(8);
    expect(cache.data[grown]!.buffer).not.toBe(buffer);
    expectHeld(cache, [5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('keeps dirty pages and their bytes through a shrink into a new buffer', () => {
    const cache = new PageCache(1024, 64);
    for (let pgno = 1; pgno <= 40; pgno++) {
      const slot = put(cache, pgno);
      if (pgno > 30) cache.setDirty(slot);
    }
    cache.shrink(16);
    expect(cache.capacity).toBe(16);
    expect(viewCount(cache)).toBeLessThanOrEqual(16);
    expectHeld(cache, [31, 32, 33, 34, 35, 36, 37, 38, 39, 40]);
    put(cache, 41);
    expectHeld(cache, [41]);
  });
});
