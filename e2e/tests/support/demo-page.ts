// Helpers for the demo's tests: open the to-do app, and find its controls the way a user (or a screen
// reader) does — by role and accessible name.
import { expect, type Locator, type Page } from '@playwright/test';

/** Where `vite preview` serves the demo build (playwright.config.ts's baseURL). */
export const DEMO_URL = 'http://127.0.0.1:4173';

/** Loads the demo (at `hash`) and waits until it has read the database and shows the count. */
export async function openDemo(page: Page, hash = ''): Promise<void> {
  await page.goto(`${DEMO_URL}/${hash}`);
  await waitReady(page);
}

/** Waits until the list is rendered from the database. */
export async function waitReady(page: Page): Promise<void> {
  await expect(page.locator('#todo-count')).toHaveText(/\d+ items? left/);
}

export function newTodoInput(page: Page): Locator {
  return page.getByRole('textbox', { name: 'New todo', exact: true });
}

/** Types `title` into the new-todo input and presses Enter, as in TodoMVC. */
export async function addTodo(page: Page, title: string): Promise<void> {
  const input = newTodoInput(page);
  await input.fill(title);
  await input.press('Enter');
  await expect(input).toHaveValue('');
  await expect(item(page, title)).toBeVisible();
}

/** The list item whose title is exactly `title`. */
export function item(page: Page, title: string): Locator {
  return page.locator('#todo-list li.todo').filter({ has: page.locator('.title', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }) });
}

/** The titles the list shows, in order. */
export function titles(page: Page): Locator {
  return page.locator('#todo-list .title');
}

/** The alert region (role="alert"), where the app shows errors. */
export function alerts(page: Page): Locator {
  return page.locator('#alerts[role="alert"]');
}

/** Waits until the service worker controls the page's scope and has precached the app (Workbox installs before it activates). */
export async function waitOfflineReady(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect(page.locator('#status-offline')).toHaveText('yes');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
