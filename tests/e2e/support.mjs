// Browser test support: the real relay serving the built app (build/web + the wasm package),
// and Debian's Chromium driven by playwright-core, kept off the network (loopback only).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nip19 } from 'nostr-tools';
import { chromium } from 'playwright-core';
import { startRelay } from '../relay/support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_ROOT = process.env.DATT_WEB_ROOT ?? path.join(root, 'build', 'web');
export const WASM_ROOT = process.env.DATT_WASM_DIST ?? path.join(root, 'build', 'wasm', 'dist');
export const CHROMIUM = process.env.DATT_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots and other artifacts: build/test-output/e2e (or $DATT_TEST_OUTPUT). */
export const OUTPUT_DIR = process.env.DATT_TEST_OUTPUT ?? path.join(root, 'build', 'test-output', 'e2e');

export function requireBuilt() {
  for (const file of [path.join(WEB_ROOT, 'app.js'), path.join(WASM_ROOT, 'datt_core.wasm'), CHROMIUM]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" (and "npm run setup" for chromium)`);
  }
}

/** A port that was free a moment ago (so a relay can be restarted on the same address). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** datt-relay serving the app on a fixed port with its database in `dir`. */
export async function startAppRelay({ port, dir }) {
  return startRelay({ dir, database: path.join(dir, 'datt.sqlite3'),
    args: ['--port', String(port), '--web-root', WEB_ROOT, '--wasm-root', WASM_ROOT] });
}

const ARGS = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-default-apps', '--disable-extensions', '--no-pings',
  '--disable-domain-reliability', '--disable-breakpad', '--disable-gpu', '--disable-dev-shm-usage',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

// A context's page errors (console errors, uncaught exceptions) collected in `errors`.
function watched(context, extra) {
  const errors = [];
  context.on('weberror', (e) => errors.push(String(e.error())));
  return {
    context, errors, ...extra,
    async page() {
      const page = context.pages()[0] ?? await context.newPage();
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      return page;
    },
  };
}

/** A persistent Chromium profile (so reloads and relaunches keep IndexedDB). */
export async function launchProfile(profileDir = mkdtempSync(path.join(tmpdir(), 'datt-chromium-'))) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1200, height: 900 },
  });
  return watched(context, {
    profileDir,
    async close({ keepProfile = false } = {}) {
      await context.close();
      if (!keepProfile) rmSync(profileDir, { recursive: true, force: true });
    },
  });
}

/**
 * One Chromium for several users: `user()` is a new browser context (its own storage, kept
 * across reloads until the browser closes), shaped as launchProfile's.
 */
export async function launchBrowser() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  return {
    async user() {
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      return watched(context, { close: () => context.close() });
    },
    close: () => browser.close(),
  };
}

export async function screenshot(page, name) {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT_DIR, `${name}.png`), fullPage: true });
}

export function tempDir(prefix) {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Moves the app to a route (the hash router) without a reload. */
export async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
}

/**
 * Imports `secretKey` (bytes) through the Account page's import form with `passphrase`, and
 * waits until the app shows the account unlocked.
 */
export async function importAccount(page, secretKey, passphrase, timeout = 20000) {
  await go(page, '#/account');
  await page.getByTestId('tab-import').click();
  const form = page.getByTestId('import-account');
  await form.locator('textarea[name=secret]').fill(nip19.nsecEncode(secretKey));
  await form.locator('input[name=passphrase]').fill(passphrase);
  await form.locator('input[name=passphrase2]').fill(passphrase);
  await form.getByRole('button', { name: 'Import' }).click();
  await importDone(page, timeout);
}

/**
 * Waits until an import submitted on the Account page is done: the account unlocked AND the
 * app's own navigation away from the Account page made (the header can show the unlocked
 * account before the import form's promise resolves and navigates, which would undo a
 * test's next `go`).
 */
export async function importDone(page, timeout = 20000) {
  await page.getByTestId('lock-button').waitFor({ timeout });
  await page.waitForFunction(() => !location.hash.startsWith('#/account'), null, { timeout });
}

/** Submits a post from a community page's "new post" form; throws the form's error if any. */
export async function submitPost(page, title, body, timeout = 20000) {
  await page.getByTestId('new-post').click();
  const form = page.getByTestId('submit-form');
  await form.locator('input[name=title]').fill(title);
  await form.locator('textarea[name=body]').fill(body);
  await form.getByRole('button', { name: 'Post' }).click();
  await Promise.race([page.getByTestId('post-page').waitFor({ timeout }),
    form.getByRole('alert').waitFor({ timeout }).then(async () => {
      throw new Error(`posting failed: ${await form.getByRole('alert').innerText()}`);
    })]);
}

// --- the wallet e2e tests' regtest setup (tips, channels) ----------------------------------

const SEGWIT_HEIGHT = 432;   // bcoin's regtest activates segwit here (notes/bitcoin-node.md)
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/**
 * A real bcoin regtest node in `dir`/btc (in memory, loopback) mined past segwit's activation
 * to an address of nobody's, and datt-relay serving the app bridged to it (with `args` on
 * top, e.g. the hub's flags). Returns {node, relay, base, rpc, nobody}; stop relay then node.
 */
export async function startRegtestApp({ dir, datt, network = 'bcoin-regtest', args = [] }) {
  const { startBcoinNode } = await import('../support/bcoin_node.mjs');
  const { bridgeArgs, mineTo } = await import('../relay/bitcoin_support.mjs');
  const rpcPort = await freePort();
  const node = startBcoinNode(path.join(dir, 'btc'), rpcPort, { memory: true });
  await node.ready();
  const nobody = datt.bitcoin.scriptToAddress(datt.bitcoin.p2wpkhScript(new Uint8Array(20).fill(9)), network);
  await mineTo(node, SEGWIT_HEIGHT, nobody);
  const port = await freePort();
  const relay = await startRelay({ dir, database: path.join(dir, 'datt.sqlite3'),
    args: ['--port', String(port), '--web-root', WEB_ROOT, '--wasm-root', WASM_ROOT, ...bridgeArgs(dir, rpcPort, network), ...args] });
  return { node, relay, base: `http://127.0.0.1:${port}/`, rpc: (method, params) => node.rpc(method, params), nobody };
}

/** Imports a BIP-39 `mnemonic` (so the account has a wallet) on the Account page. */
export async function importMnemonic(page, mnemonic, passphrase, timeout = 60000) {
  await go(page, '#/account');
  await page.getByTestId('tab-import').click();
  const form = page.getByTestId('import-account');
  await form.locator('textarea[name=secret]').fill(mnemonic);
  await form.locator('input[name=passphrase]').fill(passphrase);
  await form.locator('input[name=passphrase2]').fill(passphrase);
  await form.getByRole('button', { name: 'Import' }).click();
  await importDone(page, timeout);
}

/** Polls `read()` until it returns `expected` (===); throws with the last value after `timeout` ms. */
export async function waitFor(what, read, expected, timeout = 60000) {
  const started = Date.now();
  for (;;) {
    const value = await read().catch(() => null);
    if (value === expected) return;
    if (Date.now() - started > timeout) throw new Error(`${what} is ${value}, expected ${expected}`);
    await sleep(200);
  }
}

/** A data-sats attribute of the first element with `testid` in `page`, as a BigInt (or null). */
export const satsOf = (page, testid) => page.getByTestId(testid).first().getAttribute('data-sats')
  .then((v) => (v === null ? null : BigInt(v)));

/** The Wallet page's "Get test coins": 1,000,000 sats, pending until a block. */
export async function fundWallet(page) {
  await go(page, '#/wallet');
  await page.getByTestId('wallet-page').waitFor({ timeout: 60000 });
  await page.getByTestId('faucet-button').click();
  // The relay's first faucet request mines the faucet's coins (101 blocks in bcoin's JS).
  await page.getByTestId('wallet-note').filter({ hasText: 'Test coins sent' }).waitFor({ timeout: 300000 });
  await waitFor('pending balance', () => satsOf(page, 'balance-pending'), 1_000_000n);
}
