// One-off questions to relays (the sync worker's `query` request): a short-lived WebSocket
// per relay sends a few filters, hands every event to `onEvent` (the worker's verify-and-store
// pipeline) and closes once each filter ended (EOSE or CLOSED) or the time ran out.
//
// Why a separate connection and not a REQ on the sync connection: the sync keeps up to 19
// REQs open plus one page, at datt-relay's cap of 20 per connection, so one more would be
// refused. A query is rare (a shared link, a search), so its own connection costs little.

const MAX_MESSAGE_CHARS = 256 * 1024;   // as relay.js: datt-relay's message limit
export const QUERY_LIMITS = Object.freeze({
  filters: 4,          // filters per query
  relays: 8,           // relays asked at once (the read relays first, then hints)
  hints: 4,            // relay hints taken from a link
  limit: 500,          // events per filter
  timeoutMs: 8000,
});

let nextQuery = 0;

/**
 * Asks `url` for `filters` (each gets its own subscription); resolves
 * {url, ok, events, error} once all ended or after `timeoutMs`. Never rejects.
 */
export function queryRelay(url, filters, onEvent, timeoutMs = QUERY_LIMITS.timeoutMs) {
  return new Promise((resolve) => {
    const prefix = `q${++nextQuery}-`;
    const open = new Set(filters.map((_, i) => `${prefix}${i}`));
    let events = 0;
    let error = '';
    let ws;
    let finished = false;
    const finish = (ok) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      try {
        ws?.close();
      } catch {
        // already closing
      }
      resolve({ url, ok, events, error });
    };
    const timer = setTimeout(() => {
      error ||= 'no answer in time';
      finish(false);
    }, timeoutMs);
    try {
      ws = new WebSocket(url);
    } catch (e) {
      error = `cannot connect: ${e.message}`;
      finish(false);
      return;
    }
    ws.onopen = () => filters.forEach((filter, i) => ws.send(JSON.stringify(['REQ', `${prefix}${i}`, filter])));
    ws.onerror = () => {
      error ||= 'connection failed';
    };
    ws.onclose = () => finish(open.size === 0);
    ws.onmessage = (message) => {
      const data = message.data;
      if (typeof data !== 'string' || data.length > MAX_MESSAGE_CHARS) return;
      let parsed;
      try {
        parsed = JSON.parse(data);
      } catch {
        return;
      }
      if (!Array.isArray(parsed)) return;
      const [type, sid, body] = parsed;
      if (typeof sid !== 'string' || !open.has(sid)) return;
      if (type === 'EVENT' && body && typeof body === 'object') {
        events += 1;
        onEvent(body);
      } else if (type === 'EOSE' || type === 'CLOSED') {
        if (type === 'CLOSED') error = `refused: ${String(body ?? '').slice(0, 200)}`;
        open.delete(sid);
        if (type === 'EOSE' && ws.readyState === 1) ws.send(JSON.stringify(['CLOSE', sid]));
        if (!open.size) finish(!error);
      }
    };
  });
}

/** A ws:/wss: relay URL normalized by the URL parser, or null. */
export function relayUrl(text) {
  if (typeof text !== 'string' || text.length > 300) return null;
  try {
    const url = new URL(text);
    return url.protocol === 'ws:' || url.protocol === 'wss:' ? url.href : null;
  } catch {
    return null;
  }
}

const FILTER_KEYS = new Set(['ids', 'authors', 'kinds', 'since', 'until', 'limit', 'search']);

/**
 * A filter from another thread, checked before it goes to a relay: known members only
 * (`#x` tag filters included), arrays of at most 500 strings or integers, a limit.
 */
export function checkFilter(filter) {
  if (!filter || typeof filter !== 'object' || Array.isArray(filter)) throw new Error('a filter is an object');
  const out = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === 'search') {
      if (typeof value !== 'string' || !value.trim() || value.length > 200) throw new Error('search is 1-200 characters');
      out.search = value;
    } else if (key === 'since' || key === 'until' || key === 'limit') {
      if (!Number.isInteger(value) || value < 0) throw new Error(`${key} is a non-negative integer`);
      out[key] = value;
    } else if (FILTER_KEYS.has(key) || /^#[a-zA-Z]$/.test(key)) {
      if (!Array.isArray(value) || !value.length || value.length > 500 ||
          !value.every((v) => (key === 'kinds' ? Number.isInteger(v) : typeof v === 'string' && v.length <= 300))) {
        throw new Error(`${key} is a list of 1-500 ${key === 'kinds' ? 'kinds' : 'strings'}`);
      }
      out[key] = value;
    } else {
      throw new Error(`unknown filter member ${key}`);
    }
  }
  out.limit = Math.min(out.limit ?? QUERY_LIMITS.limit, QUERY_LIMITS.limit);
  return out;
}
