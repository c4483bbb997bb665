import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../vfs/memory.js';
import { Pager } from './pager.js';

/** Sets byte 0 of page `pgno` (appending pages as needed) in one transaction of `pager`. */
function writeByte(pager: Pager, pgno: number, value: number): void {
  pager.beginWrite();
  while (pager.pageCount < pgno) pager.release(pager.append());
  const page = pager.get(pgno);
  pager.write(page);
  page.data[0] = value;
  pager.release(page);
  pager.commit();
}

function readByte(pager: Pager, pgno: number): number {
  const page = pager.get(pgno);
  const value = page.data[0]!;
  pager.release(page);
  return value;
}

describe('connections sharing one database file', () => {
  it('WAL readers keep their snapshot while another connection commits', () => {
    const vfs = new MemoryVfs();
    const a = Pager.open(vfs, 's.db');
    const b = Pager.open(vfs, 's.db');
    writeByte(a, 2, 10);
    b.beginRead();
    expect(readByte(b, 2)).toBe(10);
    writeByte(a, 2, 20);
    writeByte(a, 3, 30);
    expect(readByte(b, 2)).toBe(10);
    expect(b.pageCount).toBe(2);
    b.endRead();
    b.beginRead();
    expect(readByte(b, 2)).toBe(20);
    expect(readByte(b, 3)).toBe(30);
    b.endRead();
    a.close();
    b.close();
  });

  it('refuses a second writer, and a write on a stale snapshot, with SQLITE_BUSY', () => {
    const vfs = new MemoryVfs();
    const a = Pager.open(vfs, 'w.db');
    const b = Pager.open(vfs, 'w.db');
    writeByte(a, 2, 1);
    a.beginWrite();
    expect(() => b.beginWrite()).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    a.rollback();
    b.beginRead();
    writeByte(a, 2, 2);
    expect(() => b.beginWrite()).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    b.endRead();
    writeByte(b, 2, 3);
    a.beginRead();
    expect(readByte(a, 2)).toBe(3);
    a.endRead();
    a.close();
    b.close();
  });

  it('holds checkpoints back while a reader needs older frames', () => {
    const vfs = new MemoryVfs();
    const a = Pager.open(vfs, 'c.db', { walAutoCheckpoint: 0 });
    const b = Pager.open(vfs, 'c.db');
    writeByte(a, 2, 1);
    b.beginRead();
    writeByte(a, 2, 2);
    expect(a.checkpoint()).toBe(false);
    expect(readByte(b, 2)).toBe(1);
    b.endRead();
    expect(a.checkpoint()).toBe(true);
    expect(vfs.snapshot('c.db')![4096]).toBe(2);
    a.close();
    expect(vfs.exists('c.db-wal')).toBe(true);
    b.close();
    expect(vfs.exists('c.db-wal')).toBe(false);
  });

  it('rollback mode: a commit waits for readers, and readers then see it', () => {
    const vfs = new MemoryVfs();
    const a = Pager.open(vfs, 'r.db', { journalMode: 'delete' });
    const b = Pager.open(vfs, 'r.db');
    writeByte(a, 2, 1);
    b.beginRead();
    expect(readByte(b, 2)).toBe(1);
    a.beginWrite();
    const page = a.get(2);
    a.write(page);
    page.data[0] = 9;
    a.release(page);
    expect(() => a.commit()).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    expect(readByte(b, 2)).toBe(1);
    b.endRead();
    a.commit();
    b.beginRead();
    expect(readByte(b, 2)).toBe(9);
    b.endRead();
    a.close();
    b.close();
  });

  it('drops a stale cache when another connection committed', () => {
    for (const journalMode of ['wal', 'delete'] as const) {
      const vfs = new MemoryVfs();
      const a = Pager.open(vfs, 'k.db', { journalMode });
      const b = Pager.open(vfs, 'k.db');
      writeByte(a, 2, 5);
      b.beginRead();
      expect(readByte(b, 2)).toBe(5);
      b.endRead();
      writeByte(a, 2, 6);
      b.beginRead();
      expect(readByte(b, 2)).toBe(6);
      b.endRead();
      a.close();
      b.close();
    }
  });
});
