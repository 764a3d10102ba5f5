// datt.chain and datt.community through wasm. Events are signed by nostr-tools (not by the
// module), proof of work is checked against nostr-tools' nip13 getPow, and the reducer is
// driven the way the web app drives it: a state object kept as plain data (here through
// structuredClone, as IndexedDB stores it).
import '../support/webcrypto.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { getPow } from 'nostr-tools/nip13';
import { finalizeEvent, generateSecretKey, getPublicKey, verifyEvent } from 'nostr-tools/pure';

import { loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();
const T = 1700000000;

function rejects(fn, code) {
  assert.throws(fn, (e) => e.name === 'DattError' && e.code === code, `expected DattError ${code}`);
}

function key() {
  const sk = generateSecretKey();
  return { sk, pk: getPublicKey(sk) };
}

function sign(k, { kind = 1111, created_at = T, tags = [], content = '' } = {}) {
  const { id, pubkey, sig } = finalizeEvent({ kind, created_at, tags, content }, k.sk);
  return { id, pubkey, created_at, kind, tags, content, sig };
}

/** Events 0..n-1 of one chain, made with the module's own nextTag. */
function chainEvents(k, chain, n, content = 'e') {
  const events = [];
  let last = null;
  for (let i = 0; i < n; i += 1) {
    const event = sign(k, { created_at: T + i, tags: [datt.chain.nextTag(chain, last)], content: `${content} ${i}` });
    events.push(event);
    last = { seq: i, id: event.id };
  }
  return events;
}

test('chain tags: new ids, make, next, parse, and their codes', () => {
  const chain = datt.chain.newChainId();
  assert.match(chain, /^[0-9a-f]{32}$/);
  assert.notEqual(datt.chain.newChainId(), chain);
  assert.deepEqual(datt.chain.nextTag(chain, null), ['chain', chain, '0']);
  const prev = 'ab'.repeat(32);
  assert.deepEqual(datt.chain.nextTag(chain, { seq: 4, id: prev }), ['chain', chain, '5', prev]);
  assert.deepEqual(datt.chain.parseTag(['chain', chain, '5', prev]), { chain, seq: 5, prev });
  assert.deepEqual(datt.chain.parseTag(['chain', chain, '0']), { chain, seq: 0, prev: null });
  rejects(() => datt.chain.parseTag(['chain', chain, '05', prev]), 'chain_seq_invalid');
  rejects(() => datt.chain.parseTag(['chain', chain.toUpperCase(), '0']), 'chain_id_invalid');
  rejects(() => datt.chain.parseTag(['chain', chain, '0', prev]), 'chain_prev_invalid');
  rejects(() => datt.chain.parseTag(['chain', chain]), 'chain_tag_malformed');
  rejects(() => datt.chain.makeTag(chain, 3, null), 'chain_prev_invalid');
  rejects(() => datt.chain.makeTag(chain, 2 ** 53, prev), 'chain_seq_invalid');
});

test('linkOf: the place of a verified event, null when unchained', () => {
  const k = key();
  const chain = datt.chain.newChainId();
  const [e0, e1] = chainEvents(k, chain, 2);
  assert.deepEqual(datt.chain.linkOf(e1), {
    author: k.pk, id: e1.id, chain, seq: 1, prev: e0.id, created_at: e1.created_at, kind: 1111,
  });
  assert.equal(datt.chain.linkOf(sign(k, { content: 'no chain' })), null);
  rejects(() => datt.chain.linkOf({ ...e1, content: 'tampered' }), 'id_mismatch');
  rejects(() => datt.chain.linkOf(sign(k, { kind: 0, tags: [['chain', chain, '0']] })), 'chain_kind_not_chained');
});

test('the reducer: extend, gap, pending closed by the missing event, duplicate, fork', () => {
  const k = key();
  const chain = datt.chain.newChainId();
  const events = chainEvents(k, chain, 5);
  const store = (step) => structuredClone(step.state);  // what IndexedDB keeps

  let state = datt.chain.emptyState(k.pk, chain);
  assert.deepEqual(state, { author: k.pk, chain, head: null, pending: [] });
  let step = datt.chain.applyLink(state, events[0]);
  assert.equal(step.outcome, 'extended');
  assert.deepEqual(step.state.head, { seq: 0, id: events[0].id, prev: null });
  state = store(step);

  step = datt.chain.applyLink(state, events[2]);
  assert.equal(step.outcome, 'pending');
  assert.deepEqual(step.gaps, [{ first: 1, last: 1 }]);
  assert.equal(step.missing, 1);
  state = store(step);
  step = datt.chain.applyLink(state, events[4]);
  assert.equal(step.outcome, 'pending');
  assert.deepEqual(step.gaps, [{ first: 1, last: 1 }, { first: 3, last: 3 }]);
  assert.equal(step.missing, 2);
  state = store(step);
  assert.deepEqual(datt.chain.gaps(state), { gaps: [{ first: 1, last: 1 }, { first: 3, last: 3 }], missing: 2 });

  step = datt.chain.applyLink(state, events[1]);
  assert.equal(step.outcome, 'extended');
  assert.deepEqual(step.linked.map((e) => e.seq), [1, 2]);
  assert.equal(step.state.head.seq, 2);
  assert.equal(step.missing, 1);
  state = store(step);
  step = datt.chain.applyLink(state, events[3]);
  assert.deepEqual(step.linked.map((e) => e.seq), [3, 4]);
  assert.equal(step.missing, 0);
  state = store(step);

  assert.equal(datt.chain.applyLink(state, events[4]).outcome, 'duplicate');
  // Below the head the caller passes the id it holds there.
  assert.equal(datt.chain.applyLink(state, events[1], events[1].id).outcome, 'duplicate');
  rejects(() => datt.chain.applyLink(state, events[1]), 'occupant_required');

  const rival = sign(k, { created_at: T + 9, tags: [['chain', chain, '4', events[3].id]], content: 'rival' });
  step = datt.chain.applyLink(state, rival);
  assert.equal(step.outcome, 'fork');
  assert.deepEqual(step.fork, { shape: 'same_position', otherSeq: 4, otherId: events[4].id });
  assert.deepEqual(step.state, state, 'a fork leaves the state as it was');
  rejects(() => datt.chain.applyLink(state, sign(k, { content: 'unchained' })), 'chain_unchained');
  rejects(() => datt.chain.applyLink(datt.chain.emptyState(key().pk, chain), events[0]), 'chain_mismatch');
});

test('a state read back from storage is checked', () => {
  const k = key();
  const chain = datt.chain.newChainId();
  const [e0] = chainEvents(k, chain, 1);
  const good = datt.chain.applyLink(datt.chain.emptyState(k.pk, chain), e0).state;
  const bad = [
    { ...good, author: 'zz' },
    { ...good, chain: 'ab' },
    { ...good, head: { seq: 1, id: e0.id, prev: null } },
    { ...good, pending: [{ seq: 1, id: e0.id, prev: e0.id }] },  // not past a gap
    { ...good, pending: [{ seq: 5, id: e0.id, prev: e0.id }, { seq: 3, id: e0.id, prev: e0.id }] },
    { ...good, pending: 'none' },
    null,
  ];
  for (const state of bad) rejects(() => datt.chain.applyLink(state, e0), 'chain_state_invalid');
});

test('fork proofs: made, verified, parsed from their encoding and from kind 4560', () => {
  const k = key();
  const chain = datt.chain.newChainId();
  const [e0, e1] = chainEvents(k, chain, 2);
  const rival = sign(k, { created_at: T + 5, tags: [['chain', chain, '1', e0.id]], content: 'rival' });
  assert.equal(datt.chain.verifyForkProof(e1, rival), true);
  assert.equal(datt.chain.verifyForkProof(e0, e1), false);
  rejects(() => datt.chain.makeForkProof(e0, e1), 'fork_not_conflicting');
  rejects(() => datt.chain.makeForkProof(e1, e1), 'fork_same_event');

  const proof = datt.chain.makeForkProof(rival, e1);
  assert.equal(proof.author, k.pk);
  assert.equal(proof.chain, chain);
  assert.equal(proof.seq, 1);
  assert.equal(proof.shape, 'same_position');
  const ordered = [e1, rival].sort((a, b) => (a.id < b.id ? -1 : 1));
  assert.deepEqual([JSON.parse(proof.first), JSON.parse(proof.second)], ordered);
  assert.deepEqual(datt.chain.parseForkProof(proof.encoding, { encoding: true }), proof);

  // A broken link: seq 2 naming the rival.
  const broken = sign(k, { created_at: T + 6, tags: [['chain', chain, '2', rival.id]] });
  assert.equal(datt.chain.makeForkProof(e1, broken).shape, 'broken_link');

  // As a relay publishes it: kind 4560 signed by anyone.
  const relay = key();
  const wrapper = sign(relay, { kind: 4560, tags: [['p', k.pk], ['fork', chain, '1']], content: proof.encoding });
  assert.ok(verifyEvent({ ...wrapper }));
  assert.deepEqual(datt.chain.parseForkProof(wrapper), proof);
  const other = key();
  const foreign = sign(other, { created_at: T + 1, tags: [['chain', chain, '1', e0.id]] });
  rejects(() => datt.chain.makeForkProof(e1, foreign), 'fork_author_mismatch');
  rejects(() => datt.chain.parseForkProof(sign(relay, { kind: 1, content: proof.encoding })), 'fork_proof_kind');
  const tampered = proof.encoding.replace('"content":"rival"', '"content":"RIVAL"');
  rejects(() => datt.chain.parseForkProof(tampered, { encoding: true }), 'fork_proof_event');
});

test('two devices of one account write two chains and never fork', () => {
  const k = key();
  const a = datt.chain.newChainId();
  const b = datt.chain.newChainId();
  const fromA = chainEvents(k, a, 3, 'laptop');
  const fromB = chainEvents(k, b, 3, 'phone');
  for (const [chain, events] of [[a, fromA], [b, fromB]]) {
    let state = datt.chain.emptyState(k.pk, chain);
    for (const event of events) {
      const step = datt.chain.applyLink(state, event);
      assert.equal(step.outcome, 'extended');
      state = step.state;
    }
  }
  for (let i = 0; i < 3; i += 1) assert.equal(datt.chain.verifyForkProof(fromA[i], fromB[i]), false);
});

test('community: definition, moderation templates, view and admit', () => {
  const owner = key();
  const mod = key();
  const user = key();
  const definition = sign(owner, { kind: 34550, tags: [['d', 'rust'], ['p', mod.pk, '', 'moderator'], ['pow', '4']] });
  const address = `34550:${owner.pk}:rust`;
  assert.deepEqual(datt.community.parseDefinition(definition),
    { address, owner: owner.pk, moderators: [mod.pk], pow: 4, origin: null });
  rejects(() => datt.community.parseDefinition(sign(owner, { kind: 1 })), 'community_wrong_kind');

  const post = sign(user, { tags: [['A', address]], content: 'hello', created_at: T });
  const ban = datt.community.moderationTemplate('ban', address, user.pk, { createdAt: T + 10, reason: 'spam' });
  assert.deepEqual(ban, { created_at: T + 10, kind: 4556, tags: [['a', address], ['p', user.pk]], content: 'spam' });
  const remove = datt.community.moderationTemplate('remove', address, post.id, { createdAt: T + 5 });
  assert.equal(remove.kind, 4551);
  rejects(() => datt.community.moderationTemplate('smite', address, user.pk), 'community_action_unknown');
  rejects(() => datt.community.moderationTemplate('ban', '1:ab:c', user.pk), 'community_address_invalid');

  const log = [finalizeEvent(ban, mod.sk), finalizeEvent(remove, mod.sk)];
  const stranger = finalizeEvent(datt.community.moderationTemplate('ban', address, mod.pk, { createdAt: T + 1 }), user.sk);
  const view = datt.community.view(definition, [...log, stranger, 'not an event'], [post]);
  assert.deepEqual(view.banned, [user.pk]);
  assert.deepEqual(view.removed, [post.id]);
  assert.deepEqual(view.posts, []);
  assert.deepEqual(view.log.map((r) => [r.action, r.effect]),
    [['ban', 'not_moderator'], ['remove', 'applied'], ['ban', 'applied']]);

  const later = sign(user, { tags: [['A', address]], content: 'after the ban', created_at: T + 20 });
  assert.deepEqual(datt.community.admit(definition, log, [], later),
    { code: 'banned', message: `blocked: you are banned from ${address}` });
  const fresh = key();
  const noWork = sign(fresh, { tags: [['A', address]], content: 'x' });
  const refusal = datt.community.admit(definition, log, [], noWork);
  if (getPow(noWork.id) < 4) assert.deepEqual(refusal, { code: 'pow_too_low', message: 'pow: difficulty 4 required' });
  assert.equal(datt.community.admit(definition, log, [], sign(mod, { tags: [['A', address]] })), null);
});

test('NIP-13: mineStep in slices finds work that nostr-tools agrees with; mine() reports progress and cancels', async () => {
  const k = key();
  const template = { created_at: T, kind: 1111, tags: [['A', `34550:${k.pk}:x`]], content: 'mined' };
  let nonce = 0;
  let found = null;
  let tried = 0;
  for (let slice = 0; slice < 1000 && !found; slice += 1) {
    const step = datt.community.mineStep(k.pk, template, 12, nonce, 1000);
    tried += step.tried;
    nonce = step.nextNonce;
    found = step.found;
    if (found) {
      const event = sign(k, found);
      assert.equal(event.id, step.id);
      assert.ok(getPow(event.id) >= 12);
      assert.equal(datt.community.leadingZeroBits(event.id), getPow(event.id));
      assert.deepEqual(found.tags.at(-1).slice(2), ['12']);
      assert.equal(datt.community.meetsDifficulty(event, 12), true);
      assert.equal(datt.community.meetsDifficulty(event, 13), false, 'the committed target is 12');
    }
  }
  assert.ok(found, `no nonce with 12 zero bits in ${tried} tries`);
  rejects(() => datt.community.mineStep(k.pk, template, 257, 0, 1), 'pow_difficulty_range');

  const progress = [];
  const mined = await datt.community.mine(k.pk, template, 10, { slice: 200, onProgress: (p) => progress.push(p.tried) });
  assert.ok(getPow(sign(k, mined.template).id) >= 10);
  for (let i = 1; i < progress.length; i += 1) assert.ok(progress[i] > progress[i - 1]);

  const controller = new AbortController();
  const cancelled = datt.community.mine(k.pk, template, 200, { slice: 100, signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  await assert.rejects(cancelled, (e) => e.name === 'DattError' && e.code === 'aborted');
});
