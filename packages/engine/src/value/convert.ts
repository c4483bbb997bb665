/**
 * Conversions between SQLite's storage classes, exactly as SQLite 3.53 performs them.
 *
 * - REAL → TEXT: SQLite's `%!.17g`, whose digits shorten to 15 when that is exact enough (see
 *   decimal.ts); ±Infinity is "Inf"/"-Inf" and a negative zero is "0.0".
 * - TEXT → number: `scanNumber` parses the longest numeric prefix (leading and trailing whitespace
 *   allowed; no hex, no "inf"/"nan"); significands keep as many digits as fit in 64 unsigned bits, the
 *   rest only scale, and the result is then correctly rounded, as SQLite's own parser does.
 * - REAL → INTEGER truncates toward zero and saturates at the 64-bit limits; TEXT → INTEGER reads
 *   the longest integer prefix, saturating likewise.
 * - TEXT ↔ BLOB: the bytes are the UTF-8 encoding.
 *
 * Values travel as a (ValueType, SqlValue) pair: the type says whether a number is an INTEGER or a
 * REAL, and an INTEGER is an `Int64` (a bigint only outside the safe range, see int64.ts). The scan
 * reports through module-level bindings, so the number paths allocate nothing.
 */
import type { Int64 } from '../record/int64.js';
import { type SqlValue, ValueType, decodeUtf8, encodeUtf8 } from '../record/value.js';
import { decodeReal, decoded } from './decimal.js';

/** 2^63 as a double: the first double above the INTEGER range. */
export const TWO_63 = 9223372036854775808;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const U64_MAX_TEXT = '18446744073709551615';

/** Exact powers of ten as doubles (10^0 … 10^22). */
const EXACT_POW10 = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
  1e18, 1e19, 1e20, 1e21, 1e22,
];

/** Whitespace as SQLite's parsers skip it: space, TAB, LF, VT, FF, CR. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

// ---- Results of the last scanNumber call -------------------------------------------------------

/** The scanned text had at least one digit in its numeric prefix. */
export let scanHasDigits = false;
/** The whole text (whitespace aside) is the number: SQLite would call it well-formed. */
export let scanWhole = false;
/** The numeric prefix has neither a decimal point nor an exponent. */
export let scanIsInt = false;
/** The numeric prefix is integer syntax and its value fits in 64 bits (then `scanInt` holds it). */
export let scanIntFits = false;
/** Value of the numeric prefix as a double (0 when there is none). */
export let scanReal = 0;
/** Value of the numeric prefix as an INTEGER when `scanIntFits`. */
export let scanInt: Int64 = 0;
/** Index just past the numeric prefix and the whitespace after it. */
export let scanEnd = 0;

/**
 * Scans `s` for a number as SQLite's text-to-number parser does, setting the `scan*` bindings. The
 * numeric prefix is: optional whitespace, optional sign, digits with at most one decimal point (at
 * least one digit in all), and an optional exponent (`e`, optional sign, at least one digit; without
 * a digit the `e` is not part of the number).
 */
export function scanNumber(s: string): void {
  // SQLite reads a TEXT value only up to its first NUL character.
  const nul = s.indexOf('\0');
  const len = nul < 0 ? s.length : nul;
  let i = 0;
  while (i < len && isSpace(s.charCodeAt(i))) i++;
  let negative = false;
  let c = s.charCodeAt(i);
  if (c === 0x2d || c === 0x2b) {
    negative = c === 0x2d;
    i++;
  }
  // Significand: the first digits that fit in 64 unsigned bits; `scale` is the power of ten that the
  // kept digits must be multiplied by.
  let nDigits = 0;
  let sigDigits = 0; // significant digits seen (leading zeros excluded)
  let firstSig = -1;
  let scale = 0;
  let sawPoint = false;
  for (; i < len; i++) {
    c = s.charCodeAt(i);
    if (isDigit(c)) {
      nDigits++;
      if (sigDigits === 0 && c === 0x30) {
        if (sawPoint) scale--;
        continue;
      }
      if (sigDigits === 0) firstSig = i;
      sigDigits++;
      if (sawPoint) scale--;
    } else if (c === 0x2e && !sawPoint) {
      sawPoint = true;
    } else {
      break;
    }
  }
  const mantEnd = i;
  scanHasDigits = nDigits > 0;
  let exp = 0;
  let hasExp = false;
  if (scanHasDigits && i < len && (s.charCodeAt(i) | 0x20) === 0x65) {
    let j = i + 1;
    let eNeg = false;
    c = s.charCodeAt(j);
    if (c === 0x2d || c === 0x2b) {
      eNeg = c === 0x2d;
      j++;
    }
    if (j < len && isDigit(s.charCodeAt(j))) {
      hasExp = true;
      for (; j < len && isDigit((c = s.charCodeAt(j))); j++) {
        if (exp < 100000) exp = exp * 10 + (c - 0x30);
      }
      if (eNeg) exp = -exp;
      i = j;
    }
  }
  let end = i;
  while (end < len && isSpace(s.charCodeAt(end))) end++;
  scanEnd = end;
  scanWhole = scanHasDigits && end === len;
  scanIsInt = scanHasDigits && !sawPoint && !hasExp;

  if (!scanHasDigits) {
    scanReal = 0;
    scanInt = 0;
    scanIntFits = false;
    return;
  }
  if (sigDigits === 0) {
    scanReal = negative ? -0 : 0;
    scanInt = 0;
    scanIntFits = scanIsInt;
    return;
  }
  if (sigDigits <= 15) {
    // The significand is exact in a double.
    let sig = 0;
    for (let k = firstSig; k < mantEnd; k++) {
      const d = s.charCodeAt(k);
      if (d !== 0x2e) sig = sig * 10 + (d - 0x30);
    }
    scanReal = scaleExact(sig, scale + exp, firstSig, mantEnd, s);
    if (negative) scanReal = -scanReal;
    scanIntFits = scanIsInt;
    scanInt = scanIntFits ? (negative ? -sig || 0 : sig) : 0;
    return;
  }
  scanLong(s, firstSig, mantEnd, scale, exp, negative);
}

/** sig · 10^p correctly rounded (`sig` below 2^53): one exact operation when 10^p is exact. */
function scaleExact(sig: number, p: number, firstSig: number, mantEnd: number, s: string): number {
  if (p === 0) return sig;
  if (p > 0 && p <= 22) return sig * EXACT_POW10[p];
  if (p < 0 && p >= -22) return sig / EXACT_POW10[-p];
  return Number(digitText(s, firstSig, mantEnd) + 'e' + p);
}

/** The digits of s[from, to) without the decimal point. */
function digitText(s: string, from: number, to: number): string {
  let out = '';
  for (let k = from; k < to; k++) {
    if (s.charCodeAt(k) !== 0x2e) out += s[k];
  }
  return out;
}

/**
 * The slow path of `scanNumber`, for more than 15 significant digits: the significand keeps the
 * digits that fit in 64 unsigned bits, and each digit dropped raises the scale by one.
 */
function scanLong(s: string, firstSig: number, mantEnd: number, scale: number, exp: number, negative: boolean): void {
  const digits = digitText(s, firstSig, mantEnd);
  // 20 digits fit in 64 unsigned bits when they do not exceed 2^64 - 1; otherwise 19 always do.
  const kept = digits.length < 20 || digits.slice(0, 20) <= U64_MAX_TEXT ? Math.min(digits.length, 20) : 19;
  const r = Number(`${digits.slice(0, kept)}e${scale + (digits.length - kept) + exp}`);
  scanReal = negative ? -r : r;
  scanIntFits = false;
  scanInt = 0;
  if (scanIsInt && digits.length <= 19) {
    const v = negative ? -BigInt(digits) : BigInt(digits);
    if (v >= INT64_MIN && v <= INT64_MAX) {
      scanIntFits = true;
      scanInt = v >= -MAX_SAFE_BIG && v <= MAX_SAFE_BIG ? Number(v) : v;
    }
  }
}

// ---- Integer and real conversions ----------------------------------------------------------------

/** REAL → INTEGER as SQLite does it: truncation toward zero, saturating at the 64-bit limits; NaN → 0. */
export function realToInt(r: number): Int64 {
  if (r > -9007199254740992 && r < 9007199254740992) return Math.trunc(r) || 0;
  if (r >= TWO_63) return INT64_MAX;
  if (r <= -TWO_63) return INT64_MIN;
  if (r !== r) return 0;
  return BigInt(r); // integral already: the magnitude is at least 2^53
}

/** INTEGER → REAL (round to nearest, as C's conversion). */
export function intToReal(v: Int64): number {
  return typeof v === 'number' ? v : Number(v);
}

/** The longest integer prefix of `s` (after whitespace and a sign), saturating; 0 if there is none. */
export function textToInt(s: string): Int64 {
  const len = s.length;
  let i = 0;
  while (i < len && isSpace(s.charCodeAt(i))) i++;
  let negative = false;
  let c = s.charCodeAt(i);
  if (c === 0x2d || c === 0x2b) {
    negative = c === 0x2d;
    i++;
  }
  while (i < len && s.charCodeAt(i) === 0x30) i++;
  const start = i;
  let v = 0;
  while (i < len && isDigit((c = s.charCodeAt(i)))) {
    if (i - start < 15) v = v * 10 + (c - 0x30);
    i++;
  }
  const n = i - start;
  if (n <= 15) return negative ? -v || 0 : v;
  if (n > 19) return negative ? INT64_MIN : INT64_MAX;
  let big = BigInt(s.slice(start, i));
  if (negative) big = -big;
  if (big > INT64_MAX) return INT64_MAX;
  if (big < INT64_MIN) return INT64_MIN;
  return big >= -MAX_SAFE_BIG && big <= MAX_SAFE_BIG ? Number(big) : big;
}

/** The value of the numeric prefix of `s` as a double (0 when there is none). */
export function textToReal(s: string): number {
  scanNumber(s);
  return scanReal;
}

/** INTEGER → TEXT. */
export function intToText(v: Int64): string {
  return String(v);
}

/**
 * Renders `decoded` as `%!.17g` lays a number out: exponent form below 1e-4 and from 1e17 up, a
 * decimal point always present.
 */
function renderReal(): string {
  const d = decoded.digits;
  const n = decoded.n;
  const e = decoded.dp - 1;
  let out = decoded.negative ? '-' : '';
  if (e < -4 || e >= 17) {
    out += String.fromCharCode(d[0]) + '.';
    if (n === 1) out += '0';
    else for (let i = 1; i < n; i++) out += String.fromCharCode(d[i]);
    const a = e < 0 ? -e : e;
    return out + (e < 0 ? 'e-' : 'e+') + (a < 10 ? '0' : '') + a;
  }
  if (e < 0) {
    out += '0.';
    for (let i = -1; i > e; i--) out += '0';
    for (let i = 0; i < n; i++) out += String.fromCharCode(d[i]);
    return out;
  }
  for (let i = 0; i <= e; i++) out += i < n ? String.fromCharCode(d[i]) : '0';
  out += '.';
  if (n <= e + 1) return out + '0';
  for (let i = e + 1; i < n; i++) out += String.fromCharCode(d[i]);
  return out;
}

/**
 * REAL → TEXT as SQLite renders it (CAST, `||`, the text of a REAL handed to a function): exactly
 * printf's `%!.17g` (see decimal.ts for how the 17 digits shorten to 15 when they can).
 */
export function realToText(r: number): string {
  if (r === Infinity) return 'Inf';
  if (r === -Infinity) return '-Inf';
  if (r !== r) return 'NaN';
  decodeReal(r, 17, 26);
  return renderReal();
}

// ---- Conversions of a (type, value) pair, as sqlite3_value_int64/double/text/blob ----------------

/** The value as an INTEGER (sqlite3_value_int64): NULL → 0, REAL truncated, TEXT/BLOB prefix-parsed. */
export function toInt(t: ValueType, v: SqlValue): Int64 {
  switch (t) {
    case ValueType.Integer:
      return v as Int64;
    case ValueType.Real:
      return realToInt(v as number);
    case ValueType.Text:
      return textToInt(v as string);
    case ValueType.Blob:
      return textToInt(decodeUtf8(v as Uint8Array));
    default:
      return 0;
  }
}

/** The value as a REAL (sqlite3_value_double): NULL → 0.0, TEXT/BLOB prefix-parsed. */
export function toReal(t: ValueType, v: SqlValue): number {
  switch (t) {
    case ValueType.Integer:
      return intToReal(v as Int64);
    case ValueType.Real:
      return v as number;
    case ValueType.Text:
      return textToReal(v as string);
    case ValueType.Blob:
      return textToReal(decodeUtf8(v as Uint8Array));
    default:
      return 0;
  }
}

/** The value as TEXT (sqlite3_value_text): NULL → '', numbers rendered, BLOB decoded as UTF-8. */
export function toText(t: ValueType, v: SqlValue): string {
  switch (t) {
    case ValueType.Text:
      return v as string;
    case ValueType.Integer:
      return intToText(v as Int64);
    case ValueType.Real:
      return realToText(v as number);
    case ValueType.Blob:
      return decodeUtf8(v as Uint8Array);
    default:
      return '';
  }
}

const EMPTY = new Uint8Array(0);

/** The value as a BLOB (sqlite3_value_blob): NULL → empty, others as the UTF-8 of their text. */
export function toBlob(t: ValueType, v: SqlValue): Uint8Array {
  if (t === ValueType.Blob) return v as Uint8Array;
  if (t === ValueType.Null) return EMPTY;
  return encodeUtf8(toText(t, v));
}

/**
 * Truth value of a condition (WHERE, CASE WHEN, iif, AND/OR/NOT): null for NULL; otherwise whether
 * the value is non-zero, TEXT and BLOB being read as REAL (so '0.5' is true and 'abc' false).
 */
export function truthValue(t: ValueType, v: SqlValue): boolean | null {
  switch (t) {
    case ValueType.Null:
      return null;
    case ValueType.Integer:
    case ValueType.Real:
      return v !== 0 && v !== 0n;
    default:
      return toReal(t, v) !== 0;
  }
}
