// Datt's Bitcoin against a real node and an independent library. Every transaction type
// Datt builds (P2WPKH spends, 2-of-2 P2WSH funding and spending, CLTV and CSV timelocked
// spends, both branches of a hash lock, OP_RETURN) is built and signed through the wasm API
// (the browser's path), broadcast to bcoin in regtest with standardness on, judged by its
// mempool, mined and spent again; timelocked spends are refused before their lock and
// accepted after; a bad signature is refused. bitcoinjs-lib decodes each transaction and
// recomputes its txid, wtxid, vsize and sighashes; Datt decodes and verifies transactions
// bitcoinjs-lib built. Headers and gettxoutproof replies from the node verify in wasm from
// genesis, and tampered ones fail with the right codes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { secp256k1 } from '@noble/curves/secp256k1';
import * as bitcoinjs from 'bitcoinjs-lib';

import {
  concatBytes, displayHex, fromHex, headerHash, mineRegtestHeaders, toHex,
} from '../support/bitcoin.mjs';
import { loadWasmDatt } from '../support/vectors.mjs';
import { broadcast, startNode } from './support.mjs';

const datt = await loadWasmDatt();
const btc = datt.bitcoin;
const NET = 'bcoin-regtest';
const FEE = 5000n;  // per transaction; every one here is under 1,000 vbytes (>= 5 sat/vB)
const SIGHASH_TYPES = [0x01, 0x02, 0x03, 0x81, 0x82, 0x83];

let node;
// Every transaction Datt made and the node accepted: {name, hex, prevouts: [{scriptPubKey, amount, scriptCode?}]}.
const accepted = [];

before(async () => {
  node = await startNode();
});
after(async () => {
  await node?.stop();
});

const keys = {};
function key(name) {
  keys[name] ??= datt.generateSecretKey();
  return { sk: keys[name], pub: btc.publicKey(keys[name]) };
}

async function mine(count, address) {
  const to = address ?? btc.scriptToAddress(btc.p2wpkhScript(key('miner').pub), NET);
  const hashes = [];
  for (let left = count; left > 0; left -= 100) hashes.push(...await node.rpc('generatetoaddress', Math.min(100, left), to));
  return hashes;
}

const height = async () => (await node.rpc('getblockchaininfo')).blocks;

// Broadcast, expect the verdict, and on acceptance mine it and check it is in the block.
async function submit(name, tx, prevouts, { expectAccepted = true, mineIt = true } = {}) {
  const bytes = btc.serializeTransaction(tx);
  const { txid } = btc.transactionInfo(bytes);
  const verdict = await broadcast(node, toHex(bytes), txid, { expectAccepted });
  assert.equal(verdict, expectAccepted, `${name}: expected ${expectAccepted ? 'acceptance' : 'refusal'} (see ${node.debugLog})`);
  if (!expectAccepted) return txid;
  accepted.push({ name, hex: toHex(bytes), prevouts });
  if (mineIt) {
    const [blockHash] = await mine(1);
    const block = await node.rpc('getblock', blockHash, true);
    assert.ok(block.tx.some((t) => (typeof t === 'string' ? t : t.txid) === txid), `${name} mined`);
  }
  return txid;
}

// Our outputs by outpoint, with what spending them needs.
const P2WPKH_DEST = () => btc.p2wpkhScript(key('dest').pub);

let coinbase;  // {txid, vout, amount, scriptPubKey}
let funding;   // txid of the fan-out transaction
const outputs = {};

test('mine to segwit activation (bcoin: height 432) and a mature coinbase paying Datt\'s P2WPKH', async () => {
  await mine(440);
  assert.equal(await height(), 440);
  const blockHash = await node.rpc('getblockhash', 1);
  const block = await node.rpc('getblock', blockHash, true);
  const cbTxid = typeof block.tx[0] === 'string' ? block.tx[0] : block.tx[0].txid;
  const hex = await node.rpc('getrawtransaction', cbTxid, false);
  const decoded = btc.decodeTransaction(fromHex(hex), NET);
  assert.equal(decoded.txid, cbTxid);
  assert.ok('coinbase' in decoded.vin[0]);
  const vout = decoded.vout.findIndex((o) => o.scriptPubKey.hex === toHex(btc.p2wpkhScript(key('miner').pub)));
  assert.ok(vout >= 0);
  assert.equal(decoded.vout[vout].scriptPubKey.address, btc.scriptToAddress(btc.p2wpkhScript(key('miner').pub), NET));
  assert.match(decoded.vout[vout].scriptPubKey.address, /^rb1q/);
  coinbase = { txid: cbTxid, vout, amount: decoded.vout[vout].valueSats, scriptPubKey: btc.p2wpkhScript(key('miner').pub) };
  assert.equal(coinbase.amount, 5000000000n);
});

test('a P2WPKH spend funds every contract type and an OP_RETURN; a bad signature is refused', async () => {
  const tip = await height();
  const preimage = new Uint8Array(32).fill(0x5a);
  const paymentHash = btc.sha256(preimage);
  const scripts = {
    multisig: btc.funding2of2Script(key('alice').pub, key('bob').pub),
    cltv: btc.cltvScript(tip + 6, key('carol').pub),
    csv: btc.csvScript(3, key('dave').pub),
    hashPreimage: btc.hashLockScript({ paymentHash, recipient: key('erin').pub, refundLockTime: tip + 6, refund: key('frank').pub }),
    hashRefund: btc.hashLockScript({ paymentHash, recipient: key('erin').pub, refundLockTime: tip + 8, refund: key('frank').pub }),
  };
  outputs.preimage = preimage;
  const amount = 1000000n;
  const txOutputs = Object.values(scripts).map((ws) => ({ value: amount, scriptPubKey: btc.p2wshScript(ws) }));
  txOutputs.push({ value: amount, scriptPubKey: btc.p2wpkhScript(key('wallet').pub) });
  txOutputs.push({ value: 0n, scriptPubKey: btc.opReturnScript(new TextEncoder().encode('datt: issue 11 on regtest')) });
  const change = coinbase.amount - amount * BigInt(txOutputs.length - 1) - FEE;
  txOutputs.push({ value: change, scriptPubKey: btc.p2wpkhScript(key('miner').pub) });
  const unsigned = { version: 2, locktime: 0, inputs: [{ txid: coinbase.txid, vout: coinbase.vout, sequence: 0xfffffffd }], outputs: txOutputs };
  const witness = btc.signP2wpkhInput(unsigned, 0, coinbase.amount, key('miner').sk);
  const prevouts = [{ scriptPubKey: coinbase.scriptPubKey, amount: coinbase.amount, scriptCode: btc.p2pkhScript(key('miner').pub) }];

  // A bad signature first: one bit of S flipped (still strict DER, low S).
  const bad = witness.map((item) => item.slice());
  bad[0][bad[0].length - 2] ^= 1;
  const badTx = { ...unsigned, inputs: [{ ...unsigned.inputs[0], witness: bad }] };
  assert.equal(btc.verifyInput(badTx, 0, prevouts[0]).valid, false);
  await submit('bad signature', badTx, prevouts, { expectAccepted: false });

  const signed = { ...unsigned, inputs: [{ ...unsigned.inputs[0], witness }] };
  assert.equal(btc.verifyTransaction(signed, prevouts).valid, true);
  funding = await submit('P2WPKH funding (2-of-2, CLTV, CSV, hash locks, OP_RETURN)', signed, prevouts);
  Object.keys(scripts).forEach((name, i) => {
    outputs[name] = { txid: funding, vout: i, amount, witnessScript: scripts[name], scriptPubKey: txOutputs[i].scriptPubKey };
  });
  outputs.wallet = { txid: funding, vout: 5, amount, scriptPubKey: txOutputs[5].scriptPubKey };
  outputs.fundedAt = await height();
});

// A one-input spend of a P2WSH output to `dest`, signed over its witness script.
function p2wshSpend(output, signer, { locktime = 0, sequence = 0xfffffffd, before = [], after = [] } = {}) {
  const tx = {
    version: 2,
    locktime,
    inputs: [{ txid: output.txid, vout: output.vout, sequence }],
    outputs: [{ value: output.amount - FEE, scriptPubKey: P2WPKH_DEST() }],
  };
  const sigs = signer.map((name) => btc.signSegwitInput(tx, 0, output.witnessScript, output.amount, key(name).sk));
  tx.inputs[0].witness = [...before, ...sigs, ...after, output.witnessScript];
  const prevouts = [{ scriptPubKey: output.scriptPubKey, amount: output.amount, scriptCode: output.witnessScript }];
  assert.equal(btc.verifyTransaction(tx, prevouts).valid, true, 'Datt\'s interpreter accepts its own spend');
  return { tx, prevouts };
}

test('2-of-2 P2WSH: spent with both signatures in key order', async () => {
  const names = Buffer.compare(Buffer.from(key('alice').pub), Buffer.from(key('bob').pub)) < 0 ? ['alice', 'bob'] : ['bob', 'alice'];
  const { tx, prevouts } = p2wshSpend(outputs.multisig, names, { before: [new Uint8Array(0)] });
  outputs.spends = [];
  outputs.spends.push(await submit('2-of-2 P2WSH spend', tx, prevouts));
});

test('hash lock, preimage branch: accepted at once', async () => {
  const { tx, prevouts } = p2wshSpend(outputs.hashPreimage, ['erin'], { after: [outputs.preimage, new Uint8Array([1])] });
  outputs.spends.push(await submit('hash lock preimage spend', tx, prevouts));
});

test('CLTV: refused before its lock height, accepted at it', async () => {
  const lock = btc.matchScript(outputs.cltv.witnessScript).lockTime;
  assert.ok((await height()) + 1 < lock);
  let { tx, prevouts } = p2wshSpend(outputs.cltv, ['carol'], { locktime: lock });
  await submit('CLTV spend before its lock', tx, prevouts, { expectAccepted: false });
  // A spend claiming an earlier lock time fails the script itself.
  assert.equal(btc.verifyInput({ ...tx, locktime: lock - 1 }, 0, prevouts[0]).error, 'UNSATISFIED_LOCKTIME');
  // Final once the chain's tip is at the lock height (nLockTime < the next block's height).
  await mine(lock - (await height()));
  ({ tx, prevouts } = p2wshSpend(outputs.cltv, ['carol'], { locktime: lock }));
  outputs.spends.push(await submit('CLTV spend at its lock', tx, prevouts));
});

test('CSV: refused before 3 confirmations, accepted after', async () => {
  // The first CSV output has its confirmations by now (the CLTV test mined past them).
  assert.ok((await height()) - outputs.fundedAt + 1 >= 3);
  let spend = p2wshSpend(outputs.csv, ['dave'], { sequence: 3 });
  outputs.spends.push(await submit('CSV spend after 3 confirmations', spend.tx, spend.prevouts));
  // A second CSV output, funded by a P2WPKH spend of the wallet output, spent too early.
  const funding = {
    version: 2, locktime: 0, inputs: [{ txid: outputs.wallet.txid, vout: outputs.wallet.vout, sequence: 0xfffffffd }],
    outputs: [{ value: outputs.wallet.amount - FEE, scriptPubKey: outputs.csv.scriptPubKey }],
  };
  funding.inputs[0].witness = btc.signP2wpkhInput(funding, 0, outputs.wallet.amount, key('wallet').sk);
  const txid = await submit('P2WPKH spend funding a CSV output', funding,
    [{ scriptPubKey: outputs.wallet.scriptPubKey, amount: outputs.wallet.amount, scriptCode: btc.p2pkhScript(key('wallet').pub) }]);
  const second = { ...outputs.csv, txid, vout: 0, amount: outputs.wallet.amount - FEE };
  spend = p2wshSpend(second, ['dave'], { sequence: 3 });
  await submit('CSV spend after 1 confirmation', spend.tx, spend.prevouts, { expectAccepted: false });
  await mine(1);
  await submit('CSV spend after 2 confirmations', spend.tx, spend.prevouts, { expectAccepted: false });
  await mine(1);
  outputs.spends.push(await submit('CSV spend after 3 confirmations (second output)', spend.tx, spend.prevouts));
  // A sequence below the script's fails the script itself.
  const shortTx = { ...spend.tx, inputs: [{ ...spend.tx.inputs[0], sequence: 2 }] };
  assert.equal(btc.verifyInput(shortTx, 0, spend.prevouts[0], 'MANDATORY').valid, false);
});

test('hash lock, refund branch: refused before its lock time, accepted after', async () => {
  const lock = btc.matchScript(outputs.hashRefund.witnessScript).refundLockTime;
  let spend = p2wshSpend(outputs.hashRefund, ['frank'], { locktime: lock, after: [new Uint8Array(0)] });
  if ((await height()) + 1 <= lock) {
    await submit('hash lock refund before its lock', spend.tx, spend.prevouts, { expectAccepted: false });
    await mine(lock - (await height()));
  }
  spend = p2wshSpend(outputs.hashRefund, ['frank'], { locktime: lock, after: [new Uint8Array(0)] });
  outputs.spends.push(await submit('hash lock refund after its lock', spend.tx, spend.prevouts));
});

test('the spends\' outputs are spent again, in one P2WPKH transaction with several inputs', async () => {
  const inputs = outputs.spends.map((txid) => ({ txid, vout: 0, sequence: 0xfffffffd }));
  const amounts = await Promise.all(outputs.spends.map(async (txid) => {
    const decoded = btc.decodeTransaction(fromHex(await node.rpc('getrawtransaction', txid, false)), NET);
    return decoded.vout[0].valueSats;
  }));
  const total = amounts.reduce((a, b) => a + b, 0n);
  const tx = { version: 2, locktime: 0, inputs, outputs: [{ value: total - FEE, scriptPubKey: btc.p2wpkhScript(key('miner').pub) }] };
  tx.inputs = tx.inputs.map((input, i) => ({ ...input, witness: btc.signP2wpkhInput(tx, i, amounts[i], key('dest').sk) }));
  const prevouts = amounts.map((amount) => ({ scriptPubKey: P2WPKH_DEST(), amount, scriptCode: btc.p2pkhScript(key('dest').pub) }));
  assert.equal(btc.verifyTransaction(tx, prevouts).valid, true);
  await submit(`P2WPKH sweep of ${inputs.length} inputs`, tx, prevouts);
  assert.ok(accepted.length >= 8);
});

test('bitcoinjs-lib decodes every accepted transaction to the same ids, sizes and sighashes', () => {
  let sighashes = 0;
  for (const { name, hex, prevouts } of accepted) {
    const ours = btc.transactionInfo(fromHex(hex));
    const theirs = bitcoinjs.Transaction.fromHex(hex);
    assert.equal(theirs.getId(), ours.txid, name);
    assert.equal(displayHex(theirs.getHash(true)), ours.wtxid, name);
    assert.equal(theirs.virtualSize(), ours.vsize, name);
    assert.equal(theirs.weight(), ours.weight, name);
    assert.equal(theirs.byteLength(), ours.size, name);
    const decoded = btc.decodeTransaction(fromHex(hex), NET);
    assert.equal(decoded.vin.length, theirs.ins.length);
    decoded.vout.forEach((out, i) => {
      assert.equal(out.valueSats, theirs.outs[i].value, name);
      assert.equal(out.scriptPubKey.hex, toHex(theirs.outs[i].script), name);
    });
    decoded.vin.forEach((input, i) => {
      assert.equal(input.txid, displayHex(theirs.ins[i].hash), name);
      assert.equal(input.vout, theirs.ins[i].index);
      assert.equal(input.sequence, theirs.ins[i].sequence);
      assert.deepEqual(input.txinwitness, theirs.ins[i].witness.map(toHex));
    });
    prevouts.forEach((prevout, i) => {
      for (const type of SIGHASH_TYPES) {
        if ((type & 0x1f) === 3 && i >= theirs.outs.length) continue;  // SINGLE without an output
        assert.deepEqual(btc.segwitSighash(fromHex(hex), i, prevout.scriptCode, prevout.amount, type),
          theirs.hashForWitnessV0(i, prevout.scriptCode, prevout.amount, type), `${name} BIP-143 ${type}`);
        assert.deepEqual(btc.legacySighash(fromHex(hex), i, prevout.scriptCode, type),
          theirs.hashForSignature(i, prevout.scriptCode, type), `${name} legacy ${type}`);
        sighashes += 2;
      }
    });
  }
  console.log(`[ interop  ] bitcoinjs-lib: ${accepted.length} accepted transactions, ${sighashes} sighashes agree`);
});

test('Datt decodes and verifies transactions bitcoinjs-lib built and signed; the node accepts them', async () => {
  // bitcoinjs-lib builds, @noble/curves signs (RFC 6979, low S): no Datt code involved.
  const sign = (hash, sk, type) => bitcoinjs.script.signature.encode(secp256k1.sign(hash, sk).toCompactRawBytes(), type);
  const sk = datt.generateSecretKey();
  const pub = secp256k1.getPublicKey(sk, true);
  const payment = bitcoinjs.payments.p2wpkh({ pubkey: pub, network: { ...bitcoinjs.networks.regtest, bech32: 'rb' } });
  assert.equal(payment.address, btc.scriptToAddress(payment.output, NET));
  // Fund it from Datt's miner key.
  const [blockHash] = await mine(1);
  await mine(100, btc.scriptToAddress(btc.p2wpkhScript(key('other').pub), NET));
  const cb = (await node.rpc('getblock', blockHash, true)).tx[0];
  const cbTxid = typeof cb === 'string' ? cb : cb.txid;
  const funding = { version: 2, locktime: 0, inputs: [{ txid: cbTxid, vout: 0, sequence: 0xfffffffd }], outputs: [
    { value: 200000n, scriptPubKey: payment.output }, { value: 300000n, scriptPubKey: payment.output }] };
  const cbAmount = btc.decodeTransaction(fromHex(await node.rpc('getrawtransaction', cbTxid, false)), NET).vout[0].valueSats;
  funding.outputs.push({ value: cbAmount - 500000n - FEE, scriptPubKey: btc.p2wpkhScript(key('miner').pub) });
  funding.inputs[0].witness = btc.signP2wpkhInput(funding, 0, cbAmount, key('miner').sk);
  const fundingTxid = await submit('funding for bitcoinjs-lib', funding,
    [{ scriptPubKey: btc.p2wpkhScript(key('miner').pub), amount: cbAmount, scriptCode: btc.p2pkhScript(key('miner').pub) }]);

  const tx = new bitcoinjs.Transaction();
  tx.version = 2;
  tx.addInput(fromHex(fundingTxid).reverse(), 0, 0xfffffffd);
  tx.addInput(fromHex(fundingTxid).reverse(), 1, 0xfffffffe);
  tx.addOutput(btc.p2wpkhScript(key('dest').pub), 150000n);
  tx.addOutput(btc.opReturnScript(new TextEncoder().encode('built by bitcoinjs-lib')), 0n);
  tx.addOutput(payment.output, 500000n - 150000n - FEE);
  tx.locktime = await height();
  const scriptCode = bitcoinjs.payments.p2pkh({ pubkey: pub }).output;
  const types = [0x01, 0x83];
  const values = [200000n, 300000n];
  for (const i of [0, 1]) {
    tx.setWitness(i, [sign(tx.hashForWitnessV0(i, scriptCode, values[i], types[i]), sk, types[i]), pub]);
  }
  const hex = tx.toHex();
  const bytes = fromHex(hex);
  const info = btc.transactionInfo(bytes);
  assert.equal(info.txid, tx.getId());
  assert.equal(info.wtxid, displayHex(tx.getHash(true)));
  assert.equal(info.vsize, tx.virtualSize());
  const decoded = btc.decodeTransaction(bytes, NET);
  assert.equal(decoded.locktime, tx.locktime);
  assert.deepEqual(decoded.vin.map((i) => [i.txid, i.vout, i.sequence]), [[fundingTxid, 0, 0xfffffffd], [fundingTxid, 1, 0xfffffffe]]);
  assert.match(decoded.vin[1].txinwitness[0], /83$/);
  assert.deepEqual(decoded.vout.map((o) => o.scriptPubKey.type), ['witness_v0_keyhash', 'nulldata', 'witness_v0_keyhash']);
  assert.deepEqual(decoded.vout.map((o) => o.valueSats), [150000n, 0n, 500000n - 150000n - FEE]);
  assert.equal(decoded.vout[2].scriptPubKey.address, payment.address);
  assert.deepEqual(btc.serializeTransaction(btc.parseTransaction(bytes)), bytes);
  const prevouts = values.map((amount) => ({ scriptPubKey: payment.output, amount }));
  assert.deepEqual(btc.verifyTransaction(bytes, prevouts), { valid: true, inputs: [{ valid: true, error: 'OK' }, { valid: true, error: 'OK' }] });
  // The sighashes Datt computes are the ones @noble/curves signed.
  assert.deepEqual(btc.segwitSighash(bytes, 1, scriptCode, values[1], 0x83), tx.hashForWitnessV0(1, scriptCode, values[1], 0x83));
  // And the node agrees it is valid.
  assert.equal(await broadcast(node, hex, info.txid, { expectAccepted: true }), true);
  await mine(1);
});

test('headers from the node verify in wasm from genesis; tampered ones fail with their codes', async () => {
  const tip = await height();
  const headers = [];
  for (let h = 0; h <= tip; h += 1) {
    headers.push(fromHex(await node.rpc('getblockheader', await node.rpc('getblockhash', h), false)));
  }
  const best = await node.rpc('getbestblockhash');
  const genesis = btc.headerChainGenesis(NET);
  assert.equal(btc.headerChainInfo(NET, genesis).tipHash, displayHex(headerHash(headers[0])));
  const update = btc.extendHeaderChain(NET, genesis, concatBytes(headers.slice(1)), { now: Math.floor(Date.now() / 1000) });
  assert.equal(update.failure, undefined, JSON.stringify(update.failure));
  assert.equal(update.height, tip);
  assert.equal(update.tipHash, best);
  assert.equal(BigInt(`0x${update.chainWork}`), BigInt(`0x${(await node.rpc('getblockheader', best, true)).chainwork}`));
  // In two pieces through the stored state: the same.
  const half = btc.extendHeaderChain(NET, genesis, concatBytes(headers.slice(1, 200)));
  assert.deepEqual(btc.extendHeaderChain(NET, half.state, concatBytes(headers.slice(200))).state, update.state);

  const at = 300;
  const run = (list) => btc.extendHeaderChain(NET, genesis, concatBytes(list.slice(1)));
  // Linkage: two headers swapped.
  const swapped = headers.slice();
  [swapped[at], swapped[at + 1]] = [swapped[at + 1], swapped[at]];
  assert.deepEqual(pick(run(swapped)), { height: at - 1, failure: { height: at, code: 'bad_linkage' } });
  // Proof of work: a nonce under which the hash misses regtest's target.
  const badPow = headers.slice();
  badPow[at] = headers[at].slice();
  for (let nonce = 0; ; nonce += 1) {
    new DataView(badPow[at].buffer).setUint32(76, nonce, true);
    if (headerHash(badPow[at])[31] >= 0x80) break;
  }
  assert.deepEqual(pick(run(badPow)), { height: at - 1, failure: { height: at, code: 'bad_pow' } });
  // Time at or below the median of the last 11, mined so only that rule fails.
  const parent = headers[at - 1];
  const [old] = mineRegtestHeaders(parent, 1, { time: btc.parseBlockHeader(headers[at - 6]).time, version: btc.parseBlockHeader(headers[at]).version });
  assert.deepEqual(pick(run([...headers.slice(0, at), old])), { height: at - 1, failure: { height: at, code: 'time_too_old' } });
  // Other bits than regtest's, mined to them.
  const [bits] = mineRegtestHeaders(parent, 1, { bits: 0x207ffffe, time: btc.parseBlockHeader(headers[at]).time });
  assert.deepEqual(pick(run([...headers.slice(0, at), bits])), { height: at - 1, failure: { height: at, code: 'bad_bits' } });
  // Core's regtest uses the same genesis: bcoin's chain is valid there too, and not on mainnet.
  assert.equal(btc.extendHeaderChain('regtest', btc.headerChainGenesis('regtest'), concatBytes(headers.slice(1))).height, tip);
  assert.equal(btc.extendHeaderChain('mainnet', btc.headerChainGenesis('mainnet'), concatBytes(headers.slice(1))).failure.code, 'bad_linkage');
});

function pick(update) {
  return { height: update.height, failure: update.failure && { height: update.failure.height, code: update.failure.code } };
}

test('gettxoutproof replies verify in wasm and give the txid; tampered ones fail', async () => {
  const chainHashes = new Set();
  const tip = await height();
  for (let h = 0; h <= tip; h += 1) chainHashes.add(await node.rpc('getblockhash', h));
  let proofs = 0;
  for (const { name, hex } of accepted) {
    const { txid } = btc.transactionInfo(fromHex(hex));
    const proofHex = await node.rpc('gettxoutproof', [txid]);
    const proof = fromHex(proofHex);
    const verified = btc.verifyMerkleProof(proof);
    assert.deepEqual(verified.matches.map((m) => m.txid), [txid], name);
    assert.ok(chainHashes.has(verified.blockHash), `${name}: the proof's block is in the validated chain`);
    assert.equal(verified.blockHash, (await node.rpc('getrawtransaction', txid, true)).blockhash);
    proofs += 1;

    // A flipped bit in a hash of the tree: the root no longer matches the header.
    const tampered = proof.slice();
    tampered[80 + 4 + 1 + 3] ^= 1;
    assert.throws(() => btc.verifyMerkleProof(tampered), (e) => e.code === 'merkle_root_mismatch' || e.code === 'merkle_duplicate_hash', name);
    assert.throws(() => btc.verifyMerkleProof(proof.subarray(0, proof.length - 1)), (e) => e.code === 'truncated');
    // A changed header (nonce) still matches its own root, but it is not a header of the chain.
    const otherHeader = proof.slice();
    otherHeader[79] ^= 1;
    assert.equal(chainHashes.has(btc.verifyMerkleProof(otherHeader).blockHash), false);
  }
  // The node's own verifier agrees with one of them.
  const last = accepted[accepted.length - 1];
  const lastTxid = btc.transactionInfo(fromHex(last.hex)).txid;
  assert.deepEqual(await node.rpc('verifytxoutproof', await node.rpc('gettxoutproof', [lastTxid])), [lastTxid]);
  console.log(`[ regtest  ] ${accepted.length} transactions accepted and mined, ${proofs} merkle proofs verified`);
});
