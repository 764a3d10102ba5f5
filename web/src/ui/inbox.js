// The inbox: comments by others that address the signed-in account, i.e. replies to one's
// posts and comments (NIP-22 puts the parent's author in a `p` tag) and mentions (a `p`
// tag or `nostr:npub1…` in the text), from the `mentions` index (store/db.js), kept in sync
// from every community by the worker's `inbox` scope (`#p`). Read state is this browser's
// (localStorage, per account): opening the inbox marks what it shows as read, and marks
// what was new until the next visit.
import { useEffect, useState } from 'preact/hooks';
import { readPost } from '../lib/events.js';
import { getEvent, mentionsOf, rootPostOf } from '../store/db.js';
import { Author, Loading, Markdown, ago, plural } from './common.js';
import { html, useClient, useQuery } from './hooks.js';

const SHOWN = 200;
const KEPT_READ = 2000;       // read ids remembered (the inbox shows the newest 200)

function readKey(pubkey) {
  return `datt-inbox-read:${pubkey}`;
}

/** The ids this browser has shown as read for `pubkey`. */
export function readIds(pubkey) {
  try {
    const list = JSON.parse(localStorage.getItem(readKey(pubkey)) ?? '[]');
    return new Set(Array.isArray(list) ? list.filter((id) => typeof id === 'string') : []);
  } catch {
    return new Set();
  }
}

function markRead(pubkey, ids) {
  const all = [...new Set([...ids, ...readIds(pubkey)])].slice(0, KEPT_READ);
  localStorage.setItem(readKey(pubkey), JSON.stringify(all));
  dispatchEvent(new Event('datt-inbox-read'));
}

/** Re-renders when the read state changes here or in another tab. */
function useReadVersion() {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const bump = () => setVersion((v) => v + 1);
    addEventListener('datt-inbox-read', bump);
    addEventListener('storage', bump);
    return () => {
      removeEventListener('datt-inbox-read', bump);
      removeEventListener('storage', bump);
    };
  }, []);
  return version;
}

async function inboxItems(client, pubkey) {
  const rows = (await mentionsOf(client.db, pubkey, SHOWN)).filter((r) => r.pubkey !== pubkey && !r.deleted);
  return Promise.all(rows.map(async (r) => {
    const parent = r.parent ? await getEvent(client.db, r.parent) : undefined;
    return { record: r, reply: parent?.pubkey === pubkey, parent, root: await rootPostOf(client.db, r) };
  }));
}

/** "Inbox (2)" in the header for a signed-in account. */
export function InboxLink() {
  const client = useClient();
  const me = client.publicKey;
  const version = useReadVersion();
  const { data: count } = useQuery(async (c) => {
    if (!me) return 0;
    const read = readIds(me);
    return (await mentionsOf(c.db, me, SHOWN)).filter((r) => r.pubkey !== me && !r.deleted && !read.has(r.id)).length;
  }, [me, version]);
  if (!me) return null;
  return html`<a href="#/inbox" data-testid="inbox-link">Inbox${count > 0 && html` <span class="badge" data-testid="inbox-count"
    title=${`${plural(count, 'new reply', 'new replies')} or mentions`}>${count}</span>`}</a>`;
}

export function InboxPage() {
  const client = useClient();
  const me = client.publicKey;
  // What was unread when the page opened (and what arrives while open) stays marked "new".
  const [openedWith] = useState(() => (me ? readIds(me) : new Set()));
  const { data } = useQuery((c) => (me ? inboxItems(c, me) : []), [me]);
  useEffect(() => {
    if (!me || !data) return;
    const fresh = data.map((i) => i.record.id).filter((id) => !openedWith.has(id));
    if (fresh.length) markRead(me, fresh);
  }, [data]);
  if (!me) return html`<div class="card"><p><a href="#/account">Create or import an account</a> to get replies.</p></div>`;
  if (!data) return html`<${Loading} what="Loading the inbox" />`;
  return html`<div class="inbox" data-testid="inbox-page">
    <h1 class="page-title">Inbox</h1>
    ${!data.length && html`<p class="empty">No replies or mentions yet.</p>`}
    ${data.map(({ record, reply, parent, root }) => {
      const isNew = !openedWith.has(record.id);
      const where = root ? `#/post/${root.id}/${record.id}` : `#/post/${record.parent ?? record.id}`;
      return html`<div class=${`card inbox-item ${isNew ? 'new' : ''}`} key=${record.id} data-testid="inbox-item"
        data-new=${isNew ? 'true' : 'false'}>
        <p class="muted small">${isNew && html`<strong class="new-mark">new</strong> · `}
          <${Author} pubkey=${record.pubkey} /> ${reply ? (parent?.post ? 'replied to your post' : 'replied to your comment') : 'mentioned you'}
          ${root && html` on <a href=${where} data-testid="inbox-context">${root.deleted ? '[deleted]' : readPost(root).title}</a>`} · ${ago(record.created_at)}</p>
        <${Markdown} text=${record.content} />
        <p class="small"><a href=${where}>context</a></p>
      </div>`;
    })}
  </div>`;
}
