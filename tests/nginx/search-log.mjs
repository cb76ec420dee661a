// Searches and opens answers on the sample site served by a real nginx (tests/nginx.rs starts it,
// configured as docs/search-log.md says), in headless Chromium on a phone, and checks the
// requests the pages send to /search/log. Prints what it did as JSON for the Rust side, which
// then reads nginx's own access log with `qaportal week --search-log`.
//
//   NGINX_URL=http://127.0.0.1:PORT node tests/nginx/search-log.mjs
import assert from 'node:assert/strict';
import { launch, PHONE } from '../browser/browser.mjs';

const base = process.env.NGINX_URL;
assert.ok(base, 'NGINX_URL is the nginx serving the sample site');
export const ID_NUMBER = '11010519491231002X';
export const MOBILE = '13912345678';
// The pages wait this long after the last keystroke before reporting a search (log.js).
const SETTLE_MS = 1500;

const browser = await launch();
const beacons = [];
// A client manager on a phone: a tab of their own (its own session).
async function reader() {
  const context = await browser.newContext({ ...PHONE, serviceWorkers: 'block' });
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname !== '/search/log') return;
    beacons.push({ method: request.method(), params: Object.fromEntries(url.searchParams) });
  });
  return context.newPage();
}
let page = await reader();
const until = async (what, test) => {
  const deadline = Date.now() + 20000;
  while (!test()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what + ': ' + JSON.stringify(beacons, null, 1));
    await page.waitForTimeout(100);
  }
};
const searches = () => beacons.filter((b) => b.params.event === 'search');
const opens = () => beacons.filter((b) => b.params.event === 'open');

// 1. The box on the home page, typed a character at a time: one search, once it settles.
await page.goto(base + '/');
await page.locator('#q').click();
await page.locator('#q').pressSequentially('转账失败', { delay: 150 });
await page.locator('#instant-results[data-query="转账失败"]').waitFor();
await until('the box search', () => searches().length === 1);
await page.waitForTimeout(SETTLE_MS + 500);
assert.equal(searches().length, 1, 'typing is one search: ' + JSON.stringify(searches()));
const typed = searches()[0].params;
assert.equal(typed.q, '转账失败');
assert.equal(typed.outcome, typed.results === '0' ? 'none' : (typed.outcome === 'weak' ? 'weak' : 'answers'));
assert.ok(+typed.results > 0 && typed.session && typed.v === '1', JSON.stringify(typed));
// Opening the first result reports it, with its rank, before the page goes.
const first = page.locator('#instant-results li.result').first();
const firstId = await first.getAttribute('data-id');
await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/search') && url.pathname !== '/'), first.locator('a').click()]);
await until('the open', () => opens().length === 1);
assert.deepEqual([opens()[0].params.answer, opens()[0].params.rank, opens()[0].params.q], [firstId, '1', '转账失败']);
assert.equal(opens()[0].params.session, typed.session, 'one tab, one session');

// 2. Another reader, the search page, another spelling of the same question (帐 for 账); an
// answer opened.
page = await reader();
await page.goto(base + '/search/?q=' + encodeURIComponent('转帐失败'));
await page.locator('.results[data-query="转帐失败"] li.result').first().waitFor();
await until('the page search', () => searches().length === 2);
await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/search')), page.locator('.results li.result a').first().click()]);
await until('the second open', () => opens().length === 2);

// 3. A search that finds nothing.
await page.goto(base + '/search/');
await page.locator('#search-q').fill('zzqqxx');
await until('the empty search', () => searches().length === 3);
assert.deepEqual([searches()[2].params.q, searches()[2].params.results, searches()[2].params.outcome], ['zzqqxx', '0', 'none']);

// 4. Customer data: the page reports the searches without their text.
await page.locator('#search-q').fill(`${ID_NUMBER} 开户`);
await until('the ID number search', () => searches().length === 4);
page = await reader();
await page.goto(base + '/');
await page.locator('#q').click();
await page.locator('#q').fill(`客户${MOBILE}收不到验证码`);
await until('the mobile search', () => searches().length === 5);
for (const b of searches().slice(3)) {
  assert.equal(b.params.withheld, '1');
  assert.equal(b.params.q, undefined, JSON.stringify(b));
}
assert.ok(!JSON.stringify(beacons).includes(MOBILE) && !JSON.stringify(beacons).includes('110105'));

// 5. An old page (or anything else) sending a query with customer data in the clear: the
// server logs it; qaportal must never show it.
const old = await fetch(base + '/search/log?event=search&q=' + encodeURIComponent(`${MOBILE} 销户`) + '&results=2&outcome=answers&session=oldpage1');
assert.equal(old.status, 204);
assert.equal((await old.text()).length, 0);

await browser.close();
console.log(JSON.stringify({ beacons: beacons.length, searches: searches().length, opens: opens().length, methods: [...new Set(beacons.map((b) => b.method))] }));
