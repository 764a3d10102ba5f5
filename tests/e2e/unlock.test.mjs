// End-to-end: "stay unlocked on this device". Off by default: a reload locks. Chosen at
// unlock: a reload and a new tab are unlocked and can sign, the stored device seal is a
// non-extractable CryptoKey and a ciphertext without the key in the clear; "Lock" undoes it;
// "Sign out everywhere on this device" locks every open tab and the next reload.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { newKey } from '../relay/support.mjs';
import { freePort, launchProfile, requireBuilt, screenshot, startAppRelay, tempDir, go, importAccount } from './support.mjs';

const T = { timeout: 20000 };
const PASSPHRASE = 'correct horse battery staple';
let relay;
let base;
let browser;
const alice = newKey();

async function reload(page) {
  await page.reload();
  await page.waitForSelector('html[data-ready=true]', T);
}

async function unlock(page, remember) {
  await go(page, '#/account');
  const form = page.getByTestId('unlock-form');
  await form.locator('input[name=passphrase]').fill(PASSPHRASE);
  assert.equal(await form.getByTestId('remember').isChecked(), false, 'off by default');
  if (remember) await form.getByTestId('remember').check();
  await form.getByRole('button', { name: 'Unlock' }).click();
  await page.getByTestId('lock-button').waitFor(T);
}

/** Signing works: a profile saved now. */
async function canSign(page, name) {
  await go(page, '#/settings');
  await page.getByTestId('profile-form').locator('input[name=name]').fill(name);
  await page.getByTestId('profile-form').getByRole('button', { name: 'Save profile' }).click();
  await page.getByTestId('profile-form').getByText('Saved.').waitFor(T);
}

before(async () => {
  requireBuilt();
  const port = await freePort();
  relay = await startAppRelay({ port, dir: tempDir('datt-unlock-relay-') });
  base = `http://127.0.0.1:${port}/`;
  browser = await launchProfile();
});

after(async () => {
  await browser?.close();
  await relay?.stop();
});

test('a reload stays unlocked only when chosen; lock and "sign out everywhere" undo it', { timeout: 150000 }, async () => {
  const page = await browser.page();
  await page.goto(base);
  await page.waitForSelector('html[data-ready=true]', T);
  await importAccount(page, alice.sk, PASSPHRASE);

  // Not chosen: a reload locks.
  await reload(page);
  await page.getByTestId('unlock-link').waitFor(T);

  // Chosen: reloads and a new tab are unlocked, and sign.
  await unlock(page, true);
  await screenshot(page, 'stay-unlocked');
  await reload(page);
  await page.getByTestId('lock-button').waitFor(T);
  await canSign(page, 'alice after reload');
  const second = await browser.context.newPage();
  await second.goto(`${base}#/`);
  await second.waitForSelector('html[data-ready=true]', T);
  await second.getByTestId('lock-button').waitFor(T);

  // The device seal: a non-extractable key, and no secret in the clear.
  const seal = await page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const r = indexedDB.open('datt');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const record = await new Promise((resolve) => {
      const r = db.transaction('keys').objectStore('keys').get('device');
      r.onsuccess = () => resolve(r.result);
    });
    db.close();
    let exported = 'exported';
    try {
      await crypto.subtle.exportKey('raw', record.key);
    } catch (e) {
      exported = e.name;
    }
    const hex = (b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return { type: record.key.type, extractable: record.key.extractable, usages: record.key.usages, exported,
      ciphertext: hex(record.ciphertext), fields: Object.keys(record).sort() };
  });
  assert.deepEqual(seal.fields, ['ciphertext', 'key', 'name', 'nonce', 'publicKey']);
  assert.equal(seal.extractable, false);
  assert.equal(seal.exported, 'InvalidAccessError');
  assert.equal(seal.ciphertext.length, (32 + 16) * 2);
  assert.ok(!seal.ciphertext.includes(Buffer.from(alice.sk).toString('hex')), 'the secret is not stored in the clear');

  // Lock undoes it: the next reload is locked.
  await page.getByTestId('lock-button').click();
  await page.getByTestId('unlock-link').waitFor(T);
  await reload(page);
  await page.getByTestId('unlock-link').waitFor(T);

  // Chosen again, then "sign out everywhere": both tabs lock, and stay locked on reload.
  await unlock(page, true);
  await reload(second);
  await second.getByTestId('lock-button').waitFor(T);
  await go(page, '#/settings');
  await page.getByTestId('lock-everywhere').click();
  await page.getByTestId('unlock-link').waitFor(T);
  await second.getByTestId('unlock-link').waitFor(T);
  await reload(second);
  await second.getByTestId('unlock-link').waitFor(T);
  await screenshot(second, 'signed-out-everywhere');
  await second.close();
  assert.deepEqual(browser.errors, []);
});
