/**
 * PRAGMA against real SQLite (better-sqlite3): the same statements on both, comparing whether each
 * returns rows, the column names, the values with their storage classes (INTEGER as bigint), and
 * error messages. better-sqlite3's own defaults (foreign_keys on, a 5 s busy timeout, a 16 MB cache)
 * are set back to SQLite's first, and Hearth opens files in rollback mode as SQLite does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../node.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-pragma-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

type Outcome = { reader: boolean; columns?: string[]; rows?: unknown[][] } | { error: string };

interface Side {
  prepare(sql: string): {
    reader: boolean;
    columns(): { name: string }[];
    raw(on: boolean): { safeIntegers(on: boolean): { all(): unknown[] } };
    run(): unknown;
  };
}

function outcome(db: Side, sql: string): Outcome {
  try {
    const stmt = db.prepare(sql);
    if (!stmt.reader) {
      stmt.run();
      return { reader: false };
    }
    const columns = stmt.columns().map((c) => c.name);
    const rows = stmt.raw(true).safeIntegers(true).all() as unknown[][];
    return { reader: true, columns, rows };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const SQLITE_DEFAULTS = ['PRAGMA foreign_keys = 0', 'PRAGMA busy_timeout = 0', 'PRAGMA cache_size = -2000'];

/** Runs `script` on both engines and expects the same outcome for every statement. */
function compare(script: string[], file: string | null): void {
  const oracleFile = file === null ? ':memory:' : path.join(dir, `sqlite-${file}`);
  const hearthFile = file === null ? ':memory:' : path.join(dir, `hearth-${file}`);
  const oracle = new BetterSqlite3(oracleFile);
  const hearth = new Database(hearthFile, { journalMode: 'delete' });
  try {
    for (const sql of SQLITE_DEFAULTS) oracle.prepare(sql).run();
    for (const sql of script) {
      const expected = outcome(oracle as unknown as Side, sql);
      const actual = outcome(hearth as unknown as Side, sql.replaceAll(oracleFile, hearthFile));
      if ('rows' in expected && sql.includes('database_list')) {
        expected.rows = expected.rows!.map((r) => r.map((v) => (v === oracleFile ? hearthFile : v)));
      }
      expect({ sql, ...actual }).toEqual({ sql, ...expected });
    }
  } finally {
    oracle.close();
    hearth.close();
  }
}

const TABLES = [
  `CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT NOT NULL DEFAULT 'x', c REAL DEFAULT (1+2), d, "e f" VARCHAR(10) DEFAULT -3, g DEFAULT NULL, h DEFAULT CURRENT_TIME)`,
  'CREATE TABLE u(x, y INT, z)',
  'CREATE TABLE IF NOT EXISTS "Mixed Case"(k TEXT COLLATE NOCASE)',
];

describe('PRAGMA against SQLite', () => {
  it('header values, settings and their value parsing', () => {
    const script = [...TABLES];
    for (const name of ['user_version', 'application_id']) {
      for (const v of ['7', '-1', '4294967296', "'12'", '1.5', 'abc', '2147483647', '2147483648', '-2147483648', '0x10', '+5', '" 42"']) {
        script.push(`PRAGMA ${name} = ${v}`, `PRAGMA ${name}`, `PRAGMA main.${name}`);
      }
    }
    script.push('PRAGMA schema_version', 'PRAGMA schema_version = 10', 'PRAGMA schema_version');
    for (const v of ['0', '1', '2', '3', '9', '255', 'off', 'normal', 'full', 'extra', 'on', 'yes', 'bogus', "'FULL'"]) {
      script.push(`PRAGMA synchronous = ${v}`, 'PRAGMA synchronous');
    }
    for (const v of ['ON', 'no', '2', 'yes', 'true', 'xyz', 'off', '1', 'FALSE']) script.push(`PRAGMA foreign_keys = ${v}`, 'PRAGMA foreign_keys');
    for (const v of ['100', '-4000', '0', 'abc']) script.push(`PRAGMA cache_size = ${v}`, 'PRAGMA cache_size');
    for (const v of ['300', '-5', '0']) script.push(`PRAGMA busy_timeout = ${v}`, 'PRAGMA busy_timeout');
    script.push('PRAGMA encoding', "PRAGMA encoding = 'UTF-16'", 'PRAGMA encoding', 'PRAGMA page_size', 'PRAGMA page_count', 'PRAGMA freelist_count');
    script.push('PRAGMA nosuch', 'PRAGMA nosuch = 3', 'PRAGMA foo.user_version', 'PRAGMA main.nosuch');
    compare(script, null);
  });

  it('table_info, table_xinfo and table_list', () => {
    const script = [...TABLES];
    for (const p of ['table_info', 'table_xinfo']) {
      for (const arg of ['(t)', '(u)', '("Mixed Case")', "('mixed case')", '(T)', ' = t', '(nope)', '', '(sqlite_schema)', '(sqlite_master)']) {
        script.push(`PRAGMA ${p}${arg}`, `PRAGMA main.${p}${arg}`, `PRAGMA temp.${p}${arg}`);
      }
    }
    script.push('PRAGMA table_list', 'PRAGMA table_list(t)', 'PRAGMA main.table_list', 'PRAGMA temp.table_list', 'PRAGMA table_list(sqlite_schema)', 'PRAGMA table_list(sqlite_master)', 'PRAGMA table_list(sqlite_temp_master)');
    compare(script, null);
  });

  it('index_list, index_info and index_xinfo', () => {
    const script = [
      ...TABLES,
      'CREATE TABLE x(a, b TEXT COLLATE nocase, c UNIQUE, d INTEGER PRIMARY KEY, PRIMARY KEY(a, b), UNIQUE(c COLLATE RTRIM DESC))',
      'CREATE INDEX xi ON x(b DESC, a) WHERE a > 0',
      'CREATE UNIQUE INDEX xe ON x(a + 1, d)',
      'CREATE INDEX "Odd Name" ON x(c COLLATE NoCase)',
    ];
    for (const p of ['index_list(x)', 'index_list(X)', 'index_list(t)', 'index_list(nope)', 'index_list']) script.push(`PRAGMA ${p}`, `PRAGMA main.${p}`);
    for (const p of ['index_info', 'index_xinfo']) {
      for (const arg of ['(xi)', '(xe)', '("Odd Name")', '(sqlite_autoindex_x_1)', '(sqlite_autoindex_x_2)', '(sqlite_autoindex_x_3)', '(nope)', '(x)', '']) {
        script.push(`PRAGMA ${p}${arg}`, `PRAGMA temp.${p}${arg}`);
      }
    }
    compare(script, null);
  });

  it('integrity_check, database_list and wal_checkpoint on an in-memory database', () => {
    compare(
      [
        ...TABLES,
        "INSERT INTO u VALUES ('one', 1, 2.5), ('two', 2, NULL)",
        'PRAGMA integrity_check',
        'PRAGMA quick_check',
        'PRAGMA integrity_check(5)',
        'PRAGMA database_list',
        'PRAGMA journal_mode',
        'PRAGMA journal_mode = wal',
        'PRAGMA journal_mode = bogus',
        'PRAGMA wal_checkpoint',
        'PRAGMA wal_checkpoint(TRUNCATE)',
      ],
      null,
    );
  });

  it('page_size before creation, journal_mode switches and checkpoints on a file', () => {
    compare(
      [
        'PRAGMA page_count',
        'PRAGMA page_size = 1000',
        'PRAGMA page_size',
        'PRAGMA page_size = 1024',
        'PRAGMA page_size',
        'PRAGMA page_count',
        'PRAGMA journal_mode',
        'PRAGMA wal_checkpoint',
        'PRAGMA journal_mode = WAL',
        'PRAGMA journal_mode',
        'PRAGMA page_size = 2048',
        'PRAGMA page_size',
        ...TABLES,
        "INSERT INTO u VALUES ('x', 1, 2)",
        'PRAGMA page_count',
        'PRAGMA database_list',
        'PRAGMA wal_checkpoint(TRUNCATE)',
        'PRAGMA journal_mode = bogus',
        'BEGIN',
        'PRAGMA journal_mode = delete',
        'PRAGMA user_version = 3',
        'COMMIT',
        'PRAGMA user_version',
        'PRAGMA journal_mode = DELETE',
        'PRAGMA main.journal_mode',
        'BEGIN',
        'PRAGMA journal_mode = wal',
        'PRAGMA journal_mode = delete',
        'COMMIT',
        'PRAGMA integrity_check',
      ],
      'file.db',
    );
  });

  it('reports damage found by the integrity checker as SQLite does', () => {
    const file = path.join(dir, 'damaged.db');
    const db = new Database(file, { journalMode: 'delete' });
    db.exec("CREATE TABLE t(a); INSERT INTO t VALUES ('x')");
    db.close();
    const bytes = fs.readFileSync(file);
    bytes.writeUInt32BE(7, 36); // freelist count says 7 pages, the freelist has none
    fs.writeFileSync(file, bytes);
    const oracle = new BetterSqlite3(file, { readonly: true });
    const expected = oracle.pragma('integrity_check');
    oracle.close();
    const hearth = new Database(file, { readonly: true });
    expect(hearth.pragma('integrity_check')).toEqual(expected);
    expect(hearth.pragma('integrity_check', { simple: true })).not.toBe('ok');
    hearth.close();
  });
});

describe('db.pragma', () => {
  it('returns rows, or with simple the first value, as better-sqlite3', () => {
    const oracle = new BetterSqlite3(':memory:');
    const hearth = new Database(':memory:');
    for (const db of [oracle, hearth] as unknown as Database[]) db.exec('CREATE TABLE t(a, b)');
    for (const [source, options] of [
      ['user_version', undefined],
      ['user_version = 5', undefined],
      ['user_version', { simple: true }],
      ['user_version = 6', { simple: true }],
      ['table_info(t)', undefined],
      ['table_info(t)', { simple: true }],
      ['table_info(nope)', { simple: true }],
      ['nosuch', undefined],
      ['nosuch', { simple: true }],
    ] as [string, { simple: boolean } | undefined][]) {
      expect([source, hearth.pragma(source, options)]).toEqual([source, oracle.pragma(source, options)]);
    }
    // (Which class the multi-statement error has is prepare's business; only its message is compared.)
    for (const args of [[1], ['user_version', 'x'], ['user_version', { simple: 1 }], ['user_version; SELECT 1']]) {
      const message = (db: unknown): string => {
        try {
          (db as Database).pragma(...(args as [string]));
          return 'no error';
        } catch (e) {
          const error = e as Error;
          return error.message.includes('more than one') ? error.message : `${error.constructor.name}: ${error.message}`;
        }
      };
      expect(message(hearth)).toBe(message(oracle));
    }
    oracle.close();
    hearth.close();
  });
});
