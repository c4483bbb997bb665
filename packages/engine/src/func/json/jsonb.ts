/**
 * JSONB, SQLite's binary JSON (sqlite.org/jsonb.html), and the growable buffer every JSON function
 * works in.
 *
 * A node is a header and a payload. The header's first byte holds the node type in its low four bits
 * and the payload size in its high four: 0–11 is the size itself; 12, 13, 14 and 15 say that it
 * follows in 1, 2, 4 or 8 big-endian bytes. Scalars keep their JSON text as payload (numbers and
 * strings exactly as written, so that rendering them again is a copy); arrays hold their elements and
 * objects alternate labels and values.
 *
 * Invariants, as SQLite keeps them so that blobs are byte-identical with its own: a node built here
 * gets the smallest header that holds its size, and a container whose size changes through an edit
 * gets its header resized to the smallest again. Only `edit` may leave a larger header than needed,
 * on purpose: when replacing a node by one up to 8 bytes smaller, SQLite widens the new node's header
 * rather than move the bytes after it, and so does this.
 */

export const JSONB_NULL = 0;
export const JSONB_TRUE = 1;
export const JSONB_FALSE = 2;
/** An integer as JSON and SQL both write it. */
export const JSONB_INT = 3;
/** An integer in JSON5 hexadecimal form. */
export const JSONB_INT5 = 4;
/** A real as JSON and SQL both write it. */
export const JSONB_FLOAT = 5;
/** A real with JSON5 liberties (a leading or trailing point). */
export const JSONB_FLOAT5 = 6;
/** Text with no escapes needed. */
export const JSONB_TEXT = 7;
/** Text with JSON escapes. */
export const JSONB_TEXTJ = 8;
/** Text with JSON5 escapes. */
export const JSONB_TEXT5 = 9;
/** Raw SQL text, to be escaped when rendered. */
export const JSONB_TEXTRAW = 10;
export const JSONB_ARRAY = 11;
export const JSONB_OBJECT = 12;

/** json_type()'s name of each node type. */
export const JSONB_TYPE_NAMES = [
  'null', 'true', 'false', 'integer', 'integer', 'real', 'real', 'text', 'text', 'text', 'text', 'array', 'object', '', '', '',
];

/** The deepest nesting SQLite accepts. */
export const MAX_DEPTH = 1000;

/** Payload size found by the last `payloadSize` call. */
export let payloadSz = 0;

/** A JSONB value under construction, search or edit. */
export class Jsonb {
  blob: Uint8Array;
  /** Bytes of `blob` in use. */
  n = 0;
  /** Change in size made by the current edit, which enclosing containers must absorb. */
  delta = 0;
  /** Whether the text parsed used JSON5 features. */
  hasNonstd = false;
  /** Byte offset in the parsed text of the first error. */
  errorAt = 0;
  depth = 0;
  /** Edit to apply where a path search lands (EDIT_*), or 0 to only search. */
  editMode = 0;
  /** The node to insert or write by the edit. */
  ins: Uint8Array = EMPTY;
  /** Where the search landed on an object member: the offset of its label; else 0. */
  label = 0;

  constructor(capacity = 64) {
    this.blob = new Uint8Array(capacity);
  }

  /** A Jsonb over a copy of `bytes`, editable. */
  static of(bytes: Uint8Array, start = 0, end = bytes.length): Jsonb {
    const j = new Jsonb(end - start + 64);
    j.blob.set(bytes.subarray(start, end));
    j.n = end - start;
    return j;
  }

  /** The bytes in use. */
  bytes(): Uint8Array {
    return this.blob.subarray(0, this.n);
  }

  /** Makes room for `extra` more bytes. */
  reserve(extra: number): void {
    const need = this.n + extra;
    if (need <= this.blob.length) return;
    const grown = new Uint8Array(Math.max(need + 100, this.blob.length * 2));
    grown.set(this.blob.subarray(0, this.n));
    this.blob = grown;
  }

  appendByte(b: number): void {
    if (this.n >= this.blob.length) this.reserve(1);
    this.blob[this.n++] = b;
  }

  /**
   * Appends a node header for `type` with a payload of `size` bytes, then the payload
   * `src[start .. start+size)` when `src` is given (else the caller writes it, or patches the size).
   */
  appendNode(type: number, size: number, src: Uint8Array | null = null, start = 0): void {
    this.reserve(src === null ? 9 : size + 9);
    const a = this.blob;
    let k = this.n;
    if (size <= 11) {
      a[k++] = type | (size << 4);
    } else if (size <= 0xff) {
      a[k++] = type | 0xc0;
      a[k++] = size;
    } else if (size <= 0xffff) {
      a[k++] = type | 0xd0;
      a[k++] = size >>> 8;
      a[k++] = size & 0xff;
    } else {
      a[k++] = type | 0xe0;
      a[k++] = size >>> 24;
      a[k++] = (size >>> 16) & 0xff;
      a[k++] = (size >>> 8) & 0xff;
      a[k++] = size & 0xff;
    }
    if (src !== null) {
      if (size < 32) {
        for (let m = 0; m < size; m++) a[k + m] = src[start + m]!;
      } else {
        a.set(src.subarray(start, start + size), k);
      }
      k += size;
    }
    this.n = k;
  }

  /** Appends a whole encoded node (or several). */
  appendBytes(src: Uint8Array): void {
    this.reserve(src.length);
    this.blob.set(src, this.n);
    this.n += src.length;
  }

  /**
   * Sets the payload size of the node at `i` to `size`, resizing its header to the smallest that
   * holds it (moving what follows). Returns the change in the blob's length.
   */
  changePayloadSize(i: number, size: number): number {
    const a0 = this.blob[i]! >> 4;
    const extra = a0 <= 11 ? 0 : a0 === 12 ? 1 : a0 === 13 ? 2 : a0 === 14 ? 4 : 8;
    const needed = size <= 11 ? 0 : size <= 0xff ? 1 : size <= 0xffff ? 2 : 4;
    const d = needed - extra;
    if (d !== 0) {
      if (d > 0) this.reserve(d);
      this.blob.copyWithin(i + 1 + needed, i + 1 + extra, this.n);
      this.n += d;
    }
    const a = this.blob;
    const type = a[i]! & 0x0f;
    if (needed === 0) a[i] = type | (size << 4);
    else if (needed === 1) {
      a[i] = type | 0xc0;
      a[i + 1] = size;
    } else if (needed === 2) {
      a[i] = type | 0xd0;
      a[i + 1] = size >>> 8;
      a[i + 2] = size & 0xff;
    } else {
      a[i] = type | 0xe0;
      a[i + 1] = size >>> 24;
      a[i + 2] = (size >>> 16) & 0xff;
      a[i + 3] = (size >>> 8) & 0xff;
      a[i + 4] = size & 0xff;
    }
    return d;
  }

  /**
   * Replaces `nDel` bytes at `at` by `ins` (or by `nIns` bytes of room when `ins` is null), adding
   * the change in length to `delta`.
   */
  edit(at: number, nDel: number, ins: Uint8Array | null, nIns = ins ? ins.length : 0): void {
    const d = nIns - nDel;
    if (d < 0 && d >= -8 && ins !== null && overwriteWider(this.blob, at, ins, -d)) return;
    if (d !== 0) {
      if (d > 0) this.reserve(d);
      this.blob.copyWithin(at + nIns, at + nDel, this.n);
      this.n += d;
      this.delta += d;
    }
    if (ins !== null && nIns > 0) this.blob.set(ins, at);
  }

  /** Grows or shrinks the payload size of the container at `root` by `delta`, then folds the header change into `delta`. */
  afterEditSizeAdjust(root: number): void {
    const n = this.n;
    this.n = this.blob.length;
    payloadSize(this, root);
    this.n = n;
    this.delta += this.changePayloadSize(root, payloadSz + this.delta);
  }
}

const EMPTY = new Uint8Array(0);

/** Header sizes a widened header can take, by how many bytes it grows, indexed by new header size. */
const WIDE_HEADER = [0, 0, 0xc0, 0xd0, 0, 0xe0, 0, 0, 0, 0xf0];

/**
 * Writes node `ins` at `out[at]` with its header widened by `grow` bytes, so that it fills exactly
 * the space of a node `grow` bytes larger; false when no header size fits.
 */
function overwriteWider(out: Uint8Array, at: number, ins: Uint8Array, grow: number): boolean {
  if ((ins[0]! & 0x0f) <= JSONB_FALSE) return false;
  const size = ins[0]! >> 4;
  let header: number;
  let oldHeader: number;
  if (size <= 11) {
    if (grow !== 1 && grow !== 2 && grow !== 4 && grow !== 8) return false;
    header = grow + 1;
    oldHeader = 1;
  } else if (size === 12) {
    if (grow !== 1 && grow !== 3 && grow !== 7) return false;
    header = grow + 2;
    oldHeader = 2;
  } else if (size === 13) {
    if (grow !== 2 && grow !== 6) return false;
    header = grow + 3;
    oldHeader = 3;
  } else if (size === 14) {
    if (grow !== 4) return false;
    header = 9;
    oldHeader = 5;
  } else {
    return false;
  }
  out[at] = (ins[0]! & 0x0f) | WIDE_HEADER[header]!;
  out.set(ins.subarray(oldHeader), at + header);
  let payload = ins.length - oldHeader;
  for (let k = header - 1; k >= 1; k--) {
    out[at + k] = payload & 0xff;
    payload = Math.floor(payload / 256);
  }
  return true;
}

/**
 * The header size of the node at `i` (0 when the blob is too short for it), leaving its payload size
 * in `payloadSz`.
 */
export function payloadSize(j: Jsonb, i: number): number {
  const a = j.blob;
  const nBlob = j.n;
  let sz: number;
  let n: number;
  if (i >= nBlob) {
    payloadSz = 0;
    return 0;
  }
  const x = a[i]! >> 4;
  if (x <= 11) {
    sz = x;
    n = 1;
  } else if (x === 12) {
    if (i + 1 >= nBlob) return fail();
    sz = a[i + 1]!;
    n = 2;
  } else if (x === 13) {
    if (i + 2 >= nBlob) return fail();
    sz = (a[i + 1]! << 8) + a[i + 2]!;
    n = 3;
  } else if (x === 14) {
    if (i + 4 >= nBlob) return fail();
    sz = a[i + 1]! * 0x1000000 + (a[i + 2]! << 16) + (a[i + 3]! << 8) + a[i + 4]!;
    n = 5;
  } else {
    if (i + 8 >= nBlob || a[i + 1] !== 0 || a[i + 2] !== 0 || a[i + 3] !== 0 || a[i + 4] !== 0) return fail();
    sz = a[i + 5]! * 0x1000000 + (a[i + 6]! << 16) + (a[i + 7]! << 8) + a[i + 8]!;
    n = 9;
  }
  if (i + sz + n > nBlob && i + sz + n > nBlob - j.delta) return fail();
  payloadSz = sz;
  return n;
}

function fail(): number {
  payloadSz = 0;
  return 0;
}

/** The number of elements of the array at `root`. */
export function arrayCount(j: Jsonb, root: number): number {
  let n = payloadSize(j, root);
  const end = root + n + payloadSz;
  let k = 0;
  for (let i = root + n; n > 0 && i < end; i += payloadSz + n, k++) n = payloadSize(j, i);
  return k;
}

/** Whether byte `c` is an ASCII digit. */
export function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/** Whether byte `c` is an ASCII hex digit. */
export function isXDigit(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66));
}

/** Whether byte `c` is an ASCII letter or digit. */
export function isAlnum(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a));
}

export function hexValue(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}

/**
 * Bytes that may appear in a JSON string as they are: everything but control characters, `"`, `\`
 * and (special in JSON5) `'`.
 */
export const JSON_IS_OK = new Uint8Array(256);
for (let c = 0x20; c < 256; c++) JSON_IS_OK[c] = c === 0x22 || c === 0x27 || c === 0x5c ? 0 : 1;

/** A code point that an escape could not give. */
export const INVALID_CHAR = 0x99999;

/** Code point of the escape at z[i] (a backslash), left in `escapeChar`; returns the escape's length. */
export let escapeChar = 0;

export function unescapeOne(z: Uint8Array, i: number, end: number): number {
  const n = end - i;
  if (n < 2) {
    escapeChar = INVALID_CHAR;
    return n;
  }
  const c = z[i + 1]!;
  switch (c) {
    case 0x75: {
      // \uXXXX, and a surrogate pair of two of them
      if (n < 6) {
        escapeChar = INVALID_CHAR;
        return n;
      }
      const v = hex4(z, i + 2);
      if ((v & 0xfc00) === 0xd800 && n >= 12 && z[i + 6] === 0x5c && z[i + 7] === 0x75) {
        const lo = hex4(z, i + 8);
        if ((lo & 0xfc00) === 0xdc00) {
          escapeChar = ((v & 0x3ff) << 10) + (lo & 0x3ff) + 0x10000;
          return 12;
        }
      }
      escapeChar = v;
      return 6;
    }
    case 0x62:
      escapeChar = 8;
      return 2;
    case 0x66:
      escapeChar = 12;
      return 2;
    case 0x6e:
      escapeChar = 10;
      return 2;
    case 0x72:
      escapeChar = 13;
      return 2;
    case 0x74:
      escapeChar = 9;
      return 2;
    case 0x76:
      escapeChar = 11;
      return 2;
    case 0x30:
      escapeChar = n > 2 && isDigit(z[i + 2]) ? INVALID_CHAR : 0;
      return 2;
    case 0x27:
    case 0x22:
    case 0x2f:
    case 0x5c:
      escapeChar = c;
      return 2;
    case 0x78:
      if (n < 4) {
        escapeChar = INVALID_CHAR;
        return n;
      }
      escapeChar = (hexValue(z[i + 2]!) << 4) | hexValue(z[i + 3]!);
      return 4;
    case 0xe2:
    case 0x0d:
    case 0x0a: {
      const skip = bytesToBypass(z, i, end);
      if (skip === 0) {
        escapeChar = INVALID_CHAR;
        return n;
      }
      if (i + skip >= end) {
        escapeChar = 0;
        return skip;
      }
      const rest = z[i + skip] === 0x5c ? unescapeOne(z, i + skip, end) : utf8Read(z, i + skip, end);
      return skip + rest;
    }
    default:
      escapeChar = INVALID_CHAR;
      return 2;
  }
}

/** The number of bytes of escaped line breaks (ignored in JSON5 strings) at z[i]. */
function bytesToBypass(z: Uint8Array, i0: number, end: number): number {
  let i = i0;
  while (i + 1 < end) {
    if (z[i] !== 0x5c) return i - i0;
    const c = z[i + 1];
    if (c === 0x0a) {
      i += 2;
      continue;
    }
    if (c === 0x0d) {
      i += i + 2 < end && z[i + 2] === 0x0a ? 3 : 2;
      continue;
    }
    if (c === 0xe2 && i + 3 < end && z[i + 2] === 0x80 && (z[i + 3] === 0xa8 || z[i + 3] === 0xa9)) {
      i += 4;
      continue;
    }
    break;
  }
  return i - i0;
}

function hex4(z: Uint8Array, i: number): number {
  return (hexValue(z[i]!) << 12) | (hexValue(z[i + 1]!) << 8) | (hexValue(z[i + 2]!) << 4) | hexValue(z[i + 3]!);
}

/** Reads one UTF-8 character at z[i] into `escapeChar`; returns its length in bytes. */
export function utf8Read(z: Uint8Array, i: number, end: number): number {
  const c = z[i]!;
  if (c < 0xc0) {
    escapeChar = c;
    return 1;
  }
  let len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
  let v = c & (len === 4 ? 0x07 : len === 3 ? 0x0f : 0x1f);
  let k = 1;
  for (; k < len && i + k < end && (z[i + k]! & 0xc0) === 0x80; k++) v = (v << 6) | (z[i + k]! & 0x3f);
  len = k;
  escapeChar = v;
  return len;
}

/**
 * Whether two object labels are equal: `a[as .. as+an)` and `b[bs .. bs+bn)`, each raw (no escapes)
 * or with JSON escapes to decode.
 */
export function labelsEqual(a: Uint8Array, as: number, an: number, aRaw: boolean, b: Uint8Array, bs: number, bn: number, bRaw: boolean): boolean {
  if (aRaw && bRaw) {
    if (an !== bn) return false;
    for (let k = 0; k < an; k++) if (a[as + k] !== b[bs + k]) return false;
    return true;
  }
  let i = as;
  const ie = as + an;
  let j = bs;
  const je = bs + bn;
  for (;;) {
    let ca: number;
    if (i >= ie) ca = -1;
    else if (aRaw || a[i] !== 0x5c) {
      i += utf8Read(a, i, ie);
      ca = escapeChar;
    } else {
      i += unescapeOne(a, i, ie);
      ca = escapeChar;
    }
    let cb: number;
    if (j >= je) cb = -1;
    else if (bRaw || b[j] !== 0x5c) {
      j += utf8Read(b, j, je);
      cb = escapeChar;
    } else {
      j += unescapeOne(b, j, je);
      cb = escapeChar;
    }
    if (ca !== cb) return false;
    if (ca === -1) return true;
  }
}
