// The hub resolves its channels on chain by itself (issue 13 item 4, relay/hub/chain_watch.h):
// datt-relay --hub true (minimum depth 3) with a real bcoin regtest node, both on 127.0.0.1,
// started and stopped here; clients are the wasm module's channel machines over real
// WebSockets, funding their channels with real transactions (as hub_chain.test.mjs does).
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
//   (b)+(c) The hub offers B an HTLC (A pays B through the hub, B holds it); B closes alone
//       with its commitment holding it. The hub sees the spend and stores its resolution; the
//       relay is killed (SIGKILL) before the HTLC's expiry, restarted on the same database;
//       once the chain reaches the expiry the restarted hub broadcasts its stored claim, which
//       is mined and takes the HTLC's amount back (less its fee) to the hub's script, as the
//       sweep of its to_remote takes its balance (B's unilateral close: the hub's balance
//       swept at once, the channel closed for the hub).
// Not here: a cooperative close (the wasm client has no shutdown operation yet).
import './../support/webcrypto.mjs';

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';

import { startBcoinNode } from '../support/bcoin_node.mjs';
import { loadWasmDatt, repoRoot } from '../support/vectors.mjs';
import { bridgeArgs, btc, btcEvent, freePort, mineTo, statusUntil, walletKey } from './bitcoin_support.mjs';
import { CollectingClient, hex, openParams, useDatt } from './hub_clients.mjs';
import { connect, startRelay } from './support.mjs';

process.env.NODE_BACKEND = 'js';
const datt = await loadWasmDatt();
useDatt(datt);
const NETWORK = 'bcoin-regtest';
const SEGWIT_HEIGHT = 432;
const FEERATE = 2500n; // openParams' feerate_per_kw: the hub's sweeps use the channel's
const HTLC_COMMITMENT_FEE = (FEERATE * (724n + 172n)) / 1000n; // with one HTLC output
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const harnessPath = path.resolve(repoRoot, process.env.DATT_ONCHAIN_HARNESS || 'build/native/tests/core/onchain_harness');

const key = (mnemonic, chain, index) => walletKey(datt, NETWORK, mnemonic, chain, index);
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const burn = key(MNEMONIC, 1, 99).address;

function spend(coin, outputs) {
  const tx = { version: 2, locktime: 0, inputs: [{ txid: coin.txid, vout: coin.vout, sequence: 0xfffffffd }], outputs };
  tx.inputs[0].witness = datt.bitcoin.signP2wpkhInput(tx, 0, coin.sats, coin.owner.secretKey);
  const raw = datt.bitcoin.serializeTransaction(tx);
  return { hex: hex(raw), txid: datt.bitcoin.transactionInfo(raw).txid };
}

const decode = (rawHex) => datt.bitcoin.decodeTransaction(Buffer.from(rawHex, 'hex'), NETWORK);

class Client extends CollectingClient {
  // Keeps the first state whose own commitment holds an HTLC (for (a)'s revoked commitment).
  take(step) {
    super.take(step);
    if (!this.htlcState && this.state && this.info().htlcs === 1) this.htlcState = this.state;
  }
}

async function until(clients, done, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const c of clients) while (c.step());
    if (done()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (errors: ${clients.map((c) => c.hubErrors)})`);
    await sleep(10);
  }
}

function metrics(port) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}
const metric = (text, line) => {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
};

describe('the hub resolves its channels on chain (bcoin regtest)', { timeout: 900000 }, () => {
  let dir;
  let node;
  let relay;
  let conn;
  let harness;
  let lines;
  const clients = [];
  const coins = [];
  const relayArgs = () => [...bridgeArgs(dir, rpcPort, NETWORK), '--hub', 'true', '--hub-funding-timeout-blocks', '2016',
    '--log-level', 'info'];
  let rpcPort;

  async function ask(request) {
    harness.stdin.write(`${JSON.stringify(request)}\n`);
    const { value, done } = await lines.next();
    assert.ok(!done, 'the harness ended early');
    const reply = JSON.parse(value);
    assert.equal(reply.error, undefined, `harness: ${reply.error}: ${reply.message}`);
    return reply;
  }

  async function restart({ hard }) {
    if (hard) await relay.kill(); else await relay.stop();
    conn?.close?.();
    relay = await startRelay({ dir, args: relayArgs() });
    conn = await connect(relay.url);
  }

  const height = () => node.rpc('getblockcount', []);
  const mine = async (n) => mineTo(node, (await height()) + n, burn);

  async function broadcast(rawHex) {
    const sent = await btc(conn, { method: 'broadcast', tx: rawHex }, 60000);
    assert.equal(sent[0], 'BTC-OK', JSON.stringify(sent));
    assert.equal(sent[2].accepted, true, JSON.stringify(sent));
  }

  // The transactions of the node's mempool (and, with `blocks`, of its last blocks) that
  // spend an output of `txid`, decoded.
  async function spendsOf(txid, blocks = 0) {
    const ids = [...await node.rpc('getrawmempool', [])];
    const tip = await height();
    for (let h = tip; h > tip - blocks; h -= 1) {
      const block = await node.rpc('getblock', [await node.rpc('getblockhash', [h]), true]);
      for (const t of block.tx) ids.push(typeof t === 'string' ? t : t.txid);
    }
    const out = [];
    for (const id of ids) {
      const raw = await node.rpc('getrawtransaction', [id, false]);
      const d = decode(raw);
      if (d.vin.some((i) => i.txid === txid)) out.push({ ...d, hex: raw });
    }
    return out;
  }

  async function waitForSpends(txid, count, what, timeoutMs = 60000, blocks = 0) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await spendsOf(txid, blocks);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; relay log: ${relay.stderr()}`);
      await sleep(250);
    }
  }

  // The hub's fee on one of its transactions: its weight's share at the channel's feerate,
  // rounded down, from a weight counted with 73-byte signatures (onchain_sweeps.h): between
  // the fee of the actual weight and that of 3 more bytes per signature.
  function assertSweepFee(decoded, inputSats, signatures) {
    const paid = inputSats - decoded.vout.reduce((s, o) => s + o.valueSats, 0n);
    assert.ok(paid >= (FEERATE * BigInt(decoded.weight)) / 1000n, `fee ${paid} covers weight ${decoded.weight}`);
    assert.ok(paid <= (FEERATE * BigInt(decoded.weight + 3 * signatures)) / 1000n, `fee ${paid} at most the 73-byte weight`);
    return paid;
  }

  // A channel funded by a real transaction and usable (3 confirmations).
  async function fundedChannel(name, fundingSats, pushMsat, coin) {
    const c = new Client(name);
    clients.push(c);
    await c.connect(relay.url);
    c.take(datt.channel.open(c.seed, openParams(fundingSats, pushMsat)));
    await until([c], () => c.events.some((e) => e.type === 'funding_needed'), 'accept_channel');
    const needed = c.events.find((e) => e.type === 'funding_needed');
    const tx = spend(coin, [
      { value: BigInt(fundingSats), scriptPubKey: Buffer.from(needed.script, 'hex') },
      { value: coin.sats - BigInt(fundingSats) - 2000n, scriptPubKey: Buffer.from(key(MNEMONIC, 1, coins.indexOf(coin)).scriptHex, 'hex') },
    ]);
    c.take(datt.channel.funding(c.state, c.seed, { txid: tx.txid, vout: 0 }));
    await until([c], () => c.events.some((e) => e.type === 'funding_may_broadcast'), 'funding_signed');
    await broadcast(tx.hex);
    c.take(datt.channel.ready(c.state, c.seed));
    await mine(3);
    await until([c], () => c.info().can_update, `${name}: channel_ready`, 60000);
    c.fundingTxid = tx.txid;
    return c;
  }

  // An HTLC to a channel the hub does not have: added, committed, failed back. The
  // commitments holding it (both sides') are revoked on the way; the balances end where they were.
  async function htlcFailedBack(c, sats) {
    c.take(datt.channel.addHtlc(c.state, c.seed, {
      amount_msat: sats * 1000n, payment_hash: hex(randomBytes(32)), cltv_expiry: (await height()) + 100, block_height: 0,
      hop: { final: false, channel_id: hex(randomBytes(32)), amount_msat: 4000000n, cltv_expiry: (await height()) + 50 },
    }));
    await until([c], () => c.events.some((e) => e.type === 'htlc_failed') && c.info().htlcs === 0 &&
      !c.info().has_changes_to_sign, 'the HTLC failed back');
    await sleep(500);
    while (c.step());
  }

  // The hub's stored row of a channel (its seed and state, read from the relay's SQLite file
  // by the sqlite3 shell) signed into the hub's latest commitment by the harness: what a hub
  // closing alone, or cheating with an older row, would broadcast.
  async function hubCommitment(c) {
    const db = path.join(dir, 'db.sqlite3');
    const row = execFileSync('sqlite3', ['-readonly', db,
      `SELECT lower(hex(seed)) || ' ' || lower(hex(state)) FROM hub_channels WHERE channel_id = x'${c.info().channel_id}'`],
    { encoding: 'utf8' }).trim();
    const [seed, state] = row.split(' ');
    assert.ok(seed && state, `the hub's row of ${c.name}`);
    return ask({ cmd: 'commitment', state, seed });
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
    const tip = await height();
    for (const t of resolved.to_broadcast) {
      assert.equal(t.parent_txid, spendEvent.txid);
      assert.ok(Math.max(spendEvent.height + Math.max(t.csv, 1), t.cltv + 1) <= tip + 1, `${t.kind} is due`);
      await broadcast(t.tx);
    }
    await mine(1);
    const mempool = await node.rpc('getrawmempool', []);
    const inBlock = (await spendsOf(spendEvent.txid, 1)).map((t) => t.txid).filter((id) => !mempool.includes(id));
    assert.deepEqual(inBlock.sort(), resolved.to_broadcast.map((t) => t.txid).sort(), 'mined');
    return resolved;
  }

  // Reconnects a client after a relay restart: attach, reestablish.
  async function reattach(c) {
    c.ws.terminate();
    c.take(datt.channel.disconnected(c.state, c.seed));
    await c.connect(relay.url);
    c.challenge = undefined;
    c.ws.send(datt.channel.challengeRequest(), { binary: true });
    await until([c], () => c.challenge, 'hub_challenge');
    c.take(datt.channel.attach(c.state, c.seed, c.challenge));
    c.take(datt.channel.connected(c.state, c.seed));
  }

  before(async () => {
    assert.ok(existsSync(harnessPath), `build the harness first: ${harnessPath}`);
    harness = spawn(harnessPath, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    lines = createInterface({ input: harness.stdout })[Symbol.asyncIterator]();
    dir = mkdtempSync(path.join(tmpdir(), 'datt-hub-onchain-'));
    rpcPort = await freePort();
    node = startBcoinNode(path.join(dir, 'btc'), rpcPort, { memory: true });
    await node.ready();
    relay = await startRelay({ dir, args: relayArgs() });
    conn = await connect(relay.url);
    const second = await connect(relay.url); // the bridge allows 5 faucet requests a minute per connection
    for (let i = 0; i < 6; i += 1) {
      const owner = key(MNEMONIC, 0, i);
      const funded = await btc(i < 4 ? conn : second, { method: 'faucet', address: owner.address, sats: 1000000 }, 180000);
      assert.equal(funded[0], 'BTC-OK', JSON.stringify(funded));
      coins.push({ txid: funded[2].txid, vout: funded[2].vout, sats: BigInt(funded[2].sats), owner });
    }
    second.close();
    await mineTo(node, SEGWIT_HEIGHT + 1, burn);
    const caughtUp = await statusUntil(conn, (s) => s.height >= SEGWIT_HEIGHT + 1, 120000);
    assert.ok(caughtUp.height >= SEGWIT_HEIGHT + 1, JSON.stringify(caughtUp));
  });

  after(async () => {
    for (const c of clients) c.close();
    conn?.close?.();
    harness?.stdin.end();
    await relay?.stop();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('(a) a revoked commitment mined while the relay is down is punished after the restart', async () => {
    const FUNDING = 500000n;
    const PUSH_MSAT = 100000000n; // the hub's balance: 100,000 sat
    const a = await fundedChannel('A', Number(FUNDING), PUSH_MSAT, coins[0]);
    assert.equal(BigInt(a.info().to_local_msat), FUNDING * 1000n - PUSH_MSAT);
    const HTLC_SATS = 5000n;
    await htlcFailedBack(a, HTLC_SATS);
    assert.equal(BigInt(a.info().to_local_msat), FUNDING * 1000n - PUSH_MSAT);

    assert.ok(a.htlcState, 'A had a commitment holding the HTLC');
    const revoked = await ask({ cmd: 'commitment', state: hex(a.htlcState), seed: hex(a.seed) });
    const current = await ask({ cmd: 'commitment', state: hex(a.state), seed: hex(a.seed) });
    assert.ok(current.number > revoked.number, 'the commitment moved on');
    // The revoked commitment pays A's and the hub's balances and the HTLC, less the fee (A funded).
    const toLocal = FUNDING - PUSH_MSAT / 1000n - HTLC_SATS - HTLC_COMMITMENT_FEE;
    const toRemote = PUSH_MSAT / 1000n;
    const values = revoked.outputs.map((o) => BigInt(o.value)).sort((x, y) => (x < y ? -1 : 1));
    assert.deepEqual(values, [HTLC_SATS, toRemote, toLocal]);

    // The relay goes down; A broadcasts its old commitment and it is mined.
    await relay.stop();
    const direct = await node.rpc('sendrawtransaction', [revoked.hex]);
    assert.equal(direct, revoked.txid);
    await mine(1);
    relay = await startRelay({ dir, args: relayArgs() });
    conn = await connect(relay.url);

    const hubTxs = await waitForSpends(revoked.txid, 2, 'the justice transaction and the to_remote sweep');
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
    await mine(1);
    await sleep(1500);
    assert.equal(await node.rpc('gettxout', [revoked.txid, toLocalIndex, true]), null, 'the to_local output is spent');
    assert.deepEqual((await spendsOf(revoked.txid, 1)).map((t) => t.txid).sort(), [justice.txid, sweep.txid].sort());
    const m = await metrics(relay.port);
    assert.equal(metric(m, 'datt_hub_onchain_spends_total{kind="revoked_commitment"}'), 1);
    assert.ok(metric(m, 'datt_hub_onchain_broadcasts_total{kind="justice"}') >= 1);

    // A comes back: the channel is closed on chain.
    await reattach(a);
    await until([a], () => a.hubErrors.length > 0, 'the refusal of channel_reestablish');
    assert.match(a.hubErrors[0], /^hub_channel_closed_onchain: /);
  });

  it('(b, c) an HTLC offered to B who closes alone is taken back after its expiry, across a kill -9', async () => {
    const A_FUNDING = 400000;
    const B_FUNDING = 300000n;
    const B_PUSH_MSAT = 200000000n; // the hub's balance in B's channel: 200,000 sat
    const a = await fundedChannel('A2', A_FUNDING, 0n, coins[1]);
    const b = await fundedChannel('B', Number(B_FUNDING), B_PUSH_MSAT, coins[2]);
    const tip = await height();
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
    const commitment = await ask({ cmd: 'commitment', state: hex(b.state), seed: hex(b.seed) });
    const bToLocal = B_FUNDING - B_PUSH_MSAT / 1000n - HTLC_COMMITMENT_FEE;
    const hubBalance = B_PUSH_MSAT / 1000n - HTLC_MSAT / 1000n;
    const byValue = (v) => commitment.outputs.findIndex((o) => BigInt(o.value) === v);
    const htlcIndex = byValue(HTLC_MSAT / 1000n);
    const toRemoteIndex = byValue(hubBalance);
    assert.ok(htlcIndex >= 0 && toRemoteIndex >= 0 && byValue(bToLocal) >= 0, JSON.stringify(commitment.outputs));
    await broadcast(commitment.hex);
    await mine(1);
    const commitmentHeight = await height();
    // The hub sees it and stores what to do (spends_total counts once the record is made).
    const deadline = Date.now() + 60000;
    while (metric(await metrics(relay.port), 'datt_hub_onchain_spends_total{kind="remote_commitment"}') !== 1) {
      assert.ok(Date.now() < deadline, 'the hub saw B\'s commitment');
      await sleep(250);
    }
    await until([b], () => b.hubErrors.some((e) => e.startsWith('hub_channel_closed_onchain: ')), 'B told of the close');
    // Not due yet: the claim waits for the expiry.
    assert.ok(await height() < expiry);
    await sleep(1000);
    assert.equal((await spendsOf(commitment.txid)).filter((t) => t.vin.some((i) => i.vout === htlcIndex)).length, 0);

    // kill -9, restart on the same database, then the chain reaches the expiry.
    await restart({ hard: true });
    await mineTo(node, expiry + 1, burn);
    // In the mempool or mined already (the sweep was due at once, before the kill).
    const found = await waitForSpends(commitment.txid, 2, 'the claim of the HTLC and the to_remote sweep', 90000,
      expiry + 2 - commitmentHeight);
    const claim = found.find((t) => t.vin.some((i) => i.vout === htlcIndex));
    const sweep = found.find((t) => t.vin.some((i) => i.vout === toRemoteIndex));
    assert.ok(claim && sweep, 'the hub claims its HTLC and sweeps its balance');
    assert.equal(claim.locktime, expiry);
    assert.equal(claim.vout.length, 1);
    assert.equal(sweep.vout[0].scriptPubKey.hex, claim.vout[0].scriptPubKey.hex);
    assertSweepFee(claim, HTLC_MSAT / 1000n, 1);
    assertSweepFee(sweep, hubBalance, 1);
    await mine(1);
    await sleep(1500);
    assert.equal(await node.rpc('gettxout', [commitment.txid, htlcIndex, true]), null);
    const mined = (await spendsOf(commitment.txid, expiry + 3 - commitmentHeight)).map((t) => t.txid);
    assert.ok(mined.includes(claim.txid) && mined.includes(sweep.txid), 'both mined');
  });
  it('(d) the hub broadcasts an OLD (revoked) commitment: the client\'s wasm resolver takes the whole channel', async () => {
    const FUNDING = 500000n;
    const PUSH_MSAT = 100000000n; // the hub's balance: 100,000 sat
    const c = await fundedChannel('C', Number(FUNDING), PUSH_MSAT, coins[4]);
    const old = await hubCommitment(c);
    await htlcFailedBack(c, 5000n);
    const current = await hubCommitment(c);
    assert.ok(current.number > old.number, 'the hub\'s commitment moved on: the old one is revoked');
    // The hub's old commitment: its to_local (the hub's 100,000 sat) and C's balance less the fee (C funded).
    const COMMITMENT_FEE = (FEERATE * 724n) / 1000n;
    const hubSats = PUSH_MSAT / 1000n;
    const clientSats = FUNDING - hubSats - COMMITMENT_FEE;
    assert.deepEqual(old.outputs.map((o) => BigInt(o.value)).sort((x, y) => (x < y ? -1 : 1)), [hubSats, clientSats]);

    const watcher = await connect(relay.url);
    const seen = fundingSpendSeen(c, watcher);
    assert.equal(await node.rpc('sendrawtransaction', [old.hex]), old.txid);
    await mine(1);
    const spend = await seen;
    assert.equal(spend.txid, old.txid);
    assert.equal(spend.tx, old.hex);

    const sweepScript = key(MNEMONIC, 1, 40).scriptHex; // the client's wallet
    const resolved = await clientResolves(c, spend, sweepScript);
    watcher.close();
    assert.equal(resolved.kind, 'revoked_commitment');
    assert.deepEqual(resolved.to_broadcast.map((t) => t.kind).sort(), ['justice', 'to_remote_sweep']);
    const mined = await Promise.all(resolved.to_broadcast.map(async (t) => decode(await node.rpc('getrawtransaction', [t.txid, false]))));
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
    const c = await fundedChannel('D', Number(FUNDING), PUSH_MSAT, coins[5]);
    const commitment = await hubCommitment(c);
    const COMMITMENT_FEE = (FEERATE * 724n) / 1000n;
    const clientSats = FUNDING - PUSH_MSAT / 1000n - COMMITMENT_FEE;
    assert.ok(commitment.outputs.some((o) => BigInt(o.value) === clientSats), 'C\'s balance is an output');

    const watcher = await connect(relay.url);
    const seen = fundingSpendSeen(c, watcher);
    assert.equal(await node.rpc('sendrawtransaction', [commitment.hex]), commitment.txid);
    await mine(1);
    const spend = await seen;
    assert.equal(spend.tx, commitment.hex);
    const sweepScript = key(MNEMONIC, 1, 41).scriptHex;
    const resolved = await clientResolves(c, spend, sweepScript);
    watcher.close();
    assert.equal(resolved.kind, 'remote_commitment');
    assert.deepEqual(resolved.to_broadcast.map((t) => [t.kind, t.csv, t.cltv]), [['to_remote_sweep', 0, 0]]);
    const sweep = decode(await node.rpc('getrawtransaction', [resolved.to_broadcast[0].txid, false]));
    assert.deepEqual(sweep.vout.map((o) => o.scriptPubKey.hex), [sweepScript]);
    const fee = assertSweepFee(sweep, clientSats, 1);
    assert.equal(sweep.vout[0].valueSats, clientSats - fee);
    assert.equal(BigInt(resolved.to_broadcast[0].sats), clientSats - fee);
  });
});
