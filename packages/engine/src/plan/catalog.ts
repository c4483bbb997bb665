/**
 * The catalog: what the planner knows of the schema, built from `sqlite_schema` by parsing each
 * object's CREATE statement. Tables carry their columns with declared type, affinity, collation,
 * NOT NULL, default, and which column (if any) is the rowid alias.
 *
 * The catalog is a snapshot: it is rebuilt whenever the schema cookie in the header changes, so a
 * schema change made by another connection (or by `sqlite3`) is seen by the next statement.
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError } from '../common/errors.js';
import { H } from '../pager/header.js';
import { BINARY, NOCASE, RTRIM, type Collation } from '../record/compare.js';
import { readSchema } from '../schema/schema.js';
import type { ColumnDef, CreateTableStmt, Expr, Select, TableConstraint } from '../sql/ast.js';
import { parse } from '../sql/index.js';
import { Affinity, affinityOfType } from '../value/affinity.js';

export interface ColumnInfo {
  name: string;
  /** The declared type as written ('' when none). */
  declaredType: string;
  affinity: Affinity;
  collation: Collation;
  notNull: boolean;
  /** The DEFAULT expression, or null. */
  defaultValue: Expr | null;
  /** The SQL text the default was parsed from. */
  defaultSql: string;
}

export interface TableInfo {
  name: string;
  root: number;
  columns: ColumnInfo[];
  /** Index of the INTEGER PRIMARY KEY column that aliases the rowid, or -1. */
  rowidAlias: number;
  withoutRowid: boolean;
}

/** A view: its query, parsed from the stored CREATE VIEW statement, and that statement's text. */
export interface ViewInfo {
  name: string;
  /** The column names given after the view's name, or null. */
  columns: string[] | null;
  select: Select;
  /** The stored CREATE VIEW text, which the query's spans refer to. */
  sql: string;
}

/** Looks a collation up by name (case-insensitive); SQLite's three built-ins. */
export function collationByName(name: string): Collation {
  switch (name.toUpperCase()) {
    case 'BINARY':
      return BINARY;
    case 'NOCASE':
      return NOCASE;
    case 'RTRIM':
      return RTRIM;
    default:
      throw new SqliteError('SQLITE_ERROR', `no such collation sequence: ${name}`);
  }
}

export class Catalog {
  /** The schema cookie this snapshot was built at. */
  readonly cookie: number;
  private readonly tables = new Map<string, TableInfo>();
  private readonly views = new Map<string, ViewInfo>();

  private constructor(cookie: number) {
    this.cookie = cookie;
  }

  /** Reads and parses the schema (the caller holds a read or write transaction). */
  static load(bt: Btree): Catalog {
    const catalog = new Catalog(bt.getMeta(H.schemaCookie));
    for (const entry of readSchema(bt)) {
      if ((entry.type !== 'table' && entry.type !== 'view') || entry.sql === null) continue;
      const [stmt] = parse(entry.sql);
      if (stmt?.kind === 'createView') {
        const columns = stmt.columns ? stmt.columns.map((c) => c.name) : null;
        catalog.views.set(entry.name.toLowerCase(), { name: entry.name, columns, select: stmt.select, sql: entry.sql });
        continue;
      }
      if (stmt?.kind !== 'createTable') continue;
      catalog.tables.set(entry.name.toLowerCase(), tableInfo(stmt, entry.sql, entry.rootpage));
    }
    return catalog;
  }

  /** The table named `name` (case-insensitive), or undefined. */
  table(name: string): TableInfo | undefined {
    return this.tables.get(name.toLowerCase());
  }

  /** The view named `name` (case-insensitive), or undefined. */
  view(name: string): ViewInfo | undefined {
    return this.views.get(name.toLowerCase());
  }

  /** Whether any schema object of the table namespace is called `name`. */
  hasTable(name: string): boolean {
    return this.tables.has(name.toLowerCase()) || this.views.has(name.toLowerCase());
  }
}

/** Builds a table's description from its CREATE TABLE statement. */
export function tableInfo(stmt: CreateTableStmt, sql: string, root: number): TableInfo {
  const columns = stmt.columns.map((def) => columnInfo(def, sql));
  return {
    name: stmt.name.name,
    root,
    columns,
    rowidAlias: stmt.withoutRowid ? -1 : rowidAliasOf(stmt, columns),
    withoutRowid: stmt.withoutRowid,
  };
}

function columnInfo(def: ColumnDef, sql: string): ColumnInfo {
  const declaredType = def.type ? sql.slice(def.type.start, def.type.end) : '';
  let collation = BINARY;
  let notNull = false;
  let defaultValue: Expr | null = null;
  let defaultSql = '';
  for (const c of def.constraints) {
    if (c.kind === 'collate') collation = collationByName(c.collation.name);
    else if (c.kind === 'notNull') notNull = true;
    else if (c.kind === 'default') {
      defaultValue = c.value;
      defaultSql = sql.slice(c.value.start, c.value.end);
    }
  }
  return { name: def.name.name, declaredType, affinity: affinityOfType(declaredType), collation, notNull, defaultValue, defaultSql };
}

/**
 * SQLite's rowid alias: a single-column PRIMARY KEY whose declared type is exactly "INTEGER" (any case).
 * A column constraint `PRIMARY KEY DESC` does not alias the rowid (SQLite's historical quirk); a table
 * constraint `PRIMARY KEY(x DESC)` does.
 */
function rowidAliasOf(stmt: CreateTableStmt, columns: ColumnInfo[]): number {
  for (let i = 0; i < stmt.columns.length; i++) {
    const pk = stmt.columns[i]!.constraints.find((c) => c.kind === 'primaryKey');
    if (pk && pk.kind === 'primaryKey' && pk.order !== 'DESC' && isIntegerType(columns[i]!)) return i;
  }
  const tablePk = stmt.constraints.find((c): c is Extract<TableConstraint, { kind: 'primaryKey' }> => c.kind === 'primaryKey');
  if (tablePk && tablePk.columns.length === 1) {
    const term = tablePk.columns[0]!.expr;
    if (term.kind === 'column' && term.table === null) {
      const i = columns.findIndex((c) => c.name.toLowerCase() === term.column.name.toLowerCase());
      if (i >= 0 && isIntegerType(columns[i]!)) return i;
    }
  }
  return -1;
}

function isIntegerType(column: ColumnInfo): boolean {
  return column.declaredType.toUpperCase() === 'INTEGER';
}
