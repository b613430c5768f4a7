// The page's service worker: it keeps the page and its checker so that the
// page opens and checks offline once it has been loaded. The cache is
// named after the build; a new build replaces it.
const CACHE = "backproof-@VERSION@";
const FILES = ["./", "index.html", "app.js", "style.css", "wasm_exec.js", "backproof.wasm"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith("backproof-") && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  event.respondWith(caches.open(CACHE).then((c) =>
    c.match(event.request, { ignoreSearch: true }).then((hit) => hit || fetch(event.request).then((res) => {
      if (res.ok && new URL(event.request.url).origin === location.origin) c.put(event.request, res.clone());
      return res;
    }))));
});
