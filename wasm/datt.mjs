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

function unwrap(result) {
  if (result.ok) return result.value;
  throw new DattError(result.code, result.message);
}

// A lone UTF-16 surrogate has no UTF-8 form; emscripten's string conversion would pair it
// with the following code unit and silently change the text, so it is refused here.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// Text beyond this is refused before it is copied into wasm memory (events are far smaller).
const MAX_TEXT = 16 * 1024 * 1024;

function text(value, name) {
  if (typeof value !== 'string') {
    throw new DattError('wrong_type', `${name} must be a string, got ${typeof value}`);
  }
  if (value.length > MAX_TEXT) throw new DattError('too_large', `${name} is longer than ${MAX_TEXT} characters`);
  if (LONE_SURROGATE.test(value)) {
    throw new DattError('invalid_utf8', `${name} contains a lone UTF-16 surrogate`);
  }
  return value;
}

// JSON.stringify throws TypeError on BigInt and cycles; the API throws only DattError.
function stringify(value, name) {
  let json;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new DattError('wrong_type', `${name} cannot be serialized as JSON: ${error.message}`);
  }
  if (typeof json !== 'string') throw new DattError('wrong_type', `${name} has no JSON form`);
  return json;
}

/** An event or template (object or JSON text) as the JSON text the core parses. */
function eventJson(value, name) {
  if (typeof value === 'string') return text(value, name);
  // JSON.stringify writes lone surrogates as \u escapes (which the core refuses as JSON).
  if (value && typeof value === 'object') return stringify(value, name);
  throw new DattError('wrong_type', `${name} must be an object or a JSON string`);
}

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

/**
 * core/bitcoin (datt.bitcoin): transactions, scripts, addresses, sighash, signing, the
 * script interpreter, headers, header chains and merkle proofs. See README.md "Bitcoin".
 *
 * Amounts are satoshis: a BigInt, or a Number only when it is a safe integer (every amount
 * up to 21,000,000 BTC is); fractions, NaN, strings and Numbers beyond 2^53 - 1 are refused
 * (amount_not_exact), never rounded. Amounts returned are always BigInt. Hashes (txids,
 * block hashes) are hex in display order, as Bitcoin Core prints them; scripts, keys,
 * signatures, raw transactions, headers, states and proofs are Uint8Array. Networks are
 * named: "mainnet" (default), "testnet3"/"testnet", "signet", "regtest" (Core's, bcrt),
 * "bcoin-regtest" (bcoin's, rb).
 */
export class Bitcoin {
  #core;

  wallet;

  constructor(core, random) {
    this.#core = core;
    this.wallet = new Wallet(core, random);
  }

  #network(network) {
    return network === undefined ? undefined : text(network, 'network');
  }

  // ---- networks ----

  networkNames() {
    return this.#core.btcNetworkNames();
  }

  network(network) {
    return unwrap(this.#core.btcNetwork(this.#network(network)));
  }

  // ---- transactions (a Uint8Array of its bytes, or a transaction object) ----

  parseTransaction(bytes) {
    return unwrap(this.#core.btcParseTransaction(bytes));
  }

  serializeTransaction(tx, options) {
    return unwrap(this.#core.btcSerializeTransaction(tx, options?.witness !== false));
  }

  transactionInfo(tx) {
    return unwrap(this.#core.btcTransactionInfo(tx));
  }

  checkTransaction(tx) {
    return unwrap(this.#core.btcCheckTransaction(tx));
  }

  decodeTransaction(tx, network) {
    return unwrap(this.#core.btcDecodeTransaction(tx, this.#network(network)));
  }

  // ---- scripts ----

  scriptToAsm(script, options) {
    return unwrap(this.#core.btcScriptToAsm(script, options?.signatures === true));
  }

  matchScript(script) {
    return unwrap(this.#core.btcMatchScript(script));
  }

  p2pkhScript(keyOrHash) {
    return unwrap(this.#core.btcP2pkhScript(keyOrHash));
  }

  p2wpkhScript(keyOrHash) {
    return unwrap(this.#core.btcP2wpkhScript(keyOrHash));
  }

  p2shScript(redeemScript) {
    return unwrap(this.#core.btcP2shScript(redeemScript));
  }

  p2wshScript(witnessScript) {
    return unwrap(this.#core.btcP2wshScript(witnessScript));
  }

  multisigScript(required, keys) {
    return unwrap(this.#core.btcMultisigScript(required, keys));
  }

  funding2of2Script(keyA, keyB) {
    return unwrap(this.#core.btcFunding2of2Script(keyA, keyB));
  }

  opReturnScript(data) {
    return unwrap(this.#core.btcOpReturnScript(data));
  }

  cltvScript(lockTime, key) {
    return unwrap(this.#core.btcCltvScript(lockTime, key));
  }

  csvScript(sequence, key) {
    return unwrap(this.#core.btcCsvScript(sequence, key));
  }

  hashLockScript(params) {
    if (params === null || typeof params !== 'object') {
      throw new DattError('wrong_type', 'hashLockScript takes {paymentHash, recipient, refundLockTime, refund}');
    }
    const { paymentHash, recipient, refundLockTime, refund } = params;
    return unwrap(this.#core.btcHashLockScript(paymentHash, recipient, refundLockTime, refund));
  }

  // ---- addresses ----

  parseAddress(address, network) {
    return unwrap(this.#core.btcAddressToScript(address, this.#network(network)));
  }

  scriptToAddress(scriptPubKey, network) {
    return unwrap(this.#core.btcScriptToAddress(scriptPubKey, this.#network(network)));
  }

  // ---- keys, hashes, sighash, signing ----

  publicKey(secretKey) {
    return unwrap(this.#core.btcPublicKey(secretKey));
  }

  hash160(data) {
    return unwrap(this.#core.btcHash160(data));
  }

  sha256(data) {
    return unwrap(this.#core.btcSha256(data));
  }

  legacySighash(tx, inputIndex, scriptCode, hashType) {
    return unwrap(this.#core.btcLegacySighash(tx, inputIndex, scriptCode, hashType));
  }

  segwitSighash(tx, inputIndex, scriptCode, amount, hashType) {
    return unwrap(this.#core.btcSegwitSighash(tx, inputIndex, scriptCode, amount, hashType));
  }

  signLegacyInput(tx, inputIndex, scriptCode, secretKey, hashType) {
    return unwrap(this.#core.btcSignLegacyInput(tx, inputIndex, scriptCode, secretKey, hashType));
  }

  signSegwitInput(tx, inputIndex, scriptCode, amount, secretKey, hashType) {
    return unwrap(this.#core.btcSignSegwitInput(tx, inputIndex, scriptCode, amount, secretKey, hashType));
  }

  signP2wpkhInput(tx, inputIndex, amount, secretKey, hashType) {
    return unwrap(this.#core.btcSignP2wpkhInput(tx, inputIndex, amount, secretKey, hashType));
  }

  signP2pkhInput(tx, inputIndex, secretKey, hashType) {
    return unwrap(this.#core.btcSignP2pkhInput(tx, inputIndex, secretKey, hashType));
  }

  // ---- the interpreter ----

  scriptFlagNames() {
    return this.#core.btcScriptFlagNames();
  }

  verifyInput(tx, inputIndex, prevout, flags = 'STANDARD') {
    return unwrap(this.#core.btcVerifyInput(tx, inputIndex, prevout, flags));
  }

  verifyTransaction(tx, prevouts, flags = 'STANDARD') {
    return unwrap(this.#core.btcVerifyTransaction(tx, prevouts, flags));
  }

  // ---- headers, header chains, merkle proofs ----

  parseBlockHeader(bytes) {
    return unwrap(this.#core.btcParseBlockHeader(bytes));
  }

  headerChainGenesis(network) {
    return unwrap(this.#core.btcHeaderChainGenesis(this.#network(network)));
  }

  headerChainFromCheckpoint(network, checkpoint) {
    return unwrap(this.#core.btcHeaderChainFromCheckpoint(this.#network(network), checkpoint));
  }

  headerChainInfo(network, state) {
    return unwrap(this.#core.btcHeaderChainInfo(this.#network(network), state));
  }

  extendHeaderChain(network, state, headers, options) {
    return unwrap(this.#core.btcExtendHeaderChain(this.#network(network), state, headers, options?.now));
  }

  verifyMerkleProof(proof) {
    return unwrap(this.#core.btcVerifyMerkleProof(proof));
  }
}

/** core/bitcoin/wallet (datt.bitcoin.wallet): see datt.d.ts and README.md "Wallet". */
export class Wallet {
  #core;
  #random;

  constructor(core, random) {
    this.#core = core;
    this.#random = random;
  }

  #net(options) {
    const network = options?.network;
    return network === undefined ? undefined : text(network, 'network');
  }

  // A request with its randomSeed filled from crypto.getRandomValues when absent.
  #seeded(request) {
    if (request === null || typeof request !== 'object') throw new DattError('wrong_type', 'request must be an object');
    return request.randomSeed === undefined
      ? { ...request, randomSeed: this.#random.getRandomValues(new Uint8Array(32)) }
      : request;
  }

  // Payees given as {address, value} become {scriptPubKey, value}.
  #payees(payees, options) {
    if (!Array.isArray(payees)) throw new DattError('wrong_type', 'payees must be an array');
    return payees.map((payee) => (payee && typeof payee.address === 'string'
      ? { value: payee.value, scriptPubKey: unwrap(this.#core.btcAddressToScript(text(payee.address, 'address'), this.#net(options))).scriptPubKey }
      : payee));
  }

  account(root, options) {
    return unwrap(this.#core.btcWalletAccount(root, this.#net(options), options?.account));
  }

  addresses(root, chain, start, count, options) {
    return unwrap(this.#core.btcWalletAddresses(root, this.#net(options), options?.account, chain, start, count));
  }

  scan(root, progress, usedScripts, options) {
    return unwrap(this.#core.btcWalletScan(root, this.#net(options), options?.account, progress, options?.gapLimit, usedScripts));
  }

  selectCoins(candidates, params) {
    return unwrap(this.#core.btcWalletSelectCoins(candidates, this.#seeded(params)));
  }

  buildPayment(request, options) {
    const seeded = this.#seeded(request);
    return unwrap(this.#core.btcWalletBuildPayment({ ...seeded, payees: this.#payees(seeded.payees, options) }));
  }

  bumpFee(request) {
    return unwrap(this.#core.btcWalletBumpFee(this.#seeded(request)));
  }

  sign(root, unsignedTx, options) {
    return unwrap(this.#core.btcWalletSign(root, this.#net(options), options?.account, unsignedTx));
  }
}

// ---- core/invoice (datt.invoice) ----

// Integers the core gives as decimal strings: BigInt for amounts (msat exceed 2^53), Number
// for the others unless they do not fit one exactly.
function invoiceNumbers(decoded) {
  if (decoded.amount_msat !== undefined) decoded.amount_msat = BigInt(decoded.amount_msat);
  for (const key of ['expiry', 'min_final_cltv_expiry']) {
    const value = BigInt(decoded[key]);
    decoded[key] = value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  return decoded;
}

function invoiceFieldsJson(fields) {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new DattError('wrong_type', 'invoice fields must be an object');
  }
  // BigInt members travel as decimal strings, which the core's field reader takes.
  let json;
  try {
    json = JSON.stringify(fields, (key, value) => (typeof value === 'bigint' ? value.toString() : value));
  } catch (error) {
    throw new DattError('wrong_type', `invoice fields cannot be serialized as JSON: ${error.message}`);
  }
  return text(json, 'invoice fields');
}

/** datt.invoice: BOLT-11 invoices (core/invoice; docs/invoices.md). */
export class Invoices {
  #core;

  constructor(core) {
    this.#core = core;
  }

  /**
   * The fields of an invoice whose signature verified (payee recovered or from its n field),
   * named as `datt invoice decode` names them; amount_msat is a BigInt. A "lightning:" prefix
   * is allowed. Throws DattError with the decoder's code (bech32_*, invoice_*).
   */
  decode(invoice) {
    let value = text(invoice, 'invoice');
    if (/^lightning:/i.test(value)) value = value.slice('lightning:'.length);
    return invoiceNumbers(JSON.parse(unwrap(this.#core.invoiceDecode(value))));
  }

  /**
   * A signed invoice of these fields (the names decode returns; decode's result is valid
   * input), signed with secretKey (Uint8Array(32)). created_at defaults to now.
   */
  encode(fields, secretKey) {
    const now = Math.floor(Date.now() / 1000);
    return unwrap(this.#core.invoiceEncode(invoiceFieldsJson(fields), secretKey, now));
  }
}

/**
 * core/tip (datt.tips): on-chain tips (docs/protocol.md "On-chain tips"). The author's
 * payout-address event (kind 10570) and the payer's tip event (kind 4570) as unsigned
 * templates to sign and as parsed objects; the OP_RETURN output the payment carries; the
 * SPV verdict on a tip; totals. Only tips verify() calls 'verified' may be counted.
 */
export class Tips {
  #core;

  constructor(core) {
    this.#core = core;
  }

  /** The unsigned kind 10570 template for [{network, address}]. */
  payoutTemplate(entries, { createdAt } = {}) {
    return unwrap(this.#core.tipPayoutTemplate(entries, createdAt));
  }

  /** {id, author, created_at, addresses: [{network, address, scriptPubKey}]} of a kind 10570 event. */
  parsePayout(event) {
    return unwrap(this.#core.tipParsePayout(eventJson(event, 'event')));
  }

  /** The unsigned kind 4570 template: `payout` is the author's event, `request` {target, network, txid, vout, sats, message?, createdAt}. */
  tipTemplate(payout, request) {
    return unwrap(this.#core.tipTemplate(eventJson(payout, 'payout'), request));
  }

  /** The parsed tip {id, payer, target, author, network, txid, vout, sats, address, scriptPubKey, message, payout}. */
  parseTip(event) {
    return unwrap(this.#core.tipParse(eventJson(event, 'event')));
  }

  /** The OP_RETURN output script (Uint8Array) tying a payment to `target` and `payer` (hex). */
  commitmentScript(target, payer) {
    return unwrap(this.#core.tipCommitmentScript(target, payer));
  }

  /**
   * The verdict {status: 'verified' | 'pending' | 'invalid', code?, message?, confirmations,
   * height, blockHash?, sats} on a tip, given {network, state, transaction, proof?, headers?,
   * minConfirmations?}: the client's header-chain state, the raw transaction, the
   * gettxoutproof bytes, and the client's headers from the proof's block to its tip.
   */
  verify(tip, evidence) {
    return unwrap(this.#core.tipVerify(eventJson(tip, 'tip'), evidence));
  }

  /** {sats, payments} over verified tips [{txid, vout, sats}], each outpoint once. */
  total(tips) {
    return unwrap(this.#core.tipTotal(tips));
  }
}

/**
 * core/channel (datt.channel): the client's side of a payment channel to the hub
 * (docs/protocol.md "Channels"). Each call runs one input of the channel machine and
 * returns {state, frames, events}: the next state (Uint8Array, store it before sending),
 * the binary frames to send on the WebSocket (Uint8Array each), and the events (objects;
 * amounts and ids are decimal strings). `seed` is the channel's 32-byte secret seed.
 */
export class Channels {
  #core;

  constructor(core) {
    this.#core = core;
  }

  #call(op, state, seed, args, bytes) {
    const json = args === undefined ? null : JSON.stringify(args, (k, v) => (typeof v === 'bigint' ? v.toString() : v));
    const out = unwrap(this.#core.channelCall(op, state ?? null, seed, json, bytes ?? null));
    return { state: out.state, frames: out.frames, events: JSON.parse(out.events) };
  }

  /** open_channel: params as bind_channel.cpp lists them (msat as BigInt or decimal string). */
  open(seed, params) { return this.#call('open', null, seed, params); }
  /** funding_created for the funding output {txid (display hex), vout}. */
  funding(state, seed, outpoint) { return this.#call('funding', state, seed, outpoint); }
  /** One frame (Uint8Array) from the hub. A warning/error frame throws DattError 'hub_error'. */
  receive(state, seed, frame) { return this.#call('receive', state, seed, undefined, frame); }
  ready(state, seed) { return this.#call('ready', state, seed); }
  /** update_add_htlc: {amount_msat, payment_hash, cltv_expiry, block_height, hop: {final, channel_id, amount_msat, cltv_expiry}}. */
  addHtlc(state, seed, htlc) { return this.#call('add', state, seed, htlc); }
  fulfill(state, seed, id, preimage) { return this.#call('fulfill', state, seed, { id: String(id), preimage }); }
  fail(state, seed, id, reason) { return this.#call('fail', state, seed, { id: String(id), reason }); }
  sign(state, seed) { return this.#call('sign', state, seed); }
  disconnected(state, seed) { return this.#call('disconnected', state, seed); }
  /** After reconnecting: our channel_reestablish. */
  connected(state, seed) { return this.#call('connected', state, seed); }
  /** {phase, link, channel_id, funder, can_update, has_changes_to_sign, to_local_msat, to_remote_msat, htlcs}. */
  info(state) { return JSON.parse(unwrap(this.#core.channelInfo(state))); }
  /** What to send the hub so the payee gets amountMsat, given NIP-11 fees.channel (BigInt). */
  amountWithFee(fees, amountMsat) {
    return BigInt(unwrap(this.#core.hubAmountWithFee(String(fees.base_msat), fees.proportional_millionths, String(amountMsat))));
  }
}

class Datt {
  #core;
  #random;
  bitcoin;
  /** core/channel: see Channels. */
  channel;
  /** core/invoice: see Invoices. */
  invoice;
  /** core/chain: see Chain. */
  chain;
  /** core/community and NIP-13: see Community. */
  community;
  /** core/tip: see Tips. */
  tips;

  constructor(core, random) {
    this.#core = core;
    this.#random = random;
    this.bitcoin = new Bitcoin(core, random);
    this.invoice = new Invoices(core);
    this.chain = new Chain(core, random);
    this.community = new Community(core);
    this.tips = new Tips(core);
    this.channel = new Channels(core);
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
  const seed = random.getRandomValues(new Uint8Array(32));
  unwrap(core.randomizeContext(seed));
  seed.fill(0);
  return datt;
}
