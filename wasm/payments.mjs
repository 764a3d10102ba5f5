// Datt payments for JavaScript (datt.bitcoin, datt.invoice, datt.tips, datt.receipts): core/bitcoin
// (with its wallet rules), core/invoice, core/tip and core/receipt in a second WebAssembly module, datt_pay.wasm,
// which datt.mjs loads on demand (`await datt.loadPayments()`), so that what a browser
// fetches before it can verify an event stays small (docs/performance.md "Size").
// Not a public entry point: import datt.mjs. Methods are documented in datt.d.ts.
import createDattPay from './datt_pay.mjs';
import { DattError, eventJson, isNode, text, unwrap } from './datt_common.mjs';

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
 * core/receipt (datt.receipts): receipts of channel payments (docs/protocol.md "Receipts").
 * The payer's request goes into the HTLC's hop (`channel.addHtlc(..., {hop: {..., receipt}})`,
 * a 0xd3 payload); the hub publishes a kind 4571 receipt once the payee is paid; any client
 * verifies it against the target event. Amounts are BigInt (msat, sats).
 */
export class Receipts {
  #core;

  #random;

  constructor(core, random) {
    this.#core = core;
    this.#random = random;
  }

  /**
   * The hop's receipt request {target, payer, payer_sig, invoice} for paying `invoice` (the
   * author's, description "datt:tip:<target>") amountMsat, signed with the payer's secretKey;
   * throws the receipt_* code the hub would answer with.
   */
  request({ secretKey, paymentHash, target, amountMsat, invoice }) {
    const args = JSON.stringify({
      payment_hash: text(paymentHash, 'paymentHash'), target: text(target, 'target'),
      amount_msat: String(amountMsat), invoice: text(invoice, 'invoice'),
    });
    const aux = this.#random.getRandomValues(new Uint8Array(32));
    return JSON.parse(unwrap(this.#core.receiptRequest(secretKey, args, aux)));
  }

  /** The receipt's fields {id, hub, created_at, target, payee, payer, amount_msat, invoice, preimage, payer_sig}. */
  parse(event) {
    const out = JSON.parse(unwrap(this.#core.receiptParse(eventJson(event, 'receipt'))));
    return { ...out, amount_msat: BigInt(out.amount_msat) };
  }

  /**
   * What a receipt proves {id, hub, target, payee, payer, amount_msat, payment_hash}, checked
   * against the target event (and the hub's key, when given); throws DattError receipt_*.
   */
  verify(receipt, target, { hub } = {}) {
    const out = JSON.parse(unwrap(this.#core.receiptVerify(eventJson(receipt, 'receipt'), eventJson(target, 'target'), hub ?? null)));
    return { ...out, amount_msat: BigInt(out.amount_msat) };
  }

  /**
   * Verified sats per target [{target, sats}] from verified on-chain tips [{target, txid, vout,
   * sats}] (each outpoint once) and verified receipts [{target, payment_hash, amount_msat}]
   * (each payment hash once): what datt.rank's tip_sats takes.
   */
  paidSats({ chain = [], channel = [] } = {}) {
    const json = JSON.stringify({ chain, channel }, (k, v) => (typeof v === 'bigint' || typeof v === 'number' ? String(v) : v));
    return JSON.parse(unwrap(this.#core.receiptPaidSats(json))).map((t) => ({ target: t.target, sats: BigInt(t.sats) }));
  }
}

/**
 * Instantiates datt_pay.wasm (its own libsecp256k1 context, randomized like the core's) and
 * returns the payment APIs over it.
 */
export async function loadPayments(random) {
  const options = {};
  if (isNode) {
    const { readFile } = await import('node:fs/promises');
    options.wasmBinary = await readFile(new URL('./datt_pay.wasm', import.meta.url));
  } else {
    options.locateFile = (file) => new URL(file, import.meta.url).href;
  }
  const pay = await createDattPay(options);
  const seed = random.getRandomValues(new Uint8Array(32));
  try {
    unwrap(pay.randomizeContext(seed));
  } finally {
    seed.fill(0);
  }
  return {
    bitcoin: new Bitcoin(pay, random), invoice: new Invoices(pay), tips: new Tips(pay), receipts: new Receipts(pay, random),
  };
}
