/**
 * Savepoints in the pager and through the B-tree layer, checked against models.
 *
 * Pager level: random page writes, appends and truncates inside nested savepoints that are released or
 * rolled back to in random order, in WAL and rollback-journal modes, with a 16-page cache so that dirty
 * pages spill to the log mid-transaction. After every operation the pages the transaction sees are
 * compared with a model (page number → tag, each page's bytes a function of number and tag); the model
 * keeps a copy per open savepoint. Transactions end in commit or rollback, and a fresh connection must
 * read the committed model back.
 *
 * B-tree level: rows with overflow payloads are inserted into and deleted from two tables (so pages
 * move through the freelist) under random savepoints; after each transaction commits, the file passes
 * `checkIntegrity` and, reopened by real SQLite, `PRAGMA integrity_check`, with the rows of the model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Btree } from '../btree/btree.js';
import { checkIntegrity } from '../btree/integrity.js';
import { decodeRecord, encodeRecord } from '../record/record.js';
import { createTable } from '../schema/schema.js';
import { MemoryVfs } from '../vfs/memory.js';
import { NodeVfs } from '../vfs/node.js';
import { Prng } from '../../test/support/prng.js';
import { type JournalMode, Pager } from './pager.js';
import { SubJournal } from './savepoint.js';

const PAGE_SIZE = 512;
const MODES: JournalMode[] = ['wal', 'delete'];

const dir = mkdtempSync(join(tmpdir(), 'hearth-savepoint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Byte `i` of page `pgno` carrying `tag` (tag 0: a zeroed page, as `append` makes it). */
function patternByte(pgno: number, tag: number, i: number): number {
  return tag === 0 ? 0 : (pgno * 31 + tag * 7 + i) & 0xff;
}

function stamp(data: Uint8Array, pgno: number, tag: number): void {
  for (let i = 0; i < data.length; i++) data[i] = patternByte(pgno, tag, i);
}

/** The first page whose bytes differ from the model, as a message, or null. */
function mismatch(pager: Pager, model: number[]): string | null {
  if (pager.pageCount !== model.length - 1) return `page count ${pager.pageCount}, model ${model.length - 1}`;
  for (let pgno = 2; pgno < model.length; pgno++) {
    const page = pager.get(pgno);
    const tag = model[pgno]!;
    for (let i = 0; i < page.data.length; i++) {
      if (page.data[i] !== patternByte(pgno, tag, i)) {
        pager.release(page);
        return `page ${pgno} byte ${i}: expected tag ${tag}`;
      }
    }
    pager.release(page);
  }
  return null;
}

/** Runs `transactions` random transactions with savepoints on one pager, checking it against the model. */
function runPagerWorkload(mode: JournalMode, seed: number, transactions: number): void {
  const rng = new Prng(seed);
  const vfs = new MemoryVfs();
  const open = (): Pager => Pager.open(vfs, 'sp.db', { pageSize: PAGE_SIZE, journalMode: mode, cacheSize: 16 });
  let pager = open();
  // The database starts with its page 1 committed.
  pager.beginWrite();
  pager.commit();
  /** model[pgno] = tag of the page (index 0 unused, index 1 is page 1, not modelled). */
  let committed: number[] = [0, 0];
  let nextTag = 1;
  const where = (op: string): string => `mode ${mode} seed ${seed}: after ${op}`;
  for (let t = 0; t < transactions; t++) {
    pager.beginWrite();
    let model = committed.slice();
    const saved: number[][] = [];
    for (let step = 0; step < 120; step++) {
      const r = rng.float();
      let op: string;
      if (r < 0.4 && model.length > 2) {
        const pgno = 2 + Math.floor(rng.float() * (model.length - 2));
        const page = pager.get(pgno);
        pager.write(page);
        model[pgno] = nextTag++;
        stamp(page.data, pgno, model[pgno]!);
        pager.release(page);
        op = `write ${pgno}`;
      } else if (r < 0.55 && model.length < 70) {
        const page = pager.append();
        const tag = rng.float() < 0.5 ? 0 : nextTag++;
        stamp(page.data, page.pgno, tag);
        model[page.pgno] = tag;
        pager.release(page);
        op = `append ${page.pgno}`;
      } else if (r < 0.6 && model.length > 3) {
        const count = 1 + Math.floor(rng.float() * (model.length - 1));
        pager.truncate(count);
        model.length = count + 1;
        op = `truncate ${count}`;
      } else if (r < 0.72) {
        expect(pager.openSavepoint()).toBe(saved.length);
        saved.push(model.slice());
        op = `savepoint ${saved.length - 1}`;
      } else if (r < 0.8 && saved.length > 0) {
        const depth = Math.floor(rng.float() * saved.length);
        pager.releaseSavepoint(depth);
        saved.length = depth;
        op = `release ${depth}`;
      } else if (r < 0.9 && saved.length > 0) {
        const depth = Math.floor(rng.float() * saved.length);
        pager.rollbackToSavepoint(depth);
        saved.length = depth + 1;
        model = saved[depth]!.slice();
        op = `rollback to ${depth}`;
      } else {
        continue;
      }
      expect(pager.savepointDepth, where(op)).toBe(saved.length);
      expect(mismatch(pager, model), where(op)).toBeNull();
      expect(pager.pinnedPages()).toBe(0);
    }
    if (rng.float() < 0.75) {
      pager.commit();
      committed = model;
    } else {
      pager.rollback();
    }
    expect(pager.savepointDepth).toBe(0);
    if (rng.float() < 0.3) {
      pager.close();
      pager = open();
    }
    pager.beginRead();
    expect(mismatch(pager, committed), where(`transaction ${t} ended`)).toBeNull();
    pager.endRead();
  }
  pager.close();
  const reopened = open();
  reopened.beginRead();
  expect(mismatch(reopened, committed), where('reopen')).toBeNull();
  reopened.endRead();
  reopened.close();
}

describe('pager savepoints', () => {
  for (const mode of MODES) {
    it(`match a model of page contents under random nesting (${mode}, spilling cache)`, () => {
      for (let seed = 1; seed <= 12; seed++) runPagerWorkload(mode, seed, 6);
    });
  }

  it('restore a page dropped by a truncate and then appended again', () => {
    const pager = Pager.open(new MemoryVfs(), 't.db', { pageSize: PAGE_SIZE, journalMode: 'delete' });
    pager.beginWrite();
    for (let i = 0; i < 4; i++) {
      const page = pager.append();
      stamp(page.data, page.pgno, 10 + i);
      pager.release(page);
    }
    pager.commit();
    pager.beginWrite();
    expect(pager.openSavepoint()).toBe(0);
    pager.truncate(2);
    const page = pager.append();
    expect(page.pgno).toBe(3);
    expect(page.data.every((b) => b === 0)).toBe(true);
    stamp(page.data, 3, 99);
    pager.release(page);
    pager.rollbackToSavepoint(0);
    expect(mismatch(pager, [0, 0, 10, 11, 12, 13])).toBeNull();
    pager.releaseSavepoint(0);
    pager.commit();
    pager.close();
  });

  it('refuse savepoints outside a write transaction', () => {
    const pager = Pager.open(new MemoryVfs(), 'o.db', { pageSize: PAGE_SIZE });
    expect(() => pager.openSavepoint()).toThrow(/internal invariant violated/);
    pager.close();
  });
});

describe('sub-journal', () => {
  const image = (byte: number): Uint8Array => new Uint8Array(PAGE_SIZE).fill(byte);

  it('copies a page once per savepoint that needs it, and nothing when no page changes', () => {
    const sj = new SubJournal(PAGE_SIZE);
    sj.open(10);
    sj.release(0);
    expect(sj.recordCount).toBe(0);
    sj.open(10);
    expect(sj.needsImage(3)).toBe(true);
    sj.save(3, image(1));
    expect(sj.needsImage(3)).toBe(false);
    // A page past the savepoint's database size needs no image.
    expect(sj.needsImage(11)).toBe(false);
    sj.open(11);
    expect(sj.needsImage(3)).toBe(true);
    sj.save(3, image(2));
    expect(sj.needsImage(11)).toBe(true);
    expect(sj.recordCount).toBe(2);
  });

  it('rolls back to the image each page had when the savepoint opened', () => {
    const sj = new SubJournal(PAGE_SIZE);
    sj.open(5);
    sj.save(2, image(1));
    sj.open(5);
    sj.save(2, image(2));
    sj.save(4, image(4));
    const restored = new Map<number, number>();
    sj.rollback(1, (pgno, img) => restored.set(pgno, img[0]!));
    expect([...restored]).toEqual([
      [2, 2],
      [4, 4],
    ]);
    expect(sj.depth).toBe(2);
    // The records stay: writing page 2 again needs no new copy, and rolling back again restores it.
    expect(sj.needsImage(2)).toBe(false);
    restored.clear();
    sj.rollback(0, (pgno, img) => restored.set(pgno, img[0]!));
    expect([...restored]).toEqual([
      [2, 1],
      [4, 4],
    ]);
    expect(sj.depth).toBe(1);
  });
});

/** Rows of table `root` as rowid → text. */
function scan(bt: Btree, root: number): Map<number, string> {
  const rows = new Map<number, string>();
  const cursor = bt.cursor(root);
  for (let ok = cursor.first(); ok; ok = cursor.next()) rows.set(cursor.rowid() as number, decodeRecord(cursor.payload())[0] as string);
  cursor.close();
  return rows;
}

function textOf(rng: Prng, rowid: number): string {
  const length = rng.float() < 0.3 ? 600 + Math.floor(rng.float() * 2000) : Math.floor(rng.float() * 60);
  return `${rowid}:`.padEnd(length, String.fromCharCode(97 + (rowid % 26)));
}

type Tables = Map<number, string>[];

function copyTables(tables: Tables): Tables {
  return tables.map((t) => new Map(t));
}

describe('B-tree savepoints', () => {
  for (const mode of MODES) {
    it(`keep the file consistent across random rollbacks to savepoints (${mode})`, () => {
      const path = join(dir, `bt-${mode}.db`);
      const rng = new Prng(mode === 'wal' ? 7 : 8);
      const bt = Btree.open(new NodeVfs(), path, { pageSize: PAGE_SIZE, journalMode: mode, cacheSize: 16 });
      bt.beginWrite();
      const roots = [createTable(bt, 't', 'CREATE TABLE t(a)'), createTable(bt, 'u', 'CREATE TABLE u(a)')];
      bt.commit();
      let committed: Tables = [new Map(), new Map()];
      for (let t = 0; t < 8; t++) {
        bt.beginWrite();
        let model = copyTables(committed);
        const saved: Tables[] = [];
        for (let step = 0; step < 150; step++) {
          const r = rng.float();
          const which = rng.float() < 0.5 ? 0 : 1;
          const rows = model[which]!;
          if (r < 0.5) {
            const rowid = 1 + Math.floor(rng.float() * 300);
            const text = textOf(rng, rowid);
            const cursor = bt.cursor(roots[which]!);
            cursor.insert(rowid, encodeRecord([text]));
            cursor.close();
            rows.set(rowid, text);
          } else if (r < 0.75 && rows.size > 0) {
            const keys = [...rows.keys()];
            const rowid = keys[Math.floor(rng.float() * keys.length)]!;
            const cursor = bt.cursor(roots[which]!);
            expect(cursor.seekRowid(rowid)).toBe(0);
            cursor.delete();
            cursor.close();
            rows.delete(rowid);
          } else if (r < 0.78) {
            bt.clearTree(roots[which]!);
            rows.clear();
          } else if (r < 0.88) {
            expect(bt.openSavepoint()).toBe(saved.length);
            saved.push(copyTables(model));
          } else if (r < 0.93 && saved.length > 0) {
            const depth = Math.floor(rng.float() * saved.length);
            bt.releaseSavepoint(depth);
            saved.length = depth;
          } else if (saved.length > 0) {
            const depth = Math.floor(rng.float() * saved.length);
            bt.rollbackToSavepoint(depth);
            saved.length = depth + 1;
            model = copyTables(saved[depth]!);
            expect(scan(bt, roots[0]!)).toEqual(model[0]);
            expect(scan(bt, roots[1]!)).toEqual(model[1]);
          }
        }
        expect(scan(bt, roots[0]!)).toEqual(model[0]);
        expect(scan(bt, roots[1]!)).toEqual(model[1]);
        bt.commit();
        committed = model;
        bt.beginRead();
        expect(checkIntegrity(bt)).toEqual([]);
        bt.endRead();
      }
      bt.close();
      const db = new Database(path, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      for (const [i, name] of ['t', 'u'].entries()) {
        const rows = db.prepare(`SELECT rowid, a FROM ${name}`).raw().all() as [number, string][];
        expect(new Map(rows)).toEqual(committed[i]);
      }
      db.close();
    });
  }
});
