/**
 * Identifiers as SQLite writes them into SQL text it generates (the CREATE TABLE of CREATE TABLE … AS,
 * names put in by ALTER TABLE): bare when the name is a plain word — letters, digits, `_`, `$` after
 * the first character, or any non-ASCII character, not starting with a digit, and not a keyword —
 * else in double quotes with inner double quotes doubled.
 */
import { keywordOf } from './keywords.js';

function isWordChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36 || code >= 0x80;
}

/** Whether `name` can be written bare. */
export function isBareIdentifier(name: string): boolean {
  if (name.length === 0) return false;
  const first = name.charCodeAt(0);
  if (first >= 48 && first <= 57) return false;
  for (let i = 0; i < name.length; i++) if (!isWordChar(name.charCodeAt(i))) return false;
  return keywordOf(name) === null;
}

/** `name` in double quotes, inner double quotes doubled. */
export function doubleQuoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `name` as SQLite writes an identifier: bare when it can be, else double-quoted. */
export function writtenIdentifier(name: string): string {
  return isBareIdentifier(name) ? name : doubleQuoted(name);
}
