// Entry point of the web app: starts the client (wasm core, local store, sync worker) and
// renders the UI. Errors before the UI exists are shown in #boot.
import { render } from 'preact';
import { Client } from './app/client.js';
import { App } from './ui/app.js';
import { ClientContext, html } from './ui/hooks.js';
import { applyTheme } from './ui/pages.js';

const boot = document.getElementById('boot');
applyTheme();
matchMedia('(prefers-color-scheme: dark)').addEventListener?.('change', applyTheme);
try {
  const client = await Client.start();
  globalThis.dattClient = client; // for benchmarks and tests (no secrets reachable through it)
  boot.remove();
  render(html`<${ClientContext.Provider} value=${client}><${App} /></${ClientContext.Provider}>`,
    document.getElementById('root'));
  document.documentElement.dataset.ready = 'true';
  // The app shell cache for offline use; failing to register only loses offline reloads.
  navigator.serviceWorker?.register('/sw.js').then(() => navigator.serviceWorker.ready)
    .then(() => { document.documentElement.dataset.offlineReady = 'true'; })
    .catch((error) => console.warn('offline cache unavailable:', error.message));
} catch (error) {
  boot.dataset.state = 'error';
  boot.textContent = `Datt could not start: ${error?.message ?? error}. ` +
    'Check that this browser allows IndexedDB and WebAssembly (private windows may not), then reload.';
}
