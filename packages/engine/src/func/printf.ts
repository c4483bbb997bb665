/**
 * format(FORMAT, ...) and its alias printf(): SQLite's own printf (sqlite.org/printf.html), as the
 * SQL function exposes it.
 *
 * A conversion is `%[flags][width][.precision][l[l]]type`. Flags: `-` left-justify, `+` and ` `
 * sign characters (the last one given wins), `#` alternate form, `!` alternate-form-2, `0`
 * zero-padding, `,` thousands separators. Width and precision may be `*` (taken from the arguments;
 * a negative width left-justifies, a negative precision counts as its magnitude); written-out numbers
 * wrap as 32-bit integers and keep 31 bits. Types: d i u x X o p r (integers), f e E g G (reals),
 * s z q Q w c (text), % (a percent sign), n (nothing). An unknown type makes the result NULL; a
 * format that ends inside a conversion ends the output there, except that a lone final `%` is kept.
 * A result longer than MAX_LENGTH bytes is SQLITE_TOOBIG.
 *
 * Arguments are read as sqlite3_value_int64 / _double / _text read them; missing ones count as 0,
 * 0.0 or NULL. Text arguments end at their first NUL character, as C strings do. Widths and
 * precisions of text count bytes (characters with `!`); a byte limit that cuts a character leaves the
 * partial bytes, which read back as U+FFFD.
 *
 * Reals are rounded from SQLite's digit strings (value/decimal.ts): at most 16 significant digits
 * (26 with `!`), the rest printed as zeros. `!` also drops trailing zeros but keeps one digit after
 * the point. Infinity prints as "Inf" — unless zero-padding is asked for, in which case SQLite prints
 * it as 9e999.
 */
import type { Int64 } from '../record/int64.js';
import { ValueType, decodeUtf8, encodeUtf8 } from '../record/value.js';
import { type Args, MAX_LENGTH, type Result } from '../value/args.js';
import { decodeReal, decoded } from '../value/decimal.js';
import { cString, charLength, firstChars, utf8Length } from './chars.js';

/** SQLite's cap on the precision of a real conversion. */
const FP_PRECISION_LIMIT = 100_000_000;

/**
 * A text argument as SQLite sees it: a string, or the raw bytes of a BLOB (which may not be valid
 * UTF-8, and whose byte count is what widths and precisions measure).
 */
type TextArg = string | Uint8Array;

/** Length of `a` in bytes. */
function byteLength(a: TextArg): number {
  return typeof a === 'string' ? utf8Length(a) : a.length;
}

/** Length of `a` in characters (for bytes: those that do not continue a UTF-8 sequence). */
function charCount(a: TextArg): number {
  if (typeof a === 'string') return charLength(a);
  let n = 0;
  for (let i = 0; i < a.length; i++) if ((a[i] & 0xc0) !== 0x80) n++;
  return n;
}

/** The first `n` bytes of `a` (a cut character reads back as U+FFFD). */
function firstBytes(a: TextArg, n: number): TextArg {
  if (typeof a !== 'string') return a.length <= n ? a : a.subarray(0, n);
  return utf8Length(a) <= n ? a : encodeUtf8(a).subarray(0, n);
}

/**
 * The first `n` characters of `a`; in bytes, a character is a lead byte (0xC0 and up) with the
 * continuation bytes after it, or any other single byte.
 */
function firstCharsOf(a: TextArg, n: number): TextArg {
  if (typeof a === 'string') return firstChars(a, n);
  let i = 0;
  for (let k = 0; k < n && i < a.length; k++) {
    if (a[i++] >= 0xc0) while (i < a.length && (a[i] & 0xc0) === 0x80) i++;
  }
  return a.subarray(0, i);
}

/** The first character of non-empty `a`: for bytes, a lead byte and up to three continuation bytes. */
function firstCharacter(a: TextArg): TextArg {
  if (typeof a === 'string') return firstChars(a, 1);
  let n = 1;
  if (a[0] >= 0xc0) while (n < a.length && n < 4 && (a[n] & 0xc0) === 0x80) n++;
  return a.subarray(0, n);
}

/** `a` as a string. */
function asString(a: TextArg): string {
  return typeof a === 'string' ? a : decodeUtf8(a);
}

/** Raised inside the formatter when the result would be too long. */
class TooBig extends Error {}

/** One conversion specification. */
interface Spec {
  left: boolean;
  sign: string; // '', '+' or ' '
  alt: boolean;
  alt2: boolean;
  zeroPad: boolean;
  thousands: boolean;
  width: number;
  precision: number; // -1 when absent
}

/** Inserts a comma between each group of three digits of `digits`, counting from the right. */
function groupThousands(digits: string): string {
  let out = '';
  const n = digits.length;
  for (let i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return out;
}

/** Pads `body` to `width` with spaces (`length` is its width in the units width counts). */
function pad(body: string, length: number, spec: Spec): string {
  if (spec.width <= length) return body;
  const n = spec.width - length;
  if (n > MAX_LENGTH) throw new TooBig();
  const fill = ' '.repeat(n);
  return spec.left ? body + fill : fill + body;
}

/** The formatter's argument cursor. */
class Cursor {
  next = 1;
  constructor(readonly args: Args) {}

  int(): Int64 {
    return this.next < this.args.count ? this.args.int(this.next++) : 0;
  }

  real(): number {
    return this.next < this.args.count ? this.args.real(this.next++) : 0;
  }

  /** The next argument as a C string (BLOBs as their bytes), or null for NULL or a missing argument. */
  text(): TextArg | null {
    if (this.next >= this.args.count) return null;
    const i = this.next++;
    const t = this.args.type(i);
    if (t === ValueType.Null) return null;
    if (t !== ValueType.Blob) return cString(this.args.text(i));
    const b = this.args.blob(i);
    const nul = b.indexOf(0);
    return nul < 0 ? b : b.subarray(0, nul);
  }
}

/** `v` as a 32-bit C int (the low 32 bits, signed). */
function toCInt(v: Int64): number {
  return typeof v === 'number' ? v | 0 : Number(BigInt.asIntN(32, v));
}

const ORDINAL = ['th', 'st', 'nd', 'rd'];

/** An integer conversion (d i u x X o p r). */
function formatInteger(type: string, v: Int64, spec: Spec): string {
  const signed = type === 'd' || type === 'i' || type === 'r';
  let negative = false;
  let mag: number | bigint = v;
  if (signed) {
    if (v < 0) {
      negative = true;
      mag = typeof v === 'number' ? -v : -v; // the magnitude of -2^63 is a bigint already
    }
  } else if (v < 0) {
    mag = BigInt.asUintN(64, BigInt(v));
  }
  const base = type === 'x' || type === 'X' || type === 'p' ? 16 : type === 'o' ? 8 : 10;
  let digits = mag.toString(base);
  if (type === 'X' || type === 'p') digits = digits.toUpperCase();
  const prefix = negative ? '-' : signed ? spec.sign : '';
  let suffix = '';
  if (type === 'r') {
    const m = Number(typeof mag === 'bigint' ? mag % 100n : mag % 100);
    suffix = m >= 11 && m <= 13 ? 'th' : ORDINAL[m % 10] ?? 'th';
  }
  // The ordinal suffix counts toward the precision as well as the width.
  let minDigits = type === 'r' ? spec.precision - 2 : spec.precision;
  if (spec.zeroPad) {
    const room = spec.width - prefix.length - suffix.length;
    if (room > minDigits) minDigits = room;
  }
  if (minDigits > MAX_LENGTH) throw new TooBig();
  if (digits.length < minDigits) digits = '0'.repeat(minDigits - digits.length) + digits;
  if (spec.thousands && base === 10 && type !== 'r') digits = groupThousands(digits);
  let alt = '';
  if (spec.alt && v !== 0) {
    if (type === 'o') alt = '0';
    else if (type === 'x' || type === 'p') alt = '0x';
    else if (type === 'X') alt = '0X';
  }
  const body = prefix + alt + digits + suffix;
  return pad(body, body.length, spec);
}

/** Digit `i` of `decoded` (0 past the end or before the start). */
function digitAt(i: number): string {
  return i >= 0 && i < decoded.n ? String.fromCharCode(decoded.digits[i]) : '0';
}

/** A real conversion (f e E g G). */
function formatReal(type: string, x: number, spec: Spec): string {
  let precision = spec.precision < 0 ? 6 : spec.precision > FP_PRECISION_LIMIT ? FP_PRECISION_LIMIT : spec.precision;
  const negative = x < 0;
  let prefix = negative ? '-' : spec.sign;
  if (x === Infinity || x === -Infinity) {
    if (!spec.zeroPad) {
      const body = prefix + 'Inf';
      return pad(body, body.length, spec);
    }
    // With zero-padding SQLite prints infinity as the digit 9 at position 10^999.
    decoded.negative = negative;
    decoded.digits[0] = 0x39;
    decoded.n = 1;
    decoded.dp = 1000;
  }
  const maxDigits = spec.alt2 ? 26 : 16;
  let style = type.toLowerCase();
  const generic = style === 'g';
  if (generic) {
    if (precision === 0) precision = 1;
    if (x !== Infinity && x !== -Infinity) decodeReal(x, precision, maxDigits);
    const exp = decoded.dp - 1;
    if (exp < -4 || exp >= precision) {
      style = 'e';
      precision -= 1;
    } else {
      style = 'f';
      precision -= 1 + exp;
    }
  } else if (x !== Infinity && x !== -Infinity) {
    decodeReal(x, style === 'f' ? -precision : precision + 1, maxDigits);
  }
  if (precision > MAX_LENGTH) throw new TooBig();
  let intPart: string;
  let frac = '';
  let exponent = '';
  if (style === 'f') {
    const dp = decoded.dp;
    if (dp <= 0) intPart = '0';
    else {
      if (dp > MAX_LENGTH) throw new TooBig();
      intPart = '';
      for (let i = 0; i < dp; i++) intPart += digitAt(i);
    }
    if (spec.thousands) intPart = groupThousands(intPart);
    for (let k = 0; k < precision; k++) {
      const i = dp + k;
      if (i >= decoded.n) {
        frac += '0'.repeat(precision - k);
        break;
      }
      frac += digitAt(i);
    }
  } else {
    intPart = digitAt(0);
    for (let k = 1; k <= precision; k++) {
      if (k >= decoded.n) {
        frac += '0'.repeat(precision - k + 1);
        break;
      }
      frac += digitAt(k);
    }
    const e = decoded.n === 1 && decoded.digits[0] === 0x30 ? 0 : decoded.dp - 1;
    const a = e < 0 ? -e : e;
    exponent = (type === 'E' || type === 'G' ? 'E' : 'e') + (e < 0 ? '-' : '+') + (a < 10 ? '0' : '') + a;
  }
  // %g drops trailing zeros unless `#`; `!` drops them from %f and %e too, but keeps one digit.
  if (generic ? !spec.alt : spec.alt2) {
    let end = frac.length;
    while (end > 0 && frac.charCodeAt(end - 1) === 0x30) end--;
    frac = frac.slice(0, end);
    if (spec.alt2 && end === 0) frac = '0';
  }
  const point = frac !== '' || spec.alt ? '.' : '';
  let body = intPart + point + frac + exponent;
  // With `#` and no sign flag, a negative value that rounds to zero in %f loses its minus sign.
  if (negative && spec.alt && spec.sign === '' && style === 'f' && /^[0,.]*$/.test(body)) prefix = '';
  if (spec.zeroPad && !spec.left && spec.width > prefix.length + body.length) {
    const n = spec.width - prefix.length - body.length;
    if (n > MAX_LENGTH) throw new TooBig();
    body = '0'.repeat(n) + body;
  }
  body = prefix + body;
  return pad(body, body.length, spec);
}

/**
 * A %c conversion: the first character of the argument (a NUL for NULL or empty text), repeated
 * `precision` times. As in SQLite, the width left after the repetitions pads before them, and the
 * last copy is padded by counting its lead bytes (so a stray continuation byte counts as none).
 */
function formatChar(arg: TextArg | null, spec: Spec): string {
  const ch = arg === null || arg.length === 0 ? '\u0000' : firstCharacter(arg);
  const text = asString(ch);
  let width = spec.width;
  let out = '';
  if (spec.precision > 1) {
    if (spec.precision > MAX_LENGTH) throw new TooBig();
    width -= spec.precision - 1;
    if (width > 1 && !spec.left) {
      out += ' '.repeat(width - 1);
      width = 0;
    }
    out += text.repeat(spec.precision - 1);
  }
  const units = typeof ch === 'string' ? 1 : charCount(ch);
  if (width > units) {
    const fill = ' '.repeat(width - units);
    return spec.left ? out + text + fill : out + fill + text;
  }
  return out + text;
}

/** `x` as `%!.<decimals>f` prints it (round() prints and reads back). */
export function formatFixedAlt2(x: number, decimals: number): string {
  const spec: Spec = { left: false, sign: '', alt: false, alt2: true, zeroPad: false, thousands: false, width: 0, precision: decimals };
  return formatReal('f', x, spec);
}

/** Number of occurrences of the character `c` in `t`. */
function countOf(t: string, c: string): number {
  let n = 0;
  for (let i = t.indexOf(c); i >= 0; i = t.indexOf(c, i + 1)) n++;
  return n;
}

/** Number of control characters (U+0001 to U+001F) in `t`. */
function controlCount(t: string): number {
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0x01 && c < 0x20) n++;
  }
  return n;
}

/** `t` with control characters written as \u00XX and backslashes doubled (the `#` form of %q). */
function unicodeEscaped(t: string): string {
  let out = '';
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0x01 && c < 0x20) out += '\\u00' + (c < 0x10 ? '0' : '') + c.toString(16);
    else if (c === 0x5c) out += '\\\\';
    else out += t[i];
  }
  return out;
}

/**
 * A text conversion (s z q Q w). %q and %Q double single quotes, %w double quotes; %Q adds the
 * quotes, or prints NULL for NULL. With `#`, %q also writes control characters as \u00XX and
 * doubles backslashes; %Q does so only when there is a control character, and then wraps the
 * literal in unistr().
 */
function formatText(type: string, arg: TextArg | null, spec: Spec): string {
  const quoted = type === 'q' || type === 'Q' || type === 'w';
  if (arg === null) {
    if (!quoted) return pad('', 0, spec);
    let body = type === 'Q' ? 'NULL' : '(NULL)';
    if (spec.precision >= 0) body = body.slice(0, spec.precision);
    return pad(body, body.length, spec);
  }
  let a = arg;
  if (spec.precision >= 0) a = spec.alt2 ? firstCharsOf(a, spec.precision) : firstBytes(a, spec.precision);
  let length = spec.alt2 ? charCount(a) : byteLength(a);
  let t = asString(a);
  if (!quoted) return pad(t, length, spec);
  const quote = type === 'w' ? '"' : "'";
  const doubled = countOf(t, quote);
  if (doubled > 0) t = t.replaceAll(quote, quote + quote);
  length += doubled;
  if (spec.alt && type !== 'w') {
    const controls = controlCount(t);
    if (type === 'q' || controls > 0) {
      length += controls * 5 + countOf(t, '\\');
      t = unicodeEscaped(t);
    }
    if (type === 'Q' && controls > 0) return pad(`unistr('${t}')`, length + 10, spec);
  }
  if (type === 'Q') {
    t = `'${t}'`;
    length += 2;
  }
  return pad(t, length, spec);
}

/**
 * Formats `args` (argument 0 is the format) into `result`: TEXT, or NULL when the format is NULL, empty or
 * missing; an unknown conversion ends the output (NULL if nothing came before it); SQLITE_TOOBIG past SQLite's length limit.
 */
export function formatFunction(args: Args, result: Result): void {
  if (args.count === 0 || args.type(0) === ValueType.Null) return result.null();
  const fmt = cString(args.text(0));
  // An empty format gives NULL, as in SQLite (an empty result from a non-empty format is '').
  if (fmt === '') return result.null();
  const cur = new Cursor(args);
  let out = '';
  const len = fmt.length;
  let i = 0;
  try {
    while (i < len) {
      const pct = fmt.indexOf('%', i);
      if (pct < 0) {
        out += fmt.slice(i);
        break;
      }
      out += fmt.slice(i, pct);
      i = pct + 1;
      if (i >= len) {
        out += '%';
        break;
      }
      const spec: Spec = { left: false, sign: '', alt: false, alt2: false, zeroPad: false, thousands: false, width: 0, precision: -1 };
      for (; i < len; i++) {
        const c = fmt[i];
        if (c === '-') spec.left = true;
        else if (c === '+' || c === ' ') spec.sign = c;
        else if (c === '#') spec.alt = true;
        else if (c === '!') spec.alt2 = true;
        else if (c === '0') spec.zeroPad = true;
        else if (c === ',') spec.thousands = true;
        else break;
      }
      if (fmt[i] === '*') {
        let w = toCInt(cur.int());
        if (w < 0) {
          spec.left = true;
          w = w >= -2147483647 ? -w : 0;
        }
        spec.width = w;
        i++;
      } else {
        let w = 0;
        for (; i < len && fmt.charCodeAt(i) >= 0x30 && fmt.charCodeAt(i) <= 0x39; i++) w = (w * 10 + fmt.charCodeAt(i) - 0x30) >>> 0;
        spec.width = w & 0x7fffffff;
      }
      if (fmt[i] === '.') {
        i++;
        if (fmt[i] === '*') {
          let p = toCInt(cur.int());
          if (p < 0) p = p >= -2147483647 ? -p : -1;
          spec.precision = p;
          i++;
        } else {
          let p = 0;
          for (; i < len && fmt.charCodeAt(i) >= 0x30 && fmt.charCodeAt(i) <= 0x39; i++) p = (p * 10 + fmt.charCodeAt(i) - 0x30) >>> 0;
          spec.precision = p & 0x7fffffff;
        }
      }
      if (fmt[i] === 'l') {
        i++;
        if (fmt[i] === 'l') i++;
      }
      // A format that ends inside a conversion ends the output as an unknown conversion does.
      if (i >= len) return out === '' ? result.null() : result.text(out);
      const type = fmt[i++];
      switch (type) {
        case 'd':
        case 'i':
        case 'u':
        case 'x':
        case 'X':
        case 'o':
        case 'p':
        case 'r':
          out += formatInteger(type, cur.int(), spec);
          break;
        case 'f':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
          out += formatReal(type, cur.real(), spec);
          break;
        case 's':
        case 'z':
        case 'q':
        case 'Q':
        case 'w':
          out += formatText(type, cur.text(), spec);
          break;
        case 'c':
          out += formatChar(cur.text(), spec);
          break;
        case '%':
          out += pad('%', 1, spec);
          break;
        case 'n':
          break;
        default:
          // An unknown conversion ends the output: what came before it, or NULL when nothing did.
          return out === '' ? result.null() : result.text(out);
      }
      if (out.length > MAX_LENGTH) throw new TooBig();
    }
  } catch (e) {
    // A RangeError is V8 refusing a string longer than it can hold: too big as well.
    if (e instanceof TooBig || e instanceof RangeError) return result.tooBig();
    throw e;
  }
  if (out.length > MAX_LENGTH / 3 && utf8Length(out) > MAX_LENGTH) return result.tooBig();
  result.text(out);
}
