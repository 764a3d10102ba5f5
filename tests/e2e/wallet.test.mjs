// End-to-end: the browser wallet against the real relay bridged to a real bcoin regtest node
// (scripts/bitcoin-node.mjs --memory, started and stopped here, loopback only). A person
// imports an account by its recovery phrase, opens the Wallet, gets test coins from the
// relay's faucet (pending), mines a block (confirmed only after the app verified the
// merkle proof against its own header chain), reloads (the wallet is kept; the key is
// locked and cannot send), unlocks, sends with a fee choice through the confirmation
// screen, bumps the fee of the pending payment (BIP-125: bcoin 1.0.2 refuses every
// replacement, so the app must say so and keep the original and the signed bump), and when
// a miner's block holds the bump, sees the original replaced and the bump confirmed. The node is
// checked directly over RPC at each step: the app's figures are compared with the chain's.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { loadDatt } from '../../build/wasm/dist/datt.mjs';
import { startBcoinNode } from '../support/bcoin_node.mjs';
import { mineBlockWith } from '../support/miner.mjs';
import { startRelay } from '../relay/support.mjs';
import { freePort, launchProfile, requireBuilt, screenshot, tempDir, WASM_ROOT, WEB_ROOT } from './support.mjs';

const PASSPHRASE = 'correct horse battery staple';
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const T = { timeout: 60000 };
const SEGWIT_HEIGHT = 432;   // bcoin's regtest activates segwit here (notes/bitcoin-node.md)
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

let dir;
let node;
let rpcPort;
let relay;
let browser;
let page;
let base;
let datt;

const rpc = (method, params) => node.rpc(method, params);

before(async () => {
  requireBuilt();
  datt = await loadDatt({ payments: true });
  dir = tempDir('datt-e2e-wallet-');
  rpcPort = await freePort();
  node = startBcoinNode(path.join(dir, 'btc'), rpcPort, { memory: true });
  await node.ready();
  // Past segwit's activation, so the wallet's P2WPKH coins can be spent; mined to an
  // address of nobody's (a hash of 20 bytes of 9).
  const nobody = datt.bitcoin.scriptToAddress(datt.bitcoin.p2wpkhScript(new Uint8Array(20).fill(9)), 'bcoin-regtest');
  for (let height = 0; height < SEGWIT_HEIGHT; height += 50) await rpc('generatetoaddress', [50, nobody]);
  const port = await freePort();
  relay = await startRelay({
    dir, database: path.join(dir, 'datt.sqlite3'),
    args: ['--port', String(port), '--web-root', WEB_ROOT, '--wasm-root', WASM_ROOT,
      '--bitcoin-rpc-url', `http://127.0.0.1:${rpcPort}/`, '--bitcoin-rpc-password-file', path.join(dir, 'btc', 'rpc-key'),
      '--bitcoin-network', 'bcoin-regtest', '--bitcoin-poll-ms', '200', '--bitcoin-rpc-timeout-ms', '60000'],
  });
  base = `http://127.0.0.1:${port}/`;
  browser = await launchProfile();
  page = await browser.page();
  await page.goto(base);
  await page.waitForSelector('html[data-ready=true]', T);
});

after(async () => {
  await browser?.close();
  await relay?.stop();
  await node?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function go(hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
}

async function sats(testid) {
  return BigInt(await page.getByTestId(testid).getAttribute('data-sats'));
}

async function waitForSats(testid, expected) {
  const started = Date.now();
  for (;;) {
    const value = await sats(testid).catch(() => null);
    if (value === expected) return;
    if (Date.now() - started > 60000) throw new Error(`${testid} is ${value}, expected ${expected}`);
    await sleep(200);
  }
}

async function unlock() {
  await go('#/account?next=/wallet');
  const form = page.getByTestId('unlock-form');
  await form.locator('input[name=passphrase]').fill(PASSPHRASE);
  await form.getByRole('button', { name: 'Unlock' }).click();
  await page.getByTestId('lock-button').waitFor(T);
  await go('#/wallet');
}

let receiveAddress;

test('the wallet is set up from the recovery phrase: BIP-84 receive address and QR code', T, async () => {
  await go('#/account');
  await page.getByTestId('tab-import').click();
  const form = page.getByTestId('import-account');
  await form.locator('textarea[name=secret]').fill(MNEMONIC);
  await form.locator('input[name=passphrase]').fill(PASSPHRASE);
  await form.locator('input[name=passphrase2]').fill(PASSPHRASE);
  await form.getByRole('button', { name: 'Import' }).click();
  await page.getByTestId('lock-button').waitFor(T);
  await page.getByTestId('nav-wallet').click();
  await page.getByTestId('wallet-page').waitFor(T);
  receiveAddress = await page.getByTestId('receive-address').innerText();
  // The same key as an independent derivation of m/84'/1'/0'/0/0 (bcoin's regtest uses coin type 1).
  const expected = datt.bitcoin.wallet.addresses(datt.mnemonicToSeed(MNEMONIC), 0, 0, 1, { network: 'bcoin-regtest' })[0].address;
  assert.equal(receiveAddress, expected);
  assert.match(receiveAddress, /^rb1q/);
  assert.ok(await page.getByTestId('receive-qr').locator('path').getAttribute('d'));
  // The header chain is verified from genesis up to the node's tip.
  const tip = await rpc('getblockcount');
  await page.waitForFunction((h) => Number(document.querySelector('[data-testid=chain-height]')?.textContent) >= h, tip, T);
  await screenshot(page, 'wallet-empty');
});

test('test coins arrive pending, then confirmed after a block (merkle proof checked)', { timeout: 400000 }, async () => {
  await waitForSats('balance-confirmed', 0n);
  await page.getByTestId('faucet-button').click();
  // The relay's first faucet request mines the faucet's coins (101 blocks in bcoin's JS).
  await page.getByTestId('wallet-note').filter({ hasText: 'Test coins sent' }).waitFor({ timeout: 300000 });
  await waitForSats('balance-pending', 1_000_000n);
  assert.equal(await sats('balance-confirmed'), 0n, 'not confirmed before a block');
  const row = page.getByTestId('history-row').first();
  assert.equal(await row.getAttribute('data-status'), 'pending');
  const txid = await row.getAttribute('data-txid');
  assert.ok((await rpc('getrawmempool')).includes(txid), 'the payment is in the node\'s mempool');

  await page.getByTestId('mine-button').click();
  await waitForSats('balance-confirmed', 1_000_000n);
  await waitForSats('balance-pending', 0n);
  const height = await rpc('getblockcount');
  assert.equal((await rpc('getrawtransaction', [txid, true])).confirmations, 1);
  await page.getByTestId('history-row').filter({ hasText: `confirmed at ${height}` }).waitFor(T);
  // The next receive address moved on (index 0 is used).
  assert.notEqual(await page.getByTestId('receive-address').innerText(), receiveAddress);
  await screenshot(page, 'wallet-confirmed');
});

const destination = () => datt.bitcoin.scriptToAddress(datt.bitcoin.p2wpkhScript(new Uint8Array(20).fill(0x42)), 'bcoin-regtest');

async function fillSend(amount, fee = 'fee-normal') {
  await page.getByTestId('send-address').fill(destination());
  await page.getByTestId('send-amount').fill(String(amount));
  await page.getByTestId(fee).check();
  await page.getByTestId('send-review').click();
  await page.getByTestId('send-confirm').waitFor(T);
}

test('a reload keeps the wallet; a locked key cannot send', T, async () => {
  await page.reload();
  await page.waitForSelector('html[data-ready=true]', T);
  await go('#/wallet');
  await waitForSats('balance-confirmed', 1_000_000n);
  assert.equal(await page.getByTestId('unlock-link').count(), 1, 'a reload starts locked');
  await fillSend(100_000);
  await page.getByTestId('wallet-locked').waitFor(T);
  assert.equal(await page.getByTestId('confirm-send').isDisabled(), true);
  await page.getByTestId('cancel-send').click();
});

test('send: the confirmation screen shows amount, fee and destination; the node gets the payment; a refused RBF bump is reported', { timeout: 180000 }, async () => {
  await unlock();
  await waitForSats('balance-confirmed', 1_000_000n);
  await fillSend(100_000, 'fee-slow');
  assert.equal(await page.getByTestId('confirm-address').innerText(), destination());
  assert.equal(await page.getByTestId('confirm-amount').innerText(), '0.00100000 BTC');
  const feeText = await page.getByTestId('confirm-fee').innerText();
  assert.match(feeText, /^0\.000\d{5} BTC \(1 sat\/vB, \d+ vB at most\)$/);
  await screenshot(page, 'wallet-confirm');
  await page.getByTestId('confirm-send').click();
  await page.getByTestId('send-result').waitFor(T);
  const outgoing = page.getByTestId('history-row').filter({ has: page.getByTestId('bump-form') });
  await outgoing.waitFor(T);
  const txid = await outgoing.getAttribute('data-txid');
  const entry = await rpc('getrawtransaction', [txid, true]);
  const paid = entry.vout.find((out) => out.scriptPubKey.addresses?.includes(destination()) || out.scriptPubKey.address === destination());
  assert.ok(paid, JSON.stringify(entry.vout));
  assert.equal(Math.round(paid.value * 1e8), 100_000);
  const fee = 1_000_000n - BigInt(entry.vout.reduce((sum, out) => sum + Math.round(out.value * 1e8), 0));
  // Spent: 1,000,000 less the payment and the fee is pending as change.
  await waitForSats('balance-confirmed', 0n);
  await waitForSats('balance-pending', 1_000_000n - 100_000n - fee);

  // Bump to 10 sat/vB. bcoin 1.0.2 replaces nothing (its mempool refuses any conflicting spend
  // with bad-txns-inputs-spent), so the app builds, signs and broadcasts the replacement, the
  // node keeps the original, and the app says the node refused it, keeps the original pending
  // and keeps the signed replacement beside it.
  await outgoing.getByTestId('bump-rate').fill('10');
  await outgoing.getByTestId('bump-button').click();
  const bumpError = outgoing.getByRole('alert');
  await bumpError.waitFor(T);
  assert.match(await bumpError.innerText(), /^The node refused the replacement: /);
  assert.deepEqual(await rpc('getrawmempool'), [txid], 'the node kept the original only');
  assert.equal(await page.getByTestId('history-row').filter({ hasText: 'replaced' }).count(), 0);
  await waitForSats('balance-pending', 1_000_000n - 100_000n - fee);
  const refused = outgoing.getByTestId('refused-bump');
  await refused.waitFor({ state: 'attached', ...T });
  const bumpTxid = await refused.getAttribute('data-txid');
  const bumpFee = BigInt(await refused.getAttribute('data-fee'));
  const raw = Uint8Array.from(Buffer.from(await outgoing.getByTestId('refused-bump-hex').textContent(), 'hex'));
  assert.equal(datt.bitcoin.transactionInfo(raw).txid, bumpTxid);
  assert.ok(bumpFee > fee);

  // A miner that runs a BIP-125 node mines the replacement (tests/support/miner.mjs builds the
  // block; bcoin validates and connects it and drops the original as conflicting): the app
  // shows the original replaced and the replacement confirmed, its merkle proof checked.
  const nobody = datt.bitcoin.p2wpkhScript(new Uint8Array(20).fill(9));
  const block = await mineBlockWith({ datt, rpc, transactions: [raw], fees: bumpFee, payoutScript: nobody });
  assert.deepEqual(await rpc('getrawmempool'), [], 'the original left the node\'s mempool');
  const height = await rpc('getblockcount');
  const replacement = page.getByTestId('history-row').filter({ hasText: `confirmed at ${height}` });
  await replacement.waitFor(T);
  assert.equal(await replacement.getAttribute('data-txid'), bumpTxid);
  const replaced = page.getByTestId('history-row').and(page.locator(`[data-txid="${txid}"]`));
  await page.waitForFunction((id) => document.querySelector(`[data-testid=history-row][data-txid="${id}"]`)?.dataset.status === 'replaced', txid, T);
  assert.equal(await replaced.getByTestId('bump-form').count(), 0, 'a replaced payment cannot be bumped');
  const entry2 = await rpc('getrawtransaction', [bumpTxid, true]);
  assert.equal(entry2.blockhash, block);
  const chainFee = 1_000_000n - BigInt(entry2.vout.reduce((sum, out) => sum + Math.round(out.value * 1e8), 0));
  assert.equal(chainFee, bumpFee, 'the fee the app shows is the chain\'s');
  await waitForSats('balance-confirmed', 1_000_000n - 100_000n - bumpFee);
  await waitForSats('balance-pending', 0n);
  await screenshot(page, 'wallet-sent');
  assert.deepEqual(browser.errors.filter((e) => !/favicon/.test(e)), []);
});
