// datt-relay with --hub true over real WebSockets on 127.0.0.1: NIP-11 advertises the fee
// policy and the channels the hub funds when asked, or not (docs/protocol.md "Channels"); binary frames reach the hub and its answers come back
// as binary frames (BOLT-1 warning, type 1, "code: message"), while text NIP-01 traffic on
// the same socket keeps working; without --hub a binary frame still gets the NOTICE. The
// channel flows themselves (open, pay, hold, fail back, restart) run in
// tests/relay/hub_test.cpp against the same engine in process.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import WebSocket from 'ws';

import { startRelay } from './support.mjs';

const relays = [];
after(async () => { for (const r of relays) await r.stop(); });

function nip11(port) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', headers: { Accept: 'application/nostr+json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve(JSON.parse(body)));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const binary = [];
    const text = [];
    const waiters = [];
    ws.on('message', (data, isBinary) => {
      (isBinary ? binary : text).push(isBinary ? Buffer.from(data) : JSON.parse(data.toString()));
      for (const w of waiters.splice(0)) w();
    });
    ws.on('open', () => resolve({
      ws,
      async next(kind, timeoutMs = 5000) {
        const list = kind === 'binary' ? binary : text;
        const deadline = Date.now() + timeoutMs;
        while (list.length === 0) {
          if (Date.now() > deadline) throw new Error(`no ${kind} frame within ${timeoutMs} ms`);
          await new Promise((r) => { waiters.push(r); setTimeout(r, 50); });
        }
        return list.shift();
      },
    }));
    ws.on('error', reject);
  });
}

// A frame's envelope and BOLT-1 warning/error, read by hand from the documented layout.
function readWarning(frame) {
  assert.equal(frame[0], 1, 'version');
  const channelId = frame.subarray(1, 33);
  const type = frame.readUInt16BE(33);
  assert.ok(type === 1 || type === 17, `warning or error, got type ${type}`);
  assert.deepEqual(frame.subarray(35, 67), channelId, "the message's channel_id is the envelope's");
  const length = frame.readUInt16BE(67);
  return { type, channelId, data: frame.subarray(69, 69 + length).toString('utf8') };
}

test('NIP-11 advertises the hub fees; bad binary frames get warnings with codes; NIP-01 still works', { timeout: 30000 }, async () => {
  const relay = await startRelay({ args: ['--hub', 'true', '--hub-minimum-depth', '0', '--hub-base-fee-msat', '2000', '--hub-fee-ppm', '500',
    '--hub-open-max-sats', '300000', '--hub-open-max-per-client', '2'] });
  relays.push(relay);
  const info = await nip11(relay.port);
  assert.deepEqual(info.fees, { channel: { base_msat: 2000, proportional_millionths: 500, cltv_expiry_delta: 40 } });
  assert.equal(info.channels.frame_version, 1);
  assert.equal(info.channels.minimum_depth, 0);
  assert.deepEqual(info.hub_open, { max_sats: 300000, max_per_client: 2 });

  const c = await open(relay.url);
  const cases = [
    [Buffer.from([1, 2, 3]), 'frame_truncated'],
    [Buffer.concat([Buffer.from([9]), Buffer.alloc(32), Buffer.from([0, 17, ...Buffer.alloc(32), 0, 0])]), 'frame_bad_version'],
    // An error message (17) whose channel_id differs from the envelope's.
    [Buffer.concat([Buffer.from([1]), Buffer.alloc(32, 1), Buffer.from([0, 17]), Buffer.alloc(32, 2), Buffer.from([0, 0])]),
      'frame_channel_id_mismatch'],
    // An unknown even message type.
    [Buffer.concat([Buffer.from([1]), Buffer.alloc(32), Buffer.from([0x7f, 0xfe, 0])]), 'wire_unknown_even_message'],
    // A well-formed update_fulfill_htlc for a channel the hub does not have.
    [Buffer.concat([Buffer.from([1]), Buffer.alloc(32, 5), Buffer.from([0, 130]), Buffer.alloc(32, 5), Buffer.alloc(8), Buffer.alloc(32)]),
      'hub_unknown_channel'],
  ];
  for (const [frame, code] of cases) {
    c.ws.send(frame, { binary: true });
    const warning = readWarning(await c.next('binary'));
    assert.equal(warning.type, 1, `${code}: a warning`);
    assert.ok(warning.data.startsWith(`${code}: `), `expected ${code}, got ${warning.data}`);
  }
  // Text NIP-01 on the same socket.
  c.ws.send(JSON.stringify(['REQ', 's', { limit: 1 }]));
  assert.deepEqual(await c.next('text'), ['EOSE', 's']);
  c.ws.close();
});

// Attaching a channel (docs/protocol.md "Attaching a channel"), bytes written by hand from
// the documented layout: hub_challenge_request (0xda71) gets hub_challenge (0xda73) with 32
// random bytes, the same on one connection and another on the next; channel_attach (0xda75)
// for a channel the hub does not have, a nonzero channel_id in a request, and a
// channel_reestablish for an unknown channel each get their warning.
test('hub_challenge is per connection; attach and reestablish refusals have codes', { timeout: 30000 }, async () => {
  const relay = await startRelay({ args: ['--hub', 'true', '--hub-minimum-depth', '0', '--hub-open-max-per-client', '0'] });
  relays.push(relay);
  assert.equal((await nip11(relay.port)).hub_open, undefined, 'a hub that funds no channel says nothing of it');
  const request = Buffer.concat([Buffer.from([1]), Buffer.alloc(32), Buffer.from([0xda, 0x71]), Buffer.alloc(32)]);
  const challengeOf = async (c) => {
    c.ws.send(request, { binary: true });
    const frame = await c.next('binary');
    assert.equal(frame.length, 1 + 32 + 2 + 32 + 32);
    assert.equal(frame[0], 1);
    assert.deepEqual(frame.subarray(1, 33), Buffer.alloc(32));
    assert.equal(frame.readUInt16BE(33), 0xda73);
    assert.deepEqual(frame.subarray(35, 67), Buffer.alloc(32));
    return frame.subarray(67, 99);
  };
  const c = await open(relay.url);
  const first = await challengeOf(c);
  assert.notDeepEqual(first, Buffer.alloc(32));
  assert.deepEqual(await challengeOf(c), first, 'one challenge per connection');
  const d = await open(relay.url);
  assert.notDeepEqual(await challengeOf(d), first, 'another connection, another challenge');

  const cases = [
    // A request whose channel_id is not zero (the message is parsed before the envelope's id is compared).
    [Buffer.concat([Buffer.from([1]), Buffer.alloc(32, 7), Buffer.from([0xda, 0x71]), Buffer.alloc(32, 7)]),
      'wire_nonzero_channel_id'],
    // channel_attach (any valid r, s) for a channel the hub does not have.
    [Buffer.concat([Buffer.from([1]), Buffer.alloc(32, 5), Buffer.from([0xda, 0x75]), Buffer.alloc(32, 5), Buffer.alloc(64, 1)]),
      'hub_unknown_channel'],
    // The hub's own message, sent to it.
    [Buffer.concat([Buffer.from([1]), Buffer.alloc(32), Buffer.from([0xda, 0x73]), Buffer.alloc(32), Buffer.alloc(32, 9)]),
      'hub_unexpected_message'],
  ];
  for (const [frame, code] of cases) {
    c.ws.send(frame, { binary: true });
    const warning = readWarning(await c.next('binary'));
    assert.equal(warning.type, 1, `${code}: a warning`);
    assert.ok(warning.data.startsWith(`${code}: `), `expected ${code}, got ${warning.data}`);
  }
  c.ws.close();
  d.ws.close();
});

test('without --hub a binary frame gets the NOTICE as before', { timeout: 20000 }, async () => {
  const relay = await startRelay();
  relays.push(relay);
  const info = await nip11(relay.port);
  assert.equal(info.fees, undefined);
  const c = await open(relay.url);
  c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
  assert.deepEqual(await c.next('text'), ['NOTICE', 'invalid: binary_frame: only text frames carry Nostr messages']);
  c.ws.close();
});
