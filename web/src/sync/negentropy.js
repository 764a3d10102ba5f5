// What a relay connection needs to catch up by NIP-77 (docs/web.md "Catching up"): the
// relay's NIP-11 document (does it offer NIP-77, with which limits) and the bounds of our
// side of a session. The session itself is the core's initiator in wasm
// (datt.sync.openInitiator); relay.js drives it over the WebSocket.

/** Bounds of the catch-up, per relay connection. */
export const NEG_BOUNDS = Object.freeze({
  /** Largest message we send, bytes before hex (also kept below half the relay's message limit). */
  frameSizeLimit: 60000,
  /** Items our local set may hold for one scope (core/sync's default). */
  maxItems: 1000000,
  /** Ids the relay's NEG-MSG may make us fetch for one scope; more are left to live sync. */
  maxNeed: 200000,
  /** Ids per REQ when fetching (also at most the relay's max_limit). */
  idsPerReq: 500,
  /** Rounds of one reconciliation before giving up on it (the core needs a handful). */
  maxRounds: 64,
  /** Waiting this long for a NEG-MSG reply means the relay does not really speak NIP-77. */
  replyTimeoutMs: 30000,
  /** A NEG-MSG larger than this (characters) is dropped: a 2 MB frame in hex. */
  maxMessageChars: 4 * 1024 * 1024 + 1024,
  /** One session open per connection at a time (sessions count against the relay's REQ cap). */
  sessionsPerRelay: 1,
});

const INFO_TIMEOUT_MS = 5000;
const MAX_INFO_CHARS = 64 * 1024;

/** The NIP-11 address of a relay's WebSocket URL (ws -> http, wss -> https). */
export function relayInfoUrl(url) {
  return url.replace(/^ws(s?):/i, 'http$1:');
}

const count = (value) => (Number.isSafeInteger(value) && value > 0 ? value : undefined);

/**
 * What the relay's NIP-11 document says about catching up: {nip77, maxLimit, maxMessageLength,
 * frameSizeLimit, maxSyncEvents}, or null when it has none (not served, not JSON, too slow).
 */
export async function fetchRelayInfo(url, timeoutMs = INFO_TIMEOUT_MS) {
  const controller = typeof AbortController === 'function' ? new AbortController() : null;
  const timer = setTimeout(() => controller?.abort(), timeoutMs);
  try {
    const response = await fetch(relayInfoUrl(url), { headers: { Accept: 'application/nostr+json' },
      signal: controller?.signal, credentials: 'omit', cache: 'no-store' });
    if (!response.ok) return null;
    const text = await response.text();
    if (text.length > MAX_INFO_CHARS) return null;
    const doc = JSON.parse(text);
    if (!doc || typeof doc !== 'object') return null;
    const limitation = doc.limitation && typeof doc.limitation === 'object' ? doc.limitation : {};
    return {
      nip77: Array.isArray(doc.supported_nips) && doc.supported_nips.includes(77),
      maxLimit: count(limitation.max_limit),
      maxMessageLength: count(limitation.max_message_length),
      frameSizeLimit: count(limitation.negentropy_frame_size_limit),
      maxSyncEvents: count(limitation.negentropy_max_sync_events),
    };
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** The limits of our initiator against a relay with NIP-11 `info`. */
export function initiatorLimits(info) {
  // Our hex message must fit the relay's message limit with the JSON around it.
  const fit = info?.maxMessageLength ? Math.floor(info.maxMessageLength / 2) - 1024 : NEG_BOUNDS.frameSizeLimit;
  return { maxItems: NEG_BOUNDS.maxItems, frameSizeLimit: Math.max(4096, Math.min(NEG_BOUNDS.frameSizeLimit, fit)) };
}

/** Ids per fetching REQ against a relay with NIP-11 `info`. */
export function idsPerReq(info) {
  return Math.max(1, Math.min(NEG_BOUNDS.idsPerReq, info?.maxLimit ?? NEG_BOUNDS.idsPerReq));
}
