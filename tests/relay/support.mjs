// Shared helpers for the datt-relay integration suites: start the real binary on a fresh
// database and a free loopback port, talk to it over WebSocket with a message queue, and
// sign events with nostr-tools (its wasm backend when it loads, for speed).
import '../support/webcrypto.mjs';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { finalizeEvent as pureFinalizeEvent, generateSecretKey, getPublicKey } from 'nostr-tools/pure';
import WebSocket from 'ws';

import { repoRoot } from '../support/vectors.mjs';

// ---------------------------------------------------------------------------------------
// The relay process

/** The relay binary: $DATT_RELAY or build/native/relay/datt-relay. */
export function relayPath() {
  return path.resolve(repoRoot, process.env.DATT_RELAY || 'build/native/relay/datt-relay');
}

// Relays still running when the test process exits (a failed assertion, a timeout) are
// killed, so that no test leaves a process behind.
const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

// Limits loose enough that suites which do not test rate limiting never hit them.
export const GENEROUS_LIMITS = [
  '--events-per-second', '100000', '--ip-events-per-second', '1000000',
  '--reqs-per-second', '100000', '--max-connections-per-ip', '1000',
];

const LISTENING = /^datt-relay: listening on http:\/\/([0-9.]+):(\d+)\s*$/m;

/**
 * Starts datt-relay on 127.0.0.1 with --port 0 and a database in a fresh temporary folder
 * (or `database` when given, e.g. to restart on the same file). Resolves once it prints
 * its listening line. `args` are extra flags.
 */
export async function startRelay({ args = [], database, dir, startTimeoutMs = 15000 } = {}) {
  const binary = relayPath();
  if (!existsSync(binary)) {
    throw new Error(`datt-relay not found at ${binary} (build it, or set DATT_RELAY)`);
  }
  const ownsDir = !dir && !database;
  const workDir = dir || (database ? path.dirname(database) : mkdtempSync(path.join(tmpdir(), 'datt-relay-')));
  const dbPath = database || path.join(workDir, 'db.sqlite3');
  const argv = ['--listen-address', '127.0.0.1', '--port', '0', '--database', dbPath,
    '--log-level', 'warn', ...args];
  const child = spawn(binary, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);

  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  // Always drained, so a chatty relay never blocks on a full pipe; the tail is kept for
  // failure messages.
  child.stdout.on('data', (chunk) => { stdout = (stdout + chunk).slice(-65536); });
  child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-65536); });

  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`datt-relay did not print its listening line within ${startTimeoutMs} ms\n` +
        `args: ${argv.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, startTimeoutMs);
    const onData = () => {
      const match = LISTENING.exec(stdout);
      if (match) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve(Number(match[2]));
      }
    };
    child.stdout.on('data', onData);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`datt-relay exited before listening (code ${code}, signal ${signal})\n` +
        `args: ${argv.join(' ')}\nstderr: ${stderr}`));
    });
  });

  let exitStatus = null;
  exited.then((status) => { exitStatus = status; });

  const relay = {
    port,
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    dir: workDir,
    database: dbPath,
    pid: child.pid,
    process: child,
    exited,
    get exitStatus() { return exitStatus; },
    stderr: () => stderr,
    /** SIGTERM, then waits for the exit; SIGKILL (and an error) if it takes too long. */
    async stop(timeoutMs = 15000) {
      if (exitStatus) return exitStatus;
      child.kill('SIGTERM');
      let timer;
      const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs); });
      const status = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (!status) {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`datt-relay did not exit within ${timeoutMs} ms of SIGTERM`);
      }
      return status;
    },
    /** SIGKILL (kill -9) and wait for the exit. */
    async kill() {
      if (exitStatus) return exitStatus;
      child.kill('SIGKILL');
      return exited;
    },
    /** Stops the relay if it still runs and removes the temporary folder it created. */
    async cleanup() {
      if (!exitStatus) {
        try { await relay.stop(); } catch { /* already killed by stop() */ }
      }
      if (ownsDir) rmSync(workDir, { recursive: true, force: true });
    },
  };
  return relay;
}

// ---------------------------------------------------------------------------------------
// WebSocket clients

/** One WebSocket connection with a queue of received messages. */
export class Client {
  constructor(ws) {
    this.ws = ws;
    this.queue = [];      // parsed messages not yet taken by next()
    this.waiters = [];    // { predicate, resolve, reject, timer }
    this.received = 0;
    this.errors = [];
    this.closeInfo = null;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        for (const waiter of this.waiters.splice(0)) {
          clearTimeout(waiter.timer);
          waiter.reject(new Error(`connection closed (code ${code} "${reason}") while waiting; ` +
            `unclaimed messages: ${preview(this.queue)}`));
        }
        resolve(this.closeInfo);
      });
    });
    ws.on('error', (error) => { this.errors.push(error); });
    ws.on('message', (data, isBinary) => {
      this.received += 1;
      const text = data.toString('utf8');
      let message;
      try {
        message = JSON.parse(text);
      } catch {
        message = { unparseable: text, binary: isBinary };
      }
      const index = this.waiters.findIndex((w) => w.predicate(message));
      if (index >= 0) {
        const [waiter] = this.waiters.splice(index, 1);
        clearTimeout(waiter.timer);
        waiter.resolve(message);
      } else {
        this.queue.push(message);
      }
    });
  }

  get isOpen() { return this.ws.readyState === WebSocket.OPEN; }

  /** Sends a message: arrays/objects as JSON, strings and Buffers as given (text frames). */
  send(message, options = {}) {
    const data = typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message);
    this.ws.send(data, { binary: false, ...options });
  }

  /** The first queued or future message matching `predicate`, removed from the queue. */
  next(predicate = () => true, timeoutMs = 5000, what = 'a message') {
    const index = this.queue.findIndex(predicate);
    if (index >= 0) return Promise.resolve(this.queue.splice(index, 1)[0]);
    if (this.closeInfo) {
      return Promise.reject(new Error(`connection already closed (code ${this.closeInfo.code}) ` +
        `while waiting for ${what}; unclaimed messages: ${preview(this.queue)}`));
    }
    return new Promise((resolve, reject) => {
      const waiter = { predicate, resolve, reject, timer: null };
      waiter.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ${what} within ${timeoutMs} ms; unclaimed messages: ${preview(this.queue)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Removes and returns every queued message matching `predicate`. */
  take(predicate) {
    const taken = this.queue.filter(predicate);
    this.queue = this.queue.filter((m) => !predicate(m));
    return taken;
  }

  /** Resolves once the connection is closed, or rejects after `timeoutMs`. */
  async waitClosed(timeoutMs = 5000) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`connection not closed within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  close() {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close();
    }
    return this.closed;
  }

  terminate() {
    this.ws.terminate();
    return this.closed;
  }
}

function preview(messages) {
  const text = JSON.stringify(messages.slice(0, 5).map((m) => (Array.isArray(m) ? m.map(short) : m)));
  return messages.length > 5 ? `${text} (+${messages.length - 5} more)` : text;
}

function short(value) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text && text.length > 160 ? `${text.slice(0, 160)}...` : value;
}

/** Opens a WebSocket to `url` and resolves with a Client once it is open. */
export function connect(url, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    const client = new Client(ws);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`WebSocket to ${url} not open within ${timeoutMs} ms`));
    }, timeoutMs);
    ws.once('open', () => { clearTimeout(timer); resolve(client); });
    ws.once('error', (error) => { clearTimeout(timer); reject(error); });
    ws.once('unexpected-response', (_request, response) => {
      clearTimeout(timer);
      reject(new Error(`WebSocket upgrade refused with HTTP ${response.statusCode}`));
      ws.terminate();
    });
  });
}

// Predicates for relay->client messages.
export const isOk = (id) => (m) => Array.isArray(m) && m[0] === 'OK' && m[1] === id;
export const isNotice = (m) => Array.isArray(m) && m[0] === 'NOTICE';
export const isEose = (sub) => (m) => Array.isArray(m) && m[0] === 'EOSE' && m[1] === sub;
export const isClosed = (sub) => (m) => Array.isArray(m) && m[0] === 'CLOSED' && m[1] === sub;
export const isEventFor = (sub, id) => (m) => Array.isArray(m) && m[0] === 'EVENT' && m[1] === sub &&
  (id === undefined || (m[2] && m[2].id === id));

/** Sends ["EVENT", event] and resolves with the relay's OK message for its id. */
export async function publish(client, event, timeoutMs = 5000) {
  client.send(['EVENT', event]);
  return client.next(isOk(event.id), timeoutMs, `OK for ${event.id}`);
}

/** Publishes and asserts the exact ["OK", id, true, ""]. */
export async function publishOk(client, event, timeoutMs = 5000) {
  const reply = await publish(client, event, timeoutMs);
  assert.deepEqual(reply, ['OK', event.id, true, ''], `EVENT ${event.id} kind ${event.kind}`);
  return reply;
}

/** Publishes all `events` on a new connection to `url`, pipelined, and waits for every OK true. */
export async function publishAll(url, events) {
  const client = await connect(url);
  const pending = new Set(events.map((e) => e.id));
  const done = new Promise((resolve, reject) => {
    client.ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m[0] !== 'OK') return;
      if (m[2] !== true) reject(new Error(`refused: ${JSON.stringify(m)}`));
      pending.delete(m[1]);
      if (pending.size === 0) resolve();
    });
  });
  for (const event of events) client.send(['EVENT', event]);
  if (events.length > 0) await done;
  client.close();
}

/**
 * Sends ["REQ", sub, ...filters] and collects the stored events up to EOSE (or CLOSED).
 * Resolves with { events, eose, closed } where closed is the CLOSED message, if any.
 */
export async function query(client, sub, filters, timeoutMs = 10000) {
  client.send(['REQ', sub, ...filters]);
  const events = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = await client.next(
      (m) => Array.isArray(m) && ['EVENT', 'EOSE', 'CLOSED'].includes(m[0]) && m[1] === sub,
      Math.max(1, deadline - Date.now()), `EOSE for REQ ${sub}`);
    if (message[0] === 'EVENT') events.push(message[2]);
    else if (message[0] === 'EOSE') return { events, eose: true, closed: null };
    else return { events, eose: false, closed: message };
  }
}

/** REQ then CLOSE: the stored events only. Fails on CLOSED. */
export async function fetchEvents(client, filters, sub = `q${Math.random().toString(36).slice(2, 10)}`) {
  const result = await query(client, sub, filters);
  assert.equal(result.closed, null, `REQ ${JSON.stringify(filters)} got ${JSON.stringify(result.closed)}`);
  client.send(['CLOSE', sub]);
  return result.events;
}

/** ["COUNT", sub, ...filters] -> the count number (asserts the reply's shape). */
export async function countEvents(client, filters, sub = `c${Math.random().toString(36).slice(2, 10)}`) {
  client.send(['COUNT', sub, ...filters]);
  const reply = await client.next((m) => Array.isArray(m) && (m[0] === 'COUNT' || m[0] === 'CLOSED') &&
    m[1] === sub, 5000, `COUNT reply for ${sub}`);
  assert.equal(reply[0], 'COUNT', `COUNT ${JSON.stringify(filters)} got ${JSON.stringify(reply)}`);
  assert.equal(reply.length, 3);
  assert.deepEqual(Object.keys(reply[2]), ['count']);
  return reply[2].count;
}

/** Resolves after `ms`. */
export const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * Proves that `client` (a connection opened earlier, with a live subscription `sub` on
 * kind 1 events tagged ["t", tag]) is still served: it publishes a new event, gets OK true
 * and receives the event live.
 */
export async function assertStillServing(client, key, sub, tag, label = '') {
  const event = signEvent({ kind: 1, tags: [['t', tag]], content: `still serving ${label} ${Math.random()}` }, key);
  const reply = await publish(client, event);
  assert.deepEqual(reply, ['OK', event.id, true, ''], `observer publish after ${label}`);
  const delivered = await client.next(isEventFor(sub, event.id), 5000, `live delivery after ${label}`);
  assert.deepEqual(delivered[2], event);
}

// ---------------------------------------------------------------------------------------
// Keys and events

let wasmFinalizeEvent = null;
try {
  // nostr-tools' wasm backend (its dependency nostr-wasm, libsecp256k1) signs ~5x faster
  // than the pure JS one, which matters for the suites that publish thousands of events.
  const [{ setNostrWasm, finalizeEvent }, { initNostrWasm }] = await Promise.all([
    import('nostr-tools/wasm'), import('nostr-wasm')]);
  setNostrWasm(await initNostrWasm());
  wasmFinalizeEvent = finalizeEvent;
} catch {
  wasmFinalizeEvent = null;
}

/**
 * nostr-tools finalizeEvent: computes id, pubkey and sig. Returns a plain object (without
 * nostr-tools' "verified" symbol), so it deep-equals the same event parsed from JSON.
 */
export function finalizeEvent(template, secretKey) {
  const { id, pubkey, created_at, kind, tags, content, sig } =
    (wasmFinalizeEvent || pureFinalizeEvent)(template, secretKey);
  return { id, pubkey, created_at, kind, tags, content, sig };
}

/** A fresh key pair: { sk: Uint8Array, pk: hex }. */
export function newKey() {
  const sk = generateSecretKey();
  return { sk, pk: getPublicKey(sk) };
}

export const now = () => Math.floor(Date.now() / 1000);

/** Signs { kind, created_at, tags, content } (defaults: kind 1, now, [], '') with `key`. */
export function signEvent({ kind = 1, created_at = now(), tags = [], content = '' } = {}, key) {
  return finalizeEvent({ kind, created_at, tags, content }, key.sk);
}

/** A random lowercase hex string of `bytes` bytes. */
export function randomHex(bytes = 32) {
  let out = '';
  for (let i = 0; i < bytes; i += 1) out += Math.floor(Math.random() * 256).toString(16).padStart(2, '0');
  return out;
}

/** A random tag value unique to one test, so tests never see each other's events. */
export const uniqueTag = (prefix = 'tag') => `${prefix}-${randomHex(6)}`;

// ---------------------------------------------------------------------------------------
// Reference filter (NIP-01), written from the specification, for expected results

export function matchesFilter(filter, event) {
  if (filter.ids && !filter.ids.includes(event.id)) return false;
  if (filter.authors && !filter.authors.includes(event.pubkey)) return false;
  if (filter.kinds && !filter.kinds.includes(event.kind)) return false;
  if (filter.since !== undefined && event.created_at < filter.since) return false;
  if (filter.until !== undefined && event.created_at > filter.until) return false;
  for (const [member, values] of Object.entries(filter)) {
    if (member.length === 2 && member[0] === '#') {
      const name = member[1];
      if (!event.tags.some((tag) => tag[0] === name && tag.length > 1 && values.includes(tag[1]))) return false;
    }
  }
  return true;
}

/** NIP-01 order: created_at descending, ties by lowest id. */
export function newestFirst(a, b) {
  if (a.created_at !== b.created_at) return b.created_at - a.created_at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The ids a store should return for one filter: matches, newest first, at most limit. */
export function expectedIds(events, filter, maxLimit = Infinity) {
  const matching = events.filter((e) => matchesFilter(filter, e)).sort(newestFirst);
  const limit = Math.min(filter.limit ?? Infinity, maxLimit);
  return matching.slice(0, limit).map((e) => e.id);
}
