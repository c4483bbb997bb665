/**
 * JSON paths (`$`, `.label`, `."quoted label"`, `[N]`, `[#]`, `[#-N]`) searched in a JSONB value,
 * with the edit that json_remove/replace/insert/set/array_insert make where the search lands.
 *
 * `lookup` walks the blob from a node along the path (UTF-8 bytes ending with a 0 byte) and returns
 * the offset of the node found, or a negative LOOKUP_* code. With an edit mode set on the Jsonb it
 * changes the blob in place: it deletes or overwrites the node found, or builds the missing tail of
 * the path (objects for labels, arrays for indexes) and inserts it, and then every container on the
 * way back up absorbs the change of size in its header (`Jsonb.afterEditSizeAdjust`).
 */
import {
  JSONB_ARRAY,
  JSONB_OBJECT,
  JSONB_TEXT,
  JSONB_TEXT5,
  JSONB_TEXTRAW,
  Jsonb,
  MAX_DEPTH,
  arrayCount,
  isDigit,
  labelsEqual,
  payloadSize,
  payloadSz,
} from './jsonb.js';

export const LOOKUP_ERROR = -1;
export const LOOKUP_NOTFOUND = -2;
export const LOOKUP_NOTARRAY = -3;
export const LOOKUP_TOODEEP = -4;
export const LOOKUP_PATHERROR = -5;

export const EDIT_DEL = 1;
export const EDIT_REPL = 2;
export const EDIT_INS = 3;
export const EDIT_SET = 4;
export const EDIT_AINS = 5;

const EMPTY_ARRAY = new Uint8Array([JSONB_ARRAY]);
const EMPTY_OBJECT = new Uint8Array([JSONB_OBJECT]);

/** The message of a failed path search (or of a path not starting with `$`, code PATHERROR). */
export function pathErrorMessage(path: string, code: number): string {
  if (code === LOOKUP_NOTARRAY) return `not an array element: ${sqlQuote(path)}`;
  if (code === LOOKUP_ERROR) return 'malformed JSON';
  if (code === LOOKUP_TOODEEP) return 'JSON path too deep';
  return `bad JSON path: ${sqlQuote(path)}`;
}

function sqlQuote(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Builds the value to insert for the path tail at `path[p]`: the edit's node, wrapped in the containers the tail names. */
function editSubstructure(j: Jsonb, path: Uint8Array, p: number): Uint8Array | number {
  if (path[p] === 0) return j.ins;
  const sub = Jsonb.of(path[p] === 0x2e ? EMPTY_OBJECT : EMPTY_ARRAY);
  sub.editMode = j.editMode;
  sub.ins = j.ins;
  sub.depth = j.depth + 1;
  if (sub.depth >= MAX_DEPTH) return LOOKUP_TOODEEP;
  const rc = lookup(sub, 0, path, p, 0);
  j.depth--;
  return rc < 0 ? rc : sub.bytes();
}

/** Searches (and edits) `j` from the node at `root` along `path[p…]`; `label` is root's label offset when root is an object member. */
export function lookup(j: Jsonb, root: number, path: Uint8Array, p: number, label: number): number {
  const c = path[p];
  if (c === 0) {
    if (j.editMode !== 0) {
      let at = root;
      const n = payloadSize(j, root);
      let sz = payloadSz + n;
      switch (j.editMode) {
        case EDIT_DEL:
          if (label > 0) {
            sz += root - label;
            at = label;
          }
          j.edit(at, sz, null, 0);
          break;
        case EDIT_INS:
          break;
        case EDIT_AINS:
          if (path[p - 1] !== 0x5d) return LOOKUP_NOTARRAY;
          j.edit(root, 0, j.ins);
          break;
        default:
          j.edit(root, sz, j.ins);
      }
    }
    j.label = label;
    return root;
  }
  if (c === 0x2e) return member(j, root, path, p + 1);
  if (c === 0x5b) return element(j, root, path, p);
  return LOOKUP_PATHERROR;
}

function member(j: Jsonb, root: number, path: Uint8Array, p: number): number {
  let keyStart: number;
  let keyLength: number;
  let next: number;
  let rawKey = true;
  if (path[p] === 0x22) {
    keyStart = p + 1;
    let i = 1;
    for (; path[p + i] !== 0 && path[p + i] !== 0x22; i++) if (path[p + i] === 0x5c && path[p + i + 1] !== 0) i++;
    keyLength = i - 1;
    if (path[p + i] === 0) return LOOKUP_PATHERROR;
    next = p + i + 1;
    for (let k = keyStart; k < keyStart + keyLength; k++) if (path[k] === 0x5c) rawKey = false;
  } else {
    keyStart = p;
    let i = 0;
    for (; path[p + i] !== 0 && path[p + i] !== 0x2e && path[p + i] !== 0x5b; i++);
    keyLength = i;
    if (keyLength === 0) return LOOKUP_PATHERROR;
    next = p + i;
  }
  const a = j.blob;
  if ((a[root]! & 0x0f) !== JSONB_OBJECT) return LOOKUP_NOTFOUND;
  let n = payloadSize(j, root);
  let k = root + n;
  const end = k + payloadSz;
  while (k < end) {
    const x = j.blob[k]! & 0x0f;
    if (x < JSONB_TEXT || x > JSONB_TEXTRAW) return LOOKUP_ERROR;
    n = payloadSize(j, k);
    if (n === 0) return LOOKUP_ERROR;
    const text = k + n;
    const size = payloadSz;
    if (text + size >= end) return LOOKUP_ERROR;
    const rawLabel = x === JSONB_TEXT || x === JSONB_TEXTRAW;
    if (labelsEqual(path, keyStart, keyLength, rawKey, j.blob, text, size, rawLabel)) {
      const v = text + size;
      if ((j.blob[v]! & 0x0f) > JSONB_OBJECT) return LOOKUP_ERROR;
      n = payloadSize(j, v);
      if (n === 0 || v + n + payloadSz > end) return LOOKUP_ERROR;
      if (++j.depth >= MAX_DEPTH) return LOOKUP_TOODEEP;
      const rc = lookup(j, v, path, next, k);
      j.depth--;
      if (j.delta !== 0) j.afterEditSizeAdjust(root);
      return rc;
    }
    k = text + size;
    if ((j.blob[k]! & 0x0f) > JSONB_OBJECT) return LOOKUP_ERROR;
    n = payloadSize(j, k);
    if (n === 0) return LOOKUP_ERROR;
    k += n + payloadSz;
  }
  if (k > end) return LOOKUP_ERROR;
  if (j.editMode >= EDIT_INS) {
    if (j.editMode === EDIT_AINS && !endsWithBracket(path, next)) return LOOKUP_NOTARRAY;
    const sub = editSubstructure(j, path, next);
    if (typeof sub === 'number') return sub;
    const headerLength = keyLength <= 11 ? 1 : keyLength <= 0xff ? 2 : keyLength <= 0xffff ? 3 : 5;
    j.edit(k, 0, null, headerLength + keyLength + sub.length);
    // The label node: its header written in place (appendNode's layout), then the key's bytes.
    const n0 = j.n;
    j.n = k;
    j.appendNode(rawKey ? JSONB_TEXTRAW : JSONB_TEXT5, keyLength, path, keyStart);
    j.n = n0;
    j.blob.set(sub, k + headerLength + keyLength);
    if (j.delta !== 0) j.afterEditSizeAdjust(root);
    return 0;
  }
  return LOOKUP_NOTFOUND;
}

function endsWithBracket(path: Uint8Array, p: number): boolean {
  let e = p;
  while (path[e] !== 0) e++;
  return e > p && path[e - 1] === 0x5d;
}

function element(j: Jsonb, root: number, path: Uint8Array, p: number): number {
  if ((j.blob[root]! & 0x0f) !== JSONB_ARRAY) return LOOKUP_NOTFOUND;
  const n = payloadSize(j, root);
  const size = payloadSz;
  let kk = 0;
  let i = 1;
  while (isDigit(path[p + i])) {
    if (kk < 0xffffffff) kk = kk * 10 + path[p + i]! - 0x30;
    i++;
  }
  if (i < 2 || path[p + i] !== 0x5d) {
    if (path[p + 1] !== 0x23) return LOOKUP_PATHERROR;
    kk = arrayCount(j, root);
    i = 2;
    if (path[p + 2] === 0x2d && isDigit(path[p + 3])) {
      let nn = 0;
      i = 3;
      do {
        if (nn < 0xffffffff) nn = nn * 10 + path[p + i]! - 0x30;
        i++;
      } while (isDigit(path[p + i]));
      if (nn > kk) return LOOKUP_NOTFOUND;
      kk -= nn;
    }
    if (path[p + i] !== 0x5d) return LOOKUP_PATHERROR;
  }
  let k = root + n;
  const end = k + size;
  while (k < end) {
    if (kk === 0) {
      if (++j.depth >= MAX_DEPTH) return LOOKUP_TOODEEP;
      const rc = lookup(j, k, path, p + i + 1, 0);
      j.depth--;
      if (j.delta !== 0) j.afterEditSizeAdjust(root);
      return rc;
    }
    kk--;
    const m = payloadSize(j, k);
    if (m === 0) return LOOKUP_ERROR;
    k += m + payloadSz;
  }
  if (k > end) return LOOKUP_ERROR;
  if (kk > 0) return LOOKUP_NOTFOUND;
  if (j.editMode >= EDIT_INS) {
    const sub = editSubstructure(j, path, p + i + 1);
    if (typeof sub === 'number') return sub;
    j.edit(k, 0, sub);
    if (j.delta !== 0) j.afterEditSizeAdjust(root);
    return 0;
  }
  return LOOKUP_NOTFOUND;
}
