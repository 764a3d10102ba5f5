// `npm start` as a user runs it (scripts/start.sh): the relay serves the web app, stores
// events and is a payment-channel hub (NIP-11 `channels`, minimum depth 1), a regtest Bitcoin node (bcoin) answers RPC with its password from the data folder,
// SIGTERM stops both, and a restart finds the relay's events and the mined blocks again. A
// taken RPC port is a clear error that leaves nothing running.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

import bcoin from 'bcoin';

import { freePort } from '../e2e/support.mjs';
import { connect, fetchEvents, newKey, publishOk, signEvent } from '../relay/support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'datt-start-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const STARTUP_MS = 120000;

/** Runs `npm start`'s script; resolves once the relay serves HTTP. */
async function start({ relayPort, rpcPort }) {
  const child = spawn('bash', [path.join(root, 'scripts', 'start.sh')], {
    env: { ...process.env, PORT: String(relayPort), DATT_BITCOIN_RPC_PORT: String(rpcPort), DATT_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => { child.on('exit', (code, signal) => resolve({ code, signal })); });
  const deadline = Date.now() + STARTUP_MS;
  for (;;) {
    const gone = await Promise.race([exited, new Promise((r) => { setTimeout(() => r(null), 250); })]);
    if (gone) return { child, exited, output: () => output, gone };
    try {
      if ((await fetch(`http://127.0.0.1:${relayPort}/`)).ok) return { child, exited, output: () => output };
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`npm start did not serve in ${STARTUP_MS / 1000} s:\n${output}`);
    }
  }
}

async function rpc(port, method, params = [], key = readFileSync(path.join(dataDir, 'bitcoin', 'rpc-key'), 'utf8').trim()) {
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`user:${key}`).toString('base64')}` },
    body: JSON.stringify({ method, params }),
  });
  if (response.status === 401) return { unauthorized: true };
  const body = await response.json();
  assert.equal(body.error, null, `${method}: ${JSON.stringify(body.error)}`);
  return body.result;
}

async function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

test('npm start runs the relay with the web app and a regtest Bitcoin node; a restart keeps both', { timeout: 300000 }, async () => {
  const relayPort = await freePort();
  const rpcPort = await freePort();
  const first = await start({ relayPort, rpcPort });
  assert.equal(first.gone, undefined, first.output());
  let event;
  try {
    const page = await (await fetch(`http://127.0.0.1:${relayPort}/`)).text();
    assert.match(page, /<html/);
    // The relay is the web app's channel hub, its channels usable after 1 confirmation.
    const nip11 = await (await fetch(`http://127.0.0.1:${relayPort}/`, { headers: { accept: 'application/nostr+json' } })).json();
    assert.equal(nip11.channels?.minimum_depth, 1, JSON.stringify(nip11));
    assert.ok(nip11.fees?.channel, 'the hub advertises its fees');
    const client = await connect(`ws://127.0.0.1:${relayPort}/`);
    event = signEvent({ kind: 1, content: 'kept across restarts' }, newKey());
    await publishOk(client, event);
    client.close();

    assert.equal(statSync(path.join(dataDir, 'bitcoin', 'rpc-key')).mode & 0o077, 0, 'the RPC password is private');
    assert.deepEqual(await rpc(rpcPort, 'getblockcount', [], 'not-the-key'), { unauthorized: true });
    const info = await rpc(rpcPort, 'getblockchaininfo');
    assert.equal(info.chain, 'regtest');
    const address = bcoin.Address.fromHash(Buffer.alloc(20, 7), 0).toString('regtest');
    const mined = await rpc(rpcPort, 'generatetoaddress', [3, address]);
    assert.equal(mined.length, 3);
    assert.equal(await rpc(rpcPort, 'getblockcount'), info.blocks + 3);
    assert.doesNotMatch(first.output(), new RegExp(readFileSync(path.join(dataDir, 'bitcoin', 'rpc-key'), 'utf8').trim()),
      'the RPC password is never printed');
  } finally {
    first.child.kill('SIGTERM');
  }
  const stopped = await first.exited;
  assert.equal(stopped.code, 143, first.output());
  assert.match(first.output(), /start: stopped/);
  assert.ok(await portIsFree(relayPort), 'the relay stopped');
  assert.ok(await portIsFree(rpcPort), 'the Bitcoin node stopped');

  const second = await start({ relayPort, rpcPort });
  assert.equal(second.gone, undefined, second.output());
  try {
    const client = await connect(`ws://127.0.0.1:${relayPort}/`);
    assert.deepEqual(await fetchEvents(client, [{ ids: [event.id] }]), [event]);
    client.close();
    const blocks = await rpc(rpcPort, 'getblockcount');
    assert.ok(blocks >= 3, `the chain kept its blocks (height ${blocks})`);
  } finally {
    second.child.kill('SIGTERM');
  }
  await second.exited;
});

test('npm start with the Bitcoin RPC port taken says so and leaves nothing running', { timeout: 120000 }, async () => {
  const blocker = createServer();
  await new Promise((resolve) => { blocker.listen(0, '127.0.0.1', resolve); });
  const rpcPort = blocker.address().port;
  const relayPort = await freePort();
  try {
    const run = await start({ relayPort, rpcPort });
    assert.ok(run.gone, 'start must fail');
    assert.equal(run.gone.code, 1);
    assert.match(run.output(), /is port \d+ taken\?/);
    assert.match(run.output(), /DATT_BITCOIN_RPC_PORT=/);
    assert.ok(await portIsFree(relayPort), 'no relay was left running');
  } finally {
    blocker.close();
  }
});
