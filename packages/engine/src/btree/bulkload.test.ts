import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../vfs/memory.js';
import { Btree } from './btree.js';
import { IndexTreeBuilder } from './bulkload.js';
import { checkIntegrity } from './integrity.js';
import { encodeRecord, decodeRecord } from '../record/record.js';
import { UnpackedKey, keyInfoBinary } from '../record/compare.js';
import { rng } from '../../test/support/prng.js';

/** Sorted index keys (text, integer): `n` of them, text lengths from `size(i)`. */
function sortedKeys(n: number, size: (i: number) => number): Uint8Array[] {
  const keys: Uint8Array[] = [];
  for (let i = 0; i < n; i++) keys.push(encodeRecord([`${String(i).padStart(6, '0')}${'x'.repeat(size(i))}`, i]));
  return keys;
}

/** Root pages of the trees built in each file, for the integrity check (which wants them all). */
const rootsOf = new Map<Btree, number[]>();

const hex = (keys: Uint8Array[]): string[] => keys.map((k) => Buffer.from(k).toString('hex'));

/** Builds an index tree from `keys`, checks the file, and returns the tree's entries (in hex) as read by a cursor. */
function buildAndRead(bt: Btree, keys: Uint8Array[]): string[] {
  const root = bt.createTree('index');
  const roots = rootsOf.get(bt) ?? [];
  roots.push(root);
  rootsOf.set(bt, roots);
  const builder = new IndexTreeBuilder(bt, root);
  // Keys handed over back to back in one buffer, as the sorter holds them.
  const arena = new Uint8Array(keys.reduce((s, k) => s + k.length, 1));
  let at = 1;
  for (const key of keys) {
    arena.set(key, at);
    builder.add(arena, at, key.length);
    at += key.length;
  }
  builder.finish();
  expect(checkIntegrity(bt, { roots })).toEqual([]);
  const cur = bt.cursor(root, keyInfoBinary(2));
  const out: Uint8Array[] = [];
  for (let ok = cur.first(); ok; ok = cur.next()) out.push(cur.payload().slice());
  cur.close();
  return hex(out);
}

describe('IndexTreeBuilder', () => {
  it('builds valid trees of every size around page and level boundaries', () => {
    for (const pageSize of [512, 1024]) {
      for (let n = 0; n <= 300; n++) {
        const bt = Btree.open(new MemoryVfs(), 'b.db', { pageSize, cacheSize: 32 });
        bt.beginWrite();
        const keys = sortedKeys(n, () => 20);
        expect(buildAndRead(bt, keys), `n=${n} pageSize=${pageSize}`).toEqual(hex(keys));
        bt.commit();
        expect(bt.pager.pinnedPages()).toBe(0);
        bt.close();
      }
    }
  });

  it('carries overflowing keys, of random sizes, up into interior pages', () => {
    const next = rng(11);
    const bt = Btree.open(new MemoryVfs(), 'o.db', { pageSize: 512 });
    bt.beginWrite();
    for (const n of [1, 7, 50, 400, 3000]) {
      const keys = sortedKeys(n, () => (next() < 0.2 ? 200 + Math.floor(next() * 2000) : Math.floor(next() * 60)));
      expect(buildAndRead(bt, keys), `n=${n}`).toEqual(hex(keys));
    }
    bt.commit();
    bt.close();
  });

  it('leaves a tree that later inserts and deletes keep valid', () => {
    const bt = Btree.open(new MemoryVfs(), 'm.db', { pageSize: 1024 });
    bt.beginWrite();
    const keys = sortedKeys(2000, (i) => i % 37);
    const root = bt.createTree('index');
    const builder = new IndexTreeBuilder(bt, root);
    for (const key of keys) builder.add(key, 0, key.length);
    builder.finish();
    const cur = bt.cursor(root, keyInfoBinary(2));
    const probe = new UnpackedKey();
    for (let i = 0; i < 2000; i += 3) cur.insertKey(encodeRecord([`${String(i).padStart(6, '0')}y`, -i]));
    for (let i = 1; i < 2000; i += 2) {
      expect(cur.seek(probe.fromRecord(keys[i]!, 0, keys[i]!.length), 0)).toBe(0);
      cur.delete();
    }
    expect(checkIntegrity(bt, { roots: [root] })).toEqual([]);
    let count = 0;
    for (let ok = cur.first(); ok; ok = cur.next()) {
      const [text] = decodeRecord(cur.payload());
      expect(typeof text).toBe('string');
      count++;
    }
    expect(count).toBe(1000 + 667);
    cur.close();
    bt.commit();
    bt.close();
  });
});
