// datt.tips through wasm: payout and tip templates signed by the module and parsed back, the
// commitment against SHA-256 from node:crypto, and verify() on a bcoin-regtest chain mined
// here with node:crypto (headers, merkle root and the gettxoutproof bytes written by hand
// from BIP-37's layout), so the bindings are checked against bytes the core did not make.
// tests/core/tip covers every rule natively; tests/bitcoin/tips_bcoin.test.mjs a real node.
import './../support/webcrypto.mjs';

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';

import { loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();
const NETWORK = 'bcoin-regtest';

const key = (n) => {
  const bytes = new Uint8Array(32);
  bytes[31] = n;
  return bytes;
};
const AUTHOR = key(1);
const PAYER = key(2);
const authorHex = datt.publicKey(AUTHOR);
const payerHex = datt.publicKey(PAYER);

const sha256 = (...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const sha256d = (...parts) => sha256(sha256(...parts));
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const fromHex = (text) => Uint8Array.from(Buffer.from(text, 'hex'));
const reversedHex = (bytes) => hex(Buffer.from(bytes).reverse());

function rejects(fn, code) {
  assert.throws(fn, (e) => e.name === 'DattError' && e.code === code, code);
}

// The author's P2WPKH address: a 20-byte program of 0x33.
const paidScript = fromHex(`0014${'33'.repeat(20)}`);
const paidAddress = datt.bitcoin.scriptToAddress(paidScript, NETWORK);
const payout = datt.signEvent(
  datt.tips.payoutTemplate([{ network: NETWORK, address: paidAddress }], { createdAt: 1700000000 }),
  AUTHOR,
);
const TARGET = '77'.repeat(32);

test('payout: template, signed, parsed; codes cross as DattError', () => {
  assert.equal(payout.kind, 10570);
  assert.deepEqual(payout.tags, [['btc', NETWORK, paidAddress]]);
  assert.ok(paidAddress.startsWith('rb1q'));
  const parsed = datt.tips.parsePayout(payout);
  assert.equal(parsed.author, authorHex);
  assert.equal(parsed.id, payout.id);
  assert.equal(parsed.addresses.length, 1);
  assert.equal(parsed.addresses[0].network, NETWORK);
  assert.equal(parsed.addresses[0].address, paidAddress);
  assert.equal(hex(parsed.addresses[0].scriptPubKey), hex(paidScript));
  assert.deepEqual(datt.tips.parsePayout(JSON.stringify(payout)), parsed);

  rejects(() => datt.tips.payoutTemplate([{ network: 'mainnet', address: paidAddress }], { createdAt: 1 }),
    'payout_bad_address');
  rejects(() => datt.tips.payoutTemplate([{ network: 'main', address: paidAddress }], { createdAt: 1 }),
    'payout_unknown_network');
  rejects(() => datt.tips.payoutTemplate([], { createdAt: 1 }), 'payout_no_address');
  rejects(() => datt.tips.payoutTemplate('x', { createdAt: 1 }), 'wrong_type');
  rejects(() => datt.tips.parsePayout({ ...payout, content: 'changed' }), 'id_mismatch');
  const note = datt.signEvent({ created_at: 1, kind: 1, tags: [], content: 'hi' }, AUTHOR);
  rejects(() => datt.tips.parsePayout(note), 'payout_wrong_kind');
});

function tipEvent(request, signer = PAYER) {
  return datt.signEvent(datt.tips.tipTemplate(payout, { target: TARGET, network: NETWORK, createdAt: 1700000100, ...request }), signer);
}

test('tip: template, signed, parsed; amounts as BigInt', () => {
  const txid = 'ab'.repeat(31) + '01';
  const tip = tipEvent({ txid, vout: 0, sats: 21000n, message: 'thanks' });
  assert.equal(tip.kind, 4570);
  assert.deepEqual(tip.tags.slice(0, 3), [
    ['e', TARGET], ['p', authorHex], ['payment', NETWORK, txid, '0', '21000'],
  ]);
  assert.equal(tip.tags[3][0], 'payout');
  assert.deepEqual(JSON.parse(tip.tags[3][1]), payout);
  const parsed = datt.tips.parseTip(tip);
  assert.equal(parsed.payer, payerHex);
  assert.equal(parsed.author, authorHex);
  assert.equal(parsed.target, TARGET);
  assert.equal(parsed.txid, txid);
  assert.equal(parsed.vout, 0);
  assert.equal(parsed.sats, 21000n);
  assert.equal(parsed.address, paidAddress);
  assert.equal(parsed.message, 'thanks');
  assert.equal(parsed.payout.id, payout.id);
  // A Number amount is the same; a fraction or a string is refused.
  assert.deepEqual(tipEvent({ txid, vout: 0, sats: 21000 }).tags, tipEvent({ txid, vout: 0, sats: 21000n }).tags);
  rejects(() => datt.tips.tipTemplate(payout, { target: TARGET, network: NETWORK, txid, vout: 0, sats: 1.5, createdAt: 1 }),
    'amount_not_exact');
  rejects(() => datt.tips.tipTemplate(payout, { target: TARGET, network: 'mainnet', txid, vout: 0, sats: 1, createdAt: 1 }),
    'tip_payout_no_address');
  rejects(() => datt.tips.tipTemplate(payout, { target: TARGET, network: NETWORK, txid, vout: 0, sats: 0, createdAt: 1 }),
    'tip_tag_malformed');
  rejects(() => datt.tips.parseTip(tipEvent({ txid, vout: 0, sats: 5 }, AUTHOR)), 'tip_self');
  rejects(() => datt.tips.parseTip(payout), 'tip_wrong_kind');
});

test('commitmentScript is OP_RETURN of the tagged hash of target and payer', () => {
  const tag = sha256(Buffer.from('datt/tip'));
  const expected = sha256(tag, tag, fromHex(TARGET), fromHex(payerHex));
  assert.equal(hex(datt.tips.commitmentScript(TARGET, payerHex)), `6a20${hex(expected)}`);
  rejects(() => datt.tips.commitmentScript('77', payerHex), 'bad_hex');
});

// ---- a bcoin-regtest chain mined here ----

const GENESIS_TIME = 1296688602; // Core's (and bcoin's) regtest genesis
const BITS = 0x207fffff;

function headerBytes({ prev, merkleRoot, time, nonce }) {
  const out = Buffer.alloc(80);
  out.writeInt32LE(0x20000000, 0);
  Buffer.from(prev).copy(out, 4);
  Buffer.from(merkleRoot).copy(out, 36);
  out.writeUInt32LE(time, 68);
  out.writeUInt32LE(BITS, 72);
  out.writeUInt32LE(nonce, 76);
  return out;
}

// Mines a header: regtest's target is 0x7fffff << 232, so a hash whose most significant byte
// (the last, read little-endian) is below 0x7f meets it.
function mine(fields) {
  for (let nonce = 0; ; nonce += 1) {
    const bytes = headerBytes({ ...fields, nonce });
    const hash = sha256d(bytes);
    if (hash[31] < 0x7f) return { bytes, hash };
  }
}

class Chain {
  constructor() {
    this.headers = []; // headers[h - 1] is height h
    this.tipHash = fromHex(datt.bitcoin.network(NETWORK).genesisHash).reverse();
    this.time = GENESIS_TIME;
    this.state = datt.bitcoin.headerChainGenesis(NETWORK);
  }

  add(merkleRoot) {
    this.time += 600;
    const { bytes, hash } = mine({ prev: this.tipHash, merkleRoot, time: this.time });
    const update = datt.bitcoin.extendHeaderChain(NETWORK, this.state, bytes);
    assert.equal(update.accepted, 1, update.failure?.code);
    this.state = update.state;
    this.headers.push(bytes);
    this.tipHash = hash;
    return this.headers.length;
  }

  mineEmpty(count) {
    for (let i = 0; i < count; i += 1) this.add(sha256(Buffer.from(`block ${this.headers.length}`)));
  }

  from(height) {
    return Uint8Array.from(Buffer.concat(this.headers.slice(height - 1)));
  }
}

// The tip's payment: outputs [author 21,000 sats, commitment, change]; no witness, so the
// txid is sha256d of these bytes.
const tx = {
  version: 2,
  locktime: 0,
  inputs: [{ txid: '42'.repeat(32), vout: 1, scriptSig: fromHex('00'), sequence: 0xfffffffd }],
  outputs: [
    { value: 21000n, scriptPubKey: paidScript },
    { value: 0n, scriptPubKey: datt.tips.commitmentScript(TARGET, payerHex) },
    { value: 50000n, scriptPubKey: fromHex(`0014${'cc'.repeat(20)}`) },
  ],
};
const raw = datt.bitcoin.serializeTransaction(tx);
const txidInternal = sha256d(raw);
const txid = reversedHex(txidInternal);

// A two-transaction block [coinbase, tx] proving tx: count 2, hashes [coinbase, tx], flags
// 0b101 (root: has a match; left leaf: no; right leaf: match), BIP-37's layout.
const coinbase = sha256(Buffer.from('coinbase'));
const chain = new Chain();
chain.mineEmpty(3);
const blockHeight = chain.add(sha256d(coinbase, txidInternal));
chain.mineEmpty(2);
const proof = Uint8Array.from(Buffer.concat([
  chain.headers[blockHeight - 1], Buffer.from([2, 0, 0, 0, 2]), coinbase, txidInternal, Buffer.from([1, 0x05]),
]));

test('verify: a mined tip is verified with its depth; pending and invalid verdicts with codes', () => {
  assert.equal(datt.bitcoin.transactionInfo(raw).txid, txid);
  assert.deepEqual(datt.bitcoin.verifyMerkleProof(proof).matches, [{ txid, index: 1 }]);
  const tip = tipEvent({ txid, vout: 0, sats: 21000 });
  const evidence = { network: NETWORK, state: chain.state, transaction: raw, proof, headers: chain.from(blockHeight) };

  const verified = datt.tips.verify(tip, evidence);
  assert.equal(verified.status, 'verified', verified.code);
  assert.equal(verified.code, undefined);
  assert.equal(verified.confirmations, 3);
  assert.equal(verified.height, 4);
  assert.equal(verified.blockHash, reversedHex(sha256d(chain.headers[3])));
  assert.equal(verified.sats, 21000n);

  const verdict = (changes, tipEventToCheck = tip) => datt.tips.verify(tipEventToCheck, { ...evidence, ...changes });
  const expect = (v, status, code) => {
    assert.equal(v.status, status, code);
    assert.equal(v.code, code);
  };
  expect(verdict({ minConfirmations: 4 }), 'pending', 'tip_too_few_confirmations');
  expect(verdict({ proof: undefined, headers: undefined }), 'pending', 'tip_unconfirmed');
  expect(verdict({ headers: chain.from(blockHeight + 1) }), 'pending', 'tip_not_in_chain');
  expect(verdict({ headers: chain.from(blockHeight).slice(0, 160) }), 'pending', 'tip_chain_broken');
  const badRoot = Uint8Array.from(proof);
  badRoot[40] ^= 1;
  expect(verdict({ proof: badRoot }), 'invalid', 'tip_proof_invalid');
  expect(verdict({}, tipEvent({ txid, vout: 0, sats: 21001 })), 'invalid', 'tip_amount_mismatch');
  expect(verdict({}, tipEvent({ txid, vout: 2, sats: 50000 })), 'invalid', 'tip_wrong_address');
  expect(verdict({}, tipEvent({ txid, vout: 3, sats: 1 })), 'invalid', 'tip_vout_out_of_range');
  expect(verdict({}, tipEvent({ txid: '00'.repeat(32), vout: 0, sats: 21000 })), 'invalid', 'tip_txid_mismatch');
  expect(verdict({ network: 'regtest' }), 'invalid', 'tip_wrong_network');

  // Arguments that are not evidence throw.
  rejects(() => datt.tips.verify(tip, { ...evidence, headers: chain.from(blockHeight).slice(0, 79) }), 'header_wrong_size');
  rejects(() => datt.tips.verify(tip, { ...evidence, state: chain.state.slice(0, 50) }), 'truncated');
  rejects(() => datt.tips.verify(tip, { ...evidence, state: new Uint8Array(3) }), 'state_bad_format_version');
  rejects(() => datt.tips.verify(tip, null), 'wrong_type');
  rejects(() => datt.tips.verify(payout, evidence), 'tip_wrong_kind');
});

test('total counts each outpoint once; rank weighs tip sats in hot only', () => {
  const a = '01'.repeat(32);
  const b = '02'.repeat(32);
  assert.deepEqual(datt.tips.total([
    { txid: a, vout: 0, sats: 1000 }, { txid: a, vout: 0, sats: 1000n }, { txid: a, vout: 1, sats: 500 },
    { txid: b, vout: 0, sats: 250n },
  ]), { sats: 1750n, payments: 3 });
  assert.deepEqual(datt.tips.total([]), { sats: 0n, payments: 0 });
  rejects(() => datt.tips.total([{ txid: a, vout: 0, sats: -1 }]), 'amount_out_of_range');

  // As tests/core/feed: B (score 1, 99,000 sats) > A (score 10) = C (score 1, 9,000 sats;
  // lower id wins the tie) > D.
  const T = 1700000000;
  const id = (n) => n.toString(16).padStart(2, '0').repeat(32);
  const items = [
    { id: id(0xd), created_at: T, ups: 1, downs: 0 },
    { id: id(0xc), created_at: T, ups: 1, downs: 0, tip_sats: 9000 },
    { id: id(0xa), created_at: T, ups: 10, downs: 0 },
    { id: id(0xb), created_at: T, ups: 1, downs: 0, tip_sats: 99000n },
  ];
  assert.deepEqual(datt.rank(items, 'hot', { now: T }), [id(0xb), id(0xa), id(0xc), id(0xd)]);
  assert.deepEqual(datt.rank(items, 'top', { now: T }), [id(0xa), id(0xb), id(0xc), id(0xd)]);
  rejects(() => datt.rank([{ ...items[0], tip_sats: -5 }], 'hot', { now: T }), 'amount_out_of_range');
});

test('datt.d.ts names every method of Tips, and nothing else', async () => {
  const { readFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const { wasmDist } = await import('../support/vectors.mjs');
  const types = await readFile(path.join(wasmDist(), 'datt.d.ts'), 'utf8');
  const body = types.match(/export class Tips [^{]*\{([\s\S]*?)\n\}/)[1];
  const declared = [...body.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]).sort();
  const runtime = Object.getOwnPropertyNames(Object.getPrototypeOf(datt.tips)).filter((n) => n !== 'constructor').sort();
  assert.deepEqual(declared, runtime);
});
