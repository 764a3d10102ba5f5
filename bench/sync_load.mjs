// Relay-level NIP-77 benchmark: two databases of --events events (1,000,000 by default)
// that differ by --differ (1,000: 0.1%, half only on each side) are filled by
// build/native/bench/datt_sync_fill (signed through the store, not over WebSockets); a
// relay serves A; `datt-relay sync <A> {} --database B` reconciles B with it. Figures:
// round trips, negentropy bytes per differing event, wall time of the reconciliation
// (the client's scan of its million keys included) and of the fetch of what B lacks, the
// relay's CPU seconds and its memory (peak and current RSS from /proc, before and after).
//
//   node bench/sync_load.mjs [--events 1000000] [--differ 1000] [--runs 3] [--dir DIR]
//        [--frame-size-limit 120000]   (the client's; the relay's is its --neg-frame-size-limit)
//        [--relay-args "..."]
//
// The databases are kept in --dir (default: a temporary folder, removed at the end) and
// reused when they exist with a matching marker, since filling a million takes minutes.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const relayBinary = process.env.DATT_RELAY || path.join(root, 'build/native/relay/datt-relay');
const fillBinary = path.join(root, 'build/native/bench/datt_sync_fill');

const options = { events: 1_000_000, differ: 1000, runs: 3, dir: '', frameSizeLimit: 120_000, relayArgs: '' };
for (let i = 2; i < process.argv.length; i += 2) {
  const [name, value] = [process.argv[i], process.argv[i + 1]];
  if (name === '--events') options.events = Number(value);
  else if (name === '--differ') options.differ = Number(value);
  else if (name === '--runs') options.runs = Number(value);
  else if (name === '--dir') options.dir = value;
  else if (name === '--frame-size-limit') options.frameSizeLimit = Number(value);
  else if (name === '--relay-args') options.relayArgs = value;
  else throw new Error(`unknown option ${name}`);
}
const ownsDir = !options.dir;
const dir = options.dir || mkdtempSync(path.join(os.tmpdir(), 'datt-sync-bench-'));
mkdirSync(dir, { recursive: true });
const a = path.join(dir, 'a.sqlite3');
const b = path.join(dir, 'b.sqlite3');
const marker = path.join(dir, 'filled.json');
const wanted = JSON.stringify({ events: options.events, differ: options.differ });

function procStatus(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);  // utime + stime
  // RssFile counts the memory-mapped database pages (the readers' `mmap_size`): page cache
  // shared with the kernel, not the relay's heap, which is RssAnon.
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024, anonMb: kb('RssAnon') / 1024,
    fileMb: kb('RssFile') / 1024, cpuSeconds: ticks / 100 };
}

function fill() {
  if (existsSync(marker) && readFileSync(marker, 'utf8') === wanted) {
    console.log(`reusing ${a} and ${b}`);
    return;
  }
  for (const file of [a, b]) rmSync(file, { force: true });
  const started = Date.now();
  const out = execFileSync(fillBinary, ['--events', String(options.events), '--differ', String(options.differ),
    '--a', a, '--b', b], { encoding: 'utf8' });
  process.stdout.write(out);
  console.log(`fill: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  writeFileSync(marker, wanted);
}

async function startRelay() {
  const args = ['--database', a, '--port', '0', '--log-level', 'warn',
    ...options.relayArgs.split(' ').filter(Boolean)];
  const child = spawn(relayBinary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      const match = /listening on http:\/\/[0-9.]+:(\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`relay exited (${code})`)));
  });
  return { child, url: `ws://127.0.0.1:${port}` };
}

function sync(url, extra, database = b) {
  const started = process.hrtime.bigint();
  const out = execFileSync(relayBinary, ['sync', url, '{}', '--database', database,
    '--frame-size-limit', String(options.frameSizeLimit), ...extra], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const m = /in (\d+) round trips, ([0-9.e-]+) s \(our scan ([0-9.e-]+) s, exchange ([0-9.e-]+) s\); sent (\d+) bytes, received (\d+) bytes/.exec(out);
  const need = Number(/peer has (\d+) events we lack/.exec(out)[1]);
  const have = Number(/we have (\d+) the peer lacks/.exec(out)[1]);
  return { out, seconds, roundTrips: Number(m[1]), reconcileSeconds: Number(m[2]), scanSeconds: Number(m[3]),
    exchangeSeconds: Number(m[4]), sent: Number(m[5]), received: Number(m[6]), need, have };
}

fill();
const relay = await startRelay();
const before = procStatus(relay.child.pid);
console.log(`relay on ${a}: RSS ${before.rssMb.toFixed(1)} MB before any reconciliation`);
const runs = [];
for (let i = 0; i < options.runs; i += 1) {
  const cpu = procStatus(relay.child.pid).cpuSeconds;
  const run = sync(relay.url, ['--dry-run']);
  run.relayCpu = procStatus(relay.child.pid).cpuSeconds - cpu;
  runs.push(run);
  console.log(`reconcile ${i + 1}: ${run.roundTrips} round trips, ${run.reconcileSeconds.toFixed(3)} s ` +
    `(client scan ${run.scanSeconds.toFixed(3)} s, exchange ${run.exchangeSeconds.toFixed(3)} s; ` +
    `process ${run.seconds.toFixed(3)} s), relay CPU ${run.relayCpu.toFixed(2)} s, sent ${run.sent} B, ` +
    `received ${run.received} B, need ${run.need}, have ${run.have}, ` +
    `${((run.sent + run.received) / options.differ).toFixed(1)} B per differing event`);
}
const during = procStatus(relay.child.pid);
console.log(`relay RSS after the reconciliations: ${during.rssMb.toFixed(1)} MB (heap ${during.anonMb.toFixed(1)} MB, ` +
  `mapped database and other files ${during.fileMb.toFixed(1)} MB), peak ${during.peakMb.toFixed(1)} MB`);
// The fetch writes what B lacks: it runs on a copy, so a reused --dir keeps its two-way
// difference for the next run.
const bFetch = path.join(dir, 'b-fetch.sqlite3');
for (const suffix of ['', '-wal', '-shm']) {
  rmSync(bFetch + suffix, { force: true });
  if (existsSync(b + suffix)) copyFileSync(b + suffix, bFetch + suffix);
}
const fetchRun = sync(relay.url, [], bFetch);
console.log(fetchRun.out.trim());
for (const suffix of ['', '-wal', '-shm']) rmSync(bFetch + suffix, { force: true });
const after = procStatus(relay.child.pid);
relay.child.kill('SIGTERM');
await new Promise((resolve) => { relay.child.on('exit', resolve); });
const median = (key) => runs.map((r) => r[key]).sort((x, y) => x - y)[Math.floor(runs.length / 2)];
console.log(JSON.stringify({
  events: options.events, differ: options.differ, frameSizeLimitClient: options.frameSizeLimit,
  roundTrips: runs[0].roundTrips, bytesPerDifferingEvent: (runs[0].sent + runs[0].received) / options.differ,
  reconcileSecondsMedian: median('reconcileSeconds'), scanSecondsMedian: median('scanSeconds'),
  exchangeSecondsMedian: median('exchangeSeconds'), relayCpuSeconds: runs.map((r) => r.relayCpu),
  relayRssMbBefore: before.rssMb, relayPeakMb: after.peakMb, relayRssMbAfter: during.rssMb,
  relayHeapMbAfter: during.anonMb, relayFileMbAfter: during.fileMb,
  fetchTotalSeconds: fetchRun.seconds,
}));
if (ownsDir) rmSync(dir, { recursive: true, force: true });
