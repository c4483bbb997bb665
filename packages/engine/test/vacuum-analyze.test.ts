// VACUUM and ANALYZE against real SQLite. VACUUM must leave a file SQLite's integrity_check accepts, with
// the same rows, schema text and header fields, fewer pages after deletes, no free pages, and a schema
// cookie other connections notice. ANALYZE must write the sqlite_stat1 rows SQLite writes (same text,
// same rowids), for the whole database, one table, or one index (this build of SQLite also writes
// sqlite_stat4, which Hearth does not).
import { afterAll, describe, expect, it } from 'vitest';
import BetterSqlite3 from 'better-sqlite3';
import { Database } from '../src/api/database.js';
import { makeTempDir, removeTempDir } from './support/sqlite-oracle.js';
import { agreeScript } from './support/script-pair.js';
import { freshFile, vfs } from './support/write-pair.js';

const dir = makeTempDir();
afterAll(() => removeTempDir(dir));
let files = 0;

describe('VACUUM', () => {
  it('rebuilds the file compactly, keeping rows, schema and header fields', () => {
    const file = freshFile(dir, 'vacuum');
    const db = new Database(file, { vfs, journalMode: 'delete' });
    const other = new Database(file, { vfs, journalMode: 'delete' });
    db.exec(`
      PRAGMA user_version = 7;
      CREATE TABLE t(a INTEGER PRIMARY KEY AUTOINCREMENT, b TEXT UNIQUE, c);
      CREATE INDEX tc ON t(c);
      CREATE VIEW v AS SELECT a, b FROM t WHERE a % 2 = 0;
      CREATE TABLE big(x, y);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600)
        INSERT INTO t(b, c) SELECT 'row ' || i || printf('%.200c', 'x'), i % 37 FROM n;
      INSERT INTO big SELECT a, randomblob(3000) FROM t WHERE a <= 100;
    `);
    const before = (db.prepare('SELECT a, b, c FROM t ORDER BY a').raw().all() as number[][]).filter((r) => r[0]! % 3 === 0);
    expect(other.prepare('SELECT count(*) FROM t').pluck().get()).toBe(600);
    db.exec('DELETE FROM t WHERE a % 3 <> 0; DROP TABLE big;');
    const pages = (): number => db.prepare('PRAGMA page_count').pluck().get() as number;
    const freelist = (): number => db.prepare('PRAGMA freelist_count').pluck().get() as number;
    const grown = pages();
    expect(freelist()).toBeGreaterThan(0);
    const schema = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name').raw().all();
    db.exec('VACUUM');
    expect(pages()).toBeLessThan(grown);
    expect(freelist()).toBe(0);
    expect(db.prepare('SELECT a, b, c FROM t ORDER BY a').raw().all()).toEqual(before);
    expect(db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name').raw().all()).toEqual(schema);
    expect(db.prepare('PRAGMA user_version').pluck().get()).toBe(7);
    expect(other.prepare('SELECT count(*) FROM v').pluck().get()).toBe(100);
    db.exec("INSERT INTO t(b, c) VALUES ('after', 1)");
    expect(other.prepare("SELECT a FROM t WHERE b = 'after'").pluck().get()).toBe(601);
    db.exec('BEGIN');
    expect(() => db.exec('VACUUM')).toThrow('cannot VACUUM from within a transaction');
    db.exec('COMMIT');
    db.close();
    other.close();
    const check = new BetterSqlite3(file, { readonly: true });
    expect(check.prepare('PRAGMA integrity_check').raw().all()).toEqual([['ok']]);
    expect(check.prepare('SELECT count(*), sum(c) FROM t').raw().get()).toEqual([201, before.reduce((sum, r) => sum + r[2]!, 0) + 1]);
    expect(check.prepare('PRAGMA freelist_count').pluck().get()).toBe(0);
    expect(check.prepare('SELECT * FROM sqlite_sequence').raw().all()).toEqual([['t', 601]]);
    check.close();
  });

  it('agrees with SQLite on statement outcomes, and the file stays valid', () => {
    agreeScript(dir, `vac${files++}`, [
      'CREATE TABLE a(x UNIQUE, y)',
      'CREATE TABLE b(p INTEGER PRIMARY KEY, q)',
      'CREATE INDEX bq ON b(q DESC)',
      "INSERT INTO a VALUES (1, 'one'), (2, 'two'), (3, 'three')",
      'INSERT INTO b SELECT x * 10, y FROM a',
      'DELETE FROM a WHERE x = 2',
      'VACUUM',
      'VACUUM main',
      'VACUUM other',
      'SELECT * FROM a',
      'SELECT * FROM b WHERE q > \'o\'',
    ], { sameRoots: true });
  });
});

describe('ANALYZE', () => {
  it('writes the sqlite_stat1 rows SQLite writes', () => {
    agreeScript(dir, `an${files++}`, [
      'CREATE TABLE e(a)',
      'CREATE TABLE n(a, b)',
      'CREATE INDEX ne ON n(a)',
      'CREATE TABLE t(a INTEGER PRIMARY KEY AUTOINCREMENT, b, c UNIQUE, d, e TEXT COLLATE NOCASE)',
      'CREATE INDEX tb ON t(b, d)',
      'CREATE INDEX tp ON t(d) WHERE d > 2',
      'CREATE INDEX te ON t(e, b)',
      "INSERT INTO t(b, c, d, e) VALUES (1,1,1,'x'),(1,2,2,'X'),(1,3,3,'y'),(2,4,3,'Y'),(2,5,3,NULL),(3,6,NULL,NULL),(3,7,4,'z')",
      'CREATE TABLE x(p)',
      'INSERT INTO x VALUES (1), (2)',
      'ANALYZE',
      'SELECT rowid, * FROM sqlite_stat1',
      'DELETE FROM t WHERE a > 3',
      'ANALYZE t',
      'SELECT rowid, * FROM sqlite_stat1',
      'ANALYZE tb',
      'SELECT rowid, * FROM sqlite_stat1',
      'ANALYZE nope',
      'ANALYZE main',
      'ANALYZE main.x',
      'SELECT rowid, * FROM sqlite_stat1',
      'SELECT * FROM t WHERE b = 1',
    ], { sqliteOnly: ['sqlite_stat4'] });
  });
});
