/*! qaportal search log: reports each search a reader settles on, and each answer opened from
 * its results, as a request to <base>search/log?… that the web server logs and answers with
 * nothing (docs/search-log.md). Loaded only when the site sets `[search] log = true`; ui.js
 * calls window.qaportalLog. Never blocks the page: navigator.sendBeacon, or an image request
 * where that is missing; failures are ignored. ES2017. */
(function () {
  'use strict';
  var config = window.qaportalSearchConfig || {};
  if (!config.log) return;

  // Typing is one search: a query is reported once it has stayed on screen this long, or when
  // the reader opens a result or leaves the page.
  var SETTLE_MS = 1500;
  // A session (which searches one reader made in a row) ends after this long without a search.
  var SESSION_IDLE_MS = 30 * 60 * 1000;
  var SESSION_KEY = 'qaportal-search-session';

  function randomId() {
    var bytes = new Uint8Array(9);
    if (window.crypto && crypto.getRandomValues) crypto.getRandomValues(bytes);
    else for (var i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    return Array.prototype.map.call(bytes, function (b) { return (b % 36).toString(36); }).join('');
  }

  // A random id kept while the tab is open (sessionStorage: gone with the tab, never sent to
  // another site); without storage, one per page.
  var pageSession = randomId();
  function session() {
    try {
      var now = Date.now();
      var saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
      if (!saved || typeof saved.id !== 'string' || now - saved.seen > SESSION_IDLE_MS) saved = { id: randomId() };
      saved.seen = now;
      sessionStorage.setItem(SESSION_KEY, JSON.stringify(saved));
      return saved.id;
    } catch (e) {
      return pageSession;
    }
  }

  // The search's outcome as the engine judged it; until the engine says, found or not.
  function outcomeOf(hits) {
    return hits.outcome || (hits.length ? 'answers' : 'none');
  }

  function send(params) {
    params.session = session();
    params.v = 1;
    var query = Object.keys(params).filter(function (k) {
      return params[k] !== undefined && params[k] !== null && params[k] !== '';
    }).map(function (k) {
      return k + '=' + encodeURIComponent(params[k]);
    }).join('&');
    var url = config.log + '?' + query;
    try {
      if (navigator.sendBeacon && navigator.sendBeacon(url)) return;
    } catch (e) { /* fall back to an image request */ }
    new Image().src = url;
  }

  // Customer data never leaves the phone: a query ui.js finds `personal` (a run of eleven or
  // more digits, an e-mail address) is reported without its text. qaportal checks again, by
  // the content lint's rules, when it reads the log.
  function describe(query, system, hits, personal) {
    var params = { q: query, system: system || undefined, results: hits.total !== undefined ? hits.total : hits.length, outcome: outcomeOf(hits) };
    if (personal) {
      params.q = undefined;
      params.withheld = 1;
    }
    return params;
  }

  var pending = null;
  var timer = null;
  var lastSent = '';

  function flush() {
    clearTimeout(timer);
    timer = null;
    if (!pending) return;
    var params = pending;
    pending = null;
    var key = params.q + '\n' + (params.system || '');
    if (key === lastSent) return;
    lastSent = key;
    params.event = 'search';
    send(params);
  }

  window.qaportalLog = {
    // A search showed its results (or none); `personal`: the query may hold customer data.
    searched: function (query, system, hits, personal) {
      pending = describe(query, system, hits, personal);
      clearTimeout(timer);
      timer = setTimeout(flush, SETTLE_MS);
    },
    // The reader opened the answer `id`, at `rank` (from 1) in the results of `query`.
    opened: function (query, system, id, rank, personal) {
      flush();
      var params = describe(query, system, [], personal);
      send({ event: 'open', q: params.q, withheld: params.withheld, system: params.system, answer: id, rank: rank });
    },
  };

  // Leaving the page (or switching apps in WeChat) reports the search on screen.
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') flush();
  });
  window.addEventListener('pagehide', flush);
})();
