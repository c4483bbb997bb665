// Disk full: when the VFS refuses a write with SQLITE_FULL (a browser's storage quota, a full disk), the
// statement fails with that error, nothing of it stays, what was committed before stays intact, and the
// database goes on working once space is freed — in the same connection and after reopening.
import { describe, expect, it } from 'vitest';
import { Database } from '../src/api/database.js';
import { SqliteError } from '../src/common/errors.js';
import { QuotaVfs } from './support/quota-vfs.js';
import { Prng } from './support/prng.js';

type Mode = 'wal' | 'delete';

/** What the committed rows must add up to. */
interface Model {
  count: number;
  bytes: number;
}

/** Opens the database; with `checkpointEvery`, WAL checkpoints (which grow the database file) come often. */
function open(vfs: QuotaVfs, mode: Mode, checkpointEvery = 0): Database {
  const db = new Database('full.db', { vfs, journalMode: mode, cacheSize: 20 });
  if (checkpointEvery > 0) db.btree.pager.walAutoCheckpoint = checkpointEvery;
  return db;
}

function expectState(db: Database, model: Model): void {
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  const row = db.prepare('SELECT count(*) AS count, coalesce(sum(length(b)), 0) AS bytes FROM t').get();
  expect(row).toEqual(model);
}

function expectFull(err: unknown): void {
  expect(err).toBeInstanceOf(SqliteError);
  expect((err as SqliteError).code).toBe('SQLITE_FULL');
  expect((err as SqliteError).message).toBe('database or disk is full');
}

/**
 * Inserts rows (alone, or several in an explicit transaction) until `failures` of them hit the quota,
 * checking after each failure that the database holds exactly the committed rows. Returns how many
 * writes were refused.
 */
function fillUntilFull(db: Database, model: Model, prng: Prng, failures: number): number {
  const insert = db.prepare('INSERT INTO t(b) VALUES (zeroblob(?))');
  let seen = 0;
  for (let step = 0; seen < failures && step < 5000; step++) {
    const rows = prng.int(4) === 0 ? 1 + prng.int(30) : 1;
    const sizes = Array.from({ length: rows }, () => 100 + prng.int(3000));
    try {
      if (rows === 1) {
        insert.run(BigInt(sizes[0]!));
      } else {
        db.transaction(() => {
          for (const size of sizes) insert.run(BigInt(size));
        })();
      }
      model.count += rows;
      for (const size of sizes) model.bytes += size;
    } catch (err) {
      expectFull(err);
      expect(db.inTransaction).toBe(false);
      expectState(db, model);
      seen++;
    }
  }
  return seen;
}

describe('disk full', () => {
  for (const mode of ['wal', 'delete'] as const) {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      it(`keeps the database intact and usable (${mode}, seed ${seed})`, () => {
        const prng = new Prng(seed);
        const quota = 30_000 + prng.int(150_000);
        const vfs = new QuotaVfs(quota);
        const model: Model = { count: 0, bytes: 0 };
        const checkpointEvery = seed % 2 === 1 ? 8 : 0;
        let db = open(vfs, mode, checkpointEvery);
        try {
          db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)');
        } catch (err) {
          expectFull(err);
          return;
        }
        expect(fillUntilFull(db, model, prng, 4)).toBe(4);
        expect(vfs.refusals).toBeGreaterThanOrEqual(4);

        // Space is freed: the same connection writes again.
        vfs.quota = Number.MAX_SAFE_INTEGER;
        fillUntilFull(db, model, prng, 0);
        db.prepare('INSERT INTO t(b) VALUES (zeroblob(5000))').run();
        model.count++;
        model.bytes += 5000;
        expectState(db, model);

        // Full again, then closed (the last checkpoint may fail too) and reopened with space.
        vfs.quota = vfs.used + 20_000;
        fillUntilFull(db, model, prng, 2);
        try {
          db.close();
        } catch (err) {
          expectFull(err);
        }
        vfs.quota = Number.MAX_SAFE_INTEGER;
        db = open(vfs, mode, checkpointEvery);
        expectState(db, model);
        db.prepare('DELETE FROM t WHERE id % 2 = 0').run();
        const row = db.prepare('SELECT count(*) AS count, coalesce(sum(length(b)), 0) AS bytes FROM t').get() as Model;
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        db.close();
        db = open(vfs, mode);
        expectState(db, row);
        db.close();
      });
    }
  }

  for (const mode of ['wal', 'delete'] as const) {
    it(`a large transaction whose spills hit the quota fails cleanly (${mode})`, () => {
      const vfs = new QuotaVfs(Number.MAX_SAFE_INTEGER);
      const db = new Database('spill.db', { vfs, journalMode: mode, cacheSize: 16 });
      db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB); CREATE INDEX tb ON t(b)');
      db.prepare('INSERT INTO t(b) VALUES (zeroblob(100))').run();
      for (const room of [30_000, 120_000, 400_000]) {
        vfs.quota = vfs.used + room;
        const insert = db.prepare('INSERT INTO t(b) VALUES (randomblob(?))');
        let failure: unknown;
        try {
          db.transaction(() => {
            for (let i = 0; i < 400; i++) insert.run(BigInt(500 + i));
          })();
        } catch (err) {
          failure = err;
        }
        expectFull(failure);
        expect(db.inTransaction).toBe(false);
        expectState(db, { count: 1, bytes: 100 });
      }
      vfs.quota = Number.MAX_SAFE_INTEGER;
      db.prepare('INSERT INTO t(b) VALUES (zeroblob(7))').run();
      expectState(db, { count: 2, bytes: 107 });
      db.close();
    });
  }

  it('a failed COMMIT rolls the whole transaction back', () => {
    const vfs = new QuotaVfs(Number.MAX_SAFE_INTEGER);
    const db = open(vfs, 'wal');
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB)');
    db.prepare('INSERT INTO t(b) VALUES (zeroblob(100))').run();
    vfs.quota = vfs.used + 2_000;
    db.exec('BEGIN');
    db.prepare('INSERT INTO t(b) VALUES (zeroblob(3000))').run();
    let failure: unknown;
    try {
      db.exec('COMMIT');
    } catch (err) {
      failure = err;
    }
    expectFull(failure);
    expect(db.inTransaction).toBe(false);
    expectState(db, { count: 1, bytes: 100 });
    vfs.quota = Number.MAX_SAFE_INTEGER;
    db.prepare('INSERT INTO t(b) VALUES (zeroblob(3000))').run();
    expectState(db, { count: 2, bytes: 3100 });
    db.close();
  });
});
