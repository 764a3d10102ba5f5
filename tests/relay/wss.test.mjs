// wss:// peers: `datt-relay sync` and replication reach a relay behind TLS, check its
// certificate (chain and name), and refuse a certificate they cannot trust. The TLS side is a
// small terminator in this process (node:tls, the way operators put a TLS proxy in front of a
// relay) forwarding to a real relay; certificates are made here with the openssl command.
// Everything listens on 127.0.0.1 and is stopped at the end.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:tls';
import { after, before, test } from 'node:test';

import {
  GENEROUS_LIMITS, connect, countEvents, newKey, publishOk, relayPath, signEvent, sleep, startRelay,
  uniqueTag,
} from './support.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'datt-wss-'));
const cleanups = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** A self-signed certificate (P-256) naming `san`, e.g. "IP:127.0.0.1"; returns file paths. */
function makeCertificate(name, san) {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', `/CN=${name}`, '-addext', `subjectAltName=${san}`],
  { stdio: 'ignore' });
  return { key, cert };
}

/** A TLS terminator on 127.0.0.1 forwarding each connection to the relay's plain port. */
async function startTlsProxy({ key, cert }, relayPort) {
  const sockets = new Set();
  const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (secure) => {
    const plain = tcpConnect(relayPort, '127.0.0.1');
    for (const s of [secure, plain]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { secure.destroy(); plain.destroy(); });
    }
    secure.pipe(plain);
    plain.pipe(secure);
  });
  server.on('tlsClientError', () => {});  // a client that refuses our certificate
  await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  const stop = async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => { server.close(resolve); });
  };
  cleanups.push(stop);
  return { port: server.address().port, stop };
}

function sync(args) {
  return new Promise((resolve) => {
    execFile(relayPath(), ['sync', ...args], { timeout: 30000 }, (error, stdout, stderr) => {
      resolve({ code: error ? error.code : 0, stdout, stderr });
    });
  });
}

let source;
let trusted;
let tag;
const author = newKey();
before(async () => {
  source = await startRelay({ args: GENEROUS_LIMITS });
  cleanups.push(() => source.cleanup());
  tag = uniqueTag('wss');
  const client = await connect(source.url);
  for (let i = 0; i < 25; i += 1) await publishOk(client, signEvent({ tags: [['t', tag]], content: `tls ${i}` }, author));
  client.close();
  const good = makeCertificate('relay-ip', 'IP:127.0.0.1');
  trusted = { ...good, proxy: await startTlsProxy(good, new URL(source.url).port) };
});

test('datt-relay sync over wss:// with the peer\'s certificate trusted by --ca-file', async () => {
  const database = path.join(dir, 'synced.sqlite3');
  const url = `wss://127.0.0.1:${trusted.proxy.port}`;
  const run = await sync([url, JSON.stringify({ '#t': [tag] }), '--database', database, '--ca-file', trusted.cert]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /peer has 25 events we lack/);
  assert.match(run.stdout, /stored 25, already had 0/);
  const again = await sync([url, JSON.stringify({ '#t': [tag] }), '--database', database, '--ca-file', trusted.cert]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /reconciled 25 local events/);
  assert.match(again.stdout, /peer has 0 events we lack/);
});

test('an untrusted or misnamed certificate is refused with the reason', async () => {
  const url = `wss://127.0.0.1:${trusted.proxy.port}`;
  const database = path.join(dir, 'refused.sqlite3');
  // Self-signed and not in the system's roots: refused without --ca-file.
  const untrusted = await sync([url, '{}', '--database', database]);
  assert.equal(untrusted.code, 1, untrusted.stdout);
  assert.match(untrusted.stderr, /connect_failed: TLS handshake .* failed: certificate: self.signed certificate/);
  // Trusted, but it names another host.
  const other = makeCertificate('other-name', 'DNS:relay.other.example');
  const misnamed = await startTlsProxy(other, new URL(source.url).port);
  const wrongName = await sync([`wss://127.0.0.1:${misnamed.port}`, '{}', '--database', database, '--ca-file', other.cert]);
  assert.equal(wrongName.code, 1, wrongName.stdout);
  assert.match(wrongName.stderr, /certificate: (IP address|hostname) mismatch/);
  await misnamed.stop();
  // A plain ws:// relay is not a wss:// one, and --ca-file cannot be read.
  const plainPort = new URL(source.url).port;
  const notTls = await sync([`wss://127.0.0.1:${plainPort}`, '{}', '--database', database]);
  assert.equal(notTls.code, 1);
  assert.match(notTls.stderr, /connect_failed: TLS handshake/);
  const noFile = await sync([url, '{}', '--database', database, '--ca-file', path.join(dir, 'missing.pem')]);
  assert.equal(noFile.code, 1);
  assert.match(noFile.stderr, /connect_failed: cannot load trusted certificates from .*missing\.pem/);
});

test('replication from a wss:// peer: catch-up, then live events', async () => {
  const peers = path.join(dir, 'peers.json');
  writeFileSync(peers, JSON.stringify([{
    url: `wss://127.0.0.1:${trusted.proxy.port}`, ca_file: trusted.cert, filters: [{ '#t': [tag] }],
  }]));
  const replica = await startRelay({ args: [...GENEROUS_LIMITS, '--peers', peers] });
  cleanups.push(() => replica.cleanup());
  const count = async () => {
    const client = await connect(replica.url);
    try { return await countEvents(client, [{ '#t': [tag] }]); } finally { client.close(); }
  };
  const until = async (n) => {
    for (let i = 0; i < 300 && (await count()) < n; i += 1) await sleep(100);
    return count();
  };
  assert.equal(await until(25), 25, 'caught up over TLS');
  const client = await connect(source.url);
  await publishOk(client, signEvent({ tags: [['t', tag]], content: 'live over tls' }, author));
  client.close();
  assert.equal(await until(26), 26, 'the live event arrived over TLS');
  const metrics = await (await fetch(`${replica.httpUrl}/metrics`)).text();
  assert.match(metrics, new RegExp(`datt_peer_connected\\{peer="wss://127\\.0\\.0\\.1:${trusted.proxy.port}"\\} 1`));
});

test('a peers file with ca_file on a ws:// peer or an unreadable ca_file stops startup', async () => {
  for (const [entry, message] of [
    [{ url: 'ws://127.0.0.1:1', ca_file: trusted.cert, filters: [{}] }, /"ca_file" applies to wss:\/\/ only/],
    [{ url: 'wss://127.0.0.1:1', ca_file: path.join(dir, 'nope.pem'), filters: [{}] }, /cannot read ca_file/],
  ]) {
    const peers = path.join(dir, 'bad-peers.json');
    writeFileSync(peers, JSON.stringify([entry]));
    const run = await new Promise((resolve) => {
      execFile(relayPath(), ['--port', '0', '--database', path.join(dir, 'bad.sqlite3'), '--peers', peers],
        { timeout: 20000 }, (error, stdout, stderr) => { resolve({ code: error ? error.code : 0, stderr }); });
    });
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, message);
  }
});
