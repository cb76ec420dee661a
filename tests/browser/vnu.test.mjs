// Every page of the built sample site is valid HTML for the Nu Html Checker (vnu, from the
// vnu-jar npm package, run with the machine's Java: `.ci/run` installs a JRE, so that vnu-jar
// never downloads one), and so are the style sheet and the SVG the site serves (the icon, and a
// QR code: they all come from one generator).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const site = process.env.QAPORTAL_SITE;
assert.ok(site, 'QAPORTAL_SITE names the built sample site (tests/browser.rs sets it)');
const vnu = createRequire(import.meta.url).resolve('vnu-jar/build/dist/vnu.jar');

async function files(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) found.push(join(entry.parentPath, entry.name));
  }
  return found;
}

test('the Nu Html Checker finds no error on any page', async () => {
  const all = await files(site);
  const pages = all.filter((f) => f.endsWith('.html'));
  assert.ok(pages.length > 250, `${pages.length} pages`);
  const others = [
    ...all.filter((f) => f.endsWith('.css')),
    join(site, 'static/icon.svg'),
    all.find((f) => f.endsWith('qr.svg')),
  ];
  let output;
  try {
    output = await promisify(execFile)('java',
      ['-jar', vnu, '--errors-only', '--also-check-css', '--also-check-svg', '--format', 'json', ...pages, ...others],
      { maxBuffer: 1 << 26 });
  } catch (error) {
    if (error.code === 'ENOENT') assert.fail('java is missing: apt-get install default-jre-headless, or run .ci/run');
    output = error; // vnu exits 1 when it found errors: its report is on stderr all the same
  }
  const { messages } = JSON.parse(output.stderr);
  const errors = messages.map((m) => `${relative(site, new URL(m.url).pathname)}:${m.lastLine}: ${m.message}`);
  assert.deepEqual(errors, []);
});
