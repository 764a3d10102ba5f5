// The passphrase keystore (web/src/lib/keystore.js): round trips, refusals with stable codes,
// tamper detection, hostile records, and an independent decryption/encryption with node:crypto
// (PBKDF2-HMAC-SHA256 -> AES-256-GCM, AAD = public key) that pins the stored format.
import '../support/webcrypto.mjs';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { DEFAULT_ITERATIONS, KeystoreError, checkSealed, openSecret, passphraseProblem, sealSecret }
  from '../../web/src/lib/keystore.js';

// BIP-340 test vector 1 key pair (any 32-byte key works; the keystore does not pair-check).
const SECRET = 'b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a784d9045190cfef';
const PUBKEY = 'dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659';
const OTHER_PUBKEY = '7e2d58d8b3bcdf1abadec7829054f90dda9805aab56c77333024b9d0a508b75c';
const MNEMONIC = 'zoo wrist velvet orbit crane pulse hybrid dwarf lumber ticket moral seven';
const PASS = 'correct horse battery staple';
const FAST = { iterations: 100000 }; // the smallest count openSecret accepts

const secret = { secretKey: SECRET, mnemonic: MNEMONIC, publicKey: PUBKEY };

/** Asserts that `promise` rejects with a KeystoreError carrying `code` (and nothing else). */
async function rejectsWith(promise, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof KeystoreError, `expected KeystoreError, got ${e?.name}: ${e?.message}`);
    assert.equal(e.name, 'KeystoreError');
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.length > 0);
    return true;
  });
}

/** Decrypts a record with node:crypto only, following the documented format. */
function independentOpen(record, passphrase) {
  const salt = Buffer.from(record.salt, 'base64');
  const iv = Buffer.from(record.iv, 'base64');
  const sealed = Buffer.from(record.ciphertext, 'base64');
  const key = pbkdf2Sync(Buffer.from(passphrase.normalize('NFKC'), 'utf8'), salt, record.iterations, 32, 'sha256');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(record.publicKey, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  return JSON.parse(plain.toString('utf8'));
}

/** Builds a record with node:crypto only, from an arbitrary plaintext. */
function independentSeal(plaintext, passphrase, publicKey = PUBKEY, iterations = 100000) {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = pbkdf2Sync(Buffer.from(passphrase.normalize('NFKC'), 'utf8'), salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(publicKey, 'utf8'));
  const body = Buffer.concat([cipher.update(Buffer.from(plaintext, 'utf8')), cipher.final()]);
  return {
    version: 1,
    kdf: 'PBKDF2-SHA256',
    iterations,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    ciphertext: Buffer.concat([body, cipher.getAuthTag()]).toString('base64'),
    publicKey,
  };
}

// One sealed record shared by the read-only tests (sealing costs a PBKDF2 run).
const sealed = await sealSecret(secret, PASS, FAST);

/** Flips one bit of byte `index` of a base64 field. */
function flipBit(base64, index) {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index] ^= 0x01;
  return bytes.toString('base64');
}

test('seal/open round trip returns the key and mnemonic; the record has the documented shape', async () => {
  assert.deepEqual(await openSecret(sealed, PASS), { secretKey: SECRET, mnemonic: MNEMONIC });
  assert.deepEqual(Object.keys(sealed).sort(),
    ['ciphertext', 'iterations', 'iv', 'kdf', 'publicKey', 'salt', 'version']);
  assert.equal(sealed.version, 1);
  assert.equal(sealed.kdf, 'PBKDF2-SHA256');
  assert.equal(sealed.iterations, 100000);
  assert.equal(sealed.publicKey, PUBKEY);
  assert.equal(Buffer.from(sealed.salt, 'base64').length, 16);
  assert.equal(Buffer.from(sealed.iv, 'base64').length, 12);
  // GCM: ciphertext is exactly the plaintext length plus a 16-byte tag.
  const plainLength = Buffer.byteLength(JSON.stringify({ secretKey: SECRET, mnemonic: MNEMONIC }));
  assert.equal(Buffer.from(sealed.ciphertext, 'base64').length, plainLength + 16);
  // Structured-cloneable (it goes to IndexedDB).
  assert.deepEqual(structuredClone(sealed), sealed);
  assert.equal(checkSealed(sealed), sealed);
});

test('without a mnemonic, open returns an empty mnemonic', async () => {
  const record = await sealSecret({ secretKey: SECRET, publicKey: PUBKEY }, PASS, FAST);
  assert.deepEqual(await openSecret(record, PASS), { secretKey: SECRET, mnemonic: '' });
});

test('default iteration count is 600000 and such a record opens', async () => {
  assert.equal(DEFAULT_ITERATIONS, 600000);
  const record = await sealSecret(secret, PASS);
  assert.equal(record.iterations, 600000);
  assert.deepEqual(await openSecret(record, PASS), { secretKey: SECRET, mnemonic: MNEMONIC });
  assert.deepEqual(independentOpen(record, PASS), { secretKey: SECRET, mnemonic: MNEMONIC });
});

test('independent node:crypto PBKDF2 + AES-256-GCM decrypts what sealSecret wrote', () => {
  assert.deepEqual(independentOpen(sealed, PASS), { secretKey: SECRET, mnemonic: MNEMONIC });
  // The AAD really is the public key: decrypting with another one fails authentication.
  assert.throws(() => independentOpen({ ...sealed, publicKey: OTHER_PUBKEY }, PASS));
  // And the iteration count really is the stored one.
  assert.throws(() => independentOpen({ ...sealed, iterations: 100001 }, PASS));
});

test('openSecret opens a record written independently with node:crypto', async () => {
  const plaintext = JSON.stringify({ secretKey: SECRET, mnemonic: MNEMONIC });
  const record = independentSeal(plaintext, PASS, PUBKEY, 123457);
  assert.deepEqual(await openSecret(record, PASS), { secretKey: SECRET, mnemonic: MNEMONIC });
});

test('a wrong or empty passphrase is reported as wrong_passphrase', async () => {
  await rejectsWith(openSecret(sealed, 'correct horse battery stapler'), 'wrong_passphrase');
  await rejectsWith(openSecret(sealed, 'Correct horse battery staple'), 'wrong_passphrase');
  await rejectsWith(openSecret(sealed, ''), 'wrong_passphrase');
  await rejectsWith(openSecret(sealed, undefined), 'wrong_passphrase');
  await rejectsWith(openSecret(sealed, 12345678), 'wrong_passphrase');
});

test('weak passphrases and bad secret keys are refused when sealing', async () => {
  assert.equal(passphraseProblem('12345678'), null);
  assert.match(passphraseProblem('1234567'), /8/);
  assert.notEqual(passphraseProblem(undefined), null);
  await rejectsWith(sealSecret(secret, '1234567', FAST), 'weak_passphrase');
  await rejectsWith(sealSecret(secret, '', FAST), 'weak_passphrase');
  await rejectsWith(sealSecret(secret, null, FAST), 'weak_passphrase');
  await rejectsWith(sealSecret(secret, ['password', 'password'], FAST), 'weak_passphrase');
  const record = await sealSecret(secret, '12345678', FAST); // exactly the minimum is accepted
  assert.equal((await openSecret(record, '12345678')).secretKey, SECRET);
  for (const bad of [SECRET.toUpperCase(), SECRET.slice(1), `${SECRET}00`, `${SECRET.slice(2)}zz`, '', undefined]) {
    await rejectsWith(sealSecret({ ...secret, secretKey: bad }, PASS, FAST), 'bad_secret_key');
  }
});

test('tampered ciphertext, iv, salt, iterations or public key does not open', async () => {
  const ciphertextLength = Buffer.from(sealed.ciphertext, 'base64').length;
  const tampered = [
    { ...sealed, ciphertext: flipBit(sealed.ciphertext, 0) },
    { ...sealed, ciphertext: flipBit(sealed.ciphertext, ciphertextLength - 1) }, // the tag
    { ...sealed, ciphertext: Buffer.from(sealed.ciphertext, 'base64').subarray(0, ciphertextLength - 1).toString('base64') },
    { ...sealed, ciphertext: Buffer.from(sealed.ciphertext, 'base64').subarray(0, 16).toString('base64') },
    { ...sealed, ciphertext: '' },
    { ...sealed, iv: flipBit(sealed.iv, 11) },
    { ...sealed, salt: flipBit(sealed.salt, 0) },
    { ...sealed, iterations: sealed.iterations + 1 },
    { ...sealed, publicKey: OTHER_PUBKEY }, // associated data swapped
  ];
  for (const record of tampered) {
    await assert.rejects(openSecret(record, PASS), (e) => {
      assert.ok(e instanceof KeystoreError, `${e?.name}: ${e?.message}`);
      assert.ok(['wrong_passphrase', 'corrupt_keystore'].includes(e.code), e.code);
      return true;
    });
  }
  // The untouched record still opens (the loop above did not mutate it).
  assert.equal((await openSecret(sealed, PASS)).secretKey, SECRET);
});

test('malformed records are corrupt_keystore and nothing else', async () => {
  const huge = 'A'.repeat(4100);
  const malformed = [
    null, undefined, 0, 'record', true, [], {},
    { ...sealed, version: 2 }, { ...sealed, version: '1' }, { ...sealed, kdf: 'scrypt' },
    { ...sealed, iterations: undefined }, { ...sealed, iterations: '100000' }, { ...sealed, iterations: 100000.5 },
    { ...sealed, iterations: 99999 }, { ...sealed, iterations: 10000001 }, { ...sealed, iterations: 0 },
    { ...sealed, iterations: -600000 }, { ...sealed, iterations: NaN }, { ...sealed, iterations: Infinity },
    { ...sealed, publicKey: undefined }, { ...sealed, publicKey: PUBKEY.toUpperCase() },
    { ...sealed, publicKey: PUBKEY.slice(2) }, { ...sealed, publicKey: 42 }, { ...sealed, publicKey: `${PUBKEY}\n` },
    { ...sealed, salt: undefined }, { ...sealed, iv: null }, { ...sealed, ciphertext: 7 },
    { ...sealed, salt: ['AAAA'] }, { ...sealed, ciphertext: { length: 1 } },
    { ...sealed, salt: huge }, { ...sealed, iv: huge }, { ...sealed, ciphertext: huge },
    { ...sealed, salt: '!!!!not base64!!!!' }, { ...sealed, iv: '\u00e9\u00e9\u00e9\u00e9' },
    { ...sealed, ciphertext: 'a' }, // 1 mod 4: not decodable base64
    { ...sealed, salt: Buffer.alloc(15).toString('base64') }, { ...sealed, salt: Buffer.alloc(17).toString('base64') },
    { ...sealed, iv: Buffer.alloc(16).toString('base64') }, { ...sealed, iv: '' },
  ];
  for (const record of malformed) {
    await rejectsWith(openSecret(record, PASS), 'corrupt_keystore');
    // checkSealed sees the structure only: it either passes the record or throws the same error.
    try {
      assert.equal(checkSealed(record), record);
    } catch (e) {
      assert.ok(e instanceof KeystoreError, `${e?.name}: ${e?.message}`);
      assert.equal(e.code, 'corrupt_keystore');
    }
  }
});

test('a record that decrypts to something other than a key is corrupt_keystore', async () => {
  for (const plaintext of ['null', '5', '"text"', '[]', '{}', '{"secretKey":"zz"}',
    JSON.stringify({ secretKey: SECRET.toUpperCase() }), JSON.stringify({ secretKey: 7 })]) {
    await rejectsWith(openSecret(independentSeal(plaintext, PASS), PASS), 'corrupt_keystore');
  }
  // A non-string mnemonic is dropped, the key still opens.
  const record = independentSeal(JSON.stringify({ secretKey: SECRET, mnemonic: ['a'] }), PASS);
  assert.deepEqual(await openSecret(record, PASS), { secretKey: SECRET, mnemonic: '' });
});

test('two seals of the same key use fresh salt and iv', async () => {
  const again = await sealSecret(secret, PASS, FAST);
  assert.notEqual(again.salt, sealed.salt);
  assert.notEqual(again.iv, sealed.iv);
  assert.notEqual(again.ciphertext, sealed.ciphertext);
  assert.deepEqual(await openSecret(again, PASS), await openSecret(sealed, PASS));
});

test('the stored record contains no plaintext secret', () => {
  const json = JSON.stringify(sealed).toLowerCase();
  assert.ok(!json.includes(SECRET));
  assert.ok(!json.includes(SECRET.slice(0, 16)));
  assert.ok(!json.includes(Buffer.from(SECRET, 'hex').toString('base64').toLowerCase().slice(0, 12)));
  // The phrase, any two adjacent words, or a word as a JSON string would be a leak; a lone
  // short word ("zoo") can occur by chance in the random base64 of salt, iv or ciphertext.
  const words = MNEMONIC.split(' ');
  assert.ok(!json.includes(MNEMONIC));
  for (let i = 0; i + 1 < words.length; ++i) {
    const pair = `${words[i]} ${words[i + 1]}`;
    assert.ok(!json.includes(pair), `record contains "${pair}"`);
  }
  for (const word of words) assert.ok(!json.includes(`"${word}"`), `record contains "${word}" as a string`);
  assert.ok(!json.includes('secretkey'));
  assert.ok(!json.includes('mnemonic'));
  assert.ok(!json.includes(PASS.split(' ')[0]));
});

test('passphrases are NFKC-normalized: composed and decomposed forms open the same record', async () => {
  const composed = 'caf\u00e9 au lait';
  const decomposed = 'cafe\u0301 au lait';
  assert.notEqual(composed, decomposed);
  const record = await sealSecret(secret, decomposed, FAST);
  assert.equal((await openSecret(record, composed)).secretKey, SECRET);
  assert.equal((await openSecret(record, decomposed)).secretKey, SECRET);
  // The key is derived from the NFKC bytes: the raw decomposed bytes do not decrypt.
  assert.deepEqual(independentOpen(record, composed).secretKey, SECRET);
  const raw = Buffer.from(decomposed, 'utf8');
  const key = pbkdf2Sync(raw, Buffer.from(record.salt, 'base64'), record.iterations, 32, 'sha256');
  const sealedBytes = Buffer.from(record.ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(record.iv, 'base64'));
  decipher.setAAD(Buffer.from(PUBKEY));
  decipher.setAuthTag(sealedBytes.subarray(sealedBytes.length - 16));
  decipher.update(sealedBytes.subarray(0, sealedBytes.length - 16));
  assert.throws(() => decipher.final());
  // Compatibility forms too (NFKC, not just NFC): the "fi" ligature unlocks "fi".
  const ligature = await sealSecret(secret, 'pro\ufb01le secret', FAST);
  assert.equal((await openSecret(ligature, 'profile secret')).secretKey, SECRET);
  await rejectsWith(openSecret(ligature, 'pro\ufb02le secret'), 'wrong_passphrase'); // "fl" ligature
});

test('sealing refuses what opening would refuse (iterations, public key)', async () => {
  const secretKey = '11'.repeat(32);
  const publicKey = '22'.repeat(32);
  await assert.rejects(sealSecret({ secretKey, publicKey }, 'long enough passphrase', { iterations: 1000 }),
    { code: 'bad_iterations' });
  await assert.rejects(sealSecret({ secretKey, publicKey: 'nope' }, 'long enough passphrase', { iterations: 100000 }),
    { code: 'bad_public_key' });
});
