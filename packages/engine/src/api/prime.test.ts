/**
 * primeCodeCache: its workload runs (a statement the engine stopped supporting would fail it here, not
 * in a user's worker at load time) and leaves nothing behind for databases opened afterwards.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../vfs/memory.js';
import { Database } from './database.js';
import { primeCodeCache } from './prime.js';

describe('primeCodeCache', () => {
  it('runs its workload, again and again, and leaves no database behind', () => {
    primeCodeCache();
    primeCodeCache();
    const db = new Database('prime.db', { vfs: new MemoryVfs() });
    expect(db.prepare("SELECT count(*) FROM sqlite_schema").pluck().get()).toBe(0);
    db.close();
  });
});
