// The floor every corpus must clear (DESIGN §5): a plain BM25 over the titles with character
// unigrams and bigrams, k1 1.2, b 0.75, no stop list, nothing else. The same as
// ../shared/corpora/check_corpora.py: content characters (CJK U+4E00-9FFF, ASCII letters and
// digits) lower-cased and joined, every character and every adjacent pair; each distinct query
// term once; idf = ln(1 + (N - df + 0.5) / (df + 0.5)); ties in article order. On tonghuashun's
// 10,478 queries it gives check_corpora's 0.543 / 0.790 / 0.648.
'use strict';

const CONTENT = /[\u4e00-\u9fffA-Za-z0-9]/;

function tokens(s) {
  const chars = Array.from(s).filter((c) => CONTENT.test(c)).map((c) => c.toLowerCase());
  const out = chars.slice();
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
  return out;
}

class Bm25 {
  // titles: [string], in article order.
  constructor(titles, k1 = 1.2, b = 0.75) {
    this.k1 = k1;
    this.b = b;
    this.n = titles.length;
    this.len = [];
    this.postings = new Map(); // term -> [[doc, tf]]
    let total = 0;
    titles.forEach((t, d) => {
      const toks = tokens(t);
      this.len.push(toks.length);
      total += toks.length;
      const tf = new Map();
      toks.forEach((x) => tf.set(x, (tf.get(x) || 0) + 1));
      tf.forEach((n, x) => {
        if (!this.postings.has(x)) this.postings.set(x, []);
        this.postings.get(x).push([d, n]);
      });
    });
    this.avg = total / Math.max(1, this.n);
  }

  // Article numbers, best first (only those sharing a term with the query).
  rank(query) {
    const scores = new Map();
    for (const t of new Set(tokens(query))) {
      const list = this.postings.get(t);
      if (!list) continue;
      const idf = Math.log(1 + (this.n - list.length + 0.5) / (list.length + 0.5));
      for (const [d, tf] of list) {
        const s = idf * tf * (this.k1 + 1) / (tf + this.k1 * (1 - this.b + this.b * this.len[d] / this.avg));
        scores.set(d, (scores.get(d) || 0) + s);
      }
    }
    return Array.from(scores).sort((a, b) => b[1] - a[1] || a[0] - b[0]).map((e) => e[0]);
  }
}

module.exports = { Bm25, tokens };
