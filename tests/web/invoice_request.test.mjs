// The tip invoice exchange's rules (web/src/channels/invoice_request.js) with real keys, real
// BIP-340 events and real BOLT-11 invoices from wasm: the author's browser takes a payer's
// request only when it is signed, fresh, for it, and for whole sats within the limit; the payer
// takes an answer only to its own request, and the author's invoice only when it is signed by
// the author's Nostr key for this post and amount, not expired and names the author's channel;
// requests are rate limited per payer and in all.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { loadDatt } from '../../build/wasm/dist/datt.mjs';
import {
  ANSWER_STATUSES, answerTemplate, checkAnswer, checkRequest, checkTipInvoice, INVOICE_REQUEST_LIMITS, isTipInvoiceFields,
  KIND_INVOICE_ANSWER, KIND_INVOICE_REQUEST, requestTemplate, RequestRateLimit, statusMessage, tipInvoiceFields,
} from '../../web/src/channels/invoice_request.js';

const datt = await loadDatt({ payments: true });
const verify = (e) => datt.verifyEvent(e);
const hex = (b) => Buffer.from(b).toString('hex');
const key = () => {
  const sk = datt.generateSecretKey();
  return { sk, pk: datt.publicKey(sk) };
};
const author = key();
const payer = key();
const target = hex(randomBytes(32));
const NOW = 1_760_000_000;

function signedRequest(extra = {}, by = payer) {
  const template = requestTemplate({ author: author.pk, target, amountMsat: 21000n, createdAt: NOW });
  return datt.signEvent({ ...template, ...extra }, by.sk);
}
const codeOf = (fn) => {
  try {
    fn();
  } catch (error) {
    return error.code;
  }
  return 'accepted';
};

test('the author takes a signed, fresh request for itself, in whole sats; anything else has its code', () => {
  const request = signedRequest();
  assert.equal(request.kind, KIND_INVOICE_REQUEST);
  assert.deepEqual(checkRequest(request, { self: author.pk, nowSeconds: NOW + 30, verify }),
    { id: request.id, payer: payer.pk, target, amountMsat: 21000n });

  const ctx = { self: author.pk, nowSeconds: NOW, verify };
  assert.equal(codeOf(() => checkRequest(request, { ...ctx, self: payer.pk })), 'invoice_request_not_for_us');
  assert.equal(codeOf(() => checkRequest(request, { ...ctx, nowSeconds: NOW + INVOICE_REQUEST_LIMITS.freshSeconds + 1 })),
    'invoice_request_stale');
  assert.equal(codeOf(() => checkRequest(request, { ...ctx, nowSeconds: NOW - INVOICE_REQUEST_LIMITS.freshSeconds - 1 })),
    'invoice_request_stale');
  // Changed after signing: the id no longer matches.
  assert.equal(codeOf(() => checkRequest({ ...request, tags: [['p', author.pk], ['e', target], ['amount', '2100000']] }, ctx)),
    'invoice_request_signature');
  const tags = (amount) => [['p', author.pk], ['e', target], ['amount', amount]];
  for (const amount of ['1500', '0', '-1000', '1e3', '01000', String(INVOICE_REQUEST_LIMITS.maxMsat + 1000n)]) {
    assert.equal(codeOf(() => checkRequest(signedRequest({ tags: tags(amount) }), ctx)), 'invoice_request_amount', amount);
  }
  assert.equal(codeOf(() => checkRequest(signedRequest({ tags: tags(String(INVOICE_REQUEST_LIMITS.maxMsat)) }), ctx)), 'accepted');
  assert.equal(codeOf(() => checkRequest(signedRequest({ tags: [...tags('1000'), ['e', target]] }), ctx)), 'invoice_request_tags');
  assert.equal(codeOf(() => checkRequest(signedRequest({ tags: [...tags('1000'), ['x', 'y']] }), ctx)), 'invoice_request_tags');
  assert.equal(codeOf(() => checkRequest(signedRequest({ content: 'hi' }), ctx)), 'invoice_request_content');
  assert.equal(codeOf(() => checkRequest(signedRequest({ kind: KIND_INVOICE_ANSWER }), ctx)), 'invoice_request_kind');
  assert.equal(codeOf(() => checkRequest(signedRequest({}, author), ctx)), 'invoice_request_self');
  assert.equal(codeOf(() => checkRequest(signedRequest({ content: 'x'.repeat(5000) }), ctx)),
    'invoice_request_too_large');
  assert.equal(codeOf(() => checkRequest(null, ctx)), 'invoice_request_malformed');
  assert.throws(() => requestTemplate({ author: author.pk, target, amountMsat: 999n, createdAt: NOW }), /whole sats/);
});

test('the payer takes an answer to its own request only; an invoice only with the invoice status', () => {
  const request = signedRequest();
  const answerer = key();   // the author's browser's throwaway key
  const parsed = checkRequest(request, { self: author.pk, nowSeconds: NOW, verify });
  const answer = (status, invoice) => datt.signEvent(answerTemplate({ request: parsed, status, invoice, createdAt: NOW }), answerer.sk);
  assert.deepEqual(checkAnswer(answer('locked'), { request, verify }), { status: 'locked' });
  assert.deepEqual(checkAnswer(answer('invoice', 'lnbcrt1xyz'), { request, verify }), { status: 'invoice', invoice: 'lnbcrt1xyz' });
  const other = signedRequest({ created_at: NOW + 1 });
  assert.equal(codeOf(() => checkAnswer(answer('locked'), { request: other, verify })), 'invoice_request_not_for_us');
  assert.equal(codeOf(() => checkAnswer(answer('invoice', 'x'.repeat(INVOICE_REQUEST_LIMITS.maxInvoiceChars + 1)), { request, verify })),
    'invoice_request_invoice');
  assert.equal(codeOf(() => checkAnswer(answer('invoice', 'has space'), { request, verify })), 'invoice_request_invoice');
  const forged = { ...answer('no_channel'), tags: [['e', request.id], ['p', payer.pk], ['status', 'invoice'], ['bolt11', 'lnbc1']] };
  assert.equal(codeOf(() => checkAnswer(forged, { request, verify })), 'invoice_request_signature');
  const unknown = datt.signEvent({ kind: KIND_INVOICE_ANSWER, created_at: NOW, content: '',
    tags: [['e', request.id], ['p', payer.pk], ['status', 'maybe']] }, answerer.sk);
  assert.equal(codeOf(() => checkAnswer(unknown, { request, verify })), 'invoice_request_status');
  const stray = datt.signEvent({ kind: KIND_INVOICE_ANSWER, created_at: NOW, content: '',
    tags: [['e', request.id], ['p', payer.pk], ['status', 'locked'], ['bolt11', 'lnbc1']] }, answerer.sk);
  assert.equal(codeOf(() => checkAnswer(stray, { request, verify })), 'invoice_request_tags');
  for (const status of ANSWER_STATUSES) assert.ok(statusMessage(status).length > 10, status);
  assert.match(statusMessage('no_answer'), /on chain/);
});

test('the author\'s tip invoice: signed by the Nostr key for the target and amount, or refused with its code', () => {
  const channelId = hex(randomBytes(32));
  const preimage = randomBytes(32);
  const paymentHash = createHash('sha256').update(preimage).digest('hex');
  const fields = (extra = {}) => ({ ...tipInvoiceFields({ network: 'regtest', amountMsat: 21000n, paymentHash,
    paymentSecret: hex(randomBytes(32)), target, channelId, createdAt: NOW }), ...extra });
  assert.equal(isTipInvoiceFields(fields()), true);
  assert.equal(isTipInvoiceFields(fields({ description: 'pay me' })), false, 'the signer signs tip invoices only');
  assert.equal(isTipInvoiceFields(fields({ payment_metadata: undefined })), false);
  const ctx = { author: author.pk, target, amountMsat: 21000n, network: 'regtest', nowSeconds: NOW + 10 };
  const decode = (f, sk = author.sk) => datt.invoice.decode(datt.invoice.encode(f, sk));

  assert.deepEqual(checkTipInvoice(decode(fields()), ctx), { paymentHash, payeeChannel: channelId });
  assert.equal(codeOf(() => checkTipInvoice(decode(fields(), payer.sk), ctx)), 'tip_invoice_payee');
  assert.equal(codeOf(() => checkTipInvoice(decode(fields({ description: `datt:tip:${hex(randomBytes(32))}` })), ctx)), 'tip_invoice_target');
  assert.equal(codeOf(() => checkTipInvoice(decode(fields({ amount_msat: 22000n })), ctx)), 'tip_invoice_amount');
  assert.equal(codeOf(() => checkTipInvoice(decode(fields({ network: 'testnet' })), ctx)), 'tip_invoice_network');
  assert.equal(codeOf(() => checkTipInvoice(decode(fields()), { ...ctx, nowSeconds: NOW + INVOICE_REQUEST_LIMITS.invoiceExpirySeconds })),
    'tip_invoice_expired');
  const noChannel = fields();
  delete noChannel.payment_metadata;
  assert.equal(codeOf(() => checkTipInvoice(decode(noChannel), ctx)), 'tip_invoice_no_channel');

  // The invoice the author signs is what the payer's receipt request and the hub accept.
  const invoice = datt.invoice.encode(fields(), author.sk);
  assert.ok(invoice.length <= INVOICE_REQUEST_LIMITS.maxInvoiceChars);
  const receipt = datt.receipts.request({ secretKey: payer.sk, paymentHash, target, amountMsat: 21000n, invoice });
  assert.equal(receipt.payer, payer.pk);
});

test('requests are rate limited per payer and in all, per sliding minute', () => {
  const limit = new RequestRateLimit();
  const t0 = 1_000_000;
  for (let i = 0; i < INVOICE_REQUEST_LIMITS.perPayerPerMinute; ++i) assert.equal(limit.allow('a', t0 + i), true);
  assert.equal(limit.allow('a', t0 + 100), false, 'one payer over its share');
  assert.equal(limit.allow('b', t0 + 100), true, 'another payer still gets in');
  assert.equal(limit.allow('a', t0 + 60_001), true, 'a minute later the first is let in again');
  const all = new RequestRateLimit();
  let allowed = 0;
  for (let i = 0; i < 100; ++i) if (all.allow(`p${i}`, t0)) allowed += 1;
  assert.equal(allowed, INVOICE_REQUEST_LIMITS.totalPerMinute);
});
