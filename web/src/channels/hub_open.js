// Asking the hub for a channel to receive (docs/web.md "Channels": "Asking the hub for a
// channel"; docs/channels.md "The hub opens a channel"): the pure parts, run in Node by
// tests/web/hub_open.test.mjs. The hub funds the channel and is its funder; this browser
// is the fundee (datt.channel.accept): its balance starts at 0 and grows when it is paid.

import { checkChannelAmount } from './records.js';

// What a person asks for when the field is left alone, bounded by the hub's NIP-11 limits.
export const DEFAULT_ASK_SATS = 100_000;
// The most this browser accepts as the commitment feerate the hub proposes (the hub pays it).
export const MAX_FEERATE_PER_KW = 10_000;

const positive = (n) => Number.isSafeInteger(n) && n > 0;

/** NIP-11 `hub_open` checked: {max_sats, max_per_client}, or null (absent or malformed: the hub funds none). */
export function hubOpenOf(value) {
  if (!value || typeof value !== 'object' || !positive(value.max_sats) || !positive(value.max_per_client)) return null;
  return { max_sats: value.max_sats, max_per_client: value.max_per_client };
}

/**
 * What may be asked of the hub ({channels, open}: its NIP-11 `channels` and checked
 * `hub_open`): {minSats, maxSats, perClient}, the smallest channel it takes and the largest it
 * funds; null when it funds none.
 */
export function askLimits({ channels, open }) {
  if (!open) return null;
  const maxSats = Math.min(channels.max_funding_sats, open.max_sats);
  if (maxSats < channels.min_funding_sats) return null;
  return { minSats: channels.min_funding_sats, maxSats, perClient: open.max_per_client };
}

/** The amount to ask for, whole sats within askLimits: {sats} or {error}. */
export function checkAskAmount(text, { minSats, maxSats }) {
  return checkChannelAmount(text, { minSats, maxSats }, 'funds');
}

/** The amount shown in the field at first: DEFAULT_ASK_SATS within askLimits. */
export function defaultAskSats({ minSats, maxSats }) {
  return Math.min(Math.max(DEFAULT_ASK_SATS, minSats), maxSats);
}

// The hub's refusals of hub_open_request (docs/protocol.md "The hub opens a channel"), in words.
const REFUSALS = {
  hub_open_unavailable: 'This hub does not fund channels (it has no wallet).',
  hub_open_amount: 'The hub does not fund a channel of this size.',
  hub_open_too_many: 'The hub already funded as many channels for you as it allows.',
  hub_wallet_empty: 'The hub\'s wallet cannot fund this channel now: ask for fewer sats, or later.',
  hub_too_many_channels: 'You have as many channels with this hub as it allows.',
};

/**
 * A refusal as a person reads it: the sentence for its code, then the hub's own words
 * (`text`: a warning/error frame's "code: message"), so the limits it names are shown.
 * {code, sentence}.
 */
export function refusalSentence(text) {
  const match = /^([a-z0-9_]{1,64}): ?(.*)$/s.exec(String(text));
  const code = match ? match[1] : '';
  const detail = match ? match[2] : String(text);
  const sentence = REFUSALS[code] ?? 'The hub refused to fund the channel.';
  return { code, sentence: detail ? `${sentence} (The hub says: ${detail})` : sentence };
}

/**
 * What this browser asks of a channel, funder or fundee (datt.channel.open and accept):
 * its own config, closing script and closing fee range.
 */
export function ownTerms(sats, shutdownScript, { toSelfDelay, closingFees }) {
  return {
    dust_limit_sats: 546, max_htlc_value_in_flight_msat: BigInt(sats) * 1000n,
    channel_reserve_sats: Math.max(546, Math.floor(sats / 100)), htlc_minimum_msat: 1n, to_self_delay: toSelfDelay,
    max_accepted_htlcs: 30, shutdown_script: shutdownScript, closing_min_fee_sats: closingFees.min,
    closing_max_fee_sats: closingFees.max,
  };
}

/**
 * datt.channel.accept's params for the hub's open_channel answering our request of `sats`:
 * only that amount, nothing pushed (wasm refuses a push), a feerate up to
 * MAX_FEERATE_PER_KW, the hub's `minimum_depth` (NIP-11) asked of the funding.
 */
export function acceptArgs({ sats, shutdownScript, chainHash, minimumDepth, toSelfDelay, closingFees }) {
  return { ...ownTerms(sats, shutdownScript, { toSelfDelay, closingFees }), chain_hash: chainHash, funding_sats: sats,
    minimum_depth: minimumDepth, max_feerate_per_kw: MAX_FEERATE_PER_KW, max_to_self_delay: toSelfDelay };
}

/**
 * The funding a fundee's record keeps once the hub's funding_created is taken (the
 * machine's `info` after it: the channel is open and names its outpoint), or null before.
 */
export function fundeeFunding(info) {
  if (typeof info?.funding_txid !== 'string' || !/^[0-9a-f]{64}$/.test(info.funding_txid)) return null;
  return { sats: Number(info.funding_sats), txid: info.funding_txid, vout: info.funding_vout };
}

/**
 * Whether the hub's warning `text` about a fundee channel means it forgot it: our
 * funding_signed never reached it (a reload between committing and sending it), so it
 * never broadcast its funding. A channel whose funding this browser saw in a block is kept.
 */
export function forgottenByHub(record, text) {
  return record.fundee === true && /^hub_unknown_channel:/.test(text) && ['accepting', 'confirming'].includes(record.stage) &&
    !Number.isInteger(record.funding?.height);
}
