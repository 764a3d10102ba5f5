// The wallet's IndexedDB database `datt-wallet` (a database of its own, so the wallet's
// schema moves independently of the event store's). Every tab reads it; only the owner
// tab's sync worker writes it (wallet/sync.js), as for the event store (docs/web.md "Tabs").
// Records are described and validated in wallet/records.js; reads return only valid ones.
import { checkAccount, checkChain, checkCoin, checkHeader, checkScan, checkTx, validRecords } from './records.js';

export const WALLET_DB_NAME = 'datt-wallet';
const WALLET_DB_VERSION = 1;

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
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('meta', { keyPath: 'key' });
      db.createObjectStore('headers', { keyPath: 'height' });
      db.createObjectStore('txs', { keyPath: 'txid' });
      db.createObjectStore('coins', { keyPath: ['txid', 'vout'] });
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

export async function readHeaderHash(db, height) {
  const record = await result(db.transaction('headers').objectStore('headers').get(height));
  try {
    return record ? checkHeader(record).hash : null;
  } catch {
    return null;
  }
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
  const tx = db.transaction(['meta', 'headers', 'txs', 'coins'], 'readwrite');
  for (const store of ['meta', 'headers', 'txs', 'coins']) tx.objectStore(store).clear();
  tx.objectStore('meta').put({ key: 'account', ...account });
  await done(tx);
}

/** The chain after accepted headers: its state and the new heights' hashes, together. */
export async function storeChain(db, chain, headers, { from = null } = {}) {
  const tx = db.transaction(['meta', 'headers'], 'readwrite');
  const store = tx.objectStore('headers');
  if (from !== null) store.delete(IDBKeyRange.lowerBound(from));
  for (const header of headers) store.put(header);
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

/** Writes transactions and coins in one transaction. */
export async function putRecords(db, { txs = [], coins = [] }) {
  const tx = db.transaction(['txs', 'coins'], 'readwrite');
  for (const record of txs) tx.objectStore('txs').put(checkTx(record));
  for (const record of coins) tx.objectStore('coins').put(checkCoin(record));
  await done(tx);
}
