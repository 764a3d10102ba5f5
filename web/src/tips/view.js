// What the tabs show of tips: per post or comment, the verified total and the pending count,
// from the tip book's stored verdicts (tips/book.js) re-checked as they are read: a record
// must be valid (tips/records.js), and a 'verified' one counts only while its block is the
// block this browser's verified header chain has at its height (after a reorganization it is
// pending until the owner proves it again). Receipts of tips paid over channels (kind 4571,
// verified by the owner's worker against their targets, tips/receipts.js) count with them:
// only verified payments are counted, each outpoint and each payment hash once
// (datt.receipts.paidSats, the sats the hot ranking weighs).
import { openWalletDatabase, readChain, readHeaderHash, readTips } from '../wallet/store.js';
import { tipSummary } from './records.js';
import { KIND_RECEIPT, openReceiptDatabase, readReceipts, receiptSummary } from './receipts.js';

let walletDb = null;
export async function walletDatabase() {
  walletDb ??= await openWalletDatabase();
  return walletDb;
}

let receiptDb = null;
async function receiptDatabase() {
  receiptDb ??= await openReceiptDatabase();
  return receiptDb;
}

// Ids whose receipts were asked for lately: a view asks the relays again after this long.
const RECEIPTS_ASKED_MS = 15000;
const receiptsAsked = new Map();

/**
 * Asks the read relays for the receipts (kind 4571) of `ids` (posts and comments on screen):
 * they go through verification like every event, then the receipt book (tips/receipts.js).
 * `force`: ask even if asked lately (after a tip of one's own).
 */
export async function fetchReceipts(client, ids, { force = false } = {}) {
  const now = Date.now();
  const wanted = ids.filter((id) => force || !(receiptsAsked.get(id) > now - RECEIPTS_ASKED_MS));
  if (!wanted.length) return;
  for (const id of wanted) receiptsAsked.set(id, now);
  if (receiptsAsked.size > 5000) receiptsAsked.clear();
  for (let i = 0; i < wanted.length; i += 200) {
    await client.query([{ kinds: [KIND_RECEIPT], '#e': wanted.slice(i, i + 200), limit: 500 }]).catch(() => {});
  }
}

/** Map id -> tipSummary for `records` ({id, pubkey}); `all`: read the whole store (a feed). */
export async function tipSummaries(client, records, { all = false } = {}) {
  const out = new Map();
  if (!records.length) return out;
  const db = await walletDatabase();
  const { valid } = await readTips(db, all ? null : records.map((r) => r.id));
  const { valid: receipts } = await readReceipts(await receiptDatabase(), all ? null : records.map((r) => r.id));
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
    const paid = receiptSummary(receipts, r.id, r.pubkey);
    let sats = 0n;
    if (summary.payments.length || paid.channel.length) {
      await client.datt.loadPayments();   // datt.receipts: the payments module, loaded on first need
      const chain = summary.payments.map((p) => ({ target: r.id, ...p }));
      sats = client.datt.receipts.paidSats({ chain, channel: paid.channel }).find((t) => t.target === r.id)?.sats ?? 0n;
    }
    out.set(r.id, { ...summary, sats, payments: summary.payments.length + paid.channel.length, payers: paid.payers });
  }
  return out;
}

/** The targets among `ids` that have any stored tip or receipt (cheap pre-filter for a feed). */
export async function tippedTargets(ids) {
  const db = await walletDatabase();
  const { valid } = await readTips(db);
  const { valid: receipts } = await readReceipts(await receiptDatabase());
  const wanted = new Set(ids);
  return [...new Set([...valid, ...receipts].map((t) => t.target).filter((t) => wanted.has(t)))];
}
