// Event ids of content and tags holding control characters, against nostr-tools (which hashes
// JSON.stringify's form: \u00xx, lowercase, for every C0 control except the seven short
// escapes; DEL raw). Every code point U+0000-U+001F and U+007F, alone and together, in
// content and in tags, through the native CLI, the wasm module and the real datt-relay;
// and events Datt signs with them verify in nostr-tools. docs/protocol.md says why.
import '../support/webcrypto.mjs';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';

import { finalizeEvent, generateSecretKey, getEventHash, getPublicKey, verifyEvent } from 'nostr-tools/pure';

import { connect, fetchEvents, publish, startRelay } from '../relay/support.mjs';
import { runCli } from '../support/cli.mjs';
import { loadWasmDatt } from '../support/vectors.mjs';

const datt = await loadWasmDatt();
const hex = (bytes) => Buffer.from(bytes).toString('hex');

const CODE_POINTS = [...Array.from({ length: 0x20 }, (_, i) => i), 0x7f];
const ALL = String.fromCharCode(...CODE_POINTS);

/** One template per code point (in content and in a tag), then all of them at once. */
function templates() {
  const list = CODE_POINTS.map((cp, i) => {
    const c = String.fromCharCode(cp);
    return { kind: 1, created_at: 1700000000 + i, tags: [['t', `a${c}b`], ['x', c, `${c}${c}`]], content: `before${c}after` };
  });
  list.push({ kind: 1111, created_at: 1700000100, tags: [['t', ALL], [ALL, 'v']], content: `${ALL} mixed \u00e9 \u2028 / ${ALL}` });
  return list;
}

const signer = generateSecretKey();
const nostrToolsEvents = templates().map((t) => {
  const { id, pubkey, created_at, kind, tags, content, sig } = finalizeEvent(t, signer);
  return { id, pubkey, created_at, kind, tags, content, sig };
});

const runNative = (args, input, env = {}) => runCli(args, { input, env });

test('the templates really hold every control code point', () => {
  const seen = new Set();
  for (const e of nostrToolsEvents) for (const ch of e.content + JSON.stringify(e.tags)) seen.add(ch.charCodeAt(0));
  for (const cp of CODE_POINTS) assert.ok(seen.has(cp), `U+${cp.toString(16).padStart(4, '0')} missing`);
  // The wire JSON uses \u00xx for them, which is what nostr-tools hashed.
  assert.match(JSON.stringify(nostrToolsEvents.at(-1)), /\\u0001/);
});

test('events signed by nostr-tools with control characters verify in the native CLI with the same id', () => {
  for (const event of nostrToolsEvents) {
    const result = runNative(['event', 'verify'], JSON.stringify(event));
    assert.equal(result.status, 0, `${JSON.stringify(event.content)}: ${result.stdout}${result.stderr}`);
    assert.equal(result.stdout.trim(), `valid ${event.id}`);
  }
});

test('events signed by nostr-tools with control characters verify in wasm with the same id', () => {
  for (const event of nostrToolsEvents) {
    const parsed = datt.parseEvent(JSON.stringify(event));
    assert.equal(parsed.id, event.id);
    assert.equal(parsed.content, event.content);
    assert.deepEqual(parsed.tags, event.tags);
    assert.equal(datt.eventId(event, event.pubkey), event.id);
  }
});

test('events Datt signs with control characters verify in nostr-tools (wasm and CLI)', () => {
  const wasmKey = datt.generateSecretKey();
  const cliKey = hex(generateSecretKey());
  for (const template of templates()) {
    const fromWasm = datt.signEvent(template, wasmKey);
    assert.equal(getEventHash(fromWasm), fromWasm.id);
    assert.equal(verifyEvent({ ...fromWasm }), true);

    const result = runNative(['event', 'sign'], JSON.stringify(template), { DATT_SECRET_KEY: cliKey });
    assert.equal(result.status, 0, result.stderr);
    const fromCli = JSON.parse(result.stdout);
    assert.equal(fromCli.pubkey, getPublicKey(Buffer.from(cliKey, 'hex')));
    assert.equal(fromCli.content, template.content);
    assert.deepEqual(fromCli.tags, template.tags);
    assert.equal(getEventHash(fromCli), fromCli.id);
    assert.equal(verifyEvent(fromCli), true);
  }
});

test('an id computed the literal way (control characters raw) is refused with id_mismatch', () => {
  const sk = datt.generateSecretKey();
  const pubkey = datt.publicKey(sk);
  // The literal reading of NIP-01's text: only the seven short escapes, U+0001 written raw.
  const literal = `[0,"${pubkey}",1700000000,1,[],"a\u0001b"]`;
  assert.equal(literal.includes('\\u0001'), false);
  const id = createHash('sha256').update(literal, 'utf8').digest('hex');
  const event = { id, pubkey, created_at: 1700000000, kind: 1, tags: [], content: 'a\u0001b', sig: datt.bytesToHex(datt.schnorrSign(datt.hexToBytes(id), sk)) };
  assert.notEqual(id, getEventHash(event));
  assert.throws(() => datt.parseEvent(event), (e) => e.code === 'id_mismatch');
  const native = runNative(['event', 'verify'], JSON.stringify(event));
  assert.equal(native.status, 1);
  assert.match(native.stdout, /^invalid: id_mismatch: /);
});

describeRelay();

function describeRelay() {
  let relay;
  before(async () => { relay = await startRelay(); });
  after(async () => { await relay?.stop(); });

  test('datt-relay accepts them, serves them back unchanged, and nostr-tools verifies what it serves', async () => {
    const client = await connect(relay.url);
    try {
      for (const event of nostrToolsEvents) {
        const reply = await publish(client, event);
        assert.deepEqual(reply, ['OK', event.id, true, ''], JSON.stringify(event.content));
      }
      const served = await fetchEvents(client, [{ authors: [nostrToolsEvents[0].pubkey], limit: 500 }]);
      assert.equal(served.length, nostrToolsEvents.length);
      const byId = new Map(served.map((e) => [e.id, e]));
      for (const event of nostrToolsEvents) {
        assert.deepEqual(byId.get(event.id), event);
        assert.equal(verifyEvent({ ...byId.get(event.id) }), true);
      }
      // A tag query with a control character in its value finds its event.
      const tagged = await fetchEvents(client, [{ '#t': [`a\u0001b`] }]);
      assert.deepEqual(tagged.map((e) => e.id), [nostrToolsEvents[1].id]);
    } finally {
      await client.close();
    }
  });
}
