// `qaportal serve` as an author uses it: many preview tabs open at once. A browser keeps at
// most 6 connections per host, and each tab's event stream holds one; every tab must still
// show the build's errors and reload when they are fixed.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch } from './browser.mjs';

const bin = process.env.QAPORTAL_BIN;

function serve(root) {
  const child = spawn(bin, ['serve', '--port', '0', '--as-of', '2026-11-22'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    let timer;
    const seen = (chunk) => {
      output += chunk;
      const url = output.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (url) {
        clearTimeout(timer);
        resolve({ url: url[0], stop: () => child.kill() });
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
    timer = setTimeout(() => reject(new Error(`serve printed no address: ${output}`)), 60000);
  });
}

test('eight preview tabs all show the error overlay, and all reload when it is fixed', { timeout: 180000 }, async () => {
  assert.ok(bin, 'QAPORTAL_BIN is set by tests/browser.rs');
  const dir = mkdtempSync(join(tmpdir(), 'qaportal-serve-'));
  const root = join(dir, 'site');
  execFileSync(bin, ['init', root]);
  const server = await serve(root);
  const browser = await launch();
  try {
    const context = await browser.newContext();
    const pages = [];
    for (let i = 0; i < 8; i++) {
      const page = await context.newPage();
      await page.goto(server.url);
      pages.push(page);
    }
    // Every tab loaded: the 7th and 8th were not starved of connections.
    for (const page of pages) assert.ok((await page.title()).length > 0);

    const article = execFileSync('find', [join(root, 'content'), '-name', '*.md', '-not', '-name', '_*']).toString().trim().split('\n')[0];
    const good = readFileSync(article, 'utf8');
    writeFileSync(article, good.replace(/^title: .*$/m, 'title: "没有结束的引号'));
    await Promise.all(pages.map((page, i) => page.waitForSelector('#qaportal-overlay', { timeout: 30000 })
      .catch(() => assert.fail(`tab ${i + 1} of 8 got no error overlay`))));
    for (const page of pages) {
      assert.match(await page.locator('#qaportal-overlay').innerText(), /never closed/);
    }
    // A ninth tab opened now learns of the errors too.
    const late = await context.newPage();
    await late.goto(server.url);
    await late.waitForSelector('#qaportal-overlay', { timeout: 30000 });

    writeFileSync(article, good);
    await Promise.all([...pages, late].map((page, i) => page.waitForFunction(
      () => !document.getElementById('qaportal-overlay'), null, { timeout: 30000 })
      .catch(() => assert.fail(`tab ${i + 1} still shows the overlay after the fix`))));
  } finally {
    await browser.close();
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
