#!/usr/bin/env node
// What learning from the search log (`[search] learn_from_log = true`) does to relevance, on the
// tonghuashun-faq corpus (read from ../shared/corpora, never copied here), through the whole
// product path: a log simulated from the first 5,000 queries, written as nginx writes the
// pages' reports (docs/search-log.md), read by `qaportal build`, the learned phrasings in the
// client index, queried by the theme's JS.
//
//   node bench/relevance/search_log.js [--corpus DIR] [--days 1,2,3] [--repeat 2.5] [--wrong 0.25] [--json]
//
// The simulation: the 300 standard questions are the answers (titles only, as a help center
// starts). Each of the first 5,000 queries is searched by one or more readers (1 + a geometric
// number, mean --repeat), on random days of eight weeks; each search runs the site's real search
// (top 6, as the search box shows). A reader opens the right answer when it is shown, more often
// near the top (88 % at rank 1 … 40 % at rank 6) and stops; otherwise opens the first result
// (--wrong, 25 %: a wrong answer, learned as noise if they stop there) or searches again with the answer's
// title (55 %). Only a query after which the reader opened an answer and searched no more is a
// phrasing, once it led there on `learn_min_days` distinct days.
//
// Measured: hit@1, hit@5, MRR@10 on the 5,478 held-out queries (never in the log: does the site
// answer new readers better?) and on the first 5,000 (readers who ask again), for: the titles
// alone, learning with each --days, and the ceiling where every one of the 5,000 is a phrasing of
// its right answer (what `relevance.js --setting phrasings` measures).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
const { readTsv, writeSite, fsFetch, metrics } = require('./relevance.js');

const repo = path.resolve(__dirname, '..', '..');
const engine = require(path.join(repo, 'themes/default/static/search/qaportal-search.js'));
const binary = path.join(repo, 'target/release/qaportal');

function parseArgs(argv) {
  const o = { days: [1, 2, 3], repeat: 2.5, wrong: 0.25, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--corpus') o.corpus = argv[++i];
    else if (a === '--days') o.days = argv[++i].split(',').map(Number);
    else if (a === '--repeat') o.repeat = +argv[++i];
    else if (a === '--wrong') o.wrong = +argv[++i];
    else if (a === '--json') o.json = true;
    else throw new Error('unknown argument ' + a);
  }
  o.corpus = o.corpus || path.join(process.env.QAPORTAL_CORPORA || path.join(repo, '..', 'shared', 'corpora'), 'tonghuashun-faq');
  return o;
}

function mulberry32(seed) {
  return function () {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const articleId = (n) => 'KB-' + String(n).padStart(4, '0');
const OPEN_RIGHT = [0, 0.88, 0.75, 0.6, 0.5, 0.45, 0.4];

// Builds the bench site (extra files and config lines given) and returns its `public/`.
function build(opts, questions, configLines, files) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qaportal-rel-log-'));
  writeSite(root, { corpus: opts.corpus, via: 'questions' }, questions);
  if (configLines) fs.appendFileSync(path.join(root, 'qaportal.toml'), configLines);
  for (const [name, bytes] of Object.entries(files || {})) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), bytes);
  }
  execFileSync(binary, ['build', '--quiet', '--root', root, '--as-of', '2026-11-22'], { stdio: 'inherit' });
  return { dir: path.join(root, 'public'), cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

async function rankAll(site, queries, limit) {
  engine.init({ indexBase: 'search/', fetch: fsFetch(site.dir) });
  const out = [];
  for (const [q] of queries) {
    const hits = await engine.search(q, { limit });
    out.push(hits.map((h) => String(+h.id.slice(3))));
  }
  return out;
}

function ranksOf(results, queries) {
  return results.map((ids, i) => {
    const r = ids.indexOf(queries[i][1]);
    return r < 0 ? Infinity : r + 1;
  });
}

// The pages' reports of the simulated readers, as nginx logs them.
function simulate(opts, train, shown, titleShown, titles) {
  const rng = mulberry32(20261122);
  const lines = [];
  const start = Date.UTC(2026, 8, 20, 16, 0, 0); // Monday 2026-09-21 00:00 in UTC+8
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n) => String(n).padStart(2, '0');
  const stamp = (ms) => {
    const d = new Date(ms + 8 * 3600 * 1000);
    return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0800`;
  };
  let sessions = 0;
  const stats = { searches: 0, rightOpens: 0, wrongOpens: 0 };
  const p = 1 / opts.repeat;
  for (let i = 0; i < train.length; i++) {
    const [query, gold] = train[i];
    let readers = 1;
    while (rng() > p) readers++;
    for (let r = 0; r < readers; r++) {
      const session = 'b' + (++sessions).toString(36);
      let t = start + Math.floor(rng() * 56) * 86400000 + Math.floor((8 + rng() * 10) * 3600000);
      const log = (params) => {
        const q = Object.entries({ ...params, session, v: 1 }).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        lines.push(`10.0.${sessions % 250}.${(sessions >> 8) % 250} - - [${stamp(t)}] "POST /search/log?${q} HTTP/1.1" 204 0 "-" "bench"`);
        t += 5000 + Math.floor(rng() * 20000);
      };
      // One search, and what the reader does with its results; true when satisfied.
      const attempt = (q, ids) => {
        stats.searches++;
        log({ event: 'search', q, results: ids.length, outcome: ids.length ? 'answers' : 'none' });
        const rank = ids.indexOf(gold) + 1;
        if (rank > 0 && rng() < OPEN_RIGHT[rank]) {
          stats.rightOpens++;
          log({ event: 'open', q, answer: articleId(gold), rank });
          return 'right';
        }
        if (ids.length && ids[0] !== gold && rng() < opts.wrong) {
          stats.wrongOpens++;
          log({ event: 'open', q, answer: articleId(ids[0]), rank: 1 });
          return rng() < 0.5 ? 'again' : 'wrong';
        }
        return rng() < 0.55 ? 'again' : 'gave up';
      };
      if (attempt(query, shown[i]) === 'again') attempt(titles.get(gold), titleShown.get(gold));
    }
  }
  return { log: zlib.gzipSync(lines.join('\n') + '\n'), stats };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(binary)) throw new Error('cargo build --release first');
  const all = readTsv(path.join(opts.corpus, 'queries.tsv')).map((r) => [r[0], r[1]]);
  const titles = new Map(readTsv(path.join(opts.corpus, 'standard_questions.tsv')).map(([n, t]) => [n, t]));
  const train = all.slice(0, 5000);
  const heldout = all.slice(5000);
  const results = {};
  const measure = async (name, site) => {
    results[name] = {
      heldout: metrics(ranksOf(await rankAll(site, heldout, 10), heldout)),
      first5000: metrics(ranksOf(await rankAll(site, train, 10), train)),
    };
  };

  const titlesOnly = build(opts, null);
  const shown = await rankAll(titlesOnly, train, 6);
  const titleQueries = [...titles].map(([n, t]) => [t, n]);
  const titleResults = await rankAll(titlesOnly, titleQueries, 6);
  const titleShown = new Map(titleQueries.map(([, n], i) => [n, titleResults[i]]));
  await measure('titles', titlesOnly);
  titlesOnly.cleanup();

  const { log, stats } = simulate(opts, train, shown, titleShown, titles);
  for (const days of opts.days) {
    const site = build(opts, null, `\n[search]\nlearn_from_log = true\nlearn_min_days = ${days}\n`,
      { 'data/search-logs/search.log.gz': log });
    await measure(`learned (${days} day${days > 1 ? 's' : ''})`, site);
    site.cleanup();
  }
  const ceiling = build(opts, train);
  await measure('all 5,000 as phrasings', ceiling);
  ceiling.cleanup();

  if (opts.json) {
    console.log(JSON.stringify({ stats, logBytes: log.length, results }));
    return;
  }
  console.log(`simulated log: ${stats.searches} searches, ${stats.rightOpens} right answers opened, ${stats.wrongOpens} wrong ones (${(log.length / 1e6).toFixed(1)} MB gzip)`);
  for (const [name, r] of Object.entries(results)) {
    for (const [set, m] of Object.entries(r)) {
      console.log(`${name.padEnd(24)} ${set.padEnd(10)} n=${m.n} hit@1=${m.hit1.toFixed(4)} hit@5=${m.hit5.toFixed(4)} MRR@10=${m.mrr10.toFixed(4)} miss@10=${m.none.toFixed(4)}`);
    }
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
