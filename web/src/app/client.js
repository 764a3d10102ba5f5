// The UI thread's view of Datt: the wasm core (signing, ranking), the local store (reads),
// the sync worker (relays, verification, writes), and the account (locked or unlocked).
// Components read `client.state` and re-render on `client.subscribe` notifications.
import { KIND, buildCommunityList, buildRelayList, readCommunityList, replaceKey } from '../lib/events.js';
import { KeystoreError, openSecret, sealSecret } from '../lib/keystore.js';
import { getByAddress, getSetting, openDatabase, putSetting, removeSealedKey, sealedKey,
  storeSealedKey } from '../store/db.js';

export class Client {
  datt;
  db;
  #worker;
  #rpc = new Map();
  #nextRpc = 0;
  #listeners = new Set();
  #secretKey = null;         // bytes, only while unlocked; never stored or sent anywhere
  #mnemonic = '';
  state = {
    ready: false,
    fatal: '',
    account: null,           // {publicKey, locked}
    relays: [],
    relaysReported: false,   // until the worker's first report, "no relays" would be wrong
    queued: 0,
    outbox: { pending: 0, errors: [] },
    subscriptions: [],       // community addresses (from the kind-10004 list)
    version: 0,              // bumps whenever stored data changed: views re-query
    lastChange: null,
    online: navigator.onLine,
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
    const sealed = await sealedKey(this.db);
    if (sealed) this.state.account = { publicKey: sealed.publicKey, locked: true };
    this.state.subscriptions = (await getSetting(this.db, 'subscriptions', [])) ?? [];
    this.#worker = new Worker('/worker.js', { type: 'module' });
    this.#worker.onmessage = (e) => this.#onWorker(e.data);
    this.#worker.onerror = (e) => this.#set({ fatal: `sync worker error: ${e.message ?? 'failed to load'}` });
    this.#worker.postMessage({ type: 'init', pubkey: this.state.account?.publicKey });
    await this.#loadSubscriptions();
    window.addEventListener('online', () => {
      this.#set({ online: true });
      this.#worker.postMessage({ type: 'online' });
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

  #call(type, payload = {}) {
    const id = ++this.#nextRpc;
    return new Promise((resolve, reject) => {
      this.#rpc.set(id, { resolve, reject });
      this.#worker.postMessage({ type, rpc: id, ...payload });
    });
  }

  #onWorker(message) {
    switch (message.type) {
      case 'rpc': {
        const pending = this.#rpc.get(message.id);
        this.#rpc.delete(message.id);
        if (!pending) return;
        if (message.ok) pending.resolve(message.value);
        else pending.reject(new Error(message.error));
        return;
      }
      case 'changed':
        this.#set({ version: this.state.version + 1, lastChange: message });
        if (message.kinds.includes(KIND.communityList)) this.#loadSubscriptions();
        return;
      case 'relays':
        this.#set({ relays: message.relays, queued: message.queued, relaysReported: true });
        return;
      case 'outbox':
        this.#set({ outbox: { pending: message.pending, errors: message.errors } });
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

  // --- account -------------------------------------------------------------------------

  get publicKey() {
    return this.state.account?.publicKey ?? null;
  }
  get unlocked() {
    return this.#secretKey !== null;
  }

  /** A connected read relay has not finished its first pass, or events wait to be stored. */
  get syncing() {
    const { relays, queued } = this.state;
    return relays.some((r) => r.state === 'open' && r.read && r.synced < r.scopes) || queued > 0;
  }

  /** Seals and stores a new or imported key, and unlocks it. */
  async createAccount({ secretKey, mnemonic = '' }, passphrase) {
    const publicKey = this.datt.publicKey(secretKey);
    const record = await sealSecret({ secretKey: this.datt.bytesToHex(secretKey), mnemonic, publicKey }, passphrase);
    await storeSealedKey(this.db, record);
    this.#secretKey = secretKey;
    this.#mnemonic = mnemonic;
    this.#set({ account: { publicKey, locked: false } });
    this.#worker.postMessage({ type: 'account', pubkey: publicKey });
    await this.#loadSubscriptions();
    return publicKey;
  }

  async unlock(passphrase) {
    const record = await sealedKey(this.db);
    if (!record) throw new KeystoreError('no_key', 'there is no key in this browser');
    const opened = await openSecret(record, passphrase);
    const secretKey = this.datt.hexToBytes(opened.secretKey);
    const mnemonic = opened.mnemonic;
    if (this.datt.publicKey(secretKey) !== record.publicKey) {
      throw new KeystoreError('corrupt_keystore', 'the stored key does not match its public key');
    }
    this.#secretKey = secretKey;
    this.#mnemonic = mnemonic;
    this.#set({ account: { publicKey: record.publicKey, locked: false } });
  }

  lock() {
    this.#secretKey = null;
    this.#mnemonic = '';
    if (this.state.account) this.#set({ account: { ...this.state.account, locked: true } });
  }

  /** The secret key as nsec and the mnemonic (if any): re-checks the passphrase first. */
  async exportSecret(passphrase) {
    const record = await sealedKey(this.db);
    const { secretKey, mnemonic } = await openSecret(record, passphrase);
    return { nsec: this.datt.nip19Encode('nsec', this.datt.hexToBytes(secretKey)), mnemonic };
  }

  async signOut() {
    await removeSealedKey(this.db);
    this.lock();
    this.#set({ account: null });
    this.#worker.postMessage({ type: 'account', pubkey: null });
  }

  // --- publishing ------------------------------------------------------------------------

  /** Signs a template with the unlocked key and publishes it (durably queued first). */
  async publish(template) {
    if (this.#secretKey === null) {
      throw new KeystoreError('locked', this.state.account ? 'unlock your key to sign' : 'create or import an account first');
    }
    const event = this.datt.signEvent(await this.#afterCurrentVersion(template), this.#secretKey);
    await this.#call('publish', { event });
    return event;
  }

  // A replaceable event is kept only if strictly newer than the stored version (on equal
  // created_at the lowest id wins), so an edit made within a second of the last one moves
  // one second past it instead of being dropped half of the time.
  async #afterCurrentVersion(template) {
    const key = replaceKey({ ...template, pubkey: this.publicKey });
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
      const event = await getByAddress(this.db, `${KIND.communityList}:${this.publicKey}`);
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
    await putSetting(this.db, 'subscriptions', list);
    if (this.unlocked) await this.publish(buildCommunityList(list, this.now()));
    this.#set({ subscriptions: list });
  }

  /** Communities and authors the current view needs kept in sync. */
  setInterest(communities, authors = []) {
    const all = [...new Set([...communities, ...this.state.subscriptions])];
    this.#worker.postMessage({ type: 'interest', communities: all, authors });
  }

  /**
   * Saves the relay list locally, then (when unlocked) publishes it as a NIP-65 event, so the
   * event goes to the new list's write relays too.
   */
  async setRelays(list) {
    await this.#call('relays', { list });
    if (this.unlocked) await this.publish(buildRelayList(list, this.now()));
  }

  benchIngest(events) {
    return this.#call('benchIngest', { events });
  }
}
