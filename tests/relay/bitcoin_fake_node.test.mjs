// The bridge against a scripted fake node (node:http on 127.0.0.1): malformed, oversized,
// slow and lying replies each become a clear BTC-ERR (the relay keeps serving), a refused
// broadcast carries the node's reason, and a node that goes away and comes back is
// reported down (NIP-11, /metrics, BTC-ERR) and then up again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
  btc, displayHex, freePort, merkleBlockFor, mine, mineChain, rawTx, sha256d,
} from './bitcoin_support.mjs';
import { connect, startRelay } from './support.mjs';

const chain = mineChain(4);
const hashes = chain.map((h) => displayHex(sha256d(h)));
// Valid proof of work, mined on genesis: it cannot follow block 1.
const unlinked = mine({ prev: sha256d(chain[0]), merkle: Buffer.alloc(32, 99) });
const unlinkedHash = displayHex(sha256d(unlinked));
// What the fake node does, per test: 'honest', 'garbage', 'huge', 'slow', 'unlinked',
// 'wrong-header', 'wrong-proof', 'refuse', 'wrong-txid'.
let mode = 'honest';
let calls = 0;

function answer(method, params) {
  const honest = () => {
    switch (method) {
      case 'getblockchaininfo': return { chain: 'regtest', blocks: chain.length - 1, bestblockhash: hashes[chain.length - 1] };
      case 'getblockhash': return mode === 'unlinked' && params[0] === 2 ? unlinkedHash : hashes[params[0]];
      case 'getblockheader': {
        const i = params[0] === unlinkedHash ? 2 : hashes.indexOf(params[0]);
        if (mode === 'wrong-header' && i === 2) return chain[3].toString('hex');
        if (i < 0) return { error: { code: -5, message: 'Block not found' } };
        if (mode === 'unlinked' && i === 2) {
          // A header with valid proof of work whose prev is not block 1: the hash given for
          // height 2 is its own, so only the linkage is wrong.
          return unlinked.toString('hex');
        }
        return chain[i].toString('hex');
      }
      case 'sendrawtransaction': {
        if (mode === 'refuse') return { error: { code: -26, message: 'min relay fee not met, 0 < 110' } };
        if (mode === 'wrong-txid') return hashes[1];
        return displayHex(sha256d(Buffer.from(params[0], 'hex')));
      }
      case 'getmempoolentry': return { vsize: 100 };
      case 'gettxoutproof': {
        const txid = Buffer.from(params[0][0], 'hex').reverse();
        const proven = mode === 'wrong-proof' ? Buffer.alloc(32, 0x42) : txid;
        return merkleBlockFor(proven).toString('hex');
      }
      default: return { error: { code: -32601, message: 'Method not found' } };
    }
  };
  const result = honest();
  if (result && typeof result === 'object' && result.error) return { result: null, error: result.error };
  return { result, error: null };
}


async function startFakeNode(port) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      calls += 1;
      if (req.headers.authorization !== `Basic ${Buffer.from('datt:fake-secret').toString('base64')}`) {
        res.writeHead(401);
        res.end();
        return;
      }
      const request = JSON.parse(body);
      const reply = (text) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(text); };
      if (mode === 'garbage') return reply('{"result": [1, 2,');
      if (mode === 'huge') return reply(JSON.stringify({ result: 'a'.repeat(200000), error: null, id: 0 }));
      if (mode === 'slow') { setTimeout(() => reply('{"result":null,"error":null,"id":0}'), 3000); return undefined; }
      if (Array.isArray(request)) {
        return reply(JSON.stringify(request.map((r) => ({ ...answer(r.method, r.params), id: r.id }))));
      }
      return reply(JSON.stringify({ ...answer(request.method, request.params), id: request.id }));
    });
  });
  await new Promise((resolve) => { server.listen(port, '127.0.0.1', resolve); });
  return server;
}

describe('bridge against a scripted fake node', { timeout: 120000 }, () => {
  let dir; let relay; let client; let node; let port;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'datt-fake-node-'));
    writeFileSync(path.join(dir, 'password'), 'fake-secret\n', { mode: 0o600 });
    port = await freePort();
    node = await startFakeNode(port);
    relay = await startRelay({
      dir,
      args: ['--bitcoin-rpc-url', `http://127.0.0.1:${port}/`, '--bitcoin-rpc-password-file', path.join(dir, 'password'),
        '--bitcoin-network', 'regtest', '--bitcoin-rpc-timeout-ms', '1000', '--bitcoin-poll-ms', '200',
        '--bitcoin-max-reply-bytes', '65536'],
    });
    client = await connect(relay.url);
  });

  after(async () => {
    client?.close?.();
    await relay?.stop();
    await new Promise((resolve) => { node?.close(resolve); });
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves honest headers and proofs, checked', async () => {
    mode = 'honest';
    const status = await btc(client, { method: 'status' });
    assert.equal(status[0], 'BTC-OK', JSON.stringify(status));
    assert.equal(status[2].connected, true);
    assert.equal(status[2].network, 'regtest');
    const headers = await btc(client, { method: 'headers', from: 0, count: 10 });
    assert.equal(headers[0], 'BTC-OK', JSON.stringify(headers));
    assert.equal(headers[2].count, chain.length);
    assert.equal(headers[2].headers, Buffer.concat(chain).toString('hex'));
    const txid = displayHex(sha256d(rawTx()));
    const proof = await btc(client, { method: 'proof', txid });
    assert.equal(proof[0], 'BTC-OK', JSON.stringify(proof));
    assert.equal(proof[2].txid, txid);
  });

  it('a refused broadcast carries the node\'s reason; a lying txid is an error', async () => {
    mode = 'refuse';
    const refused = await btc(client, { method: 'broadcast', tx: rawTx().toString('hex') });
    assert.equal(refused[0], 'BTC-OK');
    assert.equal(refused[2].accepted, false);
    assert.match(refused[2].reason, /min relay fee not met/);
    mode = 'honest';
    const accepted = await btc(client, { method: 'broadcast', tx: rawTx().toString('hex') });
    assert.deepEqual(accepted[2], { txid: displayHex(sha256d(rawTx())), accepted: true, in: 'mempool' });
    mode = 'wrong-txid';
    const lied = await btc(client, { method: 'broadcast', tx: rawTx().toString('hex') });
    assert.equal(lied[0], 'BTC-ERR');
    assert.equal(lied[2].code, 'node_lied');
    const bad = await btc(client, { method: 'broadcast', tx: '00' });
    assert.equal(bad[0], 'BTC-ERR');
    assert.equal(bad[2].code, 'tx_invalid');
  });

  it('rejects headers that do not hash to their block, and do not link', async () => {
    mode = 'wrong-header';
    const wrong = await btc(client, { method: 'headers', from: 0, count: 4 });
    assert.equal(wrong[0], 'BTC-ERR');
    assert.equal(wrong[2].code, 'node_lied');
    assert.match(wrong[2].message, /hashes to/);
    mode = 'unlinked';
    const unlinkedReply = await btc(client, { method: 'headers', from: 0, count: 4 });
    assert.equal(unlinkedReply[0], 'BTC-ERR');
    assert.equal(unlinkedReply[2].code, 'node_lied');
    assert.match(unlinkedReply[2].message, /does not link/);
    // Single headers from an honest range are still served.
    mode = 'honest';
    const ok = await btc(client, { method: 'headers', from: 2, count: 1 });
    assert.equal(ok[0], 'BTC-OK');
  });

  it('rejects a merkle proof of another transaction', async () => {
    mode = 'wrong-proof';
    const txid = displayHex(sha256d(rawTx()));
    const wrong = await btc(client, { method: 'proof', txid });
    assert.equal(wrong[0], 'BTC-ERR');
    assert.equal(wrong[2].code, 'node_lied');
    assert.match(wrong[2].message, /does not contain/);
  });

  it('malformed, oversized and slow replies are clear errors', async () => {
    mode = 'garbage';
    const garbage = await btc(client, { method: 'headers', from: 0, count: 2 });
    assert.equal(garbage[2].code, 'rpc_reply_malformed', JSON.stringify(garbage));
    mode = 'huge';
    const huge = await btc(client, { method: 'proof', txid: '11'.repeat(32) });
    assert.equal(huge[2].code, 'rpc_reply_too_large', JSON.stringify(huge));
    mode = 'slow';
    const started = Date.now();
    const slow = await btc(client, { method: 'proof', txid: '11'.repeat(32) });
    assert.ok(['rpc_timeout', 'node_unavailable'].includes(slow[2].code), JSON.stringify(slow));
    assert.ok(Date.now() - started < 2900, 'answered before the slow reply came');
    mode = 'honest';
    // The relay still serves Nostr and BTC.
    client.send(['REQ', 'still', { limit: 1 }]);
    await client.next((m) => m[0] === 'EOSE' && m[1] === 'still');
  });

  it('a node that goes away is reported down with backoff, and up when it returns', async () => {
    mode = 'honest';
    await new Promise((resolve) => { node.closeAllConnections?.(); node.close(resolve); });
    let down;
    for (let i = 0; i < 50; i += 1) {
      down = await btc(client, { method: 'status' });
      if (down[2].connected === false && /rpc_unreachable/.test(down[2].last_error)) break;
      await new Promise((resolve) => { setTimeout(resolve, 100); });
    }
    assert.equal(down[2].connected, false, JSON.stringify(down));
    assert.ok(down[2].retries >= 1);
    assert.match(down[2].last_error, /rpc_unreachable/);
    const failed = await btc(client, { method: 'headers', from: 0, count: 1 });
    assert.equal(failed[0], 'BTC-ERR');
    assert.ok(['rpc_unreachable', 'node_unavailable'].includes(failed[2].code), JSON.stringify(failed));
    const info = await fetch(`http://127.0.0.1:${relay.port}/`, { headers: { accept: 'application/nostr+json' } }).then((r) => r.json());
    assert.equal(info.bitcoin.connected, false);
    const metrics = await fetch(`http://127.0.0.1:${relay.port}/metrics`).then((r) => r.text());
    assert.match(metrics, /^datt_bitcoin_node_connected 0$/m);

    node = await startFakeNode(port);
    let up;
    for (let i = 0; i < 100; i += 1) {
      await new Promise((resolve) => { setTimeout(resolve, 200); });
      const i2 = await fetch(`http://127.0.0.1:${relay.port}/`, { headers: { accept: 'application/nostr+json' } }).then((r) => r.json());
      if (i2.bitcoin.connected) { up = i2; break; }
    }
    assert.ok(up, 'the relay reconnected');
    assert.equal(up.bitcoin.height, chain.length - 1);
    const headers = await btc(client, { method: 'headers', from: 1, count: 2 });
    assert.equal(headers[0], 'BTC-OK');
  });
});
