/**
 * CREATE VIEW and DROP VIEW. A view is a row of `sqlite_schema` (type 'view', rootpage 0) holding its
 * CREATE VIEW statement, normalized as SQLite normalizes it: "CREATE VIEW " followed by the statement's
 * text from the view's name on (so a schema prefix and IF NOT EXISTS are left out). SQLite checks the
 * view's query only when the view is used, and so does Hearth: queries expand views as FROM
 * subqueries (see from.ts).
 */
import type { Btree } from '../btree/btree.js';
import { SqliteError } from '../common/errors.js';
import { addSchemaEntry, removeSchemaEntry } from '../schema/schema.js';
import type { CreateViewStmt, DropStmt } from '../sql/ast.js';
import type { CompileEnv, Program } from './program.js';
import { dropTriggersOf } from './trigger-ddl.js';
import { createdSchema, isKnownSchema, tempTree, treeOf } from './schemas.js';

/** A program that does its work in `open` and returns no rows. */
function action(run: (bt: Btree) => void): Program {
  return { columns: [], meta: [], readonly: false, types: new Uint8Array(0), values: [], open: run, step: () => false, close(): void {} };
}

export function compileCreateView(stmt: CreateViewStmt, env: CompileEnv): Program {
  const schema = createdSchema(stmt.temp, stmt.schema, 'table');
  const name = stmt.name.name;
  const sql = `CREATE VIEW ${env.sql.slice(stmt.name.start, stmt.end)}`;
  const exists = env.catalog.hasTable(name, schema);
  return action((bt) => {
    if (exists && stmt.ifNotExists) return;
    if (name.toLowerCase().startsWith('sqlite_')) throw new SqliteError('SQLITE_ERROR', `object name reserved for internal use: ${name}`);
    addSchemaEntry(schema === 'temp' ? tempTree(bt) : bt, { type: 'view', name, tblName: name, rootpage: 0, sql });
  });
}

export function compileDropView(stmt: DropStmt, env: CompileEnv): Program {
  if (stmt.schema && !isKnownSchema(stmt.schema.name)) throw new SqliteError('SQLITE_ERROR', `unknown database ${stmt.schema.name}`);
  const name = stmt.name.name;
  const view = env.catalog.view(name, stmt.schema?.name);
  const table = env.catalog.table(name, stmt.schema?.name);
  const catalog = env.catalog;
  return action((bt) => {
    if (!view) {
      if (table) throw new SqliteError('SQLITE_ERROR', `use DROP TABLE to delete table ${table.name}`);
      if (stmt.ifExists) return;
      throw new SqliteError('SQLITE_ERROR', `no such view: ${stmt.schema ? `${stmt.schema.name}.` : ''}${name}`);
    }
    dropTriggersOf(bt, catalog, view);
    removeSchemaEntry(treeOf(bt, view), 'view', view.name);
  });
}
