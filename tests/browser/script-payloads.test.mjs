// No script from author input runs, and no request leaves the site (issue 16): the site of
// tests/fixtures/script-payloads (every payload that is allowed to build; tests/browser.rs builds
// it) is opened page by page in Chromium, which hovers everything, fires every event a handler
// could hang on, tabs through the page, clicks every link and control, and searches for the
// payloads. A payload that ran would call `pwned(…)` (a binding the test installs), open a
// dialog or set `window.pwnedGlobal`; every request is intercepted and must stay on the site.
//
// Twice: with the pages' Content-Security-Policy, where no violation may even be reported
// (nothing dangerous reached the page), and with the policy bypassed, which shows that the
// sanitizer and the escaping alone keep every payload inert.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launch, PHONE } from './browser.mjs';
import { startServer } from './server.mjs';

const site = process.env.QAPORTAL_PAYLOAD_SITE;
assert.ok(site, 'QAPORTAL_PAYLOAD_SITE names the built payload site (tests/browser.rs sets it)');

// The payload site's `base_url`.
const PUBLISHED = 'https://qa.example.com';

let server, browser;
test.before(async () => { server = await startServer(site); browser = await launch(); });
test.after(async () => { await browser?.close(); await server?.close(); });

// Every HTML page of the site, the feed and sitemap, and the SVG files, as site paths.
async function documents(dir, prefix = '') {
  const found = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...await documents(dir, path));
    else if (entry.name === 'index.html') found.push('/' + (prefix ? prefix + '/' : ''));
    else if (/\.(html|xml|svg)$/.test(entry.name)) found.push('/' + path);
  }
  return found.sort();
}

// Everything a handler attribute could wait for, fired on every element (synthetic events run
// inline handlers just as real ones do); then every element focused.
function fireEverything() {
  // Each event of its own kind, as a browser would make it (the site's own scripts read them).
  const kinds = {
    MouseEvent: ['mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup', 'mouseout', 'contextmenu', 'dblclick'],
    PointerEvent: ['pointerover', 'pointerenter', 'pointerdown', 'pointerup'],
    FocusEvent: ['focus', 'focusin', 'blur'],
    KeyboardEvent: ['keydown', 'keyup'],
    WheelEvent: ['wheel'],
    Event: ['input', 'change', 'toggle', 'load', 'error', 'animationstart', 'transitionend', 'scroll', 'copy'],
  };
  for (const el of document.querySelectorAll('*')) {
    for (const [kind, types] of Object.entries(kinds)) {
      for (const type of types) el.dispatchEvent(new window[kind](type, { bubbles: true, key: 'Unidentified' }));
    }
    if (typeof el.focus === 'function') el.focus();
  }
  window.scrollTo(0, 0);
}

// Every link and control clicked (a synthetic click follows links and submits forms like a
// real one: navigations are held back by the route).
function clickEverything() {
  for (const el of document.querySelectorAll('a, button, input, summary, label, select, [tabindex]')) el.click();
}

async function exercise(page) {
  // The real mouse over the whole page.
  const height = Math.min(await page.evaluate(() => document.documentElement.scrollHeight), 6000);
  for (let y = 0; y < height; y += 200) {
    await page.evaluate((top) => window.scrollTo(0, top), y);
    for (const x of [30, PHONE.viewport.width - 60]) await page.mouse.move(x, 100 + (y % 400));
  }
  await page.evaluate(fireEverything);
  // The keyboard, through the focusable elements.
  const focusable = await page.locator('a, button, input, select, textarea, summary, [tabindex]').count();
  for (let i = 0; i < Math.min(focusable + 2, 25); i++) await page.keyboard.press('Tab');
  await page.evaluate(clickEverything);
  // Real clicks on the visible controls of the content.
  const controls = page.locator('main :is(a, button, input, summary, [tabindex]):visible');
  const n = Math.min(await controls.count(), 12);
  for (let i = 0; i < n; i++) {
    await controls.nth(i).click({ force: true, noWaitAfter: true, timeout: 500 }).catch(() => {});
  }
  await page.waitForTimeout(150);
}

async function searchFor(page, query) {
  const box = page.locator('input[name=q]').last();
  await box.fill('');
  await box.click();
  await page.keyboard.type(query, { delay: 20 });
  await page.locator('li.result').first().waitFor({ timeout: 15000 });
  const results = page.locator('li.result a');
  for (let i = 0; i < await results.count(); i++) {
    await results.nth(i).hover({ force: true, timeout: 1000 }).catch(() => {});
    await results.nth(i).click({ force: true, noWaitAfter: true, timeout: 1000 }).catch(() => {});
  }
  await page.evaluate(fireEverything);
}

async function visitAll({ bypassCSP }) {
  const context = await browser.newContext({ ...PHONE, bypassCSP, serviceWorkers: 'block' });
  const origin = new URL(server.url).origin;
  const ran = [];
  const offsite = [];
  const violations = [];
  const errors = [];
  await context.exposeBinding('pwned', ({ frame }, what) => { ran.push(`pwned(${what}) in ${frame.url()}`); });
  let navigations = 0; // the main frame's navigations allowed
  await context.route('**/*', (route) => {
    const request = route.request();
    const url = request.url();
    if (url === 'data:,') return route.continue(); // the theme's empty favicon
    if (new URL(url).origin !== origin) {
      // A link to the site's published address (the short links shown for sharing) is the
      // site's own; anything else, and any load from there, is a request leaving the site.
      const own = new URL(url).origin === PUBLISHED && request.isNavigationRequest();
      if (!own) offsite.push(url);
      return route.abort('aborted');
    }
    // Only the test's own page loads navigate; a click's navigation is held back, so that the
    // page under test stays.
    if (request.isNavigationRequest() && !request.frame().parentFrame()) {
      if (navigations === 0) return route.abort('aborted');
      navigations--;
    }
    return route.continue();
  });
  context.on('page', (page) => {
    page.on('dialog', (dialog) => { ran.push(`dialog "${dialog.message()}" on ${page.url()}`); dialog.dismiss(); });
    page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) violations.push(`${page.url()}: ${m.text()}`);
      if (/pwned/.test(m.text())) ran.push(`console: ${m.text()}`);
    });
  });
  const page = await context.newPage();
  const visited = [];
  for (const path of await documents(site)) {
    // A redirect page (`aliases`, `/a/<id>/`) goes on to its answer: its script and its
    // `<meta http-equiv="refresh">` run as they would for a reader, and the answer is exercised.
    const file = join(site, path.endsWith('/') ? path + 'index.html' : path);
    const redirect = (await readFile(file, 'utf8')).includes('http-equiv="refresh"');
    navigations = redirect ? 2 : 1;
    await page.goto(server.url + path, { waitUntil: 'load' });
    if (redirect) {
      await page.waitForURL((url) => url.pathname !== path, { waitUntil: 'load' });
      navigations = 0;
    }
    visited.push(path);
    if (/\.(xml|svg)$/.test(path)) continue;
    await exercise(page);
    if (path === '/search/' || path === '/') await searchFor(page, '转账');
    const globals = await Promise.all(page.frames().map((f) => f.evaluate(() => window.pwnedGlobal).catch(() => undefined)));
    for (const g of globals) if (g !== undefined) ran.push(`window.pwnedGlobal = ${g} on ${path}`);
  }
  await context.close();
  return { ran, offsite, violations, errors, visited };
}

for (const bypassCSP of [false, true]) {
  const name = bypassCSP ? 'with the Content-Security-Policy bypassed' : 'with the Content-Security-Policy';
  test(`no payload runs and no request leaves the site, ${name}`, { timeout: 600_000 }, async () => {
    const { ran, offsite, violations, errors, visited } = await visitAll({ bypassCSP });
    assert.ok(visited.length >= 15, `visited ${visited.join(' ')}`);
    for (const path of ['/account/payloads/', '/account/', '/sessions/2026-11-15-transfer/', '/hot/2026-W47/',
      '/a/KB-0001/present/', '/old/transfer.html', '/search/', '/feed.xml']) {
      assert.ok(visited.includes(path), `${path} in ${visited.join(' ')}`);
    }
    assert.deepEqual(ran, [], 'script from author input ran');
    assert.deepEqual(offsite, [], 'requests left the site');
    assert.deepEqual(violations, [], 'the Content-Security-Policy had to stop something');
    assert.deepEqual(errors, [], 'script errors');
  });
}

// The test would see a payload that ran: the same page with one handler put back by hand.
test('the test notices a payload that runs', async () => {
  const context = await browser.newContext({ ...PHONE, bypassCSP: true, serviceWorkers: 'block' });
  const ran = [];
  await context.exposeBinding('pwned', (_, what) => { ran.push(what); });
  const page = await context.newPage();
  await page.goto(server.url + '/account/payloads/');
  await page.evaluate(() => {
    document.querySelector('h1').setAttribute('onmouseover', "pwned('put back')");
  });
  await exercise(page);
  assert.ok(ran.includes('put back'), `ran: ${ran}`);
  await context.close();
});
