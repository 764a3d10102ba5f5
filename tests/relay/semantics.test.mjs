// Kind semantics (NIP-01 storage classes, NIP-09 deletion) as datt-relay stores them:
// replaceable and addressable keep the latest version (ties: lowest id), ephemeral events
// are forwarded but never stored, and deletion requests remove the author's own targets
// and keep them from coming back.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import {
  GENEROUS_LIMITS, connect, countEvents, fetchEvents, isEventFor, newKey, now, publish, publishOk,
  query, signEvent, sleep, startRelay, uniqueTag,
} from './support.mjs';

const relay = await startRelay({ args: GENEROUS_LIMITS });
after(() => relay.cleanup());
const client = await connect(relay.url);
after(() => client.close());

const T = 1700000000;
const ids = (events) => events.map((e) => e.id);
const NEWER_STORED = 'duplicate: a newer version of this event is stored';
const DELETED = 'blocked: this event was deleted by its author';

/** Two events by `key` with the same kind and created_at, ordered [lower id, higher id]. */
function tiedPair(kind, key, tags = []) {
  const one = signEvent({ kind, created_at: T + 50, tags, content: 'tie one' }, key);
  const two = signEvent({ kind, created_at: T + 50, tags, content: 'tie two' }, key);
  return one.id < two.id ? [one, two] : [two, one];
}

test('replaceable kinds (0, 3, 10000-19999) keep only the latest per author and kind', { timeout: 20000 }, async () => {
  for (const kind of [0, 3, 10000, 10002, 19999]) {
    const key = newKey();
    const v1 = signEvent({ kind, created_at: T, content: `v1 of ${kind}` }, key);
    const v2 = signEvent({ kind, created_at: T + 10, content: `v2 of ${kind}` }, key);
    const older = signEvent({ kind, created_at: T - 10, content: `older of ${kind}` }, key);
    await publishOk(client, v1);
    await publishOk(client, v2);
    assert.deepEqual(await fetchEvents(client, [{ authors: [key.pk], kinds: [kind] }]), [v2], `kind ${kind}`);
    assert.deepEqual(await fetchEvents(client, [{ ids: [v1.id] }]), [], `kind ${kind}: v1 is gone`);
    assert.deepEqual(await publish(client, older), ['OK', older.id, false, NEWER_STORED], `kind ${kind}`);
    assert.deepEqual(await fetchEvents(client, [{ authors: [key.pk], kinds: [kind] }]), [v2], `kind ${kind}`);
    assert.equal(await countEvents(client, [{ authors: [key.pk], kinds: [kind] }]), 1);
  }
});

test('replaceable: each author and each kind is its own slot', { timeout: 10000 }, async () => {
  const [a, b] = [newKey(), newKey()];
  const events = [
    signEvent({ kind: 0, created_at: T, content: 'a profile' }, a),
    signEvent({ kind: 0, created_at: T + 1, content: 'b profile' }, b),
    signEvent({ kind: 10000, created_at: T + 2, content: 'a mute list' }, a),
  ];
  for (const event of events) await publishOk(client, event);
  const got = await fetchEvents(client, [{ authors: [a.pk, b.pk] }]);
  assert.deepEqual(new Set(ids(got)), new Set(ids(events)));
});

test('kinds next to the replaceable ranges are regular: every version is kept', { timeout: 10000 }, async () => {
  for (const kind of [1, 2, 4, 9999, 40000, 65535]) {
    const key = newKey();
    const v1 = signEvent({ kind, created_at: T, tags: [['d', 'x']], content: 'one' }, key);
    const v2 = signEvent({ kind, created_at: T + 1, tags: [['d', 'x']], content: 'two' }, key);
    await publishOk(client, v1);
    await publishOk(client, v2);
    assert.deepEqual(ids(await fetchEvents(client, [{ authors: [key.pk] }])), [v2.id, v1.id], `kind ${kind}`);
  }
});

test('replaceable tie (same created_at): the lowest id is kept, whichever arrives first', { timeout: 10000 }, async () => {
  // Higher id first: the lower one replaces it.
  const key1 = newKey();
  const [low1, high1] = tiedPair(10002, key1);
  await publishOk(client, high1);
  await publishOk(client, low1);
  assert.deepEqual(ids(await fetchEvents(client, [{ authors: [key1.pk], kinds: [10002] }])), [low1.id]);

  // Lower id first: the higher one is refused as a duplicate and not stored.
  const key2 = newKey();
  const [low2, high2] = tiedPair(0, key2);
  await publishOk(client, low2);
  const reply = await publish(client, high2);
  assert.equal(reply[0], 'OK');
  assert.equal(reply[1], high2.id);
  assert.equal(reply[2], false, `the tie loser must not be accepted: ${JSON.stringify(reply)}`);
  assert.match(reply[3], /^duplicate: /);
  assert.deepEqual(ids(await fetchEvents(client, [{ authors: [key2.pk], kinds: [0] }])), [low2.id]);
});

test('addressable kinds (30000-39999) keep the latest per author, kind and d tag', { timeout: 20000 }, async () => {
  for (const kind of [30000, 30023, 34550, 39999]) {
    const key = newKey();
    const a1 = signEvent({ kind, created_at: T, tags: [['d', 'a']], content: 'a v1' }, key);
    const a2 = signEvent({ kind, created_at: T + 5, tags: [['d', 'a']], content: 'a v2' }, key);
    const b1 = signEvent({ kind, created_at: T + 1, tags: [['d', 'b']], content: 'b v1' }, key);
    const aOld = signEvent({ kind, created_at: T - 5, tags: [['d', 'a']], content: 'a older' }, key);
    for (const event of [a1, b1, a2]) await publishOk(client, event);
    assert.deepEqual(ids(await fetchEvents(client, [{ authors: [key.pk], kinds: [kind] }])), [a2.id, b1.id], `kind ${kind}`);
    assert.deepEqual(ids(await fetchEvents(client, [{ authors: [key.pk], kinds: [kind], '#d': ['a'] }])), [a2.id]);
    assert.deepEqual(await publish(client, aOld), ['OK', aOld.id, false, NEWER_STORED], `kind ${kind}`);
    assert.deepEqual(ids(await fetchEvents(client, [{ authors: [key.pk], kinds: [kind], '#d': ['a'] }])), [a2.id]);
  }
});

test('addressable: a missing d tag is the empty d tag; ties keep the lowest id', { timeout: 10000 }, async () => {
  const key = newKey();
  const noD = signEvent({ kind: 30023, created_at: T, tags: [], content: 'no d tag' }, key);
  const emptyD = signEvent({ kind: 30023, created_at: T + 1, tags: [['d', '']], content: 'empty d tag' }, key);
  await publishOk(client, noD);
  await publishOk(client, emptyD);
  assert.deepEqual(ids(await fetchEvents(client, [{ authors: [key.pk], kinds: [30023] }])), [emptyD.id]);

  const key2 = newKey();
  const [low, high] = tiedPair(30023, key2, [['d', 'tie']]);
  await publishOk(client, high);
  await publishOk(client, low);
  assert.deepEqual(ids(await fetchEvents(client, [{ authors: [key2.pk], kinds: [30023] }])), [low.id]);
});

test('ephemeral kinds (20000-29999) are acknowledged and forwarded live, never stored', { timeout: 15000 }, async (t) => {
  const subscriber = await connect(relay.url);
  t.after(() => subscriber.close());
  const key = newKey();
  const tag = uniqueTag('ephemeral');
  await query(subscriber, 'eph', [{ '#t': [tag] }]);
  for (const kind of [20000, 22242, 29999]) {
    const event = signEvent({ kind, tags: [['t', tag]], content: `ephemeral ${kind}` }, key);
    await publishOk(client, event);
    const delivered = await subscriber.next(isEventFor('eph', event.id), 5000, `live ephemeral ${kind}`);
    assert.deepEqual(delivered[2], event);
    assert.deepEqual(await fetchEvents(client, [{ ids: [event.id] }]), [], `kind ${kind} is not stored`);
  }
  assert.deepEqual(await fetchEvents(client, [{ authors: [key.pk] }]), []);
  assert.equal(await countEvents(client, [{ authors: [key.pk] }]), 0);
});

test('deletion (kind 5): e and a targets of the same author are removed and blocked', { timeout: 20000 }, async () => {
  const key = newKey();
  const note = signEvent({ kind: 1, created_at: T, content: 'to be deleted' }, key);
  const kept = signEvent({ kind: 1, created_at: T + 1, content: 'not referenced' }, key);
  const article = signEvent({ kind: 30023, created_at: T + 2, tags: [['d', 'x']], content: 'article' }, key);
  for (const event of [note, kept, article]) await publishOk(client, event);

  const deletion = signEvent({ kind: 5, created_at: now(), content: 'oops',
    tags: [['e', note.id], ['a', `30023:${key.pk}:x`], ['k', '1']] }, key);
  await publishOk(client, deletion);

  assert.deepEqual(await fetchEvents(client, [{ ids: [note.id] }]), [], 'the e target is gone');
  assert.deepEqual(await fetchEvents(client, [{ authors: [key.pk], kinds: [30023] }]), [], 'the a target is gone');
  assert.deepEqual(await fetchEvents(client, [{ ids: [kept.id] }]), [kept], 'other events stay');
  assert.deepEqual(await fetchEvents(client, [{ authors: [key.pk], kinds: [5] }]), [deletion],
    'the deletion request itself is stored and served');

  assert.deepEqual(await publish(client, note), ['OK', note.id, false, DELETED]);
  assert.deepEqual(await publish(client, article), ['OK', article.id, false, DELETED]);
  assert.deepEqual(await fetchEvents(client, [{ ids: [note.id, article.id] }]), []);
});

test('deletion before its target arrives: the target is blocked when it comes', { timeout: 10000 }, async () => {
  const key = newKey();
  const later = signEvent({ kind: 1, created_at: T, content: 'published after its deletion' }, key);
  await publishOk(client, signEvent({ kind: 5, tags: [['e', later.id]] }, key));
  assert.deepEqual(await publish(client, later), ['OK', later.id, false, DELETED]);
  assert.deepEqual(await fetchEvents(client, [{ ids: [later.id] }]), []);
});

test('NIP-09: an a-tag deletion covers versions up to its created_at, not newer ones', { timeout: 10000 }, async () => {
  const key = newKey();
  const deletedAt = now() - 100;
  const before = signEvent({ kind: 30023, created_at: deletedAt - 10, tags: [['d', 'n']], content: 'before' }, key);
  await publishOk(client, before);
  await publishOk(client, signEvent({ kind: 5, created_at: deletedAt, tags: [['a', `30023:${key.pk}:n`]] }, key));
  assert.deepEqual(await fetchEvents(client, [{ authors: [key.pk], kinds: [30023] }]), []);
  const newer = signEvent({ kind: 30023, created_at: deletedAt + 10, tags: [['d', 'n']], content: 'newer' }, key);
  await publishOk(client, newer);
  assert.deepEqual(ids(await fetchEvents(client, [{ authors: [key.pk], kinds: [30023] }])), [newer.id]);
});

test("another author's deletion has no effect", { timeout: 10000 }, async () => {
  const [owner, other] = [newKey(), newKey()];
  const note = signEvent({ kind: 1, created_at: T, content: 'mine' }, owner);
  const article = signEvent({ kind: 30023, created_at: T, tags: [['d', 'y']], content: 'my article' }, owner);
  const notYetPublished = signEvent({ kind: 1, created_at: T + 1, content: 'mine, later' }, owner);
  await publishOk(client, note);
  await publishOk(client, article);
  await publishOk(client, signEvent({ kind: 5, tags: [['e', note.id], ['e', notYetPublished.id],
    ['a', `30023:${owner.pk}:y`]] }, other));

  assert.deepEqual(await fetchEvents(client, [{ ids: [note.id] }]), [note]);
  assert.deepEqual(await fetchEvents(client, [{ authors: [owner.pk], kinds: [30023] }]), [article]);
  assert.deepEqual(await publish(client, note), ['OK', note.id, true, 'duplicate: already have this event']);
  await publishOk(client, notYetPublished);
});

test('live subscribers get each accepted version and the deletion request', { timeout: 10000 }, async (t) => {
  const subscriber = await connect(relay.url);
  t.after(() => subscriber.close());
  const key = newKey();
  await query(subscriber, 'mine', [{ authors: [key.pk] }]);
  const v1 = signEvent({ kind: 0, created_at: T, content: 'v1' }, key);
  const v2 = signEvent({ kind: 0, created_at: T + 1, content: 'v2' }, key);
  const older = signEvent({ kind: 0, created_at: T - 1, content: 'older' }, key);
  const deletion = signEvent({ kind: 5, tags: [['e', v2.id]] }, key);
  await publishOk(client, v1);
  await publishOk(client, v2);
  await publish(client, older);
  await publishOk(client, deletion);
  for (const event of [v1, v2, deletion]) await subscriber.next(isEventFor('mine', event.id), 5000, event.content);
  await sleep(200);
  assert.deepEqual(subscriber.take(isEventFor('mine')), [], 'a refused older version is not forwarded');
});
