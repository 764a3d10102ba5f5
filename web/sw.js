// Service worker: keeps the app shell (HTML, bundle, styles, wasm) available offline, so the
// app opens and reloads while no relay is reachable. Network first (a fresh deploy wins),
// the cached copy when the network fails. Data never passes through here: it is in IndexedDB.
const CACHE = 'datt-shell-v3';
const SHELL = ['/', '/index.html', '/app.js', '/worker.js', '/verifier.js', '/signer.js', '/pow-worker.js', '/app.css', '/wasm/datt.mjs',
  '/wasm/datt_common.mjs', '/wasm/datt_core.mjs', '/wasm/datt_core.wasm'];
// The wasm payments module (datt.loadPayments(), the wallet) and channel module
// (datt.loadChannels(), the Channels page): not fetched at install, so a device that never
// uses them never downloads them; cached like the shell once used.
const ON_USE = ['/wasm/payments.mjs', '/wasm/datt_pay.mjs', '/wasm/datt_pay.wasm',
  '/wasm/channels.mjs', '/wasm/datt_channel.mjs', '/wasm/datt_channel.wasm'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin
    || !(SHELL.includes(url.pathname) || ON_USE.includes(url.pathname))) return;
  // The relay's NIP-11 document shares the path "/" with the shell: never cached, never the shell.
  if (event.request.headers.get('accept')?.includes('application/nostr+json')) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(event.request);
      if (response.ok) await cache.put(event.request, response.clone());
      return response;
    } catch (error) {
      const cached = await cache.match(event.request, { ignoreSearch: true });
      if (cached) return cached;
      throw error;
    }
  })());
});
