// The UI thread's view of Datt: the wasm core (ranking, NIP-19; never a secret), the local
// store (reads), the tab's signer worker (the unlocked key: unseal, sign, lock), and the sync
// owner (app/owner.js: one tab's sync worker serves every tab). Components read
// `client.state` and re-render on `client.subscribe` notifications.
import { KIND, buildCommunityList, buildRelayList, readCommunityList } from '../lib/events.js';
import { KeystoreError } from '../lib/keystore.js';
import { getByAddress, getSetting, openDatabase, sealedKey } from '../store/db.js';
import { OwnerLink } from './owner.js';
import { MAX_RECEIPT_IDS } from '../tips/receipts.js';

export class Client {
  datt;
  db;
  #owner;
  #interest = null;             // {communities, authors} of the last setInterest
  #receiptIds = [];             // ids whose receipts the view shows (setReceiptInterest)
  #signer;
  #signerCalls = new Map();
  #nextSignerCall = 0;
  #listeners = new Set();
  #unlocked = false;
  #lockChannel = new BroadcastChannel('datt-lock');
  state = {
    ready: false,
    fatal: '',
    account: null,           // {publicKey, locked}
    owner: false,            // this tab runs the sync worker
    relays: [],
    relaysReported: false,   // until the owner's first report, "no relays" would be wrong
    queued: 0,
    outbox: { pending: 0, waitingForDown: 0, perRelay: {}, errors: [] },
    subscriptions: [],       // community addresses (from the kind-10004 list)
    version: 0,              // bumps whenever stored data changed: views re-query
    lastChange: null,
    online: navigator.onLine,
    wallet: null,            // the owner's wallet sync status (wallet/sync.js)
    walletVersion: 0,        // bumps when the wallet's records changed
    channels: null,          // the owner's channel status {status, hub} (channels/sync.js)
    channelsVersion: 0,      // bumps when the channels' records changed
  };

  static async start() {
    const client = new Client();
    await client.#init();
    return client;
  }

  async #init() {
    const { loadDatt } = await import('/wasm/datt.mjs');
    this.datt = await loadDatt();
    this.db = await openDatabase();
    await this.#loadAccount();
    this.state.subscriptions = (await getSetting(this.db, 'subscriptions', [])) ?? [];
    this.#signer = new Worker('/signer.js', { type: 'module' });
    this.#signer.onmessage = (e) => this.#onSigner(e.data);
    this.#signer.onerror = (e) => this.#set({ fatal: `signer worker error: ${e.message ?? 'failed to load'}` });
    // "Stay unlocked on this device": a reload or a new tab unlocks from the device seal.
    if (this.state.account) {
      const resumed = await this.#sign('resume').catch(() => ({ publicKey: null }));
      if (resumed.publicKey && resumed.publicKey === this.state.account.publicKey) this.#signedIn(resumed.publicKey);
    }
    // "Sign out everywhere on this device": every tab locks.
    this.#lockChannel.onmessage = (e) => { if (e.data?.type === 'lock') this.lock(); };
    this.#owner = new OwnerLink({
      onMessage: (message) => this.#onOwner(message),
      onOwned: (worker) => {
        worker.onerror = (e) => this.#set({ fatal: `sync worker error: ${e.message ?? 'failed to load'}` });
        this.#set({ owner: true });
      },
    });
    this.#owner.start();
    await this.#loadSubscriptions();
    window.addEventListener('online', () => {
      this.#set({ online: true });
      this.#owner.notify('online');
    });
    window.addEventListener('offline', () => this.#set({ online: false }));
    this.#set({ ready: true });
  }

  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(patch) {
    this.state = { ...this.state, ...patch };
    for (const listener of this.#listeners) listener(this.state);
  }

  #onOwner(message) {
    switch (message.type) {
      case 'changed':
        this.#set({ version: this.state.version + 1, lastChange: message });
        if (message.kinds.includes(KIND.communityList)) this.#loadSubscriptions();
        return;
      case 'relays':
        this.#set({ relays: message.relays, queued: message.queued, relaysReported: true });
        return;
      case 'outbox':
        this.#set({ outbox: { pending: message.pending, waitingForDown: message.waitingForDown ?? 0,
          perRelay: message.perRelay ?? {}, errors: message.errors } });
        return;
      case 'account':
        // Another tab created, imported or removed the account.
        this.#loadAccount().then(() => this.#loadSubscriptions());
        return;
      case 'walletStatus':
        this.#set({ wallet: message.status });
        return;
      case 'walletChanged':
        this.#set({ walletVersion: this.state.walletVersion + 1 });
        return;
      case 'channelsChanged':
        this.#set({ channels: { status: message.status, hub: message.hub }, channelsVersion: this.state.channelsVersion + 1 });
        return;
      case 'tipInvoiceSign':
        this.#signTipInvoice(message);
        return;
      case 'fatal':
        this.#set({ fatal: message.message });
        return;
      case 'error':
        console.warn('datt sync:', message.message);
        return;
      default:
    }
  }

  // --- the signer worker -----------------------------------------------------------------

  #sign(type, payload = {}) {
    const id = ++this.#nextSignerCall;
    return new Promise((resolve, reject) => {
      this.#signerCalls.set(id, { resolve, reject });
      this.#signer.postMessage({ id, type, ...payload });
    });
  }

  #onSigner({ id, ok, value, error }) {
    const pending = this.#signerCalls.get(id);
    this.#signerCalls.delete(id);
    if (!pending) return;
    if (ok) pending.resolve(value);
    else pending.reject(error?.code ? new KeystoreError(error.code, error.message) : new Error(error?.message));
  }

  // --- account -------------------------------------------------------------------------

  async #loadAccount() {
    const sealed = await sealedKey(this.db);
    if (sealed && sealed.publicKey === this.state.account?.publicKey) return;
    // Another account (or none) than this tab's: its signer forgets the old key.
    if (this.#unlocked) this.lock();
    this.#set({ account: sealed ? { publicKey: sealed.publicKey, locked: true } : null });
  }

  get publicKey() {
    return this.state.account?.publicKey ?? null;
  }
  get unlocked() {
    return this.#unlocked;
  }

  /** A connected read relay has not finished its first pass, or events wait to be stored. */
  get syncing() {
    const { relays, queued } = this.state;
    return relays.some((r) => r.state === 'open' && r.read && r.synced < r.scopes) || queued > 0;
  }

  #signedIn(publicKey) {
    this.#unlocked = true;
    this.#set({ account: { publicKey, locked: false } });
  }

  /**
   * Seals and stores a new key (from `mnemonic`) or an imported one (`secret`: what the
   * person pasted: a mnemonic, an nsec or hex), and unlocks it. The signer worker derives
   * and seals the key; it never comes back to this thread.
   */
  async createAccount({ mnemonic, secret }, passphrase) {
    const { publicKey } = await this.#sign('create', { mnemonic, secret, passphrase });
    this.#signedIn(publicKey);
    this.#owner.notify('account');
    await this.#loadSubscriptions();
    return publicKey;
  }

  /** `remember`: stay unlocked on this device (reloads and new tabs need no passphrase). */
  async unlock(passphrase, remember = false) {
    const { publicKey } = await this.#sign('unlock', { passphrase, remember });
    this.#signedIn(publicKey);
  }

  /** Whether this device keeps the account unlocked (a device seal exists). */
  async remembered() {
    return (await this.#sign('remembered')).remembered;
  }

  /** Locks every tab of this browser and forgets "stay unlocked"; the sealed key stays. */
  async lockEverywhere() {
    await this.#sign('lock');
    this.lock();
    this.#lockChannel.postMessage({ type: 'lock' });
  }

  lock() {
    this.#unlocked = false;
    this.#sign('lock').catch(() => {});
    if (this.state.account) this.#set({ account: { ...this.state.account, locked: true } });
  }

  /** The secret key as nsec and the mnemonic (if any): re-checks the passphrase first. */
  exportSecret(passphrase) {
    return this.#sign('export', { passphrase });
  }

  async signOut() {
    this.#unlocked = false;
    await this.#sign('signOut');
    this.#set({ account: null });
    this.#owner.notify('account');
  }

  // --- publishing ------------------------------------------------------------------------

  /** Signs a template with the unlocked key (in the signer worker) and publishes it. */
  async publish(template) {
    if (!this.#unlocked) {
      throw new KeystoreError('locked', this.state.account ? 'unlock your key to sign' : 'create or import an account first');
    }
    const ready = await this.#afterCurrentVersion(template);
    if (this.datt.kindClass(ready.kind) !== 'regular') {
      const event = await this.#sign('sign', { template: ready });
      await this.#owner.call('publish', { event });
      return event;
    }
    return this.publishChained(ready);
  }

  /**
   * A regular event extends this device's chain (chain/own.js): the owner gives the
   * position, this tab signs it, the owner accepts it at publish. A position another tab
   * signed meanwhile (its lease expired) is refused there, and this tab signs the next one.
   * `prepare(template, renew)` may change the template once the chain tag is in (mining
   * proof of work), calling `renew()` now and then to keep the position.
   */
  async publishChained(template, prepare = null) {
    for (let attempt = 0; ; ++attempt) {
      const { lease, tag } = await this.#reserveChainPosition();
      try {
        let tagged = { ...template, tags: [...template.tags.filter((t) => t[0] !== 'chain'), tag] };
        if (prepare) tagged = await prepare(tagged, () => this.#owner.call('chainReserve', { author: this.publicKey, lease }));
        const event = await this.#sign('sign', { template: tagged });
        await this.#owner.call('publish', { event });
        return event;
      } catch (error) {
        this.#owner.call('chainRelease', { author: this.publicKey, lease }).catch(() => {});
        if (attempt < 2 && /chain_position_taken/.test(error?.message ?? '')) continue;
        throw error;
      }
    }
  }

  async #reserveChainPosition() {
    for (;;) {
      const answer = await this.#owner.call('chainReserve', { author: this.publicKey });
      if (!answer.busy) return answer;
      await new Promise((resolve) => setTimeout(resolve, 150));   // another tab is signing
    }
  }

  /** Asks the owner to fetch `author`'s events from the start (their chains have gaps). */
  fillGaps(author) {
    this.#owner.notify('fillGaps', { author });
  }

  // A replaceable event is kept only if strictly newer than the stored version (on equal
  // created_at the lowest id wins), so an edit made within a second of the last one moves
  // one second past it instead of being dropped half of the time.
  async #afterCurrentVersion(template) {
    const key = this.datt.addressOf({ ...template, pubkey: this.publicKey });
    const current = key && await getByAddress(this.db, key);
    if (!current || template.created_at > current.created_at) return template;
    return { ...template, created_at: current.created_at + 1 };
  }

  now() {
    return Math.floor(Date.now() / 1000);
  }

  // --- subscriptions and relays -------------------------------------------------------------

  async #loadSubscriptions() {
    let list = (await getSetting(this.db, 'subscriptions', [])) ?? [];
    if (this.publicKey) {
      const event = await getByAddress(this.db, this.datt.formatAddress({ kind: KIND.communityList, pubkey: this.publicKey }));
      if (event) list = readCommunityList(event);
    }
    this.#set({ subscriptions: list });
  }

  /** Subscribes/unsubscribes: a new kind-10004 list when signed in, a local list otherwise. */
  async setSubscribed(address, on) {
    const set = new Set(this.state.subscriptions);
    if (on) set.add(address);
    else set.delete(address);
    const list = [...set];
    await this.#owner.call('subscriptions', { list });
    if (this.unlocked) await this.publish(buildCommunityList(list, this.now()));
    this.#set({ subscriptions: list });
  }

  /** Communities and authors the current view needs kept in sync. */
  setInterest(communities, authors = []) {
    const all = [...new Set([...communities, ...this.state.subscriptions])];
    this.#interest = { communities: all, authors };
    this.#notifyInterest();
  }

  /** The posts and comments on screen: the owner keeps a live REQ for their receipts (kind 4571). */
  setReceiptInterest(ids) {
    this.#receiptIds = ids.slice(0, MAX_RECEIPT_IDS);
    this.#notifyInterest();
  }

  #notifyInterest() {
    const interest = this.#interest ?? { communities: [...this.state.subscriptions], authors: [] };
    this.#owner.notify('interest', { ...interest, receipts: this.#receiptIds });
  }

  /**
   * Saves the relay list locally, then (when unlocked) publishes it as a NIP-65 event, so the
   * event goes to the new list's write relays too.
   */
  async setRelays(list) {
    await this.#owner.call('relays', { list });
    if (this.unlocked) await this.publish(buildRelayList(list, this.now()));
  }

  // --- the Bitcoin wallet (docs/web.md "Wallet") ---------------------------------------------

  async walletStatus() {
    const status = await this.#owner.call('walletStatus');
    if (status) this.#set({ wallet: status });
    return status;
  }

  /** Derives the account in the signer worker (unlocked, with a mnemonic) and has the owner sync it. */
  async enableWallet(network) {
    const account = await this.#sign('walletAccount', { network });
    return this.#owner.call('walletEnable', account);
  }

  walletFaucet(sats) {
    return this.#owner.call('walletFaucet', { sats });
  }

  walletMine(blocks) {
    return this.#owner.call('walletMine', { blocks });
  }

  /** Signs `unsigned` in the signer worker and has the owner broadcast and record it. */
  async walletSend({ network, unsigned, payees, replaces, tip }) {
    if (!this.#unlocked) throw new KeystoreError('locked', 'unlock your key to send');
    const signed = await this.#sign('walletSign', { network, unsigned });
    const verdict = await this.#owner.call('walletSend', { transaction: signed.transaction, txid: signed.txid, unsigned,
      payees, replaces, tip });
    return { ...verdict, txid: signed.txid, fee: signed.fee, transaction: signed.transaction };
  }

  // --- payment channels (channels/sync.js; docs/web.md "Channels") -------------------------
  // The owner's worker holds the channels' seeds and signs every step; a tab asks it.

  async channelStatus() {
    const value = await this.#owner.call('channelStatus');
    this.#set({ channels: value });
    return value;
  }

  /** Opens a channel of `sats` to the hub (`pushSats` of it: room to receive), closing to `shutdownScript` (hex). */
  channelOpen({ sats, pushSats, shutdownScript, spendableSats }) {
    return this.#owner.call('channelOpen', { sats, pushSats, shutdownScript, spendableSats });
  }

  /**
   * Asks the hub to fund a channel of `sats` to us (to receive), closing to `shutdownScript`
   * (hex): resolves once asked; the owner's status (`ask`) and the channel's record tell the rest.
   */
  channelAsk({ sats, shutdownScript }) {
    return this.#owner.call('channelAsk', { sats, shutdownScript });
  }

  /** Signs the funding payment in this tab's signer (the wallet's key) and hands it to the owner, which broadcasts it once the hub signed. */
  async channelFund({ id, network, unsigned, vout }) {
    if (!this.#unlocked) throw new KeystoreError('locked', 'unlock your key to fund the channel');
    const signed = await this.#sign('walletSign', { network, unsigned });
    return this.#owner.call('channelFund', { id, transaction: signed.transaction, txid: signed.txid, unsigned, vout });
  }

  /** Cooperative close of channel `id`: resolves once shutdown is committed and sent; the record tells the rest. */
  channelClose(id) {
    return this.#owner.call('channelClose', { id });
  }

  /** A BOLT-11 invoice for `amountMsat` on the open channel: {invoice, paymentHash}. */
  channelInvoice(amountMsat, description) {
    return this.#owner.call('channelInvoice', { amountMsat: String(amountMsat), description });
  }

  /**
   * Pays a BOLT-11 invoice through the hub: resolves once the HTLC is committed and sent
   * ({paymentHash}); the payment's record (channels/store.js) says when it is paid or failed.
   * The seam for tips over channels: the tip button calls this with the payee's invoice.
   */
  payInvoice(invoice) {
    // Spending needs the unlocked key, as on chain (the channel's own keys are the owner's).
    if (!this.#unlocked) return Promise.reject(new KeystoreError('locked', 'unlock your key to pay'));
    return this.#owner.call('channelPay', { invoice });
  }

  // --- tips over the channel (tips/channel_tip.js; docs/web.md "Tips over the channel") -------

  /** The owner asks for a tip invoice signed with the author's key: this tab signs if it holds it unlocked. */
  async #signTipInvoice({ signId, author, fields }) {
    let reply;
    if (!this.#unlocked || this.publicKey !== author) {
      reply = { signId, error: 'locked' };
    } else {
      reply = await this.#sign('tipInvoice', { fields }).then((invoice) => ({ signId, invoice }), (error) => ({ signId, error: error.message }));
    }
    this.#owner.call('channelTipSigned', { id: reply.signId, invoice: reply.invoice, error: reply.error }).catch(() => {});
  }

  /** Signs an invoice request (kind 24570) and has the owner publish it on the hub and wait: {answer} | {refused} | {status}. */
  async channelTipAsk(template) {
    if (!this.#unlocked) throw new KeystoreError('locked', 'unlock your key to tip');
    const request = await this.#sign('sign', { template });
    return { request, ...(await this.#owner.call('channelTipAsk', { request })) };
  }

  /** Pays the author's tip invoice through the channel with a receipt request signed by this account's key. */
  async channelTipPay({ invoice, paymentHash, target, amountMsat }) {
    if (!this.#unlocked) throw new KeystoreError('locked', 'unlock your key to tip');
    const receipt = await this.#sign('receiptRequest', { paymentHash, target, amountMsat, invoice });
    return this.#owner.call('channelPay', { invoice, receipt });
  }

  // --- tips (tips/pay.js, tips/book.js; docs/web.md "Tips") ---------------------------------

  /** `author`'s payout address on the wallet relay's network: {network, payout} (tips/book.js). */
  tipPayout(author) {
    return this.#owner.call('tipPayout', { author });
  }

  /** Asks the owner to check the stored tips again (a page that shows tips opened). */
  tipsCheck() {
    return this.#owner.call('tipsCheck');
  }

  /**
   * Asks the read relays and `hints` (relay URLs from a shared link) for `filters` once;
   * resolves {ids, relays} after the returned events were verified and stored.
   */
  query(filters, hints = []) {
    return this.#owner.call('query', { filters, hints });
  }

  benchIngest(events) {
    return this.#owner.call('benchIngest', { events });
  }
}
