// UPDATE and DELETE beyond WHERE, against real SQLite: WITH before the statement, UPDATE … FROM, row
// values in SET, and ORDER BY / LIMIT / OFFSET (SQLite built with SQLITE_ENABLE_UPDATE_DELETE_LIMIT).
// Each script's outcomes (rows, changes, last insert rowid, errors) must agree statement by statement,
// and Hearth's file must pass SQLite's integrity_check with the same schema and index entries.
import { afterAll, describe, it } from 'vitest';
import { makeTempDir, removeTempDir } from './support/sqlite-oracle.js';
import { agreeScript } from './support/script-pair.js';

const dir = makeTempDir();
afterAll(() => removeTempDir(dir));
let files = 0;
const agree = (script: string[]): void => agreeScript(dir, `ud${files++}`, script);

const setup = [
  'CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL, d UNIQUE)',
  'CREATE INDEX tb ON t(b)',
  "INSERT INTO t VALUES (1,'x',1.5,10),(2,'y',2,20),(3,'x',3,30),(4,'z',NULL,40),(5,'y',5,50)",
  'CREATE TABLE s(k, v, w)',
  "INSERT INTO s VALUES (1,'one',100),(3,'three',300),(5,'five',500),(7,'seven',700)",
];

describe('row values in SET', () => {
  it('assigns lists and subqueries, with affinity, and reports SQLite errors', () => {
    agree([
      ...setup,
      "UPDATE t SET (b, c) = ('q', '7') WHERE a = 1",
      'UPDATE t SET (b, c, d) = (SELECT v, w, k * 2 FROM s WHERE s.k = t.a) WHERE a > 2',
      "UPDATE t SET (b, c) = (1, 2, 3)",
      'UPDATE t SET (b, c) = (SELECT 1, 2, 3)',
      'UPDATE t SET b = (1, 2)',
      'UPDATE t SET (a, b) = (a + 100, b || b) WHERE a = 2 RETURNING *',
      'SELECT * FROM t ORDER BY a',
    ]);
  });
});

describe('UPDATE … FROM', () => {
  it('joins the FROM sources and reads them in SET and WHERE', () => {
    agree([
      ...setup,
      'UPDATE t SET b = s.v, c = s.w / 10 FROM s WHERE s.k = t.a',
      'SELECT * FROM t ORDER BY a',
      'UPDATE t AS x SET d = x.d + y.total FROM (SELECT k, sum(w) AS total FROM s GROUP BY k) AS y WHERE y.k = x.a RETURNING a, d',
      "UPDATE t SET b = 'never' FROM s WHERE s.k = 99",
      'UPDATE t SET (b, c) = (s.v, s.k) FROM s JOIN s AS s2 ON s2.k = s.k WHERE s.k = t.a + 2',
      'SELECT * FROM t ORDER BY a',
      'UPDATE t SET d = 30 FROM s WHERE s.k = t.a',
    ]);
  });
});

describe('ORDER BY and LIMIT in UPDATE and DELETE', () => {
  it('changes the first rows in the given order, with OFFSET', () => {
    agree([
      ...setup,
      'UPDATE t SET c = -1 ORDER BY d DESC LIMIT 2',
      "UPDATE t SET b = 'w' WHERE b <> 'z' ORDER BY b, a LIMIT 2 OFFSET 1 RETURNING a, b",
      'UPDATE t SET c = 0 LIMIT 1',
      'UPDATE t SET c = 0 ORDER BY a',
      'DELETE FROM t ORDER BY b DESC, a LIMIT 2 RETURNING a',
      'DELETE FROM t LIMIT 1 OFFSET 1',
      'DELETE FROM t ORDER BY a',
      'DELETE FROM t WHERE a > 100 LIMIT 5',
      'SELECT * FROM t ORDER BY a',
      'CREATE TABLE r(rowid, v)',
      'INSERT INTO r VALUES (30, 1), (20, 2), (10, 3)',
      'UPDATE r SET v = v * 10 ORDER BY rowid LIMIT 1',
      'DELETE FROM r ORDER BY _rowid_ DESC LIMIT 1',
      'SELECT _rowid_, * FROM r',
    ]);
  });
});

describe('WITH before INSERT, UPDATE and DELETE', () => {
  it('makes its tables visible to the whole statement', () => {
    agree([
      ...setup,
      'WITH big AS (SELECT k FROM s WHERE w > 200) UPDATE t SET c = 99 WHERE a IN big',
      'WITH RECURSIVE n(i) AS (SELECT 10 UNION ALL SELECT i + 1 FROM n WHERE i < 14) INSERT INTO t(a, b) SELECT i, i * 2 FROM n',
      'WITH gone(x) AS (VALUES (2), (11)) DELETE FROM t WHERE a IN (SELECT x FROM gone) RETURNING a',
      'WITH m AS (SELECT max(k) AS top FROM s) UPDATE t SET d = m.top FROM m WHERE t.a = 1',
      'WITH u AS (SELECT 1) WITH v AS (SELECT 2) DELETE FROM t',
      'SELECT * FROM t ORDER BY a',
    ]);
  });
});

describe('DELETE of rowid ranges across many leaves', () => {
  // The DELETE names each next row to the b-tree, which then rebalances a leaf once per range and drops
  // an emptied leaf from its parent: the file must still pass SQLite's integrity_check (no page lost
  // from the freelist, no empty leaf) with every index entry matching.
  const fill = [
    'CREATE TABLE big(id INTEGER PRIMARY KEY, pad TEXT, g INTEGER)',
    'CREATE INDEX big_g ON big(g)',
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4000) INSERT INTO big SELECT x, hex(zeroblob(60 + x % 50)) || x, x % 37 FROM c",
  ];
  it('empties whole leaves, parts of leaves, and both ends', () => {
    agree([
      ...fill,
      'DELETE FROM big WHERE id > 100 AND id <= 1900',
      'DELETE FROM big WHERE id <= 50',
      'DELETE FROM big WHERE id > 3500',
      'DELETE FROM big WHERE id BETWEEN 2000 AND 2010 OR id BETWEEN 2500 AND 3000',
      'SELECT count(*), sum(id), sum(g), min(id), max(id) FROM big',
      'INSERT INTO big SELECT id + 10000, pad, g FROM big WHERE id < 2200',
      'DELETE FROM big WHERE id % 3 = 0',
      'SELECT count(*), sum(id), sum(length(pad)) FROM big',
    ]);
  });
  it('deletes in descending order (ORDER BY ... LIMIT) and everything', () => {
    agree([
      ...fill,
      'DELETE FROM big WHERE id > 1000 ORDER BY id DESC LIMIT 2500',
      'SELECT count(*), sum(id) FROM big',
      'DELETE FROM big',
      'SELECT count(*) FROM big',
    ]);
  });
});

describe('UPDATE of same-sized values', () => {
  // A row whose new record has the size of the old one is overwritten where it lies on its leaf: the
  // change must still be journaled (rolled back below) and leave a file SQLite finds intact.
  it('overwrites rows in place, through a rollback and a commit', () => {
    agree([
      'CREATE TABLE c(id INTEGER PRIMARY KEY, n INTEGER, r REAL, flag TEXT)',
      "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < 3000) INSERT INTO c SELECT x, x % 100 + 1000, x / 7.0, 'no' FROM s",
      'BEGIN',
      "UPDATE c SET n = n + 1, r = r * 2, flag = 'ye' WHERE id % 2 = 0",
      'SELECT count(*), sum(n), sum(r), sum(flag = \'ye\') FROM c',
      'ROLLBACK',
      'SELECT count(*), sum(n), sum(r), sum(flag = \'ye\') FROM c',
      "UPDATE c SET n = n + 1, r = r * 2, flag = 'ye' WHERE id > 100 AND id <= 2500",
      'SAVEPOINT s1',
      'UPDATE c SET n = n - 1 WHERE id <= 2000',
      'ROLLBACK TO s1',
      'RELEASE s1',
      'SELECT count(*), sum(n), sum(r), sum(flag = \'ye\'), min(n), max(n) FROM c',
    ]);
  });
});

describe('DELETE of many rows with indexes of every kind', () => {
  // Without triggers or foreign keys, a DELETE collects the index entries of the rows it deletes and
  // removes them at the end, each index's in key order. Keys that sort as bytes (numbers, BINARY text)
  // and those that do not (NOCASE, DESC), expression and partial indexes, and keys too long for their
  // page must all end up as SQLite leaves them; a statement that fails part-way must change nothing.
  const fill = [
    'CREATE TABLE m(id INTEGER PRIMARY KEY, k INTEGER, name TEXT, tag TEXT, r REAL, big TEXT)',
    'CREATE INDEX m_k ON m(k)',
    'CREATE INDEX m_name ON m(name COLLATE NOCASE, k DESC)',
    'CREATE UNIQUE INDEX m_tag ON m(tag)',
    'CREATE INDEX m_expr ON m(k % 7, lower(name))',
    'CREATE INDEX m_part ON m(r) WHERE r > 50',
    'CREATE INDEX m_big ON m(big)',
    'WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 3000) ' +
      "INSERT INTO m SELECT i, (i * 7919) % 3001, char(65 + i % 26) || lower(char(65 + i % 5)) || (i % 13), 'tag' || i, (i % 100) + 0.5, " +
      "CASE WHEN i % 10 = 0 THEN printf('%.*c', 1500 + i % 7, 'z') || i ELSE 'b' || (i % 40) END FROM c",
  ];
  const check = [
    'SELECT count(*), sum(id), sum(k), sum(r) FROM m',
    'SELECT k, id FROM m INDEXED BY m_k WHERE k BETWEEN 100 AND 160',
    "SELECT name, k FROM m INDEXED BY m_name WHERE name = 'bA5' COLLATE NOCASE",
    'SELECT r, id FROM m INDEXED BY m_part WHERE r > 50 AND r > 98',
    'SELECT count(*) FROM m WHERE big > \'z\'',
  ];
  it('removes the entries of rowid ranges, scattered rows and whole tables', () => {
    agree([
      ...fill,
      'DELETE FROM m WHERE id > 500 AND id <= 1500',
      ...check,
      'DELETE FROM m WHERE k % 3 = 0',
      'DELETE FROM m WHERE id IN (SELECT id FROM m WHERE r < 20 ORDER BY k LIMIT 300)',
      'DELETE FROM m WHERE id > 2000 RETURNING id, tag',
      ...check,
      'INSERT INTO m SELECT id + 5000, k, name, tag || \'x\', r, big FROM m WHERE id < 400',
      'DELETE FROM m WHERE name LIKE \'a%\' OR big LIKE \'z%\'',
      ...check,
      'DELETE FROM m',
      ...check,
    ]);
  });
  it('undoes a DELETE that fails part-way, and one rolled back', () => {
    agree([
      ...fill,
      'DELETE FROM m WHERE id <= 1000 RETURNING CASE WHEN id = 900 THEN abs(-9223372036854775808) ELSE id END',
      ...check,
      'BEGIN',
      'DELETE FROM m WHERE id % 2 = 0',
      'SAVEPOINT s',
      'DELETE FROM m WHERE id < 2500',
      ...check,
      'ROLLBACK TO s',
      ...check,
      'ROLLBACK',
      'DELETE FROM m WHERE id BETWEEN 100 AND 2900',
      ...check,
    ]);
  });
});

describe('UPDATE of rows that shrink', () => {
  // A row whose new cell is no larger than the old stays where it lies: the rest of its old cell becomes
  // a freeblock or fragmented bytes (at most 57 per page, past which the row moves). SQLite must find
  // the file intact, its free space accounted for.
  it('shrinks rows by one byte at a time, then by more, then grows them back', () => {
    agree([
      'CREATE TABLE g(id INTEGER PRIMARY KEY, s TEXT, n INTEGER)',
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) INSERT INTO g SELECT x, printf('%.*c', 20 + x % 30, 'a'), x * 1000 FROM c",
      'UPDATE g SET s = substr(s, 2)',
      'UPDATE g SET s = substr(s, 2) WHERE id % 2 = 0',
      'UPDATE g SET s = substr(s, 2), n = n / 1000',
      'UPDATE g SET s = substr(s, 9) WHERE id > 500',
      'SELECT count(*), sum(length(s)), sum(n) FROM g',
      "UPDATE g SET s = s || 'grown' WHERE id % 3 = 0",
      'SELECT count(*), sum(length(s)), sum(n) FROM g',
    ]);
  });
});

describe('UPDATE of some columns', () => {
  // Without triggers, RETURNING or foreign keys, an UPDATE decodes only the columns its SET, CHECK
  // constraints and changed indexes read, and copies the others from the old record as they are: values
  // of every class, overflowing records, columns added by ALTER TABLE (missing from old records), and
  // rows moved or deleted by REPLACE must all come out as SQLite writes them.
  const fill = [
    'CREATE TABLE w(id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB, n, big TEXT, u INTEGER UNIQUE, CHECK (i IS NULL OR i >= -1000000))',
    'CREATE INDEX w_t ON w(t)',
    'CREATE INDEX w_expr ON w(i + length(t))',
    'CREATE INDEX w_part ON w(r) WHERE b IS NOT NULL',
    'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1500) ' +
      "INSERT INTO w SELECT x, CASE WHEN x % 9 = 0 THEN NULL ELSE x * 1000003 % 99991 END, CASE WHEN x % 4 = 0 THEN x ELSE x / 7.0 END, " +
      "'t' || (x % 50), CASE WHEN x % 3 = 0 THEN CAST(printf('b%d', x) AS BLOB) ELSE NULL END, CASE x % 4 WHEN 0 THEN 1.5 WHEN 1 THEN 'n' WHEN 2 THEN x ELSE NULL END, " +
      "CASE WHEN x % 25 = 0 THEN printf('%.*c', 5000 + x, 'q') ELSE 'small' END, x FROM c",
  ];
  const check = [
    'SELECT count(*), sum(i), sum(r), sum(length(t)), sum(length(b)), sum(length(big)), sum(u), total(n) FROM w',
    'SELECT id, i, r, t, hex(b), n, length(big), u FROM w WHERE id % 97 = 0 ORDER BY id',
    "SELECT id FROM w INDEXED BY w_t WHERE t = 't7' ORDER BY id",
    'SELECT id FROM w INDEXED BY w_part WHERE b IS NOT NULL AND r > 100 ORDER BY id',
  ];
  it('copies untouched values of every kind, overflowing ones included', () => {
    agree([
      ...fill,
      'UPDATE w SET i = i + 1 WHERE id > 100 AND id <= 900',
      "UPDATE w SET t = t || 'x', r = r * 2 WHERE id % 3 = 1",
      "UPDATE w SET big = big || 'tail' WHERE id % 50 = 0",
      'UPDATE w SET n = NULL WHERE id < 200',
      'UPDATE w SET b = NULL, i = -1 WHERE id BETWEEN 300 AND 400',
      'UPDATE w SET n = (SELECT count(*) FROM w AS o WHERE o.u < w.u AND o.t = w.t) WHERE id % 100 = 1',
      'UPDATE w SET (i, b) = (SELECT CAST(w.r AS INTEGER), NULL) WHERE id % 100 = 2',
      ...check,
    ]);
  });
  it('fills columns ALTER TABLE added, checks constraints and resolves REPLACE', () => {
    agree([
      ...fill,
      "ALTER TABLE w ADD COLUMN extra TEXT DEFAULT 'dflt'",
      'ALTER TABLE w ADD COLUMN more DEFAULT 42',
      'UPDATE w SET i = 7 WHERE id <= 40',
      'SELECT count(*), sum(length(extra)), sum(more) FROM w',
      'UPDATE w SET i = -5000000 WHERE id = 3',
      'UPDATE OR REPLACE w SET u = u + 1 WHERE id BETWEEN 500 AND 520',
      'UPDATE OR IGNORE w SET u = 1 WHERE id > 1400',
      'UPDATE w SET u = 2 WHERE id = 1000',
      ...check,
      'SELECT count(*), sum(u), sum(length(extra)), sum(more) FROM w',
    ]);
  });
});
