import { expect, test } from '@playwright/test';

test('the demo page loads and shows its heading', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page).toHaveTitle('Hearth demo');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Hearth demo — coming soon');

  // Kept as an artifact: e2e/test-results/<this test>/demo-home.png.
  await page.screenshot({ path: testInfo.outputPath('demo-home.png'), fullPage: true });
});
