// End-to-end: the inbox. Alice (a browser) gets a count in the header when Bob (another
// browser) replies to her post in a community she has not joined and when Carol (a client
// outside the browser) mentions her with nostr:npub in a comment elsewhere; the inbox lists
// both marked new; after a reload they are read (count gone, no "new" mark); a later reply
// counts again, live. Screenshots in build/test-output/e2e.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { nip19 } from 'nostr-tools';
import { buildComment, buildCommunity, buildPost, communityAddress } from '../../web/src/lib/events.js';
import { connect, finalizeEvent, newKey, now, publishOk } from '../relay/support.mjs';
import { freePort, launchProfile, requireBuilt, screenshot, startAppRelay, tempDir, go, importAccount } from './support.mjs';

const T = { timeout: 20000 };
const PASSPHRASE = 'correct horse battery staple';
let relay;
let base;
let alice;
let bob;
const aliceKey = newKey();
const bobKey = newKey();
const carolKey = newKey();
const events = {};

function importKey(page, key) {
  return importAccount(page, key.sk, PASSPHRASE);
}

before(async () => {
  requireBuilt();
  const port = await freePort();
  relay = await startAppRelay({ port, dir: tempDir('datt-inbox-relay-') });
  base = `http://127.0.0.1:${port}/`;
  const at = now();
  const address = communityAddress(carolKey.pk, 'garden');
  events.community = finalizeEvent(buildCommunity({ identifier: 'garden', name: 'Garden' }, at - 60), carolKey.sk);
  events.alicePost = finalizeEvent(buildPost({ community: address, title: 'My tomatoes', body: 'Red at last.' }, at - 50),
    aliceKey.sk);
  events.carolPost = finalizeEvent(buildPost({ community: address, title: 'Weekly thread', body: 'Say hi.' }, at - 50),
    carolKey.sk);
  const client = await connect(relay.url);
  for (const e of Object.values(events)) await publishOk(client, e);
  client.close();
  alice = await launchProfile();
  bob = await launchProfile();
});

after(async () => {
  await alice?.close();
  await bob?.close();
  await relay?.stop();
});

test('replies and mentions reach the inbox with a count; read state survives a reload', { timeout: 150000 }, async () => {
  const pageA = await alice.page();
  const pageB = await bob.page();
  await Promise.all([pageA.goto(base), pageB.goto(base)]);
  await importKey(pageA, aliceKey);
  await importKey(pageB, bobKey);
  await go(pageA, '#/');
  // Nothing addresses Alice yet.
  await pageA.getByTestId('inbox-link').waitFor(T);
  assert.equal(await pageA.getByTestId('inbox-count').count(), 0);

  // Bob replies to Alice's post (opened by its link); Carol mentions her elsewhere.
  await go(pageB, `#/post/${events.alicePost.id}`);
  await pageB.getByTestId('post-title').filter({ hasText: 'My tomatoes' }).waitFor(T);
  await pageB.getByTestId('comment-form').locator('textarea').fill('Those look great, Alice!');
  await pageB.getByTestId('comment-form').getByRole('button', { name: 'Comment' }).click();
  await pageB.locator('[data-testid=comment] .md').filter({ hasText: 'Those look great' }).waitFor(T);
  const client = await connect(relay.url);
  const mention = finalizeEvent(buildComment({ community: communityAddress(carolKey.pk, 'garden'), parent: events.carolPost,
    body: `Welcome nostr:${nip19.npubEncode(aliceKey.pk)}, show us your garden.` }, now()), carolKey.sk);
  await publishOk(client, mention);
  client.close();

  await pageA.waitForFunction(() => document.querySelector('[data-testid=inbox-count]')?.textContent === '2', null, T);
  await screenshot(pageA, 'inbox-count');
  await pageA.getByTestId('inbox-link').click();
  await pageA.getByTestId('inbox-page').waitFor(T);
  const items = pageA.getByTestId('inbox-item');
  await pageA.waitForFunction(() => document.querySelectorAll('[data-testid=inbox-item]').length === 2, null, T);
  const reply = items.filter({ hasText: 'Those look great' });
  const mentioned = items.filter({ hasText: 'show us your garden' });
  assert.match(await reply.innerText(), /replied to your post/);
  assert.match(await reply.innerText(), /My tomatoes/);
  assert.match(await mentioned.innerText(), /mentioned you/);
  assert.equal(await reply.getAttribute('data-new'), 'true');
  assert.equal(await mentioned.getAttribute('data-new'), 'true');
  // Seen: the header count is gone while the marks stay for this visit.
  await pageA.getByTestId('inbox-count').waitFor({ state: 'detached', ...T });
  await screenshot(pageA, 'inbox');

  // The context link opens the reply in its thread.
  await reply.getByTestId('inbox-context').click();
  await pageA.locator('[data-testid=comment] .md').filter({ hasText: 'Those look great' }).waitFor(T);

  // After a reload both are read: no count, no "new" mark.
  await pageA.reload();
  await pageA.waitForSelector('html[data-ready=true]', T);
  await go(pageA, '#/inbox');
  await pageA.waitForFunction(() => document.querySelectorAll('[data-testid=inbox-item]').length === 2, null, T);
  assert.deepEqual(await items.evaluateAll((els) => els.map((e) => e.dataset.new)), ['false', 'false']);
  assert.equal(await pageA.getByTestId('inbox-count').count(), 0);

  // A new reply counts again, live, on another page.
  await go(pageA, '#/');
  await pageB.getByTestId('comment-form').locator('textarea').fill('Which variety?');
  await pageB.getByTestId('comment-form').getByRole('button', { name: 'Comment' }).click();
  await pageA.waitForFunction(() => document.querySelector('[data-testid=inbox-count]')?.textContent === '1', null, T);
  assert.deepEqual(alice.errors.filter((e) => !/favicon/.test(e)), []);
});
