/**
 * Random schemas and data: 1–4 tables with varied declared types (hence affinities), sometimes an
 * INTEGER PRIMARY KEY, COLLATE NOCASE/RTRIM, NOT NULL and DEFAULT; rows drawn from edge-case values,
 * with duplicates (each round draws from a small pool) and NULLs.
 *
 * Invariants: generated rows satisfy the constraints (NOT NULL columns get values, INTEGER PRIMARY KEY
 * values are distinct small integers or NULL), so setup succeeds on SQLite; rowids stay far from 2^63,
 * where SQLite would pick random rowids.
 */
import type { Prng } from '../support/prng.js';
import type { FeatureSet } from './features.js';
import { type Val, randomBlob, randomInt, randomReal, randomText, randomVal, sqlLiteral } from './values.js';
import { int, real } from '../support/sqlite-oracle.js';

export interface ColumnSpec {
  name: string;
  /** Declared type as written ('' for none). */
  type: string;
  /** INTEGER PRIMARY KEY (the rowid alias). */
  ipk: boolean;
  collate: 'NOCASE' | 'RTRIM' | 'BINARY' | null;
  notNull: boolean;
  /** DEFAULT value, or undefined for none. */
  default?: Val;
}

export interface TableSpec {
  name: string;
  columns: ColumnSpec[];
  rows: Val[][];
}

export interface IndexSpec {
  name: string;
  table: string;
  /** The indexed terms as SQL (column, optional COLLATE and DESC). */
  terms: string[];
}

export interface Scenario {
  tables: TableSpec[];
  indexes: IndexSpec[];
}

const DECLARED_TYPES = [
  'INTEGER', 'INT', 'TEXT', 'REAL', 'NUMERIC', 'BLOB', '', '', 'VARCHAR(10)', 'DOUBLE', 'FLOAT', 'BOOLEAN', 'DATE',
  'DECIMAL(10,5)', 'CHAR(3)', 'BIGINT', 'CLOB', 'STRING', 'ANY', 'UNSIGNED BIG INT',
];

const COLUMN_NAMES = ['a', 'b', 'c', 'd', 'e', 'x', 'y', 'z', 'k', 'v'];

/** A value suited to a declared type most of the time, else any value. */
function valueFor(prng: Prng, type: string): Val {
  if (prng.chance(0.45)) return randomVal(prng);
  const t = type.toUpperCase();
  if (t.includes('INT') || t === 'BOOLEAN') return int(randomInt(prng));
  if (t.includes('CHAR') || t.includes('TEXT') || t.includes('CLOB')) return randomText(prng);
  if (t.includes('BLOB')) return randomBlob(prng);
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return real(randomReal(prng));
  return randomVal(prng);
}

function randomColumn(prng: Prng, name: string, canBeIpk: boolean): ColumnSpec {
  const ipk = canBeIpk && prng.chance(0.3);
  const type = ipk ? 'INTEGER' : prng.pick(DECLARED_TYPES);
  const r = prng.float();
  const collate = ipk ? null : r < 0.15 ? 'NOCASE' : r < 0.25 ? 'RTRIM' : r < 0.28 ? 'BINARY' : null;
  const notNull = !ipk && prng.chance(0.15);
  const column: ColumnSpec = { name, type, ipk, collate, notNull };
  if (!ipk && prng.chance(0.2)) column.default = valueFor(prng, type);
  if (notNull && (column.default === undefined || column.default === null)) column.default = int(prng.range(0, 9));
  return column;
}

function randomTable(prng: Prng, name: string, pool: Val[]): TableSpec {
  const names = COLUMN_NAMES.slice();
  const count = prng.range(1, 5);
  const columns: ColumnSpec[] = [];
  for (let i = 0; i < count; i++) {
    const pickedName = names.splice(prng.int(names.length), 1)[0]!;
    columns.push(randomColumn(prng, pickedName, !columns.some((c) => c.ipk)));
  }
  const rows: Val[][] = [];
  const usedKeys = new Set<bigint>();
  const rowCount = prng.chance(0.08) ? 0 : prng.range(1, 10);
  for (let r = 0; r < rowCount; r++) {
    rows.push(
      columns.map((c) => {
        if (c.ipk) {
          if (prng.chance(0.3)) return null;
          let key = BigInt(prng.range(-3, 40));
          while (usedKeys.has(key)) key++;
          usedKeys.add(key);
          return int(key);
        }
        let v = prng.chance(0.35) ? prng.pick(pool) : valueFor(prng, c.type);
        if (c.notNull && v === null) v = c.default ?? int(0);
        return v;
      }),
    );
  }
  // Rows with a NULL key come last: their rowids (max + 1) then never collide with a later explicit key.
  const ipk = columns.findIndex((c) => c.ipk);
  if (ipk >= 0) rows.sort((x, y) => Number(x[ipk] === null) - Number(y[ipk] === null));
  return { name, columns, rows };
}

function randomIndex(prng: Prng, table: TableSpec, name: string, features: FeatureSet): IndexSpec {
  const cols = table.columns.slice();
  const terms: string[] = [];
  for (let n = prng.range(1, Math.min(3, cols.length)); n > 0; n--) {
    const c = cols.splice(prng.int(cols.length), 1)[0]!;
    let term = c.name;
    if (prng.chance(0.2)) term += ` COLLATE ${prng.pick(['NOCASE', 'RTRIM', 'BINARY'])}`;
    // SQLite's IN (SELECT x) through an index leading with x DESC misses the NULLs (FOUND.md).
    if (prng.chance(0.3) && (terms.length > 0 || features.has('desc_first_index'))) term += ' DESC';
    terms.push(term);
  }
  return { name, table: table.name, terms };
}

/** A random scenario of 1–4 tables (indexes only with the `index` feature). */
export function randomScenario(prng: Prng, features: FeatureSet): Scenario {
  const pool: Val[] = [];
  for (let i = 0; i < 8; i++) pool.push(randomVal(prng));
  const tables: TableSpec[] = [];
  const count = prng.chance(0.4) ? 1 : prng.range(2, 4);
  for (let i = 1; i <= count; i++) tables.push(randomTable(prng, `t${i}`, pool));
  const indexes: IndexSpec[] = [];
  if (features.has('index')) {
    let n = 0;
    for (const table of tables) while (prng.chance(0.5)) indexes.push(randomIndex(prng, table, `i${++n}`, features));
  }
  return { tables, indexes };
}

function columnSql(c: ColumnSpec): string {
  let s = c.name;
  if (c.type) s += ` ${c.type}`;
  if (c.ipk) s += ' PRIMARY KEY';
  if (c.notNull) s += ' NOT NULL';
  if (c.default !== undefined) s += ` DEFAULT ${defaultSql(c.default)}`;
  if (c.collate) s += ` COLLATE ${c.collate}`;
  return s;
}

/** A DEFAULT must be a literal, a signed number, or a parenthesized expression. */
function defaultSql(v: Val): string {
  const text = sqlLiteral(v);
  return text.startsWith('-') || text === '9e999' ? `(${text})` : text;
}

/** The statements that create and fill the scenario, in order. */
export function setupStatements(s: Scenario): string[] {
  const out: string[] = [];
  for (const t of s.tables) {
    out.push(`CREATE TABLE ${t.name}(${t.columns.map(columnSql).join(', ')})`);
    if (t.rows.length > 0) out.push(`INSERT INTO ${t.name} VALUES ${t.rows.map((r) => `(${r.map(sqlLiteral).join(', ')})`).join(', ')}`);
  }
  for (const ix of s.indexes) out.push(`CREATE INDEX ${ix.name} ON ${ix.table}(${ix.terms.join(', ')})`);
  return out;
}
