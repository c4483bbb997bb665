/**
 * Differential tests against SQLite itself (better-sqlite3): for thousands of statements, valid
 * ones and ones broken on purpose, Hearth's parser must accept exactly what SQLite's parser accepts
 * and report a syntax error with exactly SQLite's message.
 *
 * A statement is prepared by SQLite on a database that has the tables it names. When SQLite reports
 * a syntax error ("syntax error", "incomplete input", "unrecognized token"), Hearth must throw the
 * same message; when SQLite prepares the statement, or fails for another reason (no such table,
 * …), Hearth must parse it, or throw that very error where it is one SQLite's parser raises.
 *
 * Two known exceptions are counted separately. SQLite's grammar actions apply some schema rules
 * while the statement is still being read (a duplicate column name, a second primary key, a table
 * that already exists, …) and stop at the first such error, so SQLite may report it where the rest
 * of the statement holds a syntax error that Hearth, which leaves those rules to later stages,
 * reports instead ("read-ahead"). And where a statement breaks two rules that are not syntax,
 * SQLite may report a later one than the parser error Hearth reports ("other reason"). Both arise
 * only from several edits at once.
 *
 * Not compared: `$name::x` and `$name(x)` parameters, which better-sqlite3's build of SQLite leaves
 * out (SQLITE_OMIT_TCL_VARIABLE) and Hearth reads as SQLite's default build does.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Expr } from './ast.js';
import { SqlSyntaxError } from './errors.js';
import { parseOne } from './parse-stmt.js';
import { tokenize } from './tokenizer.js';

const db = new Database(':memory:');
db.exec(`
  CREATE TABLE t(a, b, c);
  CREATE TABLE t1(a PRIMARY KEY, b, c);
  CREATE TABLE t2(a, b, c);
  CREATE TABLE s(x);
  CREATE INDEX ti ON t(a);
  CREATE VIEW v AS SELECT * FROM t;
  CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;
`);
db.function('regexp', { varargs: true }, () => 0);
afterAll(() => db.close());

/** Valid statements covering the grammar; each prepares in SQLite on the database above. */
const SEEDS = [
  'SELECT 1',
  'SELECT a, b AS x, c y, \'lit\' "q", t.* FROM t',
  'SELECT * FROM t WHERE a = 1 AND b <> 2 OR c != 3',
  'SELECT DISTINCT a FROM t ORDER BY a DESC NULLS LAST, b ASC NULLS FIRST LIMIT 5 OFFSET 2',
  'SELECT ALL a FROM t LIMIT 2, 3',
  'SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 1',
  'SELECT a FROM t1 UNION SELECT b FROM t2 UNION ALL SELECT c FROM t INTERSECT ' +
    'SELECT 1 EXCEPT SELECT 2 ORDER BY 1 LIMIT 3',
  'VALUES (1, 2), (3, 4)',
  'VALUES (1) UNION ALL VALUES (2)',
  'WITH x(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM x WHERE n < 5) SELECT n FROM x',
  'WITH RECURSIVE x AS MATERIALIZED (SELECT 1), y AS NOT MATERIALIZED (SELECT 2) ' +
    'SELECT * FROM x, y',
  'SELECT * FROM t1 JOIN t2 ON t1.a = t2.a LEFT JOIN t ON t.b = t1.b',
  'SELECT t.a FROM t1 LEFT OUTER JOIN t2 USING (a, b) RIGHT JOIN t ON t.c = t1.c',
  'SELECT * FROM t1 NATURAL JOIN t2 CROSS JOIN t INNER JOIN t AS z ON 1',
  'SELECT * FROM t1 FULL OUTER JOIN t2 ON t1.a = t2.b',
  'SELECT * FROM t1, t2 AS u, main.t AS v WHERE t1.a = u.a',
  'SELECT * FROM (SELECT a FROM t) AS s, (t1 JOIN t2 USING (a)) g',
  'SELECT * FROM t INDEXED BY ti WHERE a > 0',
  'SELECT * FROM t AS q NOT INDEXED',
  'SELECT * FROM json_each(\'[1,2]\') AS j WHERE j.value > 1',
  'SELECT j.value FROM main.json_each(\'[1]\') AS j, json_tree(\'{}\')',
  'SELECT a FROM t WHERE a IN (1, 2, 3) AND b NOT IN (SELECT a FROM t1) AND c IN s',
  'SELECT a FROM t WHERE a IN () OR b IN main.s OR c NOT IN pragma_module_list()',
  'SELECT a FROM t WHERE a BETWEEN 1 AND 10 AND b NOT BETWEEN 2 + 1 AND 3 * 4',
  'SELECT a FROM t WHERE a LIKE \'x%\' ESCAPE \'\\\' AND b NOT LIKE \'y\' AND c GLOB \'*z\' ' +
    'AND a NOT GLOB \'q\'',
  'SELECT a FROM t WHERE a IS NULL OR b IS NOT NULL OR c ISNULL OR a NOTNULL OR b NOT NULL',
  'SELECT a IS DISTINCT FROM b, a IS NOT DISTINCT FROM c, a IS b, a IS NOT b FROM t',
  'SELECT -a, +b, ~c, NOT a, - - 1, NOT NOT 0 FROM t',
  'SELECT a || b || \'x\', a -> \'$.x\', a ->> \'$.y\', a * b / c % 2, a + b - c FROM t',
  'SELECT a & b | c, a << 2, b >> 1, a < b, a <= b, a > b, a >= b, a == b FROM t',
  'SELECT a COLLATE nocase, b COLLATE "binary" = \'x\' COLLATE rtrim FROM t',
  'SELECT CAST(a AS INTEGER), CAST(b AS VARCHAR(10)), CAST(c AS DOUBLE PRECISION), ' +
    'CAST(1 AS) FROM t',
  'SELECT CASE a WHEN 1 THEN \'one\' WHEN 2 THEN \'two\' ELSE \'many\' END FROM t',
  'SELECT CASE WHEN a > 1 THEN b END, CASE WHEN 1 THEN 2 ELSE 3 END FROM t',
  'SELECT EXISTS (SELECT 1 FROM t), NOT EXISTS (SELECT 2), (SELECT max(a) FROM t)',
  'SELECT (1, 2) = (3, 4), (a, b) IN (SELECT a, b FROM t1) FROM t',
  'SELECT count(*), count(DISTINCT a), max(a, b), group_concat(a, \',\' ORDER BY b DESC) FROM t',
  'SELECT sum(a) FILTER (WHERE a > 0), avg(b) OVER (PARTITION BY c ORDER BY a ROWS ' +
    'BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t',
  'SELECT row_number() OVER w, rank() OVER (w ORDER BY b) FROM t WINDOW w AS (PARTITION BY a)',
  'SELECT sum(a) OVER (ORDER BY a RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE TIES) FROM t',
  'SELECT sum(a) OVER (GROUPS UNBOUNDED PRECEDING EXCLUDE NO OTHERS), sum(b) OVER ' +
    '(ROWS 2 PRECEDING EXCLUDE CURRENT ROW) FROM t',
  'SELECT sum(a) OVER (ORDER BY a ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING ' +
    'EXCLUDE GROUP) FROM t',
  'SELECT count(*) FILTER (WHERE b) OVER () FROM t',
  'SELECT x\'00ff\', X\'\', 1.5e10, .5, 5., 0x1F, 1_000, 0xAB_CD, 12.5_5e1_0, NULL, ' +
    '\'it\'\'s\', CURRENT_TIME, CURRENT_DATE, CURRENT_TIMESTAMP',
  'SELECT ?, ?1, ?2, :a, @b, $c, :a',
  'SELECT "a", [b], `c`, t."a" FROM t',
  'SELECT key, action, replace, temp, end, abort, "if", offset, row, rows, range, ' +
    'filter, over, window FROM (SELECT 1 AS key, 2 AS action, 3 AS replace, 4 AS ' +
    'temp, 5 AS end, 6 AS abort, 7 AS "if", 8 AS offset, 9 AS row, 10 AS rows, 11 AS ' +
    'range, 12 AS filter, 13 AS over, 14 AS window)',
  'SELECT left.a FROM t AS left',
  'SELECT a FROM t WHERE a IN (SELECT a FROM t1 ORDER BY a LIMIT 1)',
  'SELECT a FROM t t_alias WHERE t_alias.a = +1 AND -2 < a',
  'SELECT abs(-1), coalesce(NULL, 1), ifnull(a, b), iif(a, b, c), like(\'a\', \'b\'), ' +
    'glob(\'a\', \'b\'), replace(\'a\', \'b\', \'c\') FROM t',
  'SELECT a FROM t ORDER BY a COLLATE nocase DESC',
  'SELECT 1 WHERE 1 = 1 GROUP BY 1 HAVING 1 ORDER BY 1 LIMIT 1',
  'INSERT INTO t VALUES (1, 2, 3)',
  'INSERT INTO t (a, b) VALUES (1, 2), (3, 4)',
  'INSERT OR REPLACE INTO t SELECT * FROM t1',
  'INSERT OR IGNORE INTO main.t AS x (a) VALUES (1)',
  'REPLACE INTO t (a, b, c) VALUES (1, 2, 3)',
  'INSERT INTO t DEFAULT VALUES',
  'INSERT INTO t DEFAULT VALUES RETURNING *',
  'INSERT INTO t1 (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET b = excluded.b WHERE b > 0',
  'INSERT INTO t1 (a) VALUES (1) ON CONFLICT DO NOTHING',
  'INSERT INTO t1 (a) VALUES (1) ON CONFLICT (a) WHERE a > 1 DO NOTHING ON CONFLICT ' +
    'DO UPDATE SET c = 1 RETURNING a, b AS bb',
  'INSERT INTO t SELECT a, b, c FROM t1 WHERE true ON CONFLICT DO NOTHING',
  'WITH s AS (SELECT 1 AS a, 2 AS b, 3 AS c) INSERT INTO t SELECT * FROM s',
  'UPDATE t SET a = 1',
  'UPDATE OR ROLLBACK t SET a = a + 1, b = 2 WHERE c > 0',
  'UPDATE t AS x SET (a, b) = (1, 2) FROM t1 WHERE x.a = t1.a RETURNING *',
  'UPDATE t SET a = 1 WHERE b = 2 RETURNING a, b ORDER BY a LIMIT 1 OFFSET 2',
  'UPDATE main.t INDEXED BY ti SET a = 1',
  'UPDATE t NOT INDEXED SET a = 1 ORDER BY b LIMIT 5',
  'WITH s AS (SELECT 1) UPDATE t SET a = (SELECT * FROM s)',
  'DELETE FROM t',
  'DELETE FROM t WHERE a = 1 RETURNING *',
  'DELETE FROM main.t AS d INDEXED BY ti WHERE d.a > 1 ORDER BY a LIMIT 10',
  'WITH s AS (SELECT 1) DELETE FROM t WHERE a IN s',
  'CREATE TABLE nt (a INTEGER PRIMARY KEY AUTOINCREMENT, b TEXT NOT NULL DEFAULT ' +
    '\'x\', c REAL UNIQUE)',
  'CREATE TABLE IF NOT EXISTS main.nt (a, b VARCHAR(10), c DOUBLE PRECISION, d ' +
    'UNSIGNED BIG INT, e DECIMAL(10, 5))',
  'CREATE TEMP TABLE nt (a INT PRIMARY KEY DESC ON CONFLICT REPLACE, b CHECK (b > ' +
    '0), c COLLATE nocase)',
  'CREATE TEMPORARY TABLE nt AS SELECT * FROM t',
  'CREATE TABLE nt (a DEFAULT -1, b DEFAULT +2.5, c DEFAULT (1 + 2), d DEFAULT ' +
    'CURRENT_TIMESTAMP, e DEFAULT NULL, f DEFAULT x\'00\', g DEFAULT true, h DEFAULT ' +
    'abc)',
  'CREATE TABLE nt (a INTEGER REFERENCES t (a) ON DELETE CASCADE ON UPDATE SET NULL ' +
    'DEFERRABLE INITIALLY DEFERRED, b REFERENCES t1 MATCH full ON DELETE NO ACTION ' +
    'NOT DEFERRABLE)',
  'CREATE TABLE nt (a, b, c AS (a + b) STORED, d GENERATED ALWAYS AS (a * 2) ' +
    'VIRTUAL, e INT GENERATED ALWAYS AS (1))',
  'CREATE TABLE nt (a, b, PRIMARY KEY (a, b), UNIQUE (b) ON CONFLICT IGNORE, CHECK ' +
    '(a > b), FOREIGN KEY (a) REFERENCES t (a) ON DELETE SET DEFAULT)',
  'CREATE TABLE nt (a, b, CONSTRAINT pk PRIMARY KEY (a DESC) CONSTRAINT u UNIQUE ' +
    '(b) CONSTRAINT fk FOREIGN KEY (b) REFERENCES t1 (b) DEFERRABLE INITIALLY ' +
    'IMMEDIATE)',
  'CREATE TABLE nt (a INT NOT NULL CONSTRAINT c1 CHECK (a > 0) CONSTRAINT c2 UNIQUE NULL)',
  'CREATE TABLE nt (a INTEGER PRIMARY KEY, b ANY) STRICT',
  'CREATE TABLE nt (a PRIMARY KEY, b) WITHOUT ROWID',
  'CREATE TABLE nt (a INTEGER PRIMARY KEY, b TEXT) STRICT, WITHOUT ROWID',
  'CREATE TABLE nt (key, action, replace, end, "select", [from], `where`)',
  'CREATE TABLE nt (\'a\' \'b\', "c" "d")',
  'CREATE INDEX ni ON t (a)',
  'CREATE UNIQUE INDEX IF NOT EXISTS main.ni ON t (a COLLATE nocase DESC, b + c ASC) WHERE a > 0',
  'CREATE VIEW nv AS SELECT a FROM t',
  'CREATE TEMP VIEW IF NOT EXISTS nv (x, y) AS SELECT a, b FROM t',
  'CREATE TRIGGER ntr AFTER INSERT ON t BEGIN SELECT 1; END',
  'CREATE TRIGGER IF NOT EXISTS ntr BEFORE DELETE ON t FOR EACH ROW WHEN old.a > 0 ' +
    'BEGIN DELETE FROM t1 WHERE a = old.a; END',
  'CREATE TEMP TRIGGER ntr AFTER UPDATE OF a, b ON t BEGIN UPDATE t1 SET a = new.a ' +
    'WHERE a = old.a; INSERT INTO t2 VALUES (new.a, new.b, new.c); END',
  'CREATE TRIGGER ntr INSTEAD OF INSERT ON v BEGIN INSERT OR IGNORE INTO t (a) ' +
    'VALUES (new.a); SELECT RAISE(IGNORE); SELECT RAISE(ABORT, \'no\'); END',
  'CREATE TRIGGER ntr UPDATE ON t BEGIN REPLACE INTO t1 SELECT * FROM t2; UPDATE OR ' +
    'FAIL t2 SET b = 1 FROM t1 WHERE t2.a = t1.a; END',
  'CREATE VIRTUAL TABLE nvt USING fts5 (a, b, tokenize = \'porter unicode61\')',
  'CREATE VIRTUAL TABLE IF NOT EXISTS main.nvt USING rtree (id, minx, maxx)',
  'DROP TABLE t',
  'DROP TABLE IF EXISTS main.nt',
  'DROP INDEX IF EXISTS ti',
  'DROP VIEW v',
  'DROP TRIGGER IF EXISTS tr',
  'ALTER TABLE t RENAME TO nt',
  'ALTER TABLE main.t RENAME COLUMN a TO z',
  'ALTER TABLE t RENAME b TO y',
  'ALTER TABLE t ADD COLUMN d INTEGER NOT NULL DEFAULT 0',
  'ALTER TABLE t ADD e TEXT REFERENCES t1 (a)',
  'ALTER TABLE t DROP COLUMN c',
  'ALTER TABLE t DROP b',
  'ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0) ON CONFLICT ABORT',
  'ALTER TABLE t ADD CHECK (b IS NOT NULL)',
  'ALTER TABLE t DROP CONSTRAINT ck',
  'ALTER TABLE t ALTER COLUMN a SET NOT NULL ON CONFLICT IGNORE',
  'ALTER TABLE t ALTER b DROP NOT NULL',
  'BEGIN',
  'BEGIN DEFERRED TRANSACTION',
  'BEGIN IMMEDIATE',
  'BEGIN EXCLUSIVE TRANSACTION tx',
  'COMMIT',
  'COMMIT TRANSACTION',
  'END TRANSACTION',
  'ROLLBACK',
  'ROLLBACK TRANSACTION TO SAVEPOINT sp',
  'ROLLBACK TO sp',
  'SAVEPOINT sp',
  'RELEASE sp',
  'RELEASE SAVEPOINT sp',
  'PRAGMA cache_size',
  'PRAGMA main.cache_size = -2000',
  'PRAGMA cache_size(100)',
  'PRAGMA journal_mode = WAL',
  'PRAGMA foreign_keys = ON',
  'PRAGMA secure_delete = \'fast\'',
  'PRAGMA table_info(t)',
  'PRAGMA main.page_size = +4096',
  'ATTACH DATABASE \':memory:\' AS aux',
  'ATTACH \':memory:\' AS aux2 KEY \'k\'',
  'DETACH DATABASE aux',
  'DETACH aux',
  'ANALYZE',
  'ANALYZE t',
  'ANALYZE main.t',
  'REINDEX',
  'REINDEX ti',
  'REINDEX main.t',
  'VACUUM',
  'VACUUM main',
  'VACUUM INTO \'x.db\'',
  'VACUUM main INTO \'y.db\'',
  'EXPLAIN SELECT 1',
  'EXPLAIN QUERY PLAN SELECT * FROM t WHERE a = 1',
  'EXPLAIN DELETE FROM t',
  'SELECT a FROM t WHERE a = ? AND b = :name AND c = @v',
  'SELECT -(-(1)), ((1 + 2) * 3), (((a))) FROM t',
  'SELECT a FROM t WHERE NOT a = 1 AND NOT (b < 2 OR c >= 3)',
  'SELECT CASE WHEN a IS NULL THEN 0 WHEN a IN (1, 2) THEN 1 ELSE a BETWEEN 1 AND 2 END FROM t',
  'SELECT * FROM t WHERE a MATCH \'x\'',
  'SELECT 1 FROM t WHERE a NOT MATCH \'x\' AND b REGEXP \'y\' AND c NOT REGEXP \'z\'',
  'SELECT a FROM t ORDER BY 1 LIMIT (SELECT 1) OFFSET ?',
  'SELECT max(a) OVER (PARTITION BY b, c ORDER BY a, b DESC RANGE CURRENT ROW) FROM t',
  'SELECT ntile(2) OVER win FROM t WINDOW win AS (ORDER BY a), win2 AS (win ROWS 1 PRECEDING)',
  'SELECT json_extract(a, \'$.x\') -> \'y\' ->> \'z\' FROM t',
  'SELECT count() FROM t',
  'SELECT t.a, t1.b FROM t JOIN t1 ON t.a = t1.a AND t.b IN (SELECT b FROM t2 WHERE t2.c = t1.c)',
  'SELECT a FROM t WHERE (a, b) > (1, 2) AND (SELECT a, b FROM t1) = (1, 2)',
];

const KEYWORDS = (
  'ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE ' +
  'BEGIN BETWEEN BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE ' +
  'CROSS CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE ' +
  'DEFERRED DELETE DESC DETACH DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE ' +
  'EXISTS EXPLAIN FAIL FILTER FIRST FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP ' +
  'GROUPS HAVING IF IGNORE IMMEDIATE IN INDEX INDEXED INITIALLY INNER INSERT INSTEAD ' +
  'INTERSECT INTO IS ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH MATERIALIZED NATURAL NO NOT ' +
  'NOTHING NOTNULL NULL NULLS OF OFFSET ON OR ORDER OTHERS OUTER OVER PARTITION PLAN PRAGMA ' +
  'PRECEDING PRIMARY QUERY RAISE RANGE RECURSIVE REFERENCES REGEXP REINDEX RELEASE RENAME ' +
  'REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS SAVEPOINT SELECT SET TABLE TEMP ' +
  'TEMPORARY THEN TIES TO TRANSACTION TRIGGER UNBOUNDED UNION UNIQUE UPDATE USING VACUUM ' +
  'VALUES VIEW VIRTUAL WHEN WHERE WINDOW WITH WITHOUT'
).split(' ');

/** Tokens to insert or substitute: every keyword, punctuation, names and literals. */
const POOL = [
  ...KEYWORDS,
  '(', ')', ',', ';', '.', '*', '+', '-', '=', '<', '||', '->', 'x', 'a', 't', '1', '2.5', "'s'",
  '?', ':p', "x'01'", 'key', 'left', '"q"',
];

/** A deterministic pseudo-random generator (mulberry32) yielding numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Outcome = { ok: true } | { ok: false; message: string };

function sqlite(sql: string): Outcome {
  try {
    db.prepare(sql);
    return { ok: true };
  } catch (e) {
    const message = (e as Error).message;
    // better-sqlite3's own complaints: SQLite prepared the first statement, or found none.
    if (/contains more than one statement|contains no statements/.test(message)) return { ok: true };
    return { ok: false, message };
  }
}

function hearth(sql: string): Outcome {
  try {
    parseOne(sql);
    return { ok: true };
  } catch (e) {
    if (!(e instanceof SqlSyntaxError)) throw e;
    return { ok: false, message: e.message };
  }
}

const isSyntaxError = (message: string): boolean =>
  /syntax error|incomplete input|unrecognized token/.test(message);

/** SQLite's errors from schema rules it applies while still reading a statement. */
const RAISED_WHILE_READING = [
  /^duplicate column name: /,
  /^table ".*" has more than one primary key$/,
  /^AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY$/,
  /^(table|index|view|trigger) .* already exists$/,
  /^no such (table|column|collation sequence): /,
  /^\d+ columns assigned \d+ values$/,
  /^duplicate WITH table name: /,
  /^all VALUES must have the same number of terms$/,
  /^IN\(\.\.\.\) element has \d+ terms? - expected \d+$/,
  /^cannot create .* trigger on /,
  /^unknown database /,
  /^default value of column \[.*\] is not constant$/,
  /^generated columns cannot be part of the PRIMARY KEY$/,
  /^error in generated column /,
  /^unknown table option: /,
  /^foreign key on .* should reference only one column of table /,
  /^number of columns in foreign key does not match /,
  /^no such window: /,
  /^cannot use DEFAULT on a generated column$/,
];

/** How Hearth's outcome for `sql` compares with SQLite's, or how they differ. */
function compare(sql: string): 'agree' | 'read-ahead' | 'other reason' | string {
  const s = sqlite(sql);
  const h = hearth(sql);
  if (s.ok) return h.ok ? 'agree' : `SQLite accepts it; Hearth: ${h.message}`;
  if (isSyntaxError(s.message)) {
    if (!h.ok && h.message === s.message) return 'agree';
    return `SQLite: ${s.message}; Hearth: ${h.ok ? 'accepted' : h.message}`;
  }
  if (h.ok || h.message === s.message) return 'agree';
  if (RAISED_WHILE_READING.some((re) => re.test(s.message))) return 'read-ahead';
  if (!isSyntaxError(h.message)) return 'other reason';
  return `SQLite: ${s.message}; Hearth: ${h.message}`;
}

/** `seed` with `edits` random token edits: delete, duplicate, swap, replace, insert, truncate. */
function mutate(seed: string, edits: number, rnd: () => number): string {
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)] as T;
  let words = tokenize(seed).map((t) => seed.slice(t.start, t.end));
  for (let n = 0; n < edits; n++) {
    const k = Math.floor(rnd() * words.length);
    switch (Math.floor(rnd() * (edits > 1 ? 7 : 6))) {
      case 0:
        words.splice(k, 1);
        break;
      case 1:
        words.splice(k, 0, words[k] as string);
        break;
      case 2:
        if (k + 1 < words.length) words.splice(k, 2, words[k + 1] as string, words[k] as string);
        break;
      case 3:
        words[k] = pick(POOL);
        break;
      case 4:
        words.splice(k, 0, pick(POOL));
        break;
      case 5:
        words = words.slice(0, Math.max(k, 1));
        break;
      default: {
        const j = Math.floor(rnd() * words.length);
        const copy = words.slice(Math.min(j, k), Math.max(j, k) + 1);
        words.splice(Math.floor(rnd() * words.length), 0, ...copy);
      }
    }
  }
  return words.join(' ');
}

/** The outcome of comparing many statements. */
interface Tally {
  agree: number;
  readAhead: number;
  otherReason: number;
  differ: string[];
}

/** Runs `compare` over `statements`: the counts, and each disagreement described. */
function tally(statements: string[]): Tally {
  const t: Tally = { agree: 0, readAhead: 0, otherReason: 0, differ: [] };
  for (const sql of statements) {
    const verdict = compare(sql);
    if (verdict === 'agree') t.agree++;
    else if (verdict === 'read-ahead') t.readAhead++;
    else if (verdict === 'other reason') t.otherReason++;
    else t.differ.push(`${verdict}\n    ${sql}`);
  }
  return t;
}

function report(label: string, total: number, t: Tally): void {
  const rate = ((100 * t.agree) / total).toFixed(2);
  const notes = [];
  if (t.readAhead) notes.push(`${t.readAhead} with an error SQLite raised while reading`);
  if (t.otherReason) notes.push(`${t.otherReason} refused by both for other non-syntax reasons`);
  const extra = notes.length ? `; ${notes.join(', ')}` : '';
  console.log(`differential ${label}: ${t.agree}/${total} agree (${rate}%)${extra}`);
}

describe('differential syntax check against SQLite', () => {
  it('accepts every seed statement, as SQLite does', () => {
    for (const sql of SEEDS) expect([sql, sqlite(sql)]).toEqual([sql, { ok: true }]);
    const result = tally(SEEDS);
    report('seeds', SEEDS.length, result);
    expect(result.differ).toEqual([]);
  });

  it('agrees with SQLite on statements with one token edited', () => {
    const rnd = random(1);
    const statements = Array.from({ length: 4000 }, () =>
      mutate(SEEDS[Math.floor(rnd() * SEEDS.length)] as string, 1, rnd),
    );
    const result = tally(statements);
    report('one edit', statements.length, result);
    expect(result.differ.slice(0, 10)).toEqual([]);
    expect(result.agree).toBe(statements.length);
  });

  it('agrees with SQLite on statements with several edits, but for errors SQLite raises early', () => {
    const rnd = random(2);
    const statements = Array.from({ length: 2000 }, () =>
      mutate(SEEDS[Math.floor(rnd() * SEEDS.length)] as string, 2 + Math.floor(rnd() * 3), rnd),
    );
    const result = tally(statements);
    report('several edits', statements.length, result);
    expect(result.differ.slice(0, 10)).toEqual([]);
  });

  it('agrees with SQLite on random token sequences', () => {
    const rnd = random(3);
    const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)] as T;
    const words = [
      '1', 'a', 't.a', 'NULL', "'x'", '(', ')', ',', '+', '-', '*', 'NOT', 'AND', 'OR', 'IS', 'IN',
      'BETWEEN', 'LIKE', 'ESCAPE', 'COLLATE', 'nocase', '=', '<', '||', '->', 'CASE', 'WHEN',
      'THEN', 'ELSE', 'END', 'CAST', 'AS', 'EXISTS', 'SELECT', 'FROM', 't', 'WHERE', 'DISTINCT',
      'ISNULL', 'NOTNULL', 'OVER', 'FILTER', 'WINDOW', 'PARTITION', 'BY', 'ORDER', 'ROWS',
      'UNBOUNDED', 'PRECEDING', 'CURRENT', 'ROW', 'count', '?', "x'00'", '1.5', 'ON', 'JOIN',
      'LEFT', 'USING', 'GROUP', 'HAVING', 'LIMIT', 'OFFSET', 'UNION', 'ALL', 'VALUES', 'WITH',
      'RAISE', 'IGNORE', '.', 'key', 'end', 'replace',
    ];
    const statements = Array.from({ length: 4000 }, () => {
      const pool = rnd() < 0.7 ? words : [...words, ...KEYWORDS];
      const body = Array.from({ length: 1 + Math.floor(rnd() * 10) }, () => pick(pool)).join(' ');
      return rnd() < 0.8 ? `SELECT ${body}` : body;
    });
    const result = tally(statements);
    report('token sequences', statements.length, result);
    expect(result.differ.slice(0, 10)).toEqual([]);
  });
});

describe('operator precedence against SQLite', () => {
  /** Integer results that would overflow 64 bits (and so become real) end the evaluation. */
  class Overflow extends Error {}
  type Value = bigint | null;
  const fits = (v: bigint): bigint => {
    if (v !== BigInt.asIntN(64, v)) throw new Overflow();
    return v;
  };
  const truth = (b: boolean): bigint => (b ? 1n : 0n);
  const not = (v: Value): Value => (v === null ? null : truth(v === 0n));
  const and = (a: Value, b: Value): Value =>
    a === 0n || b === 0n ? 0n : a === null || b === null ? null : 1n;
  const or = (a: Value, b: Value): Value =>
    (a !== null && a !== 0n) || (b !== null && b !== 0n) ? 1n : a === null || b === null ? null : 0n;
  const compare = (a: Value, b: Value, test: (x: bigint, y: bigint) => boolean): Value =>
    a === null || b === null ? null : truth(test(a, b));
  const shift = (a: bigint, b: bigint): bigint => {
    if (b >= 64n) return 0n;
    if (b <= -64n) return a < 0n ? -1n : 0n;
    return b >= 0n ? BigInt.asIntN(64, a << b) : a >> -b;
  };

  /** SQLite's value of an integer expression, computed from Hearth's syntax tree. */
  function evaluate(e: Expr): Value {
    switch (e.kind) {
      case 'integer':
        return BigInt(e.text);
      case 'null':
        return null;
      case 'collate':
        return evaluate(e.operand);
      case 'unary': {
        const v = evaluate(e.operand);
        if (v === null) return null;
        if (e.op === '-') return fits(-v);
        if (e.op === '~') return ~v;
        return e.op === '+' ? v : truth(v === 0n);
      }
      case 'isNull':
        return truth((evaluate(e.operand) === null) !== e.not);
      case 'between': {
        const v = evaluate(e.operand);
        const r = and(compare(v, evaluate(e.low), (x, y) => x >= y), compare(v, evaluate(e.high), (x, y) => x <= y));
        return e.not ? not(r) : r;
      }
      case 'in': {
        if (e.values.kind !== 'list') break;
        const v = evaluate(e.operand);
        const items = e.values.items.map(evaluate);
        const r = v === null ? null : items.includes(v) ? 1n : items.includes(null) ? null : 0n;
        return e.not ? not(r) : r;
      }
      case 'like': {
        const [a, b] = [evaluate(e.left), evaluate(e.right)];
        const r = a === null || b === null ? null : truth(String(a) === String(b));
        return e.not ? not(r) : r;
      }
      case 'binary': {
        if (e.op === 'AND') return and(evaluate(e.left), evaluate(e.right));
        if (e.op === 'OR') return or(evaluate(e.left), evaluate(e.right));
        const [a, b] = [evaluate(e.left), evaluate(e.right)];
        if (e.op === 'IS') return truth(a === b);
        if (e.op === 'IS NOT') return truth(a !== b);
        if (a === null || b === null) return null;
        switch (e.op) {
          case '+': return fits(a + b);
          case '-': return fits(a - b);
          case '*': return fits(a * b);
          case '&': return a & b;
          case '|': return a | b;
          case '<<': return shift(a, b);
          case '>>': return shift(a, -b);
          case '<': return truth(a < b);
          case '<=': return truth(a <= b);
          case '>': return truth(a > b);
          case '>=': return truth(a >= b);
          case '=': return truth(a === b);
          case '!=': return truth(a !== b);
        }
      }
    }
    throw new Error(`cannot evaluate ${e.kind}`);
  }

  it('groups random operator chains as SQLite does', () => {
    const rnd = random(4);
    const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)] as T;
    const binary = [
      '+', '-', '*', '&', '|', '<<', '>>', '<', '<=', '>', '>=', '=', '==', '!=', '<>', 'IS',
      'IS NOT', 'IS DISTINCT FROM', 'IS NOT DISTINCT FROM', 'AND', 'OR', 'LIKE', 'NOT LIKE',
      'GLOB', 'NOT GLOB',
    ];
    const operand = (depth: number): string => {
      const r = rnd();
      if (depth < 3 && r < 0.15) return `(${chain(depth + 1)})`;
      if (r < 0.35) return `${pick(['-', '+', '~', 'NOT'])} ${operand(depth)}`;
      return r < 0.4 ? 'NULL' : String(Math.floor(rnd() * 4));
    };
    const chain = (depth: number): string => {
      let text = operand(depth);
      for (let n = Math.floor(rnd() * 4); n > 0; n--) {
        const r = rnd();
        if (r < 0.08) text += ` ${pick(['', 'NOT '])}BETWEEN ${operand(depth)} AND ${operand(depth)}`;
        else if (r < 0.14) {
          const items = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => operand(depth));
          text += ` ${pick(['', 'NOT '])}IN (${items.join(', ')})`;
        } else if (r < 0.2) text += ` ${pick(['ISNULL', 'NOTNULL', 'NOT NULL', 'IS NULL', 'COLLATE binary'])}`;
        else text += ` ${pick(binary)} ${operand(depth)}`;
      }
      return text;
    };
    const query = db.prepare('SELECT 1').pluck().safeIntegers(true);
    let same = 0;
    let total = 0;
    const differ: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const sql = `SELECT ${chain(0)}`;
      const { stmt } = parseOne(sql);
      if (stmt?.kind !== 'select' || stmt.first.kind !== 'simpleSelect') throw new Error(sql);
      const column = stmt.first.columns[0];
      if (column?.kind !== 'expr') throw new Error(sql);
      let ours: Value;
      try {
        ours = evaluate(column.expr);
      } catch (e) {
        if (e instanceof Overflow) continue;
        throw e;
      }
      const theirs = db.prepare(sql).pluck().safeIntegers(true).get() as Value;
      total++;
      if (ours === theirs) same++;
      else differ.push(`${sql}: SQLite ${theirs}, Hearth ${ours}`);
    }
    expect(query.get()).toBe(1n);
    console.log(`differential precedence: ${same}/${total} expressions evaluate alike`);
    expect(differ.slice(0, 10)).toEqual([]);
  });
});
