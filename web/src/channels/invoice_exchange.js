// The tip invoice exchange in the owner tab's sync worker (docs/web.md "Tips over the
// channel"; the rules in invoice_request.js), over the channel hub's WebSocket (the relay
// where both channels live, channels/sync.js): NIP-01 text frames beside the hub's binary ones.
//
// As the author: a live subscription {kinds:[24570], '#p':[me], since: now}; each request is
// checked at the edge (size, signature, freshness, target, amount, rate), then answered: with
// an invoice when the target is one of ours, a channel is ready with room to receive, and a
// tab of ours holds the unlocked key (it signs the invoice with the Nostr key; the preimage is
// committed by ChannelSync.tipInvoice before the answer leaves), or with a status.
// As the payer: ask(request) publishes the request the tab signed and waits for the answer
// (ASK_TIMEOUT_MS; none: the author is offline).
import { answerTemplate, checkRequest, KIND_INVOICE_ANSWER, KIND_INVOICE_REQUEST, RequestRateLimit } from './invoice_request.js';

export const ASK_TIMEOUT_MS = 5000;
const SIGN_TIMEOUT_MS = 2500;
const REQUESTS_SID = 'tipreq';

export class InvoiceExchange {
  #datt;
  #channels;
  #self;
  #eventOf;
  #askTabs;
  #send = null;                 // text sender of the hub connection, null while it is down
  #answerKey = null;            // this worker's throwaway key for answers
  #limit = new RequestRateLimit();
  #seen = new Set();            // request ids answered (a relay may deliver one twice)
  #asks = new Map();            // request id -> {resolve}
  #signs = new Map();           // sign id -> {resolve}
  #nextSign = 0;

  /**
   * `self()`: the account's key or null; `eventOf(id)`: a stored event or null; `askTabs(message)`:
   * posts to the tabs.
   */
  constructor({ datt, channels, self, eventOf, askTabs }) {
    this.#datt = datt;
    this.#channels = channels;
    this.#self = self;
    this.#eventOf = eventOf;
    this.#askTabs = askTabs;
  }

  /** The hub connection opened (send(text) writes a text frame) or closed (null). */
  connected(send) {
    this.#send = send;
    if (send) this.resubscribe();
  }

  /** (Re)subscribes to requests for the current account. */
  resubscribe() {
    if (!this.#send) return;
    this.#send(JSON.stringify(['CLOSE', REQUESTS_SID]));
    const self = this.#self();
    if (self) {
      this.#send(JSON.stringify(['REQ', REQUESTS_SID, { kinds: [KIND_INVOICE_REQUEST], '#p': [self], since: Math.floor(Date.now() / 1000) - 5 }]));
    }
  }

  /** A text frame from the hub connection. */
  onText(text) {
    if (typeof text !== 'string' || text.length > 16384) return;
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (!Array.isArray(message)) return;
    if (message[0] === 'EVENT' && message[1] === REQUESTS_SID) {
      this.#answer(message[2]).catch(() => {});
    } else if (message[0] === 'EVENT' && typeof message[1] === 'string') {
      const ask = [...this.#asks.values()].find((a) => a.sid === message[1]);
      if (ask && message[2]?.kind === KIND_INVOICE_ANSWER) ask.resolve({ answer: message[2] });
    } else if (message[0] === 'OK' && message[2] === false) {
      const ask = this.#asks.get(message[1]);
      if (ask) ask.resolve({ refused: String(message[3] ?? '').slice(0, 300) });
    } else if (message[0] === 'CLOSED' && typeof message[1] === 'string') {
      const ask = [...this.#asks.values()].find((a) => a.sid === message[1]);
      if (ask) ask.resolve({ refused: String(message[2] ?? '').slice(0, 300) });
    }
  }

  // --- the payer ----------------------------------------------------------------------------

  /** Publishes the signed request and waits for its answer: {answer} (unchecked), {refused}, or {status: 'no_answer'}. */
  ask(request) {
    if (!this.#send) return Promise.reject(new Error('not connected to the hub: wait for the connection'));
    if (request?.kind !== KIND_INVOICE_REQUEST || !/^[0-9a-f]{64}$/.test(request.id)) return Promise.reject(new Error('bad request'));
    const sid = `ans:${request.id.slice(0, 32)}`;   // NIP-01: at most 64 characters
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish({ status: 'no_answer' }), ASK_TIMEOUT_MS);
      const finish = (value) => {
        clearTimeout(timer);
        this.#asks.delete(request.id);
        this.#send?.(JSON.stringify(['CLOSE', sid]));
        resolve(value);
      };
      this.#asks.set(request.id, { sid, resolve: finish });
      this.#send(JSON.stringify(['REQ', sid, { kinds: [KIND_INVOICE_ANSWER], '#e': [request.id] }]));
      this.#send(JSON.stringify(['EVENT', request]));
    });
  }

  // --- the author ---------------------------------------------------------------------------

  /** A tab's signature of a tip invoice (or its refusal) for sign id `id`. */
  signed({ id, invoice, error }) {
    this.#signs.get(id)?.resolve(typeof invoice === 'string' ? { invoice } : { error: String(error ?? 'refused') });
  }

  /** Asks the tabs to sign `fields` with `author`'s key: the invoice, or null when no tab can in time. */
  #signInTab(author, fields) {
    const id = `s${++this.#nextSign}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done({ error: 'no tab answered' }), SIGN_TIMEOUT_MS);
      let errors = 0;
      const done = (value) => {
        // Every tab answers; one with the key unlocked signs. A refusal waits for the others.
        if (value.error && value.error !== 'no tab answered' && ++errors < 8) return;
        clearTimeout(timer);
        this.#signs.delete(id);
        resolve(value.invoice ?? null);
      };
      this.#signs.set(id, { resolve: done });
      this.#askTabs({ type: 'tipInvoiceSign', signId: id, author, fields });
    });
  }

  async #answer(event) {
    const self = this.#self();
    if (!self || !this.#send || typeof event?.id !== 'string' || this.#seen.has(event.id)) return;
    let request;
    try {
      request = checkRequest(event, { self, nowSeconds: Math.floor(Date.now() / 1000), verify: (e) => this.#datt.verifyEvent(e) });
    } catch {
      return;   // not answerable (forged, stale, not for us): no answer, like a relay that dropped it
    }
    if (this.#seen.size > 10000) this.#seen.clear();
    this.#seen.add(request.id);
    let status = 'invoice';
    let invoice = '';
    if (!this.#limit.allow(request.payer, Date.now())) {
      status = 'rate_limited';
    } else {
      const target = await this.#eventOf(request.target);
      if (!target || target.pubkey !== self) {
        status = 'unknown_target';
      } else {
        const made = await this.#channels.tipInvoice({
          amountMsat: request.amountMsat, target: request.target,
          sign: (fields) => this.#signInTab(self, fields),
        }).catch(() => ({ status: 'no_channel' }));   // the channel could not make one now
        status = made.status ?? 'invoice';
        invoice = made.invoice ?? '';
      }
    }
    this.#answerKey ??= this.#datt.generateSecretKey();
    const answer = this.#datt.signEvent(answerTemplate({ request, status, invoice, createdAt: Math.floor(Date.now() / 1000) }),
      this.#answerKey);
    this.#send?.(JSON.stringify(['EVENT', answer]));
  }
}
