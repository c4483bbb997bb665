/**
 * Between SQL values and JSON: reading a function's JSON argument (text parsed, or a JSONB blob
 * taken as is; recently parsed texts are cached), turning an SQL value into a JSON value (text with
 * the JSON subtype is JSON, other text a string, numbers as SQLite writes them), and turning a JSONB
 * node back into an SQL value (json_extract's scalar results).
 *
 * Failures throw `JsonError`, which the function wrappers turn into the call's error.
 */
import type { Int64 } from '../../record/int64.js';
import { ValueType, decodeUtf8, encodeUtf8 } from '../../record/value.js';
import type { Args, Result } from '../../value/args.js';
import { realToText } from '../../value/convert.js';
import {
  INVALID_CHAR,
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
  Jsonb,
  escapeChar,
  payloadSize,
  payloadSz,
  unescapeOne,
} from './jsonb.js';
import { bytesPadded, parseJson, utf8Padded, utf8PaddedScratch } from './parse.js';
import { TextOut, renderNode } from './render.js';
import { asJsonb } from './validate.js';

/** SQLite's subtype of JSON text ('J'), which makes another JSON function read the text as JSON. */
export const JSON_SUBTYPE = 74;

/** A JSON function's failure, with SQLite's message. */
export class JsonError extends Error {}

export function malformed(): JsonError {
  return new JsonError('malformed JSON');
}

/** Whether argument `i` is text with the JSON subtype. */
export function isJsonText(args: Args, i: number): boolean {
  return args.type(i) === ValueType.Text && args.subtype?.(i) === JSON_SUBTYPE;
}

const CACHE_SIZE = 4;
const cacheKeys: string[] = [];
const cacheDocs: Jsonb[] = [];

/**
 * Argument `i` as JSON (json_extract's first argument and the like): null for NULL; a JSONB blob as
 * itself; anything else as text, parsed. The Jsonb returned is shared (cached): copy it before editing.
 * Throws "malformed JSON".
 */
export function jsonArg(args: Args, i: number): Jsonb | null {
  const t = args.type(i);
  if (t === ValueType.Null) return null;
  if (t === ValueType.Blob) {
    const bytes = args.raw(i) as Uint8Array;
    const j = asJsonb(bytes);
    if (j) return j;
    const doc = bytes.length === 0 ? null : parseJson(bytesPadded(bytes));
    if (!doc) throw malformed();
    return doc;
  }
  const text = args.text(i);
  const at = cacheKeys.indexOf(text);
  if (at >= 0) return cacheDocs[at]!;
  const doc = text.length === 0 ? null : parseJson(utf8PaddedScratch(text));
  if (!doc) throw malformed();
  if (cacheKeys.length >= CACHE_SIZE) {
    cacheKeys.shift();
    cacheDocs.shift();
  }
  cacheKeys.push(text);
  cacheDocs.push(doc);
  return doc;
}

/** An editable copy of argument `i` as JSON (see `jsonArg`). */
export function editableJsonArg(args: Args, i: number): Jsonb | null {
  const j = jsonArg(args, i);
  if (!j) return null;
  const copy = Jsonb.of(j.blob, 0, j.n);
  copy.hasNonstd = j.hasNonstd;
  return copy;
}

const NULL_NODE = new Uint8Array([JSONB_NULL]);

/** Argument `i` as a JSON value to insert (json_set's values): one encoded JSONB node. */
export function valueArgToJsonb(args: Args, i: number): Uint8Array {
  switch (args.type(i)) {
    case ValueType.Null:
      return NULL_NODE;
    case ValueType.Blob: {
      const j = asJsonb(args.raw(i) as Uint8Array);
      if (!j) throw new JsonError('JSON cannot hold BLOB values');
      return j.bytes();
    }
    case ValueType.Text: {
      const text = args.text(i);
      const node = new Jsonb(text.length + 8);
      if (args.subtype?.(i) === JSON_SUBTYPE) {
        const doc = parseJson(utf8Padded(text));
        if (!doc) throw malformed();
        return doc.bytes();
      }
      const bytes = encodeUtf8(text);
      node.appendNode(JSONB_TEXTRAW, bytes.length, bytes);
      return node.bytes();
    }
    case ValueType.Real: {
      const r = args.raw(i) as number;
      const text = r === Infinity ? '9e999' : r === -Infinity ? '-9e999' : realToText(r);
      return scalarNode(JSONB_FLOAT, text);
    }
    default:
      return scalarNode(JSONB_INT, String(args.raw(i) as Int64));
  }
}

/** A number node: `text` is ASCII and shorter than 256 characters. */
function scalarNode(type: number, text: string): Uint8Array {
  const length = text.length;
  const header = length <= 11 ? 1 : 2;
  const node = new Uint8Array(header + length);
  if (header === 1) node[0] = type | (length << 4);
  else {
    node[0] = type | 0xc0;
    node[1] = length;
  }
  for (let k = 0; k < length; k++) node[header + k] = text.charCodeAt(k);
  return node;
}

/** Appends argument `i` to JSON text under construction (json_array's and json_object's values). */
export function appendSqlValue(out: TextOut, args: Args, i: number): void {
  switch (args.type(i)) {
    case ValueType.Null:
      out.ascii('null');
      return;
    case ValueType.Real: {
      const r = args.raw(i) as number;
      out.ascii(r === Infinity ? '9.0e+999' : r === -Infinity ? '-9.0e+999' : realToText(r));
      return;
    }
    case ValueType.Integer:
      out.ascii(String(args.raw(i) as Int64));
      return;
    case ValueType.Text: {
      const padded = utf8PaddedScratch(args.text(i));
      const length = padded.length - 8;
      if (args.subtype?.(i) === JSON_SUBTYPE) out.bytes(padded, 0, length);
      else out.quoted(padded, 0, length);
      return;
    }
    default: {
      const j = asJsonb(args.raw(i) as Uint8Array);
      if (!j) throw new JsonError('JSON cannot hold BLOB values');
      renderNode(j, 0, out);
    }
  }
}

/** How `nodeResult` delivers an array or object. */
export const AS_TEXT = 1;
export const AS_JSONB = 2;

const scratch = new TextOut();

/** The JSON text of the node at `i`. */
export function nodeText(j: Jsonb, i: number): string {
  const out = scratch.reset();
  renderNode(j, i, out);
  if (out.malformed) throw malformed();
  if (out.tooDeep) throw new JsonError('JSON nested too deep');
  return out.text();
}

/**
 * Delivers the node at `i` as an SQL value: null, true and false as NULL, 1 and 0; numbers as
 * INTEGER or REAL; strings unescaped; arrays and objects as JSON text or as JSONB (`mode`).
 */
export function nodeResult(j: Jsonb, i: number, result: Result, mode: number): void {
  const n = payloadSize(j, i);
  const sz = payloadSz;
  if (n === 0) throw malformed();
  const a = j.blob;
  const p = i + n;
  switch (a[i]! & 0x0f) {
    case JSONB_NULL:
      if (sz) throw malformed();
      return result.null();
    case JSONB_TRUE:
      if (sz) throw malformed();
      return result.int(1);
    case JSONB_FALSE:
      if (sz) throw malformed();
      return result.int(0);
    case JSONB_INT:
    case JSONB_INT5:
      if (sz === 0) throw malformed();
      if (sz <= 15) {
        const small = smallInteger(a, p, p + sz);
        if (small !== null) return result.int(small);
      }
      return integerResult(decodeUtf8(a, p, p + sz), result);
    case JSONB_FLOAT:
    case JSONB_FLOAT5: {
      if (sz === 0) throw malformed();
      const r = Number(decodeUtf8(a, p, p + sz));
      if (r !== r) throw malformed();
      return result.real(r);
    }
    case JSONB_TEXT:
    case JSONB_TEXTRAW:
      return result.text(decodeUtf8(a, p, p + sz));
    case JSONB_TEXTJ:
    case JSONB_TEXT5:
      return result.text(unescapedText(a, p, p + sz));
    case JSONB_ARRAY:
    case JSONB_OBJECT:
      if (mode === AS_JSONB) return result.blob(a.slice(i, p + sz));
      return result.text(nodeText(j, i));
    default:
      throw malformed();
  }
}

const INT64_MAX = 9223372036854775807n;

/** A decimal integer of at most 15 digits (maybe negative) read directly; null for any other form. */
function smallInteger(a: Uint8Array, start: number, end: number): number | null {
  let k = start;
  const negative = a[k] === 0x2d;
  if (negative) k++;
  if (k >= end) return null;
  let v = 0;
  for (; k < end; k++) {
    const d = a[k]! - 0x30;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

/** An INTEGER node's text (decimal or hex, maybe signed) as SQLite reads it. */
function integerResult(text: string, result: Result): void {
  const negative = text.charCodeAt(0) === 0x2d;
  const digits = negative || text.charCodeAt(0) === 0x2b ? text.slice(1) : text;
  let magnitude: bigint;
  if (/^0[xX]/.test(digits)) {
    const big = BigInt(digits);
    if (big > 0xffffffffffffffffn) throw malformed();
    if (big > INT64_MAX) {
      const r = Number(big);
      return result.real(negative ? -r : r);
    }
    magnitude = big;
  } else {
    magnitude = BigInt(digits);
    if (magnitude > INT64_MAX) {
      if (negative && magnitude === INT64_MAX + 1n) return result.int(-9223372036854775808n);
      return result.real(Number(text));
    }
  }
  const v = negative ? -magnitude : magnitude;
  result.int(v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v);
}

/** The text of a string node with escapes, decoded. */
function unescapedText(a: Uint8Array, start: number, end: number): string {
  const out = new Uint8Array((end - start) * 2 + 4);
  let o = 0;
  for (let k = start; k < end; k++) {
    const c = a[k]!;
    if (c !== 0x5c) {
      out[o++] = c;
      continue;
    }
    const len = unescapeOne(a, k, end);
    const v = escapeChar;
    if (v <= 0x7f) out[o++] = v;
    else if (v <= 0x7ff) {
      out[o++] = 0xc0 | (v >> 6);
      out[o++] = 0x80 | (v & 0x3f);
    } else if (v < 0x10000) {
      out[o++] = 0xe0 | (v >> 12);
      out[o++] = 0x80 | ((v >> 6) & 0x3f);
      out[o++] = 0x80 | (v & 0x3f);
    } else if (v !== INVALID_CHAR) {
      out[o++] = 0xf0 | (v >> 18);
      out[o++] = 0x80 | ((v >> 12) & 0x3f);
      out[o++] = 0x80 | ((v >> 6) & 0x3f);
      out[o++] = 0x80 | (v & 0x3f);
    }
    k += len - 1;
  }
  return decodeUtf8(out, 0, o);
}
