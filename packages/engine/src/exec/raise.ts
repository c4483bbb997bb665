/**
 * RAISE(IGNORE) and RAISE(ROLLBACK|ABORT|FAIL, message), which only a trigger program may use.
 *
 * RAISE(IGNORE) throws `RAISE_IGNORE`, which the trigger firing that is running catches (trigger.ts):
 * the rest of that trigger, the later triggers of the row and the row's own change are skipped, and the
 * statement goes on with its next row. The other forms throw a `ConstraintError` coded
 * SQLITE_CONSTRAINT_TRIGGER with the message as text, raised under their conflict resolution, so the
 * statement (ABORT), nothing (FAIL) or the transaction (ROLLBACK) is undone as for a constraint.
 */
import { SqliteError } from '../common/errors.js';
import type { RaiseExpr } from '../sql/ast.js';
import { toText } from '../value/convert.js';
import { type Compiled, type CompileContext, compileExpr, evalType } from './expr.js';
import { ConstraintError } from './rowwrite.js';
import { BINARY } from '../record/compare.js';
import { Affinity } from '../value/affinity.js';

/** What RAISE(IGNORE) throws. */
export class RaiseIgnore {}
export const RAISE_IGNORE = new RaiseIgnore();

export function compileRaise(expr: RaiseExpr, cx: CompileContext): Compiled {
  if (!cx.env?.trigger) throw new SqliteError('SQLITE_ERROR', 'RAISE() may only be used within a trigger-program');
  const action = expr.action;
  let fn: () => never;
  if (action === 'IGNORE') {
    fn = () => {
      throw RAISE_IGNORE;
    };
  } else {
    const message = compileExpr(expr.message!, cx).fn;
    fn = () => {
      const v = message();
      throw new ConstraintError('SQLITE_CONSTRAINT_TRIGGER', toText(evalType, v), action);
    };
  }
  return { fn, affinity: Affinity.None, collation: BINARY, explicitCollation: false };
}
