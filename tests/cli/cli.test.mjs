// The native `datt` CLI as a user runs it: exit codes, output, --help, and key handling.
import '../support/webcrypto.mjs';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { verifyEvent } from 'nostr-tools/pure';

import { runCli } from '../support/cli.mjs';
import { cliPath } from '../support/vectors.mjs';

const work = mkdtempSync(path.join(tmpdir(), 'datt-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

const datt = (args, options = {}) => runCli(args, { ...options, unset: ['DATT_SECRET_KEY'] });

test('every command documents itself with --help', () => {
  const overview = datt(['--help']);
  assert.equal(overview.status, 0);
  for (const command of [['keygen'], ['mnemonic', 'new'], ['mnemonic', 'check'], ['derive'],
    ['event', 'sign'], ['event', 'verify']]) {
    assert.ok(overview.stdout.includes(`datt ${command.join(' ')}`), command.join(' '));
    const help = datt([...command, '--help']);
    assert.equal(help.status, 0, command.join(' '));
    assert.match(help.stdout, /^usage: datt /);
  }
  assert.equal(datt([]).status, 2);
  const unknown = datt(['frobnicate']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
});

test('keygen prints a key pair, or writes the secret to a new 0600 file', () => {
  const pair = JSON.parse(datt(['keygen']).stdout);
  assert.match(pair.secret_key, /^[0-9a-f]{64}$/);
  assert.match(pair.public_key, /^[0-9a-f]{64}$/);
  assert.notEqual(JSON.parse(datt(['keygen']).stdout).secret_key, pair.secret_key);

  const keyFile = path.join(work, 'key.hex');
  const made = datt(['keygen', '--out', keyFile]);
  assert.equal(made.status, 0, made.stderr);
  const printed = JSON.parse(made.stdout);
  assert.equal(printed.secret_key, undefined);
  assert.equal(statSync(keyFile).mode & 0o777, 0o600);
  const secret = readFileSync(keyFile, 'utf8').trim();
  assert.ok(!made.stdout.includes(secret));
  // Refuses to overwrite an existing key file.
  const again = datt(['keygen', '--out', keyFile]);
  assert.equal(again.status, 1);
  assert.equal(readFileSync(keyFile, 'utf8').trim(), secret);

  // The key file signs events whose pubkey is the printed public key.
  const signed = datt(['event', 'sign', '--key-file', keyFile],
    { input: '{"kind":1,"tags":[],"content":"from a key file"}' });
  assert.equal(signed.status, 0, signed.stderr);
  const event = JSON.parse(signed.stdout);
  assert.equal(event.pubkey, printed.public_key);
  assert.ok(Math.abs(event.created_at - Date.now() / 1000) < 60, 'created_at defaults to now');
  assert.equal(verifyEvent(event), true);
});

test('mnemonic new produces valid mnemonics; check reports errors with exit 1', () => {
  for (const words of ['12', '24']) {
    const made = datt(['mnemonic', 'new', '--words', words]);
    assert.equal(made.status, 0);
    const mnemonic = made.stdout.trim();
    assert.equal(mnemonic.split(' ').length, Number(words));
    const checked = datt(['mnemonic', 'check'], { input: `${mnemonic}\n` });
    assert.equal(checked.status, 0);
    assert.equal(checked.stdout.trim(), 'valid');
  }
  const bad = datt(['mnemonic', 'check'], { input: `${'abandon '.repeat(12).trim()}\n` });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /mnemonic_checksum/);
  const unknown = datt(['mnemonic', 'check'], { input: 'abandon zzzz abandon abandon abandon abandon abandon abandon abandon abandon abandon about' });
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /mnemonic_unknown_word/);
  assert.ok(!unknown.stderr.includes('zzzz'), 'the offending word is not echoed');
  assert.equal(datt(['mnemonic', 'new', '--words', '13']).status, 2);
  assert.equal(datt(['mnemonic', 'check', 'abandon']).status, 2, 'mnemonics are not taken from argv');
});

test('derive from a mnemonic on stdin, from an xprv and from an xpub', () => {
  // BIP-39 vector 0 with an empty passphrase; NIP-06 path.
  const mnemonic = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
  const fromStdin = datt(['derive', '-', "m/44'/1237'/0'/0/0"], { input: mnemonic });
  assert.equal(fromStdin.status, 0, fromStdin.stderr);
  const key = JSON.parse(fromStdin.stdout);
  assert.match(key.xprv, /^xprv/);
  const master = JSON.parse(datt(['derive', '-', 'm'], { input: mnemonic }).stdout);
  const viaXprv = JSON.parse(datt(['derive', '-', "m/44'/1237'/0'/0/0"], { input: master.xprv }).stdout);
  assert.equal(viaXprv.secret_key, key.secret_key);
  const withPassphrase = JSON.parse(datt(['derive', '-', 'm'], { input: mnemonic, env: { DATT_BIP39_PASSPHRASE: 'TREZOR' } }).stdout);
  assert.equal(withPassphrase.xprv, 'xprv9s21ZrQH143K3h3fDYiay8mocZ3afhfULfb5GX8kCBdno77K4HiA15Tg23wpbeF1pLfs1c5SPmYHrEpTuuRhxMwvKDwqdKiGJS9XFKzUsAF');
  const testnet = JSON.parse(datt(['derive', '-', 'm', '--network', 'testnet'], { input: mnemonic }).stdout);
  assert.match(testnet.xprv, /^tprv/);
  const hardenedFromPub = datt(['derive', master.xpub, "m/0'"]);
  assert.equal(hardenedFromPub.status, 1);
  assert.match(hardenedFromPub.stderr, /bip32_hardened_from_public/);
  assert.equal(datt(['derive', '-', 'm/x'], { input: mnemonic }).status, 1);
});

test('event sign takes the key from the environment and rejects bad input clearly', () => {
  const { secret_key: secretKey } = JSON.parse(datt(['keygen']).stdout);
  const env = { DATT_SECRET_KEY: secretKey };
  const noKey = datt(['event', 'sign'], { input: '{"kind":1,"tags":[],"content":"x"}' });
  assert.equal(noKey.status, 1);
  assert.match(noKey.stderr, /no_key/);
  const badJson = datt(['event', 'sign'], { input: '{"kind":', env });
  assert.equal(badJson.status, 1);
  assert.match(badJson.stderr, /json_syntax/);
  const badKind = datt(['event', 'sign'], { input: '{"kind":70000,"tags":[],"content":"x"}', env });
  assert.equal(badKind.status, 1);
  assert.match(badKind.stderr, /kind_range/);
  const badKey = datt(['event', 'sign'], { input: '{"kind":1,"tags":[],"content":"x"}', env: { DATT_SECRET_KEY: 'ff'.repeat(32) } });
  assert.equal(badKey.status, 1);
  assert.match(badKey.stderr, /bad_secret_key/);
  assert.ok(!badKey.stderr.includes('ff'.repeat(32)), 'the key is not echoed');
  const unknownFlag = datt(['event', 'sign', '--key', secretKey]);
  assert.equal(unknownFlag.status, 2, 'keys are not accepted on the command line');

  const signed = datt(['event', 'sign'], { input: '{"kind":1111,"created_at":1700000000,"tags":[["t","x"]],"content":"ok"}', env });
  assert.equal(signed.status, 0);
  const verified = datt(['event', 'verify'], { input: signed.stdout });
  assert.equal(verified.status, 0);
  assert.equal(verified.stdout.trim(), `valid ${JSON.parse(signed.stdout).id}`);
});

test('event verify exits 1 with the reason for hostile input', () => {
  const cases = [
    ['', 'json_syntax'],
    ['[]', 'not_object'],
    ['{"id":1}', 'wrong_type'],
    ['\xff', 'json_syntax'],
    ['x'.repeat(2 * 1024 * 1024), 'too_large'],
  ];
  for (const [input, code] of cases) {
    const result = datt(['event', 'verify'], { input });
    assert.equal(result.status, 1, input.slice(0, 20));
    assert.match(result.stdout + result.stderr, new RegExp(code));
  }
  const file = path.join(work, 'invalid-utf8.json');
  writeFileSync(file, Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]));
  const raw = spawnSync('sh', ['-c', `"${cliPath()}" event verify < "${file}"`], { encoding: 'utf8' });
  assert.equal(raw.status, 1);
  assert.match(raw.stdout, /invalid: invalid_utf8/);
});
