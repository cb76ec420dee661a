#!/usr/bin/env node
// What a phone downloads for its first search, measured in headless Chromium on generated sites
// built by qaportal: from opening the search page (/search/?q=…) to the first results, every
// response's transferred size as Chromium counts it (encodedDataLength: compressed bodies and
// headers), with an empty cache; the time to those results when every response takes a 300 ms
// round trip (a weak mobile network). Also the time per keystroke of the search page's results as
// you type (ten, with their metadata) after the first query: fetching the shards of new terms,
// and again with everything fetched.
//
//   node bench/bandwidth/browser.mjs [--articles 1000,10000] [--queries 30] [--binary PATH]
//
// --binary: a qaportal executable to build the sites with (to compare two), instead of the
// release build of this tree.
//
// Sites are generated from real Chinese customer-service sentences (corpus.js), served by the
// test server (gzip siblings, like nginx's gzip_static), viewport 375×667.
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launch, PHONE } from '../../tests/browser/browser.mjs';
import { startServer } from '../../tests/browser/server.mjs';

const require = createRequire(import.meta.url);
const corpus = require('./corpus.js');
const repo = resolve(import.meta.dirname, '..', '..');

const opt = { articles: [1000, 10000], queries: 30 };
const ROUND_TRIP_MS = 300;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--articles') opt.articles = argv[++i].split(',').map(Number);
  else if (argv[i] === '--queries') opt.queries = +argv[++i];
  else if (argv[i] === '--binary') opt.binary = argv[++i];
  else throw new Error('unknown argument ' + argv[i]);
}

const stats = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { min: s[0], median: at(0.5), p95: at(0.95), max: s[s.length - 1] };
};
const fmt = (o, unit, scale = 1, digits = 1) =>
  ['min', 'median', 'p95', 'max'].map((k) => `${k} ${(o[k] / scale).toFixed(digits)}`).join(', ') + ' ' + unit;

if (!opt.binary) execFileSync('cargo', ['build', '--release', '--quiet'], { cwd: repo, stdio: 'inherit' });
const binary = resolve(opt.binary || join(repo, 'target/release/qaportal'));
const pool = corpus.sentences();
const queries = corpus.queries(opt.queries);
const browser = await launch();

for (const n of opt.articles) {
  const dir = mkdtempSync(join(tmpdir(), 'qaportal-browser-bw-'));
  corpus.writeSite(dir, corpus.generate(n, pool));
  execFileSync(binary, ['build', '--quiet', '--as-of', '2026-11-22'], { cwd: dir, stdio: 'inherit' });
  const server = await startServer(join(dir, 'public'));
  const bytes = [];
  const keystrokes = [];
  const cached = [];
  for (const q of queries) {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    let transferred = 0;
    cdp.on('Network.loadingFinished', (e) => { transferred += e.encodedDataLength; });
    await page.goto(`${server.url}/search/?q=${encodeURIComponent(q)}`);
    await page.waitForFunction(() => document.querySelector('.results li.result') || !document.querySelector('.nothing-found').hidden,
      null, { timeout: 30000 });
    await page.waitForLoadState('networkidle');
    bytes.push(transferred);
    // Instant search: type the query again, one character at a time, timing each update. The
    // first pass fetches the shards of new terms (from the local server); the second types it
    // once more with everything fetched: the engine's own time.
    const input = page.locator('#search-q');
    for (const times of [keystrokes, cached]) {
      await input.fill('');
      for (const ch of Array.from(q)) {
        const t = await page.evaluate(async (c) => {
          const el = document.getElementById('search-q');
          el.value += c;
          const start = performance.now();
          // As many results as the search page shows (the box on other pages shows 6).
          await window.qaportal.search(el.value, { limit: 10 });
          return performance.now() - start;
        }, ch);
        times.push(t);
      }
    }
    await context.close();
  }
  await server.close();
  // Time to the first results on a slow network: every response held back by a round trip
  // (HTTP/1.1, as the test server speaks: at most 6 requests at once per host).
  const slow = await startServer(join(dir, 'public'), { delay: ROUND_TRIP_MS });
  const firstResults = [];
  for (const q of queries) {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    const start = performance.now();
    await page.goto(`${slow.url}/search/?q=${encodeURIComponent(q)}`);
    await page.waitForFunction(() => document.querySelector('.results li.result') || !document.querySelector('.nothing-found').hidden,
      null, { timeout: 60000 });
    firstResults.push(performance.now() - start);
    await context.close();
  }
  await slow.close();
  console.log(`== ${n} articles, ${queries.length} queries`);
  console.log(`first query, bytes transferred: ${fmt(stats(bytes), 'kB', 1000)}`);
  console.log(`first query, time to results at a ${ROUND_TRIP_MS} ms round trip: ${fmt(stats(firstResults), 's', 1000, 2)}`);
  console.log(`per keystroke (search API in the page): ${fmt(stats(keystrokes), 'ms', 1, 2)}`);
  console.log(`per keystroke, shards already fetched: ${fmt(stats(cached), 'ms', 1, 2)}`);
  rmSync(dir, { recursive: true, force: true });
}
await browser.close();
