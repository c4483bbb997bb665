import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { MemoryVfs } from '../vfs/memory.js';
import { NodeVfs } from '../vfs/node.js';
import type { VfsFile, VfsOpenOptions } from '../vfs/vfs.js';
import { JOURNAL_MAGIC, JournalWriter, type JournalSync, isHotJournal, journalChecksum, lockBytePage, rollbackHotJournal } from './journal.js';

// Real SQLite (better-sqlite3) is the oracle: it crashes mid-transaction to leave hot journals for
// Hearth to roll back, and it rolls back the journals Hearth writes.

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-journal-'));
  dirs.push(dir);
  return dir;
}

const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');

/** A rollback-mode database with some rows, closed. Returns its path and bytes. */
function baseDatabase(pageSize: number, rows = 200): { dbPath: string; bytes: Uint8Array } {
  const dbPath = path.join(tempDir(), 'db');
  const db = new Database(dbPath);
  db.pragma(`page_size = ${pageSize}`);
  db.pragma('journal_mode = DELETE');
  db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, b BLOB); CREATE INDEX tv ON t(v)');
  const insert = db.prepare('INSERT INTO t(v, b) VALUES (?, randomblob(?))');
  db.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(`base${i}`, 100 + ((i * 37) % (pageSize / 2)));
  })();
  db.close();
  return { dbPath, bytes: new Uint8Array(fs.readFileSync(dbPath)) };
}

/**
 * Runs a big transaction in a child process with a tiny cache, so that SQLite spills changed pages into
 * the database file, then kills the child before COMMIT: the journal is left hot.
 */
function crashMidTransaction(dbPath: string, synchronous: string, rows: number): void {
  const script = `
    const [mod, dbPath, synchronous, rows] = JSON.parse(process.argv[1]);
    const db = new (require(mod))(dbPath);
    db.pragma('journal_mode = DELETE');
    db.pragma('cache_size = 2');
    db.pragma('synchronous = ' + synchronous);
    db.exec('BEGIN');
    const insert = db.prepare('INSERT INTO t(v, b) VALUES (?, randomblob(?))');
    for (let i = 0; i < rows; i++) insert.run('new' + i, 300 + (i * 53) % 900);
    db.exec("UPDATE t SET v = v || 'x' WHERE id % 3 = 0");
    db.exec('DELETE FROM t WHERE id % 7 = 0');
    process.kill(process.pid, 'SIGKILL');
  `;
  const child = spawnSync(process.execPath, ['-e', script, JSON.stringify([betterSqlite3, dbPath, synchronous, rows])]);
  expect(child.signal).toBe('SIGKILL');
}

/** Copies a database and its journal (if any) into a fresh directory. */
function copyFiles(dbPath: string, journal?: Uint8Array | null): string {
  const copy = path.join(tempDir(), 'db');
  fs.copyFileSync(dbPath, copy);
  const data = journal === undefined ? readIfExists(`${dbPath}-journal`) : journal;
  if (data) fs.writeFileSync(`${copy}-journal`, data);
  return copy;
}

function readIfExists(file: string): Uint8Array | null {
  return fs.existsSync(file) ? new Uint8Array(fs.readFileSync(file)) : null;
}

/** Rolls back with Hearth; returns the resulting database bytes. */
function hearthRollback(dbPath: string): { bytes: Uint8Array; rolledBack: boolean; journalLeft: boolean } {
  const vfs = new NodeVfs();
  const db = vfs.open(dbPath, { create: false });
  const rolledBack = rollbackHotJournal(vfs, `${dbPath}-journal`, db);
  db.close();
  return { bytes: new Uint8Array(fs.readFileSync(dbPath)), rolledBack, journalLeft: fs.existsSync(`${dbPath}-journal`) };
}

/** Lets SQLite open the database (rolling back a hot journal); returns the resulting bytes. */
function sqliteRollback(dbPath: string): { bytes: Uint8Array; journalLeft: boolean } {
  const db = new Database(dbPath);
  try {
    db.pragma('user_version'); // the first read takes the shared lock: hot journal playback
  } catch {
    // A partial or skipped rollback may leave a database SQLite refuses to read; playback is over.
  }
  db.close();
  return { bytes: new Uint8Array(fs.readFileSync(dbPath)), journalLeft: fs.existsSync(`${dbPath}-journal`) };
}

function integrity(dbPath: string): unknown {
  const db = new Database(dbPath, { readonly: true });
  const result = db.pragma('integrity_check', { simple: true });
  db.close();
  return result;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

function get32(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset).getUint32(at);
}

/** Segment headers of a journal, found the way playback finds them. */
function segmentHeaders(journal: Uint8Array): { offset: number; count: number }[] {
  const sector = get32(journal, 20);
  const pageSize = get32(journal, 24);
  const out: { offset: number; count: number }[] = [];
  let offset = 0;
  while (offset + sector <= journal.length && sameBytes(journal.subarray(offset, offset + 8), JOURNAL_MAGIC)) {
    const count = get32(journal, offset + 8);
    out.push({ offset, count });
    if (count === 0xffffffff) break;
    offset = Math.ceil((offset + sector + count * (pageSize + 8)) / sector) * sector;
  }
  return out;
}

describe('rolling back hot journals SQLite left', () => {
  for (const [pageSize, synchronous] of [
    [1024, 'FULL'],
    [4096, 'FULL'],
    [4096, 'NORMAL'],
    [2048, 'OFF'],
    [65536, 'FULL'],
  ] as const) {
    test(`page size ${pageSize}, synchronous=${synchronous}: the database returns to its original bytes`, () => {
      const base = baseDatabase(pageSize);
      crashMidTransaction(base.dbPath, synchronous, pageSize === 65536 ? 400 : 300);
      const spilled = new Uint8Array(fs.readFileSync(base.dbPath));
      expect(sameBytes(spilled, base.bytes)).toBe(false); // pages really reached the database file
      const journal = readIfExists(`${base.dbPath}-journal`)!;
      expect(journal).not.toBeNull();
      const segments = segmentHeaders(journal);
      if (synchronous === 'OFF') expect(segments.map((s) => s.count)).toEqual([0xffffffff]);
      else expect(segments.length).toBeGreaterThan(1);

      const vfs = new NodeVfs();
      const ours = copyFiles(base.dbPath);
      const db = vfs.open(ours, {});
      expect(isHotJournal(vfs, `${ours}-journal`, db)).toBe(true);
      db.close();
      const hearth = hearthRollback(ours);
      expect(hearth.rolledBack).toBe(true);
      expect(hearth.journalLeft).toBe(false);
      expect(sameBytes(hearth.bytes, base.bytes)).toBe(true);
      expect(integrity(ours)).toBe('ok');

      const sqlite = sqliteRollback(copyFiles(base.dbPath));
      expect(sameBytes(sqlite.bytes, base.bytes)).toBe(true);
    });
  }

  describe('damaged journals: Hearth stops exactly where SQLite stops', () => {
    const pageSize = 1024;
    const base = baseDatabase(pageSize);
    crashMidTransaction(base.dbPath, 'FULL', 300);
    const journal = readIfExists(`${base.dbPath}-journal`)!;
    const segments = segmentHeaders(journal);
    const recordSize = pageSize + 8;
    const firstRecordOf = (segment: number) => segments[segment]!.offset + 512;

    const cases: [string, (j: Uint8Array) => Uint8Array][] = [
      ['a checksummed byte of the first record', (j) => flip(j, firstRecordOf(0) + 4 + pageSize - 200)],
      ['a checksummed byte in a later segment', (j) => flip(j, firstRecordOf(3) + 4 + pageSize - 400)],
      ['a byte the checksum does not cover', (j) => flip(j, firstRecordOf(1) + 4 + 10)],
      ['a record checksum', (j) => flip(j, firstRecordOf(0) + recordSize + 4 + pageSize)],
      ['a record page number set to zero', (j) => zero(j, firstRecordOf(2), 4)],
      ['a record page number past the original size', (j) => put(j, firstRecordOf(2), 0x00ffffff)],
      ['a later segment header magic', (j) => flip(j, segments[4]!.offset)],
      ['the first header page size', (j) => put(j, 24, 1000)],
      ['the first header sector size', (j) => put(j, 20, 16)],
      ['the first header page size zero (pre-3.5.8)', (j) => put(j, 24, 0)],
      ['the original size grown by a page', (j) => put(j, 16, get32(j, 16) + 1)],
      ['the original size shrunk', (j) => put(j, 16, get32(j, 16) - 3)],
      ['a journal cut mid-record', (j) => j.slice(0, firstRecordOf(2) + 100)],
      ['a journal cut inside the first header', (j) => j.slice(0, 300)],
      ['a journal of the first header only', (j) => j.slice(0, 512)],
    ];
    for (const [name, damage] of cases) {
      test(name, () => {
        const damaged = damage(journal);
        const hearth = hearthRollback(copyFiles(base.dbPath, damaged));
        const sqlite = sqliteRollback(copyFiles(base.dbPath, damaged));
        expect(hearth.journalLeft).toBe(sqlite.journalLeft);
        expect(hearth.bytes.length).toBe(sqlite.bytes.length);
        expect(sameBytes(hearth.bytes, sqlite.bytes)).toBe(true);
      });
    }

    test('a checksum failure really stops playback (later records are not applied)', () => {
      const damaged = flip(journal, firstRecordOf(0) + 4 + pageSize - 200);
      const hearth = hearthRollback(copyFiles(base.dbPath, damaged));
      expect(sameBytes(hearth.bytes, base.bytes)).toBe(false);
      expect(hearth.bytes.length).toBe(base.bytes.length); // the size was restored before the records
    });

    test('a zeroed header (journal_mode=PERSIST leftover) is not hot: nothing is touched', () => {
      const zeroed = zero(journal, 0, 28);
      const copy = copyFiles(base.dbPath, zeroed);
      const vfs = new NodeVfs();
      expect(isHotJournal(vfs, `${copy}-journal`)).toBe(false);
      const before = new Uint8Array(fs.readFileSync(copy));
      const hearth = hearthRollback(copy);
      expect(hearth.rolledBack).toBe(false);
      expect(hearth.journalLeft).toBe(true);
      expect(sameBytes(hearth.bytes, before)).toBe(true);
      const sqlite = sqliteRollback(copyFiles(base.dbPath, zeroed));
      expect(sameBytes(sqlite.bytes, before)).toBe(true);
    });

    test('a journal beside an empty database is deleted, not played', () => {
      const copy = copyFiles(base.dbPath);
      fs.writeFileSync(copy, new Uint8Array(0));
      const vfs = new NodeVfs();
      const db = vfs.open(copy, {});
      expect(isHotJournal(vfs, `${copy}-journal`, db)).toBe(false);
      expect(rollbackHotJournal(vfs, `${copy}-journal`, db)).toBe(false);
      db.close();
      expect(fs.existsSync(`${copy}-journal`)).toBe(false);
      expect(fs.statSync(copy).size).toBe(0);
    });
  });

  test('no journal: nothing to do', () => {
    const vfs = new MemoryVfs();
    const db = vfs.open('db', {});
    db.write(new Uint8Array(1024), 0);
    expect(isHotJournal(vfs, 'db-journal', db)).toBe(false);
    expect(rollbackHotJournal(vfs, 'db-journal', db)).toBe(false);
  });
});

describe('journals Hearth writes', () => {
  function garbage(pageSize: number, seed: number): Uint8Array {
    return new Uint8Array(pageSize).map((_, i) => (i * 31 + seed * 7) & 0xff);
  }

  /**
   * Journals pages of a SQLite database in segments (syncing between them), overwrites them in the
   * database, appends new pages, and returns the files as a crash would leave them.
   */
  function crashedWrite(pageSize: number, sectorSize: number, mode: JournalSync, groups: number[][], unsynced: number[] = []) {
    const base = baseDatabase(pageSize);
    const pages = base.bytes.length / pageSize;
    const vfs = new NodeVfs();
    const journalPath = `${base.dbPath}-journal`;
    const writer = JournalWriter.begin(vfs, journalPath, pageSize, pages, sectorSize);
    const db = vfs.open(base.dbPath, {});
    const original = (pgno: number) => base.bytes.slice((pgno - 1) * pageSize, pgno * pageSize);
    for (const group of groups) {
      for (const pgno of group) writer.append(pgno, original(pgno));
      writer.sync(mode);
      for (const pgno of group) db.write(garbage(pageSize, pgno), (pgno - 1) * pageSize);
    }
    for (let k = 1; k <= 5; k++) db.write(garbage(pageSize, 1000 + k), (pages + k - 1) * pageSize); // growth
    for (const pgno of unsynced) writer.append(pgno, original(pgno)); // journaled, db not yet written
    return { base, pages, vfs, writer, db, journalPath };
  }

  const pageOne = [1];
  for (const [pageSize, sectorSize, mode] of [
    [4096, 512, 'full'],
    [1024, 512, 'normal'],
    [512, 4096, 'off'],
    [65536, 512, 'full'],
  ] as const) {
    test(`page size ${pageSize}, sector ${sectorSize}, sync '${mode}': SQLite rolls it back to the original`, () => {
      const run = crashedWrite(pageSize, sectorSize, mode, [pageOne, [2, 3, 5], [8, 4]], [6, 7]);
      const journal = readIfExists(run.journalPath)!;
      // Segment headers: on sector boundaries, counts as synced, fields as given.
      const segments = segmentHeaders(journal);
      expect(segments.map((s) => s.count)).toEqual([1, 3, 2]);
      expect(segments.every((s) => s.offset % sectorSize === 0)).toBe(true);
      expect([get32(journal, 16), get32(journal, 20), get32(journal, 24)]).toEqual([run.pages, sectorSize, pageSize]);
      const record = journal.subarray(sectorSize, sectorSize + pageSize + 8);
      expect(get32(record, 0)).toBe(1);
      expect(get32(record, pageSize + 4)).toBe(journalChecksum(get32(journal, 12), record.subarray(4, 4 + pageSize)));

      const sqlite = sqliteRollback(copyFiles(run.base.dbPath));
      expect(sqlite.journalLeft).toBe(false);
      expect(sameBytes(sqlite.bytes, run.base.bytes)).toBe(true);
      const hearth = hearthRollback(copyFiles(run.base.dbPath));
      expect(sameBytes(hearth.bytes, run.base.bytes)).toBe(true);

      // The writer itself rolls back in place too.
      run.writer.playback(run.db, true);
      run.db.close();
      expect(fs.existsSync(run.journalPath)).toBe(false);
      expect(sameBytes(new Uint8Array(fs.readFileSync(run.base.dbPath)), run.base.bytes)).toBe(true);
      expect(integrity(run.base.dbPath)).toBe('ok');
    });
  }

  test('a rollback writes nothing to the journal: records still queued never reached the database', () => {
    const memory = new MemoryVfs();
    let journalFull = false;
    const refusingJournal = (file: VfsFile): VfsFile =>
      new Proxy(file, {
        get(target, key) {
          if (key === 'write') {
            return (data: Uint8Array, offset: number) => {
              if (journalFull) throw new Error('disk full');
              return target.write(data, offset);
            };
          }
          const value = Reflect.get(target, key) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    const vfs = new Proxy(memory, {
      get(target, key) {
        if (key === 'open') {
          return (path: string, options: VfsOpenOptions) => {
            const file = target.open(path, options);
            return path.endsWith('-journal') ? refusingJournal(file) : file;
          };
        }
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const pageSize = 1024;
    const originals = [1, 2, 3].map((pgno) => garbage(pageSize, pgno));
    const db = memory.open('db', {});
    originals.forEach((page, k) => db.write(page, k * pageSize));
    const writer = JournalWriter.begin(vfs, 'db-journal', pageSize, 3);
    writer.append(1, originals[0]!);
    writer.sync('full');
    db.write(garbage(pageSize, 99), 0); // page 1 changed in the file after its original was synced
    writer.append(2, originals[1]!); // queued only: page 2 is still the original in the file
    journalFull = true;
    writer.playback(db, true);
    const after = new Uint8Array(3 * pageSize);
    db.read(after, 0);
    originals.forEach((page, k) => expect(sameBytes(after.subarray(k * pageSize, (k + 1) * pageSize), page)).toBe(true));
    expect(memory.exists('db-journal')).toBe(false);
  });

  test("sync order: 'full' syncs records before the header count, 'normal' once, 'off' never", () => {
    for (const [mode, expected] of [
      ['full', ['write 0+2576', 'sync', 'write 0+12', 'sync']],
      ['normal', ['write 0+2576', 'write 0+12', 'sync']],
      ['off', ['write 0+2576', 'write 0+12']],
    ] as const) {
      const vfs = new RecordingVfs();
      const writer = JournalWriter.begin(vfs, 'db-journal', 1024, 4);
      writer.append(2, new Uint8Array(1024));
      writer.append(3, new Uint8Array(1024));
      vfs.ops.length = 0;
      writer.sync(mode);
      writer.sync(mode); // nothing new: nothing to do
      expect(vfs.ops).toEqual(expected);
      writer.finish();
    }
  });

  test('before its first sync a journal is not hot; finish() deletes it', () => {
    const base = baseDatabase(1024);
    const vfs = new NodeVfs();
    const journalPath = `${base.dbPath}-journal`;
    const writer = JournalWriter.begin(vfs, journalPath, 1024, base.bytes.length / 1024);
    writer.append(1, base.bytes.slice(0, 1024));
    writer.append(2, base.bytes.slice(1024, 2048));
    expect(isHotJournal(vfs, journalPath)).toBe(false);
    writer.sync('full');
    expect(isHotJournal(vfs, journalPath)).toBe(true);
    writer.finish();
    expect(fs.existsSync(journalPath)).toBe(false);
  });

  test('playback restores pages whose records are still buffered and an unsynced segment', () => {
    const pageSize = 1024;
    const vfs = new MemoryVfs();
    const db = vfs.open('db', {});
    const original = new Uint8Array(10 * pageSize).map((_, i) => (i * 7) & 0xff);
    db.write(original, 0);
    const writer = JournalWriter.begin(vfs, 'db-journal', pageSize, 10);
    writer.append(3, original.slice(2 * pageSize, 3 * pageSize));
    writer.sync('normal');
    writer.append(9, original.slice(8 * pageSize, 9 * pageSize));
    db.write(garbage(pageSize, 3), 2 * pageSize);
    db.write(garbage(pageSize, 9), 8 * pageSize);
    db.truncate(4 * pageSize);
    db.write(garbage(pageSize, 20), 20 * pageSize);
    writer.playback(db, false);
    expect(vfs.exists('db-journal')).toBe(false);
    const after = new Uint8Array(db.size());
    db.read(after, 0);
    // Page 9 was cut off by the truncation and restored from the journal; pages 5..8 come back zeroed
    // (SQLite's playback would leave them the same way), the tail past page 10 is gone.
    expect(after.length).toBe(10 * pageSize);
    expect(sameBytes(after.subarray(0, 4 * pageSize), original.subarray(0, 4 * pageSize))).toBe(true);
    expect(sameBytes(after.subarray(8 * pageSize, 9 * pageSize), original.subarray(8 * pageSize, 9 * pageSize))).toBe(true);
  });

  test('a transaction on an empty database rolls back to an empty file', () => {
    const vfs = new MemoryVfs();
    const db = vfs.open('db', {});
    const writer = JournalWriter.begin(vfs, 'db-journal', 4096, 0);
    writer.sync('full');
    db.write(garbage(4096, 1), 0);
    expect(vfs.snapshot('db-journal')!.length).toBe(512);
    expect(rollbackHotJournal(vfs, 'db-journal', db)).toBe(true);
    expect(db.size()).toBe(0);
    expect(() => writer.append(1, new Uint8Array(4096))).toThrow(/existed before/);
  });

  test('a super-journal pointer: a missing super-journal means committed, an existing one means roll back', () => {
    const pageSize = 4096;
    for (const superExists of [false, true]) {
      const run = crashedWrite(pageSize, 512, 'full', [[1, 2, 3]]);
      run.writer.sync('full');
      run.db.close();
      const superPath = path.join(tempDir(), 'db-mj0123456789');
      if (superExists) fs.writeFileSync(superPath, 'unrelated-journal\0');
      const journal = withSuperJournal(readIfExists(run.journalPath)!, superPath, pageSize);
      const modified = new Uint8Array(fs.readFileSync(run.base.dbPath));

      const hearth = hearthRollback(copyFiles(run.base.dbPath, journal));
      expect(hearth.rolledBack).toBe(true);
      expect(hearth.journalLeft).toBe(false);
      expect(sameBytes(hearth.bytes, superExists ? run.base.bytes : modified)).toBe(true);
      const sqlite = sqliteRollback(copyFiles(run.base.dbPath, journal));
      expect(sqlite.journalLeft).toBe(false);
      expect(sameBytes(sqlite.bytes, hearth.bytes)).toBe(true);
    }
  });
});

/** Appends SQLite's super-journal record: lock-byte page number, name, length, checksum, magic. */
function withSuperJournal(journal: Uint8Array, name: string, pageSize: number): Uint8Array {
  const bytes = new TextEncoder().encode(name);
  const out = new Uint8Array(journal.length + 4 + bytes.length + 16);
  out.set(journal);
  const view = new DataView(out.buffer);
  let at = journal.length;
  view.setUint32(at, lockBytePage(pageSize));
  out.set(bytes, at + 4);
  at += 4 + bytes.length;
  view.setUint32(at, bytes.length);
  view.setUint32(at + 4, bytes.reduce((sum, b) => sum + b, 0));
  out.set(JOURNAL_MAGIC, at + 8);
  return out;
}

function flip(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at]! ^= 0xff;
  return out;
}

function zero(bytes: Uint8Array, at: number, length: number): Uint8Array {
  const out = bytes.slice();
  out.fill(0, at, at + length);
  return out;
}

function put(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(at, value >>> 0);
  return out;
}

/** A memory VFS that logs the writes and syncs made to its files. */
class RecordingVfs extends MemoryVfs {
  readonly ops: string[] = [];

  override open(p: string, options?: VfsOpenOptions): VfsFile {
    const file = super.open(p, options);
    const write = file.write.bind(file);
    const sync = file.sync.bind(file);
    file.write = (buf, offset) => {
      this.ops.push(`write ${offset}+${buf.length}`);
      write(buf, offset);
    };
    file.sync = () => {
      this.ops.push('sync');
      sync();
    };
    return file;
  }
}
