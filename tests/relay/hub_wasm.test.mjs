// Two browser-side clients built on the wasm module (datt.channel) open channels to a real
// datt-relay running the hub (--hub true) over real WebSockets on 127.0.0.1, and A pays B
// through it: B gives A a BOLT-11 invoice (datt.invoice) whose payment hash A pays; balances
// are checked exactly in msat on both clients, the hub keeps the fee it advertises in NIP-11
// (A's loss minus B's gain). Then the relay is killed with SIGKILL and restarted on the
// same database: both clients attach their channels again (hub_challenge, channel_attach
// signed by their funding keys; a stranger with a copy of A's channel state but not its
// key, and A's own signature replayed on another connection, are refused) and reestablish,
// and a second payment goes through.
// --hub-minimum-depth 0: no chain here (the funding transactions are not broadcast); the
// confirmations path needs bcoin (not covered by this suite).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, test } from 'node:test';

import { loadWasmDatt } from '../support/vectors.mjs';
import { Client, hex, nip11, open, quiet, until, useDatt } from './hub_clients.mjs';
import { startRelay } from './support.mjs';

const datt = await loadWasmDatt();
useDatt(datt);
const relays = [];
after(async () => { for (const r of relays) await r.stop(); });

test('A pays B through the hub with wasm clients; the hub keeps exactly its fee; kill -9 and restart', { timeout: 90000 }, async () => {
  let relay = await startRelay({ args: ['--hub', 'true', '--hub-minimum-depth', '0'] });
  relays.push(relay);
  const fees = (await nip11(relay.port)).fees.channel;

  const a = new Client('A');
  const b = new Client('B');
  await open(a, relay.url, 1000000, 0n);
  await open(b, relay.url, 1000000, 500000000n);  // B buys 500,000 sat of inbound room
  const bChannel = b.info().channel_id;

  // B's invoice for 50,000 sat; A pays its hash through the hub.
  b.preimage = randomBytes(32);
  const payeeKey = randomBytes(32);
  const invoice = datt.invoice.encode({
    network: 'regtest', amount_msat: 50000000n,
    payment_hash: createHash('sha256').update(b.preimage).digest('hex'),
    payment_secret: hex(randomBytes(32)), description: 'tip', min_final_cltv_expiry: 18,
  }, payeeKey);
  const decoded = datt.invoice.decode(invoice);
  const toSend = datt.channel.amountWithFee(fees, decoded.amount_msat);
  assert.equal(toSend, 50000000n + BigInt(fees.base_msat) + 50000000n * BigInt(fees.proportional_millionths) / 1000000n);

  const pay = () => a.take(datt.channel.addHtlc(a.state, a.seed, {
    amount_msat: toSend, payment_hash: decoded.payment_hash, cltv_expiry: 1040, block_height: 0,
    hop: { final: false, channel_id: bChannel, amount_msat: decoded.amount_msat, cltv_expiry: 1000 },
  }));
  pay();
  // The add not yet signed is already an HTLC the channel holds (the web app keeps its preimage).
  assert.deepEqual(a.info().htlc_hashes, [decoded.payment_hash]);
  // htlc_hashes reads both commitments: the hub's holds the HTLC until its revoke_and_ack
  // arrives, which may be after A's own side is quiet; so the settled state is waited for.
  const settled = (c) => quiet(c) && c.info().htlc_hashes.length === 0;
  await until([a, b], () => settled(a) && settled(b) && a.events.some((e) => e.type === 'htlc_fulfilled'), 'the payment');
  assert.deepEqual(a.info().htlc_hashes, []);
  assert.deepEqual(b.info().htlc_hashes, []);
  assert.equal(a.events.find((e) => e.type === 'htlc_fulfilled').preimage, hex(b.preimage));
  assert.equal(BigInt(a.info().to_local_msat), 1000000000n - toSend);
  assert.equal(BigInt(b.info().to_local_msat), 500000000n + 50000000n);
  // What the hub holds on each channel is the clients' to_remote: its gain is the fee.
  const hubGain = BigInt(a.info().to_remote_msat) + BigInt(b.info().to_remote_msat) - 500000000n;
  assert.equal(hubGain, toSend - 50000000n);

  // kill -9, restart on the same database, reconnect: reestablish, then pay again.
  relay.process.kill('SIGKILL');
  await relay.exited;
  relay = await startRelay({ database: relay.database, args: ['--hub', 'true', '--hub-minimum-depth', '0'] });
  relays.push(relay);
  for (const c of [a, b]) {
    c.ws.terminate();
    c.take(datt.channel.disconnected(c.state, c.seed));
  }
  // A stranger with a copy of A's channel state (so its channel_id and the hub's key), not
  // A's seed: its reestablish without attaching, and its attach signed by another key, are
  // refused, and the channel stays free for A.
  const stranger = new Client('stranger');
  await stranger.connect(relay.url);
  const warning = async () => {
    const frame = Buffer.from(await stranger.frame());
    assert.equal(frame.readUInt16BE(33), 1, 'a warning');
    const text = frame.subarray(69, 69 + frame.readUInt16BE(67)).toString('utf8');
    return text.slice(0, text.indexOf(':'));
  };
  for (const f of datt.channel.connected(a.state, stranger.seed).frames) stranger.ws.send(f, { binary: true });
  assert.equal(await warning(), 'hub_attach_required');
  stranger.ws.send(datt.channel.challengeRequest(), { binary: true });
  const strangerChallenge = await stranger.frame();
  for (const f of datt.channel.attach(a.state, stranger.seed, strangerChallenge).frames) stranger.ws.send(f, { binary: true });
  assert.equal(await warning(), 'hub_attach_bad_signature');

  for (const c of [a, b]) {
    await c.connect(relay.url);
    await c.attach();
  }
  await until([a, b], () => a.info().link === 0 && b.info().link === 0, 'reestablish');
  assert.notDeepEqual(a.challenge, strangerChallenge, 'one challenge per connection');
  // A's own channel_attach, replayed on the stranger's connection: another challenge there.
  stranger.ws.send(a.attachFrame, { binary: true });
  assert.equal(await warning(), 'hub_attach_bad_signature');
  stranger.ws.close();
  pay();
  await until([a, b], () => quiet(a) && quiet(b) && BigInt(b.info().to_local_msat) === 600000000n, 'the second payment');
  assert.equal(BigInt(a.info().to_local_msat), 1000000000n - 2n * toSend);
  for (const c of [a, b]) c.ws.close();
});
