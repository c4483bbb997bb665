/**
 * CREATE TRIGGER and DROP TRIGGER. A trigger is a row of `sqlite_schema` (type 'trigger', tbl_name its
 * table's name as that table's row spells it, rootpage 0) holding its statement as SQLite stores it:
 * "CREATE TRIGGER " followed by the text from the trigger's name (after any schema prefix) to its END.
 * As in SQLite the body is only parsed here; its names are resolved when a statement that fires it is
 * prepared. Triggers go with their table or view (DROP TABLE and DROP VIEW remove them, see
 * `dropTriggersOf`).
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError } from '../common/errors.js';
import { addSchemaEntry, removeSchemaEntry } from '../schema/schema.js';
import type { CreateTriggerStmt, DropStmt } from '../sql/ast.js';
import { type Catalog, isSchemaTable } from '../plan/catalog.js';
import { type CompileEnv, type Program, writeProgram } from './program.js';
import { createdSchema, isKnownSchema, tempTree, treeOf } from './schemas.js';

export function compileCreateTrigger(stmt: CreateTriggerStmt, env: CompileEnv): Program {
  const name = stmt.name.name;
  const declared = createdSchema(stmt.temp, stmt.schema, 'trigger');
  if (stmt.tableSchema && !isKnownSchema(stmt.tableSchema.name)) {
    throw new SqliteError('SQLITE_ERROR', `trigger ${name} cannot reference objects in database ${stmt.tableSchema.name}`);
  }
  if (env.bindings.types.length > 0) throw new SqliteError('SQLITE_ERROR', 'trigger cannot use variables');
  const catalog = env.catalog;
  const tableName = stmt.table.name;
  const table = catalog.table(tableName, stmt.tableSchema?.name);
  const view = table ? undefined : catalog.view(tableName, stmt.tableSchema?.name);
  if (!table && !view) throw new SqliteError('SQLITE_ERROR', `no such table: ${stmt.tableSchema?.name ?? 'main'}.${tableName}`);
  // A trigger on a temp table or view is a temp trigger.
  const temp = declared === 'temp' || (table ?? view)!.temp === true;
  if (name.toLowerCase().startsWith('sqlite_')) throw new SqliteError('SQLITE_ERROR', `object name reserved for internal use: ${name}`);
  if (catalog.trigger(name, temp ? 'temp' : 'main')) {
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
  return writeProgram((bt) => addSchemaEntry(temp ? tempTree(bt) : bt, { type: 'trigger', name, tblName: tableName, rootpage: 0, sql }));
}

export function compileDropTrigger(stmt: DropStmt, env: CompileEnv): Program {
  const name = stmt.name.name;
  const trigger = env.catalog.trigger(name, stmt.schema?.name);
  if (!trigger) {
    if (stmt.ifExists) return writeProgram(() => {});
    throw new SqliteError('SQLITE_ERROR', `no such trigger: ${stmt.schema ? `${stmt.schema.name}.` : ''}${name}`);
  }
  return writeProgram((bt) => removeSchemaEntry(treeOf(bt, trigger), 'trigger', trigger.name));
}

/** Removes the schema rows of the triggers on `table`, a table or view being dropped (temp ones too). */
export function dropTriggersOf(bt: Btree, catalog: Catalog, table: { name: string; temp?: boolean }): void {
  for (const trigger of catalog.triggersOn(table)) removeSchemaEntry(treeOf(bt, trigger), 'trigger', trigger.name);
}
