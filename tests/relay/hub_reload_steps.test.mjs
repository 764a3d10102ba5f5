// A client reloads at every step of a payment A -> hub -> B (issue 13 item 6; hub_steps.mjs
// numbers the steps as they happen): A at every step, then B. The reloading client stops
// dead at step k (what it had not stored is gone, its connection dropped), then starts again
// on a fresh wasm instance from what it stored (Client.reload: the seed, the last stored
// state and events, the payee's preimage), reconnects, attaches and reestablishes; the
// other client's connection stays up. The payment ends once with exact balances, no HTLC is
// left, and a next payment goes through. The relay is real (datt-relay, WebSockets on
// 127.0.0.1) and is not restarted.
import { after, test } from 'node:test';

import { loadWasmDatt } from '../support/vectors.mjs';
import { useDatt } from './hub_clients.mjs';
import { everyStep, setUp, StepClient } from './hub_steps.mjs';
import { startRelay } from './support.mjs';

useDatt(await loadWasmDatt());
const relays = [];
// The last relay first: the first one's folder (the database) goes last.
after(async () => { for (const r of relays.reverse()) await r.cleanup(); });

for (const who of ['A', 'B']) {
  test(`${who} reloads at every step of a payment: it ends once, exact balances, no HTLC left`, { timeout: 120000 }, async () => {
    const ctx = await setUp(startRelay, relays);
    const key = who.toLowerCase();
    await everyStep(ctx, `${who} reloaded`, {
      dying: who,
      async crash() {
        const old = ctx[key];
        old.ws.terminate();
        const c = StepClient.reload(old, await loadWasmDatt());
        c.points = old.points;
        await c.connect(ctx.relay.url);
        await c.attach();
        ctx[key] = c;
      },
    });
    for (const c of [ctx.a, ctx.b]) c.close();
  });
}
