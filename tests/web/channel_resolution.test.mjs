// The browser's on-chain resolution records (web/src/channels/resolution.js): what the worker
// stores of datt.channel.resolve()'s answer is checked when read back (a tampered record is
// refused as channel_record_invalid by checkChannel); each transaction is due from its
// parent's block + max(csv, 1) and after its cltv (BIP-68/65), a child only once its parent is
// mined; a mined spend of an input marks ours confirmed or another's lost; the page's summary.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { checkChannel } from '../../web/src/channels/records.js';
import { dueTransactions, earliestHeight, resolutionRecord, resolutionSpend, resolutionSummary }
  from '../../web/src/channels/resolution.js';

const h = (c) => c.repeat(64);
const bytes = (n, fill = 7) => new Uint8Array(n).fill(fill);
const channel = (extra = {}) => ({
  id: h('a'), stage: 'ready', state: bytes(300), seed: { nonce: bytes(12), ciphertext: bytes(48) }, fundingSats: 100000,
  network: 'bcoin-regtest', createdAt: 1700000000000, minimumDepth: 1, ...extra,
});
const tx = (kind, txid, parent, csv, cltv, sats) => ({ kind, tx: txid.slice(0, 2).repeat(100), txid, parent_txid: parent, csv, cltv, sats });
// A revoked commitment h('c'): the justice tx and the to_remote sweep at once; and an HTLC
// claim after block 700 whose child sweeps after 144 blocks (a shape to test the rules).
const resolved = {
  kind: 'revoked_commitment', spend_txid: h('c'), commitment_number: '4', unresolved: [],
  to_broadcast: [tx('justice', h('d'), h('c'), 0, 0, 99000), tx('to_remote_sweep', h('e'), h('c'), 0, 0, 1000),
    tx('claim_htlc_timeout', h('f'), h('c'), 0, 700, 500), tx('second_stage_sweep', h('1'), h('f'), 144, 0, 400)],
};
// Each spends one output of its parent: the commitment's 0, 1, 2, the claim's 0.
const inputsOf = (txHex) => ({ dd: [{ txid: h('c'), vout: 0 }], ee: [{ txid: h('c'), vout: 1 }], ff: [{ txid: h('c'), vout: 2 }],
  11: [{ txid: h('f'), vout: 0 }] })[txHex.slice(0, 2)];

test('a stored resolution: checked field by field, tampered ones refused', () => {
  const record = resolutionRecord(resolved, 600, inputsOf);
  assert.equal(checkChannel(channel({ resolution: record })).resolution.txs.length, 4);
  for (const bad of [{ spendTxid: 'x' }, { kind: 'stolen' }, { spendHeight: -1 }, { txs: {} },
    { txs: [{ ...record.txs[0], tx: 'zz' }] }, { txs: [{ ...record.txs[0], csv: 70000 }] },
    { txs: [{ ...record.txs[0], status: 'sent' }] }, { txs: [{ ...record.txs[0], inputs: [{ txid: h('c'), vout: -1 }] }] }]) {
    assert.throws(() => checkChannel(channel({ resolution: { ...record, ...bad } })), (e) => e.code === 'channel_record_invalid',
      JSON.stringify(bad).slice(0, 80));
  }
  const revoked = { number: '3', secret: h('9'), to_local_msat: '1000', to_remote_msat: '2000',
    htlcs: [{ offered: true, id: '0', amount_msat: '5000000', payment_hash: h('8'), cltv_expiry: 800 }] };
  assert.equal(checkChannel(channel({ revoked: [revoked] })).revoked.length, 1);
  assert.throws(() => checkChannel(channel({ revoked: [{ ...revoked, secret: 'no' }] })), (e) => e.code === 'channel_record_invalid');
  assert.throws(() => checkChannel(channel({ revoked: [{ ...revoked, htlcs: [{ ...revoked.htlcs[0], offered: 1 }] }] })),
    (e) => e.code === 'channel_record_invalid');
});

test('due from the parent\'s block + max(csv, 1) and after the cltv; children once the parent is mined', () => {
  assert.equal(earliestHeight({ csv: 0, cltv: 0 }, 600), 601);
  assert.equal(earliestHeight({ csv: 144, cltv: 0 }, 600), 744);
  assert.equal(earliestHeight({ csv: 0, cltv: 700 }, 600), 701);
  const unmined = resolutionRecord(resolved, null, inputsOf);
  assert.deepEqual(dueTransactions(unmined, 650), [], 'the spend is not in a block yet');
  const record = resolutionRecord(resolved, 600, inputsOf);
  assert.deepEqual(dueTransactions(record, 600).map((t) => t.kind), ['justice', 'to_remote_sweep']);
  assert.deepEqual(dueTransactions(record, 699).map((t) => t.kind), ['justice', 'to_remote_sweep']);
  assert.deepEqual(dueTransactions(record, 700).map((t) => t.kind), ['justice', 'to_remote_sweep', 'claim_htlc_timeout']);
  assert.deepEqual(resolutionSummary(record), { kind: 'revoked_commitment', sats: 100400, after: null, confirmed: false });

  // The claim mined in block 705: its child is due from block 849; another's spend is `lost`.
  const claimSpent = { outpoint: { txid: h('c'), vout: 2 }, txid: h('f'), height: 705 };
  assert.equal(resolutionSpend(record, { ...claimSpent, height: undefined }), null, 'a mempool spend changes nothing');
  const afterClaim = resolutionSpend({ ...record, txs: record.txs.filter((t) => t.kind !== 'justice' && t.kind !== 'to_remote_sweep') },
    claimSpent);
  assert.deepEqual(afterClaim.txs.map((t) => t.status), ['confirmed', 'waiting']);
  assert.deepEqual(dueTransactions(afterClaim, 847), []);
  assert.deepEqual(dueTransactions(afterClaim, 848).map((t) => t.kind), ['second_stage_sweep']);
  assert.equal(resolutionSummary(afterClaim).after, 849);
  const lost = resolutionSpend(record, { ...claimSpent, txid: h('7') });
  assert.deepEqual(lost.txs.map((t) => t.status), ['waiting', 'waiting', 'lost', 'waiting']);
  assert.equal(resolutionSummary(lost).sats, 100400 - 400, 'a lost claim brings nothing back');
  const mined = { ...record, txs: record.txs.map((t) => ({ ...t, status: 'confirmed', height: 601 })) };
  assert.equal(resolutionSummary(mined).confirmed, true);
});
