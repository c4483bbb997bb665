/**
 * Values as differential tests compare them: each with its storage class (`int:`, `real:`, `text:`,
 * `blob:` in hex, or `null`), read with safe integers on so that INTEGER and REAL stay apart.
 */

/** One value with its storage class. */
export function typedValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return `int:${v}`;
  if (typeof v === 'number') return `real:${Object.is(v, -0) ? '-0' : v}`;
  if (typeof v === 'string') return `text:${v}`;
  if (v instanceof Uint8Array) return `blob:${Buffer.from(v).toString('hex')}`;
  return `?${String(v)}`;
}

/** Rows of raw arrays, each value with its storage class. */
export function typedRows(rows: unknown[][]): string[][] {
  return rows.map((row) => row.map(typedValue));
}
