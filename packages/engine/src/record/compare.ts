/**
 * Ordering of index keys, exactly as SQLite orders records (sqlite.org/datatype3.html §4.1).
 *
 * Keys compare field by field; the first unequal field decides. Within a field, NULL sorts before
 * every number, numbers before TEXT, TEXT before BLOB. INTEGER and REAL values compare by their exact
 * mathematical value (JavaScript's `<` between a bigint and a number is exact, which covers values
 * near ±2^63). TEXT compares with the field's collation applied to the UTF-8 bytes; BLOB compares by
 * memcmp, a shorter prefix first. A DESC field reverses its own result. A REAL NaN, which SQLite
 * reads as NULL, sorts as NULL.
 *
 * The comparison runs on packed records directly: it walks the record header, decodes numbers into
 * locals and compares TEXT and BLOB bytes in place, so it allocates nothing (except to call a
 * custom collation, which receives views).
 */
import { assert } from '../common/assert.js';
import { corrupt } from '../common/errors.js';
import { readInt, readReal, RecordReader, serialTypeSize } from './record.js';
import { type SqlValue, encodeUtf8Into } from './value.js';
import { getVarint32, varintLength } from './varint.js';

/** Orders two UTF-8 strings: negative, zero or positive as `a` sorts before, with or after `b`. */
export type Collation = (a: Uint8Array, b: Uint8Array) => number;

/** memcmp over the common length, then the shorter first. */
function binaryRange(a: Uint8Array, ai: number, an: number, b: Uint8Array, bi: number, bn: number): number {
  const n = an < bn ? an : bn;
  for (let k = 0; k < n; k++) {
    const d = a[ai + k] - b[bi + k];
    if (d !== 0) return d;
  }
  return an - bn;
}

/**
 * SQLite's NOCASE: bytes compared after folding ASCII A-Z to a-z (other characters are compared as
 * they are). As in SQLite, a NUL byte common to both strings ends the byte comparison, and the
 * lengths then decide.
 */
function nocaseRange(a: Uint8Array, ai: number, an: number, b: Uint8Array, bi: number, bn: number): number {
  const n = an < bn ? an : bn;
  for (let k = 0; k < n; k++) {
    let x = a[ai + k];
    let y = b[bi + k];
    if (x >= 0x41 && x <= 0x5a) x += 0x20;
    if (y >= 0x41 && y <= 0x5a) y += 0x20;
    if (x !== y) return x - y;
    if (x === 0) break;
  }
  return an - bn;
}

/** SQLite's RTRIM: BINARY after dropping trailing spaces (U+0020 only) from both sides. */
function rtrimRange(a: Uint8Array, ai: number, an: number, b: Uint8Array, bi: number, bn: number): number {
  while (an > 0 && a[ai + an - 1] === 0x20) an--;
  while (bn > 0 && b[bi + bn - 1] === 0x20) bn--;
  return binaryRange(a, ai, an, b, bi, bn);
}

/** Byte order (memcmp, then the shorter first): SQLite's default collation. */
export const BINARY: Collation = (a, b) => binaryRange(a, 0, a.length, b, 0, b.length);
/** Case-insensitive for ASCII letters only, as SQLite's NOCASE. */
export const NOCASE: Collation = (a, b) => nocaseRange(a, 0, a.length, b, 0, b.length);
/** BINARY ignoring trailing spaces, as SQLite's RTRIM. */
export const RTRIM: Collation = (a, b) => rtrimRange(a, 0, a.length, b, 0, b.length);

/** Compares two byte ranges with `coll`; the built-in collations run without creating views. */
function collate(
  coll: Collation,
  a: Uint8Array,
  ai: number,
  an: number,
  b: Uint8Array,
  bi: number,
  bn: number,
): number {
  if (coll === BINARY) return binaryRange(a, ai, an, b, bi, bn);
  if (coll === NOCASE) return nocaseRange(a, ai, an, b, bi, bn);
  if (coll === RTRIM) return rtrimRange(a, ai, an, b, bi, bn);
  return coll(a.subarray(ai, ai + an), b.subarray(bi, bi + bn));
}

/** How the fields of an index key are ordered. `desc` and `collations` have `nField` entries. */
export interface KeyInfo {
  nField: number;
  /** Non-zero for a DESC field. */
  desc: Uint8Array;
  /** Collation of each field (used for TEXT only). */
  collations: Collation[];
}

/** A KeyInfo of `nField` ascending BINARY fields. */
export function keyInfoBinary(nField: number): KeyInfo {
  return { nField, desc: new Uint8Array(nField), collations: new Array<Collation>(nField).fill(BINARY) };
}

// Kinds of an unpacked field. Numbers keep their own kind for bigints, which are stored apart.
const K_NULL = 0;
const K_NUMBER = 1;
const K_BIGINT = 2;
const K_TEXT = 3;
const K_BLOB = 4;

const INITIAL_FIELDS = 8;

/**
 * A search key decoded once, to be compared with many packed records. Storage is reused: refilling
 * the key with `fromValues` or `fromRecord` allocates nothing once it has held as many fields (and,
 * for `fromValues`, as much text) as before. TEXT and BLOB fields are byte ranges: into the key's own
 * buffer for encoded strings, into the caller's arrays otherwise (which must not change meanwhile).
 */
export class UnpackedKey {
  /** Number of fields. */
  nField = 0;
  private kinds = new Uint8Array(INITIAL_FIELDS);
  /** K_NUMBER: the value (INTEGER or REAL alike). */
  private nums = new Float64Array(INITIAL_FIELDS);
  /** K_BIGINT: the value. */
  private bigs: bigint[] = [];
  /** K_TEXT, K_BLOB: the bytes, as a range of an array. */
  private refs: Uint8Array[] = [];
  private starts = new Int32Array(INITIAL_FIELDS);
  private lens = new Int32Array(INITIAL_FIELDS);
  private textBuf = new Uint8Array(64);

  private reserve(n: number): void {
    if (n <= this.kinds.length) return;
    let size = this.kinds.length;
    while (size < n) size *= 2;
    const kinds = new Uint8Array(size);
    const nums = new Float64Array(size);
    const starts = new Int32Array(size);
    const lens = new Int32Array(size);
    kinds.set(this.kinds);
    nums.set(this.nums);
    starts.set(this.starts);
    lens.set(this.lens);
    this.kinds = kinds;
    this.nums = nums;
    this.starts = starts;
    this.lens = lens;
  }

  /** Fills the key from values (storage classes as in value.ts; NaN counts as NULL). */
  fromValues(values: readonly SqlValue[]): this {
    const n = values.length;
    this.reserve(n);
    let textBytes = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v === 'string') textBytes += 3 * v.length;
    }
    if (textBytes > this.textBuf.length) this.textBuf = new Uint8Array(textBytes);
    let used = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      switch (typeof v) {
        case 'number':
          this.kinds[i] = v !== v ? K_NULL : K_NUMBER;
          this.nums[i] = v;
          break;
        case 'bigint':
          if (v >= -Number.MAX_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER) {
            this.kinds[i] = K_NUMBER;
            this.nums[i] = Number(v);
          } else {
            this.kinds[i] = K_BIGINT;
            this.bigs[i] = v;
          }
          break;
        case 'string': {
          const len = encodeUtf8Into(v, this.textBuf, used);
          this.setBytes(i, K_TEXT, this.textBuf, used, len);
          used += len;
          break;
        }
        default:
          if (v === null) this.kinds[i] = K_NULL;
          else this.setBytes(i, K_BLOB, v, 0, v.length);
      }
    }
    this.nField = n;
    return this;
  }

  /** Fills the key from the record `buf[off, off + len)`; throws SQLITE_CORRUPT if it is malformed. */
  fromRecord(buf: Uint8Array, off: number, len: number): this {
    const r = unpackReader;
    r.init(buf, off, len);
    const n = r.count;
    this.reserve(n);
    for (let i = 0; i < n; i++) {
      const t = r.serialType(i);
      if (t >= 12) {
        this.setBytes(i, t & 1 ? K_TEXT : K_BLOB, buf, r.offsetOf(i), (t - 12) >>> 1);
      } else if (t === 0) {
        this.kinds[i] = K_NULL;
      } else {
        const v = r.getNumber(i);
        if (typeof v === 'bigint') {
          this.kinds[i] = K_BIGINT;
          this.bigs[i] = v;
        } else {
          this.kinds[i] = v !== v ? K_NULL : K_NUMBER; // a NaN REAL reads as NULL
          this.nums[i] = v;
        }
      }
    }
    this.nField = n;
    return this;
  }

  private setBytes(i: number, kind: number, bytes: Uint8Array, start: number, len: number): void {
    this.kinds[i] = kind;
    this.refs[i] = bytes;
    this.starts[i] = start;
    this.lens[i] = len;
  }

  /**
   * Compares field 0 of this key with the integer `r` (a record field of serial type 1 to 5): 0 when
   * they are equal or when field 0 is not a number, for the caller's general comparison to settle.
   */
  compareFirstToInt(r: number): number {
    if (this.kinds[0] !== K_NUMBER) return 0;
    const k = this.nums[0]!;
    return k < r ? -1 : k > r ? 1 : 0;
  }

  /**
   * Compares field `i` of this key with a record field of serial type `t` whose body is at `buf[p]`
   * (and lies inside `buf`): the ascending order of key relative to record. For compareKeyToRecord.
   */
  compareField(i: number, buf: Uint8Array, p: number, t: number, coll: Collation): number {
    const kind = this.kinds[i];
    if (t >= 12) {
      const len = (t - 12) >>> 1;
      if (t & 1) {
        if (kind !== K_TEXT) return kind === K_BLOB ? 1 : -1;
        return collate(coll, this.refs[i], this.starts[i], this.lens[i], buf, p, len);
      }
      if (kind !== K_BLOB) return -1;
      return binaryRange(this.refs[i], this.starts[i], this.lens[i], buf, p, len);
    }
    if (t === 0) return kind === K_NULL ? 0 : 1;
    let r: number | bigint;
    if (t === 7) {
      r = readReal(buf, p);
      if (r !== r) return kind === K_NULL ? 0 : 1; // NaN reads as NULL
    } else {
      r = readInt(buf, p, t);
    }
    if (kind === K_NUMBER) {
      const k = this.nums[i];
      return k < r ? -1 : k > r ? 1 : 0;
    }
    if (kind === K_BIGINT) {
      const k = this.bigs[i];
      return k < r ? -1 : k > r ? 1 : 0;
    }
    return kind === K_NULL ? -1 : 1;
  }
}

const unpackReader = new RecordReader();

/**
 * Compares `key` with the record `buf[off, off + len)`: negative, zero or positive as the key sorts
 * before, equal to or after the record. Fields are compared up to the smallest of the key's, the
 * record's and `info`'s field counts; if all those are equal the result is 0, and the caller decides
 * what a matching prefix means. Throws SQLITE_CORRUPT if the part of the record it reads is malformed.
 */
export function compareKeyToRecord(
  key: UnpackedKey,
  buf: Uint8Array,
  off: number,
  len: number,
  info: KeyInfo,
): number {
  assert(off >= 0 && len >= 0 && off + len <= buf.length, 'record range outside its buffer');
  if (len === 0) throw corrupt(`empty record at offset ${off}`);
  const end = off + len;
  const hdrSize = getVarint32(buf, off, end);
  if (hdrSize < varintLength || hdrSize > len) {
    throw corrupt(`record header size ${hdrSize} invalid for a payload of ${len} bytes`);
  }
  const hdrEnd = off + hdrSize;
  const n = key.nField < info.nField ? key.nField : info.nField;
  // Most probes of a search are decided by the first field; when it is a small integer against a
  // number (one-byte header size and serial type), it is compared here without the general loop.
  if (n > 0 && varintLength === 1 && hdrSize > 1) {
    const t = buf[off + 1]!;
    if (t >= 1 && t <= 5 && hdrEnd + t + (t === 5 ? 1 : 0) <= end) {
      const rc = key.compareFirstToInt(readInt(buf, hdrEnd, t) as number);
      if (rc !== 0) return info.desc[0] ? -rc : rc;
    }
  }
  let h = off + varintLength;
  let body = hdrEnd;
  for (let i = 0; i < n && h < hdrEnd; i++) {
    const t = getVarint32(buf, h, hdrEnd);
    h += varintLength;
    if (t === 10 || t === 11) throw corrupt(`reserved serial type ${t} in record at offset ${off}`);
    const size = serialTypeSize(t);
    if (body + size > end) throw corrupt(`record at offset ${off} has columns past its end`);
    const rc = key.compareField(i, buf, body, t, info.collations[i]);
    if (rc !== 0) return info.desc[i] ? -rc : rc;
    body += size;
  }
  return 0;
}

const scratchKey = new UnpackedKey();

/** Compares two packed records as `compareKeyToRecord` compares a key with a record. */
export function compareRecords(a: Uint8Array, b: Uint8Array, info: KeyInfo): number {
  return compareKeyToRecord(scratchKey.fromRecord(a, 0, a.length), b, 0, b.length, info);
}

/** Rank of a field's storage class in the key order: NULL (a NaN REAL included), number, TEXT, BLOB. */
function classRank(buf: Uint8Array, p: number, t: number): number {
  if (t >= 12) return t & 1 ? 2 : 3;
  if (t === 0) return 0;
  if (t === 7) {
    const r = readReal(buf, p);
    return r !== r ? 0 : 1;
  }
  return 1;
}

/** Whether serial type `t` is an INTEGER (1 to 6 bytes, or the constants 0 and 1). */
function isIntegerType(t: number): boolean {
  return t >= 1 && t <= 9 && t !== 7;
}

/** Compares a field of serial type `ta` at `a[pa]` with one of serial type `tb` at `b[pb]`, ascending. */
function compareFieldPair(a: Uint8Array, pa: number, ta: number, b: Uint8Array, pb: number, tb: number, coll: Collation): number {
  const ra = classRank(a, pa, ta);
  const rb = classRank(b, pb, tb);
  if (ra !== rb) return ra - rb;
  if (ra === 1) {
    const x = ta === 7 ? readReal(a, pa) : readInt(a, pa, ta);
    const y = tb === 7 ? readReal(b, pb) : readInt(b, pb, tb);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ra === 0) return 0;
  const la = (ta - 12) >>> 1;
  const lb = (tb - 12) >>> 1;
  return ra === 2 ? collate(coll, a, pa, la, b, pb, lb) : binaryRange(a, pa, la, b, pb, lb);
}

/**
 * Compares the record `a[aOff, aOff + aLen)` with the record `b[bOff, bOff + bLen)` as
 * `compareKeyToRecord` would with `a` unpacked, without unpacking: both headers are walked in step.
 * Fields are compared up to the smallest of the two records' and `info`'s field counts. For sorting
 * many records, where unpacking one side per comparison would dominate.
 */
export function compareRecordRanges(
  a: Uint8Array,
  aOff: number,
  aLen: number,
  b: Uint8Array,
  bOff: number,
  bLen: number,
  info: KeyInfo,
): number {
  if (aLen === 0 || bLen === 0) throw corrupt('empty record in a comparison');
  const aEnd = aOff + aLen;
  const bEnd = bOff + bLen;
  const aHdrEnd = aOff + getVarint32(a, aOff, aEnd);
  let ha = aOff + varintLength;
  const bHdrEnd = bOff + getVarint32(b, bOff, bEnd);
  let hb = bOff + varintLength;
  if (aHdrEnd > aEnd || ha > aHdrEnd || bHdrEnd > bEnd || hb > bHdrEnd) throw corrupt('record header size invalid in a comparison');
  let pa = aHdrEnd;
  let pb = bHdrEnd;
  const n = info.nField;
  for (let i = 0; i < n && ha < aHdrEnd && hb < bHdrEnd; i++) {
    // Serial types below 128 (numbers, and TEXT or BLOB up to 57 bytes) are one-byte varints.
    let ta = a[ha];
    if (ta < 0x80) ha++;
    else {
      ta = getVarint32(a, ha, aHdrEnd);
      ha += varintLength;
    }
    let tb = b[hb];
    if (tb < 0x80) hb++;
    else {
      tb = getVarint32(b, hb, bHdrEnd);
      hb += varintLength;
    }
    if (ta === 10 || ta === 11 || tb === 10 || tb === 11) throw corrupt('reserved serial type in a compared record');
    const sa = serialTypeSize(ta);
    const sb = serialTypeSize(tb);
    if (pa + sa > aEnd || pb + sb > bEnd) throw corrupt('compared record has columns past its end');
    let rc: number;
    if (ta >= 13 && tb >= 13 && ta & tb & 1) {
      const coll = info.collations[i];
      rc = coll === BINARY ? binaryRange(a, pa, sa, b, pb, sb) : collate(coll, a, pa, sa, b, pb, sb);
    } else if (isIntegerType(ta) && isIntegerType(tb)) {
      const x = readInt(a, pa, ta);
      const y = readInt(b, pb, tb);
      rc = x < y ? -1 : x > y ? 1 : 0;
    } else {
      rc = compareFieldPair(a, pa, ta, b, pb, tb, info.collations[i]);
    }
    if (rc !== 0) return info.desc[i] ? -rc : rc;
    pa += sa;
    pb += sb;
  }
  return 0;
}
