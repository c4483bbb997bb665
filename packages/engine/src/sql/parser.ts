/**
 * The parser's cursor over the tokens of one statement, and the rules every part of the grammar
 * shares: which tokens may serve as names, how errors are reported, and how parameters are
 * numbered. The grammar itself is in the parse-*.ts modules, written as recursive descent over
 * this cursor; parse-stmt.ts holds the entry points.
 *
 * Error reporting follows SQLite's LALR parser exactly. The grammar functions look only at the
 * current token before consuming it, so the first token that cannot continue the statement is the
 * one reported: `near "X": syntax error`, or `incomplete input` when the statement stops short at
 * the end of the text. A token the tokenizer cannot read is reported as soon as the cursor reaches
 * it. The errors that SQLite's grammar actions raise (unknown join types, misplaced ORDER BY, bad
 * parameter numbers …) take effect only once the token after the construct has been accepted,
 * because SQLite runs an action when that token arrives and a syntax error in it overrides the
 * action's error: `deferError` keeps such an error until the next token is consumed or the
 * statement ends, and a syntax error found first replaces it.
 *
 * Keywords as names: SQLite's parser reads a keyword of FALLBACK_TO_ID as an identifier wherever
 * the keyword itself cannot stand. The grammar functions therefore test for the keywords a place
 * allows before testing for a name (`isId`, `isNm`, …), which gives the same reading.
 */
import type { Identifier, QuoteChar, Span } from './ast.js';
import { SqlSyntaxError } from './errors.js';
import { FALLBACK_TO_ID, JOIN_KEYWORDS } from './keywords.js';
import { type Token, type TokenType, identifierName, readToken } from './tokenizer.js';

/** The largest parameter number (SQLite's default SQLITE_MAX_VARIABLE_NUMBER). */
const MAX_VARIABLE_NUMBER = 32766;

/**
 * How deeply expressions and selects may nest, in units of `enter`: SQLite's SQLITE_MAX_EXPR_DEPTH,
 * whose message is used. Nesting forms that use more of the JavaScript stack weigh more, so that
 * the deepest statement allowed needs well under half of a default 1 MB stack.
 */
const MAX_DEPTH = 1000;

/** The message for statements nested more deeply than MAX_DEPTH (or than the stack allows). */
export const TOO_DEEP = `Expression tree is too large (maximum depth ${MAX_DEPTH})`;

/** `id`: an identifier, including INDEXED and the keywords that fall back to identifiers. */
export function isId(t: TokenType): boolean {
  return t === 'ID' || t === 'INDEXED' || FALLBACK_TO_ID.has(t);
}

/** `ids`: an identifier or a string (aliases without AS, type names, collation names). */
export function isIds(t: TokenType): boolean {
  return t === 'ID' || t === 'STRING' || FALLBACK_TO_ID.has(t);
}

/** `idj`: an identifier or a join keyword (function names, bare column names). */
export function isIdj(t: TokenType): boolean {
  return isId(t) || JOIN_KEYWORDS.has(t);
}

/** `nm`: any token that can name a table, column, index, schema or other object. */
export function isNm(t: TokenType): boolean {
  return isIdj(t) || t === 'STRING';
}

/** Whether the look-ahead that decides WINDOW, OVER and FILTER counts `t` as a name. */
function isIdLike(t: TokenType): boolean {
  return (
    t === 'ID' || t === 'STRING' || t === 'WINDOW' || t === 'OVER' || JOIN_KEYWORDS.has(t) ||
    FALLBACK_TO_ID.has(t)
  );
}

/** A cursor over the tokens of one statement. */
export class Parser {
  readonly sql: string;
  /** The current token: the next one the grammar will consume. */
  tok: Token;
  /** Where the last consumed token ended; the end of the node being built. */
  lastEnd: number;
  /** Whether the statement being parsed is the body of a trigger (some forms are refused there). */
  inTrigger = false;
  /** The parameter names of this statement by number (index 0 is ?1); null for an unnamed `?`. */
  readonly parameters: (string | null)[] = [];

  private lastType: TokenType | null = null;
  private pending: SqlSyntaxError | null = null;
  private depth = 0;
  private readonly parameterNumbers = new Map<string, number>();

  constructor(sql: string, pos: number) {
    this.sql = sql;
    this.lastEnd = pos;
    this.tok = this.read(pos);
  }

  /** The source text of a token or node. */
  text(t: Span): string {
    return this.sql.slice(t.start, t.end);
  }

  /** Whether the current token is of type `t`. */
  at(t: TokenType): boolean {
    return this.tok.type === t;
  }

  /** Consumes the current token and returns it. */
  advance(): Token {
    const t = this.tok;
    if (this.pending) throw this.pending;
    this.lastEnd = t.end;
    this.lastType = t.type;
    this.tok = this.read(t.end);
    return t;
  }

  /** Consumes the current token if it is of type `t`. */
  accept(t: TokenType): boolean {
    if (this.tok.type !== t) return false;
    this.advance();
    return true;
  }

  /** Consumes a token of type `t`, or reports a syntax error at the current token. */
  expect(t: TokenType): Token {
    if (this.tok.type !== t) this.fail();
    return this.advance();
  }

  /** Reports a syntax error at the current token. */
  fail(): never {
    const t = this.tok;
    const message =
      t.type === 'EOF' ? 'incomplete input' : `near "${this.text(t)}": syntax error`;
    throw new SqlSyntaxError(message, t.start);
  }

  /**
   * Records an error of the construct just consumed, as SQLite's grammar action reports it: it is
   * thrown when the next token is consumed (or the statement ends there), unless a syntax error is
   * found first.
   */
  deferError(err: SqlSyntaxError): void {
    this.pending = err;
  }

  /** Throws an error recorded by `deferError`; called when a statement ends. */
  flushDeferred(): void {
    if (this.pending) throw this.pending;
  }

  /** Enters a nested form (a parenthesized expression, a subquery, …) weighing `weight` units. */
  enter(weight: number): void {
    this.depth += weight;
    if (this.depth > MAX_DEPTH) throw new SqlSyntaxError(TOO_DEEP, this.tok.start);
  }

  /** Leaves a form entered with `enter(weight)`. */
  leave(weight: number): void {
    this.depth -= weight;
  }

  /** An Identifier for the name token `t`. */
  identifier(t: Token): Identifier {
    const text = this.text(t);
    const c = text[0];
    const quote: QuoteChar | null =
      c === '"' || c === "'" || c === '`' || c === '[' ? c : null;
    return {
      kind: 'identifier',
      name: quote ? identifierName(text) : text,
      quote,
      start: t.start,
      end: t.end,
    };
  }

  /** Consumes an `nm`: a name of an object. */
  nm(): Identifier {
    if (!isNm(this.tok.type)) this.fail();
    return this.identifier(this.advance());
  }

  /** Consumes an `ids`: an identifier or string (collation names and the like). */
  ids(): Identifier {
    if (!isIds(this.tok.type)) this.fail();
    return this.identifier(this.advance());
  }

  /** Consumes `nm [. nm]`: an object name with an optional schema. */
  qualifiedName(): { schema: Identifier | null; name: Identifier } {
    const first = this.nm();
    if (!this.accept('.')) return { schema: null, name: first };
    return { schema: first, name: this.nm() };
  }

  /** Consumes a parenthesized list of names, `(nm, …)`. */
  nameList(): Identifier[] {
    this.expect('(');
    const names = [this.nm()];
    while (this.accept(',')) names.push(this.nm());
    this.expect(')');
    return names;
  }

  /**
   * Gives the parameter token `t`, just consumed, its number as SQLite does: `?` takes the next
   * number, `?NNN` is NNN, and a named parameter shares the number of an earlier one of the same
   * name. A number out of range is an error deferred as SQLite defers it.
   */
  parameterNumber(t: Token): number {
    const name = this.text(t);
    let n: number;
    if (name === '?') {
      n = this.addParameter(null, this.parameters.length + 1);
    } else if (name[0] === '?') {
      const digits = name.slice(1);
      n = /^\d{1,19}$/.test(digits) ? Number(digits) : 0;
      if (n < 1 || n > MAX_VARIABLE_NUMBER) {
        const message = `variable number must be between ?1 and ?${MAX_VARIABLE_NUMBER}`;
        this.deferError(new SqlSyntaxError(message, t.start));
        return 0;
      }
      if (this.parameters[n - 1] == null) this.addParameter(name, n);
    } else {
      n = this.parameterNumbers.get(name) ?? this.addParameter(name, this.parameters.length + 1);
    }
    if (n > MAX_VARIABLE_NUMBER) {
      this.deferError(new SqlSyntaxError('too many SQL variables', t.start));
    }
    return n;
  }

  private addParameter(name: string | null, n: number): number {
    while (this.parameters.length < n) this.parameters.push(null);
    if (name !== null) {
      this.parameters[n - 1] = name;
      if (!this.parameterNumbers.has(name)) this.parameterNumbers.set(name, n);
    }
    return n;
  }

  /**
   * Reads the significant token at `pos`: skips spaces and comments, reports an unreadable token,
   * and decides whether WINDOW, OVER and FILTER are keywords here. They are only when followed by
   * `name AS`, by `(` or a name after a `)`, and by `(` after a `)`, respectively.
   */
  private read(pos: number): Token {
    const t = significantToken(this.sql, pos);
    switch (t.type) {
      case 'ILLEGAL':
        throw new SqlSyntaxError(`unrecognized token: "${this.text(t)}"`, t.start);
      case 'WINDOW': {
        const name = this.peekAfter(t);
        const keyword = isIdLike(name.type) && this.peekAfter(name).type === 'AS';
        return keyword ? t : { ...t, type: 'ID' };
      }
      case 'OVER': {
        const next = this.peekAfter(t).type;
        const keyword = this.lastType === ')' && (next === '(' || isIdLike(next));
        return keyword ? t : { ...t, type: 'ID' };
      }
      case 'FILTER': {
        const keyword = this.lastType === ')' && this.peekAfter(t).type === '(';
        return keyword ? t : { ...t, type: 'ID' };
      }
      default:
        return t;
    }
  }

  /**
   * The token after `t`, skipping spaces and comments, as the tokenizer reads it (keywords are not
   * reinterpreted and an unreadable token is not reported): for the few places that must look
   * further ahead than the current token.
   */
  peekAfter(t: Token): Token {
    return significantToken(this.sql, t.end);
  }
}

/** The first token at or after `pos` that is not a space or comment. */
function significantToken(sql: string, pos: number): Token {
  let t = readToken(sql, pos);
  while (t.type === 'SPACE' || t.type === 'COMMENT') t = readToken(sql, t.end);
  return t;
}
