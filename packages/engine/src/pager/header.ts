/**
 * The 100-byte database header at the start of page 1 (sqlite.org/fileformat2.html §1.3).
 *
 * Fields are read and written in place on page 1's bytes (big-endian), so the header can never drift
 * from what is on disk. `validateHeader` rejects anything that is not a UTF-8 SQLite 3 file we can read.
 */
import { SqliteError, corrupt } from '../common/errors.js';

export const HEADER_SIZE = 100;
/** "SQLite format 3\0". */
export const MAGIC = new Uint8Array([
  0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74, 0x20, 0x33, 0x00,
]);

/** Byte offsets of the header fields. */
export const H = {
  pageSize: 16, // u16, 1 means 65536
  writeVersion: 18, // 1 legacy (rollback journal), 2 WAL
  readVersion: 19,
  reservedBytes: 20,
  maxPayloadFraction: 21, // must be 64
  minPayloadFraction: 22, // must be 32
  leafPayloadFraction: 23, // must be 32
  changeCounter: 24,
  pageCount: 28, // "in-header database size"
  freelistTrunk: 32,
  freelistCount: 36,
  schemaCookie: 40,
  schemaFormat: 44,
  defaultCacheSize: 48,
  largestRootPage: 52, // non-zero: auto-vacuum or incremental vacuum
  textEncoding: 56, // 1 UTF-8, 2 UTF-16le, 3 UTF-16be
  userVersion: 60,
  incrementalVacuum: 64,
  applicationId: 68,
  versionValidFor: 92,
  sqliteVersion: 96,
} as const;

/** The SQLITE_VERSION_NUMBER Hearth writes into the header (it writes files as SQLite 3.45 would). */
export const WRITER_VERSION = 3045000;

export function get32(b: Uint8Array, off: number): number {
  return ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0;
}

export function put32(b: Uint8Array, off: number, v: number): void {
  b[off] = v >>> 24;
  b[off + 1] = v >>> 16;
  b[off + 2] = v >>> 8;
  b[off + 3] = v;
}

export function get16(b: Uint8Array, off: number): number {
  return (b[off]! << 8) | b[off + 1]!;
}

export function put16(b: Uint8Array, off: number, v: number): void {
  b[off] = v >>> 8;
  b[off + 1] = v;
}

/** Whether `n` is a page size SQLite allows: a power of two from 512 to 65536. */
export function isValidPageSize(n: number): boolean {
  return n >= 512 && n <= 65536 && (n & (n - 1)) === 0;
}

/** The page size stored in a header (decoding 1 as 65536), or 0 when the field is invalid. */
export function headerPageSize(page1: Uint8Array): number {
  const raw = get16(page1, H.pageSize);
  const size = raw === 1 ? 65536 : raw;
  return isValidPageSize(size) ? size : 0;
}

/** Whether the first bytes of a file are SQLite's magic string. */
export function hasMagic(bytes: Uint8Array): boolean {
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

/**
 * Checks that a header is one Hearth can read: magic, page size, payload fractions, UTF-8 text.
 * Throws SQLITE_NOTADB for a file that is not a database and a clear SQLITE_ERROR for UTF-16 files.
 */
export function validateHeader(page1: Uint8Array): void {
  if (!hasMagic(page1)) throw new SqliteError('SQLITE_NOTADB', 'file is not a database');
  if (headerPageSize(page1) === 0) throw new SqliteError('SQLITE_NOTADB', 'file is not a database');
  const usable = headerPageSize(page1) - page1[H.reservedBytes]!;
  if (usable < 480) throw corrupt(`usable page size ${usable} is below 480`);
  if (page1[H.readVersion]! > 2) {
    throw new SqliteError('SQLITE_CANTOPEN', `unsupported file format (read version ${page1[H.readVersion]})`);
  }
  if (page1[H.maxPayloadFraction] !== 64 || page1[H.minPayloadFraction] !== 32 || page1[H.leafPayloadFraction] !== 32) {
    throw corrupt('payload fractions are not 64/32/32');
  }
  const encoding = get32(page1, H.textEncoding);
  if (encoding === 2 || encoding === 3) {
    throw new SqliteError(
      'SQLITE_ERROR',
      `unsupported text encoding: this database is UTF-16${encoding === 2 ? 'le' : 'be'}; Hearth reads UTF-8 databases only`,
    );
  }
  if (encoding !== 0 && encoding !== 1) throw corrupt(`unknown text encoding ${encoding}`);
}

/**
 * Writes the header of a brand-new, empty database into `page1` (which must be zeroed). Page 1 is then
 * an empty table-leaf page: the root of `sqlite_schema`.
 */
export function initHeader(page1: Uint8Array, pageSize: number, walMode: boolean, reservedBytes = 0): void {
  page1.set(MAGIC, 0);
  put16(page1, H.pageSize, pageSize === 65536 ? 1 : pageSize);
  page1[H.writeVersion] = walMode ? 2 : 1;
  page1[H.readVersion] = walMode ? 2 : 1;
  page1[H.reservedBytes] = reservedBytes;
  page1[H.maxPayloadFraction] = 64;
  page1[H.minPayloadFraction] = 32;
  page1[H.leafPayloadFraction] = 32;
  put32(page1, H.changeCounter, 1);
  put32(page1, H.pageCount, 1);
  put32(page1, H.schemaFormat, 4);
  put32(page1, H.textEncoding, 1);
  put32(page1, H.versionValidFor, 1);
  put32(page1, H.sqliteVersion, WRITER_VERSION);
  // The b-tree page header of sqlite_schema's empty root: a table leaf with no cells.
  page1[HEADER_SIZE] = 13;
  const contentStart = pageSize - reservedBytes;
  put16(page1, HEADER_SIZE + 5, contentStart === 65536 ? 0 : contentStart);
}
