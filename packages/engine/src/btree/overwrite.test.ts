/**
 * A row replaced by a record whose cell is no larger stays where it lies on its leaf (BtCursor.insert
 * of an existing rowid): the new cell is written over the start of the old one and the rest becomes
 * free space, a freeblock, or, under 4 bytes, fragmented bytes, which SQLite caps at 60 per page (57
 * before an allocation). These tests read the leaf afterwards.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../vfs/memory.js';
import { Btree } from './btree.js';
import { cellCount, freeBytes, hdrOffset, LEAF_TABLE } from './format.js';
import { checkIntegrity } from './integrity.js';
import { encodeRecord } from '../record/record.js';

/** A record of `size` bytes: one TEXT of `size - 2` letters (a 2-byte header), different per row. */
function payloadOf(rowid: number, size: number): Uint8Array {
  let text = '';
  for (let i = 0; i < size - 2; i++) text += String.fromCharCode(97 + ((rowid * 7 + i) % 26));
  return encodeRecord([text]);
}

/** A one-leaf table of rows 1..20 with 40-byte payloads. */
function smallTable(): { bt: Btree; root: number } {
  const bt = Btree.open(new MemoryVfs(), 'o.db', { pageSize: 1024 });
  bt.beginWrite();
  const root = bt.createTree('table');
  const cur = bt.cursor(root);
  for (let rowid = 1; rowid <= 20; rowid++) cur.insert(rowid, payloadOf(rowid, 40));
  cur.close();
  return { bt, root };
}

/** The root leaf's cell count, free bytes and fragmented bytes. */
function leafState(bt: Btree, root: number): { cells: number; free: number; fragments: number } {
  const page = bt.pager.get(root);
  try {
    const hdr = hdrOffset(root);
    return { cells: cellCount(page.data, hdr), free: freeBytes(page.data, hdr, LEAF_TABLE, 1024, root), fragments: page.data[hdr + 7]! };
  } finally {
    bt.pager.release(page);
  }
}

function expectRows(bt: Btree, root: number, sizes: Map<number, number>): void {
  const cur = bt.cursor(root);
  const seen = new Map<number, number>();
  for (let ok = cur.first(); ok; ok = cur.next()) {
    const rowid = cur.rowid() as number;
    expect(cur.payload()).toEqual(payloadOf(rowid, sizes.get(rowid)!));
    seen.set(rowid, sizes.get(rowid)!);
  }
  cur.close();
  expect(seen).toEqual(sizes);
  expect(checkIntegrity(bt, { roots: [root] })).toEqual([]);
}

describe('a row rewritten by a smaller one', () => {
  it('keeps its place and frees the rest of its cell', () => {
    const { bt, root } = smallTable();
    const before = leafState(bt, root);
    const cur = bt.cursor(root);
    const sizes = new Map([...Array(20).keys()].map((i) => [i + 1, 40]));
    for (const rowid of [5, 6, 20, 1]) {
      cur.insert(rowid, payloadOf(rowid, 30));
      sizes.set(rowid, 30);
    }
    cur.close();
    const after = leafState(bt, root);
    expect(after.cells).toBe(20);
    expect(after.free - before.free).toBe(40);
    expectRows(bt, root, sizes);
    bt.commit();
    bt.close();
  });

  it('counts tails under 4 bytes as fragments, moving the row instead past 57 of them', () => {
    const { bt, root } = smallTable();
    const cur = bt.cursor(root);
    const sizes = new Map([...Array(20).keys()].map((i) => [i + 1, 40]));
    let fragments = 0;
    // Each shrink by 1 byte leaves a 1-byte fragment while the page's count allows it.
    for (let round = 1; round <= 4; round++) {
      for (let rowid = 1; rowid <= 20; rowid++) {
        cur.insert(rowid, payloadOf(rowid, 40 - round));
        sizes.set(rowid, 40 - round);
        fragments = Math.max(fragments, leafState(bt, root).fragments);
        expect(leafState(bt, root).fragments).toBeLessThanOrEqual(57);
      }
    }
    cur.close();
    expect(fragments).toBe(57);
    expect(leafState(bt, root).cells).toBe(20);
    expectRows(bt, root, sizes);
    bt.commit();
    bt.close();
  });
});
