// Writes verified events into the local store in batched transactions (one per batch), and
// keeps the derived state the UI reads: each post's and comment's current vote tally, the
// newest version of replaceable events, and NIP-09 deletions. Runs in the sync worker.
//
// The protocol rules come from the core, the same the relay applies: votes (datt.voteOf /
// datt.voteSupersedes, as core's tally_votes counts), the newest version of a replaceable or
// addressable event (datt.addressOf, datt.supersedes) and NIP-09 deletions by id and by `a`
// address (datt.deletionRequestOf, datt.deletes). Tallies are recounted from the `votes` store for the
// targets a batch touches, which makes a batch idempotent: replaying it changes nothing.
import { DATT_KINDS, KIND, describe } from '../lib/events.js';
import { requestResult as promise, transactionDone } from './db.js';

const KINDS = new Set(DATT_KINDS);

function votesRange(target) {
  return IDBKeyRange.bound([target, ''], [target, '\uffff']);
}

/** What ranking a community's posts needs, kept small so a page reads 10,000 of them fast. */
function postStats(record) {
  return { id: record.id, community: record.community, created_at: record.created_at,
    ups: record.ups ?? 0, downs: record.downs ?? 0 };
}

function tally(votes) {
  let ups = 0;
  let downs = 0;
  for (const v of votes) {
    if (v.value > 0) ++ups;
    else if (v.value < 0) ++downs;
  }
  return { ups, downs };
}

/** add() that resolves false (instead of aborting the transaction) when the key exists. */
function addOnce(store, record) {
  return new Promise((resolve, reject) => {
    const request = store.add(record);
    request.onsuccess = () => resolve(true);
    request.onerror = (e) => {
      if (request.error?.name === 'ConstraintError') {
        e.preventDefault();
        e.stopPropagation();
        resolve(false);
      } else {
        reject(request.error);
      }
    };
  });
}

/** Only the NIP-01 fields (a verified event may carry unknown members; they are not kept). */
export function nip01Fields(raw) {
  const { id, pubkey, created_at, kind, tags, content, sig } = raw;
  return { id, pubkey, created_at, kind, tags, content, sig };
}

export class Ingest {
  #db;
  #datt;
  /**
   * The stored deletion requests (kind 5, NIP-01 fields) by each id and address they name.
   * Whether one applies to an event is the core's rule (datt.deletes: only the author's own,
   * an address only up to the request's created_at), asked whenever a named event arrives,
   * before or after its request, so a stranger's request neither applies nor hides the
   * author's.
   */
  #requestsById = new Map();
  #requestsByAddress = new Map();
  #requests = new Set();   // ids of the requests above
  /** Targets with at least one stored vote: a new post or comment outside it has no votes to count. */
  #voted = new Set();

  constructor(db, datt) {
    this.#db = db;
    this.#datt = datt;
  }

  async init() {
    const range = IDBKeyRange.bound([KIND.deletion, -Infinity], [KIND.deletion, Infinity]);
    const rows = await promise(this.#db.transaction('events').objectStore('events').index('listed').getAll(range));
    for (const row of rows) {
      // Rows stored before `deletesAddresses` existed are described again.
      const request = nip01Fields(row);
      this.#remember(request, row.deletesAddresses ? row : describe(request, this.#datt));
    }
    const keys = await promise(this.#db.transaction('votes').objectStore('votes').getAllKeys());
    for (const [target] of keys) this.#voted.add(target);
  }

  /** The event if it is valid (well formed, id and signature check in wasm), else null. */
  verify(raw) {
    return this.#datt.verifyEvent(raw) ? nip01Fields(raw) : null;
  }

  /** Whether a stored deletion request deletes `record` (a stored or incoming event). */
  #isDeleted(record) {
    const requests = [...(this.#requestsById.get(record.id) ?? []),
      ...(record.address !== undefined ? this.#requestsByAddress.get(record.address) ?? [] : [])];
    if (!requests.length) return false;
    const target = nip01Fields(record);
    return requests.some((request) => this.#datt.deletes(request, target));
  }

  /**
   * Remembers a deletion request under the ids and addresses it names (`described`: its
   * describe() fields); false if it was known already.
   */
  #remember(request, described) {
    if (this.#requests.has(request.id)) return false;
    this.#requests.add(request.id);
    const add = (map, key) => {
      let list = map.get(key);
      if (!list) map.set(key, list = []);
      list.push(request);
    };
    for (const id of described.deletes ?? []) add(this.#requestsById, id);
    for (const address of described.deletesAddresses ?? []) add(this.#requestsByAddress, address);
    return true;
  }

  /** Undoes #remember (a batch that failed to commit). */
  #forget(request, described) {
    this.#requests.delete(request.id);
    const drop = (map, key) => {
      const list = map.get(key)?.filter((r) => r.id !== request.id);
      if (list?.length) map.set(key, list);
      else map.delete(key);
    };
    for (const id of described.deletes ?? []) drop(this.#requestsById, id);
    for (const address of described.deletesAddresses ?? []) drop(this.#requestsByAddress, address);
  }

  /**
   * The effective vote of `voter` on `target` among their stored votes that are not deleted
   * (after a retraction an older vote may count again: the same answer in any arrival order).
   */
  async #effectiveVote(eventsStore, target, voter, skipId) {
    const range = IDBKeyRange.bound([voter, KIND.vote, -Infinity], [voter, KIND.vote, Infinity]);
    const rows = await promise(eventsStore.index('author').getAll(range));
    let best = null;
    for (const row of rows) {
      if (row.target !== target || row.deleted || row.id === skipId || this.#isDeleted(row)) continue;
      const vote = this.#datt.voteOf(nip01Fields(row));
      if (vote && (!best || this.#datt.voteSupersedes(vote, best))) best = vote;
    }
    return best;
  }

  /**
   * Stores verified events. Returns what changed: {added, communities, parents, kinds,
   * authors, ids} (sets), so the UI knows which views to refresh.
   */
  async store(events) {
    const changed = { added: 0, communities: new Set(), parents: new Set(), kinds: new Set(),
      authors: new Set(), ids: new Set() };
    const unique = new Map();
    for (const e of events) if (KINDS.has(e.kind) && !unique.has(e.id)) unique.set(e.id, e);
    if (!unique.size) return changed;

    const tx = this.#db.transaction(['events', 'votes', 'postStats'], 'readwrite');
    const done = transactionDone(tx);
    const eventsStore = tx.objectStore('events');
    const votesStore = tx.objectStore('votes');
    const statsStore = tx.objectStore('postStats');
    const affected = new Set();
    const fresh = new Set();
    const newRequests = [];      // {request, described}: deletions this batch remembered (undone on failure)
    const described = new Map(); // id -> describe() of each event of the batch
    const note = (record) => {
      changed.added += 1;
      changed.kinds.add(record.kind);
      changed.authors.add(record.pubkey);
      changed.ids.add(record.id);
      if (record.community) changed.communities.add(record.community);
      if (record.parent) changed.parents.add(record.parent);
      if (record.target) changed.ids.add(record.target);
    };

    try {
      // Phase 1: votes. Reduce the batch to one vote per (target, voter) with the core's rule,
      // then upsert those that supersede the stored one.
      for (const e of unique.values()) described.set(e.id, describe(e, this.#datt));
      for (const e of unique.values()) {
        if (e.kind === KIND.deletion && this.#remember(e, described.get(e.id))) {
          newRequests.push({ request: e, described: described.get(e.id) });
        }
      }
      const latest = new Map();
      const voteRecords = [];
      for (const e of unique.values()) {
        if (e.kind !== KIND.vote) continue;
        const record = { ...e, ...described.get(e.id) };
        voteRecords.push(record);
        if (this.#isDeleted(e)) {
          record.deleted = 1;   // its deletion came first
          continue;
        }
        const vote = this.#datt.voteOf(e);
        if (!vote) continue;
        const key = `${vote.target}:${vote.voter}`;
        const other = latest.get(key);
        if (!other || this.#datt.voteSupersedes(vote, other)) latest.set(key, vote);
      }
      const voteAdds = voteRecords.map((r) => addOnce(eventsStore, r).then((added) => added && note(r)));
      await Promise.all([...voteAdds, ...[...latest.values()].map(async (vote) => {
        const stored = await promise(votesStore.get([vote.target, vote.voter]));
        if (stored && !this.#datt.voteSupersedes(vote, stored)) return;
        votesStore.put(vote);
        this.#voted.add(vote.target);
        affected.add(vote.target);
      })]);

      // Phase 2: everything else. Posts and comments are added with their tally already
      // counted (their votes may have arrived first).
      const others = [...unique.values()].filter((e) => e.kind !== KIND.vote);
      const replaceables = [];
      await Promise.all(others.map(async (e) => {
        const record = { ...e, ...described.get(e.id) };
        if (record.address !== undefined) {
          replaceables.push(record);
          return;
        }
        // An edit deleted before it arrived is kept as deleted too (readers skip it).
        if (record.kind === KIND.edit && this.#isDeleted(record)) {
          record.deleted = 1;
          record.content = '';
        }
        if (record.kind === KIND.comment) {
          if (this.#isDeleted(record)) {
            record.deleted = 1;
            record.content = '';
          }
          const votes = this.#voted.has(record.id) ? await promise(votesStore.getAll(votesRange(record.id))) : [];
          Object.assign(record, tally(votes));
        }
        if (record.kind === KIND.community || record.kind === KIND.deletion) record.listed = record.kind;
        if (await addOnce(eventsStore, record)) {
          // Counted as it was added; a post already stored is recounted in phase 4 instead.
          if (record.kind === KIND.comment) fresh.add(record.id);
          note(record);
          if (record.post) statsStore.put(postStats(record));
        }
      }));
      // Replaceable events one by one: two versions may be in one batch. A version that a
      // stored request deletes (by id, or by address up to its time) is not kept.
      for (const record of replaceables) {
        if (this.#isDeleted(record)) continue;
        const rows = await promise(eventsStore.index('address').getAll(record.address));
        if (rows.some((row) => row.id === record.id || this.#datt.supersedes(row, record))) continue;
        for (const row of rows) eventsStore.delete(row.id);
        if (record.kind === KIND.community) record.listed = record.kind;
        eventsStore.put(record);
        note(record);
      }

      // Phase 3: apply the new requests to stored events, as the core's rule says (only the
      // author's own; an address up to the request's time). Named by id: kept as "[deleted]"
      // (a retracted vote is withdrawn); named by address: the version is removed, as the
      // relay removes it.
      await Promise.all(newRequests.map(async ({ request, described: names }) => {
        const [byId, byAddress] = await Promise.all([
          Promise.all(names.deletes.map((id) => promise(eventsStore.get(id)))),
          Promise.all(names.deletesAddresses.map((a) => promise(eventsStore.index('address').getAll(a)))),
        ]);
        const done = new Set();
        for (const target of byId) {
          if (!target || target.deleted || !this.#datt.deletes(request, nip01Fields(target))) continue;
          done.add(target.id);
          if (target.kind === KIND.vote && target.target) {
            const current = await promise(votesStore.get([target.target, target.pubkey]));
            if (current && current.id === target.id) {
              const next = await this.#effectiveVote(eventsStore, target.target, target.pubkey, target.id);
              if (next) votesStore.put(next);
              else votesStore.delete([target.target, target.pubkey]);
              affected.add(target.target);
            }
          }
          eventsStore.put({ ...target, deleted: 1, content: '' });
          note(target);
        }
        for (const row of byAddress.flat()) {
          if (done.has(row.id) || row.deleted || !this.#datt.deletes(request, nip01Fields(row))) continue;
          eventsStore.delete(row.id);
          note(row);
        }
      }));

      // Phase 4: recount tallies of stored targets whose votes changed.
      await Promise.all([...affected].filter((id) => !fresh.has(id)).map(async (id) => {
        const [target, votes] = await Promise.all([promise(eventsStore.get(id)),
          promise(votesStore.getAll(votesRange(id)))]);
        if (!target || target.kind !== KIND.comment) return;
        const counts = tally(votes);
        if (counts.ups === target.ups && counts.downs === target.downs) return;
        eventsStore.put({ ...target, ...counts });
        if (target.post) statsStore.put(postStats({ ...target, ...counts }));
        note(target);
      }));
      for (const id of affected) changed.ids.add(id);
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // already finished
      }
      await done.catch(() => {});
      for (const { request, described: names } of newRequests) this.#forget(request, names);
      throw error;
    }
    await done;
    return changed;
  }
}
