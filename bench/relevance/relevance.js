#!/usr/bin/env node
// Relevance of qaportal's search on the tonghuashun-faq corpus (300 standard questions of a
// securities app, 10,478 real user queries with their gold question), measured through the real
// query path: the index built by search-index (Rust) and queried by the theme's JS.
//
//   node bench/relevance/relevance.js [--corpus DIR] [--queries first|heldout] [--setting titles|phrasings|both]
//                                     [--via index|questions|tickets] [--folds 5] [--json] [-- <corpus_index flags>]
//
// The corpus is read in place (default: ../shared/corpora/tonghuashun-faq relative to the repo
// root, or $QAPORTAL_CORPORA/tonghuashun-faq) and never copied into the repository.
// Settings:
//   titles     articles are the 300 questions' titles only.
//   phrasings  the first 5,000 queries become their gold articles' `questions`. On the first
//              5,000 this is measured by k-fold cross-validation (a query is never among its own
//              article's questions); on the held-out queries all 5,000 are used.
// How the bench site is made (--via):
//   index      (default) search-index's corpus_index example writes the client index directly.
//   questions  a real site source (content/faq/KB-nnnn.md, one per standard question, phrasings in
//              the front matter's `questions`) built by `qaportal build`: the whole product path.
//   tickets    the same site, but the phrasings arrive as a ticket export
//              (data/tickets/phrasings.csv: time, article, question), as the event team's ITSM
//              export would bring them.
// Tune only with --queries first (the default). Held-out figures are for the final report.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const repo = path.resolve(__dirname, '..', '..');
const engine = require(path.join(repo, 'themes/default/static/search/qaportal-search.js'));

function parseArgs(argv) {
  const o = { queries: 'first', setting: 'both', via: 'index', folds: 5, json: false, extra: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { o.extra = argv.slice(i + 1); break; }
    else if (a === '--corpus') o.corpus = argv[++i];
    else if (a === '--queries') o.queries = argv[++i];
    else if (a === '--setting') o.setting = argv[++i];
    else if (a === '--via') o.via = argv[++i];
    else if (a === '--folds') o.folds = +argv[++i];
    else if (a === '--json') o.json = true;
    else throw new Error('unknown argument ' + a);
  }
  if (!['index', 'questions', 'tickets'].includes(o.via)) throw new Error('--via index|questions|tickets');
  o.corpus = o.corpus || path.join(process.env.QAPORTAL_CORPORA || path.join(repo, '..', 'shared', 'corpora'), 'tonghuashun-faq');
  return o;
}

function readTsv(file) {
  return fs.readFileSync(file, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t'));
}

// Builds the bench site's search index for `questions` ([[phrasing, gold id]] or null) and
// returns {dir, idOf, cleanup}: `dir` holds `search/`, `idOf` maps a hit's id to a corpus id.
function buildIndex(opts, questions) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qaportal-rel-'));
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  if (opts.via === 'index') {
    const args = ['--corpus', opts.corpus, '--out', tmp, ...opts.extra];
    if (questions) {
      const qfile = path.join(tmp, 'questions.tsv');
      fs.writeFileSync(qfile, questions.map(([q, gold]) => gold + '\t' + q).join('\n') + '\n');
      args.push('--questions', qfile);
    }
    execFileSync(path.join(repo, 'target/release/examples/corpus_index'), args, { stdio: 'inherit' });
    return { dir: tmp, idOf: (id) => id, cleanup };
  }
  writeSite(tmp, opts, questions);
  execFileSync(path.join(repo, 'target/release/qaportal'),
    ['build', '--quiet', '--root', tmp, '--as-of', '2026-11-22'], { stdio: 'inherit' });
  return { dir: path.join(tmp, 'public'), idOf: (id) => String(+id.slice(3)), cleanup };
}

// A qaportal site source whose articles are the corpus' standard questions (id KB-nnnn for
// corpus id n), with the phrasings in the front matter or in a ticket export.
function writeSite(root, opts, questions) {
  const faq = path.join(root, 'content', 'faq');
  fs.mkdirSync(faq, { recursive: true });
  fs.writeFileSync(path.join(root, 'qaportal.toml'), 'title = "常见问题"\nbase_url = "https://qa.example.com/"\n');
  fs.writeFileSync(path.join(faq, '_system.md'), '---\ntitle: 常见问题\n---\n');
  const byGold = new Map();
  for (const [q, gold] of questions || []) {
    if (!byGold.has(gold)) byGold.set(gold, []);
    byGold.get(gold).push(q);
  }
  const articleId = (n) => 'KB-' + String(n).padStart(4, '0');
  for (const [n, title] of readTsv(path.join(opts.corpus, 'standard_questions.tsv'))) {
    const inFrontMatter = opts.via === 'questions' ? byGold.get(n) || [] : [];
    // JSON strings are YAML double-quoted scalars: any text is safe in the front matter.
    fs.writeFileSync(path.join(faq, articleId(n).toLowerCase() + '.md'),
      `---\nid: ${articleId(n)}\ntitle: ${JSON.stringify(title)}\ncategory: 咨询类\n` +
      `questions: ${JSON.stringify(inFrontMatter)}\n---\n`);
  }
  if (opts.via === 'tickets' && questions) {
    const tickets = path.join(root, 'data', 'tickets');
    fs.mkdirSync(tickets, { recursive: true });
    const csv = (s) => '"' + s.replace(/"/g, '""') + '"';
    fs.writeFileSync(path.join(tickets, 'phrasings.csv'), 'time,article,question\n' +
      questions.map(([q, gold]) => `2026-11-02,${articleId(gold)},${csv(q)}\n`).join(''));
  }
}

function fsFetch(dir) {
  return (url) => Promise.resolve({
    ok: true, status: 200,
    json: () => Promise.resolve(JSON.parse(fs.readFileSync(path.join(dir, url), 'utf8'))),
    text: () => Promise.resolve(fs.readFileSync(path.join(dir, url), 'utf8')),
  });
}

// Ranks of the gold article (1-based, Infinity when not in the top 10) for each query.
async function ranks(index, queries) {
  engine.init({ indexBase: 'search/', fetch: fsFetch(index.dir) });
  const out = [];
  for (const [q, gold] of queries) {
    const hits = await engine.search(q, { limit: 10 });
    const r = hits.findIndex((h) => index.idOf(h.id) === gold);
    out.push(r < 0 ? Infinity : r + 1);
  }
  index.cleanup();
  return out;
}

function metrics(rs) {
  const n = rs.length;
  return {
    n,
    hit1: rs.filter((r) => r <= 1).length / n,
    hit5: rs.filter((r) => r <= 5).length / n,
    mrr10: rs.reduce((s, r) => s + (r <= 10 ? 1 / r : 0), 0) / n,
    none: rs.filter((r) => r === Infinity).length / n,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const all = readTsv(path.join(opts.corpus, 'queries.tsv')).map((r) => [r[0], r[1]]);
  if (all.length !== 10478) throw new Error('expected 10,478 queries in ' + opts.corpus);
  const first = all.slice(0, 5000);
  const heldout = all.slice(5000);
  const evalSet = opts.queries === 'heldout' ? heldout : first;
  const results = {};
  if (opts.setting === 'titles' || opts.setting === 'both') {
    results.titles = metrics(await ranks(buildIndex(opts, null), evalSet));
  }
  if (opts.setting === 'phrasings' || opts.setting === 'both') {
    let rs = [];
    if (opts.queries === 'heldout') {
      rs = await ranks(buildIndex(opts, first), heldout);
    } else {
      for (let k = 0; k < opts.folds; k++) {
        const train = first.filter((_, i) => i % opts.folds !== k);
        const test = first.filter((_, i) => i % opts.folds === k);
        rs = rs.concat(await ranks(buildIndex(opts, train), test));
      }
    }
    results.phrasings = metrics(rs);
  }
  if (opts.json) {
    console.log(JSON.stringify(results));
    return;
  }
  for (const [name, m] of Object.entries(results)) {
    console.log(`${name.padEnd(10)} via=${opts.via} queries=${opts.queries} n=${m.n} hit@1=${m.hit1.toFixed(4)} hit@5=${m.hit5.toFixed(4)} MRR@10=${m.mrr10.toFixed(4)} miss@10=${m.none.toFixed(4)}`);
  }
}

// The search-log bench (search_log.js) builds and measures its sites the same way.
module.exports = { readTsv, writeSite, fsFetch, metrics };

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
