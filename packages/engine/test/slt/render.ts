// Rendering of query result values the way sqllogictest's reference runner does it.
//
// The reference runner (sqllogictest with its SQLite interface) reads every result column through the
// SQLite C API according to the query's type string, then prints it:
//   - NULL (any type character)   -> "NULL"
//   - 'I': sqlite3_column_int()    -> printf("%d"): the value converted to a 64-bit integer, then
//                                     truncated to a 32-bit C int
//   - 'R': sqlite3_column_double() -> printf("%.3f") with SQLite's own printf
//   - 'T': sqlite3_column_text()   -> the value's text; an empty text is "(empty)"; every byte outside
//                                     the printable ASCII range ' '..'~' becomes '@'
//
// Values reach us as JavaScript values: null, bigint (INTEGER), number (REAL), string (TEXT) and
// Uint8Array (BLOB). A `number` is always taken as a REAL, even when it holds a whole number: a REAL 1.0
// renders as text "1.0" where an INTEGER 1 renders as "1", so engines must hand integers over as bigint.
//
// The conversions below reproduce what the SQLite C API does with each storage class; the exact
// figures were checked against SQLite itself (see runner.test.ts, which compares them with
// better-sqlite3 on many values).

/** A result value as an engine returns it. */
export type SltValue = null | bigint | number | string | Uint8Array;

/** The three type characters of a query's type string. */
export type SltTypeChar = 'I' | 'R' | 'T';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

const utf8Encoder = new TextEncoder();

/** Bytes of a TEXT or BLOB value, as sqlite3_column_text() would see them (UTF-8). */
function bytesOf(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? utf8Encoder.encode(value) : value;
}

/** The bytes up to (not including) the first NUL byte: C strings end there. */
function cString(bytes: Uint8Array): Uint8Array {
  const nul = bytes.indexOf(0);
  return nul < 0 ? bytes : bytes.subarray(0, nul);
}

/** SQLite's isspace(): space, \t, \n, \v, \f, \r. */
function isSqliteSpace(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

/**
 * Text to 64-bit integer the way SQLite converts a TEXT/BLOB value for sqlite3_column_int64():
 * optional leading spaces, an optional sign, then the longest run of digits; anything after is ignored,
 * no digits give 0, and out-of-range values saturate at the 64-bit limits.
 */
export function textToInt64(value: string | Uint8Array): bigint {
  const b = cString(bytesOf(value));
  let i = 0;
  while (i < b.length && isSqliteSpace(b[i]!)) i++;
  let negative = false;
  if (i < b.length && (b[i] === 0x2d || b[i] === 0x2b)) {
    negative = b[i] === 0x2d;
    i++;
  }
  let magnitude = 0n;
  let saturated = false;
  for (; i < b.length && isDigit(b[i]!); i++) {
    if (saturated) continue;
    magnitude = magnitude * 10n + BigInt(b[i]! - 0x30);
    if (magnitude > 1n << 63n) saturated = true;
  }
  if (negative) {
    if (saturated || magnitude >= 1n << 63n) return INT64_MIN;
    return -magnitude;
  }
  if (saturated || magnitude > INT64_MAX) return INT64_MAX;
  return magnitude;
}

// The longest prefix of a text that SQLite's text-to-real conversion accepts.
const REAL_PREFIX = /^[ \t\n\v\f\r]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/;

/**
 * Text to REAL the way SQLite converts a TEXT/BLOB value for sqlite3_column_double(): the value of the
 * longest numeric prefix (leading spaces, sign, digits, a decimal point, an exponent); 0.0 if none.
 */
export function textToReal(value: string | Uint8Array): number {
  // Only ASCII can be part of a number, so a byte-per-char decoding is exact for the prefix.
  const b = cString(bytesOf(value));
  let ascii = '';
  for (let i = 0; i < b.length && i < 4096; i++) ascii += String.fromCharCode(b[i]!);
  const m = REAL_PREFIX.exec(ascii);
  if (!m) return 0;
  const n = Number(m[0].trim());
  return Number.isNaN(n) ? 0 : n;
}

/** REAL to 64-bit integer as SQLite does it: truncation toward zero, saturating at the 64-bit limits. */
export function realToInt64(x: number): bigint {
  if (Number.isNaN(x)) return 0n;
  if (x <= -9223372036854775808) return INT64_MIN;
  if (x >= 9223372036854775807) return INT64_MAX;
  return BigInt(Math.trunc(x));
}

/** The value as sqlite3_column_int64() returns it (for a non-NULL value). */
export function toInt64(value: Exclude<SltValue, null>): bigint {
  if (typeof value === 'bigint') return BigInt.asIntN(64, value);
  if (typeof value === 'number') return realToInt64(value);
  return textToInt64(value);
}

/** The value as sqlite3_column_double() returns it (for a non-NULL value). */
export function toReal(value: Exclude<SltValue, null>): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return textToReal(value);
}

// ---------------------------------------------------------------------------------------------------
// REAL to decimal text, as SQLite's printf does it (SQLite 3.52+; the version better-sqlite3 bundles).
//
// SQLite first turns the double into an integer of 18 or 19 decimal digits: the value scaled by the
// power of ten that gives at least 18 digits, rounded half-up. Every later rounding (to the digits the
// format asks for) is half-up on that digit string, so a value can be rounded twice: 1/3 is
// 0.333333333333333314829..., its 18-digit form is 333333333333333315, and 17 significant digits of
// that are 33333333333333332, not the correctly rounded 33333333333333331. The functions below compute
// the same digits exactly with BigInt arithmetic.

/** floor(log10(2^x)) the way SQLite approximates it. */
function pow2to10(x: number): number {
  return (x * 78913) >> 18;
}

/** floor(log2(10^p)) the way SQLite approximates it. */
function pow10to2(p: number): number {
  return (p * 108853) >> 15;
}

const pow10TopCache = new Map<number, bigint>();

/** floor(10^p * 2^(63 - log2Pow10)): the leading 64 bits of 10^p, truncated. */
function topBitsOfPow10(p: number, log2Pow10: number): bigint {
  let v = pow10TopCache.get(p);
  if (v === undefined) {
    const k = 63 - log2Pow10;
    let num = 1n;
    let den = 1n;
    if (p >= 0) num *= 10n ** BigInt(p);
    else den *= 10n ** BigInt(-p);
    if (k >= 0) num <<= BigInt(k);
    else den <<= BigInt(-k);
    v = num / den;
    pow10TopCache.set(p, v);
  }
  return v;
}

/** A double decoded into decimal digits: the value is 0.<digits> x 10^point, with sign. */
interface DecimalDigits {
  negative: boolean;
  digits: string; // significant digits, no leading zeros, no trailing zeros (except "0" for zero)
  point: number; // position of the decimal point relative to the first digit
}

/** `digits` (a decimal integer string) rounded half-up to `keep` digits; may carry into a new digit. */
function roundHalfUpDigits(digits: string, keep: number): { digits: string; carried: boolean } {
  if (digits.charCodeAt(keep) < 0x35) return { digits: digits.slice(0, keep), carried: false };
  const rounded = (BigInt(digits.slice(0, keep) || '0') + 1n).toString();
  if (keep === 0 || rounded.length > keep) return { digits: rounded, carried: true };
  return { digits: rounded, carried: false };
}

/**
 * The significant digits of a finite double as SQLite's decoder produces them for printf.
 * `round` > 0 keeps that many significant digits (at most `maxDigits`); `round` <= 0 keeps -round
 * digits after the decimal point (at most `maxDigits` significant ones). round == 17 is "%!.17g", which
 * also tries fewer digits when they read back as the same double.
 */
function decodeReal(x: number, round: number, maxDigits: number): DecimalDigits {
  const negative = x < 0; // -0.0 is not negative here, as in SQLite
  if (x === 0) return { negative: false, digits: '0', point: 1 };
  const ax = Math.abs(x);
  // ax == mantissa * 2^exponent with the mantissa's top bit at position 63.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, ax);
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  let mantissa: bigint;
  let exponent: number;
  if (biased === 0) {
    const shift = 64 - fraction.toString(2).length; // leading zeros in 64 bits
    mantissa = fraction << BigInt(shift);
    exponent = -1074 - shift;
  } else {
    mantissa = (fraction << 11n) | (1n << 63n);
    exponent = biased - 1086;
  }
  // Scale by 10^p so that the result has 18 (or 19) digits, rounding half-up. Like SQLite, multiply by
  // the top 64 bits of 10^p (truncated) and keep the top 64 bits of the product: for most values
  // that is the exact half-up rounding, for a few with large or tiny exponents it is one unit lower.
  const p = 17 - pow2to10(exponent + 63);
  const log2Pow10 = pow10to2(p);
  const pow10Top = topBitsOfPow10(p, log2Pow10);
  const product = (mantissa * pow10Top) >> 64n;
  const shift = -(exponent + log2Pow10 + 2);
  const twice = shift >= 0 ? product >> BigInt(shift) : product << BigInt(-shift);
  const scaled = (twice >> 1n) + (twice & 1n);
  let digits = scaled.toString();
  let point = digits.length - p;

  if (round <= 0) {
    round = point - round;
    if (round === 0 && digits.charCodeAt(0) >= 0x35) {
      digits = '0' + digits;
      point++;
      round = 1;
    }
  }
  if (round > 0 && (round < digits.length || digits.length > maxDigits)) {
    if (round > maxDigits) round = maxDigits;
    if (round === 17) {
      // Try a shorter form that still reads back as the same double.
      if (digits[15] === '9' && digits[14] === '9') {
        let jj = 14;
        while (jj > 0 && digits[jj - 1] === '9') jj--;
        const shorter = jj === 0 ? 1n : BigInt(digits.slice(0, jj)) + 1n;
        if (Number(`${shorter}e${point - jj}`) === ax) round = jj + 1;
      } else if (point >= digits.length || (digits[15] === '0' && digits[14] === '0' && digits[13] === '0')) {
        let jj = 13;
        while (digits[jj - 1] === '0') jj--;
        if (Number(`${digits.slice(0, jj)}e${point - jj}`) === ax) round = jj + 1;
      }
    }
    const r = roundHalfUpDigits(digits, round);
    digits = r.digits;
    if (r.carried) point++;
  }
  digits = digits.replace(/0+$/, '');
  if (digits === '') digits = '0';
  return { negative, digits, point };
}

/**
 * printf("%.3f") as SQLite's printf does it: half-up rounding on SQLite's 18-digit decimal form, at most
 * 16 significant digits (further integer digits print as zeros), a negative value keeps its '-' even
 * when it rounds to zero (but -0.0 prints "0.000"), infinities print "Inf" / "-Inf".
 */
export function formatReal3(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Inf';
  if (x === -Infinity) return '-Inf';
  const { negative, digits, point } = decodeReal(x, -3, 16);
  const digitAt = (i: number): string => (i >= 0 && i < digits.length ? digits[i]! : '0');
  let out = negative ? '-' : '';
  if (point <= 0) out += '0';
  else for (let i = 0; i < point; i++) out += digitAt(i);
  out += '.';
  for (let f = 0; f < 3; f++) out += digitAt(point + f);
  return out;
}

/**
 * A REAL as SQLite turns it into text (CAST(x AS TEXT), sqlite3_column_text()): printf "%!.17g", i.e.
 * 17 significant digits unless fewer read back as the same double; plain notation for decimal
 * exponents -4..16, exponent notation ("1.0e+17", "1.5e-07") outside; always a fraction part ("1.0").
 */
export function realToText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Inf';
  if (x === -Infinity) return '-Inf';
  const { negative, digits, point } = decodeReal(x, 17, 20);
  const sciExp = point - 1;
  let out: string;
  if (sciExp < -4 || sciExp > 16) {
    const absExp = Math.abs(sciExp);
    out = `${digits[0]}.${digits.slice(1) || '0'}e${sciExp < 0 ? '-' : '+'}${absExp < 10 ? '0' : ''}${absExp}`;
  } else if (point <= 0) {
    out = `0.${'0'.repeat(-point)}${digits}`;
  } else if (digits.length <= point) {
    out = `${digits}${'0'.repeat(point - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  return (negative ? '-' : '') + out;
}

/** Replaces every byte outside ' '..'~' with '@' (the reference runner's rule for text values). */
function printableAscii(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b < 0x20 || b > 0x7e ? '@' : String.fromCharCode(b);
  return out;
}

/** Renders a text-column value ('T'). */
export function renderText(value: Exclude<SltValue, null>): string {
  let bytes: Uint8Array;
  if (typeof value === 'bigint') bytes = utf8Encoder.encode(BigInt.asIntN(64, value).toString());
  else if (typeof value === 'number') bytes = utf8Encoder.encode(realToText(value));
  else bytes = cString(bytesOf(value));
  if (bytes.length === 0) return '(empty)';
  return printableAscii(bytes);
}

/** Renders one result value for a column of the given type character. */
export function renderValue(value: SltValue, type: SltTypeChar): string {
  if (value === null || value === undefined) return 'NULL';
  switch (type) {
    case 'I':
      return BigInt.asIntN(32, toInt64(value)).toString();
    case 'R':
      return formatReal3(toReal(value));
    case 'T':
      return renderText(value);
  }
}
