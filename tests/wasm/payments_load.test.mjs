// The payments module (datt_pay.wasm) loads on demand: datt.bitcoin, datt.invoice,
// datt.tips and datt.receipts refuse with payments_not_loaded until `await
// datt.loadPayments()`, which loads it once; the channel module (datt_channel.wasm) likewise
// with datt.loadChannels(), independently of payments; their errors are the core's DattError
// class (docs/architecture.md "wasm modules").
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { loadWasmDatt, wasmDist } from '../support/vectors.mjs';

const { DattError } = await import(pathToFileURL(path.join(wasmDist(), 'datt.mjs')).href);

test('payments APIs refuse before loadPayments and work after it', async () => {
  const datt = await loadWasmDatt({ payments: false });
  assert.equal(datt.paymentsLoaded, false);
  for (const name of ['bitcoin', 'invoice', 'tips', 'receipts']) {
    assert.throws(() => datt[name], (error) => error instanceof DattError && error.code === 'payments_not_loaded', name);
  }
  // The core module works without payments.
  const secretKey = datt.generateSecretKey();
  assert.equal(datt.publicKey(secretKey).length, 64);

  const first = datt.loadPayments();
  const second = datt.loadPayments();
  assert.equal(first, second, 'concurrent calls share one load');
  assert.equal(await first, datt);
  assert.equal(datt.paymentsLoaded, true);
  assert.equal(datt.loadPayments(), first, 'a loaded module is not loaded again');

  // The payments module answers, and its errors are the core's DattError.
  const key = datt.hexToBytes('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
  assert.equal(datt.bitcoin.scriptToAddress(datt.bitcoin.p2wpkhScript(key)), 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
  assert.throws(() => datt.bitcoin.parseTransaction(new Uint8Array([1, 2, 3])), (error) => error instanceof DattError && typeof error.code === 'string');
  assert.throws(() => datt.invoice.decode('lnbc1invalid'), (error) => error instanceof DattError && /^(bech32|invoice)_/.test(error.code));
  assert.deepEqual(datt.tips.total([]), { sats: 0n, payments: 0 });
});

test('loadDatt({ payments: true }) loads both modules', async () => {
  const datt = await loadWasmDatt({ payments: true });
  assert.equal(datt.paymentsLoaded, true);
  assert.deepEqual(datt.bitcoin.networkNames().includes('mainnet'), true);
});

test('the channel module loads on its own, once, and answers', async () => {
  const datt = await loadWasmDatt({ payments: false, channels: false });
  assert.equal(datt.channelsLoaded, false);
  assert.throws(() => datt.channel, (error) => error instanceof DattError && error.code === 'channels_not_loaded');

  const first = datt.loadChannels();
  assert.equal(datt.loadChannels(), first, 'concurrent calls share one load');
  assert.equal(await first, datt);
  assert.equal(datt.channelsLoaded, true);
  assert.equal(datt.paymentsLoaded, false, 'channels do not load the payments module');
  assert.throws(() => datt.bitcoin, (error) => error instanceof DattError && error.code === 'payments_not_loaded');

  // The channel module answers, and its errors are the core's DattError.
  const frame = datt.channel.challengeRequest();
  assert.ok(frame instanceof Uint8Array && frame.length === 67, 'hub_challenge_request is 67 bytes');
  assert.equal(datt.channel.amountWithFee({ base_msat: 1000n, proportional_millionths: 1000 }, 1_000_000n), 1_002_000n);
  assert.throws(() => datt.channel.info(new Uint8Array([1, 2, 3])), (error) => error instanceof DattError && typeof error.code === 'string');
});
