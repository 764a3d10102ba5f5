// Datt's channel client for JavaScript (datt.channel): core/channel's machine in a third
// WebAssembly module, datt_channel.wasm, which datt.mjs loads on demand (`await
// datt.loadChannels()`), so that the wallet and on-chain tips do not download it
// (docs/performance.md "Size"). Not a public entry point: import datt.mjs. Methods are
// documented in datt.d.ts.
import createDattChannel from './datt_channel.mjs';
import { isNode, unwrap } from './datt_common.mjs';

/**
 * core/channel (datt.channel): the client's side of a payment channel to the hub
 * (docs/protocol.md "Channels"). Each call runs one input of the channel machine and
 * returns {state, frames, events}: the next state (Uint8Array, store it before sending),
 * the binary frames to send on the WebSocket (Uint8Array each), and the events (objects;
 * amounts and ids are decimal strings). `seed` is the channel's 32-byte secret seed.
 */
export class Channels {
  #core;

  constructor(core) {
    this.#core = core;
  }

  #call(op, state, seed, args, bytes) {
    const json = args === undefined ? null : JSON.stringify(args, (k, v) => (typeof v === 'bigint' ? v.toString() : v));
    const out = unwrap(this.#core.channelCall(op, state ?? null, seed, json, bytes ?? null));
    return { state: out.state, frames: out.frames, events: JSON.parse(out.events) };
  }

  /** open_channel: params as bind_channel.cpp lists them (msat as BigInt or decimal string). */
  open(seed, params) { return this.#call('open', null, seed, params); }
  /**
   * The fundee's accept_channel for the hub's open_channel frame (Uint8Array), which answers our
   * openRequest(sats): params {chain_hash, funding_sats (the amount asked), minimum_depth, max_feerate_per_kw,
   * max_to_self_delay, and open's dust_limit_sats ... closing_max_fee_sats} (bind_channel.cpp).
   */
  accept(seed, params, openFrame) { return this.#call('accept', null, seed, params, openFrame); }
  /** The hub_open_request frame (Uint8Array) asking the hub to fund a channel of `sats` to us. */
  openRequest(sats) { return unwrap(this.#core.channelOpenRequest(Number(sats))); }
  /** funding_created for the funding output {txid (display hex), vout}. */
  funding(state, seed, outpoint) { return this.#call('funding', state, seed, outpoint); }
  /** One frame (Uint8Array) from the hub. A warning/error frame throws DattError 'hub_error'. */
  receive(state, seed, frame) { return this.#call('receive', state, seed, undefined, frame); }
  ready(state, seed) { return this.#call('ready', state, seed); }
  /** update_add_htlc: {amount_msat, payment_hash, cltv_expiry, block_height, hop: {final, channel_id, amount_msat, cltv_expiry}}. */
  addHtlc(state, seed, htlc) { return this.#call('add', state, seed, htlc); }
  fulfill(state, seed, id, preimage) { return this.#call('fulfill', state, seed, { id: String(id), preimage }); }
  fail(state, seed, id, reason) { return this.#call('fail', state, seed, { id: String(id), reason }); }
  sign(state, seed) { return this.#call('sign', state, seed); }
  /**
   * BOLT-2 shutdown, closing to the script given at open. The fee negotiation follows by
   * itself; the `closed` event {tx, txid, outputs} carries the closing transaction to broadcast.
   */
  shutdown(state, seed) { return this.#call('shutdown', state, seed); }
  disconnected(state, seed) { return this.#call('disconnected', state, seed); }
  /** After reconnecting: our channel_reestablish. */
  connected(state, seed) { return this.#call('connected', state, seed); }
  /** The hub_challenge_request frame (Uint8Array): once per connection, before attaching channels. */
  challengeRequest() { return unwrap(this.#core.channelChallengeRequest()); }
  /** channel_attach for the hub's hub_challenge frame (send it before connected()'s frames); the state is unchanged. */
  attach(state, seed, challengeFrame) { return this.#call('attach', state, seed, undefined, challengeFrame); }
  /**
   * {phase, link, channel_id, funder, can_update, has_changes_to_sign, to_local_msat, to_remote_msat, htlcs,
   * shutdown_sent, remote_shutdown, shutdown_script, funding_txid?, funding_vout?, funding_sats?,
   * peer_to_self_delay?, closing_fee_sats?, closing? {tx, txid, outputs}} (bind_channel.cpp).
   */
  info(state) { return JSON.parse(unwrap(this.#core.channelInfo(state))); }
  /**
   * What to broadcast now that `tx` (Uint8Array) spent the funding output: args {sweep_script, feerate_per_kw,
   * preimages?, revoked? (the `record`s of remote_commitment_revoked events), htlc_txs? (hex: the remote's HTLC
   * txs of its revoked commitment `tx`, mined before our justice tx)} (channel_resolve.h).
   */
  resolve(state, seed, args, tx) {
    return JSON.parse(unwrap(this.#core.channelResolve(state, seed, JSON.stringify(args), tx)));
  }
  /** What to send the hub so the payee gets amountMsat, given NIP-11 fees.channel (BigInt). */
  amountWithFee(fees, amountMsat) {
    return BigInt(unwrap(this.#core.hubAmountWithFee(String(fees.base_msat), fees.proportional_millionths, String(amountMsat))));
  }
}

/** Instantiates datt_channel.wasm (its own libsecp256k1 context, randomized like the others'). */
export async function loadChannels(random) {
  const options = {};
  if (isNode) {
    const { readFile } = await import('node:fs/promises');
    options.wasmBinary = await readFile(new URL('./datt_channel.wasm', import.meta.url));
  } else {
    options.locateFile = (file) => new URL(file, import.meta.url).href;
  }
  const core = await createDattChannel(options);
  const seed = random.getRandomValues(new Uint8Array(32));
  try {
    unwrap(core.randomizeContext(seed));
  } finally {
    seed.fill(0);
  }
  return new Channels(core);
}
