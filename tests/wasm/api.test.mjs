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
    assert.ok(sk instanceof Uint8Array);
    assert.equal(sk.length, 32);
    assert.match(datt.publicKey(sk), /^[0-9a-f]{64}$/);
    keys.add(datt.bytesToHex(sk));
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
  rejects(() => datt.publicKey(new Uint8Array(32)), 'bad_secret_key');
  rejects(() => datt.publicKey(new Uint8Array(32).fill(0xff)), 'bad_secret_key');
  rejects(() => datt.publicKey(new Uint8Array(3)), 'wrong_length');
  rejects(() => datt.entropyToMnemonic(new Uint8Array(3)), 'mnemonic_entropy_length');
  rejects(() => datt.publicKey(12), 'wrong_type');
  // Secret keys are bytes: the hex form of one is refused, not silently parsed.
  rejects(() => datt.publicKey('01'.repeat(32)), 'wrong_type');
  rejects(() => datt.signEvent(template, '01'.repeat(32)), 'wrong_type');
  rejects(() => datt.entropyToMnemonic('00'.repeat(16)), 'wrong_type');
  rejects(() => datt.signEvent({ kind: 1 }, datt.generateSecretKey()), 'missing_field');
  rejects(() => datt.signEvent({ ...template, content: '\ud800' }, datt.generateSecretKey()), 'json_syntax');
  rejects(() => datt.signEvent(JSON.stringify(template).replace('hello', '\ud800'), datt.generateSecretKey()), 'invalid_utf8');
  rejects(() => datt.eventId(template, 'zz'), 'hex_wrong_length');
  rejects(() => datt.mnemonicToEntropy('abandon abandon'), 'mnemonic_word_count');
  rejects(() => datt.mnemonicToSeed('abandon '.repeat(12).trim()), 'mnemonic_checksum');
  rejects(() => datt.derive(new Uint8Array(16), "m/0'/x"), 'bip32_bad_path');
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
  assert.deepEqual(datt.mnemonicToSeed(mnemonic, '\u00e9'), datt.mnemonicToSeed(mnemonic, 'e\u0301'));
  assert.notDeepEqual(datt.mnemonicToSeed(mnemonic, ''), datt.mnemonicToSeed(mnemonic, 'e'));
});

test('hardened derivation from an xpub is refused', () => {
  const seed = datt.hexToBytes('000102030405060708090a0b0c0d0e0f');
  const { xpub } = datt.derive(seed, 'm');
  rejects(() => datt.derive(xpub, "m/0'"), 'bip32_hardened_from_public');
  const child = datt.derive(xpub, 'm/0/1');
  assert.equal(child.xprv, undefined);
  assert.equal(child.xpub, datt.derive(seed, 'm/0/1').xpub);
});

// ---- binary arguments: Uint8Array in and out, hex only for event fields ----

test('raw BIP-340: bytes in, 64 bytes out; wrong types and sizes are DattErrors', () => {
  const sk = datt.generateSecretKey();
  const pub = datt.publicKey(sk);
  for (const message of [new Uint8Array(0), new Uint8Array(32).fill(7), new TextEncoder().encode('x'.repeat(1000))]) {
    const sig = datt.schnorrSign(message, sk);
    assert.ok(sig instanceof Uint8Array);
    assert.equal(sig.length, 64);
    assert.equal(datt.schnorrVerify(message, pub, sig), true);
    const flipped = sig.slice();
    flipped[63] ^= 1;
    assert.equal(datt.schnorrVerify(message, pub, flipped), false);
    assert.equal(datt.schnorrVerify(new Uint8Array([...message, 0]), pub, sig), false);
  }
  const message = new Uint8Array(32);
  const sig = datt.schnorrSign(message, sk);
  // A Node Buffer is a Uint8Array: accepted.
  assert.equal(datt.schnorrVerify(Buffer.from(message), pub, Buffer.from(sig)), true);
  rejects(() => datt.schnorrVerify(message, pub, sig.subarray(0, 63)), 'wrong_length');
  rejects(() => datt.schnorrVerify(message, pub, datt.bytesToHex(sig)), 'wrong_type');
  rejects(() => datt.schnorrVerify(datt.bytesToHex(message), pub, sig), 'wrong_type');
  rejects(() => datt.schnorrVerify(message, sk, sig), 'wrong_type');
  rejects(() => datt.schnorrSign(message, sk, new Uint8Array(31)), 'wrong_length');
  for (const notBytes of [[1, 2, 3], new Uint16Array(32), new ArrayBuffer(32), null, undefined, {}, 'ab']) {
    rejects(() => datt.schnorrSign(notBytes, sk), 'wrong_type');
    rejects(() => datt.publicKey(notBytes), 'wrong_type');
  }
  // Over the size limit: refused before any copy into wasm memory.
  rejects(() => datt.schnorrSign(new Uint8Array(16 * 1024 * 1024 + 1), sk), 'too_large');
  // The same signature as the BIP-340 signer given the same aux randomness.
  const aux = new Uint8Array(32).fill(1);
  assert.deepEqual(datt.schnorrSign(message, sk, aux), datt.schnorrSign(message, sk, aux));
});

test('hex <-> bytes: the core\'s strict codec', () => {
  const bytes = new Uint8Array([0, 1, 0xab, 0xff]);
  assert.equal(datt.bytesToHex(bytes), '0001abff');
  assert.deepEqual(datt.hexToBytes('0001ABff'), bytes);
  assert.deepEqual(datt.hexToBytes(''), new Uint8Array(0));
  rejects(() => datt.hexToBytes('abc'), 'hex_odd_length');
  rejects(() => datt.hexToBytes('0x00'), 'hex_invalid_char');
  rejects(() => datt.hexToBytes(5), 'wrong_type');
  rejects(() => datt.bytesToHex('00'), 'wrong_type');
});

test('mnemonics, seeds and derived keys are bytes; the x-only key stays hex', () => {
  const entropy = datt.hexToBytes('00'.repeat(16));
  const mnemonic = datt.entropyToMnemonic(entropy);
  assert.deepEqual(datt.mnemonicToEntropy(mnemonic), entropy);
  const seed = datt.mnemonicToSeed(mnemonic);
  assert.ok(seed instanceof Uint8Array);
  assert.equal(seed.length, 64);
  const key = datt.derive(seed, "m/44'/1237'/0'/0/0");
  assert.equal(key.secretKey.length, 32);
  assert.equal(key.publicKey.length, 33);
  assert.equal(key.fingerprint.length, 4);
  assert.equal(datt.publicKey(key.secretKey), key.xOnlyPublicKey);
  assert.deepEqual(key.publicKey.subarray(1), datt.hexToBytes(key.xOnlyPublicKey));
  rejects(() => datt.derive(datt.bytesToHex(seed), 'm'), 'bip32_bad_base58');
  rejects(() => datt.derive(42, 'm'), 'wrong_type');
  rejects(() => datt.derive(new Uint8Array(2000), 'm'), 'too_large');
});

test('nsec carries bytes both ways; npub and note stay hex', () => {
  const sk = datt.generateSecretKey();
  const nsec = datt.nip19Encode('nsec', sk);
  const decoded = datt.nip19Decode(nsec);
  assert.equal(decoded.type, 'nsec');
  assert.deepEqual(decoded.data, sk);
  rejects(() => datt.nip19Encode('nsec', datt.bytesToHex(sk)), 'nip19_bad_input');
  rejects(() => datt.nip19Encode('nsec', sk.subarray(1)), 'wrong_length');
  rejects(() => datt.nip19Encode('npub', sk), 'nip19_bad_input');
  rejects(() => datt.nip19Encode('naddr', { identifier: 'a\ud800', pubkey: datt.publicKey(sk), kind: 1 }), 'invalid_utf8');
  rejects(() => datt.nip19Encode('nprofile', { pubkey: datt.publicKey(sk), relays: ['wss://r', 7] }), 'nip19_bad_input');
  rejects(() => datt.nip19Encode('nprofile', [datt.publicKey(sk)]), 'nip19_bad_input');
});

// ---- sessions: the Signer holds a key in wasm memory until delete() ----

test('a Signer signs with the key it holds and refuses every call after delete()', () => {
  const sk = datt.generateSecretKey();
  const signer = datt.openSigner(sk);
  sk.fill(0);   // the caller wipes its copy; the session keeps working
  assert.equal(signer.live, true);
  const event = signer.signEvent(template);
  assert.equal(event.pubkey, signer.publicKey);
  assert.equal(datt.verifyEvent(event), true);
  assert.equal(event.id, datt.eventId(template, signer.publicKey));
  assert.notEqual(signer.signEvent(template).sig, event.sig);   // fresh aux randomness
  const message = new Uint8Array(32).fill(9);
  assert.equal(datt.schnorrVerify(message, signer.publicKey, signer.schnorrSign(message)), true);
  rejects(() => signer.signEvent({ kind: 1 }), 'missing_field');
  rejects(() => signer.schnorrSign('00'), 'wrong_type');
  signer.delete();
  assert.equal(signer.live, false);
  rejects(() => signer.signEvent(template), 'deleted');
  rejects(() => signer.schnorrSign(message), 'deleted');
  signer.delete();   // again: nothing happens
  rejects(() => datt.openSigner(new Uint8Array(32)), 'bad_secret_key');
  rejects(() => datt.openSigner('00'.repeat(32)), 'wrong_type');
  // Many sessions opened and closed: the module keeps working.
  for (let i = 0; i < 2000; i += 1) datt.openSigner(datt.generateSecretKey()).delete();
  assert.equal(datt.verifyEvent(datt.signEvent(template, datt.generateSecretKey())), true);
});

// ---- tallyVotes and verifyEvent agree: one strict parser ----

test('tallyVotes counts no event that verifyEvent rejects (duplicate members)', () => {
  const sk = datt.generateSecretKey();
  const target = 'cd'.repeat(32);
  const up = datt.signEvent({ kind: 7, created_at: 1700000000, tags: [['e', target]], content: '+' }, sk);
  const text = JSON.stringify(up);
  // A second "content" member before the signed one: JSON.parse keeps the last (the signed
  // "+"), a re-serialized copy would verify; the strict parser refuses the text.
  const duplicated = text.replace('"content":"+"', '"content":"-","content":"+"');
  assert.notEqual(duplicated, text);
  rejects(() => datt.parseEvent(duplicated), 'duplicate_field');
  assert.equal(datt.verifyEvent(duplicated), false);
  assert.deepEqual(datt.tallyVotes([duplicated]), {});
  assert.deepEqual(datt.tallyVotes([text.replace('"kind":7', '"kind":7,"kind":7')]), {});
  assert.deepEqual(datt.tallyVotes([text]), { [target]: { ups: 1, downs: 0, score: 1 } });
  // Elements with lone surrogates or that cannot be serialized are skipped, not fatal.
  const cyclic = { ...up };
  cyclic.self = cyclic;
  assert.deepEqual(datt.tallyVotes([`${text}\ud800`, cyclic, { ...up, big: 1n }, up]), { [target]: { ups: 1, downs: 0, score: 1 } });
});

// ---- datt.d.ts declares exactly the runtime API ----

test('datt.d.ts names every method of Datt and Signer, and nothing else', async () => {
  const { readFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const { wasmDist } = await import('../support/vectors.mjs');
  const types = await readFile(path.join(wasmDist(), 'datt.d.ts'), 'utf8');
  const members = (block) => new Set([...block.matchAll(/^ {2}(?:readonly )?(\w+)[(?:]/gm)].map((m) => m[1]));
  const body = (name) => types.match(new RegExp(`export (?:interface|class) ${name} [^{]*\\{([\\s\\S]*?)\\n\\}`))[1];
  const runtime = (object) => new Set(Object.getOwnPropertyNames(Object.getPrototypeOf(object))
    .filter((n) => n !== 'constructor').concat(Object.keys(object)));
  assert.deepEqual([...members(body('Datt'))].sort(), [...runtime(datt)].sort());
  const signer = datt.openSigner(datt.generateSecretKey());
  assert.deepEqual([...members(body('Signer'))].sort(), [...runtime(signer)].sort());
  signer.delete();
});
