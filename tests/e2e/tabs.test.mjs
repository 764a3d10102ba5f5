// Tabs and keys, in headless Chromium against the real relay:
//   - one tab owns the local state: with two tabs of one profile only one sync worker
//     connects to the relay, both tabs show new events, a post made in the follower tab is
//     published once (through the owner), and closing the owner's tab hands the sync over;
//   - the UI thread holds no secret after unlocking (a heap snapshot of the page's main
//     thread has neither the key's hex nor its nsec), and signing still works.
import '../support/webcrypto.mjs';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { nsecEncode } from 'nostr-tools/nip19';
import { buildCommunity, buildPost, communityAddress } from '../../web/src/lib/events.js';
import { GENEROUS_LIMITS, connect, finalizeEvent, newKey, now, publishOk, startRelay } from '../relay/support.mjs';
import { WASM_ROOT, WEB_ROOT, freePort, importDone, launchProfile, requireBuilt, screenshot } from './support.mjs';

const T = { timeout: 20000 };
const PASSPHRASE = 'correct horse battery staple';
let relay;
let base;

before(async () => {
  requireBuilt();
  const port = await freePort();
  relay = await startRelay({ args: ['--port', String(port), '--web-root', WEB_ROOT, '--wasm-root', WASM_ROOT, ...GENEROUS_LIMITS] });
  base = `http://127.0.0.1:${port}/`;
});

after(async () => {
  await relay?.cleanup();
});

/** The relay's Prometheus counters and gauges (name -> number). */
async function metrics() {
  const text = await (await fetch(`${base}metrics`)).text();
  const out = {};
  for (const line of text.split('\n')) {
    const match = /^(datt_[a-z_]+) (\d+)$/.exec(line);
    if (match) out[match[1]] = Number(match[2]);
  }
  return out;
}

/** Waits until `read()` returns `want` and it stays so for `stableMs`. */
async function settles(read, want, { timeoutMs = 20000, stableMs = 1500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let since = null;
  let last;
  while (Date.now() < deadline) {
    last = await read();
    if (last === want) {
      since ??= Date.now();
      if (Date.now() - since >= stableMs) return;
    } else {
      since = null;
    }
    await new Promise((resolve) => { setTimeout(resolve, 100); });
  }
  assert.equal(last, want, 'did not settle');
}

const openConnections = async () => (await metrics()).datt_connections_open;
const go = (page, hash) => page.evaluate((h) => { location.hash = h; }, hash);
const isOwner = (page) => page.evaluate(() => globalThis.dattClient.state.owner);

async function openTab(context) {
  const page = await context.newPage();
  await page.goto(base);
  await page.waitForSelector('html[data-ready=true]', T);
  return page;
}

async function publishFromNode(events) {
  const client = await connect(relay.url);
  for (const event of events) await publishOk(client, event);
  client.close();
}

async function importAccount(page, secret) {
  await go(page, '#/account');
  await page.getByTestId('tab-import').click();
  const form = page.getByTestId('import-account');
  await form.locator('textarea[name=secret]').fill(secret);
  await form.locator('input[name=passphrase]').fill(PASSPHRASE);
  await form.locator('input[name=passphrase2]').fill(PASSPHRASE);
  await form.getByRole('button', { name: 'Import' }).click();
  await importDone(page, T.timeout);
}

async function submitPost(page, title) {
  await page.getByTestId('new-post').click();
  const form = page.getByTestId('submit-form');
  await form.locator('input[name=title]').fill(title);
  await form.locator('textarea[name=body]').fill(`${title}: body`);
  await form.getByRole('button', { name: 'Post' }).click();
  await page.getByTestId('post-page').waitFor(T);
}

test('one tab owns the sync: one relay connection, both tabs live, a follower\'s post sent once, and a hand-over', { timeout: 120000 }, async () => {
  const owner = newKey();
  const author = newKey();
  const community = communityAddress(owner.pk, 'tabs');
  const at = now() - 60;
  await publishFromNode([finalizeEvent(buildCommunity({ identifier: 'tabs', name: 'Tabs' }, at), owner.sk)]);
  await settles(openConnections, 0, { stableMs: 200 });

  const profile = await launchProfile();
  try {
    const first = await openTab(profile.context);
    await first.waitForFunction(() => globalThis.dattClient.state.owner, null, T);
    const second = await openTab(profile.context);
    // The second tab follows: it heard the owner's relay report, and runs no sync worker.
    await second.waitForFunction(() => globalThis.dattClient.state.relays.some((r) => r.state === 'open'), null, T);
    assert.equal(await isOwner(second), false);
    await settles(openConnections, 1);

    // Both tabs show an event that arrives live (the follower's view is synced by the owner).
    for (const tab of [first, second]) await go(tab, `#/c/${owner.pk}/tabs`);
    const live = finalizeEvent(buildPost({ community, title: 'Seen in both tabs', body: 'live' }, now()), author.sk);
    await publishFromNode([live]);
    for (const tab of [first, second]) await tab.getByTestId('post-row').filter({ hasText: 'Seen in both tabs' }).waitFor(T);
    await settles(openConnections, 1, { stableMs: 500 });

    // A post written in the follower tab is signed there and published once, by the owner.
    const me = newKey();
    await importAccount(second, Buffer.from(me.sk).toString('hex'));
    await go(second, `#/c/${owner.pk}/tabs`);
    await second.getByTestId('community-page').waitFor(T);
    const received = (await metrics()).datt_events_received_total;
    await submitPost(second, 'From the follower tab');
    for (const tab of [first, second]) {
      await tab.waitForFunction(() => globalThis.dattClient.state.outbox.pending === 0 &&
        globalThis.dattClient.state.relaysReported, null, T);
    }
    await go(first, `#/c/${owner.pk}/tabs`);
    await first.getByTestId('post-row').filter({ hasText: 'From the follower tab' }).waitFor(T);
    await settles(async () => (await metrics()).datt_events_received_total, received + 1);
    await screenshot(second, 'tabs-follower-posted');

    // Closing the owner's tab passes the lock: the follower starts its sync worker.
    const accepted = (await metrics()).datt_connections_total;
    await first.close();
    await second.waitForFunction(() => globalThis.dattClient.state.owner, null, T);
    await settles(openConnections, 1);
    assert.equal((await metrics()).datt_connections_total, accepted + 1, 'one new connection: the new owner\'s');
    await go(second, `#/c/${owner.pk}/tabs`);
    await second.getByTestId('community-page').waitFor(T);
    const after = finalizeEvent(buildPost({ community, title: 'After the hand-over', body: 'still live' }, now()), author.sk);
    await publishFromNode([after]);
    await second.getByTestId('post-row').filter({ hasText: 'After the hand-over' }).waitFor(T);
    // The new owner publishes too.
    await submitPost(second, 'Posted by the new owner');
    await second.waitForFunction(() => globalThis.dattClient.state.outbox.pending === 0, null, T);
    // A third tab follows the new owner.
    const third = await openTab(profile.context);
    assert.equal(await isOwner(third), false);
    await settles(openConnections, 1);
  } finally {
    await profile.close();
  }
});

/** Every string in a V8 heap snapshot of the page's main thread (a GC runs first). */
async function heapText(page) {
  const cdp = await page.context().newCDPSession(page);
  const chunks = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk));
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await cdp.detach();
  return chunks.join('');
}

test('after unlocking, the UI thread holds no secret, and signing still works', { timeout: 90000 }, async () => {
  const profile = await launchProfile();
  try {
    const page = await openTab(profile.context);
    const me = newKey();
    const hex = Buffer.from(me.sk).toString('hex');
    const nsec = nsecEncode(me.sk);
    await importAccount(page, nsec);
    // A fresh page (the import form saw the nsec), then unlock with the passphrase only.
    await page.reload();
    await page.waitForSelector('html[data-ready=true]', T);
    // Every call into this thread's wasm core is recorded from here on: unlocking and
    // signing must use none of the functions that take or make a secret.
    await page.evaluate(() => {
      const { datt } = globalThis.dattClient;
      globalThis.__dattCalls = [];
      const methods = Object.getOwnPropertyDescriptors(Object.getPrototypeOf(datt));
      for (const [name, descriptor] of Object.entries(methods)) {
        // methods only: getters (paymentsLoaded, the lazily loaded payments namespaces) are
        // not calls into the core, and reading one before payments load throws
        if (name === 'constructor' || typeof descriptor.value !== 'function') continue;
        const original = descriptor.value.bind(datt);
        datt[name] = (...args) => {
          globalThis.__dattCalls.push(name);
          return original(...args);
        };
      }
    });
    await go(page, '#/account');
    await page.getByTestId('unlock-form').locator('input[name=passphrase]').fill(PASSPHRASE);
    await page.getByTestId('unlock-form').getByRole('button', { name: 'Unlock' }).click();
    await page.getByTestId('lock-button').waitFor(T);

    // Signing works: a profile saved from this tab is signed by this account.
    await go(page, '#/settings');
    await page.getByTestId('profile-form').locator('input[name=name]').fill('keyless ui');
    await page.getByTestId('profile-form').getByRole('button', { name: 'Save profile' }).click();
    await page.getByTestId('profile-form').getByText('Saved.').waitFor(T);
    const stored = await page.evaluate((pk) => new Promise((resolve, reject) => {
      const r = globalThis.dattClient.db.transaction('events').objectStore('events').index('author')
        .getAll(IDBKeyRange.bound([pk, 0, -Infinity], [pk, 0, Infinity]));
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    }), me.pk);
    assert.equal(stored.length, 1);
    assert.equal(stored[0].pubkey, me.pk);
    assert.match(stored[0].content, /keyless ui/);

    // Nothing the page's scripts can reach holds the key: not the client, not its state.
    const exposed = await page.evaluate(() => {
      const client = globalThis.dattClient;
      const seen = new Set();
      const found = [];
      const walk = (value, path, depth) => {
        if (value === null || typeof value !== 'object' || seen.has(value) || depth > 6) return;
        seen.add(value);
        if (value instanceof Uint8Array && value.length === 32) found.push(path);
        for (const key of Object.keys(value)) walk(value[key], `${path}.${key}`, depth + 1);
      };
      walk(client, 'client', 0);
      return { found, keys: Object.keys(client) };
    });
    assert.deepEqual(exposed.found, [], 'no 32-byte array reachable from the client');
    const calls = new Set(await page.evaluate(() => globalThis.__dattCalls));
    for (const secretCall of ['openSigner', 'signEvent', 'schnorrSign', 'publicKey', 'hexToBytes', 'bytesToHex',
      'nip19Decode', 'derive', 'mnemonicToSeed', 'generateSecretKey']) {
      assert.equal(calls.has(secretCall), false, `the UI thread called datt.${secretCall}`);
    }
    // And no copy anywhere on the main thread's heap: neither the hex nor the nsec.
    const heap = await heapText(page);
    assert.ok(heap.length > 100000, 'a real snapshot');
    assert.ok(heap.includes(me.pk), 'the snapshot does hold the public key (the search works)');
    assert.equal(heap.includes(hex), false, 'the secret key in hex is on the UI thread');
    assert.equal(heap.includes(nsec), false, 'the nsec is on the UI thread');
    assert.equal(heap.includes(nsec.toUpperCase()), false);

    // Lock: signing is refused again.
    await page.getByTestId('lock-button').click();
    await page.getByTestId('unlock-link').waitFor(T);
    const refused = await page.evaluate(() => globalThis.dattClient.publish({ kind: 1, created_at: 1, tags: [], content: 'x' })
      .then(() => 'signed', (e) => e.code));
    assert.equal(refused, 'locked');
  } finally {
    await profile.close();
  }
});
