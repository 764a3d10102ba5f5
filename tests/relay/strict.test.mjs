// HTTP and WebSocket strictness (docs/protocol.md "Strictness"): requests and frames that no
// WebSocket library would send, written byte for byte on raw node:net sockets to 127.0.0.1.
// Every exchange is bounded in bytes and time; after each case a normal client is served.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { GENEROUS_LIMITS, connect, query, randomHex, startRelay } from './support.mjs';

const MAX_MESSAGE_BYTES = 65536;
const webRoot = mkdtempSync(path.join(tmpdir(), 'datt-strict-web-'));
writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>datt</title>\n');
const relay = await startRelay({ args: [...GENEROUS_LIMITS, '--web-root', webRoot,
  '--max-message-bytes', String(MAX_MESSAGE_BYTES)] });
after(async () => {
  await relay.cleanup();
  rmSync(webRoot, { recursive: true, force: true });
});

/** A REQ for nothing on a fresh ws connection gets EOSE: the relay still serves clients. */
async function assertServing(what) {
  const client = await connect(relay.url);
  try {
    const result = await query(client, `alive-${randomHex(4)}`, [{ ids: [randomHex()] }]);
    assert.deepEqual(result, { events: [], eose: true, closed: null }, `served after ${what}`);
  } finally {
    client.terminate();
  }
}

/**
 * Writes `request` on a new socket and resolves with the reply's status line fields once its
 * head (up to the blank line) has arrived, or when the relay closes, or after `ms`.
 */
function exchange(request, ms = 5000) {
  return new Promise((resolve) => {
    const socket = net.connect(relay.port, '127.0.0.1');
    const chunks = [];
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3}) /.exec(text);
      resolve({ status: match ? Number(match[1]) : null, head: text.split('\r\n\r\n')[0], closed });
    };
    const timer = setTimeout(() => finish(false), ms);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (Buffer.concat(chunks).includes('\r\n\r\n')) finish(false);
    });
    socket.on('error', () => {});
    socket.on('close', () => finish(true));
  });
}

const goodKey = () => randomBytes(16).toString('base64');
const acceptFor = (key) => createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');

function upgradeRequest(target = '/', { key = goodKey(), host = '127.0.0.1', extra = '' } = {}) {
  return `GET ${target} HTTP/1.1\r\n${host === null ? '' : `Host: ${host}\r\n`}` +
    `Upgrade: websocket\r\nConnection: Upgrade\r\n${key === null ? '' : `Sec-WebSocket-Key: ${key}\r\n`}` +
    `Sec-WebSocket-Version: 13\r\n${extra}\r\n`;
}

async function expectStatus(request, status, what) {
  const reply = await exchange(request);
  assert.equal(reply.status, status, `${what}: expected ${status}, got ${JSON.stringify(reply.head)}`);
  return reply;
}

test('HTTP/1.1 needs exactly one Host header (RFC 9112 3.2); HTTP/1.0 may omit it', { timeout: 30000 }, async () => {
  await expectStatus('GET /metrics HTTP/1.1\r\nConnection: close\r\n\r\n', 400, 'HTTP/1.1 without Host');
  await expectStatus('GET /metrics HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n', 400, 'two Host headers');
  await expectStatus(upgradeRequest('/', { host: null }), 400, 'upgrade without Host');
  await expectStatus('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', 200, 'one Host');
  await expectStatus('GET /metrics HTTP/1.0\r\n\r\n', 200, 'HTTP/1.0 without Host');
  await assertServing('Host cases');
});

test('obsolete line folding is refused with 400 (RFC 9112 5.2)', { timeout: 30000 }, async () => {
  await expectStatus('GET /metrics HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\nConnection: close\r\n\r\n', 400, 'fold with SP');
  await expectStatus('GET /metrics HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n\tb\r\nConnection: close\r\n\r\n', 400, 'fold with HTAB');
  await expectStatus('GET /metrics HTTP/1.1\r\nHost:\r\n x\r\nConnection: close\r\n\r\n', 400, 'folded Host');
  const key = goodKey();
  await expectStatus(upgradeRequest('/', { key: null, extra: `Sec-WebSocket-Key:\r\n ${key}\r\n` }), 400, 'folded key');
  // Not folding: spaces inside a value, and the same request on one line.
  await expectStatus('GET /metrics HTTP/1.1\r\nHost: x\r\nX-Spaced: a b\tc\r\nConnection: close\r\n\r\n', 200, 'inner spaces');
  await expectStatus(upgradeRequest('/', { key }), 101, 'the same key unfolded');
  await assertServing('folding cases');
});

test('Sec-WebSocket-Key must be the base64 of 16 bytes, else 400 and no 101 (RFC 6455 4.1)', { timeout: 30000 }, async () => {
  for (const [what, key] of [
    ['missing', null],
    ['3 characters', 'abc'],
    ['15 bytes', Buffer.alloc(15, 7).toString('base64')],
    ['17 bytes, 24 characters', Buffer.alloc(17, 7).toString('base64')],
    ['20 bytes', Buffer.alloc(20, 7).toString('base64')],
    ['24 characters outside base64', '!'.repeat(22) + '=='],
    ['base64url alphabet', '-_'.repeat(11) + '=='],
    ['no padding', Buffer.alloc(16, 7).toString('base64').slice(0, 22)],
    ['non-canonical last character', 'AAAAAAAAAAAAAAAAAAAAAB=='],
    ['empty', ''],
  ]) {
    const reply = await expectStatus(upgradeRequest('/', { key }), 400, `key ${what} (${JSON.stringify(key)})`);
    assert.ok(!/sec-websocket-accept/i.test(reply.head), `no handshake for key ${what}`);
  }
  const key = goodKey();
  const reply = await expectStatus(upgradeRequest('/', { key }), 101, 'a good key');
  assert.match(reply.head, new RegExp(`\r\nSec-WebSocket-Accept: ${acceptFor(key).replace(/[+/]/g, '\\$&')}\r?`, 'i'));
  await assertServing('key cases');
});

test('WebSocket upgrades are served at / only; other paths get 404 and keep their plain GET', { timeout: 30000 }, async () => {
  for (const target of ['/', '/?relay=1']) await expectStatus(upgradeRequest(target), 101, `upgrade at ${target}`);
  for (const target of ['/metrics', '/index.html', '/nothing-here', '//', '/wasm/datt.mjs', '/%2F']) {
    await expectStatus(upgradeRequest(target), 404, `upgrade at ${target}`);
  }
  // The same paths without the upgrade, and NIP-11 at /.
  await expectStatus('GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 200, 'GET /metrics');
  await expectStatus('GET /index.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 200, 'GET /index.html');
  const nip11 = await expectStatus('GET / HTTP/1.1\r\nHost: x\r\nAccept: application/nostr+json\r\nConnection: close\r\n\r\n', 200, 'NIP-11');
  assert.match(nip11.head, /content-type: application\/nostr\+json/i);
  await assertServing('path cases');
});

// ---------------------------------------------------------------------------------------
// Frames on an upgraded raw socket

/** A raw WebSocket connection: handshake done, incoming frames parsed (server frames are unmasked). */
async function rawWebSocket() {
  const socket = net.connect(relay.port, '127.0.0.1');
  socket.on('error', () => {});
  const state = { socket, frames: [], closed: false, pending: Buffer.alloc(0), handshake: null };
  let onChange = () => {};
  state.changed = () => new Promise((resolve) => { onChange = resolve; });
  socket.on('data', (chunk) => {
    state.pending = Buffer.concat([state.pending, chunk]);
    if (!state.handshake) {
      const end = state.pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      state.handshake = state.pending.subarray(0, end).toString('latin1');
      state.pending = state.pending.subarray(end + 4);
    }
    for (;;) {
      const p = state.pending;
      if (p.length < 2) break;
      let length = p[1] & 0x7f;
      let offset = 2;
      if (length === 126) { if (p.length < 4) break; length = p.readUInt16BE(2); offset = 4; }
      else if (length === 127) { if (p.length < 10) break; length = Number(p.readBigUInt64BE(2)); offset = 10; }
      if (p.length < offset + length) break;
      state.frames.push({ opcode: p[0] & 0x0f, payload: p.subarray(offset, offset + length) });
      state.pending = p.subarray(offset + length);
    }
    onChange();
  });
  socket.on('close', () => { state.closed = true; onChange(); });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(upgradeRequest('/'));
  const deadline = Date.now() + 5000;
  while (!state.handshake && !state.closed && Date.now() < deadline) await Promise.race([state.changed(), sleepMs(100)]);
  assert.match(state.handshake || '', /^HTTP\/1\.1 101 /, 'handshake');
  return state;
}

const sleepMs = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/** The close frame the relay sent: { code, reason }, waiting up to `ms`. */
async function closeFrame(state, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const close = state.frames.find((f) => f.opcode === 0x8);
    if (close) return { code: close.payload.readUInt16BE(0), reason: close.payload.subarray(2).toString('utf8') };
    if (state.closed || Date.now() > deadline) return null;
    await Promise.race([state.changed(), sleepMs(100)]);
  }
}

/**
 * A client frame header (FIN + text) declaring `length` (a BigInt) in the 8-byte form, masked
 * with the all-zero key so that the ASCII payload that follows stays valid UTF-8 (else 1007).
 */
function frameHeader(length) {
  const header = Buffer.alloc(14);
  header[0] = 0x81;
  header[1] = 0x80 | 127;
  header.writeBigUInt64BE(length, 2);
  return header;
}

test('a frame length with the most significant bit set closes with 1002 (RFC 6455 5.2)', { timeout: 30000 }, async () => {
  for (const length of [2n ** 63n, 2n ** 64n - 1n]) {
    const ws = await rawWebSocket();
    // More than --max-message-bytes follows, so a relay that only counted bytes would say 1009.
    ws.socket.write(Buffer.concat([frameHeader(length), Buffer.alloc(MAX_MESSAGE_BYTES + 16384, 0x61)]));
    const close = await closeFrame(ws, 10000);
    ws.socket.destroy();
    assert.ok(close, `a close frame for length ${length}`);
    assert.equal(close.code, 1002, `length ${length}: got ${close.code} "${close.reason}"`);
  }
  await assertServing('top-bit frames');
});

test('after 1009 for a frame declared as 2^62 bytes the socket is closed after a bounded drain', { timeout: 60000 }, async () => {
  const ws = await rawWebSocket();
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const cap = 256 * 1024 * 1024;  // the test stops writing here, whatever the relay does
  let written = 0;
  let writeError = null;
  ws.socket.write(frameHeader(2n ** 62n));
  ws.socket.on('error', (error) => { writeError = error; });
  const started = Date.now();
  while (!ws.closed && !writeError && written < cap && Date.now() - started < 30000) {
    written += chunk.length;
    if (!ws.socket.write(chunk)) {
      await Promise.race([new Promise((resolve) => { ws.socket.once('drain', resolve); }), ws.changed(), sleepMs(1000)]);
    }
  }
  const close = await closeFrame(ws, 10000);
  assert.ok(close, 'a close frame');
  assert.equal(close.code, 1009, `got ${close.code} "${close.reason}"`);
  // The relay ends the connection while the client still writes: what the client managed to
  // hand to its socket is what the relay read plus the loopback buffers (a few MiB).
  const deadline = Date.now() + 10000;
  while (!ws.closed && !writeError && Date.now() < deadline) {
    ws.socket.write(chunk);
    written += chunk.length;
    await Promise.race([ws.changed(), sleepMs(50)]);
  }
  ws.socket.destroy();
  assert.ok(writeError || ws.closed, 'the relay closed the socket');
  assert.ok(written < 64 * 1024 * 1024, `the client wrote ${written} bytes before the relay closed the socket`);
  await assertServing('a 2^62-byte frame');
});
