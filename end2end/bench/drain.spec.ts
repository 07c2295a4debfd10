import { test, expect, BrowserContext, Page, APIRequestContext } from '@playwright/test';
import {
  CATEGORIES,
  PLACES,
  PhotoFile,
  SubmitLog,
  deviceQueue,
  expectNewReports,
  goOnlineThrottled,
  jpegFile,
  noisyJpeg,
  openForm,
  queueReport,
  reportsReceived,
} from '../tests/helpers';

// Issue 4, "measure and note": the drain time of 20 queued reports with 3 photos each, on
// loopback and with the upload throttled by Chromium to 1.6 Mbps (200,000 bytes/s, 150 ms
// latency), the latter as a fraction of the link rate. `npm run bench`; prints its figures.
//
// The photos are made in memory by Chromium's JPEG encoder (gradient + noise, 2000×1500, about
// 1.2 MB each) and downscaled by the phone as a resident's would be (1600 px, quality 0.8), to
// about 0.3–0.4 MB: the size of a real phone photo after the same treatment.

const REPORTS = 20;
const PHOTOS_PER_REPORT = 3;
const LINK_BYTES_PER_S = 1_600_000 / 8;

interface Figures {
  label: string;
  reports: number;
  photoBytes: number;
  drainS: number;
  wireS: number;
}

async function drain(page: Page, context: BrowserContext, request: APIRequestContext, throttled: boolean): Promise<Figures> {
  const sources: PhotoFile[] = [];
  for (let seed = 1; seed <= 6; seed++) sources.push(jpegFile(`bench${seed}.jpg`, await noisyJpeg(page, seed * 7, 48)));
  const submits = new SubmitLog().watch(page);
  await openForm(page);
  await context.setOffline(true);
  const queueStart = Date.now();
  for (let i = 0; i < REPORTS; i++) {
    const photos = [0, 1, 2].map((k) => sources[(i + k) % sources.length]).slice(0, PHOTOS_PER_REPORT);
    await queueReport(page, {
      photos,
      category: CATEGORIES[i % CATEGORIES.length],
      place: PLACES[i % PLACES.length],
      description: `基准测试 ${i + 1}`,
    });
  }
  const queueS = (Date.now() - queueStart) / 1000;
  const stored = await deviceQueue(page);
  expect(stored?.items).toBe(REPORTS);
  expect(stored?.photos).toHaveLength(REPORTS * PHOTOS_PER_REPORT);
  const photoBytes = stored!.photos.reduce((n, p) => n + p.size, 0);
  const before = await reportsReceived(request);

  let start: number;
  if (throttled) {
    // Online, but the engine's first probe waits until the link is throttled.
    const { health } = await goOnlineThrottled(page, context, LINK_BYTES_PER_S);
    start = Date.now();
    await health.release();
  } else {
    start = Date.now();
    await context.setOffline(false);
  }
  await page.waitForFunction(
    (n) => {
      const items = [...document.querySelectorAll('li[data-testid="queue-item"]')];
      return items.length === n && items.every((i) => i.getAttribute('data-state') === 'synced');
    },
    REPORTS,
    { polling: 100, timeout: 15 * 60_000 },
  );
  const drainS = (Date.now() - start) / 1000;
  await expectNewReports(request, before, REPORTS);
  expect(submits.maxInFlight).toBe(1);
  const wireS = (submits.lastEnd - submits.firstStart) / 1000;
  const label = throttled ? '1.6 Mbps up, 150 ms' : 'loopback';
  console.log(
    `[${label}] queued ${REPORTS} reports × ${PHOTOS_PER_REPORT} photos in ${queueS.toFixed(1)} s; ` +
      `${submits.count} submit requests`,
  );
  return { label, reports: REPORTS, photoBytes, drainS, wireS };
}

function print(f: Figures) {
  const mb = f.photoBytes / 1e6;
  const lines = [
    `drain [${f.label}]: ${f.reports} reports, ${mb.toFixed(2)} MB of photos (${(f.photoBytes / f.reports / PHOTOS_PER_REPORT / 1000).toFixed(0)} kB each)`,
    `  online → all 已上传: ${f.drainS.toFixed(1)} s (${(f.drainS / f.reports).toFixed(2)} s per report)`,
    `  first request → last response: ${f.wireS.toFixed(1)} s, ${((f.photoBytes * 8) / f.wireS / 1e6).toFixed(2)} Mbit/s of photos`,
  ];
  if (f.label !== 'loopback') {
    lines.push(
      `  share of the 1.6 Mbit/s link: ${((f.photoBytes / f.drainS / LINK_BYTES_PER_S) * 100).toFixed(0)} % over the drain, ` +
        `${((f.photoBytes / f.wireS / LINK_BYTES_PER_S) * 100).toFixed(0)} % over the requests (photo bytes only; multipart framing and JSON add ≈1 kB per report)`,
    );
  }
  console.log(lines.join('\n'));
}

test('drain: 20 queued reports × 3 photos on loopback', async ({ page, context, request }) => {
  print(await drain(page, context, request, false));
});

test('drain: 20 queued reports × 3 photos at 1.6 Mbps up', async ({ page, context, request }) => {
  print(await drain(page, context, request, true));
});
