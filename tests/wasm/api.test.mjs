// The JS API of the wasm core: results, errors as DattError with the core's codes, and a
// module that keeps working after any bad input.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();
const template = { kind: 1, created_at: 1700000000, tags: [['t', 'datt']], content: 'hello' };

function rejects(fn, code) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, 'DattError');
    assert.ok(e instanceof Error);
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.length > 0);
    return true;
  });
}

test('keys: generated keys are distinct, valid and 32 bytes', () => {
  const keys = new Set();
  for (let i = 0; i < 50; i += 1) {
    const sk = datt.generateSecretKey();
    assert.match(sk, /^[0-9a-f]{64}$/);
    assert.match(datt.publicKey(sk), /^[0-9a-f]{64}$/);
    keys.add(sk);
  }
  assert.equal(keys.size, 50);
});

test('sign/verify/parse round trip and the id of a template', () => {
  const sk = datt.generateSecretKey();
  const event = datt.signEvent(template, sk);
  assert.equal(event.pubkey, datt.publicKey(sk));
  assert.equal(event.id, datt.eventId(template, event.pubkey));
  assert.equal(datt.verifyEvent(event), true);
  assert.equal(datt.verifyEvent(JSON.stringify(event)), true);
  assert.deepEqual(datt.parseEvent(event), event);
  // Two signatures of the same template differ (fresh aux randomness) and both verify.
  const again = datt.signEvent(template, sk);
  assert.equal(again.id, event.id);
  assert.notEqual(again.sig, event.sig);
  assert.equal(datt.verifyEvent(again), true);
});

test('bad events are rejected with stable codes', () => {
  const sk = datt.generateSecretKey();
  const event = datt.signEvent(template, sk);
  rejects(() => datt.parseEvent({ ...event, content: 'changed' }), 'id_mismatch');
  rejects(() => datt.parseEvent({ ...event, sig: `${event.sig.slice(0, 127)}${event.sig[127] === '0' ? '1' : '0'}` }), 'bad_signature');
  rejects(() => datt.parseEvent({ ...event, kind: 70000 }), 'kind_range');
  rejects(() => datt.parseEvent({ ...event, kind: '1' }), 'wrong_type');
  rejects(() => datt.parseEvent({ ...event, created_at: -1 }), 'created_at_range');
  rejects(() => datt.parseEvent({ ...event, tags: [[1]] }), 'wrong_type');
  rejects(() => datt.parseEvent({ ...event, id: event.id.toUpperCase() }), 'bad_hex');
  rejects(() => datt.parseEvent({ id: event.id }), 'missing_field');
  rejects(() => datt.parseEvent('{"id":'), 'json_syntax');
  rejects(() => datt.parseEvent('[1,2,3]'), 'not_object');
  rejects(() => datt.parseEvent('['.repeat(100000)), 'not_object');
  rejects(() => datt.parseEvent('['.repeat(200000)), 'too_large');
  rejects(() => datt.parseEvent({ ...event, content: 'x'.repeat(200000) }), 'too_large');
  // JSON.stringify writes a lone surrogate as the escape \ud800, which is not valid JSON
  // text for a string; placed raw in the JSON text it reaches the core as invalid UTF-8.
  rejects(() => datt.parseEvent({ ...event, content: 'bad \ud800 surrogate' }), 'json_syntax');
  rejects(() => datt.parseEvent(JSON.stringify(event).replace('hello', 'bad \ud800 surrogate')), 'invalid_utf8');
  rejects(() => datt.parseEvent(42), 'wrong_type');
  assert.equal(datt.verifyEvent({ ...event, content: 'changed' }), false);
  assert.equal(datt.verifyEvent(null), false);
});

test('bad arguments are rejected, never abort the module', () => {
  rejects(() => datt.publicKey('00'.repeat(32)), 'bad_secret_key');
  rejects(() => datt.publicKey('ff'.repeat(32)), 'bad_secret_key');
  rejects(() => datt.publicKey('xyz'), 'hex_wrong_length');
  rejects(() => datt.entropyToMnemonic('abc'), 'hex_odd_length');
  rejects(() => datt.publicKey(12), 'wrong_type');
  rejects(() => datt.signEvent(template, 'nothex'.padEnd(64, '0')), 'hex_invalid_char');
  rejects(() => datt.signEvent({ kind: 1 }, datt.generateSecretKey()), 'missing_field');
  rejects(() => datt.signEvent({ ...template, content: '\ud800' }, datt.generateSecretKey()), 'json_syntax');
  rejects(() => datt.signEvent(JSON.stringify(template).replace('hello', '\ud800'), datt.generateSecretKey()), 'invalid_utf8');
  rejects(() => datt.eventId(template, 'zz'), 'hex_wrong_length');
  rejects(() => datt.mnemonicToEntropy('abandon abandon'), 'mnemonic_word_count');
  rejects(() => datt.mnemonicToSeed('abandon '.repeat(12).trim()), 'mnemonic_checksum');
  rejects(() => datt.derive('00'.repeat(16), "m/0'/x"), 'bip32_bad_path');
  rejects(() => datt.derive('xpub-not-base58-0OIl', 'm'), 'bip32_bad_base58');
  rejects(() => datt.generateMnemonic(13), 'mnemonic_word_count');
  // Still fully working afterwards.
  const sk = datt.generateSecretKey();
  assert.equal(datt.verifyEvent(datt.signEvent(template, sk)), true);
});

test('mnemonics: generated ones validate; NFKD normalization applies to passphrases', () => {
  for (const words of [12, 15, 18, 21, 24]) {
    const mnemonic = datt.generateMnemonic(words);
    assert.equal(mnemonic.split(' ').length, words);
    assert.equal(datt.validateMnemonic(mnemonic), true);
  }
  const mnemonic = datt.generateMnemonic();
  // "é" precomposed (U+00E9) and decomposed (e + U+0301) are the same passphrase.
  assert.equal(datt.mnemonicToSeed(mnemonic, '\u00e9'), datt.mnemonicToSeed(mnemonic, 'e\u0301'));
  assert.notEqual(datt.mnemonicToSeed(mnemonic, ''), datt.mnemonicToSeed(mnemonic, 'e'));
});

test('hardened derivation from an xpub is refused', () => {
  const seed = '000102030405060708090a0b0c0d0e0f';
  const { xpub } = datt.derive(seed, 'm');
  rejects(() => datt.derive(xpub, "m/0'"), 'bip32_hardened_from_public');
  const child = datt.derive(xpub, 'm/0/1');
  assert.equal(child.xprv, undefined);
  assert.equal(child.xpub, datt.derive(seed, 'm/0/1').xpub);
});
