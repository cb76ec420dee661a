// The JS side of the tokenizer contract against the shared vectors (search-index/tests/vectors.json);
// search-index/tests/tokenizer.rs checks the Rust side against the same file.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');

const repo = path.resolve(__dirname, '../../..');
const qp = require(path.join(repo, 'themes/default/static/search/qaportal-search.js'));
const vectors = JSON.parse(fs.readFileSync(path.join(repo, 'search-index/tests/vectors.json'), 'utf8'));
const py = qp.parsePinyin(fs.readFileSync(path.join(repo, 'search-index/data/pinyin.txt'), 'utf8'));

const OPTIONS = { pinyin: { pinyin: true }, plain: {}, body: { unigrams: false } };

test('tokenize matches the shared vectors', () => {
  assert.ok(vectors.tokenize.length >= 10);
  for (const c of vectors.tokenize) {
    assert.deepStrictEqual(qp.tokenize(c.text, OPTIONS[c.options], py), c.tokens, c.text);
  }
});

test('query terms match the shared vectors', () => {
  for (const c of vectors.query) {
    assert.deepStrictEqual(qp.queryTerms(c.query, py), c.terms, c.query);
  }
});

test('shard of a term matches the Rust hash', () => {
  for (const c of vectors.shard) assert.strictEqual(qp.shardOf(c.term, c.shards), c.shard, c.term);
});

test('highlight marks query characters and escapes HTML', () => {
  assert.strictEqual(qp.highlight('账户<被>锁定 Level2', '帐户锁 level2'), '账<mark>户</mark>&lt;被&gt;<mark>锁</mark>定 <mark>Level2</mark>');
});
