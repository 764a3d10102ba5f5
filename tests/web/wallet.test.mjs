// The browser wallet's stored records (web/src/wallet/records.js): what is read back from
// IndexedDB is validated field by field (tampered, truncated or foreign records are left
// out and counted, never used), and balance and history follow from valid records:
// confirmed only for confirmed transactions, spent coins not counted, a replaced payment's
// outputs gone and its inputs free again.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  checkAccount, checkChain, checkCoin, checkScan, checkTx, conflictRecords, formatSats, parseSats, spendableCoins, summarize,
  validRecords,
} from '../../web/src/wallet/records.js';

const txid = (byte) => byte.repeat(64);
const script = (byte) => Uint8Array.from([0, 20, ...new Array(20).fill(byte)]);
const coin = (id, vout, value, spentBy = null) => ({ txid: txid(id), vout, value, scriptPubKey: script(vout + 1),
  path: `m/84'/1'/0'/0/${vout}`, spentBy });
const tx = (id, status, extra = {}) => ({ txid: txid(id), status, height: status === 'confirmed' ? 101 : null,
  block: status === 'confirmed' ? txid('f') : null, seenAt: 1000 + id.charCodeAt(0), fee: null, ...extra });

function corrupt(check, record, code = 'wallet_corrupt_record') {
  assert.throws(() => check(record), (e) => e.code === code, JSON.stringify(record, (k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
}

test('records: valid ones pass, every tampered field is refused', () => {
  const good = coin('a', 0, 50_000n);
  assert.equal(checkCoin(good), good);
  corrupt(checkCoin, { ...good, value: 50_000 });             // a Number, not a BigInt
  corrupt(checkCoin, { ...good, value: -1n });
  corrupt(checkCoin, { ...good, value: 21_000_000n * 100_000_000n + 1n });
  corrupt(checkCoin, { ...good, txid: 'A'.repeat(64) });
  corrupt(checkCoin, { ...good, vout: -1 });
  corrupt(checkCoin, { ...good, scriptPubKey: new Uint8Array(22).fill(1) });
  corrupt(checkCoin, { ...good, scriptPubKey: Array.from(script(1)) });
  corrupt(checkCoin, { ...good, path: "m/44'/1'/0'/0/0" });
  corrupt(checkCoin, { ...good, spentBy: 'x' });
  corrupt(checkCoin, null);

  const confirmed = tx('b', 'confirmed');
  assert.equal(checkTx(confirmed), confirmed);
  corrupt(checkTx, { ...confirmed, status: 'final' });
  corrupt(checkTx, { ...confirmed, height: null });            // confirmed needs a height and block
  corrupt(checkTx, { ...confirmed, block: null });
  corrupt(checkTx, { ...confirmed, seenAt: 'now' });
  corrupt(checkTx, { ...confirmed, fee: 5 });
  corrupt(checkTx, { ...confirmed, replacedBy: 'zz' });
  corrupt(checkTx, { ...confirmed, payees: [{ address: 'rb1q', value: 5 }] });
  corrupt(checkTx, { ...confirmed, payees: new Array(101).fill({ address: 'a', value: 1n }) });

  const account = { key: 'account', network: 'bcoin-regtest', xpub: `rpub${'a'.repeat(107)}`, fingerprint: '0a1b2c3d' };
  assert.equal(checkAccount(account), account);
  corrupt(checkAccount, { ...account, network: 'moon' });
  corrupt(checkAccount, { ...account, xpub: 'xpub<script>' });
  corrupt(checkAccount, { ...account, fingerprint: 'zz' });
  assert.ok(checkScan({ progress: new Uint8Array(17) }));
  corrupt(checkScan, { progress: new Uint8Array(16) });
  corrupt(checkScan, { progress: 'x'.repeat(17) });
  const chain = { network: 'bcoin-regtest', state: new Uint8Array(100), height: 5, tipHash: txid('c') };
  assert.equal(checkChain(chain, 'bcoin-regtest'), chain);
  const checkRegtestChain = (record) => checkChain(record, 'bcoin-regtest');
  corrupt(checkRegtestChain, { ...chain, height: -1 });
  corrupt(checkRegtestChain, { ...chain, tipHash: 'c'.repeat(63) });
  corrupt(checkRegtestChain, { ...chain, state: new Uint8Array(2000) });
  assert.throws(() => checkChain(chain, 'mainnet'), /another network/);

  const { valid, rejected } = validRecords([good, { ...good, value: 1 }, null, coin('b', 1, 7n)], checkCoin);
  assert.equal(valid.length, 2);
  assert.equal(rejected, 2);
});

test('balance: confirmed, pending, spent and replaced', () => {
  // a: 100k received, confirmed. b: 30k received, pending.
  // c: our payment spending a's coin, pending, with 60k change; d replaced c (spends a too).
  const coins = [coin('a', 0, 100_000n, txid('d')), coin('b', 0, 30_000n), coin('c', 1, 60_000n), coin('d', 1, 59_000n)];
  const txs = [tx('a', 'confirmed'), tx('b', 'pending'),
    tx('c', 'replaced', { fee: 1_000n, unsigned: {}, replacedBy: txid('d') }),
    tx('d', 'pending', { fee: 2_000n, unsigned: {}, replaces: txid('c') })];
  const summary = summarize(coins, txs);
  assert.equal(summary.confirmed, 0n, 'a\'s coin is spent by d');
  assert.equal(summary.pending, 30_000n + 59_000n, 'b, and d\'s change; c\'s change never comes');
  const rows = Object.fromEntries(summary.history.map((row) => [row.txid[0], row]));
  assert.equal(rows.a.amount, 100_000n);
  assert.equal(rows.d.amount, 59_000n - 100_000n);
  assert.equal(rows.d.bumpable, true);
  assert.equal(rows.c.bumpable, false);
  assert.equal(rows.c.refusedBump, null, 'no longer offered once replaced');
  assert.equal(rows.b.bumpable, false, 'a received payment is not ours to bump');
  assert.equal(rows.c.replacedBy, txid('d'));
  // d confirmed: its change is confirmed; a spent coin of a replaced spender is spendable again.
  const later = summarize(coins, txs.map((t) => (t.txid === txid('d') ? { ...t, status: 'confirmed', height: 102, block: txid('e') } : t)));
  assert.equal(later.confirmed, 59_000n);
  assert.equal(later.pending, 30_000n);
  const freed = [coin('a', 0, 100_000n, txid('c'))];
  assert.deepEqual(spendableCoins(freed, txs).map((c) => c.value), [100_000n]);
  assert.deepEqual(spendableCoins([coin('b', 0, 30_000n)], txs), [], 'unconfirmed coins are not offered');
});

test('a block spending our coin with another transaction: ours replaced, counted once, to the sat', () => {
  // a: 100k received, confirmed. c: our payment of 30k from a, 1k fee, 69k change, pending.
  // The node refused c's bump d (69k - 4k more fee = 65k change); a miner mined d anyway.
  const bumpUnsigned = { fee: 5_000n };
  const payees = [{ address: 'rb1qpayee', value: 30_000n }];
  const coins = [coin('a', 0, 100_000n, txid('c')), coin('c', 1, 69_000n)];
  const txs = [tx('a', 'confirmed'),
    tx('c', 'pending', { fee: 1_000n, unsigned: {}, payees, refusedBump: { txid: txid('d'), fee: 5_000n, unsigned: bumpUnsigned, payees, transaction: new Uint8Array(200) } })];
  for (const record of txs) assert.equal(checkTx(record), record);
  corrupt(checkTx, { ...txs[1], refusedBump: { ...txs[1].refusedBump, txid: 'd' } });
  corrupt(checkTx, { ...txs[1], refusedBump: { ...txs[1].refusedBump, fee: 5 } });
  corrupt(checkTx, { ...txs[1], refusedBump: { ...txs[1].refusedBump, transaction: 'ab' } });
  const before = summarize(coins, txs);
  assert.equal(before.total, 69_000n);
  const pendingRow = before.history.find((row) => row.txid === txid('c'));
  assert.equal(pendingRow.refusedBump.txid, txid('d'), 'shown with the payment it would replace');
  assert.equal(pendingRow.refusedBump.fee, 5_000n);

  // The block's spend of a:0 by d.
  const put = conflictRecords(coins, txs, { outpoint: { txid: txid('a'), vout: 0 }, txid: txid('d'), seenAt: 5000 });
  const merge = (list, updates, key) => [...list.filter((r) => !updates.some((u) => key(u) === key(r))), ...updates];
  const txs2 = merge(txs, put.txs, (r) => r.txid);
  for (const record of txs2) checkTx(record);
  const byId = Object.fromEntries(txs2.map((t) => [t.txid[0], t]));
  assert.equal(byId.c.status, 'replaced');
  assert.equal(byId.c.replacedBy, txid('d'));
  assert.equal(byId.d.status, 'pending', 'pending until its proof is checked');
  assert.equal(byId.d.replaces, txid('c'));
  assert.equal(byId.d.fee, 5_000n, 'the refused bump\'s own record');
  assert.deepEqual(byId.d.payees, payees);
  assert.equal(byId.d.unsigned, bumpUnsigned);
  // d's change arrives (a payment to our change script), d is proven.
  const coins2 = merge(coins, [...put.coins, coin('d', 1, 65_000n)], (c) => `${c.txid}:${c.vout}`);
  const proven = txs2.map((t) => (t.txid === txid('d') ? { ...t, status: 'confirmed', height: 102, block: txid('e') } : t));
  const after = summarize(coins2, proven);
  assert.equal(after.confirmed, 65_000n, '100k less 30k paid less the bump\'s 5k fee');
  assert.equal(after.pending, 0n, 'c\'s 69k change never comes');
  const rows = Object.fromEntries(after.history.map((row) => [row.txid[0], row]));
  assert.equal(rows.d.amount, 65_000n - 100_000n);
  assert.equal(rows.c.amount, 0n, 'the replaced payment moves nothing');
  assert.equal(rows.c.bumpable, false);
  assert.equal(rows.c.refusedBump, null, 'no longer offered once replaced');

  // Told again (another notice of the same block), or a coin not ours: nothing to do.
  assert.equal(conflictRecords(coins2, proven, { outpoint: { txid: txid('a'), vout: 0 }, txid: txid('d'), seenAt: 6000 }), null);
  assert.equal(conflictRecords(coins2, proven, { outpoint: { txid: txid('9'), vout: 0 }, txid: txid('d'), seenAt: 6000 }), null);
  // A spend made elsewhere with our keys (not our refused bump): recorded without a fee.
  const foreign = conflictRecords(coins, txs, { outpoint: { txid: txid('a'), vout: 0 }, txid: txid('8'), seenAt: 7000 });
  const other = foreign.txs.find((t) => t.txid === txid('8'));
  assert.equal(other.fee, null);
  assert.equal(other.unsigned, undefined);
  assert.equal(foreign.txs.find((t) => t.txid === txid('c')).replacedBy, txid('8'));
});

test('amounts: exact text both ways', () => {
  assert.equal(formatSats(0n), '0.00000000 BTC');
  assert.equal(formatSats(123_456_789n), '1.23456789 BTC');
  assert.equal(formatSats(-41_000n), '-0.00041000 BTC');
  assert.equal(parseSats(' 1500 '), 1500n);
  for (const bad of ['', '0', '-5', '1.5', '1e3', '99999999999999999', 'abc', null]) assert.equal(parseSats(bad), null, String(bad));
});
