/**
 * The integrity checker against files real SQLite wrote (better-sqlite3):
 * - clean files of many shapes (page sizes, reserved bytes, indexes with DESC/NOCASE/RTRIM, WITHOUT ROWID,
 *   overflow, freelists, both auto-vacuum modes) and files Hearth's b-tree wrote check clean;
 * - targeted corruptions are reported by Hearth, and SQLite's own integrity_check also finds a problem in
 *   the same bytes (differential); where both word a problem the same way, the words must match;
 * - a corruption fuzz: random mutations of valid files are opened, read through cursors and checked, and
 *   every outcome must be success or a SqliteError (not SQLITE_INTERNAL), quickly, with no page left pinned.
 *   HEARTH_FUZZ_ITERATIONS sets the number of cases (default 1000).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteError } from '../common/errors.js';
import { H, get16, get32, put16, put32 } from '../pager/header.js';
import { BINARY, NOCASE, RTRIM, UnpackedKey, keyInfoBinary, type Collation } from '../record/compare.js';
import { RecordReader, encodeRecord } from '../record/record.js';
import type { Int64 } from '../record/varint.js';
import { MemoryVfs } from '../vfs/memory.js';
import { NodeVfs } from '../vfs/node.js';
import { Btree } from './btree.js';
import { CellInfo, PayloadLimits, cellCount, cellOffset, hdrOffset, headerSize, isLeafType, parseCell, rightChild } from './format.js';
import { checkIntegrity, type IntegrityOptions } from './integrity.js';
import { readSchema, treeSpecs } from './integrity-schema.js';
import { rng } from '../../test/support/prng.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-integrity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;


type Db = Database.Database;

interface Shape {
  pageSize: number;
  autoVacuum?: 'full' | 'incremental';
  /** Reserved bytes at the end of each page. */
  reserve?: number;
}

/** A database file written by SQLite in rollback mode, closed, as bytes. */
function sqliteFile(shape: Shape, fill: (db: Db) => void): Uint8Array {
  const path = join(dir, `s${fileNo++}.db`);
  let db = new Database(path);
  db.pragma('journal_mode = DELETE');
  db.pragma(`page_size = ${shape.pageSize}`);
  if (shape.autoVacuum) db.pragma(`auto_vacuum = ${shape.autoVacuum}`);
  db.exec('CREATE TABLE x(a); DROP TABLE x;');
  if (shape.reserve) {
    // SQLite keeps the reserved-bytes count it finds in the header; set it while page 1 is empty.
    db.close();
    const bytes = readFileSync(path);
    bytes[H.reservedBytes] = shape.reserve;
    put16(bytes, 105, shape.pageSize - shape.reserve);
    writeFileSync(path, bytes);
    db = new Database(path);
  }
  fill(db);
  db.close();
  return new Uint8Array(readFileSync(path));
}

/** SQLite's integrity_check of `bytes`: its messages, ['ok'], or ['threw: …'] when it could not finish. */
function sqliteCheck(bytes: Uint8Array): string[] {
  const path = join(dir, `c${fileNo++}.db`);
  writeFileSync(path, bytes);
  try {
    const db = new Database(path);
    try {
      const rows = db.pragma('integrity_check') as { integrity_check: string }[];
      return rows.flatMap((r) => r.integrity_check.split('\n')).filter((m) => !m.startsWith('*** in database'));
    } finally {
      db.close();
    }
  } catch (err) {
    return [`threw: ${(err as Error).message}`];
  } finally {
    rmSync(path, { force: true });
  }
}

/** Hearth's integrity check of `bytes`. */
function hearthCheck(bytes: Uint8Array, options?: IntegrityOptions): string[] {
  const vfs = new MemoryVfs();
  vfs.load('h.db', bytes);
  const bt = Btree.open(vfs, 'h.db', { readonly: true });
  try {
    bt.beginRead();
    const problems = checkIntegrity(bt, options);
    bt.endRead();
    expect(bt.pager.pinnedPages()).toBe(0);
    return problems;
  } finally {
    bt.close();
  }
}

// ---- sample data --------------------------------------------------------------------------------

const WORDS = ['alpha', 'Alpha', 'ALPHA', 'beta ', 'beta', 'Gamma', 'delta  ', 'épsilon', 'zeta', '', 'Eta', 'theta'];

function text(next: () => number, max: number): string {
  const n = Math.floor(next() * max);
  let s = WORDS[Math.floor(next() * WORDS.length)]!;
  while (s.length < n) s += String.fromCharCode(97 + Math.floor(next() * 26));
  return s;
}

function value(next: () => number, big: number): unknown {
  const r = next();
  if (r < 0.1) return null;
  if (r < 0.3) return Math.floor((next() - 0.5) * 2 ** 40);
  if (r < 0.4) return (next() - 0.5) * 1e6;
  if (r < 0.5) return Buffer.from(text(next, 20));
  if (r < 0.55) return text(next, big);
  return text(next, 40);
}

/** Tables and indexes of many kinds, filled with random rows, some deleted. */
function richSchema(db: Db, seed: number, rows: number, big: number): void {
  const next = rng(seed);
  db.exec(`
    CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b REAL, c BLOB, d);
    CREATE INDEX t_a ON t(a);
    CREATE INDEX t_ba ON t(b DESC, a);
    CREATE INDEX t_da ON t(d, a COLLATE NOCASE DESC);
    CREATE TABLE u(x TEXT COLLATE NOCASE, y, z TEXT COLLATE RTRIM, UNIQUE(y, z));
    CREATE INDEX u_x ON u(x);
    CREATE INDEX u_zx ON u(z DESC, x COLLATE BINARY);
    CREATE INDEX u_expr ON u(lower(x), y);
    CREATE INDEX u_part ON u(y) WHERE y IS NOT NULL;
    CREATE TABLE w(k TEXT COLLATE NOCASE, n INTEGER, v, PRIMARY KEY(k, n DESC)) WITHOUT ROWID;
    CREATE INDEX w_v ON w(v);
    CREATE TABLE "odd name"("col one" TEXT, [col two] INT, \`col three\`);
    CREATE INDEX "odd idx" ON "odd name"("col one" COLLATE nocase, [col two] DESC);
    CREATE VIEW tv AS SELECT a, b FROM t;
    CREATE TRIGGER tt AFTER INSERT ON t BEGIN SELECT 1; END;
  `);
  const insT = db.prepare('INSERT INTO t(a, b, c, d) VALUES (?, ?, ?, ?)');
  const insU = db.prepare('INSERT OR IGNORE INTO u VALUES (?, ?, ?)');
  const insW = db.prepare('INSERT OR IGNORE INTO w VALUES (?, ?, ?)');
  const insO = db.prepare('INSERT INTO "odd name" VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      insT.run(text(next, big), next() < 0.2 ? null : next() * 100, value(next, 30), value(next, big));
      insU.run(text(next, 30), value(next, 30), text(next, 30));
      insW.run(text(next, 30), Math.floor(next() * 50), value(next, big));
      insO.run(text(next, 20), Math.floor(next() * 1000), value(next, 20));
    }
  })();
  db.exec('DELETE FROM t WHERE id % 3 = 0; DELETE FROM u WHERE rowid % 4 = 1; DELETE FROM w WHERE n % 5 = 0;');
}

/** A file to corrupt: a table with an index, overflow rows and a freelist of several trunks. */
function corruptible(pageSize = 1024, autoVacuum?: 'full' | 'incremental'): Uint8Array {
  return sqliteFile({ pageSize, autoVacuum }, (db) => {
    db.exec(`CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c); CREATE INDEX t_b ON t(b COLLATE NOCASE DESC);
             CREATE TABLE junk(x);`);
    const ins = db.prepare('INSERT INTO t(b, c) VALUES (?, ?)');
    const junk = db.prepare('INSERT INTO junk VALUES (?)');
    const next = rng(7);
    db.transaction(() => {
      for (let i = 0; i < 400; i++) ins.run(text(next, 60), i % 50 === 0 ? 'o'.repeat(3000 + i) : i);
      for (let i = 0; i < 700; i++) junk.run('j'.repeat(pageSize - 100));
    })();
    db.exec('DROP TABLE junk; DELETE FROM t WHERE a % 9 = 0;');
    if (autoVacuum === 'incremental') db.exec('PRAGMA incremental_vacuum(100)');
  });
}

// ---- clean files ----------------------------------------------------------------------------------

describe('clean files check clean', () => {
  const cases: [string, Shape, (db: Db) => void][] = [
    ['512-byte pages, rich schema', { pageSize: 512 }, (db) => richSchema(db, 1, 300, 600)],
    ['1 KiB pages, overflow rows', { pageSize: 1024 }, (db) => richSchema(db, 2, 400, 4000)],
    ['4 KiB pages, many tables', { pageSize: 4096 }, (db) => {
      db.transaction(() => {
        for (let i = 0; i < 30; i++) {
          db.exec(`CREATE TABLE t${i}(a, b, c); CREATE INDEX i${i} ON t${i}(b, a DESC);`);
          const ins = db.prepare(`INSERT INTO t${i} VALUES (?, ?, ?)`);
          for (let j = 0; j < 20 * i; j++) ins.run(j, `v${(j * 7919) % 101}`, 'x'.repeat(j % 300));
        }
      })();
      for (let i = 0; i < 30; i += 3) db.exec(`DROP TABLE t${i}`);
    }],
    ['64 KiB pages', { pageSize: 65536 }, (db) => richSchema(db, 3, 200, 100000)],
    ['reserved bytes', { pageSize: 1024, reserve: 24 }, (db) => richSchema(db, 4, 300, 3000)],
    ['auto_vacuum = FULL', { pageSize: 1024, autoVacuum: 'full' }, (db) => richSchema(db, 5, 300, 3000)],
    ['auto_vacuum = INCREMENTAL with free pages', { pageSize: 512, autoVacuum: 'incremental' }, (db) => {
      richSchema(db, 6, 300, 2000);
      db.exec('DELETE FROM t WHERE id % 2 = 0; PRAGMA incremental_vacuum(10);');
    }],
    ['a freelist of many trunks', { pageSize: 512 }, (db) => {
      db.exec('CREATE TABLE big(x); CREATE TABLE keep(y);');
      const ins = db.prepare('INSERT INTO big VALUES (?)');
      db.transaction(() => {
        for (let i = 0; i < 800; i++) ins.run('b'.repeat(400));
      })();
      db.exec("INSERT INTO keep VALUES ('kept'); DROP TABLE big;");
    }],
  ];
  for (const [name, shape, fill] of cases) {
    it(name, () => {
      const bytes = sqliteFile(shape, fill);
      expect(sqliteCheck(bytes)).toEqual(['ok']);
      expect(hearthCheck(bytes)).toEqual([]);
    });
  }

  it('reads the file in place through NodeVfs', () => {
    const bytes = sqliteFile({ pageSize: 2048 }, (db) => richSchema(db, 8, 200, 5000));
    const path = join(dir, 'node.db');
    writeFileSync(path, bytes);
    const bt = Btree.open(new NodeVfs(), path, { readonly: true });
    bt.beginRead();
    expect(checkIntegrity(bt)).toEqual([]);
    bt.endRead();
    bt.close();
  });

  it('files written by Hearth, in both journal modes', () => {
    for (const journalMode of ['wal', 'delete'] as const) {
      const vfs = new MemoryVfs();
      const bt = Btree.open(vfs, 'h.db', { pageSize: 512, journalMode, cacheSize: 20 });
      const next = rng(journalMode.length);
      bt.beginWrite();
      const table = bt.createTree('table');
      const index = bt.createTree('index');
      const dropped = bt.createTree('table');
      bt.commit();
      for (let batch = 0; batch < 10; batch++) {
        bt.beginWrite();
        const t = bt.cursor(table);
        const ix = bt.cursor(index, keyInfoBinary(2));
        const d = bt.cursor(dropped);
        for (let op = 0; op < 150; op++) {
          const id = Math.floor(next() * 500);
          const size = next() < 0.1 ? Math.floor(next() * 3000) : Math.floor(next() * 60);
          if (next() < 0.7) {
            t.insert(id, encodeRecord([id, 'r'.repeat(size)]));
            ix.insertKey(encodeRecord([text(next, next() < 0.05 ? 2000 : 30), id]));
            d.insert(id, encodeRecord(['d'.repeat(size)]));
          } else if (t.seekRowid(id) === 0) {
            t.delete();
          }
        }
        t.close();
        ix.close();
        d.close();
        bt.commit();
      }
      bt.beginWrite();
      bt.dropTree(dropped);
      bt.commit();
      bt.beginRead();
      expect(checkIntegrity(bt, { roots: [table, index] })).toEqual([]);
      // The dropped tree's pages are on the freelist; leaving out a live tree shows as unused pages.
      expect(checkIntegrity(bt, { roots: [table] }).some((m) => /^Page \d+: never used$/.test(m))).toBe(true);
      bt.endRead();
      bt.close();
    }
  });
});

describe('key order from the schema', () => {
  it('resolves collations and DESC from CREATE TABLE and CREATE INDEX', () => {
    const bytes = sqliteFile({ pageSize: 1024 }, (db) => richSchema(db, 9, 10, 10));
    const vfs = new MemoryVfs();
    vfs.load('k.db', bytes);
    const bt = Btree.open(vfs, 'k.db', { readonly: true });
    bt.beginRead();
    const { rows, error } = readSchema(bt, 1000);
    bt.endRead();
    bt.close();
    expect(error).toBeNull();
    const specs = treeSpecs(rows, 4);
    const byName = new Map(rows.filter((r) => r.rootpage > 0).map((r) => [r.name, specs.find((s) => s.root === r.rootpage)!]));
    const names = new Map<Collation, string>([
      [BINARY, 'BINARY'],
      [NOCASE, 'NOCASE'],
      [RTRIM, 'RTRIM'],
    ]);
    const order = (name: string): string => {
      const spec = byName.get(name)!;
      const k = spec.keyInfo!;
      const fields = Array.from({ length: Math.min(k.nField, 4) }, (_, i) => `${names.get(k.collations[i]!)}${k.desc[i] ? ' DESC' : ''}`);
      return `${fields.join(', ')}${k.nField > 4 ? ', …' : ''}${spec.unique ? ' unique' : ''}`;
    };
    expect(byName.get('t')!.table).toBe(true);
    expect(order('t_a')).toBe('BINARY, BINARY, BINARY, BINARY, … unique');
    expect(order('t_ba')).toBe('BINARY DESC, BINARY, BINARY unique');
    expect(order('t_da')).toBe('BINARY, NOCASE DESC, BINARY unique');
    expect(order('u_x')).toBe('NOCASE, BINARY unique');
    expect(order('u_zx')).toBe('RTRIM DESC, BINARY, BINARY unique');
    expect(order('u_expr')).toBe('');
    expect(order('u_part')).toBe('BINARY, BINARY unique');
    expect(order('sqlite_autoindex_u_1')).toBe('');
    expect(order('w')).toBe('NOCASE, BINARY DESC unique');
    expect(order('w_v')).toBe('BINARY');
    expect(order('odd idx')).toBe('NOCASE, BINARY DESC, BINARY unique');
    // A legacy schema format ignores DESC.
    expect(treeSpecs(rows, 1).find((s) => s.root === byName.get('t_ba')!.root)!.keyInfo!.desc[0]).toBe(0);
  });
});

// ---- targeted corruptions -------------------------------------------------------------------------

/** Structure of a clean file, found by walking its trees with the format helpers. */
class Layout {
  readonly pageSize: number;
  readonly limits: PayloadLimits;
  /** B-tree pages: page number → [type, tree root]. */
  readonly pages = new Map<number, { type: number; root: number }>();
  /** Overflow chains: first page of each, with its pages in order. */
  readonly chains: number[][] = [];
  readonly roots: Map<string, number>;

  constructor(
    readonly bytes: Uint8Array,
    roots: Record<string, number>,
  ) {
    this.pageSize = get16(bytes, H.pageSize) === 1 ? 65536 : get16(bytes, H.pageSize);
    this.limits = new PayloadLimits(this.pageSize - bytes[H.reservedBytes]!);
    this.roots = new Map(Object.entries(roots));
    for (const root of this.roots.values()) this.walk(root, root);
  }

  page(pgno: number): Uint8Array {
    return this.bytes.subarray((pgno - 1) * this.pageSize, pgno * this.pageSize);
  }

  /** Byte offset in the file of offset `off` of page `pgno`. */
  at(pgno: number, off: number): number {
    return (pgno - 1) * this.pageSize + off;
  }

  /** The first page of `root`'s tree of `type` with at least `minCells` cells (and a freeblock if asked). */
  find(root: number, type: number, minCells = 2, freeblock = false): number {
    for (const [pgno, p] of this.pages) {
      const d = this.page(pgno);
      const hdr = hdrOffset(pgno);
      if (p.root === root && p.type === type && cellCount(d, hdr) >= minCells && (!freeblock || get16(d, hdr + 1) !== 0)) return pgno;
    }
    throw new Error(`no page of type ${type} in tree ${root}`);
  }

  private walk(pgno: number, root: number): void {
    const d = this.page(pgno);
    const hdr = hdrOffset(pgno);
    const type = d[hdr]!;
    this.pages.set(pgno, { type, root });
    const info = new CellInfo();
    for (let i = 0; i < cellCount(d, hdr); i++) {
      parseCell(d, cellOffset(d, hdr, type, i), type, this.limits, info);
      if (info.overflowPgno) {
        const chain = [info.overflowPgno];
        while (get32(this.page(chain[chain.length - 1]!), 0)) chain.push(get32(this.page(chain[chain.length - 1]!), 0));
        this.chains.push(chain);
      }
      if (info.child) this.walk(info.child, root);
    }
    if (!isLeafType(type)) this.walk(rightChild(d, hdr), root);
  }
}

function schemaRoots(bytes: Uint8Array): Record<string, number> {
  const path = join(dir, `r${fileNo++}.db`);
  writeFileSync(path, bytes);
  const db = new Database(path, { readonly: true });
  const rows = db.prepare('SELECT name, rootpage FROM sqlite_schema WHERE rootpage > 0').all() as { name: string; rootpage: number }[];
  db.close();
  return Object.fromEntries([['sqlite_schema', 1], ...rows.map((r) => [r.name, r.rootpage])]);
}

describe('targeted corruptions are found by Hearth and by SQLite', () => {
  const base = corruptible();
  const auto = corruptible(1024, 'full');

  /** Applies `corrupt` to a copy of `bytes` and checks both engines report something. Returns both reports. */
  function differential(bytes: Uint8Array, corrupt: (layout: Layout, b: Uint8Array) => void): { hearth: string[]; sqlite: string[] } {
    const copy = bytes.slice();
    corrupt(new Layout(copy, schemaRoots(bytes)), copy);
    const hearth = hearthCheck(copy);
    const sqlite = sqliteCheck(copy);
    expect(hearth).not.toEqual([]);
    expect(sqlite).not.toEqual(['ok']);
    return { hearth, sqlite };
  }

  it('base files are clean', () => {
    expect(hearthCheck(base)).toEqual([]);
    expect(hearthCheck(auto)).toEqual([]);
  });

  it('a cell pointer into the cell pointer array', () => {
    const { hearth, sqlite } = differential(base, (l, b) => {
      const leaf = l.find(l.roots.get('t')!, 13);
      put16(b, l.at(leaf, 8 + 2), 20);
    });
    const message = sqlite.find((m) => m.includes('Offset 20 out of range'));
    expect(hearth).toContain(message);
  });

  it('two cell pointers to the same cell', () => {
    const { hearth } = differential(base, (l, b) => {
      const leaf = l.find(l.roots.get('t')!, 13);
      put16(b, l.at(leaf, 8 + 2), get16(b, l.at(leaf, 8)));
    });
    expect(hearth.some((m) => /^Multiple uses for byte \d+ of page \d+$/.test(m))).toBe(true);
  });

  it('a freeblock grown over the next cell', () => {
    const { hearth, sqlite } = differential(base, (l, b) => {
      const leaf = l.find(l.roots.get('t')!, 13, 2, true);
      const fb = get16(b, l.at(leaf, 1));
      put16(b, l.at(leaf, fb + 2), get16(b, l.at(leaf, fb + 2)) + 8);
    });
    expect(hearth).toEqual(sqlite.filter((m) => !m.startsWith('row ') && !m.startsWith('wrong #')));
  });

  it('a freeblock list out of order', () => {
    const { hearth } = differential(base, (l, b) => {
      const leaf = l.find(l.roots.get('t')!, 13, 2, true);
      const fb = get16(b, l.at(leaf, 1));
      put16(b, l.at(leaf, fb), fb);
    });
    expect(hearth.some((m) => m.endsWith(': free space corruption'))).toBe(true);
  });

  it('a wrong fragment count', () => {
    const { hearth, sqlite } = differential(base, (l, b) => {
      const leaf = l.find(l.roots.get('t')!, 13);
      b[l.at(leaf, 7)]! += 3;
    });
    expect(hearth).toEqual(sqlite);
  });

  it('a child pointer making a cycle', () => {
    const root = schemaRoots(base).t!;
    const { hearth } = differential(base, (l, b) => put32(b, l.at(l.find(root, 5, 1), 8), root));
    expect(hearth.some((m) => m.endsWith(`right child: 2nd reference to page ${root}`))).toBe(true);
  });

  it('two rows swapped', () => {
    const { hearth } = differential(base, (l, b) => {
      const leaf = l.find(l.roots.get('t')!, 13);
      const p0 = get16(b, l.at(leaf, 8));
      put16(b, l.at(leaf, 8), get16(b, l.at(leaf, 10)));
      put16(b, l.at(leaf, 10), p0);
    });
    expect(hearth.some((m) => /cell \d+: Rowid \d+ out of order$/.test(m))).toBe(true);
  });

  it('two index entries swapped (NOCASE DESC index)', () => {
    const { hearth } = differential(base, (l, b) => {
      const leaf = l.find(l.roots.get('t_b')!, 10);
      const p0 = get16(b, l.at(leaf, 8));
      put16(b, l.at(leaf, 8), get16(b, l.at(leaf, 10)));
      put16(b, l.at(leaf, 10), p0);
    });
    expect(hearth.some((m) => m.endsWith('Index key out of order'))).toBe(true);
  });

  it('an overflow chain cut short', () => {
    const { hearth, sqlite } = differential(base, (l, b) => {
      const chain = l.chains.find((c) => c.length >= 3)!;
      put32(b, l.at(chain[0]!, 0), 0);
    });
    expect(hearth).toEqual(sqlite);
  });

  it('an overflow chain looping back', () => {
    differential(base, (l, b) => {
      const chain = l.chains.find((c) => c.length >= 3)!;
      put32(b, l.at(chain[1]!, 0), chain[0]!);
    });
  });

  it('a freelist count off by one', () => {
    const { hearth, sqlite } = differential(base, (_l, b) => put32(b, H.freelistCount, get32(b, H.freelistCount) + 1));
    expect(hearth).toEqual(sqlite);
  });

  it('an orphaned page', () => {
    const { hearth, sqlite } = differential(base, (l, b) => {
      const trunk = get32(b, H.freelistTrunk);
      put32(b, l.at(trunk, 4), get32(b, l.at(trunk, 4)) - 1);
      put32(b, H.freelistCount, get32(b, H.freelistCount) - 1);
    });
    expect(hearth).toEqual(sqlite);
    expect(hearth[0]).toMatch(/^Page \d+: never used$/);
  });

  it('a freelist leaf that is a tree page', () => {
    const { hearth } = differential(base, (l, b) => {
      const trunk = get32(b, H.freelistTrunk);
      put32(b, l.at(trunk, 8), l.find(l.roots.get('t')!, 13));
    });
    expect(hearth.some((m) => /^Tree \d+ page \d+( cell \d+| right child)?: 2nd reference to page \d+$/.test(m))).toBe(true);
  });

  it('an index page in a table tree', () => {
    differential(base, (l, b) => {
      b[l.at(l.find(l.roots.get('t')!, 13), 0)] = 10;
    });
  });

  it('a header page count past the end of the file', () => {
    const { hearth } = differential(base, (_l, b) => put32(b, H.pageCount, get32(b, H.pageCount) + 3));
    expect(hearth[0]).toMatch(/^Page count in header is \d+ but the database has \d+ pages$/);
  });

  it('a wrong pointer-map entry', () => {
    const { hearth, sqlite } = differential(auto, (l, b) => {
      const leaf = l.find(l.roots.get('t')!, 13);
      // Page 2 is the first pointer-map page; entries start with the page after it.
      b[l.at(2, 5 * (leaf - 3))] = 1;
    });
    // SQLite words every child's pointer-map problem as the right child's; Hearth names the cell.
    const body = (m: string): string => m.slice(m.indexOf('Bad ptr map'));
    expect(hearth.map(body)).toEqual(sqlite.map(body));
  });

  it('a wrong largest root page', () => {
    const { hearth, sqlite } = differential(auto, (_l, b) => put32(b, H.largestRootPage, get32(b, H.largestRootPage) + 1));
    expect(hearth).toEqual(sqlite);
  });

  it('stops after maxErrors problems (100 by default, as SQLite)', () => {
    // Cut off the freelist: its hundreds of pages are never used.
    const { hearth, sqlite } = differential(base, (_l, b) => put32(b, H.freelistTrunk, 0));
    expect(hearth).toHaveLength(100);
    expect(hearth).toEqual(sqlite);
    const copy = base.slice();
    put32(copy, H.freelistTrunk, 0);
    expect(hearthCheck(copy, { maxErrors: 5 })).toEqual(hearth.slice(0, 5));
  });
});

// ---- fuzz ---------------------------------------------------------------------------------------

/** One fuzz case's failure: anything but success or a SqliteError, a pinned page, or slowness. */
interface Failure {
  seed: number;
  what: string;
}

/**
 * Reads every tree the schema lists through cursors — forwards with records decoded, backwards, and by
 * seeks — stopping after `budget` steps in all.
 */
function readEverything(bt: Btree, budget: number): void {
  const { rows, error } = readSchema(bt, budget);
  if (error) throw error;
  const reader = new RecordReader();
  for (const row of rows) {
    if (row.rootpage === 0) continue;
    const index = row.type === 'index' || (row.sql !== null && /WITHOUT\s+ROWID/i.test(row.sql));
    const cursor = bt.cursor(row.rootpage, index ? keyInfoBinary(8) : null);
    try {
      const keys: Uint8Array[] = [];
      const rowids: Int64[] = [];
      for (let ok = cursor.first(); ok && budget-- > 0; ok = cursor.next()) {
        if (!index) rowids.push(cursor.rowid());
        const payload = cursor.payload();
        if (index && keys.length < 4) keys.push(payload.slice());
        reader.init(payload, 0, payload.length);
        for (let i = 0; i < reader.count; i++) reader.getValue(i);
      }
      for (let ok = cursor.last(), n = 0; ok && n < 50; ok = cursor.prev(), n++) cursor.payload();
      for (const rowid of rowids.slice(0, 4)) cursor.seekRowidGE(rowid);
      const key = new UnpackedKey();
      for (const k of keys) {
        if (cursor.seekGE(key.fromRecord(k, 0, k.length))) cursor.payload();
      }
    } finally {
      cursor.close();
    }
  }
}

/**
 * Changes a (possibly corrupt) database inside the open write transaction: inserts (some overflowing),
 * deletes while iterating, and sometimes drops a tree and creates one.
 */
function writeSomething(bt: Btree, next: () => number): void {
  const { rows, error } = readSchema(bt, 2000);
  if (error) throw error;
  const trees = rows.filter((row) => row.rootpage > 1).slice(0, 4);
  for (const row of trees) {
    const index = row.type === 'index' || (row.sql !== null && /WITHOUT\s+ROWID/i.test(row.sql));
    const cursor = bt.cursor(row.rootpage, index ? keyInfoBinary(8) : null);
    try {
      for (let k = 0; k < 20; k++) {
        if (index) cursor.insertKey(encodeRecord([`fuzz ${k}`.repeat(1 + (k % 7) * 30), k]));
        else cursor.insert(1_000_000 + k, encodeRecord(['x'.repeat(k * 97)]));
      }
      let ok = cursor.first();
      for (let n = 0; ok && n < 10; n++) {
        cursor.delete();
        ok = cursor.next();
      }
    } finally {
      cursor.close();
    }
  }
  if (trees.length > 0 && next() < 0.3) bt.dropTree(trees[Math.floor(next() * trees.length)]!.rootpage);
  bt.createTree(next() < 0.5 ? 'table' : 'index');
}

function mutate(bytes: Uint8Array, next: () => number): Uint8Array {
  const pageSize = get16(bytes, H.pageSize) === 1 ? 65536 : get16(bytes, H.pageSize);
  const nPage = bytes.length / pageSize;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const page = 1 + Math.floor(next() * nPage);
  const base = (page - 1) * pageSize;
  const hdr = hdrOffset(page);
  const count = 1 + Math.floor(next() * 4);
  for (let k = 0; k < count; k++) {
    const r = next();
    if (r < 0.25) {
      bytes[Math.floor(next() * bytes.length)]! ^= 1 << Math.floor(next() * 8);
    } else if (r < 0.35) {
      bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
    } else if (r < 0.65) {
      // A 2-byte field of a b-tree page header, or one of its cell pointers.
      const type = bytes[base + hdr]!;
      const nCell = get16(bytes, base + hdr + 3);
      const fields = [hdr + 1, hdr + 3, hdr + 5];
      if (nCell > 0 && (type & 0x7) !== 0) fields.push(hdr + headerSize(type) + 2 * Math.floor(next() * Math.min(nCell, 100)));
      const v = pick([0, 1, 3, 4, 8, 100, 0xff, pageSize - 4, pageSize - 1, pageSize, 0xffff, Math.floor(next() * 65536)]);
      put16(bytes, base + pick(fields), v & 0xffff);
    } else if (r < 0.8) {
      // A 4-byte page number or count: header fields, a right child, a child or next-page pointer.
      const offsets = [H.pageCount, H.freelistTrunk, H.freelistCount, H.largestRootPage, H.incrementalVacuum, base, base + 4, base + hdr + 8];
      const type = bytes[base + hdr]!;
      const nCell = get16(bytes, base + hdr + 3);
      if (nCell > 0 && (type === 2 || type === 5)) {
        const ptr = get16(bytes, base + hdr + 12 + 2 * Math.floor(next() * Math.min(nCell, 100)));
        if (ptr + 4 <= pageSize) offsets.push(base + ptr);
      }
      const v = pick([0, 1, 2, 3, nPage, nPage + 1, page, 1 + Math.floor(next() * nPage), 0xffffffff, Math.floor(next() * 2 ** 32)]);
      put32(bytes, pick(offsets), v);
    } else if (r < 0.82) {
      bytes[base + hdr] = pick([0, 2, 5, 10, 13, Math.floor(next() * 256)]);
    } else if (r < 0.85) {
      // Page size, journal-mode versions, reserved bytes, payload fractions.
      bytes[H.pageSize + Math.floor(next() * 8)] = pick([0, 1, 2, 4, 32, 64, 0x80, 0xff]);
    } else if (r < 0.93) {
      // Inside a cell: its payload size or rowid varint, or the first bytes of its record header.
      const type = bytes[base + hdr]!;
      const nCell = get16(bytes, base + hdr + 3);
      if (nCell === 0 || (type & 0x7) === 0) continue;
      const cell = get16(bytes, base + hdr + headerSize(type) + 2 * Math.floor(next() * Math.min(nCell, 100)));
      const at = base + cell + Math.floor(next() * 12);
      const v = pick([0x00, 0x01, 0x7f, 0x80, 0x81, 0xff, Math.floor(next() * 256)]);
      for (let n = pick([1, 1, 2, 9]); n > 0 && at + n <= bytes.length; n--) bytes[at + n - 1] = n > 1 ? v | 0x80 : v;
    } else {
      const cut = next() < 0.5 ? Math.floor(next() * nPage) * pageSize : Math.floor(next() * bytes.length);
      return bytes.subarray(0, Math.max(cut, 0));
    }
  }
  return bytes;
}

/** Runs one fuzz case (reads, then writes when not `readonly`); returns what went wrong, or null. */
function fuzzCase(bytes: Uint8Array, readonly: boolean, next: () => number): string | null {
  const vfs = new MemoryVfs();
  vfs.load('f.db', bytes);
  const failures: string[] = [];
  const classify = (phase: string, err: unknown): void => {
    if (!(err instanceof SqliteError) || err.code === 'SQLITE_INTERNAL') {
      failures.push(`${phase}: ${(err as Error)?.stack ?? String(err)}`);
    }
  };
  let bt: Btree;
  try {
    bt = Btree.open(vfs, 'f.db', { readonly, cacheSize: 16 });
  } catch (err) {
    classify('open', err);
    return failures[0] ?? null;
  }
  try {
    bt.beginRead();
    try {
      readEverything(bt, 20000);
    } catch (err) {
      classify('read', err);
    }
    if (bt.pager.pinnedPages() !== 0) failures.push(`read: ${bt.pager.pinnedPages()} pages left pinned`);
    try {
      checkIntegrity(bt);
    } catch (err) {
      classify('integrity', err);
    }
    if (bt.pager.pinnedPages() !== 0) failures.push(`integrity: ${bt.pager.pinnedPages()} pages left pinned`);
    bt.endRead();
    if (!readonly) {
      // Writing into a corrupt file may fail with SqliteError; the transaction must then roll back cleanly.
      try {
        bt.beginWrite();
        try {
          writeSomething(bt, next);
          if (next() < 0.5) bt.commit();
          else bt.rollback();
        } catch (err) {
          classify('write', err);
          if (bt.pager.pinnedPages() !== 0) failures.push(`write: ${bt.pager.pinnedPages()} pages left pinned`);
          if (bt.pager.inTransaction) bt.rollback();
        }
      } catch (err) {
        classify('write', err);
      }
    }
  } finally {
    try {
      bt.close();
    } catch (err) {
      classify('close', err);
    }
  }
  return failures[0] ?? null;
}

describe('corruption fuzz', () => {
  const iterations = Number(process.env.HEARTH_FUZZ_ITERATIONS ?? 1000);

  it(`${iterations} mutated files, read and written, fail only with SqliteError, quickly`, () => {
    const bases = [
      sqliteFile({ pageSize: 512 }, (db) => richSchema(db, 11, 40, 1500)),
      sqliteFile({ pageSize: 512, autoVacuum: 'full' }, (db) => richSchema(db, 12, 30, 1200)),
      sqliteFile({ pageSize: 1024 }, (db) => {
        db.exec('CREATE TABLE t(a INTEGER PRIMARY KEY, b); CREATE INDEX tb ON t(b); CREATE TABLE gone(x);');
        const ins = db.prepare('INSERT INTO t(b) VALUES (?)');
        const gone = db.prepare('INSERT INTO gone VALUES (?)');
        db.transaction(() => {
          for (let i = 0; i < 150; i++) ins.run(i % 20 === 0 ? 'v'.repeat(2500) : `value ${i}`);
          for (let i = 0; i < 40; i++) gone.run('g'.repeat(900));
        })();
        db.exec('DROP TABLE gone');
      }),
    ];
    for (const b of bases) expect(hearthCheck(b)).toEqual([]);
    const failures: Failure[] = [];
    for (let i = 0; i < iterations && failures.length < 5; i++) {
      const seed = 1000 + i;
      const next = rng(seed);
      const bytes = mutate(bases[i % bases.length]!.slice(), next);
      const started = performance.now();
      const what = fuzzCase(bytes, next() < 0.5, next);
      const elapsed = performance.now() - started;
      if (what !== null) failures.push({ seed, what });
      else if (elapsed > 3000) failures.push({ seed, what: `slow: ${Math.round(elapsed)} ms` });
    }
    expect(failures).toEqual([]);
  });
});
