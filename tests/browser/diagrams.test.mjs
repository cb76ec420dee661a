// The sample knowledge base's flow diagrams on their article pages, at a phone's width (375 px),
// through diagram/browser-test/check.mjs: every node's text lies inside its shape, no two nodes
// overlap, wide diagrams scroll in their own box, light and dark mode both readable.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startServer } from './server.mjs';

const site = process.env.QAPORTAL_SITE;

async function pagesWithDiagrams(dir, prefix = '') {
  const found = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = join(prefix, entry.name);
    if (entry.isDirectory()) found.push(...await pagesWithDiagrams(dir, path));
    else if (entry.name === 'index.html' && !path.includes('present')
      && (await readFile(join(dir, path), 'utf8')).includes('class="dg')) found.push('/' + prefix + '/');
  }
  return found;
}

test('every sample diagram fits its labels and keeps its nodes apart on a phone', async () => {
  const pages = await pagesWithDiagrams(site);
  assert.ok(pages.length >= 8, `at least 8 article pages with diagrams, found ${pages.length}`);
  const server = await startServer(site);
  try {
    const { stdout } = await promisify(execFile)('node',
      ['diagram/browser-test/check.mjs', '--width', '375', ...pages.map((p) => server.url + p)],
      { maxBuffer: 1 << 24 });
    assert.match(stdout, /\b0 failed\b/, stdout);
  } catch (error) {
    assert.fail(`${error.message}\n${error.stdout || ''}`);
  } finally {
    await server.close();
  }
});
