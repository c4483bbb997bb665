/**
 * Comparison of two SQL values (sqlite.org/datatype3.html §4), for the executor's comparison
 * operators, min()/max() and DISTINCT.
 *
 * `compareValues` orders values across storage classes as SQLite does: numbers (INTEGER and REAL by
 * exact mathematical value) before TEXT (by collation) before BLOB (memcmp, shorter first). NULL is
 * the caller's business: any comparison involving NULL returns `NaN`, so that every `<`, `>` or
 * `===` test on the result is false.
 *
 * `compareWithAffinity` first applies the operand affinities as a comparison operator does (§4.2):
 * when one side has INTEGER, REAL or NUMERIC affinity and the other TEXT, BLOB or none, the other is
 * given NUMERIC affinity; when one side has TEXT affinity and the other none (not BLOB), it is given
 * TEXT affinity.
 *
 * Collations are the byte collations of record/compare.ts; the three built-ins are evaluated on the
 * JavaScript strings directly (code-point order is UTF-8 byte order), others on UTF-8 copies.
 */
import { BINARY, type Collation, NOCASE, RTRIM } from '../record/compare.js';
import type { Int64 } from '../record/int64.js';
import { type SqlValue, ValueType, encodeUtf8 } from '../record/value.js';
import { Affinity, applyAffinity, convertedType } from './affinity.js';

/** Compares two numbers of either class exactly: -1, 0 or 1. */
export function compareNumbers(a: Int64 | number, b: Int64 | number): number {
  // Mixed bigint/number comparisons are exact in JavaScript, which covers values near ±2^63.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** UTF-16 unit `c` remapped so that unit order matches code-point (and UTF-8 byte) order. */
function codePointOrder(c: number): number {
  return c >= 0xe000 ? c - 0x800 : c >= 0xd800 ? c + 0x2000 : c;
}

/** Code-point order of two strings (BINARY). */
function binaryStrings(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointOrder(x) < codePointOrder(y) ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * NOCASE on strings: ASCII letters folded; a NUL common to both ends the character comparison, and
 * then the longer string in UTF-8 bytes is the greater, as SQLite compares them.
 */
function nocaseStrings(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x !== y) return codePointOrder(x) < codePointOrder(y) ? -1 : 1;
    if (x === 0) {
      const la = utf8Length(a);
      const lb = utf8Length(b);
      return la === lb ? 0 : la < lb ? -1 : 1;
    }
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** The length of `s` in UTF-8 bytes (a lone surrogate counts as the 3 bytes of U+FFFD). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Length of `s` without trailing spaces (U+0020 only). */
function rtrimmedLength(s: string): number {
  let n = s.length;
  while (n > 0 && s.charCodeAt(n - 1) === 0x20) n--;
  return n;
}

/** Compares two TEXT values under `coll`: negative, zero or positive. */
export function compareText(coll: Collation, a: string, b: string): number {
  if (coll === BINARY) return binaryStrings(a, b);
  if (coll === NOCASE) return nocaseStrings(a, b);
  if (coll === RTRIM) {
    const na = rtrimmedLength(a);
    const nb = rtrimmedLength(b);
    return binaryStrings(na === a.length ? a : a.slice(0, na), nb === b.length ? b : b.slice(0, nb));
  }
  return coll(encodeUtf8(a), encodeUtf8(b));
}

/** memcmp order of two BLOBs, a shorter prefix first. */
export function compareBlobs(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Rank of a storage class in the cross-class order: numbers, TEXT, BLOB. */
function classRank(t: ValueType): number {
  return t === ValueType.Real ? ValueType.Integer : t;
}

/**
 * Orders `a` against `b` as SQLite's sort order does (no affinity applied): negative, zero or positive,
 * or NaN when either is NULL.
 */
export function compareValues(ta: ValueType, a: SqlValue, tb: ValueType, b: SqlValue, coll: Collation = BINARY): number {
  if (ta === ValueType.Null || tb === ValueType.Null) return NaN;
  const ra = classRank(ta);
  const rb = classRank(tb);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case ValueType.Integer:
      return compareNumbers(a as Int64, b as Int64);
    case ValueType.Text:
      return compareText(coll, a as string, b as string);
    default:
      return compareBlobs(a as Uint8Array, b as Uint8Array);
  }
}

/**
 * Compares `a` (with affinity `affA`) against `b` (with affinity `affB`) as a comparison operator
 * does, applying affinities first (see the file comment). NaN when either is NULL.
 */
export function compareWithAffinity(
  affA: Affinity,
  ta: ValueType,
  a: SqlValue,
  affB: Affinity,
  tb: ValueType,
  b: SqlValue,
  coll: Collation = BINARY,
): number {
  if (ta === ValueType.Null || tb === ValueType.Null) return NaN;
  const numA = affA >= Affinity.Numeric;
  const numB = affB >= Affinity.Numeric;
  if (numA !== numB) {
    if (numA && tb === ValueType.Text) {
      b = applyAffinity(Affinity.Numeric, tb, b);
      tb = convertedType;
    } else if (numB && ta === ValueType.Text) {
      a = applyAffinity(Affinity.Numeric, ta, a);
      ta = convertedType;
    }
  } else if (!numA) {
    if (affA === Affinity.Text && affB === Affinity.None && (tb === ValueType.Integer || tb === ValueType.Real)) {
      b = applyAffinity(Affinity.Text, tb, b);
      tb = convertedType;
    } else if (affB === Affinity.Text && affA === Affinity.None && (ta === ValueType.Integer || ta === ValueType.Real)) {
      a = applyAffinity(Affinity.Text, ta, a);
      ta = convertedType;
    }
  }
  return compareValues(ta, a, tb, b, coll);
}
