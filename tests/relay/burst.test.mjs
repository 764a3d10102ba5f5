// A REQ's stored events are written by hand as WebSocket frames in one sendmsg
// (relay/net/server.cpp, write_burst). When the socket takes only part of a burst, the rest
// of the cut frame must go out before anything Beast writes by itself (a pong, a close):
// these tests fill the socket while the client pings, and check every frame arrives whole
// and in order (the `ws` client fails the connection on a malformed frame).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import WebSocket from 'ws';

import {
  GENEROUS_LIMITS, connect, expectedIds, newKey, publishAll, signEvent, sleep, startRelay, uniqueTag,
} from './support.mjs';

let relay;
before(async () => {
  // A REQ may queue a quarter of --max-outgoing-bytes: 16 MiB here, so one burst can be
  // larger than what loopback sockets buffer (about 4 MiB sent and 6 MiB received at most).
  relay = await startRelay({ args: [...GENEROUS_LIMITS, '--max-outgoing-bytes', String(64 << 20)] });
});
after(async () => {
  await relay.stop();
});

// `count` events of about `contentBytes` each under one new tag, one second apart.
async function storeBurst(count, contentBytes) {
  const key = newKey();
  const tag = uniqueTag('burst');
  const base = Math.floor(Date.now() / 1000) - count;
  const events = Array.from({ length: count }, (_, i) => signEvent({
    created_at: base + i, tags: [['t', tag]], content: `${i} `.padEnd(contentBytes, 'x'),
  }, key));
  await publishAll(relay.url, events);
  return { tag, events };
}

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 << 20 });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

test('a burst larger than the socket buffers arrives whole while the client pings', { timeout: 60000 }, async () => {
  // 400 x 30 KB: 12 MB in one REQ, more than a loopback socket takes while its reader is
  // paused, so the relay's sendmsg stops part-way through a frame.
  const { tag, events } = await storeBurst(400, 30000);
  const filter = { '#t': [tag], limit: 400 };
  const ws = await open(relay.url);
  const errors = [];
  ws.on('error', (error) => errors.push(error));
  const received = [];
  let pongs = 0;
  ws.on('pong', () => { pongs += 1; });
  const eose = new Promise((resolve) => {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      received.push(message);
      if (message[0] === 'EOSE') resolve();
    });
  });
  ws.send(JSON.stringify(['REQ', 'big', filter]));
  ws.pause();  // the relay's writes fill the socket and stop part-way through a frame
  await sleep(300);
  const pings = 20;
  for (let i = 0; i < pings; i += 1) {
    ws.ping(Buffer.from(`p${i}`));
    await sleep(10);  // the relay reads each ping while its burst is still waiting
  }
  await sleep(200);
  ws.resume();
  await eose;
  // The pongs Beast held back are written after the rest of the cut frame.
  const deadline = Date.now() + 5000;
  while (pongs < pings && Date.now() < deadline) await sleep(20);
  assert.deepEqual(errors, []);
  assert.equal(pongs, pings, 'every ping answered');
  const ids = received.filter((m) => m[0] === 'EVENT').map((m) => m[2].id);
  assert.deepEqual(ids, expectedIds(events, filter));
  assert.deepEqual(received.at(-1), ['EOSE', 'big']);
  // The connection still works after it.
  const next = await connect(relay.url);
  next.close();
  ws.send(JSON.stringify(['REQ', 'again', { ...filter, limit: 3 }]));
  const again = [];
  await new Promise((resolve) => {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message[1] !== 'again') return;
      if (message[0] === 'EVENT') again.push(message[2].id);
      if (message[0] === 'EOSE') resolve();
    });
  });
  assert.deepEqual(again, expectedIds(events, { ...filter, limit: 3 }));
  ws.close();
});

test('bursts and single frames keep their order across many small REQs', { timeout: 60000 }, async () => {
  const { tag, events } = await storeBurst(30, 200);
  const client = await connect(relay.url);
  // Pipelined: each REQ's EVENTs and EOSE must come in order and whole, burst after burst.
  // As many as a connection may hold open at once (--max-subscriptions, 20 by default).
  const subs = Array.from({ length: 20 }, (_, i) => `s${i}`);
  const limits = subs.map((_, i) => 1 + ((i * 7) % 30));
  const byId = new Map(subs.map((s) => [s, []]));
  const done = new Set();
  const finished = new Promise((resolve, reject) => {
    client.ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message[0] === 'CLOSED') reject(new Error(JSON.stringify(message)));
      if (message[0] === 'EVENT') {
        assert.ok(!done.has(message[1]), `EVENT after EOSE for ${message[1]}`);
        byId.get(message[1]).push(message[2].id);
      }
      if (message[0] === 'EOSE') {
        done.add(message[1]);
        if (done.size === subs.length) resolve();
      }
    });
  });
  subs.forEach((sub, i) => client.send(['REQ', sub, { '#t': [tag], limit: limits[i] }]));
  await finished;
  subs.forEach((sub, i) => {
    assert.deepEqual(byId.get(sub), expectedIds(events, { '#t': [tag], limit: limits[i] }), sub);
  });
  client.close();
});
