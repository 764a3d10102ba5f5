// Identity: create (mnemonic shown once, then checked), import (mnemonic, nsec or hex),
// unlock, export. Keys follow NIP-06 (m/44'/1237'/0'/0/0 from the BIP-39 seed). The key is
// derived, sealed, unsealed and held by the tab's signer worker (signer.js), never on this
// thread; it is in IndexedDB only sealed (lib/keystore.js).
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { passphraseProblem } from '../lib/keystore.js';
import { ErrorLine } from './common.js';
import { html, navigate, nextRoute, useAction, useClient } from './hooks.js';

function PassphraseFields({ value, setValue }) {
  return html`<label>Passphrase (encrypts the key in this browser)
      <input type="password" autocomplete="new-password" name="passphrase" value=${value.a}
        onInput=${(e) => setValue({ ...value, a: e.target.value })} /></label>
    <label>Repeat passphrase
      <input type="password" autocomplete="new-password" name="passphrase2" value=${value.b}
        onInput=${(e) => setValue({ ...value, b: e.target.value })} /></label>`;
}

function checkPassphrase({ a, b }) {
  const problem = passphraseProblem(a);
  if (problem) throw new Error(`Passphrase: ${problem}.`);
  if (a !== b) throw new Error('The two passphrases differ.');
  return a;
}

function pickChecks(count) {
  const picks = new Set();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  for (const b of bytes) {
    picks.add(b % count);
    if (picks.size === 3) break;
  }
  return [...picks].sort((x, y) => x - y);
}

function CreateAccount() {
  const client = useClient();
  const mnemonic = useMemo(() => client.datt.generateMnemonic(12), []);
  const words = mnemonic.split(' ');
  const checks = useMemo(() => pickChecks(words.length), [mnemonic]);
  const [step, setStep] = useState('show');
  const [answers, setAnswers] = useState({});
  const [pass, setPass] = useState({ a: '', b: '' });
  const [action, run, fail] = useAction();
  if (step === 'show') {
    return html`<div class="card" data-testid="create-account">
      <h2>Your recovery phrase</h2>
      <p>These 12 words are your account. Write them down and keep them safe: anyone with them
        controls the account, and nobody can recover it for you. They are shown only now.</p>
      <ol class="mnemonic" data-testid="mnemonic">${words.map((w) => html`<li>${w}</li>`)}</ol>
      <button class="primary" data-testid="wrote-it-down" onClick=${() => setStep('check')}>I wrote it down</button>
    </div>`;
  }
  const submit = (e) => {
    e.preventDefault();
    for (const i of checks) {
      if ((answers[i] ?? '').trim().toLowerCase() !== words[i]) {
        fail(`Word #${i + 1} does not match. Check what you wrote down, or go back to see the words again.`);
        return;
      }
    }
    run(async () => {
      const passphrase = checkPassphrase(pass);
      await client.createAccount({ mnemonic }, passphrase);
      navigate('/settings/profile');
    });
  };
  return html`<form class="card" onSubmit=${submit} data-testid="check-mnemonic">
    <h2>Check your phrase</h2>
    ${checks.map((i) => html`<label>Word #${i + 1}<input name=${`word${i + 1}`} autocomplete="off" autocapitalize="none"
      value=${answers[i] ?? ''} onInput=${(e) => setAnswers({ ...answers, [i]: e.target.value })} /></label>`)}
    <${PassphraseFields} value=${pass} setValue=${setPass} />
    <div class="row"><button type="button" onClick=${() => setStep('show')}>Show the words again</button>
      <button class="primary" type="submit" disabled=${action.busy}>${action.busy ? 'Encrypting…' : 'Create account'}</button></div>
    <${ErrorLine} error=${action.error} />
  </form>`;
}

function ImportAccount() {
  const client = useClient();
  const [secret, setSecret] = useState('');
  const [pass, setPass] = useState({ a: '', b: '' });
  const [action, run] = useAction();
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      // The signer worker reads what was pasted (mnemonic, nsec or hex) and says what is wrong.
      await client.createAccount({ secret }, checkPassphrase(pass));
      setSecret('');
      navigate(nextRoute('/'));
    });
  };
  return html`<form class="card" onSubmit=${submit} data-testid="import-account">
    <h2>Import an account</h2>
    <label>Recovery phrase, nsec or hex secret key
      <textarea name="secret" rows="3" autocomplete="off" spellcheck="false" value=${secret}
        onInput=${(e) => setSecret(e.target.value)}></textarea></label>
    <${PassphraseFields} value=${pass} setValue=${setPass} />
    <button class="primary" type="submit" disabled=${action.busy}>${action.busy ? 'Encrypting…' : 'Import'}</button>
    <${ErrorLine} error=${action.error} />
  </form>`;
}

export function UnlockForm({ onUnlocked }) {
  const client = useClient();
  const [passphrase, setPassphrase] = useState('');
  const [remember, setRemember] = useState(false);
  const [action, run] = useAction();
  const input = useRef(null);
  // After a wrong passphrase the field keeps the focus, selected, to type it again.
  useEffect(() => { if (action.error) input.current?.select(); }, [action.error]);
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      await client.unlock(passphrase, remember);
      setPassphrase('');
      onUnlocked?.();
    });
  };
  return html`<form class="card" onSubmit=${submit} data-testid="unlock-form">
    <h2>Unlock your key</h2>
    <p class="muted">Signing needs your key; it stays encrypted in this browser until you unlock it.</p>
    <label>Passphrase <input ref=${input} type="password" name="passphrase" autocomplete="current-password" value=${passphrase}
      onInput=${(e) => setPassphrase(e.target.value)} /></label>
    <label class="inline"><input type="checkbox" name="remember" data-testid="remember" checked=${remember}
      onChange=${(e) => setRemember(e.target.checked)} /> Stay unlocked on this device</label>
    <p class="muted small">Reloads and new tabs then need no passphrase. Only on a device that is yours: anyone using
      this browser can post as you until you lock.</p>
    <button class="primary" type="submit" disabled=${action.busy || !passphrase}>${action.busy ? 'Unlocking…' : 'Unlock'}</button>
    <${ErrorLine} error=${action.error} />
  </form>`;
}

export function ExportKey() {
  const client = useClient();
  const [passphrase, setPassphrase] = useState('');
  const [secret, setSecret] = useState(null);
  const [action, run] = useAction();
  if (secret) {
    return html`<div class="card" data-testid="export">
      <h2>Your secret key</h2>
      <p class="warning">Anyone who sees this controls your account.</p>
      <p><code class="secret" data-testid="nsec">${secret.nsec}</code></p>
      <div class="row"><${CopyButton} text=${secret.nsec} label="Copy nsec" /></div>
      ${secret.mnemonic && html`<p>Recovery phrase:</p>
        <ol class="mnemonic" data-testid="export-mnemonic">${secret.mnemonic.split(' ').map((w) => html`<li>${w}</li>`)}</ol>`}
      <button onClick=${() => setSecret(null)}>Hide</button>
    </div>`;
  }
  return html`<form class="card" data-testid="export-form" onSubmit=${(e) => {
    e.preventDefault();
    run(async () => setSecret(await client.exportSecret(passphrase)));
    setPassphrase('');
  }}>
    <h2>Export your key</h2>
    <label>Passphrase <input type="password" name="passphrase" value=${passphrase} onInput=${(e) => setPassphrase(e.target.value)} /></label>
    <button type="submit" disabled=${action.busy || !passphrase}>Show secret key</button>
    <${ErrorLine} error=${action.error} />
  </form>`;
}

function CopyButton({ text, label }) {
  const [state, setState] = useState('');
  return html`<button type="button" onClick=${() => navigator.clipboard.writeText(text).then(
    () => setState('Copied.'), () => setState('Copying is not allowed here: select the text instead.'))}>${label}</button>
    ${state && html`<span class="muted small" role="status">${state}</span>`}`;
}

export function AccountPage() {
  const client = useClient();
  const [mode, setMode] = useState('create');
  if (client.state.account) {
    const next = nextRoute(null);
    return client.unlocked
      ? html`<div class="card" data-testid="signed-in"><p>You are signed in and your key is unlocked.</p>
          <div class="row"><a class="button primary" href=${`#${next ?? '/'}`}>${next ? 'Go back' : 'Home'}</a>
            <a class="button" href="#/settings">Settings</a></div></div>`
      : html`<${UnlockForm} onUnlocked=${() => next && navigate(next)} />`;
  }
  return html`<div class="account-page">
    <p class="muted">A Datt account is a key that only you hold: no e-mail, no company. Create one, or
      bring one you have (a recovery phrase or an nsec from another Nostr app).</p>
    <div class="tabs" role="tablist">
      <button role="tab" aria-selected=${mode === 'create'} class=${mode === 'create' ? 'on' : ''} data-testid="tab-create"
        onClick=${() => setMode('create')}>Create account</button>
      <button role="tab" aria-selected=${mode === 'import'} class=${mode === 'import' ? 'on' : ''} data-testid="tab-import"
        onClick=${() => setMode('import')}>Import</button>
    </div>
    ${mode === 'create' ? html`<${CreateAccount} />` : html`<${ImportAccount} />`}
  </div>`;
}
