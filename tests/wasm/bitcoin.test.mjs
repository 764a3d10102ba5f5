// datt.bitcoin, the JS API of core/bitcoin: transactions as bytes and objects, amounts
// (BigInt, or Numbers only when exact), every template built, signed and verified by the
// interpreter (and refused when tampered with), header chains with their state carried in
// and out as bytes, merkle proofs, and hostile input that never breaks the module.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';

import {
  concatBytes, displayHex, fromHex, headerHash, mineRegtestHeaders, REGTEST_GENESIS, toHex,
} from '../support/bitcoin.mjs';
import { loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();
const btc = datt.bitcoin;

function rejects(fn, code) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, 'DattError', e.stack);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

const sha256 = (bytes) => new Uint8Array(createHash('sha256').update(bytes).digest());
const FUNDING_TXID = 'ab'.repeat(32);

// A one-input, one-output spend of outpoint FUNDING_TXID:0.
function spendOf({ sequence = 0xfffffffd, locktime = 0, value = 90000n } = {}) {
  return {
    version: 2,
    locktime,
    inputs: [{ txid: FUNDING_TXID, vout: 0, sequence }],
    outputs: [{ value, scriptPubKey: btc.p2wpkhScript(new Uint8Array(20).fill(7)) }],
  };
}

function withWitness(tx, witness) {
  return { ...tx, inputs: [{ ...tx.inputs[0], witness }] };
}

// A transaction Bitcoin Core printed (regtest coinbase): decodeTransaction gives Core's object.
const CORE_COINBASE = '020000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff025200feffffff0200f2052a010000001600143b81090c90364aef866ecfa6843cb4a79fc045e70000000000000000266a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf90120000000000000000000000000000000000000000000000000000000000000000001000000';

test('transactions: bytes <-> objects, ids and sizes, Core\'s decoderawtransaction shape', () => {
  const bytes = fromHex(CORE_COINBASE);
  const tx = btc.parseTransaction(bytes);
  assert.equal(tx.version, 2);
  assert.equal(tx.locktime, 1);
  assert.equal(tx.inputs[0].txid, '00'.repeat(32));
  assert.equal(tx.inputs[0].vout, 0xffffffff);
  assert.deepEqual(tx.inputs[0].witness, [new Uint8Array(32)]);
  assert.equal(tx.outputs[0].value, 5000000000n);
  assert.deepEqual(btc.serializeTransaction(tx), bytes);
  assert.deepEqual(btc.transactionInfo(tx), {
    txid: '2f84a7d33c1c6b4c1bb00dca018c953400f25b31a0d0f22b8779817e1fdb4b0a',
    wtxid: '7105389e68d2be7c8f033c006afa6159a5fd065b4fb92809502d1db8a217c57b',
    size: 167,
    baseSize: 131,
    weight: 560,
    vsize: 140,
  });
  // The legacy form hashes to the txid.
  assert.equal(displayHex(sha256(sha256(btc.serializeTransaction(tx, { witness: false })))), btc.transactionInfo(bytes).txid);
  const decoded = btc.decodeTransaction(bytes, 'regtest');
  assert.deepEqual(Object.keys(decoded), ['txid', 'hash', 'version', 'size', 'vsize', 'weight', 'locktime', 'vin', 'vout']);
  assert.deepEqual(decoded.vin, [{ coinbase: '5200', txinwitness: ['00'.repeat(32)], sequence: 4294967294 }]);
  assert.equal(decoded.vout[0].value, 50);
  assert.equal(decoded.vout[0].valueSats, 5000000000n);
  assert.equal(decoded.vout[0].scriptPubKey.address, 'bcrt1q8wqsjrysxe9wlpnwe7ngg095570uq308nktqcl');
  assert.equal(decoded.vout[0].scriptPubKey.desc, 'addr(bcrt1q8wqsjrysxe9wlpnwe7ngg095570uq308nktqcl)#wxmqphqq');
  assert.equal(decoded.vout[1].scriptPubKey.type, 'nulldata');
  assert.equal('address' in decoded.vout[1].scriptPubKey, false);
  assert.equal(btc.checkTransaction(bytes), true);
  // An object with defaults: version 2, locktime 0, sequence final, empty scripts.
  const minimal = btc.parseTransaction(btc.serializeTransaction({ inputs: [{ txid: FUNDING_TXID, vout: 1 }], outputs: [{ value: 1, scriptPubKey: new Uint8Array([0x51]) }] }));
  assert.equal(minimal.version, 2);
  assert.equal(minimal.inputs[0].sequence, 0xffffffff);
  assert.deepEqual(minimal.inputs[0].scriptSig, new Uint8Array(0));
  rejects(() => btc.checkTransaction({ inputs: [], outputs: [] }), 'tx_no_inputs');
  rejects(() => btc.checkTransaction({ inputs: [{ txid: FUNDING_TXID, vout: 0 }, { txid: FUNDING_TXID, vout: 0 }], outputs: [{ value: 1, scriptPubKey: new Uint8Array(0) }] }), 'tx_duplicate_input');
});

test('amounts: BigInt or an exact Number in, BigInt out; anything inexact is refused', () => {
  const script = new Uint8Array([0x51]);
  const tx = (value) => ({ inputs: [{ txid: FUNDING_TXID, vout: 0 }], outputs: [{ value, scriptPubKey: script }] });
  for (const value of [0, 1, 2100000000000000, 0n, 2100000000000000n, Number.MAX_SAFE_INTEGER, -5n, 2n ** 63n - 1n]) {
    assert.equal(btc.parseTransaction(btc.serializeTransaction(tx(value))).outputs[0].value, BigInt(value));
  }
  rejects(() => btc.serializeTransaction(tx(1.5)), 'amount_not_exact');
  rejects(() => btc.serializeTransaction(tx(NaN)), 'amount_not_exact');
  rejects(() => btc.serializeTransaction(tx(Infinity)), 'amount_not_exact');
  rejects(() => btc.serializeTransaction(tx(2 ** 53)), 'amount_not_exact');
  rejects(() => btc.serializeTransaction(tx(1e21)), 'amount_not_exact');
  rejects(() => btc.serializeTransaction(tx(2n ** 63n)), 'amount_out_of_range');
  rejects(() => btc.serializeTransaction(tx(-(2n ** 63n) - 1n)), 'amount_out_of_range');
  rejects(() => btc.serializeTransaction(tx('1000')), 'wrong_type');
  rejects(() => btc.serializeTransaction(tx(undefined)), 'wrong_type');
  // What is spent or signed for must be money: 0 .. 21,000,000 BTC.
  const sk = datt.generateSecretKey();
  rejects(() => btc.signP2wpkhInput(spendOf(), 0, -1n, sk), 'amount_out_of_range');
  rejects(() => btc.signP2wpkhInput(spendOf(), 0, 2100000000000001n, sk), 'amount_out_of_range');
  rejects(() => btc.signP2wpkhInput(spendOf(), 0, 0.5, sk), 'amount_not_exact');
});

test('P2WPKH: built, signed (BIP-143) and verified; tampering is refused', () => {
  const sk = datt.generateSecretKey();
  const key = btc.publicKey(sk);
  assert.equal(key.length, 33);
  const prevout = { scriptPubKey: btc.p2wpkhScript(key), amount: 100000n };
  assert.deepEqual(btc.matchScript(prevout.scriptPubKey), { type: 'p2wpkh', hash: btc.hash160(key), coreType: 'witness_v0_keyhash' });
  const unsigned = spendOf();
  const witness = btc.signP2wpkhInput(unsigned, 0, prevout.amount, sk);
  assert.deepEqual(witness[1], key);
  const signed = withWitness(unsigned, witness);
  assert.deepEqual(btc.verifyInput(signed, 0, prevout), { valid: true, error: 'OK' });
  assert.deepEqual(btc.verifyTransaction(btc.serializeTransaction(signed), [prevout], 'MANDATORY'), { valid: true, inputs: [{ valid: true, error: 'OK' }] });
  // The signature commits to the amount and the outputs.
  // (STANDARD includes NULLFAIL: a failed signature that is not empty is its own error.)
  assert.equal(btc.verifyInput(signed, 0, { ...prevout, amount: 100001n }).error, 'NULLFAIL');
  assert.equal(btc.verifyInput(signed, 0, { ...prevout, amount: 100001n }, 'MANDATORY').error, 'EVAL_FALSE');
  const moreOutput = { ...signed, outputs: [{ ...signed.outputs[0], value: 90001n }] };
  assert.equal(btc.verifyInput(moreOutput, 0, prevout).valid, false);
  // Another key's witness.
  const other = btc.signP2wpkhInput(unsigned, 0, prevout.amount, datt.generateSecretKey());
  assert.equal(btc.verifyInput(withWitness(unsigned, other), 0, prevout).error, 'EQUALVERIFY');
  // A P2WSH output whose witness script is not the one committed to.
  const p2wsh = { scriptPubKey: btc.p2wshScript(new Uint8Array([0x51])), amount: 1n };
  assert.equal(btc.verifyInput(withWitness(unsigned, [new Uint8Array([0x52])]), 0, p2wsh).error, 'WITNESS_PROGRAM_MISMATCH');
  // The sighash the signature signs is segwitSighash's: same key, same message, same bytes.
  const sighash = btc.segwitSighash(unsigned, 0, btc.p2pkhScript(key), prevout.amount, 1);
  assert.equal(sighash.length, 32);
  assert.deepEqual(btc.signSegwitInput(unsigned, 0, btc.p2pkhScript(key), prevout.amount, sk), witness[0]);
  // SINGLE|ANYONECANPAY is signable; a hash type STRICTENC refuses is not.
  const single = btc.signP2wpkhInput(unsigned, 0, prevout.amount, sk, 0x83);
  assert.equal(single[0][single[0].length - 1], 0x83);
  assert.equal(btc.verifyInput(withWitness(unsigned, single), 0, prevout).valid, true);
  rejects(() => btc.signP2wpkhInput(unsigned, 0, prevout.amount, sk, 0x04), 'sign_bad_hash_type');
  rejects(() => btc.signP2wpkhInput(unsigned, 1, prevout.amount, sk), 'out_of_range');
});

test('BIP-143\'s P2SH-P2WPKH example: the published sighash and signed transaction', () => {
  const unsigned = fromHex('0100000001db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a54770100000000feffffff02b8b4eb0b000000001976a914a457b684d7f0d539a46a45bbc043f35b59d0d96388ac0008af2f000000001976a914fd270b1ee6abcaea97fea7ad0402e8bd8ad6d77c88ac92040000');
  const scriptCode = fromHex('76a91479091972186c449eb1ded22b78e40d009bdf008988ac');
  assert.equal(toHex(btc.segwitSighash(unsigned, 0, scriptCode, 1000000000n, 1)), '64f3b0f4dd2bb3aa1ce8566d220cc74dda9df97d8490cc81d89d735c92e59fb6');
  const signed = fromHex('01000000000101db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a5477010000001716001479091972186c449eb1ded22b78e40d009bdf0089feffffff02b8b4eb0b000000001976a914a457b684d7f0d539a46a45bbc043f35b59d0d96388ac0008af2f000000001976a914fd270b1ee6abcaea97fea7ad0402e8bd8ad6d77c88ac02473044022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb012103ad1d8e89212f0b92c74d23bb710c00662ad1470198ac48c43f7d6f93a2a2687392040000');
  const prevout = { scriptPubKey: fromHex('a9144733f37cf4db86fbc2efed2500b4f4e49f31202387'), amount: 1000000000n };
  assert.equal(btc.verifyInput(signed, 0, prevout).valid, true);
  assert.equal(btc.verifyInput(signed, 0, { ...prevout, amount: 999999999n }).valid, false);
  assert.equal(btc.matchScript(prevout.scriptPubKey).type, 'p2sh');
});

test('2-of-2 P2WSH (BOLT-3 funding): both signatures in key order, not one, not swapped', () => {
  const [skA, skB] = [datt.generateSecretKey(), datt.generateSecretKey()];
  const [keyA, keyB] = [btc.publicKey(skA), btc.publicKey(skB)];
  const witnessScript = btc.funding2of2Script(keyA, keyB);
  assert.deepEqual(btc.funding2of2Script(keyB, keyA), witnessScript);  // sorted
  const matched = btc.matchScript(witnessScript);
  assert.equal(matched.type, 'multisig');
  assert.equal(matched.required, 2);
  const [first, second] = Buffer.compare(Buffer.from(keyA), Buffer.from(keyB)) < 0 ? [skA, skB] : [skB, skA];
  const prevout = { scriptPubKey: btc.p2wshScript(witnessScript), amount: 500000n };
  assert.equal(btc.matchScript(prevout.scriptPubKey).type, 'p2wsh');
  assert.deepEqual(btc.matchScript(prevout.scriptPubKey).hash, sha256(witnessScript));
  const unsigned = spendOf();
  const sig = (sk) => btc.signSegwitInput(unsigned, 0, witnessScript, prevout.amount, sk);
  const ok = withWitness(unsigned, [new Uint8Array(0), sig(first), sig(second), witnessScript]);
  assert.deepEqual(btc.verifyInput(ok, 0, prevout), { valid: true, error: 'OK' });
  assert.equal(btc.verifyInput(withWitness(unsigned, [new Uint8Array(0), sig(second), sig(first), witnessScript]), 0, prevout).valid, false);
  assert.equal(btc.verifyInput(withWitness(unsigned, [new Uint8Array(0), sig(first), witnessScript]), 0, prevout).valid, false);
  // NULLDUMMY: the dummy must be empty.
  assert.equal(btc.verifyInput(withWitness(unsigned, [new Uint8Array([1]), sig(first), sig(second), witnessScript]), 0, prevout).error, 'SIG_NULLDUMMY');
  // A bare 2-of-3 multisig script, and its limits.
  const keys = [keyA, keyB, btc.publicKey(datt.generateSecretKey())];
  assert.equal(btc.matchScript(btc.multisigScript(2, keys)).keys.length, 3);
  rejects(() => btc.multisigScript(4, keys), 'script_bad_multisig');
  rejects(() => btc.multisigScript(1, [new Uint8Array(33)]), 'bad_public_key');
});

test('CLTV and CSV: spendable once the lock time or sequence allows, not before', () => {
  const sk = datt.generateSecretKey();
  const key = btc.publicKey(sk);
  // CLTV at height 500: the spend's locktime must be >= 500 and its input not final.
  const cltv = btc.cltvScript(500, key);
  assert.deepEqual(btc.matchScript(cltv), { type: 'cltv', lockTime: 500, key, coreType: 'nonstandard' });
  const cltvPrevout = { scriptPubKey: btc.p2wshScript(cltv), amount: 70000n };
  const spendCltv = (locktime, sequence = 0xfffffffe) => {
    const tx = spendOf({ locktime, sequence });
    return withWitness(tx, [btc.signSegwitInput(tx, 0, cltv, cltvPrevout.amount, sk), cltv]);
  };
  assert.equal(btc.verifyInput(spendCltv(500), 0, cltvPrevout).valid, true);
  assert.equal(btc.verifyInput(spendCltv(499), 0, cltvPrevout).error, 'UNSATISFIED_LOCKTIME');
  assert.equal(btc.verifyInput(spendCltv(500, 0xffffffff), 0, cltvPrevout).error, 'UNSATISFIED_LOCKTIME');
  // CSV of 10 blocks: the input's sequence must be >= 10, version 2.
  const csv = btc.csvScript(10, key);
  assert.equal(btc.matchScript(csv).type, 'csv');
  const csvPrevout = { scriptPubKey: btc.p2wshScript(csv), amount: 70000n };
  const spendCsv = (sequence) => {
    const tx = spendOf({ sequence });
    return withWitness(tx, [btc.signSegwitInput(tx, 0, csv, csvPrevout.amount, sk), csv]);
  };
  assert.equal(btc.verifyInput(spendCsv(10), 0, csvPrevout).valid, true);
  assert.equal(btc.verifyInput(spendCsv(9), 0, csvPrevout).error, 'UNSATISFIED_LOCKTIME');
  rejects(() => btc.csvScript(0x80000000, key), 'script_csv_disabled');
});

test('hash lock: the preimage branch and the refund branch, each only as it should', () => {
  const [skTo, skBack] = [datt.generateSecretKey(), datt.generateSecretKey()];
  const preimage = new Uint8Array(32).fill(42);
  const paymentHash = sha256(preimage);
  const script = btc.hashLockScript({ paymentHash, recipient: btc.publicKey(skTo), refundLockTime: 800, refund: btc.publicKey(skBack) });
  const matched = btc.matchScript(script);
  assert.equal(matched.type, 'hashLock');
  assert.equal(matched.refundLockTime, 800);
  const prevout = { scriptPubKey: btc.p2wshScript(script), amount: 60000n };
  const spend = (sk, extra, locktime = 0) => {
    const tx = spendOf({ locktime });
    return withWitness(tx, [btc.signSegwitInput(tx, 0, script, prevout.amount, sk), ...extra, script]);
  };
  assert.equal(btc.verifyInput(spend(skTo, [preimage, new Uint8Array([1])]), 0, prevout).valid, true);
  assert.equal(btc.verifyInput(spend(skTo, [new Uint8Array(32), new Uint8Array([1])]), 0, prevout).error, 'EQUALVERIFY');
  assert.equal(btc.verifyInput(spend(skBack, [preimage, new Uint8Array([1])]), 0, prevout).valid, false);
  assert.equal(btc.verifyInput(spend(skBack, [new Uint8Array(0)], 800), 0, prevout).valid, true);
  assert.equal(btc.verifyInput(spend(skBack, [new Uint8Array(0)], 799), 0, prevout).error, 'UNSATISFIED_LOCKTIME');
  assert.equal(btc.verifyInput(spend(skTo, [new Uint8Array(0)], 800), 0, prevout).valid, false);
});

test('OP_RETURN and legacy P2PKH: built, signed and verified', () => {
  const data = new TextEncoder().encode('datt payment');
  const opReturn = btc.opReturnScript(data);
  assert.deepEqual(btc.matchScript(opReturn), { type: 'opReturn', data, coreType: 'nulldata' });
  rejects(() => btc.opReturnScript(new Uint8Array(81)), 'script_op_return_too_large');
  rejects(() => btc.scriptToAddress(opReturn), 'script_has_no_address');
  const sk = datt.generateSecretKey();
  const prevout = { scriptPubKey: btc.p2pkhScript(btc.publicKey(sk)), amount: 10000n };
  const unsigned = { ...spendOf(), outputs: [{ value: 0n, scriptPubKey: opReturn }, spendOf().outputs[0]] };
  const scriptSig = btc.signP2pkhInput(unsigned, 0, sk);
  const signed = { ...unsigned, inputs: [{ ...unsigned.inputs[0], scriptSig }] };
  assert.deepEqual(btc.verifyInput(signed, 0, prevout), { valid: true, error: 'OK' });
  // The legacy sighash is what signLegacyInput signs over the previous output's script.
  const sig = btc.signLegacyInput(unsigned, 0, prevout.scriptPubKey, sk);
  assert.deepEqual(scriptSig.subarray(1, 1 + sig.length), sig);
  assert.match(btc.scriptToAsm(scriptSig, { signatures: true }), /^[0-9a-f]+\[ALL\] [0-9a-f]{66}$/);
  assert.equal(btc.scriptToAsm(opReturn), `OP_RETURN ${toHex(data)}`);
  const decoded = btc.decodeTransaction(signed, 'signet');
  assert.equal(decoded.vout[0].scriptPubKey.type, 'nulldata');
  assert.equal(decoded.vout[1].scriptPubKey.type, 'witness_v0_keyhash');
  assert.match(decoded.vout[1].scriptPubKey.address, /^tb1q/);
});

test('script flags by name; unknown and taproot flags are refused', () => {
  const names = btc.scriptFlagNames();
  assert.ok(names.includes('P2SH') && names.includes('WITNESS') && names.includes('CONST_SCRIPTCODE'));
  const prevout = { scriptPubKey: new Uint8Array([0x51]), amount: 0n };
  const tx = spendOf();
  for (const flags of ['', 'NONE', 'P2SH,STRICTENC', ['P2SH', 'WITNESS'], 'STANDARD', 'MANDATORY', names]) {
    assert.equal(btc.verifyInput(tx, 0, prevout, flags).valid, true);
  }
  rejects(() => btc.verifyInput(tx, 0, prevout, 'TAPROOT'), 'unknown_script_flag');
  rejects(() => btc.verifyInput(tx, 0, prevout, ['P2SH', 7]), 'wrong_type');
  rejects(() => btc.verifyInput(tx, 0, prevout, 7), 'wrong_type');
  // A combination Core would assert on is an error value, not an abort.
  assert.equal(btc.verifyInput(tx, 0, prevout, 'WITNESS').error, 'INVALID_FLAG_COMBINATION');
});

test('header chains: state in and out as bytes, pieces equal one call, failures as results', () => {
  const genesis = btc.headerChainGenesis('regtest');
  assert.ok(genesis instanceof Uint8Array);
  assert.deepEqual(btc.headerChainInfo('regtest', genesis), {
    network: 'regtest', height: 0, tipHash: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
    bits: 0x207fffff, chainWork: `${'0'.repeat(63)}2`, medianTimePast: 1296688602,
  });
  const headers = mineRegtestHeaders(REGTEST_GENESIS, 120);
  const whole = btc.extendHeaderChain('regtest', genesis, concatBytes(headers));
  assert.equal(whole.accepted, 120);
  assert.equal(whole.height, 120);
  assert.equal(whole.tipHash, displayHex(headerHash(headers[119])));
  assert.equal(whole.failure, undefined);
  assert.equal(BigInt(`0x${whole.chainWork}`), 121n * 2n);
  // In two pieces, through the stored state (as IndexedDB would keep it).
  const first = btc.extendHeaderChain('regtest', genesis, concatBytes(headers.slice(0, 50)));
  const stored = Uint8Array.from(first.state);
  const second = btc.extendHeaderChain('regtest', stored, concatBytes(headers.slice(50)));
  assert.deepEqual(second.state, whole.state);
  // bcoin's regtest shares Core's genesis and rules, not its state's network check.
  assert.equal(btc.extendHeaderChain('bcoin-regtest', btc.headerChainGenesis('bcoin-regtest'), concatBytes(headers)).height, 120);
  rejects(() => btc.headerChainInfo('mainnet', whole.state), 'wrong_network');
  // The first bad header stops the chain: the prefix is kept, the failure says where.
  const broken = headers.slice();
  broken[70] = headers[71];
  const update = btc.extendHeaderChain('regtest', genesis, concatBytes(broken));
  assert.equal(update.accepted, 70);
  assert.equal(update.height, 70);
  assert.equal(update.failure.index, 70);
  assert.equal(update.failure.height, 71);
  assert.equal(update.failure.code, 'bad_linkage');
  const future = mineRegtestHeaders(headers[119], 1, { time: 2000000000 });
  assert.equal(btc.extendHeaderChain('regtest', whole.state, future[0], { now: 1900000000 }).failure.code, 'time_too_new');
  assert.equal(btc.extendHeaderChain('regtest', whole.state, future[0]).accepted, 1);
  // A checkpoint state continues the chain like the state it summarizes.
  const tip = btc.parseBlockHeader(headers[119]);
  const times = headers.slice(109).map((h) => btc.parseBlockHeader(h).time);
  const checkpoint = btc.headerChainFromCheckpoint('regtest', {
    height: 120, hash: tip.hash, bits: tip.bits, recentTimes: times, periodStartTime: 1296688602, chainWork: whole.chainWork,
  });
  assert.deepEqual(btc.extendHeaderChain('regtest', checkpoint, future[0]).tipHash, displayHex(headerHash(future[0])));
  // Hostile states and header bytes.
  rejects(() => btc.extendHeaderChain('regtest', genesis, new Uint8Array(81)), 'header_wrong_size');
  rejects(() => btc.extendHeaderChain('regtest', genesis.subarray(0, 100), headers[0]), 'truncated');
  const badVersion = genesis.slice();
  badVersion[0] = 9;
  rejects(() => btc.headerChainInfo('regtest', badVersion), 'state_bad_format_version');
  rejects(() => btc.extendHeaderChain('moon', genesis, headers[0]), 'unknown_network');
  rejects(() => btc.parseBlockHeader(new Uint8Array(79)), 'header_wrong_size');
  rejects(() => btc.parseBlockHeader(new Uint8Array(100000)), 'header_wrong_size');
});

// Block 170 (a public mainnet block) and a gettxoutproof-format proof of its second txid,
// written from BIP-37's layout: count 2, the two txids, flag byte 0b101.
const BLOCK_170_HEADER = '0100000055bd840a78798ad0da853f68974f3d183e2bd1db6a842c1feecf222a00000000ff104ccb05421ab93e63f8c3ce5c2c2e9dbb37de2764b3a3175c8166562cac7d51b96a49ffff001d283e9e70';
const TXID_0 = 'b1fea52486ce0c62bb442b530a3f0132b826c74e473d1f2c220bfa78111c5082';
const TXID_1 = 'f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16';
const internal = (display) => fromHex(display).reverse();

test('merkle proofs: block 170\'s proof verifies; tampered proofs fail with their codes', () => {
  const proof = concatBytes([fromHex(BLOCK_170_HEADER), fromHex('02000000'), fromHex('02'), internal(TXID_0), internal(TXID_1), fromHex('0105')]);
  const verified = btc.verifyMerkleProof(proof);
  assert.equal(verified.blockHash, '00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee');
  assert.equal(verified.transactionCount, 2);
  assert.deepEqual(verified.matches, [{ txid: TXID_1, index: 1 }]);
  assert.equal(verified.header.merkleRoot, '7dac2c5666815c17a3b36427de37bb9d2e2c5ccec3f8633eb91a4205cb4c10ff');
  const tampered = proof.slice();
  tampered[90] ^= 1;  // a bit of the first hash
  rejects(() => btc.verifyMerkleProof(tampered), 'merkle_root_mismatch');
  rejects(() => btc.verifyMerkleProof(proof.subarray(0, proof.length - 1)), 'truncated');
  rejects(() => btc.verifyMerkleProof(concatBytes([proof, new Uint8Array([0])])), 'trailing_bytes');
  const padded = proof.slice();
  padded[padded.length - 1] = 0x85;
  rejects(() => btc.verifyMerkleProof(padded), 'merkle_nonzero_padding');
  rejects(() => btc.verifyMerkleProof(new Uint8Array(2 << 20)), 'too_large');
});

test('hostile input to every function: DattErrors, and the module keeps working', () => {
  const garbage = [undefined, null, 0, -1, 1.5, NaN, 2n, 'x', '', {}, [], [1], { inputs: 1 }, new Uint8Array(0),
    new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff]), new Uint16Array(3), new ArrayBuffer(8), () => 1, Symbol('s')];
  const calls = Object.getOwnPropertyNames(Object.getPrototypeOf(btc)).filter((n) => n !== 'constructor');
  let thrown = 0;
  for (const name of calls) {
    for (const a of garbage) {
      for (const b of [undefined, garbage[3], garbage[13]]) {
        try {
          btc[name](a, b, a, b, a);
        } catch (error) {
          assert.equal(error.name, 'DattError', `${name}: ${error.stack}`);
          assert.match(error.code, /^[a-z0-9_]+$/, name);
          thrown += 1;
        }
      }
    }
  }
  assert.ok(thrown > 500);
  // Random bytes as transactions, headers, proofs and states.
  let seed = 12345;
  const random = (n) => Uint8Array.from({ length: n }, () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed >>> 24; });
  for (let i = 0; i < 300; i += 1) {
    const bytes = random(i % 200);
    for (const call of [() => btc.parseTransaction(bytes), () => btc.decodeTransaction(bytes), () => btc.verifyMerkleProof(bytes),
      () => btc.headerChainInfo('mainnet', bytes), () => btc.scriptToAsm(bytes), () => btc.matchScript(bytes)]) {
      try { call(); } catch (error) { assert.equal(error.name, 'DattError'); }
    }
  }
  // Transaction objects that lie about their size are refused before they are built.
  rejects(() => btc.serializeTransaction({ inputs: new Array(200000).fill({ txid: FUNDING_TXID, vout: 0 }), outputs: [] }), 'tx_too_large');
  // Sparse arrays whose length times an input's size would wrap 32 bits.
  rejects(() => btc.serializeTransaction({ inputs: new Array(104755300), outputs: [] }), 'tx_too_large');
  rejects(() => btc.serializeTransaction({ inputs: [], outputs: new Array(2 ** 32 - 1) }), 'tx_too_large');
  rejects(() => btc.serializeTransaction({ inputs: [{ txid: FUNDING_TXID, vout: 0, witness: [new Uint8Array(4000001)] }], outputs: [] }), 'too_large');
  rejects(() => btc.serializeTransaction({ inputs: [{ txid: FUNDING_TXID.toUpperCase().slice(1), vout: 0 }], outputs: [] }), 'hex_wrong_length');
  rejects(() => btc.serializeTransaction({ inputs: [{ txid: FUNDING_TXID, vout: 2 ** 32 }], outputs: [] }), 'out_of_range');
  rejects(() => btc.parseTransaction(new Uint8Array(4000001)), 'tx_too_large');
  rejects(() => btc.decodeTransaction(fromHex(CORE_COINBASE), 'moon'), 'unknown_network');
  // Still fully working.
  const sk = datt.generateSecretKey();
  const prevout = { scriptPubKey: btc.p2wpkhScript(btc.publicKey(sk)), amount: 1000n };
  const signed = withWitness(spendOf({ value: 500n }), btc.signP2wpkhInput(spendOf({ value: 500n }), 0, 1000n, sk));
  assert.equal(btc.verifyInput(signed, 0, prevout).valid, true);
  assert.equal(datt.verifyEvent(datt.signEvent({ kind: 1, created_at: 1, tags: [], content: '' }, sk)), true);
});

test('datt.d.ts names every method of Bitcoin, and nothing else', async () => {
  const { readFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const { wasmDist } = await import('../support/vectors.mjs');
  const types = await readFile(path.join(wasmDist(), 'datt.d.ts'), 'utf8');
  const body = types.match(/export class Bitcoin [^{]*\{([\s\S]*?)\n\}/)[1];
  const declared = new Set([...body.matchAll(/^ {2}(?:readonly )?(\w+)[(?:]/gm)].map((m) => m[1]));
  declared.delete('constructor');
  // Methods, and public fields (datt.bitcoin.wallet).
  const runtime = [...Object.getOwnPropertyNames(Object.getPrototypeOf(btc)), ...Object.keys(btc)].filter((n) => n !== 'constructor');
  assert.deepEqual([...declared].sort(), runtime.sort());
});
