/**
 * Constant column defaults: the value of a DEFAULT that is a literal (possibly signed, possibly in
 * parentheses) — the only defaults ALTER TABLE ADD COLUMN accepts, and the value a row stored before
 * the column was added reads for it (with the column's affinity applied).
 */
import type { Int64 } from '../record/int64.js';
import { normalizeInt64 } from '../record/int64.js';
import { type SqlValue, ValueType } from '../record/value.js';
import type { Expr } from '../sql/ast.js';
import { type Affinity, applyAffinity, convertedType } from '../value/affinity.js';

/** A value with its storage class. */
export interface TypedValue {
  type: ValueType;
  value: SqlValue;
}

const INT64_MAX = 9223372036854775807n;

/** The value of a literal default, or undefined when `expr` is not a literal one. */
export function constantDefault(expr: Expr): TypedValue | undefined {
  switch (expr.kind) {
    case 'null':
      return { type: ValueType.Null, value: null };
    case 'string':
      return { type: ValueType.Text, value: expr.value };
    case 'blob':
      return { type: ValueType.Blob, value: expr.value };
    case 'float':
      return { type: ValueType.Real, value: Number(expr.text) };
    case 'integer': {
      const big = BigInt(expr.text);
      if (big > INT64_MAX && !/^0x/i.test(expr.text)) return { type: ValueType.Real, value: Number(expr.text) };
      return { type: ValueType.Integer, value: normalizeInt64(BigInt.asIntN(64, big)) };
    }
    case 'unary': {
      if (expr.op !== '-' && expr.op !== '+') return undefined;
      // -9223372036854775808 is the smallest INTEGER, though 9223372036854775808 alone is a REAL.
      if (expr.op === '-' && expr.operand.kind === 'integer' && BigInt(expr.operand.text) === INT64_MAX + 1n) {
        return { type: ValueType.Integer, value: -9223372036854775808n };
      }
      const operand = constantDefault(expr.operand);
      if (!operand || expr.op === '+') return operand;
      if (operand.type === ValueType.Integer) {
        const v = operand.value as Int64;
        if (v === -9223372036854775808n) return { type: ValueType.Real, value: 9223372036854775808 };
        return { type: ValueType.Integer, value: normalizeInt64(-BigInt(v)) };
      }
      if (operand.type === ValueType.Real) return { type: ValueType.Real, value: -(operand.value as number) };
      return undefined;
    }
    default:
      return undefined;
  }
}

/** What a record too short to hold the column reads for it: its literal DEFAULT with `affinity`, else null (meaning NULL). */
export function missingColumnValue(defaultValue: Expr | null, affinity: Affinity): TypedValue | null {
  const constant = defaultValue ? constantDefault(defaultValue) : undefined;
  if (!constant || constant.type === ValueType.Null) return null;
  const value = applyAffinity(affinity, constant.type, constant.value);
  return { type: convertedType, value };
}
