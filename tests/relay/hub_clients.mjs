// Channel clients on the wasm module (datt.channel) for the hub suites: open a channel to a
// real datt-relay (--hub true --hub-minimum-depth 0: no chain, the funding outpoint is any
// outpoint both sides sign for), store each step before sending its frames (a copy in
// `stored`, written where web/src/channels/sync.js commits to IndexedDB; a reload starts
// from it: Client.reload), fulfil HTLCs whose preimage the client holds.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import WebSocket from 'ws';

let datt;
/** Sets the wasm datt the clients run on (loadWasmDatt(), payments loaded). */
export function useDatt(instance) { datt = instance; }

// The regtest genesis block hash in internal byte order (the hub runs --bitcoin-network regtest).
export const CHAIN_HASH = Buffer.from('0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206', 'hex').reverse().toString('hex');
export const hex = (bytes) => Buffer.from(bytes).toString('hex');

export function nip11(port) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/', headers: { Accept: 'application/nostr+json' } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

export class Client {
  // `restored`: what a reload reads back from storage (Client.reload); `api`: the wasm datt.
  constructor(name, { restored = null, api = datt } = {}) {
    this.name = name;
    this.datt = api;
    this.seed = restored?.seed ?? randomBytes(32);
    this.state = restored?.state ?? null;
    this.events = restored?.events ?? [];
    this.preimage = restored?.preimage ?? null;  // payee: released for its hash
    this.stored = null;  // {state, events} as last stored
  }

  /**
   * The client after a reload: a new object on `api` (a fresh wasm instance) holding only what
   * was stored, copied: the seed (stored at open) and the payee's preimage (stored with its
   * invoice), the last stored state and events. Its connection is gone: the machine hears so.
   */
  static reload(old, api) {
    const client = new this(old.name, { api, restored: {
      seed: Uint8Array.from(old.seed), preimage: old.preimage,
      state: Uint8Array.from(old.stored.state), events: [...old.stored.events],
    } });
    client.take(api.channel.disconnected(client.state, client.seed));
    return client;
  }

  // `options`: the ws client's, e.g. {localAddress: '127.0.0.2'} (another client's address).
  async connect(url, options = {}) {
    this.ws = new WebSocket(url, options);
    this.inbox = [];
    this.ws.on('message', (data, isBinary) => { if (isBinary) this.inbox.push(new Uint8Array(data)); });
    await new Promise((resolve, reject) => { this.ws.once('open', resolve); this.ws.once('error', reject); });
  }

  send(frame) { this.ws.send(frame, { binary: true }); }

  // The state and what its events say are stored (in `stored`: the browser's IndexedDB
  // commit) before the step's frames are sent, then follow-ups run as the next steps.
  take(step) {
    this.state = step.state;
    this.events.push(...step.events);
    this.stored = { state: step.state, events: [...this.events] };
    this.onStored(step);
    for (const frame of step.frames) this.send(frame);
    for (const event of step.events) {
      if (event.type === 'htlc_received' && this.preimage &&
          createHash('sha256').update(this.preimage).digest('hex') === event.payment_hash) {
        this.take(this.datt.channel.fulfill(this.state, this.seed, event.id, hex(this.preimage)));
      }
    }
    if (this.datt.channel.info(this.state).has_changes_to_sign) this.take(this.datt.channel.sign(this.state, this.seed));
  }

  onStored() {}  // a hook for the crash suites (hub_steps.mjs)

  step() {
    const frame = this.inbox.shift();
    if (!frame) return false;
    this.take(this.datt.channel.receive(this.state, this.seed, frame));
    return true;
  }

  // The next binary frame as it came (for the connection's own messages).
  async frame(timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    while (this.inbox.length === 0) {
      if (Date.now() > deadline) throw new Error(`${this.name}: no frame from the hub`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.inbox.shift();
  }

  // On a new connection: the hub's challenge, our channel_attach, then channel_reestablish.
  async attach() {
    this.ws.send(this.datt.channel.challengeRequest(), { binary: true });
    this.challenge = await this.frame();
    assert.equal(Buffer.from(this.challenge).readUInt16BE(33), 55923, 'hub_challenge');
    const step = this.datt.channel.attach(this.state, this.seed, this.challenge);
    assert.deepEqual(step.state, this.state, 'attaching changes nothing in the channel');
    this.attachFrame = step.frames[0];
    this.take(step);
    this.take(this.datt.channel.connected(this.state, this.seed));
  }

  info() { return this.datt.channel.info(this.state); }
  close() { this.ws?.close(); }
}

/**
 * The client of the chain suites (hub_chain, hub_onchain): the hub's warning/error frames are
 * collected in `hubErrors` instead of thrown, and a hub_challenge is kept as it arrives.
 */
export class CollectingClient extends Client {
  constructor(name) {
    super(name);
    this.hubErrors = [];
  }

  step() {
    const frame = this.inbox.shift();
    if (!frame) return false;
    if (Buffer.from(frame).readUInt16BE(33) === 55923) { // hub_challenge
      this.challenge = frame;
      return true;
    }
    try {
      this.take(this.datt.channel.receive(this.state, this.seed, frame));
    } catch (error) {
      if (error.code !== 'hub_error') throw error;
      this.hubErrors.push(error.message);
    }
    return true;
  }
}

export async function until(clients, done, what, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let any = false;
    for (const c of clients) while (c.step()) any = true;
    if (!any && done()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** open_channel's parameters as the suites' clients ask for them (the hub accepts these). */
export function openParams(fundingSats, pushMsat) {
  return {
    chain_hash: CHAIN_HASH, temporary_channel_id: hex(randomBytes(32)), funding_sats: fundingSats,
    push_msat: pushMsat, feerate_per_kw: 2500, dust_limit_sats: 546, max_htlc_value_in_flight_msat: 900000000000n,
    channel_reserve_sats: 10000, htlc_minimum_msat: 1n, to_self_delay: 144, max_accepted_htlcs: 30,
    shutdown_script: '0014' + '11'.repeat(20), closing_min_fee_sats: 500, closing_max_fee_sats: 5000,
  };
}

export async function open(client, url, fundingSats, pushMsat) {
  await client.connect(url);
  client.take(datt.channel.open(client.seed, openParams(fundingSats, pushMsat)));
  await until([client], () => client.events.some((e) => e.type === 'funding_needed'), 'accept_channel');
  // A funding transaction is not needed with minimum_depth 0: any outpoint both sides sign for.
  client.take(datt.channel.funding(client.state, client.seed, { txid: hex(randomBytes(32)), vout: 0 }));
  await until([client], () => client.events.some((e) => e.type === 'funding_may_broadcast'), 'funding_signed');
  client.take(datt.channel.ready(client.state, client.seed));
  await until([client], () => client.info().can_update, 'channel_ready');
}

export const quiet = (c) => c.info().htlcs === 0 && !c.info().has_changes_to_sign;
