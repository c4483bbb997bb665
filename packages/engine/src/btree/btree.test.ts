import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../vfs/memory.js';
import { Btree } from './btree.js';
import { checkIntegrity } from './integrity.js';
import { encodeRecord, decodeRecord } from '../record/record.js';
import { UnpackedKey, keyInfoBinary } from '../record/compare.js';
import { rng } from '../../test/support/prng.js';


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

describe('table b-tree writes', () => {
  it('appends in rowid order into full pages (quick balance at every level) and stays valid', () => {
    const bt = Btree.open(new MemoryVfs(), 'q.db', { pageSize: 512 });
    bt.beginWrite();
    const root = bt.createTree('table');
    const cur = bt.cursor(root);
    for (let i = 1; i <= 6000; i++) cur.insert(i, encodeRecord([i, 'x'.repeat(36)]));
    expect(checkIntegrity(bt, { roots: [root] })).toEqual([]);
    // 46-byte cells and pointers in 512-byte pages: 10 per leaf; even splits would leave leaves about half full.
    expect(bt.pager.pageCount).toBeLessThan(6000 / 10 + 80);
    let n = 0;
    for (let ok = cur.first(); ok; ok = cur.next()) expect(cur.rowid()).toBe(++n);
    expect(n).toBe(6000);
    cur.close();
    bt.commit();
    bt.close();
  });

  it('an insert reuses the seek that preceded it only while the cursor stayed where the seek left it', () => {
    const bt = Btree.open(new MemoryVfs(), 's.db', { pageSize: 512 });
    bt.beginWrite();
    const root = bt.createTree('table');
    const cur = bt.cursor(root);
    const other = bt.cursor(root);
    for (let i = 0; i < 3000; i += 2) cur.insert(i, encodeRecord([i, 'y'.repeat(26)]));
    const expected = new Set<number>();
    for (let i = 0; i < 3000; i += 2) expected.add(i);
    for (let k = 1; k < 3000; k += 6) {
      // Seek, then move or change the tree, then insert the key sought.
      expect(cur.seekRowid(k)).not.toBe(0);
      if (k % 4 === 1) cur.next();
      else if (k % 4 === 3) other.insert(k + 2, encodeRecord([k + 2, 'z']));
      if (k % 4 === 3) expected.add(k + 2);
      cur.insert(k, encodeRecord([k, 'w']));
      expected.add(k);
    }
    expect(checkIntegrity(bt, { roots: [root] })).toEqual([]);
    const seen: number[] = [];
    for (let ok = cur.first(); ok; ok = cur.next()) seen.push(cur.rowid() as number);
    expect(seen).toEqual([...expected].sort((a, b) => a - b));
    cur.close();
    other.close();
    bt.commit();
    bt.close();
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

describe('b-tree edge cases', () => {
  it('lets many cursors pin pages of a tiny cache (the cache grows for pinned pages)', () => {
    const bt = Btree.open(new MemoryVfs(), 'pins.db', { pageSize: 512, cacheSize: 16 });
    bt.beginWrite();
    const roots: number[] = [];
    for (let t = 0; t < 8; t++) {
      const root = bt.createTree('table');
      roots.push(root);
      const cur = bt.cursor(root);
      for (let i = 0; i < 400; i++) cur.insert(i, payloadOf(i, 40));
      cur.close();
    }
    bt.commit();
    bt.beginRead();
    const cursors = roots.map((root) => bt.cursor(root));
    for (const cur of cursors) expect(cur.seekRowid(200)).toBe(0);
    for (const cur of cursors) expect(cur.rowid()).toBe(200);
    for (const cur of cursors) cur.close();
    bt.endRead();
    expect(bt.pager.pinnedPages()).toBe(0);
    bt.close();
  });

  it('leaves no page pinned when a balance fails part-way, so the transaction rolls back', () => {
    const vfs = new MemoryVfs();
    const writer = Btree.open(vfs, 'busy.db', { pageSize: 512, journalMode: 'delete', cacheSize: 16 });
    writer.beginWrite();
    const root = writer.createTree('table');
    writer.commit();
    const reader = Btree.open(vfs, 'busy.db');
    reader.beginRead();
    writer.beginWrite();
    const cur = writer.cursor(root);
    // A full cache must spill into the file, which a reading connection forbids: SQLITE_BUSY mid-insert.
    expect(() => {
      for (let r = 1; r < 200; r++) cur.insert((r * 7919) % 10007, new Uint8Array(400));
    }).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    cur.close();
    expect(writer.pager.pinnedPages()).toBe(0);
    writer.rollback();
    reader.endRead();
    writer.beginRead();
    const check = writer.cursor(root);
    expect(check.first()).toBe(false);
    check.close();
    writer.endRead();
    writer.close();
    reader.close();
  });

  it('finds a rowid given as a bigint in the safe range', () => {
    const bt = Btree.open(new MemoryVfs(), 'big.db');
    bt.beginWrite();
    const cur = bt.cursor(bt.createTree('table'));
    cur.insert(5n, payloadOf(5, 3));
    cur.insert(2n ** 60n, payloadOf(6, 3));
    expect(cur.seekRowid(5)).toBe(0);
    expect(cur.rowid()).toBe(5);
    expect(cur.seekRowid(2n ** 60n)).toBe(0);
    expect(cur.rowid()).toBe(2n ** 60n);
    cur.close();
    bt.commit();
    bt.close();
  });
});
