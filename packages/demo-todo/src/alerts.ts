/**
 * The page's two live regions: errors go to the alert region (role="alert", announced at once, kept
 * until dismissed), confirmations to the status region (role="status", polite, replaced by the next).
 * Every failure of the app ends up here, never only in the console.
 */
import { SqliteError } from '@hearth/client';
import { byId, h } from './dom.js';

/** The text shown for `error`: SQLite errors with their code, others with their message. */
export function describeError(error: unknown): string {
  if (error instanceof SqliteError) return `${error.message} (${error.code})`;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Shows an error: `context` says what failed, `error` why. */
export function showError(context: string, error?: unknown): void {
  const region = byId('alerts');
  const text = error === undefined ? context : `${context}: ${describeError(error)}`;
  const item = h(
    'p',
    { class: 'alert' },
    h('span', {}, text),
    h('button', { type: 'button', class: 'dismiss', 'aria-label': 'Dismiss this error', onclick: () => item.remove() }, '×'),
  );
  region.append(item);
  if (error !== undefined) console.error(context, error);
}

/** Removes every error shown. */
export function clearErrors(): void {
  byId('alerts').replaceChildren();
}

/** Shows a confirmation (replacing the previous one). */
export function showMessage(text: string): void {
  byId('messages').textContent = text;
}
