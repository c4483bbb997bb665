/**
 * Foreign keys as the catalog describes them: each table's REFERENCES and FOREIGN KEY clauses
 * (`ForeignKeyInfo`), and the resolution of a foreign key's parent key to the parent table's rowid or
 * to one of its UNIQUE indexes (`resolveParentKey`), which is what SQLite's sqlite3FkLocateIndex does.
 *
 * A table's foreign keys are listed newest first, as SQLite keeps them (PRAGMA foreign_key_list
 * numbers them in that order). A parent key that matches no PRIMARY KEY or UNIQUE index is not an
 * error here: SQLite reports "foreign key mismatch" only when a statement needs the key.
 */
import { SqliteError } from '../common/errors.js';
import type { CreateTableStmt, ForeignKeyAction, ForeignKeyClause, Identifier } from '../sql/ast.js';
import type { ColumnInfo, IndexInfo, TableInfo } from './catalog.js';

export interface ForeignKeyInfo {
  /** The child table's name, as its CREATE TABLE spells it. */
  table: string;
  /** The child key: columns of the child table, in the order written. */
  columns: number[];
  /** The parent table's name, as the clause spells it. */
  parent: string;
  /** The parent key's column names as written, or null for the parent's PRIMARY KEY. */
  parentColumns: string[] | null;
  onDelete: ForeignKeyAction;
  onUpdate: ForeignKeyAction;
  /** DEFERRABLE INITIALLY DEFERRED: checked at COMMIT rather than at the end of each statement. */
  deferred: boolean;
}

/** A parent key as found in the parent table. */
export interface ParentKey {
  /** The UNIQUE index holding it, or null when it is the rowid (the INTEGER PRIMARY KEY). */
  index: IndexInfo | null;
  /** Per key column, in the index's order: the child table column that refers to it. */
  childColumns: number[];
  /** Per key column, in the index's order: the parent table column (the rowid alias, or -1 for the bare rowid). */
  parentColumns: number[];
}

function findColumn(columns: readonly ColumnInfo[], name: string): number {
  const lower = name.toLowerCase();
  return columns.findIndex((c) => c.name.toLowerCase() === lower);
}

/**
 * The foreign keys of a CREATE TABLE statement, newest first. Throws SQLite's errors for a clause
 * naming an unknown child column or a parent key of another width.
 */
export function foreignKeysOf(stmt: CreateTableStmt, columns: readonly ColumnInfo[]): ForeignKeyInfo[] {
  const keys: ForeignKeyInfo[] = [];
  const name = stmt.name.name;
  const add = (child: number[], clause: ForeignKeyClause, childName: string | null): void => {
    const parentColumns = clause.columns ? clause.columns.map((c: Identifier) => c.name) : null;
    if (childName !== null && parentColumns && parentColumns.length !== 1) {
      throw new SqliteError('SQLITE_ERROR', `foreign key on ${childName} should reference only one column of table ${clause.table.name}`);
    }
    if (parentColumns && parentColumns.length !== child.length) {
      throw new SqliteError('SQLITE_ERROR', 'number of columns in foreign key does not match the number of columns in the referenced table');
    }
    const deferrable = clause.deferrable;
    keys.unshift({
      table: name,
      columns: child,
      parent: clause.table.name,
      parentColumns,
      onDelete: clause.onDelete ?? 'NO ACTION',
      onUpdate: clause.onUpdate ?? 'NO ACTION',
      deferred: deferrable !== null && !deferrable.not && deferrable.initially === 'DEFERRED',
    });
  };
  stmt.columns.forEach((def, i) => {
    for (const c of def.constraints) {
      if (c.kind === 'references') add([i], c.foreignKey, def.name.name);
      // A DEFERRABLE clause of its own applies to the most recent foreign key, as in SQLite.
      else if (c.kind === 'deferrable' && keys.length > 0) keys[0]!.deferred = !c.deferrable.not && c.deferrable.initially === 'DEFERRED';
    }
  });
  for (const c of stmt.constraints) {
    if (c.kind !== 'foreignKey') continue;
    const child = c.columns.map((id) => {
      const i = findColumn(columns, id.name);
      if (i < 0) throw new SqliteError('SQLITE_ERROR', `unknown column "${id.name}" in foreign key definition`);
      return i;
    });
    add(child, c.foreignKey, null);
  }
  return keys;
}

/**
 * The parent key `fk` refers to in `parent`, or null ("foreign key mismatch"): the rowid when the key
 * is the parent's INTEGER PRIMARY KEY (named, or implied with one column), else a UNIQUE non-partial
 * index of exactly the key's columns, each with its column's own collation (for an implied key, the
 * PRIMARY KEY's index).
 */
export function resolveParentKey(parent: TableInfo, fk: ForeignKeyInfo): ParentKey | null {
  const n = fk.columns.length;
  const named = fk.parentColumns;
  if (n === 1 && parent.rowidAlias >= 0) {
    const alias = parent.rowidAlias;
    if (!named || parent.columns[alias]!.name.toLowerCase() === named[0]!.toLowerCase()) {
      return { index: null, childColumns: [fk.columns[0]!], parentColumns: [alias] };
    }
  }
  for (const index of parent.indexes) {
    if (index.columns.length !== n || !index.unique || index.partial) continue;
    if (!named) {
      if (index.origin !== 'pk') continue;
      return { index, childColumns: [...fk.columns], parentColumns: index.columns.map((c) => c.column) };
    }
    const childColumns: number[] = [];
    for (const column of index.columns) {
      if (column.column < 0) break;
      const info = parent.columns[column.column]!;
      if (column.collationName.toLowerCase() !== info.collationName.toLowerCase()) break;
      const j = named.findIndex((name) => name.toLowerCase() === info.name.toLowerCase());
      if (j < 0) break;
      childColumns.push(fk.columns[j]!);
    }
    if (childColumns.length === n) return { index, childColumns, parentColumns: index.columns.map((c) => c.column) };
  }
  return null;
}

/** SQLite's error for a foreign key whose parent key is neither a PRIMARY KEY nor UNIQUE. */
export function mismatch(fk: ForeignKeyInfo): SqliteError {
  return new SqliteError('SQLITE_ERROR', `foreign key mismatch - "${fk.table}" referencing "${fk.parent}"`);
}
