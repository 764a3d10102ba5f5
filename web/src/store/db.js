// The browser's local store: IndexedDB, opened the same way by every tab's UI (reads), by the
// owner tab's sync worker (every write to events, votes, postStats, outbox and settings) and
// by each tab's signer worker (the sealed key). Stores and indexes are shaped by the queries
// the UI makes; see docs/web.md "Local store" and "Tabs".
//
//   events   keyPath id. Event fields plus derived ones (lib/events.js describe()):
//            community, post (1 for top-level posts), parent, target, address ("<kind>:
//            <pubkey>:<d>", the core's form), deletes and deletesAddresses (of deletions);
//            ups/downs (current tally of a post or comment); deleted (1 after a valid NIP-09).
//            listed (= kind, set on community definitions and deletions only).
//            edits (the id an edit, kind 1010, replaces the text of),
//            mentions (pubkeys a comment addresses: its `p` tags and nostr:npub1… in its text).
//            indexes: parent, author [pubkey, kind, created_at], listed [listed, created_at], address,
//            mentions (multiEntry: the inbox), edits
//   postStats keyPath id: {id, community, created_at, ups, downs} of each post, the small
//            records a community page ranks (reading 10,000 full posts takes ~4x longer)
//   votes    keyPath [target, voter]: the effective vote of each voter (core's voteSupersedes)
//   outbox   keyPath id: events signed here and not yet acknowledged by every write relay
//   keys     keyPath name: the sealed secret key (`main`, lib/keystore.js) and, when chosen,
//            its device seal (`device`: a non-extractable CryptoKey and the secret under it)
//   settings keyPath key: relay list, theme, sync cursors, subscriptions
//   syncKeys keyPath [tag, created_at, id], no value beyond the key: every event this browser
//            verified and processed (stored, or deliberately not kept), once per scope tag it
//            can match (syncTagsOf): `A:<address>` per `A` tag, `p:<pubkey>` per `p` tag,
//            `author:<pubkey>`. A NIP-77 scope reads its local set as keys only
//            (syncItemsOf): no event JSON is loaded (docs/web.md "Catching up").
export const DB_NAME = 'datt';
export const DB_VERSION = 4;

function promise(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
export { promise as requestResult };

export function transactionDone(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
    tx.onerror = () => {}; // the abort handler reports it
  });
}

function upgrade(db) {
  const events = db.createObjectStore('events', { keyPath: 'id' });
  // Records lacking a key path field are left out of that index, so each index holds only
  // the events it is for (e.g. `listed` has community definitions and deletions only).
  events.createIndex('parent', 'parent');
  events.createIndex('author', ['pubkey', 'kind', 'created_at']);
  events.createIndex('listed', ['listed', 'created_at']);
  events.createIndex('address', 'address');
  db.createObjectStore('votes', { keyPath: ['target', 'voter'] });
  db.createObjectStore('postStats', { keyPath: 'id' }).createIndex('community', ['community', 'created_at']);
  db.createObjectStore('outbox', { keyPath: 'id' });
  db.createObjectStore('keys', { keyPath: 'name' });
  db.createObjectStore('settings', { keyPath: 'key' });
}

/**
 * Version 2: a replaceable event's address is the core's "<kind>:<pubkey>:" (version 1 wrote
 * "<kind>:<pubkey>", without the empty d). Addressable ones already had the core's form.
 */
function addressesToCoreForm(tx) {
  const cursor = tx.objectStore('events').index('address').openCursor();
  cursor.onsuccess = () => {
    const row = cursor.result;
    if (!row) return;
    if (row.value.address.split(':').length === 2) row.update({ ...row.value, address: `${row.value.address}:` });
    row.continue();
  };
}

/**
 * Version 3: the `mentions` index (the inbox). Comments stored before get `mentions` from
 * their `p` tags (the upgrade runs without the wasm core, so their `nostr:npub1…` references
 * are not read; new events get both, lib/events.js mentionsOf).
 */
function addMentions(tx, describeMentions) {
  const events = tx.objectStore('events');
  events.createIndex('mentions', 'mentions', { multiEntry: true });
  events.createIndex('edits', 'edits');
  const cursor = events.openCursor();
  cursor.onsuccess = () => {
    const row = cursor.result;
    if (!row) return;
    const value = row.value;
    if (value.kind === 1111 && !value.post && !value.mentions) {
      const mentions = describeMentions(value);
      if (mentions.length) row.update({ ...value, mentions });
    }
    row.continue();
  };
}

function tagMentions(event) {
  return [...new Set(event.tags.filter((t) => t[0] === 'p' && /^[0-9a-f]{64}$/.test(t[1] ?? '')).map((t) => t[1]))]
    .slice(0, 20);
}

// Tags kept per event: enough for any honest event; an event with more `p` or `A` tags than
// this is matched by fewer scopes locally and is fetched again when a scope needs it.
const MAX_SYNC_TAGS = 32;

/** The scope tags `event` (NIP-01 fields) can match: see the `syncKeys` store above. */
export function syncTagsOf(event) {
  const tags = new Set([`author:${event.pubkey}`]);
  let extra = 0;
  for (const tag of Array.isArray(event.tags) ? event.tags : []) {
    if ((tag[0] !== 'A' && tag[0] !== 'p') || typeof tag[1] !== 'string' || tag[1].length > 200) continue;
    const key = `${tag[0]}:${tag[1]}`;
    if (tags.has(key)) continue;
    if (++extra > MAX_SYNC_TAGS) break;
    tags.add(key);
  }
  return [...tags];
}

function putSyncKeys(store, event) {
  // Only complete events (a malformed stored record is left out: at worst it is fetched again).
  if (!Number.isSafeInteger(event.created_at) || typeof event.id !== 'string' || typeof event.pubkey !== 'string') return;
  for (const tag of syncTagsOf(event)) store.put({ tag, created_at: event.created_at, id: event.id });
}

/** Version 4: the `syncKeys` store, filled from the stored events. */
function addSyncKeys(db, tx) {
  const keys = db.createObjectStore('syncKeys', { keyPath: ['tag', 'created_at', 'id'] });
  if (!tx) return;
  const cursor = tx.objectStore('events').openCursor();
  cursor.onsuccess = () => {
    const row = cursor.result;
    if (!row) return;
    putSyncKeys(keys, row.value);
    row.continue();
  };
}

/**
 * Records that `events` (verified, NIP-01 fields) were processed: a later reconciliation
 * counts them as held. Written only after they were stored, so a crash in between fetches
 * them again rather than never.
 */
export async function recordSyncKeys(db, events) {
  if (!events.length) return;
  const tx = db.transaction('syncKeys', 'readwrite');
  const store = tx.objectStore('syncKeys');
  for (const event of events) putSyncKeys(store, event);
  await transactionDone(tx);
}

/** [[created_at, id], ...] of the processed events under scope tag `tag`, keys only, in order. */
export async function syncItemsOf(db, tag) {
  const range = IDBKeyRange.bound([tag, -Infinity], [tag, Infinity]);
  const keys = await promise(db.transaction('syncKeys').objectStore('syncKeys').getAllKeys(range));
  return keys.map((key) => [key[1], key[2]]);
}

/** Opens (creating or upgrading) the database. */
export function openDatabase(name = DB_NAME) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, DB_VERSION);
    request.onupgradeneeded = (e) => {
      if (e.oldVersion < 1) upgrade(request.result);
      else if (e.oldVersion < 2) addressesToCoreForm(request.transaction);
      if (e.oldVersion < 3) {
        if (e.oldVersion < 1) {
          request.transaction.objectStore('events').createIndex('mentions', 'mentions', { multiEntry: true });
          request.transaction.objectStore('events').createIndex('edits', 'edits');
        }
        else addMentions(request.transaction, tagMentions);
      }
      if (e.oldVersion < 4) addSyncKeys(request.result, e.oldVersion < 1 ? null : request.transaction);
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab upgrading the schema: let it, this one reloads.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('the local database is open in an older tab: close it and reload'));
  });
}

/** A copy of a stored record with only the NIP-01 fields (what is published or shared). */
export function toEvent(record) {
  const { id, pubkey, created_at, kind, tags, content, sig } = record;
  return { id, pubkey, created_at, kind, tags, content, sig };
}

export async function getSetting(db, key, fallback = undefined) {
  const row = await promise(db.transaction('settings').objectStore('settings').get(key));
  return row === undefined ? fallback : row.value;
}

export async function putSetting(db, key, value) {
  const tx = db.transaction('settings', 'readwrite');
  tx.objectStore('settings').put({ key, value });
  await transactionDone(tx);
}

export async function getEvent(db, id) {
  return promise(db.transaction('events').objectStore('events').get(id));
}

/**
 * The stored version of a replaceable/addressable event by its address (datt.addressOf or
 * datt.formatAddress): the ingest keeps only the newest one (datt.supersedes).
 */
export async function getByAddress(db, address) {
  return promise(db.transaction('events').objectStore('events').index('address').get(address));
}

/** Ranking fields ({id, created_at, ups, downs}) of every stored post of a community. */
export async function postStatsOfCommunity(db, community) {
  const range = IDBKeyRange.bound([community, -Infinity], [community, Infinity]);
  return promise(db.transaction('postStats').objectStore('postStats').index('community').getAll(range));
}

/** Ranking fields of every stored post. */
export async function allPostStats(db) {
  return promise(db.transaction('postStats').objectStore('postStats').getAll());
}

/** Full records of `ids`, in that order (missing ones left out). */
export async function eventsByIds(db, ids) {
  const store = db.transaction('events').objectStore('events');
  const rows = await Promise.all(ids.map((id) => promise(store.get(id))));
  return rows.filter(Boolean);
}

/** Stored community definitions or deletions (the `listed` kinds), newest first, at most `limit`. */
export async function eventsOfKind(db, kind, limit = 10000) {
  const range = IDBKeyRange.bound([kind, -Infinity], [kind, Infinity]);
  const rows = await promise(db.transaction('events').objectStore('events').index('listed').getAll(range));
  rows.sort((a, b) => b.created_at - a.created_at);
  return rows.slice(0, limit);
}

export async function eventsByAuthor(db, pubkey, kind) {
  const range = IDBKeyRange.bound([pubkey, kind, -Infinity], [pubkey, kind, Infinity]);
  return promise(db.transaction('events').objectStore('events').index('author').getAll(range));
}

/**
 * A comment tree under `rootId`: {root, children: Map<parentId, comment[]>}, reading level
 * by level (one request per parent with replies), at most `maxNodes` comments.
 */
export async function threadOf(db, rootId, maxNodes = 5000) {
  const tx = db.transaction('events');
  const events = tx.objectStore('events');
  const root = await promise(events.get(rootId));
  const children = new Map();
  let frontier = [rootId];
  let count = 0;
  while (frontier.length && count < maxNodes) {
    const lists = await Promise.all(frontier.map((id) => promise(events.index('parent').getAll(id))));
    const next = [];
    lists.forEach((list, i) => {
      if (!list.length) return;
      children.set(frontier[i], list);
      count += list.length;
      for (const c of list) next.push(c.id);
    });
    frontier = next;
  }
  return { root, children };
}

/**
 * How many comments are stored under `rootId`, counting at most `max` (a row shows "500+"),
 * reading level by level from the `parent` index (keys only).
 */
export async function commentCount(db, rootId, max = 500) {
  const parents = db.transaction('events').objectStore('events').index('parent');
  let frontier = [rootId];
  let count = 0;
  while (frontier.length && count < max) {
    const levels = await Promise.all(frontier.map((id) => promise(parents.getAllKeys(id, max))));
    frontier = levels.flat();
    count += frontier.length;
  }
  return Math.min(count, max);
}

/**
 * The top-level post that `record` (a post or comment) belongs to, following stored parent
 * links (NIP-22 comments name only their parent), or undefined when a link is missing.
 */
export async function rootPostOf(db, record, maxDepth = 1000) {
  let current = record;
  for (let depth = 0; current && !current.post && depth < maxDepth; depth += 1) {
    current = current.parent ? await getEvent(db, current.parent) : undefined;
  }
  return current?.post ? current : undefined;
}

/**
 * The newest edit (kind 1010) of `record` by its own author that is not deleted, or null:
 * on equal created_at the lowest id, as for replaceable events.
 */
export async function latestEdit(db, record) {
  const rows = await promise(db.transaction('events').objectStore('events').index('edits').getAll(record.id));
  let best = null;
  for (const row of rows) {
    if (row.pubkey !== record.pubkey || row.deleted) continue;
    if (!best || row.created_at > best.created_at || (row.created_at === best.created_at && row.id < best.id)) best = row;
  }
  return best;
}

/** Comments addressing `pubkey` (the `mentions` index), newest first, at most `limit`. */
export async function mentionsOf(db, pubkey, limit = 200) {
  const rows = await promise(db.transaction('events').objectStore('events').index('mentions').getAll(pubkey));
  rows.sort((a, b) => b.created_at - a.created_at);
  return rows.slice(0, limit);
}

/** The effective vote of `voter` on `target` ({value, created_at, ...}) or undefined. */
export async function currentVote(db, target, voter) {
  return promise(db.transaction('votes').objectStore('votes').get([target, voter]));
}

export async function outboxEntries(db) {
  return promise(db.transaction('outbox').objectStore('outbox').getAll());
}

export async function sealedKey(db) {
  return promise(db.transaction('keys').objectStore('keys').get('main'));
}

export async function storeSealedKey(db, record) {
  const tx = db.transaction('keys', 'readwrite');
  tx.objectStore('keys').put({ ...record, name: 'main' });
  await transactionDone(tx);
}

export async function removeSealedKey(db) {
  const tx = db.transaction('keys', 'readwrite');
  tx.objectStore('keys').delete('main');
  await transactionDone(tx);
}

/**
 * "Stay unlocked on this device" (signer.js): the secret sealed under a non-extractable
 * WebCrypto AES-GCM key, both kept in the `keys` store under `device`.
 */
export async function deviceSeal(db) {
  return promise(db.transaction('keys').objectStore('keys').get('device'));
}

export async function storeDeviceSeal(db, record) {
  const tx = db.transaction('keys', 'readwrite');
  tx.objectStore('keys').put({ ...record, name: 'device' });
  await transactionDone(tx);
}

export async function removeDeviceSeal(db) {
  const tx = db.transaction('keys', 'readwrite');
  tx.objectStore('keys').delete('device');
  await transactionDone(tx);
}
