// Content chains in the browser (docs/protocol.md "Content chains", docs/web.md "Content
// chains"): a database of its own, `datt-chain`, so its schema moves apart from `datt`'s.
// The owner tab's sync worker is its only writer; every tab reads it.
//
//   own    keyPath author: this device's chain for an identity {author, chain, last:
//          {seq, id} | null, recent: [{seq, id}]} (the positions it signed lately, so a
//          publish sent again after an owner change is recognized). Never exported: a copy
//          on another device posting from the same position would fork.
//   heads  keyPath [author, chain]: one author's one chain as this browser knows it, the
//          core's ChainState {author, chain, head, pending} (datt.chain.applyLink).
//   links  keyPath [author, chain, seq]: {author, chain, seq, id, prev} of every chained
//          event stored (the core keeps no ids below the head; this is the occupant it asks
//          for, and the order an author's events are shown in).
//   forks  keyPath [author, chain, seq]: {author, chain, seq, shape, proof} verified fork
//          proofs (from a kind 4560 event or made here from two events); the author is marked.
//   modlog keyPath id, index community: moderation log entries (kinds 4550-4559, verified
//          events plus `community`, the address of their `a` tag), the input with the
//          definition and the posts of datt.community.view (ui/moderation.js).
//
// Records are re-validated when read back (another version of the app, or a damaged
// store, must not steer signing or marking): a record that fails is ignored, and for `own`
// a new chain is started (a new chain never forks; a wrong position would).
export const CHAIN_DB_NAME = 'datt-chain';
export const CHAIN_DB_VERSION = 1;
export const RECENT_KEPT = 32;

const HEX64 = /^[0-9a-f]{64}$/;
const HEX32 = /^[0-9a-f]{32}$/;
const isSeq = (n) => Number.isSafeInteger(n) && n >= 0;
const isEntry = (e) => e !== null && typeof e === 'object' && isSeq(e.seq) && HEX64.test(e.id ?? '');

function promise(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

export function openChainDatabase(name = CHAIN_DB_NAME) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, CHAIN_DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('own', { keyPath: 'author' });
      db.createObjectStore('heads', { keyPath: ['author', 'chain'] });
      db.createObjectStore('links', { keyPath: ['author', 'chain', 'seq'] });
      db.createObjectStore('forks', { keyPath: ['author', 'chain', 'seq'] });
      db.createObjectStore('modlog', { keyPath: 'id' }).createIndex('community', 'community');
    };
    request.onsuccess = () => {
      request.result.onversionchange = () => request.result.close();
      resolve(request.result);
    };
    request.onerror = () => reject(request.error);
  });
}

// --- validation of stored records (pure; tests/web/chain_store.test.mjs) ---------------------

/** The `own` record if it is well formed for `author`, else null. */
export function validOwn(record, author) {
  if (!record || typeof record !== 'object' || record.author !== author || !HEX64.test(author)) return null;
  if (!HEX32.test(record.chain ?? '')) return null;
  if (record.last !== null && !isEntry(record.last)) return null;
  if (!Array.isArray(record.recent) || record.recent.length > RECENT_KEPT || !record.recent.every(isEntry)) return null;
  // The last position signed is the newest of the recent ones.
  if (record.last && !record.recent.some((e) => e.seq === record.last.seq && e.id === record.last.id)) return null;
  if (!record.last && record.recent.length) return null;
  return { author, chain: record.chain, last: record.last ? { seq: record.last.seq, id: record.last.id } : null,
    recent: record.recent.map(({ seq, id }) => ({ seq, id })) };
}

function validChainEntry(e) {
  if (!isEntry(e)) return false;
  if (e.seq === 0) return e.prev === null || e.prev === undefined;
  return HEX64.test(e.prev ?? '');
}

/**
 * A stored ChainState if it is well formed for (author, chain): head and pending entries
 * with valid ids, pending strictly past the head and in ascending seq, at most `maxPending`.
 */
export function validHead(record, author, chain, maxPending = 1024) {
  if (!record || typeof record !== 'object' || record.author !== author || record.chain !== chain) return null;
  if (!HEX64.test(author) || !HEX32.test(chain)) return null;
  if (record.head !== null && !validChainEntry(record.head)) return null;
  if (!Array.isArray(record.pending) || record.pending.length > maxPending) return null;
  // A pending entry lies past a gap: at least two past the head (one past it would have
  // linked or forked), or from seq 1 without a head; each later than the one before.
  let min = record.head ? record.head.seq + 2 : 1;
  for (const p of record.pending) {
    if (!validChainEntry(p) || p.seq < min) return null;
    min = p.seq + 1;
  }
  const entry = (e) => ({ seq: e.seq, id: e.id, prev: e.seq === 0 ? null : e.prev });
  return { author, chain, head: record.head ? entry(record.head) : null, pending: record.pending.map(entry) };
}

/** A stored link if well formed. */
export function validLink(record) {
  if (!record || typeof record !== 'object' || !HEX64.test(record.author ?? '') || !HEX32.test(record.chain ?? '')) return null;
  if (!validChainEntry(record)) return null;
  return record;
}

/** A stored fork if well formed (its proof was verified before it was written). */
export function validFork(record) {
  if (!record || typeof record !== 'object' || !HEX64.test(record.author ?? '') || !HEX32.test(record.chain ?? '')) return null;
  if (!isSeq(record.seq) || typeof record.proof !== 'string') return null;
  if (record.shape !== 'same_position' && record.shape !== 'broken_link') return null;
  return record;
}

// --- reads (every tab) ------------------------------------------------------------------

export async function ownChain(db, author) {
  return validOwn(await promise(db.transaction('own').objectStore('own').get(author)), author);
}

export async function putOwnChain(db, record) {
  const tx = db.transaction('own', 'readwrite');
  tx.objectStore('own').put(record);
  await done(tx);
}

/** Every chain of `author` this browser follows (valid states only). */
export async function headsOf(db, author) {
  const range = IDBKeyRange.bound([author, ''], [author, '\uffff']);
  const rows = await promise(db.transaction('heads').objectStore('heads').getAll(range));
  return rows.map((r) => validHead(r, r.author, r.chain)).filter(Boolean);
}

export async function headOf(db, author, chain) {
  return validHead(await promise(db.transaction('heads').objectStore('heads').get([author, chain])), author, chain);
}

export async function linkAt(db, author, chain, seq) {
  return validLink(await promise(db.transaction('links').objectStore('links').get([author, chain, seq])));
}

/** The verified forks of `author`. */
export async function forksOf(db, author) {
  const range = IDBKeyRange.bound([author, '', 0], [author, '\uffff', Infinity]);
  const rows = await promise(db.transaction('forks').objectStore('forks').getAll(range));
  return rows.map(validFork).filter(Boolean);
}

/**
 * What a reader shows about `author`'s chains: {chains, missing, forked, gaps: [{chain,
 * gaps}]} (missing = events known to exist that this browser lacks).
 */
export async function authorChainStatus(db, datt, author) {
  const [heads, forks] = await Promise.all([headsOf(db, author), forksOf(db, author)]);
  let missing = 0;
  const gaps = [];
  for (const state of heads) {
    const g = datt.chain.gaps(state);
    missing += g.missing;
    if (g.missing) gaps.push({ chain: state.chain, gaps: g.gaps });
  }
  return { chains: heads.length, missing, gaps, forked: forks.length > 0, forks };
}

const MODERATION_KINDS = [4550, 4559];
export const isModerationKind = (kind) => kind >= MODERATION_KINDS[0] && kind <= MODERATION_KINDS[1];

/** The community address a moderation entry names (its first `a` tag), or null. */
export function moderationCommunity(event) {
  const tag = event.tags.find((t) => t[0] === 'a' && typeof t[1] === 'string' && t[1].startsWith('34550:'));
  return tag ? tag[1] : null;
}

/** A stored moderation entry if well formed: the event's fields, back as NIP-01. */
export function validModeration(record) {
  if (!record || typeof record !== 'object' || !isModerationKind(record.kind) || !HEX64.test(record.id ?? '')) return null;
  if (!HEX64.test(record.pubkey ?? '') || !Array.isArray(record.tags) || typeof record.content !== 'string') return null;
  if (moderationCommunity(record) !== record.community) return null;
  const { id, pubkey, created_at, kind, tags, content, sig } = record;
  return { id, pubkey, created_at, kind, tags, content, sig };
}

/** The moderation log of `community` (NIP-01 events; the core sorts and checks them). */
export async function moderationLog(db, community) {
  const rows = await promise(db.transaction('modlog').objectStore('modlog').index('community').getAll(community));
  return rows.map(validModeration).filter(Boolean);
}

export { promise as chainRequest, done as chainTransactionDone };
