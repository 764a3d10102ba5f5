// Issue 14 at the relay, against the real datt-relay over WebSockets on 127.0.0.1:
// content chains (extend, gap reported then closed, fork refused with its proof served as
// kind 4560), community rules at ingest (ban and unban, NIP-13 difficulty), unchained events,
// and state kept across a restart and a kill -9. Events are signed by nostr-tools and proof
// of work is mined by nostr-tools' nip13, not by the code under test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { minePow } from 'nostr-tools/nip13';
import { verifyEvent } from 'nostr-tools/pure';

import {
  GENEROUS_LIMITS, connect, fetchEvents, finalizeEvent, isEventFor, newKey, now, publish,
  publishOk, randomHex, startRelay,
} from './support.mjs';

/** One device's chain for `key`: next() signs the next event with its chain tag. */
function chainFor(key, chainId = randomHex(16)) {
  let seq = 0;
  let prev = null;
  return {
    id: chainId,
    get seq() { return seq; },
    /** The event at `at` (default: the next seq) after `prevId`, without advancing. */
    at(at, prevId, { kind = 1111, content = `seq ${at}`, tags = [] } = {}) {
      const tag = at === 0 ? ['chain', chainId, '0'] : ['chain', chainId, String(at), prevId];
      return finalizeEvent({ kind, created_at: now(), tags: [...tags, tag], content }, key.sk);
    },
    next(options = {}) {
      const event = this.at(seq, prev, options);
      seq += 1;
      prev = event.id;
      return event;
    },
  };
}

function assertOk(reply, event, accepted, prefix) {
  assert.equal(reply[0], 'OK');
  assert.equal(reply[1], event.id);
  assert.equal(reply[2], accepted, `OK ${accepted} expected, got ${JSON.stringify(reply)}`);
  if (prefix === '') assert.equal(reply[3], '');
  else assert.ok(reply[3].startsWith(prefix), `message "${reply[3]}" should start with "${prefix}"`);
}

describe('content chains and communities at the relay', () => {
  let relay;
  let client;

  before(async () => {
    relay = await startRelay({ args: GENEROUS_LIMITS });
    client = await connect(relay.url);
  });
  after(async () => {
    client?.ws.close();
    await relay?.cleanup();
  });

  test('unchained events are stored and served as before', async () => {
    const key = newKey();
    const event = finalizeEvent({ kind: 1111, created_at: now(), tags: [['t', 'unchained']], content: 'no chain' }, key.sk);
    await publishOk(client, event);
    assert.deepEqual(await fetchEvents(client, [{ ids: [event.id] }]), [event]);
  });

  test('an event extending its chain is accepted; a malformed chain tag is refused', async () => {
    const key = newKey();
    const chain = chainFor(key);
    for (let i = 0; i < 3; i += 1) await publishOk(client, chain.next());
    const bad = finalizeEvent({ kind: 1111, created_at: now(), tags: [['chain', chain.id, '03', randomHex(32)]], content: '' }, key.sk);
    assertOk(await publish(client, bad), bad, false, 'invalid: chain_seq_invalid');
    const replaceable = finalizeEvent({ kind: 0, created_at: now(), tags: [['chain', chain.id, '0']], content: '{}' }, key.sk);
    assertOk(await publish(client, replaceable), replaceable, false, 'invalid: chain_kind_not_chained');
    const ephemeral = finalizeEvent({ kind: 20001, created_at: now(), tags: [['chain', chain.id, '0']], content: '' }, key.sk);
    assertOk(await publish(client, ephemeral), ephemeral, false, 'invalid: chain_kind_not_chained');
  });

  test('a fork is refused and its proof is served as kind 4560, live and stored', async () => {
    const key = newKey();
    const chain = chainFor(key);
    const first = chain.next();
    const second = chain.next();
    await publishOk(client, first);
    await publishOk(client, second);

    const watcher = await connect(relay.url);
    watcher.send(['REQ', 'proofs', { kinds: [4560], '#p': [key.pk] }]);
    await watcher.next((m) => m[0] === 'EOSE' && m[1] === 'proofs');

    // Another event at seq 1: the author signed two.
    const rival = chain.at(1, first.id, { content: 'the other seq 1' });
    const reply = await publish(client, rival);
    assertOk(reply, rival, false, 'invalid: fork: ');
    assert.ok(reply[3].includes(second.id), 'the message names the event holding the position');

    const live = await watcher.next(isEventFor('proofs'), 5000, 'the proof, live');
    const stored = await fetchEvents(client, [{ kinds: [4560], '#p': [key.pk] }]);
    assert.equal(stored.length, 1);
    assert.deepEqual(stored[0], live[2]);
    const proof = stored[0];
    assert.ok(verifyEvent(proof), 'the relay signs the proof event');
    assert.deepEqual(proof.tags, [['p', key.pk], ['fork', chain.id, '1']]);
    const pair = JSON.parse(proof.content);
    assert.equal(pair.length, 2);
    for (const event of pair) assert.ok(verifyEvent({ ...event }), 'both events carry the author\'s signature');
    assert.deepEqual(new Set(pair.map((e) => e.id)), new Set([second.id, rival.id]));
    // The rival was not stored.
    assert.deepEqual(await fetchEvents(client, [{ ids: [rival.id] }]), []);

    // A third event at that seq is refused too, without a second proof for the position.
    const third = chain.at(1, first.id, { content: 'yet another seq 1' });
    assertOk(await publish(client, third), third, false, 'invalid: fork: ');
    assert.equal((await fetchEvents(client, [{ kinds: [4560], '#p': [key.pk] }])).length, 1);

    // A broken link: seq 2 naming the rival as its prev.
    const broken = chain.at(2, rival.id, { content: 'after the rival' });
    assertOk(await publish(client, broken), broken, false, 'invalid: fork: ');
    watcher.ws.close();
  });

  test('a client-published kind 4560 must hold a valid proof', async () => {
    const key = newKey();
    const bogus = finalizeEvent({ kind: 4560, created_at: now(), tags: [['p', key.pk]], content: '[1,2]' }, key.sk);
    assertOk(await publish(client, bogus), bogus, false, 'invalid: fork_proof_');
  });

  test('a gap is reported, the event kept as pending, and the gap closes when the missing event arrives', async () => {
    const key = newKey();
    const chain = chainFor(key);
    const e0 = chain.next();
    const e1 = chain.next();
    const e2 = chain.next();
    const e3 = chain.next();
    await publishOk(client, e0);

    const r2 = await publish(client, e2);
    assertOk(r2, e2, true, 'gap: 1 event missing');
    assert.ok(r2[3].includes('(seq 1)'), r2[3]);
    const r3 = await publish(client, e3);
    assertOk(r3, e3, true, 'gap: 1 event missing');
    // Pending events are stored and served.
    assert.equal((await fetchEvents(client, [{ ids: [e2.id, e3.id] }])).length, 2);
    // Never taken as the head: another event at seq 2 is a fork, not an extension.
    const rival = chain.at(2, e1.id, { content: 'rival of a pending entry' });
    assertOk(await publish(client, rival), rival, false, 'invalid: fork: ');

    await publishOk(client, e1);  // closes the gap: e2 and e3 join the chain
    await publishOk(client, chain.next());  // seq 4 extends the head (3) with no gap
  });

  test('a community refuses posts below its proof-of-work difficulty', async () => {
    const owner = newKey();
    const user = newKey();
    const name = `pow-${randomHex(4)}`;
    const address = `34550:${owner.pk}:${name}`;
    await publishOk(client, finalizeEvent({ kind: 34550, created_at: now(), tags: [['d', name], ['pow', '8']], content: '' }, owner.sk));

    const plain = finalizeEvent({ kind: 1111, created_at: now(), tags: [['A', address]], content: 'no work' }, user.sk);
    assertOk(await publish(client, plain), plain, false, 'pow: difficulty 8 required');

    // Work for a lower committed target is refused even when the id happens to have enough bits.
    const mined = minePow({ kind: 1111, created_at: now(), tags: [['A', address]], content: 'mined', pubkey: user.pk }, 8);
    const signed = finalizeEvent({ kind: mined.kind, created_at: mined.created_at, tags: mined.tags, content: mined.content }, user.sk);
    assert.equal(signed.id, mined.id);
    await publishOk(client, signed);

    // The owner is exempt; posts elsewhere are not this community's business.
    await publishOk(client, finalizeEvent({ kind: 1111, created_at: now(), tags: [['A', address]], content: 'owner' }, owner.sk));
    await publishOk(client, finalizeEvent({ kind: 1111, created_at: now(), tags: [['A', `34550:${owner.pk}:elsewhere`]], content: 'x' }, user.sk));
  });

  test('a banned author is refused, and accepted again after the unban', async () => {
    const owner = newKey();
    const user = newKey();
    const name = `ban-${randomHex(4)}`;
    const address = `34550:${owner.pk}:${name}`;
    const t = now();
    await publishOk(client, finalizeEvent({ kind: 34550, created_at: t, tags: [['d', name]], content: '' }, owner.sk));
    const post = (content) => finalizeEvent({ kind: 1111, created_at: now(), tags: [['A', address]], content }, user.sk);
    await publishOk(client, post('before the ban'));

    await publishOk(client, finalizeEvent({ kind: 4556, created_at: t, tags: [['a', address], ['p', user.pk]], content: 'spam' }, owner.sk));
    const refused = post('while banned');
    const reply = await publish(client, refused);
    assertOk(reply, refused, false, 'blocked: you are banned from ');
    assert.ok(reply[3].includes(address));

    // A ban by someone who is not a moderator changes nothing.
    const stranger = newKey();
    const other = newKey();
    await publishOk(client, finalizeEvent({ kind: 4556, created_at: t, tags: [['a', address], ['p', other.pk]], content: 'no authority' }, stranger.sk));
    await publishOk(client, finalizeEvent({ kind: 1111, created_at: now(), tags: [['A', address]], content: 'still fine' }, other.sk));

    await publishOk(client, finalizeEvent({ kind: 4557, created_at: t + 1, tags: [['a', address], ['p', user.pk]], content: 'forgiven' }, owner.sk));
    await publishOk(client, post('after the unban'));
  });
});

describe('chain and community state survive restarts', () => {
  test('restart and kill -9 keep events and chain state consistent', async () => {
    const relay = await startRelay({ args: GENEROUS_LIMITS });
    try {
      let client = await connect(relay.url);
      const key = newKey();
      const chain = chainFor(key);
      const events = Array.from({ length: 600 }, () => chain.next({ content: `stream ${Math.random()}` }));

      // A gap before a restart: seq 0, then a pending seq 2 of a second chain.
      const other = chainFor(key);
      const o0 = other.next();
      const o1 = other.next();
      const o2 = other.next();
      await publishOk(client, o0);
      assertOk(await publish(client, o2), o2, true, 'gap: ');

      // A ban before the restart.
      const owner = newKey();
      const user = newKey();
      const name = `keep-${randomHex(4)}`;
      const address = `34550:${owner.pk}:${name}`;
      await publishOk(client, finalizeEvent({ kind: 34550, created_at: now(), tags: [['d', name]], content: '' }, owner.sk));
      await publishOk(client, finalizeEvent({ kind: 4556, created_at: now(), tags: [['a', address], ['p', user.pk]], content: '' }, owner.sk));

      // Stream the chain without waiting, and kill -9 once some are acknowledged.
      const acked = new Set();
      const acksIn = new Promise((resolve) => {
        client.ws.on('message', (data) => {
          const m = JSON.parse(data.toString());
          if (m[0] === 'OK' && m[2] === true) {
            acked.add(m[1]);
            if (acked.size >= 200) resolve();
          }
        });
      });
      for (const event of events) client.send(['EVENT', event]);
      await acksIn;
      await relay.kill();

      const restarted = await startRelay({ args: GENEROUS_LIMITS, database: relay.database });
      try {
        client = await connect(restarted.url);
        const storedIds = new Set();
        for (let i = 0; i < events.length; i += 100) {
          const chunk = events.slice(i, i + 100).map((e) => e.id);
          for (const e of await fetchEvents(client, [{ ids: chunk }])) storedIds.add(e.id);
        }
        for (const id of acked) {
          if (events.some((e) => e.id === id)) assert.ok(storedIds.has(id), `acknowledged ${id} lost`);
        }
        // The stored part of the stream is a prefix 0..n-1, and the chain head is at n-1:
        // the next event extends it with no gap, and a rival at n-1 is a fork.
        let n = 0;
        while (n < events.length && storedIds.has(events[n].id)) n += 1;
        for (let i = n; i < events.length; i += 1) assert.ok(!storedIds.has(events[i].id), `seq ${i} stored past a hole`);
        assert.ok(n >= 200);
        if (n < events.length) {
          await publishOk(client, events[n]);
          n += 1;
        }
        const rival = chain.at(n - 1, events[n - 2].id, { content: 'rival after restart' });
        assertOk(await publish(client, rival), rival, false, 'invalid: fork: ');

        // The pending entry of the other chain is still pending, and closes now.
        const o3 = other.next();
        assertOk(await publish(client, o3), o3, true, 'gap: 1 event missing');
        await publishOk(client, o1);

        // The ban holds.
        const refused = finalizeEvent({ kind: 1111, created_at: now(), tags: [['A', address]], content: 'x' }, user.sk);
        assertOk(await publish(client, refused), refused, false, 'blocked: ');
        client.ws.close();
        await restarted.stop();

        // A clean restart too.
        const third = await startRelay({ args: GENEROUS_LIMITS, database: relay.database });
        try {
          const c = await connect(third.url);
          const rival2 = chain.at(0, null, { content: 'a second seq 0' });
          assertOk(await publish(c, rival2), rival2, false, 'invalid: fork: ');
          assert.equal((await fetchEvents(c, [{ kinds: [4560], '#p': [key.pk] }])).length, 2);
          c.ws.close();
        } finally {
          await third.stop();
        }
      } finally {
        await restarted.cleanup();
      }
    } finally {
      await relay.cleanup();
    }
  });
});
