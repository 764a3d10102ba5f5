// What the owner's worker asks the bridge to watch for its channels (docs/web.md "Channels":
// "Watching the chain"), pure so tests/web/channel_watches.test.mjs runs it in Node: each
// funded channel's funding outpoint until its spend is in a block, from the funding's block
// (so a close while no tab was open is found: the bridge scans those blocks once), and the
// inputs of each resolution transaction still waiting, from the block of the spend they follow;
// and the funding outpoint again, from the spend's block, for a revoked commitment's
// resolution stored without the commitment's bytes while its justice tx waits (resolution.js
// withSpendTx: the spend told again brings them).
import { needsSpendTx } from './resolution.js';

const UNFUNDED = ['opening', 'funding_needed', 'failed'];

/** [{txid, vout, fromHeight?}] for the stored channel records. */
export function channelWatches(records) {
  const out = [];
  for (const r of records) {
    const f = r.funding;
    if (f?.txid && Number.isInteger(f.vout) && !UNFUNDED.includes(r.stage) && !(r.spentBy && r.spentBy.height !== null)) {
      out.push(withHeight({ txid: f.txid, vout: f.vout }, f.height));
    } else if (f?.txid && Number.isInteger(f.vout) && needsSpendTx(r.resolution)) {
      // Its spend told again, from its block: the revoked commitment's bytes (resolution.js withSpendTx).
      out.push(withHeight({ txid: f.txid, vout: f.vout }, r.resolution.spendHeight));
    }
    for (const t of r.resolution?.txs ?? []) {
      if (t.status !== 'waiting') continue;
      for (const input of t.inputs) out.push(withHeight({ txid: input.txid, vout: input.vout }, r.resolution.spendHeight));
    }
  }
  return out;
}

const withHeight = (outpoint, height) => (Number.isInteger(height) ? { ...outpoint, fromHeight: height } : outpoint);

/**
 * A channel whose funding height is not stored yet (a record of an older version of the app,
 * or confirmed since): the record with the height of the funding transaction's block, as the
 * wallet recorded it (`tx`: its stored transaction, or null); null when nothing changes.
 */
export function withFundingHeight(record, tx) {
  if (!record.funding?.txid || Number.isInteger(record.funding.height)) return null;
  if (tx?.status !== 'confirmed' || !Number.isInteger(tx.height)) return null;
  return { ...record, funding: { ...record.funding, height: tx.height } };
}
