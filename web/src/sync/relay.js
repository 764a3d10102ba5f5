// One relay connection in the sync worker: NIP-01 over a WebSocket with reconnects
// (exponential backoff), subscriptions that are re-sent after every reconnect, paging back
// through history with `until` (relays cap `limit`), and publishing with OK tracking.
// It does no storage itself: events and acknowledgements go to the callbacks it is given.

const PAGE = 500;              // the relay's max limit is typical; more is capped anyway
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const MAX_MESSAGE_BYTES = 1 << 20;

export class RelayConnection {
  url;
  read;
  write;
  state = 'idle';              // idle | connecting | open | closed | error
  error = '';
  received = 0;
  #ws = null;
  #attempt = 0;
  #timer = null;
  #stopped = false;
  #scopes = new Map();         // sid -> {key, filters, since, pages, done, newest}
  #pages = new Map();          // page sid -> scope sid
  #nextPage = 0;
  #callbacks;

  /**
   * callbacks: onEvent(event, relay), onOk(id, ok, message, relay), onSynced(scopeKey, at, relay),
   * onState(relay), onOpen(relay)
   */
  constructor({ url, read = true, write = true }, callbacks) {
    this.url = url;
    this.read = read;
    this.write = write;
    this.#callbacks = callbacks;
  }

  get synced() {
    let n = 0;
    for (const scope of this.#scopes.values()) if (scope.done) ++n;
    return n;
  }
  get scopeCount() {
    return this.#scopes.size;
  }

  connect() {
    if (this.#stopped || this.#ws) return;
    this.#setState('connecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (error) {
      this.#setState('error', `cannot connect: ${error.message}`);
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      this.#attempt = 0;
      this.#setState('open');
      for (const [sid, scope] of this.#scopes) this.#request(sid, scope);
      this.#callbacks.onOpen?.(this);
    };
    ws.onmessage = (message) => this.#onMessage(message.data);
    ws.onerror = () => {
      this.error = 'connection failed';
    };
    ws.onclose = (event) => {
      this.#ws = null;
      this.#pages.clear();
      for (const scope of this.#scopes.values()) scope.done = false;
      if (this.#stopped) {
        this.#setState('closed');
        return;
      }
      this.#setState('closed', event.reason || this.error || `closed (${event.code})`);
      this.#scheduleReconnect();
    };
  }

  /** Reconnects now (e.g. the browser came back online). */
  retry() {
    if (this.#ws || this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = null;
    this.connect();
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#ws?.close();
    this.#setState('closed');
  }

  #scheduleReconnect() {
    if (this.#timer || this.#stopped) return;
    const delay = BACKOFF_MS[Math.min(this.#attempt++, BACKOFF_MS.length - 1)];
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.connect();
    }, delay);
  }

  #setState(state, error = '') {
    this.state = state;
    this.error = error;
    this.#callbacks.onState(this);
  }

  #send(message) {
    if (this.#ws?.readyState !== 1) return false;
    this.#ws.send(JSON.stringify(message));
    return true;
  }

  /**
   * Keeps a subscription: `key` names it for sync cursors, `since` is where the last
   * complete sync ended (undefined: everything). Re-subscribing a key updates its filters.
   */
  subscribe(sid, key, filters, since) {
    const scope = { key, filters, since, done: false, startedAt: 0 };
    this.#scopes.set(sid, scope);
    if (this.read) this.#request(sid, scope);
  }

  unsubscribe(sid) {
    if (!this.#scopes.delete(sid)) return;
    this.#send(['CLOSE', sid]);
    for (const [page, owner] of this.#pages) {
      if (owner === sid) {
        this.#pages.delete(page);
        this.#send(['CLOSE', page]);
      }
    }
  }

  #request(sid, scope) {
    if (!this.read) return;
    scope.done = false;
    scope.startedAt = Math.floor(Date.now() / 1000);
    scope.until = Infinity;
    scope.oldest = Infinity;
    const filters = scope.filters.map((f) => ({ ...f, limit: PAGE, ...(scope.since ? { since: scope.since } : {}) }));
    if (this.#send(['REQ', sid, ...filters])) this.#callbacks.onState(this);
  }

  #requestPage(sid, scope) {
    const page = `p${++this.#nextPage}`;
    this.#pages.set(page, sid);
    const until = scope.oldest;
    scope.until = until;
    scope.oldest = Infinity;
    const filters = scope.filters.map((f) => ({ ...f, limit: PAGE, until,
      ...(scope.since ? { since: scope.since } : {}) }));
    this.#send(['REQ', page, ...filters]);
  }

  publish(event) {
    return this.write && this.#send(['EVENT', event]);
  }

  #onMessage(data) {
    if (typeof data !== 'string' || data.length > MAX_MESSAGE_BYTES) return;
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!Array.isArray(message)) return;
    const [type, a, b, c] = message;
    if (type === 'EVENT' && typeof a === 'string' && b && typeof b === 'object') {
      const sid = this.#pages.get(a) ?? a;
      const scope = this.#scopes.get(sid);
      if (!scope) return;
      ++this.received;
      if (typeof b.created_at === 'number' && b.created_at < scope.oldest) scope.oldest = b.created_at;
      this.#callbacks.onEvent(b, this);
    } else if (type === 'EOSE' && typeof a === 'string') {
      this.#onEose(a);
    } else if (type === 'OK' && typeof a === 'string') {
      this.#callbacks.onOk(a, b === true, typeof c === 'string' ? c : '', this);
    } else if (type === 'CLOSED' && typeof a === 'string') {
      const sid = this.#pages.get(a) ?? a;
      if (this.#scopes.has(sid)) this.error = `subscription refused: ${b}`;
      this.#callbacks.onState(this);
    } else if (type === 'NOTICE' && typeof a === 'string') {
      this.error = a.slice(0, 200);
      this.#callbacks.onState(this);
    }
  }

  // A page ended: page further back (until = its oldest created_at) while pages make
  // progress in time; then the scope is synced up to the time its first request was sent.
  #onEose(subId) {
    const page = this.#pages.has(subId);
    const sid = page ? this.#pages.get(subId) : subId;
    if (page) {
      this.#pages.delete(subId);
      this.#send(['CLOSE', subId]);
    }
    const scope = this.#scopes.get(sid);
    if (!scope || scope.done) return;
    if (scope.oldest < scope.until) {
      this.#requestPage(sid, scope);
      return;
    }
    scope.done = true;
    this.#callbacks.onSynced(scope.key, scope.startedAt, this);
    this.#callbacks.onState(this);
  }
}
