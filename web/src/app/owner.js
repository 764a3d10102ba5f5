// One tab owns the local state: the tab holding the Web Lock `datt-owner` runs the sync
// worker (relays, verification, every IndexedDB write); the other tabs follow it. Every tab,
// the owner's included, talks to that worker over the BroadcastChannel `datt-sync`:
//
//   tab -> owner   hello, interest {communities, authors}, account, online, bye,
//                  and requests with an `rpc` id: publish {event}, relays {list},
//                  subscriptions {list}, benchIngest
//   owner -> tabs  owner {id} (on start and in answer to hello), changed, relays, outbox,
//                  error, fatal, and rpc {to, id, ok, value | error}
//
// Requests are sent to the owner the tab last heard from; when another owner announces
// itself (the old one's tab closed, so the lock passed on) the tab sends its interest and
// its unanswered requests again. Every request is idempotent (a publish is keyed by the
// event id, a relay list replaces the last), so one answered twice does no harm.
// docs/web.md "Tabs" says why Web Locks and not a SharedWorker.
export const LOCK_NAME = 'datt-owner';
export const CHANNEL_NAME = 'datt-sync';

export class OwnerLink {
  /** This tab's id on the channel. */
  tabId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  /** True while this tab holds the lock and runs the sync worker. */
  owns = false;
  #channel = new BroadcastChannel(CHANNEL_NAME);
  #owner = null;             // id of the owner heard from last
  #pending = new Map();      // rpc id -> {message, resolve, reject}
  #nextRpc = 0;
  #interest = null;
  #onMessage;
  #onOwned;

  /**
   * onMessage(message): broadcasts from the owner (changed, relays, outbox, ...).
   * onOwned(worker): this tab became the owner; `worker` is its sync worker.
   */
  constructor({ onMessage, onOwned }) {
    this.#onMessage = onMessage;
    this.#onOwned = onOwned;
    this.#channel.onmessage = (e) => this.#receive(e.data);
    addEventListener('pagehide', () => this.#send({ type: 'bye' }));
  }

  /** Waits for the lock (now or when the owner's tab closes) and then runs the worker. */
  start() {
    this.#send({ type: 'hello' });
    if (!navigator.locks) {
      // No Web Locks (an old browser): every tab syncs for itself, as before there was an owner.
      this.#becomeOwner();
      return;
    }
    navigator.locks.request(LOCK_NAME, () => {
      this.#becomeOwner();
      return new Promise(() => {});   // held until this tab closes
    }).catch((error) => this.#onMessage({ type: 'fatal', message: `cannot coordinate tabs: ${error.message}` }));
  }

  #becomeOwner() {
    this.owns = true;
    const worker = new Worker('/worker.js', { type: 'module' });
    this.#onOwned(worker);
  }

  /** Sends a message to the owner without waiting for an answer. */
  notify(type, payload = {}) {
    if (type === 'interest') this.#interest = payload;
    this.#send({ type, ...payload });
  }

  /** A request to the owner; resolves with its answer (sent again to a new owner). */
  call(type, payload = {}) {
    const id = ++this.#nextRpc;
    return new Promise((resolve, reject) => {
      const message = { type, rpc: id, ...payload };
      this.#pending.set(id, { message, resolve, reject });
      if (this.#owner) this.#send(message);
    });
  }

  #send(message) {
    this.#channel.postMessage({ ...message, from: this.tabId, to: this.#owner ?? 'owner' });
  }

  #receive(message) {
    if (!message || (message.to && message.to !== this.tabId && message.to !== 'all')) return;
    if (message.type === 'owner') {
      if (message.id === this.#owner) return;
      this.#owner = message.id;
      // A new owner knows nothing of this tab yet.
      if (this.#interest) this.#send({ type: 'interest', ...this.#interest });
      for (const { message: request } of this.#pending.values()) this.#send(request);
      this.#onMessage(message);
      return;
    }
    if (message.type === 'rpc') {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (!pending) return;
      if (message.ok) pending.resolve(message.value);
      else pending.reject(new Error(message.error));
      return;
    }
    this.#onMessage(message);
  }
}
