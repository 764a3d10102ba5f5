// Tips on posts and comments (docs/web.md "Tips"): the verified total and the pending count
// (tips/view.js), and a tip button that opens an amount form and pays from the wallet
// (tips/pay.js), saying at each step what happens and what went wrong.
import { useState } from 'preact/hooks';
import { payTip } from '../tips/pay.js';
import { accountHref, html, useAction, useClient } from './hooks.js';
import { ErrorLine } from './common.js';

const plainSats = (sats) => `${sats.toLocaleString('en-US')} sat${sats === 1n ? '' : 's'}`;

/** "1,000 sats tipped · 1 pending" (nothing without tips). */
export function TipTotal({ summary }) {
  if (!summary || (summary.sats === 0n && summary.pending === 0)) return null;
  return html`<span class="tips" data-testid="tip-summary">
    ${summary.sats > 0n && html`<span class="tip-total" data-testid="tip-total" data-sats=${String(summary.sats)}
      title="Payments this browser verified: transaction and merkle proof against its own header chain">${plainSats(summary.sats)} tipped</span>`}
    ${summary.pending > 0 && html` <span class="muted tip-pending" data-testid="tip-pending" data-count=${summary.pending}
      title="Not verified yet (not mined, or not proven against this browser's chain): not counted">${summary.pending} pending tip${summary.pending === 1 ? '' : 's'}</span>`}
  </span>`;
}

export function TipButton({ record }) {
  const client = useClient();
  const [open, setOpen] = useState(false);
  if (record.deleted || record.pubkey === client.publicKey || !client.state.account) return null;
  if (!open) return html`<button class="link" data-testid="tip-button" onClick=${() => setOpen(true)}>tip</button>`;
  return html`<${TipForm} record=${record} onClose=${() => setOpen(false)} />`;
}

function TipForm({ record, onClose }) {
  const client = useClient();
  const [amount, setAmount] = useState('');
  const [message, setMessage] = useState('');
  const [step, setStep] = useState('');
  const [done, setDone] = useState(null);
  const [action, run] = useAction();
  const submit = (e) => {
    e.preventDefault();
    setDone(null);
    run(async () => {
      try {
        const paid = await payTip(client, { record, amountText: amount, message }, setStep);
        setDone(paid);
        setAmount('');
        setMessage('');
      } finally {
        setStep('');
      }
    });
  };
  return html`<form class="tip-form inline" data-testid="tip-form" onSubmit=${submit}>
    ${!client.unlocked && html`<p class="notice" data-testid="tip-locked">Your key is locked: <a href=${accountHref()}>unlock it</a> to tip.</p>`}
    <label>Tip (sats) <input class="short" data-testid="tip-amount" inputmode="numeric" value=${amount} required
      onInput=${(e) => setAmount(e.target.value)} /></label>
    <label>Message <input data-testid="tip-message" maxlength="1000" value=${message} onInput=${(e) => setMessage(e.target.value)} /></label>
    <button class="primary" data-testid="tip-send" disabled=${action.busy || !client.unlocked}>Send tip</button>
    <button type="button" class="link" data-testid="tip-cancel" onClick=${onClose}>cancel</button>
    ${step && html`<span class="muted" data-testid="tip-step" aria-live="polite">${step}</span>`}
    ${done && html`<p class="notice" data-testid="tip-done">Tipped ${plainSats(done.sats)} in ${done.txid.slice(0, 12)}…: pending until it is mined and verified.</p>`}
    <${ErrorLine} error=${action.error} />
  </form>`;
}
