/**
 * The few constant forms SQLite's parser folds into integer literals before anything else sees the
 * expression: `x AND 0` (either side an integer literal 0, x never evaluated, no function call on
 * either side outside subqueries) is 0, and `lit IS
 * NULL` / `lit IS NOT NULL` on a literal that cannot be NULL is 0 or 1. What counts as an integer
 * literal here is one that fits in 32 bits, as SQLite marks them. ORDER BY and GROUP BY read such a
 * term (also under unary + and -) as a result column number, and AND skips a side it folds away.
 */
import { SqliteError } from '../common/errors.js';
import type { Expr } from '../sql/ast.js';

const INT32_MAX = 2147483647;

/** The integer `expr` is after the parser's folding, when it is an integer literal of 32 bits or folds to one; else null. */
export function foldedInteger(expr: Expr): number | null {
  switch (expr.kind) {
    case 'integer':
      return int32Literal(expr.text);
    case 'binary':
      if (expr.op === 'AND' && (foldedInteger(expr.left) === 0 || foldedInteger(expr.right) === 0) && !callsFunction(expr)) return 0;
      if ((expr.op === 'IS' || expr.op === 'IS NOT') && expr.right.kind === 'null' && nonNullLiteral(expr.left)) return expr.op === 'IS' ? 0 : 1;
      return null;
    case 'isNull':
      if (!nonNullLiteral(expr.operand)) return null;
      return expr.not ? 1 : 0;
    default:
      return null;
  }
}

/** The result column number an ORDER BY or GROUP BY term stands for (possibly out of range), or null when it is an expression. */
export function columnNumber(term: Expr): number | null {
  let e = term;
  while (e.kind === 'collate') e = e.operand;
  return signedInteger(e);
}

function signedInteger(e: Expr): number | null {
  if (e.kind === 'unary' && e.op === '+') return signedInteger(e.operand);
  if (e.kind === 'unary' && e.op === '-') {
    const v = signedInteger(e.operand);
    return v === null ? null : -v;
  }
  return foldedInteger(e);
}

function int32Literal(text: string): number | null {
  let v: number;
  if (/^0x/i.test(text)) {
    if (text.length > 10) return null;
    v = Number.parseInt(text.slice(2), 16);
  } else {
    const digits = text.replace(/^0+(?=\d)/, '');
    if (digits.length > 10) return null;
    v = Number(digits);
  }
  return v <= INT32_MAX ? v : null;
}

/**
 * Whether `node` (an expression or a part of one) calls a function outside its subqueries (as SQLite
 * marks an expression that has one); LIKE and GLOB count as calls.
 */
function callsFunction(node: unknown): boolean {
  if (typeof node !== 'object' || node === null || node instanceof Uint8Array) return false;
  if (Array.isArray(node)) return node.some(callsFunction);
  const kind = (node as { kind?: unknown }).kind;
  if (kind === 'function' || kind === 'like') return true;
  if (kind === 'select') return false;
  return Object.values(node).some(callsFunction);
}

/** Whether `e` is a literal number, string or blob (or a folded integer), under any unary + and - signs. */
function nonNullLiteral(e: Expr): boolean {
  let x = e;
  while (x.kind === 'unary' && (x.op === '+' || x.op === '-')) x = x.operand;
  return x.kind === 'integer' || x.kind === 'float' || x.kind === 'string' || x.kind === 'blob' || foldedInteger(x) !== null;
}

/** SQLite's ordinal words: 1st, 2nd, 3rd, 4th, …, 11th, …, 21st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** The error for the `i`-th (0-based) ORDER BY or GROUP BY term naming a column number past `count`. */
export function termOutOfRange(clause: 'ORDER' | 'GROUP', i: number, count: number): SqliteError {
  return new SqliteError('SQLITE_ERROR', `${ordinal(i + 1)} ${clause} BY term out of range - should be between 1 and ${count}`);
}
