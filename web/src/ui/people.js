// Telling who is who: avatars (the profile picture, or one drawn from the public key when
// there is none or it fails to load), a community owner's name with a short key fingerprint
// (two communities may share a name), and member counts (the NIP-51 kind 10004 lists that
// name a community, asked from the relays).
import { useEffect, useState } from 'preact/hooks';
import { KIND, readCommunityList } from '../lib/events.js';
import { eventsByIds } from '../store/db.js';
import { html, useClient } from './hooks.js';

/** A stable hue from a public key (hex), for the generated avatar. */
function hueOf(pubkey) {
  return parseInt(pubkey.slice(0, 6), 16) % 360;
}

/** The profile picture, or a generated one (colour from the key, the name's initial). */
export function Avatar({ pubkey, name = '', picture = '', size = 'small' }) {
  const [broken, setBroken] = useState(false);
  useEffect(() => setBroken(false), [picture]);
  const safe = /^https?:\/\//i.test(picture) ? picture : '';
  if (safe && !broken) {
    return html`<img class=${`avatar ${size}`} src=${safe} alt="" loading="lazy" referrerpolicy="no-referrer"
      data-testid="avatar-picture" onError=${() => setBroken(true)} />`;
  }
  const initial = (name.trim()[0] ?? pubkey[0] ?? '?').toUpperCase();
  return html`<span class=${`avatar generated ${size}`} aria-hidden="true" data-testid="avatar-generated"
    style=${`background: hsl(${hueOf(pubkey)} 55% 45%)`}>${initial}</span>`;
}

/** npub1abcd…wxyz: enough of the key to tell two owners with one name apart. */
export function fingerprint(datt, pubkey) {
  const npub = datt.nip19Encode('npub', pubkey);
  return `${npub.slice(0, 10)}…${npub.slice(-4)}`;
}

const MEMBER_LISTS = 500;

/**
 * Member counts of `addresses` (at most 100): the kind 10004 lists naming each, asked from
 * the read relays once per set (stored like any event). {counts: Map, capped} or undefined
 * while asking; `capped` when the relays returned their limit (the counts are then lower bounds).
 */
export function useMemberCounts(addresses) {
  const client = useClient();
  const key = addresses.slice(0, 100).join(' ');
  const [result, setResult] = useState(undefined);
  useEffect(() => {
    if (!key) return undefined;
    let live = true;
    const wanted = key.split(' ');
    client.query([{ kinds: [KIND.communityList], '#a': wanted, limit: MEMBER_LISTS }]).then(async ({ ids }) => {
      const counts = new Map(wanted.map((a) => [a, 0]));
      const lists = await eventsByIds(client.db, ids);
      const members = new Map();
      for (const list of lists) {
        if (list.kind !== KIND.communityList) continue;
        // One list per person (the newest stored): a replaced list must not count twice.
        const prior = members.get(list.pubkey);
        if (!prior || list.created_at > prior.created_at) members.set(list.pubkey, list);
      }
      for (const list of members.values()) {
        for (const a of readCommunityList(list)) if (counts.has(a)) counts.set(a, counts.get(a) + 1);
      }
      if (live) setResult({ counts, capped: ids.length >= MEMBER_LISTS });
    }, () => live && setResult({ counts: new Map(), capped: false, failed: true }));
    return () => { live = false; };
  }, [key]);
  return result;
}

export function MemberCount({ counts, address }) {
  if (!counts) return html`<span class="muted" data-testid="members">… members</span>`;
  if (counts.failed) return null;
  const n = counts.counts.get(address) ?? 0;
  return html`<span class="muted" data-testid="members">${n}${counts.capped ? '+' : ''} ${n === 1 ? 'member' : 'members'}</span>`;
}
