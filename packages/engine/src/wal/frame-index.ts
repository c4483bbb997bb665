/**
 * The in-memory wal-index: which frame of the log holds the newest copy of a page. It replaces SQLite's
 * -shm file (one connection per database in this process) and is rebuilt by recovery on open.
 *
 * Layout, all typed arrays:
 * - an open-addressing hash from page number to the newest frame holding it (`keys` / `heads`);
 * - per frame, its page number and the previous frame holding the same page (`pgnos` / `prev`).
 * Frames are numbered from 1 and only ever added as `lastFrame + 1`; `truncate` forgets the newest
 * frames in reverse order, restoring exactly the chains that existed before they were added.
 * A key whose chain becomes empty stays in the hash with head 0 until `clear` (no deletions needed).
 */
import { assert } from '../common/assert.js';

const MIN_HASH_BITS = 8;
const MIN_FRAMES = 256;

/** Page number → newest frame, with a per-frame chain to older frames of the same page. */
export class FrameIndex {
  private hashBits = MIN_HASH_BITS;
  private keys = new Uint32Array(1 << MIN_HASH_BITS); // page number, 0 = empty slot
  private heads = new Uint32Array(1 << MIN_HASH_BITS); // newest frame of that page, 0 = none
  private usedSlots = 0;
  private pgnos = new Uint32Array(MIN_FRAMES); // indexed by frame number (slot 0 unused)
  private prev = new Uint32Array(MIN_FRAMES);
  private last = 0;

  /** The newest frame added. */
  get lastFrame(): number {
    return this.last;
  }

  /** Records that frame `lastFrame + 1` holds page `pgno`. */
  add(pgno: number, frame: number): void {
    assert(frame === this.last + 1, 'frames are indexed in order');
    assert(pgno > 0, 'page numbers start at 1');
    if (frame >= this.pgnos.length) this.growFrames(frame + 1);
    if ((this.usedSlots + 1) * 2 > this.keys.length) this.rehash(this.hashBits + 1);
    const slot = this.slotOf(pgno);
    if (this.keys[slot] === 0) {
      this.keys[slot] = pgno;
      this.usedSlots++;
    }
    this.pgnos[frame] = pgno;
    this.prev[frame] = this.heads[slot]!;
    this.heads[slot] = frame;
    this.last = frame;
  }

  /** The newest frame ≤ `maxFrame` holding `pgno`, or 0. */
  find(pgno: number, maxFrame: number): number {
    let frame = this.heads[this.slotOf(pgno)]!;
    while (frame > maxFrame) frame = this.prev[frame]!;
    return frame;
  }

  /** Forgets every frame after `frame`. */
  truncate(frame: number): void {
    assert(frame >= 0 && frame <= this.last, 'truncation point within the index');
    for (let f = this.last; f > frame; f--) {
      const slot = this.slotOf(this.pgnos[f]!);
      assert(this.heads[slot] === f, 'frames are forgotten newest first');
      this.heads[slot] = this.prev[f]!;
    }
    this.last = frame;
  }

  /** Forgets every frame and shrinks back to the initial size. */
  clear(): void {
    this.hashBits = MIN_HASH_BITS;
    this.keys = new Uint32Array(1 << MIN_HASH_BITS);
    this.heads = new Uint32Array(1 << MIN_HASH_BITS);
    this.usedSlots = 0;
    this.pgnos = new Uint32Array(MIN_FRAMES);
    this.prev = new Uint32Array(MIN_FRAMES);
    this.last = 0;
  }

  /**
   * Every page with a frame ≤ `maxFrame` and its newest such frame, in ascending page order:
   * `pages[i]` is held by `frames[i]`.
   */
  newestFrames(maxFrame: number): { pages: Uint32Array; frames: Uint32Array } {
    const found = new Uint32Array(this.usedSlots);
    let n = 0;
    for (let slot = 0; slot < this.keys.length; slot++) {
      const pgno = this.keys[slot]!;
      if (pgno !== 0 && this.find(pgno, maxFrame) !== 0) found[n++] = pgno;
    }
    const pages = found.subarray(0, n).sort();
    const frames = new Uint32Array(n);
    for (let i = 0; i < n; i++) frames[i] = this.find(pages[i]!, maxFrame);
    return { pages, frames };
  }

  /** The slot holding `pgno`, or the empty slot where it would go (linear probing). */
  private slotOf(pgno: number): number {
    const mask = this.keys.length - 1;
    let slot = Math.imul(pgno, 0x9e3779b1) >>> (32 - this.hashBits);
    for (;;) {
      const key = this.keys[slot]!;
      if (key === pgno || key === 0) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private rehash(bits: number): void {
    const oldKeys = this.keys;
    const oldHeads = this.heads;
    this.hashBits = bits;
    this.keys = new Uint32Array(1 << bits);
    this.heads = new Uint32Array(1 << bits);
    for (let i = 0; i < oldKeys.length; i++) {
      const pgno = oldKeys[i]!;
      if (pgno === 0) continue;
      const slot = this.slotOf(pgno);
      this.keys[slot] = pgno;
      this.heads[slot] = oldHeads[i]!;
    }
  }

  private growFrames(needed: number): void {
    const size = Math.max(needed, this.pgnos.length * 2);
    const pgnos = new Uint32Array(size);
    pgnos.set(this.pgnos);
    this.pgnos = pgnos;
    const prev = new Uint32Array(size);
    prev.set(this.prev);
    this.prev = prev;
  }
}
