/**
 * RecordSorter against a plain sort by compareRecords: records whose byte-comparable keys are sorted by
 * radix (numbers of every size and sign, texts and blobs sharing long prefixes, keys that end where
 * others go on, DESC fields, duplicates) and those that fall back to comparing records (NOCASE).
 */
import { describe, expect, it } from 'vitest';
import { Prng } from '../../test/support/prng.js';
import { BINARY, type KeyInfo, NOCASE, compareRecords } from './compare.js';
import { RecordWriter, encodeRecord } from './record.js';
import type { SqlValue } from './value.js';
import { RecordSorter } from './sorter.js';

/** A value from a small pool, so that many records share prefixes (and some are equal). */
function valueOf(rng: Prng, longPrefix: string): SqlValue {
  switch (rng.int(7)) {
    case 0:
      return null;
    case 1:
      return rng.range(-3, 4);
    case 2:
      return rng.chance(0.5) ? rng.range(-(2 ** 40), 2 ** 40) : rng.float() * 1000 - 500;
    case 3:
      return ['', 'a', 'ab', 'abc', 'b', 'a\u0000b', 'B'][rng.int(7)]!;
    case 4:
      return longPrefix + String(rng.int(40));
    case 5:
      return new Uint8Array([rng.int(3), 0, rng.int(3)]).subarray(0, rng.int(4));
    default:
      return rng.chance(0.5) ? 0.5 : -0;
  }
}

function sortBoth(records: Uint8Array[], info: KeyInfo): void {
  const sorter = new RecordSorter();
  const writer = new RecordWriter();
  for (const record of records) {
    writer.reset();
    for (const v of decodeAll(record)) writer.pushValue(v);
    sorter.push(writer);
  }
  sorter.sort(info);
  const got = Array.from({ length: sorter.count }, (_, i) => sorter.buffer.slice(sorter.start(i), sorter.start(i) + sorter.length(i)));
  const want = [...records].sort((a, b) => compareRecords(a, b, info));
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    if (compareRecords(got[i]!, want[i]!, info) !== 0) throw new Error(`record ${i} out of order`);
  }
}

const decoded = new WeakMap<Uint8Array, SqlValue[]>();
function decodeAll(record: Uint8Array): SqlValue[] {
  return decoded.get(record)!;
}

function records(seed: number, n: number, fields: number): Uint8Array[] {
  const rng = new Prng(seed);
  const longPrefix = 'x'.repeat(rng.range(0, 300));
  return Array.from({ length: n }, () => {
    const values = Array.from({ length: fields }, () => valueOf(rng, longPrefix));
    const record = encodeRecord(values);
    decoded.set(record, values);
    return record;
  });
}

describe('RecordSorter', () => {
  it('orders byte-comparable keys as compareRecords does', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const fields = 1 + (seed % 3);
      const info: KeyInfo = { nField: fields, desc: Uint8Array.from({ length: fields }, (_, i) => (seed + i) % 4 === 0 ? 1 : 0), collations: new Array(fields).fill(BINARY) };
      sortBoth(records(seed, 50 + seed * 400, fields), info);
    }
  });

  it('orders keys sharing thousands of bytes', () => {
    const long = 'p'.repeat(3000);
    const values = Array.from({ length: 400 }, (_, i) => [long + String(i % 97).padStart(3, '0') + long.slice(0, i % 5), i]);
    const all = values.map((v) => {
      const record = encodeRecord(v);
      decoded.set(record, v);
      return record;
    });
    sortBoth(all, { nField: 2, desc: new Uint8Array(2), collations: [BINARY, BINARY] });
  });

  it('falls back to comparing records under NOCASE', () => {
    sortBoth(records(99, 3000, 2), { nField: 2, desc: new Uint8Array(2), collations: [NOCASE, BINARY] });
  });
});
