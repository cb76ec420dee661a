// Generated help-center articles for the bandwidth benches, assembled from real Chinese
// customer-service sentences of the shared corpora (read in place from ../shared/corpora or
// $QAPORTAL_CORPORA; never copied into the repository): a title, two phrasings, two tags, the usual
// headings and a 1.5-4 kB body, over 8 systems. Deterministic for a given article count.
'use strict';
const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '..', '..');

function corporaDir() {
  return process.env.QAPORTAL_CORPORA || path.join(repo, '..', 'shared', 'corpora');
}

// mulberry32: the same sites on every run.
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
    fs.readFileSync(path.join(corporaDir(), file), 'utf8').split('\n').slice(1).forEach((l) => {
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

const SYSTEMS = ['account', 'accounts', 'bank-transfer', 'trading', 'margin', 'wealth', 'app', 'other'];
const CATEGORIES = ['数据类', '程序类', '咨询类', '其他类'];

// Search documents (search-index's SearchDocument shape).
function generate(n, pool) {
  const r = rng(n);
  const pick = () => pool[Math.floor(r() * pool.length)];
  const docs = [];
  for (let i = 0; i < n; i++) {
    const sys = SYSTEMS[i % SYSTEMS.length];
    const target = 1500 + Math.floor(r() * 2500);
    let body = '';
    while (Buffer.byteLength(body) < target) body += pick() + '。';
    const title = pick();
    const id = 'KB-' + String(i + 1).padStart(5, '0');
    docs.push({
      id, title, questions: [pick(), pick()], tags: [title.slice(0, 2), pick().slice(0, 4)],
      headings: ['问题描述', '原因', '处理步骤'], body, url: `/${sys}/${id.toLowerCase()}/`,
      system: sys, system_title: sys, category: CATEGORIES[i % 4], summary: body.slice(0, 60),
    });
  }
  return docs;
}

// The same articles as a qaportal site source in `dir`.
function writeSite(dir, docs) {
  const yaml = (s) => JSON.stringify(s);
  fs.mkdirSync(path.join(dir, 'content'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'qaportal.toml'), 'title = "基准测试"\nbase_url = "https://qa.example.com/"\n');
  SYSTEMS.forEach((sys, i) => {
    fs.mkdirSync(path.join(dir, 'content', sys), { recursive: true });
    fs.writeFileSync(path.join(dir, 'content', sys, '_system.md'), `---\ntitle: 系统${i + 1}\norder: ${i + 1}\n---\n`);
  });
  for (const d of docs) {
    const sentences = d.body.split('。').filter(Boolean);
    const third = Math.max(1, Math.floor(sentences.length / 3));
    const steps = sentences.slice(2 * third).map((s, i) => `${i + 1}. ${s}。`).join('\n');
    const text = `---\nid: ${d.id}\ntitle: ${yaml(d.title)}\nquestions: [${d.questions.map(yaml).join(', ')}]\n` +
      `category: ${d.category}\ntags: [${d.tags.map(yaml).join(', ')}]\n---\n\n` +
      `## 问题描述\n\n${sentences.slice(0, third).join('。')}。\n\n## 原因\n\n${sentences.slice(third, 2 * third).join('。')}。\n\n` +
      `## 处理步骤\n\n${steps}\n`;
    fs.writeFileSync(path.join(dir, 'content', d.system, d.id.toLowerCase() + '.md'), text);
  }
}

// `count` queries drawn from the first 5,000 tonghuashun-faq queries (the tuning set).
function queries(count) {
  const all = fs.readFileSync(path.join(corporaDir(), 'tonghuashun-faq/queries.tsv'), 'utf8')
    .split('\n').slice(1, 5001).map((l) => l.split('\t')[0]).filter(Boolean);
  const r = rng(7);
  return Array.from({ length: count }, () => all[Math.floor(r() * all.length)]);
}

module.exports = { rng, sentences, generate, writeSite, queries };
