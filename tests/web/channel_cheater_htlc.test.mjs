// The web app's answer to the hub's HTLC txs of its revoked commitment mined before our
// justice tx (web/src/channels/resolution.js cheaterHtlcTxs / withCheaterHtlcTx, as sync.js
// runs them on the bridge's `spend`), with the real wasm resolver (datt.channel.resolve with
// `htlc_txs`) over the transactions of a real flow: tests/core/channel/onchain_harness's
// `revoked_htlc_txs` (two channel machines, every message through the wire codec; A cheats
// with a revoked commitment holding two HTLCs, then its HTLC-success and, at the expiry, its
// HTLC-timeout). The honest side's stored state goes through the wasm module as the app's
// would; its answers must be, byte for byte, those of core's resolver in the harness. A
// resolution stored by an older app, without the commitment's bytes, gets them from the
// funding spend told again (watched again while its justice tx waits) and is resolved again too.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

import { checkChannel } from '../../web/src/channels/records.js';
import {
  cheaterHtlcTxs, dueTransactions, needsSpendTx, resolutionRecord, resolutionSpend, resolutionSummary, withCheaterHtlcTx,
  withSpendTx,
} from '../../web/src/channels/resolution.js';
import { channelWatches } from '../../web/src/channels/watches.js';
import { loadWasmDatt, repoRoot } from '../support/vectors.mjs';

const harnessPath = path.resolve(repoRoot, process.env.DATT_ONCHAIN_HARNESS || 'build/native/tests/core/onchain_harness');
const NETWORK = 'bcoin-regtest';
const HEIGHT = 600; // the flow's tip; the HTLC-timeout's cltv_expiry is HEIGHT + 10

function scenario() {
  const coin = { txid: '11'.repeat(32), vout: 0, value: 5000000000 };
  const request = { cmd: 'scenario', name: 'revoked_htlc_txs', coin, height: HEIGHT };
  const reply = JSON.parse(execFileSync(harnessPath, { input: `${JSON.stringify(request)}\n`, encoding: 'utf8' }).trim());
  assert.equal(reply.error, undefined, `harness: ${reply.error}: ${reply.message}`);
  return reply;
}

const unhex = (h) => Buffer.from(h, 'hex');

/** The wasm, the harness's scenario, B's channel (state, seed) and resolve() arguments, and a tx's inputs. */
async function setUp() {
  const datt = await loadWasmDatt();
  const s = scenario();
  const inputsOf = (txHex) => datt.bitcoin.decodeTransaction(unhex(txHex), NETWORK).vin.map((i) => ({ txid: i.txid, vout: i.vout }));
  return {
    datt, s, inputsOf,
    state: new Uint8Array(unhex(s.b_state)),
    seed: new Uint8Array(unhex(s.b_seed)),
    args: { sweep_script: s.b_sweep_script, feerate_per_kw: s.feerate_per_kw, revoked: s.b_revoked },
  };
}

test('the hub\'s HTLC txs beat the justice tx: resolved again with them, each one\'s output taken', async () => {
  const { datt, s, state, seed, args, inputsOf } = await setUp();
  const spent = (tx) => inputsOf(tx.hex)[0];

  // The revoked commitment in block HEIGHT + 1: the justice tx (to_local and both HTLC
  // outputs) and the to_remote sweep, as sync.js stores them with the commitment's bytes.
  const first = datt.channel.resolve(state, seed, args, unhex(s.revoked.hex));
  let r = resolutionRecord(first, HEIGHT + 1, inputsOf, s.revoked.hex);
  assert.deepEqual(r.txs.map((t) => [t.kind, t.txid]), [['justice', s.justice_first.txid], ['to_remote_sweep', s.to_remote_sweep.txid]]);
  assert.equal(r.txs[0].inputs.length, 3);

  // A's HTLC-success in block HEIGHT + 2 takes one of the justice tx's inputs.
  const retake = (event) => {
    const next = resolutionSpend(r, event);
    const htlcTxs = cheaterHtlcTxs(r, event);
    assert.ok(next && htlcTxs, 'the justice tx lost an input to the cheater');
    const resolved = datt.channel.resolve(state, seed, { ...args, htlc_txs: htlcTxs }, unhex(r.spendTx));
    return checkChannel({
      id: 'a'.repeat(64), stage: 'ready', state, seed: { nonce: new Uint8Array(12), ciphertext: new Uint8Array(48) },
      fundingSats: 100000, network: NETWORK, createdAt: 1700000000000, minimumDepth: 1,
      resolution: withCheaterHtlcTx(next, resolved, event, inputsOf),
    }).resolution;
  };
  const success = { outpoint: { txid: s.revoked.txid, vout: spent(s.htlc_success).vout }, txid: s.htlc_success.txid,
    tx: s.htlc_success.hex, height: HEIGHT + 2 };
  assert.equal(cheaterHtlcTxs(r, { ...success, height: undefined }), null, 'not before it is in a block');
  r = retake(success);
  assert.deepEqual(r.txs.map((t) => [t.kind, t.status]), [['justice', 'lost'], ['to_remote_sweep', 'waiting'],
    ['justice', 'waiting'], ['revoked_htlc_sweep', 'waiting']]);
  assert.equal(r.txs[2].inputs.length, 2, 'to_local and the other HTLC output');
  assert.deepEqual(r.txs[3].inputs, [{ txid: s.htlc_success.txid, vout: 0 }]);
  assert.equal(r.txs[3].txid, s.sweep_success.txid, 'core\'s sweep of the HTLC-success, byte for byte');
  // Due at once: the sweep from the HTLC tx's block (A waits its to_self_delay for it).
  assert.deepEqual(dueTransactions(r, HEIGHT + 2).map((t) => t.kind), ['to_remote_sweep', 'justice', 'revoked_htlc_sweep']);

  // At the expiry A's HTLC-timeout takes the other: resolved again with both, the sweep of the
  // first kept (the same transaction), the justice tx now to_local alone: core's answer.
  const timeout = { outpoint: { txid: s.revoked.txid, vout: spent(s.htlc_timeout).vout }, txid: s.htlc_timeout.txid,
    tx: s.htlc_timeout.hex, height: s.cltv_expiry + 1 };
  r = retake(timeout);
  assert.deepEqual(r.txs.map((t) => [t.kind, t.status]), [['justice', 'lost'], ['to_remote_sweep', 'waiting'],
    ['justice', 'lost'], ['revoked_htlc_sweep', 'waiting'], ['justice', 'waiting'], ['revoked_htlc_sweep', 'waiting']]);
  assert.equal(r.txs[4].txid, s.justice.txid);
  assert.equal(r.txs[5].txid, s.sweep_timeout.txid);
  assert.deepEqual(r.cheaterTxs.map((c) => [c.txid, c.height]), [[s.htlc_success.txid, HEIGHT + 2], [s.htlc_timeout.txid, s.cltv_expiry + 1]]);
  assert.deepEqual(dueTransactions(r, s.cltv_expiry + 1).map((t) => t.txid).sort(),
    [s.to_remote_sweep.txid, s.sweep_success.txid, s.justice.txid, s.sweep_timeout.txid].sort());
  // The page's sum: what the four live transactions pay us.
  const paid = [s.to_remote_sweep, s.justice, s.sweep_success, s.sweep_timeout]
    .reduce((sum, t) => sum + t.outputs.reduce((a, o) => a + o.value, 0), 0);
  assert.equal(resolutionSummary(r).sats, paid);

  // The same event again (the bridge tells it once more after a reload) changes nothing;
  // another spend of the commitment that is no HTLC tx is refused by the resolver.
  assert.equal(resolutionSpend(r, timeout), null);
  assert.throws(() => datt.channel.resolve(state, seed, { ...args, htlc_txs: [s.to_remote_sweep.hex] }, unhex(r.spendTx)),
    (e) => e.code === 'channel_not_an_htlc_tx');
});

test('a resolution stored without the commitment\'s bytes gets them from the spend told again, then takes the HTLC tx', async () => {
  const { datt, s, state, seed, args, inputsOf } = await setUp();
  const txidOf = (txHex) => datt.bitcoin.transactionInfo(unhex(txHex)).txid;
  const old = resolutionRecord(datt.channel.resolve(state, seed, args, unhex(s.revoked.hex)), HEIGHT + 1, inputsOf);
  assert.equal(old.spendTx, undefined, 'as an older app stored it');
  assert.equal(needsSpendTx(old), true);
  const funding = inputsOf(s.revoked.hex)[0];
  const record = { funding: { txid: funding.txid, vout: funding.vout, height: HEIGHT - 10 }, stage: 'ready',
    spentBy: { txid: s.revoked.txid, kind: 'unilateral', height: HEIGHT + 1 }, resolution: old };
  const watched = channelWatches([record]);
  assert.deepEqual(watched.filter((w) => w.txid === funding.txid), [{ ...funding, fromHeight: HEIGHT + 1 }],
    'the funding outpoint again, from the spend\'s block');

  const spend = { outpoint: funding, txid: s.revoked.txid, tx: s.revoked.hex, height: HEIGHT + 1 };
  assert.equal(withSpendTx(old, { ...spend, tx: s.htlc_success.hex }, txidOf), old, 'bytes of another tx are not kept');
  assert.equal(withSpendTx(old, { ...spend, txid: s.htlc_success.txid }, txidOf), old, 'another spend');
  const r = withSpendTx(old, spend, txidOf);
  assert.equal(r.spendTx, s.revoked.hex);
  assert.deepEqual(r.cheaterTxs, []);
  assert.equal(needsSpendTx(r), false);
  assert.deepEqual(channelWatches([{ ...record, resolution: r }]).filter((w) => w.txid === funding.txid), [], 'no longer');
  assert.equal(withSpendTx(r, spend, txidOf), r, 'once');

  // A's HTLC-success mined after the upgrade: resolved again as in the test above.
  const success = { outpoint: { txid: s.revoked.txid, vout: inputsOf(s.htlc_success.hex)[0].vout }, txid: s.htlc_success.txid,
    tx: s.htlc_success.hex, height: HEIGHT + 2 };
  assert.equal(cheaterHtlcTxs(old, success), null, 'without the bytes: nothing to resolve with');
  const htlcTxs = cheaterHtlcTxs(r, success);
  assert.deepEqual(htlcTxs, [s.htlc_success.hex]);
  const resolved = datt.channel.resolve(state, seed, { ...args, htlc_txs: htlcTxs }, unhex(r.spendTx));
  const next = withCheaterHtlcTx(resolutionSpend(r, success), resolved, success, inputsOf);
  assert.deepEqual(next.txs.map((t) => [t.kind, t.status]), [['justice', 'lost'], ['to_remote_sweep', 'waiting'],
    ['justice', 'waiting'], ['revoked_htlc_sweep', 'waiting']]);
  assert.equal(next.txs[3].txid, s.sweep_success.txid, 'core\'s sweep of the HTLC-success, byte for byte');
});
