/**
 * Moving the database in and out of the browser: export as a `.sqlite` download, and the checks a file
 * must pass before it replaces the user's database on import.
 *
 * An imported file is first written under a scratch name and opened there: it must be a SQLite file
 * (header and `quick_check`), hold this app's `todos` table, and migrate to the current schema. Only then
 * does it replace the real database, so a bad file never costs the user their data.
 */
import { connect, deleteDatabase, importDatabase, type Database } from '@hearth/client';
import { migrate, schemaVersion } from './migrations.js';

/** Where an imported file is checked before it replaces the database. */
const SCRATCH_NAME = 'import-check.db';
const SQLITE_HEADER = 'SQLite format 3\u0000';
/** A SQLite file is at least one page: its header alone is 100 bytes. */
const MIN_FILE_SIZE = 100;

/** Why a file cannot be imported, in words for the user. */
export class ImportError extends Error {
  override name = 'ImportError';
}

/** Whether `bytes` start with SQLite's file header. */
export function hasSqliteHeader(bytes: Uint8Array): boolean {
  if (bytes.length < MIN_FILE_SIZE) return false;
  for (let i = 0; i < SQLITE_HEADER.length; i++) if (bytes[i] !== SQLITE_HEADER.charCodeAt(i)) return false;
  return true;
}

/** The name of an export made on `date`: todos-YYYY-MM-DD.sqlite. */
export function exportFileName(date: string): string {
  return `todos-${date}.sqlite`;
}

/** Starts the download of `bytes` as `fileName`. */
export function download(bytes: Uint8Array, fileName: string): void {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/vnd.sqlite3' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Checks that `bytes` (the file `fileName`) is a to-do database this app can open; throws an
 * `ImportError` saying why not. Returns how many todos it holds.
 */
export async function checkImport(fileName: string, bytes: Uint8Array): Promise<number> {
  if (!hasSqliteHeader(bytes)) throw new ImportError(`“${fileName}” is not a SQLite database file`);
  await importDatabase(SCRATCH_NAME, bytes).catch((error: unknown) => {
    throw new ImportError(`“${fileName}” could not be read as a SQLite database (${describe(error)})`);
  });
  let scratch: Database | null = null;
  try {
    scratch = await connect(SCRATCH_NAME);
    const check = await scratch.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new ImportError(`“${fileName}” is damaged: ${String(check)}`);
    const hasTodos = await scratch.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'todos'").pluck().get();
    if (hasTodos !== 1 || (await schemaVersion(scratch)) < 1) throw new ImportError(`“${fileName}” is a SQLite database, but not one of this to-do app`);
    await migrate(scratch);
    return Number(await scratch.prepare('SELECT count(*) FROM todos').pluck().get());
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError(`“${fileName}” cannot be imported: ${describe(error)}`);
  } finally {
    await scratch?.close();
    await deleteDatabase(SCRATCH_NAME);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
