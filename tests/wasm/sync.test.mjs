// datt.sync (wasm/bind_sync.cpp): the NIP-77 initiator in wasm, run against the native
// responder (tests/core/sync/negentropy_harness, the reference suite's line protocol) until
// both sides agree, and in lockstep with nostr-tools' independent initiator (its
// Negentropy, a port of the reference JavaScript) for byte identity; packing and errors.
import '../support/webcrypto.mjs';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { loadWasmDatt, negentropyHarnessPath, repoRoot } from '../support/vectors.mjs';
import { randomId, rng } from '../support/seeded_random.mjs';

const { Negentropy, NegentropyStorageVector } = await import(
  pathToFileURL(path.join(repoRoot, 'node_modules/nostr-tools/lib/esm/nip77.js')).href);

let datt;
before(async () => { datt = await loadWasmDatt(); });

/** Items on the client (wasm) only, the relay (harness) only, or both. */
function randomPair({ items, clientOnly, serverOnly, spread, sameSecond = 0 }, seed) {
  const next = rng(seed);
  const client = []; const server = [];
  const onlyClient = new Set(); const onlyServer = new Set();
  for (let i = 0; i < items; i += 1) {
    const timestamp = i < sameSecond ? 1700000500 : 1700000000 + Math.floor(next() * spread);
    const item = { timestamp, id: randomId(next) };
    const draw = next();
    if (draw < clientOnly) {
      client.push(item); onlyClient.add(item.id);
    } else if (draw < clientOnly + serverOnly) {
      server.push(item); onlyServer.add(item.id);
    } else {
      client.push(item); server.push(item);
    }
  }
  return { client, server, onlyClient, onlyServer };
}

const harnesses = new Set();
after(() => { for (const h of harnesses) h.child.kill(); });

// The native responder: one process per conversation, replies read line by line.
class Harness {
  constructor(items, frameSizeLimit) {
    assert.ok(existsSync(negentropyHarnessPath()), `build the harness first: ${negentropyHarnessPath()}`);
    this.child = spawn(negentropyHarnessPath(), [], {
      env: { ...process.env, FRAMESIZELIMIT: String(frameSizeLimit) }, stdio: ['pipe', 'pipe', 'inherit'] });
    harnesses.add(this);
    this.lines = [];
    this.waiting = null;
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.lines.push(line);
      this.waiting?.();
    });
    this.child.stdin.write(`${items.map(({ timestamp, id }) => `item,${timestamp},${id}\n`).join('')}seal\n`);
  }

  async reply(message) {
    this.child.stdin.write(`msg,${message}\n`);
    const deadline = Date.now() + 20000;
    while (!this.lines.length) {
      assert.ok(Date.now() < deadline, 'harness timed out');
      assert.equal(this.child.exitCode, null, 'harness exited');
      await new Promise((resolve) => { this.waiting = resolve; setTimeout(resolve, 200); });
    }
    const line = this.lines.shift();
    assert.ok(line.startsWith('msg,'), `harness: ${line}`);
    return line.slice(4);
  }

  close() {
    this.child.stdin.end();
    harnesses.delete(this);
  }
}

/** Runs the wasm initiator against the harness to the end: {have, need, rounds, bytes}. */
async function converge(client, server, { frameSizeLimit = 0, relayFrameSizeLimit = 0 } = {}) {
  const harness = new Harness(server, relayFrameSizeLimit);
  const initiator = datt.sync.openInitiator(client.map(({ timestamp, id }) => [timestamp, id]), { frameSizeLimit });
  const have = new Set(); const need = new Set();
  let rounds = 0; let bytes = 0;
  try {
    let message = initiator.initiate();
    for (;;) {
      assert.ok(rounds < 100, 'no convergence in 100 rounds');
      if (frameSizeLimit) assert.ok(message.length / 2 <= frameSizeLimit, 'a message passes our frame limit');
      bytes += message.length / 2;
      const reply = await harness.reply(message);
      if (relayFrameSizeLimit) assert.ok(reply.length / 2 <= relayFrameSizeLimit, 'a reply passes the relay frame limit');
      bytes += reply.length / 2;
      rounds += 1;
      const step = initiator.reconcile(reply);
      for (const id of step.have) have.add(id);
      for (const id of step.need) need.add(id);
      if (step.next === null) break;
      message = step.next;
    }
  } finally {
    initiator.delete();
    harness.close();
  }
  return { have, need, rounds, bytes };
}

const CASES = [
  { name: 'both empty', items: 0, clientOnly: 0, serverOnly: 0, spread: 1 },
  { name: 'empty client', items: 300, clientOnly: 0, serverOnly: 1, spread: 1000 },
  { name: 'empty relay', items: 300, clientOnly: 1, serverOnly: 0, spread: 1000 },
  { name: 'identical', items: 2000, clientOnly: 0, serverOnly: 0, spread: 100000 },
  { name: 'all different', items: 2000, clientOnly: 0.5, serverOnly: 0.5, spread: 100000 },
  { name: '700 in one second', items: 3000, clientOnly: 0.1, serverOnly: 0.2, spread: 5000, sameSecond: 700 },
  { name: '10,000 differing by 1%', items: 10000, clientOnly: 0.005, serverOnly: 0.005, spread: 1000000 },
];

for (const limits of [{}, { frameSizeLimit: 4096 }, { relayFrameSizeLimit: 4096 }, { frameSizeLimit: 4096, relayFrameSizeLimit: 5000 }]) {
  test(`the wasm initiator converges exactly with the native responder (frame limits ${JSON.stringify(limits)})`, async () => {
    for (const [i, c] of CASES.entries()) {
      const { client, server, onlyClient, onlyServer } = randomPair(c, 1000 + i);
      const result = await converge(client, server, limits);
      assert.deepEqual([...result.need].sort(), [...onlyServer].sort(), `${c.name}: need`);
      assert.deepEqual([...result.have].sort(), [...onlyClient].sort(), `${c.name}: have`);
    }
  });
}

test('its messages and differences are those of nostr-tools\' initiator, step by step', async () => {
  for (const [i, c] of CASES.entries()) {
    for (const frameSizeLimit of [0, 4096]) {
      const { client, server } = randomPair(c, 2000 + i);
      const storage = new NegentropyStorageVector();
      for (const { timestamp, id } of client) storage.insert(timestamp, id);
      storage.seal();
      const theirs = new Negentropy(storage, frameSizeLimit || 2 ** 40);
      const ours = datt.sync.openInitiator(datt.sync.packItems(client.map(({ timestamp, id }) => ({ created_at: timestamp, id }))),
        { frameSizeLimit });
      const harness = new Harness(server, 0);
      try {
        let message = ours.initiate();
        assert.equal(message, theirs.initiate(), `${c.name}: initial message`);
        for (let round = 0; ; round += 1) {
          assert.ok(round < 100);
          const reply = await harness.reply(message);
          const have = []; const need = [];
          const next = theirs.reconcile(reply, (id) => have.push(id), (id) => need.push(id));
          const step = ours.reconcile(reply);
          assert.deepEqual(new Set(step.have), new Set(have), `${c.name}: have in round ${round}`);
          assert.deepEqual(new Set(step.need), new Set(need), `${c.name}: need in round ${round}`);
          assert.equal(step.next, next, `${c.name}: message after round ${round}`);
          if (step.next === null) break;
          message = step.next;
        }
      } finally {
        ours.delete();
        harness.close();
      }
    }
  }
});

test('packItems lays out created_at big-endian then the id, from pairs or objects', () => {
  const id = 'ab'.repeat(32);
  const packed = datt.sync.packItems([[0x0102030405, id], { created_at: 2 ** 53 - 1, id }]);
  assert.equal(packed.length, 80);
  assert.deepEqual([...packed.subarray(0, 8)], [0, 0, 0, 1, 2, 3, 4, 5]);
  assert.deepEqual([...packed.subarray(8, 40)], new Array(32).fill(0xab));
  assert.deepEqual([...packed.subarray(40, 48)], [0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  assert.throws(() => datt.sync.packItems([[1, 'AB'.repeat(32)]]), { code: 'bad_hex' });
  assert.throws(() => datt.sync.packItems([[-1, id]]), { code: 'wrong_type' });
  assert.throws(() => datt.sync.packItems('x'), { code: 'wrong_type' });
});

test('bad sets, limits and replies are errors with stable codes, never a crash', () => {
  const id = (n) => n.toString(16).padStart(64, '0');
  assert.throws(() => datt.sync.openInitiator(new Uint8Array(41)), { code: 'sync_items_length' });
  assert.throws(() => datt.sync.openInitiator('items'), { code: 'wrong_type' });
  assert.throws(() => datt.sync.openInitiator([[5, id(1)], [5, id(1)]]), { code: 'duplicate_item' });
  const infinity = new Uint8Array(40).fill(0xff);
  assert.throws(() => datt.sync.openInitiator(infinity), { code: 'bad_item_timestamp' });
  assert.throws(() => datt.sync.openInitiator([[1, id(1)], [2, id(2)]], { maxItems: 1 }), { code: 'too_many_items' });
  assert.throws(() => datt.sync.openInitiator([], { frameSizeLimit: 100 }), { code: 'bad_frame_size_limit' });
  assert.throws(() => datt.sync.openInitiator([], { maxItems: -1 }), { code: 'wrong_type' });

  const initiator = datt.sync.openInitiator([[1, id(1)], [2, id(2)]]);
  assert.equal(initiator.size, 2);
  assert.throws(() => initiator.reconcile('zz'), { code: 'hex_invalid_char' });
  assert.throws(() => initiator.reconcile('00'), { code: 'bad_protocol_version' });
  assert.throws(() => initiator.reconcile('62'), { code: 'unsupported_protocol_version' });
  assert.throws(() => initiator.reconcile('6100'), { code: 'truncated' });
  assert.throws(() => initiator.reconcile('61000003'), { code: 'bad_mode' });
  // An empty relay: we have both, need none, and are done.
  const step = initiator.reconcile('6100000200');
  assert.deepEqual({ ...step, have: [...step.have].sort() }, { next: null, have: [id(1), id(2)], need: [] });
  initiator.delete();
  assert.throws(() => initiator.initiate(), { code: 'deleted' });
});
