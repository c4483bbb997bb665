/**
 * JSONB → JSON text: minified (json(), json_extract() of containers, …) and pretty (json_pretty()),
 * into a growable UTF-8 buffer. JSON5 forms in the blob come out as canonical JSON: hex integers in
 * decimal, `.5` as `0.5`, JSON5 string escapes as JSON ones, raw SQL text escaped.
 *
 * Rendering does not stop at malformed JSONB: it sets `malformed` and goes on, as SQLite does (the
 * caller then reports "malformed JSON").
 */
import { decodeUtf8 } from '../../record/value.js';
import {
  JSON_IS_OK,
  JSONB_ARRAY,
  JSONB_FALSE,
  JSONB_FLOAT,
  JSONB_FLOAT5,
  JSONB_INT,
  JSONB_INT5,
  JSONB_NULL,
  JSONB_OBJECT,
  JSONB_TEXT,
  JSONB_TEXT5,
  JSONB_TEXTJ,
  JSONB_TEXTRAW,
  JSONB_TRUE,
  type Jsonb,
  MAX_DEPTH,
  hexValue,
  isDigit,
  isXDigit,
  payloadSize,
  payloadSz,
} from './jsonb.js';

/** JSON text under construction, as UTF-8. */
export class TextOut {
  buf = new Uint8Array(128);
  n = 0;
  malformed = false;
  tooDeep = false;

  reset(): this {
    this.n = 0;
    this.malformed = false;
    this.tooDeep = false;
    return this;
  }

  reserve(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.n + extra + 64, this.buf.length * 2));
    grown.set(this.buf.subarray(0, this.n));
    this.buf = grown;
  }

  byte(b: number): void {
    if (this.n >= this.buf.length) this.reserve(1);
    this.buf[this.n++] = b;
  }

  bytes(src: Uint8Array, start: number, end: number): void {
    const length = end - start;
    this.reserve(length);
    if (length < 32) {
      const buf = this.buf;
      let n = this.n;
      for (let k = start; k < end; k++) buf[n++] = src[k]!;
      this.n = n;
      return;
    }
    this.buf.set(src.subarray(start, end), this.n);
    this.n += length;
  }

  /** Appends ASCII text. */
  ascii(s: string): void {
    this.reserve(s.length);
    for (let k = 0; k < s.length; k++) this.buf[this.n++] = s.charCodeAt(k);
  }

  /** A comma unless the text so far is empty or ends with `[` or `{`. */
  separator(): void {
    if (this.n === 0) return;
    const c = this.buf[this.n - 1];
    if (c === 0x5b || c === 0x7b) return;
    this.byte(0x2c);
  }

  /** Appends `src[start .. end)` as a quoted JSON string, escaping what JSON requires. */
  quoted(src: Uint8Array, start: number, end: number): void {
    this.reserve(end - start + 2);
    this.byte(0x22);
    let run = start;
    for (let k = start; k < end; k++) {
      const c = src[k]!;
      if (JSON_IS_OK[c] || c === 0x27) continue;
      if (k > run) this.bytes(src, run, k);
      run = k + 1;
      if (c === 0x22 || c === 0x5c) {
        this.byte(0x5c);
        this.byte(c);
      } else {
        this.control(c);
      }
    }
    if (end > run) this.bytes(src, run, end);
    this.byte(0x22);
  }

  /** The JSON escape of control character `c`. */
  control(c: number): void {
    const short = CONTROL_ESCAPES[c];
    this.byte(0x5c);
    if (short) {
      this.byte(short);
    } else {
      this.ascii('u00');
      this.byte(HEX[c >> 4]!);
      this.byte(HEX[c & 0xf]!);
    }
  }

  text(): string {
    return decodeUtf8(this.buf, 0, this.n);
  }
}

const HEX = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);
const CONTROL_ESCAPES = new Uint8Array(32);
CONTROL_ESCAPES[8] = 0x62;
CONTROL_ESCAPES[9] = 0x74;
CONTROL_ESCAPES[10] = 0x6e;
CONTROL_ESCAPES[12] = 0x66;
CONTROL_ESCAPES[13] = 0x72;

let depth = 0;

/** Renders the node at `i` of `j` into `out`; returns the offset after the node. */
export function renderNode(j: Jsonb, i: number, out: TextOut): number {
  depth = 0;
  return render(j, i, out);
}

function render(j: Jsonb, i: number, out: TextOut): number {
  const n = payloadSize(j, i);
  const sz = payloadSz;
  if (n === 0) {
    out.malformed = true;
    return j.n + 1;
  }
  const a = j.blob;
  const p = i + n;
  switch (a[i]! & 0x0f) {
    case JSONB_NULL:
      out.ascii('null');
      return i + 1;
    case JSONB_TRUE:
      out.ascii('true');
      return i + 1;
    case JSONB_FALSE:
      out.ascii('false');
      return i + 1;
    case JSONB_INT:
    case JSONB_FLOAT:
      if (sz === 0) out.malformed = true;
      else out.bytes(a, p, p + sz);
      break;
    case JSONB_INT5:
      if (sz === 0) out.malformed = true;
      else hexInteger(a, p, sz, out);
      break;
    case JSONB_FLOAT5:
      if (sz === 0) out.malformed = true;
      else float5(a, p, sz, out);
      break;
    case JSONB_TEXT:
    case JSONB_TEXTJ:
      out.byte(0x22);
      out.bytes(a, p, p + sz);
      out.byte(0x22);
      break;
    case JSONB_TEXT5:
      text5(a, p, sz, out);
      break;
    case JSONB_TEXTRAW:
      out.quoted(a, p, p + sz);
      break;
    case JSONB_ARRAY: {
      out.byte(0x5b);
      let k = p;
      const end = p + sz;
      if (++depth > MAX_DEPTH) out.tooDeep = true;
      while (k < end && !out.malformed && !out.tooDeep) {
        k = render(j, k, out);
        out.byte(0x2c);
      }
      depth--;
      if (k > end) out.malformed = true;
      if (sz > 0) out.n--;
      out.byte(0x5d);
      break;
    }
    case JSONB_OBJECT: {
      out.byte(0x7b);
      let k = p;
      const end = p + sz;
      let x = 0;
      if (++depth > MAX_DEPTH) out.tooDeep = true;
      while (k < end && !out.malformed && !out.tooDeep) {
        k = render(j, k, out);
        out.byte(x++ & 1 ? 0x2c : 0x3a);
      }
      depth--;
      if ((x & 1) !== 0 || k > end) out.malformed = true;
      if (sz > 0) out.n--;
      out.byte(0x7d);
      break;
    }
    default:
      out.malformed = true;
      break;
  }
  return p + sz;
}

/** A JSON5 hex integer in decimal (9.0e999 beyond 64 bits). */
function hexInteger(a: Uint8Array, p: number, sz: number, out: TextOut): void {
  let k = 2;
  if (a[p] === 0x2d) {
    out.byte(0x2d);
    k++;
  } else if (a[p] === 0x2b) {
    k++;
  }
  let u = 0n;
  let overflow = false;
  for (; k < sz; k++) {
    const c = a[p + k]!;
    if (!isXDigit(c)) {
      out.malformed = true;
      break;
    }
    if (u >> 60n !== 0n) overflow = true;
    else u = u * 16n + BigInt(hexValue(c));
  }
  out.ascii(overflow ? '9.0e999' : u.toString());
}

/** A JSON5 real with a digit added beside a bare decimal point. */
function float5(a: Uint8Array, p: number, sz: number, out: TextOut): void {
  let k = 0;
  if (a[p] === 0x2d) {
    out.byte(0x2d);
    k++;
  }
  if (a[p + k] === 0x2e) out.byte(0x30);
  for (; k < sz; k++) {
    const c = a[p + k]!;
    out.byte(c);
    if (c === 0x2e && (k + 1 === sz || !isDigit(a[p + k + 1]))) out.byte(0x30);
  }
}

/** A string with JSON5 escapes, as a JSON string. */
function text5(a: Uint8Array, p: number, sz: number, out: TextOut): void {
  out.byte(0x22);
  let k = p;
  let left = sz;
  while (left > 0) {
    let m = 0;
    while (m < left && (JSON_IS_OK[a[k + m]!] || a[k + m] === 0x27)) m++;
    if (m > 0) {
      out.bytes(a, k, k + m);
      if (m >= left) break;
      k += m;
      left -= m;
    }
    const c = a[k]!;
    if (c === 0x22) {
      out.byte(0x5c);
      out.byte(0x22);
      k++;
      left--;
      continue;
    }
    if (c <= 0x1f) {
      out.control(c);
      k++;
      left--;
      continue;
    }
    if (left < 2) {
      out.malformed = true;
      break;
    }
    switch (a[k + 1]) {
      case 0x27:
        out.byte(0x27);
        break;
      case 0x76:
        out.ascii('\\u000b');
        break;
      case 0x78:
        if (left < 4) {
          out.malformed = true;
          left = 2;
          break;
        }
        out.ascii('\\u00');
        out.bytes(a, k + 2, k + 4);
        k += 2;
        left -= 2;
        break;
      case 0x30:
        out.ascii('\\u0000');
        break;
      case 0x0d:
        if (left > 2 && a[k + 2] === 0x0a) {
          k++;
          left--;
        }
        break;
      case 0x0a:
        break;
      case 0xe2:
        if (left < 4 || a[k + 2] !== 0x80 || (a[k + 3] !== 0xa8 && a[k + 3] !== 0xa9)) {
          out.malformed = true;
          left = 2;
          break;
        }
        k += 2;
        left -= 2;
        break;
      default:
        out.bytes(a, k, k + 2);
        break;
    }
    k += 2;
    left -= 2;
  }
  out.byte(0x22);
}

/** Renders the node at `i` pretty-printed with `indent` per level. */
export function renderPretty(j: Jsonb, i: number, out: TextOut, indent: Uint8Array): number {
  depth = 0;
  return pretty(j, i, out, indent, 0);
}

function newlineIndent(out: TextOut, indent: Uint8Array, level: number): void {
  for (let k = 0; k < level; k++) out.bytes(indent, 0, indent.length);
}

function pretty(j: Jsonb, i: number, out: TextOut, indent: Uint8Array, level: number): number {
  const n = payloadSize(j, i);
  const sz = payloadSz;
  if (n === 0) {
    out.malformed = true;
    return j.n + 1;
  }
  const type = j.blob[i]! & 0x0f;
  if (type !== JSONB_ARRAY && type !== JSONB_OBJECT) {
    depth = level;
    return render(j, i, out);
  }
  let k = i + n;
  const end = k + sz;
  out.byte(type === JSONB_ARRAY ? 0x5b : 0x7b);
  if (k < end) {
    out.byte(0x0a);
    const inner = level + 1;
    if (inner >= MAX_DEPTH) out.tooDeep = true;
    while (!out.malformed && !out.tooDeep) {
      newlineIndent(out, indent, inner);
      if (type === JSONB_OBJECT) {
        depth = inner;
        k = render(j, k, out);
        if (k > end) {
          out.malformed = true;
          break;
        }
        out.byte(0x3a);
        out.byte(0x20);
      }
      k = pretty(j, k, out, indent, inner);
      if (k >= end) break;
      out.byte(0x2c);
      out.byte(0x0a);
    }
    out.byte(0x0a);
    newlineIndent(out, indent, level);
  }
  out.byte(type === JSONB_ARRAY ? 0x5d : 0x7d);
  return end;
}
