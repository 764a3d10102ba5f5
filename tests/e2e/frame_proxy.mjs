// A proxy on 127.0.0.1 between one user's browser and the relay (HTTP and WebSockets, so the
// page, its worker's relay and its hub connection all go through it) that counts the
// payment channel frames (binary WebSocket messages) in both directions on a FrameGate shared
// by the users' proxies: after frame k it holds every further channel frame, so that the test
// can reload a page at exactly that point, then lets the held frames go on. NIP-01 text
// frames always pass (they are not channel frames).
import http from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';

import { nameOf } from '../relay/hub_steps.mjs';

/** The count of channel frames of all the proxies, and the point where they stop. */
export class FrameGate {
  seen = [];
  holding = false;
  #stopAt = Infinity;
  #frozen = new Set();
  #proxies = [];

  add(proxy) { this.#proxies.push(proxy); }

  /** Counts from zero; frame `k` passes, the ones after it are held. */
  arm(k) {
    this.seen = [];
    this.#stopAt = k;
    this.holding = false;
  }

  /**
   * True when a frame on `pipe` passes now (counted unless the gate holds), false when it is
   * held: while holding, the connections open at the stop hold; new ones (a reloaded page's)
   * pass, uncounted.
   */
  pass(label, pipe) {
    if (this.holding) return !this.#frozen.has(pipe);
    this.seen.push(label);
    if (this.seen.length === this.#stopAt) {
      this.holding = true;
      this.#frozen = new Set(this.#proxies.flatMap((proxy) => proxy.pipes()));
    }
    return true;
  }

  /** Stops counting; the frames held on connections still open go on, in order. */
  release() {
    this.#stopAt = Infinity;
    this.holding = false;
    this.#frozen = new Set();
    for (const proxy of this.#proxies) proxy.flush();
  }
}

/** One direction of a proxied connection: messages to `to`, channel frames held while the gate holds. */
class Pipe {
  held = [];

  constructor(to, gate, label) {
    this.to = to;
    this.gate = gate;
    this.label = label;
  }

  message(data, isBinary) {
    if (!isBinary) {
      this.to.send(data, { binary: false });
      return;
    }
    // Behind a held frame every frame waits, so that the order on the connection is kept.
    if (this.held.length || !this.gate.pass(`${this.label} ${nameOf(data)}`, this)) this.held.push(data);
    else this.to.send(data, { binary: true });
  }

  flush() {
    for (const data of this.held.splice(0)) this.to.send(data, { binary: true });
  }
}

/**
 * Listens on a free port of 127.0.0.1 for `who`'s browser, forwarding to the relay on
 * `relayPort`. {base (the app's URL through the proxy), open() (connections open now), pipes(),
 * flush() (sends what is held), close()}.
 */
export async function startFrameProxy({ who, relayPort, gate }) {
  const connections = new Set();
  const server = http.createServer((req, res) => {
    const upstream = http.request({ host: '127.0.0.1', port: relayPort, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const relay = new WebSocket(`ws://127.0.0.1:${relayPort}${req.url}`);
    relay.on('error', () => socket.destroy());
    relay.on('open', () => wss.handleUpgrade(req, socket, head, (page) => {
      const connection = { page, relay, up: new Pipe(relay, gate, `${who} ->`), down: new Pipe(page, gate, `-> ${who}`) };
      connections.add(connection);
      page.on('message', (data, isBinary) => connection.up.message(data, isBinary));
      relay.on('message', (data, isBinary) => connection.down.message(data, isBinary));
      // Either side gone: the other goes too, and what was held for it is lost with it.
      const end = () => {
        connections.delete(connection);
        page.terminate();
        relay.terminate();
      };
      page.on('close', end);
      page.on('error', end);
      relay.on('close', end);
    }));
  });
  await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  const proxy = {
    base: `http://127.0.0.1:${server.address().port}/`,
    open: () => new Set(connections),
    pipes: () => [...connections].flatMap((c) => [c.up, c.down]),
    flush() {
      for (const c of connections) {
        c.up.flush();
        c.down.flush();
      }
    },
    async close() {
      for (const c of connections) c.page.terminate();
      server.closeAllConnections?.();
      await new Promise((resolve) => { server.close(resolve); });
    },
  };
  gate.add(proxy);
  return proxy;
}
