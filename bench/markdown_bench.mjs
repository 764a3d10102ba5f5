// Markdown renderer benchmark: time to render a typical comment, a large one (40,000 characters,
// the input cap) and the slowest hostile input of tests/web/markdown.test.mjs, in Node and in
// headless Chromium (the module bundled by esbuild as web/build.mjs bundles it), plus the
// module's bundled size. With --baseline FILE, another build of web/src/lib/markdown.js (e.g.
// the hand-written parser before markdown-it: `git show f017f48:web/src/lib/markdown.js`) is
// measured in the same run, so the two compare as ratios.
//   node bench/markdown_bench.mjs [--baseline FILE] [--budget-ms MS]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { launchProfile } from '../tests/e2e/support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const BUDGET_MS = Number(arg('--budget-ms') ?? 1000);
const modules = { current: path.join(root, 'web', 'src', 'lib', 'markdown.js') };
if (arg('--baseline')) modules.baseline = path.resolve(arg('--baseline'));

// A comment as people write them: a heading, paragraphs with inline markup and links, nested
// lists, a quote and a code block (about 1,400 characters); the large one repeats it to the cap.
const SECTION = `## Notes on section NUMBER

Thanks for the *detailed* write-up. I tried the **second approach** from [the guide](https://example.com/guide?page=NUMBER)
and it worked, except that \`fetch()\` kept timing out behind the proxy; see https://example.org/issues/NUMBER for details.

1. Install the package (\`npm ci\`), then run the setup script.
2. Edit the config:
   - set \`relay\` to your own relay,
   - keep **strict mode** on;
   - and _never_ commit the key file.
3. Restart.

> It is not the proxy: the timeout is the server's, as ~~everyone~~ *almost* everyone guessed.
> Check the logs first.

\`\`\`js
const relay = new Relay('wss://relay.example/NUMBER');
await relay.connect({ timeout: 5000 });
\`\`\`

Edit: fixed the link &mdash; and a hard\\
break. Also <not html> & "quotes" stay text.

---
`;
const typical = SECTION.replaceAll('NUMBER', '1');
let large = '';
for (let n = 1; large.length < 40000; n++) large += SECTION.replaceAll('NUMBER', String(n));
large = large.slice(0, 40000);
const INPUTS = {
  'typical comment (1.4 KB)': typical,
  'large comment (40 KB)': large,
  'hostile: "- a\\n> b\\n" x 5000': '- a\n> b\n'.repeat(5000),
  'hostile: "a*" x 20000': 'a*'.repeat(20000),
  'hostile: "![a](http://b.c/" x 2500': '![a](http://b.c/'.repeat(2500),
};

// Renders each input once cold (the first render a page does), then repeatedly for BUDGET_MS
// to warm up, then for BUDGET_MS more (at least 5 times): the mean of those, garbage collection
// included (browsers coarsen performance.now(), so small renders are timed as a batch); in ms of
// `clock`: CPU time of the process in Node, wall-clock time in Chromium (it has no CPU clock).
function measure(renderMarkdown, h, inputs, budgetMs, clock) {
  const out = {};
  for (const [name, input] of Object.entries(inputs)) {
    const start = clock();
    renderMarkdown(input, h);
    const first = clock() - start;
    for (const warm = clock(); clock() - warm < budgetMs;) renderMarkdown(input, h);
    let runs = 0;
    const begin = clock();
    while (runs < 5 || clock() - begin < budgetMs) {
      renderMarkdown(input, h);
      runs++;
    }
    out[name] = { first, mean: (clock() - begin) / runs, runs };
  }
  return out;
}
const cpuClock = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const h = (type, props, ...children) => ({ type, props, children });
const bundles = {};
for (const [label, file] of Object.entries(modules)) {
  const result = await build({
    entryPoints: [file], bundle: true, format: 'esm', write: false, minify: true, legalComments: 'none',
    target: ['chrome100', 'firefox100', 'safari15'], alias: { entities: 'entities/lib/decode.js' }, logLevel: 'silent',
  });
  bundles[label] = result.outputFiles[0].text;
  const bytes = Buffer.byteLength(bundles[label]);
  console.log(`${label}: bundled alone ${bytes} bytes, ${gzipSync(bundles[label], { level: 9 }).length} gzip -9`);
}

const results = {};
for (const [label, file] of Object.entries(modules)) {
  const { renderMarkdown } = await import(file);
  results[`${label} / node ${process.version} (CPU)`] = measure(renderMarkdown, h, INPUTS, BUDGET_MS, cpuClock);
}
const browser = await launchProfile();
try {
  const page = await browser.page();
  const version = browser.context.browser()?.version() ?? 'chromium';
  for (const [label, source] of Object.entries(bundles)) {
    results[`${label} / chromium ${version} (wall)`] = await page.evaluate(async ({ source, inputs, budget, measureSource }) => {
      const module = await import(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
      const measureIn = new Function(`return ${measureSource}`)();
      const hyperscript = (type, props, ...children) => ({ type, props, children });
      return measureIn(module.renderMarkdown, hyperscript, inputs, budget, () => performance.now());
    }, { source, inputs: INPUTS, budget: BUDGET_MS, measureSource: measure.toString() });
  }
} finally {
  await browser.close();
}

const fmt = (ms) => `${ms.toFixed(3)} ms`;
for (const name of Object.keys(INPUTS)) {
  console.log(`\n${name}: mean of warm renders (their number; the first render)`);
  for (const [where, figures] of Object.entries(results)) {
    const { first, mean, runs } = figures[name];
    console.log(`  ${where.padEnd(44)} ${fmt(mean).padStart(11)} (${runs}; ${fmt(first)})`);
  }
}
if (modules.baseline) {
  console.log('\nratio current / baseline (mean of warm renders):');
  for (const env of ['node', 'chromium']) {
    const current = Object.entries(results).find(([k]) => k.startsWith(`current / ${env}`))[1];
    const baseline = Object.entries(results).find(([k]) => k.startsWith(`baseline / ${env}`))[1];
    for (const name of Object.keys(INPUTS)) {
      console.log(`  ${env.padEnd(9)} ${name.padEnd(36)} ${(current[name].mean / baseline[name].mean).toFixed(2)}x`);
    }
  }
}
