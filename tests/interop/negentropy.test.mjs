// NIP-77 interop with an independent implementation: nostr-tools' Negentropy (npm
// nostr-tools, pinned in package.json; its nip77 module is a port of the reference
// JavaScript implementation and plays the initiator only). core/sync runs through its stdio
// harness (tests/core/sync/negentropy_harness.cpp, the reference suite's line protocol).
//
// - nostr-tools as initiator against Datt's responder: both sides learn exactly their
//   differences, with and without frame size limits on either side.
// - Datt's initiator sends byte for byte the messages nostr-tools sends for the same
//   replies, and reports the same have/need ids (the reference suite's "delta" check).
// - Datt's responder replies byte for byte as nostr-tools does to messages that hold no
//   IdList (nostr-tools answers IdLists as an initiator, so only those are comparable).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { negentropyHarnessPath, repoRoot } from '../support/vectors.mjs';
import { randomId, rng } from '../support/seeded_random.mjs';

// nostr-tools 2.20.0 does not list nip77 in its package exports: load the file itself.
const { Negentropy, NegentropyStorageVector } = await import(
  pathToFileURL(path.join(repoRoot, 'node_modules/nostr-tools/lib/esm/nip77.js')).href);

// nostr-tools needs a limit of at least 4096; one this large never applies ("no limit").
const UNLIMITED_FOR_NOSTR_TOOLS = 2 ** 40;

// Items on the client only, the server only, or both; timestamps within `spread` seconds.
function randomPair({ items, clientOnly, serverOnly, spread }, seed) {
  const next = rng(seed);
  const client = []; const server = [];
  const onlyClient = new Set(); const onlyServer = new Set();
  for (let i = 0; i < items; i += 1) {
    const item = { timestamp: 1700000000 + Math.floor(next() * spread), id: randomId(next) };
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

// One harness process; replies are read line by line.
class Harness {
  constructor(items, frameSizeLimit) {
    assert.ok(existsSync(negentropyHarnessPath()), `build the harness first: ${negentropyHarnessPath()}`);
    this.child = spawn(negentropyHarnessPath(), [], {
      env: { ...process.env, FRAMESIZELIMIT: String(frameSizeLimit) },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.lines = [];
    this.waiting = null;
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      this.lines.push(line);
      if (this.waiting) { this.waiting(); this.waiting = null; }
    });
    const input = items.map(({ timestamp, id }) => `item,${timestamp},${id}\n`).join('');
    this.child.stdin.write(`${input}seal\n`);
  }

  async line() {
    const deadline = setTimeout(() => this.waiting?.(), 20000);
    while (this.lines.length === 0) {
      if (this.child.exitCode !== null) throw new Error(`harness exited ${this.child.exitCode}`);
      await new Promise((resolve) => { this.waiting = resolve; });
      if (this.lines.length === 0) { clearTimeout(deadline); throw new Error('harness timed out'); }
    }
    clearTimeout(deadline);
    const line = this.lines.shift();
    if (line.startsWith('error,')) throw new Error(`harness: ${line}`);
    return line;
  }

  async initiate() {
    this.child.stdin.write('initiate\n');
    return (await this.line()).replace(/^msg,/, '');
  }

  // As responder: the reply. As initiator: { reply (null when done), have, need }.
  async reply(message) {
    this.child.stdin.write(`msg,${message}\n`);
    return (await this.line()).replace(/^msg,/, '');
  }

  async step(message) {
    this.child.stdin.write(`msg,${message}\n`);
    const have = []; const need = [];
    for (;;) {
      const line = await this.line();
      if (line.startsWith('have,')) have.push(line.slice(5));
      else if (line.startsWith('need,')) need.push(line.slice(5));
      else if (line === 'done') return { reply: null, have, need };
      else return { reply: line.replace(/^msg,/, ''), have, need };
    }
  }

  close() { this.child.stdin.end(); }
}

function nostrTools(items, frameSizeLimit) {
  const storage = new NegentropyStorageVector();
  for (const { timestamp, id } of items) storage.insert(timestamp, id);
  storage.seal();
  return new Negentropy(storage, frameSizeLimit || UNLIMITED_FOR_NOSTR_TOOLS);
}

function nostrToolsStep(negentropy, message) {
  const have = []; const need = [];
  const reply = negentropy.reconcile(message, (id) => have.push(id), (id) => need.push(id));
  return { reply, have, need };
}

// True when a hex message has no IdList range (walks the ranges by the spec's layout).
function hasIdList(message) {
  const bytes = Buffer.from(message, 'hex');
  let at = 1;
  const varint = () => {
    let value = 0n;
    for (;;) {
      const byte = bytes[at]; at += 1;
      value = (value << 7n) | BigInt(byte & 0x7f);
      if ((byte & 0x80) === 0) return value;
    }
  };
  while (at < bytes.length) {
    varint();
    const prefixLength = Number(varint());
    at += prefixLength;
    const mode = varint();
    if (mode === 2n) return true;
    if (mode === 1n) at += 16;
  }
  return false;
}

const shapes = [
  { name: 'both empty', items: 0, clientOnly: 0, serverOnly: 0, spread: 1 },
  { name: 'identical', items: 3000, clientOnly: 0, serverOnly: 0, spread: 100000 },
  { name: 'client empty', items: 2000, clientOnly: 0, serverOnly: 1, spread: 100000 },
  { name: 'server empty', items: 2000, clientOnly: 1, serverOnly: 0, spread: 100000 },
  { name: 'all different', items: 2000, clientOnly: 0.5, serverOnly: 0.5, spread: 100000 },
  { name: 'a few differences', items: 20000, clientOnly: 0.002, serverOnly: 0.003, spread: 1000000 },
  { name: 'many in one second', items: 5000, clientOnly: 0.05, serverOnly: 0.05, spread: 1 },
  { name: 'many differences', items: 6000, clientOnly: 0.2, serverOnly: 0.2, spread: 50 },
];
const limits = [[0, 0], [4096, 0], [0, 4096], [60000, 60000], [5000, 30000]];

test('nostr-tools as initiator and Datt as responder learn exactly their differences', async () => {
  let seed = 1;
  for (const shape of shapes) {
    for (const [clientLimit, serverLimit] of limits) {
      const label = `${shape.name}, limits ${clientLimit}/${serverLimit}`;
      const pair = randomPair(shape, seed += 1);
      const client = nostrTools(pair.client, clientLimit);
      const server = new Harness(pair.server, serverLimit);
      const have = new Set(); const need = new Set();
      try {
        let message = client.initiate();
        for (let round = 0; message !== null; round += 1) {
          assert.ok(round < 500, `${label}: no end`);
          const reply = await server.reply(message);
          if (serverLimit) assert.ok(reply.length / 2 <= serverLimit, `${label}: reply over the limit`);
          message = client.reconcile(reply, (id) => have.add(id), (id) => need.add(id));
        }
      } finally {
        server.close();
      }
      assert.deepEqual([...have].sort(), [...pair.onlyClient].sort(), `${label}: have`);
      assert.deepEqual([...need].sort(), [...pair.onlyServer].sort(), `${label}: need`);
    }
  }
});

test('Datt sends the same bytes as nostr-tools: initiator messages, responder replies without IdLists', async () => {
  let seed = 100;
  let comparedReplies = 0;
  for (const shape of shapes) {
    for (const [clientLimit, serverLimit] of limits) {
      const label = `${shape.name}, limits ${clientLimit}/${serverLimit}`;
      const pair = randomPair(shape, seed += 1);
      const client = new Harness(pair.client, clientLimit);
      const server = new Harness(pair.server, serverLimit);
      // nostr-tools keeps no state between messages, so one instance per side serves all.
      const clientTwin = nostrTools(pair.client, clientLimit);
      const serverTwin = nostrTools(pair.server, serverLimit);
      try {
        let message = await client.initiate();
        assert.equal(message, clientTwin.initiate(), `${label}: initial message`);
        for (let round = 0; message !== null; round += 1) {
          assert.ok(round < 500, `${label}: no end`);
          const reply = await server.reply(message);
          if (!hasIdList(message)) {
            const theirs = nostrToolsStep(serverTwin, message).reply;
            assert.equal(reply, theirs ?? '61', `${label}: responder reply in round ${round}`);
            comparedReplies += 1;
          }
          const ours = await client.step(reply);
          const theirs = nostrToolsStep(clientTwin, reply);
          assert.equal(ours.reply, theirs.reply, `${label}: initiator message in round ${round + 1}`);
          assert.deepEqual(ours.have.sort(), theirs.have.sort(), `${label}: have in round ${round + 1}`);
          assert.deepEqual(ours.need.sort(), theirs.need.sort(), `${label}: need in round ${round + 1}`);
          message = ours.reply;
        }
      } finally {
        client.close();
        server.close();
      }
    }
  }
  assert.ok(comparedReplies > 20, `only ${comparedReplies} responder replies compared`);
});
