// Minifies the package's JavaScript as it goes into dist (wasm/CMakeLists.txt): Emscripten
// 3.1.6 on Debian only strips whitespace from its glue (name minification needs the Closure
// Compiler, which Debian's package leaves out), so esbuild (the web app's bundler, pinned in
// package.json) renames locals and drops comments. Same code, fewer bytes to download: the
// package budget (tests/wasm/size.test.mjs) counts what a browser fetches. The readable
// sources stay in wasm/ (datt.mjs) and the docs in datt.d.ts.
//   node wasm/minify.mjs IN OUT
import { transform } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node wasm/minify.mjs IN OUT');
  process.exit(2);
}
const source = readFileSync(input, 'utf8');
// es2022 keeps what both Node 18 and the browsers the web app targets run (import.meta, ??, ?.,
// BigInt literals, private fields pass through unchanged).
const { code } = await transform(source, {
  format: 'esm', minify: true, target: 'es2022', legalComments: 'none', logLevel: 'warning',
});
writeFileSync(output, code);
