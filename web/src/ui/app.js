// The app frame: header (navigation, sync state, account), the routed page, and banners.
import { AccountPage } from './account.js';
import { CommunityPage, HomePage } from './feed.js';
import { useEffect } from 'preact/hooks';
import { accountHref, html, useClient, useRoute } from './hooks.js';
import { CommunitiesPage, ProfilePage, SettingsPage } from './pages.js';
import { ModlogPage } from './moderation.js';
import { MiningStatus } from './pow.js';
import { PostPage } from './thread.js';
import { WalletPage } from './wallet.js';
import { ChannelsPage } from './channels.js';
import { EventLinkPage, decodeLink } from './share.js';
import { InboxLink, InboxPage } from './inbox.js';
import { SearchBox, SearchPage } from './search.js';
import { SavedLink, SavedPage } from './edits.js';
import { Author, plural } from './common.js';

function SyncStatus() {
  const client = useClient();
  const { state } = client;
  const open = state.relays.filter((r) => r.state === 'open').length;
  const label = !state.online ? 'offline'
    : open === 0 ? (state.relays.length || !state.relaysReported ? 'connecting' : 'no relays')
      : client.syncing ? 'syncing' : 'synced';
  // Some relays up and some not: the count says so (a warning, not an error).
  const partial = open > 0 && open < state.relays.length;
  // NIP-77 catch-up (docs/web.md "Catching up"): the ids being fetched, over every relay.
  let catchUp = null;
  for (const r of state.relays) {
    if (r.state !== 'open' || !r.catchUp) continue;
    catchUp = { received: (catchUp?.received ?? 0) + r.catchUp.received, total: (catchUp?.total ?? 0) + r.catchUp.total };
  }
  return html`<a class=${`sync ${label}`} href="#/settings" data-testid="sync-status" data-state=${label}
    title=${state.relays.map((r) => `${r.url}: ${r.state}`).join('\n')}>
    <span class="dot"></span> <span class="sync-label">${label}</span> ${state.relays.length > 0 && html`<span class=${partial ? 'partial' : 'muted'}
      title=${partial ? `${state.relays.length - open} of ${state.relays.length} relays not connected` : ''}>${open}/${state.relays.length}</span>`}
    ${catchUp && html`<span class="muted small" data-testid="catch-up" data-received=${catchUp.received} data-total=${catchUp.total}>${
      catchUp.total ? `catching up: ${catchUp.received.toLocaleString('en-US')} of ${catchUp.total.toLocaleString('en-US')}` : 'catching up: comparing'}</span>`}
    ${state.outbox.pending > 0 && html`<span class="badge" data-testid="outbox-pending" title="signed, waiting for a relay">${state.outbox.pending} to send</span>`}
    ${state.outbox.pending === 0 && state.outbox.waitingForDown > 0 && html`<span class="muted small" data-testid="outbox-down"
      title="stored by every connected relay; sent to the others when they come back (Settings)">sent</span>`}
  </a>`;
}

function AccountButton() {
  const client = useClient();
  const account = client.state.account;
  if (!account) return html`<a class="button primary" href=${accountHref()} data-testid="sign-in">Sign up / in</a>`;
  return html`<span class="account">
    <${Author} pubkey=${account.publicKey} testid="me" />
    ${client.unlocked
      ? html`<button data-testid="lock-button" onClick=${() => client.lock()} title="Forget the key in this tab">Lock</button>`
      : html`<a class="button" href=${accountHref()} data-testid="unlock-link">Unlock</a>`}
  </span>`;
}

/** `#/a/<naddr>`: the community it names, looked up with the link's relay hints. */
function AddressLink({ code }) {
  const client = useClient();
  const decoded = decodeLink(client.datt, code);
  if (decoded?.type !== 'naddr' || decoded.data.kind !== 34550) {
    return html`<div class="card" data-testid="bad-link"><p>This link is not a Datt community link.</p></div>`;
  }
  const { pubkey, identifier, relays } = decoded.data;
  return html`<${CommunityPage} pubkey=${pubkey} identifier=${identifier} hints=${relays} />`;
}

function Page({ route }) {
  const [section, a, b] = route;
  switch (section) {
    case undefined: return html`<${HomePage} />`;
    case 'c': return html`<${CommunityPage} key=${`${a}/${b}`} pubkey=${a} identifier=${b ?? ''} />`;
    case 'post': return html`<${PostPage} key=${`${a}/${b}`} postId=${a} focusId=${b} />`;
    case 'e': return html`<${EventLinkPage} key=${a} code=${a ?? ''} renderPost=${(postId, focusId, hints) =>
      html`<${PostPage} key=${`${postId}/${focusId}`} postId=${postId} focusId=${focusId} hints=${hints} />`} />`;
    case 'a': return html`<${AddressLink} key=${a} code=${a ?? ''} />`;
    case 'u': return html`<${ProfilePage} key=${a} pubkey=${a} />`;
    case 'modlog': return html`<${ModlogPage} key=${`${a}/${b}`} pubkey=${a} identifier=${b ?? ''} />`;
    case 'communities': return html`<${CommunitiesPage} edit=${a === 'edit' ? b : undefined} />`;
    case 'settings': return html`<${SettingsPage} section=${a} />`;
    case 'account': return html`<${AccountPage} />`;
    case 'wallet': return html`<${WalletPage} />`;
    case 'channels': return html`<${ChannelsPage} />`;
    case 'inbox': return html`<${InboxPage} />`;
    case 'search': return html`<${SearchPage} />`;
    case 'saved': return html`<${SavedPage} />`;
    default: return html`<div class="card"><h1>Not found</h1><p><a href="#/">Go home</a></p></div>`;
  }
}

const TITLES = { modlog: 'Moderation log', c: 'Community', a: 'Community', e: 'Post', inbox: 'Inbox', search: 'Search', saved: 'Saved', post: 'Post', u: 'Profile', communities: 'Communities', settings: 'Settings', account: 'Account', wallet: 'Wallet', channels: 'Channels' };

/** On navigation: a title per page, the top of the page, and the focus at the new content. */
function useRouteChange(route) {
  const key = route.join('/');
  useEffect(() => {
    const [section, a, b] = route;
    const name = section === 'c' && b ? `c/${b}` : section === undefined ? 'Home' : TITLES[section] ?? 'Not found';
    document.title = `${name} · Datt`;
    window.scrollTo(0, 0);
    // A clicked link is gone with the old page: put the focus at the start of the new one,
    // unless the new page already focused one of its fields.
    const main = document.getElementById('main');
    if (main && (document.activeElement === document.body || !document.activeElement)) main.focus({ preventScroll: true });
  }, [key]);
}

export function App() {
  const client = useClient();
  const route = useRoute();
  useRouteChange(route);
  const { fatal, outbox } = client.state;
  return html`<div class="app">
    <a class="skip" href="#main">Skip to content</a>
    <header class="topbar">
      <a class="logo" href="#/">datt</a>
      <nav aria-label="Main"><a href="#/">Home</a><a href="#/communities">Communities</a><a href="#/wallet" data-testid="nav-wallet">Wallet</a><a href="#/channels" data-testid="nav-channels">Channels</a><a href="#/settings">Settings</a><${InboxLink} /><${SavedLink} /></nav>
      <${SearchBox} />
      <${SyncStatus} />
      <${AccountButton} />
    </header>
    ${fatal && html`<p class="banner error" role="alert">${fatal}</p>`}
    <${MiningStatus} />
    ${outbox.errors.length > 0 && html`<p class="banner warning" role="alert">A relay refused ${plural(outbox.errors.length, 'event')} of yours: ${outbox.errors[0].error}</p>`}
    <main id="main" tabindex="-1"><${Page} route=${route} /></main>
  </div>`;
}
