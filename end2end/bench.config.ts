import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// `npm run bench`: how long the device queue takes to drain (end2end/bench/), not part of
// `npm test`. The same Chromium and phone as the tests, against its own release server on a
// fresh database, on another port (so it may run beside a test run) and with a rate limit that
// lets the benchmark's 40 reports through (the default allows 60 per 10 minutes per address).
const PORT = Number(process.env.BENCH_PORT ?? 3101);

export default defineConfig({
  ...base,
  testDir: './bench',
  timeout: 20 * 60_000,
  use: { ...base.use, baseURL: `http://127.0.0.1:${PORT}` },
  webServer: {
    command: `bash ./start-server.sh ${PORT}`,
    url: `http://127.0.0.1:${PORT}/api/health`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: { REPORT_RATE_LIMIT: '1000/60' },
  },
});
