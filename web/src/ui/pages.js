// Communities (browse, search, create/edit), profiles (posts, comments, karma) and settings
// (profile, relays, theme, key).
import { useState } from 'preact/hooks';
import { AuthorChainNote, chainOrder } from '../chain/ui.js';
import { KIND, buildCommunity, buildProfile, communityAddress, readCommunity, readPost, readProfile,
  slugify } from '../lib/events.js';
import { eventsByAuthor, eventsOfKind, getByAddress, rootPostOf } from '../store/db.js';
import { ExportKey, UnlockForm } from './account.js';
import { Author, ErrorLine, Loading, Markdown, ago, plural, shortKey } from './common.js';
import { PostRow } from './feed.js';
import { Avatar, MemberCount, fingerprint, useMemberCounts } from './people.js';
import { accountHref, html, navigate, useAction, useClient, useFocusOnMount, useQuery } from './hooks.js';

function communityHref(c) {
  return `#/c/${c.pubkey}/${encodeURIComponent(c.identifier)}`;
}

/** A moderator's public key from an npub or 64 hex characters, or a readable error. */
function moderatorKey(datt, text) {
  const lower = text.toLowerCase();
  if (/^[0-9a-f]{64}$/.test(lower)) return lower;
  if (lower.startsWith('npub1')) {
    try {
      const decoded = datt.nip19Decode(lower);
      if (decoded.type === 'npub') return decoded.data;
    } catch {
      // reported below
    }
  }
  throw new Error(`Moderator "${text.length > 24 ? `${text.slice(0, 24)}…` : text}" is not an npub or a 64-character hex public key.`);
}

function CommunityForm({ existing, onDone }) {
  const client = useClient();
  const [fields, setFields] = useState({
    name: existing?.name ?? '', identifier: existing?.identifier ?? '', description: existing?.description ?? '',
    rules: existing?.rules ?? '', moderators: (existing?.moderators ?? []).join('\n'),
  });
  const [action, run] = useAction();
  const nameRef = useFocusOnMount();
  const set = (key) => (e) => setFields({ ...fields, [key]: e.target.value });
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const identifier = existing ? existing.identifier : (fields.identifier.trim() || slugify(fields.name));
      if (!identifier) throw new Error('Give the community a name with letters or digits.');
      const moderators = fields.moderators.split(/[\s,]+/).filter(Boolean).map((m) => moderatorKey(client.datt, m));
      await client.publish(buildCommunity({ identifier, name: fields.name, description: fields.description,
        rules: fields.rules, moderators }, client.now()));
      const address = communityAddress(client.publicKey, identifier);
      if (!existing) await client.setSubscribed(address, true);
      onDone({ pubkey: client.publicKey, identifier });
    });
  };
  return html`<form class="card" onSubmit=${submit} data-testid="community-form">
    <h2>${existing ? 'Edit community' : 'Create a community'}</h2>
    <label>Name <input ref=${nameRef} name="name" required maxlength="64" value=${fields.name} onInput=${set('name')} /></label>
    ${!existing && html`<label>Identifier (in its address; default from the name)
      <input name="identifier" maxlength="64" placeholder=${slugify(fields.name)} value=${fields.identifier} onInput=${set('identifier')} /></label>`}
    <label>Description (Markdown) <textarea name="description" rows="3" value=${fields.description} onInput=${set('description')}></textarea></label>
    <label>Rules (Markdown) <textarea name="rules" rows="4" value=${fields.rules} onInput=${set('rules')}></textarea></label>
    <label>Moderators (npub or hex, one per line) <textarea name="moderators" rows="2" value=${fields.moderators} onInput=${set('moderators')}></textarea></label>
    <div class="row"><button class="primary" type="submit" disabled=${action.busy}>${action.busy ? 'Signing…' : existing ? 'Save' : 'Create'}</button>
      <button type="button" onClick=${() => onDone(null)}>Cancel</button></div>
    <${ErrorLine} error=${action.error} />
  </form>`;
}

export function CommunitiesPage({ edit }) {
  const client = useClient();
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const [action, run] = useAction();
  const { data, error } = useQuery(async (c) => (await eventsOfKind(c.db, KIND.community)).map(readCommunity), []);
  const done = (c) => {
    setCreating(false);
    if (c) navigate(communityHref(c).slice(1));
    else if (edit) navigate(communityHref({ pubkey: client.publicKey, identifier: edit }).slice(1));
  };
  const members = useMemberCounts(edit ? [] : (data ?? []).map((c) => c.address));
  if (edit) {
    const existing = data?.find((c) => c.pubkey === client.publicKey && c.identifier === edit);
    if (!data) return html`<${Loading} />`;
    return html`<${CommunityForm} existing=${existing} onDone=${done} />`;
  }
  const q = query.trim().toLowerCase();
  const list = (data ?? []).filter((c) => !q || c.name.toLowerCase().includes(q) || c.identifier.includes(q) ||
    c.description.toLowerCase().includes(q));
  return html`<div class="communities" data-testid="communities-page">
    <div class="row space">
      <h1 class="page-title">Communities</h1>
      <button class="primary" data-testid="create-community" disabled=${creating} onClick=${() => setCreating(true)}>Create community</button>
    </div>
    ${creating && html`<${CommunityForm} onDone=${done} />`}
    <input type="search" class="search" placeholder="Search communities" aria-label="Search communities"
      value=${query} onInput=${(e) => setQuery(e.target.value)} data-testid="community-search" />
    <${ErrorLine} error=${error || action.error} />
    ${!data && html`<${Loading} what="Loading communities" />`}
    ${data && !list.length && html`<p class="empty">${q ? 'No community matches.' : 'No communities yet: create the first.'}</p>`}
    <ul class="community-list">
      ${list.map((c) => {
        const joined = client.state.subscriptions.includes(c.address);
        return html`<li class="card" key=${c.address} data-testid="community-row">
          <div><a class="community-name" href=${communityHref(c)}>${c.name}</a> <span class="muted">c/${c.identifier}</span>
            <div class="muted small owner-line" data-testid="community-owner">by <${Author} pubkey=${c.pubkey} />
              <code class="fingerprint" title=${c.pubkey}>${fingerprint(client.datt, c.pubkey)}</code> · <${MemberCount} counts=${members} address=${c.address} /></div>
            ${c.description && html`<div class="muted clamp"><${Markdown} text=${c.description} /></div>`}</div>
          <button onClick=${() => run(() => client.setSubscribed(c.address, !joined))}>${joined ? 'Leave' : 'Join'}</button>
        </li>`;
      })}
    </ul>
  </div>`;
}

export function ProfilePage({ pubkey }) {
  const client = useClient();
  client.setInterest([], [pubkey]);
  const [tab, setTab] = useState('posts');
  const { data } = useQuery(async (c) => {
    const [profile, writings] = await Promise.all([getByAddress(c.db, c.datt.formatAddress({ kind: KIND.profile, pubkey })),
      eventsByAuthor(c.db, pubkey, KIND.comment)]);
    // Newest first, but never against the order of the author's chains.
    const ordered = chainOrder(c.datt, writings);
    writings.splice(0, writings.length, ...ordered);
    let karma = 0;
    for (const w of writings) if (!w.deleted) karma += (w.ups ?? 0) - (w.downs ?? 0);
    const comments = writings.filter((w) => !w.post);
    // Each comment links to its place in its post's thread (the post found via parent links).
    const roots = await Promise.all(comments.map((w) => rootPostOf(c.db, w)));
    comments.forEach((w, i) => { w.root = roots[i]; });
    return { profile: profile ? readProfile(profile) : {}, posts: writings.filter((w) => w.post), comments, karma };
  }, [pubkey]);
  if (!data) return html`<${Loading} what="Loading the profile" />`;
  const npub = client.datt.nip19Encode('npub', pubkey);
  const picture = data.profile.picture && /^https?:\/\//.test(data.profile.picture) ? data.profile.picture : '';
  return html`<div class="profile" data-testid="profile-page">
    <header class="card profile-head">
      <${Avatar} pubkey=${pubkey} name=${data.profile.name ?? ''} picture=${picture} size="large" />
      <div><h1>${data.profile.name || shortKey(pubkey)}</h1>
        <p class="muted small"><code>${npub}</code></p>
        <p><strong data-testid="karma">${data.karma}</strong> karma · ${plural(data.posts.length, 'post')} · ${plural(data.comments.length, 'comment')}</p>
        ${data.profile.about && html`<${Markdown} text=${data.profile.about} />`}
        <${AuthorChainNote} pubkey=${pubkey} /></div>
    </header>
    <div class="tabs" role="tablist">
      <button role="tab" aria-selected=${tab === 'posts'} class=${tab === 'posts' ? 'on' : ''} onClick=${() => setTab('posts')}>Posts</button>
      <button role="tab" aria-selected=${tab === 'comments'} class=${tab === 'comments' ? 'on' : ''} onClick=${() => setTab('comments')}>Comments</button>
    </div>
    ${tab === 'posts' && (data.posts.length ? data.posts.map((p) => html`<${PostRow} key=${p.id} record=${p} showCommunity=${true} />`)
      : html`<p class="empty">No posts.</p>`)}
    ${tab === 'comments' && (data.comments.length ? data.comments.map((c) => html`<div class="card comment-summary" key=${c.id}>
        <p class="muted small">${plural((c.ups ?? 0) - (c.downs ?? 0), 'point')} · ${ago(c.created_at)}
          ${c.root && html` · on <a data-testid="comment-context" href=${`#/post/${c.root.id}/${c.id}`}>${c.root.deleted ? '[deleted]' : readPost(c.root).title}</a>`}</p>
        ${c.deleted ? html`<p class="muted">[deleted]</p>` : html`<${Markdown} text=${c.content} />`}</div>`)
      : html`<p class="empty">No comments.</p>`)}
  </div>`;
}

function ProfileForm({ welcome = false }) {
  const client = useClient();
  const { data } = useQuery((c) => getByAddress(c.db, c.datt.formatAddress({ kind: KIND.profile, pubkey: client.publicKey })),
    [client.publicKey]);
  const profile = data ? readProfile(data) : null;
  const [fields, setFields] = useState(null);
  const [action, run] = useAction();
  const [saved, setSaved] = useState(false);
  const current = fields ?? { name: profile?.name ?? '', about: profile?.about ?? '', picture: profile?.picture ?? '' };
  const set = (key) => (e) => {
    setFields({ ...current, [key]: e.target.value });
    setSaved(false);
  };
  return html`<form class="card" data-testid="profile-form" onSubmit=${(e) => {
    e.preventDefault();
    run(async () => {
      await client.publish(buildProfile(current, client.now()));
      setSaved(true);
    });
  }}>
    <h2>Profile</h2>
    ${welcome && !profile && html`<p class="notice" data-testid="welcome">Your account is ready. Choose the name
      others see next to your posts (you can change it any time).</p>`}
    <label>Name <input name="name" maxlength="64" value=${current.name} onInput=${set('name')} /></label>
    <label>About <textarea name="about" rows="3" value=${current.about} onInput=${set('about')}></textarea></label>
    <label>Picture URL <input name="picture" type="url" value=${current.picture} onInput=${set('picture')} /></label>
    <button class="primary" type="submit" disabled=${action.busy}>${action.busy ? 'Signing…' : 'Save profile'}</button>
    ${saved && !action.error && html`<span class="ok"> Saved.</span>`}
    <${ErrorLine} error=${action.error} />
  </form>`;
}

function RelaySettings() {
  const client = useClient();
  const [url, setUrl] = useState('');
  const [action, run] = useAction();
  const relays = client.state.relays;
  const save = (list) => run(() => client.setRelays(list.map(({ url: u, read, write }) => ({ url: u, read, write }))));
  return html`<section class="card" data-testid="relay-settings">
    <h2>Relays</h2>
    <p class="muted small">Datt reads from and writes to every relay here (NIP-65 list, published when unlocked).</p>
    <div class="table-scroll"><table class="relays"><thead><tr><th>Relay</th><th>State</th><th>Read</th><th>Write</th><th>Synced</th><th></th></tr></thead>
      <tbody>${relays.map((r) => html`<tr data-testid="relay-row" data-state=${r.state}>
        <td><code>${r.url}</code></td>
        <td><span class=${`dot ${r.state}`}></span> ${r.state}${r.error ? html` <span class="muted small">${r.error}</span>` : ''}</td>
        <td><input type="checkbox" aria-label="read" checked=${r.read} onChange=${() => save(relays.map((x) => (x.url === r.url ? { ...x, read: !x.read } : x)))} /></td>
        <td><input type="checkbox" aria-label="write" checked=${r.write} onChange=${() => save(relays.map((x) => (x.url === r.url ? { ...x, write: !x.write } : x)))} /></td>
        <td>${r.synced}/${r.scopes} · ${r.received} events${r.nip77 ? html` · <span class="muted small" title="catches up by set reconciliation">NIP-77</span>` : ''}${r.write && client.state.outbox.perRelay?.[r.url] > 0 &&
          html` · <span class="badge" data-testid="relay-to-send">${client.state.outbox.perRelay[r.url]} to send</span>`}</td>
        <td><button class="link" onClick=${() => save(relays.filter((x) => x.url !== r.url))}>remove</button></td>
      </tr>`)}</tbody></table></div>
    <form class="row" onSubmit=${(e) => {
      e.preventDefault();
      run(async () => {
        let parsed;
        try {
          parsed = new URL(url.trim());
        } catch {
          throw new Error('Enter a relay address like wss://relay.example.com');
        }
        if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new Error('A relay address starts with wss:// (or ws://)');
        // Starts with a word: errorText() capitalizes the first letter ("Ws://" otherwise).
        if (relays.some((r) => r.url === parsed.href)) throw new Error(`That relay is already in your list: ${parsed.href}`);
        await client.setRelays([...relays, { url: parsed.href, read: true, write: true }]);
        setUrl('');
      });
    }}>
      <input aria-label="Relay address" placeholder="wss://relay.example.com" value=${url} onInput=${(e) => setUrl(e.target.value)} />
      <button type="submit" disabled=${action.busy || !url.trim()}>Add relay</button>
    </form>
    <${ErrorLine} error=${action.error} />
  </section>`;
}

function ThemeSettings() {
  const [theme, setTheme] = useState(localStorage.getItem('datt-theme') ?? 'system');
  const choose = (value) => {
    setTheme(value);
    localStorage.setItem('datt-theme', value);
    applyTheme();
  };
  return html`<section class="card"><h2>Theme</h2>
    ${['system', 'light', 'dark'].map((t) => html`<label class="inline"><input type="radio" name="theme" value=${t}
      checked=${theme === t} onChange=${() => choose(t)} /> ${t}</label>`)}
  </section>`;
}

export function applyTheme() {
  const theme = localStorage.getItem('datt-theme') ?? 'system';
  const dark = theme === 'dark' || (theme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function SettingsPage({ section }) {
  const client = useClient();
  const account = client.state.account;
  const [action, run] = useAction();
  return html`<div class="settings" data-testid="settings-page">
    <h1 class="page-title">Settings</h1>
    ${account && !client.unlocked && html`<${UnlockForm} />`}
    ${account && client.unlocked && html`<${ProfileForm} key=${section} welcome=${section === 'profile'} />`}
    <${RelaySettings} />
    <${ThemeSettings} />
    ${account && html`<section class="card"><h2>Key</h2>
      <p>Public key: <code data-testid="npub">${client.datt.nip19Encode('npub', account.publicKey)}</code></p>
      <div class="row">
        ${client.unlocked && html`<button data-testid="lock" onClick=${() => client.lock()}>Lock</button>`}
        <button data-testid="lock-everywhere" title="Locks every tab and forgets 'stay unlocked'; the key stays in this browser"
          onClick=${() => run(() => client.lockEverywhere())}>Sign out everywhere on this device</button>
        <button class="danger" onClick=${() => {
          if (confirm('Remove the key from this browser? Without your recovery phrase or nsec the account is lost.')) run(() => client.signOut());
        }}>Remove key from this browser</button>
      </div><${ErrorLine} error=${action.error} /></section>`}
    ${account && html`<${ExportKey} />`}
    ${!account && html`<p><a href=${accountHref()}>Create or import an account</a> to post.</p>`}
  </div>`;
}
