// End-to-end: on-chain tips between two people in two browsers (separate Chromium profiles)
// against the real relay bridged to a real bcoin regtest node (started and stopped here,
// loopback only). A writes a post and funds the wallet from the faucet; B funds the wallet
// and cannot tip A before A publishes a payout address (kind 10570); A publishes it; B's
// tip over the balance is refused; B tips 25,000 sats: the node has the payment (paying A's
// payout address, with the commitment output), and before a block both browsers show the
// tip as pending and count nothing; after a block both show 25,000 sats verified (each
// browser checked the merkle proof against its own header chain); a reorganization that
// removes its block makes it pending in both, and mined again it is verified again; a reload
// keeps it (read back from IndexedDB, re-checked against the chain); a locked key cannot tip.
// Then B unlocks and tips A's comment; bumps its payment's fee on the Wallet page (bcoin
// refuses the bump; the app re-announces the tip for it; a block built as a miner's holds
// it): both browsers show the comment's tip verified with its amount once, the first
// announcement pending for good.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { mineBlockWith } from '../support/miner.mjs';
import { fundWallet, go, importMnemonic, launchProfile, requireBuilt, satsOf as sats, screenshot, startRegtestApp, submitPost, tempDir,
  waitFor, WASM_ROOT } from './support.mjs';

const PASSPHRASE = 'correct horse battery staple';
const MNEMONIC_A = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const MNEMONIC_B = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const NETWORK = 'bcoin-regtest';
const T = { timeout: 60000 };
const TIP = 25_000n;
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

let dir;
let node;
let relay;
let base;
let datt;
let nobody;
const A = {};
const B = {};

const rpc = (method, params) => node.rpc(method, params);

async function openBrowser(who) {
  who.browser = await launchProfile();
  who.page = await who.browser.page();
  await who.page.goto(base);
  await who.page.waitForSelector('html[data-ready=true]', T);
}

before(async () => {
  requireBuilt();
  ({ loadDatt: datt } = await import(path.join(WASM_ROOT, 'datt.mjs')));
  datt = await datt({ payments: true });
  dir = tempDir('datt-e2e-tips-');
  ({ node, relay, base, nobody } = await startRegtestApp({ dir, datt, network: NETWORK }));
  await openBrowser(A);
  await openBrowser(B);
});

after(async () => {
  await A.browser?.close();
  await B.browser?.close();
  await relay?.stop();
  await node?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The post's tip line in `page`: {total (verified sats or null), pending (count)}. */
async function tipState(page) {
  const article = page.locator('article.post-full');
  const total = await article.getByTestId('tip-total').count() ? BigInt(await article.getByTestId('tip-total').getAttribute('data-sats')) : null;
  const pending = await article.getByTestId('tip-pending').count() ? Number(await article.getByTestId('tip-pending').getAttribute('data-count')) : 0;
  return { total, pending };
}

let postId;
let postHash;
let communityHash;

/** The post titles of the community page in `page`, in the order shown (hot). */
async function communityOrder(page) {
  await go(page, communityHash);
  await page.getByTestId('community-page').waitFor(T);
  await waitFor('two posts', () => page.getByTestId('post-row').count(), 2);
  return page.locator('[data-testid=post-row] .post-title > a').allInnerTexts();
}

test('A writes a post and funds the wallet; B funds the wallet', { timeout: 600000 }, async () => {
  await importMnemonic(A.page, MNEMONIC_A, PASSPHRASE);
  await go(A.page, '#/communities');
  await A.page.getByTestId('create-community').click();
  const form = A.page.getByTestId('community-form');
  await form.locator('input[name=name]').fill('Tipping Point');
  await form.locator('textarea[name=description]').fill('Posts worth a tip.');
  await form.getByRole('button', { name: 'Create' }).click();
  await A.page.getByTestId('community-page').waitFor(T);
  communityHash = await A.page.evaluate(() => location.hash);
  await submitPost(A.page, 'Worth a tip', 'A post that deserves sats.');
  postHash = await A.page.evaluate(() => location.hash);
  postId = postHash.match(/^#\/post\/([0-9a-f]{64})/)[1];
  // A newer post, which the hot sort puts first until the older one has verified tips.
  await sleep(1100);
  await go(A.page, communityHash);
  await submitPost(A.page, 'Newer post', 'Not tipped.');

  await fundWallet(A.page);
  await importMnemonic(B.page, MNEMONIC_B, PASSPHRASE);
  await fundWallet(B.page);
  await rpc('generatetoaddress', [1, nobody]);
  await waitFor('A confirmed', () => sats(A.page, 'balance-confirmed'), 1_000_000n);
  await waitFor('B confirmed', () => sats(B.page, 'balance-confirmed'), 1_000_000n);
});

test('no payout address: B is told A cannot be tipped yet', T, async () => {
  await go(B.page, postHash);
  await B.page.getByTestId('post-title').filter({ hasText: 'Worth a tip' }).waitFor(T);
  const article = B.page.locator('article.post-full');
  await article.getByTestId('tip-button').click();
  await article.getByTestId('tip-amount').fill(String(TIP));
  await article.getByTestId('tip-send').click();
  const error = article.getByTestId('tip-form').getByRole('alert');
  await error.waitFor(T);
  assert.match(await error.innerText(), /has not published a payout address/);
  assert.deepEqual(await rpc('getrawmempool'), [], 'nothing was paid');
});

let payoutAddress;

test('A publishes the wallet\'s receive address as the payout address', T, async () => {
  // A comment of A's under the post (tipped below through its own button).
  await go(A.page, postHash);
  await A.page.getByTestId('comment-form').locator('textarea').fill('A note from the author');
  await A.page.getByTestId('comment-form').getByRole('button', { name: 'Comment' }).click();
  await A.page.getByTestId('comment').filter({ hasText: 'A note from the author' }).waitFor(T);
  assert.equal(await A.page.getByTestId('tip-button').count(), 0, 'no tip button on one\'s own post and comment');
  await go(A.page, '#/wallet');
  await A.page.getByTestId('payout-none').waitFor(T);
  const receive = await A.page.getByTestId('receive-address').innerText();
  await A.page.getByTestId('payout-publish').click();
  await A.page.getByTestId('payout-address').waitFor(T);
  payoutAddress = await A.page.getByTestId('payout-address').innerText();
  assert.equal(payoutAddress, receive);
  // The same as an independent derivation of A's next BIP-84 receive address (index 1: 0 got the faucet's coins).
  const seed = datt.mnemonicToSeed(MNEMONIC_A);
  assert.equal(payoutAddress, datt.bitcoin.wallet.addresses(seed, 0, 1, 1, { network: NETWORK })[0].address);
  await screenshot(A.page, 'tips-payout');
});

let tipTxid;

test('B tips: over the balance is refused; 25,000 sats are paid and announced, pending in both browsers', { timeout: 120000 }, async () => {
  const article = B.page.locator('article.post-full');
  const form = article.getByTestId('tip-form');
  for (const bad of ['0', '12.5', 'lots']) {
    await form.getByTestId('tip-amount').fill(bad);
    await form.getByTestId('tip-send').click();
    await form.getByRole('alert').filter({ hasText: 'Enter the tip in sats' }).waitFor(T);
  }
  await form.getByTestId('tip-amount').fill('5000000');
  await form.getByTestId('tip-send').click();
  await form.getByRole('alert').filter({ hasText: 'Not enough confirmed coins' }).waitFor(T);

  await form.getByTestId('tip-amount').fill(String(TIP));
  await form.getByTestId('tip-message').fill('thanks!');
  await form.getByTestId('tip-send').click();
  const done = form.getByTestId('tip-done');
  await done.waitFor(T);
  const mempool = await rpc('getrawmempool');
  assert.equal(mempool.length, 1);
  [tipTxid] = mempool;
  assert.match(await done.innerText(), new RegExp(tipTxid.slice(0, 12)));
  // The node's view of the payment: A's payout address gets exactly the tip, and the commitment is there.
  const entry = await rpc('getrawtransaction', [tipTxid, true]);
  const paid = entry.vout.filter((out) => out.scriptPubKey.addresses?.includes(payoutAddress) || out.scriptPubKey.address === payoutAddress);
  assert.equal(paid.length, 1);
  assert.equal(BigInt(Math.round(paid[0].value * 1e8)), TIP);
  const commitments = entry.vout.filter((out) => out.scriptPubKey.hex?.startsWith('6a20') && out.scriptPubKey.hex.length === 68);
  assert.equal(commitments.length, 1, JSON.stringify(entry.vout));
  assert.equal(commitments[0].value, 0);

  // Pending, not counted, in both browsers.
  await waitFor('B pending', async () => (await tipState(B.page)).pending, 1);
  assert.equal((await tipState(B.page)).total, null);
  await go(A.page, postHash);
  await A.page.getByTestId('post-title').filter({ hasText: 'Worth a tip' }).waitFor(T);
  await waitFor('A pending', async () => (await tipState(A.page)).pending, 1);
  assert.equal((await tipState(A.page)).total, null);
  await screenshot(B.page, 'tips-pending');
  // A pending tip weighs nothing in the ranking: the newer post stays first.
  assert.deepEqual(await communityOrder(B.page), ['Newer post', 'Worth a tip']);
  const row = B.page.getByTestId('post-row').filter({ hasText: 'Worth a tip' });
  assert.equal(await row.getByTestId('tip-pending').getAttribute('data-count'), '1');
  assert.equal(await row.getByTestId('tip-total').count(), 0);
  await go(B.page, postHash);
});

test('after a block both browsers show the verified total', { timeout: 120000 }, async () => {
  await rpc('generatetoaddress', [1, nobody]);
  assert.equal((await rpc('getrawtransaction', [tipTxid, true])).confirmations, 1);
  for (const who of [A, B]) {
    await waitFor('verified total', async () => (await tipState(who.page)).total, TIP);
    assert.equal((await tipState(who.page)).pending, 0);
    assert.match(await who.page.locator('article.post-full').getByTestId('tip-total').innerText(), /^25,000 sats tipped$/);
  }
  // A's wallet received the tip (confirmed after its own merkle-proof check).
  await go(A.page, '#/wallet');
  await waitFor('A confirmed', () => sats(A.page, 'balance-confirmed'), 1_000_000n + TIP);
  await go(A.page, postHash);
  await screenshot(A.page, 'tips-verified');
  // The community page shows it on the post's row, and the verified sats lift the older post
  // above the newer one in hot (log10(1 + 25) = 1.41, about 17.6 hours of age).
  const order = await communityOrder(B.page);
  const row = B.page.getByTestId('post-row').filter({ hasText: 'Worth a tip' });
  await waitFor('row total', () => row.getByTestId('tip-total').getAttribute('data-sats'), String(TIP));
  await waitFor('hot order', async () => (await B.page.locator('[data-testid=post-row] .post-title > a').allInnerTexts()).join(' | '),
    'Worth a tip | Newer post');
  assert.equal(order.length, 2);
  await screenshot(B.page, 'tips-ranked');
});

test('a reorganization that removes the block turns the tip back to pending; mined again, it is verified again', { timeout: 180000 }, async () => {
  const raw = await rpc('getrawtransaction', [tipTxid, false]);
  const { blockhash } = await rpc('getrawtransaction', [tipTxid, true]);
  const tipHeight = (await rpc('getblockheader', [blockhash, true])).height;
  const height = await rpc('getblockcount');
  await rpc('invalidateblock', [blockhash]);
  // A competing branch from the block before the tip's, one block longer than the old one.
  await rpc('generatetoaddress', [height - tipHeight + 2, nobody]);
  assert.notEqual(await rpc('getblockhash', [tipHeight]), blockhash);
  await go(B.page, postHash);
  for (const who of [A, B]) {
    await who.page.getByTestId('post-title').filter({ hasText: 'Worth a tip' }).waitFor(T);
    await waitFor('pending after the reorg', async () => (await tipState(who.page)).pending, 1, 90000);
    assert.equal((await tipState(who.page)).total, null, 'not counted once its block left the chain');
  }
  await screenshot(A.page, 'tips-reorg-pending');
  // bcoin drops a disconnected block's transactions (its mempool was empty): broadcast it again and mine.
  if (!(await rpc('getrawmempool')).includes(tipTxid)) await rpc('sendrawtransaction', [raw]);
  await rpc('generatetoaddress', [1, nobody]);
  for (const who of [A, B]) await waitFor('verified again', async () => (await tipState(who.page)).total, TIP, 90000);
});

test('a reload keeps the verified total, without asking the relay for the proof again; a locked key cannot tip', T, async () => {
  for (const who of [A, B]) {
    // What the app sends over its relay connection after the reload (the owner's sync worker's socket).
    const sent = [];
    const watch = (ws) => ws.on('framesent', (frame) => sent.push(String(frame.payload)));
    who.page.on('websocket', watch);
    await who.page.reload();
    await who.page.waitForSelector('html[data-ready=true]', T);
    await go(who.page, postHash);
    await who.page.getByTestId('post-title').filter({ hasText: 'Worth a tip' }).waitFor(T);
    await waitFor('total after reload', async () => (await tipState(who.page)).total, TIP);
    await sleep(1000);   // a check pass after the header sync
    who.page.off('websocket', watch);
    assert.ok(sent.some((f) => f.startsWith('["REQ"')) && sent.some((f) => f.includes('"method":"headers"')),
      'the relay connection is observed');
    assert.equal(sent.filter((f) => f.includes('"method":"proof"') && f.includes(tipTxid)).length, 0,
      'the verified tip was read back, not proven again');
  }
  // B starts locked after the reload: neither the post nor the comment can be tipped.
  const article = B.page.locator('article.post-full');
  await article.getByTestId('tip-button').click();
  await article.getByTestId('tip-locked').waitFor(T);
  assert.equal(await article.getByTestId('tip-send').isDisabled(), true);
  const comment = B.page.getByTestId('comment').filter({ hasText: 'A note from the author' });
  await comment.getByTestId('tip-button').click();
  await comment.getByTestId('tip-locked').waitFor(T);
  assert.equal(await comment.getByTestId('tip-send').isDisabled(), true);
  assert.equal(await comment.getByTestId('tip-summary').count(), 0, 'the post\'s tip is not the comment\'s');
  await screenshot(B.page, 'tips-locked');
  assert.deepEqual(await rpc('getrawmempool'), []);
  for (const who of [A, B]) assert.deepEqual(who.browser.errors.filter((e) => !/favicon/.test(e)), []);
});

test('a tip of a comment, paid end to end and fee-bumped: B tips A\'s comment, bumps the payment (refused by bcoin, mined by a miner); both see the comment\'s tip verified once, the post\'s total unchanged', { timeout: 180000 }, async () => {
  const COMMENT_TIP = 7_000n;
  await go(B.page, `#/account?next=${encodeURIComponent(postHash.slice(1))}`);
  const unlockForm = B.page.getByTestId('unlock-form');
  await unlockForm.locator('input[name=passphrase]').fill(PASSPHRASE);
  await unlockForm.getByRole('button', { name: 'Unlock' }).click();
  await B.page.getByTestId('lock-button').waitFor(T);
  await go(B.page, postHash);
  const commentOf = (page) => page.getByTestId('comment').filter({ hasText: 'A note from the author' });
  await commentOf(B.page).waitFor(T);
  await commentOf(B.page).getByTestId('tip-button').click();
  const form = commentOf(B.page).getByTestId('tip-form');
  await form.getByTestId('tip-amount').fill(String(COMMENT_TIP));
  await form.getByTestId('tip-message').fill('good point');
  await form.getByTestId('tip-send').click();
  await form.getByTestId('tip-done').waitFor(T);
  const mempool = await rpc('getrawmempool');
  assert.equal(mempool.length, 1);
  const [commentTxid] = mempool;
  const entry = await rpc('getrawtransaction', [commentTxid, true]);
  const paid = entry.vout.filter((out) => out.scriptPubKey.addresses?.includes(payoutAddress) || out.scriptPubKey.address === payoutAddress);
  assert.equal(paid.length, 1);
  assert.equal(BigInt(Math.round(paid[0].value * 1e8)), COMMENT_TIP);

  const commentTip = async (page) => {
    const summary = commentOf(page).getByTestId('tip-summary');
    const total = await summary.getByTestId('tip-total').count() ? BigInt(await summary.getByTestId('tip-total').getAttribute('data-sats')) : null;
    const pending = await summary.getByTestId('tip-pending').count() ? Number(await summary.getByTestId('tip-pending').getAttribute('data-count')) : 0;
    return { total, pending };
  };
  await go(A.page, postHash);
  await commentOf(A.page).waitFor(T);
  for (const who of [A, B]) {
    await waitFor('comment tip pending', async () => (await commentTip(who.page)).pending, 1);
    assert.equal((await commentTip(who.page)).total, null, 'not counted before a block');
  }
  await screenshot(B.page, 'tips-comment-pending');

  // B bumps the tip's payment to 10 sat/vB on the Wallet page: the app announces the tip again
  // naming the bump; bcoin (no BIP-125) refuses the bump, a miner's block holds it anyway.
  await go(B.page, '#/wallet');
  const row = B.page.locator(`[data-testid=history-row][data-txid="${commentTxid}"]`);
  await row.getByTestId('bump-form').waitFor(T);
  await row.getByTestId('bump-rate').fill('10');
  await row.getByTestId('bump-button').click();
  await row.getByRole('alert').filter({ hasText: 'The node refused the replacement' }).waitFor(T);
  const refused = row.getByTestId('refused-bump');
  await refused.waitFor({ state: 'attached', ...T });
  const bumpTxid = await refused.getAttribute('data-txid');
  const raw = Uint8Array.from(Buffer.from(await row.getByTestId('refused-bump-hex').textContent(), 'hex'));
  assert.deepEqual(await rpc('getrawmempool'), [commentTxid]);
  await mineBlockWith({ datt, rpc, transactions: [raw], fees: BigInt(await refused.getAttribute('data-fee')),
    payoutScript: datt.bitcoin.p2wpkhScript(new Uint8Array(20).fill(9)) });
  assert.deepEqual(await rpc('getrawmempool'), [], 'the tip\'s first payment left the mempool');
  const bumpEntry = await rpc('getrawtransaction', [bumpTxid, true]);
  assert.equal(bumpEntry.confirmations, 1);
  const paidAgain = bumpEntry.vout.filter((out) => out.scriptPubKey.addresses?.includes(payoutAddress) || out.scriptPubKey.address === payoutAddress);
  assert.equal(BigInt(Math.round(paidAgain[0].value * 1e8)), COMMENT_TIP, 'the bump pays the author the same');
  await go(B.page, postHash);
  await commentOf(B.page).waitFor(T);
  for (const who of [A, B]) {
    // The bump's tip is verified; the first one (its payment replaced) stays pending, uncounted.
    await waitFor('comment tip verified', async () => (await commentTip(who.page)).total, COMMENT_TIP, 90000);
    assert.equal((await commentTip(who.page)).pending, 1, 'the replaced payment\'s tip is pending for good');
    assert.match(await commentOf(who.page).getByTestId('tip-total').innerText(), /^7,000 sats tipped$/);
    assert.equal((await tipState(who.page)).total, TIP, 'the post\'s own total is unchanged');
  }
  await screenshot(A.page, 'tips-comment-verified');
  for (const who of [A, B]) assert.deepEqual(who.browser.errors.filter((e) => !/favicon/.test(e)), []);
});
