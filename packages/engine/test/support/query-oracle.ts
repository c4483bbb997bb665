/**
 * Runs queries on Hearth and on SQLite (better-sqlite3) over the same schema and data, and reports each
 * engine's outcome in one comparable form: the result column names and the rows, with every value
 * tagged by storage class (`i:` integer, `r:` real, `t:` text, `b:` blob hex, `null`), or the error
 * message (a statement that returns no rows has neither). Rows are sorted unless the query ends in an ORDER BY, whose order is then part of the result.
 */
import { describe, expect, it } from 'vitest';
import Oracle from 'better-sqlite3';
import { Database } from '../../src/api/database.js';

export interface Outcome {
  columns?: string[];
  rows?: string[][];
  error?: string;
}

function tag(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return `i:${v}`;
  if (typeof v === 'number') return `r:${Object.is(v, -0) ? '-0' : v}`;
  if (typeof v === 'string') return `t:${v}`;
  if (v instanceof Uint8Array) return `b:${Buffer.from(v).toString('hex')}`;
  return `?${String(v)}`;
}

/** Whether the query's rows come in a defined order (it ends in an ORDER BY, possibly with LIMIT). */
function ordered(sql: string): boolean {
  return /ORDER BY [^()]*$/i.test(sql.trim());
}

interface Engine {
  prepare(sql: string): { reader: boolean; run(): unknown; columns(): { name: string }[]; safeIntegers(on?: boolean): unknown; raw(on?: boolean): unknown; all(): unknown[] };
}

function outcome(db: Engine, sql: string): Outcome {
  try {
    const st = db.prepare(sql);
    if (!st.reader) {
      st.run();
      return {};
    }
    const columns = st.columns().map((c) => c.name);
    st.safeIntegers(true);
    st.raw(true);
    const rows = (st.all() as unknown[][]).map((row) => row.map(tag));
    if (!ordered(sql)) rows.sort((a, b) => (a.join('\u0001') < b.join('\u0001') ? -1 : a.join('\u0001') > b.join('\u0001') ? 1 : 0));
    return { columns, rows };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Two connections, one per engine, with the same setup run on both. */
export class QueryPair {
  readonly hearth = new Database();
  readonly sqlite: Oracle.Database = new Oracle(':memory:');

  constructor(setup: string) {
    this.hearth.exec(setup);
    this.sqlite.exec(setup);
  }

  /** Both engines' outcomes for `sql`: [hearth, sqlite]. */
  run(sql: string): [Outcome, Outcome] {
    return [outcome(this.hearth as unknown as Engine, sql), outcome(this.sqlite as unknown as Engine, sql)];
  }

  close(): void {
    this.hearth.close();
    this.sqlite.close();
  }
}

/** One Vitest case per query of `group`: each must give the same outcome on both sides of `pair`. */
export function checkQueries(pair: QueryPair, group: string, queries: string[]): void {
  describe(group, () => {
    for (const q of queries) {
      it(q, () => {
        const [h, o] = pair.run(q);
        expect(h).toEqual(o);
      });
    }
  });
}
