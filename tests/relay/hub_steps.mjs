// Crash at every step of a payment A -> hub -> B (issue 13 item 6), for hub_crash_steps (kill
// -9 the relay) and hub_reload_steps (a client reloads). The steps are not a list written
// here: they are the points the clients go through, numbered as they happen: each step a
// client stores (its IndexedDB commit in the web app) and each frame it sends. Run k stops
// the network right after point k, makes sure the hub has run and committed every frame sent
// before it (a hub_challenge_request answered on each connection: the hub answers in order,
// after the commit of what came before), crashes, recovers, and checks the payment: it ends
// once (fulfilled, failed back, or never signed and dropped), balances exact in msat on A, B
// and the hub, no HTLC left, and a next payment goes through. The run whose payment ends
// before point k is reached is the last: the points of a payment, counted, not assumed.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';

import { Client, hex, nip11, open, quiet, until } from './hub_clients.mjs';

export const HUB_ARGS = ['--hub', 'true', '--hub-minimum-depth', '0'];
const AMOUNT = 1000000n;  // 1,000 sat to B per payment
const HUB_CHALLENGE = 55923;
const MESSAGE_NAMES = {
  1: 'warning', 17: 'error', 128: 'update_add_htlc', 130: 'update_fulfill_htlc', 131: 'update_fail_htlc',
  132: 'commitment_signed', 133: 'revoke_and_ack', 136: 'channel_reestablish', [HUB_CHALLENGE]: 'hub_challenge',
};
export const typeOf = (frame) => Buffer.from(frame).readUInt16BE(33);
export const nameOf = (frame) => MESSAGE_NAMES[typeOf(frame)] ?? `message ${typeOf(frame)}`;

/** Thrown inside a dying client's step: the reload happens right there. */
class Halt extends Error {}

/** The points of one payment, in the order they happen; the run stops at point `stopAt`. */
class Points {
  constructor(stopAt) {
    this.stopAt = stopAt;
    this.list = [];
    this.halted = false;
    this.counting = true;
  }

  /** Notes a point; true when it is the stop point. */
  note(label) {
    if (!this.counting) return false;
    this.list.push(label);
    if (this.list.length !== this.stopAt) return false;
    this.halted = true;
    this.counting = false;
    return true;
  }
}

/**
 * A client whose points are counted. After the stop point its network stops: frames it sends
 * are dropped (the relay is dead) or, when `holdFrames`, kept to send once the other side's
 * reload is over (its own connection is fine); a `dies` client stops dead at the stop point.
 */
export class StepClient extends Client {
  points = new Points(Infinity);
  dies = false;
  held = null;
  #receiving = null;

  onStored(step) {
    const what = this.#receiving ? `got ${nameOf(this.#receiving)}` : 'own step';
    this.#receiving = null;
    const sends = step.frames.length ? `; to send ${step.frames.map(nameOf).join(', ')}` : '';
    this.#noted(`${this.name} stored (${what}${sends})`);
  }

  send(frame) {
    if (this.points.halted) {
      this.held?.push(frame);
      return;
    }
    super.send(frame);
    this.#noted(`${this.name} sent ${nameOf(frame)}`);
  }

  step() {
    if (this.points.halted) return false;
    this.#receiving = this.inbox[0];
    return this.#unlessHalted(() => super.step());
  }

  /** Runs a command of this client (a payment): it may reach the stop point too. */
  act(command) { this.#unlessHalted(command); }

  #noted(label) {
    if (this.points.note(label) && this.dies) throw new Halt(label);
  }

  #unlessHalted(fn) {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof Halt)) throw error;
      return false;
    }
  }
}

/** A hub on a fresh database with A's channel (no room to receive) and B's (500,000 sat pushed). */
export async function setUp(startRelay, relays) {
  const relay = await startRelay({ args: HUB_ARGS });
  relays.push(relay);
  const a = new StepClient('A');
  const b = new StepClient('B');
  await open(a, relay.url, 1000000, 0n);
  await open(b, relay.url, 1000000, 500000000n);
  return { relay, fees: (await nip11(relay.port)).fees.channel, a, b, bChannel: b.info().channel_id };
}

const msat = (c) => ({ local: BigInt(c.info().to_local_msat), remote: BigInt(c.info().to_remote_msat) });

// B's invoice (B holds the preimage), the HTLC A adds for it, and the balances before.
function startPayment(ctx) {
  const { a, b, fees, bChannel } = ctx;
  b.preimage = randomBytes(32);
  const hash = createHash('sha256').update(b.preimage).digest('hex');
  const toSend = a.datt.channel.amountWithFee(fees, AMOUNT);
  const before = { a: msat(a), b: msat(b), aEvents: a.events.length };
  a.act(() => a.take(a.datt.channel.addHtlc(a.state, a.seed, {
    amount_msat: toSend, payment_hash: hash, cltv_expiry: 1040, block_height: 0,
    hop: { final: false, channel_id: bChannel, amount_msat: AMOUNT, cltv_expiry: 1000 },
  })));
  return { hash, toSend, before, preimage: hex(b.preimage) };
}

// How A's payment ended, from A's events since it started: [] while in flight.
function outcomes(a, payment) {
  const events = a.events.slice(payment.before.aEvents);
  const found = new Set();
  for (const e of events) {
    if (e.type === 'htlc_fulfilled' && e.preimage === payment.preimage) found.add('fulfilled');
    if (e.type === 'htlc_failed') found.add('failed');
    // A's add, never signed: the event names it (the web app fails its payment record so).
    if (e.type === 'updates_dropped' && e.adds.some((add) => add.payment_hash === payment.hash)) found.add('dropped');
  }
  return [...found];
}

const settled = (ctx, payment) => [ctx.a, ctx.b].every((c) => quiet(c) && c.info().link === 0 && c.inbox.length === 0) &&
  outcomes(ctx.a, payment).length > 0;

// Exactly one end, and the msat it moved: all of it (the hub keeps its fee) or nothing.
function checkPayment(ctx, payment, label) {
  const { a, b } = ctx;
  const ends = outcomes(a, payment);
  assert.equal(ends.length, 1, `${label}: one end, not ${ends.join(' and ')}`);
  const after = { a: msat(a), b: msat(b) };
  const paid = ends[0] === 'fulfilled';
  assert.equal(after.a.local, payment.before.a.local - (paid ? payment.toSend : 0n), `${label}: A's balance`);
  assert.equal(after.b.local, payment.before.b.local + (paid ? AMOUNT : 0n), `${label}: B's balance`);
  const hubBefore = payment.before.a.remote + payment.before.b.remote;
  assert.equal(after.a.remote + after.b.remote - hubBefore, paid ? payment.toSend - AMOUNT : 0n, `${label}: the hub's fee`);
  for (const c of [a, b]) assert.equal(c.info().htlcs, 0, `${label}: no HTLC left on ${c.name}`);
  return ends[0];
}

// The hub has run and committed every frame `c` sent before: its answer to a
// hub_challenge_request comes after them. The answer is taken out of the inbox.
async function drain(c) {
  c.ws.send(c.datt.channel.challengeRequest(), { binary: true });
  const deadline = Date.now() + 10000;
  for (;;) {
    const at = c.inbox.findIndex((f) => typeOf(f) === HUB_CHALLENGE);
    if (at >= 0) {
      c.inbox.splice(at, 1);
      return;
    }
    if (Date.now() > deadline) throw new Error(`${c.name}: no hub_challenge while draining`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * One run: a payment stopped at point `k`, `crash(ctx)` (which reconnects what it broke), the
 * payment settled and checked, then a payment with no crash. Returns {label, end} or null
 * when the payment ended before point k (k is past the last point), with the points seen.
 */
export async function runStep(ctx, k, { dying = null, crash }) {
  const points = new Points(k);
  for (const c of [ctx.a, ctx.b]) {
    c.points = points;
    c.dies = c.name === dying;
    c.held = dying && c.name !== dying ? [] : null;
  }
  const payment = startPayment(ctx);
  await until([ctx.a, ctx.b], () => points.halted || settled(ctx, payment), `the payment (step ${k})`, 10000);
  if (!points.halted) {
    checkPayment(ctx, payment, 'no crash');
    return { label: null, points: points.list };
  }
  const label = points.list[k - 1];
  for (const c of [ctx.a, ctx.b]) await drain(c);
  points.halted = false;  // the network is back for what the crash does (it counts nothing)
  await crash(ctx);
  for (const c of [ctx.a, ctx.b]) {
    for (const frame of c.held ?? []) c.send(frame);
    c.held = null;
  }
  await until([ctx.a, ctx.b], () => settled(ctx, payment), `the payment after a crash at step ${k} (${label})`, 10000);
  const end = checkPayment(ctx, payment, `step ${k} (${label})`);
  const next = startPayment(ctx);
  await until([ctx.a, ctx.b], () => settled(ctx, next), `the next payment after step ${k}`, 10000);
  assert.equal(checkPayment(ctx, next, `the next payment after step ${k}`), 'fulfilled');
  return { label, end, points: points.list };
}

/** Runs steps 1, 2, ... until a payment ends before its stop point; prints and returns the steps. */
export async function everyStep(ctx, what, options) {
  const steps = [];
  for (let k = 1; ; k += 1) {
    const run = await runStep(ctx, k, options);
    if (!run.label) {
      // The order (and with the hub's passes, the count) of the points varies a little from
      // run to run with the timing of the hub's frames: each run's own k-th point is printed.
      console.log(`${what}: ${steps.length} steps; a payment with no crash went through ${run.points.length}:`);
      run.points.forEach((label, i) => console.log(`  ${String(i + 1).padStart(2)}. ${label}`));
      break;
    }
    steps.push(run);
  }
  console.log(`${what}: the step each run crashed at, and how the payment ended:`);
  steps.forEach((s, i) => console.log(`  ${String(i + 1).padStart(2)}. ${s.label} -> ${s.end}`));
  return steps;
}
