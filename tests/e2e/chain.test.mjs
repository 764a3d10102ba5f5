// End-to-end: content chains in the web app against the real relay (docs/web.md "Content
// chains"). One account imported in two Chromium profiles posts while the relay is down in
// both; when it is back every post is accepted, each browser wrote its own chain (linked
// from seq 0), and the relay made no fork proof. A reader's browser marks an author whose
// two conflicting events made the relay publish a fork proof (kind 4560), marks an event
// without a chain tag "unchained", and on an author's page says how many events are missing
// from a chain, then fetches them. Screenshots in build/test-output/e2e.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadDatt } from '../../build/wasm/dist/datt.mjs';
import { buildCommunity, buildPost, communityAddress } from '../../web/src/lib/events.js';
import { connect, fetchEvents, finalizeEvent, newKey, now, publish, publishOk } from '../relay/support.mjs';
import {
  freePort, go, importAccount, launchProfile, requireBuilt, screenshot, startAppRelay, submitPost, tempDir,
} from './support.mjs';

const PASSPHRASE = 'correct horse battery staple';
const T = { timeout: 20000 };
let datt;
let relay;
let port;
let relayDir;
let base;
const profiles = [];
const owner = newKey();
const alice = newKey();
let community;
let firstBrowser;   // the first test's first browser (Alice), reused with a second tab

before(async () => {
  requireBuilt();
  datt = await loadDatt();
  port = await freePort();
  relayDir = tempDir('datt-e2e-chain-');
  relay = await startAppRelay({ port, dir: relayDir });
  base = `http://127.0.0.1:${port}/`;
  const client = await connect(relay.url);
  const definition = finalizeEvent(buildCommunity({ identifier: 'chains', name: 'Chains' }, now() - 60), owner.sk);
  await publishOk(client, definition);
  client.close();
  community = communityAddress(owner.pk, 'chains');
});

after(async () => {
  for (const p of profiles) await p.close();
  await relay?.stop();
});


async function openBrowser() {
  const profile = await launchProfile();
  profiles.push(profile);
  const page = await profile.page();
  await page.goto(base);
  await page.waitForSelector('html[data-ready=true]', T);
  return { profile, page };
}


async function openCommunity(page) {
  await go(page, `#/c/${owner.pk}/chains`);
  await page.getByTestId('community-page').waitFor(T);
}


async function metric(name) {
  const text = await (await fetch(`${base}metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

const chainTag = (event) => event.tags.find((t) => t[0] === 'chain');

test('one account in two browsers posting offline writes two chains: all accepted, no fork', { timeout: 180000 }, async () => {
  const one = await openBrowser();
  const two = await openBrowser();
  firstBrowser = one;
  await importAccount(one.page, alice.sk, PASSPHRASE);
  await importAccount(two.page, alice.sk, PASSPHRASE);
  // One post each while online, then the relay goes away and each posts twice more.
  await openCommunity(one.page);
  await submitPost(one.page, 'One online', 'first browser');
  await openCommunity(two.page);
  await submitPost(two.page, 'Two online', 'second browser');
  await relay.stop();
  for (const { page } of [one, two]) await page.waitForSelector('[data-testid=sync-status][data-state=connecting]', T);
  for (const [i, { page }] of [one, two].entries()) {
    for (const n of [1, 2]) {
      await openCommunity(page);
      await submitPost(page, `Offline ${i + 1}.${n}`, `written offline in browser ${i + 1}`);
    }
    await page.getByTestId('outbox-pending').waitFor(T);
  }
  await screenshot(one.page, 'chain-offline-queued');
  relay = await startAppRelay({ port, dir: relayDir });
  for (const { page } of [one, two]) await page.getByTestId('outbox-pending').waitFor({ state: 'detached', timeout: 30000 });

  const client = await connect(relay.url);
  const posts = await fetchEvents(client, [{ authors: [alice.pk], kinds: [1111] }]);
  assert.equal(posts.length, 6, 'every post accepted');
  const chains = new Map();
  for (const post of posts) {
    const tag = chainTag(post);
    assert.ok(tag, `post ${post.id} carries a chain tag`);
    const link = datt.chain.parseTag(tag);
    if (!chains.has(link.chain)) chains.set(link.chain, []);
    chains.get(link.chain).push({ ...link, id: post.id });
  }
  assert.equal(chains.size, 2, 'one chain per browser');
  for (const links of chains.values()) {
    links.sort((a, b) => a.seq - b.seq);
    assert.deepEqual(links.map((l) => l.seq), [0, 1, 2]);
    for (let i = 1; i < links.length; ++i) assert.equal(links[i].prev, links[i - 1].id, 'each links to the one before');
  }
  assert.equal((await fetchEvents(client, [{ kinds: [4560], '#p': [alice.pk] }])).length, 0, 'no fork proof');
  assert.equal(await metric('datt_fork_proofs_total'), 0);
  client.close();

  // Each browser sees the other's posts, and Alice unmarked, with nothing missing.
  for (const { page } of [one, two]) {
    await openCommunity(page);
    await page.getByTestId('sort-new').click();
    for (const title of ['Offline 1.2', 'Offline 2.2']) await page.getByTestId('post-row').filter({ hasText: title }).waitFor(T);
    await go(page, `#/u/${alice.pk}`);
    await page.getByTestId('profile-page').waitFor(T);
    await page.getByTestId('post-row').filter({ hasText: 'Offline 2.1' }).waitFor(T);
    assert.equal(await page.getByTestId('forked').count(), 0);
    assert.equal(await page.getByTestId('chain-missing').count(), 0);
    assert.equal(await page.getByTestId('unchained').count(), 0);
  }
  await screenshot(two.page, 'chain-two-browsers-synced');
  for (const [i, { page }] of [one, two].entries()) {
    // Within a browser's chain the profile shows the newest first.
    const titles = await page.getByTestId('post-row').allInnerTexts();
    const at = (t) => titles.findIndex((x) => x.includes(t));
    assert.ok(at(`Offline ${i + 1}.2`) < at(`Offline ${i + 1}.1`));
  }
});

test('a reader marks a forked author and an unchained post, and fetches what a chain misses', { timeout: 120000 }, async () => {
  const reader = await openBrowser();
  const mallory = newKey();
  const carol = newKey();
  const dave = newKey();
  const client = await connect(relay.url);
  const t0 = now() - 30;
  const post = (key, title, tags, at) => finalizeEvent({ ...buildPost({ community, title, body: title }, at),
    tags: [...buildPost({ community, title, body: title }, at).tags, ...tags] }, key.sk);

  // Mallory signs two different events at seq 1 of one chain: the relay refuses the second
  // and publishes a fork proof.
  const mChain = datt.chain.newChainId();
  const m0 = post(mallory, 'Mallory zero', [datt.chain.nextTag(mChain, null)], t0);
  await publishOk(client, m0);
  const m1 = post(mallory, 'Mallory one', [datt.chain.nextTag(mChain, { seq: 0, id: m0.id })], t0 + 1);
  await publishOk(client, m1);
  const m1b = post(mallory, 'Mallory one again', [datt.chain.nextTag(mChain, { seq: 0, id: m0.id })], t0 + 2);
  const [, , ok, message] = await publish(client, m1b);
  assert.equal(ok, false);
  assert.match(message, /^invalid: fork/);
  assert.equal((await fetchEvents(client, [{ kinds: [4560], '#p': [mallory.pk] }])).length, 1);

  // Carol's client keeps no chains.
  await publishOk(client, post(carol, 'Carol unchained', [], t0 + 3));

  // Dave's chain has a hole at seq 1 (a vote outside the community, published later).
  const dChain = datt.chain.newChainId();
  const d0 = post(dave, 'Dave zero', [datt.chain.nextTag(dChain, null)], t0);
  const d1 = finalizeEvent({ kind: 7, created_at: t0 + 1, content: '+',
    tags: [['e', m0.id, '', mallory.pk], ['p', mallory.pk], ['k', '1111'], datt.chain.nextTag(dChain, { seq: 0, id: d0.id })] }, dave.sk);
  const d2 = post(dave, 'Dave two', [datt.chain.nextTag(dChain, { seq: 1, id: d1.id })], t0 + 2);
  const d3 = post(dave, 'Dave three', [datt.chain.nextTag(dChain, { seq: 2, id: d2.id })], t0 + 3);
  await publishOk(client, d0);
  for (const event of [d2, d3]) {
    const [, , stored, note] = await publish(client, event);
    assert.equal(stored, true);
    assert.match(note, /^gap: 1 events? missing/);
  }

  const { page } = reader;
  await openCommunity(page);
  await page.getByTestId('sort-new').click();
  const row = (title) => page.getByTestId('post-row').filter({ hasText: title });
  await row('Carol unchained').getByTestId('unchained').waitFor(T);
  assert.equal(await row('Mallory one').first().getByTestId('unchained').count(), 0);
  await row('Mallory one').first().getByTestId('forked').waitFor(T);
  assert.equal(await row('Dave two').getByTestId('forked').count(), 0);
  await screenshot(page, 'chain-marks');

  await go(page, `#/u/${mallory.pk}`);
  await page.getByTestId('chain-forked').waitFor(T);
  await screenshot(page, 'chain-forked-author');

  await go(page, `#/u/${dave.pk}`);
  const missing = page.getByTestId('chain-missing');
  await missing.waitFor(T);
  assert.match(await missing.innerText(), /^1 event missing/);
  await screenshot(page, 'chain-missing');
  // The missing event reaches the relay; the next visit to the page fetches it.
  await publishOk(client, d1);
  client.close();
  await go(page, '#/');
  await go(page, `#/u/${dave.pk}`);
  await page.getByTestId('profile-page').waitFor(T);
  await missing.waitFor({ state: 'detached', timeout: 20000 });
  assert.deepEqual(reader.profile.errors, []);
});

test('two tabs of one browser posting at once take distinct positions of its chain', { timeout: 120000 }, async () => {
  const { profile, page } = firstBrowser;
  const second = await profile.context.newPage();
  await second.goto(base);
  await second.waitForSelector('html[data-ready=true]', T);
  await go(second, '#/account');
  const form = second.getByTestId('unlock-form');
  await form.locator('input[name=passphrase]').fill(PASSPHRASE);
  await form.getByRole('button', { name: 'Unlock' }).click();
  await second.getByTestId('lock-button').waitFor(T);
  for (const p of [page, second]) {
    await openCommunity(p);
    await p.getByTestId('new-post').click();
    const f = p.getByTestId('submit-form');
    await f.locator('input[name=title]').fill(p === page ? 'Tab one at once' : 'Tab two at once');
    await f.locator('textarea[name=body]').fill('both tabs click together');
  }
  // Both click Post in the same moment: one waits for the other's position.
  await Promise.all([page, second].map((p) => p.getByTestId('submit-form').getByRole('button', { name: 'Post' }).click()));
  for (const p of [page, second]) await p.getByTestId('post-page').waitFor(T);
  for (const p of [page, second]) await p.getByTestId('outbox-pending').waitFor({ state: 'detached', timeout: 20000 });
  const client = await connect(relay.url);
  const posts = await fetchEvents(client, [{ authors: [alice.pk], kinds: [1111] }]);
  const mine = posts.filter((e) => /at once/.test(e.tags.find((t) => t[0] === 'title')?.[1] ?? ''));
  assert.equal(mine.length, 2, 'both posts accepted');
  const links = mine.map((e) => datt.chain.parseTag(chainTag(e)));
  assert.equal(links[0].chain, links[1].chain, 'one browser, one chain');
  assert.deepEqual(links.map((l) => l.seq).sort(), [3, 4], 'distinct positions after the three posts of the first test');
  const [lower, upper] = [...mine].sort((a, b) => datt.chain.parseTag(chainTag(a)).seq - datt.chain.parseTag(chainTag(b)).seq);
  assert.equal(datt.chain.parseTag(chainTag(upper)).prev, lower.id);
  assert.equal((await fetchEvents(client, [{ kinds: [4560], '#p': [alice.pk] }])).length, 0, 'no fork proof');
  client.close();
  await second.close();
});
