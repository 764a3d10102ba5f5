// A post with its comment tree (NIP-22 parent links), sorted per level by the core's rank
// (best by default). Deep threads stop at MAX_DEPTH with a "continue this thread" link.
import { useEffect, useState } from 'preact/hooks';
import { buildComment, buildDeletion, parseCommunityAddress, readPost } from '../lib/events.js';
import { threadOf } from '../store/db.js';
import { Author, Composer, ErrorLine, Loading, Time, Votes, errorText, plural } from './common.js';
import { ChainBadge } from '../chain/ui.js';
import { SortBar } from './feed.js';
import { ModTools, canModerate, threadModeration } from './moderation.js';
import { publishInCommunity } from './pow.js';
import { html, navigate, useAction, useClient, useQuery, useReceiptInterest } from './hooks.js';
import { NotFound, ShareButton, eventLink, useThreadFetch } from './share.js';
import { Body, EditButton, EditedMark, SaveButton, useShown } from './edits.js';
import { TipButton, TipTotal } from './tips.js';
import { fetchReceipts, tipSummaries } from '../tips/view.js';

const MAX_DEPTH = 6;

/** "delete", then an inline "delete this? yes / no" (relays are asked to drop it). */
function DeleteButton({ record, community }) {
  const client = useClient();
  const [asking, setAsking] = useState(false);
  const [action, run] = useAction();
  if (record.pubkey !== client.publicKey || record.deleted) return null;
  if (!asking) return html`<button class="link" data-testid="delete" onClick=${() => setAsking(true)}>delete</button>`;
  return html`<span class="confirm" role="group" aria-label="Confirm deletion">
    <span class="small" title="Relays are asked to drop it; copies kept elsewhere may remain.">delete this?</span>
    <button class="link danger" data-testid="confirm-delete" disabled=${action.busy} onClick=${() =>
      run(() => client.publish(buildDeletion({ targets: [record], community }, client.now())))}>yes</button>
    <button class="link" disabled=${action.busy} onClick=${() => setAsking(false)}>no</button>
    ${action.error && html`<span class="error small">${errorText(action.error)}</span>`}</span>`;
}

function Comment({ record, tree, order, depth, postId, community, moderation, tips }) {
  const client = useClient();
  const canReply = !moderation?.locked || canModerate(moderation.inputs, moderation.view, client.publicKey);
  const [collapsed, setCollapsed] = useState(false);
  const [replying, setReplying] = useState(false);
  const [editing, setEditing] = useState(false);
  const [original, setOriginal] = useState(false);
  const shown = useShown(record);
  const replies = order(tree.get(record.id) ?? []);
  return html`<div class=${`comment ${collapsed ? 'collapsed' : ''}`} data-testid="comment" data-id=${record.id}>
    <div class="comment-head">
      <button class="collapse" aria-expanded=${!collapsed} aria-label=${collapsed ? 'expand' : 'collapse'}
        onClick=${() => setCollapsed(!collapsed)}>${collapsed ? '[+]' : '[–]'}</button>
      <${Author} pubkey=${record.pubkey} /> <${ChainBadge} record=${record} /> <span class="muted">· ${plural((record.ups ?? 0) - (record.downs ?? 0), 'point')} · <${Time} at=${record.created_at} /></span>
      <${EditedMark} edit=${shown.edit} original=${original} setOriginal=${setOriginal} />
      <${TipTotal} summary=${tips?.get(record.id)} />
      ${collapsed && replies.length > 0 && html`<span class="muted"> (${plural(replies.length, 'reply', 'replies')})</span>`}
    </div>
    ${!collapsed && html`<div class="comment-body">
      <${Body} record=${record} community=${community} shown=${shown} original=${original} editing=${editing} setEditing=${setEditing} />
      <div class="actions">
        <${Votes} record=${record} community=${community} />
        ${canReply && html`<button class="link" data-testid="reply" onClick=${() => setReplying(!replying)}>reply</button>`}
        <${ShareButton} link=${(c) => eventLink(c, record)} />
        <${SaveButton} record=${record} />
        <${TipButton} record=${record} />
        <${EditButton} record=${record} editing=${editing} setEditing=${setEditing} />
        <${DeleteButton} record=${record} community=${community} />
        <${ModTools} record=${record} moderation=${moderation} isPost=${false} />
      </div>
      ${replying && html`<${Composer} placeholder="Your reply" submitLabel="Reply" testid="reply-form" focus=${true}
        draftKey=${`reply:${record.id}`} what="reply" onCancel=${() => setReplying(false)}
        onSubmit=${async (text) => {
          await publishInCommunity(client, buildComment({ community, parent: record, body: text }, client.now()), community);
          setReplying(false);
          // A reply below the last shown level would vanish behind "continue this thread".
          if (depth >= MAX_DEPTH) navigate(`/post/${postId}/${record.id}`);
        }} />`}
      ${replies.length > 0 && (depth >= MAX_DEPTH
        ? html`<a class="continue" data-testid="continue-thread" href=${`#/post/${postId}/${record.id}`}>continue this thread →</a>`
        : html`<div class="replies">${replies.map((r) => html`<${Comment} key=${r.id} record=${r} tree=${tree}
            order=${order} depth=${depth + 1} postId=${postId} community=${community} moderation=${moderation} tips=${tips} />`)}</div>`)}
    </div>`}
  </div>`;
}

/** The post itself: title, link and text (its newest edit, or the original on request). */
function PostArticle({ post, community, moderation, tips }) {
  const client = useClient();
  const moderator = canModerate(moderation?.inputs, moderation?.view, client.publicKey);
  const hidden = moderation && !moderation.visible.has(post.id) && !moderator;
  const [editing, setEditing] = useState(false);
  const [original, setOriginal] = useState(false);
  const shown = useShown(post);
  const { title, url } = original ? readPost(post) : shown;
  const c = parseCommunityAddress(community);
  return html`<article class="card post-full">
      <div class="post-head">
        <${Votes} record=${post} community=${community} />
        <div>
          ${c && html`<a class="muted" href=${`#/c/${c.pubkey}/${encodeURIComponent(c.identifier)}`}>c/${c.identifier}</a>`}
          <h1 data-testid="post-title">${post.deleted ? '[deleted]' : hidden ? '[removed by the moderators]' : title}</h1>
          <div class="meta">by <${Author} pubkey=${post.pubkey} /> <${ChainBadge} record=${post} /> · <${Time} at=${post.created_at} />
            <${EditedMark} edit=${shown.edit} original=${original} setOriginal=${setOriginal} />
            <${TipTotal} summary=${tips?.get(post.id)} />
            <${ShareButton} link=${(cl) => eventLink(cl, post)} /> <${SaveButton} record=${post} /> <${TipButton} record=${post} />
            <${EditButton} record=${post} editing=${editing} setEditing=${setEditing} />
            <${DeleteButton} record=${post} community=${community} />
            ${moderation?.removed && html` <span class="chain-mark forked" data-testid="removed-mark">removed</span>`}
            ${moderation?.locked && html` <span class="chain-mark" data-testid="locked-mark">locked</span>`}
            <${ModTools} record=${post} moderation=${moderation} isPost=${true} /></div>
        </div>
      </div>
      ${url && !post.deleted && !editing && !hidden && html`<p><a href=${url} target="_blank" rel="nofollow noopener noreferrer ugc">${url}</a></p>`}
      ${!hidden && html`<${Body} record=${post} community=${community} shown=${shown} original=${original} editing=${editing} setEditing=${setEditing} />`}
    </article>`;
}

export function PostPage({ postId, focusId, hints }) {
  const client = useClient();
  const lookup = useThreadFetch(postId, focusId, hints);
  const [sort, setSort] = useState('best');
  const { data, error } = useQuery(async (c) => {
    const thread = await threadOf(c.db, postId);
    if (!thread.root) return thread;
    // Verified tip totals (and pending counts) of the post and every comment: shown, and weighed by rank.
    const tips = await tipSummaries(c, [thread.root, ...[...thread.children.values()].flat()]);
    // The community's view decides which comments show (removed, banned authors, a locked
    // thread's late comments): hidden ones are left out of the tree with their replies.
    const moderation = await threadModeration(c, thread.root, [...thread.children.values()].flat());
    if (!moderation) return { ...thread, tips };
    const children = new Map();
    for (const [parent, list] of thread.children) children.set(parent, list.filter((r) => moderation.visible.has(r.id)));
    return { ...thread, children, moderation, tips };
  }, [postId]);
  // Stored tips are checked again (new blocks, pending payments) when a thread opens.
  useEffect(() => { client.tipsCheck().catch(() => {}); }, [postId]);
  // Receipts of channel tips (kind 4571) for the post and its comments, asked of the relays
  // each time the thread opens (a feed's recent ask of the same ids does not count).
  const threadIds = data?.root ? [data.root.id, ...[...data.children.values()].flat().map((r) => r.id)] : [];
  useEffect(() => { if (threadIds.length) fetchReceipts(client, threadIds, { force: true }).catch(() => {}); }, [postId, threadIds.join()]);
  useReceiptInterest(client, threadIds);   // and live while the thread is open
  const post = data?.root;
  const community = post?.community;
  if (community) client.setInterest([community]);
  const order = (list) => {
    const byId = new Map(list.map((r) => [r.id, r]));
    return client.datt.rank(list.map((r) => ({ id: r.id, created_at: r.created_at, ups: r.ups ?? 0, downs: r.downs ?? 0,
      tip_sats: data?.tips?.get(r.id)?.sats ?? 0n })),
      sort, { now: client.now() }).map((id) => byId.get(id));
  };
  if (error) return html`<${ErrorLine} error=${error} />`;
  if (!data) return html`<${Loading} what="Loading the post" />`;
  if (!post) {
    return lookup.status === 'looking' || lookup.status === 'found'
      ? html`<p class="loading" aria-busy="true" data-testid="looking">Looking for this post on your relays…</p>`
      : html`<${NotFound} what="This post" lookup=${lookup} />`;
  }
  const moderation = data.moderation ?? null;
  const moderator = canModerate(moderation?.inputs, moderation?.view, client.publicKey);
  const focus = focusId ? [...data.children.values()].flat().find((r) => r.id === focusId) : null;
  const top = focus ? [focus] : order(data.children.get(post.id) ?? []);
  let count = 0;
  for (const list of data.children.values()) count += list.length;
  return html`<div class="post-page" data-testid="post-page">
    <${PostArticle} post=${post} community=${community} moderation=${moderation} tips=${data.tips} />
    <section class="comments" aria-label="Comments">
      <h2 class="comments-title" data-testid="comment-count">${plural(count, 'comment')}</h2>
      ${lookup.status === 'looking' && html`<p class="loading muted small" aria-busy="true">Looking for more replies on your relays…</p>`}
      ${moderation?.locked && !moderator && html`<p class="notice" data-testid="thread-locked">This thread is locked by the moderators: no new comments.</p>`}
      ${!focus && (!moderation?.locked || moderator) && html`<${Composer} placeholder="Add a comment" submitLabel="Comment" testid="comment-form"
        draftKey=${`comment:${post.id}`} onSubmit=${(text) => publishInCommunity(client, buildComment({ community, parent: post, body: text }, client.now()), community)} />`}
      ${focus && html`<p><a href=${`#/post/${post.id}`}>← back to all comments</a></p>`}
      <${SortBar} sort=${sort} setSort=${setSort} sorts=${['best', 'top', 'new', 'controversial']} />
      ${top.length === 0 && html`<p class="empty">No comments yet.</p>`}
      ${top.map((r) => html`<${Comment} key=${r.id} record=${r} tree=${data.children} order=${order} depth=${1}
        postId=${post.id} community=${community} moderation=${moderation} tips=${data.tips} />`)}
    </section>
  </div>`;
}
