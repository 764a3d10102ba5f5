// datt.bitcoin.wallet, the JS API of core/bitcoin/wallet, checked against independent
// libraries: @scure/bip32 derives the same BIP-84 keys, bitcoinjs-lib the same addresses,
// decodes the signed transactions and recomputes their BIP-143 sighashes, and @noble/curves
// verifies every signature against them. Scan state round-trips through its stored bytes;
// hostile arguments get DattError codes and leave the module working.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { secp256k1 } from '@noble/curves/secp256k1';
import { HDKey } from '@scure/bip32';
import * as bitcoinjs from 'bitcoinjs-lib';

import { loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();
const btc = datt.bitcoin;
const wallet = btc.wallet;

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const seed = () => datt.mnemonicToSeed(MNEMONIC);
const TESTNET = { network: 'testnet3' };
const fixedSeed = (byte) => new Uint8Array(32).fill(byte);

function rejects(fn, code) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, 'DattError', e.stack);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

// The key at a BIP-84 path, by @scure/bip32 from the same seed.
function scureKey(path) {
  return HDKey.fromMasterSeed(seed()).derive(path);
}

test('addresses: the keys and addresses of @scure/bip32 + bitcoinjs-lib, mainnet and testnet', () => {
  for (const [name, coin, network] of [['mainnet', 0, bitcoinjs.networks.bitcoin], ['testnet3', 1, bitcoinjs.networks.testnet]]) {
    const account = wallet.account(seed(), { network: name });
    assert.equal(account.path, `m/84'/${coin}'/0'`);
    assert.equal(account.canSign, true);
    assert.equal(account.coinType, coin);
    for (const chain of [0, 1]) {
      const list = wallet.addresses(seed(), chain, 0, 5, { network: name });
      assert.equal(list.length, 5);
      for (const entry of list) {
        const path = `m/84'/${coin}'/0'/${chain}/${entry.index}`;
        const key = scureKey(path);
        assert.equal(entry.path, path);
        assert.deepEqual(entry.publicKey, key.publicKey);
        const theirs = bitcoinjs.payments.p2wpkh({ pubkey: Buffer.from(key.publicKey), network });
        assert.equal(entry.address, theirs.address);
        assert.deepEqual(entry.scriptPubKey, new Uint8Array(theirs.output));
      }
    }
    // The account xpub derives the same addresses, watch-only.
    const watch = wallet.account(account.xpub, { network: name });
    assert.equal(watch.canSign, false);
    assert.equal(watch.fingerprint, account.fingerprint);
    assert.deepEqual(wallet.addresses(account.xpub, 0, 3, 2, { network: name }),
      wallet.addresses(seed(), 0, 3, 2, { network: name }));
  }
  // Another account number moves the path; bcoin's regtest keeps coin type 1 and says rb1.
  assert.equal(wallet.account(seed(), { network: 'mainnet', account: 7 }).path, "m/84'/0'/7'");
  const rb = wallet.addresses(seed(), 0, 0, 1, { network: 'bcoin-regtest' })[0];
  assert.match(rb.address, /^rb1q/);
  assert.equal(rb.path, "m/84'/1'/0'/0/0");
});

test('scan: the gap window moves with used scripts and survives its stored bytes', () => {
  const account = wallet.account(seed(), TESTNET);
  const fresh = wallet.scan(account.xpub, null, [], { ...TESTNET, gapLimit: 5 });
  assert.equal(fresh.progress.length, 17);
  assert.equal(fresh.nextReceive, 0);
  assert.equal(fresh.watched.length, 10);
  const receive = wallet.addresses(account.xpub, 0, 0, 5, TESTNET);
  assert.deepEqual(fresh.watched.filter((w) => w.chain === 0).map((w) => w.scriptPubKey), receive.map((a) => a.scriptPubKey));
  // Index 3 of the receive chain is paid: the window reaches 3 + 1 + 5 = 9.
  const used = wallet.scan(account.xpub, fresh.progress, [receive[3].scriptPubKey, new Uint8Array([0x6a])], TESTNET);
  assert.deepEqual(used.matched, ["m/84'/1'/0'/0/3", null]);
  assert.equal(used.nextReceive, 4);
  assert.equal(used.watched.filter((w) => w.chain === 0).length, 9);
  // The stored bytes restore the same state; the seed and the xpub agree.
  const restored = wallet.scan(seed(), used.progress, [], TESTNET);
  assert.deepEqual(restored.watched, used.watched);
  assert.equal(restored.nextReceive, 4);
  // Stored bytes of another account, truncated or of a future format are refused.
  rejects(() => wallet.scan(wallet.account(seed(), { ...TESTNET, account: 1 }).xpub, used.progress, [], TESTNET), 'wallet_state_wrong_account');
  rejects(() => wallet.scan(account.xpub, used.progress.slice(0, 16), [], TESTNET), 'wallet_state_truncated');
  const future = used.progress.slice();
  future[0] = 2;
  rejects(() => wallet.scan(account.xpub, future, [], TESTNET), 'wallet_state_bad_version');
});

// Coins of the test account on testnet: P2WPKH outputs of its receive addresses.
function coinsOf(values, chain = 0) {
  const addresses = wallet.addresses(seed(), chain, 0, values.length, TESTNET);
  return values.map((value, i) => ({
    txid: (i + 1).toString(16).padStart(2, '0').repeat(32),
    vout: i,
    value: BigInt(value),
    scriptPubKey: addresses[i].scriptPubKey,
    path: addresses[i].path,
  }));
}

// Checks a signed wallet transaction with bitcoinjs-lib and @noble/curves only.
function checkSigned(signed, unsignedTx, coins) {
  const theirs = bitcoinjs.Transaction.fromBuffer(Buffer.from(signed.transaction));
  assert.equal(theirs.getId(), signed.txid);
  assert.equal(theirs.virtualSize(), signed.vsize);
  assert.equal(theirs.weight(), signed.weight);
  assert.ok(signed.weight <= unsignedTx.maxWeight, 'the estimate is never below the signed weight');
  let valueIn = 0n;
  theirs.ins.forEach((input, i) => {
    const described = unsignedTx.inputs[i];
    assert.equal(Buffer.from(input.hash).reverse().toString('hex'), described.txid);
    assert.equal(input.sequence, 0xfffffffd, 'BIP-125 signalled');
    const coin = coins.find((c) => c.txid === described.txid && c.vout === described.vout);
    valueIn += coin.value;
    const key = scureKey(coin.path);
    const [signature, publicKey] = input.witness;
    assert.deepEqual(new Uint8Array(publicKey), key.publicKey);
    const scriptCode = bitcoinjs.payments.p2pkh({ pubkey: publicKey }).output;
    const hash = theirs.hashForWitnessV0(i, scriptCode, coin.value, bitcoinjs.Transaction.SIGHASH_ALL);
    const decoded = bitcoinjs.script.signature.decode(signature);
    assert.equal(decoded.hashType, bitcoinjs.Transaction.SIGHASH_ALL);
    assert.ok(secp256k1.verify(decoded.signature, hash, key.publicKey, { lowS: true }), `input ${i} signature`);
  });
  const valueOut = theirs.outs.reduce((sum, out) => sum + BigInt(out.value), 0n);
  assert.equal(valueIn - valueOut, signed.fee);
  assert.equal(unsignedTx.fee, signed.fee);
  return theirs;
}

test('payments: built, signed, and checked by bitcoinjs-lib and @noble/curves', () => {
  const coins = coinsOf([50_000, 120_000, 7_000, 300_000]);
  const change = wallet.addresses(seed(), 1, 0, 1, TESTNET)[0];
  const payee = wallet.addresses(seed(), 0, 40, 1, TESTNET)[0].address;
  const unsignedTx = wallet.buildPayment({
    payees: [{ address: payee, value: 150_000n }], coins, feeRate: 5, changeScript: change.scriptPubKey,
    randomSeed: fixedSeed(1),
  }, TESTNET);
  // The same seed builds the same transaction (randomness comes only from randomSeed).
  assert.deepEqual(wallet.buildPayment({
    payees: [{ address: payee, value: 150_000n }], coins, feeRate: 5, changeScript: change.scriptPubKey,
    randomSeed: fixedSeed(1),
  }, TESTNET), unsignedTx);
  assert.equal(unsignedTx.tx.version, 2);
  assert.ok(unsignedTx.fee >= BigInt(5 * unsignedTx.maxVsize), 'pays the rate for its signed size');
  const signed = wallet.sign(seed(), unsignedTx, TESTNET);
  const theirs = checkSigned(signed, unsignedTx, coins);
  assert.ok(signed.feeRate >= 5);
  const payeeScript = btc.parseAddress(payee, 'testnet3').scriptPubKey;
  assert.ok(theirs.outs.some((out) => Buffer.from(out.script).equals(Buffer.from(payeeScript)) && BigInt(out.value) === 150_000n));
  if (unsignedTx.changeOutput !== null) {
    assert.deepEqual(new Uint8Array(theirs.outs[unsignedTx.changeOutput].script), change.scriptPubKey);
  }
  // The interpreter agrees (STANDARD flags), with each prevout.
  const prevouts = unsignedTx.inputs.map((input) => ({ scriptPubKey: input.scriptPubKey, amount: input.value }));
  assert.equal(btc.verifyTransaction(signed.transaction, prevouts).valid, true);
  // A watch-only root cannot sign.
  rejects(() => wallet.sign(wallet.account(seed(), TESTNET).xpub, unsignedTx, TESTNET), 'wallet_watch_only');
  // An unsigned transaction whose fee was edited is refused before signing.
  rejects(() => wallet.sign(seed(), { ...unsignedTx, fee: unsignedTx.fee + 1n }, TESTNET), 'wallet_unsigned_mismatch');
});

test('replace-by-fee: the bump keeps inputs and payees and pays rules 3 and 4', () => {
  const coins = coinsOf([60_000, 80_000, 90_000]);
  const change = wallet.addresses(seed(), 1, 0, 1, TESTNET)[0].scriptPubKey;
  const payee = { scriptPubKey: wallet.addresses(seed(), 0, 50, 1, TESTNET)[0].scriptPubKey, value: 100_000n };
  const original = wallet.buildPayment({ payees: [payee], coins, feeRate: 2, changeScript: change, randomSeed: fixedSeed(2) });
  // Coins the original does not spend may be added (it spends at least one of the three).
  const others = coins.filter((c) => !original.inputs.some((i) => i.txid === c.txid && i.vout === c.vout));
  rejects(() => wallet.bumpFee({ original, feeRate: 10, coins, randomSeed: fixedSeed(3) }), 'wallet_duplicate_coin');
  const bumped = wallet.bumpFee({ original, feeRate: 10, coins: others, randomSeed: fixedSeed(3) });
  assert.deepEqual(bumped.inputs.slice(0, original.inputs.length), original.inputs);
  assert.ok(bumped.tx.outputs.some((out) => out.value === 100_000n));
  assert.ok(bumped.fee >= original.fee + BigInt(bumped.maxVsize), 'BIP-125 rule 4 at 1 sat/vB');
  assert.ok(bumped.fee >= BigInt(10 * bumped.maxVsize));
  checkSigned(wallet.sign(seed(), bumped, TESTNET), bumped, coins);
  // Lower than the rule's minimum is still a valid bump: the floor raises it.
  const small = wallet.bumpFee({ original, feeRate: 1, coins: others, randomSeed: fixedSeed(3) });
  assert.ok(small.fee >= original.fee + BigInt(small.maxVsize));
  // A transaction that does not signal cannot be replaced.
  const final = { ...original, tx: { ...original.tx, inputs: original.tx.inputs.map((i) => ({ ...i, sequence: 0xffffffff })) } };
  rejects(() => wallet.bumpFee({ original: final, feeRate: 10, coins: others }), 'wallet_not_replaceable');
});

test('coin selection: Branch and Bound finds the exact set, shortfalls say how much', () => {
  const candidates = [{ value: 10_000n, inputWeight: 272 }, { value: 20_000n, inputWeight: 272 },
    { value: 33_000n, inputWeight: 272 }, { value: 5_000n, inputWeight: 272 }];
  // At 0 sat/vB effective values equal values: 10,000 + 20,000 is an exact match for 30,000.
  const params = { valueOut: 30_000n, fixedWeight: 0, feeRate: 0, changeOutputWeight: 124, minChange: 294n,
    changeSpendFee: 0n, randomSeed: fixedSeed(4) };
  const exact = wallet.selectCoins(candidates, params);
  assert.equal(exact.algorithm, 'branch_and_bound');
  assert.equal(exact.changeExpected, false);
  assert.deepEqual([...exact.selected].sort(), [0, 1]);
  assert.equal(exact.selectedValue, 30_000n);
  rejects(() => wallet.selectCoins(candidates, { ...params, valueOut: 100_000n }), 'wallet_insufficient_funds');
  rejects(() => wallet.buildPayment({ payees: [{ scriptPubKey: coinsOf([1])[0].scriptPubKey, value: 10_000_000n }],
    coins: coinsOf([50_000]), feeRate: 1, changeScript: coinsOf([1])[0].scriptPubKey }), 'wallet_insufficient_funds');
});

test('hostile arguments: DattError codes, never an abort, the module still works', () => {
  const coins = coinsOf([50_000]);
  const good = { payees: [{ scriptPubKey: coins[0].scriptPubKey, value: 10_000n }], coins, feeRate: 1,
    changeScript: coins[0].scriptPubKey };
  rejects(() => wallet.account(42), 'wrong_type');
  rejects(() => wallet.account(new Uint8Array(8)), 'bip32_seed_length');
  rejects(() => wallet.account('zpub-not-a-key'), 'bip32_bad_base58');
  rejects(() => wallet.account(seed(), { network: 'moon' }), 'unknown_network');
  rejects(() => wallet.account(seed(), { account: 2 ** 31 }), 'wallet_bad_account');
  rejects(() => wallet.addresses(seed(), 2, 0, 1), 'wallet_bad_chain');
  rejects(() => wallet.addresses(seed(), 0, 0, 1001), 'too_many');
  rejects(() => wallet.addresses(seed(), 0, 2 ** 31 - 1, 2), 'wallet_bad_index');
  rejects(() => wallet.buildPayment(null), 'wrong_type');
  rejects(() => wallet.buildPayment({ ...good, feeRate: 0.0001 }), 'bad_fee_rate');
  rejects(() => wallet.buildPayment({ ...good, feeRate: NaN }), 'bad_fee_rate');
  rejects(() => wallet.buildPayment({ ...good, feeRate: '1' }), 'wrong_type');
  rejects(() => wallet.buildPayment({ ...good, coins: [{ ...coins[0], path: "m/44'/1'/0'/0/0" }] }), 'bad_key_path');
  rejects(() => wallet.buildPayment({ ...good, coins: [{ ...coins[0], path: "m/84'/1'/0'/2/0" }] }), 'bad_key_path');
  rejects(() => wallet.buildPayment({ ...good, coins: [{ ...coins[0], value: 1.5 }] }), 'amount_not_exact');
  rejects(() => wallet.buildPayment({ ...good, coins: [{ ...coins[0], value: -1n }] }), 'amount_out_of_range');
  rejects(() => wallet.buildPayment({ ...good, coins: [coins[0], coins[0]] }), 'wallet_duplicate_coin');
  rejects(() => wallet.buildPayment({ ...good, coins: { length: 1e9 } }), 'wrong_type');
  rejects(() => wallet.buildPayment({ ...good, coins: new Array(100_001) }), 'too_many');
  rejects(() => wallet.buildPayment({ ...good, payees: [] }), 'wallet_no_payees');
  rejects(() => wallet.buildPayment({ ...good, payees: [{ scriptPubKey: coins[0].scriptPubKey, value: 100n }] }), 'wallet_dust_output');
  rejects(() => wallet.buildPayment({ ...good, payees: [{ address: 'tb1qnotanaddress', value: 10_000n }] }, TESTNET), 'bech32_invalid_data_char');
  const mainnetAddress = wallet.addresses(seed(), 0, 0, 1)[0].address;
  rejects(() => wallet.buildPayment({ ...good, payees: [{ address: mainnetAddress, value: 10_000n }] }, TESTNET), 'address_wrong_network');
  rejects(() => wallet.buildPayment({ ...good, randomSeed: new Uint8Array(31) }), 'wrong_length');
  rejects(() => wallet.buildPayment({ ...good, changeScript: new Uint8Array(10_001) }), 'too_large');
  const unsignedTx = wallet.buildPayment(good);
  rejects(() => wallet.sign(seed(), { ...unsignedTx, inputs: [] }, TESTNET), 'wallet_unsigned_mismatch');
  rejects(() => wallet.sign(seed(), { ...unsignedTx, inputs: [{ ...unsignedTx.inputs[0], kind: 'p2tr' }] }, TESTNET), 'unknown_spend_kind');
  rejects(() => wallet.sign(seed(), { ...unsignedTx, changeOutput: 9 }, TESTNET), 'wallet_unsigned_mismatch');
  rejects(() => wallet.sign(seed(), { ...unsignedTx, tx: 'nope' }, TESTNET), 'wrong_type');
  rejects(() => wallet.scan(seed(), new Uint8Array(18), [], TESTNET), 'wallet_state_trailing_bytes');
  rejects(() => wallet.scan(seed(), new Uint8Array(1 << 20), [], TESTNET), 'too_large');
  rejects(() => wallet.scan(seed(), null, 'x', TESTNET), 'wrong_type');
  rejects(() => wallet.scan(seed(), null, [], { ...TESTNET, gapLimit: 0 }), 'wallet_bad_gap_limit');
  // Still working.
  assert.equal(wallet.sign(seed(), unsignedTx, TESTNET).fee, unsignedTx.fee);
});

test('datt.d.ts names every method of Wallet, and nothing else', async () => {
  const { readFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const { wasmDist } = await import('../support/vectors.mjs');
  const types = await readFile(path.join(wasmDist(), 'datt.d.ts'), 'utf8');
  const body = types.match(/export class Wallet [^{]*\{([\s\S]*?)\n\}/)[1];
  const declared = new Set([...body.matchAll(/^ {2}(?:readonly )?(\w+)[(?:]/gm)].map((m) => m[1]));
  declared.delete('constructor');
  const runtime = [...Object.getOwnPropertyNames(Object.getPrototypeOf(wallet)), ...Object.keys(wallet)].filter((n) => n !== 'constructor');
  assert.deepEqual([...declared].sort(), runtime.sort());
});
