/**
 * SQLite's core string functions (sqlite.org/lang_corefunc.html): length, octet_length, lower, upper,
 * ltrim, rtrim, trim, substr, instr, replace, hex, unhex, quote, char, unicode, concat, concat_ws,
 * soundex.
 *
 * Text is handled as JavaScript strings, a character being a Unicode code point. Where SQLite reads
 * an argument as a C string (length, substr, quote, unicode, soundex, a trim set), the text ends at
 * its first NUL character, as there. BLOB arguments to text functions are read as UTF-8; case mapping
 * is ASCII-only, as in SQLite without ICU.
 */
import type { Int64 } from '../record/int64.js';
import { ValueType, decodeUtf8, encodeUtf8 } from '../record/value.js';
import { type Args, MAX_LENGTH, type Result } from '../value/args.js';
import { realToText } from '../value/convert.js';
import { cString, charLength, codePoints, readChars, utf8Length } from './chars.js';
import type { FunctionContext } from './types.js';


/** length(X): characters of TEXT (up to a NUL), bytes of a BLOB, characters of a number's text. */
export function lengthFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  switch (args.type(0)) {
    case ValueType.Null:
      return result.null();
    case ValueType.Blob:
      return result.int(args.blob(0).length);
    default:
      return result.int(charLength(cString(args.text(0))));
  }
}

/** octet_length(X): bytes of the value's UTF-8 text, or of a BLOB. */
export function octetLengthFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  switch (args.type(0)) {
    case ValueType.Null:
      return result.null();
    case ValueType.Blob:
      return result.int(args.blob(0).length);
    default:
      return result.int(utf8Length(args.text(0)));
  }
}

/** `s` with ASCII letters mapped by `upper`. */
function asciiCase(s: string, upper: boolean): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (upper ? c >= 0x61 && c <= 0x7a : c >= 0x41 && c <= 0x5a) {
      out += s.slice(start, i) + String.fromCharCode(c ^ 0x20);
      start = i + 1;
    }
  }
  return start === 0 ? s : out + s.slice(start);
}

/** upper(X): ASCII letters upper-cased. */
export function upperFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  if (args.type(0) === ValueType.Null) return result.null();
  result.text(asciiCase(args.text(0), true));
}

/** lower(X): ASCII letters lower-cased. */
export function lowerFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  if (args.type(0) === ValueType.Null) return result.null();
  result.text(asciiCase(args.text(0), false));
}

const TRIM_LEFT = 1;
const TRIM_RIGHT = 2;

/**
 * The UTF-8 characters of `b` as SQLite splits them: a lead byte (0xC0 and up) with the continuation
 * bytes after it, or any other byte alone.
 */
function byteChars(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length && b[i] !== 0; ) {
    let j = i + 1;
    if (b[i] >= 0xc0) while (j < b.length && (b[j] & 0xc0) === 0x80) j++;
    out.push(b.subarray(i, j));
    i = j;
  }
  return out;
}

/** Whether `x[at, at + c.length)` holds the bytes of `c`. */
function bytesAt(x: Uint8Array, at: number, c: Uint8Array): boolean {
  if (at < 0 || at + c.length > x.length) return false;
  for (let k = 0; k < c.length; k++) if (x[at + k] !== c[k]) return false;
  return true;
}

/** trim over bytes, as SQLite does it, for BLOB arguments (which may hold invalid UTF-8). */
function trimBytes(x: Uint8Array, set: Uint8Array[], sides: number): string {
  let from = 0;
  let to = x.length;
  if (sides & TRIM_LEFT) {
    for (let hit = true; hit && from < to; ) {
      hit = false;
      for (const c of set) if (from + c.length <= to && bytesAt(x, from, c)) {
        from += c.length;
        hit = true;
        break;
      }
    }
  }
  if (sides & TRIM_RIGHT) {
    for (let hit = true; hit && to > from; ) {
      hit = false;
      for (const c of set) if (to - c.length >= from && bytesAt(x, to - c.length, c)) {
        to -= c.length;
        hit = true;
        break;
      }
    }
  }
  return decodeUtf8(x, from, to);
}

function trim(args: Args, result: Result, sides: number): void {
  if (args.type(0) === ValueType.Null) return result.null();
  if (args.count > 1 && args.type(1) === ValueType.Null) return result.null();
  if (args.type(0) === ValueType.Blob || (args.count > 1 && args.type(1) === ValueType.Blob)) {
    const set = args.count > 1 ? byteChars(args.blob(1)) : [Uint8Array.of(0x20)];
    return result.text(trimBytes(args.blob(0), set, sides));
  }
  const s = args.text(0);
  const set = args.count > 1 ? codePoints(cString(args.text(1))) : [0x20];
  if (set.length === 0) return result.text(s);
  const cps = codePoints(s);
  let from = 0;
  let to = cps.length;
  if (sides & TRIM_LEFT) while (from < to && set.includes(cps[from])) from++;
  if (sides & TRIM_RIGHT) while (to > from && set.includes(cps[to - 1])) to--;
  result.text(from === 0 && to === cps.length ? s : String.fromCodePoint(...cps.slice(from, to)));
}

/** ltrim(X[, Y]): characters of Y (default a space) removed from the left of X. */
export function ltrimFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  trim(args, result, TRIM_LEFT);
}

/** rtrim(X[, Y]): characters of Y (default a space) removed from the right of X. */
export function rtrimFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  trim(args, result, TRIM_RIGHT);
}

/** trim(X[, Y]): characters of Y (default a space) removed from both ends of X. */
export function trimFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  trim(args, result, TRIM_LEFT | TRIM_RIGHT);
}

/**
 * The 0-based [start, end) that substr(X, p1[, p2]) selects from `len` characters, following
 * SQLite's arithmetic: a negative p1 counts from the end, p1 = 0 eats one from p2, a negative p2
 * takes the |p2| characters before p1; without p2 the count is MAX_LENGTH. Exact for all 64-bit
 * arguments (bigint arithmetic beyond ±2^50).
 */
function substrRange(len: number, y: Int64, z: Int64 | null): [number, number] {
  const big = (v: Int64 | null): boolean => typeof v === 'bigint' || (v !== null && (v > 2 ** 50 || v < -(2 ** 50)));
  if (big(y) || big(z)) {
    const [a, b] = substrRangeBig(BigInt(len), BigInt(y), z === null ? null : BigInt(z));
    return [Number(a), Number(b)];
  }
  let p1 = y as number;
  let p2 = z === null ? MAX_LENGTH : (z as number);
  const negative = p2 < 0;
  if (negative) p2 = -p2;
  if (p1 < 0) {
    p1 += len;
    if (p1 < 0) {
      p2 += p1;
      if (p2 < 0) p2 = 0;
      p1 = 0;
    }
  } else if (p1 > 0) p1--;
  else if (p2 > 0) p2--;
  if (negative) {
    p1 -= p2;
    if (p1 < 0) {
      p2 += p1;
      p1 = 0;
    }
  }
  if (p1 + p2 > len) {
    p2 = len - p1;
    if (p2 < 0) p2 = 0;
  }
  return [p1, p1 + p2];
}

/** `substrRange` in bigints, for arguments beyond ±2^50. */
function substrRangeBig(len: bigint, p1: bigint, z: bigint | null): [bigint, bigint] {
  let p2 = z === null ? BigInt(MAX_LENGTH) : z;
  const negative = p2 < 0n;
  if (negative) p2 = -p2;
  if (p1 < 0n) {
    p1 += len;
    if (p1 < 0n) {
      p2 += p1;
      if (p2 < 0n) p2 = 0n;
      p1 = 0n;
    }
  } else if (p1 > 0n) p1--;
  else if (p2 > 0n) p2--;
  if (negative) {
    p1 -= p2;
    if (p1 < 0n) {
      p2 += p1;
      p1 = 0n;
    }
  }
  if (p1 + p2 > len) {
    p2 = len - p1;
    if (p2 < 0n) p2 = 0n;
  }
  if (p1 > len) p1 = len;
  return [p1, p1 + p2];
}

/**
 * substr(X, Y[, Z]) and substring(): Z characters (bytes for a BLOB) of X from the Y-th, counting
 * from 1; a negative Y counts from the end, a negative Z takes the characters before position Y, and
 * Y = 0 starts before the first character (so one fewer is taken). An empty BLOB gives NULL, as
 * SQLite sees no bytes at all.
 */
export function substrFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  if (args.type(0) === ValueType.Null || args.type(1) === ValueType.Null) return result.null();
  if (args.count > 2 && args.type(2) === ValueType.Null) return result.null();
  const z = args.count > 2 ? args.int(2) : null;
  if (args.type(0) === ValueType.Blob) {
    const bytes = args.blob(0);
    if (bytes.length === 0) return result.null();
    const [from, to] = substrRange(bytes.length, args.int(1), z);
    return result.blob(bytes.slice(from, to));
  }
  const chars = codePoints(cString(args.text(0)));
  const [from, to] = substrRange(chars.length, args.int(1), z);
  result.text(String.fromCodePoint(...chars.slice(from, to)));
}

/**
 * instr(X, Y): 1 + the number of characters of X before the first occurrence of Y (bytes when both
 * are BLOBs), 0 when Y does not occur; NULL if either is NULL. With one BLOB the search runs over
 * bytes as SQLite's does, a character starting at each byte that does not continue a UTF-8 sequence.
 */
export function instrFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  const t0 = args.type(0);
  const t1 = args.type(1);
  if (t0 === ValueType.Null || t1 === ValueType.Null) return result.null();
  if (t0 === ValueType.Blob || t1 === ValueType.Blob) {
    const hay = args.blob(0);
    const needle = args.blob(1);
    const bytewise = t0 === ValueType.Blob && t1 === ValueType.Blob;
    let n = 1;
    for (let i = 0; i + needle.length <= hay.length; n++) {
      if (bytesAt(hay, i, needle)) return result.int(n);
      i++;
      if (!bytewise) while (i < hay.length && (hay[i] & 0xc0) === 0x80) i++;
    }
    return result.int(0);
  }
  const hay = args.text(0);
  const at = hay.indexOf(args.text(1));
  result.int(at < 0 ? 0 : charLength(hay.slice(0, at)) + 1);
}

/** `x` with every occurrence of `pattern` replaced by `rep`, bytewise (for BLOB arguments). */
function replaceBytes(x: Uint8Array, pattern: Uint8Array, rep: Uint8Array): string {
  const out: number[] = [];
  for (let i = 0; i < x.length; ) {
    if (i + pattern.length <= x.length && bytesAt(x, i, pattern)) {
      for (const b of rep) out.push(b);
      i += pattern.length;
    } else out.push(x[i++]);
  }
  return decodeUtf8(Uint8Array.from(out));
}

/**
 * replace(X, Y, Z): every occurrence of Y in X replaced by Z. NULL when X or Y is NULL; X's text
 * unchanged when Y is empty (even when Z is NULL); otherwise NULL when Z is NULL. With a BLOB
 * argument the matching runs over bytes, as SQLite's does.
 */
export function replaceFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  if (args.type(0) === ValueType.Null || args.type(1) === ValueType.Null) return result.null();
  const pattern = args.text(1);
  if (pattern === '' || pattern.charCodeAt(0) === 0) return result.text(args.text(0));
  if (args.type(2) === ValueType.Null) return result.null();
  let out: string;
  if (args.type(0) === ValueType.Blob || args.type(1) === ValueType.Blob || args.type(2) === ValueType.Blob) {
    out = replaceBytes(args.blob(0), args.blob(1), args.blob(2));
  } else {
    out = args.text(0).replaceAll(pattern, args.text(2));
  }
  if (out.length > MAX_LENGTH / 3 && utf8Length(out) > MAX_LENGTH) return result.tooBig();
  result.text(out);
}

const HEX = '0123456789ABCDEF';

/** `bytes` as upper-case hexadecimal. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return out;
}

/** hex(X): the bytes of X (a BLOB, or the UTF-8 of its text) in upper-case hexadecimal. */
export function hexFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  result.text(toHex(args.blob(0)));
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  c |= 0x20;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** The characters of argument `i`: code points of text, or SQLite's reading of a BLOB's bytes. */
function charsOf(args: Args, i: number, asCString: boolean): number[] {
  if (args.type(i) !== ValueType.Blob) return codePoints(asCString ? cString(args.text(i)) : args.text(i));
  const b = args.blob(i);
  const nul = asCString ? b.indexOf(0) : -1;
  return readChars(nul < 0 ? b : b.subarray(0, nul));
}

/**
 * unhex(X[, Y]): the BLOB written in hexadecimal by X (read up to a NUL), ignoring characters of Y
 * between (not inside) byte pairs; NULL for anything else, or if either argument is NULL.
 */
export function unhexFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  if (args.type(0) === ValueType.Null) return result.null();
  let ignore: number[] = [];
  if (args.count > 1) {
    if (args.type(1) === ValueType.Null) return result.null();
    ignore = charsOf(args, 1, false);
  }
  const cps = charsOf(args, 0, true);
  const out: number[] = [];
  for (let i = 0; i < cps.length; i++) {
    const hi = hexValue(cps[i]);
    if (hi < 0) {
      if (ignore.includes(cps[i])) continue;
      return result.null();
    }
    const lo = i + 1 < cps.length ? hexValue(cps[++i]) : -1;
    if (lo < 0) return result.null();
    out.push((hi << 4) | lo);
  }
  result.blob(Uint8Array.from(out));
}

/** The SQL literal of a value, as quote() writes it. */
export function quoteValue(t: ValueType, args: Args, i: number): string {
  switch (t) {
    case ValueType.Null:
      return 'NULL';
    case ValueType.Integer:
      return String(args.int(i));
    case ValueType.Real: {
      const r = args.real(i);
      if (r === Infinity) return '9.0e+999';
      if (r === -Infinity) return '-9.0e+999';
      return realToText(r);
    }
    case ValueType.Text:
      return `'${cString(args.text(i)).replaceAll("'", "''")}'`;
    default:
      return `X'${toHex(args.blob(i))}'`;
  }
}

/** quote(X): X as an SQL literal. */
export function quoteFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  result.text(quoteValue(args.type(0), args, 0));
}

/**
 * char(X1, …): the characters with these code points. Values outside 0..0x10FFFF give U+FFFD; a
 * surrogate code point is encoded as its three bytes, which read back as three U+FFFD.
 */
/**
 * Three U+FFFD, built at run time: bundlers print a `\ufffd` escape (and fold `String.fromCharCode`) as
 * the character itself, and one non-ASCII character makes V8 hold the whole bundle as two-byte text.
 */
const THREE_REPLACEMENTS = String.fromCodePoint(0xfffd, 0xfffd, 0xfffd);

export function charFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  let out = '';
  for (let i = 0; i < args.count; i++) {
    const v = args.int(i);
    const c = typeof v === 'number' && v >= 0 && v <= 0x10ffff ? v : 0xfffd;
    if (c >= 0xd800 && c <= 0xdfff) out += THREE_REPLACEMENTS;
    else out += String.fromCodePoint(c);
  }
  result.text(out);
}

/** unicode(X): the code point of the first character of X; NULL for NULL or empty text. */
export function unicodeFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  const t = args.type(0);
  if (t === ValueType.Null) return result.null();
  if (t === ValueType.Blob) {
    const b = args.blob(0);
    if (b.length === 0 || b[0] === 0) return result.null();
    return result.int(readChars(b.subarray(0, 4))[0]); // a character never takes more than 4 bytes
  }
  const s = args.text(0);
  if (s === '' || s.charCodeAt(0) === 0) return result.null();
  result.int(s.codePointAt(0)!);
}

/** Whether any argument from `from` on is a BLOB (text must then be joined as bytes). */
function anyBlob(args: Args, from: number): boolean {
  for (let i = from; i < args.count; i++) if (args.type(i) === ValueType.Blob) return true;
  return false;
}

/**
 * Joins the non-NULL arguments from `from` on, separated by `sep` (undefined: none). With a BLOB
 * among them the bytes are joined before being read as UTF-8, as SQLite joins them.
 */
function join(args: Args, from: number, sep: number | undefined, result: Result): void {
  let out: string;
  if (anyBlob(args, from) || (sep !== undefined && args.type(sep) === ValueType.Blob)) {
    const parts: Uint8Array[] = [];
    const sepBytes = sep === undefined ? null : args.blob(sep);
    for (let i = from; i < args.count; i++) {
      if (args.type(i) === ValueType.Null) continue;
      if (sepBytes !== null && parts.length > 0) parts.push(sepBytes);
      parts.push(args.blob(i));
    }
    let size = 0;
    for (const p of parts) size += p.length;
    if (size > MAX_LENGTH) return result.tooBig();
    const bytes = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    out = decodeUtf8(bytes);
  } else {
    const sepText = sep === undefined ? '' : args.text(sep);
    out = '';
    let first = true;
    for (let i = from; i < args.count; i++) {
      if (args.type(i) === ValueType.Null) continue;
      if (!first) out += sepText;
      out += args.text(i);
      first = false;
    }
    if (out.length > MAX_LENGTH / 3 && utf8Length(out) > MAX_LENGTH) return result.tooBig();
  }
  result.text(out);
}

/** concat(X, …): the texts of the non-NULL arguments, joined. */
export function concatFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  join(args, 0, undefined, result);
}

/** concat_ws(SEP, X, …): the texts of the non-NULL X joined by SEP; NULL when SEP is NULL. */
export function concatWsFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  if (args.type(0) === ValueType.Null) return result.null();
  join(args, 1, 0, result);
}

/** Soundex codes of the ASCII letters A..Z (0 for vowels, H, W and Y). */
const SOUNDEX = [0, 1, 2, 3, 0, 1, 2, 0, 0, 2, 2, 4, 5, 5, 0, 1, 2, 6, 2, 3, 0, 1, 0, 2, 0, 2];

/** Soundex code of a byte (SQLite masks bytes to 7 bits); 0 for anything but a letter. */
function soundexCode(b: number): number {
  const c = (b & 0x7f) | 0x20;
  return c >= 0x61 && c <= 0x7a ? SOUNDEX[c - 0x61] : 0;
}

function isAsciiLetter(b: number): boolean {
  const c = b | 0x20;
  return b < 0x80 && c >= 0x61 && c <= 0x7a;
}

/**
 * soundex(X): the Soundex code of X: its first ASCII letter upper-cased and three digits; "?000"
 * when X has no ASCII letter. Later bytes are read as SQLite reads them, masked to 7 bits.
 */
export function soundexFunction(_ctx: FunctionContext, args: Args, result: Result): void {
  const t = args.type(0);
  const z = t === ValueType.Null ? new Uint8Array(0) : t === ValueType.Blob ? args.blob(0) : encodeUtf8(args.text(0));
  let i = 0;
  while (i < z.length && z[i] !== 0 && !isAsciiLetter(z[i])) i++;
  if (i >= z.length || z[i] === 0) return result.text('?000');
  let out = String.fromCharCode(z[i] & ~0x20);
  let prev = soundexCode(z[i]);
  for (; out.length < 4 && i < z.length && z[i] !== 0; i++) {
    const code = soundexCode(z[i]);
    if (code > 0) {
      if (code !== prev) {
        prev = code;
        out += String(code);
      }
    } else {
      prev = 0;
    }
  }
  result.text(out.padEnd(4, '0'));
}
