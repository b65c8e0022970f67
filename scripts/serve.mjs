// Serves the repository over HTTP on 127.0.0.1 for the demo and the browser tests.
// Usage: node scripts/serve.mjs [--port 8080]   (or PORT=8080)
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm', '.css': 'text/css; charset=utf-8', '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8', '.onnx': 'application/octet-stream', '.svg': 'image/svg+xml',
};

// Cross-origin isolation: lets pages use SharedArrayBuffer (the multithreaded core).
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/**
 * Starts the server; resolves to {server, url}. Port 0 picks a free port. `isolated` (true, false
 * or a function of the request URL) says whether responses carry the cross-origin isolation
 * headers; pages without them get the single-thread core.
 */
export function startServer({ port = 8080, host = '127.0.0.1', root = ROOT, isolated = true } = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === '/') {
      res.writeHead(302, { Location: '/web/demo/' });
      return res.end();
    }
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!path.startsWith(root + sep) && path !== root) {
      res.writeHead(403);
      return res.end('forbidden');
    }
    try {
      let info = await stat(path);
      if (info.isDirectory()) {
        path = join(path, 'index.html');
        info = await stat(path);
      }
      res.writeHead(200, {
        'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'no-cache',
        ...((typeof isolated === 'function' ? isolated(url) : isolated) ? ISOLATION : {}),
        'Cross-Origin-Resource-Policy': 'same-origin',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(path).pipe(res);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((resolveStart, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolveStart({ server, url: `http://${host}:${actual}` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = process.argv.indexOf('--port');
  const port = Number(flag >= 0 ? process.argv[flag + 1] : process.env.PORT ?? 8080);
  try {
    const { url } = await startServer({ port });
    console.log(`Osprey demo: ${url}/web/demo/  (Ctrl+C to stop)`);
  } catch (error) {
    console.error(error.code === 'EADDRINUSE'
      ? `port ${port} is in use: run with PORT=<another port> npm start`
      : error.message);
    process.exit(1);
  }
}
