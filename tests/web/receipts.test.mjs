// Receipts in the web app (web/src/tips/receipts.js) with real wasm verification: the receipt
// book stores only receipts that datt.receipts.verify proves against their target (a receipt
// whose target is not stored yet waits, uncounted, and is verified when the target arrives;
// forged copies are never stored); stored records are checked field by field when read back;
// a post's summary counts each payment hash once and lists who paid, and what it hands to
// datt.receipts.paidSats sums receipts with on-chain tips (each payment once); the owner's live
// REQ for the receipts of what is on screen (receiptScope) names each checked id once.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { loadDatt } from '../../build/wasm/dist/datt.mjs';
import { checkReceipt, KIND_RECEIPT, MAX_RECEIPT_IDS, ReceiptBook, receiptRecord, receiptScope, receiptSummary } from '../../web/src/tips/receipts.js';

const datt = await loadDatt({ payments: true });
const hex = (b) => Buffer.from(b).toString('hex');
const key = () => {
  const sk = datt.generateSecretKey();
  return { sk, pk: datt.publicKey(sk) };
};
const author = key();
const payer = key();
const hub = key();
const NOW = 1_760_000_000;
const post = datt.signEvent({ kind: 1111, created_at: NOW, tags: [], content: 'a post worth a tip' }, author.sk);
const otherPost = datt.signEvent({ kind: 1111, created_at: NOW, tags: [], content: 'another' }, author.sk);

/** A receipt as the hub makes it (docs/protocol.md "Receipts"), for `sats` to the post's author. */
function receiptFor(target, sats, { signer = hub, preimage = randomBytes(32) } = {}) {
  const amountMsat = BigInt(sats) * 1000n;
  const paymentHash = createHash('sha256').update(preimage).digest('hex');
  const invoice = datt.invoice.encode({ network: 'regtest', amount_msat: amountMsat, payment_hash: paymentHash,
    payment_secret: hex(randomBytes(32)), description: `datt:tip:${target.id}`, payment_metadata: hex(randomBytes(32)),
    created_at: NOW }, author.sk);
  const request = datt.receipts.request({ secretKey: payer.sk, paymentHash, target: target.id, amountMsat, invoice });
  const event = datt.signEvent({ kind: KIND_RECEIPT, created_at: NOW + 5, content: '', tags: [
    ['e', target.id], ['p', author.pk], ['P', payer.pk], ['amount', String(amountMsat)], ['bolt11', invoice],
    ['preimage', hex(preimage)], ['payer_sig', request.payer_sig]] }, signer.sk);
  return { event, paymentHash, preimage };
}

function book(stored) {
  const saved = [];
  const changes = [];
  const receipts = new ReceiptBook({ datt, save: async (records) => saved.push(...records),
    eventOf: async (id) => stored.get(id) ?? null, onChange: (records) => changes.push(records.length) });
  return { receipts, saved, changes };
}

test('the book stores receipts verified against their target; one waits for its target; forgeries never', async () => {
  const stored = new Map([[post.id, post]]);
  const { receipts, saved, changes } = book(stored);
  const good = receiptFor(post, 21);
  assert.equal(await receipts.offer([good.event]), 1);
  assert.deepEqual(saved, [{ id: good.event.id, target: post.id, payee: author.pk, payer: payer.pk, hub: hub.pk, amountMsat: '21000',
    paymentHash: good.paymentHash, createdAt: NOW + 5 }]);
  assert.deepEqual(changes, [1]);

  // Re-signed copies with a field changed: the receipt's rules refuse them, nothing is stored.
  const forger = key();
  const tamper = (name, value) => datt.signEvent({ kind: KIND_RECEIPT, created_at: NOW + 6, content: '',
    tags: good.event.tags.map((t) => (t[0] === name ? [name, value] : t)) }, forger.sk);
  assert.equal(await receipts.offer([tamper('amount', '2100000'), tamper('preimage', hex(randomBytes(32))),
    tamper('p', payer.pk), { ...good.event, content: 'x' }]), 0);
  assert.equal(saved.length, 1);

  // A receipt for a post not stored yet waits; it is verified when the post arrives.
  const early = receiptFor(otherPost, 5);
  assert.equal(await receipts.offer([early.event]), 0);
  stored.set(otherPost.id, otherPost);
  assert.equal(await receipts.offer([otherPost]), 1);
  assert.equal(saved[1].target, otherPost.id);
  assert.equal(saved[1].amountMsat, '5000');
  // A receipt naming the post but whose invoice is for another target never verifies.
  const crossed = receiptFor(otherPost, 7);
  const moved = datt.signEvent({ ...crossed.event, tags: crossed.event.tags.map((t) => (t[0] === 'e' ? ['e', post.id] : t)) }, hub.sk);
  assert.equal(await receipts.offer([moved]), 0);
});

test('with the hub pinned (its NIP-11 self), another hub\'s receipt is not stored; without, any hub\'s that verifies is', async () => {
  const stored = new Map([[post.id, post]]);
  const otherHub = key();
  const saved = [];
  const pinned = new ReceiptBook({ datt, save: async (records) => saved.push(...records), eventOf: async (id) => stored.get(id) ?? null,
    onChange: () => {}, hub: () => hub.pk });
  assert.equal(await pinned.offer([receiptFor(post, 3, { signer: otherHub }).event]), 0);
  const ours = receiptFor(post, 4);
  assert.equal(await pinned.offer([ours.event]), 1);
  assert.equal(saved[0].hub, hub.pk);
  const { receipts: open } = book(stored);
  assert.equal(await open.offer([receiptFor(post, 3, { signer: otherHub }).event]), 1);
});

test('stored records are checked when read back; a summary counts each payment once and lists the payers', () => {
  const good = receiptFor(post, 21);
  const record = receiptRecord(datt.receipts.verify(good.event, post), good.event);
  assert.equal(checkReceipt(record), record);
  for (const bad of [{ id: 'zz' }, { amountMsat: '0' }, { amountMsat: 21000 }, { amountMsat: '1'.repeat(23) }, { payer: author.pk },
    { createdAt: -1 }, { hub: undefined }]) {
    assert.throws(() => checkReceipt({ ...record, ...bad }), (e) => e.code === 'receipt_record_invalid', JSON.stringify(bad));
  }

  // Two receipts of one payment (the same hash, e.g. from two hubs' copies) and a second payer.
  const again = { ...record, id: hex(randomBytes(32)) };
  const carol = key();
  const third = { ...record, id: hex(randomBytes(32)), payer: carol.pk, paymentHash: hex(randomBytes(32)), amountMsat: '100000' };
  const strange = { ...record, id: hex(randomBytes(32)), payee: carol.pk, paymentHash: hex(randomBytes(32)) };
  const summary = receiptSummary([record, again, third, strange], post.id, author.pk);
  assert.deepEqual(summary.payers, [{ payer: carol.pk, sats: 100n }, { payer: payer.pk, sats: 21n }]);
  // paidSats sees each payment hash once, with the on-chain tips of the post.
  const paid = datt.receipts.paidSats({ chain: [{ target: post.id, txid: hex(randomBytes(32)), vout: 0, sats: 1000n }],
    channel: summary.channel });
  assert.deepEqual(paid, [{ target: post.id, sats: 1121n }]);
});

test('the live subscription of the receipts on screen: kind 4571 by #e, ids checked, each once, bounded; none for no ids', () => {
  const ids = Array.from({ length: MAX_RECEIPT_IDS + 5 }, () => hex(randomBytes(32)));
  const scope = receiptScope([post.id, 'not an id', post.id, otherPost.id, 42]);
  assert.deepEqual(scope.filter, { kinds: [KIND_RECEIPT], '#e': [post.id, otherPost.id] });
  assert.equal(scope.key, `receipts:${post.id},${otherPost.id}`);
  assert.notEqual(receiptScope([post.id]).key, scope.key, 'other ids, another REQ');
  assert.deepEqual(receiptScope(ids).filter['#e'], ids.slice(0, MAX_RECEIPT_IDS));
  assert.equal(receiptScope([]), null);
  assert.equal(receiptScope(['xyz']), null);
});
