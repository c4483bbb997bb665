/**
 * Expressions (sqlite.org/lang_expr.html), parsed by precedence climbing with exactly SQLite's
 * precedence and associativity. From lowest to highest binding:
 *
 *   OR
 *   AND
 *   NOT x                           (prefix)
 *   = == != <> IS [NOT] [DISTINCT FROM]  [NOT] IN  [NOT] LIKE GLOB MATCH REGEXP
 *     [NOT] BETWEEN  ISNULL NOTNULL NOT NULL
 *   < <= > >=
 *   ESCAPE                          (only after a LIKE pattern)
 *   & | << >>
 *   + -
 *   * / %
 *   || -> ->>
 *   COLLATE                         (postfix)
 *   - + ~ x                         (prefix)
 *
 * Binary operators are left-associative, and a prefix operator takes as its operand everything
 * that binds at least as tightly as itself. SQLite's grammar gives `x NOT LIKE y`, `x NOT IN …`,
 * `x NOT BETWEEN …` and `x NOT NULL` the binding of NOT against an operator on their left, and
 * their own level towards their right; `INFIX_LEVEL` lists NOT for that. The middle operand of
 * BETWEEN extends over every operator except a top-level AND.
 *
 * Also here, because expressions use them: ORDER BY terms, windows (OVER and WINDOW clauses) and
 * type names.
 */
import type {
  BinaryOp,
  CaseWhen,
  Expr,
  FrameBound,
  FrameSpec,
  FunctionCall,
  Identifier,
  LikeExpr,
  OrderingTerm,
  TypeName,
  WindowSpec,
} from './ast.js';
import { SqlSyntaxError } from './errors.js';
import { type Parser, isIdj, isIds, isNm } from './parser.js';
import { isSelectStart, parseSelect } from './parse-select.js';
import { blobBytes } from './tokenizer.js';
import type { TokenType } from './tokenizer.js';

/** Binding levels, lowest first. */
const OR = 1;
const AND = 2;
const NOT = 3;
const EQUALITY = 4;
const COMPARISON = 5;
const BITWISE = 7;
const ADDITIVE = 8;
const MULTIPLICATIVE = 9;
const CONCAT = 10;
const COLLATE = 11;
const UNARY = 12;

/** The level of each token that can follow an operand, or undefined if it cannot. */
const INFIX_LEVEL: ReadonlyMap<TokenType, number> = new Map<TokenType, number>([
  ['OR', OR],
  ['AND', AND],
  ['NOT', NOT],
  ['=', EQUALITY], ['!=', EQUALITY], ['IS', EQUALITY], ['IN', EQUALITY], ['BETWEEN', EQUALITY],
  ['LIKE', EQUALITY], ['GLOB', EQUALITY], ['REGEXP', EQUALITY], ['MATCH', EQUALITY],
  ['ISNULL', EQUALITY], ['NOTNULL', EQUALITY],
  ['<', COMPARISON], ['<=', COMPARISON], ['>', COMPARISON], ['>=', COMPARISON],
  ['&', BITWISE], ['|', BITWISE], ['<<', BITWISE], ['>>', BITWISE],
  ['+', ADDITIVE], ['-', ADDITIVE],
  ['*', MULTIPLICATIVE], ['/', MULTIPLICATIVE], ['%', MULTIPLICATIVE],
  ['||', CONCAT], ['->', CONCAT], ['->>', CONCAT],
  ['COLLATE', COLLATE],
]);

const LIKE_OPS: ReadonlySet<TokenType> = new Set<TokenType>(['LIKE', 'GLOB', 'REGEXP', 'MATCH']);

/** Keywords that begin an expression of their own although they could otherwise be names. */
const EXPR_KEYWORDS: ReadonlySet<TokenType> = new Set<TokenType>([
  'CAST', 'RAISE', 'CURRENT_TIME', 'CURRENT_DATE', 'CURRENT_TIMESTAMP',
]);

/** Whether the current token is a name that does not begin a keyword expression (for `t.*`). */
export function atPlainName(p: Parser): boolean {
  return isNm(p.tok.type) && !EXPR_KEYWORDS.has(p.tok.type);
}

/** Parses an expression. */
export function parseExpr(p: Parser): Expr {
  return parseLevel(p, OR, false);
}

/** Parses `expr, expr, …` (at least one). */
export function parseExprList(p: Parser): Expr[] {
  const list = [parseExpr(p)];
  while (p.accept(',')) list.push(parseExpr(p));
  return list;
}

/** An expression of operators at level `min` or above; with `stopAtAnd`, not a top-level AND. */
function parseLevel(p: Parser, min: number, stopAtAnd: boolean): Expr {
  const start = p.tok.start;
  let left = parseOperand(p);
  for (;;) {
    const level = INFIX_LEVEL.get(p.tok.type);
    if (level === undefined || level < min || (stopAtAnd && p.tok.type === 'AND')) break;
    left = parseOperator(p, left, start);
  }
  return left;
}

/** Parses the operator at the current token and its right operand, `left` being its left one. */
function parseOperator(p: Parser, left: Expr, start: number): Expr {
  if (LIKE_OPS.has(p.tok.type)) return parseLike(p, left, start, false);
  const op = p.advance().type;
  switch (op) {
    case 'COLLATE': {
      const collation = p.ids();
      return { kind: 'collate', operand: left, collation, start, end: p.lastEnd };
    }
    case 'ISNULL':
    case 'NOTNULL':
      return { kind: 'isNull', not: op === 'NOTNULL', operand: left, start, end: p.lastEnd };
    case 'NOT':
      if (p.accept('NULL')) {
        return { kind: 'isNull', not: true, operand: left, start, end: p.lastEnd };
      }
      if (LIKE_OPS.has(p.tok.type)) return parseLike(p, left, start, true);
      if (p.accept('IN')) return parseIn(p, left, start, true);
      if (p.accept('BETWEEN')) return parseBetween(p, left, start, true);
      return p.fail();
    case 'IN':
      return parseIn(p, left, start, false);
    case 'BETWEEN':
      return parseBetween(p, left, start, false);
    case 'IS': {
      const not = p.accept('NOT');
      let negated = not;
      if (p.accept('DISTINCT')) {
        p.expect('FROM');
        negated = !not;
      }
      const right = parseLevel(p, EQUALITY + 1, false);
      return { kind: 'binary', op: negated ? 'IS NOT' : 'IS', left, right, start, end: p.lastEnd };
    }
    default: {
      const right = parseLevel(p, (INFIX_LEVEL.get(op) as number) + 1, false);
      return { kind: 'binary', op: op as BinaryOp, left, right, start, end: p.lastEnd };
    }
  }
}

/** `left [NOT] LIKE|GLOB|REGEXP|MATCH pattern [ESCAPE escape]`, at the LIKE (after any NOT). */
function parseLike(p: Parser, left: Expr, start: number, not: boolean): Expr {
  const op = p.advance().type as LikeExpr['op'];
  const right = parseLevel(p, EQUALITY + 1, false);
  const escape = p.accept('ESCAPE') ? parseLevel(p, EQUALITY + 1, false) : null;
  return { kind: 'like', op, not, left, right, escape, start, end: p.lastEnd };
}

/** `left [NOT] IN …`, after the IN. */
function parseIn(p: Parser, left: Expr, start: number, not: boolean): Expr {
  const listStart = p.tok.start;
  if (p.accept('(')) {
    if (isSelectStart(p.tok.type)) {
      const select = parseSelect(p);
      p.expect(')');
      return { kind: 'in', not, operand: left, values: select, start, end: p.lastEnd };
    }
    p.enter(1);
    const items = p.at(')') ? [] : parseExprList(p);
    p.leave(1);
    p.expect(')');
    // A list of one parenthesized subquery, `x IN ((SELECT …))`, is the subquery form, as in SQLite.
    if (items.length === 1 && items[0]!.kind === 'subquery') return { kind: 'in', not, operand: left, values: items[0].select, start, end: p.lastEnd };
    const values = { kind: 'list' as const, items, start: listStart, end: p.lastEnd };
    return { kind: 'in', not, operand: left, values, start, end: p.lastEnd };
  }
  const { schema, name } = p.qualifiedName();
  let args: Expr[] | null = null;
  if (p.accept('(')) {
    p.enter(1);
    args = p.at(')') ? [] : parseExprList(p);
    p.leave(1);
    p.expect(')');
  }
  const values = { kind: 'inTable' as const, schema, name, args, start: listStart, end: p.lastEnd };
  return { kind: 'in', not, operand: left, values, start, end: p.lastEnd };
}

/** `operand [NOT] BETWEEN low AND high`, after the BETWEEN. */
function parseBetween(p: Parser, operand: Expr, start: number, not: boolean): Expr {
  p.enter(1);
  const low = parseLevel(p, OR, true);
  p.leave(1);
  p.expect('AND');
  const high = parseLevel(p, EQUALITY + 1, false);
  return { kind: 'between', not, operand, low, high, start, end: p.lastEnd };
}

/** A prefix operator and its operand, a parenthesized form, or another primary expression. */
function parseOperand(p: Parser): Expr {
  const start = p.tok.start;
  switch (p.tok.type) {
    case '-':
    case '+':
    case '~':
    case 'NOT': {
      const type = p.advance().type;
      p.enter(1);
      const operand = parseLevel(p, type === 'NOT' ? NOT : UNARY, false);
      p.leave(1);
      const op = type as '-' | '+' | '~' | 'NOT';
      return { kind: 'unary', op, operand, start, end: p.lastEnd };
    }
    case '(':
      return parseParenthesized(p);
    default:
      return parsePrimary(p);
  }
}

/** The literal tokens (SQLite's `term`): numbers, strings, blobs, NULL and CURRENT_TIME…. */
const LITERALS: ReadonlySet<TokenType> = new Set<TokenType>([
  'INTEGER', 'FLOAT', 'QNUMBER', 'STRING', 'BLOB', 'NULL', 'CURRENT_TIME', 'CURRENT_DATE',
  'CURRENT_TIMESTAMP',
]);

/** Whether a token is a literal. */
export function isLiteralStart(t: TokenType): boolean {
  return LITERALS.has(t);
}

/** A literal (see LITERALS). */
export function parseLiteral(p: Parser): Expr {
  const t = p.tok;
  const start = t.start;
  const text = p.text(t);
  switch (t.type) {
    case 'INTEGER':
      p.advance();
      return { kind: 'integer', text, start, end: t.end };
    case 'FLOAT':
      p.advance();
      return { kind: 'float', text, start, end: t.end };
    case 'QNUMBER':
      p.advance();
      return separatedNumber(p, text, start, t.end);
    case 'STRING':
      p.advance();
      return { kind: 'string', value: text.slice(1, -1).replaceAll("''", "'"), start, end: t.end };
    case 'BLOB':
      p.advance();
      return { kind: 'blob', value: blobBytes(text), start, end: t.end };
    case 'NULL':
      p.advance();
      return { kind: 'null', start, end: t.end };
    case 'CURRENT_TIME':
    case 'CURRENT_DATE':
    case 'CURRENT_TIMESTAMP':
      p.advance();
      return { kind: 'currentTime', keyword: t.type, start, end: t.end };
    default:
      return p.fail();
  }
}

/** A literal, name, parameter, parenthesized form, function call or keyword expression. */
function parsePrimary(p: Parser): Expr {
  const t = p.tok;
  const start = t.start;
  const text = p.text(t);
  if (t.type === 'STRING') {
    const string = parseLiteral(p);
    return p.at('.') ? parseColumnRef(p, p.identifier(t)) : string;
  }
  if (LITERALS.has(t.type)) return parseLiteral(p);
  switch (t.type) {
    case 'VARIABLE': {
      p.advance();
      const c = text.charCodeAt(1);
      let index = 0;
      if (text[0] === '#' && c >= 48 && c <= 57) {
        p.deferError(new SqlSyntaxError(`near "${text}": syntax error`, start));
      } else {
        index = p.parameterNumber(t);
      }
      return { kind: 'variable', name: text, index, start, end: t.end };
    }
    case 'CAST': {
      p.advance();
      p.expect('(');
      p.enter(1);
      const operand = parseExpr(p);
      p.leave(1);
      p.expect('AS');
      const type = parseTypeName(p);
      p.expect(')');
      return { kind: 'cast', operand, type, start, end: p.lastEnd };
    }
    case 'CASE':
      return parseCase(p);
    case 'EXISTS': {
      p.advance();
      p.expect('(');
      const select = parseSelect(p);
      p.expect(')');
      return { kind: 'exists', select, start, end: p.lastEnd };
    }
    case 'RAISE':
      return parseRaise(p);
    default: {
      if (!isIdj(t.type)) return p.fail();
      p.advance();
      const name = p.identifier(t);
      if (p.at('(')) return parseFunctionCall(p, name);
      if (p.at('.')) return parseColumnRef(p, name);
      return { kind: 'column', schema: null, table: null, column: name, start, end: t.end };
    }
  }
}

/**
 * A number written with `_` separators, just consumed: each `_` must stand between two digits (hex
 * digits in a hex literal), else SQLite reports the token as unrecognized.
 */
function separatedNumber(p: Parser, text: string, start: number, end: number): Expr {
  const hex = /^0[xX]/.test(text);
  const digit = hex ? /[0-9a-fA-F]/ : /[0-9]/;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '_' && !(digit.test(text[i - 1] ?? '') && digit.test(text[i + 1] ?? ''))) {
      p.deferError(new SqlSyntaxError(`unrecognized token: "${text}"`, start));
      break;
    }
  }
  const plain = text.replaceAll('_', '');
  const float = !hex && /[.eE]/.test(plain);
  return { kind: float ? 'float' : 'integer', text: plain, start, end };
}

/** `first . nm [. nm]`, after the first name. */
function parseColumnRef(p: Parser, first: Identifier): Expr {
  p.expect('.');
  const second = p.nm();
  const start = first.start;
  if (!p.accept('.')) {
    return { kind: 'column', schema: null, table: first, column: second, start, end: p.lastEnd };
  }
  const column = p.nm();
  return { kind: 'column', schema: first, table: second, column, start, end: p.lastEnd };
}

/** `(expr)`, a row value `(expr, expr, …)` or a scalar subquery `(select)`. */
function parseParenthesized(p: Parser): Expr {
  const start = p.advance().start;
  if (isSelectStart(p.tok.type)) {
    const select = parseSelect(p);
    p.expect(')');
    return { kind: 'subquery', select, start, end: p.lastEnd };
  }
  p.enter(1);
  const first = parseLevel(p, OR, false);
  if (p.accept(')')) {
    p.leave(1);
    return first;
  }
  p.expect(',');
  const items = [first, ...parseExprList(p)];
  p.leave(1);
  p.expect(')');
  return { kind: 'row', items, start, end: p.lastEnd };
}

/** `CASE [operand] WHEN … THEN … [ELSE …] END`. */
function parseCase(p: Parser): Expr {
  const start = p.advance().start;
  p.enter(2);
  const operand = p.at('WHEN') ? null : parseExpr(p);
  const whens: CaseWhen[] = [];
  do {
    const whenStart = p.expect('WHEN').start;
    const when = parseExpr(p);
    p.expect('THEN');
    whens.push({ when, then: parseExpr(p), start: whenStart, end: p.lastEnd });
  } while (p.at('WHEN'));
  const otherwise = p.accept('ELSE') ? parseExpr(p) : null;
  p.leave(2);
  p.expect('END');
  return { kind: 'case', operand, whens, else: otherwise, start, end: p.lastEnd };
}

/** `RAISE(IGNORE)` or `RAISE(ROLLBACK|ABORT|FAIL, message)`. */
function parseRaise(p: Parser): Expr {
  const start = p.advance().start;
  p.expect('(');
  if (p.accept('IGNORE')) {
    p.expect(')');
    return { kind: 'raise', action: 'IGNORE', message: null, start, end: p.lastEnd };
  }
  const action = p.tok.type;
  if (action !== 'ROLLBACK' && action !== 'ABORT' && action !== 'FAIL') return p.fail();
  p.advance();
  p.expect(',');
  const message = parseExpr(p);
  p.expect(')');
  return { kind: 'raise', action, message, start, end: p.lastEnd };
}

/** `name(…) [FILTER (WHERE …)] [OVER …]`, after the name. */
function parseFunctionCall(p: Parser, name: Identifier): FunctionCall {
  p.expect('(');
  p.enter(2);
  let distinct = false;
  let star = false;
  let args: Expr[] = [];
  let orderBy: OrderingTerm[] = [];
  if (p.accept('*')) {
    star = true;
  } else {
    if (p.accept('DISTINCT')) distinct = true;
    else p.accept('ALL');
    if (!p.at(')') && !p.at('ORDER')) args = parseExprList(p);
    if (p.accept('ORDER')) {
      p.expect('BY');
      orderBy = parseOrderingTerms(p);
    }
  }
  p.leave(2);
  p.expect(')');
  let filter: Expr | null = null;
  if (p.accept('FILTER')) {
    p.expect('(');
    p.expect('WHERE');
    filter = parseExpr(p);
    p.expect(')');
  }
  let over: WindowSpec | Identifier | null = null;
  if (p.accept('OVER')) over = p.at('(') ? parseWindowBody(p, p.advance().start) : p.nm();
  const [start, end] = [name.start, p.lastEnd];
  return { kind: 'function', name, distinct, star, args, orderBy, filter, over, start, end };
}

/** `expr [ASC|DESC] [NULLS FIRST|LAST], …` (at least one term). */
export function parseOrderingTerms(p: Parser): OrderingTerm[] {
  const terms = [parseOrderingTerm(p)];
  while (p.accept(',')) terms.push(parseOrderingTerm(p));
  return terms;
}

function parseOrderingTerm(p: Parser): OrderingTerm {
  const start = p.tok.start;
  const expr = parseExpr(p);
  let order: 'ASC' | 'DESC' | null = null;
  if (p.accept('ASC')) order = 'ASC';
  else if (p.accept('DESC')) order = 'DESC';
  let nulls: 'FIRST' | 'LAST' | null = null;
  if (p.accept('NULLS')) {
    if (p.accept('FIRST')) nulls = 'FIRST';
    else if (p.accept('LAST')) nulls = 'LAST';
    else p.fail();
  }
  return { expr, order, nulls, start, end: p.lastEnd };
}

/**
 * The inside of a window's parentheses and the closing parenthesis:
 * `[base] [PARTITION BY …] [ORDER BY …] [frame]`, the opening parenthesis at `start`.
 */
export function parseWindowBody(p: Parser, start: number): WindowSpec {
  const t = p.tok.type;
  const keyword =
    t === 'PARTITION' || t === 'ORDER' || t === 'RANGE' || t === 'ROWS' || t === 'GROUPS';
  const base = !keyword && isNm(t) ? p.nm() : null;
  let partitionBy: Expr[] = [];
  if (p.accept('PARTITION')) {
    p.expect('BY');
    partitionBy = parseExprList(p);
  }
  let orderBy: OrderingTerm[] = [];
  if (p.accept('ORDER')) {
    p.expect('BY');
    orderBy = parseOrderingTerms(p);
  }
  const frame = p.at('RANGE') || p.at('ROWS') || p.at('GROUPS') ? parseFrame(p) : null;
  p.expect(')');
  return { kind: 'window', base, partitionBy, orderBy, frame, start, end: p.lastEnd };
}

/** `ROWS|RANGE|GROUPS [BETWEEN] bound [AND bound] [EXCLUDE …]`. */
function parseFrame(p: Parser): FrameSpec {
  const start = p.tok.start;
  const units = p.advance().type as 'ROWS' | 'RANGE' | 'GROUPS';
  const between = p.accept('BETWEEN');
  const from = parseFrameBound(p, 'PRECEDING');
  let to: FrameBound | null = null;
  if (between) {
    p.expect('AND');
    to = parseFrameBound(p, 'FOLLOWING');
  }
  let exclude: FrameSpec['exclude'] = null;
  if (p.accept('EXCLUDE')) {
    if (p.accept('NO')) {
      p.expect('OTHERS');
      exclude = 'NO OTHERS';
    } else if (p.accept('CURRENT')) {
      p.expect('ROW');
      exclude = 'CURRENT ROW';
    } else if (p.accept('GROUP')) {
      exclude = 'GROUP';
    } else {
      p.expect('TIES');
      exclude = 'TIES';
    }
  }
  // SQLite's grammar action rejects a frame that would end before it starts.
  const end = to?.type ?? 'CURRENT ROW';
  if ((from.type === 'CURRENT ROW' && end === 'PRECEDING') || (from.type === 'FOLLOWING' && (end === 'PRECEDING' || end === 'CURRENT ROW'))) {
    p.deferError(new SqlSyntaxError('unsupported frame specification', start));
  }
  return { units, from, to, exclude, start, end: p.lastEnd };
}

/** A frame bound; `unbounded` is the direction UNBOUNDED may take at this end of the frame. */
function parseFrameBound(p: Parser, unbounded: 'PRECEDING' | 'FOLLOWING'): FrameBound {
  const start = p.tok.start;
  if (p.accept('UNBOUNDED')) {
    p.expect(unbounded);
    return { type: `UNBOUNDED ${unbounded}`, offset: null, start, end: p.lastEnd };
  }
  if (p.accept('CURRENT')) {
    p.expect('ROW');
    return { type: 'CURRENT ROW', offset: null, start, end: p.lastEnd };
  }
  const offset = parseExpr(p);
  if (!p.accept('PRECEDING')) {
    p.expect('FOLLOWING');
    return { type: 'FOLLOWING', offset, start, end: p.lastEnd };
  }
  return { type: 'PRECEDING', offset, start, end: p.lastEnd };
}

/**
 * An optional type name: one or more identifiers or strings, then optionally one or two signed
 * numbers in parentheses. Returns null when the current token cannot begin one.
 */
export function parseTypeName(p: Parser): TypeName | null {
  if (!isIds(p.tok.type)) return null;
  const start = p.tok.start;
  while (isIds(p.tok.type)) p.advance();
  if (p.accept('(')) {
    parseSignedNumber(p);
    if (p.accept(',')) parseSignedNumber(p);
    p.expect(')');
  }
  return { kind: 'typeName', text: p.sql.slice(start, p.lastEnd), start, end: p.lastEnd };
}

/** `[+|-] number`: returns its text with the sign, as written. */
export function parseSignedNumber(p: Parser): string {
  const start = p.tok.start;
  if (!p.accept('+')) p.accept('-');
  if (!p.accept('INTEGER')) p.expect('FLOAT');
  return p.sql.slice(start, p.lastEnd);
}
