// The channels' IndexedDB database `datt-channels` (a database of its own, like the wallet's).
// Every tab reads it; only the owner tab's worker writes it (channels/sync.js), and each step
// of a channel machine is one transaction, committed before any frame of that step is sent.
// Stores: `meta` {key: 'device', cryptoKey} (the non-extractable AES-GCM key that seals each
// channel's seed), `channels` (key id), `invoices` (key paymentHash), `payments` (key
// paymentHash). Records are checked on every read (channels/records.js); invalid ones are
// counted, not returned.
import { checkChannel, checkInvoice, checkPayment } from './records.js';
import { done } from '../wallet/store.js';

export const CHANNELS_DB_NAME = 'datt-channels';
const VERSION = 1;

export function openChannelDatabase(name = CHANNELS_DB_NAME) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('meta', { keyPath: 'key' });
      db.createObjectStore('channels', { keyPath: 'id' });
      db.createObjectStore('invoices', { keyPath: 'paymentHash' });
      db.createObjectStore('payments', { keyPath: 'paymentHash' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function all(db, store) {
  return new Promise((resolve, reject) => {
    const request = db.transaction(store, 'readonly').objectStore(store).getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function valid(records, check) {
  const ok = [];
  let rejected = 0;
  for (const record of records) {
    try {
      ok.push(check(record));
    } catch {
      rejected += 1;
    }
  }
  return { ok, rejected };
}

/** {channels, invoices, payments, rejected}: the valid records, newest first. */
export async function readChannelData(db) {
  const [c, i, p] = await Promise.all([all(db, 'channels'), all(db, 'invoices'), all(db, 'payments')]);
  const channels = valid(c, checkChannel);
  const invoices = valid(i, checkInvoice);
  const payments = valid(p, checkPayment);
  const newest = (a, b) => b.createdAt - a.createdAt;
  return { channels: channels.ok.sort(newest), invoices: invoices.ok.sort(newest), payments: payments.ok.sort(newest),
    rejected: channels.rejected + invoices.rejected + payments.rejected };
}

export async function readMeta(db, key) {
  return new Promise((resolve, reject) => {
    const request = db.transaction('meta', 'readonly').objectStore('meta').get(key);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export async function putMeta(db, record) {
  const tx = db.transaction('meta', 'readwrite');
  tx.objectStore('meta').put(record);
  await done(tx);
}

// A channel step's writes are flushed to disk before the transaction completes (Chromium's
// default since version 121 is `relaxed`: complete once in the OS's buffers, lost by a power
// failure): the frame that depends on them is sent only after, as the hub's SQLite commits
// with synchronous=FULL.
const FLUSHED = { durability: 'strict' };

/** One machine step's writes in one transaction, flushed: {channel?, invoices?, payments?}. */
export async function commit(db, { channel = null, invoices = [], payments = [] }) {
  const tx = db.transaction(['channels', 'invoices', 'payments'], 'readwrite', FLUSHED);
  if (channel) tx.objectStore('channels').put(checkChannel(channel));
  for (const record of invoices) tx.objectStore('invoices').put(checkInvoice(record));
  for (const record of payments) tx.objectStore('payments').put(checkPayment(record));
  await done(tx);
}

/**
 * Deletes the invoices `choose(channels, invoices)` names (payment hashes), in one readwrite
 * transaction over `channels` and `invoices`: no step's commit can come between the read of
 * the channels' HTLCs and the deletes. `choose` runs synchronously on the raw records (a
 * record that fails its check is neither read nor deleted). Returns how many went.
 */
export async function pruneInvoices(db, choose) {
  const tx = db.transaction(['channels', 'invoices'], 'readwrite');
  const read = (store) => new Promise((resolve, reject) => {
    const request = tx.objectStore(store).getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const [channels, invoices] = await Promise.all([read('channels'), read('invoices')]);
  const hashes = choose(valid(channels, checkChannel).ok, valid(invoices, checkInvoice).ok);
  for (const hash of hashes) tx.objectStore('invoices').delete(hash);
  await done(tx);
  return hashes.length;
}
