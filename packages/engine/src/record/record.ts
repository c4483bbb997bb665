/**
 * The record format (sqlite.org/fileformat2.html §2.1): the byte layout of a table row or an index
 * key. A record is a header followed by a body. The header is a varint giving the header's own size in
 * bytes (itself included), then one serial-type varint per column; the body is the columns' contents,
 * in order, each as long as its serial type says:
 *
 *   0      NULL                          7      IEEE 754 double, big-endian (8 bytes)
 *   1..6   big-endian two's-complement   8, 9   the integers 0 and 1 (no body)
 *          integer of 1, 2, 3, 4, 6, 8   10, 11 reserved: corruption if seen
 *          bytes                         N>=12  even: BLOB of (N-12)/2 bytes;
 *                                               odd: TEXT of (N-13)/2 bytes
 *
 * `RecordWriter` builds records choosing the smallest serial type for each integer (schema format 4).
 * `RecordReader` parses only the header up front and decodes a column when asked. A header is
 * accepted only if its serial types exactly account for the payload, as SQLite requires; after
 * `init` succeeds, every column's body therefore lies inside the record, and no accessor can read
 * outside it.
 */
import { assert } from '../common/assert.js';
import { corrupt } from '../common/errors.js';
import { type Int64, int64FromWords, int64Hi, int64Lo, normalizeInt64, splitInt64 } from './int64.js';
import {
  type SqlValue,
  ValueType,
  decodeUtf8,
  encodeUtf8,
  encodeUtf8Into,
  isIntegerNumber,
} from './value.js';
import { getVarint32, putVarint, varintLength, varintSize } from './varint.js';

/** Body sizes of serial types 0 to 11 (10 and 11 are reserved and never reach a lookup). */
const FIXED_SIZE = new Uint8Array([0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0]);

/** Largest serial type a reader accepts (`getVarint32`'s bound), hence the longest TEXT or BLOB. */
const MAX_SERIAL_TYPE = 0x7fffffff;

/** Largest header size SQLite accepts: 32767 columns of 3-byte serial types, and a size varint. */
const MAX_HEADER_SIZE = 98307;

/** Body size in bytes of a valid serial type. */
export function serialTypeSize(t: number): number {
  return t >= 12 ? (t - 12) >>> 1 : FIXED_SIZE[t];
}

/**
 * The smallest serial type that holds the integer `v`, which must be in Int64 form (a bigint only
 * outside the safe range). Schema format 4: 0 and 1 take no body.
 */
export function intSerialType(v: Int64): number {
  if (typeof v === 'bigint') return 6; // only outside ±(2^53-1), see int64.ts
  if (v === 0) return 8;
  if (v === 1) return 9;
  const u = v < 0 ? -1 - v : v;
  if (u <= 0x7f) return 1;
  if (u <= 0x7fff) return 2;
  if (u <= 0x7fffff) return 3;
  if (u <= 0x7fffffff) return 4;
  if (u <= 0x7fffffffffff) return 5;
  return 6;
}

// A REAL body is copied through this scratch double, byte-reversed when the platform is little-endian.
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reads the big-endian double at `buf[p]`. */
export function readReal(buf: Uint8Array, p: number): number {
  if (LITTLE_ENDIAN) {
    for (let i = 0; i < 8; i++) f64Bytes[i] = buf[p + 7 - i];
  } else {
    for (let i = 0; i < 8; i++) f64Bytes[i] = buf[p + i];
  }
  return f64[0];
}

function writeReal(buf: Uint8Array, p: number, v: number): void {
  f64[0] = v;
  if (LITTLE_ENDIAN) {
    for (let i = 0; i < 8; i++) buf[p + i] = f64Bytes[7 - i];
  } else {
    for (let i = 0; i < 8; i++) buf[p + i] = f64Bytes[i];
  }
}

/** Reads the integer body at `buf[p]` of serial type `t`, which must be 1 to 6, 8 or 9. */
export function readInt(buf: Uint8Array, p: number, t: number): Int64 {
  switch (t) {
    case 1:
      return (buf[p] << 24) >> 24;
    case 2:
      return ((buf[p] << 24) | (buf[p + 1] << 16)) >> 16;
    case 3:
      return ((buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8)) >> 8;
    case 4:
      return (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3];
    case 5: // 48 bits: always a safe integer
      return (
        (((buf[p] << 24) | (buf[p + 1] << 16)) >> 16) * 4294967296 +
        (((buf[p + 2] << 24) | (buf[p + 3] << 16) | (buf[p + 4] << 8) | buf[p + 5]) >>> 0)
      );
    case 6:
      return int64FromWords(
        (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3],
        (buf[p + 4] << 24) | (buf[p + 5] << 16) | (buf[p + 6] << 8) | buf[p + 7],
      );
    case 8:
      return 0;
    default:
      assert(t === 9, 'readInt on a non-integer serial type');
      return 1;
  }
}

/** The storage class serial type `t` denotes (`RecordReader.type` also reads a NaN REAL as NULL). */
function serialValueType(t: number): ValueType {
  if (t >= 12) return t & 1 ? ValueType.Text : ValueType.Blob;
  if (t === 0) return ValueType.Null;
  return t === 7 ? ValueType.Real : ValueType.Integer;
}

const INITIAL_FIELDS = 16;

/** `larger` after copying `a` into its start. */
function widen<T extends Int32Array | Float64Array | Uint8Array>(a: T, larger: T): T {
  larger.set(a);
  return larger;
}

/** Text up to this many UTF-16 units is encoded into the writer's arena rather than its own array. */
const ARENA_TEXT_LIMIT = 16384;

/**
 * Builds one record at a time from pushed column values. All storage is reused across records:
 * after `reset()`, pushing values allocates nothing unless a record is larger than any before it
 * (or holds text longer than 16K units, which is encoded on its own).
 *
 * TEXT and BLOB arrays passed in are referenced, not copied, until the record is written; the
 * caller must not change them before `writeTo`/`toBytes`.
 */
export class RecordWriter {
  private n = 0;
  /** Sum of the serial-type varint sizes. */
  private typeBytes = 0;
  private bodyBytes = 0;
  private types = new Int32Array(INITIAL_FIELDS);
  /** INTEGER: the two's-complement words; REAL: unused. */
  private hi = new Int32Array(INITIAL_FIELDS);
  private lo = new Int32Array(INITIAL_FIELDS);
  private reals = new Float64Array(INITIAL_FIELDS);
  /** TEXT/BLOB, and any column pushed raw: the array holding its body and where it starts in it. */
  private refs: Uint8Array[] = [];
  private starts = new Int32Array(INITIAL_FIELDS);
  /** 1 for a column pushed by `pushRaw`, whose body is copied as it is. */
  private raw = new Uint8Array(INITIAL_FIELDS);
  /** Encoded text of the current record; a full arena is replaced, so earlier refs stay valid. */
  private arena = new Uint8Array(256);
  private arenaUsed = 0;

  /** Starts a new, empty record. */
  reset(): void {
    this.n = 0;
    this.typeBytes = 0;
    this.bodyBytes = 0;
    this.arenaUsed = 0;
  }

  /** Number of columns pushed so far. */
  get count(): number {
    return this.n;
  }

  /** Appends a column of serial type `t`; returns its index. */
  private add(t: number): number {
    const i = this.n;
    if (i === this.types.length) this.grow();
    this.types[i] = t;
    this.raw[i] = 0;
    this.typeBytes += varintSize(t);
    this.bodyBytes += serialTypeSize(t);
    this.n = i + 1;
    return i;
  }

  private grow(): void {
    const size = this.types.length * 2;
    this.types = widen(this.types, new Int32Array(size));
    this.hi = widen(this.hi, new Int32Array(size));
    this.lo = widen(this.lo, new Int32Array(size));
    this.reals = widen(this.reals, new Float64Array(size));
    this.starts = widen(this.starts, new Int32Array(size));
    this.raw = widen(this.raw, new Uint8Array(size));
  }

  /** Appends a NULL. */
  pushNull(): void {
    this.add(0);
  }

  /** Appends an INTEGER, with the smallest serial type that holds it. */
  pushInt(v: Int64): void {
    if (typeof v === 'bigint') v = normalizeInt64(v);
    const t = intSerialType(v);
    const i = this.add(t);
    if (t <= 4) {
      this.lo[i] = v as number;
    } else if (t <= 6) {
      splitInt64(v);
      this.hi[i] = int64Hi;
      this.lo[i] = int64Lo;
    }
  }

  /**
   * Appends a REAL. It keeps serial type 7 even when integral, so 1.0, -0.0 and ±Infinity read back
   * as REALs; NaN is stored as NULL, as SQLite does.
   */
  pushReal(v: number): void {
    if (v !== v) {
      this.add(0);
      return;
    }
    const i = this.add(7); // may replace this.reals
    this.reals[i] = v;
  }

  /** Appends a TEXT, given as a string or as bytes already in UTF-8. */
  pushText(v: string | Uint8Array): void {
    if (typeof v !== 'string') {
      this.pushBytes(v, 0, v.length, 13);
    } else if (v.length > ARENA_TEXT_LIMIT) {
      const bytes = encodeUtf8(v);
      this.pushBytes(bytes, 0, bytes.length, 13);
    } else {
      const need = 3 * v.length;
      if (this.arena.length - this.arenaUsed < need) {
        this.arena = new Uint8Array(Math.max(this.arena.length * 2, need));
        this.arenaUsed = 0;
      }
      const start = this.arenaUsed;
      const len = encodeUtf8Into(v, this.arena, start);
      this.arenaUsed = start + len;
      this.pushBytes(this.arena, start, len, 13);
    }
  }

  /** Appends a BLOB. */
  pushBlob(v: Uint8Array): void {
    this.pushBytes(v, 0, v.length, 12);
  }

  private pushBytes(bytes: Uint8Array, start: number, len: number, base: number): void {
    assert(len <= (MAX_SERIAL_TYPE - base) / 2, 'TEXT or BLOB too large for a record');
    const i = this.add(base + 2 * len);
    this.refs[i] = bytes;
    this.starts[i] = start;
  }

  /**
   * Appends a column of another record as it is: serial type `t`, its body at `bytes[start]` (which
   * must not change before `writeTo`).
   */
  pushRaw(t: number, bytes: Uint8Array, start: number): void {
    const i = this.add(t);
    this.raw[i] = 1;
    this.refs[i] = bytes;
    this.starts[i] = start;
  }

  /** Appends `value` as storage class `type` (so a whole-number REAL stays REAL). */
  pushTyped(type: ValueType, value: SqlValue): void {
    switch (type) {
      case ValueType.Null:
        return this.pushNull();
      case ValueType.Integer:
        return this.pushInt(value as Int64);
      case ValueType.Real:
        return this.pushReal(value as number);
      case ValueType.Text:
        return this.pushText(value as string | Uint8Array);
      default:
        return this.pushBlob(value as Uint8Array);
    }
  }

  /** Appends `v` with the storage class its JavaScript type denotes (see value.ts). */
  pushValue(v: SqlValue): void {
    switch (typeof v) {
      case 'number':
        if (isIntegerNumber(v)) this.pushInt(v);
        else this.pushReal(v);
        return;
      case 'bigint':
        this.pushInt(v);
        return;
      case 'string':
        this.pushText(v);
        return;
      default:
        if (v === null) this.pushNull();
        else this.pushBlob(v);
    }
  }

  /** Size of the header, whose leading varint counts its own length. */
  private headerSize(): number {
    let k = 1;
    while (varintSize(this.typeBytes + k) > k) k++;
    return this.typeBytes + k;
  }

  /** Total size in bytes of the record built so far. */
  size(): number {
    return this.headerSize() + this.bodyBytes;
  }

  /** Writes the record at `buf[off]`, which must have room for `size()` bytes; returns that size. */
  writeTo(buf: Uint8Array, off: number): number {
    const hdr = this.headerSize();
    assert(off >= 0 && off + hdr + this.bodyBytes <= buf.length, 'record does not fit the buffer');
    const n = this.n;
    const types = this.types;
    let p = off + putVarint(buf, off, hdr);
    for (let i = 0; i < n; i++) p += putVarint(buf, p, types[i]);
    for (let i = 0; i < n; i++) {
      const t = types[i];
      if (t >= 12 || this.raw[i] === 1) {
        const len = serialTypeSize(t);
        const src = this.refs[i];
        const s = this.starts[i];
        if (len <= 64) {
          for (let k = 0; k < len; k++) buf[p + k] = src[s + k];
        } else {
          buf.set(src.subarray(s, s + len), p);
        }
        p += len;
      } else if (t === 7) {
        writeReal(buf, p, this.reals[i]);
        p += 8;
      } else if (t >= 1 && t <= 6) {
        const size = FIXED_SIZE[t];
        let lo = this.lo[i];
        const end = p + size;
        for (let q = end - 1; q >= p && q >= end - 4; q--) {
          buf[q] = lo;
          lo >>= 8;
        }
        let hi = this.hi[i];
        for (let q = end - 5; q >= p; q--) {
          buf[q] = hi;
          hi >>= 8;
        }
        p = end;
      }
    }
    return p - off;
  }

  /** The record built so far, as a new array. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.size());
    this.writeTo(out, 0);
    return out;
  }
}

const sharedWriter = new RecordWriter();

/** Encodes `values` as one record. */
export function encodeRecord(values: readonly SqlValue[]): Uint8Array {
  sharedWriter.reset();
  for (const v of values) sharedWriter.pushValue(v);
  return sharedWriter.toBytes();
}

const EMPTY = new Uint8Array(0);

/**
 * Reads the columns of one record. `init` validates and parses the header only; each accessor decodes
 * its column on demand, straight from the record's bytes. Columns at or past `count` read as NULL,
 * which is how rows written before an ALTER TABLE ADD COLUMN present the new columns.
 *
 * A REAL whose bits are a NaN reads as NULL (SQLite never stores one, and treats one as NULL).
 * Storage is reused across `init` calls; the reader keeps a reference to the buffer, so the buffer
 * must not change while the reader is in use.
 */
export class RecordReader {
  /** Number of columns in the record. */
  count = 0;
  private buf: Uint8Array = EMPTY;
  private types = new Int32Array(INITIAL_FIELDS);
  /** Absolute offset in `buf` of each column's body. */
  private offsets = new Int32Array(INITIAL_FIELDS);

  /** Parses the header of the record `buf[off, off + len)`; throws SQLITE_CORRUPT if it is malformed. */
  init(buf: Uint8Array, off: number, len: number): void {
    assert(off >= 0 && len >= 0 && off + len <= buf.length, 'record range outside its buffer');
    assert(off + len <= 0x7fffffff, 'record offset too large');
    this.buf = buf;
    this.count = 0;
    if (len === 0) throw corrupt(`empty record at offset ${off}`);
    const end = off + len;
    const hdrSize = getVarint32(buf, off, end);
    if (hdrSize < varintLength || hdrSize > len || hdrSize > MAX_HEADER_SIZE) {
      throw corrupt(`record header size ${hdrSize} invalid for a payload of ${len} bytes`);
    }
    const hdrEnd = off + hdrSize;
    let p = off + varintLength;
    let body = hdrEnd;
    let n = 0;
    let types = this.types;
    let offsets = this.offsets;
    while (p < hdrEnd) {
      // Most serial types are one byte (every type below 128: numbers, and text or blobs up to 57 bytes).
      let t = buf[p]!;
      if (t < 0x80) {
        p++;
      } else {
        t = getVarint32(buf, p, hdrEnd);
        p += varintLength;
      }
      if (t === 10 || t === 11) throw corrupt(`reserved serial type ${t} in record at offset ${off}`);
      if (n === types.length) {
        this.grow();
        types = this.types;
        offsets = this.offsets;
      }
      types[n] = t;
      offsets[n] = body;
      n++;
      body += t >= 12 ? (t - 12) >>> 1 : FIXED_SIZE[t]!;
      if (body > end) throw corrupt(`record at offset ${off} has columns past its end`);
    }
    if (body !== end) {
      throw corrupt(`record at offset ${off} is ${len} bytes but its columns need ${body - off}`);
    }
    this.count = n;
  }

  private grow(): void {
    const size = this.types.length * 2;
    this.types = widen(this.types, new Int32Array(size));
    this.offsets = widen(this.offsets, new Int32Array(size));
  }

  /** Serial type of column `i` (0, NULL, for columns past the end). */
  serialType(i: number): number {
    return i < this.count ? this.types[i] : 0;
  }

  /** The buffer the record lies in (column bodies are at `offsetOf`). */
  get bytes(): Uint8Array {
    return this.buf;
  }

  /** Offset in the buffer of column `i`'s body. `i` must be below `count`. */
  offsetOf(i: number): number {
    return this.offsets[i];
  }

  /** Size in bytes of column `i`'s body (0 past the end). */
  sizeOf(i: number): number {
    return serialTypeSize(this.serialType(i));
  }

  /** Storage class of column `i`. */
  type(i: number): ValueType {
    const t = this.serialType(i);
    if (t === 7 && this.isNaN(i)) return ValueType.Null;
    return serialValueType(t);
  }

  /** Whether column `i` is NULL. */
  isNull(i: number): boolean {
    const t = this.serialType(i);
    return t === 0 || (t === 7 && this.isNaN(i));
  }

  private isNaN(i: number): boolean {
    const r = readReal(this.buf, this.offsets[i]);
    return r !== r;
  }

  /** Column `i`, which must be an INTEGER. */
  getInt(i: number): Int64 {
    return readInt(this.buf, this.offsets[i], this.serialType(i));
  }

  /** Column `i` as a double: a REAL as stored, an INTEGER converted (to the nearest double). */
  getReal(i: number): number {
    const t = this.serialType(i);
    if (t === 7) return readReal(this.buf, this.offsets[i]);
    return Number(this.getInt(i));
  }

  /** Column `i`, which must be an INTEGER (returned as Int64) or a REAL (returned as a number). */
  getNumber(i: number): Int64 {
    const t = this.serialType(i);
    if (t === 7) return readReal(this.buf, this.offsets[i]);
    return this.getInt(i);
  }

  /** The bytes of column `i`, which must be TEXT or BLOB, as a view into the record (no copy). */
  getTextBytes(i: number): Uint8Array {
    const t = this.serialType(i);
    assert(t >= 12, 'getTextBytes on a column that is not TEXT or BLOB');
    const o = this.offsets[i];
    return this.buf.subarray(o, o + ((t - 12) >>> 1));
  }

  /** Column `i`, which must be TEXT (or a BLOB, whose bytes are then read as UTF-8). */
  getText(i: number): string {
    const t = this.serialType(i);
    assert(t >= 12, 'getText on a column that is not TEXT or BLOB');
    const o = this.offsets[i];
    return decodeUtf8(this.buf, o, o + ((t - 12) >>> 1));
  }

  /** Column `i`, which must be BLOB (or TEXT), as a new array. */
  getBlob(i: number): Uint8Array {
    const t = this.serialType(i);
    assert(t >= 12, 'getBlob on a column that is not TEXT or BLOB');
    const o = this.offsets[i];
    return this.buf.slice(o, o + ((t - 12) >>> 1));
  }

  /** Column `i` as a `SqlValue` of its own storage class. */
  getValue(i: number): SqlValue {
    const t = this.serialType(i);
    if (t >= 12) return t & 1 ? this.getText(i) : this.getBlob(i);
    if (t === 0) return null;
    if (t === 7) {
      const r = readReal(this.buf, this.offsets[i]);
      return r !== r ? null : r;
    }
    return readInt(this.buf, this.offsets[i], t);
  }
}

const sharedReader = new RecordReader();

/** Decodes every column of the record `bytes`. */
export function decodeRecord(bytes: Uint8Array): SqlValue[] {
  sharedReader.init(bytes, 0, bytes.length);
  const values: SqlValue[] = new Array(sharedReader.count);
  for (let i = 0; i < values.length; i++) values[i] = sharedReader.getValue(i);
  return values;
}
