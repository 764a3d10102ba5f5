// The bridge `watch` requests for outpoints that are not the wallet's (channels' fundings):
// grouped by the height their spends are looked for from (`from_height`: the bridge scans
// from there once per request, docs/protocol.md "Bitcoin bridge"), at most `chunk` a request.
// Pure: tests/web/channel_watches.test.mjs.

/** [{outpoints: [{txid, vout}], from_height?}] for [{txid, vout, fromHeight?}]. */
export function outpointWatchRequests(outpoints, chunk) {
  const groups = new Map();  // fromHeight (or null) -> outpoints
  for (const o of outpoints) {
    const key = Number.isInteger(o.fromHeight) ? o.fromHeight : null;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push({ txid: o.txid, vout: o.vout });
  }
  const requests = [];
  for (const [height, list] of groups) {
    for (let i = 0; i < list.length; i += chunk) {
      const request = { outpoints: list.slice(i, i + chunk) };
      if (height !== null) request.from_height = height;
      requests.push(request);
    }
  }
  return requests;
}
