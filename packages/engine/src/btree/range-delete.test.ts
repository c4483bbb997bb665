/**
 * DELETE walking a table: a cursor that deletes a row from a leaf that stays full enough keeps its
 * path, and the next seek searches that leaf alone. These scripts delete ranges in rowid order and
 * against it, sparse and dense, with indexes, triggers and a subquery reading the same table, and
 * compare every outcome and the final file (integrity_check, same rows and index entries) with SQLite.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../../test/support/sqlite-oracle.js';
import { agreeScript } from '../../test/support/script-pair.js';
import { MemoryVfs } from '../vfs/memory.js';
import { Btree } from './btree.js';
import { checkIntegrity } from './integrity.js';

const dir = makeTempDir();
afterAll(() => removeTempDir(dir));
let files = 0;
const agree = (script: string[]): void => agreeScript(dir, `rd${files++}`, script);

const rows = (n: number): string =>
  `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${n}) ` +
  "INSERT INTO t SELECT i, (i * 7919) % 1000, printf('%.*c', 20 + i % 90, 'x'), i * 0.5 FROM c";

describe('range DELETE', () => {
  it('deletes dense and sparse ranges, in and against rowid order', () => {
    agree([
      'CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, pad TEXT, r REAL)',
      rows(3000),
      'DELETE FROM t WHERE id > 500 AND id <= 900',
      'DELETE FROM t WHERE id % 3 = 0 AND id < 2000',
      'DELETE FROM t WHERE id BETWEEN 1000 AND 2500 ORDER BY id DESC LIMIT 700',
      'SELECT count(*), sum(id), sum(k) FROM t',
      'DELETE FROM t WHERE id > 2990',
      'DELETE FROM t WHERE id < 10',
      'SELECT id FROM t WHERE id BETWEEN 890 AND 1010',
    ]);
  });

  it('keeps indexes, triggers and self-referencing subqueries right', () => {
    agree([
      'CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, pad TEXT, r REAL)',
      'CREATE INDEX t_k ON t(k)',
      'CREATE TABLE log(id, k)',
      'CREATE TRIGGER t_del AFTER DELETE ON t WHEN old.id % 100 = 0 BEGIN INSERT INTO log VALUES (old.id, old.k); DELETE FROM t WHERE id = old.id + 1; END',
      rows(2500),
      'DELETE FROM t WHERE id > 200 AND id <= 1200',
      'DELETE FROM t WHERE k < (SELECT avg(k) FROM t) AND id > 1500',
      'DELETE FROM t WHERE id IN (SELECT id + 1 FROM t WHERE id % 2 = 0)',
      'SELECT count(*), sum(id), sum(k) FROM t',
      'SELECT * FROM log ORDER BY id',
      'SELECT k, id FROM t INDEXED BY t_k WHERE k BETWEEN 100 AND 140',
    ]);
  });

  it('deletes inside a transaction and rolls back to a savepoint', () => {
    agree([
      'CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, pad TEXT, r REAL)',
      rows(2000),
      'BEGIN',
      'DELETE FROM t WHERE id BETWEEN 100 AND 600',
      'SAVEPOINT a',
      'DELETE FROM t WHERE id BETWEEN 601 AND 1800',
      'ROLLBACK TO a',
      'DELETE FROM t WHERE id % 5 = 1',
      'COMMIT',
      'SELECT count(*), sum(id), min(id), max(id) FROM t',
    ]);
  });
});

describe('a table cursor after a delete', () => {
  it('seeks missing and present rowids in the leaf it kept, and steps from the deleted row', () => {
    const bt = Btree.open(new MemoryVfs(), 'c.db', { pageSize: 1024 });
    bt.beginWrite();
    const root = bt.createTree('table');
    const cur = bt.cursor(root);
    // A record of one 28-byte TEXT: header size 2, serial type 28 * 2 + 13.
    const payload = new Uint8Array(30).fill(0x61);
    payload[0] = 2;
    payload[1] = 28 * 2 + 13;
    for (let rowid = 1; rowid <= 2000; rowid++) cur.insert(rowid * 2, payload);
    const model = new Set<number>();
    for (let rowid = 1; rowid <= 2000; rowid++) model.add(rowid * 2);
    for (let rowid = 400; rowid <= 1600; rowid += 6) {
      expect(cur.seekRowid(rowid)).toBe(0);
      cur.delete();
      model.delete(rowid);
      // The deleted rowid and odd rowids are missing: the seek lands next to where they would be.
      expect(cur.seekRowid(rowid), `after deleting ${rowid}`).not.toBe(0);
      expect(cur.seekRowid(rowid + 1)).not.toBe(0);
      expect(cur.seekRowid(rowid + 2)).toBe(0);
      expect(cur.rowid()).toBe(rowid + 2);
      cur.delete();
      model.delete(rowid + 2);
      expect(cur.next()).toBe(true);
      expect(cur.rowid()).toBe(rowid + 4);
    }
    const seen: number[] = [];
    for (let ok = cur.first(); ok; ok = cur.next()) seen.push(cur.rowid() as number);
    expect(seen).toEqual([...model].sort((a, b) => a - b));
    cur.close();
    bt.commit();
    expect(checkIntegrity(bt, { roots: [root] })).toEqual([]);
    bt.close();
  });
});
