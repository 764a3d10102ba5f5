// The channel e2e tests' shared set-up, through the app's own pages: users with funded
// wallets (the relay's regtest faucet), a post to tip, channels to the hub (opened, funded,
// confirmed), and a tip over the channel from a post's tip form; the people's passphrase and
// mnemonics, and the teardown.
import { rmSync } from 'node:fs';
import http from 'node:http';

import { btc } from '../relay/bitcoin_support.mjs';
import { connect } from '../relay/support.mjs';
import { fundWallet, go, importMnemonic, satsOf, screenshot, submitPost, waitFor } from './support.mjs';

const T = { timeout: 60000 };

export const PASSPHRASE = 'correct horse battery staple';
export const MNEMONIC = {
  Alice: 'legal winner thank year wave sausage worth useful legal winner thank yellow',
  Bob: 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
  Carol: 'letter advice cage absurd amount doctor acoustic avoid letter advice cage above',
};

/**
 * Stops what a channel test started: each of `people`'s browser (a profile or a context),
 * profile folder kept aside (`profileDir`) and proxy (`proxy`), the shared `browser` if any,
 * the relay and regtest node of `app`, and the folder `dir`.
 */
export async function tearDown({ people, browser = null, app, dir }) {
  for (const who of people) {
    await who.browser?.close().catch(() => {});
    if (who.profileDir) rmSync(who.profileDir, { recursive: true, force: true });
  }
  await browser?.close().catch(() => {});
  for (const who of people) await who.proxy?.close();
  await app?.relay.stop();
  await app?.node.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

export const stage = (page) => page.getByTestId('channel').first().getAttribute('data-stage');
// The page's channel that is not closed (the one being opened or in use).
const openChannel = (page) => page.locator('[data-testid=channel]:not([data-stage=closed])').first();
const openStage = (page) => openChannel(page).getAttribute('data-stage');
export const msat = (page, testid) => page.getByTestId(testid).first().getAttribute('data-msat')
  .then((v) => (v === null ? null : BigInt(v)));

/** `who` ({name}) gets `profile` (support.mjs launchProfile or launchBrowser().user()) with the app at `base` loaded. */
export async function openApp(who, profile, base) {
  who.browser = profile;
  who.page = await profile.page();
  who.warnings = [];
  who.page.on('console', (m) => { if (m.text().startsWith('datt sync:')) who.warnings.push(m.text()); });
  await who.page.goto(base);
  await who.page.waitForSelector('html[data-ready=true]', T);
}

/** Each of `people` ({who, mnemonic}) imports their account and gets 1,000,000 confirmed sats. */
export async function fundAccounts(app, people, passphrase) {
  for (const { who, mnemonic } of people) await importMnemonic(who.page, mnemonic, passphrase);
  for (const { who } of people) await fundWallet(who.page);
  await app.rpc('generatetoaddress', [1, app.nobody]);
  for (const { who } of people) await waitFor(`${who.name} confirmed`, () => satsOf(who.page, 'balance-confirmed'), 1_000_000n);
}

/** `page` imports `mnemonic` and sets up its wallet (on the Wallet page's first visit), with no coins. */
export async function importWithoutCoins(page, mnemonic, passphrase) {
  await importMnemonic(page, mnemonic, passphrase);
  await go(page, '#/wallet');
  await page.getByTestId('wallet-page').waitFor(T);
}

/** A new community from the Communities page; returns its route. */
export async function createCommunity(page, name, description) {
  await go(page, '#/communities');
  await page.getByTestId('create-community').click();
  const form = page.getByTestId('community-form');
  await form.locator('input[name=name]').fill(name);
  await form.locator('textarea[name=description]').fill(description);
  await form.getByRole('button', { name: 'Create' }).click();
  await page.getByTestId('community-page').waitFor(T);
  return page.evaluate(() => location.hash);
}

/**
 * Each of `channels` ({who, sats, pushSats}) opens a channel on the Channels page (the hub
 * accepts, the wallet pays the funding output, the hub signs, the wallet broadcasts; its txid
 * kept in `who.fundingTxid`); `beforeBlock()` runs while they wait for their confirmation;
 * one block; all ready. Channels closed before stay on the page, above: not looked at.
 */
export async function openChannels(app, channels, { beforeBlock = async () => {} } = {}) {
  for (const { who, sats, pushSats } of channels) {
    await go(who.page, '#/channels');
    await who.page.getByTestId('channel-open-form').waitFor(T);
    await who.page.getByTestId('channel-amount').fill(String(sats));
    await who.page.getByTestId('channel-push').fill(String(pushSats));
    await who.page.getByTestId('channel-open').click();
    await waitFor(`${who.name}'s channel confirming`, () => openStage(who.page), 'confirming');
    await openChannel(who.page).getByTestId('channel-stage').filter({ hasText: 'Waiting for 1 confirmation' }).waitFor(T);
    who.fundingTxid = await openChannel(who.page).getByTestId('channel-funding-txid').innerText();
  }
  await beforeBlock();
  await app.rpc('generatetoaddress', [1, app.nobody]);
  for (const { who } of channels) {
    await waitFor(`${who.name} ready`, () => openStage(who.page), 'ready', 120000).catch(explain(who, 'channel-not-ready'));
  }
}

/** For a failed wait on `who`'s Channels page: a screenshot, then the error with what the page and the worker said. */
export function explain(who, shot) {
  return async (error) => {
    await screenshot(who.page, `${shot}-${who.name}`);
    throw new Error(`${error.message}; the page says: ${await who.page.getByTestId('channels-page').innerText()}; ` +
      `the worker said: ${who.warnings.join(' | ')}`);
  };
}

/** Reloads `who`'s page (on the Channels page): ready again with its channel shown. */
export async function reloadWithChannel(who) {
  await who.page.reload();
  await who.page.waitForSelector('html[data-ready=true]', T);
  await who.page.getByTestId('channel').waitFor(T);
}

/** Unlocks `who`'s key on the account page. */
export async function unlock(who, passphrase) {
  await go(who.page, '#/account?next=%2Fchannels');
  const form = who.page.getByTestId('unlock-form');
  await form.locator('input[name=passphrase]').fill(passphrase);
  await form.getByRole('button', { name: 'Unlock' }).click();
  await who.page.getByTestId('lock-button').waitFor(T);
}

/** Starts a tip of `sats` over the channel on the post at `postHash`; returns the tip form. */
export async function tipOverChannel(page, postHash, sats, { vote = false } = {}) {
  await go(page, postHash);
  const article = page.locator('article.post-full');
  await article.waitFor(T);
  const form = article.getByTestId('tip-form');
  if (!await form.count()) await article.getByTestId('tip-button').click();
  await form.getByTestId('tip-amount').fill(String(sats));
  if (vote) await form.getByTestId('tip-vote').check();
  await form.getByTestId('tip-channel').click();
  return form;
}

/** An invoice for `sats` made on the Channels page (shown on it); returns its text. */
export async function makeInvoice(page, sats) {
  const shown = page.getByTestId('invoice-text');
  const last = await shown.count() ? await shown.innerText() : null;
  await page.getByTestId('invoice-amount').fill(String(sats));
  await page.getByTestId('invoice-make').click();
  await waitFor('the new invoice', async () => (await shown.innerText()) !== last, true, 30000);
  return shown.innerText();
}

/** Pays `invoice` from the Channels page (the key unlocked). */
export async function payInvoice(page, invoice) {
  await page.getByTestId('pay-invoice').fill(invoice);
  await page.getByTestId('pay-confirm').click();
}

/** The transactions in the node's mempool that spend an output of `txid`, each decoded by `decode`. */
export async function mempoolSpending(app, txid, decode) {
  const found = [];
  for (const id of await app.rpc('getrawmempool', [])) {
    const tx = decode(await app.rpc('getrawtransaction', [id, false]));
    if (tx.vin.some((i) => i.txid === txid)) found.push(tx);
  }
  return found;
}

/** The hub wallet's operator view (GET /hub/wallet from 127.0.0.1): {status, view}. */
export function hubWallet(app) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: app.relay.port, path: '/hub/wallet' }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, view: res.statusCode === 200 ? JSON.parse(body) : body }));
    }).on('error', reject);
  });
}

/** `sats` from the relay's faucet to the hub wallet's deposit address, confirmed by a block. */
export async function fundHubWallet(app, sats) {
  await waitFor('the hub wallet', () => hubWallet(app).then((w) => w.status), 200, 30000);   // made at the bridge's first tip
  const { view } = await hubWallet(app);
  const faucet = await connect(app.relay.url);
  const sent = await btc(faucet, { method: 'faucet', address: view.deposit_address, sats }, 180000);
  faucet.close();
  if (sent[0] !== 'BTC-OK') throw new Error(`the faucet refused: ${JSON.stringify(sent)}`);
  await app.rpc('generatetoaddress', [1, app.nobody]);
  await waitFor('the hub\'s deposit confirmed', () => hubWallet(app).then((w) => w.view.confirmed_sats), view.confirmed_sats + sats, 60000);
}

/** Asks the hub for a channel of `sats` on the Channels page; returns the ask status line. */
export async function askChannel(page, sats) {
  await go(page, '#/channels');
  await page.getByTestId('channel-ask-form').waitFor(T);
  await page.getByTestId('channel-ask-amount').fill(String(sats));
  await page.getByTestId('channel-ask').click();
  return page.getByTestId('channel-ask-status');
}
