#!/usr/bin/env node
// Diagnostics: the queries of one corpus where the plain BM25 (bm25.js) puts a gold article first
// and the product does not, and the reverse, with both first titles, to find why the product
// loses where it loses (titles setting, index built as in relevance.js). Also how sure a
// difference is: the exact two-sided sign test over the queries where only one of the two is
// right first, and a paired bootstrap 95 % interval of the product's lead in hit@1, hit@5 and
// MRR@10 (the same queries resampled for both), so that a lead or a loss of a few queries is
// not read as a finding.
//
//   node bench/relevance/versus_bm25.js [--corpus bq] [--queries dev] [--show 40] [--via index|questions]
//        [-- <corpus_index flags>]
//
// --via questions measures through the whole product path (`qaportal build` of a site whose
// answers are the titles, target/release/qaportal), as relevance.js does.
'use strict';
const path = require('path');
const corpora = require('./corpora');
const { Bm25, tokens } = require('./bm25');
const { buildIndex, fsFetch, pick } = require('./relevance');

const repo = path.resolve(__dirname, '..', '..');
const engine = require(path.join(repo, 'themes/default/static/search/qaportal-search.js'));

async function main() {
  const argv = process.argv.slice(2);
  const o = { corpus: 'bq', queries: 'dev', show: 40, limit: 0, extra: [], via: 'index' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') { o.extra = argv.slice(i + 1); break; }
    if (argv[i] === '--corpus') o.corpus = argv[++i];
    else if (argv[i] === '--queries') o.queries = argv[++i];
    else if (argv[i] === '--show') o.show = +argv[++i];
    else if (argv[i] === '--via') o.via = argv[++i];
    else throw new Error('unknown argument ' + argv[i]);
  }
  const corpus = corpora.load(o.corpus);
  const queries = pick(corpus, o);
  const titleOf = new Map(corpus.articles.map((a) => [a.id, a.title]));
  const bm = new Bm25(corpus.articles.map((a) => a.title));
  const index = buildIndex(o, corpus, null);
  engine.init({ indexBase: 'search/', fetch: fsFetch(index.dir) });
  const lost = [];
  const won = [];
  const pairs = []; // [product rank, BM25 rank] per query (Infinity beyond 10)
  const rankOf = (ids, q) => { const r = ids.slice(0, 10).findIndex((id) => q.gold.has(id)); return r < 0 ? Infinity : r + 1; };
  for (const q of queries) {
    const base = bm.rank(q.q).map((d) => corpus.articles[d].id).filter((id) => id !== q.exclude);
    const hits = await engine.search(q.q, { limit: 11 });
    const ours = hits.map((h) => index.idOf(h.id)).filter((id) => id !== q.exclude);
    pairs.push([rankOf(ours, q), rankOf(base, q)]);
    const b1 = q.gold.has(base[0]);
    const p1 = q.gold.has(ours[0]);
    if (b1 === p1) continue;
    const row = {
      q: q.q,
      gold: Array.from(q.gold).map((g) => titleOf.get(g)).join(' | '),
      ours: titleOf.get(ours[0]),
      goldRank: ours.findIndex((id) => q.gold.has(id)) + 1,
      bm25: titleOf.get(base[0]),
    };
    (b1 ? lost : won).push(row);
  }
  index.cleanup();
  console.log(`${o.corpus} ${o.queries}: n=${queries.length}; BM25 first and not the product: ${lost.length}; the reverse: ${won.length}`);
  console.log(`sign test (hit@1, ${lost.length + won.length} discordant queries): p = ${signTest(won.length, lost.length).toFixed(3)}`);
  for (const [name, value] of METRICS) {
    const [lo, mid, hi] = bootstrap(pairs, value);
    console.log(`product - bm25 ${name}: ${mid >= 0 ? '+' : ''}${mid.toFixed(4)}  95 % [${lo.toFixed(4)}, ${hi.toFixed(4)}]`);
  }
  const show = (label, rows, key) => {
    console.log(`\n== ${label}`);
    for (const r of rows.slice(0, o.show)) {
      console.log(`Q ${r.q}\n  gold  ${r.gold}  (product rank ${r.goldRank || '>10'})\n  other ${r[key]}`);
    }
  };
  show('lost (product first: other)', lost, 'ours');
  show('won (bm25 first: other)', won, 'bm25');
}

const METRICS = [
  ['hit@1', (r) => (r <= 1 ? 1 : 0)],
  ['hit@5', (r) => (r <= 5 ? 1 : 0)],
  ['MRR@10', (r) => (r <= 10 ? 1 / r : 0)],
];

// Exact two-sided binomial test of a against b at p = 1/2.
function signTest(a, b) {
  const n = a + b;
  const k = Math.min(a, b);
  let p = 0;
  let c = 1; // C(n, i)
  for (let i = 0; i <= k; i++) {
    p += c;
    c = (c * (n - i)) / (i + 1);
  }
  return Math.min(1, (2 * p) / Math.pow(2, n));
}

// Paired bootstrap of the mean difference value(product) - value(bm25): [2.5 %, observed, 97.5 %].
function bootstrap(pairs, value, rounds = 2000) {
  const d = pairs.map(([p, b]) => value(p) - value(b));
  const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
  // mulberry32 with a fixed seed, so the interval is the same on every run.
  let seed = 12345;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const means = [];
  for (let r = 0; r < rounds; r++) {
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[Math.floor(rand() * d.length)];
    means.push(s / d.length);
  }
  means.sort((a, b) => a - b);
  return [means[Math.floor(rounds * 0.025)], mean(d), means[Math.floor(rounds * 0.975)]];
}

main().catch((e) => { console.error(e); process.exit(1); });
