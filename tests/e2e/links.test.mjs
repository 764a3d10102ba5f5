// End-to-end: shared links open for anyone. A fresh browser opens the link of a post that
// lives only on a second relay (named in the link's nevent relay hints) and sees the post,
// its thread (with an edit), community and author names; a comment link opens that comment
// in its thread;
// an unknown id ends in "not found on your relays"; the share button's link decodes (by
// nostr-tools, not the app's own NIP-19) to the event's id, author, kind and relays; a
// community naddr link opens the community. Screenshots in build/test-output/e2e.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { nip19 } from 'nostr-tools';
import { buildComment, buildCommunity, buildEdit, buildPost, buildProfile, communityAddress } from '../../web/src/lib/events.js';
import { connect, finalizeEvent, newKey, now, publishOk, randomHex } from '../relay/support.mjs';
import { freePort, launchProfile, requireBuilt, screenshot, startAppRelay, tempDir } from './support.mjs';
import { startRelay } from '../relay/support.mjs';

const T = { timeout: 20000 };
let appRelay;
let otherRelay;
let base;
let otherUrl;
const events = {};
const owner = newKey();
const writer = newKey();

before(async () => {
  requireBuilt();
  const port = await freePort();
  appRelay = await startAppRelay({ port, dir: tempDir('datt-links-app-') });
  base = `http://127.0.0.1:${port}/`;
  const dir = tempDir('datt-links-other-');
  otherRelay = await startRelay({ dir, database: `${dir}/datt.sqlite3` });
  otherUrl = otherRelay.url.endsWith('/') ? otherRelay.url : `${otherRelay.url}/`;
  // Everything lives on the other relay only: the app's own relay has none of it.
  const at = now();
  const address = communityAddress(owner.pk, 'far-away');
  events.community = finalizeEvent(buildCommunity({ identifier: 'far-away', name: 'Far Away',
    description: 'Only on the *other* relay.' }, at - 100), owner.sk);
  events.ownerProfile = finalizeEvent(buildProfile({ name: 'olga' }, at - 100), owner.sk);
  events.writerProfile = finalizeEvent(buildProfile({ name: 'walter' }, at - 100), writer.sk);
  events.post = finalizeEvent(buildPost({ community: address, title: 'A post from afar', body: 'Hello from the other relay.' },
    at - 90), writer.sk);
  events.reply = finalizeEvent(buildComment({ community: address, parent: events.post, body: 'First reply' }, at - 80), owner.sk);
  events.deep = finalizeEvent(buildComment({ community: address, parent: events.reply, body: 'A reply to the reply' }, at - 70),
    writer.sk);
  // The reply was edited by its author: the link shows the edit.
  events.replyEdit = finalizeEvent(buildEdit({ target: events.reply, community: address, body: 'First reply, edited' }, at - 75),
    owner.sk);
  const client = await connect(otherUrl);
  for (const e of Object.values(events)) await publishOk(client, e);
  client.close();
});

after(async () => {
  await appRelay?.stop();
  await otherRelay?.stop();
});

async function freshPage() {
  const profile = await launchProfile();
  const page = await profile.page();
  return { profile, page };
}

test('a fresh browser opens a shared post link whose post lives only on the hinted relay', { timeout: 90000 }, async () => {
  const { profile, page } = await freshPage();
  try {
    const nevent = nip19.neventEncode({ id: events.post.id, relays: [otherUrl], author: writer.pk, kind: 1111 });
    await page.goto(`${base}#/e/${nevent}`);
    await page.getByTestId('post-title').filter({ hasText: 'A post from afar' }).waitFor(T);
    // The thread (two levels), the author's and the replier's names, the community's name.
    await page.locator('[data-testid=comment] .md').filter({ hasText: 'A reply to the reply' }).waitFor(T);
    await page.getByTestId('comment').filter({ hasText: 'First reply, edited' }).getByTestId('edited').first().waitFor(T);
    await page.locator('.post-head .author').filter({ hasText: 'walter' }).waitFor(T);
    await page.getByTestId('comment').first().locator('.author').first().filter({ hasText: 'olga' }).waitFor(T);
    assert.equal(await page.getByTestId('comment-count').innerText(), '2 comments');
    await screenshot(page, 'link-post-fresh-browser');

    // The share button gives a link nostr-tools decodes to this post, with relay hints.
    await page.locator('.post-head').getByTestId('share').click();
    const link = await page.locator('.post-head').getByTestId('share-link').inputValue();
    assert.ok(link.startsWith(`${base}#/e/nevent1`), link);
    const decoded = nip19.decode(link.slice(link.indexOf('#/e/') + 4));
    assert.equal(decoded.type, 'nevent');
    assert.equal(decoded.data.id, events.post.id);
    assert.equal(decoded.data.author, writer.pk);
    assert.equal(decoded.data.kind, 1111);
    assert.ok(decoded.data.relays.length >= 1 && decoded.data.relays.every((r) => r.startsWith('ws://127.0.0.1:')),
      JSON.stringify(decoded.data.relays));
    await screenshot(page, 'link-share');
  } finally {
    await profile.close();
  }
});

test('a comment link opens the comment in its thread; the community link opens the community', { timeout: 90000 }, async () => {
  const { profile, page } = await freshPage();
  try {
    const nevent = nip19.neventEncode({ id: events.deep.id, relays: [otherUrl] });
    await page.goto(`${base}#/e/${nevent}`);
    await page.getByTestId('post-title').filter({ hasText: 'A post from afar' }).waitFor(T);
    // Focused on the linked comment: it is the one thread shown, with the way back.
    await page.locator('[data-testid=comment] .md').filter({ hasText: 'A reply to the reply' }).waitFor(T);
    await page.getByRole('link', { name: '← back to all comments' }).waitFor(T);
    assert.equal(await page.locator('[data-testid=comment] .md').filter({ hasText: 'First reply' }).count(), 0);
    await screenshot(page, 'link-comment');

    const naddr = nip19.naddrEncode({ kind: 34550, pubkey: owner.pk, identifier: 'far-away', relays: [otherUrl] });
    await page.goto(`${base}#/a/${naddr}`);
    await page.getByRole('heading', { name: 'Far Away' }).waitFor(T);
    await page.getByText('Only on the other relay.').waitFor(T);
    await screenshot(page, 'link-community');
  } finally {
    await profile.close();
  }
});

test('a link to an event no relay has ends in "not found on your relays"', { timeout: 60000 }, async () => {
  const { profile, page } = await freshPage();
  try {
    const nevent = nip19.neventEncode({ id: randomHex(32), relays: [otherUrl] });
    await page.goto(`${base}#/e/${nevent}`);
    const notFound = page.getByTestId('not-found');
    await notFound.waitFor(T);
    assert.match(await notFound.innerText(), /not found on your relays/);
    // It says where it looked: the app's relay and the hinted one.
    assert.match(await notFound.innerText(), new RegExp(otherUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    await screenshot(page, 'link-not-found');
    // A malformed link says so instead of looking.
    await page.goto(`${base}#/e/nevent1qqqqbroken`);
    await page.getByTestId('bad-link').waitFor(T);
    // An old-style post link to an unknown id looks too, and ends the same way.
    await page.goto(`${base}#/post/${randomHex(32)}`);
    await page.getByTestId('not-found').waitFor(T);
  } finally {
    await profile.close();
  }
});
