// The web app's catch-up (web/src/sync/relay.js with sync/negentropy.js) against the real
// datt-relay over real WebSockets, in Node: the same RelayConnection the sync worker runs,
// with `ws` as its WebSocket, the wasm initiator (build/wasm/dist) and a local set held in
// the test instead of IndexedDB. It checks that a scope reconciles by NIP-77 and then fetches
// exactly the ids it lacks (700 events in one second and events published an hour after
// their created_at included), in bounded REQs, one job at a time, with progress; that live
// events follow; that a reconnect fetches only what was posted meanwhile; and that a relay
// without NIP-77, or one answering NEG-ERR, is paged instead.
import '../support/webcrypto.mjs';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';

import { buildComment, buildPost, communityAddress } from '../../web/src/lib/events.js';
import { RelayConnection } from '../../web/src/sync/relay.js';
import { NEG_BOUNDS, fetchRelayInfo, initiatorLimits } from '../../web/src/sync/negentropy.js';
import { GENEROUS_LIMITS, finalizeEvent, newKey, now, publishAll, startRelay } from '../relay/support.mjs';
import { loadWasmDatt } from '../support/vectors.mjs';

let datt;
const relays = [];
before(async () => { datt = await loadWasmDatt(); });
after(async () => { for (const relay of relays) await relay.cleanup(); });

async function relayWith(args = []) {
  const relay = await startRelay({ args: [...GENEROUS_LIMITS, ...args] });
  relays.push(relay);
  return relay;
}

const owner = newKey();
const author = newKey();

/**
 * `count` posts in a community: `sameSecond` of them in one second, `late` of them with a
 * created_at an hour before the others (meant to be published last), the rest spread.
 */
function communityEvents(name, count, { sameSecond = 0, late = 0, base = now() - 5000 } = {}) {
  const community = communityAddress(owner.pk, name);
  const events = [];
  for (let i = 0; i < count; i += 1) {
    const at = i < sameSecond ? base : i >= count - late ? base - 3600 - i : base - 1 - (i % 1500);
    const template = i % 3 === 2 && events.length
      ? buildComment({ community, parent: events[events.length - 1], body: `comment ${i}` }, at)
      : buildPost({ community, title: `post ${i}`, body: `body ${i}` }, at);
    events.push(finalizeEvent(template, author.sk));
  }
  return { community, events };
}

const scopeFilter = (community) => ({ kinds: [1111, 1010, 7, 5], '#A': [community] });

/**
 * A WebSocket that records what the app sends, how many catch-up jobs (NEG sessions and
 * fetches by id) are open at once, and that can be taken offline (connections fail).
 */
function recordingSocket() {
  const log = { sent: [], open: new Set(), maxOpen: 0, offline: false, sockets: new Set() };
  class Recording extends WebSocket {
    constructor(url) {
      if (log.offline) throw new Error('offline');
      super(url);
      log.sockets.add(this);
      this.addEventListener('close', () => { log.sockets.delete(this); log.open.clear(); });
      this.addEventListener('message', (message) => {
        const [type, sid] = JSON.parse(String(message.data));
        if ((type === 'EOSE' || type === 'CLOSED' || type === 'NEG-ERR') && log.open.has(sid)) log.open.delete(sid);
      });
    }

    send(data) {
      const message = JSON.parse(data);
      log.sent.push(message);
      const [type, sid, filter] = message;
      if (type === 'NEG-OPEN' || (type === 'REQ' && filter?.ids)) log.open.add(sid);
      if (type === 'NEG-CLOSE' || type === 'CLOSE') log.open.delete(sid);
      log.maxOpen = Math.max(log.maxOpen, log.open.size);
      super.send(data);
    }
  }
  return { Recording, log };
}

/** A RelayConnection on one scope with a local set `local` (Map id -> created_at) that received events join. */
function catchUpClient(relay, community, local, { fetchInfo, socket } = {}) {
  const received = [];
  const progress = [];
  let synced;
  let syncedAt = new Promise((resolve) => { synced = resolve; });
  const connection = new RelayConnection({ url: relay.url, read: true, write: false }, {
    onEvent: (event) => {
      received.push(event);
      local.set(event.id, event.created_at);
    },
    onOk: () => {},
    onSynced: (key, at) => synced({ key, at }),
    onState: (r) => { if (r.catchUp) progress.push({ ...r.catchUp }); },
    localItems: async () => [...local].map(([id, at]) => [at, id]),
  }, { datt, ...(fetchInfo ? { fetchInfo } : {}) });
  globalThis.WebSocket = socket;
  connection.subscribe('s1', `community+mod:${community}`, scopeFilter(community), undefined, { tag: `A:${community}` });
  return {
    connection, received, progress,
    synced: () => syncedAt,
    resetSynced: () => { syncedAt = new Promise((resolve) => { synced = resolve; }); },
  };
}

async function waitFor(predicate, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((resolve) => { setTimeout(resolve, 20); });
  }
}

test('NIP-11: datt-relay offers NIP-77 with its limits; our frame limit fits its message limit', async () => {
  const relay = await relayWith(['--neg-frame-size-limit', '100000', '--max-message-bytes', '65536']);
  const info = await fetchRelayInfo(relay.url);
  assert.deepEqual(info, { nip77: true, maxLimit: 500, maxMessageLength: 65536, frameSizeLimit: 100000, maxSyncEvents: 1000000 });
  assert.deepEqual(initiatorLimits(info), { maxItems: 1000000, frameSizeLimit: 65536 / 2 - 1024 });
  assert.equal(await fetchRelayInfo('ws://127.0.0.1:1/'), null);
});

test('a scope reconciles, then fetches exactly what it lacks in bounded REQs, with progress; live events follow', { timeout: 120000 }, async () => {
  const relay = await relayWith();
  const { community, events } = communityEvents('catch-up', 3000, { sameSecond: 700, late: 100 });
  await publishAll(relay.url, events);
  // Held locally: every third event, and 50 ids the relay never saw (they count as "have").
  const local = new Map(events.filter((_, i) => i % 3 === 0).map((e) => [e.id, e.created_at]));
  for (let i = 0; i < 50; i += 1) local.set(i.toString(16).padStart(64, 'f'), now() - i);
  const lacking = new Set(events.filter((e) => !local.has(e.id)).map((e) => e.id));
  const { Recording, log } = recordingSocket();
  const app = catchUpClient(relay, community, local, { socket: Recording });
  app.connection.connect();
  const { key } = await app.synced();
  assert.equal(key, `community+mod:${community}`);

  const got = app.received.map((e) => e.id);
  assert.equal(got.length, lacking.size, 'each lacking event once');
  assert.deepEqual(new Set(got), lacking);
  // The live REQ asked for no stored events; the fetches were by ids, at most 500 each.
  const reqs = log.sent.filter((m) => m[0] === 'REQ');
  assert.deepEqual(reqs[0], ['REQ', 's1', { ...scopeFilter(community), limit: 0 }]);
  const fetches = reqs.filter((m) => m[2].ids);
  assert.equal(fetches.length, Math.ceil(lacking.size / NEG_BOUNDS.idsPerReq));
  for (const [, , filter] of fetches) assert.ok(filter.ids.length <= NEG_BOUNDS.idsPerReq && filter.limit === filter.ids.length);
  assert.ok(!reqs.some((m) => m[2].until !== undefined || m[2].limit === 500 && !m[2].ids), 'no paging');
  assert.equal(log.maxOpen, 1, 'one catch-up job at a time');
  const negs = log.sent.filter((m) => m[0] === 'NEG-OPEN' || m[0] === 'NEG-MSG');
  for (const m of negs) assert.ok(m.at(-1).length / 2 <= NEG_BOUNDS.frameSizeLimit);
  assert.ok(log.sent.some((m) => m[0] === 'NEG-CLOSE'));
  // Progress: counted up to the total it reconciled, then the scope is done.
  assert.ok(app.progress.some((p) => p.reconciling));
  assert.ok(app.progress.some((p) => p.total === lacking.size && p.received > 0 && p.received < p.total));
  assert.equal(app.connection.catchUp, null);
  assert.equal(app.connection.synced, 1);

  // Live: a new event, even one dated an hour back, arrives on the open REQ.
  const live = finalizeEvent(buildPost({ community, title: 'live', body: 'late' }, now() - 3600), author.sk);
  await publishAll(relay.url, [live]);
  await waitFor(() => app.received.some((e) => e.id === live.id), 'the live event');
  app.connection.stop();
});

test('offline, then back: the reconnect fetches only what was posted meanwhile', { timeout: 120000 }, async () => {
  const relay = await relayWith();
  const { community, events } = communityEvents('reconnect', 1200, { sameSecond: 300 });
  await publishAll(relay.url, events.slice(0, 600));
  const local = new Map();
  const { Recording, log } = recordingSocket();
  const app = catchUpClient(relay, community, local, { socket: Recording });
  app.connection.connect();
  await app.synced();
  assert.equal(app.received.length, 600);

  // Offline: the connection drops and new ones fail while 600 more (the crowded second's
  // rest among them, and some an hour old) are posted.
  log.offline = true;
  app.resetSynced();
  for (const socket of log.sockets) socket.terminate();
  await waitFor(() => app.connection.state !== 'open', 'the drop');
  const meanwhile = events.slice(600);
  meanwhile.push(finalizeEvent(buildPost({ community, title: 'old', body: 'published late' }, now() - 7200), author.sk));
  await publishAll(relay.url, meanwhile);
  const sentBefore = log.sent.length;
  log.offline = false;
  app.connection.retry();
  await app.synced();
  const fetched = log.sent.slice(sentBefore).filter((m) => m[0] === 'REQ' && m[2].ids).flatMap((m) => m[2].ids);
  assert.deepEqual(new Set(fetched), new Set(meanwhile.map((e) => e.id)), 'only what was posted while offline');
  assert.equal(fetched.length, meanwhile.length);
  assert.deepEqual(new Set(app.received.map((e) => e.id)), new Set([...events, ...meanwhile].map((e) => e.id)));
  app.connection.stop();
});

test('a relay without NIP-77 is paged as before', { timeout: 60000 }, async () => {
  const relay = await relayWith();
  const { community, events } = communityEvents('no-nip77', 800);
  await publishAll(relay.url, events);
  const { Recording, log } = recordingSocket();
  const app = catchUpClient(relay, community, new Map(), { socket: Recording, fetchInfo: async () => ({ nip77: false }) });
  app.connection.connect();
  await app.synced();
  assert.ok(!log.sent.some((m) => m[0].startsWith('NEG-')));
  assert.deepEqual(log.sent.find((m) => m[0] === 'REQ'), ['REQ', 's1', { ...scopeFilter(community), limit: 500 }]);
  assert.ok(log.sent.some((m) => m[0] === 'REQ' && m[2].until !== undefined), 'paged back with until');
  assert.deepEqual(new Set(app.received.map((e) => e.id)), new Set(events.map((e) => e.id)));
  app.connection.stop();
});

test('NEG-ERR (the relay refuses a set this large): the scope pages instead, and says why', { timeout: 60000 }, async () => {
  const relay = await relayWith(['--neg-max-items', '100']);
  const { community, events } = communityEvents('neg-err', 400);
  await publishAll(relay.url, events);
  const { Recording, log } = recordingSocket();
  const app = catchUpClient(relay, community, new Map(), { socket: Recording });
  app.connection.connect();
  await app.synced();
  assert.ok(log.sent.some((m) => m[0] === 'NEG-OPEN'));
  assert.match(app.connection.error, /^NIP-77 refused: blocked: this query matches more than 100 events/);
  assert.deepEqual(new Set(app.received.map((e) => e.id)), new Set(events.map((e) => e.id)));
  assert.ok(log.sent.some((m) => m[0] === 'REQ' && m[1] === 's1' && m[2].limit === 500), 'paged');
  app.connection.stop();
});
