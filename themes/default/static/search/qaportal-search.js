/*! qaportal search: query side of the tokenizer contract (search-index/TOKENIZER.md) and a query
 * engine over qaportal's sharded lunr.js 2.3.9 index. ES2017, no dependencies, no external requests.
 *
 * The index has two parts, each a lunr index over all documents: "a" (answers: title, tags,
 * headings, body) and "p" (phrasings: the recorded ways users ask, with their own BM25). A
 * document's score is the sum of lunr's scores in the two parts; every shard file holds both.
 *
 * API (also on window.qaportal in a browser, module.exports under node):
 *   qaportal.init({indexBase, fetch, manifest})  where the index lives (default "/search/");
 *                                       optional fetch, and a fetch of the manifest under way
 *   qaportal.search(query, {system, limit})
 *     -> Promise<[{id, title, url, system, systemTitle, category, summary, score}]>, best first;
 *        the array's `total` counts the matches, also beyond `limit`, for a "more" button that
 *        fetches no metadata of results not shown (a lower bound when a very common term's
 *        postings beyond its best were not needed, see rank)
 *   qaportal.preload()                  fetch the manifest ahead of the first query
 *   qaportal.systems()                  -> Promise<[{key, title}]> for a system filter
 *   qaportal.highlight(text, query)     -> HTML-escaped text with <mark> around query characters
 *   qaportal.tokenize(text, {pinyin, unigrams}), qaportal.queryTerms(query): the contract
 */
(function (root) {
  'use strict';

  var MAX_INITIALS_RUN = 4;
  // Function characters that are not terms on their own (tokenizer.rs STOP_CHARS).
  var STOP_CHARS = '的了吗呢啊吧呀嘛哦哈嗯呃着得地我你他她它们这那个是么请问一下就都也还又把被给和与及或在';
  // Bigrams that say how a user asks, not what about: never query terms (tokenizer.rs
  // QUERY_FILLER_BIGRAMS).
  var QUERY_FILLER_BIGRAMS = ['怎么', '么办', '为什', '什么', '如何', '怎样', '是否', '请问', '你好', '一下', '这个', '那个',
    '我想', '想问', '可以'];

  // ---- tokenizer contract (mirror of search-index/src/tokenizer.rs) ----

  function normalize(text) {
    return String(text).normalize('NFKC').toLowerCase();
  }

  function isHan(cp) {
    return (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x323af);
  }

  function isWord(cp) {
    return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39) ||
      (cp >= 0xdf && cp <= 0xf6) || (cp >= 0xf8 && cp <= 0x24f) || (cp >= 0x370 && cp <= 0x4ff);
  }

  // Han runs and words of normalized text: [{han: bool, chars: [string]}].
  function runs(text) {
    var out = [];
    var cur = null;
    for (var ch of text) {
      var cp = ch.codePointAt(0);
      var cls = isHan(cp) ? 1 : isWord(cp) ? 2 : 0;
      if (cur && cur.cls === cls) {
        cur.chars.push(ch);
        continue;
      }
      if (cur) out.push({ han: cur.cls === 1, chars: cur.chars });
      cur = cls ? { cls: cls, chars: [ch] } : null;
    }
    if (cur) out.push({ han: cur.cls === 1, chars: cur.chars });
    return out;
  }

  function wordTokens(word, out) {
    out.push(word);
    var parts = word.match(/[0-9]+|[^0-9]+/g);
    if (parts.length > 1) for (var i = 0; i < parts.length; i++) out.push(parts[i]);
  }

  function hanTokens(chars, pinyin, unigrams, py, out) {
    var n = chars.length;
    for (var i = 0; i < n; i++) {
      if ((unigrams || n === 1) && STOP_CHARS.indexOf(chars[i]) < 0) out.push(chars[i]);
      if (i + 1 < n) out.push(chars[i] + chars[i + 1]);
    }
    if (!pinyin) return;
    var syl = chars.map(function (c) { return py.byChar.get(c); });
    for (var j = 0; j + 1 < n; j++) {
      if (syl[j] && syl[j + 1]) out.push(syl[j] + "'" + syl[j + 1]);
    }
    if (n >= 2 && n <= MAX_INITIALS_RUN && syl.every(Boolean)) {
      out.push(syl.map(function (s) { return s[0]; }).join(''));
    }
  }

  // tokenize(text, {pinyin: bool, unigrams: bool}); pinyin needs the table (see loadPinyin).
  function tokenize(text, opts, py) {
    opts = opts || {};
    py = py || state.py || EMPTY_PY;
    var unigrams = opts.unigrams !== false;
    var out = [];
    runs(normalize(text)).forEach(function (r) {
      if (r.han) hanTokens(r.chars, !!opts.pinyin, unigrams, py, out);
      else wordTokens(r.chars.join(''), out);
    });
    return out;
  }

  // A word typed in pinyin -> syllables: fewest syllables, then longest first syllable.
  function segmentSyllables(word, py) {
    var n = word.length;
    if (n < 2 || !/^[a-z]+$/.test(word)) return null;
    var INF = 1e9;
    var best = new Array(n + 1).fill(INF);
    best[n] = 0;
    for (var i = n - 1; i >= 0; i--) {
      for (var len = 1; len <= Math.min(py.longest, n - i); len++) {
        if (best[i + len] !== INF && py.syllables.has(word.substr(i, len))) {
          best[i] = Math.min(best[i], best[i + len] + 1);
        }
      }
    }
    if (best[0] === INF || best[0] < 2) return null;
    var out = [];
    for (var k = 0; k < n;) {
      for (var l = Math.min(py.longest, n - k); l >= 1; l--) {
        if (best[k + l] !== INF && best[k + l] + 1 === best[k] && py.syllables.has(word.substr(k, l))) break;
      }
      out.push(word.substr(k, l));
      k += l;
    }
    return out;
  }

  // hanTokens of a query's Han run: pinyin pairs, no initials, no filler bigrams.
  function hanQueryTokens(chars, py, out) {
    var n = chars.length;
    var filler = function (i) { return QUERY_FILLER_BIGRAMS.indexOf(chars[i] + chars[i + 1]) >= 0; };
    for (var i = 0; i < n; i++) {
      if (STOP_CHARS.indexOf(chars[i]) < 0) out.push(chars[i]);
      if (i + 1 < n && !filler(i)) out.push(chars[i] + chars[i + 1]);
    }
    for (var j = 0; j + 1 < n; j++) {
      var a = py.byChar.get(chars[j]), b = py.byChar.get(chars[j + 1]);
      if (a && b && !filler(j)) out.push(a + "'" + b);
    }
  }

  function queryTerms(query, py) {
    py = py || state.py || EMPTY_PY;
    var out = [];
    runs(normalize(query)).forEach(function (r) {
      if (r.han) {
        hanQueryTokens(r.chars, py, out);
        return;
      }
      var word = r.chars.join('');
      wordTokens(word, out);
      var syl = segmentSyllables(word, py);
      if (syl) for (var i = 0; i + 1 < syl.length; i++) out.push(syl[i] + "'" + syl[i + 1]);
    });
    return out;
  }

  function termClass(term) {
    var chars = Array.from(term);
    if (chars.length === 1 && isHan(chars[0].codePointAt(0))) return 'char';
    if (chars.length === 2 && isHan(chars[0].codePointAt(0)) && isHan(chars[1].codePointAt(0))) return 'bigram';
    return term.indexOf("'") >= 0 ? 'pinyin' : 'word';
  }

  function parsePinyin(text) {
    var byChar = new Map();
    var syllables = new Set();
    var longest = 0;
    text.split('\n').forEach(function (line) {
      if (!line || line[0] === '#') return;
      var sp = line.indexOf(' ');
      var syl = line.slice(0, sp);
      syllables.add(syl);
      longest = Math.max(longest, syl.length);
      for (var c of line.slice(sp + 1)) byChar.set(c, syl);
    });
    return { byChar: byChar, syllables: syllables, longest: longest };
  }

  var EMPTY_PY = { byChar: new Map(), syllables: new Set(), longest: 0 };

  // FNV-1a over UTF-16 code units: the shard of a term (search-index/src/client.rs shard_of).
  function shardOf(term, shards) {
    var h = 0x811c9dc5;
    for (var i = 0; i < term.length; i++) {
      h ^= term.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % shards;
  }

  // ---- loading ----

  var state = {
    base: '/search/', fetch: null, manifest: null, py: null, shards: new Map(), meta: new Map(),
    readings: new Map()
  };

  function init(opts) {
    opts = opts || {};
    if (opts.indexBase) state.base = opts.indexBase.replace(/\/?$/, '/');
    if (opts.fetch) state.fetch = opts.fetch;
    // A fetch of the manifest begun before this script ran (the page's loader starts it with
    // the scripts: one round trip less before the first results).
    state.manifestResponse = opts.manifest || null;
    state.manifest = null;
    state.py = null;
    state.pyPromise = null;
    state.shards = new Map();
    state.meta = new Map();
    state.readings = new Map();
    return api;
  }

  function get(path, asText, response) {
    var f = state.fetch || root.fetch.bind(root);
    return (response || f(state.base + path)).then(function (res) {
      if (!res.ok) throw new Error('qaportal search: ' + path + ': HTTP ' + res.status);
      return asText ? res.text() : res.json();
    });
  }

  function manifest() {
    if (!state.manifest) {
      var early = state.manifestResponse;
      state.manifestResponse = null;
      state.manifest = get('manifest.json', false, early).then(function (m) {
        addReadings(m.readings);
        return m;
      }, function (error) {
        // On a weak network the next search tries again, instead of failing until a reload.
        state.manifest = null;
        throw error;
      });
    }
    return state.manifest;
  }

  // Readings of Han characters come with the index: the manifest has the stop characters', each
  // first-tier shard those of the characters that hash to it as one-character terms. A query
  // fetches the shard of each of its other characters anyway, so it knows the readings it needs
  // to spell a mistyped bigram in pinyin without the whole table.
  function addReadings(r) {
    if (r) Object.keys(r).forEach(function (c) { state.readings.set(c, r[c]); });
  }

  // The whole pinyin table is fetched only when a query needs it: for a word typed in pinyin (its
  // syllables), or with an index written without readings. Most queries never do.
  function loadPinyin() {
    if (!state.pyPromise) {
      state.pyPromise = get('pinyin.txt', true).then(function (t) { return (state.py = parsePinyin(t)); });
    }
    return state.pyPromise;
  }

  function preload() {
    return manifest().then(function () {});
  }

  // A serialized lunr index, parsed into term -> posting and field vectors. A missing part (the
  // service worker answers an overflow shard it never saved with an empty one) is empty.
  function parseLunr(json) {
    var vectors = new Map();
    var terms = new Map();
    if (json) {
      json.fieldVectors.forEach(function (v) { vectors.set(v[0], v[1]); });
      json.invertedIndex.forEach(function (e) { terms.set(e[0], e[1]); });
    }
    return { fields: json ? json.fields : [], vectors: vectors, terms: terms };
  }

  // A shard ('t' first tier, 'x' second tier), parsed once: part key -> parsed lunr index.
  function shard(m, tier, n) {
    var key = tier + n;
    var p = state.shards.get(key);
    if (!p) {
      p = get(m.base + tier + '/' + n + '.json').then(function (json) {
        addReadings(json.r);
        var parts = {};
        m.parts.forEach(function (part) { parts[part.key] = parseLunr(json[part.key]); });
        return parts;
      });
      state.shards.set(key, p);
    }
    return p;
  }

  function metaChunk(m, n) {
    var p = state.meta.get(n);
    if (!p) {
      p = get(m.base + 'm/' + n + '.json');
      state.meta.set(n, p);
    }
    return p;
  }

  // ---- ranking: lunr 2.3.9's Index#query scoring, across shards, summed over the parts ----

  // Postings of a term in a part of a loaded shard, as [field, ref, weight] (weight from the
  // field vector).
  function postingsOf(s, term) {
    var posting = s.terms.get(term);
    if (!posting) return [];
    var out = [];
    for (var f = 0; f < s.fields.length; f++) {
      var field = s.fields[f];
      for (var ref in posting[field]) {
        var w = elementAt(s.vectors.get(field + '/' + ref), posting._index);
        if (w) out.push([field, ref, w]);
      }
    }
    return out;
  }

  // Number of postings of a term in a part of a loaded shard.
  function postingCount(s, term) {
    var posting = s.terms.get(term);
    var n = 0;
    if (posting) s.fields.forEach(function (f) { n += Object.keys(posting[f]).length; });
    return n;
  }

  // Score of each document (number) for weighted clauses [{term, boost}]: the sum over the parts
  // of the score lunr gives in that part, each exactly as lunr scores an index holding every
  // loaded shard of the part: sum over fields of (query . field vector) / |query|, where the
  // query vector holds the terms that part knows (its own magnitude).
  // `byTerm` maps a term to the shards (tiers) it was looked up in.
  function score(m, clauses, byTerm) {
    var scores = new Map();
    m.parts.forEach(function (part) { scorePart(part.key, clauses, byTerm, scores); });
    return scores;
  }

  function scorePart(key, clauses, byTerm, scores) {
    var qv = new Map();
    clauses.forEach(function (c) {
      var known = byTerm.get(c.term).some(function (s) { return s[key].terms.has(c.term); });
      if (known) qv.set(c.term, (qv.get(c.term) || 0) + c.boost);
    });
    var mag = 0;
    qv.forEach(function (b) { mag += b * b; });
    mag = Math.sqrt(mag);
    qv.forEach(function (boost, term) {
      byTerm.get(term).forEach(function (s) {
        postingsOf(s[key], term).forEach(function (p) {
          var doc = +p[1];
          scores.set(doc, (scores.get(doc) || 0) + boost * p[2] / mag);
        });
      });
    });
  }

  // Whether any part of a loaded first-tier shard knows the term (a term of a part always has
  // first-tier postings).
  function knows(m, s, term) {
    return m.parts.some(function (part) { return s[part.key].terms.has(term); });
  }

  // Binary search in a lunr vector [index, value, index, value, ...] sorted by index.
  function elementAt(vec, idx) {
    if (!vec) return 0;
    var lo = 0, hi = vec.length / 2 - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      var at = vec[mid * 2];
      if (at === idx) return vec[mid * 2 + 1];
      if (at < idx) lo = mid + 1; else hi = mid - 1;
    }
    return 0;
  }

  // Weighted clauses of a query (see TOKENIZER.md §4). Without the pinyin table: the Han terms
  // and words. With it: also the syllable pairs of words typed in pinyin, and for each Han
  // bigram its pinyin pair (`alt` names the bigram): the pair counts only when the index does
  // not know the bigram, so a correctly typed query does not count twice.
  function clausesFor(m, query, py) {
    var w = m.weights;
    var alt = new Map();
    runs(normalize(query)).forEach(function (r) {
      if (!r.han) return;
      for (var i = 0; i + 1 < r.chars.length; i++) {
        var a = py.byChar.get(r.chars[i]), b = py.byChar.get(r.chars[i + 1]);
        if (a && b) alt.set(a + "'" + b, r.chars[i] + r.chars[i + 1]);
      }
    });
    return queryTerms(query, py).map(function (t) {
      return { term: t, boost: w[termClass(t)], alt: alt.get(t) };
    });
  }

  // Loads the first-tier shard of each term not looked up yet; `byTerm` gets term -> [shard].
  async function lookUp(m, terms, byTerm) {
    var todo = terms.filter(function (t) { return !byTerm.has(t); });
    var shards = await Promise.all(todo.map(function (t) { return shard(m, 't', shardOf(t, m.shards)); }));
    todo.forEach(function (t, i) { byTerm.set(t, [shards[i]]); });
  }

  // Adds the second-tier shards of the terms whose first tier is full in some part (they may have
  // more there). A second-tier shard holds every part; a part whose first tier was not full has
  // none of the term's postings in it.
  async function lookUpRest(m, byTerm) {
    if (!m.overflowShards) return;
    var full = [];
    byTerm.forEach(function (shards, term) {
      var isFull = m.parts.some(function (part) { return postingCount(shards[0][part.key], term) >= m.firstTier; });
      if (isFull) full.push(term);
    });
    var rest = await Promise.all(full.map(function (t) { return shard(m, 'x', shardOf(t, m.overflowShards)); }));
    full.forEach(function (t, i) { byTerm.set(t, [byTerm.get(t)[0], rest[i]]); });
  }

  // Whether the query has a word that may be pinyin: segmenting it needs the table's syllables.
  function typesPinyin(query) {
    return runs(normalize(query)).some(function (r) { return !r.han && /^[a-z]{2,}$/.test(r.chars.join('')); });
  }

  // Readings for a query's clauses: the whole table when loaded or needed, otherwise those that
  // came with the manifest and the shards (every character of the query that has one).
  function pinyinFor(m, query) {
    if (state.py || !m.readings || typesPinyin(query)) return loadPinyin();
    return Promise.resolve({ byChar: state.readings, syllables: EMPTY_PY.syllables, longest: 0 });
  }

  // A Han bigram counts as known when any part knows it (TOKENIZER.md §4, pinyin fallback).
  function needsPinyin(m, query, byTerm) {
    var need = typesPinyin(query);
    runs(normalize(query)).forEach(function (r) {
      if (!r.han) return;
      for (var i = 0; i + 1 < r.chars.length; i++) {
        var bigram = r.chars[i] + r.chars[i + 1];
        // Filler bigrams are not query terms, so never looked up.
        if (byTerm.has(bigram) && !knows(m, byTerm.get(bigram)[0], bigram)) need = true;
      }
    });
    return need;
  }

  // Ranked [{doc, score}] (no metadata): for tests and benches. {complete: true} also reads the
  // second tier (exact lunr scores over the whole index); otherwise it is read only when a
  // system filter leaves fewer results than asked for.
  async function rank(query, opts) {
    opts = opts || {};
    var limit = opts.limit || 10;
    var m = await manifest();
    var byTerm = new Map();
    var clauses = clausesFor(m, query, EMPTY_PY);
    await lookUp(m, clauses.map(function (c) { return c.term; }), byTerm);
    // With the fallback switched off in the manifest, every pinyin pair counts: every query
    // needs the readings of its characters.
    var fallback = m.pinyinFallback !== false;
    if (!fallback || needsPinyin(m, query, byTerm)) {
      var py = await pinyinFor(m, query);
      // Pairs spelled by bigrams the index knows would be dropped anyway: never fetched.
      clauses = clausesFor(m, query, py).filter(function (c) {
        return !fallback || !c.alt || !byTerm.has(c.alt) || !knows(m, byTerm.get(c.alt)[0], c.alt);
      });
      await lookUp(m, clauses.map(function (c) { return c.term; }), byTerm);
    }
    var range = null;
    if (opts.system) {
      var sys = m.systems.filter(function (s) { return s.key === opts.system; })[0];
      range = sys ? [sys.start, sys.end] : [0, 0];
    }
    var hits = collect(score(m, clauses, byTerm), range);
    if (opts.complete || (range && hits.length < limit)) {
      await lookUpRest(m, byTerm);
      hits = collect(score(m, clauses, byTerm), range);
    }
    state.lastClauses = clauses;
    var top = hits.slice(0, limit);
    top.total = hits.length;
    return top;
  }

  function collect(scores, range) {
    var hits = [];
    scores.forEach(function (s, doc) {
      if (!range || (doc >= range[0] && doc < range[1])) hits.push({ doc: doc, score: s });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return hits;
  }

  async function search(query, opts) {
    opts = opts || {};
    var m = await manifest();
    var hits = await rank(query, { system: opts.system, limit: opts.limit || 10, complete: opts.complete });
    var chunks = await Promise.all(hits.map(function (h) { return metaChunk(m, Math.floor(h.doc / m.metaChunk)); }));
    var results = hits.map(function (h, i) {
      var row = chunks[i][h.doc % m.metaChunk];
      var sys = m.systems.filter(function (s) { return h.doc >= s.start && h.doc < s.end; })[0];
      return {
        id: row[0], title: row[1], url: row[2], system: sys.key, systemTitle: sys.title,
        category: row[3], summary: row[4], score: h.score
      };
    });
    results.total = hits.total;
    return results;
  }

  async function systems() {
    var m = await manifest();
    return m.systems.map(function (s) { return { key: s.key, title: s.title }; });
  }

  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // Marks the characters of `text` that occur in the query's Han text or words.
  function highlight(text, query) {
    var q = normalize(query);
    var marks = new Set();
    runs(q).forEach(function (r) { if (r.han) r.chars.forEach(function (c) { marks.add(c); }); });
    var words = runs(q).filter(function (r) { return !r.han; }).map(function (r) { return r.chars.join(''); });
    var out = '';
    var open = false;
    var chars = Array.from(String(text));
    var pending = 0; // characters left of a matched word
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i];
      if (!pending) {
        if (marks.has(normalize(c))) pending = 1;
        for (var k = 0; k < words.length && !pending; k++) {
          var w = words[k];
          if (normalize(chars.slice(i, i + w.length).join('')) === w) pending = w.length;
        }
      }
      var hit = pending > 0;
      if (hit) pending--;
      if (hit && !open) { out += '<mark>'; open = true; }
      if (!hit && open) { out += '</mark>'; open = false; }
      out += escapeHtml(c);
    }
    return open ? out + '</mark>' : out;
  }

  var api = {
    init: init, preload: preload, search: search, rank: rank, systems: systems, highlight: highlight,
    tokenize: tokenize, queryTerms: queryTerms, termClass: termClass, shardOf: shardOf, STOP_CHARS: STOP_CHARS,
    normalize: normalize, parsePinyin: parsePinyin, segmentSyllables: segmentSyllables,
    _state: state
  };

  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.qaportal = Object.assign(root.qaportal || {}, api);
})(typeof self !== 'undefined' ? self : this);
