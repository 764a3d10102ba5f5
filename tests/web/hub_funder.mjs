// The hub's side of a channel it funds when asked (relay/hub/hub_open.cpp: datt.channel.open
// as the funder, 2,500 sat/kw, a to_self_delay of 144), made with the real wasm machine in
// Node: for tests/web/hub_open.test.mjs and the test hub of tests/e2e/channel_ask.test.mjs.
import { randomBytes } from 'node:crypto';

import { ownTerms } from '../../web/src/channels/hub_open.js';

const CLOSING_FEES = { min: 500, max: 5000 };

/** The hub's open_channel of `sats` (pushing `pushMsat`) on `chainHash`: {seed, state, frame}. */
export function hubOpens(datt, { sats, chainHash, pushMsat = 0n }) {
  const seed = new Uint8Array(randomBytes(32));
  const step = datt.channel.open(seed, { ...ownTerms(sats, `0014${'33'.repeat(20)}`, { toSelfDelay: 144, closingFees: CLOSING_FEES }),
    chain_hash: chainHash, temporary_channel_id: randomBytes(32).toString('hex'), funding_sats: sats, push_msat: pushMsat,
    feerate_per_kw: 2500 });
  return { seed, state: step.state, frame: step.frames[0] };
}
