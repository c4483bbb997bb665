/**
 * Character-level helpers shared by the string functions. Hearth holds TEXT as JavaScript strings;
 * SQLite counts characters as Unicode code points (a surrogate pair is one character) and sizes as
 * UTF-8 bytes, and reads some arguments as C strings, which end at the first NUL.
 */

/** The part of `s` before its first NUL character, as a C string would read it. */
export function cString(s: string): string {
  const i = s.indexOf('\u0000');
  return i < 0 ? s : s.slice(0, i);
}

/** Number of bytes in the UTF-8 encoding of `s`. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n++;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Number of characters (code points) in `s`. */
export function charLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** The first `n` characters (code points) of `s`. */
export function firstChars(s: string, n: number): string {
  let i = 0;
  for (let k = 0; k < n && i < s.length; k++) {
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return s.slice(0, i);
}

/** The code points of `s`. */
export function codePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    out.push(c);
    if (c > 0xffff) i++;
  }
  return out;
}

/** Values of UTF-8 lead bytes 0xC0..0xFF once their length bits are removed. */
function leadValue(b: number): number {
  if (b < 0xe0) return b & 0x1f;
  if (b < 0xf0) return b & 0x0f;
  if (b < 0xf8) return b & 0x07;
  if (b < 0xfc) return b & 0x03;
  return b < 0xfe ? b & 0x01 : 0;
}

/**
 * The characters of `bytes` as SQLite's lenient UTF-8 reader sees them: a lead byte takes every
 * continuation byte after it; overlong forms, surrogates and U+FFFE/U+FFFF read as U+FFFD; any
 * other byte, a lone continuation byte included, reads as itself.
 */
export function readChars(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    let c = bytes[i++];
    if (c >= 0xc0) {
      c = leadValue(c);
      while (i < bytes.length && (bytes[i] & 0xc0) === 0x80) c = c * 64 + (bytes[i++] & 0x3f);
      if (c < 0x80 || (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) c = 0xfffd;
    }
    out.push(c);
  }
  return out;
}
