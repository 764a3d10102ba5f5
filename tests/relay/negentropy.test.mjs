// NIP-77 against the real datt-relay binary over real WebSockets, with nostr-tools' nip77
// (an independent port of the reference JavaScript implementation) as the client:
// NegentropySync on nostr-tools' own Relay connection reconciles a filter's events and
// learns exactly what each side lacks; NIP-11 advertises NIP-77 and its limits; malformed
// NEG messages get NEG-ERR and the relay keeps serving.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { Relay, useWebSocketImplementation } from 'nostr-tools/relay';
import WebSocket from 'ws';

import { repoRoot } from '../support/vectors.mjs';
import {
  GENEROUS_LIMITS, connect, fetchEvents, newKey, publishOk, signEvent, startRelay, uniqueTag,
} from './support.mjs';

// nostr-tools 2.20.0 does not list nip77 in its package exports: load the file itself.
const { NegentropySync, NegentropyStorageVector } = await import(
  pathToFileURL(path.join(repoRoot, 'node_modules/nostr-tools/lib/esm/nip77.js')).href);
useWebSocketImplementation(WebSocket);

let relay;
before(async () => {
  relay = await startRelay({ args: [...GENEROUS_LIMITS, '--neg-frame-size-limit', '4096'] });
});
after(async () => { await relay?.cleanup(); });

/** Runs nostr-tools' NegentropySync for `filter` with `mine` as the local set. */
async function reconcileWithNostrTools(filter, mine) {
  const storage = new NegentropyStorageVector();
  for (const event of mine) storage.insert(event.created_at, event.id);
  storage.seal();
  const connection = await Relay.connect(relay.url);
  const have = new Set();
  const need = new Set();
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('reconciliation did not finish in 20 s')), 20000);
      const sync = new NegentropySync(connection, storage, filter, {
        onhave: (id) => have.add(id),
        onneed: (id) => need.add(id),
        onclose: (reason) => {
          clearTimeout(timer);
          if (reason) reject(new Error(`closed: ${reason}`));
          else resolve();
        },
      });
      sync.start();
    });
  } finally {
    connection.close();
  }
  return { have, need };
}

test('nostr-tools reconciles a filter with the relay and fetches exactly what it lacked', async () => {
  const tag = uniqueTag('neg');
  const keys = [newKey(), newKey()];
  const base = 1_700_000_000;
  // 700 events, many in one second (ties broken by id), and 50 the client has alone.
  const sign = (i, extra = '') => signEvent(
    { kind: 1, created_at: base + Math.floor(i / 100), tags: [['t', tag]], content: `n${i}${extra}` }, keys[i % 2]);
  const onRelay = Array.from({ length: 700 }, (_, i) => sign(i));
  const clientOnly = Array.from({ length: 50 }, (_, i) => sign(i, ' client'));
  const other = signEvent({ kind: 1, created_at: base, tags: [['t', `${tag}-other`]] }, keys[0]);

  const publisher = await connect(relay.url);
  for (const event of [...onRelay, other]) publisher.send(['EVENT', event]);
  await publishOk(publisher, signEvent({ kind: 1, tags: [['t', `${tag}-last`]] }, keys[1]));

  // The client holds every third relay event plus its own.
  const mine = [...onRelay.filter((_, i) => i % 3 === 0), ...clientOnly];
  const { have, need } = await reconcileWithNostrTools({ '#t': [tag] }, mine);
  const expectedNeed = onRelay.filter((_, i) => i % 3 !== 0).map((e) => e.id).sort();
  assert.deepEqual([...need].sort(), expectedNeed);
  assert.deepEqual([...have].sort(), clientOnly.map((e) => e.id).sort());

  // Fetch what was missing by id, in batches: exactly those events come back.
  const fetched = [];
  for (let i = 0; i < expectedNeed.length; i += 200) {
    fetched.push(...await fetchEvents(publisher, [{ ids: expectedNeed.slice(i, i + 200), limit: 200 }]));
  }
  assert.deepEqual(fetched.map((e) => e.id).sort(), expectedNeed);

  // Identical sets: nothing to move.
  const same = await reconcileWithNostrTools({ '#t': [tag] }, onRelay);
  assert.equal(same.have.size + same.need.size, 0);
  publisher.close();
});

test('NIP-11 advertises NIP-77 and its limits; sessions appear in /metrics', async () => {
  const info = await (await fetch(relay.httpUrl, { headers: { Accept: 'application/nostr+json' } })).json();
  assert.ok(info.supported_nips.includes(77));
  assert.equal(info.limitation.negentropy_max_sync_events, 1_000_000);
  assert.equal(info.limitation.negentropy_frame_size_limit, 4096);

  const client = await connect(relay.url);
  client.send(['NEG-OPEN', 'm', {}, '6100000200']);
  assert.equal((await client.next((m) => m[1] === 'm'))[0], 'NEG-MSG');
  const metrics = await (await fetch(`${relay.httpUrl}/metrics`)).text();
  assert.match(metrics, /^datt_neg_sessions_open 1$/m);
  client.close();
  await client.closed;
  // Freed on disconnect.
  for (let i = 0; i < 100; i += 1) {
    const text = await (await fetch(`${relay.httpUrl}/metrics`)).text();
    if (/^datt_neg_sessions_open 0$/m.test(text)) return;
    await new Promise((resolve) => { setTimeout(resolve, 20); });
  }
  assert.fail('the session was not freed after the disconnect');
});

test('malformed NEG messages get NEG-ERR with a reason and the relay keeps serving', async () => {
  const client = await connect(relay.url);
  const errorFor = async (sub) => client.next((m) => m[0] === 'NEG-ERR' && m[1] === sub, 5000, `NEG-ERR ${sub}`);
  const cases = [
    [['NEG-OPEN', 'a', {}, 'zz'], /^invalid: bad_hex: /],
    [['NEG-OPEN', 'b', {}, '61a'], /^invalid: bad_hex: /],
    [['NEG-OPEN', 'c', {}, 'ff'], /^invalid: bad_protocol_version: /],
    [['NEG-OPEN', 'd', {}, '610001'], /^invalid: truncated: /],
    [['NEG-OPEN', 'e', { kinds: 'x' }, '61'], /^invalid: filter_invalid: /],
    [['NEG-OPEN', 'f', {}], /^invalid: neg_syntax: /],
    [['NEG-MSG', 'g', '6100000200'], /^closed: no open negentropy session with this id$/],
    [['NEG-MSG', 'h', 61], /^invalid: neg_syntax: /],
  ];
  for (const [message, reason] of cases) {
    client.send(message);
    const reply = await errorFor(message[1]);
    assert.match(reply[2], reason, JSON.stringify(message));
  }
  client.send(['NEG-OPEN', 'v', {}, '62aabbccddeeff']);
  assert.deepEqual(await client.next((m) => m[1] === 'v'), ['NEG-MSG', 'v', '61']);
  const event = signEvent({ kind: 1, tags: [['t', uniqueTag()]] }, newKey());
  await publishOk(client, event);
  client.close();
});
