// A static file server for the browser tests, configured like a production nginx
// (`gzip_static on; gzip on;`): serves the built site, sends a file's precompressed `.gz` sibling
// when the browser accepts gzip, compresses other text on the fly, and sets MIME types.
// `startServer(dir, {delay})` resolves to { url, close }; `delay` (ms) holds back every response,
// as a slow network's round trip would (benches: time to first results).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml',
  '.xml': 'application/xml', '.txt': 'text/plain; charset=utf-8', '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

export function startServer(root, { delay = 0 } = {}) {
  const server = createServer(async (req, res) => {
    if (delay) await new Promise((r) => setTimeout(r, delay));
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    // The search log's requests are logged and answered with nothing, as docs/search-log.md
    // configures nginx.
    if (path === '/search/log') { res.writeHead(204, { 'Cache-Control': 'no-store' }).end(); return; }
    let file = normalize(join(root, path));
    if (!file.startsWith(normalize(root))) { res.writeHead(400).end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    } catch { /* 404 below */ }
    const headers = { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache' };
    try {
      let body;
      const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] || '');
      if (gzip) {
        try { body = await readFile(file + '.gz'); headers['Content-Encoding'] = 'gzip'; } catch { /* no sibling */ }
      }
      if (!body) {
        body = await readFile(file);
        if (gzip && /^(text\/|application\/(json|xml|manifest)|image\/svg)/.test(headers['Content-Type'])) {
          body = gzipSync(body);
          headers['Content-Encoding'] = 'gzip';
        }
      }
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': TYPES['.html'] }).end(await readFile(join(root, '404.html')).catch(() => ''));
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  })));
}
