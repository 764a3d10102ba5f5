// Votes and ranking through wasm: the same orders as tests/core/feed/feed_test.cpp (computed
// independently in Python from reddit's formulas), and tallies of events the module signs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();
const T = 1700000000;
const id = (n) => n.toString(16).padStart(2, '0').repeat(32);

// Items 1 and 3 are identical but for the id; 5 and 6 share created_at.
const items = [
  [1, T, 10, 2], [2, T + 3600, 3, 0], [3, T, 10, 2], [4, T - 2 * 86400, 50, 45],
  [5, T + 7200, 0, 4], [6, T + 7200, 0, 0], [7, T - 3600, 8, 0],
].map(([n, created_at, ups, downs]) => ({ id: id(n), created_at, ups, downs, title: `post ${n}` }));

function rejects(fn, code) {
  assert.throws(fn, (e) => e.name === 'DattError' && e.code === code);
}

function shuffled(list, seed) {
  const out = [...list];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function expectOrder(sort, options, expected) {
  const want = expected.map(id);
  for (let seed = 1; seed <= 10; seed += 1) {
    assert.deepEqual(datt.rank(shuffled(items, seed), sort, options), want, `${sort} seed ${seed}`);
  }
}

test('rank: every sort on the hand-made set, independent of input order', () => {
  expectOrder('hot', { now: T }, [1, 3, 7, 2, 6, 5, 4]);
  expectOrder('new', { now: T }, [5, 6, 2, 1, 3, 7, 4]);
  expectOrder('top', { now: T }, [1, 3, 7, 4, 2, 6, 5]);
  expectOrder('controversial', { now: T }, [4, 1, 3, 7, 2, 6, 5]);
  expectOrder('best', { now: T }, [7, 1, 3, 2, 4, 6, 5]);
});

test('rank: the top window keeps items with created_at >= now - window', () => {
  expectOrder('top', { now: T + 3600, topWindowSeconds: 86400 }, [1, 3, 7, 2, 6, 5]);
  expectOrder('top', { now: T + 3600, topWindowSeconds: 3600 }, [1, 3, 2, 6, 5]);
  expectOrder('top', { now: T + 7200, topWindowSeconds: 1 }, [6, 5]);
  assert.equal(datt.rank(items, 'new', { now: T + 7200, topWindowSeconds: 1 }).length, 7);
});

test('rank: an exact hot tie goes to the newer item', () => {
  const t = 1134028003 + 45000 * 12000; // hot(10,0,t) == hot(1,0,t+45000) == 12001
  const tied = [{ id: id(1), created_at: t, ups: 10, downs: 0 },
    { id: id(2), created_at: t + 45000, ups: 1, downs: 0 }];
  assert.deepEqual(datt.rank(tied, 'hot', { now: t }), [id(2), id(1)]);
  assert.deepEqual(datt.rank([], 'hot'), []);
});

test('rank: bad input is a DattError and the module keeps working', () => {
  rejects(() => datt.rank(items, 'rising', { now: T }), 'bad_sort');
  rejects(() => datt.rank([{ ...items[0], id: id(10).toUpperCase() }], 'new'), 'bad_hex');
  rejects(() => datt.rank([{ ...items[0], ups: -1 }], 'new'), 'wrong_type');
  rejects(() => datt.rank([{ ...items[0], created_at: 1.5 }], 'new'), 'wrong_type');
  rejects(() => datt.rank([7], 'new'), 'wrong_type');
  rejects(() => datt.rank(items, 'top', { now: 0.5 }), 'wrong_type');
  rejects(() => datt.rank(items, 'top', { now: T, topWindowSeconds: -1 }), 'wrong_type');
  rejects(() => datt.rank(items, 'top', { now: '1' }), 'wrong_type');
  rejects(() => datt.rank('x', 'top'), 'wrong_type');
  assert.equal(datt.rank(items, 'top', { now: T }).length, 7);
});

const X = 'a'.repeat(64);
const Y = 'b'.repeat(64);
const voters = Array.from({ length: 4 }, () => datt.generateSecretKey());
const vote = (voter, created_at, content, tags = [['e', X]], kind = 7) =>
  datt.signEvent({ kind, created_at, tags, content }, voters[voter]);

test('tallyVotes: latest vote wins, last e tag, emoji and malformed targets ignored', () => {
  const events = [
    vote(0, 100, '+'), vote(0, 200, '-'), vote(0, 150, '+'), // voter 0: "-" at 200
    vote(1, 100, ''), vote(1, 300, '🤙'), // empty content is up; a later emoji changes nothing
    vote(2, 100, '+', [['e', X], ['p', X], ['e', Y]]), // target is the last e tag: Y
    vote(3, 100, '+', [['e', X.toUpperCase()]]), // not lowercase hex
    vote(3, 100, '-', [['e', X], ['e', 'nothex']]), // last e tag malformed
    vote(3, 100, '+', [['e', X]], 1), // kind 1 is not a reaction
  ];
  const expected = { [X]: { ups: 1, downs: 1, score: 0 }, [Y]: { ups: 1, downs: 0, score: 1 } };
  for (let seed = 1; seed <= 10; seed += 1) {
    assert.deepEqual(datt.tallyVotes(shuffled(events, seed)), expected);
  }
  // JSON strings are accepted, duplicates change nothing.
  assert.deepEqual(datt.tallyVotes([...events, ...events].map((e) => JSON.stringify(e))), expected);
});

test('tallyVotes: same-second votes tie to the lowest event id', () => {
  const up = vote(0, 500, '+');
  const down = vote(0, 500, '-');
  const winner = up.id < down.id ? { ups: 1, downs: 0, score: 1 } : { ups: 0, downs: 1, score: -1 };
  assert.deepEqual(datt.tallyVotes([up, down]), { [X]: winner });
  assert.deepEqual(datt.tallyVotes([down, up]), { [X]: winner });
});

test('tallyVotes: invalid events are skipped, a non-array fails', () => {
  const good = vote(0, 100, '+');
  const forged = { ...vote(1, 100, '+'), content: '-' }; // id no longer matches
  assert.deepEqual(datt.tallyVotes([good, forged, { kind: 7 }]), { [X]: { ups: 1, downs: 0, score: 1 } });
  assert.deepEqual(datt.tallyVotes([]), {});
  rejects(() => datt.tallyVotes('[]'), 'wrong_type');
  // Malformed elements (broken JSON, deeply nested arrays) are skipped, not fatal.
  assert.deepEqual(datt.tallyVotes([JSON.stringify(good).slice(1), good]), { [X]: { ups: 1, downs: 0, score: 1 } });
  assert.deepEqual(datt.tallyVotes(['['.repeat(100) + ']'.repeat(100), good]), { [X]: { ups: 1, downs: 0, score: 1 } });
  // A deeply nested object is one more invalid event (each element is parsed on its own
  // by the event parser, which refuses the depth): skipped like the others.
  assert.deepEqual(datt.tallyVotes([{ x: JSON.parse('['.repeat(100) + ']'.repeat(100)) }, good]), { [X]: { ups: 1, downs: 0, score: 1 } });
  assert.deepEqual(datt.tallyVotes([good]), { [X]: { ups: 1, downs: 0, score: 1 } });
});

test('tallyVotes skips malformed elements instead of failing the whole call', () => {
  const sk = datt.generateSecretKey();
  const target = 'ab'.repeat(32);
  const vote = datt.signEvent({ kind: 7, created_at: 1700000000, tags: [['e', target]], content: '+' }, sk);
  const tally = datt.tallyVotes(['', '1]', '{"kind":7}', JSON.stringify(vote), null, 42]);
  assert.deepEqual(Object.keys(tally), [target]);
  assert.equal(tally[target].ups, 1);
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => datt.parseEvent(cyclic), (e) => e.name === 'DattError' && e.code === 'wrong_type');
});

// ---- the per-vote rule (voteOf, voteSupersedes), as the web app applies it incrementally ----

// Secret key 1's x-only public key is the x coordinate of the secp256k1 generator G (SEC 2).
const ONE = datt.hexToBytes('0'.repeat(63) + '1');
const G_X = '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';

test('voteOf: up, down and empty content give the vote fields', () => {
  const up = datt.signEvent({ kind: 7, created_at: T, tags: [['e', X]], content: '+' }, ONE);
  assert.deepEqual(datt.voteOf(up), { target: X, voter: G_X, created_at: T, id: up.id, value: 1 });
  assert.deepEqual(datt.voteOf(JSON.stringify(up)), datt.voteOf(up));
  const down = vote(1, 42, '-', [['e', X], ['p', G_X], ['e', Y, 'wss://relay.example']]);
  assert.deepEqual(datt.voteOf(down),
    { target: Y, voter: datt.publicKey(voters[1]), created_at: 42, id: down.id, value: -1 });
  assert.equal(datt.voteOf(vote(2, 42, '')).value, 1);
});

test('voteOf: emoji reactions, other kinds and bad targets are not votes', () => {
  const nonVotes = [
    vote(0, 100, '🤙'), vote(0, 100, '++'), vote(0, 100, ':+1:'), vote(0, 100, ' -'),
    vote(0, 100, '+', [['e', X]], 1), // kind 1
    vote(0, 100, '+', [['e', X.toUpperCase()]]),
    vote(0, 100, '+', [['e', X.slice(1)]]),
    vote(0, 100, '+', [['e', X], ['e', 'nothex']]), // the last e tag decides
    vote(0, 100, '+', [['e', X], ['e']]),
    vote(0, 100, '+', [['p', X]]),
    vote(0, 100, '+', []),
  ];
  for (const event of nonVotes) assert.equal(datt.voteOf(event), null, JSON.stringify(event.tags) + event.content);
});

test('voteOf: malformed or forged events are a DattError', () => {
  const good = vote(0, 100, '+');
  rejects(() => datt.voteOf({ ...good, content: '-' }), 'id_mismatch');
  rejects(() => datt.voteOf({ kind: 7, created_at: 1, tags: [['e', X]], content: '+' }), 'missing_field');
  rejects(() => datt.voteOf(JSON.stringify(good).slice(0, -1)), 'json_syntax');
  rejects(() => datt.voteOf([good]), 'not_object');
  rejects(() => datt.voteOf(42), 'wrong_type');
  rejects(() => datt.voteOf(null), 'wrong_type');
  assert.equal(datt.voteOf(good).value, 1);
});

test('voteSupersedes: the later vote wins, a same-second tie goes to the lower id', () => {
  const early = datt.voteOf(vote(0, 100, '+'));
  const late = datt.voteOf(vote(0, 200, '-'));
  assert.equal(datt.voteSupersedes(late, early), true);
  assert.equal(datt.voteSupersedes(early, late), false);
  // Later wins whatever the ids (hand-built votes: the later one has the higher id).
  const base = { target: X, voter: G_X, value: 1 };
  assert.equal(datt.voteSupersedes({ ...base, created_at: 2, id: 'f'.repeat(64) },
    { ...base, created_at: 1, id: '0'.repeat(64) }), true);
  assert.equal(datt.voteSupersedes({ ...base, created_at: 1, id: '00'.repeat(31) + 'ff' },
    { ...base, created_at: 1, id: '01' + '00'.repeat(31) }), true);
  // Signed same-second votes: the id that sorts first as lowercase hex wins.
  const a = datt.voteOf(vote(0, 300, '+'));
  const b = datt.voteOf(vote(0, 300, '-'));
  assert.notEqual(a.id, b.id);
  assert.equal(datt.voteSupersedes(a, b), a.id < b.id);
  assert.equal(datt.voteSupersedes(b, a), b.id < a.id);
});

test('voteSupersedes: never itself, nor across voters or targets', () => {
  const mine = datt.voteOf(vote(0, 100, '+'));
  assert.equal(datt.voteSupersedes(mine, mine), false);
  assert.equal(datt.voteSupersedes({ ...mine }, mine), false);
  const theirs = datt.voteOf(vote(1, 200, '+'));
  assert.equal(datt.voteSupersedes(theirs, mine), false);
  const elsewhere = datt.voteOf(vote(0, 200, '+', [['e', Y]]));
  assert.equal(datt.voteSupersedes(elsewhere, mine), false);
});

test('voteOf + voteSupersedes kept per (target, voter) give tallyVotes in any order', () => {
  const events = [];
  for (let v = 0; v < voters.length; v += 1) {
    events.push(vote(v, 100, v % 2 ? '-' : '+'), vote(v, 100 + (v % 3), v % 3 ? '-' : '+'));
    events.push(vote(v, 100, '+', [['e', Y]]), vote(v, 100, '-', [['e', Y]]));
    events.push(vote(v, 900, '🔥', [['e', Y]])); // a later emoji replaces nothing
  }
  const expected = datt.tallyVotes(events);
  // On X: voter 0 '+' twice at 100 (up), voter 1 '-' last at 101, voter 2 '-' last at 102,
  // voter 3 '-' and '+' both at 100, so the lower id (as hex text) decides.
  const [v3Down, v3Up] = [events[15], events[16]];
  assert.deepEqual([v3Down.content, v3Up.content, v3Up.created_at], ['-', '+', 100]);
  const v3IsUp = v3Up.id < v3Down.id;
  assert.deepEqual(expected[X], v3IsUp ? { ups: 2, downs: 2, score: 0 } : { ups: 1, downs: 3, score: -2 });
  for (let seed = 1; seed <= 10; seed += 1) {
    const stored = new Map(); // what the web app keeps in IndexedDB
    for (const event of shuffled(events, seed)) {
      const incoming = datt.voteOf(event);
      if (incoming === null) continue;
      const key = `${incoming.target}:${incoming.voter}`;
      const current = stored.get(key);
      if (!current || datt.voteSupersedes(incoming, current)) stored.set(key, incoming);
    }
    const tallies = {};
    for (const { target, value } of stored.values()) {
      const tally = (tallies[target] ??= { ups: 0, downs: 0, score: 0 });
      if (value > 0) tally.ups += 1; else tally.downs += 1;
      tally.score += value;
    }
    assert.deepEqual(tallies, expected, `seed ${seed}`);
  }
});

test('voteSupersedes: bad vote objects are a DattError', () => {
  const good = datt.voteOf(vote(0, 100, '+'));
  const bad = [
    [{ ...good, id: good.id.toUpperCase() }, 'bad_hex'],
    [{ ...good, target: X.slice(2) }, 'bad_hex'],
    [{ ...good, voter: undefined }, 'bad_hex'],
    [{ ...good, id: 7 }, 'bad_hex'],
    [{ ...good, created_at: 1.5 }, 'wrong_type'],
    [{ ...good, created_at: '100' }, 'wrong_type'],
    [{ ...good, created_at: NaN }, 'wrong_type'],
    [{ ...good, created_at: 10n }, 'wrong_type'],
    [{ ...good, value: 2 }, 'wrong_type'],
    [{ ...good, value: 0 }, 'wrong_type'],
    [{ ...good, value: '+' }, 'wrong_type'],
    [{ ...good, value: 1.0000001 }, 'wrong_type'],
    [null, 'wrong_type'],
    [[good], 'wrong_type'],
    [JSON.stringify(good), 'wrong_type'],
  ];
  for (const [value, code] of bad) {
    rejects(() => datt.voteSupersedes(value, good), code);
    rejects(() => datt.voteSupersedes(good, value), code);
  }
  // Extra fields (e.g. an IndexedDB record's key) are ignored.
  assert.equal(datt.voteSupersedes({ ...good, created_at: 101, key: 'k' }, good), true);
});
