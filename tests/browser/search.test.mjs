// The sample site's search, as a client manager uses it on a phone (375×667): typing a Chinese
// question into the box on any page shows the expected answer first; the search page answers
// ?q= and filters by system; a question with nothing to find offers the hot issues.
import test from 'node:test';
import assert from 'node:assert/strict';
import { launch, PHONE } from './browser.mjs';
import { startServer } from './server.mjs';

const site = process.env.QAPORTAL_SITE;
assert.ok(site, 'QAPORTAL_SITE names the built sample site (tests/browser.rs sets it)');

let server, browser;
test.before(async () => { server = await startServer(site); browser = await launch(); });
test.after(async () => { await browser?.close(); await server?.close(); });

async function phone() {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return { page, errors, close: () => context.close() };
}

const CASES = [
  ['银证转账失败', 'KB-0018'],
  ['风险测评过期了买不了基金', 'KB-0074'],
  ['新股中签怎么缴款', 'KB-0054'],
  ['邦我查为什么看不到十档', 'KB-0060'],
];

test('typing a Chinese question into the search box shows the expected answer first', async () => {
  const { page, errors, close } = await phone();
  await page.goto(server.url + '/');
  for (const [query, expected] of CASES) {
    await page.fill('#q', '');
    await page.click('#q');
    await page.keyboard.type(query, { delay: 30 });
    const first = page.locator('.instant-results li.result').first();
    await first.waitFor({ timeout: 15000 });
    await page.waitForFunction((q) => document.querySelector('.instant-results').dataset.query === q, query);
    assert.equal(await first.getAttribute('data-id'), expected, query);
  }
  assert.deepEqual(errors, []);
  await close();
});

test('the letters of a pinyin composition are not searched, the characters it commits are', async () => {
  const { page, errors, close } = await phone();
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(server.url + '/');
  await page.click('#q');
  // What a pinyin keyboard that shows its letters in the field (iOS) sends while one types a
  // word; the first word before the search scripts have arrived (they load on focus), the
  // second after.
  const cdp = await page.context().newCDPSession(page);
  const list = page.locator('.instant-results');
  for (const [letters, word] of [['kaihu', '开户'], ['mima', '密码']]) {
    for (let i = 1; i <= letters.length; i++) {
      const text = letters.slice(0, i);
      await cdp.send('Input.imeSetComposition', { text, selectionStart: i, selectionEnd: i });
    }
    await page.waitForTimeout(600); // several times the box's debounce: a search would have run
    assert.notEqual(await list.getAttribute('data-query'), letters);
    assert.ok(!fetched.some((p) => p.endsWith('/pinyin.txt')), fetched.join(' '));
    await cdp.send('Input.insertText', { text: word });
    await page.waitForFunction((w) => document.querySelector('.instant-results').dataset.query === w, word);
    assert.ok(await list.locator('li.result').count() > 0);
    await page.fill('#q', '');
  }
  assert.deepEqual(errors, []);
  await close();
});

test('the search page answers ?q= and filters by system', async () => {
  const { page, errors, close } = await phone();
  await page.goto(server.url + '/search/?q=' + encodeURIComponent('密码锁定'));
  await page.locator('.results li.result').first().waitFor({ timeout: 15000 });
  const ids = await page.$$eval('.results li.result', (els) => els.map((e) => e.dataset.id));
  assert.ok(ids.length >= 2, ids.join());
  await page.selectOption('#search-system', 'app-security');
  await page.waitForFunction(() => location.search.includes('system=app-security'));
  await page.waitForTimeout(500);
  const systems = await page.$$eval('.results li.result .result-meta', (els) => els.map((e) => e.textContent));
  assert.ok(systems.length > 0 && systems.every((s) => s.startsWith('APP 登录与安全')), systems.join('|'));
  assert.deepEqual(errors, []);
  await close();
});

test('the search page fetches its scripts and the index manifest once each, preloaded', async () => {
  const { page, errors, close } = await phone();
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  await page.goto(server.url + '/search/?q=' + encodeURIComponent('转账失败'));
  await page.locator('.results li.result').first().waitFor({ timeout: 15000 });
  // A preload that did not match the engine's fetch() would download the manifest twice.
  for (const end of ['/search/manifest.json', '/qaportal-search.js', '/ui.js']) {
    assert.equal(fetched.filter((p) => p.endsWith(end)).length, 1, `${end}: ${fetched.join(' ')}`);
  }
  const preloads = await page.$$eval('link[rel=preload]', (ls) => ls.map((l) => new URL(l.href).pathname));
  assert.equal(preloads.length, 3, preloads.join(' '));
  assert.deepEqual(errors, []);
  await close();
});

test('the search page shows ten results first and the rest on request', async () => {
  const { page, errors, close } = await phone();
  await page.goto(server.url + '/search/?q=' + encodeURIComponent('失败'));
  await page.locator('.results li.result').first().waitFor({ timeout: 15000 });
  const total = await page.evaluate(() => window.qaportal.search('失败', { limit: 1 }).then((hits) => hits.total));
  assert.ok(total > 10 && total <= 30, `失败 matches ${total} answers`);
  assert.equal(await page.locator('.results li.result').count(), 10);
  assert.ok(await page.locator('.more-results').isVisible());
  await page.click('.more-results');
  await page.waitForFunction((n) => document.querySelectorAll('.results li.result').length === n, total);
  assert.ok(await page.locator('.more-results').isHidden());
  assert.deepEqual(errors, []);
  await close();
});

test('the documented API answers integrators', async () => {
  const { page, close } = await phone();
  await page.goto(server.url + '/search/');
  await page.waitForFunction(() => window.qaportal && window.qaportal.search);
  const hits = await page.evaluate(() => window.qaportal.search('银证转账失败', { limit: 3 }));
  assert.equal(hits.length, 3);
  assert.deepEqual(Object.keys(hits[0]).sort(), ['category', 'id', 'score', 'summary', 'system', 'systemTitle', 'title', 'url']);
  const filtered = await page.evaluate(() => window.qaportal.search('密码', { system: 'trading', limit: 5 }));
  assert.ok(filtered.every((h) => h.system === 'trading'));
  await close();
});

test('nothing found offers the hot issues and the feedback link', async () => {
  const { page, close } = await phone();
  await page.goto(server.url + '/search/?q=xyzzyqwerty');
  await page.locator('.nothing-found').waitFor({ state: 'visible', timeout: 15000 });
  assert.ok(await page.locator('.nothing-found .hot-list li').count() > 0);
  assert.ok(await page.locator('.nothing-found a[href*="itsm.example.com"]').count() === 1);
  await close();
});

// The outcome of a search (issue 12): off-topic questions are not dressed up as answers.
async function searchPage(page, query) {
  await page.goto(server.url + '/search/?q=' + encodeURIComponent(query));
  await page.waitForFunction((q) => document.querySelector('.results').dataset.query === q, query, { timeout: 15000 });
  return page.locator('.results').getAttribute('data-outcome');
}

test('an off-topic question finds nothing and offers the hot issues and a ticket with the query', async () => {
  const { page, errors, close } = await phone();
  assert.equal(await searchPage(page, '天气预报'), 'none');
  assert.equal(await page.locator('.results li.result').count(), 0);
  assert.ok(await page.locator('.nothing-found').isVisible());
  assert.ok(await page.locator('.nothing-found .hot-list li').count() > 0);
  const ticket = page.locator('.nothing-found a.ask-team');
  assert.equal(await ticket.textContent(), '提交工单');
  const href = await ticket.getAttribute('href');
  assert.ok(href.startsWith('https://itsm.example.com/'), href);
  assert.ok(href.includes(encodeURIComponent('天气预报')), href);
  assert.ok(!href.includes('%7Bquery%7D'), href);
  assert.ok(await page.locator('.weak-heading').isHidden());
  assert.deepEqual(errors, []);
  await close();
});

test('a question only partly matched shows its results under 可能相关, with the ticket link', async () => {
  const { page, errors, close } = await phone();
  assert.equal(await searchPage(page, '期货开户'), 'weak');
  assert.ok(await page.locator('.results li.result').count() > 0);
  assert.ok(await page.locator('.weak-heading').isVisible());
  assert.equal(await page.locator('.weak-heading').textContent(), '可能相关');
  assert.ok(await page.locator('.nothing-found').isVisible());
  assert.ok((await page.locator('.nothing-found a.ask-team').getAttribute('href')).includes(encodeURIComponent('期货开户')));
  // A confident answer hides all of it.
  assert.equal(await searchPage(page, '银证转账失败'), 'answers');
  assert.ok(await page.locator('.weak-heading').isHidden());
  assert.ok(await page.locator('.nothing-found').isHidden());
  assert.deepEqual(errors, []);
  await close();
});

test('spaced pinyin is found and its reading shown; the box says nothing false when nothing is found', async () => {
  const { page, errors, close } = await phone();
  assert.equal(await searchPage(page, 'kai hu'), 'answers');
  assert.equal(await page.locator('.results li.result').first().getAttribute('data-id'), 'KB-0001');
  assert.ok(await page.locator('.pinyin-reading').isVisible());
  assert.ok((await page.locator('.pinyin-reading').textContent()).includes('开户'));
  await page.goto(server.url + '/');
  await page.click('#q');
  await page.keyboard.type('天气预报', { delay: 30 });
  await page.waitForFunction(() => document.querySelector('.instant-results').dataset.query === '天气预报', null, { timeout: 15000 });
  const list = page.locator('.instant-results');
  assert.equal(await list.getAttribute('data-outcome'), 'none');
  const text = await list.textContent();
  assert.ok(!text.includes('查看更多'), text);
  assert.ok(text.includes('提交工单'), text);
  assert.deepEqual(errors, []);
  await close();
});
