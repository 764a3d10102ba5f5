// Datt core for JavaScript: the C++ core compiled to WebAssembly, behind a small API.
// Works unchanged in browsers and in Node >= 18. Errors are thrown as DattError with the
// core's stable `code` (e.g. "bad_signature", "mnemonic_checksum").
//
// Hex or bytes (README.md): NIP-01 event fields (ids, pubkeys) and Nostr identities are the
// lowercase hex strings of the event format; every other binary value (secret keys, seeds,
// entropy, raw messages and signatures) is a Uint8Array, which the caller can wipe.
//
// The bindings (bind_<module>.cpp) check every argument themselves and return
// {ok, value} | {ok: false, code, message}; this file converts events to JSON text, checks
// text for lone surrogates before emscripten turns it into UTF-8, and throws DattError.
// Each method is documented once, in datt.d.ts (this file ships to browsers: its size counts
// against the package budget, docs/performance.md "Size").
//
// Payments (datt.bitcoin, datt.invoice, datt.tips) are a second module, datt_pay.wasm with
// its wrapper payments.mjs, fetched and instantiated by `await datt.loadPayments()` (or
// `loadDatt({ payments: true })`): the core package stays within its budget. The channel
// client (datt.channel) is a third module, datt_channel.wasm with channels.mjs, loaded by
// `await datt.loadChannels()` (or `loadDatt({ channels: true })`).
import createDattCore from './datt_core.mjs';
import { DattError, eventJson, isNode, randomSource, text, unwrap } from './datt_common.mjs';

export { DattError };

/** BIP-32 version bytes: xpub/xprv on mainnet. Pass others (e.g. tpub/tprv) to derive(). */
export const MAINNET_VERSIONS = Object.freeze({ public: 0x0488b21e, private: 0x0488ade4 });
export const TESTNET_VERSIONS = Object.freeze({ public: 0x043587cf, private: 0x04358394 });

/**
 * An unlocked secret key kept in wasm memory (a session: see README.md "Sessions"). Made by
 * datt.openSigner(); delete() wipes the key, after which every call throws DattError
 * 'deleted'.
 */
export class Signer {
  #handle;
  #random;
  publicKey;

  constructor(handle, random) {
    this.#handle = handle;
    this.#random = random;
    this.publicKey = handle.publicKey();
  }

  #live() {
    if (!this.#handle) throw new DattError('deleted', 'this signer was deleted');
    return this.#handle;
  }

  signEvent(template) {
    const signed = this.#live().signEvent(eventJson(template, 'template'),
      this.#random.getRandomValues(new Uint8Array(32)));
    return JSON.parse(unwrap(signed));
  }

  schnorrSign(message, auxRand = this.#random.getRandomValues(new Uint8Array(32))) {
    return unwrap(this.#live().schnorrSign(message, auxRand));
  }

  get live() {
    return this.#handle !== null;
  }

  delete() {
    this.#handle?.delete();
    this.#handle = null;
  }
}

// ---- core/sync: the NIP-77 initiator (bind_sync.cpp) ----

const SYNC_ITEM = 40;
const HEX_ID = /^[0-9a-f]{64}$/;

/** A reconciliation session (datt.sync.openInitiator); delete() frees its set. */
export class SyncInitiator {
  #handle;
  size;

  constructor(handle) {
    this.#handle = handle;
    this.size = handle.size();
  }

  #live() {
    if (!this.#handle) throw new DattError('deleted', 'this initiator was deleted');
    return this.#handle;
  }

  initiate() {
    return this.#live().initiate();
  }

  reconcile(replyHex) {
    return JSON.parse(unwrap(this.#live().reconcile(text(replyHex, 'reply'))));
  }

  delete() {
    this.#handle?.delete();
    this.#handle = null;
  }
}

export class Sync {
  #core;

  constructor(core) {
    this.#core = core;
  }

  /** [[created_at, id hex], ...] (or {created_at, id} objects) as packed 40-byte items. */
  packItems(pairs) {
    if (!Array.isArray(pairs)) throw new DattError('wrong_type', 'items must be an array');
    const out = new Uint8Array(pairs.length * SYNC_ITEM);
    const view = new DataView(out.buffer);
    pairs.forEach((pair, i) => {
      const [at, id] = Array.isArray(pair) ? pair : [pair?.created_at, pair?.id];
      if (!Number.isSafeInteger(at) || at < 0) throw new DattError('wrong_type', `items[${i}]: created_at must be an integer >= 0`);
      if (typeof id !== 'string' || !HEX_ID.test(id)) throw new DattError('bad_hex', `items[${i}]: id must be 64 lowercase hex characters`);
      const base = i * SYNC_ITEM;
      view.setUint32(base, Math.floor(at / 2 ** 32));
      view.setUint32(base + 4, at % 2 ** 32);
      for (let j = 0; j < 32; ++j) out[base + 8 + j] = parseInt(id.substr(2 * j, 2), 16);
    });
    return out;
  }

  openInitiator(items, limits = {}) {
    const packed = items instanceof Uint8Array ? items : this.packItems(items);
    return new SyncInitiator(unwrap(this.#core.openSyncInitiator(packed, limits)));
  }
}

class Datt {
  #core;
  #random;
  // {bitcoin, invoice, tips, receipts} once loadPayments() resolved; the promise while it loads.
  #payments = null;
  #paymentsLoading = null;
  // datt.channel once loadChannels() resolved; the promise while it loads.
  #channels = null;
  #channelsLoading = null;
  /** core/chain: see Chain. */
  chain;
  /** core/community and NIP-13: see Community. */
  community;
  /** core/sync (NIP-77): see Sync. */
  sync;

  constructor(core, random) {
    this.#core = core;
    this.#random = random;
    this.chain = new Chain(core, random);
    this.community = new Community(core);
    this.sync = new Sync(core);
  }

  // ---- payments (datt_pay.wasm, loaded on demand) ----

  loadPayments() {
    this.#paymentsLoading ??= import('./payments.mjs')
      .then(({ loadPayments }) => loadPayments(this.#random))
      .then((payments) => {
        this.#payments = payments;
        return this;
      }, (error) => {
        this.#paymentsLoading = null; // a failed fetch may be retried
        throw error instanceof DattError ? error
          : new DattError('payments_load_failed', `the payments module did not load: ${error?.message ?? error}`);
      });
    return this.#paymentsLoading;
  }

  get paymentsLoaded() {
    return this.#payments !== null;
  }

  #pay() {
    if (this.#payments) return this.#payments;
    throw new DattError('payments_not_loaded', 'datt.bitcoin, datt.invoice, datt.tips and datt.receipts need `await datt.loadPayments()` first');
  }

  // ---- the channel client (datt_channel.wasm, loaded on demand) ----

  loadChannels() {
    this.#channelsLoading ??= import('./channels.mjs')
      .then(({ loadChannels }) => loadChannels(this.#random))
      .then((channels) => {
        this.#channels = channels;
        return this;
      }, (error) => {
        this.#channelsLoading = null; // a failed fetch may be retried
        throw error instanceof DattError ? error
          : new DattError('channels_load_failed', `the channel module did not load: ${error?.message ?? error}`);
      });
    return this.#channelsLoading;
  }

  get channelsLoaded() {
    return this.#channels !== null;
  }

  get bitcoin() {
    return this.#pay().bitcoin;
  }

  get invoice() {
    return this.#pay().invoice;
  }

  get tips() {
    return this.#pay().tips;
  }

  get channel() {
    if (this.#channels) return this.#channels;
    throw new DattError('channels_not_loaded', 'datt.channel needs `await datt.loadChannels()` first');
  }

  get receipts() {
    return this.#pay().receipts;
  }

  #randomBytes(size) {
    return this.#random.getRandomValues(new Uint8Array(size));
  }

  // ---- util ----

  hexToBytes(hex) {
    return unwrap(this.#core.hexToBytes(text(hex, 'hex')));
  }

  bytesToHex(bytes) {
    return unwrap(this.#core.bytesToHex(bytes));
  }

  // ---- keys and raw signatures ----

  generateSecretKey() {
    for (;;) {
      const result = this.#core.secretKeyFromRandom(this.#randomBytes(32));
      if (result.ok) return result.value;
      if (result.code !== 'bad_secret_key') unwrap(result);
    }
  }

  publicKey(secretKey) {
    return unwrap(this.#core.publicKey(secretKey));
  }

  schnorrSign(message, secretKey, auxRand = this.#randomBytes(32)) {
    return unwrap(this.#core.schnorrSign(message, secretKey, auxRand));
  }

  schnorrVerify(message, publicKey, signature) {
    return unwrap(this.#core.schnorrVerify(message, publicKey, signature));
  }

  openSigner(secretKey) {
    return new Signer(unwrap(this.#core.openSigner(secretKey)), this.#random);
  }

  // ---- BIP-39 and BIP-32 ----

  generateMnemonic(words = 12) {
    if (![12, 15, 18, 21, 24].includes(words)) {
      throw new DattError('mnemonic_word_count', 'words must be 12, 15, 18, 21 or 24');
    }
    const entropy = this.#randomBytes((words / 3) * 4);
    try {
      return unwrap(this.#core.entropyToMnemonic(entropy));
    } finally {
      entropy.fill(0);
    }
  }

  entropyToMnemonic(entropy) {
    return unwrap(this.#core.entropyToMnemonic(entropy));
  }

  mnemonicToEntropy(mnemonic) {
    return unwrap(this.#core.mnemonicToEntropy(normalize(mnemonic, 'mnemonic')));
  }

  validateMnemonic(mnemonic) {
    const result = this.#core.mnemonicToEntropy(normalize(mnemonic, 'mnemonic'));
    result.value?.fill(0);
    return result.ok;
  }

  mnemonicToSeed(mnemonic, passphrase = '') {
    return unwrap(
      this.#core.mnemonicToSeed(normalize(mnemonic, 'mnemonic'), normalize(passphrase, 'passphrase')),
    );
  }

  derive(root, path, versions = MAINNET_VERSIONS) {
    const from = typeof root === 'string' ? text(root, 'root') : root;
    return unwrap(this.#core.derive(from, text(path, 'path'), versions.public >>> 0, versions.private >>> 0));
  }

  // ---- events ----

  signEvent(template, secretKey) {
    const signed = this.#core.signEvent(eventJson(template, 'template'), secretKey, this.#randomBytes(32));
    return JSON.parse(unwrap(signed));
  }

  parseEvent(event) {
    return JSON.parse(unwrap(this.#core.parseEvent(eventJson(event, 'event'))));
  }

  verifyEvent(event) {
    let json;
    try {
      json = eventJson(event, 'event');
    } catch {
      return false;
    }
    return this.#core.verifyEvent(json);
  }

  eventId(template, pubkey) {
    return unwrap(this.#core.eventId(eventJson(template, 'template'), text(pubkey, 'pubkey')));
  }

  // ---- Base58, bech32 ----

  base58Encode(bytes) {
    return unwrap(this.#core.base58Encode(bytes));
  }

  base58Decode(text) {
    return unwrap(this.#core.base58Decode(text));
  }

  bech32Decode(text) {
    return unwrap(this.#core.bech32Decode(text));
  }

  bech32Encode(variant, hrp, data) {
    return unwrap(this.#core.bech32Encode(text(variant, 'variant'), hrp, data));
  }

  // ---- protocol rules (core/event): one copy, shared with the relay ----

  kindClass(kind) {
    return unwrap(this.#core.kindClass(kind));
  }

  addressOf(event) {
    return unwrap(this.#core.addressOf(event));
  }

  formatAddress(address) {
    return unwrap(this.#core.formatAddress(address));
  }

  parseAddress(value) {
    return unwrap(this.#core.parseAddress(text(value, 'address')));
  }

  supersedes(a, b) {
    return unwrap(this.#core.supersedes(a, b));
  }

  deletionRequestOf(event) {
    return unwrap(this.#core.deletionRequestOf(eventJson(event, 'event')));
  }

  deletes(request, target) {
    return unwrap(this.#core.deletes(eventJson(request, 'request'), eventJson(target, 'target')));
  }

  // ---- NIP-19 ----

  nip19Encode(type, data) {
    return unwrap(this.#core.nip19Encode(text(type, 'type'), data));
  }

  nip19Decode(nip19) {
    return unwrap(this.#core.nip19Decode(text(nip19, 'text')));
  }

  // ---- feed ----

  tallyVotes(events) {
    if (!Array.isArray(events)) throw new DattError('wrong_type', 'events must be an array');
    // Each element crosses as its own JSON text, as verifyEvent() takes it: strings as
    // they are (a parsed copy would hide duplicate members), objects stringified; an
    // element that cannot be serialized is skipped like any invalid event.
    const texts = [];
    for (const event of events) {
      if (typeof event === 'string') texts.push(event);
      else if (event !== null && typeof event === 'object' && !Array.isArray(event)) {
        try {
          texts.push(JSON.stringify(event));
        } catch {
          // a cycle or a BigInt: not an event
        }
      }
    }
    return unwrap(this.#core.tallyVotes(texts));
  }

  voteOf(event) {
    return unwrap(this.#core.voteOf(eventJson(event, 'event')));
  }

  voteSupersedes(newer, older) {
    return unwrap(this.#core.voteSupersedes(newer, older));
  }

  rank(items, sort, { now = Math.floor(Date.now() / 1000), topWindowSeconds = 0 } = {}) {
    return unwrap(this.#core.rankItems(items, text(sort, 'sort'), now, topWindowSeconds));
  }
}

/** A JSON array of events (objects or JSON strings), each element as its own JSON text. */
function eventTexts(events, name) {
  if (!Array.isArray(events)) throw new DattError('wrong_type', `${name} must be an array`);
  const texts = [];
  for (const event of events) {
    if (typeof event === 'string') texts.push(event);
    else if (event !== null && typeof event === 'object' && !Array.isArray(event)) {
      try {
        texts.push(JSON.stringify(event));
      } catch {
        // a cycle or a BigInt: not an event, skipped like any invalid one
      }
    }
  }
  return texts;
}

/**
 * datt.chain: content chains (docs/protocol.md "Content chains"). A chain state is a plain
 * object {author, chain, head, pending} that the web app keeps per (author, chain id) in
 * IndexedDB and folds each event into with applyLink(); entries are {seq, id, prev}.
 */
export class Chain {
  #core;
  #random;

  constructor(core, random) {
    this.#core = core;
    this.#random = random;
  }

  /** A fresh chain id (32 hex) for a device: drawn once per identity, never exported. */
  newChainId() {
    const bytes = this.#random.getRandomValues(new Uint8Array(16));
    try {
      return unwrap(this.#core.chainIdFromRandom(bytes));
    } finally {
      bytes.fill(0);
    }
  }

  /** {chain, seq, prev} of a ["chain", ...] tag; DattError chain_* when malformed. */
  parseTag(tag) {
    return unwrap(this.#core.chainParseTag(tag));
  }

  /** The tag for position `seq` of `chain` after `prev` (null at seq 0). */
  makeTag(chain, seq, prev = null) {
    return unwrap(this.#core.chainMakeTag(chain, seq, prev));
  }

  /** The tag of the next event of a device's chain after its last entry ({seq, id}, or null). */
  nextTag(chain, last = null) {
    return last ? this.makeTag(chain, last.seq + 1, last.id) : this.makeTag(chain, 0, null);
  }

  /** {author, id, chain, seq, prev, created_at, kind} of a (verified) event, or null when unchained. */
  linkOf(event) {
    return unwrap(this.#core.chainLinkOf(eventJson(event, 'event')));
  }

  /** The state of a chain nobody has seen an event of. */
  emptyState(author, chain) {
    return unwrap(this.#core.chainEmptyState(author, chain));
  }

  /**
   * Folds a chained event into `state`: {state, outcome: 'extended' | 'pending' |
   * 'duplicate' | 'fork', fork: {shape, otherSeq, otherId} | null, linked, gaps, missing}.
   * `storedAtSeq` is the id the caller holds at the event's seq when it is below the head.
   */
  applyLink(state, event, storedAtSeq = null) {
    return unwrap(this.#core.chainApply(state, eventJson(event, 'event'), storedAtSeq));
  }

  /** {gaps: [{first, last}], missing}: what to fetch ("N events missing"). */
  gaps(state) {
    return unwrap(this.#core.chainGaps(state));
  }

  /** The proof two events make ({author, chain, seq, shape, first, second, encoding}); DattError fork_* if none. */
  makeForkProof(a, b) {
    return unwrap(this.#core.chainMakeForkProof(eventJson(a, 'a'), eventJson(b, 'b')));
  }

  /** True when two events prove a fork; false (never a throw) for any pair that does not. */
  verifyForkProof(a, b) {
    try {
      this.makeForkProof(a, b);
      return true;
    } catch (error) {
      if (error instanceof DattError) return false;
      throw error;
    }
  }

  /** The proof in a kind 4560 event (or its encoding "[a,b]" with {encoding: true}), checked. */
  parseForkProof(value, { encoding = false } = {}) {
    const json = encoding ? text(value, 'proof') : eventJson(value, 'event');
    return unwrap(this.#core.chainParseForkProof(json, !encoding));
  }
}

/**
 * datt.community: NIP-72 communities with Datt's moderation log (docs/protocol.md
 * "Communities"), their view, the relay's admit rule, and NIP-13 mining for a worker.
 */
export class Community {
  #core;

  constructor(core) {
    this.#core = core;
  }

  /** {address, owner, moderators, pow, origin} of a kind 34550 event. */
  parseDefinition(event) {
    return unwrap(this.#core.communityParseDefinition(eventJson(event, 'definition')));
  }

  /**
   * The unsigned moderation entry: action 'approve' | 'remove' | 'lock' | 'unlock' | 'pin' |
   * 'unpin' | 'ban' | 'unban' | 'addModerator' | 'removeModerator'; target an event id or a
   * pubkey (hex). Sign it like any template.
   */
  moderationTemplate(action, community, target, { createdAt = Math.floor(Date.now() / 1000), reason = '' } = {}) {
    return unwrap(this.#core.communityModerationTemplate(text(action, 'action'), text(community, 'community'),
      target, createdAt, text(reason, 'reason')));
  }

  /** The view of a community: {posts, comments, pinned, locked, removed, banned, moderators, log, threadPost}. */
  view(definition, log, items, origin = null) {
    return unwrap(this.#core.communityView(eventJson(definition, 'definition'), eventTexts(log, 'log'),
      eventTexts(items, 'items'), origin === null ? null : eventJson(origin, 'origin')));
  }

  /** null when the community admits `event`, else {code, message} as the relay refuses it. */
  admit(definition, log, items, event, origin = null) {
    return unwrap(this.#core.communityAdmit(eventJson(definition, 'definition'), eventTexts(log, 'log'),
      eventTexts(items, 'items'), eventJson(event, 'event'), origin === null ? null : eventJson(origin, 'origin')));
  }

  /** Leading zero bits of an id (NIP-13 difficulty). */
  leadingZeroBits(id) {
    return unwrap(this.#core.powLeadingZeroBits(id));
  }

  /** True when an event's work meets `difficulty` (and its committed target, if any, does). */
  meetsDifficulty(event, difficulty) {
    return unwrap(this.#core.powMeetsDifficulty(eventJson(event, 'event'), difficulty));
  }

  /**
   * One slice of mining: tries nonces firstNonce..firstNonce+count-1 on the template for
   * `pubkey`; {found: template | null, id, tried, nextNonce}.
   */
  mineStep(pubkey, template, difficulty, firstNonce, count) {
    return unwrap(this.#core.powMineStep(text(pubkey, 'pubkey'), eventJson(template, 'template'),
      difficulty, firstNonce, count));
  }

  /**
   * Mines in slices of `slice` nonces, yielding to the event loop between them (for a
   * worker): onProgress({tried}) after each slice; an aborted `signal` throws DattError
   * 'aborted'. Resolves with {template, id, tried}.
   */
  async mine(pubkey, template, difficulty, { slice = 20000, onProgress, signal } = {}) {
    let nonce = 0;
    let tried = 0;
    for (;;) {
      if (signal?.aborted) throw new DattError('aborted', 'mining was cancelled');
      const step = this.mineStep(pubkey, template, difficulty, nonce, slice);
      tried += step.tried;
      if (step.found) return { template: step.found, id: step.id, tried };
      nonce = step.nextNonce;
      onProgress?.({ tried });
      await new Promise((resolve) => { setTimeout(resolve, 0); });
    }
  }
}

function normalize(value, name) {
  return text(value, name).normalize('NFKD');
}

/**
 * Loads the WebAssembly module once per call; keep the returned object and reuse it.
 * `{ payments: true }` also loads the payments module (datt.loadPayments()), `{ channels: true }`
 * the channel module (datt.loadChannels()).
 */
export async function loadDatt({ payments = false, channels = false } = {}) {
  const options = {};
  if (isNode) {
    const { readFile } = await import('node:fs/promises');
    options.wasmBinary = await readFile(new URL('./datt_core.wasm', import.meta.url));
  } else {
    options.locateFile = (file) => new URL(file, import.meta.url).href;
  }
  const core = await createDattCore(options);
  const random = await randomSource();
  const datt = new Datt(core, random);
  const seed = random.getRandomValues(new Uint8Array(32));
  unwrap(core.randomizeContext(seed));
  seed.fill(0);
  if (payments) await datt.loadPayments();
  if (channels) await datt.loadChannels();
  return datt;
}
