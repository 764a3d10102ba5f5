// End-to-end: payment channels in the web app, for two users (browser contexts of one Chromium),
// against the real datt-relay running the hub (--hub true, --hub-minimum-depth 1) bridged to
// a real bcoin regtest node (started and stopped here, loopback only). A and B each fund
// their wallet, open a channel on the Channels page (funded by the wallet's on-chain payment,
// broadcast only after the hub signed: the node has the funding output of the exact amount),
// wait for the confirmation (A reloads while it waits: the channel is read back from
// IndexedDB and attached again, challenge then reestablish, on the new connection), then B
// makes a BOLT-11 invoice and A pays it: the Pay form shows the amount and the fee NIP-11
// advertises, and both pages show the exact new balances in msat (A: minus amount + fee,
// B: plus the amount); paying needs the unlocked key (A's reload locked it: the Pay button
// waits until A unlocks). A second payment, A reloading the moment it is sent: paid after
// the reload, the balances exact. Then closing from the page (a Close button with a
// confirmation): A pays B while B's page is gone (the hub holds the payment) and closes: the
// close waits for the HTLC in flight; A reloads mid-close (stage closing, read back and
// reestablished); B returns, the payment settles, A's close completes; B closes too. Each
// closing transaction, signed by both, is in the node's mempool, spends that funding output,
// pays the hub its balance and the wallet its own less the fee (the funder's); after a block
// the wallets' confirmed balances include the closing outputs.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { explain, fundAccounts, makeInvoice, mempoolSpending, msat, openApp, openChannels, payInvoice, reloadWithChannel, stage, unlock } from './channel_rig.mjs';
import { hubChannelRows, hubCommitmentOf, hubCommitmentSpending } from './hub_commitment.mjs';
import { go, launchBrowser, requireBuilt, satsOf, screenshot, startRegtestApp, tempDir, waitFor, WASM_ROOT } from './support.mjs';

const PASSPHRASE = 'correct horse battery staple';
const MNEMONIC_A = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
const MNEMONIC_B = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
const T = { timeout: 60000 };
const CHANNEL_SATS = 200_000n;
const B_PUSH_SATS = 100_000n;      // B's room to receive: its side given to the hub at open
const INVOICE_MSAT = 50_000_000n;  // 50,000 sats

let dir;
let app;
let datt;
let browser;
let hubInfo;
const A = { name: 'A' };
const B = { name: 'B' };

before(async () => {
  requireBuilt();
  ({ loadDatt: datt } = await import(path.join(WASM_ROOT, 'datt.mjs')));
  datt = await datt({ payments: true });
  dir = tempDir('datt-e2e-channels-');
  app = await startRegtestApp({ dir, datt, args: ['--hub', 'true', '--hub-minimum-depth', '1'] });
  hubInfo = await (await fetch(app.base, { headers: { Accept: 'application/nostr+json' } })).json();
  browser = await launchBrowser();
  for (const who of [A, B]) await openApp(who, await browser.user(), app.base);
});

after(async () => {
  await browser?.close().catch(() => {});
  await app?.relay.stop();
  await app?.node.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('A and B fund their wallets', { timeout: 900000 }, async () => {
  await fundAccounts(app, [{ who: A, mnemonic: MNEMONIC_A }, { who: B, mnemonic: MNEMONIC_B }], PASSPHRASE);
});

test('A and B open channels to the hub; A reloads while the funding confirms', { timeout: 300000 }, async () => {
  // Out of the hub's range: refused on the page with the NIP-11 limits.
  await go(A.page, '#/channels');
  await A.page.getByTestId('channel-open-form').waitFor(T);
  await A.page.getByTestId('channel-amount').fill(String(hubInfo.channels.min_funding_sats - 1));
  await A.page.getByTestId('channel-open').click();
  await A.page.getByRole('alert').filter({ hasText: 'at least' }).waitFor(T);

  await openChannels(app, [{ who: A, sats: CHANNEL_SATS, pushSats: 0n }, { who: B, sats: CHANNEL_SATS, pushSats: B_PUSH_SATS }], {
    async beforeBlock() {
      await screenshot(A.page, 'channels-confirming');
      // The node has each funding payment, with the channel's funding output of the exact amount.
      for (const who of [A, B]) {
        const tx = await app.rpc('getrawtransaction', [who.fundingTxid, true]);
        assert.ok(tx.vout.some((o) => Math.round(o.value * 1e8) === Number(CHANNEL_SATS) && o.scriptPubKey.type === 'WITNESSSCRIPTHASH'),
          `${who.name}'s funding output`);
      }
      // A reloads before the block: the channel comes back from IndexedDB and is attached again.
      await reloadWithChannel(A);
      assert.equal(await stage(A.page), 'confirming');
    },
  });
  assert.equal(await msat(A.page, 'channel-local'), CHANNEL_SATS * 1000n);
  assert.equal(await msat(A.page, 'channel-remote'), 0n);
  assert.equal(await msat(B.page, 'channel-local'), (CHANNEL_SATS - B_PUSH_SATS) * 1000n);
  assert.equal(await msat(B.page, 'channel-remote'), B_PUSH_SATS * 1000n);
  await screenshot(B.page, 'channels-ready');
});

test('B makes an invoice, A pays it through the hub; exact balances; a second payment survives A reloading as it is sent', { timeout: 180000 }, async () => {
  await B.page.getByTestId('invoice-amount').fill('50000');
  await B.page.getByTestId('invoice-description').fill('for the cat pictures');
  await B.page.getByTestId('invoice-make').click();
  const invoice = await B.page.getByTestId('invoice-text').innerText();
  assert.equal(datt.invoice.decode(invoice).amount_msat, INVOICE_MSAT);
  assert.match(await B.page.getByTestId('invoice-status').innerText(), /Waiting/);

  const fees = hubInfo.fees.channel;
  const fee = BigInt(fees.base_msat) + INVOICE_MSAT * BigInt(fees.proportional_millionths) / 1_000_000n;
  await A.page.getByTestId('pay-invoice').fill(invoice);
  assert.equal(await msat(A.page, 'pay-amount'), INVOICE_MSAT);
  assert.equal(await msat(A.page, 'pay-fee'), fee);
  assert.equal(await msat(A.page, 'pay-total'), INVOICE_MSAT + fee);
  // A's reload locked the key: paying needs it unlocked (the channel's keys are the worker's).
  await A.page.getByTestId('pay-locked').waitFor(T);
  assert.equal(await A.page.getByTestId('pay-confirm').isDisabled(), true);
  await unlock(A, PASSPHRASE);
  await go(A.page, '#/channels');
  await A.page.getByTestId('pay-invoice').fill(invoice);
  await screenshot(A.page, 'channels-pay-confirm');
  await A.page.getByTestId('pay-confirm').click();
  await waitFor('A\'s payment', () => A.page.getByTestId('pay-status').getAttribute('data-status'), 'paid', 60000);
  await waitFor('B\'s invoice', () => B.page.getByTestId('invoice-status').innerText().then((t) => t.trim()), 'Paid.', 60000);

  const aLocal = CHANNEL_SATS * 1000n - INVOICE_MSAT - fee;
  const bLocal = (CHANNEL_SATS - B_PUSH_SATS) * 1000n + INVOICE_MSAT;
  await waitFor('A local', () => msat(A.page, 'channel-local'), aLocal);
  await waitFor('A htlcs', () => A.page.getByTestId('channel-htlcs').getAttribute('data-count'), '0');
  assert.equal(await msat(A.page, 'channel-remote'), INVOICE_MSAT + fee);
  await waitFor('B local', () => msat(B.page, 'channel-local'), bLocal);
  assert.equal(await msat(B.page, 'channel-remote'), B_PUSH_SATS * 1000n - INVOICE_MSAT);
  await screenshot(A.page, 'channels-paid');
  await screenshot(B.page, 'channels-received');

  // The same invoice again: refused (already paid), nothing sent.
  await payInvoice(A.page, invoice);
  await A.page.getByRole('alert').filter({ hasText: 'already paid' }).waitFor(T);

  // A second payment (with msat), and A reloads the moment the HTLC is committed and sent
  // (before or just after the hub settles it: timing decides): after the reload the channel
  // is reestablished and the payment is paid, the balances exact.
  const second = await makeInvoice(B.page, '10000.5');
  await B.page.getByTestId('invoice-status').filter({ hasText: 'Waiting' }).waitFor(T);
  assert.notEqual(second, invoice);
  const secondMsat = 10_000_500n;
  const secondFee = BigInt(fees.base_msat) + secondMsat * BigInt(fees.proportional_millionths) / 1_000_000n;
  await payInvoice(A.page, second);
  await A.page.getByTestId('pay-status').waitFor(T);
  await reloadWithChannel(A);
  const secondHash = datt.invoice.decode(second).payment_hash;
  await waitFor('the second payment after the reload', () => A.page.locator(`[data-testid=payment-row][data-hash="${secondHash}"]`)
    .getAttribute('data-status'), 'paid', 60000);
  await waitFor('B\'s second invoice', () => B.page.getByTestId('invoice-status').innerText().then((t) => t.trim()), 'Paid.', 60000);
  await waitFor('A ready after reload', () => stage(A.page), 'ready');
  await waitFor('A local after both', () => msat(A.page, 'channel-local'), aLocal - secondMsat - secondFee);
  assert.equal(await msat(A.page, 'channel-remote'), INVOICE_MSAT + fee + secondMsat + secondFee);
  await waitFor('B local after both', () => msat(B.page, 'channel-local'), bLocal + secondMsat);
  assert.equal(await msat(B.page, 'channel-remote'), B_PUSH_SATS * 1000n - INVOICE_MSAT - secondMsat);
  await waitFor('A\'s hub state after the reload', () => A.page.getByTestId('hub-state').getAttribute('data-state'), 'connected', 10000)
    .catch(async (error) => { await screenshot(A.page, 'channels-after-reload'); throw error; });
  await screenshot(A.page, 'channels-after-reload');
  for (const who of [A, B]) assert.deepEqual(who.browser.errors, [], `${who.name}'s page errors`);
});

/** Clicks Close and confirms on `who`'s ready channel; keeps the wallet's confirmed balance and the channel's balances before. */
async function startClose(who) {
  await go(who.page, '#/wallet');
  who.confirmedBefore = await satsOf(who.page, 'balance-confirmed');
  await go(who.page, '#/channels');
  await waitFor(`${who.name} ready to close`, () => stage(who.page), 'ready');
  who.localMsat = await msat(who.page, 'channel-local');
  who.remoteMsat = await msat(who.page, 'channel-remote');
  await who.page.getByTestId('channel-close').click();
  await who.page.getByTestId('channel-close-confirm').filter({ hasText: 'go back to your wallet' }).waitFor(T);
  await who.page.getByTestId('channel-close-yes').click();
}

/** Waits for `who`'s close and checks its transaction in the node; returns {txid, ours}. */
async function finishClose(who) {
  await waitFor(`${who.name} closed`, () => stage(who.page), 'closed', 60000).catch(explain(who, 'channels-not-closed'));
  await who.page.getByTestId('channel-stage').filter({ hasText: 'waiting for confirmation' }).waitFor(T);
  const txid = await who.page.getByTestId('channel-closing-txid').innerText();
  await waitFor(`${who.name}'s closing tx in the mempool`, () => app.rpc('getrawmempool', []).then((m) => m.includes(txid)), true, 20000);
  const tx = await app.rpc('getrawtransaction', [txid, true]);
  assert.equal(tx.vin.length, 1);
  assert.equal(tx.vin[0].txid, who.fundingTxid, 'it spends the channel\'s funding output');
  const sats = tx.vout.map((o) => BigInt(Math.round(o.value * 1e8)));
  const hub = who.remoteMsat / 1000n;
  const local = who.localMsat / 1000n;
  // The hub's output is its whole balance; ours is ours less the fee (we funded the channel).
  assert.equal(sats.length, 2);
  const hubIndex = sats.indexOf(hub);
  assert.ok(hubIndex >= 0, `the hub's ${hub} sats among ${sats}`);
  const ours = sats[1 - hubIndex];
  const fee = local - ours;
  assert.ok(fee >= 500n && fee <= 5000n, `closing fee ${fee} in our range`);
  await who.page.getByTestId('channel-stage').filter({ hasText: `Closed: ${ours.toLocaleString('en')} sats back to your wallet` }).waitFor(T);
  return { txid, ours };
}

test('A closes with a payment in flight to B, who is away: the close waits, A reloads mid-close, B returns, the payment ' +
  'settles and the close completes; B closes too; after a block both wallets hold the closing outputs', { timeout: 240000 }, async () => {
  // B's invoice; then B leaves (its worker and its hub connection end with the page).
  await go(B.page, '#/channels');
  const invoice = await makeInvoice(B.page, 5000);
  await B.page.getByTestId('invoice-status').filter({ hasText: 'Waiting' }).waitFor(T);
  const bLocalBefore = await msat(B.page, 'channel-local');
  await B.page.goto('about:blank');
  // A pays it: the hub holds the payment for the absent payee (--hub-hold-seconds, 60 s).
  await unlock(A, PASSPHRASE);
  await go(A.page, '#/channels');
  await A.page.getByTestId('pay-invoice').fill(invoice);
  const total = await msat(A.page, 'pay-total');
  await A.page.getByTestId('pay-confirm').click();
  await waitFor('A\'s HTLC committed', () => A.page.getByTestId('channel-htlcs').getAttribute('data-count'), '1', 20000);
  assert.equal(await A.page.getByTestId('pay-status').getAttribute('data-status'), 'pending');

  // A closes: shutdown goes out, the closing negotiation waits for the HTLC (BOLT-2).
  await startClose(A);
  A.remoteMsat += total;   // the hub's once B takes the payment
  await A.page.getByTestId('channel-stage').filter({ hasText: 'waiting for 1 payment in flight to settle' }).waitFor(T);
  assert.equal(await stage(A.page), 'closing');
  assert.equal(await A.page.getByTestId('pay-invoice').count(), 0, 'no new payment while closing');
  // A reloads mid-close: the closing channel is read back, reattached and reestablished.
  await reloadWithChannel(A);
  assert.equal(await stage(A.page), 'closing');
  await A.page.getByTestId('channel-stage').filter({ hasText: 'waiting for 1 payment in flight to settle' }).waitFor(T);
  await screenshot(A.page, 'channels-closing');

  // B returns: the hub offers the held payment, B fulfils it, A's HTLC settles, the close completes.
  await B.page.goto(app.base);
  await B.page.waitForSelector('html[data-ready=true]', T);
  await go(B.page, '#/channels');
  const hash = datt.invoice.decode(invoice).payment_hash;
  await waitFor('A\'s payment to B', () => A.page.locator(`[data-testid=payment-row][data-hash="${hash}"]`).getAttribute('data-status'), 'paid', 60000);
  await waitFor('B\'s balance with the payment', () => msat(B.page, 'channel-local'), bLocalBefore + 5_000_000n, 60000);
  const a = await finishClose(A);
  await startClose(B);
  const b = await finishClose(B);
  await screenshot(A.page, 'channels-closed');
  await app.rpc('generatetoaddress', [1, app.nobody]);
  for (const [who, closed] of [[A, a], [B, b]]) {
    await who.page.getByTestId('channel-stage').filter({ hasText: 'are back in your wallet (confirmed)' }).waitFor({ timeout: 60000 });
    // The funding output's watch saw the spend: our own closing transaction, no warning.
    await waitFor(`${who.name}'s funding spend seen`, () => who.page.getByTestId('channel').first().getAttribute('data-spent'), 'cooperative');
    assert.equal(await who.page.getByTestId('channel-unilateral').count(), 0);
    await go(who.page, '#/wallet');
    await waitFor(`${who.name}'s confirmed balance with the closing output`, () => satsOf(who.page, 'balance-confirmed'),
      who.confirmedBefore + closed.ours, 60000);
  }
  // Closed channels no longer offer Close; the open form is back.
  await go(A.page, '#/channels');
  await A.page.getByTestId('channel-open-form').waitFor(T);
  assert.equal(await A.page.getByTestId('channel-close').count(), 0);
  for (const who of [A, B]) assert.deepEqual(who.browser.errors, [], `${who.name}'s page errors`);
});

/** The hub's counters from /metrics whose name starts with `prefix` ('name{labels}' -> number). */
async function hubCounters(prefix) {
  const text = await (await fetch(`${app.base}metrics`)).text();
  return Object.fromEntries(text.split('\n').filter((l) => l.startsWith(prefix)).map((l) => {
    const at = l.lastIndexOf(' ');
    return [l.slice(0, at), Number(l.slice(at + 1))];
  }));
}

test('the hub broadcasts a revoked commitment of B\'s new channel while B\'s page is open: B\'s app punishes it and its wallet ' +
  'gets the whole channel less the penalty\'s fees', { timeout: 240000 }, async () => {
  const decode = (rawHex) => datt.bitcoin.decodeTransaction(Buffer.from(rawHex, 'hex'), 'bcoin-regtest');
  const database = path.join(dir, 'datt.sqlite3');
  const SATS = 100_000n;
  const PUSH = 50_000n;
  for (const who of [A, B]) await unlock(who, PASSPHRASE);   // locked by their reload and return in the test before
  await openChannels(app, [{ who: A, sats: SATS, pushSats: 0n }, { who: B, sats: SATS, pushSats: PUSH }]);
  const id = await B.page.locator('[data-testid=channel]:not([data-stage=closed])').first().getAttribute('data-id');
  const card = B.page.locator(`[data-testid=channel][data-id="${id}"]`);
  // The hub's state of B's channel before the payment: its commitment is revoked once the payment moves the channel on.
  const revoked = hubCommitmentOf(hubChannelRows(database), B.fundingTxid, decode);

  await go(B.page, '#/channels');
  const invoice = await makeInvoice(B.page, 5000);
  await go(A.page, '#/channels');
  await payInvoice(A.page, invoice);
  const hash = datt.invoice.decode(invoice).payment_hash;
  await waitFor('A\'s payment to B', () => A.page.locator(`[data-testid=payment-row][data-hash="${hash}"]`).getAttribute('data-status'), 'paid', 60000);
  await waitFor('B\'s balance with the payment', () => msat(B.page, 'channel-local'), (SATS - PUSH) * 1000n + 5_000_000n, 60000);
  await waitFor('B\'s payments settled', () => card.getByTestId('channel-htlcs').getAttribute('data-count'), '0');
  assert.ok(hubCommitmentSpending(database, B.fundingTxid, decode).number > revoked.number, 'the hub\'s state moved on');

  const spendsBefore = await hubCounters('datt_hub_onchain_spends_total');
  const broadcastsBefore = await hubCounters('datt_hub_onchain_broadcasts_total');
  assert.equal(await app.rpc('sendrawtransaction', [revoked.hex]), revoked.txid);
  await waitFor('the revoked commitment in the mempool', () => app.rpc('getrawmempool', []).then((m) => m.includes(revoked.txid)), true, 20000);
  await app.rpc('generatetoaddress', [1, app.nobody]);
  assert.equal((await app.rpc('getrawtransaction', [revoked.txid, true])).confirmations, 1, 'the revoked commitment is mined');

  const resolution = card.getByTestId('channel-resolution');
  await resolution.waitFor({ timeout: 60000 }).catch(explain(B, 'channels-no-justice'));
  assert.equal(await card.getAttribute('data-spent'), 'unilateral');
  assert.equal(await resolution.getAttribute('data-kind'), 'revoked_commitment');
  // B's penalty: every output of the revoked commitment (the hub's and B's) taken to B's wallet.
  let penalty = [];
  const taken = async () => {
    penalty = await mempoolSpending(app, revoked.txid, decode);
    return penalty.flatMap((t) => t.vin.filter((i) => i.txid === revoked.txid).map((i) => i.vout)).sort((x, y) => x - y).join(',');
  };
  await waitFor('B\'s penalty in the node\'s mempool', taken, revoked.outputs.map((_, i) => i).join(','), 60000)
    .catch(explain(B, 'channels-no-penalty'));
  const whole = revoked.outputs.reduce((sum, o) => sum + BigInt(o.value), 0n);   // the channel less the commitment's fee
  let swept = 0n;
  for (const tx of penalty) {
    const input = tx.vin.reduce((sum, i) => sum + BigInt(revoked.outputs[i.vout].value), 0n);
    const output = tx.vout.reduce((sum, o) => sum + o.valueSats, 0n);
    const fee = input - output;
    assert.ok(fee >= (2500n * BigInt(tx.weight)) / 1000n && fee <= (2500n * BigInt(tx.weight + 3)) / 1000n,
      `the penalty's fee ${fee} is the channel's feerate for weight ${tx.weight}`);
    swept += output;
  }
  assert.ok(swept < whole);
  assert.equal(await resolution.innerText(), `It broadcast an old state: your penalty transaction takes the whole channel (${swept.toLocaleString('en')} sats).`);

  await go(B.page, '#/wallet');
  await B.page.getByTestId('wallet-page').waitFor(T);
  const confirmedBefore = await satsOf(B.page, 'balance-confirmed');
  await app.rpc('generatetoaddress', [1, app.nobody]);
  await waitFor('B\'s confirmed balance with the whole channel less the fees', () => satsOf(B.page, 'balance-confirmed'), confirmedBefore + swept, 60000);
  await go(B.page, '#/channels');
  await waitFor('the page says the penalty confirmed', () => resolution.innerText(),
    `It broadcast an old state: your penalty transaction took the whole channel (${swept.toLocaleString('en')} sats), confirmed.`, 60000);
  await screenshot(B.page, 'channels-justice');

  // The hub saw its channel's funding spent by its own old commitment: its resolver does not
  // take it (an `unknown` spend, chain_watch.cpp funding_spent), the channel is closed, and the
  // hub broadcasts nothing that races B's penalty.
  const unknown = 'datt_hub_onchain_spends_total{kind="unknown"}';
  assert.deepEqual(await hubCounters('datt_hub_onchain_spends_total'), { ...spendsBefore, [unknown]: spendsBefore[unknown] + 1 });
  assert.deepEqual(await hubCounters('datt_hub_onchain_broadcasts_total'), broadcastsBefore);
  for (const who of [A, B]) assert.deepEqual(who.browser.errors, [], `${who.name}'s page errors`);
});
