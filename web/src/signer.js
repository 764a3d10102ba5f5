// The signer worker: the only place in a tab that holds the secret key. It unseals the key
// from IndexedDB (lib/keystore.js, WebCrypto), keeps it in wasm memory as a datt Signer
// session while the account is unlocked, and signs the templates the UI sends. The UI thread
// (where the Markdown renderer runs) sees passphrases and public keys, never the key: an XSS
// there can ask this worker to sign, but cannot read the key out. Lock deletes the session,
// which wipes the key. Each tab has its own signer worker (unlocking is per tab).
//
// Requests {id, type, ...} -> replies {id, ok, value | error: {message, code}}:
//   create {secret | mnemonic, passphrase}  seal a new or imported key, store it, unlock
//   unlock {passphrase, remember}           unseal the stored key; `remember`: also seal it
//                                           under a device key ("stay unlocked on this device")
//   resume                                  unlock from the device seal, if there is one
//   lock                                    forget it and the device seal
//   signOut                                 forget it and remove the sealed key
//   sign {template}                         a signed event (needs unlocked)
//   export {passphrase}                     {nsec, mnemonic} (re-checks the passphrase)
//   state                                   {unlocked, publicKey}
//   walletAccount {network}                 the BIP-84 account's xpub and fingerprint
//   walletSign {network, unsigned}          a signed wallet transaction (needs unlocked)
//   tipInvoice {fields}                     a tip invoice (description datt:tip:<id> only) signed
//                                           with the Nostr key (docs/web.md "Tips over the channel")
//   receiptRequest {paymentHash, target, amountMsat, invoice}  the payer's signed receipt request
//
// The Bitcoin wallet's keys are BIP-84 keys of the identity's BIP-39 seed (docs/web.md
// "Wallet"): the seed is computed from the mnemonic sealed in the same record as the key,
// held here while unlocked (wiped on lock) and copied into wasm only for each call (which
// wipes its copy). An account imported from an nsec or hex key has no seed, so no wallet.
import { KeystoreError, openSecret, sealSecret } from './lib/keystore.js';
import { isTipInvoiceFields } from './channels/invoice_request.js';
import { deviceSeal, openDatabase, removeDeviceSeal, removeSealedKey, sealedKey, storeDeviceSeal,
  storeSealedKey } from './store/db.js';

const NIP06_PATH = "m/44'/1237'/0'/0/0";

let datt;
let db;
let signer = null;
// A copy of the Nostr key for the two payment signatures the Signer session does not make
// (BOLT-11 invoices and receipt requests, both in the payments module); wiped with the session.
let nostrKey = null;
let walletSeed = null;
let resumedFromDevice = false;   // held from the device seal: no mnemonic, so no wallet seed   // the BIP-39 seed while unlocked, if the account has a mnemonic
const ready = (async () => {
  const { loadDatt } = await import('/wasm/datt.mjs');
  datt = await loadDatt();
  db = await openDatabase();
})();

function keyFromMnemonic(mnemonic) {
  const seed = datt.mnemonicToSeed(mnemonic);
  try {
    return datt.derive(seed, NIP06_PATH).secretKey;
  } finally {
    seed.fill(0);
  }
}

/**
 * The 32-byte key of what a person pasted to import an account: a mnemonic, an nsec (either
 * case) or 64 hex characters. Errors say what to paste instead.
 */
function keyFromImport(text) {
  const trimmed = text.trim();
  const lower = trimmed.toLowerCase();   // bech32 may be all upper case
  if (/^npub1/.test(lower)) {
    throw new Error('That is a public key (npub): to sign in, paste your secret key (nsec1…) or your recovery phrase.');
  }
  if (/^nsec1/.test(lower)) {
    let decoded;
    try {
      decoded = datt.nip19Decode(lower);
    } catch {
      throw new Error('That nsec is not valid (its checksum does not match): check it for a typo or a missing character.');
    }
    if (decoded.type !== 'nsec') throw new Error('That is not an nsec secret key.');
    return { secretKey: decoded.data, mnemonic: '' };
  }
  if (/^[0-9a-f]{64}$/.test(lower)) {
    const secretKey = datt.hexToBytes(lower);
    try {
      datt.publicKey(secretKey);
    } catch {
      throw new Error('Those 64 hex characters are not a valid secret key (zero, or not below the curve order).');
    }
    return { secretKey, mnemonic: '' };
  }
  const mnemonic = lower.split(/\s+/).join(' ');
  if (!datt.validateMnemonic(mnemonic)) {
    throw new Error('Not a valid recovery phrase, nsec or 64-character hex key (check the words and their order).');
  }
  return { secretKey: keyFromMnemonic(mnemonic), mnemonic };
}

function hold(secretKey, mnemonic = '') {
  signer?.delete();
  nostrKey?.fill(0);
  nostrKey = secretKey.slice();
  signer = datt.openSigner(secretKey);
  secretKey.fill(0);
  walletSeed?.fill(0);
  walletSeed = mnemonic ? datt.mnemonicToSeed(mnemonic) : null;
  resumedFromDevice = false;
  return signer.publicKey;
}

function seedForWallet() {
  if (!signer) throw new KeystoreError('locked', 'unlock your key to use the wallet');
  if (!walletSeed && resumedFromDevice) {
    throw new KeystoreError('locked', 'the wallet needs your passphrase: lock, then unlock with it (staying unlocked on this device keeps the Nostr key only)');
  }
  if (!walletSeed) {
    throw new KeystoreError('no_seed', 'this account was imported without its recovery phrase: the wallet needs the phrase (import it with the 12 words)');
  }
  return walletSeed;
}

async function unseal(passphrase) {
  const record = await sealedKey(db);
  if (!record) throw new KeystoreError('no_key', 'there is no key in this browser');
  const opened = await openSecret(record, passphrase);
  const secretKey = datt.hexToBytes(opened.secretKey);
  if (datt.publicKey(secretKey) !== record.publicKey) {
    secretKey.fill(0);
    throw new KeystoreError('corrupt_keystore', 'the stored key does not match its public key');
  }
  return { record, secretKey, mnemonic: opened.mnemonic };
}

// "Stay unlocked on this device": the secret encrypted (AES-256-GCM, the public key as
// associated data) under a key WebCrypto generates non-extractable, stored with it in
// IndexedDB. The browser can use that key but no script can export its bytes. What this
// protects against and what not: docs/web.md "Staying unlocked".
async function sealForDevice(secretKey, publicKey) {
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  const nonce = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonce, additionalData: new TextEncoder().encode(publicKey) }, key, secretKey));
  await storeDeviceSeal(db, { key, nonce, ciphertext, publicKey });
}

async function openDeviceSeal() {
  const [record, main] = await Promise.all([deviceSeal(db), sealedKey(db)]);
  if (!record) return null;
  // Only for the account whose sealed key is here; anything malformed is dropped.
  const valid = main && record.publicKey === main.publicKey && record.key instanceof CryptoKey &&
    record.nonce instanceof Uint8Array && record.nonce.length === 12 && record.ciphertext instanceof Uint8Array;
  if (!valid) {
    await removeDeviceSeal(db);
    return null;
  }
  try {
    const plain = new Uint8Array(await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: record.nonce, additionalData: new TextEncoder().encode(record.publicKey) }, record.key, record.ciphertext));
    if (plain.length !== 32 || datt.publicKey(plain) !== record.publicKey) {
      plain.fill(0);
      throw new Error('mismatch');
    }
    return plain;
  } catch {
    await removeDeviceSeal(db);
    return null;
  }
}

const handlers = {
  async create({ secret, mnemonic, passphrase }) {
    const key = mnemonic ? { secretKey: keyFromMnemonic(mnemonic), mnemonic } : keyFromImport(String(secret ?? ''));
    const publicKey = datt.publicKey(key.secretKey);
    const record = await sealSecret({ secretKey: datt.bytesToHex(key.secretKey), mnemonic: key.mnemonic, publicKey },
      passphrase);
    await storeSealedKey(db, record);
    return { publicKey: hold(key.secretKey, key.mnemonic) };
  },
  async unlock({ passphrase, remember = false }) {
    const { record, secretKey, mnemonic } = await unseal(passphrase);
    if (remember) await sealForDevice(secretKey, record.publicKey);
    // A session resumed from the device seal holds the Nostr key only: the wallet's seed comes
    // from the mnemonic, which only the passphrase unseals.
    return { publicKey: hold(secretKey, mnemonic) };
  },
  async resume() {
    const secretKey = await openDeviceSeal();
    if (!secretKey) return { publicKey: null };
    const publicKey = hold(secretKey);
    resumedFromDevice = true;
    return { publicKey };
  },
  async lock() {
    signer?.delete();
    signer = null;
    nostrKey?.fill(0);
    nostrKey = null;
    walletSeed?.fill(0);
    walletSeed = null;
    await removeDeviceSeal(db);
    return { unlocked: false };
  },
  async remembered() {
    return { remembered: Boolean(await deviceSeal(db)) };
  },
  async signOut() {
    await handlers.lock();
    await removeSealedKey(db);
    return { account: null };
  },
  sign({ template }) {
    if (!signer) throw new KeystoreError('locked', 'unlock your key to sign');
    return signer.signEvent(template);
  },
  async export({ passphrase }) {
    const { secretKey, mnemonic } = await unseal(passphrase);
    try {
      return { nsec: datt.nip19Encode('nsec', secretKey), mnemonic };
    } finally {
      secretKey.fill(0);
    }
  },
  async walletAccount({ network }) {
    await datt.loadPayments(); // datt.bitcoin: the payments module, loaded on first use
    const { xpub, fingerprint } = datt.bitcoin.wallet.account(seedForWallet(), { network });
    return { network, xpub, fingerprint };
  },
  async walletSign({ network, unsigned }) {
    await datt.loadPayments();
    return datt.bitcoin.wallet.sign(seedForWallet(), unsigned, { network });
  },
  async tipInvoice({ fields }) {
    if (!signer || !nostrKey) throw new KeystoreError('locked', 'unlock your key to sign an invoice');
    if (!isTipInvoiceFields(fields)) throw new Error('only tip invoices are signed with the Nostr key');
    await datt.loadPayments();
    return datt.invoice.encode(fields, nostrKey);
  },
  async receiptRequest({ paymentHash, target, amountMsat, invoice }) {
    if (!signer || !nostrKey) throw new KeystoreError('locked', 'unlock your key to tip');
    await datt.loadPayments();
    return datt.receipts.request({ secretKey: nostrKey, paymentHash, target, amountMsat, invoice });
  },
  state() {
    return { unlocked: signer !== null, publicKey: signer?.publicKey ?? null };
  },
};

// One request at a time, in order (an unlock finishes before the sign sent after it).
let queue = Promise.resolve();
self.onmessage = (e) => {
  const { id, type, ...args } = e.data ?? {};
  const handler = handlers[type];
  queue = queue.then(async () => {
    if (!handler) throw new Error(`unknown request ${type}`);
    await ready;
    return handler(args);
  }).then(
    (value) => self.postMessage({ id, ok: true, value }),
    (error) => self.postMessage({ id, ok: false, error: { message: error?.message ?? String(error), code: error?.code } }));
};
