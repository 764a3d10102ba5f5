// Content chains in the web app (web/src/chain): the validation of records read back from
// the `datt-chain` IndexedDB (states made by the core's applyLink must pass, each kind of
// damage must fail), this device's chain positions handed to tabs (chain/own.js: one lease at
// a time, the check at publish refusing a taken position, a publish sent again accepted) and
// the display order of an author's events (chain order kept). The IndexedDB side and the UI
// run in Chromium in tests/e2e/chain.test.mjs.
import '../support/webcrypto.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LEASE_MS, OwnChains } from '../../web/src/chain/own.js';
import { RECENT_KEPT, validFork, validHead, validLink, validOwn } from '../../web/src/chain/store.js';
import { chainOrder } from '../../web/src/chain/ui.js';
import { loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();

function key(byte) {
  return new Uint8Array(32).fill(byte);
}
const ALICE_KEY = key(7);
const ALICE = datt.publicKey(ALICE_KEY);

function sign(template, secret = ALICE_KEY) {
  return datt.signEvent(template, secret);
}

/** `n` events of one chain, linked, signed by Alice. */
function chainOf(chain, n, createdAt = 1700000000) {
  const events = [];
  let last = null;
  for (let i = 0; i < n; ++i) {
    const event = sign({ kind: 1111, created_at: createdAt + i, content: `post ${i}`,
      tags: [datt.chain.nextTag(chain, last)] });
    events.push(event);
    last = { seq: i, id: event.id };
  }
  return events;
}

test('stored chain states made by the core pass validation; damaged ones fail', () => {
  const chain = datt.chain.newChainId();
  const events = chainOf(chain, 6);
  let state = datt.chain.emptyState(ALICE, chain);
  // 0, 1 linked; 3 and 5 pending past gaps at 2 and 4.
  for (const i of [0, 1, 3, 5]) state = datt.chain.applyLink(state, events[i]).state;
  assert.equal(state.head.seq, 1);
  assert.deepEqual(state.pending.map((p) => p.seq), [3, 5]);
  const stored = structuredClone(state);
  assert.deepEqual(validHead(stored, ALICE, chain), state);
  assert.equal(datt.chain.gaps(validHead(stored, ALICE, chain)).missing, 2);

  const damaged = [
    ['another author', { ...state, author: 'f'.repeat(64) }],
    ['another chain', { ...state, chain: 'e'.repeat(32) }],
    ['head id not hex', { ...state, head: { ...state.head, id: 'X'.repeat(64) } }],
    ['head past seq 0 without prev', { ...state, head: { ...state.head, prev: null } }],
    ['seq 0 with a prev', { ...state, head: { seq: 0, id: events[0].id, prev: events[1].id } }],
    ['negative seq', { ...state, head: { ...state.head, seq: -1 } }],
    ['fractional seq', { ...state, pending: [{ ...state.pending[0], seq: 3.5 }, state.pending[1]] }],
    ['pending next to the head', { ...state, pending: [{ ...state.pending[0], seq: 2 }, state.pending[1]] }],
    ['pending out of order', { ...state, pending: [state.pending[1], state.pending[0]] }],
    ['pending not an array', { ...state, pending: {} }],
    ['too many pending', { ...state, pending: Array.from({ length: 1025 }, (_, i) => ({ seq: 3 + i, id: events[3].id, prev: events[2].id })) }],
    ['not an object', 'state'],
    ['missing', undefined],
  ];
  for (const [what, record] of damaged) assert.equal(validHead(record, ALICE, chain), null, what);
  // Without a head, pending entries start at seq 1.
  const headless = datt.chain.applyLink(datt.chain.emptyState(ALICE, chain), events[2]).state;
  assert.equal(headless.head, null);
  assert.deepEqual(validHead(structuredClone(headless), ALICE, chain), headless);
  assert.equal(validHead({ ...headless, pending: [{ seq: 0, id: events[0].id, prev: null }] }, ALICE, chain), null);
});

test('own chain, link and fork records are validated field by field', () => {
  const chain = datt.chain.newChainId();
  const last = { seq: 4, id: 'a'.repeat(64) };
  const good = { author: ALICE, chain, last, recent: [{ seq: 3, id: 'b'.repeat(64) }, last] };
  assert.deepEqual(validOwn(good, ALICE), good);
  assert.deepEqual(validOwn({ author: ALICE, chain, last: null, recent: [] }, ALICE), { author: ALICE, chain, last: null, recent: [] });
  for (const [what, record] of [
    ['someone else', { ...good, author: 'c'.repeat(64) }],
    ['short chain id', { ...good, chain: chain.slice(2) }],
    ['upper-case chain id', { ...good, chain: chain.toUpperCase().replace(/[0-9]/g, 'A') }],
    ['last not among the recent', { ...good, recent: [{ seq: 3, id: 'b'.repeat(64) }] }],
    ['recent without a last', { ...good, last: null }],
    ['too many recent', { ...good, recent: Array.from({ length: RECENT_KEPT + 1 }, () => last) }],
    ['bad seq', { ...good, last: { seq: '4', id: last.id }, recent: [{ seq: '4', id: last.id }] }],
  ]) assert.equal(validOwn(record, ALICE), null, what);
  assert.equal(validOwn(good, 'c'.repeat(64)), null);

  const link = { author: ALICE, chain, seq: 2, id: 'a'.repeat(64), prev: 'b'.repeat(64) };
  assert.deepEqual(validLink(link), link);
  assert.equal(validLink({ ...link, prev: null }), null);
  assert.equal(validLink({ ...link, chain: 'zz' }), null);

  const fork = { author: ALICE, chain, seq: 2, shape: 'same_position', proof: '[]', from: null };
  assert.deepEqual(validFork(fork), fork);
  assert.equal(validFork({ ...fork, shape: 'other' }), null);
  assert.equal(validFork({ ...fork, proof: 1 }), null);
});

/** An in-memory stand-in for the `own` store (the same raw records IndexedDB would hold). */
function memoryRecords() {
  const map = new Map();
  return { map, get: async (author) => structuredClone(map.get(author)), put: async (r) => { map.set(r.author, structuredClone(r)); } };
}

test('one position at a time: a second tab waits, a taken position is refused at publish, a resend is accepted', async () => {
  let now = 1000;
  const records = memoryRecords();
  const own = new OwnChains(records, datt, () => now);
  const first = await own.reserve(ALICE);
  const chain = first.tag[1];
  assert.deepEqual(first.tag, ['chain', chain, '0']);
  assert.deepEqual(await own.reserve(ALICE), { busy: true }, 'a second tab waits while the first signs');
  const renewed = await own.reserve(ALICE, first.lease);
  assert.equal(renewed.lease, first.lease, 'the holder renews its lease');

  const e0 = sign({ kind: 1111, created_at: 1, content: 'zero', tags: [first.tag] });
  assert.equal(await own.commit(e0), true);
  assert.equal(await own.commit(e0), true, 'the same event sent again (after an owner change) is accepted');

  const second = await own.reserve(ALICE);
  assert.deepEqual(second.tag, ['chain', chain, '1', e0.id]);
  // The holder crashes; after the lease expires another tab gets the same position.
  now += LEASE_MS + 1;
  const third = await own.reserve(ALICE);
  assert.deepEqual(third.tag, second.tag);
  const e1 = sign({ kind: 1111, created_at: 2, content: 'one', tags: [third.tag] });
  assert.equal(await own.commit(e1), true);
  // The crashed tab's signature at the same position never gets out.
  const late = sign({ kind: 1111, created_at: 2, content: 'one, late', tags: [second.tag] });
  await assert.rejects(own.commit(late), (error) => error.code === 'chain_position_taken');
  assert.deepEqual(records.map.get(ALICE).last, { seq: 1, id: e1.id });

  // Events of another chain (another device of the same account) and unchained ones pass.
  const elsewhere = sign({ kind: 1111, created_at: 3, content: 'other device', tags: [datt.chain.nextTag(datt.chain.newChainId(), null)] });
  assert.equal(await own.commit(elsewhere), false);
  assert.equal(await own.commit(sign({ kind: 1111, created_at: 3, content: 'no chain', tags: [] })), false);
  assert.deepEqual(records.map.get(ALICE).last, { seq: 1, id: e1.id });

  // A released lease frees the position at once.
  const fourth = await own.reserve(ALICE);
  own.release(ALICE, fourth.lease);
  assert.notEqual((await own.reserve(ALICE)).busy, true);
});

test('a damaged own record starts a new chain instead of signing at a wrong position', async () => {
  const records = memoryRecords();
  const own = new OwnChains(records, datt);
  const { tag, lease } = await own.reserve(ALICE);
  own.release(ALICE, lease);
  records.map.set(ALICE, { ...records.map.get(ALICE), last: { seq: 9, id: 'not hex' } });
  const next = await own.reserve(ALICE);
  assert.notEqual(next.tag[1], tag[1]);
  assert.deepEqual(next.tag, ['chain', next.tag[1], '0']);
});

test('an author\'s events are shown newest first without reordering a chain', () => {
  const chain = datt.chain.newChainId();
  // The author's clock went back: seq 2 has an earlier created_at than seq 1.
  const [a, b, c] = [
    sign({ kind: 1111, created_at: 100, content: 'a', tags: [datt.chain.nextTag(chain, null)] })];
  const b1 = sign({ kind: 1111, created_at: 300, content: 'b', tags: [datt.chain.nextTag(chain, { seq: 0, id: a.id })] });
  const c2 = sign({ kind: 1111, created_at: 200, content: 'c', tags: [datt.chain.nextTag(chain, { seq: 1, id: b1.id })] });
  const unchained = sign({ kind: 1111, created_at: 250, content: 'u', tags: [] });
  void b; void c;
  const order = chainOrder(datt, [a, b1, c2, unchained]).map((e) => e.content);
  // By created_at alone: b(300) u(250) c(200) a(100); the chain's places get c, b, a.
  assert.deepEqual(order, ['c', 'u', 'b', 'a']);
});
