// datt-relay speaks NIP-01 as docs/protocol.md "Relay" says: every client message type,
// every filter member, ordering, live delivery, many concurrent clients, reconnecting, and
// a real client library (nostr-tools' Relay) working unchanged.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import { verifyEvent } from 'nostr-tools/pure';
import WebSocket from 'ws';

import {
  GENEROUS_LIMITS, connect, countEvents, expectedIds, fetchEvents, isEose, isEventFor, isOk,
  matchesFilter, newKey, publish, publishOk, query, randomHex, signEvent, sleep, startRelay,
  uniqueTag,
} from './support.mjs';

useWebSocketImplementation(WebSocket);

const relay = await startRelay({ args: GENEROUS_LIMITS });
after(() => relay.cleanup());

// A second relay holding only the filter data set, so that filters without an author or a
// tag (e.g. {"kinds":[7]}) have exactly known results.
const dataRelay = await startRelay({ args: GENEROUS_LIMITS });
after(() => dataRelay.cleanup());

const BASE = 1700000000;
const authors = [newKey(), newKey(), newKey()];
const referencedIds = [randomHex(), randomHex()];
const dataset = [];
for (let i = 0; i < 36; i += 1) {
  const tags = [];
  if (i % 2 === 0) tags.push(['t', 'alpha']);
  if (i % 3 === 0) tags.push(['t', 'beta']);
  if (i % 4 === 1) tags.push(['e', referencedIds[i % 8 === 1 ? 0 : 1], '', 'root']);
  if (i % 5 === 2) tags.push(['p', authors[(i + 1) % 3].pk]);
  tags.push(['x-long-name', 'ignored by single-letter tag filters']);
  dataset.push(signEvent({
    kind: [1, 7, 1111][i % 3],
    // Groups of three share a timestamp, so ties (lowest id first) occur throughout.
    created_at: BASE + Math.floor(i / 3),
    tags,
    content: `data set event ${i}`,
  }, authors[i % 3]));
}

before(async () => {
  const client = await connect(dataRelay.url);
  // Pipelined: every EVENT first, then every OK.
  for (const event of dataset) client.send(['EVENT', event]);
  for (const event of dataset) {
    assert.deepEqual(await client.next(isOk(event.id)), ['OK', event.id, true, '']);
  }
  await client.close();
});

const ids = (events) => events.map((e) => e.id);

test('EVENT gets ["OK", id, true, ""] and the stored event comes back unchanged', { timeout: 20000 }, async (t) => {
  const client = await connect(relay.url);
  t.after(() => client.close());
  const key = newKey();
  const samples = [
    { kind: 1, tags: [], content: 'hello' },
    { kind: 1111, tags: [['t', 'datt'], ['e', randomHex(), 'wss://relay.example', 'root'], ['empty', '']],
      content: 'unicode é ü 日本語 🌍 \u2028\u2029 "quoted" back\\slash\nnew line\ttab </script>' },
    { kind: 65535, created_at: 0, tags: [], content: 'x'.repeat(20000) },
    { kind: 0, tags: [], content: '{"name":"someone","about":"json in content"}' },
  ];
  for (const sample of samples) {
    const event = signEvent(sample, key);
    await publishOk(client, event);
    const [stored] = await fetchEvents(client, [{ ids: [event.id] }]);
    assert.deepEqual(stored, event);
    assert.ok(verifyEvent(stored));
  }
});

test('a duplicate EVENT gets ["OK", id, true, "duplicate: already have this event"]', { timeout: 10000 }, async (t) => {
  const client = await connect(relay.url);
  t.after(() => client.close());
  const event = signEvent({ content: 'sent twice' }, newKey());
  await publishOk(client, event);
  assert.deepEqual(await publish(client, event), ['OK', event.id, true, 'duplicate: already have this event']);
  // Also from another connection, and stored once.
  const other = await connect(relay.url);
  t.after(() => other.close());
  assert.deepEqual(await publish(other, event), ['OK', event.id, true, 'duplicate: already have this event']);
  assert.deepEqual(ids(await fetchEvents(client, [{ ids: [event.id] }])), [event.id]);
});

test('REQ with each filter member returns exactly the matches, newest first, ties by lowest id', { timeout: 30000 }, async (t) => {
  const client = await connect(dataRelay.url);
  t.after(() => client.close());
  const [a, b, c] = authors.map((k) => k.pk);
  const filters = [
    {},
    { ids: [dataset[3].id, dataset[17].id, dataset[30].id] },
    { ids: [randomHex()] },
    { authors: [a] },
    { authors: [b, c] },
    { kinds: [7] },
    { kinds: [1, 1111] },
    { kinds: [30000] },
    { '#e': [referencedIds[0]] },
    { '#e': referencedIds },
    { '#p': [b] },
    { '#t': ['alpha'] },
    { '#t': ['alpha', 'beta'] },
    { '#t': ['alpha'], '#p': [a, b, c] },
    { '#t': ['nope'] },
    { '#x': ['ignored by single-letter tag filters'] },
    { since: BASE + 5 },
    { until: BASE + 5 },
    { since: BASE + 3, until: BASE + 8 },
    { since: BASE + 4, until: BASE + 4 },
    { limit: 5 },
    { limit: 1 },
    { limit: 0 },
    { authors: [a], limit: 4 },
    { kinds: [1], '#t': ['alpha'], since: BASE + 2 },
    { authors: [b], kinds: [1111, 7], until: BASE + 9, limit: 3 },
    { ids: dataset.map((e) => e.id), authors: [c], '#t': ['beta'] },
  ];
  let n = 0;
  for (const filter of filters) {
    const got = await fetchEvents(client, [filter], `f${n += 1}`);
    assert.deepEqual(ids(got), expectedIds(dataset, filter), `REQ filter ${JSON.stringify(filter)}`);
    for (const event of got) assert.deepEqual(event, dataset.find((e) => e.id === event.id));
  }
});

test('REQ with several filters returns their union, each event once', { timeout: 15000 }, async (t) => {
  const client = await connect(dataRelay.url);
  t.after(() => client.close());
  const cases = [
    [{ kinds: [7] }, { '#t': ['alpha'] }],
    [{ authors: [authors[0].pk], limit: 2 }, { authors: [authors[1].pk], limit: 2 }],
    [{ ids: [dataset[0].id] }, { ids: [dataset[0].id] }, { until: BASE }],
  ];
  for (const filters of cases) {
    const got = ids(await fetchEvents(client, filters));
    const expected = new Set(filters.flatMap((f) => expectedIds(dataset, f)));
    assert.equal(new Set(got).size, got.length, `no duplicates for ${JSON.stringify(filters)}: ${got}`);
    assert.deepEqual(new Set(got), expected, `REQ filters ${JSON.stringify(filters)}`);
  }
});

test('COUNT answers ["COUNT", sub, {"count": N}] with distinct matches (NIP-45)', { timeout: 15000 }, async (t) => {
  const client = await connect(dataRelay.url);
  t.after(() => client.close());
  const cases = [
    [{}],
    [{ kinds: [7] }],
    [{ authors: [authors[2].pk], '#t': ['beta'] }],
    [{ '#t': ['alpha'] }, { '#t': ['beta'] }],
    [{ kinds: [7] }, { kinds: [7] }],
    [{ ids: [randomHex()] }],
    [{ since: BASE + 10 }],
  ];
  for (const filters of cases) {
    const expected = dataset.filter((e) => filters.some((f) => matchesFilter(f, e))).length;
    assert.equal(await countEvents(client, filters), expected, `COUNT ${JSON.stringify(filters)}`);
  }
});

test('limit is capped at --max-limit, which is also the default limit', { timeout: 20000 }, async (t) => {
  const small = await startRelay({ args: [...GENEROUS_LIMITS, '--max-limit', '5'] });
  t.after(() => small.cleanup());
  const client = await connect(small.url);
  t.after(() => client.close());
  const key = newKey();
  const events = [];
  for (let i = 0; i < 8; i += 1) events.push(signEvent({ created_at: BASE + i, content: `capped ${i}` }, key));
  for (const event of events) await publishOk(client, event);
  const newest5 = expectedIds(events, { limit: 5 });
  assert.deepEqual(ids(await fetchEvents(client, [{}])), newest5, 'no limit');
  assert.deepEqual(ids(await fetchEvents(client, [{ limit: 100 }])), newest5, 'limit 100');
  assert.deepEqual(ids(await fetchEvents(client, [{ limit: 3 }])), expectedIds(events, { limit: 3 }), 'limit 3');
  assert.equal(await countEvents(client, [{}]), 8, 'COUNT is not capped');
});

test('REQ: stored events, EOSE, then live events that match (and not those that do not)', { timeout: 15000 }, async (t) => {
  const subscriber = await connect(relay.url);
  const publisher = await connect(relay.url);
  t.after(() => Promise.all([subscriber.close(), publisher.close()]));
  const key = newKey();
  const tag = uniqueTag('live');
  const old = signEvent({ tags: [['t', tag]], content: 'stored before the REQ' }, key);
  await publishOk(publisher, old);

  const result = await query(subscriber, 'live', [{ kinds: [1], '#t': [tag] }]);
  assert.deepEqual(ids(result.events), [old.id]);

  const wrongKind = signEvent({ kind: 7, tags: [['t', tag]], content: '+' }, key);
  const wrongTag = signEvent({ kind: 1, tags: [['t', uniqueTag()]], content: 'other tag' }, key);
  const matching = signEvent({ kind: 1, tags: [['t', tag]], content: 'live match' }, key);
  await publishOk(publisher, wrongKind);
  await publishOk(publisher, wrongTag);
  await publishOk(publisher, matching);
  const delivered = await subscriber.next(isEventFor('live', matching.id), 5000, 'the live event');
  assert.deepEqual(delivered, ['EVENT', 'live', matching]);
  await sleep(200);
  assert.deepEqual(subscriber.take((m) => m[0] === 'EVENT'), [], 'only the matching event is delivered');
});

test('an event acknowledged before a REQ reaches it once, as a stored event, never again live', { timeout: 30000 }, async (t) => {
  // OK means committed, and fan-out to live subscriptions follows it; a subscription
  // opened after the OK must therefore see the event among the stored results only.
  const client = await connect(relay.url);
  t.after(() => client.close());
  const key = newKey();
  const rounds = 200;
  let twiceBeforeEose = 0;
  for (let i = 0; i < rounds; i += 1) {
    const event = signEvent({ content: `acknowledged then requested ${i}` }, key);
    await publishOk(client, event);
    const { events } = await query(client, `after-ok-${i}`, [{ ids: [event.id] }]);
    client.send(['CLOSE', `after-ok-${i}`]);
    assert.ok(events.length >= 1, 'the acknowledged event is stored');
    if (events.length > 1) twiceBeforeEose += 1;
  }
  await sleep(300);
  const againLive = client.take((m) => m[0] === 'EVENT').length;
  assert.deepEqual({ twiceBeforeEose, againLive }, { twiceBeforeEose: 0, againLive: 0 },
    `of ${rounds} REQs sent right after OK true, some got the event twice`);
});

test('an event acknowledged on one connection is returned by a REQ sent right after on another', { timeout: 30000 }, async (t) => {
  // The OK is sent after the commit, and a REQ reads a snapshot taken after it arrives, so
  // a REQ that another connection sends once it has seen the OK always finds the event.
  const publisher = await connect(relay.url);
  const reader = await connect(relay.url);
  t.after(() => Promise.all([publisher.close(), reader.close()]));
  const key = newKey();
  const rounds = 200;
  const missing = [];
  for (let i = 0; i < rounds; i += 1) {
    const event = signEvent({ content: `acknowledged, then read elsewhere ${i}` }, key);
    await publishOk(publisher, event);
    const { events } = await query(reader, `elsewhere-${i}`, [{ ids: [event.id] }]);
    reader.send(['CLOSE', `elsewhere-${i}`]);
    if (events.length !== 1 || events[0].id !== event.id) missing.push(i);
  }
  assert.deepEqual(missing, [], `of ${rounds} REQs sent on another connection right after OK true`);
});

test('a REQ with an open subscription id replaces that subscription', { timeout: 15000 }, async (t) => {
  const subscriber = await connect(relay.url);
  const publisher = await connect(relay.url);
  t.after(() => Promise.all([subscriber.close(), publisher.close()]));
  const key = newKey();
  const [tagA, tagB] = [uniqueTag('a'), uniqueTag('b')];
  const storedB = signEvent({ tags: [['t', tagB]], content: 'stored b' }, key);
  await publishOk(publisher, storedB);

  assert.deepEqual((await query(subscriber, 'same', [{ '#t': [tagA] }])).events, []);
  const second = await query(subscriber, 'same', [{ '#t': [tagB] }]);
  assert.deepEqual(ids(second.events), [storedB.id], 'the replacing REQ returns its own stored events');

  const liveA = signEvent({ tags: [['t', tagA]], content: 'live a' }, key);
  const liveB = signEvent({ tags: [['t', tagB]], content: 'live b' }, key);
  await publishOk(publisher, liveA);
  await publishOk(publisher, liveB);
  await subscriber.next(isEventFor('same', liveB.id), 5000, 'live b');
  await sleep(200);
  assert.deepEqual(subscriber.take((m) => m[0] === 'EVENT'), [], 'the replaced filter no longer delivers');
});

test('CLOSE ends a subscription: no reply, no further events', { timeout: 15000 }, async (t) => {
  const subscriber = await connect(relay.url);
  const publisher = await connect(relay.url);
  t.after(() => Promise.all([subscriber.close(), publisher.close()]));
  const key = newKey();
  const tag = uniqueTag('close');
  const marker = uniqueTag('marker');
  await query(subscriber, 'gone', [{ '#t': [tag] }]);
  await query(subscriber, 'kept', [{ '#t': [marker] }]);
  subscriber.send(['CLOSE', 'gone']);
  // The CLOSE is processed before later messages on the same connection: a REQ after it
  // is answered, and nothing for 'gone' arrives before or after.
  await query(subscriber, 'sync', [{ ids: [randomHex()] }]);

  const afterClose = signEvent({ tags: [['t', tag]], content: 'after close' }, key);
  const markerEvent = signEvent({ tags: [['t', marker]], content: 'marker' }, key);
  await publishOk(publisher, afterClose);
  await publishOk(publisher, markerEvent);
  await subscriber.next(isEventFor('kept', markerEvent.id), 5000, 'the marker event');
  await sleep(200);
  assert.deepEqual(subscriber.queue, [], 'CLOSE gets no reply and the closed subscription gets no event');
});

test('search (NIP-50): every term must occur as a word, ASCII case-insensitive; live too', { timeout: 15000 }, async (t) => {
  const client = await connect(relay.url);
  t.after(() => client.close());
  const key = newKey();
  const word = `zq${randomHex(4)}`;  // unique to this test, so a search-only filter is exact
  const contents = {
    both: `Running a ${word.toUpperCase()} relay on Bitcoin`,
    bothAgain: `bitcoin: the ${word} relay, again`,
    onlyWord: `${word} without the other term`,
    onlyRelay: 'a relay and bitcoin, but not the word',
    plural: `${word}s relays bitcoin`,
  };
  const events = Object.fromEntries(Object.entries(contents).map(([name, content], i) =>
    [name, signEvent({ created_at: BASE + i, content }, key)]));
  for (const event of Object.values(events)) await publishOk(client, event);

  const found = async (filter) => new Set(ids(await fetchEvents(client, [filter])));
  assert.deepEqual(await found({ search: `${word} relay` }), new Set([events.both.id, events.bothAgain.id]));
  assert.deepEqual(await found({ search: word }),
    new Set([events.both.id, events.bothAgain.id, events.onlyWord.id]));
  assert.deepEqual(await found({ authors: [key.pk], search: 'BITCOIN RELAY' }),
    new Set([events.both.id, events.bothAgain.id, events.onlyRelay.id]));
  assert.deepEqual(await found({ search: `${word} relay`, limit: 1 }).then((s) => s.size), 1);
  assert.equal(await countEvents(client, [{ search: `${word} relay` }]), 2);

  // Live: the subscription gets events whose content has every term.
  await query(client, 'live-search', [{ search: `${word} Bitcoin` }]);
  const liveMiss = signEvent({ content: `only ${word} here` }, key);
  const liveHit = signEvent({ content: `${word} and bitcoin, live` }, key);
  await publishOk(client, liveMiss);
  await publishOk(client, liveHit);
  await client.next(isEventFor('live-search', liveHit.id), 5000, 'the live search match');
  await sleep(200);
  assert.deepEqual(client.take((m) => m[0] === 'EVENT'), []);
});

test('50 concurrent clients each publish and subscribe; every subscriber gets every event once', { timeout: 60000 }, async (t) => {
  const clients = await Promise.all(Array.from({ length: 50 }, () => connect(relay.url)));
  t.after(() => Promise.all(clients.map((c) => c.close())));
  const tag = uniqueTag('crowd');
  await Promise.all(clients.map((c) => query(c, 'crowd', [{ kinds: [1], '#t': [tag] }])));

  const perClient = 4;
  const events = clients.map((_, i) => Array.from({ length: perClient }, (__, j) =>
    signEvent({ tags: [['t', tag]], content: `client ${i} event ${j}` }, newKey())));
  // Everyone publishes at once, pipelined.
  for (let i = 0; i < clients.length; i += 1) {
    for (const event of events[i]) clients[i].send(['EVENT', event]);
  }
  await Promise.all(clients.map(async (client, i) => {
    for (const event of events[i]) assert.deepEqual(await client.next(isOk(event.id), 20000), ['OK', event.id, true, '']);
  }));
  const all = new Set(events.flat().map((e) => e.id));
  await Promise.all(clients.map(async (client, i) => {
    const got = [];
    while (got.length < all.size) {
      const message = await client.next(isEventFor('crowd'), 20000, `event ${got.length + 1}/${all.size} at client ${i}`);
      got.push(message[2].id);
    }
    assert.equal(new Set(got).size, got.length, `client ${i} got an event twice`);
    assert.deepEqual(new Set(got), all);
  }));
  await sleep(300);
  for (const client of clients) assert.deepEqual(client.take(isEventFor('crowd')), [], 'no extra deliveries');
});

test('reconnect: a client that was away gets what it missed with REQ since', { timeout: 20000 }, async (t) => {
  const publisher = await connect(relay.url);
  t.after(() => publisher.close());
  const key = newKey();
  const tag = uniqueTag('reconnect');
  const seen = signEvent({ created_at: BASE + 100, tags: [['t', tag]], content: 'seen before leaving' }, key);

  let reader = await connect(relay.url);
  await query(reader, 'feed', [{ '#t': [tag] }]);
  await publishOk(publisher, seen);
  const live = await reader.next(isEventFor('feed', seen.id), 5000, 'the first live event');
  const lastSeen = live[2].created_at;
  reader.terminate();  // an abrupt disconnect, like a dropped network
  await reader.closed;

  const missed = [];
  for (let i = 1; i <= 5; i += 1) {
    const event = signEvent({ created_at: BASE + 100 + i, tags: [['t', tag]], content: `missed ${i}` }, key);
    missed.push(event);
    await publishOk(publisher, event);
  }
  reader = await connect(relay.url);
  t.after(() => reader.close());
  const result = await query(reader, 'feed', [{ '#t': [tag], since: lastSeen + 1 }]);
  assert.deepEqual(ids(result.events), expectedIds(missed, {}));
  // And the reconnected subscription is live again.
  const next = signEvent({ created_at: BASE + 200, tags: [['t', tag]], content: 'after reconnect' }, key);
  await publishOk(publisher, next);
  await reader.next(isEventFor('feed', next.id), 5000, 'live delivery after reconnect');
});

test('nostr-tools Relay (a real client library) publishes, subscribes, counts and sees rejections', { timeout: 20000 }, async (t) => {
  const a = await Relay.connect(relay.url);
  const b = await Relay.connect(relay.url);
  t.after(() => { a.close(); b.close(); });
  const key = newKey();
  const tag = uniqueTag('nostr-tools');
  const stored = signEvent({ kind: 1, tags: [['t', tag]], content: 'stored via nostr-tools' }, key);
  assert.equal(await a.publish(stored), '');

  const received = [];
  let onEose;
  const eose = new Promise((resolve) => { onEose = resolve; });
  let onLive;
  const liveArrived = new Promise((resolve) => { onLive = resolve; });
  const sub = b.subscribe([{ kinds: [1], '#t': [tag] }], {
    onevent(event) {
      received.push(event);
      if (received.length === 2) onLive();
    },
    oneose: () => onEose(),
  });
  await eose;
  const plain = (events) => JSON.parse(JSON.stringify(events));
  assert.deepEqual(plain(received), [stored]);

  const live = signEvent({ kind: 1, tags: [['t', tag]], content: 'live via nostr-tools' }, key);
  assert.equal(await a.publish(live), '');
  await liveArrived;
  assert.deepEqual(plain(received)[1], live);
  sub.close();

  assert.equal(await a.count([{ kinds: [1], '#t': [tag] }], {}), 2);

  const tampered = { ...signEvent({ content: 'original' }, key), content: 'tampered' };
  await assert.rejects(a.publish(tampered), (e) => /^invalid: id_mismatch: /.test(e.message));
  const duplicate = await a.publish(stored);
  assert.equal(duplicate, 'duplicate: already have this event');
});
