/**
 * SQLite's keywords (sqlite.org/lang_keywords.html) and how the parser may treat them.
 *
 * A keyword is recognized case-insensitively, and only when the whole bare identifier is the
 * keyword. Most keywords are reserved only where the grammar can use them: SQLite's parser falls
 * back to reading a keyword of the FALLBACK_TO_ID set as an ordinary identifier wherever the
 * keyword itself cannot appear, so that a column may be named `key`, `end` or `replace`. A few
 * other keywords are names in narrower places: the join keywords (LEFT, NATURAL, …) and INDEXED
 * may name tables, columns and functions, and WINDOW, OVER and FILTER are keywords only where the
 * tokens around them say so (see `Parser`).
 */

/** Every keyword, spelled as its token type. TEMPORARY is a second spelling of TEMP. */
const KEYWORD_NAMES = [
  'ABORT', 'ACTION', 'ADD', 'AFTER', 'ALL', 'ALTER', 'ALWAYS', 'ANALYZE', 'AND', 'AS', 'ASC',
  'ATTACH', 'AUTOINCREMENT', 'BEFORE', 'BEGIN', 'BETWEEN', 'BY', 'CASCADE', 'CASE', 'CAST',
  'CHECK', 'COLLATE', 'COLUMN', 'COMMIT', 'CONFLICT', 'CONSTRAINT', 'CREATE', 'CROSS', 'CURRENT',
  'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'DATABASE', 'DEFAULT', 'DEFERRABLE',
  'DEFERRED', 'DELETE', 'DESC', 'DETACH', 'DISTINCT', 'DO', 'DROP', 'EACH', 'ELSE', 'END',
  'ESCAPE', 'EXCEPT', 'EXCLUDE', 'EXCLUSIVE', 'EXISTS', 'EXPLAIN', 'FAIL', 'FILTER', 'FIRST',
  'FOLLOWING', 'FOR', 'FOREIGN', 'FROM', 'FULL', 'GENERATED', 'GLOB', 'GROUP', 'GROUPS', 'HAVING',
  'IF', 'IGNORE', 'IMMEDIATE', 'IN', 'INDEX', 'INDEXED', 'INITIALLY', 'INNER', 'INSERT', 'INSTEAD',
  'INTERSECT', 'INTO', 'IS', 'ISNULL', 'JOIN', 'KEY', 'LAST', 'LEFT', 'LIKE', 'LIMIT', 'MATCH',
  'MATERIALIZED', 'NATURAL', 'NO', 'NOT', 'NOTHING', 'NOTNULL', 'NULL', 'NULLS', 'OF', 'OFFSET',
  'ON', 'OR', 'ORDER', 'OTHERS', 'OUTER', 'OVER', 'PARTITION', 'PLAN', 'PRAGMA', 'PRECEDING',
  'PRIMARY', 'QUERY', 'RAISE', 'RANGE', 'RECURSIVE', 'REFERENCES', 'REGEXP', 'REINDEX', 'RELEASE',
  'RENAME', 'REPLACE', 'RESTRICT', 'RETURNING', 'RIGHT', 'ROLLBACK', 'ROW', 'ROWS', 'SAVEPOINT',
  'SELECT', 'SET', 'TABLE', 'TEMP', 'THEN', 'TIES', 'TO', 'TRANSACTION', 'TRIGGER', 'UNBOUNDED',
  'UNION', 'UNIQUE', 'UPDATE', 'USING', 'VACUUM', 'VALUES', 'VIEW', 'VIRTUAL', 'WHEN', 'WHERE',
  'WINDOW', 'WITH', 'WITHOUT',
] as const;

/** A keyword's token type. */
export type Keyword = (typeof KEYWORD_NAMES)[number];

const KEYWORDS: ReadonlyMap<string, Keyword> = new Map<string, Keyword>([
  ...KEYWORD_NAMES.map((k): [string, Keyword] => [k, k]),
  ['TEMPORARY', 'TEMP'],
]);

/** The keyword spelled by `word` (any case), or null when `word` is not a keyword. */
export function keywordOf(word: string): Keyword | null {
  return KEYWORDS.get(word.toUpperCase()) ?? null;
}

/** The number of distinct keyword spellings SQLite recognizes (sqlite3_keyword_count()). */
export const KEYWORD_COUNT = KEYWORDS.size;

/** Keywords read as an identifier wherever the keyword itself is not allowed. */
export const FALLBACK_TO_ID: ReadonlySet<string> = new Set<Keyword>([
  'ABORT', 'ACTION', 'AFTER', 'ALWAYS', 'ANALYZE', 'ASC', 'ATTACH', 'BEFORE', 'BEGIN', 'BY',
  'CASCADE', 'CAST', 'COLUMN', 'CONFLICT', 'CURRENT', 'CURRENT_DATE', 'CURRENT_TIME',
  'CURRENT_TIMESTAMP', 'DATABASE', 'DEFERRED', 'DESC', 'DETACH', 'DO', 'EACH', 'END', 'EXCLUDE',
  'EXCLUSIVE', 'EXPLAIN', 'FAIL', 'FIRST', 'FOLLOWING', 'FOR', 'GENERATED', 'GLOB', 'GROUPS', 'IF',
  'IGNORE', 'IMMEDIATE', 'INITIALLY', 'INSTEAD', 'KEY', 'LAST', 'LIKE', 'MATCH', 'MATERIALIZED',
  'NO', 'NULLS', 'OF', 'OFFSET', 'OTHERS', 'PARTITION', 'PLAN', 'PRAGMA', 'PRECEDING', 'QUERY',
  'RAISE', 'RANGE', 'RECURSIVE', 'REGEXP', 'REINDEX', 'RELEASE', 'RENAME', 'REPLACE', 'RESTRICT',
  'ROLLBACK', 'ROW', 'ROWS', 'SAVEPOINT', 'TEMP', 'TIES', 'TRIGGER', 'UNBOUNDED', 'VACUUM', 'VIEW',
  'VIRTUAL', 'WITH', 'WITHOUT',
]);

/** The join keywords: they build join operators, and may also name things. */
export const JOIN_KEYWORDS: ReadonlySet<string> = new Set<Keyword>([
  'CROSS', 'FULL', 'INNER', 'LEFT', 'NATURAL', 'OUTER', 'RIGHT',
]);
