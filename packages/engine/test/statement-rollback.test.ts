// A statement that fails inside a transaction undoes exactly its own changes, compared with real SQLite:
// statements that run in a savepoint of their own (several rows, triggers, REPLACE, foreign keys, …) and
// single-row INSERTs that need none because every check runs before their first write. Also checks which
// statements skip the savepoint, since skipping it is the point.
import Oracle from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Database } from '../src/api/database.js';
import { QuotaVfs } from './support/quota-vfs.js';

interface Connection {
  prepare(sql: string): { reader: boolean; run(): { changes: number }; all(): unknown[] };
  readonly inTransaction: boolean;
}

/** Runs each statement in turn; returns what each did (changes, rows or the error) and the final state. */
function script(db: Connection, statements: string[], tables: string[]): unknown {
  const outcomes = statements.map((sql) => {
    try {
      const st = db.prepare(sql);
      return st.reader ? st.all() : st.run().changes;
    } catch (err) {
      return `error: ${(err as Error).message}`;
    }
  });
  const state = db.prepare('SELECT changes() AS changes, total_changes() AS total, last_insert_rowid() AS rowid').all();
  const contents = tables.map((t) => db.prepare(`SELECT rowid AS _rowid, * FROM ${t} ORDER BY rowid`).all());
  return { outcomes, state, contents, inTransaction: db.inTransaction };
}

/** The script's outcome on Hearth and on SQLite, each on a fresh in-memory database. */
function both(setup: string, statements: string[], tables: string[]): [unknown, unknown] {
  const hearth = new Database();
  const oracle = new Oracle(':memory:');
  try {
    hearth.exec(setup);
    oracle.exec(setup);
    return [script(hearth, statements, tables), script(oracle as unknown as Connection, statements, tables)];
  } finally {
    hearth.close();
    oracle.close();
  }
}

const TABLE = 'CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER NOT NULL, b TEXT UNIQUE, c REAL CHECK (c >= 0));';

describe('a failing statement inside a transaction', () => {
  const cases: [string, string, string[], string[]][] = [
    [
      'single-row INSERTs failing each constraint',
      TABLE,
      [
        'BEGIN',
        "INSERT INTO t VALUES (1, 1, 'x', 1)",
        "INSERT INTO t VALUES (2, NULL, 'y', 1)",
        "INSERT INTO t VALUES (3, 3, 'x', 1)",
        "INSERT INTO t VALUES (1, 4, 'z', 1)",
        "INSERT INTO t VALUES (5, 5, 'w', -1)",
        "INSERT INTO t VALUES ('abc', 6, 'v', 1)",
        "INSERT INTO t VALUES (7, 7, 'u', 1)",
        'COMMIT',
      ],
      ['t'],
    ],
    [
      'a multi-row INSERT failing on its third row',
      TABLE,
      ['BEGIN', "INSERT INTO t VALUES (1, 1, 'a', 1)", "INSERT INTO t VALUES (2, 2, 'b', 1), (3, 3, 'c', 1), (4, 4, 'a', 1), (5, 5, 'e', 1)", 'COMMIT'],
      ['t'],
    ],
    [
      'INSERT … SELECT failing part way',
      `${TABLE} CREATE TABLE s(a, b); INSERT INTO s VALUES (1, 'p'), (2, 'q'), (NULL, 'r'), (4, 's');`,
      ['BEGIN', "INSERT INTO t VALUES (10, 10, 'z', 0)", 'INSERT INTO t(a, b) SELECT a, b FROM s', 'COMMIT'],
      ['t'],
    ],
    [
      'single-row INSERT OR ROLLBACK rolls the transaction back',
      TABLE,
      ['BEGIN', "INSERT INTO t VALUES (1, 1, 'x', 1)", "INSERT OR ROLLBACK INTO t VALUES (2, NULL, 'y', 1)", 'COMMIT'],
      ['t'],
    ],
    [
      'single-row INSERT OR IGNORE and OR FAIL',
      TABLE,
      ['BEGIN', "INSERT INTO t VALUES (1, 1, 'x', 1)", "INSERT OR IGNORE INTO t VALUES (2, 2, 'x', 1)", "INSERT OR FAIL INTO t VALUES (3, 3, 'x', 1)", 'COMMIT'],
      ['t'],
    ],
    [
      'a REPLACE that deletes rows and then fails a CHECK of the new row',
      `${TABLE} INSERT INTO t VALUES (1, 1, 'x', 1), (2, 2, 'y', 1);`,
      ['BEGIN', "REPLACE INTO t VALUES (1, 9, 'y', 1)", "REPLACE INTO t VALUES (1, 9, 'y', -5)", 'COMMIT'],
      ['t'],
    ],
    [
      'a single-row INSERT whose AFTER trigger fails',
      `${TABLE} CREATE TABLE audit(x); CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO audit VALUES (new.id); SELECT RAISE(ABORT, 'no') WHERE new.a > 5; END;`,
      ['BEGIN', "INSERT INTO t VALUES (1, 1, 'x', 1)", "INSERT INTO t VALUES (2, 9, 'y', 1)", 'COMMIT'],
      ['t', 'audit'],
    ],
    [
      'a single-row INSERT into an AUTOINCREMENT table failing',
      'CREATE TABLE t(id INTEGER PRIMARY KEY AUTOINCREMENT, a NOT NULL);',
      ['BEGIN', 'INSERT INTO t(a) VALUES (1)', 'INSERT INTO t(a) VALUES (NULL)', 'INSERT INTO t(a) VALUES (3)', 'COMMIT', 'SELECT * FROM sqlite_sequence'],
      ['t'],
    ],
    [
      'a single-row INSERT failing an immediate foreign key',
      'PRAGMA foreign_keys = ON; CREATE TABLE p(id INTEGER PRIMARY KEY); CREATE TABLE t(id INTEGER PRIMARY KEY, p REFERENCES p(id)); INSERT INTO p VALUES (1);',
      ['BEGIN', 'INSERT INTO t VALUES (1, 1)', 'INSERT INTO t VALUES (2, 7)', 'INSERT INTO t VALUES (3, 1)', 'COMMIT'],
      ['t'],
    ],
    [
      'single-row INSERTs failing inside a savepoint, then ROLLBACK TO',
      TABLE,
      [
        'BEGIN',
        "INSERT INTO t VALUES (1, 1, 'x', 1)",
        'SAVEPOINT s',
        "INSERT INTO t VALUES (2, 2, 'y', 1)",
        "INSERT INTO t VALUES (3, 3, 'y', 1)",
        "INSERT INTO t VALUES (4, 4, 'z', 1)",
        'ROLLBACK TO s',
        "INSERT INTO t VALUES (5, 5, 'x', 1)",
        "INSERT INTO t VALUES (6, 6, 'w', 1)",
        'RELEASE s',
        'COMMIT',
      ],
      ['t'],
    ],
    [
      'single-row INSERTs into a temp table failing',
      'CREATE TEMP TABLE t(id INTEGER PRIMARY KEY, a NOT NULL UNIQUE);',
      ['BEGIN', 'INSERT INTO t VALUES (1, 1)', 'INSERT INTO t VALUES (2, 1)', 'INSERT INTO t VALUES (3, NULL)', 'INSERT INTO t VALUES (4, 4)', 'COMMIT'],
      ['t'],
    ],
    [
      'a single-row INSERT with a subquery, and DEFAULT VALUES, failing',
      'CREATE TABLE t(id INTEGER PRIMARY KEY, a NOT NULL DEFAULT 1 UNIQUE);',
      ['BEGIN', 'INSERT INTO t DEFAULT VALUES', 'INSERT INTO t DEFAULT VALUES', 'INSERT INTO t(a) VALUES ((SELECT max(a) FROM t))', 'INSERT INTO t(a) VALUES ((SELECT max(a) + 1 FROM t))', 'COMMIT'],
      ['t'],
    ],
  ];
  for (const [name, setup, statements, tables] of cases) {
    it(name, () => {
      const [hearth, sqlite] = both(setup, statements, tables);
      expect(hearth).toEqual(sqlite);
    });
  }
});

describe('a failing INSERT OR FAIL of several rows', () => {
  // Compared without changes() and total_changes(): Hearth counts no change for a statement that failed,
  // though under FAIL SQLite counts the rows it kept.
  it('keeps the rows before the failure', () => {
    const statements = ['BEGIN', "INSERT OR FAIL INTO t VALUES (2, 2, 'b', 1), (3, 3, 'c', 1), (4, NULL, 'd', 1), (5, 5, 'e', 1)", 'COMMIT'];
    const [hearth, sqlite] = both(TABLE, statements, ['t']) as { state: unknown }[];
    delete hearth!.state;
    delete sqlite!.state;
    expect(hearth).toEqual(sqlite);
  });
});

describe('a prepared DELETE that failed part-way', () => {
  // A DELETE collects the index entries of the rows it deletes and removes them at its end; a run that
  // fails in between must leave nothing collected for the statement's next run.
  it('removes only the index entries of its next run', () => {
    const setup =
      'CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, s TEXT); CREATE INDEX t_k ON t(k); CREATE INDEX t_s ON t(s, k);' +
      "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000) INSERT INTO t SELECT i, (i * 37) % 2003, 'row' || (i % 97) FROM c";
    const deleteUpTo = 'DELETE FROM t WHERE id <= ? RETURNING CASE WHEN id = ? THEN abs(-9223372036854775808) ELSE id END AS id';
    type Db = { exec(sql: string): unknown; prepare(sql: string): { all(...params: unknown[]): unknown[] } };
    const runs = (db: Db): unknown => {
      db.exec(setup);
      const del = db.prepare(deleteUpTo);
      const outcomes: unknown[] = [];
      for (const [upTo, failAt] of [[1500, 1200], [300, -1], [1800, 1700], [1000, -1]]) {
        try {
          outcomes.push(del.all(upTo, failAt).length);
        } catch (err) {
          outcomes.push(`error: ${(err as Error).message}`);
        }
      }
      outcomes.push(db.prepare('SELECT count(*) AS n, sum(k) AS k FROM t INDEXED BY t_k WHERE k >= 0').all());
      outcomes.push(db.prepare("SELECT count(*) AS n, sum(k) AS k FROM t INDEXED BY t_s WHERE s > ''").all());
      outcomes.push(db.prepare('PRAGMA integrity_check').all());
      return outcomes;
    };
    const hearth = new Database();
    const oracle = new Oracle(':memory:');
    try {
      expect(runs(hearth)).toEqual(runs(oracle));
    } finally {
      hearth.close();
      oracle.close();
    }
  });
});

describe('the statement savepoint', () => {
  /** The pager savepoints open while each statement's value is computed, inside BEGIN. */
  function depthsDuring(setup: string, statements: string[]): number[] {
    const db = new Database();
    const depths: number[] = [];
    db.function('depth', () => {
      depths.push(db.btree.pager.savepointDepth);
      return 1;
    });
    db.exec(setup);
    db.exec('BEGIN');
    for (const sql of statements) db.prepare(sql).run();
    db.exec('COMMIT');
    db.close();
    return depths;
  }

  it('is skipped only by single-row INSERTs that cannot fail after writing', () => {
    const depths = depthsDuring(
      'CREATE TABLE t(id INTEGER PRIMARY KEY, a UNIQUE, b NOT NULL); CREATE TABLE r(id INTEGER PRIMARY KEY ON CONFLICT REPLACE, a); CREATE TABLE g(id INTEGER PRIMARY KEY AUTOINCREMENT, a);',
      [
        'INSERT INTO t VALUES (1, depth(), 1)',
        'INSERT INTO t(a, b) VALUES (depth() + 1, 2)',
        'INSERT INTO t VALUES (3, depth() + 2, 3), (4, 4, 4)',
        'INSERT INTO t(a, b) SELECT depth() + 10, 5',
        'REPLACE INTO t VALUES (6, depth() + 20, 6)',
        'INSERT INTO r VALUES (1, depth())',
        'INSERT INTO g(a) VALUES (depth())',
        'UPDATE t SET b = depth() WHERE id = 1',
      ],
    );
    expect(depths).toEqual([0, 0, 1, 1, 1, 1, 1, 1]);
  });
});

describe('a single-row INSERT without a savepoint failing after it changed pages', () => {
  // The quota stops a spill of the small cache half way through a row: as SQLite does for an I/O error in a
  // statement without a statement journal, the whole transaction is rolled back.
  for (const size of [500, 3000]) {
    it(`rolls the whole transaction back (rows of ${size} bytes)`, () => {
      const db = new Database('full.db', { vfs: new QuotaVfs(200_000), journalMode: 'wal', cacheSize: 16 });
      try {
        db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB); INSERT INTO t(b) VALUES (zeroblob(10))');
        db.exec('BEGIN');
        const insert = db.prepare('INSERT INTO t(b) VALUES (zeroblob(?))');
        let failure: unknown = null;
        for (let i = 0; i < 1000 && !failure; i++) {
          try {
            insert.run(BigInt(size));
          } catch (err) {
            failure = err;
          }
        }
        expect((failure as Error).message).toBe('database or disk is full');
        expect(db.inTransaction).toBe(false);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.prepare('SELECT count(*) AS n, sum(length(b)) AS bytes FROM t').get()).toEqual({ n: 1, bytes: 10 });
        insert.run(20n);
        expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2 });
      } finally {
        db.close();
      }
    });
  }
});
