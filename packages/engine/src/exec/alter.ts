/**
 * ALTER TABLE (sqlite.org/lang_altertable.html): RENAME TO, RENAME COLUMN, ADD COLUMN, DROP COLUMN.
 *
 * Everything is done on the stored SQL text, as SQLite 3.26+ does: a rename replaces, in every schema
 * row's SQL, just the identifier tokens that resolve to the renamed table or column (rename.ts) and
 * keeps the rest of the text as written; ADD COLUMN inserts the column's definition, as written, after
 * the last column; DROP COLUMN cuts the column's definition out. Names are written as SQLite writes
 * them: a renamed table always double-quoted; a renamed column bare where both the old token and the
 * new name were bare, else double-quoted.
 *
 * ADD COLUMN leaves the rows alone (a short record reads the column's default, plan/defaults.ts);
 * DROP COLUMN rewrites every row without the column. RENAME TO also renames the table's automatic
 * indexes, the tbl_name of its indexes and triggers, and its sqlite_sequence row. Every change bumps
 * the schema cookie, so other connections and prepared statements see it.
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError, notSupported } from '../common/errors.js';
import { RecordReader, RecordWriter } from '../record/record.js';
import { ValueType } from '../record/value.js';
import { type SchemaEntry, readSchema, rewriteSchemaEntries } from '../schema/schema.js';
import type { AlterTableStmt, ColumnDef, CreateTableStmt, Identifier, Select, Statement } from '../sql/ast.js';
import { parse } from '../sql/index.js';
import { doubleQuoted } from '../sql/quote.js';
import { Catalog, type TableInfo, isSchemaTable, tableInfo } from '../plan/catalog.js';
import { constantDefault } from '../plan/defaults.js';
import { renameSequence } from './autoincrement.js';
import { type CompileContext, compileExpr, truth } from './expr.js';
import { type CompileEnv, type Program, writeProgram } from './program.js';
import { compileTopQuery } from './query.js';
import { RowScope } from './rowscope.js';
import { type ColumnsOf, namesOf, replaceNames } from './rename.js';

export function compileAlterTable(stmt: AlterTableStmt, env: CompileEnv): Program {
  if (stmt.schema && stmt.schema.name.toLowerCase() !== 'main') throw new SqliteError('SQLITE_ERROR', `unknown database ${stmt.schema.name}`);
  const catalog = env.catalog;
  const name = stmt.table.name;
  const action = stmt.action;
  const view = catalog.table(name) ? undefined : catalog.view(name);
  if (view) {
    if (action.kind === 'addColumn') throw new SqliteError('SQLITE_ERROR', 'Cannot add a column to a view');
    if (action.kind === 'renameColumn') throw new SqliteError('SQLITE_ERROR', `cannot rename columns of view "${view.name}"`);
    if (action.kind === 'dropColumn') throw new SqliteError('SQLITE_ERROR', `cannot drop column from view "${view.name}"`);
    throw new SqliteError('SQLITE_ERROR', `view ${view.name} may not be altered`);
  }
  const table = catalog.table(name);
  if (!table) throw new SqliteError('SQLITE_ERROR', `no such table: ${name}`);
  if (name.toLowerCase().startsWith('sqlite_') || isSchemaTable(name)) throw new SqliteError('SQLITE_ERROR', `table ${isSchemaTable(name) ? 'sqlite_master' : table.name} may not be altered`);
  if (table.withoutRowid) throw notSupported('WITHOUT ROWID tables');
  const columnsOf: ColumnsOf = (t) => catalog.table(t)?.columns.map((c) => c.name.toLowerCase()) ?? null;
  switch (action.kind) {
    case 'renameTable':
      return renameTable(table, action.newName.name, env, columnsOf);
    case 'renameColumn':
      return renameColumn(table, action.column.name, action.newName, env, columnsOf);
    case 'addColumn':
      return addColumn(table, action.column, env);
    case 'dropColumn':
      return dropColumn(table, action.column.name, env, columnsOf);
    default:
      throw notSupported(`ALTER TABLE ${action.kind}`);
  }
}

/**
 * Compiles every view against the changed schema, as SQLite checks the schema after a rename or a
 * dropped column: a name that no longer resolves (say, a column reached through a subquery or a common
 * table expression that the token-level rewrite cannot follow) is SQLite's "error in view …" and undoes
 * the statement. Only name-resolution errors count: a view using something Hearth does not support
 * yet is not the ALTER's concern.
 */
function checkViews(bt: Btree, env: CompileEnv, after: string): void {
  const catalog = Catalog.load(bt);
  for (const view of catalog.allViews()) {
    const sql = `SELECT * FROM ${doubleQuoted(view.name)}`;
    try {
      compileTopQuery(parse(sql)[0] as Select, { ...env, sql, catalog, nested: undefined });
    } catch (err) {
      if (!(err instanceof SqliteError) || !/^(no such column|no such table|ambiguous column name)/.test(err.message)) continue;
      throw new SqliteError('SQLITE_ERROR', `error in view ${view.name} after ${after}: ${err.message}`);
    }
  }
}

/** The statement of a schema row's SQL, or null when it has none or does not parse. */
function parsed(sql: string | null): Statement | null {
  if (sql === null) return null;
  try {
    return parse(sql)[0] ?? null;
  } catch {
    return null;
  }
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

// ---- RENAME TO ----------------------------------------------------------------------------------

function renameTable(table: TableInfo, newName: string, env: CompileEnv, columnsOf: ColumnsOf): Program {
  const catalog = env.catalog;
  if (catalog.hasTable(newName) || catalog.index(newName)) throw new SqliteError('SQLITE_ERROR', `there is already another table or index with this name: ${newName}`);
  if (newName.toLowerCase().startsWith('sqlite_')) throw new SqliteError('SQLITE_ERROR', `object name reserved for internal use: ${newName}`);
  const old = table.name;
  const autoindexPrefix = `sqlite_autoindex_${old}_`;
  return writeProgram((bt) => {
    rewriteSchemaEntries(bt, (entry) => {
      const stmt = parsed(entry.sql);
      const ids = stmt ? namesOf(stmt, { table: old, column: null }, columnsOf) : [];
      const owned = same(entry.tblName, old);
      if (ids.length === 0 && !owned) return null;
      const sql = entry.sql === null ? null : replaceNames(entry.sql, ids, () => doubleQuoted(newName));
      let entryName = entry.name;
      if (entry.type === 'table' && owned) entryName = newName;
      else if (entry.type === 'index' && entry.sql === null && entry.name.toLowerCase().startsWith(autoindexPrefix.toLowerCase())) {
        entryName = `sqlite_autoindex_${newName}_${entry.name.slice(autoindexPrefix.length)}`;
      }
      return { ...entry, name: entryName, tblName: owned ? newName : entry.tblName, sql };
    });
    if (table.autoincrement) renameSequence(bt, catalog, old, newName);
    checkViews(bt, env, 'rename');
  });
}

// ---- RENAME COLUMN ------------------------------------------------------------------------------

function renameColumn(table: TableInfo, column: string, newName: Identifier, env: CompileEnv, columnsOf: ColumnsOf): Program {
  const info = table.columns.find((c) => same(c.name, column));
  if (!info) throw new SqliteError('SQLITE_ERROR', `no such column: "${column}"`);
  if (table.columns.some((c) => c !== info && same(c.name, newName.name))) {
    throw new SqliteError('SQLITE_ERROR', `error in table ${table.name} after rename: duplicate column name: ${newName.name}`);
  }
  const quoted = doubleQuoted(newName.name);
  const written = (id: Identifier): string => (newName.quote === null && id.quote === null ? newName.name : quoted);
  return writeProgram((bt) => {
    rewriteSchemaEntries(bt, (entry) => {
      const stmt = parsed(entry.sql);
      const ids = stmt ? namesOf(stmt, { table: table.name, column: info.name }, columnsOf) : [];
      if (ids.length === 0) return null;
      return { ...entry, sql: replaceNames(entry.sql!, ids, written) };
    });
    checkViews(bt, env, 'rename');
  });
}

// ---- ADD COLUMN ---------------------------------------------------------------------------------

function addColumn(table: TableInfo, def: ColumnDef, env: CompileEnv): Program {
  if (table.columns.some((c) => same(c.name, def.name.name))) throw new SqliteError('SQLITE_ERROR', `duplicate column name: ${def.name.name}`);
  const has = (kind: ColumnDef['constraints'][number]['kind']): boolean => def.constraints.some((c) => c.kind === kind);
  if (has('primaryKey')) throw new SqliteError('SQLITE_ERROR', 'Cannot add a PRIMARY KEY column');
  if (has('unique')) throw new SqliteError('SQLITE_ERROR', 'Cannot add a UNIQUE column');
  const generated = def.constraints.find((c) => c.kind === 'generated');
  if (generated) {
    if (generated.storage === 'STORED') throw new SqliteError('SQLITE_ERROR', 'cannot add a STORED column');
    throw notSupported('generated columns');
  }
  const dflt = def.constraints.find((c) => c.kind === 'default');
  const value = dflt ? constantDefault(dflt.value) : null;
  const nullDefault = !dflt || dflt.value.kind === 'null';
  if (has('notNull') && nullDefault) throw new SqliteError('SQLITE_ERROR', 'Cannot add a NOT NULL column with default value NULL');
  if (dflt && value === undefined) throw new SqliteError('SQLITE_ERROR', 'Cannot add a column with non-constant default');
  const text = env.sql.slice(def.start, def.end).replace(/[\s;]+$/, '');
  const cx = { bindings: env.bindings, functions: env.functions };
  return writeProgram((bt) => {
    let newSql = '';
    rewriteSchemaEntries(bt, (entry) => {
      if (entry.type !== 'table' || !same(entry.name, table.name)) return null;
      const at = columnListEnd(entry.sql!);
      newSql = `${entry.sql!.slice(0, at)}, ${text}${entry.sql!.slice(at)}`;
      return { ...entry, sql: newSql };
    });
    // As SQLite does, rows already there must pass the table's CHECK and NOT NULL constraints when the new column has either.
    if (has('check') || has('notNull')) checkExistingRows(bt, tableInfo(createStatement(newSql), newSql, table.root), cx);
  });
}

/** Throws "CHECK constraint failed" when a row of the table fails a CHECK or NOT NULL constraint. */
function checkExistingRows(bt: Btree, table: TableInfo, cx: Omit<CompileContext, 'scope'>): void {
  const scope = new RowScope(table);
  const checks = table.checks.map((c) => compileExpr(c.expr, { ...cx, scope }).fn);
  const row = scope.row;
  const reader = new RecordReader();
  const cursor = bt.cursor(table.root);
  try {
    for (let ok = cursor.first(); ok; ok = cursor.next()) {
      const payload = cursor.payload();
      reader.init(payload, 0, payload.length);
      row.load(table, cursor.rowid(), reader);
      const nullViolation = table.columns.some((c, i) => c.notNull && i !== table.rowidAlias && row.types[i] === ValueType.Null);
      if (nullViolation || checks.some((fn) => truth(fn) === false)) throw new SqliteError('SQLITE_ERROR', 'CHECK constraint failed');
    }
  } finally {
    cursor.close();
  }
}

/** The CREATE TABLE statement of a table's schema row. */
function createStatement(sql: string): CreateTableStmt {
  const stmt = parsed(sql);
  if (stmt?.kind !== 'createTable') throw new SqliteError('SQLITE_ERROR', 'malformed database schema');
  return stmt;
}

/**
 * Where a table's column definitions end in its CREATE TABLE text, as SQLite records it: at the comma
 * before the first table constraint, else at the closing parenthesis.
 */
function columnListEnd(sql: string): number {
  const stmt = createStatement(sql);
  const last = stmt.columns[stmt.columns.length - 1]!;
  let i = last.end;
  for (;;) {
    const c = sql[i];
    if (c === undefined || c === ',' || c === ')') return i;
    if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? sql.length : eol;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else i++;
  }
}

// ---- DROP COLUMN --------------------------------------------------------------------------------

function dropColumn(table: TableInfo, column: string, env: CompileEnv, columnsOf: ColumnsOf): Program {
  const index = table.columns.findIndex((c) => same(c.name, column));
  if (index < 0) throw new SqliteError('SQLITE_ERROR', `no such column: "${column}"`);
  const name = table.columns[index]!.name;
  const keyed = table.indexes.filter((ix) => ix.origin !== 'c' && ix.columns.some((c) => c.column === index));
  if (index === table.rowidAlias || keyed.some((ix) => ix.origin === 'pk')) throw new SqliteError('SQLITE_ERROR', `cannot drop PRIMARY KEY column: "${name}"`);
  if (keyed.length > 0) throw new SqliteError('SQLITE_ERROR', `cannot drop UNIQUE column: "${name}"`);
  if (table.columns.length === 1) throw new SqliteError('SQLITE_ERROR', `cannot drop column "${name}": no other columns exist`);
  return writeProgram((bt) => {
    const target = { table: table.name, column: name };
    const entries = readSchema(bt);
    const own = entries.find((e) => e.type === 'table' && same(e.name, table.name))!;
    const newSql = withoutColumn(own.sql!, index);
    for (const entry of entries) {
      const sql = entry === own ? newSql : entry.sql;
      const stmt = parsed(sql);
      if (!stmt || namesOf(stmt, target, columnsOf).length === 0) continue;
      throw dropError(entry, stmt, name);
    }
    rewriteSchemaEntries(bt, (entry) => (entry.type === 'table' && same(entry.name, table.name) ? { ...entry, sql: newSql } : null));
    dropColumnFromRows(bt, table, index);
    checkViews(bt, env, 'drop column');
  });
}

/** SQLite's error for a schema object that still uses the dropped column. */
function dropError(entry: SchemaEntry, stmt: Statement, column: string): SqliteError {
  const foreignKey = stmt.kind === 'createTable' && stmt.constraints.some((c) => c.kind === 'foreignKey' && c.columns.some((id) => same(id.name, column)));
  const why = foreignKey ? `unknown column "${column}" in foreign key definition` : `no such column: ${column}`;
  return new SqliteError('SQLITE_ERROR', `error in ${entry.type} ${entry.name} after drop column: ${why}`);
}

/**
 * The CREATE TABLE text without column `index`'s definition: from its name up to the next column's
 * name, or, for the last column, from the comma before it up to the end of the column list.
 */
function withoutColumn(sql: string, index: number): string {
  const stmt = createStatement(sql);
  const def = stmt.columns[index]!;
  const next = stmt.columns[index + 1];
  if (next) return sql.slice(0, def.start) + sql.slice(next.start);
  const comma = sql.lastIndexOf(',', def.start);
  return sql.slice(0, comma) + sql.slice(columnListEnd(sql));
}

/** Rewrites every row of the table without field `index`. */
function dropColumnFromRows(bt: Btree, table: TableInfo, index: number): void {
  const reader = new RecordReader();
  const writer = new RecordWriter();
  const cursor = bt.cursor(table.root);
  try {
    const rewritten: [number | bigint, Uint8Array][] = [];
    for (let ok = cursor.first(); ok; ok = cursor.next()) {
      const payload = cursor.payload();
      reader.init(payload, 0, payload.length);
      if (index >= reader.count) continue;
      writer.reset();
      for (let i = 0; i < reader.count; i++) if (i !== index) writer.pushTyped(reader.type(i) as ValueType, reader.getValue(i));
      rewritten.push([cursor.rowid(), writer.toBytes()]);
    }
    for (const [rowid, record] of rewritten) cursor.insert(rowid, record);
  } finally {
    cursor.close();
  }
}
