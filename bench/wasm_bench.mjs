// Benchmarks the wasm package in Node: ops/s for signing, verifying, event ids and BIP-39
// seeds, plus the package size. Mirrors the native datt_bench (bench/*.cpp) so that
// docs/performance.md can state the wasm/native ratio.
//   node bench/wasm_bench.mjs                        uses build/wasm/dist
//   DATT_WASM_DIST=build/wasm-x/dist node bench/wasm_bench.mjs
//   BENCH_SECONDS=2 BENCH_ROUNDS=5 node bench/wasm_bench.mjs
// Each case is warmed up, then timed in BENCH_ROUNDS rounds (default 3) of BENCH_SECONDS
// (default 1); the median round is reported in calls per CPU second (compare with
// datt_bench's median over --benchmark_repetitions=3), with the spread of the rounds and
// the wall-clock figure, since the machine may be shared.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const distDir = resolve(repoRoot, process.env.DATT_WASM_DIST ?? 'build/wasm/dist');
const measureSeconds = Number(process.env.BENCH_SECONDS ?? 1);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const warmupSeconds = 0.3;

let loadDatt;
try {
  ({ loadDatt } = await import(pathToFileURL(resolve(distDir, 'datt.mjs')).href));
} catch (error) {
  console.error(`wasm_bench: cannot load ${distDir}/datt.mjs (${error.message}).`);
  console.error('Build it first (npm run build) or point DATT_WASM_DIST at a built dist folder.');
  process.exit(1);
}
const datt = await loadDatt();

// Same inputs as bench/sample_event.h: a NIP-22 comment with 5 tags.
const template = {
  created_at: 1735689600,
  kind: 1111,
  tags: [
    ['e', '5c83da77af1dec6d7289834998ad7aafbd9e2191396d75ec3cc27f5a77226f36'],
    ['K', '1111'],
    ['k', '1111'],
    ['p', 'f7234bd4c1394dda46d09f35bd384dd30cc552ad5541990f98844fb06676e9ca'],
    ['t', 'bitcoin'],
  ],
  content: 'Agreed: keep the core pure.',
};
const secretKey = datt.hexToBytes('404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f');
const publicKey = datt.publicKey(secretKey);
const signer = datt.openSigner(secretKey);
const signedEvent = datt.signEvent(template, secretKey);
const signedJson = JSON.stringify(signedEvent);
const message = datt.hexToBytes(signedEvent.id);
const signature = datt.schnorrSign(message, secretKey);
const mnemonic = datt.entropyToMnemonic(new Uint8Array(16).fill(0x7f));

// Feed inputs: 10,000 posts to rank (a community page's set) and 1,000 signed votes.
const rankItems = Array.from({ length: 10000 }, (_, i) => ({
  id: (i * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(8),
  created_at: 1735689600 - i * 37, ups: (i * 7) % 50, downs: (i * 3) % 11,
}));
const votes = Array.from({ length: 1000 }, (_, i) => datt.signEvent({
  kind: 7, created_at: 1735689600 + (i % 5), content: i % 3 ? '+' : '-',
  tags: [['e', (i % 40).toString(16).padStart(64, '0')]],
}, secretKey));

function check(condition, what) {
  if (!condition) {
    console.error(`wasm_bench: ${what}`);
    process.exit(1);
  }
}
check(datt.verifyEvent(signedJson), 'the sample event does not verify');
check(datt.eventId(template, publicKey) === signedEvent.id, 'eventId disagrees with signEvent');
check(datt.schnorrVerify(message, publicKey, signature), 'the sample signature does not verify');

// Runs `fn` in growing batches until `seconds` of wall time have passed. Returns calls
// per second of this process's CPU time, as Google Benchmark reports items_per_second,
// so that other programs on a shared machine skew the figure less; and per wall second.
function runFor(seconds, fn) {
  const budget = BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let calls = 0;
  let batch = 1;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    elapsed = process.hrtime.bigint() - start;
    if (batch < 1024) batch *= 2;
  }
  const cpu = process.cpuUsage(cpuStart);
  return { cpu: calls / ((cpu.user + cpu.system) / 1e6), wall: calls / (Number(elapsed) / 1e9) };
}

// [name, the native benchmark it compares with, the call]
const cases = [
  ['signEvent', 'BM_EventSign', () => datt.signEvent(template, secretKey)],
  ['Signer.signEvent', 'BM_EventSign', () => signer.signEvent(template)],
  ['verifyEvent (JSON text)', 'BM_EventParseVerify', () => datt.verifyEvent(signedJson)],
  ['verifyEvent (object)', 'BM_EventParseVerify', () => datt.verifyEvent(signedEvent)],
  ['eventId', 'BM_EventId', () => datt.eventId(template, publicKey)],
  ['schnorrSign', 'BM_SchnorrSign', () => datt.schnorrSign(message, secretKey)],
  ['schnorrVerify', 'BM_SchnorrVerify', () => datt.schnorrVerify(message, publicKey, signature)],
  ['mnemonicToSeed', 'BM_Bip39Seed', () => datt.mnemonicToSeed(mnemonic, 'passphrase')],
  ['rank 10,000 items (hot)', '-', () => datt.rank(rankItems, 'hot', { now: 1735689600 })],
  ['tallyVotes 1,000 votes', '-', () => datt.tallyVotes(votes)],
];

console.log(`wasm benchmarks: ${distDir}`);
console.log(`node ${process.versions.node}; per case: ${warmupSeconds} s warm-up, median of ` +
  `${rounds} rounds of ${measureSeconds} s; ops per CPU second (spread; ops per wall second)`);
for (const [name, native, fn] of cases) {
  runFor(warmupSeconds, fn);
  const results = [];
  for (let round = 0; round < rounds; round++) results.push(runFor(measureSeconds, fn));
  const median = (key) => results.map((r) => r[key]).sort((a, b) => a - b)[results.length >> 1];
  const cpuFigures = results.map((r) => r.cpu);
  const spread = `${Math.min(...cpuFigures).toFixed(0)}..${Math.max(...cpuFigures).toFixed(0)}`;
  console.log(`${name.padEnd(24)} ${median('cpu').toFixed(0).padStart(8)} ops/s  ` +
    `(${spread.padEnd(13)}; wall ${median('wall').toFixed(0).padStart(6)})  native: ${native}`);
}

const files = ['datt_core.wasm', 'datt_core.mjs', 'datt.mjs'];
let total = 0;
for (const file of files) {
  const size = statSync(resolve(distDir, file)).size;
  total += size;
  console.log(`${file.padEnd(24)} ${String(size).padStart(8)} bytes`);
}
console.log(`${'package total'.padEnd(24)} ${String(total).padStart(8)} bytes ` +
  `(${(total / 1000).toFixed(1)} kB; issue target: <= 600 KB)`);
