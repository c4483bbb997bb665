/**
 * Indexes as the catalog describes them: the automatic indexes SQLite creates for a table's UNIQUE and
 * non-INTEGER PRIMARY KEY constraints, and the indexes of CREATE INDEX statements.
 *
 * An index B-tree holds one record per table row (per row that satisfies a partial index's WHERE): the
 * index's columns in order, then the rowid. Its keys are ordered field by field with each column's
 * collation and direction; the rowid field is ascending BINARY.
 *
 * Automatic indexes are derived from the CREATE TABLE text exactly as SQLite derives them: one per
 * UNIQUE or PRIMARY KEY constraint, in the order the constraints appear (each column's constraints in
 * column order, then the table constraints), skipping a constraint whose columns and collations repeat
 * an earlier one's. The k-th is called `sqlite_autoindex_<table>_<k>`; `sqlite_schema` has a row for
 * each with a NULL sql, created right after the table's, so its root page is found by that name.
 */
import { SqliteError } from '../common/errors.js';
import { BINARY, type Collation } from '../record/compare.js';
import type { ConflictResolution, CreateIndexStmt, CreateTableStmt, Expr, OrderingTerm } from '../sql/ast.js';
import type { ColumnInfo } from './catalog.js';

/** Where an index's column values come from. */
export const IndexSource = {
  /** The rowid itself. (A named INTEGER PRIMARY KEY column keeps its own column index.) */
  Rowid: -1,
  /** An expression over the row: `IndexColumn.expr`. */
  Expression: -2,
} as const;

/** One key column of an index (the trailing rowid field is not listed). */
export interface IndexColumn {
  /** The table column it holds (its index in `TableInfo.columns`), or an `IndexSource` value. */
  column: number;
  /** The expression of an expression column (with any COLLATE of the term removed), else null. */
  expr: Expr | null;
  /** How the column's text is ordered: the term's COLLATE, else the table column's, else BINARY. */
  collation: Collation;
  /** That collation's name as the schema spells it. */
  collationName: string;
  /** Whether the column is ordered descending. */
  desc: boolean;
}

/** How an index came to be, as `PRAGMA index_list` reports it. */
export type IndexOrigin = 'c' | 'u' | 'pk';

export interface IndexInfo {
  name: string;
  /** The table's name as its CREATE TABLE spells it. */
  table: string;
  /** Root page of the index B-tree (0 until the schema row is found). */
  root: number;
  columns: IndexColumn[];
  /** Whether no two rows may share a key in which every column is non-NULL. */
  unique: boolean;
  /** The WHERE of a partial index, else null. */
  partial: Expr | null;
  /** 'c': CREATE INDEX; 'u': a UNIQUE constraint; 'pk': a PRIMARY KEY constraint. */
  origin: IndexOrigin;
  /** The constraint's ON CONFLICT clause (automatic indexes only), else null. */
  onConflict: ConflictResolution | null;
  /** Set for an index of the temp schema (whose B-tree is in the temp database). */
  temp?: boolean;
}

/** What deriving indexes needs to know of the table. */
interface TableShape {
  name: string;
  columns: ColumnInfo[];
  rowidAlias: number;
}

/** Looks a collation up by name; supplied by the catalog (which owns the collation names). */
export type CollationLookup = (name: string) => Collation;

/**
 * The automatic indexes of a rowid table's UNIQUE and PRIMARY KEY constraints, in SQLite's order, with
 * root 0. Throws SQLite's errors for constraints SQLite rejects.
 */
export function constraintIndexes(stmt: CreateTableStmt, table: TableShape, collationOf: CollationLookup): IndexInfo[] {
  const indexes: IndexInfo[] = [];
  let primaryKeys = 0;
  const add = (columns: IndexColumn[], origin: IndexOrigin, onConflict: ConflictResolution | null): void => {
    if (origin === 'pk' && ++primaryKeys > 1) throw new SqliteError('SQLITE_ERROR', `table "${table.name}" has more than one primary key`);
    if (origin === 'pk' && columns.length === 1 && columns[0]!.column === table.rowidAlias) return;
    const name = `sqlite_autoindex_${table.name}_${indexes.length + 1}`;
    const same = indexes.find((ix) => sameKey(ix.columns, columns));
    if (!same) {
      indexes.push({ name, table: table.name, root: 0, columns, unique: true, partial: null, origin, onConflict });
      return;
    }
    if (same.onConflict !== onConflict && same.onConflict !== null && onConflict !== null) {
      throw new SqliteError('SQLITE_ERROR', 'conflicting ON CONFLICT clauses specified');
    }
    same.onConflict ??= onConflict;
    if (origin === 'pk') same.origin = 'pk';
  };
  stmt.columns.forEach((def, i) => {
    const own = (desc: boolean): IndexColumn[] => [{ column: i, expr: null, collation: table.columns[i]!.collation, collationName: table.columns[i]!.collationName, desc }];
    for (const c of def.constraints) {
      if (c.kind === 'unique') add(own(false), 'u', c.conflict);
      else if (c.kind === 'primaryKey') {
        // A column PRIMARY KEY DESC on an INTEGER column is an index, not the rowid (SQLite's quirk).
        add(own(c.order === 'DESC'), 'pk', c.conflict);
      }
    }
  });
  for (const c of stmt.constraints) {
    if (c.kind === 'unique' || c.kind === 'primaryKey') {
      add(
        c.columns.map((term) => constraintColumn(term, table, collationOf)),
        c.kind === 'unique' ? 'u' : 'pk',
        c.conflict,
      );
    }
  }
  return indexes;
}

/** Whether two keys name the same columns with the same collations (directions do not matter). */
function sameKey(a: IndexColumn[], b: IndexColumn[]): boolean {
  return a.length === b.length && a.every((col, i) => col.column === b[i]!.column && col.collation === b[i]!.collation);
}

/** A term of a UNIQUE or PRIMARY KEY table constraint: a column name, maybe with COLLATE and order. */
function constraintColumn(term: OrderingTerm, table: TableShape, collationOf: CollationLookup): IndexColumn {
  const { expr, collate } = splitCollate(term, collationOf);
  const name = columnName(expr);
  if (name === null) throw new SqliteError('SQLITE_ERROR', 'expressions prohibited in PRIMARY KEY and UNIQUE constraints');
  const i = findColumn(table.columns, name);
  if (i < 0) throw new SqliteError('SQLITE_ERROR', `no such column: ${name}`);
  return tableColumn(table, i, collate, term.order === 'DESC');
}

/** A term's expression without its COLLATE, and that COLLATE's collation and name (null when none). */
function splitCollate(term: OrderingTerm, collationOf: CollationLookup): { expr: Expr; collate: { collation: Collation; name: string } | null } {
  const expr = term.expr;
  if (expr.kind !== 'collate') return { expr, collate: null };
  return { expr: expr.operand, collate: { collation: collationOf(expr.collation.name), name: expr.collation.name } };
}

/** Index column over table column `i`: under the term's COLLATE when it has one, else the column's collation. */
function tableColumn(table: TableShape, i: number, collate: { collation: Collation; name: string } | null, desc: boolean): IndexColumn {
  const column = table.columns[i]!;
  return { column: i, expr: null, collation: collate?.collation ?? column.collation, collationName: collate?.name ?? column.collationName, desc };
}

/** The name an index term's expression spells when it is a bare column name (or a string, SQLite's legacy). */
function columnName(expr: Expr): string | null {
  if (expr.kind === 'column' && expr.table === null && expr.schema === null) return expr.column.name;
  if (expr.kind === 'string') return expr.value;
  return null;
}

function findColumn(columns: ColumnInfo[], name: string): number {
  const lower = name.toLowerCase();
  return columns.findIndex((c) => c.name.toLowerCase() === lower);
}

/** The index a CREATE INDEX statement describes, on `table`, rooted at `root`. */
export function createdIndex(stmt: CreateIndexStmt, table: TableShape, root: number, collationOf: CollationLookup): IndexInfo {
  const columns = stmt.columns.map((term): IndexColumn => {
    const { expr, collate } = splitCollate(term, collationOf);
    const desc = term.order === 'DESC';
    if (expr.kind === 'column' && expr.table === null && expr.schema === null) {
      const i = findColumn(table.columns, expr.column.name);
      if (i < 0) throw new SqliteError('SQLITE_ERROR', `no such column: ${expr.column.name}`);
      return tableColumn(table, i, collate, desc);
    }
    if (expr.kind === 'string') {
      const i = findColumn(table.columns, expr.value);
      if (i >= 0) return tableColumn(table, i, collate, desc);
    }
    return { column: IndexSource.Expression, expr, collation: collate?.collation ?? BINARY, collationName: collate?.name ?? 'BINARY', desc };
  });
  return {
    name: stmt.name.name,
    table: table.name,
    root,
    columns,
    unique: stmt.unique,
    partial: stmt.where,
    origin: 'c',
    onConflict: null,
  };
}
