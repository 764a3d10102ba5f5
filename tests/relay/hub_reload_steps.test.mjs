// A client reloads at every step of a payment A -> hub -> B (issue 13 item 6; hub_steps.mjs
// numbers the steps as they happen): A at every step, then B. The reloading client stops
// dead at step k (what it had not stored is gone, its connection dropped), then starts again
// on a fresh wasm instance from what it stored (Client.reload: the seed, the last stored
// state and events, the payee's preimage), reconnects, attaches and reestablishes; the
// other client's connection stays up. The payment ends once with exact balances, no HTLC is
// left, and a next payment goes through. The relay is real (datt-relay, WebSockets on
// 127.0.0.1) and is not restarted.
//
// Then the same with the old connection left open (a page that reloads before the hub sees
// its old WebSocket close): the new connection's channel_attach takes the channel from it
// (docs/protocol.md "Attaching a channel"), and each old connection's later frames for the
// channel get hub_channel_moved. A channel_attach whose signature is over another
// connection's challenge moves nothing: the payments that follow go through.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import WebSocket from 'ws';

import { loadWasmDatt } from '../support/vectors.mjs';
import { useDatt } from './hub_clients.mjs';
import { everyStep, setUp, StepClient } from './hub_steps.mjs';
import { startRelay } from './support.mjs';

useDatt(await loadWasmDatt());
const relays = [];
// The last relay first: the first one's folder (the database) goes last.
after(async () => { for (const r of relays.reverse()) await r.cleanup(); });

// The client `key` starts again from what it stored, on a fresh wasm instance and a new
// connection: it attaches and reestablishes there.
async function reload(ctx, key) {
  const old = ctx[key];
  const c = StepClient.reload(old, await loadWasmDatt());
  c.points = old.points;
  await c.connect(ctx.relay.url);
  await c.attach();
  ctx[key] = c;
}

for (const who of ['A', 'B']) {
  test(`${who} reloads at every step of a payment: it ends once, exact balances, no HTLC left`, { timeout: 120000 }, async () => {
    const ctx = await setUp(startRelay, relays);
    const key = who.toLowerCase();
    await everyStep(ctx, `${who} reloaded`, {
      dying: who,
      async crash() {
        ctx[key].ws.terminate();
        await reload(ctx, key);
      },
    });
    for (const c of [ctx.a, ctx.b]) c.close();
  });
}

// The code of the first warning in `frames` whose data starts with `code`, or undefined.
const warningOf = (frames, code) => frames.map((f) => Buffer.from(f))
  .filter((f) => f.readUInt16BE(33) === 1)
  .map((f) => f.subarray(69, 69 + f.readUInt16BE(67)).toString('utf8'))
  .find((data) => data.startsWith(`${code}: `));

async function warned(c, code) {
  const deadline = Date.now() + 10000;
  while (!warningOf(c.inbox, code)) {
    if (Date.now() > deadline) throw new Error(`${c.name}: no ${code} warning`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

for (const who of ['A', 'B']) {
  test(`${who} reloads at every step while its old connection stays open: the new one takes the channel`, { timeout: 120000 }, async () => {
    const ctx = await setUp(startRelay, relays);
    const key = who.toLowerCase();
    // The owner's channel_attach signed over one connection's challenge, replayed on another
    // by a stranger: refused, and the channel stays where it is.
    const [owner, stranger] = [new StepClient('owner'), new StepClient('stranger')];
    for (const c of [owner, stranger]) {
      await c.connect(ctx.relay.url);
      c.send(c.datt.channel.challengeRequest());
    }
    const signed = ctx[key].datt.channel.attach(ctx[key].state, ctx[key].seed, await owner.frame());
    await stranger.frame();
    stranger.send(signed.frames[0]);
    await warned(stranger, 'hub_attach_bad_signature');
    for (const c of [owner, stranger]) c.close();

    const olds = [];
    await everyStep(ctx, `${who} reloaded, old connection open`, {
      dying: who,
      async crash() {
        olds.push(ctx[key]);
        await reload(ctx, key);
      },
    });
    assert.ok(olds.length > 5, `${olds.length} reloads`);
    const id = Buffer.from(ctx[key].info().channel_id, 'hex');
    // update_fulfill_htlc (130) of HTLC 0 on each old connection, still open.
    const fulfill = Buffer.concat([Buffer.from([1]), id, Buffer.from([0, 130]), id, Buffer.alloc(8), Buffer.alloc(32)]);
    for (const old of olds) {
      assert.equal(old.ws.readyState, WebSocket.OPEN, 'the old connection is still open');
      old.ws.send(fulfill, { binary: true });
      await warned(old, 'hub_channel_moved');
      old.close();
    }
    for (const c of [ctx.a, ctx.b]) c.close();
  });
}
