// Checks every rendered flow diagram (`.dg` containers) on one or more HTML pages in headless
// Chromium, at a phone's width, in light and in dark mode:
//   - every node's text lies inside its shape: the text's getBBox() lies inside the shape's
//     getBBox(), and its four corners are inside the shape's fill (isPointInFill, so the corners
//     of a diamond count); text and shape share one user space, so no transform is needed;
//   - no two node shapes overlap, and no edge label overlaps a node;
//   - the diagram is shown at a readable scale (>= --min-scale) and the page itself never
//     scrolls sideways: a diagram too wide for the screen scrolls inside its own box;
//   - it is accessible and static: role="img", <title>, <desc>, real <text>, no
//     foreignObject, no script;
//   - in dark mode the colours change and label text keeps a 4.5:1 contrast with its shape.
//
// usage: node check.mjs [--width 375] [--min-scale 0.75] [--screenshots DIR] [--expect-both]
//                       PAGE.html|URL...
// --expect-both also requires at least one diagram that fits and one that scrolls.
// Chromium: CHROMIUM env var, default /usr/bin/chromium (Debian package `chromium`).

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = { width: 375, minScale: 0.75, screenshots: null, expectBoth: false, pages: [] };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--width') opt.width = Number(args[++i]);
  else if (a === '--min-scale') opt.minScale = Number(args[++i]);
  else if (a === '--screenshots') opt.screenshots = args[++i];
  else if (a === '--expect-both') opt.expectBoth = true;
  else opt.pages.push(/^[a-z]+:\/\//.test(a) ? a : pathToFileURL(resolve(a)).href);
}
if (opt.pages.length === 0) {
  console.error('usage: node check.mjs [--width 375] [--screenshots DIR] [--expect-both] PAGE...');
  process.exit(2);
}

// Runs inside the page: measures every diagram and returns facts plus problems found.
function inspect(minScale) {
  const EPS = 0.5;
  const inside = (o, i) => i.x >= o.x - EPS && i.y >= o.y - EPS && i.x + i.width <= o.x + o.width + EPS && i.y + i.height <= o.y + o.height + EPS;
  const overlap = (a, b) => a.x < b.x + b.width - EPS && b.x < a.x + a.width - EPS && a.y < b.y + b.height - EPS && b.y < a.y + a.height - EPS;
  const rgb = (s) => (s.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const contrast = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const out = [];
  const vw = document.documentElement.clientWidth;
  for (const box of document.querySelectorAll('.dg')) {
    const svg = box.querySelector('svg');
    const name = box.id || `#${out.length + 1}`;
    const problems = [];
    if (!svg) { out.push({ name, problems: ['no <svg>'] }); continue; }
    if (svg.getAttribute('role') !== 'img') problems.push('svg lacks role="img"');
    if (!svg.querySelector(':scope > title')?.textContent.trim()) problems.push('no <title>');
    if (!svg.querySelector(':scope > desc')?.textContent.trim()) problems.push('no <desc>');
    if (svg.querySelector('foreignObject, script')) problems.push('foreignObject or script inside');
    const natural = svg.viewBox.baseVal.width;
    const shown = svg.getBoundingClientRect().width;
    const scale = shown / natural;
    if (scale < minScale - 0.005) problems.push(`shown at scale ${scale.toFixed(3)} < ${minScale}`);
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (box.getBoundingClientRect().right > vw + 1) problems.push('diagram box wider than the viewport');
    const overflowX = getComputedStyle(box).overflowX;
    if (svg.getBoundingClientRect().right > vw + 1 && overflowX !== 'auto' && overflowX !== 'scroll')
      problems.push('svg wider than the viewport and its box does not scroll');
    const nodes = [...svg.querySelectorAll('.dg-node')].map((g) => {
      const shape = g.querySelector('.dg-shape');
      const text = g.querySelector('.dg-label');
      return { id: g.dataset.id, shape, text, sb: shape.getBBox(), tb: text.getBBox() };
    });
    if (nodes.length === 0) problems.push('no nodes');
    for (const n of nodes) {
      if (n.text.querySelectorAll('tspan').length === 0 && !n.text.textContent) problems.push(`node ${n.id}: no text`);
      if (!inside(n.sb, n.tb)) problems.push(`node ${n.id}: text box ${JSON.stringify(n.tb)} outside shape box ${JSON.stringify(n.sb)}`);
      const { x, y, width: w, height: h } = n.tb;
      for (const [px, py] of [[x, y], [x + w, y], [x, y + h], [x + w, y + h]]) {
        if (!n.shape.isPointInFill(new DOMPoint(px, py))) {
          problems.push(`node ${n.id}: text corner (${px.toFixed(1)}, ${py.toFixed(1)}) outside its ${n.shape.tagName}`);
          break;
        }
      }
    }
    for (let i = 0; i < nodes.length; i++)
      for (let j = i + 1; j < nodes.length; j++)
        if (overlap(nodes[i].sb, nodes[j].sb)) problems.push(`nodes ${nodes[i].id} and ${nodes[j].id} overlap`);
    for (const l of svg.querySelectorAll('.dg-edge-label-bg')) {
      const lb = l.getBBox();
      for (const n of nodes) if (overlap(lb, n.sb)) problems.push(`an edge label overlaps node ${n.id}`);
    }
    const first = nodes[0];
    const colors = first ? {
      shape: getComputedStyle(first.shape).fill,
      text: getComputedStyle(first.text).fill,
    } : {};
    if (first && contrast(colors.shape, colors.text) < 4.5) problems.push(`label contrast ${contrast(colors.shape, colors.text).toFixed(2)} < 4.5`);
    // Rendered size of a label's text, from the SVG's current transformation to the screen.
    const fontPx = 14 * (svg.getScreenCTM()?.a ?? scale);
    if (fontPx < 14 * minScale - 0.1) problems.push(`labels shown at ${fontPx.toFixed(1)} px`);
    out.push({ name, natural, shown, scale, scrolls, nodes: nodes.length, colors, fontPx, problems });
  }
  const pageScroll = document.documentElement.scrollWidth > vw + 1;
  return { diagrams: out, pageScroll };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
let passed = 0;
let failed = 0;
const seen = { fits: 0, scrolls: 0 };
try {
  for (const url of opt.pages) {
    const light = {};
    for (const scheme of ['light', 'dark']) {
      const ctx = await browser.newContext({ viewport: { width: opt.width, height: 800 }, deviceScaleFactor: 2, colorScheme: scheme });
      const page = await ctx.newPage();
      await page.goto(url, { waitUntil: 'load' });
      const { diagrams, pageScroll } = await page.evaluate(inspect, opt.minScale);
      if (pageScroll) { console.log(`FAIL ${url} [${scheme}]: the page scrolls sideways`); failed++; }
      for (const d of diagrams) {
        const problems = [...d.problems];
        if (scheme === 'light') {
          light[d.name] = d.colors;
          if (d.scrolls) seen.scrolls++; else seen.fits++;
        } else if (light[d.name] && light[d.name].shape === d.colors.shape) {
          problems.push('node colours do not change in dark mode');
        }
        const facts = `${d.nodes} nodes, ${Math.round(d.natural)} px natural, scale ${d.scale?.toFixed(2)}, ${d.scrolls ? 'scrolls' : 'fits'}`;
        if (problems.length) {
          failed++;
          console.log(`FAIL ${d.name} [${scheme}] (${facts})`);
          for (const p of problems) console.log(`     ${p}`);
        } else {
          passed++;
          console.log(`ok   ${d.name} [${scheme}] (${facts})`);
        }
        if (opt.screenshots) {
          mkdirSync(opt.screenshots, { recursive: true });
          await page.locator(`#${d.name}`).screenshot({ path: `${opt.screenshots}/${d.name}-${scheme}.png` });
        }
      }
      await ctx.close();
    }
  }
} finally {
  await browser.close();
}
if (opt.expectBoth && (seen.fits === 0 || seen.scrolls === 0)) {
  console.log(`FAIL expected diagrams that fit and diagrams that scroll; got ${seen.fits} fitting, ${seen.scrolls} scrolling`);
  failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
