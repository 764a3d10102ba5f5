// Issue 14's community figures in the browser against native, in one run:
//   1. datt.community.view over 10,000 items (a third posts, the rest comments under earlier
//      items) and 1,000 moderation log entries, in Chromium (wasm, the web app's own module
//      served by the relay) and in Node (wasm), next to native BM_CommunityView10kPosts1kLog;
//   2. NIP-13 mining, datt.community.mineStep 10,000 nonces per call (difficulty never met),
//      in a Chromium worker-free page, Node, and native BM_PowMine.
// The data has the shape of bench/community_bench.cpp (owner, 3 moderators, 50 users, a
// day of items, removals/approvals/locks/pins/bans by the moderators) from its own seeded
// generator; native runs its own copy of that shape.
//   node bench/community_web_bench.mjs [--runs N] [--datt-bench PATH]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDatt } from '../build/wasm/dist/datt.mjs';
import { freePort, launchProfile, requireBuilt, startAppRelay, tempDir } from '../tests/e2e/support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const RUNS = Number(arg('--runs', 5));
const DATT_BENCH = arg('--datt-bench', process.env.DATT_BENCH ?? path.join(root, 'build/native/bench/datt_bench'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

requireBuilt();
const datt = await loadDatt();

// A small seeded generator (xorshift32): the same data every run.
let seed = 14;
const random = () => {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed;
};
const key = (n) => {
  const bytes = new Uint8Array(32);
  bytes[31] = n;
  return bytes;
};
const pub = (n) => datt.publicKey(key(n));

console.log('signing 11,001 events...');
const owner = pub(1);
const address = `34550:${owner}:bench`;
const definition = datt.signEvent({ kind: 34550, created_at: 1, content: '',
  tags: [['d', 'bench'], ...[2, 3, 4].map((m) => ['p', pub(m), '', 'moderator'])] }, key(1));
const users = Array.from({ length: 50 }, (_, i) => pub(10 + i));
const items = [];
for (let i = 0; i < 10000; ++i) {
  const tags = [['A', address], ['K', '34550']];
  if (items.length && random() % 3 !== 0) tags.push(['e', items[random() % items.length].id]);
  items.push(datt.signEvent({ kind: 1111, created_at: 1700000000 + (random() % 86400), tags, content: `item ${i}` },
    key(10 + (random() % 50))));
}
const actions = ['remove', 'approve', 'lock', 'unlock', 'pin', 'unpin', 'ban', 'unban'];
const log = [];
for (let i = 0; i < 1000; ++i) {
  const action = actions[random() % actions.length];
  const target = action === 'ban' || action === 'unban' ? users[random() % users.length] : items[random() % items.length].id;
  const template = datt.community.moderationTemplate(action, address, target,
    { createdAt: 1700000000 + (random() % 86400), reason: 'reason' });
  log.push(datt.signEvent(template, key(2 + (random() % 3))));
}
const data = { definition: JSON.stringify(definition), log: log.map((e) => JSON.stringify(e)),
  items: items.map((e) => JSON.stringify(e)) };
const minePubkey = pub(10);
const mineTemplate = { kind: 1111, created_at: 1700000000, content: 'a sample comment to mine',
  tags: [['A', address], ['K', '34550'], ['e', items[0].id]] };

// Runs in Node (datt given) and, the same function serialized by page.evaluate, in the page.
async function measure({ data, mineTemplate, minePubkey, runs }, given = null) {
  const datt = given ?? await (await import('/wasm/datt.mjs')).loadDatt();
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const viewTimes = [];
  let shape = null;
  datt.community.view(data.definition, data.log, data.items);   // warm-up
  for (let r = 0; r < runs; ++r) {
    const t = performance.now();
    const view = datt.community.view(data.definition, data.log, data.items);
    viewTimes.push(performance.now() - t);
    shape = { posts: view.posts.length, comments: view.comments.length, removed: view.removed.length, log: view.log.length };
  }
  // What the binding does before the view itself: every event crosses as JSON and goes
  // through Event::parse, which checks its id and signature (the native figure starts from
  // parsed events).
  const verifyTimes = [];
  for (let r = 0; r < Math.min(runs, 3); ++r) {
    const t = performance.now();
    datt.verifyEvent(data.definition);
    for (const e of data.log) datt.verifyEvent(e);
    for (const e of data.items) datt.verifyEvent(e);
    verifyTimes.push(performance.now() - t);
  }
  const rates = [];
  datt.community.mineStep(minePubkey, mineTemplate, 256, 0, 10000);
  for (let r = 0; r < runs; ++r) {
    let hashes = 0;
    const t = performance.now();
    while (performance.now() - t < 1000) hashes += datt.community.mineStep(minePubkey, mineTemplate, 256, hashes, 10000).tried;
    rates.push(hashes / ((performance.now() - t) / 1000));
  }
  return { verifyMs: median(verifyTimes), viewMs: median(viewTimes), viewSpread: [Math.min(...viewTimes), Math.max(...viewTimes)], rate: median(rates),
    rateSpread: [Math.min(...rates), Math.max(...rates)], shape };
}

const input = { data, mineTemplate, minePubkey, runs: RUNS };

console.log('native (datt_bench)...');
let native = null;
if (existsSync(DATT_BENCH)) {
  const out = JSON.parse(execFileSync(DATT_BENCH, ['--benchmark_filter=BM_CommunityView10kPosts1kLog|BM_PowMine',
    '--benchmark_repetitions=3', '--benchmark_report_aggregates_only=true', '--benchmark_format=json'], { encoding: 'utf8' }));
  const med = (name) => out.benchmarks.find((b) => b.run_name === name && b.aggregate_name === 'median');
  const view = med('BM_CommunityView10kPosts1kLog');
  const pow = med('BM_PowMine');
  const unit = { ns: 1e-6, us: 1e-3, ms: 1 };
  // Wall time, as the wasm figures are (the machine is shared: CPU time would flatter native).
  native = { viewMs: view.real_time * unit[view.time_unit], viewCpuMs: view.cpu_time * unit[view.time_unit],
    rate: pow.items_per_second ? pow.items_per_second * (pow.cpu_time / pow.real_time) : null };
} else {
  console.log(`  ${DATT_BENCH} missing: build it (bash scripts/build.sh native) or pass --datt-bench`);
}

console.log('wasm in Node...');
const nodeResult = await measure(input, datt);

console.log('wasm in Chromium...');
const port = await freePort();
const relay = await startAppRelay({ port, dir: tempDir('datt-bench-community-') });
const browser = await launchProfile();
let chromium;
try {
  const page = await browser.page();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('html[data-ready=true]', { timeout: 30000 });
  chromium = await page.evaluate(measure, input);
} finally {
  await browser.close();
  await relay.stop();
}

const ms = (x) => `${x.toFixed(1)} ms`;
const rate = (x) => `${(x / 1e6).toFixed(2)} M hashes/s`;
console.log(`\nview shape: ${JSON.stringify(chromium.shape)}; median of ${RUNS} runs`);
console.log('| where | community view (10,000 items, 1,000 log), wall | of which: verifyEvent of the 11,001 events | PoW mineStep rate, wall |');
console.log('|---|---:|---:|---:|');
if (native) console.log(`| native (datt_bench, parsed events) | ${ms(native.viewMs)} (CPU ${ms(native.viewCpuMs)}) | - | ${native.rate ? rate(native.rate) : '?'} |`);
console.log(`| wasm, Node ${process.versions.node} | ${ms(nodeResult.viewMs)} (${nodeResult.viewSpread.map(ms).join('-')}) | ${ms(nodeResult.verifyMs)} | ${rate(nodeResult.rate)} |`);
console.log(`| wasm, Chromium | ${ms(chromium.viewMs)} (${chromium.viewSpread.map(ms).join('-')}) | ${ms(chromium.verifyMs)} | ${rate(chromium.rate)} |`);
if (native) {
  console.log(`ratios to native (time for the view, rate for mining): view Chromium ${(chromium.viewMs / native.viewMs).toFixed(2)}x slower, ` +
    `Node ${(nodeResult.viewMs / native.viewMs).toFixed(2)}x; mining Chromium ${(chromium.rate / native.rate).toFixed(2)}x, ` +
    `Node ${(nodeResult.rate / native.rate).toFixed(2)}x of native`);
}
