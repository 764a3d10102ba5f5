// Builders and readers of Datt's Nostr events (web/src/lib/events.js). Expected tag shapes are
// written by hand from the NIP texts: NIP-72 (communities; posts are NIP-22 kind 1111), NIP-22
// (uppercase root scope, lowercase parent, K/k required), NIP-25 (votes: "+"/"-", e required,
// target is the last e), NIP-09 (deletion: e + k tags), NIP-65 (kind 10002 r tags with optional
// read/write marker) and NIP-51 (kind 10004 communities list of a tags); describe() takes the
// protocol rules (addresses, what a deletion names) from the core, whose own tests are in
// tests/wasm/rules.test.mjs. Signed templates are verified by the wasm core and, independently,
// by nostr-tools.
import '../support/webcrypto.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { nip19, verifyEvent as nostrToolsVerify } from 'nostr-tools';

import {
  DATT_KINDS, InputError, KIND, LIMITS, buildBookmarks, buildEdit, readBookmarks, buildComment, buildCommunity, buildCommunityList, buildDeletion,
  buildPost, buildProfile, buildRelayList, buildVote, checkUrl, communityAddress, describe, lastTagValue,
  parseCommunityAddress, readCommunity, readCommunityList, readPost, readProfile, readRelayList, slugify, tagValue,
} from '../../web/src/lib/events.js';
import { loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt(); // $DATT_WASM_DIST or build/wasm/dist

const NOW = 1700000000;
const OWNER = 'a'.repeat(64);
const ALICE = 'b'.repeat(63) + 'c';
const BOB = '0123456789abcdef'.repeat(4);
const POST_ID = 'd'.repeat(64);
const REPLY_ID = 'e'.repeat(64);
const COMMUNITY = `34550:${OWNER}:bitcoin-dev`;

/** Every tag named `name`. */
const tagsNamed = (event, name) => event.tags.filter((t) => t[0] === name);
/** The single tag named `name` (asserts there is exactly one). */
function onlyTag(event, name) {
  const found = tagsNamed(event, name);
  assert.equal(found.length, 1, `expected one "${name}" tag in ${JSON.stringify(event.tags)}`);
  return found[0];
}

/** Asserts fn throws InputError for `field` (and nothing else). */
function inputError(fn, field) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof InputError, `expected InputError, got ${e?.name}: ${e?.message}`);
    assert.equal(e.name, 'InputError');
    assert.equal(e.field, field, e.message);
    assert.ok(e.message.length > 0);
    return true;
  });
}

/** A template is what NIP-01 signs: exactly these fields, string tags, integer created_at. */
function assertTemplate(event, kind) {
  assert.deepEqual(Object.keys(event).sort(), ['content', 'created_at', 'kind', 'tags']);
  assert.equal(event.kind, kind);
  assert.equal(event.created_at, NOW);
  assert.equal(typeof event.content, 'string');
  for (const tag of event.tags) {
    assert.ok(Array.isArray(tag) && tag.length >= 2, JSON.stringify(tag));
    for (const value of tag) assert.equal(typeof value, 'string', JSON.stringify(tag));
  }
}

test('kinds are the NIP numbers', () => {
  assert.deepEqual({ ...KIND }, { profile: 0, deletion: 5, vote: 7, edit: 1010, comment: 1111, bookmarks: 10003,
    relayList: 10002, communityList: 10004, community: 34550 });
  assert.deepEqual([...DATT_KINDS].sort((a, b) => a - b), [0, 5, 7, 1010, 1111, 10002, 10003, 10004, 34550]);
  assert.ok(Object.isFrozen(KIND));
});

test('NIP-72 community definition: kind 34550 with d, name, description, rules and moderator p tags', () => {
  const event = buildCommunity({ identifier: ' bitcoin-dev ', name: ' Bitcoin Dev ', description: 'Talk about code',
    rules: '1. Be kind', moderators: [ALICE, BOB] }, NOW);
  assertTemplate(event, 34550);
  assert.equal(event.content, '');
  assert.deepEqual(onlyTag(event, 'd'), ['d', 'bitcoin-dev']);
  assert.deepEqual(onlyTag(event, 'name'), ['name', 'Bitcoin Dev']);
  assert.deepEqual(onlyTag(event, 'description'), ['description', 'Talk about code']);
  assert.deepEqual(onlyTag(event, 'rules'), ['rules', '1. Be kind']);
  // NIP-72: ["p", <pubkey>, <optional relay>, "moderator"].
  assert.deepEqual(tagsNamed(event, 'p'), [['p', ALICE, '', 'moderator'], ['p', BOB, '', 'moderator']]);

  const bare = buildCommunity({ identifier: 'x', name: 'X' }, NOW);
  assert.deepEqual(bare.tags, [['d', 'x'], ['name', 'X']]);

  inputError(() => buildCommunity({ identifier: '  ', name: 'X' }, NOW), 'identifier');
  inputError(() => buildCommunity({ identifier: 'x'.repeat(LIMITS.identifier + 1), name: 'X' }, NOW), 'identifier');
  inputError(() => buildCommunity({ identifier: 'x', name: '' }, NOW), 'name');
  inputError(() => buildCommunity({ identifier: 'x', name: 'n'.repeat(65) }, NOW), 'name');
  assert.equal(onlyTag(buildCommunity({ identifier: 'x', name: 'n'.repeat(64) }, NOW), 'name')[1].length, 64);
  inputError(() => buildCommunity({ identifier: 'x', name: 'X', description: 'd'.repeat(4001) }, NOW), 'description');
  inputError(() => buildCommunity({ identifier: 'x', name: 'X', rules: 'r'.repeat(8001) }, NOW), 'rules');
  inputError(() => buildCommunity({ identifier: 'x', name: 'X', moderators: [ALICE.toUpperCase()] }, NOW), 'moderators');
  inputError(() => buildCommunity({ identifier: 'x', name: 'X', moderators: ['npub1xyz'] }, NOW), 'moderators');
});

test('readCommunity reads the definition and ignores junk', () => {
  const event = {
    kind: 34550, pubkey: OWNER, created_at: NOW, content: '',
    tags: [['d', 'bitcoin-dev'], ['name', 'Bitcoin Dev'], ['description', 'about'], ['p', ALICE, '', 'moderator'],
      ['p', BOB], ['p', 'zz', '', 'moderator'], ['p', 5, '', 'moderator'], ['p', BOB, 'wss://r', 'admin']],
  };
  assert.deepEqual(readCommunity(event), { address: COMMUNITY, pubkey: OWNER, identifier: 'bitcoin-dev',
    name: 'Bitcoin Dev', description: 'about', rules: '', moderators: [ALICE], created_at: NOW });
  // NIP-72: without a name tag the d tag doubles as the name.
  const unnamed = readCommunity({ ...event, tags: [['d', 'rust'], ['name', 7]] });
  assert.equal(unnamed.name, 'rust');
  assert.equal(readCommunity({ ...event, tags: [] }).address, `34550:${OWNER}:`);
});

test('community addresses parse only in the 34550:<lowercase hex>:<d> shape', () => {
  assert.equal(communityAddress(OWNER, 'bitcoin-dev'), COMMUNITY);
  assert.deepEqual(parseCommunityAddress(COMMUNITY), { pubkey: OWNER, identifier: 'bitcoin-dev' });
  assert.deepEqual(parseCommunityAddress(`34550:${OWNER}:a:b\nc`), { pubkey: OWNER, identifier: 'a:b\nc' });
  assert.deepEqual(parseCommunityAddress(`34550:${OWNER}:`), { pubkey: OWNER, identifier: '' });
  for (const bad of [`30023:${OWNER}:x`, `34550:${OWNER.toUpperCase()}:x`, `34550:${OWNER}`, `34550:${OWNER.slice(1)}:x`,
    ` 34550:${OWNER}:x`, `34550:${OWNER}0:x`, '', null, undefined, 34550, [COMMUNITY], { toString: () => COMMUNITY }]) {
    assert.equal(parseCommunityAddress(bad), null, String(bad));
  }
});

test('NIP-72 top-level post: kind 1111 with A/a = community, K = k = "34550", P = p = community owner', () => {
  const post = buildPost({ community: COMMUNITY, title: '  Hello  ', body: ' First post ' }, NOW);
  assertTemplate(post, 1111);
  assert.deepEqual(onlyTag(post, 'A'), ['A', COMMUNITY]);
  assert.deepEqual(onlyTag(post, 'a'), ['a', COMMUNITY]);
  assert.deepEqual(onlyTag(post, 'K'), ['K', '34550']);
  assert.deepEqual(onlyTag(post, 'k'), ['k', '34550']);
  assert.deepEqual(onlyTag(post, 'P'), ['P', OWNER]);
  assert.deepEqual(onlyTag(post, 'p'), ['p', OWNER]);
  assert.deepEqual(onlyTag(post, 'title'), ['title', 'Hello']);
  assert.equal(tagsNamed(post, 'e').length + tagsNamed(post, 'E').length, 0);
  assert.equal(tagsNamed(post, 'r').length, 0);
  assert.equal(post.content, 'First post');
  assert.deepEqual(readPost(post), { title: 'Hello', url: '' });
  assert.deepEqual(describe({ ...post, id: POST_ID, pubkey: ALICE }, datt), { community: COMMUNITY, post: 1 });
});

test('link posts carry the normalized http(s) URL in an r tag; the body may be empty', () => {
  const post = buildPost({ community: COMMUNITY, title: 'Link', url: ' HTTPS://Example.COM/a b?q=1 ' }, NOW);
  assert.deepEqual(onlyTag(post, 'r'), ['r', 'https://example.com/a%20b?q=1']);
  assert.equal(post.content, '');
  assert.deepEqual(readPost(post), { title: 'Link', url: 'https://example.com/a%20b?q=1' });
  const both = buildPost({ community: COMMUNITY, title: 'Both', url: 'http://example.com', body: 'text' }, NOW);
  assert.deepEqual(onlyTag(both, 'r'), ['r', 'http://example.com/']);
  assert.equal(both.content, 'text');
});

test('posts refuse bad input with InputError', () => {
  const ok = { community: COMMUNITY, title: 'T', body: 'B' };
  inputError(() => buildPost({ ...ok, title: '' }, NOW), 'title');
  inputError(() => buildPost({ ...ok, title: ' \n\t ' }, NOW), 'title');
  inputError(() => buildPost({ ...ok, title: undefined }, NOW), 'title');
  inputError(() => buildPost({ ...ok, title: 't'.repeat(LIMITS.title + 1) }, NOW), 'title');
  assert.equal(readPost(buildPost({ ...ok, title: 't'.repeat(300) }, NOW)).title.length, 300);
  inputError(() => buildPost({ ...ok, body: 'b'.repeat(LIMITS.body + 1) }, NOW), 'body');
  inputError(() => buildPost({ ...ok, body: '   ' }, NOW), 'body'); // neither text nor link
  inputError(() => buildPost({ community: COMMUNITY, title: 'T' }, NOW), 'body');
  for (const url of ['javascript:alert(1)', 'JavaScript:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>',
    'vbscript:x', 'file:///etc/passwd', 'ftp://example.com', 'wss://relay.example', 'not a url', '//example.com',
    'example.com', `https://example.com/${'x'.repeat(LIMITS.url)}`]) {
    inputError(() => buildPost({ ...ok, url }, NOW), 'url');
  }
  for (const community of [`30023:${OWNER}:x`, `34550:${OWNER.toUpperCase()}:x`, `34550:${OWNER}`, '', undefined]) {
    inputError(() => buildPost({ ...ok, community }, NOW), 'community');
  }
});

test('checkUrl keeps http(s) by default and the protocols it is given', () => {
  assert.equal(checkUrl('https://example.com'), 'https://example.com/');
  assert.equal(checkUrl('wss://relay.example', 'relay', ['ws:', 'wss:']), 'wss://relay.example/');
  inputError(() => checkUrl('https://relay.example', 'relay', ['ws:', 'wss:']), 'relay');
  inputError(() => checkUrl('', 'picture'), 'picture');
  inputError(() => checkUrl(42), 'url');
});

test('NIP-22 reply: uppercase root tags for the community, lowercase e/k/p for the parent', () => {
  const parent = { id: POST_ID, pubkey: ALICE, kind: 1111, tags: [], content: 'x', created_at: NOW };
  const reply = buildComment({ community: COMMUNITY, parent, body: ' Nice ' }, NOW);
  assertTemplate(reply, 1111);
  assert.deepEqual(onlyTag(reply, 'A'), ['A', COMMUNITY]);
  assert.deepEqual(onlyTag(reply, 'K'), ['K', '34550']);
  assert.deepEqual(onlyTag(reply, 'P'), ['P', OWNER]);
  // NIP-22 e tag: ["e", <id>, <relay hint>, <author pubkey>].
  assert.deepEqual(onlyTag(reply, 'e'), ['e', POST_ID, '', ALICE]);
  assert.deepEqual(onlyTag(reply, 'k'), ['k', '1111']);
  assert.deepEqual(onlyTag(reply, 'p'), ['p', ALICE]);
  assert.equal(tagsNamed(reply, 'a').length, 0); // the parent is not the community
  assert.equal(reply.content, 'Nice');
  // The inbox: a reply addresses its parent's author (issue 16 added `mentions`).
  assert.deepEqual(describe({ ...reply, id: REPLY_ID, pubkey: BOB }, datt),
    { community: COMMUNITY, parent: POST_ID, mentions: [ALICE] });

  inputError(() => buildComment({ community: COMMUNITY, parent, body: '  ' }, NOW), 'comment');
  inputError(() => buildComment({ community: COMMUNITY, parent, body: 'c'.repeat(LIMITS.body + 1) }, NOW), 'comment');
  inputError(() => buildComment({ community: 'nope', parent, body: 'x' }, NOW), 'community');
});

test('NIP-25 votes: "+" / "-" content, e (target) + p (author) + k (kind), optional community A', () => {
  const target = { id: POST_ID, pubkey: ALICE, kind: 1111 };
  const up = buildVote({ target, value: 1, community: COMMUNITY }, NOW);
  assertTemplate(up, 7);
  assert.equal(up.content, '+');
  assert.deepEqual(onlyTag(up, 'e'), ['e', POST_ID, '', ALICE]);
  assert.deepEqual(onlyTag(up, 'p'), ['p', ALICE]);
  assert.deepEqual(onlyTag(up, 'k'), ['k', '1111']);
  assert.deepEqual(onlyTag(up, 'A'), ['A', COMMUNITY]);
  assert.deepEqual(describe({ ...up, id: REPLY_ID, pubkey: BOB }, datt), { target: POST_ID, community: COMMUNITY });

  const down = buildVote({ target, value: -1 }, NOW);
  assert.equal(down.content, '-');
  assert.equal(tagsNamed(down, 'A').length, 0);
  assert.deepEqual(describe({ ...down, id: REPLY_ID, pubkey: BOB }, datt), { target: POST_ID });
  for (const value of [0, 2, -2, '1', '+', true, 0.5, NaN, undefined]) {
    inputError(() => buildVote({ target, value }, NOW), 'vote');
  }
});

test('NIP-09 deletion: one e tag per target and one k tag per distinct kind', () => {
  const event = buildDeletion({ targets: [{ id: POST_ID, kind: 1111 }, { id: REPLY_ID, kind: 1111 },
    { id: BOB, kind: 7 }], community: COMMUNITY }, NOW);
  assertTemplate(event, 5);
  assert.equal(event.content, '');
  assert.deepEqual(tagsNamed(event, 'e'), [['e', POST_ID], ['e', REPLY_ID], ['e', BOB]]);
  assert.deepEqual(tagsNamed(event, 'k'), [['k', '1111'], ['k', '7']]);
  assert.deepEqual(onlyTag(event, 'A'), ['A', COMMUNITY]);
  // What it names is the core's reading of the signed event (tests/wasm/rules.test.mjs).
  const signed = datt.signEvent(event, datt.generateSecretKey());
  assert.deepEqual(describe(signed, datt), { deletes: [POST_ID, REPLY_ID, BOB], deletesAddresses: [] });
});

test('edits (kind 1010) name the original; a post edit carries title and link; bookmarks are e tags', () => {
  const post = { id: POST_ID, pubkey: ALICE, kind: 1111 };
  const edit = buildEdit({ target: post, community: COMMUNITY, title: ' New ', url: 'https://example.com/x', body: 'Text' }, NOW);
  assert.equal(edit.kind, 1010);
  assert.deepEqual(edit.tags, [['e', POST_ID, '', ALICE], ['k', '1111'], ['A', COMMUNITY], ['title', 'New'],
    ['r', 'https://example.com/x']]);
  assert.equal(edit.content, 'Text');
  assert.deepEqual(describe({ ...edit, id: REPLY_ID, pubkey: ALICE }, datt), { edits: POST_ID, community: COMMUNITY });
  // A comment's edit has no title; its text is required, a post's may be a link alone.
  assert.deepEqual(buildEdit({ target: post, body: 'x' }, NOW).tags, [['e', POST_ID, '', ALICE], ['k', '1111']]);
  inputError(() => buildEdit({ target: post, body: ' ' }, NOW), 'comment');
  inputError(() => buildEdit({ target: post, title: 't', body: '' }, NOW), 'body');
  inputError(() => buildEdit({ target: post, title: '', body: 'x' }, NOW), 'title');
  inputError(() => buildEdit({ target: { id: 'x' }, body: 'x' }, NOW), 'target');
  inputError(() => buildEdit({ target: post, community: 'nope', body: 'x' }, NOW), 'community');
  assert.deepEqual(describe({ kind: 1010, pubkey: ALICE, tags: [['e', 'short']], content: '' }, datt), {});

  const list = buildBookmarks([POST_ID, REPLY_ID], NOW);
  assert.equal(list.kind, 10003);
  assert.deepEqual(readBookmarks(list), [POST_ID, REPLY_ID]);
  assert.deepEqual(readBookmarks({ tags: [['e', POST_ID], ['e', POST_ID], ['e', 'bad'], ['a', POST_ID]] }), [POST_ID]);
  inputError(() => buildBookmarks(['nope'], NOW), 'bookmarks');
});

test('mentions: p tags and nostr:npub references of comments, never of top-level posts', () => {
  const npub = nip19.npubEncode(BOB);
  const comment = buildComment({ community: COMMUNITY, parent: { id: POST_ID, pubkey: ALICE, kind: 1111 },
    body: `cc nostr:${npub} and nostr:${npub}, not npub1 alone: ${npub}, nor nostr:npub1broken` }, NOW);
  assert.deepEqual(describe({ ...comment, id: REPLY_ID, pubkey: OWNER }, datt).mentions, [ALICE, BOB]);
  // A post's p tag is the community's owner: no mention.
  const post = buildPost({ community: COMMUNITY, title: 'x', body: `nostr:${npub}` }, NOW);
  assert.equal(describe({ ...post, id: POST_ID, pubkey: ALICE }, datt).mentions, undefined);
  // Malformed p tags are skipped; at most 20 are kept.
  const many = Array.from({ length: 30 }, (_, i) => ['p', i.toString(16).padStart(64, '0')]);
  const tags = [['p', ALICE.toUpperCase()], ['p'], ['p', 5], ...many];
  assert.equal(describe({ kind: 1111, pubkey: ALICE, tags, content: '' }, datt).mentions.length, 20);
  assert.equal(describe({ kind: 1111, pubkey: ALICE, tags: [['p', ALICE.toUpperCase()]], content: '' }, datt).mentions, undefined);
});

test('describe() on hostile comments, votes and deletions keeps only well-formed references', () => {
  const comment = (tags) => describe({ kind: 1111, pubkey: ALICE, tags }, datt);
  assert.deepEqual(comment([]), {});
  // k = 34550 without a valid community is not a post.
  assert.deepEqual(comment([['k', '34550']]), {});
  assert.deepEqual(comment([['A', `30023:${OWNER}:x`], ['k', '34550']]), {});
  assert.deepEqual(comment([['A', 34550], ['k', '34550']]), {});
  assert.deepEqual(comment([['A', COMMUNITY], ['k', 34550]]), { community: COMMUNITY }); // k not a string
  assert.deepEqual(comment([['A'], ['A', COMMUNITY], ['k', '34550']]), { community: COMMUNITY, post: 1 });
  // Parents must be 64 lowercase hex characters.
  for (const bad of [POST_ID.toUpperCase(), POST_ID.slice(1), `${POST_ID}0`, 'note1xyz', '', ` ${POST_ID}`, 5, null]) {
    assert.deepEqual(comment([['A', COMMUNITY], ['k', '1111'], ['e', bad]]), { community: COMMUNITY }, String(bad));
  }
  assert.deepEqual(comment([['e', POST_ID], ['k', '1']]), { parent: POST_ID });
  assert.deepEqual(comment([['e', 5], ['e', POST_ID]]), { parent: POST_ID }); // first string e

  const vote = (tags) => describe({ kind: 7, pubkey: ALICE, tags, content: '+' }, datt);
  assert.deepEqual(vote([]), {});
  // NIP-25: the target is the last e tag; a bad last e leaves no target.
  assert.deepEqual(vote([['e', POST_ID], ['e', REPLY_ID]]), { target: REPLY_ID });
  assert.deepEqual(vote([['e', POST_ID], ['e', 'zz']]), {});
  assert.deepEqual(vote([['e', POST_ID], ['e', 7]]), { target: POST_ID }); // non-string skipped
  assert.deepEqual(vote([['e', POST_ID], ['A', 'nope']]), { target: POST_ID });
  assert.deepEqual(vote([['A', COMMUNITY]]), { community: COMMUNITY });

  // Deletions: the core reads the signed request (ids of either case, once; only the
  // author's own addresses); an unsigned or forged one is refused outright.
  const key = datt.generateSecretKey();
  const me = datt.publicKey(key);
  const deletion = (tags) => describe(datt.signEvent({ kind: 5, created_at: NOW, tags, content: '' }, key), datt);
  assert.deepEqual(deletion([]), { deletes: [], deletesAddresses: [] });
  assert.deepEqual(deletion([['e'], ['e', 'zz'], ['e', POST_ID.toUpperCase()], ['a', COMMUNITY], ['a', `34550:${me}:mine`],
    ['E', POST_ID], ['e', POST_ID], ['e', REPLY_ID, 'wss://relay']]),
  { deletes: [POST_ID, REPLY_ID], deletesAddresses: [`34550:${me}:mine`] });
  assert.throws(() => describe({ kind: 5, pubkey: ALICE, tags: [['e', POST_ID]] }, datt), { name: 'DattError' });

  // Other kinds get nothing.
  assert.deepEqual(describe({ kind: 1, pubkey: ALICE, tags: [['e', POST_ID], ['A', COMMUNITY]] }, datt), {});
});

test('describe() gives replaceable and addressable events the core\'s NIP-01 address', () => {
  // The kind ranges and the version order are the core's (tests/wasm/rules.test.mjs).
  const at = (kind, tags = []) => describe({ kind, pubkey: ALICE, tags }, datt);
  assert.deepEqual(at(0), { address: `0:${ALICE}:` });
  assert.deepEqual(at(3), { address: `3:${ALICE}:` });
  assert.deepEqual(at(10002, [['d', 'ignored']]), { address: `10002:${ALICE}:` });
  assert.deepEqual(at(10004), { address: `10004:${ALICE}:` });
  assert.deepEqual(at(34550, [['d', 'bitcoin-dev'], ['d', 'second']]), { address: `34550:${ALICE}:bitcoin-dev` });
  assert.deepEqual(at(34550), { address: `34550:${ALICE}:` });
  assert.deepEqual(at(34550, [['d']]), { address: `34550:${ALICE}:` });
  assert.deepEqual(at(1111, [['d', 'x']]), {});
  // A community's address is the NIP-72 `a` tag value communityAddress() writes.
  assert.equal(at(34550, [['d', 'bitcoin-dev']]).address, communityAddress(ALICE, 'bitcoin-dev'));
});

test('tagValue / lastTagValue read the first / last string value of a tag', () => {
  const tags = [['e'], ['e', 5], ['e', 'one'], ['x', 'no'], ['e', 'two', 'extra'], ['e', null]];
  assert.equal(tagValue(tags, 'e'), 'one');
  assert.equal(lastTagValue(tags, 'e'), 'two');
  assert.equal(tagValue(tags, 'E'), undefined);
  assert.equal(lastTagValue([], 'e'), undefined);
});

test('profiles: kind 0 JSON content; readProfile survives malformed content', () => {
  const event = buildProfile({ name: ' Alice ', about: 'hi', picture: 'https://example.com/a.png' }, NOW);
  assertTemplate(event, 0);
  assert.deepEqual(event.tags, []);
  assert.deepEqual(JSON.parse(event.content), { name: 'Alice', about: 'hi', picture: 'https://example.com/a.png' });
  assert.deepEqual(readProfile(event), { name: 'Alice', about: 'hi', picture: 'https://example.com/a.png' });
  assert.deepEqual(JSON.parse(buildProfile({}, NOW).content), {});
  inputError(() => buildProfile({ picture: 'javascript:alert(1)' }, NOW), 'picture');
  inputError(() => buildProfile({ name: 'n'.repeat(65) }, NOW), 'name');
  inputError(() => buildProfile({ about: 'a'.repeat(2001) }, NOW), 'about');

  for (const content of ['', '{', 'null', '5', '"name"', 'true', '[]', '["Alice"]', '{"name":', undefined, 42, null]) {
    assert.deepEqual(readProfile({ kind: 0, content, tags: [] }), {}, String(content));
  }
  const junk = JSON.stringify({ name: 5, display_name: 'Ally', about: 'a'.repeat(5000), picture: ['x'], extra: 'z' });
  assert.deepEqual(readProfile({ content: junk }), { name: 'Ally', display_name: 'Ally', about: 'a'.repeat(2000) });
  assert.deepEqual(readProfile({ content: '{"name":"Al","display_name":"Ally"}' }), { name: 'Al', display_name: 'Ally' });
  assert.deepEqual(readProfile({ content: '{"__proto__":{"name":"x"}}' }), {});
});

test('NIP-65 relay list: kind 10002 r tags with a read/write marker only when one-way', () => {
  const event = buildRelayList([{ url: 'wss://both.example' }, { url: 'wss://in.example', write: false },
    { url: 'ws://out.example:7777', read: false }], NOW);
  assertTemplate(event, 10002);
  assert.equal(event.content, '');
  assert.deepEqual(event.tags, [['r', 'wss://both.example/'], ['r', 'wss://in.example/', 'read'],
    ['r', 'ws://out.example:7777/', 'write']]);
  assert.deepEqual(readRelayList(event), [{ url: 'wss://both.example/', read: true, write: true },
    { url: 'wss://in.example/', read: true, write: false }, { url: 'ws://out.example:7777/', read: false, write: true }]);
  for (const url of ['https://relay.example', 'http://relay.example', 'javascript:alert(1)', 'relay.example', '', undefined]) {
    inputError(() => buildRelayList([{ url }], NOW), 'relay');
  }
  assert.deepEqual(buildRelayList([], NOW).tags, []);
});

test('readRelayList ignores junk tags', () => {
  const event = { kind: 10002, tags: [['r'], ['r', 5], ['r', 'https://web.example'], ['r', 'not a url'],
    ['r', 'javascript:alert(1)'], ['R', 'wss://upper.example'], ['relay', 'wss://x.example'],
    ['r', 'wss://ok.example', 'write'], ['r', 'WSS://Caps.Example/path', 'weird']] };
  assert.deepEqual(readRelayList(event), [{ url: 'wss://ok.example/', read: false, write: true },
    { url: 'wss://caps.example/path', read: true, write: true }]);
  assert.deepEqual(readRelayList({ tags: [] }), []);
});

test('NIP-51 communities list: kind 10004 a tags; the reader dedupes and ignores junk', () => {
  const other = `34550:${BOB}:rust`;
  const event = buildCommunityList([COMMUNITY, other], NOW);
  assertTemplate(event, 10004);
  assert.equal(event.content, '');
  assert.deepEqual(event.tags, [['a', COMMUNITY], ['a', other]]);
  assert.deepEqual(readCommunityList(event), [COMMUNITY, other]);
  const junk = { tags: [['a', COMMUNITY], ['a'], ['a', 5], ['a', `30023:${OWNER}:x`], ['A', other], ['a', COMMUNITY],
    ['a', `34550:${OWNER.toUpperCase()}:x`], ['e', other], ['a', other, 'wss://relay']] };
  assert.deepEqual(readCommunityList(junk), [COMMUNITY, other]);
});

test('slugify makes lowercase letter/digit/dash identifiers', () => {
  assert.equal(slugify('Bitcoin Dev'), 'bitcoin-dev');
  assert.equal(slugify('  --Hello,   World!--  '), 'hello-world');
  assert.equal(slugify('Café'), 'cafe');
  assert.equal(slugify('C++ & Rust 2024'), 'c-rust-2024');
  assert.equal(slugify('x'.repeat(100)).length, LIMITS.identifier);
  assert.match(slugify('Ünïcödé Tïtle wïth Àccents'), /^[a-z0-9-]*$/);
});

test('signed templates verify in the wasm core and in nostr-tools', () => {
  const ownerKey = datt.generateSecretKey();
  const aliceKey = datt.generateSecretKey();
  const owner = datt.publicKey(ownerKey);
  const community = communityAddress(owner, 'bitcoin-dev');
  const definition = datt.signEvent(buildCommunity({ identifier: 'bitcoin-dev', name: 'Bitcoin Dev',
    moderators: [owner] }, NOW), ownerKey);
  const post = datt.signEvent(buildPost({ community, title: 'Héllo 👋', body: 'line\n"quoted"\\',
    url: 'https://example.com/x' }, NOW), aliceKey);
  const reply = datt.signEvent(buildComment({ community, parent: post, body: 'reply' }, NOW + 1), ownerKey);
  const vote = datt.signEvent(buildVote({ target: post, value: -1, community }, NOW + 2), ownerKey);
  const deletion = datt.signEvent(buildDeletion({ targets: [post], community }, NOW + 3), aliceKey);
  const profile = datt.signEvent(buildProfile({ name: 'Alice', about: 'ünïcode' }, NOW), aliceKey);
  const relays = datt.signEvent(buildRelayList([{ url: 'wss://relay.example', write: false }], NOW), aliceKey);
  const list = datt.signEvent(buildCommunityList([community], NOW), aliceKey);

  for (const event of [definition, post, reply, vote, deletion, profile, relays, list]) {
    assert.equal(datt.verifyEvent(event), true, `wasm: kind ${event.kind}`);
    assert.deepEqual(datt.parseEvent(JSON.stringify(event)), event);
    // nostr-tools caches its verdict on the object: give it a fresh copy each time.
    assert.equal(nostrToolsVerify(JSON.parse(JSON.stringify(event))), true, `nostr-tools: kind ${event.kind}`);
    // A changed tag breaks both.
    const forged = JSON.parse(JSON.stringify(event));
    forged.tags.push(['t', 'forged']);
    assert.equal(datt.verifyEvent(forged), false);
    assert.equal(nostrToolsVerify(forged), false);
  }

  assert.equal(definition.pubkey, owner);
  assert.deepEqual(readCommunity(definition).moderators, [owner]);
  assert.deepEqual(describe(post, datt), { community, post: 1 });
  assert.deepEqual(describe(reply, datt), { community, parent: post.id, mentions: [post.pubkey] }); // the inbox (issue 16)
  assert.deepEqual(describe(deletion, datt), { deletes: [post.id], deletesAddresses: [] });
  assert.deepEqual(readProfile(profile), { name: 'Alice', about: 'ünïcode' });
  assert.deepEqual(readRelayList(relays), [{ url: 'wss://relay.example/', read: true, write: false }]);
  assert.deepEqual(readCommunityList(list), [community]);
  // The core reads our vote as the vote we meant.
  const cast = datt.voteOf(vote);
  assert.deepEqual({ target: cast.target, voter: cast.voter, value: cast.value }, { target: post.id, voter: owner, value: -1 });
  assert.equal(describe(vote, datt).target, post.id);
  const up = datt.signEvent(buildVote({ target: reply, value: 1 }, NOW), aliceKey);
  assert.equal(datt.voteOf(up).value, 1);
  assert.equal(datt.voteOf(up).target, reply.id);
});

// Regressions for bugs found in review (see the issue 4 notes).
test('slugify strips accents and never ends with a dash after truncation', () => {
  assert.equal(slugify('Crème brûlée'), 'creme-brulee');
  const long = slugify(`${'a'.repeat(63)} b`);
  assert.ok(!long.endsWith('-') && long.length <= 64, long);
});

test('a relay that is neither read nor write is left out of the NIP-65 list', () => {
  const template = buildRelayList([{ url: 'wss://a.example/', read: false, write: false },
    { url: 'wss://b.example/' }], 1);
  assert.deepEqual(template.tags, [['r', 'wss://b.example/']]);
});

test('non-string tag values never become deletion targets', () => {
  // Such an event is not valid (the core refuses it), so it is never stored or described.
  const hex = 'ab'.repeat(32);
  const template = { kind: 5, created_at: 1, tags: [['e', [hex]], ['e', hex]], content: '' };
  assert.throws(() => datt.signEvent(template, datt.generateSecretKey()), { name: 'DattError', code: 'wrong_type' });
  assert.throws(() => describe({ ...template, pubkey: hex }, datt), { name: 'DattError' });
});

test('votes, comments and deletions refuse targets that are not stored events', () => {
  assert.throws(() => buildVote({ target: { id: 'x', pubkey: 'y', kind: 1111 }, value: 1 }, 1), { name: 'InputError' });
  assert.throws(() => buildDeletion({ targets: [] }, 1), { name: 'InputError' });
  // A null link is "no link", not a TypeError.
  const post = buildPost({ community: `34550:${'ab'.repeat(32)}:x`, title: 't', body: 'b', url: null }, 1);
  assert.equal(post.tags.some((t) => t[0] === 'r'), false);
});
