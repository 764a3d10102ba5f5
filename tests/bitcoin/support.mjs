// A real Bitcoin node for the tests of this folder: bcoin 1.0.2 in regtest, in memory, with
// Bitcoin Core-like standardness (--require-standard=true), loopback only, no peers
// (../shared/notes/bitcoin-node.md). One node per test file; stop() in `after`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { repoRoot } from '../support/vectors.mjs';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startNode() {
  const port = await freePort();
  const key = randomBytes(32).toString('hex');
  const dir = mkdtempSync(path.join(tmpdir(), 'datt-bcoin-'));
  const child = spawn(process.execPath, [path.join(repoRoot, 'node_modules', 'bcoin', 'bin', 'node'),
    '--network=regtest', '--memory=true', '--workers=false', '--listen=false', '--seeds=,', '--no-wallet',
    '--index-tx=true', '--require-standard=true', `--prefix=${dir}`, '--http-host=127.0.0.1',
    `--http-port=${port}`, '--log-level=warning', '--log-console=false'], {
    env: { ...process.env, NODE_BACKEND: 'js', BCOIN_API_KEY: key },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = false;
  // The node must not outlive this process, whatever ends it (an exception, a signal).
  const killChild = () => { if (!exited) child.kill('SIGKILL'); };
  process.once('exit', killChild);
  child.on('exit', () => { exited = true; process.removeListener('exit', killChild); });
  const url = `http://127.0.0.1:${port}/`;

  async function rpc(method, ...params) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`datt:${key}`).toString('base64')}` },
      body: JSON.stringify({ method, params, id: 1 }),
      signal: AbortSignal.timeout(60000),
    });
    const body = await response.json();
    if (body.error) {
      const error = new Error(`${method}: ${body.error.message ?? JSON.stringify(body.error)}`);
      error.rpc = body.error;
      throw error;
    }
    return body.result;
  }

  const started = Date.now();
  for (;;) {
    if (exited) throw new Error('bcoin exited before answering RPC');
    try {
      await rpc('getblockchaininfo');
      break;
    } catch (error) {
      if (Date.now() - started > 60000) throw error;
      await new Promise((resolve) => { setTimeout(resolve, 200); });
    }
  }

  async function stop() {
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      try { await rpc('stop'); } catch { child.kill('SIGTERM'); }
      const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  }

  return { rpc, stop, debugLog: path.join(dir, 'regtest', 'debug.log') };
}

/**
 * The node's verdict on a transaction: bcoin's sendrawtransaction returns the txid whatever
 * the mempool decided, so acceptance is judged by polling the mempool.
 */
export async function broadcast(node, hex, txid, { expectAccepted }) {
  try {
    await node.rpc('sendrawtransaction', hex);
  } catch {
    return false;  // an RPC error is a refusal too
  }
  const deadline = Date.now() + (expectAccepted ? 5000 : 1000);
  while (Date.now() < deadline) {
    const mempool = await node.rpc('getrawmempool');
    if (mempool.includes(txid)) return true;
    await new Promise((resolve) => { setTimeout(resolve, 50); });
  }
  return false;
}
