/**
 * Whole-row comparisons for set operations (UNION, INTERSECT, EXCEPT, recursive CTEs, IN sets):
 * a signature string that is equal exactly for rows SQLite treats as duplicates (numbers by value, so
 * 1 and 1.0 are one; text under each column's collation; NULL equal to NULL), an ordering of rows
 * by every column in turn (NULLs first), as SQLite's ephemeral indexes order them, and the ordering of
 * ORDER BY (and of aggregate calls' ORDER BY) by chosen columns, directions and NULL placement.
 */
import { type Collation, NOCASE, RTRIM } from '../record/compare.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { OrderingTerm } from '../sql/ast.js';
import { compareValues } from '../value/compare.js';

/** A row of values with their storage classes. */
export interface TypedRow {
  types: Uint8Array;
  values: SqlValue[];
  /** Subtypes of the result values (after any sort keys), when some value has one. */
  subtypes?: Uint8Array;
}

/**
 * A string equal for rows that are duplicates under `collations`: columns `from` to
 * `from + collations.length - 1`, one collation each.
 */
export function rowSignature(types: Uint8Array, values: readonly SqlValue[], collations: readonly Collation[], from = 0): string {
  let s = '';
  for (let k = 0; k < collations.length; k++) {
    const i = from + k;
    const t = types[i] as ValueType;
    const v = values[i];
    if (t === ValueType.Null) s += 'n|';
    else if (t === ValueType.Integer || t === ValueType.Real) s += `#${numberKey(v as number | bigint)}|`;
    else if (t === ValueType.Text) {
      const text = collatedText(v as string, collations[k]!);
      s += `t${text.length}:${text}|`;
    } else s += `b${(v as Uint8Array).join(',')}|`;
  }
  return s;
}

/** A number's key: its double value, plus the exact digits of a big INTEGER that no double equals. */
function numberKey(v: number | bigint): string {
  if (typeof v === 'number') return String(v);
  const approx = Number(v);
  return BigInt(approx) === v ? String(approx) : `${approx}:${v}`;
}

const utf8Encoder = new TextEncoder();

/** Text in a form where equal strings under `collation` are identical. */
function collatedText(text: string, collation: Collation): string {
  if (collation === NOCASE) {
    // NOCASE stops comparing at a NUL and then orders by length in bytes (as SQLite's does).
    const nul = text.indexOf('\0');
    if (nul >= 0) return `${text.slice(0, nul).replace(/[A-Z]+/g, (m) => m.toLowerCase())}\0${utf8Encoder.encode(text).length}`;
    return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  }
  if (collation === RTRIM) return text.replace(/ +$/, '');
  return text;
}

/** Orders two rows column by column (NULL first) under `collations`. */
export function compareRows(a: TypedRow, b: TypedRow, collations: readonly Collation[]): number {
  for (let i = 0; i < collations.length; i++) {
    const ta = a.types[i] as ValueType;
    const tb = b.types[i] as ValueType;
    if (ta === ValueType.Null || tb === ValueType.Null) {
      if (ta === tb) continue;
      return ta === ValueType.Null ? -1 : 1;
    }
    const c = compareValues(ta, a.values[i]!, tb, b.values[i]!, collations[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** One term of an ordering: the column it compares, under which collation, in which direction. */
export interface OrderKey {
  column: number;
  collation: Collation;
  desc: boolean;
  nullsFirst: boolean;
}

/** The OrderKey of an ORDER BY term that compares `column` under `collation`. */
export function orderKey(term: OrderingTerm, column: number, collation: Collation): OrderKey {
  const desc = term.order === 'DESC';
  return { column, collation, desc, nullsFirst: term.nulls ? term.nulls === 'FIRST' : !desc };
}

/** Orders two rows by `keys` in turn (NULLs where each key puts them). */
export function compareByKeys(a: TypedRow, b: TypedRow, keys: readonly OrderKey[]): number {
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const i = key.column;
    const ta = a.types[i] as ValueType;
    const tb = b.types[i] as ValueType;
    if (ta === ValueType.Null || tb === ValueType.Null) {
      if (ta === tb) continue;
      return (ta === ValueType.Null) === key.nullsFirst ? -1 : 1;
    }
    const c = compareValues(ta, a.values[i]!, tb, b.values[i]!, key.collation);
    if (c !== 0) return key.desc ? -c : c;
  }
  return 0;
}
