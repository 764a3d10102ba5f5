// Cooperative close from a wasm client (datt.channel.shutdown) against a real datt-relay hub
// over real WebSockets on 127.0.0.1: the fee negotiation runs to the `closed` event, whose
// transaction (signed by both) spends the funding outpoint and pays each side its balance,
// the funder (the client) paying the agreed fee. With a payment in flight, shutdown waits for
// it (BOLT-2): no new HTLC is accepted, the close comes once the HTLC is settled.
// Also: wrongly typed arguments to datt.channel come back as channel_bad_args (the binding
// must not throw: the wasm build cannot catch a C++ exception) and the module keeps working.
// --hub-minimum-depth 0: no chain here; the broadcast of the closing transaction on bcoin is
// in tests/e2e/channels.test.mjs.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, test } from 'node:test';

import { loadWasmDatt } from '../support/vectors.mjs';
import { Client, hex, nip11, open, openParams, quiet, until, useDatt } from './hub_clients.mjs';
import { startRelay } from './support.mjs';

const datt = await loadWasmDatt();
useDatt(datt);
const relays = [];
after(async () => { for (const r of relays) await r.stop(); });

const closedEvent = (c) => c.events.find((e) => e.type === 'closed');

/** Checks a `closed` event's transaction against the channel it closes; returns the fee. */
function checkClosing(client, closed, localSats, remoteSats) {
  const info = client.info();
  const tx = datt.bitcoin.parseTransaction(datt.hexToBytes(closed.tx));
  assert.equal(tx.inputs.length, 1);
  assert.equal(tx.inputs[0].txid, info.funding_txid, 'spends the funding outpoint');
  assert.equal(tx.inputs[0].vout, info.funding_vout);
  assert.equal(tx.inputs[0].witness.length, 4, 'both signatures and the funding script: signed by both');
  assert.equal(datt.bitcoin.transactionInfo(tx).txid, closed.txid);
  const ours = closed.outputs.find((o) => o.script === openParams(0, 0n).shutdown_script);
  const theirs = closed.outputs.find((o) => o !== ours);
  assert.ok(ours && theirs && closed.outputs.length === 2);
  assert.equal(theirs.sats, remoteSats, 'the hub gets its whole balance');
  const fee = localSats - ours.sats;   // the funder pays the closing fee
  assert.ok(fee >= 500 && fee <= 5000, `fee ${fee} within our range`);
  assert.equal(info.closing_fee_sats, fee);
  assert.deepEqual(info.closing, { tx: closed.tx, txid: closed.txid, outputs: closed.outputs });
  return fee;
}

test('shutdown from a wasm client: closing_signed agreed with the hub, the closed event carries the signed tx', { timeout: 60000 }, async () => {
  const relay = await startRelay({ args: ['--hub', 'true', '--hub-minimum-depth', '0'] });
  relays.push(relay);
  const a = new Client('A');
  await open(a, relay.url, 1000000, 200000000n);   // 200,000 sat on the hub's side
  assert.equal(a.info().shutdown_sent, false);
  assert.equal(a.info().peer_to_self_delay, 144, 'the delay A asked for on the hub\'s to_local');
  a.take(datt.channel.shutdown(a.state, a.seed));
  assert.equal(a.info().shutdown_sent, true);
  await until([a], () => closedEvent(a), 'the closing negotiation');
  assert.equal(a.info().phase, 5, 'kClosed');
  checkClosing(a, closedEvent(a), 800000, 200000);
  // A second shutdown is refused, the state unchanged.
  assert.throws(() => datt.channel.shutdown(a.state, a.seed), (e) => e.code === 'channel_wrong_phase');
  a.close();
});

test('shutdown with a payment in flight waits for it; no HTLC after shutdown', { timeout: 60000 }, async () => {
  const relay = await startRelay({ args: ['--hub', 'true', '--hub-minimum-depth', '0'] });
  relays.push(relay);
  const fees = (await nip11(relay.port)).fees.channel;
  const a = new Client('A');
  const b = new Client('B');
  await open(a, relay.url, 1000000, 0n);
  await open(b, relay.url, 1000000, 500000000n);
  // B holds the preimage back: the HTLC stays in flight on A's channel.
  const preimage = randomBytes(32);
  const hash = createHash('sha256').update(preimage).digest('hex');
  const amount = 30000000n;
  const toSend = datt.channel.amountWithFee(fees, amount);
  a.take(datt.channel.addHtlc(a.state, a.seed, {
    amount_msat: toSend, payment_hash: hash, cltv_expiry: 1040, block_height: 0,
    hop: { final: false, channel_id: b.info().channel_id, amount_msat: amount, cltv_expiry: 1000 },
  }));
  await until([a, b], () => a.info().htlcs === 1 && !a.info().has_changes_to_sign &&
    b.events.some((e) => e.type === 'htlc_received'), 'the HTLC committed and offered to B');
  a.take(datt.channel.shutdown(a.state, a.seed));
  await until([a, b], () => a.info().remote_shutdown, 'the hub\'s shutdown');
  assert.equal(closedEvent(a), undefined, 'no closing_signed while an HTLC is in flight');
  assert.throws(() => datt.channel.addHtlc(a.state, a.seed, {
    amount_msat: toSend, payment_hash: hex(randomBytes(32)), cltv_expiry: 1040, block_height: 0,
    hop: { final: false, channel_id: b.info().channel_id, amount_msat: amount, cltv_expiry: 1000 },
  }), (e) => e.code === 'channel_shutting_down');
  // B releases the preimage: the HTLC settles, then the close completes.
  const received = b.events.find((e) => e.type === 'htlc_received');
  b.take(datt.channel.fulfill(b.state, b.seed, received.id, hex(preimage)));
  await until([a, b], () => closedEvent(a) && quiet(b), 'the close after the HTLC settled');
  assert.equal(a.events.find((e) => e.type === 'htlc_fulfilled').preimage, hex(preimage));
  const local = 1000000000n - toSend;
  const remote = toSend;
  assert.equal(local % 1000n, 0n, 'whole sats on both sides here');
  checkClosing(a, closedEvent(a), Number(local / 1000n), Number(remote / 1000n));
  a.close();
  b.close();
});

test('wrongly typed arguments are channel_bad_args, not a crash of the module', { timeout: 30000 }, () => {
  const seed = randomBytes(32);
  const good = openParams(1000000, 0n);
  const refused = (params, what) => assert.throws(() => datt.channel.open(seed, params),
    (e) => e.code === 'channel_bad_args' && e.message.includes(what), what);
  refused({ ...good, funding_sats: '1000000' }, 'funding_sats');          // a string for a number
  refused({ ...good, funding_sats: 1000000.5 }, 'funding_sats');          // not an integer
  refused({ ...good, to_self_delay: 70000 }, 'to_self_delay');            // over u16
  refused({ ...good, feerate_per_kw: -1 }, 'feerate_per_kw');             // below u32
  refused({ ...good, max_accepted_htlcs: true }, 'max_accepted_htlcs');   // a boolean for a number
  refused({ ...good, shutdown_script: 12 }, 'shutdown_script');           // a number for a string
  refused({ ...good, push_msat: 5 }, 'push_msat');                        // msat are decimal strings
  const step = datt.channel.open(seed, good);   // the module still works
  assert.equal(step.frames.length, 1);
  const htlc = { amount_msat: '1000', payment_hash: '00'.repeat(32), cltv_expiry: 100, block_height: 0 };
  for (const hop of ['x', null, [1], { final: 1, channel_id: '00'.repeat(32), amount_msat: '1', cltv_expiry: 1 }]) {
    assert.throws(() => datt.channel.addHtlc(step.state, seed, { ...htlc, hop }), (e) => e.code === 'channel_bad_args');
  }
  assert.throws(() => datt.channel.funding(step.state, seed, { txid: '00'.repeat(32), vout: 'zero' }),
    (e) => e.code === 'channel_bad_args');
  assert.equal(datt.channel.info(step.state).phase, 0, 'kAwaitingAccept, unchanged and readable');
});
