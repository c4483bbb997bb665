// Shared by playwright.config.ts and the runtime tests: where the runtime test app is served (serve.mjs)
// and how Chromium is launched (Debian's /usr/bin/chromium when present; never a downloaded browser).
import { existsSync } from 'node:fs';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** The runtime test app with cross-origin isolation headers (COOP + COEP). */
export const RUNTIME_ISOLATED_URL = 'http://127.0.0.1:4174';
/** The same app without them. */
export const RUNTIME_PLAIN_URL = 'http://127.0.0.1:4175';

/** Chromium's launch options, also used by tests that launch a browser of their own. */
export const LAUNCH_OPTIONS = {
  ...(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {}),
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-gpu'],
};
