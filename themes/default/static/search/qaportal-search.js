/*! qaportal search: query side of the tokenizer contract (search-index/TOKENIZER.md) and a query
 * engine over qaportal's sharded lunr.js 2.3.9 index. ES2017, no dependencies, no external requests.
 *
 * The index has two parts, each a lunr index over all documents: "a" (answers: title, tags,
 * headings, body) and "p" (phrasings: the recorded ways users ask, with their own BM25). A
 * document's score is the sum of lunr's scores in the two parts; every shard file holds both.
 * A common term's best postings are lunr postings, its other documents a "tail" at one weight.
 *
 * API (also on window.qaportal in a browser, module.exports under node):
 *   qaportal.init({indexBase, fetch, manifest})  where the index lives (default "/search/");
 *                                       optional fetch, and a fetch of the manifest under way
 *   qaportal.search(query, {system, limit})
 *     -> Promise<[{id, title, url, system, systemTitle, category, summary, score}]>, best first;
 *        the array's `total` counts the matches, also beyond `limit`, for a "more" button that
 *        fetches no metadata of results not shown
 *   qaportal.preload()                  fetch the manifest ahead of the first query
 *   qaportal.systems()                  -> Promise<[{key, title}]> for a system filter
 *   qaportal.highlight(text, query)     -> HTML-escaped text with <mark> around query characters
 *   qaportal.tokenize(text, {pinyin, unigrams}), qaportal.queryTerms(query): the contract
 */
(function (root) {
  'use strict';

  var MAX_INITIALS_RUN = 4;
  // Characters a lone syllable typed in pinyin stands for: the site's most used of its reading.
  var LONE_SYLLABLE_CHARS = 3;

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

  // Han runs and words of normalized text: [{han: bool, chars: [string], sep: string}], `sep` the
  // text between the previous run and this one.
  function runs(text) {
    var out = [];
    var cur = null;
    var sep = '';
    for (var ch of text) {
      var cp = ch.codePointAt(0);
      var cls = isHan(cp) ? 1 : isWord(cp) ? 2 : 0;
      if (cur && cur.cls === cls) {
        cur.chars.push(ch);
        continue;
      }
      if (cur) out.push({ han: cur.cls === 1, chars: cur.chars, sep: cur.sep });
      if (cls) {
        cur = { cls: cls, chars: [ch], sep: cur ? '' : sep };
        sep = '';
      } else {
        if (cur) sep = '';
        cur = null;
        sep += ch;
      }
    }
    if (cur) out.push({ han: cur.cls === 1, chars: cur.chars, sep: cur.sep });
    return out;
  }

  // A word, its letter and digit parts if it mixes them (`level2`: level2 level 2), and after a
  // word joined to the previous one by a hyphen, the two as one (`level-2`: level 2 level2).
  function wordTokens(word, out, joined) {
    out.push(word);
    var parts = word.match(/[0-9]+|[^0-9]+/g);
    if (parts.length > 1) for (var i = 0; i < parts.length; i++) out.push(parts[i]);
    if (joined) out.push(joined + word);
  }

  // The word a word run is hyphened to, if any (the previous run, a word, separated by "-").
  function hyphened(rs, k) {
    return k > 0 && !rs[k].han && !rs[k - 1].han && rs[k].sep === '-' ? rs[k - 1].chars.join('') : '';
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
    var rs = runs(normalize(text));
    rs.forEach(function (r, k) {
      if (r.han) hanTokens(r.chars, !!opts.pinyin, unigrams, py, out);
      else wordTokens(r.chars.join(''), out, hyphened(rs, k));
    });
    return out;
  }

  // Fewest syllables spelling word[i..] for each i (Infinity where none does).
  function syllableCounts(word, py) {
    var n = word.length;
    var best = new Array(n + 1).fill(Infinity);
    best[n] = 0;
    for (var i = n - 1; i >= 0; i--) {
      for (var len = 1; len <= Math.min(py.longest, n - i); len++) {
        if (best[i + len] !== Infinity && py.syllables.has(word.substr(i, len))) {
          best[i] = Math.min(best[i], best[i + len] + 1);
        }
      }
    }
    return best;
  }

  // A word typed in pinyin -> syllables: fewest syllables, then longest first syllable. Null
  // when the word is not made of two or more syllables of the table.
  function segmentSyllables(word, py) {
    var syl = syllablesOf(word, py);
    return syl && syl.length >= 2 ? syl : null;
  }

  // The syllables spelling all of `word` (one or more), or null.
  function syllablesOf(word, py) {
    var n = word.length;
    if (n < 1 || !/^[a-z]+$/.test(word)) return null;
    var best = syllableCounts(word, py);
    if (best[0] === Infinity) return null;
    var out = [];
    for (var k = 0; k < n;) {
      for (var l = Math.min(py.longest, n - k); l >= 1; l--) {
        if (best[k + l] !== Infinity && best[k + l] + 1 === best[k] && py.syllables.has(word.substr(k, l))) break;
      }
      out.push(word.substr(k, l));
      k += l;
    }
    return out;
  }

  // A word being typed in pinyin: the syllables of its longest start that they spell, when the
  // rest is the beginning of a syllable (`zhuanz`: zhuan, then z of zhang…). Null otherwise.
  function typedSyllables(word, py) {
    var whole = syllablesOf(word, py);
    if (whole) return whole;
    if (!/^[a-z]+$/.test(word)) return null;
    for (var k = word.length - 1; k >= 1; k--) {
      if (!py.prefixes.has(word.slice(k))) continue;
      var start = syllablesOf(word.slice(0, k), py);
      if (start) return start;
    }
    return null;
  }

  // The syllables typed in the words of a query, as streams: words separated only by spaces or
  // apostrophes continue a stream (`zhuan zhang shi bai`), so pairs form across them; every
  // other separator, a Han run or a word that is not pinyin ends it. Only the last word of a
  // stream may end in a syllable cut short. [{syllables: [string], words: [string]}]
  function pinyinStreams(rs, py) {
    var out = [];
    var cur = null;
    rs.forEach(function (r) {
      var word = r.han ? '' : r.chars.join('');
      var syl = word && typedSyllables(word, py);
      var continues = cur && cur.open && /^[ \t']+$/.test(r.sep);
      if (!syl) {
        cur = null;
        return;
      }
      if (!continues) {
        cur = { syllables: [], words: [], open: true };
        out.push(cur);
      }
      syl.forEach(function (x) { cur.syllables.push(x); });
      cur.words.push(word);
      // A word cut short ends the stream: what follows is not its continuation.
      cur.open = syl.join('') === word;
    });
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

  // Query terms (TOKENIZER.md §4): the Han terms and words of the query, the pinyin pairs of its
  // Han bigrams, and the syllable pairs of the pinyin it types.
  function queryTerms(query, py) {
    py = py || state.py || EMPTY_PY;
    var out = [];
    var rs = runs(normalize(query));
    rs.forEach(function (r, k) {
      if (r.han) hanQueryTokens(r.chars, py, out);
      else wordTokens(r.chars.join(''), out, hyphened(rs, k));
    });
    pinyinStreams(rs, py).forEach(function (st) {
      for (var i = 0; i + 1 < st.syllables.length; i++) out.push(st.syllables[i] + "'" + st.syllables[i + 1]);
    });
    return out;
  }

  function termClass(term) {
    var chars = Array.from(term);
    if (chars.length === 1 && isHan(chars[0].codePointAt(0))) return 'char';
    if (chars.length === 2 && isHan(chars[0].codePointAt(0)) && isHan(chars[1].codePointAt(0))) return 'bigram';
    return term.indexOf("'") >= 0 ? 'pinyin' : 'word';
  }

  // The pinyin table (search/pinyin.txt): a line per syllable, `syllable characters [site]`, the
  // optional third field the characters of this reading that the site's titles, phrasings and
  // tags use, most used first (what a lone syllable typed in pinyin stands for).
  function parsePinyin(text) {
    var byChar = new Map();
    var syllables = new Set();
    var prefixes = new Set();
    var siteChars = new Map();
    var longest = 0;
    text.split('\n').forEach(function (line) {
      if (!line || line[0] === '#') return;
      var fields = line.split(' ');
      var syl = fields[0];
      syllables.add(syl);
      for (var i = 1; i < syl.length; i++) prefixes.add(syl.slice(0, i));
      longest = Math.max(longest, syl.length);
      for (var c of fields[1]) byChar.set(c, syl);
      if (fields[2]) siteChars.set(syl, Array.from(fields[2]));
    });
    return { byChar: byChar, syllables: syllables, prefixes: prefixes, siteChars: siteChars, longest: longest };
  }

  var EMPTY_PY = { byChar: new Map(), syllables: new Set(), prefixes: new Set(), siteChars: new Map(), longest: 0 };

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
  // shard those of the characters that hash to it as one-character terms. A query
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

  // A part of a shard: its serialized lunr index, parsed into term -> posting and field
  // vectors, and the tails of its terms (term -> [[field number, weight, "documents"]]).
  function parseLunr(json, tail) {
    var vectors = new Map();
    var terms = new Map();
    json.fieldVectors.forEach(function (v) { vectors.set(v[0], v[1]); });
    json.invertedIndex.forEach(function (e) { terms.set(e[0], e[1]); });
    return { fields: json.fields, vectors: vectors, terms: terms, tail: tail || {} };
  }

  // A shard, parsed once: part key -> parsed part.
  function shard(m, n) {
    var p = state.shards.get(n);
    if (!p) {
      p = get(m.base + 't/' + n + '.json').then(function (json) {
        addReadings(json.r);
        var parts = {};
        var tails = json.tail || {};
        m.parts.forEach(function (part) { parts[part.key] = parseLunr(json[part.key], tails[part.key]); });
        return parts;
      });
      state.shards.set(n, p);
    }
    return p;
  }

  var VLQ_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

  // Document numbers of a tail: gaps as base-64 variable-length quantities (client/mod.rs
  // encode_docs).
  function decodeDocs(text) {
    var docs = [];
    var prev = -1, gap = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
      var digit = VLQ_DIGITS.indexOf(text[i]);
      gap += (digit & 31) * Math.pow(2, shift);
      shift += 5;
      if (digit < 32) {
        prev += gap;
        docs.push(prev);
        gap = 0;
        shift = 0;
      }
    }
    return docs;
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

  // Postings of a term in a part of a loaded shard, as [field, doc, weight]: the first tier's
  // (weight from the field vector), then the tail's, field by field.
  function postingsOf(s, term) {
    var posting = s.terms.get(term);
    if (!posting) return [];
    var out = [];
    for (var f = 0; f < s.fields.length; f++) {
      var field = s.fields[f];
      for (var ref in posting[field]) {
        var w = elementAt(s.vectors.get(field + '/' + ref), posting._index);
        if (w) out.push([field, +ref, w]);
      }
    }
    (s.tail[term] || []).forEach(function (t) {
      if (typeof t[2] === 'string') t[2] = decodeDocs(t[2]);
      t[2].forEach(function (doc) { out.push([s.fields[t[0]], doc, t[1]]); });
    });
    return out;
  }

  // Score of each document (number) for weighted clauses [{term, boost}]: the sum over the parts
  // of the score lunr gives in that part, each exactly as lunr scores an index holding every
  // loaded shard of the part: sum over fields of (query . field vector) / |query|, where the
  // query vector holds the terms that part knows (its own magnitude).
  // `byTerm` maps a term to the shard it was looked up in.
  function score(m, clauses, byTerm) {
    var scores = new Map();
    m.parts.forEach(function (part) { scorePart(part.key, clauses, byTerm, scores); });
    return scores;
  }

  function scorePart(key, clauses, byTerm, scores) {
    var qv = new Map();
    clauses.forEach(function (c) {
      if (byTerm.get(c.term)[key].terms.has(c.term)) qv.set(c.term, (qv.get(c.term) || 0) + c.boost);
    });
    var mag = 0;
    qv.forEach(function (b) { mag += b * b; });
    mag = Math.sqrt(mag);
    qv.forEach(function (boost, term) {
      postingsOf(byTerm.get(term)[key], term).forEach(function (p) {
        scores.set(p[1], (scores.get(p[1]) || 0) + boost * p[2] / mag);
      });
    });
  }

  // Whether any part of a loaded shard knows the term.
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

  // Weighted clauses of a query (see TOKENIZER.md §4): [{term, boost, unit, fallback}]. Without
  // the pinyin table: the Han terms and words. With it: also the syllable pairs of the pinyin it
  // types, and for each Han bigram its pinyin pair. `fallback` names the term a clause stands in
  // for: it counts only when the index does not know that term (a Han bigram's pinyin pair: a
  // homophone typo such as 邦我 for 帮我; a stock code's first three digits; the characters a
  // lone syllable typed in pinyin reads as). `unit` groups the clauses that say one thing (a
  // bigram and its pair; a word and its spellings), for coverage.
  function clausesFor(m, query, py) {
    var w = m.weights;
    var rs = runs(normalize(query));
    var unitOf = new Map();
    var out = [];
    var add = function (term, unit, fallback) {
      out.push({ term: term, boost: w[termClass(term)], unit: unit || term, fallback: fallback });
    };
    var streams = pinyinStreams(rs, py);
    streams.forEach(function (st) { st.words.forEach(function (word) { unitOf.set(word, st.words.join(' ')); }); });
    // The pinyin pair of each Han bigram: (pair -> bigram).
    var pairOf = new Map();
    rs.forEach(function (r) {
      if (!r.han) return;
      for (var i = 0; i + 1 < r.chars.length; i++) {
        var a = py.byChar.get(r.chars[i]), b = py.byChar.get(r.chars[i + 1]);
        if (a && b) pairOf.set(a + "'" + b, r.chars[i] + r.chars[i + 1]);
      }
    });
    var typed = new Map(); // pair typed in pinyin -> its stream's unit
    streams.forEach(function (st) {
      for (var i = 0; i + 1 < st.syllables.length; i++) typed.set(st.syllables[i] + "'" + st.syllables[i + 1], st.words.join(' '));
    });
    queryTerms(query, py).forEach(function (t) {
      var cls = termClass(t);
      if (cls === 'word') add(t, unitOf.get(t));
      else if (cls !== 'pinyin') add(t);
      else if (typed.has(t)) add(t, typed.get(t));
      else add(t, pairOf.get(t), m.pinyinFallback !== false ? pairOf.get(t) : undefined);
    });
    // A stock code or hotline the index does not know: its first three digits (688 for the
    // STAR market's codes, 600 for Shanghai's main board).
    rs.forEach(function (r) {
      var word = r.han ? '' : r.chars.join('');
      if (/^[0-9]{5,6}$/.test(word)) add(word.slice(0, 3), word, word);
    });
    // One syllable typed alone, or the start of a word still being typed (`kai`, `zhuanz`): the
    // site's most used characters of that reading.
    streams.forEach(function (st) {
      if (st.syllables.length !== 1 || st.words.length !== 1) return;
      (py.siteChars.get(st.syllables[0]) || []).slice(0, LONE_SYLLABLE_CHARS).forEach(function (c) {
        add(c, st.words[0], st.words[0]);
      });
    });
    return out;
  }

  // Loads the shard of each term not looked up yet; `byTerm` gets term -> shard.
  async function lookUp(m, terms, byTerm) {
    var todo = terms.filter(function (t) { return !byTerm.has(t); });
    var shards = await Promise.all(todo.map(function (t) { return shard(m, shardOf(t, m.shards)); }));
    todo.forEach(function (t, i) { byTerm.set(t, shards[i]); });
  }

  // Whether the query has a word that may be pinyin: segmenting it needs the table's syllables.
  function typesPinyin(query) {
    return runs(normalize(query)).some(function (r) { return !r.han && /^[a-z]{2,}$/.test(r.chars.join('')); });
  }

  // Readings for a query's clauses: the whole table for a query that types a word in pinyin
  // (segmenting it needs the syllables), otherwise the readings alone (those that came with the
  // manifest and the shards: every character of the query that has one), even when the table
  // was loaded by an earlier query, so that a query's results never depend on the ones before.
  function pinyinFor(m, query) {
    if (!m.readings || typesPinyin(query)) return loadPinyin();
    var byChar = state.py ? state.py.byChar : state.readings;
    return Promise.resolve({
      byChar: byChar, syllables: EMPTY_PY.syllables, prefixes: EMPTY_PY.prefixes, siteChars: EMPTY_PY.siteChars, longest: 0
    });
  }

  // A Han bigram counts as known when any part knows it (TOKENIZER.md §4, pinyin fallback).
  function needsPinyin(m, query, byTerm) {
    var need = typesPinyin(query);
    runs(normalize(query)).forEach(function (r) {
      if (!r.han) return;
      for (var i = 0; i + 1 < r.chars.length; i++) {
        var bigram = r.chars[i] + r.chars[i + 1];
        // Filler bigrams are not query terms, so never looked up.
        if (byTerm.has(bigram) && !knows(m, byTerm.get(bigram), bigram)) need = true;
      }
    });
    return need;
  }

  // Ranked [{doc, score, coverage, words}] (no metadata): for tests and benches. The array's
  // `clauses` are the weighted terms that were scored, `queryWords` the query's words (see
  // coverage).
  async function rank(query, opts) {
    opts = opts || {};
    var limit = opts.limit || 10;
    var m = await manifest();
    var byTerm = new Map();
    var all = clausesFor(m, query, EMPTY_PY);
    var primary = function (cs) { return cs.filter(function (c) { return !c.fallback; }).map(function (c) { return c.term; }); };
    await lookUp(m, primary(all), byTerm);
    // With the fallback switched off in the manifest, every pinyin pair counts: every query
    // needs the readings of its characters.
    if (m.pinyinFallback === false || needsPinyin(m, query, byTerm)) {
      all = clausesFor(m, query, await pinyinFor(m, query));
      await lookUp(m, primary(all), byTerm);
    }
    // A fallback counts only for a term the index does not know (never fetched otherwise).
    var clauses = all.filter(function (c) {
      return !c.fallback || !byTerm.has(c.fallback) || !knows(m, byTerm.get(c.fallback), c.fallback);
    });
    await lookUp(m, clauses.map(function (c) { return c.term; }), byTerm);
    var range = null;
    if (opts.system) {
      var sys = m.systems.filter(function (s) { return s.key === opts.system; })[0];
      range = sys ? [sys.start, sys.end] : [0, 0];
    }
    var scores = score(m, clauses, byTerm);
    var cover = coverage(m, clauses, byTerm);
    // Answers with more of the query come first: the score times coverage to the manifest's
    // `coverageWeight` (an answer whose title has a query's common words should not outrank one
    // that also has its rare word in the body: 688买不了).
    var alpha = m.coverageWeight || 0;
    if (alpha) scores.forEach(function (sc, d) { scores.set(d, sc * (Math.round(Math.pow(cover.of(d), alpha) * 1e9) / 1e9)); });
    var hits = collect(scores, range);
    var top = hits.slice(0, limit);
    top.forEach(function (h) { h.coverage = cover.of(h.doc); h.words = cover.words(h.doc); });
    top.total = hits.length;
    top.queryWords = cover.queryWords;
    top.clauses = clauses;
    state.lastClauses = clauses;
    return top;
  }

  // A bigram with a stop character in it ("我那", "个看", "板呀") is glue between words, not a
  // word: it weighs a quarter in coverage, so that the unknown glue of a long spoken question
  // does not hide how much of its words an answer has.
  var GLUE = 0.25;
  function isGlue(unit) {
    return termClass(unit) === 'bigram' && Array.from(unit).some(function (c) { return STOP_CHARS.indexOf(c) >= 0; });
  }

  // Whether a coverage unit is one of the query's words: anything but a single character or
  // glue (a bigram, a Latin word or number, pinyin).
  function isQueryWord(unit) {
    return termClass(unit) !== 'char' && !isGlue(unit);
  }

  // How much of a query a document has (`of`): the share of the query's evidence, each unit
  // (clauses saying one thing, see clausesFor) weighted by its greatest clause boost times idf
  // over the whole index (a term the index does not know weighs most: a word no answer has),
  // glue a quarter. And how many of the query's words it has (`words`).
  function coverage(m, clauses, byTerm) {
    var units = new Map(); // unit -> {weight, terms}
    clauses.forEach(function (c) {
      var key = c.unit;
      var u = units.get(key) || { weight: 0, boost: 0, docs: new Set() };
      var docs = new Set();
      m.parts.forEach(function (part) {
        postingsOf(byTerm.get(c.term)[part.key], c.term).forEach(function (p) { docs.add(p[1]); });
      });
      var idf = Math.log(1 + (m.docs - docs.size + 0.5) / (docs.size + 0.5));
      u.boost = Math.max(u.boost, c.boost);
      u.weight = Math.max(u.weight, u.boost * idf * (isGlue(key) ? GLUE : 1));
      docs.forEach(function (d) { u.docs.add(d); });
      units.set(key, u);
    });
    var total = 0;
    var queryWords = 0;
    var matched = new Map();
    var words = new Map();
    units.forEach(function (u, key) {
      total += u.weight;
      var word = isQueryWord(key);
      if (word) queryWords++;
      u.docs.forEach(function (d) {
        matched.set(d, (matched.get(d) || 0) + u.weight);
        if (word) words.set(d, (words.get(d) || 0) + 1);
      });
    });
    return {
      // Rounded, so that the engine in Rust (search-index/src/engine.rs), whose logarithm may
      // differ in the last bit, gives the same coverage.
      of: function (doc) { return total ? Math.round((matched.get(doc) || 0) / total * 1e6) / 1e6 : 0; },
      words: function (doc) { return words.get(doc) || 0; },
      queryWords: queryWords
    };
  }

  function collect(scores, range) {
    var hits = [];
    scores.forEach(function (s, doc) {
      if (!range || (doc >= range[0] && doc < range[1])) hits.push({ doc: doc, score: s });
    });
    hits.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return hits;
  }

  // search(query, {system, limit}): the results, best first, with metadata. The array's
  // `outcome` says how well they answer (see outcomeOf): "answers", "weak" (only partial
  // matches: shown as possibly related) or "none" (no results). `total` counts the results, also
  // beyond `limit`.
  async function search(query, opts) {
    opts = opts || {};
    var m = await manifest();
    var hits = await rank(query, { system: opts.system, limit: opts.limit || 10 });
    var outcome = outcomeOf(m, hits);
    var kept = outcome === 'none' ? [] : hits;
    var chunks = await Promise.all(kept.map(function (h) { return metaChunk(m, Math.floor(h.doc / m.metaChunk)); }));
    var results = kept.map(function (h, i) {
      var row = chunks[i][h.doc % m.metaChunk];
      var sys = m.systems.filter(function (s) { return h.doc >= s.start && h.doc < s.end; })[0];
      return {
        id: row[0], title: row[1], url: row[2], system: sys.key, systemTitle: sys.title,
        category: row[3], summary: row[4], score: h.score
      };
    });
    results.total = kept.length ? hits.total : 0;
    results.outcome = outcome;
    var reading = typesPinyin(query) ? readingOf(query, await loadPinyin()) : '';
    if (reading) results.reading = reading;
    return results;
  }

  // How the pinyin typed in a query reads on this site: each syllable as the site's most used
  // character of that reading (`kai hu` 开户); '' when no word is pinyin.
  function readingOf(query, py) {
    return pinyinStreams(runs(normalize(query)), py).map(function (st) {
      return st.syllables.map(function (syl) { return (py.siteChars.get(syl) || [])[0] || syl; }).join('');
    }).filter(function (r) { return /[^\x00-\x7f]/.test(r); }).join(' ');
  }



  // "answers" when the first result has enough of the query (the manifest's `outcome`):
  // `coverage` of it with one of its words (or a query of single characters), or
  // `coverageWithWords` with `words` of them. "none" when no result has any of the query's
  // words (only some of its single characters: a stray character is no answer); "weak"
  // otherwise. Calibrated on the bench's corpora (search-index/src/lib.rs, Outcome).
  function outcomeOf(m, hits) {
    var first = hits[0];
    if (!hits.some(function (h) { return h.words > 0 || hits.queryWords === 0; })) return 'none';
    var bar = m.outcome || { coverage: 0.3, coverageWithWords: 0.2, words: 2 };
    var enough = (first.coverage >= bar.coverage && (first.words > 0 || hits.queryWords === 0)) ||
      (first.words >= bar.words && first.coverage >= bar.coverageWithWords);
    return enough ? 'answers' : 'weak';
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

  // Marks the parts of `text` that match the query: its Han bigrams (both characters), a Han
  // character the query has alone (a one-character run), and its words. A single character of a
  // longer query is not marked alone: 码 of 验证码 in 密码, 了 or 不 anywhere are not matches.
  function highlight(text, query) {
    var q = normalize(query);
    var pairs = new Set();
    var singles = new Set();
    runs(q).forEach(function (r) {
      if (!r.han) return;
      if (r.chars.length === 1 && STOP_CHARS.indexOf(r.chars[0]) < 0) singles.add(r.chars[0]);
      for (var j = 0; j + 1 < r.chars.length; j++) pairs.add(r.chars[j] + r.chars[j + 1]);
    });
    var words = runs(q).filter(function (r) { return !r.han; }).map(function (r) { return r.chars.join(''); });
    var out = '';
    var open = false;
    var chars = Array.from(String(text));
    var norm = chars.map(function (c) { return normalize(c); });
    var pending = 0; // characters left of a match
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i];
      if (i + 1 < chars.length && pairs.has(norm[i] + norm[i + 1])) pending = 2;
      if (!pending) {
        if (singles.has(norm[i])) pending = 1;
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
