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

test('highlight marks the query\'s bigrams and words, not stray characters, and escapes HTML', () => {
  assert.strictEqual(qp.highlight('账户<被>锁定 Level2', '账户锁定 level2'), '<mark>账户</mark>&lt;被&gt;<mark>锁定</mark> <mark>Level2</mark>');
  // 码 of 验证码, 了 and 忘 are in 密码忘了怎么办 but match nothing of it.
  assert.strictEqual(qp.highlight('客户忘记验证码了', '密码忘了怎么办'), '客户忘记验证码了');
  assert.strictEqual(qp.highlight('港股通怎么开通', '港股通'), '<mark>港股通</mark>怎么开通');
  // A one-character query marks its character.
  assert.strictEqual(qp.highlight('开户', '开'), '<mark>开</mark>户');
});
