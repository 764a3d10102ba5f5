// The browser wallet's header sync (web/src/wallet/sync.js) in headless Chromium, without
// the network: 10,000 regtest headers mined here (tests/support/bitcoin.mjs) are verified
// from genesis in wasm in the sync's 500-header steps (datt.bitcoin.extendHeaderChain:
// proof of work, linkage, retarget rules) and stored with the chain state in IndexedDB, one
// transaction per step, in two layouts measured in the same session:
//   v1    one row {height, hash} per height (the store before database version 2), the
//         hashes taken from the next header's prevBlock as the v1 sync did;
//   v2    wallet/store.js storeChain() itself (bundled here with esbuild): the raw headers
//         in rows of HEADERS_PER_CHUNK, the partly filled chunk rewritten each step.
// Then reads by height: 200 random heights' hashes (v1: one get; v2: readHeaderHash).
// Prints the median of --runs runs of each.
//   node bench/wallet_headers_bench.mjs [--headers N] [--runs N]
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENESIS } from '../tests/relay/bitcoin_support.mjs';
import { concatBytes, mineRegtestHeaders } from '../tests/support/bitcoin.mjs';
import { freePort, launchProfile, requireBuilt, startAppRelay, tempDir } from '../tests/e2e/support.mjs';
import { HEADERS_PER_CHUNK } from '../web/src/wallet/records.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const COUNT = arg('--headers', 10000);
const RUNS = arg('--runs', 5);
const READS = 200;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

requireBuilt();
const bundle = await build({
  entryPoints: [path.join(root, 'web', 'src', 'wallet', 'store.js')], bundle: true, write: false, format: 'iife',
  globalName: 'walletStore', target: ['chrome100'], logLevel: 'warning',
});
console.log(`mining ${COUNT} regtest headers...`);
const headers = concatBytes(mineRegtestHeaders(new Uint8Array(GENESIS), COUNT, { time: 1700000000 }));
const port = await freePort();
const relay = await startAppRelay({ port, dir: tempDir('datt-wallet-bench-') });
const browser = await launchProfile();
try {
  const page = await browser.page();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('html[data-ready=true]');
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  const results = { v1: [], v2: [] };
  for (let run = 0; run < RUNS; ++run) {
    for (const layout of ['v1', 'v2']) {
      results[layout].push(await page.evaluate(async ({ hex, run, layout, reads }) => {
        const { loadDatt } = await import('/wasm/datt.mjs');
        const datt = await loadDatt({ payments: true });
        const store = globalThis.walletStore;
        const raw = Uint8Array.from(hex.match(/../g), (h) => parseInt(h, 16));
        const name = `bench-headers-${layout}-${run}`;
        const db = layout === 'v2' ? await store.openWalletDatabase(name) : await new Promise((resolve, reject) => {
          const request = indexedDB.open(name, 1);
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
        let chain = { network: 'bcoin-regtest', state, height, tipHash: btc.headerChainInfo('bcoin-regtest', state).tipHash };
        if (layout === 'v2') await store.storeChain(db, chain, 0, new Uint8Array(80));
        for (let at = 0; at < raw.length; at += 500 * 80) {
          const chunk = raw.subarray(at, Math.min(raw.length, at + 500 * 80));
          const t = performance.now();
          const update = btc.extendHeaderChain('bcoin-regtest', state, chunk, { now: Math.floor(Date.now() / 1000) });
          verifyMs += performance.now() - t;
          if (update.failure) throw new Error(update.failure.message);
          const from = height + 1;
          state = update.state;
          height = update.height;
          chain = { network: 'bcoin-regtest', state, height, tipHash: update.tipHash };
          if (layout === 'v2') {
            await store.storeChain(db, chain, from, chunk.subarray(0, update.accepted * 80));
            continue;
          }
          const rows = [];
          for (let i = 0; i < update.accepted; ++i) {
            rows.push({ height: from + i, hash: i + 1 < update.accepted
              ? toHex(chunk.slice((i + 1) * 80 + 4, (i + 1) * 80 + 36).reverse()) : update.tipHash });
          }
          const tx = db.transaction(['meta', 'headers'], 'readwrite');
          for (const row of rows) tx.objectStore('headers').put(row);
          tx.objectStore('meta').put({ key: 'chain', ...chain });
          await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onabort = () => reject(tx.error); });
        }
        const totalMs = performance.now() - start;
        // Reads by height (the wallet's confirmation check and the tip verifier do these).
        const heights = Array.from({ length: reads }, (_, i) => 1 + ((i * 7919) % (height - 1)));
        const hashes = [];
        const r0 = performance.now();
        for (const h of heights) {
          hashes.push(layout === 'v2' ? await store.readHeaderHash(db, chain, h)
            : await new Promise((resolve) => { db.transaction('headers').objectStore('headers').get(h).onsuccess = (e) => resolve(e.target.result.hash); }));
        }
        const readMs = (performance.now() - r0) / reads;
        db.close();
        indexedDB.deleteDatabase(name);
        return { height, verifyMs, totalMs, readMs, check: hashes.slice(0, 3).join(',') };
      }, { hex: Buffer.from(headers).toString('hex'), run, layout, reads: READS }));
    }
  }
  if (results.v1[0].check !== results.v2[0].check) throw new Error(`the layouts disagree on hashes: ${results.v1[0].check} / ${results.v2[0].check}`);
  console.log(`header sync in Chromium, ${COUNT} headers to height ${results.v2[0].height}, median of ${RUNS} (both layouts, same session):`);
  for (const layout of ['v1', 'v2']) {
    const verify = median(results[layout].map((r) => r.verifyMs));
    const total = median(results[layout].map((r) => r.totalMs));
    const read = median(results[layout].map((r) => r.readMs));
    const label = layout === 'v1' ? 'v1, one row per height' : `v2, wallet/store.js chunks of ${HEADERS_PER_CHUNK}`;
    console.log(`  ${label}: verification ${verify.toFixed(1)} ms; verification + IndexedDB (one transaction per 500) ${total.toFixed(1)} ms (target <= 1000 ms); a hash by height ${read.toFixed(2)} ms`);
  }
  const ratio = median(results.v1.map((r) => r.totalMs)) / median(results.v2.map((r) => r.totalMs));
  console.log(`  v2 syncs ${ratio.toFixed(1)}x faster than v1`);
} finally {
  await browser.close();
  await relay.stop();
}
