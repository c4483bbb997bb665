/**
 * The schema table, `sqlite_schema` (sqlite.org/fileformat2.html §2.6): the table B-tree rooted at
 * page 1 with one row per table, index, view and trigger. This module reads and changes its rows at
 * the storage level only; it never parses the SQL text it stores.
 *
 * Each row is the record (type TEXT, name TEXT, tbl_name TEXT, rootpage INTEGER, sql TEXT|NULL), laid
 * out byte for byte as SQLite writes it: views and triggers have rootpage 0, and the indexes SQLite
 * creates for UNIQUE and PRIMARY KEY constraints (`sqlite_autoindex_*`) have a NULL sql.
 *
 * Invariants kept by every change: a new row's rowid is one more than the largest (so rows stay in
 * creation order, which SQLite relies on when it loads the schema); the schema cookie (header offset
 * 40) grows by one with each change, which is how other connections learn that their cached schema
 * is stale; the schema format number is 4 once the schema has a row. Names compare as SQLite compares
 * identifiers: ignoring the case of ASCII letters only.
 */
import { SqliteError, corrupt } from '../common/errors.js';
import type { Btree } from '../btree/btree.js';
import { H } from '../pager/header.js';
import { normalizeInt64, type Int64 } from '../record/int64.js';
import { RecordReader, RecordWriter } from '../record/record.js';
import { ValueType } from '../record/value.js';

/** One row of `sqlite_schema`. */
export interface SchemaEntry {
  type: 'table' | 'index' | 'view' | 'trigger';
  name: string;
  /** The table the entry belongs to: a table's (or view's) own name, an index's or trigger's table. */
  tblName: string;
  /** Root page of the entry's B-tree; 0 for views, triggers and virtual tables. */
  rootpage: number;
  /** The CREATE statement; null for the automatic indexes of UNIQUE and PRIMARY KEY constraints. */
  sql: string | null;
}

/** Root page of `sqlite_schema`. */
const SCHEMA_ROOT = 1;
/** The schema format number SQLite writes into new databases. */
const SCHEMA_FORMAT = 4;
/** The header's text encoding value for UTF-8. */
const UTF8 = 1;

const ENTRY_TYPES: ReadonlySet<string> = new Set(['table', 'index', 'view', 'trigger']);

/** Whether two identifiers are equal ignoring the case of ASCII letters (SQLite's sqlite3StrICmp). */
function sameName(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}

/** Decodes one schema row, rejecting any that SQLite could not have written. */
function decodeEntry(reader: RecordReader, rowid: Int64): SchemaEntry {
  const where = `sqlite_schema row ${rowid}`;
  for (const i of [0, 1, 2]) {
    if (reader.type(i) !== ValueType.Text) throw corrupt(`${where}: column ${i} is not TEXT`);
  }
  if (reader.type(3) !== ValueType.Integer) throw corrupt(`${where}: rootpage is not an INTEGER`);
  const sqlType = reader.type(4);
  if (sqlType !== ValueType.Text && sqlType !== ValueType.Null) throw corrupt(`${where}: sql is neither TEXT nor NULL`);
  const type = reader.getText(0);
  if (!ENTRY_TYPES.has(type)) throw corrupt(`${where}: unknown type '${type}'`);
  if (sqlType === ValueType.Null && type !== 'index') throw corrupt(`${where}: sql is NULL for a ${type}`);
  const rootpage = reader.getInt(3);
  if (typeof rootpage !== 'number' || rootpage < 0 || rootpage > 0xffffffff) {
    throw corrupt(`${where}: rootpage ${rootpage} is out of range`);
  }
  return {
    type: type as SchemaEntry['type'],
    name: reader.getText(1),
    tblName: reader.getText(2),
    rootpage,
    sql: sqlType === ValueType.Null ? null : reader.getText(4),
  };
}

/**
 * Every row of `sqlite_schema`, in rowid order; none for an empty (never written) database file. Call
 * inside a read or write transaction.
 */
export function readSchema(bt: Btree): SchemaEntry[] {
  const entries: SchemaEntry[] = [];
  if (bt.pager.pageCount === 0) return entries;
  const reader = new RecordReader();
  const cur = bt.cursor(SCHEMA_ROOT);
  try {
    for (let ok = cur.first(); ok; ok = cur.next()) {
      const payload = cur.payload();
      reader.init(payload, 0, payload.length);
      entries.push(decodeEntry(reader, cur.rowid()));
    }
  } finally {
    cur.close();
  }
  return entries;
}

/**
 * Throws the error SQLite raises when `entry`'s name is taken in `entries`: tables, views and indexes
 * share one namespace, triggers have their own.
 */
function checkNameFree(entries: readonly SchemaEntry[], entry: SchemaEntry): void {
  const isTrigger = entry.type === 'trigger';
  const existing = entries.find((e) => (e.type === 'trigger') === isTrigger && sameName(e.name, entry.name));
  if (!existing) return;
  let message: string;
  if (isTrigger) message = `trigger ${entry.name} already exists`;
  else if (entry.type === 'index') {
    message = existing.type === 'index' ? `index ${entry.name} already exists` : `there is already a table named ${entry.name}`;
  } else if (existing.type === 'index') message = `there is already an index named ${entry.name}`;
  else message = `${existing.type} ${entry.name} already exists`;
  throw new SqliteError('SQLITE_ERROR', message);
}

function bumpSchemaCookie(bt: Btree): void {
  bt.setMeta(H.schemaCookie, bt.getMeta(H.schemaCookie) + 1);
}

/** Appends `e` as the row after the last one, with no name check. */
/** The record of a schema row. */
function encodeEntry(e: SchemaEntry): Uint8Array {
  const writer = new RecordWriter();
  writer.pushText(e.type);
  writer.pushText(e.name);
  writer.pushText(e.tblName);
  writer.pushInt(e.rootpage);
  if (e.sql === null) writer.pushNull();
  else writer.pushText(e.sql);
  return writer.toBytes();
}

function insertEntry(bt: Btree, e: SchemaEntry): void {
  const cur = bt.cursor(SCHEMA_ROOT);
  try {
    const rowid = cur.last() ? normalizeInt64(BigInt(cur.rowid()) + 1n) : 1;
    cur.insert(rowid, encodeEntry(e));
  } finally {
    cur.close();
  }
  // A database whose schema was empty may not have its format and encoding set yet (SQLite leaves
  // them 0 until the first CREATE); set them as SQLite's first CREATE does.
  if (bt.getMeta(H.schemaFormat) === 0) {
    bt.setMeta(H.schemaFormat, SCHEMA_FORMAT);
    if (bt.getMeta(H.textEncoding) === 0) bt.setMeta(H.textEncoding, UTF8);
  }
  bumpSchemaCookie(bt);
}

/**
 * Adds a row to `sqlite_schema` with the next rowid and bumps the schema cookie. Throws SQLITE_ERROR,
 * worded as SQLite's, when the name is taken. Call inside a write transaction.
 */
export function addSchemaEntry(bt: Btree, e: SchemaEntry): void {
  checkNameFree(readSchema(bt), e);
  insertEntry(bt, e);
}

/**
 * Deletes the row of the `type` object called `name` and bumps the schema cookie. The object's B-tree,
 * if any, is left to the caller (`Btree.dropTree`). Throws SQLITE_ERROR when there is no such row.
 * Call inside a write transaction.
 */
export function removeSchemaEntry(bt: Btree, type: SchemaEntry['type'], name: string): void {
  const reader = new RecordReader();
  const cur = bt.cursor(SCHEMA_ROOT);
  let found = false;
  try {
    for (let ok = cur.first(); ok; ok = cur.next()) {
      const payload = cur.payload();
      reader.init(payload, 0, payload.length);
      const entry = decodeEntry(reader, cur.rowid());
      if (entry.type === type && sameName(entry.name, name)) {
        cur.delete();
        found = true;
        break;
      }
    }
  } finally {
    cur.close();
  }
  if (!found) throw new SqliteError('SQLITE_ERROR', `no such ${type}: ${name}`);
  bumpSchemaCookie(bt);
}

/**
 * Creates an empty rowid table: a new table B-tree and its schema row (`sql` is its CREATE TABLE
 * statement, stored as given). Returns the root page. Call inside a write transaction.
 */
export function createTable(bt: Btree, name: string, sql: string): number {
  const entry: SchemaEntry = { type: 'table', name, tblName: name, rootpage: 0, sql };
  checkNameFree(readSchema(bt), entry);
  entry.rootpage = bt.createTree('table');
  insertEntry(bt, entry);
  return entry.rootpage;
}

/**
 * Creates an empty index on `table`: a new index B-tree and its schema row. `sql` is the CREATE INDEX
 * statement, or null for the automatic index of a UNIQUE or PRIMARY KEY constraint. The row's tbl_name
 * is the table's name as its own schema row spells it. Throws SQLITE_ERROR when `table` is not a table.
 * Returns the root page. Call inside a write transaction.
 */
export function createIndex(bt: Btree, name: string, table: string, sql: string | null): number {
  const entries = readSchema(bt);
  const owner = entries.find((e) => e.type === 'table' && sameName(e.name, table));
  if (!owner) throw new SqliteError('SQLITE_ERROR', `no such table: ${table}`);
  const entry: SchemaEntry = { type: 'index', name, tblName: owner.name, rootpage: 0, sql };
  checkNameFree(entries, entry);
  entry.rootpage = bt.createTree('index');
  insertEntry(bt, entry);
  return entry.rootpage;
}

/**
 * Rewrites rows of `sqlite_schema` in place (each keeps its rowid): `change` returns the new row, or
 * null to leave the row as it is. Bumps the schema cookie when any row changed. Call inside a write
 * transaction.
 */
export function rewriteSchemaEntries(bt: Btree, change: (entry: SchemaEntry) => SchemaEntry | null): void {
  const reader = new RecordReader();
  const cur = bt.cursor(SCHEMA_ROOT);
  const updates: [Int64, SchemaEntry][] = [];
  try {
    for (let ok = cur.first(); ok; ok = cur.next()) {
      const payload = cur.payload();
      reader.init(payload, 0, payload.length);
      const rowid = cur.rowid();
      const changed = change(decodeEntry(reader, rowid));
      if (changed) updates.push([rowid, changed]);
    }
    for (const [rowid, e] of updates) cur.insert(rowid, encodeEntry(e));
  } finally {
    cur.close();
  }
  if (updates.length > 0) bumpSchemaCookie(bt);
}
