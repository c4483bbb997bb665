/**
 * `Database.transaction(fn)` as better-sqlite3 shapes it: the returned function runs `fn` inside
 * BEGIN … COMMIT, or, when a transaction is already open, inside a savepoint released at the end, so
 * transaction functions nest. When `fn` throws, its work is undone (ROLLBACK, or ROLLBACK TO and
 * RELEASE of its savepoint) and the error goes on to the caller. The function carries `deferred`,
 * `immediate` and `exclusive` variants (BEGIN with that mode), `default` (itself) and `database`.
 *
 * The control statements are prepared once per connection and shared by all its transaction functions.
 */
import type { Database, Statement } from './database.js';

/** A transaction function and its variants. */
export interface TransactionFunction<A extends unknown[], R> {
  (...args: A): R;
  readonly default: TransactionFunction<A, R>;
  readonly deferred: TransactionFunction<A, R>;
  readonly immediate: TransactionFunction<A, R>;
  readonly exclusive: TransactionFunction<A, R>;
  readonly database: Database;
}

interface Controls {
  begin: Statement;
  commit: Statement;
  rollback: Statement;
  savepoint: Statement;
  release: Statement;
  rollbackTo: Statement;
}

type Mode = 'default' | 'deferred' | 'immediate' | 'exclusive';

/** The savepoint name better-sqlite3 uses, which no sane schema collides with. */
const SAVEPOINT = '`\t_bs3.\t`';
const BEGIN: Record<Mode, string> = { default: 'BEGIN', deferred: 'BEGIN DEFERRED', immediate: 'BEGIN IMMEDIATE', exclusive: 'BEGIN EXCLUSIVE' };

const controllers = new WeakMap<Database, Record<Mode, Controls>>();

function controlsOf(db: Database): Record<Mode, Controls> {
  let controls = controllers.get(db);
  if (!controls) {
    const shared = {
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare(`SAVEPOINT ${SAVEPOINT}`),
      release: db.prepare(`RELEASE ${SAVEPOINT}`),
      rollbackTo: db.prepare(`ROLLBACK TO ${SAVEPOINT}`),
    };
    const withBegin = (mode: Mode): Controls => ({ begin: db.prepare(BEGIN[mode]), ...shared });
    controls = { default: withBegin('default'), deferred: withBegin('deferred'), immediate: withBegin('immediate'), exclusive: withBegin('exclusive') };
    controllers.set(db, controls);
  }
  return controls;
}

function wrap<A extends unknown[], R>(db: Database, fn: (...args: A) => R, controls: Controls): (...args: A) => R {
  return function sqliteTransaction(this: unknown, ...args: A): R {
    const nested = db.inTransaction;
    const before = nested ? controls.savepoint : controls.begin;
    const after = nested ? controls.release : controls.commit;
    const undo = nested ? controls.rollbackTo : controls.rollback;
    before.run();
    try {
      const result = fn.apply(this, args);
      if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
        throw new TypeError('Transaction function cannot return a promise');
      }
      after.run();
      return result;
    } catch (err) {
      if (db.inTransaction) {
        undo.run();
        if (nested) after.run();
      }
      throw err;
    }
  };
}

/** Makes the transaction function of `fn` on `db`. */
export function makeTransaction<A extends unknown[], R>(db: Database, fn: (...args: A) => R): TransactionFunction<A, R> {
  if (typeof fn !== 'function') throw new TypeError('Expected first argument to be a function');
  const controls = controlsOf(db);
  const variants = {
    default: wrap(db, fn, controls.default),
    deferred: wrap(db, fn, controls.deferred),
    immediate: wrap(db, fn, controls.immediate),
    exclusive: wrap(db, fn, controls.exclusive),
  };
  const properties: PropertyDescriptorMap = {
    default: { value: variants.default },
    deferred: { value: variants.deferred },
    immediate: { value: variants.immediate },
    exclusive: { value: variants.exclusive },
    database: { value: db, enumerable: true },
  };
  for (const variant of Object.values(variants)) Object.defineProperties(variant, properties);
  return variants.default as TransactionFunction<A, R>;
}
