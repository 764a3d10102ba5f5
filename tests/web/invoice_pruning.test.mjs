// Which stored invoices the owner's worker forgets (web/src/channels/invoice_pruning.js), with
// real BOLT-11 invoices (datt.invoice) as the tip exchange makes them: unpaid ones 1 hour past
// their expiry go; a paid one, one whose payment hash a channel holds an HTLC for, and one that
// does not decode stay; the number of unpaid invoices kept is bounded.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { loadDatt } from '../../build/wasm/dist/datt.mjs';
import { INVOICE_KEEPING, invoicesToPrune, pendingHashes, roomForUnpaid } from '../../web/src/channels/invoice_pruning.js';
import { checkInvoice } from '../../web/src/channels/records.js';
import { tipInvoiceFields } from '../../web/src/channels/invoice_request.js';

const datt = await loadDatt({ payments: true });
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const CREATED = 1_800_000_000;   // seconds
const EXPIRES = CREATED + 120;   // the tip invoice's expiry
const key = randomBytes(32);
const decode = (text) => datt.invoice.decode(text);

/** A stored invoice record as ChannelSync.tipInvoice commits it. */
function stored({ paid = false, createdAt = CREATED } = {}) {
  const preimage = randomBytes(32);
  const paymentHash = createHash('sha256').update(preimage).digest('hex');
  const invoice = datt.invoice.encode(tipInvoiceFields({ network: 'regtest', amountMsat: 21000n, paymentHash,
    paymentSecret: hex(randomBytes(32)), target: hex(randomBytes(32)), channelId: hex(randomBytes(32)), createdAt }), key);
  return checkInvoice({ paymentHash, preimage: hex(preimage), invoice, amountMsat: '21000', channelId: hex(randomBytes(32)),
    createdAt: createdAt * 1000, paid });
}

test('unpaid invoices go 1 hour after their expiry; paid ones, ones an HTLC holds and ones that do not decode stay', () => {
  const unpaid = stored();
  const later = stored({ createdAt: CREATED + 600 });
  const paid = stored({ paid: true });
  const held = stored();
  const garbled = { ...stored(), invoice: 'lnbcrt1garbled' };
  const all = [unpaid, later, paid, held, garbled];
  const pending = new Set([held.paymentHash]);
  const at = (nowSeconds) => invoicesToPrune(all, { nowSeconds, pending, decode });

  assert.equal(INVOICE_KEEPING.marginSeconds, 3600);
  assert.deepEqual(at(EXPIRES), []);
  assert.deepEqual(at(EXPIRES + 3599), []);
  assert.deepEqual(at(EXPIRES + 3600), [unpaid.paymentHash]);
  assert.deepEqual(at(EXPIRES + 600 + 3600), [unpaid.paymentHash, later.paymentHash]);
  assert.deepEqual(at(EXPIRES + 10 * 365 * 86400), [unpaid.paymentHash, later.paymentHash]);
  // The HTLC settled (its hash no longer in any channel): the held invoice goes too.
  assert.deepEqual(invoicesToPrune(all, { nowSeconds: EXPIRES + 3600, pending: new Set(), decode }),
    [unpaid.paymentHash, held.paymentHash]);
});

test('the HTLCs every stored channel holds, by payment hash; a state that does not parse holds none', () => {
  const hashes = { s1: ['a'.repeat(64)], s2: ['b'.repeat(64), 'a'.repeat(64)], s3: [] };
  const info = (state) => {
    if (!(state in hashes)) throw new Error('channel_state_invalid');
    return { htlc_hashes: hashes[state] };
  };
  const pending = pendingHashes([{ state: 's1' }, { state: 's2' }, { state: 's3' }, { state: 'bad' }], info);
  assert.deepEqual([...pending].sort(), ['a'.repeat(64), 'b'.repeat(64)]);
});

test('a stranger\'s request is refused once the most unpaid invoices are kept; paid ones do not count', () => {
  const unpaid = stored();
  const paid = stored({ paid: true });
  const fill = (n, record) => Array.from({ length: n }, () => record);
  assert.equal(INVOICE_KEEPING.maxUnpaid, 500);
  assert.equal(roomForUnpaid(fill(499, unpaid)), true);
  assert.equal(roomForUnpaid([...fill(499, unpaid), ...fill(1000, paid)]), true);
  assert.equal(roomForUnpaid(fill(500, unpaid)), false);
});
