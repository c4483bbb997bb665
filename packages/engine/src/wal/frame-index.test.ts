import { describe, expect, test } from 'vitest';
import { FrameIndex } from './frame-index.js';

/** A deterministic pseudo-random generator (mulberry32): `next(n)` is an integer in [0, n). */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) >>> 0;
  };
}

/** The obvious model: scan the list of frames backwards. */
function modelFind(frames: number[], pgno: number, maxFrame: number): number {
  for (let f = Math.min(maxFrame, frames.length); f >= 1; f--) if (frames[f - 1] === pgno) return f;
  return 0;
}

describe('FrameIndex', () => {
  test('an empty index finds nothing', () => {
    const index = new FrameIndex();
    expect(index.find(1, Infinity)).toBe(0);
    expect(index.lastFrame).toBe(0);
  });

  test('matches a linear scan through adds, truncations and clears', () => {
    const next = prng(7);
    const index = new FrameIndex();
    const frames: number[] = [];
    for (let round = 0; round < 40; round++) {
      const adds = next(3000);
      const spread = 1 + next(round % 2 === 0 ? 50 : 100_000);
      for (let i = 0; i < adds; i++) {
        const pgno = 1 + next(spread);
        frames.push(pgno);
        index.add(pgno, frames.length);
      }
      for (let probe = 0; probe < 300; probe++) {
        const pgno = 1 + next(spread + 5);
        const maxFrame = next(frames.length + 2);
        expect(index.find(pgno, maxFrame)).toBe(modelFind(frames, pgno, maxFrame));
      }
      const action = next(4);
      if (action === 0) {
        const to = next(frames.length + 1);
        index.truncate(to);
        frames.length = to;
      } else if (action === 1 && round % 5 === 0) {
        index.clear();
        frames.length = 0;
      }
      expect(index.lastFrame).toBe(frames.length);
    }
  });

  test('newestFrames lists each page once, ascending, with its newest frame under the bound', () => {
    const index = new FrameIndex();
    const frames = [5, 3, 5, 9, 1, 3, 70000, 5];
    frames.forEach((pgno, i) => index.add(pgno, i + 1));
    const all = index.newestFrames(8);
    expect([...all.pages]).toEqual([1, 3, 5, 9, 70000]);
    expect([...all.frames]).toEqual([5, 6, 8, 4, 7]);
    const early = index.newestFrames(3);
    expect([...early.pages]).toEqual([3, 5]);
    expect([...early.frames]).toEqual([2, 3]);
  });

  test('rejects frames out of order', () => {
    const index = new FrameIndex();
    index.add(1, 1);
    expect(() => index.add(1, 3)).toThrow(/in order/);
    expect(() => index.add(0, 2)).toThrow(/start at 1/);
  });
});
