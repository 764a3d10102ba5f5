// Resource limits that protect the relay without hurting honest clients: COUNT shares the
// REQ rate limit, and a REQ for many large events is paginated instead of disconnected.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  GENEROUS_LIMITS, connect, isClosed, newKey, publishOk, query, signEvent, startRelay, uniqueTag,
} from './support.mjs';

test('COUNT is rate-limited like REQ', async (t) => {
  const relay = await startRelay({ args: ['--reqs-per-second', '1'] });
  t.after(() => relay.stop());
  const client = await connect(relay.url);
  t.after(() => client.terminate());
  // Burst 2: the third COUNT within the same instant is refused.
  for (const sub of ['c1', 'c2']) {
    client.send(['COUNT', sub, { kinds: [1] }]);
    const reply = await client.next((m) => m[1] === sub, 5000);
    assert.deepEqual(reply, ['COUNT', sub, { count: 0 }]);
  }
  client.send(['COUNT', 'c3', { kinds: [1] }]);
  const refused = await client.next(isClosed('c3'), 5000);
  assert.match(refused[2], /^rate-limited: /);
});

test('a REQ for more large events than fit the budget is paginated, not disconnected', async (t) => {
  // 1 MiB outgoing cap: the stored part of one REQ may queue 256 KiB. 40 events of 30 KiB
  // content (1.2 MB) do not fit; the newest that do arrive, then EOSE, and `until` continues.
  const relay = await startRelay({ args: [...GENEROUS_LIMITS, '--max-outgoing-bytes', '1048576'] });
  t.after(() => relay.stop());
  const client = await connect(relay.url);
  t.after(() => client.terminate());
  const key = newKey();
  const tag = uniqueTag('big');
  const base = Math.floor(Date.now() / 1000) - 100;
  for (let i = 0; i < 40; i += 1) {
    await publishOk(client, signEvent({ created_at: base + i, tags: [['t', tag]], content: 'x'.repeat(30000) }, key));
  }
  const seen = new Set();
  let until = base + 40;
  for (let page = 0; page < 10 && seen.size < 40; page += 1) {
    const { events, eose } = await query(client, `p${page}`, [{ '#t': [tag], until, limit: 40 }]);
    assert.equal(eose, true);
    assert.ok(events.length > 0 && events.length < 40, `page ${page}: ${events.length} events`);
    for (const event of events) seen.add(event.id);
    until = Math.min(...events.map((e) => e.created_at)) - 1;
    client.send(['CLOSE', `p${page}`]);
  }
  assert.equal(seen.size, 40, 'every event is reachable by paging with until');
  assert.equal(client.isOpen, true, 'the client was not disconnected');
});
