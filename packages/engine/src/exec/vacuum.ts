/**
 * VACUUM: rebuilds the database compactly. A fresh database image is built in memory — the schema rows
 * and every B-tree copied over in the order SQLite's VACUUM creates them (tables with their automatic
 * indexes, sqlite_sequence with the first AUTOINCREMENT table, then the other indexes, then views and
 * triggers), rows and index entries copied as stored — and its pages then replace the database's, inside
 * the statement's write transaction, the file shrinking to the new page count. The new image has no
 * free pages and its trees are packed in order.
 *
 * The database header keeps its own fields (change counter, journal mode versions, user version,
 * application id, …) except the freelist (now empty), the page count, and the schema cookie, which
 * grows by one since root pages moved. VACUUM INTO is not supported yet.
 */
import { Btree } from '../btree/btree.js';
import { SqliteError, notSupported } from '../common/errors.js';
import { H, put32 } from '../pager/header.js';
import type { SchemaEntry } from '../schema/schema.js';
import { addSchemaEntry, readSchema } from '../schema/schema.js';
import type { VacuumStmt } from '../sql/ast.js';
import type { Catalog } from '../plan/catalog.js';
import { MemoryVfs } from '../vfs/memory.js';
import { type CompileEnv, type Program, writeProgram } from './program.js';
import { RowScope } from './rowscope.js';
import { IndexWriter } from './rowwrite.js';

/** Size of the database header at the start of page 1. */
const HEADER_SIZE = 100;

export function compileVacuum(stmt: VacuumStmt, env: CompileEnv): Program {
  if (stmt.into) throw notSupported('VACUUM INTO');
  if (stmt.schema && stmt.schema.name.toLowerCase() !== 'main') throw new SqliteError('SQLITE_ERROR', `unknown database ${stmt.schema.name}`);
  const connection = env.connection;
  const catalog = env.catalog;
  const cx = { bindings: env.bindings, functions: env.functions };
  return writeProgram((bt) => {
    if (connection?.inTransaction) throw new SqliteError('SQLITE_ERROR', 'cannot VACUUM from within a transaction');
    if (bt.pager.pageCount === 0) return;
    const image = Btree.open(new MemoryVfs(), 'vacuum.db', { pageSize: bt.pager.pageSize, journalMode: 'delete' });
    try {
      image.beginWrite();
      copyDatabase(bt, image, catalog, cx);
      replacePages(bt, image);
      image.rollback();
    } finally {
      image.close();
    }
  });
}

/** The schema rows in the order SQLite's VACUUM creates them. */
function vacuumOrder(entries: SchemaEntry[]): SchemaEntry[] {
  const lower = (s: string): string => s.toLowerCase();
  const ordered: SchemaEntry[] = [];
  const sequence = entries.find((e) => e.type === 'table' && lower(e.name) === 'sqlite_sequence');
  for (const table of entries) {
    if (table.type !== 'table' || table === sequence || table.rootpage === 0) continue;
    ordered.push(table);
    ordered.push(...entries.filter((e) => e.type === 'index' && e.sql === null && lower(e.tblName) === lower(table.name)));
    if (sequence && !ordered.includes(sequence) && /\bautoincrement\b/i.test(table.sql ?? '')) ordered.push(sequence);
  }
  if (sequence && !ordered.includes(sequence)) ordered.push(sequence);
  ordered.push(...entries.filter((e) => e.type === 'index' && e.sql !== null));
  ordered.push(...entries.filter((e) => !ordered.includes(e)));
  return ordered;
}

/** Copies the schema and every B-tree of `from` into the empty database `to`. */
function copyDatabase(from: Btree, to: Btree, catalog: Catalog, cx: ConstructorParameters<typeof IndexWriter>[3]): void {
  for (const field of [H.schemaFormat, H.textEncoding, H.defaultCacheSize, H.userVersion, H.incrementalVacuum, H.applicationId]) {
    to.setMeta(field, from.getMeta(field));
  }
  for (const entry of vacuumOrder(readSchema(from))) {
    const copy = { ...entry };
    if (entry.rootpage !== 0) {
      copy.rootpage = to.createTree(entry.type === 'index' ? 'index' : 'table');
      if (entry.type === 'index') copyIndex(from, to, entry, copy.rootpage, catalog, cx);
      else copyTable(from, to, entry.rootpage, copy.rootpage);
    }
    addSchemaEntry(to, copy);
  }
}

function copyTable(from: Btree, to: Btree, root: number, newRoot: number): void {
  const source = from.cursor(root);
  const target = to.cursor(newRoot);
  try {
    for (let ok = source.first(); ok; ok = source.next()) target.insert(source.rowid(), source.payload().slice());
  } finally {
    source.close();
    target.close();
  }
}

function copyIndex(from: Btree, to: Btree, entry: SchemaEntry, newRoot: number, catalog: Catalog, cx: ConstructorParameters<typeof IndexWriter>[3]): void {
  const info = catalog.index(entry.name);
  const table = catalog.table(entry.tblName);
  if (!info || !table) throw new SqliteError('SQLITE_CORRUPT', `database disk image is malformed: index ${entry.name} is not in the schema`);
  const keyInfo = new IndexWriter(info, table, new RowScope(table), cx).keyInfo;
  const source = from.cursor(entry.rootpage, keyInfo);
  const target = to.cursor(newRoot, keyInfo);
  try {
    for (let ok = source.first(); ok; ok = source.next()) target.insertKey(source.payload().slice());
  } finally {
    source.close();
    target.close();
  }
}

/** Replaces the pages of `bt` by those of `image`, keeping `bt`'s own header fields. */
function replacePages(bt: Btree, image: Btree): void {
  const pager = bt.pager;
  const count = image.pager.pageCount;
  const cookie = bt.getMeta(H.schemaCookie) + 1;
  for (let pgno = 1; pgno <= count; pgno++) {
    const source = image.pager.get(pgno);
    const page = pgno <= pager.pageCount ? pager.get(pgno) : pager.append();
    try {
      pager.write(page);
      if (pgno === 1) {
        const header = page.data.slice(0, HEADER_SIZE);
        page.data.set(source.data);
        page.data.set(header);
        put32(page.data, H.freelistTrunk, 0);
        put32(page.data, H.freelistCount, 0);
        put32(page.data, H.schemaCookie, cookie);
      } else {
        page.data.set(source.data);
      }
    } finally {
      pager.release(page);
      image.pager.release(source);
    }
  }
  if (count < pager.pageCount) pager.truncate(count);
}
