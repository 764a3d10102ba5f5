// The `datt` CLI's Bitcoin commands as a user runs them: tx decode (against transactions
// Bitcoin Core printed, and bitcoinjs-lib), address (BIP-84's published vectors and an
// independent derivation with @scure/bip32 + bitcoinjs-lib), header verify (headers mined
// here, hex and binary, file and stdin, each kind of tampering).
import assert from 'node:assert/strict';
import { pbkdf2Sync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { HDKey } from '@scure/bip32';
import * as bitcoin from 'bitcoinjs-lib';

import {
  concatBytes, displayHex, fromHex, headerHash, mineRegtestHeaders, REGTEST_GENESIS, sha256d, toHex,
} from '../support/bitcoin.mjs';
import { runCli } from '../support/cli.mjs';

const work = mkdtempSync(path.join(tmpdir(), 'datt-cli-btc-'));
after(() => rmSync(work, { recursive: true, force: true }));

const datt = (args, options = {}) => runCli(args, { ...options, unset: ['DATT_BIP39_PASSPHRASE'] });

// Bitcoin Core 28 regtest coinbase, from `getrawtransaction <txid> 2` (its txid and wtxid
// are the hashes of these bytes, so the copy is exact).
const CORE_COINBASE = '020000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff025200feffffff0200f2052a010000001600143b81090c90364aef866ecfa6843cb4a79fc045e70000000000000000266a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf90120000000000000000000000000000000000000000000000000000000000000000001000000';

test('the Bitcoin commands document themselves', () => {
  const overview = datt(['--help']);
  for (const command of [['tx', 'decode'], ['address'], ['header', 'verify']]) {
    assert.ok(overview.stdout.includes(`datt ${command.join(' ')}`), command.join(' '));
    const help = datt([...command, '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^usage: datt /);
    assert.match(help.stdout, /--network/);
  }
  assert.equal(datt(['tx']).status, 2);
  assert.equal(datt(['header']).status, 2);
});

test('tx decode prints what Core printed, members in Core\'s order and values with 8 decimals', () => {
  const result = datt(['tx', 'decode', '--network', 'regtest'], { input: `${CORE_COINBASE}\n` });
  assert.equal(result.status, 0, result.stderr);
  // Core writes value as a JSON number with exactly 8 decimals.
  assert.match(result.stdout, /"value": 50\.00000000,/);
  assert.match(result.stdout, /"value": 0\.00000000,/);
  const decoded = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(decoded), ['txid', 'hash', 'version', 'size', 'vsize', 'weight', 'locktime', 'vin', 'vout']);
  assert.deepEqual(decoded, {
    txid: '2f84a7d33c1c6b4c1bb00dca018c953400f25b31a0d0f22b8779817e1fdb4b0a',
    hash: '7105389e68d2be7c8f033c006afa6159a5fd065b4fb92809502d1db8a217c57b',
    version: 2,
    size: 167,
    vsize: 140,
    weight: 560,
    locktime: 1,
    vin: [{ coinbase: '5200', txinwitness: ['00'.repeat(32)], sequence: 4294967294 }],
    vout: [
      {
        value: 50,
        n: 0,
        scriptPubKey: {
          asm: '0 3b81090c90364aef866ecfa6843cb4a79fc045e7',
          desc: 'addr(bcrt1q8wqsjrysxe9wlpnwe7ngg095570uq308nktqcl)#wxmqphqq',
          hex: '00143b81090c90364aef866ecfa6843cb4a79fc045e7',
          address: 'bcrt1q8wqsjrysxe9wlpnwe7ngg095570uq308nktqcl',
          type: 'witness_v0_keyhash',
        },
      },
      {
        value: 0,
        n: 1,
        scriptPubKey: {
          asm: 'OP_RETURN aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9',
          desc: 'raw(6a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9)#cav96mf3',
          hex: '6a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9',
          type: 'nulldata',
        },
      },
    ],
  });
  // The same bytes through bitcoinjs-lib: same ids and sizes.
  const tx = bitcoin.Transaction.fromHex(CORE_COINBASE);
  assert.equal(tx.getId(), decoded.txid);
  // (bitcoinjs-lib's getHash(true) gives a coinbase the zero wtxid of BIP-141's witness
  // commitment; Core prints the hash of the bytes, as here.)
  assert.equal(toHex(sha256d(fromHex(CORE_COINBASE)).reverse()), decoded.hash);
  assert.equal(tx.virtualSize(), decoded.vsize);
  assert.equal(tx.weight(), decoded.weight);
  // Addresses follow --network: bcoin's regtest uses rb.
  const bcoin = JSON.parse(datt(['tx', 'decode', '--network', 'bcoin-regtest'], { input: CORE_COINBASE }).stdout);
  assert.match(bcoin.vout[0].scriptPubKey.address, /^rb1q/);
  const mainnet = JSON.parse(datt(['tx', 'decode'], { input: CORE_COINBASE }).stdout);
  assert.match(mainnet.vout[0].scriptPubKey.address, /^bc1q/);
});

test('tx decode refuses what is not a transaction, with the parser\'s code', () => {
  const cases = [
    ['zz', 'hex_invalid_char'],
    ['abc', 'hex_odd_length'],
    [CORE_COINBASE.slice(0, -2), 'tx_truncated'],
    [`${CORE_COINBASE}00`, 'tx_trailing_bytes'],
    ['', 'tx_truncated'],
  ];
  for (const [input, code] of cases) {
    const result = datt(['tx', 'decode'], { input });
    assert.equal(result.status, 1, input);
    assert.match(result.stderr, new RegExp(`^datt: ${code}: `), input);
    assert.equal(result.stdout, '');
  }
  assert.equal(datt(['tx', 'decode', '--network', 'moon'], { input: CORE_COINBASE }).status, 2);
  assert.equal(datt(['tx', 'decode', 'extra'], { input: CORE_COINBASE }).status, 2);
  // Over the 1 MiB input cap.
  const big = datt(['tx', 'decode'], { input: 'ab'.repeat(600000) });
  assert.equal(big.status, 1);
  assert.match(big.stderr, /too_large/);
});

const ABANDON = `${'abandon '.repeat(11)}about`;

test('address gives BIP-84\'s published addresses and agrees with an independent derivation', () => {
  // BIP-84's test vectors (mnemonic "abandon ... about", no passphrase).
  const receive = datt(['address', '--count', '2'], { input: `${ABANDON}\n` });
  assert.equal(receive.status, 0, receive.stderr);
  const lines = receive.stdout.trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(lines.map((l) => l.address), [
    'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
    'bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g',
  ]);
  assert.equal(lines[0].path, "m/84'/0'/0'/0/0");
  assert.equal(lines[0].public_key, '0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c');
  const change = JSON.parse(datt(['address', '--change', '1'], { input: ABANDON }).stdout);
  assert.equal(change.address, 'bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el');

  // Every network, account and branch, with a passphrase, against @scure/bip32 +
  // bitcoinjs-lib (which know nothing of Datt).
  const passphrase = 'TREZOR';
  // BIP-39's seed: PBKDF2-HMAC-SHA512(mnemonic, "mnemonic" + passphrase, 2048 rounds).
  const seed = pbkdf2Sync(ABANDON, `mnemonic${passphrase}`, 2048, 64, 'sha512');
  const root = HDKey.fromMasterSeed(seed);
  const networks = {
    mainnet: { coin: 0, hrp: 'bc' },
    testnet3: { coin: 1, hrp: 'tb' },
    signet: { coin: 1, hrp: 'tb' },
    regtest: { coin: 1, hrp: 'bcrt' },
    'bcoin-regtest': { coin: 1, hrp: 'rb' },
  };
  for (const [name, { coin, hrp }] of Object.entries(networks)) {
    const result = datt(['address', '--network', name, '--account', '3', '--change', '1', '--count', '5'],
      { input: ABANDON, env: { DATT_BIP39_PASSPHRASE: passphrase } });
    assert.equal(result.status, 0, result.stderr);
    const got = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(got.length, 5);
    got.forEach((line, index) => {
      const key = root.derive(`m/84'/${coin}'/3'/1/${index}`);
      const expected = bitcoin.payments.p2wpkh({ pubkey: key.publicKey, network: { ...bitcoin.networks.bitcoin, bech32: hrp } }).address;
      assert.equal(line.address, expected, `${name} ${index}`);
      assert.equal(line.path, `m/84'/${coin}'/3'/1/${index}`);
      assert.equal(line.public_key, toHex(key.publicKey));
    });
  }
});

test('address refuses bad mnemonics and options', () => {
  const bad = datt(['address'], { input: `${'abandon '.repeat(12).trim()}` });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^datt: mnemonic_checksum: /);
  for (const args of [['--change', '2'], ['--count', '0'], ['--count', '10001'], ['--account', '2147483648'],
    ['--account', '-1'], ['--network', 'moon'], ['my mnemonic']]) {
    assert.equal(datt(['address', ...args], { input: ABANDON }).status, 2, args.join(' '));
  }
  // The mnemonic never appears in any output.
  const ok = datt(['address'], { input: ABANDON });
  assert.ok(!ok.stdout.includes('abandon') && !ok.stderr.includes('abandon'));
});

test('header verify: a mined regtest chain, as hex lines or binary, from a file or stdin', () => {
  assert.equal(displayHex(headerHash(REGTEST_GENESIS)), '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206');
  const headers = mineRegtestHeaders(REGTEST_GENESIS, 300);
  const tip = displayHex(headerHash(headers[299]));
  const hexLines = `${headers.map(toHex).join('\n')}\n`;
  const binary = concatBytes(headers);

  const fromHexStdin = datt(['header', 'verify', '--network', 'regtest'], { input: hexLines });
  assert.equal(fromHexStdin.status, 0, fromHexStdin.stderr + fromHexStdin.stdout);
  assert.match(fromHexStdin.stdout, new RegExp(`^valid up to height 300 \\(tip ${tip}, 300 headers checked`));

  const file = path.join(work, 'headers.bin');
  writeFileSync(file, binary);
  const fromFile = datt(['header', 'verify', '--network', 'regtest', file]);
  assert.equal(fromFile.status, 0, fromFile.stderr);
  assert.match(fromFile.stdout, /^valid up to height 300 /);
  // A file that starts at the genesis header (getblockheader from height 0) is the same chain.
  const withGenesis = datt(['header', 'verify', '--network', 'bcoin-regtest', '-'],
    { input: concatBytes([REGTEST_GENESIS, binary]) });
  assert.match(withGenesis.stdout, /^valid up to height 300 /);
  // Blank lines and CRLF are fine in hex input.
  const crlf = datt(['header', 'verify', '--network', 'regtest'], { input: `\r\n${headers.map(toHex).join('\r\n\r\n')}` });
  assert.match(crlf.stdout, /^valid up to height 300 /);
  // Another network's genesis: the first header does not link.
  const wrong = datt(['header', 'verify'], { input: hexLines });
  assert.equal(wrong.status, 1);
  assert.match(wrong.stdout, /valid up to height 0 .*\ninvalid at height 1 \(header 0 of the input\): bad_linkage: /);
});

test('header verify names the first bad header: its height, code and reason', () => {
  const headers = mineRegtestHeaders(REGTEST_GENESIS, 40);
  const run = (list) => datt(['header', 'verify', '--network', 'regtest'], { input: concatBytes(list) });

  const badPow = headers.slice();
  badPow[20] = badPow[20].slice();
  // A nonce change keeps linkage of this header but almost surely breaks its work; find one.
  for (let nonce = 0; ; nonce += 1) {
    new DataView(badPow[20].buffer).setUint32(76, nonce, true);
    if (headerHash(badPow[20])[31] >= 0x80) break;
  }
  let result = run(badPow);
  assert.equal(result.status, 1);
  assert.match(result.stdout, /^valid up to height 20 .*\ninvalid at height 21 \(header 20 of the input\): bad_pow: /);

  const swapped = headers.slice();
  [swapped[10], swapped[11]] = [swapped[11], swapped[10]];
  result = run(swapped);
  assert.match(result.stdout, /valid up to height 10 .*\ninvalid at height 11 .*: bad_linkage: /);

  // Bits other than regtest's fixed 0x207fffff, on a header mined for them.
  const [easy] = mineRegtestHeaders(headers[4], 1, { bits: 0x207ffffe });
  result = run([...headers.slice(0, 5), easy]);
  assert.match(result.stdout, /valid up to height 5 .*\ninvalid at height 6 .*: bad_bits: /);

  // A time not above the median of the last 11.
  const [old] = mineRegtestHeaders(headers[29], 1, { time: 1296688602 });
  result = run([...headers.slice(0, 30), old]);
  assert.match(result.stdout, /valid up to height 30 .*\ninvalid at height 31 .*: time_too_old: /);

  // More than two hours ahead of the clock.
  const [future] = mineRegtestHeaders(headers[2], 1, { time: Math.floor(Date.now() / 1000) + 3 * 3600 });
  result = run([...headers.slice(0, 3), future]);
  assert.match(result.stdout, /invalid at height 4 .*: time_too_new: /);

  // Input that is not headers.
  result = datt(['header', 'verify', '--network', 'regtest'], { input: `${toHex(headers[0])}\nabcd\n` });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /header_wrong_size: line 2 /);
  result = datt(['header', 'verify', '--network', 'regtest'], { input: concatBytes([headers[0], new Uint8Array(79)]) });
  assert.match(result.stderr, /header_wrong_size/);
  assert.equal(datt(['header', 'verify', path.join(work, 'missing')]).status, 1);
  assert.equal(datt(['header', 'verify', 'a', 'b']).status, 2);
  // Empty input: the genesis state itself.
  assert.match(datt(['header', 'verify', '--network', 'regtest'], { input: '' }).stdout, /^valid up to height 0 /);
});
