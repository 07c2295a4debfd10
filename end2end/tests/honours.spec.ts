import { test, expect, Page } from '@playwright/test';

// Issue 6 in a phone-sized Chromium: the public 示范户公示 page (masked names, notice dates,
// search, an objection), staff changing a status that then shows publicly, and /stats.

async function login(page: Page, username: string) {
  await page.goto('/staff/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill('jiexiang-demo');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('staff-who')).toBeVisible();
}

async function noSideways(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(page.viewportSize()!.width);
}

test('the public honours page: grouped, masked, searchable, with an objection during the notice', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/honours');
  await expect(page.getByRole('heading', { name: '示范户公示' })).toBeVisible();
  await expect(page.getByTestId('honours-counts')).toBeVisible();
  await expect(page.getByText('太昊路办事处').first()).toBeVisible();
  // Households are masked; the full names never reach the page.
  const notice = page.getByTestId('honour').filter({ hasText: '李**家' });
  await expect(notice).toContainText(/公示中 至 \d+月\d+日/);
  const body = page.locator('body');
  for (const full of ['李秀兰', '王建华', '杨国强', '康桂芝']) await expect(body).not.toContainText(full);
  await noSideways(page);

  // Search by 居委会.
  await page.getByLabel('按居委会或街巷查找').fill('康楼');
  await page.getByRole('button', { name: '查找' }).click();
  await expect(page).toHaveURL(/q=/);
  await expect(page.getByTestId('honour').first()).toBeVisible();
  await expect(page.getByTestId('honour').filter({ hasText: '李**家' })).toHaveCount(0);

  // An objection while the notice runs.
  await page.goto('/honours?q=韩营二巷');
  const card = page.getByTestId('honour').filter({ hasText: '李**家' });
  await card.getByText('提出异议').click();
  await card.getByLabel(/异议内容/).fill('该户门前常年堆放杂物，与公示不符');
  await card.getByRole('button', { name: '提交异议' }).click();
  await expect(page.getByTestId('flash-ok')).toContainText('异议已提交');
});

test('staff see the objection, award the honour, and the public page shows it', async ({ page, browser }) => {
  // The objection from the public page.
  await page.goto('/honours?q=韩营二巷');
  const card = page.getByTestId('honour').filter({ hasText: '李**家' });
  await card.getByText('提出异议').click();
  await card.getByLabel(/异议内容/).fill('门前堆物');
  await card.getByRole('button', { name: '提交异议' }).click();
  await expect(page.getByTestId('flash-ok')).toBeVisible();

  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, locale: 'zh-CN', baseURL: test.info().project.use.baseURL });
  const staff = await ctx.newPage();
  await login(staff, 'taihao');
  await staff.goto('/staff/honours');
  await expect(staff.getByTestId('objections')).toContainText('门前堆物');
  const item = staff.getByTestId('staff-honour').filter({ hasText: '李秀兰' });
  await expect(item).toContainText('公示');
  await item.locator('summary').first().click();
  await item.locator('select[name="action"]').selectOption({ label: '挂牌' });
  await item.getByRole('button', { name: '确定' }).click();
  await expect(staff.getByTestId('flash-ok')).toBeVisible();
  await expect(staff.getByTestId('staff-honour').filter({ hasText: '李秀兰' })).toContainText('已挂牌');

  // Another office's staff do not see it.
  const other = await ctx.browser()!.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', baseURL: test.info().project.use.baseURL });
  const b = await other.newPage();
  await login(b, 'huaihe');
  await b.goto('/staff/honours');
  await expect(b.locator('body')).not.toContainText('李秀兰');

  // Public: a fresh URL (the page may be cached for a minute).
  await page.goto('/honours?q=韩营二巷&after=award');
  const awarded = page.getByTestId('honour').filter({ hasText: '李**家' });
  await expect(awarded).toContainText('挂牌');
  await expect(awarded).not.toContainText('公示中');
  await expect(page.locator('body')).not.toContainText('李秀兰');
  await ctx.close();
  await other.close();
});

test('public statistics: ranking table and SVG charts at 360 px', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const res = await page.goto('/stats');
  expect(res!.status()).toBe(200);
  expect(res!.headers()['cache-control']).toContain('public');
  await expect(page.getByTestId('ranking')).toBeVisible();
  await expect(page.getByTestId('rank-row')).toHaveCount(3);
  await expect(page.getByTestId('chart-counts').locator('svg')).toBeVisible();
  await expect(page.getByTestId('chart-on-time').locator('svg')).toBeVisible();
  await noSideways(page);
});
