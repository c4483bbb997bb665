/**
 * The ON DELETE and ON UPDATE actions of foreign keys. As in SQLite, each action is a trigger on the
 * parent table, made up from the foreign key and run by trigger.ts with OLD and NEW the parent row and
 * the conflict resolution ABORT:
 *   CASCADE      DELETE FROM child WHERE old.p = c …            (ON UPDATE: UPDATE child SET c = new.p …)
 *   SET NULL     UPDATE child SET c = NULL … WHERE old.p = c …
 *   SET DEFAULT  UPDATE child SET c = <c's DEFAULT> … WHERE old.p = c …
 *   RESTRICT     SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed') FROM child WHERE old.p = c …
 * ON UPDATE actions run only when the key changed: WHEN NOT (old.p IS new.p AND …). `old.p = c`
 * compares with the parent column's affinity and collation. An action fires within itself (a
 * self-referencing cascade), counting towards the trigger depth limit; RESTRICT does nothing under
 * PRAGMA defer_foreign_keys.
 */
import type { Btree } from '../btree/btree.js';
import type { TableInfo, TriggerInfo } from '../plan/catalog.js';
import { type ForeignKeyInfo, resolveParentKey } from '../plan/foreign-keys.js';
import { parse } from '../sql/index.js';
import type { ForeignKeyState } from './foreign-keys.js';
import type { CompileEnv, Effects } from './program.js';
import type { RowImage } from './rowscope.js';
import { TriggerProgram } from './trigger.js';

/** A foreign key's action program, and whether it is a RESTRICT. */
interface Action {
  program: TriggerProgram;
  restrict: boolean;
}

/** The actions a parent row's DELETE or UPDATE runs, in SQLite's order. */
export class ForeignKeyActions {
  constructor(private readonly actions: Action[]) {}

  fire(old: RowImage, row: RowImage | null, bt: Btree, effects: Effects, state: ForeignKeyState): void {
    for (const action of this.actions) {
      if (action.restrict && state.deferAll) continue;
      action.program.fire(old, row, bt, effects);
    }
  }
}

/** An identifier as SQL text. */
function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The CREATE TRIGGER text of `fk`'s `event` action on `parent`, or null when it has none. */
function actionSql(fk: ForeignKeyInfo, parent: TableInfo, child: TableInfo, event: 'DELETE' | 'UPDATE'): string | null {
  const action = event === 'DELETE' ? fk.onDelete : fk.onUpdate;
  if (action === 'NO ACTION') return null;
  const key = resolveParentKey(parent, fk);
  if (!key) return null;
  const parentName = (c: number): string => quote(c < 0 ? 'rowid' : parent.columns[c]!.name);
  const childName = (c: number): string => quote(child.columns[c]!.name);
  const where = key.childColumns.map((c, i) => `"old".${parentName(key.parentColumns[i]!)} = ${childName(c)}`).join(' AND ');
  const target = quote(child.name);
  let body: string;
  if (action === 'RESTRICT') body = `SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed') FROM ${target} WHERE ${where}`;
  else if (action === 'CASCADE' && event === 'DELETE') body = `DELETE FROM ${target} WHERE ${where}`;
  else {
    const value = (c: number, i: number): string => {
      if (action === 'CASCADE') return `"new".${parentName(key.parentColumns[i]!)}`;
      const column = child.columns[c]!;
      if (action === 'SET NULL' || !column.defaultValue) return 'NULL';
      const dflt = column.defaultValue;
      return dflt.kind === 'string' ? `'${dflt.value.replace(/'/g, "''")}'` : `(${column.defaultSql})`;
    };
    body = `UPDATE ${target} SET ${key.childColumns.map((c, i) => `${childName(c)} = ${value(c, i)}`).join(', ')} WHERE ${where}`;
  }
  const changed = key.parentColumns.map((c) => `"old".${parentName(c)} IS "new".${parentName(c)}`).join(' AND ');
  const when = event === 'UPDATE' ? ` WHEN NOT (${changed})` : '';
  return `CREATE TRIGGER fk AFTER ${event} ON ${quote(parent.name)}${when} BEGIN ${body}; END`;
}

/**
 * The actions of the foreign keys `keys` (which refer to `parent`) for a parent row's `event`, compiled
 * for the statement; null when none has one.
 */
export function foreignKeyActions(env: CompileEnv, parent: TableInfo, event: 'DELETE' | 'UPDATE', keys: readonly ForeignKeyInfo[]): ForeignKeyActions | null {
  const actions: Action[] = [];
  const cache = env.trigger?.cache ?? new Map<string, TriggerProgram>();
  for (const fk of keys) {
    const child = env.catalog.table(fk.table, parent.temp ? 'temp' : 'main');
    if (!child) continue;
    const sql = actionSql(fk, parent, child, event);
    if (sql === null) continue;
    // Unique per foreign key and event, and no name a CREATE TRIGGER can give.
    const name = `\u0000fk\u0000${child.name.toLowerCase()}\u0000${child.foreignKeys.indexOf(fk)}\u0000${event}`;
    const cacheKey = `${name}\u0000ABORT`;
    let program = cache.get(cacheKey);
    if (!program) {
      const [stmt] = parse(sql);
      if (stmt?.kind !== 'createTrigger') continue;
      const info: TriggerInfo = {
        name,
        table: parent.name,
        timing: 'AFTER',
        event: stmt.event,
        columns: null,
        when: stmt.when,
        body: stmt.body,
        sql,
        foreignKeyAction: true,
        ...(parent.temp ? { temp: true } : {}),
      };
      program = new TriggerProgram(info, parent, 'ABORT', cache, env);
      cache.set(cacheKey, program);
      program.prepare();
    }
    actions.push({ program, restrict: (event === 'DELETE' ? fk.onDelete : fk.onUpdate) === 'RESTRICT' });
  }
  return actions.length > 0 ? new ForeignKeyActions(actions) : null;
}
