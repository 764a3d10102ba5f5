// End-to-end: who is who. Two communities named "Rabbit Holes" by different owners are told
// apart in the list and on their pages by the owner's name and key fingerprint, with member
// counts from the kind 10004 lists that name them; the community page's sidebar has the
// description, rules, moderators, member count and a "create post" button; avatars are the
// profile picture, or a generated one when there is none or it fails to load (no broken
// image). Screenshots in build/test-output/e2e.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { nip19 } from 'nostr-tools';
import { buildCommunity, buildCommunityList, buildPost, buildProfile, communityAddress } from '../../web/src/lib/events.js';
import { connect, finalizeEvent, newKey, now, publishOk } from '../relay/support.mjs';
import { freePort, launchProfile, requireBuilt, screenshot, startAppRelay, tempDir } from './support.mjs';

const T = { timeout: 20000 };
let relay;
let base;
let browser;
const olga = newKey();
const oscar = newKey();
const mod = newKey();
const first = communityAddress(olga.pk, 'rabbit-holes');
const second = communityAddress(oscar.pk, 'rabbit-holes');

before(async () => {
  requireBuilt();
  const port = await freePort();
  relay = await startAppRelay({ port, dir: tempDir('datt-people-relay-') });
  base = `http://127.0.0.1:${port}/`;
  const at = now();
  const events = [
    // Olga's picture cannot load (no DNS in the test browser): the generated avatar shows.
    finalizeEvent(buildProfile({ name: 'olga', picture: 'https://pictures.invalid/olga.png' }, at - 100), olga.sk),
    finalizeEvent(buildProfile({ name: 'oscar' }, at - 100), oscar.sk),
    finalizeEvent(buildProfile({ name: 'mia' }, at - 100), mod.sk),
    finalizeEvent(buildCommunity({ identifier: 'rabbit-holes', name: 'Rabbit Holes', description: 'Olga\'s deep dives.',
      rules: '1. Cite sources', moderators: [mod.pk] }, at - 90), olga.sk),
    finalizeEvent(buildCommunity({ identifier: 'rabbit-holes', name: 'Rabbit Holes', description: 'Oscar\'s version.' },
      at - 80), oscar.sk),
    finalizeEvent(buildPost({ community: first, title: 'Down we go', body: 'x' }, at - 70), olga.sk),
  ];
  // Members: three lists name Olga's community, one Oscar's (one person in both).
  const members = [newKey(), newKey(), newKey()];
  events.push(finalizeEvent(buildCommunityList([first, second], at - 60), members[0].sk));
  events.push(finalizeEvent(buildCommunityList([first], at - 60), members[1].sk));
  events.push(finalizeEvent(buildCommunityList([first], at - 60), members[2].sk));
  const client = await connect(relay.url);
  for (const e of events) await publishOk(client, e);
  client.close();
  browser = await launchProfile();
});

after(async () => {
  await browser?.close();
  await relay?.stop();
});

const shortNpub = (pk) => {
  const npub = nip19.npubEncode(pk);
  return `${npub.slice(0, 10)}…${npub.slice(-4)}`;
};

test('two same-named communities are told apart by owner, fingerprint and members', { timeout: 90000 }, async () => {
  const page = await browser.page();
  await page.goto(`${base}#/communities`);
  const rows = page.getByTestId('community-row').filter({ hasText: 'Rabbit Holes' });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=community-row]').length === 2, null, T);
  const olgaRow = rows.filter({ hasText: 'olga' });
  const oscarRow = rows.filter({ hasText: 'oscar' });
  await olgaRow.getByTestId('members').filter({ hasText: '3 members' }).waitFor(T);
  await oscarRow.getByTestId('members').filter({ hasText: '1 member' }).waitFor(T);
  assert.match(await olgaRow.getByTestId('community-owner').innerText(), new RegExp(shortNpub(olga.pk)));
  assert.match(await oscarRow.getByTestId('community-owner').innerText(), new RegExp(shortNpub(oscar.pk)));
  await screenshot(page, 'people-communities');

  // Olga's page: owner line and the sidebar.
  await olgaRow.getByRole('link', { name: 'Rabbit Holes' }).click();
  const sidebar = page.getByTestId('community-sidebar');
  await sidebar.waitFor(T);
  await page.getByTestId('community-owner').filter({ hasText: shortNpub(olga.pk) }).waitFor(T);
  await sidebar.getByTestId('members').filter({ hasText: '3 members' }).waitFor(T);
  assert.match(await sidebar.innerText(), /Olga's deep dives\./);
  assert.match(await sidebar.getByTestId('community-rules').innerText(), /Cite sources/);
  await sidebar.getByTestId('community-moderators').getByText('mia').waitFor(T);
  assert.match(await sidebar.getByTestId('community-moderators').innerText(), /olga\s+owner/);
  await sidebar.getByTestId('sidebar-new-post').click();
  await page.getByTestId('submit-form').waitFor(T);

  // Avatars: Olga's picture failed to load, so hers is generated; nobody shows a broken image.
  const olgaAvatar = page.getByTestId('community-owner').locator('[data-testid^=avatar]').first();
  await page.waitForFunction(() => !document.querySelector('[data-testid=community-owner] [data-testid=avatar-picture]'), null, T);
  assert.equal(await olgaAvatar.getAttribute('data-testid'), 'avatar-generated');
  assert.equal(await olgaAvatar.innerText(), 'O');
  await page.getByTestId('post-row').filter({ hasText: 'Down we go' }).locator('[data-testid=avatar-generated]').waitFor(T);
  const broken = await page.evaluate(() => [...document.images].filter((i) => i.complete && i.naturalWidth === 0).length);
  assert.equal(broken, 0);
  await screenshot(page, 'people-community-sidebar');

  // Oscar's page says his.
  await page.goto(`${base}#/c/${oscar.pk}/rabbit-holes`);
  await page.getByTestId('community-owner').filter({ hasText: shortNpub(oscar.pk) }).waitFor(T);
  assert.match(await page.getByTestId('community-sidebar').innerText(), /Oscar's version\./);
  await page.getByTestId('community-sidebar').getByTestId('members').filter({ hasText: '1 member' }).waitFor(T);
});
