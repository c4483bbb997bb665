import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { MemoryVfs } from '../vfs/memory.js';
import { NodeVfs } from '../vfs/node.js';
import type { VfsFile, VfsOpenOptions } from '../vfs/vfs.js';
import { Wal, type WalPage } from './wal.js';

// Real SQLite (better-sqlite3) is the oracle throughout: it writes the logs Hearth recovers, and it
// reads the logs Hearth writes.

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-wal-'));
  dirs.push(dir);
  return dir;
}

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

function randomBlob(next: (n: number) => number, length: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = next(256);
  return b;
}

/** Runs `txns` transactions of inserts (some spilling to overflow pages), updates and deletes. */
function workload(db: Database.Database, seed: number, txns: number, pageSize: number): void {
  const next = prng(seed);
  db.exec('CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, v TEXT, b BLOB)');
  db.exec('CREATE INDEX IF NOT EXISTS tv ON t(v)');
  const insert = db.prepare('INSERT INTO t(v, b) VALUES (?, ?)');
  const update = db.prepare('UPDATE t SET v = ? WHERE id % ? = 0');
  const remove = db.prepare('DELETE FROM t WHERE id % ? = 1');
  for (let i = 0; i < txns; i++) {
    db.transaction(() => {
      const rows = 5 + next(20);
      for (let k = 0; k < rows; k++) insert.run(`v${seed}-${next(1000)}`.repeat(1 + next(8)), randomBlob(next, next(pageSize * 2)));
      update.run(`u${i}-${next(100)}`, 2 + next(5));
      if (i % 3 === 2) remove.run(5 + next(10));
    })();
  }
}

function pageCount(bytes: Uint8Array, pageSize: number): number {
  return Math.floor(bytes.length / pageSize);
}

function pageOf(bytes: Uint8Array, pgno: number, pageSize: number): Uint8Array {
  return bytes.subarray((pgno - 1) * pageSize, pgno * pageSize);
}

/** Index of the first page where `a` and `b` differ (or -1), for readable failures. */
function firstDifferentPage(a: Uint8Array, b: Uint8Array, pageSize: number): number {
  const n = Math.max(a.length, b.length);
  for (let off = 0; off < n; off += pageSize) {
    if (!Buffer.from(a.subarray(off, off + pageSize)).equals(Buffer.from(b.subarray(off, off + pageSize)))) {
      return off / pageSize + 1;
    }
  }
  return -1;
}

function expectSameBytes(actual: Uint8Array, expected: Uint8Array, pageSize: number): void {
  expect({ length: actual.length, firstDifferentPage: firstDifferentPage(actual, expected, pageSize) }).toEqual({
    length: expected.length,
    firstDifferentPage: -1,
  });
}

/** Hearth's view of a database: every page from its newest committed frame, else from the db file. */
function hearthView(dbBytes: Uint8Array, walBytes: Uint8Array | null, dbPageSize: number) {
  const vfs = new MemoryVfs();
  if (walBytes) vfs.load('db-wal', walBytes);
  const wal = Wal.open(vfs, 'db-wal', { readonly: true });
  const pageSize = wal.maxFrame > 0 ? wal.pageSize : dbPageSize;
  const pages = wal.maxFrame > 0 ? wal.dbSize : pageCount(dbBytes, pageSize);
  const out = new Uint8Array(pages * pageSize);
  const page = new Uint8Array(pageSize);
  for (let pgno = 1; pgno <= pages; pgno++) {
    const frame = wal.findFrame(pgno, wal.maxFrame);
    if (frame > 0) {
      wal.readFrame(frame, page);
      out.set(page, (pgno - 1) * pageSize);
    } else {
      out.set(pageOf(dbBytes, pgno, pageSize), (pgno - 1) * pageSize);
    }
  }
  const result = { bytes: out, maxFrame: wal.maxFrame, walPageSize: wal.pageSize, dbSize: wal.dbSize };
  wal.close(false);
  return result;
}

/**
 * SQLite's view of the same files: the number of frames its recovery keeps, and the database file
 * after it checkpoints everything and closes.
 */
function sqliteView(dbBytes: Uint8Array, walBytes: Uint8Array | null) {
  const dir = tempDir();
  const dbPath = path.join(dir, 'db');
  fs.writeFileSync(dbPath, dbBytes);
  if (walBytes) fs.writeFileSync(`${dbPath}-wal`, walBytes);
  const db = new Database(dbPath);
  const passive = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
  const integrity = db.pragma('integrity_check', { simple: true });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { bytes: new Uint8Array(fs.readFileSync(dbPath)), frames: passive[0]!.log, integrity };
}

/** A database in WAL mode with some committed frames, copied (db and -wal) while SQLite holds it open. */
function sqliteWalCopy(pageSize: number, seed: number, txns: number, restartAfter = 0) {
  const dir = tempDir();
  const dbPath = path.join(dir, 'db');
  const db = new Database(dbPath);
  db.pragma(`page_size = ${pageSize}`);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  workload(db, seed, txns, pageSize);
  if (restartAfter > 0) {
    // Backfill everything; SQLite restarts the log at the next write, leaving stale frames at its tail.
    db.pragma('wal_checkpoint(PASSIVE)');
    workload(db, seed + 1, restartAfter, pageSize);
  }
  const dbBytes = new Uint8Array(fs.readFileSync(dbPath));
  const walBytes = new Uint8Array(fs.readFileSync(`${dbPath}-wal`));
  db.close();
  return { dbBytes, walBytes };
}

function expectSameView(dbBytes: Uint8Array, walBytes: Uint8Array | null, pageSize: number) {
  const ours = hearthView(dbBytes, walBytes, pageSize);
  const theirs = sqliteView(dbBytes, walBytes);
  expect(theirs.integrity).toBe('ok');
  expect(ours.maxFrame).toBe(theirs.frames);
  expectSameBytes(ours.bytes, theirs.bytes, pageSize);
  return ours;
}

function walFrameSize(pageSize: number): number {
  return pageSize + 24;
}

describe('recovering logs SQLite wrote', () => {
  for (const pageSize of [512, 1024, 4096, 8192, 65536]) {
    test(`page size ${pageSize}: every page equals SQLite's checkpointed database`, () => {
      const { dbBytes, walBytes } = sqliteWalCopy(pageSize, pageSize, pageSize >= 32768 ? 4 : 12);
      const ours = expectSameView(dbBytes, walBytes, pageSize);
      expect(ours.walPageSize).toBe(pageSize);
      expect(ours.maxFrame).toBeGreaterThan(5);
      expect(ours.maxFrame).toBe((walBytes.length - 32) / walFrameSize(pageSize)); // all committed
    });
  }

  test('a snapshot at an earlier frame sees the state of that commit', () => {
    const pageSize = 1024;
    const { dbBytes, walBytes } = sqliteWalCopy(pageSize, 3, 8);
    const vfs = new MemoryVfs();
    vfs.load('db-wal', walBytes);
    const wal = Wal.open(vfs, 'db-wal', {});
    // Commit frames are the ones with a non-zero size field; cut the log right after an early one.
    const view = new DataView(walBytes.buffer, walBytes.byteOffset);
    let earlyCommit = 0;
    for (let f = 1; f <= wal.maxFrame && earlyCommit === 0; f++) {
      if (f > 3 && view.getUint32(32 + (f - 1) * walFrameSize(pageSize) + 4) !== 0) earlyCommit = f;
    }
    expect(earlyCommit).toBeGreaterThan(0);
    const prefix = walBytes.slice(0, 32 + earlyCommit * walFrameSize(pageSize));
    const early = hearthView(dbBytes, prefix, pageSize);
    expect(early.maxFrame).toBe(earlyCommit);
    const page = new Uint8Array(pageSize);
    for (let pgno = 1; pgno <= early.dbSize; pgno++) {
      const frame = wal.findFrame(pgno, earlyCommit);
      expect(frame).toBeLessThanOrEqual(earlyCommit);
      if (frame > 0) wal.readFrame(frame, page);
      else page.set(pageOf(dbBytes, pgno, pageSize));
      expect(Buffer.from(page).equals(Buffer.from(pageOf(early.bytes, pgno, pageSize)))).toBe(true);
    }
  });

  test('stale frames of the previous generation after a restart are ignored', () => {
    const pageSize = 1024;
    const { dbBytes, walBytes } = sqliteWalCopy(pageSize, 11, 15, 1);
    const ours = expectSameView(dbBytes, walBytes, pageSize);
    expect(ours.maxFrame).toBeGreaterThan(0);
    expect(ours.maxFrame).toBeLessThan((walBytes.length - 32) / walFrameSize(pageSize)); // stale tail exists
  });

  describe('torn and damaged tails', () => {
    const pageSize = 1024;
    const frameSize = walFrameSize(pageSize);
    const base = sqliteWalCopy(pageSize, 21, 10);
    const frames = (base.walBytes.length - 32) / frameSize;

    const zeroPgno = (w: Uint8Array, frame: number) => {
      const out = w.slice();
      out.fill(0, 32 + (frame - 1) * frameSize, 32 + (frame - 1) * frameSize + 4);
      return out;
    };
    const cases: [string, (wal: Uint8Array) => Uint8Array][] = [
      ['cut in the middle of the last frame', (w) => w.slice(0, w.length - 100)],
      ['cut inside the last frame header', (w) => w.slice(0, w.length - frameSize + 10)],
      ['cut mid-log', (w) => w.slice(0, 32 + Math.floor(frames / 2) * frameSize + 500)],
      ['a flipped byte in the last frame', (w) => flip(w, w.length - 1)],
      ['a flipped byte in a middle frame header', (w) => flip(w, 32 + Math.floor(frames / 2) * frameSize + 2)],
      ['a flipped salt in the last frame', (w) => flip(w, w.length - frameSize + 9)],
      ['garbage appended', (w) => concat(w, randomBlob(prng(5), 3 * frameSize + 17))],
      ['a copy of the last frame appended', (w) => concat(w, w.slice(w.length - frameSize))],
      ['a flipped byte in the header checksum', (w) => flip(w, 27)],
      ['a flipped byte in the header salt', (w) => flip(w, 17)],
      ['page number 0 in a middle frame, checksums valid', (w) => reencodeChecksums(zeroPgno(w, Math.floor(frames / 2)), pageSize, false)],
      ['a header only', (w) => w.slice(0, 32)],
      ['less than a header', (w) => w.slice(0, 20)],
      ['an empty file', () => new Uint8Array(0)],
    ];
    for (const [name, damage] of cases) {
      test(`${name}: Hearth keeps exactly the frames SQLite keeps`, () => {
        expectSameView(base.dbBytes, damage(base.walBytes), pageSize);
      });
    }

    test('a different format version is refused, as SQLite refuses it', () => {
      const wal = base.walBytes.slice();
      new DataView(wal.buffer).setUint32(4, 3007001);
      rechecksumHeader(wal, false);
      const vfs = new MemoryVfs();
      vfs.load('db-wal', wal);
      expect(() => Wal.open(vfs, 'db-wal', {})).toThrow(expect.objectContaining({ code: 'SQLITE_CANTOPEN' }));
    });
  });

  test('big-endian checksums (magic 0x377f0683) are verified in that byte order', () => {
    const pageSize = 2048;
    const { dbBytes, walBytes } = sqliteWalCopy(pageSize, 31, 6);
    const bigEndian = reencodeChecksums(walBytes, pageSize, true);
    expect(bigEndian[3]).toBe(0x83);
    const ours = hearthView(dbBytes, bigEndian, pageSize);
    const reference = hearthView(dbBytes, walBytes, pageSize);
    expect(ours.maxFrame).toBe(reference.maxFrame);
    expectSameBytes(ours.bytes, reference.bytes, pageSize);
    // Read with the wrong byte order, the very first frame fails.
    const wrongOrder = bigEndian.slice();
    wrongOrder[3] = 0x82;
    rechecksumHeader(wrongOrder, false);
    expect(hearthView(dbBytes, wrongOrder, pageSize).maxFrame).toBe(0);
  });

  test('recovery reads a large log in a few big reads', () => {
    const pageSize = 4096;
    const { walBytes } = sqliteWalCopy(pageSize, 41, 60);
    const frames = (walBytes.length - 32) / walFrameSize(pageSize);
    expect(frames).toBeGreaterThan(1000);
    const vfs = new CountingVfs();
    vfs.load('db-wal', walBytes);
    const wal = Wal.open(vfs, 'db-wal', {});
    expect(wal.maxFrame).toBe(frames);
    expect(vfs.reads).toBeLessThan(10);
  });

  test('a commit torn at any byte recovers to the previous commit or to the whole new one', () => {
    const pageSize = 512;
    const vfs = new MemoryVfs();
    const wal = Wal.open(vfs, 'db-wal', {});
    const page = (n: number) => new Uint8Array(pageSize).fill(n);
    wal.appendFrames([{ pgno: 1, data: page(1) }, { pgno: 2, data: page(2) }], 2, true);
    const before = vfs.snapshot('db-wal')!.length;
    wal.appendFrames([{ pgno: 2, data: page(3) }, { pgno: 3, data: page(4) }, { pgno: 1, data: page(5) }], 3, true);
    const full = vfs.snapshot('db-wal')!;
    for (let cut = before; cut <= full.length; cut += 7) {
      const torn = new MemoryVfs();
      torn.load('db-wal', full.slice(0, cut));
      const recovered = Wal.open(torn, 'db-wal', {});
      expect([recovered.maxFrame, recovered.dbSize]).toEqual(cut === full.length ? [5, 3] : [2, 2]);
    }
    const whole = new MemoryVfs();
    whole.load('db-wal', full);
    const recovered = Wal.open(whole, 'db-wal', {});
    const into = new Uint8Array(pageSize);
    recovered.readFrame(recovered.findFrame(2, recovered.maxFrame), into);
    expect(into[0]).toBe(3);
    expect(recovered.findFrame(2, 2)).toBe(2);
  });

  test('an absent log is empty and is not created by opening it', () => {
    const vfs = new MemoryVfs();
    const wal = Wal.open(vfs, 'db-wal', { readonly: true });
    expect([wal.pageSize, wal.maxFrame, wal.dbSize, wal.findFrame(1, Infinity)]).toEqual([0, 0, 0, 0]);
    wal.close(false);
    expect(vfs.exists('db-wal')).toBe(false);
  });
});

describe('logs Hearth writes, read by SQLite', () => {
  /** Successive states of one database in WAL mode, each checkpointed: exact page images. */
  function sqliteStates(pageSize: number, steps: ((db: Database.Database) => void)[]): Uint8Array[] {
    const dbPath = path.join(tempDir(), 'db');
    const db = new Database(dbPath);
    db.pragma(`page_size = ${pageSize}`);
    db.pragma('journal_mode = WAL');
    const states: Uint8Array[] = [];
    for (const step of steps) {
      step(db);
      db.pragma('wal_checkpoint(TRUNCATE)');
      states.push(new Uint8Array(fs.readFileSync(dbPath)));
    }
    db.close();
    return states;
  }

  /** The pages of `to` that differ from `from` (or lie past its end), as frames. */
  function changedPages(from: Uint8Array, to: Uint8Array, pageSize: number): WalPage[] {
    const out: WalPage[] = [];
    for (let pgno = 1; pgno <= pageCount(to, pageSize); pgno++) {
      const page = pageOf(to, pgno, pageSize);
      const old = pgno <= pageCount(from, pageSize) ? pageOf(from, pgno, pageSize) : null;
      if (!old || !Buffer.from(old).equals(Buffer.from(page))) out.push({ pgno, data: page.slice() });
    }
    return out;
  }

  function setup(pageSize: number, states: Uint8Array[]) {
    const dir = tempDir();
    const dbPath = path.join(dir, 'db');
    fs.writeFileSync(dbPath, states[0]!);
    const vfs = new NodeVfs();
    return { vfs, dbPath, walPath: `${dbPath}-wal`, pageSize };
  }

  function files(dbPath: string) {
    const wal = `${dbPath}-wal`;
    return {
      db: new Uint8Array(fs.readFileSync(dbPath)),
      wal: fs.existsSync(wal) ? new Uint8Array(fs.readFileSync(wal)) : null,
    };
  }

  function expectSqliteSees(dbPath: string, expected: Uint8Array, pageSize: number): void {
    const { db, wal } = files(dbPath);
    const theirs = sqliteView(db, wal);
    expect(theirs.integrity).toBe('ok');
    expectSameBytes(theirs.bytes, expected, pageSize);
  }

  for (const pageSize of [512, 4096, 65536]) {
    test(`page size ${pageSize}: one commit, then Hearth's checkpoint equals SQLite's result`, () => {
      const [a, b] = sqliteStates(pageSize, [(db) => workload(db, 1, 3, pageSize), (db) => workload(db, 2, 3, pageSize)]);
      const { vfs, dbPath, walPath } = setup(pageSize, [a!]);
      const wal = Wal.open(vfs, walPath, {});
      const pages = changedPages(a!, b!, pageSize);
      wal.appendFrames(pages, pageCount(b!, pageSize), true);
      expect(wal.maxFrame).toBe(pages.length);
      wal.close(false);
      expectSqliteSees(dbPath, b!, pageSize);
      // Header: little-endian magic, version, page size, checkpoint sequence 0.
      const header = new DataView(files(dbPath).wal!.buffer);
      expect([header.getUint32(0), header.getUint32(4), header.getUint32(8), header.getUint32(12)]).toEqual([
        0x377f0682,
        3007000,
        pageSize,
        0,
      ]);

      const reopened = Wal.open(vfs, walPath, {});
      expect([reopened.maxFrame, reopened.dbSize]).toEqual([pages.length, pageCount(b!, pageSize)]);
      const db = vfs.open(dbPath, {});
      reopened.checkpoint(db, true);
      db.close();
      expect([reopened.maxFrame, reopened.dbSize, reopened.findFrame(1, Infinity)]).toEqual([0, 0, 0]);
      reopened.close(true);
      expect(fs.existsSync(walPath)).toBe(false);
      expectSameBytes(files(dbPath).db, b!, pageSize);
    });
  }

  test('several commits, a shrinking commit, and snapshots between them', () => {
    const pageSize = 1024;
    const [a, b, c, d] = sqliteStates(pageSize, [
      (db) => workload(db, 1, 6, pageSize),
      (db) => workload(db, 2, 4, pageSize),
      (db) => db.exec('DELETE FROM t WHERE id % 2 = 0; VACUUM'),
      (db) => workload(db, 3, 2, pageSize),
    ]);
    expect(pageCount(c!, pageSize)).toBeLessThan(pageCount(b!, pageSize));
    const { vfs, dbPath, walPath } = setup(pageSize, [a!]);
    const wal = Wal.open(vfs, walPath, {});
    const marks: number[] = [];
    for (const [from, to] of [[a!, b!], [b!, c!], [c!, d!]] as const) {
      wal.appendFrames(changedPages(from, to, pageSize), pageCount(to, pageSize), false);
      marks.push(wal.maxFrame);
    }
    expect(wal.dbSize).toBe(pageCount(d!, pageSize));
    // Each snapshot reconstructs its own state.
    const page = new Uint8Array(pageSize);
    for (const [mark, state] of [[marks[0]!, b!], [marks[1]!, c!], [marks[2]!, d!]] as const) {
      for (let pgno = 1; pgno <= pageCount(state, pageSize); pgno++) {
        const frame = wal.findFrame(pgno, mark);
        if (frame > 0) wal.readFrame(frame, page);
        else page.set(pageOf(a!, pgno, pageSize));
        expect(Buffer.from(page).equals(Buffer.from(pageOf(state, pgno, pageSize)))).toBe(true);
      }
    }
    wal.close(false);
    expectSqliteSees(dbPath, d!, pageSize);
    const reopened = Wal.open(vfs, walPath, {});
    expect(reopened.maxFrame).toBe(marks[2]);
    const db = vfs.open(dbPath, {});
    reopened.checkpoint(db, false);
    db.close();
    reopened.close(true);
    expectSameBytes(files(dbPath).db, d!, pageSize);
  });

  test('a checkpoint through a shrinking commit truncates the database', () => {
    const pageSize = 4096;
    const [a, b] = sqliteStates(pageSize, [
      (db) => workload(db, 5, 8, pageSize),
      (db) => db.exec('DELETE FROM t WHERE id > 10; VACUUM'),
    ]);
    const { vfs, dbPath, walPath } = setup(pageSize, [a!]);
    const wal = Wal.open(vfs, walPath, {});
    // Also write frames for pages past the final size in an earlier commit: the checkpoint skips them.
    const high = pageCount(a!, pageSize);
    wal.appendFrames([{ pgno: high, data: new Uint8Array(pageSize).fill(7) }], high, false);
    wal.appendFrames(changedPages(a!, b!, pageSize), pageCount(b!, pageSize), false);
    const db = vfs.open(dbPath, {});
    wal.checkpoint(db, true);
    db.close();
    wal.close(true);
    expectSameBytes(files(dbPath).db, b!, pageSize);
  });

  test('spilled frames: visible to the writer, committed with the transaction, or rolled back', () => {
    const pageSize = 2048;
    const [a, b, c] = sqliteStates(pageSize, [
      (db) => workload(db, 1, 4, pageSize),
      (db) => workload(db, 2, 5, pageSize),
      (db) => workload(db, 3, 2, pageSize),
    ]);
    const { vfs, dbPath, walPath } = setup(pageSize, [a!]);
    const wal = Wal.open(vfs, walPath, {});
    const toB = changedPages(a!, b!, pageSize);
    expect(toB.length).toBeGreaterThan(6);

    // A transaction spills garbage versions of many pages, then rolls back: nothing of it is visible.
    const garbage = (pgno: number) => ({ pgno, data: new Uint8Array(pageSize).fill(pgno & 0xff) });
    for (let pgno = 1; pgno <= 3 * toB.length; pgno++) wal.appendSpill(pgno, garbage(pgno).data);
    expect(wal.maxFrame).toBe(0);
    expect(wal.pendingMaxFrame).toBe(3 * toB.length);
    expect(wal.findFrame(2, Infinity)).toBe(2);
    expect(wal.findFrame(2, wal.maxFrame)).toBe(0);
    wal.rollbackPending();
    expect([wal.pendingMaxFrame, wal.findFrame(2, Infinity)]).toEqual([0, 0]);

    // The next transaction spills garbage, then the real pages, then commits the rest.
    wal.appendFrames(toB.slice(0, 3).map((p) => garbage(p.pgno)), 0, false);
    wal.appendFrames(toB.slice(0, 3), 0, false);
    const page = new Uint8Array(pageSize);
    wal.readFrame(wal.findFrame(toB[0]!.pgno, Infinity), page);
    expect(Buffer.from(page).equals(Buffer.from(toB[0]!.data))).toBe(true);
    wal.appendFrames(toB.slice(3), pageCount(b!, pageSize), true);
    expect(wal.maxFrame).toBe(toB.length + 3);
    const committed = wal.maxFrame;

    // A third transaction spills more frames than it later commits and is rolled back: its stale
    // frames stay in the file, after the committed ones, with the same salts.
    for (let pgno = 1; pgno <= 2 * toB.length; pgno++) wal.appendSpill(pgno, garbage(pgno).data);
    wal.rollbackPending();
    expect(wal.maxFrame).toBe(committed);
    expect(hearthView(a!, files(dbPath).wal, pageSize).maxFrame).toBe(committed);
    expectSqliteSees(dbPath, b!, pageSize);

    // The fourth transaction commits C over those stale frames, continuing the committed chain.
    const toC = changedPages(b!, c!, pageSize);
    expect(toC.length).toBeLessThan(2 * toB.length);
    wal.appendFrames(toC, pageCount(c!, pageSize), true);
    wal.close(false);
    expect(fs.statSync(walPath).size).toBeGreaterThan(32 + (committed + toC.length) * (pageSize + 24));
    expect(hearthView(a!, files(dbPath).wal, pageSize).maxFrame).toBe(committed + toC.length);
    expectSqliteSees(dbPath, c!, pageSize);
  });

  test('after a checkpoint the log restarts: new salts, stale frames of the old generation ignored', () => {
    const pageSize = 1024;
    const [a, b, c, d] = sqliteStates(pageSize, [
      (db) => workload(db, 1, 3, pageSize),
      (db) => workload(db, 2, 10, pageSize),
      (db) => db.exec("UPDATE t SET v = 'restart' WHERE id = 3"),
      (db) => db.exec("UPDATE t SET v = 'again' WHERE id = 4"),
    ]);
    const { vfs, dbPath, walPath } = setup(pageSize, [a!]);
    const wal = Wal.open(vfs, walPath, {});
    const toB = changedPages(a!, b!, pageSize);
    wal.appendFrames(toB, pageCount(b!, pageSize), true);
    const header1 = new Uint8Array(fs.readFileSync(walPath)).slice(0, 32);
    const db = vfs.open(dbPath, {});
    wal.checkpoint(db, true);
    expectSameBytes(files(dbPath).db, b!, pageSize);
    expect(fs.statSync(walPath).size).toBe(32 + toB.length * (pageSize + 24)); // not truncated

    const toC = changedPages(b!, c!, pageSize);
    expect(toC.length).toBeLessThan(toB.length);
    wal.appendFrames(toC, pageCount(c!, pageSize), true);
    expect(wal.maxFrame).toBe(toC.length);
    const header2 = new Uint8Array(fs.readFileSync(walPath)).slice(0, 32);
    const h1 = new DataView(header1.buffer);
    const h2 = new DataView(header2.buffer);
    expect(h2.getUint32(12)).toBe(h1.getUint32(12) + 1); // checkpoint sequence
    expect(h2.getUint32(16)).toBe((h1.getUint32(16) + 1) >>> 0); // salt-1 incremented
    expect(h2.getUint32(20)).not.toBe(h1.getUint32(20)); // salt-2 new

    expect(hearthView(b!, files(dbPath).wal, pageSize).maxFrame).toBe(toC.length);
    expectSqliteSees(dbPath, c!, pageSize);

    // Checkpoint again and restart again, then recover: only the newest generation counts.
    wal.checkpoint(db, false);
    wal.appendFrames(changedPages(c!, d!, pageSize), pageCount(d!, pageSize), false);
    wal.close(false);
    const reopened = Wal.open(vfs, walPath, {});
    expect(reopened.maxFrame).toBe(changedPages(c!, d!, pageSize).length);
    reopened.checkpoint(db, true);
    reopened.close(true);
    db.close();
    expectSameBytes(files(dbPath).db, d!, pageSize);
  });

  test('appending to a log SQLite wrote continues its checksum chain and salts', () => {
    const pageSize = 4096;
    const dir = tempDir();
    const dbPath = path.join(dir, 'db');
    const sqlite = new Database(dbPath);
    sqlite.pragma(`page_size = ${pageSize}`);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('wal_autocheckpoint = 0');
    workload(sqlite, 8, 5, pageSize);
    const dbBytes = new Uint8Array(fs.readFileSync(dbPath));
    const walBytes = new Uint8Array(fs.readFileSync(`${dbPath}-wal`));
    sqlite.close();
    const expected = sqliteView(dbBytes, walBytes).bytes;
    // Hearth appends one commit rewriting page 2 as it already is: the content must not change.
    const vfs = new MemoryVfs();
    vfs.load('db-wal', walBytes);
    const wal = Wal.open(vfs, 'db-wal', {});
    const before = wal.maxFrame;
    wal.appendFrames([{ pgno: 2, data: pageOf(expected, 2, pageSize).slice() }], wal.dbSize, true);
    expect(wal.maxFrame).toBe(before + 1);
    const theirs = sqliteView(dbBytes, vfs.snapshot('db-wal')!);
    expect(theirs.frames).toBe(before + 1);
    expectSameBytes(theirs.bytes, expected, pageSize);
  });

  test('only whole commits are durable: a transaction cut before its commit frame is lost', () => {
    const pageSize = 1024;
    const [a, b] = sqliteStates(pageSize, [(db) => workload(db, 1, 3, pageSize), (db) => workload(db, 2, 3, pageSize)]);
    const { vfs, dbPath, walPath } = setup(pageSize, [a!]);
    const wal = Wal.open(vfs, walPath, {});
    const pages = changedPages(a!, b!, pageSize);
    wal.appendFrames(pages, pageCount(b!, pageSize), true);
    wal.close(false);
    const full = files(dbPath).wal!;
    const cut = full.slice(0, full.length - 1);
    expect(hearthView(a!, cut, pageSize).maxFrame).toBe(0);
    expect(sqliteView(a!, cut).frames).toBe(0);
    expectSameBytes(sqliteView(a!, cut).bytes, a!, pageSize);
  });
});

/** Flips every bit of one byte. */
function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at]! ^= 0xff;
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** An independent implementation of the WAL checksum, straight from walformat.html. */
function referenceChecksum(bytes: Uint8Array, start: number, end: number, bigEndian: boolean, s: [number, number]): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  for (let i = start; i < end; i += 8) {
    s[0] = (s[0] + view.getUint32(i, !bigEndian) + s[1]) >>> 0;
    s[1] = (s[1] + view.getUint32(i + 4, !bigEndian) + s[0]) >>> 0;
  }
}

function rechecksumHeader(wal: Uint8Array, bigEndian: boolean): [number, number] {
  const s: [number, number] = [0, 0];
  referenceChecksum(wal, 0, 24, bigEndian, s);
  const view = new DataView(wal.buffer, wal.byteOffset);
  view.setUint32(24, s[0]);
  view.setUint32(28, s[1]);
  return s;
}

/** Rewrites a log's magic and every checksum for the given word order. */
function reencodeChecksums(walBytes: Uint8Array, pageSize: number, bigEndian: boolean): Uint8Array {
  const wal = walBytes.slice();
  const view = new DataView(wal.buffer);
  view.setUint32(0, bigEndian ? 0x377f0683 : 0x377f0682);
  const s = rechecksumHeader(wal, bigEndian);
  for (let at = 32; at + pageSize + 24 <= wal.length; at += pageSize + 24) {
    referenceChecksum(wal, at, at + 8, bigEndian, s);
    referenceChecksum(wal, at + 24, at + 24 + pageSize, bigEndian, s);
    view.setUint32(at + 16, s[0]);
    view.setUint32(at + 20, s[1]);
  }
  return wal;
}

/** A memory VFS that counts read calls. */
class CountingVfs extends MemoryVfs {
  reads = 0;

  override open(p: string, options?: VfsOpenOptions): VfsFile {
    const file = super.open(p, options);
    const read = file.read.bind(file);
    file.read = (buf, offset) => {
      this.reads++;
      return read(buf, offset);
    };
    return file;
  }
}
