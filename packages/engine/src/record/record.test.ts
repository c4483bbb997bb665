import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { SqliteError } from '../common/errors.js';
import { compareKeyToRecord, keyInfoBinary, UnpackedKey } from './compare.js';
import type { Int64 } from './int64.js';
import { decodeRecord, encodeRecord, RecordReader, RecordWriter } from './record.js';
import { type SqlValue, ValueType } from './value.js';
import { getVarint, varintLength } from './varint.js';
import { rng } from '../../test/support/prng.js';

// ---- deterministic random values -----------------------------------------------------------------


/** A value with its intended storage class (a number alone cannot say INTEGER 1 vs REAL 1.0). */
type Typed = [ValueType, SqlValue];

const INT_EDGES: bigint[] = [0n, 1n, 2n, 127n, 128n, 255n, 256n, 32767n, 32768n, 8388607n, 8388608n];
for (const e of [31n, 47n, 53n, 63n]) INT_EDGES.push((1n << e) - 1n, 1n << e, (1n << e) + 1n);
const INT_BOUNDS = [...INT_EDGES, ...INT_EDGES.map((v) => -v), -(1n << 63n)].filter(
  (v) => v >= -(1n << 63n) && v < 1n << 63n,
);
const REAL_EDGES = [-0, Infinity, -Infinity, 0, 1, -1, 2 ** 53, 2 ** 63, -(2 ** 63), 1e308, 5e-324];
const TEXT_PIECES = ['a', 'B', 'z', ' ', '  ', '\0', 'é', 'ß', '中', '😀', '\uffff', '\u{10ffff}', 'xyz'];
TEXT_PIECES.push('\ufeff');

function norm(v: bigint): Int64 {
  return v >= -BigInt(Number.MAX_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function makeGen(seed: number, maxText = 40) {
  const rand = rng(seed);
  const int = (): Int64 => {
    if (rand() < 0.4) return norm(INT_BOUNDS[Math.floor(rand() * INT_BOUNDS.length)]);
    const bits = Math.floor(rand() * 64);
    let v = 0n;
    for (let b = 0; b < bits; b += 16) v = (v << 16n) | BigInt(Math.floor(rand() * 65536));
    v &= (1n << BigInt(bits)) - 1n;
    return norm(rand() < 0.3 ? -v : v);
  };
  const real = (): number => {
    const r = rand();
    if (r < 0.1) return REAL_EDGES[Math.floor(rand() * REAL_EDGES.length)];
    if (r < 0.3) return Math.floor((rand() - 0.5) * 1e6);
    return (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
  };
  const text = (): string => {
    const n = rand() < 0.02 ? 20000 + Math.floor(rand() * 20000) : Math.floor(rand() * maxText);
    let s = '';
    while (s.length < n) s += TEXT_PIECES[Math.floor(rand() * TEXT_PIECES.length)];
    return s;
  };
  const blob = (): Uint8Array => {
    const n = rand() < 0.02 ? 5000 : Math.floor(rand() * 20);
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = rand() * 256;
    return b;
  };
  const value = (): Typed => {
    switch (Math.floor(rand() * 5)) {
      case 0:
        return [ValueType.Null, null];
      case 1:
        return [ValueType.Integer, int()];
      case 2:
        return [ValueType.Real, real()];
      case 3:
        return [ValueType.Text, text()];
      default:
        return [ValueType.Blob, blob()];
    }
  };
  return { rand, int, real, text, blob, value };
}

function push(w: RecordWriter, [t, v]: Typed): void {
  switch (t) {
    case ValueType.Null:
      return w.pushNull();
    case ValueType.Integer:
      return w.pushInt(v as Int64);
    case ValueType.Real:
      return w.pushReal(v as number);
    case ValueType.Text:
      return w.pushText(v as string);
    default:
      return w.pushBlob(v as Uint8Array);
  }
}

function encodeTyped(row: Typed[], w = new RecordWriter()): Uint8Array {
  w.reset();
  for (const v of row) push(w, v);
  return w.toBytes();
}

function expectCorrupt(f: () => unknown): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SqliteError);
  expect((err as SqliteError).code).toBe('SQLITE_CORRUPT');
}

/** Smallest serial type for an integer, from the format description. */
function expectedIntSerial(v: bigint): number {
  if (v === 0n) return 8;
  if (v === 1n) return 9;
  for (const [t, bytes] of [[1, 1], [2, 2], [3, 3], [4, 4], [5, 6], [6, 8]]) {
    const lim = 1n << BigInt(8 * bytes - 1);
    if (v >= -lim && v < lim) return t;
  }
  throw new Error('out of range');
}

function expectSameValue(got: SqlValue, t: ValueType, want: SqlValue): void {
  if (t === ValueType.Real && Number.isNaN(want)) want = null;
  if (typeof want === 'number') expect(Object.is(got, want), `${String(got)} vs ${want}`).toBe(true);
  else expect(got).toEqual(want);
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

// ---- round trip --------------------------------------------------------------------------------

describe('record round trip', () => {
  test('random rows of every storage class decode to what was written', () => {
    const g = makeGen(7);
    const w = new RecordWriter();
    const r = new RecordReader();
    for (let k = 0; k < 3000; k++) {
      const row: Typed[] = [];
      const n = Math.floor(g.rand() * (k % 10 === 0 ? 40 : 12));
      for (let i = 0; i < n; i++) row.push(g.value());
      const bytes = encodeTyped(row, w);
      expect(w.size()).toBe(bytes.length);
      // Unaligned, inside a larger buffer.
      const buf = new Uint8Array(bytes.length + 10);
      buf.set(bytes, 3);
      r.init(buf, 3, bytes.length);
      expect(r.count).toBe(n);
      for (let i = 0; i < n; i++) {
        const [t, v] = row[i];
        expect(r.type(i)).toBe(t);
        expectSameValue(r.getValue(i), t, v);
        if (t === ValueType.Integer) expect(r.getInt(i)).toBe(v);
        if (t === ValueType.Real) expect(Object.is(r.getReal(i), v)).toBe(true);
        if (t === ValueType.Text) expect(utf8.decode(r.getTextBytes(i))).toBe(v);
      }
      expect(r.isNull(n)).toBe(true);
      expect(r.getValue(n + 5)).toBe(null);
    }
  });

  test('SqlValue classes: encodeRecord/decodeRecord', () => {
    const values: SqlValue[] = [
      null, 0, 1, -1, 1.5, -0, Infinity, -Infinity, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n, 12n, '',
      'hé😀', new Uint8Array(0), Uint8Array.of(0, 255), Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER,
      2 ** 53,
    ];
    const rec = encodeRecord(values);
    const out = decodeRecord(rec);
    expect(out).toEqual(values.map((v) => (typeof v === 'bigint' ? norm(v) : v)));
    expect(Object.is(out[5], -0)).toBe(true);
    expect(out[11]).toBe(12); // a bigint in the safe range comes back as a number
    const r = new RecordReader();
    r.init(rec, 0, rec.length);
    expect(r.type(5)).toBe(ValueType.Real);
    expect(r.type(11)).toBe(ValueType.Integer);
    expect(r.type(12)).toBe(ValueType.Text);
    expect(r.type(14)).toBe(ValueType.Blob);
    expect(r.serialType(18)).toBe(7); // 2^53 as a number is not a safe integer: a REAL
  });

  test('integers take the smallest serial type', () => {
    const r = new RecordReader();
    for (const b of INT_BOUNDS) {
      const rec = encodeRecord([norm(b)]);
      r.init(rec, 0, rec.length);
      expect(r.serialType(0), String(b)).toBe(expectedIntSerial(b));
      expect(r.getInt(0)).toBe(norm(b));
    }
  });

  test('REAL keeps serial type 7 for 1.0, -0.0 and ±Infinity; NaN is stored as NULL', () => {
    const w = new RecordWriter();
    for (const v of [1, -0, Infinity, -Infinity, 0]) {
      w.reset();
      w.pushReal(v);
      const rec = w.toBytes();
      expect([...rec.subarray(0, 2)]).toEqual([2, 7]);
      const out = decodeRecord(rec)[0];
      expect(Object.is(out, v)).toBe(true);
    }
    expect([...encodeRecord([NaN])]).toEqual([2, 0]);
    w.reset();
    w.pushReal(NaN);
    expect([...w.toBytes()]).toEqual([2, 0]);
  });

  test('a REAL body holding a NaN reads as NULL', () => {
    const rec = Uint8Array.of(2, 7, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0);
    const r = new RecordReader();
    r.init(rec, 0, rec.length);
    expect(r.isNull(0)).toBe(true);
    expect(r.type(0)).toBe(ValueType.Null);
    expect(r.getValue(0)).toBe(null);
  });

  test('text: empty, large, surrogate pairs; pre-encoded UTF-8 and string agree', () => {
    const big = '😀é'.repeat(50000) + 'x'.repeat(70000);
    for (const s of ['', 'a', big, '\u{10ffff}\0\ufeff']) {
      const a = encodeTyped([[ValueType.Text, s]]);
      const w = new RecordWriter();
      w.pushText(new TextEncoder().encode(s));
      expect(w.toBytes()).toEqual(a);
      expect(decodeRecord(a)[0]).toBe(s);
    }
  });

  test('getTextBytes is a view; getBlob is a copy', () => {
    const rec = encodeRecord(['abc', Uint8Array.of(1, 2, 3)]);
    const r = new RecordReader();
    r.init(rec, 0, rec.length);
    const view = r.getTextBytes(0);
    expect(view.buffer).toBe(rec.buffer);
    expect(new TextDecoder().decode(view)).toBe('abc');
    const blob = r.getBlob(1);
    expect(blob.buffer).not.toBe(rec.buffer);
    expect(blob).toEqual(Uint8Array.of(1, 2, 3));
    expect(r.getText(0)).toBe('abc');
  });

  test('a reused writer matches fresh encodings, including when its text buffer is replaced', () => {
    const g = makeGen(11, 400);
    const w = new RecordWriter();
    for (let k = 0; k < 500; k++) {
      const row: Typed[] = [];
      for (let i = Math.floor(g.rand() * 40); i > 0; i--) row.push(g.value());
      expect(encodeTyped(row, w)).toEqual(encodeTyped(row));
    }
  });

  test('headers of 127+ bytes use a two-byte header-size varint that counts itself', () => {
    for (const n of [125, 126, 127, 128, 200]) {
      const values = new Array<SqlValue>(n).fill(null);
      const rec = encodeRecord(values);
      const hdr = getVarint(rec, 0);
      expect(hdr).toBe(n + varintLength);
      expect(rec.length).toBe(hdr);
      expect(decodeRecord(rec).length).toBe(n);
    }
  });

  test('writeTo writes at an offset and returns the size', () => {
    const w = new RecordWriter();
    w.pushInt(300);
    w.pushText('hi');
    const buf = new Uint8Array(20).fill(0xee);
    expect(w.writeTo(buf, 5)).toBe(w.size());
    expect([...buf.subarray(5, 5 + w.size())]).toEqual([3, 2, 17, 1, 44, 104, 105]);
    expect(buf[4]).toBe(0xee);
    expect(buf[5 + w.size()]).toBe(0xee);
  });
});

// ---- SQLite's own bytes --------------------------------------------------------------------------

/** Every record of the table b-tree rooted at `root` in a database image, by rowid (no overflow). */
function tableRecords(image: Uint8Array, root: number): Map<Int64, Uint8Array> {
  const u16 = (p: number) => (image[p] << 8) | image[p + 1];
  const u32 = (p: number) => ((image[p] << 24) | (image[p + 1] << 16) | (image[p + 2] << 8) | image[p + 3]) >>> 0;
  const pageSize = u16(16) === 1 ? 65536 : u16(16);
  const out = new Map<Int64, Uint8Array>();
  const visit = (pgno: number): void => {
    const base = (pgno - 1) * pageSize;
    const h = base + (pgno === 1 ? 100 : 0);
    const type = image[h];
    const nCell = u16(h + 3);
    const cells = h + (type === 0x05 ? 12 : 8);
    for (let i = 0; i < nCell; i++) {
      const c = base + u16(cells + 2 * i);
      if (type === 0x05) {
        visit(u32(c));
        continue;
      }
      expect(type).toBe(0x0d);
      const size = getVarint(image, c) as number;
      let p = c + varintLength;
      const rowid = getVarint(image, p);
      p += varintLength;
      expect(size).toBeLessThanOrEqual(pageSize - 35);
      out.set(rowid, new Uint8Array(image.subarray(p, p + size)));
    }
    if (type === 0x05) visit(u32(h + 8));
  };
  visit(root);
  return out;
}

function bindable([t, v]: Typed): unknown {
  if (t === ValueType.Integer) return BigInt(v as Int64); // better-sqlite3 binds every number as REAL
  if (t === ValueType.Blob) return Buffer.from(v as Uint8Array);
  return v;
}

describe('against SQLite 3.53 (better-sqlite3)', () => {
  test('records are byte-identical to the ones SQLite stores, and dbstat payload agrees', () => {
    const db = new Database(':memory:');
    db.pragma('page_size = 65536');
    const g = makeGen(3, 60);
    const w = new RecordWriter();
    let checked = 0;
    for (const nCol of [1, 3, 12]) {
      const cols = Array.from({ length: nCol }, (_, i) => `c${i}`);
      db.exec(`CREATE TABLE t${nCol}(${cols.join(', ')})`);
      const insert = db.prepare(`INSERT INTO t${nCol} VALUES (${cols.map(() => '?').join(', ')})`);
      const mine = new Map<Int64, Uint8Array>();
      let sizes = 0;
      for (let rowid = 1; rowid <= 700; rowid++) {
        const row: Typed[] = [];
        for (let i = 0; i < nCol; i++) row.push(g.value());
        const rec = encodeTyped(row, w);
        if (rec.length > 20000) continue; // keep clear of overflow pages
        sizes += w.size();
        mine.set(Number(insert.run(...row.map(bindable)).lastInsertRowid), rec);
      }
      const schema = db.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').pluck();
      const root = schema.get(`t${nCol}`) as number;
      const theirs = tableRecords(db.serialize(), root);
      expect(theirs.size).toBe(mine.size);
      for (const [rowid, rec] of mine) {
        expect(theirs.get(rowid), `t${nCol} rowid ${rowid}`).toEqual(rec);
        checked++;
      }
      const dbstat = db
        .prepare(`SELECT sum(payload) AS p FROM dbstat WHERE name = ? AND pagetype = 'leaf'`)
        .get(`t${nCol}`) as { p: number };
      expect(dbstat.p).toBe(sizes);
    }
    expect(checked).toBeGreaterThan(1500);
    db.close();
  });
});

// ---- corruption ----------------------------------------------------------------------------------

/** A view of `bytes` that throws on any index read outside [lo, hi). */
function guarded(bytes: Uint8Array, lo: number, hi: number): Uint8Array {
  return new Proxy(bytes, {
    get(target, prop) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) {
        const i = Number(prop);
        if (i < lo || i >= hi) throw new Error(`out-of-bounds read at ${i} (record is [${lo}, ${hi}))`);
        return target[i];
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('corrupt records', () => {
  const r = new RecordReader();
  const init = (bytes: number[]) => () => r.init(guarded(Uint8Array.from(bytes), 0, bytes.length), 0, bytes.length);

  test('a valid record passes the guard', () => {
    init([3, 1, 13, 5])();
    expect(r.getValue(0)).toBe(5);
    expect(r.getValue(1)).toBe('');
  });

  test('header size past the payload', () => expectCorrupt(init([5, 1, 1, 7])));
  test('header size smaller than its own varint', () => expectCorrupt(init([0])));
  test('two-byte header size varint running past the payload', () => expectCorrupt(init([0x81])));
  test('empty payload', () => expectCorrupt(() => r.init(new Uint8Array(4), 2, 0)));
  test('reserved serial type 10', () => expectCorrupt(init([2, 10])));
  test('reserved serial type 11', () => expectCorrupt(init([3, 1, 11, 5])));
  test('body overrun', () => expectCorrupt(init([3, 1, 2, 5, 6])));
  test('text body overrun', () => expectCorrupt(init([2, 19, 0x61])));
  test('payload longer than the body', () => expectCorrupt(init([2, 1, 5, 0])));
  test('serial-type varint crossing the end of the header', () => expectCorrupt(init([2, 0x81, 0x00])));
  test('header-size varint truncated by the record length, not the buffer', () => {
    const buf = Uint8Array.of(0x81, 0x01, 0x00);
    expectCorrupt(() => r.init(guarded(buf, 0, 1), 0, 1));
  });
  test('a failed init leaves an empty record', () => {
    expectCorrupt(init([3, 1, 2, 5, 6]));
    expect(r.count).toBe(0);
    expect(r.getValue(0)).toBe(null);
  });

  test('mutated records: SQLITE_CORRUPT or valid columns, never an out-of-bounds read', () => {
    const g = makeGen(5, 10);
    const key = new UnpackedKey();
    let corruptCount = 0;
    let validCount = 0;
    for (let k = 0; k < 20000; k++) {
      const row: Typed[] = [];
      for (let i = Math.floor(g.rand() * 6); i > 0; i--) row.push(g.value());
      const rec = encodeTyped(row);
      const mutated = rec.slice(0, Math.max(1, rec.length - (g.rand() < 0.2 ? Math.floor(g.rand() * 3) : 0)));
      for (let m = Math.floor(g.rand() * 3) + 1; m > 0; m--) {
        const p = Math.floor(g.rand() * Math.min(mutated.length, 8));
        mutated[p] = g.rand() < 0.5 ? g.rand() * 256 : mutated[p] ^ (1 << Math.floor(g.rand() * 8));
      }
      const off = 4;
      const buf = new Uint8Array(mutated.length + 8);
      buf.set(mutated, off);
      const view = guarded(buf, off, off + mutated.length);
      try {
        r.init(view, off, mutated.length);
        validCount++;
        for (let i = 0; i <= r.count; i++) {
          if (i < r.count) {
            expect(r.offsetOf(i)).toBeGreaterThanOrEqual(off);
            expect(r.offsetOf(i) + r.sizeOf(i)).toBeLessThanOrEqual(off + mutated.length);
          }
          const v = r.getValue(i);
          if (typeof v === 'number' && r.type(i) === ValueType.Integer) expect(Number.isSafeInteger(v)).toBe(true);
        }
      } catch (e) {
        expect((e as SqliteError).code, String(e)).toBe('SQLITE_CORRUPT');
        corruptCount++;
      }
      try {
        key.fromValues(row.map(([, v]) => v));
        compareKeyToRecord(key, view, off, mutated.length, keyInfoBinary(8));
      } catch (e) {
        expect((e as SqliteError).code, String(e)).toBe('SQLITE_CORRUPT');
      }
    }
    expect(corruptCount).toBeGreaterThan(1000);
    expect(validCount).toBeGreaterThan(1000);
  });

  test('mutated headers: whenever SQLite reports corruption, so does the reader; otherwise they agree', () => {
    const g = makeGen(9, 6);
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t(a, b, c)');
    const row: Typed[] = [
      [ValueType.Integer, 1000],
      [ValueType.Text, 'abcd'],
      [ValueType.Real, 2.5],
    ];
    db.prepare('INSERT INTO t VALUES (?, ?, ?)').run(...row.map(bindable));
    const image = db.serialize();
    db.close();
    const rec = encodeTyped(row);
    const at = Buffer.from(image).indexOf(Buffer.from(rec));
    expect(at).toBeGreaterThan(0);
    let bothCorrupt = 0;
    let agree = 0;
    let stricter = 0;
    for (let k = 0; k < 400; k++) {
      const mutated = rec.slice();
      const p = Math.floor(g.rand() * 5);
      mutated[p] = g.rand() < 0.5 ? Math.floor(g.rand() * 30) : mutated[p] ^ (1 << Math.floor(g.rand() * 8));
      const copy = Buffer.from(image);
      copy.set(mutated, at);
      const theirs = new Database(copy);
      let sqlite: unknown[] | 'corrupt';
      try {
        sqlite = Object.values(theirs.prepare('SELECT * FROM t').safeIntegers(true).get() as object);
      } catch (e) {
        expect((e as { code: string }).code).toBe('SQLITE_CORRUPT');
        sqlite = 'corrupt';
      }
      theirs.close();
      let mine: SqlValue[] | 'corrupt';
      try {
        mine = decodeRecord(mutated);
        while (mine.length < 3) mine.push(null);
      } catch (e) {
        expect((e as SqliteError).code).toBe('SQLITE_CORRUPT');
        mine = 'corrupt';
      }
      if (sqlite === 'corrupt') {
        expect(mine, `header ${[...mutated.subarray(0, 4)]}`).toBe('corrupt');
        bothCorrupt++;
      } else if (mine === 'corrupt') {
        // SQLite parses only as much of the header as the query needs, and reads a header size of 0
        // as an empty record; the reader validates every header in full.
        const types: number[] = [];
        for (let h = 1; h < mutated[0]; h++) types.push(mutated[h]); // all one-byte varints here
        expect(mutated[0] === 0 || types.length > 3 || types.includes(10) || types.includes(11)).toBe(true);
        stricter++;
      } else {
        const expected = sqlite.map((v) =>
          typeof v === 'bigint' ? norm(v) : v instanceof Uint8Array ? new Uint8Array(v) : v,
        );
        expect(mine.slice(0, 3)).toEqual(expected);
        agree++;
      }
    }
    expect(bothCorrupt).toBeGreaterThan(50);
    expect(agree).toBeGreaterThan(20);
    expect(stricter).toBeLessThan(bothCorrupt / 4);
  });
});
