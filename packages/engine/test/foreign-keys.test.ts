// Foreign keys against real SQLite (better-sqlite3): each script runs statement by statement on both
// engines, and every statement's rows (with storage classes), change count, last insert rowid, or error
// code and message must agree, so the state after each failure is compared too. better-sqlite3 is built
// with foreign keys on by default, so each script sets PRAGMA foreign_keys itself.
import { describe, expect, it } from 'vitest';
import { runBoth } from './support/script-diff.js';

function agree(script: string): void {
  const [hearth, sqlite] = runBoth(script);
  expect(hearth).toEqual(sqlite);
}

/** `INSERT INTO r VALUES (1, 0), (2, 1), …`: a chain of `n` rows, each referring to the one before. */
function chain(n: number): string {
  return `INSERT INTO r VALUES ${Array.from({ length: n }, (_, i) => `(${i + 1}, ${i})`).join(', ')}`;
}

describe('foreign key enforcement', () => {
  it('is off by default, and PRAGMA foreign_keys cannot change inside a transaction', () => {
    agree(`
      PRAGMA foreign_keys = OFF ;;
      CREATE TABLE p(a INTEGER PRIMARY KEY) ;;
      CREATE TABLE c(x REFERENCES p) ;;
      INSERT INTO c VALUES(1) ;;
      PRAGMA foreign_keys ;;
      BEGIN ;;
      PRAGMA foreign_keys = ON ;;
      PRAGMA foreign_keys ;;
      INSERT INTO c VALUES(2) ;;
      COMMIT ;;
      PRAGMA foreign_keys = ON ;;
      PRAGMA foreign_keys ;;
      INSERT INTO c VALUES(3) ;;
      SELECT * FROM c
    `);
  });

  it('checks immediate constraints on INSERT, UPDATE and DELETE, with the parent key affinity', () => {
    agree(`
      PRAGMA foreign_keys = ON ;;
      CREATE TABLE p(a PRIMARY KEY, b UNIQUE) ;;
      CREATE TABLE c(x REFERENCES p, y REFERENCES p(b) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, z) ;;
      INSERT INTO c VALUES(1, NULL, 3) ;;
      INSERT INTO p VALUES(1, 10), (2, 20) ;;
      INSERT INTO c VALUES(1, NULL, 3) ;;
      INSERT INTO c VALUES(1, 20, 4), (2, 10, 5) ;;
      SELECT * FROM c ;;
      DELETE FROM p WHERE a = 1 ;;
      DELETE FROM p WHERE b = 10 ;;
      SELECT * FROM c ;;
      UPDATE c SET x = 5 WHERE z = 3 ;;
      UPDATE c SET x = 2 WHERE z = 3 ;;
      UPDATE p SET a = 3 WHERE a = 2 ;;
      UPDATE p SET a = 2 WHERE a = 2 ;;
      CREATE TABLE p2(i INTEGER PRIMARY KEY, v) ;;
      CREATE TABLE c2(a REFERENCES p2 ON DELETE RESTRICT ON UPDATE CASCADE, b REFERENCES p2 ON DELETE SET NULL ON UPDATE SET DEFAULT DEFAULT 1) ;;
      INSERT INTO p2 VALUES(1, 'one'), (2, 'two'), (3, 'three') ;;
      INSERT INTO c2 VALUES(1, 2), ('1', 3), (1.0, NULL) ;;
      INSERT INTO c2 VALUES(1.5, NULL) ;;
      INSERT INTO c2 VALUES('x', NULL) ;;
      SELECT a, typeof(a), b FROM c2
    `);
  });

  it('runs ON DELETE and ON UPDATE actions: CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION', () => {
    agree(`
      PRAGMA foreign_keys = ON ;;
      CREATE TABLE p2(i INTEGER PRIMARY KEY, v) ;;
      CREATE TABLE c2(a REFERENCES p2 ON DELETE RESTRICT ON UPDATE CASCADE, b REFERENCES p2 ON DELETE SET NULL ON UPDATE SET DEFAULT DEFAULT 1) ;;
      INSERT INTO p2 VALUES(1, 'one'), (2, 'two'), (3, 'three') ;;
      INSERT INTO c2 VALUES(1, 2), ('1', 3), (1.0, NULL) ;;
      DELETE FROM p2 WHERE i = 1 ;;
      DELETE FROM p2 WHERE i = 3 ;;
      SELECT a, typeof(a), b FROM c2 ;;
      UPDATE p2 SET i = 10 WHERE i = 1 ;;
      SELECT a, typeof(a), b FROM c2 ;;
      UPDATE p2 SET i = 20 WHERE i = 2 ;;
      UPDATE p2 SET v = 'changed' ;;
      SELECT changes(), total_changes() ;;
      SELECT a, typeof(a), b FROM c2 ;;
      CREATE TABLE p(a, b COLLATE NOCASE, c, PRIMARY KEY(a, b)) ;;
      CREATE TABLE ch(x, y, z, FOREIGN KEY(y, x) REFERENCES p(b, a) ON UPDATE CASCADE ON DELETE SET DEFAULT) ;;
      CREATE INDEX chi ON ch(x, y COLLATE NOCASE) ;;
      INSERT INTO p VALUES(1, 'abc', 0), ('2', 'DEF', 0) ;;
      INSERT INTO ch VALUES(1, 'ABC', 'k1'), (2, 'def', 'k2'), ('1', 'abc', 'k3') ;;
      INSERT INTO ch VALUES(2, 'xyz', 'k4') ;;
      INSERT INTO ch VALUES(NULL, 'xyz', 'k5') ;;
      UPDATE p SET b = 'AbC' WHERE a = 1 ;;
      SELECT * FROM ch ORDER BY z ;;
      UPDATE p SET b = 'zzz' WHERE a = 1 ;;
      SELECT * FROM ch ORDER BY z ;;
      DELETE FROM p WHERE a = 1 ;;
      SELECT * FROM ch ORDER BY z ;;
      DELETE FROM ch WHERE z = 'k5' ;;
      DELETE FROM p WHERE a = '2' ;;
      SELECT * FROM ch ORDER BY z
    `);
  });

  it('handles self-referencing tables and cascades through them', () => {
    agree(`
      PRAGMA foreign_keys = ON ;;
      CREATE TABLE t(id INTEGER PRIMARY KEY, parent REFERENCES t ON DELETE CASCADE, v) ;;
      INSERT INTO t VALUES(1, NULL, 'a'), (2, 1, 'b'), (3, 2, 'c'), (4, 4, 'self') ;;
      INSERT INTO t VALUES(5, 5, 'x') ;;
      INSERT INTO t VALUES(6, 7, 'y') ;;
      INSERT INTO t VALUES(7, 6, 'z'), (6, 7, 'y') ;;
      UPDATE t SET id = 40 WHERE id = 4 ;;
      UPDATE t SET id = 40, parent = 40 WHERE id = 4 ;;
      SELECT * FROM t ORDER BY id ;;
      DELETE FROM t WHERE id = 1 ;;
      SELECT * FROM t ORDER BY id ;;
      CREATE TABLE r(a PRIMARY KEY, b REFERENCES r ON UPDATE CASCADE ON DELETE CASCADE) ;;
      ${chain(50)} ;;
      INSERT INTO r VALUES(0, NULL) ;;
      ${chain(50)} ;;
      UPDATE r SET a = -1 WHERE a = 0 ;;
      SELECT count(*), min(b), sum(b) FROM r ;;
      DELETE FROM r WHERE a = -1 ;;
      SELECT count(*) FROM r
    `);
  });

  it('reports a parent key that is not PRIMARY KEY or UNIQUE when a statement needs it', () => {
    agree(`
      PRAGMA foreign_keys = ON ;;
      CREATE TABLE mp(x, y) ;;
      CREATE TABLE mc(k REFERENCES mp(x)) ;;
      CREATE TABLE q(a REFERENCES nosuch) ;;
      INSERT INTO q VALUES(1) ;;
      INSERT INTO mc VALUES(1) ;;
      INSERT INTO mp VALUES(1, 2) ;;
      INSERT INTO mp VALUES(1, 2), (3, 4) ;;
      UPDATE mp SET y = 5 ;;
      UPDATE mp SET x = 5 ;;
      DELETE FROM mp ;;
      PRAGMA foreign_key_check ;;
      DROP TABLE mp ;;
      CREATE TABLE bad(a, b, FOREIGN KEY(a, nosuch) REFERENCES mp) ;;
      CREATE TABLE bad(a REFERENCES mp(x, y)) ;;
      CREATE TABLE bad(a, b, FOREIGN KEY(a, b) REFERENCES mp(x))
    `);
  });
});

describe('deferred constraints and transactions', () => {
  it('check deferred constraints at COMMIT (which fails and keeps the transaction) and restore counts on ROLLBACK TO', () => {
    agree(`
      PRAGMA foreign_keys = ON ;;
      CREATE TABLE dp(k PRIMARY KEY) ;;
      CREATE TABLE dc(r REFERENCES dp DEFERRABLE INITIALLY DEFERRED, s REFERENCES dp) ;;
      INSERT INTO dc VALUES(1, NULL) ;;
      BEGIN ;;
      INSERT INTO dc VALUES(1, NULL) ;;
      SAVEPOINT s1 ;;
      INSERT INTO dc VALUES(2, NULL) ;;
      ROLLBACK TO s1 ;;
      INSERT INTO dc VALUES(NULL, 3) ;;
      COMMIT ;;
      INSERT INTO dp VALUES(1) ;;
      COMMIT ;;
      SELECT * FROM dc ;;
      BEGIN ;;
      DELETE FROM dp ;;
      INSERT INTO dp VALUES(1) ;;
      COMMIT ;;
      BEGIN ;;
      DELETE FROM dp ;;
      ROLLBACK ;;
      SELECT * FROM dp ;;
      SAVEPOINT a ;;
      DELETE FROM dp ;;
      RELEASE a ;;
      ROLLBACK TO a ;;
      RELEASE a ;;
      SELECT * FROM dp
    `);
  });

  it('PRAGMA defer_foreign_keys defers immediate constraints until COMMIT, and is off again after it', () => {
    agree(`
      PRAGMA foreign_keys = ON ;;
      CREATE TABLE dp(k PRIMARY KEY) ;;
      CREATE TABLE dc(r REFERENCES dp DEFERRABLE INITIALLY DEFERRED, s REFERENCES dp ON DELETE RESTRICT) ;;
      INSERT INTO dp VALUES(1) ;;
      INSERT INTO dc VALUES(NULL, 1) ;;
      BEGIN ;;
      PRAGMA defer_foreign_keys = ON ;;
      INSERT INTO dc VALUES(NULL, 9) ;;
      DELETE FROM dp ;;
      PRAGMA defer_foreign_keys ;;
      COMMIT ;;
      INSERT INTO dp VALUES(1), (9) ;;
      COMMIT ;;
      PRAGMA defer_foreign_keys ;;
      SELECT * FROM dc ;;
      BEGIN ;;
      PRAGMA defer_foreign_keys = ON ;;
      INSERT INTO dc VALUES(NULL, 8) ;;
      PRAGMA defer_foreign_keys = OFF ;;
      COMMIT ;;
      SELECT * FROM dc ;;
      PRAGMA defer_foreign_keys = ON ;;
      PRAGMA defer_foreign_keys ;;
      SELECT count(*) FROM dp ;;
      PRAGMA defer_foreign_keys
    `);
  });

  it('a statement that violates and then repairs an immediate constraint succeeds', () => {
    agree(`
      PRAGMA foreign_keys = ON ;;
      CREATE TABLE p(a INTEGER PRIMARY KEY) ;;
      CREATE TABLE c(x REFERENCES p) ;;
      INSERT INTO p VALUES(1), (2) ;;
      INSERT INTO c VALUES(1), (2) ;;
      UPDATE p SET a = 3 - a ;;
      UPDATE p SET a = a + 10 ;;
      SELECT * FROM p ;;
      BEGIN ;;
      INSERT INTO c VALUES(5) ;;
      SELECT * FROM c ;;
      COMMIT ;;
      SELECT * FROM c
    `);
  });
});

describe('foreign keys with other features', () => {
  it('actions fire triggers; REPLACE deletes rows with their checks and actions', () => {
    agree(`
      PRAGMA foreign_keys = ON ;;
      CREATE TABLE p(id INTEGER PRIMARY KEY, u UNIQUE ON CONFLICT REPLACE) ;;
      CREATE TABLE c(pid REFERENCES p ON DELETE CASCADE, pu REFERENCES p(u) ON DELETE SET NULL) ;;
      CREATE TABLE log(m) ;;
      CREATE TRIGGER cd AFTER DELETE ON c BEGIN INSERT INTO log VALUES('del c ' || old.pid); END ;;
      CREATE TRIGGER cu AFTER UPDATE ON c BEGIN INSERT INTO log VALUES('upd c ' || new.pu); END ;;
      CREATE TRIGGER pd BEFORE DELETE ON p BEGIN INSERT INTO log VALUES('del p ' || old.id); END ;;
      INSERT INTO p VALUES(1, 'a'), (2, 'b') ;;
      INSERT INTO c VALUES(1, 'a'), (2, 'b'), (1, NULL) ;;
      INSERT INTO p VALUES(3, 'a') ;;
      SELECT * FROM c ;;
      SELECT * FROM log ;;
      SELECT changes(), total_changes() ;;
      REPLACE INTO p VALUES(2, 'z') ;;
      SELECT * FROM c ;;
      SELECT * FROM log ;;
      PRAGMA recursive_triggers = ON ;;
      REPLACE INTO p VALUES(3, 'q') ;;
      SELECT * FROM log ;;
      DELETE FROM p ;;
      SELECT * FROM c ;;
      SELECT * FROM log
    `);
  });

  it('conflict clauses and RETURNING do not bypass the checks', () => {
    agree(`
      PRAGMA foreign_keys = ON ;;
      CREATE TABLE tp(a PRIMARY KEY) ;;
      CREATE TABLE tc(b REFERENCES tp) ;;
      INSERT INTO tp VALUES(1) ;;
      INSERT INTO tc VALUES(1) ;;
      INSERT OR IGNORE INTO tc VALUES(99) ;;
      INSERT OR FAIL INTO tc VALUES(1), (98), (1) ;;
      SELECT * FROM tc ;;
      UPDATE OR REPLACE tc SET b = 77 ;;
      INSERT INTO tc VALUES(1) RETURNING * ;;
      INSERT INTO tc VALUES(97) RETURNING * ;;
      SELECT * FROM tc
    `);
  });

  it('DROP TABLE deletes a parent table rows first, with checks and actions', () => {
    agree(`
      PRAGMA foreign_keys = ON ;;
      CREATE TABLE dp(a INTEGER PRIMARY KEY) ;;
      CREATE TABLE dc(b REFERENCES dp ON DELETE CASCADE) ;;
      INSERT INTO dp VALUES(1), (2) ;;
      INSERT INTO dc VALUES(1), (2), (NULL) ;;
      DROP TABLE dp ;;
      SELECT * FROM dc ;;
      INSERT INTO dc VALUES(5) ;;
      PRAGMA foreign_key_check ;;
      CREATE TABLE tp(a PRIMARY KEY) ;;
      CREATE TABLE tc(b REFERENCES tp) ;;
      INSERT INTO tp VALUES(1) ;;
      INSERT INTO tc VALUES(1) ;;
      DROP TABLE tp ;;
      SELECT * FROM tp ;;
      BEGIN ;;
      PRAGMA defer_foreign_keys = 1 ;;
      DROP TABLE tp ;;
      COMMIT ;;
      CREATE TABLE tp(a PRIMARY KEY) ;;
      INSERT INTO tp VALUES(1) ;;
      COMMIT ;;
      SELECT * FROM tc ;;
      CREATE TABLE mp(x, y) ;;
      CREATE TABLE mc(k REFERENCES mp(x)) ;;
      INSERT INTO mp VALUES(1, 2) ;;
      DROP TABLE mp
    `);
  });
});

describe('PRAGMA foreign_key_list and foreign_key_check', () => {
  it('list the keys newest first and report orphans with their rowid and key number', () => {
    agree(`
      CREATE TABLE p(a PRIMARY KEY, b UNIQUE, c, UNIQUE(c, b)) ;;
      CREATE TABLE c(x REFERENCES p, y REFERENCES p(b) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED, z, w, FOREIGN KEY(z, y) REFERENCES p(c, b) ON UPDATE SET NULL MATCH FULL) ;;
      PRAGMA foreign_key_list(c) ;;
      PRAGMA foreign_key_list(p) ;;
      PRAGMA foreign_key_list(nosuch) ;;
      PRAGMA foreign_keys = OFF ;;
      INSERT INTO p VALUES(1, 'b', 'c') ;;
      INSERT INTO c VALUES(1, 'b', 'c', 0), (2, 'b', 'c', 0), (1, 'x', NULL, 0), (NULL, NULL, 'q', 0), ('1', 'b', 'c', 1) ;;
      PRAGMA foreign_key_check ;;
      PRAGMA foreign_key_check(c) ;;
      PRAGMA foreign_key_check(p) ;;
      PRAGMA foreign_key_check(nosuch) ;;
      CREATE TABLE o(k REFERENCES gone) ;;
      INSERT INTO o VALUES(1), (NULL) ;;
      PRAGMA foreign_key_check ;;
      PRAGMA main.foreign_key_check(o)
    `);
  });
});
