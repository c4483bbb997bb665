/**
 * SQLite's JSON SQL functions (sqlite.org/json1.html): json, json_array, json_object, json_quote,
 * json_extract and the -> and ->> operators, json_type, json_array_length, json_valid,
 * json_error_position, json_insert/replace/set/array_insert, json_remove, json_patch, json_pretty,
 * the aggregates json_group_array and json_group_object, and the jsonb_* variants that return JSONB
 * blobs instead of text.
 *
 * Text results of the json_* functions carry the JSON subtype, so that another JSON function takes
 * them as JSON rather than as strings to quote; jsonb_* results are blobs, recognized by content.
 */
import { ValueType } from '../../record/value.js';
import type { Args, Result } from '../../value/args.js';
import type { Aggregate, ScalarFunction } from '../types.js';
import { JSONB_ARRAY, JSONB_TYPE_NAMES, type Jsonb, arrayCount } from './jsonb.js';
import { parseErrorAt, parseJson, utf8Padded } from './parse.js';
import { mergePatch } from './patch.js';
import { EDIT_AINS, EDIT_DEL, EDIT_INS, EDIT_REPL, EDIT_SET, LOOKUP_NOTFOUND, LOOKUP_PATHERROR, lookup, pathErrorMessage } from './path.js';
import { TextOut, renderNode, renderPretty } from './render.js';
import { asJsonb, validityError } from './validate.js';
import {
  AS_JSONB,
  AS_TEXT,
  JSON_SUBTYPE,
  JsonError,
  appendSqlValue,
  editableJsonArg,
  jsonArg,
  malformed,
  nodeResult,
  nodeText,
  valueArgToJsonb,
} from './values.js';

type JsonImpl = (args: Args, result: Result) => void;

/** A scalar function whose JsonErrors become the call's error. */
function scalar(impl: JsonImpl): ScalarFunction {
  return (_ctx, args, result) => {
    try {
      impl(args, result);
    } catch (err) {
      if (err instanceof JsonError) result.error(err.message);
      else throw err;
    }
  };
}

/** JSON text as a json_* result: TEXT with the JSON subtype. */
function jsonText(result: Result, text: string): void {
  result.text(text);
  result.subtype?.(JSON_SUBTYPE);
}

/** Delivers a whole Jsonb: as JSON text, or as the blob itself for jsonb_* functions. */
function deliver(j: Jsonb, result: Result, blob: boolean): void {
  if (blob) return result.blob(j.blob.slice(0, j.n));
  jsonText(result, nodeText(j, 0));
}

/** Delivers JSON text built by json_array/json_object: as is, or converted to JSONB. */
function deliverText(out: TextOut, result: Result, blob: boolean): void {
  if (!blob) return jsonText(result, out.text());
  out.byte(0);
  const padded = new Uint8Array(out.n + 8);
  padded.set(out.buf.subarray(0, out.n));
  const doc = parseJson(padded);
  result.blob(doc ? doc.blob.slice(0, doc.n) : new Uint8Array(0));
}

const pathBytes = new Map<string, Uint8Array>();

/** A path argument as 0-terminated UTF-8 (cached: paths repeat from row to row). */
function pathOf(path: string): Uint8Array {
  let bytes = pathBytes.get(path);
  if (bytes === undefined) {
    if (pathBytes.size > 64) pathBytes.clear();
    bytes = utf8Padded(path);
    pathBytes.set(path, bytes);
  }
  return bytes;
}

/** Searches `j` for `path` (which starts with `$`) without editing. */
function find(j: Jsonb, path: string): number {
  j.editMode = 0;
  j.delta = 0;
  j.depth = 0;
  return lookup(j, 0, pathOf(path), 1, 0);
}

/** json(X) and jsonb(X): X minified (JSON5 made canonical), or as JSONB. */
export function makeJson(blob: boolean): ScalarFunction {
  return scalar((args, result) => {
    const j = jsonArg(args, 0);
    if (!j) return result.null();
    deliver(j, result, blob);
  });
}

/** Where json_array and json_object build their text (each call finishes with it before returning). */
const built = new TextOut();

/** json_array(…) and jsonb_array(…). */
export function makeJsonArray(blob: boolean): ScalarFunction {
  return scalar((args, result) => {
    const out = built.reset();
    out.byte(0x5b);
    for (let i = 0; i < args.count; i++) {
      out.separator();
      appendSqlValue(out, args, i);
    }
    out.byte(0x5d);
    deliverText(out, result, blob);
  });
}

/** json_object(LABEL, VALUE, …) and jsonb_object(…). */
export function makeJsonObject(blob: boolean): ScalarFunction {
  return scalar((args, result) => {
    if (args.count & 1) throw new JsonError('json_object() requires an even number of arguments');
    const out = built.reset();
    out.byte(0x7b);
    for (let i = 0; i < args.count; i += 2) {
      if (args.type(i) !== ValueType.Text) throw new JsonError('json_object() labels must be TEXT');
      out.separator();
      const label = args.blob(i);
      out.quoted(label, 0, label.length);
      out.byte(0x3a);
      appendSqlValue(out, args, i + 1);
    }
    out.byte(0x7d);
    deliverText(out, result, blob);
  });
}

/** json_quote(X): X as a JSON value. */
export const jsonQuote = scalar((args, result) => {
  const out = built.reset();
  appendSqlValue(out, args, 0);
  jsonText(result, out.text());
});

/** json_extract: containers as JSON, scalars as SQL values. */
export const EXTRACT = 0;
/** `->`: always JSON text. */
export const ARROW_JSON = 1;
/** `->>`: always an SQL value. */
export const ARROW_SQL = 2;

/** Whether `s` is all ASCII letters, digits and underscores. */
function allAlphanumeric(s: string): boolean {
  return /^[A-Za-z0-9_]*$/.test(s);
}

/** The full path an `->`/`->>` right operand stands for: `$…` itself, an integer index, a label. */
function arrowPath(args: Args, i: number): string {
  const path = args.text(i);
  if (path.charCodeAt(0) === 0x24) return path;
  if (args.type(i) === ValueType.Integer) return path.charCodeAt(0) === 0x2d ? `$[#${path}]` : `$[${path}]`;
  if (allAlphanumeric(path)) return `$.${path}`;
  if (path.charCodeAt(0) === 0x5b && path.length >= 3 && path.charCodeAt(path.length - 1) === 0x5d) return `$${path}`;
  return `$."${path}"`;
}

/**
 * json_extract(J, P, …), jsonb_extract, `->` and `->>`. One path: the value found (containers as
 * JSON, or JSONB for jsonb_extract; scalars as SQL values, or JSON text for `->`), NULL when absent.
 * Several paths: a JSON array of what each finds.
 */
export function makeJsonExtract(mode: number, blob: boolean): ScalarFunction {
  return scalar((args, result) => {
    if (args.count < 2) return result.null();
    const j = jsonArg(args, 0);
    if (!j) return result.null();
    const several = args.count > 2;
    const out = several ? new TextOut() : null;
    out?.byte(0x5b);
    for (let k = 1; k < args.count; k++) {
      if (args.type(k) === ValueType.Null) return result.null();
      let path: string;
      if (mode !== EXTRACT) path = arrowPath(args, k);
      else {
        path = args.text(k);
        if (path.charCodeAt(0) !== 0x24) throw new JsonError(pathErrorMessage(path, LOOKUP_PATHERROR));
      }
      const found = find(j, path);
      if (found >= 0) {
        if (out) {
          out.separator();
          renderNode(j, found, out);
        } else if (mode === ARROW_JSON) {
          return jsonText(result, nodeText(j, found));
        } else {
          nodeResult(j, found, result, blob ? AS_JSONB : AS_TEXT);
          const type = j.blob[found]! & 0x0f;
          if (mode === EXTRACT && !blob && type >= JSONB_ARRAY) result.subtype?.(JSON_SUBTYPE);
          return;
        }
      } else if (found === LOOKUP_NOTFOUND) {
        if (!out) return result.null();
        out.separator();
        out.ascii('null');
      } else {
        throw new JsonError(pathErrorMessage(args.text(k), found));
      }
    }
    out!.byte(0x5d);
    if (out!.malformed) throw malformed();
    if (blob) deliverText(out!, result, true);
    else jsonText(result, out!.text());
  });
}

/** json_array_length(J[, P]): the number of elements of the array (0 for a non-array). */
export const jsonArrayLength = scalar((args, result) => {
  const j = jsonArg(args, 0);
  if (!j) return result.null();
  let at = 0;
  if (args.count === 2) {
    if (args.type(1) === ValueType.Null) return result.null();
    const path = args.text(1);
    at = path.charCodeAt(0) === 0x24 ? find(j, path) : lookup(j, 0, pathOf('@'), 0, 0);
    if (at < 0) {
      if (at === LOOKUP_NOTFOUND) return result.null();
      throw new JsonError(pathErrorMessage(path, at));
    }
  }
  result.int((j.blob[at]! & 0x0f) === JSONB_ARRAY ? arrayCount(j, at) : 0);
});

/** json_type(J[, P]): the type name of the value (NULL when the path finds nothing). */
export const jsonType = scalar((args, result) => {
  const j = jsonArg(args, 0);
  if (!j) return result.null();
  let at = 0;
  if (args.count === 2) {
    if (args.type(1) === ValueType.Null) return result.null();
    const path = args.text(1);
    if (path.charCodeAt(0) !== 0x24) throw new JsonError(pathErrorMessage(path, LOOKUP_PATHERROR));
    at = find(j, path);
    if (at < 0) {
      if (at === LOOKUP_NOTFOUND) return result.null();
      throw new JsonError(pathErrorMessage(path, at));
    }
  }
  result.text(JSONB_TYPE_NAMES[j.blob[at]! & 0x0f]!);
});

/** json_valid(X[, FLAGS]): 1 for well-formed JSON (1: RFC 8259, 2: JSON5, 4/8: JSONB superficially/strictly). */
export const jsonValid = scalar((args, result) => {
  let flags = 1;
  if (args.count === 2) {
    const f = args.int(1);
    if (f < 1 || f > 15) throw new JsonError('FLAGS parameter to json_valid() must be between 1 and 15');
    flags = Number(f) & 0x0f;
  }
  const t = args.type(0);
  if (t === ValueType.Null) return result.null();
  if (t === ValueType.Blob) {
    const j = asJsonb(args.raw(0) as Uint8Array);
    if (j) {
      if (flags & 0x04) return result.int(1);
      if (flags & 0x08) return result.int(validityError(j, 0, j.n, 1) === 0 ? 1 : 0);
      return result.int(0);
    }
  }
  if ((flags & 0x03) === 0) return result.int(0);
  let j: Jsonb | null;
  try {
    j = jsonArg(args, 0);
  } catch (err) {
    if (err instanceof JsonError) return result.int(0);
    throw err;
  }
  result.int(j !== null && ((flags & 0x02) !== 0 || !j.hasNonstd) ? 1 : 0);
});

/** json_error_position(X): 0 when X is well-formed, else the 1-based character (for JSONB: byte) position of the first error. */
export const jsonErrorPosition = scalar((args, result) => {
  const t = args.type(0);
  if (t === ValueType.Null) return result.null();
  if (t === ValueType.Blob) {
    const j = asJsonb(args.raw(0) as Uint8Array);
    if (j) return result.int(validityError(j, 0, j.n, 1));
  }
  const text = utf8Padded(args.text(0));
  if (parseJson(text)) return result.int(0);
  let chars = 0;
  for (let k = 0; k < parseErrorAt && text[k] !== 0; k++) if ((text[k]! & 0xc0) !== 0x80) chars++;
  result.int(chars + 1);
});

const INSERT_NAMES = ['', '', 'replace', 'insert', 'set', 'array_insert'];

/** json_insert/replace/set/array_insert(J, P, V, …) and their jsonb_ forms. */
export function makeJsonEdit(editMode: number, blob: boolean): ScalarFunction {
  return scalar((args, result) => {
    if (args.count < 1) return result.null();
    if ((args.count & 1) === 0) throw new JsonError(`json_${INSERT_NAMES[editMode]}() needs an odd number of arguments`);
    const j = args.count === 1 ? jsonArg(args, 0) : editableJsonArg(args, 0);
    if (!j) return result.null();
    for (let i = 1; i < args.count - 1; i += 2) {
      if (args.type(i) === ValueType.Null) continue;
      const path = args.text(i);
      if (path.charCodeAt(0) !== 0x24) throw new JsonError(pathErrorMessage(path, LOOKUP_PATHERROR));
      const value = valueArgToJsonb(args, i + 1);
      let rc = 0;
      if (path.length === 1) {
        if (editMode === EDIT_REPL || editMode === EDIT_SET) {
          j.delta = 0;
          j.edit(0, j.n, value);
        }
      } else {
        j.editMode = editMode;
        j.ins = value;
        j.delta = 0;
        j.depth = 0;
        rc = lookup(j, 0, pathOf(path), 1, 0);
        j.editMode = 0;
      }
      if (rc === LOOKUP_NOTFOUND) continue;
      if (rc < 0) throw new JsonError(pathErrorMessage(path, rc));
    }
    deliver(j, result, blob);
  });
}

export const EDIT_MODES = { insert: EDIT_INS, replace: EDIT_REPL, set: EDIT_SET, arrayInsert: EDIT_AINS } as const;

/** json_remove(J, P, …) and jsonb_remove: J without the elements the paths find. */
export function makeJsonRemove(blob: boolean): ScalarFunction {
  return scalar((args, result) => {
    const j = args.count > 1 ? editableJsonArg(args, 0) : jsonArg(args, 0);
    if (!j) return result.null();
    for (let i = 1; i < args.count; i++) {
      if (args.type(i) === ValueType.Null) return result.null();
      const path = args.text(i);
      if (path.charCodeAt(0) !== 0x24) throw new JsonError(pathErrorMessage(path, LOOKUP_PATHERROR));
      if (path.length === 1) return result.null();
      j.editMode = EDIT_DEL;
      j.delta = 0;
      j.depth = 0;
      const rc = lookup(j, 0, pathOf(path), 1, 0);
      j.editMode = 0;
      if (rc < 0 && rc !== LOOKUP_NOTFOUND) throw new JsonError(pathErrorMessage(path, rc));
    }
    deliver(j, result, blob);
  });
}

/** json_patch(T, P) and jsonb_patch: RFC 7396 MergePatch of P into T. */
export function makeJsonPatch(blob: boolean): ScalarFunction {
  return scalar((args, result) => {
    const target = editableJsonArg(args, 0);
    if (!target) return result.null();
    const patch = jsonArg(args, 1);
    if (!patch) return result.null();
    target.delta = 0;
    mergePatch(target, 0, patch, 0, 0);
    deliver(target, result, blob);
  });
}

/** json_pretty(J[, INDENT]): J laid out on lines, INDENT (default four spaces) per level. */
export const jsonPretty = scalar((args, result) => {
  const j = jsonArg(args, 0);
  if (!j) return result.null();
  const indent = args.count === 2 && args.type(1) !== ValueType.Null ? args.blob(1) : FOUR_SPACES;
  const out = new TextOut();
  renderPretty(j, 0, out, indent);
  if (out.malformed) throw malformed();
  if (out.tooDeep) throw new JsonError('JSON nested too deep');
  result.text(out.text());
});

const FOUR_SPACES = new Uint8Array([0x20, 0x20, 0x20, 0x20]);

/**
 * json_group_array(X) and jsonb_group_array: the values of the group as a JSON array. `inverse`
 * drops the oldest value, for sliding window frames.
 */
export function makeJsonGroupArray(blob: boolean): () => Aggregate {
  return () => new GroupJson(blob, 0x5b, 0x5d, (item, args) => appendSqlValue(item, args, 0));
}

/**
 * json_group_object(NAME, VALUE) and jsonb_group_object: the group's pairs as a JSON object; rows
 * whose NAME is NULL add nothing.
 */
export function makeJsonGroupObject(blob: boolean): () => Aggregate {
  return () =>
    new GroupJson(blob, 0x7b, 0x7d, (item, args) => {
      if (args.type(0) === ValueType.Null) return false;
      const label = args.blob(0);
      item.quoted(label, 0, label.length);
      item.byte(0x3a);
      appendSqlValue(item, args, 1);
      return true;
    });
}

/**
 * The state of json_group_array/json_group_object: the JSON text of each row's entry (null for a row
 * that adds none), from the oldest still in the frame. A failed step is reported by the result.
 */
class GroupJson implements Aggregate {
  private readonly entries: (Uint8Array | null)[] = [];
  private first = 0;
  private error: string | null = null;
  private readonly item = new TextOut();
  private readonly out = new TextOut();

  constructor(
    private readonly blob: boolean,
    private readonly open: number,
    private readonly close: number,
    /** Writes the row's entry; false when the row adds none. */
    private readonly entry: (item: TextOut, args: Args) => boolean | void,
  ) {}

  step(args: Args): void {
    if (this.error !== null) return;
    const item = this.item.reset();
    try {
      const added = this.entry(item, args);
      this.entries.push(added === false ? null : item.buf.slice(0, item.n));
    } catch (err) {
      if (!(err instanceof JsonError)) throw err;
      this.error = err.message;
    }
  }

  inverse(): void {
    this.first++;
  }

  value(result: Result): void {
    if (this.error !== null) return result.error(this.error);
    const out = this.out.reset();
    out.byte(this.open);
    let wrote = false;
    for (let k = this.first; k < this.entries.length; k++) {
      const e = this.entries[k];
      if (!e) continue;
      if (wrote) out.byte(0x2c);
      wrote = true;
      out.bytes(e, 0, e.length);
    }
    out.byte(this.close);
    deliverText(out, result, this.blob);
  }

  final(result: Result): void {
    this.value(result);
  }
}
