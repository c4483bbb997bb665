/**
 * Type affinity (sqlite.org/datatype3.html §3) and CAST (lang_expr.html#castexpr), as SQLite 3.53
 * applies them.
 *
 * `applyAffinity` is what storing into a column, or comparing against one, does to a value: it
 * converts only well-formed numeric text (whitespace around it allowed) and never fails. `castValue`
 * is the CAST operator, which is stricter about its result type and reads just the numeric prefix of
 * text. Both return the new value and leave its storage class in the live binding `convertedType`,
 * so that an INTEGER 3 and a REAL 3.0 stay distinct without boxing.
 */
import type { Int64 } from '../record/int64.js';
import { type SqlValue, ValueType, decodeUtf8 } from '../record/value.js';
import {
  TWO_63,
  intToReal,
  realToInt,
  scanInt,
  scanIntFits,
  scanIsInt,
  scanEnd,
  scanNumber,
  scanReal,
  scanWhole,
  textToInt,
  toBlob,
  toText,
} from './convert.js';

/**
 * Affinities, ordered as SQLite orders them (every value from `Numeric` on is numeric). `None` is
 * the affinity of an expression that has none (a literal, a parameter, most function results); it
 * converts like `Blob` (not at all) but compares differently: TEXT affinity is imposed on an operand
 * with no affinity, not on one with BLOB affinity.
 */
export const Affinity = { None: 0, Blob: 1, Text: 2, Numeric: 3, Integer: 4, Real: 5 } as const;
export type Affinity = (typeof Affinity)[keyof typeof Affinity];

/** Storage class of the value most recently returned by `applyAffinity` or `castValue`. */
export let convertedType: ValueType = ValueType.Null;

/**
 * The affinity of a declared column type (datatype3.html §3.1), tested in order: "INT" → INTEGER;
 * "CHAR", "CLOB" or "TEXT" → TEXT; "BLOB" or no type → BLOB; "REAL", "FLOA" or "DOUB" → REAL;
 * anything else → NUMERIC. So "FLOATING POINT" is INTEGER (it contains "INT") and "STRING" NUMERIC.
 */
export function affinityOfType(declared: string | null | undefined): Affinity {
  if (declared === null || declared === undefined || declared === '') return Affinity.Blob;
  const t = declared.toUpperCase();
  if (t.includes('INT')) return Affinity.Integer;
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return Affinity.Text;
  if (t.includes('BLOB')) return Affinity.Blob;
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return Affinity.Real;
  return Affinity.Numeric;
}

/** A REAL that is a whole number strictly inside the INTEGER range becomes that INTEGER. */
function realAsInteger(r: number): SqlValue {
  if (r > -TWO_63 && r < TWO_63 && Math.trunc(r) === r) {
    convertedType = ValueType.Integer;
    return realToInt(r);
  }
  convertedType = ValueType.Real;
  return r;
}

/**
 * NUMERIC affinity applied to text: well-formed integer text that fits becomes an INTEGER; other
 * well-formed numbers become a REAL, or an INTEGER when that REAL is a whole number in range.
 * Anything else stays TEXT.
 */
function numericText(s: string): SqlValue {
  scanNumber(s);
  if (!scanWhole) {
    convertedType = ValueType.Text;
    return s;
  }
  if (scanIntFits && !cutAtNul(s)) {
    convertedType = ValueType.Integer;
    return scanInt;
  }
  return realAsInteger(scanReal);
}

/**
 * Whether the number `scanNumber` just read from `s` ends at a NUL character. SQLite's number parser
 * stops there, but its integer parser counts what follows as trailing text: such integer syntax is
 * only read as a REAL, which NUMERIC affinity then makes an INTEGER when it is a whole number.
 */
function cutAtNul(s: string): boolean {
  return s.charCodeAt(scanEnd) === 0;
}

/** Largest magnitude (exclusive) of a whole REAL that SQLite takes for an INTEGER without re-parsing: 2^51. */
const SAME_AS_INT_LIMIT = 2251799813685248;

/**
 * `v` as sqlite3_value_numeric_type sees it: well-formed numeric TEXT becomes an INTEGER (integer
 * syntax that fits; before a NUL, only a whole value below 2^51 in magnitude) or a REAL; everything
 * else is unchanged.
 */
export function numericValue(t: ValueType, v: SqlValue): SqlValue {
  convertedType = t;
  if (t !== ValueType.Text) return v;
  scanNumber(v as string);
  if (!scanWhole) return v;
  if (scanIntFits && !cutAtNul(v as string)) {
    convertedType = ValueType.Integer;
    return scanInt;
  }
  const r = scanReal;
  if (scanIntFits && Number.isInteger(r) && r >= -SAME_AS_INT_LIMIT && r < SAME_AS_INT_LIMIT) {
    convertedType = ValueType.Integer;
    return r || 0;
  }
  convertedType = ValueType.Real;
  return r;
}

/** `v` (of storage class `t`) converted as storing it under affinity `aff` converts it. */
export function applyAffinity(aff: Affinity, t: ValueType, v: SqlValue): SqlValue {
  convertedType = t;
  switch (aff) {
    case Affinity.Text:
      if (t === ValueType.Integer || t === ValueType.Real) {
        convertedType = ValueType.Text;
        return toText(t, v);
      }
      return v;
    case Affinity.Numeric:
    case Affinity.Integer:
      if (t === ValueType.Text) return numericText(v as string);
      if (t === ValueType.Real) return realAsInteger(v as number);
      return v;
    case Affinity.Real:
      if (t === ValueType.Text) {
        const n = numericText(v as string);
        if (convertedType !== ValueType.Integer) return n;
        convertedType = ValueType.Real;
        return intToReal(n as Int64);
      }
      if (t === ValueType.Integer) {
        convertedType = ValueType.Real;
        return intToReal(v as Int64);
      }
      // SQLite stores a whole REAL under REAL affinity as an integer, so -0.0 comes back as 0.0.
      return v === 0 ? 0 : v;
    default:
      return v;
  }
}

/** Largest magnitude (exclusive) of a REAL that CAST(… AS NUMERIC) turns into an INTEGER: 2^51. */
const CAST_INT_LIMIT = 2251799813685248;

/**
 * CAST(text AS NUMERIC): the numeric prefix, as an INTEGER when it is integer syntax that fits, or
 * when its REAL value is a whole number below 2^51 in magnitude; otherwise as a REAL.
 */
function castNumericText(s: string): SqlValue {
  scanNumber(s);
  if (scanIsInt && scanIntFits) {
    convertedType = ValueType.Integer;
    return scanInt;
  }
  const r = scanReal;
  if (r >= -CAST_INT_LIMIT && r < CAST_INT_LIMIT && Math.trunc(r) === r) {
    convertedType = ValueType.Integer;
    return r || 0;
  }
  convertedType = ValueType.Real;
  return r;
}

/**
 * CAST(v AS <type with affinity aff>). NULL stays NULL. TEXT → INTEGER reads the longest integer
 * prefix (saturating), TEXT → REAL the longest numeric prefix; BLOBs are first read as UTF-8 text;
 * REAL → INTEGER truncates and saturates; BLOB (or no) affinity converts to BLOB.
 */
export function castValue(aff: Affinity, t: ValueType, v: SqlValue): SqlValue {
  if (t === ValueType.Null) {
    convertedType = ValueType.Null;
    return null;
  }
  switch (aff) {
    case Affinity.Text:
      convertedType = ValueType.Text;
      return toText(t, v);
    case Affinity.Blob:
    case Affinity.None:
      convertedType = ValueType.Blob;
      return toBlob(t, v);
    case Affinity.Integer:
      convertedType = ValueType.Integer;
      if (t === ValueType.Integer) return v;
      if (t === ValueType.Real) return realToInt(v as number);
      return textToInt(t === ValueType.Text ? (v as string) : decodeUtf8(v as Uint8Array));
    case Affinity.Real:
      convertedType = ValueType.Real;
      if (t === ValueType.Real) return v;
      if (t === ValueType.Integer) return intToReal(v as Int64);
      scanNumber(t === ValueType.Text ? (v as string) : decodeUtf8(v as Uint8Array));
      return scanReal;
    default:
      convertedType = t;
      if (t === ValueType.Text) return castNumericText(v as string);
      if (t === ValueType.Blob) return castNumericText(decodeUtf8(v as Uint8Array));
      return v;
  }
}
