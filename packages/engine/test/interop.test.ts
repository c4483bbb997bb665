// File-format interop with real SQLite (better-sqlite3) as the oracle, both ways: files Hearth writes
// must pass SQLite's integrity_check and read back value for value, type for type; files SQLite writes
// (every page size, overflow, freelists, auto-vacuum, WITHOUT ROWID, WAL frames not yet checkpointed,
// a hot rollback journal left by a crash) must read identically in Hearth. Each test works in its own
// temporary directory; Hearth reaches the files through NodeVfs, never while SQLite is writing them.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Btree } from '../src/btree/btree.js';
import type { BtCursor } from '../src/btree/cursor.js';
import { H } from '../src/pager/header.js';
import type { JournalMode } from '../src/pager/pager.js';
import { BINARY, NOCASE, UnpackedKey, keyInfoBinary, type KeyInfo } from '../src/record/compare.js';
import { RecordReader } from '../src/record/record.js';
import { addSchemaEntry, createIndex, createTable, readSchema, removeSchemaEntry } from '../src/schema/schema.js';
import { NodeVfs } from '../src/vfs/node.js';
import {
  bindable,
  canon,
  hearthIndexEntries,
  hearthTableRows,
  int,
  makeTempDir,
  randomVal,
  recordOf,
  removeTempDir,
  rng,
  rowidOf,
  sqliteRows,
  valFromRecord,
  type Val,
} from './support/sqlite-oracle.js';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vfs = new NodeVfs();

let dir = '';
beforeEach(() => {
  dir = makeTempDir();
});
afterEach(() => {
  removeTempDir(dir);
});

function integrityCheck(file: string): string[] {
  const db = new Database(file);
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
  } finally {
    db.close();
  }
}

// ---- Hearth writes, SQLite reads -------------------------------------------------------------------

const KEY_I: KeyInfo = keyInfoBinary(2);
/** CREATE INDEX j ON t(b DESC, c COLLATE NOCASE): entries (b, c, rowid). */
const KEY_J: KeyInfo = { nField: 3, desc: new Uint8Array([1, 0, 0]), collations: [BINARY, NOCASE, BINARY] };

/** Table t(a, b, c) with indexes i(a) and j(b DESC, c COLLATE NOCASE), written through Hearth's cursors. */
class HearthTable {
  /** The rows as written: rowid → [a, b, c]. */
  readonly rows = new Map<bigint, Val[]>();
  private readonly key = new UnpackedKey();

  constructor(
    readonly bt: Btree,
    readonly roots: { t: number; i: number; j: number },
  ) {}

  /** The table as a file already holds it (with consistent indexes). */
  static load(bt: Btree, roots: { t: number; i: number; j: number }): HearthTable {
    const table = new HearthTable(bt, roots);
    const reader = new RecordReader();
    const cur = bt.cursor(roots.t);
    for (let ok = cur.first(); ok; ok = cur.next()) {
      const payload = cur.payload();
      reader.init(payload, 0, payload.length);
      table.rows.set(BigInt(cur.rowid()), [0, 1, 2].map((i) => valFromRecord(reader, i)));
    }
    cur.close();
    return table;
  }

  private indexKeys(rowid: bigint, [a, b, c]: Val[]): [Uint8Array, Uint8Array] {
    return [recordOf([a!, int(rowid)]), recordOf([b!, c!, int(rowid)])];
  }

  private removeIndexEntry(cur: BtCursor, record: Uint8Array): void {
    this.key.fromRecord(record, 0, record.length);
    if (cur.seek(this.key, 0) !== 0) throw new Error('index entry not found');
    cur.delete();
  }

  put(rowid: bigint, values: Val[]): void {
    const t = this.bt.cursor(this.roots.t);
    const i = this.bt.cursor(this.roots.i, KEY_I);
    const j = this.bt.cursor(this.roots.j, KEY_J);
    const old = this.rows.get(rowid);
    if (old) {
      const [ki, kj] = this.indexKeys(rowid, old);
      this.removeIndexEntry(i, ki);
      this.removeIndexEntry(j, kj);
    }
    t.insert(rowidOf(rowid), recordOf(values));
    const [ki, kj] = this.indexKeys(rowid, values);
    i.insertKey(ki);
    j.insertKey(kj);
    for (const c of [t, i, j]) c.close();
    this.rows.set(rowid, values);
  }

  delete(rowid: bigint): void {
    const old = this.rows.get(rowid)!;
    const t = this.bt.cursor(this.roots.t);
    const i = this.bt.cursor(this.roots.i, KEY_I);
    const j = this.bt.cursor(this.roots.j, KEY_J);
    if (t.seekRowid(rowidOf(rowid)) !== 0) throw new Error(`row ${rowid} not found`);
    t.delete();
    const [ki, kj] = this.indexKeys(rowid, old);
    this.removeIndexEntry(i, ki);
    this.removeIndexEntry(j, kj);
    for (const c of [t, i, j]) c.close();
    this.rows.delete(rowid);
  }

  /** The rows in canonical form, in rowid order, as `SELECT rowid, * FROM t ORDER BY rowid` gives them. */
  expected(): string[][] {
    const rows = [...this.rows.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    return rows.map(([r, v]) => [`int:${r}`, ...v.map(canon)]);
  }
}

/** Rowids at the edges of the 64-bit range and around 2^53, beside the ordinary 1, 2, 3, … */
const SPECIAL_ROWIDS = [-(1n << 63n), -(1n << 62n), -5n, 0n, (1n << 53n) + 3n, (1n << 62n), (1n << 63n) - 1n];

const row = (next: () => number, big: number): Val[] => [randomVal(next, big), randomVal(next, big), randomVal(next, big)];

/**
 * Builds a database through Hearth in several transactions: creates, fills, deletes (freeing pages),
 * updates, drops a table, rolls a transaction back, adds a view and a trigger. Returns the table.
 */
function hearthScenario(bt: Btree, seed: number): HearthTable {
  const next = rng(seed);
  const big = bt.pager.pageSize;
  bt.beginWrite();
  const roots = {
    t: createTable(bt, 't', 'CREATE TABLE t(a, b, c)'),
    i: createIndex(bt, 'i', 't', 'CREATE INDEX i ON t(a)'),
    j: createIndex(bt, 'j', 't', 'CREATE INDEX j ON t(b DESC, c COLLATE NOCASE)'),
  };
  const scratch = createTable(bt, 'scratch', 'CREATE TABLE scratch(x)');
  const table = new HearthTable(bt, roots);
  for (let r = 1n; r <= 200n; r++) table.put(r, row(next, big));
  for (const r of SPECIAL_ROWIDS) table.put(r, row(next, big));
  const s = bt.cursor(scratch);
  for (let r = 1; r <= 60; r++) s.insert(r, recordOf([randomVal(next, big, 3)]));
  s.close();
  bt.commit();

  bt.beginWrite();
  for (const r of [...table.rows.keys()]) {
    const x = next();
    if (x < 0.35) table.delete(r);
    else if (x < 0.6) table.put(r, row(next, big));
  }
  bt.dropTree(scratch);
  removeSchemaEntry(bt, 'table', 'scratch');
  bt.commit();

  bt.beginWrite();
  const saved = new Map(table.rows);
  for (let r = 1000n; r < 1100n; r++) table.put(r, row(next, big));
  bt.rollback();
  table.rows.clear();
  for (const [r, v] of saved) table.rows.set(r, v);

  bt.beginWrite();
  for (let r = 300n; r < 360n; r++) table.put(r, row(next, big));
  addSchemaEntry(bt, { type: 'view', name: 'v', tblName: 'v', rootpage: 0, sql: 'CREATE VIEW v AS SELECT a, b FROM t' });
  addSchemaEntry(bt, {
    type: 'trigger',
    name: 'tr',
    tblName: 't',
    rootpage: 0,
    sql: 'CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END',
  });
  bt.commit();
  return table;
}

/** Checks a file Hearth wrote against SQLite: integrity, schema, every row and both indexes. */
function verifyInSqlite(file: string, table: HearthTable, schema: string[][]): void {
  expect(integrityCheck(file)).toEqual(['ok']);
  const db = new Database(file);
  try {
    expect(sqliteRows(db, ['type', 'name', 'tbl_name', 'rootpage', 'sql'], 'FROM sqlite_schema ORDER BY rowid')).toEqual(schema);
    expect(sqliteRows(db, ['rowid', 'a', 'b', 'c'], 'FROM t ORDER BY rowid')).toEqual(table.expected());
    const viaI = sqliteRows(db, ['a', 'rowid'], 'FROM t INDEXED BY i ORDER BY a, rowid');
    expect(viaI).toHaveLength(table.rows.size);
    expect(viaI).toEqual(sqliteRows(db, ['a', 'rowid'], 'FROM t NOT INDEXED ORDER BY a, rowid'));
    const order = 'ORDER BY b DESC, c COLLATE NOCASE, rowid';
    const viaJ = sqliteRows(db, ['b', 'c', 'rowid'], `FROM t INDEXED BY j ${order}`);
    expect(viaJ).toHaveLength(table.rows.size);
    expect(viaJ).toEqual(sqliteRows(db, ['b', 'c', 'rowid'], `FROM t NOT INDEXED ${order}`));
    expect(db.prepare('SELECT count(*) FROM v').pluck().get()).toBe(table.rows.size);
  } finally {
    db.close();
  }
}

/** sqlite_schema as Hearth reads it, in the canonical form `sqliteRows` gives. */
function hearthSchema(bt: Btree): string[][] {
  return readSchema(bt).map((e) => [
    `text:${e.type}`,
    `text:${e.name}`,
    `text:${e.tblName}`,
    `int:${e.rootpage}`,
    e.sql === null ? 'null' : `text:${e.sql}`,
  ]);
}

describe('Hearth writes, SQLite reads', () => {
  const configs: [number, JournalMode][] = [];
  for (const pageSize of [512, 1024, 4096, 65536]) for (const mode of ['delete', 'wal'] as const) configs.push([pageSize, mode]);

  it.each(configs)('page size %i, journal mode %s', (pageSize, journalMode) => {
    const file = path.join(dir, 'h.db');
    const bt = Btree.open(vfs, file, { pageSize, journalMode, cacheSize: 16 });
    const table = hearthScenario(bt, pageSize);
    bt.beginRead();
    const schema = hearthSchema(bt);
    expect(bt.getMeta(H.freelistCount)).toBeGreaterThan(0);
    bt.endRead();
    bt.close();
    verifyInSqlite(file, table, schema);
  });

  it('writes sqlite_schema records and empty roots byte for byte as SQLite does', () => {
    for (const pageSize of [512, 4096]) {
      const theirs = path.join(dir, `s${pageSize}.db`);
      const db = new Database(theirs);
      db.pragma(`page_size = ${pageSize}`);
      db.pragma('journal_mode = delete');
      db.exec(`CREATE TABLE t(a, b, c);
        CREATE INDEX i ON t(a);
        CREATE TABLE p(k TEXT UNIQUE, v);
        CREATE VIEW v AS SELECT a FROM t;
        CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;`);
      db.close();

      const ours = path.join(dir, `h${pageSize}.db`);
      const bt = Btree.open(vfs, ours, { pageSize, journalMode: 'delete' });
      bt.beginWrite();
      createTable(bt, 't', 'CREATE TABLE t(a, b, c)');
      createIndex(bt, 'i', 't', 'CREATE INDEX i ON t(a)');
      createTable(bt, 'p', 'CREATE TABLE p(k TEXT UNIQUE, v)');
      createIndex(bt, 'sqlite_autoindex_p_1', 'p', null);
      addSchemaEntry(bt, { type: 'view', name: 'v', tblName: 'v', rootpage: 0, sql: 'CREATE VIEW v AS SELECT a FROM t' });
      const trigger = 'CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END';
      addSchemaEntry(bt, { type: 'trigger', name: 'tr', tblName: 't', rootpage: 0, sql: trigger });
      bt.commit();
      bt.close();

      const dump = (file: string) => {
        const b = Btree.open(vfs, file, { fileMustExist: true });
        b.beginRead();
        const cur = b.cursor(1);
        const rows: [unknown, string][] = [];
        for (let ok = cur.first(); ok; ok = cur.next()) rows.push([cur.rowid(), Buffer.from(cur.payload()).toString('hex')]);
        cur.close();
        // The schema cookie is left out: SQLite bumps it once per statement (the table p and its
        // autoindex share one), Hearth once per entry.
        const meta = [H.schemaFormat, H.textEncoding, H.freelistCount, H.pageCount].map((f) => b.getMeta(f));
        b.endRead();
        b.close();
        return { rows, meta };
      };
      expect(dump(ours)).toEqual(dump(theirs));
      const bytes = (file: string) => fs.readFileSync(file);
      const a = bytes(ours);
      const b = bytes(theirs);
      for (let pgno = 2; pgno <= 5; pgno++) {
        const page = (f: Buffer) => f.subarray((pgno - 1) * pageSize, pgno * pageSize);
        expect(page(a).equals(page(b)), `page ${pgno}`).toBe(true);
      }
    }
  });

  it('leaves a database with an autoindex (NULL sql) that SQLite enforces', () => {
    const file = path.join(dir, 'auto.db');
    const bt = Btree.open(vfs, file, { pageSize: 1024, journalMode: 'delete' });
    bt.beginWrite();
    const t = createTable(bt, 'p', 'CREATE TABLE p(k TEXT UNIQUE, v)');
    const idx = createIndex(bt, 'sqlite_autoindex_p_1', 'p', null);
    const tc = bt.cursor(t);
    const ic = bt.cursor(idx, keyInfoBinary(2));
    for (let r = 1; r <= 300; r++) {
      const k = `key-${(r * 7919) % 1000}`;
      tc.insert(r, recordOf([k, int(r)]));
      ic.insertKey(recordOf([k, int(r)]));
    }
    tc.close();
    ic.close();
    bt.commit();
    bt.close();
    expect(integrityCheck(file)).toEqual(['ok']);
    const db = new Database(file);
    try {
      expect(db.prepare("SELECT rowid FROM p WHERE k = 'key-838'").pluck().all()).toEqual([2]);
      expect(() => db.prepare("INSERT INTO p VALUES ('key-919', 0)").run()).toThrow(/UNIQUE constraint failed: p\.k/);
      db.prepare("INSERT INTO p VALUES ('fresh', 0)").run();
    } finally {
      db.close();
    }
    expect(integrityCheck(file)).toEqual(['ok']);
  });

  it('leaves WAL frames SQLite recovers after a crash: committed frames read, stale and uncommitted ones ignored', () => {
    for (const pageSize of [1024, 65536]) {
      const file = path.join(dir, `w${pageSize}.db`);
      // SQLite discards a WAL it finds beside an empty database file, so a first session checkpoints
      // page 1 into the file; from then on nothing is checkpointed.
      const first = Btree.open(vfs, file, { pageSize, journalMode: 'wal' });
      first.beginWrite();
      first.setMeta(H.userVersion, 1);
      first.commit();
      first.close();
      const bt = Btree.open(vfs, file, { cacheSize: 16, walAutoCheckpoint: 0 });
      const table = hearthScenario(bt, pageSize + 1);
      // After a checkpoint the next commit restarts the log at frame 1 under new salts; the older,
      // longer generation's frames stay behind it in the file and must not be replayed.
      const walSize = fs.statSync(`${file}-wal`).size;
      bt.pager.checkpoint();
      bt.beginWrite();
      table.put(42n, ['after the checkpoint', int(-42), null]);
      table.delete([...table.rows.keys()].find((r) => r !== 42n)!);
      bt.commit();
      expect(fs.statSync(`${file}-wal`).size).toBe(walSize);
      bt.beginRead();
      const schema = hearthSchema(bt);
      bt.endRead();
      // An open transaction big enough to spill pages into the WAL without a commit frame.
      bt.beginWrite();
      const cur = bt.cursor(table.roots.t);
      const filler = new Uint8Array(pageSize);
      for (let r = 5000; r < 5200; r++) cur.insert(r, recordOf([filler, null, int(r)]));
      cur.close();
      const copy = path.join(dir, `copy${pageSize}.db`);
      fs.copyFileSync(file, copy);
      fs.copyFileSync(`${file}-wal`, `${copy}-wal`);
      expect(fs.statSync(`${copy}-wal`).size).toBeGreaterThan(0);
      bt.rollback();
      bt.close();
      verifyInSqlite(copy, table, schema);
    }
  });

  it('leaves a hot journal SQLite rolls back after a crash mid-transaction', () => {
    const file = path.join(dir, 'j.db');
    const bt = Btree.open(vfs, file, { pageSize: 1024, journalMode: 'delete', cacheSize: 16 });
    const table = hearthScenario(bt, 77);
    bt.beginRead();
    const schema = hearthSchema(bt);
    bt.endRead();
    const before = fs.readFileSync(file);
    bt.beginWrite();
    const cur = bt.cursor(table.roots.t);
    for (let r = 5000; r < 5300; r++) cur.insert(r, recordOf([new Uint8Array(700), int(r)]));
    for (let ok = cur.first(); ok && cur.rowid() < 5000; ) {
      cur.delete();
      ok = cur.next();
    }
    cur.close();
    // The crash: copy the files as they are mid-transaction.
    const copy = path.join(dir, 'copy.db');
    fs.copyFileSync(file, copy);
    fs.copyFileSync(`${file}-journal`, `${copy}-journal`);
    expect(fs.readFileSync(copy).equals(before)).toBe(false); // spilled pages reached the file
    bt.rollback();
    bt.close();
    verifyInSqlite(copy, table, schema);
    expect(fs.existsSync(`${copy}-journal`)).toBe(false);
  });
});

// ---- SQLite writes, Hearth reads -------------------------------------------------------------------

type AutoVacuum = 'none' | 'full' | 'incremental';

const SCHEMA_SQL = `
  CREATE TABLE t(a, b, c);
  CREATE INDEX i ON t(a);
  CREATE INDEX j ON t(b DESC, c COLLATE NOCASE);
  CREATE TABLE w(k1, k2, v, PRIMARY KEY (k1, k2)) WITHOUT ROWID;
  CREATE TABLE u(y INTEGER PRIMARY KEY, x TEXT UNIQUE);
  CREATE VIEW v AS SELECT a FROM t;`;

/** Inserts random rows into t, w and u through SQLite, in one transaction. */
function sqliteFill(db: Database.Database, next: () => number, big: number, rows: number): void {
  const insT = db.prepare('INSERT INTO t VALUES (?, ?, ?)');
  const insW = db.prepare('INSERT OR REPLACE INTO w VALUES (?, ?, ?)');
  const insU = db.prepare('INSERT OR IGNORE INTO u(x) VALUES (?)');
  db.transaction(() => {
    for (let n = 0; n < rows; n++) {
      insT.run(...[0, 1, 2].map(() => bindable(randomVal(next, big))));
      const k1 = randomVal(next, big, 60);
      insW.run(bindable(k1 === null ? int(n) : k1), n % 7, bindable(randomVal(next, big)));
      if (n % 3 === 0) insU.run(bindable(randomVal(next, big, 60)));
    }
  })();
}

/** Deletes and updates random rows through SQLite, in one transaction. */
function sqliteChurn(db: Database.Database, next: () => number, big: number): void {
  const rowids = db.prepare('SELECT rowid FROM t').safeIntegers(true).pluck().all() as bigint[];
  const del = db.prepare('DELETE FROM t WHERE rowid = ?');
  const upd = db.prepare('UPDATE t SET a = ?, c = ? WHERE rowid = ?');
  db.transaction(() => {
    for (const r of rowids) {
      const x = next();
      if (x < 0.4) del.run(r);
      else if (x < 0.6) upd.run(bindable(randomVal(next, big)), bindable(randomVal(next, big)), r);
    }
    db.prepare('DELETE FROM w WHERE k2 IN (1, 4)').run();
    db.prepare('DELETE FROM u WHERE y % 2 = 0').run();
  })();
}

/** Everything the tests compare, as SQLite's own queries see it. */
function sqliteSnapshot(db: Database.Database) {
  const pragma = (name: string) => Number(db.pragma(name, { simple: true }));
  return {
    schema: sqliteRows(db, ['type', 'name', 'tbl_name', 'rootpage', 'sql'], 'FROM sqlite_schema ORDER BY rowid'),
    t: sqliteRows(db, ['rowid', 'a', 'b', 'c'], 'FROM t ORDER BY rowid'),
    i: sqliteRows(db, ['a', 'rowid'], 'FROM t INDEXED BY i ORDER BY a, rowid'),
    j: sqliteRows(db, ['b', 'c', 'rowid'], 'FROM t INDEXED BY j ORDER BY b DESC, c COLLATE NOCASE, rowid'),
    w: sqliteRows(db, ['k1', 'k2', 'v'], 'FROM w ORDER BY k1, k2'),
    u: sqliteRows(db, ['rowid', 'NULL', 'x'], 'FROM u ORDER BY rowid'),
    uIndex: sqliteRows(db, ['x', 'rowid'], 'FROM u ORDER BY x, rowid'),
    pageCount: pragma('page_count'),
    freelist: pragma('freelist_count'),
    cookie: pragma('schema_version'),
  };
}

/** The same as `sqliteSnapshot`, read by Hearth from the file's B-trees. */
function hearthSnapshot(file: string): ReturnType<typeof sqliteSnapshot> {
  const bt = Btree.open(vfs, file, { fileMustExist: true, cacheSize: 16 });
  try {
    bt.beginRead();
    const root = (name: string) => readSchema(bt).find((e) => e.name === name)!.rootpage;
    const snapshot = {
      schema: hearthSchema(bt),
      t: hearthTableRows(bt, root('t'), 3),
      i: hearthIndexEntries(bt, root('i'), 2),
      j: hearthIndexEntries(bt, root('j'), 3),
      w: hearthIndexEntries(bt, root('w'), 3),
      u: hearthTableRows(bt, root('u'), 2),
      uIndex: hearthIndexEntries(bt, root('sqlite_autoindex_u_1'), 2),
      pageCount: bt.pager.pageCount,
      freelist: bt.getMeta(H.freelistCount),
      cookie: bt.getMeta(H.schemaCookie),
    };
    bt.endRead();
    return snapshot;
  } finally {
    bt.close();
  }
}

function openSqlite(file: string, pageSize: number, autoVacuum: AutoVacuum, journalMode: JournalMode): Database.Database {
  const db = new Database(file);
  db.pragma(`page_size = ${pageSize}`);
  db.pragma(`auto_vacuum = ${autoVacuum}`);
  db.pragma(`journal_mode = ${journalMode}`);
  return db;
}

/** Creates the test schema in a new file with SQLite, fills it and churns it; returns its snapshot. */
function buildWithSqlite(file: string, pageSize: number, autoVacuum: AutoVacuum, seed: number) {
  const db = openSqlite(file, pageSize, autoVacuum, 'delete');
  try {
    const next = rng(seed);
    db.exec(SCHEMA_SQL);
    sqliteFill(db, next, pageSize, 300);
    sqliteChurn(db, next, pageSize);
    if (autoVacuum === 'incremental') db.pragma('incremental_vacuum(3)');
    return sqliteSnapshot(db);
  } finally {
    db.close();
  }
}

describe('SQLite writes, Hearth reads', () => {
  const configs: [number, AutoVacuum][] = [];
  for (const pageSize of [512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]) {
    for (const av of ['none', 'full', 'incremental'] as const) configs.push([pageSize, av]);
  }

  it.each(configs)('page size %i, auto_vacuum %s', (pageSize, autoVacuum) => {
    const file = path.join(dir, 's.db');
    const expected = buildWithSqlite(file, pageSize, autoVacuum, pageSize);
    expect(expected.t.some((r) => r.some((v) => v.length > pageSize))).toBe(true); // overflow pages in use
    if (autoVacuum !== 'full') expect(expected.freelist).toBeGreaterThan(0);
    expect(hearthSnapshot(file)).toEqual(expected);
    const bt = Btree.open(vfs, file, { fileMustExist: true });
    bt.beginRead();
    expect(bt.getMeta(H.largestRootPage) !== 0).toBe(autoVacuum !== 'none');
    expect(bt.getMeta(H.incrementalVacuum)).toBe(autoVacuum === 'incremental' ? 1 : 0);
    bt.endRead();
    bt.close();
  });

  it.each([512, 4096, 65536])('WAL with uncheckpointed, stale and uncommitted frames, page size %i', (pageSize) => {
    const file = path.join(dir, 'w.db');
    const db = openSqlite(file, pageSize, 'none', 'wal');
    db.pragma('wal_autocheckpoint = 0');
    const next = rng(pageSize + 3);
    db.exec(SCHEMA_SQL);
    sqliteFill(db, next, pageSize, 200);
    // Checkpoint everything: the next commit restarts the log from frame 1 with new salts, leaving the
    // older frames after it in the file, where they must not be read.
    db.pragma('wal_checkpoint(PASSIVE)');
    const salts = () => fs.readFileSync(`${file}-wal`).subarray(16, 24).toString('hex');
    const oldSalts = salts();
    sqliteChurn(db, next, pageSize);
    expect(salts()).not.toBe(oldSalts);
    sqliteFill(db, next, pageSize, 50);
    const expected = sqliteSnapshot(db);
    // An open transaction that spills uncommitted frames into the log.
    db.pragma('cache_size = 10');
    const walSize = fs.statSync(`${file}-wal`).size;
    db.exec('BEGIN');
    db.prepare('INSERT INTO t SELECT zeroblob(?), b, c FROM t').run(Math.min(pageSize, 8192));
    db.exec('DELETE FROM w');
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(walSize);
    const copy = path.join(dir, 'copy.db');
    fs.copyFileSync(file, copy);
    fs.copyFileSync(`${file}-wal`, `${copy}-wal`);
    db.exec('ROLLBACK');
    db.close();

    expect(hearthSnapshot(copy)).toEqual(expected);
    // Hearth's close checkpointed the copy; SQLite must find the same database in it.
    expect(fs.existsSync(`${copy}-wal`)).toBe(false);
    expect(integrityCheck(copy)).toEqual(['ok']);
    const again = new Database(copy);
    expect(sqliteSnapshot(again)).toEqual(expected);
    again.close();
  });

  // A child process runs a big transaction with a tiny cache (so changed pages spill into the database
  // file) and is killed before it commits, leaving a hot journal.
  const CRASH_SCRIPT = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.pragma('cache_size = 8');
    db.exec('BEGIN');
    db.exec("UPDATE t SET a = randomblob(300), c = zeroblob(2000)");
    db.exec("INSERT INTO t SELECT a, b, c FROM t");
    db.exec("DELETE FROM w");
    db.exec("CREATE TABLE extra(x)");
    process.kill(process.pid, 'SIGKILL');`;

  it.each([
    [1024, 'none'],
    [4096, 'full'],
    [65536, 'none'],
  ] as const)('rolls back the hot journal of a crashed SQLite writer, page size %i, auto_vacuum %s', (pageSize, autoVacuum) => {
    const file = path.join(dir, 'c.db');
    const expected = buildWithSqlite(file, pageSize, autoVacuum, pageSize + 5);
    const before = fs.readFileSync(file);
    const child = spawnSync(process.execPath, ['-e', CRASH_SCRIPT, file], { cwd: PACKAGE_DIR, encoding: 'utf8' });
    expect(child.signal, child.stderr).toBe('SIGKILL');
    expect(fs.statSync(`${file}-journal`).size).toBeGreaterThan(0);
    expect(fs.readFileSync(file).equals(before)).toBe(false); // the crash left a half-written database
    // SQLite rolls back a copy of the crashed files, for a byte-exact reference.
    const reference = path.join(dir, 'ref.db');
    fs.copyFileSync(file, reference);
    fs.copyFileSync(`${file}-journal`, `${reference}-journal`);
    expect(integrityCheck(reference)).toEqual(['ok']);

    expect(hearthSnapshot(file)).toEqual(expected);
    expect(fs.existsSync(`${file}-journal`)).toBe(false);
    // Free pages reused by the crashed transaction were not journaled, so neither engine restores
    // their old bytes; both must otherwise leave the same file.
    expect(fs.readFileSync(file).equals(fs.readFileSync(reference))).toBe(true);
    expect(fs.statSync(file).size).toBe(before.length);
    const db = new Database(file);
    expect(sqliteSnapshot(db)).toEqual(expected);
    db.close();
  });

  it.each([512, 4096])('lets Hearth change a file SQLite wrote, seeking in its indexes (page size %i)', (pageSize) => {
    const file = path.join(dir, 'm.db');
    buildWithSqlite(file, pageSize, 'none', pageSize + 9);
    const bt = Btree.open(vfs, file, { fileMustExist: true, cacheSize: 16 });
    bt.beginWrite();
    const root = (name: string) => readSchema(bt).find((e) => e.name === name)!.rootpage;
    const table = HearthTable.load(bt, { t: root('t'), i: root('i'), j: root('j') });
    const next = rng(pageSize);
    for (const r of [...table.rows.keys()]) {
      const x = next();
      if (x < 0.4) table.delete(r);
      else if (x < 0.6) table.put(r, row(next, pageSize));
    }
    for (let r = 1n; r <= 80n; r++) table.put(10_000n + r, row(next, pageSize));
    const schema = hearthSchema(bt);
    bt.commit();
    bt.close();
    verifyInSqlite(file, table, schema);
  });
});

// ---- schema changes seen across the two engines ----------------------------------------------------

describe('schema cookie', () => {
  it('SQLite sees the tables Hearth adds, drops and replaces while it has the file open', () => {
    const file = path.join(dir, 'k.db');
    const db = new Database(file);
    db.pragma('journal_mode = delete');
    db.exec("CREATE TABLE t(a, b, c); INSERT INTO t VALUES (1, 'one', 1.5), (2, 'two', 2.5);");
    const selectT = db.prepare('SELECT * FROM t');
    expect(selectT.all()).toEqual([
      { a: 1, b: 'one', c: 1.5 },
      { a: 2, b: 'two', c: 2.5 },
    ]);
    const cookie = Number(db.pragma('schema_version', { simple: true }));

    // While SQLite holds the file open (idle), Hearth replaces t with a table of other columns and adds
    // a table and an index.
    const bt = Btree.open(vfs, file, { fileMustExist: true });
    bt.beginWrite();
    const old = readSchema(bt).find((e) => e.name === 't')!;
    bt.dropTree(old.rootpage);
    removeSchemaEntry(bt, 'table', 'T');
    const t = createTable(bt, 't', 'CREATE TABLE t(x, y)');
    const n = createTable(bt, 'n', 'CREATE TABLE n(z)');
    const nz = createIndex(bt, 'nz', 'n', 'CREATE INDEX nz ON n(z)');
    const tc = bt.cursor(t);
    tc.insert(7, recordOf(['seven', int(49)]));
    tc.close();
    const nc = bt.cursor(n);
    const ic = bt.cursor(nz, keyInfoBinary(2));
    for (let r = 1; r <= 3; r++) {
      nc.insert(r, recordOf([int(r * 10)]));
      ic.insertKey(recordOf([int(r * 10), int(r)]));
    }
    nc.close();
    ic.close();
    bt.commit();
    bt.close();

    expect(Number(db.pragma('schema_version', { simple: true }))).toBe(cookie + 4);
    expect(selectT.all()).toEqual([{ x: 'seven', y: 49 }]);
    expect(db.prepare('SELECT z FROM n INDEXED BY nz WHERE z >= 20').pluck().all()).toEqual([20, 30]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('Hearth reads the schema changes SQLite makes', () => {
    const file = path.join(dir, 'r.db');
    const db = new Database(file);
    db.pragma('journal_mode = delete');
    db.exec("CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 'x'), (2, 'y');");
    const snapshotBoth = () => {
      const expected = {
        schema: sqliteRows(db, ['type', 'name', 'tbl_name', 'rootpage', 'sql'], 'FROM sqlite_schema ORDER BY rowid'),
        cookie: Number(db.pragma('schema_version', { simple: true })),
      };
      const bt = Btree.open(vfs, file, { fileMustExist: true });
      bt.beginRead();
      const actual = { schema: hearthSchema(bt), cookie: bt.getMeta(H.schemaCookie) };
      bt.endRead();
      bt.close();
      expect(actual).toEqual(expected);
      return expected;
    };
    const first = snapshotBoth();
    db.exec(`CREATE INDEX ia ON t(a);
      CREATE TABLE Other(k TEXT PRIMARY KEY, v) ;
      CREATE VIEW vw AS SELECT b FROM t;
      CREATE TRIGGER tg AFTER DELETE ON t BEGIN DELETE FROM Other WHERE k = old.b; END;
      ALTER TABLE t RENAME TO renamed;
      ALTER TABLE renamed ADD COLUMN c;
      DROP INDEX ia;`);
    const second = snapshotBoth();
    expect(second.cookie).toBeGreaterThan(first.cookie);
    const names = ['renamed', 'Other', 'sqlite_autoindex_Other_1', 'vw', 'tg'];
    expect(second.schema.map((r) => r[1])).toEqual(names.map((n) => `text:${n}`));

    // Rows written before ADD COLUMN lack the new column; Hearth reads it as NULL, as SQLite does.
    const bt = Btree.open(vfs, file, { fileMustExist: true });
    bt.beginRead();
    const root = readSchema(bt).find((e) => e.name === 'renamed')!.rootpage;
    expect(hearthTableRows(bt, root, 3)).toEqual(sqliteRows(db, ['rowid', 'a', 'b', 'c'], 'FROM renamed ORDER BY rowid'));
    bt.endRead();
    bt.close();
    db.close();
  });
});
