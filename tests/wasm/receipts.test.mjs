// datt.receipts through wasm without a relay: the payer's request checked as the hub checks
// it, the payer's signature checked against SHA-256 and BIP-340 from outside the module
// (node:crypto's hash, the message layout written here), and paidSats adding on-chain and
// receipt payments per target, each once. tests/relay/hub_receipts.test.mjs runs the real hub;
// tests/core/receipt every code natively.
import './../support/webcrypto.mjs';

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { schnorr } from '@noble/curves/secp256k1';

import { loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();
const key = (n) => {
  const bytes = new Uint8Array(32);
  bytes[31] = n;
  return bytes;
};
const AUTHOR = key(1);
const PAYER = key(2);
const hex = (b) => Buffer.from(b).toString('hex');
const rejects = (fn, code) => assert.throws(fn, (e) => e.code === code, code);

const post = datt.signEvent({ kind: 1111, created_at: 1733000000, tags: [], content: 'a post' }, AUTHOR);
const preimage = Buffer.alloc(32, 0x5a);
const paymentHash = createHash('sha256').update(preimage).digest('hex');
const invoiceFor = (target, amount = 21000n, signer = AUTHOR) => datt.invoice.encode({
  network: 'regtest', amount_msat: amount, payment_hash: paymentHash, payment_secret: '0c'.repeat(32),
  description: `datt:tip:${target}`, min_final_cltv_expiry: 18, created_at: 1733000100,
}, signer);

test('request: the payer signs sha256("datt-receipt" || hash || target || amount) and the invoice is checked', () => {
  const invoice = invoiceFor(post.id);
  const request = datt.receipts.request({ secretKey: PAYER, paymentHash, target: post.id, amountMsat: 21000n, invoice });
  assert.equal(request.payer, datt.publicKey(PAYER));
  assert.equal(request.invoice, invoice);
  const amount = Buffer.alloc(8);
  amount.writeBigUInt64BE(21000n);
  const message = createHash('sha256').update(Buffer.concat([
    Buffer.from('datt-receipt'), Buffer.from(paymentHash, 'hex'), Buffer.from(post.id, 'hex'), amount,
  ])).digest();
  assert.equal(schnorr.verify(request.payer_sig, message, request.payer), true);

  const base = { secretKey: PAYER, paymentHash, target: post.id, amountMsat: 21000n };
  rejects(() => datt.receipts.request({ ...base, invoice: invoiceFor('ab'.repeat(32)) }), 'receipt_target_mismatch');
  rejects(() => datt.receipts.request({ ...base, amountMsat: 21001n, invoice }), 'receipt_amount_mismatch');
  rejects(() => datt.receipts.request({ ...base, paymentHash: '00'.repeat(32), invoice }), 'receipt_payment_hash_mismatch');
  rejects(() => datt.receipts.request({ ...base, secretKey: AUTHOR, invoice }), 'receipt_self');
  rejects(() => datt.receipts.request({ ...base, invoice: 'lnbcrt1nonsense' }), 'receipt_invoice_malformed');
});

test('paidSats: on-chain tips and receipts per target, each payment once, msat floored', () => {
  const t1 = '11'.repeat(32);
  const t2 = '22'.repeat(32);
  const totals = datt.receipts.paidSats({
    chain: [
      { target: t1, txid: 'aa'.repeat(32), vout: 0, sats: 5000n },
      { target: t1, txid: 'aa'.repeat(32), vout: 0, sats: 5000 },
    ],
    channel: [
      { target: t1, payment_hash: 'b0'.repeat(32), amount_msat: 1500n },
      { target: t1, payment_hash: 'b0'.repeat(32), amount_msat: '1500' },
      { target: t1, payment_hash: 'b1'.repeat(32), amount_msat: 2600n },
      { target: t2, payment_hash: 'b2'.repeat(32), amount_msat: 999n },
    ],
  });
  assert.deepEqual(totals, [{ target: t1, sats: 5004n }, { target: t2, sats: 0n }]);
  rejects(() => datt.receipts.paidSats({ chain: [{ target: t1, txid: 'aa'.repeat(32), vout: 0, sats: 2100000000000001n }] }),
    'receipt_bad_args');
  rejects(() => datt.receipts.paidSats({ channel: [{ target: 'xyz', payment_hash: 'b0'.repeat(32), amount_msat: 1n }] }),
    'hex_wrong_length');
});

test('parse and verify refuse an event that is not a receipt', () => {
  rejects(() => datt.receipts.parse(post), 'receipt_wrong_kind');
  rejects(() => datt.receipts.verify(post, post), 'receipt_wrong_kind');
});
