/**
 * ANALYZE: writes `sqlite_stat1(tbl, idx, stat)` rows as SQLite does (sqlite.org/fileformat2.html
 * §2.6.3), creating the table first if needed. For each index of an analyzed table with rows, `stat` is
 * "N a1 … ak": N the index's entries, ai the average number of entries sharing the values of its first i
 * columns, rounded up ((N + D - 1) / D over D distinct prefixes, NULLs equal to each other, under the
 * columns' collations). A table with rows but no index gets one row "N" with idx NULL; an empty table
 * gets none. The rows of the analyzed tables (or index) are replaced; tables are visited newest first
 * and each table's indexes newest first (REPLACE ones last), the order SQLite writes them in.
 * `sqlite_` tables are not analyzed. The planner does not read the statistics yet.
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError } from '../common/errors.js';
import { UnpackedKey, compareKeyToRecord } from '../record/compare.js';
import type { Int64 } from '../record/int64.js';
import { RecordReader, RecordWriter } from '../record/record.js';
import { ValueType } from '../record/value.js';
import { createTable } from '../schema/schema.js';
import type { AnalyzeStmt } from '../sql/ast.js';
import type { Catalog, IndexInfo, TableInfo } from '../plan/catalog.js';
import { type CompileEnv, type Program, writeProgram } from './program.js';
import { RowScope } from './rowscope.js';
import { IndexWriter, type WriteContext } from './rowwrite.js';

const STAT1 = 'sqlite_stat1';
const STAT1_SQL = 'CREATE TABLE sqlite_stat1(tbl,idx,stat)';

/** What one ANALYZE covers: whole tables, or one index. */
interface Scope {
  tables: TableInfo[];
  index: IndexInfo | null;
}

export function compileAnalyze(stmt: AnalyzeStmt, env: CompileEnv): Program {
  const catalog = env.catalog;
  const scope = analyzed(stmt, catalog);
  const cx: WriteContext = { bindings: env.bindings, functions: env.functions };
  return writeProgram((bt) => {
    const root = catalog.table(STAT1)?.root ?? createTable(bt, STAT1, STAT1_SQL);
    const names = new Set(scope.tables.map((t) => t.name.toLowerCase()));
    removeRows(bt, root, (tbl, idx) => (scope.index ? idx !== null && idx.toLowerCase() === scope.index.name.toLowerCase() : names.has(tbl.toLowerCase())));
    const rows: [string, string | null, string][] = [];
    for (const table of scope.tables) {
      const indexes = scope.index ? [scope.index] : checkOrder(table.indexes);
      const count = countRows(bt, table.root);
      if (count === 0) continue;
      if (indexes.length === 0) rows.push([table.name, null, String(count)]);
      for (const index of indexes) {
        const stat = indexStat(bt, new IndexWriter(index, table, new RowScope(table), cx));
        if (stat !== null) rows.push([table.name, index.name, stat]);
      }
    }
    appendRows(bt, root, rows);
  });
}

/** The tables (or index) an ANALYZE statement names, newest table first. */
function analyzed(stmt: AnalyzeStmt, catalog: Catalog): Scope {
  const all = (): TableInfo[] =>
    catalog
      .allTables()
      .filter((t) => !t.name.toLowerCase().startsWith('sqlite_'))
      .reverse();
  if (!stmt.name) return { tables: all(), index: null };
  const name = stmt.name.name;
  if (stmt.schema) {
    if (stmt.schema.name.toLowerCase() !== 'main') throw new SqliteError('SQLITE_ERROR', `unknown database ${stmt.schema.name}`);
  } else if (name.toLowerCase() === 'main') return { tables: all(), index: null };
  const table = catalog.table(name);
  if (table) return { tables: table.name.toLowerCase().startsWith('sqlite_') ? [] : [table], index: null };
  const index = catalog.index(name);
  if (index) return { tables: [catalog.table(index.table)!], index };
  throw new SqliteError('SQLITE_ERROR', `no such table: ${name}`);
}

/** A table's indexes in the order SQLite keeps them: newest first, REPLACE ones after the others. */
function checkOrder(indexes: IndexInfo[]): IndexInfo[] {
  const newest = [...indexes].reverse();
  return [...newest.filter((ix) => ix.onConflict !== 'REPLACE'), ...newest.filter((ix) => ix.onConflict === 'REPLACE')];
}

function countRows(bt: Btree, root: number): number {
  const cursor = bt.cursor(root);
  let n = 0;
  try {
    for (let ok = cursor.first(); ok; ok = cursor.next()) n++;
  } finally {
    cursor.close();
  }
  return n;
}

/** The stat of one index, or null when it has no entries. */
function indexStat(bt: Btree, writer: IndexWriter): string | null {
  const k = writer.info.columns.length;
  const keyInfo = writer.keyInfo;
  const distinct = new Array<number>(k).fill(0);
  const previous = new UnpackedKey();
  let held: Uint8Array | null = null;
  let entries = 0;
  const cursor = bt.cursor(writer.info.root, keyInfo);
  try {
    for (let ok = cursor.first(); ok; ok = cursor.next()) {
      const payload = cursor.payload();
      entries++;
      // The first column where this entry differs from the one before: every longer prefix is new too.
      let from = 0;
      if (held) {
        previous.fromRecord(held, 0, held.length);
        while (from < k) {
          previous.nField = from + 1;
          if (compareKeyToRecord(previous, payload, 0, payload.length, keyInfo) !== 0) break;
          from++;
        }
      }
      for (let i = from; i < k; i++) distinct[i]!++;
      held = payload.slice();
    }
  } finally {
    cursor.close();
  }
  if (entries === 0) return null;
  return [entries, ...distinct.map((d) => Math.floor((entries + d - 1) / d))].join(' ');
}

/** Deletes the rows of sqlite_stat1 that `match` (tbl, idx) selects. */
function removeRows(bt: Btree, root: number, match: (tbl: string, idx: string | null) => boolean): void {
  const reader = new RecordReader();
  const cursor = bt.cursor(root);
  const doomed: Int64[] = [];
  try {
    for (let ok = cursor.first(); ok; ok = cursor.next()) {
      const payload = cursor.payload();
      reader.init(payload, 0, payload.length);
      if (reader.type(0) !== ValueType.Text) continue;
      const idx = reader.type(1) === ValueType.Text ? reader.getText(1) : null;
      if (match(reader.getText(0), idx)) doomed.push(cursor.rowid());
    }
    for (const rowid of doomed) if (cursor.seekRowid(rowid) === 0) cursor.delete();
  } finally {
    cursor.close();
  }
}

/** Appends rows to sqlite_stat1, each with the next rowid. */
function appendRows(bt: Btree, root: number, rows: [string, string | null, string][]): void {
  const writer = new RecordWriter();
  const cursor = bt.cursor(root);
  try {
    let rowid: Int64 = cursor.last() ? cursor.rowid() : 0;
    for (const [tbl, idx, stat] of rows) {
      writer.reset();
      writer.pushText(tbl);
      if (idx === null) writer.pushNull();
      else writer.pushText(idx);
      writer.pushText(stat);
      rowid = typeof rowid === 'number' ? rowid + 1 : rowid + 1n;
      cursor.insert(rowid, writer.toBytes());
    }
  } finally {
    cursor.close();
  }
}

