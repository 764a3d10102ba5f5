// The web app and events whose content and tags hold control characters (U+0000-U+001F,
// U+007F): posts and comments signed by nostr-tools pass the app's wasm verification and are
// shown; posts the app signs (typed into the form, and published through the client) verify
// in nostr-tools. Before the canonical serializer wrote \u00xx like every other
// implementation, both directions failed on id_mismatch (docs/protocol.md).
import '../support/webcrypto.mjs';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { getEventHash, verifyEvent } from 'nostr-tools/pure';

import { loadDatt } from '../../build/wasm/dist/datt.mjs';
import { buildComment, buildCommunity, buildPost, communityAddress } from '../../web/src/lib/events.js';
import { connect, fetchEvents, finalizeEvent, newKey, now, publishOk } from '../relay/support.mjs';
import { freePort, importDone, launchProfile, requireBuilt, screenshot, startAppRelay, tempDir } from './support.mjs';

const T = { timeout: 20000 };
const PASSPHRASE = 'correct horse battery staple';
// Every C0 control and DEL; buildPost trims whitespace at the ends, so keep them inside.
const CONTROLS = String.fromCharCode(...Array.from({ length: 0x20 }, (_, i) => i), 0x7f);

let relay;
let base;
let browser;
let page;
const owner = newKey();
const author = newKey();
const address = communityAddress(owner.pk, 'controls');

before(async () => {
  requireBuilt();
  const port = await freePort();
  relay = await startAppRelay({ port, dir: tempDir('datt-e2e-controls-') });
  base = `http://127.0.0.1:${port}/`;
  browser = await launchProfile();
  page = await browser.page();
});

after(async () => {
  await browser?.close();
  await relay?.stop();
});

test('posts and comments signed by nostr-tools with control characters are verified and shown', { timeout: 60000 }, async () => {
  const at = now();
  const community = finalizeEvent(buildCommunity({ identifier: 'controls', name: 'Control Characters' }, at - 10), owner.sk);
  const template = buildPost({ community: address, title: `ctl-title [${CONTROLS}]`, body: `ctl-body [${CONTROLS}]` }, at - 5);
  template.tags.push(['t', `tag${CONTROLS}`]);
  const signedPost = finalizeEvent(template, author.sk);
  const comment = finalizeEvent(buildComment({ community: address, parent: signedPost, body: `ctl-comment [${CONTROLS}]` }, at - 4), author.sk);
  for (const event of [signedPost, comment]) {
    assert.equal(getEventHash(event), event.id);
    assert.match(JSON.stringify(event), /\\u0001/);
  }
  const client = await connect(relay.url);
  try {
    for (const event of [community, signedPost, comment]) await publishOk(client, event);
  } finally {
    await client.close();
  }

  await page.goto(`${base}#/c/${owner.pk}/controls`);
  await page.waitForSelector('html[data-ready=true]', T);
  const row = page.getByTestId('post-row').filter({ hasText: 'ctl-title' });
  await row.waitFor(T);
  await row.getByRole('link', { name: /ctl-title/ }).click();
  await page.getByTestId('post-page').getByText('ctl-body').waitFor(T);
  await page.locator('[data-testid=comment] .md').filter({ hasText: 'ctl-comment' }).waitFor(T);
  // The store holds them with the ids nostr-tools computed.
  const stored = await page.evaluate(async (ids) => {
    const db = globalThis.dattClient.db;
    return Promise.all(ids.map((id) => new Promise((resolve) => {
      const request = db.transaction('events').objectStore('events').get(id);
      request.onsuccess = () => resolve(request.result ? { id: request.result.id, content: request.result.content } : null);
    })));
  }, [signedPost.id, comment.id]);
  assert.deepEqual(stored, [{ id: signedPost.id, content: signedPost.content }, { id: comment.id, content: comment.content }]);
  await screenshot(page, 'control-characters');
});

test('posts the app signs with control characters verify in nostr-tools', { timeout: 60000 }, async () => {
  const datt = await loadDatt();
  const me = datt.generateSecretKey();
  await page.evaluate((h) => { location.hash = h; }, '#/account');
  await page.getByTestId('tab-import').click();
  const form = page.getByTestId('import-account');
  await form.locator('textarea[name=secret]').fill(datt.nip19Encode('nsec', me));
  await form.locator('input[name=passphrase]').fill(PASSPHRASE);
  await form.locator('input[name=passphrase2]').fill(PASSPHRASE);
  await form.getByRole('button', { name: 'Import' }).click();
  await importDone(page, T.timeout);
  const myPk = datt.publicKey(me);

  // Typed into the form (a textarea turns CR into LF; every other control stays).
  await page.evaluate((h) => { location.hash = h; }, `#/c/${owner.pk}/controls`);
  await page.getByTestId('community-page').waitFor(T);
  await page.getByTestId('new-post').click();
  const submit = page.getByTestId('submit-form');
  await submit.locator('input[name=title]').fill('typed controls');
  await submit.locator('textarea[name=body]').fill(`typed [${CONTROLS}]`);
  await submit.getByRole('button', { name: 'Post' }).click();
  await page.getByTestId('post-page').waitFor(T);

  // Published through the client's signing path with the exact string.
  const exact = await page.evaluate(async ({ template }) => (await globalThis.dattClient.publish(template)).id,
    { template: buildPost({ community: address, title: `exact [${CONTROLS}]`, body: `exact [${CONTROLS}]` }, now()) });

  const client = await connect(relay.url);
  try {
    let mine = [];
    for (let i = 0; i < 100 && mine.length < 2; i += 1) {
      mine = await fetchEvents(client, [{ authors: [myPk], kinds: [1111] }]);
      if (mine.length < 2) await new Promise((r) => { setTimeout(r, 100); });
    }
    assert.equal(mine.length, 2);
    const typed = mine.find((e) => e.content.startsWith('typed'));
    assert.ok(typed, 'the typed post reached the relay');
    assert.match(typed.content, /\u0001/);
    const exactEvent = mine.find((e) => e.id === exact);
    assert.ok(exactEvent, 'the exact post reached the relay');
    assert.equal(exactEvent.content, `exact [${CONTROLS}]`);
    for (const event of mine) {
      assert.equal(getEventHash(event), event.id);
      assert.equal(verifyEvent({ ...event }), true);
    }
  } finally {
    await client.close();
  }
  assert.deepEqual(browser.errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)), []);
});
