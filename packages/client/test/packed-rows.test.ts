// Rows packed by the worker (packRows) and shaped by the client (rows.ts) come back exactly as the server
// made them — every JavaScript form a value takes, in every shape — including through a real message
// boundary, where the packed buffers and BLOBs are transferred.
import { describe, expect, it } from 'vitest';
import { Database as EngineDatabase } from '@hearth/engine';
import { PackedTag, packRows } from '@hearth/worker';
import { TAG_NUMBER, TAG_OTHER, TAG_TEXT, shapeFirst, shapeRows } from '../src/rows.js';
import { connectOverMessages } from './support.js';

const shared = new Uint8Array([9, 8, 7, 6, 5]);
const ROWS: unknown[][] = [
  [null, 0, -0, 1.5, '', 'ascii'],
  [Infinity, -Infinity, Number.MAX_SAFE_INTEGER, 9007199254740993n, 'héllo wörld, longer than thirteen', '😀 \u0000 nul'],
  [new Uint8Array([1, 2, 3]), shared.subarray(1, 3), shared.subarray(2, 4), -5n, 'x'.repeat(1000), null],
];


describe('packed rows', () => {
  it('use the worker protocol tags', () => {
    expect([TAG_NUMBER, TAG_TEXT, TAG_OTHER]).toEqual([PackedTag.NUMBER, PackedTag.TEXT, PackedTag.OTHER]);
  });

  it('shape back into the values packed, in every shape', () => {
    const columns = ['a', 'b', 'c', 'd', 'e', 'f'];
    const expected = ROWS.map((row) => row.map((v) => (v instanceof Uint8Array ? new Uint8Array(v) : v)));
    const { packed, transfer } = packRows(ROWS);
    expect(packed.count).toBe(3);
    // Each BLOB leaves in a buffer of its own; views into a shared buffer were copied, not taken.
    expect(transfer).toHaveLength(3 + 3);
    expect(shared).toEqual(new Uint8Array([9, 8, 7, 6, 5]));
    const raw = shapeRows<unknown[]>(columns, packed, 'raw');
    expect(raw).toEqual(expected);
    expect(Object.is(raw[0]![2], -0)).toBe(true);
    expect(shapeRows(columns, packed, 'object')).toEqual(expected.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]]))));
    expect(shapeRows(columns, packed, 'pluck')).toEqual(expected.map((row) => row[0]));
    expect(shapeFirst(columns, packed, 'raw')).toEqual(expected[0]);
    expect(shapeRows(columns, packRows([]).packed, 'object')).toEqual([]);
  });

  it('cross a message boundary as the engine returned them', async () => {
    const db = await connectOverMessages(':memory:');
    const direct = new EngineDatabase();
    const setup =
      "CREATE TABLE t(a, b, c); INSERT INTO t VALUES (1, 'one', x'01'), (2.5, NULL, 'ünï'), (-0.0, 9223372036854775807, ''), (1e300, 'a much longer text value here', zeroblob(3))";
    await db.exec(setup);
    direct.exec(setup);
    const sql = 'SELECT a, b, c, a AS again FROM t ORDER BY rowid';
    expect(await db.prepare(sql).all()).toEqual(direct.prepare(sql).all());
    expect(await db.prepare(sql).safeIntegers().raw().all()).toEqual(direct.prepare(sql).safeIntegers().raw().all());
    const iterated: unknown[] = [];
    for await (const row of db.prepare(sql).iterate()) iterated.push(row);
    expect(iterated).toEqual(direct.prepare(sql).all());
    await db.close();
    direct.close();
  });
});
