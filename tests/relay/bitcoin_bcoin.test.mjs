// The bridge against a real bcoin regtest node (scripts/bitcoin-node.mjs --memory, started
// and stopped here, 127.0.0.1): the faucet funds a BIP-84 address (m/84'/1'/0'/0/0 of the
// BIP-39 test mnemonic, derived with bcoin's HD code), a watcher is told of the payment, its
// confirmation, a spend and a reorganization; headers by range link and end at the node's
// tip; the merkle proof holds the txid; broadcast verdicts; a spend mined before a watch is
// told to a watch with from_height (the bridge scans those blocks again, to that client only);
// the node stopped mid-test gives clear errors and the relay recovers when it returns.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startBcoinNode } from '../support/bcoin_node.mjs';
import { repoRoot } from '../support/vectors.mjs';
import { bridgeArgs, btc, btcEvent, displayHex, freePort, rawTx, sha256d, statusUntil } from './bitcoin_support.mjs';
import { connect, startRelay } from './support.mjs';

process.env.NODE_BACKEND = 'js';
const require = createRequire(path.join(repoRoot, 'package.json'));
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

function bip84Receive() {
  const HD = require('bcoin/lib/hd');
  const KeyRing = require('bcoin/lib/primitives/keyring');
  const phrase = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
  const key = HD.fromMnemonic(new HD.Mnemonic({ phrase })).derivePath("m/84'/1'/0'/0/0");
  const ring = KeyRing.fromPrivate(key.privateKey);
  ring.witness = true;
  return { address: ring.getAddress('string', 'regtest'), script: ring.getProgram().toRaw().toString('hex') };
}


describe('bridge against bcoin regtest', { timeout: 170000 }, () => {
  let dir; let node; let relay; let client; let rpcPort;
  const wallet = bip84Receive();

  const rpc = (method, params) => node.rpc(method, params);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'datt-bcoin-'));
    rpcPort = await freePort();
    node = startBcoinNode(path.join(dir, 'btc'), rpcPort, { memory: true });
    await node.ready();
    relay = await startRelay({
      dir,
      args: bridgeArgs(dir, rpcPort, 'bcoin-regtest'),
    });
    client = await connect(relay.url);
  });

  after(async () => {
    client?.close?.();
    await relay?.stop();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let paid;
  it('faucet pays a BIP-84 address; the watcher sees the payment and its confirmation', async () => {
    const status = await btc(client, { method: 'status' });
    assert.equal(status[0], 'BTC-OK', JSON.stringify(status));
    assert.equal(status[2].connected, true);
    assert.equal(status[2].network, 'bcoin-regtest');
    assert.equal(status[2].faucet, true);
    assert.match(wallet.address, /^rb1q/);

    const watching = await btc(client, { method: 'watch', scripts: [wallet.script] });
    assert.equal(watching[0], 'BTC-OK', JSON.stringify(watching));
    const funded = await btc(client, { method: 'faucet', address: wallet.address, sats: 150000000 }, 120000);
    assert.equal(funded[0], 'BTC-OK', JSON.stringify(funded));
    paid = funded[2].txid;
    assert.equal(displayHex(sha256d(Buffer.from(funded[2].tx, 'hex'))), paid);  // a legacy tx: txid = hash
    assert.ok((await rpc('getrawmempool')).includes(paid), 'the faucet transaction is in the node\'s mempool');

    const payment = await client.next(btcEvent('payment', (e) => e.txid === paid), 20000, 'the payment');
    assert.equal(payment[1].sats, 150000000);
    assert.equal(payment[1].script, wallet.script);
    const mined = await btc(client, { method: 'mine', blocks: 1 });
    assert.equal(mined[0], 'BTC-OK', JSON.stringify(mined));
    const confirmed = await client.next(btcEvent('confirmed', (e) => e.txid === paid), 20000, 'the confirmation');
    assert.equal(confirmed[1].block, mined[2].blocks[0]);
    assert.equal(confirmed[1].height, await rpc('getblockcount'));
  });

  it('headers by range link, carry proof of work and end at the node\'s tip; the proof holds the txid', async () => {
    const tip = await rpc('getblockcount');
    const reply = await btc(client, { method: 'headers', from: tip - 100, count: 500 });
    assert.equal(reply[0], 'BTC-OK', JSON.stringify(reply));
    assert.equal(reply[2].count, 101);
    const raw = Buffer.from(reply[2].headers, 'hex');
    let prev = Buffer.from(await rpc('getblockhash', [tip - 101]), 'hex').reverse();
    for (let i = 0; i < 101; i += 1) {
      const h = raw.subarray(i * 80, i * 80 + 80);
      assert.ok(h.subarray(4, 36).equals(prev), `header ${i} links`);
      prev = sha256d(h);
      assert.ok(prev[31] <= 0x7f, 'regtest proof of work');
    }
    assert.equal(displayHex(prev), await rpc('getbestblockhash'));

    const proof = await btc(client, { method: 'proof', txid: paid });
    assert.equal(proof[0], 'BTC-OK', JSON.stringify(proof));
    const block = Buffer.from(proof[2].proof, 'hex');
    assert.equal(displayHex(sha256d(block.subarray(0, 80))), proof[2].block);
    assert.ok(block.includes(Buffer.from(paid, 'hex').reverse()), 'the merkle block lists the txid');
    assert.equal(proof[2].height, tip);
  });

  it('broadcast verdicts: accepted (already mined) and refused', async () => {
    const funded = await rpc('getrawtransaction', [paid, 0]);
    const again = await btc(client, { method: 'broadcast', tx: funded });
    assert.equal(again[0], 'BTC-OK', JSON.stringify(again));
    assert.equal(again[2].txid, paid);
    assert.equal(again[2].accepted, true);
    assert.equal(again[2].in, 'chain');
    const refused = await btc(client, { method: 'broadcast', tx: rawTx(0x77).toString('hex') });
    assert.equal(refused[0], 'BTC-OK', JSON.stringify(refused));
    assert.equal(refused[2].accepted, false);
    assert.match(refused[2].reason, /mempool/);
    const nonsense = await btc(client, { method: 'broadcast', tx: 'deadbeef' });
    assert.equal(nonsense[2].code, 'tx_invalid');
  });

  it('a spend of a watched outpoint, then a reorganization, are told', async () => {
    const tx = Buffer.from(await rpc('getrawtransaction', [paid, 0]), 'hex');
    const change = { txid: paid, vout: 1 };
    const watching = await btc(client, { method: 'watch', outpoints: [change] });
    assert.equal(watching[0], 'BTC-OK', JSON.stringify(watching));
    const second = await btc(client, { method: 'faucet', address: wallet.address, sats: 1000000 }, 60000);
    assert.equal(second[0], 'BTC-OK', JSON.stringify(second));
    const spend = await client.next(btcEvent('spend', (e) => e.txid === second[2].txid), 20000, 'the spend');
    assert.deepEqual(spend[1].outpoint, change);
    // The spending transaction's bytes come with it (a channel client resolves them): the node's own.
    assert.equal(spend[1].tx, await rpc('getrawtransaction', [second[2].txid, 0]));

    const mined = await btc(client, { method: 'mine', blocks: 1 });
    await client.next(btcEvent('confirmed', (e) => e.txid === second[2].txid), 20000, 'the confirmation');
    const height = await rpc('getblockcount');
    // A competing branch: the block that confirmed it is invalidated and two others mined.
    await rpc('invalidateblock', [mined[2].blocks[0]]);
    const longer = await btc(client, { method: 'mine', blocks: 2 });
    assert.equal(longer[0], 'BTC-OK', JSON.stringify(longer));
    const reorg = await client.next(btcEvent('reorg'), 20000, 'the reorg');
    assert.equal(reorg[1].fork_height, height - 1);
    assert.equal(reorg[1].old_tip, mined[2].blocks[0]);
    await client.next(btcEvent('unconfirmed', (e) => e.txid === second[2].txid), 20000, 'unconfirmed');
  });

  it('a spend mined before the watch: told to a watch with from_height, after a scan of those blocks', async () => {
    const late = await connect(relay.url);
    const other = await connect(relay.url);
    try {
      // The faucet spends one of its coins; three blocks on top; only then does `late` watch it.
      // (A connection of its own for the faucet: 5 faucet or mine requests a minute per connection.
      // The faucet's change left the chain with the reorganization: refused once, then dropped.)
      let third = await btc(other, { method: 'faucet', address: wallet.address, sats: 2000000 }, 60000);
      if (third[0] === 'BTC-ERR' && third[2].code === 'faucet_refused') {
        third = await btc(other, { method: 'faucet', address: wallet.address, sats: 2000000 }, 60000);
      }
      assert.equal(third[0], 'BTC-OK', JSON.stringify(third));
      await rpc('generatetoaddress', [1, wallet.address]);
      const spendHeight = await rpc('getblockcount');
      await rpc('generatetoaddress', [2, wallet.address]);
      const tip = spendHeight + 2;
      await statusUntil(late, (s) => s.height >= tip, 20000);
      const decoded = await rpc('getrawtransaction', [third[2].txid, 1]);
      const coin = { txid: decoded.vin[0].txid, vout: decoded.vin[0].vout };
      const fresh = { txid: third[2].txid, vout: 0 };  // unspent: nothing to look for

      const bad = await btc(late, { method: 'watch', scripts: [wallet.script], from_height: 1 });
      assert.equal(bad[2].code, 'btc_bad_params', JSON.stringify(bad));
      const beyond = await btc(late, { method: 'watch', outpoints: [coin], from_height: tip + 1 });
      assert.deepEqual(beyond[2].rescan, { from_height: tip + 1, to_height: tip, spent: 0 }, JSON.stringify(beyond));
      const watching = await btc(late, { method: 'watch', outpoints: [coin, fresh], from_height: spendHeight - 1 });
      assert.equal(watching[0], 'BTC-OK', JSON.stringify(watching));
      assert.deepEqual(watching[2].rescan, { from_height: spendHeight - 1, to_height: tip, spent: 1 });
      const spend = await late.next(btcEvent('spend'), 20000, 'the spend found again');
      assert.deepEqual(spend[1].outpoint, coin);
      assert.equal(spend[1].txid, third[2].txid);
      assert.equal(spend[1].height, spendHeight);
      assert.equal(spend[1].block, await rpc('getblockhash', [spendHeight]));
      assert.equal(spend[1].tx, await rpc('getrawtransaction', [third[2].txid, 0]));
      const done = await late.next(btcEvent('rescanned'), 20000, 'the end of the scan');
      assert.deepEqual(done[1], { type: 'rescanned', from_height: spendHeight - 1, to_height: spendHeight });

      // From the genesis block (whose coinbase no node serves: skipped): more blocks than one
      // poll scans (50); found all the same, and
      // told to the asking connection only (`other` watches the same outpoint live).
      await btc(other, { method: 'watch', outpoints: [coin] });
      const whole = await btc(late, { method: 'watch', outpoints: [coin], from_height: 0 });
      assert.deepEqual(whole[2].rescan, { from_height: 1, to_height: tip, spent: 1 });
      const again = await late.next(btcEvent('spend'), 60000, 'the spend found from block 0');
      assert.equal(again[1].height, spendHeight);
      const last = await late.next(btcEvent('rescanned'), 60000, 'the end of the scan from 0');
      assert.deepEqual(last[1], { type: 'rescanned', from_height: 1, to_height: spendHeight });
      assert.deepEqual(other.take(btcEvent('spend')), [], 'a rescan is told to the connection that asked');
    } finally {
      late.close();
      other.close();
    }
  });

  it('the node stopped mid-test gives clear errors; the relay recovers when it returns', async () => {
    await node.stop();
    let down;
    for (let i = 0; i < 100; i += 1) {
      down = await btc(client, { method: 'status' });
      if (down[2].connected === false) break;
      await sleep(100);
    }
    assert.equal(down[2].connected, false, JSON.stringify(down));
    const failed = await btc(client, { method: 'headers', from: 0, count: 1 });
    assert.equal(failed[0], 'BTC-ERR');
    assert.ok(['rpc_unreachable', 'node_unavailable'].includes(failed[2].code), JSON.stringify(failed));
    assert.match(failed[2].message, /node/);

    node = startBcoinNode(path.join(dir, 'btc'), rpcPort, { memory: true });
    await node.ready();
    let up;
    for (let i = 0; i < 150; i += 1) {
      await sleep(200);
      const info = await fetch(`${relay.httpUrl}/`, { headers: { accept: 'application/nostr+json' } }).then((r) => r.json());
      if (info.bitcoin.connected) { up = info; break; }
    }
    assert.ok(up, 'the relay reconnected');
    const headers = await btc(client, { method: 'headers', from: 0, count: 1 });
    assert.equal(headers[0], 'BTC-OK', JSON.stringify(headers));
  });
});
