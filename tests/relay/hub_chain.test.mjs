// The hub checks channel fundings on chain (issue 13 item 2, docs/channels.md "Funding"),
// against a real bcoin regtest node (tests/support/bcoin_node.mjs) and datt-relay with
// --hub true and the default --hub-minimum-depth (3), both on 127.0.0.1, started and stopped
// here. Clients are the wasm module's channel machines (datt.channel) over real WebSockets;
// their funding transactions are real: a faucet coin of a BIP-84 wallet derived in wasm,
// spent in wasm (datt.bitcoin) to the funding output the channel asks for, broadcast through
// the bridge and mined with real blocks.
//   - A funds its channel correctly: the hub's channel_ready arrives only once the funding
//     has 3 confirmations (not at 0, 1 or 2), and then the channel can update.
//   - B's funding transaction pays the right script 1,000 sat less than the channel says:
//     the hub refuses it with a BOLT-1 error hub_funding_mismatch as soon as the node shows
//     the output (in its mempool), never sends channel_ready even after 3 confirmations, and
//     refuses B's channel_reestablish on a new connection the same way.
//   - C's funding is never broadcast: after --hub-funding-timeout-blocks (6 here) blocks
//     the hub says hub_funding_timeout and forgets the channel (its row is deleted: a new
//     connection's channel_attach gets hub_unknown_channel).
import './../support/webcrypto.mjs';

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startBcoinNode } from '../support/bcoin_node.mjs';
import { loadWasmDatt } from '../support/vectors.mjs';
import { bridgeArgs, btc, freePort, mineTo, statusUntil, walletKey } from './bitcoin_support.mjs';
import { CollectingClient, hex, openParams, useDatt } from './hub_clients.mjs';
import { connect, startRelay } from './support.mjs';

process.env.NODE_BACKEND = 'js';
const datt = await loadWasmDatt();
useDatt(datt);
const NETWORK = 'bcoin-regtest';
const SEGWIT_HEIGHT = 432; // bcoin regtest: witness spends are refused before this height
// The regtest genesis block hash in internal byte order (bcoin's regtest has Core's genesis).
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

const key = (mnemonic, chain, index) => walletKey(datt, NETWORK, mnemonic, chain, index);
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const burn = key(MNEMONIC, 1, 99).address;

/** A P2WPKH coin spent in wasm to `outputs` (funding first). */
function spend(coin, from, outputs) {
  const tx = { version: 2, locktime: 0, inputs: [{ txid: coin.txid, vout: coin.vout, sequence: 0xfffffffd }], outputs };
  tx.inputs[0].witness = datt.bitcoin.signP2wpkhInput(tx, 0, coin.sats, from.secretKey);
  const raw = datt.bitcoin.serializeTransaction(tx);
  return { hex: hex(raw), txid: datt.bitcoin.transactionInfo(raw).txid };
}

// A channel client as the browser runs it (hub_clients.mjs, state kept in memory here), with
// the hub's errors collected instead of thrown and its challenge kept as it arrives.
const Client = CollectingClient;

async function until(client, done, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    while (client.step());
    if (done()) return;
    if (Date.now() > deadline) throw new Error(`${client.name}: timed out waiting for ${what} (errors: ${client.hubErrors})`);
    await sleep(10);
  }
}

// open_channel .. funding_signed; returns the funding output the channel asks for.
async function openUntilFunding(client, url, fundingSats) {
  await client.connect(url);
  client.take(datt.channel.open(client.seed, openParams(fundingSats, 0n)));
  await until(client, () => client.events.some((e) => e.type === 'funding_needed'), 'accept_channel');
  return client.events.find((e) => e.type === 'funding_needed');
}

describe('the hub checks fundings on chain (bcoin regtest, --hub-minimum-depth 3)', { timeout: 600000 }, () => {
  let dir;
  let node;
  let relay;
  let conn; // a plain connection for BTC requests
  const clients = [];
  const coins = [];
  const FUNDING = 500000;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'datt-hub-chain-'));
    const rpcPort = await freePort();
    node = startBcoinNode(path.join(dir, 'btc'), rpcPort, { memory: true });
    await node.ready();
    relay = await startRelay({ dir, args: [...bridgeArgs(dir, rpcPort, NETWORK), '--hub', 'true',
      '--hub-funding-timeout-blocks', '6'] });
    conn = await connect(relay.url);
    for (let i = 0; i < 2; i += 1) {
      const owner = key(MNEMONIC, 0, i);
      const funded = await btc(conn, { method: 'faucet', address: owner.address, sats: 1000000 }, 180000);
      assert.equal(funded[0], 'BTC-OK', JSON.stringify(funded));
      coins.push({ txid: funded[2].txid, vout: funded[2].vout, sats: BigInt(funded[2].sats), owner });
    }
    await mineTo(node, SEGWIT_HEIGHT + 1, burn);
    const caughtUp = await statusUntil(conn, (s) => s.height === SEGWIT_HEIGHT + 1, 120000);
    assert.equal(caughtUp.height, SEGWIT_HEIGHT + 1, JSON.stringify(caughtUp));
  });

  after(async () => {
    for (const c of clients) c.close();
    conn?.close?.();
    await relay?.stop();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function broadcast(tx) {
    const sent = await btc(conn, { method: 'broadcast', tx: tx.hex }, 60000);
    assert.equal(sent[0], 'BTC-OK', JSON.stringify(sent));
  }

  it('channel_ready arrives only at 3 confirmations of a real funding transaction', async () => {
    const a = new Client('A');
    clients.push(a);
    const needed = await openUntilFunding(a, relay.url, FUNDING);
    assert.equal(needed.sats, FUNDING);
    const coin = coins[0];
    const tx = spend(coin, coin.owner, [
      { value: BigInt(FUNDING), scriptPubKey: Buffer.from(needed.script, 'hex') },
      { value: coin.sats - BigInt(FUNDING) - 2000n, scriptPubKey: Buffer.from(key(MNEMONIC, 1, 0).scriptHex, 'hex') },
    ]);
    a.take(datt.channel.funding(a.state, a.seed, { txid: tx.txid, vout: 0 }));
    await until(a, () => a.events.some((e) => e.type === 'funding_may_broadcast'), 'funding_signed');
    await broadcast(tx);
    a.take(datt.channel.ready(a.state, a.seed));
    const start = await node.rpc('getblockcount', []);
    for (let depth = 0; depth < 3; depth += 1) {
      if (depth > 0) await mineTo(node, start + depth, burn);
      // The hub asks once a second: 2.5 s at this depth without channel_ready.
      await sleep(2500);
      while (a.step());
      assert.equal(a.info().can_update, false, `no channel_ready at ${depth} confirmation(s)`);
      assert.deepEqual(a.hubErrors, []);
    }
    await mineTo(node, start + 3, burn);
    await until(a, () => a.info().can_update, 'channel_ready at 3 confirmations', 30000);
    const out = await node.rpc('gettxout', [tx.txid, 0, false]);
    assert.equal(out.confirmations, 3, 'the hub answered at exactly the minimum depth');
    assert.deepEqual(a.hubErrors, []);
  });

  it('a funding paying 1,000 sat less than the channel says is refused with hub_funding_mismatch', async () => {
    const b = new Client('B');
    clients.push(b);
    const needed = await openUntilFunding(b, relay.url, FUNDING);
    const coin = coins[1];
    const tx = spend(coin, coin.owner, [
      { value: BigInt(FUNDING - 1000), scriptPubKey: Buffer.from(needed.script, 'hex') },
      { value: coin.sats - BigInt(FUNDING) - 2000n, scriptPubKey: Buffer.from(key(MNEMONIC, 1, 1).scriptHex, 'hex') },
    ]);
    b.take(datt.channel.funding(b.state, b.seed, { txid: tx.txid, vout: 0 }));
    await until(b, () => b.events.some((e) => e.type === 'funding_may_broadcast'), 'funding_signed');
    await broadcast(tx);
    b.take(datt.channel.ready(b.state, b.seed));
    // Seen in the mempool already: no block needed for the refusal.
    await until(b, () => b.hubErrors.length > 0, 'the hub refusing the funding', 30000);
    assert.match(b.hubErrors[0], /^hub_funding_mismatch: the funding output holds 499000 sat, the channel was opened for 500000 sat$/);
    const start = await node.rpc('getblockcount', []);
    await mineTo(node, start + 4, burn);
    await sleep(3000);
    while (b.step());
    assert.equal(b.info().can_update, false, 'never channel_ready');

    // A new connection: attach (the funding key proves the channel), then reestablish: refused.
    b.close();
    b.take(datt.channel.disconnected(b.state, b.seed));
    await b.connect(relay.url);
    b.ws.send(datt.channel.challengeRequest(), { binary: true });
    await until(b, () => b.challenge, 'hub_challenge');
    b.take(datt.channel.attach(b.state, b.seed, b.challenge));
    b.take(datt.channel.connected(b.state, b.seed));
    const before = b.hubErrors.length;
    await until(b, () => b.hubErrors.length > before, 'the refusal of channel_reestablish', 30000);
    assert.match(b.hubErrors[before], /^hub_funding_mismatch: /);
    assert.equal(b.info().can_update, false);
  });

  it('a funding never broadcast is forgotten after --hub-funding-timeout-blocks', async () => {
    const c = new Client('C');
    clients.push(c);
    await openUntilFunding(c, relay.url, FUNDING);
    c.take(datt.channel.funding(c.state, c.seed, { txid: hex(randomBytes(32)), vout: 0 }));
    await until(c, () => c.events.some((e) => e.type === 'funding_may_broadcast'), 'funding_signed');
    await sleep(2500); // the hub has asked and counts from this tip
    const start = await node.rpc('getblockcount', []);
    await mineTo(node, start + 5, burn);
    await sleep(3000);
    while (c.step());
    assert.deepEqual(c.hubErrors, [], 'kept for 5 blocks');
    await mineTo(node, start + 6, burn);
    await until(c, () => c.hubErrors.length > 0, 'hub_funding_timeout', 30000);
    assert.match(c.hubErrors[0], /^hub_funding_timeout: the funding output was not seen in 6 blocks/);

    c.close();
    await c.connect(relay.url);
    c.ws.send(datt.channel.challengeRequest(), { binary: true });
    await until(c, () => c.challenge, 'hub_challenge');
    c.take(datt.channel.attach(c.state, c.seed, c.challenge));
    await until(c, () => c.hubErrors.length > 1, 'the answer to channel_attach', 30000);
    assert.match(c.hubErrors[1], /^hub_unknown_channel: /);
  });
});
