// The owner tab's side of the payment channels (docs/web.md "Channels"): runs in the sync
// worker, the single writer of `datt-channels`. It holds each channel's seed (sealed in
// IndexedDB under a non-extractable device key: the tabs never see it, and a second tab
// never signs: it asks this worker), keeps one WebSocket to the wallet's relay for the
// hub's binary frames, and drives the wasm channel machine (datt.channel) one step at a
// time: a step's new state, and the invoices and payments it touches, are committed in one
// IndexedDB transaction BEFORE any frame of the step is sent (money: durable before the
// message that depends on it). Steps run one at a time, in order (#serial).
//
// Frame flow, as tests/relay/hub_wasm.test.mjs: open -> accept (funding_needed) -> the tab
// builds and signs the funding payment with the wallet -> funding_created -> funding_signed
// (funding_may_broadcast) -> the wallet broadcasts through the bridge -> minimum_depth
// confirmations (the wallet's SPV chain) -> channel_ready both ways (operational). On every
// new connection: hub_challenge_request, hub_challenge, then channel_attach and
// channel_reestablish for each stored channel.
import { chainHash, checkFundingAmount, closingRecord, droppedAdds, formatMsat, fundingSpend, frameHeader, frameText, invoiceNetwork,
  invoiceSummary, isOpenChannel, MESSAGE, payeeChannelOf } from './records.js';
import {
  cheaterHtlcTxs, checkRevokedRecord, dueTransactions, MAX_REVOKED_RECORDS, resolutionRecord, resolutionSpend, withCheaterHtlcTx,
  needsSpendTx, withSpendTx,
} from './resolution.js';
import { commit, pruneInvoices, putMeta, readChannelData, readMeta } from './store.js';
import { channelWatches, withFundingHeight } from './watches.js';
import { tipInvoiceFields } from './invoice_request.js';
import { acceptArgs, askLimits, checkAskAmount, forgottenByHub, fundeeFunding, hubOpenOf, ownTerms, refusalSentence }
  from './hub_open.js';
import { INVOICE_KEEPING, invoicesToPrune, pendingHashes, roomForUnpaid } from './invoice_pruning.js';
import { getTx, readChain } from '../wallet/store.js';

const RECONNECT_MS = 2000;
const FEERATE_PER_KW = 2500;
const CLOSING_FEES = { min: 500, max: 5000 };
// Blocks on top of the invoice's min_final_cltv_expiry: the hub refuses a hop expiring within
// its --hub-hold-margin-blocks (20 by default; NIP-11 does not say it) of the tip.
const FINAL_CLTV_MARGIN = 40;
const ZERO_ID = '0'.repeat(64);
// The hub's to_local on a revoked commitment is locked this long: how long this browser may
// stay offline and still punish it (the most the hub accepts; docs/channels.md "Remaining risk").
const TO_SELF_DELAY = 2016;
// How long a request for a channel (hub_open_request) waits for the hub's open_channel, unless
// the constructor is given `askTimeoutMs` (tests/e2e/channel_ask.test.mjs waits less).
const ASK_TIMEOUT_MS = 20000;
// Stages before the hub keeps anything of a channel: a closed connection ends them.
const UNKNOWN_TO_HUB = ['opening', 'funding_needed', 'accepting'];

const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const unhex = (text) => new Uint8Array(text.match(/../g).map((h) => parseInt(h, 16)));
const random = (n) => crypto.getRandomValues(new Uint8Array(n));
async function sha256Hex(bytes) {
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

export class ChannelSync {
  #datt;
  #db;
  #wallet;
  #walletDb;
  #onChange;
  #askTimeoutMs;
  #deviceKey = null;
  #channels = new Map();   // id -> record (what was committed last)
  #seeds = new Map();      // id -> Uint8Array (unsealed, in this worker only)
  #ws = null;
  #url = null;
  #reconnect = null;
  #serial = Promise.resolve();
  #asking = null;          // our hub_open_request waiting for the hub's open_channel: {sats, shutdownScript, network, timer}
  #pruneTimer = null;
  hub = null;              // NIP-11 {fees, channels} of the relay, or null
  // NIP-01 text frames on the hub connection (the tip invoice exchange, invoice_exchange.js):
  // {connected(send | null), onText(text)}, or null.
  texts = null;
  status = { state: 'idle', message: '' };

  constructor({ datt, db, wallet, walletDb, onChange, askTimeoutMs = ASK_TIMEOUT_MS }) {
    this.#datt = datt;
    this.#db = db;
    this.#wallet = wallet;
    this.#walletDb = walletDb;
    this.#onChange = onChange;
    this.#askTimeoutMs = askTimeoutMs;
  }

  /** Runs `fn` after every step queued before it (steps of all channels, in order). */
  #queue(fn) {
    const run = this.#serial.then(fn);
    this.#serial = run.catch(() => {});
    return run;
  }

  async #load() {
    if (this.#deviceKey) return;
    await Promise.all([this.#datt.loadPayments(), this.#datt.loadChannels()]);
    let meta = await readMeta(this.#db, 'device');
    if (!(meta?.cryptoKey instanceof CryptoKey)) {
      meta = { key: 'device', cryptoKey: await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']) };
      await putMeta(this.#db, meta);
    }
    this.#deviceKey = meta.cryptoKey;
    const { channels } = await readChannelData(this.#db);
    for (const record of channels) {
      try {
        const seed = await this.#unseal(record);
        this.#datt.channel.info(record.state);   // the stored bytes parse (they are untrusted)
        this.#seeds.set(record.id, seed);
        if (UNKNOWN_TO_HUB.includes(record.stage)) {
          // Opened on a connection of the last worker: the hub kept nothing of it.
          await commit(this.#db, { channel: { ...record, stage: 'failed', message: 'the app closed before the channel was funded' } });
          continue;
        }
        // The last worker's connection is gone (a reload ends it without a close): the machine
        // hears so now, so that this worker's connection can reestablish.
        let current = record;
        if (record.stage !== 'closed' && record.stage !== 'failed') {
          try {
            const step = this.#datt.channel.disconnected(record.state, seed);
            current = { ...record, state: step.state };
            await commit(this.#db, { channel: current });
          } catch {
            // already disconnected
          }
        }
        this.#channels.set(record.id, current);
      } catch {
        // Not ours (another device key) or damaged: left in the store, not used.
      }
    }
    // Unpaid invoices past their expiry go, now and every pruneEveryMs (invoice_pruning.js).
    await this.pruneExpiredInvoices().catch(() => {});
    this.#pruneTimer ??= setInterval(() => this.#queue(() => this.pruneExpiredInvoices()).catch(() => {}), INVOICE_KEEPING.pruneEveryMs);
  }

  /** Deletes the invoices invoicesToPrune names, in one transaction with the channels' HTLCs read; how many went. */
  pruneExpiredInvoices(nowSeconds = Math.floor(Date.now() / 1000)) {
    return pruneInvoices(this.#db, (channels, invoices) => invoicesToPrune(invoices, {
      nowSeconds, pending: pendingHashes(channels, (state) => this.#datt.channel.info(state)),
      decode: (text) => this.#datt.invoice.decode(text),
    }));
  }

  async #seal(seed, id) {
    const nonce = random(12);
    const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce,
      additionalData: new TextEncoder().encode(id) }, this.#deviceKey, seed));
    return { nonce, ciphertext };
  }

  async #unseal(record) {
    const seed = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: record.seed.nonce,
      additionalData: new TextEncoder().encode(record.id) }, this.#deviceKey, record.seed.ciphertext));
    if (seed.length !== 32) throw new Error('bad seed');
    return seed;
  }

  #setStatus(patch) {
    this.status = { ...this.status, ...patch };
    this.#onChange();
  }

  // --- the connection ---------------------------------------------------------------------

  /** The wallet's relay (ws URL) opened: read its NIP-11 and, if it is a hub, connect. */
  async attach(url) {
    await this.#load();
    // The stored channels' outpoints to the wallet now (it watches them on each connection of
    // its own), not at its first change: after a start with no new block there is none.
    await this.#queue(() => this.#watchFundings());
    if (this.#url === url && this.#ws) return;
    this.#url = url;
    try {
      const http = url.replace(/^ws/, 'http');
      const info = await (await fetch(http, { headers: { Accept: 'application/nostr+json' } })).json();
      // `self`: the relay's key, which signs the hub's receipts (pinned by tips/receipts.js).
      // `open`: what the hub funds when asked (NIP-11 `hub_open`, null: nothing).
      this.hub = info?.channels && info?.fees?.channel ? { channels: info.channels, fees: info.fees.channel,
        self: /^[0-9a-f]{64}$/.test(info.self ?? '') ? info.self : null, open: hubOpenOf(info.hub_open) } : null;
    } catch (error) {
      this.hub = null;
      this.#setStatus({ state: 'unavailable', message: `cannot read the relay's NIP-11: ${error.message}` });
      return;
    }
    if (!this.hub) {
      this.#setStatus({ state: 'no_hub', message: 'this relay is not a channel hub' });
      return;
    }
    this.#connect();
  }

  #connect() {
    clearTimeout(this.#reconnect);
    const ws = new WebSocket(this.#url);
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    this.#setStatus({ state: 'connecting', message: '' });
    ws.onopen = () => this.#queue(() => this.#onOpen()).catch((e) => this.#setStatus({ message: e.message }));
    ws.onmessage = (e) => {
      if (!(e.data instanceof ArrayBuffer)) {   // NIP-01 text: not for channels
        this.texts?.onText(e.data);
        return;
      }
      const frame = new Uint8Array(e.data);
      this.#queue(() => this.#onFrame(frame)).catch((error) => this.#setStatus({ message: error.message }));
    };
    ws.onclose = () => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.texts?.connected(null);
      this.#setStatus({ state: 'disconnected' });
      this.#queue(() => this.#onClose()).catch(() => {});
      this.#reconnect = setTimeout(() => this.#connect(), RECONNECT_MS);
    };
  }

  #send(frames) {
    if (!this.#ws || this.#ws.readyState !== WebSocket.OPEN) return;
    for (const frame of frames) this.#ws.send(frame);
  }

  async #onOpen() {
    this.#setStatus({ state: 'connected' });
    const ws = this.#ws;
    this.texts?.connected((text) => ws.readyState === WebSocket.OPEN && ws.send(text));
    if (this.#live().length) this.#send([this.#datt.channel.challengeRequest()]);
  }

  /** Channels the hub knows (their funding_created went out) that are not closed, on chain either. */
  #live() {
    return [...this.#channels.values()].filter((r) => ![...UNKNOWN_TO_HUB, 'closed', 'failed'].includes(r.stage) && !r.spentBy);
  }

  async #onClose() {
    if (this.#asking) this.#askEnded({ stage: 'refused', message: 'The connection to the hub closed before it answered: ask again.' });
    for (const record of [...this.#channels.values()]) {
      if (UNKNOWN_TO_HUB.includes(record.stage)) {
        // The hub keeps nothing of a channel before funding_created: open again.
        await this.#save({ ...record, stage: 'failed', message: 'the connection to the hub closed before the channel was funded' });
        continue;
      }
      if (record.stage === 'closed' || record.stage === 'failed') continue;
      await this.#step(record, (state, seed) => this.#datt.channel.disconnected(state, seed));
    }
  }

  async #onFrame(frame) {
    const header = frameHeader(frame);
    if (!header) return;
    if (header.type === MESSAGE.hubChallenge) {
      for (const record of this.#live()) {
        try {
          await this.#step(record, (state, seed) => this.#datt.channel.attach(state, seed, frame));
          await this.#step(this.#channels.get(record.id), (state, seed) => this.#datt.channel.connected(state, seed));
        } catch {
          // Kept as the channel's message (#step); the other channels still attach.
        }
      }
      await this.#checkConfirmations();
      return;
    }
    if (header.type === MESSAGE.openChannel) {
      await this.#accept(frame, header.channelId);
      return;
    }
    const record = this.#recordOf(header.channelId);
    if (header.type === MESSAGE.warning || header.type === MESSAGE.error) {
      await this.#onWarning(record, frameText(frame), header.type === MESSAGE.error);
      return;
    }
    if (!record) return;
    await this.#step(record, (state, seed) => this.#datt.channel.receive(state, seed, frame));
    if (record.stage === 'confirming') await this.#checkConfirmations();   // the link may be reestablished now
  }

  async #onWarning(record, said, isError) {
    if (record && forgottenByHub(record, said)) {
      await this.#save({ ...record, stage: 'failed', message: 'The hub forgot this channel before funding it (our signature '
        + 'never reached it): nothing was funded; ask again.' });
      return;
    }
    if (record?.stage === 'failed') return;
    if (record?.stage === 'accepting') {
      // The hub gave up its side before funding_created (e.g. its wallet could not fund it): nothing is left of it.
      await this.#save({ ...record, stage: 'failed', message: refusalSentence(said).sentence });
      return;
    }
    const text = `${isError ? 'The hub refused' : 'The hub warns'}: ${said}`;
    if (record) await this.#save({ ...record, message: text });
    else if (this.#asking) this.#askEnded({ stage: 'refused', ...refusalSentence(said) });
    else this.#setStatus({ message: text });
  }

  #recordOf(channelId) {
    if (channelId === ZERO_ID) return null;
    for (const record of this.#channels.values()) {
      if (record.id === channelId || this.#datt.channel.info(record.state).channel_id === channelId) return record;
    }
    return null;
  }

  // --- steps ------------------------------------------------------------------------------

  async #save(record, extra = {}) {
    await commit(this.#db, { channel: record, ...extra });
    this.#channels.set(record.id, record);
    this.#onChange();
  }

  /**
   * One step: `make(state, seed)` runs the machine; its state and what its events change are
   * committed, then its frames are sent, then what the events call for (fulfil a received
   * HTLC, broadcast the funding, sign) runs as the next steps. A refused message (a DattError)
   * changes nothing but the record's message.
   */
  async #step(record, make, extra = {}) {
    const seed = this.#seeds.get(record.id);
    let step;
    try {
      step = make(record.state, seed);
    } catch (error) {
      await this.#save({ ...record, message: `${error.code ? `${error.code}: ` : ''}${error.message}` });
      throw error;
    }
    const next = { ...record, state: step.state };
    const funded = next.stage === 'accepting' && fundeeFunding(this.#datt.channel.info(step.state));
    if (funded) {
      // The hub's funding_created taken: funding_signed goes out once this is committed.
      next.stage = 'confirming';
      next.confirmations = 0;
      next.funding = funded;
    }
    const payments = [...(extra.payments ?? [])];
    const invoices = [...(extra.invoices ?? [])];
    const followUps = [];
    const { invoices: storedInvoices, payments: storedPayments } = await readChannelData(this.#db);
    for (const event of step.events) {
      switch (event.type) {
        case 'funding_needed':
          next.stage = 'funding_needed';
          next.funding = { script: event.script, sats: Number(event.sats) };
          break;
        case 'funding_may_broadcast':
          next.stage = 'funding_broadcast';
          followUps.push(() => this.#broadcastFunding(next.id));
          break;
        case 'operational':
          if (next.stage !== 'closing') next.stage = 'ready';   // a channel_ready again after a reconnect
          next.message = undefined;
          break;
        case 'htlc_received':
          followUps.push(() => this.#settleIncoming(next.id, event));
          break;
        case 'htlc_fulfilled': {
          const hash = await sha256Hex(unhex(event.preimage));
          const payment = storedPayments.find((p) => p.paymentHash === hash);
          if (payment) payments.push({ ...payment, status: 'paid', preimage: event.preimage, reason: '' });
          break;
        }
        case 'htlc_failed': {
          const channelId = this.#datt.channel.info(step.state).channel_id;
          const payment = storedPayments.find((p) => p.channelId === channelId && p.htlcId === String(event.id) && p.status === 'pending');
          if (payment) payments.push({ ...payment, status: 'failed', reason: event.reason || 'failed without a reason' });
          break;
        }
        case 'closed':
          next.stage = 'closed';
          next.closing = closingRecord(event, this.#datt.channel.info(step.state).shutdown_script);
          followUps.push(() => this.#broadcastClosing(next.id));
          break;
        case 'remote_commitment_revoked':
          // With HTLCs, the justice tx needs them: kept (checked) in the record, oldest dropped.
          if (event.record) next.revoked = [...(next.revoked ?? []), checkRevokedRecord(event.record)].slice(-MAX_REVOKED_RECORDS);
          break;
        case 'updates_dropped': {
          const dropped = droppedAdds(storedPayments, this.#datt.channel.info(step.state).channel_id, event.adds);
          payments.push(...dropped.payments);
          if (dropped.nextHtlcId !== null) next.nextHtlcId = dropped.nextHtlcId;
          break;
        }
        default:
      }
    }
    for (const invoice of extra.paidInvoices ?? []) {
      const stored = storedInvoices.find((i) => i.paymentHash === invoice);
      if (stored) invoices.push({ ...stored, paid: true });
    }
    await this.#save(next, { invoices, payments });
    this.#send(step.frames);
    if (funded) await this.#watchFundings();
    for (const followUp of followUps) await followUp();
    const current = this.#channels.get(next.id);
    if (this.#datt.channel.info(current.state).has_changes_to_sign) {
      await this.#step(current, (state, s) => this.#datt.channel.sign(state, s));
    }
  }

  /** An HTLC to us: fulfilled if it pays one of our invoices in full, failed otherwise. */
  async #settleIncoming(id, event) {
    const record = this.#channels.get(id);
    const { invoices } = await readChannelData(this.#db);
    const invoice = invoices.find((i) => i.paymentHash === event.payment_hash);
    if (invoice && BigInt(event.amount_msat) >= BigInt(invoice.amountMsat)) {
      await this.#step(record, (state, seed) => this.#datt.channel.fulfill(state, seed, event.id, invoice.preimage),
        { paidInvoices: [invoice.paymentHash] });
    } else {
      await this.#step(record, (state, seed) => this.#datt.channel.fail(state, seed, event.id,
        invoice ? 'incorrect_payment_amount' : 'unknown_payment_hash'));
    }
  }

  async #broadcastFunding(id) {
    const record = this.#channels.get(id);
    const f = record.funding;
    const address = this.#datt.bitcoin.scriptToAddress(unhex(f.script), record.network);
    try {
      const verdict = await this.#wallet.send({ transaction: f.transaction, txid: f.txid, unsigned: f.unsigned,
        payees: [{ address, value: BigInt(f.sats) }] });
      if (!verdict.accepted) throw new Error(verdict.reason ?? 'refused');
      await this.#save({ ...this.#channels.get(id), stage: 'confirming', confirmations: 0 });
    } catch (error) {
      await this.#save({ ...this.#channels.get(id), message: `The funding payment was not broadcast yet: ${error.message}` });
    }
    await this.#checkConfirmations();
  }

  /** The wallet's chain moved: funding payments may have their confirmations now. */
  onWalletChange() {
    return this.#queue(async () => {
      for (const record of [...this.#channels.values()]) {
        if (record.stage === 'funding_broadcast') await this.#broadcastFunding(record.id);
      }
      await this.#checkConfirmations();
      await this.#afterClose();
      await this.#broadcastResolutions();
      await this.#watchFundings();
    });
  }

  async #checkConfirmations() {
    for (const stored of [...this.#channels.values()]) {
      if (stored.stage !== 'confirming' || stored.readySent) continue;
      const height = await this.#fundingHeight(stored);
      const record = this.#channels.get(stored.id);   // with the height #fundingHeight may have stored
      const chain = await readChain(this.#walletDb, record.network);
      const confirmations = Number.isInteger(height) && chain ? chain.height - height + 1 : 0;
      // channel_ready only on a reestablished link (LinkState kConnected = 0): before, the
      // machine refuses it (channel_not_connected); the next frame or block tries again.
      const linked = this.#ws?.readyState === WebSocket.OPEN && this.#datt.channel.info(record.state).link === 0;
      if (confirmations >= record.minimumDepth && linked) {
        await this.#step({ ...record, confirmations, readySent: true }, (state, seed) => this.#datt.channel.ready(state, seed))
          .catch(() => this.#save({ ...this.#channels.get(record.id), readySent: false }));
      } else if (confirmations !== record.confirmations) {
        await this.#save({ ...record, confirmations });
      }
    }
  }

  // The block of a channel's funding: the wallet's record of its own payment; the hub's
  // funding (fundee) is proven by its merkle proof against the wallet's chain, then stored.
  async #fundingHeight(record) {
    if (!record.fundee) {
      const tx = await getTx(this.#walletDb, record.funding.txid);
      return tx?.status === 'confirmed' ? tx.height : null;
    }
    if (Number.isInteger(record.funding.height)) return record.funding.height;
    const height = await this.#wallet.provenHeight(record.funding.txid).catch(() => null);
    if (!Number.isInteger(height)) return null;
    await this.#save({ ...this.#channels.get(record.id), funding: { ...record.funding, height } });
    await this.#watchFundings();
    return height;
  }

  // --- asking the hub for a channel to receive (hub_open.js) -------------------------------

  /** hub_open_request for `sats`: the hub answers with open_channel (#accept) or a refusal, within the ask timeout. */
  ask({ sats, shutdownScript, network }) {
    return this.#queue(async () => {
      await this.#load();
      if (!this.hub) throw new Error('this relay is not a channel hub');
      if (this.#ws?.readyState !== WebSocket.OPEN) throw new Error('not connected to the hub: wait for the connection');
      if (this.#asking) throw new Error('The hub has not answered the last request yet.');
      const limits = askLimits(this.hub);
      if (!limits) throw new Error('This hub does not fund channels when asked (its NIP-11 has no hub_open).');
      const checked = checkAskAmount(String(sats), limits);
      if (checked.error) throw new Error(checked.error);
      if (!/^[0-9a-f]{44,68}$/.test(shutdownScript)) throw new Error('bad closing script');
      const timer = setTimeout(() => this.#queue(() => this.#asking?.timer === timer &&
        this.#askEnded({ stage: 'timeout', message: `The hub did not answer within ${this.#askTimeoutMs / 1000} s: ask again later.` })),
      this.#askTimeoutMs);
      this.#asking = { sats: checked.sats, shutdownScript, network, timer };
      this.#setStatus({ ask: { stage: 'asked', sats: checked.sats } });
      this.#send([this.#datt.channel.openRequest(checked.sats)]);
      return { sats: checked.sats };
    });
  }

  #askEnded(ask) {
    clearTimeout(this.#asking?.timer);
    const sats = this.#asking?.sats;
    this.#asking = null;
    this.#setStatus({ ask: ask && { sats, ...ask } });
  }

  /**
   * The hub's open_channel: only as the answer to our request (any other is ignored). The
   * accepted state is committed before accept_channel is sent; the hub's funding_created
   * then comes through #onFrame (#step stores the funding before funding_signed goes out).
   */
  async #accept(frame, temporaryId) {
    const asking = this.#asking;
    if (!asking) return;   // nobody asked: not a channel of ours
    const seed = random(32);
    let step;
    try {
      step = this.#datt.channel.accept(seed, acceptArgs({ sats: asking.sats, shutdownScript: asking.shutdownScript,
        chainHash: chainHash(this.#datt.bitcoin.network(asking.network).genesisHash), minimumDepth: this.hub.channels.minimum_depth,
        toSelfDelay: TO_SELF_DELAY, closingFees: CLOSING_FEES }), frame);
    } catch (error) {
      this.#askEnded({ stage: 'refused', message: `The hub's proposal was not acceptable: ${error.code ? `${error.code}: ` : ''}${error.message}` });
      return;
    }
    const record = { id: temporaryId, stage: 'accepting', fundee: true, state: step.state, seed: await this.#seal(seed, temporaryId),
      fundingSats: asking.sats, pushSats: 0, network: asking.network, createdAt: Date.now(), minimumDepth: this.hub.channels.minimum_depth };
    this.#seeds.set(temporaryId, seed);
    this.#askEnded(null);
    await this.#save(record);
    this.#send(step.frames);
  }

  // --- requests from the tabs (worker.js handlers) -----------------------------------------

  #ready(id) {
    const record = id ? this.#channels.get(id) : [...this.#channels.values()].find(isOpenChannel);
    if (!record || !isOpenChannel(record)) throw new Error('no open channel to the hub: open one first');
    if (this.#ws?.readyState !== WebSocket.OPEN) throw new Error('not connected to the hub: wait for the connection');
    return record;
  }

  /** Opens a channel of `sats` (pushing `pushSats` to the hub: room to receive), closing to `shutdownScript`. */
  open({ sats, pushSats, shutdownScript, network, spendableSats }) {
    return this.#queue(async () => {
      await this.#load();
      if (!this.hub) throw new Error('this relay is not a channel hub');
      if (this.#ws?.readyState !== WebSocket.OPEN) throw new Error('not connected to the hub: wait for the connection');
      const checked = checkFundingAmount(String(sats), { minSats: this.hub.channels.min_funding_sats,
        maxSats: this.hub.channels.max_funding_sats, spendableSats });
      if (checked.error) throw new Error(checked.error);
      const push = BigInt(pushSats ?? 0);
      if (push < 0n || push * 2n > BigInt(checked.sats)) throw new Error('The receive room can be at most half the channel.');
      if (!/^[0-9a-f]{44,68}$/.test(shutdownScript)) throw new Error('bad closing script');
      const seed = random(32);
      const id = hex(random(32));
      const step = this.#datt.channel.open(seed, {
        ...ownTerms(checked.sats, shutdownScript, { toSelfDelay: TO_SELF_DELAY, closingFees: CLOSING_FEES }),
        chain_hash: chainHash(this.#datt.bitcoin.network(network).genesisHash), temporary_channel_id: id,
        funding_sats: checked.sats, push_msat: push * 1000n, feerate_per_kw: FEERATE_PER_KW,
      });
      const record = { id, stage: 'opening', state: step.state, seed: await this.#seal(seed, id), fundingSats: checked.sats,
        pushSats: Number(push), network, createdAt: Date.now(), minimumDepth: this.hub.channels.minimum_depth };
      this.#seeds.set(id, seed);
      await this.#save(record);
      this.#send(step.frames);
      return { id };
    });
  }

  /** The funding payment the tab built and signed: funding_created goes out; broadcast waits for funding_signed. */
  fund({ id, transaction, txid, unsigned, vout }) {
    return this.#queue(async () => {
      const record = this.#channels.get(id);
      if (!record || record.stage !== 'funding_needed') throw new Error('this channel does not wait for its funding');
      if (!(transaction instanceof Uint8Array) || !/^[0-9a-f]{64}$/.test(txid) || !Number.isInteger(vout)) throw new Error('bad funding');
      const out = unsigned?.tx?.outputs?.[vout];
      const script = typeof out?.scriptPubKey === 'string' ? out.scriptPubKey : hex(out?.scriptPubKey ?? []);
      if (!out || script !== record.funding.script || BigInt(out.value) !== BigInt(record.funding.sats)) {
        throw new Error('the funding payment does not pay the channel\'s funding output');
      }
      const funded = { ...record, stage: 'funding_signing', funding: { ...record.funding, txid, vout, transaction, unsigned } };
      await this.#step(funded, (state, seed) => this.#datt.channel.funding(state, seed, { txid, vout }));
      return { id };
    });
  }

  /** An invoice for `amountMsat` on the open channel: the preimage is stored before the invoice is shown. */
  invoice({ amountMsat, description }) {
    return this.#queue(async () => {
      const record = this.#ready();
      const info = this.#datt.channel.info(record.state);
      const preimage = random(32);
      const paymentHash = await sha256Hex(preimage);
      const key = random(32);
      const invoice = this.#datt.invoice.encode({ network: invoiceNetwork(record.network), amount_msat: BigInt(amountMsat),
        payment_hash: paymentHash, payment_secret: hex(random(32)), description: String(description ?? '').slice(0, 200),
        payment_metadata: info.channel_id, created_at: Math.floor(Date.now() / 1000) }, key);
      key.fill(0);
      await commit(this.#db, { invoices: [{ paymentHash, preimage: hex(preimage), invoice, amountMsat: String(amountMsat),
        channelId: info.channel_id, createdAt: Date.now(), paid: false }] });
      this.#onChange();
      return { invoice, paymentHash };
    });
  }

  /** Pays a decoded invoice through the hub: the payment record and the HTLC commit together. */
  pay({ invoice, receipt = null }) {
    return this.#queue(async () => {
      const record = this.#ready();
      const decoded = this.#datt.invoice.decode(String(invoice).trim());
      const summary = invoiceSummary(decoded, { network: record.network, nowSeconds: Math.floor(Date.now() / 1000),
        withFee: (msat) => this.#datt.channel.amountWithFee(this.hub.fees, msat), channelOf: payeeChannelOf });
      if (summary.problem) throw new Error(summary.problem);
      const { payments } = await readChannelData(this.#db);
      const earlier = payments.find((p) => p.paymentHash === decoded.payment_hash);
      if (earlier && earlier.status !== 'failed') throw new Error(`This invoice was already ${earlier.status === 'paid' ? 'paid' : 'sent'}.`);
      const info = this.#datt.channel.info(record.state);
      if (BigInt(info.to_local_msat) < summary.totalMsat) {
        throw new Error(`The channel holds ${formatMsat(BigInt(info.to_local_msat))}: not enough for ${formatMsat(summary.totalMsat)}.`);
      }
      const chain = await readChain(this.#walletDb, record.network);
      const height = chain?.height ?? 0;
      const finalExpiry = height + Number(decoded.min_final_cltv_expiry) + FINAL_CLTV_MARGIN;
      const htlcId = String(record.nextHtlcId ?? 0);
      const payment = { paymentHash: decoded.payment_hash, invoice: String(invoice).trim(), amountMsat: String(summary.amountMsat),
        feeMsat: String(summary.feeMsat), channelId: info.channel_id, status: 'pending', reason: '', htlcId, createdAt: Date.now() };
      await this.#step({ ...record, nextHtlcId: Number(htlcId) + 1 }, (state, seed) => this.#datt.channel.addHtlc(state, seed, {
        amount_msat: summary.totalMsat, payment_hash: decoded.payment_hash, cltv_expiry: finalExpiry + this.hub.fees.cltv_expiry_delta,
        block_height: height,
        hop: { final: false, channel_id: summary.payeeChannel, amount_msat: summary.amountMsat, cltv_expiry: finalExpiry,
          ...(receipt ? { receipt } : {}) },
      }), { payments: [payment] });
      return { paymentHash: decoded.payment_hash };
    });
  }

  /**
   * A tip invoice for `target` (docs/web.md "Tips over the channel"): `sign(fields)` has a tab
   * sign it with the author's Nostr key (null: no tab could); the preimage is committed before
   * the invoice is returned. {invoice} or {status} (no_channel, no_room, too_many_invoices, locked).
   */
  async tipInvoice({ amountMsat, target, sign }) {
    const ready = await this.#queue(async () => {
      try {
        const record = this.#ready();
        return { record, info: this.#datt.channel.info(record.state) };
      } catch {
        return null;
      }
    });
    if (!ready) return { status: 'no_channel' };
    if (BigInt(ready.info.to_remote_msat) < BigInt(amountMsat)) return { status: 'no_room' };
    if (!roomForUnpaid((await readChannelData(this.#db)).invoices)) return { status: 'too_many_invoices' };
    const preimage = random(32);
    const paymentHash = await sha256Hex(preimage);
    const invoice = await sign(tipInvoiceFields({ network: invoiceNetwork(ready.record.network), amountMsat,
      paymentHash, paymentSecret: hex(random(32)), target, channelId: ready.info.channel_id, createdAt: Math.floor(Date.now() / 1000) }));
    if (!invoice) return { status: 'locked' };
    if (this.#datt.invoice.decode(invoice).payment_hash !== paymentHash) return { status: 'locked' };
    await this.#queue(() => commit(this.#db, { invoices: [{ paymentHash, preimage: hex(preimage), invoice,
      amountMsat: String(amountMsat), channelId: ready.info.channel_id, createdAt: Date.now(), paid: false }] }));
    this.#onChange();
    return { invoice };
  }

  // --- closing (docs/web.md "Channels": "Closing a channel") ------------------------------

  /**
   * Cooperative close: BOLT-2 shutdown to the script fixed at open (the wallet's address).
   * The machine waits for payments in flight to settle, then the funder's fee negotiation
   * runs; its `closed` event (#step) stores the closing transaction signed by both before
   * anything is sent, and #broadcastClosing sends it through the wallet's bridge.
   */
  close({ id }) {
    return this.#queue(async () => {
      await this.#load();
      const record = this.#channels.get(id);
      if (!record || !isOpenChannel(record)) throw new Error('only an open channel can be closed');
      if (this.#ws?.readyState !== WebSocket.OPEN) {
        throw new Error('not connected to the hub: a cooperative close needs the hub online (wait for the connection)');
      }
      try {
        await this.#step({ ...record, stage: 'closing', message: undefined }, (state, seed) => this.#datt.channel.shutdown(state, seed));
      } catch (error) {
        // Refused (e.g. our updates are not signed yet): the channel stays open, the reason shown.
        const current = this.#channels.get(id);
        if (current.stage === 'closing' && !this.#datt.channel.info(current.state).shutdown_sent) await this.#save({ ...current, stage: 'ready' });
        throw error;
      }
      return { id };
    });
  }

  /** The closing transaction to the node, through the wallet's bridge; retried on the next wallet change if it fails. */
  async #broadcastClosing(id) {
    const record = this.#channels.get(id);
    if (!record?.closing || record.closing.broadcast) return;
    let patch;
    try {
      const verdict = await this.#wallet.broadcastRaw(unhex(record.closing.tx));
      patch = verdict.accepted ? { broadcast: true, problem: undefined }
        : { problem: `The node did not take the closing transaction yet: ${verdict.reason ?? 'refused'}` };
    } catch (error) {
      patch = { problem: `The closing transaction was not broadcast yet: ${error.message}` };
    }
    const current = this.#channels.get(id);
    await this.#save({ ...current, closing: { ...current.closing, ...patch } });
  }

  async #afterClose() {
    for (const record of [...this.#channels.values()]) {
      if (record.stage === 'closed' && record.closing && !record.closing.broadcast) await this.#broadcastClosing(record.id);
    }
  }

  // --- watching the funding outputs (docs/web.md "Channels": "Watching the chain") ---------

  /**
   * Every funded channel's funding output is watched through the wallet's bridge connection,
   * until its spend is in a block (the bridge allows 100 scripts and outpoints per connection),
   * from the funding's block (watches.js): on each new connection the bridge looks for spends
   * mined since, so a close while no tab was open is resolved like one seen live.
   */
  async #watchFundings() {
    await this.#storeFundingHeights();
    const outpoints = channelWatches([...this.#channels.values()]);
    if (outpoints.length) await this.#wallet.watchOutpoints(outpoints).catch(() => {});
  }

  // The funding's block, from the wallet's record of its transaction, kept in the channel's
  // record (records of older versions of the app have none): spends are looked for from there.
  async #storeFundingHeights() {
    for (const record of [...this.#channels.values()]) {
      if (!record.funding?.txid || Number.isInteger(record.funding.height)) continue;
      const next = withFundingHeight(record, await getTx(this.#walletDb, record.funding.txid).catch(() => null));
      if (next) await this.#save(next);
    }
  }

  /**
   * The bridge's `spend` of a watched outpoint: a funding output (our closing transaction, or
   * the hub's commitment: resolved, the resolution stored, then broadcast), or an input of a
   * transaction of a resolution (ours mined, or another took it: the hub's HTLC tx of its
   * revoked commitment is resolved again, stored, then what it gives is broadcast).
   */
  onFundingSpend(event) {
    return this.#queue(async () => {
      const o = event.outpoint;
      if (typeof event.txid !== 'string' || !/^[0-9a-f]{64}$/.test(event.txid) || !o) return;
      let retaken = false;
      for (const record of [...this.#channels.values()]) {
        let next = record.resolution && resolutionSpend(record.resolution, event);
        const htlcTxs = next && cheaterHtlcTxs(record.resolution, event);
        if (htlcTxs) {
          const again = this.#resolveCheaterTx(record, next, event, htlcTxs);
          retaken = retaken || !again.message;
          next = again.resolution;
          if (again.message) await this.#save({ ...record, message: again.message });
        }
        if (next) await this.#save({ ...this.#channels.get(record.id), resolution: next });
      }
      if (retaken) {
        await this.#broadcastResolutions();
        await this.#watchFundings();
      }
      const record = [...this.#channels.values()].find((r) => r.funding?.txid === o.txid && r.funding?.vout === o.vout);
      if (!record) return;
      // Told again for a revoked commitment's resolution without its bytes (resolution.js withSpendTx).
      const spentBy = fundingSpend(record, { txid: event.txid, height: event.height }) ??
        (needsSpendTx(record.resolution) ? record.spentBy : null);
      if (!spentBy) return;
      let next = { ...record, spentBy };
      if (spentBy.kind === 'unilateral') next = await this.#resolve(next, event);
      await this.#save(next);
      await this.#broadcastResolutions();
      await this.#watchFundings();
    });
  }

  // The record with its resolution of the spend `event` (datt.channel.resolve on the
  // transaction's bytes, which must hash to the notified txid), or its height once mined.
  async #resolve(record, event) {
    if (record.resolution?.spendTxid === event.txid) {
      const spendHeight = Number.isInteger(event.height) ? event.height : record.resolution.spendHeight;
      const txidOf = (txHex) => this.#datt.bitcoin.transactionInfo(unhex(txHex)).txid;
      return { ...record, resolution: withSpendTx({ ...record.resolution, spendHeight }, event, txidOf) };
    }
    if (record.resolution) return { ...record, message: `Another spend of the funding output was seen (${event.txid}); the stored resolution is kept.` };
    if (typeof event.tx !== 'string' || !/^([0-9a-f]{2})+$/.test(event.tx)) {
      return { ...record, message: 'The relay did not send the closing transaction: the app cannot resolve it.' };
    }
    try {
      const info = this.#datt.channel.info(record.state);
      const { invoices } = await readChannelData(this.#db);
      const resolved = this.#datt.channel.resolve(record.state, this.#seeds.get(record.id), this.#resolveArgs(record, {
        preimages: invoices.filter((i) => i.channelId === info.channel_id).map((i) => i.preimage),
      }), unhex(event.tx));
      if (resolved.spend_txid !== event.txid) throw new Error(`the relay's bytes are transaction ${resolved.spend_txid}, not ${event.txid}`);
      return { ...record, resolution: resolutionRecord(resolved, event.height, this.#inputsOf(record), event.tx) };
    } catch (error) {
      return { ...record, message: `Resolving the hub's close: ${error.code ? `${error.code}: ` : ''}${error.message}` };
    }
  }

  // datt.channel.resolve's args: our wallet's receive script, the revoked records kept, and `extra`.
  #resolveArgs(record, extra) {
    return { sweep_script: hex(this.#wallet.addresses().receive.scriptPubKey), feerate_per_kw: FEERATE_PER_KW,
      revoked: record.revoked ?? [], ...extra };
  }

  // A transaction's inputs [{txid, vout}], decoded by the wasm module.
  #inputsOf(record) {
    return (txHex) => this.#datt.bitcoin.decodeTransaction(unhex(txHex), record.network).vin
      .map((i) => ({ txid: i.txid, vout: i.vout }));
  }

  // The hub's HTLC txs of its revoked commitment (`htlcTxs`, cheaterHtlcTxs) beat our justice
  // tx: {resolution} with the justice tx without their outputs and each one's
  // revoked_htlc_sweep added (`next`: the resolution with the justice tx lost), or {resolution:
  // next, message} when the resolver refuses (the HTLC tx's output is then not taken).
  #resolveCheaterTx(record, next, event, htlcTxs) {
    try {
      const resolved = this.#datt.channel.resolve(record.state, this.#seeds.get(record.id),
        this.#resolveArgs(record, { htlc_txs: htlcTxs }), unhex(record.resolution.spendTx));
      return { resolution: withCheaterHtlcTx(next, resolved, event, this.#inputsOf(record)) };
    } catch (error) {
      return { resolution: next, message: `Taking the hub's HTLC tx ${event.txid}: ${error.code ? `${error.code}: ` : ''}${error.message}` };
    }
  }

  /** Broadcasts (again, each new block, until mined) each stored resolution transaction whose locks end by the next block. */
  async #broadcastResolutions() {
    const chain = await readChain(this.#walletDb, this.#wallet.network).catch(() => null);
    if (!chain) return;
    for (const record of [...this.#channels.values()]) {
      if (!record.resolution) continue;
      for (const t of dueTransactions(record.resolution, chain.height)) {
        try {
          const verdict = await this.#wallet.broadcastRaw(unhex(t.tx));
          if (!verdict.accepted) await this.#save({ ...this.#channels.get(record.id), message: `The node did not take the ${t.kind} transaction yet: ${verdict.reason ?? 'refused'}` });
        } catch {
          // the relay is away: again with the next block
        }
      }
    }
  }
}
