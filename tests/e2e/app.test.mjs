// End-to-end: two people in two Chromium profiles use the built app against the real relay.
// They create accounts, a community, posts, comments and votes and see each other's changes
// live; a reload keeps everything; a post made while the relay is down arrives once after it
// comes back; a locked key cannot sign; XSS payloads render inert. Screenshots of the main
// screens go to build/test-output/e2e.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadDatt } from '../../build/wasm/dist/datt.mjs';
import { buildComment, buildPost, buildVote, communityAddress } from '../../web/src/lib/events.js';
import { connect, fetchEvents, finalizeEvent, newKey, now, publishOk } from '../relay/support.mjs';
import { freePort, importDone, launchProfile, requireBuilt, screenshot, startAppRelay, tempDir, go, submitPost } from './support.mjs';

const PASSPHRASE = 'correct horse battery staple';
const T = { timeout: 20000 };
let relay;
let port;
let relayDir;
let alice;
let bob;
let pageA;
let pageB;
let base;
const xssFlag = '__datt_xss_fired';

before(async () => {
  requireBuilt();
  port = await freePort();
  relayDir = tempDir('datt-e2e-relay-');
  relay = await startAppRelay({ port, dir: relayDir });
  base = `http://127.0.0.1:${port}/`;
  alice = await launchProfile();
  bob = await launchProfile();
  pageA = await alice.page();
  pageB = await bob.page();
  await Promise.all([pageA.goto(base), pageB.goto(base)]);
  await Promise.all([pageA.waitForSelector('html[data-ready=true]', T), pageB.waitForSelector('html[data-ready=true]', T)]);
});

after(async () => {
  await alice?.close();
  await bob?.close();
  await relay?.stop();
});

async function createAccountWithMnemonic(page, name) {
  await go(page, '#/account');
  await page.getByTestId('tab-create').click();
  const words = (await page.getByTestId('mnemonic').locator('li').allInnerTexts()).map((w) => w.trim());
  assert.equal(words.length, 12);
  await screenshot(page, 'account-mnemonic');
  await page.getByTestId('wrote-it-down').click();
  const form = page.getByTestId('check-mnemonic');
  // First a wrong word: the check must refuse it.
  const inputs = form.locator('input[name^=word]');
  const names = await inputs.evaluateAll((els) => els.map((e) => e.name));
  for (const n of names) await form.locator(`input[name=${n}]`).fill('wrong');
  await form.locator('input[name=passphrase]').fill(PASSPHRASE);
  await form.locator('input[name=passphrase2]').fill(PASSPHRASE);
  await form.getByRole('button', { name: 'Create account' }).click();
  await form.getByRole('alert').filter({ hasText: 'does not match' }).waitFor(T);
  for (const n of names) await form.locator(`input[name=${n}]`).fill(words[Number(n.slice(4)) - 1]);
  await form.getByRole('button', { name: 'Create account' }).click();
  await page.getByTestId('profile-form').waitFor(T);
  await page.getByTestId('profile-form').locator('input[name=name]').fill(name);
  await page.getByTestId('profile-form').getByRole('button', { name: 'Save profile' }).click();
  await page.getByTestId('profile-form').getByText('Saved.').waitFor(T);
  return words.join(' ');
}

async function importAccount(page, secret, name) {
  await go(page, '#/account');
  await page.getByTestId('tab-import').click();
  const form = page.getByTestId('import-account');
  await form.locator('textarea[name=secret]').fill(secret);
  await form.locator('input[name=passphrase]').fill(PASSPHRASE);
  await form.locator('input[name=passphrase2]').fill(PASSPHRASE);
  await form.getByRole('button', { name: 'Import' }).click();
  await importDone(page, T.timeout);
  await go(page, '#/settings');
  await page.getByTestId('profile-form').locator('input[name=name]').fill(name);
  await page.getByTestId('profile-form').getByRole('button', { name: 'Save profile' }).click();
  await page.getByTestId('profile-form').getByText('Saved.').waitFor(T);
}

async function unlock(page, passphrase = PASSPHRASE) {
  await go(page, '#/account');
  const form = page.getByTestId('unlock-form');
  await form.locator('input[name=passphrase]').fill(passphrase);
  await form.getByRole('button', { name: 'Unlock' }).click();
}

async function openCommunity(page, name) {
  await go(page, '#/communities');
  await page.getByTestId('community-row').filter({ hasText: name }).getByRole('link').first().click();
  await page.getByTestId('community-page').waitFor(T);
}


function postRow(page, title) {
  return page.getByTestId('post-row').filter({ hasText: title });
}

let aliceKey;
let bobMnemonic;

test('two people create accounts, a community, posts, comments and votes, and see each other live', { timeout: 120000 }, async () => {
  const datt = await loadDatt();
  await createAccountWithMnemonic(pageA, 'alice');
  bobMnemonic = datt.generateMnemonic(12);
  await importAccount(pageB, bobMnemonic, 'bob');

  // Alice creates a community; Bob finds it by search and joins.
  await go(pageA, '#/communities');
  await pageA.getByTestId('create-community').click();
  const form = pageA.getByTestId('community-form');
  await form.locator('input[name=name]').fill('Rust Lovers');
  await form.locator('textarea[name=description]').fill('All about **Rust**.');
  await form.locator('textarea[name=rules]').fill('1. Be kind');
  await form.getByRole('button', { name: 'Create' }).click();
  await pageA.getByTestId('community-page').waitFor(T);
  await pageA.getByRole('heading', { name: 'Rust Lovers' }).waitFor(T);
  await screenshot(pageA, 'community-empty');

  await go(pageB, '#/communities');
  await pageB.getByTestId('community-search').fill('rust');
  await pageB.getByTestId('community-row').filter({ hasText: 'Rust Lovers' }).waitFor(T);
  await screenshot(pageB, 'communities');
  await openCommunity(pageB, 'Rust Lovers');
  await pageB.getByTestId('subscribe').click();
  await pageB.getByTestId('subscribe').filter({ hasText: 'Leave' }).waitFor(T);

  // Alice posts; Bob sees it live on the community page.
  await submitPost(pageA, 'Ownership explained', 'The *borrow checker* is your friend.');
  await postRow(pageB, 'Ownership explained').waitFor(T);

  // Bob comments on it; Alice sees the comment live and replies.
  await postRow(pageB, 'Ownership explained').getByRole('link', { name: 'Ownership explained' }).click();
  await pageB.getByTestId('post-page').waitFor(T);
  await pageB.getByTestId('comment-form').locator('textarea').fill('Great post, thanks!');
  await pageB.getByTestId('comment-form').getByRole('button', { name: 'Comment' }).click();
  await pageA.locator('[data-testid=comment] .md').filter({ hasText: 'Great post, thanks!' }).waitFor(T);
  const bobComment = pageA.getByTestId('comment').filter({ hasText: 'Great post, thanks!' });
  await bobComment.getByTestId('reply').first().click();
  await pageA.getByTestId('reply-form').locator('textarea').fill('Glad it helped.');
  await pageA.getByTestId('reply-form').getByRole('button', { name: 'Reply' }).click();
  await pageB.locator('[data-testid=comment] .md').filter({ hasText: 'Glad it helped.' }).waitFor(T);

  // Bob upvotes the post; Alice sees the score change live. Then Bob changes to a downvote.
  const postScoreA = pageA.getByTestId('post-page').locator('.post-head [data-testid=score]');
  assert.equal(await postScoreA.innerText(), '0');
  await pageB.locator('.post-head').getByRole('button', { name: 'upvote' }).click();
  await pageA.waitForFunction(() => document.querySelector('.post-head [data-testid=score]')?.textContent === '1', null, T);
  await pageB.locator('.post-head').getByRole('button', { name: 'downvote' }).click();
  await pageA.waitForFunction(() => document.querySelector('.post-head [data-testid=score]')?.textContent === '-1', null, T);
  await pageB.locator('.post-head').getByRole('button', { name: 'upvote' }).click();
  await pageA.waitForFunction(() => document.querySelector('.post-head [data-testid=score]')?.textContent === '1', null, T);
  // Alice upvotes Bob's comment: Bob's karma shows it.
  await bobComment.getByRole('button', { name: 'upvote' }).first().click();
  await screenshot(pageA, 'post-with-comments');

  // A second post with a downvote ranks below under "top".
  await openCommunity(pageA, 'Rust Lovers');
  // The row counts the comment and its reply.
  await postRow(pageA, 'Ownership explained').getByTestId('comments-link').filter({ hasText: /^2 comments$/ }).waitFor(T);
  await submitPost(pageA, 'Unpopular opinion', 'Tabs.');
  await pageB.locator('.post-head').waitFor(T);
  await go(pageB, '#/');
  await postRow(pageB, 'Unpopular opinion').waitFor(T);
  await postRow(pageB, 'Unpopular opinion').getByRole('button', { name: 'downvote' }).click();
  await pageB.getByTestId('sort-top').click();
  await pageB.getByTestId('top-window').selectOption({ label: 'all time' });
  await pageB.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-testid=post-row] .post-title a:first-child')].map((a) => a.textContent);
    return rows[0] === 'Ownership explained' && rows[1] === 'Unpopular opinion';
  }, null, T);
  await screenshot(pageB, 'home-top');

  // Bob's profile (the header shows his name) has his comment and the karma from Alice's
  // upvote; the comment links to its place in the post's thread.
  assert.equal(await pageB.getByTestId('me').innerText(), 'bob');
  await pageB.getByTestId('me').click();
  await pageB.getByTestId('profile-page').waitFor(T);
  await pageB.waitForFunction(() => document.querySelector('[data-testid=karma]')?.textContent === '1', null, T);
  await screenshot(pageB, 'profile');
  assert.match(await pageB.locator('.profile-head').innerText(), /1 karma · 0 posts · 1 comment$/m);
  await pageB.getByRole('tab', { name: 'Comments' }).click();
  const context = pageB.getByTestId('comment-context');
  await screenshot(pageB, 'profile-comments');
  assert.equal(await context.innerText(), 'Ownership explained');
  await context.click();
  await pageB.getByTestId('post-page').waitFor(T);
  assert.equal(await pageB.getByTestId('post-title').innerText(), 'Ownership explained');
  await pageB.locator('[data-testid=comment] .md').filter({ hasText: 'Great post, thanks!' }).waitFor(T);
  await pageB.getByRole('link', { name: 'back to all comments' }).waitFor(T);
  // Alice's reply names only its parent comment: its link still finds the post.
  aliceKey = await pageA.evaluate(() => globalThis.dattClient.publicKey);
  await go(pageB, `#/u/${aliceKey}`);
  await pageB.getByRole('tab', { name: 'Comments' }).click();
  await pageB.getByTestId('comment-context').filter({ hasText: 'Ownership explained' }).click();
  await pageB.locator('[data-testid=comment] .md').filter({ hasText: 'Glad it helped.' }).waitFor(T);
  assert.equal(await pageB.locator('[data-testid=comment] .md').filter({ hasText: 'Great post, thanks!' }).count(), 0);
});

test('a reload keeps everything; the key comes back locked and a wrong passphrase is refused', { timeout: 60000 }, async () => {
  await pageA.reload();
  await pageA.waitForSelector('html[data-ready=true]', T);
  await go(pageA, '#/');
  await postRow(pageA, 'Ownership explained').waitFor(T);
  await pageA.getByTestId('unlock-link').waitFor(T);
  await unlock(pageA, 'not my passphrase');
  await pageA.getByTestId('unlock-form').getByRole('alert').filter({ hasText: 'wrong passphrase' }).waitFor(T);
  await screenshot(pageA, 'unlock-wrong-passphrase');
  await unlock(pageA);
  await pageA.getByTestId('lock-button').waitFor(T);
});

test('a locked key cannot sign', { timeout: 60000 }, async () => {
  const client = await connect(relay.url);
  const before = await fetchEvents(client, [{ authors: [aliceKey] }]);
  await pageA.getByTestId('lock-button').click();
  await openCommunity(pageA, 'Rust Lovers');
  await postRow(pageA, 'Ownership explained').getByRole('link', { name: 'Ownership explained' }).click();
  await pageA.getByTestId('comment-form').locator('textarea').fill('this must not be signed');
  await pageA.getByTestId('comment-form').getByRole('button', { name: 'Comment' }).click();
  await pageA.getByTestId('comment-form').getByRole('alert').filter({ hasText: 'unlock your key to sign' }).waitFor(T);
  const after = await fetchEvents(client, [{ authors: [aliceKey] }]);
  assert.equal(after.length, before.length);
  // The form says why, and its link unlocks and comes back to the post with the draft kept.
  const postHash = await pageA.evaluate(() => location.hash);
  const notice = pageA.getByTestId('comment-form').getByTestId('sign-notice');
  await screenshot(pageA, 'locked-comment-notice');
  await notice.getByRole('link', { name: 'unlock it' }).click();
  const form = pageA.getByTestId('unlock-form');
  await form.locator('input[name=passphrase]').fill(PASSPHRASE);
  await form.getByRole('button', { name: 'Unlock' }).click();
  await pageA.getByTestId('post-page').waitFor(T);
  assert.equal(await pageA.evaluate(() => location.hash), postHash);
  assert.equal(await pageA.getByTestId('comment-form').locator('textarea').inputValue(), 'this must not be signed');
  assert.equal(await pageA.getByTestId('comment-form').getByTestId('sign-notice').count(), 0);
  await pageA.getByTestId('comment-form').locator('textarea').fill('');
  assert.equal(await pageA.evaluate(() => sessionStorage.length), 0, 'an emptied draft is forgotten');
  assert.equal((await fetchEvents(client, [{ authors: [aliceKey] }])).length, before.length);
  client.close();
  await pageA.getByTestId('lock-button').waitFor(T);
});

test('a post made while the relay is down is published once when it comes back', { timeout: 90000 }, async () => {
  await relay.stop();
  await pageA.waitForSelector('html[data-offline-ready=true]', T);
  await pageA.waitForSelector('[data-testid=sync-status][data-state=connecting]', T);
  await openCommunity(pageA, 'Rust Lovers');
  await submitPost(pageA, 'Written offline', 'Queued in IndexedDB.');
  await pageA.getByTestId('outbox-pending').waitFor(T);
  await screenshot(pageA, 'offline-post-queued');
  // The outbox survives a reload while offline.
  await pageA.reload();
  await pageA.waitForSelector('html[data-ready=true]', T);
  await pageA.getByTestId('outbox-pending').waitFor(T);
  relay = await startAppRelay({ port, dir: relayDir });
  await pageA.getByTestId('outbox-pending').waitFor({ state: 'detached', timeout: 20000 });
  await unlock(pageA);
  await pageA.getByTestId('lock-button').waitFor(T);
  await go(pageB, '#/');
  await pageB.getByTestId('sort-new').click();
  await postRow(pageB, 'Written offline').waitFor(T);
  assert.equal(await postRow(pageB, 'Written offline').count(), 1);
  const client = await connect(relay.url);
  const stored = await fetchEvents(client, [{ authors: [aliceKey], kinds: [1111] }]);
  assert.equal(stored.filter((e) => e.tags.some((t) => t[0] === 'title' && t[1] === 'Written offline')).length, 1);
  client.close();
});

const XSS = [
  '<script>window.__datt_xss_fired = 1</script>',
  '<img src=x onerror="window.__datt_xss_fired = 2">',
  '<svg onload="window.__datt_xss_fired = 3"></svg>',
  '[click](javascript:window.__datt_xss_fired=4)',
  '[click](JaVaScRiPt:window.__datt_xss_fired=5)',
  '[click](java\tscript:window.__datt_xss_fired=6)',
  '[click](&#106;avascript:window.__datt_xss_fired=7)',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<a href="javascript:window.__datt_xss_fired=8">a</a>',
  '![img](javascript:window.__datt_xss_fired=9)',
  '[q](https://example.com/"onmouseover="window.__datt_xss_fired=10)',
  '<iframe src="javascript:window.__datt_xss_fired=11"></iframe>',
];

test('XSS payloads in posts, comments and community descriptions render inert', { timeout: 60000 }, async () => {
  await openCommunity(pageA, 'Rust Lovers');
  await submitPost(pageA, '<img src=x onerror="window.__datt_xss_fired=99">', XSS.join('\n\n'));
  await pageA.getByTestId('comment-form').locator('textarea').fill(XSS.join('\n'));
  await pageA.getByTestId('comment-form').getByRole('button', { name: 'Comment' }).click();
  await pageA.locator('[data-testid=comment]').first().waitFor(T);
  const postId = await pageA.evaluate(() => location.hash.split('/')[2]);
  assert.match(postId, /^[0-9a-f]{64}$/);
  for (const page of [pageA, pageB]) {
    await go(page, '#/');
    await go(page, `#/post/${postId}`);
  }
  for (const page of [pageA, pageB]) await page.getByTestId('comment').first().waitFor(T);
  for (const page of [pageA, pageB]) {
    const report = await page.evaluate((flag) => {
      const bad = [];
      for (const el of document.querySelectorAll('main *')) {
        if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'IMG', 'STYLE'].includes(el.tagName.toUpperCase()) &&
            el.closest('.md, .post-title, [data-testid=post-title]')) bad.push(`element ${el.tagName}`);
        for (const attr of el.attributes) {
          if (/^on/i.test(attr.name)) bad.push(`attribute ${attr.name} on ${el.tagName}`);
          if ((attr.name === 'href' || attr.name === 'src') && !/^(https?:|mailto:|#)/i.test(attr.value)) {
            bad.push(`${attr.name}=${attr.value}`);
          }
        }
      }
      return { bad, fired: window[flag] ?? null, text: document.querySelector('main').innerText };
    }, xssFlag);
    assert.deepEqual(report.bad, []);
    assert.equal(report.fired, null);
    assert.match(report.text, /<script>window.__datt_xss_fired = 1<\/script>/); // shown as text
  }
  await screenshot(pageB, 'xss-inert');
});

test('phone width and dark theme render the main screens', { timeout: 60000 }, async () => {
  await pageB.setViewportSize({ width: 390, height: 844 });
  await go(pageB, '#/');
  await postRow(pageB, 'Ownership explained').waitFor(T);
  const fitsPhone = async (label) => {
    const overflow = await pageB.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `${label}: page is ${overflow}px wider than a phone screen`);
  };
  await fitsPhone('home');
  await screenshot(pageB, 'phone-home');
  await go(pageB, `#/u/${aliceKey}`);
  await pageB.getByTestId('profile-page').waitFor(T);
  await fitsPhone('profile');
  await screenshot(pageB, 'phone-profile');
  await go(pageB, '#/settings');
  await pageB.getByLabel('dark').check();
  assert.equal(await pageB.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await pageB.getByTestId('relay-row').first().waitFor(T);
  assert.equal(await pageB.getByTestId('relay-row').first().getAttribute('data-state'), 'open');
  await fitsPhone('settings');
  await screenshot(pageB, 'phone-settings-dark');
  await go(pageB, '#/');
  await screenshot(pageB, 'phone-home-dark');
  assert.deepEqual([...alice.errors, ...bob.errors].filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)), []);
});

test('several relays: a second relay added in settings is read and written, and events are shown once', { timeout: 60000 }, async () => {
  const dir2 = tempDir('datt-e2e-relay2-');
  const relay2 = await startAppRelay({ port: await freePort(), dir: dir2 });
  try {
    await pageB.setViewportSize({ width: 1200, height: 900 });
    await go(pageB, '#/settings');
    const settings = pageB.getByTestId('relay-settings');
    await settings.getByLabel('Relay address').fill(relay2.url);
    await settings.getByRole('button', { name: 'Add relay' }).click();
    await pageB.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=relay-row]')];
      return rows.length === 2 && rows.every((r) => r.dataset.state === 'open');
    }, null, T);
    await screenshot(pageB, 'settings-two-relays');
    // Bob's new NIP-65 list reached both relays, and a new comment is written to both.
    const bobKey = await pageB.evaluate(() => globalThis.dattClient.publicKey);
    await openCommunity(pageB, 'Rust Lovers');
    await postRow(pageB, 'Ownership explained').getByRole('link', { name: 'Ownership explained' }).click();
    await pageB.getByTestId('comment-form').locator('textarea').fill('Sent to two relays');
    await pageB.getByTestId('comment-form').getByRole('button', { name: 'Comment' }).click();
    await pageB.locator('[data-testid=comment] .md').filter({ hasText: 'Sent to two relays' }).waitFor(T);
    await pageB.waitForFunction(() => !document.querySelector('[data-testid=outbox-pending]'), null, T);
    for (const r of [relay, relay2]) {
      const client = await connect(r.url);
      const lists = await fetchEvents(client, [{ authors: [bobKey], kinds: [10002] }]);
      assert.equal(lists.length, 1, `relay list on ${r.url}`);
      assert.equal(lists[0].tags.filter((t) => t[0] === 'r').length, 2);
      const comments = await fetchEvents(client, [{ authors: [bobKey], kinds: [1111] }]);
      assert.equal(comments.filter((e) => e.content === 'Sent to two relays').length, 1, `comment on ${r.url}`);
      client.close();
    }
    // Everything arrives from both relays now; each post is still listed once.
    await go(pageB, '#/');
    await postRow(pageB, 'Ownership explained').waitFor(T);
    assert.equal(await postRow(pageB, 'Ownership explained').count(), 1);
    assert.equal(await postRow(pageB, 'Written offline').count(), 1);
  } finally {
    await relay2.stop();
  }
  // The stopped relay is removed; then a relay that never answers is added and removed
  // again: nothing stays "to send", since every relay still listed has the events.
  await go(pageB, '#/settings');
  const settings = pageB.getByTestId('relay-settings');
  const rows = settings.getByTestId('relay-row');
  await rows.filter({ hasText: relay2.url }).getByRole('button', { name: 'remove' }).click();
  await pageB.waitForFunction(() => document.querySelectorAll('[data-testid=relay-row]').length === 1, null, T);
  await pageB.getByTestId('outbox-pending').waitFor({ state: 'detached', timeout: 20000 });
  const dead = `ws://127.0.0.1:${await freePort()}/`;
  await settings.getByLabel('Relay address').fill(dead);
  await settings.getByRole('button', { name: 'Add relay' }).click();
  // The dead relay no longer keeps the header at "to send" (issue 16: every connected relay
  // stored the new relay list); its row in Settings says what it still has to be sent.
  await rows.filter({ hasText: dead }).getByTestId('relay-to-send').waitFor(T);
  await pageB.getByTestId('outbox-down').waitFor(T);
  assert.equal(await pageB.getByTestId('outbox-pending').count(), 0);
  await settings.getByLabel('Relay address').fill(dead);
  await settings.getByRole('button', { name: 'Add relay' }).click();
  await settings.getByRole('alert').filter({ hasText: 'already in your list' }).waitFor(T);
  // The message starts with a word, not the capitalized URL ("Ws://...").
  assert.equal(await settings.getByRole('alert').innerText(), `That relay is already in your list: ${dead}`);
  assert.equal(await rows.count(), 2);
  await rows.filter({ hasText: dead }).getByRole('button', { name: 'remove' }).click();
  await pageB.waitForFunction(() => document.querySelectorAll('[data-testid=relay-row]').length === 1, null, T);
  await pageB.getByTestId('outbox-pending').waitFor({ state: 'detached', timeout: 20000 });
});

function rowTitles(page) {
  return page.evaluate(() => [...document.querySelectorAll('[data-testid=post-row] .post-title a:first-child')]
    .map((a) => a.textContent));
}

async function waitForTitles(page, expected) {
  try {
    await page.waitForFunction((want) => {
      const got = [...document.querySelectorAll('[data-testid=post-row] .post-title a:first-child')].map((a) => a.textContent);
      return JSON.stringify(got) === JSON.stringify(want);
    }, expected, T);
  } catch (e) {
    assert.deepEqual(await rowTitles(page), expected);
    throw e;
  }
}

test('owners edit a community; top windows; collapse and "continue this thread"; delete own post and comment; retract a vote',
  { timeout: 120000 }, async () => {
    for (const page of [pageA, pageB]) page.on('dialog', (d) => d.accept());
    // Alice creates a community, then edits its description; Bob sees the edited version.
    await go(pageA, '#/communities');
    await pageA.getByTestId('create-community').click();
    const form = pageA.getByTestId('community-form');
    await form.locator('input[name=name]').fill('Time Travel');
    await form.locator('textarea[name=description]').fill('First description.');
    await form.getByRole('button', { name: 'Create' }).click();
    await pageA.getByTestId('community-page').waitFor(T);
    const alicePk = await pageA.evaluate(() => globalThis.dattClient.publicKey);
    const address = communityAddress(alicePk, 'time-travel');
    await pageA.getByTestId('community-page').getByRole('link', { name: 'Edit' }).click();
    const edit = pageA.getByTestId('community-form');
    await edit.getByRole('heading', { name: 'Edit community' }).waitFor(T);
    await edit.getByRole('button', { name: 'Cancel' }).click();
    await pageA.getByTestId('community-page').getByText('First description.').waitFor(T);
    await pageA.getByTestId('community-page').getByRole('link', { name: 'Edit' }).click();
    await edit.getByRole('heading', { name: 'Edit community' }).waitFor(T);
    assert.equal(await edit.locator('textarea[name=description]').inputValue(), 'First description.');
    await edit.locator('textarea[name=description]').fill('Edited **description**.');
    await edit.locator('textarea[name=rules]').fill('No paradoxes.');
    await screenshot(pageA, 'community-edit');
    await edit.getByRole('button', { name: 'Save' }).click();
    // Seen failing once in many runs (not reproduced): on failure, print what the page had.
    try { await pageA.getByTestId('community-page').getByText('Edited description.').waitFor(T); } catch (e) {
      console.log('DEBUG hash', await pageA.evaluate(() => location.hash));
      console.log('DEBUG main', await pageA.evaluate(() => document.querySelector('main').innerText.slice(0, 300)));
      console.log('DEBUG rows', JSON.stringify(await pageA.evaluate(async () => {
        const db = globalThis.dattClient.db;
        return await new Promise((res) => { const r = db.transaction('events').objectStore('events').getAll(); r.onsuccess = () => res(r.result.filter((x) => x.kind === 34550).map((x) => [x.id.slice(0, 8), x.created_at, x.address, JSON.stringify(x.tags).slice(0, 120)])); });
      })));
      console.log('DEBUG outbox', JSON.stringify(await pageA.evaluate(() => globalThis.dattClient.state.outbox)));
      throw e;
    }
    await openCommunity(pageB, 'Time Travel');
    await pageB.getByTestId('community-page').getByText('Edited description.').waitFor(T);
    const client = await connect(relay.url);
    const definitions = await fetchEvents(client, [{ kinds: [34550], authors: [alicePk], '#d': ['time-travel'] }]);
    assert.equal(definitions.length, 1);
    assert.match(definitions[0].content + JSON.stringify(definitions[0].tags), /Edited \*\*description\*\*/);

    // Carol (a third client, outside the browser) posts at three ages, with votes from
    // fresh keys so each window has a different "top" order.
    const carol = newKey();
    const at = now();
    const sign = (template) => finalizeEvent(template, carol.sk);
    const posts = {
      fresh: sign(buildPost({ community: address, title: 'Fresh', body: 'minutes old' }, at - 120)),
      days: sign(buildPost({ community: address, title: 'Two days old', body: 'a' }, at - 2 * 86400)),
      weeks: sign(buildPost({ community: address, title: 'Three weeks old', body: 'b' }, at - 21 * 86400)),
    };
    const votes = [];
    for (const [post, ups] of [[posts.weeks, 3], [posts.days, 2], [posts.fresh, 1]]) {
      for (let i = 0; i < ups; i += 1) {
        votes.push(finalizeEvent(buildVote({ target: post, value: 1, community: address }, at - 60), newKey().sk));
      }
    }
    // A chain of 8 nested comments under "Fresh": depth 7 and 8 are behind "continue this thread".
    const chain = [];
    let parent = posts.fresh;
    for (let depth = 1; depth <= 8; depth += 1) {
      parent = sign(buildComment({ community: address, parent, body: `level ${depth}` }, at - 100 + depth));
      chain.push(parent);
    }
    for (const event of [...Object.values(posts), ...votes, ...chain]) await publishOk(client, event);

    await pageB.getByTestId('sort-top').click();
    const windows = [['past hour', ['Fresh']], ['past day', ['Fresh']], ['past week', ['Two days old', 'Fresh']],
      ['past month', ['Three weeks old', 'Two days old', 'Fresh']], ['past year', ['Three weeks old', 'Two days old', 'Fresh']],
      ['all time', ['Three weeks old', 'Two days old', 'Fresh']]];
    for (const [label, expected] of windows) {
      await pageB.getByTestId('top-window').selectOption({ label });
      await waitForTitles(pageB, expected);
    }
    await screenshot(pageB, 'community-top-month');
    await pageB.getByTestId('sort-new').click();
    await waitForTitles(pageB, ['Fresh', 'Two days old', 'Three weeks old']);

    // Deep thread: six levels shown, then a link that opens the rest.
    await postRow(pageB, 'Fresh').getByRole('link', { name: 'Fresh' }).click();
    await pageB.getByTestId('post-page').waitFor(T);
    await pageB.locator('[data-testid=comment] .md').filter({ hasText: 'level 6' }).waitFor(T);
    assert.equal(await pageB.locator('[data-testid=comment] .md').filter({ hasText: 'level 7' }).count(), 0);
    const more = pageB.getByTestId('continue-thread');
    assert.equal(await more.count(), 1);
    await screenshot(pageB, 'thread-deep');
    await more.click();
    await pageB.locator('[data-testid=comment] .md').filter({ hasText: 'level 8' }).waitFor(T);
    assert.equal(await pageB.evaluate(() => location.hash), `#/post/${posts.fresh.id}/${chain[5].id}`);
    assert.equal(await pageB.locator('[data-testid=comment] .md').filter({ hasText: 'level 1' }).count(), 0);
    await pageB.getByRole('link', { name: 'back to all comments' }).click();

    // Collapse hides a comment's replies and says how many; expanding shows them again.
    const level1 = pageB.locator(`[data-testid=comment][data-id="${chain[0].id}"]`);
    await level1.locator('.md').first().waitFor(T);
    await level1.getByRole('button', { name: 'collapse' }).first().click();
    await level1.getByText('(1 reply)').waitFor(T);
    assert.equal(await pageB.locator('[data-testid=comment] .md').filter({ hasText: 'level 2' }).count(), 0);
    await level1.getByRole('button', { name: 'expand' }).first().click();
    await pageB.locator('[data-testid=comment] .md').filter({ hasText: 'level 2' }).waitFor(T);

    // Bob votes on the post, then clicks the same arrow again: the vote is retracted by a
    // deletion, for him and for Alice, and stays retracted after a reload.
    const score = (page) => page.locator('.post-head [data-testid=score]');
    await pageB.waitForFunction(() => document.querySelector('.post-head [data-testid=score]')?.textContent === '1', null, T);
    await go(pageA, `#/post/${posts.fresh.id}`);
    await pageA.getByTestId('post-page').waitFor(T);
    await pageB.locator('.post-head').getByRole('button', { name: 'upvote' }).click();
    await pageA.waitForFunction(() => document.querySelector('.post-head [data-testid=score]')?.textContent === '2', null, T);
    assert.equal(await pageB.locator('.post-head').getByRole('button', { name: 'upvote' }).getAttribute('aria-pressed'), 'true');
    await pageB.locator('.post-head').getByRole('button', { name: 'upvote' }).click();
    await pageA.waitForFunction(() => document.querySelector('.post-head [data-testid=score]')?.textContent === '1', null, T);
    await pageB.waitForFunction(() => document.querySelector('.post-head button[aria-label=upvote]')?.getAttribute('aria-pressed') === 'false', null, T);
    // The arrow flips at the click; the score follows once the deletion is stored (a CI run
    // read '2' in between).
    await pageB.waitForFunction(() => document.querySelector('.post-head [data-testid=score]')?.textContent === '1', null, T);
    assert.equal(await score(pageB).innerText(), '1');
    const bobKey = await pageB.evaluate(() => globalThis.dattClient.publicKey);
    const bobVotes = await fetchEvents(client, [{ kinds: [7], authors: [bobKey], '#e': [posts.fresh.id] }]);
    const bobDeletions = await fetchEvents(client, [{ kinds: [5], authors: [bobKey] }]);
    assert.equal(bobVotes.length, 0, 'the relay dropped the retracted vote');
    assert.ok(bobDeletions.some((d) => d.tags.some((t) => t[0] === 'k' && t[1] === '7')));

    // Bob comments and deletes his comment; Alice sees "[deleted]" live and the relay drops it.
    await pageB.getByTestId('comment-form').locator('textarea').fill('Regrettable comment');
    await pageB.getByTestId('comment-form').getByRole('button', { name: 'Comment' }).click();
    const regret = pageA.getByTestId('comment').filter({ hasText: 'Regrettable comment' });
    await regret.waitFor(T);
    const regretId = await regret.getAttribute('data-id');
    await pageB.locator(`[data-testid=comment][data-id="${regretId}"]`).getByTestId('delete').first().click();
    // Asked inline first; "no" keeps it, "yes" deletes.
    await pageB.locator(`[data-testid=comment][data-id="${regretId}"]`).getByRole('button', { name: 'no' }).first().click();
    await pageB.locator(`[data-testid=comment][data-id="${regretId}"]`).getByTestId('delete').first().click();
    await pageB.locator(`[data-testid=comment][data-id="${regretId}"]`).getByTestId('confirm-delete').first().click();
    await pageA.locator(`[data-testid=comment][data-id="${regretId}"]`).getByText('[deleted]').waitFor(T);
    assert.equal(await pageA.locator('[data-testid=comment] .md').filter({ hasText: 'Regrettable comment' }).count(), 0);
    assert.equal(await pageB.locator(`[data-testid=comment][data-id="${regretId}"] [data-testid=delete]`).count(), 0);
    assert.equal((await fetchEvents(client, [{ ids: [regretId] }])).length, 0);
    // Only the author gets a delete button: Alice sees none on Carol's comments.
    assert.equal(await pageA.locator(`[data-testid=comment][data-id="${chain[0].id}"] > .comment-body > .actions [data-testid=delete]`).count(), 0);

    // Alice deletes a post of hers: the title becomes "[deleted]" everywhere, also after a reload.
    await openCommunity(pageA, 'Time Travel');
    await submitPost(pageA, 'Posted by mistake', 'oops');
    const mistakeId = await pageA.evaluate(() => location.hash.split('/')[2]);
    await openCommunity(pageB, 'Time Travel');
    await pageB.getByTestId('sort-new').click();
    await postRow(pageB, 'Posted by mistake').waitFor(T);
    await pageA.getByTestId('post-page').getByTestId('delete').first().click();
    await screenshot(pageA, 'post-delete-confirm');
    await pageA.getByTestId('post-page').getByTestId('confirm-delete').first().click();
    await pageA.getByTestId('post-title').filter({ hasText: '[deleted]' }).waitFor(T);
    await pageB.locator(`[data-testid=post-row][data-id="${mistakeId}"]`).getByText('[deleted]').waitFor(T);
    assert.equal(await postRow(pageB, 'Posted by mistake').count(), 0);
    assert.equal((await fetchEvents(client, [{ ids: [mistakeId] }])).length, 0);
    await pageB.reload();
    await pageB.waitForSelector('html[data-ready=true]', T);
    await pageB.getByTestId('sort-new').click();
    await pageB.locator(`[data-testid=post-row][data-id="${mistakeId}"]`).getByText('[deleted]').waitFor(T);
    await go(pageB, `#/post/${posts.fresh.id}`);
    await pageB.locator(`[data-testid=comment][data-id="${regretId}"]`).getByText('[deleted]').waitFor(T);
    await pageB.waitForFunction(() => document.querySelector('.post-head [data-testid=score]')?.textContent === '1', null, T);
    await screenshot(pageB, 'thread-after-deletions');
    client.close();
  });

test('signed out, home shows the known communities; an account imported in another browser (nsec in capitals) brings its profile and joined communities', { timeout: 60000 }, async () => {
  const carol = await launchProfile();
  try {
    const page = await carol.page();
    await page.goto(base);
    await page.waitForSelector('html[data-ready=true]', T);
    // Signed out, with nothing joined: the home page shows the known communities' posts.
    await page.getByRole('heading', { name: 'All communities' }).waitFor(T);
    await postRow(page, 'Ownership explained').waitFor(T);
    // A vote needs an account: the arrow leads to the account page, which says how to come back.
    await postRow(page, 'Ownership explained').getByRole('button', { name: 'upvote' }).click();
    await page.getByTestId('tab-import').waitFor(T);
    assert.equal(await page.evaluate(() => location.hash), '#/account?next=%2F');
    await page.getByTestId('tab-import').click();
    const form = page.getByTestId('import-account');
    // A public key or a mistyped nsec get sentences that say what to paste instead.
    const datt = await loadDatt();
    const bobPub = await pageB.evaluate(() => globalThis.dattClient.publicKey);
    await form.locator('textarea[name=secret]').fill(datt.nip19Encode('npub', bobPub));
    await form.locator('input[name=passphrase]').fill('another browser, another passphrase');
    await form.locator('input[name=passphrase2]').fill('another browser, another passphrase');
    await form.getByRole('button', { name: 'Import' }).click();
    await form.getByRole('alert').filter({ hasText: 'That is a public key (npub)' }).waitFor(T);
    const nsec = datt.nip19Encode('nsec', datt.derive(datt.mnemonicToSeed(bobMnemonic), "m/44'/1237'/0'/0/0").secretKey);
    await form.locator('textarea[name=secret]').fill(`${nsec.slice(0, -1)}${nsec.endsWith('q') ? 'p' : 'q'}`);
    await form.getByRole('button', { name: 'Import' }).click();
    await form.getByRole('alert').filter({ hasText: 'That nsec is not valid' }).waitFor(T);
    // Bob's own nsec, in capitals (bech32 allows either case), signs in as Bob.
    await form.locator('textarea[name=secret]').fill(nsec.toUpperCase());
    await form.locator('input[name=passphrase]').fill('another browser, another passphrase');
    await form.locator('input[name=passphrase2]').fill('another browser, another passphrase');
    await form.getByRole('button', { name: 'Import' }).click();
    await importDone(page, T.timeout);
    assert.equal(await page.evaluate(() => location.hash), '#/');
    assert.equal(await page.evaluate(() => globalThis.dattClient.publicKey), bobPub);
    // Bob joined Rust Lovers in his first browser: the kind-10004 list brings it here.
    await go(page, '#/');
    await page.getByRole('heading', { name: 'Your communities' }).waitFor(T);
    await postRow(page, 'Ownership explained').waitFor(T);
    await go(page, '#/communities');
    await page.getByTestId('community-row').filter({ hasText: 'Rust Lovers' }).getByRole('button', { name: 'Leave' }).waitFor(T);
    await go(page, '#/settings');
    await page.waitForFunction(() => document.querySelector('[data-testid=profile-form] input[name=name]')?.value === 'bob', null, T);
    assert.deepEqual(carol.errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)), []);
  } finally {
    await carol.close();
  }
});

test('the main paths work from the keyboard alone', { timeout: 60000 }, async () => {
  const page = pageA;
  await openCommunity(page, 'Rust Lovers');
  // Tab from the top of the page reaches "New post"; Enter opens the form.
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  await page.locator('body').focus();
  const focused = () => page.evaluate(() => document.activeElement?.dataset?.testid ?? document.activeElement?.textContent?.trim());
  let reached = false;
  for (let i = 0; i < 40 && !reached; i += 1) {
    await page.keyboard.press('Tab');
    reached = (await focused()) === 'new-post';
  }
  assert.ok(reached, 'Tab reaches "New post"');
  assert.ok(await page.evaluate(() => getComputedStyle(document.activeElement).boxShadow !== 'none'), 'focus is visible');
  await page.keyboard.press('Enter');
  const form = page.getByTestId('submit-form');
  await form.waitFor(T);
  // The opened form has the focus on its first field.
  await page.waitForFunction(() => document.activeElement?.name === 'title', null, T);
  await page.keyboard.type('Typed without a mouse');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Every control is reachable.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByTestId('post-page').waitFor(T);
  assert.equal(await page.getByTestId('post-title').innerText(), 'Typed without a mouse');
  // Upvote with the keyboard: focus the arrow, press Space.
  await page.locator('.post-head').getByRole('button', { name: 'upvote' }).focus();
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('.post-head [data-testid=score]')?.textContent === '1', null, T);
  // The comment box: type and submit with the keyboard.
  await page.getByTestId('comment-form').locator('textarea').focus();
  await page.keyboard.type('A keyboard comment');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid=comment] .md').filter({ hasText: 'A keyboard comment' }).waitFor(T);
});
