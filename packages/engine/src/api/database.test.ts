import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Oracle from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeVfs } from '../vfs/node.js';
import { Database } from './database.js';
import { both } from '../../test/support/differential.js';

const dir = mkdtempSync(join(tmpdir(), 'hearth-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXPRESSIONS = [
  '1', '1.0', '-0.0', '0x7fffffffffffffff', '0xffffffffffffffff', '9223372036854775807', '9223372036854775808',
  "'abc'", "x'00ff'", 'NULL', '1 + 2', '1 + 2.5', '7 / 2', '7.0 / 2', '7 % 3', '-7 % 3', '1 / 0', '9223372036854775807 + 1',
  "'3abc' + 1", "'abc' || 1 || 2.5", '1 = 1.0', "'1' = 1", '1 < NULL', 'NULL IS NULL', '1 IS NOT 2', 'NOT 0', 'NOT NULL',
  '1 AND NULL', '0 AND NULL', '1 OR NULL', '0 OR NULL', '5 BETWEEN 1 AND 10', '5 NOT BETWEEN 6 AND 10', '2 IN (1, 2, 3)',
  '4 IN (1, NULL)', '4 NOT IN (1, 2)', "CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END", 'CASE WHEN NULL THEN 1 ELSE 2 END',
  "CAST('12.5' AS INTEGER)", "CAST(12.9 AS INTEGER)", "CAST('abc' AS REAL)", "CAST(3 AS TEXT)", "CAST(x'41' AS TEXT)",
  "'abc' LIKE 'A%'", "'abc' GLOB 'A*'", "'a_c' LIKE 'a\\_c' ESCAPE '\\'", "abs(-3)", "length('héllo')", "upper('abc')",
  "substr('hello', 2, 3)", "round(2.5)", "coalesce(NULL, 2)", "typeof(1.5)", "printf('%5.2f|%d', 3.14159, 42)",
  "'a' = 'A' COLLATE NOCASE", '~5', '1 << 62', '-9223372036854775808 / -1', 'true', 'false', "hex('é')", '2 * 3.0',
];

describe('Database: expressions against SQLite', () => {
  for (const e of EXPRESSIONS) {
    it(e, () => {
      const [h, o] = both('', `SELECT typeof(${e}), quote(${e})`);
      expect(h).toEqual(o);
    });
  }

  it('names result columns as SQLite does', () => {
    const db = new Database();
    const row = db.prepare("SELECT 1 + 2, 'x' AS y, abs(-1)").get();
    expect(row).toEqual({ '1 + 2': 3, y: 'x', 'abs(-1)': 1 });
    db.close();
  });

  it('names a column reference by the column as declared, whatever case it is written in', () => {
    const setup = 'CREATE TABLE t(e, "Mixed", a); CREATE VIEW v AS SELECT E, T.MIXED FROM t;';
    const queries = [
      'SELECT E FROM t',
      'SELECT t.E, (E), E AS E FROM t',
      'SELECT mixed, T.MIXED FROM t',
      'SELECT * FROM (SELECT E FROM t)',
      'SELECT * FROM v',
      'SELECT X FROM (SELECT 1 AS x)',
      'WITH c(Z) AS (SELECT 1) SELECT z FROM c',
      'SELECT ROWID, OID FROM t',
      'SELECT e FROM t UNION SELECT MIXED FROM t',
    ];
    const hearth = new Database();
    const oracle = new Oracle(':memory:');
    hearth.exec(setup);
    oracle.exec(setup);
    for (const q of queries) {
      expect(hearth.prepare(q).columns().map((c) => c.name), q).toEqual(oracle.prepare(q).columns().map((c) => c.name));
    }
    hearth.close();
    oracle.close();
  });
});

describe('Database: tables', () => {
  const setup = `
    CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, tag, n NUMERIC DEFAULT 7);
    INSERT INTO t(name, score, tag) VALUES ('ann', 10, 'x'), ('bob', 7.5, 3), ('cy', NULL, NULL);
    INSERT INTO t VALUES (10, 'dee', '12', x'01', '3.0');`;
  const queries = [
    'SELECT * FROM t',
    'SELECT id, name, typeof(score), score, typeof(n), n FROM t WHERE score > 8 OR score IS NULL',
    "SELECT rowid, name FROM t WHERE name LIKE '_o%'",
    'SELECT name FROM t LIMIT 2 OFFSET 1',
    'SELECT t.name, id * 2 FROM t WHERE id IN (1, 10)',
    'SELECT typeof(score), score FROM t',
    'SELECT * FROM missing',
    'SELECT nope FROM t',
    "INSERT INTO t(name) VALUES (NULL)",
    "INSERT INTO t(id, name) VALUES (1, 'again')",
    "INSERT INTO t(id, name) VALUES ('x', 'mismatch')",
    'INSERT INTO t VALUES (1)',
    "INSERT INTO t(name, score) VALUES ('x')",
    'CREATE TABLE t(a)',
    'SELECT FROM t',
  ];
  for (const q of queries) {
    it(q, () => {
      const [h, o] = both(setup, q);
      expect(h).toEqual(o);
    });
  }
});

describe('Database: writes that return rows', () => {
  it('INSERT, UPDATE and DELETE … RETURNING move changes() and last_insert_rowid() as run() does', () => {
    const hearth = new Database();
    const oracle = new Oracle(':memory:');
    const counters = 'SELECT last_insert_rowid() AS rowid, changes() AS changes, total_changes() AS total';
    const steps = [
      'INSERT INTO t VALUES (5), (6) RETURNING rowid, a',
      counters,
      'UPDATE t SET a = a + 1 WHERE a > 1 RETURNING a',
      counters,
      'DELETE FROM t WHERE a = 7 RETURNING *',
      counters,
    ];
    for (const db of [hearth, oracle]) db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1)');
    for (const sql of steps) {
      expect(hearth.prepare(sql).all(), sql).toEqual(oracle.prepare(sql).all());
    }
    const insert = 'INSERT INTO t VALUES (9) RETURNING a';
    expect([...hearth.prepare(insert).iterate()]).toEqual([...oracle.prepare(insert).iterate()]);
    expect(hearth.prepare(counters).get()).toEqual(oracle.prepare(counters).get());
    hearth.close();
    oracle.close();
  });
});

describe('Database: a new, empty database', () => {
  // Nothing has been written yet, so the file has no pages: its schema table reads as empty.
  for (const q of ['SELECT count(*) AS n FROM sqlite_schema', 'SELECT * FROM sqlite_master', "SELECT name FROM sqlite_schema WHERE rowid = 1", 'SELECT max(rowid) FROM sqlite_schema']) {
    it(q, () => {
      const [h, o] = both('', q);
      expect(h).toEqual(o);
    });
  }
});

describe('Database: joins, ORDER BY, DISTINCT', () => {
  const setup = `
    CREATE TABLE a(id INTEGER PRIMARY KEY, x, name TEXT COLLATE NOCASE);
    CREATE TABLE b(aid INTEGER, y REAL);
    INSERT INTO a(x, name) VALUES (3, 'Bob'), (1, 'ann'), (NULL, 'cy'), (1, 'Ann');
    INSERT INTO b VALUES (1, 0.5), (1, 1.5), (3, 2), (9, 3);`;
  const queries = [
    'SELECT a.id, b.y FROM a, b WHERE a.id = b.aid ORDER BY 1, 2',
    'SELECT a.id, b.y FROM a JOIN b ON a.id = b.aid ORDER BY b.y DESC',
    'SELECT a.id, b.y FROM a LEFT JOIN b ON b.aid = a.id ORDER BY a.id, b.y',
    'SELECT * FROM a CROSS JOIN b WHERE y > 1 ORDER BY id, y',
    'SELECT a.*, y FROM a, b WHERE aid = id ORDER BY y',
    'SELECT x FROM a ORDER BY x',
    'SELECT x FROM a ORDER BY x DESC',
    'SELECT x FROM a ORDER BY x NULLS LAST',
    'SELECT name FROM a ORDER BY name',
    'SELECT name FROM a ORDER BY name COLLATE BINARY DESC',
    'SELECT name AS n, id FROM a ORDER BY n, id',
    'SELECT DISTINCT x FROM a ORDER BY 1',
    'SELECT DISTINCT name FROM a ORDER BY 1',
    'SELECT x, id FROM a ORDER BY x, id LIMIT 2 OFFSET 1',
    'SELECT id FROM a ORDER BY 3',
    'SELECT id FROM a, b',
    'SELECT aid FROM a JOIN b ON nope = 1',
    'SELECT a.id, b.y, c.x FROM b, a, a AS c WHERE c.id = a.id AND b.aid = a.id AND b.y > 1 ORDER BY 1, 2',
    'SELECT a.id FROM a LEFT JOIN b ON b.aid = a.id WHERE b.y IS NULL ORDER BY 1',
  ];
  for (const q of queries) {
    it(q, () => {
      const [h, o] = both(setup, q);
      expect(h).toEqual(o);
    });
  }
});

describe('Database: REINDEX', () => {
  const setup = `
    CREATE TABLE t(a, b TEXT COLLATE NOCASE UNIQUE);
    CREATE INDEX ta ON t(a DESC);
    INSERT INTO t VALUES (3, 'x'), (1, 'Y'), (NULL, 'z'), (2.5, NULL);
    CREATE TABLE u(c);`;
  for (const target of ['', ' t', ' ta', ' main.ta', ' nocase', ' NOCASE', ' binary', ' u', ' nope', ' main.nope', ' sqlite_autoindex_t_1']) {
    it(`REINDEX${target}`, () => {
      const [h, o] = both(setup, `REINDEX${target}`);
      expect(h).toEqual(o);
      const [hc, oc] = both(`${setup}; REINDEX${target === ' nope' || target === ' main.nope' ? '' : target}`, 'PRAGMA integrity_check');
      expect(hc).toEqual(oc);
    });
  }
});

describe('Database: API', () => {
  it('reports unknown names when preparing, as SQLite does', () => {
    const db = new Database();
    db.exec('CREATE TABLE t(a)');
    expect(() => db.prepare('SELECT * FROM nope')).toThrow('no such table: nope');
    expect(() => db.prepare('SELECT b FROM t')).toThrow('no such column: b');
    expect(() => db.prepare('SELECT nofunc(a) FROM t')).toThrow('no such function: nofunc');
    expect(() => db.prepare('INSERT INTO nope VALUES (1)')).toThrow('no such table: nope');
    // Inside a transaction, and for a table created in it.
    db.exec('BEGIN; CREATE TABLE u(x)');
    expect(db.prepare('SELECT x FROM u').all()).toEqual([]);
    db.exec('COMMIT');
    db.close();
  });

  it('binds positional and named parameters, and reports changes and rowids', () => {
    const db = new Database();
    db.exec('CREATE TABLE t(a, b)');
    const ins = db.prepare('INSERT INTO t VALUES (?, ?)');
    expect(ins.run(1, 'one')).toEqual({ changes: 1, lastInsertRowid: 1 });
    expect(ins.run([2, 'two'])).toEqual({ changes: 1, lastInsertRowid: 2 });
    const named = db.prepare('INSERT INTO t VALUES (:a, @b)');
    expect(named.run({ a: 3n, b: new Uint8Array([1, 2]) }).lastInsertRowid).toBe(3);
    expect(db.prepare('SELECT b FROM t WHERE a = ?').pluck().get(2)).toBe('two');
    expect(db.prepare('SELECT a FROM t WHERE a > $min').pluck().all({ min: 1 })).toEqual([2, 3]);
    // A JS number binds as a REAL (as in better-sqlite3); only a bigint binds as an INTEGER.
    expect(db.prepare('SELECT a FROM t').safeIntegers().pluck().all()).toEqual([1, 2, 3n]);
    expect(db.prepare('SELECT typeof(a) FROM t').pluck().all()).toEqual(['real', 'real', 'integer']);
    expect([...db.prepare('SELECT a FROM t').pluck().iterate()]).toEqual([1, 2, 3]);
    expect(() => ins.run(1)).toThrow(/Too few parameter values/);
    expect(() => ins.run(1, 2, 3)).toThrow(/Too many parameter values/);
    expect(() => db.prepare('SELECT 1; SELECT 2')).toThrow(/more than one statement/);
    expect(() => db.prepare('SELEC 1')).toThrow(expect.objectContaining({ code: 'SQLITE_ERROR', message: 'near "SELEC": syntax error' }));
    db.close();
  });

  it('keeps a failed statement from changing anything, and rolls back transactions', () => {
    const db = new Database();
    db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v NOT NULL)');
    expect(() => db.exec("INSERT INTO t VALUES (1, 'a'), (2, NULL)")).toThrow(/NOT NULL constraint failed: t.v/);
    expect(db.prepare('SELECT id FROM t').all()).toEqual([]);
    db.exec('BEGIN');
    db.exec("INSERT INTO t VALUES (1, 'a')");
    expect(db.inTransaction).toBe(true);
    expect(() => db.exec("INSERT INTO t VALUES (1, 'b')")).toThrow(/UNIQUE constraint failed: t.id/);
    db.exec('ROLLBACK');
    expect(db.prepare('SELECT id FROM t').all()).toEqual([]);
    const insertMany = db.transaction((n: number) => {
      for (let i = 0; i < n; i++) db.prepare('INSERT INTO t(v) VALUES (?)').run(i);
    });
    insertMany(3);
    expect(db.prepare('SELECT id FROM t').pluck().all()).toEqual([1, 2, 3]);
    db.close();
  });

  it('writes a file SQLite reads, and reads schema changes SQLite makes', () => {
    const path = join(dir, 'api.db');
    const db = new Database(path, { vfs: new NodeVfs() });
    db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO t(name) VALUES ('one'), ('two');");
    db.close();
    const oracle = new Oracle(path);
    expect(oracle.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(oracle.prepare('SELECT * FROM t').raw().all()).toEqual([
      [1, 'one'],
      [2, 'two'],
    ]);
    oracle.exec("CREATE TABLE u(x); INSERT INTO u VALUES ('from sqlite')");
    oracle.close();
    const again = new Database(path, { vfs: new NodeVfs() });
    expect(again.prepare('SELECT x FROM u').pluck().get()).toBe('from sqlite');
    again.close();
  });
});
