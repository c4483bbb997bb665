/**
 * The to-do database's schema, as an ordered list of migrations keyed by `PRAGMA user_version`.
 *
 * Invariants: a database's `user_version` is the version of the last migration applied to it (0 for a
 * new, empty file); each migration runs in its own transaction together with the `user_version` bump,
 * so a database is always at exactly one version, never half-way. Versions only grow: a database from a
 * newer app (a version above the last one here) is refused instead of being touched.
 *
 * Version 2 adds CHECK constraints to existing columns, which ALTER TABLE cannot do, so it rebuilds the
 * table as SQLite's documentation describes: copy the rows aside, drop the table (its indexes go with
 * it), create it anew under its own name, copy the rows back. Adding a plain column would be an
 * `ALTER TABLE … ADD COLUMN`.
 */
import type { Database } from '@hearth/client';

/** One step of the schema. */
export interface Migration {
  /** The `user_version` the database has once this ran; the list's versions are 1, 2, 3… in order. */
  readonly version: number;
  /** What it changes, for people reading the list. */
  readonly description: string;
  /** The statements, run in one transaction. */
  readonly sql: string;
}

const TODOS_V2_COLUMNS = `(
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL CHECK (length(title) > 0),
  done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
  notes TEXT NOT NULL DEFAULT '',
  due TEXT CHECK (due IS NULL OR due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  created_at INTEGER NOT NULL
)`;

/** The schema's history; the app's current schema is the last entry. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'todos with a title and a done flag; an index for the active/done filters and the count',
    sql: `
      CREATE TABLE todos(
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        done INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX todos_done ON todos(done);`,
  },
  {
    version: 2,
    description: 'notes and a due date (YYYY-MM-DD) per todo; the filter index also orders by due date',
    sql: `
      CREATE TABLE todos_v1_rows${TODOS_V2_COLUMNS};
      INSERT INTO todos_v1_rows(id, title, done, created_at) SELECT id, title, done, created_at FROM todos;
      DROP TABLE todos;
      CREATE TABLE todos${TODOS_V2_COLUMNS};
      INSERT INTO todos(id, title, done, notes, due, created_at)
        SELECT id, title, done, notes, due, created_at FROM todos_v1_rows;
      DROP TABLE todos_v1_rows;
      CREATE INDEX todos_done_due ON todos(done, due);`,
  },
];

/** The schema version this app writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** What `migrate` did. */
export interface MigrationReport {
  from: number;
  to: number;
}

/** The database's `user_version`. */
export async function schemaVersion(db: Database): Promise<number> {
  return Number(await db.pragma('user_version', { simple: true }));
}

/**
 * Brings `db` up to the last of `migrations`, one transaction per migration. Throws (leaving the database
 * at the last version that completed) when a migration fails, or when the database is newer than the list.
 */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> {
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  const from = await schemaVersion(db);
  if (from > latest) {
    throw new Error(`This database has schema version ${from}, newer than this app knows (${latest}): update the app to open it.`);
  }
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    await db.transaction(async (tx) => {
      // Re-read inside the transaction: another connection may have migrated meanwhile.
      if ((await schemaVersion(tx)) >= migration.version) return;
      await tx.exec(migration.sql);
      await tx.exec(`PRAGMA user_version = ${migration.version}`);
    }, 'immediate');
  }
  return { from, to: Math.max(from, latest) };
}
