// Asking the hub for a channel to receive (web/src/channels/hub_open.js, docs/web.md
// "Channels"): the amount asked is bounded by the hub's NIP-11 limits (`channels` min,
// `hub_open` max; no `hub_open`, nothing to ask), each refusal code
// reads as its own sentence with the hub's words, a fundee's stored record (no funding
// script nor transaction) passes the record check, and, with the real wasm machine on both
// sides (a funder in the hub's place), the worker's accept terms take the hub's open_channel
// for the amount asked, refuse another amount or a push, and the hub's funding_created
// gives the record's funding outpoint; a hub that forgot the channel drops it, one whose
// funding this browser saw in a block does not.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { loadDatt } from '../../build/wasm/dist/datt.mjs';
import { acceptArgs, askLimits, checkAskAmount, defaultAskSats, forgottenByHub, fundeeFunding, hubOpenOf, refusalSentence }
  from '../../web/src/channels/hub_open.js';
import { chainHash, checkChannel, frameHeader, MESSAGE } from '../../web/src/channels/records.js';
import { hubOpens as openedByHub } from './hub_funder.mjs';

const datt = await loadDatt({ payments: true, channels: true });
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const CHAIN = chainHash(datt.bitcoin.network('bcoin-regtest').genesisHash);
const OURS = `0014${'22'.repeat(20)}`;
const TERMS = { toSelfDelay: 2016, closingFees: { min: 500, max: 5000 } };
const LIMITS = { min_funding_sats: 20_000, max_funding_sats: 16_777_215 };

const hubOpens = (sats, pushMsat = 0n) => openedByHub(datt, { sats, chainHash: CHAIN, pushMsat });
const asked = (sats) => acceptArgs({ sats, shutdownScript: OURS, chainHash: CHAIN, minimumDepth: 1, ...TERMS });

test('the amount asked: whole sats from the hub\'s NIP-11 channels minimum to its hub_open maximum; the default fits them', () => {
  const open = hubOpenOf({ max_sats: 300_000, max_per_client: 2 });
  const limits = askLimits({ channels: LIMITS, open });
  assert.deepEqual(limits, { minSats: 20_000, maxSats: 300_000, perClient: 2 });
  assert.deepEqual(checkAskAmount(' 150000 ', limits), { sats: 150000 });
  assert.deepEqual(checkAskAmount('300000', limits), { sats: 300000 });
  assert.match(checkAskAmount('19999', limits).error, /at least 20,000 sats/);
  assert.match(checkAskAmount('300001', limits).error, /at most 300,000 sats/);
  for (const bad of ['', '1.5', '-5', 'abc', '1e6']) assert.match(checkAskAmount(bad, limits).error, /whole number/);
  assert.equal(defaultAskSats(limits), 100_000);
  assert.equal(defaultAskSats({ minSats: 200_000, maxSats: 500_000 }), 200_000);
  assert.equal(defaultAskSats({ minSats: 1_000, maxSats: 50_000 }), 50_000);
  // A hub_open above the channels maximum is bounded by it.
  assert.equal(askLimits({ channels: LIMITS, open: hubOpenOf({ max_sats: 99_000_000, max_per_client: 1 }) }).maxSats, 16_777_215);
  // No hub_open (the hub funds none, --hub-open-max-per-client 0), or a malformed one: nothing to ask.
  for (const bad of [undefined, null, {}, { max_sats: 300_000 }, { max_sats: '300000', max_per_client: 1 },
    { max_sats: 300_000, max_per_client: 0 }, { max_sats: -1, max_per_client: 1 }]) {
    assert.equal(hubOpenOf(bad), null, JSON.stringify(bad));
  }
  assert.equal(askLimits({ channels: LIMITS, open: null }), null);
  assert.equal(askLimits({ channels: LIMITS, open: hubOpenOf({ max_sats: 10_000, max_per_client: 1 }) }), null, 'below the channels minimum');
});

test('each refusal code reads as its own sentence, with the hub\'s words', () => {
  const codes = ['hub_open_unavailable', 'hub_open_amount', 'hub_open_too_many', 'hub_wallet_empty', 'hub_too_many_channels'];
  const sentences = codes.map((code) => refusalSentence(`${code}: the detail`));
  assert.deepEqual(sentences.map((s) => s.code), codes);
  assert.equal(new Set(sentences.map((s) => s.sentence.split(' (The hub says')[0])).size, codes.length, 'one sentence per code');
  for (const s of sentences) assert.match(s.sentence, /^[A-Z][^_]*\(The hub says: the detail\)$/);
  assert.equal(refusalSentence('hub_open_amount: the hub funds channels of 20000 to 300000 sats').sentence,
    'The hub does not fund a channel of this size. (The hub says: the hub funds channels of 20000 to 300000 sats)');
  assert.equal(refusalSentence('hub_wallet_empty: the hub\'s wallet has no coins yet').code, 'hub_wallet_empty');
  assert.deepEqual(refusalSentence('something_new: x'), { code: 'something_new', sentence: 'The hub refused to fund the channel. (The hub says: x)' });
});

test('a fundee\'s record: no funding script nor transaction, and only as a fundee', () => {
  const base = { id: 'a'.repeat(64), stage: 'confirming', state: new Uint8Array(300), seed: { nonce: new Uint8Array(12), ciphertext: new Uint8Array(48) },
    fundingSats: 100000, network: 'bcoin-regtest', createdAt: 1700000000000, minimumDepth: 1 };
  const funding = { sats: 100000, txid: 'c'.repeat(64), vout: 0 };
  assert.equal(checkChannel({ ...base, fundee: true, funding }).fundee, true);
  assert.equal(checkChannel({ ...base, fundee: true, stage: 'accepting' }).stage, 'accepting');
  for (const bad of [{ funding }, { fundee: 'yes', funding }, { fundee: true, funding: { ...funding, script: 'xyz' } }]) {
    assert.throws(() => checkChannel({ ...base, ...bad }), (e) => e.code === 'channel_record_invalid', JSON.stringify(bad));
  }
});

test('the hub\'s open_channel for the amount asked is accepted; funding_created gives the funding outpoint', () => {
  const hub = hubOpens(150000);
  const header = frameHeader(hub.frame);
  assert.equal(header.type, MESSAGE.openChannel);
  const seed = new Uint8Array(randomBytes(32));
  const accepted = datt.channel.accept(seed, asked(150000), hub.frame);
  assert.equal(accepted.frames.length, 1, 'accept_channel');
  const info = datt.channel.info(accepted.state);
  assert.equal(info.phase, 2, 'waiting for funding_created');
  assert.equal(info.funder, false);
  assert.equal(fundeeFunding(info), null);
  const record = { id: header.channelId, stage: 'accepting', fundee: true, minimumDepth: 1 };
  assert.equal(forgottenByHub(record, 'hub_unknown_channel: the hub has no such channel'), true);

  // The hub funds: funding_needed, then funding_created to us; we answer funding_signed.
  const needed = datt.channel.receive(hub.state, hub.seed, accepted.frames[0]);
  const script = needed.events.find((e) => e.type === 'funding_needed');
  assert.equal(Number(script.sats), 150000);
  const txid = hex(randomBytes(32));
  const created = datt.channel.funding(needed.state, hub.seed, { txid, vout: 1 });
  const signed = datt.channel.receive(accepted.state, seed, created.frames[0]);
  assert.equal(signed.frames.length, 1, 'funding_signed');
  const open = datt.channel.info(signed.state);
  assert.deepEqual(fundeeFunding(open), { sats: 150000, txid, vout: 1 });
  assert.equal(open.to_local_msat, '0', 'everything is the hub\'s at first');
  assert.equal(open.to_remote_msat, '150000000');
  const back = datt.channel.receive(created.state, hub.seed, signed.frames[0]);
  assert.ok(back.events.some((e) => e.type === 'funding_may_broadcast'), 'the hub may broadcast its funding');

  const confirming = { ...record, stage: 'confirming', funding: fundeeFunding(open) };
  assert.equal(forgottenByHub(confirming, 'hub_unknown_channel: the hub has no such channel'), true);
  assert.equal(forgottenByHub(confirming, 'hub_attach_required: send channel_attach first'), false);
  assert.equal(forgottenByHub({ ...confirming, funding: { ...confirming.funding, height: 120 } }, 'hub_unknown_channel: x'), false,
    'a funding seen in a block is kept');
  assert.equal(forgottenByHub({ ...confirming, fundee: undefined }, 'hub_unknown_channel: x'), false, 'a channel we funded is kept');
  assert.equal(forgottenByHub({ ...confirming, stage: 'ready' }, 'hub_unknown_channel: x'), false);
});

test('an open_channel for another amount, or pushing sats, is refused', () => {
  const seed = new Uint8Array(randomBytes(32));
  assert.throws(() => datt.channel.accept(seed, asked(150000), hubOpens(200000).frame), /fund|amount/i);
  assert.throws(() => datt.channel.accept(seed, asked(150000), hubOpens(150000, 1000n).frame), /push/);
});
