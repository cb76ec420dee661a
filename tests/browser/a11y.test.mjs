// Accessibility of the sample site on a phone (375×667), in light and dark mode: axe-core finds
// no serious or critical problem on the home, a system, an answer (with a flow diagram), a weekly
// and the search page (with results); every page has its landmarks and headings in order; every
// target a thumb must hit is at least 44×44 px; and keyboard focus is always visible.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { launch, PHONE } from './browser.mjs';
import { startServer } from './server.mjs';

const site = process.env.QAPORTAL_SITE;
assert.ok(site, 'QAPORTAL_SITE names the built sample site (tests/browser.rs sets it)');
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const PAGES = {
  home: '/',
  system: '/bank-transfer/',
  answer: '/bank-transfer/balance-mismatch/',
  weekly: '/hot/2026-W46/',
  search: '/search/?q=' + encodeURIComponent('银证转账'),
};

let server, browser;
test.before(async () => { server = await startServer(site); browser = await launch(); });
test.after(async () => { await browser?.close(); await server?.close(); });

async function open(path, colorScheme) {
  // axe-core is injected as an inline script, which the pages' Content-Security-Policy would
  // refuse: the checker is the test's, not the site's.
  const context = await browser.newContext({ ...PHONE, colorScheme, serviceWorkers: 'block', bypassCSP: true });
  const page = await context.newPage();
  await page.goto(server.url + path);
  if (path.startsWith('/search/')) await page.locator('.results li.result').first().waitFor({ timeout: 15000 });
  return { page, close: () => context.close() };
}

for (const colorScheme of ['light', 'dark']) {
  test(`axe-core finds no serious or critical problems (${colorScheme})`, async () => {
    const found = [];
    for (const [name, path] of Object.entries(PAGES)) {
      const { page, close } = await open(path, colorScheme);
      await page.addScriptTag({ content: axeSource });
      const results = await page.evaluate(() => window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      }));
      for (const v of results.violations) {
        if (v.impact === 'serious' || v.impact === 'critical') {
          found.push(`${name} ${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
        }
      }
      await close();
    }
    assert.deepEqual(found, []);
  });
}

test('landmarks, one h1 and headings without skipped levels', async () => {
  for (const [name, path] of Object.entries(PAGES)) {
    const { page, close } = await open(path, 'light');
    const outline = await page.evaluate(() => ({
      banner: document.querySelectorAll('body > header').length,
      main: document.querySelectorAll('main').length,
      footer: document.querySelectorAll('body > footer').length,
      search: document.querySelectorAll('[role=search]').length,
      levels: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => +h.tagName[1]),
      unlabelled: [...document.querySelectorAll('input, select')].filter((c) => !c.labels.length && !c.getAttribute('aria-label')).length,
    }));
    assert.deepEqual([outline.banner, outline.main, outline.footer], [1, 1, 1], name);
    assert.ok(outline.search >= 1, `${name}: a search landmark`);
    assert.equal(outline.unlabelled, 0, `${name}: every field has a label`);
    assert.equal(outline.levels.filter((l) => l === 1).length, 1, `${name}: one h1`);
    assert.equal(outline.levels[0], 1, `${name}: starts with h1`);
    outline.levels.forEach((level, i) => {
      assert.ok(i === 0 || level <= outline.levels[i - 1] + 1, `${name}: h${outline.levels[i - 1]} then h${level}`);
    });
    await close();
  }
});

test('every target a thumb must hit is at least 44×44 px', async () => {
  const small = [];
  for (const [name, path] of Object.entries(PAGES)) {
    const { page, close } = await open(path, 'light');
    // Links inside a sentence are exempt (WCAG 2.5.8): their size is the text's.
    small.push(...(await page.evaluate(() => {
      const inSentence = (a) => a.tagName === 'A' && [...a.parentElement.childNodes]
        .some((n) => n !== a && n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      return [...document.querySelectorAll('a[href], button, input, select, summary')]
        .filter((el) => el.getClientRects().length && !el.closest('.visually-hidden, .skip') && !inSentence(el))
        .map((el) => ({ el, box: el.getBoundingClientRect() }))
        .filter(({ box }) => box.width < 44 || box.height < 44)
        .map(({ el, box }) => `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 20)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
    })).map((s) => `${name}: ${s}`));
    await close();
  }
  assert.deepEqual(small, []);
});

test('keyboard focus is visible on every kind of control', async () => {
  const { page, close } = await open(PAGES.answer, 'light');
  const unseen = [];
  const kinds = new Set();
  // Tab through the whole page, until focus leaves it.
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { what: `${el.tagName.toLowerCase()}.${el.className}`, outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
    });
    if (focused.what.startsWith('body.')) break;
    kinds.add(focused.what);
    if (!focused.outline) unseen.push(focused.what);
  }
  assert.deepEqual(unseen, []);
  for (const kind of ['a.skip', 'input.', 'button.', 'div.dg', 'summary.']) assert.ok(kinds.has(kind), `${kind} in ${[...kinds]}`);
  await close();
});
