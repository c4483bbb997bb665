/**
 * Page generations for pager tests: every byte of page `pgno` in generation `tag` is `byteOf(pgno, tag)`,
 * so a test writes generations and then checks which one each page holds.
 */
import { expect } from 'vitest';
import type { Pager } from './pager.js';

/** The byte every page `pgno` is filled with in generation `tag`. */
export const byteOf = (pgno: number, tag: number): number => (pgno * 13 + tag) & 0xff;

/** Writes generation `tag` over pages `from..to` (inside a write transaction). */
export function rewritePages(pager: Pager, from: number, to: number, tag: number): void {
  for (let pgno = from; pgno <= to; pgno++) {
    const page = pager.get(pgno);
    pager.write(page);
    page.data.fill(byteOf(pgno, tag));
    pager.release(page);
  }
}

/** Appends `n` pages holding generation `tag` (inside a write transaction). */
export function appendPages(pager: Pager, n: number, tag: number): void {
  for (let i = 0; i < n; i++) {
    const page = pager.append();
    page.data.fill(byteOf(page.pgno, tag));
    pager.release(page);
  }
}

/** Checks that there are `count` pages and that pages 2..count hold `tagOf(pgno)`, in full. */
export function expectPages(pager: Pager, count: number, tagOf: number | ((pgno: number) => number)): void {
  pager.beginRead();
  expect(pager.pageCount).toBe(count);
  for (let pgno = 2; pgno <= count; pgno++) {
    const page = pager.get(pgno);
    const want = byteOf(pgno, typeof tagOf === 'number' ? tagOf : tagOf(pgno));
    expect(page.data.every((b) => b === want), `page ${pgno}`).toBe(true);
    pager.release(page);
  }
  pager.endRead();
}
