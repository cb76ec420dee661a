#!/usr/bin/env node
// Relevance of qaportal's search on several corpora (corpora.js), measured through the real query
// path: the index built by the Rust side (search-index, or `qaportal build`) and queried by the
// theme's JS engine in node. Beside each figure, the plain BM25 floor (bm25.js) on the same
// queries.
//
//   node bench/relevance/relevance.js [--corpora tonghuashun,lcqmc,bq,afqmc] [--queries dev|test|all]
//        [--limit N] [--setting titles|phrasings|coldstart|outcomes|all] [--via index|questions|tickets]
//        [--folds 5] [--foreign N] [--json] [-- <corpus_index flags>]
//
// Settings:
//   titles     (default) the articles are the corpus' titles only; every corpus.
//   phrasings  tonghuashun: its first 5,000 queries become their gold articles' `questions`. On
//              `dev` this is k-fold cross-validation (a query is never among its own article's
//              questions); on `test` all 5,000 are used.
//   coldstart  answers whose phrasings are held out: the articles are split into folds; the dev
//              queries of the other folds' articles are their phrasings, and the queries of the
//              fold's own articles (of --queries) are asked. Reported with and without the
//              synonyms the build learns from the phrasings: `none` (the fold's answers scored
//              on their titles alone, `--no-stand-in`), `title` (the default: their titles
//              stand in for their phrasings) and `learned` (the title and the learned words
//              stand in: `[search] learned_synonyms = true`).
//   outcomes   the share of each outcome (answers / weak / none): for a site's own queries whose
//              gold comes first, and for every other corpus' queries (--foreign N of each, default
//              1,000) against the site.
// --limit N asks only the first N queries of the split of each corpus (for quick iterations).
// How the bench site is made (--via):
//   index      (default) search-index's corpus_index example writes the client index directly.
//   questions  a real site source (content/faq/KB-nnnnn.md, phrasings in the front matter's
//              `questions`) built by `qaportal build`: the whole product path.
//   tickets    the same site, but the phrasings arrive as a ticket export.
// Tune only with --queries dev (the default); `test` figures are for reports.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const corpora = require('./corpora');
const { Bm25 } = require('./bm25');

const repo = path.resolve(__dirname, '..', '..');
const engine = require(path.join(repo, 'themes/default/static/search/qaportal-search.js'));
// Diagnostics: QAPORTAL_BENCH_COMPLETE=1 reads every term's postings (both tiers), as no phone does.
const COMPLETE = !!process.env.QAPORTAL_BENCH_COMPLETE;

function parseArgs(argv) {
  const o = {
    corpora: corpora.NAMES, queries: 'dev', limit: 0, setting: 'titles', via: 'index', folds: 5,
    foreign: 1000, json: false, extra: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { o.extra = argv.slice(i + 1); break; }
    else if (a === '--corpora') o.corpora = argv[++i].split(',');
    else if (a === '--queries') o.queries = argv[++i];
    else if (a === '--limit') o.limit = +argv[++i];
    else if (a === '--setting') o.setting = argv[++i];
    else if (a === '--via') o.via = argv[++i];
    else if (a === '--folds') o.folds = +argv[++i];
    else if (a === '--foreign') o.foreign = +argv[++i];
    else if (a === '--json') o.json = true;
    else throw new Error('unknown argument ' + a);
  }
  if (!['index', 'questions', 'tickets'].includes(o.via)) throw new Error('--via index|questions|tickets');
  if (!['dev', 'test', 'all'].includes(o.queries)) throw new Error('--queries dev|test|all');
  if (!['titles', 'phrasings', 'coldstart', 'outcomes', 'all'].includes(o.setting)) {
    throw new Error('--setting titles|phrasings|coldstart|outcomes|all');
  }
  return o;
}

function pick(corpus, opts, split) {
  const qs = corpus.queries.filter((q) => (split || opts.queries) === 'all' || q.split === (split || opts.queries));
  return opts.limit ? qs.slice(0, opts.limit) : qs;
}

const articleId = (id) => 'KB-' + String(id).padStart(5, '0');

// Builds the bench site's search index for the corpus' articles, with `phrasings` ([[text, gold
// id]]) as their questions, and returns {dir, idOf, cleanup}: `dir` holds `search/`, `idOf` maps
// a hit's id to a corpus id.
function buildIndex(opts, corpus, phrasings, extra) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qaportal-rel-'));
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  extra = (extra || []).concat(opts.extra);
  if (opts.via === 'index') {
    const titles = path.join(tmp, 'titles.tsv');
    // Ids padded, so that the index order (which breaks ties) is the corpus order, as bm25.js's.
    fs.writeFileSync(titles, corpus.articles.map((a) => a.id.padStart(5, '0') + '\t' + a.title).join('\n') + '\n');
    const args = ['--titles', titles, '--out', tmp, ...extra];
    if (phrasings) {
      const qfile = path.join(tmp, 'questions.tsv');
      fs.writeFileSync(qfile, phrasings.map(([q, gold]) => gold.padStart(5, '0') + '\t' + q).join('\n') + '\n');
      args.push('--questions', qfile);
    }
    execFileSync(path.join(repo, 'target/release/examples/corpus_index'), args, { stdio: 'inherit' });
    return { dir: tmp, idOf: (id) => String(+id), cleanup };
  }
  if (extra.length) throw new Error('corpus_index flags need --via index');
  writeSite(tmp, opts, corpus, phrasings);
  execFileSync(path.join(repo, 'target/release/qaportal'),
    ['build', '--quiet', '--root', tmp, '--as-of', '2026-11-22'], { stdio: 'inherit' });
  return { dir: path.join(tmp, 'public'), idOf: (id) => String(+id.slice(3)), cleanup };
}

// A qaportal site source whose articles are the corpus' titles (id KB-nnnnn for corpus id n),
// with the phrasings in the front matter or in a ticket export.
function writeSite(root, opts, corpus, phrasings) {
  const faq = path.join(root, 'content', 'faq');
  fs.mkdirSync(faq, { recursive: true });
  fs.writeFileSync(path.join(root, 'qaportal.toml'), 'title = "常见问题"\nbase_url = "https://qa.example.com/"\n');
  fs.writeFileSync(path.join(faq, '_system.md'), '---\ntitle: 常见问题\n---\n');
  const byGold = new Map();
  for (const [q, gold] of phrasings || []) {
    if (!byGold.has(gold)) byGold.set(gold, []);
    byGold.get(gold).push(q);
  }
  for (const { id, title } of corpus.articles) {
    const inFrontMatter = opts.via === 'questions' ? byGold.get(id) || [] : [];
    // JSON strings are YAML double-quoted scalars: any text is safe in the front matter. The
    // corpora's own sentences are public test data, but some look like customer data to the
    // build's lint (bq: "622848 ***** ****3 974 ，农行", a bank card number), which would stop
    // the build: each line says so, as an author marks a test account.
    const allow = ' # qaportal:allow customer-data';
    fs.writeFileSync(path.join(faq, articleId(id).toLowerCase() + '.md'),
      `---\nid: ${articleId(id)}\ntitle: ${JSON.stringify(title)}${allow}\ncategory: 咨询类\n` +
      `questions: ${JSON.stringify(inFrontMatter)}${allow}\n---\n`);
  }
  if (opts.via === 'tickets' && phrasings) {
    const tickets = path.join(root, 'data', 'tickets');
    fs.mkdirSync(tickets, { recursive: true });
    const csv = (s) => '"' + s.replace(/"/g, '""') + '"';
    fs.writeFileSync(path.join(tickets, 'phrasings.csv'), 'time,article,question\n' +
      phrasings.map(([q, gold]) => `2026-11-02,${articleId(gold)},${csv(q)}\n`).join(''));
  }
}

// Reads the index from disk; `manifest` fields (if given) replace the manifest's, to compare
// query-side settings on one index.
function fsFetch(dir, manifest) {
  const read = (url) => {
    const json = JSON.parse(fs.readFileSync(path.join(dir, url), 'utf8'));
    return manifest && /manifest\.json$/.test(url) ? { ...json, ...manifest } : json;
  };
  return (url) => Promise.resolve({
    ok: true, status: 200,
    json: () => Promise.resolve(read(url)),
    text: () => Promise.resolve(fs.readFileSync(path.join(dir, url), 'utf8')),
  });
}

// The product's answer to each query: {rank (1-based rank of the first gold article,
// Infinity when not in the top 10), outcome}. The query's own text as a title is left out.
async function productRanks(index, queries, manifest) {
  engine.init({ indexBase: 'search/', fetch: fsFetch(index.dir, manifest) });
  const out = [];
  for (const q of queries) {
    const hits = await engine.search(q.q, { limit: 11, complete: COMPLETE });
    const ids = hits.map((h) => index.idOf(h.id)).filter((id) => id !== q.exclude).slice(0, 10);
    const r = ids.findIndex((id) => q.gold.has(id));
    out.push({ rank: r < 0 ? Infinity : r + 1, outcome: hits.outcome });
  }
  return out;
}

function baselineRanks(corpus, queries) {
  const bm = new Bm25(corpus.articles.map((a) => a.title));
  return queries.map((q) => {
    const ids = bm.rank(q.q).map((d) => corpus.articles[d].id).filter((id) => id !== q.exclude).slice(0, 10);
    const r = ids.findIndex((id) => q.gold.has(id));
    return r < 0 ? Infinity : r + 1;
  });
}

function metrics(rs) {
  const n = rs.length;
  return {
    n,
    hit1: rs.filter((r) => r <= 1).length / n,
    hit5: rs.filter((r) => r <= 5).length / n,
    mrr10: rs.reduce((s, r) => s + (r <= 10 ? 1 / r : 0), 0) / n,
  };
}

async function titles(opts, corpus) {
  const queries = pick(corpus, opts);
  const index = buildIndex(opts, corpus, null);
  const product = await productRanks(index, queries);
  index.cleanup();
  return { product: metrics(product.map((p) => p.rank)), baseline: metrics(baselineRanks(corpus, queries)) };
}

async function phrasings(opts, corpus) {
  const dev = corpus.queries.filter((q) => q.split === 'dev');
  const asPhrasing = (q) => [q.q, Array.from(q.gold)[0]];
  let rs = [];
  if (opts.queries === 'dev') {
    const qs = opts.limit ? dev.slice(0, opts.limit) : dev;
    for (let k = 0; k < opts.folds; k++) {
      const train = dev.filter((_, i) => i % opts.folds !== k).map(asPhrasing);
      const index = buildIndex(opts, corpus, train);
      rs = rs.concat(await productRanks(index, qs.filter((_, i) => i % opts.folds === k)));
      index.cleanup();
    }
  } else {
    const index = buildIndex(opts, corpus, dev.map(asPhrasing));
    rs = await productRanks(index, pick(corpus, opts, 'test'));
    index.cleanup();
  }
  return { product: metrics(rs.map((p) => p.rank)) };
}

// The cold-start variants: as before the stand-in phrasings (an answer without phrasings scored
// on its title alone), with its title standing in for its phrasings (the default), and with the
// words learned from the other answers' phrasings added to it (`learned_synonyms`).
const COLDSTART_VARIANTS = [
  ['none', ['--no-stand-in']],
  ['title', []],
  ['learned', ['--learned-synonyms']],
];

// Cold start: the articles of fold k have no phrasings; the others have their dev queries as
// phrasings. The queries asked are those (of --queries) whose gold articles are all in fold k.
async function coldstart(opts, corpus) {
  const foldOf = (id) => (+id * 2654435761 >>> 0) % opts.folds;
  const result = {};
  for (const [name, extra] of COLDSTART_VARIANTS) {
    let rs = [];
    for (let k = 0; k < opts.folds; k++) {
      const train = corpus.queries.filter((q) => q.split === 'dev' && Array.from(q.gold).every((g) => foldOf(g) !== k))
        .map((q) => [q.q, Array.from(q.gold)[0]]);
      const asked = pick(corpus, opts).filter((q) => Array.from(q.gold).every((g) => foldOf(g) === k));
      const index = buildIndex(opts, corpus, train, extra);
      rs = rs.concat(await productRanks(index, asked));
      index.cleanup();
    }
    result[name] = metrics(rs.map((p) => p.rank));
  }
  return result;
}

// Outcome shares: the site's own queries whose gold comes first (that are not a title
// themselves), and other corpora's queries against the site.
async function outcomes(opts, corpus, all) {
  const share = (list) => {
    const n = list.length || 1;
    const c = { answers: 0, weak: 0, none: 0 };
    list.forEach((o) => { c[o] += 1; });
    return { n: list.length, answers: c.answers / n, weak: c.weak / n, none: c.none / n };
  };
  const index = buildIndex(opts, corpus, null);
  const own = (await productRanks(index, pick(corpus, opts).filter((q) => !q.exclude)));
  const out = {
    hits: share(own.filter((p) => p.rank === 1).map((p) => p.outcome)),
    misses: share(own.filter((p) => p.rank !== 1).map((p) => p.outcome)),
  };
  for (const other of all) {
    if (other.name === corpus.name) continue;
    const qs = other.queries.filter((q) => q.split === opts.queries || opts.queries === 'all').slice(0, opts.foreign);
    out[other.name] = share((await productRanks(index, qs)).map((p) => p.outcome));
  }
  index.cleanup();
  return out;
}

const fmt = (m) => `${m.hit1.toFixed(3)} / ${m.hit5.toFixed(3)} / ${m.mrr10.toFixed(3)}`;
const pct = (x) => (100 * x).toFixed(1) + ' %';

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const loaded = opts.corpora.map((name) => corpora.load(name));
  const settings = opts.setting === 'all' ? ['titles', 'phrasings', 'coldstart', 'outcomes'] : [opts.setting];
  const results = {};
  for (const setting of settings) {
    results[setting] = {};
    for (const corpus of loaded) {
      if (setting === 'phrasings' && corpus.name !== 'tonghuashun') continue;
      let r;
      if (setting === 'titles') r = await titles(opts, corpus);
      else if (setting === 'phrasings') r = await phrasings(opts, corpus);
      else if (setting === 'coldstart') r = await coldstart(opts, corpus);
      else {
        const all = opts.corpora.length === corpora.NAMES.length ? loaded : corpora.NAMES.map((n) => corpora.load(n));
        r = await outcomes(opts, corpus, all);
      }
      results[setting][corpus.name] = r;
      if (opts.json) continue;
      const head = `${setting.padEnd(9)} ${corpus.name.padEnd(11)} via=${opts.via} queries=${opts.queries}`;
      if (setting === 'titles') {
        const d = r.product.hit1 - r.baseline.hit1;
        console.log(`${head} n=${r.product.n} product ${fmt(r.product)}  bm25 ${fmt(r.baseline)}  Δhit@1 ${d >= 0 ? '+' : ''}${d.toFixed(3)}`);
      } else if (setting === 'phrasings') {
        console.log(`${head} n=${r.product.n} product ${fmt(r.product)}`);
      } else if (setting === 'coldstart') {
        console.log(`${head} n=${r.learned.n} ` + COLDSTART_VARIANTS.map(([k]) => `${k} ${fmt(r[k])}`).join('  '));
      } else {
        const line = (k, s) => `${k} n=${s.n} answers ${pct(s.answers)} weak ${pct(s.weak)} none ${pct(s.none)}`;
        console.log(head);
        for (const [k, s] of Object.entries(r)) console.log('    ' + line(k.padEnd(11), s));
      }
    }
  }
  if (opts.json) console.log(JSON.stringify(results));
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });

// search_log.js's form of writeSite: (root, {corpus: <tonghuashun-faq folder>, via}, questions).
function writeTonghuashunSite(root, opts, questions) {
  const articles = corpora.readTsv(path.join(opts.corpus, 'standard_questions.tsv')).map(([id, title]) => ({ id, title }));
  writeSite(root, opts, { articles }, questions);
}

// The search-log bench (search_log.js) builds and measures its sites the same way.
module.exports = {
  buildIndex, productRanks, baselineRanks, metrics, pick,
  readTsv: corpora.readTsv, writeSite: writeTonghuashunSite, fsFetch,
};
