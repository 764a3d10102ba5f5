// The hub resolves its channels on chain by itself (issue 13 item 4, relay/hub/chain_watch.h):
// datt-relay --hub true (minimum depth 3) with a real bcoin regtest node, both on 127.0.0.1,
// started and stopped by the rig of hub_chain_rig.mjs; clients are the wasm module's channel
// machines over real WebSockets, funding their channels with real transactions.
// A client's own signed commitment (what a browser would broadcast to close alone) comes from
// tests/core/channel/onchain_harness ("commitment": its stored state and seed in, the signed
// transaction out); everything the hub does on chain it does alone.
//   (a) A broadcasts a REVOKED commitment (the one holding an HTLC A offered, revoked when
//       the hub failed it back), while the relay is down: after the restart the hub finds
//       the spend by scanning again from the funding's block, and its justice transaction
//       (A's to_local and the HTLC output: the hub stored that revoked commitment's HTLCs)
//       and its to_remote sweep are mined: they spend exactly those outputs, whose values
//       are the channel's balances less the commitment fee, to the hub's own script: the
//       whole channel less four fees. A is told hub_channel_closed_onchain on reattaching.
//   (f) The same cheat, and A's own HTLC-timeout of that commitment (at the HTLC's expiry)
//       mined in the same block, while the relay is down: after the restart the hub's first
//       justice tx is refused (its HTLC input is spent); it resolves again
//       (relay/hub/revoked_htlc_txs.h): a justice tx of to_local alone and the timeout's
//       output taken with the revocation key, mined with the to_remote sweep: the whole
//       channel less the commitment's and the timeout's fees and the hub's three.
//   (g) The hub forwards A's payment to B; B's next change revokes its commitment holding
//       that HTLC, and B broadcasts it: the hub's justice tx takes B's balance and the HTLC
//       output, and once it has 6 confirmations (not 5) A's HTLC fails back, over 40 blocks
//       before its expiry (the early fail-back rule, relay/hub/onchain_fail_back.h).
//   (h) Like (f), with the relay up and a second HTLC in A's old commitment (a payment to
//       B through the hub, held by B): it is mined and the hub's justice tx waits in the
//       mempool through 110 blocks that hold none of it (a miner ignoring it,
//       tests/support/miner.mjs), the last holding A's HTLC-timeout of the first HTLC: the
//       rebuilt justice tx takes to_local and the other HTLC output (the hub kept its revoked
//       lists past 100 blocks while its justice tx waited; it took to_local alone before).
//       Halfway, the relay restarts on a record rewritten as version 2 (without the
//       commitment's bytes, as a relay of before them stored it): the restarted hub's rescan
//       from the spend's block gives them back (the row is the version 4 record again). The
//       hub bumps the waiting justice tx's fee from +72 (i), which bcoin refuses (the first
//       stays in its mempool); the rebuilt one after the timeout pays the channel's feerate.
//   (i) A broadcasts a revoked commitment without HTLCs; the hub's justice tx (to_local) is
//       kept out of blocks by a miner ignoring it: up to 71 blocks later the hub leaves it;
//       at 72 (half the to_self_delay of 144 it imposed: relay/hub/justice_fee_bump.h) it
//       stores its replacement at twice the feerate, exactly the resolver's justice tx at
//       5,000 sat/kw from the hub's stored channel (the wasm module given the hub's row),
//       same input and script, fee exactly that feerate on its weight and at least 1 sat/vB
//       over the first; bcoin 1.0.2 (no BIP-125) keeps the first in its mempool; a miner
//       that takes replacements mines the new one, and the hub's record holds it confirmed.
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

import { loadWasmDatt } from '../support/vectors.mjs';
import { btc, btcEvent } from './bitcoin_support.mjs';
import { hex, openParams } from './hub_clients.mjs';
import {
  ChainRig, FEERATE, HTLC_COMMITMENT_FEE, MNEMONIC, assertSweepFee, datt, decode, key, metric, metrics, sleep, until,
} from './hub_chain_rig.mjs';
import { connect } from './support.mjs';

describe('the hub resolves its channels on chain (bcoin regtest)', { timeout: 900000 }, () => {
  const rig = new ChainRig('datt-hub-onchain-', { coins: 11 });
  before(() => rig.start());
  after(() => rig.stop());

  // An HTLC to a channel the hub does not have: added, committed, failed back. The
  // commitments holding it (both sides') are revoked on the way, as are those before it; the
  // balances end where they were.
  async function htlcFailedBack(c, sats, expiresIn = 100) {
    const tip = await rig.height();
    const held = c.info().htlcs;
    c.take(datt.channel.addHtlc(c.state, c.seed, {
      amount_msat: sats * 1000n, payment_hash: hex(randomBytes(32)), cltv_expiry: tip + expiresIn, block_height: 0,
      hop: { final: false, channel_id: hex(randomBytes(32)), amount_msat: 4000000n, cltv_expiry: tip + expiresIn / 2 },
    }));
    await until([c], () => c.events.some((e) => e.type === 'htlc_failed') && c.info().htlcs === held &&
      !c.info().has_changes_to_sign, 'the HTLC failed back');
    await sleep(500);
    while (c.step());
  }

  // The bridge's `spend` of the client's funding output: the transaction's bytes come with it.
  async function fundingSpendSeen(c, watcher) {
    const watching = await btc(watcher, { method: 'watch', outpoints: [{ txid: c.fundingTxid, vout: 0 }] });
    assert.equal(watching[0], 'BTC-OK', JSON.stringify(watching));
    const seen = await watcher.next(btcEvent('spend', (e) => e.outpoint.txid === c.fundingTxid && e.height !== undefined),
      60000, 'the spend of the funding output');
    return seen[1];
  }

  // The client's resolution (datt.channel.resolve: the wasm module, as the browser runs it),
  // again from a new wasm instance given the same stored state (a reload): the same signed
  // transactions. Each is broadcast once the chain allows it and mined.
  async function clientResolves(c, spendEvent, sweepScript) {
    const args = { sweep_script: sweepScript, feerate_per_kw: Number(FEERATE) };
    const tx = Buffer.from(spendEvent.tx, 'hex');
    const resolved = datt.channel.resolve(c.state, c.seed, args, tx);
    assert.equal(resolved.spend_txid, spendEvent.txid, 'the bytes hash to the notified txid');
    const reloaded = (await loadWasmDatt()).channel.resolve(new Uint8Array(c.state), c.seed, args, tx);
    assert.deepEqual(reloaded, resolved);
    const tip = await rig.height();
    for (const t of resolved.to_broadcast) {
      assert.equal(t.parent_txid, spendEvent.txid);
      assert.ok(Math.max(spendEvent.height + Math.max(t.csv, 1), t.cltv + 1) <= tip + 1, `${t.kind} is due`);
      await rig.broadcast(t.tx);
    }
    await rig.mine(1);
    const mempool = await rig.node.rpc('getrawmempool', []);
    const inBlock = (await rig.spendsOf(spendEvent.txid, 1)).map((t) => t.txid).filter((id) => !mempool.includes(id));
    assert.deepEqual(inBlock.sort(), resolved.to_broadcast.map((t) => t.txid).sort(), 'mined');
    return resolved;
  }

  // The hub's `commitment` sent straight to the node and mined: the bridge's spend carries its
  // txid and bytes, and the client resolves it to `sweepScript` (clientResolves).
  async function hubClosesClientResolves(c, commitment, sweepScript) {
    const watcher = await connect(rig.relay.url);
    try {
      const seen = fundingSpendSeen(c, watcher);
      assert.equal(await rig.node.rpc('sendrawtransaction', [commitment.hex]), commitment.txid);
      await rig.mine(1);
      const spend = await seen;
      assert.equal(spend.txid, commitment.txid);
      assert.equal(spend.tx, commitment.hex);
      return await clientResolves(c, spend, sweepScript);
    } finally {
      watcher.close();
    }
  }

  it('(a) a revoked commitment mined while the relay is down is punished after the restart', async () => {
    const FUNDING = 500000n;
    const PUSH_MSAT = 100000000n; // the hub's balance: 100,000 sat
    const a = await rig.fundedChannel('A', Number(FUNDING), PUSH_MSAT, rig.coins[0]);
    assert.equal(BigInt(a.info().to_local_msat), FUNDING * 1000n - PUSH_MSAT);
    const HTLC_SATS = 5000n;
    await htlcFailedBack(a, HTLC_SATS);
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
    await rig.pay(a, b, HTLC_MSAT, hex(createHash('sha256').update(randomBytes(32)).digest()), expiry);

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
    await rig.metricUntil('datt_hub_onchain_spends_total{kind="remote_commitment"}', 1, 'the hub saw B\'s commitment');
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
  it('(d) the hub broadcasts an OLD (revoked) commitment: the client\'s wasm resolver takes the whole channel', async () => {
    const FUNDING = 500000n;
    const PUSH_MSAT = 100000000n; // the hub's balance: 100,000 sat
    const c = await rig.fundedChannel('C', Number(FUNDING), PUSH_MSAT, rig.coins[4]);
    const old = await rig.hubCommitment(c);
    await htlcFailedBack(c, 5000n);
    const current = await rig.hubCommitment(c);
    assert.ok(current.number > old.number, 'the hub\'s commitment moved on: the old one is revoked');
    // The hub's old commitment: its to_local (the hub's 100,000 sat) and C's balance less the fee (C funded).
    const COMMITMENT_FEE = (FEERATE * 724n) / 1000n;
    const hubSats = PUSH_MSAT / 1000n;
    const clientSats = FUNDING - hubSats - COMMITMENT_FEE;
    assert.deepEqual(old.outputs.map((o) => BigInt(o.value)).sort((x, y) => (x < y ? -1 : 1)), [hubSats, clientSats]);

    const sweepScript = key(MNEMONIC, 1, 40).scriptHex; // the client's wallet
    const resolved = await hubClosesClientResolves(c, old, sweepScript);
    assert.equal(resolved.kind, 'revoked_commitment');
    assert.deepEqual(resolved.to_broadcast.map((t) => t.kind).sort(), ['justice', 'to_remote_sweep']);
    const mined = await Promise.all(resolved.to_broadcast.map(async (t) => decode(await rig.node.rpc('getrawtransaction', [t.txid, false]))));
    const justice = mined[resolved.to_broadcast.findIndex((t) => t.kind === 'justice')];
    const sweep = mined[resolved.to_broadcast.findIndex((t) => t.kind === 'to_remote_sweep')];
    for (const t of mined) assert.deepEqual(t.vout.map((o) => o.scriptPubKey.hex), [sweepScript]);
    const justiceFee = assertSweepFee(justice, hubSats, 1);
    const sweepFee = assertSweepFee(sweep, clientSats, 1);
    // The whole channel, less the commitment's fee and the client's two fees, is the client's.
    assert.equal(justice.vout[0].valueSats + sweep.vout[0].valueSats, FUNDING - COMMITMENT_FEE - justiceFee - sweepFee);
    assert.equal(justice.vout[0].valueSats, hubSats - justiceFee);
  });

  it('(e) the hub closes alone with its current commitment: the client sweeps its balance at once', async () => {
    const FUNDING = 400000n;
    const PUSH_MSAT = 50000000n;
    const c = await rig.fundedChannel('D', Number(FUNDING), PUSH_MSAT, rig.coins[5]);
    const commitment = await rig.hubCommitment(c);
    const COMMITMENT_FEE = (FEERATE * 724n) / 1000n;
    const clientSats = FUNDING - PUSH_MSAT / 1000n - COMMITMENT_FEE;
    assert.ok(commitment.outputs.some((o) => BigInt(o.value) === clientSats), 'C\'s balance is an output');

    const sweepScript = key(MNEMONIC, 1, 41).scriptHex;
    const resolved = await hubClosesClientResolves(c, commitment, sweepScript);
    assert.equal(resolved.kind, 'remote_commitment');
    assert.deepEqual(resolved.to_broadcast.map((t) => [t.kind, t.csv, t.cltv]), [['to_remote_sweep', 0, 0]]);
    const sweep = decode(await rig.node.rpc('getrawtransaction', [resolved.to_broadcast[0].txid, false]));
    assert.deepEqual(sweep.vout.map((o) => o.scriptPubKey.hex), [sweepScript]);
    const fee = assertSweepFee(sweep, clientSats, 1);
    assert.equal(sweep.vout[0].valueSats, clientSats - fee);
    assert.equal(BigInt(resolved.to_broadcast[0].sats), clientSats - fee);
  });

  it('(g) B, paid through the hub, broadcasts a revoked commitment holding the HTLC: punished, A failed back early', async () => {
    const A_FUNDING = 300000n;
    const B_FUNDING = 300000n;
    const B_PUSH_MSAT = 200000000n; // the hub's balance in B's channel: 200,000 sat
    const a = await rig.fundedChannel('G-A', Number(A_FUNDING), 0n, rig.coins[6]);
    const b = await rig.fundedChannel('G-B', Number(B_FUNDING), B_PUSH_MSAT, rig.coins[7]);
    const HTLC_MSAT = 40000000n; // 40,000 sat to B, B never releases the preimage
    const expiry = (await rig.height()) + 60;
    await rig.pay(a, b, HTLC_MSAT, hex(createHash('sha256').update(randomBytes(32)).digest()), expiry);
    // B's commitment holding the HTLC, revoked by B's next change (an HTLC of its own, failed back).
    const holding = b.state;
    await htlcFailedBack(b, 5000n);
    const revoked = await rig.ask({ cmd: 'commitment', state: hex(holding), seed: hex(b.seed) });
    const current = await rig.ask({ cmd: 'commitment', state: hex(b.state), seed: hex(b.seed) });
    assert.ok(current.number > revoked.number, 'B\'s commitment moved on');
    const htlcSats = HTLC_MSAT / 1000n;
    const bToLocal = B_FUNDING - B_PUSH_MSAT / 1000n - HTLC_COMMITMENT_FEE; // B funded: B pays the fee
    const hubBalance = B_PUSH_MSAT / 1000n - htlcSats;
    const byValue = (v) => revoked.outputs.findIndex((o) => BigInt(o.value) === v);
    const [toLocalIndex, toRemoteIndex, htlcIndex] = [byValue(bToLocal), byValue(hubBalance), byValue(htlcSats)];
    assert.equal(revoked.outputs.length, 3);
    assert.ok(toLocalIndex >= 0 && toRemoteIndex >= 0 && htlcIndex >= 0, JSON.stringify(revoked.outputs));

    // B broadcasts it: the hub's justice tx takes B's to_local and the HTLC output, its sweep
    // its own balance, both to the hub's script: the whole channel less three fees.
    assert.equal(await rig.node.rpc('sendrawtransaction', [revoked.hex]), revoked.txid);
    await rig.mine(1);
    const hubTxs = await rig.waitForSpends(revoked.txid, 2, 'the justice transaction and the to_remote sweep');
    const justice = hubTxs.find((t) => t.vin.some((i) => i.vout === toLocalIndex));
    const sweep = hubTxs.find((t) => t.vin.some((i) => i.vout === toRemoteIndex));
    assert.ok(justice && sweep && justice !== sweep, JSON.stringify(hubTxs.map((t) => t.vin)));
    assert.deepEqual(justice.vin.map((i) => i.vout).sort(), [toLocalIndex, htlcIndex].sort(), 'justice takes to_local and the HTLC');
    assert.equal(sweep.vout[0].scriptPubKey.hex, justice.vout[0].scriptPubKey.hex);
    const justiceFee = assertSweepFee(justice, bToLocal + htlcSats, 2);
    const sweepFee = assertSweepFee(sweep, hubBalance, 1);
    assert.equal(justice.vout[0].valueSats + sweep.vout[0].valueSats, B_FUNDING - HTLC_COMMITMENT_FEE - justiceFee - sweepFee);
    await rig.mine(1);
    const minedAt = await rig.height();
    assert.deepEqual((await rig.spendsOf(revoked.txid, 1)).map((t) => t.txid).sort(), [justice.txid, sweep.txid].sort());
    const mempool = await rig.node.rpc('getrawmempool', []);
    assert.ok(!mempool.includes(justice.txid) && !mempool.includes(sweep.txid), 'both mined');

    // A's HTLC fails back at the justice tx's 6th confirmation, long before its expiry.
    await rig.failedBackAtSixth(a, minedAt, A_FUNDING * 1000n);
    assert.ok(await rig.height() + 40 < expiry, 'early: not at the HTLC\'s expiry');
  });

  // A channel of `name`'s whose revoked commitment holds an HTLC A offered, expiring
  // `expiresIn` blocks from now, and A's own HTLC-timeout of it: what A cheats with. With
  // `payee` (a coin), A first pays 20,000 sat to a channel of it through the hub, which holds
  // it: that HTLC (20,021 sat with the hub's fee, expiring 40 blocks later) is in the
  // commitment too.
  async function revokedWithTimeout(name, coin, expiresIn, payee = null) {
    const FUNDING = 500000n;
    const PUSH_MSAT = 100000000n;
    const a = await rig.fundedChannel(name, Number(FUNDING), PUSH_MSAT, coin);
    const HTLC_SATS = 30000n;
    let other = 0n;
    if (payee) {
      const b = await rig.fundedChannel(`${name}-B`, 300000, 200000000n, payee);
      const paymentHash = hex(createHash('sha256').update(randomBytes(32)).digest());
      other = (await rig.pay(a, b, 20000000n, paymentHash, (await rig.height()) + expiresIn + 40)) / 1000n;
      assert.equal(other, 20021n);
    }
    const expiry = (await rig.height()) + expiresIn;
    const count = payee ? 2 : 1;
    await htlcFailedBack(a, HTLC_SATS, expiresIn);
    const revoked = await rig.ask({ cmd: 'commitment', state: hex(a.htlcStates[count]), seed: hex(a.seed) });
    assert.equal(revoked.htlc_timeouts.length, count, 'the HTLCs A offered');
    const timeout = revoked.htlc_timeouts.find((t) => BigInt(revoked.outputs[t.spends].value) === HTLC_SATS);
    const commitmentFee = (FEERATE * (724n + 172n * BigInt(count))) / 1000n;
    const toLocal = FUNDING - PUSH_MSAT / 1000n - HTLC_SATS - other - commitmentFee;
    const toRemote = PUSH_MSAT / 1000n;
    const TIMEOUT_FEE = (FEERATE * 663n) / 1000n; // BOLT-3's HTLC-timeout weight
    assert.equal(BigInt(timeout.outputs[0].value), HTLC_SATS - TIMEOUT_FEE);
    const index = (v) => revoked.outputs.findIndex((o) => BigInt(o.value) === v);
    return {
      channelId: a.info().channel_id, revoked, timeout, expiry, toLocal, toRemote, timeoutSats: HTLC_SATS - TIMEOUT_FEE,
      // What the whole channel leaves once the commitment's and A's timeout's fees are paid.
      left: FUNDING - commitmentFee - TIMEOUT_FEE,
      toLocalIndex: index(toLocal),
      toRemoteIndex: index(toRemote),
      // The justice tx takes these once the timeout took its output: to_local, the other HTLC.
      rest: other ? [[index(toLocal), toLocal], [index(other), other]] : [[index(toLocal), toLocal]],
    };
  }

  // Once A's HTLC-timeout of its revoked commitment `cheat` is mined before the hub's first
  // justice tx (to_local and the HTLC output, which it made void): the hub rebuilds it
  // without the HTLC output, sends its to_remote sweep, and takes the timeout's output with
  // the revocation key at once (A would wait the hub's to_self_delay for it); all mined.
  async function hubTakesTheRest(cheat) {
    const { revoked, timeout, toLocalIndex, toRemoteIndex } = cheat;
    const taken = await rig.waitForSpends(revoked.txid, 3, 'the timeout, the justice tx and the to_remote sweep', 60000, 1);
    const justice = taken.find((t) => t.vin.some((i) => i.vout === toLocalIndex));
    const sweep = taken.find((t) => t.vin.some((i) => i.vout === toRemoteIndex));
    assert.ok(justice && sweep && justice !== sweep, JSON.stringify(taken.map((t) => t.vin)));
    assert.deepEqual(justice.vin.map((i) => i.vout).sort(), cheat.rest.map(([i]) => i).sort(), 'the justice tx takes the rest');
    const [htlcSweep] = await rig.waitForSpends(timeout.txid, 1, 'the sweep of the HTLC-timeout\'s output');
    assert.deepEqual(htlcSweep.vin.map((i) => [i.txid, i.vout]), [[timeout.txid, 0]]);
    const hubScript = justice.vout[0].scriptPubKey.hex;
    for (const t of [justice, sweep, htlcSweep]) assert.deepEqual(t.vout.map((o) => o.scriptPubKey.hex), [hubScript]);
    assert.notEqual(hubScript, openParams(1, 0n).shutdown_script);
    const justiceFee = assertSweepFee(justice, cheat.rest.reduce((sum, [, v]) => sum + v, 0n), cheat.rest.length);
    const sweepFee = assertSweepFee(sweep, cheat.toRemote, 1);
    const htlcSweepFee = assertSweepFee(htlcSweep, cheat.timeoutSats, 1);
    // The whole channel, less the commitment's and A's timeout's fees and the hub's three, is the hub's.
    const hubGot = justice.vout[0].valueSats + sweep.vout[0].valueSats + htlcSweep.vout[0].valueSats;
    assert.equal(hubGot, cheat.left - justiceFee - sweepFee - htlcSweepFee);

    await rig.mine(1);
    await sleep(1500);
    for (const [txid, vout] of [...cheat.rest.map(([i]) => [revoked.txid, i]), [revoked.txid, toRemoteIndex], [timeout.txid, 0]]) {
      assert.equal(await rig.node.rpc('gettxout', [txid, vout, true]), null, `${txid}:${vout} is spent`);
    }
    const mined = (await rig.spendsOf(timeout.txid, 1)).concat(await rig.spendsOf(revoked.txid, 1)).map((t) => t.txid);
    for (const t of [justice, sweep, htlcSweep]) assert.ok(mined.includes(t.txid), `${t.txid} mined`);
    const m = await metrics(rig.relay.port);
    assert.ok(metric(m, 'datt_hub_onchain_broadcasts_total{kind="revoked_htlc_sweep"}') >= 1);
  }

  it('(f) A\'s HTLC-timeout of its revoked commitment mined before the justice tx: the hub takes the rest and its output', async () => {
    const cheat = await revokedWithTimeout('F', rig.coins[3], 20);
    // The relay goes down; A broadcasts its old commitment and, at the HTLC's expiry, its own
    // HTLC-timeout of it, both mined before the hub can send anything.
    await rig.mineTo(cheat.expiry);
    await rig.relay.stop();
    assert.equal(await rig.node.rpc('sendrawtransaction', [cheat.revoked.hex]), cheat.revoked.txid);
    assert.equal(await rig.node.rpc('sendrawtransaction', [cheat.timeout.hex]), cheat.timeout.txid);
    await rig.mine(1);
    await rig.startRelay();
    await hubTakesTheRest(cheat);
  });

  // The hub's stored record of the channel as a relay of before the commitment's bytes were
  // kept wrote it (version 2: relay/hub/onchain_record.h), the relay stopped; `cheat` from
  // revokedWithTimeout. Returns the version 4 record it was (hex) and a reader of the row.
  function storeAsVersion2(cheat) {
    const where = `FROM hub_onchain WHERE channel_id = x'${cheat.channelId}'`;
    const v4 = rig.sql(`SELECT lower(hex(record)) ${where}`);
    // u8 spend tx present, u32 length, its bytes, u16 no cheater HTLC tx, u16 no fee bump.
    const tail = `01${(cheat.revoked.hex.length / 2).toString(16).padStart(8, '0')}${cheat.revoked.hex}00000000`;
    assert.ok(v4.startsWith('04') && v4.endsWith(tail), 'a version 4 record with the commitment\'s bytes');
    rig.sql(`UPDATE hub_onchain SET record = x'02${v4.slice(2, v4.length - tail.length)}' WHERE channel_id = x'${cheat.channelId}'`,
      { write: true });
    return { v4, read: () => rig.sql(`SELECT lower(hex(record)) ${where}`) };
  }

  it('(h) A\'s HTLC-timeout mined 110 blocks after its revoked commitment, the justice tx waiting, the record of version 2: taken', async () => {
    const cheat = await revokedWithTimeout('H', rig.coins[8], 110, rig.coins[9]);
    // A's old commitment (two HTLCs) is mined; the hub's justice tx and sweep wait in the
    // mempool through 110 blocks that hold none of them, the last holding A's HTLC-timeout of
    // one: the rebuilt justice tx takes the other HTLC output only if the hub's revoked lists
    // outlived the 100 blocks after the spend (relay/hub/revoked_htlc_txs.h).
    assert.equal(await rig.node.rpc('sendrawtransaction', [cheat.revoked.hex]), cheat.revoked.txid);
    await rig.mine(1);
    const spentAt = await rig.height();
    const first = await rig.waitForSpends(cheat.revoked.txid, 2, 'the first justice tx and the to_remote sweep');
    assert.ok(first.some((t) => t.vin.length === 3), 'the first justice tx takes to_local and both HTLC outputs');
    assert.equal(cheat.expiry + 1, spentAt + 110);
    // Halfway, the relay restarts with its record as an older relay stored it, without the
    // commitment's bytes: its rescan from the spend's block brings them back.
    await rig.mineIgnoringMempoolTo(spentAt + 50);
    await rig.relay.stop();
    const stored = storeAsVersion2(cheat);
    assert.ok(stored.read().startsWith('02'));
    await rig.startRelay();
    for (const deadline = Date.now() + 30000; stored.read() !== stored.v4;) {
      assert.ok(Date.now() < deadline, `the record of version 4 again (relay log: ${rig.relay.stderr()})`);
      await sleep(250);
    }
    await rig.mineIgnoringMempoolTo(cheat.expiry + 1, [cheat.timeout.hex]);
    await hubTakesTheRest(cheat);
  });

  it('(i) the justice tx kept out of blocks is replaced at twice its feerate from half the delay; the replacement mined', async () => {
    const FUNDING = 500000n;
    const PUSH_MSAT = 100000000n;
    const a = await rig.fundedChannel('I', Number(FUNDING), PUSH_MSAT, rig.coins[10]);
    const initial = new Uint8Array(a.state); // its commitment (no HTLC) is revoked by the next
    await htlcFailedBack(a, 5000n);
    const revoked = await rig.ask({ cmd: 'commitment', state: hex(initial), seed: hex(a.seed) });
    const toLocal = FUNDING - PUSH_MSAT / 1000n - (FEERATE * 724n) / 1000n;
    assert.deepEqual(revoked.outputs.map((o) => BigInt(o.value)).sort((x, y) => (x < y ? -1 : 1)), [PUSH_MSAT / 1000n, toLocal]);
    const toLocalIndex = revoked.outputs.findIndex((o) => BigInt(o.value) === toLocal);
    const bumpsBefore = await rig.metric('datt_hub_justice_fee_bumps_total');

    assert.equal(await rig.node.rpc('sendrawtransaction', [revoked.hex]), revoked.txid);
    await rig.mine(1);
    const spentAt = await rig.height();
    const first = (await rig.waitForSpends(revoked.txid, 2, 'the justice tx and the to_remote sweep'))
      .find((t) => t.vin.some((i) => i.vout === toLocalIndex));
    assert.deepEqual(first.vin.map((i) => [i.txid, i.vout]), [[revoked.txid, toLocalIndex]]);
    const firstFee = assertSweepFee(first, toLocal, 1);
    const hubScript = first.vout[0].scriptPubKey.hex;

    // The hub's own resolver at a feerate: the wasm module given the hub's stored channel.
    const [seed, state] = rig.sql(`SELECT lower(hex(seed)) || ' ' || lower(hex(state)) FROM hub_channels WHERE channel_id = x'${a.info().channel_id}'`).split(' ');
    const justiceAt = (feerate) => datt.channel.resolve(Buffer.from(state, 'hex'), Buffer.from(seed, 'hex'),
      { sweep_script: hubScript, feerate_per_kw: feerate }, Buffer.from(revoked.hex, 'hex')).to_broadcast.find((t) => t.kind === 'justice');
    assert.equal(justiceAt(Number(FEERATE)).txid, first.txid, 'the first version: the channel\'s feerate');
    const bump = justiceAt(2 * Number(FEERATE));
    const bumped = decode(bump.tx);
    assert.deepEqual(bumped.vin.map((i) => [i.txid, i.vout]), [[revoked.txid, toLocalIndex]]);
    assert.deepEqual(bumped.vout.map((o) => o.scriptPubKey.hex), [hubScript]);
    const bumpFee = toLocal - bumped.vout[0].valueSats;
    assert.ok(bumpFee >= (2n * FEERATE * BigInt(bumped.weight)) / 1000n, `fee ${bumpFee} covers weight ${bumped.weight}`);
    assert.ok(bumpFee <= (2n * FEERATE * BigInt(bumped.weight + 3)) / 1000n, `fee ${bumpFee} at most the 73-byte weight`);
    assert.ok(bumpFee - firstFee >= BigInt(Math.ceil(bumped.weight / 4)), 'BIP-125: 1 sat/vB more of its own size');

    // Kept out of blocks up to 71 blocks after the spend: not bumped.
    const record = () => rig.sql(`SELECT lower(hex(record)) FROM hub_onchain WHERE channel_id = x'${a.info().channel_id}'`);
    await rig.mineIgnoringMempoolTo(spentAt + 71);
    await sleep(1500);
    assert.equal(await rig.metric('datt_hub_justice_fee_bumps_total'), bumpsBefore);
    assert.ok(!record().includes(bump.tx));
    // At 72: the replacement is stored, the first version kept beside it.
    await rig.mineIgnoringMempoolTo(spentAt + 72);
    await rig.metricUntil('datt_hub_justice_fee_bumps_total', bumpsBefore + 1, 'the justice tx bumped at half the delay');
    assert.ok(record().includes(bump.tx), 'the record holds the replacement');
    assert.ok(record().includes(first.hex), 'and the first version');
    assert.ok((await rig.node.rpc('getrawmempool', [])).includes(first.txid), 'bcoin keeps the first (no BIP-125)');
    // A miner that takes replacements mines it: the record has it confirmed, at that height.
    await rig.mineIgnoringMempoolTo(spentAt + 73, [bump.tx]);
    const confirmed = `01${(spentAt + 73).toString(16).padStart(8, '0')}00${(bump.tx.length / 2).toString(16).padStart(8, '0')}${bump.tx}`;
    for (const deadline = Date.now() + 30000; !record().includes(confirmed);) {
      assert.ok(Date.now() < deadline, `the replacement confirmed in the record (relay log: ${rig.relay.stderr()})`);
      await sleep(250);
    }
    assert.equal(await rig.node.rpc('gettxout', [revoked.txid, toLocalIndex, true]), null, 'to_local is spent');
    assert.ok(!(await rig.node.rpc('getrawmempool', [])).includes(first.txid), 'the first left the mempool');
    assert.equal(await rig.metric('datt_hub_justice_fee_bumps_total'), bumpsBefore + 1);
  });
});
