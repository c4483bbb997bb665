/**
 * PRAGMA statements. Each pragma runs when its program opens and returns its rows as SQLite does:
 * the same column names, values and storage classes. Pragmas manage their own transactions through
 * the connection (`PragmaHost`), because some must run outside any (journal_mode, wal_checkpoint)
 * and most read only the header.
 *
 * Whether a PRAGMA returns rows depends only on its name and whether it was given a value
 * (`pragmaReturnsRows`), as in SQLite, so a prepared statement knows it is a reader before it runs.
 * Unknown pragmas do nothing and return nothing. Values are read as SQLite reads them: integers with
 * sqlite3Atoi's rules (leading digits, 0 on 32-bit overflow), booleans and synchronous levels by
 * their keywords.
 */
import type { Btree } from '../btree/btree.js';
import { checkIntegrity } from '../btree/integrity.js';
import { SqliteError, notSupported } from '../common/errors.js';
import { H } from '../pager/header.js';
import type { JournalMode } from '../pager/pager.js';
import { type Catalog, isSchemaTable } from '../plan/catalog.js';
import { type SqlValue, ValueType } from '../record/value.js';
import { readSchema } from '../schema/schema.js';
import type { CreateTableStmt, PragmaStmt } from '../sql/ast.js';
import { parse } from '../sql/index.js';
import type { ColumnMeta, CompileEnv, Effects, Program } from './program.js';
import { FOREIGN_KEY_CHECK_COLUMNS, FOREIGN_KEY_LIST_COLUMNS, foreignKeyCheck, foreignKeyList } from './fk-pragmas.js';

/** What a pragma needs from its connection. */
export interface PragmaHost {
  /** The connection's B-tree (it changes when `setPageSize` reopens an empty database). */
  readonly btree: Btree;
  /** The database path as opened ('' for an in-memory database). */
  readonly file: string;
  readonly memory: boolean;
  /** Whether an explicit transaction (BEGIN … COMMIT) is open. */
  readonly inTransaction: boolean;
  /** Whether the explicit transaction has begun writing. */
  readonly writing: boolean;
  foreignKeys: boolean;
  /** PRAGMA defer_foreign_keys. */
  deferForeignKeys: boolean;
  /** PRAGMA recursive_triggers: whether a trigger may fire itself (off by default, as in stock SQLite). */
  recursiveTriggers: boolean;
  /** SQLite's level: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA (above 2 runs as FULL). */
  synchronous: number;
  busyTimeout: number;
  cacheSize: number;
  /** PRAGMA case_sensitive_like = on|off: registers the built-in like() again with that setting. */
  setCaseSensitiveLike(on: boolean): void;
  /** Whether the temp database has been opened (SQLite opens it lazily; database_list shows it after). */
  tempOpened: boolean;
  /** The temp database, when it has been opened. */
  readonly tempBtree: Btree | null;
  /** Runs `fn` in a read transaction: the explicit one if open, else one of its own. */
  read<T>(fn: () => T): T;
  /** Runs `fn` in a write transaction: the explicit one if open, else one of its own, committed after. */
  write<T>(fn: () => T): T;
  /** The schema as of the current transaction. */
  catalog(): Catalog;
  /** Sets the page size a database not yet created will get. */
  setPageSize(size: number): void;
}

type Row = { types: Uint8Array; values: SqlValue[] };

interface PragmaDef {
  /** Result columns; empty when the pragma never returns rows. */
  readonly columns: readonly string[];
  /** Whether the form with a value (`= v` or `(v)`) returns rows too. */
  readonly rowsWithValue: boolean;
  run(host: PragmaHost, value: string | null, schema: string): Row[];
}

function row(...cells: [ValueType, SqlValue][]): Row {
  return { types: Uint8Array.from(cells.map((c) => c[0])), values: cells.map((c) => c[1]) };
}
const int = (v: number): [ValueType, SqlValue] => [ValueType.Integer, v];
const text = (v: string): [ValueType, SqlValue] => [ValueType.Text, v];
const nul: [ValueType, SqlValue] = [ValueType.Null, null];

/** sqlite3Atoi: optional sign, decimal digits (or 0x and hex digits); 0 when it does not fit 32 bits. */
export function atoi32(z: string): number {
  const hex = /^0x([0-9a-f]+)$/i.exec(z);
  if (hex) {
    const digits = hex[1]!.replace(/^0+/, '');
    return digits.length <= 8 ? parseInt(digits || '0', 16) | 0 : 0;
  }
  const m = /^([+-]?)0*(\d*)/.exec(z)!;
  const digits = m[2]!;
  if (digits.length > 10) return 0;
  const v = Number(digits || '0') * (m[1] === '-' ? -1 : 1);
  return v >= -2147483648 && v <= 2147483647 ? v : 0;
}

/** SQLite's getSafetyLevel: a number, or one of its keywords; `dflt` otherwise. */
function safetyLevel(z: string, omitFull: boolean, dflt: number): number {
  if (/^[0-9]/.test(z)) return atoi32(z) & 0xff;
  const words: Record<string, number> = { on: 1, no: 0, off: 0, false: 0, yes: 1, true: 1, extra: 3, full: 2 };
  const key = z.toLowerCase();
  if (key in words && !(omitFull && (key === 'extra' || key === 'full'))) return words[key]!;
  return dflt;
}

function booleanValue(z: string): boolean {
  return safetyLevel(z, true, 0) !== 0;
}

/** A 4-byte header field read as a signed integer, in a read transaction. */
function headerInt(field: number): PragmaDef {
  return {
    columns: [],
    rowsWithValue: false,
    run(host) {
      return [row(int(host.read(() => host.btree.getMeta(field)) | 0))];
    },
  };
}

/** A header field that `PRAGMA name = N` sets. */
function headerSetting(name: string, field: number): PragmaDef {
  return {
    columns: [name],
    rowsWithValue: false,
    run(host, value) {
      if (value === null) return headerInt(field).run(host, null, 'main');
      const v = atoi32(value);
      host.write(() => host.btree.setMeta(field, v));
      return [];
    },
  };
}

/** The column's position in the primary key (1-based), 0 when it is not part of it. */
function primaryKeyPositions(stmt: CreateTableStmt): number[] {
  const positions: number[] = stmt.columns.map((c) => (c.constraints.some((k) => k.kind === 'primaryKey') ? 1 : 0));
  for (const c of stmt.constraints) {
    if (c.kind !== 'primaryKey') continue;
    c.columns.forEach((term, k) => {
      const expr = term.expr;
      if (expr.kind !== 'column' || expr.table !== null) return;
      const i = stmt.columns.findIndex((col) => col.name.name.toLowerCase() === expr.column.name.toLowerCase());
      if (i >= 0) positions[i] = k + 1;
    });
  }
  return positions;
}

/** `sqlite_schema` as table_info describes it. */
const SCHEMA_COLUMNS: [string, string][] = [
  ['type', 'TEXT'],
  ['name', 'TEXT'],
  ['tbl_name', 'TEXT'],
  ['rootpage', 'INT'],
  ['sql', 'TEXT'],
];

/** The CREATE TABLE statement of table `name` (of the temp schema with `temp`), or undefined. */
function createStatement(host: PragmaHost, name: string, temp: boolean): { stmt: CreateTableStmt; sql: string } | undefined {
  const bt = temp ? host.tempBtree : host.btree;
  if (!bt) return undefined;
  const entry = readSchema(bt).find((e) => e.type === 'table' && e.name.toLowerCase() === name.toLowerCase() && e.sql !== null);
  if (!entry) return undefined;
  const [stmt] = parse(entry.sql!);
  return stmt?.kind === 'createTable' ? { stmt, sql: entry.sql! } : undefined;
}

function tableInfo(extended: boolean): PragmaDef {
  return {
    columns: ['cid', 'name', 'type', 'notnull', 'dflt_value', 'pk', ...(extended ? ['hidden'] : [])],
    rowsWithValue: true,
    run(host, value, schema) {
      if (value !== null && (isSchemaTable(value) || (schema === 'temp' && /^sqlite_temp_(schema|master)$/i.test(value)))) {
        return SCHEMA_COLUMNS.map(([name, type], cid) => row(int(cid), text(name), text(type), int(0), nul, int(0), ...(extended ? [int(0)] : [])));
      }
      if (value === null) return [];
      return host.read(() => {
        const table = host.catalog().table(value, schema || undefined);
        const created = table && createStatement(host, value, table.temp === true);
        if (!table || !created) return [];
        const pk = primaryKeyPositions(created.stmt);
        const rows: Row[] = [];
        table.columns.forEach((col, i) => {
          const generated = created.stmt.columns[i]!.constraints.find((k) => k.kind === 'generated');
          const hidden = generated ? (generated.kind === 'generated' && generated.storage === 'STORED' ? 3 : 2) : 0;
          if (hidden && !extended) return;
          const dflt: [ValueType, SqlValue] = col.defaultValue ? text(col.defaultSql) : nul;
          rows.push(row(int(i), text(col.name), text(col.declaredType), int(col.notNull ? 1 : 0), dflt, int(pk[i]!), ...(extended ? [int(hidden)] : [])));
        });
        return rows;
      });
    },
  };
}

/** PRAGMA index_list(table): the table's indexes, newest first. */
const INDEX_LIST: PragmaDef = {
  columns: ['seq', 'name', 'unique', 'origin', 'partial'],
  rowsWithValue: true,
  run(host, value, schema) {
    if (value === null) return [];
    return host.read(() => {
      const table = host.catalog().table(value, schema || undefined);
      if (!table) return [];
      return [...table.indexes]
        .reverse()
        .map((index, seq) => row(int(seq), text(index.name), int(index.unique ? 1 : 0), text(index.origin), int(index.partial ? 1 : 0)));
    });
  },
};

/** PRAGMA index_info / index_xinfo(index): its key columns; xinfo adds order, collation and the rowid. */
function indexInfo(extended: boolean): PragmaDef {
  return {
    columns: extended ? ['seqno', 'cid', 'name', 'desc', 'coll', 'key'] : ['seqno', 'cid', 'name'],
    rowsWithValue: true,
    run(host, value, schema) {
      if (value === null) return [];
      return host.read(() => {
        const catalog = host.catalog();
        const index = catalog.index(value, schema || undefined);
        const table = index && catalog.table(index.table, index.temp ? 'temp' : 'main');
        if (!index || !table) return [];
        const rows = index.columns.map((col, seq) => {
          const name = col.column >= 0 ? text(table.columns[col.column]!.name) : nul;
          const base: [ValueType, SqlValue][] = [int(seq), int(col.column), name];
          return extended ? row(...base, int(col.desc ? 1 : 0), text(col.collationName), int(1)) : row(...base);
        });
        if (extended) rows.push(row(int(index.columns.length), int(-1), nul, int(0), text('BINARY'), int(0)));
        return rows;
      });
    },
  };
}

const TABLE_LIST: PragmaDef = {
  columns: ['schema', 'name', 'type', 'ncol', 'wr', 'strict'],
  rowsWithValue: true,
  run(host, value, schema) {
    const wanted = (name: string): boolean => value === null || name.toLowerCase() === value.toLowerCase();
    const rows: Row[] = [];
    if (schema !== 'temp') {
      host.read(() => {
        // SQLite lists tables from its schema hash, newest first for small schemas.
        for (const entry of readSchema(host.btree).reverse()) {
          if (entry.type !== 'table' || entry.sql === null || !wanted(entry.name)) continue;
          const [stmt] = parse(entry.sql);
          if (stmt?.kind !== 'createTable') continue;
          rows.push(row(text('main'), text(entry.name), text('table'), int(stmt.columns.length), int(stmt.withoutRowid ? 1 : 0), int(stmt.strict ? 1 : 0)));
        }
      });
      // A name filter matches the schema tables by their historical names only.
      if (wanted('sqlite_master')) rows.push(row(text('main'), text('sqlite_schema'), text('table'), int(5), int(0), int(0)));
    }
    const temp = host.tempBtree;
    if (schema !== 'main' && temp) {
      host.read(() => {
        for (const entry of readSchema(temp).reverse()) {
          if (entry.type !== 'table' || entry.sql === null || !wanted(entry.name)) continue;
          const [stmt] = parse(entry.sql);
          if (stmt?.kind !== 'createTable') continue;
          rows.push(row(text('temp'), text(entry.name), text('table'), int(stmt.columns.length), int(stmt.withoutRowid ? 1 : 0), int(stmt.strict ? 1 : 0)));
        }
      });
    }
    if (schema !== 'main' && wanted('sqlite_temp_master')) {
      rows.push(row(text('temp'), text('sqlite_temp_schema'), text('table'), int(5), int(0), int(0)));
    }
    return rows;
  },
};

function integrityCheck(name: string): PragmaDef {
  return {
    columns: [name],
    rowsWithValue: true,
    run(host, value) {
      const maxErrors = value !== null && /^[0-9]/.test(value) ? atoi32(value) : 100;
      const problems = host.read(() => checkIntegrity(host.btree, { maxErrors: maxErrors > 0 ? maxErrors : 100 }));
      // SQLite reports the B-tree problems of a database as one row: a heading, then one per line.
      return [row(text(problems.length === 0 ? 'ok' : `*** in database main ***\n${problems.join('\n')}`))];
    },
  };
}

const JOURNAL_MODES = ['delete', 'truncate', 'persist', 'memory', 'wal', 'off'];

const PRAGMAS: Record<string, PragmaDef> = {
  user_version: headerSetting('user_version', H.userVersion),
  application_id: headerSetting('application_id', H.applicationId),
  schema_version: {
    columns: ['schema_version'],
    rowsWithValue: false,
    // Writing the schema cookie is refused silently, as SQLite does in defensive mode.
    run: (host, value) => (value === null ? headerInt(H.schemaCookie).run(host, null, 'main') : []),
  },
  journal_mode: {
    columns: ['journal_mode'],
    rowsWithValue: true,
    run(host, value) {
      if (host.memory) return [row(text('memory'))];
      const pager = host.btree.pager;
      const mode = value?.toLowerCase();
      if (mode === 'wal' || mode === 'delete') {
        if (mode !== pager.journalMode) {
          if (host.inTransaction) {
            throw new SqliteError('SQLITE_ERROR', `cannot change ${mode === 'wal' ? 'into' : 'out of'} wal mode from within a transaction`);
          }
          pager.setJournalMode(mode satisfies JournalMode);
        }
      } else if (mode !== undefined && JOURNAL_MODES.includes(mode)) {
        throw notSupported(`journal_mode=${mode} (Hearth has WAL and DELETE)`);
      }
      return [row(text(pager.journalMode))];
    },
  },
  page_size: {
    columns: ['page_size'],
    rowsWithValue: false,
    run(host, value) {
      if (value === null) return [row(int(host.btree.pager.pageSize))];
      host.setPageSize(atoi32(value));
      return [];
    },
  },
  page_count: {
    columns: ['page_count'],
    rowsWithValue: true,
    run: (host) => [row(int(host.read(() => host.btree.pager.pageCount)))],
  },
  freelist_count: headerIntNamed('freelist_count', H.freelistCount),
  encoding: {
    columns: ['encoding'],
    rowsWithValue: false,
    run: (_host, value) => (value === null ? [row(text('UTF-8'))] : []),
  },
  synchronous: {
    columns: ['synchronous'],
    rowsWithValue: false,
    run(host, value) {
      if (value === null) return [row(int(host.synchronous))];
      host.synchronous = ((safetyLevel(value, false, 1) + 1) & 7 || 1) - 1;
      return [];
    },
  },
  cache_size: {
    columns: ['cache_size'],
    rowsWithValue: false,
    run(host, value) {
      if (value === null) return [row(int(host.cacheSize))];
      host.cacheSize = atoi32(value);
      return [];
    },
  },
  case_sensitive_like: {
    // Write-only, as in SQLite: without a value it does nothing and returns nothing.
    columns: [],
    rowsWithValue: false,
    run(host, value) {
      if (value !== null) host.setCaseSensitiveLike(booleanValue(value));
      return [];
    },
  },
  foreign_keys: {
    columns: ['foreign_keys'],
    rowsWithValue: false,
    run(host, value) {
      if (value === null) return [row(int(host.foreignKeys ? 1 : 0))];
      // As in SQLite, the setting cannot change inside a transaction.
      if (!host.inTransaction) host.foreignKeys = booleanValue(value);
      return [];
    },
  },
  defer_foreign_keys: {
    columns: ['defer_foreign_keys'],
    rowsWithValue: false,
    run(host, value) {
      if (value === null) return [row(int(host.deferForeignKeys ? 1 : 0))];
      host.deferForeignKeys = booleanValue(value);
      return [];
    },
  },
  recursive_triggers: {
    columns: ['recursive_triggers'],
    rowsWithValue: false,
    run(host, value) {
      if (value === null) return [row(int(host.recursiveTriggers ? 1 : 0))];
      host.recursiveTriggers = booleanValue(value);
      return [];
    },
  },
  busy_timeout: {
    columns: ['timeout'],
    rowsWithValue: true,
    run(host, value) {
      if (value !== null) host.busyTimeout = Math.max(0, atoi32(value));
      return [row(int(host.busyTimeout))];
    },
  },
  foreign_key_list: {
    columns: FOREIGN_KEY_LIST_COLUMNS,
    rowsWithValue: true,
    run: (host, value, schema) => (value === null ? [] : host.read(() => foreignKeyList(host.catalog(), value, schema || undefined))),
  },
  foreign_key_check: {
    columns: FOREIGN_KEY_CHECK_COLUMNS,
    rowsWithValue: true,
    run(host, value, schema) {
      const temp = schema === 'temp';
      return host.read(() => (temp && !host.tempBtree ? [] : foreignKeyCheck(host.catalog(), host.btree, value, temp ? 'temp' : 'main')));
    },
  },
  table_info: tableInfo(false),
  table_xinfo: tableInfo(true),
  table_list: TABLE_LIST,
  index_list: INDEX_LIST,
  index_info: indexInfo(false),
  index_xinfo: indexInfo(true),
  database_list: {
    columns: ['seq', 'name', 'file'],
    rowsWithValue: false,
    run: (host) => [row(int(0), text('main'), text(host.memory ? '' : host.file)), ...(host.tempOpened ? [row(int(1), text('temp'), text(''))] : [])],
  },
  integrity_check: integrityCheck('integrity_check'),
  quick_check: integrityCheck('quick_check'),
  wal_checkpoint: {
    columns: ['busy', 'log', 'checkpointed'],
    rowsWithValue: true,
    run(host, value) {
      const pager = host.btree.pager;
      if (pager.journalMode !== 'wal' || host.memory) return [row(int(0), int(-1), int(-1))];
      const frames = pager.walBacklog;
      if (host.writing) return [row(int(1), int(frames), int(0))];
      if (!pager.checkpoint()) return [row(int(value?.toLowerCase() === 'passive' || value === null ? 0 : 1), int(frames), int(0))];
      return value?.toLowerCase() === 'truncate' ? [row(int(0), int(0), int(0))] : [row(int(0), int(frames), int(frames))];
    },
  },
};

/** Pragmas that answer for the (empty) temp schema instead of failing on it. */
const TEMP_AWARE = new Set<PragmaDef>([PRAGMAS.foreign_key_list!, PRAGMAS.foreign_key_check!, PRAGMAS.table_info!, PRAGMAS.table_xinfo!, TABLE_LIST, INDEX_LIST, PRAGMAS.index_info!, PRAGMAS.index_xinfo!]);

function headerIntNamed(name: string, field: number): PragmaDef {
  return { columns: [name], rowsWithValue: true, run: (host) => headerInt(field).run(host, null, 'main') };
}

function definition(stmt: PragmaStmt): PragmaDef | undefined {
  const name = stmt.name.name.toLowerCase();
  return Object.hasOwn(PRAGMAS, name) ? PRAGMAS[name] : undefined;
}

/** Whether the PRAGMA statement returns rows (its result has columns). */
export function pragmaReturnsRows(stmt: PragmaStmt): boolean {
  const def = definition(stmt);
  if (!def) return false;
  return stmt.value === null ? def.columns.length > 0 : def.rowsWithValue;
}

/** The value as SQLite's pragma code sees it: the number's text, the name or the string. */
function valueText(stmt: PragmaStmt): string | null {
  const v = stmt.value;
  if (v === null) return null;
  return v.kind === 'number' ? v.text : v.name;
}

/** Compiles a PRAGMA; it runs when the program opens, in transactions of its own. */
export function compilePragma(stmt: PragmaStmt, env: CompileEnv): Program {
  const host = env.connection;
  if (!host) throw notSupported('PRAGMA without a connection');
  const schema = stmt.schema ? stmt.schema.name.toLowerCase() : '';
  if (schema !== '' && schema !== 'main' && schema !== 'temp') throw new SqliteError('SQLITE_ERROR', `unknown database ${stmt.schema!.name}`);
  const def = definition(stmt);
  const columns = def && pragmaReturnsRows(stmt) ? def.columns : [];
  const meta: ColumnMeta[] = columns.map((name) => ({ name, column: null, table: null, database: null, type: null }));
  const value = valueText(stmt);
  let rows: Row[] = [];
  let next = 0;
  const program: Program = {
    columns,
    meta,
    readonly: true,
    types: new Uint8Array(columns.length),
    values: new Array<SqlValue>(columns.length).fill(null),
    open(_bt: Btree, _effects: Effects): void {
      next = 0;
      rows = [];
      if (!def) return;
      if (schema === 'temp' || (schema === '' && (def === PRAGMAS.integrity_check || def === PRAGMAS.quick_check))) host.tempOpened = true;
      if (schema === 'temp' && !TEMP_AWARE.has(def)) {
        throw notSupported('the temp schema');
      }
      rows = def.run(host, value, schema === '' ? (TEMP_AWARE.has(def) ? '' : 'main') : schema);
    },
    step(): boolean {
      if (next >= rows.length || columns.length === 0) return false;
      const r = rows[next++]!;
      program.types.set(r.types);
      for (let i = 0; i < r.values.length; i++) program.values[i] = r.values[i]!;
      return true;
    },
    close(): void {
      rows = [];
    },
  };
  return program;
}
