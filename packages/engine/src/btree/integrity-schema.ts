/**
 * The trees an integrity check walks, as `sqlite_schema` describes them: each root page, whether it is a
 * table (rowid) tree or an index-format tree, and how an index-format tree's keys are ordered.
 *
 * Key order comes from the SQL text stored in the schema. A small tokenizer reads the CREATE INDEX
 * column list (COLLATE and ASC/DESC per term) and the CREATE TABLE column definitions (each column's
 * declared collation, and the PRIMARY KEY of a WITHOUT ROWID table). Anything it cannot resolve with
 * certainty ends the compared prefix of the key at that field: an expression term without an explicit
 * COLLATE, a collation other than BINARY, NOCASE and RTRIM, the primary-key columns appended to an index on
 * a WITHOUT ROWID table, and the implicit indexes of UNIQUE and PRIMARY KEY constraints. The one shortcut:
 * when neither the index's nor its table's SQL mentions COLLATE or DESC, every field is BINARY ascending.
 *
 * Invariant: a key order is only ever too weak, never wrong — a file SQLite wrote is never reported out of
 * order because of something this module misread.
 */
import { SqliteError } from '../common/errors.js';
import { BINARY, NOCASE, RTRIM, keyInfoBinary, type Collation, type KeyInfo } from '../record/compare.js';
import { RecordReader } from '../record/record.js';
import { ValueType } from '../record/value.js';
import type { Btree } from './btree.js';

/** One row of `sqlite_schema`, with NULL (or a value of the wrong type) as null. */
export interface SchemaRow {
  type: string | null;
  name: string | null;
  tblName: string | null;
  rootpage: number;
  sql: string | null;
}

/** A tree to check. */
export interface TreeSpec {
  root: number;
  /** Whether the tree is keyed by rowid (else it is an index-format tree). */
  table: boolean;
  /** Order of an index-format tree's keys; `nField` 0 means the order is not checked. */
  keyInfo: KeyInfo | null;
  /** Whether `keyInfo` covers a unique key, so two equal keys are corruption too. */
  unique: boolean;
}

/** The most fields an index key is compared on (SQLite's largest column limit). */
export const MAX_FIELDS = 32767;

/**
 * Reads every row of `sqlite_schema` through a cursor. Returns the rows read and, when the schema
 * could not be read to its end, the error that stopped it. `maxRows` bounds the scan of a corrupt tree.
 */
export function readSchema(bt: Btree, maxRows: number): { rows: SchemaRow[]; error: SqliteError | null } {
  const rows: SchemaRow[] = [];
  const reader = new RecordReader();
  const cursor = bt.cursor(1, null);
  try {
    for (let ok = cursor.first(); ok && rows.length < maxRows; ok = cursor.next()) {
      const payload = cursor.payload();
      reader.init(payload, 0, payload.length);
      const text = (i: number): string | null => (reader.type(i) === ValueType.Text ? reader.getText(i) : null);
      const root = reader.type(3) === ValueType.Integer ? reader.getInt(3) : 0;
      rows.push({
        type: text(0),
        name: text(1),
        tblName: text(2),
        rootpage: typeof root === 'number' && root > 0 && root <= 0xffffffff ? root : 0,
        sql: text(4),
      });
    }
    return { rows, error: null };
  } catch (err) {
    if (err instanceof SqliteError) return { rows, error: err };
    throw err;
  } finally {
    cursor.close();
  }
}

/**
 * The trees `rows` describe (views and triggers, which have no tree, are left out), in schema order.
 * `schemaFormat` is the header's schema format number: below 4, SQLite ignores DESC in indexes.
 */
export function treeSpecs(rows: readonly SchemaRow[], schemaFormat: number): TreeSpec[] {
  const tables = new Map<string, SchemaRow>();
  for (const row of rows) if (row.type === 'table' && row.name !== null) tables.set(row.name.toUpperCase(), row);
  const specs: TreeSpec[] = [];
  for (const row of rows) {
    if (row.rootpage === 0) continue;
    if (row.type === 'table') {
      const tokens = row.sql === null ? [] : tokenize(row.sql);
      const table = parseTable(tokens);
      if (!table.withoutRowid) {
        specs.push({ root: row.rootpage, table: true, keyInfo: null, unique: false });
      } else if (!mentionsOrder(tokens)) {
        specs.push({ root: row.rootpage, table: false, keyInfo: keyInfoBinary(MAX_FIELDS), unique: true });
      } else if (table.pk === null || hasDuplicateNames(table.pk)) {
        // SQLite drops a repeated primary-key column from the record; such keys are not checked.
        specs.push({ root: row.rootpage, table: false, keyInfo: keyInfoBinary(0), unique: false });
      } else {
        const order = resolveTerms(table.pk, table, schemaFormat);
        specs.push({ root: row.rootpage, table: false, keyInfo: order.keyInfo, unique: order.fields === table.pk.length });
      }
    } else if (row.type === 'index') {
      const owner = row.tblName === null ? undefined : tables.get(row.tblName.toUpperCase());
      specs.push({ root: row.rootpage, table: false, ...indexOrder(row.sql, owner, schemaFormat) });
    }
  }
  return specs;
}

/** Key order of an index on the table `owner` (undefined when the schema lacks it). */
function indexOrder(sql: string | null, owner: SchemaRow | undefined, schemaFormat: number): { keyInfo: KeyInfo; unique: boolean } {
  const unknown = { keyInfo: keyInfoBinary(0), unique: false };
  if (owner === undefined || owner.sql === null) return unknown;
  const tableTokens = tokenize(owner.sql);
  const indexTokens = sql === null ? [] : tokenize(sql);
  if (!mentionsOrder(tableTokens) && !mentionsOrder(indexTokens)) return { keyInfo: keyInfoBinary(MAX_FIELDS), unique: true };
  // The implicit index of a UNIQUE or PRIMARY KEY constraint: its columns are not spelled out here.
  if (sql === null) return unknown;
  const terms = parseIndexTerms(indexTokens);
  if (terms === null || hasDuplicateNames(terms.filter((t) => t.column !== null))) return unknown;
  const table = parseTable(tableTokens);
  const order = resolveTerms(terms, table, schemaFormat);
  if (order.fields < terms.length || table.withoutRowid) return { keyInfo: order.keyInfo, unique: false };
  // Every term resolved, and a rowid table's index ends with the rowid: the key is unique.
  order.keyInfo.nField++;
  order.keyInfo.desc = appendByte(order.keyInfo.desc, 0);
  order.keyInfo.collations.push(BINARY);
  return { keyInfo: order.keyInfo, unique: true };
}


function appendByte(bytes: Uint8Array, b: number): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = b;
  return out;
}

// ---- SQL tokens -----------------------------------------------------------------------------------

/** A token: `word` is a bare identifier, keyword or number; `name` a quoted identifier. */
interface Token {
  kind: 'word' | 'name' | 'string' | 'punct';
  /** The text, unquoted; upper-cased for words and names (identifiers match case-insensitively). */
  text: string;
}

const WORD_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;

/** Splits SQL text into tokens, dropping whitespace and comments. */
function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      let text = '';
      let j = i + 1;
      for (; j < sql.length; j++) {
        if (sql[j] !== close) {
          text += sql[j];
        } else if (close !== ']' && sql[j + 1] === close) {
          text += close;
          j++;
        } else {
          break;
        }
      }
      tokens.push(c === "'" ? { kind: 'string', text } : { kind: 'name', text: text.toUpperCase() });
      i = j + 1;
    } else if (WORD_CHAR.test(c)) {
      let j = i + 1;
      while (j < sql.length && WORD_CHAR.test(sql[j]!)) j++;
      tokens.push({ kind: 'word', text: sql.slice(i, j).toUpperCase() });
      i = j;
    } else {
      tokens.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return tokens;
}

function isWord(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.kind === 'word' && t.text === text;
}

function isPunct(t: Token | undefined, text: string): boolean {
  return t !== undefined && t.kind === 'punct' && t.text === text;
}

/** Whether any token could change an order from BINARY ascending. */
function mentionsOrder(tokens: readonly Token[]): boolean {
  return tokens.some((t) => isWord(t, 'COLLATE') || isWord(t, 'DESC'));
}

/**
 * The comma-separated items of the parenthesized list opening at `tokens[open]`, and the index after
 * its closing parenthesis; null when the list is not closed.
 */
function splitList(tokens: readonly Token[], open: number): { items: Token[][]; end: number } | null {
  const items: Token[][] = [];
  let item: Token[] = [];
  let depth = 0;
  for (let i = open + 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (isPunct(t, '(')) depth++;
    if (isPunct(t, ')') && depth-- === 0) {
      items.push(item);
      return { items, end: i + 1 };
    }
    if (isPunct(t, ',') && depth === 0) {
      items.push(item);
      item = [];
    } else {
      item.push(t);
    }
  }
  return null;
}

// ---- CREATE TABLE and CREATE INDEX ----------------------------------------------------------------

/** One term of an index's column list or a PRIMARY KEY: a column (or expression), collation, order. */
interface Term {
  /** The column name when the term is a bare column, else null (an expression). */
  column: string | null;
  /** Explicit COLLATE name, else null. */
  collate: string | null;
  desc: boolean;
}

interface TableInfo {
  /** Declared collation of each column (upper-cased name → collation name, or null for none). */
  columns: Map<string, string | null>;
  /** PRIMARY KEY terms, or null when there is no primary key. */
  pk: Term[] | null;
  withoutRowid: boolean;
}

const CONSTRAINT_WORDS = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN']);

/** Reads the parts of a CREATE TABLE statement that decide key order. */
function parseTable(tokens: readonly Token[]): TableInfo {
  const info: TableInfo = { columns: new Map(), pk: null, withoutRowid: false };
  const open = tokens.findIndex((t) => isPunct(t, '('));
  const list = open < 0 ? null : splitList(tokens, open);
  if (list === null) return info;
  for (let i = list.end; i + 1 < tokens.length; i++) {
    if (isWord(tokens[i], 'WITHOUT') && isWord(tokens[i + 1], 'ROWID')) info.withoutRowid = true;
  }
  for (const def of list.items) {
    const first = def[0];
    if (first === undefined) continue;
    if (first.kind === 'word' && CONSTRAINT_WORDS.has(first.text)) {
      const at = def.findIndex((t, k) => isWord(t, 'PRIMARY') && isWord(def[k + 1], 'KEY'));
      if (at >= 0 && isPunct(def[at + 2], '(')) {
        const pk = splitList(def, at + 2);
        if (pk !== null) info.pk = pk.items.map(parseTerm);
      }
      continue;
    }
    let collate: string | null = null;
    let depth = 0;
    for (let k = 1; k < def.length; k++) {
      const t = def[k]!;
      if (isPunct(t, '(')) depth++;
      else if (isPunct(t, ')')) depth--;
      else if (depth === 0 && isWord(t, 'COLLATE') && def[k + 1] !== undefined) collate = def[k + 1]!.text.toUpperCase();
      else if (depth === 0 && isWord(t, 'PRIMARY') && isWord(def[k + 1], 'KEY')) {
        info.pk = [{ column: first.text, collate: null, desc: isWord(def[k + 2], 'DESC') }];
      }
    }
    info.columns.set(first.text, collate);
  }
  return info;
}

/** The terms of a CREATE INDEX statement, or null when its column list cannot be found. */
function parseIndexTerms(tokens: readonly Token[]): Term[] | null {
  const on = tokens.findIndex((t) => isWord(t, 'ON'));
  if (on < 0) return null;
  const open = tokens.findIndex((t, k) => k > on && isPunct(t, '('));
  const list = open < 0 ? null : splitList(tokens, open);
  return list === null ? null : list.items.map(parseTerm);
}

function parseTerm(tokens: readonly Token[]): Term {
  let end = tokens.length;
  let desc = false;
  if (isWord(tokens[end - 1], 'DESC') || isWord(tokens[end - 1], 'ASC')) {
    desc = isWord(tokens[end - 1], 'DESC');
    end--;
  }
  let collate: string | null = null;
  if (end >= 2 && isWord(tokens[end - 2], 'COLLATE')) {
    collate = tokens[end - 1]!.text.toUpperCase();
    end -= 2;
  }
  const only = end === 1 ? tokens[0]! : null;
  const column = only !== null && (only.kind === 'word' || only.kind === 'name') ? only.text : null;
  return { column, collate, desc };
}

function hasDuplicateNames(terms: readonly Term[]): boolean {
  const names = terms.map((t) => t.column);
  return new Set(names).size !== names.length;
}

const COLLATIONS = new Map<string, Collation>([
  ['BINARY', BINARY],
  ['NOCASE', NOCASE],
  ['RTRIM', RTRIM],
]);

/**
 * The key order of `terms` over `table`'s columns, as far as it can be resolved: `fields` is the number
 * of leading terms resolved, which is the KeyInfo's `nField`.
 */
function resolveTerms(terms: readonly Term[], table: TableInfo, schemaFormat: number): { keyInfo: KeyInfo; fields: number } {
  const collations: Collation[] = [];
  const desc: number[] = [];
  for (const term of terms) {
    let name = term.collate;
    if (name === null) {
      // Without COLLATE, a bare column keeps its declared collation; an expression's is not worked out.
      if (term.column === null || !table.columns.has(term.column)) break;
      name = table.columns.get(term.column) ?? 'BINARY';
    }
    const collation = COLLATIONS.get(name);
    if (collation === undefined) break;
    collations.push(collation);
    desc.push(term.desc && schemaFormat >= 4 ? 1 : 0);
  }
  return { keyInfo: { nField: collations.length, desc: Uint8Array.from(desc), collations }, fields: collations.length };
}
