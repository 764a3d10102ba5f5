// `datt invoice decode` and `datt invoice encode` as a user runs them: the BOLT-11
// examples (../shared/vectors/bolt/bolt11-invoice-examples.json) decoded and compared with an
// independent decoder (light-bolt11-decoder), the invalid ones refused with their code, and
// invoices we encode read back by that decoder with the signature checked by @noble/curves.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { secp256k1 } from '@noble/curves/secp256k1';
import lightBolt11 from 'light-bolt11-decoder';

import { runCli } from '../support/cli.mjs';
import { loadVectors } from '../support/vectors.mjs';

const VECTORS = 'bolt/bolt11-invoice-examples.json';
const work = mkdtempSync(path.join(tmpdir(), 'datt-cli-invoice-'));
after(() => rmSync(work, { recursive: true, force: true }));

const datt = (args, options = {}) => runCli(args, { ...options, unset: ['DATT_SECRET_KEY'] });

const hex = (bytes) => Buffer.from(bytes).toString('hex');

// BIP-173 bech32, to rebuild a checksum after tampering with an invoice's data.
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
function polymod(values) {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i];
  }
  return chk >>> 0;
}
function bech32Encode(hrp, words) {
  const expanded = [...hrp].map((c) => c.charCodeAt(0) >> 5).concat([0], [...hrp].map((c) => c.charCodeAt(0) & 31));
  const mod = polymod([...expanded, ...words, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum = [0, 1, 2, 3, 4, 5].map((i) => (mod >>> (5 * (5 - i))) & 31);
  return `${hrp}1${[...words, ...checksum].map((w) => CHARSET[w]).join('')}`;
}
function bech32Words(invoice) {
  const at = invoice.lastIndexOf('1');
  return { hrp: invoice.slice(0, at), words: [...invoice.slice(at + 1, -6)].map((c) => CHARSET.indexOf(c)) };
}
function wordsToBytes(words) {
  const out = [];
  let acc = 0;
  let bits = 0;
  for (const w of words) {
    acc = (acc << 5) | w;
    bits += 5;
    while (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  if (bits > 0) out.push((acc << (8 - bits)) & 0xff);
  return Uint8Array.from(out);
}

// The payee by public-key recovery over BOLT-11's signed data, with @noble/curves.
function recoverPayee(invoice) {
  const { hrp, words } = bech32Words(invoice.toLowerCase());
  const signatureBytes = wordsToBytes(words.slice(-104));
  const hash = createHash('sha256')
    .update(Buffer.from(hrp, 'utf8'))
    .update(wordsToBytes(words.slice(0, -104)))
    .digest();
  const signature = secp256k1.Signature.fromCompact(hex(signatureBytes.slice(0, 64)))
    .addRecoveryBit(signatureBytes[64]);
  return signature.recoverPublicKey(hash).toHex(true);
}

function section(decoded, name) {
  return decoded.sections.find((s) => s.name === name)?.value;
}

test('invoice decode and encode document themselves', () => {
  const overview = datt(['--help']);
  assert.match(overview.stdout, /datt invoice decode/);
  assert.match(overview.stdout, /datt invoice encode/);
  for (const command of ['decode', 'encode']) {
    const help = datt(['invoice', command, '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^usage: datt invoice /);
  }
  assert.match(datt(['invoice', 'encode', '--help']).stdout, /--key-file/);
  assert.equal(datt(['invoice']).status, 2);
  assert.equal(datt(['invoice', 'decode', 'lnbc1']).status, 2);
});

test('the spec\'s valid examples decode as an independent decoder reads them', async (t) => {
  const text = await loadVectors(t, VECTORS);
  if (!text) return;
  const vectors = JSON.parse(text);
  const payee = hex(secp256k1.getPublicKey(vectors.preamble.join(' ').match(/priv_key`=`([0-9a-f]{64})/)[1], true));
  let compared = 0;
  for (const v of vectors.valid) {
    if (v.invoice === null) continue;  // the vector file lacks the P2TR example's string
    const result = datt(['invoice', 'decode'], { input: `lightning:${v.invoice}\n` });
    assert.equal(result.status, 0, `${v.title}: ${result.stderr}`);
    const ours = JSON.parse(result.stdout);
    assert.equal(ours.signature_valid, true);
    // Recovery as @noble/curves does it agrees (the high-S example included: both recover
    // with the transmitted recovery id).
    assert.equal(ours.payee, recoverPayee(v.invoice), v.title);
    if (!/high-S/.test(v.title)) assert.equal(ours.payee, payee, v.title);

    let theirs;
    try {
      theirs = lightBolt11.decode(v.invoice);
    } catch {
      continue;  // fields it cannot read (the "fields which must be ignored" example)
    }
    compared++;
    assert.equal(ours.created_at, section(theirs, 'timestamp'), v.title);
    assert.equal(ours.amount_msat === undefined ? undefined : String(ours.amount_msat),
      section(theirs, 'amount'), v.title);
    assert.equal(ours.payment_hash, section(theirs, 'payment_hash'), v.title);
    assert.equal(ours.payment_secret, section(theirs, 'payment_secret'), v.title);
    assert.equal(ours.description, section(theirs, 'description'), v.title);
    assert.equal(ours.description_hash, section(theirs, 'description_hash'), v.title);
    assert.equal(ours.expiry, section(theirs, 'expiry') ?? 3600, v.title);
    if (section(theirs, 'min_final_cltv_expiry') !== undefined) {
      assert.equal(ours.min_final_cltv_expiry, section(theirs, 'min_final_cltv_expiry'), v.title);
    }
    assert.equal(ours.payment_metadata, section(theirs, 'metadata'), v.title);
    const hints = (theirs.route_hints ?? []).map((route) => route.map((hop) => ({
      pubkey: hop.pubkey,
      short_channel_id: hop.short_channel_id,
      fee_base_msat: hop.fee_base_msat,
      fee_proportional_millionths: hop.fee_proportional_millionths,
      cltv_expiry_delta: hop.cltv_expiry_delta,
    })));
    const scidHex = (scid) => {
      const [block, tx, out] = scid.split('x').map(BigInt);
      return ((block << 40n) | (tx << 16n) | out).toString(16).padStart(16, '0');
    };
    assert.deepEqual((ours.routes ?? []).map((route) => route.map((hop) => ({ ...hop, short_channel_id: scidHex(hop.short_channel_id) }))), hints, v.title);
    const features = section(theirs, 'feature_bits');
    if (features) {
      for (const bit of ours.feature_bits) {
        if (features[bit.name]) assert.equal(features[bit.name], bit.required ? 'required' : 'supported', v.title);
      }
    }
  }
  assert.ok(compared >= 12, `compared ${compared} examples`);
});

test('the spec\'s invalid examples are refused with a stable code', async (t) => {
  const text = await loadVectors(t, VECTORS);
  if (!text) return;
  for (const v of JSON.parse(text).invalid) {
    const result = datt(['invoice', 'decode'], { input: v.invoice });
    assert.equal(result.status, 1, v.title);
    assert.match(result.stderr, /^datt: (invoice_[a-z_]+|bech32_[a-z_]+): /, v.title);
  }
  // The signature checks fail after the rest decoded: the JSON is printed, marked invalid.
  const highS = JSON.parse(text).invalid.find((v) => /high-S/.test(v.title));
  const result = datt(['invoice', 'decode'], { input: highS.invoice });
  assert.equal(result.status, 1);
  assert.equal(JSON.parse(result.stdout).signature_valid, false);
  assert.equal(JSON.parse(result.stdout).signature_error, 'invoice_bad_signature');
  assert.match(result.stderr, /invoice_bad_signature/);
});

const SECRET = '9f1c0cbf5c8d1a7e2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192';

test('encode signs with the key file; an independent decoder and signature check accept it', () => {
  const keyFile = path.join(work, 'payee.key');
  writeFileSync(keyFile, `${SECRET}\n`, { mode: 0o600 });
  const payee = hex(secp256k1.getPublicKey(SECRET, true));
  const fields = {
    network: 'regtest',
    amount_msat: 1234567,
    created_at: 1733000000,
    payment_hash: 'aa'.repeat(32),
    payment_secret: 'bb'.repeat(32),
    description: 'tip for a post ☕',
    expiry: 600,
    min_final_cltv_expiry: 40,
    features: [8, 14, 17],
    fallbacks: ['bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080'],
    routes: [[{
      pubkey: payee, short_channel_id: '700000x12x1', fee_base_msat: 1000,
      fee_proportional_millionths: 100, cltv_expiry_delta: 144,
    }]],
    payment_metadata: '01fafaf0',
  };
  const encoded = datt(['invoice', 'encode', '--key-file', keyFile], { input: JSON.stringify(fields) });
  assert.equal(encoded.status, 0, encoded.stderr);
  const invoice = encoded.stdout.trim();
  assert.match(invoice, /^lnbcrt12345670p1/);
  assert.equal(recoverPayee(invoice), payee);

  const theirs = lightBolt11.decode(invoice);
  assert.equal(section(theirs, 'amount'), '1234567');
  assert.equal(section(theirs, 'timestamp'), 1733000000);
  assert.equal(section(theirs, 'payment_hash'), fields.payment_hash);
  assert.equal(section(theirs, 'payment_secret'), fields.payment_secret);
  assert.equal(section(theirs, 'description'), fields.description);
  assert.equal(section(theirs, 'expiry'), 600);
  assert.equal(section(theirs, 'min_final_cltv_expiry'), 40);
  assert.equal(section(theirs, 'metadata'), '01fafaf0');
  assert.equal(section(theirs, 'feature_bits').basic_mpp, 'supported');
  assert.equal(theirs.route_hints[0][0].pubkey, payee);

  // Our decoder reads back every field; the same fields and key give the same string.
  const ours = JSON.parse(datt(['invoice', 'decode'], { input: invoice }).stdout);
  assert.equal(ours.payee, payee);
  assert.equal(ours.network, 'regtest');
  assert.equal(ours.fallbacks[0].addr, fields.fallbacks[0]);
  assert.equal(ours.routes[0][0].short_channel_id, '700000x12x1');
  assert.deepEqual(ours.feature_bits.map((b) => b.bit), [8, 14, 17]);
  assert.equal(datt(['invoice', 'encode', '--key-file', keyFile], { input: JSON.stringify(fields) }).stdout.trim(), invoice);
  // decode's output encodes again to an invoice that decodes to the same fields.
  const again = datt(['invoice', 'encode', '--key-file', keyFile], { input: JSON.stringify(ours) });
  assert.equal(again.status, 0, again.stderr);
  const reread = JSON.parse(datt(['invoice', 'decode'], { input: again.stdout }).stdout);
  assert.deepEqual({ ...reread, signature: '', recovery_id: 0 }, { ...ours, signature: '', recovery_id: 0 });

  // The key may come from the environment instead; never from argv.
  const fromEnv = datt(['invoice', 'encode'], { input: JSON.stringify(fields), env: { DATT_SECRET_KEY: SECRET } });
  assert.equal(fromEnv.stdout.trim(), invoice);
  const noKey = datt(['invoice', 'encode'], { input: JSON.stringify(fields) });
  assert.equal(noKey.status, 1);
  assert.match(noKey.stderr, /no_key/);
  assert.equal(datt(['invoice', 'encode', SECRET], { input: '{}' }).status, 2);
});

test('encode refuses bad fields with a code naming them', () => {
  const keyFile = path.join(work, 'k2.key');
  writeFileSync(keyFile, SECRET, { mode: 0o600 });
  const base = { payment_hash: '11'.repeat(32), payment_secret: '22'.repeat(32), description: 'x', created_at: 1 };
  const cases = [
    ['not json', 'invoice_json_invalid'],
    [JSON.stringify({ ...base, payment_hash: 'zz' }), 'invoice_json_bad_field'],
    [JSON.stringify({ ...base, amount: 5 }), 'invoice_json_unknown_field'],
    [JSON.stringify({ ...base, payment_secret: undefined }), 'invoice_json_missing_field'],
    [JSON.stringify({ ...base, description: 'y'.repeat(640) }), 'invoice_description_too_long'],
    [JSON.stringify({ ...base, description_hash: '33'.repeat(32) }), 'invoice_description_and_hash'],
    [JSON.stringify({ ...base, amount_msat: 0 }), 'invoice_amount_zero'],
    [JSON.stringify({ ...base, features: [8, 14, 100] }), 'invoice_unknown_required_feature'],
    [JSON.stringify({ ...base, fallbacks: ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'], network: 'regtest' }), 'invoice_json_bad_field'],
    [JSON.stringify({ ...base, network: 'dogecoin' }), 'invoice_json_bad_field'],
  ];
  for (const [input, code] of cases) {
    const result = datt(['invoice', 'encode', '--key-file', keyFile], { input });
    assert.equal(result.status, 1, input);
    assert.match(result.stderr, new RegExp(`^datt: ${code}: `), input);
  }
});

test('a tampered invoice with a payee field fails its signature check', () => {
  const keyFile = path.join(work, 'k3.key');
  writeFileSync(keyFile, SECRET, { mode: 0o600 });
  const fields = {
    payment_hash: '11'.repeat(32), payment_secret: '22'.repeat(32), description: 'coffee',
    created_at: 1700000000, include_payee: true, amount_msat: 5000,
  };
  const invoice = datt(['invoice', 'encode', '--key-file', keyFile], { input: JSON.stringify(fields) }).stdout.trim();
  assert.equal(JSON.parse(datt(['invoice', 'decode'], { input: invoice }).stdout).include_payee, true);
  // Change one word of the payment hash and rebuild the checksum: still bech32, not signed.
  const { hrp, words } = bech32Words(invoice);
  words[7 + 3 + 5] ^= 1;
  const tampered = bech32Encode(hrp, words);
  const result = datt(['invoice', 'decode'], { input: tampered });
  assert.equal(result.status, 1);
  const shown = JSON.parse(result.stdout);
  assert.equal(shown.signature_valid, false);
  assert.equal(shown.signature_error, 'invoice_bad_signature');
  assert.equal(shown.payee, undefined);
});
