/**
 * The write-ahead log of one database (`<db>-wal`, sqlite.org/walformat.html), without a -shm file:
 * this process holds the only connection, so the wal-index lives in memory (frame-index.ts) and is
 * rebuilt by recovery every time the log is opened.
 *
 * Invariants:
 * - Frames 1..maxFrame are committed: each has the header's salts, its cumulative checksum continues
 *   the chain, and frame maxFrame is a commit frame. Frames maxFrame+1..pendingMaxFrame belong to the
 *   open write transaction (spilled pages); nothing else is in the index.
 * - New frames always go right after pendingMaxFrame, overwriting whatever stale bytes lie there; a
 *   stale frame can never validate because it either carries other salts or breaks the checksum chain
 *   and, being uncommitted, is never followed by a valid commit frame of its own chain.
 * - When nothing is in the log (fresh, reset by a checkpoint, or rolled back to empty) the next write
 *   starts a new generation: a new header whose salts differ from every earlier one, frames from 1.
 *   Only then is the database file authoritative for every page, so restarting loses nothing.
 */
import { assert } from '../common/assert.js';
import { corrupt } from '../common/errors.js';
import { get32, isValidPageSize } from '../pager/header.js';
import type { Vfs, VfsFile } from '../vfs/vfs.js';
import {
  FH,
  FRAME_HEADER_SIZE,
  WAL_HEADER_SIZE,
  decodeWalHeader,
  encodeFrame,
  encodeWalHeader,
  verifyFrame,
} from './format.js';
import { FrameIndex } from './frame-index.js';

/** Bytes moved per read or write call when recovering, appending many frames or checkpointing. */
const IO_CHUNK = 4 << 20;

/** A page to append to the log as one frame. */
export interface WalPage {
  readonly pgno: number;
  readonly data: Uint8Array;
}

/** Options for `Wal.open`. */
export interface WalOpenOptions {
  /** Open without write access: appending and checkpointing are then misuse. */
  readonly?: boolean;
}

/** A random u32 for a salt. */
function randomU32(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/** The write-ahead log of one database, recovered on open. */
export class Wal {
  private file: VfsFile | null;
  private readonly index = new FrameIndex();
  private size = 0; // page size of the current generation, 0 before any valid header
  private committed = 0; // maxFrame
  private last = 0; // pendingMaxFrame
  private commitDbSize = 0;
  private bigEndian = false;
  private hasHeader = false; // checkpointSeq and salts come from a header (else a first generation)
  private checkpointSeq = 0;
  private salt1 = 0;
  private salt2 = 0;
  /** Cumulative checksum after frame `committed` (the header's when it is 0). */
  private readonly committedSum = new Uint32Array(2);
  /** Cumulative checksum after frame `last`. */
  private readonly runningSum = new Uint32Array(2);
  /** The checksum being carried through the frames of an append. */
  private readonly appendSum = new Uint32Array(2);
  private scratch = new Uint8Array(0);

  private constructor(
    private readonly vfs: Vfs,
    private readonly path: string,
    private readonly readonly: boolean,
    file: VfsFile | null,
  ) {
    this.file = file;
  }

  /**
   * Opens the log at `walPath` (an absent file is an empty log and is not created until the first
   * write) and recovers it: every frame up to the last valid commit frame counts, the rest is ignored.
   * Throws SQLITE_CANTOPEN for a valid header of an unknown format version.
   */
  static open(vfs: Vfs, walPath: string, opts: WalOpenOptions = {}): Wal {
    const readonly = opts.readonly === true;
    const file = vfs.exists(walPath) ? vfs.open(walPath, { create: false, readonly }) : null;
    const wal = new Wal(vfs, walPath, readonly, file);
    if (file) {
      try {
        wal.recover(file);
      } catch (err) {
        file.close();
        throw err;
      }
    }
    return wal;
  }

  /** Page size of the log's frames; 0 when the log never had a valid header. */
  get pageSize(): number {
    return this.size;
  }

  /** The last committed frame; 0 when the log holds no committed frame (empty or reset). */
  get maxFrame(): number {
    return this.committed;
  }

  /** The last frame written, committed or not (≥ maxFrame; greater while a transaction spilled pages). */
  get pendingMaxFrame(): number {
    return this.last;
  }

  /** Database size in pages recorded by frame maxFrame; 0 when maxFrame is 0 (then the db file's size counts). */
  get dbSize(): number {
    return this.commitDbSize;
  }

  /**
   * The newest frame ≤ `snapshotMaxFrame` holding page `pgno`, or 0 when the page must be read from the
   * database file. Pass `Infinity` (or pendingMaxFrame) to also see the open transaction's frames.
   */
  findFrame(pgno: number, snapshotMaxFrame: number): number {
    return this.index.find(pgno, snapshotMaxFrame);
  }

  /** Reads the page image stored in `frame` (1..pendingMaxFrame) into `into` (pageSize bytes). */
  readFrame(frame: number, into: Uint8Array): void {
    assert(this.file !== null && frame >= 1 && frame <= this.last, 'frame number within the log');
    assert(into.length === this.size, 'frame buffer is one page');
    const got = this.file.read(into, this.frameOffset(frame) + FRAME_HEADER_SIZE);
    if (got !== into.length) throw corrupt(`write-ahead log frame ${frame} is truncated`);
  }

  /**
   * Appends one frame per page, in order, with as few write calls as possible. When `commitDbSize` is
   * non-zero the last frame is the commit frame (database size in pages after the transaction) and the
   * transaction commits: maxFrame advances, after syncing the log when `sync`. Otherwise the frames stay
   * pending (a spill): visible to `findFrame` with a snapshot past maxFrame, undone by `rollbackPending`.
   * A page may be appended again later in the same transaction; its newest frame wins. The first
   * frames of a new generation are preceded by the header alone, synced first when `syncHeader`.
   */
  appendFrames(pages: readonly WalPage[], commitDbSize: number, sync: boolean, syncHeader = sync): void {
    assert(!this.readonly, 'appending to a read-only log');
    assert(commitDbSize >= 0, 'commit size is a page count');
    if (pages.length === 0) {
      assert(commitDbSize === 0, 'a commit writes at least one frame');
      return;
    }
    const file = this.openForWrite();
    const newGeneration = this.last === 0;
    if (newGeneration) this.startGeneration(pages[0]!.data.length);
    const pageSize = this.size;
    const frameSize = pageSize + FRAME_HEADER_SIZE;
    const perBatch = Math.max(1, Math.floor(IO_CHUNK / frameSize));
    const sum = this.appendSum;
    sum.set(this.runningSum);
    if (newGeneration) {
      // The header goes out alone and durable before any frame: otherwise a crash could keep the old
      // header (and its salts) over new frames, and recovery would replay checkpointed frames.
      const head = this.scratchOf(WAL_HEADER_SIZE);
      encodeWalHeader(head, pageSize, this.checkpointSeq, this.salt1, this.salt2, sum);
      file.write(head, 0);
      if (syncHeader) file.sync();
    }
    let headerBytes = 0;
    for (let i = 0; i < pages.length; ) {
      const n = Math.min(perBatch, pages.length - i);
      const buf = this.scratchOf(headerBytes + n * frameSize);
      if (headerBytes > 0) encodeWalHeader(buf, pageSize, this.checkpointSeq, this.salt1, this.salt2, sum);
      for (let k = 0; k < n; k++) {
        const page = pages[i + k]!;
        assert(page.data.length === pageSize, 'frame data is one page of the log page size');
        assert(page.pgno >= 1, 'page numbers start at 1');
        const isCommit = commitDbSize > 0 && i + k === pages.length - 1;
        const at = headerBytes + k * frameSize;
        encodeFrame(buf, at, page.pgno, isCommit ? commitDbSize : 0, this.salt1, this.salt2, page.data, this.bigEndian, sum);
      }
      file.write(buf, headerBytes > 0 ? 0 : this.frameOffset(this.last + 1));
      for (let k = 0; k < n; k++) this.index.add(pages[i + k]!.pgno, this.last + 1 + k);
      this.last += n;
      this.runningSum.set(sum);
      headerBytes = 0;
      i += n;
    }
    if (commitDbSize > 0) {
      if (sync) file.sync();
      this.committed = this.last;
      this.commitDbSize = commitDbSize;
      this.committedSum.set(this.runningSum);
    }
  }

  /** Appends one pending frame for a page evicted from the cache mid-transaction. */
  appendSpill(pgno: number, data: Uint8Array): void {
    this.appendFrames([{ pgno, data }], 0, false);
  }

  /**
   * Forgets the open transaction's frames (pendingMaxFrame returns to maxFrame). Their bytes stay in
   * the file until overwritten; recovery ignores them since no commit frame of theirs follows.
   */
  rollbackPending(): void {
    this.index.truncate(this.committed);
    this.last = this.committed;
    this.runningSum.set(this.committedSum);
  }

  /**
   * Copies the newest committed image of every page into the database file in page order, sets the
   * file's size to dbSize pages, and resets the log: maxFrame becomes 0 and the next write starts a new
   * generation. The log file itself is left as is (replaying it again is harmless). With `sync`, the log
   * is synced before the database is written and the database after. No transaction may be open.
   */
  checkpoint(db: VfsFile, sync: boolean): void {
    assert(this.last === this.committed, 'no write transaction is open during a checkpoint');
    if (this.committed === 0) return;
    const file = this.file;
    assert(file !== null, 'a log with frames has a file');
    if (sync) file.sync();
    const { pages, frames } = this.index.newestFrames(this.committed);
    let count = pages.length;
    while (count > 0 && pages[count - 1]! > this.commitDbSize) count--; // cut off by a later commit
    this.copyPages(file, db, pages.subarray(0, count), frames.subarray(0, count));
    const dbBytes = this.commitDbSize * this.size;
    if (db.size() !== dbBytes) db.truncate(dbBytes);
    if (sync) db.sync();
    this.index.clear();
    this.committed = 0;
    this.last = 0;
    this.commitDbSize = 0;
  }

  /**
   * Closes the log file. With `deleteFile` the file is removed too, which is only allowed once every
   * committed frame has been checkpointed.
   */
  close(deleteFile: boolean): void {
    this.file?.close();
    this.file = null;
    if (deleteFile) {
      assert(this.committed === 0, 'a log is deleted only after a checkpoint');
      this.vfs.delete(this.path);
    }
  }

  private recover(file: VfsFile): void {
    const fileSize = file.size();
    const head = new Uint8Array(WAL_HEADER_SIZE);
    if (file.read(head, 0) < WAL_HEADER_SIZE) return;
    const header = decodeWalHeader(head);
    if (!header) return;
    this.hasHeader = true;
    this.size = header.pageSize;
    this.bigEndian = header.bigEndianChecksum;
    this.checkpointSeq = header.checkpointSeq;
    this.salt1 = header.salt1;
    this.salt2 = header.salt2;
    this.runningSum[0] = header.checksum1;
    this.runningSum[1] = header.checksum2;
    this.committedSum.set(this.runningSum);

    const frameSize = this.size + FRAME_HEADER_SIZE;
    const total = Math.floor((fileSize - WAL_HEADER_SIZE) / frameSize);
    const buf = new Uint8Array(Math.max(1, Math.min(total, Math.floor(IO_CHUNK / frameSize))) * frameSize);
    let frame = 0;
    scan: while (frame < total) {
      const want = Math.min(buf.length / frameSize, total - frame) * frameSize;
      const got = file.read(buf.subarray(0, want), this.frameOffset(frame + 1));
      const n = Math.floor(got / frameSize);
      for (let k = 0; k < n; k++) {
        const at = k * frameSize;
        if (!verifyFrame(buf, at, this.size, this.salt1, this.salt2, this.bigEndian, this.runningSum)) break scan;
        frame++;
        this.index.add(get32(buf, at + FH.pgno), frame);
        const commitDbSize = get32(buf, at + FH.commitDbSize);
        if (commitDbSize !== 0) {
          this.committed = frame;
          this.commitDbSize = commitDbSize;
          this.committedSum.set(this.runningSum);
        }
      }
      if (got < want) break; // the file shrank under us: what is left is torn
    }
    this.index.truncate(this.committed);
    this.last = this.committed;
    this.runningSum.set(this.committedSum);
  }

  /** Chooses the header of a new generation: frames restart at 1 under salts never used before. */
  private startGeneration(pageSize: number): void {
    assert(isValidPageSize(pageSize), 'log page size is a power of two from 512 to 65536');
    if (this.hasHeader) {
      this.checkpointSeq = (this.checkpointSeq + 1) >>> 0;
      this.salt1 = (this.salt1 + 1) >>> 0;
    } else {
      this.checkpointSeq = 0;
      this.salt1 = randomU32();
    }
    this.salt2 = randomU32();
    this.hasHeader = true;
    this.size = pageSize;
    this.bigEndian = false;
  }

  /** Copies frame images into the database; `pages` ascending, `frames[i]` holding `pages[i]`. */
  private copyPages(wal: VfsFile, db: VfsFile, pages: Uint32Array, frames: Uint32Array): void {
    const pageSize = this.size;
    const frameSize = pageSize + FRAME_HEADER_SIZE;
    const perBatch = Math.max(1, Math.floor(IO_CHUNK / frameSize));
    const out = new Uint8Array(Math.min(perBatch, Math.max(1, pages.length)) * pageSize);
    for (let i = 0; i < pages.length; ) {
      // A run of consecutive page numbers becomes one database write.
      let j = i + 1;
      while (j < pages.length && j - i < perBatch && pages[j] === pages[j - 1]! + 1) j++;
      for (let k = i; k < j; ) {
        // A run of consecutive frames within it becomes one log read.
        let m = k + 1;
        while (m < j && frames[m] === frames[m - 1]! + 1) m++;
        const into = out.subarray((k - i) * pageSize, (m - i) * pageSize);
        if (m - k === 1) {
          this.readFrame(frames[k]!, into);
        } else {
          const run = this.scratchOf((m - k) * frameSize);
          if (wal.read(run, this.frameOffset(frames[k]!)) !== run.length) {
            throw corrupt(`write-ahead log frame ${frames[k]} is truncated`);
          }
          for (let f = 0; f < m - k; f++) {
            const at = f * frameSize + FRAME_HEADER_SIZE;
            into.set(run.subarray(at, at + pageSize), f * pageSize);
          }
        }
        k = m;
      }
      db.write(out.subarray(0, (j - i) * pageSize), (pages[i]! - 1) * pageSize);
      i = j;
    }
  }

  private openForWrite(): VfsFile {
    this.file ??= this.vfs.open(this.path, { create: true });
    return this.file;
  }

  /** A reusable buffer of exactly `length` bytes (a view of a larger one). */
  private scratchOf(length: number): Uint8Array {
    if (this.scratch.length < length) this.scratch = new Uint8Array(length);
    return this.scratch.subarray(0, length);
  }

  private frameOffset(frame: number): number {
    return WAL_HEADER_SIZE + (frame - 1) * (this.size + FRAME_HEADER_SIZE);
  }
}
