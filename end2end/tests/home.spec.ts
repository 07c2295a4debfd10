import { test, expect } from '@playwright/test';

test('home page is server-rendered in Chinese and hydrates at phone size', async ({ page }) => {
  // Server-rendered content is there before any script runs.
  const response = await page.request.get('/');
  const html = await response.text();
  expect(html).toContain('我要上报');
  expect(html).toContain('工作人员登录');

  await page.goto('/');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');

  for (const name of ['我要上报', '我的上报', '进度查询', '示范户公示', '工作人员登录']) {
    await expect(page.getByRole('link', { name: new RegExp(name) })).toBeVisible();
  }
  await expect(page.getByTestId('summary')).toContainText('已收到上报');

  // Interactivity only the hydrated page has: the code box counts as you type.
  const box = page.getByPlaceholder('8位查询码');
  await box.pressSequentially('ab2');
  await expect(page.getByTestId('code-hint')).toHaveText('还差 5 位');
  await box.pressSequentially('3456c');
  await expect(page.getByTestId('code-hint')).toHaveText('格式正确，点击查询');
  await box.fill('abc0efgh');
  await expect(page.getByTestId('code-hint')).toHaveText('查询码含有无效字符');

  // Nothing is wider than the phone: no sideways scrolling at 360 px either.
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // The main action is a big touch target.
  const box2 = await page.getByRole('link', { name: /我要上报/ }).boundingBox();
  expect(box2!.height).toBeGreaterThanOrEqual(48);
});

test('unknown page shows a Chinese 404', async ({ page }) => {
  const res = await page.goto('/no/such/page');
  expect(res!.status()).toBe(404);
  await expect(page.getByRole('heading', { name: '页面不存在' })).toBeVisible();
});
