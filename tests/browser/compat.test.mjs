// The JavaScript the site ships runs on the Chromium 80-era engines of in-app browsers (WeChat's
// among them): every script file of the site (the theme's, the service worker) and every inline
// script of every page parses as ES2017, and uses none of the newer built-ins those engines lack.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { parse, tokenizer } from 'acorn';

const site = process.env.QAPORTAL_SITE;
assert.ok(site, 'QAPORTAL_SITE names the built sample site (tests/browser.rs sets it)');

// Built-ins newer than Chromium 80 (or, for Intl.Segmenter, missing from older WebViews).
const NEWER_MEMBERS = new Set(['Segmenter', 'replaceAll', 'hasOwn', 'at', 'findLast', 'findLastIndex', 'any']);
const NEWER_GLOBALS = new Set(['structuredClone', 'WeakRef', 'FinalizationRegistry', 'AggregateError']);

// Problems of one script: a syntax error under ES2017, or a newer built-in by name.
function problems(source) {
  try {
    parse(source, { ecmaVersion: 2017, sourceType: 'script' });
  } catch (error) {
    return [`not ES2017: ${error.message}`];
  }
  const found = [];
  let previous = null;
  for (const token of tokenizer(source, { ecmaVersion: 2017 })) {
    if (token.type.label === 'name') {
      const member = previous && previous.type.label === '.';
      if (member ? NEWER_MEMBERS.has(token.value) : NEWER_GLOBALS.has(token.value)) {
        found.push(`line ${source.slice(0, token.start).split('\n').length}: ${member ? '.' : ''}${token.value}`);
      }
    }
    previous = token;
  }
  return found;
}

test('the checker itself rejects what old engines cannot run', () => {
  assert.deepEqual(problems('var a = async function () { await b; };'), []);
  for (const newer of ['a?.b', 'a ?? b', 'var {...r} = o;', 'for await (const x of y) {}', '/(?<y>\\d)/', 'try {} catch {}']) {
    assert.equal(problems(newer).length, 1, newer);
  }
  assert.deepEqual(problems('new Intl.Segmenter("zh")'), ['line 1: .Segmenter']);
  assert.deepEqual(problems('s.replaceAll("a", "b")'), ['line 1: .replaceAll']);
});

test('every script of the site is ES2017 without newer built-ins', async () => {
  const found = [];
  const inline = new Map(); // script text -> first page that has it
  let scripts = 0;
  for (const entry of await readdir(site, { withFileTypes: true, recursive: true })) {
    const file = join(entry.parentPath, entry.name);
    if (!entry.isFile()) continue;
    if (file.endsWith('.js')) {
      scripts++;
      found.push(...problems(await readFile(file, 'utf8')).map((p) => `${relative(site, file)} ${p}`));
    } else if (file.endsWith('.html')) {
      const html = await readFile(file, 'utf8');
      for (const [, script] of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) {
        if (!inline.has(script)) inline.set(script, relative(site, file));
      }
      assert.ok(!/<script\s[^>]*src=/.test(html) || /<script\s[^>]*src=[^>]*\b(defer|async)\b/.test(html),
        `${relative(site, file)}: a script file that blocks rendering`);
    }
  }
  for (const [script, page] of inline) found.push(...problems(script).map((p) => `${page} (inline) ${p}`));
  assert.ok(scripts >= 3 && inline.size >= 2, `${scripts} script files, ${inline.size} distinct inline scripts`);
  assert.deepEqual(found, []);
});
