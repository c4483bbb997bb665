// The demo to-do app (packages/demo-todo) end to end, in Chromium, driven as a user drives it: keyboard
// and clicks on labelled controls. Its production build is served by `vite preview` without COOP/COEP
// headers. Each test gets a fresh browser context (a fresh OPFS), except the restart test, which reuses
// a profile directory across two browser launches.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test, type Page } from '@playwright/test';
import Sqlite from 'better-sqlite3';
import { LAUNCH_OPTIONS } from '../runtime-env.js';
import { DEMO_URL, addTodo, alerts, item, newTodoInput, openDemo, titles, waitOfflineReady, waitReady } from './support/demo-page.js';

const scratch = mkdtempSync(join(tmpdir(), 'hearth-demo-e2e-'));
test.afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Imports `path` through the footer's button and the file picker. */
async function importFile(page: Page, path: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import database…' }).click();
  await (await chooser).setFiles(path);
}

/** Marks everything done and clears it: the list is empty afterwards. */
async function clearAll(page: Page): Promise<void> {
  await page.getByLabel('Mark all as done').check();
  await page.getByRole('button', { name: 'Clear completed' }).click();
  await expect(titles(page)).toHaveCount(0);
  await expect(page.locator('#todo-count')).toHaveText('0 items left');
}

test('add, edit, complete, delete, filter and search through the UI; a reload keeps everything', async ({ page }, testInfo) => {
  await openDemo(page);
  await expect(page).toHaveTitle('Hearth todos');
  await expect(newTodoInput(page)).toBeFocused();
  await expect(page.locator('#status-isolated')).toHaveText('no');

  // Add, TodoMVC style; a blank title adds nothing.
  for (const title of ['Buy milk', 'Write the pager', 'Ship the demo', 'Water the plants']) await addTodo(page, title);
  await newTodoInput(page).fill('   ');
  await newTodoInput(page).press('Enter');
  await expect(titles(page)).toHaveText(['Buy milk', 'Write the pager', 'Ship the demo', 'Water the plants']);
  await expect(page.locator('#todo-count')).toHaveText('4 items left');

  // Edit in place with a double-click: title, notes, a due date in the past (overdue); Enter saves.
  await item(page, 'Buy milk').locator('.title').dblclick();
  const editTitle = page.getByRole('textbox', { name: 'Title' });
  await expect(editTitle).toBeFocused();
  await editTitle.fill('Buy oat milk');
  await page.getByRole('textbox', { name: 'Notes' }).fill('Two cartons, the barista kind');
  await page.getByLabel('Due date', { exact: true }).fill('2001-02-03');
  await editTitle.press('Enter');
  const oatMilk = item(page, 'Buy oat milk');
  await expect(oatMilk).toContainText('Two cartons, the barista kind');
  await expect(oatMilk).toContainText('Due 2001-02-03 overdue');
  await expect(oatMilk).toHaveClass(/overdue/);
  await expect(oatMilk.locator('.title')).toBeFocused();

  // Edit with the keyboard: Enter on the focused title opens the editor, Escape cancels it.
  await item(page, 'Ship the demo').locator('.title').focus();
  await page.keyboard.press('Enter');
  await expect(editTitle).toBeFocused();
  await page.keyboard.type('Sink the demo');
  await page.keyboard.press('Escape');
  await expect(titles(page)).toHaveText(['Buy oat milk', 'Write the pager', 'Ship the demo', 'Water the plants']);
  await expect(item(page, 'Ship the demo').locator('.title')).toBeFocused();

  // Edit through the Edit button, keyboard only; a due date in the far future is not overdue.
  await page.getByRole('button', { name: 'Edit: Water the plants' }).focus();
  await page.keyboard.press('Enter');
  await expect(editTitle).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.type('The ferns need it most');
  await page.getByLabel('Due date', { exact: true }).fill('2999-12-31');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(item(page, 'Water the plants')).toContainText('The ferns need it most');
  await expect(item(page, 'Water the plants')).not.toHaveClass(/overdue/);

  // Complete one, with the keyboard (Space on its checkbox).
  await page.getByRole('checkbox', { name: 'Done: Write the pager' }).focus();
  await page.keyboard.press('Space');
  await expect(item(page, 'Write the pager')).toHaveClass(/done/);
  await expect(page.locator('#todo-count')).toHaveText('3 items left');
  await expect(page.getByRole('checkbox', { name: 'Done: Write the pager' })).toBeFocused();

  // The main view, kept as an artifact: e2e/test-results/<this test>/demo-main.png.
  const screenshot = testInfo.outputPath('demo-main.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  await testInfo.attach('main view', { path: screenshot, contentType: 'image/png' });

  // Filters, reflected in the URL hash.
  await page.getByRole('link', { name: 'Active' }).click();
  await expect(page).toHaveURL(/#\/active$/);
  await expect(titles(page)).toHaveText(['Buy oat milk', 'Ship the demo', 'Water the plants']);
  await expect(page.getByRole('link', { name: 'Active' })).toHaveAttribute('aria-current', 'page');
  await page.getByRole('link', { name: 'Done' }).click();
  await expect(page).toHaveURL(/#\/done$/);
  await expect(titles(page)).toHaveText(['Write the pager']);
  await page.getByRole('link', { name: 'All' }).click();
  await expect(titles(page)).toHaveText(['Buy oat milk', 'Write the pager', 'Ship the demo', 'Water the plants']);

  // Search over titles and notes, ignoring case; `%` is not a wildcard.
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('BARISTA');
  await expect(titles(page)).toHaveText(['Buy oat milk']);
  await search.fill('PAGER');
  await expect(titles(page)).toHaveText(['Write the pager']);
  await search.fill('the');
  await expect(titles(page)).toHaveText(['Buy oat milk', 'Write the pager', 'Ship the demo', 'Water the plants']);
  await page.getByRole('link', { name: 'Active' }).click();
  await expect(titles(page)).toHaveText(['Buy oat milk', 'Ship the demo', 'Water the plants']);
  await page.getByRole('link', { name: 'All' }).click();
  await search.fill('%');
  await expect(page.locator('#todo-list')).toHaveText('No todos match “%”.');
  await search.fill('');
  await expect(titles(page)).toHaveCount(4);

  // Delete with its button; the focus moves on to the next todo.
  await page.getByRole('button', { name: 'Delete: Ship the demo' }).click();
  await expect(titles(page)).toHaveText(['Buy oat milk', 'Write the pager', 'Water the plants']);
  await expect(item(page, 'Water the plants').locator('.title')).toBeFocused();

  // Clear completed.
  await page.getByRole('button', { name: 'Clear completed' }).click();
  await expect(titles(page)).toHaveText(['Buy oat milk', 'Water the plants']);
  await expect(page.getByRole('button', { name: 'Clear completed' })).toBeHidden();

  // A reload: everything is still there, the filter too.
  await page.getByRole('link', { name: 'Active' }).click();
  await page.reload();
  await waitReady(page);
  await expect(page).toHaveURL(/#\/active$/);
  await expect(titles(page)).toHaveText(['Buy oat milk', 'Water the plants']);
  await expect(item(page, 'Buy oat milk')).toContainText('Two cartons, the barista kind');
  await expect(page.locator('#todo-count')).toHaveText('2 items left');
  await expect(alerts(page)).toBeEmpty();
});

test('a new browser on the same profile still has the todos', async () => {
  const profile = join(scratch, 'profile');
  for (const round of [1, 2]) {
    const context = await chromium.launchPersistentContext(profile, { ...LAUNCH_OPTIONS, headless: true });
    const page = context.pages()[0] ?? (await context.newPage());
    await openDemo(page);
    if (round === 1) {
      await addTodo(page, 'Survive a restart');
      await page.getByRole('checkbox', { name: 'Done: Survive a restart' }).check();
      await expect(page.locator('#todo-count')).toHaveText('0 items left');
    } else {
      await expect(titles(page)).toHaveText(['Survive a restart']);
      await expect(item(page, 'Survive a restart')).toHaveClass(/done/);
    }
    await context.close();
  }
});

test('offline after the first visit: the app loads, the data is there, offline changes persist', async ({ page, context }) => {
  await openDemo(page);
  await waitOfflineReady(page);
  await addTodo(page, 'Made online');

  await context.setOffline(true);
  await page.reload();
  await waitReady(page);
  expect(await page.evaluate(() => fetch(`/not-cached-${Date.now()}`).then(() => 'reached', () => 'failed'))).toBe('failed');
  await expect(titles(page)).toHaveText(['Made online']);
  await addTodo(page, 'Made offline');
  await page.getByRole('checkbox', { name: 'Done: Made online' }).check();

  await page.reload();
  await waitReady(page);
  await expect(titles(page)).toHaveText(['Made online', 'Made offline']);
  await expect(item(page, 'Made online')).toHaveClass(/done/);
  await expect(alerts(page)).toBeEmpty();
  await context.setOffline(false);
});

test('export, clear, import: the same todos come back, and the export opens in real SQLite', async ({ page }) => {
  await openDemo(page);
  await addTodo(page, 'Pack the tent');
  await addTodo(page, 'Book the train');
  await addTodo(page, 'Water the plants');
  await item(page, 'Book the train').locator('.title').dblclick();
  await page.getByRole('textbox', { name: 'Notes' }).fill('Window seat');
  await page.getByLabel('Due date', { exact: true }).fill('2030-06-01');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('checkbox', { name: 'Done: Pack the tent' }).check();
  await expect(page.locator('#todo-count')).toHaveText('2 items left');
  await expect(page.locator('#status-size')).toHaveText(/\d+(\.\d)? KiB/);
  await expect(page.locator('#status-persisted')).toHaveText(/^(yes|no)$/);
  if ((await page.locator('#status-persisted').textContent()) === 'no') {
    await page.getByRole('button', { name: 'Request persistence' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'persistent' })).toBeVisible();
  }

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export database' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^todos-\d{4}-\d\d-\d\d\.sqlite$/);
  const exported = join(scratch, 'export.sqlite');
  await download.saveAs(exported);

  const sqlite = new Sqlite(exported, { readonly: true });
  expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(sqlite.pragma('user_version', { simple: true })).toBe(2);
  expect(sqlite.prepare('SELECT title, done, notes, due FROM todos ORDER BY id').all()).toEqual([
    { title: 'Pack the tent', done: 1, notes: '', due: null },
    { title: 'Book the train', done: 0, notes: 'Window seat', due: '2030-06-01' },
    { title: 'Water the plants', done: 0, notes: '', due: null },
  ]);
  sqlite.close();

  await clearAll(page);
  await importFile(page, exported);
  await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toHaveText(/Imported 3 todos from “export.sqlite”/);
  await expect(titles(page)).toHaveText(['Pack the tent', 'Book the train', 'Water the plants']);
  await expect(item(page, 'Pack the tent')).toHaveClass(/done/);
  await expect(item(page, 'Book the train')).toContainText('Window seat');
  await page.reload();
  await waitReady(page);
  await expect(titles(page)).toHaveText(['Pack the tent', 'Book the train', 'Water the plants']);
});

test('import shows an error for a non-SQLite file and migrates a version-1 database made by SQLite', async ({ page }) => {
  await openDemo(page);
  await addTodo(page, 'Keep me');

  const notSqlite = join(scratch, 'notes.sqlite');
  writeFileSync(notSqlite, 'These are my notes, not a database.\n'.repeat(10));
  await importFile(page, notSqlite);
  await expect(alerts(page)).toContainText('“notes.sqlite” is not a SQLite database file');
  await expect(titles(page)).toHaveText(['Keep me']);
  await alerts(page).getByRole('button', { name: 'Dismiss this error' }).click();
  await expect(alerts(page)).toBeEmpty();

  const otherDatabase = join(scratch, 'other.sqlite');
  const other = new Sqlite(otherDatabase);
  other.exec('CREATE TABLE recipes(name TEXT)');
  other.close();
  await importFile(page, otherDatabase);
  await expect(alerts(page)).toContainText('is a SQLite database, but not one of this to-do app');
  await expect(titles(page)).toHaveText(['Keep me']);
  await alerts(page).getByRole('button', { name: 'Dismiss this error' }).click();

  // A database of the app's first schema (no notes, no due dates), as real SQLite writes it.
  const version1 = join(scratch, 'version1.sqlite');
  const v1 = new Sqlite(version1);
  v1.exec(`
    CREATE TABLE todos(id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
    CREATE INDEX todos_done ON todos(done);
    INSERT INTO todos(title, done, created_at) VALUES ('From the old app', 0, 1), ('Already done', 1, 2);
    PRAGMA user_version = 1;`);
  v1.close();
  await importFile(page, version1);
  await expect(titles(page)).toHaveText(['From the old app', 'Already done']);
  await expect(item(page, 'Already done')).toHaveClass(/done/);
  await expect(page.locator('#todo-count')).toHaveText('1 item left');
  await expect(alerts(page)).toBeEmpty();

  // Notes and due dates work on the migrated database.
  await item(page, 'From the old app').locator('.title').dblclick();
  await page.getByRole('textbox', { name: 'Notes' }).fill('Migrated from version 1');
  await page.getByRole('textbox', { name: 'Title' }).press('Enter');
  await expect(item(page, 'From the old app')).toContainText('Migrated from version 1');
  await expect(page).toHaveURL(`${DEMO_URL}/`);
});

test('a second tab cannot open the database, and says so in the page', async ({ page, context }) => {
  await openDemo(page);
  await addTodo(page, 'Only in the first tab');
  const second = await context.newPage();
  await second.goto(`${DEMO_URL}/`);
  await expect(alerts(second)).toContainText('Could not open the to-do database');
  await expect(alerts(second)).toContainText('SQLITE_BUSY');
  await expect(titles(page)).toHaveText(['Only in the first tab']);
  await second.close();
});
