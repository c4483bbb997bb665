/**
 * Keys for sets of rows: a string that is equal for two lists of values exactly when SQL treats them
 * as the same (DISTINCT, GROUP BY, UNION). Numbers compare by value (INTEGER 1 and REAL 1.0 are one),
 * text under each column's collation (NOCASE folds ASCII case, RTRIM ignores trailing spaces), NULLs
 * are equal to each other, and values of different storage classes never match.
 */
import { type Collation, NOCASE, RTRIM } from '../record/compare.js';
import { type SqlValue, ValueType } from '../record/value.js';

/** The key of `types[from..to)`/`values[from..to)`, with `collations[i - from]` for text. */
export function rowKey(types: Uint8Array, values: SqlValue[], from: number, to: number, collations: readonly Collation[]): string {
  let s = '';
  for (let i = from; i < to; i++) {
    const t = types[i] as ValueType;
    const v = values[i];
    if (t === ValueType.Null) s += 'n|';
    else if (t === ValueType.Integer || t === ValueType.Real) s += `#${numberKey(v as number | bigint)}|`;
    else if (t === ValueType.Text) {
      const text = collatedText(v as string, collations[i - from]!);
      s += `t${text.length}:${text}|`;
    } else s += `b${(v as Uint8Array).join(',')}|`;
  }
  return s;
}

/** Text in a form where equal strings under `collation` are identical. */
function collatedText(text: string, collation: Collation): string {
  if (collation === NOCASE) return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  if (collation === RTRIM) return text.replace(/ +$/, '');
  return text;
}

/** A number's key: its double value, plus the exact digits of a big INTEGER no double equals. */
function numberKey(v: number | bigint): string {
  if (typeof v === 'number') return String(v);
  const approx = Number(v);
  return BigInt(approx) === v ? String(approx) : `${approx}:${v}`;
}
