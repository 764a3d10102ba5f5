// Asking an author for a tip invoice over the relay (docs/protocol.md "Tip invoice requests"):
// two ephemeral kinds the relay delivers live and never stores. The payer signs a request
// (kind 24570: the author, the target, the amount); the author's browser, when it is online
// with a ready channel and a tab holding the unlocked key, answers (kind 24571) with a BOLT-11
// invoice signed by the author's Nostr key (description `datt:tip:<target>`, its channel_id in
// payment_metadata so the hub routes it), or with a status saying why not. The answer event is
// signed by a throwaway key of the answering browser: the invoice's own signature is what the
// payer trusts, so a forged answer can at most send the payer to the on-chain tip, which a
// relay dropping the request could do anyway.
// Pure rules only (no I/O): tests/web/invoice_request.test.mjs runs them in Node.

export const KIND_INVOICE_REQUEST = 24570;
export const KIND_INVOICE_ANSWER = 24571;

export const INVOICE_REQUEST_LIMITS = {
  maxEventChars: 4096,          // a request or answer larger than this is refused unread
  freshSeconds: 60,             // a request more than this away from the author's clock is stale (replays)
  invoiceExpirySeconds: 120,    // the invoice's BOLT-11 expiry
  maxMsat: 10_000_000_000n,     // 10,000,000 sats: more is refused (an on-chain tip then)
  perPayerPerMinute: 6,
  totalPerMinute: 30,
  maxInvoiceChars: 1191,        // what a 0xd3 hop payload carries (docs/protocol.md "Receipts")
};

/** The answer's statuses: `invoice` carries one; the others say why there is none. */
export const ANSWER_STATUSES = ['invoice', 'no_channel', 'no_room', 'locked', 'unknown_target', 'rate_limited', 'bad_request',
  'too_many_invoices'];

export class InvoiceRequestError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'InvoiceRequestError';
    this.code = code;
  }
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;
const fail = (code, message) => {
  throw new InvoiceRequestError(code, message);
};

/** What a payer is told for each status (and for no answer at all). */
export function statusMessage(status) {
  switch (status) {
    case 'no_answer': return 'The author\'s browser did not answer (offline, or not on this hub): tip on chain instead.';
    case 'no_channel': return 'The author has no open channel to this hub: tip on chain instead.';
    case 'no_room': return 'The author\'s channel cannot receive that much right now: try less, or tip on chain.';
    case 'locked': return 'The author is online but their key is locked, so they cannot sign an invoice: tip on chain instead.';
    case 'unknown_target': return 'The author\'s browser does not know this post as theirs.';
    case 'rate_limited': return 'The author\'s browser gets too many requests: try again in a minute.';
    case 'bad_request': return 'The author\'s browser refused the request.';
    case 'too_many_invoices': return 'The author\'s browser holds too many unpaid invoices: try again later, or tip on chain.';
    default: return `The author's browser answered "${status}".`;
  }
}

function tagsOf(event, allowed) {
  if (!Array.isArray(event.tags) || event.tags.length !== new Set(event.tags.map((t) => t?.[0])).size) {
    fail('invoice_request_tags', 'each tag at most once');
  }
  const out = {};
  for (const tag of event.tags) {
    if (!Array.isArray(tag) || tag.length !== 2 || typeof tag[1] !== 'string' || !allowed.includes(tag[0])) {
      fail('invoice_request_tags', 'an unknown or malformed tag');
    }
    out[tag[0]] = tag[1];
  }
  return out;
}

function checkEnvelope(event, kind, verify) {
  if (!event || typeof event !== 'object') fail('invoice_request_malformed', 'not an event');
  let size;
  try {
    size = JSON.stringify(event).length;
  } catch {
    fail('invoice_request_malformed', 'not an event');
  }
  if (size > INVOICE_REQUEST_LIMITS.maxEventChars) fail('invoice_request_too_large', 'the event is too large');
  if (event.kind !== kind) fail('invoice_request_kind', `not a kind ${kind}`);
  if (!HEX64.test(event.id) || !HEX64.test(event.pubkey) || !HEX128.test(event.sig) || !Number.isSafeInteger(event.created_at)) {
    fail('invoice_request_malformed', 'bad id, pubkey, signature or created_at');
  }
  if (event.content !== '') fail('invoice_request_content', 'the content must be empty');
  if (!verify(event)) fail('invoice_request_signature', 'the event does not verify');
}

function msatOf(text) {
  if (typeof text !== 'string' || !/^[1-9]\d{0,18}$/.test(text)) fail('invoice_request_amount', 'the amount is not a decimal msat');
  const msat = BigInt(text);
  if (msat % 1000n !== 0n || msat > INVOICE_REQUEST_LIMITS.maxMsat) {
    fail('invoice_request_amount', 'tips are whole sats, at least 1 and at most 10,000,000');
  }
  return msat;
}

/** The payer's request template (signed with the payer's key). */
export function requestTemplate({ author, target, amountMsat, createdAt }) {
  if (!HEX64.test(author) || !HEX64.test(target)) fail('invoice_request_malformed', 'bad author or target');
  msatOf(String(amountMsat));
  return { kind: KIND_INVOICE_REQUEST, created_at: createdAt, content: '',
    tags: [['p', author], ['e', target], ['amount', String(amountMsat)]] };
}

/**
 * A request as the author's browser takes it: {id, payer, target, amountMsat}, or an
 * InvoiceRequestError. `self`: the author's key (the `p` tag must name it); `verify(event)`:
 * the event's id and signature (datt.verifyEvent).
 */
export function checkRequest(event, { self, nowSeconds, verify }) {
  checkEnvelope(event, KIND_INVOICE_REQUEST, verify);
  const tags = tagsOf(event, ['p', 'e', 'amount']);
  if (tags.p !== self) fail('invoice_request_not_for_us', 'the request names another author');
  if (!HEX64.test(tags.e ?? '')) fail('invoice_request_malformed', 'no target');
  const amountMsat = msatOf(tags.amount);
  if (Math.abs(event.created_at - nowSeconds) > INVOICE_REQUEST_LIMITS.freshSeconds) fail('invoice_request_stale', 'the request is too old or in the future');
  if (event.pubkey === self) fail('invoice_request_self', 'a tip to oneself');
  return { id: event.id, payer: event.pubkey, target: tags.e, amountMsat };
}

/** The author's answer template (signed with the answering browser's throwaway key). */
export function answerTemplate({ request, status, invoice = '', createdAt }) {
  if (!ANSWER_STATUSES.includes(status)) fail('invoice_request_status', 'unknown status');
  const tags = [['e', request.id], ['p', request.payer], ['status', status]];
  if (status === 'invoice') tags.push(['bolt11', invoice]);
  return { kind: KIND_INVOICE_ANSWER, created_at: createdAt, content: '', tags };
}

/**
 * An answer as the payer takes it: {status, invoice?} for `request` (the payer's own signed
 * request event), or an InvoiceRequestError. The invoice is checked by checkTipInvoice.
 */
export function checkAnswer(event, { request, verify }) {
  checkEnvelope(event, KIND_INVOICE_ANSWER, verify);
  const tags = tagsOf(event, ['e', 'p', 'status', 'bolt11']);
  if (tags.e !== request.id || tags.p !== request.pubkey) fail('invoice_request_not_for_us', 'the answer is to another request');
  if (!ANSWER_STATUSES.includes(tags.status)) fail('invoice_request_status', 'unknown status');
  if (tags.status !== 'invoice') {
    if (tags.bolt11 !== undefined) fail('invoice_request_tags', 'an invoice without the invoice status');
    return { status: tags.status };
  }
  if (typeof tags.bolt11 !== 'string' || tags.bolt11.length === 0 || tags.bolt11.length > INVOICE_REQUEST_LIMITS.maxInvoiceChars ||
      !/^[\x21-\x7e]+$/.test(tags.bolt11)) {
    fail('invoice_request_invoice', 'no invoice, or one too long to carry in a receipt request');
  }
  return { status: 'invoice', invoice: tags.bolt11 };
}

/** The fields of the author's tip invoice (datt.invoice.encode, signed with the author's Nostr key). */
export function tipInvoiceFields({ network, amountMsat, paymentHash, paymentSecret, target, channelId, createdAt }) {
  return { network, amount_msat: BigInt(amountMsat), payment_hash: paymentHash, payment_secret: paymentSecret,
    description: `datt:tip:${target}`, payment_metadata: channelId, created_at: createdAt,
    expiry: INVOICE_REQUEST_LIMITS.invoiceExpirySeconds };
}

/**
 * What the signer accepts to sign with the Nostr key: only a tip invoice's fields (so a page
 * that asks the signer cannot have it sign an invoice for anything else).
 */
export function isTipInvoiceFields(fields) {
  return !!fields && typeof fields === 'object' && /^datt:tip:[0-9a-f]{64}$/.test(fields.description) &&
    typeof fields.amount_msat === 'bigint' && fields.amount_msat > 0n && HEX64.test(fields.payment_hash) &&
    HEX64.test(fields.payment_metadata ?? '');
}

/**
 * The payer's checks of the author's invoice (datt.invoice.decode's result), beyond its
 * signature (decode verifies it): signed by the author's key, for this target and amount,
 * on the wallet's network, not expired, naming the payee's channel. Returns {paymentHash,
 * payeeChannel} or an InvoiceRequestError.
 */
export function checkTipInvoice(decoded, { author, target, amountMsat, network, nowSeconds }) {
  if (typeof decoded.payee !== 'string' || decoded.payee.length !== 66 || decoded.payee.slice(2) !== author) {
    fail('tip_invoice_payee', 'the invoice is not signed by the author\'s key');
  }
  if (decoded.description !== `datt:tip:${target}`) fail('tip_invoice_target', 'the invoice is for another post');
  if (decoded.amount_msat === undefined || BigInt(decoded.amount_msat) !== BigInt(amountMsat)) {
    fail('tip_invoice_amount', 'the invoice is for another amount');
  }
  if (decoded.network !== network) fail('tip_invoice_network', `the invoice is for ${decoded.network}`);
  if (Number(decoded.created_at) + Number(decoded.expiry) <= nowSeconds) fail('tip_invoice_expired', 'the invoice has expired');
  if (!HEX64.test(decoded.payment_metadata ?? '')) fail('tip_invoice_no_channel', 'the invoice names no channel at the hub');
  return { paymentHash: decoded.payment_hash, payeeChannel: decoded.payment_metadata };
}

/** Requests per payer and in all, per sliding minute (the author's side). */
export class RequestRateLimit {
  #times = new Map();   // payer -> [ms]
  #all = [];

  allow(payer, nowMs) {
    const since = nowMs - 60_000;
    this.#all = this.#all.filter((t) => t > since);
    const mine = (this.#times.get(payer) ?? []).filter((t) => t > since);
    if (this.#all.length >= INVOICE_REQUEST_LIMITS.totalPerMinute || mine.length >= INVOICE_REQUEST_LIMITS.perPayerPerMinute) {
      this.#times.set(payer, mine);
      return false;
    }
    mine.push(nowMs);
    this.#all.push(nowMs);
    this.#times.set(payer, mine);
    if (this.#times.size > 1000) {
      for (const [key, list] of this.#times) if (!list.some((t) => t > since)) this.#times.delete(key);
    }
    return true;
  }
}
