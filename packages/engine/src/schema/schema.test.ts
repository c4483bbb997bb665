// Unit tests of the sqlite_schema storage API on an in-memory file; interop with SQLite itself is in
// test/interop.test.ts.
import { describe, expect, it } from 'vitest';
import { Btree } from '../btree/btree.js';
import { H } from '../pager/header.js';
import { decodeRecord, encodeRecord } from '../record/record.js';
import type { SqlValue } from '../record/value.js';
import { MemoryVfs } from '../vfs/memory.js';
import { addSchemaEntry, createIndex, createTable, readSchema, removeSchemaEntry, type SchemaEntry } from './schema.js';

function fresh(): Btree {
  return Btree.open(new MemoryVfs(), 's.db', { pageSize: 1024 });
}

describe('sqlite_schema', () => {
  it('creates tables and indexes with SQLite-shaped rows, in rowid order', () => {
    const bt = fresh();
    bt.beginWrite();
    expect(readSchema(bt)).toEqual([]);
    const t = createTable(bt, 'Things', 'CREATE TABLE Things(a, b)');
    const i = createIndex(bt, 'things_a', 'THINGS', 'CREATE INDEX things_a ON THINGS(a)');
    const auto = createIndex(bt, 'sqlite_autoindex_Things_1', 'things', null);
    bt.commit();
    expect([t, i, auto]).toEqual([2, 3, 4]);
    bt.beginRead();
    expect(readSchema(bt)).toEqual([
      { type: 'table', name: 'Things', tblName: 'Things', rootpage: 2, sql: 'CREATE TABLE Things(a, b)' },
      { type: 'index', name: 'things_a', tblName: 'Things', rootpage: 3, sql: 'CREATE INDEX things_a ON THINGS(a)' },
      { type: 'index', name: 'sqlite_autoindex_Things_1', tblName: 'Things', rootpage: 4, sql: null },
    ]);
    const cur = bt.cursor(1);
    const rows: unknown[] = [];
    for (let ok = cur.first(); ok; ok = cur.next()) rows.push([cur.rowid(), ...decodeRecord(cur.payload())]);
    cur.close();
    expect(rows[2]).toEqual([3, 'index', 'sqlite_autoindex_Things_1', 'Things', 4, null]);
    expect(bt.getMeta(H.schemaCookie)).toBe(3);
    expect(bt.getMeta(H.schemaFormat)).toBe(4);
    bt.endRead();
    bt.close();
  });

  it('reads an empty schema from a database file that was never written', () => {
    const bt = fresh();
    bt.beginRead();
    expect(readSchema(bt)).toEqual([]);
    bt.endRead();
    bt.close();
  });

  it('bumps the cookie on every change and matches names ignoring ASCII case only', () => {
    const bt = fresh();
    bt.beginWrite();
    createTable(bt, 't', 'CREATE TABLE t(x)');
    addSchemaEntry(bt, { type: 'view', name: 'v', tblName: 'v', rootpage: 0, sql: 'CREATE VIEW v AS SELECT x FROM t' });
    const sql = 'CREATE TRIGGER v AFTER INSERT ON t BEGIN SELECT 1; END';
    addSchemaEntry(bt, { type: 'trigger', name: 'v', tblName: 't', rootpage: 0, sql });
    expect(bt.getMeta(H.schemaCookie)).toBe(3);
    removeSchemaEntry(bt, 'view', 'V');
    expect(bt.getMeta(H.schemaCookie)).toBe(4);
    expect(readSchema(bt).map((e) => `${e.type}:${e.name}`)).toEqual(['table:t', 'trigger:v']);
    expect(() => removeSchemaEntry(bt, 'index', 't')).toThrow('no such index: t');
    createTable(bt, 'é', 'CREATE TABLE é(x)');
    expect(() => removeSchemaEntry(bt, 'table', 'É')).toThrow('no such table: É');
    expect(bt.getMeta(H.schemaCookie)).toBe(5);
    bt.commit();
    bt.close();
  });

  it('gives a new row the rowid after the largest, even after deletes', () => {
    const bt = fresh();
    bt.beginWrite();
    createTable(bt, 'a', 'CREATE TABLE a(x)');
    createTable(bt, 'b', 'CREATE TABLE b(x)');
    removeSchemaEntry(bt, 'table', 'b');
    createTable(bt, 'c', 'CREATE TABLE c(x)');
    const cur = bt.cursor(1);
    const rowids: unknown[] = [];
    for (let ok = cur.first(); ok; ok = cur.next()) rowids.push(cur.rowid());
    cur.close();
    expect(rowids).toEqual([1, 2]);
    bt.commit();
    bt.close();
  });

  it("rejects taken names with SQLite's messages and leaves the file unchanged", () => {
    const bt = fresh();
    bt.beginWrite();
    createTable(bt, 't', 'CREATE TABLE t(x)');
    createIndex(bt, 'i', 't', 'CREATE INDEX i ON t(x)');
    addSchemaEntry(bt, { type: 'view', name: 'v', tblName: 'v', rootpage: 0, sql: 'CREATE VIEW v AS SELECT 1' });
    const pages = bt.pager.pageCount;
    expect(() => createTable(bt, 'T', 'CREATE TABLE T(y)')).toThrow('table T already exists');
    expect(() => createTable(bt, 'V', 'CREATE TABLE V(y)')).toThrow('view V already exists');
    expect(() => createTable(bt, 'I', 'CREATE TABLE I(y)')).toThrow('there is already an index named I');
    expect(() => createIndex(bt, 'I', 't', 'CREATE INDEX I ON t(x)')).toThrow('index I already exists');
    expect(() => createIndex(bt, 't', 't', 'CREATE INDEX t ON t(x)')).toThrow('there is already a table named t');
    expect(() => createIndex(bt, 'j', 'v', 'CREATE INDEX j ON v(x)')).toThrow('no such table: v');
    expect(() => createIndex(bt, 'j', 'nope', 'CREATE INDEX j ON nope(x)')).toThrow('no such table: nope');
    const trigger = (name: string): SchemaEntry => {
      return { type: 'trigger', name, tblName: 't', rootpage: 0, sql: `CREATE TRIGGER ${name} DELETE ON t BEGIN SELECT 1; END` };
    };
    addSchemaEntry(bt, trigger('t'));
    expect(() => addSchemaEntry(bt, trigger('T'))).toThrow('trigger T already exists');
    expect(bt.pager.pageCount).toBe(pages);
    expect(bt.getMeta(H.schemaCookie)).toBe(4);
    bt.commit();
    bt.close();
  });

  it('sets the format and encoding of a file whose schema was never written', () => {
    const bt = fresh();
    bt.beginWrite();
    bt.setMeta(H.schemaFormat, 0);
    bt.setMeta(H.textEncoding, 0);
    createTable(bt, 't', 'CREATE TABLE t(x)');
    expect(bt.getMeta(H.schemaFormat)).toBe(4);
    expect(bt.getMeta(H.textEncoding)).toBe(1);
    bt.commit();
    bt.close();
  });

  it('reports a malformed schema row as corruption', () => {
    const bad: [unknown[], RegExp][] = [
      [['widget', 'x', 'x', 2, 'CREATE TABLE x(a)'], /row 1: unknown type 'widget'/],
      [['table', 'x', 'x', '2', 'CREATE TABLE x(a)'], /row 1: rootpage is not an INTEGER/],
      [['table', 'x', 'x', -2, 'CREATE TABLE x(a)'], /row 1: rootpage -2 is out of range/],
      [['table', 7, 'x', 2, 'CREATE TABLE x(a)'], /row 1: column 1 is not TEXT/],
      [['table', 'x', 'x', 2, new Uint8Array(1)], /row 1: sql is neither TEXT nor NULL/],
      [['table', 'x', 'x', 2], /row 1: sql is NULL for a table/],
      [['view', 'x', 'x', 0, null], /row 1: sql is NULL for a view/],
    ];
    for (const [values, message] of bad) {
      const bt = fresh();
      bt.beginWrite();
      const cur = bt.cursor(1);
      cur.insert(1, encodeRecord(values as SqlValue[]));
      cur.close();
      expect(() => readSchema(bt)).toThrow(message);
      bt.rollback();
      bt.close();
    }
  });
});
