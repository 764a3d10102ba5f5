// The wallet database's header chunks (web/src/wallet/store.js, version 2) on Chromium's real
// IndexedDB: headers stored in 500-header steps across chunk boundaries read back byte for
// byte by range, hashes by height from the next header's prevBlock (the tip's from the chain
// record), a chain cut back and extended (stale chunks gone), a reset, a tampered chunk
// refused, and the upgrade of a version 1 database (hash rows and the chain dropped, the
// wallet's transactions kept, the tips store added). Beside it, on the same page, the
// channels database's invoice pruning (web/src/channels/store.js pruneInvoices): one
// transaction reads the channels and invoices and deletes exactly the invoices chosen.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';

import { HEADERS_PER_CHUNK } from '../../web/src/wallet/records.js';
import { freePort, launchProfile, requireBuilt, startAppRelay, tempDir } from './support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const T = { timeout: 60000 };
let relay;
let browser;
let page;

before(async () => {
  requireBuilt();
  const bundle = (store, globalName) => build({
    entryPoints: [path.join(root, 'web', 'src', store, 'store.js')], bundle: true, write: false, format: 'iife',
    globalName, target: ['chrome100'], logLevel: 'warning',
  });
  const bundles = [await bundle('wallet', 'walletStore'), await bundle('channels', 'channelStore')];
  const port = await freePort();
  relay = await startAppRelay({ port, dir: tempDir('datt-e2e-wallet-store-') });
  browser = await launchProfile();
  page = await browser.page();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('html[data-ready=true]', T);
  for (const b of bundles) await page.addScriptTag({ content: b.outputFiles[0].text });
});

after(async () => {
  await browser?.close();
  await relay?.stop();
});

const HEIGHT = 2600;
const headers = randomBytes((HEIGHT + 1) * 80);
headers.fill(0, 0, 80);   // height 0's slot
const hex = (b) => Buffer.from(b).toString('hex');
const prevHash = (height) => hex(Buffer.from(headers.subarray(height * 80 + 4, height * 80 + 36)).reverse());

test('headers in 500-header steps across chunks read back by range and by height', T, async () => {
  const out = await page.evaluate(async ({ all, height }) => {
    const s = globalThis.walletStore;
    const raw = Uint8Array.from(all.match(/../g), (h) => parseInt(h, 16));
    const db = await s.openWalletDatabase('store-steps');
    const chainAt = (h) => ({ network: 'bcoin-regtest', state: new Uint8Array(158), height: h, tipHash: 'ee'.repeat(32) });
    await s.storeChain(db, chainAt(0), 0, raw.subarray(0, 80));
    for (let h = 1; h <= height; h += 500) {
      const end = Math.min(height, h + 499);
      await s.storeChain(db, chainAt(end), h, raw.subarray(h * 80, (end + 1) * 80));
    }
    const chain = chainAt(height);
    const toHex = (b) => (b ? Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('') : null);
    const rows = await new Promise((resolve) => { db.transaction('headerChunks').objectStore('headerChunks').count().onsuccess = (e) => resolve(e.target.result); });
    const result = {
      rows,
      read: {},
      hashes: {},
      past: toHex(await s.readHeaders(db, chain, 2600, 2601)),
    };
    for (const [a, b] of [[1, 1], [999, 1001], [998, 2001], [2500, 2600], [1, 2600]]) result.read[`${a}-${b}`] = toHex(await s.readHeaders(db, chain, a, b));
    for (const h of [0, 1, 999, 1000, 1999, 2599, 2600]) result.hashes[h] = await s.readHeaderHash(db, chain, h);
    db.close();
    return result;
  }, { all: hex(headers), height: HEIGHT });
  assert.equal(out.rows, Math.ceil((HEIGHT + 1) / HEADERS_PER_CHUNK), 'heights 0..2600 in rows of HEADERS_PER_CHUNK');
  assert.ok(out.rows > 3, 'the test crosses several chunk boundaries');
  for (const key of Object.keys(out.read)) {
    const [a, b] = key.split('-').map(Number);
    assert.equal(out.read[key], hex(headers.subarray(a * 80, (b + 1) * 80)), key);
  }
  assert.equal(out.past, null, 'past the tip');
  for (const h of [0, 1, 999, 1000, 1999, 2599]) assert.equal(out.hashes[h], prevHash(h + 1), `hash at ${h}`);
  assert.equal(out.hashes[2600], 'ee'.repeat(32), 'the tip\'s hash is the chain record\'s');
});

test('a chain cut back and extended, a reset, and a tampered chunk', T, async () => {
  const replacement = randomBytes(300 * 80);
  const out = await page.evaluate(async ({ repl, tampered }) => {
    const s = globalThis.walletStore;
    const bytes = Uint8Array.from(repl.match(/../g), (h) => parseInt(h, 16));
    const db = await s.openWalletDatabase('store-steps');
    const toHex = (b) => (b ? Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('') : null);
    const count = () => new Promise((resolve) => { db.transaction('headerChunks').objectStore('headerChunks').count().onsuccess = (e) => resolve(e.target.result); });
    // Another branch from height 1500: 300 headers replace 1500..2600.
    const chain = { network: 'bcoin-regtest', state: new Uint8Array(158), height: 1799, tipHash: 'dd'.repeat(32) };
    await s.storeChain(db, chain, 1500, bytes);
    const result = { rowsAfterCut: await count(), kept: toHex(await s.readHeaders(db, chain, 1498, 1499)),
      replaced: toHex(await s.readHeaders(db, chain, 1500, 1799)) };
    // A chunk changed behind the store's back: reads through it fail instead of returning junk.
    await new Promise((resolve) => {
      const tx = db.transaction('headerChunks', 'readwrite');
      tx.objectStore('headerChunks').put({ chunk: tampered, raw: new Uint8Array(81) });
      tx.oncomplete = resolve;
    });
    result.tampered = toHex(await s.readHeaders(db, chain, 1500, 1501));
    result.tamperedHash = await s.readHeaderHash(db, chain, 1499);   // reads header 1500
    result.untouched = toHex(await s.readHeaders(db, chain, 10, 10)) !== null;
    await s.storeChain(db, { network: 'none', state: new Uint8Array(1), height: 0, tipHash: '00'.repeat(32) }, 0, new Uint8Array(0));
    result.rowsAfterReset = await count();
    db.close();
    return result;
  }, { repl: hex(replacement), tampered: Math.floor(1500 / HEADERS_PER_CHUNK) });
  assert.equal(out.rowsAfterCut, Math.floor(1799 / HEADERS_PER_CHUNK) + 1, 'the chunks past the new tip are gone');
  assert.equal(out.kept, hex(headers.subarray(1498 * 80, 1500 * 80)));
  assert.equal(out.replaced, hex(replacement));
  assert.equal(out.tampered, null);
  assert.equal(out.tamperedHash, null);
  assert.equal(out.untouched, true);
  assert.equal(out.rowsAfterReset, 0);
});

test('upgrading a version 1 database drops the hash rows and the chain, keeps the wallet', T, async () => {
  const out = await page.evaluate(async () => {
    const s = globalThis.walletStore;
    await new Promise((resolve, reject) => {
      const request = indexedDB.open('store-v1', 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore('meta', { keyPath: 'key' });
        db.createObjectStore('headers', { keyPath: 'height' });
        db.createObjectStore('txs', { keyPath: 'txid' });
        db.createObjectStore('coins', { keyPath: ['txid', 'vout'] });
      };
      request.onsuccess = () => {
        const db = request.result;
        const tx = db.transaction(['meta', 'headers', 'txs'], 'readwrite');
        tx.objectStore('meta').put({ key: 'chain', network: 'bcoin-regtest', state: new Uint8Array(158), height: 1, tipHash: 'aa'.repeat(32) });
        tx.objectStore('meta').put({ key: 'account', network: 'bcoin-regtest', xpub: 'x', fingerprint: '00000000' });
        tx.objectStore('headers').put({ height: 1, hash: 'aa'.repeat(32) });
        tx.objectStore('txs').put({ txid: 'bb'.repeat(32), status: 'confirmed', height: 1, block: 'aa'.repeat(32), seenAt: 1, fee: null });
        tx.oncomplete = () => { db.close(); resolve(); };
        tx.onabort = () => reject(tx.error);
      };
      request.onerror = () => reject(request.error);
    });
    const db = await s.openWalletDatabase('store-v1');
    const get = (store, key) => new Promise((resolve) => { db.transaction(store).objectStore(store).get(key).onsuccess = (e) => resolve(e.target.result ?? null); });
    const result = { version: db.version, stores: [...db.objectStoreNames].sort(), chain: await get('meta', 'chain'),
      account: (await get('meta', 'account'))?.xpub ?? null, tx: (await get('txs', 'bb'.repeat(32)))?.status ?? null,
      chainRead: await s.readChain(db, 'bcoin-regtest') };
    db.close();
    return result;
  });
  assert.equal(out.version, 2);
  assert.deepEqual(out.stores, ['coins', 'headerChunks', 'meta', 'tips', 'txs']);
  assert.equal(out.chain, null);
  assert.equal(out.chainRead, null);
  assert.equal(out.account, 'x');
  assert.equal(out.tx, 'confirmed');
  assert.deepEqual(browser.errors.filter((e) => !/favicon/.test(e)), []);
});

// The bridge tells of a sent payment's change output while the wallet is still recording
// the payment: the notice's bare record must never replace the wallet's own (its fee, payees
// and unsigned form: the Wallet page's bump form shows only for such a record).
test('a payment notice never overwrites the wallet\'s own record of a send; a confirmation keeps every field', T, async () => {
  const out = await page.evaluate(async () => {
    const s = globalThis.walletStore;
    const db = await s.openWalletDatabase('store-race');
    const id = (c) => c.repeat(64);
    const sent = (txid) => ({ txid, status: 'pending', height: null, block: null, seenAt: 2, fee: 141n,
      unsigned: { fee: 141n }, payees: [{ address: 'bcrt1qpayee', value: 7000n }] });
    const notice = (txid) => ({ tx: { txid, status: 'pending', height: null, block: null, seenAt: 3, fee: null },
      coin: { txid, vout: 1, value: 5000n, scriptPubKey: Uint8Array.from([0, 20, ...new Array(20).fill(7)]),
        path: "m/84'/1'/0'/1/0", spentBy: null } });
    const row = (txid) => new Promise((resolve) => { db.transaction('txs').objectStore('txs').get(txid).onsuccess = (e) => resolve(e.target.result); });
    const summary = (r) => ({ fee: String(r.fee), unsigned: !!r.unsigned, payees: r.payees?.length ?? 0, status: r.status,
      height: r.height, refused: r.refusedBump?.txid ?? null });
    // Notice after the send's record, notice before it, and both in flight at once.
    await s.putRecords(db, { txs: [sent(id('a'))] });
    const newCoin = await s.recordPayment(db, notice(id('a')));
    const again = await s.recordPayment(db, notice(id('a')));
    await s.recordPayment(db, notice(id('b')));
    await s.putRecords(db, { txs: [sent(id('b'))] });
    await Promise.all([s.recordPayment(db, notice(id('c'))), s.putRecords(db, { txs: [sent(id('c'))] })]);
    await Promise.all([s.putRecords(db, { txs: [sent(id('d'))] }), s.recordPayment(db, notice(id('d')))]);
    const coins = (await s.readWallet(db)).coins.length;
    // A confirmation read and written at once keeps a refused bump written just before it.
    await s.putRecords(db, { txs: [{ ...sent(id('a')), refusedBump: { txid: id('e'), fee: 300n, unsigned: { fee: 300n }, payees: [],
      transaction: new Uint8Array(10) } }] });
    const confirmed = await s.confirmTx(db, id('a'), 150, id('f'));
    const unknown = await s.confirmTx(db, id('9'), 150, id('f'));
    const result = { newCoin, again, coins, confirmed, unknown,
      rows: Object.fromEntries(await Promise.all(['a', 'b', 'c', 'd'].map(async (c) => [c, summary(await row(id(c)))]))) };
    db.close();
    return result;
  });
  assert.equal(out.newCoin, true);
  assert.equal(out.again, false, 'the second notice of the same output adds nothing');
  assert.equal(out.coins, 4);
  assert.equal(out.confirmed, true);
  assert.equal(out.unknown, false);
  assert.deepEqual(out.rows.a, { fee: '141', unsigned: true, payees: 1, status: 'confirmed', height: 150, refused: 'e'.repeat(64) });
  for (const c of ['b', 'c', 'd']) {
    assert.deepEqual(out.rows[c], { fee: '141', unsigned: true, payees: 1, status: 'pending', height: null, refused: null }, c);
  }
  assert.deepEqual(browser.errors.filter((e) => !/favicon/.test(e)), []);
});

test('channels database: pruneInvoices deletes the chosen invoices in one transaction with the channels read', T, async () => {
  const out = await page.evaluate(async () => {
    const s = globalThis.channelStore;
    const h = (c) => c.repeat(64);
    const db = await s.openChannelDatabase('prune-steps');
    const invoice = (c, paid = false) => ({ paymentHash: h(c), preimage: h('e'), invoice: 'lnbcrt1x', amountMsat: '1000',
      channelId: h('3'), createdAt: 1, paid });
    const channel = { id: h('a'), stage: 'ready', state: new Uint8Array(300).fill(7),
      seed: { nonce: new Uint8Array(12), ciphertext: new Uint8Array(48) }, fundingSats: 100000, network: 'bcoin-regtest',
      createdAt: 1, minimumDepth: 1 };
    await s.commit(db, { channel, invoices: [invoice('1'), invoice('2'), invoice('4', true)] });
    // A tampered record is neither shown to the chooser nor deleted.
    const tx = db.transaction('invoices', 'readwrite');
    tx.objectStore('invoices').put({ ...invoice('5'), preimage: 'no' });
    await new Promise((resolve) => { tx.oncomplete = resolve; });
    let seen = null;
    const removed = await s.pruneInvoices(db, (channels, invoices) => {
      seen = { channels: channels.map((c) => c.id), invoices: invoices.map((i) => i.paymentHash).sort() };
      return invoices.filter((i) => !i.paid && i.paymentHash !== h('2')).map((i) => i.paymentHash);
    });
    const none = await s.pruneInvoices(db, () => []);
    const keys = await new Promise((resolve) => {
      db.transaction('invoices').objectStore('invoices').getAllKeys().onsuccess = (e) => resolve(e.target.result);
    });
    db.close();
    return { seen, removed, none, keys: keys.sort() };
  });
  const h = (c) => c.repeat(64);
  assert.deepEqual(out.seen, { channels: [h('a')], invoices: [h('1'), h('2'), h('4')] });
  assert.equal(out.removed, 1);
  assert.equal(out.none, 0);
  assert.deepEqual(out.keys, [h('2'), h('4'), h('5')]);
});
