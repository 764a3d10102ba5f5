// Load generator for datt-relay: ingest throughput with durable commits and signature
// checks, the relay's own CPU cost, REQ->EOSE latency at 100k (and, with --million, 1M)
// stored events, and the relay's peak memory.
//
//   node bench/relay_load.mjs [--events 20000] [--connections 4] [--window 500]
//        [--stored 100000] [--million] [--queries 200] [--no-queries] [--dir DIR]
//        [--timeout-minutes 30] [--json]
//
// With --fanout it measures live delivery instead (nothing else):
//
//   node bench/relay_load.mjs --fanout [--subscribers 1000] [--subscriptions 10]
//        [--fanout-events 3000] [--latency-events 300] [--idle]
//
// With --churn it measures the relay's memory over connection churn instead: it stores
// --churn-stored events, then for --churn-seconds keeps --churn-clients loops each opening a
// connection, sending a REQ (100 stored events back) and a COUNT, waiting for both answers
// and closing, and samples the relay's VmRSS (/proc/<pid>/status) every 250 ms. The figure
// is the growth over the last third of the run (levelled off: under 5%):
//
//   node bench/relay_load.mjs --churn [--churn-seconds 60] [--churn-clients 16]
//        [--churn-stored 2000]
//
// With --idle-connections N it measures the memory of N idle connections instead (issue
// 17 item 4): the relay's VmRSS before, after opening N WebSocket connections that send
// nothing (in batches of 250, each upgrade completed), 5 s later, and after closing them all;
// the figure per connection is (after - before) / N.
//
//   node bench/relay_load.mjs --idle-connections 10000
//
// 1. EVENT -> OK latency with no subscriber: one publisher, one event in flight, so each
//    figure is one commit (fsync) plus, since OK follows the live fan-out, the fan-out.
// 2. Opens --subscribers connections with --subscriptions REQs each (half on one `t` topic
//    with kind 1, three in ten on one author, two in ten on one `p` tag; every event
//    matches about 29 of 10,000 subscriptions) and waits for every EOSE. With --idle the
//    same shapes name topics, authors and `p` values that no event has: nothing matches,
//    so what is left is the cost of finding that out.
// 3. The same latency again, now with those subscribers.
// 4. Delivery throughput: --fanout-events pipelined over --connections publishers; the
//    figure is the deliveries (EVENT messages received by subscribers, counted against the
//    exact number the filters imply) per second from the first send to the last delivery,
//    and the relay's CPU seconds over that interval.
//
// Events are signed before any timing starts, in worker threads, by nostr-tools (its wasm
// backend, libsecp256k1), so signing is never measured. The relay is started on a fresh
// database in a temporary folder (binary: $DATT_RELAY or build/native/relay/datt-relay),
// or DATT_RELAY_URL names a running one (then pass --relay-pid PID for CPU and memory).
// CPU seconds and peak RSS come from /proc/<pid>/stat and /proc/<pid>/status of the relay
// process itself, so they do not depend on this generator sharing the cores.
import '../tests/support/webcrypto.mjs'; // Node 18: nostr-tools' signer reads globalThis.crypto
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

import WebSocket from 'ws';

// ---------------------------------------------------------------------------------------
// The data set: event i is a pure function of i, so workers can sign any slice.

const AUTHORS = 500;
const TOPICS = 1000;
const KINDS = [1, 1111, 7, 1111, 1];
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'po', 've', 'zu', 'da', 'fe', 'go'];
const WORDS = [];
for (const a of SYLLABLES) for (const b of SYLLABLES) for (const c of SYLLABLES) WORDS.push(a + b + c);
const BASE_TIME = 1700000000;

function authorSecret(a) {
  return createHash('sha256').update(`datt-bench-author-${a}`).digest();
}

// xorshift32 seeded by the index: deterministic words per event.
function random(seed) {
  let x = (seed * 2654435761) >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 4294967296;
  };
}

function template(i, total) {
  const rand = random(i + 1);
  const words = [];
  for (let w = 0; w < 8; w += 1) words.push(WORDS[Math.floor(rand() * WORDS.length)]);
  return {
    kind: KINDS[i % KINDS.length],
    // Spread over one second per event at most; several events share a second at 1M.
    created_at: BASE_TIME + Math.floor((i * Math.min(total, 2000000)) / total),
    tags: [['t', `topic${i % TOPICS}`], ['p', createHash('sha256').update(`p${i % 97}`).digest('hex')]],
    content: `${words.join(' ')} event ${i}`,
  };
}

// ---------------------------------------------------------------------------------------
// Worker: signs [start, end) and returns the EVENT messages, serialized.

if (!isMainThread) {
  const [{ setNostrWasm, finalizeEvent }, { initNostrWasm }] = await Promise.all([
    import('nostr-tools/wasm'), import('nostr-wasm')]);
  setNostrWasm(await initNostrWasm());
  const secrets = Array.from({ length: AUTHORS }, (_, a) => authorSecret(a));
  const { start, end, total } = workerData;
  const messages = new Array(end - start);
  for (let i = start; i < end; i += 1) {
    messages[i - start] = JSON.stringify(['EVENT', finalizeEvent(template(i, total), secrets[i % AUTHORS])]);
  }
  parentPort.postMessage(messages);
}

// ---------------------------------------------------------------------------------------

function parseArgs(argv) {
  const options = {
    events: 20000, connections: 4, window: 500, stored: 100000, million: false, queries: 200,
    noQueries: false, dir: null, timeoutMinutes: null, json: false, relayPid: null,
    fanout: false, subscribers: 1000, subscriptions: 10, fanoutEvents: 3000, latencyEvents: 300,
    idle: false, churn: false, churnSeconds: 60, churnClients: 16, churnStored: 2000,
    idleConnections: 0,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[(i += 1)];
    };
    switch (arg) {
      case '--events': options.events = Number(value()); break;
      case '--connections': options.connections = Number(value()); break;
      case '--window': options.window = Number(value()); break;
      case '--stored': options.stored = Number(value()); break;
      case '--million': options.million = true; break;
      case '--queries': options.queries = Number(value()); break;
      case '--no-queries': options.noQueries = true; break;
      case '--dir': options.dir = value(); break;
      case '--timeout-minutes': options.timeoutMinutes = Number(value()); break;
      case '--relay-pid': options.relayPid = Number(value()); break;
      case '--json': options.json = true; break;
      case '--fanout': options.fanout = true; break;
      case '--idle': options.idle = true; break;
      case '--subscribers': options.subscribers = Number(value()); break;
      case '--subscriptions': options.subscriptions = Number(value()); break;
      case '--fanout-events': options.fanoutEvents = Number(value()); break;
      case '--latency-events': options.latencyEvents = Number(value()); break;
      case '--churn': options.churn = true; break;
      case '--churn-seconds': options.churnSeconds = Number(value()); break;
      case '--churn-clients': options.churnClients = Number(value()); break;
      case '--churn-stored': options.churnStored = Number(value()); break;
      case '--idle-connections': options.idleConnections = Number(value()); break;
      case '--help': case '-h':
        console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n')
          .filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
        process.exit(0);
        break;
      default: throw new Error(`unknown option ${arg} (try --help)`);
    }
  }
  for (const name of ['events', 'connections', 'window', 'stored', 'queries', 'subscribers',
    'subscriptions', 'fanoutEvents', 'latencyEvents', 'churnSeconds', 'churnClients', 'churnStored',
    'idleConnections']) {
    if (!Number.isInteger(options[name]) || options[name] < 0) throw new Error(`--${name} must be a non-negative integer`);
  }
  if (options.connections < 1 || options.window < 1) throw new Error('--connections and --window must be >= 1');
  options.timeoutMinutes ??= options.million ? 120 : 30;
  return options;
}

// ---------------------------------------------------------------------------------------
// Relay process: start, /proc readings, stop.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100; } catch { return 100; }
})();

function cpuSeconds(pid) {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;  // utime + stime
  } catch {
    return null;
  }
}

function memoryKb(pid, field) {
  if (!pid) return null;
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

async function startOwnRelay(dir) {
  const { startRelay } = await import('../tests/relay/support.mjs');
  return startRelay({
    database: path.join(dir, 'bench.sqlite3'),
    args: ['--events-per-second', '1000000000', '--ip-events-per-second', '1000000000',
      '--reqs-per-second', '1000000000', '--max-connections-per-ip', '20000'],
    startTimeoutMs: 60000,
  });
}

async function fetchMetrics(httpUrl) {
  try {
    const res = await fetch(`${httpUrl}/metrics`);
    const values = new Map();
    for (const line of (await res.text()).split('\n')) {
      const m = /^([a-zA-Z_:][^ ]*) (\S+)$/.exec(line);
      if (m) values.set(m[1], Number(m[2]));
    }
    return values;
  } catch {
    return new Map();
  }
}

// ---------------------------------------------------------------------------------------
// Signing in workers

async function signRange(start, end, total) {
  const workers = Math.max(1, Math.min(os.cpus().length, Math.ceil((end - start) / 1000)));
  const per = Math.ceil((end - start) / workers);
  const parts = await Promise.all(Array.from({ length: workers }, (_, w) => {
    const from = start + w * per;
    const to = Math.min(end, from + per);
    if (from >= to) return [];
    return new Promise((resolve, reject) => {
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { start: from, end: to, total } });
      worker.once('message', (messages) => { resolve(messages); worker.terminate(); });
      worker.once('error', reject);
      worker.once('exit', (code) => { if (code !== 0 && code !== 1) reject(new Error(`signer exited ${code}`)); });
    });
  }));
  return parts.flat();
}

// ---------------------------------------------------------------------------------------
// Sending: pipelined EVENTs over several connections.

function openConnections(url, count, deadline) {
  return Promise.all(Array.from({ length: count }, () => new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    const timer = setTimeout(() => reject(new Error('connect timed out')), Math.max(1, Math.min(10000, deadline - Date.now())));
    ws.on('error', () => {});  // a failed connection shows as 'close' (or the timeout)
    ws.once('open', () => { clearTimeout(timer); resolve(ws); });
    ws.once('error', (e) => { clearTimeout(timer); reject(e); });
  })));
}

/**
 * Sends every message, at most `window` unanswered per connection. Resolves with the time
 * of the first send and the last OK, and the OK counts ({ accepted, refused: {reason: n} }).
 */
function pipeline(sockets, messages, window, deadline) {
  return new Promise((resolve, reject) => {
    const shares = sockets.map((_, k) => messages.filter((__, i) => i % sockets.length === k));
    let remaining = messages.length;
    let accepted = 0;
    const refused = {};
    let firstSend = null;
    let lastOk = null;
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`ingest did not finish before the deadline (${remaining} of ${messages.length} unanswered)`));
    }, Math.max(1, deadline - Date.now()));
    const listeners = [];
    const cleanup = () => {
      clearTimeout(timer);
      for (const [ws, onMessage, onClose] of listeners) { ws.off('message', onMessage); ws.off('close', onClose); }
    };
    if (remaining === 0) { cleanup(); resolve({ firstSend: 0, lastOk: 0, accepted, refused }); return; }
    firstSend = process.hrtime.bigint();
    sockets.forEach((ws, k) => {
      const share = shares[k];
      let sent = 0;
      let answered = 0;
      const fill = () => {
        while (sent < share.length && sent - answered < window) ws.send(share[sent++]);
      };
      const onMessage = (data) => {
        const text = data.toString();
        if (!text.startsWith('["OK"')) return;
        answered += 1;
        remaining -= 1;
        const message = JSON.parse(text);
        if (message[2] === true) accepted += 1;
        else {
          const reason = String(message[3]).split(':')[0];
          refused[reason] = (refused[reason] || 0) + 1;
        }
        if (remaining === 0) {
          lastOk = process.hrtime.bigint();
          cleanup();
          resolve({ firstSend, lastOk, accepted, refused });
        } else {
          fill();
        }
      };
      const onClose = (code) => { cleanup(); reject(new Error(`connection closed during ingest (code ${code})`)); };
      listeners.push([ws, onMessage, onClose]);
      ws.on('message', onMessage);
      ws.on('close', onClose);
      fill();
    });
  });
}

// ---------------------------------------------------------------------------------------
// Queries: REQ -> EOSE latency, one query at a time on one connection.

function runQuery(ws, sub, filter, deadline) {
  return new Promise((resolve, reject) => {
    let events = 0;
    const timer = setTimeout(() => { ws.off('message', onMessage); reject(new Error(`REQ ${sub} timed out`)); },
      Math.max(1, Math.min(30000, deadline - Date.now())));
    const start = process.hrtime.bigint();
    const prefix = `"${sub}"`;
    function onMessage(data) {
      const text = data.toString();
      if (text.startsWith('["EVENT",') && text.startsWith(prefix, 9)) events += 1;
      else if (text.startsWith('["EOSE",') || text.startsWith('["CLOSED",')) {
        const message = JSON.parse(text);
        if (message[1] !== sub) return;
        const micros = Number(process.hrtime.bigint() - start) / 1000;
        clearTimeout(timer);
        ws.off('message', onMessage);
        if (message[0] === 'CLOSED') reject(new Error(`REQ ${sub} ${JSON.stringify(filter)} closed: ${message[2]}`));
        else {
          ws.send(JSON.stringify(['CLOSE', sub]));
          resolve({ micros, events });
        }
      }
    }
    ws.on('message', onMessage);
    ws.send(JSON.stringify(['REQ', sub, filter]));
  });
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measureQueries(url, queriesPerType, deadline) {
  const [ws] = await openConnections(url, 1, deadline);
  const authors = await signerPubkeys();
  const rand = random(12345);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const makers = {
    author: () => ({ authors: [pick(authors)], limit: 100 }),
    kind: () => ({ kinds: [pick([1, 1111, 7])], limit: 100 }),
    tag: () => ({ '#t': [`topic${Math.floor(rand() * TOPICS)}`], limit: 100 }),
    search: () => ({ search: pick(WORDS), limit: 100 }),
  };
  const results = {};
  let n = 0;
  for (const [name, make] of Object.entries(makers)) {
    for (let i = 0; i < 20; i += 1) await runQuery(ws, `warm${n += 1}`, make(), deadline);
    const micros = [];
    let events = 0;
    for (let i = 0; i < queriesPerType; i += 1) {
      const result = await runQuery(ws, `q${n += 1}`, make(), deadline);
      micros.push(result.micros);
      events += result.events;
    }
    micros.sort((a, b) => a - b);
    results[name] = {
      p50_ms: percentile(micros, 50) / 1000,
      p99_ms: percentile(micros, 99) / 1000,
      mean_events: events / queriesPerType,
    };
  }
  ws.close();
  return results;
}

let pubkeyCache = null;
async function signerPubkeys() {
  if (!pubkeyCache) {
    const { getPublicKey } = await import('nostr-tools/pure');
    pubkeyCache = Array.from({ length: AUTHORS }, (_, a) => getPublicKey(authorSecret(a)));
  }
  return pubkeyCache;
}

// ---------------------------------------------------------------------------------------
// Fan-out: live delivery to many subscriptions (--fanout).

function pHex(n) {
  return createHash('sha256').update(`p${n}`).digest('hex');
}

// Subscription g (0-based over all connections): its filter and what it matches. Idle
// ones have the same shapes with values no event of the data set has.
function subscriptionOf(g, authors, idle) {
  const slot = g % 10;
  if (idle) {
    const none = (what) => createHash('sha256').update(`idle-${what}-${g}`).digest('hex');
    if (slot < 5) return { filter: { kinds: [1], '#t': [`idle${g}`] } };
    if (slot < 8) return { filter: { authors: [none('author')] } };
    return { filter: { '#p': [none('p')] } };
  }
  if (slot < 5) {
    const topic = (g * 7919) % TOPICS;
    return { filter: { kinds: [1], '#t': [`topic${topic}`] }, topic };
  }
  if (slot < 8) {
    const author = (g * 31) % AUTHORS;
    return { filter: { authors: [authors[author]] }, author };
  }
  const p = g % 97;
  return { filter: { '#p': [pHex(p)] }, p };
}

// How many of the subscriptions match event i (template(): kind, topic, author, p of i).
function expectedDeliveries(subscriptions, from, to) {
  const byTopic = new Map(); const byAuthor = new Map(); const byP = new Map();
  const bump = (map, key) => map.set(key, (map.get(key) || 0) + 1);
  for (const s of subscriptions) {
    if (s.topic !== undefined) bump(byTopic, s.topic);
    else if (s.author !== undefined) bump(byAuthor, s.author);
    else if (s.p !== undefined) bump(byP, s.p);
  }
  let total = 0;
  for (let i = from; i < to; i += 1) {
    if (KINDS[i % KINDS.length] === 1) total += byTopic.get(i % TOPICS) || 0;
    total += byAuthor.get(i % AUTHORS) || 0;
    total += byP.get(i % 97) || 0;
  }
  return total;
}

/** EVENT -> OK latency, one event in flight: sorted microseconds. */
async function okLatency(ws, messages, deadline) {
  const micros = [];
  for (const message of messages) {
    const id = JSON.parse(message)[1].id;
    const start = process.hrtime.bigint();
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => { ws.off('message', onMessage); reject(new Error('OK timed out')); },
        Math.max(1, Math.min(30000, deadline - Date.now())));
      function onMessage(data) {
        const text = data.toString();
        if (!text.startsWith('["OK"') || !text.includes(id)) return;
        clearTimeout(timer);
        ws.off('message', onMessage);
        const reply = JSON.parse(text);
        if (reply[2] !== true) reject(new Error(`refused: ${reply[3]}`));
        else resolve();
      }
      ws.on('message', onMessage);
      ws.send(message);
    });
    micros.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  return micros.sort((a, b) => a - b);
}

async function measureFanout(url, options, deadline, pid, log) {
  const L = options.latencyEvents;
  const N = options.fanoutEvents;
  const total = 2 * L + N;
  log(`signing ${total} events in worker threads (not measured)...`);
  const messages = await signRange(0, total, total);
  const [publisher] = await openConnections(url, 1, deadline);
  const result = { subscribers: options.subscribers, subscriptions_each: options.subscriptions, idle: options.idle };

  log(`EVENT -> OK latency, no subscribers (${L} events, one in flight)...`);
  const quiet = await okLatency(publisher, messages.slice(0, L), deadline);
  result.ok_latency_no_subscribers = { p50_ms: percentile(quiet, 50) / 1000, p99_ms: percentile(quiet, 99) / 1000 };

  log(`opening ${options.subscribers} connections x ${options.subscriptions} subscriptions...`);
  const authors = await signerPubkeys();
  const sockets = [];
  for (let k = 0; k < options.subscribers; k += 100) {
    sockets.push(...await openConnections(url, Math.min(100, options.subscribers - k), deadline));
  }
  const subscriptions = [];
  let delivered = 0;
  let lastDelivery = 0n;
  await Promise.all(sockets.map((ws, k) => new Promise((resolve, reject) => {
    let eose = 0;
    const timer = setTimeout(() => reject(new Error('EOSE timed out')), Math.max(1, Math.min(60000, deadline - Date.now())));
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('["EVENT"')) {
        delivered += 1;
        lastDelivery = process.hrtime.bigint();
      } else if (text.startsWith('["EOSE"')) {
        eose += 1;
        if (eose === options.subscriptions) { clearTimeout(timer); resolve(); }
      } else if (text.startsWith('["CLOSED"')) {
        reject(new Error(`subscription refused: ${text}`));
      }
    });
    for (let j = 0; j < options.subscriptions; j += 1) {
      const s = subscriptionOf(k * options.subscriptions + j, authors, options.idle);
      subscriptions.push(s);
      // limit 0: no stored events (phase 1 stored some), live ones only.
      ws.send(JSON.stringify(['REQ', `s${j}`, { ...s.filter, limit: 0 }]));
    }
  })));
  delivered = 0;

  log(`EVENT -> OK latency with ${subscriptions.length} subscriptions (${L} events, one in flight)...`);
  const busyFrom = L;
  const busy = await okLatency(publisher, messages.slice(busyFrom, busyFrom + L), deadline);
  result.ok_latency_with_subscribers = { p50_ms: percentile(busy, 50) / 1000, p99_ms: percentile(busy, 99) / 1000 };
  const latencyDeliveries = expectedDeliveries(subscriptions, busyFrom, busyFrom + L);
  const waitFor = async (count) => {
    const until = Math.min(deadline, Date.now() + 120000);
    while (delivered < count && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    if (delivered < count) throw new Error(`only ${delivered} of ${count} deliveries arrived`);
  };
  await waitFor(latencyDeliveries);
  await new Promise((r) => setTimeout(r, 200));
  if (delivered !== latencyDeliveries) throw new Error(`${delivered} deliveries, expected exactly ${latencyDeliveries}`);

  const from = 2 * L;
  const expected = expectedDeliveries(subscriptions, from, from + N);
  log(`delivery throughput: ${N} events pipelined over ${options.connections} connections, ${expected} deliveries expected...`);
  delivered = 0;
  const publishers = await openConnections(url, options.connections, deadline);
  const cpuBefore = cpuSeconds(pid);
  const run = await pipeline(publishers, messages.slice(from, from + N), options.window, deadline);
  await waitFor(expected);
  const cpuAfter = cpuSeconds(pid);
  const end = lastDelivery > run.lastOk ? lastDelivery : run.lastOk;
  const seconds = Number(end - run.firstSend) / 1e9;
  await new Promise((r) => setTimeout(r, 300));
  result.delivery = {
    events: N,
    accepted: run.accepted,
    deliveries: delivered,
    deliveries_expected: expected,
    seconds,
    events_per_second: N / seconds,
    deliveries_per_second: expected / seconds,
    ingest_seconds: Number(run.lastOk - run.firstSend) / 1e9,
    relay_cpu_seconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
  };
  if (delivered !== expected) throw new Error(`${delivered} deliveries, expected exactly ${expected}`);
  for (const ws of [publisher, ...publishers, ...sockets]) ws.close();
  return result;
}

// ---------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------
// Churn: memory over many short connections (--churn).

async function measureChurn(url, options, deadline, pid, log) {
  if (!pid) throw new Error('--churn needs the relay pid (--relay-pid) to read its memory');
  log(`storing ${options.churnStored} events for the REQs to read...`);
  const stored = await signRange(0, options.churnStored, options.churnStored);
  const publishers = await openConnections(url, options.connections, deadline);
  await pipeline(publishers, stored, options.window, deadline);
  for (const ws of publishers) ws.close();

  const samples = [];  // [seconds since start, VmRSS kB]
  const started = Date.now();
  const until = Math.min(deadline, started + options.churnSeconds * 1000);
  const sampler = setInterval(() => samples.push([(Date.now() - started) / 1000, memoryKb(pid, 'VmRSS')]), 250);
  samples.push([0, memoryKb(pid, 'VmRSS')]);
  log(`churn for ${options.churnSeconds} s: ${options.churnClients} loops of connect, REQ + COUNT, close...`);
  let cycles = 0;
  let failures = 0;
  const loop = async (k) => {
    while (Date.now() < until) {
      try {
        const [ws] = await openConnections(url, 1, until + 10000);
        await new Promise((resolve, reject) => {
          let answers = 0;
          const timer = setTimeout(() => reject(new Error('no EOSE/COUNT within 10 s')), 10000);
          ws.on('message', (data) => {
            const m = JSON.parse(data.toString());
            if (m[0] === 'EOSE' || m[0] === 'COUNT' || m[0] === 'CLOSED') answers += 1;
            if (answers === 2) { clearTimeout(timer); resolve(); }
          });
          ws.on('close', () => { clearTimeout(timer); reject(new Error('closed early')); });
          ws.send(JSON.stringify(['REQ', `churn${k}`, { kinds: [1, 1111, 7], limit: 100 }]));
          ws.send(JSON.stringify(['COUNT', `count${k}`, { '#t': [`topic${cycles % 1000}`] }]));
        });
        ws.close();
        cycles += 1;
      } catch {
        failures += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: options.churnClients }, (_, k) => loop(k)));
  clearInterval(sampler);
  await new Promise((resolve) => { setTimeout(resolve, 1000); });  // closes settle
  samples.push([(Date.now() - started) / 1000, memoryKb(pid, 'VmRSS')]);
  const seconds = (Date.now() - started) / 1000;
  const at = (t) => samples.reduce((best, s) => (Math.abs(s[0] - t) < Math.abs(best[0] - t) ? s : best))[1];
  const third = seconds / 3;
  const rss = samples.map((s) => s[1]);
  return {
    seconds,
    connections: cycles,
    connections_per_second: cycles / seconds,
    failures,
    rss_start_mb: rss[0] / 1024,
    rss_one_third_mb: at(third) / 1024,
    rss_two_thirds_mb: at(2 * third) / 1024,
    rss_end_mb: rss[rss.length - 1] / 1024,
    rss_max_mb: Math.max(...rss) / 1024,
    last_third_growth: at(seconds) / at(2 * third) - 1,
    samples: samples.map(([t, kb]) => [Number(t.toFixed(2)), kb]),
  };
}

// ---------------------------------------------------------------------------------------
// Idle connections: memory per open connection (--idle-connections N).

async function measureIdle(url, options, deadline, pid, log) {
  if (!pid) throw new Error('--idle-connections needs the relay pid (--relay-pid) to read its memory');
  const settle = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
  await settle(1000);
  const before = memoryKb(pid, 'VmRSS');
  const sockets = [];
  const started = Date.now();
  for (let k = 0; k < options.idleConnections; k += 250) {
    sockets.push(...await openConnections(url, Math.min(250, options.idleConnections - k), deadline));
    if (!options.json) process.stderr.write(`  open ${sockets.length} / ${options.idleConnections}\r`);
  }
  if (!options.json) process.stderr.write('\n');
  const openSeconds = (Date.now() - started) / 1000;
  const opened = memoryKb(pid, 'VmRSS');
  await settle(5000);
  const later = memoryKb(pid, 'VmRSS');
  const stillOpen = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  log(`${stillOpen} of ${sockets.length} connections still open after 5 s; closing them...`);
  await Promise.all(sockets.map((ws) => new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) { resolve(); return; }
    ws.once('close', resolve);
    ws.close();
  })));
  await settle(2000);
  const closed = memoryKb(pid, 'VmRSS');
  return {
    connections: sockets.length,
    still_open_after_5s: stillOpen,
    open_seconds: openSeconds,
    rss_before_mb: before / 1024,
    rss_open_mb: opened / 1024,
    rss_open_5s_mb: later / 1024,
    rss_closed_mb: closed / 1024,
    kb_per_connection: (later - before) / sockets.length,
  };
}

async function storeUpTo(url, from, to, total, options, deadline) {
  const chunk = 25000;
  const sockets = await openConnections(url, options.connections, deadline);
  let refused = {};
  const start = process.hrtime.bigint();
  let next = signRange(from, Math.min(to, from + chunk), total);
  for (let i = from; i < to; i += chunk) {
    const messages = await next;
    // Sign the next chunk while this one is sent (this phase is loading, not measuring).
    next = i + chunk < to ? signRange(i + chunk, Math.min(to, i + 2 * chunk), total) : null;
    if (next) next.catch(() => {});  // awaited on the next round; a failure surfaces there
    const result = await pipeline(sockets, messages, options.window, deadline);
    for (const [k, v] of Object.entries(result.refused)) refused[k] = (refused[k] || 0) + v;
    if (!options.json) process.stderr.write(`  stored ${Math.min(to, i + chunk)} / ${to}\r`);
  }
  for (const ws of sockets) ws.close();
  if (!options.json) process.stderr.write('\n');
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, refused };
}

function fmt(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

async function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`relay_load: ${error.message}`);
    process.exit(2);
  }
  const deadline = Date.now() + options.timeoutMinutes * 60000;
  const watchdog = setTimeout(() => {
    console.error(`relay_load: gave up after ${options.timeoutMinutes} minutes`);
    process.exit(1);
  }, options.timeoutMinutes * 60000 + 30000);
  watchdog.unref();

  const log = (text) => { if (!options.json) console.error(text); };
  let relay = null;
  let ownDir = null;
  let url = process.env.DATT_RELAY_URL;
  let httpUrl = url ? url.replace(/^ws/, 'http') : null;
  let pid = options.relayPid;
  const results = { options: { ...options }, machine: { cpus: os.cpus().length, node: process.version } };
  let failed = null;
  try {
    if (!url) {
      ownDir = options.dir ? path.resolve(options.dir) : mkdtempSync(path.join(os.tmpdir(), 'datt-relay-bench-'));
      relay = await startOwnRelay(ownDir);
      ({ url, httpUrl, pid } = relay);
      log(`relay pid ${pid} at ${url}, database ${relay.database}`);
    }
    measured: {
      if (options.fanout) {
        results.fanout = await measureFanout(url, options, deadline, pid, log);
        results.peak_rss_mb = (memoryKb(pid, 'VmHWM') ?? NaN) / 1024;
        break measured;
      }
      if (options.idleConnections > 0) {
        results.idle = await measureIdle(url, options, deadline, pid, log);
        results.peak_rss_mb = (memoryKb(pid, 'VmHWM') ?? NaN) / 1024;
        break measured;
      }
      if (options.churn) {
        results.churn = await measureChurn(url, options, deadline, pid, log);
        results.peak_rss_mb = (memoryKb(pid, 'VmHWM') ?? NaN) / 1024;
        break measured;
      }
      const total = options.million ? 1000000 : Math.max(options.stored, options.events);

      // 1. Ingest: N pre-signed events, pipelined over C connections.
      log(`signing ${options.events} events in worker threads (not measured)...`);
      const ingest = await signRange(0, options.events, total);
      const sockets = await openConnections(url, options.connections, deadline);
      const metricsBefore = await fetchMetrics(httpUrl);
      const cpuBefore = cpuSeconds(pid);
      const selfBefore = process.cpuUsage();
      log(`ingesting ${options.events} events over ${options.connections} connections, window ${options.window}...`);
      const run = await pipeline(sockets, ingest, options.window, deadline);
      const cpuAfter = cpuSeconds(pid);
      const self = process.cpuUsage(selfBefore);
      const metricsAfter = await fetchMetrics(httpUrl);
      for (const ws of sockets) ws.close();
      const seconds = Number(run.lastOk - run.firstSend) / 1e9;
      const relayCpu = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
      const commits = (metricsAfter.get('datt_commits_total') ?? NaN) - (metricsBefore.get('datt_commits_total') ?? NaN);
      results.ingest = {
        events: options.events,
        accepted: run.accepted,
        refused: run.refused,
        seconds,
        events_per_second: options.events / seconds,
        relay_cpu_seconds: relayCpu,
        events_per_relay_cpu_second: relayCpu ? options.events / relayCpu : null,
        relay_cpu_seconds_per_10k: relayCpu === null ? null : (relayCpu * 10000) / options.events,
        events_per_commit: commits > 0 ? options.events / commits : null,
        generator_cpu_seconds: (self.user + self.system) / 1e6,
      };

      // 2. Store up to 100k (and 1M), then measure queries at each size.
      results.queries = {};
      const sizes = [];
      if (!options.noQueries) {
        if (options.stored > 0) sizes.push(Math.max(options.stored, options.events));
        if (options.million) sizes.push(1000000);
      }
      let stored = options.events;
      results.loading = [];
      for (const size of sizes) {
        if (size > stored) {
          log(`storing up to ${size} events (signing overlaps sending; not a benchmark figure)...`);
          const load = await storeUpTo(url, stored, size, total, options, deadline);
          results.loading.push({ up_to: size, seconds: load.seconds, refused: load.refused });
          stored = size;
        }
        log(`REQ->EOSE latency at ${size} events: ${options.queries} queries per filter type...`);
        results.queries[size] = await measureQueries(url, options.queries, deadline);
        results.queries[size].relay_rss_mb = (memoryKb(pid, 'VmRSS') ?? NaN) / 1024;
      }
      results.peak_rss_mb = (memoryKb(pid, 'VmHWM') ?? NaN) / 1024;
      const metrics = await fetchMetrics(httpUrl);
      results.database_mb = (metrics.get('datt_database_bytes') ?? NaN) / 1048576;
      if (relay && Number.isNaN(results.database_mb)) {
        results.database_mb = ['', '-wal'].reduce((sum, suffix) => {
          const file = relay.database + suffix;
          return sum + (existsSync(file) ? statSync(file).size : 0);
        }, 0) / 1048576;
      }
    }  // measured
  } catch (error) {
    failed = error;
  } finally {
    if (relay) {
      try {
        const status = await relay.stop(60000);
        results.relay_exit = status;
      } catch (error) {
        failed ??= error;
      }
      if (!options.dir && ownDir) rmSync(ownDir, { recursive: true, force: true });
    }
  }

  if (options.json) console.log(JSON.stringify(results, null, 2));
  else printTable(results);
  if (failed) {
    console.error(`relay_load: ${failed.stack || failed.message}`);
    if (relay) console.error(relay.stderr());
    process.exit(1);
  }
  process.exit(0);
}

function printTable(r) {
  const lines = [];
  lines.push(`datt-relay load test (${r.machine.cpus} cores, Node ${r.machine.node})`);
  if (r.fanout) {
    const f = r.fanout;
    lines.push('');
    lines.push(`fan-out: ${fmt(f.subscribers)} connections x ${f.subscriptions_each} subscriptions${f.idle ? ' (idle: none matches)' : ''}`);
    const lat = (x) => `${fmt(x?.p50_ms, 2)} / ${fmt(x?.p99_ms, 2)}`;
    lines.push(`  EVENT -> OK p50 / p99 ms, no subscribers      ${lat(f.ok_latency_no_subscribers).padStart(14)}`);
    lines.push(`  EVENT -> OK p50 / p99 ms, with subscribers    ${lat(f.ok_latency_with_subscribers).padStart(14)}`);
    if (f.delivery) {
      const d = f.delivery;
      lines.push(`  events published (pipelined)                  ${fmt(d.events).padStart(14)}`);
      lines.push(`  deliveries (EVENT to a subscriber)            ${fmt(d.deliveries).padStart(14)}`);
      lines.push(`  deliveries/s, first send to last delivery     ${fmt(d.deliveries_per_second).padStart(14)}`);
      lines.push(`  events/s published with subscribers           ${fmt(d.events_per_second).padStart(14)}`);
      lines.push(`  seconds to the last OK                        ${fmt(d.ingest_seconds, 2).padStart(14)}`);
      lines.push(`  relay CPU seconds                             ${fmt(d.relay_cpu_seconds, 2).padStart(14)}`);
    }
  }
  if (r.idle) {
    const c = r.idle;
    lines.push(`idle connections: ${fmt(c.connections)} opened in ${fmt(c.open_seconds, 1)} s, ${fmt(c.still_open_after_5s)} still open after 5 s`);
    lines.push(`  relay VmRSS: ${fmt(c.rss_before_mb, 1)} MB before, ${fmt(c.rss_open_mb, 1)} MB open, ${fmt(c.rss_open_5s_mb, 1)} MB 5 s later, ${fmt(c.rss_closed_mb, 1)} MB after closing`);
    lines.push(`  per connection: ${fmt(c.kb_per_connection, 1)} kB; peak RSS ${fmt(r.peak_rss_mb, 1)} MB`);
  }
  if (r.churn) {
    const c = r.churn;
    lines.push('');
    lines.push(`churn: ${fmt(c.connections)} connections (connect, REQ + COUNT, close) in ${fmt(c.seconds, 1)} s, ${c.failures} failed`);
    lines.push(`  relay VmRSS MB at start / 1/3 / 2/3 / end     ${[c.rss_start_mb, c.rss_one_third_mb, c.rss_two_thirds_mb, c.rss_end_mb].map((x) => fmt(x, 1)).join(' / ')}`);
    lines.push(`  relay VmRSS MB max                            ${fmt(c.rss_max_mb, 1).padStart(14)}`);
    lines.push(`  growth over the last third                    ${`${fmt(c.last_third_growth * 100, 1)}%`.padStart(14)}`);
  }
  if (r.ingest) {
    const i = r.ingest;
    const refused = Object.entries(i.refused).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    lines.push('');
    lines.push(`ingest: ${fmt(i.events)} events, ${r.options.connections} connections, window ${r.options.window} (OK true: ${fmt(i.accepted)}; refused: ${refused})`);
    lines.push(`  events/s, first send to last OK      ${fmt(i.events_per_second).padStart(12)}`);
    lines.push(`  relay CPU seconds                    ${fmt(i.relay_cpu_seconds, 2).padStart(12)}`);
    lines.push(`  events per relay-CPU-second          ${fmt(i.events_per_relay_cpu_second).padStart(12)}`);
    lines.push(`  relay CPU s per 10,000 events        ${fmt(i.relay_cpu_seconds_per_10k, 3).padStart(12)}`);
    lines.push(`  events per commit (fsync)            ${fmt(i.events_per_commit, 1).padStart(12)}`);
    lines.push(`  load generator CPU seconds           ${fmt(i.generator_cpu_seconds, 2).padStart(12)}`);
  }
  for (const [size, q] of Object.entries(r.queries || {})) {
    lines.push('');
    lines.push(`REQ->EOSE at ${fmt(Number(size))} stored events (${r.options.queries} queries each, limit 100; relay RSS ${fmt(q.relay_rss_mb, 1)} MB):`);
    lines.push('  filter      p50 ms    p99 ms   mean events');
    for (const name of ['author', 'kind', 'tag', 'search']) {
      if (!q[name]) continue;
      lines.push(`  ${name.padEnd(8)} ${fmt(q[name].p50_ms, 3).padStart(9)} ${fmt(q[name].p99_ms, 3).padStart(9)} ${fmt(q[name].mean_events, 1).padStart(13)}`);
    }
  }
  for (const load of r.loading || []) {
    lines.push(`(loading up to ${fmt(load.up_to)} took ${fmt(load.seconds, 1)} s including signing)`);
  }
  lines.push('');
  lines.push(`relay peak RSS (VmHWM)                 ${fmt(r.peak_rss_mb, 1).padStart(12)} MB`);
  lines.push(`database size                          ${fmt(r.database_mb, 1).padStart(12)} MB`);
  if (r.relay_exit) lines.push(`relay exit after SIGTERM: code ${r.relay_exit.code}`);
  console.log(lines.join('\n'));
}

// Last, so that every module-level constant above is initialized before main() runs.
if (isMainThread) await main();
