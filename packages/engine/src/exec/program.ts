/**
 * Compiled statements. A `Program` is made once per prepared statement (and again when the schema
 * changes) and run any number of times: `open` starts an execution with the statement's bindings,
 * `step` produces the next result row into `types`/`values`, `close` ends it. Writing statements do
 * their work in `open` and produce no rows.
 *
 * This module is the interface and the dispatch: queries are in query.ts and select.ts, views in
 * view.ts, INSERT in insert.ts, UPDATE in
 * update.ts, DELETE in delete.ts, CREATE and DROP in ddl.ts, ALTER TABLE in alter.ts, VACUUM in vacuum.ts, ANALYZE in analyze.ts; other statements are reported as not
 * supported yet. Transactions are the caller's (`api/database.ts`): programs run inside one.
 */
import type { Btree } from '../btree/btree.js';
import { notSupported } from '../common/errors.js';
import type { Int64 } from '../record/int64.js';
import type { SqlValue } from '../record/value.js';
import type { Statement } from '../sql/ast.js';
import type { FunctionContext } from '../func/types.js';
import type { Catalog } from '../plan/catalog.js';
import type { Bindings } from './expr.js';
import { compileCreateIndex, compileCreateTable, compileDrop, compileReindex } from './ddl.js';
import { compileDelete } from './delete.js';
import { compileInsert } from './insert.js';
import type { NestedQueries } from './nested.js';
import { compileTopQuery, compileWithQueries } from './query.js';
import { compileCreateView, compileDropView } from './view.js';
import { type PragmaHost, compilePragma } from './pragma.js';
import { compileUpdate } from './update.js';
import { explainQueryPlan } from './explain.js';
import type { TriggerContext, TriggerState } from './trigger.js';
import type { ForeignKeyState } from './foreign-keys.js';
import { compileCreateTrigger, compileDropTrigger } from './trigger-ddl.js';
import { compileAlterTable } from './alter.js';
import { compileAnalyze } from './analyze.js';
import { compileVacuum } from './vacuum.js';

/** What a running program reports after a write. */
export interface Effects {
  changes: number;
  lastInsertRowid: Int64;
}

/** A result column as better-sqlite3's `columns()` describes it. */
export interface ColumnMeta {
  name: string;
  /** The table column it reads directly, else null. */
  column: string | null;
  table: string | null;
  database: string | null;
  /** The column's declared type, else null. */
  type: string | null;
}

export interface Program {
  /** Result column names (empty for statements that return no rows). */
  readonly columns: readonly string[];
  /** What each result column is. */
  readonly meta: readonly ColumnMeta[];
  /** Whether the statement only reads. */
  readonly readonly: boolean;
  /** Values of the current row, with their storage classes. */
  readonly types: Uint8Array;
  readonly values: SqlValue[];
  /** Subtypes of the current row's values, where the program keeps them (see Args.subtype). */
  readonly subtypes?: Uint8Array;
  /**
   * Set on a writing statement that can fail only before its first change (after it, only by an I/O
   * error): inside a transaction it needs no savepoint of its own to undo a failure, as SQLite opens no
   * statement journal for it.
   */
  readonly failsOnlyBeforeWriting?: boolean;
  open(bt: Btree, effects: Effects): void;
  step(): boolean;
  close(): void;
}

/** What compiling a statement needs. */
export interface CompileEnv {
  sql: string;
  catalog: Catalog;
  bindings: Bindings;
  functions: FunctionContext;
  /** The connection, for PRAGMA. */
  connection?: PragmaHost;
  /** Subqueries, CTEs and views: set by `compileStatement` for the statements that can hold them. */
  nested?: NestedQueries;
  /** The connection's trigger state: recursive_triggers, the triggers firing, the change counters. */
  triggerState?: TriggerState;
  /** Set while a trigger's WHEN and body are compiled: OLD and NEW, the conflict override (trigger.ts). */
  trigger?: TriggerContext;
  /** The connection's foreign key settings and counters (foreign-keys.ts); without it none are enforced. */
  foreignKeys?: ForeignKeyState;
}

/** Compiles a parsed statement (other than transaction control, which the connection handles). */
export function compileStatement(stmt: Statement, env: CompileEnv): Program {
  switch (stmt.kind) {
    case 'select':
      return compileTopQuery(stmt, env);
    case 'insert':
      return compileWithQueries(env, (withQueries) => compileInsert(stmt, withQueries));
    case 'update':
      return compileWithQueries(env, (withQueries) => compileUpdate(stmt, withQueries));
    case 'delete':
      return compileWithQueries(env, (withQueries) => compileDelete(stmt, withQueries));
    case 'createTable':
      return stmt.asSelect ? compileWithQueries(env, (withQueries) => compileCreateTable(stmt, withQueries)) : compileCreateTable(stmt, env);
    case 'pragma':
      return compilePragma(stmt, env);
    case 'createIndex':
      return compileCreateIndex(stmt, env);
    case 'createView':
      return compileCreateView(stmt, env);
    case 'createTrigger':
      return compileCreateTrigger(stmt, env);
    case 'reindex':
      return compileReindex(stmt, env);
    case 'alterTable':
      return compileAlterTable(stmt, env);
    case 'vacuum':
      return compileVacuum(stmt, env);
    case 'analyze':
      return compileAnalyze(stmt, env);
    case 'drop':
      if (stmt.object === 'VIEW') return compileDropView(stmt, env);
      if (stmt.object === 'TRIGGER') return compileDropTrigger(stmt, env);
      return compileDrop(stmt, env);
    case 'explain':
      if (!stmt.queryPlan) throw notSupported('EXPLAIN');
      return explainQueryPlan(() => compileStatement(stmt.stmt, env));
    default:
      throw notSupported(`${stmt.kind} statements`);
  }
}

/** A program that does its work in `open` and returns no rows. */
export function writeProgram(run: (bt: Btree, effects: Effects) => void, failsOnlyBeforeWriting = false): Program {
  return {
    columns: [],
    meta: [],
    readonly: false,
    failsOnlyBeforeWriting,
    types: new Uint8Array(0),
    values: [],
    open: run,
    step: () => false,
    close(): void {},
  };
}
