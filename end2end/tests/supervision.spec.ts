import { test, expect, Browser, Page } from '@playwright/test';
import { expectFormReady, expectItemState, fixture, itemCode, queueReport, waitForServiceWorker } from './helpers';

// Issue 16: the 督导组 records a finding in an alley with no signal, using the resident's form
// and device queue; it syncs when the signal returns and reaches 太昊路办事处 as a 整改通知;
// the office rectifies it with a photo from its phone; the supervisor sends it back once
// (返工), the office rectifies again, and the supervisor passes it.

const PASSWORD = 'jiexiang-demo';

async function phone(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai', baseURL: test.info().project.use.baseURL,
  });
  return context.newPage();
}

async function login(page: Page, username: string, home: RegExp) {
  await page.goto('/staff/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(home);
  await expect(page.getByTestId('staff-who')).toBeVisible();
}

/** Runs one step form of the finding page and waits for the new status. */
async function step(page: Page, action: string, status: string, fill?: (form: ReturnType<Page['locator']>) => Promise<void>) {
  const form = page.locator(`form[data-action="${action}"]`);
  await expect(form).toBeVisible();
  if (fill) await fill(form);
  await form.getByRole('button').last().click();
  await expect(page.getByTestId('flash-ok')).toBeVisible();
  await expect(page.getByTestId('finding').getByTestId('finding-status')).toHaveText(status);
}

test('a supervisor records a finding offline; the office rectifies; sent back once, then passed; the bulletin shows the 返工', async ({ browser }) => {
  const dudao = await phone(browser);
  await login(dudao, 'dudao', /\/dudao\?ok=1$/);
  // The supervisor sees no triage: no queue link in the navigation.
  await expect(dudao.locator('nav.staff-nav a[href="/staff"]')).toHaveCount(0);

  // Start an unannounced round covering 韩营.
  const start = dudao.getByTestId('start-round');
  await start.getByLabel('检查方式').selectOption({ label: '暗访' });
  await start.getByLabel('检查点位数').fill('8');
  await start.getByLabel('韩营', { exact: true }).check();
  await start.getByRole('button', { name: '开始检查' }).click();
  await expect(dudao).toHaveURL(/\/dudao\/round\/\d+\?ok=1$/);
  await expect(dudao.getByTestId('round-kind')).toHaveText('暗访');

  // In the alley: the resident's form in the supervisor's hands, then the signal drops.
  await dudao.getByTestId('capture-link').click();
  await expect(dudao).toHaveURL(/\/dudao\/capture$/);
  await expect(dudao.getByTestId('capture-banner')).toContainText('督导模式');
  await expectFormReady(dudao);
  await waitForServiceWorker(dudao);
  await dudao.context().setOffline(true);
  const id = await queueReport(dudao, { description: '暗访：巷尾垃圾未清运' });
  await expectItemState(dudao, id, 'queued');

  // The signal returns: the queue sends it once, as a finding.
  await dudao.context().setOffline(false);
  await expectItemState(dudao, id, 'synced', 30_000);
  const code = await itemCode(dudao, id);

  await dudao.goto('/dudao');
  await dudao.getByTestId('open-round').getByRole('link', { name: '检查轮次' }).click();
  await expect(dudao.getByTestId('round-findings')).toHaveText('1');
  const row = dudao.getByTestId('round-finding-list').locator(`[data-code="${code}"]`);
  await expect(row).toContainText('整改中');
  await expect(row).toContainText('太昊路办事处');

  // The office, on its own phone: the 整改通知 is in its list, marked as the supervisor's.
  const office = await phone(browser);
  await login(office, 'taihao', /\/staff\?ok=1$/);
  await office.getByTestId('nav-findings').click();
  const notice = office.getByTestId('finding-list').locator(`[data-code="${code}"]`);
  await expect(notice).toContainText('督导发现');
  await notice.getByRole('link').click();
  await expect(office.getByTestId('finding-code')).toHaveText(code);
  // The office can only rectify: no pass, no send-back, no withdraw.
  await expect(office.locator('form[data-action="pass"], form[data-action="fail"], form[data-action="withdraw"]')).toHaveCount(0);
  await step(office, 'rectify', '待复查', async (form) => {
    await form.locator('input[type=file]').setInputFiles(fixture('rotated-exif6.jpg'));
  });
  await expect(office.getByTestId('photos-after').getByTestId('report-photo')).toHaveCount(1);

  // 复查不通过: back to the office with a new deadline; one 返工.
  await dudao.goto('/findings');
  await dudao.getByTestId('finding-list').locator(`[data-code="${code}"]`).getByRole('link').click();
  await step(dudao, 'fail', '整改中', async (form) => {
    await form.getByLabel('原因').fill('巷尾仍有垃圾');
    await form.getByLabel(/新的整改时限/).fill('24');
  });
  await expect(dudao.getByTestId('finding-rework-count')).toHaveText('1');

  await office.reload();
  await step(office, 'rectify', '待复查', async (form) => {
    await form.locator('input[type=file]').setInputFiles(fixture('alley.jpg'));
  });

  await dudao.reload();
  await step(dudao, 'pass', '复查通过');
  await expect(dudao.getByTestId('finding-rework-count')).toHaveText('1');
  await expect(dudao.getByTestId('finding-timeline').locator('li')).toHaveCount(5);
  await expect(dudao.getByTestId('photos-after').getByTestId('report-photo')).toHaveCount(2);

  // The week's bulletin: one 返工 for 太昊路办事处; published, it is public without names.
  await dudao.getByTestId('nav-bulletin').click();
  const line = dudao.getByTestId('bulletin-row').filter({ has: dudao.locator('th', { hasText: '太昊路办事处' }) });
  await expect(line.getByTestId('bulletin-rework')).toHaveText('1');
  await expect(line.getByTestId('bulletin-passed')).toHaveText('1');
  await dudao.getByTestId('publish').click();
  await expect(dudao).toHaveURL(/\/bulletins\/\d+\?ok=1$/);
  const published = dudao.getByTestId('bulletin-row').filter({ has: dudao.locator('th', { hasText: '太昊路办事处' }) });
  await expect(published.getByTestId('bulletin-rework')).toHaveText('1');
  await expect(dudao.locator('body')).not.toContainText('督导组');

  // 超期诉求: the residents' reports past their deadline, for the supervisor's 催办 by hand.
  await dudao.goto('/dudao');
  await dudao.getByTestId('nav-overdue-reports').click();
  await expect(dudao.getByRole('heading', { name: '超期未处置的群众诉求' })).toBeVisible();
  await expect(dudao.getByTestId('overdue-report-counts')).toBeVisible();
  const overflow = await dudao.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
