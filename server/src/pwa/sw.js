// 街巷随手拍 service worker. Rendered by the server (server/src/pwa.rs) at startup, which
// fills in VERSION and PRECACHE; a new deploy gives new bytes, so the browser installs it.
//
// - install: precache the app shell (hashed /pkg files, icons, manifest, resident pages' HTML)
//   in `jiexiang-<VERSION>`, nothing skipped for size; then take over at once.
// - activate: delete every other `jiexiang-*` cache, claim the open pages.
// - fetch: only same-origin GET. /api/* and /photos/* are never touched (the sync engine must
//   see real network results; /api/health must never come from a cache). Page loads go to the
//   network first and fall back to the cached HTML of the same path (/, /report and /my wait at
//   most 3 s for the network when a saved copy exists); static files come from the cache first.
'use strict';

const VERSION = "__VERSION__";
const PRECACHE = ["__PRECACHE__"];
const HTML_ROUTES = ["__HTML_ROUTES__"];
const PREFIX = 'jiexiang-';
const CACHE = PREFIX + VERSION;
const FALLBACK_ROUTE = '/report';
const MATCH = { ignoreVary: true };

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // All or nothing: a half-filled cache must not become the active version.
    await cache.addAll(PRECACHE);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    if (self.registration.navigationPreload) {
      // Page loads start while the worker boots.
      await self.registration.navigationPreload.enable();
    }
    const names = await caches.keys();
    await Promise.all(
      names
        .filter((name) => name.startsWith(PREFIX) && name !== CACHE)
        .map((name) => caches.delete(name)),
    );
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (path === '/api' || path.startsWith('/api/') || path.startsWith('/photos/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(event, url));
    return;
  }
  if (path.startsWith('/pkg/') || path.startsWith('/icons/')
      || path === '/manifest.webmanifest' || path === '/favicon.svg') {
    event.respondWith(cacheFirst(event, request));
  }
});

// Pages whose saved copy is as good as a fresh one (the islands fill them in on the phone):
// on "lie-fi" (a signal that connects but carries nothing) they come from the cache after
// NAV_TIMEOUT_MS rather than after the browser gives up. /track?code=… shows server data, so
// it waits for the network.
const FAST_FALLBACK = ['/', '/report', '/my'];
const NAV_TIMEOUT_MS = 3000;

async function navigate(event, url) {
  const path = url.pathname;
  const network = (async () => {
    const response = (await event.preloadResponse) || (await fetch(event.request));
    if (response.ok && !response.redirected && HTML_ROUTES.includes(path)) {
      event.waitUntil(remember(event, url, response.clone()));
    }
    return response;
  })();
  const cache = await caches.open(CACHE);
  if (FAST_FALLBACK.includes(path)) {
    const saved = await cache.match(path, { ignoreSearch: true, ignoreVary: true });
    if (saved) {
      // The network answer still refreshes the saved copy when it comes.
      event.waitUntil(network.catch(() => undefined));
      const slow = new Promise((resolve) => setTimeout(resolve, NAV_TIMEOUT_MS, null));
      try {
        const response = await Promise.race([network, slow]);
        if (response) return response;
      } catch (err) {
        // Offline: the saved copy below.
      }
      return saved;
    }
  }
  try {
    return await network;
  } catch (err) {
    return (await cache.match(path, { ignoreSearch: true, ignoreVary: true }))
      || (await cache.match(FALLBACK_ROUTE, MATCH))
      || offlinePage();
  }
}

// Keeps the offline copy of a page fresh. A page opened with a query (`/report?street=5`) may
// be rendered for that query, so the plain path is fetched again instead of storing it.
async function remember(event, url, response) {
  const cache = await caches.open(CACHE);
  if (url.search === '') {
    await cache.put(url.pathname, response);
    return;
  }
  try {
    const plain = await fetch(url.pathname, { credentials: 'same-origin' });
    if (plain.ok && !plain.redirected) await cache.put(url.pathname, plain);
  } catch (err) {
    // Offline again; the copy from an earlier visit stays.
  }
}

async function cacheFirst(event, request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request, MATCH);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    event.waitUntil(cache.put(request, response.clone()));
  }
  return response;
}

function offlinePage() {
  const html = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
    + '<meta name="viewport" content="width=device-width, initial-scale=1">'
    + '<meta name="theme-color" content="#1f7a4d"><title>暂时没有网络 - 街巷随手拍</title>'
    + '<style>body{font-family:system-ui,sans-serif;margin:0;padding:24px;background:#f4f6f5;'
    + 'color:#1d2521;line-height:1.6}h1{font-size:1.3rem;color:#1f7a4d}a{display:inline-block;'
    + 'margin-top:12px;padding:12px 20px;border-radius:14px;background:#1f7a4d;color:#fff;'
    + 'text-decoration:none}</style></head><body><h1>暂时没有网络</h1>'
    + '<p>这个页面还没有保存在手机上。连上网络后再打开一次，以后没有信号也能上报。</p>'
    + '<a href="/report">去上报问题</a></body></html>';
  return new Response(html, {
    status: 503,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
  });
}
