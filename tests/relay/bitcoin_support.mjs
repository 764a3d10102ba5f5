// Helpers for the Bitcoin bridge suites: regtest headers mined in JS (double SHA-256, the
// regtest target lets about every other nonce through), raw transactions and merkle blocks
// built by hand, and BTC requests over a relay connection.
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';

export const sha256d = (bytes) => createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest();
/** Display order (reversed) hex of an internal-order hash. */
export const displayHex = (hash) => Buffer.from(hash).reverse().toString('hex');
export const internal = (displayHexText) => Buffer.from(displayHexText, 'hex').reverse();

export const REGTEST_BITS = 0x207fffff;
// Bitcoin Core's regtest genesis (bcoin's regtest uses the same block).
export const GENESIS = Buffer.from(
  '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e' +
  '67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff7f2002000000', 'hex');

function header({ prev, merkle, time, nonce, bits = REGTEST_BITS, version = 0x20000000 }) {
  const h = Buffer.alloc(80);
  h.writeInt32LE(version, 0);
  prev.copy(h, 4);
  merkle.copy(h, 36);
  h.writeUInt32LE(time, 68);
  h.writeUInt32LE(bits, 72);
  h.writeUInt32LE(nonce, 76);
  return h;
}

// Regtest proof of work: the hash, read as a little-endian number, is at most the target
// 0x7fffff << 232, i.e. its last (most significant) byte is at most 0x7f.
export function mine({ prev, merkle = Buffer.alloc(32, 7), time = 1700000000 }) {
  for (let nonce = 0; ; nonce += 1) {
    const h = header({ prev, merkle, time, nonce });
    if (sha256d(h)[31] <= 0x7f) return h;
  }
}

/** A chain of `count` headers after genesis (heights 1..count), with genesis first. */
export function mineChain(count) {
  const chain = [GENESIS];
  for (let i = 0; i < count; i += 1) {
    chain.push(mine({ prev: sha256d(chain[chain.length - 1]), time: 1700000000 + i * 600, merkle: Buffer.alloc(32, i + 1) }));
  }
  return chain;
}

/** A one-input, one-output version-2 transaction spending a made-up outpoint. */
export function rawTx(seed = 0x11) {
  return Buffer.concat([
    Buffer.from('02000000', 'hex'), Buffer.from([1]), Buffer.alloc(32, seed), Buffer.from('00000000', 'hex'),
    Buffer.from([0]), Buffer.from('ffffffff', 'hex'),
    Buffer.from([1]), Buffer.from('e803000000000000', 'hex'), Buffer.from([1, 0x51]),
    Buffer.from('00000000', 'hex'),
  ]);
}

/** A merkle block proving the single transaction `txid` (internal order) of a mined block. */
export function merkleBlockFor(txid, prev = sha256d(GENESIS)) {
  const h = mine({ prev, merkle: txid });
  return Buffer.concat([h, Buffer.from('01000000', 'hex'), Buffer.from([1]), txid, Buffer.from([1, 1])]);
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

let nextId = 0;
/** Sends ["BTC", id, params] and resolves with the BTC-OK/BTC-ERR answer to it. */
export async function btc(client, params, timeoutMs = 20000) {
  nextId += 1;
  const id = `r${nextId}`;
  client.send(['BTC', id, params]);
  return client.next((m) => Array.isArray(m) && (m[0] === 'BTC-OK' || m[0] === 'BTC-ERR') && m[1] === id,
    timeoutMs, `the answer to ${params.method}`);
}

export const btcEvent = (type, extra = () => true) => (m) => Array.isArray(m) && m[0] === 'BTC-EVENT' &&
  m[1].type === type && extra(m[1]);

/** The bridge's status, polled every 200 ms until `done(status)` or `ms` pass; the last one. */
export async function statusUntil(conn, done, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const status = (await btc(conn, { method: 'status' }))[2];
    if (done(status) || Date.now() > deadline) return status;
    await new Promise((resolve) => { setTimeout(resolve, 200); });
  }
}

/** Mines on `node` (tests/support/bcoin_node.mjs) up to `height`, paying `address`. */
export async function mineTo(node, height, address) {
  for (;;) {
    const left = height - await node.rpc('getblockcount');
    if (left <= 0) return;
    await node.rpc('generatetoaddress', [Math.min(50, left), address]);
  }
}

/**
 * datt-relay's flags for a bridge to the bcoin node started in `dir`/btc on `rpcPort`
 * (tests/support/bcoin_node.mjs), polled every 200 ms.
 */
export function bridgeArgs(dir, rpcPort, network) {
  return ['--bitcoin-rpc-url', `http://127.0.0.1:${rpcPort}/`,
    '--bitcoin-rpc-password-file', path.join(dir, 'btc', 'rpc-key'), '--bitcoin-network', network,
    '--bitcoin-poll-ms', '200', '--bitcoin-rpc-timeout-ms', '60000'];
}

/** A BIP-84 key of `mnemonic` (m/84'/1'/0'/chain/index) on `network`, with its P2WPKH script and address. */
export function walletKey(datt, network, mnemonic, chain, index) {
  return seedKey(datt, network, datt.mnemonicToSeed(mnemonic), chain, index);
}

/** The same from a BIP-32 seed's bytes (the hub wallet's stored seed, say). */
export function seedKey(datt, network, seed, chain, index) {
  const derived = datt.derive(seed, `m/84'/1'/0'/${chain}/${index}`, datt.bitcoin.network(network).bip32Versions);
  const script = datt.bitcoin.p2wpkhScript(derived.publicKey);
  return { secretKey: derived.secretKey, scriptHex: Buffer.from(script).toString('hex'), address: datt.bitcoin.scriptToAddress(script, network) };
}
