/**
 * The rollback journal (`<db>-journal`, journal_mode=DELETE; sqlite.org/fileformat2.html §4.1 and
 * sqlite.org/atomiccommit.html): original images of the pages a transaction changes, written and
 * synced before the database file is touched, deleted at commit.
 *
 * Layout: one or more segments, each starting on a sector boundary with a header padded to the sector
 * size — magic d9 d5 05 f9 20 a1 63 d7, record count (0xffffffff: "up to the end of the file"), checksum
 * nonce, database size in pages before the transaction, sector size, page size — followed by records
 * of page number (4 bytes), page image, checksum (4 bytes: the nonce plus every 200th byte of the page
 * counting back from its end). An optional super-journal name may close the file.
 *
 * Playback follows SQLite exactly: it stops at the first header that is missing or malformed, at a
 * record that is cut short, has page number 0 or the lock-byte page, or fails its checksum; records of
 * pages beyond the original size are skipped. Page and sector size come from the first header (its
 * page size wins over the database's, as in SQLite; a 0 there, from SQLite before 3.5.8, means the
 * database's).
 *
 * The writer keeps a segment's header magic and record count zero until `sync` (as SQLite does when it
 * syncs): a journal cut short by a crash before its first sync is then not hot, and the database file
 * was not written before that sync, so nothing is lost.
 */
import { assert } from '../common/assert.js';
import { corrupt } from '../common/errors.js';
import { get32, headerPageSize, isValidPageSize, put32 } from '../pager/header.js';
import type { Vfs, VfsFile } from '../vfs/vfs.js';

/** The eight bytes that open every journal header. */
export const JOURNAL_MAGIC = new Uint8Array([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);

/** Byte offsets of the journal header fields. */
const JH = { magic: 0, recordCount: 8, nonce: 12, initialPages: 16, sectorSize: 20, pageSize: 24 } as const;
const HEADER_FIELDS_SIZE = 28;
/** Record count meaning "every whole record up to the end of the file". */
const COUNT_TO_END = 0xffffffff;
/** Sector size assumed before the first header is read, and Hearth's default (SQLite's on Unix). */
const DEFAULT_SECTOR_SIZE = 512;
const MAX_SECTOR_SIZE = 0x10000;
/** Page size assumed for a pre-3.5.8 journal (page size field 0) when the database header has none. */
const DEFAULT_PAGE_SIZE = 4096;
/** Longest super-journal name SQLite accepts (its Unix maximum path length). */
const MAX_SUPER_JOURNAL_NAME = 512;
/** The byte offset of SQLite's lock bytes; the page holding it is never stored. */
const PENDING_BYTE = 0x40000000;
/** Bytes per read or write call when playing back or writing many records. */
const IO_CHUNK = 1 << 20;

/** How hard `JournalWriter.sync` works to make the journal durable (PRAGMA synchronous). */
export type JournalSync = 'off' | 'normal' | 'full';

/** The page holding the lock bytes at 1 GiB, which SQLite never uses; in a journal it marks the end. */
export function lockBytePage(pageSize: number): number {
  return Math.floor(PENDING_BYTE / pageSize) + 1;
}

/** A record's checksum: the segment nonce plus every 200th byte counting back from the page end. */
export function journalChecksum(nonce: number, page: Uint8Array): number {
  let sum = nonce;
  for (let i = page.length - 200; i > 0; i -= 200) sum += page[i]!;
  return sum >>> 0;
}

function hasJournalMagic(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < JOURNAL_MAGIC.length; i++) if (bytes[at + i] !== JOURNAL_MAGIC[i]) return false;
  return true;
}

function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}

function randomU32(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/**
 * Sets the database file to `pages` pages before playback, as SQLite does: a longer file is cut; a
 * file short by at least a whole page is extended with zeros.
 */
function restoreSize(db: VfsFile, pages: number, pageSize: number): void {
  const want = pages * pageSize;
  const current = db.size();
  if (current > want || current + pageSize <= want) db.truncate(want);
}

/**
 * Writes back the valid records of one segment: `count` records from `offset`. Returns the offset after
 * them, or -1 when playback must stop (a record cut short, an end marker, or a checksum failure).
 */
function playRecords(
  journal: VfsFile,
  journalSize: number,
  db: VfsFile,
  offset: number,
  count: number,
  pageSize: number,
  nonce: number,
  dbPages: number,
): number {
  const recordSize = pageSize + 8;
  const endMarker = lockBytePage(pageSize);
  const chunk = new Uint8Array(Math.max(1, Math.min(count, Math.floor(IO_CHUNK / recordSize))) * recordSize);
  let left = count;
  while (left > 0) {
    const whole = Math.floor((journalSize - offset) / recordSize);
    const n = Math.min(left, chunk.length / recordSize, whole);
    if (n <= 0) return -1; // the next record is cut short: it was never synced
    const got = journal.read(chunk.subarray(0, n * recordSize), offset);
    if (got < n * recordSize) return -1;
    for (let k = 0; k < n; k++) {
      const at = k * recordSize;
      const pgno = get32(chunk, at);
      if (pgno === 0 || pgno === endMarker) return -1;
      if (pgno > dbPages) continue;
      const page = chunk.subarray(at + 4, at + 4 + pageSize);
      if (journalChecksum(nonce, page) !== get32(chunk, at + 4 + pageSize)) return -1;
      db.write(page, (pgno - 1) * pageSize);
    }
    offset += n * recordSize;
    left -= n;
  }
  return offset;
}

/** Plays every segment of a hot journal back into `db`. */
function playJournal(journal: VfsFile, db: VfsFile): void {
  const journalSize = journal.size();
  const header = new Uint8Array(HEADER_FIELDS_SIZE);
  let sectorSize = DEFAULT_SECTOR_SIZE;
  let pageSize = 0;
  let dbPages = 0;
  let offset = 0;
  for (;;) {
    offset = roundUp(offset, sectorSize);
    if (offset + sectorSize > journalSize) return;
    journal.read(header, offset);
    if (!hasJournalMagic(header, JH.magic)) return;
    let count = get32(header, JH.recordCount);
    const nonce = get32(header, JH.nonce);
    const first = pageSize === 0;
    if (first) {
      const journalSectorSize = get32(header, JH.sectorSize);
      let journalPageSize = get32(header, JH.pageSize);
      if (journalPageSize === 0) journalPageSize = dbPageSize(db);
      const sectorOk = journalSectorSize >= 32 && journalSectorSize <= MAX_SECTOR_SIZE;
      if (!isValidPageSize(journalPageSize) || !sectorOk || (journalSectorSize & (journalSectorSize - 1)) !== 0) {
        return; // a header torn before it was synced: nothing after it was acted on
      }
      pageSize = journalPageSize;
      sectorSize = journalSectorSize;
    }
    offset += sectorSize;
    if (count === COUNT_TO_END) count = Math.max(0, Math.floor((journalSize - offset) / (pageSize + 8)));
    if (first) {
      dbPages = get32(header, JH.initialPages);
      restoreSize(db, dbPages, pageSize);
    }
    offset = playRecords(journal, journalSize, db, offset, count, pageSize, nonce, dbPages);
    if (offset < 0) return;
  }
}

/** The database's page size from its header, or SQLite's default when it has none. */
function dbPageSize(db: VfsFile): number {
  const head = new Uint8Array(18);
  db.read(head, 0);
  return headerPageSize(head) || DEFAULT_PAGE_SIZE;
}

/**
 * The super-journal name recorded at the end of a journal (multi-database commits), or '' when there is
 * none or it fails its checks.
 */
function superJournalName(journal: VfsFile): string {
  const size = journal.size();
  if (size < 16) return '';
  const tail = new Uint8Array(16);
  journal.read(tail, size - 16);
  const length = get32(tail, 0);
  if (!hasJournalMagic(tail, 8) || length === 0 || length > MAX_SUPER_JOURNAL_NAME || length > size - 16) return '';
  const name = new Uint8Array(length);
  journal.read(name, size - 16 - length);
  let sum = get32(tail, 4);
  for (const byte of name) sum = (sum - byte) >>> 0;
  if (sum !== 0) return '';
  const nul = name.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? name : name.subarray(0, nul));
}

/**
 * Whether `journalPath` is a hot journal: it exists and its first byte is not zero (a zeroed header,
 * as journal_mode=PERSIST leaves behind or a crash before the first sync, is not hot). When `db` is
 * given, an empty database file has no hot journal either.
 */
export function isHotJournal(vfs: Vfs, journalPath: string, db?: VfsFile): boolean {
  if (!vfs.exists(journalPath)) return false;
  if (db && db.size() === 0) return false;
  const journal = vfs.open(journalPath, { create: false, readonly: true });
  try {
    const first = new Uint8Array(1);
    journal.read(first, 0);
    return first[0] !== 0;
  } finally {
    journal.close();
  }
}

/**
 * Rolls back the transaction a crashed writer left in a hot journal: restores the original pages and
 * size of `db` (which must be writable), syncs it and deletes the journal. A journal naming a
 * super-journal that no longer exists belongs to a committed transaction: it is only deleted. A journal
 * beside an empty database is deleted as well (SQLite's rule). Returns whether a hot journal was found
 * and resolved; a journal that is not hot is left alone.
 */
export function rollbackHotJournal(vfs: Vfs, journalPath: string, db: VfsFile): boolean {
  if (!vfs.exists(journalPath)) return false;
  if (db.size() === 0) {
    vfs.delete(journalPath);
    return false;
  }
  if (!isHotJournal(vfs, journalPath)) return false;
  const journal = vfs.open(journalPath, { create: false, readonly: true });
  try {
    const superJournal = superJournalName(journal);
    if (superJournal === '' || vfs.exists(superJournal)) playJournal(journal, db);
    db.sync();
  } finally {
    journal.close();
  }
  vfs.delete(journalPath);
  return true;
}

/** One segment this writer started: header offset, nonce, records written, whether `sync` sealed it. */
interface Segment {
  readonly header: number;
  readonly nonce: number;
  records: number;
  sealed: boolean;
}

/**
 * Writes the journal of one rollback-mode transaction.
 *
 * Protocol: `begin` when the transaction first changes a page; `append` each page's original image
 * before the page is first changed (once per page, pages ≤ initialDbPages only); `sync` before any page
 * is written to the database file (at commit, and at every spill: appends after a sync go to a new
 * segment); `finish` once the database file is written and synced — deleting the journal commits; or
 * `playback` to roll back a transaction that already wrote pages into the database.
 */
export class JournalWriter {
  private file: VfsFile | null;
  private readonly segments: Segment[] = [];
  private end = 0; // file offset after the last byte written or queued
  private buffer: Uint8Array;
  private bufferStart = 0; // file offset of buffer[0]
  private bufferLength = 0;

  private constructor(
    private readonly vfs: Vfs,
    private readonly path: string,
    file: VfsFile,
    private readonly pageSize: number,
    private readonly initialDbPages: number,
    private readonly sectorSize: number,
  ) {
    this.file = file;
    // Small transactions are the common case: start with room for a couple of records and grow.
    this.buffer = new Uint8Array(2 * (pageSize + 8 + sectorSize));
  }

  /**
   * Starts the journal at `journalPath` for a database of `pageSize`-byte pages that holds
   * `initialDbPages` pages before the transaction. Any file already there is replaced, so a hot journal
   * must have been rolled back first.
   */
  static begin(
    vfs: Vfs,
    journalPath: string,
    pageSize: number,
    initialDbPages: number,
    sectorSize = DEFAULT_SECTOR_SIZE,
  ): JournalWriter {
    assert(isValidPageSize(pageSize), 'journal page size is a power of two from 512 to 65536');
    assert(sectorSize >= 32 && sectorSize <= MAX_SECTOR_SIZE && (sectorSize & (sectorSize - 1)) === 0, 'sector size');
    assert(Number.isInteger(initialDbPages) && initialDbPages >= 0, 'initial size is a page count');
    const file = vfs.open(journalPath, { create: true });
    try {
      file.truncate(0);
    } catch (err) {
      file.close();
      throw err;
    }
    const writer = new JournalWriter(vfs, journalPath, file, pageSize, initialDbPages, sectorSize);
    writer.startSegment();
    return writer;
  }

  /** Records the original image of page `pgno` (1..initialDbPages). */
  append(pgno: number, originalPage: Uint8Array): void {
    assert(this.file !== null, 'journal is open');
    assert(originalPage.length === this.pageSize, 'journaled image is one page');
    assert(pgno >= 1 && pgno <= this.initialDbPages, 'only pages that existed before the transaction are journaled');
    assert(pgno !== lockBytePage(this.pageSize), 'the lock-byte page is never journaled');
    let segment = this.segments[this.segments.length - 1]!;
    if (segment.sealed) segment = this.startSegment();
    const at = this.reserve(this.pageSize + 8);
    put32(this.buffer, at, pgno);
    this.buffer.set(originalPage, at + 4);
    put32(this.buffer, at + 4 + this.pageSize, journalChecksum(segment.nonce, originalPage));
    segment.records++;
  }

  /**
   * Makes the records so far a valid journal before the database file is written: writes them, then
   * (after a sync when 'full') the header's magic and record count, then syncs unless 'off'.
   */
  sync(mode: JournalSync): void {
    const file = this.file;
    assert(file !== null, 'journal is open');
    this.flush();
    const segment = this.segments[this.segments.length - 1]!;
    if (segment.sealed) return;
    if (mode === 'full') file.sync();
    const head = new Uint8Array(12);
    head.set(JOURNAL_MAGIC, 0);
    put32(head, 8, segment.records);
    file.write(head, segment.header);
    if (mode !== 'off') file.sync();
    segment.sealed = true;
  }

  /** Deletes the journal: the commit point of the transaction. The writer is then closed. */
  finish(): void {
    assert(this.file !== null, 'journal is open');
    this.file.close();
    this.file = null;
    this.vfs.delete(this.path);
  }

  /**
   * Rolls the transaction back from the journal: writes every original page back into `db`, restores
   * its original size, syncs it when `syncDb`, then deletes the journal. The writer is then closed.
   */
  playback(db: VfsFile, syncDb: boolean): void {
    const file = this.file;
    assert(file !== null, 'journal is open');
    // Records still queued are written first, so that playback also covers a page the database file got
    // before its record was synced. When the disk is full that write fails; the queue is then dropped,
    // which loses nothing: the pager writes a page to the database only after `sync` wrote its original
    // here, so queued records belong to pages the file never got. A rollback must not need space.
    try {
      this.flush();
    } catch {
      this.bufferLength = 0;
      this.end = this.bufferStart;
    }
    const written = this.bufferStart;
    const recordSize = this.pageSize + 8;
    restoreSize(db, this.initialDbPages, this.pageSize);
    for (const segment of this.segments) {
      const records = segment.header + this.sectorSize;
      const inFile = Math.max(0, Math.min(segment.records, Math.floor((written - records) / recordSize)));
      const end = playRecords(file, written, db, records, inFile, this.pageSize, segment.nonce, this.initialDbPages);
      if (end < 0) throw corrupt(`journal ${this.path} lost records written in this transaction`);
    }
    if (syncDb) db.sync();
    this.finish();
  }

  /** Queues a new segment header (magic and count left zero until `sync`) at the next sector boundary. */
  private startSegment(): Segment {
    const header = roundUp(this.end, this.sectorSize);
    const gap = header - this.end; // zeros up to the sector boundary
    const at = this.reserve(gap + this.sectorSize);
    const fields = at + gap;
    this.buffer.fill(0, at, fields + this.sectorSize);
    const segment: Segment = { header, nonce: randomU32(), records: 0, sealed: false };
    put32(this.buffer, fields + JH.nonce, segment.nonce);
    put32(this.buffer, fields + JH.initialPages, this.initialDbPages);
    put32(this.buffer, fields + JH.sectorSize, this.sectorSize);
    put32(this.buffer, fields + JH.pageSize, this.pageSize);
    this.segments.push(segment);
    return segment;
  }

  /** Room for `length` more bytes at the end of the journal; returns their index in `buffer`. */
  private reserve(length: number): number {
    const wanted = this.bufferLength + length;
    if (wanted > this.buffer.length) {
      if (wanted <= IO_CHUNK) {
        const grown = new Uint8Array(Math.min(IO_CHUNK, Math.max(wanted, 2 * this.buffer.length)));
        grown.set(this.buffer.subarray(0, this.bufferLength));
        this.buffer = grown;
      } else {
        this.flush();
        if (length > this.buffer.length) this.buffer = new Uint8Array(length);
      }
    }
    const at = this.bufferLength;
    this.bufferLength += length;
    this.end += length;
    return at;
  }

  /** Writes the queued bytes. */
  private flush(): void {
    if (this.bufferLength > 0) {
      assert(this.file !== null, 'journal is open');
      this.file.write(this.buffer.subarray(0, this.bufferLength), this.bufferStart);
    }
    this.bufferStart = this.end;
    this.bufferLength = 0;
  }
}
