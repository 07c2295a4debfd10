import { test, expect } from '@playwright/test';
import { SUBMIT, choosePlace, fixture, naturalWidth, openForm, readCode } from './helpers';

// The resident's path: /report → receipt → /track → /my, in a phone-sized Chromium against the
// release server on a fresh demo database.

test('a resident reports a problem with a photo, then follows it on /track and /my', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openForm(page);

  await page.getByTestId('photo-gallery').setInputFiles(fixture('alley.jpg'));
  const preview = page.getByTestId('photo-preview');
  await expect(preview).toHaveCount(1);
  await expect.poll(() => naturalWidth(preview)).toBe(640);

  const category = page.getByRole('button', { name: /暴露垃圾/ });
  await expect(category).toHaveAttribute('aria-pressed', 'false');
  await category.click();
  await expect(category).toHaveAttribute('aria-pressed', 'true');
  await choosePlace(page, '太昊路办事处', '韩营', '韩营一巷');

  const description = '巷口垃圾堆了三天 <script>alert(1)</script>';
  await page.getByLabel('问题描述（选填）').fill(description);
  await expect(page.getByTestId('description-counter')).toHaveText(`${[...description].length}/500`);
  await page.getByLabel(/联系电话/).fill('138 1234 5678');

  const request = page.waitForRequest((r) => r.url().endsWith(SUBMIT));
  await page.getByTestId('submit').click();
  const sent = await request;
  expect(sent.headers()['content-type']).toContain('multipart/form-data');

  const code = await readCode(page);
  await expect(page.getByRole('heading', { name: /已提交/ })).toBeVisible();
  // Kept on the device, newest first; the street is remembered for next time.
  expect(await page.evaluate(() => JSON.parse(localStorage.getItem('jx.my_codes') ?? '[]'))).toEqual([code]);
  expect(await page.evaluate(() => localStorage.getItem('jx.last_street'))).toMatch(/^\d+$/);

  await page.getByTestId('copy-code').click();
  await expect(page.getByTestId('copy-code')).toHaveText('已复制');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);

  await page.getByRole('link', { name: '查看进度' }).click();
  await expect(page).toHaveURL(new RegExp(`/track\\?code=${code}$`));
  const report = page.getByTestId('public-report');
  await expect(report).toContainText('暴露垃圾');
  await expect(report).toContainText('太昊路办事处');
  await expect(page.getByTestId('report-place')).toContainText('韩营一巷');
  await expect(report.getByTestId('status').first()).toHaveText('待受理');
  // Script in a description is shown as text, never run or parsed.
  await expect(page.getByTestId('report-description')).toHaveText(description);
  await expect(page.locator('body')).not.toContainText('13812345678');
  const thumb = page.getByTestId('report-photo').first();
  await expect.poll(() => naturalWidth(thumb)).toBeGreaterThan(0);
  const full = await page.locator('a.photo-link').first().getAttribute('href');
  const photo = await page.request.get(full!);
  expect(photo.status()).toBe(200);
  expect(photo.headers()['content-type']).toContain('image/jpeg');

  // The same page is complete in the server's HTML, and escapes the description.
  const html = await (await page.request.get(`/track?code=${code}`)).text();
  expect(html).toContain('韩营一巷');
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(html).not.toContain('<script>alert(1)');
  expect(html).not.toContain('13812345678');

  await page.goto('/my');
  const item = page.getByTestId('my-report');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('暴露垃圾');
  await expect(item).toContainText('韩营一巷');
  await expect(item).toContainText(code);
  await expect(item.getByTestId('status')).toHaveText('待受理');
  await expect(item).toHaveAttribute('href', `/track?code=${code}`);
  await expect.poll(() => naturalWidth(item.locator('img.thumb'))).toBeGreaterThan(0);

  // 再报一件 keeps the place: the next visit starts on the same street.
  await openForm(page);
  await expect(page.getByLabel('街巷', { exact: true })).not.toHaveValue('');
  await expect(page.getByLabel('街巷', { exact: true }).locator('option:checked')).toHaveText('韩营一巷');
});

test('a QR code link /report?street=ID pre-selects the street, server-rendered', async ({ page }) => {
  const res = await page.request.post('/api/reference_data', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    data: '',
  });
  expect(res.ok()).toBeTruthy();
  const data = await res.json();
  const street = data.streets.find((s: any) => s.name === '康楼西巷');
  const community = data.communities.find((c: any) => c.id === street.community_id);
  const office = data.offices.find((o: any) => o.id === community.office_id);
  expect(office.name).toBe('淮河路办事处');

  // Before any script: the whole form is in the HTML, the street already selected.
  const html = await (await page.request.get(`/report?street=${street.id}`)).text();
  for (const text of ['拍照', '从相册选择', '暴露垃圾', '使用当前位置', '提交']) expect(html).toContain(text);
  const streetSelect = html.match(/<select[^>]*id="street"[\s\S]*?<\/select>/)![0];
  expect(streetSelect).toMatch(new RegExp(`<option[^>]*value="${street.id}"[^>]*selected`));

  await openForm(page, `/report?street=${street.id}`);
  await expect(page.getByLabel('办事处', { exact: true })).toHaveValue(String(office.id));
  await expect(page.getByLabel('居委会', { exact: true })).toHaveValue(String(community.id));
  await expect(page.getByLabel('街巷', { exact: true })).toHaveValue(String(street.id));

  // Nothing is wider than a 360 px phone.
  await page.setViewportSize({ width: 360, height: 740 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  const target = await page.getByRole('button', { name: /暴露垃圾/ }).boundingBox();
  expect(target!.height).toBeGreaterThanOrEqual(48);

  // Choosing another office clears the dependent choices.
  await page.getByLabel('办事处', { exact: true }).selectOption({ label: '太昊路办事处' });
  await expect(page.getByLabel('居委会', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('街巷', { exact: true })).toBeDisabled();
  await page.getByLabel('居委会', { exact: true }).selectOption({ label: '陈营' });
  await expect(page.getByLabel('街巷', { exact: true }).locator('option')).toHaveText([
    '请选择街巷', '陈营前街', '陈营后街', '陈营三巷',
  ]);
});

test('without a photo the form says so in Chinese and sends nothing', async ({ page }) => {
  let sent = 0;
  page.on('request', (r) => {
    if (r.url().includes(SUBMIT)) sent += 1;
  });
  await openForm(page);
  await page.getByRole('button', { name: /道路不洁/ }).click();
  await choosePlace(page, '太昊路办事处', '陈营', '陈营前街');
  await page.getByLabel('问题描述（选填）').fill('路面很脏');
  await page.getByTestId('submit').click();
  await expect(page.getByTestId('form-errors')).toHaveText('请至少拍摄或选择1张照片');
  // What was entered is kept.
  await expect(page.getByLabel('问题描述（选填）')).toHaveValue('路面很脏');
  await expect(page.getByRole('button', { name: /道路不洁/ })).toHaveAttribute('aria-pressed', 'true');
  await page.waitForTimeout(500);
  expect(sent).toBe(0);

  // An empty form lists everything that is missing.
  await openForm(page);
  await page.getByTestId('submit').click();
  await expect(page.getByTestId('form-errors').locator('.alert')).toHaveText([
    '请至少拍摄或选择1张照片', '请选择问题类别', '请选择街巷或使用当前位置',
  ]);
  expect(sent).toBe(0);
});

test('photos are turned upright and downscaled on the phone; a non-image is refused', async ({ page }) => {
  await openForm(page);
  const gallery = page.getByTestId('photo-gallery');
  const preview = page.getByTestId('photo-preview');
  const error = page.getByTestId('photo-error');

  await gallery.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(error).toHaveText('所选文件不是图片，请重新选择');
  await gallery.setInputFiles({ name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a picture') });
  await expect(error).toHaveText('无法读取这张图片，请换一张或重新拍摄');
  await expect(preview).toHaveCount(0);

  // Stored 2000×1000 with EXIF "rotate 90° clockwise": upright it is 1000×2000, so 800×1600.
  await gallery.setInputFiles(fixture('rotated-exif6.jpg'));
  await expect(preview).toHaveCount(1);
  await expect(error).toBeEmpty();
  const shot = await preview.evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const px = (x: number, y: number) => Array.from(g.getImageData(x, y, 1, 1).data.slice(0, 3));
    return { w: img.naturalWidth, h: img.naturalHeight, topRight: px(c.width - 8, 8), topLeft: px(8, 8) };
  });
  expect([shot.w, shot.h]).toEqual([800, 1600]);
  // The red mark of the stored top-left corner is now top-right.
  expect(shot.topRight[0]).toBeGreaterThan(150);
  expect(shot.topRight[1]).toBeLessThan(100);
  expect(shot.topLeft[0]).toBeLessThan(200);

  // At most three: of three more, two are taken.
  await gallery.setInputFiles([fixture('alley.jpg'), fixture('alley.jpg'), fixture('alley.jpg')]);
  await expect(preview).toHaveCount(3);
  await expect(error).toHaveText('最多只能添加 3 张照片');
  await expect(gallery).toBeDisabled();
  await expect(page.getByTestId('photo-camera')).toBeDisabled();

  await page.getByRole('button', { name: '删除这张照片' }).last().click();
  await expect(preview).toHaveCount(2);
  await expect(gallery).toBeEnabled();
  await expect(error).toBeEmpty();

  // What the server stores is the upright, downscaled photo.
  await page.getByRole('button', { name: /其他/ }).click();
  await choosePlace(page, '开元路产业集聚区', '毛楼', '毛楼前街');
  await page.getByTestId('submit').click();
  const code = await readCode(page);
  await page.goto(`/track?code=${code}`);
  await expect(page.getByTestId('report-photo')).toHaveCount(2);
  const full = await page.locator('a.photo-link').first().getAttribute('href');
  const size = await page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  }, full!);
  expect(size).toEqual([800, 1600]);
});

test('GPS alone is enough once the 办事处 is chosen', async ({ page, context }) => {
  await context.grantPermissions(['geolocation']);
  await context.setGeolocation({ latitude: 33.623456, longitude: 114.654987, accuracy: 12 });
  await openForm(page);
  await page.getByTestId('photo-camera').setInputFiles(fixture('alley.jpg'));
  await expect(page.getByTestId('photo-preview')).toHaveCount(1);
  await page.getByRole('button', { name: /非法小广告/ }).click();
  await page.getByTestId('use-location').click();
  await expect(page.getByTestId('geo-status')).toHaveText('定位精度约 12 米');

  await page.getByTestId('submit').click();
  await expect(page.getByTestId('form-errors')).toHaveText('仅使用定位时，请选择所在的办事处');
  await page.getByLabel('办事处', { exact: true }).selectOption({ label: '淮河路办事处' });
  await page.getByTestId('submit').click();
  const code = await readCode(page);

  await page.goto(`/track?code=${code}`);
  const report = page.getByTestId('public-report');
  await expect(report).toContainText('非法小广告');
  await expect(report).toContainText('淮河路办事处');
  // Only the coarse position is public.
  await expect(report).toContainText('北纬 33.623，东经 114.655');
  await expect(page.locator('body')).not.toContainText('33.623456');
});

test('进度查询 explains unknown and malformed codes; 我的上报 starts empty and takes a code by hand', async ({ page }) => {
  const unknown = await page.goto('/track?code=abcd-2345');
  expect(unknown!.status()).toBe(404);
  await expect(page.getByRole('alert')).toHaveText('未找到该查询码对应的上报');
  await expect(page.getByLabel('查询码')).toHaveValue('abcd-2345');
  await page.goto('/track?code=ABC');
  await expect(page.getByRole('alert')).toHaveText('查询码应为8位');

  await page.goto('/my');
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.getByTestId('my-reports')).toContainText('这台设备上还没有上报记录');
  await expect(page.getByRole('link', { name: '去上报问题' })).toHaveAttribute('href', '/report');

  const box = page.getByLabel('添加查询码');
  await box.fill('abc');
  await page.getByRole('button', { name: '添加', exact: true }).click();
  await expect(page.getByTestId('add-code-message')).toHaveText('查询码应为8位');
  await box.fill('abcd 2345');
  await page.getByRole('button', { name: '添加', exact: true }).click();
  await expect(page.getByTestId('add-code-message')).toHaveText('已添加');
  await expect(page.getByTestId('my-reports')).toContainText('另有 1 个查询码未查到对应的上报');
  expect(await page.evaluate(() => JSON.parse(localStorage.getItem('jx.my_codes') ?? '[]'))).toEqual(['ABCD2345']);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the tracking form still works', async ({ page }) => {
    await page.goto('/track');
    await page.getByLabel('查询码').fill('ABCD2345');
    await page.getByRole('button', { name: '查询' }).click();
    await expect(page).toHaveURL(/\/track\?code=ABCD2345$/);
    await expect(page.getByText('未找到该查询码对应的上报')).toBeVisible();
  });
});
