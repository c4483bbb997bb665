/**
 * SQL values as JavaScript sees them, and UTF-8 conversion.
 *
 * The storage class of a `SqlValue` follows from its JavaScript type: `null` is NULL, a string is
 * TEXT, a Uint8Array is a BLOB, a bigint is an INTEGER, and a number is an INTEGER when it is a safe
 * integer other than -0 and a REAL otherwise. Only UTF-8 databases are supported, so TEXT is UTF-8 on
 * disk; conversion never throws: unpaired surrogates encode as U+FFFD and malformed bytes decode as
 * U+FFFD, which is what SQLite hands back to a JavaScript host for the same bytes.
 */

/** A value of one of SQLite's five storage classes. */
export type SqlValue = null | number | bigint | string | Uint8Array;

/** Storage classes, numbered in SQLite's sort order of classes (NULL < numbers < TEXT < BLOB). */
export const ValueType = { Null: 0, Integer: 1, Real: 2, Text: 3, Blob: 4 } as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/** Whether a number is stored as an INTEGER rather than a REAL. */
export function isIntegerNumber(v: number): boolean {
  return Number.isSafeInteger(v) && (v !== 0 || 1 / v > 0);
}

/** The storage class of `v`. */
export function valueType(v: SqlValue): ValueType {
  switch (typeof v) {
    case 'number':
      return isIntegerNumber(v) ? ValueType.Integer : ValueType.Real;
    case 'bigint':
      return ValueType.Integer;
    case 'string':
      return ValueType.Text;
    default:
      return v === null ? ValueType.Null : ValueType.Blob;
  }
}

const encoder = new TextEncoder();
// ignoreBOM: a leading U+FEFF is part of the stored text, not a marker to strip.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Below this many UTF-16 units (or bytes) the hand-written loops beat TextEncoder/TextDecoder. */
const SHORT_STRING = 32;

/** The UTF-8 encoding of `s`. */
export function encodeUtf8(s: string): Uint8Array {
  if (s.length <= SHORT_STRING) {
    let i = 0;
    while (i < s.length && s.charCodeAt(i) < 0x80) i++;
    if (i === s.length) {
      const out = new Uint8Array(i);
      for (let k = 0; k < i; k++) out[k] = s.charCodeAt(k);
      return out;
    }
  }
  return encoder.encode(s);
}

/**
 * Encodes `s` as UTF-8 into `buf` at `off`; returns the number of bytes written. `buf` must have room
 * for the worst case, 3 bytes per UTF-16 unit of `s`.
 */
export function encodeUtf8Into(s: string, buf: Uint8Array, off: number): number {
  const n = s.length;
  if (n > SHORT_STRING) return encoder.encodeInto(s, buf.subarray(off)).written;
  let p = off;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[p++] = c;
    } else if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          buf[p++] = 0xf0 | (cp >> 18);
          buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
          buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
          buf[p++] = 0x80 | (cp & 0x3f);
          i++;
          continue;
        }
        c = 0xfffd; // an unpaired surrogate has no UTF-8 form
      }
      buf[p++] = 0xe0 | (c >> 12);
      buf[p++] = 0x80 | ((c >> 6) & 0x3f);
      buf[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p - off;
}

/** Texts up to this many bytes decode from their character codes when ASCII (faster than TextDecoder). */
const SHORT_DECODE = 64;

/** Per length n ≤ SHORT_DECODE, an array of n character codes for decoding (reused: no array per string). */
const asciiCodes: number[][] = Array.from({ length: SHORT_DECODE + 1 }, (_, n) => new Array<number>(n).fill(0));

/**
 * Decodes the UTF-8 bytes `bytes[start, end)` to a string. Short ASCII texts are made in one step from
 * their character codes: appending character by character would leave a chain of partial strings for
 * the collector (and for every later read of the string) to walk.
 */
export function decodeUtf8(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const n = end - start;
  if (n <= SHORT_DECODE) {
    const codes = asciiCodes[n]!;
    for (let i = 0; i < n; i++) {
      const b = bytes[start + i]!;
      if (b >= 0x80) return decodeView(bytes.subarray(start, end));
      codes[i] = b;
    }
    return String.fromCharCode.apply(null, codes);
  }
  return decodeView(bytes.subarray(start, end));
}

/** Browsers' TextDecoder refuses views of a SharedArrayBuffer (a page cache may be one): those are copied. */
function decodeView(view: Uint8Array): string {
  return decoder.decode(view.buffer instanceof ArrayBuffer ? view : view.slice());
}
