/**
 * Shapes the rows of a result into what a statement returns — objects keyed by column name, arrays, or
 * the first column's values — from either form the backend gives: arrays of values (in-process), or
 * rows packed by the worker for crossing threads (`PackedRows`, see @hearth/worker's protocol.ts).
 * This module stays free of the worker's runtime code (the page must not load the engine), so it keeps
 * its own copy of the tags, which a test checks against the worker's.
 */
import type { PackedRows, RowData } from '@hearth/worker';

/** How a statement shapes its rows. */
export type Shape = 'object' | 'raw' | 'pluck';

/** `PackedTag` of @hearth/worker. */
export const TAG_NUMBER = 1;
export const TAG_TEXT = 2;
export const TAG_OTHER = 3;

/** Number of rows in `rows`. */
export function rowCount(rows: RowData): number {
  return Array.isArray(rows) ? rows.length : rows.count;
}

/** Every row of `rows`, shaped. */
export function shapeRows<R>(columns: string[], rows: RowData, shape: Shape): R[] {
  if (!Array.isArray(rows)) return unpack<R>(columns, rows, shape, rows.count);
  const out = new Array<R>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = shapeRow<R>(columns, rows[i]!, shape);
  return out;
}

/** The first row of `rows` (which must have one), shaped. */
export function shapeFirst<R>(columns: string[], rows: RowData, shape: Shape): R {
  return Array.isArray(rows) ? shapeRow<R>(columns, rows[0]!, shape) : unpack<R>(columns, rows, shape, 1)[0]!;
}

function shapeRow<R>(columns: string[], row: unknown[], shape: Shape): R {
  if (shape === 'raw') return row as R;
  if (shape === 'pluck') return row[0] as R;
  const object: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) object[columns[i]!] = row[i];
  return object as R;
}

/** The first `count` rows of `packed`, shaped. */
function unpack<R>(columns: string[], packed: PackedRows, shape: Shape, count: number): R[] {
  const values = new PackedValues(packed);
  const width = packed.width;
  const out = new Array<R>(count);
  for (let r = 0; r < count; r++) {
    if (shape === 'object') {
      const object: Record<string, unknown> = {};
      for (let c = 0; c < width; c++) object[columns[c]!] = values.next();
      out[r] = object as R;
    } else if (shape === 'raw') {
      const row = new Array<unknown>(width);
      for (let c = 0; c < width; c++) row[c] = values.next();
      out[r] = row as R;
    } else {
      out[r] = values.next() as R;
      for (let c = 1; c < width; c++) values.next();
    }
  }
  return out;
}

/** Reads the values of packed rows in order. */
class PackedValues {
  private tagAt = 0;
  private numberAt = 0;
  private textAt = 0;
  /** Where the next TEXT value starts in `text`. */
  private textStart = 0;
  private otherAt = 0;

  constructor(private readonly packed: PackedRows) {}

  next(): unknown {
    const p = this.packed;
    switch (p.tags[this.tagAt++]) {
      case TAG_NUMBER:
        return p.numbers[this.numberAt++];
      case TAG_TEXT: {
        const start = this.textStart;
        const end = p.textEnds[this.textAt++]!;
        this.textStart = end;
        return p.text.slice(start, end);
      }
      case TAG_OTHER:
        return p.others[this.otherAt++];
      default:
        return null;
    }
  }
}
