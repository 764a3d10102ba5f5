// Shared pieces of the UI: names, times, vote buttons, errors, markdown.
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { KIND, LIMITS, buildDeletion, buildVote, readProfile } from '../lib/events.js';
import { ForkMark } from '../chain/ui.js';
import { renderMarkdown } from '../lib/markdown.js';
import { Avatar } from './people.js';
import { currentVote, eventsByAuthor, getByAddress } from '../store/db.js';
import { accountHref, html, navigate, useAction, useClient, useDraft, useFocusOnMount, useQuery } from './hooks.js';

export function shortKey(pubkey) {
  return `${pubkey.slice(0, 8)}…${pubkey.slice(-4)}`;
}

/** "1 post", "2 posts"; `many` for irregular plurals. */
export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

export function ago(createdAt, now = Date.now() / 1000) {
  const s = Math.max(0, Math.floor(now - createdAt));
  if (s < 60) return 'just now';
  const units = [[31536000, 'year'], [2592000, 'month'], [86400, 'day'], [3600, 'hour'], [60, 'minute']];
  for (const [size, name] of units) {
    if (s >= size) {
      const n = Math.floor(s / size);
      return `${n} ${name}${n === 1 ? '' : 's'} ago`;
    }
  }
  return 'just now';
}

/** "3 hours ago", with the exact date and time on hover. */
export function Time({ at }) {
  const date = new Date(at * 1000);
  return html`<time datetime=${date.toISOString()} title=${date.toLocaleString()} data-testid="time">${ago(at)}</time>`;
}

/**
 * Says so when a text reached `max` characters: the browser's maxlength cuts a paste silently.
 * `cut`: a paste that did not fit (see `pasteWasCut`).
 */
export function LimitNote({ length, max, cut }) {
  if (cut) return html`<p class="warning small" role="status" data-testid="cut-note">The pasted text was cut at ${max.toLocaleString('en')} characters, the limit.</p>`;
  if (length >= max) return html`<p class="warning small" role="status" data-testid="limit-note">${max.toLocaleString('en')} characters: the limit.</p>`;
  return null;
}

/** Whether a paste into `el` (a textarea with maxlength) will be cut. */
export function pasteWasCut(e, max) {
  const el = e.target;
  const pasted = e.clipboardData?.getData('text') ?? '';
  const selected = (el.selectionEnd ?? 0) - (el.selectionStart ?? 0);
  return el.value.length - selected + pasted.length > max;
}

export function Markdown({ text }) {
  return html`<div class="md">${renderMarkdown(text, h)}</div>`;
}

/**
 * An error as a sentence for people: the core's error code prefix ("bech32_bad_checksum: ")
 * is dropped and the first letter capitalized.
 */
export function errorText(error) {
  const s = String(error?.message ?? error ?? '').replace(/^[a-z0-9]+(?:_[a-z0-9]+)+: /, '');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function ErrorLine({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${errorText(error)}</p>`;
}

/** Above a form that signs: what to do first when there is no unlocked key. */
export function SignNotice({ what }) {
  const client = useClient();
  if (client.unlocked) return null;
  return html`<p class="notice" data-testid="sign-notice">${client.state.account
    ? html`Your key is locked: <a href=${accountHref()}>unlock it</a> to ${what}.`
    : html`<a href=${accountHref()}>Create an account or import one</a> to ${what}.`}</p>`;
}

export function Loading({ what = 'Loading' }) {
  return html`<p class="loading" aria-busy="true">${what}…</p>`;
}

/**
 * Author name from their stored profile (kind 0), falling back to a short key, after their
 * avatar (ui/people.js; outside the link, so the link's text is the name alone).
 */
export function Author({ pubkey, testid, avatar = true }) {
  const { data } = useQuery((c) => getByAddress(c.db, c.datt.formatAddress({ kind: KIND.profile, pubkey })), [pubkey]);
  const profile = data ? readProfile(data) : {};
  const name = profile.name ?? '';
  return html`${avatar && html`<${Avatar} pubkey=${pubkey} name=${name} picture=${profile.picture ?? ''} />`}<a class="author"
    href=${`#/u/${pubkey}`} title=${pubkey} data-testid=${testid}>${name || shortKey(pubkey)}</a><${ForkMark} pubkey=${pubkey} />`;
}

/**
 * Up/down arrows and score for a post or comment. The user's own current vote is read from
 * the store (the `votes` store holds the effective vote per voter).
 */
export function Votes({ record, community }) {
  const client = useClient();
  const me = client.publicKey;
  const [action, run] = useAction();
  const { data: mine } = useQuery(async (c) => (me ? (await currentVote(c.db, record.id, me)) ?? null : null),
    [record.id, me]);
  const current = mine?.value ?? 0;
  const score = (record.ups ?? 0) - (record.downs ?? 0);
  const vote = (value) => run(async () => {
    // Without an unlocked key a vote cannot be signed: go and unlock (or sign up), then back.
    if (!client.unlocked) return navigate(accountHref().slice(1));
    const target = { id: record.id, pubkey: record.pubkey, kind: record.kind };
    if (value === current) {
      // Clicking the same arrow again retracts: delete every vote of mine on this target,
      // so no older vote of mine takes its place (core's rule: the latest remaining counts).
      const own = (await eventsByAuthor(client.db, me, KIND.vote)).filter((v) => v.target === record.id && !v.deleted);
      if (own.length) await client.publish(buildDeletion({ targets: own, community }, client.now()));
      return;
    }
    // A changed vote must be strictly newer than the one it replaces: on equal created_at
    // the lowest id wins (core's rule), which would ignore a change made within a second.
    await client.publish(buildVote({ target, value, community }, Math.max(client.now(), (mine?.created_at ?? 0) + 1)));
  });
  return html`<div class="votes" data-testid="votes">
    <button class=${`up ${current > 0 ? 'on' : ''}`} aria-label="upvote" aria-pressed=${current > 0}
      disabled=${action.busy} onClick=${() => vote(1)}>▲</button>
    <span class="score" data-testid="score" title=${`${record.ups ?? 0} up, ${record.downs ?? 0} down`}>${score}</span>
    <button class=${`down ${current < 0 ? 'on' : ''}`} aria-label="downvote" aria-pressed=${current < 0}
      disabled=${action.busy} onClick=${() => vote(-1)}>▼</button>
    ${action.error && html`<span class="error small vote-error" role="alert">${errorText(action.error)}</span>`}
  </div>`;
}

/**
 * A textarea form with submit, busy state and error. The text is a draft under `draftKey`
 * until it is published; Ctrl/Cmd+Enter submits, Escape cancels.
 */
export function Composer({ placeholder, submitLabel, onSubmit, onCancel, draftKey, testid, focus = false, what = 'comment' }) {
  const [text, setText, clearText] = useDraft(draftKey);
  const focusRef = useFocusOnMount();
  const [action, run, fail] = useAction();
  const [cut, setCut] = useState(false);
  const submit = (e) => {
    e?.preventDefault();
    if (!text.trim() || action.busy) return;
    run(async () => {
      await onSubmit(text);
      clearText();
    });
  };
  const onKeyDown = (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit(e);
    else if (e.key === 'Escape' && onCancel) onCancel();
  };
  return html`<form class="composer" onSubmit=${submit} data-testid=${testid}>
    <${SignNotice} what=${what} />
    <textarea ref=${focus ? focusRef : undefined} value=${text} placeholder=${placeholder} rows="4" aria-label=${placeholder}
      maxlength=${LIMITS.body} onKeyDown=${onKeyDown} onPaste=${(e) => setCut(pasteWasCut(e, LIMITS.body))}
      onInput=${(e) => { setText(e.target.value); if (action.error) fail(''); if (e.inputType !== 'insertFromPaste') setCut(false); }}></textarea>
    <${LimitNote} length=${text.length} max=${LIMITS.body} cut=${cut} />
    <div class="row">
      <button type="submit" class="primary" disabled=${action.busy || !text.trim()}>${action.busy ? 'Signing…' : submitLabel}</button>
      ${onCancel && html`<button type="button" onClick=${onCancel}>Cancel</button>`}
    </div>
    <${ErrorLine} error=${action.error} />
  </form>`;
}
