// Placeholder web app: loads the wasm core and shows the public key of a fresh secret key.
// The secret key never leaves this function: it is not displayed, logged or stored.
const statusLine = document.getElementById('status');
const publicKeyOut = document.getElementById('public-key');
const newKeyButton = document.getElementById('new-key');

function showStatus(state, text) {
  statusLine.dataset.state = state;
  statusLine.textContent = text;
  statusLine.classList.toggle('error', state === 'error');
}

function showFreshPublicKey(datt) {
  const secretKey = datt.generateSecretKey(); // hex, from crypto.getRandomValues
  publicKeyOut.textContent = datt.publicKey(secretKey);
}

try {
  // A dynamic import, so a missing or broken module becomes a message on the page.
  const { loadDatt } = await import('/wasm/datt.mjs');
  const datt = await loadDatt();
  showFreshPublicKey(datt);
  newKeyButton.disabled = false;
  newKeyButton.addEventListener('click', () => showFreshPublicKey(datt));
  showStatus('ready', 'The Datt core is loaded.');
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  showStatus('error', `Could not load the Datt core from /wasm/datt.mjs: ${reason}. ` +
    'Build it with "npm run build" (or start with "npm start"), then reload.');
}
