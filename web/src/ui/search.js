// Search of posts and comments: the relays' NIP-50 `search` (datt-relay matches whole words
// of the content with SQLite FTS5) merged with the local store (every term a substring of
// the title or text, case-insensitive), everywhere or within one community (`#A`).
// Route: #/search?q=<words>[&in=<community address>].
import { useEffect, useState } from 'preact/hooks';
import { KIND, parseCommunityAddress, readPost } from '../lib/events.js';
import { eventsByIds, rootPostOf } from '../store/db.js';
import { Author, ErrorLine, Loading, Markdown, ago, errorText, plural } from './common.js';
import { PostRow } from './feed.js';
import { html, navigate, useClient, useQuery } from './hooks.js';

const MAX_RESULTS = 100;
const LOCAL_SCAN = 50000;      // stored events read at most by one local search
export const MAX_QUERY = 200;  // characters (sync/query.js refuses more)

function params() {
  const p = new URLSearchParams(location.hash.split('?')[1] ?? '');
  return { q: (p.get('q') ?? '').slice(0, MAX_QUERY), within: parseCommunityAddress(p.get('in')) ? p.get('in') : '' };
}

export function searchHref(q, within = '') {
  const p = new URLSearchParams({ q });
  if (within) p.set('in', within);
  return `#/search?${p}`;
}

function terms(q) {
  return q.toLowerCase().split(/\s+/).filter(Boolean);
}

/** Stored posts and comments (not deleted) whose title or text holds every term. */
async function localSearch(db, q, within) {
  const words = terms(q);
  if (!words.length) return [];
  const out = [];
  const store = db.transaction('events').objectStore('events');
  await new Promise((resolve, reject) => {
    let scanned = 0;
    const cursor = store.openCursor();
    cursor.onerror = () => reject(cursor.error);
    cursor.onsuccess = () => {
      const row = cursor.result;
      if (!row || out.length >= MAX_RESULTS || ++scanned > LOCAL_SCAN) return resolve();
      const e = row.value;
      if (e.kind === KIND.comment && !e.deleted && (!within || e.community === within)) {
        const text = `${e.post ? readPost(e).title : ''}\n${e.content}`.toLowerCase();
        if (words.every((w) => text.includes(w))) out.push(e);
      }
      row.continue();
    };
  });
  return out;
}

/** A community page's search box (within it). */
export function CommunitySearch({ address, name }) {
  return html`<form class="search-box" role="search" onSubmit=${(e) => {
    e.preventDefault();
    const text = e.target.elements.q.value.trim();
    if (text) navigate(searchHref(text, address).slice(1));
  }}><input type="search" name="q" placeholder=${`Search ${name}`} aria-label=${`Search ${name}`} maxlength=${MAX_QUERY}
    data-testid="community-search-input" /></form>`;
}

/** The header's search box (everywhere). */
export function SearchBox() {
  const [text, setText] = useState(() => params().q);
  return html`<form class="search-box" role="search" onSubmit=${(e) => {
    e.preventDefault();
    if (text.trim()) navigate(searchHref(text.trim()).slice(1));
  }}><input type="search" name="q" placeholder="Search posts" aria-label="Search posts and comments" maxlength=${MAX_QUERY}
    value=${text} onInput=${(e) => setText(e.target.value)} data-testid="search-input" /></form>`;
}

export function SearchPage() {
  const client = useClient();
  const { q, within } = params();
  const [remote, setRemote] = useState({ status: 'idle', ids: [], relays: [] });
  useEffect(() => {
    if (!terms(q).length) return undefined;
    let live = true;
    setRemote({ status: 'searching', ids: [], relays: [] });
    const filter = { kinds: [KIND.comment], search: q, limit: MAX_RESULTS };
    if (within) filter['#A'] = [within];
    client.query([filter]).then((r) => live && setRemote({ status: 'done', ids: r.ids, relays: r.relays }),
      (error) => live && setRemote({ status: 'error', ids: [], relays: [], error: errorText(error) }));
    return () => { live = false; };
  }, [q, within]);
  const { data, error } = useQuery(async (c) => {
    const local = await localSearch(c.db, q, within);
    const byId = new Map(local.map((e) => [e.id, e]));
    // The relays' matches were verified and stored by the query: read them from the store.
    for (const e of await eventsByIds(c.db, remote.ids.filter((id) => !byId.has(id)))) {
      if (e.kind === KIND.comment && !e.deleted && (!within || e.community === within)) byId.set(e.id, e);
    }
    const list = [...byId.values()].sort((a, b) => b.created_at - a.created_at).slice(0, MAX_RESULTS);
    const comments = list.filter((e) => !e.post);
    const roots = await Promise.all(comments.map((e) => rootPostOf(c.db, e)));
    comments.forEach((e, i) => { e.root = roots[i]; });
    return { list, fromRelays: remote.ids.length };
  }, [q, within, remote.ids.join(',')]);
  const community = parseCommunityAddress(within);
  return html`<div class="search-page" data-testid="search-page">
    <h1 class="page-title">Search</h1>
    <form class="row" role="search" onSubmit=${(e) => {
      e.preventDefault();
      const text = e.target.elements.q.value.trim();
      if (text) navigate(searchHref(text, e.target.elements.within?.checked ? within : '').slice(1));
    }}>
      <input type="search" name="q" class="search" value=${q} maxlength=${MAX_QUERY} aria-label="Search posts and comments"
        data-testid="search-page-input" />
      ${within && html`<label class="inline"><input type="checkbox" name="within" checked /> only in c/${community.identifier}</label>`}
      <button type="submit" class="primary">Search</button>
    </form>
    <${ErrorLine} error=${error || remote.error} />
    ${!terms(q).length && html`<p class="empty">Type words to find in posts and comments.</p>`}
    ${remote.status === 'searching' && html`<p class="loading muted small" aria-busy="true" data-testid="searching">Searching your relays…</p>`}
    ${data && terms(q).length > 0 && html`<p class="muted small" data-testid="search-summary">${plural(data.list.length, 'result')}
      ${within && html` in <a href=${`#/c/${community.pubkey}/${encodeURIComponent(community.identifier)}`}>c/${community.identifier}</a>`}
      ${remote.status === 'done' && ` · ${plural(remote.relays.filter((r) => r.ok).length, 'relay')} searched`}</p>`}
    ${!data && terms(q).length > 0 && html`<${Loading} what="Searching this browser" />`}
    ${data && data.list.map((e) => (e.post
      ? html`<${PostRow} key=${e.id} record=${e} showCommunity=${!within} />`
      : html`<div class="card comment-summary" key=${e.id} data-testid="search-comment">
          <p class="muted small"><${Author} pubkey=${e.pubkey} /> · ${ago(e.created_at)} · ${e.root ? html`on <a href=${`#/post/${e.root.id}/${e.id}`}>${e.root.deleted ? '[deleted]' : readPost(e.root).title}</a>`
              : html`<a href=${`#/e/${client.datt.nip19Encode('note', e.id)}`}>context</a>`}</p>
          <${Markdown} text=${e.content} /></div>`))}
    ${data && terms(q).length > 0 && !data.list.length && remote.status !== 'searching' &&
      html`<p class="empty" data-testid="no-results">Nothing found${within ? ' in this community' : ''}.</p>`}
  </div>`;
}
