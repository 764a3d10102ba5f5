// One relay connection in the sync worker: NIP-01 over a WebSocket with reconnects
// (exponential backoff), subscriptions that are re-sent after every reconnect, catching up
// on each (re)connect, and publishing with OK tracking. It does no storage itself: events,
// acknowledgements and the local sets it reconciles come through the callbacks it is given.
//
// Catching up, per scope (docs/web.md "Catching up"):
//   - a scope with a `tag` (its local set in the store's syncKeys), on a relay whose NIP-11
//     offers NIP-77: a live REQ with limit 0, then a NIP-77 reconciliation of the local set
//     against the relay's for the scope's filter (the core's initiator in wasm), then REQs
//     by the ids we lack, in bounded batches; progress is counted per scope;
//   - otherwise, or after NEG-ERR: paging back through history with `until` (relays cap
//     `limit`), from the scope's cursor.
// A subscription ("scope") has one filter, so that paging back with `until` is exact: with
// several filters in one REQ, one filter's oldest event would set the next page of all.
// Each scope keeps its REQ open for live events; the catch-up work (pages, reconciliations,
// fetches by id) runs one job at a time per connection, so the open REQs and NIP-77
// sessions stay within a relay's per-connection cap.
import { NEG_BOUNDS, fetchRelayInfo, idsPerReq, initiatorLimits } from './negentropy.js';

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
  /** The relay's NIP-11 facts for catching up (negentropy.js fetchRelayInfo), once fetched. */
  info = null;
  #info = Promise.resolve(null);
  #datt;
  #fetchInfo;
  #ws = null;
  #attempt = 0;
  #timer = null;
  #stableTimer = null;
  #stopped = false;
  #scopes = new Map();         // sid -> {key, filter, tag, since, done, startedAt, page, until, oldest, count, catchUp}
  #pages = new Map();          // page or fetch sid -> scope sid
  #fetches = new Map();        // fetch sid -> {sid, ids}
  #negs = new Map();           // NIP-77 session sid -> {sid, scope, initiator, need, rounds, timer}
  #pageOpen = null;            // the catch-up job (page, fetch or session sid) open, if any
  #pagesWaiting = [];          // [{type: 'page' | 'neg' | 'fetch', sid, until?, ids?}] jobs after it
  #nextPage = 0;
  #attemptOf = 0;              // numbers each start of a scope's catch-up
  #btcCalls = new Map();       // request id -> {resolve, reject, timer}
  #nextBtc = 0;
  #callbacks;

  /**
   * callbacks: onEvent(event, relay), onOk(id, ok, message, relay), onSynced(scopeKey, at, relay),
   * onState(relay), onOpen(relay), onBtcEvent(notification, relay) (the Bitcoin bridge's
   * BTC-EVENT messages, docs/protocol.md), localItems(tag) -> [[created_at, id], ...] (the
   * local set of a scope's tag, for NIP-77).
   * options: datt (the wasm API; without it, or without localItems, every scope pages),
   * fetchInfo(url) -> NIP-11 facts (negentropy.js fetchRelayInfo by default).
   */
  constructor({ url, read = true, write = true }, callbacks, { datt = null, fetchInfo = fetchRelayInfo } = {}) {
    this.url = url;
    this.read = read;
    this.write = write;
    this.#callbacks = callbacks;
    this.#datt = callbacks.localItems ? datt : null;
    this.#fetchInfo = fetchInfo;
  }

  /**
   * {received, total} of the ids being fetched after reconciliation (null when none), for
   * progress; `local`: the items this browser held for those scopes when they reconciled.
   */
  get catchUp() {
    let received = 0;
    let total = 0;
    let reconciling = 0;
    let local = 0;
    for (const scope of this.#scopes.values()) {
      if (scope.done || !scope.catchUp) continue;
      if (scope.catchUp.reconciling) reconciling += 1;
      received += scope.catchUp.received;
      total += scope.catchUp.total;
      local += scope.catchUp.local ?? 0;
    }
    return total || reconciling ? { received, total, reconciling, local } : null;
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
    // Asked again on every connection: the relay may have changed (upgraded, limits moved).
    if (this.#datt && this.read) {
      this.#info = this.#fetchInfo(this.url).then((info) => (this.info = info), () => (this.info = null));
    }
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
      this.#fetches.clear();
      for (const negSid of [...this.#negs.keys()]) this.#endNeg(negSid);
      this.#pageOpen = null;
      this.#pagesWaiting = [];
      for (const scope of this.#scopes.values()) {
        scope.done = false;
        scope.catchUp = null;
        scope.negRefused = false;   // asked again on the next connection
      }
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
  subscribe(sid, key, filter, since, { maxEvents = Infinity, tag = null } = {}) {
    const scope = { key, filter, since, maxEvents, tag, done: false, startedAt: 0, page: sid, until: Infinity,
      oldest: Infinity, count: 0, total: 0, catchUp: null, negRefused: false, attempt: 0 };
    this.#scopes.set(sid, scope);
    if (this.read) this.#request(sid, scope);
  }

  unsubscribe(sid) {
    if (!this.#scopes.delete(sid)) return;
    this.#send(['CLOSE', sid]);
    for (const [page, owner] of this.#pages) {
      if (owner === sid) {
        this.#forgetPage(page);
        this.#fetches.delete(page);
        this.#send(['CLOSE', page]);
      }
    }
    for (const [negSid, session] of [...this.#negs]) {
      if (session.sid === sid) {
        this.#send(['NEG-CLOSE', negSid]);
        this.#endNeg(negSid);
      }
    }
    this.#pumpPages();
  }

  #request(sid, scope) {
    if (!this.read) return;
    scope.done = false;
    scope.startedAt = Math.floor(Date.now() / 1000);
    scope.catchUp = null;
    const attempt = scope.attempt = ++this.#attemptOf;
    if (!this.#datt || !scope.tag || scope.negRefused) {
      this.#requestPaging(sid, scope);
      return;
    }
    // NIP-77 if the relay's NIP-11 offers it (fetched when the connection started).
    this.#info.then((info) => {
      if (this.#scopes.get(sid) !== scope || scope.attempt !== attempt || this.#ws?.readyState !== 1) return;
      if (!info?.nip77 || scope.negRefused) {
        this.#requestPaging(sid, scope);
        return;
      }
      scope.page = null;       // nothing pages; the live REQ only delivers new events
      scope.catchUp = { reconciling: true, received: 0, total: 0, pending: new Set(), fetches: 0 };
      this.#send(['REQ', sid, { ...scope.filter, limit: 0 }]);
      this.#pagesWaiting.push({ type: 'neg', sid });
      this.#pumpPages();
      this.#callbacks.onState(this);
    });
  }

  #requestPaging(sid, scope) {
    scope.page = sid;
    scope.until = Infinity;
    scope.oldest = Infinity;
    scope.count = 0;
    scope.total = 0;
    scope.catchUp = null;
    const filter = { ...scope.filter, limit: PAGE, ...(scope.since ? { since: scope.since } : {}) };
    if (this.#send(['REQ', sid, filter])) this.#callbacks.onState(this);
  }

  #queuePage(sid, scope, until) {
    scope.page = null;         // nothing counts for paging until its page is sent
    this.#pagesWaiting.push({ type: 'page', sid, until });
    this.#pumpPages();
  }

  /** Starts the next catch-up job (a page, a NIP-77 session, a fetch by ids) when none is open. */
  #pumpPages() {
    while (!this.#pageOpen && this.#pagesWaiting.length) {
      const job = this.#pagesWaiting.shift();
      const scope = this.#scopes.get(job.sid);
      if (!scope || scope.done) continue;
      if (job.type === 'page') this.#requestPage(job.sid, scope, job.until);
      else if (job.type === 'neg' && scope.catchUp) this.#openNeg(job.sid, scope);
      else if (job.type === 'fetch' && scope.catchUp) this.#requestFetch(job.sid, scope, job.ids);
    }
  }

  // --- NIP-77: reconcile, then fetch what we lack ---------------------------------------

  #openNeg(sid, scope) {
    const negSid = `n${++this.#nextPage}`;
    const session = { sid, scope, initiator: null, need: new Set(), rounds: 0, timer: null };
    this.#negs.set(negSid, session);
    this.#pageOpen = negSid;
    const ws = this.#ws;
    Promise.resolve().then(() => this.#callbacks.localItems(scope.tag)).then((items) => {
      if (this.#negs.get(negSid) !== session || this.#ws !== ws) return;
      if (scope.catchUp) scope.catchUp.local = items.length;
      session.initiator = this.#datt.sync.openInitiator(items, initiatorLimits(this.info));
      this.#send(['NEG-OPEN', negSid, scope.filter, session.initiator.initiate()]);
      this.#armNegTimer(negSid, session);
    }).catch((error) => {
      if (this.#negs.get(negSid) === session) this.#negFailed(negSid, `local set: ${error?.message ?? error}`);
    });
  }

  #armNegTimer(negSid, session) {
    clearTimeout(session.timer);
    session.timer = setTimeout(() => {
      if (this.#negs.get(negSid) !== session) return;
      this.#send(['NEG-CLOSE', negSid]);
      this.#negFailed(negSid, 'no NIP-77 reply');
    }, NEG_BOUNDS.replyTimeoutMs);
  }

  /** Frees a session (its wasm set) and its job slot. */
  #endNeg(negSid) {
    const session = this.#negs.get(negSid);
    if (!session) return null;
    this.#negs.delete(negSid);
    clearTimeout(session.timer);
    session.initiator?.delete();
    session.initiator = null;
    if (this.#pageOpen === negSid) this.#pageOpen = null;
    return session;
  }

  #onNegMessage(negSid, hex) {
    const session = this.#negs.get(negSid);
    if (!session?.initiator) return;
    let step;
    try {
      step = session.initiator.reconcile(hex);
    } catch (error) {
      this.#send(['NEG-CLOSE', negSid]);
      this.#negFailed(negSid, `bad NIP-77 reply: ${error.message}`);
      return;
    }
    for (const id of step.need) if (session.need.size < NEG_BOUNDS.maxNeed) session.need.add(id);
    session.rounds += 1;
    if (step.next !== null && session.rounds < NEG_BOUNDS.maxRounds) {
      this.#send(['NEG-MSG', negSid, step.next]);
      this.#armNegTimer(negSid, session);
      return;
    }
    this.#send(['NEG-CLOSE', negSid]);
    if (step.next !== null) {
      this.#negFailed(negSid, `NIP-77 did not finish in ${NEG_BOUNDS.maxRounds} rounds`);
      return;
    }
    this.#endNeg(negSid);
    const { sid, scope } = session;
    if (this.#scopes.get(sid) !== scope || !scope.catchUp) return;
    const need = [...session.need];
    Object.assign(scope.catchUp, { reconciling: false, total: need.length, received: 0, pending: new Set(need) });
    const batch = idsPerReq(this.info);
    for (let i = 0; i < need.length; i += batch) this.#queueFetch(sid, scope, need.slice(i, i + batch));
    if (!need.length) this.#finishScope(sid, scope);
    this.#pumpPages();
    this.#callbacks.onState(this);
  }

  // NEG-ERR (or a session that went wrong): rate-limited, the reconciliation is asked again in
  // 2 s; otherwise this scope pages on this connection instead, from its cursor.
  #onNegError(negSid, reason) {
    if (!this.#negs.has(negSid)) return;
    if (reason.startsWith('rate-limited:')) {
      const { sid, scope } = this.#endNeg(negSid);
      setTimeout(() => {
        if (this.#scopes.get(sid) !== scope || !this.#ws || scope.done || !scope.catchUp) return;
        this.#pagesWaiting.push({ type: 'neg', sid });
        this.#pumpPages();
      }, 2000);
      this.#pumpPages();
      return;
    }
    this.#negFailed(negSid, `NIP-77 refused: ${reason.slice(0, 200)}`);
  }

  #negFailed(negSid, why) {
    const { sid, scope } = this.#endNeg(negSid);
    this.error = why;
    if (this.#scopes.get(sid) === scope && !scope.done) {
      scope.negRefused = true;
      this.#requestPaging(sid, scope);   // replaces the live REQ (same id) with the first page
    }
    this.#pumpPages();
    this.#callbacks.onState(this);
  }

  #queueFetch(sid, scope, ids, first = false) {
    scope.catchUp.fetches += 1;
    const job = { type: 'fetch', sid, ids };
    if (first) this.#pagesWaiting.unshift(job);
    else this.#pagesWaiting.push(job);
  }

  #requestFetch(sid, scope, ids) {
    const fetchSid = `f${++this.#nextPage}`;
    this.#pages.set(fetchSid, sid);
    this.#fetches.set(fetchSid, { sid, ids });
    this.#pageOpen = fetchSid;
    this.#send(['REQ', fetchSid, { ids, limit: ids.length }]);
  }

  // A fetch by ids ended (EOSE, or CLOSED with `reason`). Ids the relay did not send come again
  // in the next batch when it sent some (a reply cut by the relay's queue cap); a batch that
  // brought none is given up (the relay no longer has them). Rate-limited: asked again in 2 s.
  #endFetch(fetchSid, reason = null) {
    const fetch = this.#fetches.get(fetchSid);
    this.#fetches.delete(fetchSid);
    this.#forgetPage(fetchSid);
    const scope = this.#scopes.get(fetch.sid);
    if (!scope?.catchUp || scope.done) return;
    scope.catchUp.fetches -= 1;
    const missing = fetch.ids.filter((id) => scope.catchUp.pending.has(id));
    if (reason?.startsWith('rate-limited:')) {
      scope.catchUp.fetches += 1;
      setTimeout(() => {
        if (this.#scopes.get(fetch.sid) !== scope || !this.#ws || scope.done || !scope.catchUp) return;
        this.#pagesWaiting.unshift({ type: 'fetch', sid: fetch.sid, ids: missing });
        this.#pumpPages();
      }, 2000);
      return;
    }
    if (missing.length && missing.length < fetch.ids.length && reason === null) this.#queueFetch(fetch.sid, scope, missing, true);
    else for (const id of missing) scope.catchUp.pending.delete(id);
    if (scope.catchUp.fetches === 0) this.#finishScope(fetch.sid, scope);
  }

  /** A scope caught up: its cursor (for paging, should NIP-77 go away) is saved once its events are stored. */
  #finishScope(sid, scope) {
    scope.done = true;
    scope.since = Math.max(0, scope.startedAt - RESYNC_MARGIN_S);
    this.#callbacks.onSynced(scope.key, scope.startedAt, this);
    this.#callbacks.onState(this);
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
    if (typeof data !== 'string') return;
    if (data.length > MAX_MESSAGE_CHARS && !(data.length <= NEG_BOUNDS.maxMessageChars && data.startsWith('["NEG-MSG"'))) return;
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
      const pending = this.#fetches.has(a) && scope.catchUp?.pending;
      if (pending && typeof b.id === 'string' && pending.delete(b.id)) scope.catchUp.received += 1;
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
    } else if (type === 'NEG-MSG' && typeof a === 'string' && typeof b === 'string') {
      this.#onNegMessage(a, b);
    } else if (type === 'NEG-ERR' && typeof a === 'string') {
      this.#onNegError(a, typeof b === 'string' ? b : '');
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
    if (this.#fetches.has(subId)) {
      this.#endFetch(subId, reason);
      this.#pumpPages();
      this.#callbacks.onState(this);
      return;
    }
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
    if (this.#fetches.has(subId)) {
      this.#send(['CLOSE', subId]);
      this.#endFetch(subId);
      this.#pumpPages();
      this.#callbacks.onState(this);
      return;
    }
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
