// Tips verified per second in the browser (issue 12 item 6): `datt.tips.verify` on the
// scenario of bench/wasm_bench.mjs (a tip event and its payout event, two BIP-340
// verifications, the payment at position 1,234 of a 2,000-transaction block's merkle proof,
// 6 confirmations on a header chain), run in headless Chromium on the wasm package the
// relay serves, and in this Node process on the same files, in one run, for the ratio.
//   node bench/tips_browser_bench.mjs [--seconds 1] [--rounds 3]
// Figures are calls per wall second, median of the rounds (a page has no CPU clock).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { freePort, launchProfile, requireBuilt, startAppRelay, tempDir, WASM_ROOT } from '../tests/e2e/support.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('--seconds', 1);
const ROUNDS = arg('--rounds', 3);

requireBuilt();
const here = path.dirname(fileURLToPath(import.meta.url));
const scenario = JSON.parse(execFileSync(process.execPath, [path.join(here, 'wasm_bench.mjs')], {
  env: { ...process.env, BENCH_PRINT_TIP_SCENARIO: '1', DATT_WASM_DIST: WASM_ROOT }, encoding: 'utf8',
}).trim().split('\n').pop());

// The measuring function runs in both places as source text, so both time the same loop.
const measure = async ({ scenario: s, seconds, rounds, moduleUrl }) => {
  const { loadDatt } = await import(moduleUrl);
  const datt = await loadDatt({ payments: true });
  const bytes = (hex) => datt.hexToBytes(hex);
  const evidence = { network: s.evidence.network, state: bytes(s.evidence.state),
    transaction: bytes(s.evidence.transaction), proof: bytes(s.evidence.proof), headers: bytes(s.evidence.headers) };
  const verdict = datt.tips.verify(s.tipJson, evidence);
  if (verdict.confirmations !== 6) throw new Error(`the tip does not verify: ${JSON.stringify(verdict)}`);
  const run = (ms) => {
    const start = performance.now();
    let calls = 0;
    while (performance.now() - start < ms) { datt.tips.verify(s.tipJson, evidence); calls += 1; }
    return calls / ((performance.now() - start) / 1000);
  };
  run(300);
  const results = [];
  for (let r = 0; r < rounds; r += 1) results.push(run(seconds * 1000));
  return results.sort((a, b) => a - b);
};

const port = await freePort();
const relay = await startAppRelay({ port, dir: tempDir('datt-tips-bench-') });
const browser = await launchProfile();
try {
  const page = await browser.page();
  await page.goto(`http://127.0.0.1:${port}/`);
  const args = { scenario, seconds: SECONDS, rounds: ROUNDS };
  const inBrowser = await page.evaluate(`(${measure})(${JSON.stringify({ ...args, moduleUrl: '/wasm/datt.mjs' })})`);
  const inNode = await measure({ ...args, moduleUrl: pathToFileURL(path.join(WASM_ROOT, 'datt.mjs')).href });
  const median = (xs) => xs[Math.floor(xs.length / 2)];
  const fmt = (x) => Math.round(x).toLocaleString('en-US');
  console.log(`tips.verify, calls per wall second, median of ${ROUNDS} rounds of ${SECONDS} s (all rounds)`);
  console.log(`  Chromium ${browser.context.browser()?.version() ?? ''}: ${fmt(median(inBrowser))}/s (${inBrowser.map(fmt).join(', ')})`);
  console.log(`  Node ${process.versions.node}: ${fmt(median(inNode))}/s (${inNode.map(fmt).join(', ')})`);
  console.log(`  browser / Node: ${(median(inBrowser) / median(inNode)).toFixed(2)}`);
} finally {
  await browser.close();
  await relay.stop();
}
