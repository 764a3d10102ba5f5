// What the owner's worker watches for its channels (web/src/channels/watches.js) and how the
// wallet asks the bridge (web/src/wallet/watch_requests.js): each funded channel's funding
// outpoint from the funding's block (the bridge's `from_height`: a close while no tab was open
// is found), until its spend is mined; a waiting resolution transaction's inputs from the
// spend's block; the funding height filled in from the wallet's record for a channel stored
// without one (an older version of the app), and checked when read back.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkChannel } from '../../web/src/channels/records.js';
import { channelWatches, withFundingHeight } from '../../web/src/channels/watches.js';
import { outpointWatchRequests } from '../../web/src/wallet/watch_requests.js';

const h = (c) => c.repeat(64);
const bytes = (n, fill = 7) => new Uint8Array(n).fill(fill);
const channel = (extra = {}) => ({
  id: h('a'), stage: 'ready', state: bytes(300), seed: { nonce: bytes(12), ciphertext: bytes(48) }, fundingSats: 100000,
  network: 'bcoin-regtest', createdAt: 1700000000000, minimumDepth: 1, ...extra,
});
const funding = (extra = {}) => ({ script: '00'.repeat(34), sats: 100000, txid: h('f'), vout: 1, ...extra });

test('funding outpoints are watched from the funding\'s block until their spend is mined', () => {
  assert.deepEqual(channelWatches([channel({ funding: funding({ height: 440 }) })]), [{ txid: h('f'), vout: 1, fromHeight: 440 }]);
  // No height known yet (not confirmed, or stored by an older app): watched live only.
  assert.deepEqual(channelWatches([channel({ funding: funding() })]), [{ txid: h('f'), vout: 1 }]);
  assert.deepEqual(channelWatches([channel({ stage: 'closing', funding: funding({ height: 0 }) })]), [{ txid: h('f'), vout: 1, fromHeight: 0 }]);
  // A spend in the mempool only: still watched (the block tells); once mined, no longer.
  assert.equal(channelWatches([channel({ funding: funding({ height: 440 }), spentBy: { txid: h('c'), kind: 'unilateral', height: null } })]).length, 1);
  assert.deepEqual(channelWatches([channel({ funding: funding({ height: 440 }), spentBy: { txid: h('c'), kind: 'unilateral', height: 450 } })]), []);
  for (const stage of ['opening', 'funding_needed', 'failed']) assert.deepEqual(channelWatches([channel({ stage, funding: funding({ height: 440 }) })]), []);
  assert.deepEqual(channelWatches([channel({ funding: { script: '00'.repeat(34), sats: 100000 } })]), [], 'no funding txid yet');
});

test('a waiting resolution transaction\'s inputs are watched from the spend\'s block', () => {
  const tx = (status, vout) => ({ kind: 'to_remote_sweep', tx: 'ab'.repeat(60), txid: h(String(vout)), parent_txid: h('c'),
    csv: 0, cltv: 0, sats: '1000', status, inputs: [{ txid: h('c'), vout }] });
  const resolution = { kind: 'remote_commitment', spendTxid: h('c'), spendHeight: 450, txs: [tx('waiting', 0), tx('confirmed', 1)] };
  const record = channel({ funding: funding({ height: 440 }), spentBy: { txid: h('c'), kind: 'unilateral', height: 450 }, resolution });
  assert.deepEqual(channelWatches([record]), [{ txid: h('c'), vout: 0, fromHeight: 450 }]);
  assert.deepEqual(channelWatches([{ ...record, resolution: { ...resolution, spendHeight: null } }]), [{ txid: h('c'), vout: 0 }]);
});

test('the funding height comes from the wallet\'s confirmed record, once; it is checked when read back', () => {
  const old = channel({ funding: funding() });
  assert.deepEqual(withFundingHeight(old, { txid: h('f'), status: 'confirmed', height: 441 }).funding, funding({ height: 441 }));
  assert.equal(withFundingHeight(old, { txid: h('f'), status: 'pending', height: null }), null);
  assert.equal(withFundingHeight(old, null), null);
  assert.equal(withFundingHeight(channel({ funding: funding({ height: 441 }) }), { status: 'confirmed', height: 500 }), null);
  assert.equal(checkChannel(channel({ funding: funding({ height: 441 }) })).funding.height, 441);
  assert.equal(checkChannel(old).funding.height, undefined, 'a record without it still reads');
  for (const height of [-1, 1.5, '441', null]) {
    assert.throws(() => checkChannel(channel({ funding: funding({ height }) })), (e) => e.code === 'channel_record_invalid', String(height));
  }
});

test('the wallet\'s watch requests: grouped by from_height, chunked, the rest without', () => {
  const o = (n, fromHeight) => ({ txid: h(n.toString(16)), vout: n, ...(fromHeight === undefined ? {} : { fromHeight }) });
  assert.deepEqual(outpointWatchRequests([o(1, 440), o(2), o(3, 440), o(4, 0)], 100), [
    { outpoints: [{ txid: h('1'), vout: 1 }, { txid: h('3'), vout: 3 }], from_height: 440 },
    { outpoints: [{ txid: h('2'), vout: 2 }] },
    { outpoints: [{ txid: h('4'), vout: 4 }], from_height: 0 },
  ]);
  const many = Array.from({ length: 5 }, (_, i) => o(i + 1, 7));
  assert.deepEqual(outpointWatchRequests(many, 2).map((r) => [r.outpoints.length, r.from_height]), [[2, 7], [2, 7], [1, 7]]);
  assert.deepEqual(outpointWatchRequests([], 100), []);
});
