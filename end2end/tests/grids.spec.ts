import { test, expect, Page } from '@playwright/test';

// Issue 30: the admin keeps the district's 单元网格 from a phone: downloads the grids as
// GeoJSON, adds one, uploads the file again, reads the preview (one added, none retired) and
// confirms; the new grid is then served with the others.

async function login(page: Page, username: string) {
  await page.goto('/staff/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill('jiexiang-demo');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('staff-who')).toBeVisible();
}

test('the admin adds a grid by uploading the district file again, previews and confirms', async ({ page }) => {
  await login(page, 'admin');
  await page.goto('/admin#grids');
  await expect(page.getByTestId('grid-counts')).toBeVisible();
  const before = await (await page.request.get('/api/grids.geojson')).json();
  expect(before.features.length).toBeGreaterThan(0);
  const code = `4116020099${String(Date.now() % 100000).padStart(5, '0')}`;
  before.features.push({
    type: 'Feature',
    properties: { code, name: '测试新网格', office: '淮河路办事处', community: null },
    geometry: {
      type: 'Polygon',
      coordinates: [[[114.7, 33.7], [114.705, 33.7], [114.705, 33.705], [114.7, 33.705], [114.7, 33.7]]],
    },
  });
  await page.locator('#grids input[type=file]').setInputFiles({
    name: 'grids.geojson',
    mimeType: 'application/geo+json',
    buffer: Buffer.from(JSON.stringify(before)),
  });
  await page.getByRole('button', { name: '上传并预览' }).click();
  await expect(page).toHaveURL(/\/admin\/grids\/import\/\d+/);
  await expect(page.getByTestId('grid-added').locator('summary')).toContainText('新增 1');
  await expect(page.getByTestId('grid-retired').locator('summary')).toContainText('0');
  await expect(page.getByTestId('grid-added')).toContainText(code);
  await page.getByTestId('grid-confirm').click();
  await expect(page.getByTestId('grids-imported')).toBeVisible();
  const after = await (await page.request.get('/api/grids.geojson')).json();
  expect(after.features.length).toBe(before.features.length);
  expect(after.features.map((f: { properties: { code: string } }) => f.properties.code)).toContain(code);
});
