// The protocol rules of core/event through wasm, the ones the relay applies too: kind
// classes, addresses, the version order and NIP-09 deletions. Expected values are written
// out from NIP-01 and NIP-09, and the keys are 1 and 2, whose public keys are the x
// coordinates of G and 2G (SEC 2).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();
const G = '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
const G2 = 'c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5';
const one = datt.hexToBytes('00'.repeat(31) + '01');
const two = datt.hexToBytes('00'.repeat(31) + '02');
const sign = (key, kind, created_at, tags = [], content = '') => datt.signEvent({ kind, created_at, tags, content }, key);

function rejects(fn, code) {
  assert.throws(fn, (e) => e.name === 'DattError' && e.code === code);
}

test('kindClass: NIP-01 ranges', () => {
  for (const kind of [1, 2, 4, 5, 7, 1111, 9999, 40000, 65535]) assert.equal(datt.kindClass(kind), 'regular', kind);
  for (const kind of [0, 3, 10000, 10002, 19999]) assert.equal(datt.kindClass(kind), 'replaceable', kind);
  for (const kind of [20000, 29999]) assert.equal(datt.kindClass(kind), 'ephemeral', kind);
  for (const kind of [30000, 34550, 39999]) assert.equal(datt.kindClass(kind), 'addressable', kind);
  for (const bad of [-1, 65536, 1.5, '1', null, 10n]) rejects(() => datt.kindClass(bad), 'wrong_type');
});

test('addressOf: one slot per (kind, pubkey) or (kind, pubkey, first d), none for regular kinds', () => {
  assert.equal(datt.addressOf({ kind: 0, pubkey: G, tags: [['d', 'ignored']] }), `0:${G}:`);
  assert.equal(datt.addressOf({ kind: 10002, pubkey: G, tags: [] }), `10002:${G}:`);
  assert.equal(datt.addressOf({ kind: 34550, pubkey: G, tags: [['t', 'x'], ['d'], ['d', 'first'], ['d', 'second']] }),
    `34550:${G}:first`);
  assert.equal(datt.addressOf({ kind: 30000, pubkey: G, tags: [] }), `30000:${G}:`);
  assert.equal(datt.addressOf({ kind: 34550, pubkey: G, tags: [['d', 'a:b:c']] }), `34550:${G}:a:b:c`);
  for (const kind of [1, 5, 7, 1111, 20000]) assert.equal(datt.addressOf({ kind, pubkey: G, tags: [['d', 'x']] }), null);
  // The same as the event the relay stores: its fields, whatever else it carries.
  const event = sign(two, 34550, 10, [['d', 'mine']]);
  assert.equal(datt.addressOf(event), `34550:${G2}:mine`);
  rejects(() => datt.addressOf({ kind: 34550, pubkey: G.toUpperCase(), tags: [] }), 'bad_hex');
  rejects(() => datt.addressOf({ kind: 34550, pubkey: G, tags: [['d', 7]] }), 'wrong_type');
  rejects(() => datt.addressOf({ kind: 34550, pubkey: G, tags: 'd' }), 'wrong_type');
  rejects(() => datt.addressOf({ kind: 34550, pubkey: G, tags: [['d', 'x\ud800']] }), 'invalid_utf8');
  rejects(() => datt.addressOf([0, G]), 'wrong_type');
  rejects(() => datt.addressOf(null), 'wrong_type');
});

test('formatAddress and parseAddress: the `a` tag form', () => {
  assert.equal(datt.formatAddress({ kind: 34550, pubkey: G, d: 'bitcoin' }), `34550:${G}:bitcoin`);
  assert.equal(datt.formatAddress({ kind: 0, pubkey: G }), `0:${G}:`);
  assert.deepEqual(datt.parseAddress(`34550:${G}:bitcoin`), { kind: 34550, pubkey: G, d: 'bitcoin' });
  assert.deepEqual(datt.parseAddress(`34550:${G.toUpperCase()}:x`), { kind: 34550, pubkey: G, d: 'x' });
  assert.deepEqual(datt.parseAddress(`10002:${G}:`), { kind: 10002, pubkey: G, d: '' });
  for (const bad of [`1:${G}:`, `10002:${G}:d`, `34550:${G}`, `+34550:${G}:x`, `70000:${G}:x`, `34550:${G.slice(1)}:x`, '', ':::']) {
    assert.equal(datt.parseAddress(bad), null, bad);
  }
  rejects(() => datt.formatAddress({ kind: 1, pubkey: G, d: '' }), 'no_address');
  rejects(() => datt.formatAddress({ kind: 0, pubkey: G, d: 'x' }), 'no_address');
  rejects(() => datt.parseAddress(5), 'wrong_type');
});

test('supersedes: later created_at wins, then the lowest id; never itself', () => {
  const low = { created_at: 100, id: '0'.repeat(63) + '1' };
  const high = { created_at: 100, id: 'f'.repeat(64) };
  assert.equal(datt.supersedes(low, high), true);
  assert.equal(datt.supersedes(high, low), false);
  assert.equal(datt.supersedes(low, { ...low }), false);
  assert.equal(datt.supersedes({ ...high, created_at: 101 }, low), true);
  assert.equal(datt.supersedes(low, { ...high, created_at: 101 }), false);
  rejects(() => datt.supersedes({ created_at: 1.5, id: low.id }, low), 'wrong_type');
  rejects(() => datt.supersedes({ created_at: 1, id: 'x' }, low), 'bad_hex');
  rejects(() => datt.supersedes(low, null), 'wrong_type');
});

test('deletionRequestOf: e ids and the author\'s own a addresses, each once', () => {
  const id = 'ab'.repeat(32);
  const request = sign(one, 5, 500, [['e', id], ['e', id.toUpperCase()], ['e', 'nothex'], ['a', `34550:${G}:c`],
    ['a', `34550:${G2}:theirs`], ['a', `0:${G}:`], ['a', `1:${G}:`], ['k', '1111']]);
  assert.deepEqual(datt.deletionRequestOf(request),
    { author: G, created_at: 500, ids: [id], addresses: [`34550:${G}:c`, `0:${G}:`] });
  assert.equal(datt.deletionRequestOf(sign(one, 1, 500, [['e', id]])), null);
  rejects(() => datt.deletionRequestOf({ ...request, created_at: 501 }), 'id_mismatch');
});

test('deletes: NIP-09 as the relay applies it', () => {
  const post = sign(one, 1111, 100, [], 'mine');
  const theirs = sign(two, 1111, 100, [], 'theirs');
  const community = sign(one, 34550, 200, [['d', 'c']]);
  const newer = sign(one, 34550, 301, [['d', 'c']]);
  const byId = sign(one, 5, 300, [['e', post.id], ['e', theirs.id]]);
  assert.equal(datt.deletes(byId, post), true);
  assert.equal(datt.deletes(byId, theirs), false, 'nobody deletes another author\'s events');
  const byAddress = sign(one, 5, 300, [['a', `34550:${G}:c`]]);
  assert.equal(datt.deletes(byAddress, community), true);
  assert.equal(datt.deletes(byAddress, sign(one, 34550, 300, [['d', 'c']])), true, 'a version of the same second');
  assert.equal(datt.deletes(byAddress, newer), false, 'a version after the request');
  assert.equal(datt.deletes(byAddress, sign(one, 34550, 200, [['d', 'other']])), false);
  const strangers = sign(two, 5, 300, [['a', `34550:${G}:c`], ['e', post.id]]);
  assert.equal(datt.deletes(strangers, community), false);
  assert.equal(datt.deletes(strangers, post), false);
  assert.equal(datt.deletes(sign(one, 5, 400, [['e', byId.id]]), byId), false, 'a deletion cannot be deleted');
  assert.equal(datt.deletes(post, post), false, 'a post deletes nothing');
  rejects(() => datt.deletes({ ...byId, content: 'x' }, post), 'id_mismatch');
  rejects(() => datt.deletes(byId, { ...post, content: '' }), 'id_mismatch');
});
