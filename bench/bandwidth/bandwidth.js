#!/usr/bin/env node
// Bandwidth, latency and build time of qaportal's search on generated sites.
//
//   node bench/bandwidth/bandwidth.js [--articles 1000,10000] [--queries 30] [--runs 3] [--corpora DIR]
//
// Articles are assembled from real Chinese customer-service sentences of the shared corpora
// (read in place from ../shared/corpora, or $QAPORTAL_CORPORA; never copied): a title, two
// phrasings, two tags, the usual headings and a 1.5-4 kB body, over 8 systems. Queries are drawn
// from the first 5,000 tonghuashun-faq queries.
// Bytes: what a browser with an empty cache downloads, gzip-compressed as served (the `.gz`
// files; a file under 1 KB has none and counts uncompressed), from opening the search page to the first query's ten results: the search JS, the
// manifest, the pinyin table, the term shards of the query and the metadata of its results.
// Latency: typing the query one character at a time after that first query (node, warm cache);
// each keystroke's search including JSON parsing of newly needed shards (read from disk).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');

const repo = path.resolve(__dirname, '..', '..');
const JS = path.join(repo, 'themes/default/static/search/qaportal-search.js');
const engine = require(JS);

const o = { articles: [1000, 10000], queries: 30, runs: 3 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--articles') o.articles = argv[++i].split(',').map(Number);
  else if (argv[i] === '--queries') o.queries = +argv[++i];
  else if (argv[i] === '--runs') o.runs = +argv[++i];
  else if (argv[i] === '--corpora') o.corpora = argv[++i];
  else throw new Error('unknown argument ' + argv[i]);
}
o.corpora = o.corpora || process.env.QAPORTAL_CORPORA || path.join(repo, '..', 'shared', 'corpora');

// Deterministic PRNG (mulberry32) so every run generates the same sites.
function rng(seed) {
  return function () {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentences() {
  const out = new Set();
  const add = (file, cols) => {
    const p = path.join(o.corpora, file);
    fs.readFileSync(p, 'utf8').split('\n').slice(1).forEach((l) => {
      const f = l.split('\t');
      cols.forEach((c) => f[c] && f[c].length >= 4 && out.add(f[c]));
    });
  };
  add('bq-corpus/test.tsv', [0, 1]);
  add('lcqmc/test.tsv', [0, 1]);
  add('afqmc/dev.tsv', [0, 1]);
  add('tonghuashun-faq/pairs.tsv', [0, 1]);
  return Array.from(out).sort();
}

function generate(n, pool) {
  const r = rng(n);
  const pick = () => pool[Math.floor(r() * pool.length)];
  const systems = ['account', 'accounts', 'bank-transfer', 'trading', 'margin', 'wealth', 'app', 'other'];
  const cats = ['数据类', '程序类', '咨询类', '其他类'];
  const docs = [];
  for (let i = 0; i < n; i++) {
    const sys = systems[i % systems.length];
    const target = 1500 + Math.floor(r() * 2500);
    let body = '';
    while (Buffer.byteLength(body) < target) body += pick() + '。';
    const title = pick();
    const id = 'KB-' + String(i + 1).padStart(5, '0');
    docs.push({
      id, title, questions: [pick(), pick()], tags: [title.slice(0, 2), pick().slice(0, 4)],
      headings: ['问题描述', '原因', '处理步骤'], body, url: `/${sys}/${id.toLowerCase()}/`,
      system: sys, system_title: sys, category: cats[i % 4], summary: body.slice(0, 60),
    });
  }
  return docs;
}

function stats(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { min: s[0], median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}

async function measure(dir, queries) {
  const jsGz = zlib.gzipSync(fs.readFileSync(JS)).length;
  const bytes = [];
  const parts = {};
  const perKey = [];
  const firstMs = [];
  for (const q of queries) {
    let fetched = 0;
    const cache = new Map();
    const fetch = (url) => {
      const file = path.join(dir, url);
      // The `.gz` as nginx's gzip_static sends it; a file too small to have one (under
      // GZIP_MIN_BYTES) goes as it is, uncompressed bytes counted.
      const size = fs.existsSync(file + '.gz') ? fs.statSync(file + '.gz').size : fs.statSync(file).size;
      fetched += size;
      const kind = /manifest/.test(url) ? 'manifest' : /pinyin/.test(url) ? 'pinyin' : /\/t\//.test(url) ? 'shards' : /\/x\//.test(url) ? 'tier2' : 'meta';
      if (counting) parts[kind] = (parts[kind] || 0) + size;
      return Promise.resolve({
        ok: true, status: 200,
        json: () => Promise.resolve(JSON.parse(fs.readFileSync(file, 'utf8'))),
        text: () => Promise.resolve(fs.readFileSync(file, 'utf8')),
      });
    };
    engine.init({ indexBase: 'search/', fetch });
    let counting = true;
    let t = process.hrtime.bigint();
    await engine.search(q, { limit: 10 });
    counting = false;
    firstMs.push(Number(process.hrtime.bigint() - t) / 1e6);
    bytes.push(jsGz + fetched);
    // Typing it again, one character at a time, as the instant search box would.
    const chars = Array.from(q);
    for (let k = 1; k <= chars.length; k++) {
      t = process.hrtime.bigint();
      await engine.search(chars.slice(0, k).join(''), { limit: 10 });
      perKey.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    cache.clear();
  }
  for (const k in parts) parts[k] = Math.round(parts[k] / queries.length / 100) / 10 + ' kB';
  console.log('mean per query by kind (gzip):', JSON.stringify(parts));
  return { jsGz, bytes: stats(bytes), firstQueryMs: stats(firstMs), keystrokeMs: stats(perKey) };
}

async function main() {
  const pool = sentences();
  const queries = fs.readFileSync(path.join(o.corpora, 'tonghuashun-faq/queries.tsv'), 'utf8')
    .split('\n').slice(1, 5001).map((l) => l.split('\t')[0]);
  const r = rng(7);
  const sample = Array.from({ length: o.queries }, () => queries[Math.floor(r() * queries.length)]);
  for (const n of o.articles) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qaportal-bw-'));
    const docsFile = path.join(tmp, 'docs.json');
    fs.writeFileSync(docsFile, JSON.stringify(generate(n, pool)));
    console.log(`== ${n} articles`);
    execFileSync(path.join(repo, 'target/release/examples/bench_index'),
      ["--docs", docsFile, "--out", path.join(tmp, "site"), "--runs", String(o.runs)].concat(process.env.NO_TANTIVY ? [] : ["--tantivy", path.join(tmp, "tantivy")]),
      { stdio: 'inherit' });
    const m = await measure(path.join(tmp, 'site'), sample);
    const kb = (x) => (x / 1000).toFixed(1) + ' kB';
    console.log(`search JS: ${kb(m.jsGz)} gzip`);
    console.log(`first query, bytes transferred (gzip): min ${kb(m.bytes.min)}, median ${kb(m.bytes.median)}, p95 ${kb(m.bytes.p95)}, max ${kb(m.bytes.max)} (${o.queries} queries)`);
    console.log(`first query, node time incl. parsing: median ${m.firstQueryMs.median.toFixed(1)} ms, max ${m.firstQueryMs.max.toFixed(1)} ms`);
    console.log(`per keystroke: min ${m.keystrokeMs.min.toFixed(2)} ms, median ${m.keystrokeMs.median.toFixed(2)} ms, p95 ${m.keystrokeMs.p95.toFixed(2)} ms, max ${m.keystrokeMs.max.toFixed(2)} ms`);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
