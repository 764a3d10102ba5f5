// Relay-to-relay replication and the one-shot `datt-relay sync`, with real relay binaries
// on 127.0.0.1: NIP-77 reconciliation between relays, fetching by ids, live subscriptions,
// catch-up after a restart, and loops between three relays that store no duplicates.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import {
  GENEROUS_LIMITS, connect, countEvents, fetchEvents, finalizeEvent, newKey, now, publishAll, publishOk, randomHex,
  relayPath, signEvent, sleep, startRelay, uniqueTag,
} from './support.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'datt-replication-'));
const relays = [];
after(async () => {
  for (const relay of relays) await relay.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

// Big enough that one REQ returns every event of these tests and no limit gets in the way.
const ARGS = [...GENEROUS_LIMITS, '--max-limit', '20000', '--max-outgoing-bytes', String(64 << 20),
  '--peer-resync-seconds', '3'];

/** A free loopback port (a relay's peers must be known before it starts). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function start(name, port, peers) {
  const peersFile = path.join(dir, `${name}-peers.json`);
  writeFileSync(peersFile, JSON.stringify(peers));
  const relay = await startRelay({
    database: path.join(dir, `${name}.sqlite3`),
    args: [...ARGS, '--port', String(port), '--peers', peersFile],
  });
  relays.push(relay);
  return relay;
}

/** Polls COUNT on `url` until it is `expected` (fails after `timeoutMs`). */
async function waitForCount(url, filter, expected, timeoutMs = 60000) {
  const client = await connect(url);
  const deadline = Date.now() + timeoutMs;
  let count = -1;
  try {
    while (Date.now() < deadline) {
      count = await countEvents(client, [filter]);
      if (count >= expected) break;
      await sleep(100);
    }
  } finally {
    client.close();
  }
  assert.equal(count, expected, `${url}: COUNT ${JSON.stringify(filter)}`);
}

async function storedIds(url, filter) {
  const client = await connect(url);
  const events = await fetchEvents(client, [{ ...filter, limit: 20000 }]);
  client.close();
  return events.map((e) => e.id);
}

async function metric(relay, name) {
  const text = await (await fetch(`${relay.httpUrl}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith(name));
}

test('two relays: a peer takes what its config names, catches up by NIP-77, then live', async () => {
  const [portA, portB] = [await freePort(), await freePort()];
  const author = newKey();
  const other = newKey();
  const tag = uniqueTag('two');
  const a = await start('two-a', portA, []);
  // Before B exists: 30 events by `author`, 10 by someone B does not take.
  const before = Array.from({ length: 30 }, (_, i) => signEvent({ tags: [['t', tag]], content: `a${i}` }, author));
  const skipped = Array.from({ length: 10 }, (_, i) => signEvent({ tags: [['t', tag]], content: `o${i}` }, other));
  await publishAll(a.url, [...before, ...skipped]);
  const b = await start('two-b', portB, [{ url: a.url, authors: [author.pk] }]);
  await waitForCount(b.url, { '#t': [tag] }, 30);
  // Live: a new event by the author reaches B, one by the other author does not.
  const client = await connect(a.url);
  const live = signEvent({ tags: [['t', tag]], content: 'live' }, author);
  await publishOk(client, live);
  await publishOk(client, signEvent({ tags: [['t', tag]], content: 'not taken' }, other));
  client.close();
  await waitForCount(b.url, { '#t': [tag] }, 31);
  assert.deepEqual((await storedIds(b.url, { '#t': [tag] })).sort(), [...before, live].map((e) => e.id).sort());
  assert.deepEqual(await metric(b, 'datt_peer_connected'), [`datt_peer_connected{peer="${a.url}"} 1`]);
  const [pulled] = await metric(b, 'datt_peer_events_pulled_total');
  assert.ok(Number(pulled.split(' ')[1]) >= 31, pulled);
  await b.cleanup();
  await a.cleanup();
});

test('datt-relay sync reconciles once against a database and reports what it moved', async () => {
  const tag = uniqueTag('once');
  const key = newKey();
  const source = await startRelay({ args: ARGS });
  relays.push(source);
  const events = Array.from({ length: 120 }, (_, i) => signEvent({ tags: [['t', tag]], content: `s${i}` }, key));
  await publishAll(source.url, events);
  const database = path.join(dir, 'once.sqlite3');
  const run = (args) => new Promise((resolve) => {
    execFile(relayPath(), ['sync', ...args], { timeout: 30000 }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
  const help = await run(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: datt-relay sync <peer-url>/);
  assert.equal((await run([])).code, 2);

  const first = await run([source.url, JSON.stringify({ '#t': [tag] }), '--database', database]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /reconciled 0 local events/);
  assert.match(first.stdout, /peer has 120 events we lack/);
  assert.match(first.stdout, /stored 120, already had 0/);
  const again = await run([source.url, JSON.stringify({ '#t': [tag] }), '--database', database]);
  assert.match(again.stdout, /reconciled 120 local events/);
  assert.match(again.stdout, /peer has 0 events we lack; we have 0 the peer lacks/);
  // The database holds exactly the source's events.
  const check = await startRelay({ database, args: ARGS });
  relays.push(check);
  assert.deepEqual((await storedIds(check.url, { '#t': [tag] })).sort(), events.map((e) => e.id).sort());
  await check.cleanup();
  const refused = await run(['ws://127.0.0.1:1', '{}', '--database', database]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /connect_failed/);
});

test('three relays replicating each other: no duplicates, and a stopped one catches up exactly', async () => {
  const tag = uniqueTag('three');
  const take = [{ '#t': [tag] }];
  const ports = [await freePort(), await freePort(), await freePort()];
  const urls = ports.map((p) => `ws://127.0.0.1:${p}`);
  const peersOf = (i) => urls.filter((_, j) => j !== i).map((url) => ({ url, filters: take }));
  const started = [];
  for (let i = 0; i < 3; i += 1) started.push(await start(`three-${i}`, ports[i], peersOf(i)));
  await sleep(500);  // the peers connect to each other

  // 20 events posted to each relay reach the others, once each (the loops end).
  const keys = [newKey(), newKey(), newKey()];
  const first = keys.map((key, i) => Array.from({ length: 20 }, (_, n) =>
    signEvent({ tags: [['t', tag]], content: `r${i}-${n}` }, key)));
  await Promise.all(first.map((events, i) => publishAll(urls[i], events)));
  const all = first.flat().map((e) => e.id).sort();
  for (const url of urls) await waitForCount(url, take[0], 60);
  await sleep(1000);  // anything echoed around the loops would arrive by now
  for (const url of urls) assert.deepEqual((await storedIds(url, take[0])).sort(), all, url);

  // Relay 2 stops; 10,000 events go to relays 0 and 1; relay 2 restarts and catches up.
  await started[2].stop();
  const key = newKey();
  const base = Math.floor(Date.now() / 1000) - 3600;
  const many = Array.from({ length: 10000 }, (_, n) =>
    signEvent({ created_at: base + Math.floor(n / 700), tags: [['t', tag]], content: `m${n}` }, key));
  await Promise.all([publishAll(urls[0], many.slice(0, 5000)), publishAll(urls[1], many.slice(5000))]);
  const restarted = await startRelay({
    database: path.join(dir, 'three-2.sqlite3'),
    args: [...ARGS, '--port', String(ports[2]), '--peers', path.join(dir, 'three-2-peers.json')],
  });
  relays.push(restarted);
  const expected = [...all, ...many.map((e) => e.id)].sort();
  for (const url of urls) await waitForCount(url, take[0], expected.length, 90000);
  await sleep(1000);
  for (const url of urls) assert.deepEqual((await storedIds(url, take[0])).sort(), expected, url);
  const reconciled = await metric(restarted, 'datt_peer_reconciliations_total');
  assert.equal(reconciled.length, 2);
});

test('datt-relay sync reports chain entries stored as pending and events refused by Datt rules', async () => {
  const key = newKey();
  const chainId = randomHex(16);
  const at = (seq, prev, content) => finalizeEvent({
    kind: 1111, created_at: now(), content,
    tags: [seq === 0 ? ['chain', chainId, '0'] : ['chain', chainId, String(seq), prev]],
  }, key.sk);
  const e0 = at(0, null, 'first');
  const e1 = at(1, e0.id, 'second');
  const e2 = at(2, e1.id, 'third');
  const rival = at(1, e0.id, 'a different second');
  const run = (args) => new Promise((resolve) => {
    execFile(relayPath(), ['sync', ...args], { timeout: 30000 }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
  const filter = JSON.stringify({ authors: [key.pk] });

  // A relay holding seq 0 and a pending seq 2: the copy keeps seq 2 pending too.
  const gappy = await startRelay({ args: ARGS });
  relays.push(gappy);
  await publishAll(gappy.url, [e0, e2]);
  const pendingCopy = await run([gappy.url, filter, '--database', path.join(dir, 'pending.sqlite3')]);
  assert.equal(pendingCopy.code, 0, pendingCopy.stderr);
  assert.match(pendingCopy.stdout, /stored 2, already had 0, superseded or deleted 0, refused by Datt rules 0/);
  assert.match(pendingCopy.stdout, /^1 of the stored events wait for a missing chain predecessor$/m);

  // A database holding the rival seq 1 refuses the other seq 1 as a fork, and says why.
  const rivalRelay = await startRelay({ args: ARGS });
  relays.push(rivalRelay);
  await publishAll(rivalRelay.url, [e0, rival]);
  const database = path.join(dir, 'fork.sqlite3');
  assert.equal((await run([rivalRelay.url, filter, '--database', database])).code, 0);
  const full = await startRelay({ args: ARGS });
  relays.push(full);
  await publishAll(full.url, [e0, e1, e2]);
  const forked = await run([full.url, filter, '--database', database]);
  assert.equal(forked.code, 0, forked.stderr);
  const refused = Number(/refused by Datt rules (\d+)/.exec(forked.stdout)?.[1]);
  assert.ok(refused >= 1, forked.stdout);
  assert.match(forked.stdout, /^first refusal: invalid: fork/m);
});
