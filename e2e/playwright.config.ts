// Browser tests: Chromium only, headless, against the demo's production build served by `vite preview`.
//
// Playwright never downloads a browser here (install with PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1, and never
// run `playwright install`): it uses Debian's Chromium at /usr/bin/chromium (`apt-get install chromium`)
// when that exists, and otherwise whatever browser Playwright itself finds already installed.
import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
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
        launchOptions: {
          ...(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {}),
          args: [
            '--no-sandbox',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--disable-gpu',
          ],
        },
      },
    },
  ],
  webServer: {
    // Build the demo, then serve the build on loopback (vite preview, port fixed with --strictPort).
    command: 'pnpm --filter demo-todo run build && pnpm --filter demo-todo run preview',
    url: BASE_URL,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
