{% if site.offline %}/* qaportal service worker: keeps the help center usable on a phone with no signal. Written by
 * `qaportal build`: the version in CONFIG is a hash of the whole site, so each new build installs
 * a new cache and removes the old one. ES2017, no dependencies.
 *
 * - Installed: the home page, the system pages, the search page, the offline page, styles,
 *   scripts and the search index manifest are saved.
 * - Pages (and other files that may change under the same URL) come from the network first, and
 *   are saved as they arrive: every answer the reader opened is there offline. When the network
 *   fails, or is slower than CONFIG.networkTimeoutMs and a saved copy exists, the saved copy is
 *   shown; a page never saved gets the offline page.
 * - Styles, scripts (`?v=<hash>`) and the search index's shards and metadata (under a
 *   content-hash folder) never change under the same URL: they come from the cache first, and
 *   are saved as they are fetched. A search saves the shards of its terms; its first results
 *   also save the metadata of their systems' other answers and the pinyin table, so that
 *   another search in the same system works offline for the same and similar words.
 */
'use strict';

var CONFIG = {{ worker.config | safe }};
var PREFIX = 'qaportal ' + CONFIG.scope + ' ';
var CACHE = PREFIX + CONFIG.version;

self.addEventListener('install', function (event) {
  event.waitUntil(install());
});

self.addEventListener('activate', function (event) {
  event.waitUntil(activate());
});

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  // Event streams (the live reload of `qaportal serve`) never end: they are not for a cache.
  if (request.method !== 'GET' || url.origin !== self.location.origin ||
      url.pathname.indexOf(CONFIG.scope) !== 0 ||
      (request.headers.get('Accept') || '').indexOf('text/event-stream') >= 0) return;
  if (isImmutable(url.pathname)) {
    event.respondWith(cacheFirst(event, request));
    return;
  }
  // A page is saved under its path: /search/?q=… is the search page.
  var page = request.mode === 'navigate';
  event.respondWith(networkFirst(event, request, page ? url.origin + url.pathname : request.url, page));
});

async function install() {
  var cache = await caches.open(CACHE);
  await cache.addAll(CONFIG.precache.map(function (url) { return new Request(url, { cache: 'reload' }); }));
  await carryOver(cache);
  // The new version takes over the open pages at once: they keep working, since a page only
  // ever asks for files of its own version or for pages.
  await self.skipWaiting();
}

async function activate() {
  var names = await caches.keys();
  await Promise.all(names.filter(function (name) {
    return name.indexOf(PREFIX) === 0 && name !== CACHE;
  }).map(function (name) { return caches.delete(name); }));
  await self.clients.claim();
}

// The answers a reader saved stay saved across a new build, without using the network: the
// copies are taken over as they are, and refreshed when they are next opened online. Styles,
// scripts and index files of the old version are left behind, except the index files that the
// new version shares (same content-hash folder, same bytes).
async function carryOver(cache) {
  var names = await caches.keys();
  for (var name of names) {
    if (name.indexOf(PREFIX) !== 0 || name === CACHE) continue;
    var old = await caches.open(name);
    var requests = await old.keys();
    await Promise.all(requests.map(async function (request) {
      var path = new URL(request.url).pathname;
      var shared = CONFIG.searchBase && path.indexOf(CONFIG.searchBase) === 0;
      if (!shared && (isImmutable(path) || isIndexFile(path))) return;
      if (await cache.match(request)) return;
      var response = await old.match(request);
      if (response) await cache.put(request, response);
    }));
  }
}

function isIndexFile(path) {
  return path.indexOf(CONFIG.searchIndex) === 0 && path !== CONFIG.searchIndex;
}

function isImmutable(path) {
  return path.indexOf(CONFIG.staticPrefix) === 0 ||
    (isIndexFile(path) && path.slice(CONFIG.searchIndex.length).indexOf('/') > 0);
}

// Saves a copy of a good response; the caller passes the promise to event.waitUntil, while the
// request is still being answered, so that the worker lives until the copy is written.
function save(cache, key, response) {
  if (!response.ok || response.type !== 'basic') return Promise.resolve();
  return cache.put(key, response.clone());
}

function ignore() {}

async function cacheFirst(event, request) {
  var cache = await caches.open(CACHE);
  var saved = await cache.match(request);
  if (saved) return saved;
  try {
    var response = await fetch(request);
    event.waitUntil(save(cache, request, response).then(function () {
      if (response.ok && isMetaChunk(request.url)) return warmSearch(cache, request.url);
    }).catch(ignore));
    return response;
  } catch (error) {
    // A page saved under an older version asks for its old styles: the current ones will do.
    var current = await cache.match(request, { ignoreSearch: true });
    if (current) return current;
    var empty = emptyOverflowShard(request.url);
    if (empty) return empty;
    throw error;
  }
}

async function networkFirst(event, request, key, page) {
  var cache = await caches.open(CACHE);
  var network = fetch(request);
  event.waitUntil(network.then(function (response) {
    var copy = page && response.ok && response.type === 'basic' ? response.clone() : null;
    return save(cache, key, response).then(function () {
      if (copy) return saveShortLink(cache, key, copy);
    });
  }).catch(ignore));
  var timeout = new Promise(function (resolve) { setTimeout(resolve, CONFIG.networkTimeoutMs, null); });
  var first = await Promise.race([network.catch(function () { return null; }), timeout]);
  if (first) return first;
  var saved = await cache.match(key);
  if (saved) return saved;
  try {
    return await network;
  } catch (error) {
    var offline = page && await cache.match(CONFIG.offlinePage);
    if (offline) return offline;
    throw error;
  }
}

// An answer's page names its short link (/a/KB-0019/), which QR codes and chat messages use:
// saved as a redirect to the page, it opens offline too, with its #step-N.
async function saveShortLink(cache, pageUrl, response) {
  var match = /<article class="answer" data-short-link="([^"]+)"/.exec(await response.text());
  if (!match) return;
  var shortUrl = new URL(match[1].replace(/&amp;/g, '&'), self.location.origin).href;
  if (shortUrl === pageUrl) return;
  await cache.put(shortUrl, Response.redirect(pageUrl, 302));
}

function metaPrefix() {
  return self.location.origin + CONFIG.searchBase + 'm/';
}

function isMetaChunk(url) {
  return !!CONFIG.searchBase && url.indexOf(metaPrefix()) === 0;
}

// Results of a search fetched the metadata (titles, links) of the answers they show; the rest of
// their systems' answers are saved too (a few kB), and the pinyin table, which a query needs for
// a word typed in pinyin.
async function warmSearch(cache, url) {
  var saved = await cache.match(CONFIG.searchManifest);
  if (!saved) return;
  var m = await saved.json();
  var chunk = parseInt(url.slice(metaPrefix().length), 10);
  var first = chunk * m.metaChunk;
  var wanted = [];
  m.systems.forEach(function (s) {
    if (s.end <= first || s.start >= first + m.metaChunk) return;
    for (var c = Math.floor(s.start / m.metaChunk); c * m.metaChunk < s.end; c++) wanted.push(metaPrefix() + c + '.json');
  });
  wanted.push(CONFIG.searchPinyin);
  for (var want of wanted) {
    if (!(await cache.match(want))) await cache.add(want);
  }
}

// The second tier of the index holds the long tail of common terms, read when a system filter
// leaves few results. Offline and never fetched, it is answered as empty: the first tier still
// gives each term's best answers.
function emptyOverflowShard(url) {
  if (!CONFIG.searchBase || url.indexOf(self.location.origin + CONFIG.searchBase + 'x/') !== 0) return null;
  // No part at all: the search engine reads each missing part of a shard as an empty index.
  var body = JSON.stringify({});
  return new Response(body, { headers: { 'Content-Type': 'application/json' } });
}
{% else %}/* qaportal: offline support is turned off ([offline] enabled = false). A phone that installed the
 * service worker of an earlier build gets this one instead: it deletes the site's saved pages
 * and unregisters itself. */
'use strict';

var PREFIX = 'qaportal ' + {{ site.home_url | json }} + ' ';

self.addEventListener('install', function () {
  self.skipWaiting();
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf(PREFIX) === 0; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.registration.unregister(); }));
});
{% endif %}