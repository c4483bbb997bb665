// Helpers for the runtime tests: open the test app on one of its two origins and wait until
// `window.hearth` (runtime-app/main.ts) is there.
import type { Page } from '@playwright/test';
import type { Hearth } from '../../runtime-app/main.js';
import { RUNTIME_ISOLATED_URL, RUNTIME_PLAIN_URL } from '../../runtime-env.js';

declare global {
  interface Window {
    hearth: Hearth;
  }
}

/** The two ways the app is served: cross-origin isolated, and not. */
export const ORIGINS = [
  { isolated: true, url: RUNTIME_ISOLATED_URL },
  { isolated: false, url: RUNTIME_PLAIN_URL },
] as const;

/** Loads the test app from `url` and waits for it to be ready. */
export async function openApp(page: Page, url: string = RUNTIME_PLAIN_URL): Promise<void> {
  await page.goto(`${url}/`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
}
