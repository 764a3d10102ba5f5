// Durability: OK true means committed. A relay killed with SIGKILL while clients stream
// events, or stopped with SIGTERM, loses none of the events it acknowledged, and its
// database passes SQLite's integrity check. A database file that is not one is refused
// at startup and left untouched.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { verifyEvent } from 'nostr-tools/pure';

import {
  GENEROUS_LIMITS, connect, fetchEvents, newKey, relayPath, signEvent, startRelay,
} from './support.mjs';

const STREAMS = 2;           // connections streaming at once
const WINDOW = 250;          // EVENTs in flight per connection
const EVENTS = 8000;         // pre-signed; the relay is stopped long before they are all sent
const STOP_AFTER_ACKS = 2000;

function presign(count) {
  const keys = Array.from({ length: 20 }, () => newKey());
  const base = Math.floor(Date.now() / 1000) - count;
  return Array.from({ length: count }, (_, i) => signEvent({
    kind: [1, 1111, 7][i % 3],
    created_at: base + i,
    tags: [['t', `durable${i % 10}`], ['e', keys[i % 7].pk]],
    content: `durable event ${i} ${'.'.repeat(i % 200)}`,
  }, keys[i % keys.length]));
}

let signed = null;
function signedEvents() {
  if (!signed) {
    const events = presign(EVENTS);
    signed = { events, eventsById: new Map(events.map((e) => [e.id, e])) };
  }
  return signed;
}

/**
 * Streams `events` over one connection with at most `window` unanswered EVENTs, calling
 * onAck(id) for each OK true. Resolves when every event is answered or the connection
 * closes, with the counts.
 */
function stream(client, events, window, onAck) {
  return new Promise((resolve) => {
    let sent = 0;
    let answered = 0;
    const refused = [];
    const sendMore = () => {
      while (sent < events.length && sent - answered < window && client.isOpen) {
        client.ws.send(JSON.stringify(['EVENT', events[sent]]), (error) => { if (error) { /* closing */ } });
        sent += 1;
      }
    };
    client.ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message[0] !== 'OK') return;
      answered += 1;
      if (message[2] === true) onAck(message[1]);
      else refused.push(message);
      if (answered === events.length) resolve({ sent, answered, refused });
      else sendMore();
    });
    client.ws.on('close', () => resolve({ sent, answered, refused }));
    sendMore();
  });
}

async function streamUntilStopped(relay, events, stopRelay) {
  const clients = await Promise.all(Array.from({ length: STREAMS }, () => connect(relay.url)));
  const acked = new Set();
  let stopping = null;
  const results = await Promise.all(clients.map((client, i) => {
    const share = events.filter((_, j) => j % STREAMS === i);
    return stream(client, share, WINDOW, (id) => {
      acked.add(id);
      if (acked.size >= STOP_AFTER_ACKS && !stopping) stopping = stopRelay();
    });
  }));
  const status = await stopping;
  for (const client of clients) client.terminate();
  const sent = results.reduce((n, r) => n + r.sent, 0);
  const refused = results.flatMap((r) => r.refused);
  return { acked, sent, refused, status };
}

/** Every id in `ids` is served by the relay (REQ by ids in chunks), unchanged. */
async function assertAllStored(relay, ids, eventsById) {
  const client = await connect(relay.url);
  try {
    const list = [...ids];
    const missing = [];
    for (let i = 0; i < list.length; i += 500) {
      const chunk = list.slice(i, i + 500);
      const got = await fetchEvents(client, [{ ids: chunk, limit: chunk.length }]);
      const gotIds = new Set(got.map((e) => e.id));
      for (const id of chunk) if (!gotIds.has(id)) missing.push(id);
      for (const event of got) {
        assert.deepEqual(event, eventsById.get(event.id));
        assert.ok(verifyEvent(event));
      }
    }
    assert.deepEqual(missing, [], `${missing.length} of ${list.length} acknowledged events are missing`);
  } finally {
    await client.close();
  }
}

function integrityCheck(t, database) {
  const version = spawnSync('sqlite3', ['-version'], { encoding: 'utf8' });
  if (version.error) {
    const message = 'the sqlite3 command-line tool is missing (Debian package sqlite3): integrity_check not run';
    if (process.env.CI === 'true') throw new Error(message);
    t.skip(message);
    return;
  }
  const result = spawnSync('sqlite3', [database, 'PRAGMA integrity_check;'], { encoding: 'utf8', timeout: 60000 });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), 'ok');
}

function freshDatabase(t) {
  const dir = mkdtempSync(path.join(tmpdir(), 'datt-durability-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'db.sqlite3');
}

for (const [signal, expectation] of [
  ['SIGKILL', 'kill -9 mid-stream loses no acknowledged event; the database passes integrity_check'],
  ['SIGTERM', 'SIGTERM mid-stream exits 0 and loses no acknowledged event'],
]) {
  test(expectation, { timeout: 180000 }, async (t) => {
    const database = freshDatabase(t);
    const { events, eventsById } = signedEvents();

    const first = await startRelay({ database, args: GENEROUS_LIMITS });
    t.after(() => first.cleanup());
    const { acked, sent, refused, status } = await streamUntilStopped(first, events,
      () => (signal === 'SIGKILL' ? first.kill() : first.stop()));
    assert.deepEqual(refused.slice(0, 3), [], 'no event is refused while streaming');
    assert.ok(acked.size >= STOP_AFTER_ACKS, `${acked.size} acknowledged`);
    assert.ok(sent > acked.size, 'events were still in flight when the relay stopped');
    if (signal === 'SIGKILL') {
      assert.deepEqual(status, { code: null, signal: 'SIGKILL' });
    } else {
      assert.deepEqual(status, { code: 0, signal: null }, `exit status after SIGTERM; stderr: ${first.stderr()}`);
    }
    t.diagnostic(`${signal}: ${acked.size} acknowledged of ${sent} sent before the stop`);

    const second = await startRelay({ database, args: GENEROUS_LIMITS });
    t.after(() => second.cleanup());
    await assertAllStored(second, acked, eventsById);
    assert.deepEqual(await second.stop(), { code: 0, signal: null }, `stderr: ${second.stderr()}`);
    integrityCheck(t, database);
  });
}

test('a file that is not a database gives a clear startup error and is left untouched', { timeout: 30000 }, (t) => {
  const database = freshDatabase(t);
  const garbage = Buffer.from('this is not an SQLite database\n'.repeat(200));
  writeFileSync(database, garbage);
  const result = spawnSync(relayPath(), ['--listen-address', '127.0.0.1', '--port', '0', '--database', database],
    { encoding: 'utf8', timeout: 15000 });
  assert.equal(result.error, undefined, 'the relay must exit by itself, not keep running');
  assert.notEqual(result.status, 0);
  assert.doesNotMatch(result.stdout, /listening/);
  assert.match(result.stderr, /^datt-relay: .+/m);
  assert.ok(readFileSync(database).equals(garbage), 'the file was modified');
});
