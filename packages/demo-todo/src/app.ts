/**
 * The app's controller: opens the database (migrating it), holds the view state — filter (from the URL
 * hash), search text, the todo being edited — and wires the page's controls (index.html) to the store.
 *
 * Invariants: the database is the only copy of the data, so every change is written first and the list
 * is then re-rendered from a fresh query; every action runs through `attempt`, which shows its failure
 * in the alert region; at most one todo is edited at a time.
 */
import { connect, importDatabase, type Database } from '@hearth/client';
import { clearErrors, showError, showMessage } from './alerts.js';
import { byId } from './dom.js';
import { migrate } from './migrations.js';
import { itemsLeft, localDate, renderEditor, renderEmpty, renderTodo, type TodoActions } from './render.js';
import { refreshStatus, requestPersistence } from './status.js';
import { TodoStore, type Filter, type TodoFields } from './todos.js';
import { checkImport, download, exportFileName } from './transfer.js';

/** The database's name in the origin private file system. */
export const DATABASE_NAME = 'todos.db';
const SEARCH_DELAY_MS = 120;
const FILTERS: Record<string, Filter> = { '#/': 'all', '#/active': 'active', '#/done': 'done' };

/** The filter the URL hash names (#/, #/active, #/done); anything else is "all". */
export function filterFromHash(hash: string): Filter {
  return FILTERS[hash] ?? 'all';
}

/** An open database and the store over it. */
interface Session {
  db: Database;
  store: TodoStore;
}

export class TodoApp {
  private session: Session | null = null;
  private filter: Filter = filterFromHash(location.hash);
  private search = '';
  private editing: number | null = null;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly actions: TodoActions = {
    toggle: (id, done) => void this.attempt('Could not update the todo', () => this.store().setDone(id, done)),
    startEdit: (id) => {
      this.editing = id;
      void this.refresh(`edit-title-${id}`);
    },
    save: (id, fields) => void this.saveEdit(id, fields),
    cancelEdit: () => {
      const id = this.editing;
      this.editing = null;
      void this.refresh(`title-${id}`);
    },
    remove: (id) => void this.remove(id),
  };

  /** Opens the database and shows the list; failures to open are shown, and the page stays usable for import. */
  async start(): Promise<void> {
    this.wireControls();
    try {
      await this.openSession();
    } catch (error) {
      showError('Could not open the to-do database', error);
      return;
    }
    await this.refresh();
  }

  private store(): TodoStore {
    if (!this.session) throw new Error('The database is not open');
    return this.session.store;
  }

  private async openSession(): Promise<void> {
    const db = await connect(DATABASE_NAME);
    try {
      await migrate(db);
    } catch (error) {
      await db.close();
      throw error;
    }
    this.session = { db, store: new TodoStore(db) };
  }

  /**
   * Runs `change`, then re-renders, focusing the control with key `focus` (default: the one focused
   * before). A failure of either is shown in the alert region.
   */
  private async attempt(context: string, change: () => Promise<unknown>, focus?: string): Promise<void> {
    try {
      await change();
    } catch (error) {
      showError(context, error);
    }
    await this.refresh(focus);
  }

  /** Re-reads the list and the counts, and renders them. */
  private async refresh(focus?: string): Promise<void> {
    if (!this.session) return;
    const focusKey = focus ?? document.activeElement?.getAttribute('data-focus') ?? undefined;
    try {
      const [todos, counts] = await Promise.all([this.store().list(this.filter, this.search), this.store().counts()]);
      const today = localDate();
      const list = byId('todo-list');
      if (this.editing !== null && !todos.some((todo) => todo.id === this.editing)) this.editing = null;
      list.replaceChildren(
        ...(todos.length === 0
          ? [renderEmpty(counts, this.filter, this.search)]
          : todos.map((todo) => (todo.id === this.editing ? renderEditor(todo, this.actions) : renderTodo(todo, this.actions, today)))),
      );
      byId('todo-count').textContent = itemsLeft(counts.active);
      byId<HTMLButtonElement>('clear-completed').hidden = counts.done === 0;
      const toggleAll = byId<HTMLInputElement>('toggle-all');
      toggleAll.checked = counts.total > 0 && counts.active === 0;
      toggleAll.disabled = counts.total === 0;
      for (const link of document.querySelectorAll<HTMLAnchorElement>('#filters a')) {
        const selected = filterFromHash(link.hash) === this.filter;
        link.classList.toggle('selected', selected);
        if (selected) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
      if (focusKey) this.focus(focusKey);
      await refreshStatus(this.session.db);
    } catch (error) {
      showError('Could not read the todos', error);
    }
  }

  private focus(key: string): void {
    const target = document.querySelector<HTMLElement>(`[data-focus="${CSS.escape(key)}"]`);
    if (!target || target === document.activeElement) return;
    target.focus();
    if (target instanceof HTMLInputElement && target.classList.contains('edit-title')) target.select();
  }

  private async add(input: HTMLInputElement, dueInput: HTMLInputElement): Promise<void> {
    const title = input.value.trim();
    if (!title) {
      input.value = '';
      return;
    }
    try {
      await this.store().add({ title, notes: '', due: dueInput.value || null });
      input.value = '';
      dueInput.value = '';
    } catch (error) {
      showError('Could not add the todo', error);
    }
    await this.refresh('new-todo');
  }

  private async saveEdit(id: number, fields: TodoFields): Promise<void> {
    if (!fields.title.trim()) {
      showError('A todo needs a title: type one, or delete the todo instead');
      return;
    }
    try {
      await this.store().update(id, fields);
      this.editing = null;
    } catch (error) {
      showError('Could not save the todo', error);
    }
    await this.refresh(this.editing === null ? `title-${id}` : undefined);
  }

  /** Deletes a todo; the focus moves to the next one's title (or the previous one's, or the new-todo input). */
  private async remove(id: number): Promise<void> {
    const item = document.querySelector(`#todo-list li[data-id="${id}"]`);
    const neighbour = (item?.nextElementSibling ?? item?.previousElementSibling)?.getAttribute('data-id');
    await this.attempt('Could not delete the todo', () => this.store().remove(id), neighbour ? `title-${neighbour}` : 'new-todo');
  }

  private async exportDatabase(): Promise<void> {
    if (!this.session) throw new Error('The database is not open');
    const bytes = await this.session.db.export();
    const name = exportFileName(localDate());
    download(bytes, name);
    showMessage(`Exported the database as ${name}.`);
  }

  /** Replaces the database with `file` once `checkImport` accepts it; the old database stays on any failure before that. */
  private async importFile(file: File): Promise<void> {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const count = await checkImport(file.name, bytes);
    if (this.session) {
      await this.session.db.close();
      this.session = null;
    }
    try {
      await importDatabase(DATABASE_NAME, bytes);
    } finally {
      await this.openSession();
    }
    this.editing = null;
    clearErrors();
    showMessage(`Imported ${count} ${count === 1 ? 'todo' : 'todos'} from “${file.name}”.`);
  }

  private wireControls(): void {
    const newTodo = byId<HTMLInputElement>('new-todo');
    const newDue = byId<HTMLInputElement>('new-due');
    const onEnter = (event: KeyboardEvent) => {
      if (event.key === 'Enter' && !event.isComposing) {
        event.preventDefault();
        void this.add(newTodo, newDue);
      }
    };
    newTodo.addEventListener('keydown', onEnter);
    newDue.addEventListener('keydown', onEnter);

    const search = byId<HTMLInputElement>('search');
    search.addEventListener('input', () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => {
        this.search = search.value;
        void this.refresh();
      }, SEARCH_DELAY_MS);
    });

    byId<HTMLInputElement>('toggle-all').addEventListener('change', (event) => {
      const done = (event.target as HTMLInputElement).checked;
      void this.attempt('Could not update the todos', () => this.store().setAllDone(done));
    });
    byId('clear-completed').addEventListener('click', () => {
      void this.attempt('Could not clear the done todos', () => this.store().clearDone(), 'new-todo');
    });
    // @hearth/client closes connections on pagehide; a page restored from the back/forward cache reopens.
    addEventListener('pageshow', (event) => {
      if (!event.persisted) return;
      const closing = this.session?.db.close();
      this.session = null;
      Promise.resolve(closing)
        .then(() => this.openSession())
        .then(() => this.refresh())
        .catch((error: unknown) => showError('Could not reopen the to-do database', error));
    });
    addEventListener('hashchange', () => {
      this.filter = filterFromHash(location.hash);
      void this.refresh();
    });

    byId('export').addEventListener('click', () => {
      this.exportDatabase().catch((error: unknown) => showError('Could not export the database', error));
    });
    const fileInput = byId<HTMLInputElement>('import-file');
    byId('import').addEventListener('click', () => fileInput.click());
    fileInput.addEventListener('change', () => {
      const file = fileInput.files?.[0];
      fileInput.value = '';
      if (!file) return;
      void this.attempt('Could not import the database', () => this.importFile(file), 'new-todo');
    });
    byId('persist').addEventListener('click', () => {
      void this.attempt('Could not request persistent storage', async () => {
        const granted = await requestPersistence();
        showMessage(granted ? 'The browser now keeps this app’s data persistently.' : 'The browser declined to make storage persistent (it may grant it once the app is installed or used more).');
      });
    });
  }
}
