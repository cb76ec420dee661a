// Presentation views as a presenter runs them: a 1920×1080 projector, a clicker (PageDown,
// PageUp, the arrows, Space, Home/End, B), and an audience scanning the QR codes from the
// screen or from a 540p stream of it. Codes are decoded with jsQR (npm, pinned) from the
// screenshot scaled down to 960×540, as a stream would show it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launch } from './browser.mjs';
import { startServer } from './server.mjs';

const site = process.env.QAPORTAL_SITE;
const SCREEN = { width: 1920, height: 1080 };
const jsqr = new URL('../../node_modules/jsqr/dist/jsQR.js', import.meta.url).pathname;

async function decks() {
  const found = [];
  for (const session of await readdir(join(site, 'sessions'), { withFileTypes: true })) {
    if (session.isDirectory()) found.push(`/sessions/${session.name}/present/`);
  }
  for (const answer of await readdir(join(site, 'a'), { withFileTypes: true })) {
    if (answer.isDirectory() && /^[A-Z]/.test(answer.name)) found.push(`/a/${answer.name}/present/`);
  }
  return found.sort();
}

// Facts about the slide on screen (with present.js) or about every slide (without).
function slideFacts() {
  return [...document.querySelectorAll('[data-slide]')].map((s) => {
    const r = s.getBoundingClientRect();
    const style = getComputedStyle(s);
    return {
      id: s.id, kind: s.className, visible: style.display !== 'none' && r.width > 0,
      top: r.top, height: r.height, width: r.width,
      overflows: s.scrollHeight > s.clientHeight + 1, scale: s.dataset.scale || null,
      codes: [...s.querySelectorAll('[data-qr]')].map((f) => {
        const box = f.querySelector('svg, img').getBoundingClientRect();
        return { url: f.dataset.qr, x: box.x, y: box.y, w: box.width, h: box.height };
      }),
    };
  });
}

test('every slide of every deck fits a 1920×1080 screen, with and without the script', async () => {
  const pages = await decks();
  assert.ok(pages.length >= 80, `the sample has ~85 answer decks and 5 session decks, found ${pages.length}`);
  const server = await startServer(site);
  const browser = await launch();
  try {
    // Without JavaScript: a page of screen-high sections, none taller than the screen.
    const plain = await browser.newContext({ viewport: SCREEN, javaScriptEnabled: false });
    const page = await plain.newPage();
    let slides = 0;
    for (const path of pages) {
      await page.goto(server.url + path);
      const facts = await page.evaluate(slideFacts);
      assert.ok(facts.length >= 1, `${path}: no [data-slide]`);
      for (const f of facts) {
        slides++;
        assert.ok(f.height <= SCREEN.height + 0.5, `${path}#${f.id} is ${f.height} px high`);
      }
    }
    assert.ok(slides >= 150, `${slides} slides`);
    await plain.close();

    // With it: one slide at a time, exactly the screen, never shrunk to fit at this size (the
    // session decks hold a quarter of the answers; two more decks have diagrams).
    const deck = await browser.newContext({ viewport: SCREEN });
    const shown = await deck.newPage();
    const walked = pages.filter((p) => p.startsWith('/sessions/')).concat(['/a/KB-0017/present/', '/a/KB-0011/present/']);
    for (const path of walked) {
      await shown.goto(server.url + path);
      const count = await shown.locator('[data-slide]').count();
      for (let i = 0; i < count; i++) {
        if (i > 0) await shown.keyboard.press('PageDown');
        const facts = await shown.evaluate(slideFacts);
        const visible = facts.filter((f) => f.visible);
        assert.equal(visible.length, 1, `${path}: ${visible.length} slides visible after ${i} PageDown`);
        const [f] = visible;
        assert.equal(f.id, facts[i].id, `${path}: PageDown ×${i} shows slide ${i + 1}`);
        assert.deepEqual([f.top, f.width, f.height], [0, SCREEN.width, SCREEN.height], `${path}#${f.id} is not the screen`);
        assert.equal(f.scale, null, `${path}#${f.id} had to be shrunk to ${f.scale} to fit`);
        assert.ok(!f.overflows, `${path}#${f.id} overflows`);
      }
    }
    await deck.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

test('a clicker moves exactly one slide per key; B blanks the screen; the address keeps the slide', async () => {
  const server = await startServer(site);
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: SCREEN });
    const page = await context.newPage();
    await page.goto(server.url + '/sessions/app-2026-11/present/');
    const ids = await page.$$eval('[data-slide]', (s) => s.map((e) => e.id));
    assert.ok(ids.length >= 8, `${ids.length} slides`);
    const current = async () => {
      const visible = (await page.evaluate(slideFacts)).filter((f) => f.visible);
      assert.equal(visible.length, 1);
      assert.equal(new URL(page.url()).hash, '#' + visible[0].id);
      return ids.indexOf(visible[0].id);
    };
    assert.equal(await current(), 0);
    for (const [key, expected] of [['PageDown', 1], ['PageDown', 2], ['PageUp', 1], ['ArrowRight', 2],
      ['ArrowLeft', 1], ['Space', 2], ['Shift+Space', 1], ['ArrowDown', 2], ['ArrowUp', 1],
      ['End', ids.length - 1], ['PageDown', ids.length - 1], ['ArrowRight', ids.length - 1],
      ['Home', 0], ['PageUp', 0], ['ArrowLeft', 0]]) {
      await page.keyboard.press(key);
      assert.equal(await current(), expected, `after ${key}`);
    }
    // The blank-screen button of a clicker (B, or a period), and back, without moving.
    await page.keyboard.press('PageDown');
    await page.keyboard.press('b');
    assert.ok(await page.locator('.deck-blank').isVisible(), 'B blanks the screen');
    await page.keyboard.press('b');
    assert.ok(!(await page.locator('.deck-blank').isVisible()));
    await page.keyboard.press('.');
    assert.ok(await page.locator('.deck-blank').isVisible(), 'the period blanks the screen');
    await page.keyboard.press('PageDown');
    assert.ok(!(await page.locator('.deck-blank').isVisible()), 'any key brings the screen back');
    assert.equal(await current(), 1, 'blanking and unblanking moved no slide');
    // A reload, or the link shared with someone, opens the same slide.
    await page.keyboard.press('PageDown');
    await page.reload();
    assert.equal(await current(), 2);
    // The agenda on the title slide jumps to an answer's first slide.
    await page.keyboard.press('Home');
    const first = await page.locator('.slide-agenda a').first().getAttribute('href');
    await page.locator('.slide-agenda a').first().click();
    assert.equal(await current(), ids.indexOf(first.slice(1)));
    // Nothing is requested from another origin.
    const foreign = [];
    page.on('request', (r) => { if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
    await page.reload();
    assert.deepEqual(foreign, []);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('a session deck opens on a title slide: title, date, presenter, one code for the session page', async () => {
  const server = await startServer(site);
  const browser = await launch();
  try {
    const page = await (await browser.newContext({ viewport: SCREEN })).newPage();
    await page.goto(server.url + '/sessions/app-2026-11/present/');
    const title = page.locator('[data-slide="1"]');
    assert.equal(await title.locator('h1').innerText(), 'App专项分享');
    const text = await title.innerText();
    assert.match(text, /2026-11-12/);
    assert.match(text, /主讲：刘洋/);
    const codes = await title.locator('[data-qr]').evaluateAll((f) => f.map((e) => e.dataset.qr));
    assert.deepEqual(codes, ['https://qa.example.com/sessions/app-2026-11/']);
    assert.match(text, /qa\.example\.com\/sessions\/app-2026-11/, 'the link is written out');
    // The short link under an answer's title is one line, in type a room can read.
    await page.keyboard.press('PageDown');
    const link = await page.locator('.is-current .slide-link .slide-url').evaluate((a) => {
      const r = a.getBoundingClientRect();
      return { text: a.textContent, height: r.height, size: parseFloat(getComputedStyle(a).fontSize) };
    });
    assert.equal(link.text, 'qa.example.com/a/KB-0066');
    assert.ok(link.size >= 30, `short link at ${link.size} px`);
    assert.ok(link.height < link.size * 2, 'the short link is on one line');
  } finally {
    await browser.close();
    await server.close();
  }
});

test("an answer's deck shows its flow diagram on a slide of its own, large", async () => {
  const server = await startServer(site);
  const browser = await launch();
  try {
    const page = await (await browser.newContext({ viewport: SCREEN })).newPage();
    for (const path of ['/a/KB-0017/present/', '/a/KB-0011/present/']) {
      await page.goto(server.url + path);
      await page.keyboard.press('End');
      const facts = await page.evaluate(() => {
        const slide = document.querySelector('.slide.is-current');
        const svg = slide.querySelector('.dg svg');
        if (!svg) return null;
        const r = svg.getBoundingClientRect();
        const font = Math.min(...[...svg.querySelectorAll('.dg-label')].map((t) =>
          parseFloat(getComputedStyle(t).fontSize) * svg.getScreenCTM().a));
        return { kind: slide.className, right: r.right, bottom: r.bottom, font, steps: !!slide.querySelector('.slide-steps') };
      });
      assert.ok(facts, `${path}: the last slide has no diagram`);
      assert.ok(!facts.steps, 'the diagram is alone on its slide');
      assert.ok(facts.right <= SCREEN.width && facts.bottom <= SCREEN.height, `${path}: diagram off screen`);
      assert.ok(facts.font >= 11, `${path}: labels at ${facts.font.toFixed(1)} px on a 1080p screen`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
});

test('every QR code of the session decks decodes from a 960×540 capture of the screen', async () => {
  const pages = (await decks()).filter((p) => p.startsWith('/sessions/')).concat(['/a/KB-0017/present/']);
  const server = await startServer(site);
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: SCREEN });
    const page = await context.newPage();
    // The decoder runs in a blank page of its own, where the deck's CSP does not apply.
    const decoder = await context.newPage();
    await decoder.setContent('<canvas></canvas>');
    await decoder.addScriptTag({ content: await readFile(jsqr, 'utf8') });
    let decoded = 0;
    for (const path of pages) {
      await page.goto(server.url + path);
      const count = await page.locator('[data-slide]').count();
      for (let i = 0; i < count; i++) {
        if (i > 0) await page.keyboard.press('PageDown');
        const facts = (await page.evaluate(slideFacts)).find((f) => f.visible);
        if (facts.codes.length === 0) continue;
        const png = (await page.screenshot()).toString('base64');
        const results = await decoder.evaluate(async ({ png, codes }) => {
          const image = new Image();
          image.src = 'data:image/png;base64,' + png;
          await image.decode();
          // The stream: the whole screen at half its size.
          const canvas = document.querySelector('canvas');
          canvas.width = 960;
          canvas.height = 540;
          const ctx = canvas.getContext('2d');
          ctx.imageSmoothingEnabled = true;
          ctx.imageSmoothingQuality = 'high';
          ctx.drawImage(image, 0, 0, 960, 540);
          return codes.map((c) => {
            // Each code with some of the slide around it, as a phone's camera would frame it.
            const pad = c.w * 0.15;
            const x = Math.max(0, Math.floor((c.x - pad) / 2));
            const y = Math.max(0, Math.floor((c.y - pad) / 2));
            const w = Math.min(960 - x, Math.ceil((c.w + 2 * pad) / 2));
            const h = Math.min(540 - y, Math.ceil((c.h + 2 * pad) / 2));
            const pixels = ctx.getImageData(x, y, w, h);
            const found = window.jsQR(pixels.data, w, h, { inversionAttempts: 'dontInvert' });
            return { expected: c.url, got: found ? found.data : null, size: Math.round(c.w / 2) };
          });
        }, { png, codes: facts.codes });
        for (const r of results) {
          assert.equal(r.got, r.expected, `${path}#${facts.id}: the ${r.size} px code for ${r.expected}`);
          decoded++;
        }
      }
    }
    assert.ok(decoded >= 60, `${decoded} codes decoded`);
  } finally {
    await browser.close();
    await server.close();
  }
});
