// This device's chain, kept by the owner tab's sync worker (docs/web.md "Content chains").
// Every regular event the app signs carries ["chain", <id>, <seq>, <prev>]; the chain id is
// drawn once per identity on this device and never exported, so the same account imported
// in another browser writes its own chain and the two never fork, online or not.
//
// Two tabs must never sign the same position. A tab asks the owner for a position (reserve),
// signs with it, and publishes; the owner gives out one position at a time (a lease; a second
// tab is told to wait) and, at publish, accepts only the event at the next position (or one
// it accepted already), writing the new last position durably before the event enters the
// outbox. The lease only saves wasted signatures; the check at publish is what keeps the
// chain linear, also when a lease expired (its tab crashed) and the position was given again.
import { RECENT_KEPT, ownChain, putOwnChain, validOwn } from './store.js';

export const LEASE_MS = 30000;

export class ChainPositionError extends Error {
  constructor(message) {
    super(`chain_position_taken: ${message}`);
    this.code = 'chain_position_taken';
  }
}

export class OwnChains {
  #records;
  #datt;
  #leases = new Map();   // author -> {lease, seq, until}
  #nextLease = 0;

  /**
   * chainDb: the `datt-chain` database, or (tests) {get(author), put(record)} over raw
   * records; `now()` in ms.
   */
  constructor(chainDb, datt, now = () => Date.now()) {
    this.#records = typeof chainDb.get === 'function' && typeof chainDb.put === 'function'
      ? { get: async (author) => validOwn(await chainDb.get(author), author), put: (r) => chainDb.put(r) }
      : { get: (author) => ownChain(chainDb, author), put: (r) => putOwnChain(chainDb, r) };
    this.#datt = datt;
    this.now = now;
  }

  async #record(author) {
    let record = await this.#records.get(author);
    if (!record) {
      // First signature on this device (or a damaged record): a new chain, which cannot fork.
      record = { author, chain: this.#datt.chain.newChainId(), last: null, recent: [] };
      await this.#records.put(record);
    }
    return record;
  }

  /**
   * The chain tag for the next event of `author`: {lease, tag} or {busy: true} while another
   * tab holds the position. Asking again with one's own lease renews it (a long mining).
   */
  async reserve(author, lease = null) {
    const record = await this.#record(author);
    const held = this.#leases.get(author);
    const now = this.now();
    if (held && held.until > now && held.lease !== lease) return { busy: true };
    const next = record.last ? record.last.seq + 1 : 0;
    const id = held && held.lease === lease && held.until > now ? lease : `l${++this.#nextLease}`;
    this.#leases.set(author, { lease: id, seq: next, until: now + LEASE_MS });
    return { lease: id, tag: this.#datt.chain.nextTag(record.chain, record.last) };
  }

  release(author, lease) {
    if (this.#leases.get(author)?.lease === lease) this.#leases.delete(author);
  }

  /**
   * Accepts a signed event of this device's chain before it is published; throws
   * ChainPositionError when its position was taken. Events of other chains (signed on
   * another device, or unchained) pass unchanged.
   */
  async commit(event) {
    const link = this.#datt.chain.linkOf(event);
    if (!link) return false;
    const record = await this.#records.get(event.pubkey);
    if (!record || record.chain !== link.chain) return false;
    if (record.recent.some((e) => e.seq === link.seq && e.id === event.id)) return true;   // sent again
    const next = record.last ? record.last.seq + 1 : 0;
    if (link.seq !== next || (record.last && link.prev !== record.last.id)) {
      throw new ChainPositionError(`another event was signed at position ${link.seq} of this device's chain; sign again`);
    }
    const last = { seq: link.seq, id: event.id };
    await this.#records.put({ ...record, last, recent: [...record.recent, last].slice(-RECENT_KEPT) });
    const held = this.#leases.get(event.pubkey);
    if (held && held.seq === link.seq) this.#leases.delete(event.pubkey);
    return true;
  }
}
