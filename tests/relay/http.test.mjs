// datt-relay over plain HTTP on the WebSocket port: the NIP-11 document, Prometheus
// /metrics whose counters follow activity, and the web app's static files with the right
// content types, refusing any path that leaves the web root. Also what an operator sees of
// the process: its writer and worker threads by name.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import {
  GENEROUS_LIMITS, connect, countEvents, fetchEvents, isOk, newKey, publish, publishOk, signEvent, startRelay,
} from './support.mjs';

const work = mkdtempSync(path.join(tmpdir(), 'datt-relay-http-'));
after(() => rmSync(work, { recursive: true, force: true }));
const webRoot = path.join(work, 'web');
const wasmRoot = path.join(work, 'wasm');
mkdirSync(path.join(webRoot, 'sub'), { recursive: true });
mkdirSync(wasmRoot);
const SECRET = 'secret-outside-the-web-root-4f1c';
writeFileSync(path.join(work, 'secret.txt'), SECRET);

const files = {
  'index.html': ['<!doctype html><title>Datt</title><p>home</p>\n', /^text\/html(;|$)/],
  'app.js': ['export const app = 1;\n', /^text\/javascript(;|$)/],
  'module.mjs': ['export default 42;\n', /^text\/javascript(;|$)/],
  'core.wasm': [Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]), /^application\/wasm$/],
  'style.css': ['body { color: #333; }\n', /^text\/css(;|$)/],
  'sub/page.html': ['<!doctype html><p>sub page</p>\n', /^text\/html(;|$)/],
};
for (const [name, [body]] of Object.entries(files)) writeFileSync(path.join(webRoot, name), body);
const wasmFiles = {
  'datt.wasm': [Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01]), /^application\/wasm$/],
  'datt.mjs': ['export async function loadDatt() {}\n', /^text\/javascript(;|$)/],
};
for (const [name, [body]] of Object.entries(wasmFiles)) writeFileSync(path.join(wasmRoot, name), body);

const info = {
  name: 'Test Relay', description: 'integration test relay', contact: 'mailto:ops@example.org',
};
const limits = {
  'max-message-bytes': 100000, 'max-subscriptions': 7, 'max-filters': 5, 'max-limit': 300,
  'max-subscription-id-length': 64, 'max-event-tags': 150, 'max-content-bytes': 30000,
  'created-at-lower-limit': 86400, 'created-at-upper-limit': 600,
};
const relay = await startRelay({ args: [...GENEROUS_LIMITS, '--web-root', webRoot, '--wasm-root', wasmRoot,
  '--name', info.name, '--description', info.description, '--contact', info.contact,
  ...Object.entries(limits).flatMap(([flag, value]) => [`--${flag}`, String(value)])] });
after(() => relay.cleanup());

/** One HTTP request (no keep-alive): { status, headers, body: Buffer }. `rawPath` is sent as is. */
function request(rawPath, { method = 'GET', headers = {}, port = relay.port } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(5000, () => req.destroy(new Error(`HTTP ${method} ${rawPath} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

test('NIP-11: GET / with Accept: application/nostr+json gives the relay information with CORS', { timeout: 10000 }, async () => {
  const res = await request('/', { headers: { Accept: 'application/nostr+json' } });
  assert.equal(res.status, 200);
  assert.equal(res.headers['access-control-allow-origin'], '*');
  assert.match(res.headers['content-type'], /^application\/(nostr\+)?json/);
  const doc = JSON.parse(res.body.toString('utf8'));
  assert.equal(doc.name, info.name);
  assert.equal(doc.description, info.description);
  assert.equal(doc.contact, info.contact);
  // NIP-11 `self`: the relay's own x-only key (it signs fork proofs and receipts).
  assert.match(doc.self, /^[0-9a-f]{64}$/);
  for (const nip of [1, 9, 11, 45, 50]) assert.ok(doc.supported_nips.includes(nip), `supported_nips has ${nip}`);
  assert.ok(doc.supported_nips.every(Number.isInteger));
  assert.equal(typeof doc.software, 'string');
  assert.equal(typeof doc.version, 'string');
  assert.ok(doc.version.length > 0);
  // NIP-11 field names, holding the values this relay was started with.
  const expected = {
    max_message_length: limits['max-message-bytes'],
    max_subscriptions: limits['max-subscriptions'],
    max_filters: limits['max-filters'],
    max_limit: limits['max-limit'],
    max_subid_length: limits['max-subscription-id-length'],
    max_event_tags: limits['max-event-tags'],
    max_content_length: limits['max-content-bytes'],
    created_at_lower_limit: limits['created-at-lower-limit'],
    created_at_upper_limit: limits['created-at-upper-limit'],
  };
  for (const [field, value] of Object.entries(expected)) {
    assert.equal(doc.limitation[field], value, `limitation.${field} in ${JSON.stringify(doc.limitation)}`);
  }
  // The NIP-11 booleans, when present, say this relay is open.
  for (const flag of ['auth_required', 'payment_required']) {
    if (flag in doc.limitation) assert.equal(doc.limitation[flag], false);
  }
});

test('the limits NIP-11 advertises are the ones enforced', { timeout: 10000 }, async (t) => {
  const client = await connect(relay.url);
  t.after(() => client.close());
  const key = newKey();
  const atLimit = signEvent({ content: 'c'.repeat(limits['max-content-bytes']) }, key);
  await publishOk(client, atLimit);
  const over = signEvent({ content: 'c'.repeat(limits['max-content-bytes'] + 1) }, key);
  const reply = await publish(client, over);
  assert.equal(reply[2], false);
  assert.match(reply[3], /^invalid: content_too_large: /);
  const old = signEvent({ created_at: Math.floor(Date.now() / 1000) - 2 * limits['created-at-lower-limit'] }, key);
  const oldReply = await publish(client, old);
  assert.equal(oldReply[2], false);
  assert.match(oldReply[3], /^invalid: created_at_range: /);
  const capped = await fetchEvents(client, [{ limit: 100000 }]);
  assert.ok(capped.length <= limits['max-limit']);
});

// Prometheus text: { name or name{labels}: value }, checking the syntax of every line.
function parseMetrics(text) {
  const values = new Map();
  const typed = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment) {
      if (comment[1] === 'TYPE') typed.set(comment[2], comment[3]);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? (\S+)$/.exec(line);
    assert.ok(sample, `not a Prometheus sample line: ${JSON.stringify(line)}`);
    const value = Number(sample[4]);
    assert.ok(!Number.isNaN(value) || sample[4] === 'NaN', `bad value in ${line}`);
    values.set(sample[1] + (sample[2] || ''), value);
  }
  return { values, typed };
}

async function metrics() {
  const res = await request('/metrics');
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /^text\/plain/);
  return parseMetrics(res.body.toString('utf8'));
}

// The names datt-relay exports (relay/engine/metrics.cpp); docs/protocol.md names the
// categories: connections, events accepted and rejected by reason, queries, a query
// latency histogram, database bytes.
const METRICS = {
  datt_connections_open: 'gauge',
  datt_connections_total: 'counter',
  datt_events_received_total: 'counter',
  datt_events_accepted_total: 'counter',
  datt_events_rejected_total: 'counter',
  datt_queries_total: 'counter',
  datt_count_requests_total: 'counter',
  datt_database_bytes: 'gauge',
  datt_database_wal_bytes: 'gauge',
  datt_query_duration_seconds: 'histogram',
};

test('/metrics: Prometheus text with the documented metrics, and counters move with activity', { timeout: 15000 }, async (t) => {
  const before = await metrics();
  for (const [name, type] of Object.entries(METRICS)) assert.equal(before.typed.get(name), type, `# TYPE ${name}`);

  const client = await connect(relay.url);
  t.after(() => client.close());
  const key = newKey();
  const events = [0, 1, 2].map((i) => signEvent({ content: `metrics ${i}` }, key));
  for (const event of events) await publishOk(client, event);
  const bad = signEvent({ content: 'bad signature' }, key);
  bad.sig = bad.sig.replace(/^./, (c) => (c === '0' ? '1' : '0'));
  client.send(['EVENT', bad]);
  await client.next(isOk(bad.id));
  await fetchEvents(client, [{ authors: [key.pk] }]);
  await fetchEvents(client, [{ authors: [key.pk], kinds: [1] }]);
  assert.equal(await countEvents(client, [{ authors: [key.pk] }]), 3);

  const now = await metrics();
  const delta = (name) => (now.values.get(name) ?? 0) - (before.values.get(name) ?? 0);
  assert.ok(now.values.get('datt_connections_open') >= 1);
  assert.ok(delta('datt_connections_total') >= 1);
  assert.equal(delta('datt_events_received_total'), 4);
  assert.equal(delta('datt_events_accepted_total'), 3);
  assert.equal(delta('datt_events_rejected_total{reason="bad_signature"}'), 1);
  assert.ok(delta('datt_queries_total') >= 2, `queries moved by ${delta('datt_queries_total')}`);
  assert.equal(delta('datt_count_requests_total'), 1);
  assert.ok(delta('datt_query_duration_seconds_count') >= 2);
  assert.ok(now.values.get('datt_database_bytes') > 0);

  // The histogram is cumulative and its +Inf bucket equals its count.
  const buckets = [...now.values].filter(([k]) => k.startsWith('datt_query_duration_seconds_bucket{'));
  assert.ok(buckets.length >= 2);
  for (let i = 1; i < buckets.length; i += 1) assert.ok(buckets[i][1] >= buckets[i - 1][1], 'buckets are cumulative');
  assert.equal(now.values.get('datt_query_duration_seconds_bucket{le="+Inf"}'), now.values.get('datt_query_duration_seconds_count'));
  assert.ok(now.values.has('datt_query_duration_seconds_sum'));
});

test('the writer and the two workers are named threads (top -H, perf, bench/relay_compare.mjs)', { timeout: 10000 }, () => {
  const names = readdirSync(`/proc/${relay.pid}/task`)
    .map((tid) => readFileSync(`/proc/${relay.pid}/task/${tid}/comm`, 'utf8').trim());
  assert.equal(names.filter((name) => name === 'datt-writer').length, 1, names.join(', '));
  assert.equal(names.filter((name) => name === 'datt-worker').length, 2, names.join(', '));
});

test('static files are served byte for byte with the right content types', { timeout: 10000 }, async () => {
  for (const [name, [body, type]] of Object.entries(files)) {
    const res = await request(`/${name}`);
    assert.equal(res.status, 200, name);
    assert.match(res.headers['content-type'], type, name);
    assert.ok(res.body.equals(Buffer.from(body)), `${name} body`);
  }
  for (const [name, [body, type]] of Object.entries(wasmFiles)) {
    const res = await request(`/wasm/${name}`);
    assert.equal(res.status, 200, `/wasm/${name}`);
    assert.match(res.headers['content-type'], type, `/wasm/${name}`);
    assert.ok(res.body.equals(Buffer.from(body)), `/wasm/${name} body`);
  }
  // "/" without the NIP-11 Accept header is the web app.
  const home = await request('/', { headers: { Accept: 'text/html' } });
  assert.equal(home.status, 200);
  assert.match(home.headers['content-type'], /^text\/html/);
  assert.equal(home.body.toString(), files['index.html'][0]);
  // HEAD: the headers of GET, no body.
  const head = await request('/app.js', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(Number(head.headers['content-length']), Buffer.byteLength(files['app.js'][0]));
});

test('paths that leave the web root are refused, encoded or not', { timeout: 20000 }, async () => {
  for (const rawPath of [
    '/../secret.txt', '/../../etc/passwd', '/../../../../../../etc/passwd', '/%2e%2e/secret.txt',
    '/%2E%2E/%2E%2E/etc/passwd', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/sub/../../secret.txt',
    '/sub/%2e%2e/%2e%2e/secret.txt', '/wasm/../secret.txt', '/wasm/..%2f..%2fsecret.txt', '/..\\secret.txt',
    '/%5c..%5csecret.txt', '/./../secret.txt', '/index.html%00.js', '/%252e%252e/secret.txt',
    // An absolute path after the root ("//etc/passwd" -> root / "/etc/passwd").
    '//etc/passwd', '/%2fetc%2fpasswd', '/wasm//etc/passwd', `//${work.slice(1)}/secret.txt`,
  ]) {
    const res = await request(rawPath);
    const body = res.body.toString('latin1');
    assert.ok(!body.includes(SECRET) && !body.includes('root:x:0:0'),
      `GET ${rawPath} leaked a file outside the web root: HTTP ${res.status}, ${JSON.stringify(body.slice(0, 60))}`);
    assert.ok([400, 403, 404].includes(res.status), `${rawPath}: HTTP ${res.status}`);
  }
  // Inside the root, ".." that stays inside is either resolved or refused, never escapes.
  const inside = await request('/sub/../index.html');
  assert.ok([200, 400, 403, 404].includes(inside.status));
});

test('unknown paths get 404; a relay without --web-root serves no files', { timeout: 15000 }, async (t) => {
  for (const rawPath of ['/no-such-file.html', '/sub/missing.js', '/wasm/missing.wasm', '/metrics/extra']) {
    assert.equal((await request(rawPath)).status, 404, rawPath);
  }
  const bare = await startRelay({ args: GENEROUS_LIMITS });
  t.after(() => bare.cleanup());
  assert.equal((await request('/index.html', { port: bare.port })).status, 404);
  const nip11 = await request('/', { port: bare.port, headers: { Accept: 'application/nostr+json' } });
  assert.equal(nip11.status, 200);
  assert.equal(JSON.parse(nip11.body.toString()).limitation.max_subscriptions, 20, 'the default');
});

test('POST: only /hub/wallet/withdraw (404 without a hub, elsewhere); other methods 405', { timeout: 10000 }, async () => {
  const withdraw = await request('/hub/wallet/withdraw', { method: 'POST' });
  assert.equal(withdraw.status, 404);
  assert.equal(withdraw.body.toString('utf8'), 'no hub\n');
  assert.equal((await request('/metrics', { method: 'POST' })).status, 404);
  const put = await request('/metrics', { method: 'PUT' });
  assert.equal(put.status, 405);
  assert.equal(put.headers.allow, 'GET, HEAD, POST');
  assert.equal((await request('/metrics')).status, 200, 'the connection and the relay carry on');
});
