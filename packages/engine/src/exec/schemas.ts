/**
 * Which B-tree holds a schema object. The main schema's objects live in the connection's database (the
 * `Btree` programs are opened with); the temp schema's in its temp database, an in-memory database of
 * its own that the connection opens on first use and registers here under its main `Btree`. Root page
 * numbers are per database, so every cursor on a table or index is opened through `treeOf`.
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError } from '../common/errors.js';

/** Per main B-tree: opens (on first use) and returns the connection's temp database. */
const tempDatabases = new WeakMap<Btree, () => Btree>();

/** Registers how the connection whose database is `main` gets its temp database. */
export function registerTemp(main: Btree, open: () => Btree): void {
  tempDatabases.set(main, open);
}

/** The temp database of the connection whose main database is `main`, opened if need be. */
export function tempTree(main: Btree): Btree {
  const open = tempDatabases.get(main);
  if (!open) throw new SqliteError('SQLITE_ERROR', 'not supported yet: the temp schema without a connection');
  return open();
}

/** The B-tree that holds `object` (a table, index or trigger), given the main one. */
export function treeOf(main: Btree, object: { temp?: boolean }): Btree {
  return object.temp ? tempTree(main) : main;
}

/** Whether `name` is a schema a name may be qualified with: main or temp (any case). */
export function isKnownSchema(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'main' || lower === 'temp';
}

/**
 * The schema a CREATE [TEMP] statement puts its object in: temp with TEMP (whose name must then be
 * unqualified, or qualified by temp) or a temp qualifier, else main; SQLite's error for another name.
 */
export function createdSchema(temp: boolean, schema: { name: string } | null, what: 'table' | 'trigger'): 'main' | 'temp' {
  const lower = schema?.name.toLowerCase();
  if (temp && lower !== undefined && lower !== 'temp') {
    throw new SqliteError('SQLITE_ERROR', what === 'table' ? 'temporary table name must be unqualified' : 'temporary trigger may not have qualified name');
  }
  if (lower !== undefined && !isKnownSchema(lower)) throw new SqliteError('SQLITE_ERROR', `unknown database ${schema!.name}`);
  return temp || lower === 'temp' ? 'temp' : 'main';
}

/** The schema name an object belongs to, as SQLite reports it. */
export function schemaName(object: { temp?: boolean }): 'main' | 'temp' {
  return object.temp ? 'temp' : 'main';
}
