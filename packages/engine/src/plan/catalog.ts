/**
 * The catalog: what the planner knows of the schema, built from `sqlite_schema` by parsing each
 * object's CREATE statement. Tables carry their columns with declared type, affinity, collation,
 * NOT NULL, default, and which column (if any) is the rowid alias; their CHECK constraints; and their
 * indexes (`IndexInfo`, plan/indexes.ts), automatic and created, in creation order.
 *
 * The catalog is a snapshot: it is rebuilt whenever the schema cookie in the header changes, so a
 * schema change made by another connection (or by `sqlite3`) is seen by the next statement.
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError, corrupt } from '../common/errors.js';
import { H } from '../pager/header.js';
import { BINARY, NOCASE, RTRIM, type Collation } from '../record/compare.js';
import { readSchema } from '../schema/schema.js';
import type { ColumnDef, ConflictResolution, CreateTableStmt, Expr, Select, TableConstraint } from '../sql/ast.js';
import { parse } from '../sql/index.js';
import { Affinity, affinityOfType } from '../value/affinity.js';
import { type IndexInfo, constraintIndexes, createdIndex } from './indexes.js';
import { type TypedValue, missingColumnValue } from './defaults.js';

export type { IndexColumn, IndexInfo, IndexOrigin } from './indexes.js';
export { IndexSource } from './indexes.js';

export interface ColumnInfo {
  name: string;
  /** The declared type as written ('' when none). */
  declaredType: string;
  affinity: Affinity;
  collation: Collation;
  /** The collation's name as the column definition spells it ('BINARY' when none). */
  collationName: string;
  notNull: boolean;
  /** The NOT NULL constraint's ON CONFLICT clause, else null. */
  notNullConflict: ConflictResolution | null;
  /** The DEFAULT expression, or null. */
  defaultValue: Expr | null;
  /** The SQL text the default was parsed from. */
  defaultSql: string;
  /** What a record stored before the column was added reads for it: its literal default, or null for NULL. */
  missingValue: TypedValue | null;
}

export interface TableInfo {
  name: string;
  root: number;
  columns: ColumnInfo[];
  /** Index of the INTEGER PRIMARY KEY column that aliases the rowid, or -1. */
  rowidAlias: number;
  withoutRowid: boolean;
  /** Whether the table is STRICT (its ANY columns then have no affinity). */
  strict: boolean;
  /** The INTEGER PRIMARY KEY's ON CONFLICT clause, else null. */
  rowidConflict: ConflictResolution | null;
  /** Whether the INTEGER PRIMARY KEY is AUTOINCREMENT. */
  autoincrement: boolean;
  /** CHECK constraints, column ones and table ones in the order written. */
  checks: CheckInfo[];
  /** Indexes in creation order: the constraints' automatic ones, then CREATE INDEX ones. */
  indexes: IndexInfo[];
}

/** A CHECK constraint. */
export interface CheckInfo {
  /** What a violation reports: the constraint's name, else its expression's text. */
  name: string;
  expr: Expr;
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
  private readonly indexes = new Map<string, IndexInfo>();
  private readonly views = new Map<string, ViewInfo>();

  private constructor(cookie: number) {
    this.cookie = cookie;
  }

  /** Reads and parses the schema (the caller holds a read or write transaction). */
  static load(bt: Btree): Catalog {
    const catalog = new Catalog(bt.getMeta(H.schemaCookie));
    const entries = readSchema(bt);
    for (const entry of entries) {
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
    for (const entry of entries) {
      if (entry.type === 'index') catalog.addIndex(entry.name, entry.tblName, entry.rootpage, entry.sql);
    }
    for (const table of catalog.tables.values()) {
      const missing = table.indexes.find((index) => index.root === 0);
      if (missing) throw corrupt(`no schema row for ${missing.name}`);
    }
    return catalog;
  }

  /** Files the index of a schema row under its table: an automatic one (sql NULL) or a created one. */
  private addIndex(name: string, tableName: string, root: number, sql: string | null): void {
    const table = this.table(tableName);
    if (!table) return;
    let index: IndexInfo | undefined;
    if (sql === null) {
      index = table.indexes.find((ix) => ix.origin !== 'c' && ix.name.toLowerCase() === name.toLowerCase());
      if (!index) throw corrupt(`${name} matches no UNIQUE or PRIMARY KEY constraint of ${table.name}`);
      index.root = root;
    } else {
      const [stmt] = parse(sql);
      if (stmt?.kind !== 'createIndex') return;
      index = createdIndex(stmt, table, root, collationByName);
      table.indexes.push(index);
    }
    this.indexes.set(name.toLowerCase(), index);
  }

  /** Every index of every table, in schema order. */
  allIndexes(): IndexInfo[] {
    return [...this.indexes.values()];
  }

  /** Every table, in schema order. */
  allTables(): TableInfo[] {
    return [...this.tables.values()];
  }

  /** Every view, in schema order. */
  allViews(): ViewInfo[] {
    return [...this.views.values()];
  }

  /** The index named `name` (case-insensitive), or undefined. */
  index(name: string): IndexInfo | undefined {
    return this.indexes.get(name.toLowerCase());
  }

  /** The table named `name` (case-insensitive), or undefined. The schema table answers to its two names. */
  table(name: string): TableInfo | undefined {
    const lower = name.toLowerCase();
    return this.tables.get(lower) ?? (isSchemaTable(lower) ? schemaTable(name) : undefined);
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

const SCHEMA_TABLE_SQL = 'CREATE TABLE sqlite_schema(type text, name text, tbl_name text, rootpage int, sql text)';

/** The schema table's descriptions by the name a query spelled, built when first asked for. */
const schemaTables = new Map<string, TableInfo>();

/** Whether `name` names the schema table (sqlite_schema or its old name, sqlite_master). */
export function isSchemaTable(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'sqlite_schema' || lower === 'sqlite_master';
}

/** The schema table itself (page 1), as SQLite describes it, under the name the query used. */
function schemaTable(name: string): TableInfo {
  let info = schemaTables.get(name);
  if (!info) {
    const [stmt] = parse(SCHEMA_TABLE_SQL);
    info = { ...tableInfo(stmt as CreateTableStmt, SCHEMA_TABLE_SQL, 1), name };
    schemaTables.set(name, info);
  }
  return info;
}

/** Builds a table's description from its CREATE TABLE statement. */
export function tableInfo(stmt: CreateTableStmt, sql: string, root: number): TableInfo {
  const columns = stmt.columns.map((def) => columnInfo(def, sql));
  if (stmt.strict) for (const c of columns) if (c.declaredType.toUpperCase() === 'ANY') c.affinity = Affinity.Blob;
  const rowidAlias = stmt.withoutRowid ? -1 : rowidAliasOf(stmt, columns);
  const name = stmt.name.name;
  return {
    name,
    root,
    columns,
    rowidAlias,
    withoutRowid: stmt.withoutRowid,
    strict: stmt.strict,
    ...rowidKeyOptions(stmt, rowidAlias),
    checks: checksOf(stmt, sql),
    indexes: stmt.withoutRowid ? [] : constraintIndexes(stmt, { name, columns, rowidAlias }, collationByName),
  };
}

/** The ON CONFLICT and AUTOINCREMENT of the INTEGER PRIMARY KEY, wherever it is declared. */
function rowidKeyOptions(stmt: CreateTableStmt, rowidAlias: number): { rowidConflict: ConflictResolution | null; autoincrement: boolean } {
  if (rowidAlias < 0) return { rowidConflict: null, autoincrement: false };
  const own = stmt.columns[rowidAlias]!.constraints.find((c) => c.kind === 'primaryKey');
  if (own?.kind === 'primaryKey') return { rowidConflict: own.conflict, autoincrement: own.autoincrement };
  const table = stmt.constraints.find((c) => c.kind === 'primaryKey');
  return table?.kind === 'primaryKey' ? { rowidConflict: table.conflict, autoincrement: table.autoincrement } : { rowidConflict: null, autoincrement: false };
}

/** The CHECK constraints; an unnamed one is reported by its expression's source text. */
function checksOf(stmt: CreateTableStmt, sql: string): CheckInfo[] {
  const checks: CheckInfo[] = [];
  const add = (c: TableConstraint | ColumnDef['constraints'][number]): void => {
    if (c.kind === 'check') checks.push({ name: c.name ? c.name.name : sql.slice(c.expr.start, c.expr.end).trim(), expr: c.expr });
  };
  for (const def of stmt.columns) def.constraints.forEach(add);
  stmt.constraints.forEach(add);
  return checks;
}

function columnInfo(def: ColumnDef, sql: string): ColumnInfo {
  const declaredType = def.type ? sql.slice(def.type.start, def.type.end) : '';
  let collation = BINARY;
  let collationName = 'BINARY';
  let notNull = false;
  let notNullConflict: ConflictResolution | null = null;
  let defaultValue: Expr | null = null;
  let defaultSql = '';
  for (const c of def.constraints) {
    if (c.kind === 'collate') {
      collation = collationByName(c.collation.name);
      collationName = c.collation.name;
    } else if (c.kind === 'notNull') {
      notNull = true;
      notNullConflict = c.conflict;
    }
    else if (c.kind === 'default') {
      defaultValue = c.value;
      defaultSql = sql.slice(c.value.start, c.value.end);
    }
  }
  const affinity = affinityOfType(declaredType);
  const missingValue = missingColumnValue(defaultValue, affinity);
  return { name: def.name.name, declaredType, affinity, collation, collationName, notNull, notNullConflict, defaultValue, defaultSql, missingValue };
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
