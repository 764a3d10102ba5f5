// Readers' side of content chains, run by the owner tab's sync worker after each stored
// batch: every chained event goes through the core's rules (datt.chain.applyLink) against
// its author's chain state kept in `datt-chain` (store.js), and fork proofs (kind 4560, or
// two conflicting events seen here) mark their author once they verify. Nothing here
// decides what is stored in `datt`: unchained events and events of a fork stay shown; the
// marks say what they are.
import { chainRequest as promise, chainTransactionDone as done, isModerationKind, moderationCommunity, validHead,
  validLink } from './store.js';

export const KIND_FORK_PROOF = 4560;

export class ChainHeads {
  #db;
  #datt;
  #getEvent;
  // States written lately ("author:chain" -> state): this worker is the only writer, so a
  // batch need not read back what the last one wrote. Bounded; the oldest go first.
  #cache = new Map();
  static CACHE_MAX = 5000;

  /** getEvent(id): a stored event (NIP-01 fields) from the app's store, for fork proofs. */
  constructor(chainDb, datt, getEvent) {
    this.#db = chainDb;
    this.#datt = datt;
    this.#getEvent = getEvent;
  }

  /**
   * Applies a batch of verified events; returns {authors: Set of authors whose chain status
   * changed, forks: number of new fork marks, communities: Set of communities with new
   * moderation entries}. Moderation entries are kept here too (the app's `datt` store keeps
   * only the kinds it shows).
   */
  async apply(events) {
    const states = new Map();   // "author:chain" -> state
    const links = new Map();    // "author:chain:seq" -> link record written in this batch
    const forks = [];
    const moderation = [];
    const authors = new Set();
    // A read transaction per lookup: one held across the awaits below would close.
    const get = (store, key) => promise(this.#db.transaction(store).objectStore(store).get(key));
    for (const event of events) {
      if (event.kind === KIND_FORK_PROOF) {
        const fork = this.#proofOf(event);
        if (fork) forks.push(fork);
        continue;
      }
      if (isModerationKind(event.kind)) {
        const community = moderationCommunity(event);
        if (community) moderation.push({ ...event, community });
      }
      let link;
      try {
        link = this.#datt.chain.linkOf(event);
      } catch {
        continue;   // a malformed chain tag: shown as unchained (relays refuse these)
      }
      if (!link) continue;
      const key = `${link.author}:${link.chain}`;
      let state = states.get(key) ?? this.#cache.get(key);
      if (!state) {
        state = validHead(await get('heads', [link.author, link.chain]), link.author, link.chain) ??
          this.#datt.chain.emptyState(link.author, link.chain);
      }
      let occupant = null;
      if (state.head && link.seq <= state.head.seq) {
        const linkKey = `${key}:${link.seq}`;
        occupant = links.get(linkKey)?.id ??
          validLink(await get('links', [link.author, link.chain, link.seq]))?.id ?? null;
        if (!occupant) continue;   // below the head and never stored here: nothing to compare
      }
      let step;
      try {
        step = this.#datt.chain.applyLink(state, event, occupant);
      } catch {
        continue;   // pending_full and the like: the event stays stored, the state unchanged
      }
      states.set(key, step.state);
      if (step.outcome === 'extended' || step.outcome === 'pending') {
        links.set(`${key}:${link.seq}`, { author: link.author, chain: link.chain, seq: link.seq, id: link.id, prev: link.prev });
        authors.add(link.author);
      } else if (step.outcome === 'fork') {
        const other = await this.#getEvent(step.fork.otherId);
        const fork = other && this.#proofFromPair(event, other);
        if (fork) forks.push(fork);
      }
    }
    if (!states.size && !forks.length && !moderation.length) return { authors, forks: 0, communities: new Set() };
    const tx = this.#db.transaction(['heads', 'links', 'forks', 'modlog'], 'readwrite');
    for (const entry of moderation) tx.objectStore('modlog').put(entry);
    for (const state of states.values()) tx.objectStore('heads').put(state);
    for (const record of links.values()) tx.objectStore('links').put(record);
    for (const fork of forks) {
      tx.objectStore('forks').put(fork);
      authors.add(fork.author);
    }
    await done(tx);
    for (const [key, state] of states) {
      this.#cache.delete(key);
      this.#cache.set(key, state);
    }
    while (this.#cache.size > ChainHeads.CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value);
    return { authors, forks: forks.length, communities: new Set(moderation.map((e) => e.community)) };
  }

  #record(info, from) {
    return { author: info.author, chain: info.chain, seq: info.seq, shape: info.shape, proof: info.encoding, from };
  }

  /** A kind 4560 event whose proof verifies (both signatures, one author and chain, a conflict). */
  #proofOf(event) {
    try {
      return this.#record(this.#datt.chain.parseForkProof(event), event.pubkey);
    } catch {
      return null;
    }
  }

  #proofFromPair(a, b) {
    try {
      return this.#record(this.#datt.chain.makeForkProof(a, b), null);
    } catch {
      return null;
    }
  }
}
