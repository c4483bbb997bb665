// The temp schema against real SQLite (better-sqlite3): scripts run statement by statement on both
// engines and every outcome (rows with storage classes, change counts, errors) must agree; and temp
// objects never reach the database file.
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

describe('TEMP objects', () => {
  it('are created, listed, resolved temp first, qualified and dropped as in SQLite', () => {
    agree(`
      SELECT * FROM sqlite_temp_master ;;
      CREATE TEMP TABLE x(a PRIMARY KEY, b) ;;
      CREATE TEMPORARY VIEW tv AS SELECT 1 AS one ;;
      CREATE TABLE temp.y(c) ;;
      CREATE INDEX ix ON x(b) ;;
      CREATE TEMP TRIGGER tt AFTER INSERT ON x BEGIN SELECT 1; END ;;
      CREATE TABLE m(a) ;;
      CREATE TEMP TRIGGER tm AFTER INSERT ON m BEGIN INSERT INTO y VALUES(new.a); END ;;
      CREATE TEMP TABLE main.z(a) ;;
      CREATE TEMP VIEW main.z AS SELECT 1 ;;
      CREATE TABLE foo.z(a) ;;
      CREATE INDEX main.i2 ON x(b) ;;
      CREATE INDEX temp.i3 ON m(a) ;;
      CREATE TEMP TRIGGER main.tq AFTER INSERT ON m BEGIN SELECT 1; END ;;
      CREATE TRIGGER temp.tq2 AFTER INSERT ON m BEGIN SELECT 1; END ;;
      CREATE TRIGGER tq3 AFTER INSERT ON temp.x BEGIN SELECT 1; END ;;
      CREATE TRIGGER tq4 AFTER INSERT ON x BEGIN SELECT 1; END ;;
      SELECT * FROM sqlite_temp_master ;;
      SELECT * FROM temp.sqlite_master ;;
      SELECT * FROM temp.sqlite_schema ;;
      SELECT * FROM sqlite_temp_schema ;;
      SELECT * FROM main.sqlite_temp_master ;;
      SELECT * FROM sqlite_master ;;
      CREATE TEMP TABLE x(a) ;;
      CREATE TABLE x(q) ;;
      INSERT INTO x VALUES(1, 2) ;;
      INSERT INTO main.x VALUES(3) ;;
      INSERT INTO m VALUES(7) ;;
      SELECT * FROM y ;;
      SELECT * FROM x ;;
      SELECT * FROM main.x ;;
      SELECT * FROM temp.x ;;
      SELECT temp.x.a, main.x.q FROM temp.x, main.x ;;
      SELECT * FROM tv ;;
      SELECT * FROM foo.x ;;
      INSERT INTO foo.x VALUES(1) ;;
      UPDATE temp.x SET b = 20 ;;
      DELETE FROM main.x ;;
      SELECT * FROM x ;;
      DROP VIEW temp.tv ;;
      PRAGMA table_list ;;
      PRAGMA table_info(x) ;;
      PRAGMA main.table_info(x) ;;
      PRAGMA temp.table_info(x) ;;
      PRAGMA temp.table_info(m) ;;
      PRAGMA index_list(x) ;;
      PRAGMA database_list ;;
      DROP TABLE x ;;
      SELECT * FROM x ;;
      DROP TABLE x ;;
      DROP TABLE x ;;
      DROP VIEW temp.tv ;;
      DROP TRIGGER temp.tm ;;
      DROP INDEX temp.nosuch ;;
      DROP TABLE m ;;
      SELECT type, name, tbl_name FROM sqlite_temp_master
    `);
  });

  it('follows transactions, savepoints and statement rollback', () => {
    agree(`
      CREATE TEMP TABLE t(a INTEGER PRIMARY KEY, b UNIQUE) ;;
      INSERT INTO t VALUES(1, 'one') ;;
      BEGIN ;;
      INSERT INTO t VALUES(2, 'two') ;;
      SAVEPOINT s1 ;;
      INSERT INTO t VALUES(3, 'three') ;;
      CREATE TEMP TABLE w(z) ;;
      ROLLBACK TO s1 ;;
      SELECT * FROM t ;;
      SELECT * FROM w ;;
      INSERT INTO t VALUES(4, 'four'), (5, 'one') ;;
      SELECT * FROM t ;;
      RELEASE s1 ;;
      COMMIT ;;
      SELECT * FROM t ;;
      BEGIN ;;
      DELETE FROM t ;;
      CREATE TEMP VIEW v AS SELECT 1 ;;
      ROLLBACK ;;
      SELECT * FROM t ;;
      SELECT name FROM sqlite_temp_master ;;
      INSERT INTO t VALUES(6, 'six'), (7, 'one') ;;
      SELECT * FROM t
    `);
  });

  it('never reaches the database file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-temp-'));
    const file = path.join(dir, 'db.sqlite');
    try {
      const hearth = new Database(file);
      hearth.exec(`CREATE TABLE keep(a); CREATE TEMP TABLE scratch(a); INSERT INTO scratch VALUES(1);
        CREATE INDEX si ON scratch(a); CREATE TEMP VIEW sv AS SELECT * FROM keep;
        CREATE TEMP TRIGGER st AFTER INSERT ON keep BEGIN INSERT INTO scratch VALUES(new.a); END;
        INSERT INTO keep VALUES(2);`);
      expect(hearth.prepare('SELECT a FROM scratch ORDER BY a').pluck().all()).toEqual([1, 2]);
      const sqlite = new Oracle(file, { readonly: true });
      expect(sqlite.prepare('SELECT type, name FROM sqlite_schema').all()).toEqual([{ type: 'table', name: 'keep' }]);
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      sqlite.close();
      hearth.close();
      const reopened = new Database(file);
      expect(reopened.prepare('SELECT count(*) FROM sqlite_temp_master').pluck().get()).toBe(0);
      reopened.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
