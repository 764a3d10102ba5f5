// The owner worker's side of asking the hub for a channel (web/src/channels/sync.js `ask`,
// docs/web.md "Asking the hub for a channel") where the real relay cannot be made to misbehave:
// ChannelSync itself, bundled, in headless Chromium (its IndexedDB, WebCrypto and WebSocket)
// with the real wasm the relay serves, against a test hub in this process: NIP-11 over HTTP
// and binary frames over a real WebSocket on 127.0.0.1, the hub's open_channel made by the
// real wasm machine (tests/web/hub_funder.mjs). The hub refusing (a warning or an error with
// no channel id: its code's sentence, then its words), not answering (the timeout, given
// to the constructor here instead of 20 s), an open_channel nobody asked for (before asking
// and after the timeout: nothing stored, nothing sent), and a warning or error about the
// channel while accepting (the channel "not opened", with its code's sentence); the
// connection closing while asking, then while accepting.
// The real relay's own refusal in the app's page: tests/e2e/channel_tips.test.mjs (Carol).
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { WebSocketServer } from 'ws';

import { chainHash, MESSAGE } from '../../web/src/channels/records.js';
import { hubOpens } from '../web/hub_funder.mjs';
import { typeOf } from '../relay/hub_steps.mjs';
import { freePort, launchProfile, requireBuilt, startAppRelay, tempDir, waitFor, WASM_ROOT } from './support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const T = { timeout: 60000 };
const HUB_OPEN_REQUEST = 55927;
const ACCEPT_CHANNEL = 33;
const SATS = 150_000;
const OURS = `0014${'22'.repeat(20)}`;
const ZERO_ID = Buffer.alloc(32);
const NIP11 = {
  fees: { channel: { base_msat: 1000, proportional_millionths: 1000, cltv_expiry_delta: 40 } },
  channels: { frame_version: 1, minimum_depth: 1, min_funding_sats: 20_000, max_funding_sats: 16_777_215, max_channels: 4 },
  hub_open: { max_sats: 300_000, max_per_client: 2 },
};

let relay;
let browser;
let page;
let hub;
let datt;
let chain;

/** A warning or error frame (docs/protocol.md "Channels": version 1, channel_id, BOLT-1 message) saying `text`. */
function textFrame(type, channelId, text) {
  const data = Buffer.from(text);
  const head = Buffer.alloc(2);
  head.writeUInt16BE(type);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(data.length);
  return Buffer.concat([Buffer.from([1]), channelId, head, channelId, length, data]);
}

/** The test hub: NIP-11 on GET (any origin may read it), and each WebSocket connection's binary frames kept in order. */
async function startTestHub() {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/nostr+json', 'Access-Control-Allow-Origin': '*' });
    res.end(JSON.stringify(NIP11));
  });
  const connections = [];
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    const connection = { ws, frames: [], send: (frame) => ws.send(frame, { binary: true }) };
    ws.on('message', (data, isBinary) => { if (isBinary) connection.frames.push(new Uint8Array(data)); });
    connections.push(connection);
  });
  await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  return {
    url: `ws://127.0.0.1:${server.address().port}/`,
    connections,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => { server.close(resolve); });
    },
  };
}

/** The `n`th frame the hub got on `connection`, once it came. */
async function frameAt(connection, n) {
  await waitFor(`frame ${n} at the hub`, async () => connection.frames.length > n, true, 20000);
  return connection.frames[n];
}

before(async () => {
  requireBuilt();
  const { loadDatt } = await import(path.join(WASM_ROOT, 'datt.mjs'));
  datt = await loadDatt({ payments: true, channels: true });
  chain = chainHash(datt.bitcoin.network('bcoin-regtest').genesisHash);
  const bundle = await build({
    stdin: { contents: "export { ChannelSync } from './channels/sync.js';\nexport { openChannelDatabase, readChannelData } from './channels/store.js';\n",
      resolveDir: path.join(root, 'web', 'src'), sourcefile: 'channel_ask_entry.js' },
    bundle: true, write: false, format: 'iife', globalName: 'channelAsk', target: ['chrome100'], logLevel: 'warning',
  });
  const port = await freePort();
  relay = await startAppRelay({ port, dir: tempDir('datt-e2e-channel-ask-') });
  hub = await startTestHub();
  browser = await launchProfile();
  page = await browser.page();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForSelector('html[data-ready=true]', T);
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
});

after(async () => {
  await browser?.close();
  await hub?.close();
  await relay?.stop();
});

/**
 * A ChannelSync on its own IndexedDB `name` (the app's wasm, no wallet: nothing here funds or
 * confirms), connected to the test hub; returns the hub's side of its connection.
 */
async function startSync(name, options = {}) {
  const count = hub.connections.length;
  await page.evaluate(async ({ name, url, options }) => {
    const { loadDatt } = await import('/wasm/datt.mjs');
    globalThis.askDatt ??= await loadDatt();
    globalThis.syncs ??= {};
    const db = await channelAsk.openChannelDatabase(name);
    const sync = new channelAsk.ChannelSync({ datt: askDatt, db, wallet: null, walletDb: null, onChange: () => {}, ...options });
    globalThis.syncs[name] = { sync, db };
    await sync.attach(url);
  }, { name, url: hub.url, options });
  await waitFor(`${name} connected`, () => page.evaluate((n) => syncs[n].sync.status.state, name), 'connected', 20000);
  assert.equal(hub.connections.length, count + 1);
  return hub.connections[count];
}

const statusOf = (name) => page.evaluate((n) => JSON.parse(JSON.stringify(syncs[n].sync.status)), name);
const askStage = (name) => statusOf(name).then((s) => s.ask?.stage ?? null);
const ask = (name, sats = SATS) => page.evaluate(({ n, sats, script }) => syncs[n].sync.ask({ sats, shutdownScript: script,
  network: 'bcoin-regtest' }), { n: name, sats, script: OURS });
const storedChannels = (name) => page.evaluate(async (n) => (await channelAsk.readChannelData(syncs[n].db)).channels
  .map(({ id, stage, fundee, fundingSats, message }) => ({ id, stage, fundee, fundingSats, message: message ?? null })), name);

/** The hub warns with no channel id (`marker`): once the worker says so, every frame before it was handled. */
async function handledBefore(name, connection, marker) {
  connection.send(textFrame(MESSAGE.warning, ZERO_ID, `hub_test: ${marker}`));
  await waitFor(`${name} handled the frames before "${marker}"`, () => statusOf(name).then((s) => s.message), `The hub warns: hub_test: ${marker}`);
}

test('a refusal by the hub (a warning or an error with no channel id) reads as its code\'s sentence and the hub\'s words', T, async () => {
  const hubSide = await startSync('refused');
  assert.deepEqual(await ask('refused'), { sats: SATS });
  assert.equal(await askStage('refused'), 'asked');
  const request = await frameAt(hubSide, 0);
  assert.equal(typeOf(request), HUB_OPEN_REQUEST);
  assert.equal(Buffer.from(request).readBigUInt64BE(67), BigInt(SATS), 'the amount asked (after the message\'s zero channel_id)');

  hubSide.send(textFrame(MESSAGE.warning, ZERO_ID, 'hub_wallet_empty: the hub\'s wallet has 0 confirmed sats free'));
  await waitFor('the refusal', () => askStage('refused'), 'refused');
  assert.deepEqual((await statusOf('refused')).ask, { sats: SATS, stage: 'refused', code: 'hub_wallet_empty',
    sentence: 'The hub\'s wallet cannot fund this channel now: ask for fewer sats, or later. (The hub says: the hub\'s wallet has 0 confirmed sats free)' });

  // Asked again (a refusal ends the request): an error frame with a code of no sentence of its own.
  await ask('refused', 40_000);
  assert.equal(typeOf(await frameAt(hubSide, 1)), HUB_OPEN_REQUEST);
  hubSide.send(textFrame(MESSAGE.error, ZERO_ID, 'hub_random: no random bytes'));
  await waitFor('the second refusal', () => askStage('refused'), 'refused');
  assert.deepEqual((await statusOf('refused')).ask, { sats: 40_000, stage: 'refused', code: 'hub_random',
    sentence: 'The hub refused to fund the channel. (The hub says: no random bytes)' });
  assert.deepEqual(await storedChannels('refused'), []);
  assert.equal(hubSide.frames.length, 2, 'nothing else sent');
});

test('the hub does not answer: the ask times out; an open_channel nobody asked for, before or after, is ignored', T, async () => {
  const hubSide = await startSync('timeout', { askTimeoutMs: 400 });
  // Before any request: not stored, not answered (the next frame the hub gets is the request).
  hubSide.send(hubOpens(datt, { sats: SATS, chainHash: chain }).frame);
  await handledBefore('timeout', hubSide, 'before asking');
  assert.deepEqual(await storedChannels('timeout'), []);

  await ask('timeout');
  assert.equal(typeOf(await frameAt(hubSide, 0)), HUB_OPEN_REQUEST, 'no accept_channel before the request');
  assert.equal(await askStage('timeout'), 'asked');
  await waitFor('the timeout', () => askStage('timeout'), 'timeout', 10000);
  assert.equal((await statusOf('timeout')).ask.message, 'The hub did not answer within 0.4 s: ask again later.');

  // The hub's answer after the timeout is nobody's request either.
  hubSide.send(hubOpens(datt, { sats: SATS, chainHash: chain }).frame);
  await handledBefore('timeout', hubSide, 'after the timeout');
  assert.deepEqual(await storedChannels('timeout'), []);
  assert.equal(await askStage('timeout'), 'timeout', 'still the timeout');
  await ask('timeout');
  assert.equal(typeOf(await frameAt(hubSide, 1)), HUB_OPEN_REQUEST, 'no accept_channel before the next request');
  await waitFor('the second timeout', () => askStage('timeout'), 'timeout', 10000);
  assert.equal(hubSide.frames.length, 2, 'nothing else sent');
});

test('a warning or error of the hub about the channel while accepting: the channel is not opened, with its code\'s sentence', T, async () => {
  const hubSide = await startSync('accepting');
  const answers = [
    { type: MESSAGE.error, text: 'wallet_insufficient_funds: insufficient funds: short by 700 sats',
      message: 'The hub refused to fund the channel. (The hub says: insufficient funds: short by 700 sats)' },
    { type: MESSAGE.warning, text: 'hub_wallet_empty: the hub\'s wallet has 100 confirmed sats free',
      message: 'The hub\'s wallet cannot fund this channel now: ask for fewer sats, or later. (The hub says: the hub\'s wallet has 100 confirmed sats free)' },
  ];
  for (const [i, answer] of answers.entries()) {
    await ask('accepting');
    assert.equal(typeOf(await frameAt(hubSide, 2 * i)), HUB_OPEN_REQUEST);
    const opened = hubOpens(datt, { sats: SATS, chainHash: chain });
    const temporaryId = Buffer.from(opened.frame.subarray(1, 33));
    hubSide.send(opened.frame);
    // accept_channel comes after the accepted state was committed; the hub's machine takes it.
    const accept = await frameAt(hubSide, 2 * i + 1);
    assert.equal(typeOf(accept), ACCEPT_CHANNEL);
    const stored = (await storedChannels('accepting')).find((c) => c.id === temporaryId.toString('hex'));
    assert.deepEqual(stored, { id: temporaryId.toString('hex'), stage: 'accepting', fundee: true, fundingSats: SATS, message: null });
    assert.equal(await askStage('accepting'), null, 'the request ended with the hub\'s open_channel');
    const needed = datt.channel.receive(opened.state, opened.seed, accept);
    assert.equal(Number(needed.events.find((e) => e.type === 'funding_needed').sats), SATS);

    // The hub gives up before funding_created (its wallet could not fund it): the channel is not opened.
    hubSide.send(textFrame(answer.type, temporaryId, answer.text));
    await waitFor('the channel not opened', async () => (await storedChannels('accepting'))
      .find((c) => c.id === temporaryId.toString('hex')).stage, 'failed', 10000);
    const failed = (await storedChannels('accepting')).find((c) => c.id === temporaryId.toString('hex'));
    assert.equal(failed.message, answer.message);
  }
  assert.equal(hubSide.frames.length, 4, 'nothing else sent');
  assert.deepEqual(browser.errors, [], 'page errors');
});

test('the connection closes while asking, then while accepting: the request ends, the channel is not opened', T, async () => {
  const first = await startSync('closed');
  await ask('closed');
  assert.equal(typeOf(await frameAt(first, 0)), HUB_OPEN_REQUEST);
  first.ws.terminate();
  await waitFor('the request ended', () => askStage('closed'), 'refused', 10000);
  assert.equal((await statusOf('closed')).ask.message, 'The connection to the hub closed before it answered: ask again.');

  // The worker connects again (2 s later); asked, the hub's open_channel is accepted, then the connection goes.
  await waitFor('a new connection', async () => hub.connections.length > hub.connections.indexOf(first) + 1, true, 20000);
  await waitFor('connected again', () => statusOf('closed').then((s) => s.state), 'connected', 20000);
  const second = hub.connections.at(-1);
  await ask('closed');
  assert.equal(typeOf(await frameAt(second, 0)), HUB_OPEN_REQUEST);
  const opened = hubOpens(datt, { sats: SATS, chainHash: chain });
  second.send(opened.frame);
  assert.equal(typeOf(await frameAt(second, 1)), ACCEPT_CHANNEL);
  second.ws.terminate();
  const id = Buffer.from(opened.frame.subarray(1, 33)).toString('hex');
  await waitFor('the channel not opened', async () => (await storedChannels('closed')).find((c) => c.id === id)?.stage, 'failed', 10000);
  assert.equal((await storedChannels('closed')).find((c) => c.id === id).message,
    'the connection to the hub closed before the channel was funded');
});
