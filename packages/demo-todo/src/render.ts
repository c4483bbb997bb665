/**
 * Render functions of the to-do list: pure functions from data to fresh DOM nodes, wired to the
 * callbacks they are given. They keep no state; app.ts re-renders after every change.
 *
 * Every focusable control carries a `data-focus` key (e.g. `toggle-3`) so that app.ts can put the focus
 * back on the same control after a re-render.
 */
import { h } from './dom.js';
import type { Counts, Filter, Todo, TodoFields } from './todos.js';

/** What the list's controls do. */
export interface TodoActions {
  toggle(id: number, done: boolean): void;
  startEdit(id: number): void;
  save(id: number, fields: TodoFields): void;
  cancelEdit(): void;
  remove(id: number): void;
}

/** Today's date in the user's time zone, as YYYY-MM-DD (the format of due dates). */
export function localDate(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Whether `todo` is past its due date (a due date of today is not overdue yet). */
export function isOverdue(todo: Todo, today: string): boolean {
  return !todo.done && todo.due !== null && todo.due < today;
}

/** One todo in the list, read-only: checkbox, title (double-click or Enter to edit), notes, due date, buttons. */
export function renderTodo(todo: Todo, actions: TodoActions, today: string): HTMLLIElement {
  const overdue = isOverdue(todo, today);
  const titleId = `title-${todo.id}`;
  const title = h(
    'span',
    {
      id: titleId,
      class: 'title',
      tabindex: 0,
      'data-focus': titleId,
      title: 'Double-click or press Enter to edit',
      ondblclick: () => actions.startEdit(todo.id),
      onkeydown: (event) => {
        if ((event as KeyboardEvent).key === 'Enter') {
          event.preventDefault();
          actions.startEdit(todo.id);
        }
      },
    },
    todo.title,
  );
  return h(
    'li',
    { class: `todo${todo.done ? ' done' : ''}${overdue ? ' overdue' : ''}`, 'data-id': todo.id },
    h('input', {
      type: 'checkbox',
      class: 'toggle',
      'data-focus': `toggle-${todo.id}`,
      'aria-label': `Done: ${todo.title}`,
      checked: todo.done,
      onchange: (event) => actions.toggle(todo.id, (event.target as HTMLInputElement).checked),
    }),
    h(
      'div',
      { class: 'body' },
      title,
      todo.notes && h('p', { class: 'notes' }, todo.notes),
      todo.due && h('p', { class: 'due' }, h('time', { datetime: todo.due }, `Due ${todo.due}`), overdue && h('strong', { class: 'overdue-tag' }, ' overdue')),
    ),
    h('button', { type: 'button', class: 'edit', 'data-focus': `edit-${todo.id}`, 'aria-label': `Edit: ${todo.title}`, onclick: () => actions.startEdit(todo.id) }, 'Edit'),
    h('button', { type: 'button', class: 'destroy', 'data-focus': `delete-${todo.id}`, 'aria-label': `Delete: ${todo.title}`, onclick: () => actions.remove(todo.id) }, '×'),
  );
}

/**
 * One todo being edited in place: title, notes and due date. Enter (in the title or date) or Save saves;
 * Ctrl+Enter saves from the notes; Escape or Cancel leaves without saving.
 */
export function renderEditor(todo: Todo, actions: TodoActions): HTMLLIElement {
  const fields = (): TodoFields => ({ title: titleInput.value, notes: notesInput.value, due: dueInput.value || null });
  const titleInput = h('input', { id: `edit-title-${todo.id}`, class: 'edit-title', 'data-focus': `edit-title-${todo.id}`, value: todo.title, autocomplete: 'off' });
  const notesInput = h('textarea', { id: `edit-notes-${todo.id}`, rows: 3 }, todo.notes);
  const dueInput = h('input', { id: `edit-due-${todo.id}`, type: 'date', value: todo.due ?? '' });
  const form = h(
    'form',
    {
      class: 'editor',
      'aria-label': `Edit ${todo.title}`,
      onsubmit: (event) => {
        event.preventDefault();
        actions.save(todo.id, fields());
      },
      onkeydown: (event) => {
        const key = event as KeyboardEvent;
        if (key.key === 'Escape') {
          key.preventDefault();
          actions.cancelEdit();
        } else if (key.key === 'Enter' && key.target === notesInput && (key.ctrlKey || key.metaKey)) {
          key.preventDefault();
          actions.save(todo.id, fields());
        }
      },
    },
    h('label', { for: titleInput.id }, 'Title'),
    titleInput,
    h('label', { for: notesInput.id }, 'Notes'),
    notesInput,
    h('label', { for: dueInput.id }, 'Due date'),
    dueInput,
    h(
      'div',
      { class: 'editor-buttons' },
      h('button', { type: 'submit' }, 'Save'),
      h('button', { type: 'button', onclick: () => actions.cancelEdit() }, 'Cancel'),
    ),
  );
  return h('li', { class: 'todo editing', 'data-id': todo.id }, form);
}

/** What the list shows when it has no rows. */
export function renderEmpty(counts: Counts, filter: Filter, search: string): HTMLLIElement {
  let text = 'Nothing to do yet: type a todo above and press Enter.';
  if (search.trim()) text = `No todos match “${search.trim()}”.`;
  else if (counts.total > 0 && filter === 'active') text = 'Everything is done.';
  else if (counts.total > 0 && filter === 'done') text = 'Nothing is done yet.';
  return h('li', { class: 'empty' }, text);
}

/** "N items left". */
export function itemsLeft(active: number): string {
  return `${active} ${active === 1 ? 'item' : 'items'} left`;
}
