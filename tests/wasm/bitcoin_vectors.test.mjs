// Bitcoin Core's and the BIPs' vectors through the wasm JS API (datt.bitcoin), with the
// semantics of the native suite (tests/core/bitcoin/*_vectors_test.cpp, sighash_test.cpp,
// address_test.cpp): the same cases, the same expected results, counts printed and skipped
// categories named.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { displayHex, fromHex, internalBytes, parseScriptAsm, toHex } from '../support/bitcoin.mjs';
import { loadVectors, loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();
const btc = datt.bitcoin;
const FLAG_NAMES = btc.scriptFlagNames();

// A fixed-seed generator (xorshift32): the random flag sets are the same every run.
function rng(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

// Flags as sets of Core's names; "valid" as the interpreter requires (WITNESS needs P2SH,
// CLEANSTACK needs both).
const flagSet = (text) => new Set(text.split(',').filter((f) => f && f !== 'NONE'));
const randomFlags = (next) => { const bits = next(); return new Set(FLAG_NAMES.filter((_, i) => bits & (1 << i))); };
const union = (a, b) => new Set([...a, ...b]);
const minus = (a, b) => new Set([...a].filter((f) => !b.has(f)));
const validCombination = (f) => !(f.has('CLEANSTACK') && !(f.has('P2SH') && f.has('WITNESS'))) && !(f.has('WITNESS') && !f.has('P2SH'));
const trim = (f) => {
  const out = new Set(f);
  if (!out.has('P2SH')) out.delete('WITNESS');
  if (!out.has('WITNESS')) out.delete('CLEANSTACK');
  return out;
};
const fill = (f) => {
  const out = new Set(f);
  if (out.has('CLEANSTACK')) out.add('WITNESS');
  if (out.has('WITNESS')) out.add('P2SH');
  return out;
};
const ALL = new Set(FLAG_NAMES);

test('sighash.json: every row through legacySighash', async (t) => {
  const text = await loadVectors(t, 'bitcoin-core/sighash.json');
  if (text === null) return;
  let ran = 0;
  for (const row of JSON.parse(text)) {
    if (row.length !== 5) continue;  // the comment row
    const [rawTx, script, inputIndex, hashType, expected] = row;
    const got = btc.legacySighash(fromHex(rawTx), inputIndex, fromHex(script), hashType);
    assert.equal(displayHex(got), expected, JSON.stringify(row));
    ran += 1;
  }
  console.log(`[ vectors  ] sighash.json: ran ${ran}, passed ${ran}`);
  assert.equal(ran, 500);
});

test('script_tests.json: every case in the interpreter\'s scope, Core\'s DoTest semantics', async (t) => {
  const text = await loadVectors(t, 'bitcoin-core/script_tests.json');
  if (text === null) return;
  const next = rng(20240611);
  let ran = 0;
  let passed = 0;
  const skipped = new Map();
  for (const row of JSON.parse(text)) {
    let pos = 0;
    let witness = [];
    let amount = 0n;
    let needsTaproot = false;
    if (Array.isArray(row[0])) {
      const w = row[0];
      for (const element of w.slice(0, -1)) {
        if (element.startsWith('#SCRIPT#') || element === '#CONTROLBLOCK#') needsTaproot = true;
        else witness.push(fromHex(element));
      }
      amount = BigInt(Math.round(w[w.length - 1] * 1e8));
      pos = 1;
    }
    if (row.length < 4 + pos) continue;  // comments
    const [sigText, pubkeyText, flagsText, expected] = row.slice(pos, pos + 4);
    const flags = flagSet(flagsText);
    const unsupported = [...flags].find((f) => !FLAG_NAMES.includes(f));
    if (unsupported || needsTaproot || pubkeyText.includes('#TAPROOTOUTPUT#')) {
      const reason = `flag ${unsupported ?? 'TAPROOT'}: taproot/tapscript (BIP-341/342) is not implemented`;
      skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
      continue;
    }
    const scriptSig = parseScriptAsm(sigText);
    const scriptPubKey = parseScriptAsm(pubkeyText);
    if (flags.has('CLEANSTACK')) { flags.add('P2SH'); flags.add('WITNESS'); }
    // Core's BuildCreditingTransaction / BuildSpendingTransaction.
    const credit = btc.transactionInfo({
      version: 1,
      inputs: [{ txid: '00'.repeat(32), vout: 0xffffffff, scriptSig: new Uint8Array([0, 0]) }],
      outputs: [{ value: amount, scriptPubKey }],
    });
    const spend = btc.serializeTransaction({
      version: 1,
      inputs: [{ txid: credit.txid, vout: 0, scriptSig, witness }],
      outputs: [{ value: amount, scriptPubKey: new Uint8Array(0) }],
    });
    const prevout = { scriptPubKey, amount };
    const verify = (f) => btc.verifyInput(spend, 0, prevout, [...f]);
    ran += 1;
    const got = verify(flags);
    assert.equal(got.error, expected, JSON.stringify(row));
    // Flags only tighten: a pass stays a pass with fewer flags, a failure a failure with more.
    const expectOk = expected === 'OK';
    const extras = [...FLAG_NAMES.map((f) => new Set([f])), ...Array.from({ length: 16 }, () => randomFlags(next))];
    let monotonic = true;
    for (const extra of extras) {
      const combined = expectOk ? minus(flags, extra) : union(flags, extra);
      if (!validCombination(combined)) continue;
      if (verify(combined).valid !== expectOk) {
        monotonic = false;
        assert.fail(`${JSON.stringify(row)} flips with flags ${[...combined]}`);
      }
    }
    if (monotonic) passed += 1;
  }
  console.log(`[ vectors  ] script_tests.json: ran ${ran}, passed ${passed}`);
  for (const [reason, n] of skipped) console.log(`[ skipped  ] script_tests.json: ${n} cases, ${reason}`);
  assert.equal(passed, ran);
  assert.equal(ran, 1217);  // the native suite's count: the two agree case by case
  assert.deepEqual([...skipped.values()], [5]);
});

// tx_valid.json / tx_invalid.json: [[[prevout txid, index, scriptPubKey asm, amount?]...], tx hex, flags].
function loadTxCases(text) {
  const cases = [];
  for (const row of JSON.parse(text)) {
    if (!Array.isArray(row[0])) continue;
    const prevouts = new Map();
    for (const [txid, index, script, amount] of row[0]) {
      // Core's test reads the index as an int and stores it as uint32 (-1 -> 0xffffffff).
      prevouts.set(`${txid}:${index >>> 0}`, { scriptPubKey: parseScriptAsm(script), amount: BigInt(amount ?? 0) });
    }
    const bytes = fromHex(row[1]);
    const tx = btc.parseTransaction(bytes);
    // Every transaction of both files serializes back to its bytes.
    assert.equal(toHex(btc.serializeTransaction(tx)), row[1], JSON.stringify(row));
    cases.push({ row, bytes, tx, flagsText: row[2], prevouts });
  }
  return cases;
}

// True when every input verifies (a prevout the case does not list fails).
function allInputsVerify(c, flags) {
  const prevouts = c.tx.inputs.map((input) => c.prevouts.get(`${input.txid}:${input.vout}`));
  if (prevouts.some((p) => p === undefined)) return false;
  return btc.verifyTransaction(c.bytes, prevouts, [...flags]).valid;
}

// Core's ExcludeIndividualFlags: `flags` without each one of its flags, trimmed, distinct.
function excludeIndividualFlags(flags) {
  const out = new Map();
  for (const flag of FLAG_NAMES) {
    const without = trim(minus(flags, new Set([flag])));
    if (without.size !== flags.size) out.set([...without].sort().join(','), without);
  }
  return [...out.values()];
}

function checkTransaction(tx) {
  try {
    return btc.checkTransaction(tx);
  } catch (error) {
    return error.code;
  }
}

test('tx_valid.json: every case passes with all but its excluded flags, minimally', async (t) => {
  const text = await loadVectors(t, 'bitcoin-core/tx_valid.json');
  if (text === null) return;
  const next = rng(7);
  let ran = 0;
  let passed = 0;
  for (const c of loadTxCases(text)) {
    ran += 1;
    const label = JSON.stringify(c.row);
    const excluded = flagSet(c.flagsText);
    assert.equal(checkTransaction(c.bytes), true, label);
    const flags = minus(ALL, excluded);
    assert.deepEqual(fill(flags), flags, `bad test flags: ${label}`);
    let ok = allInputsVerify(c, flags);
    assert.ok(ok, `fails: ${label}`);
    for (const flag of FLAG_NAMES) {
      const fewer = trim(minus(ALL, union(excluded, new Set([flag]))));
      const random = trim(minus(ALL, union(excluded, randomFlags(next))));
      for (const f of [fewer, random]) {
        if (!allInputsVerify(c, f)) { ok = false; assert.fail(`fails with fewer flags ${[...f]}: ${label}`); }
      }
    }
    for (const lessExcluded of excludeIndividualFlags(excluded)) {
      if (allInputsVerify(c, minus(ALL, lessExcluded))) { ok = false; assert.fail(`excluded flags not minimal: ${label}`); }
    }
    if (ok) passed += 1;
  }
  console.log(`[ vectors  ] tx_valid.json: ran ${ran}, passed ${passed} (no skips: no case needs taproot)`);
  assert.equal(passed, ran);
  assert.equal(ran, 121);
});

test('tx_invalid.json: every case fails with its flags (BADTX: CheckTransaction), minimally', async (t) => {
  const text = await loadVectors(t, 'bitcoin-core/tx_invalid.json');
  if (text === null) return;
  const next = rng(11);
  let ran = 0;
  let passed = 0;
  let badtx = 0;
  for (const c of loadTxCases(text)) {
    ran += 1;
    const label = JSON.stringify(c.row);
    const check = checkTransaction(c.bytes);
    if (check !== true) {
      assert.equal(c.flagsText, 'BADTX', `${check}: ${label}`);
      assert.match(check, /^tx_/);
      passed += 1;
      badtx += 1;
      continue;
    }
    assert.notEqual(c.flagsText, 'BADTX', `passes CheckTransaction: ${label}`);
    const flags = flagSet(c.flagsText);
    assert.deepEqual(fill(flags), flags, `bad test flags: ${label}`);
    let ok = !allInputsVerify(c, flags);
    assert.ok(ok, `passes: ${label}`);
    for (const flag of FLAG_NAMES) {
      for (const f of [fill(union(flags, new Set([flag]))), fill(union(flags, randomFlags(next)))]) {
        if (allInputsVerify(c, f)) { ok = false; assert.fail(`passes with more flags ${[...f]}: ${label}`); }
      }
    }
    for (const fewer of excludeIndividualFlags(flags)) {
      if (!allInputsVerify(c, fewer)) { ok = false; assert.fail(`flags not minimal: ${label}`); }
    }
    if (ok) passed += 1;
  }
  console.log(`[ vectors  ] tx_invalid.json: ran ${ran}, passed ${passed} (${badtx} BADTX) (no skips: no case needs taproot)`);
  assert.equal(passed, ran);
  assert.equal(ran, 93);
  assert.equal(badtx, 9);
});

test('base58_encode_decode.json: every row both ways', async (t) => {
  const text = await loadVectors(t, 'bitcoin-core/base58_encode_decode.json');
  if (text === null) return;
  let ran = 0;
  for (const [hex, encoded] of JSON.parse(text)) {
    assert.equal(datt.base58Encode(fromHex(hex)), encoded);
    assert.equal(toHex(datt.base58Decode(encoded)), hex.toLowerCase());
    ran += 1;
  }
  console.log(`[ vectors  ] base58_encode_decode.json: ran ${ran}, passed ${ran}`);
  assert.ok(ran >= 10);
  assert.throws(() => datt.base58Decode('0OIl'), (e) => e.code === 'base58_invalid_char');
});

test('BIP-173/350: bech32 and bech32m strings, and segwit addresses on every network', async (t) => {
  const text = await loadVectors(t, 'bip/bech32-bech32m-test-vectors.json');
  if (text === null) return;
  const vectors = JSON.parse(text);
  const counts = {};
  const count = (name) => { counts[name] = (counts[name] ?? 0) + 1; };
  for (const [bip, variant] of [['bip173', 'bech32'], ['bip350', 'bech32m']]) {
    for (const { string } of vectors[bip][`valid_${variant}`]) {
      const decoded = datt.bech32Decode(string);
      assert.equal(decoded.variant, variant, string);
      assert.equal(datt.bech32Encode(variant, decoded.hrp, decoded.data), string.toLowerCase());
      count(`valid_${variant}`);
    }
    for (const { string, reason } of vectors[bip][`invalid_${variant}`]) {
      let decoded = null;
      try {
        decoded = datt.bech32Decode(string);
      } catch (error) {
        assert.equal(error.name, 'DattError', string);
        count(`invalid_${variant}`);
        continue;
      }
      // A string valid under the other variant is invalid as this one.
      assert.notEqual(decoded.variant, variant, `${string} (${reason})`);
      count(`invalid_${variant}`);
    }
  }
  // Addresses: BIP-350's valid list (it supersedes BIP-173's for v1+), on each network
  // whose hrp the address has; refused with address_wrong_network elsewhere.
  const hrpNetworks = { bc: ['mainnet'], tb: ['testnet3', 'signet'], bcrt: ['regtest'] };
  for (const { string, scriptPubKey } of vectors.bip350.valid_segwit_addresses) {
    const hrp = string.slice(0, string.lastIndexOf('1')).toLowerCase();
    for (const network of btc.networkNames()) {
      if ((hrpNetworks[hrp] ?? []).includes(network)) {
        const parsed = btc.parseAddress(string, network);
        assert.equal(toHex(parsed.scriptPubKey), scriptPubKey, string);
        assert.equal(parsed.address, string.toLowerCase());
        assert.equal(btc.scriptToAddress(parsed.scriptPubKey, network), string.toLowerCase());
      } else if (hrpNetworks[hrp]) {
        assert.throws(() => btc.parseAddress(string, network), (e) => e.code === 'address_wrong_network', `${string} on ${network}`);
      }
    }
    count('valid_segwit_addresses');
  }
  for (const bip of ['bip173', 'bip350']) {
    for (const { string, reason } of vectors[bip].invalid_segwit_addresses) {
      for (const network of btc.networkNames()) {
        assert.throws(() => btc.parseAddress(string, network), (e) => e.name === 'DattError', `${string} (${reason}) on ${network}`);
      }
      count(`${bip}.invalid_segwit_addresses`);
    }
  }
  // BIP-173-era v1+ examples use the old checksum: invalid under BIP-350.
  for (const { string, scriptPubKey } of vectors.bip173.valid_segwit_addresses_bip173_era) {
    const hrp = string.slice(0, string.lastIndexOf('1')).toLowerCase();
    const network = (hrpNetworks[hrp] ?? ['mainnet'])[0];
    if (scriptPubKey.startsWith('00')) {
      assert.equal(toHex(btc.parseAddress(string, network).scriptPubKey), scriptPubKey);
    } else {
      assert.throws(() => btc.parseAddress(string, network), (e) => e.code === 'segwit_wrong_variant', string);
    }
    count('valid_segwit_addresses_bip173_era');
  }
  console.log(`[ vectors  ] bech32-bech32m-test-vectors.json: ${JSON.stringify(counts)}`);
  assert.equal(counts.valid_bech32, 7);
  assert.equal(counts.valid_bech32m, 7);
  assert.equal(counts.invalid_bech32, 12);
  assert.equal(counts.invalid_bech32m, 14);
  assert.equal(counts.valid_segwit_addresses, 8);
});

test('base58 addresses per network, and script templates <-> addresses', () => {
  // Known mainnet addresses (the genesis coinbase's key hash, and a P2SH).
  const p2pkh = btc.parseAddress('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa');
  assert.equal(p2pkh.type, 'p2pkh');
  assert.equal(toHex(p2pkh.program), '62e907b15cbf27d5425399ebf6f0fb50ebb88f18');
  assert.deepEqual(btc.p2pkhScript(p2pkh.program), p2pkh.scriptPubKey);
  assert.throws(() => btc.parseAddress('1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', 'bcoin-regtest'), (e) => e.code === 'address_wrong_network');
  // The same hash on each network gets the network's prefix, and parses back.
  for (const network of btc.networkNames()) {
    const address = btc.scriptToAddress(p2pkh.scriptPubKey, network);
    assert.deepEqual(btc.parseAddress(address, network).scriptPubKey, p2pkh.scriptPubKey);
    const prefix = btc.network(network).p2pkhPrefix;
    assert.equal(datt.base58Decode(address)[0], prefix, network);
  }
  assert.equal(internalBytes(btc.network('regtest').genesisHash).length, 32);
});
