// Weight on one bar of signal: every answer page, with the styles and the scripts it loads
// before the reader touches anything, transfers under 30 KB gzipped (images aside; inline SVG
// diagrams count), the style sheet under 10 KB; no script blocks rendering; the search scripts
// load only when the search box gets focus, or on the search page.
//
// Sizes are gzip at zlib's default level (what a web server sends), of the files as built; the
// browser test checks that a real page load transfers no more than that.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch, PHONE } from './browser.mjs';
import { startServer } from './server.mjs';

const site = process.env.QAPORTAL_SITE;
assert.ok(site, 'QAPORTAL_SITE names the built sample site (tests/browser.rs sets it)');

const PAGE_BUDGET = 30 * 1024;
const CSS_BUDGET = 10 * 1024;
const gz = (bytes) => gzipSync(bytes).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function answerPages() {
  const pages = [];
  for (const entry of await readdir(site, { withFileTypes: true, recursive: true })) {
    if (entry.name !== 'index.html') continue;
    const file = join(entry.parentPath, entry.name);
    const html = await readFile(file);
    if (html.includes('<article class="answer"')) pages.push({ path: '/' + relative(site, entry.parentPath) + '/', html });
  }
  return pages;
}

// The site files a page loads as it opens: style sheets and script files (none, by design).
function loadedFiles(html) {
  const text = html.toString();
  const links = [...text.matchAll(/<link rel="stylesheet" href="([^"?]+)[^"]*">/g)].map((m) => m[1]);
  const scripts = [...text.matchAll(/<script[^>]* src="([^"?]+)[^"]*"/g)].map((m) => m[1]);
  return [...links, ...scripts];
}

test('every answer page transfers under 30 KB gzipped, its styles under 10 KB', async (t) => {
  const pages = await answerPages();
  assert.ok(pages.length >= 80, `${pages.length} answer pages`);
  const css = gz(await readFile(join(site, 'static/style.css')));
  t.diagnostic(`style.css: ${kb(css)} gzipped`);
  assert.ok(css < CSS_BUDGET, `style.css is ${kb(css)} gzipped`);
  let heaviest = { total: 0 };
  for (const { path, html } of pages) {
    let total = gz(html);
    for (const file of loadedFiles(html)) total += gz(await readFile(join(site, file)));
    if (total > heaviest.total) heaviest = { path, total, html: gz(html) };
  }
  t.diagnostic(`heaviest answer page: ${heaviest.path}: ${kb(heaviest.total)} (HTML ${kb(heaviest.html)})`);
  assert.ok(heaviest.total < PAGE_BUDGET, `${heaviest.path} transfers ${kb(heaviest.total)}`);

  // Not part of a page: what the service worker saves when it installs, once per new build.
  const worker = await readFile(join(site, 'sw.js'), 'utf8');
  const { precache } = JSON.parse(worker.match(/^var CONFIG = (.*);$/m)[1]);
  let shell = 0;
  for (const url of precache) {
    const path = url.split('?')[0];
    shell += gz(await readFile(join(site, path.endsWith('/') ? path + 'index.html' : path)));
  }
  t.diagnostic(`the service worker's install: ${precache.length} files, ${kb(shell)} gzipped`);
});

test('a page load transfers what the budget counts, and the search scripts wait for the search box', async (t) => {
  const pages = await answerPages();
  const withDiagram = pages.find((p) => p.html.includes('class="dg'));
  const server = await startServer(site);
  const browser = await launch();
  try {
    // The worker's first install downloads the site's shell once (reported, not part of a page).
    const context = await browser.newContext({ ...PHONE, serviceWorkers: 'block' });
    const page = await context.newPage();
    const loaded = [];
    page.on('requestfinished', async (request) => {
      const sizes = await request.sizes();
      loaded.push({ path: new URL(request.url()).pathname, type: request.resourceType(), bytes: sizes.responseBodySize });
    });
    await page.goto(server.url + withDiagram.path, { waitUntil: 'networkidle' });
    const transferred = loaded.filter((r) => r.type !== 'image').reduce((sum, r) => sum + r.bytes, 0);
    t.diagnostic(`${withDiagram.path} (with a flow diagram) transferred ${kb(transferred)}: ${loaded.map((r) => `${r.path} ${kb(r.bytes)}`).join(', ')}`);
    assert.ok(transferred < PAGE_BUDGET, kb(transferred));
    assert.deepEqual(loaded.filter((r) => r.type === 'script'), [], 'no script file before interaction');
    assert.equal(await page.locator('head script[src], body script[src]:not([async]):not([defer])').count(), 0);

    await page.focus('#q');
    await page.waitForFunction(() => window.qaportal && window.qaportal.search);
    await page.waitForTimeout(300);
    const scripts = loaded.filter((r) => r.type === 'script').map((r) => r.path);
    assert.deepEqual(scripts.sort(), ['/static/search/qaportal-search.js', '/static/search/ui.js']);

    const search = await context.newPage();
    await search.goto(server.url + '/search/');
    await search.waitForFunction(() => window.qaportal && window.qaportal.search);
    await context.close();

  } finally {
    await browser.close();
    await server.close();
  }
});
