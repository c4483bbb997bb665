/**
 * Byte layout of the write-ahead log (sqlite.org/walformat.html, fileformat2.html §4): the 32-byte WAL
 * header, the 24-byte frame header, and the cumulative checksum that chains them.
 *
 * Every integer field is big-endian. The checksum reads its input as 32-bit words whose byte order the
 * header's magic selects (0x377f0682: little-endian, 0x377f0683: big-endian); Hearth writes 0x377f0682.
 * The checksum always covers a multiple of 8 bytes: two running sums fed one pair of words at a time.
 */
import { SqliteError } from '../common/errors.js';
import { get32, isValidPageSize, put32 } from '../pager/header.js';

/** Size of the WAL header at the start of the file. */
export const WAL_HEADER_SIZE = 32;
/** Size of the header in front of every frame's page image. */
export const FRAME_HEADER_SIZE = 24;
/** Magic with little-endian checksum words (the low bit selects big-endian). */
export const WAL_MAGIC_LE = 0x377f0682;
/** The only WAL format version SQLite defines. */
export const WAL_VERSION = 3007000;

/** Byte offsets of the WAL header fields. */
export const WH = {
  magic: 0,
  version: 4,
  pageSize: 8,
  checkpointSeq: 12,
  salt1: 16,
  salt2: 20,
  checksum1: 24,
  checksum2: 28,
} as const;

/** Byte offsets of the frame header fields. */
export const FH = {
  pgno: 0,
  commitDbSize: 4, // database size in pages after this commit, 0 for a non-commit frame
  salt1: 8,
  salt2: 12,
  checksum1: 16,
  checksum2: 20,
} as const;

/** Whether this machine stores typed-array words little-endian (then LE checksums read words directly). */
const NATIVE_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Folds `bytes[start, end)` into the running checksum `sum` (two u32 values, updated in place).
 * `end - start` must be a multiple of 8.
 */
export function walChecksum(bytes: Uint8Array, start: number, end: number, bigEndian: boolean, sum: Uint32Array): void {
  let s0 = sum[0]! | 0;
  let s1 = sum[1]! | 0;
  const at = bytes.byteOffset + start;
  if (!bigEndian && NATIVE_LE && (at & 3) === 0) {
    const words = new Int32Array(bytes.buffer, at, (end - start) >>> 2);
    for (let i = 0; i < words.length; i += 2) {
      s0 = (s0 + words[i]! + s1) | 0;
      s1 = (s1 + words[i + 1]! + s0) | 0;
    }
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const littleEndian = !bigEndian;
    for (let i = start; i < end; i += 8) {
      s0 = (s0 + view.getInt32(i, littleEndian) + s1) | 0;
      s1 = (s1 + view.getInt32(i + 4, littleEndian) + s0) | 0;
    }
  }
  sum[0] = s0;
  sum[1] = s1;
}

/** A decoded, checksum-verified WAL header. */
export interface WalHeader {
  bigEndianChecksum: boolean;
  pageSize: number;
  checkpointSeq: number;
  salt1: number;
  salt2: number;
  /** The header's checksum: the seed of frame 1's cumulative checksum. */
  checksum1: number;
  checksum2: number;
}

/**
 * Decodes the first 32 bytes of `bytes` as a WAL header, or returns null when they are not a valid one
 * (bad magic, bad page size or bad checksum: then the log holds nothing, as after a torn header write).
 * A valid header of another format version is an error: its frames cannot be understood.
 */
export function decodeWalHeader(bytes: Uint8Array): WalHeader | null {
  if (bytes.length < WAL_HEADER_SIZE) return null;
  const magic = get32(bytes, WH.magic);
  const pageSize = get32(bytes, WH.pageSize);
  if ((magic & ~1) >>> 0 !== WAL_MAGIC_LE || !isValidPageSize(pageSize)) return null;
  const bigEndianChecksum = (magic & 1) === 1;
  const sum = new Uint32Array(2);
  walChecksum(bytes, 0, WH.checksum1, bigEndianChecksum, sum);
  if (sum[0] !== get32(bytes, WH.checksum1) || sum[1] !== get32(bytes, WH.checksum2)) return null;
  const version = get32(bytes, WH.version);
  if (version !== WAL_VERSION) {
    throw new SqliteError('SQLITE_CANTOPEN', `unsupported write-ahead log format version ${version}`);
  }
  return {
    bigEndianChecksum,
    pageSize,
    checkpointSeq: get32(bytes, WH.checkpointSeq),
    salt1: get32(bytes, WH.salt1),
    salt2: get32(bytes, WH.salt2),
    checksum1: sum[0]!,
    checksum2: sum[1]!,
  };
}

/**
 * Writes a header with little-endian checksums into `out[0, 32)` and returns its checksum in `sum`
 * (the seed for frame 1).
 */
export function encodeWalHeader(
  out: Uint8Array,
  pageSize: number,
  checkpointSeq: number,
  salt1: number,
  salt2: number,
  sum: Uint32Array,
): void {
  put32(out, WH.magic, WAL_MAGIC_LE);
  put32(out, WH.version, WAL_VERSION);
  put32(out, WH.pageSize, pageSize);
  put32(out, WH.checkpointSeq, checkpointSeq);
  put32(out, WH.salt1, salt1);
  put32(out, WH.salt2, salt2);
  sum[0] = 0;
  sum[1] = 0;
  walChecksum(out, 0, WH.checksum1, false, sum);
  put32(out, WH.checksum1, sum[0]!);
  put32(out, WH.checksum2, sum[1]!);
}

/**
 * Writes one frame at `out[at]`: header (page number, commit size, salts, cumulative checksum) followed
 * by `data`. `sum` holds the previous frame's checksum (or the header's) and is advanced in place.
 */
export function encodeFrame(
  out: Uint8Array,
  at: number,
  pgno: number,
  commitDbSize: number,
  salt1: number,
  salt2: number,
  data: Uint8Array,
  bigEndian: boolean,
  sum: Uint32Array,
): void {
  put32(out, at + FH.pgno, pgno);
  put32(out, at + FH.commitDbSize, commitDbSize);
  put32(out, at + FH.salt1, salt1);
  put32(out, at + FH.salt2, salt2);
  const dataAt = at + FRAME_HEADER_SIZE;
  out.set(data, dataAt);
  walChecksum(out, at, at + 8, bigEndian, sum);
  walChecksum(out, dataAt, dataAt + data.length, bigEndian, sum);
  put32(out, at + FH.checksum1, sum[0]!);
  put32(out, at + FH.checksum2, sum[1]!);
}

/**
 * Whether the frame at `buf[at]` (header plus `pageSize` bytes of data) is valid after the frame whose
 * cumulative checksum is in `sum`: its salts match the header's, its page number is non-zero and its
 * checksum continues the chain. `sum` is advanced to this frame's checksum (meaningful only when valid).
 */
export function verifyFrame(
  buf: Uint8Array,
  at: number,
  pageSize: number,
  salt1: number,
  salt2: number,
  bigEndian: boolean,
  sum: Uint32Array,
): boolean {
  if (get32(buf, at + FH.salt1) !== salt1 || get32(buf, at + FH.salt2) !== salt2) return false;
  if (get32(buf, at + FH.pgno) === 0) return false;
  const dataAt = at + FRAME_HEADER_SIZE;
  walChecksum(buf, at, at + 8, bigEndian, sum);
  walChecksum(buf, dataAt, dataAt + pageSize, bigEndian, sum);
  return sum[0] === get32(buf, at + FH.checksum1) && sum[1] === get32(buf, at + FH.checksum2);
}
