import { test, expect, Page, Response } from '@playwright/test';
import { expectFormReady, waitForServiceWorker } from './helpers';

// Issue 11: a Content-Security-Policy without 'unsafe-inline' for scripts. Every HTML response
// carries a fresh nonce (server/src/csp.rs) on all its inline scripts; Chromium must report no
// violation on any page, every page must still hydrate, and /report must still open and
// hydrate offline from the service worker's saved copy (whose CSP header is saved with it).

const PUBLIC_PAGES = ['/', '/report', '/my', '/track', '/honours', '/stats', '/staff/login'];
const PASSWORD = 'jiexiang-demo';

type Violation = { directive: string; blocked: string; sample: string; url: string };

/** Collects `securitypolicyviolation` events (page side) and CSP messages on the console. */
async function watchCsp(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: Violation[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__cspViolations.push({
        directive: e.violatedDirective,
        blocked: e.blockedURI,
        sample: e.sample,
        url: location.pathname,
      });
    });
  });
  const messages: string[] = [];
  page.on('console', (m) => {
    const text = m.text();
    if (/Content Security Policy|Content-Security-Policy|Refused to (execute|load|apply|evaluate|compile)/i.test(text)) {
      messages.push(`${page.url()}: ${text}`);
    }
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  return {
    console: messages,
    errors,
    violations: () => page.evaluate(() => (window as unknown as { __cspViolations: Violation[] }).__cspViolations),
  };
}

function scriptSrc(res: Response): string {
  const csp = res.headers()['content-security-policy'] ?? '';
  const directive = csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('script-src '));
  expect(directive, `script-src in the CSP of ${res.url()}: ${csp}`).toBeTruthy();
  return directive!;
}

/** The page's CSP allows scripts by nonce only (no 'unsafe-inline'), and every script of the
 *  page carries that nonce (read from the `nonce` property: Chromium hides the attribute). */
async function expectNonceOnly(page: Page, res: Response) {
  const src = scriptSrc(res);
  expect(src).not.toContain("'unsafe-inline'");
  expect(src).not.toContain("'unsafe-eval'");
  const nonce = src.match(/'nonce-([^']+)'/)?.[1];
  expect(nonce, `a nonce in ${src}`).toBeTruthy();
  const nonces = await page.evaluate(() => [...document.scripts].map((s) => s.nonce));
  expect(nonces.length).toBeGreaterThanOrEqual(2);
  for (const n of nonces) expect(n).toBe(nonce);
  return nonce!;
}

async function expectHydrated(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

test('every page: nonce-only scripts, no CSP violation, hydrated', async ({ page }) => {
  const csp = await watchCsp(page);
  const seen = new Map<string, string>();
  for (const path of PUBLIC_PAGES) {
    const res = await page.goto(path);
    expect(res!.status(), path).toBe(200);
    const nonce = await expectNonceOnly(page, res!);
    await expectHydrated(page);
    if (path === '/report') await expectFormReady(page);
    expect(await csp.violations(), path).toEqual([]);
    seen.set(path, nonce);
  }
  // A fresh nonce per response.
  expect(new Set(seen.values()).size).toBe(PUBLIC_PAGES.length);
  const again = await page.goto('/report');
  expect(await expectNonceOnly(page, again!)).not.toBe(seen.get('/report'));
  await expectHydrated(page);
  expect(csp.console).toEqual([]);
  expect(csp.errors).toEqual([]);
  // An injected inline script (as through a markup injection) does not run.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.append(s);
  });
  await expect.poll(() => csp.violations().then((v) => v.length)).toBe(1);
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
  const [injected] = await csp.violations();
  expect(injected.directive).toMatch(/^script-src/);
});

test('staff and admin pages, the street poster and its print button: no CSP violation', async ({ page }) => {
  const csp = await watchCsp(page);
  await page.addInitScript(() => {
    (window as unknown as { __printed: number }).__printed = 0;
    window.print = () => {
      (window as unknown as { __printed: number }).__printed += 1;
    };
  });
  await page.goto('/staff/login');
  await page.getByLabel('用户名').fill('admin');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/staff\?ok=1$/);
  for (const path of ['/staff', '/staff/inbox', '/staff/dashboard', '/staff/honours', '/findings', '/dudao/reports', '/admin']) {
    const res = await page.goto(path);
    expect(res!.status(), path).toBe(200);
    await expectNonceOnly(page, res!);
    await expectHydrated(page);
    expect(await csp.violations(), path).toEqual([]);
  }
  const poster = await page.locator('a.poster-link').first().getAttribute('href');
  const res = await page.goto(poster!);
  expect(res!.status()).toBe(200);
  await expectNonceOnly(page, res!);
  await expect(page.getByTestId('poster')).toBeVisible();
  await page.getByRole('button', { name: /打印/ }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __printed: number }).__printed)).toBe(1);
  expect(await csp.violations()).toEqual([]);
  expect(csp.console).toEqual([]);
  expect(csp.errors).toEqual([]);
});

test('offline after one online visit: /report opens from the saved copy, its CSP matches its nonce, it hydrates', async ({
  page,
  context,
}) => {
  const csp = await watchCsp(page);
  const online = await page.goto('/report');
  await expectFormReady(page);
  await waitForServiceWorker(page);
  await expectNonceOnly(page, online!);

  await context.setOffline(true);
  for (const path of ['/report', '/', '/my']) {
    const res = await page.goto(path);
    expect(res!.fromServiceWorker(), path).toBe(true);
    expect(res!.status(), path).toBe(200);
    // The saved response: its own header names the nonce written in its own markup.
    await expectNonceOnly(page, res!);
    await expectHydrated(page);
    if (path === '/report') await expectFormReady(page);
    expect(await csp.violations(), path).toEqual([]);
  }
  const reloaded = await page.reload();
  expect(reloaded!.fromServiceWorker()).toBe(true);
  await expectHydrated(page);
  expect(await csp.violations()).toEqual([]);
  expect(csp.console).toEqual([]);
  expect(csp.errors).toEqual([]);
  await context.setOffline(false);
});
