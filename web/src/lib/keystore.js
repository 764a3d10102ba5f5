// The secret key at rest: encrypted under a passphrase with WebCrypto (PBKDF2-HMAC-SHA256
// stretching, AES-256-GCM). The stored record holds only salt, nonce, iteration count and
// ciphertext; a wrong passphrase fails GCM's authentication and is reported as such.
// Works wherever WebCrypto does (browsers, workers, Node >= 18).

export const DEFAULT_ITERATIONS = 600000; // OWASP 2023 guidance for PBKDF2-HMAC-SHA256
const MIN_ITERATIONS = 100000;
const MAX_ITERATIONS = 10000000;
const MIN_PASSPHRASE = 8;

export class KeystoreError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'KeystoreError';
    this.code = code;
  }
}

const encoder = new TextEncoder();

function toBase64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text, field, size) {
  let raw;
  try {
    raw = atob(text);
  } catch {
    throw new KeystoreError('corrupt_keystore', `stored key: ${field} is not base64`);
  }
  if (size !== undefined && raw.length !== size) {
    throw new KeystoreError('corrupt_keystore', `stored key: ${field} has ${raw.length} bytes, expected ${size}`);
  }
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

async function deriveKey(passphrase, salt, iterations) {
  const material = await crypto.subtle.importKey('raw', encoder.encode(passphrase.normalize('NFKC')),
    'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material,
    { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Why a passphrase is not acceptable for a new key, or null. */
export function passphraseProblem(passphrase) {
  if (typeof passphrase !== 'string' || passphrase.length < MIN_PASSPHRASE) {
    return `use at least ${MIN_PASSPHRASE} characters`;
  }
  return null;
}

/**
 * Encrypts a 32-byte secret key (hex) for storage. `extra` (e.g. the mnemonic) is encrypted
 * with it when given. The public key is stored in the clear so the app can show who is
 * locked. Returns a plain, structured-cloneable record.
 */
export async function sealSecret({ secretKey, mnemonic = '', publicKey }, passphrase,
  { iterations = DEFAULT_ITERATIONS } = {}) {
  const problem = passphraseProblem(passphrase);
  if (problem) throw new KeystoreError('weak_passphrase', `passphrase: ${problem}`);
  if (typeof secretKey !== 'string' || !/^[0-9a-f]{64}$/.test(secretKey)) {
    throw new KeystoreError('bad_secret_key', 'secret key must be 64 hex characters');
  }
  if (typeof publicKey !== 'string' || !/^[0-9a-f]{64}$/.test(publicKey)) {
    throw new KeystoreError('bad_public_key', 'public key must be 64 hex characters');
  }
  // The same bounds openSecret() enforces: a record it would refuse must never be written.
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new KeystoreError('bad_iterations', `iterations must be an integer from ${MIN_ITERATIONS} to ${MAX_ITERATIONS}`);
  }
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await deriveKey(passphrase, salt, iterations);
  const plain = encoder.encode(JSON.stringify({ secretKey, mnemonic }));
  // The public key is bound as associated data: swapping it in storage breaks decryption.
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(publicKey) }, key, plain));
  plain.fill(0);
  return {
    version: 1,
    kdf: 'PBKDF2-SHA256',
    iterations,
    salt: toBase64(salt),
    iv: toBase64(iv),
    ciphertext: toBase64(ciphertext),
    publicKey,
  };
}

/** Validates a stored record (it comes from IndexedDB: untrusted). */
export function checkSealed(record) {
  if (!record || typeof record !== 'object') throw new KeystoreError('corrupt_keystore', 'stored key is missing');
  if (record.version !== 1 || record.kdf !== 'PBKDF2-SHA256') {
    throw new KeystoreError('corrupt_keystore', `stored key has an unknown format (version ${record.version})`);
  }
  if (!Number.isInteger(record.iterations) || record.iterations < MIN_ITERATIONS || record.iterations > MAX_ITERATIONS) {
    throw new KeystoreError('corrupt_keystore', 'stored key has an invalid iteration count');
  }
  if (typeof record.publicKey !== 'string' || !/^[0-9a-f]{64}$/.test(record.publicKey)) {
    throw new KeystoreError('corrupt_keystore', 'stored key has an invalid public key');
  }
  for (const field of ['salt', 'iv', 'ciphertext']) {
    if (typeof record[field] !== 'string' || record[field].length > 4096) {
      throw new KeystoreError('corrupt_keystore', `stored key: ${field} is missing or too large`);
    }
  }
  return record;
}

/** {secretKey, mnemonic} from a sealed record; KeystoreError 'wrong_passphrase' when it does not open. */
export async function openSecret(record, passphrase) {
  checkSealed(record);
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new KeystoreError('wrong_passphrase', 'enter your passphrase');
  }
  const salt = fromBase64(record.salt, 'salt', 16);
  const iv = fromBase64(record.iv, 'iv', 12);
  const ciphertext = fromBase64(record.ciphertext, 'ciphertext');
  const key = await deriveKey(passphrase, salt, record.iterations);
  let plain;
  try {
    plain = new Uint8Array(await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: encoder.encode(record.publicKey) }, key, ciphertext));
  } catch {
    throw new KeystoreError('wrong_passphrase', 'wrong passphrase: the key did not open (it is the passphrase you chose in this browser)');
  }
  let value;
  try {
    value = JSON.parse(new TextDecoder().decode(plain));
  } catch {
    value = null;
  } finally {
    plain.fill(0);
  }
  if (!value || !/^[0-9a-f]{64}$/.test(value.secretKey ?? '')) {
    throw new KeystoreError('corrupt_keystore', 'stored key decrypted to something that is not a key');
  }
  return { secretKey: value.secretKey, mnemonic: typeof value.mnemonic === 'string' ? value.mnemonic : '' };
}
