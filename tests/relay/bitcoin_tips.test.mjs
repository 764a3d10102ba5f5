// On-chain tips end to end (issue 12 item 5), against a real bcoin regtest node and the
// relay's bridge, both started and stopped here on 127.0.0.1. Everything a browser does goes
// through the wasm module: BIP-84 keys from a mnemonic (datt.derive), the payment built and
// signed (datt.bitcoin), the payout and tip events (datt.tips, published to the relay and
// read back), the header chain kept and validated by the client (BTC headers), the proof
// (BTC proof) and the verdict (datt.tips.verify).
//
// What tests/relay/bitcoin_bcoin.test.mjs already covers is not repeated (watch
// notifications for a faucet payment, headers by range, broadcast verdicts, a reorganization
// notification); this file follows a tip through payment, fee bump, confirmation, SPV
// verification, the spend of its change and a reorganization.
//
// bcoin 1.0.2 does not replace transactions (its mempool refuses any conflicting spend with
// bad-txns-inputs-spent; node_modules/bcoin/lib/mempool/mempool.js has no BIP-125 code), so
// the fee bump is shown the way a Core node's miner would see it: the node refuses it while
// the original is in its mempool; the node restarts (its chain is on disk, its mempool is
// not kept), the relay reports it down and reconnects, the bump is broadcast and mined, and
// the original's tip stays pending for good.
import './../support/webcrypto.mjs';

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startBcoinNode } from '../support/bcoin_node.mjs';
import { loadWasmDatt } from '../support/vectors.mjs';
import { bridgeArgs, btc, btcEvent, freePort, mineTo, statusUntil } from './bitcoin_support.mjs';
import {
  connect, fetchEvents, publishOk, sleep, startRelay,
} from './support.mjs';

process.env.NODE_BACKEND = 'js';
const datt = await loadWasmDatt();
const NETWORK = 'bcoin-regtest';
const SEGWIT_HEIGHT = 432; // bcoin regtest: witness spends are refused before this height

// ---- a wallet as the browser derives it ----

function wallet(mnemonic) {
  const seed = datt.mnemonicToSeed(mnemonic);
  const versions = datt.bitcoin.network(NETWORK).bip32Versions;
  const key = (chain, index) => {
    const derived = datt.derive(seed, `m/84'/1'/0'/${chain}/${index}`, versions);
    const script = datt.bitcoin.p2wpkhScript(derived.publicKey);
    return {
      secretKey: derived.secretKey, script, scriptHex: Buffer.from(script).toString('hex'),
      address: datt.bitcoin.scriptToAddress(script, NETWORK),
    };
  };
  return {
    nostrKey: datt.derive(seed, "m/44'/1237'/0'/0/0").secretKey, // NIP-06
    receive: (index) => key(0, index),
    change: (index) => key(1, index),
  };
}

const payer = wallet('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
const author = wallet('legal winner thank year wave sausage worth useful legal winner thank yellow');
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A P2WPKH spend of one coin, signed in wasm; RBF-signalling (nSequence 0xfffffffd). */
function spend({ coin, from, outputs }) {
  const tx = {
    version: 2,
    locktime: 0,
    inputs: [{ txid: coin.txid, vout: coin.vout, sequence: 0xfffffffd }],
    outputs,
  };
  tx.inputs[0].witness = datt.bitcoin.signP2wpkhInput(tx, 0, coin.sats, from.secretKey);
  const raw = datt.bitcoin.serializeTransaction(tx);
  return { raw, hex: Buffer.from(raw).toString('hex'), txid: datt.bitcoin.transactionInfo(raw).txid };
}

// ---- the client's header chain: validated in wasm from genesis, the best one kept ----

class HeaderStore {
  best = null;

  /** Fetches the node's chain through the relay and keeps it if it has more work. */
  async sync(conn) {
    const parts = [];
    let tipHeight = 0;
    for (let from = 1; ; from += 500) {
      const reply = await btc(conn, { method: 'headers', from, count: 500 });
      assert.equal(reply[0], 'BTC-OK', JSON.stringify(reply));
      parts.push(Buffer.from(reply[2].headers, 'hex'));
      tipHeight = reply[2].tip_height;
      if (reply[2].count < 500 || from + 499 >= tipHeight) break;
    }
    const headers = Buffer.concat(parts);
    const update = datt.bitcoin.extendHeaderChain(NETWORK, datt.bitcoin.headerChainGenesis(NETWORK), headers);
    assert.equal(update.failure, undefined, JSON.stringify(update.failure));
    const candidate = { state: update.state, headers, height: update.height, tipHash: update.tipHash, chainWork: update.chainWork };
    // chainWork is 64 hex digits: the string order is the number order.
    if (!this.best || candidate.chainWork > this.best.chainWork) this.best = candidate;
    return candidate;
  }

  /** The stored headers from `height` to the tip, as verify() takes them. */
  from(height) {
    return Uint8Array.from(this.best.headers.subarray((height - 1) * 80));
  }

  hashAt(height) {
    return datt.bitcoin.parseBlockHeader(this.best.headers.subarray((height - 1) * 80, height * 80)).hash;
  }
}

// ---- the node ----


describe('on-chain tips against bcoin regtest', { timeout: 420000 }, () => {
  let dir; let node; let relay; let rpcPort;
  let payerConn; let authorConn; let readerConn;
  const store = new HeaderStore();
  const burn = payer.receive(9).address; // where blocks mined here pay

  const rpc = (method, params) => node.rpc(method, params);



  async function broadcast(tx) {
    const reply = await btc(payerConn, { method: 'broadcast', tx: tx.hex }, 30000);
    assert.equal(reply[0], 'BTC-OK', JSON.stringify(reply));
    assert.equal(reply[2].txid, tx.txid);
    return reply[2];
  }

  async function proofOf(txid) {
    const reply = await btc(readerConn, { method: 'proof', txid });
    return reply[0] === 'BTC-OK' ? { height: reply[2].height, block: reply[2].block, bytes: Uint8Array.from(Buffer.from(reply[2].proof, 'hex')) } : null;
  }

  function verify(tipEvent, raw, proof) {
    return datt.tips.verify(tipEvent, {
      network: NETWORK, state: store.best.state, transaction: raw,
      proof: proof?.bytes, headers: proof ? store.from(proof.height) : undefined,
    });
  }

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'datt-tips-'));
    rpcPort = await freePort();
    node = startBcoinNode(path.join(dir, 'btc'), rpcPort);
    await node.ready();
    relay = await startRelay({
      dir,
      args: bridgeArgs(dir, rpcPort, NETWORK),
    });
    [payerConn, authorConn, readerConn] = await Promise.all([connect(relay.url), connect(relay.url), connect(relay.url)]);
  });

  after(async () => {
    for (const conn of [payerConn, authorConn, readerConn]) conn?.close?.();
    await relay?.stop();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  let coin; // the faucet's payment to the payer
  it('the faucet funds a BIP-84 wallet derived through wasm; segwit activates', async () => {
    assert.match(payer.receive(0).address, /^rb1q/);
    const watching = await btc(payerConn, { method: 'watch', scripts: [payer.receive(0).scriptHex, payer.change(0).scriptHex] });
    assert.equal(watching[0], 'BTC-OK', JSON.stringify(watching));
    const funded = await btc(payerConn, { method: 'faucet', address: payer.receive(0).address, sats: 1000000 }, 180000);
    assert.equal(funded[0], 'BTC-OK', JSON.stringify(funded));
    coin = { txid: funded[2].txid, vout: funded[2].vout, sats: BigInt(funded[2].sats) };
    const output = datt.bitcoin.parseTransaction(Uint8Array.from(Buffer.from(funded[2].tx, 'hex'))).outputs[coin.vout];
    assert.equal(Buffer.from(output.scriptPubKey).toString('hex'), payer.receive(0).scriptHex);
    assert.equal(output.value, 1000000n);
    await payerConn.next(btcEvent('payment', (e) => e.txid === coin.txid), 20000, 'the faucet payment');
    await mineTo(node, SEGWIT_HEIGHT + 1, burn);
    await payerConn.next(btcEvent('confirmed', (e) => e.txid === coin.txid), 30000, 'the faucet confirmation');
    // The bridge scans at most 50 blocks per poll: wait until it has seen the whole chain, so
    // what follows does not race its catch-up on a loaded machine.
    const caughtUp = await statusUntil(payerConn, (s) => s.height === SEGWIT_HEIGHT + 1, 60000);
    assert.equal(caughtUp.height, SEGWIT_HEIGHT + 1, JSON.stringify(caughtUp));
  });

  let payoutEvent; let post; let original; let originalTip;
  it('a tip is paid to the address of the author\'s payout event and announced; it is pending', async () => {
    // The author: a post and a payout event, published to the relay.
    post = datt.signEvent({ created_at: nowSeconds(), kind: 1, tags: [], content: 'worth a tip' }, author.nostrKey);
    await publishOk(authorConn, post);
    await publishOk(authorConn, datt.signEvent(
      datt.tips.payoutTemplate([{ network: NETWORK, address: author.receive(0).address }], { createdAt: nowSeconds() }),
      author.nostrKey,
    ));
    const watching = await btc(authorConn, { method: 'watch', scripts: [author.receive(0).scriptHex] });
    assert.equal(watching[0], 'BTC-OK', JSON.stringify(watching));

    // The payer finds it on the relay, pays with the commitment output, and announces.
    const found = await fetchEvents(payerConn, [{ kinds: [10570], authors: [post.pubkey] }]);
    assert.equal(found.length, 1);
    [payoutEvent] = found;
    const payout = datt.tips.parsePayout(payoutEvent);
    const paid = payout.addresses.find((a) => a.network === NETWORK);
    assert.equal(paid.address, author.receive(0).address);
    const payerPubkey = datt.publicKey(payer.nostrKey);
    original = spend({
      coin,
      from: payer.receive(0),
      outputs: [
        { value: 25000n, scriptPubKey: paid.scriptPubKey },
        { value: 0n, scriptPubKey: datt.tips.commitmentScript(post.id, payerPubkey) },
        { value: coin.sats - 25000n - 300n, scriptPubKey: payer.change(0).script },
      ],
    });
    const verdict = await broadcast(original);
    assert.equal(verdict.accepted, true, JSON.stringify(verdict));
    const payment = await authorConn.next(btcEvent('payment', (e) => e.txid === original.txid), 20000, 'the author\'s payment');
    assert.equal(payment[1].vout, 0);
    assert.equal(payment[1].sats, 25000);

    originalTip = datt.signEvent(datt.tips.tipTemplate(payoutEvent, {
      target: post.id, network: NETWORK, txid: original.txid, vout: 0, sats: 25000, message: 'thanks', createdAt: nowSeconds(),
    }), payer.nostrKey);
    await publishOk(payerConn, originalTip);

    // A reader: the tip under the post, checked against its own header chain.
    const tips = await fetchEvents(readerConn, [{ kinds: [4570], '#e': [post.id] }]);
    assert.deepEqual(tips.map((t) => t.id), [originalTip.id]);
    const parsed = datt.tips.parseTip(tips[0]);
    assert.equal(parsed.author, post.pubkey);
    assert.equal(parsed.target, post.id);
    assert.equal(parsed.sats, 25000n);
    await store.sync(readerConn);
    const pending = verify(tips[0], original.raw, await proofOf(original.txid));
    assert.equal(pending.status, 'pending');
    assert.equal(pending.code, 'tip_unconfirmed');
  });

  let bumped; let bumpedTip;
  it('a fee bump replaces the payment: refused beside the original, mined after the node restarts', async () => {
    bumped = spend({
      coin,
      from: payer.receive(0),
      outputs: [
        { value: 25000n, scriptPubKey: author.receive(0).script },
        { value: 0n, scriptPubKey: datt.tips.commitmentScript(post.id, datt.publicKey(payer.nostrKey)) },
        { value: coin.sats - 25000n - 2000n, scriptPubKey: payer.change(0).script },
      ],
    });
    assert.notEqual(bumped.txid, original.txid);
    const refused = await broadcast(bumped);
    assert.equal(refused.accepted, false, 'bcoin 1.0.2 keeps the first spend');

    // The node goes down: clear errors; it comes back without its mempool; the relay recovers.
    await node.stop();
    let down;
    for (let i = 0; i < 100; i += 1) {
      down = await btc(payerConn, { method: 'status' });
      if (down[2].connected === false) break;
      await sleep(100);
    }
    assert.equal(down[2].connected, false, JSON.stringify(down));
    const failed = await btc(readerConn, { method: 'proof', txid: original.txid });
    assert.equal(failed[0], 'BTC-ERR');
    assert.ok(['rpc_unreachable', 'node_unavailable'].includes(failed[2].code), JSON.stringify(failed));
    node = startBcoinNode(path.join(dir, 'btc'), rpcPort);
    await node.ready();
    // Connected first, then (the bridge rescans after a reconnect) back at the old tip.
    const up = await statusUntil(payerConn, (s) => s.connected === true && s.height >= SEGWIT_HEIGHT + 1, 60000);
    assert.equal(up.connected, true, JSON.stringify(up));
    assert.equal(up.height, SEGWIT_HEIGHT + 1, 'the chain survived the restart');
    assert.deepEqual(await rpc('getrawmempool'), []);

    const accepted = await broadcast(bumped);
    assert.equal(accepted.accepted, true, JSON.stringify(accepted));
    await authorConn.next(btcEvent('payment', (e) => e.txid === bumped.txid), 20000, 'the bumped payment');
    bumpedTip = datt.signEvent(datt.tips.tipTemplate(payoutEvent, {
      target: post.id, network: NETWORK, txid: bumped.txid, vout: 0, sats: 25000, message: 'thanks (fee bumped)', createdAt: nowSeconds(),
    }), payer.nostrKey);
    await publishOk(payerConn, bumpedTip);
  });

  let bumpedProof;
  it('the tip is mined and SPV-verified in wasm; the replaced payment\'s tip stays pending', async () => {
    const mined = await btc(payerConn, { method: 'mine', blocks: 1 }, 60000);
    assert.equal(mined[0], 'BTC-OK', JSON.stringify(mined));
    const confirmed = await authorConn.next(btcEvent('confirmed', (e) => e.txid === bumped.txid), 30000, 'the confirmation');
    assert.equal(confirmed[1].block, mined[2].blocks[0]);

    await store.sync(readerConn);
    bumpedProof = await proofOf(bumped.txid);
    assert.equal(bumpedProof.block, mined[2].blocks[0]);
    assert.equal(store.hashAt(bumpedProof.height), bumpedProof.block);
    const verified = verify(bumpedTip, bumped.raw, bumpedProof);
    assert.equal(verified.status, 'verified', verified.code);
    assert.equal(verified.confirmations, 1);
    assert.equal(verified.height, store.best.height);
    assert.equal(verified.blockHash, bumpedProof.block);
    assert.deepEqual(datt.tips.total([{ txid: bumped.txid, vout: 0, sats: verified.sats }]), { sats: 25000n, payments: 1 });

    assert.equal(await proofOf(original.txid), null, 'the replaced payment is in no block');
    const stale = verify(originalTip, original.raw, null);
    assert.equal(stale.status, 'pending');
    assert.equal(stale.code, 'tip_unconfirmed');
    // The original's tip with the bump's proof is refused for what it is.
    assert.equal(verify(originalTip, bumped.raw, bumpedProof).code, 'tip_txid_mismatch');
  });

  let changeSpend;
  it('the change is spent and the watcher is told', async () => {
    const change = { txid: bumped.txid, vout: 2, sats: coin.sats - 25000n - 2000n };
    changeSpend = spend({
      coin: change,
      from: payer.change(0),
      outputs: [{ value: change.sats - 300n, scriptPubKey: payer.receive(1).script }],
    });
    const verdict = await broadcast(changeSpend);
    assert.equal(verdict.accepted, true, JSON.stringify(verdict));
    const told = await payerConn.next(btcEvent('spend', (e) => e.txid === changeSpend.txid), 20000, 'the spend');
    assert.deepEqual(told[1].outpoint, { txid: change.txid, vout: 2 });
    // Mined: the spend is told again, now with its block.
    const [block] = await rpc('generatetoaddress', [1, burn]);
    const mined = await payerConn.next(btcEvent('spend', (e) => e.txid === changeSpend.txid && e.block !== undefined),
      30000, 'the mined spend');
    assert.equal(mined[1].block, block);
    await store.sync(readerConn);
    const deeper = verify(bumpedTip, bumped.raw, bumpedProof);
    assert.equal(deeper.status, 'verified', deeper.code);
    assert.equal(deeper.confirmations, 2);
  });

  it('a reorganization turns the verified tip pending; the client follows the better chain', async () => {
    const before = store.best;
    const forkHeight = bumpedProof.height - 1;
    assert.deepEqual(await rpc('getrawmempool'), []);
    await rpc('invalidateblock', [bumpedProof.block]);
    // A competing branch from the block before the tip's, one block longer than the old one.
    await rpc('generatetoaddress', [before.height - forkHeight + 1, burn]);
    const reorg = await authorConn.next(btcEvent('reorg'), 30000, 'the reorg');
    assert.equal(reorg[1].fork_height, forkHeight);
    await authorConn.next(btcEvent('unconfirmed', (e) => e.txid === bumped.txid), 30000, 'unconfirmed');

    const candidate = await store.sync(readerConn);
    assert.ok(candidate.chainWork > before.chainWork, 'the new branch has more work');
    assert.equal(store.best, candidate, 'the client follows it');
    assert.equal(store.best.tipHash, await rpc('getbestblockhash'));
    assert.notEqual(store.hashAt(bumpedProof.height), bumpedProof.block);

    const reorged = verify(bumpedTip, bumped.raw, bumpedProof);
    assert.equal(reorged.status, 'pending');
    assert.equal(reorged.code, 'tip_not_in_chain');

    // The payment is mined again (bcoin drops a disconnected block's transactions when its
    // mempool is empty; otherwise they are back already): verified in its new block.
    let proof = await proofOf(bumped.txid);
    if (!proof) {
      const again = await broadcast(bumped);
      assert.equal(again.accepted, true, JSON.stringify(again));
      await rpc('generatetoaddress', [1, burn]);
      proof = await proofOf(bumped.txid);
    }
    assert.notEqual(proof.block, bumpedProof.block);
    await store.sync(readerConn);
    const remined = verify(bumpedTip, bumped.raw, proof);
    assert.equal(remined.status, 'verified', remined.code);
    assert.equal(remined.blockHash, proof.block);
    assert.equal(remined.height, proof.height);
  });
});
