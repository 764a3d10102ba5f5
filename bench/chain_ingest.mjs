// Ingest with content-chain checks against ingest without them, in one run of one relay:
// the ratio of the two rates is the cost of the chain rules (docs/performance.md
// "Content chains at the relay").
//
//   node bench/chain_ingest.mjs [--events 10000] [--authors 200] [--connections 4]
//        [--window 500] [--rounds 2]
//
// Each round ingests --events unchained kind 1111 events, then --events chained ones (each
// author's events extend one chain: seq 0, 1, 2, ... naming the previous id), the same
// sizes and shapes otherwise, from fresh authors, pipelined over --connections connections
// with --window EVENTs in flight each. One author's events all go over one connection, in
// order, so every chained event extends its chain (the script checks that every OK is
// true with no message). Events are signed before any timing, by nostr-tools. The relay
// (build/native/relay/datt-relay or $DATT_RELAY) runs on a fresh database with durable
// commits, as in production.
import '../tests/support/webcrypto.mjs'; // Node 18: nostr-tools' signer reads globalThis.crypto
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { connect, finalizeEvent, startRelay } from '../tests/relay/support.mjs';

function parseArgs(argv) {
  const options = { events: 10000, authors: 200, connections: 4, window: 500, rounds: 2 };
  for (let i = 0; i < argv.length; i += 1) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in options) || i + 1 >= argv.length) throw new Error(`unknown option ${argv[i]}`);
    options[name] = Number(argv[(i += 1)]);
    if (!Number.isInteger(options[name]) || options[name] < 1) throw new Error(`--${name} must be a positive integer`);
  }
  if (options.authors % options.connections !== 0) throw new Error('--authors must be a multiple of --connections');
  return options;
}

function secret(label) {
  return createHash('sha256').update(label).digest();
}

/** `count` events by `authors` fresh keys; chained: each author's events form one chain. */
function sign(count, authors, label, chained) {
  const keys = Array.from({ length: authors }, (_, a) => secret(`${label}-${a}`));
  const chainIds = keys.map((_, a) => createHash('sha256').update(`chain-${label}-${a}`).digest('hex').slice(0, 32));
  const last = new Array(authors).fill(null);
  const events = [];
  for (let i = 0; i < count; i += 1) {
    const a = i % authors;
    const tags = [['t', `topic${i % 100}`]];
    if (chained) {
      const seq = Math.floor(i / authors);
      tags.push(seq === 0 ? ['chain', chainIds[a], '0'] : ['chain', chainIds[a], String(seq), last[a]]);
    }
    const event = finalizeEvent({ kind: 1111, created_at: 1700000000 + i, tags, content: `event ${i} of ${label}` }, keys[a]);
    last[a] = event.id;
    events.push({ text: JSON.stringify(['EVENT', event]), author: a });
  }
  return events;
}

/** Sends all, `window` unanswered per connection; resolves with events per second. */
function ingest(clients, events, window) {
  return new Promise((resolve, reject) => {
    const shares = clients.map((_, k) => events.filter((e) => e.author % clients.length === k).map((e) => e.text));
    let remaining = events.length;
    const start = performance.now();
    clients.forEach((client, k) => {
      const share = shares[k];
      let sent = 0;
      let answered = 0;
      const fill = () => { while (sent < share.length && sent - answered < window) client.ws.send(share[sent++]); };
      const onMessage = (data) => {
        const text = data.toString();
        if (!text.startsWith('["OK"')) return;
        const message = JSON.parse(text);
        if (message[2] !== true || message[3] !== '') {
          client.ws.off('message', onMessage);
          reject(new Error(`unexpected reply ${text}`));
          return;
        }
        answered += 1;
        remaining -= 1;
        if (answered === share.length) client.ws.off('message', onMessage);
        if (remaining === 0) resolve(events.length / ((performance.now() - start) / 1000));
        else fill();
      };
      client.ws.on('message', onMessage);
      fill();
    });
  });
}

const options = parseArgs(process.argv.slice(2));
const relay = await startRelay({
  args: ['--events-per-second', '1000000000', '--ip-events-per-second', '1000000000',
    '--max-connections-per-ip', '10000'],
  startTimeoutMs: 60000,
});
try {
  const clients = await Promise.all(Array.from({ length: options.connections }, () => connect(relay.url)));
  const rates = { unchained: [], chained: [] };
  for (let round = 0; round < options.rounds; round += 1) {
    for (const kind of ['unchained', 'chained']) {
      const events = sign(options.events, options.authors, `${kind}-${round}`, kind === 'chained');
      rates[kind].push(await ingest(clients, events, options.window));
    }
  }
  const best = (list) => Math.max(...list);
  const result = {
    events: options.events,
    rounds: options.rounds,
    unchained_per_second: rates.unchained.map(Math.round),
    chained_per_second: rates.chained.map(Math.round),
    ratio_best: Number((best(rates.chained) / best(rates.unchained)).toFixed(3)),
  };
  console.log(JSON.stringify(result, null, 2));
  for (const client of clients) client.ws.close();
} finally {
  await relay.cleanup();
}
