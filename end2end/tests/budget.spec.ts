import { test, expect, Page } from '@playwright/test';

// The resident's first visit on a weak signal: everything the page pulls over the wire
// (HTML, JS, wasm, CSS, data calls, icons), measured by Chromium itself (CDP encodedDataLength).
const BUDGET_BYTES = 200_000;

async function firstLoadBytes(page: Page, path: string): Promise<{ total: number; lines: string[] }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const urls = new Map<string, string>();
  const sizes = new Map<string, number>();
  cdp.on('Network.requestWillBeSent', (e: any) => urls.set(e.requestId, e.request.url));
  cdp.on('Network.loadingFinished', (e: any) => sizes.set(e.requestId, e.encodedDataLength));
  await page.goto(path);
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await page.waitForLoadState('networkidle');
  let total = 0;
  const lines: string[] = [];
  for (const [id, size] of sizes) {
    total += size;
    lines.push(`${String(size).padStart(8)}  ${urls.get(id)}`);
  }
  return { total, lines };
}

for (const path of ['/', '/report']) {
  test(`first load of ${path} stays within ${BUDGET_BYTES} bytes over the wire`, async ({ page }) => {
    const { total, lines } = await firstLoadBytes(page, path);
    console.log(`first load of ${path}: ${total} bytes\n${lines.join('\n')}`);
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  });
}
