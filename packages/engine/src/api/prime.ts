/**
 * `primeCodeCache()`: runs a small, representative workload on a throwaway database, so that the
 * JavaScript engine compiles the code a first query needs while the calling script is still loading.
 *
 * Why: a browser keeps a compiled-code cache for scripts it loads again (V8's code cache), and what it
 * keeps is the code compiled by the time the script's top level has run. A function first called
 * later, by the first real query, is compiled from source on every start. Calling this from the top
 * level of a worker's script puts the SQL front end, planner, executor, B-tree and pager paths into
 * that cache, so a returning user's first query starts with them compiled. The cost is the workload
 * itself (a few milliseconds the first time, about two once cached).
 *
 * The database lives in a private `MemoryVfs` in WAL mode, so the file paths (header, WAL, page reads)
 * run too; nothing is left behind.
 */
import { MemoryVfs } from '../vfs/memory.js';
import { Database } from './database.js';

export function primeCodeCache(): void {
  const db = new Database('prime.db', { vfs: new MemoryVfs() });
  try {
    db.exec('CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER)');
    db.prepare('INSERT INTO item (name, qty) VALUES (?, ?)').run('one', 1);
    db.prepare('SELECT name, qty FROM item WHERE id = ?').all(1);
  } finally {
    db.close();
  }
}
