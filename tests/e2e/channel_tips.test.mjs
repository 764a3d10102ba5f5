// End-to-end: tips and paid votes over payment channels, with receipts, in three browsers
// (separate Chromium profiles) against the real datt-relay running the hub (--hub true,
// --hub-minimum-depth 1) bridged to a real bcoin regtest node (loopback only). Alice and Bob
// fund their wallets and open channels (Bob with room to receive); Bob posts twice (the tipped
// post first, then a newer one). Alice tips Bob's older post 1 sat over her channel: her browser
// asks Bob's for an invoice over the relay (kind 24570/24571), Bob's tab signs it with his Nostr
// key, Alice pays it with a receipt request, Bob's worker fulfils it, the hub publishes the kind
// 4571 receipt. Carol (a third browser, no account) sees 1 sat on the post, paid by Alice, from
// the receipt her browser verified. A paid vote (5 sats and an up vote) adds to both: Carol sees
// 6 sats and a score of 1, and her hot ranking puts the tipped post above the newer one. Bob's
// key locked (a reload): Alice is told so; Bob offline (his browser closed): Alice is told the
// author did not answer, within seconds, and nothing is paid. Last, Alice closes her channel:
// the closing output reaches her wallet after a block, and Carol still counts the receipts'
// sats (issue 13 item 6's flow: open channel -> tip -> receipt shown to another user -> close).
// Before that, Carol, who has no coins, imports an account and asks the hub for a channel to
// receive: the form says the hub's limits (NIP-11 `hub_open`) and refuses an amount over
// --hub-open-max-sats before asking; the hub itself refuses while its wallet has no coins (the
// page says its code's sentence and its words); once its wallet is funded through GET
// /hub/wallet's deposit address, the hub funds 150,000 sats, the channel is ready after a block with her side
// at 0, Alice tips Carol's post 2,000 sats over her channel (Carol's side exact, her post, left
// open, counts the receipt as it arrives), Carol closes and her
// wallet's confirmed balance is exactly 2,000 sats (the hub, the funder, pays the closing fee).
// While Bob's browser is closed, the hub's latest commitment of his channel is broadcast and
// mined, three blocks deep: when Bob reopens the page, his app finds the spend (the bridge
// scans again from the funding's block: `watch` `from_height`), resolves it in wasm, says what
// comes back from which block, broadcasts the sweep of his balance, and after a block his
// wallet's confirmed balance has grown by the sweep's output, exact to the sat.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { askChannel, createCommunity, fundAccounts, fundHubWallet, importWithoutCoins, mempoolSpending, MNEMONIC, msat, openApp, openChannels,
  PASSPHRASE, stage, tearDown, tipOverChannel as tipPost } from './channel_rig.mjs';
import { hubCommitmentSpending } from './hub_commitment.mjs';
import { go, launchProfile, requireBuilt, satsOf, screenshot, startRegtestApp, submitPost, tempDir, waitFor, WASM_ROOT }
  from './support.mjs';

const HUB_OPEN_MAX_SATS = 300_000;
const T = { timeout: 60000 };
const CHANNEL_SATS = 200_000n;
const BOB_PUSH_SATS = 100_000n;
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

let dir;
let app;
let datt;
const Alice = { name: 'Alice' };
const Bob = { name: 'Bob' };
const Carol = { name: 'Carol' };
let postHash;
let postId;
let communityHash;

function nostrKeyOf(mnemonic) {
  const seed = datt.mnemonicToSeed(mnemonic);
  return datt.publicKey(datt.derive(seed, "m/44'/1237'/0'/0/0").secretKey);
}

before(async () => {
  requireBuilt();
  ({ loadDatt: datt } = await import(path.join(WASM_ROOT, 'datt.mjs')));
  datt = await datt({ payments: true });
  dir = tempDir('datt-e2e-channel-tips-');
  app = await startRegtestApp({ dir, datt, args: ['--hub', 'true', '--hub-minimum-depth', '1', '--hub-open-max-sats', String(HUB_OPEN_MAX_SATS)] });
  for (const who of [Alice, Bob, Carol]) await openApp(who, await launchProfile(), app.base);
});

after(() => tearDown({ people: [Alice, Bob, Carol], app, dir }));

test('Alice and Bob fund their wallets, Bob posts, both open channels to the hub', { timeout: 900000 }, async () => {
  await fundAccounts(app, [{ who: Alice, mnemonic: MNEMONIC.Alice }, { who: Bob, mnemonic: MNEMONIC.Bob }], PASSPHRASE);
  communityHash = await createCommunity(Bob.page, 'Sats Street', 'Posts paid in sats.');
  await submitPost(Bob.page, 'Tipped post', 'Worth a sat.');
  postHash = await Bob.page.evaluate(() => location.hash);
  postId = postHash.match(/^#\/post\/([0-9a-f]{64})/)[1];
  await sleep(1100);
  await go(Bob.page, communityHash);
  await submitPost(Bob.page, 'Newer post', 'Not tipped.');

  await openChannels(app, [{ who: Alice, sats: CHANNEL_SATS, pushSats: 0n }, { who: Bob, sats: CHANNEL_SATS, pushSats: BOB_PUSH_SATS }]);
});

const tipOverChannel = (page, sats, options) => tipPost(page, postHash, sats, options);

const postSats = (page) => page.locator('article.post-full').getByTestId('tip-total').getAttribute('data-sats')
  .then((v) => (v === null ? null : BigInt(v)));

test('Alice tips Bob\'s post 1 sat over her channel; Carol sees the receipt\'s sat, paid by Alice', { timeout: 180000 }, async () => {
  const alice = nostrKeyOf(MNEMONIC.Alice);
  const bobLocal = (CHANNEL_SATS - BOB_PUSH_SATS) * 1000n;
  await go(Bob.page, '#/channels');
  await waitFor('Bob\'s balance before', () => msat(Bob.page, 'channel-local'), bobLocal);
  const form = await tipOverChannel(Alice.page, 1);
  await form.getByTestId('tip-channel-done').waitFor(T).catch(async (error) => {
    await screenshot(Alice.page, 'channel-tips-failed');
    throw new Error(`${error.message}; the form says: ${await form.innerText()}; Bob's worker said: ${Bob.warnings.join(' | ')}`);
  });
  assert.match(await form.getByTestId('tip-channel-done').innerText(), /Paid 1 sat over your channel/);
  // Bob's worker fulfilled it (his invoice): his side grew by exactly 1,000 msat.
  await waitFor('Bob\'s balance', () => msat(Bob.page, 'channel-local'), bobLocal + 1000n);
  await waitFor('Alice sees the receipt', () => postSats(Alice.page), 1n, 30000);
  await screenshot(Alice.page, 'channel-tips-paid');

  // Carol has no account and no channel: she verifies the hub's receipt herself.
  await go(Carol.page, postHash);
  await Carol.page.locator('article.post-full').waitFor(T);
  await waitFor('Carol sees 1 sat', () => postSats(Carol.page), 1n, 30000).catch(async (error) => {
    const stored = await Carol.page.evaluate(() => new Promise((resolve) => {
      const open = indexedDB.open('datt-receipts');
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('receipts')) return resolve('no store');
        const all = db.transaction('receipts').objectStore('receipts').getAll();
        all.onsuccess = () => resolve(JSON.stringify(all.result));
      };
      open.onerror = () => resolve(String(open.error));
    }));
    throw new Error(`${error.message}; Carol's receipts: ${stored}; her worker said: ${Carol.warnings.join(' | ')}`);
  });
  const payer = Carol.page.locator('article.post-full').getByTestId('tip-payer');
  assert.equal(await payer.count(), 1);
  assert.equal(await payer.getAttribute('data-pubkey'), alice);
  assert.equal(await payer.getAttribute('data-sats'), '1');
  await screenshot(Carol.page, 'channel-tips-carol');
});

test('a paid vote: 5 sats and an up vote; Carol counts 6 sats and the score, and ranks the post first', { timeout: 180000 }, async () => {
  const form = await tipOverChannel(Alice.page, 5, { vote: true });
  await form.getByTestId('tip-channel-done').waitFor(T);
  assert.match(await form.getByTestId('tip-channel-done').innerText(), /and up-voted/);
  await waitFor('Alice sees 6 sats', () => postSats(Alice.page), 6n, 30000);

  await Carol.page.reload();
  await Carol.page.waitForSelector('html[data-ready=true]', T);
  await waitFor('Carol sees 6 sats', () => postSats(Carol.page), 6n, 30000);
  await waitFor('Carol sees the vote', () => Carol.page.locator('article.post-full').getByTestId('score').innerText(), '1', 30000);
  const payer = Carol.page.locator('article.post-full').getByTestId('tip-payer');
  assert.equal(await payer.getAttribute('data-sats'), '6');
  // Hot: log10(1 + 6/1000) outweighs the newer post's second of age (docs/protocol.md "Ranking").
  await go(Carol.page, communityHash);
  await Carol.page.getByTestId('community-page').waitFor(T);
  await waitFor('two posts', () => Carol.page.getByTestId('post-row').count(), 2);
  await waitFor('the tipped post first', () => Carol.page.locator('[data-testid=post-row] .post-title > a').allInnerTexts()
    .then((t) => t.join(' | ')), 'Tipped post | Newer post', 30000);
});

test('Carol (no coins) asks the hub for a channel; Alice tips her post over it; Carol closes and gets her sats on chain',
  { timeout: 300000 }, async () => {
    await importWithoutCoins(Carol.page, MNEMONIC.Carol, PASSPHRASE);   // the channel closes to her wallet
    // Over the hub's --hub-open-max-sats (NIP-11 `hub_open`): the form says its limits and refuses before asking.
    await askChannel(Carol.page, HUB_OPEN_MAX_SATS + 1);
    const askCard = Carol.page.getByTestId('channel-ask-form').locator('..');
    assert.equal(await askCard.getByRole('alert').innerText(), `The hub funds channels of at most ${HUB_OPEN_MAX_SATS.toLocaleString('en')} sats.`);
    assert.match(await Carol.page.getByTestId('channel-ask-limits').innerText(),
      new RegExp(`^The hub funds channels of [\\d,]+ to ${HUB_OPEN_MAX_SATS.toLocaleString('en')} sats, 1 per IP address\\.$`));
    assert.equal(await Carol.page.getByTestId('channel-ask-status').count(), 0, 'nothing asked of the hub');

    // The hub's own refusal (its wallet has no coins yet): the page says its code's sentence, then the hub's words.
    const CAROL_SATS = 150_000;
    const refusal = await askChannel(Carol.page, CAROL_SATS);
    await waitFor('the hub\'s refusal', () => refusal.getAttribute('data-stage', { timeout: 1000 }), 'refused', 30000);
    assert.equal(await refusal.getAttribute('data-code'), 'hub_wallet_empty');
    assert.match(await refusal.innerText(), new RegExp('^The hub\'s wallet cannot fund this channel now: ask for fewer sats, or later\\. '
      + '\\(The hub says: the hub\'s wallet has (no coins yet|0 confirmed sats free)\\)$'));
    assert.equal(await Carol.page.getByTestId('channel').count(), 0, 'no channel');

    await fundHubWallet(app, 400_000);
    await askChannel(Carol.page, CAROL_SATS);   // "Asked the hub…" shows until its answer: too short a time to read here
    await waitFor('Carol\'s channel confirming', () => stage(Carol.page), 'confirming', 30000).catch(async (error) => {
      await screenshot(Carol.page, 'channel-ask-failed');
      throw new Error(`${error.message}; the page says: ${await Carol.page.getByTestId('channels-page').innerText()}; ${Carol.warnings.join(' | ')}`);
    });
    assert.equal(await Carol.page.getByTestId('channel-fundee').count(), 1);
    const fundingTxid = await Carol.page.getByTestId('channel-funding-txid').innerText();
    await waitFor('the hub\'s funding in the mempool', () => app.rpc('getrawmempool', []).then((m) => m.includes(fundingTxid)), true, 30000);
    const funding = await app.rpc('getrawtransaction', [fundingTxid, true]);
    assert.ok(funding.vout.some((o) => Math.round(o.value * 1e8) === CAROL_SATS), 'the funding pays the channel exactly');
    await app.rpc('generatetoaddress', [1, app.nobody]);
    await waitFor('Carol ready', () => stage(Carol.page), 'ready', 60000);
    assert.equal(await msat(Carol.page, 'channel-local'), 0n, 'Carol\'s side starts at 0');

    await go(Carol.page, communityHash);
    await submitPost(Carol.page, 'Carol\'s first post', 'Tip me, I have no coins.');
    const carolPost = await Carol.page.evaluate(() => location.hash);
    const TIP = 2_000n;   // above the dust limit: Carol's close pays it on chain
    const form = await tipPost(Alice.page, carolPost, Number(TIP));
    await form.getByTestId('tip-channel-done').waitFor(T).catch(async (error) => {
      throw new Error(`${error.message}; the form says: ${await form.innerText()}; Carol's worker said: ${Carol.warnings.join(' | ')}`);
    });
    // The hub's receipt of the payment to Carol's channel counts on her post, exact, while it is
    // on screen (not opened again: the owner's live REQ for the receipts of what is shown).
    await waitFor('Carol sees the tip\'s receipt', () => postSats(Carol.page), TIP, 30000);
    await go(Carol.page, '#/channels');
    await waitFor('Carol\'s balance', () => msat(Carol.page, 'channel-local'), TIP * 1000n, 30000);
    await waitFor('Carol\'s payments settled', () => Carol.page.getByTestId('channel-htlcs').getAttribute('data-count'), '0');

    await Carol.page.getByTestId('channel-close').click();
    await Carol.page.getByTestId('channel-close-yes').click();
    await waitFor('Carol closed', () => stage(Carol.page), 'closed', 60000);
    await Carol.page.getByTestId('channel-stage').filter({ hasText: `Closed: ${TIP.toLocaleString('en')} sats back to your wallet` }).waitFor(T);
    const closing = await Carol.page.getByTestId('channel-closing-txid').innerText();
    await waitFor('the closing transaction in the node\'s mempool', () => app.rpc('getrawmempool', []).then((m) => m.includes(closing)), true, 20000);
    await app.rpc('generatetoaddress', [1, app.nobody]);
    await go(Carol.page, '#/wallet');
    await waitFor('Carol\'s confirmed balance: her tips, exact', () => satsOf(Carol.page, 'balance-confirmed'), TIP, 60000);
    assert.deepEqual(Carol.browser.errors, [], 'Carol\'s page errors');
  });

test('Bob\'s key locked, then Bob offline: Alice gets a clear status within seconds and pays nothing', { timeout: 180000 }, async () => {
  await go(Alice.page, '#/channels');
  await Alice.page.getByTestId('channel-local').first().waitFor(T);
  await waitFor('Alice\'s payments settled', () => Alice.page.getByTestId('channel-htlcs').getAttribute('data-count'), '0');
  const aliceLocal = await msat(Alice.page, 'channel-local');
  // A reload locks Bob's key (he did not choose to stay unlocked); his worker still answers.
  await Bob.page.reload();
  await Bob.page.waitForSelector('html[data-ready=true]', T);
  await go(Bob.page, '#/channels');
  await waitFor('Bob reattached', () => stage(Bob.page), 'ready', 60000);
  await waitFor('Bob\'s hub connection', () => Bob.page.getByTestId('hub-state').getAttribute('data-state'), 'connected', 30000);
  let form = await tipOverChannel(Alice.page, 2);
  await form.getByRole('alert').filter({ hasText: 'author is online but their key is locked' }).waitFor(T);

  Bob.fundingTxid = await Bob.page.getByTestId('channel-funding-txid').first().innerText();
  Bob.profileDir = Bob.browser.profileDir;
  await Bob.browser.close({ keepProfile: true });
  Bob.browser = null;
  const started = Date.now();
  form = await tipOverChannel(Alice.page, 2);
  await form.getByRole('alert').filter({ hasText: 'did not answer' }).waitFor(T);
  assert.ok(Date.now() - started < 15000, `the status took ${Date.now() - started} ms`);
  assert.match(await form.getByRole('alert').innerText(), /on chain/);
  await go(Alice.page, '#/channels');
  await Alice.page.getByTestId('channel-local').first().waitFor(T);
  assert.equal(await msat(Alice.page, 'channel-local'), aliceLocal, 'nothing was paid');
  for (const who of [Alice, Carol]) assert.deepEqual(who.browser.errors, [], `${who.name}'s page errors`);
});

test('Alice closes her channel: the closing output reaches her wallet after a block, and Carol still counts the receipts\' sats',
  { timeout: 180000 }, async () => {
    await go(Alice.page, '#/wallet');
    const confirmedBefore = await satsOf(Alice.page, 'balance-confirmed');
    await go(Alice.page, '#/channels');
    await waitFor('Alice ready to close', () => stage(Alice.page), 'ready');
    await waitFor('Alice\'s payments settled', () => Alice.page.getByTestId('channel-htlcs').getAttribute('data-count'), '0');
    await Alice.page.getByTestId('channel-close').click();
    await Alice.page.getByTestId('channel-close-yes').click();
    await waitFor('Alice closed', () => stage(Alice.page), 'closed', 60000);
    const closedText = await Alice.page.getByTestId('channel-stage')
      .filter({ hasText: 'back to your wallet, waiting for confirmation' }).innerText({ timeout: 30000 });
    const ours = BigInt(/Closed: ([\d,]+) sats back/.exec(closedText)[1].replaceAll(',', ''));
    const txid = await Alice.page.getByTestId('channel-closing-txid').innerText();
    await waitFor('the closing transaction in the node\'s mempool', () => app.rpc('getrawmempool', []).then((m) => m.includes(txid)), true, 20000);
    const tx = await app.rpc('getrawtransaction', [txid, true]);
    assert.ok(tx.vout.some((o) => BigInt(Math.round(o.value * 1e8)) === ours), `an output of ${ours} sats for Alice`);
    await app.rpc('generatetoaddress', [1, app.nobody]);
    await Alice.page.getByTestId('channel-stage').filter({ hasText: 'are back in your wallet (confirmed)' }).waitFor({ timeout: 60000 });
    await go(Alice.page, '#/wallet');
    await waitFor('Alice\'s confirmed balance with the closing output', () => satsOf(Alice.page, 'balance-confirmed'), confirmedBefore + ours, 60000);

    // The receipts outlive the channel: Carol, reloading, still counts the 6 sats Alice paid.
    await Carol.page.reload();
    await Carol.page.waitForSelector('html[data-ready=true]', T);
    await go(Carol.page, postHash);
    await Carol.page.locator('article.post-full').waitFor(T);
    await waitFor('Carol still sees 6 sats', () => postSats(Carol.page), 6n, 30000);
    for (const who of [Alice, Carol]) assert.deepEqual(who.browser.errors, [], `${who.name}'s page errors`);
  });

test('the hub closes Bob\'s channel while his browser is closed: back, his app finds the spend and sweeps his balance to the sat',
  { timeout: 240000 }, async () => {
    const decode = (rawHex) => datt.bitcoin.decodeTransaction(Buffer.from(rawHex, 'hex'), 'bcoin-regtest');
    const commitment = hubCommitmentSpending(path.join(dir, 'datt.sqlite3'), Bob.fundingTxid, decode);
    assert.equal(await app.rpc('sendrawtransaction', [commitment.hex]), commitment.txid);
    await app.rpc('generatetoaddress', [1, app.nobody]);
    const spendHeight = await app.rpc('getblockcount', []);
    assert.equal((await app.rpc('getrawtransaction', [commitment.txid, true])).confirmations, 1, 'the commitment is mined');
    await app.rpc('generatetoaddress', [2, app.nobody]);
    // Bob's balance after the tips (1 + 5 sats), less the commitment's fee (he funded: 2,500 sat/kw x 724).
    const bobSats = CHANNEL_SATS - BOB_PUSH_SATS + 6n - (2500n * 724n) / 1000n;
    const toRemote = commitment.outputs.findIndex((o) => BigInt(o.value) === bobSats);
    assert.ok(toRemote >= 0, `Bob's ${bobSats} sats are an output of the hub's commitment: ${JSON.stringify(commitment.outputs)}`);

    await openApp(Bob, await launchProfile(Bob.profileDir), app.base);
    await go(Bob.page, '#/channels');
    const resolution = Bob.page.getByTestId('channel-resolution').first();
    await resolution.waitFor({ timeout: 90000 }).catch(async (error) => {
      await screenshot(Bob.page, 'channel-tips-no-rescan');
      throw new Error(`${error.message}; the worker said: ${Bob.warnings.join(' | ')}`);
    });
    assert.equal(await Bob.page.getByTestId('channel').first().getAttribute('data-spent'), 'unilateral');
    assert.equal(await resolution.getAttribute('data-kind'), 'remote_commitment');
    const told = /^([\d,]+) sats come back to your wallet from block (\d+)\.$/.exec(await resolution.innerText());
    assert.ok(told, await resolution.innerText());
    assert.equal(Number(told[2]), spendHeight + 1, 'due from the block after the commitment\'s');

    // Due already (the chain is 2 blocks past it): the sweep is in the node's mempool.
    let sweep;
    await waitFor('the sweep in the node\'s mempool', async () => {
      sweep = (await mempoolSpending(app, commitment.txid, decode)).find((d) => d.vin.some((i) => i.txid === commitment.txid && i.vout === toRemote));
      return Boolean(sweep);
    }, true, 60000);
    assert.equal(sweep.vout.length, 1);
    const swept = sweep.vout[0].valueSats;
    const fee = bobSats - swept;
    assert.ok(fee >= (2500n * BigInt(sweep.weight)) / 1000n && fee <= (2500n * BigInt(sweep.weight + 3)) / 1000n,
      `the sweep's fee ${fee} is the channel's feerate for weight ${sweep.weight}`);
    assert.equal(BigInt(told[1].replaceAll(',', '')), swept, 'the page says what the sweep pays');

    await go(Bob.page, '#/wallet');
    await Bob.page.getByTestId('wallet-page').waitFor(T);
    const confirmedBefore = await satsOf(Bob.page, 'balance-confirmed');
    await app.rpc('generatetoaddress', [1, app.nobody]);
    await waitFor('Bob\'s confirmed balance with the swept sats', () => satsOf(Bob.page, 'balance-confirmed'), confirmedBefore + swept, 60000);
    await go(Bob.page, '#/channels');
    await waitFor('the page says it came back', () => resolution.innerText(), `${swept.toLocaleString('en')} sats came back to your wallet (confirmed).`, 60000);
    // Closed on chain, the channel can no longer pay or be closed, and a new one can be opened.
    await Bob.page.getByTestId('channel-open-form').waitFor(T);
    assert.equal(await Bob.page.getByTestId('channel-close').count(), 0, 'no Close button on a channel closed on chain');
    assert.equal(await Bob.page.getByTestId('pay-invoice').count(), 0, 'no Pay form over it');
    await screenshot(Bob.page, 'channel-tips-rescanned');
    assert.deepEqual(Bob.browser.errors, [], 'Bob\'s page errors');
  });
