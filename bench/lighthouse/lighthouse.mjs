// Lighthouse (mobile preset: a mid-range phone on slow 4G, simulated) on the home page, an answer
// with a flow diagram and the search page of a built site, served like production (gzip) by the
// browser tests' server, in Debian's Chromium with the browser tests' flags: nothing is
// downloaded. Each page is audited `runs` times after one warm-up run, and the median score of
// each category is kept (Lighthouse's own advice against run-to-run noise).
//
//   node bench/lighthouse/lighthouse.mjs [SITE_DIR] [--runs N] [--min SCORE]
//
// prints the scores and exits non-zero when one is below --min (default 95). SITE_DIR defaults
// to public/ (`cargo run --release -- build`). tests/browser/lighthouse.test.mjs runs it in CI.
import { fileURLToPath } from 'node:url';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { CHROMIUM, CHROMIUM_FLAGS } from '../../tests/browser/browser.mjs';
import { startServer } from '../../tests/browser/server.mjs';

export const PAGES = {
  home: '/',
  answer: '/bank-transfer/balance-mismatch/',
  search: '/search/',
};
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// {page: {category: median score 0-100}}, and the audits that cost points, for the report.
export async function audit(site, { runs = 3 } = {}) {
  const server = await startServer(site);
  process.env.CHROME_PATH = CHROMIUM;
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: ['--headless=new', ...CHROMIUM_FLAGS] });
  const settings = { formFactor: 'mobile', onlyCategories: CATEGORIES, disableFullPageScreenshot: true };
  const run = (path) => lighthouse(server.url + path, { port: chrome.port, logLevel: 'error' }, { extends: 'lighthouse:default', settings });
  try {
    await run(PAGES.home);
    const scores = {};
    const lost = {};
    for (const [name, path] of Object.entries(PAGES)) {
      const perRun = [];
      for (let i = 0; i < runs; i++) {
        const { lhr } = await run(path);
        perRun.push(lhr.categories);
        for (const category of Object.values(lhr.categories)) {
          for (const ref of category.auditRefs) {
            const a = lhr.audits[ref.id];
            if (ref.weight > 0 && a.score !== null && a.score < 1) {
              (lost[name] ||= new Set()).add(`${a.id} ${a.displayValue || a.score}`);
            }
          }
        }
      }
      scores[name] = Object.fromEntries(CATEGORIES.map((c) => [c, median(perRun.map((r) => Math.round(r[c].score * 100)))]));
    }
    return { scores, lost };
  } finally {
    await chrome.kill();
    await server.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (name, fallback) => { const i = args.indexOf(name); return i < 0 ? fallback : Number(args.splice(i, 2)[1]); };
  const runs = option('--runs', 3);
  const min = option('--min', 95);
  const site = args[0] || 'public';
  const { scores, lost } = await audit(site, { runs });
  console.log(`Lighthouse (mobile), median of ${runs} runs:`);
  console.log(['page', ...CATEGORIES].map((c) => c.padEnd(16)).join(''));
  for (const [name, s] of Object.entries(scores)) {
    console.log([name, ...CATEGORIES.map((c) => String(s[c]))].map((c) => c.padEnd(16)).join('') + PAGES[name]);
    if (lost[name]) console.log(`  short of full marks in some run: ${[...lost[name]].join('; ')}`);
  }
  const low = Object.values(scores).some((s) => CATEGORIES.some((c) => s[c] < min));
  process.exitCode = low ? 1 : 0;
}
