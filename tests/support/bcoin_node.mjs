// A real bcoin regtest node for tests (scripts/bitcoin-node.mjs, the node `npm start` runs),
// on 127.0.0.1 only, started and stopped by the caller. `ready()` waits until the node has
// written its RPC credentials; `rpc(method, params)` calls it; `stop()` ends it with SIGTERM, then SIGKILL after 20 s, and
// a node still running when the test process exits is killed so no test leaves one behind
// (and scripts/bitcoin-node.mjs stops by itself when the test process dies by SIGKILL).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { repoRoot } from './vectors.mjs';

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * @param {string} datadir  the node's data directory (rpc.json appears there when it is up)
 * @param {number} port     its RPC port on 127.0.0.1
 * @param {{ memory?: boolean }} options  memory: keep the chain in memory (no restart state)
 */
export function startBcoinNode(datadir, port, { memory = false } = {}) {
  const args = [path.join(repoRoot, 'scripts/bitcoin-node.mjs'), '--datadir', datadir, '--rpc-port', String(port)];
  if (memory) args.push('--memory');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => { child.on('exit', resolve); });
  const killChild = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
  process.once('exit', killChild);
  return {
    child,
    exited,
    async ready() {
      const file = path.join(datadir, 'rpc.json');
      for (let i = 0; i < 900; i += 1) {
        if (existsSync(file)) return;
        if (child.exitCode !== null) throw new Error(`bcoin exited: ${stderr}`);
        await sleep(100);
      }
      throw new Error(`bcoin did not start within 90 s: ${stderr}`);
    },
    /** One JSON-RPC call to the node (after ready()); a node error throws with its message. */
    async rpc(method, params = []) {
      const key = readFileSync(path.join(datadir, 'rpc-key'), 'utf8').trim();
      const response = await fetch(`http://127.0.0.1:${port}/`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`x:${key}`).toString('base64')}` },
        body: JSON.stringify({ method, params, id: 1 }),
        signal: AbortSignal.timeout(120000),
      });
      const body = await response.json();
      if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
      return body.result;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(killChild, 20000);
      await exited;
      clearTimeout(timer);
      process.removeListener('exit', killChild);
    },
  };
}
