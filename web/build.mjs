// Bundles the web app with esbuild: web/src/main.js (UI), web/src/worker.js (sync worker),
// web/src/verifier.js (a signature-checking worker) and web/src/signer.js (the key holder)
// into build/web/ next to index.html and app.css. The wasm package is not bundled: the app
// imports it at run time from /wasm/datt.mjs, the same files the npm package ships.
//   node web/build.mjs [--out DIR] [--dev]     (--dev: no minification, inline source maps)
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outDir = path.resolve(outIndex >= 0 ? args[outIndex + 1] : path.join(webDir, '..', 'build', 'web'));
const dev = args.includes('--dev');

await mkdir(outDir, { recursive: true });
await build({
  entryPoints: {
    app: path.join(webDir, 'src', 'main.js'),
    worker: path.join(webDir, 'src', 'worker.js'),
    verifier: path.join(webDir, 'src', 'verifier.js'),
    signer: path.join(webDir, 'src', 'signer.js'),
    'pow-worker': path.join(webDir, 'src', 'pow-worker.js'),
  },
  outdir: outDir,
  bundle: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  external: ['/wasm/*'],
  // markdown-it only decodes entities; the package's index would also bring its encoder tables
  // (24 KB minified), which esbuild cannot drop.
  alias: { entities: 'entities/lib/decode.js' },
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
  legalComments: 'none',
});
for (const file of ['index.html', 'app.css', 'sw.js']) {
  await copyFile(path.join(webDir, file), path.join(outDir, file));
}
let total = 0;
for (const file of await readdir(outDir)) {
  if ((await stat(path.join(outDir, file))).isFile()) total += gzipSync(readFileSync(path.join(outDir, file))).length;
}
console.log(`web app built in ${path.relative(process.cwd(), outDir) || '.'} (${total} bytes gzipped)`);
