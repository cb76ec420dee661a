/*! qaportal search UI: the instant results under the search box on every page, and the search
 * page (/search/?q=…&system=…). Uses the API of qaportal-search.js (window.qaportal). ES2017. */
(function () {
  'use strict';
  var qp = window.qaportal;
  var config = window.qaportalSearchConfig || {};
  qp.init({ indexBase: config.index, manifest: config.manifest });

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  // IME compositions. Typed with a pinyin keyboard that shows the letters in the field (iOS),
  // "kaihu" on its way to 开户 would otherwise be searched, fetching the pinyin table and shards
  // for words never meant. `composition` tells whether one is under way (`already`: it began
  // before this script arrived), for a debounced search to check when it fires; `onEdit` calls
  // `fn` on every edit outside one, and when one ends.
  function composition(input, already) {
    var composing = !!already;
    input.addEventListener('compositionstart', function () { composing = true; });
    input.addEventListener('compositionend', function () { composing = false; });
    return function () { return composing; };
  }

  function onEdit(input, fn) {
    input.addEventListener('input', function (e) { if (!e.isComposing) fn(); });
    input.addEventListener('compositionend', fn);
  }

  // One result: title with the query's characters marked, system · category, a marked snippet.
  // Every value is escaped (highlight escapes the text it marks), the link's address too.
  function resultItem(hit, query) {
    var li = document.createElement('li');
    li.className = 'result';
    li.setAttribute('data-id', hit.id);
    li.innerHTML =
      '<a href="' + qp.highlight(hit.url, '') + '">' +
      '<span class="result-title">' + qp.highlight(hit.title, query) + '</span>' +
      '<span class="result-meta">' + qp.highlight(hit.systemTitle, '') + ' · ' + qp.highlight(hit.category, '') + '</span>' +
      (hit.summary ? '<span class="result-snippet">' + qp.highlight(hit.summary, query) + '</span>' : '') +
      '</a>';
    return li;
  }

  // Drops answers of a query that a newer keystroke made stale.
  function latest(fn) {
    var generation = 0;
    return function (query, opts) {
      var mine = ++generation;
      return fn(query, opts).then(function (hits) {
        if (mine !== generation) throw new Error('stale');
        return hits;
      });
    };
  }
  var search = latest(qp.search);

  // Why a search found nothing to show: offline, only words searched before (their index files
  // are saved on the phone) can be searched. Undefined for a search a newer one replaced.
  function failure(error) {
    if (error && error.message === 'stale') return undefined;
    return navigator.onLine === false
      ? '没有网络：离线时只能搜索之前搜过的词，打开过的问题仍可查看'
      : '搜索暂时不可用，请稍后再试';
  }

  function setUpBox(form) {
    var input = form.querySelector('input[name=q]');
    var list = document.createElement('ol');
    list.className = 'instant-results';
    list.id = 'instant-results';
    list.setAttribute('aria-label', '搜索建议');
    list.hidden = true;
    form.appendChild(list);
    input.setAttribute('aria-controls', list.id);
    var composing = composition(input, config.composing);
    var run = debounce(function () {
      if (composing()) return;
      var query = input.value.trim();
      if (!query) { list.hidden = true; list.innerHTML = ''; return; }
      search(query, { limit: 6 }).then(function (hits) {
        list.innerHTML = '';
        hits.forEach(function (hit) { list.appendChild(resultItem(hit, query)); });
        // Which query the list answers: a test (or an integrator) waits for it, not for time.
        list.setAttribute('data-query', query);
        if (!hits.length) {
          var li = document.createElement('li');
          li.className = 'result-none';
          li.textContent = '没有找到，按回车查看更多';
          list.appendChild(li);
        }
        list.hidden = false;
      }, function (error) {
        var message = failure(error);
        if (!message) return;
        list.innerHTML = '';
        var li = document.createElement('li');
        li.className = 'result-none';
        li.textContent = message;
        list.appendChild(li);
        list.hidden = false;
      });
    }, 120);
    onEdit(input, run);
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') list.hidden = true;
    });
    document.addEventListener('click', function (e) {
      if (!form.contains(e.target)) list.hidden = true;
    });
    qp.preload();
    // Typed before this script arrived; in a composition, its end searches instead.
    if (input.value.trim()) run();
  }

  function setUpPage(form) {
    var input = form.querySelector('input[name=q]');
    var select = form.querySelector('select[name=system]');
    var status = document.querySelector('.search-status');
    var results = document.querySelector('.results');
    var nothing = document.querySelector('.nothing-found');
    var more = document.querySelector('.more-results');
    var params = new URLSearchParams(location.search);
    input.value = params.get('q') || '';
    select.value = params.get('system') || '';

    var composing = composition(input);
    function run() {
      if (composing()) return;
      var query = input.value.trim();
      var system = select.value;
      var url = location.pathname + (query ? '?q=' + encodeURIComponent(query) + (system ? '&system=' + encodeURIComponent(system) : '') : '');
      history.replaceState(null, '', url);
      if (!query) {
        results.innerHTML = '';
        status.textContent = '';
        nothing.hidden = true;
        more.hidden = true;
        return;
      }
      status.textContent = '正在搜索…';
      // Ten results first (each costs its metadata on a slow network); more on request.
      var shown = 10;
      function show() {
        return search(query, { system: system || undefined, limit: shown }).then(function (hits) {
          results.innerHTML = '';
          hits.forEach(function (hit) { results.appendChild(resultItem(hit, query)); });
          results.setAttribute('data-query', query);
          nothing.hidden = hits.length > 0;
          more.hidden = hits.total <= shown;
          status.textContent = hits.length ? (hits.total > shown ? '显示前 ' + shown + ' 个相关问题' : '找到 ' + hits.length + ' 个相关问题') : '';
        }, function (error) {
          var message = failure(error);
          if (message) status.textContent = message;
        });
      }
      more.onclick = function () { shown += 20; show(); };
      show();
    }
    onEdit(input, debounce(run, 150));
    select.addEventListener('change', run);
    form.addEventListener('submit', function (e) { e.preventDefault(); run(); });
    run();
  }

  var page = document.querySelector('[data-qaportal-search="page"]');
  if (page) setUpPage(page);
  var box = document.querySelector('[data-qaportal-search="box"]');
  if (box && !page) setUpBox(box);
})();
