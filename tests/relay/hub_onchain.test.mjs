// The hub resolves its channels on chain by itself (issue 13 item 4, relay/hub/chain_watch.h):
// the rig of hub_chain_rig.mjs (a real bcoin regtest node, datt-relay --hub true with the
// bridge, wasm clients funding their channels with real transactions). A client's own signed
// commitment (what a browser would broadcast to close alone) comes from
// tests/core/channel/onchain_harness; everything the hub does on chain it does alone.
//   (a) A broadcasts a REVOKED commitment (the one holding an HTLC A offered, revoked when
//       the hub failed it back), while the relay is down: after the restart the hub finds
//       the spend by scanning again from the funding's block, and its justice transaction
//       (A's to_local and the HTLC output: the hub stored that revoked commitment's HTLCs)
//       and its to_remote sweep are mined: they spend exactly those outputs, whose values
//       are the channel's balances less the commitment fee, to the hub's own script: the
//       whole channel less four fees. A is told hub_channel_closed_onchain on reattaching.
//   (b)+(c) The hub offers B an HTLC (A pays B through the hub, B holds it); B closes alone
//       with its commitment holding it. The hub sees the spend and stores its resolution; the
//       relay is killed (SIGKILL) before the HTLC's expiry, restarted on the same database;
//       once the chain reaches the expiry the restarted hub broadcasts its stored claim, which
//       is mined and takes the HTLC's amount back (less its fee) to the hub's script, as the
//       sweep of its to_remote takes its balance (B's unilateral close: the hub's balance
//       swept at once, the channel closed for the hub).
// Not here: a cooperative close (the wasm client has no shutdown operation yet).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { hex, openParams } from './hub_clients.mjs';
import {
  ChainRig, HTLC_COMMITMENT_FEE, assertSweepFee, datt, metric, metrics, sleep, until,
} from './hub_chain_rig.mjs';

describe('the hub resolves its channels on chain (bcoin regtest)', { timeout: 900000 }, () => {
  const rig = new ChainRig('datt-hub-onchain-');
  before(() => rig.start());
  after(() => rig.stop());

  it('(a) a revoked commitment mined while the relay is down is punished after the restart', async () => {
    const FUNDING = 500000n;
    const PUSH_MSAT = 100000000n; // the hub's balance: 100,000 sat
    const a = await rig.fundedChannel('A', Number(FUNDING), PUSH_MSAT, rig.coins[0]);
    assert.equal(BigInt(a.info().to_local_msat), FUNDING * 1000n - PUSH_MSAT);
    // An HTLC to a channel the hub does not have: added, committed, failed back. A's
    // commitment holding it is revoked on the way; the balances end where they were.
    const HTLC_SATS = 5000n;
    a.take(datt.channel.addHtlc(a.state, a.seed, {
      amount_msat: HTLC_SATS * 1000n, payment_hash: hex(randomBytes(32)), cltv_expiry: (await rig.height()) + 100, block_height: 0,
      hop: { final: false, channel_id: hex(randomBytes(32)), amount_msat: 4000000n, cltv_expiry: (await rig.height()) + 50 },
    }));
    await until([a], () => a.events.some((e) => e.type === 'htlc_failed') && a.info().htlcs === 0 &&
      !a.info().has_changes_to_sign, 'the HTLC failed back');
    await sleep(500);
    while (a.step());
    assert.equal(BigInt(a.info().to_local_msat), FUNDING * 1000n - PUSH_MSAT);

    assert.ok(a.htlcState, 'A had a commitment holding the HTLC');
    const revoked = await rig.ask({ cmd: 'commitment', state: hex(a.htlcState), seed: hex(a.seed) });
    const current = await rig.ask({ cmd: 'commitment', state: hex(a.state), seed: hex(a.seed) });
    assert.ok(current.number > revoked.number, 'the commitment moved on');
    // The revoked commitment pays A's and the hub's balances and the HTLC, less the fee (A funded).
    const toLocal = FUNDING - PUSH_MSAT / 1000n - HTLC_SATS - HTLC_COMMITMENT_FEE;
    const toRemote = PUSH_MSAT / 1000n;
    const values = revoked.outputs.map((o) => BigInt(o.value)).sort((x, y) => (x < y ? -1 : 1));
    assert.deepEqual(values, [HTLC_SATS, toRemote, toLocal]);

    // The relay goes down; A broadcasts its old commitment and it is mined.
    await rig.relay.stop();
    const direct = await rig.node.rpc('sendrawtransaction', [revoked.hex]);
    assert.equal(direct, revoked.txid);
    await rig.mine(1);
    await rig.startRelay();

    const hubTxs = await rig.waitForSpends(revoked.txid, 2, 'the justice transaction and the to_remote sweep');
    const toLocalIndex = revoked.outputs.findIndex((o) => BigInt(o.value) === toLocal);
    const toRemoteIndex = revoked.outputs.findIndex((o) => BigInt(o.value) === toRemote);
    const htlcIndex = revoked.outputs.findIndex((o) => BigInt(o.value) === HTLC_SATS);
    const justice = hubTxs.find((t) => t.vin.some((i) => i.vout === toLocalIndex));
    const sweep = hubTxs.find((t) => t.vin.some((i) => i.vout === toRemoteIndex));
    assert.ok(justice && sweep && justice !== sweep, 'one justice transaction, one sweep');
    assert.deepEqual(justice.vin.map((i) => i.vout).sort(), [toLocalIndex, htlcIndex].sort(), 'justice takes to_local and the HTLC');
    assert.equal(sweep.vin.length, 1);
    assert.equal(justice.vout.length, 1);
    assert.equal(sweep.vout.length, 1);
    // Both pay the hub's own P2WPKH script, not A's.
    const hubScript = justice.vout[0].scriptPubKey.hex;
    assert.match(hubScript, /^0014[0-9a-f]{40}$/);
    assert.equal(sweep.vout[0].scriptPubKey.hex, hubScript);
    assert.notEqual(hubScript, openParams(1, 0n).shutdown_script);
    const justiceFee = assertSweepFee(justice, toLocal + HTLC_SATS, 2);
    const sweepFee = assertSweepFee(sweep, toRemote, 1);
    // The whole channel, less the commitment's fee and the hub's two fees, goes to the hub.
    assert.equal(justice.vout[0].valueSats + sweep.vout[0].valueSats, FUNDING - HTLC_COMMITMENT_FEE - justiceFee - sweepFee);
    await rig.mine(1);
    await sleep(1500);
    assert.equal(await rig.node.rpc('gettxout', [revoked.txid, toLocalIndex, true]), null, 'the to_local output is spent');
    assert.deepEqual((await rig.spendsOf(revoked.txid, 1)).map((t) => t.txid).sort(), [justice.txid, sweep.txid].sort());
    const m = await metrics(rig.relay.port);
    assert.equal(metric(m, 'datt_hub_onchain_spends_total{kind="revoked_commitment"}'), 1);
    assert.ok(metric(m, 'datt_hub_onchain_broadcasts_total{kind="justice"}') >= 1);

    // A comes back: the channel is closed on chain.
    await rig.reattach(a);
    await until([a], () => a.hubErrors.length > 0, 'the refusal of channel_reestablish');
    assert.match(a.hubErrors[0], /^hub_channel_closed_onchain: /);
  });

  it('(b, c) an HTLC offered to B who closes alone is taken back after its expiry, across a kill -9', async () => {
    const A_FUNDING = 400000;
    const B_FUNDING = 300000n;
    const B_PUSH_MSAT = 200000000n; // the hub's balance in B's channel: 200,000 sat
    const a = await rig.fundedChannel('A2', A_FUNDING, 0n, rig.coins[1]);
    const b = await rig.fundedChannel('B', Number(B_FUNDING), B_PUSH_MSAT, rig.coins[2]);
    const tip = await rig.height();
    const HTLC_MSAT = 40000000n; // 40,000 sat to B, B never releases the preimage
    const expiry = tip + 25; // above the hub's hold margin (20 blocks)
    const fees = { base_msat: 1000, proportional_millionths: 1000 }; // the relay's defaults
    const toSend = datt.channel.amountWithFee(fees, HTLC_MSAT);
    a.take(datt.channel.addHtlc(a.state, a.seed, {
      amount_msat: toSend, payment_hash: hex(createHash('sha256').update(randomBytes(32)).digest()),
      cltv_expiry: expiry + 40, block_height: 0,
      hop: { final: false, channel_id: b.info().channel_id, amount_msat: HTLC_MSAT, cltv_expiry: expiry },
    }));
    await until([a, b], () => b.events.some((e) => e.type === 'htlc_received') && b.info().htlcs === 1 &&
      !b.info().has_changes_to_sign && !a.info().has_changes_to_sign, 'the HTLC offered to B');
    await sleep(1000);
    for (const c of [a, b]) while (c.step());
    assert.equal(b.info().htlcs, 1);

    // B closes alone with its commitment holding the HTLC.
    const commitment = await rig.ask({ cmd: 'commitment', state: hex(b.state), seed: hex(b.seed) });
    const bToLocal = B_FUNDING - B_PUSH_MSAT / 1000n - HTLC_COMMITMENT_FEE;
    const hubBalance = B_PUSH_MSAT / 1000n - HTLC_MSAT / 1000n;
    const byValue = (v) => commitment.outputs.findIndex((o) => BigInt(o.value) === v);
    const htlcIndex = byValue(HTLC_MSAT / 1000n);
    const toRemoteIndex = byValue(hubBalance);
    assert.ok(htlcIndex >= 0 && toRemoteIndex >= 0 && byValue(bToLocal) >= 0, JSON.stringify(commitment.outputs));
    await rig.broadcast(commitment.hex);
    await rig.mine(1);
    const commitmentHeight = await rig.height();
    // The hub sees it and stores what to do (spends_total counts once the record is made).
    const deadline = Date.now() + 60000;
    while (metric(await metrics(rig.relay.port), 'datt_hub_onchain_spends_total{kind="remote_commitment"}') !== 1) {
      assert.ok(Date.now() < deadline, 'the hub saw B\'s commitment');
      await sleep(250);
    }
    await until([b], () => b.hubErrors.some((e) => e.startsWith('hub_channel_closed_onchain: ')), 'B told of the close');
    // Not due yet: the claim waits for the expiry.
    assert.ok(await rig.height() < expiry);
    await sleep(1000);
    assert.equal((await rig.spendsOf(commitment.txid)).filter((t) => t.vin.some((i) => i.vout === htlcIndex)).length, 0);

    // kill -9, restart on the same database, then the chain reaches the expiry.
    await rig.restart({ hard: true });
    await rig.mineTo(expiry + 1);
    // In the mempool or mined already (the sweep was due at once, before the kill).
    const found = await rig.waitForSpends(commitment.txid, 2, 'the claim of the HTLC and the to_remote sweep', 90000,
      expiry + 2 - commitmentHeight);
    const claim = found.find((t) => t.vin.some((i) => i.vout === htlcIndex));
    const sweep = found.find((t) => t.vin.some((i) => i.vout === toRemoteIndex));
    assert.ok(claim && sweep, 'the hub claims its HTLC and sweeps its balance');
    assert.equal(claim.locktime, expiry);
    assert.equal(claim.vout.length, 1);
    assert.equal(sweep.vout[0].scriptPubKey.hex, claim.vout[0].scriptPubKey.hex);
    assertSweepFee(claim, HTLC_MSAT / 1000n, 1);
    assertSweepFee(sweep, hubBalance, 1);
    await rig.mine(1);
    await sleep(1500);
    assert.equal(await rig.node.rpc('gettxout', [commitment.txid, htlcIndex, true]), null);
    const mined = (await rig.spendsOf(commitment.txid, expiry + 3 - commitmentHeight)).map((t) => t.txid);
    assert.ok(mined.includes(claim.txid) && mined.includes(sweep.txid), 'both mined');
  });
});
