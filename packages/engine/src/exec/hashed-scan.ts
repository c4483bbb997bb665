/**
 * A transient in-memory index of an inner join table (SQLite's automatic index): on its first scan in
 * an execution the table source groups the rowids of its rows by the value of one column, and each
 * later scan visits only the rows whose value equals the probe — `column = value-from-outer-tables`.
 *
 * Values are grouped by a key string equal for exactly the values the comparison finds equal: numbers
 * by their exact value (so 1 and 1.0 meet), TEXT under the comparison's collation (BINARY, NOCASE and
 * RTRIM only), BLOBs by their bytes. As with index seeks, the planner uses it only when the comparison
 * never converts the column's value; the probe is converted as the comparison would convert it. NULL
 * has no key: `=` never matches it.
 */
import type { BtCursor } from '../btree/cursor.js';
import { BINARY, type Collation, NOCASE, RTRIM } from '../record/compare.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { Access } from './access.js';
import { type Probe, evaluateProbe, probeType } from './index-scan.js';

/** Whether values can be grouped under `collation`. */
export function hashable(collation: Collation): boolean {
  return collation === BINARY || collation === NOCASE || collation === RTRIM;
}

/** The grouping key of a value, or null for NULL. */
export function hashKey(type: ValueType, value: SqlValue, collation: Collation): string | null {
  switch (type) {
    case ValueType.Null:
      return null;
    case ValueType.Integer:
      return `n${String(value)}`;
    case ValueType.Real: {
      const r = value as number;
      if (Number.isInteger(r) && !Number.isSafeInteger(r) && Math.abs(r) < 9223372036854775808) return `n${BigInt(r).toString()}`;
      return `n${String(r)}`;
    }
    case ValueType.Text: {
      const s = value as string;
      if (collation === NOCASE) {
        // NOCASE stops comparing at a NUL byte both strings share; the byte lengths then decide.
        const nul = s.indexOf('\u0000');
        const folded = (nul < 0 ? s : s.slice(0, nul)).replace(/[A-Z]+/g, (c) => c.toLowerCase());
        return nul < 0 ? `t${folded}` : `t${folded}\u0000${new TextEncoder().encode(s).length}`;
      }
      if (collation === RTRIM) return `t${s.replace(/ +$/, '')}`;
      return `t${s}`;
    }
    default: {
      const bytes = value as Uint8Array;
      let key = 'b';
      for (let i = 0; i < bytes.length; i++) key += String.fromCharCode(bytes[i]!);
      return key;
    }
  }
}

/** Rows whose column equals a probe, found through rowids grouped on the first scan. */
export class HashedScan implements Access {
  constructor(
    readonly plan: string,
    /** The table column grouped on. */
    readonly column: number,
    private readonly probe: Probe,
    readonly collation: Collation,
  ) {}

  open(): void {}

  close(): void {}

  /** The grouping key of the probe's current value, or null when it matches nothing. */
  probeKey(): string | null {
    const v = evaluateProbe(this.probe);
    return hashKey(probeType, v, this.collation);
  }

  // Without grouping (a source that does not group), every row is a candidate.
  first(table: BtCursor): boolean {
    return table.first();
  }

  next(table: BtCursor): boolean {
    return table.next();
  }
}
