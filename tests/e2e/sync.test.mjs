// The browser's sync and local store against hostile or awkward inputs, in headless Chromium:
//   - the local store's derived state (deletions, vote tallies, retractions) is the same in
//     every arrival order: store/ingest.js run on the real IndexedDB, loaded as source
//     modules from a relay serving web/;
//   - a relay that forges a copy of a real event (same id, other content) cannot keep the
//     genuine one out: the built app with a hostile WebSocket relay beside the real one;
//   - paging back through history does not stop at a second that holds more events than a
//     page: the built app against datt-relay with 1,000 posts;
//   - subscriptions: a reconnect resumes with `since`, fast interest changes leak no REQ, and
//     a sync's cursor is saved only once its events are stored (scripted `ws` relays).
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { buildCommunity, buildComment, buildDeletion, buildPost, buildVote, communityAddress } from '../../web/src/lib/events.js';
import { GENEROUS_LIMITS, connect, finalizeEvent, newKey, now, publishOk, startRelay } from '../relay/support.mjs';
import { WASM_ROOT, WEB_ROOT, freePort, launchProfile, requireBuilt, screenshot } from './support.mjs';

const T = { timeout: 20000 };
const SOURCES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
let sources;      // datt-relay serving web/ (source modules) and the wasm package
let browser;
let page;

before(async () => {
  requireBuilt();
  sources = await startRelay({ args: ['--web-root', SOURCES, '--wasm-root', WASM_ROOT] });
  browser = await launchProfile();
  page = await browser.page();
  await page.goto(`http://127.0.0.1:${sources.port}/app.css`);
});

after(async () => {
  await browser?.close();
  await sources?.cleanup();
});

/**
 * Stores `batches` (arrays of events) one transaction each into a fresh database, with a
 * new Ingest (as after a reload) before each batch listed in `reloadBefore`; returns the
 * stored records of `ids`.
 */
function ingestInBrowser(batches, ids, reloadBefore = []) {
  return page.evaluate(async ({ batches, ids, reloadBefore }) => {
    const { openDatabase } = await import('/src/store/db.js');
    const { Ingest } = await import('/src/store/ingest.js');
    const { loadDatt } = await import('/wasm/datt.mjs');
    const datt = await loadDatt();
    const db = await openDatabase(`ingest-${Math.random().toString(36).slice(2)}`);
    let ingest = null;
    for (const [i, batch] of batches.entries()) {
      if (!ingest || reloadBefore.includes(i)) {
        ingest = new Ingest(db, datt);
        await ingest.init();
      }
      await ingest.store(batch);
    }
    const read = (store, id) => new Promise((resolve, reject) => {
      const r = db.transaction(store).objectStore(store).get(id);
      r.onsuccess = () => resolve(r.result ?? null);
      r.onerror = () => reject(r.error);
    });
    const out = {};
    for (const id of ids) out[id] = { event: await read('events', id), stats: await read('postStats', id) };
    db.close();
    return out;
  }, { batches, ids, reloadBefore });
}

function permutations(list) {
  if (list.length <= 1) return [list];
  return list.flatMap((x, i) => permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [x, ...rest]));
}

const owner = newKey();
const author = newKey();
const stranger = newKey();
const voter = newKey();
const address = communityAddress(owner.pk, 'sync-tests');
const at = now() - 600;
const post = finalizeEvent(buildPost({ community: address, title: 'A post', body: 'body' }, at), author.sk);
const comment = finalizeEvent(buildComment({ community: address, parent: post, body: 'regret' }, at + 1), author.sk);

test('a stranger\'s deletion request neither applies nor cancels the author\'s, in any order and across reloads', async () => {
  const byAuthor = finalizeEvent(buildDeletion({ targets: [comment], community: address }, at + 2), author.sk);
  const byStranger = finalizeEvent(buildDeletion({ targets: [comment, post], community: address }, at + 3), stranger.sk);
  for (const order of permutations([[byAuthor], [byStranger], [comment, post]])) {
    for (const reloadBefore of [[], [1], [2]]) {
      const got = await ingestInBrowser(order, [comment.id, post.id], reloadBefore);
      const label = `${order.map((b) => b.map((e) => e.kind).join('+')).join(', ')} reload ${reloadBefore}`;
      assert.equal(got[comment.id].event.deleted, 1, `comment deleted by its author: ${label}`);
      assert.equal(got[comment.id].event.content, '', label);
      assert.equal(got[post.id].event.deleted, undefined, `post kept (only a stranger asked): ${label}`);
      assert.equal(got[post.id].event.content, 'body', label);
    }
  }
});

test('a vote that arrives with its already stored post is counted', async () => {
  const vote = finalizeEvent(buildVote({ target: post, value: 1, community: address }, at + 5), voter.sk);
  const got = await ingestInBrowser([[post], [post, vote]], [post.id]);
  assert.equal(got[post.id].event.ups, 1);
  assert.equal(got[post.id].stats.ups, 1);
});

test('retracting the newer of two votes leaves the older one counting, in all six arrival orders', async () => {
  const up = finalizeEvent(buildVote({ target: post, value: 1, community: address }, at + 10), voter.sk);
  const down = finalizeEvent(buildVote({ target: post, value: -1, community: address }, at + 11), voter.sk);
  const retract = finalizeEvent(buildDeletion({ targets: [down], community: address }, at + 12), voter.sk);
  for (const order of permutations([up, down, retract])) {
    const got = await ingestInBrowser([[post], ...order.map((e) => [e])], [post.id, down.id]);
    const label = order.map((e) => (e === up ? 'up' : e === down ? 'down' : 'retract')).join(', ');
    assert.deepEqual([got[post.id].stats.ups, got[post.id].stats.downs], [1, 0], label);
    assert.deepEqual([got[post.id].event.ups, got[post.id].event.downs], [1, 0], label);
    assert.equal(got[down.id].event.deleted, 1, `the retracted vote is marked deleted: ${label}`);
  }
});

test('a deletion by `a` address removes the versions up to its time, in any order and across reloads; a stranger\'s does nothing', async () => {
  const address = communityAddress(owner.pk, 'doomed');
  const older = finalizeEvent(buildCommunity({ identifier: 'doomed', name: 'Older' }, at - 1), owner.sk);
  const doomed = finalizeEvent(buildCommunity({ identifier: 'doomed', name: 'Doomed' }, at), owner.sk);
  const reborn = finalizeEvent(buildCommunity({ identifier: 'doomed', name: 'Reborn' }, at + 10), owner.sk);
  const byOwner = finalizeEvent({ kind: 5, created_at: at + 5, tags: [['a', address], ['k', '34550']], content: '' }, owner.sk);
  const byStranger = finalizeEvent({ kind: 5, created_at: at + 20, tags: [['a', address]], content: '' }, stranger.sk);
  // The stranger alone: nothing is deleted.
  for (const order of permutations([[doomed], [byStranger]])) {
    const got = await ingestInBrowser(order, [doomed.id]);
    assert.equal(got[doomed.id].event?.id, doomed.id);
  }
  // The owner's request removes the versions at or before it, whichever comes first; a later
  // version stays.
  for (const order of permutations([[older], [doomed], [reborn], [byOwner, byStranger]])) {
    for (const reloadBefore of [[], [2]]) {
      const got = await ingestInBrowser(order, [older.id, doomed.id, reborn.id], reloadBefore);
      const label = `${order.map((b) => b.map((e) => (e === byOwner ? 'owner' : e === byStranger ? 'stranger'
        : readName(e))).join('+')).join(', ')} reload ${reloadBefore}`;
      assert.equal(got[older.id].event, null, `older version gone: ${label}`);
      assert.equal(got[doomed.id].event, null, `deleted version gone: ${label}`);
      assert.equal(got[reborn.id].event?.id, reborn.id, `later version kept: ${label}`);
    }
  }
  // A replaceable event (kind 0) by its address "0:<pubkey>:".
  const profile = finalizeEvent({ kind: 0, created_at: at, tags: [], content: '{"name":"gone"}' }, author.sk);
  const forget = finalizeEvent({ kind: 5, created_at: at + 1, tags: [['a', `0:${author.pk}:`]], content: '' }, author.sk);
  for (const order of permutations([[profile], [forget]])) {
    assert.equal((await ingestInBrowser(order, [profile.id]))[profile.id].event, null);
  }
});

test('opening a version-1 store rewrites replaceable addresses to the core\'s form', async () => {
  const rows = await page.evaluate(async ({ pk }) => {
    const name = `v1-${Math.random().toString(36).slice(2)}`;
    const done = (request) => new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    // What version 1 wrote: "<kind>:<pubkey>" for replaceable events.
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('events', { keyPath: 'id' }).createIndex('address', 'address');
    const old = await done(open);
    const tx = old.transaction('events', 'readwrite');
    tx.objectStore('events').put({ id: '1', kind: 0, address: `0:${pk}` });
    tx.objectStore('events').put({ id: '2', kind: 34550, address: `34550:${pk}:a:b` });
    tx.objectStore('events').put({ id: '3', kind: 34550, address: `34550:${pk}:` });
    await new Promise((resolve) => { tx.oncomplete = resolve; });
    old.close();
    const { openDatabase } = await import('/src/store/db.js');
    const db = await openDatabase(name);
    const out = await done(db.transaction('events').objectStore('events').getAll());
    db.close();
    return out.map((r) => r.address);
  }, { pk: owner.pk });
  assert.deepEqual(rows, [`0:${owner.pk}:`, `34550:${owner.pk}:a:b`, `34550:${owner.pk}:`]);
});

test('opening a version-2 store indexes the mentions of stored comments (the inbox)', async () => {
  const found = await page.evaluate(async ({ pk }) => {
    const name = `v2-${Math.random().toString(36).slice(2)}`;
    const done = (request) => new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const open = indexedDB.open(name, 2);
    open.onupgradeneeded = () => open.result.createObjectStore('events', { keyPath: 'id' }).createIndex('address', 'address');
    const old = await done(open);
    const tx = old.transaction('events', 'readwrite');
    const other = 'ab'.repeat(32);
    tx.objectStore('events').put({ id: 'reply', kind: 1111, parent: 'x', tags: [['e', 'x'], ['p', pk]], content: '' });
    tx.objectStore('events').put({ id: 'post', kind: 1111, post: 1, tags: [['p', pk]], content: '' });
    tx.objectStore('events').put({ id: 'other', kind: 1111, parent: 'x', tags: [['p', other], ['p', 'BAD']], content: '' });
    await new Promise((resolve) => { tx.oncomplete = resolve; });
    old.close();
    const { openDatabase, mentionsOf } = await import('/src/store/db.js');
    const db = await openDatabase(name);
    const mine = (await mentionsOf(db, pk)).map((r) => r.id);
    const theirs = (await mentionsOf(db, other)).map((r) => r.id);
    db.close();
    return { mine, theirs };
  }, { pk: owner.pk });
  // The post's p tag (its community's owner) is no mention.
  assert.deepEqual(found, { mine: ['reply'], theirs: ['other'] });
});

test('opening a version-3 store records the stored events as held for NIP-77 (syncKeys), per tag, in order', async () => {
  const c = communityAddress(owner.pk, 'upgrade');
  const events = [
    finalizeEvent(buildPost({ community: c, title: 'b', body: 'b' }, at + 2), author.sk),
    finalizeEvent(buildPost({ community: c, title: 'a', body: 'a' }, at + 1), author.sk),
    finalizeEvent(buildCommunity({ identifier: 'upgrade', name: 'Upgrade' }, at), owner.sk),
  ];
  const found = await page.evaluate(async ({ events, c, pk, ak }) => {
    const name = `v3-${Math.random().toString(36).slice(2)}`;
    const done = (request) => new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const open = indexedDB.open(name, 3);
    open.onupgradeneeded = () => open.result.createObjectStore('events', { keyPath: 'id' });
    const old = await done(open);
    const tx = old.transaction('events', 'readwrite');
    for (const e of events) tx.objectStore('events').put(e);
    tx.objectStore('events').put({ id: 'broken', kind: 1111 });   // no created_at: left out
    await new Promise((resolve) => { tx.oncomplete = resolve; });
    old.close();
    const { openDatabase, syncItemsOf } = await import('/src/store/db.js');
    const db = await openDatabase(name);
    const out = { community: await syncItemsOf(db, `A:${c}`), owner: await syncItemsOf(db, `author:${pk}`),
      author: await syncItemsOf(db, `author:${ak}`), mentioned: await syncItemsOf(db, `p:${pk}`) };
    db.close();
    return out;
  }, { events, c, pk: owner.pk, ak: author.pk });
  const [b, a, definition] = events;
  assert.deepEqual(found.community, [[a.created_at, a.id], [b.created_at, b.id]]);
  assert.deepEqual(found.author, found.community);
  assert.deepEqual(found.owner, [[definition.created_at, definition.id]]);
  // A post's `p` is its community's owner.
  assert.deepEqual(found.mentioned, found.community);
});

function readName(event) {
  return event.tags.find((t) => t[0] === 'name')?.[1] ?? String(event.kind);
}

/**
 * A scripted relay (a `ws` server): answers every REQ whose filter `answers` with `events`
 * (all of them, or with `honorTime` those within the filter's since/until), then EOSE, and
 * calls `onEose(filter, sent)`. It records each REQ ({sid, filter}) and which subscriptions
 * are open; beyond `maxOpen` open ones it refuses a REQ with CLOSED.
 */
async function startScriptedRelay(events = [], { answers = () => true, honorTime = false, onEose = () => {}, maxOpen = Infinity } = {}) {
  const port = await freePort();
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  const served = [];
  const open = new Map();   // sid -> filter, per the REQs and CLOSEs received
  server.on('connection', (ws) => {
    ws.on('close', () => open.clear());
    ws.on('message', (data) => {
      let message;
      try {
        message = JSON.parse(String(data));
      } catch {
        return;
      }
      if (!Array.isArray(message)) return;
      if (message[0] === 'CLOSE') open.delete(message[1]);
      if (message[0] !== 'REQ') return;
      served.push({ sid: message[1], filter: message[2] });
      if (!open.has(message[1]) && open.size >= maxOpen) {
        ws.send(JSON.stringify(['CLOSED', message[1], 'error: too many subscriptions']));
        return;
      }
      open.set(message[1], message[2]);
      const filter = message[2] ?? {};
      const inTime = (e) => !honorTime || ((filter.until ?? Infinity) >= e.created_at && (filter.since ?? 0) <= e.created_at);
      const answer = answers(filter) ? events.filter(inTime) : [];
      for (const event of answer) ws.send(JSON.stringify(['EVENT', message[1], event]));
      ws.send(JSON.stringify(['EOSE', message[1]]), () => onEose(filter, answer.length));
    });
  });
  await new Promise((resolve) => { server.once('listening', resolve); });
  return {
    url: `ws://127.0.0.1:${port}/`,
    served,
    open,
    dropConnections: () => { for (const ws of server.clients) ws.terminate(); },
    stop: () => new Promise((resolve) => {
      for (const ws of server.clients) ws.terminate();
      server.close(() => resolve());
    }),
  };
}

async function setRelays(app, urls) {
  await app.evaluate((list) => globalThis.dattClient.setRelays(list.map((url) => ({ url, read: true, write: true }))), urls);
  await app.waitForFunction((n) => globalThis.dattClient.state.relays.length === n, urls.length, T);
}

function storedEvent(app, id) {
  return app.evaluate((eventId) => new Promise((resolve, reject) => {
    const r = globalThis.dattClient.db.transaction('events').objectStore('events').get(eventId);
    r.onsuccess = () => resolve(r.result ?? null);
    r.onerror = () => reject(r.error);
  }), id);
}

/**
 * The built app in a fresh Chromium profile, served by a datt-relay of its own (loose rate
 * limits) that is also its first relay; `use(tab, home)` is the test. All is stopped after.
 */
async function withApp(use, relayArgs = []) {
  const port = await freePort();
  const home = await startRelay({ args: ['--port', String(port), '--web-root', WEB_ROOT, '--wasm-root', WASM_ROOT, ...GENEROUS_LIMITS,
    ...relayArgs] });
  const app = await launchProfile();
  try {
    const tab = await app.page();
    await tab.goto(`http://127.0.0.1:${port}/#/settings`);
    await tab.waitForSelector('html[data-ready=true]', T);
    await use(tab, home);
  } finally {
    await app.close();
    await home.cleanup();
  }
}

/** Runs `use(relay)` with a scripted relay (see startScriptedRelay), stopped after. */
async function withScriptedRelay(events, options, use) {
  const relay = await startScriptedRelay(events, options);
  try {
    await use(relay);
  } finally {
    await relay.stop();
  }
}

const go = (tab, hash) => tab.evaluate((h) => { location.hash = h; }, hash);
const synced = (tab) => tab.waitForFunction(() => document.querySelector('[data-testid=sync-status]')?.dataset.state === 'synced', null, T);
const allScopesSynced = (tab) => tab.waitForFunction(() => globalThis.dattClient.state.relays.every((r) => r.scopes >= 3 && r.synced === r.scopes), null, T);
const communityReqs = (relay, address) => relay.served.filter((r) => r.filter?.['#A']?.includes(address));

async function publishAll(relay, events) {
  const client = await connect(relay.url);
  for (const event of events) await publishOk(client, event);
  client.close();
}

test('a forged copy from one relay does not keep the genuine event from another out', { timeout: 60000 }, async () => {
  const definition = finalizeEvent(buildCommunity({ identifier: 'forgery', name: 'Forgery' }, at), owner.sk);
  const genuine = finalizeEvent(buildPost({ community: communityAddress(owner.pk, 'forgery'), title: 'Genuine title', body: 'genuine' }, at + 1), author.sk);
  const forged = { ...genuine, tags: genuine.tags.map((t) => (t[0] === 'title' ? ['title', 'Forged title'] : t)), content: 'forged' };
  await withScriptedRelay([forged], {}, (hostile) => withApp(async (tab, real) => {
    await publishAll(real, [definition, genuine]);
    // First only the forging relay: its copy fails verification and is not stored.
    await setRelays(tab, [hostile.url]);
    await go(tab, `#/c/${owner.pk}/forgery`);
    // The forged copy reached the sync worker (it answers every REQ with it) and was handled,
    await tab.waitForFunction((url) => globalThis.dattClient.state.relays.some((r) => r.url === url && r.received > 0),
      hostile.url, T);
    // ... and paging ends although it ignores `until` (it sends the same event every time).
    await synced(tab);
    assert.ok(hostile.served.length > 0, 'the forging relay was asked');
    assert.equal(await storedEvent(tab, genuine.id), null);
    // Then the honest relay: the genuine post arrives although its id was offered before.
    await setRelays(tab, [hostile.url, `${real.url}/`]);
    await tab.getByTestId('post-row').filter({ hasText: 'Genuine title' }).waitFor(T);
    assert.equal((await storedEvent(tab, genuine.id)).content, 'genuine');
    assert.equal(await tab.getByText('Forged title').count(), 0);
    await screenshot(tab, 'sync-forged-copy-refused');
  }));
});

test('paging back through history steps past a second holding more events than a page', { timeout: 120000 }, async () => {
  const community = communityAddress(owner.pk, 'crowded');
  const definition = finalizeEvent(buildCommunity({ identifier: 'crowded', name: 'Crowded' }, at - 10000), owner.sk);
  // 700 posts in one second (more than the relay's page of 500), then 300 older ones.
  const crowded = at - 100;
  const posts = [];
  for (let i = 0; i < 700; i += 1) posts.push(finalizeEvent(buildPost({ community, title: `same second ${i}`, body: 'x' }, crowded), author.sk));
  const older = [];
  for (let i = 0; i < 300; i += 1) older.push(finalizeEvent(buildPost({ community, title: `older ${i}`, body: 'y' }, crowded - 1 - i), author.sk));
  await withApp(async (tab, real) => {
    await publishAll(real, [definition, ...posts, ...older]);
    await go(tab, `#/c/${owner.pk}/crowded`);
    await tab.getByTestId('community-page').waitFor(T);
    const storedIds = () => tab.evaluate((c) => new Promise((resolve, reject) => {
      const range = IDBKeyRange.bound([c, -Infinity], [c, Infinity]);
      const r = globalThis.dattClient.db.transaction('postStats').objectStore('postStats').index('community').getAll(range);
      r.onsuccess = () => resolve(r.result.map((s) => s.id));
      r.onerror = () => reject(r.error);
    }), community);
    // The community's scope finished (every scope of the relay synced) and its posts are stored.
    const deadline = Date.now() + 60000;
    let stored = [];
    while (Date.now() < deadline) {
      const done = await tab.evaluate(() => globalThis.dattClient.state.relays.every((r) => r.scopes >= 3 && r.synced === r.scopes) &&
        globalThis.dattClient.state.queued === 0);
      stored = await storedIds();
      if (done && stored.length >= 800) break;
      await new Promise((resolve) => { setTimeout(resolve, 200); });
    }
    const have = new Set(stored);
    // Every older post arrives. Within the crowded second a relay serves one page (NIP-01
    // filters cannot page inside a second): 500 of its 700, the documented gap.
    assert.equal(older.filter((e) => have.has(e.id)).length, 300);
    assert.ok(posts.filter((e) => have.has(e.id)).length >= 500);
    // It paged: the relay refused NIP-77 for this scope (more than --neg-max-items events).
    assert.ok(await tab.evaluate(() => globalThis.dattClient.state.relays[0].error.startsWith('NIP-77 refused: blocked')));
  // A relay that refuses reconciliations this large (NEG-ERR): the app falls back to paging.
  }, ['--neg-max-items', '10']);
});

test('a reconnect resumes from the last sync instead of reading all history again', { timeout: 60000 }, async () => {
  const community = communityAddress(owner.pk, 'resume');
  await withScriptedRelay([], {}, (scripted) => withApp(async (tab) => {
    await setRelays(tab, [scripted.url]);
    await go(tab, `#/c/${owner.pk}/resume`);
    await allScopesSynced(tab);
    assert.equal(communityReqs(scripted, community).length, 1);
    assert.equal(communityReqs(scripted, community)[0].filter.since, undefined, 'first sync: all history');
    const before = now();
    scripted.dropConnections();
    await tab.waitForFunction(() => globalThis.dattClient.state.relays[0]?.state !== 'open', null, T);
    await tab.waitForFunction(() => globalThis.dattClient.state.relays[0]?.state === 'open', null, T);
    await synced(tab);
    const again = communityReqs(scripted, community);
    assert.equal(again.length, 2);
    // since = the start of the first sync - 1 h (late publishes), not "everything".
    assert.ok(Math.abs(again[1].filter.since - (before - 3600)) <= 30, `since ${again[1].filter.since}`);
  }));
});

test('interest changing quickly leaves exactly the current community subscribed', { timeout: 60000 }, async () => {
  await withScriptedRelay([], {}, (scripted) => withApp(async (tab) => {
    await setRelays(tab, [scripted.url]);
    await synced(tab);
    // Four interests back to back (as fast navigation sends them), from the settings page,
    // which asks for none itself.
    const addresses = ['one', 'two', 'three', 'four'].map((name) => communityAddress(owner.pk, name));
    await tab.evaluate((list) => { for (const a of list) globalThis.dattClient.setInterest([a]); }, addresses);
    await allScopesSynced(tab);
    await new Promise((resolve) => { setTimeout(resolve, 500); });   // CLOSEs in flight
    const openCommunities = [...scripted.open.values()].filter((f) => f['#A']).map((f) => f['#A'].join(','));
    assert.deepEqual(openCommunities, [addresses.at(-1)]);
  }));
});

test('a reload right after a sync ended, before its events were stored, fetches them again', { timeout: 90000 }, async () => {
  const community = communityAddress(owner.pk, 'reloaded');
  const posts = [];
  for (let i = 0; i < 5000; i += 1) posts.push(finalizeEvent(buildPost({ community, title: `p${i}`, body: 'z' }, at - 86400 - i), author.sk));
  let ended;
  const lastPageSent = new Promise((resolve) => { ended = resolve; });
  const isCommunity = (filter) => filter?.['#A']?.includes(community);
  // The sync ends with an empty page: then its cursor may be written.
  const options = { answers: isCommunity, honorTime: true, onEose: (f, sent) => isCommunity(f) && sent === 0 && ended() };
  await withScriptedRelay(posts, options, (scripted) => withApp(async (tab) => {
    await setRelays(tab, [scripted.url]);
    await go(tab, `#/c/${owner.pk}/reloaded`);
    // The relay sent all 5,000 and the sync's last EOSE, and the worker took the end (every
    // scope synced) while most events still wait to be verified and stored (about a second).
    await lastPageSent;
    await allScopesSynced(tab);
    const storedBefore = await tab.evaluate(() => new Promise((resolve) => {
      const r = globalThis.dattClient.db.transaction('postStats').objectStore('postStats').count();
      r.onsuccess = () => resolve(r.result);
    }));
    const requests = () => communityReqs(scripted, community);
    const sentBefore = requests().length;
    await tab.reload();
    await tab.waitForSelector('html[data-ready=true]', T);
    for (const deadline = Date.now() + 20000; requests().length <= sentBefore && Date.now() < deadline;) {
      await new Promise((resolve) => { setTimeout(resolve, 50); });
    }
    assert.ok(requests().length > sentBefore, 'the community is requested again after the reload');
    // (The premise: the reload came before all were stored.)
    assert.ok(storedBefore < posts.length, `stored before the reload: ${storedBefore}`);
    assert.equal(requests()[sentBefore].filter.since, undefined, 'no cursor was saved for events not yet stored');
  }));
});

test('a relay that refuses some REQs (a lower cap) still lets the sync finish, and says why', { timeout: 60000 }, async () => {
  await withScriptedRelay([], { maxOpen: 3 }, (scripted) => withApp(async (tab) => {
    await setRelays(tab, [scripted.url]);
    const addresses = ['a', 'b', 'c'].map((name) => communityAddress(owner.pk, name));
    await tab.evaluate((list) => globalThis.dattClient.setInterest(list), addresses);
    await tab.waitForFunction(() => globalThis.dattClient.state.relays[0]?.scopes === 5, null, T);
    await synced(tab);
    assert.ok(scripted.served.length >= 5);
    assert.equal(scripted.open.size, 3);
    assert.match(await tab.evaluate(() => globalThis.dattClient.state.relays[0].error), /subscription refused: error: too many subscriptions/);
  }));
});
