/**
 * json_each, json_tree, jsonb_each and jsonb_tree: the table-valued functions that list the members
 * of a JSON value (json_each: the top level, or the level a root path names; json_tree: every node,
 * depth first), with SQLite's columns key, value, type, atom, id, parent, fullkey, path and the hidden
 * json and root (the arguments).
 *
 * The cursor walks the JSONB encoding as SQLite's does, so `id` (the node's byte offset in the blob)
 * and `parent` match SQLite's; `path` and `fullkey` quote labels that are not plain identifiers.
 */
import { ValueType, decodeUtf8 } from '../../record/value.js';
import type { Args, Result } from '../../value/args.js';
import { JSONB_ARRAY, JSONB_OBJECT, JSONB_TYPE_NAMES, type Jsonb, isAlnum, payloadSize, payloadSz } from './jsonb.js';
import { LOOKUP_NOTFOUND, LOOKUP_PATHERROR, lookup, pathErrorMessage } from './path.js';
import { TextOut } from './render.js';
import { AS_JSONB, AS_TEXT, JSON_SUBTYPE, JsonError, jsonArg, nodeResult } from './values.js';

/** A table-valued function: its columns (the hidden ones, which take the arguments, last) and cursors. */
export interface TableFunctionModule {
  readonly columns: readonly string[];
  /** How many of the last columns are hidden (not in `*`); the arguments bind to them in order. */
  readonly hidden: number;
  open(): TableFunctionCursor;
}

/** A scan of a table-valued function. */
export interface TableFunctionCursor {
  /** Starts a scan over the arguments; returns an error message, or null. */
  filter(args: Args): string | null;
  eof(): boolean;
  next(): void;
  /** Delivers column `i` of the current row (with its subtype, if any). */
  column(i: number, result: Result): void;
}

const COLUMNS = ['key', 'value', 'type', 'atom', 'id', 'parent', 'fullkey', 'path', 'json', 'root'];
const KEY = 0;
const VALUE = 1;
const TYPE = 2;
const ATOM = 3;
const ID = 4;
const PARENT = 5;
const FULLKEY = 6;
const PATH = 7;
const JSON_COLUMN = 8;

/** The module of json_each (`recursive` false) or json_tree, returning JSON text or JSONB (`blob`) values. */
export function jsonEachModule(recursive: boolean, blob: boolean): TableFunctionModule {
  return { columns: COLUMNS, hidden: 2, open: () => new JsonEachCursor(recursive, blob) };
}

interface Parent {
  /** Offset of the container's own entry (its label, for an object member). */
  head: number;
  /** Offset of the container node. */
  value: number;
  end: number;
  /** Length of the path before the container's own step. */
  pathLength: number;
  /** The index of the current element, for arrays. */
  key: number;
}

class JsonEachCursor implements TableFunctionCursor {
  private doc: Jsonb | null = null;
  private input: string | Uint8Array | null = null;
  private rowid = 0;
  private i = 0;
  private end = 0;
  private rootLength = 0;
  /** Type of the container of node i (0 at the top). */
  private containerType = 0;
  private parents: Parent[] = [];
  private readonly path = new TextOut();

  constructor(
    private readonly recursive: boolean,
    private readonly blob: boolean,
  ) {}

  filter(args: Args): string | null {
    this.doc = null;
    this.i = this.end = 0;
    this.rowid = 0;
    this.parents = [];
    this.path.reset();
    this.containerType = 0;
    if (args.count === 0 || args.type(0) === ValueType.Null) return null;
    let doc: Jsonb | null;
    try {
      doc = jsonArg(args, 0);
    } catch (err) {
      if (err instanceof JsonError) return err.message;
      throw err;
    }
    if (!doc) return null;
    this.doc = doc;
    this.input = args.type(0) === ValueType.Blob && doc.blob === args.raw(0) ? (args.raw(0) as Uint8Array) : args.text(0);
    let i = 0;
    if (args.count >= 2) {
      if (args.type(1) === ValueType.Null) {
        this.doc = null;
        return null;
      }
      const root = args.text(1);
      if (root.charCodeAt(0) !== 0x24) return pathErrorMessage(root, LOOKUP_PATHERROR);
      const rootBytes = new TextEncoder().encode(root);
      this.rootLength = rootBytes.length;
      if (root.length > 1) {
        const padded = new Uint8Array(rootBytes.length + 8);
        padded.set(rootBytes);
        doc.editMode = 0;
        doc.delta = 0;
        doc.depth = 0;
        const found = lookup(doc, 0, padded, 1, 0);
        if (found < 0) {
          if (found === LOOKUP_NOTFOUND) {
            this.doc = null;
            return null;
          }
          return pathErrorMessage(root, LOOKUP_PATHERROR);
        }
        i = found;
        if (doc.label) {
          this.i = doc.label;
          this.containerType = JSONB_OBJECT;
        } else {
          this.i = found;
          this.containerType = JSONB_ARRAY;
        }
      }
      this.path.bytes(rootBytes, 0, rootBytes.length);
    } else {
      this.rootLength = 1;
      this.path.byte(0x24);
    }
    const n = payloadSize(doc, i);
    this.end = i + n + payloadSz;
    const type = doc.blob[i]! & 0x0f;
    if (type >= JSONB_ARRAY && !this.recursive) {
      this.i = i + n;
      this.containerType = type;
      this.parents = [{ head: this.i, value: i, end: this.end, pathLength: 0, key: 0 }];
    }
    return null;
  }

  eof(): boolean {
    return this.doc === null || this.i >= this.end;
  }

  /** The offset of the current node's value (past its label inside an object). */
  private valueAt(): number {
    if (this.containerType !== JSONB_OBJECT) return this.i;
    const n = payloadSize(this.doc!, this.i);
    return this.i + n + payloadSz;
  }

  /** Appends the current node's step (`[N]` or `.label`) to the path. */
  private appendStep(): void {
    const out = this.path;
    if (this.containerType === JSONB_ARRAY) {
      out.ascii(`[${this.parents[this.parents.length - 1]!.key}]`);
      return;
    }
    const doc = this.doc!;
    const n = payloadSize(doc, this.i);
    const k = this.i + n;
    const sz = payloadSz;
    const a = doc.blob;
    let quote = sz === 0 || !((a[k]! | 0x20) >= 0x61 && (a[k]! | 0x20) <= 0x7a);
    for (let m = 0; !quote && m < sz; m++) if (!isAlnum(a[k + m])) quote = true;
    out.byte(0x2e);
    if (quote) out.byte(0x22);
    out.bytes(a, k, k + sz);
    if (quote) out.byte(0x22);
  }

  next(): void {
    const doc = this.doc!;
    if (this.recursive) {
      let levelChange = false;
      const i = this.valueAt();
      const type = doc.blob[i]! & 0x0f;
      const n = payloadSize(doc, i);
      const sz = payloadSz;
      if (type === JSONB_OBJECT || type === JSONB_ARRAY) {
        levelChange = true;
        const parent: Parent = { head: this.i, value: i, end: i + n + sz, key: -1, pathLength: this.path.n };
        if (this.containerType !== 0 && this.parents.length > 0) this.appendStep();
        this.parents.push(parent);
        this.i = i + n;
      } else {
        this.i = i + n + sz;
      }
      while (this.parents.length > 0 && this.i >= this.parents[this.parents.length - 1]!.end) {
        const done = this.parents.pop()!;
        this.path.n = done.pathLength;
        levelChange = true;
      }
      if (levelChange) {
        const top = this.parents[this.parents.length - 1];
        this.containerType = top ? doc.blob[top.value]! & 0x0f : 0;
      }
    } else {
      const i = this.valueAt();
      const n = payloadSize(doc, i);
      this.i = i + n + payloadSz;
    }
    if (this.containerType === JSONB_ARRAY && this.parents.length > 0) this.parents[this.parents.length - 1]!.key++;
    this.rowid++;
  }

  /** Length of the path column: for json_tree's first row, the path of the root's container. */
  private pathLength(): number {
    let n = this.path.n;
    const z = this.path.buf;
    if (this.rowid === 0 && this.recursive && n >= 2) {
      const doc = this.doc!;
      while (n > 1) {
        n--;
        if (z[n] === 0x5b || z[n] === 0x2e) {
          const prefix = new Uint8Array(n + 8);
          prefix.set(z.subarray(0, n));
          doc.editMode = 0;
          doc.delta = 0;
          doc.depth = 0;
          const x = lookup(doc, 0, prefix, 1, 0);
          if (x < 0) continue;
          if (x + payloadSize(doc, x) === this.i) break;
        }
      }
    }
    return n;
  }

  column(column: number, result: Result): void {
    const doc = this.doc!;
    switch (column) {
      case KEY: {
        if (this.parents.length === 0) {
          if (this.rootLength === 1) return result.null();
          const j = this.pathLength();
          const n = this.rootLength - j;
          const z = this.path.buf;
          if (n === 0) return result.null();
          if (z[j] === 0x5b) {
            let v = 0;
            for (let k = j + 1; k < j + n && z[k]! >= 0x30 && z[k]! <= 0x39; k++) v = v * 10 + z[k]! - 0x30;
            return result.int(v);
          }
          if (z[j + 1] === 0x22) return result.text(decodeUtf8(z, j + 2, j + n - 1));
          return result.text(decodeUtf8(z, j + 1, j + n));
        }
        if (this.containerType === JSONB_OBJECT) return nodeResult(doc, this.i, result, AS_TEXT);
        return result.int(this.parents[this.parents.length - 1]!.key);
      }
      case VALUE: {
        const i = this.valueAt();
        nodeResult(doc, i, result, this.blob ? AS_JSONB : AS_TEXT);
        if ((doc.blob[i]! & 0x0f) >= JSONB_ARRAY && !this.blob) result.subtype?.(JSON_SUBTYPE);
        return;
      }
      case TYPE:
        return result.text(JSONB_TYPE_NAMES[doc.blob[this.valueAt()]! & 0x0f]!);
      case ATOM: {
        const i = this.valueAt();
        if ((doc.blob[i]! & 0x0f) < JSONB_ARRAY) return nodeResult(doc, i, result, AS_TEXT);
        return result.null();
      }
      case ID:
        return result.int(this.i);
      case PARENT:
        if (this.parents.length > 0 && this.recursive) return result.int(this.parents[this.parents.length - 1]!.head);
        return result.null();
      case FULLKEY: {
        const base = this.path.n;
        if (this.parents.length > 0) this.appendStep();
        const text = decodeUtf8(this.path.buf, 0, this.path.n);
        this.path.n = base;
        return result.text(text);
      }
      case PATH:
        return result.text(decodeUtf8(this.path.buf, 0, this.pathLength()));
      case JSON_COLUMN:
        if (this.input instanceof Uint8Array) return result.blob(this.input);
        return this.input === null ? result.null() : result.text(this.input);
      default:
        return result.text(decodeUtf8(this.path.buf, 0, this.rootLength));
    }
  }
}
