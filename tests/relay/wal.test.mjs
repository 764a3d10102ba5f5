// The write-ahead log under load (docs/performance.md "WAL checkpoints"): tens of thousands
// of events stream in while reader connections keep the relay's SQLite readers busy with
// REQ, search and COUNT. The -wal file (sampled on disk) and /metrics'
// datt_database_wal_bytes stay under --wal-limit-mib plus one batch, checkpoints reach the
// main file while the relay runs, and after kill -9 mid-stream the database passes
// integrity_check and holds every acknowledged event.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';

import { GENEROUS_LIMITS, connect, fetchEvents, newKey, query, startRelay } from './support.mjs';

const EVENTS = Number(process.env.DATT_WAL_SOAK_EVENTS || 20000);
const WORKERS = 2;
const STREAMS = 2;
const WINDOW = 200;
const READERS = 3;
const CHECKPOINT_MIB = 2;
const LIMIT_MIB = 8;
const BATCH_MAX = 500;
// One batch of BATCH_MAX events of about 1.3 KB (JSON, tag rows, search index, indexes)
// adds well under this to the log before the writer's next checkpoint.
const BATCH_SLACK_MIB = 8;
const MIB = 1024 * 1024;

const WORDS = 'alder birch cedar dogwood elm fir ginkgo hazel ilex juniper larch maple'.split(' ');
function template(i, base) {
  const words = [];
  for (let w = 0; w < 160; w += 1) words.push(WORDS[(i * 7 + w * 3) % WORDS.length]);
  return { kind: 1, created_at: base + Math.floor(i / 10), tags: [['t', `soak${i % 50}`]],
    content: `soak ${i} ${words.join(' ')}` };
}

/** Signs EVENTS events in worker threads; calls onBatch(events) as batches arrive. */
function signAll(key, onBatch) {
  const base = Math.floor(Date.now() / 1000) - EVENTS;
  const all = Array.from({ length: EVENTS }, (_, i) => template(i, base));
  const per = Math.ceil(EVENTS / WORKERS);
  return Promise.all(Array.from({ length: WORKERS }, (_, w) => new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./sign_worker.mjs', import.meta.url), {
      workerData: { templates: all.slice(w * per, (w + 1) * per), sk: [...key.sk], batch: 250 } });
    worker.on('message', (events) => { if (events) onBatch(events); else { worker.terminate(); resolve(); } });
    worker.on('error', reject);
  })));
}

function walMetric(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/metrics', timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => {
        const match = /^datt_database_wal_bytes (\d+)$/m.exec(body);
        resolve(match ? Number(match[1]) : null);
      });
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => { req.destroy(); resolve(null); });
  });
}

const fileSize = (file) => (existsSync(file) ? statSync(file).size : 0);

test('WAL soak: bounded under continuous reads and writes; kill -9 loses nothing acknowledged', { timeout: 600000 }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'datt-wal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const database = path.join(dir, 'db.sqlite3');
  const args = [...GENEROUS_LIMITS, '--wal-checkpoint-mib', String(CHECKPOINT_MIB),
    '--wal-limit-mib', String(LIMIT_MIB), '--writer-batch-max', String(BATCH_MAX)];
  const relay = await startRelay({ database, args });
  t.after(() => relay.cleanup());

  // Samplers: the -wal file on disk every 20 ms, /metrics every 250 ms.
  let maxWalFile = 0;
  let maxWalMetric = 0;
  let metricSamples = 0;
  let sampling = true;
  const fileSampler = (async () => {
    while (sampling) {
      maxWalFile = Math.max(maxWalFile, fileSize(`${database}-wal`));
      await new Promise((resolve) => { setTimeout(resolve, 20); });
    }
  })();
  const metricSampler = (async () => {
    while (sampling) {
      const value = await walMetric(relay.port);
      if (value !== null) { maxWalMetric = Math.max(maxWalMetric, value); metricSamples += 1; }
      await new Promise((resolve) => { setTimeout(resolve, 250); });
    }
  })();

  // Readers: REQ by tag, search and COUNT, back to back, until the relay is killed.
  let reads = 0;
  let reading = true;
  const readers = await Promise.all(Array.from({ length: READERS }, () => connect(relay.url)));
  const readLoops = readers.map(async (client, r) => {
    for (let n = 0; reading && client.isOpen; n += 1) {
      const sub = `r${r}-${n}`;
      const filters = [[{ kinds: [1], '#t': [`soak${n % 50}`], limit: 100 }],
        [{ search: `soak ${WORDS[n % WORDS.length]}`, limit: 50 }], [{ kinds: [1], limit: 300 }]][n % 3];
      try {
        if (n % 4 === 3) {
          client.send(['COUNT', sub, ...filters]);
          await client.next((m) => Array.isArray(m) && m[1] === sub, 10000, 'COUNT');
        } else {
          await query(client, sub, filters);
          client.send(['CLOSE', sub]);
        }
        reads += 1;
      } catch {
        break;  // the relay was killed
      }
    }
  });

  // Writers: events pipelined as they are signed, WINDOW unanswered per connection.
  const writers = await Promise.all(Array.from({ length: STREAMS }, () => connect(relay.url)));
  const queue = [];
  const acked = new Map();
  const refused = [];
  let signedAll = false;
  let killed = null;
  let wake = () => {};
  const states = writers.map((client) => {
    const state = { client, inFlight: 0 };
    client.ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message[0] !== 'OK') return;
      state.inFlight -= 1;
      if (message[2] === true) acked.set(message[1], true);
      else refused.push(message);
      wake();
    });
    return state;
  });
  const key = newKey();
  const byId = new Map();
  const signing = signAll(key, (events) => {
    for (const event of events) { queue.push(event); byId.set(event.id, event); }
    wake();
  }).then(() => { signedAll = true; wake(); });

  const started = Date.now();
  let sent = 0;
  for (;;) {
    for (const state of states) {
      while (queue.length > 0 && state.inFlight < WINDOW && state.client.isOpen) {
        state.client.ws.send(JSON.stringify(['EVENT', queue.shift()]));
        state.inFlight += 1;
        sent += 1;
      }
    }
    // kill -9 mid-stream: everything is sent and most of it acknowledged, some still in flight.
    if (signedAll && queue.length === 0 && acked.size >= EVENTS - STREAMS * WINDOW) {
      killed = relay.kill();
      break;
    }
    await new Promise((resolve) => { wake = resolve; setTimeout(resolve, 200); });
  }
  await killed;
  const seconds = (Date.now() - started) / 1000;
  reading = false;
  sampling = false;
  await Promise.all([signing, fileSampler, metricSampler, ...readLoops]);
  for (const client of [...readers, ...writers]) client.terminate();

  const mainBytes = fileSize(database);
  t.diagnostic(`${sent} sent, ${acked.size} acknowledged in ${seconds.toFixed(1)} s, ${reads} reads; ` +
    `largest -wal file ${(maxWalFile / MIB).toFixed(1)} MiB, largest datt_database_wal_bytes ` +
    `${(maxWalMetric / MIB).toFixed(1)} MiB (${metricSamples} samples); main file at the kill ` +
    `${(mainBytes / MIB).toFixed(1)} MiB`);
  assert.deepEqual(refused, [], 'no event refused');
  assert.ok(reads >= READERS * 10, `readers were busy (${reads} reads)`);
  const bound = (LIMIT_MIB + BATCH_SLACK_MIB) * MIB;
  assert.ok(maxWalFile <= bound, `-wal file reached ${maxWalFile} bytes (bound ${bound})`);
  assert.ok(metricSamples > 0 && maxWalMetric > 0, 'datt_database_wal_bytes was reported');
  assert.ok(maxWalMetric <= bound, `datt_database_wal_bytes reached ${maxWalMetric} (bound ${bound})`);
  assert.ok(mainBytes > 2 * LIMIT_MIB * MIB, `checkpoints reached the main file (${mainBytes} bytes)`);

  // The database after kill -9: intact, and every acknowledged event is served.
  const version = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' });
  if (version.error) {
    if (process.env.CI === 'true') throw new Error('the sqlite3 command-line tool is missing (Debian package sqlite3)');
    t.diagnostic('sqlite3 command-line tool missing: integrity_check not run');
  } else {
    const check = spawnSync('sqlite3', [database, 'PRAGMA integrity_check;'], { encoding: 'utf8', timeout: 120000 });
    assert.equal(check.status, 0, check.stderr);
    assert.equal(check.stdout.trim(), 'ok');
  }
  const again = await startRelay({ database, args });
  t.after(() => again.cleanup());
  const client = await connect(again.url);
  try {
    const ids = [...acked.keys()];
    const missing = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const got = await fetchEvents(client, [{ ids: chunk, limit: chunk.length }]);
      const have = new Set(got.map((e) => e.id));
      for (const id of chunk) if (!have.has(id)) missing.push(id);
      for (const event of got) assert.deepEqual(event, byId.get(event.id));
    }
    assert.deepEqual(missing, [], `${missing.length} of ${ids.length} acknowledged events are missing`);
  } finally {
    client.terminate();
  }
});
