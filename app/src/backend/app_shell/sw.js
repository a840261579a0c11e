// Lumen's service worker: the pages a patient has opened (their account with its upcoming
// appointments, the clinic's pages with its contact details) and the files they need stay
// readable offline, and any other page shows the offline page instead of the browser's
// error. Booking steps, signing in, the staff area and every server call always go to the
// network: a stale free time or form would mislead. Each release has a cache of its own,
// and a new release deletes the old ones when it takes over.
const RELEASE = "__RELEASE__";
const CACHE = "lumen-" + RELEASE;
const OFFLINE = "/offline";

// Pages kept for reading offline, refreshed whenever they are opened online.
function keptOffline(path) {
  return (
    path === "/" ||
    path === "/account" ||
    path === "/treatments" ||
    path.startsWith("/treatments/") ||
    path === "/gallery" ||
    path.startsWith("/gallery/") ||
    path.startsWith("/cases/")
  );
}

// Files whose addresses change with their content (or never change).
function immutable(path) {
  return path.startsWith("/pkg/") || path.startsWith("/assets/") || path.startsWith("/media/");
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.add(new Request(OFFLINE, { cache: "reload" })))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((name) => name.startsWith("lumen-") && name !== CACHE).map((name) => caches.delete(name))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (immutable(url.pathname)) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(keptOffline(url.pathname) ? networkThenCache(request) : networkOnly(request));
  }
});

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

async function networkThenCache(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) cache.put(request, response.clone());
    return response;
  } catch (offline) {
    return (await cache.match(request)) || (await offlinePage(cache));
  }
}

async function networkOnly(request) {
  try {
    return await fetch(request);
  } catch (offline) {
    return offlinePage(await caches.open(CACHE));
  }
}

async function offlinePage(cache) {
  return (await cache.match(OFFLINE)) || Response.error();
}
