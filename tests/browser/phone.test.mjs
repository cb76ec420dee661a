// What a client manager sees on a small phone (360 px wide, the narrowest common Android
// screen; 390 px for the weekly table): flow diagrams readable without zooming, the steps a tap
// away from a long diagram, the weekly ranking's headers, short links typed in lower case.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launch } from './browser.mjs';
import { startServer } from './server.mjs';

const site = process.env.QAPORTAL_SITE;
const phone = (width) => ({ viewport: { width, height: 780 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });

async function pagesWithDiagrams(dir, prefix = '') {
  const found = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = join(prefix, entry.name);
    if (entry.isDirectory()) found.push(...await pagesWithDiagrams(dir, path));
    else if (entry.name === 'index.html' && !path.includes('present')
      && (await readFile(join(dir, path), 'utf8')).includes('class="dg')) found.push('/' + prefix + '/');
  }
  return found.sort();
}

// Every diagram on the page: its smallest label as rendered, whether all of it is on screen or
// in a box that says it scrolls, and each label's lines as drawn.
function diagramFacts() {
  return [...document.querySelectorAll('.dg')].map((box) => {
    const svg = box.querySelector('svg');
    const scale = svg.getScreenCTM().a;
    const labels = [...svg.querySelectorAll('text')];
    const font = Math.min(...labels.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale));
    const r = svg.getBoundingClientRect();
    const bar = box.previousElementSibling && box.previousElementSibling.classList.contains('dg-bar')
      ? box.previousElementSibling : null;
    return {
      id: box.id, font,
      fits: r.left >= -0.5 && r.right <= document.documentElement.clientWidth + 0.5,
      scrolls: box.scrollWidth > box.clientWidth + 1,
      overflowX: getComputedStyle(box).overflowX,
      bar: bar ? { text: bar.textContent, link: bar.querySelector('a').getAttribute('href') } : null,
      lines: labels.map((t) => [...t.querySelectorAll('tspan')].map((s) => s.textContent)).filter((l) => l.length > 1),
      height: r.height,
      jump: (() => {
        let p = (bar || box).previousElementSibling;
        return p && p.classList.contains('jump') ? p.querySelector('a').getAttribute('href') : null;
      })(),
    };
  });
}

test('every sample diagram is readable at 360 px: 13 px text, nothing cut off, no word split', async () => {
  const pages = await pagesWithDiagrams(site);
  assert.ok(pages.length >= 10, `${pages.length} pages with diagrams`);
  const server = await startServer(site);
  const browser = await launch();
  try {
    const page = await (await browser.newContext(phone(360))).newPage();
    const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
    let fitting = 0;
    for (const path of pages) {
      await page.goto(server.url + path);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360, `${path} scrolls sideways`);
      for (const d of await page.evaluate(diagramFacts)) {
        const where = `${path} ${d.id}`;
        assert.ok(d.font >= 13 - 0.05, `${where}: labels at ${d.font.toFixed(1)} px`);
        if (d.fits) fitting++;
        else {
          // Not cut off: the box scrolls, says so above it, and opens on the whole screen.
          assert.ok(d.scrolls && d.overflowX === 'auto', `${where}: wider than the screen and does not scroll`);
          assert.ok(d.bar && /左右滑动/.test(d.bar.text), `${where}: scrolls without saying so`);
          assert.equal(d.bar.link, '#' + d.id);
        }
        // Lines break between words: each break is a word boundary (the browser's own
        // dictionary segmentation), and never inside these words the issue saw split.
        for (const lines of d.lines) {
          const text = lines.join('');
          const bounds = new Set([...segmenter.segment(text)].map((s) => s.index));
          let at = 0;
          for (const line of lines.slice(0, -1)) {
            at += line.length;
            assert.ok(bounds.has(at), `${where}: "${lines.join(' / ')}" breaks inside a word`);
          }
          for (const word of ['系统', '基金', '启安', '投资者', '存管']) {
            assert.ok(!lines.some((l, i) => i > 0 && lines[i - 1].endsWith(word[0]) && l.startsWith(word.slice(1))),
              `${where}: "${lines.join(' / ')}" splits ${word}`);
          }
        }
        // A diagram taller than half a screen has a link to the steps above it.
        if (d.height > 400 && await page.locator('#处理步骤, [id="处理步骤"]').count()) {
          assert.ok(d.jump, `${where}: ${Math.round(d.height)} px high without a link to the steps`);
        }
      }
    }
    assert.ok(fitting >= 6, `${fitting} of the sample diagrams fit a 360 px screen`);

    // A diagram that scrolls opens on the whole screen, and closes back to the page.
    for (const path of pages) {
      await page.goto(server.url + path);
      const bar = page.locator('.dg-bar a').first();
      if (!(await bar.count())) continue;
      await bar.click();
      const full = await page.locator('.dg:target').evaluate((b) => {
        const r = b.getBoundingClientRect();
        return [r.left, r.top, r.width, r.height, getComputedStyle(b).position];
      });
      assert.deepEqual(full, [0, 0, 360, 780, 'fixed'], `${path}: full screen`);
      await page.locator('.dg:target .dg-close').click();
      assert.equal(await page.locator('.dg:target').count(), 0);
      break;
    }

    // The jump link lands on the steps.
    await page.goto(server.url + '/service-desk/ticket-workflow/');
    const jump = page.locator('.jump a').first();
    await jump.click();
    const top = await page.evaluate(() => document.getElementById(decodeURIComponent(location.hash.slice(1))).getBoundingClientRect().top);
    assert.ok(top >= 0 && top < 100, `the steps heading is at ${top}`);
  } finally {
    await browser.close();
    await server.close();
  }
});

test('the weekly ranking fits 390 px: headers on one line, last week labelled', async () => {
  const server = await startServer(site);
  const browser = await launch();
  try {
    const page = await (await browser.newContext(phone(390))).newPage();
    const weeks = (await readdir(join(site, 'hot'))).filter((w) => /^\d{4}-W\d\d$/.test(w));
    assert.ok(weeks.length >= 4);
    for (const week of weeks) {
      await page.goto(`${server.url}/hot/${week}/`);
      if (!(await page.locator('.ranking').count())) continue;
      const headers = await page.$$eval('.ranking th', (ths) => ths.map((th) => {
        const line = parseFloat(getComputedStyle(th).lineHeight);
        return { text: th.textContent, lines: Math.round((th.getBoundingClientRect().height - 14) / line) };
      }));
      for (const h of headers) assert.ok(h.lines <= 1, `${week}: header ${h.text} on ${h.lines} lines`);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, `${week} scrolls sideways`);
      const text = await page.locator('.ranking').innerText();
      assert.doesNotMatch(text, /（上周 \d+）/, 'last week\'s tickets are not written like a rank');
      for (const row of await page.$$eval('.ranking tbody tr', (rows) => rows.map((r) => r.innerText))) {
        if (/^\d+\s[\s\S]*\b0 件/.test(row)) assert.doesNotMatch(row, /新上榜/, `${week}: no tickets but "新上榜": ${row}`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
});

test('a short link typed in lower case finds its answer; a shared one previews as the answer', async () => {
  const server = await startServer(site);
  const browser = await launch();
  try {
    const page = await (await browser.newContext(phone(360))).newPage();
    await page.goto(server.url + '/a/kb-0019/#step-2');
    await page.waitForURL((u) => !u.pathname.startsWith('/a/'));
    assert.equal(new URL(page.url()).hash, '#step-2');
    assert.match(await page.textContent('h1'), /\S/);
    const short = await readFile(join(site, 'a/KB-0019/index.html'), 'utf8');
    assert.doesNotMatch(short, /<title>正在跳转/);
    assert.match(short, /<meta name="description" content="[^"]{10,}">/);
    assert.match(short, /<meta property="og:title" content="[^"]+">/);
  } finally {
    await browser.close();
    await server.close();
  }
});
