// The shared conformance vectors, run against the core compiled to WebAssembly.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadVectors, loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();

test('BIP-340: every row of test-vectors.csv', async (t) => {
  const csv = await loadVectors(t, 'bip/bip340-test-vectors.csv');
  if (csv === null) return;
  const rows = csv.trim().split(/\r?\n/).slice(1).map((line) => line.split(','));
  assert.equal(rows.length, 19);
  for (const [index, secret, pub, aux, message, signature, result, comment] of rows) {
    const label = `vector ${index} ${comment ?? ''}`;
    const msg = datt.hexToBytes(message);
    if (secret) {
      const sk = datt.hexToBytes(secret);
      assert.equal(datt.publicKey(sk), pub.toLowerCase(), label);
      assert.equal(datt.bytesToHex(datt.schnorrSign(msg, sk, datt.hexToBytes(aux))),
        signature.toLowerCase(), label);
    }
    assert.equal(datt.schnorrVerify(msg, pub.toLowerCase(), datt.hexToBytes(signature)),
      result === 'TRUE', label);
  }
});

test('BIP-39: all English vectors (mnemonic, entropy, seed, master xprv)', async (t) => {
  const text = await loadVectors(t, 'bip/bip39-vectors.json');
  if (text === null) return;
  const english = JSON.parse(text).english;
  assert.ok(english.length >= 24);
  for (const [entropy, mnemonic, seed, xprv] of english) {
    assert.equal(datt.entropyToMnemonic(datt.hexToBytes(entropy)), mnemonic);
    assert.equal(datt.bytesToHex(datt.mnemonicToEntropy(mnemonic)), entropy);
    assert.equal(datt.validateMnemonic(mnemonic), true);
    assert.equal(datt.bytesToHex(datt.mnemonicToSeed(mnemonic, 'TREZOR')), seed);
    assert.equal(datt.derive(datt.hexToBytes(seed), 'm').xprv, xprv);
  }
});

test('BIP-32: vectors 1-4 derive every path; vector 5 keys are rejected', async (t) => {
  const text = await loadVectors(t, 'bip/bip32-test-vectors.json');
  if (text === null) return;
  const { vectors } = JSON.parse(text);
  let chains = 0;
  let invalid = 0;
  for (const vector of vectors) {
    for (const chain of vector.chains ?? []) {
      const key = datt.derive(datt.hexToBytes(vector.seed), chain.path);
      assert.equal(key.xprv, chain.xprv, `vector ${vector.vector} ${chain.path}`);
      assert.equal(key.xpub, chain.xpub, `vector ${vector.vector} ${chain.path}`);
      // Decoding the serialized keys gives them back.
      assert.equal(datt.derive(chain.xprv, 'm').xprv, chain.xprv);
      assert.equal(datt.derive(chain.xpub, 'm').xpub, chain.xpub);
      chains += 1;
    }
    for (const entry of vector.invalid ?? vector.keys ?? []) {
      const key = typeof entry === 'string' ? entry : entry.key;
      assert.throws(() => datt.derive(key, 'm'), (e) => e.name === 'DattError' && /^bip32_/.test(e.code),
        `vector 5 key must be rejected: ${key}`);
      invalid += 1;
    }
  }
  assert.equal(chains, 17);
  assert.equal(invalid, 16);
});
