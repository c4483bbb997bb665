/**
 * Helpers for comparing Hearth with real SQLite (better-sqlite3) on the same files: typed test values
 * that both sides can write, a canonical string form of a value that both sides can read into, and
 * scans that turn a table, an index, or a query into rows of canonical values.
 *
 * The canonical form keeps the storage class and the exact value: `null`, `int:<decimal>`,
 * `real:<shortest round-trip decimal, -0 for negative zero>`, `text:<the text>`, `blob:<hex>`. Two
 * values are the same stored value exactly when their canonical forms are equal.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Btree } from '../../src/btree/btree.js';
import { keyInfoBinary } from '../../src/record/compare.js';
import { normalizeInt64, type Int64 } from '../../src/record/int64.js';
import { RecordReader, RecordWriter } from '../../src/record/record.js';
import { ValueType } from '../../src/record/value.js';
export { rng } from './prng.js';

/** A value of a definite storage class: INTEGER and REAL are tagged so that 1 and 1.0 stay apart. */
export type Val = null | { int: bigint } | { real: number } | string | Uint8Array;

export const int = (v: bigint | number): Val => ({ int: BigInt(v) });
export const real = (v: number): Val => ({ real: v });

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

function canonReal(v: number): string {
  return `real:${Object.is(v, -0) ? '-0' : String(v)}`;
}

/** The canonical form of a test value. */
export function canon(v: Val): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `text:${v}`;
  if (v instanceof Uint8Array) return `blob:${hex(v)}`;
  return 'int' in v ? `int:${v.int}` : canonReal(v.real);
}

/** A test value as better-sqlite3 binds it with the same storage class (numbers bind as REAL). */
export function bindable(v: Val): null | bigint | number | string | Buffer {
  if (v === null || typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v);
  return 'int' in v ? v.int : v.real;
}

/** Appends `v` to a record with its own storage class. */
export function pushVal(w: RecordWriter, v: Val): void {
  if (v === null) w.pushNull();
  else if (typeof v === 'string') w.pushText(v);
  else if (v instanceof Uint8Array) w.pushBlob(v);
  else if ('int' in v) w.pushInt(normalizeInt64(v.int));
  else w.pushReal(v.real);
}

/** The record of `values`, each with its own storage class. */
export function recordOf(values: readonly Val[]): Uint8Array {
  const w = new RecordWriter();
  for (const v of values) pushVal(w, v);
  return w.toBytes();
}

/** Hearth's Int64 form of a bigint rowid. */
export function rowidOf(v: bigint): Int64 {
  return normalizeInt64(v);
}

/** Column `i` of a record, in canonical form. */
export function canonFromRecord(r: RecordReader, i: number): string {
  switch (r.type(i)) {
    case ValueType.Null:
      return 'null';
    case ValueType.Integer:
      return `int:${BigInt(r.getInt(i))}`;
    case ValueType.Real:
      return canonReal(r.getReal(i));
    case ValueType.Text:
      return `text:${r.getText(i)}`;
    default:
      return `blob:${hex(r.getBlob(i))}`;
  }
}

/** Column `i` of a record as a test value of the same storage class. */
export function valFromRecord(r: RecordReader, i: number): Val {
  switch (r.type(i)) {
    case ValueType.Null:
      return null;
    case ValueType.Integer:
      return int(r.getInt(i));
    case ValueType.Real:
      return real(r.getReal(i));
    case ValueType.Text:
      return r.getText(i);
    default:
      return r.getBlob(i);
  }
}

/** A value better-sqlite3 returned (safe integers on), given SQL `typeof()` of it, in canonical form. */
export function canonFromSqlite(value: unknown, type: string): string {
  switch (type) {
    case 'null':
      if (value !== null) throw new Error(`typeof null but got ${String(value)}`);
      return 'null';
    case 'integer':
      if (typeof value !== 'bigint') throw new Error(`typeof integer but got ${typeof value}`);
      return `int:${value}`;
    case 'real':
      if (typeof value !== 'number') throw new Error(`typeof real but got ${typeof value}`);
      return canonReal(value);
    case 'text':
      if (typeof value !== 'string') throw new Error(`typeof text but got ${typeof value}`);
      return `text:${value}`;
    case 'blob':
      if (!(value instanceof Uint8Array)) throw new Error(`typeof blob but got ${typeof value}`);
      return `blob:${hex(value)}`;
    default:
      throw new Error(`unknown typeof ${type}`);
  }
}

/**
 * Runs `SELECT <exprs>, typeof(<exprs>) <rest>` in SQLite and returns each row's `exprs` in canonical
 * form; `typeof()` and the JavaScript type must agree.
 */
export function sqliteRows(db: BetterSqlite3.Database, exprs: readonly string[], rest: string): string[][] {
  const sql = `SELECT ${exprs.join(', ')}, ${exprs.map((e) => `typeof(${e})`).join(', ')} ${rest}`;
  const rows = db.prepare(sql).safeIntegers(true).raw(true).all() as unknown[][];
  const n = exprs.length;
  return rows.map((row) => exprs.map((_, i) => canonFromSqlite(row[i], row[n + i] as string)));
}

/** Every row of the table tree at `root`, as [rowid, column 0..nCols-1] in canonical form. */
export function hearthTableRows(bt: Btree, root: number, nCols: number): string[][] {
  const reader = new RecordReader();
  const rows: string[][] = [];
  const cur = bt.cursor(root);
  try {
    for (let ok = cur.first(); ok; ok = cur.next()) {
      const payload = cur.payload();
      reader.init(payload, 0, payload.length);
      const row = [`int:${BigInt(cur.rowid())}`];
      for (let i = 0; i < nCols; i++) row.push(canonFromRecord(reader, i));
      rows.push(row);
    }
  } finally {
    cur.close();
  }
  return rows;
}

/** Every entry of the index tree at `root`, in tree order, as its `nField` fields in canonical form. */
export function hearthIndexEntries(bt: Btree, root: number, nField: number): string[][] {
  const reader = new RecordReader();
  const rows: string[][] = [];
  const cur = bt.cursor(root, keyInfoBinary(nField));
  try {
    for (let ok = cur.first(); ok; ok = cur.next()) {
      const payload = cur.payload();
      reader.init(payload, 0, payload.length);
      if (reader.count !== nField) throw new Error(`index entry has ${reader.count} fields, expected ${nField}`);
      const row: string[] = [];
      for (let i = 0; i < nField; i++) row.push(canonFromRecord(reader, i));
      rows.push(row);
    }
  } finally {
    cur.close();
  }
  return rows;
}

/** A fresh temporary directory; `removeTempDir` deletes it. */
export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-interop-'));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}


const TWO = (e: number): bigint => 1n << BigInt(e);

/** Integers at every serial-type boundary, past 2^53, and at the ends of the 64-bit range. */
const SPECIAL_INTS: bigint[] = [
  0n, 1n, -1n, 2n, 127n, 128n, -128n, -129n, 255n, 256n, 32767n, 32768n, -32768n, -32769n, 8388607n, 8388608n,
  -8388609n, 2147483647n, 2147483648n, -2147483648n, -2147483649n, TWO(47) - 1n, TWO(47), -TWO(47) - 1n,
  TWO(53) - 1n, TWO(53), TWO(53) + 1n, -TWO(53) - 1n, TWO(62), TWO(63) - 1n, -TWO(63),
];
const SPECIAL_REALS = [0, -0, 1, -1, 0.5, 1.5, -2.25, Math.PI, 1e308, -1e-308, 5e-324, Infinity, -Infinity, 2 ** 53, 1e20, 0.1];
const SPECIAL_TEXTS = [
  ...['', 'a', 'A', 'b', 'hello', 'Hello', 'HELLO', 'héllo wörld', '日本語テキスト', 'emoji 😀🎉', '𝄞 clef'],
  ...['tab\tnew\nline', "quote'd", ' spaced  '],
];

function randomBytes(next: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (next() * 256) | 0;
  return b;
}

function randomText(next: () => number, chars: number): string {
  const alphabet = 'abcXYZ 01é日😀';
  let s = '';
  const pieces = [...alphabet];
  while (s.length < chars) s += pieces[(next() * pieces.length) | 0];
  return s;
}

/**
 * A random value of any storage class. About one value in `overflowOdds` is TEXT or BLOB of
 * `bigSize` bytes or more, enough to need overflow pages.
 */
export function randomVal(next: () => number, bigSize: number, overflowOdds = 25): Val {
  if (next() * overflowOdds < 1) {
    const size = Math.floor(bigSize * (1 + next() * 1.5));
    return next() < 0.5 ? randomText(next, size / 2) : randomBytes(next, size);
  }
  const r = next();
  if (r < 0.2) return int(SPECIAL_INTS[(next() * SPECIAL_INTS.length) | 0]!);
  if (r < 0.35) return int(BigInt.asIntN(64, (BigInt(Math.floor(next() * 2 ** 32)) << BigInt((next() * 33) | 0)) - 5n));
  if (r < 0.45) return real(SPECIAL_REALS[(next() * SPECIAL_REALS.length) | 0]!);
  if (r < 0.55) return real((next() - 0.5) * 10 ** Math.floor(next() * 40 - 20));
  if (r < 0.7) return SPECIAL_TEXTS[(next() * SPECIAL_TEXTS.length) | 0]!;
  if (r < 0.8) return randomText(next, (next() * 40) | 0);
  if (r < 0.9) return randomBytes(next, (next() * 24) | 0);
  return null;
}
