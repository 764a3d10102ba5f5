// The hub goes on chain by itself when an HTLC's deadline needs it, and settles the payer's
// HTLC from what the chain shows (issue 13 items 2, 4, 6; relay/hub/force_close.h), with the
// rig of hub_chain_rig.mjs (a real bcoin regtest node, datt-relay --hub true with the
// bridge, wasm clients funding their channels with real transactions). The relay's defaults:
// close 2 blocks after an offered HTLC's expiry, 18 blocks before the expiry of one it can
// fulfil, fail back after 6 confirmations of its timeout.
//   (a) B takes A's payment and goes silent (attached, answering nothing) past the expiry:
//       at expiry + 2 the hub stores its decision and broadcasts its own commitment of B's
//       channel; the relay is killed (SIGKILL) the moment it logs the decision and restarted
//       on the same database: the same commitment is mined (decided once, or again from the
//       same state). The hub's HTLC-timeout is mined once the chain allows, and after its 6th
//       confirmation, not before, A's payment is failed back: A's balance is whole again.
//   (b) B fulfils while the payer A is away: the hub holds the preimage and waits; 18 blocks
//       before A's HTLC expires it closes A's channel with its commitment and takes the HTLC
//       with its HTLC-success (the preimage in its witness), exact to the sat. A's channel
//       can never take the fulfil: the forward's row stays until A's commitment has 6
//       confirmations, then goes.
//   (c) as (a) with an HTLC under the dust limit: the hub's commitment has no output for it
//       (its amount goes to the fee), so no HTLC-timeout ever settles it; A's payment is
//       failed back once that commitment has 6 confirmations, not before.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { hex } from './hub_clients.mjs';
import { ChainRig, FEERATE, HTLC_COMMITMENT_FEE, datt, sleep, until } from './hub_chain_rig.mjs';

const HTLC_TIMEOUT_WEIGHT = 663n; // BOLT-3, without anchors
const HTLC_SUCCESS_WEIGHT = 703n;

describe('the hub closes on chain by itself at an HTLC deadline (bcoin regtest)', { timeout: 900000 }, () => {
  const rig = new ChainRig('datt-hub-force-', { coins: 6 });
  before(() => rig.start());
  after(() => rig.stop());

  // The one transaction spending `txid`'s output `vout` (mempool, or the last `blocks` blocks).
  async function spenderOf(txid, vout, what, blocks = 0) {
    const deadline = Date.now() + 90000;
    for (;;) {
      const found = (await rig.spendsOf(txid, blocks)).filter((t) => t.vin.some((i) => i.vout === vout));
      if (found.length > 0) {
        assert.equal(found.length, 1, what);
        return found[0];
      }
      assert.ok(Date.now() < deadline, `${what}: relay log ${rig.relay.stderr()}`);
      await sleep(250);
    }
  }

  it('(a) a payee silent past the expiry: the hub closes, times the HTLC out, and fails A back', async () => {
    const A_FUNDING = 400000n;
    const B_FUNDING = 300000n;
    const B_PUSH_MSAT = 200000000n; // the hub's balance in B's channel: 200,000 sat
    const a = await rig.fundedChannel('A', Number(A_FUNDING), 0n, rig.coins[0]);
    const b = await rig.fundedChannel('B', Number(B_FUNDING), B_PUSH_MSAT, rig.coins[1]);
    const HTLC_MSAT = 40000000n;
    const expiry = (await rig.height()) + 25; // above the hub's hold margin (20 blocks)
    const paymentHash = hex(createHash('sha256').update(randomBytes(32)).digest());
    const sent = await rig.pay(a, b, HTLC_MSAT, paymentHash, expiry);
    assert.equal(BigInt(a.info().to_local_msat), A_FUNDING * 1000n - sent);

    // B stays attached and answers nothing from here on (its frames are never read).
    const closes = 'datt_hub_force_closes_total{reason="offered_expired"}';
    await rig.mineTo(expiry + 1);
    await sleep(2000);
    assert.equal(await rig.metric(closes), 0, 'not before expiry + 2');
    assert.equal((await rig.spendsOf(b.fundingTxid)).length, 0);

    // The relay is killed as soon as it logs its decision (before or just after the commit
    // and the broadcast), then restarted on the same database.
    const killed = new Promise((resolve) => {
      rig.relay.process.stderr.on('data', (chunk) => {
        if (String(chunk).includes('closing on chain (offered_expired')) {
          rig.relay.process.kill('SIGKILL');
          resolve();
        }
      });
    });
    await rig.mineTo(expiry + 2);
    await Promise.race([killed, sleep(60000).then(() => assert.fail(`no decision: ${rig.relay.stderr()}`))]);
    await rig.restart({ hard: true });
    await rig.reattach(a);
    await until([a], () => a.info().can_update, 'A reattached');

    // The hub's commitment of B's channel: the hub's 160,000 sat, B's balance less the fee
    // (B funded), the HTLC.
    const [commitment] = await rig.waitForSpends(b.fundingTxid, 1, 'the hub\'s commitment', 90000);
    const hubBalance = B_PUSH_MSAT / 1000n - HTLC_MSAT / 1000n;
    const bBalance = B_FUNDING - B_PUSH_MSAT / 1000n - HTLC_COMMITMENT_FEE;
    const values = commitment.vout.map((o) => o.valueSats).sort((x, y) => (x < y ? -1 : 1));
    assert.deepEqual(values, [HTLC_MSAT / 1000n, bBalance, hubBalance]);
    const htlcIndex = commitment.vout.findIndex((o) => o.valueSats === HTLC_MSAT / 1000n);
    await rig.mine(1);
    await rig.metricUntil('datt_hub_onchain_spends_total{kind="local_commitment"}', 1, 'the chain watch saw it');

    // Its HTLC-timeout (lock time = the expiry, already passed), at the pre-signed fee.
    const timeout = await spenderOf(commitment.txid, htlcIndex, 'the hub\'s HTLC-timeout');
    assert.equal(timeout.locktime, expiry);
    assert.equal(timeout.vout.length, 1);
    assert.equal(timeout.vout[0].valueSats, HTLC_MSAT / 1000n - (FEERATE * HTLC_TIMEOUT_WEIGHT) / 1000n);
    await rig.mine(1);
    const minedAt = await rig.height();
    assert.equal(await rig.node.rpc('gettxout', [commitment.txid, htlcIndex, true]), null, 'the HTLC output is spent');
    assert.deepEqual((await rig.spendsOf(commitment.txid, 1)).map((t) => t.txid), [timeout.txid]);

    await rig.failedBackAtSixth(a, minedAt, A_FUNDING * 1000n);
    assert.equal(BigInt(a.info().to_remote_msat), 0n);
    // B, attached and silent, was told of the close before the kill or sees it now.
    await rig.reattach(b);
    await until([b], () => b.hubErrors.some((e) => e.startsWith('hub_channel_closed_onchain: ')), 'B told of the close');
  });

  it('(b) the payer away with a fulfilled payment: the hub takes the HTLC on chain with the preimage', async () => {
    const A_FUNDING = 400000n;
    const B_FUNDING = 300000n;
    const B_PUSH_MSAT = 200000000n;
    const a = await rig.fundedChannel('A2', Number(A_FUNDING), 0n, rig.coins[2]);
    const b = await rig.fundedChannel('B2', Number(B_FUNDING), B_PUSH_MSAT, rig.coins[3]);
    const HTLC_MSAT = 30000000n;
    const expiry = (await rig.height()) + 25;
    const preimage = randomBytes(32);
    const paymentHash = hex(createHash('sha256').update(preimage).digest());
    const sent = await rig.pay(a, b, HTLC_MSAT, paymentHash, expiry);

    // A goes away; then B fulfils: the hub holds the preimage, A's HTLC waits for A.
    a.ws.terminate();
    a.take(datt.channel.disconnected(a.state, a.seed));
    const received = b.events.find((e) => e.type === 'htlc_received');
    b.take(datt.channel.fulfill(b.state, b.seed, received.id, hex(preimage)));
    await until([b], () => b.info().htlcs === 0 && !b.info().has_changes_to_sign, 'B\'s fulfilment', 30000);
    await sleep(1000);
    while (b.step());
    assert.equal(BigInt(b.info().to_local_msat), B_FUNDING * 1000n - B_PUSH_MSAT + HTLC_MSAT);

    const closes = 'datt_hub_force_closes_total{reason="fulfilled_expiring"}';
    const inExpiry = expiry + 40;
    await rig.mineTo(inExpiry - 19);
    await sleep(2000);
    assert.equal(await rig.metric(closes), 0, 'not before 18 blocks from the expiry');
    assert.equal((await rig.spendsOf(a.fundingTxid)).length, 0);
    await rig.mineTo(inExpiry - 18);
    await rig.metricUntil(closes, 1, 'the hub closes A\'s channel');

    // The hub's commitment of A's channel: A's balance less the fee (A funded), the HTLC.
    const [commitment] = await rig.waitForSpends(a.fundingTxid, 1, 'the hub\'s commitment of A\'s channel');
    const htlcSats = sent / 1000n;
    const values = commitment.vout.map((o) => o.valueSats).sort((x, y) => (x < y ? -1 : 1));
    // The hub has nothing but the HTLC in A's channel: its to_local is absent.
    assert.deepEqual(values, [htlcSats, A_FUNDING - htlcSats - HTLC_COMMITMENT_FEE].sort((x, y) => (x < y ? -1 : 1)));
    const htlcIndex = commitment.vout.findIndex((o) => o.valueSats === htlcSats);
    await rig.mine(1);

    // Its HTLC-success: no lock time, the preimage in the witness, the pre-signed fee.
    const success = await spenderOf(commitment.txid, htlcIndex, 'the hub\'s HTLC-success');
    assert.equal(success.locktime, 0);
    assert.equal(success.vout.length, 1);
    assert.equal(success.vout[0].valueSats, htlcSats - (FEERATE * HTLC_SUCCESS_WEIGHT) / 1000n);
    assert.equal(success.vin.length, 1);
    assert.ok(success.vin[0].txinwitness.includes(preimage.toString('hex')), 'the preimage is in its witness');
    await rig.mine(1);
    assert.equal(await rig.node.rpc('gettxout', [commitment.txid, htlcIndex, true]), null, 'the HTLC is the hub\'s');
    assert.ok((await rig.spendsOf(commitment.txid, 1)).some((t) => t.txid === success.txid), 'mined');

    // The forward's row (B's side fulfilled, A's closed on chain): kept through the 5th
    // confirmation of A's commitment, deleted at the 6th.
    const commitmentHeight = (await rig.height()) - 1;
    await rig.mineTo(commitmentHeight + 4);
    await sleep(2000);
    assert.equal(rig.storedForwards(), 1, 'kept before 6 confirmations');
    await rig.mine(1);
    const deadline = Date.now() + 30000;
    while (rig.storedForwards() !== 0 && Date.now() < deadline) await sleep(250);
    assert.equal(rig.storedForwards(), 0, 'the forward of a closed payer channel is deleted');

    // A comes back: the channel is closed on chain.
    await rig.reattach(a);
    await until([a], () => a.hubErrors.length > 0, 'the refusal of channel_reestablish');
    assert.match(a.hubErrors[0], /^hub_channel_closed_onchain: /);
  });

  it('(c) an HTLC with no output on the commitment mined (dust): A is failed back once it is final', async () => {
    const B_FUNDING = 300000n;
    const B_PUSH_MSAT = 200000000n;
    const a = await rig.fundedChannel('A3', 400000, 0n, rig.coins[4]);
    const b = await rig.fundedChannel('B3', Number(B_FUNDING), B_PUSH_MSAT, rig.coins[5]);
    const A_MSAT = BigInt(a.info().to_local_msat);
    const HTLC_MSAT = 1500000n; // 1,500 sat: under 546 + the HTLC-timeout's fee, trimmed
    const expiry = (await rig.height()) + 25;
    const paymentHash = hex(createHash('sha256').update(randomBytes(32)).digest());
    const sent = await rig.pay(a, b, HTLC_MSAT, paymentHash, expiry);
    const closes = 'datt_hub_force_closes_total{reason="offered_expired"}';
    const spends = 'datt_hub_onchain_spends_total{kind="local_commitment"}';
    const [closesBefore, spendsBefore] = [await rig.metric(closes), await rig.metric(spends)];

    await rig.mineTo(expiry + 2);
    await rig.metricUntil(closes, closesBefore + 1, 'the hub closes B\'s channel');
    const [commitment] = await rig.waitForSpends(b.fundingTxid, 1, 'the hub\'s commitment', 90000);
    // Two outputs: the hub's balance less the HTLC, B's less the fee of a commitment without
    // HTLC outputs; the HTLC's 1,500 sat are in the fee.
    const values = commitment.vout.map((o) => o.valueSats).sort((x, y) => (x < y ? -1 : 1));
    assert.deepEqual(values, [B_FUNDING - B_PUSH_MSAT / 1000n - (FEERATE * 724n) / 1000n,
      B_PUSH_MSAT / 1000n - HTLC_MSAT / 1000n]);
    await rig.mine(1);
    const minedAt = await rig.height();
    await rig.metricUntil(spends, spendsBefore + 1, 'the chain watch saw it');

    assert.equal(BigInt(a.info().to_local_msat), A_MSAT - sent);
    await rig.failedBackAtSixth(a, minedAt, A_MSAT);
  });
});
