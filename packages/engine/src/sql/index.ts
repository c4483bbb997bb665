/**
 * The SQL front end: tokenizer and parser for SQLite's SQL, producing the syntax tree of ast.ts.
 * `parse` reads a script, `parseOne` one statement at a time; both throw `SqlSyntaxError` with
 * SQLite's wording for invalid SQL.
 */
export type * from './ast.js';
export { SqlSyntaxError } from './errors.js';
export { KEYWORD_COUNT, keywordOf } from './keywords.js';
export { type ParseResult, parse, parseOne } from './parse-stmt.js';
export { type Token, type TokenType, tokenize } from './tokenizer.js';
