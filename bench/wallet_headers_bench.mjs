// The browser wallet's header sync (web/src/wallet/sync.js) in headless Chromium, without
// the network: 10,000 regtest headers mined here (tests/support/bitcoin.mjs) are verified
// from genesis in wasm in the sync's 500-header steps (datt.bitcoin.extendHeaderChain:
// proof of work, linkage, retarget rules), their hashes taken from the next header's
// prevBlock as the sync does, and stored with the chain state in IndexedDB, one transaction
// per step, as wallet/store.js storeChain() writes them. Prints the median of --runs runs.
//   node bench/wallet_headers_bench.mjs [--headers N] [--runs N]
import { GENESIS } from '../tests/relay/bitcoin_support.mjs';
import { concatBytes, mineRegtestHeaders } from '../tests/support/bitcoin.mjs';
import { freePort, launchProfile, requireBuilt, startAppRelay, tempDir } from '../tests/e2e/support.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const COUNT = arg('--headers', 10000);
const RUNS = arg('--runs', 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

requireBuilt();
console.log(`mining ${COUNT} regtest headers...`);
const headers = concatBytes(mineRegtestHeaders(new Uint8Array(GENESIS), COUNT, { time: 1700000000 }));
const port = await freePort();
const relay = await startAppRelay({ port, dir: tempDir('datt-wallet-bench-') });
const browser = await launchProfile();
try {
  const page = await browser.page();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('html[data-ready=true]');
  const results = [];
  for (let run = 0; run < RUNS; ++run) {
    results.push(await page.evaluate(async ({ hex, run }) => {
      const { loadDatt } = await import('/wasm/datt.mjs');
      const datt = await loadDatt({ payments: true });
      const raw = Uint8Array.from(hex.match(/../g), (h) => parseInt(h, 16));
      const db = await new Promise((resolve, reject) => {
        const request = indexedDB.open(`bench-headers-${run}`, 1);
        request.onupgradeneeded = () => {
          request.result.createObjectStore('meta', { keyPath: 'key' });
          request.result.createObjectStore('headers', { keyPath: 'height' });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
      const btc = datt.bitcoin;
      let verifyMs = 0;
      const start = performance.now();
      let state = btc.headerChainGenesis('bcoin-regtest');
      let height = 0;
      for (let at = 0; at < raw.length; at += 500 * 80) {
        const chunk = raw.subarray(at, Math.min(raw.length, at + 500 * 80));
        const t = performance.now();
        const update = btc.extendHeaderChain('bcoin-regtest', state, chunk, { now: Math.floor(Date.now() / 1000) });
        verifyMs += performance.now() - t;
        if (update.failure) throw new Error(update.failure.message);
        const rows = [];
        for (let i = 0; i < update.accepted; ++i) {
          rows.push({ height: height + 1 + i, hash: i + 1 < update.accepted
            ? toHex(chunk.slice((i + 1) * 80 + 4, (i + 1) * 80 + 36).reverse()) : update.tipHash });
        }
        state = update.state;
        height = update.height;
        const tx = db.transaction(['meta', 'headers'], 'readwrite');
        for (const row of rows) tx.objectStore('headers').put(row);
        tx.objectStore('meta').put({ key: 'chain', state, height, tipHash: update.tipHash });
        await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onabort = () => reject(tx.error); });
      }
      const totalMs = performance.now() - start;
      db.close();
      indexedDB.deleteDatabase(`bench-headers-${run}`);
      return { height, verifyMs, totalMs };
    }, { hex: Buffer.from(headers).toString('hex'), run }));
  }
  const verify = median(results.map((r) => r.verifyMs));
  const total = median(results.map((r) => r.totalMs));
  console.log(`header sync in Chromium, ${COUNT} headers to height ${results[0].height}, median of ${RUNS}:`);
  console.log(`  verification in wasm (extendHeaderChain, 500 per call): ${verify.toFixed(1)} ms (${Math.round(COUNT / verify * 1000)} headers/s)`);
  console.log(`  verification + hashes + IndexedDB (one transaction per 500): ${total.toFixed(1)} ms (target <= 1000 ms)`);
} finally {
  await browser.close();
  await relay.stop();
}
