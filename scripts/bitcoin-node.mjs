#!/usr/bin/env node
// The local Bitcoin node of `npm start`: bcoin (npm, pinned) in regtest, on loopback only,
// with its chain on disk so blocks survive a restart.
//
//   node scripts/bitcoin-node.mjs --datadir DIR [--rpc-port 18443] [--memory]
//
// JSON-RPC 1.0 listens on http://127.0.0.1:PORT/ with HTTP Basic auth (any user name; the
// password is the API key kept in DIR/rpc-key, created once with mode 0600 and never
// printed). When the node answers RPC, DIR/rpc.json ({url, keyFile, network}) is written, so
// other programs can wait for it and find it; it is removed again on exit. SIGINT/SIGTERM,
// and the death of the process that started this one, stop the node cleanly; the exit
// status is the node's. Notes: ../shared/notes/bitcoin-node.md.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const READY_TIMEOUT_MS = 60000;

function fail(message) {
  console.error(`bitcoin-node: ${message}`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { rpcPort: 18443, memory: false, datadir: '' };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--datadir') options.datadir = argv[++i] ?? '';
    else if (arg === '--rpc-port') options.rpcPort = Number(argv[++i]);
    else if (arg === '--memory') options.memory = true;
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node scripts/bitcoin-node.mjs --datadir DIR [--rpc-port 18443] [--memory]');
      process.exit(0);
    } else fail(`unknown argument '${arg}' (see --help)`);
  }
  if (!options.datadir) fail('--datadir DIR is required');
  if (!Number.isInteger(options.rpcPort) || options.rpcPort < 1 || options.rpcPort > 65535) {
    fail('--rpc-port must be a port number (1-65535)');
  }
  options.datadir = path.resolve(options.datadir);
  return options;
}

/** The RPC password: read from DIR/rpc-key, or made once (32 random bytes, hex, mode 0600). */
function apiKey(keyFile) {
  if (existsSync(keyFile)) {
    const key = readFileSync(keyFile, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(key)) fail(`${keyFile} is not a 64-hex-digit key: remove it to make a new one`);
    return key;
  }
  const key = randomBytes(32).toString('hex');
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

async function rpc(url, key, method, params = []) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`datt:${key}`).toString('base64')}` },
    body: JSON.stringify({ method, params, id: 1 }),
    signal: AbortSignal.timeout(2000),
  });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${body.error.message ?? JSON.stringify(body.error)}`);
  return body.result;
}

const options = parseArgs(process.argv.slice(2));
mkdirSync(options.datadir, { recursive: true, mode: 0o700 });
const keyFile = path.join(options.datadir, 'rpc-key');
const readyFile = path.join(options.datadir, 'rpc.json');
const key = apiKey(keyFile);
const url = `http://127.0.0.1:${options.rpcPort}/`;
rmSync(readyFile, { force: true });

const bcoinBin = path.join(root, 'node_modules', 'bcoin', 'bin', 'node');
if (!existsSync(bcoinBin)) fail(`${bcoinBin} is missing: run "npm run setup"`);
// The key goes through the environment (BCOIN_API_KEY), not argv, so `ps` does not show it.
const child = spawn(process.execPath, [bcoinBin,
  '--network=regtest', `--memory=${options.memory}`, '--workers=false',
  '--listen=false', '--seeds=,', '--no-wallet', '--index-tx=true',
  `--prefix=${options.datadir}`, '--http-host=127.0.0.1', `--http-port=${options.rpcPort}`,
  '--log-level=warning', '--log-console=false'], {
  env: { ...process.env, NODE_BACKEND: 'js', BCOIN_API_KEY: key },
  stdio: ['ignore', 'inherit', 'inherit'],
});

let ready = false;
let stopping = false;
let failed = false;
// bcoin closes its database cleanly on RPC "stop"; SIGTERM (it has no handler) and then
// SIGKILL are the fallbacks if it does not exit in time.
const stop = () => {
  if (stopping) return;
  stopping = true;
  const hard = setTimeout(() => child.kill('SIGTERM'), 10000);
  const harder = setTimeout(() => child.kill('SIGKILL'), 15000);
  hard.unref();
  harder.unref();
  if (!ready) child.kill('SIGTERM');
  else rpc(url, key, 'stop').catch(() => child.kill('SIGTERM'));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// A parent that dies without stopping us (a test process killed with SIGKILL, a terminal
// closed under npm start) would leave the node running; when we are re-parented, stop.
const parentAtStart = process.ppid;
setInterval(() => { if (process.ppid !== parentAtStart) stop(); }, 1000).unref();
child.on('exit', (code, signal) => {
  rmSync(readyFile, { force: true });
  if (!ready && !stopping) {
    console.error(`bitcoin-node: bcoin exited before answering RPC (${signal ?? `status ${code}`}); ` +
      `is port ${options.rpcPort} taken? Its log: ${path.join(options.datadir, 'regtest', 'debug.log')}`);
    process.exit(1);
  }
  process.exit(failed ? 1 : stopping ? 0 : (code ?? 1));
});

const started = Date.now();
while (!ready && !stopping) {
  try {
    const info = await rpc(url, key, 'getblockchaininfo');
    if (info.chain !== 'regtest') throw new Error(`expected a regtest chain, the node says ${info.chain}`);
    ready = true;
    writeFileSync(readyFile, `${JSON.stringify({ url, keyFile, network: 'regtest' })}\n`, { mode: 0o600 });
    console.log(`bitcoin-node: regtest node at ${url} (height ${info.blocks}, data in ${options.datadir}, ` +
      `RPC password in ${keyFile})`);
  } catch (error) {
    if (Date.now() - started > READY_TIMEOUT_MS) {
      console.error(`bitcoin-node: no RPC answer after ${READY_TIMEOUT_MS / 1000} s (${error.message}); stopping`);
      failed = true;
      stop();
      break;
    }
    await new Promise((resolve) => { setTimeout(resolve, 200); });
  }
}
