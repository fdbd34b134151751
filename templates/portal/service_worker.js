{% autoescape off %}// The portal's service worker (portal/views/offline.py). The officer's pages (the
// dashboard, the violation form, My tasks with the notices, My unit, the outbox) are
// kept on the device: fetched from the network while there is one (and kept fresh), from
// the device when there is none; their scripts and styles likewise. Nothing is sent from here: the pages'
// outbox (static/cases/outbox.js) keeps and sends what the officer saves, and says on
// every page what is waiting. A page is kept by its path (a query, e.g. ?back=, is not
// part of the key), and only a page the server answered without a redirect (not the
// sign-in page).
"use strict";
const CONFIG = {{ config }};

async function keep(cache, path) {
  const response = await fetch(path, { credentials: "same-origin" });
  if (!response.ok || response.redirected) return null;
  await cache.put(path, response.clone());
  return response.text();
}

// The scripts and styles a kept page names.
function assetsOf(html) {
  const found = new Set();
  const pattern = /(?:src|href)="([^"]+)"/g;
  let match;
  while ((match = pattern.exec(html))) {
    if (match[1].startsWith(CONFIG.static)) found.add(match[1]);
  }
  return Array.from(found);
}

async function keepAll() {
  const cache = await caches.open(CONFIG.cache);
  for (const path of CONFIG.pages) {
    try {
      const html = await keep(cache, path);
      if (html) await Promise.all(assetsOf(html).map((asset) => keep(cache, asset).catch(() => null)));
    } catch (error) {
      /* not kept now: kept the next time the page is opened */
    }
  }
}

// A page asks for the pages to be kept again (the officer changed the language: the
// copies kept are in the one before).
self.addEventListener("message", (event) => {
  if (event.data === "keep-again") event.waitUntil(keepAll());
});

self.addEventListener("install", (event) => {
  event.waitUntil(keepAll().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((name) => name.startsWith("cep-pages-") && name !== CONFIG.cache).map((name) => caches.delete(name)))
      )
      .then(() => self.clients.claim())
  );
});

async function page(request, url) {
  const cache = await caches.open(CONFIG.cache);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && CONFIG.pages.includes(url.pathname)) {
      await cache.put(url.pathname, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await cache.match(url.pathname);
    if (kept) return kept;
    // The page that says what waits on the device, with why it is shown instead.
    const fallback = CONFIG.fallback && (await cache.match(CONFIG.fallback));
    if (fallback) {
      const html = (await fallback.text()).replace(
        "data-offline-note hidden></p>",
        "data-offline-note>" + escapeHtml(CONFIG.offlineText) + "</p>"
      );
      return new Response(html, {
        status: 503,
        headers: { "Content-Type": "text/html; charset=utf-8" },
      });
    }
    return new Response(CONFIG.offlineText, {
      status: 503,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
}

function escapeHtml(value) {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

async function asset(request) {
  const cache = await caches.open(CONFIG.cache);
  const kept = await cache.match(request);
  const fresh = fetch(request)
    .then((response) => {
      if (response.ok) cache.put(request, response.clone());
      return response;
    })
    .catch(() => null);
  return kept || (await fresh) || Response.error();
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") event.respondWith(page(request, url));
  else if (url.pathname.startsWith(CONFIG.static)) event.respondWith(asset(request));
});
{% endautoescape %}
