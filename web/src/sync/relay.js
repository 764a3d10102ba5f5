// One relay connection in the sync worker: NIP-01 over a WebSocket with reconnects
// (exponential backoff), subscriptions that are re-sent after every reconnect, paging back
// through history with `until` (relays cap `limit`), and publishing with OK tracking.
// It does no storage itself: events and acknowledgements go to the callbacks it is given.
//
// A subscription ("scope") has one filter, so that paging back with `until` is exact: with
// several filters in one REQ, one filter's oldest event would set the next page of all.
// Each scope keeps its REQ open for live events; the pages back in time are read one at a
// time per connection, so the open REQs stay within a relay's per-connection cap.

const PAGE = 500;              // the relay's max limit is typical; more is capped anyway
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const STABLE_MS = 10000;       // a connection up this long resets the backoff
const MAX_MESSAGE_CHARS = 256 * 1024;  // as datt-relay's message limit; a Datt post is at most 40,000 characters
/** A sync resumes this long before the previous one started (events published late). */
export const RESYNC_MARGIN_S = 3600;

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
  #stableTimer = null;
  #stopped = false;
  #scopes = new Map();         // sid -> {key, filter, since, done, startedAt, page, until, oldest, count}
  #pages = new Map();          // page sid -> scope sid
  #pageOpen = null;            // the page sid being read, if any
  #pagesWaiting = [];          // [{sid, until}] pages to read after it
  #nextPage = 0;
  #btcCalls = new Map();       // request id -> {resolve, reject, timer}
  #nextBtc = 0;
  #callbacks;

  /**
   * callbacks: onEvent(event, relay), onOk(id, ok, message, relay), onSynced(scopeKey, at, relay),
   * onState(relay), onOpen(relay), onBtcEvent(notification, relay) (the Bitcoin bridge's
   * BTC-EVENT messages, docs/protocol.md)
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
      // A relay that accepts and then drops the connection must still back off.
      this.#stableTimer = setTimeout(() => { this.#attempt = 0; }, STABLE_MS);
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
      for (const call of this.#btcCalls.values()) call.fail('relay_closed', 'the relay connection closed');
      clearTimeout(this.#stableTimer);
      this.#pages.clear();
      this.#pageOpen = null;
      this.#pagesWaiting = [];
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
   * Keeps a subscription to one filter: `key` names it for sync cursors, `since` is where
   * to resume (undefined: everything). After each complete sync it resumes from there.
   * `maxEvents` bounds how far back one sync pages (newest first).
   */
  subscribe(sid, key, filter, since, { maxEvents = Infinity } = {}) {
    const scope = { key, filter, since, maxEvents, done: false, startedAt: 0, page: sid, until: Infinity,
      oldest: Infinity, count: 0, total: 0 };
    this.#scopes.set(sid, scope);
    if (this.read) this.#request(sid, scope);
  }

  unsubscribe(sid) {
    if (!this.#scopes.delete(sid)) return;
    this.#send(['CLOSE', sid]);
    for (const [page, owner] of this.#pages) {
      if (owner === sid) {
        this.#forgetPage(page);
        this.#send(['CLOSE', page]);
      }
    }
    this.#pumpPages();
  }

  #request(sid, scope) {
    if (!this.read) return;
    scope.done = false;
    scope.startedAt = Math.floor(Date.now() / 1000);
    scope.page = sid;
    scope.until = Infinity;
    scope.oldest = Infinity;
    scope.count = 0;
    scope.total = 0;
    const filter = { ...scope.filter, limit: PAGE, ...(scope.since ? { since: scope.since } : {}) };
    if (this.#send(['REQ', sid, filter])) this.#callbacks.onState(this);
  }

  #queuePage(sid, scope, until) {
    scope.page = null;         // nothing counts for paging until its page is sent
    this.#pagesWaiting.push({ sid, until });
    this.#pumpPages();
  }

  #pumpPages() {
    while (!this.#pageOpen && this.#pagesWaiting.length) {
      const { sid, until } = this.#pagesWaiting.shift();
      const scope = this.#scopes.get(sid);
      if (scope && !scope.done) this.#requestPage(sid, scope, until);
    }
  }

  #requestPage(sid, scope, until) {
    const page = `p${++this.#nextPage}`;
    this.#pages.set(page, sid);
    this.#pageOpen = page;
    scope.page = page;
    scope.until = until;
    scope.oldest = Infinity;
    scope.count = 0;
    this.#send(['REQ', page, { ...scope.filter, limit: PAGE, until, ...(scope.since ? { since: scope.since } : {}) }]);
  }

  /**
   * A Bitcoin bridge request (["BTC", id, {method, ...params}]): resolves with the BTC-OK
   * result, rejects with an Error carrying the BTC-ERR code (or relay_closed, btc_timeout).
   */
  btc(method, params = {}, timeoutMs = 30000) {
    const id = `b${++this.#nextBtc}`;
    return new Promise((resolve, reject) => {
      const fail = (code, message) => {
        clearTimeout(call.timer);
        this.#btcCalls.delete(id);
        reject(Object.assign(new Error(message), { code }));
      };
      const call = { resolve, fail, timer: setTimeout(() => fail('btc_timeout', `${method}: no answer from the relay`), timeoutMs) };
      this.#btcCalls.set(id, call);
      if (!this.#send(['BTC', id, { method, ...params }])) fail('relay_closed', 'the relay is not connected');
    });
  }

  #onBtcReply(id, ok, body) {
    const call = this.#btcCalls.get(id);
    if (!call) return;
    if (body === null || typeof body !== 'object') {
      call.fail('btc_malformed', 'malformed reply from the relay');
      return;
    }
    if (!ok) {
      call.fail(typeof body.code === 'string' ? body.code : 'btc_error',
        typeof body.message === 'string' ? body.message.slice(0, 300) : 'the relay refused the request');
      return;
    }
    clearTimeout(call.timer);
    this.#btcCalls.delete(id);
    call.resolve(body);
  }

  publish(event) {
    return this.write && this.#send(['EVENT', event]);
  }

  #onMessage(data) {
    if (typeof data !== 'string' || data.length > MAX_MESSAGE_CHARS) return;
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
      // Only the page being read moves the paging; live events (any created_at) do not, nor
      // events outside the page's `until` (a relay ignoring it would make us page forever).
      if (!scope.done && a === scope.page && Number.isInteger(b.created_at) && b.created_at <= scope.until) {
        scope.count += 1;
        scope.total += 1;
        if (b.created_at < scope.oldest) scope.oldest = b.created_at;
      }
      this.#callbacks.onEvent(b, this);
    } else if (type === 'EOSE' && typeof a === 'string') {
      this.#onEose(a);
    } else if (type === 'OK' && typeof a === 'string') {
      this.#callbacks.onOk(a, b === true, typeof c === 'string' ? c : '', this);
    } else if (type === 'CLOSED' && typeof a === 'string') {
      this.#onClosed(a, typeof b === 'string' ? b : '');
    } else if ((type === 'BTC-OK' || type === 'BTC-ERR') && typeof a === 'string') {
      this.#onBtcReply(a, type === 'BTC-OK', b);
    } else if (type === 'BTC-EVENT' && a && typeof a === 'object') {
      this.#callbacks.onBtcEvent?.(a, this);
    } else if (type === 'NOTICE' && typeof a === 'string') {
      this.error = a.slice(0, 200);
      this.#callbacks.onState(this);
    }
  }

  // The relay ended a REQ (NIP-01 CLOSED). Rate-limited: asked again in 2 s. Otherwise (a cap
  // on REQs, a refused filter) the scope gives up until the next connection: it counts as
  // finished for progress, with the reason shown, and writes no cursor.
  #onClosed(subId, reason) {
    const sid = this.#pages.get(subId) ?? subId;
    const page = this.#forgetPage(subId);
    const scope = this.#scopes.get(sid);
    if (scope && !scope.done && (subId === scope.page || !page)) {
      this.error = `subscription refused: ${reason.slice(0, 200)}`;
      if (reason.startsWith('rate-limited:')) {
        const until = scope.until;
        setTimeout(() => {
          if (this.#scopes.get(sid) !== scope || !this.#ws || scope.done) return;
          if (page) this.#queuePage(sid, scope, until);
          else this.#request(sid, scope);
        }, 2000);
      } else {
        scope.done = true;
      }
    }
    this.#pumpPages();
    this.#callbacks.onState(this);
  }

  // A page ended. The next page ends at its oldest created_at (inclusive, so events of that
  // second beyond the limit come next); a page that is all one second steps one second back.
  // An empty page ends the sync, which then counts up to the time its first request was sent.
  #onEose(subId) {
    const sid = this.#pages.get(subId) ?? subId;
    if (this.#forgetPage(subId)) this.#send(['CLOSE', subId]);
    this.#endPage(subId, sid);
    this.#pumpPages();
  }

  /** Drops a page subscription's bookkeeping; false if `subId` is not a page. */
  #forgetPage(subId) {
    if (!this.#pages.delete(subId)) return false;
    if (this.#pageOpen === subId) this.#pageOpen = null;
    return true;
  }

  #endPage(subId, sid) {
    const scope = this.#scopes.get(sid);
    if (!scope || scope.done || subId !== scope.page) return;
    if (scope.count > 0 && scope.total < scope.maxEvents) {
      const until = scope.oldest < scope.until ? scope.oldest : scope.until - 1;
      if (!scope.since || until >= scope.since) {
        this.#queuePage(sid, scope, until);
        return;
      }
    }
    scope.done = true;
    // A reconnect resumes near here instead of paging through everything again.
    scope.since = Math.max(0, scope.startedAt - RESYNC_MARGIN_S);
    this.#callbacks.onSynced(scope.key, scope.startedAt, this);
    this.#callbacks.onState(this);
  }
}
