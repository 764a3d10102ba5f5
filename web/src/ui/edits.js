// Edits and saved items. An edit is a kind 1010 event by the author naming the original
// (lib/events.js buildEdit); the newest one is shown with an "edited" mark, and the original,
// which never changes, stays one click away. Saved posts and comments are the account's
// NIP-51 bookmarks list (kind 10003), so they follow the account to every browser.
import { useState } from 'preact/hooks';
import { KIND, buildBookmarks, buildEdit, readBookmarks, readPost } from '../lib/events.js';
import { eventsByIds, getByAddress, latestEdit, rootPostOf } from '../store/db.js';
import { Author, ErrorLine, Loading, Markdown, ago, errorText } from './common.js';
import { PostRow } from './feed.js';
import { html, useAction, useClient, useQuery } from './hooks.js';

/** What a post or comment shows: its newest edit's title, link and text, else its own. */
export function useShown(record) {
  const { data: edit } = useQuery((c) => (record.deleted ? null : latestEdit(c.db, record)), [record.id, record.deleted]);
  const own = readPost(record);
  if (!edit) return { edit: null, title: own.title, url: own.url, content: record.content };
  const edited = readPost(edit);
  // A comment's edit has no title: a post keeps its title unless the edit gives one.
  return { edit, title: edited.title || own.title, url: record.post ? edited.url : '', content: edit.content };
}

function exact(at) {
  return new Date(at * 1000).toLocaleString();
}

/** "edited" with the time, and a toggle to the original text. */
export function EditedMark({ edit, original, setOriginal }) {
  if (!edit) return null;
  return html`<span class="edited muted small" data-testid="edited" title=${`edited ${exact(edit.created_at)}`}>${' · '}edited ${ago(edit.created_at)} <button class="link" data-testid="show-original" aria-pressed=${original}
      onClick=${() => setOriginal(!original)}>${original ? 'show edited' : 'show original'}</button></span>`;
}

/** The text of a post or comment (its newest edit unless the original is asked for) with an inline editor for its author. */
export function Body({ record, community, shown, original, editing, setEditing }) {
  const client = useClient();
  const [action, run] = useAction();
  const isPost = Boolean(record.post);
  const [fields, setFields] = useState(null);
  if (record.deleted) return html`<p class="muted">[deleted]</p>`;
  if (editing && record.pubkey === client.publicKey) {
    const current = fields ?? { title: shown.title, url: shown.url, body: shown.content };
    const set = (key) => (e) => setFields({ ...current, [key]: e.target.value });
    return html`<form class="composer" data-testid="edit-form" onSubmit=${(e) => {
      e.preventDefault();
      run(async () => {
        // Strictly after the edit it replaces: on equal times the lowest id would win.
        const at = Math.max(client.now(), (shown.edit?.created_at ?? record.created_at) + 1);
        await client.publish(buildEdit({ target: record, community, body: current.body,
          ...(isPost ? { title: current.title, url: current.url } : {}) }, at));
        setFields(null);
        setEditing(false);
      });
    }}>
      ${isPost && html`<label>Title <input name="title" required value=${current.title} onInput=${set('title')} /></label>
        <label>Link <input name="url" type="url" value=${current.url} onInput=${set('url')} /></label>`}
      <textarea name="body" rows="5" aria-label="Text" value=${current.body} onInput=${set('body')}></textarea>
      <p class="muted small">The original stays readable ("show original"); relays keep both.</p>
      <div class="row"><button class="primary" type="submit" disabled=${action.busy}>${action.busy ? 'Signing…' : 'Save edit'}</button>
        <button type="button" onClick=${() => { setFields(null); setEditing(false); }}>Cancel</button></div>
      <${ErrorLine} error=${action.error} />
    </form>`;
  }
  const text = original ? record.content : shown.content;
  return text ? html`<${Markdown} text=${text} />` : null;
}

export function EditButton({ record, editing, setEditing }) {
  const client = useClient();
  if (record.pubkey !== client.publicKey || record.deleted || !client.unlocked) return null;
  return html`<button class="link" data-testid="edit" aria-pressed=${editing} onClick=${() => setEditing(!editing)}>edit</button>`;
}

// --- saved (NIP-51 bookmarks) --------------------------------------------------------------

function useBookmarks() {
  const client = useClient();
  const me = client.publicKey;
  const { data } = useQuery(async (c) => {
    if (!me) return null;
    const event = await getByAddress(c.db, c.datt.formatAddress({ kind: KIND.bookmarks, pubkey: me }));
    return event ? readBookmarks(event) : [];
  }, [me]);
  return data;
}

export function SaveButton({ record }) {
  const client = useClient();
  const saved = useBookmarks();
  const [action, run] = useAction();
  if (!client.publicKey || !saved) return null;
  const on = saved.includes(record.id);
  return html`<button class="link" data-testid="save" aria-pressed=${on} disabled=${action.busy || !client.unlocked}
    title=${client.unlocked ? '' : 'unlock your key to save'} onClick=${() => run(async () => {
      const list = on ? saved.filter((id) => id !== record.id) : [record.id, ...saved];
      await client.publish(buildBookmarks(list, client.now()));
    })}>${on ? 'unsave' : 'save'}</button>${action.error && html`<span class="error small">${errorText(action.error)}</span>`}`;
}

export function SavedLink() {
  const client = useClient();
  if (!client.publicKey) return null;
  return html`<a href="#/saved" data-testid="saved-link">Saved</a>`;
}

export function SavedPage() {
  const client = useClient();
  const saved = useBookmarks();
  const [asked, setAsked] = useState('');
  const { data } = useQuery(async (c) => {
    if (!saved) return null;
    const rows = await eventsByIds(c.db, saved);
    // Saved elsewhere and not in this browser yet: ask the relays once.
    const missing = saved.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length && asked !== missing.join()) {
      setAsked(missing.join());
      c.query([{ ids: missing.slice(0, 500) }]).catch(() => {});
    }
    const comments = rows.filter((r) => !r.post);
    const roots = await Promise.all(comments.map((r) => rootPostOf(c.db, r)));
    comments.forEach((r, i) => { r.root = roots[i]; });
    return { rows, missing: missing.length };
  }, [saved?.join(), asked]);
  if (!client.publicKey) return html`<div class="card"><p><a href="#/account">Create or import an account</a> to save posts.</p></div>`;
  if (!data) return html`<${Loading} what="Loading saved posts" />`;
  return html`<div class="saved" data-testid="saved-page">
    <h1 class="page-title">Saved</h1>
    ${!data.rows.length && !data.missing && html`<p class="empty">Nothing saved yet: "save" under a post or comment keeps it here, on every browser of your account.</p>`}
    ${data.rows.map((r) => (r.post ? html`<${PostRow} key=${r.id} record=${r} showCommunity=${true} />`
      : html`<div class="card comment-summary" key=${r.id} data-testid="saved-comment">
          <p class="muted small"><${Author} pubkey=${r.pubkey} /> · ${ago(r.created_at)} · ${r.root
            ? html`on <a href=${`#/post/${r.root.id}/${r.id}`}>${r.root.deleted ? '[deleted]' : readPost(r.root).title}</a>`
            : html`<a href=${`#/e/${client.datt.nip19Encode('note', r.id)}`}>context</a>`}</p>
          ${r.deleted ? html`<p class="muted">[deleted]</p>` : html`<${Markdown} text=${r.content} />`}
          <${SaveButton} record=${r} /></div>`))}
    ${data.missing > 0 && html`<p class="muted small" data-testid="saved-missing">${data.missing} saved item(s) not in this browser yet: asking your relays…</p>`}
  </div>`;
}
