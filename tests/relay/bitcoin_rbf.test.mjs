// A BIP-125 fee bump that really replaces a payment (issue 12 item 5), against a real bcoin
// regtest node and the relay's bridge, both started and stopped here on 127.0.0.1. The
// payment and its bump are the browser wallet's own (datt.bitcoin.wallet: buildPayment,
// bumpFee, sign, all in wasm), the keys BIP-84 from a mnemonic.
//
// bcoin 1.0.2 has no BIP-125 code: its mempool refuses any conflicting spend
// (bad-txns-inputs-spent), so the relay answers the bump `accepted: false`. A Bitcoin Core
// node would take the bump into its mempool (it signals, pays a higher absolute fee and
// feerate, and the extra fee covers its own relay at the incremental rate: checked here
// rule by rule), and its miners would mine it. The test plays that miner
// (tests/support/miner.mjs): a block holding the replacement, checked and connected by
// bcoin like any block. Then: bcoin drops the original from its mempool as conflicting,
// the watcher is told the spend and the confirmation, the client proves the replacement
// against its own header chain, and the wallet's coins on chain add up to the sat.
import './../support/webcrypto.mjs';

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startBcoinNode } from '../support/bcoin_node.mjs';
import { mineBlockWith } from '../support/miner.mjs';
import { loadWasmDatt } from '../support/vectors.mjs';
import { bridgeArgs, btc, btcEvent, freePort, mineTo, statusUntil } from './bitcoin_support.mjs';
import { connect, startRelay } from './support.mjs';

process.env.NODE_BACKEND = 'js';
const datt = await loadWasmDatt();
const NETWORK = 'bcoin-regtest';
const SEGWIT_HEIGHT = 432; // bcoin regtest: witness spends are refused before this height
const RBF_SEQUENCE = 0xfffffffd;
const INCREMENTAL_RELAY_SAT_PER_VB = 1n; // Bitcoin Core's -incrementalrelayfee default

const seed = datt.mnemonicToSeed('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
const { wallet } = datt.bitcoin;
const account = wallet.account(seed, { network: NETWORK });
const [receive] = wallet.addresses(account.xpub, 0, 0, 1, { network: NETWORK });
const [change] = wallet.addresses(account.xpub, 1, 0, 1, { network: NETWORK });
const payee = wallet.addresses(account.xpub, 0, 50, 1, { network: NETWORK })[0]; // stands for someone else
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const fromHex = (text) => Uint8Array.from(Buffer.from(text, 'hex'));

describe('an RBF bump replaces a payment on bcoin regtest (the block built by a miner)', { timeout: 420000 }, () => {
  let dir; let node; let relay; let conn;
  const burn = payee.address; // where blocks mined here pay: not the wallet's

  const rpc = (method, params) => node.rpc(method, params);



  async function broadcast(signed) {
    const reply = await btc(conn, { method: 'broadcast', tx: hex(signed.transaction) }, 30000);
    assert.equal(reply[0], 'BTC-OK', JSON.stringify(reply));
    assert.equal(reply[2].txid, signed.txid);
    return reply[2];
  }

  /** The node's chain from genesis, validated in wasm as the browser does. */
  async function headerChain() {
    const parts = [];
    for (let from = 1; ; from += 500) {
      const reply = await btc(conn, { method: 'headers', from, count: 500 });
      assert.equal(reply[0], 'BTC-OK', JSON.stringify(reply));
      parts.push(Buffer.from(reply[2].headers, 'hex'));
      if (reply[2].count < 500) break;
    }
    const headers = Buffer.concat(parts);
    const update = datt.bitcoin.extendHeaderChain(NETWORK, datt.bitcoin.headerChainGenesis(NETWORK), headers);
    assert.equal(update.failure, undefined, JSON.stringify(update.failure));
    return {
      height: update.height,
      hashAt: (height) => datt.bitcoin.parseBlockHeader(headers.subarray((height - 1) * 80, height * 80)).hash,
    };
  }

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'datt-rbf-'));
    const rpcPort = await freePort();
    node = startBcoinNode(path.join(dir, 'btc'), rpcPort, { memory: true });
    await node.ready();
    relay = await startRelay({
      dir,
      args: bridgeArgs(dir, rpcPort, NETWORK),
    });
    conn = await connect(relay.url);
  });

  after(async () => {
    conn?.close?.();
    await relay?.stop();
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const FUNDS = 1_000_000n;
  let coin;
  it('the faucet funds the wallet; segwit activates', async () => {
    const watching = await btc(conn, { method: 'watch', scripts: [hex(receive.scriptPubKey), hex(change.scriptPubKey)] });
    assert.equal(watching[0], 'BTC-OK', JSON.stringify(watching));
    const funded = await btc(conn, { method: 'faucet', address: receive.address, sats: Number(FUNDS) }, 180000);
    assert.equal(funded[0], 'BTC-OK', JSON.stringify(funded));
    coin = { txid: funded[2].txid, vout: funded[2].vout, value: FUNDS, scriptPubKey: receive.scriptPubKey, path: receive.path };
    await mineTo(node, SEGWIT_HEIGHT + 1, burn);
    await conn.next(btcEvent('confirmed', (e) => e.txid === coin.txid), 30000, 'the faucet confirmation');
    const caughtUp = await statusUntil(conn, (s) => s.height === SEGWIT_HEIGHT + 1, 60000);
    assert.equal(caughtUp.height, SEGWIT_HEIGHT + 1, JSON.stringify(caughtUp));
  });

  const PAID = 100_000n;
  let original; let originalSigned;
  it('a payment at 2 sat/vB enters the mempool', async () => {
    original = wallet.buildPayment({
      payees: [{ address: payee.address, value: PAID }], coins: [coin], feeRate: 2, changeScript: change.scriptPubKey,
    }, { network: NETWORK });
    originalSigned = wallet.sign(seed, original, { network: NETWORK });
    const verdict = await broadcast(originalSigned);
    assert.equal(verdict.accepted, true, JSON.stringify(verdict));
    assert.deepEqual(await rpc('getrawmempool'), [originalSigned.txid]);
    await conn.next(btcEvent('payment', (e) => e.txid === originalSigned.txid), 20000, 'the payment');
  });

  let bump; let bumpSigned;
  it('the bump is what a BIP-125 node accepts; bcoin refuses it beside the original', async () => {
    bump = wallet.bumpFee({ original, feeRate: 10, coins: [] });
    bumpSigned = wallet.sign(seed, bump, { network: NETWORK });
    const before = datt.bitcoin.parseTransaction(originalSigned.transaction);
    const after = datt.bitcoin.parseTransaction(bumpSigned.transaction);
    // Rule 1: the original signals (every input's nSequence at most 0xfffffffd).
    assert.ok(before.inputs.every((input) => input.sequence <= RBF_SEQUENCE));
    // A conflict: the bump spends the original's coin; it adds no unconfirmed input (rule 2).
    assert.deepEqual(after.inputs.map((i) => `${i.txid}:${i.vout}`), [`${coin.txid}:${coin.vout}`]);
    // The payee is paid as before; the fee comes out of the change.
    const paying = (tx) => tx.outputs.filter((o) => hex(o.scriptPubKey) === hex(payee.scriptPubKey));
    assert.deepEqual(paying(after).map((o) => o.value), [PAID]);
    // Rule 3: a higher absolute fee; rule 4: the increase pays the bump's own relay at the
    // incremental rate; and a higher feerate (what miners order by).
    const feeOf = (tx) => FUNDS - tx.outputs.reduce((sum, o) => sum + o.value, 0n);
    assert.equal(feeOf(before), originalSigned.fee);
    assert.equal(feeOf(after), bumpSigned.fee);
    assert.ok(bumpSigned.fee > originalSigned.fee);
    assert.ok(bumpSigned.fee - originalSigned.fee >= INCREMENTAL_RELAY_SAT_PER_VB * BigInt(bumpSigned.vsize),
      `${bumpSigned.fee} - ${originalSigned.fee} < ${bumpSigned.vsize} vB x 1 sat/vB`);
    assert.ok(bumpSigned.fee * BigInt(originalSigned.vsize) > originalSigned.fee * BigInt(bumpSigned.vsize));
    assert.ok(bumpSigned.fee >= 10n * BigInt(bumpSigned.vsize), 'at least the rate asked for');

    const refused = await broadcast(bumpSigned);
    assert.equal(refused.accepted, false, 'bcoin 1.0.2 keeps the first spend');
    assert.equal(typeof refused.reason, 'string');
    assert.deepEqual(await rpc('getrawmempool'), [originalSigned.txid], 'the original stays');
  });

  it('a miner mines the replacement: bcoin drops the original, the client proves the replacement', async () => {
    const height = await rpc('getblockcount');
    const block = await mineBlockWith({
      datt, rpc, transactions: [bumpSigned.transaction], fees: bumpSigned.fee, payoutScript: payee.scriptPubKey,
    });
    assert.equal(await rpc('getbestblockhash'), block);
    assert.deepEqual(await rpc('getrawmempool'), [], 'the original left the mempool as a conflict');
    await assert.rejects(rpc('getrawtransaction', [originalSigned.txid]), 'the original is nowhere');

    // The watcher: the coin's spend by the replacement, mined; its change confirmed.
    const spend = await conn.next(btcEvent('spend', (e) => e.txid === bumpSigned.txid && e.block !== undefined),
      30000, 'the mined spend');
    assert.deepEqual(spend[1].outpoint, { txid: coin.txid, vout: coin.vout });
    assert.equal(spend[1].block, block);
    const confirmed = await conn.next(btcEvent('confirmed', (e) => e.txid === bumpSigned.txid), 30000, 'the confirmation');
    assert.equal(confirmed[1].vout, bump.changeOutput);
    assert.equal(BigInt(confirmed[1].sats), FUNDS - PAID - bumpSigned.fee);

    // The client's proof: the replacement in the block its own validated chain has there.
    const caughtUp = await statusUntil(conn, (s) => s.height === height + 1, 30000);
    assert.equal(caughtUp.height, height + 1);
    const chain = await headerChain();
    assert.equal(chain.height, height + 1);
    const reply = await btc(conn, { method: 'proof', txid: bumpSigned.txid });
    assert.equal(reply[0], 'BTC-OK', JSON.stringify(reply));
    const proof = datt.bitcoin.verifyMerkleProof(fromHex(reply[2].proof));
    assert.ok(proof.matches.some((m) => m.txid === bumpSigned.txid));
    assert.equal(proof.blockHash, chain.hashAt(reply[2].height));
    assert.equal(proof.blockHash, block);
    const gone = await btc(conn, { method: 'proof', txid: originalSigned.txid });
    assert.equal(gone[0], 'BTC-ERR', 'the replaced payment is in no block');

    // Exact to the sat: the wallet's coins on chain are the funds less the payment and the
    // bump's fee; the original's change never exists.
    const originalChange = await rpc('gettxout', [originalSigned.txid, original.changeOutput]);
    assert.equal(originalChange, null);
    assert.equal(await rpc('gettxout', [coin.txid, coin.vout]), null, 'the faucet coin is spent');
    const changeOut = await rpc('gettxout', [bumpSigned.txid, bump.changeOutput]);
    assert.equal(changeOut.scriptPubKey.hex, hex(change.scriptPubKey));
    assert.equal(BigInt(Math.round(changeOut.value * 1e8)), FUNDS - PAID - bumpSigned.fee);
  });
});
