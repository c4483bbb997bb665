/**
 * PRAGMA foreign_key_list(table) and PRAGMA foreign_key_check[(table)], with SQLite's columns. Both
 * work whether or not foreign keys are enforced. foreign_key_check reports, table by table (the newest
 * first, as SQLite's schema hash lists a small schema) and row by row in rowid order, each foreign key
 * whose child key has no NULL and no parent row; a missing parent table has no rows. A parent key that
 * is neither PRIMARY KEY nor UNIQUE is SQLite's "foreign key mismatch" error.
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError } from '../common/errors.js';
import type { Catalog, TableInfo } from '../plan/catalog.js';
import { mismatch, resolveParentKey } from '../plan/foreign-keys.js';
import { RecordReader } from '../record/record.js';
import { type SqlValue, ValueType } from '../record/value.js';
import { ParentLookup } from './foreign-keys.js';
import { RowImage } from './rowscope.js';
import { treeOf } from './schemas.js';

/** A result row: values with their storage classes. */
export interface PragmaRow {
  types: Uint8Array;
  values: SqlValue[];
}

function row(cells: [ValueType, SqlValue][]): PragmaRow {
  return { types: Uint8Array.from(cells.map((c) => c[0])), values: cells.map((c) => c[1]) };
}

export const FOREIGN_KEY_LIST_COLUMNS = ['id', 'seq', 'table', 'from', 'to', 'on_update', 'on_delete', 'match'];
export const FOREIGN_KEY_CHECK_COLUMNS = ['table', 'rowid', 'parent', 'fkid'];

/** PRAGMA foreign_key_list(name): one row per column of each foreign key, the newest key first. */
export function foreignKeyList(catalog: Catalog, name: string, schema: string | undefined): PragmaRow[] {
  const table = catalog.table(name, schema);
  if (!table) return [];
  const rows: PragmaRow[] = [];
  table.foreignKeys.forEach((fk, id) => {
    fk.columns.forEach((c, seq) => {
      const to = fk.parentColumns ? fk.parentColumns[seq]! : null;
      rows.push(
        row([
          [ValueType.Integer, id],
          [ValueType.Integer, seq],
          [ValueType.Text, fk.parent],
          [ValueType.Text, table.columns[c]!.name],
          to === null ? [ValueType.Null, null] : [ValueType.Text, to],
          [ValueType.Text, fk.onUpdate],
          [ValueType.Text, fk.onDelete],
          [ValueType.Text, 'NONE'],
        ]),
      );
    });
  });
  return rows;
}

/** PRAGMA foreign_key_check[(name)] over the tables of `schema` ('main' or 'temp'). */
export function foreignKeyCheck(catalog: Catalog, bt: Btree, name: string | null, schema: 'main' | 'temp'): PragmaRow[] {
  let tables: TableInfo[];
  if (name !== null) {
    const table = catalog.table(name, schema);
    if (!table) throw new SqliteError('SQLITE_ERROR', `no such table: ${name}`);
    tables = [table];
  } else {
    tables = catalog.tablesOf(schema === 'temp').reverse();
  }
  const rows: PragmaRow[] = [];
  for (const table of tables) {
    if (table.foreignKeys.length === 0) continue;
    const lookups = table.foreignKeys.map((fk) => {
      const parent = catalog.table(fk.parent, schema) ?? null;
      const key = parent && resolveParentKey(parent, fk);
      if (parent && !key) throw mismatch(fk);
      return new ParentLookup(fk, table, parent, key);
    });
    const image = new RowImage(table.columns.length);
    const reader = new RecordReader();
    const cursor = treeOf(bt, table).cursor(table.root);
    try {
      for (let ok = cursor.first(); ok; ok = cursor.next()) {
        const rowid = cursor.rowid();
        const payload = cursor.payload();
        reader.init(payload, 0, payload.length);
        image.load(table, rowid, reader);
        lookups.forEach((lookup, fkid) => {
          if (!lookup.orphan(bt, image)) return;
          rows.push(row([[ValueType.Text, table.name], [ValueType.Integer, rowid], [ValueType.Text, lookup.fk.parent], [ValueType.Integer, fkid]]));
        });
      }
    } finally {
      cursor.close();
    }
  }
  return rows;
}
