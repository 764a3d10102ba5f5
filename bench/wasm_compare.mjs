// Compares wasm builds of the package in ONE process on the hot paths (event id, event
// verify, Schnorr verify, header verification), so that a size flag's speed cost is measured
// as a ratio of figures taken side by side under the same load (docs/performance.md, "Size").
// Rounds alternate between the builds (A B A B ...); each figure is the median round in calls
// per CPU second, and the ratio is each build's median over the first build's.
//   node bench/wasm_compare.mjs build/wasm/dist build/wasm-o3/dist [more dists]
//   BENCH_SECONDS=1 BENCH_ROUNDS=5 node bench/wasm_compare.mjs A B
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dists = process.argv.slice(2).map((dir) => resolve(dir));
if (dists.length < 2) {
  console.error('usage: node bench/wasm_compare.mjs DIST_A DIST_B [DIST_C ...]');
  process.exit(2);
}
const measureSeconds = Number(process.env.BENCH_SECONDS ?? 0.5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

// The sample of bench/sample_event.h (a NIP-22 comment with 5 tags), as in wasm_bench.mjs.
const template = {
  created_at: 1735689600,
  kind: 1111,
  tags: [
    ['e', '5c83da77af1dec6d7289834998ad7aafbd9e2191396d75ec3cc27f5a77226f36'],
    ['K', '1111'], ['k', '1111'],
    ['p', 'f7234bd4c1394dda46d09f35bd384dd30cc552ad5541990f98844fb06676e9ca'],
    ['t', 'bitcoin'],
  ],
  content: 'Agreed: keep the core pure.',
};
const secretHex = '404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f';

async function load(dir) {
  const { loadDatt } = await import(pathToFileURL(resolve(dir, 'datt.mjs')).href);
  const datt = await loadDatt();
  // Builds since the split load core/bitcoin as a second module (datt_pay.wasm); older ones
  // have it in the core.
  if (datt.loadPayments) await datt.loadPayments();
  const secretKey = datt.hexToBytes(secretHex);
  const publicKey = datt.publicKey(secretKey);
  const signed = datt.signEvent(template, secretKey);
  const json = JSON.stringify(signed);
  const message = datt.hexToBytes(signed.id);
  const signature = datt.schnorrSign(message, secretKey);
  // 10,000 regtest headers mined with this build's own hashing (every build gets the same bytes).
  const btc = datt.bitcoin;
  const headers = new Uint8Array(10000 * 80);
  const view = new DataView(headers.buffer);
  let prev = datt.hexToBytes(btc.network('regtest').genesisHash).reverse();
  for (let i = 0; i < 10000; i++) {
    const at = i * 80;
    view.setInt32(at, 4, true);
    headers.set(prev, at + 4);
    headers.set(btc.sha256(new TextEncoder().encode(`bench ${i}`)), at + 36);
    view.setUint32(at + 68, 1296688603 + i, true);
    view.setUint32(at + 72, 0x207fffff, true);
    for (let nonce = 0; ; nonce++) {
      view.setUint32(at + 76, nonce, true);
      const hash = btc.sha256(btc.sha256(headers.subarray(at, at + 80)));
      if (hash[31] < 0x7f) { prev = hash; break; }
    }
  }
  const genesis = btc.headerChainGenesis('regtest');
  // A signed 1-input, 2-output P2WPKH spend (as bench/wasm_bench.mjs "btc P2WPKH verifyInput").
  const btcKey = datt.hexToBytes('01'.repeat(32));
  const prevout = { scriptPubKey: btc.p2wpkhScript(btc.publicKey(btcKey)), amount: 100000n };
  const spend = {
    version: 2, locktime: 0, inputs: [{ txid: '11'.repeat(32), vout: 0, sequence: 0xfffffffd }],
    outputs: [{ value: 60000n, scriptPubKey: btc.p2wpkhScript(new Uint8Array(20).fill(2)) },
      { value: 39000n, scriptPubKey: btc.p2wpkhScript(new Uint8Array(20).fill(3)) }],
  };
  const signedSpend = btc.serializeTransaction({ ...spend, inputs: [{ ...spend.inputs[0],
    witness: btc.signP2wpkhInput(btc.serializeTransaction(spend), 0, prevout.amount, btcKey) }] });
  const checks = [
    datt.eventId(template, publicKey) === signed.id,
    datt.verifyEvent(json) === true,
    datt.schnorrVerify(message, publicKey, signature) === true,
    btc.extendHeaderChain('regtest', genesis, headers).height === 10000,
    btc.verifyInput(signedSpend, 0, prevout).valid === true,
  ];
  if (checks.includes(false)) throw new Error(`${dir}: a sample does not verify (${checks})`);
  // The core package (tests/wasm/size.test.mjs): datt_common.mjs exists since the split.
  const size = ['datt_core.wasm', 'datt_core.mjs', 'datt.mjs', 'datt_common.mjs']
    .reduce((sum, f) => sum + (existsSync(resolve(dir, f)) ? statSync(resolve(dir, f)).size : 0), 0);
  return {
    dir, size,
    cases: {
      'eventId': () => datt.eventId(template, publicKey),
      'verifyEvent (JSON text)': () => datt.verifyEvent(json),
      'schnorrVerify': () => datt.schnorrVerify(message, publicKey, signature),
      'signEvent': () => datt.signEvent(template, secretKey),
      'btc 10,000 headers': () => btc.extendHeaderChain('regtest', genesis, headers),
      'btc P2WPKH verifyInput': () => btc.verifyInput(signedSpend, 0, prevout),
    },
  };
}

function runFor(seconds, fn) {
  const budget = BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let calls = 0;
  let batch = 1;
  while (process.hrtime.bigint() - start < budget) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    if (batch < 1024) batch *= 2;
  }
  const cpu = process.cpuUsage(cpuStart);
  return calls / ((cpu.user + cpu.system) / 1e6);
}

const builds = [];
for (const dir of dists) builds.push(await load(dir));
console.log(`wasm_compare: node ${process.versions.node}; ${rounds} alternating rounds of ${measureSeconds} s per case ` +
  'and build; median ops per CPU second; ratio to the first build');
builds.forEach((b, i) => console.log(`  [${String.fromCharCode(65 + i)}] ${b.dir}: package ${b.size} B`));
for (const name of Object.keys(builds[0].cases)) {
  for (const b of builds) runFor(0.2, b.cases[name]);
  const figures = builds.map(() => []);
  for (let round = 0; round < rounds; round++) {
    builds.forEach((b, i) => figures[i].push(runFor(measureSeconds, b.cases[name])));
  }
  const medians = figures.map((f) => f.sort((x, y) => x - y)[f.length >> 1]);
  console.log(`${name.padEnd(24)} ` + medians.map((m, i) =>
    `[${String.fromCharCode(65 + i)}] ${m.toFixed(m < 100 ? 2 : 0).padStart(8)}/s ${(m / medians[0]).toFixed(2)}x`).join('   '));
}
