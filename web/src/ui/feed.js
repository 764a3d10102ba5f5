// Post lists: a community page, the home feed, and one post row. Ranking is the core's
// (datt.rank over {id, created_at, ups, downs}); this file only picks the window and pages.
import { useEffect, useState } from 'preact/hooks';
import { KIND, LIMITS, buildPost, communityAddress, parseCommunityAddress, readCommunity } from '../lib/events.js';
import { allPostStats, commentCount, eventsByIds, eventsOfKind, getByAddress, postStatsOfCommunity } from '../store/db.js';
import { Author, ErrorLine, LimitNote, Loading, Markdown, SignNotice, Time, Votes, pasteWasCut, plural } from './common.js';
import { NotFound, ShareButton, communityLink, useCommunityFetch } from './share.js';
import { ChainBadge } from '../chain/ui.js';
import { arrangeCommunityPage, arrangeMixedFeed } from './moderation.js';
import { publishInCommunity } from './pow.js';
import { CommunitySearch } from './search.js';
import { useShown } from './edits.js';
import { TipTotal } from './tips.js';
import { fetchReceipts, tipSummaries, tippedTargets } from '../tips/view.js';
import { MemberCount, fingerprint, useMemberCounts } from './people.js';
import { hasDraft, html, navigate, useAction, useClient, useDraft, useFocusOnMount, useQuery, useReceiptInterest } from './hooks.js';

const PAGE = 25;
const HOME_COMMUNITIES = 12;   // the worker follows at most 12 communities per relay
export const TOP_WINDOWS = [['hour', 3600], ['day', 86400], ['week', 604800], ['month', 2592000],
  ['year', 31536000], ['all', 0]];

function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

export function SortBar({ sort, setSort, window, setWindow, sorts = ['hot', 'new', 'top', 'controversial'] }) {
  return html`<div class="sortbar" role="tablist" aria-label="Sort">
    ${sorts.map((s) => html`<button role="tab" aria-selected=${sort === s} class=${sort === s ? 'on' : ''}
      data-testid=${`sort-${s}`} onClick=${() => setSort(s)}>${s}</button>`)}
    ${sort === 'top' && setWindow && html`<select aria-label="Time window" value=${window}
      data-testid="top-window" onChange=${(e) => setWindow(Number(e.target.value))}>
      ${TOP_WINDOWS.map(([name, seconds]) => html`<option value=${seconds}>${name === 'all' ? 'all time' : `past ${name}`}</option>`)}
    </select>`}
  </div>`;
}

const COUNT_MAX = 500;

function CommentsLink({ postId }) {
  const { data: count } = useQuery((c) => commentCount(c.db, postId, COUNT_MAX), [postId]);
  const label = count === undefined ? 'comments' : count >= COUNT_MAX ? `${COUNT_MAX}+ comments` : plural(count, 'comment');
  return html`<a href=${`#/post/${postId}`} data-testid="comments-link">${label}</a>`;
}

export function PostRow({ record, showCommunity = false, tips = null }) {
  const { title, url, edit } = useShown(record);
  const community = parseCommunityAddress(record.community);
  return html`<article class="post-row" data-testid="post-row" data-id=${record.id}>
    <${Votes} record=${record} community=${record.community} />
    <div class="post-main">
      <h2 class="post-title">${record.pinned && html`<span class="pin" data-testid="pinned">pinned</span> `}<a href=${`#/post/${record.id}`}>${record.deleted ? '[deleted]' : title}</a>
        ${url && !record.deleted && html` <a class="domain" href=${url} target="_blank" rel="nofollow noopener noreferrer ugc">(${hostOf(url)})</a>`}</h2>
      <div class="meta">
        ${showCommunity && community && html`<a href=${`#/c/${community.pubkey}/${encodeURIComponent(community.identifier)}`}>c/${community.identifier}</a> · `}
        by <${Author} pubkey=${record.pubkey} /> <${ChainBadge} record=${record} /> · <${Time} at=${record.created_at} />${edit && html` <span class="muted" data-testid="row-edited" title=${`edited ${new Date(edit.created_at * 1000).toLocaleString()}`}>(edited)</span>`} · <${CommentsLink} postId=${record.id} /> <${TipTotal} summary=${tips} />
      </div>
    </div>
  </article>`;
}

/**
 * Ranked posts with paging. `load(client)` returns the candidates' ranking fields
 * ({id, created_at, ups, downs}); only the shown page's full records are read.
 */
export function PostList({ load, deps, showCommunity = false, empty, arrange = null }) {
  const client = useClient();
  const [sort, setSort] = useState('hot');
  const [window, setWindow] = useState(86400);
  const [shown, setShown] = useState(PAGE);
  const { data, error, loading } = useQuery(async (c) => {
    const stats = await load(c);
    // Verified tip sats weigh in hot (core/feed): read for the posts that have any tip.
    const tipped = await eventsByIds(c.db, await tippedTargets(stats.map((s) => s.id)));
    const tips = await tipSummaries(c, tipped, { all: true });
    const ranked = tips.size ? stats.map((s) => ({ ...s, tip_sats: tips.get(s.id)?.sats ?? 0n })) : stats;
    const order = c.datt.rank(ranked, sort, { now: c.now(), topWindowSeconds: sort === 'top' ? window : 0 });
    // `arrange`: the communities' moderation views decide what shows (pinned first on a community page).
    return { order, tips, rows: arrange ? await arrange(c, order, shown) : await eventsByIds(c.db, order.slice(0, shown)) };
  }, [...deps, sort, window, shown]);
  // Receipts of channel tips (kind 4571) of the shown posts, asked of the relays (they weigh in
  // hot), then live while they are shown.
  const shownIds = data ? data.rows.map((p) => p.id) : [];
  useEffect(() => { if (shownIds.length) fetchReceipts(client, shownIds).catch(() => {}); }, [shownIds.join()]);
  useReceiptInterest(client, shownIds);
  return html`<section class="post-list" aria-busy=${loading}>
    <${SortBar} sort=${sort} setSort=${(s) => { setSort(s); setShown(PAGE); }} window=${window} setWindow=${setWindow} />
    <${ErrorLine} error=${error} />
    ${data === undefined && html`<${Loading} what="Loading posts" />`}
    ${data && !data.order.length && (client.syncing ? html`<${Loading} what="Syncing posts" />` : html`<p class="empty">${empty}</p>`)}
    ${data && data.rows.map((p) => html`<${PostRow} key=${p.id} record=${p} showCommunity=${showCommunity} tips=${data.tips.get(p.id)} />`)}
    ${data && data.order.length > shown && html`<button class="more" onClick=${() => setShown(shown + PAGE)}>
      Show more (${data.order.length - shown} left)</button>`}
  </section>`;
}

function SubmitForm({ address, onDone }) {
  const client = useClient();
  const [title, setTitle, clearTitle] = useDraft(`post:${address}:title`);
  const [url, setUrl, clearUrl] = useDraft(`post:${address}:url`);
  const [body, setBody, clearBody] = useDraft(`post:${address}:body`);
  const [action, run, fail] = useAction();
  const [cut, setCut] = useState(false);
  const titleRef = useFocusOnMount();
  const clear = () => { clearTitle(); clearUrl(); clearBody(); };
  const edit = (set) => (e) => { set(e.target.value); if (action.error) fail(''); };
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const event = await publishInCommunity(client, buildPost({ community: address, title, url, body }, client.now()), address);
      clear();
      onDone(event);
    });
  };
  return html`<form class="card submit" onSubmit=${submit} data-testid="submit-form">
    <h2>New post</h2>
    <${SignNotice} what="post" />
    <label>Title <input ref=${titleRef} required maxlength=${LIMITS.title} value=${title} onInput=${edit(setTitle)} name="title" /></label>
    <label>Link <input type="url" value=${url} placeholder="https://" onInput=${edit(setUrl)} name="url" /></label>
    <label>Text (Markdown) <textarea rows="6" maxlength=${LIMITS.body} value=${body} name="body"
      onPaste=${(e) => setCut(pasteWasCut(e, LIMITS.body))}
      onInput=${(e) => { edit(setBody)(e); if (e.inputType !== 'insertFromPaste') setCut(false); }}></textarea></label>
    <${LimitNote} length=${body.length} max=${LIMITS.body} cut=${cut} />
    <p class="muted small">A post has a link, a text, or both.${body.length > LIMITS.body * 0.9 ? ` ${body.length} of ${LIMITS.body} characters.` : ''}</p>
    <div class="row"><button class="primary" type="submit" disabled=${action.busy}>${action.busy ? 'Signing…' : 'Post'}</button>
      <button type="button" onClick=${() => { clear(); onDone(null); }}>Cancel</button></div>
    <${ErrorLine} error=${action.error} />
  </form>`;
}

export function CommunityPage({ pubkey, identifier, hints }) {
  const client = useClient();
  const lookup = useCommunityFetch(pubkey, identifier, hints);
  const address = communityAddress(pubkey, identifier);
  // A draft kept while the key was being unlocked reopens the form.
  const [submitting, setSubmitting] = useState(() => hasDraft(`post:${address}:`));
  const [action, run] = useAction();
  client.setInterest([address]);
  const { data: definition, loading } = useQuery((c) => getByAddress(c.db, address), [address]);
  const community = definition ? readCommunity(definition) : null;
  const subscribed = client.state.subscriptions.includes(address);
  const members = useMemberCounts([address]);
  const newPost = () => setSubmitting(true);
  return html`<div class="community" data-testid="community-page">
    <header class="card community-head">
      <h1>${community ? community.name : `c/${identifier}`}</h1>
      ${!community && (loading || lookup.status === 'looking' || lookup.status === 'found'
        ? html`<${Loading} what="Looking for this community on your relays" />`
        : html`<${NotFound} what="This community" lookup=${lookup} />`)}
      ${community && html`<p class="muted small owner-line" data-testid="community-owner">c/${identifier} · by <${Author} pubkey=${community.pubkey} />
        <code class="fingerprint" title=${community.pubkey}>${fingerprint(client.datt, community.pubkey)}</code> · <${MemberCount} counts=${members} address=${address} /></p>`}
      <div class="row">
        <button class=${subscribed ? '' : 'primary'} data-testid="subscribe" disabled=${action.busy}
          onClick=${() => run(() => client.setSubscribed(address, !subscribed))}>${subscribed ? 'Leave' : 'Join'}</button>
        <button class="primary" data-testid="new-post" onClick=${newPost}>New post</button>
        ${community?.pubkey === client.publicKey && html`<a class="button" href=${`#/communities/edit/${encodeURIComponent(identifier)}`}>Edit</a>`}
        <${ShareButton} link=${(c) => communityLink(c, { pubkey, identifier })} />
        <${CommunitySearch} address=${address} name=${`c/${identifier}`} />
      </div>
      <${ErrorLine} error=${action.error} />
    </header>
    <div class="community-body">
      <div class="community-main">
        ${submitting && html`<${SubmitForm} address=${address} onDone=${(event) => {
          setSubmitting(false);
          if (event) navigate(`/post/${event.id}`);
        }} />`}
        <${PostList} load=${(c) => postStatsOfCommunity(c.db, address)} deps=${[address]}
          arrange=${(c, order, shown) => arrangeCommunityPage(c, address, order, shown)}
          empty="No posts yet. Be the first to post." />
      </div>
      ${community && html`<aside class="card sidebar" data-testid="community-sidebar" aria-label="About this community">
        <h2>About</h2>
        ${community.description ? html`<${Markdown} text=${community.description} />` : html`<p class="muted">No description.</p>`}
        <p><${MemberCount} counts=${members} address=${address} /></p>
        <button class="primary" data-testid="sidebar-new-post" onClick=${newPost}>Create post</button>
        ${community.rules && html`<h3>Rules</h3><div data-testid="community-rules"><${Markdown} text=${community.rules} /></div>`}
        <h3>Moderators</h3>
        <ul class="moderators" data-testid="community-moderators">
          <li><${Author} pubkey=${community.pubkey} /> <span class="muted small">owner</span></li>
          ${community.moderators.filter((m) => m !== community.pubkey).map((m) => html`<li key=${m}><${Author} pubkey=${m} /></li>`)}
        </ul>
        <p><a href=${`#/modlog/${pubkey}/${encodeURIComponent(identifier)}`} data-testid="modlog-link">Moderation log</a></p>
      </aside>`}
    </div>
  </div>`;
}

export function HomePage() {
  const client = useClient();
  const subs = client.state.subscriptions;
  // Without joined communities the home page shows the newest known ones (their
  // definitions always sync), so a new visitor sees posts, not an empty page.
  const { data: known } = useQuery(async (c) => (subs.length ? []
    : (await eventsOfKind(c.db, KIND.community, HOME_COMMUNITIES)).map((e) => readCommunity(e).address)), [subs.length > 0]);
  client.setInterest(known ?? []);
  return html`<div class="home">
    <h1 class="page-title">${subs.length ? 'Your communities' : 'All communities'}</h1>
    <${PostList} showCommunity=${true} deps=${[subs.join(',')]} arrange=${arrangeMixedFeed}
      load=${async (c) => (subs.length
        ? (await Promise.all(subs.map((a) => postStatsOfCommunity(c.db, a)))).flat()
        : allPostStats(c.db))}
      empty=${subs.length ? 'No posts in your communities yet.' : html`No posts yet. <a href="#/communities">Find or create a community</a>.`} />
  </div>`;
}

