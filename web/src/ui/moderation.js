// Community moderation in the web app (docs/web.md "Moderation"): what a community shows is
// the core's view (datt.community.view) of its definition, its moderation log and its posts,
// the same function the relay and every other client compute, so nothing here decides what
// is hidden. Moderator tools (remove, lock, pin, ban) publish the entries
// datt.community.moderationTemplate makes, and the public modlog page lists every entry with
// whether it took effect.
import { useState } from 'preact/hooks';
import { chainDatabase } from '../chain/ui.js';
import { moderationLog } from '../chain/store.js';
import { parseCommunityAddress } from '../lib/events.js';
import { eventsByIds, getByAddress, toEvent } from '../store/db.js';
import { Author, ErrorLine, Loading, ago } from './common.js';
import { html, useAction, useClient, useQuery } from './hooks.js';

const ACTION_WORDS = {
  approve: 'approved', remove: 'removed', lock: 'locked', unlock: 'unlocked', pin: 'pinned', unpin: 'unpinned',
  ban: 'banned', unban: 'unbanned', addModerator: 'made moderator', removeModerator: 'removed as moderator',
};
const EFFECT_WORDS = {
  applied: '', not_moderator: 'ignored: not a moderator then', owner_only: 'ignored: only the owner may',
  protected_target: 'ignored: the owner and moderators cannot be banned',
};

/**
 * The inputs of a community's view: {definition, origin, log, info} (definition and origin
 * as NIP-01 events, info = datt.community.parseDefinition), or null without a definition.
 */
export async function communityInputs(c, address) {
  const record = await getByAddress(c.db, address);
  if (!record) return null;
  const definition = toEvent(record);
  let info;
  try {
    info = c.datt.community.parseDefinition(definition);
  } catch {
    return null;
  }
  let origin = null;
  const logs = [moderationLog(await chainDatabase(), address)];
  if (info.origin) {
    const originRecord = await getByAddress(c.db, info.origin.address);
    if (originRecord) {
      origin = toEvent(originRecord);
      logs.push(moderationLog(await chainDatabase(), info.origin.address));
    }
  }
  const log = (await Promise.all(logs)).flat();
  return { definition, origin, log, info };
}

/**
 * datt.community.view over `items` (stored records); null when the view cannot be computed.
 * Records deleted by their author (NIP-09) are left out: their content is gone, so they no
 * longer verify; the pages show them as "[deleted]" whatever the view says (visibleIn).
 */
export function viewOf(c, inputs, items) {
  if (!inputs) return null;
  try {
    return c.datt.community.view(inputs.definition, inputs.log, items.filter((r) => !r.deleted).map(toEvent), inputs.origin);
  } catch {
    return null;
  }
}

/** Whether `pubkey` may moderate: the owner or a current moderator. */
export function canModerate(inputs, view, pubkey) {
  if (!inputs || !pubkey) return false;
  return inputs.info.owner === pubkey || (view?.moderators ?? inputs.info.moderators).includes(pubkey);
}

/**
 * For PostList on a community page: the ranked `order` as shown, pinned posts first, hidden
 * ones (removed, banned authors) left out, up to `shown` rows. Full records are read in
 * slices until enough are visible, so a page reads about what it shows.
 */
export async function arrangeCommunityPage(c, address, order, shown) {
  const inputs = await communityInputs(c, address);
  if (!inputs) return eventsByIds(c.db, order.slice(0, shown));
  const pinTargets = [...new Set(inputs.log.filter((e) => e.kind === 4554).map((e) => e.tags.find((t) => t[0] === 'e')?.[1])
    .filter(Boolean))];
  const pinnedRecords = await eventsByIds(c.db, pinTargets.filter((id) => order.includes(id)));
  const rows = [];
  let pinned = [];
  const slice = Math.max(shown, 50);
  for (let at = 0; rows.length < shown && at < order.length; at += slice) {
    const records = await eventsByIds(c.db, order.slice(at, at + slice));
    const view = viewOf(c, inputs, [...pinnedRecords, ...records]);
    if (!view) return eventsByIds(c.db, order.slice(0, shown));
    const visible = new Set(view.posts);
    if (at === 0) pinned = view.pinned.map((id) => pinnedRecords.find((r) => r.id === id)).filter(Boolean);
    const pinnedIds = new Set(pinned.map((r) => r.id));
    for (const r of records) if ((visible.has(r.id) || r.deleted) && !pinnedIds.has(r.id)) rows.push(r);
  }
  return [...pinned.map((r) => ({ ...r, pinned: true })), ...rows].slice(0, Math.max(shown, pinned.length));
}

/**
 * For the home feed (posts of several communities): the ranked `order` without the posts
 * each community's view hides, up to `shown` rows (no pinning across communities).
 */
export async function arrangeMixedFeed(c, order, shown) {
  const inputs = new Map();   // community -> inputs (or null without a definition)
  const rows = [];
  const slice = Math.max(shown, 50);
  for (let at = 0; rows.length < shown && at < order.length; at += slice) {
    const records = await eventsByIds(c.db, order.slice(at, at + slice));
    const byCommunity = new Map();
    for (const r of records) {
      if (!byCommunity.has(r.community)) byCommunity.set(r.community, []);
      byCommunity.get(r.community).push(r);
    }
    const visible = new Set();
    for (const [community, list] of byCommunity) {
      if (!inputs.has(community)) inputs.set(community, community ? await communityInputs(c, community) : null);
      const view = viewOf(c, inputs.get(community), list);
      for (const r of list) if (!view || r.deleted || view.posts.includes(r.id)) visible.add(r.id);
    }
    for (const r of records) if (visible.has(r.id)) rows.push(r);
  }
  return rows.slice(0, shown);
}

/**
 * For a post page: {visible: Set of shown ids, locked, removed, view, inputs, moderator} of
 * the post and its stored comments.
 */
export async function threadModeration(c, post, comments) {
  const inputs = post?.community ? await communityInputs(c, post.community) : null;
  const view = viewOf(c, inputs, [post, ...comments]);
  if (!view) return null;
  return {
    inputs, view,
    visible: new Set([...view.posts, ...view.comments, ...[post, ...comments].filter((r) => r.deleted).map((r) => r.id)]),
    locked: view.locked.includes(post.id),
    removed: view.removed.includes(post.id),
    pinned: view.pinned.includes(post.id),
    banned: new Set(view.banned),
  };
}

let lastEntryAt = 0;

/**
 * Publishes one moderation entry (the core's template, plus `A` so relays serve it with the
 * community). The log is applied in (created_at, id) order, so an entry is dated after every
 * entry known here: a ban and an unban within one second must not be ordered by their ids.
 */
async function moderate(client, action, community, target, reason, log) {
  const createdAt = Math.max(client.now(), lastEntryAt + 1, ...log.map((e) => e.created_at + 1));
  lastEntryAt = createdAt;
  const template = client.datt.community.moderationTemplate(action, community, target, { createdAt, reason });
  template.tags.push(['A', community]);
  return client.publish(template);
}

/**
 * Moderator tools on a post or comment: remove/approve, lock/unlock and pin/unpin (posts),
 * ban/unban its author. Shown only to the owner and moderators of the community.
 */
export function ModTools({ record, moderation, isPost }) {
  const client = useClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [action, run] = useAction();
  const community = record.community;
  if (!moderation || !community || !client.unlocked || !canModerate(moderation.inputs, moderation.view, client.publicKey)) return null;
  if (!open) return html`<button class="link" data-testid="mod-tools" onClick=${() => setOpen(true)}>mod</button>`;
  const removed = moderation.view.removed.includes(record.id);
  const banned = moderation.banned.has(record.pubkey);
  const act = (name, target) => run(async () => {
    await moderate(client, name, community, target, reason.trim(), moderation.inputs.log);
    setReason('');
    setOpen(false);
  });
  const button = (name, label, target = record.id) => html`<button class="link" data-testid=${`mod-${name}`}
    disabled=${action.busy} onClick=${() => act(name, target)}>${label}</button>`;
  return html`<span class="mod-tools" role="group" aria-label="Moderator tools" data-testid="mod-panel">
    <input class="small" placeholder="reason (public)" aria-label="Reason" value=${reason} maxlength="500"
      onInput=${(e) => setReason(e.target.value)} />
    ${removed ? button('approve', 'approve') : button('remove', 'remove')}
    ${isPost && (moderation.locked ? button('unlock', 'unlock') : button('lock', 'lock'))}
    ${isPost && (moderation.pinned ? button('unpin', 'unpin') : button('pin', 'pin'))}
    ${record.pubkey !== moderation.inputs.info.owner &&
      (banned ? button('unban', 'unban author', record.pubkey) : button('ban', 'ban author', record.pubkey))}
    <button class="link" onClick=${() => setOpen(false)}>close</button>
    <${ErrorLine} error=${action.error} />
  </span>`;
}

/** The public moderation log of a community: every entry, newest first, with its effect. */
export function ModlogPage({ pubkey, identifier }) {
  const client = useClient();
  const address = `34550:${pubkey}:${identifier}`;
  client.setInterest([address]);
  const { data, error } = useQuery(async (c) => {
    const inputs = await communityInputs(c, address);
    return inputs ? { inputs, view: viewOf(c, inputs, []) } : { inputs: null, view: null };
  }, [address]);
  const c = parseCommunityAddress(address);
  if (error) return html`<${ErrorLine} error=${error} />`;
  if (!data) return html`<${Loading} what="Loading the moderation log" />`;
  const entries = [...(data.view?.log ?? [])].reverse();
  return html`<div class="modlog" data-testid="modlog-page">
    <header class="card"><h1>Moderation log</h1>
      <p><a href=${`#/c/${pubkey}/${encodeURIComponent(identifier)}`}>c/${c?.identifier ?? identifier}</a> · public: anyone
        can recompute it from the entries, which are signed by the owner and moderators.</p></header>
    ${!data.inputs && html`<p class="muted">This community's definition has not arrived yet (syncing).</p>`}
    ${data.inputs && !entries.length && html`<p class="empty">No moderation yet.</p>`}
    ${entries.length > 0 && html`<ol class="card modlog-list" reversed>
      ${entries.map((e) => html`<li key=${e.id} data-testid="modlog-entry" data-action=${e.action} data-effect=${e.effect}>
        <${Author} pubkey=${e.actor} /> ${ACTION_WORDS[e.action] ?? e.action}
        ${e.action === 'ban' || e.action === 'unban' || e.action === 'addModerator' || e.action === 'removeModerator'
          ? html` <${Author} pubkey=${e.target} />`
          : html` <a href=${`#/post/${e.target}`} data-testid="modlog-target">${e.target.slice(0, 12)}…</a>`}
        <span class="muted small"> · ${ago(e.created_at)}</span>
        ${e.reason && html` <span class="reason">“${e.reason}”</span>`}
        ${e.effect !== 'applied' && html` <span class="muted small">(${EFFECT_WORDS[e.effect] ?? e.effect})</span>`}
      </li>`)}
    </ol>`}
  </div>`;
}
