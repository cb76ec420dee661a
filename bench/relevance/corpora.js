// The relevance bench's corpora as retrieval tasks: articles (id, title) and queries (text, the
// set of gold article ids), read in place from ../shared/corpora (or $QAPORTAL_CORPORA) and never
// copied into the repository.
//
// - tonghuashun: the 300 standard questions of a securities app are the titles; its 10,478 user
//   queries each have one gold question. Split: the first 5,000 queries are `dev` (all earlier
//   tuning used them), the other 5,478 `test`.
// - lcqmc, bq, afqmc: paraphrase pairs (sentence1, sentence2, label) turned into retrieval. Every
//   distinct first sentence, of any pair (positive or negative), is an article's title: the
//   negative pairs' first sentences are realistic distractors from the same domain. A first
//   sentence that appears in several pairs is one article (titles are deduplicated), gold for
//   each second sentence it forms a positive pair with. Each distinct second sentence of a
//   positive pair is one query; when it is paired positively with several first sentences, any
//   of them counts as a hit (the gold is a set). A title identical to the query text is left out
//   of the query's ranking, for the product and the baseline alike (as check_corpora.py does):
//   in bq most second sentences are also some pair's first sentence, and finding one's own text
//   says nothing. Split: queries alternate between `dev` (even positions, in order of first
//   appearance) and `test` (odd).
'use strict';
const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '..', '..');

// $QAPORTAL_CORPORA, or `shared/corpora` beside the repository (or beside the folder of its
// worktrees).
function corporaDir() {
  if (process.env.QAPORTAL_CORPORA) return process.env.QAPORTAL_CORPORA;
  const near = [path.join(repo, '..', 'shared', 'corpora'), path.join(repo, '..', '..', 'shared', 'corpora')];
  return near.find((d) => fs.existsSync(d)) || near[0];
}

function readTsv(file) {
  return fs.readFileSync(file, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t'));
}

const PAIR_FILES = { lcqmc: 'lcqmc/test.tsv', bq: 'bq-corpus/test.tsv', afqmc: 'afqmc/dev.tsv' };
const NAMES = ['tonghuashun', 'lcqmc', 'bq', 'afqmc'];

function tonghuashun(dir) {
  const base = path.join(dir, 'tonghuashun-faq');
  const articles = readTsv(path.join(base, 'standard_questions.tsv')).map(([id, title]) => ({ id, title }));
  const rows = readTsv(path.join(base, 'queries.tsv'));
  if (rows.length !== 10478) throw new Error('expected 10,478 queries in ' + base);
  const queries = rows.map(([q, gold], i) => ({ q, gold: new Set([gold]), split: i < 5000 ? 'dev' : 'test' }));
  return { name: 'tonghuashun', articles, queries };
}

function pairs(dir, name) {
  const rows = readTsv(path.join(dir, PAIR_FILES[name]));
  const titles = Array.from(new Set(rows.map((r) => r[0]))).sort();
  const idOf = new Map(titles.map((t, i) => [t, String(i + 1)]));
  const gold = new Map();
  for (const [s1, s2, label] of rows) {
    if (label !== '1' || s1 === s2) continue;
    if (!gold.has(s2)) gold.set(s2, new Set());
    gold.get(s2).add(idOf.get(s1));
  }
  const queries = Array.from(gold, ([q, g], i) => ({
    q, gold: g, split: i % 2 === 0 ? 'dev' : 'test', exclude: idOf.get(q),
  }));
  return { name, articles: titles.map((title, i) => ({ id: String(i + 1), title })), queries };
}

// load('lcqmc') -> {name, articles: [{id, title}], queries: [{q, gold: Set, split, exclude?}]}
function load(name, dir) {
  dir = dir || corporaDir();
  if (name === 'tonghuashun') return tonghuashun(dir);
  if (PAIR_FILES[name]) return pairs(dir, name);
  throw new Error(`unknown corpus ${name}; the corpora are ${NAMES.join(', ')}`);
}

module.exports = { load, NAMES, readTsv, corporaDir };
