// What the tabs show of tips: per post or comment, the verified total and the pending count,
// from the tip book's stored verdicts (tips/book.js) re-checked as they are read: a record
// must be valid (tips/records.js), and a 'verified' one counts only while its block is the
// block this browser's verified header chain has at its height (after a reorganization it is
// pending until the owner proves it again). Only verified payments are counted, each outpoint
// once (datt.tips.total).
import { openWalletDatabase, readChain, readHeaderHash, readTips } from '../wallet/store.js';
import { tipSummary } from './records.js';

let walletDb = null;
export async function walletDatabase() {
  walletDb ??= await openWalletDatabase();
  return walletDb;
}

/** Map id -> tipSummary for `records` ({id, pubkey}); `all`: read the whole store (a feed). */
export async function tipSummaries(client, records, { all = false } = {}) {
  const out = new Map();
  if (!records.length) return out;
  const db = await walletDatabase();
  const { valid } = await readTips(db, all ? null : records.map((r) => r.id));
  // The stored chain of the tip's network (null when the chain is of another one, or being reset).
  const chains = new Map();
  const chainOf = async (network) => {
    if (!chains.has(network)) chains.set(network, await readChain(db, network));
    return chains.get(network);
  };
  const checked = [];
  for (const tip of valid) {
    if (tip.status !== 'verified') {
      checked.push(tip);
      continue;
    }
    const chain = await chainOf(tip.network);
    if (chain && await readHeaderHash(db, chain, tip.height) === tip.block) checked.push(tip);
    else checked.push({ ...tip, status: 'pending' });
  }
  for (const r of records) {
    const summary = tipSummary(checked, r.id, r.pubkey);
    let sum = { sats: 0n, payments: 0 };
    if (summary.payments.length) {
      await client.datt.loadPayments();   // datt.tips: the payments module, loaded on first need
      sum = client.datt.tips.total(summary.payments);
    }
    out.set(r.id, { ...summary, sats: sum.sats, payments: sum.payments });
  }
  return out;
}

/** The targets among `ids` that have any stored tip (cheap pre-filter for a feed). */
export async function tippedTargets(ids) {
  const db = await walletDatabase();
  const { valid } = await readTips(db);
  const wanted = new Set(ids);
  return [...new Set(valid.map((t) => t.target).filter((t) => wanted.has(t)))];
}
