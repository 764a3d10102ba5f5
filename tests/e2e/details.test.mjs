// End-to-end: small things of issue 16 item 7. "3 hours ago" shows the exact date and time
// on hover; a paste over the 40,000-character limit says it was cut; a Markdown table
// renders as a table. (The outbox and the
// duplicate-relay message are in app.test.mjs, which has the dead relay.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildComment, buildCommunity, buildPost, communityAddress } from '../../web/src/lib/events.js';
import { connect, finalizeEvent, newKey, now, publishOk } from '../relay/support.mjs';
import { freePort, launchProfile, requireBuilt, screenshot, startAppRelay, tempDir } from './support.mjs';

const T = { timeout: 20000 };
let relay;
let base;
let browser;
const author = newKey();
const address = communityAddress(author.pk, 'details');
let post;
const at = now() - 3 * 3600;

before(async () => {
  requireBuilt();
  const port = await freePort();
  relay = await startAppRelay({ port, dir: tempDir('datt-details-relay-') });
  base = `http://127.0.0.1:${port}/`;
  post = finalizeEvent(buildPost({ community: address, title: 'Three hours old',
    body: '| fruit | price |\n|:--|--:|\n| apple | 3 |\n| pear | 12 |' }, at), author.sk);
  const client = await connect(relay.url);
  await publishOk(client, finalizeEvent(buildCommunity({ identifier: 'details', name: 'Details' }, at - 10), author.sk));
  await publishOk(client, post);
  await publishOk(client, finalizeEvent(buildComment({ community: address, parent: post, body: 'y' }, at + 60), author.sk));
  client.close();
  browser = await launchProfile();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base.slice(0, -1) });
});

after(async () => {
  await browser?.close();
  await relay?.stop();
});

test('relative times show the exact date and time on hover', { timeout: 60000 }, async () => {
  const page = await browser.page();
  await page.goto(`${base}#/c/${author.pk}/details`);
  const time = page.getByTestId('post-row').filter({ hasText: 'Three hours old' }).getByTestId('time');
  await time.waitFor(T);
  assert.equal(await time.innerText(), '3 hours ago');
  assert.equal(await time.getAttribute('datetime'), new Date(at * 1000).toISOString());
  // The title is the browser's own rendering of that instant.
  const expected = await page.evaluate((s) => new Date(s * 1000).toLocaleString(), at);
  assert.equal(await time.getAttribute('title'), expected);
  await page.goto(`${base}#/post/${post.id}`);
  assert.equal(await page.getByTestId('comment').getByTestId('time').getAttribute('title'),
    await page.evaluate((s) => new Date(s * 1000).toLocaleString(), at + 60));
});

test('a paste longer than the limit says it was cut', { timeout: 60000 }, async () => {
  const page = await browser.page();
  await page.goto(`${base}#/post/${post.id}`);
  const box = page.getByTestId('comment-form').locator('textarea');
  await box.waitFor(T);
  await page.evaluate((n) => navigator.clipboard.writeText('a'.repeat(n)), 40010);
  await box.focus();
  await page.keyboard.press('Control+V');
  await page.getByTestId('cut-note').waitFor(T);
  assert.equal((await box.inputValue()).length, 40000);
  assert.match(await page.getByTestId('cut-note').innerText(), /cut at 40,000 characters/);
  await screenshot(page, 'paste-cut');
  // Typing again (deleting) clears the note; a paste that fits says nothing.
  await box.fill('');
  await page.getByTestId('cut-note').waitFor({ state: 'detached', ...T });
  await page.evaluate(() => navigator.clipboard.writeText('short'));
  await box.focus();
  await page.keyboard.press('Control+V');
  assert.equal(await box.inputValue(), 'short');
  assert.equal(await page.getByTestId('cut-note').count(), 0);
});

test('a GFM table in a post renders as a table, not raw pipes', { timeout: 60000 }, async () => {
  const page = await browser.page();
  await page.goto(`${base}#/post/${post.id}`);
  const table = page.locator('.post-full .md-table table');
  await table.waitFor(T);
  assert.deepEqual(await table.locator('th').allInnerTexts(), ['fruit', 'price']);
  assert.deepEqual(await table.locator('tbody td').allInnerTexts(), ['apple', '3', 'pear', '12']);
  assert.equal(await table.locator('td').nth(1).getAttribute('align'), 'right');
  assert.doesNotMatch(await page.locator('.post-full').innerText(), /\|/);
  await screenshot(page, 'markdown-table');
});
