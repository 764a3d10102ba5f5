// Datt's reddit objects as Nostr events: builders for what the app signs and readers for what
// it receives. Pure functions (no I/O, no clock: `now` is passed in). Kinds and tags follow
// NIP-72 (communities), NIP-22 (comments), NIP-25 (votes), NIP-09 (deletion), NIP-51 (lists)
// and NIP-65 (relay lists); docs/protocol.md "Web app events" lists every tag.

export const KIND = Object.freeze({
  profile: 0,
  deletion: 5,
  vote: 7,
  edit: 1010,
  comment: 1111,
  bookmarks: 10003,
  relayList: 10002,
  communityList: 10004,
  community: 34550,
});

/** Kinds the app syncs and stores. */
export const DATT_KINDS = Object.freeze(Object.values(KIND));

export const LIMITS = Object.freeze({
  title: 300,
  body: 40000,
  name: 64,
  about: 2000,
  description: 4000,
  rules: 8000,
  url: 2000,
  identifier: 64,
});

const HEX64 = /^[0-9a-f]{64}$/;
const isHex64 = (value) => typeof value === 'string' && HEX64.test(value);

export class InputError extends Error {
  constructor(field, message) {
    super(message);
    this.name = 'InputError';
    this.field = field;
  }
}

/** First value of the first tag named `name`, or undefined. */
export function tagValue(tags, name) {
  for (const tag of tags) if (tag[0] === name && typeof tag[1] === 'string') return tag[1];
  return undefined;
}

/** Value of the last tag named `name` (NIP-25 targets the last `e`). */
export function lastTagValue(tags, name) {
  for (let i = tags.length - 1; i >= 0; --i) {
    if (tags[i][0] === name && typeof tags[i][1] === 'string') return tags[i][1];
  }
  return undefined;
}

export function communityAddress(pubkey, identifier) {
  return `${KIND.community}:${pubkey}:${identifier}`;
}

/** {pubkey, identifier} of a "34550:<pubkey>:<d>" address, or null. */
export function parseCommunityAddress(address) {
  if (typeof address !== 'string') return null;
  const match = /^34550:([0-9a-f]{64}):(.*)$/s.exec(address);
  if (!match) return null;
  return { pubkey: match[1], identifier: match[2] };
}

/**
 * Fields derived from a verified event for the local store's indexes. The protocol rules
 * (addresses, what a deletion names) are the core's, through `datt`, the same the relay
 * applies:
 *   community  the NIP-72 community address (root `A` tag) of posts, comments and votes
 *   post       1 for a top-level post (NIP-22 parent kind `k` = 34550)
 *   parent     the parent id (`e`) of a comment
 *   target     the target id of a vote (last `e`) or undefined
 *   deletes    ids a kind-5 event asks to delete (datt.deletionRequestOf)
 *   deletesAddresses  addresses of its author's own replaceable/addressable events it names
 *   edits      the id an edit (kind 1010) replaces the text of
 *   address    the replaceable/addressable slot "<kind>:<pubkey>:<d>" (datt.addressOf)
 *   mentions   pubkeys a comment addresses (the inbox): its `p` tags (NIP-22 puts the parent's
 *              author there) and `nostr:npub1…` in its text (NIP-27); not on top-level posts,
 *              whose `p` is the community's owner
 */
export function describe(event, datt) {
  const out = {};
  const tags = event.tags;
  const address = datt.addressOf(event);
  if (address !== null) out.address = address;
  if (event.kind === KIND.comment) {
    const community = tagValue(tags, 'A');
    if (parseCommunityAddress(community)) out.community = community;
    const parentKind = tagValue(tags, 'k');
    if (parentKind === String(KIND.community)) {
      if (out.community) out.post = 1;
    } else {
      const parent = tagValue(tags, 'e');
      if (parent && HEX64.test(parent)) out.parent = parent;
    }
    if (!out.post) {
      const mentions = mentionsOf(event, datt);
      if (mentions.length) out.mentions = mentions;
    }
  } else if (event.kind === KIND.edit) {
    const target = tagValue(tags, 'e');
    if (target && HEX64.test(target)) out.edits = target;
    const community = tagValue(tags, 'A');
    if (parseCommunityAddress(community)) out.community = community;
  } else if (event.kind === KIND.vote) {
    const target = lastTagValue(tags, 'e');
    if (target && HEX64.test(target)) out.target = target;
    const community = tagValue(tags, 'A');
    if (parseCommunityAddress(community)) out.community = community;
  } else if (event.kind === KIND.deletion) {
    const request = datt.deletionRequestOf(event);
    out.deletes = request.ids;
    out.deletesAddresses = request.addresses;
  }
  return out;
}

const MAX_MENTIONS = 20;
const NPUB_IN_TEXT = /nostr:(npub1[02-9ac-hj-np-z]{58})/g;

/** The pubkeys a comment addresses: `p` tags and NIP-27 `nostr:npub1…` references (at most 20). */
export function mentionsOf(event, datt) {
  const out = new Set();
  for (const tag of event.tags) {
    if (out.size >= MAX_MENTIONS) break;
    if (tag[0] === 'p' && isHex64(tag[1])) out.add(tag[1]);
  }
  for (const match of (typeof event.content === 'string' ? event.content : '').matchAll(NPUB_IN_TEXT)) {
    if (out.size >= MAX_MENTIONS) break;
    try {
      const decoded = datt.nip19Decode(match[1]);
      if (decoded.type === 'npub') out.add(decoded.data);
    } catch {
      // not a valid npub: plain text
    }
  }
  return [...out];
}

function text(value, field, max, { required = false } = {}) {
  const s = typeof value === 'string' ? value.trim() : '';
  if (required && !s) throw new InputError(field, `${field} is required`);
  if (s.length > max) throw new InputError(field, `${field} is too long (${s.length} characters, at most ${max})`);
  return s;
}

/** An http(s) URL or throws InputError. */
export function checkUrl(value, field = 'url', protocols = ['http:', 'https:']) {
  const s = text(value, field, LIMITS.url, { required: true });
  let url;
  try {
    url = new URL(s);
  } catch {
    throw new InputError(field, `${field} is not a valid URL: ${s}`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new InputError(field, `${field} must start with ${protocols.join(' or ')}`);
  }
  return url.href;
}

/** Identifier for a new community from its name: lowercase letters, digits, dashes. */
export function slugify(name) {
  return name.toLowerCase().normalize('NFKD').replace(/\p{M}+/gu, '').replace(/[^a-z0-9]+/g, '-')
    .slice(0, LIMITS.identifier).replace(/^-+|-+$/g, '');
}

export function buildCommunity({ identifier, name, description = '', rules = '', moderators = [] }, now) {
  const d = text(identifier, 'identifier', LIMITS.identifier, { required: true });
  const tags = [['d', d], ['name', text(name, 'name', LIMITS.name, { required: true })]];
  const desc = text(description, 'description', LIMITS.description);
  if (desc) tags.push(['description', desc]);
  const rulesText = text(rules, 'rules', LIMITS.rules);
  if (rulesText) tags.push(['rules', rulesText]);
  for (const moderator of moderators) {
    if (!HEX64.test(moderator)) throw new InputError('moderators', `not a public key: ${moderator}`);
    tags.push(['p', moderator, '', 'moderator']);
  }
  return { kind: KIND.community, created_at: now, tags, content: '' };
}

/** {address, pubkey, identifier, name, description, rules, moderators} of a kind-34550 event. */
export function readCommunity(event) {
  const identifier = tagValue(event.tags, 'd') ?? '';
  return {
    address: communityAddress(event.pubkey, identifier),
    pubkey: event.pubkey,
    identifier,
    name: tagValue(event.tags, 'name') || identifier,
    description: tagValue(event.tags, 'description') ?? '',
    rules: tagValue(event.tags, 'rules') ?? '',
    moderators: event.tags.filter((t) => t[0] === 'p' && t[3] === 'moderator' && isHex64(t[1]))
      .map((t) => t[1]),
    created_at: event.created_at,
  };
}

function communityRootTags(address) {
  const parsed = parseCommunityAddress(address);
  if (!parsed) throw new InputError('community', `not a community address: ${address}`);
  return [['A', address], ['K', String(KIND.community)], ['P', parsed.pubkey]];
}

/** A NIP-72 top-level post: text (body) and/or link (url), with a title. */
export function buildPost({ community, title, body = '', url = '' }, now) {
  if (typeof url !== 'string') url = '';
  const tags = communityRootTags(community);
  const parsed = parseCommunityAddress(community);
  tags.push(['a', community], ['k', String(KIND.community)], ['p', parsed.pubkey]);
  tags.push(['title', text(title, 'title', LIMITS.title, { required: true })]);
  if (url && url.trim()) tags.push(['r', checkUrl(url)]);
  const content = text(body, 'body', LIMITS.body);
  if (!content && !url.trim()) throw new InputError('body', 'write some text or give a link');
  return { kind: KIND.comment, created_at: now, tags, content };
}

/** A NIP-22 comment replying to `parent` (a post or comment event) in its community. */
function checkTarget(target, field, { needsPubkey = true } = {}) {
  if (!target || !isHex64(target.id) || (needsPubkey && !isHex64(target.pubkey)) || !Number.isInteger(target.kind)) {
    throw new InputError(field, `${field} must be a stored event (64-hex id${needsPubkey ? ' and pubkey' : ''}, integer kind)`);
  }
}

export function buildComment({ community, parent, body }, now) {
  checkTarget(parent, 'parent');
  const tags = communityRootTags(community);
  tags.push(['e', parent.id, '', parent.pubkey], ['k', String(parent.kind)], ['p', parent.pubkey]);
  return { kind: KIND.comment, created_at: now, tags, content: text(body, 'comment', LIMITS.body, { required: true }) };
}

/** A NIP-25 vote: value +1 ("+") or -1 ("-"). The `A` tag lets relays serve a community's votes. */
export function buildVote({ target, value, community }, now) {
  if (value !== 1 && value !== -1) throw new InputError('vote', 'a vote is +1 or -1');
  checkTarget(target, 'target');
  const tags = [['e', target.id, '', target.pubkey], ['p', target.pubkey], ['k', String(target.kind)]];
  if (community) tags.push(['A', community]);
  return { kind: KIND.vote, created_at: now, tags, content: value > 0 ? '+' : '-' };
}

/** A NIP-09 deletion request for the author's own events. */
export function buildDeletion({ targets, community }, now) {
  if (!Array.isArray(targets) || !targets.length) throw new InputError('targets', 'nothing to delete');
  for (const target of targets) checkTarget(target, 'targets', { needsPubkey: false });
  const tags = targets.map((t) => ['e', t.id]);
  const kinds = [...new Set(targets.map((t) => String(t.kind)))];
  for (const k of kinds) tags.push(['k', k]);
  if (community) tags.push(['A', community]);
  return { kind: KIND.deletion, created_at: now, tags, content: '' };
}

export function buildProfile({ name = '', about = '', picture = '' }, now) {
  const profile = {};
  const n = text(name, 'name', LIMITS.name);
  if (n) profile.name = n;
  const a = text(about, 'about', LIMITS.about);
  if (a) profile.about = a;
  if (picture && picture.trim()) profile.picture = checkUrl(picture, 'picture');
  return { kind: KIND.profile, created_at: now, tags: [], content: JSON.stringify(profile) };
}

/** {name, about, picture} from a kind-0 event; unusable fields are dropped. */
export function readProfile(event) {
  let value;
  try {
    value = JSON.parse(event.content);
  } catch {
    return {};
  }
  if (!value || typeof value !== 'object') return {};
  const out = {};
  for (const key of ['name', 'display_name', 'about', 'picture']) {
    if (typeof value[key] === 'string') out[key] = value[key].slice(0, key === 'about' ? LIMITS.about : LIMITS.url);
  }
  if (out.picture && !/^https?:\/\//i.test(out.picture)) delete out.picture;
  if (!out.name && out.display_name) out.name = out.display_name;
  return out;
}

/** NIP-65: [{url, read, write}] -> kind 10002. */
export function buildRelayList(relays, now) {
  const tags = relays.filter(({ read = true, write = true }) => read || write).map(({ url, read = true, write = true }) => {
    const href = checkUrl(url, 'relay', ['ws:', 'wss:']);
    if (read && write) return ['r', href];
    return ['r', href, read ? 'read' : 'write'];
  });
  return { kind: KIND.relayList, created_at: now, tags, content: '' };
}

export function readRelayList(event) {
  const out = [];
  for (const tag of event.tags) {
    if (tag[0] !== 'r' || typeof tag[1] !== 'string') continue;
    try {
      const url = new URL(tag[1]);
      if (url.protocol !== 'ws:' && url.protocol !== 'wss:') continue;
      out.push({ url: url.href, read: tag[2] !== 'write', write: tag[2] !== 'read' });
    } catch {
      // not a URL: skipped
    }
  }
  return out;
}

/** NIP-51 communities list (kind 10004) of community addresses. */
export function buildCommunityList(addresses, now) {
  return { kind: KIND.communityList, created_at: now, tags: addresses.map((a) => ['a', a]), content: '' };
}

export function readCommunityList(event) {
  return [...new Set(event.tags.filter((t) => t[0] === 'a' && parseCommunityAddress(t[1])).map((t) => t[1]))];
}

/** {title, url} of a post. */
export function readPost(event) {
  return { title: tagValue(event.tags, 'title') ?? '', url: tagValue(event.tags, 'r') ?? '' };
}

/**
 * An edit of one's own post or comment (kind 1010, as Amethyst's edits of notes: `e` names
 * the original, content is the new text; docs/protocol.md "Edits"). A post's edit carries its
 * title and link too. The original is never changed: readers show the newest edit by the
 * same author, marked "edited", and can show the original.
 */
export function buildEdit({ target, community, title, url = '', body }, now) {
  checkTarget(target, 'target');
  const tags = [['e', target.id, '', target.pubkey], ['k', String(target.kind)]];
  if (community) {
    if (!parseCommunityAddress(community)) throw new InputError('community', `not a community address: ${community}`);
    tags.push(['A', community]);
  }
  const isPost = title !== undefined;
  if (isPost) {
    tags.push(['title', text(title, 'title', LIMITS.title, { required: true })]);
    if (url && url.trim()) tags.push(['r', checkUrl(url)]);
  }
  const content = text(body, isPost ? 'body' : 'comment', LIMITS.body, { required: !isPost });
  if (isPost && !content && !(url && url.trim())) throw new InputError('body', 'write some text or give a link');
  return { kind: KIND.edit, created_at: now, tags, content };
}

/** NIP-51 bookmarks (kind 10003): the saved posts and comments, by id, newest first. */
export function buildBookmarks(ids, now) {
  for (const id of ids) if (!isHex64(id)) throw new InputError('bookmarks', `not an event id: ${id}`);
  return { kind: KIND.bookmarks, created_at: now, tags: ids.map((id) => ['e', id]), content: '' };
}

export function readBookmarks(event) {
  return [...new Set(event.tags.filter((t) => t[0] === 'e' && isHex64(t[1])).map((t) => t[1]))];
}
