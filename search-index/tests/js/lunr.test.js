// The emitted client index against the real lunr 2.3.9 from npm. The index has parts (answers
// "a", phrasings "p"), each a lunr index over all documents with its own fields and BM25:
// - each part of every shard (and its .gz/.br sibling) loads with lunr.Index.load;
// - lunr ranks each part of the emitted whole index exactly like an index lunr.Builder builds
//   from the same documents with the same tokens, fields, boosts, k1 and b (exported by
//   search-index's export_index example);
// - qaportal's own engine over the whole index (coverage weighting off) scores every document
//   exactly as the sum of lunr's scores in the whole parts, and with it on, that sum times the
//   document's coverage to the manifest's power; over term shards whose common terms have tails
//   (format 3) it finds the same documents.
//
// The indexes are built by `cargo run --release -p search-index --example export_index` unless
// QAPORTAL_SAMPLE_INDEX names a folder with `whole/` and `sharded/` exports (tests/js.rs sets it).
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');

const repo = path.resolve(__dirname, '../../..');
let lunr;
try {
  lunr = require('lunr');
} catch (e) {
  throw new Error('lunr is not installed: run `npm ci` in ' + repo + ' (it pins lunr 2.3.9)');
}
const qp = require(path.join(repo, 'themes/default/static/search/qaportal-search.js'));

const DOCS = path.join(repo, 'search-index/tests/fixtures/sample-docs.json');
const QUERIES = [
  '邦我查为什么看不到十档', '新股申购显示0股', '开户', 'kaihu', '转账时间', '银行卡钱没少',
  '忘记密码', '视频见证失败', '基金赎回多久到账', 'app闪退', 'level2', '两融开通条件',
  '撤单', '帐户登录记录', '手机', 'yinzhengzhuanzhang', '怎么办', '不存在的词语xyz',
];

function exportIndex(dir, shards, firstTier) {
  const args = ['--docs', DOCS, '--out', dir, '--shards', String(shards), '--first-tier', String(firstTier)];
  execFileSync('cargo', ['run', '-q', '--release', '-p', 'search-index', '--example', 'export_index', '--', ...args],
    { cwd: repo, stdio: 'inherit' });
}

function indexes() {
  let root = process.env.QAPORTAL_SAMPLE_INDEX;
  if (!root) {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'qaportal-lunr-'));
    // The whole index in one file; and split by term into 8 shards, with a first tier of two
    // postings per term so that the tails are exercised too.
    exportIndex(path.join(root, 'whole'), 1, 1000000);
    exportIndex(path.join(root, 'sharded'), 8, 2);
  }
  return { whole: path.join(root, 'whole'), sharded: path.join(root, 'sharded') };
}

const dirs = indexes();

function listJson(dir) {
  const out = [];
  (function walk(d) {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  })(dir);
  return out;
}

function shardFiles(dir) {
  return listJson(path.join(dir, 'search')).filter((p) => /\/[tx]\/\d+\.json$/.test(p));
}

function manifestOf(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'search/manifest.json'), 'utf8'));
}

// Part key -> lunr.Index of the whole export.
function loadWhole(dir) {
  const files = shardFiles(dir);
  assert.strictEqual(files.length, 1, 'the whole export has one shard');
  const json = JSON.parse(fs.readFileSync(files[0], 'utf8'));
  const out = {};
  for (const part of manifestOf(dir).parts) out[part.key] = lunr.Index.load(json[part.key]);
  return out;
}

// Part key -> the index lunr.Builder builds from the part's documents, fields, boosts, k1 and b.
function builderIndexes(dir) {
  const dump = JSON.parse(fs.readFileSync(path.join(dir, 'lunr-docs.json'), 'utf8'));
  const out = {};
  for (const part of dump.parts) {
    const b = new lunr.Builder();
    b.ref('ref');
    part.fields.forEach((f) => b.field(f.name, { boost: f.boost }));
    b.k1(part.k1);
    b.b(part.b);
    part.docs.forEach((d) => b.add(d));
    out[part.key] = b.build();
  }
  return out;
}

function pinyin() {
  return qp.parsePinyin(fs.readFileSync(path.join(repo, 'search-index/data/pinyin.txt'), 'utf8'));
}

function clauses(query, weights) {
  return qp.queryTerms(query, pinyin()).map((t) => ({ term: t, boost: weights[qp.termClass(t)] }));
}

function lunrRank(index, cl) {
  return index.query((q) => cl.forEach((c) => q.term(c.term, { boost: c.boost, usePipeline: false })))
    .map((r) => ({ ref: r.ref, score: r.score }));
}

// Sum over the parts of lunr's score of each ref, as [{ref, score}].
function lunrSum(parts, cl) {
  const sum = new Map();
  for (const key of Object.keys(parts)) {
    for (const r of lunrRank(parts[key], cl)) sum.set(r.ref, (sum.get(r.ref) || 0) + r.score);
  }
  return Array.from(sum, ([ref, score]) => ({ ref, score }));
}

// Ranking with ties broken by ref, so equal scores (to 1e-9) compare equal.
function canonical(results) {
  return results.slice().sort((a, b) => (Math.abs(b.score - a.score) > 1e-9 ? b.score - a.score : +a.ref - +b.ref));
}

function assertSameRanking(actual, expected, what) {
  const a = canonical(actual), e = canonical(expected);
  assert.deepStrictEqual(a.map((r) => r.ref), e.map((r) => r.ref), what);
  a.forEach((r, i) => assert.ok(Math.abs(r.score - e[i].score) < 1e-9, `${what}: score of ${r.ref}`));
}

// A fetch that reads the sharded export from disk; `onJson(url, json)` may change what is read,
// and `fetched` (if given) records every URL asked for.
function shardedFetch({ onJson = (url, json) => json, fetched = [], dir = dirs.sharded } = {}) {
  return (url) => {
    fetched.push(url);
    const file = path.join(dir, url);
    return Promise.resolve({
      ok: true, status: 200,
      json: () => Promise.resolve(onJson(url, JSON.parse(fs.readFileSync(file, 'utf8')))),
      text: () => Promise.resolve(fs.readFileSync(file, 'utf8')),
    });
  };
}

test('each part of every emitted shard loads with lunr.Index.load, and .gz (and .br if written) hold the same bytes', () => {
  for (const dir of [dirs.whole, dirs.sharded]) {
    const manifest = manifestOf(dir);
    assert.strictEqual(manifest.format, 3);
    assert.deepStrictEqual(manifest.parts.map((p) => p.key), ['a', 'p']);
    const files = shardFiles(dir);
    assert.ok(files.length >= 1);
    for (const f of files) {
      const raw = fs.readFileSync(f);
      const json = JSON.parse(raw.toString('utf8'));
      // The parts, and in first-tier shards the readings of the characters hashing there.
      assert.deepStrictEqual(Object.keys(json).filter((k) => k !== 'r' && k !== 'tail'), ['a', 'p'], f);
      for (const [key, terms] of Object.entries(json.tail || {})) {
        assert.ok(['a', 'p'].includes(key), f + ': tail of part ' + key);
        for (const [term, lists] of Object.entries(terms)) {
          for (const [field, weight, docs] of lists) {
            assert.ok(Number.isInteger(field) && weight > 0 && /^[A-Za-z0-9+/]+$/.test(docs), f + ' ' + term);
          }
        }
      }
      for (const part of manifest.parts) {
        const idx = lunr.Index.load(json[part.key]);
        assert.ok(idx instanceof lunr.Index, f + ' ' + part.key);
        assert.deepStrictEqual(idx.fields, part.fields, f + ' ' + part.key);
      }
      assert.deepStrictEqual(zlib.gunzipSync(fs.readFileSync(f + '.gz')), raw, f + '.gz');
      if (fs.existsSync(f + '.br')) {
        assert.deepStrictEqual(zlib.brotliDecompressSync(fs.readFileSync(f + '.br')), raw, f + '.br');
      }
    }
  }
  const sharded = shardFiles(dirs.sharded);
  assert.strictEqual(sharded.filter((f) => /\/t\//.test(f)).length, 8);
  assert.ok(!sharded.some((f) => /\/x\//.test(f)), 'no second tier in format 3');
  for (const key of ['a', 'p']) {
    const tails = sharded.some((f) => Object.keys((JSON.parse(fs.readFileSync(f, 'utf8')).tail || {})[key] || {}).length > 0);
    assert.ok(tails, `part ${key} has tails`);
  }
  // The whole export has no tails: every posting is exact.
  for (const f of shardFiles(dirs.whole)) assert.ok(!JSON.parse(fs.readFileSync(f, 'utf8')).tail, f);
});

test('lunr ranks each part of the emitted index exactly like lunr.Builder over the same tokens', () => {
  const manifest = manifestOf(dirs.whole);
  const emitted = loadWhole(dirs.whole);
  const built = builderIndexes(dirs.whole);
  assert.deepStrictEqual(Object.keys(built), Object.keys(emitted));
  for (const part of manifest.parts) {
    let nonEmpty = 0;
    for (const q of QUERIES) {
      const cl = clauses(q, manifest.weights);
      const expected = lunrRank(built[part.key], cl);
      if (expected.length) nonEmpty++;
      assertSameRanking(lunrRank(emitted[part.key], cl), expected, part.key + ': ' + q);
    }
    // Both parts answer most queries (the sample's articles have phrasings).
    assert.ok(nonEmpty >= QUERIES.length - 4, part.key + ': the queries find something');
  }
});

const noCoverage = (url, json) => (/manifest\.json$/.test(url) ? { ...json, coverageWeight: 0 } : json);

test("qaportal's engine scores exactly like the sum of lunr's scores in the whole parts, times coverage to the manifest's power", async () => {
  const emitted = loadWhole(dirs.whole);
  const alpha = manifestOf(dirs.whole).coverageWeight;
  assert.ok(alpha > 0, 'the built manifest weighs coverage');
  for (const q of QUERIES) {
    qp.init({ indexBase: 'search/', fetch: shardedFetch({ dir: dirs.whole, onJson: noCoverage }) });
    const plain = await qp.rank(q, { limit: 1000, complete: true });
    const used = qp._state.lastClauses;
    assertSameRanking(plain.map((h) => ({ ref: String(h.doc), score: h.score })), lunrSum(emitted, used), q);
    qp.init({ indexBase: 'search/', fetch: shardedFetch({ dir: dirs.whole }) });
    const weighed = await qp.rank(q, { limit: 1000, complete: true });
    const expected = lunrSum(emitted, qp._state.lastClauses).map((r) => {
      const hit = weighed.find((h) => String(h.doc) === r.ref);
      assert.ok(hit, q + ': ' + r.ref + ' found');
      assert.ok(hit.coverage > 0 && hit.coverage <= 1, q + ': coverage of ' + r.ref);
      return { ref: r.ref, score: r.score * Math.round(Math.pow(hit.coverage, alpha) * 1e9) / 1e9 };
    });
    assertSameRanking(weighed.map((h) => ({ ref: String(h.doc), score: h.score })), expected, q + ' (coverage)');
  }
});

test('over term shards with tails the engine finds every document the whole index finds', async () => {
  for (const q of QUERIES) {
    qp.init({ indexBase: 'search/', fetch: shardedFetch({ dir: dirs.whole }) });
    const whole = (await qp.rank(q, { limit: 1000, complete: true })).map((h) => h.doc).sort((a, b) => a - b);
    qp.init({ indexBase: 'search/', fetch: shardedFetch() });
    const sharded = (await qp.rank(q, { limit: 1000, complete: true })).map((h) => h.doc).sort((a, b) => a - b);
    assert.deepStrictEqual(sharded, whole, q);
  }
});

test("the engine follows the manifest's pinyinFallback", async () => {
  const emitted = loadWhole(dirs.whole);
  const fetchWith = (fallback) => shardedFetch({
    dir: dirs.whole,
    onJson: (url, json) => (/manifest\.json$/.test(url) ? { ...json, pinyinFallback: fallback, coverageWeight: 0 } : json),
  });
  const termsOf = async (fallback, q) => {
    qp.init({ indexBase: 'search/', fetch: fetchWith(fallback) });
    const hits = await qp.rank(q, { limit: 1000, complete: true });
    const used = qp._state.lastClauses;
    assertSameRanking(hits.map((h) => ({ ref: String(h.doc), score: h.score })), lunrSum(emitted, used), q);
    return used.map((c) => c.term);
  };
  // 开户 is a bigram the sample knows: its pinyin pair counts only without the fallback.
  assert.ok(!(await termsOf(true, '开户')).includes("kai'hu"));
  assert.ok((await termsOf(false, '开户')).includes("kai'hu"));
  // 邦我 is a typo for 帮我: with the fallback its pair stands in for the unknown bigram.
  assert.ok((await termsOf(true, '邦我查')).includes("bang'wo"));
});

test('the first-tier shards and the manifest carry every reading of the pinyin table, each where a query looks for it', () => {
  for (const dir of [dirs.whole, dirs.sharded]) {
    const manifest = manifestOf(dir);
    const table = pinyin().byChar;
    const got = new Map(Object.entries(manifest.readings));
    for (const c of got.keys()) assert.ok(qp.STOP_CHARS.includes(c), c + ': the manifest has stop characters only');
    for (const f of shardFiles(dir).filter((p) => /\/t\//.test(p))) {
      const n = +path.basename(f, '.json');
      for (const [c, syllable] of Object.entries(JSON.parse(fs.readFileSync(f, 'utf8')).r || {})) {
        assert.strictEqual(qp.shardOf(c, manifest.shards), n, c + ' is in the shard of its one-character term');
        assert.ok(!got.has(c), c + ' once');
        got.set(c, syllable);
      }
    }
    assert.deepStrictEqual(new Map([...got].sort()), new Map([...table].sort()));
  }
});

test('a mistyped query is spelled in pinyin without the whole table; a word typed in pinyin fetches it', async () => {
  const fetched = [];
  qp.init({ indexBase: 'search/', fetch: shardedFetch({ fetched }) });
  // 邦我 (for 帮我) is unknown to the index; 我 is a stop character, its reading in the manifest.
  await qp.rank('邦我查', { limit: 5 });
  assert.ok(qp._state.lastClauses.some((c) => c.term === "bang'wo"), 'the pair of the mistyped bigram');
  assert.ok(!fetched.some((u) => /pinyin\.txt$/.test(u)), 'no table: ' + fetched.join(' '));
  await qp.rank('kaihu', { limit: 5 });
  assert.ok(fetched.some((u) => /pinyin\.txt$/.test(u)), 'the table for a word typed in pinyin');
  assert.ok(qp._state.lastClauses.some((c) => c.term === "kai'hu"));
});

test('expected answers come first, with metadata and the system filter', async () => {
  qp.init({ indexBase: 'search/', fetch: shardedFetch() });
  const first = async (q, o) => (await qp.search(q, o))[0];
  assert.strictEqual((await first('邦我查为什么看不到十档')).id, 'KB-0006');
  assert.strictEqual((await first('新股申购显示0股')).id, 'KB-0007');
  assert.strictEqual((await first('kaihu')).id, 'KB-0001');
  assert.strictEqual((await first('帐户登录记录')).id, 'KB-0012');
  const hit = await first('银行卡钱没少');
  assert.deepStrictEqual(
    { id: hit.id, url: hit.url, system: hit.system, systemTitle: hit.systemTitle, category: hit.category },
    { id: 'KB-0004', url: '/bank-transfer/kb-0004/', system: 'bank-transfer', systemTitle: '三方存管/银证转账', category: '数据类' });
  const filtered = await qp.search('开户', { system: 'bank-transfer', limit: 5 });
  assert.ok(filtered.every((h) => h.system === 'bank-transfer'));
  assert.strictEqual((await qp.search('开户', { limit: 2 })).length, 2);
  const none = await qp.search('xyzzy');
  assert.strictEqual(none.length, 0);
  assert.strictEqual(none.total, 0);
});

test('a manifest fetch begun by the page is used; a failed one is tried again by the next search', async () => {
  const fetched = [];
  const early = shardedFetch()('search/manifest.json');
  qp.init({ indexBase: 'search/', fetch: shardedFetch({ fetched }), manifest: early });
  assert.strictEqual((await qp.search('开户', { limit: 1 })).length, 1);
  assert.ok(!fetched.some((u) => /manifest\.json$/.test(u)), fetched.join(' '));

  let failures = 1;
  const flaky = shardedFetch({ fetched });
  qp.init({
    indexBase: 'search/',
    fetch: (url) => (/manifest\.json$/.test(url) && failures-- > 0 ? Promise.reject(new Error('offline')) : flaky(url)),
  });
  await assert.rejects(qp.search('开户'), /offline/);
  assert.strictEqual((await qp.search('开户', { limit: 1 })).length, 1);
});

test('search() counts every match in `total` but fetches metadata only for the results it returns', async () => {
  const fetched = [];
  qp.init({ indexBase: 'search/', fetch: shardedFetch({ fetched }) });
  const two = await qp.search('开户', { limit: 2 });
  const all = await qp.rank('开户', { limit: 1000 });
  assert.strictEqual(two.length, 2);
  assert.ok(all.length > 2);
  assert.strictEqual(two.total, all.length);
  const chunk = manifestOf(dirs.sharded).metaChunk;
  const metaFiles = (docs) => [...new Set(docs.map((d) => Math.floor(d / chunk)))].sort();
  const fetchedMeta = fetched.map((u) => /\/m\/(\d+)\.json$/.exec(u)).filter(Boolean).map((x) => +x[1]).sort();
  assert.deepStrictEqual(fetchedMeta, metaFiles(all.slice(0, 2).map((h) => h.doc)));
});
