// Relay against relay (issue 17): the same pre-signed events and the same queries sent to
// each relay given, runs alternating between them, so that a ratio comes from one sitting
// on one machine.
//
//   node bench/relay_compare.mjs [--relay NAME=PATH]... [--rounds 3] [--events 60000]
//        [--stored 100000] [--connections 4] [--window 100] [--queries 200]
//        [--cache build/bench-cache] [--timeout-minutes 30] [--json] [--perf DIR]
//        [--database FILE] [--ingest-rate N] [--authors 500]
//
// Without --relay it measures build/native/relay/datt-relay alone. Per round and relay
// (the order is rotated every round): a fresh database in a temporary folder (durable
// commits, signatures verified, rate limits out of the way), then
//  1. ingest: the first --events kind-1 events over --connections connections with
//     --window EVENTs in flight each; events/s from the first send to the last OK, and
//     events per second of the relay's own CPU time (utime + stime, /proc/<pid>/stat), and
//     that CPU time per event of the writer thread, the workers together and the network
//     (main) thread, read per thread by name (/proc/<pid>/task; NaN for a relay that does
//     not name its threads), this bench process's own CPU per event (process.cpuUsage():
//     the client shares the machine's cores with the relay), and the events per database
//     commit (datt_commits_total from /metrics: how large the writer's batches are under
//     this load);
//  2. the rest of the --stored events at the same settings (not a figure);
//  3. REQ -> EOSE, one query at a time on one connection, 20 warm-up queries and then
//     --queries per shape: one author limit 50, kind 1 limit 500, one `t` tag limit 100,
//     NIP-50 search for one word limit 100 (the issue's shapes plus search), and a search
//     for the word every event has, limit 100 (cost against the number of matches);
//     p50 and p99, and the minor page faults per REQ of the relay (/proc/<pid>/stat) and of
//     its worker threads alone (where REQs run; NaN for a relay that does not name them).
// Medians over rounds are printed per relay, and each relay's figure over the first's.
// --database FILE skips ingest: each run starts on a copy of FILE (made by
// build/native/bench/datt_search_fill, e.g. 1M events, at that tree's schema: fill with the
// oldest relay's tree, the newer relays migrate their copy at start) and measures the
// queries only; with --ingest-rate N, while they run a second connection sends N events
// per second of the data set (reads during ingest: every few queries meet a new commit).
// --perf DIR records the relay with `perf record -g` (sampling, 999 Hz) during the timed
// ingest and during the queries (with --database: the queries alone), into
// DIR/<relay>-<round>-{ingest,queries}.data, for `perf report -i FILE` (the figures of
// such a run carry perf's overhead).
//
// The data set (kind 1 from --authors authors (500; event i is author i mod that: with
// --authors at least --stored every event has its own author, and the author query picks
// among the first 500), one of 1,000 topics each, eight words from 2,197
// plus the index, one second apart) is a pure function of the index; it is signed once in
// worker threads (nostr-tools, its wasm backend) and cached in --cache, so signing is never
// measured.
import '../tests/support/webcrypto.mjs'; // Node 18: nostr-tools' signer reads globalThis.crypto
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

import WebSocket from 'ws';

const AUTHORS = 500;
const TOPICS = 1000;
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'su', 'ta', 'ri', 'po', 've', 'zu', 'da', 'fe', 'go'];
const WORDS = [];
for (const a of SYLLABLES) for (const b of SYLLABLES) for (const c of SYLLABLES) WORDS.push(a + b + c);
const BASE_TIME = 1700000000;

function authorSecret(a) {
  return createHash('sha256').update(`datt-compare-author-${a}`).digest();
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

function template(i) {
  const rand = random(i + 1);
  const words = [];
  for (let w = 0; w < 8; w += 1) words.push(WORDS[Math.floor(rand() * WORDS.length)]);
  return {
    kind: 1,
    created_at: BASE_TIME + i,
    tags: [['t', `topic${i % TOPICS}`]],
    content: `${words.join(' ')} event ${i}`,
  };
}

if (!isMainThread) {
  const [{ setNostrWasm, finalizeEvent }, { initNostrWasm }] = await Promise.all([
    import('nostr-tools/wasm'), import('nostr-wasm')]);
  setNostrWasm(await initNostrWasm());
  const { start, end, authors } = workerData;
  const messages = new Array(end - start);
  for (let i = start; i < end; i += 1) {
    messages[i - start] = JSON.stringify(['EVENT', finalizeEvent(template(i), authorSecret(i % authors))]);
  }
  parentPort.postMessage(messages);
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const options = {
    relays: [], rounds: 3, events: 60000, stored: 100000, connections: 4, window: 100,
    queries: 200, cache: path.join(repoRoot, 'build', 'bench-cache'), timeoutMinutes: 30, json: false,
    perf: null, database: null, ingestRate: 0, authors: AUTHORS,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[(i += 1)];
    };
    switch (arg) {
      case '--relay': {
        const spec = value();
        const eq = spec.indexOf('=');
        if (eq <= 0) throw new Error('--relay takes NAME=PATH');
        options.relays.push({ name: spec.slice(0, eq), binary: path.resolve(spec.slice(eq + 1)) });
        break;
      }
      case '--rounds': options.rounds = Number(value()); break;
      case '--events': options.events = Number(value()); break;
      case '--stored': options.stored = Number(value()); break;
      case '--connections': options.connections = Number(value()); break;
      case '--window': options.window = Number(value()); break;
      case '--queries': options.queries = Number(value()); break;
      case '--cache': options.cache = path.resolve(value()); break;
      case '--timeout-minutes': options.timeoutMinutes = Number(value()); break;
      case '--json': options.json = true; break;
      case '--perf': options.perf = path.resolve(value()); break;
      case '--database': options.database = path.resolve(value()); break;
      case '--ingest-rate': options.ingestRate = Number(value()); break;
      case '--authors': options.authors = Number(value()); break;
      case '--help': case '-h':
        console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport ')[0]);
        process.exit(0);
        break;
      default: throw new Error(`unknown option ${arg} (try --help)`);
    }
  }
  for (const name of ['rounds', 'events', 'stored', 'connections', 'window', 'queries', 'authors']) {
    if (!Number.isInteger(options[name]) || options[name] < 1) throw new Error(`--${name} must be a positive integer`);
  }
  if (options.stored < options.events) throw new Error('--stored must be at least --events');
  if (options.ingestRate && !options.database) throw new Error('--ingest-rate goes with --database');
  if (options.relays.length === 0) {
    options.relays.push({ name: 'datt-relay', binary: path.join(repoRoot, 'build/native/relay/datt-relay') });
  }
  for (const relay of options.relays) {
    if (!existsSync(relay.binary)) throw new Error(`${relay.name}: no binary at ${relay.binary}`);
  }
  return options;
}

const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100; } catch { return 100; }
})();

// The fields of /proc/<pid>/stat after the command name (field 3 first).
function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function cpuSeconds(pid) {
  const fields = procStat(pid);
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;  // utime + stime
}

// The process's minor page faults so far (first touches of mapped pages, fresh heap pages).
const minorFaults = (pid) => Number(procStat(pid)[7]);

// `measure` (of a /proc path) summed by role, from the threads' names (relay/engine/
// thread_name.h): the writer, the workers together, and the network (the main thread). A
// relay that does not name its threads (older builds, strfry) gives NaN for the writer and
// the workers.
function roleTotals(pid, measure) {
  const roles = { writer: NaN, workers: NaN, network: NaN };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let comm;
    let value;
    try {
      comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      value = measure(`${pid}/task/${tid}`);
    } catch { continue; }  // the thread ended meanwhile
    const role = tid === String(pid) ? 'network'
      : comm === 'datt-writer' ? 'writer' : comm === 'datt-worker' ? 'workers' : null;
    if (role) roles[role] = (Number.isNaN(roles[role]) ? 0 : roles[role]) + value;
  }
  return roles;
}
const roleCpuSeconds = (pid) => roleTotals(pid, cpuSeconds);
// The worker threads' minor faults: those of the REQs alone, also while events come in.
const workerFaults = (pid) => roleTotals(pid, minorFaults).workers;

// datt_commits_total from the relay's /metrics (NaN for a relay without it, such as strfry).
function commitsTotal(httpUrl) {
  return new Promise((resolve) => {
    const req = http.get(`${httpUrl}/metrics`, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve(Number((/^datt_commits_total (\d+)$/m.exec(body) || [])[1] ?? NaN)));
      res.on('error', () => resolve(NaN));
    });
    req.setTimeout(5000, () => req.destroy());
    req.on('error', () => resolve(NaN));
  });
}

// Microseconds of CPU per event by role between two roleCpuSeconds readings.
function perEventMicros(before, after, events) {
  return Object.fromEntries(Object.keys(before).map((role) => [role, (after[role] - before[role]) / events * 1e6]));
}

// ---------------------------------------------------------------------------------------
// The signed data set, cached.

async function signRange(start, end, authors) {
  const workers = Math.max(1, Math.min(os.cpus().length, Math.ceil((end - start) / 1000)));
  const per = Math.ceil((end - start) / workers);
  const parts = await Promise.all(Array.from({ length: workers }, (_, w) => {
    const from = start + w * per;
    const to = Math.min(end, from + per);
    if (from >= to) return [];
    return new Promise((resolve, reject) => {
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { start: from, end: to, authors } });
      worker.once('message', (messages) => { resolve(messages); worker.terminate(); });
      worker.once('error', reject);
    });
  }));
  return parts.flat();
}

async function dataSet(cache, count, authors, log) {
  const file = path.join(cache, `compare-kind1-${count}${authors === AUTHORS ? '' : `-authors${authors}`}.json`);
  if (existsSync(file)) {
    const messages = JSON.parse(readFileSync(file, 'utf8'));
    if (Array.isArray(messages) && messages.length === count) return messages;
  }
  log(`signing ${count} events (cached in ${file})`);
  const messages = [];
  for (let start = 0; start < count; start += 50000) {
    messages.push(...await signRange(start, Math.min(count, start + 50000), authors));
  }
  mkdirSync(cache, { recursive: true });
  writeFileSync(file, JSON.stringify(messages));
  return messages;
}

// ---------------------------------------------------------------------------------------
// Ingest: pipelined EVENTs over several connections.

function openConnections(url, count, deadline) {
  return Promise.all(Array.from({ length: count }, () => new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    const timer = setTimeout(() => reject(new Error('connect timed out')), Math.max(1, Math.min(10000, deadline - Date.now())));
    ws.on('error', () => {});
    ws.once('open', () => { clearTimeout(timer); resolve(ws); });
    ws.once('error', (e) => { clearTimeout(timer); reject(e); });
  })));
}

function pipeline(sockets, messages, window, deadline) {
  return new Promise((resolve, reject) => {
    let remaining = messages.length;
    let accepted = 0;
    const listeners = [];
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`ingest unfinished at the deadline (${remaining} unanswered)`));
    }, Math.max(1, deadline - Date.now()));
    const cleanup = () => {
      clearTimeout(timer);
      for (const [ws, onMessage, onClose] of listeners) { ws.off('message', onMessage); ws.off('close', onClose); }
    };
    const start = process.hrtime.bigint();
    sockets.forEach((ws, k) => {
      const share = messages.filter((_, i) => i % sockets.length === k);
      let sent = 0;
      let answered = 0;
      const fill = () => { while (sent < share.length && sent - answered < window) ws.send(share[sent++]); };
      const onMessage = (data) => {
        const text = data.toString();
        if (!text.startsWith('["OK"')) return;
        answered += 1;
        remaining -= 1;
        if (text.includes('",true,')) accepted += 1;
        if (remaining === 0) {
          const seconds = Number(process.hrtime.bigint() - start) / 1e9;
          cleanup();
          resolve({ seconds, accepted });
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

// `rate` EVENTs per second on `ws`, in 10 ms ticks. `flowing` resolves once the relay has
// accepted `rate` / 10 of them (its first commits at a large file take a while); `stop()`
// stops and returns the events per second accepted from then on.
function steadyIngest(ws, messages, rate) {
  const start = process.hrtime.bigint();
  let sent = 0;
  let accepted = 0;
  let since = null;
  let flowing;
  const onMessage = (data) => {
    if (!data.toString().includes('",true,')) return;
    accepted += 1;
    if (!since && accepted >= rate / 10) { since = { time: process.hrtime.bigint(), accepted }; flowing(); }
  };
  ws.on('message', onMessage);
  const timer = setInterval(() => {
    const due = Math.min(messages.length, Math.floor((Number(process.hrtime.bigint() - start) / 1e9) * rate));
    while (sent < due) ws.send(messages[sent++]);
  }, 10);
  return {
    flowing: new Promise((resolve) => { flowing = resolve; }),
    stop() {
      clearInterval(timer);
      ws.off('message', onMessage);
      return (accepted - since.accepted) / (Number(process.hrtime.bigint() - since.time) / 1e9);
    },
  };
}

// ---------------------------------------------------------------------------------------
// Queries: REQ -> EOSE, one at a time.

function runQuery(ws, sub, filter, deadline) {
  return new Promise((resolve, reject) => {
    let events = 0;
    const timer = setTimeout(() => { ws.off('message', onMessage); reject(new Error(`REQ ${sub} timed out`)); },
      Math.max(1, Math.min(30000, deadline - Date.now())));
    const start = process.hrtime.bigint();
    function onMessage(data) {
      const text = data.toString();
      if (text.startsWith('["EVENT",')) { events += 1; return; }
      if (!text.startsWith('["EOSE",') && !text.startsWith('["CLOSED",')) return;
      const message = JSON.parse(text);
      if (message[1] !== sub) return;
      const micros = Number(process.hrtime.bigint() - start) / 1000;
      clearTimeout(timer);
      ws.off('message', onMessage);
      if (message[0] === 'CLOSED') { reject(new Error(`REQ ${JSON.stringify(filter)} closed: ${message[2]}`)); return; }
      ws.send(JSON.stringify(['CLOSE', sub]));
      resolve({ micros, events });
    }
    ws.on('message', onMessage);
    ws.send(JSON.stringify(['REQ', sub, filter]));
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

let pubkeys = null;
let fillKeys = false;  // the authors of datt_search_fill (bench/search_fill.cpp)
async function authorPubkeys() {
  if (!pubkeys) {
    const { getPublicKey } = await import('nostr-tools/pure');
    const secret = (a) => {
      if (!fillKeys) return authorSecret(a);
      const bytes = new Uint8Array(32);
      bytes[0] = 0x22; bytes[30] = a >> 8; bytes[31] = a & 0xff;
      return bytes;
    };
    pubkeys = Array.from({ length: AUTHORS }, (_, a) => getPublicKey(secret(a)));
  }
  return pubkeys;
}

const SHAPES = {
  author50: { limit: 50, make: (pick, authors) => ({ authors: [pick(authors)], limit: 50 }) },
  kind500: { limit: 500, make: () => ({ kinds: [1], limit: 500 }) },
  tag100: { limit: 100, make: (pick) => ({ '#t': [`topic${pick(Array.from({ length: TOPICS }, (_, i) => i))}`], limit: 100 }) },
  search100: { limit: 100, make: (pick) => ({ search: pick(WORDS), limit: 100 }) },
  // Every event's content has the word "event": a search whose matches are all stored
  // events (more than one word has at 1M: about 3,600), limit 100.
  searchEvery100: { limit: 100, make: () => ({ search: 'event', limit: 100 }) },
};

async function measureQueries(url, pid, queries, deadline) {
  const [ws] = await openConnections(url, 1, deadline);
  const authors = await authorPubkeys();
  const rand = random(4242);
  const pick = (list) => list[Math.floor(rand() * list.length)];
  const results = {};
  let n = 0;
  for (const [name, shape] of Object.entries(SHAPES)) {
    for (let i = 0; i < 20; i += 1) await runQuery(ws, `w${n += 1}`, shape.make(pick, authors), deadline);
    const micros = [];
    let events = 0;
    const faults0 = minorFaults(pid);
    const workerFaults0 = workerFaults(pid);
    for (let i = 0; i < queries; i += 1) {
      const result = await runQuery(ws, `q${n += 1}`, shape.make(pick, authors), deadline);
      micros.push(result.micros);
      events += result.events;
    }
    const faults = (minorFaults(pid) - faults0) / queries;
    const workersFaults = (workerFaults(pid) - workerFaults0) / queries;
    micros.sort((a, b) => a - b);
    results[name] = { p50: percentile(micros, 50) / 1000, p99: percentile(micros, 99) / 1000, events: events / queries, faults, workersFaults };
  }
  ws.close();
  return results;
}

// ---------------------------------------------------------------------------------------

// perf record attached to `pid` until the returned function is awaited.
async function startPerf(dir, name, pid) {
  if (!dir) return async () => {};
  mkdirSync(dir, { recursive: true });
  const child = spawn('perf', ['record', '-F', '999', '-g', '-p', String(pid), '-o', path.join(dir, `${name}.data`)],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 500));  // attached
  return async () => { child.kill('SIGINT'); await exited; };
}

async function runOne(relayInfo, messages, options, deadline, round) {
  process.env.DATT_RELAY = relayInfo.binary;
  const { startRelay } = await import('../tests/relay/support.mjs');
  let copyDir = null;
  let database;
  if (options.database) {
    copyDir = mkdtempSync(path.join(os.tmpdir(), 'datt-compare-'));
    database = path.join(copyDir, 'db.sqlite3');
    copyFileSync(options.database, database);
  }
  const relay = await startRelay({
    database,
    startTimeoutMs: 300000,
    args: ['--events-per-second', '1000000000', '--ip-events-per-second', '1000000000',
      '--reqs-per-second', '1000000000', '--max-connections-per-ip', '10000'],
  });
  try {
    if (options.database) {
      const [ingestWs] = options.ingestRate ? await openConnections(relay.url, 1, deadline) : [];
      const ingest = ingestWs ? steadyIngest(ingestWs, messages, options.ingestRate) : { stop: () => NaN };
      await ingest.flowing;
      const stopQueriesPerf = await startPerf(options.perf, `${relayInfo.name}-${round + 1}-queries`, relay.pid);
      const queries = await measureQueries(relay.url, relay.pid, options.queries, deadline);
      await stopQueriesPerf();
      const ingestedPerSecond = ingest.stop();
      ingestWs?.close();
      return { eventsPerSecond: NaN, eventsPerCpuSecond: NaN, cpu: NaN, micros: {}, eventsPerCommit: NaN, queries, ingestedPerSecond };
    }
    const sockets = await openConnections(relay.url, options.connections, deadline);
    let stopPerf = await startPerf(options.perf, `${relayInfo.name}-${round + 1}-ingest`, relay.pid);
    const cpu0 = cpuSeconds(relay.pid);
    const roles0 = roleCpuSeconds(relay.pid);
    const commits0 = await commitsTotal(relay.httpUrl);
    const client0 = process.cpuUsage();
    const ingest = await pipeline(sockets, messages.slice(0, options.events), options.window, deadline);
    const client = process.cpuUsage(client0);
    const cpu = cpuSeconds(relay.pid) - cpu0;
    const micros = perEventMicros(roles0, roleCpuSeconds(relay.pid), options.events);
    micros.client = (client.user + client.system) / options.events;
    const eventsPerCommit = options.events / ((await commitsTotal(relay.httpUrl)) - commits0);
    await stopPerf();
    if (ingest.accepted !== options.events) throw new Error(`${relayInfo.name}: ${ingest.accepted} of ${options.events} accepted`);
    if (options.stored > options.events) {
      const rest = await pipeline(sockets, messages.slice(options.events, options.stored), options.window, deadline);
      if (rest.accepted !== options.stored - options.events) throw new Error(`${relayInfo.name}: not every stored event accepted`);
    }
    for (const ws of sockets) ws.close();
    stopPerf = await startPerf(options.perf, `${relayInfo.name}-${round + 1}-queries`, relay.pid);
    const queries = await measureQueries(relay.url, relay.pid, options.queries, deadline);
    await stopPerf();
    return { eventsPerSecond: options.events / ingest.seconds, eventsPerCpuSecond: options.events / cpu, cpu, micros, eventsPerCommit, queries };
  } finally {
    await relay.cleanup();
    if (copyDir) rmSync(copyDir, { recursive: true, force: true });
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

// 'client' is this process (the bench's WebSocket client), not the relay.
const ROLES = ['writer', 'workers', 'network', 'client'];

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const log = options.json ? () => {} : (line) => console.log(line);
  const deadline = Date.now() + options.timeoutMinutes * 60000;
  fillKeys = Boolean(options.database);
  const messages = options.database && !options.ingestRate ? [] : await dataSet(options.cache, options.stored, options.authors, log);
  const runs = new Map(options.relays.map((r) => [r.name, []]));
  for (let round = 0; round < options.rounds; round += 1) {
    const order = options.relays.map((_, i) => options.relays[(i + round) % options.relays.length]);
    for (const relayInfo of order) {
      const result = await runOne(relayInfo, messages, options, deadline, round);
      runs.get(relayInfo.name).push(result);
      const q = result.queries;
      // --database skips ingest: no ingest figures then.
      const m = result.micros;
      const during = options.ingestRate ? `${result.ingestedPerSecond.toFixed(0)} events/s accepted during the queries; ` : '';
      const ingest = options.database ? during : `ingest ${result.eventsPerSecond.toFixed(0)} ev/s, ` +
        `${result.eventsPerCpuSecond.toFixed(0)} ev/CPU-s, CPU us/ev writer ${m.writer.toFixed(1)} ` +
        `workers ${m.workers.toFixed(1)} network ${m.network.toFixed(1)} bench client ${m.client.toFixed(1)}, ` +
        `${result.eventsPerCommit.toFixed(0)} events per commit; `;
      log(`round ${round + 1} ${relayInfo.name}: ${ingest}p50/p99 ms ` +
        Object.entries(q).map(([k, v]) => `${k} ${v.p50.toFixed(2)}/${v.p99.toFixed(2)}`).join(', ') +
        '; relay minor page faults per REQ ' + Object.entries(q).map(([k, v]) => `${k} ${v.faults.toFixed(1)}`).join(', ') +
        ' (worker threads ' + Object.values(q).map((v) => v.workersFaults.toFixed(1)).join(', ') + ')');
    }
  }
  const summary = {};
  for (const [name, results] of runs) {
    const s = {
      eventsPerSecond: median(results.map((r) => r.eventsPerSecond)),
      eventsPerCpuSecond: median(results.map((r) => r.eventsPerCpuSecond)),
    };
    for (const role of ROLES) s[role] = median(results.map((r) => r.micros[role]));
    s.eventsPerCommit = median(results.map((r) => r.eventsPerCommit));
    for (const shape of Object.keys(SHAPES)) {
      s[shape] = {
        p50: median(results.map((r) => r.queries[shape].p50)),
        p99: median(results.map((r) => r.queries[shape].p99)),
        events: median(results.map((r) => r.queries[shape].events)),
      };
    }
    summary[name] = s;
  }
  if (options.json) { console.log(JSON.stringify({ options: { ...options, relays: options.relays.map((r) => r.name) }, summary, runs: Object.fromEntries(runs) }, null, 2)); return; }
  const names = [...runs.keys()];
  const first = summary[names[0]];
  const rows = options.database ? [] : [
    ['ingest events/s', (s) => s.eventsPerSecond, true],
    ['ingest events per relay-CPU-s', (s) => s.eventsPerCpuSecond, true],
    ...ROLES.map((role) => [`ingest ${role} CPU us per event`, (s) => s[role], false]),
    ['ingest events per commit', (s) => s.eventsPerCommit, true],
  ];
  for (const shape of Object.keys(SHAPES)) {
    rows.push([`${shape} p50 ms`, (s) => s[shape].p50, false]);
    rows.push([`${shape} p99 ms`, (s) => s[shape].p99, false]);
  }
  const data = options.database ? `queries on copies of ${options.database}` : `${options.events} ingested, ${options.stored} stored`;
  console.log(`\nmedians of ${options.rounds} rounds (${data}, ${options.queries} queries per shape)`);
  console.log(['figure', ...names, ...names.slice(1).map((n) => `${n}/${names[0]}`)].join(' | '));
  for (const [label, get, higherBetter] of rows) {
    const values = names.map((n) => get(summary[n]));
    const ratios = names.slice(1).map((n) => (higherBetter ? get(summary[n]) / get(first) : get(first) / get(summary[n])).toFixed(2) + 'x');
    console.log([label, ...values.map((v) => (v >= 100 ? v.toFixed(0) : v.toFixed(2))), ...ratios].join(' | '));
  }
  console.log('(ratios: higher is better for the later relay: rates divided, latencies inverted)');
  for (const name of names) {
    console.log(`${name}: events per query ` + Object.keys(SHAPES).map((k) => `${k} ${summary[name][k].events}`).join(', '));
  }
}

if (isMainThread) {
  main().catch((error) => {
    console.error(error.stack || String(error));
    process.exit(1);
  });
}
