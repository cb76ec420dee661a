// Searches a built site as its pages do (themes/default/static/search/qaportal-search.js over the
// site's search/ files, read from disk): one JSON line per query of the file, {query, outcome,
// total, ids}. tests/search_cli.rs compares it with `qaportal search --queries`.
//   node tests/site_search.mjs SITE_DIR QUERIES_FILE LIMIT
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [site, queriesFile, limit] = process.argv.slice(2);
const qp = require(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../themes/default/static/search/qaportal-search.js'));

const fsFetch = (url) => {
  const file = path.join(site, url);
  if (!fs.existsSync(file)) return Promise.resolve({ ok: false, status: 404 });
  const text = fs.readFileSync(file, 'utf8');
  return Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve(JSON.parse(text)), text: () => Promise.resolve(text) });
};
qp.init({ indexBase: 'search/', fetch: fsFetch });
const out = [];
for (const query of fs.readFileSync(queriesFile, 'utf8').split('\n').map((q) => q.trim()).filter(Boolean)) {
  const hits = await qp.search(query, { limit: +limit });
  out.push(JSON.stringify({ query, outcome: hits.outcome, total: hits.total, ids: hits.map((h) => h.id) }));
}
process.stdout.write(out.join('\n') + '\n');
