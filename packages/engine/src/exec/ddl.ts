/**
 * Schema changes: CREATE TABLE (with the automatic indexes of its UNIQUE and PRIMARY KEY constraints;
 * STRICT tables have their column types checked here; CREATE TABLE … AS is create-as.ts's), CREATE
 * [UNIQUE] INDEX (filled from the table's rows), DROP TABLE and DROP INDEX.
 *
 * What reaches `sqlite_schema` is what SQLite writes: the table's row and root page first, then one row
 * (sql NULL) and root page per automatic index in the constraints' order; CREATE INDEX's text is stored
 * as "CREATE [UNIQUE] INDEX " followed by the statement from the index name up to its `;` (or the end
 * of the text). Every change bumps the schema cookie, so prepared statements are compiled again.
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError, notSupported } from '../common/errors.js';
import { createIndex, createTable, removeSchemaEntry } from '../schema/schema.js';
import type { CreateIndexStmt, CreateTableStmt, DropStmt, Identifier, ReindexStmt } from '../sql/ast.js';
import { type IndexInfo, type TableInfo, collationByName, isSchemaTable, isTempSchemaTable, tableInfo } from '../plan/catalog.js';
import { createdIndex } from '../plan/indexes.js';
import { type CompileEnv, type Program, writeProgram } from './program.js';
import { ensureSequenceTable, forgetSequence } from './autoincrement.js';
import { RowScope } from './rowscope.js';
import { compileCreateTableAs } from './create-as.js';
import { checkStrictColumns } from './strict.js';
import { IndexWriter } from './rowwrite.js';
import { fillIndex } from './index-build.js';
import { dropTriggersOf } from './trigger-ddl.js';
import { dropTableDelete } from './foreign-keys.js';
import { createdSchema, isKnownSchema, tempTree, treeOf } from './schemas.js';

function checkSchema(schema: Identifier | null): void {
  if (schema && !isKnownSchema(schema.name)) throw new SqliteError('SQLITE_ERROR', `unknown database ${schema.name}`);
}

function isReserved(name: string): boolean {
  return name.toLowerCase().startsWith('sqlite_');
}

// ---- CREATE TABLE -------------------------------------------------------------------------------

export function compileCreateTable(stmt: CreateTableStmt, env: CompileEnv): Program {
  if (stmt.withoutRowid) throw notSupported('WITHOUT ROWID tables');
  const temp = createdSchema(stmt.temp, stmt.schema, 'table') === 'temp';
  const schema = temp ? 'temp' : 'main';
  const name = stmt.name.name;
  const exists = env.catalog.hasTable(name, schema);
  const catalog = env.catalog;
  /** Whether to go on creating the table: false for IF NOT EXISTS on an existing one; throws when the name is taken or reserved. */
  const checkNew = (): boolean => {
    if (exists) {
      if (stmt.ifNotExists) return false;
      throw new SqliteError('SQLITE_ERROR', `${catalog.view(name, schema) ? 'view' : 'table'} ${name} already exists`);
    }
    if (isReserved(name)) throw new SqliteError('SQLITE_ERROR', `object name reserved for internal use: ${name}`);
    return true;
  };
  if (stmt.asSelect) {
    if (temp) throw notSupported('TEMP tables created AS SELECT');
    return compileCreateTableAs(stmt, env, checkNew);
  }
  // SQLite stores the statement from the table name on, behind a normalized "CREATE TABLE ".
  const sql = `CREATE TABLE ${env.sql.slice(stmt.name.start, stmt.end)}`;
  if (stmt.strict) checkStrictColumns(stmt);
  // Deriving the table's description checks its constraints and names its automatic indexes.
  const info = tableInfo(stmt, env.sql, 0);
  const autoincrement = stmt.columns.some((c) => c.constraints.some((k) => k.kind === 'primaryKey' && k.autoincrement)) || stmt.constraints.some((k) => k.kind === 'primaryKey' && k.autoincrement);
  if (autoincrement && !info.autoincrement) throw new SqliteError('SQLITE_ERROR', 'AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY');
  if (temp && info.autoincrement) throw notSupported('AUTOINCREMENT in a temp table');
  return writeProgram((bt) => {
    if (!checkNew()) return;
    const target = temp ? tempTree(bt) : bt;
    createTable(target, name, sql);
    for (const index of info.indexes) createIndex(target, index.name, name, null);
    if (info.autoincrement) ensureSequenceTable(bt, catalog);
  });
}

// ---- CREATE INDEX -------------------------------------------------------------------------------

export function compileCreateIndex(stmt: CreateIndexStmt, env: CompileEnv): Program {
  checkSchema(stmt.schema);
  const name = stmt.name.name;
  if (isSchemaTable(stmt.table.name)) throw new SqliteError('SQLITE_ERROR', `table ${stmt.table.name} may not be indexed`);
  const qualifier = stmt.schema?.name.toLowerCase();
  // An index goes in its table's schema; a temp qualifier asks for a temp table.
  const table = env.catalog.table(stmt.table.name, qualifier === 'main' ? 'main' : undefined);
  if (!table) throw new SqliteError('SQLITE_ERROR', `no such table: ${qualifier ?? 'main'}.${stmt.table.name}`);
  if (qualifier === 'temp' && !table.temp) throw new SqliteError('SQLITE_ERROR', `cannot create a TEMP index on non-TEMP table "${table.name}"`);
  if (isReserved(table.name)) throw new SqliteError('SQLITE_ERROR', `table ${table.name} may not be indexed`);
  if (table.withoutRowid) throw notSupported('WITHOUT ROWID tables');
  if (isReserved(name)) throw new SqliteError('SQLITE_ERROR', `object name reserved for internal use: ${name}`);
  if (env.catalog.index(name, table.temp ? 'temp' : 'main')) {
    if (stmt.ifNotExists) return writeProgram(() => {});
    throw new SqliteError('SQLITE_ERROR', `index ${name} already exists`);
  }
  const sql = `CREATE ${stmt.unique ? 'UNIQUE ' : ''}INDEX ${env.sql.slice(stmt.name.start, statementTextEnd(env.sql, stmt.end))}`;
  const info = createdIndex(stmt, table, 0, collationByName);
  if (table.temp) info.temp = true;
  // Compiling the writer resolves the names in expression columns and WHERE (and reports unknown ones).
  const scope = new RowScope(table);
  const writer = new IndexWriter(info, table, scope, { bindings: env.bindings, functions: env.functions });
  return writeProgram((bt) => {
    info.root = createIndex(treeOf(bt, table), name, table.name, sql);
    fillIndex(bt, table, writer);
  });
}

// ---- REINDEX ------------------------------------------------------------------------------------

/**
 * REINDEX [name]: rebuilds every index, the indexes of a table, one index, or the indexes that use a
 * collation, by emptying each and filling it again from its table.
 */
export function compileReindex(stmt: ReindexStmt, env: CompileEnv): Program {
  checkSchema(stmt.schema);
  const catalog = env.catalog;
  const all = catalog.allIndexes();
  let chosen: IndexInfo[];
  const name = stmt.name?.name;
  if (name === undefined) chosen = all;
  else if (!stmt.schema && isCollationName(name)) chosen = all.filter((ix) => ix.columns.some((c) => c.collationName.toLowerCase() === name.toLowerCase()));
  else if (catalog.table(name)) chosen = catalog.table(name)!.indexes;
  else if (catalog.index(name)) chosen = [catalog.index(name)!];
  else throw new SqliteError('SQLITE_ERROR', 'unable to identify the object to be reindexed');
  const rebuilds = chosen.map((info) => {
    const table = catalog.table(info.table)!;
    return { info, table, writer: new IndexWriter(info, table, new RowScope(table), { bindings: env.bindings, functions: env.functions }) };
  });
  return writeProgram((bt) => {
    for (const { info, table, writer } of rebuilds) {
      treeOf(bt, info).clearTree(info.root);
      fillIndex(bt, table, writer);
    }
  });
}

function isCollationName(name: string): boolean {
  try {
    collationByName(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the text SQLite stores for a CREATE INDEX ends: at the `;` after the statement, or at the end
 * of the text; whitespace and comments before it are kept.
 */
function statementTextEnd(sql: string, end: number): number {
  let i = end;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === ';') return i;
    if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? sql.length : eol + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      return end;
    }
  }
  return sql.length;
}

// ---- DROP ---------------------------------------------------------------------------------------

export function compileDrop(stmt: DropStmt, env: CompileEnv): Program {
  checkSchema(stmt.schema);
  const name = stmt.name.name;
  const schema = stmt.schema?.name;
  if (stmt.object === 'TABLE') {
    if (isSchemaTable(name) || isTempSchemaTable(name)) throw new SqliteError('SQLITE_ERROR', `table ${name} may not be dropped`);
    const table = env.catalog.table(name, schema);
    if (!table) {
      if (stmt.ifExists) return writeProgram(() => {});
      throw new SqliteError('SQLITE_ERROR', `no such table: ${schema ? `${schema}.` : ''}${name}`);
    }
    if (isReserved(table.name)) throw new SqliteError('SQLITE_ERROR', `table ${table.name} may not be dropped`);
    const catalog = env.catalog;
    const implicitDelete = dropTableDelete(env, table);
    return writeProgram((bt, effects) => {
      implicitDelete?.(bt, effects);
      dropTriggersOf(bt, catalog, table);
      dropTable(treeOf(bt, table), table);
      if (table.autoincrement) forgetSequence(bt, catalog, table.name);
    });
  }
  if (stmt.object === 'INDEX') {
    const index = env.catalog.index(name, schema);
    if (!index) {
      if (stmt.ifExists) return writeProgram(() => {});
      throw new SqliteError('SQLITE_ERROR', `no such index: ${schema ? `${schema}.` : ''}${name}`);
    }
    if (index.origin !== 'c') throw new SqliteError('SQLITE_ERROR', 'index associated with UNIQUE or PRIMARY KEY constraint cannot be dropped');
    return writeProgram((bt) => dropIndex(treeOf(bt, index), index));
  }
  throw notSupported(`DROP ${stmt.object}`);
}

/** Frees the table's tree and its indexes' (largest root page first, as SQLite does) and their schema rows. */
function dropTable(bt: Btree, table: TableInfo): void {
  const roots = [table.root, ...table.indexes.map((index) => index.root)].sort((a, b) => b - a);
  for (const root of roots) bt.dropTree(root);
  for (const index of table.indexes) removeSchemaEntry(bt, 'index', index.name);
  removeSchemaEntry(bt, 'table', table.name);
}

function dropIndex(bt: Btree, index: IndexInfo): void {
  bt.dropTree(index.root);
  removeSchemaEntry(bt, 'index', index.name);
}
