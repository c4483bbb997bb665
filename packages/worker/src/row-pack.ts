/**
 * Packs the rows of a result (`unknown[][]`, as the server makes them) into `PackedRows` for the trip to
 * the page (see protocol.ts for the layout), and lists the buffers to transfer with them: the typed arrays'
 * and each BLOB's. Values keep their JavaScript form exactly: numbers (INTEGERs within 2^53 and REALs,
 * -0 and infinities included), strings, bigints, Uint8Arrays and null.
 */
import { PackedTag, type PackedRows } from './protocol.js';

/** Packed rows and the buffers to transfer with them (the packed rows' own, then the BLOBs'). */
export interface Packing {
  packed: PackedRows;
  transfer: ArrayBuffer[];
}

export function packRows(rows: unknown[][]): Packing {
  const count = rows.length;
  const width = count > 0 ? rows[0]!.length : 0;
  const total = count * width;
  // Sized for the worst case: transferring a larger buffer costs nothing, counting first would.
  const tags = new Uint8Array(total);
  const numbers = new Float64Array(total);
  const textEnds = new Uint32Array(total);
  const texts: string[] = [];
  const others: unknown[] = [];
  const blobs = new Set<ArrayBuffer>();
  let tagAt = 0;
  let numberAt = 0;
  let textLength = 0;
  for (let r = 0; r < count; r++) {
    const row = rows[r]!;
    for (let c = 0; c < width; c++) {
      const value = row[c];
      if (typeof value === 'number') {
        tags[tagAt++] = PackedTag.NUMBER;
        numbers[numberAt++] = value;
      } else if (typeof value === 'string') {
        tags[tagAt++] = PackedTag.TEXT;
        textLength += value.length;
        textEnds[texts.length] = textLength;
        texts.push(value);
      } else if (value === null || value === undefined) {
        tags[tagAt++] = PackedTag.NULL;
      } else {
        tags[tagAt++] = PackedTag.OTHER;
        others.push(value instanceof Uint8Array ? ownBuffer(value, blobs) : value);
      }
    }
  }
  const packed: PackedRows = { packed: true, count, width, tags, numbers, text: texts.join(''), textEnds, others };
  return { packed, transfer: [tags.buffer, numbers.buffer, textEnds.buffer, ...blobs] };
}

/**
 * `bytes`, or a copy of them when they are a view into a larger or shared buffer, or into one already
 * listed (cloning such a view would copy the whole buffer, and transferring it would take it from its
 * owner); its buffer is added to `blobs`.
 */
function ownBuffer(bytes: Uint8Array, blobs: Set<ArrayBuffer>): Uint8Array {
  const whole = bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  const own = whole && !blobs.has(bytes.buffer) ? bytes : bytes.slice();
  blobs.add(own.buffer as ArrayBuffer);
  return own;
}
