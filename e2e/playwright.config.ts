// Browser tests: Chromium only, headless, against the demo's production build served by `vite preview`.
//
// Playwright never downloads a browser here (install with PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1, and never
// run `playwright install`): it uses Debian's Chromium at /usr/bin/chromium (`apt-get install chromium`)
// when that exists, and otherwise whatever browser Playwright itself finds already installed.
import { defineConfig, devices } from '@playwright/test';

import { LAUNCH_OPTIONS, RUNTIME_PLAIN_URL } from './runtime-env.js';

const PORT = 4173;
const BASE_URL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  timeout: 60_000,
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        headless: true,
        launchOptions: LAUNCH_OPTIONS,
      },
    },
  ],
  webServer: [
    {
      // Build the demo, then serve the build on loopback (vite preview, port fixed with --strictPort).
      command: 'pnpm --filter demo-todo run build && pnpm --filter demo-todo run preview',
      url: BASE_URL,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      // The runtime tests' app (runtime-app/), built with Vite and served by serve.mjs on two ports:
      // RUNTIME_ISOLATED_URL with COOP/COEP headers, RUNTIME_PLAIN_URL without.
      command: 'pnpm run build:runtime-app && pnpm run serve:runtime-app',
      url: `${RUNTIME_PLAIN_URL}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
});
