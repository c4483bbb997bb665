import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../vfs/memory.js';
import { Btree } from './btree.js';
import { encodeRecord, decodeRecord } from '../record/record.js';
import { UnpackedKey, keyInfoBinary } from '../record/compare.js';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

function payloadOf(rowid: number, size: number): Uint8Array {
  const p = new Uint8Array(size);
  for (let i = 0; i < size; i++) p[i] = (rowid * 31 + i * 7) & 0xff;
  return p;
}

describe('table b-tree', () => {
  it('inserts and scans rows in rowid order', () => {
    const bt = Btree.open(new MemoryVfs(), 'a.db', { pageSize: 1024 });
    bt.beginWrite();
    const root = bt.createTree('table');
    const cur = bt.cursor(root);
    for (let i = 0; i < 2000; i++) cur.insert((i * 7919) % 2000, payloadOf(i, 10 + (i % 50)));
    const seen: number[] = [];
    for (let ok = cur.first(); ok; ok = cur.next()) seen.push(cur.rowid() as number);
    expect(seen).toEqual([...Array(2000).keys()]);
    cur.close();
    bt.commit();
    expect(bt.pager.pinnedPages()).toBe(0);
    bt.close();
  });

  it('matches a model under random inserts, updates and deletes with overflow payloads', () => {
    for (const pageSize of [512, 1024, 4096]) {
      const next = rng(pageSize);
      const vfs = new MemoryVfs();
      let bt = Btree.open(vfs, 'm.db', { pageSize, cacheSize: 32 });
      bt.beginWrite();
      const root = bt.createTree('table');
      bt.commit();
      const model = new Map<number, number>();
      for (let batch = 0; batch < 20; batch++) {
        bt.beginWrite();
        const cur = bt.cursor(root);
        for (let op = 0; op < 300; op++) {
          const r = next();
          const rowid = Math.floor(next() * 600);
          if (r < 0.6) {
            const size = next() < 0.1 ? Math.floor(next() * pageSize * 3) : Math.floor(next() * 60);
            cur.insert(rowid, payloadOf(rowid + size, size));
            model.set(rowid, size);
          } else if (cur.seekRowid(rowid) === 0) {
            cur.delete();
            model.delete(rowid);
          }
        }
        const keys = [...model.keys()].sort((a, b) => a - b);
        const seen: number[] = [];
        for (let ok = cur.first(); ok; ok = cur.next()) {
          const rowid = cur.rowid() as number;
          seen.push(rowid);
          expect(cur.payload()).toEqual(payloadOf(rowid + model.get(rowid)!, model.get(rowid)!));
        }
        expect(seen).toEqual(keys);
        const back: number[] = [];
        for (let ok = cur.last(); ok; ok = cur.prev()) back.push(cur.rowid() as number);
        expect(back).toEqual(keys.slice().reverse());
        cur.close();
        if (batch % 3 === 2) bt.rollback();
        else bt.commit();
        if (batch % 3 === 2) {
          // rolled back: rebuild the model from the tree
          bt.beginRead();
          const c2 = bt.cursor(root);
          model.clear();
          for (let ok = c2.first(); ok; ok = c2.next()) model.set(c2.rowid() as number, c2.payloadSize());
          c2.close();
          bt.endRead();
        }
        if (batch % 5 === 4) {
          bt.close();
          bt = Btree.open(vfs, 'm.db', { cacheSize: 32 });
        }
        expect(bt.pager.pinnedPages()).toBe(0);
      }
      bt.close();
    }
  });
});

describe('index b-tree', () => {
  it('keeps records ordered under random inserts and deletes', () => {
    const next = rng(7);
    const bt = Btree.open(new MemoryVfs(), 'i.db', { pageSize: 512 });
    const info = keyInfoBinary(2);
    bt.beginWrite();
    const root = bt.createTree('index');
    const cur = bt.cursor(root, info);
    const model = new Map<number, string>();
    const key = new UnpackedKey();
    for (let op = 0; op < 4000; op++) {
      const rowid = Math.floor(next() * 800);
      if (next() < 0.6) {
        if (model.has(rowid)) continue;
        const text = 'k' + Math.floor(next() * 1e6).toString(36).repeat(1 + Math.floor(next() * (next() < 0.05 ? 200 : 5)));
        cur.insertKey(encodeRecord([text, rowid]));
        model.set(rowid, text);
      } else if (model.has(rowid)) {
        key.fromValues([model.get(rowid)!, rowid]);
        expect(cur.seek(key, 0)).toBe(0);
        cur.delete();
        model.delete(rowid);
      }
    }
    const expected = [...model.entries()].map(([r, t]) => [t, r] as [string, number]);
    expected.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
    const seen: [string, number][] = [];
    for (let ok = cur.first(); ok; ok = cur.next()) seen.push(decodeRecord(cur.payload()) as [string, number]);
    expect(seen).toEqual(expected);
    const back: [string, number][] = [];
    for (let ok = cur.last(); ok; ok = cur.prev()) back.push(decodeRecord(cur.payload()) as [string, number]);
    expect(back).toEqual(expected.slice().reverse());
    cur.close();
    bt.commit();
    bt.close();
  });
});
