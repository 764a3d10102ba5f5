// Which stored invoices (and their preimages) the owner's worker forgets, and how many unpaid
// ones it keeps (docs/web.md "Tips over the channel"): anyone can ask this browser for a tip
// invoice, and each answered request stores a preimage. Pure rules only (no I/O):
// tests/web/invoice_pruning.test.mjs runs them in Node with real invoices.
export const INVOICE_KEEPING = {
  marginSeconds: 3600,           // an unpaid invoice goes this long after its expiry
  maxUnpaid: 500,                // tip requests beyond this many unpaid invoices are refused
  pruneEveryMs: 10 * 60 * 1000,  // besides at the worker's start
};

/**
 * The payment hashes of `invoices` (stored records) to delete at `nowSeconds`: unpaid, past
 * their expiry plus the margin, and whose hash no channel holds an HTLC for (`pending`, a Set:
 * an HTLC may still be settled with the preimage, on chain too). `decode(text)`:
 * datt.invoice.decode; an invoice that does not decode is kept (nothing says it expired).
 */
export function invoicesToPrune(invoices, { nowSeconds, pending, decode }) {
  const out = [];
  for (const record of invoices) {
    if (record.paid || pending.has(record.paymentHash)) continue;
    let expiresAt;
    try {
      const decoded = decode(record.invoice);
      expiresAt = Number(decoded.created_at) + Number(decoded.expiry);
    } catch {
      continue;
    }
    if (Number.isFinite(expiresAt) && nowSeconds >= expiresAt + INVOICE_KEEPING.marginSeconds) out.push(record.paymentHash);
  }
  return out;
}

/** The payment hashes of every HTLC the stored `channels` hold; `info(state)`: datt.channel.info. */
export function pendingHashes(channels, info) {
  const pending = new Set();
  for (const record of channels) {
    try {
      for (const hash of info(record.state).htlc_hashes) pending.add(hash);
    } catch {
      // a state that does not parse holds nothing this worker can settle
    }
  }
  return pending;
}

/** Whether one more unpaid invoice may be stored for a stranger's request. */
export const roomForUnpaid = (invoices) => invoices.filter((i) => !i.paid).length < INVOICE_KEEPING.maxUnpaid;
