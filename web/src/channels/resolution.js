// Pure parts of the browser's on-chain resolution (docs/web.md "Channels": "When the hub
// closes alone"): what the worker stores of datt.channel.resolve()'s answer, when each of
// its transactions may be broadcast, and what the chain says of them. No I/O here:
// tests/web/channel_resolution.test.mjs runs it in Node.

export const RESOLUTION_KINDS = ['cooperative_close', 'local_commitment', 'remote_commitment', 'revoked_commitment', 'unknown'];
const TX_KINDS = ['justice', 'to_local_sweep', 'to_remote_sweep', 'htlc_timeout', 'htlc_success', 'second_stage_sweep',
  'claim_htlc_timeout', 'claim_htlc_success', 'revoked_htlc_sweep'];
const TX_STATUSES = ['waiting', 'confirmed', 'lost'];
// Revoked commitments with HTLCs kept per channel (their HTLC outputs go to the justice tx;
// to_local is punished without a record, from the secrets the state keeps): the oldest go first.
export const MAX_REVOKED_RECORDS = 1000;
const HEX64 = /^[0-9a-f]{64}$/;
const DECIMAL = /^\d{1,20}$/;

// records.js's checkChannel reports these as channel_record_invalid.
function fail(message) {
  throw new Error(message);
}

const isTxHex = (t) => typeof t === 'string' && t.length >= 120 && t.length <= 200000 && t.length % 2 === 0 && /^[0-9a-f]+$/.test(t);
const isHeight = (h) => h === null || (Number.isInteger(h) && h >= 0);

const txRecord = (t, inputsOf) => ({ kind: t.kind, tx: t.tx, txid: t.txid, parentTxid: t.parent_txid, csv: t.csv,
  cltv: t.cltv, sats: Number(t.sats), inputs: inputsOf(t.tx), status: 'waiting', height: null });

/**
 * The record of a resolution: {spendTxid, kind, spendHeight, txs: [{kind, tx (hex), txid,
 * parentTxid, csv, cltv, sats, inputs [{txid, vout}], status: waiting|confirmed|lost, height}]},
 * and for a revoked commitment `spendTx` (its hex: resolved again if the hub's HTLC txs beat
 * our justice tx) and `cheaterTxs` [{tx, txid, height}] (those HTLC txs, mined).
 * `inputsOf(txHex)` gives a transaction's inputs (decoded by the caller's wasm).
 */
export function resolutionRecord(resolved, spendHeight, inputsOf, spendTx = null) {
  const revoked = resolved.kind === 'revoked_commitment' && spendTx;
  return checkResolution({
    spendTxid: resolved.spend_txid,
    kind: resolved.kind,
    spendHeight: Number.isInteger(spendHeight) ? spendHeight : null,
    txs: resolved.to_broadcast.map((t) => txRecord(t, inputsOf)),
    ...(revoked ? { spendTx, cheaterTxs: [] } : {}),
  });
}

/**
 * The hub's HTLC tx of its revoked commitment: `event` (a mined `spend`, with the tx's hex)
 * took an output of the commitment from our justice tx. The HTLC txs to give
 * datt.channel.resolve (`htlc_txs`, this one last) with the commitment's hex, or null when
 * the event is not that (or the record is of an older version of the app, without the
 * commitment's bytes).
 */
export function cheaterHtlcTxs(r, event) {
  if (r.kind !== 'revoked_commitment' || !r.spendTx || !Number.isInteger(event.height) || !isTxHex(event.tx)) return null;
  if (event.outpoint?.txid !== r.spendTxid || event.txid === r.spendTxid) return null;
  const justice = r.txs.some((t) => t.kind === 'justice' && t.status !== 'confirmed' &&
    t.inputs.some((i) => i.txid === event.outpoint.txid && i.vout === event.outpoint.vout));
  if (!justice) return null;
  return [...r.cheaterTxs.filter((c) => c.txid !== event.txid).map((c) => c.tx), event.tx];
}

/**
 * A revoked commitment's resolution stored by an older version of the app, without the
 * commitment's bytes: with them (`spendTx`, no `cheaterTxs` yet) from `event`, the bridge's
 * `spend` of the funding output told again (watches.js asks for it while a justice tx
 * waits), when `txidOf(event.tx)` is the spend's txid; else `r` itself.
 */
export function withSpendTx(r, event, txidOf) {
  if (r.kind !== 'revoked_commitment' || r.spendTx !== undefined || event.txid !== r.spendTxid || !isTxHex(event.tx)) return r;
  return txidOf(event.tx) === r.spendTxid ? checkResolution({ ...r, spendTx: event.tx, cheaterTxs: [] }) : r;
}

/** A revoked commitment's resolution that lacks the commitment's bytes while a justice tx of it waits (withSpendTx). */
export const needsSpendTx = (r) => r?.kind === 'revoked_commitment' && r.spendTx === undefined &&
  r.txs.some((t) => t.kind === 'justice' && t.status === 'waiting');

/** The resolution with resolve()'s answer given cheaterHtlcTxs(r, event): what it did not hold yet, waiting. */
export function withCheaterHtlcTx(r, resolved, event, inputsOf) {
  const known = new Set(r.txs.map((t) => t.txid));
  const cheaterTxs = r.cheaterTxs.some((c) => c.txid === event.txid)
    ? r.cheaterTxs : [...r.cheaterTxs, { tx: event.tx, txid: event.txid, height: event.height }];
  const added = resolved.to_broadcast.filter((t) => !known.has(t.txid)).map((t) => txRecord(t, inputsOf));
  return checkResolution({ ...r, cheaterTxs, txs: [...r.txs, ...added] });
}

export function checkResolution(r) {
  if (!r || typeof r !== 'object' || !HEX64.test(r.spendTxid) || !RESOLUTION_KINDS.includes(r.kind)) fail('bad resolution');
  if (!isHeight(r.spendHeight) || !Array.isArray(r.txs) || r.txs.length > 1000) fail('bad resolution');
  for (const t of r.txs) {
    if (!t || !TX_KINDS.includes(t.kind) || !isTxHex(t.tx)) fail('bad resolution tx');
    if (!HEX64.test(t.txid) || !HEX64.test(t.parentTxid) || !TX_STATUSES.includes(t.status) || !isHeight(t.height)) fail('bad resolution tx');
    if (!Number.isInteger(t.csv) || t.csv < 0 || t.csv > 0xffff || !Number.isInteger(t.cltv) || t.cltv < 0) fail('bad resolution tx');
    if (!Number.isSafeInteger(t.sats) || t.sats < 0 || !Array.isArray(t.inputs)) fail('bad resolution tx');
    for (const i of t.inputs) if (!i || !HEX64.test(i.txid) || !Number.isInteger(i.vout) || i.vout < 0) fail('bad resolution input');
  }
  if (r.spendTx !== undefined && (!isTxHex(r.spendTx) || !Array.isArray(r.cheaterTxs) || r.cheaterTxs.length > 966)) fail('bad resolution');
  if (r.spendTx === undefined && r.cheaterTxs !== undefined) fail('bad resolution');
  for (const c of r.cheaterTxs ?? []) if (!c || !isTxHex(c.tx) || !HEX64.test(c.txid) || !isHeight(c.height) || c.height === null) fail('bad resolution cheater tx');
  return r;
}

/** A remote_commitment_revoked event's `record`, checked before it is stored. */
export function checkRevokedRecord(r) {
  if (!r || typeof r !== 'object' || !DECIMAL.test(r.number) || !HEX64.test(r.secret)) fail('bad revoked record');
  if (!DECIMAL.test(r.to_local_msat) || !DECIMAL.test(r.to_remote_msat) || !Array.isArray(r.htlcs) || r.htlcs.length > 483) fail('bad revoked record');
  for (const h of r.htlcs) {
    if (!h || typeof h.offered !== 'boolean' || !DECIMAL.test(h.id) || !DECIMAL.test(h.amount_msat)) fail('bad revoked htlc');
    if (!HEX64.test(h.payment_hash) || !Number.isInteger(h.cltv_expiry) || h.cltv_expiry < 0) fail('bad revoked htlc');
  }
  return r;
}

/** The first block that can hold `t` once its parent is in block `parentHeight` (BIP-68, BIP-65). */
export function earliestHeight(t, parentHeight) {
  return Math.max(parentHeight + Math.max(t.csv, 1), t.cltv + 1);
}

// The block height of a transaction's parent, when it is in a block.
function parentHeight(r, t) {
  if (t.parentTxid === r.spendTxid) return r.spendHeight;
  const cheater = r.cheaterTxs?.find((c) => c.txid === t.parentTxid);
  if (cheater) return cheater.height;
  const parent = r.txs.find((p) => p.txid === t.parentTxid && p.status === 'confirmed');
  return parent ? parent.height : null;
}

/** The transactions to broadcast with the chain at `tip`: waiting, their parent mined, their locks ending by the next block. */
export function dueTransactions(r, tip) {
  return r.txs.filter((t) => {
    if (t.status !== 'waiting') return false;
    const h = parentHeight(r, t);
    return h !== null && earliestHeight(t, h) <= tip + 1;
  });
}

/** The resolution once `event` (a mined `spend` of an input of one of its transactions) is known; null when nothing changes. */
export function resolutionSpend(r, event) {
  if (!Number.isInteger(event.height)) return null;
  let changed = false;
  const txs = r.txs.map((t) => {
    if (t.status !== 'waiting' || !t.inputs.some((i) => i.txid === event.outpoint?.txid && i.vout === event.outpoint?.vout)) return t;
    changed = true;
    return event.txid === t.txid ? { ...t, status: 'confirmed', height: event.height } : { ...t, status: 'lost' };
  });
  return changed ? { ...r, txs } : null;
}

/**
 * What the page says: {kind, sats (what comes back to the wallet, less the fees), after (the
 * block from which the last waiting transaction can be mined, or null), confirmed (all mined)}.
 */
export function resolutionSummary(r) {
  // What reaches the wallet: the outputs of the last transaction of each chain (an HTLC tx's
  // output is swept again by its child).
  const lost = (t) => t.status === 'lost' || r.txs.some((p) => p.txid === t.parentTxid && p.status === 'lost');
  const leaves = r.txs.filter((t) => !lost(t) && !r.txs.some((c) => c.parentTxid === t.txid));
  const sats = leaves.reduce((sum, t) => sum + t.sats, 0);
  const heights = r.txs.filter((t) => t.status === 'waiting').map((t) => {
    const h = parentHeight(r, t);
    return h === null ? null : earliestHeight(t, h);
  });
  const after = heights.length && heights.every((h) => h !== null) ? Math.max(...heights) : null;
  return { kind: r.kind, sats, after, confirmed: r.txs.length > 0 && r.txs.every((t) => t.status === 'confirmed') };
}
