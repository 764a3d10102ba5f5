// Pure parts of the web app's payment channels (docs/web.md "Channels"): the records the
// owner tab's worker stores in the `datt-channels` database (checked on every read: stored
// bytes are untrusted, the channel state itself is parsed again by wasm), amounts typed by
// a person, the hub's binary frames as far as the page needs them, and invoice display.
// No I/O here: tests/web/channels.test.mjs runs it in Node.
import { checkResolution, checkRevokedRecord, MAX_REVOKED_RECORDS } from './resolution.js';

/** Where a channel of this browser is, as the page shows it. */
export const CHANNEL_STAGES = ['opening', 'funding_needed', 'funding_signing', 'funding_broadcast', 'accepting', 'confirming',
  'ready', 'closing', 'closed', 'failed'];
/**
 * Whether a channel can pay, be paid and be closed by agreement: ready, and its funding output
 * not spent on chain (the hub's unilateral close, or its old state punished, leaves the stage
 * `ready`: the resolution says what comes back, and a new channel may be opened beside it).
 */
export const isOpenChannel = (record) => record.stage === 'ready' && !record.spentBy;
export const PAYMENT_STATUSES = ['pending', 'paid', 'failed'];
const HEX64 = /^[0-9a-f]{64}$/;
const MAX_MSAT = 21_000_000n * 100_000_000n * 1000n;

export class ChannelRecordError extends Error {
  constructor(message) {
    super(message);
    this.code = 'channel_record_invalid';
  }
}

function fail(message) {
  throw new ChannelRecordError(message);
}

function checked(check) {
  try {
    check();
  } catch (error) {
    fail(error.message);
  }
}

const isBytes = (v, min = 1, max = 1 << 20) => v instanceof Uint8Array && v.length >= min && v.length <= max;
const isMsat = (v) => typeof v === 'string' && /^\d{1,22}$/.test(v) && BigInt(v) <= MAX_MSAT;

/**
 * A stored channel: {id (its temporary_channel_id, the key), stage, state (the wasm machine's
 * bytes), seed {nonce, ciphertext} (the channel's 32-byte seed sealed under the device key),
 * fundingSats, network, createdAt, minimumDepth, fundee? (true: the hub funded it on our
 * request, hub_open.js; its funding has no script nor transaction here), funding? {script?, sats, txid?, vout?,
 * transaction?, unsigned?, height? (the block that confirmed it: spends are looked for from there)}, closing? {tx, txid, ourSats, broadcast, problem?} (the cooperative close's
 * transaction signed by both, what it pays this wallet, whether the node took it), message?
 * (the hub's last warning or error), spentBy? {txid, kind: cooperative|unilateral, height} (the
 * funding output's spend, seen by the chain watch), resolution? (what this browser broadcasts after
 * a spend that is not its closing tx: resolution.js), revoked? [the hub's revoked commitments
 * that held HTLCs, for the justice tx]}.
 */
export function checkChannel(record) {
  if (!record || typeof record !== 'object') fail('not an object');
  if (!HEX64.test(record.id)) fail('bad id');
  if (!CHANNEL_STAGES.includes(record.stage)) fail('bad stage');
  if (!isBytes(record.state, 1, 1 << 20)) fail('bad state');
  if (!record.seed || !isBytes(record.seed.nonce, 12, 12) || !isBytes(record.seed.ciphertext, 48, 48)) fail('bad sealed seed');
  if (!Number.isSafeInteger(record.fundingSats) || record.fundingSats <= 0) fail('bad funding amount');
  if (typeof record.network !== 'string') fail('bad network');
  if (!Number.isSafeInteger(record.createdAt)) fail('bad createdAt');
  if (!Number.isInteger(record.minimumDepth) || record.minimumDepth < 0 || record.minimumDepth > 144) fail('bad minimum depth');
  if (record.fundee !== undefined && typeof record.fundee !== 'boolean') fail('bad fundee');
  if (record.funding !== undefined) {
    const f = record.funding;
    if (!f || !Number.isSafeInteger(f.sats)) fail('bad funding');
    if ((f.script !== undefined || !record.fundee) && (typeof f.script !== 'string' || !/^[0-9a-f]{2,200}$/.test(f.script))) fail('bad funding');
    if (f.txid !== undefined && !HEX64.test(f.txid)) fail('bad funding txid');
    if (f.vout !== undefined && (!Number.isInteger(f.vout) || f.vout < 0)) fail('bad funding vout');
    if (f.transaction !== undefined && !isBytes(f.transaction, 10, 400000)) fail('bad funding transaction');
    if (f.height !== undefined && (!Number.isInteger(f.height) || f.height < 0)) fail('bad funding height');
  }
  if (record.closing !== undefined) {
    const c = record.closing;
    if (!c || typeof c.tx !== 'string' || !/^[0-9a-f]{120,20000}$/.test(c.tx) || c.tx.length % 2 || !HEX64.test(c.txid)) fail('bad closing');
    if (!Number.isSafeInteger(c.ourSats) || c.ourSats < 0 || typeof c.broadcast !== 'boolean') fail('bad closing');
    if (c.problem !== undefined && (typeof c.problem !== 'string' || c.problem.length > 2000)) fail('bad closing');
  }
  if (record.spentBy !== undefined) {
    const b = record.spentBy;
    if (!b || !HEX64.test(b.txid) || !['cooperative', 'unilateral'].includes(b.kind)) fail('bad spentBy');
    if (b.height !== null && (!Number.isInteger(b.height) || b.height < 0)) fail('bad spentBy');
  }
  if (record.resolution !== undefined) checked(() => checkResolution(record.resolution));
  if (record.revoked !== undefined) {
    if (!Array.isArray(record.revoked) || record.revoked.length > MAX_REVOKED_RECORDS) fail('bad revoked records');
    for (const r of record.revoked) checked(() => checkRevokedRecord(r));
  }
  if (record.message !== undefined && (typeof record.message !== 'string' || record.message.length > 2000)) fail('bad message');
  return record;
}

/**
 * What the chain says of a channel whose funding output was spent by `txid` (the bridge's
 * `spend` notification, `height` null while in the mempool): `cooperative` when it is the
 * closing transaction this browser stored, `unilateral` otherwise (the hub's commitment,
 * current or revoked: this browser never broadcasts its own). Null when nothing changes.
 */
export function fundingSpend(record, { txid, height }) {
  const kind = record.closing?.txid === txid ? 'cooperative' : 'unilateral';
  const h = Number.isInteger(height) ? height : null;
  if (record.spentBy?.txid === txid && record.spentBy.height === h) return null;
  return { txid, kind, height: h };
}

/**
 * What the channel's record keeps of the machine's `closed` event {tx, txid, outputs}: the
 * transaction to broadcast and the sats it pays to our shutdown script (0 when our side was
 * below the dust limit and left to the fee).
 */
export function closingRecord(event, shutdownScript) {
  const ours = event.outputs.filter((o) => o.script === shutdownScript).reduce((sum, o) => sum + Number(o.sats), 0);
  return { tx: event.tx, txid: event.txid, ourSats: ours, broadcast: false };
}

/** A preimage this browser will release: {paymentHash, preimage (hex), invoice, amountMsat, channelId, createdAt, paid}. */
export function checkInvoice(record) {
  if (!record || typeof record !== 'object') fail('not an object');
  if (!HEX64.test(record.paymentHash) || !HEX64.test(record.preimage)) fail('bad hash or preimage');
  if (typeof record.invoice !== 'string' || record.invoice.length > 7089) fail('bad invoice');
  if (!isMsat(record.amountMsat)) fail('bad amount');
  if (!HEX64.test(record.channelId)) fail('bad channel');
  if (!Number.isSafeInteger(record.createdAt) || typeof record.paid !== 'boolean') fail('bad fields');
  return record;
}

/** A payment this browser made: {paymentHash, invoice, amountMsat, feeMsat, channelId, htlcId, status, reason, preimage?, createdAt}. */
export function checkPayment(record) {
  if (!record || typeof record !== 'object') fail('not an object');
  if (!HEX64.test(record.paymentHash) || !HEX64.test(record.channelId)) fail('bad hash or channel');
  if (typeof record.invoice !== 'string' || record.invoice.length > 7089) fail('bad invoice');
  if (!isMsat(record.amountMsat) || !isMsat(record.feeMsat)) fail('bad amount');
  if (!PAYMENT_STATUSES.includes(record.status)) fail('bad status');
  if (typeof record.reason !== 'string' || record.reason.length > 2000) fail('bad reason');
  if (record.preimage !== undefined && !HEX64.test(record.preimage)) fail('bad preimage');
  if (typeof record.htlcId !== 'string' || !/^\d{1,20}$/.test(record.htlcId)) fail('bad htlc id');
  if (!Number.isSafeInteger(record.createdAt)) fail('bad createdAt');
  return record;
}

/**
 * What an `updates_dropped` event means for the stored payments: adds a disconnect erased
 * before they were signed (a reload between storing the add and signing it) never left the
 * channel, so their pending payments fail, to be paid again, and the channel takes the
 * lowest dropped id again (the machine rolled its counter back). {payments, nextHtlcId}
 * (nextHtlcId null when no add was dropped).
 */
export function droppedAdds(payments, channelId, adds) {
  const dropped = Array.isArray(adds) ? adds.filter((a) => a && /^\d{1,20}$/.test(a.id) && HEX64.test(a.payment_hash)) : [];
  const failed = payments
    .filter((p) => p.channelId === channelId && p.status === 'pending' &&
      dropped.some((a) => a.id === p.htlcId && a.payment_hash === p.paymentHash))
    .map((p) => ({ ...p, status: 'failed', reason: 'not sent: the connection dropped before it was signed (nothing left your channel); pay again' }));
  const nextHtlcId = dropped.length ? Math.min(...dropped.map((a) => Number(a.id))) : null;
  return { payments: failed, nextHtlcId };
}

/**
 * A channel's funding typed by a person: whole sats within the hub's NIP-11 `channels`
 * min/max and what the wallet can spend (confirmed sats; the fee comes on top). Returns
 * {sats} or {error}.
 */
export function checkFundingAmount(text, { minSats, maxSats, spendableSats }) {
  const checked = checkChannelAmount(text, { minSats, maxSats }, 'opens');
  if (checked.error) return checked;
  const sats = BigInt(checked.sats);
  if (sats >= BigInt(spendableSats)) {
    return { error: `Your wallet has ${formatGrouped(BigInt(spendableSats))} confirmed sats: not enough for this channel and its fee.` };
  }
  return { sats: Number(sats) };
}

/**
 * A channel's amount typed by a person, whole sats within the hub's [minSats, maxSats]:
 * {sats} or {error}. `maxVerb` says what the hub does of at most maxSats ("opens" channels
 * the browser funds, "funds" the channels it is asked for: hub_open.js).
 */
export function checkChannelAmount(text, { minSats, maxSats }, maxVerb) {
  if (typeof text !== 'string' || !/^\d{1,16}$/.test(text.trim())) return { error: 'Enter the amount in sats (a whole number).' };
  const sats = BigInt(text.trim());
  if (sats < BigInt(minSats)) return { error: `The hub opens channels of at least ${formatGrouped(BigInt(minSats))} sats.` };
  if (sats > BigInt(maxSats)) return { error: `The hub ${maxVerb} channels of at most ${formatGrouped(BigInt(maxSats))} sats.` };
  return { sats: Number(sats) };
}

/** An invoice amount typed by a person, in sats with up to 3 decimals (msat): {msat} or {error}. */
export function parseInvoiceAmount(text) {
  const match = typeof text === 'string' && /^(\d{1,15})(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (!match) return { error: 'Enter the amount in sats (up to 3 decimals for msat).' };
  const msat = BigInt(match[1]) * 1000n + BigInt((match[2] ?? '').padEnd(3, '0'));
  if (msat === 0n) return { error: 'The amount must be above 0.' };
  if (msat > MAX_MSAT) return { error: 'That is more than 21 million bitcoin.' };
  return { msat };
}

function formatGrouped(n) {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** msat as sats, exact: 1234567n -> "1,234.567 sats", 5000n -> "5 sats". */
export function formatMsat(msat) {
  const value = BigInt(msat);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const rest = abs % 1000n;
  const fraction = rest === 0n ? '' : `.${rest.toString().padStart(3, '0').replace(/0+$/, '')}`;
  return `${negative ? '-' : ''}${formatGrouped(abs / 1000n)}${fraction} sats`;
}

/** BOLT-11 network names for the wallet's (bcoin's regtest is regtest to invoices). */
export function invoiceNetwork(walletNetwork) {
  return walletNetwork === 'bcoin-regtest' ? 'regtest' : walletNetwork;
}

/** The genesis hash as BOLT-2's chain_hash wants it: internal byte order (display hex reversed). */
export function chainHash(genesisDisplayHex) {
  if (!HEX64.test(genesisDisplayHex)) throw new Error('bad genesis hash');
  return genesisDisplayHex.match(/../g).reverse().join('');
}

/**
 * What the Pay form shows of a decoded invoice before the person confirms: the amount, the
 * hub's fee (fee = amountWithFee - amount), the total, and why it cannot be paid, if so.
 * `decoded`: datt.invoice.decode's result; `withFee(msat)`: datt.channel.amountWithFee(fees, msat).
 */
export function invoiceSummary(decoded, { network, nowSeconds, withFee, channelOf }) {
  const summary = { paymentHash: decoded.payment_hash, description: decoded.description ?? '', problem: '' };
  if (decoded.network !== invoiceNetwork(network)) {
    summary.problem = `This invoice is for ${decoded.network}, the wallet is on ${network}.`;
    return summary;
  }
  if (decoded.amount_msat === undefined) {
    summary.problem = 'This invoice has no amount: ask for one with an amount.';
    return summary;
  }
  const expiresAt = Number(decoded.created_at) + Number(decoded.expiry);
  if (expiresAt <= nowSeconds) {
    summary.problem = 'This invoice has expired: ask for a new one.';
    return summary;
  }
  const payee = channelOf(decoded);
  if (!payee) {
    summary.problem = 'This invoice names no channel at the hub (not made by a Datt channel).';
    return summary;
  }
  const amount = BigInt(decoded.amount_msat);
  const total = withFee(amount);
  return { ...summary, amountMsat: amount, feeMsat: total - amount, totalMsat: total, expiresAt, payeeChannel: payee };
}

// Datt's hub routes by the payee's channel_id (the hop payload, docs/protocol.md "Paying
// through the hub"): the invoice carries it as its payment_metadata (32 bytes).
export function payeeChannelOf(decoded) {
  return typeof decoded.payment_metadata === 'string' && HEX64.test(decoded.payment_metadata) ? decoded.payment_metadata : null;
}

// --- the hub's binary frames (docs/protocol.md "Channels": version, channel_id, BOLT-1 message)

export const MESSAGE = { warning: 1, error: 17, openChannel: 32, hubChallenge: 55923 };

/** {channelId (hex), type} of a frame, or null if it is too short to be one. */
export function frameHeader(frame) {
  if (!(frame instanceof Uint8Array) || frame.length < 35 || frame[0] !== 1) return null;
  const channelId = Array.from(frame.subarray(1, 33), (b) => b.toString(16).padStart(2, '0')).join('');
  return { channelId, type: (frame[33] << 8) | frame[34] };
}

/** The text of a warning or error frame ("<code>: <message>"), printable characters only, at most 500. */
export function frameText(frame) {
  if (!(frame instanceof Uint8Array) || frame.length < 69) return '';
  const length = (frame[67] << 8) | frame[68];
  const bytes = frame.subarray(69, 69 + Math.min(length, 500));
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/[\u0000-\u001f\u007f]/g, ' ');
}
