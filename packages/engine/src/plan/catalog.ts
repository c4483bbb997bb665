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
import type { ColumnDef, ConflictResolution, CreateTableStmt, CreateTriggerStmt, Expr, Select, TableConstraint } from '../sql/ast.js';
import { parse } from '../sql/index.js';
import { Affinity, affinityOfType } from '../value/affinity.js';
import { type IndexInfo, constraintIndexes, createdIndex } from './indexes.js';
import { type TypedValue, missingColumnValue } from './defaults.js';
import { type ForeignKeyInfo, foreignKeysOf } from './foreign-keys.js';

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
  /** Its foreign keys (as the child table), newest first (plan/foreign-keys.ts). */
  foreignKeys: ForeignKeyInfo[];
  /** Set for a table of the temp schema (whose B-trees are in the temp database). */
  temp?: boolean;
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
  /** Set for a view of the temp schema. */
  temp?: boolean;
  /** The column names given after the view's name, or null. */
  columns: string[] | null;
  select: Select;
  /** The stored CREATE VIEW text, which the query's spans refer to. */
  sql: string;
}

/**
 * A trigger, parsed from its stored CREATE TRIGGER statement (whose text the body's spans refer to).
 * `timing` is BEFORE when the statement names none, as in SQLite.
 */
export interface TriggerInfo {
  name: string;
  /** The table or view it is on, as the schema row's tbl_name spells it. */
  table: string;
  timing: 'BEFORE' | 'AFTER' | 'INSTEAD OF';
  event: CreateTriggerStmt['event'];
  /** The lower-case column names of `UPDATE OF`, or null. */
  columns: string[] | null;
  when: Expr | null;
  body: CreateTriggerStmt['body'];
  sql: string;
  /** Set for a trigger of the temp schema. */
  temp?: boolean;
  /** Set for the action of a foreign key (exec/fk-actions.ts), which always fires, even within itself. */
  foreignKeyAction?: boolean;
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

/**
 * The objects of the main schema and, once the connection has a temp database, of the temp schema
 * (`temp`, a catalog of its own). Unqualified names resolve in temp first, then main, as in SQLite;
 * a qualified lookup (`schema` 'main' or 'temp', any case) looks in that schema only, and other schema
 * names find nothing.
 */
export class Catalog {
  /** The schema cookie this snapshot was built at. */
  readonly cookie: number;
  /** The temp schema's objects, or null when the connection has no temp database yet. */
  temp: Catalog | null = null;
  private isTemp = false;
  private readonly tables = new Map<string, TableInfo>();
  private readonly indexes = new Map<string, IndexInfo>();
  private readonly views = new Map<string, ViewInfo>();
  private readonly triggers = new Map<string, TriggerInfo>();
  /** Per lower-case table name: its triggers, the most recently created first (SQLite's firing order). */
  private readonly tableTriggers = new Map<string, TriggerInfo[]>();
  /** Per lower-case parent table name: the foreign keys referring to it; built when first asked for. */
  private parents: Map<string, ForeignKeyInfo[]> | null = null;

  private constructor(cookie: number) {
    this.cookie = cookie;
  }

  /** Reads and parses the main schema and the temp one, if any (the caller holds a transaction on both). */
  static load(bt: Btree, tempBt: Btree | null = null): Catalog {
    const catalog = Catalog.loadSchema(bt, false);
    catalog.temp = tempBt ? Catalog.loadSchema(tempBt, true) : null;
    return catalog;
  }

  /** The temp schema's cookie as of this snapshot (-1 without a temp database). */
  get tempCookie(): number {
    return this.temp ? this.temp.cookie : -1;
  }

  private static loadSchema(bt: Btree, temp: boolean): Catalog {
    const catalog = new Catalog(bt.getMeta(H.schemaCookie));
    catalog.isTemp = temp;
    const entries = readSchema(bt);
    for (const entry of entries) {
      if ((entry.type !== 'table' && entry.type !== 'view') || entry.sql === null) continue;
      const [stmt] = parse(entry.sql);
      if (stmt?.kind === 'createView') {
        const columns = stmt.columns ? stmt.columns.map((c) => c.name) : null;
        catalog.views.set(entry.name.toLowerCase(), { name: entry.name, columns, select: stmt.select, sql: entry.sql, ...(temp ? { temp } : {}) });
        continue;
      }
      if (stmt?.kind !== 'createTable') continue;
      const info = tableInfo(stmt, entry.sql, entry.rootpage);
      if (temp) {
        info.temp = true;
        for (const index of info.indexes) index.temp = true;
      }
      catalog.tables.set(entry.name.toLowerCase(), info);
    }
    for (const entry of entries) {
      if (entry.type === 'index') catalog.addIndex(entry.name, entry.tblName, entry.rootpage, entry.sql);
    }
    for (const entry of entries) {
      if (entry.type === 'trigger' && entry.sql !== null) catalog.addTrigger(entry.tblName, entry.sql);
    }
    for (const table of catalog.tables.values()) {
      const missing = table.indexes.find((index) => index.root === 0);
      if (missing) throw corrupt(`no schema row for ${missing.name}`);
    }
    return catalog;
  }

  /** Files the index of a schema row under its table: an automatic one (sql NULL) or a created one. */
  private addIndex(name: string, tableName: string, root: number, sql: string | null): void {
    const table = this.ownTable(tableName);
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
      if (this.isTemp) index.temp = true;
      table.indexes.push(index);
    }
    this.indexes.set(name.toLowerCase(), index);
  }

  private addTrigger(tableName: string, sql: string): void {
    const [stmt] = parse(sql);
    if (stmt?.kind !== 'createTrigger') return;
    const info: TriggerInfo = {
      name: stmt.name.name,
      table: tableName,
      timing: stmt.timing ?? 'BEFORE',
      event: stmt.event,
      columns: stmt.columns ? stmt.columns.map((c) => c.name.toLowerCase()) : null,
      when: stmt.when,
      body: stmt.body,
      sql,
      ...(this.isTemp ? { temp: true } : {}),
    };
    this.triggers.set(info.name.toLowerCase(), info);
    const key = tableName.toLowerCase();
    const list = this.tableTriggers.get(key) ?? [];
    list.unshift(info);
    this.tableTriggers.set(key, list);
  }

  /** The schemas a lookup in `schema` (undefined: temp, then main) searches, in order. */
  private schemas(schema: string | undefined): (Catalog | null)[] {
    if (schema === undefined) return [this.temp, this];
    const lower = schema.toLowerCase();
    return lower === 'main' ? [this] : lower === 'temp' ? [this.temp] : [];
  }

  /** The trigger named `name` (case-insensitive), or undefined. */
  trigger(name: string, schema?: string): TriggerInfo | undefined {
    const lower = name.toLowerCase();
    for (const c of this.schemas(schema)) {
      const found = c?.triggers.get(lower);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The triggers on `table` (a table or view), in SQLite's firing order: the temp schema's triggers on
   * it first, then its own schema's, each the most recently created first.
   */
  triggersOn(table: { name: string; temp?: boolean }): readonly TriggerInfo[] {
    const key = table.name.toLowerCase();
    const own = (table.temp ? this.temp : this)?.tableTriggers.get(key) ?? NO_TRIGGERS;
    if (table.temp || !this.temp) return own;
    // A temp trigger on a name the temp schema also has as a table or view is on that one.
    const fromTemp = this.temp.tables.has(key) || this.temp.views.has(key) ? undefined : this.temp.tableTriggers.get(key);
    return fromTemp ? [...fromTemp, ...own] : own;
  }

  /**
   * The foreign keys of `table`'s schema that name it as their parent, in SQLite's order: the newest
   * table's first, each table's newest first.
   */
  referencing(table: { name: string; temp?: boolean }): readonly ForeignKeyInfo[] {
    const schema = table.temp ? this.temp : this;
    if (!schema) return NO_KEYS;
    if (!schema.parents) {
      const parents = new Map<string, ForeignKeyInfo[]>();
      for (const child of [...schema.tables.values()].reverse()) {
        for (const fk of child.foreignKeys) {
          const key = fk.parent.toLowerCase();
          const list = parents.get(key) ?? [];
          list.push(fk);
          parents.set(key, list);
        }
      }
      schema.parents = parents;
    }
    return schema.parents.get(table.name.toLowerCase()) ?? NO_KEYS;
  }

  /** The tables of one schema (main, or temp with `temp`), in schema order. */
  tablesOf(temp: boolean): TableInfo[] {
    const schema = temp ? this.temp : this;
    return schema ? [...schema.tables.values()] : [];
  }

  /** Every index of every table, in schema order (main's, then temp's). */
  allIndexes(): IndexInfo[] {
    return [...this.indexes.values(), ...(this.temp ? this.temp.indexes.values() : [])];
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
  index(name: string, schema?: string): IndexInfo | undefined {
    const lower = name.toLowerCase();
    for (const c of this.schemas(schema)) {
      const found = c?.indexes.get(lower);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The table named `name` (case-insensitive), or undefined. The schema table answers to its two names,
   * and the temp schema's to sqlite_temp_schema and sqlite_temp_master (or, qualified by temp, to the
   * schema table's names).
   */
  table(name: string, schema?: string): TableInfo | undefined {
    const lower = name.toLowerCase();
    const qualifier = schema?.toLowerCase();
    for (const c of this.schemas(schema)) {
      const found = c?.tables.get(lower);
      if (found) return found;
    }
    if (qualifier === undefined) return isTempSchemaTable(lower) ? schemaTable(name, true) : isSchemaTable(lower) ? schemaTable(name, false) : undefined;
    if (qualifier === 'main') return isSchemaTable(lower) ? schemaTable(name, false) : undefined;
    if (qualifier === 'temp') return isSchemaTable(lower) || isTempSchemaTable(lower) ? schemaTable(name, true) : undefined;
    return undefined;
  }

  /** The table named `name` in this schema only. */
  private ownTable(name: string): TableInfo | undefined {
    return this.tables.get(name.toLowerCase());
  }

  /** The view named `name` (case-insensitive), or undefined. */
  view(name: string, schema?: string): ViewInfo | undefined {
    const lower = name.toLowerCase();
    for (const c of this.schemas(schema)) {
      const found = c?.views.get(lower);
      if (found) return found;
    }
    return undefined;
  }

  /** Whether any schema object of the table namespace is called `name` (in `schema`, or in either). */
  hasTable(name: string, schema?: string): boolean {
    const lower = name.toLowerCase();
    return this.schemas(schema).some((c) => c !== null && (c.tables.has(lower) || c.views.has(lower)));
  }
}

const NO_TRIGGERS: readonly TriggerInfo[] = [];
const NO_KEYS: readonly ForeignKeyInfo[] = [];

const SCHEMA_TABLE_SQL = 'CREATE TABLE sqlite_schema(type text, name text, tbl_name text, rootpage int, sql text)';

/** The schema tables' descriptions by the name a query spelled (and schema), built when first asked for. */
const schemaTables = new Map<string, TableInfo>();

/** Whether `name` names the temp schema's schema table (sqlite_temp_schema or sqlite_temp_master). */
export function isTempSchemaTable(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'sqlite_temp_schema' || lower === 'sqlite_temp_master';
}

/** Whether `name` names the schema table (sqlite_schema or its old name, sqlite_master). */
export function isSchemaTable(name: string): boolean {
  const lower = name.toLowerCase();
  return lower === 'sqlite_schema' || lower === 'sqlite_master';
}

/** The schema table itself (page 1), as SQLite describes it, under the name the query used. */
function schemaTable(name: string, temp: boolean): TableInfo {
  const key = `${temp ? 'temp' : 'main'}.${name}`;
  let info = schemaTables.get(key);
  if (!info) {
    const [stmt] = parse(SCHEMA_TABLE_SQL);
    info = { ...tableInfo(stmt as CreateTableStmt, SCHEMA_TABLE_SQL, 1), name, ...(temp ? { temp } : {}) };
    schemaTables.set(key, info);
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
    foreignKeys: foreignKeysOf(stmt, columns),
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
