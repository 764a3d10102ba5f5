// A small static file server for development, until the relay serves the web app.
//
//   node scripts/serve.mjs            http://127.0.0.1:8080 (PORT=... to change the port)
//
//   /         -> web/            (the web app)
//   /wasm/... -> build/wasm/dist/ (the wasm package: datt.mjs, datt.d.ts, ...)
//
// Loopback only, GET and HEAD only, no directory listings, and no path leaves its root
// (checked after resolving symbolic links). No dependencies beyond Node 18.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8', // datt.d.ts: readable in the browser, never executed
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

// Maps a URL path to [root folder, path inside it]; the longest matching prefix wins.
function mountFor(urlPath, mounts) {
  let best = null;
  for (const [prefix, dir] of mounts) {
    const matches = urlPath === prefix.slice(0, -1) || urlPath.startsWith(prefix);
    if (matches && (!best || prefix.length > best[0].length)) best = [prefix, dir];
  }
  return best && [best[1], urlPath.slice(best[0].length)];
}

function isInside(root, candidate) {
  return candidate === root || candidate.startsWith(root + path.sep);
}

function sendText(res, status, text, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

// Resolves a request path to a file that lies inside its mount, or null.
async function resolveFile(urlPath, mounts) {
  const mount = mountFor(urlPath, mounts);
  if (!mount) return null;
  const [dir, inside] = mount;
  let root;
  try {
    root = await realpath(dir);
  } catch {
    return null; // the folder is not built yet
  }
  let file = path.resolve(root, '.' + path.posix.sep + inside);
  if (!isInside(root, file)) return null;
  try {
    file = await realpath(file);
    if (!isInside(root, file)) return null;
    let info = await stat(file);
    if (info.isDirectory()) {
      if (!urlPath.endsWith('/')) return { redirect: urlPath + '/' };
      file = path.join(file, 'index.html');
      info = await stat(file);
    }
    return info.isFile() ? { file, size: info.size } : null;
  } catch {
    return null;
  }
}

// mounts: Map of URL prefix ending in '/' -> folder.
export function createStaticServer(mounts) {
  return createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      sendText(res, 400, 'bad request path\n');
      return;
    }
    if (urlPath.includes('\0') || urlPath.includes('\\')) {
      sendText(res, 400, 'bad request path\n');
      return;
    }
    const found = await resolveFile(urlPath, mounts);
    if (!found) {
      const hint = urlPath.startsWith('/wasm/') ? ' (is the wasm package built? npm run build)' : '';
      sendText(res, 404, `not found: ${urlPath}${hint}\n`);
      return;
    }
    if (found.redirect) {
      sendText(res, 301, 'moved\n', { Location: encodeURI(found.redirect) });
      return;
    }
    const type = CONTENT_TYPES[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream';
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': found.size,
      'Cache-Control': 'no-cache', // a rebuilt wasm package shows up on reload
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(found.file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
}

export const DEFAULT_MOUNTS = new Map([
  ['/', path.join(repoRoot, 'web')],
  ['/wasm/', path.join(repoRoot, 'build', 'wasm', 'dist')],
]);

function main() {
  const host = '127.0.0.1';
  const port = Number.parseInt(process.env.PORT ?? '8080', 10);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: PORT must be a number from 0 to 65535, not '${process.env.PORT}'`);
    process.exit(1);
  }
  const server = createStaticServer(DEFAULT_MOUNTS);
  server.on('error', (err) => {
    const why = err.code === 'EADDRINUSE' ? `port ${port} is in use; try PORT=8081` : err.message;
    console.error(`serve: cannot listen on ${host}:${port}: ${why}`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const { port: bound } = server.address();
    console.log(`serve: Datt web app on http://${host}:${bound}/ (wasm package at /wasm/)`);
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      server.close(() => process.exit(0));
      server.closeAllConnections(); // browsers keep idle connections open
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main();
}
