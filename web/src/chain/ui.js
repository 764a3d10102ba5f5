// What readers see of content chains: events without a chain tag marked "unchained", an
// author with a verified fork proof marked, an author's page saying how many of their events
// this browser lacks (and fetching them), and an author's events in their chains' order.
import { useEffect } from 'preact/hooks';
import { html, useClient, useQuery } from '../ui/hooks.js';
import { authorChainStatus, forksOf, openChainDatabase } from './store.js';

let chainDb = null;
/** The `datt-chain` database for reads on this thread (opened once). */
export function chainDatabase() {
  chainDb ??= openChainDatabase();
  return chainDb;
}

/** {chain, seq} of a record's chain tag, null without one, 'invalid' for a malformed one. */
export function chainLinkOf(datt, record) {
  if (!record.tags.some((t) => t[0] === 'chain')) return null;
  try {
    return datt.chain.linkOf({ id: record.id, pubkey: record.pubkey, created_at: record.created_at, kind: record.kind,
      tags: record.tags, content: record.content, sig: record.sig });
  } catch {
    return 'invalid';
  }
}

/** "unchained" beside an event that carries no chain tag (another Nostr client signed it). */
export function ChainBadge({ record }) {
  const client = useClient();
  if (!record?.tags) return null;
  const link = chainLinkOf(client.datt, record);
  if (link === null) {
    return html`<span class="chain-mark unchained" data-testid="unchained"
      title="No chain tag: signed by a client that does not keep content chains, so its place in the author's history cannot be checked">unchained</span>`;
  }
  if (link === 'invalid') return html`<span class="chain-mark invalid" data-testid="chain-invalid" title="Its chain tag is malformed">bad chain tag</span>`;
  return null;
}

/** A mark beside an author with a verified fork proof (two different events at one place). */
export function ForkMark({ pubkey }) {
  const { data: forks } = useQuery(async () => forksOf(await chainDatabase(), pubkey), [pubkey]);
  if (!forks?.length) return null;
  return html`<span class="chain-mark forked" data-testid="forked" role="img" aria-label="forked history"
    title="This author signed two different events at one place of a content chain (a verified fork proof): their history cannot be trusted to be the same everywhere">⚠ forked</span>`;
}

/** On an author's page: events missing from their chains (fetched), and fork proofs. */
export function AuthorChainNote({ pubkey }) {
  const client = useClient();
  const { data: status } = useQuery(async (c) => authorChainStatus(await chainDatabase(), c.datt, pubkey), [pubkey]);
  const missing = status?.missing ?? 0;
  useEffect(() => {
    if (missing > 0) client.fillGaps(pubkey);
  }, [pubkey, missing > 0]);
  if (!status) return null;
  return html`<div class="chain-note" data-testid="chain-note">
    ${missing > 0 && html`<p class="notice" data-testid="chain-missing">${missing === 1 ? '1 event' : `${missing} events`} missing
      from this author's history (fetching them from your relays)</p>`}
    ${status.forked && html`<p class="error" role="alert" data-testid="chain-forked">⚠ This author signed conflicting
      histories: ${status.forks.length === 1 ? 'a fork proof' : `${status.forks.length} fork proofs`} (two events at one
      place of a content chain, both signed by them).</p>`}
  </div>`;
}

/**
 * `records` (one author's) newest first, without reordering any chain: the places the events
 * of one chain take in the created_at order are filled with that chain's events by seq, so a
 * back-dated or wrongly dated event cannot move within its author's history.
 */
export function chainOrder(datt, records) {
  const sorted = [...records].sort((a, b) => b.created_at - a.created_at || (a.id < b.id ? -1 : 1));
  const chains = new Map();
  sorted.forEach((record, at) => {
    const link = chainLinkOf(datt, record);
    if (!link || link === 'invalid') return;
    let chain = chains.get(link.chain);
    if (!chain) chains.set(link.chain, chain = { places: [], items: [] });
    chain.places.push(at);
    chain.items.push({ record, seq: link.seq });
  });
  for (const { places, items } of chains.values()) {
    items.sort((a, b) => b.seq - a.seq);
    places.forEach((at, i) => { sorted[at] = items[i].record; });
  }
  return sorted;
}
