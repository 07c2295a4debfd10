import { test, expect, Page } from '@playwright/test';
import { fillReport, fixture, jpegFile, naturalWidth, noisyJpeg, openForm, readCode } from './helpers';

// Issue 5: a resident reports; 太昊路办事处's staff log in on a phone, accept, dispatch,
// record the rectification with an after-photo and close; the resident's /track then shows
// the before and after photos and the timeline, and the resident can say it is not fixed,
// which puts it back in the office's queue. Staff pages are plain server HTML with forms.

const PASSWORD = 'jiexiang-demo';

async function login(page: Page, username: string) {
  await page.goto('/staff');
  await expect(page).toHaveURL(/\/staff\/login$/);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/staff\?ok=1$/);
  await expect(page.getByTestId('staff-who')).toBeVisible();
}

/** Runs one action form of the detail page and waits for the new status. */
async function act(page: Page, action: string, status: string, fill?: (form: ReturnType<Page['locator']>) => Promise<void>) {
  const form = page.locator(`form[data-action="${action}"]`);
  await expect(form).toBeVisible();
  if (fill) await fill(form);
  await form.getByRole('button').last().click();
  await expect(page.getByTestId('flash-ok')).toBeVisible();
  await expect(page.getByTestId('staff-report').getByTestId('status').first()).toHaveText(status);
}

test('staff accept, dispatch, rectify with an after-photo and close; /track shows before and after', async ({ page, browser }) => {
  // The resident's report.
  await openForm(page);
  await fillReport(page, { description: '韩营一巷口垃圾堆积' });
  await page.getByLabel(/联系电话/).fill('139 0000 1111');
  await page.getByTestId('submit').click();
  const code = await readCode(page);

  // Staff, on their own phone (a fresh context: no resident data).
  const staffContext = await browser.newContext({
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai', baseURL: test.info().project.use.baseURL,
  });
  const staff = await staffContext.newPage();
  await login(staff, 'taihao');
  const row = staff.getByTestId('queue-row').filter({ hasText: code });
  await expect(row).toBeVisible();
  await expect(row).toContainText('待受理');
  await row.getByRole('link').click();
  await expect(staff.getByTestId('tracking-code')).toHaveText(code);
  await expect(staff.getByTestId('contact-phone')).toHaveText('13900001111');

  await act(staff, 'accept', '已立案');
  await act(staff, 'dispatch', '已派遣', async (form) => {
    await expect(form.getByLabel(/派遣至/)).toHaveValue('韩营居委会');
    await form.getByLabel(/处置时限/).fill('4');
  });
  await expect(staff.getByTestId('deadline')).toContainText('剩余 3小时');
  await act(staff, 'rectify', '已整改', async (form) => {
    await form.locator('input[type=file]').setInputFiles(fixture('rotated-exif6.jpg'));
    await form.getByLabel('备注', { exact: true }).fill('已清运完毕');
  });
  await expect(staff.getByTestId('photos-after').getByTestId('report-photo')).toHaveCount(1);
  await act(staff, 'close', '已结案', async (form) => {
    await form.getByLabel('备注', { exact: true }).fill('已核查，现场整洁');
  });
  await expect(staff.locator('form[data-action="reopen"]')).toBeVisible();
  const timeline = staff.getByTestId('staff-timeline');
  await expect(timeline.locator('li')).toHaveCount(5);

  // The resident's /track: before and after photos, the timeline, the public note.
  await page.goto(`/track?code=${code}`);
  const report = page.getByTestId('public-report');
  await expect(report.getByTestId('status').first()).toHaveText('已结案');
  await expect(report).toContainText('整改后照片');
  const photos = report.getByTestId('report-photo');
  await expect(photos).toHaveCount(2);
  await expect.poll(() => naturalWidth(photos.last())).toBeGreaterThan(0);
  const steps = page.getByTestId('timeline').locator('li');
  await expect(steps).toHaveCount(5);
  await expect(page.getByTestId('timeline')).toContainText('已核查，现场整洁');
  await expect(page.locator('body')).not.toContainText('13900001111');

  // 回访 不满意 (still not fixed): back in the office's queue as 已立案, marked as returned by
  // a resident.
  const feedback = page.getByTestId('feedback-form');
  await feedback.getByLabel(/补充说明/).fill('第二天又堆上了');
  await expect(feedback.getByRole('button', { name: '满意', exact: true })).toBeVisible();
  await expect(feedback.getByRole('button', { name: '基本满意' })).toBeVisible();
  await feedback.getByRole('button', { name: '不满意' }).click();
  await expect(page.getByTestId('flash-ok')).toBeVisible();
  await expect(page.getByTestId('feedback-form')).toHaveCount(0);
  await expect(page.getByTestId('public-report').getByTestId('status').first()).toHaveText('已立案');

  await staff.goto('/staff');
  const again = staff.getByTestId('queue-row').filter({ hasText: code });
  await expect(again).toContainText('已立案');
  await expect(again).toContainText('被居民退回 1');
  await staffContext.close();
});

test('another office cannot open the report; a stale form gets a clear conflict', async ({ page, browser }) => {
  await openForm(page);
  await fillReport(page);
  await page.getByTestId('submit').click();
  const code = await readCode(page);

  const ctx = () => browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, locale: 'zh-CN', baseURL: test.info().project.use.baseURL });
  const a1 = await (await ctx()).newPage();
  const a2 = await (await ctx()).newPage();
  const b = await (await ctx()).newPage();
  await login(a1, 'taihao');
  await login(a2, 'admin');
  await login(b, 'huaihe');
  await a1.getByTestId('queue-row').filter({ hasText: code }).getByRole('link').click();
  const url = a1.url();
  await a2.goto(url);
  // Both have the form open; the first accepts, the second's 不予受理 is refused.
  await act(a1, 'accept', '已立案');
  const reject = a2.locator('form[data-action="reject"]');
  await reject.getByLabel(/原因/).fill('不在辖区');
  await reject.getByRole('button').last().click();
  await expect(a2.getByTestId('flash-error')).toContainText('其他工作人员');
  await expect(a2.getByTestId('staff-report').getByTestId('status').first()).toHaveText('已立案');

  // 淮河路's staff: not in their queue, and the page refuses.
  await expect(b.getByTestId('queue-row').filter({ hasText: code })).toHaveCount(0);
  const res = await b.goto(url);
  expect(res!.status()).toBe(403);
  await expect(b.getByTestId('detail-error')).toBeVisible();
  await expect(b.locator('body')).not.toContainText(code);
});

test('the staff queue is readable at 360 px and its filters work', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await login(page, 'taihao');
  await expect(page.getByTestId('queue-filters')).toBeVisible();
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(scrollWidth).toBeLessThanOrEqual(360);
  await page.getByLabel('只看超期').check();
  await page.getByRole('button', { name: '筛选' }).click();
  await expect(page).toHaveURL(/overdue=1/);
  await expect(page.getByTestId('queue-empty')).toBeVisible();
  await expect(page.getByTestId('overdue-count')).toHaveText('0');
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/staff\/login/);
  await page.goto('/staff');
  await expect(page).toHaveURL(/\/staff\/login$/);
});

test('a 12 MP camera photo as the after-photo is made small on the phone and accepted', async ({ page, browser }) => {
  // Issue 16: the office closes a case from the alley with its own phone's camera file.
  await openForm(page);
  await fillReport(page, { description: '巷口堆放建筑垃圾' });
  await page.getByTestId('submit').click();
  const code = await readCode(page);

  const staffContext = await browser.newContext({
    viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai', baseURL: test.info().project.use.baseURL,
  });
  const staff = await staffContext.newPage();
  // A 4000×3000 photo with sensor-like noise, as a phone's camera writes it: over 5 MB, which
  // the server refuses as it is (413).
  await staff.goto('about:blank');
  const camera = await noisyJpeg(staff, 16, 64, 4000, 3000);
  expect(camera.length).toBeGreaterThan(5 * 1024 * 1024);
  await login(staff, 'taihao');
  await staff.getByTestId('queue-row').filter({ hasText: code }).getByRole('link').click();
  await act(staff, 'accept', '已立案');
  await act(staff, 'dispatch', '已派遣');
  const sent = staff.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/staff/rectify'));
  await act(staff, 'rectify', '已整改', async (form) => {
    await form.locator('input[type=file]').setInputFiles(jpegFile('IMG_20261205_093000.jpg', camera));
    await form.getByLabel('备注', { exact: true }).fill('已清运');
  });
  // The form went with the phone's small copy (the body's size; Playwright does not keep a
  // navigation's multipart body).
  const sentBytes = Number(await (await sent).headerValue('content-length'));
  console.log(`camera file ${camera.length} bytes, form sent ${sentBytes} bytes`);
  expect(sentBytes).toBeGreaterThan(10_000);
  expect(sentBytes).toBeLessThan(camera.length / 4);
  const after = staff.getByTestId('photos-after').getByTestId('report-photo');
  await expect(after).toHaveCount(1);
  // The stored photo is the phone's 1600 px version (4000×3000 → 1600×1200).
  const full = await after.locator('xpath=..').getAttribute('href');
  const size = await staff.evaluate(async (src) => {
    const img = new Image();
    img.src = src!;
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  }, full);
  expect(size).toEqual([1600, 1200]);
  await staffContext.close();
});
