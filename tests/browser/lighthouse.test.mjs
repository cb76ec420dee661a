// Lighthouse in mobile mode on the home page, an answer and the search page: performance,
// accessibility, best practices and SEO each at least 95 (median of three runs; the runner and
// its settings are bench/lighthouse/lighthouse.mjs, which also prints the scores by hand).
import test from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../bench/lighthouse/lighthouse.mjs';

const site = process.env.QAPORTAL_SITE;
assert.ok(site, 'QAPORTAL_SITE names the built sample site (tests/browser.rs sets it)');

test('Lighthouse scores at least 95 in every category', async (t) => {
  const { scores, lost } = await audit(site, { runs: 3 });
  for (const [page, categories] of Object.entries(scores)) {
    t.diagnostic(`${page}: ${JSON.stringify(categories)}${lost[page] ? ` (short: ${[...lost[page]].join('; ')})` : ''}`);
  }
  const low = Object.entries(scores).flatMap(([page, categories]) =>
    Object.entries(categories).filter(([, score]) => score < 95).map(([category, score]) => `${page} ${category} ${score}`));
  assert.deepEqual(low, []);
});
