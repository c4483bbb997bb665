/**
 * The page cache: a fixed number of page-sized slots carved out of one buffer (an `ArrayBuffer`, or a
 * `SharedArrayBuffer` handed in by the worker), each with one `Uint8Array` view made when the slot is
 * first used (a 16 MiB cache has 4096 slots, and a connection that reads a few pages should not pay
 * for the rest), so that fetching a cached page allocates nothing.
 *
 * A page number maps to its slot through an open-addressing hash table in an `Int32Array`
 * (linear probing, backward-shift deletion, so there are no tombstones). Eviction is CLOCK: a slot
 * whose reference bit is set gets a second chance. Slots that are pinned (in use by a caller) or dirty
 * (changed in the open write transaction and not yet written anywhere) are never evicted: the pager
 * spills dirty pages when `claim` finds no victim, and when every slot is pinned the cache grows
 * (`grow`) rather than fail: like SQLite, the bound applies to pages nobody holds.
 *
 * The dirty slots are also kept in a list, and the pins in a running total, so that a commit finds
 * its pages and checks that nothing is pinned without sweeping the whole cache.
 *
 * Invariants: a slot holding a page has its view; a slot is free (pgno 0) or holds exactly one page number present once in the hash;
 * `pins[slot] >= 0` and `pinCount` is their sum; a dirty slot is never free; a slot is in `dirtyList`
 * (at `dirtyAt[slot]`, below `dirtyCount`) exactly when it is dirty.
 */
import { assert } from '../common/assert.js';

const FLAG_DIRTY = 1;
/** Up to this many dirty slots are sorted by insertion rather than by `Array.prototype.sort`. */
const SMALL_SORT = 16;
const FLAG_REFERENCED = 2;

/** A power-of-two hash table size keeping the load factor at most one half. */
function tableSizeFor(capacity: number): number {
  let size = 16;
  while (size < capacity * 2) size *= 2;
  return size;
}

/** Knuth multiplicative hash of a page number into a power-of-two table. */
function hashOf(pgno: number, mask: number): number {
  return Math.imul(pgno, 0x9e3779b1) >>> 0 & mask;
}

export class PageCache {
  readonly pageSize: number;
  capacity: number;
  /** `data[slot]`: the bytes of the page held in `slot` (absent for a slot not used yet). */
  readonly data: Uint8Array[];
  /** The buffer that slots `[0, slabSlots)` are views of; slots added by `grow` have their own. */
  private slab: ArrayBuffer | SharedArrayBuffer;
  private slabSlots: number;
  /** `pgnos[slot]`: the page held in `slot`, 0 when the slot is free. */
  pgnos: Uint32Array;
  private pins: Int32Array;
  private flags: Uint8Array;
  /** Hash table of slot+1 (0 = empty), keyed by the slot's page number. */
  private table: Int32Array;
  private mask: number;
  private hand = 0;
  /** Slots never used yet are handed out in order before the clock runs. */
  private fresh = 0;
  private freeSlots: number[] = [];
  /** The dirty slots in `dirtyList[0..dirtyCount)`, in no order; `dirtyAt[slot]` is a dirty slot's index there. */
  private dirtyList: Int32Array;
  private dirtyCount = 0;
  private dirtyAt: Int32Array;
  private pinCount = 0;
  /**
   * False when the cache is the only copy of its pages (an in-memory database): `claim` then never
   * evicts, so a full cache makes the pager grow it.
   */
  evicts = true;

  constructor(pageSize: number, capacity: number, buffer?: ArrayBuffer | SharedArrayBuffer) {
    assert(capacity >= 8, 'page cache holds at least 8 pages');
    this.pageSize = pageSize;
    this.capacity = capacity;
    const bytes = pageSize * capacity;
    this.slab = buffer ?? new ArrayBuffer(bytes);
    this.slabSlots = capacity;
    assert(this.slab.byteLength >= bytes, 'page cache buffer is large enough');
    this.data = new Array<Uint8Array>(capacity);
    this.pgnos = new Uint32Array(capacity);
    this.pins = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.dirtyList = new Int32Array(capacity);
    this.dirtyAt = new Int32Array(capacity);
    this.table = new Int32Array(tableSizeFor(capacity));
    this.mask = this.table.length - 1;
  }

  /**
   * Adds `extra` slots (outside the shared buffer), for when every slot is pinned. Existing slots keep
   * their numbers and bytes.
   */
  grow(extra: number): void {
    const capacity = this.capacity + extra;
    const slab = new ArrayBuffer(extra * this.pageSize);
    this.data.length = capacity;
    for (let i = 0; i < extra; i++) this.data[this.capacity + i] = new Uint8Array(slab, i * this.pageSize, this.pageSize);
    const pgnos = new Uint32Array(capacity);
    pgnos.set(this.pgnos);
    const pins = new Int32Array(capacity);
    pins.set(this.pins);
    const flags = new Uint8Array(capacity);
    flags.set(this.flags);
    const dirtyList = new Int32Array(capacity);
    dirtyList.set(this.dirtyList);
    const dirtyAt = new Int32Array(capacity);
    dirtyAt.set(this.dirtyAt);
    this.pgnos = pgnos;
    this.pins = pins;
    this.flags = flags;
    this.dirtyList = dirtyList;
    this.dirtyAt = dirtyAt;
    this.capacity = capacity;
    this.table = new Int32Array(tableSizeFor(capacity));
    this.mask = this.table.length - 1;
    for (let slot = 0; slot < this.fresh; slot++) if (this.pgnos[slot] !== 0) this.insertHash(slot);
  }

  /**
   * Shrinks the cache to `target` slots, or as near as the pages it must keep allow: clean unpinned
   * pages in the slots cut off are dropped, dirty unpinned ones move down into slots below `target`
   * (free ones, else ones whose clean page is dropped for them), and pinned ones stay where they are
   * (callers hold their slot numbers). The cache then ends after its highest slot still in use. With
   * nothing pinned the kept pages move into a buffer of the new size, so the old one is released.
   */
  shrink(target: number): void {
    assert(target >= 8, 'page cache holds at least 8 pages');
    if (target >= this.capacity) return;
    for (let slot = target; slot < this.fresh; slot++) {
      if (this.pgnos[slot] !== 0 && this.pins[slot] === 0 && !this.isDirty(slot)) this.drop(slot);
    }
    let low = 0;
    for (let slot = target; slot < this.fresh; slot++) {
      if (this.pgnos[slot] === 0 || this.pins[slot]! > 0) continue;
      // A dirty page: find it a place below the target.
      while (low < target && (this.pins[low]! > 0 || this.isDirty(low))) low++;
      if (low >= target) break;
      if (low < this.fresh && this.pgnos[low] !== 0) this.drop(low);
      this.move(slot, low);
    }
    let capacity = target;
    for (let slot = target; slot < this.fresh; slot++) if (this.pgnos[slot] !== 0) capacity = slot + 1;
    this.truncateTo(capacity);
  }

  /** Moves the unpinned page in slot `from` into the free slot `to`, keeping its bytes and dirtiness. */
  private move(from: number, to: number): void {
    const pgno = this.pgnos[from]!;
    const dirty = this.isDirty(from);
    this.viewOf(to).set(this.data[from]!);
    this.setClean(from);
    this.unmap(from);
    this.flags[from] = 0;
    this.pgnos[to] = pgno;
    this.flags[to] = FLAG_REFERENCED;
    if (dirty) this.setDirty(to);
    if (to >= this.fresh) this.fresh = to + 1;
    this.insertHash(to);
  }

  /** Cuts the slot arrays to `capacity` slots (those above it are free) and rebuilds the hash and free list. */
  private truncateTo(capacity: number): void {
    if (this.pinCount === 0) {
      const old = this.data.slice(0, Math.min(this.fresh, capacity));
      this.slab = new ArrayBuffer(capacity * this.pageSize);
      this.slabSlots = capacity;
      this.data.length = 0;
      for (let slot = 0; slot < old.length; slot++) {
        const view = this.viewOf(slot);
        if (this.pgnos[slot] !== 0) view.set(old[slot]!);
      }
    }
    this.data.length = capacity;
    this.pgnos = this.pgnos.slice(0, capacity);
    this.pins = this.pins.slice(0, capacity);
    this.flags = this.flags.slice(0, capacity);
    this.dirtyList = this.dirtyList.slice(0, capacity);
    this.dirtyAt = this.dirtyAt.slice(0, capacity);
    this.capacity = capacity;
    this.fresh = Math.min(this.fresh, capacity);
    this.hand = 0;
    this.freeSlots = [];
    for (let slot = this.fresh - 1; slot >= 0; slot--) if (this.pgnos[slot] === 0) this.freeSlots.push(slot);
    this.table = new Int32Array(tableSizeFor(capacity));
    this.mask = this.table.length - 1;
    for (let slot = 0; slot < this.fresh; slot++) if (this.pgnos[slot] !== 0) this.insertHash(slot);
  }

  /** The slot holding `pgno`, or -1. Marks the slot recently used. */
  lookup(pgno: number): number {
    const table = this.table;
    for (let i = hashOf(pgno, this.mask); ; i = (i + 1) & this.mask) {
      const entry = table[i]!;
      if (entry === 0) return -1;
      if (this.pgnos[entry - 1] === pgno) {
        this.flags[entry - 1]! |= FLAG_REFERENCED;
        return entry - 1;
      }
    }
  }

  /**
   * Finds a slot for `pgno` (which must not be cached): a fresh or free slot, else the CLOCK victim
   * among clean unpinned slots (unless the cache never `evicts`). Returns -1 when every slot is pinned
   * or dirty, or full in a cache that does not evict. The slot's bytes are
   * stale: the caller fills them.
   */
  claim(pgno: number): number {
    assert(pgno > 0, 'page numbers start at 1');
    let slot: number;
    if (this.freeSlots.length > 0) {
      slot = this.freeSlots.pop()!;
      this.viewOf(slot);
    } else if (this.fresh < this.capacity) {
      slot = this.fresh++;
      this.viewOf(slot);
    } else {
      slot = this.evicts ? this.findVictim() : -1;
      if (slot < 0) return -1;
      this.unmap(slot);
    }
    this.pgnos[slot] = pgno;
    this.flags[slot] = FLAG_REFERENCED;
    this.insertHash(slot);
    return slot;
  }

  /** The view of `slot`, made on first use (slots added by `grow` have theirs from the start). */
  private viewOf(slot: number): Uint8Array {
    let view = this.data[slot];
    if (view === undefined) {
      assert(slot < this.slabSlots, 'a slot without a view lies in the slab');
      view = this.data[slot] = new Uint8Array(this.slab, slot * this.pageSize, this.pageSize);
    }
    return view;
  }

  /** Forgets the page in `slot` (which must be unpinned); its bytes are discarded. */
  drop(slot: number): void {
    assert(this.pins[slot] === 0, 'a dropped page is not pinned');
    if (this.pgnos[slot] === 0) return;
    this.setClean(slot);
    this.unmap(slot);
    this.flags[slot] = 0;
    this.freeSlots.push(slot);
  }

  pin(slot: number): void {
    this.pins[slot]!++;
    this.pinCount++;
  }

  unpin(slot: number): void {
    assert(this.pins[slot]! > 0, 'unpin of a pinned page');
    this.pins[slot]!--;
    this.pinCount--;
  }

  isPinned(slot: number): boolean {
    return this.pins[slot]! > 0;
  }

  isDirty(slot: number): boolean {
    return (this.flags[slot]! & FLAG_DIRTY) !== 0;
  }

  setDirty(slot: number): void {
    if (this.flags[slot]! & FLAG_DIRTY) return;
    this.flags[slot]! |= FLAG_DIRTY;
    this.dirtyAt[slot] = this.dirtyCount;
    this.dirtyList[this.dirtyCount++] = slot;
  }

  setClean(slot: number): void {
    if (!(this.flags[slot]! & FLAG_DIRTY)) return;
    this.flags[slot]! &= ~FLAG_DIRTY;
    // Move the last dirty slot into this one's place.
    const last = this.dirtyList[--this.dirtyCount]!;
    const at = this.dirtyAt[slot]!;
    this.dirtyList[at] = last;
    this.dirtyAt[last] = at;
  }

  /** Marks every dirty slot clean (their pages were written where they belong). */
  cleanAll(): void {
    for (let i = 0; i < this.dirtyCount; i++) this.flags[this.dirtyList[i]!]! &= ~FLAG_DIRTY;
    this.dirtyCount = 0;
  }

  /** Number of dirty slots. */
  get dirty(): number {
    return this.dirtyCount;
  }

  /** Total pins held; zero whenever no cursor or operation is active. */
  pinnedTotal(): number {
    return this.pinCount;
  }

  /** Slots of all dirty pages, in ascending page-number order (a new array). */
  dirtySlots(): number[] {
    const n = this.dirtyCount;
    const list = this.dirtyList;
    const pgnos = this.pgnos;
    const slots = new Array<number>(n);
    if (n > SMALL_SORT) {
      for (let i = 0; i < n; i++) slots[i] = list[i]!;
      return slots.sort((a, b) => pgnos[a]! - pgnos[b]!);
    }
    // An insertion sort: most commits have a page or two.
    for (let i = 0; i < n; i++) {
      const slot = list[i]!;
      const pgno = pgnos[slot]!;
      let j = i;
      for (; j > 0 && pgnos[slots[j - 1]!]! > pgno; j--) slots[j] = slots[j - 1]!;
      slots[j] = slot;
    }
    return slots;
  }

  /** Drops every unpinned page, dirty or not. */
  clear(): void {
    for (let i = 0; i < this.fresh; i++) if (this.pgnos[i] !== 0 && this.pins[i] === 0) this.drop(i);
  }

  /** Drops every cached page numbered above `pageCount` (after the database shrinks). */
  dropAbove(pageCount: number): void {
    for (let i = 0; i < this.fresh; i++) if (this.pgnos[i]! > pageCount) this.drop(i);
  }

  private findVictim(): number {
    // Two sweeps: the first clears reference bits, the second must then find any clean unpinned slot.
    for (let step = 0; step < this.capacity * 2; step++) {
      const slot = this.hand;
      this.hand = slot + 1 === this.capacity ? 0 : slot + 1;
      const f = this.flags[slot]!;
      if (this.pins[slot]! > 0 || f & FLAG_DIRTY) continue;
      if (f & FLAG_REFERENCED) {
        this.flags[slot] = f & ~FLAG_REFERENCED;
        continue;
      }
      return slot;
    }
    return -1;
  }

  private insertHash(slot: number): void {
    const table = this.table;
    let i = hashOf(this.pgnos[slot]!, this.mask);
    while (table[i] !== 0) i = (i + 1) & this.mask;
    table[i] = slot + 1;
  }

  /** Removes `slot`'s page number from the hash (backward-shift deletion) and frees the slot. */
  private unmap(slot: number): void {
    const table = this.table;
    const mask = this.mask;
    let i = hashOf(this.pgnos[slot]!, mask);
    while (table[i] !== slot + 1) {
      assert(table[i] !== 0, 'cached page is in the hash table');
      i = (i + 1) & mask;
    }
    // Shift later entries of the probe run back into the hole so lookups never stop early.
    let hole = i;
    for (let j = (i + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const home = hashOf(this.pgnos[table[j]! - 1]!, mask);
      const movable = hole <= j ? home <= hole || home > j : home <= hole && home > j;
      if (movable) {
        table[hole] = table[j]!;
        hole = j;
      }
    }
    table[hole] = 0;
    this.pgnos[slot] = 0;
  }
}
