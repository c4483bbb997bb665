// CREATE INDEX and REINDEX over tables of thousands of rows, where the index is built from sorted keys
// bottom-up (exec/index-build.ts, btree/bulkload.ts): every kind of index (UNIQUE, partial, expression,
// DESC, collations, big integers, overflowing keys) must hold exactly SQLite's entries, Hearth's file
// must pass SQLite's PRAGMA integrity_check and Hearth's own check, errors must be SQLite's, and the
// built trees must take later inserts and deletes. Debian's sqlite3 shell checks one file as well.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { Prng } from './support/prng.js';
import { makeTempDir, removeTempDir } from './support/sqlite-oracle.js';
import { WritePair, freshFile } from './support/write-pair.js';

const dir = makeTempDir();
afterAll(() => removeTempDir(dir));
let files = 0;

const WORDS = ['amber', 'Birch', 'cedar', 'DELTA', 'ember', 'fjord ', 'grove', 'harbor', 'indigo', 'juniper'];

/** Inserts `count` rows of `t(a, b, c, d)` in batches: small integers, words, reals and some NULLs, long text. */
function fill(pair: WritePair, count: number, seed: number): void {
  const prng = new Prng(seed);
  for (let done = 0; done < count; ) {
    const n = Math.min(100, count - done);
    const params: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const word = WORDS[prng.int(WORDS.length)]!;
      params.push(
        prng.int(50),
        prng.int(10) === 0 ? null : `${word} ${prng.int(1000)}`,
        prng.int(4) === 0 ? prng.int(100) : prng.float() * 1000 - 500,
        prng.int(20) === 0 ? word.repeat(300 + prng.int(400)) : `${word}${prng.int(100000)}`,
      );
    }
    const [h, s] = pair.run(`INSERT INTO t(a, b, c, d) VALUES ${new Array(n).fill('(?, ?, ?, ?)').join(', ')}`, params);
    expect(h).toBe(s);
    done += n;
  }
}

/** Runs `script` on both engines with the same outcomes, then checks both files' indexes and integrity. */
function agree(pair: WritePair, script: string[]): void {
  for (const sql of script) {
    const [h, s] = pair.run(sql);
    expect(h, sql).toBe(s);
  }
  const [h, s] = pair.table('t');
  expect(h).toEqual(s);
  const { sqliteCheck, hearthCheck, indexes } = pair.finish();
  expect(sqliteCheck).toEqual(['ok']);
  expect(hearthCheck).toEqual([]);
  expect(indexes[0]).toEqual(indexes[1]);
}

function freshPair(rows: number, seed: number): WritePair {
  const pair = new WritePair(freshFile(dir, `build${files++}`));
  pair.run('CREATE TABLE t(id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL, d TEXT)');
  fill(pair, rows, seed);
  return pair;
}

describe('indexes built from sorted keys hold SQLite entries in a valid tree', () => {
  it('plain, multi-column, DESC, rowid and long-key indexes over 3,000 rows', () => {
    agree(freshPair(3000, 1), [
      'CREATE INDEX i_a ON t(a)',
      'CREATE INDEX i_ab ON t(a, b)',
      'CREATE INDEX i_desc ON t(b DESC, c)',
      'CREATE INDEX i_rowid ON t(c, rowid, id)',
      'CREATE INDEX i_d ON t(d)',
    ]);
  });

  it('collations other than BINARY, mixed storage classes and integers beyond 2^53', () => {
    const pair = freshPair(2000, 2);
    pair.run("INSERT INTO t(a, b, c, d) VALUES (9223372036854775807, 'x', 1, 'y'), (-9223372036854775808, x'00ff', 2, 'z')");
    pair.run("INSERT INTO t(a, b, c, d) VALUES (9007199254740993, 3.5, NULL, 'w'), (9007199254740992.0, 'B\u0000x', 'text', 'v')");
    agree(pair, [
      'CREATE INDEX i_nocase ON t(b COLLATE NOCASE, a)',
      'CREATE INDEX i_rtrim ON t(b COLLATE RTRIM DESC)',
      'CREATE INDEX i_big ON t(a DESC, c)',
      'CREATE INDEX i_mixed ON t(c, b)',
    ]);
  });

  it('partial and expression indexes, then REINDEX', () => {
    agree(freshPair(2500, 3), [
      'CREATE INDEX i_part ON t(b) WHERE a > 20',
      'CREATE INDEX i_expr ON t(lower(b), a + c)',
      'CREATE INDEX i_both ON t(substr(d, 1, 3) DESC) WHERE c < 0',
      'REINDEX',
      'REINDEX i_expr',
    ]);
  });

  it('built trees take later inserts, updates and deletes', () => {
    const pair = freshPair(3000, 4);
    agree(pair, [
      'CREATE INDEX i_ab ON t(a, b)',
      'CREATE UNIQUE INDEX i_d ON t(d, id)',
      "INSERT INTO t(a, b, c, d) SELECT a + 1, b || 'x', c, d FROM t WHERE id % 3 = 0",
      'UPDATE t SET b = upper(b) WHERE id % 5 = 0',
      'DELETE FROM t WHERE id % 4 = 1',
    ]);
  });

  it('an empty table and a one-row table', () => {
    const pair = new WritePair(freshFile(dir, `build${files++}`));
    agree(pair, [
      'CREATE TABLE t(id INTEGER PRIMARY KEY, a, b, c, d)',
      'CREATE INDEX i_empty ON t(a)',
      "INSERT INTO t VALUES (1, 1, 'x', 2, 'y')",
      'CREATE INDEX i_one ON t(b)',
    ]);
  });
});

describe('UNIQUE indexes', () => {
  it('report a duplicate anywhere in the table as SQLite does, and leave no index behind', () => {
    const pair = freshPair(2000, 5);
    agree(pair, [
      'CREATE UNIQUE INDEX u_a ON t(a)',
      'CREATE UNIQUE INDEX u_ab ON t(a, b)',
      'CREATE UNIQUE INDEX u_d ON t(d)',
      'CREATE UNIQUE INDEX u_id ON t(id, a)',
      'CREATE UNIQUE INDEX u_expr ON t(d || id)',
      'CREATE UNIQUE INDEX u_nocase ON t(b COLLATE NOCASE, id)',
    ]);
  });

  it('allow any number of rows with a NULL column', () => {
    const pair = freshPair(1500, 6);
    pair.run('UPDATE t SET b = NULL WHERE id % 2 = 0');
    pair.run('UPDATE t SET a = id WHERE b IS NOT NULL');
    agree(pair, ['CREATE UNIQUE INDEX u_ab ON t(b, a)', 'CREATE UNIQUE INDEX u_ba ON t(a, b)', "INSERT INTO t(a, b) VALUES (2, NULL), (2, NULL)"]);
  });

  it('report the expression index by name when an expression repeats', () => {
    const pair = freshPair(500, 7);
    const [h, s] = pair.run('CREATE UNIQUE INDEX u_e ON t(a % 2)');
    expect(h).toBe(s);
    expect(h).toMatch(/UNIQUE constraint failed/);
    pair.finish();
  });
});

describe("Debian's sqlite3 shell", () => {
  it('finds a built index of 5,000 rows intact', () => {
    const pair = freshPair(5000, 8);
    pair.run('CREATE INDEX i_abc ON t(a, b, c)');
    pair.run('CREATE UNIQUE INDEX u_d ON t(d, id)');
    const file = pair.file;
    pair.finish();
    const shell = spawnSync('/usr/bin/sqlite3', [file, 'PRAGMA integrity_check; SELECT count(*) FROM t INDEXED BY i_abc WHERE a >= 0;'], { encoding: 'utf8' });
    expect(shell.status).toBe(0);
    expect(shell.stdout.trim().split('\n')).toEqual(['ok', '5000']);
  });
});
