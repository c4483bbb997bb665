/**
 * AUTOINCREMENT: `sqlite_sequence(name, seq)` remembers the largest rowid each AUTOINCREMENT table has
 * ever had, so an INSERT never reuses the rowid of a deleted row. The table is created (as SQLite
 * creates it) with the first AUTOINCREMENT table; a table's row appears with its first INSERT.
 *
 * An INSERT reads the table's `seq` when it starts, picks new rowids above both it and the largest
 * rowid present, and writes the largest rowid it inserted back when it ends, if that is larger.
 * UPDATE never changes `seq`, as in SQLite; DROP TABLE deletes the table's row, ALTER TABLE … RENAME TO
 * renames it.
 */
import type { Btree } from '../btree/btree.js';
import type { BtCursor } from '../btree/cursor.js';
import { SqliteError } from '../common/errors.js';
import type { Int64 } from '../record/int64.js';
import { normalizeInt64 } from '../record/int64.js';
import { RecordReader, RecordWriter } from '../record/record.js';
import { ValueType } from '../record/value.js';
import { createTable } from '../schema/schema.js';
import type { Catalog, TableInfo } from '../plan/catalog.js';

export const SEQUENCE_TABLE = 'sqlite_sequence';
const SEQUENCE_SQL = 'CREATE TABLE sqlite_sequence(name,seq)';
const INT64_MAX = 9223372036854775807n;

/** Creates `sqlite_sequence` unless the catalog already has it. */
export function ensureSequenceTable(bt: Btree, catalog: Catalog): void {
  if (!catalog.hasTable(SEQUENCE_TABLE)) createTable(bt, SEQUENCE_TABLE, SEQUENCE_SQL);
}

/** Finds the `sqlite_sequence` row of `name`: positions `cursor` on it and returns its seq, else null. */
function findRow(cursor: BtCursor, reader: RecordReader, name: string): Int64 | null {
  for (let ok = cursor.first(); ok; ok = cursor.next()) {
    const payload = cursor.payload();
    reader.init(payload, 0, payload.length);
    if (reader.type(0) === ValueType.Text && reader.getText(0) === name) {
      const t = reader.type(1);
      return t === ValueType.Integer ? reader.getInt(1) : t === ValueType.Real ? Math.trunc(reader.getReal(1)) : 0;
    }
  }
  return null;
}

/** Deletes the `sqlite_sequence` row of `name`, if the table and the row exist. */
export function forgetSequence(bt: Btree, catalog: Catalog, name: string): void {
  const sequence = catalog.table(SEQUENCE_TABLE);
  if (!sequence) return;
  const cursor = bt.cursor(sequence.root);
  try {
    if (findRow(cursor, new RecordReader(), name) !== null) cursor.delete();
  } finally {
    cursor.close();
  }
}

/** Renames the `sqlite_sequence` row of `name` (ALTER TABLE … RENAME TO), if the table and the row exist. */
export function renameSequence(bt: Btree, catalog: Catalog, name: string, newName: string): void {
  const sequence = catalog.table(SEQUENCE_TABLE);
  if (!sequence) return;
  const cursor = bt.cursor(sequence.root);
  try {
    const seq = findRow(cursor, new RecordReader(), name);
    if (seq === null) return;
    const writer = new RecordWriter();
    writer.pushText(newName);
    writer.pushInt(seq);
    cursor.insert(cursor.rowid(), writer.toBytes());
  } finally {
    cursor.close();
  }
}

/** The AUTOINCREMENT counter of one table during one INSERT. */
export class Autoincrement {
  private readonly reader = new RecordReader();
  /** The seq stored when the statement began (-1 when there was no row). */
  private stored: Int64 = -1;
  /** The largest rowid known: stored seq and rows inserted. */
  private largest: Int64 = 0;

  constructor(
    private readonly table: TableInfo,
    private readonly sequence: TableInfo,
  ) {}

  /** Reads the table's seq. */
  begin(bt: Btree): void {
    const cursor = bt.cursor(this.sequence.root);
    try {
      const seq = findRow(cursor, this.reader, this.table.name);
      this.stored = seq ?? -1;
      this.largest = seq !== null && seq > 0 ? seq : 0;
    } finally {
      cursor.close();
    }
  }

  /** The rowid for a row given none, where `next` is one past the largest rowid present. */
  nextRowid(next: Int64): Int64 {
    if (next > this.largest) return next;
    if (BigInt(this.largest) >= INT64_MAX) throw new SqliteError('SQLITE_FULL', 'database or disk is full');
    return normalizeInt64(BigInt(this.largest) + 1n);
  }

  /** Notes a rowid the statement gave a new row. */
  inserted(rowid: Int64): void {
    if (rowid > this.largest) this.largest = rowid;
  }

  /** Writes the largest rowid back when it grew (adding the table's row on its first INSERT). */
  end(bt: Btree): void {
    if (this.largest <= this.stored || (this.stored === -1 && this.largest === 0)) return;
    const cursor = bt.cursor(this.sequence.root);
    try {
      const exists = findRow(cursor, this.reader, this.table.name) !== null;
      const rowid = exists ? cursor.rowid() : cursor.last() ? normalizeInt64(BigInt(cursor.rowid()) + 1n) : 1;
      const writer = new RecordWriter();
      writer.pushText(this.table.name);
      writer.pushInt(this.largest);
      cursor.insert(rowid, writer.toBytes());
    } finally {
      cursor.close();
    }
  }
}
