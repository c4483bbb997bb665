/**
 * Filling a new, empty index from its table (CREATE INDEX, REINDEX) as SQLite does: the entry of every
 * row is collected, the entries are sorted, UNIQUE is checked between neighbours of the sorted stream,
 * and the tree is built bottom-up from it (btree/bulkload.ts) rather than entry by entry.
 *
 * Every entry is computed before any is written, so an error evaluating an expression column or a
 * partial index's WHERE clause is reported before a UNIQUE violation, as in SQLite.
 *
 * Memory: entries are collected in batches of at most BATCH_BYTES. An index that fits one batch (every
 * index up to tens of megabytes of keys) is built in one pass. A larger one is built from its first
 * batch, and each further batch is sorted and then inserted entry by entry, its UNIQUE conflicts found
 * by seeking, so memory stays bounded by the batch size whatever the table's size.
 */
import type { Btree } from '../btree/btree.js';
import { IndexTreeBuilder } from '../btree/bulkload.js';
import type { KeyInfo } from '../record/compare.js';
import { compareRecordRanges } from '../record/compare.js';
import { RecordReader } from '../record/record.js';
import { RecordSorter } from '../record/sorter.js';
import type { TableInfo } from '../plan/catalog.js';
import type { IndexWriter } from './rowwrite.js';
import { RowImage } from './rowscope.js';
import { treeOf } from './schemas.js';

/** Bytes of entries sorted at once. */
const BATCH_BYTES = 64 * 1024 * 1024;

/** Adds an entry for every row of `table` to the new, empty index `writer` keeps. */
export function fillIndex(bt: Btree, table: TableInfo, writer: IndexWriter): void {
  const reader = new RecordReader();
  const row = new RowImage(table.columns.length);
  const sorter = new RecordSorter();
  const cursor = treeOf(bt, table).cursor(table.root);
  const direct = writer.direct;
  let built = false;
  writer.open(bt);
  try {
    for (let ok = cursor.first(); ok; ok = cursor.next()) {
      cursor.readRecord(reader);
      if (direct) {
        writer.buildKeyFromRecord(cursor.rowid(), reader);
      } else {
        row.load(table, cursor.rowid(), reader);
        if (!writer.buildKey(row)) continue;
      }
      sorter.push(writer.entry);
      if (sorter.byteLength >= BATCH_BYTES) {
        writeBatch(bt, writer, sorter, built);
        built = true;
      }
    }
    if (sorter.count > 0) writeBatch(bt, writer, sorter, built);
  } finally {
    cursor.close();
    writer.close();
  }
}

/** Sorts the batch and writes it: as the whole tree when the index is still empty, else entry by entry. */
function writeBatch(bt: Btree, writer: IndexWriter, sorter: RecordSorter, built: boolean): void {
  sorter.sort(writer.keyInfo);
  const bytes = sorter.buffer;
  const n = sorter.count;
  if (built) {
    for (let i = 0; i < n; i++) {
      const key = bytes.subarray(sorter.start(i), sorter.start(i) + sorter.length(i));
      if (writer.info.unique && writer.conflict(key) !== null) throw writer.violation('ABORT');
      writer.insert(key);
    }
  } else {
    if (writer.info.unique) checkUnique(writer, sorter);
    const builder = new IndexTreeBuilder(treeOf(bt, writer.info), writer.info.root);
    for (let i = 0; i < n; i++) builder.add(bytes, sorter.start(i), sorter.length(i));
    builder.finish();
  }
  sorter.clear();
}

/** Throws the index's UNIQUE violation if two sorted neighbours agree on every column, none of them NULL. */
function checkUnique(writer: IndexWriter, sorter: RecordSorter): void {
  const columns = writer.info.columns.length;
  const prefix: KeyInfo = { ...writer.keyInfo, nField: columns };
  const bytes = sorter.buffer;
  const reader = new RecordReader();
  for (let i = 1; i < sorter.count; i++) {
    const a = sorter.start(i - 1);
    const aLen = sorter.length(i - 1);
    if (compareRecordRanges(bytes, a, aLen, bytes, sorter.start(i), sorter.length(i), prefix) !== 0) continue;
    reader.init(bytes, a, aLen);
    let hasNull = false;
    for (let c = 0; c < columns && !hasNull; c++) hasNull = reader.isNull(c);
    if (!hasNull) throw writer.violation('ABORT');
  }
}
