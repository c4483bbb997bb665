import { describe, expect, it } from 'vitest';
import { KEYWORD_COUNT, keywordOf } from './keywords.js';
import { blobBytes, identifierName, readToken, tokenize } from './tokenizer.js';

/** `[type, text]` of each token of `sql`. */
function toks(sql: string): [string, string][] {
  return tokenize(sql).map((t) => [t.type, sql.slice(t.start, t.end)]);
}

describe('keywords', () => {
  it('knows SQLite’s 147 keywords, case-insensitively', () => {
    expect(KEYWORD_COUNT).toBe(147);
    expect(keywordOf('select')).toBe('SELECT');
    expect(keywordOf('SeLeCt')).toBe('SELECT');
    expect(keywordOf('temporary')).toBe('TEMP');
    expect(keywordOf('current_timestamp')).toBe('CURRENT_TIMESTAMP');
    expect(keywordOf('selects')).toBeNull();
    expect(keywordOf('within')).toBeNull();
  });

  it('reads a keyword only when the whole word is one', () => {
    expect(toks('select selected _select select_ sélect')).toEqual([
      ['SELECT', 'select'],
      ['ID', 'selected'],
      ['ID', '_select'],
      ['ID', 'select_'],
      ['ID', 'sélect'],
    ]);
  });
});

describe('identifiers', () => {
  it('reads bare and quoted identifiers', () => {
    expect(toks('a _b c1 d$e "x y" [p q] `r s` "a""b" `a``b` [a"b]')).toEqual([
      ['ID', 'a'],
      ['ID', '_b'],
      ['ID', 'c1'],
      ['ID', 'd$e'],
      ['ID', '"x y"'],
      ['ID', '[p q]'],
      ['ID', '`r s`'],
      ['ID', '"a""b"'],
      ['ID', '`a``b`'],
      ['ID', '[a"b]'],
    ]);
  });

  it('treats every non-ASCII character as an identifier character', () => {
    expect(toks('é 名前 a\u00a0b 😀x')).toEqual([
      ['ID', 'é'],
      ['ID', '名前'],
      ['ID', 'a\u00a0b'],
      ['ID', '😀x'],
    ]);
  });

  it('dequotes names', () => {
    expect(identifierName('"a""b"')).toBe('a"b');
    expect(identifierName('`a``b`')).toBe('a`b');
    expect(identifierName('[a""b]')).toBe('a""b');
    expect(identifierName("'it''s'")).toBe("it's");
    expect(identifierName('plain')).toBe('plain');
  });
});

describe('literals', () => {
  it('reads strings and blobs', () => {
    expect(toks("'a' 'it''s' '' x'0aFf' X'' x 'y'")).toEqual([
      ['STRING', "'a'"],
      ['STRING', "'it''s'"],
      ['STRING', "''"],
      ['BLOB', "x'0aFf'"],
      ['BLOB', "X''"],
      ['ID', 'x'],
      ['STRING', "'y'"],
    ]);
    expect(blobBytes("x'00ff10'")).toEqual(new Uint8Array([0, 255, 16]));
  });

  it('reads numbers', () => {
    expect(toks('1 1.5 .5 5. 1e10 1E+5 2.5e-3 0x1F 0XaB')).toEqual([
      ['INTEGER', '1'],
      ['FLOAT', '1.5'],
      ['FLOAT', '.5'],
      ['FLOAT', '5.'],
      ['FLOAT', '1e10'],
      ['FLOAT', '1E+5'],
      ['FLOAT', '2.5e-3'],
      ['INTEGER', '0x1F'],
      ['INTEGER', '0XaB'],
    ]);
  });

  it('reads numbers with digit separators as QNUMBER, checked by the parser', () => {
    expect(toks('1_000 0x1_F 1_2.3_4e5_6 1__0 1_')).toEqual([
      ['QNUMBER', '1_000'],
      ['QNUMBER', '0x1_F'],
      ['QNUMBER', '1_2.3_4e5_6'],
      ['QNUMBER', '1__0'],
      ['QNUMBER', '1_'],
    ]);
  });

  it('makes identifier characters run on from a number part of an illegal token', () => {
    expect(toks('1abc 0x 0xg 1e 1e+ 0_x1')).toEqual([
      ['ILLEGAL', '1abc'],
      ['ILLEGAL', '0x'],
      ['ILLEGAL', '0xg'],
      ['ILLEGAL', '1e'],
      ['ILLEGAL', '1e'],
      ['+', '+'],
      ['ILLEGAL', '0_x1'],
    ]);
  });

  it('reads a malformed string, identifier or blob to its end as one illegal token', () => {
    expect(toks("'abc")).toEqual([['ILLEGAL', "'abc"]]);
    expect(toks('"abc')).toEqual([['ILLEGAL', '"abc']]);
    expect(toks('[abc')).toEqual([['ILLEGAL', '[abc']]);
    expect(toks("x'abc' 1")).toEqual([['ILLEGAL', "x'abc'"], ['INTEGER', '1']]);
    expect(toks("x'zz")).toEqual([['ILLEGAL', "x'zz"]]);
  });
});

describe('variables', () => {
  it('reads every parameter form', () => {
    expect(toks('? ?12 :a @b $c #d :a1 $a::b::c $a(x) $a::b(c d')).toEqual([
      ['VARIABLE', '?'],
      ['VARIABLE', '?12'],
      ['VARIABLE', ':a'],
      ['VARIABLE', '@b'],
      ['VARIABLE', '$c'],
      ['VARIABLE', '#d'],
      ['VARIABLE', ':a1'],
      ['VARIABLE', '$a::b::c'],
      ['VARIABLE', '$a(x)'],
      ['ILLEGAL', '$a::b(c'],
      ['ID', 'd'],
    ]);
  });

  it('needs a name after :, @, $ and #', () => {
    expect(toks(': @ $ # ?a')).toEqual([
      ['ILLEGAL', ':'],
      ['ILLEGAL', '@'],
      ['ILLEGAL', '$'],
      ['ILLEGAL', '#'],
      ['VARIABLE', '?'],
      ['ID', 'a'],
    ]);
  });
});

describe('operators and punctuation', () => {
  it('reads every operator, with == as = and <> as !=', () => {
    const sql = '( ) ; , . + - * / % || -> ->> = == != <> < <= > >= << >> & | ~';
    expect(tokenize(sql).map((t) => t.type)).toEqual([
      '(', ')', ';', ',', '.', '+', '-', '*', '/', '%', '||', '->', '->>', '=', '=', '!=', '!=',
      '<', '<=', '>', '>=', '<<', '>>', '&', '|', '~',
    ]);
  });

  it('reads characters that begin no token as illegal', () => {
    expect(toks('! ^ \\ { \u000b')).toEqual([
      ['ILLEGAL', '!'],
      ['ILLEGAL', '^'],
      ['ILLEGAL', '\\'],
      ['ILLEGAL', '{'],
      ['ILLEGAL', '\u000b'],
    ]);
  });
});

describe('spaces and comments', () => {
  it('skips whitespace and both kinds of comment', () => {
    expect(toks('a\t\n\f\r b -- c\n d /* e */ f /* g')).toEqual([
      ['ID', 'a'],
      ['ID', 'b'],
      ['ID', 'd'],
      ['ID', 'f'],
    ]);
    expect(readToken('/* x', 0)).toEqual({ type: 'COMMENT', start: 0, end: 4 });
    expect(readToken('-- x\ny', 0)).toEqual({ type: 'COMMENT', start: 0, end: 4 });
  });

  it('reads /* at the very end as / and *', () => {
    expect(toks('1 /*')).toEqual([['INTEGER', '1'], ['/', '/'], ['*', '*']]);
    expect(toks('1 /**')).toEqual([['INTEGER', '1']]);
  });

  it('stops at a NUL character', () => {
    expect(toks('a \u0000 b')).toEqual([['ID', 'a']]);
    expect(toks("'a\u0000b'")).toEqual([['ILLEGAL', "'a"]]);
  });
});
