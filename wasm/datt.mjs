// Datt core for JavaScript: the C++ core compiled to WebAssembly, behind a small API.
// Works unchanged in browsers and in Node >= 18. Errors are thrown as DattError with the
// core's stable `code` (e.g. "bad_signature", "mnemonic_checksum").
import createDattCore from './datt_core.mjs';

export class DattError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'DattError';
    this.code = code;
  }
}

const isNode = typeof process === 'object' && !!process.versions?.node;

/** BIP-32 version bytes: xpub/xprv on mainnet. Pass others (e.g. tpub/tprv) to derive(). */
export const MAINNET_VERSIONS = Object.freeze({ public: 0x0488b21e, private: 0x0488ade4 });
export const TESTNET_VERSIONS = Object.freeze({ public: 0x043587cf, private: 0x04358394 });

async function randomSource() {
  if (globalThis.crypto?.getRandomValues) return globalThis.crypto;
  if (isNode) return (await import('node:crypto')).webcrypto;
  throw new DattError('no_random', 'crypto.getRandomValues is not available');
}

function toHex(bytes) {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

function unwrap(result) {
  if (result.ok) return result.value;
  throw new DattError(result.code, result.message);
}

// A lone UTF-16 surrogate has no UTF-8 form; emscripten's string conversion would pair it
// with the following code unit and silently change the text, so it is refused here.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function requireString(value, name) {
  if (typeof value !== 'string') {
    throw new DattError('wrong_type', `${name} must be a string, got ${typeof value}`);
  }
  if (LONE_SURROGATE.test(value)) {
    throw new DattError('invalid_utf8', `${name} contains a lone UTF-16 surrogate`);
  }
  return value;
}

// JSON.stringify throws TypeError on BigInt and cycles; the API throws only DattError.
function stringify(value, name) {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new DattError('wrong_type', `${name} cannot be serialized as JSON: ${error.message}`);
  }
}

function eventJson(value, name) {
  if (typeof value === 'string') return requireString(value, name);
  if (value && typeof value === 'object') return stringify(value, name);
  throw new DattError('wrong_type', `${name} must be an object or a JSON string`);
}

// Only the vote fields cross into wasm (stored records may carry more).
function voteJson(vote, name) {
  if (vote === null || typeof vote !== 'object' || Array.isArray(vote)) {
    throw new DattError('wrong_type', `${name} must be a vote object`);
  }
  const { target, voter, created_at, id, value } = vote;
  return stringify({ target, voter, created_at, id, value }, name);
}

class Datt {
  #core;
  #random;

  constructor(core, random) {
    this.#core = core;
    this.#random = random;
  }

  #randomHex(size) {
    return toHex(this.#random.getRandomValues(new Uint8Array(size)));
  }

  /** A new secret key (64 hex chars) from crypto.getRandomValues. */
  generateSecretKey() {
    for (;;) {
      const result = this.#core.secretKeyFromRandom(this.#randomHex(32));
      if (result.ok) return result.value;
      if (result.code !== 'bad_secret_key') unwrap(result);
    }
  }

  /** BIP-340 x-only public key (hex) of a secret key (hex). */
  publicKey(secretKey) {
    return unwrap(this.#core.publicKey(requireString(secretKey, 'secretKey')));
  }

  /**
   * BIP-340 signature (hex) over a message of any length (hex). `auxRand` (hex, 32 bytes)
   * defaults to fresh randomness; pass it only to reproduce test vectors.
   */
  schnorrSign(messageHex, secretKey, auxRand = this.#randomHex(32)) {
    return unwrap(this.#core.schnorrSign(requireString(messageHex, 'message'),
      requireString(secretKey, 'secretKey'), requireString(auxRand, 'auxRand')));
  }

  /** True when `signature` is a valid BIP-340 signature of the message by the x-only key. */
  schnorrVerify(messageHex, publicKey, signature) {
    return unwrap(this.#core.schnorrVerify(requireString(messageHex, 'message'),
      requireString(publicKey, 'publicKey'), requireString(signature, 'signature')));
  }

  /** A new BIP-39 English mnemonic of 12, 15, 18, 21 or 24 words. */
  generateMnemonic(words = 12) {
    if (![12, 15, 18, 21, 24].includes(words)) {
      throw new DattError('mnemonic_word_count', 'words must be 12, 15, 18, 21 or 24');
    }
    return unwrap(this.#core.entropyToMnemonic(this.#randomHex((words / 3) * 4)));
  }

  entropyToMnemonic(entropyHex) {
    return unwrap(this.#core.entropyToMnemonic(requireString(entropyHex, 'entropy')));
  }

  /** Entropy (hex) of a mnemonic; throws on an unknown word or a bad checksum. */
  mnemonicToEntropy(mnemonic) {
    return unwrap(this.#core.mnemonicToEntropy(normalize(mnemonic, 'mnemonic')));
  }

  /** True when the mnemonic has a valid word count, words and checksum. */
  validateMnemonic(mnemonic) {
    return this.#core.mnemonicToEntropy(normalize(mnemonic, 'mnemonic')).ok;
  }

  /** The 64-byte BIP-39 seed (hex). Mnemonic and passphrase are NFKD-normalized first. */
  mnemonicToSeed(mnemonic, passphrase = '') {
    return unwrap(
      this.#core.mnemonicToSeed(normalize(mnemonic, 'mnemonic'), normalize(passphrase, 'passphrase')),
    );
  }

  /**
   * BIP-32 derivation from a seed (hex) or an extended key, along a path like
   * "m/44'/1237'/0'/0/0". Returns {xprv?, xpub, secretKey?, publicKey, xOnlyPublicKey, ...}.
   */
  derive(root, path, versions = MAINNET_VERSIONS) {
    return unwrap(
      this.#core.derive(requireString(root, 'root'), requireString(path, 'path'),
        versions.public >>> 0, versions.private >>> 0),
    );
  }

  /** Signs an event template {kind, created_at, tags, content}; returns the signed event. */
  signEvent(template, secretKey) {
    const signed = this.#core.signEvent(eventJson(template, 'template'),
      requireString(secretKey, 'secretKey'), this.#randomHex(32));
    return JSON.parse(unwrap(signed));
  }

  /**
   * NIP-19 encoding, with nostr-tools' shapes: npub/note/nsec take hex (nsec also a
   * Uint8Array), nprofile {pubkey, relays?}, nevent {id, relays?, author?, kind?},
   * naddr {identifier, pubkey, kind, relays?}.
   */
  nip19Encode(type, data) {
    const fields = data instanceof Uint8Array ? toHex(data) : data;
    if (typeof fields === 'string') requireString(fields, 'data');
    const json = JSON.stringify(fields);
    if (json === undefined) throw new DattError('nip19_bad_input', 'data must be JSON-serializable');
    return unwrap(this.#core.nip19Encode(requireString(type, 'type'), json));
  }

  /** Decodes any NIP-19 string to {type, data} (nsec data is hex, not bytes). */
  nip19Decode(text) {
    return JSON.parse(unwrap(this.#core.nip19Decode(requireString(text, 'text'))));
  }

  /** Validates an untrusted event (object or JSON text); returns it or throws DattError. */
  parseEvent(event) {
    return JSON.parse(unwrap(this.#core.verifyEvent(eventJson(event, 'event'))));
  }

  /** True when the event is well formed, its id matches and its signature verifies. */
  verifyEvent(event) {
    try {
      return this.#core.verifyEvent(eventJson(event, 'event')).ok;
    } catch {
      return false;
    }
  }

  /**
   * NIP-25 vote tally of reactions (objects or JSON strings): {targetId: {ups, downs, score}}.
   * One vote per (voter, target), the latest wins; invalid events and non-vote reactions
   * (emoji) are skipped. See docs/protocol.md "Ranking".
   */
  tallyVotes(events) {
    if (!Array.isArray(events)) throw new DattError('wrong_type', 'events must be an array');
    // Each element is parsed on its own: one malformed event from a relay is skipped (as the
    // core skips invalid ones) and cannot break, or inject into, the array text.
    const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
    const parsed = [];
    for (const event of events) {
      let value = event;
      if (typeof event === 'string') {
        try {
          value = JSON.parse(event);
        } catch {
          continue;  // not JSON: not a vote
        }
      }
      if (isObject(value)) parsed.push(value);
    }
    return JSON.parse(unwrap(this.#core.tallyVotes(stringify(parsed, 'events'))));
  }

  /**
   * The NIP-25 vote an event casts, {target, voter, created_at, id, value: 1 | -1}, or null
   * when it is not a vote (not kind 7, no valid last e tag, emoji content). The event is
   * validated like parseEvent(): malformed or forged events throw DattError.
   */
  voteOf(event) {
    return unwrap(this.#core.voteOf(eventJson(event, 'event')));
  }

  /**
   * True when vote `newer` replaces `older` (both from voteOf()) as the effective vote of
   * their voter on their target: later created_at, or the same and a lower id. Votes of
   * different voters or targets never replace each other. Throws DattError on bad fields.
   */
  voteSupersedes(newer, older) {
    return unwrap(this.#core.voteSupersedes(voteJson(newer, 'newer'), voteJson(older, 'older')));
  }

  /**
   * Ids of `items` ({id, created_at, ups, downs}) in display order for `sort`: "hot", "new",
   * "top", "controversial" or "best". `now` (unix seconds) defaults to the clock;
   * `topWindowSeconds` (top only, 0 = all time) keeps items with created_at >= now - window.
   */
  rank(items, sort, { now = Math.floor(Date.now() / 1000), topWindowSeconds = 0 } = {}) {
    if (!Array.isArray(items)) throw new DattError('wrong_type', 'items must be an array');
    for (const [name, value] of [['now', now], ['topWindowSeconds', topWindowSeconds]]) {
      if (typeof value !== 'number') throw new DattError('wrong_type', `${name} must be a number`);
    }
    // Only the ranked fields cross into wasm (items may carry titles, tallies, ...).
    const picked = items.map((item) => (item && typeof item === 'object'
      ? { id: item.id, created_at: item.created_at, ups: item.ups, downs: item.downs } : item));
    return unwrap(this.#core.rankItems(JSON.stringify(picked), requireString(sort, 'sort'),
      now, topWindowSeconds));
  }

  /** The NIP-01 id (hex) of an event template signed by `pubkey` (hex). */
  eventId(template, pubkey) {
    return unwrap(this.#core.eventId(eventJson(template, 'template'), requireString(pubkey, 'pubkey')));
  }
}

function normalize(text, name) {
  return requireString(text, name).normalize('NFKD');
}

/** Loads the WebAssembly module once per call; keep the returned object and reuse it. */
export async function loadDatt() {
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
  core.randomizeContext(toHex(random.getRandomValues(new Uint8Array(32))));
  return datt;
}
