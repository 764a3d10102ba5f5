// The sync worker: owns the relay connections, verifies every incoming event in wasm, writes
// it to IndexedDB in batches, and publishes the outbox. It runs in one tab only, the owner
// (app/owner.js: the tab holding the Web Lock), and serves every tab of the origin over the
// BroadcastChannel `datt-sync`; the tabs only render, read the store and sign (in their
// signer workers). This keeps signature checks and storage off the main threads, and gives
// IndexedDB one writer.
//
// Messages from tabs:  hello, bye, account, interest {communities, authors, receipts}, online,
//                      and requests {rpc}: relays {list}, subscriptions {list}, publish {event},
//                      benchIngest
// Messages to tabs:    owner {id}, changed {...}, relays [...], outbox {pending},
//                      rpc {to, id, ok, value|error}, fatal {message}, error {message}
import { CHANNEL_NAME } from './app/owner.js';
import { KIND, readRelayList } from './lib/events.js';
import { ChainHeads, KIND_FORK_PROOF } from './chain/heads.js';
import { OwnChains } from './chain/own.js';
import { openChainDatabase } from './chain/store.js';
import { getByAddress, getEvent, getSetting, openDatabase, outboxEntries, putSetting, recordSyncKeys, sealedKey,
  syncItemsOf, toEvent, transactionDone } from './store/db.js';
import { Ingest, nip01Fields } from './store/ingest.js';
import { QUERY_LIMITS, checkFilter, queryRelay, relayUrl } from './sync/query.js';
import { RESYNC_MARGIN_S, RelayConnection } from './sync/relay.js';
import { openWalletDatabase } from './wallet/store.js';
import { WalletSync } from './wallet/sync.js';
import { TipBook } from './tips/book.js';
import { openChannelDatabase } from './channels/store.js';
import { ChannelSync } from './channels/sync.js';
import { KIND_PAYOUT, KIND_TIP } from './tips/records.js';
import { InvoiceExchange } from './channels/invoice_exchange.js';
import { KIND_RECEIPT, MAX_RECEIPT_IDS, openReceiptDatabase, putReceipts, ReceiptBook, receiptScope } from './tips/receipts.js';

const BATCH_MAX = 1000;
const MODERATION_KINDS = [4550, 4551, 4552, 4553, 4554, 4555, 4556, 4557, 4558, 4559];
const BATCH_DELAY_MS = 30;
const MAX_INTERESTS = 12;         // community subscriptions per relay (relays cap REQs)

let db;
let datt;
let ingest;
let ownChains;                    // this device's chain per identity (chain/own.js)
let chainHeads;                   // every author's chain state and fork marks (chain/heads.js)
let pubkey = null;
const relays = new Map();         // url -> RelayConnection
let relayList = [];
let interest = { communities: [], authors: [], receipts: [] };
const tabInterests = new Map();   // tab id -> {communities, authors, receipts, at}: merged into `interest`
const ownerId = `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
const channel = new BroadcastChannel(CHANNEL_NAME);
const queue = [];                 // raw events waiting for verification + storage
let flushTimer = null;
let flushing = false;
// Ids already verified and stored (across relays). An id is only added once an event with
// it passed verification: a forged copy that fails must not shut out the genuine one.
const seen = new Set();
const queued = new Map();         // id -> raw JSON texts in the queue (identical copies wait once)
let enqueued = 0;                 // events ever put in the queue
let processed = 0;                // of those, events verified and committed (or refused)
const cursorWaits = [];           // sync cursors written once `processed` reaches their mark
const processedWaits = [];        // queries answered once `processed` reaches their mark
const outboxPending = new Map();  // id -> entry
let wallet = null;                // WalletSync (wallet/sync.js): the Bitcoin wallet's sync
let walletRelay = null;           // the relay whose Bitcoin bridge the wallet uses
let lastWallet = null;
let tipBook = null;               // TipBook (tips/book.js): tip events and this browser's verdicts
let channels = null;              // ChannelSync (channels/sync.js): payment channels to the wallet relay's hub
let lastChannels = null;
let invoiceExchange = null;       // InvoiceExchange (channels/invoice_exchange.js): tip invoices asked and answered
let receiptBook = null;           // ReceiptBook (tips/receipts.js): verified kind 4571 receipts

/** To every tab (or one: `to`). */
function post(message, to = 'all') {
  channel.postMessage({ ...message, to });
}

let lastRelays = null;
let lastOutbox = null;

function defaultRelays() {
  const scheme = self.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return [{ url: `${scheme}//${self.location.host}/`, read: true, write: true }];
}

function relayStates() {
  return [...relays.values()].map((r) => ({
    url: r.url, read: r.read, write: r.write, state: r.state, error: r.error,
    received: r.received, scopes: r.read ? r.scopeCount : 0, synced: r.read ? r.synced : 0,
    catchUp: r.read ? r.catchUp : null, nip77: !!r.info?.nip77,
  }));
}

let stateTimer = null;
function reportRelays() {
  if (stateTimer) return;
  stateTimer = setTimeout(() => {
    stateTimer = null;
    post(lastRelays = { type: 'relays', relays: relayStates(), queued: queue.length });
    // A relay going down or coming back changes what counts as "to send".
    if (outboxPending.size || lastOutbox?.pending) reportOutbox();
  }, 50);
}

/** Tells the UI what an ingest changed (sets become arrays for postMessage). */
function reportChanged(changed) {
  post({ type: 'changed', added: changed.added, communities: [...changed.communities],
    parents: [...changed.parents], kinds: [...changed.kinds], authors: [...changed.authors],
    ids: [...changed.ids] });
}

/**
 * The outbox as the UI shows it. `pending`: entries some connected write relay (or, with
 * none connected, any) has yet to store, the header's "to send". An entry every connected
 * write relay stored, waiting only for relays that are down, is `waitingForDown` instead: it
 * stays in the outbox (sent when they come back) but is not shown as unsent forever.
 * `perRelay`: entries each write relay has not stored (Settings).
 */
function reportOutbox() {
  const entries = [...outboxPending.values()];
  const writers = writeRelays();
  const open = writers.filter((r) => r.state === 'open');
  let pending = 0;
  const perRelay = {};
  for (const r of writers) perRelay[r.url] = 0;
  for (const entry of entries) {
    for (const r of writers) if (!entry.acks[r.url]) perRelay[r.url] += 1;
    const stored = Object.keys(entry.acks).some((url) => entry.acks[url]);
    if (!stored || !open.length || open.some((r) => !entry.acks[r.url])) pending += 1;
  }
  const message = { type: 'outbox', pending, waitingForDown: entries.length - pending, perRelay,
    errors: entries.filter((e) => e.error).map((e) => ({ id: e.id, error: e.error })) };
  if (JSON.stringify(message) === JSON.stringify(lastOutbox)) return;
  post(lastOutbox = message);
}

// --- incoming events ------------------------------------------------------------------

// Signature checks are the costliest step of a sync (~90 us each in wasm): they run in two
// verifier workers (both cores), pipelined with storage, which stays on this thread.
const VERIFIERS = 2;
const verifiers = [];
let verifierCalls = 0;
const verifierReplies = new Map();

function startVerifiers() {
  for (let i = 0; i < VERIFIERS; ++i) {
    try {
      const worker = new Worker('/verifier.js', { type: 'module' });
      worker.onmessage = (e) => {
        const reply = verifierReplies.get(e.data.id);
        verifierReplies.delete(e.data.id);
        if (reply) reply(e.data);
      };
      // A verifier that cannot load answers nothing: its pending shares come back to this
      // thread, and later batches are verified here.
      worker.onerror = () => {
        const at = verifiers.indexOf(worker);
        if (at >= 0) verifiers.splice(at, 1);
        for (const [id, reply] of verifierReplies) if (reply.worker === worker) {
          verifierReplies.delete(id);
          reply({ valid: null });
        }
      };
      verifiers.push(worker);
    } catch {
      break;   // no nested workers: verify on this thread
    }
  }
}

function verifyRemote(worker, events) {
  const id = ++verifierCalls;
  return new Promise((resolve) => {
    const reply = (message) => resolve(message.valid ?? null);
    reply.worker = worker;
    verifierReplies.set(id, reply);
    worker.postMessage({ id, events });
  });
}

/** The valid events of `raws` (NIP-01 fields only), in order. */
async function verifyAll(raws) {
  if (!verifiers.length || raws.length < 16) {
    return raws.map((raw) => ingest.verify(raw)).filter(Boolean);
  }
  const workers = [...verifiers];
  const size = Math.ceil(raws.length / workers.length);
  const shares = workers.map((worker, i) => raws.slice(i * size, (i + 1) * size));
  const flags = await Promise.all(shares.map((share, i) => verifyRemote(workers[i], share)));
  const valid = [];
  shares.forEach((share, i) => share.forEach((raw, j) => {
    // A verifier that failed (null) hands its share back to this thread.
    const ok = flags[i] ? flags[i][j] : ingest.verify(raw) !== null;
    if (ok) valid.push(nip01Fields(raw));
  }));
  return valid;
}

function scheduleFlush() {
  if (flushTimer || flushing) return;
  flushTimer = setTimeout(flush, queue.length >= BATCH_MAX ? 0 : BATCH_DELAY_MS);
}

async function flush() {
  flushTimer = null;
  if (flushing || !queue.length) return;
  flushing = true;
  try {
    // The next batch is verified while this one is stored.
    let batch = dequeue();
    let next = verifyAll(batch);
    while (next) {
      const valid = await next;
      const size = batch.length;
      batch = dequeue();
      next = batch.length ? verifyAll(batch) : null;
      const changed = await ingest.store(valid);
      await tipBook.offer(valid).catch(reportError);
      await receiptBook.offer(valid).catch(reportError);
      await applyChains(valid);
      // Held from now on for NIP-77 (after the commit: a crash in between fetches them again).
      await recordSyncKeys(db, valid);
      if (seen.size > 500000) seen.clear();
      for (const event of valid) seen.add(event.id);
      processed += size;
      saveReachedCursors();
      if (changed.added) {
        reportChanged(changed);
        if (pubkey && changed.authors.has(pubkey) &&
            (changed.kinds.has(KIND.relayList) || changed.kinds.has(KIND.communityList))) {
          await loadAccountLists();
        }
      }
      reportRelays();
    }
  } catch (error) {
    post({ type: 'fatal', message: `could not store events: ${error.message}` });
  } finally {
    flushing = false;
    if (queue.length) scheduleFlush();
  }
}

function dequeue() {
  const batch = queue.splice(0, BATCH_MAX);
  for (const { id } of batch) queued.delete(id);
  return batch;
}

function onEvent(raw) {
  if (typeof raw.id !== 'string' || seen.has(raw.id)) return;
  // The same event from several relays is verified once; a different body under the same
  // id (forged or not) is verified on its own.
  const text = JSON.stringify(raw);
  let texts = queued.get(raw.id);
  if (texts?.has(text)) return;
  if (!texts) queued.set(raw.id, texts = new Set());
  texts.add(text);
  queue.push(raw);
  enqueued += 1;
  scheduleFlush();
}

/** Chain states and fork marks of a stored batch; the tabs re-read what changed. */
async function applyChains(events) {
  const { authors, communities } = await chainHeads.apply(events);
  if (authors.size || communities.size) {
    post({ type: 'changed', added: 0, communities: [...communities], parents: [], kinds: [KIND_FORK_PROOF],
      authors: [...authors], ids: [] });
  }
}

// A scope's sync cursor says "everything up to here is stored": it is written only once the
// events received before its end were verified and committed, so a reload (or a failed
// write) in between fetches them again instead of skipping them.
function onSynced(key, at, relay) {
  if (key.startsWith('receipts:')) return;   // keyed by ids on screen: a cursor would outlive them
  if (key.startsWith('gaps:')) {
    // A one-off fetch: closed once it has paged through, and no cursor (the next is whole again).
    const sid = gapFills.get(`${relay.url} ${key}`);
    gapFills.delete(`${relay.url} ${key}`);
    if (sid) relay.unsubscribe(sid);
    return;
  }
  cursorWaits.push({ mark: enqueued, name: `cursor:${relay.url}:${key}`, at });
  saveReachedCursors();
}

function saveReachedCursors() {
  while (processedWaits.length && processedWaits[0].mark <= processed) processedWaits.shift().resolve();
  while (cursorWaits.length && cursorWaits[0].mark <= processed) {
    const { name, at } = cursorWaits.shift();
    putSetting(db, name, at).catch(reportError);
  }
}

// --- one-off queries (sync/query.js) ------------------------------------------------------

/** Resolves once every event enqueued so far was verified and committed (or refused). */
function whenProcessed() {
  const mark = enqueued;
  if (mark <= processed) return Promise.resolve();
  return new Promise((resolve) => processedWaits.push({ mark, resolve }));
}

/**
 * Asks the read relays and up to 4 relay hints (from a shared link) for `filters`; the events
 * go through verification and storage like any other. Answers, once they are stored, with
 * the ids the relays returned that passed verification, and what each relay said.
 */
async function query(message) {
  const filters = (Array.isArray(message.filters) ? message.filters : []).slice(0, QUERY_LIMITS.filters).map(checkFilter);
  if (!filters.length) throw new Error('a query needs a filter');
  const hints = (Array.isArray(message.hints) ? message.hints : []).map(relayUrl).filter(Boolean).slice(0, QUERY_LIMITS.hints);
  const urls = [...new Set([...[...relays.values()].filter((r) => r.read).map((r) => r.url), ...hints])]
    .slice(0, QUERY_LIMITS.relays);
  const returned = new Set();
  const answers = await Promise.all(urls.map((url) => queryRelay(url, filters, (raw) => {
    if (typeof raw.id === 'string') returned.add(raw.id);
    onEvent(raw);
  })));
  await whenProcessed();
  return { ids: [...returned].filter((id) => seen.has(id)), relays: answers };
}

// --- subscriptions --------------------------------------------------------------------

/**
 * What to sync from each read relay: [{key, filter, tag?, maxEvents?}], one filter per scope
 * (see relay.js). A scope with a `tag` catches up by NIP-77 where the relay offers it: its
 * local set is the syncKeys under that tag (store/db.js), a superset of the stored events its
 * filter matches (extra items only count as "have", which a client does not upload). The
 * capped scopes (the newest few thousand definitions and profiles) keep paging: a
 * reconciliation would fetch all of them.
 */
function scopes() {
  // Every community definition and profile a relay has would not fit a browser on a big
  // relay: one sync reads the newest few thousand (a viewed author's profile comes with
  // their writings).
  // Fork proofs (kind 4560) are rare and come with the definitions, so they take no REQ of their own.
  const list = [{ key: 'communities+forks', filter: { kinds: [KIND.community, KIND_FORK_PROOF] }, maxEvents: 5000 },
    { key: 'profiles', filter: { kinds: [KIND.profile] }, maxEvents: 5000 }];
  if (pubkey) {
    list.push({ key: `account:${pubkey}`, filter: { authors: [pubkey] }, tag: `author:${pubkey}` });
    // The inbox: replies and mentions from any community, joined or not.
    list.push({ key: `inbox:${pubkey}`, filter: { kinds: [KIND.comment], '#p': [pubkey] }, tag: `p:${pubkey}` });
  }
  // The receipts of what the tabs show, live (they carry no community tag): one REQ, in one
  // community's place.
  const receipts = receiptScope(interest.receipts);
  for (const address of interest.communities.slice(0, MAX_INTERESTS - (receipts ? 1 : 0))) {
    // The moderation log and tips come along: the app's entries carry an `A` tag beside
    // NIP-72's `a`. The key changed with the filter ("community:" had no moderation kinds,
    // "community+mod:" no tips), so a browser that synced an old filter reads this one from
    // the start instead of from its cursor. Tip events are held under the tag like the rest
    // (recordSyncKeys takes every processed event), so NIP-77 sees them as held.
    list.push({ key: `community+mod+tips:${address}`, filter: { kinds: [KIND.comment, KIND.edit, KIND.vote, KIND.deletion, ...MODERATION_KINDS, KIND_TIP], '#A': [address] },
      tag: `A:${address}` });
  }
  // Within datt-relay's 20 REQs per connection (with one page): signed in, the inbox takes
  // one author's place.
  for (const author of interest.authors.slice(0, pubkey ? 3 : 4)) {
    if (author !== pubkey) list.push({ key: `writings:${author}`, filter: { authors: [author], kinds: [KIND.comment, KIND.edit, KIND.profile] },
      tag: `author:${author}` });
  }
  if (receipts) list.push(receipts);
  return list;
}

const subscribed = new Map();     // relay url -> Map(scope key -> sid)
const gapFills = new Map();       // "<relay url> gaps:<author>" -> sid of a one-off fetch of an author's events
let nextSid = 0;

async function cursor(relay, key) {
  const at = await getSetting(db, `cursor:${relay.url}:${key}`);
  return typeof at === 'number' ? Math.max(0, at - RESYNC_MARGIN_S) : undefined;
}

async function applyScopes(relay) {
  if (!relay.read) return;
  const wanted = scopes();
  let current = subscribed.get(relay.url);
  if (!current) subscribed.set(relay.url, current = new Map());
  const keys = new Set(wanted.map((s) => s.key));
  for (const [key, sid] of current) {
    if (!keys.has(key)) {
      relay.unsubscribe(sid);
      current.delete(key);
    }
  }
  for (const scope of wanted) {
    if (current.has(scope.key)) continue;
    const sid = `s${++nextSid}`;
    current.set(scope.key, sid);
    const since = await cursor(relay, scope.key);
    // A later call may have dropped this scope (or the relay) while the cursor was read.
    if (subscribed.get(relay.url) !== current || current.get(scope.key) !== sid) continue;
    relay.subscribe(sid, scope.key, scope.filter, since, scope);
  }
  reportRelays();
}

function applyScopesEverywhere() {
  for (const relay of relays.values()) applyScopes(relay).catch(reportError);
}

// --- publishing -----------------------------------------------------------------------

function writeRelays() {
  return [...relays.values()].filter((r) => r.write);
}

function sendPending(relay) {
  for (const entry of outboxPending.values()) {
    if (!entry.acks[relay.url]) relay.publish(entry.event);
  }
}

async function saveOutbox(entry, remove) {
  const tx = db.transaction('outbox', 'readwrite');
  if (remove) tx.objectStore('outbox').delete(entry.id);
  else tx.objectStore('outbox').put(entry);
  await transactionDone(tx);
}

async function onOk(id, ok, message, relay) {
  const entry = outboxPending.get(id);
  if (!entry) return;
  // "duplicate:" means the relay already has it: as good as stored.
  if (ok || message.startsWith('duplicate:')) {
    entry.acks[relay.url] = true;
    delete entry.rejections[relay.url];
  } else if (message.startsWith('rate-limited:')) {
    setTimeout(() => relay.publish(entry.event), 2000);
    return;
  } else {
    entry.rejections[relay.url] = message;
  }
  await settle(entry);
  reportOutbox();
}

// An entry is done once every current write relay has stored it, and has failed once each
// of them either stored or refused it. Judged on each answer and whenever the list changes
// (a removed relay that never answered must not keep an entry pending forever).
async function settle(entry) {
  const writers = writeRelays();
  const allAcked = writers.length > 0 && writers.every((r) => entry.acks[r.url]);
  const failed = writers.length > 0 && writers.every((r) => entry.acks[r.url] || entry.rejections[r.url]);
  entry.error = !allAcked && failed ? writers.map((r) => entry.rejections[r.url]).filter(Boolean).join('; ') : '';
  if (allAcked) outboxPending.delete(entry.id);
  await saveOutbox(entry, allAcked);
}

async function settleOutbox() {
  for (const entry of [...outboxPending.values()]) await settle(entry);
  reportOutbox();
}

/** Stores a signed event locally and in the outbox (durably), then sends it. */
async function publish(event) {
  const entry = { id: event.id, event, queuedAt: Date.now(), acks: {}, rejections: {}, error: '' };
  // This device's chain moves first (durably): an event at a position another tab took is
  // refused here, before it can leave the browser as a fork.
  await ownChains.commit(event);
  await saveOutbox(entry, false);   // durable before anything else happens
  outboxPending.set(entry.id, entry);
  seen.add(event.id);
  // Queued durably: it goes out (now or on reconnect) even if the local copy fails, so the
  // caller must not sign it again; the local copy is retried from the outbox on start.
  for (const relay of writeRelays()) relay.publish(event);
  try {
    const changed = await ingest.store([event]);
    await tipBook.offer([event]).catch(reportError);
    await receiptBook.offer([event]).catch(reportError);
    await applyChains([event]);
    await recordSyncKeys(db, [event]);
    if (changed.added) reportChanged(changed);
  } catch (error) {
    reportError(new Error(`published, but not stored in this browser yet: ${error.message}`));
  }
  reportOutbox();
  if (event.kind === KIND.relayList || event.kind === KIND.communityList) await loadAccountLists();
  return { id: event.id };
}

// --- relays and account ---------------------------------------------------------------

// The wallet uses one relay's bridge: the first to open (the page's relay by default), or the
// next one to open after it went away.
function attachWallet(relay) {
  walletRelay = relay;
  wallet.attach(relay).catch(reportError);
  channels.attach(relay.url).catch(reportError);
}

function setRelays(list) {
  relayList = list;
  const urls = new Set(list.map((r) => r.url));
  for (const [url, relay] of relays) {
    if (!urls.has(url)) {
      if (relay === walletRelay) walletRelay = null;
      relay.stop();
      relays.delete(url);
      subscribed.delete(url);
    }
  }
  for (const spec of list) {
    const existing = relays.get(spec.url);
    if (existing && existing.read === spec.read && existing.write === spec.write) continue;
    if (existing) {
      existing.stop();
      subscribed.delete(spec.url);
    }
    const relay = new RelayConnection(spec, {
      onEvent,
      onOk: (id, ok, message, r) => onOk(id, ok, message, r).catch(reportError),
      onSynced,
      onState: reportRelays,
      onOpen: (r) => {
        sendPending(r);
        if (!walletRelay || walletRelay === r || walletRelay.state !== 'open') attachWallet(r);
      },
      onBtcEvent: (notification, r) => {
        if (r === walletRelay) wallet.onNotification(notification).catch(reportError);
      },
      localItems: (tag) => syncItemsOf(db, tag),
    }, { datt });
    relays.set(spec.url, relay);
    applyScopes(relay).catch(reportError);
    relay.connect();
  }
  reportRelays();
  if (outboxPending.size) settleOutbox().catch(reportError);
}

async function loadAccountLists() {
  let list;
  if (pubkey) {
    const relayEvent = await getByAddress(db, datt.formatAddress({ kind: KIND.relayList, pubkey }));
    if (relayEvent) list = readRelayList(relayEvent);
  }
  if (!list || !list.length) list = await getSetting(db, 'relays', null);
  if (!list || !list.length) list = defaultRelays();
  if (JSON.stringify(list) !== JSON.stringify(relayList)) setRelays(list);
}

function reportError(error) {
  post({ type: 'error', message: error?.message ?? String(error) });
}

/** The account is the sealed key's public key (one per browser profile). */
async function loadAccount() {
  pubkey = (await sealedKey(db))?.publicKey ?? null;
}

/**
 * What to sync for all tabs: the communities and authors of each, the tab that changed its
 * view last first (the caps of scopes() keep the newest views).
 */
function mergeInterests() {
  const tabs = [...tabInterests.values()].sort((a, b) => b.at - a.at);
  const next = { communities: [...new Set(tabs.flatMap((t) => t.communities))],
    authors: [...new Set(tabs.flatMap((t) => t.authors))], receipts: [...new Set(tabs.flatMap((t) => t.receipts))] };
  if (JSON.stringify(next) === JSON.stringify(interest)) return;
  interest = next;
  applyScopesEverywhere();
}

async function init() {
  db = await openDatabase();
  const { loadDatt } = await import('/wasm/datt.mjs');
  datt = await loadDatt();
  ingest = new Ingest(db, datt);
  await ingest.init();
  const chainDb = await openChainDatabase();
  ownChains = new OwnChains(chainDb, datt);
  chainHeads = new ChainHeads(chainDb, datt, async (id) => {
    const record = await getEvent(db, id);
    return record ? toEvent(record) : null;
  });
  startVerifiers();
  const walletDb = await openWalletDatabase();
  wallet = new WalletSync({
    datt,
    db: walletDb,
    onChange: () => {
      post({ type: 'walletChanged' });
      tipBook.check().catch(reportError);   // the chain may have moved
      channels?.onWalletChange().catch(reportError);   // funding payments may have confirmed
    },
    onStatus: (status) => post(lastWallet = { type: 'walletStatus', status }),
    onSpend: (event) => channels?.onFundingSpend(event).catch(reportError),   // a channel's funding output spent
  });
  tipBook = new TipBook({
    datt, db: walletDb, wallet,
    relay: () => (walletRelay?.state === 'open' ? walletRelay : null),
    onChange: () => post({ type: 'changed', added: 0, communities: [], parents: [], kinds: [KIND_TIP], authors: [], ids: [] }),
  });
  channels = new ChannelSync({
    datt, db: await openChannelDatabase(), wallet, walletDb,
    onChange: () => post(lastChannels = { type: 'channelsChanged', status: channels.status, hub: channels.hub }),
  });
  const storedEvent = async (id) => {
    const record = await getEvent(db, id);
    return record ? toEvent(record) : null;
  };
  invoiceExchange = new InvoiceExchange({
    datt, channels, self: () => pubkey, eventOf: storedEvent, askTabs: (message) => post(message),
  });
  channels.texts = invoiceExchange;
  const receiptDb = await openReceiptDatabase();
  receiptBook = new ReceiptBook({
    datt, save: (records) => putReceipts(receiptDb, records), eventOf: storedEvent, hub: () => channels.hub?.self ?? null,
    onChange: () => post({ type: 'changed', added: 0, communities: [], parents: [], kinds: [KIND_RECEIPT], authors: [], ids: [] }),
  });
  await loadAccount();
  // Anything signed but not acknowledged before the last close goes out again, and is in
  // the local store even if the tab closed between the two writes.
  const pending = await outboxEntries(db);
  for (const entry of pending) outboxPending.set(entry.id, entry);
  if (pending.length) {
    await ingest.store(pending.map((e) => e.event));
    await recordSyncKeys(db, pending.map((e) => e.event));
  }
  await loadAccountLists();
  reportOutbox();
  self.addEventListener('online', () => { for (const r of relays.values()) r.retry(); });
}

const handlers = {
  async hello() {
    // A new tab: who the owner is, and the state it would otherwise wait for.
    post({ type: 'owner', id: ownerId });
    if (lastRelays) post(lastRelays);
    if (lastOutbox) post(lastOutbox);
    if (lastWallet) post(lastWallet);
    if (lastChannels) post(lastChannels);
  },
  async bye(message) {
    if (tabInterests.delete(message.from)) mergeInterests();
  },
  async account() {
    await loadAccount();
    invoiceExchange.resubscribe();
    await loadAccountLists();
    applyScopesEverywhere();
    post({ type: 'account' });
  },
  async interest(message) {
    const strings = (list) => (Array.isArray(list) ? list.filter((x) => typeof x === 'string') : []);
    tabInterests.set(message.from, { communities: strings(message.communities), authors: strings(message.authors),
      receipts: strings(message.receipts).slice(0, MAX_RECEIPT_IDS), at: Date.now() });
    mergeInterests();
  },
  async relays(message) {
    await putSetting(db, 'relays', message.list);
    setRelays(message.list);
  },
  async subscriptions(message) {
    // The joined communities of a signed-out visitor (signed in, the kind-10004 list counts).
    await putSetting(db, 'subscriptions', Array.isArray(message.list) ? message.list.filter((a) => typeof a === 'string') : []);
  },
  publish: (message) => publish(message.event),
  // The wallet (wallet/sync.js): the account's xpub comes from a tab's signer worker.
  async walletEnable(message) {
    const { network, xpub, fingerprint } = message;
    if (typeof network !== 'string' || typeof xpub !== 'string' || typeof fingerprint !== 'string') throw new Error('bad wallet account');
    await wallet.enable({ network, xpub, fingerprint });
    return wallet.status;
  },
  walletStatus: () => wallet.status,
  walletFaucet: (message) => wallet.faucet(Number.isSafeInteger(message.sats) ? message.sats : 0),
  walletMine: (message) => wallet.mine(Number.isInteger(message.blocks) ? message.blocks : 1),
  walletSend: (message) => wallet.send(message),
  // Tips (tips/book.js): an author's payout address, looked up on the read relays.
  async tipPayout(message) {
    const author = String(message.author);
    if (!/^[0-9a-f]{64}$/.test(author)) throw new Error('bad author');
    const found = [];
    const urls = [...relays.values()].filter((r) => r.read).map((r) => r.url).slice(0, QUERY_LIMITS.relays);
    await Promise.all(urls.map((url) => queryRelay(url, [{ kinds: [KIND_PAYOUT], authors: [author], limit: 5 }], (raw) => {
      if (found.length < 50) found.push(raw);
    })));
    return { network: wallet.network, payout: await TipBook.newestPayout(datt, author, found, wallet.network) };
  },
  tipsCheck: () => tipBook.check(),
  // Payment channels (channels/sync.js): only this worker holds their seeds and signs.
  channelStatus: () => ({ status: channels.status, hub: channels.hub }),
  channelOpen: (message) => channels.open({ sats: message.sats, pushSats: message.pushSats, shutdownScript: String(message.shutdownScript),
    network: wallet.account?.network ?? wallet.network, spendableSats: message.spendableSats }),
  channelAsk: (message) => channels.ask({ sats: message.sats, shutdownScript: String(message.shutdownScript),
    network: wallet.account?.network ?? wallet.network }),
  channelFund: (message) => channels.fund(message),
  channelInvoice: (message) => channels.invoice({ amountMsat: String(message.amountMsat), description: message.description }),
  channelPay: (message) => channels.pay({ invoice: String(message.invoice), receipt: message.receipt ?? null }),
  channelClose: (message) => channels.close({ id: String(message.id) }),
  // Tips over the channel (channels/invoice_exchange.js): the payer's request, the author's tab signing.
  channelTipAsk: (message) => invoiceExchange.ask(message.request),
  async channelTipSigned(message) {
    invoiceExchange.signed(message);
  },
  query,
  // A position in this device's chain for a tab about to sign (chain/own.js).
  chainReserve: (message) => ownChains.reserve(String(message.author), message.lease ?? null),
  async chainRelease(message) {
    ownChains.release(String(message.author), message.lease);
  },
  // An author's events again from the start (their chains have gaps): one pass, no cursor.
  async fillGaps(message) {
    const author = String(message.author);
    if (!/^[0-9a-f]{64}$/.test(author)) return;
    for (const relay of relays.values()) {
      const key = `gaps:${author}`;
      if (!relay.read || gapFills.has(`${relay.url} ${key}`)) continue;
      const sid = `g${++nextSid}`;
      gapFills.set(`${relay.url} ${key}`, sid);
      relay.subscribe(sid, key, { authors: [author] }, undefined, { maxEvents: 5000 });
    }
  },
  async online() {
    for (const r of relays.values()) r.retry();
  },
  async benchIngest(message) {
    // Benchmark hook (bench/web_bench.mjs): the path relay events take (verify in wasm,
    // then store in batches of BATCH_MAX), timed per stage.
    const start = performance.now();
    const raws = message.events;
    let valid = 0;
    let added = 0;
    let storing = 0;
    let next = verifyAll(raws.slice(0, BATCH_MAX));
    for (let i = 0; next; i += BATCH_MAX) {
      const batch = await next;
      valid += batch.length;
      next = i + BATCH_MAX < raws.length ? verifyAll(raws.slice(i + BATCH_MAX, i + 2 * BATCH_MAX)) : null;
      const t = performance.now();
      added += (await ingest.store(batch)).added;
      storing += performance.now() - t;
    }
    const stored = performance.now();
    const verified = stored - storing;
    reportChanged({ added, communities: [], parents: [], kinds: [], authors: [], ids: [] });
    return { valid, added, verifyMs: verified - start, storeMs: storing, totalMs: stored - start };
  },
};

// Messages run in order, after init.
let ready = init().catch((error) => {
  post({ type: 'fatal', message: `sync worker failed to start: ${error.message}` });
  throw error;
});
channel.onmessage = (e) => {
  const message = e.data;
  const handler = handlers[message?.type];
  if (!handler || (message.to !== 'owner' && message.to !== ownerId)) return;
  // Wallet requests wait for the Bitcoin node (a faucet request mines blocks) and a query waits
  // for relays (seconds): they run beside the queue instead of holding up publishing and
  // interest changes.
  const settled = ready.then(() => handler(message)).then(
    (value) => message.rpc && post({ type: 'rpc', id: message.rpc, ok: true, value }, message.from),
    (error) => {
      if (message.rpc) post({ type: 'rpc', id: message.rpc, ok: false, error: error?.message ?? String(error) }, message.from);
      else reportError(error);
    });
  if (!message.type.startsWith('wallet') && !message.type.startsWith('tip') && !message.type.startsWith('channel') &&
      message.type !== 'query') ready = settled;
};
// Tabs that started before this owner resend their interest and requests on hearing this.
post({ type: 'owner', id: ownerId });
