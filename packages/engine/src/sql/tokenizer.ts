/**
 * The tokenizer: splits SQL text into tokens by SQLite's rules (sqlite.org/lang_expr.html,
 * lang_keywords.html and the tokenizer requirements).
 *
 * Tokens are read one at a time with `readToken`, which never throws: text that is not a token
 * comes back as an ILLEGAL token covering what SQLite would quote in its "unrecognized token"
 * message. A token records only its type and where it lies; its text is `sql.slice(start, end)`.
 * Offsets are UTF-16 code units. Every character at or above U+0080 is an identifier character,
 * as every byte of a multi-byte UTF-8 sequence is to SQLite. A NUL character ends the input, as
 * it does for SQLite.
 *
 * A few tokens are checked further by the parser, which alone knows whether they are used:
 * numbers with `_` digit separators (QNUMBER), and variables such as `#1`.
 */
import { type Keyword, keywordOf } from './keywords.js';

/** Operators and punctuation. `==` reads as `=` and `<>` as `!=`. */
export type Punct =
  | '(' | ')' | ';' | ',' | '.' | '+' | '-' | '*' | '/' | '%' | '||' | '->' | '->>' | '=' | '!='
  | '<' | '<=' | '>' | '>=' | '<<' | '>>' | '&' | '|' | '~';

/**
 * A token's type. ID is an identifier, bare or quoted with "", [] or ``; STRING a '…' literal;
 * INTEGER and FLOAT numbers, QNUMBER a number with `_` separators; BLOB an x'…' literal;
 * VARIABLE a parameter (`?`, `?7`, `:a`, `@a`, `$a`, `#a`). SPACE and COMMENT are skipped by the
 * parser; EOF ends the input.
 */
export type TokenType =
  | 'ID' | 'STRING' | 'INTEGER' | 'FLOAT' | 'QNUMBER' | 'BLOB' | 'VARIABLE'
  | 'SPACE' | 'COMMENT' | 'ILLEGAL' | 'EOF' | Punct | Keyword;

/** One token: its type and its place [start, end) in the SQL text. */
export interface Token {
  type: TokenType;
  start: number;
  end: number;
}

const C_TAB = 9, C_LF = 10, C_FF = 12, C_CR = 13, C_SPACE = 32;
const C_DQUOTE = 34, C_HASH = 35, C_DOLLAR = 36, C_PERCENT = 37, C_AMP = 38, C_QUOTE = 39;
const C_LP = 40, C_RP = 41, C_STAR = 42, C_PLUS = 43, C_COMMA = 44, C_MINUS = 45, C_DOT = 46;
const C_SLASH = 47, C_0 = 48, C_9 = 57, C_COLON = 58, C_SEMI = 59, C_LT = 60, C_EQ = 61, C_GT = 62;
const C_QUESTION = 63, C_AT = 64, C_LBRACKET = 91, C_RBRACKET = 93, C_UNDERSCORE = 95;
const C_BACKTICK = 96, C_PIPE = 124, C_TILDE = 126, C_BANG = 33;

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Characters that may continue an identifier (SQLite's IdChar): also `$` and all non-ASCII. */
function isIdChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === C_UNDERSCORE || c === C_DOLLAR || c >= 0x80;
}

function isSpace(c: number): boolean {
  return c === C_SPACE || c === C_TAB || c === C_LF || c === C_FF || c === C_CR;
}

/** The character code at `i`, or 0 past the end (0 also marks the end of input within the text). */
function at(sql: string, i: number): number {
  return i < sql.length ? sql.charCodeAt(i) : 0;
}

/** Reads the token that starts at `pos`. */
export function readToken(sql: string, pos: number): Token {
  const c = at(sql, pos);
  const tok = (type: TokenType, length: number): Token => ({ type, start: pos, end: pos + length });
  switch (c) {
    case 0:
      return tok('EOF', 0);
    case C_SPACE: case C_TAB: case C_LF: case C_FF: case C_CR: {
      let i = pos + 1;
      while (isSpace(at(sql, i))) i++;
      return tok('SPACE', i - pos);
    }
    case C_MINUS: {
      const d = at(sql, pos + 1);
      if (d === C_MINUS) {
        let i = pos + 2;
        while (i < sql.length && sql.charCodeAt(i) !== C_LF && sql.charCodeAt(i) !== 0) i++;
        return tok('COMMENT', i - pos);
      }
      if (d === C_GT) return at(sql, pos + 2) === C_GT ? tok('->>', 3) : tok('->', 2);
      return tok('-', 1);
    }
    case C_SLASH: {
      // A comment needs at least one character after its `/*`; a bare `/*` at the end is `/` `*`.
      if (at(sql, pos + 1) !== C_STAR || at(sql, pos + 2) === 0) return tok('/', 1);
      let i = pos + 2;
      for (;;) {
        const e = at(sql, i);
        if (e === 0) break;
        if (e === C_STAR && at(sql, i + 1) === C_SLASH) {
          i += 2;
          break;
        }
        i++;
      }
      return tok('COMMENT', i - pos);
    }
    case C_LP: return tok('(', 1);
    case C_RP: return tok(')', 1);
    case C_SEMI: return tok(';', 1);
    case C_PLUS: return tok('+', 1);
    case C_STAR: return tok('*', 1);
    case C_PERCENT: return tok('%', 1);
    case C_COMMA: return tok(',', 1);
    case C_AMP: return tok('&', 1);
    case C_TILDE: return tok('~', 1);
    case C_EQ: return at(sql, pos + 1) === C_EQ ? tok('=', 2) : tok('=', 1);
    case C_LT: {
      const d = at(sql, pos + 1);
      if (d === C_EQ) return tok('<=', 2);
      if (d === C_GT) return tok('!=', 2);
      if (d === C_LT) return tok('<<', 2);
      return tok('<', 1);
    }
    case C_GT: {
      const d = at(sql, pos + 1);
      if (d === C_EQ) return tok('>=', 2);
      if (d === C_GT) return tok('>>', 2);
      return tok('>', 1);
    }
    case C_BANG:
      return at(sql, pos + 1) === C_EQ ? tok('!=', 2) : tok('ILLEGAL', 1);
    case C_PIPE:
      return at(sql, pos + 1) === C_PIPE ? tok('||', 2) : tok('|', 1);
    case C_QUOTE: case C_DQUOTE: case C_BACKTICK:
      return readQuoted(sql, pos, c);
    case C_LBRACKET: {
      let i = pos + 1;
      while (i < sql.length && sql.charCodeAt(i) !== C_RBRACKET && sql.charCodeAt(i) !== 0) i++;
      return at(sql, i) === C_RBRACKET ? tok('ID', i + 1 - pos) : tok('ILLEGAL', i - pos);
    }
    case C_DOT:
      return isDigit(at(sql, pos + 1)) ? readNumber(sql, pos) : tok('.', 1);
    case C_QUESTION: {
      let i = pos + 1;
      while (isDigit(at(sql, i))) i++;
      return tok('VARIABLE', i - pos);
    }
    case C_DOLLAR: case C_AT: case C_COLON: case C_HASH:
      return readNamedVariable(sql, pos);
    default:
      if (isDigit(c)) return readNumber(sql, pos);
      if ((c === 0x78 || c === 0x58) && at(sql, pos + 1) === C_QUOTE) return readBlob(sql, pos);
      if (isLetter(c) || c === C_UNDERSCORE || c >= 0x80) return readWord(sql, pos);
      return tok('ILLEGAL', 1);
  }
}

/** A '…' string or a "…" or `…` identifier; the delimiter doubled stands for itself. */
function readQuoted(sql: string, pos: number, delim: number): Token {
  let i = pos + 1;
  for (;;) {
    const c = at(sql, i);
    if (c === 0) return { type: 'ILLEGAL', start: pos, end: i };
    if (c === delim) {
      if (at(sql, i + 1) !== delim) break;
      i++;
    }
    i++;
  }
  return { type: delim === C_QUOTE ? 'STRING' : 'ID', start: pos, end: i + 1 };
}

/** `x'…'`: an even number of hex digits, else ILLEGAL up to and including the closing quote. */
function readBlob(sql: string, pos: number): Token {
  let i = pos + 2;
  while (isHexDigit(at(sql, i))) i++;
  let type: TokenType = 'BLOB';
  if (at(sql, i) !== C_QUOTE || (i - pos) % 2 !== 0) {
    type = 'ILLEGAL';
    while (i < sql.length && sql.charCodeAt(i) !== C_QUOTE && sql.charCodeAt(i) !== 0) i++;
  }
  if (at(sql, i) === C_QUOTE) i++;
  return { type, start: pos, end: i };
}

/**
 * A number: decimal digits with an optional fraction and exponent, `.5`, or hex `0x…`. Any `_`
 * among the digits makes it a QNUMBER, whose separators the parser checks. Identifier characters
 * run on from a number make the whole run ILLEGAL (`1abc`, `0x`, `1e`).
 */
function readNumber(sql: string, pos: number): Token {
  let type: TokenType = 'INTEGER';
  let i = pos;
  const digits = (test: (c: number) => boolean): void => {
    for (;;) {
      const c = at(sql, i);
      if (test(c)) i++;
      else if (c === C_UNDERSCORE) {
        type = 'QNUMBER';
        i++;
      } else break;
    }
  };
  const x = at(sql, pos + 1);
  if (at(sql, pos) === C_0 && (x === 0x78 || x === 0x58) && isHexDigit(at(sql, pos + 2))) {
    i = pos + 3;
    digits(isHexDigit);
  } else {
    digits(isDigit);
    if (at(sql, i) === C_DOT) {
      if (type === 'INTEGER') type = 'FLOAT';
      i++;
      digits(isDigit);
    }
    const e = at(sql, i);
    if (e === 0x65 || e === 0x45) {
      const s = at(sql, i + 1);
      if (isDigit(s) || ((s === C_PLUS || s === C_MINUS) && isDigit(at(sql, i + 2)))) {
        if (type === 'INTEGER') type = 'FLOAT';
        i += 2;
        digits(isDigit);
      }
    }
  }
  while (isIdChar(at(sql, i))) {
    type = 'ILLEGAL';
    i++;
  }
  return { type, start: pos, end: i };
}

/**
 * `:name`, `@name`, `#name` or `$name`. The name may carry Tcl-style suffixes: `::` separators and
 * one final `(…)` without spaces. A prefix with no name after it is ILLEGAL.
 */
function readNamedVariable(sql: string, pos: number): Token {
  let n = 0;
  let i = pos + 1;
  let type: TokenType = 'VARIABLE';
  for (;;) {
    const c = at(sql, i);
    if (c === 0) break;
    if (isIdChar(c)) {
      n++;
      i++;
    } else if (c === C_LP && n > 0) {
      let e = at(sql, ++i);
      while (e !== 0 && !isSpace(e) && e !== C_RP) e = at(sql, ++i);
      if (e === C_RP) i++;
      else type = 'ILLEGAL';
      break;
    } else if (c === C_COLON && at(sql, i + 1) === C_COLON) {
      i += 2;
    } else break;
  }
  return { type: n === 0 ? 'ILLEGAL' : type, start: pos, end: i };
}

/** A bare identifier, or a keyword when the word is one. */
function readWord(sql: string, pos: number): Token {
  let i = pos + 1;
  let plain = true;
  for (;;) {
    const c = at(sql, i);
    if (!isIdChar(c)) break;
    if (!isLetter(c) && c !== C_UNDERSCORE) plain = false;
    i++;
  }
  const first = sql.charCodeAt(pos);
  if (!isLetter(first) && first !== C_UNDERSCORE) plain = false;
  const kw = plain && i - pos >= 2 ? keywordOf(sql.slice(pos, i)) : null;
  return { type: kw ?? 'ID', start: pos, end: i };
}

/** The tokens of `sql` other than spaces and comments, up to the end of input (for tests). */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  for (let pos = 0; ; ) {
    const t = readToken(sql, pos);
    if (t.type === 'EOF') return out;
    if (t.type !== 'SPACE' && t.type !== 'COMMENT') out.push(t);
    pos = t.end;
  }
}

/** The name an identifier token spells: quotes removed and doubled quote characters collapsed. */
export function identifierName(text: string): string {
  const q = text.charCodeAt(0);
  if (q === C_LBRACKET) return text.slice(1, -1);
  if (q === C_DQUOTE || q === C_BACKTICK || q === C_QUOTE) {
    const d = text[0];
    return text.slice(1, -1).split(d + d).join(d);
  }
  return text;
}

/** The bytes of a BLOB token `x'…'`. */
export function blobBytes(text: string): Uint8Array {
  const hex = text.slice(2, -1);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
