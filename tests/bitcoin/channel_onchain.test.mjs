// Every on-chain path of a payment channel judged by a real node: the transactions come from
// the real core/channel code (tests/core/channel/onchain_harness.cpp: two channel machines
// funded by a real regtest coin, every message through the wire codec), bcoin 1.0.2 in
// regtest with standardness on accepts or refuses them, and each path's amounts are checked
// to the satoshi against BOLT-3's fee formulas:
//   (a) cooperative close; (b) unilateral close: to_local refused before to_self_delay
//   blocks (non-BIP68-final) and accepted at exactly the delay, to_remote swept at once;
//   (c) an offered HTLC timed out after its cltv_expiry (refused before: non-final), then
//   its second-stage sweep after the delay; (d) a received HTLC claimed with its preimage,
//   then swept; (d2) the remote's commitment: the HTLC it offered claimed with the
//   preimage at once, ours claimed after its cltv_expiry (refused before); (e) a revoked
//   commitment broadcast by either side punished by one justice transaction taking
//   to_local and every HTLC output, before any delay; (f) the cheater's HTLC-success and
//   HTLC-timeout of its revoked commitment mined first: the justice tx rebuilt without their
//   inputs and their outputs taken with the revocation key.
// Every sweep, HTLC transaction and justice transaction is what the on-chain resolver
// (core/channel/chain_resolver.h) returned for the side that acts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';

import { repoRoot } from '../support/vectors.mjs';
import { broadcast, startNode } from './support.mjs';

process.env.NODE_BACKEND = 'js';
const require = createRequire(path.join(repoRoot, 'package.json'));
const Address = require('bcoin/lib/primitives/address');
const Script = require('bcoin/lib/script/script');
const TX = require('bcoin/lib/primitives/tx');

const harnessPath = path.resolve(repoRoot, process.env.DATT_ONCHAIN_HARNESS
  || 'build/native/tests/core/onchain_harness');
const FEERATE = 2500n;  // sat per 1,000 weight units, as the harness's channels use
const FUNDING = 1000000n;

let node;
let harness;
let lines;
let coinAddress;
let nextCoinHeight = 1;  // each scenario spends the coinbase of its own block

async function ask(request) {
  harness.stdin.write(`${JSON.stringify(request)}\n`);
  const { value, done } = await lines.next();
  assert.ok(!done, 'the harness ended early');
  const reply = JSON.parse(value);
  assert.equal(reply.error, undefined, `harness: ${reply.error}: ${reply.message}`);
  return reply;
}

const sats = (btc) => BigInt(Math.round(Number(btc) * 1e8));
const tip = async () => (await node.rpc('getblockchaininfo')).blocks;
const mine = async (count) => {
  for (let left = count; left > 0; left -= 100) await node.rpc('generatetoaddress', Math.min(100, left), coinAddress);
};
// BOLT-3 fees from expected weights, rounded down.
const fee = (weight) => (FEERATE * BigInt(weight)) / 1000n;

async function accept(name, tx) {
  assert.equal(await broadcast(node, tx.hex, tx.txid, { expectAccepted: true }), true,
    `${name} should be accepted`);
}

// Refused. bcoin in memory keeps no log, so the reason is shown another way: each refusal
// below is followed, one block later, by the acceptance of the same bytes, so the timelock
// is the only thing that changed.
async function refuse(name, tx) {
  assert.equal(await broadcast(node, tx.hex, tx.txid, { expectAccepted: false }), false,
    `${name} should be refused`);
}

async function mineAndCheck(txids) {
  await mine(1);
  const mempool = await node.rpc('getrawmempool');
  for (const txid of txids) assert.ok(!mempool.includes(txid), `${txid} left the mempool`);
}

// An output's value and depth as the node's UTXO set says; null when spent or unknown.
async function utxo(txid, vout) {
  const out = await node.rpc('gettxout', txid, vout, false);
  return out ? { value: sats(out.value), confirmations: out.confirmations, script: out.scriptPubKey.hex } : null;
}

async function scenario(name) {
  const height = nextCoinHeight;
  nextCoinHeight += 1;
  const txid = (await node.rpc('getblock', await node.rpc('getblockhash', height), true)).tx[0];
  const coinTxid = typeof txid === 'string' ? txid : txid.txid;
  const coin = await utxo(coinTxid, 0);
  assert.ok(coin, `the coinbase of block ${height} is unspent`);
  const s = await ask({ cmd: 'scenario', name, coin: { txid: coinTxid, vout: 0, value: Number(coin.value) }, height: await tip() });
  await accept(`${name}: funding`, s.funding);
  await mineAndCheck([s.funding.txid]);
  const funded = await utxo(s.funding.txid, 0);
  assert.equal(funded.value, FUNDING);
  return s;
}

async function sumInputs(txid) {
  const tx = await node.rpc('getrawtransaction', txid, true);
  let total = 0n;
  for (const input of tx.vin) {
    const prev = await node.rpc('getrawtransaction', input.txid, true);
    total += sats(prev.vout[input.vout].value);
  }
  return { total, tx };
}

// The fee paid is what a 73-byte-signature estimate gives: at least the real weight's fee,
// and no more than a few bytes' worth above it.
async function checkSweepFee(name, txid, inputs) {
  const { total, tx } = await sumInputs(txid);
  const out = tx.vout.reduce((sum, o) => sum + sats(o.value), 0n);
  const paid = total - out;
  const weight = BigInt(TX.fromRaw(Buffer.from(tx.hex, 'hex')).getWeight());  // bcoin's RPC gives vsize only
  assert.ok(paid >= fee(weight), `${name}: fee ${paid} covers ${weight} wu at ${FEERATE} sat/kw`);
  assert.ok(paid <= fee(weight + 3n * BigInt(inputs)) + 1n, `${name}: fee ${paid} is no overestimate`);
  return { paid, out };
}

before(async () => {
  assert.ok(existsSync(harnessPath), `build the harness first: ${harnessPath}`);
  node = await startNode();
  harness = spawn(harnessPath, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  lines = createInterface({ input: harness.stdout })[Symbol.asyncIterator]();
  const { script } = await ask({ cmd: 'coin' });
  coinAddress = Address.fromScript(Script.fromRaw(Buffer.from(script, 'hex'))).toString('regtest');
  assert.match(coinAddress, /^rb1q/);
  // Segwit is active from height 432 in bcoin's regtest; coinbases mature after 100 blocks.
  await mine(440);
}, { timeout: 120000 });

after(async () => {
  harness?.stdin.end();
  await node?.stop();
});

test('(a) cooperative close: shutdown/closing_signed gives a closing tx the node mines', { timeout: 60000 }, async () => {
  const s = await scenario('coop');
  await accept('closing', s.closing);
  await mineAndCheck([s.closing.txid]);
  assert.equal(await utxo(s.funding.txid, 0), null, 'the funding output is spent');
  // A (the funder) proposed 1,750 sat, the middle of its range 500..3,000, inside B's
  // 1,000..5,000; each balance rounds down to the satoshi and A pays the fee.
  const expected = [BigInt(s.a_msat) / 1000n - 1750n, BigInt(s.b_msat) / 1000n].sort((x, y) => (x < y ? -1 : 1));
  const got = [];
  for (let i = 0; i < s.closing.outputs.length; i += 1) {
    const out = await utxo(s.closing.txid, i);
    assert.equal(out.confirmations, 1);
    got.push(out.value);
  }
  assert.deepEqual(got.sort((x, y) => (x < y ? -1 : 1)), expected);
  assert.equal(BigInt(s.a_msat) + BigInt(s.b_msat), FUNDING * 1000n);
});

test('(b) unilateral close: to_local waits to_self_delay blocks exactly, to_remote is the peer\'s at once', { timeout: 120000 }, async () => {
  const s = await scenario('force_close');
  await accept('commitment', s.commitment);
  await mineAndCheck([s.commitment.txid]);
  // No HTLC: the commitment fee is 724 wu at 2,500 sat/kw, from the funder's balance.
  const values = await Promise.all(s.commitment.outputs.map((_, i) => utxo(s.commitment.txid, i)));
  assert.deepEqual(values.map((v) => v.value).sort((x, y) => (x < y ? -1 : 1)),
    [BigInt(s.b_msat) / 1000n, BigInt(s.a_msat) / 1000n - fee(724)].sort((x, y) => (x < y ? -1 : 1)));

  // The resolver's timing: to_local after the delay, to_remote at once, both on the commitment.
  assert.equal(s.to_local_sweep.csv, s.delay);
  assert.equal(s.to_remote_sweep.csv, 0);
  assert.equal(s.to_local_sweep.parent, s.commitment.txid);
  assert.equal(s.to_remote_sweep.parent, s.commitment.txid);
  await refuse('to_local sweep at 1 confirmation', s.to_local_sweep);
  await accept('to_remote sweep', s.to_remote_sweep);
  await mineAndCheck([s.to_remote_sweep.txid]);
  await checkSweepFee('to_remote sweep', s.to_remote_sweep.txid, 1);

  await mine(s.delay - 3);  // the commitment now has delay - 1 confirmations
  await refuse(`to_local sweep at ${s.delay - 1} confirmations`, s.to_local_sweep);
  await mine(1);
  const toLocal = s.to_local_sweep;
  await accept(`to_local sweep at ${s.delay} confirmations`, toLocal);
  await mineAndCheck([toLocal.txid]);
  const { out } = await checkSweepFee('to_local sweep', toLocal.txid, 1);
  assert.equal((await utxo(toLocal.txid, 0)).value, out);
  for (let i = 0; i < s.commitment.outputs.length; i += 1) assert.equal(await utxo(s.commitment.txid, i), null);
});

// Fees of the second-stage transactions (BOLT-3, no anchors).
const HTLC_TIMEOUT_FEE = fee(663);
const HTLC_SUCCESS_FEE = fee(703);

test('(c) offered HTLC: HTLC-timeout refused before cltv_expiry, accepted at it, then its CSV sweep', { timeout: 120000 }, async () => {
  const s = await scenario('htlcs');
  await accept('commitment', s.commitment);
  await mineAndCheck([s.commitment.txid]);
  // Two HTLC outputs: the commitment fee is (724 + 2 * 172) wu.
  const total = (await Promise.all(s.commitment.outputs.map((_, i) => utxo(s.commitment.txid, i))))
    .reduce((sum, o) => sum + o.value, 0n);
  assert.equal(total, FUNDING - fee(724 + 2 * 172));

  assert.equal(s.htlc_timeout.cltv, s.cltv_expiry, 'the resolver waits for cltv_expiry');
  assert.equal(s.htlc_timeout.parent, s.commitment.txid);
  assert.equal(s.htlc_timeout_sweep.parent, s.htlc_timeout.txid);
  assert.equal(s.htlc_timeout_sweep.csv, s.delay);
  await refuse('HTLC-timeout before its cltv_expiry', s.htlc_timeout);
  await mine(s.cltv_expiry - 1 - await tip());
  await refuse('HTLC-timeout one block before its cltv_expiry', s.htlc_timeout);
  await mine(1);
  assert.equal(await tip(), s.cltv_expiry);
  await accept('HTLC-timeout at its cltv_expiry', s.htlc_timeout);
  await mineAndCheck([s.htlc_timeout.txid]);
  assert.equal((await utxo(s.htlc_timeout.txid, 0)).value, 40000n - HTLC_TIMEOUT_FEE);

  await refuse('second-stage sweep at once', s.htlc_timeout_sweep);
  await mine(s.delay - 2);
  await refuse(`second-stage sweep at ${s.delay - 1} confirmations`, s.htlc_timeout_sweep);
  await mine(1);
  await accept(`second-stage sweep at ${s.delay} confirmations`, s.htlc_timeout_sweep);
  await mineAndCheck([s.htlc_timeout_sweep.txid]);
  await checkSweepFee('second-stage sweep', s.htlc_timeout_sweep.txid, 1);
});

test('(d) received HTLC: HTLC-success with the preimage at once, then its CSV sweep', { timeout: 120000 }, async () => {
  const s = await scenario('htlcs');
  await accept('commitment', s.commitment);
  await mineAndCheck([s.commitment.txid]);
  assert.equal(s.htlc_success.cltv, 0);
  assert.equal(s.htlc_success.csv, 0);
  assert.equal(s.htlc_success_sweep.parent, s.htlc_success.txid);
  assert.equal(s.htlc_success_sweep.csv, s.delay);
  // Without the preimage, the resolver leaves exactly that output to the remote's timeout.
  assert.deepEqual(s.unresolved_without_preimage, s.htlc_success.spends);
  await accept('HTLC-success', s.htlc_success);
  await mineAndCheck([s.htlc_success.txid]);
  assert.equal((await utxo(s.htlc_success.txid, 0)).value, 30000n - HTLC_SUCCESS_FEE);
  const spent = await node.rpc('getrawtransaction', s.htlc_success.txid, true);
  assert.equal(spent.vin[0].txid, s.commitment.txid);
  await mine(s.delay - 2);
  await refuse(`second-stage sweep at ${s.delay - 1} confirmations`, s.htlc_success_sweep);
  await mine(1);
  await accept(`second-stage sweep at ${s.delay} confirmations`, s.htlc_success_sweep);
  await mineAndCheck([s.htlc_success_sweep.txid]);
  await checkSweepFee('second-stage sweep', s.htlc_success_sweep.txid, 1);
});

test('(d2) the remote\'s commitment: its HTLCs claimed directly, with the preimage at once and ours after cltv_expiry', { timeout: 60000 }, async () => {
  const s = await scenario('remote_htlcs');
  await accept('commitment (A\'s, resolved by B)', s.commitment);
  await mineAndCheck([s.commitment.txid]);
  assert.equal(s.claim_success.cltv, 0);
  assert.equal(s.claim_timeout.cltv, s.cltv_expiry);
  await accept('claim with the preimage', s.claim_success);
  await accept('to_remote sweep', s.to_remote_sweep);
  await refuse('claim of our HTLC before its cltv_expiry', s.claim_timeout);
  await mineAndCheck([s.claim_success.txid, s.to_remote_sweep.txid]);
  await mine(s.cltv_expiry - 1 - await tip());
  await refuse('claim of our HTLC one block before its cltv_expiry', s.claim_timeout);
  await mine(1);
  await accept('claim of our HTLC at its cltv_expiry', s.claim_timeout);
  await mineAndCheck([s.claim_timeout.txid]);
  // The 40,000 sat and 30,000 sat HTLC outputs, each less its claim's fee.
  const success = await checkSweepFee('claim with the preimage', s.claim_success.txid, 1);
  const timeout = await checkSweepFee('claim after the timeout', s.claim_timeout.txid, 1);
  assert.equal(success.out + success.paid, 40000n);
  assert.equal(timeout.out + timeout.paid, 30000n);
  const spent = await Promise.all(s.commitment.outputs.map((_, i) => utxo(s.commitment.txid, i)));
  assert.equal(spent.filter((o) => o !== null).length, 1, 'only A\'s to_local is left (A\'s, after its delay)');
});

for (const cheater of ['a', 'b']) {
  test(`(e) revoked commitment broadcast by ${cheater.toUpperCase()}: one justice tx takes to_local and every HTLC output before any delay`, { timeout: 60000 }, async () => {
    const s = await scenario(`revoked_${cheater}`);
    await accept('revoked commitment', s.revoked);
    await mineAndCheck([s.revoked.txid]);
    assert.equal(s.revoked.outputs.length, 4, 'to_local, to_remote and two HTLC outputs');
    assert.equal(s.justice.csv, 0, 'justice needs no delay');
    assert.equal(s.justice.cltv, 0);
    assert.equal(s.justice.parent, s.revoked.txid);
    await accept('justice', s.justice);
    await accept('to_remote sweep', s.to_remote_sweep);
    await mineAndCheck([s.justice.txid, s.to_remote_sweep.txid]);
    const justice = await node.rpc('getrawtransaction', s.justice.txid, true);
    assert.equal(justice.vin.length, 3, 'to_local and both HTLC outputs');
    assert.equal(justice.vout.length, 1);
    // Every output of the revoked commitment is now the honest side's and spent: the justice
    // tx took three, the to_remote sweep the fourth; with the commitment's fee (two HTLC
    // outputs) they make up the whole channel.
    const toRemote = (await node.rpc('getrawtransaction', s.to_remote_sweep.txid, true)).vin[0].vout;
    assert.deepEqual([...justice.vin.map((i) => i.vout), toRemote].sort(), [0, 1, 2, 3]);
    for (let i = 0; i < 4; i += 1) assert.equal(await utxo(s.revoked.txid, i), null);
    const { out } = await checkSweepFee('justice', s.justice.txid, 3);
    const { total } = await sumInputs(s.justice.txid);
    assert.equal(total + BigInt(s.revoked.outputs[toRemote].value) + fee(724 + 2 * 172), FUNDING);
    assert.equal((await utxo(s.justice.txid, 0)).value, out);
  });
}

test('(f) the cheater\'s HTLC txs of its revoked commitment mined before the justice tx: their outputs are taken too, exact to the sat', { timeout: 60000 }, async () => {
  const s = await scenario('revoked_htlc_txs');
  await accept('revoked commitment', s.revoked);
  await mineAndCheck([s.revoked.txid]);
  await accept('the cheater\'s HTLC-success', s.htlc_success);
  await mineAndCheck([s.htlc_success.txid]);
  // The justice tx built before it saw the HTLC-success spends an output that is gone.
  await refuse('the first justice tx, one of its inputs spent', s.justice_first);
  await mine(s.cltv_expiry - await tip());
  await accept('the cheater\'s HTLC-timeout', s.htlc_timeout);
  await mineAndCheck([s.htlc_timeout.txid]);

  assert.equal(s.justice.parent, s.revoked.txid);
  assert.equal(s.justice.spends.length, 1, 'to_local alone: both HTLC outputs are taken');
  assert.equal(s.justice_first.spends.length, 3);
  for (const [sweep, htlc] of [[s.sweep_success, s.htlc_success], [s.sweep_timeout, s.htlc_timeout]]) {
    assert.equal(sweep.parent, htlc.txid);
    assert.equal(sweep.csv, 0, 'no delay: the revocation key');
    assert.equal(sweep.cltv, 0);
  }
  await accept('justice without the HTLC outputs', s.justice);
  await accept('sweep of the HTLC-success output', s.sweep_success);
  await accept('sweep of the HTLC-timeout output', s.sweep_timeout);
  await accept('to_remote sweep', s.to_remote_sweep);
  await mineAndCheck([s.justice.txid, s.sweep_success.txid, s.sweep_timeout.txid, s.to_remote_sweep.txid]);

  // Nothing of the revoked commitment nor of the HTLC txs is left unspent.
  for (let i = 0; i < 4; i += 1) assert.equal(await utxo(s.revoked.txid, i), null);
  assert.equal(await utxo(s.htlc_success.txid, 0), null);
  assert.equal(await utxo(s.htlc_timeout.txid, 0), null);
  // The honest side got the whole channel less the commitment's fee, the cheater's two HTLC
  // txs' fees and its own sweeps' fees.
  const justice = await checkSweepFee('justice', s.justice.txid, 1);
  const success = await checkSweepFee('sweep of the HTLC-success output', s.sweep_success.txid, 1);
  const timeout = await checkSweepFee('sweep of the HTLC-timeout output', s.sweep_timeout.txid, 1);
  assert.equal(success.out + success.paid, 30000n - HTLC_SUCCESS_FEE);
  assert.equal(timeout.out + timeout.paid, 40000n - HTLC_TIMEOUT_FEE);
  const toRemoteVout = (await node.rpc('getrawtransaction', s.to_remote_sweep.txid, true)).vin[0].vout;
  const toRemote = BigInt(s.revoked.outputs[toRemoteVout].value);
  const toLocal = justice.out + justice.paid;
  assert.equal(toLocal + 30000n + 40000n + toRemote + fee(724 + 2 * 172), FUNDING);
  for (const t of [s.justice, s.sweep_success, s.sweep_timeout]) {
    assert.equal((await utxo(t.txid, 0)).script, t.outputs[0].script, 'paid to the honest side');
  }
});
