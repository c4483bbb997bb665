/**
 * LIKE and GLOB against SQLite: the operators read a stored TEXT from the record's bytes and compile
 * their pattern once, and must still give like()'s and glob()'s exact results, NULLs and errors — for
 * stored columns and computed operands alike, ASCII and not, with and without ESCAPE, on NULL rows of
 * an outer join and through a covering index; and a user's like() still replaces the operator's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import Oracle from 'better-sqlite3';
import { Database } from '../api/database.js';
import { NodeVfs } from '../vfs/node.js';
import { QueryPair, checkQueries } from '../../test/support/query-oracle.js';
import * as path from 'node:path';
import { makeTempDir, removeTempDir, rng } from '../../test/support/sqlite-oracle.js';

const SETUP = `
  CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT, n, b BLOB);
  INSERT INTO t VALUES
    (1, 'Amber lotus 12', 12, x'616263'), (2, 'maple ONYX', 3.5, NULL), (3, 'héllo wörld', -7, x''),
    (4, 'HÉLLO', NULL, x'00'), (5, '', 0, NULL), (6, NULL, 1e300, NULL), (7, 'a_b%c\\d', 77, NULL),
    (8, 'emoji 😀 here', 12.0, NULL), (9, 'nul' || char(0) || 'tail', 'x', NULL), (10, '[set]*?', '12', NULL),
    (11, CAST(x'61ff62c3' AS TEXT), NULL, NULL), (12, CAST(x'e282ac2078c0af' AS TEXT), NULL, NULL);
  CREATE INDEX t_s ON t(s);
  CREATE TABLE u(id INTEGER PRIMARY KEY, p TEXT);
  INSERT INTO u VALUES (1, '%l%'), (2, 'H%'), (3, NULL), (4, '_'), (100, '%');
`;

const pair = new QueryPair(SETUP);
afterAll(() => pair.close());

const OPERANDS = ['s', "s || ''", 'n', 'b', 'id'];
const PATTERNS = [
  "'%lotus%'", "'amber%'", "'%12'", "'%L%'", "'h_llo%'", "'%é%'", "'%É%'", "'%😀%'", "'_'", "'%'", "''", "'%%'",
  "'%o_'", "'%_%_%'", "'nul'", "'nul%'", "'%tail'", 'NULL', '12', '3.5', "x'25'", "'a%b%c%'", "'%ll%w%'", "'%' || char(0) || 'x'",
];

checkQueries(
  pair,
  'LIKE over stored and computed operands',
  OPERANDS.flatMap((x) => PATTERNS.map((p) => `SELECT id, ${x} LIKE ${p}, ${x} NOT LIKE ${p} FROM t ORDER BY id`)),
);

checkQueries(pair, 'GLOB', [
  "SELECT id FROM t WHERE s GLOB '*[lL]otus*' ORDER BY id",
  "SELECT id, s GLOB '[a-m]*', s GLOB '[^a-m]*', s GLOB '*[]]*', s GLOB '[set]*', s GLOB '*[*]*' FROM t ORDER BY id",
  "SELECT id, s GLOB 'h?llo*', s GLOB '*😀*', s GLOB '[', s GLOB '*[a-' FROM t ORDER BY id",
  "SELECT id, n GLOB '1*', b GLOB '*' FROM t ORDER BY id",
]);

checkQueries(pair, 'ESCAPE', [
  "SELECT id FROM t WHERE s LIKE 'a\\_b\\%c%' ESCAPE '\\' ORDER BY id",
  "SELECT id, s LIKE '%x_%' ESCAPE 'x', s LIKE 'a__b%' ESCAPE '_', s LIKE '%\\' ESCAPE '\\' FROM t ORDER BY id",
  "SELECT id, s LIKE '%' ESCAPE NULL FROM t ORDER BY id",
  "SELECT id, s LIKE '%' ESCAPE 'ab' FROM t ORDER BY id",
  "SELECT id, s LIKE '%' ESCAPE '' FROM t ORDER BY id",
  "SELECT id, s LIKE NULL ESCAPE 'ab' FROM t ORDER BY id",
  "SELECT id, b LIKE '%' ESCAPE 'ab' FROM t ORDER BY id",
  "SELECT id, s LIKE 'é%' ESCAPE 'é', s LIKE '%😀%' ESCAPE '😀' FROM t ORDER BY id",
]);

checkQueries(pair, 'patterns from other rows, outer joins, covering index', [
  'SELECT t.id, u.id, t.s LIKE u.p FROM t, u ORDER BY t.id, u.id',
  'SELECT u.id, t.id FROM u LEFT JOIN t ON t.id = u.id AND t.s LIKE u.p ORDER BY u.id',
  "SELECT u.id, t.s LIKE '%' FROM u LEFT JOIN t ON t.id = u.id + 1000 ORDER BY u.id",
  "SELECT s FROM t INDEXED BY t_s WHERE s LIKE '%l%' ORDER BY s",
  "SELECT count(*) FROM t WHERE s LIKE 'm%'",
  "SELECT id, like('%o%', s), like('%o%', s, NULL), glob('*o*', s) FROM t ORDER BY id",
  "SELECT like(replace(hex(zeroblob(30000)), '0', 'a'), 'a')",
  "SELECT 'x' LIKE replace(hex(zeroblob(30000)), '0', 'a')",
]);

describe('LIKE with parameters', () => {
  it('recompiles when the pattern changes between executions', () => {
    const hearth = pair.hearth.prepare('SELECT id FROM t WHERE s LIKE ? ORDER BY id').raw(true);
    const sqlite = pair.sqlite.prepare('SELECT id FROM t WHERE s LIKE ? ORDER BY id').raw(true);
    for (const p of ['%o%', 'm%', '%o%', null, 12, '%😀%', 'H%', '%']) {
      expect(hearth.all(p)).toEqual(sqlite.all(p));
    }
  });

  it('gives way to a user-defined like()', () => {
    const db = new Database();
    db.exec("CREATE TABLE v(s); INSERT INTO v VALUES ('abc'), ('xyz')");
    db.function('like', (pattern: unknown, text: unknown) => (String(text).includes(String(pattern)) ? 1 : 0));
    expect(db.prepare("SELECT s FROM v WHERE s LIKE 'y' ORDER BY s").raw(true).all()).toEqual([['xyz']]);
    db.close();
  });
});

describe('random LIKE and GLOB patterns agree with SQLite', () => {
  const ALPHABETS = {
    'mixed characters': ['a', 'B', 'b', 'é', 'É', '😀', '%', '_', '*', '?', '[', ']', '^', '-', 'x', '\\'],
    'ASCII runs and stars': ['a', 'A', 'b', 'B', '%', '%', '*', '*', 'é', '\u0000'],
  };
  for (const [name, alphabet] of Object.entries(ALPHABETS)) {
    it(`on stored text and on computed text (${name})`, () => {
      const random = rng(42);
      const word = (max: number): string => {
        let s = '';
        const n = Math.floor(random() * max);
        for (let i = 0; i < n; i++) s += alphabet[Math.floor(random() * alphabet.length)]!;
        return s;
      };
      const hearth = new Database();
      const sqlite = new Oracle(':memory:');
      const setup = 'CREATE TABLE w(id INTEGER PRIMARY KEY, s TEXT)';
      hearth.exec(setup);
      sqlite.exec(setup);
      const insertH = hearth.prepare('INSERT INTO w(s) VALUES (?)');
      const insertS = sqlite.prepare('INSERT INTO w(s) VALUES (?)');
      for (let i = 0; i < 200; i++) {
        const s = word(8);
        insertH.run(s);
        insertS.run(s);
      }
      const queries = [
        'SELECT id FROM w WHERE s LIKE ? ORDER BY id',
        "SELECT id FROM w WHERE s || '' LIKE ? ORDER BY id",
        "SELECT id FROM w WHERE s LIKE ? ESCAPE '\\' ORDER BY id",
        'SELECT id FROM w WHERE s GLOB ? ORDER BY id',
      ];
      const prepared = queries.map((q) => [hearth.prepare(q).raw(true), sqlite.prepare(q).raw(true)] as const);
      for (let k = 0; k < 150; k++) {
        const p = word(6);
        for (const [h, s] of prepared) {
          let expected: unknown;
          try {
            expected = s.all(p);
          } catch (err) {
            expected = (err as Error).message;
          }
          let actual: unknown;
          try {
            actual = h.all(p);
          } catch (err) {
            actual = (err as Error).message;
          }
          expect({ p, rows: actual }).toEqual({ p, rows: expected });
        }
      }
      hearth.close();
      sqlite.close();
    });
  }
});

describe('stored text that is not well-formed UTF-8', () => {
  it('matches as the decoded string does', () => {
    const dir = makeTempDir();
    try {
      const file = path.join(dir, 'bad-utf8.db');
      const sqlite = new Oracle(file);
      sqlite.exec('CREATE TABLE b(id INTEGER PRIMARY KEY, s TEXT)');
      const insert = sqlite.prepare("INSERT INTO b(s) VALUES (CAST(? AS TEXT))");
      for (const hex of ['61ff62c3', 'e282ac2078c0af', 'c3', 'eda080', 'f4908080', '80', 'f09f9880']) insert.run(Buffer.from(hex, 'hex'));
      sqlite.close();
      const hearth = new Database(file, { vfs: new NodeVfs() });
      for (const p of ['%', '_', '__', '___', '%b%', 'a_b_', '%x%', '€%', '%�%', '_�_']) {
        const stored = hearth.prepare('SELECT id FROM b WHERE s LIKE ? ORDER BY id').raw(true).all(p);
        const decoded = hearth.prepare("SELECT id FROM b WHERE s || '' LIKE ? ORDER BY id").raw(true).all(p);
        expect({ p, rows: stored }).toEqual({ p, rows: decoded });
      }
      hearth.close();
    } finally {
      removeTempDir(dir);
    }
  });
});
