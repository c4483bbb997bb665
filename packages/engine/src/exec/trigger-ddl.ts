/**
 * CREATE TRIGGER and DROP TRIGGER. A trigger is a row of `sqlite_schema` (type 'trigger', tbl_name its
 * table's name as that table's row spells it, rootpage 0) holding its statement as SQLite stores it:
 * "CREATE TRIGGER " followed by the text from the trigger's name (after any schema prefix) to its END.
 * As in SQLite the body is only parsed here; its names are resolved when a statement that fires it is
 * prepared. Triggers go with their table or view (DROP TABLE and DROP VIEW remove them, see
 * `dropTriggersOf`).
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError, notSupported } from '../common/errors.js';
import { addSchemaEntry, removeSchemaEntry } from '../schema/schema.js';
import type { CreateTriggerStmt, DropStmt } from '../sql/ast.js';
import { type Catalog, isSchemaTable } from '../plan/catalog.js';
import { type CompileEnv, type Program, writeProgram } from './program.js';

export function compileCreateTrigger(stmt: CreateTriggerStmt, env: CompileEnv): Program {
  if (stmt.temp) throw notSupported('TEMP triggers');
  const name = stmt.name.name;
  if (stmt.schema && stmt.schema.name.toLowerCase() !== 'main') throw new SqliteError('SQLITE_ERROR', `unknown database ${stmt.schema.name}`);
  if (stmt.tableSchema && stmt.tableSchema.name.toLowerCase() !== 'main') {
    throw new SqliteError('SQLITE_ERROR', `trigger ${name} cannot reference objects in database ${stmt.tableSchema.name}`);
  }
  if (env.bindings.types.length > 0) throw new SqliteError('SQLITE_ERROR', 'trigger cannot use variables');
  const catalog = env.catalog;
  const tableName = stmt.table.name;
  const table = catalog.table(tableName);
  const view = table ? undefined : catalog.view(tableName);
  if (!table && !view) throw new SqliteError('SQLITE_ERROR', `no such table: main.${tableName}`);
  if (name.toLowerCase().startsWith('sqlite_')) throw new SqliteError('SQLITE_ERROR', `object name reserved for internal use: ${name}`);
  if (catalog.trigger(name)) {
    if (stmt.ifNotExists) return writeProgram(() => {});
    throw new SqliteError('SQLITE_ERROR', `trigger ${name} already exists`);
  }
  const owner = table ? table.name : view!.name;
  // The schema row names the table as the statement spells it.
  if (isSchemaTable(tableName) || owner.toLowerCase().startsWith('sqlite_')) throw new SqliteError('SQLITE_ERROR', 'cannot create trigger on system table');
  const timing = stmt.timing ?? 'BEFORE';
  if (view && timing !== 'INSTEAD OF') throw new SqliteError('SQLITE_ERROR', `cannot create ${timing} trigger on view: ${owner}`);
  if (table && timing === 'INSTEAD OF') throw new SqliteError('SQLITE_ERROR', `cannot create INSTEAD OF trigger on table: ${owner}`);
  const sql = `CREATE TRIGGER ${env.sql.slice(stmt.name.start, stmt.end)}`;
  return writeProgram((bt) => addSchemaEntry(bt, { type: 'trigger', name, tblName: tableName, rootpage: 0, sql }));
}

export function compileDropTrigger(stmt: DropStmt, env: CompileEnv): Program {
  const name = stmt.name.name;
  const other = stmt.schema !== null && stmt.schema.name.toLowerCase() !== 'main';
  const trigger = other ? undefined : env.catalog.trigger(name);
  if (!trigger) {
    if (stmt.ifExists) return writeProgram(() => {});
    throw new SqliteError('SQLITE_ERROR', `no such trigger: ${stmt.schema ? `${stmt.schema.name}.` : ''}${name}`);
  }
  return writeProgram((bt) => removeSchemaEntry(bt, 'trigger', trigger.name));
}

/** Removes the schema rows of the triggers on table or view `name` (when it is dropped). */
export function dropTriggersOf(bt: Btree, catalog: Catalog, name: string): void {
  for (const trigger of catalog.triggersOn(name)) removeSchemaEntry(bt, 'trigger', trigger.name);
}
