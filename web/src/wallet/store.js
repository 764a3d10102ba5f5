// The wallet's IndexedDB database `datt-wallet` (a database of its own, so the wallet's
// schema moves independently of the event store's). Every tab reads it; only the owner
// tab's sync worker writes it (wallet/sync.js), as for the event store (docs/web.md "Tabs").
// Records are described and validated in wallet/records.js (tips: tips/records.js); reads
// return only valid ones.
//
// Version 2 (this one) keeps the verified header chain's raw headers in chunks of
// HEADERS_PER_CHUNK (`headerChunks`, one row per chunk, rewritten as it fills) instead of one
// hash row per height (v1's `headers`): a sync step writes 3-4 rows instead of 500,
// and the tip verifier reads the raw headers it passes to datt.tips.verify. A height's hash
// is the next header's prevBlock (or the chain's tipHash at the tip). v1 rows held no raw
// headers, so the upgrade drops them with the chain state and the sync verifies the chain
// again from genesis (the only start there is until checkpoints exist). It also adds `tips`.
import { checkAccount, checkChain, checkCoin, checkHeaderChunk, checkScan, checkTx, HEADERS_PER_CHUNK, validRecords } from './records.js';
import { checkTip } from '../tips/records.js';

export const WALLET_DB_NAME = 'datt-wallet';
const WALLET_DB_VERSION = 2;
const HEADER_BYTES = 80;

function result(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    tx.onerror = () => {};
  });
}

export function openWalletDatabase(name = WALLET_DB_NAME) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, WALLET_DB_VERSION);
    request.onupgradeneeded = (event) => {
      const db = request.result;
      if (event.oldVersion < 1) {
        db.createObjectStore('meta', { keyPath: 'key' });
        db.createObjectStore('txs', { keyPath: 'txid' });
        db.createObjectStore('coins', { keyPath: ['txid', 'vout'] });
      }
      if (event.oldVersion < 2) {
        if (db.objectStoreNames.contains('headers')) db.deleteObjectStore('headers');
        // The v1 chain state without its raw headers: verified again from genesis.
        if (event.oldVersion >= 1) request.transaction.objectStore('meta').delete('chain');
        db.createObjectStore('headerChunks', { keyPath: 'chunk' });
        db.createObjectStore('tips', { keyPath: 'id' }).createIndex('target', 'target');
      }
    };
    request.onsuccess = () => {
      request.result.onversionchange = () => request.result.close();
      resolve(request.result);
    };
    request.onerror = () => reject(request.error);
  });
}

async function meta(db, key) {
  return result(db.transaction('meta').objectStore('meta').get(key));
}

/** The account record, or null when there is none or it is not valid. */
export async function readAccount(db) {
  const record = await meta(db, 'account');
  if (!record) return null;
  try {
    return checkAccount(record);
  } catch {
    return null;
  }
}

export async function readScan(db) {
  const record = await meta(db, 'scan');
  try {
    return record ? checkScan(record) : null;
  } catch {
    return null;
  }
}

export async function readChain(db, network) {
  const record = await meta(db, 'chain');
  try {
    return record ? checkChain(record, network) : null;
  } catch {
    return null;
  }
}

/**
 * The raw headers of the verified chain `chain` (a checked chain record) from height `from`
 * to `to`, both included, back to back; null when a chunk is missing or not valid.
 */
export async function readHeaders(db, chain, from, to) {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > chain.height) return null;
  const first = Math.floor(from / HEADERS_PER_CHUNK);
  const last = Math.floor(to / HEADERS_PER_CHUNK);
  const store = db.transaction('headerChunks').objectStore('headerChunks');
  const rows = first === last ? [await result(store.get(first))].filter(Boolean) : await result(store.getAll(IDBKeyRange.bound(first, last)));
  if (rows.length !== last - first + 1) return null;
  const out = new Uint8Array((to - from + 1) * HEADER_BYTES);
  let at = 0;
  for (const row of rows) {
    try {
      checkHeaderChunk(row);
    } catch {
      return null;
    }
    const base = row.chunk * HEADERS_PER_CHUNK;
    const start = Math.max(from, base) - base;
    const end = Math.min(to, base + HEADERS_PER_CHUNK - 1) - base + 1;
    if (row.raw.length < end * HEADER_BYTES) return null;
    out.set(row.raw.subarray(start * HEADER_BYTES, end * HEADER_BYTES), at);
    at += (end - start) * HEADER_BYTES;
  }
  return at === out.length ? out : null;
}

/** The hash of the block at `height` in the verified chain `chain`, or null. */
export async function readHeaderHash(db, chain, height) {
  if (!chain || !Number.isInteger(height) || height < 0 || height > chain.height) return null;
  if (height === chain.height) return chain.tipHash;
  const next = await readHeaders(db, chain, height + 1, height + 1);
  return next ? headerPrevHash(next, 0) : null;
}

/** Bytes 4..36 of the header at `offset`: the previous block's hash, shown reversed. */
export function headerPrevHash(raw, offset) {
  return Array.from(raw.slice(offset + 4, offset + 36).reverse(), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** {coins, txs, rejected}: every valid coin and transaction, and how many records were not. */
export async function readWallet(db) {
  const tx = db.transaction(['coins', 'txs']);
  const [coins, txs] = await Promise.all([result(tx.objectStore('coins').getAll()), result(tx.objectStore('txs').getAll())]);
  const c = validRecords(coins, checkCoin);
  const t = validRecords(txs, checkTx);
  return { coins: c.valid, txs: t.valid, rejected: c.rejected + t.rejected };
}

// ---- writes (the owner's sync worker only) ----

export async function putMeta(db, record) {
  const tx = db.transaction('meta', 'readwrite');
  tx.objectStore('meta').put(record);
  await done(tx);
}

/** Replaces everything of another account (a different key signed in on this browser). */
export async function resetWallet(db, account) {
  // The header chain and the tip verdicts are no account's: they stay.
  const tx = db.transaction(['meta', 'txs', 'coins'], 'readwrite');
  const chain = await result(tx.objectStore('meta').get('chain'));
  for (const store of ['meta', 'txs', 'coins']) tx.objectStore(store).clear();
  if (chain) tx.objectStore('meta').put(chain);
  tx.objectStore('meta').put({ key: 'account', ...account });
  await done(tx);
}

/**
 * The chain after accepted headers, in one transaction: its record and the raw headers
 * `raw` (80 bytes each) at heights `start`, `start + 1`, ...; stored headers at `start` and
 * above are replaced (a chain started over passes 0). The chunk holding `start` is read and
 * rewritten with the new headers appended; later chunks are written whole.
 */
export async function storeChain(db, chain, start, raw) {
  if (raw.length % HEADER_BYTES) throw new Error('headers are 80 bytes each');
  const tx = db.transaction(['meta', 'headerChunks'], 'readwrite');
  const store = tx.objectStore('headerChunks');
  const first = Math.floor(start / HEADERS_PER_CHUNK);
  const keep = (start - first * HEADERS_PER_CHUNK) * HEADER_BYTES;
  store.delete(IDBKeyRange.lowerBound(first + 1));
  let prefix = new Uint8Array(0);
  if (keep > 0) {
    const row = await result(store.get(first));
    if (!row || !(row.raw instanceof Uint8Array) || row.raw.length < keep) {
      tx.abort();
      throw new Error(`header chunk ${first} does not reach height ${start - 1}`);
    }
    prefix = row.raw.subarray(0, keep);
  }
  const all = new Uint8Array(prefix.length + raw.length);
  all.set(prefix);
  all.set(raw, prefix.length);
  if (!all.length) store.delete(first);
  const size = HEADERS_PER_CHUNK * HEADER_BYTES;
  for (let at = 0, chunk = first; at < all.length; at += size, ++chunk) {
    store.put({ chunk, raw: all.slice(at, at + size) });
  }
  tx.objectStore('meta').put({ key: 'chain', ...chain });
  await done(tx);
}

export async function getTx(db, txid) {
  const record = await result(db.transaction('txs').objectStore('txs').get(txid));
  try {
    return record ? checkTx(record) : null;
  } catch {
    return null;
  }
}

/**
 * A payment notice's transaction and coin, each only if not stored yet, in one IndexedDB
 * transaction: a notice that races the wallet's own record of a payment it sent (the node
 * tells of its change output while send() is still writing) must not overwrite that record
 * (its fee, payees and unsigned form: what makes it bumpable). True when the coin was new.
 */
export async function recordPayment(db, { tx: record, coin }) {
  const tx = db.transaction(['txs', 'coins'], 'readwrite');
  const txs = tx.objectStore('txs');
  const coins = tx.objectStore('coins');
  const [knownTx, knownCoin] = await Promise.all([result(txs.getKey(record.txid)), result(coins.getKey([coin.txid, coin.vout]))]);
  if (knownTx === undefined) txs.put(checkTx(record));
  if (knownCoin === undefined) coins.put(checkCoin(coin));
  await done(tx);
  return knownCoin === undefined;
}

/**
 * Marks a stored transaction confirmed in `block` at `height`, read and written in one
 * IndexedDB transaction (so a record written meanwhile, e.g. a refused bump, is kept). False
 * when the transaction is not stored or is unreadable.
 */
export async function confirmTx(db, txid, height, block) {
  const tx = db.transaction('txs', 'readwrite');
  const store = tx.objectStore('txs');
  const row = await result(store.get(txid));
  let record = null;
  try {
    record = row ? checkTx(row) : null;
  } catch {
    record = null;
  }
  if (record && !(record.status === 'confirmed' && record.block === block)) {
    store.put(checkTx({ ...record, status: 'confirmed', height, block }));
  }
  await done(tx);
  return record !== null;
}

/** Writes transactions and coins in one transaction. */
export async function putRecords(db, { txs = [], coins = [] }) {
  const tx = db.transaction(['txs', 'coins'], 'readwrite');
  for (const record of txs) tx.objectStore('txs').put(checkTx(record));
  for (const record of coins) tx.objectStore('coins').put(checkCoin(record));
  await done(tx);
}

// ---- tips (tips/records.js; written by the owner's tip book, tips/book.js) ----

/** The valid tip records naming `target`s (or all of them without targets), and how many were not. */
export async function readTips(db, targets = null) {
  const store = db.transaction('tips').objectStore('tips');
  const rows = targets === null ? await result(store.getAll())
    : (await Promise.all(targets.map((t) => result(store.index('target').getAll(t))))).flat();
  return validRecords(rows, checkTip);
}

/** Adds tips not stored yet (a stored one keeps its verdict); how many were new. */
export async function addTips(db, records) {
  const tx = db.transaction('tips', 'readwrite');
  const store = tx.objectStore('tips');
  const known = await Promise.all(records.map((r) => result(store.getKey(r.id))));
  let added = 0;
  records.forEach((record, i) => {
    if (known[i] !== undefined) return;
    store.put(checkTip(record));
    added += 1;
  });
  await done(tx);
  return added;
}

export async function putTips(db, records) {
  const tx = db.transaction('tips', 'readwrite');
  for (const record of records) tx.objectStore('tips').put(checkTip(record));
  await done(tx);
}
