// Tips (docs/protocol.md "On-chain tips") as the web app keeps them: one record per kind 4570
// event in the wallet database's `tips` store (wallet/store.js), with this browser's own
// verdict. Everything read back is checked field by field (another script of the origin or
// a broken write may have put anything there); a bad record is left out, never trusted.
// Pure functions: tested in Node (tests/web/tips.test.mjs).
//
//   tips {id, target, author, payer, created_at, network, txid, vout, sats: bigint, message,
//         event: the tip event's JSON, tx: the payment's raw hex (the event's `tx` tag) or null,
//         status, code, height, block, confirmations, checkedTip}
//
// status: 'unchecked' (stored, not verified yet), 'pending' (datt.tips.verify said pending,
// or the check could not run: no proof, no transaction), 'verified' (verify said so against
// the chain whose tip is `checkedTip`; `block` at `height` was in it), 'invalid' (final: the
// event and its transaction contradict each other). A relay's proof never makes a tip
// invalid (a lying relay could bury an honest tip): proof failures stay pending.

export const KIND_TIP = 4570;
export const KIND_PAYOUT = 10570;
export const TIP_STATUSES = ['unchecked', 'pending', 'verified', 'invalid'];
export const MAX_TIP_EVENT_CHARS = 200_000;
export const MAX_TIP_TX_HEX = 2 * 100_000;
const HASH = /^[0-9a-f]{64}$/;
const CODE = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_MONEY = 21_000_000n * 100_000_000n;
const NETWORKS = ['mainnet', 'testnet3', 'signet', 'regtest', 'bcoin-regtest'];

// Verdicts that depend only on the signed event and the transaction it carries: final.
const FINAL_INVALID = new Set(['tip_wrong_network', 'tip_tx_invalid', 'tip_txid_mismatch', 'tip_vout_out_of_range',
  'tip_wrong_address', 'tip_amount_mismatch', 'tip_no_commitment']);

export class TipRecordError extends Error {
  constructor(message) {
    super(message);
    this.name = 'TipRecordError';
    this.code = 'tip_corrupt_record';
  }
}

function fail(why) {
  throw new TipRecordError(`stored tip: ${why}`);
}

const isHeight = (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 31;

export function checkTip(r) {
  if (!r || typeof r !== 'object') fail('missing');
  for (const field of ['id', 'target', 'author', 'payer', 'txid']) {
    if (typeof r[field] !== 'string' || !HASH.test(r[field])) fail(`bad ${field}`);
  }
  if (r.author === r.payer) fail('payer is the author');
  if (!Number.isInteger(r.created_at) || r.created_at < 0) fail('bad created_at');
  if (!NETWORKS.includes(r.network)) fail('unknown network');
  if (!Number.isInteger(r.vout) || r.vout < 0 || r.vout > 0xffffffff) fail('bad vout');
  if (typeof r.sats !== 'bigint' || r.sats < 1n || r.sats > MAX_MONEY) fail('bad sats');
  if (typeof r.message !== 'string' || r.message.length > 1000) fail('bad message');
  if (typeof r.event !== 'string' || r.event.length > MAX_TIP_EVENT_CHARS) fail('bad event');
  if (r.tx !== null && (typeof r.tx !== 'string' || r.tx.length > MAX_TIP_TX_HEX || r.tx.length % 2 || !/^[0-9a-f]*$/.test(r.tx))) {
    fail('bad transaction');
  }
  if (!TIP_STATUSES.includes(r.status)) fail('unknown status');
  if (r.code !== null && (typeof r.code !== 'string' || !CODE.test(r.code))) fail('bad code');
  if (r.checkedTip !== null && (typeof r.checkedTip !== 'string' || !HASH.test(r.checkedTip))) fail('bad checked tip');
  if (r.status === 'verified') {
    if (!isHeight(r.height) || typeof r.block !== 'string' || !HASH.test(r.block)) fail('verified without a block');
    if (!Number.isInteger(r.confirmations) || r.confirmations < 1) fail('verified without confirmations');
    if (r.checkedTip === null) fail('verified against no chain');
  }
  if (r.status === 'invalid' && !FINAL_INVALID.has(r.code)) fail('invalid without a final code');
  return r;
}

/** A new record of a tip event as datt.tips.parseTip read it; `tx`: the `tx` tag's hex or null. */
export function tipRecord(parsed, eventJson, tx) {
  return {
    id: parsed.id, target: parsed.target, author: parsed.author, payer: parsed.payer, created_at: parsed.created_at,
    network: parsed.network, txid: parsed.txid, vout: parsed.vout, sats: BigInt(parsed.sats), message: parsed.message ?? '',
    event: eventJson, tx, status: 'unchecked', code: null, height: null, block: null, confirmations: null, checkedTip: null,
  };
}

/** The `tx` tag's value when it is well-formed lowercase hex of a sane size, else null. */
export function transactionTag(tags) {
  const tag = Array.isArray(tags) ? tags.find((t) => Array.isArray(t) && t[0] === 'tx') : undefined;
  const hex = tag?.[1];
  return typeof hex === 'string' && hex.length >= 120 && hex.length <= MAX_TIP_TX_HEX && hex.length % 2 === 0 &&
    /^[0-9a-f]*$/.test(hex) ? hex : null;
}

/**
 * The record after datt.tips.verify's `verdict` against the chain whose tip is `tipHash`.
 * An 'invalid' verdict that a relay's proof could have caused stays pending.
 */
export function applyVerdict(record, verdict, tipHash) {
  let status = verdict.status;
  if (status === 'invalid' && !FINAL_INVALID.has(verdict.code)) status = 'pending';
  const verified = status === 'verified';
  return { ...record, status, code: verdict.code ?? null, height: verified ? verdict.height : null,
    block: verified ? verdict.blockHash : null, confirmations: verified ? verdict.confirmations : null, checkedTip: tipHash };
}

/** A record that must be checked again (a new block, or not proven yet). */
export function pendingAgain(record, code, tipHash) {
  return { ...record, status: 'pending', code, height: null, block: null, confirmations: null, checkedTip: tipHash };
}

/**
 * What a post or comment shows, from records already re-checked against the chain: the
 * verified payments to total (datt.tips.total counts each outpoint once) and the pending
 * tips. A tip counts under an item only if it names the item (`target`) and its author.
 */
export function tipSummary(records, target, author) {
  const mine = records.filter((r) => r.target === target && r.author === author);
  const verified = mine.filter((r) => r.status === 'verified');
  const pending = mine.filter((r) => r.status === 'pending' || r.status === 'unchecked');
  return { payments: verified.map((r) => ({ txid: r.txid, vout: r.vout, sats: r.sats })), pending: pending.length,
    pendingSats: pending.reduce((s, r) => s + r.sats, 0n), tips: mine };
}
