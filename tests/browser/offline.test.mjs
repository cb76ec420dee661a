// Offline, as a client manager meets it at a customer's home: search and open an answer with a
// network, lose it, and the answer, the system pages and a new search in the same system still
// work; a page never opened shows the offline page. A new build replaces the saved copies'
// cache without losing them; a build with `[offline] enabled = false` removes the worker.
//
// "Offline" is both Chromium's network emulation and a stopped server, so that no request of
// the page or of the service worker can reach the site.
import test from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, PHONE } from './browser.mjs';
import { startServer } from './server.mjs';

const site = process.env.QAPORTAL_SITE;
const siteWithoutOffline = process.env.QAPORTAL_SITE_NO_OFFLINE;
assert.ok(site && siteWithoutOffline, 'tests/browser.rs sets QAPORTAL_SITE and QAPORTAL_SITE_NO_OFFLINE');

let browser;
test.before(async () => { browser = await launch(); });
test.after(async () => { await browser?.close(); });

// The sample site in a folder of its own, which a test may change like a new build would.
async function copyOf(dir) {
  const copy = await mkdtemp(join(tmpdir(), 'qaportal-offline-'));
  await cp(dir, copy, { recursive: true });
  return copy;
}

async function phone() {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

// Every saved URL (path and query), by cache name.
function saved(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      out[name] = (await cache.keys()).map((r) => { const u = new URL(r.url); return u.pathname + u.search; });
    }
    return out;
  });
}

// The names of the caches only. A test that waits for the worker to delete a cache must not use
// `saved`: opening a cache that the worker deletes between `keys()` and `open()` creates it
// again, empty, and it then stays for good.
function cacheNames(page) {
  return page.evaluate(() => caches.keys());
}

// Waits until `condition()` (run in Node) holds, for up to 15 s.
async function until(page, condition, what) {
  for (let i = 0; i < 150; i++) {
    if (await condition()) return;
    await page.waitForTimeout(100);
  }
  assert.fail(`${what}: ${JSON.stringify(await saved(page))}`);
}

function waitForSaved(page, path) {
  return until(page, async () => Object.values(await saved(page)).some((urls) => urls.includes(path)),
    `${path} was never saved`);
}

async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15000 });
}

test('an opened answer and a new search in its system work offline', async () => {
  const server = await startServer(site);
  const { context, page, errors } = await phone();
  try {
    await page.goto(server.url + '/');
    await controlled(page);

    // The search box's first few results fetch the metadata of those answers only: the worker
    // saves the metadata of their systems' other answers too (and the pinyin table, last).
    await page.click('#q');
    await page.keyboard.type('密码锁定');
    await page.locator('.instant-results li.result').first().waitFor({ timeout: 15000 });
    const result = page.locator('.instant-results li.result', { hasText: 'APP 登录与安全 · ' }).first();
    const id = await result.getAttribute('data-id');
    await Promise.all([page.waitForURL(/\/app-security\//), result.locator('a').click()]);
    const title = await page.textContent('h1');
    await waitForSaved(page, new URL(page.url()).pathname);
    await waitForSaved(page, '/search/pinyin.txt');
    // Its short link (a QR code, a link in a chat) is saved with it.
    await waitForSaved(page, `/a/${id}/`);
    const answerPath = new URL(page.url()).pathname;

    await context.setOffline(true);
    await server.close();

    await page.reload();
    assert.equal(await page.textContent('h1'), title, 'the opened answer reloads offline');
    assert.ok(await page.locator('link[rel=stylesheet]').evaluate((l) => l.sheet.cssRules.length > 0), 'with its styles');

    // The short link of one of its steps, opened offline: the answer, at that step.
    await page.goto(`${server.url}/a/${id}/#step-2`);
    assert.equal(await page.textContent('h1'), title, 'the short link opens the saved answer offline');
    const at = new URL(page.url());
    assert.deepEqual([at.pathname, at.hash], [answerPath, '#step-2']);

    // The system's answers about passwords: more than the box showed.
    await page.goto(server.url + '/search/?q=' + encodeURIComponent('密码') + '&system=app-security');
    await page.locator('.results li.result').first().waitFor({ timeout: 15000 });
    const ids = await page.$$eval('.results li.result', (els) => els.map((e) => e.dataset.id));
    assert.ok(ids.includes(id) && ids.length >= 3, ids.join());
    const systems = await page.$$eval('.results .result-meta', (els) => els.map((e) => e.textContent));
    assert.ok(systems.every((s) => s.startsWith('APP 登录与安全 · ')), systems.join('|'));

    // Words never searched before need index files the phone does not have: the page says so.
    await page.fill('#search-q', '融资融券');
    await page.locator('.search-status', { hasText: '没有网络' }).waitFor({ timeout: 15000 });

    await page.goto(server.url + '/trading/');
    assert.equal(await page.textContent('h1'), '交易', 'system pages are saved when the worker installs');
    await page.goto(server.url + '/');
    assert.ok(await page.locator('.tiles li').count() >= 12, 'and the home page');

    await page.goto(server.url + '/trading/hk-connect-permission/');
    assert.equal(await page.textContent('h1'), '当前没有网络', 'a page never opened shows the offline page');
    // It lists the answers saved on the phone, which open from there.
    const listed = page.locator('#saved a', { hasText: title });
    await listed.waitFor({ timeout: 15000 });
    await Promise.all([page.waitForURL((u) => u.pathname === answerPath), listed.click()]);
    assert.equal(await page.textContent('h1'), title);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await server.close();
  }
});

test('a new build replaces the cache and keeps the saved answers; turned off, the worker removes itself', async () => {
  const dir = await copyOf(site);
  const server = await startServer(dir);
  const { context, page } = await phone();
  try {
    await page.goto(server.url + '/bank-transfer/transfer-failed/');
    await controlled(page);
    await page.reload();
    await waitForSaved(page, '/bank-transfer/transfer-failed/');
    const [before] = Object.keys(await saved(page));

    // A new build: another version, the same saved answer.
    const worker = await readFile(join(dir, 'sw.js'), 'utf8');
    const version = worker.match(/"version":"([0-9a-f]+)"/)[1];
    await writeFile(join(dir, 'sw.js'), worker.replace(version, 'feedfacefeedface'));
    await page.goto(server.url + '/');
    await until(page, async () => !(await cacheNames(page)).includes(before), 'the old cache stays');
    const after = await saved(page);
    assert.deepEqual(Object.keys(after), [before.replace(version, 'feedfacefeedface')], 'one cache, the new one');
    assert.ok(Object.values(after)[0].includes('/bank-transfer/transfer-failed/'), 'the answer is still saved');

    // The same site built with [offline] enabled = false: the worker deletes its caches and
    // unregisters.
    await cp(siteWithoutOffline, dir, { recursive: true });
    await page.goto(server.url + '/');
    await until(page, async () => (await cacheNames(page)).length === 0
      && await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length === 0),
    'the worker stays');
    assert.ok(!(await readFile(join(dir, 'index.html'), 'utf8')).includes('serviceWorker'),
      'and pages no longer register one');
  } finally {
    await context.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
