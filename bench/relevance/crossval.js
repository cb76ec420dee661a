#!/usr/bin/env node
// Held-out choice of the ranking's settings, across corpora: leave one corpus out.
//
//   node bench/relevance/crossval.js [--limit N] [--json]
//
// For every setting of a small grid (BM25 k1 and b of the answers part, built into the index;
// the coverage weight, in the manifest), the titles-only product path is measured on each
// corpus' `dev` and `test` queries (corpora.js), beside the plain BM25 floor (bm25.js). Then for
// each corpus C: the setting whose worst gain over the floor on the *other* corpora' dev queries
// is the largest (the gain of a corpus: the mean of its hit@1, hit@5 and MRR@10 differences) is
// chosen, and C's test figures with that setting are reported. A setting that wins only on one
// corpus is not chosen; the default shipped is the one chosen with all four corpora.
'use strict';
const corpora = require('./corpora');
const rel = require('./relevance');

const GRID = [];
for (const k1 of [0.9, 1.2]) {
  for (const b of [0.5, 0.75]) {
    for (const alpha of [0, 0.25, 0.5]) GRID.push({ k1, b, alpha });
  }
}
const key = (g) => `k1 ${g.k1} b ${g.b} coverage ${g.alpha}`;

function parseArgs(argv) {
  const o = { limit: 0, json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--limit') o.limit = +argv[++i];
    else if (argv[i] === '--json') o.json = true;
    else throw new Error('unknown argument ' + argv[i]);
  }
  return o;
}

const gain = (p, b) => ((p.hit1 - b.hit1) + (p.hit5 - b.hit5) + (p.mrr10 - b.mrr10)) / 3;
const fmt = (m) => `${m.hit1.toFixed(3)} / ${m.hit5.toFixed(3)} / ${m.mrr10.toFixed(3)}`;

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const opts = { via: 'index', extra: [] };
  // results[corpus][setting][split] = {product, baseline}
  const results = {};
  for (const name of corpora.NAMES) {
    const corpus = corpora.load(name);
    results[name] = {};
    const splits = {};
    for (const split of ['dev', 'test']) {
      const qs = corpus.queries.filter((q) => q.split === split);
      splits[split] = o.limit ? qs.slice(0, o.limit) : qs;
    }
    const floor = {};
    for (const split of ['dev', 'test']) floor[split] = rel.metrics(rel.baselineRanks(corpus, splits[split]));
    for (const k1 of [...new Set(GRID.map((g) => g.k1))]) {
      for (const b of [...new Set(GRID.map((g) => g.b))]) {
        const index = rel.buildIndex(opts, corpus, null, ['--k1', String(k1), '--b', String(b)]);
        for (const g of GRID.filter((x) => x.k1 === k1 && x.b === b)) {
          const r = {};
          for (const split of ['dev', 'test']) {
            const ranks = await rel.productRanks(index, splits[split], { coverageWeight: g.alpha });
            r[split] = { product: rel.metrics(ranks.map((x) => x.rank)), baseline: floor[split] };
          }
          results[name][key(g)] = r;
          if (!o.json) console.error(`${name} ${key(g)} dev ${fmt(r.dev.product)} (bm25 ${fmt(floor.dev)})`);
        }
        index.cleanup();
      }
    }
  }
  const choose = (names) => {
    let best = null;
    for (const g of GRID) {
      const worst = Math.min(...names.map((n) => gain(results[n][key(g)].dev.product, results[n][key(g)].dev.baseline)));
      if (!best || worst > best.worst) best = { g, worst };
    }
    return best;
  };
  const heldOut = {};
  for (const name of corpora.NAMES) {
    const chosen = choose(corpora.NAMES.filter((n) => n !== name));
    heldOut[name] = { setting: key(chosen.g), test: results[name][key(chosen.g)].test };
  }
  const all = choose(corpora.NAMES);
  if (o.json) {
    console.log(JSON.stringify({ results, heldOut, chosenWithAll: key(all.g) }));
    return;
  }
  console.log('held-out corpus | setting chosen on the other three | test: product hit@1 / hit@5 / MRR@10 | bm25');
  for (const [name, h] of Object.entries(heldOut)) {
    console.log(`${name.padEnd(11)} | ${h.setting} | ${fmt(h.test.product)} | ${fmt(h.test.baseline)}`);
  }
  console.log(`chosen with all four corpora: ${key(all.g)} (worst dev gain ${all.worst.toFixed(4)})`);
}

main().catch((e) => { console.error(e); process.exit(1); });
