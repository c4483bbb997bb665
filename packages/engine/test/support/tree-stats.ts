/**
 * Shape statistics of one B-tree for tests: page counts per level kind and how full the leaves are
 * (bytes used by cells and their pointers over the bytes a leaf can give them).
 */
import type { Btree } from '../../src/btree/btree.js';
import { cellCount, cellOffset, freeBytes, hdrOffset, headerSize, isLeafType, pageType, rightChild } from '../../src/btree/format.js';
import { get32 } from '../../src/pager/header.js';

export interface TreeStats {
  depth: number;
  leafPages: number;
  interiorPages: number;
  /** Mean over leaf pages of used / available bytes, in percent. */
  leafFill: number;
  /** Same as `leafFill` without the rightmost leaf, which an append-only workload leaves partly filled. */
  leafFillButLast: number;
}

export function treeStats(bt: Btree, root: number): TreeStats {
  const usable = bt.usableSize;
  const fills: number[] = [];
  let interiorPages = 0;
  let depth = 0;
  const walk = (pgno: number, level: number): void => {
    const children: number[] = [];
    const page = bt.pager.get(pgno);
    try {
      const data = page.data;
      const hdr = hdrOffset(pgno);
      const type = pageType(data, hdr, pgno);
      if (isLeafType(type)) {
        depth = Math.max(depth, level);
        const room = usable - hdr - headerSize(type);
        fills.push((room - freeBytes(data, hdr, type, usable, pgno)) / room);
        return;
      }
      interiorPages++;
      const n = cellCount(data, hdr);
      for (let i = 0; i < n; i++) children.push(get32(data, cellOffset(data, hdr, type, i)));
      children.push(rightChild(data, hdr));
    } finally {
      bt.pager.release(page);
    }
    for (const child of children) walk(child, level + 1);
  };
  walk(root, 1);
  const mean = (xs: number[]): number => (xs.length === 0 ? 0 : (100 * xs.reduce((s, x) => s + x, 0)) / xs.length);
  return {
    depth,
    leafPages: fills.length,
    interiorPages,
    leafFill: mean(fills),
    leafFillButLast: mean(fills.slice(0, -1)),
  };
}
