// End-to-end: community moderation and proof of work in the web app against the real relay
// (docs/web.md "Moderation", "Proof of work"). The owner, in one Chromium profile, removes a
// post, bans its author, pins and locks another post with the moderator tools; a user's
// browser then shows the removed post gone (the banned author's earlier post stays: a ban
// applies from its time on, as the core's view says), the pinned post first, the locked thread without a comment box, and the public modlog; the relay refuses
// the banned author. In a community whose definition requires NIP-13 proof of work, posting
// shows the mining progress, cancel stops it with nothing published, and a mined post is
// accepted with the difficulty met. Screenshots in build/test-output/e2e.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadDatt } from '../../build/wasm/dist/datt.mjs';
import { buildCommunity, buildPost, communityAddress } from '../../web/src/lib/events.js';
import { connect, fetchEvents, finalizeEvent, newKey, now, publish, publishOk } from '../relay/support.mjs';
import {
  freePort, go, importAccount, launchProfile, requireBuilt, screenshot, startAppRelay, tempDir,
} from './support.mjs';

const PASSPHRASE = 'correct horse battery staple';
const T = { timeout: 20000 };
let datt;
let relay;
let relayDir;
let base;
const profiles = [];
const owner = newKey();
const bob = newKey();
const eve = newKey();
const carol = newKey();

before(async () => {
  requireBuilt();
  datt = await loadDatt();
  relayDir = tempDir('datt-e2e-moderation-');
  const port = await freePort();
  relay = await startAppRelay({ port, dir: relayDir });
  base = `http://127.0.0.1:${port}/`;
});

after(async () => {
  for (const p of profiles) await p.close();
  await relay?.stop();
});


async function browserWith(key) {
  const profile = await launchProfile();
  profiles.push(profile);
  const page = await profile.page();
  await page.goto(base);
  await page.waitForSelector('html[data-ready=true]', T);
  await importAccount(page, key.sk, PASSPHRASE);
  return { profile, page };
}

async function openCommunity(page, identifier) {
  await go(page, `#/c/${owner.pk}/${identifier}`);
  await page.getByTestId('community-page').waitFor(T);
  await page.getByTestId('sort-new').click();
}

const row = (page, title) => page.getByTestId('post-row').filter({ hasText: title });

async function modAction(page, name, reason = '') {
  await page.getByTestId('mod-tools').first().click();
  const panel = page.getByTestId('mod-panel');
  if (reason) await panel.getByRole('textbox', { name: 'Reason' }).fill(reason);
  await panel.getByTestId(`mod-${name}`).click();
  await panel.waitFor({ state: 'detached', timeout: 20000 });
}

test('a moderator removes a post and bans its author; another user sees the result and the modlog', { timeout: 180000 }, async () => {
  const client = await connect(relay.url);
  const t0 = now() - 120;
  await publishOk(client, finalizeEvent(buildCommunity({ identifier: 'garden', name: 'Garden' }, t0), owner.sk));
  const address = communityAddress(owner.pk, 'garden');
  const post = (key, title, at) => finalizeEvent(buildPost({ community: address, title, body: `${title}.` }, at), key.sk);
  const spam = post(eve, 'Buy cheap spam', t0 + 10);
  const eveOther = post(eve, 'Eve again', t0 + 11);
  const carolPost = post(carol, 'Carol on roses', t0 + 5);
  const carolSecond = post(carol, 'Carol on tulips', t0 + 20);
  for (const e of [spam, eveOther, carolPost, carolSecond]) await publishOk(client, e);

  const mod = await browserWith(owner);
  const user = await browserWith(bob);
  const { page } = mod;
  await openCommunity(page, 'garden');
  await row(page, 'Buy cheap spam').getByRole('link', { name: 'Buy cheap spam' }).click();
  await page.getByTestId('post-page').waitFor(T);
  await modAction(page, 'remove', 'spam');
  await page.getByTestId('removed-mark').waitFor(T);
  await modAction(page, 'ban', 'spammer');
  await screenshot(page, 'moderation-removed-banned');

  await openCommunity(page, 'garden');
  await row(page, 'Carol on roses').getByRole('link', { name: 'Carol on roses' }).click();
  await page.getByTestId('post-page').waitFor(T);
  await modAction(page, 'pin');
  await modAction(page, 'lock', 'settled');
  await page.getByTestId('locked-mark').waitFor(T);
  // The owner may still comment in a locked thread.
  assert.equal(await page.getByTestId('comment-form').count(), 1);

  // The relay has the four entries, and refuses the banned author from now on.
  const log = await fetchEvents(client, [{ kinds: [4551, 4552, 4554, 4556], '#a': [address] }]);
  assert.deepEqual(log.map((e) => e.kind).sort(), [4551, 4552, 4554, 4556]);
  for (const entry of log) assert.ok(entry.tags.some((t) => t[0] === 'chain'), 'moderation entries are chained');
  const [, , ok, message] = await publish(client, post(eve, 'Eve is back', now()));
  assert.equal(ok, false);
  assert.match(message, /^blocked: you are banned/);
  client.close();

  // Another user's browser: the spam and the banned author's other post are gone, the pinned
  // post comes first, the locked thread has no comment box.
  const other = user.page;
  await openCommunity(other, 'garden');
  await row(other, 'Carol on tulips').waitFor(T);
  await row(other, 'Carol on roses').getByTestId('pinned').waitFor(T);
  const titles = await other.getByTestId('post-row').allInnerTexts();
  assert.ok(titles[0].includes('Carol on roses'), `pinned first: ${titles}`);
  assert.equal(await row(other, 'Buy cheap spam').count(), 0);
  // A ban applies from its time on (the core's view): Eve's earlier post stays, and the relay
  // refuses her new ones (above).
  assert.equal(await row(other, 'Eve again').count(), 1);
  assert.equal(await other.getByTestId('mod-tools').count(), 0);
  await screenshot(other, 'moderation-user-view');
  await row(other, 'Carol on roses').getByRole('link', { name: 'Carol on roses' }).click();
  await other.getByTestId('thread-locked').waitFor(T);
  assert.equal(await other.getByTestId('comment-form').count(), 0);
  assert.equal(await other.getByTestId('mod-tools').count(), 0, 'no moderator tools for a user');
  await go(other, `#/post/${spam.id}`);
  await other.getByTestId('post-page').waitFor(T);
  assert.equal(await other.getByTestId('post-title').innerText(), '[removed by the moderators]');

  await openCommunity(other, 'garden');
  await other.getByTestId('modlog-link').click();
  await other.getByTestId('modlog-page').waitFor(T);
  const entries = other.getByTestId('modlog-entry');
  await entries.nth(3).waitFor(T);
  const actions = await entries.evaluateAll((els) => els.map((e) => [e.dataset.action, e.dataset.effect]));
  assert.deepEqual(actions, [['lock', 'applied'], ['pin', 'applied'], ['ban', 'applied'], ['remove', 'applied']]);
  assert.match(await entries.nth(3).innerText(), /spam/);
  await screenshot(other, 'moderation-modlog');
  // The home feed passes each post through its community's view too.
  await go(other, '#/');
  await other.getByTestId('sort-new').click();
  await row(other, 'Carol on tulips').waitFor(T);
  assert.equal(await row(other, 'Buy cheap spam').count(), 0);
  assert.deepEqual(user.profile.errors, []);
  assert.deepEqual(mod.profile.errors, []);
});

test('proof of work: progress shown, cancel stops it, a mined post is accepted', { timeout: 180000 }, async () => {
  const client = await connect(relay.url);
  const t0 = now() - 60;
  const withPow = (identifier, name, bits) => {
    const template = buildCommunity({ identifier, name }, t0);
    template.tags.push(['pow', String(bits)]);
    return finalizeEvent(template, owner.sk);
  };
  await publishOk(client, withPow('fortress', 'Fortress', 40));
  await publishOk(client, withPow('workshop', 'Workshop', 14));
  const miner = await browserWith(bob);
  const { page } = miner;

  // Difficulty 40 cannot finish here: the progress counts up, and cancel ends it.
  await openCommunity(page, 'fortress');
  await page.getByTestId('new-post').click();
  let form = page.getByTestId('submit-form');
  await form.locator('input[name=title]').fill('Never mined');
  await form.locator('textarea[name=body]').fill('cancelled');
  await form.getByRole('button', { name: 'Post' }).click();
  const progress = page.getByTestId('pow-progress');
  await progress.waitFor(T);
  await page.waitForFunction(() => {
    const text = document.querySelector('[data-testid=pow-tried]')?.textContent ?? '0';
    return /k|M|G/.test(text);
  }, null, T);
  assert.match(await progress.innerText(), /difficulty 40/);
  await screenshot(page, 'pow-progress');
  await page.getByTestId('pow-cancel').click();
  await progress.waitFor({ state: 'detached', timeout: 10000 });
  await form.getByRole('alert').filter({ hasText: 'cancelled' }).waitFor(T);
  assert.equal((await fetchEvents(client, [{ authors: [bob.pk], kinds: [1111] }])).length, 0, 'nothing published');
  await form.getByRole('button', { name: 'Cancel' }).click();

  // Difficulty 14: mined, signed, accepted.
  await openCommunity(page, 'workshop');
  await page.getByTestId('new-post').click();
  form = page.getByTestId('submit-form');
  await form.locator('input[name=title]').fill('Worked for it');
  await form.locator('textarea[name=body]').fill('mined in a worker');
  await form.getByRole('button', { name: 'Post' }).click();
  await page.getByTestId('post-page').waitFor(T);
  await page.getByTestId('outbox-pending').waitFor({ state: 'detached', timeout: 20000 });
  const [mined] = await fetchEvents(client, [{ authors: [bob.pk], kinds: [1111] }]);
  assert.ok(mined, 'the mined post is on the relay');
  assert.ok(datt.community.leadingZeroBits(mined.id) >= 14);
  const nonce = mined.tags.find((t) => t[0] === 'nonce');
  assert.equal(nonce[2], '14', 'the nonce tag commits to the difficulty');
  assert.ok(mined.tags.some((t) => t[0] === 'chain'), 'the chain tag is part of what was mined');
  assert.ok(datt.community.meetsDifficulty(mined, 14));
  // Without the work the relay says what is required.
  const lazy = finalizeEvent(buildPost({ community: communityAddress(owner.pk, 'workshop'), title: 'lazy', body: 'no work' }, now()), carol.sk);
  const [, , ok, message] = await publish(client, lazy);
  assert.equal(ok, false);
  assert.equal(message, 'pow: difficulty 14 required');
  client.close();
  assert.deepEqual(miner.profile.errors, []);
});
