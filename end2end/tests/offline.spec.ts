import { test, expect, Route } from '@playwright/test';
import {
  CATEGORIES,
  PLACES,
  SUBMIT,
  SubmitLog,
  deviceQueue,
  expectFormReady,
  expectItemState,
  expectNewReports,
  fillReport,
  fixture,
  goOnlineThrottled,
  itemCode,
  itemIds,
  jpegFile,
  noisyJpeg,
  openForm,
  queueItem,
  queueItems,
  queueReport,
  readCode,
  reportIdOf,
  reportsReceived,
  sleep,
  waitForServiceWorker,
} from './helpers';

// Issue 4: reports wait on the phone (IndexedDB) while there is no network and reach the server
// exactly once. Each test has a fresh browser context, hence an empty device queue; the server
// (one for the whole run, tests one after another) is shared, so report counts are deltas.
//
// Offline is Playwright's context.setOffline(true): in this Chromium it takes the page
// (navigator.onLine false, an `offline` event, fetch and XHR fail with a TypeError) and the
// service worker's own fetches alike, and an offline navigation is answered by the service
// worker's cache. Routes are set on the context: a page route would not see a request that a
// service worker relays, a context route sees the worker's fetch as well.

const SUBMIT_GLOB = `**${SUBMIT}`;

test('2 submit offline → 待上传; reload offline → still queued with its photos', async ({ page, context }) => {
  // Count calls of navigator.storage.persist(): asked for when the first item is queued.
  await page.addInitScript(() => {
    const w = window as unknown as { __persistCalls: number };
    w.__persistCalls = 0;
    const storage = navigator.storage;
    if (storage?.persist) {
      const persist = storage.persist.bind(storage);
      storage.persist = () => {
        w.__persistCalls += 1;
        return persist();
      };
    }
  });
  const submits = new SubmitLog().watch(page);
  await openForm(page);
  await waitForServiceWorker(page);

  await context.setOffline(true);
  const id = await queueReport(page, {
    photos: [fixture('alley.jpg'), fixture('rotated-exif6.jpg')],
    description: '离线时拍的',
  });
  await expect(page.getByTestId('queue')).toBeVisible();
  await expect(page.getByTestId('net-status')).toContainText('离线');
  await expect(page.getByTestId('queue-banner')).toHaveText('1 条待上传');
  await expect(page.getByTestId('storage-estimate')).toHaveText(/已用\s*[\d.]+\s*[KMG]?B，可用\s*[\d.]+\s*[KMG]?B/);
  await expect.poll(() => page.evaluate(() => (window as any).__persistCalls as number)).toBeGreaterThanOrEqual(1);
  // The report and both photos are in IndexedDB, the photos as decodable JPEGs.
  const stored = await deviceQueue(page);
  expect(stored?.items).toBe(1);
  expect(stored?.photos).toHaveLength(2);
  for (const p of stored!.photos) expect(p.width).toBeGreaterThan(0);

  // A hard reload with no network: the service worker serves the page, the queue is still there.
  await page.reload();
  await expectFormReady(page);
  await expect(page.getByTestId('net-status')).toContainText('离线');
  await expect(queueItems(page)).toHaveCount(1);
  await expectItemState(page, id, 'queued');
  await expect(queueItem(page, id).getByTestId('queue-photos')).toHaveText('2 张照片');
  await expect(page.getByTestId('queue-banner')).toHaveText('1 条待上传');
  expect(await deviceQueue(page)).toEqual(stored);
  // Offline, the probe fails first: no upload is even attempted.
  await sleep(3_000);
  expect(submits.count).toBe(0);
  await expectItemState(page, id, 'queued');
});

test('3 three queued, go online → exactly three reports on the server, items show 已上传 with codes', async ({
  page,
  context,
  request,
}) => {
  await openForm(page);
  await context.setOffline(true);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    ids.push(await queueReport(page, { category: CATEGORIES[i], place: PLACES[i], description: `离线第${i + 1}条` }));
  }
  await expect(page.getByTestId('queue-banner')).toHaveText('3 条待上传');
  const before = await reportsReceived(request);

  // The `online` event starts the sync by itself.
  await context.setOffline(false);
  for (const id of ids) await expectItemState(page, id, 'synced', 30_000);
  await expectNewReports(request, before, 3);

  const codes = [];
  for (const id of ids) codes.push(await itemCode(page, id));
  expect(new Set(codes).size).toBe(3);
  await expect(page.getByTestId('queue-banner')).toBeHidden();
  await expect(page.getByTestId('net-status')).toHaveText('在线');
  // The codes are kept on the phone (so /my lists them) and are real on the server.
  const mine: string[] = await page.evaluate(() => JSON.parse(localStorage.getItem('jx.my_codes') ?? '[]'));
  expect([...mine].sort()).toEqual([...codes].sort());
  for (const code of codes) expect((await page.request.get(`/track?code=${code}`)).status()).toBe(200);
});

test('4 server stores the report but the response is lost → retry → still one report', async ({
  page,
  context,
  request,
}) => {
  await openForm(page);
  await context.setOffline(true);
  const id = await queueReport(page);

  const sent: (string | null)[] = [];
  let receipt: { tracking_code: string; report_id: string } | undefined;
  await context.route(SUBMIT_GLOB, async (route) => {
    sent.push(reportIdOf(route.request()));
    if (sent.length === 1) {
      // The server stores the report and answers; the answer never reaches the phone.
      const res = await route.fetch();
      expect(res.status()).toBe(200);
      receipt = await res.json();
      await route.abort('connectionreset');
    } else {
      await route.fallback();
    }
  });
  const before = await reportsReceived(request);
  await context.setOffline(false);

  // The engine retries by itself (backoff ≈ 2 s) with the same report id.
  await expectItemState(page, id, 'synced', 30_000);
  expect(receipt, 'the first attempt reached the server').toBeDefined();
  expect(receipt!.report_id).toBe(id);
  expect(sent.length).toBeGreaterThanOrEqual(2);
  expect(sent.every((s) => s === id)).toBe(true);
  expect(await itemCode(page, id)).toBe(receipt!.tracking_code);
  await expectNewReports(request, before, 1);
});

test('5 500/503 with Retry-After → stays queued, then succeeds', async ({ page, context, request }) => {
  await openForm(page);
  await context.setOffline(true);
  const id = await queueReport(page);

  // 1st attempt: 500. 2nd: 503 with Retry-After 5 s, longer than the first backoff steps
  // (≈2 s, ≈4 s), so only an engine that honours it waits that long. Then the real server.
  const RETRY_AFTER_S = 5;
  const calls: number[] = [];
  await context.route(SUBMIT_GLOB, async (route) => {
    calls.push(Date.now());
    if (calls.length === 1) {
      await route.fulfill({ status: 500, contentType: 'application/json', body: '"Internal"' });
    } else if (calls.length === 2) {
      await route.fulfill({
        status: 503,
        contentType: 'application/json',
        headers: { 'retry-after': String(RETRY_AFTER_S) },
        body: '"Internal"',
      });
    } else {
      await route.fallback();
    }
  });
  const before = await reportsReceived(request);
  await context.setOffline(false);

  for (const n of [1, 2]) {
    await expect.poll(() => calls.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(n);
    // Between attempts the item is waiting again, not failed and not gone.
    await expectItemState(page, id, 'queued', 2_000);
  }
  await expect(page.getByTestId('queue-banner')).toHaveText('1 条待上传');
  await expectItemState(page, id, 'synced', 30_000);
  expect(calls).toHaveLength(3);
  expect(calls[1] - calls[0], 'backoff after the 500').toBeGreaterThanOrEqual(500);
  expect(calls[2] - calls[1], 'Retry-After honoured').toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 200);
  await itemCode(page, id);
  await expectNewReports(request, before, 1);
});

test('6 422 → 需处理, not deleted', async ({ page, context, request }) => {
  await openForm(page);
  await context.setOffline(true);
  const id = await queueReport(page);

  const REASON = '照片无法识别，请重新拍摄';
  let calls = 0;
  await context.route(SUBMIT_GLOB, async (route) => {
    calls += 1;
    await route.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify({ BadRequest: REASON }) });
  });
  const before = await reportsReceived(request);
  await context.setOffline(false);

  const item = queueItem(page, id);
  await expectItemState(page, id, 'attention', 30_000);
  await expect(item.getByTestId('queue-reason')).toContainText(REASON);
  await expect(item.getByTestId('queue-retry')).toBeVisible();
  await expect(item.getByTestId('queue-edit')).toBeVisible();
  // Needs the resident: not counted as waiting, and never resent by itself.
  await expect(page.getByTestId('queue-banner')).toBeHidden();
  await sleep(4_000);
  expect(calls).toBe(1);

  // Still there after a reload, with its reason and photo; still not resent.
  await page.reload();
  await expectFormReady(page);
  await expectItemState(page, id, 'attention');
  await expect(item.getByTestId('queue-reason')).toContainText(REASON);
  await expect(item.getByTestId('queue-photos')).toHaveText('1 张照片');
  expect((await deviceQueue(page))?.photos).toHaveLength(1);
  await sleep(3_000);
  expect(calls).toBe(1);

  // Deleting takes two taps: 删除, then 确认删除. Its photo goes with it.
  await item.getByTestId('queue-delete').click();
  await expect(item.getByTestId('queue-delete-confirm')).toBeVisible();
  await expect(queueItems(page)).toHaveCount(1);
  await item.getByTestId('queue-delete-confirm').click();
  await expect(queueItems(page)).toHaveCount(0);
  const left = await deviceQueue(page);
  expect(left?.items).toBe(0);
  expect(left?.photos).toHaveLength(0);
  expect(await reportsReceived(request)).toBe(before);
});

test('6b 需处理 → 修改 puts it back into the form; the resubmit replaces it and syncs once', async ({ page, context, request }) => {
  await openForm(page);
  await context.setOffline(true);
  const id = await queueReport(page, { description: '第一次写的' });

  let refused = 0;
  await context.route(SUBMIT_GLOB, async (route) => {
    refused += 1;
    await route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ BadRequest: '描述不清楚' }) });
  });
  const before = await reportsReceived(request);
  await context.setOffline(false);
  await expectItemState(page, id, 'attention', 30_000);
  await context.unroute(SUBMIT_GLOB);

  // 修改: the category, place, description and photo come back into the form.
  await queueItem(page, id).getByTestId('queue-edit').click();
  await expect(page.getByTestId('editing')).toBeVisible();
  await expect(page.getByTestId('photo-preview')).toHaveCount(1);
  await expect(page.getByRole('button', { name: new RegExp(CATEGORIES[0]) })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByLabel('街巷', { exact: true }).locator('option:checked')).toHaveText(PLACES[0][2]);
  await expect(page.getByLabel('问题描述（选填）')).toHaveValue('第一次写的');
  await page.getByLabel('问题描述（选填）').fill('巷口东侧，垃圾三天未清');
  await page.getByTestId('submit').click();

  // The edited report replaces the refused one and reaches the server once.
  const code = await readCode(page);
  await expect(queueItem(page, id)).toHaveCount(0);
  await expect(queueItems(page)).toHaveCount(1);
  await expect(queueItems(page).first()).toHaveAttribute('data-state', 'synced');
  await expectNewReports(request, before, 1);
  expect(refused).toBe(1);
  const track = await request.post('/api/reports/track', { form: { code } });
  expect(await track.text()).toContain('巷口东侧，垃圾三天未清');
});

test('7 two tabs with a queue → only one uploads, no duplicates', async ({ page, context, request }) => {
  const second = await context.newPage();
  const submits = new SubmitLog().watch(page, 'first').watch(second, 'second');
  await openForm(page);
  await openForm(second);
  // The resident works in the first tab (a tab in the background gets animation frames
  // rarely, and Playwright's clicks wait for them).
  await page.bringToFront();
  await context.setOffline(true);
  const ids = [await queueReport(page), await queueReport(page, { category: CATEGORIES[1], place: PLACES[1] })];

  // Each upload takes a while, so two tabs sending at once would overlap.
  const sent: (string | null)[] = [];
  await context.route(SUBMIT_GLOB, async (route) => {
    sent.push(reportIdOf(route.request()));
    await sleep(500);
    await route.fallback();
  });
  const before = await reportsReceived(request);
  // Both tabs see `online` at the same moment.
  await context.setOffline(false);
  await expectNewReports(request, before, 2, 4_000);

  console.log(`submits: first tab ${submits.countFrom('first')}, second tab ${submits.countFrom('second')}`);
  expect(submits.count).toBe(2);
  expect(submits.maxInFlight).toBe(1);
  expect([...sent].sort()).toEqual([...ids].sort());
  // The tab that did not upload learns the outcome from the device queue.
  for (const tab of [page, second]) {
    await tab.reload();
    await expectFormReady(tab);
    for (const id of ids) await expectItemState(tab, id, 'synced');
  }
  expect(await itemCode(page, ids[0])).toBe(await itemCode(second, ids[0]));
  expect(submits.count).toBe(2);
});

test('8 captive portal (health answers HTML 200) → nothing leaves the queue', async ({ page, context, request }) => {
  const submits = new SubmitLog().watch(page);
  await openForm(page);
  await context.setOffline(true);
  const id = await queueReport(page);

  // A hotel or metro Wi-Fi: the network is up, but every request gets the login page.
  const portal = (route: Route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: '<!doctype html><html><body><h1>请登录 Wi-Fi</h1></body></html>',
    });
  let probes = 0;
  await context.route('**/api/health', (route) => {
    probes += 1;
    return portal(route);
  });
  const before = await reportsReceived(request);
  await context.setOffline(false);
  await expect.poll(() => probes, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
  await sleep(2_500);
  // 立即上传 probes again, and holds back again.
  await page.getByTestId('sync-now').click();
  await sleep(2_500);
  expect(submits.count).toBe(0);
  await expectItemState(page, id, 'queued');
  await expect(page.getByTestId('net-status')).not.toHaveText('在线');
  await expect(page.getByTestId('queue-banner')).toHaveText('1 条待上传');

  // Logged in to the Wi-Fi: the real server answers.
  await context.unroute('**/api/health');
  await page.getByTestId('sync-now').click();
  await expectItemState(page, id, 'synced', 30_000);
  await itemCode(page, id);
  await expectNewReports(request, before, 1);
});

test('9 reload during upload → ends with exactly one report', async ({ page, context, request }) => {
  test.setTimeout(90_000);
  await openForm(page);
  await context.setOffline(true);
  const id = await queueReport(page);

  // The first upload reaches the server, then hangs (slow network) until the page reloads.
  let release!: () => void;
  const hang = new Promise<void>((r) => (release = r));
  const sent: (string | null)[] = [];
  let firstCode = '';
  await context.route(SUBMIT_GLOB, async (route) => {
    sent.push(reportIdOf(route.request()));
    if (sent.length > 1) return route.fallback();
    const res = await route.fetch();
    firstCode = (await res.json()).tracking_code;
    await hang;
    await route.fulfill({ response: res }).catch(() => {});
  });
  const before = await reportsReceived(request);
  await context.setOffline(false);
  await expect.poll(() => firstCode, { timeout: 20_000 }).not.toBe('');
  await expectItemState(page, id, 'uploading');
  await expect(page.getByTestId('sync-progress')).toBeVisible();

  await page.reload();
  release();
  await expectFormReady(page);
  // Found 上传中 at start: back to 待上传, resent with the same id, the server's own receipt.
  await expectItemState(page, id, 'synced', 30_000);
  expect(await itemCode(page, id)).toBe(firstCode);
  expect(sent.length).toBeGreaterThanOrEqual(2);
  expect(sent.every((s) => s === id)).toBe(true);
  await expectNewReports(request, before, 1);
});

test.describe('storage', () => {
  // Chromium reads an origin's IndexedDB quota once and reuses it for about 30 s, so an
  // override made after the page has used IndexedDB bites only half a minute later. It is
  // therefore set before the page loads: room for the first report (one small photo), none for
  // the second (three photos of ≈0.7 MB each). The service worker is blocked here so that its
  // precache does not share the small quota.
  test.use({ serviceWorkers: 'block' });

  test('10 quota exhausted (simulated) → message shown, queue intact', async ({ page, context, baseURL }) => {
    const origin = new URL(baseURL!).origin;
    const big = [1, 2, 3].map((seed) => noisyJpeg(page, seed, 128));
    const photos = (await Promise.all(big)).map((b, i) => jpegFile(`big${i}.jpg`, b));
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1_000_000 });
    try {
      await openForm(page);
      await context.setOffline(true);
      const id = await queueReport(page);
      const stored = await deviceQueue(page);
      expect(stored?.items).toBe(1);

      await fillReport(page, { photos });
      await page.getByTestId('submit').click();
      const error = page.getByTestId('queue-error');
      await expect(error).toBeVisible();
      await expect(error).toContainText('存储空间');
      console.log(`queue-error: ${await error.textContent()}`);
      // The first report is untouched, with its photo; nothing half-written was added.
      await expect(queueItems(page)).toHaveCount(1);
      await expectItemState(page, id, 'queued');
      await expect(queueItem(page, id).getByTestId('queue-photos')).toHaveText('1 张照片');
      expect(await deviceQueue(page)).toEqual(stored);
      expect(await itemIds(page)).toEqual([id]);
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin }).catch(() => {});
    }
  });
});

test('12 slow network (CDP throttling) → progress bar moves, no overlapping sends', async ({
  page,
  context,
  request,
}) => {
  test.setTimeout(150_000);
  // Three reports of one ≈0.5 MB photo each (after the phone's downscaling): ≈7 s at 1.6 Mbps.
  const photos = await Promise.all([11, 12, 13].map((seed) => noisyJpeg(page, seed, 64)));
  const submits = new SubmitLog().watch(page);
  await openForm(page);
  await context.setOffline(true);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    ids.push(await queueReport(page, { photos: [jpegFile(`slow${i}.jpg`, photos[i])], category: CATEGORIES[i], place: PLACES[i] }));
  }
  const before = await reportsReceived(request);

  // Back online, but hold the engine's first probe until the link is throttled: 1.6 Mbps up
  // (200,000 bytes/s), 150 ms latency. (Playwright's own offline switch does not undo it.)
  const { health, cdp } = await goOnlineThrottled(page, context, 200_000);
  // Sample the progress bar in the page every 50 ms.
  await page.evaluate(() => {
    const w = window as unknown as { __samples: [number, number, number, string][] };
    w.__samples = [];
    setInterval(() => {
      const bar = document.querySelector<HTMLProgressElement>('progress[data-testid="sync-progress"]');
      if (!bar || !bar.isConnected || bar.offsetParent === null) return;
      const text = document.querySelector('[data-testid="sync-progress-text"]')?.textContent ?? '';
      w.__samples.push([Math.round(performance.now()), bar.value, bar.max, text]);
    }, 50);
  });
  await health.release();

  for (const id of ids) await expectItemState(page, id, 'synced', 90_000);
  await expectNewReports(request, before, 3);
  const samples: [number, number, number, string][] = await page.evaluate(() => (window as any).__samples);
  const intermediate = [...new Set(samples.filter(([, v, max]) => v > 0 && v < max).map(([, v]) => v))];
  console.log(
    `progress: ${samples.length} samples, ${intermediate.length} distinct intermediate values; ` +
      `max ${samples.at(-1)?.[2]} bytes; texts: ${[...new Set(samples.map((s) => s[3]))].slice(0, 8).join(' | ')}; ` +
      `submits ${submits.count}, wire time ${((submits.lastEnd - submits.firstStart) / 1000).toFixed(1)} s`,
  );
  expect(intermediate.length).toBeGreaterThanOrEqual(2);
  // Within the run the bar only moves forward, and says what it is doing.
  for (let i = 1; i < samples.length; i++) {
    if (samples[i][2] === samples[i - 1][2]) expect(samples[i][1]).toBeGreaterThanOrEqual(samples[i - 1][1]);
  }
  expect(samples.some(([, , , text]) => text.includes('正在上传'))).toBe(true);
  // One at a time, each once.
  expect(submits.maxInFlight).toBe(1);
  expect(submits.count).toBe(3);
  await expect(page.getByTestId('sync-progress')).toBeHidden();
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
});

test('13 the phone cannot read the photos back → stays 待上传, nothing sent without them; then uploads with both', async ({
  page,
  context,
  request,
}) => {
  // Issue 11 (10): the sync engine's read of a report's photos from IndexedDB (`photos` store,
  // IDBObjectStore.get) is made to fail by a plan the page consumes read by read: twice the
  // read errors (its transaction aborts, so the request fires `error`), once it comes back with
  // one of the two photos. After that, reads are real.
  await page.addInitScript(() => {
    const w = window as unknown as { __photoPlan: string[]; __photoReads: { at: number; mode: string }[] };
    w.__photoPlan = [];
    w.__photoReads = [];
    const get = IDBObjectStore.prototype.get;
    IDBObjectStore.prototype.get = function (this: IDBObjectStore, key: IDBValidKey | IDBKeyRange) {
      if (this.name !== 'photos') return get.call(this, key);
      const mode = w.__photoPlan.shift() ?? 'ok';
      w.__photoReads.push({ at: performance.now(), mode });
      const req = get.call(this, key);
      if (mode === 'error') {
        this.transaction.abort();
      } else if (mode === 'short') {
        const real = Object.getOwnPropertyDescriptor(IDBRequest.prototype, 'result')!.get!;
        Object.defineProperty(req, 'result', {
          get() {
            const value = real.call(req) as { id: string; blobs: Blob[] } | undefined;
            return value && { ...value, blobs: value.blobs.slice(0, 1) };
          },
        });
      }
      return req;
    };
  });
  await openForm(page);
  await context.setOffline(true);
  const id = await queueReport(page, { photos: [fixture('alley.jpg'), fixture('rotated-exif6.jpg')] });

  const bodies: string[] = [];
  await context.route(SUBMIT_GLOB, async (route) => {
    bodies.push(route.request().postDataBuffer()?.toString('latin1') ?? '');
    await route.fallback();
  });
  const submits = new SubmitLog().watch(page);
  const reads = () => page.evaluate(() => (window as any).__photoReads as { at: number; mode: string }[]);
  await page.evaluate(() => ((window as any).__photoPlan = ['error', 'error', 'short']));
  const before = await reportsReceived(request);
  await context.setOffline(false);

  // Three failed reads, each after the last one's backoff: nothing sent, the item waits.
  await expect.poll(async () => (await reads()).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  // (The fourth read comes at least 4 s after the third.)
  await sleep(1_000);
  expect((await reads()).length).toBe(3);
  expect(submits.count, 'nothing is sent while the photos cannot be read').toBe(0);
  await expectItemState(page, id, 'queued', 1_000);
  await expect(page.getByTestId('queue-banner')).toHaveText('1 条待上传');
  await expect(queueItem(page, id).getByTestId('queue-photos')).toHaveText('2 张照片');
  expect((await deviceQueue(page))?.photos).toHaveLength(2);

  // The next read is real: the report goes, once, with both photos (no 重试 needed, so it was
  // never 需处理).
  await expectItemState(page, id, 'synced', 30_000);
  const seen = await reads();
  console.log(`photo reads: ${seen.map((r) => `${r.mode}@${Math.round(r.at)}`).join(', ')}`);
  expect(seen.slice(0, 4).map((r) => r.mode)).toEqual(['error', 'error', 'short', 'ok']);
  for (let i = 1; i < 4; i++) expect(seen[i].at - seen[i - 1].at, 'retried after a backoff').toBeGreaterThanOrEqual(900);
  expect(submits.count).toBe(1);
  expect(bodies).toHaveLength(1);
  expect(bodies[0]).toContain(`"report_id":"${id}"`);
  expect(bodies[0].match(/filename="photo\d\.jpg"/g)).toHaveLength(2);
  const code = await itemCode(page, id);
  await expectNewReports(request, before, 1);
  const track = await request.post('/api/reports/track', { form: { code } });
  expect(track.status()).toBe(200);
  expect((await track.json()).photos).toHaveLength(2);
});
