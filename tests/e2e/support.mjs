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

/** A persistent Chromium profile (so reloads and relaunches keep IndexedDB). */
export async function launchProfile(profileDir = mkdtempSync(path.join(tmpdir(), 'datt-chromium-'))) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1200, height: 900 },
  });
  const errors = [];
  context.on('weberror', (e) => errors.push(String(e.error())));
  return {
    context, profileDir, errors,
    async page() {
      const page = context.pages()[0] ?? await context.newPage();
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      return page;
    },
    async close({ keepProfile = false } = {}) {
      await context.close();
      if (!keepProfile) rmSync(profileDir, { recursive: true, force: true });
    },
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
