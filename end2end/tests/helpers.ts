import { expect, APIRequestContext, BrowserContext, Locator, Page, Request } from '@playwright/test';
import path from 'node:path';

// Shared by the end-to-end specs: filling in the report form, the device queue of issue 4
// (its data-testids are the contract between the queue and these tests), the report count on
// the server, and the service worker.

export const SUBMIT = '/api/reports/submit';
export const CODE = /^[2-9A-HJKMNP-Z]{8}$/;
export const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', name);

// ---------------------------------------------------------------------------------------------
// The report form

/** Opens the report form and waits until its handlers are attached (submit enabled). */
export async function openForm(page: Page, url = '/report') {
  await page.goto(url);
  await expectFormReady(page);
}

/** After a load or a reload: hydrated, and the form's handlers attached. */
export async function expectFormReady(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(page.locator('form.report-form')).toHaveAttribute('data-ready', 'true');
}

export async function choosePlace(page: Page, office: string, community: string, street: string) {
  await page.getByLabel('办事处', { exact: true }).selectOption({ label: office });
  await page.getByLabel('居委会', { exact: true }).selectOption({ label: community });
  await page.getByLabel('街巷', { exact: true }).selectOption({ label: street });
}

export async function naturalWidth(img: Locator): Promise<number> {
  return img.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0));
}

export async function readCode(page: Page): Promise<string> {
  const box = page.getByTestId('tracking-code');
  await expect(box).toBeVisible();
  const code = (await box.textContent())!.trim();
  expect(code).toMatch(CODE);
  return code;
}

/** Places of the demo data: [办事处, 居委会, 街巷]. */
export type Place = [string, string, string];
export const PLACES: Place[] = [
  ['太昊路办事处', '韩营', '韩营一巷'],
  ['太昊路办事处', '陈营', '陈营前街'],
  ['开元路产业集聚区', '毛楼', '毛楼前街'],
];
export const CATEGORIES = ['暴露垃圾', '道路不洁', '非法小广告', '其他'];

/** An in-memory photo for the file chooser. */
export type PhotoFile = { name: string; mimeType: string; buffer: Buffer };

export interface ReportInput {
  /** Fixture paths or in-memory files (the file chooser takes one kind at a time). */
  photos?: string[] | PhotoFile[];
  category?: string;
  place?: Place;
  description?: string;
}

/** Fills in the whole form (photos, category, place, description); submits nothing. */
export async function fillReport(page: Page, input: ReportInput = {}) {
  const photos = input.photos ?? [fixture('alley.jpg')];
  const previews = page.getByTestId('photo-preview');
  // A fresh (or reset) form: the photos of the last report are gone.
  await expect(previews).toHaveCount(0);
  await page.getByTestId('photo-gallery').setInputFiles(photos);
  await expect(previews).toHaveCount(photos.length, { timeout: 30_000 });
  const category = page.getByRole('button', { name: new RegExp(input.category ?? CATEGORIES[0]) });
  // A reset form may keep the category pressed: a click would then unpress it.
  if ((await category.getAttribute('aria-pressed')) !== 'true') await category.click();
  await expect(category).toHaveAttribute('aria-pressed', 'true');
  await choosePlace(page, ...(input.place ?? PLACES[0]));
  if (input.description !== undefined) await page.getByLabel('问题描述（选填）').fill(input.description);
}

// ---------------------------------------------------------------------------------------------
// The device queue (issue 4)

export type ItemState = 'queued' | 'uploading' | 'synced' | 'attention';
export const STATE_TEXT: Record<ItemState, string> = {
  queued: '待上传',
  uploading: '上传中',
  synced: '已上传',
  attention: '需处理',
};

export const queueItems = (page: Page) => page.locator('li[data-testid="queue-item"]');
export const queueItem = (page: Page, id: string) =>
  page.locator(`li[data-testid="queue-item"][data-id="${id}"]`);

/** The report ids (UUIDs) listed in the queue panel, in page order. */
export async function itemIds(page: Page): Promise<string[]> {
  return queueItems(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
}

/** The item shows `state` both as its attribute and as the resident's word for it. */
export async function expectItemState(page: Page, id: string, state: ItemState, timeout = 15_000) {
  const item = queueItem(page, id);
  await expect(item).toHaveAttribute('data-state', state, { timeout });
  await expect(item.getByTestId('queue-state')).toHaveText(STATE_TEXT[state]);
}

/** The tracking code shown on a synced item (display spacing ignored), checked for shape. */
export async function itemCode(page: Page, id: string): Promise<string> {
  const box = queueItem(page, id).getByTestId('queue-code');
  await expect(box).toBeVisible();
  const code = (await box.textContent())!.replace(/[\s-]/g, '');
  expect(code).toMatch(CODE);
  return code;
}

/**
 * Submits the filled-in form while the device is offline and returns the id of the new queue
 * item: the report is kept on the phone (queued-notice) and the form is reset for the next one.
 */
export async function queueReport(page: Page, input: ReportInput = {}): Promise<string> {
  expect(await page.evaluate(() => navigator.onLine), 'queueReport expects an offline page').toBe(false);
  const before = new Set(await itemIds(page));
  await fillReport(page, input);
  await page.getByTestId('submit').click();
  const notice = page.getByTestId('queued-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('已保存在手机上');
  let id = '';
  await expect
    .poll(async () => {
      const fresh = (await itemIds(page)).filter((i) => !before.has(i));
      id = fresh[0] ?? '';
      return fresh.length;
    })
    .toBe(1);
  expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  await expectItemState(page, id, 'queued');
  await expect(queueItem(page, id).getByTestId('queue-photos')).toHaveText(`${input.photos?.length ?? 1} 张照片`);
  // The notice may stand in for the form until 再报一件; either way the next form is empty.
  if ((await page.locator('form.report-form').count()) === 0) await notice.getByRole('button', { name: '再报一件' }).click();
  await expect(page.locator('form.report-form')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByTestId('photo-preview')).toHaveCount(0);
  return id;
}

/** What IndexedDB `jiexiang` holds, read directly (schema-agnostic: blobs are looked for in
 *  each record of `photos`), with each stored photo checked to decode as an image.
 *  Null while the database does not exist (it is never created from here). */
export interface DeviceQueue {
  items: number;
  photoRecords: number;
  photos: { size: number; type: string; width: number }[];
}

export async function deviceQueue(page: Page): Promise<DeviceQueue | null> {
  return page.evaluate(async () => {
    const known = await indexedDB.databases();
    if (!known.some((d) => d.name === 'jiexiang')) return null;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('jiexiang');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    try {
      const all = (store: string) =>
        new Promise<unknown[]>((resolve, reject) => {
          if (!db.objectStoreNames.contains(store)) return resolve([]);
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      const items = await all('items');
      const records = await all('photos');
      const blobs: Blob[] = [];
      const collect = (v: unknown, depth: number) => {
        if (v instanceof Blob) blobs.push(v);
        else if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) blobs.push(new Blob([v as BlobPart], { type: 'image/jpeg' }));
        else if (depth < 3 && v && typeof v === 'object') for (const x of Object.values(v)) collect(x, depth + 1);
      };
      records.forEach((r) => collect(r, 0));
      const photos = [];
      for (const b of blobs) {
        let width = 0;
        try {
          const bitmap = await createImageBitmap(b);
          width = bitmap.width;
          bitmap.close();
        } catch {
          width = 0;
        }
        photos.push({ size: b.size, type: b.type, width });
      }
      return { items: items.length, photoRecords: records.length, photos };
    } finally {
      db.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The server and the network

/** Reports the server has received in all (POST /api/site_summary). */
export async function reportsReceived(request: APIRequestContext): Promise<number> {
  const res = await request.post('/api/site_summary', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    data: '',
  });
  expect(res.ok(), `site_summary answered ${res.status()}`).toBeTruthy();
  return (await res.json()).reports_received as number;
}

/** Waits until the server holds exactly `before + delta` reports and stays there a while
 *  (a late duplicate would show up in the settle time). */
export async function expectNewReports(request: APIRequestContext, before: number, delta: number, settleMs = 2_000) {
  await expect.poll(() => reportsReceived(request), { timeout: 30_000 }).toBeGreaterThanOrEqual(before + delta);
  await new Promise((r) => setTimeout(r, settleMs));
  expect(await reportsReceived(request)).toBe(before + delta);
}

export const isSubmit = (r: Request) => r.method() === 'POST' && new URL(r.url()).pathname === SUBMIT;

/** The report_id inside a submission's multipart `report` part. Only for a request seen by a
 *  route handler: Chromium hands the body of a multipart upload with Blob parts to Playwright
 *  when it intercepts it, but not in the page's request events (postDataBuffer() is null). */
export function reportIdOf(r: Request): string | null {
  const body = r.postDataBuffer()?.toString('latin1') ?? '';
  return body.match(/"report_id"\s*:\s*"([0-9a-f-]{36})"/)?.[1] ?? null;
}

/** Records the submit requests pages make (requests leaving a page, whether or not a service
 *  worker relays them), with how many were in flight at once across all watched pages. */
export class SubmitLog {
  started: { at: number; page: string }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  firstStart = 0;
  lastEnd = 0;

  watch(page: Page, label = 'page') {
    const open = new Set<Request>();
    const done = (r: Request) => {
      if (!open.delete(r)) return;
      this.inFlight -= 1;
      this.lastEnd = Date.now();
    };
    page.on('request', (r) => {
      if (!isSubmit(r)) return;
      open.add(r);
      this.inFlight += 1;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      if (!this.firstStart) this.firstStart = Date.now();
      this.started.push({ at: Date.now(), page: label });
    });
    page.on('requestfinished', done);
    page.on('requestfailed', done);
    return this;
  }

  get count() {
    return this.started.length;
  }

  countFrom(label: string) {
    return this.started.filter((s) => s.page === label).length;
  }
}

/** Registered and in control of the page, its install (precache) done. A service worker that
 *  does not claim open pages takes over after one reload. */
export async function waitForServiceWorker(page: Page) {
  const state = await page.evaluate(async () => {
    const timeout = new Promise<string>((r) => setTimeout(() => r('no service worker became ready in 20 s'), 20_000));
    return Promise.race([navigator.serviceWorker.ready.then(() => 'ready'), timeout]);
  });
  expect(state).toBe('ready');
  const controlled = () => page.evaluate(() => !!navigator.serviceWorker.controller);
  if (!(await controlled())) {
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 5_000 }).catch(() => page.reload());
  }
  await expect.poll(controlled, { message: 'the service worker controls the page' }).toBe(true);
}

/** Holds every /api/health probe until `release()`; `seen` tells whether one came. */
export async function holdHealth(context: BrowserContext) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const state = { seen: 0 };
  const handler = async (route: import('@playwright/test').Route) => {
    state.seen += 1;
    await gate;
    await route.continue().catch(() => {});
  };
  await context.route('**/api/health', handler);
  return {
    state,
    async release() {
      release();
      await context.unroute('**/api/health', handler);
    },
  };
}

/** Back online on a throttled link: the engine's first /api/health probe is held until the
 *  link is throttled (`uploadBytesPerS` up, 150 ms latency), so nothing goes out at full
 *  speed. Call `health.release()` to let the probe through. (Playwright's own offline switch
 *  does not undo the throttling.) */
export async function goOnlineThrottled(page: Page, context: BrowserContext, uploadBytesPerS: number) {
  const health = await holdHealth(context);
  await context.setOffline(false);
  await expect.poll(() => health.state.seen, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: -1,
    uploadThroughput: uploadBytesPerS,
  });
  return { health, cdp };
}

/** A photo-like JPEG made by Chromium's encoder: gradient plus noise of amplitude `amp` (the
 *  larger, the bigger the file once the phone has downscaled it). Kept in memory, never in
 *  fixtures/. Needs any page (about:blank will do). */
export async function noisyJpeg(page: Page, seed: number, amp = 64, width = 2000, height = 1500): Promise<Buffer> {
  const b64 = await page.evaluate(
    async ([seed, amp, w, h]) => {
      const c = document.createElement('canvas');
      c.width = w;
      c.height = h;
      const g = c.getContext('2d')!;
      const grad = g.createLinearGradient(0, 0, w, h);
      grad.addColorStop(0, `hsl(${(seed * 47) % 360} 40% 70%)`);
      grad.addColorStop(1, '#554');
      g.fillStyle = grad;
      g.fillRect(0, 0, w, h);
      const img = g.getImageData(0, 0, w, h);
      const d = img.data;
      let s = seed >>> 0 || 1;
      const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) / 4294967296;
      for (let i = 0; i < d.length; i += 4) {
        const n = (rnd() - 0.5) * amp;
        d[i] += n;
        d[i + 1] += n;
        d[i + 2] += n;
      }
      g.putImageData(img, 0, 0);
      const blob: Blob = await new Promise((r) => c.toBlob((b) => r(b!), 'image/jpeg', 0.92));
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let out = '';
      for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(out);
    },
    [seed, amp, width, height] as const,
  );
  return Buffer.from(b64, 'base64');
}

export const jpegFile = (name: string, buffer: Buffer): PhotoFile => ({ name, mimeType: 'image/jpeg', buffer });

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
