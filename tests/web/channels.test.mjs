// Payment channels in the web app (web/src/channels/records.js): the records the owner's
// worker stores are checked field by field when read back (tampered ones are refused);
// amounts typed by a person become exact msat or a clear error; the hub's NIP-11 limits and
// the wallet's balance bound a channel's funding; the chain_hash is the genesis hash in
// internal byte order (the same bytes tests/relay/hub_wasm.test.mjs writes down by hand);
// and the Pay form's summary of a real BOLT-11 invoice (datt.invoice) shows the amount and
// the hub's fee as datt.channel.amountWithFee computes them, or why it cannot be paid.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadDatt } from '../../build/wasm/dist/datt.mjs';
import { chainHash, checkChannel, checkFundingAmount, closingRecord, droppedAdds, fundingSpend, checkInvoice, checkPayment, formatMsat, frameHeader, frameText,
  invoiceNetwork, invoiceSummary, MESSAGE, parseInvoiceAmount, payeeChannelOf } from '../../web/src/channels/records.js';

const datt = await loadDatt({ payments: true, channels: true });
const h = (c) => c.repeat(64);
const bytes = (n, fill = 7) => new Uint8Array(n).fill(fill);

const channel = (extra = {}) => ({
  id: h('a'), stage: 'ready', state: bytes(300), seed: { nonce: bytes(12), ciphertext: bytes(48) }, fundingSats: 100000,
  network: 'bcoin-regtest', createdAt: 1700000000000, minimumDepth: 1,
  funding: { script: `0020${h('b')}`, sats: 100000, txid: h('c'), vout: 1, transaction: bytes(200) }, ...extra,
});
const invoice = (extra = {}) => ({ paymentHash: h('1'), preimage: h('2'), invoice: 'lnbcrt1...', amountMsat: '50000000',
  channelId: h('3'), createdAt: 1700000000000, paid: false, ...extra });
const payment = (extra = {}) => ({ paymentHash: h('1'), invoice: 'lnbcrt1...', amountMsat: '50000000', feeMsat: '51000',
  channelId: h('3'), htlcId: '0', status: 'pending', reason: '', createdAt: 1700000000000, ...extra });
const refused = (check, record) => assert.throws(() => check(record), (e) => e.code === 'channel_record_invalid',
  JSON.stringify(record, (k, v) => (typeof v === 'bigint' ? `${v}n` : v)));

test('stored channels, invoices and payments: valid records pass, tampered fields are refused', () => {
  assert.equal(checkChannel(channel()).id, h('a'));
  assert.equal(checkChannel(channel({ funding: undefined, stage: 'opening' })).stage, 'opening');
  for (const bad of [{ id: 'zz' }, { stage: 'open' }, { state: new Uint8Array(0) }, { state: 'abcd' },
    { seed: { nonce: bytes(11), ciphertext: bytes(48) } }, { seed: { nonce: bytes(12), ciphertext: bytes(32) } },
    { fundingSats: 0 }, { fundingSats: 1.5 }, { minimumDepth: 145 }, { network: 7 },
    { funding: { script: 'xyz', sats: 1 } }, { funding: { script: '0014', sats: 1, txid: 'no' } },
    { funding: { script: '0014', sats: 1, vout: -1 } }, { message: 'x'.repeat(2001) }]) refused(checkChannel, channel(bad));
  refused(checkChannel, null);

  assert.equal(checkInvoice(invoice()).paymentHash, h('1'));
  for (const bad of [{ preimage: h('g') }, { paymentHash: 'ab' }, { amountMsat: 50000000 }, { amountMsat: '-1' },
    { amountMsat: '2100000000000000001' }, { channelId: '' }, { paid: 'no' }, { invoice: 'x'.repeat(7090) }]) refused(checkInvoice, invoice(bad));

  assert.equal(checkPayment(payment({ status: 'paid', preimage: h('4') })).status, 'paid');
  for (const bad of [{ status: 'done' }, { htlcId: 0 }, { htlcId: '-1' }, { feeMsat: '1.5' }, { preimage: 'ab' },
    { reason: 5 }, { createdAt: 'now' }]) refused(checkPayment, payment(bad));
});

test('a closed channel keeps its closing transaction and what it pays this wallet', () => {
  const ours = `0014${'11'.repeat(20)}`;
  const event = { type: 'closed', tx: '02'.repeat(100), txid: h('d'),
    outputs: [{ script: `0014${'22'.repeat(20)}`, sats: 150000 }, { script: ours, sats: 47250 }] };
  const closing = closingRecord(event, ours);
  assert.deepEqual(closing, { tx: event.tx, txid: h('d'), ourSats: 47250, broadcast: false });
  // Our side below the dust limit: no output of ours, nothing comes back.
  assert.equal(closingRecord({ ...event, outputs: [event.outputs[0]] }, ours).ourSats, 0);
  assert.equal(checkChannel(channel({ stage: 'closed', closing })).closing.ourSats, 47250);
  assert.equal(checkChannel(channel({ stage: 'closing' })).stage, 'closing');
  for (const bad of [{ ...closing, tx: 'xyz' }, { ...closing, tx: '02'.repeat(10) }, { ...closing, txid: 'ab' },
    { ...closing, ourSats: -1 }, { ...closing, ourSats: 1.5 }, { ...closing, broadcast: 'yes' },
    { ...closing, problem: 'x'.repeat(2001) }, null]) refused(checkChannel, channel({ stage: 'closed', closing: bad }));
});

test('a spend of the funding output: our closing transaction is cooperative, anything else the hub\'s unilateral close', () => {
  const closed = channel({ stage: 'closed', closing: { tx: '02'.repeat(100), txid: h('d'), ourSats: 1000, broadcast: true } });
  assert.deepEqual(fundingSpend(closed, { txid: h('d') }), { txid: h('d'), kind: 'cooperative', height: null });
  assert.deepEqual(fundingSpend(closed, { txid: h('e'), height: 500 }), { txid: h('e'), kind: 'unilateral', height: 500 });
  assert.deepEqual(fundingSpend(channel(), { txid: h('d'), height: 7 }), { txid: h('d'), kind: 'unilateral', height: 7 },
    'an open channel has no closing transaction: any spend is the hub\'s');
  // Told again (mempool, then the block): only a change of height is news.
  const seen = { ...closed, spentBy: { txid: h('d'), kind: 'cooperative', height: null } };
  assert.equal(fundingSpend(seen, { txid: h('d') }), null);
  assert.deepEqual(fundingSpend(seen, { txid: h('d'), height: 9 }), { txid: h('d'), kind: 'cooperative', height: 9 });
  assert.equal(checkChannel(seen).spentBy.kind, 'cooperative');
  for (const bad of [null, { txid: 'ab', kind: 'cooperative', height: null }, { txid: h('d'), kind: 'mutual', height: null },
    { txid: h('d'), kind: 'unilateral', height: -1 }, { txid: h('d'), kind: 'unilateral', height: '5' }]) {
    refused(checkChannel, { ...closed, spentBy: bad });
  }
});

test('amounts: msat shown exactly in sats; typed amounts parsed exactly or refused', () => {
  assert.equal(formatMsat(1234567n), '1,234.567 sats');
  assert.equal(formatMsat(5000n), '5 sats');
  assert.equal(formatMsat(1n), '0.001 sats');
  assert.equal(formatMsat(1010n), '1.01 sats');
  assert.equal(formatMsat('-2500'), '-2.5 sats');
  assert.equal(formatMsat(2100000000000000000n), '2,100,000,000,000,000 sats');

  assert.deepEqual(parseInvoiceAmount('12'), { msat: 12000n });
  assert.deepEqual(parseInvoiceAmount(' 0.001 '), { msat: 1n });
  assert.deepEqual(parseInvoiceAmount('1.5'), { msat: 1500n });
  for (const bad of ['', '0', '0.000', '1.2345', '-1', '1e3', 'abc', '1,000', '2100000000000001']) {
    assert.ok(parseInvoiceAmount(bad).error, bad);
  }

  const limits = { minSats: 20000, maxSats: 16777215, spendableSats: 1000000n };
  assert.deepEqual(checkFundingAmount('20000', limits), { sats: 20000 });
  assert.deepEqual(checkFundingAmount('16777215', { ...limits, spendableSats: 20000000n }), { sats: 16777215 });
  assert.match(checkFundingAmount('19999', limits).error, /at least 20,000 sats/);
  assert.match(checkFundingAmount('16777216', { ...limits, spendableSats: 20000000n }).error, /at most 16,777,215 sats/);
  assert.match(checkFundingAmount('1000000', limits).error, /1,000,000 confirmed sats/);   // the fee comes on top
  assert.ok(checkFundingAmount('1.5', limits).error);
  assert.ok(checkFundingAmount('', limits).error);
});

test('chain_hash: the genesis hash in internal byte order', () => {
  // As tests/relay/hub_wasm.test.mjs writes it for the hub's regtest.
  const expected = Buffer.from('0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206', 'hex').reverse().toString('hex');
  assert.equal(chainHash(datt.bitcoin.network('regtest').genesisHash), expected);
  assert.equal(chainHash(datt.bitcoin.network('bcoin-regtest').genesisHash), expected);
  assert.throws(() => chainHash('00'));
  assert.equal(invoiceNetwork('bcoin-regtest'), 'regtest');
  assert.equal(invoiceNetwork('mainnet'), 'mainnet');
});

test('the Pay form: a real invoice decoded, the hub fee as amountWithFee, or why it cannot be paid', () => {
  const fees = { base_msat: 1000, proportional_millionths: 1000, cltv_expiry_delta: 40 };
  const key = bytes(32, 9);
  const now = 1800000000;
  const make = (extra) => datt.invoice.decode(datt.invoice.encode({ network: 'regtest', amount_msat: 50000000n,
    payment_hash: h('5'), payment_secret: h('6'), description: 'a tip', payment_metadata: h('7'), created_at: now - 60, ...extra }, key));
  const options = { network: 'bcoin-regtest', nowSeconds: now, withFee: (msat) => datt.channel.amountWithFee(fees, msat),
    channelOf: payeeChannelOf };
  const summary = invoiceSummary(make({}), options);
  assert.equal(summary.problem, '');
  assert.equal(summary.amountMsat, 50000000n);
  assert.equal(summary.feeMsat, 1000n + 50000n);   // base + floor(50,000,000 x 1000 / 1,000,000)
  assert.equal(summary.totalMsat, 50051000n);
  assert.equal(summary.payeeChannel, h('7'));
  assert.equal(summary.description, 'a tip');
  assert.equal(invoiceSummary(make({ amount_msat: 1n }), options).feeMsat, 1000n);   // floor(0.001)

  assert.match(invoiceSummary(make({ network: 'mainnet' }), options).problem, /for mainnet/);
  assert.match(invoiceSummary(make({ amount_msat: undefined }), options).problem, /no amount/);
  assert.match(invoiceSummary(make({ created_at: now - 3600 }), options).problem, /expired/);
  assert.match(invoiceSummary(make({ payment_metadata: undefined }), options).problem, /names no channel/);
});

test('frames: header and warning text as docs/protocol.md lays them out', () => {
  const request = datt.channel.challengeRequest();
  assert.deepEqual(frameHeader(request), { channelId: '0'.repeat(64), type: 55921 });
  // A warning frame: version 1, channel_id, type 1, channel_id, u16 length, the text.
  const text = Buffer.from('hub_attach_required: attach first\n');
  const frame = new Uint8Array(69 + text.length);
  frame[0] = 1;
  frame.fill(0xab, 1, 33);
  frame[34] = MESSAGE.warning;
  frame.fill(0xab, 35, 67);
  frame[67] = 0;
  frame[68] = text.length;
  frame.set(text, 69);
  assert.deepEqual(frameHeader(frame), { channelId: 'ab'.repeat(32), type: 1 });
  assert.equal(frameText(frame), 'hub_attach_required: attach first ');   // control characters shown as spaces
  assert.equal(frameHeader(frame.subarray(0, 34)), null);
  assert.equal(frameHeader(new Uint8Array([2, ...frame.subarray(1)])), null);
  assert.equal(frameText(frame.subarray(0, 60)), '');
});

test('adds a disconnect erased before they were signed: their pending payments fail, the channel takes their ids again', () => {
  const stored = [
    payment({ htlcId: '4', paymentHash: h('4') }),
    payment({ htlcId: '5', paymentHash: h('5') }),
    payment({ htlcId: '3', paymentHash: h('6'), status: 'paid' }),
    payment({ htlcId: '5', paymentHash: h('5'), channelId: h('9') }),   // another channel's
  ];
  const dropped = droppedAdds(stored, h('3'), [{ id: '5', payment_hash: h('5'), amount_msat: '1000' },
    { id: '6', payment_hash: h('7'), amount_msat: '1000' }]);
  assert.equal(dropped.nextHtlcId, 5);
  assert.equal(dropped.payments.length, 1);
  assert.equal(dropped.payments[0].paymentHash, h('5'));
  assert.equal(dropped.payments[0].channelId, h('3'));
  assert.equal(dropped.payments[0].status, 'failed');
  assert.match(dropped.payments[0].reason, /pay again/);
  assert.equal(checkPayment(dropped.payments[0]), dropped.payments[0]);
  // Only fulfils or fails dropped (no add), or malformed adds: nothing changes.
  assert.deepEqual(droppedAdds(stored, h('3'), []), { payments: [], nextHtlcId: null });
  assert.deepEqual(droppedAdds(stored, h('3'), undefined), { payments: [], nextHtlcId: null });
  assert.deepEqual(droppedAdds(stored, h('3'), [{ id: 'x', payment_hash: h('5') }, { id: '5', payment_hash: 'zz' }]),
    { payments: [], nextHtlcId: null });
});
