/**
 * Checksums of query results, compared across engines so that no engine wins by returning less. The hash
 * covers column names, values and their JS types (numbers and bigints hash alike, as a program reading the
 * value would see the same integer), in row order.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Incremental 32-bit FNV-1a over strings' UTF-16 code units. */
export class Checksum {
  private hash = FNV_OFFSET;
  /** How many rows were added (reported beside the hash). */
  rows = 0;

  addString(text: string): void {
    let h = this.hash;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
    this.hash = Math.imul(h ^ 0x1f, FNV_PRIME);
  }

  addValue(value: unknown): void {
    if (value === null || value === undefined) this.addString('z');
    else if (typeof value === 'number' || typeof value === 'bigint') this.addString(`n${String(value)}`);
    else if (typeof value === 'string') this.addString(`s${value}`);
    else if (value instanceof Uint8Array) this.addString(`b${Array.from(value, (b) => b.toString(16)).join(',')}`);
    else this.addString(`?${String(value)}`);
  }

  /** Adds whatever a workload returned: nested arrays of rows, rows (objects) or scalars. */
  add(result: unknown): void {
    if (Array.isArray(result)) {
      this.addString('[');
      for (const item of result) this.add(item);
      this.addString(']');
    } else if (result !== null && typeof result === 'object' && !(result instanceof Uint8Array)) {
      this.rows++;
      for (const key of Object.keys(result)) {
        this.addString(key);
        this.addValue((result as Record<string, unknown>)[key]);
      }
    } else {
      this.addValue(result);
    }
  }

  digest(): string {
    return (this.hash >>> 0).toString(16).padStart(8, '0');
  }
}

/** The checksum of one result. */
export function checksumOf(result: unknown): { checksum: string; rows: number } {
  const sum = new Checksum();
  sum.add(result);
  return { checksum: sum.digest(), rows: sum.rows };
}
