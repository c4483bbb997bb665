/**
 * JSON text (with SQLite's JSON5 extensions) → JSONB, as SQLite translates it: each scalar keeps its
 * source text as payload, tagged with the node type that says how to read it (JSONB_INT5 for hex,
 * JSONB_TEXT5 for JSON5 escapes, …), so the blob is byte-identical with SQLite's.
 *
 * The input is UTF-8 bytes ending with a 0 byte (a NUL ends the text, as in C). Errors leave the
 * byte offset of the problem in `Jsonb.errorAt`; `hasNonstd` records any JSON5 feature used, which
 * json_valid() with flag 1 rejects.
 */
import { encodeUtf8Into } from '../../record/value.js';
import { JSON_IS_OK, JSONB_ARRAY, JSONB_FALSE, JSONB_FLOAT, JSONB_INT, JSONB_NULL, JSONB_OBJECT, JSONB_TEXT, JSONB_TEXT5, JSONB_TEXTJ, JSONB_TEXTRAW, JSONB_TRUE, Jsonb, MAX_DEPTH, isAlnum, isDigit, isXDigit } from './jsonb.js';

/** Result codes of `translate` besides an offset: end of input, syntax error, and the punctuation seen. */
const END = 0;
const ERROR = -1;
const CLOSE_BRACE = -2;
const CLOSE_BRACKET = -3;
const COMMA = -4;
const COLON = -5;

/** The text being parsed: UTF-8 with at least 8 zero bytes after its end. */
let z: Uint8Array = new Uint8Array(8);
let out: Jsonb = new Jsonb();

/** `text` as UTF-8 bytes followed by zero padding, for the parser's look-ahead. */
export function utf8Padded(text: string): Uint8Array {
  const buf = new Uint8Array(text.length * 3 + 8);
  const n = encodeUtf8Into(text, buf, 0);
  return buf.subarray(0, n + 8);
}

let scratch = new Uint8Array(256);

/**
 * Like `utf8Padded`, in a buffer reused by the next call: for text that is only parsed (the Jsonb
 * made from it copies what it keeps).
 */
export function utf8PaddedScratch(text: string): Uint8Array {
  const need = text.length * 3 + 8;
  if (scratch.length < need) scratch = new Uint8Array(Math.max(need, scratch.length * 2));
  const n = encodeUtf8Into(text, scratch, 0);
  scratch.fill(0, n, n + 8);
  return scratch.subarray(0, n + 8);
}

/** `bytes` followed by zero padding. */
export function bytesPadded(bytes: Uint8Array): Uint8Array {
  const buf = new Uint8Array(bytes.length + 8);
  buf.set(bytes);
  return buf;
}

/**
 * Parses the padded UTF-8 text `text` into a new Jsonb; null when it is not well-formed JSON5, with
 * the error's byte offset in `parseErrorAt`.
 */
export let parseErrorAt = 0;

export function parseJson(text: Uint8Array): Jsonb | null {
  const doc = new Jsonb(Math.max(16, text.length));
  z = text;
  out = doc;
  let i = translate(0);
  if (i > 0) {
    while (isSpace(z[i]!)) i++;
    if (z[i] !== 0) {
      i += json5Whitespace(i);
      if (z[i] !== 0) {
        parseErrorAt = doc.errorAt = i;
        return null;
      }
      doc.hasNonstd = true;
    }
    return doc;
  }
  parseErrorAt = doc.errorAt;
  return null;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function matchWord(i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (z[i + k] !== word.charCodeAt(k)) return false;
  return true;
}

function matchWordNoCase(i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) {
    const c = z[i + k]!;
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/** A JSON5 identifier's first byte: a letter, `_`, `$` or any byte of a non-ASCII character. */
function isIdStart(c: number): boolean {
  return (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a ? true : c === 0x5f || c === 0x24 || c >= 0x80;
}

function isIdPart(c: number): boolean {
  return isIdStart(c) || isDigit(c);
}

const NAN_INF: ReadonlyArray<{ match: string; float: boolean }> = [
  { match: 'inf', float: true },
  { match: 'infinity', float: true },
  { match: 'nan', float: false },
  { match: 'qnan', float: false },
  { match: 'snan', float: false },
];

const POS_INF = new Uint8Array([0x39, 0x65, 0x39, 0x39, 0x39]);
const NEG_INF = new Uint8Array([0x2d, 0x39, 0x65, 0x39, 0x39, 0x39]);

/** Translates the element at z[i]; returns the offset after it or a result code. */
function translate(i0: number): number {
  let i = i0;
  for (;;) {
    const c = z[i]!;
    switch (c) {
      case 0x7b:
        return object(i);
      case 0x5b:
        return array(i);
      case 0x27:
        out.hasNonstd = true;
        return string(i);
      case 0x22:
        return string(i);
      case 0x74:
        if (matchWord(i, 'true') && !isAlnum(z[i + 4])) {
          out.appendByte(JSONB_TRUE);
          return i + 4;
        }
        out.errorAt = i;
        return ERROR;
      case 0x66:
        if (matchWord(i, 'false') && !isAlnum(z[i + 5])) {
          out.appendByte(JSONB_FALSE);
          return i + 5;
        }
        out.errorAt = i;
        return ERROR;
      case 0x2b:
        out.hasNonstd = true;
        return number(i, 0);
      case 0x2e:
        if (isDigit(z[i + 1])) {
          out.hasNonstd = true;
          return numberBody(i, i, 0x03);
        }
        out.errorAt = i;
        return ERROR;
      case 0x7d:
        out.errorAt = i;
        return CLOSE_BRACE;
      case 0x5d:
        out.errorAt = i;
        return CLOSE_BRACKET;
      case 0x2c:
        out.errorAt = i;
        return COMMA;
      case 0x3a:
        out.errorAt = i;
        return COLON;
      case 0:
        return END;
      case 0x09:
      case 0x0a:
      case 0x0d:
      case 0x20:
        i++;
        while (isSpace(z[i]!)) i++;
        continue;
      case 0x0b:
      case 0x0c:
      case 0x2f:
      case 0xc2:
      case 0xe1:
      case 0xe2:
      case 0xe3:
      case 0xef: {
        const n = json5Whitespace(i);
        if (n > 0) {
          i += n;
          out.hasNonstd = true;
          continue;
        }
        out.errorAt = i;
        return ERROR;
      }
      default:
        if (c === 0x2d || isDigit(c)) return number(i, 0);
        if (c === 0x6e && matchWord(i, 'null') && !isAlnum(z[i + 4])) {
          out.appendByte(JSONB_NULL);
          return i + 4;
        }
        return nanOrInf(i);
    }
  }
}

/** NaN, Infinity and their spellings that SQLite accepts (any case). */
function nanOrInf(i: number): number {
  const c = z[i]! | 0x20;
  for (const name of NAN_INF) {
    if (c !== name.match.charCodeAt(0)) continue;
    if (!matchWordNoCase(i, name.match)) continue;
    const n = name.match.length;
    if (isAlnum(z[i + n])) continue;
    if (name.float) out.appendNode(JSONB_FLOAT, 5, POS_INF);
    else out.appendByte(JSONB_NULL);
    out.hasNonstd = true;
    return i + n;
  }
  out.errorAt = i;
  return ERROR;
}

function object(i: number): number {
  const self = out.n;
  out.appendNode(JSONB_OBJECT, z.length - i);
  if (++out.depth > MAX_DEPTH) {
    out.errorAt = i;
    return ERROR;
  }
  const start = out.n;
  let j = i + 1;
  for (;; j++) {
    const labelAt = out.n;
    let x = translate(j);
    if (x <= 0) {
      if (x === CLOSE_BRACE) {
        j = out.errorAt;
        if (out.n !== start) out.hasNonstd = true;
        break;
      }
      j += json5Whitespace(j);
      let op = JSONB_TEXT;
      if (isIdStart(z[j]!) || (z[j] === 0x5c && isUnicodeEscape(j + 1))) {
        if (z[j] === 0x5c) op = JSONB_TEXTJ;
        let k = j + 1;
        for (;;) {
          if (isIdPart(z[k]!) && json5Whitespace(k) === 0) k++;
          else if (z[k] === 0x5c && isUnicodeEscape(k + 1)) {
            op = JSONB_TEXTJ;
            k++;
          } else break;
        }
        out.appendNode(op, k - j, z, j);
        out.hasNonstd = true;
        x = k;
      } else {
        if (x !== ERROR) out.errorAt = j;
        return ERROR;
      }
    }
    const t = out.blob[labelAt]! & 0x0f;
    if (t < JSONB_TEXT || t > JSONB_TEXTRAW) {
      out.errorAt = j;
      return ERROR;
    }
    j = x;
    let sawColon = false;
    if (z[j] === 0x3a) {
      j++;
      sawColon = true;
    } else if (isSpace(z[j]!)) {
      do j++;
      while (isSpace(z[j]!));
      if (z[j] === 0x3a) {
        j++;
        sawColon = true;
      }
    }
    if (!sawColon) {
      x = translate(j);
      if (x !== COLON) {
        if (x !== ERROR) out.errorAt = j;
        return ERROR;
      }
      j = out.errorAt + 1;
    }
    x = translate(j);
    if (x <= 0) {
      if (x !== ERROR) out.errorAt = j;
      return ERROR;
    }
    const after = afterMember(x, 0x7d, CLOSE_BRACE);
    if (after === ERROR) return ERROR;
    j = memberEnd;
    if (after === LIST_END) break;
  }
  out.changePayloadSize(self, out.n - start);
  out.depth--;
  return j + 1;
}

/** What follows a member of an object or array: another member, or the container's end. */
const NEXT_MEMBER = 1;
const LIST_END = 2;
/** Set by `afterMember`: the index of the comma, or of the closing bracket or brace. */
let memberEnd = 0;

/**
 * Reads what follows a member that ends before `j`: a comma (NEXT_MEMBER) or the byte `close` that
 * ends the container (LIST_END), perhaps after white space or JSON5 comments; either way `memberEnd`
 * is left on it. Anything else is ERROR, with `out.errorAt` on it.
 */
function afterMember(j: number, close: number, closeToken: number): number {
  if (isSpace(z[j]!)) {
    j++;
    while (isSpace(z[j]!)) j++;
  }
  if (z[j] === 0x2c || z[j] === close) {
    memberEnd = j;
    return z[j] === close ? LIST_END : NEXT_MEMBER;
  }
  const x = translate(j);
  if (x === COMMA || x === closeToken) {
    memberEnd = out.errorAt;
    return x === COMMA ? NEXT_MEMBER : LIST_END;
  }
  out.errorAt = j;
  return ERROR;
}

function array(i: number): number {
  const self = out.n;
  out.appendNode(JSONB_ARRAY, z.length - i);
  const start = out.n;
  if (++out.depth > MAX_DEPTH) {
    out.errorAt = i;
    return ERROR;
  }
  let j = i + 1;
  for (;; j++) {
    let x = translate(j);
    if (x <= 0) {
      if (x === CLOSE_BRACKET) {
        j = out.errorAt;
        if (out.n !== start) out.hasNonstd = true;
        break;
      }
      if (x !== ERROR) out.errorAt = j;
      return ERROR;
    }
    const after = afterMember(x, 0x5d, CLOSE_BRACKET);
    if (after === ERROR) return ERROR;
    j = memberEnd;
    if (after === LIST_END) break;
  }
  out.changePayloadSize(self, out.n - start);
  out.depth--;
  return j + 1;
}

function isUnicodeEscape(i: number): boolean {
  return z[i] === 0x75 && isXDigit(z[i + 1]) && isXDigit(z[i + 2]) && isXDigit(z[i + 3]) && isXDigit(z[i + 4]);
}

function string(i: number): number {
  const delim = z[i]!;
  let op = JSONB_TEXT;
  let j = i + 1;
  for (;;) {
    let c = z[j]!;
    if (JSON_IS_OK[c]) {
      j++;
      continue;
    }
    if (c === delim) break;
    if (c === 0x5c) {
      c = z[++j]!;
      if (c === 0x22 || c === 0x5c || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74 || (c === 0x75 && isUnicodeEscape(j))) {
        if (op === JSONB_TEXT) op = JSONB_TEXTJ;
      } else if (
        c === 0x27 ||
        c === 0x76 ||
        c === 0x0a ||
        (c === 0x30 && !isDigit(z[j + 1])) ||
        (c === 0xe2 && z[j + 1] === 0x80 && (z[j + 2] === 0xa8 || z[j + 2] === 0xa9)) ||
        (c === 0x78 && isXDigit(z[j + 1]) && isXDigit(z[j + 2]))
      ) {
        op = JSONB_TEXT5;
        out.hasNonstd = true;
      } else if (c === 0x0d) {
        if (z[j + 1] === 0x0a) j++;
        op = JSONB_TEXT5;
        out.hasNonstd = true;
      } else {
        out.errorAt = j;
        return ERROR;
      }
    } else if (c <= 0x1f) {
      if (c === 0) {
        out.errorAt = j;
        return ERROR;
      }
      op = JSONB_TEXT5;
      out.hasNonstd = true;
    } else if (c === 0x22) {
      op = JSONB_TEXT5;
    }
    j++;
  }
  out.appendNode(op, j - 1 - i, z, i + 1);
  return j + 1;
}

/** A number starting at z[i]; `t` bit 1 marks JSON5, bit 2 a real. */
function number(i: number, t0: number): number {
  let t = t0;
  const c = z[i]!;
  if (c <= 0x30) {
    if (c === 0x30) {
      if ((z[i + 1] === 0x78 || z[i + 1] === 0x58) && isXDigit(z[i + 2])) {
        out.hasNonstd = true;
        let j = i + 3;
        while (isXDigit(z[j])) j++;
        return finishNumber(i, j, 0x01);
      }
      if (isDigit(z[i + 1])) {
        out.errorAt = i + 1;
        return ERROR;
      }
    } else {
      if (!isDigit(z[i + 1])) {
        if ((z[i + 1] === 0x49 || z[i + 1] === 0x69) && matchWordNoCase(i + 1, 'inf')) {
          out.hasNonstd = true;
          if (c === 0x2d) out.appendNode(JSONB_FLOAT, 6, NEG_INF);
          else out.appendNode(JSONB_FLOAT, 5, POS_INF);
          return i + (matchWordNoCase(i + 4, 'inity') ? 9 : 4);
        }
        if (z[i + 1] === 0x2e) {
          out.hasNonstd = true;
          t |= 0x01;
          return numberBody(i, i, t);
        }
        out.errorAt = i;
        return ERROR;
      }
      if (z[i + 1] === 0x30) {
        if (isDigit(z[i + 2])) {
          out.errorAt = i + 1;
          return ERROR;
        }
        if ((z[i + 2] === 0x78 || z[i + 2] === 0x58) && isXDigit(z[i + 3])) {
          out.hasNonstd = true;
          let j = i + 4;
          while (isXDigit(z[j])) j++;
          return finishNumber(i, j, t | 0x01);
        }
      }
    }
  }
  return numberBody(i, i, t);
}

/** The digits, point and exponent of a number starting at z[start]; scanning resumes after z[i]. */
function numberBody(start: number, i: number, t0: number): number {
  let t = t0;
  let seenE = false;
  let j = i + 1;
  for (;; j++) {
    const c = z[j]!;
    if (isDigit(c)) continue;
    if (c === 0x2e) {
      if (t & 0x02) {
        out.errorAt = j;
        return ERROR;
      }
      t |= 0x02;
      continue;
    }
    if (c === 0x65 || c === 0x45) {
      if (z[j - 1]! < 0x30) {
        if (z[j - 1] === 0x2e && j - 2 >= start && isDigit(z[j - 2])) {
          out.hasNonstd = true;
          t |= 0x01;
        } else {
          out.errorAt = j;
          return ERROR;
        }
      }
      if (seenE) {
        out.errorAt = j;
        return ERROR;
      }
      t |= 0x02;
      seenE = true;
      let d = z[j + 1]!;
      if (d === 0x2b || d === 0x2d) {
        j++;
        d = z[j + 1]!;
      }
      if (d < 0x30 || d > 0x39) {
        out.errorAt = j;
        return ERROR;
      }
      continue;
    }
    break;
  }
  if (z[j - 1]! < 0x30) {
    if (z[j - 1] === 0x2e && j - 2 >= start && isDigit(z[j - 2])) {
      out.hasNonstd = true;
      t |= 0x01;
    } else {
      out.errorAt = j;
      return ERROR;
    }
  }
  return finishNumber(start, j, t);
}

function finishNumber(i0: number, j: number, t: number): number {
  const i = z[i0] === 0x2b ? i0 + 1 : i0;
  out.appendNode(JSONB_INT + t, j - i, z, i);
  return j;
}

/** The number of bytes of JSON5 whitespace and comments at z[i]. */
function json5Whitespace(i: number): number {
  let n = i;
  for (;;) {
    const c = z[n]!;
    switch (c) {
      case 0x09:
      case 0x0a:
      case 0x0b:
      case 0x0c:
      case 0x0d:
      case 0x20:
        n++;
        continue;
      case 0x2f:
        if (z[n + 1] === 0x2a && z[n + 2] !== 0) {
          let j = n + 3;
          for (; z[j] !== 0x2f || z[j - 1] !== 0x2a; j++) if (z[j] === 0) return n - i;
          n = j + 1;
          continue;
        }
        if (z[n + 1] === 0x2f) {
          let j = n + 2;
          for (; z[j] !== 0; j++) {
            const d = z[j];
            if (d === 0x0a || d === 0x0d) break;
            if (d === 0xe2 && z[j + 1] === 0x80 && (z[j + 2] === 0xa8 || z[j + 2] === 0xa9)) {
              j += 2;
              break;
            }
          }
          n = j;
          if (z[n] !== 0) n++;
          continue;
        }
        return n - i;
      case 0xc2:
        if (z[n + 1] === 0xa0) {
          n += 2;
          continue;
        }
        return n - i;
      case 0xe1:
        if (z[n + 1] === 0x9a && z[n + 2] === 0x80) {
          n += 3;
          continue;
        }
        return n - i;
      case 0xe2:
        if (z[n + 1] === 0x80) {
          const d = z[n + 2]!;
          if (d >= 0x80 && (d <= 0x8a || d === 0xa8 || d === 0xa9 || d === 0xaf)) {
            n += 3;
            continue;
          }
        } else if (z[n + 1] === 0x81 && z[n + 2] === 0x9f) {
          n += 3;
          continue;
        }
        return n - i;
      case 0xe3:
        if (z[n + 1] === 0x80 && z[n + 2] === 0x80) {
          n += 3;
          continue;
        }
        return n - i;
      case 0xef:
        if (z[n + 1] === 0xbb && z[n + 2] === 0xbf) {
          n += 3;
          continue;
        }
        return n - i;
      default:
        return n - i;
    }
  }
}
