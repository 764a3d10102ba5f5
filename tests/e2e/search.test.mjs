// End-to-end: search of posts and comments. A fresh browser (nothing of the communities
// synced: it opens the search page first) finds a word of a post's text and of a comment
// through the relay's NIP-50 search, everywhere and within one community; a word only in a
// title (which the relay's full-text index does not hold: it indexes the content) is found
// once the community is in the local store, so the two sources are merged. Screenshots in
// build/test-output/e2e.
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
const gardens = communityAddress(author.pk, 'gardens');
const kitchens = communityAddress(author.pk, 'kitchens');

before(async () => {
  requireBuilt();
  const port = await freePort();
  relay = await startAppRelay({ port, dir: tempDir('datt-search-relay-') });
  base = `http://127.0.0.1:${port}/`;
  const at = now();
  const sign = (template) => finalizeEvent(template, author.sk);
  const post = sign(buildPost({ community: gardens, title: 'Summer harvest', body: 'The zucchini grew enormous this year.' }, at - 50));
  const events = [
    sign(buildCommunity({ identifier: 'gardens', name: 'Gardens' }, at - 60)),
    sign(buildCommunity({ identifier: 'kitchens', name: 'Kitchens' }, at - 60)),
    post,
    sign(buildComment({ community: gardens, parent: post, body: 'Grate the zucchini into a cake.' }, at - 40)),
    sign(buildPost({ community: kitchens, title: 'Bread', body: 'Zucchini bread needs less water.' }, at - 30)),
    sign(buildPost({ community: gardens, title: 'Tomatoes', body: 'Nothing about squash here.' }, at - 20)),
    sign(buildPost({ community: gardens, title: 'Marigold companions', body: 'They keep pests away.' }, at - 10)),
  ];
  const client = await connect(relay.url);
  for (const e of events) await publishOk(client, e);
  client.close();
  browser = await launchProfile();
});

after(async () => {
  await browser?.close();
  await relay?.stop();
});

const titles = (page) => page.locator('[data-testid=search-page] [data-testid=post-row] .post-title a:first-child').allInnerTexts();

test('search finds a word of a post and a comment through the relays, everywhere and within a community', { timeout: 90000 }, async () => {
  const page = await browser.page();
  await page.goto(`${base}#/search?q=zucchini`);
  await page.getByTestId('search-summary').filter({ hasText: '3 results' }).waitFor(T);
  assert.deepEqual((await titles(page)).sort(), ['Bread', 'Summer harvest']);
  assert.match(await page.getByTestId('search-comment').innerText(), /Grate the zucchini into a cake/);
  assert.match(await page.getByTestId('search-summary').innerText(), /1 relay searched/);
  await screenshot(page, 'search-everywhere');

  // Within one community: the kitchen post is left out.
  await page.goto(`${base}#/search?q=zucchini&in=${encodeURIComponent(gardens)}`);
  await page.getByTestId('search-summary').filter({ hasText: '2 results' }).waitFor(T);
  assert.deepEqual(await titles(page), ['Summer harvest']);

  // No match says so.
  await page.goto(`${base}#/search?q=okra`);
  await page.getByTestId('no-results').waitFor(T);
});

test('a word only in a title is found from the local store once the community synced', { timeout: 90000 }, async () => {
  const page = await browser.page();
  // The relay searches the content only: not found before the community is local.
  await page.goto(`${base}#/search?q=marigold`);
  await page.getByTestId('no-results').waitFor(T);
  // The community page syncs it; its own search box searches within it.
  await page.goto(`${base}#/c/${author.pk}/gardens`);
  await page.getByTestId('post-row').filter({ hasText: 'Marigold companions' }).waitFor(T);
  await page.getByTestId('community-search-input').fill('MARIGOLD');
  await page.getByTestId('community-search-input').press('Enter');
  await page.getByTestId('search-summary').filter({ hasText: '1 result' }).waitFor(T);
  assert.deepEqual(await titles(page), ['Marigold companions']);
  // The header's box searches everywhere.
  await page.getByTestId('search-input').fill('pests');
  await page.getByTestId('search-input').press('Enter');
  await page.getByTestId('search-summary').filter({ hasText: '1 result' }).waitFor(T);
  assert.deepEqual(await titles(page), ['Marigold companions']);
  await screenshot(page, 'search-local');
});
