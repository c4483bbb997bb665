/**
 * The LIKE and GLOB operators when they call the built-in like() or glob() (not a function the user
 * registered under that name): evaluated here rather than through the function-call machinery, with
 * the same results and errors as the functions (func/pattern.ts). The pattern is compiled once for as
 * long as its value stays the same (a literal or a parameter: once per execution), and a TEXT the
 * operand reads from a stored record is matched straight from the record's UTF-8 bytes, so a row the
 * pattern rejects never becomes a JS string.
 */
import { SqliteError } from '../common/errors.js';
import { type SqlValue, ValueType } from '../record/value.js';
import { Pattern, PatternError, type PatternKind, checkedPattern } from '../func/pattern.js';
import { toText } from '../value/convert.js';
import { type Evaluator, evalType, produce } from './expr.js';
import { storedField } from './stored-column.js';

/** `text LIKE pattern [ESCAPE escape]` (or GLOB, by `kind`), operands evaluated in like()'s order. */
export function patternOperator(kind: PatternKind, pattern: Evaluator, text: Evaluator, escape: Evaluator | null): Evaluator {
  const stored = storedField(text);
  const reader = stored?.reader;
  // The last pattern text and escape compiled, and what they gave (null: the result is NULL).
  let lastPattern: string | null = null;
  let lastEscape: string | null = null;
  let compiled: Pattern | null = null;

  const compile = (pv: SqlValue, pt: ValueType, ev: SqlValue, et: ValueType): Pattern | null => {
    const patternText = toText(pt, pv);
    const escapeText = escape ? toText(et, ev) : null;
    const nullResult = pt === ValueType.Null || et === ValueType.Null;
    if (!nullResult && compiled !== null && patternText === lastPattern && escapeText === lastEscape) return compiled;
    let result: Pattern | null;
    try {
      result = checkedPattern(kind, patternText, pt === ValueType.Null, escapeText, escape !== null && et === ValueType.Null);
    } catch (err) {
      if (err instanceof PatternError) throw new SqliteError('SQLITE_ERROR', err.message);
      throw err;
    }
    if (result !== null) {
      compiled = result;
      lastPattern = patternText;
      lastEscape = escapeText;
    }
    return result;
  };

  return () => {
    const pv = pattern();
    const pt = evalType;
    // A stored TEXT is read from its bytes; any other operand value is evaluated.
    let field = -1;
    let tv: SqlValue = null;
    let tt: ValueType = ValueType.Text;
    if (stored) {
      const f = stored.field();
      const serial = f >= 0 ? reader!.serialType(f) : 0;
      if (serial >= 13 && (serial & 1) === 1) field = f;
    }
    if (field < 0) {
      tv = text();
      tt = evalType;
    }
    let ev: SqlValue = null;
    let et: ValueType = ValueType.Text;
    if (escape) {
      ev = escape();
      et = evalType;
    }
    if (pt === ValueType.Blob || tt === ValueType.Blob) return produce(ValueType.Integer, 0);
    const matcher = compile(pv, pt, ev, et);
    if (matcher === null || tt === ValueType.Null) return produce(ValueType.Null, null);
    let hit: boolean;
    if (field >= 0) {
      const start = reader!.offsetOf(field);
      hit = matcher.matchUtf8(reader!.bytes, start, start + reader!.sizeOf(field));
    } else {
      hit = matcher.matchText(toText(tt, tv));
    }
    return produce(ValueType.Integer, hit ? 1 : 0);
  };
}
