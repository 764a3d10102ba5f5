// Interop with nostr-tools' NIP-19 (npm nostr-tools, pinned): random keys, ids and pointers
// encoded by Datt (wasm) decode identically in nostr-tools, and the other way round.
import '../support/webcrypto.mjs';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import * as nip19 from 'nostr-tools/nip19';

import { loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();
const hex32 = () => randomBytes(32).toString('hex');
const ROUNDS = 40;

// Relays with the characters a URL may carry, non-ASCII included; 0 to 3 of them.
function relays(i) {
  const pool = ['wss://relay.damus.io', 'wss://nos.lol/', 'ws://127.0.0.1:7777', 'wss://ü.example/päth?q=1',
    `wss://r${i}.example/${'x'.repeat(i * 5)}`];
  return pool.slice(i % 5, (i % 5) + (i % 4));
}

function pointers(i) {
  return {
    nprofile: { pubkey: hex32(), relays: relays(i) },
    nevent: { id: hex32(), relays: relays(i + 1), author: hex32(), kind: [1, 0, 30023, 0xffffffff][i % 4] },
    naddr: { identifier: ['', 'datt', 'sub/日本語', 'd'.repeat(200)][i % 4], pubkey: hex32(),
      kind: [34550, 30023, 0, 4294967295][i % 4], relays: relays(i + 2) },
  };
}

test('bare keys and ids encode to the same strings in both directions', () => {
  for (let i = 0; i < ROUNDS; i += 1) {
    const [pub, sec, id] = [hex32(), randomBytes(32), hex32()];
    assert.equal(datt.nip19Encode('npub', pub), nip19.npubEncode(pub));
    assert.equal(datt.nip19Encode('nsec', new Uint8Array(sec)), nip19.nsecEncode(sec));
    assert.equal(datt.nip19Encode('note', id), nip19.noteEncode(id));

    assert.deepEqual(datt.nip19Decode(nip19.npubEncode(pub)), { type: 'npub', data: pub });
    assert.deepEqual(datt.nip19Decode(nip19.nsecEncode(sec)), { type: 'nsec', data: new Uint8Array(sec) });
    assert.deepEqual(datt.nip19Decode(nip19.noteEncode(id)), { type: 'note', data: id });
    const theirs = nip19.decode(datt.nip19Encode('nsec', new Uint8Array(sec)));
    assert.equal(theirs.type, 'nsec');
    assert.equal(Buffer.from(theirs.data).toString('hex'), sec.toString('hex'));
  }
});

test('nprofile, nevent and naddr written by Datt decode in nostr-tools', () => {
  for (let i = 0; i < ROUNDS; i += 1) {
    const p = pointers(i);
    assert.deepEqual(nip19.decode(datt.nip19Encode('nprofile', p.nprofile)), { type: 'nprofile', data: p.nprofile });
    assert.deepEqual(nip19.decode(datt.nip19Encode('nevent', p.nevent)), { type: 'nevent', data: p.nevent });
    assert.deepEqual(nip19.decode(datt.nip19Encode('naddr', p.naddr)), { type: 'naddr', data: p.naddr });
  }
});

test('nprofile, nevent and naddr written by nostr-tools decode in Datt', () => {
  for (let i = 0; i < ROUNDS; i += 1) {
    const p = pointers(i);
    assert.deepEqual(datt.nip19Decode(nip19.nprofileEncode(p.nprofile)), { type: 'nprofile', data: p.nprofile });
    assert.deepEqual(datt.nip19Decode(nip19.neventEncode(p.nevent)), { type: 'nevent', data: p.nevent });
    assert.deepEqual(datt.nip19Decode(nip19.naddrEncode(p.naddr)), { type: 'naddr', data: p.naddr });
  }
  // Without author and kind, nostr-tools reports them as undefined; Datt leaves them out.
  const id = hex32();
  const decoded = datt.nip19Decode(nip19.neventEncode({ id }));
  assert.deepEqual(decoded, { type: 'nevent', data: { id, relays: [] } });
  assert.deepEqual(nip19.decode(datt.nip19Encode('nevent', { id })).data,
    { id, relays: [], author: undefined, kind: undefined });
});

test('errors arrive as DattError codes', () => {
  const npub = nip19.npubEncode(hex32());
  const cases = [
    [() => datt.nip19Decode(npub.slice(0, -1) + (npub.endsWith('q') ? 'p' : 'q')), 'nip19_bad_bech32'],
    [() => datt.nip19Decode(npub.toUpperCase().replace('NPUB', 'npub')), 'nip19_bad_bech32'],
    [() => datt.nip19Decode(nip19.encodeBytes('nrelay', new Uint8Array(4))), 'nip19_unknown_prefix'],
    [() => datt.nip19Decode(nip19.encodeBytes('npub', new Uint8Array(31))), 'nip19_bad_length'],
    [() => datt.nip19Encode('nprofile', { pubkey: hex32(), relays: ['r'.repeat(256)] }), 'nip19_field_too_long'],
    [() => datt.nip19Encode('naddr', { identifier: 'd', pubkey: hex32() }), 'nip19_bad_input'],
    [() => datt.nip19Encode('nevent', { id: hex32(), kind: -1 }), 'nip19_bad_input'],
    [() => datt.nip19Encode('nrelay', 'wss://r'), 'nip19_unknown_prefix'],
    [() => datt.nip19Encode('npub', 'xyz'), 'hex_wrong_length'],
  ];
  for (const [run, code] of cases) assert.throws(run, { name: 'DattError', code });
  const upper = npub.toUpperCase();
  assert.equal(datt.nip19Decode(upper).data, nip19.decode(npub).data);
});
