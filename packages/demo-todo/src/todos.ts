/**
 * The to-do list's data access: every read and write of the `todos` table goes through `TodoStore`, as
 * SQL through @hearth/client. The store holds no copy of the data — the database is the only truth, and
 * the UI re-reads after each change.
 *
 * Search is a case-insensitive substring match (LIKE) over titles and notes, with the user's `%`, `_`
 * and `\` escaped so they match themselves. A leading-wildcard LIKE cannot use an index; the filters and
 * the "items left" count can, through the index on (done, due).
 */
import type { Database, Statement } from '@hearth/client';

/** A row of `todos`, as the UI sees it. */
export interface Todo {
  id: number;
  title: string;
  done: boolean;
  notes: string;
  /** YYYY-MM-DD, or null when there is no due date. */
  due: string | null;
  createdAt: number;
}

/** Which todos a list shows. */
export type Filter = 'all' | 'active' | 'done';

/** Counts over the whole list, whatever the filter and search. */
export interface Counts {
  total: number;
  active: number;
  done: number;
}

/** The editable fields of a todo. */
export interface TodoFields {
  title: string;
  notes: string;
  due: string | null;
}

interface TodoRow {
  id: number;
  title: string;
  done: number;
  notes: string;
  due: string | null;
  created_at: number;
}

const SELECT_TODOS = 'SELECT id, title, done, notes, due, created_at FROM todos';
const SEARCH = "(title LIKE ?1 ESCAPE '\\' OR notes LIKE ?1 ESCAPE '\\')";
const FILTER_WHERE: Record<Filter, string> = { all: '1', active: 'done = 0', done: 'done = 1' };

/** The LIKE pattern matching `text` anywhere, its wildcard characters escaped with `\`. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A title or notes field as stored: surrounding white space trimmed. */
export function cleanText(text: string): string {
  return text.trim();
}

function toTodo(row: TodoRow): Todo {
  return { id: row.id, title: row.title, done: row.done === 1, notes: row.notes, due: row.due, createdAt: row.created_at };
}

/** Reads and writes todos in one database (at the current schema version: see migrations.ts). */
export class TodoStore {
  /** Prepared statements by SQL text: each is prepared once per connection. */
  private readonly statements = new Map<string, Statement<unknown>>();

  constructor(private readonly db: Database) {}

  private statement<R>(sql: string): Statement<R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as Statement<R>;
  }

  /** The todos passing `filter` whose title or notes contain `search` (ignoring case), oldest first. */
  async list(filter: Filter, search: string): Promise<Todo[]> {
    const term = search.trim();
    const where = term ? `${FILTER_WHERE[filter]} AND ${SEARCH}` : FILTER_WHERE[filter];
    const statement = this.statement<TodoRow>(`${SELECT_TODOS} WHERE ${where} ORDER BY id`);
    return (await (term ? statement.all(containsPattern(term)) : statement.all())).map(toTodo);
  }

  async counts(): Promise<Counts> {
    const row = await this
      .statement<{ total: number; active: number }>('SELECT count(*) AS total, count(*) FILTER (WHERE done = 0) AS active FROM todos')
      .get();
    const total = row?.total ?? 0;
    const active = row?.active ?? 0;
    return { total, active, done: total - active };
  }

  /** Adds a todo (not done); returns its id. */
  async add(fields: TodoFields, now: number = Date.now()): Promise<number> {
    const result = await this
      .statement('INSERT INTO todos(title, notes, due, created_at) VALUES (?, ?, ?, ?)')
      .run(cleanText(fields.title), cleanText(fields.notes), fields.due || null, now);
    return Number(result.lastInsertRowid);
  }

  /** Replaces a todo's title, notes and due date. */
  async update(id: number, fields: TodoFields): Promise<void> {
    await this
      .statement('UPDATE todos SET title = ?, notes = ?, due = ? WHERE id = ?')
      .run(cleanText(fields.title), cleanText(fields.notes), fields.due || null, id);
  }

  async setDone(id: number, done: boolean): Promise<void> {
    await this.statement('UPDATE todos SET done = ? WHERE id = ?').run(done ? 1 : 0, id);
  }

  /** Marks every todo done, or every one not done. */
  async setAllDone(done: boolean): Promise<void> {
    await this.statement('UPDATE todos SET done = ? WHERE done <> ?').run(done ? 1 : 0, done ? 1 : 0);
  }

  async remove(id: number): Promise<void> {
    await this.statement('DELETE FROM todos WHERE id = ?').run(id);
  }

  /** Deletes the todos that are done; returns how many. */
  async clearDone(): Promise<number> {
    return (await this.statement('DELETE FROM todos WHERE done = 1').run()).changes;
  }
}
