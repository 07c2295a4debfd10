import { test, expect, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { fillReport, openForm, readCode } from './helpers';

// Issue 15: an office exports its queue from a phone. The downloaded CSV is read by Python's
// csv module (as a script of the office would): Chinese headers, the report a resident just
// sent, its formula-like description neutralised, and as many rows as the page counts.

const HEADERS = [
  '查询码', '办事处', '类别', '居委会', '街巷', '网格编码', '网格名称', '状态', '收到时间', '处置期限', '整改时间',
  '结案时间', '是否超期', '超期时长', '派遣至', '问题描述', '公开说明', '内部备注', '照片链接',
  '居民反馈未解决次数',
];

const READ_CSV = `
import csv, json, sys
with open(sys.argv[1], encoding='utf-8-sig', newline='') as f:
    rows = list(csv.reader(f))
print(json.dumps({'header': rows[0], 'rows': rows[1:]}, ensure_ascii=False))
`;

async function login(page: Page, username: string) {
  await page.goto('/staff/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill('jiexiang-demo');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('staff-who')).toBeVisible();
}

test('staff export every report of their office as CSV, read by Python', async ({ page, browser }) => {
  const description = '=HYPERLINK("http://example.com","点我") 巷口垃圾';
  await openForm(page);
  await fillReport(page, { description });
  await page.getByTestId('submit').click();
  const code = await readCode(page);

  const ctx = await browser.newContext({
    viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai', baseURL: test.info().project.use.baseURL, acceptDownloads: true,
  });
  const staff = await ctx.newPage();
  await login(staff, 'taihao');
  await staff.locator('select[name="status"]').selectOption({ label: '全部状态' });
  await staff.getByRole('button', { name: '筛选' }).click();
  await expect(staff).toHaveURL(/status=all/);
  // Every report of the office, by status, as the page counts them.
  const counts = await staff.getByTestId('status-counts').locator('li').allTextContents();
  const total = counts
    .filter((c) => !c.includes('超期'))
    .map((c) => Number(c.trim().split(/\s+/).pop()))
    .reduce((a, b) => a + b, 0);
  expect(total).toBeGreaterThan(0);
  const width = await staff.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);

  const [download] = await Promise.all([
    staff.waitForEvent('download'),
    staff.getByTestId('export-csv').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^报告明细-\d{4}-\d{2}-\d{2}\.csv$/);
  const file = test.info().outputPath('export.csv');
  await download.saveAs(file);
  const parsed = JSON.parse(execFileSync('python3', ['-c', READ_CSV, file], { encoding: 'utf-8' }));
  expect(parsed.header).toEqual(HEADERS);
  expect(parsed.rows.length).toBe(total);
  const mine = parsed.rows.filter((r: string[]) => r[0] === code);
  expect(mine).toHaveLength(1);
  const col = (name: string) => HEADERS.indexOf(name);
  expect(mine[0][col('办事处')]).toBe('太昊路办事处');
  expect(mine[0][col('状态')]).toBe('待受理');
  expect(mine[0][col('问题描述')]).toBe(`'${description}`);
  expect(mine[0][col('照片链接')]).toMatch(/^http:\/\/[^/]+\/photos\/[0-9a-f]{64}\.jpg$/);
  for (const r of parsed.rows) expect(r[1]).toBe('太昊路办事处');
  await ctx.close();
});
