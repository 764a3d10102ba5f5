// End-to-end catch-up by NIP-77 (docs/web.md "Catching up"), in headless Chromium against the
// real relay: a browser that follows a community is closed while 10,000 events are posted to
// it (700 in one second, 100 dated an hour back and published last: the two cases paging
// loses), then opened again; it reconciles, shows its progress ("catching up: N of M") and
// ends with exactly the relay's set for that scope (ids compared with what the relay stored,
// and its COUNT). Events are signed and posted from Node, not through the UI. The time the
// catch-up took is printed (a figure, not an assertion: bench/web_catchup.mjs measures it).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildCommunity, buildPost, buildVote, communityAddress } from '../../web/src/lib/events.js';
import { GENEROUS_LIMITS, connect, countEvents, finalizeEvent, newKey, now, publishAll, startRelay } from '../relay/support.mjs';
import { WASM_ROOT, WEB_ROOT, freePort, launchProfile, requireBuilt, screenshot, tempDir, waitFor } from './support.mjs';

const T = { timeout: 60000 };
let relay;
let port;
const owner = newKey();
const author = newKey();
const IDENTIFIER = 'offline';
const community = communityAddress(owner.pk, IDENTIFIER);
const scope = { kinds: [1111, 1010, 7, 5, 4550, 4551, 4552, 4553, 4554, 4555, 4556, 4557, 4558, 4559], '#A': [community] };

before(async () => {
  requireBuilt();
  port = await freePort();
  relay = await startRelay({ dir: tempDir('datt-e2e-catchup-'),
    args: ['--port', String(port), '--web-root', WEB_ROOT, '--wasm-root', WASM_ROOT, ...GENEROUS_LIMITS] });
});

after(async () => {
  await relay?.cleanup();
});

/** Ids of the stored events of the community (every record whose `community` is it), read in the page. */
function storedIds(tab) {
  return tab.evaluate((address) => new Promise((resolve, reject) => {
    const ids = [];
    const cursor = globalThis.dattClient.db.transaction('events').objectStore('events').openCursor();
    cursor.onsuccess = () => {
      const row = cursor.result;
      if (!row) return resolve(ids);
      if (row.value.community === address) ids.push(row.value.id);
      row.continue();
    };
    cursor.onerror = () => reject(cursor.error);
  }), community);
}

/**
 * How many items the page's store holds for the community's NIP-77 scope (its syncKeys).
 * Read by evaluate, which awaits the promise: waitForFunction does not (a pending promise
 * is truthy, so it returns at once; microsoft/playwright#29132).
 */
function heldCount(tab) {
  return tab.evaluate((c) => new Promise((resolve, reject) => {
    const r = globalThis.dattClient.db.transaction('syncKeys').objectStore('syncKeys').count(IDBKeyRange.bound([`A:${c}`, -Infinity], [`A:${c}`, Infinity]));
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  }), community);
}

/** The stored ids once `expected` are there (the last batch may still be committing) or after 30 s. */
async function settledIds(tab, expected) {
  const deadline = Date.now() + 30000;
  for (;;) {
    const ids = await storedIds(tab);
    if (ids.length >= expected || Date.now() > deadline) return ids;
    await new Promise((resolve) => { setTimeout(resolve, 100); });
  }
}

/** Every scope of every relay finished and nothing waits to be stored. */
function caughtUp(tab) {
  return tab.waitForFunction(() => {
    const { state } = globalThis.dattClient;
    return state.relays.length > 0 && state.relays.every((r) => r.state === 'open' && r.scopes > 2 && r.synced === r.scopes && !r.catchUp) &&
      state.queued === 0;
  }, null, T);
}

test('a browser offline while 10,000 events are posted catches up exactly, with progress shown', { timeout: 300000 }, async () => {
  const base = now() - 20000;
  const definition = finalizeEvent(buildCommunity({ identifier: IDENTIFIER, name: 'Offline' }, base - 100), owner.sk);
  const first = [];
  for (let i = 0; i < 300; i += 1) first.push(finalizeEvent(buildPost({ community, title: `before ${i}`, body: 'b' }, base + i), author.sk));
  await publishAll(relay.url, [definition, ...first]);

  // Online: the browser follows the community and stores its 300 posts.
  const browser = await launchProfile();
  let profileDir = browser.profileDir;
  let tab = await browser.page();
  const url = `http://127.0.0.1:${port}/#/c/${owner.pk}/${IDENTIFIER}`;
  await tab.goto(url);
  await tab.waitForSelector('html[data-ready=true]', T);
  await tab.getByTestId('community-page').waitFor(T);
  await caughtUp(tab);
  assert.equal((await settledIds(tab, 300)).length, 300);
  // Closed only once they count as held for reconciliation too: the worker records their
  // syncKeys in a later transaction than the events (after the tips, receipts and chains of
  // the batch), so a close in between leaves the reopened profile holding the posts but
  // reconciling from none of them ("of 10,300").
  await waitFor('the syncKeys held for the community', () => heldCount(tab), 300, T.timeout);
  await browser.close({ keepProfile: true });

  // Offline (the browser is closed): 10,000 events, 700 of them in one second, votes among
  // them, 100 dated an hour back and published last.
  const crowded = base + 5000;
  const events = [];
  for (let i = 0; i < 9900; i += 1) {
    const at = i < 700 ? crowded : base + 400 + i;
    if (i % 10 === 9) events.push(finalizeEvent(buildVote({ target: events[events.length - 1], value: 1, community }, at), owner.sk));
    else events.push(finalizeEvent(buildPost({ community, title: `offline ${i}`, body: `body ${i}` }, at), author.sk));
  }
  for (let i = 0; i < 100; i += 1) events.push(finalizeEvent(buildPost({ community, title: `late ${i}`, body: 'late' }, now() - 3600 - i), author.sk));
  const posted = Date.now();
  await publishAll(relay.url, events);
  console.log(`# posted 10,000 events in ${Date.now() - posted} ms`);
  const client = await connect(relay.url);
  const relayCount = await countEvents(client, [scope]);
  client.close();
  assert.equal(relayCount, 10300);

  // Back: the same profile opens the community again and catches up.
  const again = await launchProfile(profileDir);
  try {
    tab = await again.page();
    const started = Date.now();
    await tab.goto(url);
    await tab.waitForSelector('html[data-ready=true]', T);
    // The progress shows while the ids are fetched.
    const progress = tab.getByTestId('catch-up');
    await tab.waitForFunction(() => Number(document.querySelector('[data-testid=catch-up]')?.dataset.total) > 0, null, T);
    const shown = await progress.innerText();
    // On failure, say what the browser held when it reconciled (its 300, or none).
    const held = await tab.evaluate(() => JSON.stringify(globalThis.dattClient.state.relays.map((r) => r.catchUp)));
    console.log(`# catch-up per relay when first shown: ${held}`);
    assert.match(shown, /^catching up: [\d,]+ of 10,000$/, `shown "${shown}"; catch-up per relay ${held}`);
    await screenshot(tab, 'catch-up-progress');
    await caughtUp(tab);
    const ids = await settledIds(tab, 10300);
    const seconds = (Date.now() - started) / 1000;
    console.log(`# caught up 10,000 events in ${seconds.toFixed(1)} s (page load included; shown: "${shown}")`);
    assert.equal(ids.length, 10300, 'exactly the relay\'s count');
    assert.deepEqual(new Set(ids), new Set([...first, ...events].map((e) => e.id)), 'exactly the relay\'s ids');
    // It reconciled rather than paged: nothing was asked with `until`.
    const relays = await tab.evaluate(() => globalThis.dattClient.state.relays);
    assert.ok(relays[0].nip77);
    await screenshot(tab, 'catch-up-done');
  } finally {
    await again.close();
    profileDir = null;
  }
});
