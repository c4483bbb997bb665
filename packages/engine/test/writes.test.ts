// The write side against real SQLite: CREATE TABLE with constraints, CREATE INDEX, INSERT (VALUES,
// SELECT, OR …, REPLACE), UPDATE, DELETE, DROP. Every script runs on Hearth (writing a real file) and on
// SQLite; each statement's outcome (changes and last insert rowid, or the error message) must agree,
// the tables must hold the same values with the same storage classes, and Hearth's file must pass
// SQLite's PRAGMA integrity_check (which verifies every index entry against the rows) and Hearth's own
// check, with a sqlite_schema identical to SQLite's and index B-trees holding the same entries.
// WRITES_DEBUG=1 also compares the tables after every statement, to find where two runs part.
import * as fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Prng } from './support/prng.js';
import { makeTempDir, removeTempDir } from './support/sqlite-oracle.js';
import { WritePair, freshFile } from './support/write-pair.js';

const dir = makeTempDir();
afterAll(() => removeTempDir(dir));
let files = 0;

/**
 * Runs `script` statement by statement on both engines, expecting the same outcomes, then checks the
 * file. `sameRoots`: compare root page numbers too (Hearth reuses freed pages in another order).
 */
function agree(setup: string[], script: string[], tables: string[], sameRoots = true): void {
  const pair = new WritePair(freshFile(dir, `agree${files++}`));
  for (const sql of [...setup, ...script]) {
    const [h, s] = pair.run(sql);
    expect(h, sql).toBe(s);
    if (process.env.WRITES_DEBUG && script.includes(sql)) {
      for (const name of tables) {
        const [ht, st] = pair.table(name);
        expect(ht, `${name} after ${sql}`).toEqual(st);
      }
    }
  }
  for (const name of tables) {
    const [h, s] = pair.table(name);
    expect(h, `table ${name}`).toEqual(s);
  }
  const { sqliteCheck, hearthCheck, schemas, indexes } = pair.finish();
  expect(sqliteCheck).toEqual(['ok']);
  expect(hearthCheck).toEqual([]);
  expect(indexes[0]).toEqual(indexes[1]);
  const withoutRoots = (rows: unknown[][]): unknown[][] => rows.map((row) => row.filter((_, i) => i !== 3));
  if (sameRoots) expect(schemas[0]).toEqual(schemas[1]);
  else expect(withoutRoots(schemas[0])).toEqual(withoutRoots(schemas[1]));
}

describe('CREATE TABLE and CREATE INDEX write the schema SQLite writes', () => {
  it('automatic indexes: names, order, root pages, duplicates skipped', () => {
    agree(
      [
        'CREATE TABLE t(a UNIQUE, b TEXT PRIMARY KEY, c, d UNIQUE, UNIQUE(c,a), UNIQUE(d), UNIQUE(b COLLATE NOCASE))',
        'CREATE TABLE u(x INTEGER PRIMARY KEY DESC, y)',
        'CREATE TABLE v(x INTEGER, y, PRIMARY KEY(y DESC, x))',
        'CREATE TABLE w(x UNIQUE UNIQUE, y integer primary key)',
        'CREATE TABLE z(a INTEGER, b, PRIMARY KEY(a DESC), UNIQUE(a))',
      ],
      [
        "INSERT INTO t VALUES(1, 'x', 2, 3), (2, 'y', 2, 4)",
        "INSERT INTO t VALUES(3, 'X', 5, 6)",
        'INSERT INTO u VALUES(5, 1), (3, 2)',
        'INSERT INTO v VALUES(1, 1), (1, 2), (2, 1)',
        'INSERT INTO v VALUES(1, 1)',
        'INSERT INTO w(x) VALUES(1), (2), (NULL), (NULL)',
        'INSERT INTO z VALUES(1, 1), (2, 2)',
        'INSERT INTO w DEFAULT VALUES',
        'INSERT INTO w DEFAULT VALUES',
      ],
      ['t', 'u', 'v', 'w', 'z'],
    );
  });

  it('CREATE INDEX text, IF NOT EXISTS, partial and expression indexes, filled from existing rows', () => {
    agree(
      [
        'CREATE TABLE t(a, b TEXT COLLATE RTRIM, c REAL)',
        "INSERT INTO t VALUES(1, 'x ', 1), (2, 'x', 2.5), (NULL, NULL, NULL), ('A', 'B', '3'), (x'00', 'b', -1)",
      ],
      [
        'CREATE INDEX "I x" ON t (a COLLATE nocase DESC, b+c)  WHERE a>0 ; ',
        'CREATE UNIQUE INDEX IF NOT EXISTS main.j ON t(c)',
        'CREATE UNIQUE INDEX IF NOT EXISTS j ON t(a)',
        'CREATE INDEX k ON t(b) /* comment */',
        'CREATE INDEX l ON t(lower(b), c DESC)',
        'CREATE UNIQUE INDEX m ON t(b)',
        'CREATE UNIQUE INDEX m ON t(b COLLATE BINARY)',
        "INSERT INTO t VALUES(3, 'y', 7)",
        "INSERT INTO t VALUES(4, 'y ', 8)",
        "INSERT INTO t VALUES(4, 'z', 7.0)",
        "UPDATE t SET c = c + 10 WHERE rowid <= 3",
        'DELETE FROM t WHERE a IS NULL',
      ],
      ['t'],
    );
  });

  const errors: [string, string][] = [
    ['CREATE TABLE t(a, b); INSERT INTO t VALUES(1,1),(1,1)', 'CREATE UNIQUE INDEX i ON t(a,b)'],
    ['CREATE TABLE t(a, b)', 'CREATE INDEX i ON x(a,b)'],
    ['CREATE TABLE t(a, b)', 'CREATE INDEX i ON t(c)'],
    ['CREATE TABLE t(a, b)', 'CREATE INDEX i ON t(a + c)'],
    ['CREATE TABLE t(a, b)', 'CREATE INDEX i ON t(rowid)'],
    ['CREATE TABLE t(a, b)', 'CREATE INDEX sqlite_i ON t(a)'],
    ['CREATE TABLE t(a, b)', 'CREATE INDEX i ON sqlite_master(a)'],
    ['CREATE TABLE t(a, b); CREATE INDEX i ON t(a)', 'CREATE INDEX i ON t(a)'],
    ['CREATE TABLE t(a, b); CREATE INDEX i ON t(a)', 'CREATE INDEX t ON t(a)'],
    ['CREATE TABLE t(a, b); CREATE INDEX i ON t(a)', 'CREATE TABLE i(x)'],
    ['', 'CREATE TABLE t(a PRIMARY KEY, b PRIMARY KEY)'],
    ['', 'CREATE TABLE t(a INTEGER PRIMARY KEY, b, PRIMARY KEY(b))'],
    ['', 'CREATE TABLE t(a UNIQUE ON CONFLICT IGNORE, UNIQUE(a) ON CONFLICT REPLACE)'],
    ['', 'CREATE TABLE u(a, UNIQUE(a+1))'],
    ['', 'CREATE TABLE u(a, UNIQUE(c))'],
    ['CREATE TABLE t(a UNIQUE, b); CREATE INDEX i ON t(b)', 'DROP INDEX sqlite_autoindex_t_1'],
    ['CREATE TABLE t(a UNIQUE, b); CREATE INDEX i ON t(b)', 'DROP INDEX j'],
    ['CREATE TABLE t(a UNIQUE, b); CREATE INDEX i ON t(b)', 'DROP INDEX IF EXISTS j'],
    ['CREATE TABLE t(a UNIQUE, b); CREATE INDEX i ON t(b)', 'DROP TABLE j'],
    ['CREATE TABLE t(a UNIQUE, b); CREATE INDEX i ON t(b)', 'DROP TABLE IF EXISTS j'],
    ['CREATE TABLE t(a UNIQUE, b); CREATE INDEX i ON t(b)', 'DROP TABLE i'],
    ['CREATE TABLE t(a UNIQUE, b); CREATE INDEX i ON t(b)', 'DROP INDEX t'],
    ['', 'DROP TABLE sqlite_master'],
  ];
  for (const [setup, sql] of errors) {
    it(`${setup ? `${setup}; ` : ''}${sql}`, () => agree(setup ? setup.split(';') : [], [sql], []));
  }
});

describe('constraints and conflict resolution', () => {
  const cases: [string, string[]][] = [
    ['CREATE TABLE t(a UNIQUE, b UNIQUE)', ['INSERT INTO t VALUES(1,1),(1,1)', 'INSERT INTO t VALUES(1,2)', 'INSERT INTO t VALUES(NULL,3),(NULL,4)']],
    ['CREATE TABLE t(a, b); CREATE UNIQUE INDEX i1 ON t(a); CREATE UNIQUE INDEX i2 ON t(b)', ['INSERT INTO t VALUES(1,1),(1,1)']],
    ['CREATE TABLE t(a, b); CREATE UNIQUE INDEX i1 ON t(a+1)', ['INSERT INTO t VALUES(1,1),(1,1)', "INSERT INTO t VALUES('1',2)"]],
    ['CREATE TABLE t(a, b PRIMARY KEY)', ['INSERT INTO t VALUES(1,1),(1,1)', 'INSERT INTO t VALUES(1,NULL),(2,NULL)']],
    ['CREATE TABLE t(a TEXT COLLATE NOCASE UNIQUE, b)', ["INSERT INTO t VALUES('abc', 1)", "INSERT INTO t VALUES('ABC', 2)", "INSERT OR REPLACE INTO t VALUES('aBc', 3)"]],
    ['CREATE TABLE t(a CHECK(a > 0), b, CONSTRAINT pos CHECK (b<>a ))', ['INSERT INTO t VALUES(0,1)', 'INSERT INTO t VALUES(1,1)', 'INSERT INTO t VALUES(NULL,NULL)', 'INSERT OR IGNORE INTO t VALUES(0,1),(2,3)', 'UPDATE t SET a = -a']],
    ['CREATE TABLE t(a CHECK(a > 0), b, CHECK (  b<>a  ))', ['INSERT INTO t VALUES(1,1)']],
    ['CREATE TABLE t(a NOT NULL ON CONFLICT IGNORE, b)', ['INSERT INTO t VALUES(NULL,1)', 'INSERT INTO t VALUES(2,1)', 'UPDATE t SET a = NULL']],
    ['CREATE TABLE t(a NOT NULL DEFAULT 5, b)', ['INSERT OR REPLACE INTO t VALUES(NULL,1)', 'INSERT INTO t VALUES(NULL,1)', 'UPDATE OR REPLACE t SET a = NULL']],
    ['CREATE TABLE t(a NOT NULL, b)', ['INSERT OR REPLACE INTO t VALUES(NULL,1)', 'INSERT INTO t(b) VALUES(1)']],
    ['CREATE TABLE t(a INTEGER PRIMARY KEY, b); INSERT INTO t VALUES(1,1),(2,2)', ['UPDATE t SET a=a+1', 'UPDATE t SET a=a+10', 'UPDATE t SET a=NULL', "UPDATE t SET a='x'", "UPDATE t SET a='5' WHERE a = 11"]],
    ['CREATE TABLE t(a INTEGER PRIMARY KEY, b UNIQUE); INSERT INTO t VALUES(1,1),(2,2)', ['UPDATE t SET b=b+1']],
    ['CREATE TABLE t(a INTEGER PRIMARY KEY, b UNIQUE); INSERT INTO t VALUES(1,1),(2,2)', ['UPDATE OR REPLACE t SET b=b+1']],
    ['CREATE TABLE t(a INTEGER PRIMARY KEY, b UNIQUE); INSERT INTO t VALUES(1,1),(2,2)', ['UPDATE OR IGNORE t SET b=b+1', 'UPDATE OR IGNORE t SET b=b-1']],
    ['CREATE TABLE t(a INTEGER PRIMARY KEY, b UNIQUE, c); INSERT INTO t VALUES(1,1,1),(2,2,2),(3,3,3)', ['REPLACE INTO t VALUES(1,2,9)', 'INSERT OR IGNORE INTO t VALUES(1,5,9),(7,7,7)', 'INSERT OR REPLACE INTO t VALUES(NULL,3,4)']],
    ['CREATE TABLE t(a INTEGER PRIMARY KEY ON CONFLICT REPLACE, b UNIQUE ON CONFLICT IGNORE); INSERT INTO t VALUES(1,1),(2,2)', ['INSERT INTO t VALUES(1,5)', 'INSERT INTO t VALUES(3,5)', 'INSERT OR ABORT INTO t VALUES(4,5)', 'INSERT OR FAIL INTO t VALUES(2,9)']],
    ['CREATE TABLE t(a INTEGER PRIMARY KEY, b UNIQUE); INSERT INTO t VALUES(1,1),(2,2)', ['UPDATE t SET rowid=5 WHERE a=1', 'DELETE FROM t WHERE b=1', 'DELETE FROM x', 'UPDATE t SET c=1', 'UPDATE t SET b=NULL, b=3', 'DELETE FROM t']],
    ['CREATE TABLE t(a, b)', ['INSERT INTO t(rowid, a) VALUES(5, 1), (NULL, 2)', 'INSERT INTO t(rowid, a) VALUES(5, 1)', "INSERT INTO t(oid, a) VALUES('x', 1)", 'UPDATE t SET rowid = rowid * 10']],
    ['CREATE TABLE t(a, b UNIQUE); CREATE TABLE s(x, y)', ['INSERT INTO s VALUES(1, 2), (3, 4), (5, 2)', 'INSERT INTO t SELECT x, y FROM s', 'INSERT OR IGNORE INTO t SELECT x, y FROM s', 'INSERT INTO t(b) SELECT y * 10 FROM s WHERE x > 1', 'INSERT INTO t SELECT * FROM t', 'INSERT INTO t SELECT a + 100, b + 100 FROM t', 'INSERT INTO t SELECT x FROM s']],
    ['CREATE TABLE t(a, b); CREATE INDEX i ON t(a) WHERE b > 0; CREATE UNIQUE INDEX j ON t(a) WHERE b < 0', ['INSERT INTO t VALUES(1, 1), (1, -1), (1, 0), (1, 2)', 'INSERT INTO t VALUES(1, -2)', 'UPDATE t SET b = -b', 'UPDATE t SET b = 5 WHERE b < 0', 'DELETE FROM t WHERE b > 0']],
  ];
  for (const [setup, script] of cases) {
    it(setup, () => agree(setup.split(';'), script, [setup.match(/CREATE TABLE (\w+)/)![1]!]));
  }

  it('OR ROLLBACK ends the explicit transaction; OR FAIL keeps the rows before the failure', () => {
    agree(
      ['CREATE TABLE t(a UNIQUE)'],
      ['BEGIN', 'INSERT INTO t VALUES(1)', 'INSERT OR ROLLBACK INTO t VALUES(2), (1)', 'COMMIT', 'INSERT INTO t VALUES(3)', 'INSERT OR FAIL INTO t VALUES(4), (3), (5)', 'BEGIN', 'UPDATE OR FAIL t SET a = 7 - a', 'COMMIT'],
      ['t'],
    );
  });

  it('a failing statement in autocommit mode leaves nothing behind', () => {
    agree(
      ['CREATE TABLE t(a INTEGER PRIMARY KEY, b UNIQUE, c NOT NULL)', 'CREATE INDEX tc ON t(c)', "INSERT INTO t VALUES(1, 'x', 1)"],
      ["INSERT INTO t VALUES(2, 'y', 2), (3, 'z', 3), (4, 'x', 4)", 'INSERT INTO t VALUES(5, 5, 5), (6, 6, NULL)', "UPDATE t SET b = 'x' WHERE a > 0", 'UPDATE t SET a = a + 1'],
      ['t'],
    );
  });
});

describe('RETURNING', () => {
  const statements = [
    "INSERT INTO t(b, c) VALUES('x', 1), ('y', 2.5) RETURNING *",
    "INSERT INTO t VALUES(NULL, 'z', '3') RETURNING a, c * 2 AS twice, typeof(c), rowid AS r",
    "INSERT OR IGNORE INTO t(b) VALUES('x'), ('w') RETURNING a, b",
    "UPDATE t SET c = c + 1 WHERE a > 1 RETURNING a, c, b || '!'",
    'DELETE FROM t WHERE b < \'y\' RETURNING *, rowid AS r',
  ];
  it('returns the rows written, with their values after affinity', () => {
    const pair = new WritePair(freshFile(dir, 'returning'));
    for (const sql of ['CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT UNIQUE, c REAL)', ...statements]) {
      const [h, s] = sql.startsWith('CREATE') ? pair.run(sql) : pair.query(sql);
      expect(h, sql).toEqual(s);
      if (!sql.startsWith('CREATE')) expect(pair.hearth.prepare(sql).columns().map((c) => c.name), sql).toEqual(pair.sqlite.prepare(sql).columns().map((c) => c.name));
    }
    const [h, s] = pair.run('DELETE FROM t RETURNING t.*');
    expect(h).toBe(s);
    const { sqliteCheck } = pair.finish();
    expect(sqliteCheck).toEqual(['ok']);
  });
});

describe('AUTOINCREMENT', () => {
  it('keeps sqlite_sequence as SQLite does', () => {
    agree(
      ['CREATE TABLE t(a INTEGER PRIMARY KEY AUTOINCREMENT, b UNIQUE)', 'CREATE TABLE u(x INTEGER PRIMARY KEY AUTOINCREMENT, y)', 'CREATE TABLE w(z)'],
      [
        'INSERT INTO t(b) VALUES(1), (2)',
        'INSERT INTO t VALUES(10, 3)',
        'DELETE FROM t WHERE a = 10',
        'INSERT INTO t(b) VALUES(4)',
        'UPDATE t SET a = 100 WHERE b = 4',
        'INSERT INTO t(b) VALUES(5)',
        'INSERT INTO t(b) VALUES(5)',
        'REPLACE INTO t(b) VALUES(5)',
        'INSERT INTO u VALUES(-5, 1)',
        'INSERT INTO u(y) VALUES(2)',
        'DELETE FROM u',
        'INSERT INTO u(y) VALUES(3)',
        'CREATE TABLE v(a TEXT PRIMARY KEY AUTOINCREMENT)',
        'CREATE TABLE v(a INT PRIMARY KEY AUTOINCREMENT)',
        'DROP TABLE t',
        'INSERT INTO u(y) SELECT z FROM w',
      ],
      ['u', 'sqlite_sequence'],
    );
  });
});

describe('DROP', () => {
  it('DROP TABLE frees its tree and its indexes; DROP INDEX frees the index', () => {
    const setup = [
      'CREATE TABLE t(a PRIMARY KEY, b UNIQUE, c)',
      'CREATE INDEX tc ON t(c)',
      'CREATE TABLE u(x, y)',
      'CREATE INDEX uy ON u(y)',
    ];
    const rows = Array.from({ length: 300 }, (_, i) => `(${i}, 'b${i}', '${'c'.repeat(i % 50)}')`).join(', ');
    agree(setup, [`INSERT INTO t VALUES ${rows}`, 'INSERT INTO u SELECT a, c FROM t', 'DROP INDEX uy', 'DROP TABLE t', 'CREATE TABLE t(z UNIQUE)', 'INSERT INTO t SELECT x FROM u'], ['t', 'u'], false);
  });
});

/** A random value from a small pool, so that duplicates, NULLs and every storage class come up often. */
function randomLiteral(rng: Prng): string {
  return rng.pick(['NULL', '0', '1', '2', '-3', '1.0', '2.5', "'a'", "'A'", "'a '", "'b'", "'10'", "'1e1'", "x'00'", "x'0102'", '9223372036854775807', "' A'", '-0.5']);
}

const RANDOM_SCHEMA = [
  'CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE UNIQUE, b REAL, c, d TEXT COLLATE RTRIM, UNIQUE(c, d), CHECK (b IS NULL OR b > -100))',
  'CREATE INDEX t_b ON t(b DESC, c)',
  'CREATE INDEX t_low ON t(lower(a), id)',
  'CREATE INDEX t_part ON t(c COLLATE NOCASE) WHERE c IS NOT NULL',
  'CREATE TABLE u(k NUMERIC PRIMARY KEY, v INTEGER NOT NULL DEFAULT 7, w BLOB UNIQUE ON CONFLICT REPLACE)',
];

function randomStatement(rng: Prng): string {
  const v = (): string => randomLiteral(rng);
  const or = (): string => rng.pick(['', '', 'OR IGNORE ', 'OR REPLACE ', 'OR ABORT ', 'OR FAIL ']);
  // NOT INDEXED makes SQLite visit rows in rowid order, as Hearth does (the order decides REPLACE outcomes).
  const where = (): string =>
    `NOT INDEXED WHERE ${rng.pick([`id % 3 = ${rng.int(3)}`, `c IS ${v()}`, `a = ${v()}`, `rowid BETWEEN ${rng.int(8)} AND ${rng.int(20)}`, `b > ${v()}`, '1'])}`;
  switch (rng.int(9)) {
    case 0:
    case 1:
      return `INSERT ${or()}INTO t(a, b, c, d) VALUES(${v()}, ${v()}, ${v()}, ${v()}), (${v()}, ${v()}, ${v()}, ${v()})`;
    case 2:
      return `INSERT ${or()}INTO t VALUES(${rng.chance(0.5) ? 'NULL' : rng.int(30)}, ${v()}, ${v()}, ${v()}, ${v()})`;
    case 3:
      return `REPLACE INTO u VALUES(${v()}, ${v()}, ${v()})`;
    case 4:
      return `INSERT ${or()}INTO u(k, w) VALUES(${v()}, ${v()})`;
    case 5:
      return `UPDATE ${or()}t SET ${rng.pick(['a', 'b', 'c', 'd'])} = ${rng.pick([v(), 'c', 'a || d', 'b + 1', 'id'])} ${where()}`;
    case 6:
      return `UPDATE ${or()}t SET id = id + ${rng.int(5)}, c = ${v()} ${where()}`;
    case 7:
      return `UPDATE ${or()}u NOT INDEXED SET v = ${v()}, k = k || 'x' WHERE v > ${rng.int(5)}`;
    default:
      return rng.chance(0.2) ? `DELETE FROM u NOT INDEXED WHERE w IS ${v()}` : `DELETE FROM t ${where()}`;
  }
}

describe('random writes agree with SQLite', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}`, () => {
      const rng = new Prng(seed);
      const script = Array.from({ length: 120 }, () => randomStatement(rng));
      agree(RANDOM_SCHEMA, script, ['t', 'u']);
    });
  }
});

describe('files SQLite wrote', () => {
  it('Hearth modifies a SQLite database with indexes and keeps it consistent', () => {
    const theirs = freshFile(dir, 'sqlite-made');
    const db = new BetterSqlite3(theirs);
    db.pragma('journal_mode = delete');
    db.exec(RANDOM_SCHEMA.join(';'));
    const rng = new Prng(99);
    for (let i = 0; i < 60; i++) {
      try {
        db.exec(randomStatement(rng));
      } catch {
        // constraint errors are part of the script
      }
    }
    db.close();
    const copy = freshFile(dir, 'sqlite-made-copy');
    fs.copyFileSync(theirs, copy);
    const pair = new WritePair(theirs, copy);
    for (let i = 0; i < 100; i++) {
      const sql = randomStatement(rng);
      const [h, s] = pair.run(sql);
      expect(h, sql).toBe(s);
    }
    for (const name of ['t', 'u']) {
      const [h, s] = pair.table(name);
      expect(h).toEqual(s);
    }
    const { sqliteCheck, hearthCheck, schemas, indexes } = pair.finish();
    expect(sqliteCheck).toEqual(['ok']);
    expect(hearthCheck).toEqual([]);
    expect(indexes[0]).toEqual(indexes[1]);
    expect(schemas[0]).toEqual(schemas[1]);
  });
});
