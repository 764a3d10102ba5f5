// The hub opens a channel to a client so it can receive (issue 13 item 2; docs/channels.md
// "The hub opens a channel"), with the rig of hub_chain_rig.mjs: a real bcoin regtest node,
// datt-relay --hub true with the bridge (minimum depth 3), wasm clients over real
// WebSockets. The hub's wallet is funded on regtest through its deposit address (GET
// /hub/wallet from 127.0.0.1):
//   - an empty wallet refuses B's request (hub_wallet_empty); a request over
//     --hub-open-max-sats is refused (hub_open_amount);
//   - with 300,000 confirmed sats, B and C (from 127.0.0.1 and 127.0.0.2: two clients) ask for
//     200,000 each at the same time: exactly one is funded, the other refused
//     (hub_wallet_empty): no coin is spent twice;
//   - the limit of one channel per client counts per address, not per connection: the
//     winner asking again on a new connection is refused (hub_open_too_many); an ask left
//     unanswered is replaced by the next ask on its connection and forgotten with it;
//   - the winner (R) accepts the hub's open_channel (datt.channel.accept), the hub's funding
//     tx is broadcast after funding_signed and pays the channel's 2-of-2 output exactly; after
//     3 confirmations and a restart of the relay (killed: the hub reloads the channel it
//     funded, R reattaches; the wallet holds the funding's change, confirmed), A (who
//     funded her own channel) pays R 50,000 sats through the hub: R's
//     balance is exact to the msat; R closes cooperatively and its output of the mined
//     closing tx is exactly 50,000 sats (the hub, the funder, pays the fee); the hub's output
//     pays its wallet, whose confirmed balance grows by exactly that output;
//   - the operator withdraws (POST /hub/wallet/withdraw; 403 from 127.0.0.2; clear 400s for
//     an address of another network, too much, dust, a missing feerate): 60,000 sats reach
//     the address exactly (amount + fee = the coins spent - the change) and the balance
//     drops by amount + fee; with the wallet's spent coins marked unspent behind the relay's
//     back, a withdrawal of everything is refused by the node (502) and the hub keeps only
//     the coins the node has; "all" then empties the wallet into one output.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { btc } from './bitcoin_support.mjs';
import { CHAIN_HASH, hex, openParams } from './hub_clients.mjs';
import { ChainRig, Client, MNEMONIC, datt, decode, key, sleep, until } from './hub_chain_rig.mjs';
import { connect } from './support.mjs';

const FEES = { base_msat: 1000, proportional_millionths: 1000 }; // the relay's defaults
const CONFIRMED = 'datt_hub_wallet_sats{state="confirmed"}';
const OPEN_CHANNEL = 32;

// The operator's routes over HTTP: GET /hub/wallet, POST /hub/wallet/withdraw with a JSON
// body (from `localAddress`: another loopback address is not the operator's).
function operator(port, { method = 'GET', path: target = '/hub/wallet', body, localAddress = '127.0.0.1' } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: target, method, localAddress }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
const hubWallet = (port) => operator(port);
const withdraw = (port, body, localAddress) => operator(port, { method: 'POST', path: '/hub/wallet/withdraw', body, localAddress });

const frameType = (frame) => Buffer.from(frame).readUInt16BE(33);
// A warning/error frame's "code: message" (BOLT-1: type, channel_id, u16 length, data).
function refusal(frame) {
  const b = Buffer.from(frame);
  assert.ok([1, 17].includes(b.readUInt16BE(33)), `a warning or error, not type ${b.readUInt16BE(33)}`);
  return b.subarray(33 + 2 + 32 + 2).toString('utf8');
}

// What the client accepts: the amount it asked for, the suites' own terms.
const acceptParams = (sats) => ({
  ...openParams(sats, 0n), chain_hash: CHAIN_HASH, funding_sats: sats, minimum_depth: 3, max_feerate_per_kw: 10000,
  max_to_self_delay: 2016,
});

describe('the hub funds a channel to a client so it can receive (bcoin regtest)', { timeout: 600000 }, () => {
  const rig = new ChainRig('datt-hub-open-', { coins: 1, extraArgs: ['--hub-open-max-sats', '500000'] });
  before(() => rig.start());
  after(() => rig.stop());

  // A client asking from `localAddress` (the hub counts the channels it funds per address).
  async function asker(name, localAddress = '127.0.0.1') {
    const c = new Client(name);
    rig.clients.push(c);
    await c.connect(rig.relay.url, { localAddress });
    c.address = localAddress;
    return c;
  }

  it('refuses while the wallet is empty, and over the policy limit', async () => {
    let wallet;
    for (const deadline = Date.now() + 30000; ;) {  // made at the bridge's first tip
      wallet = await hubWallet(rig.relay.port);
      if (wallet.status === 200 || Date.now() > deadline) break;
      await sleep(200);
    }
    assert.equal(wallet.status, 200, wallet.body);
    const view = JSON.parse(wallet.body);
    assert.match(view.deposit_address, /^rb1q/);
    assert.equal(view.confirmed_sats, 0);
    assert.equal(await rig.metric(CONFIRMED), 0);

    const b = await asker('B');
    b.send(datt.channel.openRequest(200000));
    assert.match(refusal(await b.frame()), /^hub_wallet_empty: /);
    b.send(datt.channel.openRequest(500001));
    assert.match(refusal(await b.frame()), /^hub_open_amount: /);
    b.close();
  });

  it('funds one of two concurrent requests, pays through the hub, closes exact to the sat', async () => {
    const { deposit_address: address } = JSON.parse((await hubWallet(rig.relay.port)).body);
    const faucet = await connect(rig.relay.url);
    const funded = await btc(faucet, { method: 'faucet', address, sats: 300000 }, 180000);
    assert.equal(funded[0], 'BTC-OK', JSON.stringify(funded));
    faucet.close();
    await rig.mine(1);
    await rig.metricUntil(CONFIRMED, 300000, 'the deposit confirmed in the hub wallet');
    assert.equal(JSON.parse((await hubWallet(rig.relay.port)).body).confirmed_sats, 300000);
    assert.notEqual(JSON.parse((await hubWallet(rig.relay.port)).body).deposit_address, address, 'a fresh address');

    // Two requests at once from two clients (two addresses): one open_channel, one refusal.
    const b = await asker('B');
    const c = await asker('C', '127.0.0.2');
    b.send(datt.channel.openRequest(200000));
    c.send(datt.channel.openRequest(200000));
    const answers = [await b.frame(), await c.frame()];
    const opened = answers.filter((f) => frameType(f) === OPEN_CHANNEL);
    assert.equal(opened.length, 1, 'exactly one request is funded');
    const loser = frameType(answers[0]) === OPEN_CHANNEL ? c : b;
    assert.match(refusal(answers[frameType(answers[0]) === OPEN_CHANNEL ? 1 : 0]), /^hub_wallet_empty: /);
    loser.close();
    const r = loser === b ? c : b;

    r.take(datt.channel.accept(r.seed, acceptParams(200000), opened[0]));
    await until([r], () => r.info().phase === 4, 'funding_created from the hub');  // open, not ready
    const fundingTxid = r.info().funding_txid;
    assert.equal(r.info().funder, false);
    assert.equal(r.info().funding_sats, 200000);
    // Broadcast after funding_signed: in the mempool, paying the 2-of-2 output exactly.
    let funding;
    for (const deadline = Date.now() + 30000; !funding;) {
      if ((await rig.node.rpc('getrawmempool', [])).includes(fundingTxid)) {
        funding = decode(await rig.node.rpc('getrawtransaction', [fundingTxid, false]));
      }
      assert.ok(funding || Date.now() < deadline, `the funding tx broadcast (relay log: ${rig.relay.stderr()})`);
      if (!funding) await sleep(200);
    }
    assert.equal(funding.vout[r.info().funding_vout].valueSats, 200000n);
    r.take(datt.channel.ready(r.state, r.seed));
    await rig.mine(3);
    await until([r], () => r.info().can_update, 'R: channel_ready', 60000);
    assert.equal(r.info().to_local_msat, '0');

    // The limit (--hub-open-max-per-client 1) is per client, not per connection: R asks again
    // on a new connection from its address and is refused; another address is not.
    const again = await asker('R again', r.address);
    again.send(datt.channel.openRequest(20000));
    assert.match(refusal(await again.frame()), /^hub_open_too_many: /);
    again.close();
    // An ask left unanswered (the client's accept failed) is not counted: asked again on the
    // same connection, it is replaced; on a new connection after a close, it is gone.
    const d = await asker('D', '127.0.0.3');
    for (let i = 0; i < 2; i += 1) {
      d.send(datt.channel.openRequest(20000));
      assert.equal(frameType(await d.frame()), OPEN_CHANNEL, `D's ask ${i + 1}`);
    }
    d.close();
    await new Promise((resolve) => d.ws.once('close', resolve));
    const d2 = await asker('D again', '127.0.0.3');
    d2.send(datt.channel.openRequest(20000));
    assert.equal(frameType(await d2.frame()), OPEN_CHANNEL, "D's ask on a new connection");
    d2.close();

    // The relay is killed and restarted: the hub loads the channel it funded (R reattaches)
    // and its wallet, whose one coin is now the funding's change, confirmed.
    const change = funding.vout.find((o, i) => i !== r.info().funding_vout);
    assert.equal(funding.vout.length, 2);
    await rig.restart({ hard: true });
    await rig.reattach(r);
    await until([r], () => r.info().can_update, 'R reattached', 60000);
    await rig.metricUntil(CONFIRMED, Number(change.valueSats), 'the change confirmed in the wallet after the restart');

    // A funds her own channel and pays R through the hub.
    const a = await rig.fundedChannel('A', 400000, 0n, rig.coins[0]);
    r.preimage = randomBytes(32);
    const amountMsat = 50000000n;
    const toSend = datt.channel.amountWithFee(FEES, amountMsat);
    a.take(datt.channel.addHtlc(a.state, a.seed, {
      amount_msat: toSend, payment_hash: createHash('sha256').update(r.preimage).digest('hex'),
      cltv_expiry: (await rig.height()) + 200, block_height: 0,
      hop: { final: false, channel_id: r.info().channel_id, amount_msat: amountMsat, cltv_expiry: (await rig.height()) + 150 },
    }));
    await until([a, r], () => a.events.some((e) => e.type === 'htlc_fulfilled') && a.info().htlcs === 0 &&
      r.info().htlcs === 0 && !a.info().has_changes_to_sign && !r.info().has_changes_to_sign, 'the payment settled', 60000);
    await sleep(500);
    for (const x of [a, r]) while (x.step());
    assert.equal(r.info().to_local_msat, amountMsat.toString(), 'R has the payment, exact to the msat');
    assert.equal(BigInt(a.info().to_local_msat), 400000000n - BigInt(toSend));

    // R closes cooperatively; the hub (the funder) pays the fee: R's output is its balance.
    const confirmedBefore = await rig.metric(CONFIRMED);
    r.take(datt.channel.shutdown(r.state, r.seed));
    await until([r], () => r.events.some((e) => e.type === 'closed'), 'the closing negotiation', 60000);
    const closed = r.events.find((e) => e.type === 'closed');
    const ours = closed.outputs.find((o) => o.script === acceptParams(0).shutdown_script);
    assert.equal(BigInt(ours.sats), amountMsat / 1000n);
    await rig.broadcast(closed.tx);  // the hub broadcasts it too; either is enough
    await rig.mine(1);
    const mined = decode(await rig.node.rpc('getrawtransaction', [closed.txid, false]));
    assert.equal(mined.vin[0].txid, fundingTxid);
    const output = mined.vout.find((o) => o.scriptPubKey.hex === ours.script);
    assert.equal(output.valueSats, 50000n, 'R gets its sats on chain exact to the sat');
    // The hub's closing output pays an address of its wallet: its confirmed balance grows by
    // exactly that output.
    const hubs = mined.vout.filter((o) => o.scriptPubKey.hex !== ours.script);
    assert.equal(hubs.length, 1);
    await rig.metricUntil(CONFIRMED, confirmedBefore + Number(hubs[0].valueSats), "the hub's closing output in its wallet");
  });

  it('withdraws to an address exactly; a refused transaction gives its coins back', async () => {
    const to = key(MNEMONIC, 0, 77);
    const before = await rig.metric(CONFIRMED);
    assert.ok(before > 100000, `the wallet holds the change and the close: ${before}`);
    assert.equal((await withdraw(rig.relay.port, { address: to.address, sats: 1000, feerate_sat_per_vb: 2 }, '127.0.0.2')).status,
      403, 'from another address than the operator\'s');
    const refused = async (body, status, code) => {
      const answer = await withdraw(rig.relay.port, body);
      assert.equal(answer.status, status, answer.body);
      assert.equal(JSON.parse(answer.body).error, code, answer.body);
    };
    await refused({ address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', sats: 1000, feerate_sat_per_vb: 2 }, 400,
      'hub_withdraw_address');  // a mainnet address
    await refused({ address: to.address, sats: before + 1, feerate_sat_per_vb: 2 }, 400, 'hub_wallet_empty');
    await refused({ address: to.address, sats: 100, feerate_sat_per_vb: 2 }, 400, 'wallet_dust_output');
    await refused({ address: to.address, sats: 1000 }, 400, 'hub_withdraw_request');

    // 60,000 sats reach the address exactly; amount + fee = the coins spent - the change.
    const sent = await withdraw(rig.relay.port, { address: to.address, sats: 60000, feerate_sat_per_vb: 2 });
    assert.equal(sent.status, 200, sent.body);
    const { txid, fee_sats: fee } = JSON.parse(sent.body);
    await rig.mine(1);
    const tx = decode(await rig.node.rpc('getrawtransaction', [txid, false]));
    const paid = tx.vout.filter((o) => o.scriptPubKey.hex === to.scriptHex);
    assert.equal(paid.length, 1);
    assert.equal(paid[0].valueSats, 60000n);
    let spent = 0n;
    for (const input of tx.vin) spent += decode(await rig.node.rpc('getrawtransaction', [input.txid, false])).vout[input.vout].valueSats;
    const change = tx.vout.filter((o) => o.scriptPubKey.hex !== to.scriptHex).reduce((sum, o) => sum + o.valueSats, 0n);
    assert.equal(60000n + BigInt(fee), spent - change);
    assert.ok(fee >= 2 * 110 && fee < 2 * 300, `fee ${fee} at 2 sat/vB`);
    await rig.metricUntil(CONFIRMED, before - 60000 - fee, 'the wallet less the withdrawal and its fee');
    const left = before - 60000 - fee;

    // Its coins marked unspent again behind the relay's back: a withdrawal of everything
    // spends them too, the node refuses it, and the hub forgets the coins the node no longer
    // has and frees the others.
    await rig.relay.stop();
    rig.conn.close();
    const db = path.join(rig.dir, 'db.sqlite3');
    const respent = Number(execFileSync('sqlite3', [db, 'SELECT sum(value) FROM hub_wallet_coins WHERE spent_by IS NOT NULL'],
      { encoding: 'utf8' }).trim());
    assert.ok(respent >= 300000 + Number(spent), `the deposit and the withdrawal's coins: ${respent}`);
    execFileSync('sqlite3', [db, 'UPDATE hub_wallet_coins SET spent_by = NULL']);
    await rig.startRelay();
    await rig.metricUntil(CONFIRMED, left + respent, 'the spent coins shown as unspent', 60000);
    await refused({ address: to.address, sats: 'all', feerate_sat_per_vb: 2 }, 502, 'hub_withdraw_refused');
    await rig.metricUntil(CONFIRMED, left, 'the refused withdrawal released: only what the node has');

    // Everything left goes in one output, less the fee: the wallet is empty.
    const all = await withdraw(rig.relay.port, { address: to.address, sats: 'all', feerate_sat_per_vb: 1 });
    assert.equal(all.status, 200, all.body);
    const swept = JSON.parse(all.body);
    await rig.mine(1);
    const sweep = decode(await rig.node.rpc('getrawtransaction', [swept.txid, false]));
    assert.equal(sweep.vout.length, 1);
    assert.equal(sweep.vout[0].valueSats, BigInt(left - swept.fee_sats));
    await rig.metricUntil(CONFIRMED, 0, 'the wallet emptied');
  });
});
