// Tips in the web app (web/src/tips/*): the stored records are validated field by field when
// read back (tampered ones are refused, never counted); a relay-caused 'invalid' verdict stays
// pending; totals count only verified payments under the item they name and its author, each
// outpoint once (the core's datt.tips.total); and the payment the tip button builds (planTip,
// tipEventTemplate), signed with the real wasm wallet, gives a tip event the core accepts and
// whose embedded transaction it checks (pending until proven, never a mismatch).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadDatt } from '../../build/wasm/dist/datt.mjs';
import { TipError, bumpedTipTemplate, planTip, tipAmount, tipEventTemplate } from '../../web/src/tips/pay.js';
import { checkTx } from '../../web/src/wallet/records.js';
import { applyVerdict, checkTip, pendingAgain, tipRecord, tipSummary, transactionTag } from '../../web/src/tips/records.js';

const datt = await loadDatt({ payments: true });
const NETWORK = 'bcoin-regtest';
const h = (c) => c.repeat(64);

const record = (extra = {}) => ({
  id: h('1'), target: h('2'), author: h('3'), payer: h('4'), created_at: 1700000000, network: NETWORK,
  txid: h('5'), vout: 0, sats: 25000n, message: '', event: '{}', tx: 'ab'.repeat(100), status: 'unchecked', code: null,
  height: null, block: null, confirmations: null, checkedTip: null, ...extra,
});
const verified = (extra = {}) => record({ status: 'verified', height: 440, block: h('6'), confirmations: 2, checkedTip: h('7'), ...extra });

function refused(r) {
  assert.throws(() => checkTip(r), (e) => e.code === 'tip_corrupt_record', JSON.stringify(r, (k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
}

test('stored tips: valid records pass, every tampered field is refused', () => {
  assert.ok(checkTip(record()));
  assert.ok(checkTip(verified()));
  assert.ok(checkTip(record({ status: 'invalid', code: 'tip_wrong_address', checkedTip: h('7') })));
  for (const field of ['id', 'target', 'author', 'payer', 'txid']) {
    refused(record({ [field]: 'A'.repeat(64) }));
    refused(record({ [field]: h('1').slice(1) }));
  }
  refused(record({ payer: h('3') }));                         // the author tipping themselves
  refused(record({ sats: 25000 }));                           // a Number, not a BigInt
  refused(record({ sats: 0n }));
  refused(record({ sats: 21_000_000n * 100_000_000n + 1n }));
  refused(record({ vout: -1 }));
  refused(record({ vout: 2 ** 32 }));
  refused(record({ network: 'testnet' }));
  refused(record({ status: 'paid' }));
  refused(record({ tx: 'AB' }));
  refused(record({ tx: 'abc' }));
  refused(record({ message: 'x'.repeat(1001) }));
  refused(record({ event: 7 }));
  refused(verified({ block: null }));                         // verified without its block
  refused(verified({ height: -1 }));
  refused(verified({ confirmations: 0 }));
  refused(verified({ checkedTip: null }));
  refused(record({ status: 'invalid', code: 'tip_proof_invalid' }));   // a relay's proof never makes a tip invalid
  refused(null);
});

test('verdicts: relay-caused invalid stays pending, final ones stay invalid, verified keeps its block', () => {
  const tip = record();
  const v = applyVerdict(tip, { status: 'verified', confirmations: 3, height: 441, blockHash: h('8'), sats: 25000n }, h('9'));
  assert.deepEqual([v.status, v.height, v.block, v.confirmations, v.checkedTip], ['verified', 441, h('8'), 3, h('9')]);
  assert.ok(checkTip(v));
  for (const code of ['tip_proof_invalid', 'tip_proof_wrong_tx']) {
    const p = applyVerdict(tip, { status: 'invalid', code, confirmations: 0, height: 0, sats: 25000n }, h('9'));
    assert.equal(p.status, 'pending', code);
    assert.ok(checkTip(p));
  }
  const bad = applyVerdict(tip, { status: 'invalid', code: 'tip_amount_mismatch', confirmations: 0, height: 0, sats: 25000n }, h('9'));
  assert.equal(bad.status, 'invalid');
  const back = pendingAgain(v, 'tip_not_in_chain', h('a'));
  assert.deepEqual([back.status, back.block, back.height, back.code], ['pending', null, null, 'tip_not_in_chain']);
});

test('totals: only verified tips of the item and its author, each outpoint once; pending counted apart', () => {
  const summarize = (target, author) => {
    const summary = tipSummary(tips, target, author);
    return { ...summary, ...datt.tips.total(summary.payments) };
  };
  const tips = [
    verified({ id: h('a'), sats: 1000n, txid: h('b') }),
    verified({ id: h('c'), sats: 1000n, txid: h('b') }),               // another event claiming the same outpoint
    verified({ id: h('d'), sats: 500n, txid: h('e') }),
    verified({ id: h('f'), sats: 9999n, txid: h('0'), author: h('4'), payer: h('5') }),   // paid someone else
    verified({ id: h('9'), sats: 7777n, txid: h('8'), target: h('7') }),                 // another post
    record({ id: h('6'), sats: 3000n, txid: h('5'), status: 'pending', code: 'tip_unconfirmed', checkedTip: h('7') }),
    record({ id: h('2'), sats: 4000n, txid: h('1'), status: 'invalid', code: 'tip_wrong_address', checkedTip: h('7') }),
  ];
  const summary = summarize(h('2'), h('3'));
  assert.equal(summary.sats, 1500n);
  assert.equal(summary.payments, 2);
  assert.equal(summary.pending, 1);
  assert.equal(summary.pendingSats, 3000n);
  assert.equal(summarize(h('2'), h('4')).sats, 9999n);
  assert.equal(summarize(h('2'), h('5')).sats, 0n);
  assert.deepEqual(tipSummary([], h('2'), h('3')).payments, []);
});

test('amounts and the tx tag are validated', () => {
  assert.equal(tipAmount('1000'), 1000n);
  assert.equal(tipAmount(' 21 '), 21n);
  for (const text of ['', '0', '-5', '1.5', '1e3', 'abc', '99999999999999999']) {
    assert.throws(() => tipAmount(text), (e) => e instanceof TipError && e.code === 'tip_bad_amount', text);
  }
  const hex = 'ab'.repeat(100);
  assert.equal(transactionTag([['e', h('1')], ['tx', hex]]), hex);
  assert.equal(transactionTag([['tx', hex.toUpperCase()]]), null);
  assert.equal(transactionTag([['tx', `${hex}a`]]), null);
  assert.equal(transactionTag([['tx', 'ab']]), null);
  assert.equal(transactionTag([['tx', 5]]), null);
  assert.equal(transactionTag(null), null);
});

test('the tip button\'s payment and event: the core parses the event and checks its transaction', async () => {
  const payerSeed = datt.mnemonicToSeed('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
  const author = datt.generateSecretKey();
  const payer = datt.generateSecretKey();
  const authorAddress = datt.bitcoin.wallet.addresses(datt.mnemonicToSeed('legal winner thank year wave sausage worth useful legal winner thank yellow'),
    0, 0, 1, { network: NETWORK })[0];
  const payoutEvent = datt.signEvent(datt.tips.payoutTemplate([{ network: NETWORK, address: authorAddress.address }], { createdAt: 1700000000 }), author);
  const payout = datt.tips.parsePayout(payoutEvent).addresses[0];
  const post = datt.signEvent({ created_at: 1700000001, kind: 1111, tags: [], content: 'a post' }, author);
  const mine = datt.bitcoin.wallet.addresses(payerSeed, 0, 0, 1, { network: NETWORK })[0];
  const change = datt.bitcoin.wallet.addresses(payerSeed, 1, 0, 1, { network: NETWORK })[0];
  const coins = [{ txid: h('c'), vout: 1, value: 1_000_000n, scriptPubKey: mine.scriptPubKey, path: mine.path, spentBy: null }];
  const txs = [{ txid: h('c'), status: 'confirmed', height: 433, block: h('d'), seenAt: 1, fee: null }];
  const plan = { network: NETWORK, payout, target: post.id, payer: datt.publicKey(payer), sats: 25000n, coins, txs,
    changeScript: change.scriptPubKey, feeRate: 2 };

  const { unsigned, vout } = await planTip(datt, plan);
  assert.equal(unsigned.tx.outputs[vout].value, 25000n);
  assert.deepEqual(unsigned.tx.outputs[vout].scriptPubKey, payout.scriptPubKey);
  const commitment = datt.tips.commitmentScript(post.id, datt.publicKey(payer));
  assert.equal(unsigned.tx.outputs.filter((o) => o.value === 0n && o.scriptPubKey.every((b, i) => b === commitment[i]) &&
    o.scriptPubKey.length === commitment.length).length, 1, 'one commitment output');
  const signed = datt.bitcoin.wallet.sign(payerSeed, unsigned, { network: NETWORK });

  const template = await tipEventTemplate(datt, { payoutEvent, target: post.id, network: NETWORK, txid: signed.txid, vout, sats: 25000n,
    message: 'thanks', transaction: signed.transaction, community: `34550:${h('a')}:c`, createdAt: 1700000002 });
  const event = datt.signEvent(template, payer);
  const parsed = datt.tips.parseTip(event);
  assert.deepEqual([parsed.target, parsed.author, parsed.txid, parsed.vout, parsed.sats], [post.id, post.pubkey, signed.txid, vout, 25000n]);
  assert.deepEqual(event.tags.find((t) => t[0] === 'A'), ['A', `34550:${h('a')}:c`]);
  const tx = transactionTag(event.tags);
  assert.equal(tx, Buffer.from(signed.transaction).toString('hex'));
  const stored = tipRecord(parsed, JSON.stringify(event), tx);
  assert.ok(checkTip(stored));

  // Against a chain holding only genesis: the transaction matches the event (no tip_txid_mismatch,
  // address, amount or commitment failure), and without a proof it is pending.
  const state = datt.bitcoin.headerChainGenesis(NETWORK);
  const verdict = datt.tips.verify(event, { network: NETWORK, state, transaction: signed.transaction });
  assert.deepEqual([verdict.status, verdict.code], ['pending', 'tip_unconfirmed']);
  // A transaction that is not the event's: invalid for good.
  const other = datt.bitcoin.wallet.sign(payerSeed, (await planTip(datt, { ...plan, sats: 26000n })).unsigned, { network: NETWORK });
  const wrong = datt.tips.verify(event, { network: NETWORK, state, transaction: other.transaction });
  assert.equal(applyVerdict(stored, wrong, h('7')).status, 'invalid');

  // A fee bump of the tip's payment: the tip is announced again naming the replacement, with
  // what payTip kept beside the payment in the wallet's record.
  const tipContext = { target: post.id, payoutEvent: JSON.stringify(payoutEvent), scriptPubKey: Buffer.from(payout.scriptPubKey).toString('hex'),
    vout, sats: 25000n, message: 'thanks', community: `34550:${h('a')}:c` };
  const walletTx = { txid: signed.txid, status: 'pending', height: null, block: null, seenAt: 1, fee: unsigned.fee, unsigned, tip: tipContext };
  assert.equal(checkTx(walletTx), walletTx);
  for (const bad of [{ sats: 0n }, { target: 'x' }, { scriptPubKey: 'XY' }, { vout: -1 }, { message: 'm'.repeat(1001) }]) {
    assert.throws(() => checkTx({ ...walletTx, tip: { ...tipContext, ...bad } }), /bad tip/, JSON.stringify(Object.keys(bad)));
  }
  const bump = datt.bitcoin.wallet.bumpFee({ original: unsigned, feeRate: 10 });
  const bumped = datt.bitcoin.wallet.sign(payerSeed, bump, { network: NETWORK });
  assert.notEqual(bumped.txid, signed.txid);
  const again = datt.signEvent(await bumpedTipTemplate(datt, { tip: tipContext, network: NETWORK, unsigned: bump, signed: bumped,
    createdAt: 1700000003 }), payer);
  const reparsed = datt.tips.parseTip(again);
  assert.deepEqual([reparsed.target, reparsed.author, reparsed.txid, reparsed.sats, again.content],
    [post.id, post.pubkey, bumped.txid, 25000n, 'thanks']);
  assert.deepEqual(again.tags.find((t) => t[0] === 'A'), ['A', `34550:${h('a')}:c`]);
  assert.equal(transactionTag(again.tags), Buffer.from(bumped.transaction).toString('hex'));
  const bumpedVerdict = datt.tips.verify(again, { network: NETWORK, state, transaction: bumped.transaction });
  assert.deepEqual([bumpedVerdict.status, bumpedVerdict.code], ['pending', 'tip_unconfirmed'], 'the replacement pays the author and commits');
  // The two tips cannot both verify: each names its own payment, and they spend the same coin.
  assert.equal(datt.tips.verify(event, { network: NETWORK, state, transaction: bumped.transaction }).code, 'tip_txid_mismatch');
  assert.deepEqual(datt.bitcoin.parseTransaction(bumped.transaction).inputs.map((i) => `${i.txid}:${i.vout}`),
    datt.bitcoin.parseTransaction(signed.transaction).inputs.map((i) => `${i.txid}:${i.vout}`));
  await assert.rejects(bumpedTipTemplate(datt, { tip: { ...tipContext, sats: 24000n }, network: NETWORK, unsigned: bump, signed: bumped,
    createdAt: 1 }), (e) => e.code === 'tip_payment_failed');

  await assert.rejects(planTip(datt, { ...plan, sats: 2_000_000n }), (e) => e instanceof TipError && e.code === 'tip_insufficient_funds');
  await assert.rejects(planTip(datt, { ...plan, txs: [{ ...txs[0], status: 'pending', height: null, block: null }] }),
    (e) => e.code === 'tip_insufficient_funds', 'unconfirmed coins are not spent');
});

test('a tip whose payment was replaced by a fee bump: the replacement\'s tip counts, the sats once', () => {
  // The payer's first tip names tx 5 (replaced: its inputs are spent by tx 8 in a block, so it
  // can never be mined and its tip never verifies); the tip re-announced for the bump names
  // tx 8 and is verified. Both are under the same comment for the same author.
  const tips = [
    record({ id: h('a'), sats: 25000n, txid: h('5'), status: 'pending', code: 'tip_unconfirmed', checkedTip: h('7') }),
    verified({ id: h('b'), sats: 25000n, txid: h('8') }),
  ];
  const summary = tipSummary(tips, h('2'), h('3'));
  assert.deepEqual(datt.tips.total(summary.payments), { sats: 25000n, payments: 1 });
  assert.equal(summary.pending, 1, 'the replaced payment\'s tip is shown pending, not counted');
  // Verified by a relay's proof of the replacement, the first event is still not the
  // replacement's: verify() refuses it for its txid (tests/relay/bitcoin_tips.test.mjs).
});
