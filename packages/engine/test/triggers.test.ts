// Triggers against real SQLite (better-sqlite3): each script runs statement by statement on both engines,
// and every statement's rows (with storage classes), change count, last insert rowid, or error code and
// message must agree. better-sqlite3 may be built with other defaults, so each script sets
// recursive_triggers itself.
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Oracle from 'better-sqlite3';
import { Database } from '../src/node.js';
import { runBoth } from './support/script-diff.js';

function agree(script: string): void {
  const [hearth, sqlite] = runBoth(script);
  expect(hearth).toEqual(sqlite);
}

describe('CREATE TRIGGER and DROP TRIGGER', () => {
  it('store the statement as SQLite does and report its errors', () => {
    agree(`
      CREATE TABLE t(a INTEGER PRIMARY KEY, b) ;;
      CREATE VIEW v AS SELECT * FROM t ;;
      CREATE TRIGGER   IF NOT EXISTS main.tr1 AFTER INSERT ON t BEGIN SELECT 1 ; END ;;
      CREATE TRIGGER "Q z" after insert on "T" for each row when new.a > 0 begin select 1; select 2; end   ;;
      CREATE TRIGGER d DELETE ON t BEGIN SELECT 1; END ;;
      CREATE TRIGGER u UPDATE OF b, nosuch ON t BEGIN SELECT 1; END ;;
      CREATE TRIGGER x INSTEAD OF INSERT ON v BEGIN SELECT 1; END ;;
      SELECT * FROM sqlite_schema ;;
      CREATE TRIGGER tr1 AFTER INSERT ON t BEGIN SELECT 1; END ;;
      CREATE TRIGGER IF NOT EXISTS tr1 INSTEAD OF INSERT ON t BEGIN SELECT 1; END ;;
      CREATE TRIGGER tr2 AFTER INSERT ON nosuch BEGIN SELECT 1; END ;;
      CREATE TRIGGER IF NOT EXISTS tr1 AFTER INSERT ON nosuch BEGIN SELECT 1; END ;;
      CREATE TRIGGER tr2 AFTER INSERT ON v BEGIN SELECT 1; END ;;
      CREATE TRIGGER tr2 BEFORE DELETE ON v BEGIN SELECT 1; END ;;
      CREATE TRIGGER tr2 INSTEAD OF INSERT ON t BEGIN SELECT 1; END ;;
      CREATE TRIGGER tr2 AFTER INSERT ON sqlite_master BEGIN SELECT 1; END ;;
      CREATE TRIGGER sqlite_x AFTER INSERT ON t BEGIN SELECT 1; END ;;
      CREATE TRIGGER foo.z AFTER INSERT ON t BEGIN SELECT 1; END ;;
      CREATE TRIGGER z AFTER INSERT ON foo.t BEGIN SELECT 1; END ;;
      CREATE TRIGGER z AFTER INSERT ON t BEGIN INSERT INTO t VALUES(1, 2) RETURNING *; END ;;
      CREATE TRIGGER z AFTER INSERT ON t BEGIN INSERT INTO main.t VALUES(1, 2); END ;;
      SELECT RAISE(IGNORE) ;;
      DROP TRIGGER tr1 ;;
      DROP TRIGGER tr1 ;;
      DROP TRIGGER IF EXISTS tr1 ;;
      DROP TRIGGER main.d ;;
      DROP TRIGGER foo.d ;;
      DROP VIEW v ;;
      SELECT type, name, tbl_name FROM sqlite_schema ;;
      DROP TABLE t ;;
      SELECT type, name, tbl_name FROM sqlite_schema ;;
      DROP TRIGGER u
    `);
  });

  it('report unknown names in a body when a statement that fires it is prepared', () => {
    agree(`
      CREATE TABLE t(a, b) ;;
      CREATE TRIGGER bad AFTER INSERT ON t BEGIN INSERT INTO t(nosuch) VALUES(1); END ;;
      INSERT INTO t VALUES(1, 2) ;;
      DELETE FROM t ;;
      DROP TRIGGER bad ;;
      CREATE TRIGGER bad AFTER INSERT ON t BEGIN SELECT old.a; END ;;
      INSERT INTO t VALUES(1, 2) ;;
      DROP TRIGGER bad ;;
      CREATE TRIGGER bad BEFORE DELETE ON t WHEN new.a BEGIN SELECT 1; END ;;
      DELETE FROM t ;;
      DROP TRIGGER bad ;;
      CREATE TRIGGER bad AFTER UPDATE ON t BEGIN INSERT INTO missing VALUES(new.a); END ;;
      UPDATE t SET a = 1 ;;
      CREATE TABLE missing(x) ;;
      UPDATE t SET a = 1 ;;
      SELECT * FROM missing
    `);
  });
});

describe('firing', () => {
  it('BEFORE and AFTER INSERT, UPDATE and DELETE with OLD, NEW, WHEN and UPDATE OF, newest trigger first', () => {
    agree(`
      PRAGMA recursive_triggers = 0 ;;
      CREATE TABLE t(a INTEGER PRIMARY KEY, b REAL, c TEXT) ;;
      CREATE TABLE log(w, x, y, z) ;;
      CREATE TRIGGER bi BEFORE INSERT ON t BEGIN INSERT INTO log VALUES('bi', new.rowid, new.a, typeof(new.b)); END ;;
      CREATE TRIGGER ai AFTER INSERT ON t BEGIN INSERT INTO log VALUES('ai', new.rowid, new.a, typeof(new.b)); END ;;
      CREATE TRIGGER ai2 AFTER INSERT ON t WHEN new.c = 'x' BEGIN INSERT INTO log VALUES('ai2', new.c, NULL, NULL); END ;;
      CREATE TRIGGER bu BEFORE UPDATE OF b ON t BEGIN INSERT INTO log VALUES('bu', old.b, new.b, new.rowid); END ;;
      CREATE TRIGGER au AFTER UPDATE ON t WHEN old.c IS NOT new.c BEGIN INSERT INTO log VALUES('au', old.c, new.c, old.rowid); END ;;
      CREATE TRIGGER bd BEFORE DELETE ON t BEGIN INSERT INTO log VALUES('bd', old.a, old.b, old.c); END ;;
      CREATE TRIGGER ad AFTER DELETE ON t BEGIN INSERT INTO log VALUES('ad', old.a, old.b, (SELECT count(*) FROM t)); END ;;
      INSERT INTO t(b, c) VALUES(1, 'x') ;;
      INSERT INTO t VALUES(NULL, '2', 'y'), (7, 3, 'x') ;;
      UPDATE t SET c = c || '!' ;;
      UPDATE t SET b = b + 1 WHERE a = 2 ;;
      UPDATE t SET a = a + 10 WHERE a = 7 ;;
      DELETE FROM t WHERE a < 10 ;;
      SELECT rowid, * FROM log ;;
      SELECT * FROM t
    `);
  });

  it('counts changes(), total_changes() and last_insert_rowid() as SQLite does', () => {
    agree(`
      CREATE TABLE t(a INTEGER PRIMARY KEY, b) ;;
      CREATE TABLE log(x, y, z) ;;
      CREATE TRIGGER t1 AFTER INSERT ON t BEGIN INSERT INTO log VALUES('t1', changes(), last_insert_rowid()); INSERT INTO log VALUES('t1b', changes(), total_changes()); END ;;
      CREATE TRIGGER t2 AFTER INSERT ON t BEGIN INSERT INTO log VALUES('t2', changes(), last_insert_rowid()); END ;;
      CREATE TRIGGER t3 AFTER UPDATE ON t BEGIN INSERT INTO log VALUES('t3', changes(), last_insert_rowid()); END ;;
      INSERT INTO log VALUES(0, 0, 0) ;;
      INSERT INTO t VALUES(10, 1), (20, 2) ;;
      SELECT changes(), total_changes(), last_insert_rowid() ;;
      UPDATE t SET b = b + 1 ;;
      SELECT changes(), total_changes(), last_insert_rowid() ;;
      DELETE FROM t ;;
      SELECT changes(), total_changes(), last_insert_rowid() ;;
      SELECT rowid, * FROM log
    `);
  });

  it('RAISE(IGNORE), RAISE(ABORT), RAISE(FAIL) and RAISE(ROLLBACK)', () => {
    agree(`
      CREATE TABLE t(a INTEGER PRIMARY KEY, b) ;;
      CREATE TRIGGER ab BEFORE INSERT ON t WHEN new.a > 100 BEGIN SELECT RAISE(ABORT, 'too big'); END ;;
      CREATE TRIGGER fb BEFORE INSERT ON t WHEN new.a BETWEEN 50 AND 100 BEGIN SELECT RAISE(FAIL, 'fail ' || new.a); END ;;
      CREATE TRIGGER ig BEFORE INSERT ON t WHEN new.a BETWEEN 41 AND 45 BEGIN SELECT RAISE(IGNORE); END ;;
      CREATE TRIGGER au AFTER UPDATE ON t WHEN new.b = 'stop' BEGIN SELECT RAISE(IGNORE); INSERT INTO t VALUES(99, 'never'); END ;;
      CREATE TRIGGER ex BEFORE DELETE ON t WHEN old.a = 1 BEGIN SELECT RAISE(ABORT, 1 + 1); END ;;
      INSERT INTO t VALUES(1, 1) ;;
      INSERT INTO t VALUES(200, 1) ;;
      INSERT INTO t VALUES(40, 1), (60, 1) ;;
      INSERT INTO t VALUES(41, 1), (46, 1) ;;
      SELECT changes() ;;
      UPDATE t SET b = 'stop' WHERE a = 46 ;;
      DELETE FROM t ;;
      SELECT * FROM t ;;
      BEGIN ;;
      INSERT INTO t VALUES(2, 2) ;;
      CREATE TRIGGER rb BEFORE INSERT ON t WHEN new.a = 3 BEGIN SELECT RAISE(ROLLBACK, 'rolled back'); END ;;
      INSERT INTO t VALUES(3, 3) ;;
      COMMIT ;;
      SELECT * FROM t ;;
      SELECT name FROM sqlite_schema WHERE name = 'rb'
    `);
  });

  it('nested triggers, recursive_triggers off and on, and the depth limit', () => {
    agree(`
      PRAGMA recursive_triggers = 0 ;;
      CREATE TABLE a(n) ;;
      CREATE TABLE b(n) ;;
      CREATE TABLE c(n) ;;
      CREATE TRIGGER ab AFTER INSERT ON a BEGIN INSERT INTO b VALUES(new.n * 10); END ;;
      CREATE TRIGGER bc AFTER INSERT ON b BEGIN INSERT INTO c VALUES(new.n + 1); INSERT INTO a VALUES(new.n); END ;;
      INSERT INTO a VALUES(1) ;;
      SELECT 'a', n FROM a UNION ALL SELECT 'b', n FROM b UNION ALL SELECT 'c', n FROM c ;;
      CREATE TABLE r(n) ;;
      CREATE TRIGGER rr AFTER INSERT ON r WHEN new.n < 10 BEGIN INSERT INTO r VALUES(new.n + 1); END ;;
      INSERT INTO r VALUES(1) ;;
      SELECT count(*) FROM r ;;
      PRAGMA recursive_triggers = 1 ;;
      INSERT INTO r VALUES(1) ;;
      SELECT count(*), sum(n) FROM r ;;
      DROP TRIGGER rr ;;
      CREATE TRIGGER rr AFTER INSERT ON r WHEN new.n < 5000 BEGIN INSERT INTO r VALUES(new.n + 1); END ;;
      INSERT INTO r VALUES(1) ;;
      SELECT count(*) FROM r
    `);
  });

  it('the firing statement conflict clause overrides the body statements own', () => {
    agree(`
      PRAGMA recursive_triggers = 0 ;;
      CREATE TABLE t(a INTEGER PRIMARY KEY, b UNIQUE) ;;
      CREATE TABLE u(k INTEGER PRIMARY KEY, v UNIQUE) ;;
      CREATE TRIGGER ui AFTER INSERT ON t BEGIN INSERT INTO u VALUES(new.a, new.b); END ;;
      CREATE TRIGGER uu AFTER UPDATE ON t BEGIN INSERT OR IGNORE INTO u VALUES(new.a, new.b); END ;;
      INSERT INTO u VALUES(100, 'dup') ;;
      INSERT INTO t VALUES(30, 'dup') ;;
      INSERT OR IGNORE INTO t VALUES(31, 'dup') ;;
      INSERT OR REPLACE INTO t VALUES(32, 'dup') ;;
      INSERT INTO t VALUES(1, 'one') ;;
      UPDATE t SET b = 'dup' WHERE a = 1 ;;
      UPDATE OR FAIL t SET b = 'one' WHERE a = 1 ;;
      SELECT * FROM t ORDER BY a ;;
      SELECT * FROM u ORDER BY k
    `);
  });

  it('rows REPLACE deletes fire DELETE triggers only with recursive_triggers', () => {
    agree(`
      PRAGMA recursive_triggers = 0 ;;
      CREATE TABLE t(a INTEGER PRIMARY KEY, b UNIQUE) ;;
      CREATE TABLE log(w, x, y) ;;
      CREATE TRIGGER bd BEFORE DELETE ON t BEGIN INSERT INTO log VALUES('bd', old.a, old.b); END ;;
      CREATE TRIGGER ad AFTER DELETE ON t BEGIN INSERT INTO log VALUES('ad', old.a, old.b); END ;;
      INSERT INTO t VALUES(1, 'x'), (2, 'y') ;;
      REPLACE INTO t VALUES(3, 'x') ;;
      SELECT * FROM log ;;
      PRAGMA recursive_triggers = 1 ;;
      REPLACE INTO t VALUES(2, 'z') ;;
      UPDATE OR REPLACE t SET b = 'x' WHERE a = 2 ;;
      SELECT changes(), total_changes() ;;
      SELECT * FROM log ;;
      SELECT * FROM t
    `);
  });

  it('BEFORE triggers that change or delete the row being updated or deleted', () => {
    agree(`
      PRAGMA recursive_triggers = 0 ;;
      CREATE TABLE t(a INTEGER PRIMARY KEY, b, c) ;;
      CREATE INDEX tb ON t(b) ;;
      CREATE INDEX tc ON t(c) ;;
      INSERT INTO t VALUES(1, 'b1', 'c1'), (2, 'b2', 'c2'), (3, 'b3', 'c3') ;;
      CREATE TRIGGER bu BEFORE UPDATE ON t BEGIN UPDATE t SET c = 'changed' WHERE a = old.a; DELETE FROM t WHERE a = old.a + 1; END ;;
      UPDATE t SET b = b || '!' ;;
      SELECT * FROM t ;;
      CREATE TRIGGER bd BEFORE DELETE ON t BEGIN DELETE FROM t WHERE a = 3; END ;;
      DELETE FROM t ;;
      SELECT * FROM t ;;
      PRAGMA integrity_check
    `);
  });

  it('an upsert DO UPDATE fires UPDATE triggers, and DO NOTHING fires none', () => {
    agree(`
      PRAGMA recursive_triggers = 0 ;;
      CREATE TABLE t(a PRIMARY KEY, b, c) ;;
      CREATE TABLE log(x) ;;
      CREATE TRIGGER ti AFTER INSERT ON t BEGIN INSERT INTO log VALUES('i ' || new.a || ' ' || new.b); END ;;
      CREATE TRIGGER tu AFTER UPDATE ON t BEGIN INSERT INTO log VALUES('u ' || old.b || '>' || new.b || ' ' || new.c); END ;;
      CREATE TRIGGER tc AFTER UPDATE OF c ON t BEGIN INSERT INTO log VALUES('c ' || new.c); END ;;
      CREATE TRIGGER bu BEFORE UPDATE ON t WHEN new.b = 'x' BEGIN UPDATE t SET c = 'by-trigger' WHERE a = old.a; END ;;
      CREATE TRIGGER bd BEFORE UPDATE ON t WHEN new.b = 'gone' BEGIN DELETE FROM t WHERE a = old.a; END ;;
      INSERT INTO t VALUES(1, 'one', 0), (2, 'two', 0) ;;
      INSERT INTO t VALUES(1, 'uno', 5) ON CONFLICT(a) DO UPDATE SET b = excluded.b ;;
      INSERT INTO t VALUES(2, 'dos', 7) ON CONFLICT DO UPDATE SET b = excluded.b, c = excluded.c WHERE c = 0 ;;
      INSERT INTO t VALUES(2, 'again', 9) ON CONFLICT DO UPDATE SET b = excluded.b WHERE c = 0 ;;
      INSERT INTO t VALUES(1, 'x', 1) ON CONFLICT(a) DO UPDATE SET b = excluded.b ;;
      INSERT INTO t VALUES(2, 'gone', 1) ON CONFLICT(a) DO UPDATE SET b = excluded.b RETURNING * ;;
      INSERT INTO t VALUES(3, 'three', 3) ON CONFLICT DO NOTHING ;;
      INSERT INTO t VALUES(3, 'tres', 3) ON CONFLICT DO NOTHING ;;
      SELECT * FROM t ;;
      SELECT * FROM log ;;
      PRAGMA integrity_check
    `);
  });

  it('INSTEAD OF triggers make views writable', () => {
    agree(`
      CREATE TABLE t(a INTEGER PRIMARY KEY, b) ;;
      CREATE TABLE log(w, x, y, z) ;;
      CREATE VIEW v(x, y) AS SELECT a, b FROM t ;;
      INSERT INTO v VALUES(1, 2) ;;
      UPDATE v SET y = 1 ;;
      DELETE FROM v ;;
      CREATE TRIGGER vi INSTEAD OF INSERT ON v BEGIN INSERT INTO t VALUES(new.x, new.y); INSERT INTO log VALUES('vi', new.x, new.y, typeof(new.y)); END ;;
      CREATE TRIGGER vu INSTEAD OF UPDATE OF y ON v BEGIN UPDATE t SET b = new.y WHERE a = old.x; INSERT INTO log VALUES('vu', old.x, old.y, new.y); END ;;
      CREATE TRIGGER vd INSTEAD OF DELETE ON v BEGIN DELETE FROM t WHERE a = old.x; INSERT INTO log VALUES('vd', old.x, old.y, NULL); END ;;
      INSERT INTO v VALUES(10, '1'), (20, 2) ;;
      SELECT changes(), total_changes(), last_insert_rowid() ;;
      INSERT INTO v(y) VALUES(5) ;;
      INSERT INTO v SELECT a + 100, b FROM t ;;
      INSERT INTO v VALUES(1, 2, 3) ;;
      INSERT INTO v(z) VALUES(1) ;;
      UPDATE v SET y = 'changed' WHERE x > 15 ;;
      UPDATE v SET x = 1 ;;
      UPDATE v SET nosuch = 1 ;;
      DELETE FROM v WHERE x = 10 ;;
      SELECT * FROM log ;;
      SELECT * FROM t ;;
      CREATE TRIGGER bad INSTEAD OF DELETE ON v BEGIN SELECT new.rowid; END ;;
      DELETE FROM v
    `);
  });
});

describe('triggers in files', () => {
  it('a trigger SQLite created fires in Hearth, and one Hearth created fires in SQLite', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-triggers-'));
    const file = path.join(dir, 'db.sqlite');
    try {
      const sqlite = new Oracle(file);
      sqlite.exec(`CREATE TABLE t(a INTEGER PRIMARY KEY, b); CREATE TABLE log(x);
        CREATE TRIGGER by_sqlite AFTER INSERT ON t BEGIN INSERT INTO log VALUES('sqlite ' || new.b); END;`);
      sqlite.close();
      const hearth = new Database(file);
      hearth.exec(`INSERT INTO t VALUES(1, 'from hearth');
        CREATE TRIGGER by_hearth BEFORE DELETE ON t BEGIN INSERT INTO log VALUES('hearth ' || old.b); END;`);
      hearth.close();
      const again = new Oracle(file);
      again.exec(`DELETE FROM t`);
      expect(again.prepare('SELECT x FROM log ORDER BY rowid').pluck().all()).toEqual(['sqlite from hearth', 'hearth from hearth']);
      expect(again.prepare('SELECT name, sql FROM sqlite_schema WHERE type = ? ORDER BY name').all('trigger')).toEqual([
        { name: 'by_hearth', sql: 'CREATE TRIGGER by_hearth BEFORE DELETE ON t BEGIN INSERT INTO log VALUES(\'hearth \' || old.b); END' },
        { name: 'by_sqlite', sql: 'CREATE TRIGGER by_sqlite AFTER INSERT ON t BEGIN INSERT INTO log VALUES(\'sqlite \' || new.b); END' },
      ]);
      expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
      again.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
