// What the hub's on-chain suites share (hub_onchain.test.mjs, hub_force_close.test.mjs): a real
// bcoin regtest node and datt-relay --hub true with the bridge (minimum depth 3), both on
// 127.0.0.1, started and stopped here; clients are the wasm module's channel machines over
// real WebSockets, funding their channels with real transactions; a signed commitment (a
// client's from its stored state, or the hub's from its SQLite row) comes from
// tests/core/channel/onchain_harness. Every helper is bounded in time.
import './../support/webcrypto.mjs';

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { startBcoinNode } from '../support/bcoin_node.mjs';
import { mineBlockWith } from '../support/miner.mjs';
import { loadWasmDatt, repoRoot } from '../support/vectors.mjs';
import { bridgeArgs, btc, freePort, mineTo, statusUntil, walletKey } from './bitcoin_support.mjs';
import { CollectingClient, hex, openParams, useDatt } from './hub_clients.mjs';
import { connect, startRelay } from './support.mjs';

process.env.NODE_BACKEND = 'js';
export const datt = await loadWasmDatt();
useDatt(datt);
export const NETWORK = 'bcoin-regtest';
const SEGWIT_HEIGHT = 432;
export const FEERATE = 2500n; // openParams' feerate_per_kw: the hub's sweeps use the channel's
export const HTLC_COMMITMENT_FEE = (FEERATE * (724n + 172n)) / 1000n; // with one HTLC output
export const RELAY_FEES = { base_msat: 1000, proportional_millionths: 1000 }; // the relay's defaults
export const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const harnessPath = path.resolve(repoRoot, process.env.DATT_ONCHAIN_HARNESS || 'build/native/tests/core/onchain_harness');

export const key = (mnemonic, chain, index) => walletKey(datt, NETWORK, mnemonic, chain, index);
export const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const burn = key(MNEMONIC, 1, 99).address;

// A signed transaction spending `coin` ({txid, vout, sats, owner: a key()}) to `outputs`.
export function spend(coin, outputs) {
  const tx = { version: 2, locktime: 0, inputs: [{ txid: coin.txid, vout: coin.vout, sequence: 0xfffffffd }], outputs };
  tx.inputs[0].witness = datt.bitcoin.signP2wpkhInput(tx, 0, coin.sats, coin.owner.secretKey);
  const raw = datt.bitcoin.serializeTransaction(tx);
  return { hex: hex(raw), txid: datt.bitcoin.transactionInfo(raw).txid };
}

export const decode = (rawHex) => datt.bitcoin.decodeTransaction(Buffer.from(rawHex, 'hex'), NETWORK);

export class Client extends CollectingClient {
  // Keeps the first state whose own commitment holds n HTLCs, for each n (for a revoked
  // commitment): htlcStates[n]; htlcState is the first with one.
  take(step) {
    super.take(step);
    this.htlcStates ??= [];
    const n = this.state ? this.info().htlcs : 0;
    if (n > 0 && !this.htlcStates[n]) this.htlcStates[n] = this.state;
  }

  get htlcState() { return this.htlcStates?.[1]; }
}

export async function until(clients, done, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const c of clients) while (c.step());
    if (done()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (errors: ${clients.map((c) => c.hubErrors)})`);
    await sleep(10);
  }
}

export function metrics(port) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}
export const metric = (text, line) => {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
};

export class ChainRig {
  constructor(prefix, { coins = 4, extraArgs = [] } = {}) {
    this.prefix = prefix;
    this.coinCount = coins;
    this.extraArgs = extraArgs;
    this.clients = [];
    this.coins = [];
  }

  relayArgs() {
    return [...bridgeArgs(this.dir, this.rpcPort, NETWORK), '--hub', 'true', '--hub-funding-timeout-blocks', '2016',
      '--log-level', 'info', ...this.extraArgs];
  }

  async start() {
    assert.ok(existsSync(harnessPath), `build the harness first: ${harnessPath}`);
    this.harness = spawn(harnessPath, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = createInterface({ input: this.harness.stdout })[Symbol.asyncIterator]();
    this.dir = mkdtempSync(path.join(tmpdir(), this.prefix));
    this.rpcPort = await freePort();
    this.node = startBcoinNode(path.join(this.dir, 'btc'), this.rpcPort, { memory: true });
    await this.node.ready();
    await this.startRelay();
    // The bridge allows 5 faucet requests a minute per connection: a new connection every 4 coins.
    let faucet = this.conn;
    for (let i = 0; i < this.coinCount; i += 1) {
      if (i > 0 && i % 4 === 0) {
        if (faucet !== this.conn) faucet.close();
        faucet = await connect(this.relay.url);
      }
      const owner = key(MNEMONIC, 0, i);
      const funded = await btc(faucet, { method: 'faucet', address: owner.address, sats: 1000000 }, 180000);
      assert.equal(funded[0], 'BTC-OK', JSON.stringify(funded));
      this.coins.push({ txid: funded[2].txid, vout: funded[2].vout, sats: BigInt(funded[2].sats), owner });
    }
    if (faucet !== this.conn) faucet.close();
    await mineTo(this.node, SEGWIT_HEIGHT + 1, burn);
    const caughtUp = await statusUntil(this.conn, (s) => s.height >= SEGWIT_HEIGHT + 1, 120000);
    assert.ok(caughtUp.height >= SEGWIT_HEIGHT + 1, JSON.stringify(caughtUp));
  }

  async startRelay() {
    this.relay = await startRelay({ dir: this.dir, args: this.relayArgs() });
    this.conn = await connect(this.relay.url);
  }

  async stop() {
    for (const c of this.clients) c.close();
    this.conn?.close?.();
    this.harness?.stdin.end();
    await this.relay?.stop();
    await this.node?.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  // A client's signed commitment from its stored state (the harness's "commitment").
  async ask(request) {
    this.harness.stdin.write(`${JSON.stringify(request)}\n`);
    const { value, done } = await this.lines.next();
    assert.ok(!done, 'the harness ended early');
    const reply = JSON.parse(value);
    assert.equal(reply.error, undefined, `harness: ${reply.error}: ${reply.message}`);
    return reply;
  }

  // The hub's stored row of a channel (its seed and state, read from the relay's SQLite file
  // by the sqlite3 shell) signed into the hub's latest commitment by the harness: what a hub
  // closing alone, or cheating with an older row, would broadcast.
  async hubCommitment(c) {
    const row = this.sql(`SELECT lower(hex(seed)) || ' ' || lower(hex(state)) FROM hub_channels WHERE channel_id = x'${c.info().channel_id}'`);
    const [seed, state] = row.split(' ');
    assert.ok(seed && state, `the hub's row of ${c.name}`);
    return this.ask({ cmd: 'commitment', state, seed });
  }

  // How many forwards the hub's SQLite holds (hub_forwards).
  storedForwards() { return Number(this.sql('SELECT count(*) FROM hub_forwards')); }

  // One statement on the relay's SQLite file by the sqlite3 shell, its output trimmed:
  // read-only unless `write` (the relay stopped).
  sql(statement, { write = false } = {}) {
    const db = path.join(this.dir, 'db.sqlite3');
    return execFileSync('sqlite3', [...(write ? [] : ['-readonly']), db, statement], { encoding: 'utf8' }).trim();
  }

  async restart({ hard }) {
    if (hard) await this.relay.kill(); else await this.relay.stop();
    this.conn?.close?.();
    await this.startRelay();
  }

  height() { return this.node.rpc('getblockcount', []); }
  async mine(n) { return mineTo(this.node, (await this.height()) + n, burn); }
  mineTo(h) { return mineTo(this.node, h, burn); }
  // Blocks up to height `h` holding none of the mempool's transactions (a miner that ignores
  // them: tests/support/miner.mjs), the last one holding exactly `transactions` (raw hex).
  async mineIgnoringMempoolTo(h, transactions = []) {
    const rpc = (method, params) => this.node.rpc(method, params);
    const payoutScript = Buffer.from(key(MNEMONIC, 1, 99).scriptHex, 'hex');
    for (let at = await this.height() + 1; at <= h; at += 1) {
      const txs = at === h ? transactions.map((t) => Buffer.from(t, 'hex')) : [];
      await mineBlockWith({ datt, rpc, transactions: txs, payoutScript });
    }
  }

  async broadcast(rawHex) {
    const sent = await btc(this.conn, { method: 'broadcast', tx: rawHex }, 60000);
    assert.equal(sent[0], 'BTC-OK', JSON.stringify(sent));
    assert.equal(sent[2].accepted, true, JSON.stringify(sent));
  }

  async metric(line) { return metric(await metrics(this.relay.port), line); }

  async metricUntil(line, value, what, timeoutMs = 60000) {
    const deadline = Date.now() + timeoutMs;
    while (await this.metric(line) !== value) {
      assert.ok(Date.now() < deadline, `${what} (relay log: ${this.relay.stderr()})`);
      await sleep(250);
    }
  }

  // The transactions of the node's mempool (and, with `blocks`, of its last blocks) that
  // spend an output of `txid`, decoded.
  async spendsOf(txid, blocks = 0) {
    const ids = [...await this.node.rpc('getrawmempool', [])];
    const tip = await this.height();
    for (let h = tip; h > tip - blocks; h -= 1) {
      const block = await this.node.rpc('getblock', [await this.node.rpc('getblockhash', [h]), true]);
      for (const t of block.tx) ids.push(typeof t === 'string' ? t : t.txid);
    }
    const out = [];
    for (const id of ids) {
      const raw = await this.node.rpc('getrawtransaction', [id, false]);
      const d = decode(raw);
      if (d.vin.some((i) => i.txid === txid)) out.push({ ...d, hex: raw });
    }
    return out;
  }

  async waitForSpends(txid, count, what, timeoutMs = 60000, blocks = 0) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = await this.spendsOf(txid, blocks);
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; relay log: ${this.relay.stderr()}`);
      await sleep(250);
    }
  }

  // A channel funded by a real transaction and usable (3 confirmations).
  async fundedChannel(name, fundingSats, pushMsat, coin) {
    const c = new Client(name);
    this.clients.push(c);
    await c.connect(this.relay.url);
    c.take(datt.channel.open(c.seed, openParams(fundingSats, pushMsat)));
    await until([c], () => c.events.some((e) => e.type === 'funding_needed'), 'accept_channel');
    const needed = c.events.find((e) => e.type === 'funding_needed');
    const tx = spend(coin, [
      { value: BigInt(fundingSats), scriptPubKey: Buffer.from(needed.script, 'hex') },
      { value: coin.sats - BigInt(fundingSats) - 2000n, scriptPubKey: Buffer.from(key(MNEMONIC, 1, this.coins.indexOf(coin)).scriptHex, 'hex') },
    ]);
    c.take(datt.channel.funding(c.state, c.seed, { txid: tx.txid, vout: 0 }));
    await until([c], () => c.events.some((e) => e.type === 'funding_may_broadcast'), 'funding_signed');
    await this.broadcast(tx.hex);
    c.take(datt.channel.ready(c.state, c.seed));
    await this.mine(3);
    await until([c], () => c.info().can_update, `${name}: channel_ready`, 60000);
    c.fundingTxid = tx.txid;
    return c;
  }

  // A pays `amountMsat` to B through the hub with B's expiry `expiry` (A's: expiry + 40);
  // resolves once B's channel and A's hold the HTLC on both sides, with what A sent.
  async pay(a, b, amountMsat, paymentHash, expiry) {
    const toSend = datt.channel.amountWithFee(RELAY_FEES, amountMsat);
    a.take(datt.channel.addHtlc(a.state, a.seed, {
      amount_msat: toSend, payment_hash: paymentHash, cltv_expiry: expiry + 40, block_height: 0,
      hop: { final: false, channel_id: b.info().channel_id, amount_msat: amountMsat, cltv_expiry: expiry },
    }));
    const quiet = () => !a.info().has_changes_to_sign && !b.info().has_changes_to_sign;
    await until([a, b], () => b.events.some((e) => e.type === 'htlc_received') && b.info().htlcs === 1 &&
      a.info().htlcs === 1 && quiet(), 'the HTLC offered to B');
    await sleep(1000);
    for (const c of [a, b]) while (c.step());
    assert.equal(b.info().htlcs, 1);
    return BigInt(toSend);
  }

  // A's HTLC stands through 5 confirmations of the block `minedAt` (the hub's timeout of it,
  // its justice tx, or a commitment without its output) and is failed back at the 6th,
  // once: A holds `wholeMsat` again.
  async failedBackAtSixth(a, minedAt, wholeMsat) {
    const failBacks = 'datt_hub_onchain_fail_backs_total';
    const before = await this.metric(failBacks);
    await this.mineTo(minedAt + 4);
    await sleep(2000);
    for (let i = 0; i < 3; i += 1) while (a.step());
    assert.equal(a.events.some((e) => e.type === 'htlc_failed'), false, 'not failed back before 6 confirmations');
    assert.equal(a.info().htlcs, 1);
    assert.equal(await this.metric(failBacks), before);
    await this.mine(1);
    await until([a], () => a.events.some((e) => e.type === 'htlc_failed') && a.info().htlcs === 0 &&
      !a.info().has_changes_to_sign, 'A\'s HTLC failed back', 60000);
    await sleep(1000);
    while (a.step());
    assert.match(a.events.find((e) => e.type === 'htlc_failed').reason, /^hub_payee_failed: /);
    assert.equal(BigInt(a.info().to_local_msat), wholeMsat);
    assert.equal(await this.metric(failBacks), before + 1);
  }

  // Reconnects a client after a relay restart (or after being away): attach, reestablish.
  async reattach(c) {
    c.ws.terminate();
    c.take(datt.channel.disconnected(c.state, c.seed));
    await c.connect(this.relay.url);
    c.challenge = undefined;
    c.ws.send(datt.channel.challengeRequest(), { binary: true });
    await until([c], () => c.challenge, 'hub_challenge');
    c.take(datt.channel.attach(c.state, c.seed, c.challenge));
    c.take(datt.channel.connected(c.state, c.seed));
  }
}

// The hub's fee on one of its transactions: its weight's share at the channel's feerate,
// rounded down, from a weight counted with 73-byte signatures (onchain_sweeps.h): between
// the fee of the actual weight and that of 3 more bytes per signature.
export function assertSweepFee(decoded, inputSats, signatures) {
  const paid = inputSats - decoded.vout.reduce((s, o) => s + o.valueSats, 0n);
  assert.ok(paid >= (FEERATE * BigInt(decoded.weight)) / 1000n, `fee ${paid} covers weight ${decoded.weight}`);
  assert.ok(paid <= (FEERATE * BigInt(decoded.weight + 3 * signatures)) / 1000n, `fee ${paid} at most the 73-byte weight`);
  return paid;
}
