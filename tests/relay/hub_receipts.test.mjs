// Receipts (docs/protocol.md "Receipts") end to end with the real relay and hub over real
// WebSockets on 127.0.0.1 and wasm clients: B publishes a post and makes an invoice for it,
// signed with B's Nostr key (description datt:tip:<post id>); A pays it through the hub with
// a receipt request (hop 0xd3, datt.receipts.request). The hub's kind 4571 receipt arrives
// live on a REQ {"kinds":[4571],"#e":[post]} and verifies in wasm against the post; copies
// with the preimage, amount, target or payee changed (re-signed, so only the receipt's rules
// can refuse them) are refused with their codes. A request whose payer signature does not
// verify is refused by the hub (the HTLC fails with the code). After kill -9 and a restart
// on the same database the receipt is still served. A receipt request survives kill -9
// between the HTLC's arrival and the payee's fulfilment (the hub stores it with the forward).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, test } from 'node:test';

import { loadWasmDatt } from '../support/vectors.mjs';
import { Client, hex, nip11, open, quiet, until, useDatt } from './hub_clients.mjs';
import {
  connect, fetchEvents, finalizeEvent, newKey, now, publishOk, startRelay,
} from './support.mjs';

const datt = await loadWasmDatt();
useDatt(datt);
const relays = [];
const sockets = [];
after(async () => {
  for (const s of sockets) s.close();
  for (const r of relays) await r.stop();
});

const HUB_ARGS = ['--hub', 'true', '--hub-minimum-depth', '0'];
const AMOUNT = 21000000n;  // 21,000 sat to B

function rejects(fn, code) {
  assert.throws(fn, (error) => error.code === code, code);
}

// A hub, A's channel (no room to receive) and B's (500,000 sats pushed to the hub, so B can
// receive), their Nostr keys, and a connection for events.
async function setUp() {
  const relay = await startRelay({ args: HUB_ARGS });
  relays.push(relay);
  const info = await nip11(relay.port);
  const a = new Client('A');
  const b = new Client('B');
  await open(a, relay.url, 1000000, 0n);
  await open(b, relay.url, 1000000, 500000000n);
  const nostr = await connect(relay.url);
  sockets.push(nostr);
  return { relay, info, fees: info.fees.channel, a, b, bChannel: b.info().channel_id, aKey: newKey(), bKey: newKey(), nostr };
}

// B's invoice for a tip of AMOUNT on `post`, signed with B's Nostr key; B holds its preimage.
function tipInvoice(b, bKey, post) {
  b.preimage = randomBytes(32);
  const paymentHash = createHash('sha256').update(b.preimage).digest('hex');
  const invoice = datt.invoice.encode({
    network: 'regtest', amount_msat: AMOUNT, payment_hash: paymentHash, payment_secret: hex(randomBytes(32)),
    description: `datt:tip:${post.id}`, min_final_cltv_expiry: 18,
  }, bKey.sk);
  return { paymentHash, invoice };
}

test('a tip through the hub publishes a receipt that any client verifies; it survives kill -9', { timeout: 90000 }, async () => {
  let { relay, info, fees, a, b, bChannel, aKey, bKey, nostr } = await setUp();

  // B's post and the invoice for it, signed with B's Nostr key.
  const post = finalizeEvent({ kind: 1111, created_at: now(), tags: [], content: 'worth 21,000 sats' }, bKey.sk);
  const otherPost = finalizeEvent({ kind: 1111, created_at: now(), tags: [], content: 'another post by B' }, bKey.sk);
  await publishOk(nostr, post);
  await publishOk(nostr, otherPost);
  const { paymentHash, invoice } = tipInvoice(b, bKey, post);
  assert.equal(datt.invoice.decode(invoice).payee.slice(2), bKey.pk, 'the invoice recovers B\'s Nostr key');

  const request = datt.receipts.request({
    secretKey: aKey.sk, paymentHash, target: post.id, amountMsat: AMOUNT, invoice,
  });
  assert.equal(request.payer, aKey.pk);
  const toSend = datt.channel.amountWithFee(fees, AMOUNT);
  const pay = (receipt) => a.take(datt.channel.addHtlc(a.state, a.seed, {
    amount_msat: toSend, payment_hash: paymentHash, cltv_expiry: 1040, block_height: 0,
    hop: { final: false, channel_id: bChannel, amount_msat: AMOUNT, cltv_expiry: 1000, receipt },
  }));

  // A request the hub cannot verify (the payer's signature of another payer) fails at once.
  pay({ ...request, payer: newKey().pk });
  await until([a, b], () => quiet(a) && quiet(b) && a.events.some((e) => e.type === 'htlc_failed'), 'the refusal');
  const refusal = a.events.find((e) => e.type === 'htlc_failed');
  assert.match(refusal.reason, /^receipt_payer_signature: /);
  assert.equal(b.events.some((e) => e.type === 'htlc_received'), false, 'B was never offered it');

  // Subscribed before paying: the receipt must arrive live.
  nostr.send(['REQ', 'receipts', { kinds: [4571], '#e': [post.id] }]);
  await nostr.next((m) => m[0] === 'EOSE' && m[1] === 'receipts', 5000, 'EOSE');
  pay(request);
  await until([a, b], () => quiet(a) && quiet(b) && a.events.some((e) => e.type === 'htlc_fulfilled'), 'the payment');
  assert.equal(BigInt(b.info().to_local_msat), 500000000n + AMOUNT);
  const live = (await nostr.next((m) => m[0] === 'EVENT' && m[1] === 'receipts', 5000, 'the live receipt'))[2];

  const verified = datt.receipts.verify(live, post);
  assert.deepEqual(verified, {
    id: live.id, hub: live.pubkey, target: post.id, payee: bKey.pk, payer: aKey.pk, amount_msat: AMOUNT,
    payment_hash: paymentHash,
  });
  // The hub signs with the key NIP-11 advertises as `self`: a client pins it from there.
  assert.equal(live.pubkey, info.self, 'the receipt is signed by the NIP-11 `self` key');
  assert.equal(datt.receipts.verify(live, post, { hub: info.self }).id, live.id);
  const fields = datt.receipts.parse(live);
  assert.equal(fields.preimage, hex(b.preimage));
  assert.equal(fields.invoice, invoice);

  // Tampered copies, re-signed by someone (the event signature verifies; the receipt's rules refuse).
  const forger = newKey();
  const tamper = (name, value) => finalizeEvent({
    kind: 4571, created_at: live.created_at, content: '',
    tags: live.tags.map((t) => (t[0] === name ? [name, value] : t)),
  }, forger.sk);
  rejects(() => datt.receipts.verify(tamper('preimage', hex(randomBytes(32))), post), 'receipt_preimage_mismatch');
  rejects(() => datt.receipts.verify(tamper('amount', String(AMOUNT * 10n)), post), 'receipt_amount_mismatch');
  rejects(() => datt.receipts.verify(tamper('e', otherPost.id), otherPost), 'receipt_target_mismatch');
  rejects(() => datt.receipts.verify(live, otherPost), 'receipt_target_mismatch');
  rejects(() => datt.receipts.verify(tamper('p', aKey.pk), post), 'receipt_payee_mismatch');
  rejects(() => datt.receipts.verify(tamper('amount', String(AMOUNT)), post, { hub: live.pubkey }), 'receipt_wrong_hub');
  // Changed without re-signing: not even an event.
  rejects(() => datt.receipts.verify({ ...live, tags: [...live.tags.slice(0, -1)] }, post), 'id_mismatch');

  // What the ranking counts: this payment's sats, once, however many receipts name it.
  assert.deepEqual(datt.receipts.paidSats({ channel: [verified, verified] }), [{ target: post.id, sats: AMOUNT / 1000n }]);

  // kill -9 and restart on the same database: the receipt is still served.
  relay.process.kill('SIGKILL');
  await relay.exited;
  relay = await startRelay({ database: relay.database, args: HUB_ARGS });
  relays.push(relay);
  for (const c of [a, b]) c.ws.terminate();
  const again = await connect(relay.url);
  sockets.push(again);
  const stored = await fetchEvents(again, [{ kinds: [4571], '#e': [post.id] }]);
  assert.deepEqual(stored, [live]);
  assert.equal(datt.receipts.verify(stored[0], post).payment_hash, paymentHash);
  assert.equal((await nip11(relay.port)).self, info.self, 'the relay keeps its key across restarts');
});

// The receipt request is stored with the forward (hub_receipt_requests): A pays B with a
// receipt request while B is away (the hub holds the payment), the relay is killed (SIGKILL)
// and restarted on the same database, then B comes back and fulfils: the receipt is
// published live from the stored request and verifies.
test('a receipt request survives kill -9 while the payee is away', { timeout: 90000 }, async () => {
  let { relay, fees, a, b, bChannel, aKey, bKey, nostr } = await setUp();
  const post = finalizeEvent({ kind: 1111, created_at: now(), tags: [], content: 'tipped while away' }, bKey.sk);
  await publishOk(nostr, post);
  nostr.close();
  const { paymentHash, invoice } = tipInvoice(b, bKey, post);
  const request = datt.receipts.request({
    secretKey: aKey.sk, paymentHash, target: post.id, amountMsat: AMOUNT, invoice,
  });

  // B goes away; A pays: A's HTLC is committed on both sides, the hub holds it.
  b.ws.terminate();
  b.take(datt.channel.disconnected(b.state, b.seed));
  a.take(datt.channel.addHtlc(a.state, a.seed, {
    amount_msat: datt.channel.amountWithFee(fees, AMOUNT), payment_hash: paymentHash, cltv_expiry: 1040,
    block_height: 0, hop: { final: false, channel_id: bChannel, amount_msat: AMOUNT, cltv_expiry: 1000, receipt: request },
  }));
  await until([a], () => a.info().htlcs === 1 && !a.info().has_changes_to_sign && a.inbox.length === 0, 'the held HTLC');
  // The hub runs A's frames in order and sends each answer only after the commit of what
  // came before it: its answer to this request proves the forward (and its request) stored.
  a.ws.send(datt.channel.challengeRequest(), { binary: true });
  assert.equal(Buffer.from(await a.frame()).readUInt16BE(33), 55923, 'hub_challenge');

  relay.process.kill('SIGKILL');
  await relay.exited;
  relay = await startRelay({ database: relay.database, args: HUB_ARGS });
  relays.push(relay);
  const again = await connect(relay.url);
  sockets.push(again);
  again.send(['REQ', 'receipts', { kinds: [4571], '#e': [post.id] }]);
  await again.next((m) => m[0] === 'EOSE' && m[1] === 'receipts', 5000, 'EOSE');

  a.ws.terminate();
  a.take(datt.channel.disconnected(a.state, a.seed));
  for (const c of [a, b]) {
    await c.connect(relay.url);
    await c.attach();
  }
  await until([a, b], () => quiet(a) && quiet(b) && a.events.some((e) => e.type === 'htlc_fulfilled'), 'the payment');
  assert.equal(BigInt(b.info().to_local_msat), 500000000n + AMOUNT);
  const live = (await again.next((m) => m[0] === 'EVENT' && m[1] === 'receipts', 5000, 'the live receipt'))[2];
  assert.deepEqual(datt.receipts.verify(live, post), {
    id: live.id, hub: live.pubkey, target: post.id, payee: bKey.pk, payer: aKey.pk, amount_msat: AMOUNT,
    payment_hash: paymentHash,
  });
  assert.equal(datt.receipts.parse(live).preimage, hex(b.preimage));
  for (const c of [a, b]) c.close();
});
