// Interop with an independent Nostr implementation (npm nostr-tools): events it signs
// verify in Datt (native CLI and wasm) with the same id, and events Datt signs verify in it.
import '../support/webcrypto.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { privateKeyFromSeedWords } from 'nostr-tools/nip06';
import { finalizeEvent, generateSecretKey, getEventHash, getPublicKey, verifyEvent } from 'nostr-tools/pure';

import { runCli } from '../support/cli.mjs';
import { loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();
const hex = (bytes) => Buffer.from(bytes).toString('hex');

// Content that exercises the escaping rules shared by NIP-01 and JSON.stringify: the
// seven escaped characters, raw '/', non-ASCII, emoji, U+2028, quotes inside tags.
const samples = [
  '',
  'hello world',
  'line\nbreak "quoted" back\\slash\rcr\ttab\bbs\fff',
  'unicode é ü ß 日本語 🌍🚀 \u2028 \u2029 </script> / & < >',
  'x'.repeat(20000),
  '{"looks":"like json"}',
];

function nostrToolsEvents() {
  const events = [];
  for (let i = 0; i < 24; i += 1) {
    const sk = generateSecretKey();
    events.push(finalizeEvent({
      kind: [1, 1111, 7, 0, 34550, 30023][i % 6],
      created_at: 1700000000 + i,
      tags: i % 2 ? [['t', 'datt'], ['e', 'a'.repeat(64), 'wss://relay.example', 'root'], ['empty', '']] : [],
      content: samples[i % samples.length],
    }, sk));
  }
  return events;
}

const runNative = (args, input, env = {}) => runCli(args, { input, env });

test('events signed by nostr-tools verify in wasm with the same id', () => {
  for (const event of nostrToolsEvents()) {
    const parsed = datt.parseEvent(JSON.stringify(event));
    assert.equal(parsed.id, event.id);
    assert.equal(datt.eventId(event, event.pubkey), getEventHash(event));
    assert.deepEqual(parsed, { id: event.id, pubkey: event.pubkey, created_at: event.created_at,
      kind: event.kind, tags: event.tags, content: event.content, sig: event.sig });
  }
});

test('events signed by nostr-tools verify in the native CLI with the same id', () => {
  for (const event of nostrToolsEvents()) {
    const result = runNative(['event', 'verify'], JSON.stringify(event));
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.equal(result.stdout.trim(), `valid ${event.id}`);
  }
});

test('a tampered nostr-tools event is rejected by both with the right reason', () => {
  const [event] = nostrToolsEvents();
  const tampered = { ...event, content: `${event.content}!` };
  assert.throws(() => datt.parseEvent(tampered), (e) => e.code === 'id_mismatch');
  const native = runNative(['event', 'verify'], JSON.stringify(tampered));
  assert.equal(native.status, 1);
  assert.match(native.stdout, /^invalid: id_mismatch: /);
});

test('events signed by Datt (wasm) verify in nostr-tools', () => {
  const sk = datt.generateSecretKey();
  for (const content of samples) {
    const event = datt.signEvent({ kind: 1111, created_at: 1700000000, tags: [['t', 'datt']], content }, sk);
    assert.equal(event.pubkey, datt.publicKey(sk));
    assert.equal(event.pubkey, getPublicKey(sk));
    assert.equal(getEventHash(event), event.id);
    assert.equal(verifyEvent(event), true);
  }
});

test('events signed by Datt (native CLI) verify in nostr-tools', () => {
  const sk = hex(generateSecretKey());
  for (const content of samples) {
    const template = JSON.stringify({ kind: 1, created_at: 1700000001, tags: [['p', 'b'.repeat(64)]], content });
    const result = runNative(['event', 'sign'], template, { DATT_SECRET_KEY: sk });
    assert.equal(result.status, 0, result.stderr);
    const event = JSON.parse(result.stdout);
    assert.equal(event.pubkey, getPublicKey(sk));
    assert.equal(event.content, content);
    assert.equal(verifyEvent(event), true);
  }
});

test('NIP-06 key from a mnemonic matches nostr-tools', () => {
  for (const words of [12, 24]) {
    const mnemonic = datt.generateMnemonic(words);
    for (const passphrase of ['', 'TREZOR']) {
      const seed = datt.mnemonicToSeed(mnemonic, passphrase);
      const key = datt.derive(seed, "m/44'/1237'/0'/0/0");
      assert.deepEqual(key.secretKey, privateKeyFromSeedWords(mnemonic, passphrase));
      assert.equal(key.xOnlyPublicKey, getPublicKey(key.secretKey));
    }
  }
});
