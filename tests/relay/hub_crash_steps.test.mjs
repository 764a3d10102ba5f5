// kill -9 the relay at every step of a payment A -> hub -> B (issue 13 item 6; hub_steps.mjs
// numbers the steps as they happen): real datt-relay with the hub, real WebSockets on
// 127.0.0.1, wasm clients. At step k the relay is killed (SIGKILL) once it has committed
// every frame sent before, restarted on the same database, and both clients reconnect,
// attach and reestablish: the payment ends once with exact balances, no HTLC is left, and
// a next payment goes through.
import { after, test } from 'node:test';

import { loadWasmDatt } from '../support/vectors.mjs';
import { useDatt } from './hub_clients.mjs';
import { everyStep, HUB_ARGS, setUp } from './hub_steps.mjs';
import { startRelay } from './support.mjs';

useDatt(await loadWasmDatt());
const relays = [];
// The last relay first: the first one's folder (the database) goes last.
after(async () => { for (const r of relays.reverse()) await r.cleanup(); });

test('kill -9 the relay at every step of a payment: it ends once, exact balances, no HTLC left', { timeout: 120000 }, async () => {
  const ctx = await setUp(startRelay, relays);
  await everyStep(ctx, 'relay killed', {
    async crash() {
      await ctx.relay.kill();
      ctx.relay = await startRelay({ database: ctx.relay.database, args: HUB_ARGS });
      relays.push(ctx.relay);
      for (const c of [ctx.a, ctx.b]) {
        c.ws.terminate();
        c.take(c.datt.channel.disconnected(c.state, c.seed));
      }
      for (const c of [ctx.a, ctx.b]) {
        await c.connect(ctx.relay.url);
        await c.attach();
      }
    },
  });
  for (const c of [ctx.a, ctx.b]) c.close();
});
