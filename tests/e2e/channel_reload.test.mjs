// End-to-end: a browser page reloaded at every step of a payment over channels (issue 13 item
// 6), in real headless Chromium against the real datt-relay hub (--hub true) bridged to a
// real bcoin regtest node. Alice and Bob, two contexts of one browser, each with a channel to
// the hub (Bob's with room to receive), both staying unlocked across reloads. Each browser
// reaches the relay through a proxy on 127.0.0.1 (frame_proxy.mjs) that counts the channel
// frames (binary WebSocket messages) of both users in both directions. Run k: Bob makes a
// 1-sat invoice on his Channels page and Alice pays it from hers (a tip's payment without its
// invoice request, which Bob's browser answers at most 6 times a minute per payer); after
// frame k every further channel frame is held, the
// reloading page (Alice's in the first pass, Bob's in the second) is reloaded (its
// connections close: what was held on them is lost, as frames in flight are), and once it
// is back the held frames of the other go on. Its worker starts again from IndexedDB (the
// owner lock passes to the new page), reconnects and reestablishes; the payment must end
// once (paid or failed), with Alice's, Bob's (their stored channel states) and the hub's
// (its SQLite rows, read with the sqlite3 shell) balances exact in msat, no HTLC left on any
// of the four sides, and the next run's payment going through. The steps are the frames of a
// payment counted as they pass, not a list written here: the run whose payment is paid
// before frame k is the last (a payment with no reload); then a tip from the post's tip form
// (invoice asked of Bob's page, receipt requested) must be paid too. Last, Carol asks the hub
// for a channel and is reloaded between its funding_created and her funding_signed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { askChannel, createCommunity, fundAccounts, fundHubWallet, hubWallet, importWithoutCoins, makeInvoice, MNEMONIC, openApp,
  openChannels, PASSPHRASE, payInvoice, stage, tearDown, tipOverChannel } from './channel_rig.mjs';
import { FrameGate, startFrameProxy } from './frame_proxy.mjs';
import { go, launchBrowser, requireBuilt, startRegtestApp, submitPost, tempDir, waitFor, WASM_ROOT } from './support.mjs';

const T = { timeout: 60000 };
const TIP_MSAT = 1000n;
const MAX_STEPS = 40;   // a payment is about 20 frames: more means the count never ended

let dir;
let app;
let datt;
let browser;
let fees;
let postHash;
const gate = new FrameGate();
const Alice = { name: 'Alice' };
const Bob = { name: 'Bob' };
const Carol = { name: 'Carol' };

before(async () => {
  requireBuilt();
  const { loadDatt } = await import(path.join(WASM_ROOT, 'datt.mjs'));
  datt = await loadDatt({ payments: true, channels: true });
  dir = tempDir('datt-e2e-channel-reload-');
  app = await startRegtestApp({ dir, datt, args: ['--hub', 'true', '--hub-minimum-depth', '1'] });
  const relayPort = Number(new URL(app.base).port);
  browser = await launchBrowser();
  for (const who of [Alice, Bob]) {
    who.proxy = await startFrameProxy({ who: who.name, relayPort, gate });
    await openApp(who, await browser.user(), who.proxy.base);
  }
  const nip11 = await (await fetch(app.base, { headers: { Accept: 'application/nostr+json' } })).json();
  fees = nip11.fees.channel;
});

after(() => tearDown({ people: [Alice, Bob, Carol], browser, app, dir }));

/** "Stay unlocked on this device": the key survives the test's reloads (a reload locks otherwise). */
async function stayUnlocked(page) {
  await page.getByTestId('lock-button').click();
  await go(page, '#/account');
  const form = page.getByTestId('unlock-form');
  await form.locator('input[name=passphrase]').fill(PASSPHRASE);
  await form.getByTestId('remember').check();
  await form.getByRole('button', { name: 'Unlock' }).click();
  await page.getByTestId('lock-button').waitFor(T);
}

// What the page's worker committed to IndexedDB `datt-channels`: the open channel's state
// (hex) and the payments and invoices.
const readStore = (page) => page.evaluate(() => new Promise((resolve, reject) => {
  const open = indexedDB.open('datt-channels');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const tx = db.transaction(['channels', 'payments', 'invoices']);
    const all = {};
    for (const name of ['channels', 'payments', 'invoices']) {
      const request = tx.objectStore(name).getAll();
      request.onsuccess = () => { all[name] = request.result; };
    }
    tx.oncomplete = () => {
      db.close();
      const hex = (bytes) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
      resolve({
        states: all.channels.filter((c) => c.stage === 'ready').map((c) => hex(c.state)),
        payments: all.payments.map(({ paymentHash, status, amountMsat, feeMsat, reason }) => ({ paymentHash, status, amountMsat, feeMsat, reason })),
        invoices: all.invoices.map(({ paymentHash, paid }) => ({ paymentHash, paid })),
      });
    };
    tx.onerror = () => reject(tx.error);
  };
}));

const info = (stateHex) => {
  const i = datt.channel.info(Uint8Array.from(Buffer.from(stateHex, 'hex')));
  return { id: i.channel_id, local: BigInt(i.to_local_msat), remote: BigInt(i.to_remote_msat), htlcs: i.htlcs };
};

// The hub's stored channels (the relay's SQLite file, read-only, by the sqlite3 shell): id -> info.
function hubChannels() {
  const rows = execFileSync('sqlite3', ['-readonly', path.join(dir, 'datt.sqlite3'),
    'SELECT lower(hex(state)) FROM hub_channels'], { encoding: 'utf8' }).trim().split('\n');
  return new Map(rows.filter(Boolean).map((state) => {
    const i = info(state);
    return [i.id, i];
  }));
}

/** Alice's, Bob's and the hub's balances and HTLCs, and Alice's payments and Bob's invoices, as stored. */
async function snapshot() {
  const [a, b] = await Promise.all([readStore(Alice.page), readStore(Bob.page)]);
  assert.equal(a.states.length, 1, 'Alice has one open channel');
  assert.equal(b.states.length, 1, 'Bob has one open channel');
  const alice = info(a.states[0]);
  const bob = info(b.states[0]);
  const hub = hubChannels();
  return { alice, bob, hubA: hub.get(alice.id), hubB: hub.get(bob.id), payments: a.payments, invoices: b.invoices };
}

const paymentOf = (now, hash) => now.payments.find((p) => p.paymentHash === hash) ?? null;

const settled = (now, hash) => ['paid', 'failed'].includes(paymentOf(now, hash)?.status) &&
  [now.alice, now.bob, now.hubA, now.hubB].every((c) => c?.htlcs === 0);

// The payment ended once, and moved all its msat (the hub keeping its fee) or none.
function checkPayment(now, before, hash, label) {
  const payment = paymentOf(now, hash);
  assert.ok(payment.status === 'paid' || payment.status === 'failed', `${label}: the payment is ${payment.status}`);
  const paid = payment.status === 'paid';
  assert.equal(BigInt(payment.amountMsat), TIP_MSAT);
  const toSend = BigInt(payment.amountMsat) + BigInt(payment.feeMsat);
  assert.equal(toSend, datt.channel.amountWithFee(fees, TIP_MSAT), `${label}: the fee the hub advertises`);
  const moved = paid ? toSend : 0n;
  const received = paid ? TIP_MSAT : 0n;
  assert.equal(now.alice.local, before.alice.local - moved, `${label}: Alice's balance`);
  assert.equal(now.hubA.local, before.hubA.local + moved, `${label}: the hub's balance with Alice`);
  assert.equal(now.bob.local, before.bob.local + received, `${label}: Bob's balance`);
  assert.equal(now.hubB.local, before.hubB.local - received, `${label}: the hub's balance with Bob`);
  // Both sides of each channel hold the same commitment balances.
  assert.deepEqual([now.alice.local, now.alice.remote], [now.hubA.remote, now.hubA.local], `${label}: Alice's channel, both sides`);
  assert.deepEqual([now.bob.local, now.bob.remote], [now.hubB.remote, now.hubB.local], `${label}: Bob's channel, both sides`);
  assert.ok(now.invoices.some((i) => i.paymentHash === hash), `${label}: Bob's invoice stored`);
  return payment.status;
}

// The page is back: its worker owns the state again and its hub connection is up.
async function ready(who) {
  await who.page.waitForSelector('html[data-ready=true]', T);
  await go(who.page, '#/channels');
  await waitFor(`${who.name}'s hub connection`, () => who.page.getByTestId('hub-state').getAttribute('data-state'), 'connected', 30000);
  await waitFor(`${who.name}'s channel`, () => who.page.getByTestId('channel').first().getAttribute('data-stage'), 'ready', 30000);
}

async function until(what, check, timeout) {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeout) throw new Error(`${what}: not within ${timeout} ms`);
    await new Promise((resolve) => { setTimeout(resolve, 100); });
  }
}

/** Run k: a payment held after frame k and `who`'s page reloaded; {label, end}, or null when it was paid before frame k. */
async function runStep(k, who) {
  const before = await snapshot();
  const invoice = await makeInvoice(Bob.page, 1);
  const hash = datt.invoice.decode(invoice).payment_hash;
  gate.arm(k);
  await payInvoice(Alice.page, invoice);
  const outcome = await until(`the payment of step ${k}`, async () => {
    if (gate.holding) return 'held';
    return settled(await snapshot(), hash) && !gate.holding ? 'ended' : null;
  }, 30000).catch(async (error) => {
    throw new Error(`${error.message}; Alice's page says: ${await Alice.page.getByTestId('pay-status').innerText().catch(() => '?')}; frames: ${gate.seen.join(', ')}`);
  });
  if (outcome === 'ended') {
    gate.release();
    assert.equal(checkPayment(await snapshot(), before, hash, `a payment with no reload (${gate.seen.length} frames)`), 'paid');
    return null;
  }
  const label = gate.seen[k - 1];
  const old = who.proxy.open();
  await who.page.reload();
  await who.page.waitForSelector('html[data-ready=true]', T);
  // The old page's connections are gone (and what was held on them) before the rest goes on.
  await until(`${who.name}'s old connections closed`, () => [...old].every((c) => !who.proxy.open().has(c)), 10000);
  gate.release();
  await ready(who);
  const now = await until(`the payment after ${who.name}'s reload at step ${k} (${label})`, async () => {
    const s = await snapshot();
    return settled(s, hash) ? s : null;
  }, 60000).catch(async (error) => {
    throw new Error(`${error.message}; stored: ${JSON.stringify(await snapshot(), (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  });
  return { label, end: checkPayment(now, before, hash, `${who.name} reloaded at step ${k} (${label})`) };
}

/** After the reloads, a tip from the post's tip form (invoice asked of Bob's page, receipt requested) is paid, exact balances. */
async function tipGoesThrough() {
  const before = await snapshot();
  const form = await tipOverChannel(Alice.page, postHash, 1);
  await form.getByTestId('tip-channel-done').waitFor(T).catch(async (error) => {
    throw new Error(`${error.message}; the form says: ${await form.innerText()}`);
  });
  const hash = (await snapshot()).payments.find((p) => !before.payments.some((q) => q.paymentHash === p.paymentHash)).paymentHash;
  const now = await until('the tip settled', async () => {
    const s = await snapshot();
    return settled(s, hash) ? s : null;
  }, 30000);
  assert.equal(checkPayment(now, before, hash, 'the tip after the reloads'), 'paid');
  await go(Alice.page, '#/channels');
}

test('Alice and Bob fund their wallets, Bob posts, both open channels to the hub and stay unlocked', { timeout: 900000 }, async () => {
  await fundAccounts(app, [{ who: Alice, mnemonic: MNEMONIC.Alice }, { who: Bob, mnemonic: MNEMONIC.Bob }], PASSPHRASE);
  await createCommunity(Bob.page, 'Reloads', 'Tips through reloads.');
  await submitPost(Bob.page, 'Tipped post', 'Worth a sat.');
  postHash = await Bob.page.evaluate(() => location.hash);
  await openChannels(app, [{ who: Alice, sats: 200_000n, pushSats: 0n }, { who: Bob, sats: 200_000n, pushSats: 100_000n }]);
  for (const who of [Alice, Bob]) await stayUnlocked(who.page);
  for (const who of [Alice, Bob]) await go(who.page, '#/channels');
});

for (const who of [Alice, Bob]) {
  test(`${who.name}'s page reloaded after each frame of a payment: it ends once, exact balances, no HTLC left`, { timeout: 600000 }, async () => {
    const steps = [];
    for (let k = 1; ; k += 1) {
      assert.ok(k <= MAX_STEPS, `more than ${MAX_STEPS} frames: ${gate.seen.join(', ')}`);
      const run = await runStep(k, who);
      if (!run) break;
      steps.push(run);
    }
    console.log(`${who.name} reloaded after each of ${steps.length} frames (a payment with no reload: ${gate.seen.length} frames):`);
    steps.forEach((s, i) => console.log(`  ${String(i + 1).padStart(2)}. after ${s.label} -> ${s.end}`));
    assert.ok(steps.length >= 10, `only ${steps.length} frames counted`);
    await tipGoesThrough();
    for (const person of [Alice, Bob]) assert.deepEqual(person.browser.errors, [], `${person.name}'s page errors`);
  });
}

// Carol (no coins) asks the hub for a channel; her page is reloaded after the hub's
// funding_created reached it (her worker committed the state that answers it) and before
// her funding_signed reached the hub (held): the hub forgets the channel with the connection
// and never broadcasts its funding; back, Carol's app drops the half-open channel (the hub
// answers hub_unknown_channel) and the hub's coins are free again. Asked again, the channel
// opens: one channel, not two.
test('Carol\'s page reloaded between the hub\'s funding_created and her funding_signed: dropped cleanly, asked again, one channel',
  { timeout: 300000 }, async () => {
    const relayPort = Number(new URL(app.base).port);
    Carol.proxy = await startFrameProxy({ who: Carol.name, relayPort, gate });
    await openApp(Carol, await browser.user(), Carol.proxy.base);
    await importWithoutCoins(Carol.page, MNEMONIC.Carol, PASSPHRASE);   // the channel closes to her wallet
    await fundHubWallet(app, 300_000);
    const { view: before } = await hubWallet(app);

    gate.arm(4);   // hub_open_request, open_channel, accept_channel, funding_created; funding_signed is held
    await askChannel(Carol.page, 150_000);
    await waitFor('funding_signed held', async () => gate.holding, true, 30000);
    assert.equal(gate.seen.at(-1), '-> Carol message 34', `funding_created last: ${gate.seen.join(', ')}`);
    await waitFor('Carol\'s state committed', () => stage(Carol.page), 'confirming', 10000);
    const fundingTxid = await Carol.page.getByTestId('channel-funding-txid').innerText();
    await Carol.page.reload();
    await Carol.page.waitForSelector('html[data-ready=true]', T);
    gate.release();
    await go(Carol.page, '#/channels');
    await waitFor('the half-open channel dropped', () => stage(Carol.page), 'failed', 30000);
    await Carol.page.getByTestId('channel-message').filter({ hasText: 'The hub forgot this channel before funding it' }).waitFor(T);
    await waitFor('the hub\'s coins free again', () => hubWallet(app).then((w) => w.view.confirmed_sats), before.confirmed_sats, 30000);
    assert.equal((await app.rpc('getrawmempool', [])).includes(fundingTxid), false, 'the forgotten funding was never broadcast');

    await askChannel(Carol.page, 150_000);
    const open = Carol.page.locator('[data-testid=channel]:not([data-stage=failed])');
    await waitFor('the new channel confirming', () => open.first().getAttribute('data-stage'), 'confirming', 30000);
    await app.rpc('generatetoaddress', [1, app.nobody]);
    await waitFor('the new channel ready', () => open.first().getAttribute('data-stage'), 'ready', 60000);
    assert.equal(await open.count(), 1, 'one channel');
    assert.equal(await Carol.page.getByTestId('channel').count(), 2, 'the new one and the dropped one');
    assert.deepEqual(Carol.browser.errors, [], 'Carol\'s page errors');
  });
