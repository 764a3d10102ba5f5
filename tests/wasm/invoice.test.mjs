// BOLT-11 through the wasm JS API (datt.invoice): the spec's examples
// (../shared/vectors/bolt/bolt11-invoice-examples.json) decode to what the native CLI prints
// and fail with the same codes; invoices encoded in wasm decode natively and with an
// independent decoder (light-bolt11-decoder); big amounts stay exact as BigInt.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';

import { secp256k1 } from '@noble/curves/secp256k1';
import lightBolt11 from 'light-bolt11-decoder';

import { cliPath, loadVectors, loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();
const VECTORS = 'bolt/bolt11-invoice-examples.json';

// The native CLI's decode, when it is built (npm test builds both).
function nativeDecode(invoice) {
  if (!existsSync(cliPath())) return null;
  const result = spawnSync(cliPath(), ['invoice', 'decode'], { input: invoice });
  return { status: result.status, json: result.stdout.length ? JSON.parse(result.stdout) : null, stderr: result.stderr.toString() };
}

const specKey = (vectors) => Uint8Array.from(Buffer.from(
  vectors.preamble.join(' ').match(/priv_key`=`([0-9a-f]{64})/)[1], 'hex'));

test('every valid example decodes in wasm as the native CLI decodes it', async (t) => {
  const text = await loadVectors(t, VECTORS);
  if (!text) return;
  const vectors = JSON.parse(text);
  const payee = Buffer.from(secp256k1.getPublicKey(specKey(vectors), true)).toString('hex');
  let checked = 0;
  for (const v of vectors.valid) {
    if (v.invoice === null) continue;  // the vector file lacks the P2TR example's string
    const decoded = datt.invoice.decode(v.invoice);
    assert.equal(decoded.signature_valid, true, v.title);
    if (!/high-S/.test(v.title)) assert.equal(decoded.payee, payee, v.title);
    assert.equal(typeof decoded.expiry, 'number');
    const native = nativeDecode(v.invoice);
    if (native) {
      assert.equal(native.status, 0, native.stderr);
      const expected = { ...native.json };
      if (expected.amount_msat !== undefined) expected.amount_msat = BigInt(expected.amount_msat);
      assert.deepEqual(decoded, expected, v.title);
    }
    checked++;
  }
  assert.ok(checked >= 15);
});

test('every invalid example fails with the native code', async (t) => {
  const text = await loadVectors(t, VECTORS);
  if (!text) return;
  for (const v of JSON.parse(text).invalid) {
    let code;
    try {
      datt.invoice.decode(v.invoice);
    } catch (error) {
      assert.equal(error.name, 'DattError', v.title);
      code = error.code;
    }
    assert.match(code ?? 'decoded', /^(invoice|bech32)_[a-z_]+$/, v.title);
    const native = nativeDecode(v.invoice);
    if (native) {
      assert.equal(native.status, 1, v.title);
      assert.ok(native.stderr.startsWith(`datt: ${code}: `), `${v.title}: ${native.stderr}`);
    }
  }
});

test('wasm re-encodes the spec examples\' fields; natively and independently readable', async (t) => {
  const text = await loadVectors(t, VECTORS);
  if (!text) return;
  const vectors = JSON.parse(text);
  const key = specKey(vectors);
  for (const v of vectors.valid) {
    if (v.invoice === null) continue;
    const decoded = datt.invoice.decode(v.invoice);
    const encoded = datt.invoice.encode(decoded, key);
    const again = datt.invoice.decode(encoded);
    for (const field of ['amount_msat', 'created_at', 'payment_hash', 'payment_secret', 'description',
      'description_hash', 'expiry', 'min_final_cltv_expiry', 'features', 'payment_metadata', 'fallbacks', 'routes']) {
      assert.deepEqual(again[field], decoded[field], `${v.title}: ${field}`);
    }
    const native = nativeDecode(encoded);
    if (native) assert.equal(native.json.payment_hash, decoded.payment_hash);
    try {
      const theirs = lightBolt11.decode(encoded);
      assert.equal(theirs.sections.find((s) => s.name === 'payment_hash').value, decoded.payment_hash);
    } catch (error) {
      assert.fail(`light-bolt11-decoder refused ${encoded}: ${error.message}`);
    }
  }
});

test('datt.d.ts names exactly the methods of datt.invoice', async () => {
  const { readFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const { wasmDist } = await import('../support/vectors.mjs');
  const types = await readFile(path.join(wasmDist(), 'datt.d.ts'), 'utf8');
  const body = types.match(/export class Invoices \{([\s\S]*?)\n\}/)[1];
  const declared = [...body.matchAll(/^ {2}(\w+)\(/gm)].map((m) => m[1]).sort();
  const runtime = Object.getOwnPropertyNames(Object.getPrototypeOf(datt.invoice)).filter((n) => n !== 'constructor').sort();
  assert.deepEqual(declared, runtime);
});

test('amounts are exact BigInts; bad arguments throw DattError', () => {
  const key = datt.generateSecretKey();
  const fields = {
    payment_hash: '01'.repeat(32), payment_secret: '02'.repeat(32), description: 'big',
    amount_msat: 18446744073709551615n, created_at: 1733000000, network: 'signet',
  };
  const invoice = datt.invoice.encode(fields, key);
  assert.match(invoice, /^lntbs1844674407370955161[0-9]*p1/);
  const decoded = datt.invoice.decode(`LIGHTNING:${invoice.toUpperCase()}`);
  assert.equal(decoded.amount_msat, 18446744073709551615n);
  assert.equal(decoded.network, 'signet');
  assert.equal(decoded.created_at, 1733000000);
  // created_at defaults to the caller's clock.
  const now = Math.floor(Date.now() / 1000);
  const dated = datt.invoice.decode(datt.invoice.encode({ ...fields, created_at: undefined }, key));
  assert.ok(Math.abs(dated.created_at - now) <= 5);

  const codeOf = (fn) => {
    try {
      fn();
    } catch (error) {
      assert.equal(error.name, 'DattError');
      return error.code;
    }
    return 'ok';
  };
  assert.equal(codeOf(() => datt.invoice.decode(42)), 'wrong_type');
  assert.equal(codeOf(() => datt.invoice.decode('x'.repeat(8000))), 'invoice_too_long');
  assert.equal(codeOf(() => datt.invoice.encode(null, key)), 'wrong_type');
  assert.equal(codeOf(() => datt.invoice.encode(fields, new Uint8Array(31))), 'wrong_length');
  assert.equal(codeOf(() => datt.invoice.encode({ ...fields, amount_msat: 0 }, key)), 'invoice_amount_zero');
  assert.equal(codeOf(() => datt.invoice.encode({ ...fields, bogus: 1 }, key)), 'invoice_json_unknown_field');
  const cyclic = { ...fields };
  cyclic.self = cyclic;
  assert.equal(codeOf(() => datt.invoice.encode(cyclic, key)), 'wrong_type');
});
