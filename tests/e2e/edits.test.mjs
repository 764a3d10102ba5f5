// End-to-end: saved posts and edits. Alice saves a post and a comment in one browser; her
// second browser (the same account imported) lists both under Saved (NIP-51 kind 10003).
// She edits her comment and her post; the second browser shows the new text and title
// marked "edited", and "show original" the unchanged original, which the relay still holds
// with a valid signature next to the kind 1010 edit. Screenshots in build/test-output/e2e.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { verifyEvent } from 'nostr-tools';
import { buildComment, buildCommunity, buildPost, communityAddress } from '../../web/src/lib/events.js';
import { connect, fetchEvents, finalizeEvent, newKey, now, publishOk } from '../relay/support.mjs';
import { freePort, launchProfile, requireBuilt, screenshot, startAppRelay, tempDir, go, importAccount } from './support.mjs';

const T = { timeout: 20000 };
const PASSPHRASE = 'correct horse battery staple';
let relay;
let base;
let first;
let second;
const alice = newKey();
const carol = newKey();
const address = communityAddress(carol.pk, 'notes');
const events = {};

function importKey(page, key) {
  return importAccount(page, key.sk, PASSPHRASE);
}

before(async () => {
  requireBuilt();
  const port = await freePort();
  relay = await startAppRelay({ port, dir: tempDir('datt-edits-relay-') });
  base = `http://127.0.0.1:${port}/`;
  const at = now();
  events.community = finalizeEvent(buildCommunity({ identifier: 'notes', name: 'Notes' }, at - 60), carol.sk);
  events.post = finalizeEvent(buildPost({ community: address, title: 'Carol asks', body: 'Ideas welcome.' }, at - 50), carol.sk);
  events.comment = finalizeEvent(buildComment({ community: address, parent: events.post, body: 'Carol adds a detail.' }, at - 40),
    carol.sk);
  const client = await connect(relay.url);
  for (const e of Object.values(events)) await publishOk(client, e);
  client.close();
  first = await launchProfile();
  second = await launchProfile();
});

after(async () => {
  await first?.close();
  await second?.close();
  await relay?.stop();
});

test('saved items follow the account to a second browser; edits show there marked, the original stays verifiable', { timeout: 180000 }, async () => {
  const pageA = await first.page();
  const pageB = await second.page();
  await Promise.all([pageA.goto(base), pageB.goto(base)]);
  await importKey(pageA, alice);

  // Save the post and Carol's comment.
  await go(pageA, `#/post/${events.post.id}`);
  await pageA.getByTestId('post-title').filter({ hasText: 'Carol asks' }).waitFor(T);
  await pageA.locator('.post-head').getByTestId('save').click();
  await pageA.locator('.post-head').getByTestId('save').filter({ hasText: 'unsave' }).waitFor(T);
  const carolComment = pageA.getByTestId('comment').filter({ hasText: 'Carol adds a detail.' });
  await carolComment.getByTestId('save').click();
  await carolComment.getByTestId('save').filter({ hasText: 'unsave' }).waitFor(T);

  // Alice comments, then edits the comment.
  await pageA.getByTestId('comment-form').locator('textarea').fill('Teh first idea');
  await pageA.getByTestId('comment-form').getByRole('button', { name: 'Comment' }).click();
  await pageA.getByTestId('comment').filter({ hasText: 'Teh first idea' }).waitFor(T);
  // While edited its text is in a textarea, which a text filter does not see: find it by id.
  const mineId = await pageA.getByTestId('comment').filter({ hasText: 'Teh first idea' }).getAttribute('data-id');
  const mine = pageA.locator(`[data-testid=comment][data-id="${mineId}"]`);
  await mine.getByTestId('edit').click();
  await mine.getByTestId('edit-form').locator('textarea').fill('The first idea');
  await mine.getByTestId('edit-form').getByRole('button', { name: 'Save edit' }).click();
  const edited = pageA.getByTestId('comment').filter({ hasText: 'The first idea' });
  await edited.getByTestId('edited').waitFor(T);

  // Alice posts in the community and edits the post's title and text.
  await go(pageA, `#/c/${carol.pk}/notes`);
  await pageA.getByTestId('new-post').click();
  const form = pageA.getByTestId('submit-form');
  await form.locator('input[name=title]').fill('Draft title');
  await form.locator('textarea[name=body]').fill('Draft body.');
  await form.getByRole('button', { name: 'Post' }).click();
  await pageA.getByTestId('post-page').waitFor(T);
  const postId = pageA.url().split('#/post/')[1];
  await pageA.locator('.post-head').getByTestId('edit').click();
  const postForm = pageA.getByTestId('edit-form');
  await postForm.locator('input[name=title]').fill('Final title');
  await postForm.locator('textarea[name=body]').fill('Final body.');
  await postForm.getByRole('button', { name: 'Save edit' }).click();
  await pageA.getByTestId('post-title').filter({ hasText: 'Final title' }).waitFor(T);
  await screenshot(pageA, 'edit-post');

  // The second browser: the same account imported.
  await importKey(pageB, alice);
  await pageB.getByTestId('saved-link').click();
  await pageB.getByTestId('saved-page').waitFor(T);
  await pageB.getByTestId('post-row').filter({ hasText: 'Carol asks' }).waitFor(T);
  await pageB.getByTestId('saved-comment').filter({ hasText: 'Carol adds a detail.' }).waitFor(T);
  assert.equal(await pageB.getByTestId('post-row').count(), 1);
  await screenshot(pageB, 'saved-second-browser');

  // Her edits show there, marked; "show original" shows the first text.
  await go(pageB, `#/post/${events.post.id}`);
  const there = pageB.getByTestId('comment').filter({ hasText: 'The first idea' });
  await there.getByTestId('edited').waitFor(T);
  await there.getByTestId('show-original').click();
  await pageB.getByTestId('comment').filter({ hasText: 'Teh first idea' }).waitFor(T);
  await screenshot(pageB, 'edit-original');
  await go(pageB, `#/c/${carol.pk}/notes`);
  const row = pageB.getByTestId('post-row').filter({ hasText: 'Final title' });
  await row.getByTestId('row-edited').waitFor(T);
  await go(pageB, `#/post/${postId}`);
  await pageB.getByTestId('post-title').filter({ hasText: 'Final title' }).waitFor(T);
  await pageB.locator('.post-full .md').filter({ hasText: 'Final body.' }).waitFor(T);
  await pageB.locator('.post-head').getByTestId('show-original').click();
  await pageB.getByTestId('post-title').filter({ hasText: 'Draft title' }).waitFor(T);
  await pageB.locator('.post-full .md').filter({ hasText: 'Draft body.' }).waitFor(T);

  // At the relay: the original untouched and verifiable, the edits naming it.
  const client = await connect(relay.url);
  const [original] = await fetchEvents(client, [{ ids: [postId] }]);
  const edits = await fetchEvents(client, [{ kinds: [1010], authors: [alice.pk] }]);
  const lists = await fetchEvents(client, [{ kinds: [10003], authors: [alice.pk] }]);
  client.close();
  assert.equal(verifyEvent(original), true);
  assert.equal(original.content, 'Draft body.');
  const postEdit = edits.find((e) => e.tags.some((t) => t[0] === 'e' && t[1] === postId));
  assert.ok(postEdit && verifyEvent(postEdit));
  assert.equal(postEdit.content, 'Final body.');
  assert.deepEqual(postEdit.tags.find((t) => t[0] === 'title'), ['title', 'Final title']);
  assert.deepEqual(postEdit.tags.find((t) => t[0] === 'A'), ['A', address]);
  assert.equal(edits.length, 2);
  assert.deepEqual(lists[0].tags.filter((t) => t[0] === 'e').map((t) => t[1]).sort(), [events.post.id, events.comment.id].sort());

  // Unsaving in the second browser follows back to the first.
  await go(pageB, '#/saved');
  await pageB.getByTestId('saved-comment').getByTestId('save').click();
  await go(pageA, '#/saved');
  await pageA.getByTestId('post-row').filter({ hasText: 'Carol asks' }).waitFor(T);
  await pageA.waitForFunction(() => document.querySelectorAll('[data-testid=saved-comment]').length === 0, null, T);
});
