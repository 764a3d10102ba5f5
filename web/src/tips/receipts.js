// Receipts of tips paid over channels (kind 4571, docs/protocol.md "Receipts") in the web app
// (docs/web.md "Receipts"): the owner tab's sync worker verifies each receipt it sees with
// datt.receipts.verify against the target event it holds (never trusting one it could not
// verify: one whose target is not stored yet waits, unverified and uncounted, until the target
// arrives) and stores the verified ones in the IndexedDB database `datt-receipts`, which only
// it writes. Tabs read the records back through checkReceipt (stored bytes are untrusted: a
// record that does not check is not counted) and count them with the on-chain tips through
// datt.receipts.paidSats (each payment hash once).
export const KIND_RECEIPT = 4571;
export const RECEIPTS_DB_NAME = 'datt-receipts';
// Ids (posts and comments on screen, every tab) whose receipts the owner keeps a live REQ for.
export const MAX_RECEIPT_IDS = 200;
const VERSION = 1;
const HEX64 = /^[0-9a-f]{64}$/;
const MAX_MSAT = 21_000_000n * 100_000_000n * 1000n;
const MAX_WAITING = 500;   // receipts whose target is not stored yet, held in memory

export class ReceiptRecordError extends Error {
  constructor(message) {
    super(message);
    this.code = 'receipt_record_invalid';
  }
}

const fail = (message) => {
  throw new ReceiptRecordError(message);
};

/** A stored verified receipt: {id, target, payee, payer, hub, amountMsat (decimal), paymentHash, createdAt}. */
export function checkReceipt(record) {
  if (!record || typeof record !== 'object') fail('not an object');
  for (const name of ['id', 'target', 'payee', 'payer', 'hub', 'paymentHash']) if (!HEX64.test(record[name])) fail(`bad ${name}`);
  if (typeof record.amountMsat !== 'string' || !/^[1-9]\d{0,21}$/.test(record.amountMsat) || BigInt(record.amountMsat) > MAX_MSAT) {
    fail('bad amount');
  }
  if (record.payer === record.payee) fail('a payment to oneself');
  if (!Number.isSafeInteger(record.createdAt) || record.createdAt < 0) fail('bad createdAt');
  return record;
}

/** The record of what datt.receipts.verify proved (`verified`) about the receipt event `event`. */
export function receiptRecord(verified, event) {
  return checkReceipt({ id: verified.id, target: verified.target, payee: verified.payee, payer: verified.payer, hub: verified.hub,
    amountMsat: String(verified.amount_msat), paymentHash: verified.payment_hash, createdAt: event.created_at });
}

/**
 * What a post or comment shows of its receipts (records already checked): those naming this
 * target and its author, and what paidSats takes. The payers, each once, biggest first.
 */
export function receiptSummary(records, target, author) {
  const mine = records.filter((r) => r.target === target && r.payee === author);
  const byPayer = new Map();
  const hashes = new Set();
  for (const r of mine) {
    if (hashes.has(r.paymentHash)) continue;   // one payment, several receipts: once
    hashes.add(r.paymentHash);
    byPayer.set(r.payer, (byPayer.get(r.payer) ?? 0n) + BigInt(r.amountMsat));
  }
  const payers = [...byPayer].map(([payer, msat]) => ({ payer, sats: msat / 1000n }))
    .sort((a, b) => (a.sats === b.sats ? (a.payer < b.payer ? -1 : 1) : (a.sats > b.sats ? -1 : 1)));
  return { channel: mine.map((r) => ({ target: r.target, payment_hash: r.paymentHash, amount_msat: BigInt(r.amountMsat) })), payers };
}

/**
 * The owner's live subscription to the receipts of `ids` (worker.js scopes), or null for none:
 * its key names the ids, so another set of ids is another REQ; it keeps no sync cursor.
 */
export function receiptScope(ids) {
  const wanted = [...new Set(ids.filter((id) => typeof id === 'string' && HEX64.test(id)))].slice(0, MAX_RECEIPT_IDS);
  if (!wanted.length) return null;
  return { key: `receipts:${wanted.join(',')}`, filter: { kinds: [KIND_RECEIPT], '#e': wanted }, maxEvents: 1000 };
}

// --- the database -----------------------------------------------------------------------------

export function openReceiptDatabase(name = RECEIPTS_DB_NAME) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, VERSION);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore('receipts', { keyPath: 'id' });
      store.createIndex('target', 'target');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function requestDone(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** {valid, rejected}: the checked records of `targets` (all of them with null). */
export async function readReceipts(db, targets = null) {
  const store = db.transaction('receipts', 'readonly').objectStore('receipts');
  const raw = targets === null ? await requestDone(store.getAll())
    : (await Promise.all(targets.map((t) => requestDone(store.index('target').getAll(t))))).flat();
  const valid = [];
  let rejected = 0;
  for (const record of raw) {
    try {
      valid.push(checkReceipt(record));
    } catch {
      rejected += 1;
    }
  }
  return { valid, rejected };
}

export async function putReceipts(db, records) {
  const tx = db.transaction('receipts', 'readwrite');
  for (const record of records) tx.objectStore('receipts').put(checkReceipt(record));
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

// --- the worker's side ---------------------------------------------------------------------------

export class ReceiptBook {
  #datt;
  #save;
  #eventOf;
  #onChange;
  #hub;
  #waiting = new Map();   // target id -> [receipt events]

  /**
   * `eventOf(id)`: the stored (verified) event with that id, or null; `save(records)`: stores
   * them (putReceipts); `hub()`: the key of the hub this browser trusts (its channel hub's
   * NIP-11 `self`), or null to take any hub's receipt that verifies.
   */
  constructor({ datt, save, eventOf, onChange, hub = () => null }) {
    this.#datt = datt;
    this.#hub = hub;
    this.#save = save;
    this.#eventOf = eventOf;
    this.#onChange = onChange;
  }

  /**
   * Events already verified as events (any kinds): receipts among them are verified against
   * their targets and stored; targets among them release receipts that waited for them.
   */
  async offer(events) {
    const receipts = events.filter((e) => e?.kind === KIND_RECEIPT);
    const released = [];
    for (const e of events) {
      const waiting = this.#waiting.get(e?.id);
      if (waiting) {
        this.#waiting.delete(e.id);
        released.push(...waiting.map((r) => ({ receipt: r, target: e })));
      }
    }
    if (!receipts.length && !released.length) return 0;
    await this.#datt.loadPayments();
    const records = [];
    for (const receipt of receipts) {
      let targetId;
      try {
        targetId = this.#datt.receipts.parse(receipt).target;
      } catch {
        continue;   // not a receipt (receipt_* parse codes)
      }
      const target = await this.#eventOf(targetId);
      if (target) {
        released.push({ receipt, target });
      } else if (this.#waiting.size < MAX_WAITING) {
        const list = this.#waiting.get(targetId) ?? [];
        if (!list.some((r) => r.id === receipt.id)) list.push(receipt);
        this.#waiting.set(targetId, list.slice(-20));
      }
    }
    const hub = this.#hub();
    for (const { receipt, target } of released) {
      try {
        records.push(receiptRecord(this.#datt.receipts.verify(receipt, target, hub ? { hub } : {}), receipt));
      } catch {
        // A receipt that does not verify (receipt_* codes) is never stored or counted.
      }
    }
    if (!records.length) return 0;
    await this.#save(records);
    this.#onChange(records);
    return records.length;
  }
}
