// Shared links: every page that names an event, address or author this browser does not hold
// asks the relays for it (the sync worker's one-off `query`, with the link's relay hints),
// shows that it is looking, and says "not found on your relays" when none had it. Share
// buttons copy a link carrying a NIP-19 `nevent` (posts, comments) or `naddr` (communities)
// with up to three relay hints, so a link opens in a browser that has never seen the relay.
import { useEffect, useState } from 'preact/hooks';
import { KIND, parseCommunityAddress } from '../lib/events.js';
import { getByAddress, getEvent } from '../store/db.js';
import { errorText } from './common.js';
import { html, useClient } from './hooks.js';

const MAX_HINTS = 3;
const THREAD_LEVELS = 12;       // levels of replies fetched below a linked post
const THREAD_IDS = 200;         // parent ids per `#e` filter
const PARENT_STEPS = 64;        // a linked comment's ancestors walked up to its post

/** Relay URLs for a link: the write relays for one's own events, else the read relays. */
export function shareHints(client, own) {
  const list = client.state.relays.filter((r) => (own ? r.write : r.read));
  list.sort((a, b) => (b.state === 'open') - (a.state === 'open'));
  return list.slice(0, MAX_HINTS).map((r) => r.url);
}

function appBase() {
  return `${location.origin}${location.pathname}`;
}

/** The shareable link of a post or comment: `#/e/<nevent>` (id, relays, author, kind). */
export function eventLink(client, record) {
  const nevent = client.datt.nip19Encode('nevent', { id: record.id, author: record.pubkey, kind: record.kind,
    relays: shareHints(client, record.pubkey === client.publicKey) });
  return `${appBase()}#/e/${nevent}`;
}

/** The shareable link of a community: `#/a/<naddr>`. */
export function communityLink(client, { pubkey, identifier }) {
  const naddr = client.datt.nip19Encode('naddr', { kind: KIND.community, pubkey, identifier,
    relays: shareHints(client, pubkey === client.publicKey) });
  return `${appBase()}#/a/${naddr}`;
}

/** "share": copies the link and shows it (selectable, for browsers that refuse the copy). */
export function ShareButton({ link }) {
  const client = useClient();
  const [shown, setShown] = useState(null);
  const share = async () => {
    const url = link(client);
    let copied = false;
    try {
      await navigator.clipboard.writeText(url);
      copied = true;
    } catch {
      // no clipboard permission (or an insecure origin): the link is shown to copy by hand
    }
    setShown({ url, copied });
  };
  return html`<span class="share">
    <button class="link" data-testid="share" onClick=${share}>share</button>
    ${shown && html`<span class="share-box" role="status">
      <input readonly class="share-link" data-testid="share-link" value=${shown.url} aria-label="Link to share"
        onFocus=${(e) => e.target.select()} size="40" />
      <span class="muted small">${shown.copied ? 'copied' : 'copy the link'}</span>
      <button class="link" onClick=${() => setShown(null)} aria-label="close">×</button></span>`}
  </span>`;
}

/** Where a lookup stands: looking, found, missing (with what each relay said) or error. */
function useLookup(run, deps) {
  const client = useClient();
  const [state, setState] = useState({ status: 'looking', relays: [] });
  useEffect(() => {
    let live = true;
    setState({ status: 'looking', relays: [] });
    run(client).then((result) => live && setState(result),
      (error) => live && setState({ status: 'error', relays: [], error: errorText(error) }));
    return () => { live = false; };
  }, deps);
  return state;
}

/** One query, remembering what every relay answered (for "not found" to say where it looked). */
async function ask(client, filters, hints, answers) {
  const result = await client.query(filters, hints);
  for (const r of result.relays) answers.set(r.url, r);
  return result.ids;
}

/**
 * Fetches what a post page needs and this browser lacks: the post (and a linked comment),
 * its community's definition, the authors' profiles and the replies, level by level
 * (`#e` of the level above; votes and deletions name their target the same way).
 * Each post is fetched once per tab; the community's sync keeps it current afterwards.
 */
const threadsFetched = new Map();

async function fetchThread(client, postId, focusId, hints) {
  const answers = new Map();
  const wanted = [postId, focusId].filter(Boolean);
  const missing = [];
  for (const id of wanted) if (!await getEvent(client.db, id)) missing.push(id);
  if (missing.length) await ask(client, [{ ids: missing }], hints, answers);
  const post = await getEvent(client.db, postId);
  if (!post) return { status: 'missing', relays: [...answers.values()] };
  const authors = new Set([post.pubkey]);
  const filters = [];
  const c = parseCommunityAddress(post.community);
  if (c && !await getByAddress(client.db, post.community)) {
    filters.push({ kinds: [KIND.community], authors: [c.pubkey], '#d': [c.identifier] });
  }
  let frontier = [postId];
  for (let level = 0; level < THREAD_LEVELS && frontier.length; level += 1) {
    const parents = frontier.slice(0, THREAD_IDS);
    const ids = await ask(client, [...filters, { kinds: [KIND.comment, KIND.edit, KIND.vote, KIND.deletion], '#e': parents }],
      hints, answers);
    filters.length = 0;
    const replies = [];
    for (const id of ids) {
      const event = await getEvent(client.db, id);
      if (event?.kind === KIND.comment && parents.includes(event.parent)) {
        replies.push(id);
        authors.add(event.pubkey);
      }
    }
    frontier = replies;
  }
  const unknown = [];
  for (const pubkey of authors) {
    if (!await getByAddress(client.db, client.datt.formatAddress({ kind: KIND.profile, pubkey }))) unknown.push(pubkey);
  }
  if (unknown.length) await ask(client, [{ kinds: [KIND.profile], authors: unknown.slice(0, 200) }], hints, answers);
  return { status: 'found', relays: [...answers.values()] };
}

/** The post page's lookup (see fetchThread). */
export function useThreadFetch(postId, focusId, hints = []) {
  return useLookup((client) => {
    const key = `${postId}/${focusId ?? ''}`;
    let pending = threadsFetched.get(key);
    if (!pending) {
      pending = fetchThread(client, postId, focusId, hints);
      threadsFetched.set(key, pending);
      // A failure or "missing" may be asked again on the next visit.
      pending.then((r) => r.status !== 'found' && threadsFetched.delete(key), () => threadsFetched.delete(key));
    }
    return pending;
  }, [postId, focusId, hints.join(' ')]);
}

/** A community page's lookup of a definition this browser lacks (and its owner's profile). */
export function useCommunityFetch(pubkey, identifier, hints = []) {
  return useLookup(async (client) => {
    const address = `${KIND.community}:${pubkey}:${identifier}`;
    if (await getByAddress(client.db, address)) return { status: 'found', relays: [] };
    const answers = new Map();
    await ask(client, [{ kinds: [KIND.community], authors: [pubkey], '#d': [identifier] },
      { kinds: [KIND.profile], authors: [pubkey] }], hints, answers);
    const found = await getByAddress(client.db, address);
    return { status: found ? 'found' : 'missing', relays: [...answers.values()] };
  }, [pubkey, identifier, hints.join(' ')]);
}

/** "Not found on your relays", with what each relay said. */
export function NotFound({ what, lookup }) {
  return html`<div class="card" data-testid="not-found" role="status">
    <p><strong>${what} was not found on your relays.</strong> It may have been deleted, or live on relays this
      browser does not use (add one in <a href="#/settings">Settings</a>).</p>
    ${lookup.error && html`<p class="error">${lookup.error}</p>`}
    ${lookup.relays.length > 0 && html`<ul class="muted small">${lookup.relays.map((r) => html`<li key=${r.url}>
      <code>${r.url}</code>: ${r.ok ? 'does not have it' : r.error || 'no answer'}</li>`)}</ul>`}
  </div>`;
}

/** Finds the post a comment belongs to, asking the relays for missing ancestors. */
async function findRoot(client, id, hints) {
  const answers = new Map();
  let current = await getEvent(client.db, id);
  if (!current) {
    await ask(client, [{ ids: [id] }], hints, answers);
    current = await getEvent(client.db, id);
  }
  for (let step = 0; current && !current.post && step < PARENT_STEPS; step += 1) {
    if (current.kind !== KIND.comment || !current.parent) return { status: 'unsupported', relays: [...answers.values()] };
    let parent = await getEvent(client.db, current.parent);
    if (!parent) {
      await ask(client, [{ ids: [current.parent] }], hints, answers);
      parent = await getEvent(client.db, current.parent);
    }
    current = parent;
  }
  if (!current?.post) return { status: 'missing', relays: [...answers.values()] };
  return { status: 'found', root: current.id, relays: [...answers.values()] };
}

/** The decoded route `#/e/<nevent|note>` or `#/a/<naddr>`, or null. */
export function decodeLink(datt, text) {
  try {
    const decoded = datt.nip19Decode(text);
    if (decoded.type === 'note') return { type: 'nevent', data: { id: decoded.data, relays: [] } };
    if (decoded.type === 'nevent' || decoded.type === 'naddr') return decoded;
  } catch {
    // reported by the caller
  }
  return null;
}

/**
 * `#/e/<nevent>`: the post or comment it names, in its thread. `renderPost(rootId, focusId,
 * hints)` draws the thread (thread.js's PostPage).
 */
export function EventLinkPage({ code, renderPost }) {
  const client = useClient();
  const decoded = decodeLink(client.datt, code);
  const hints = decoded?.type === 'nevent' ? decoded.data.relays : [];
  const id = decoded?.type === 'nevent' ? decoded.data.id : '';
  const lookup = useLookup((c) => (id ? findRoot(c, id, hints) : Promise.resolve({ status: 'bad', relays: [] })), [id]);
  if (!decoded || decoded.type !== 'nevent') {
    return html`<div class="card" data-testid="bad-link"><p>This link is not a Datt post or comment link.</p></div>`;
  }
  if (lookup.status === 'looking') return html`<p class="loading" aria-busy="true" data-testid="looking">Looking for this post on your relays…</p>`;
  if (lookup.status === 'found') return renderPost(lookup.root, lookup.root === id ? undefined : id, hints);
  if (lookup.status === 'unsupported') return html`<div class="card"><p>This link names an event Datt does not show.</p></div>`;
  return html`<${NotFound} what="This post or comment" lookup=${lookup} />`;
}
