// Tips on posts and comments (docs/web.md "Tips"): the verified total (on-chain tips and
// channel receipts, each payment once), who paid, and the pending count (tips/view.js), and a
// tip button that opens an amount form and pays over the channel (tips/channel_tip.js, with a
// receipt; optionally a paid up-vote) or from the wallet on chain (tips/pay.js), saying at each
// step what happens and what went wrong.
import { useState } from 'preact/hooks';
import { payTip } from '../tips/pay.js';
import { tipOverChannel } from '../tips/channel_tip.js';
import { fetchReceipts } from '../tips/view.js';
import { accountHref, html, useAction, useClient } from './hooks.js';
import { Author, ErrorLine } from './common.js';

const plainSats = (sats) => `${sats.toLocaleString('en-US')} sat${sats === 1n ? '' : 's'}`;

/** "1,000 sats tipped · 1 pending" (nothing without tips). */
export function TipTotal({ summary }) {
  if (!summary || (summary.sats === 0n && summary.pending === 0)) return null;
  return html`<span class="tips" data-testid="tip-summary">
    ${summary.sats > 0n && html`<span class="tip-total" data-testid="tip-total" data-sats=${String(summary.sats)}
      title="Payments this browser verified: transaction and merkle proof against its own header chain">${plainSats(summary.sats)} tipped</span>`}
    ${summary.payers?.length > 0 && html` <span class="muted tip-payers" data-testid="tip-payers"
      title="Payments over channels proven by receipts this browser verified">from ${summary.payers.slice(0, 3).map((p, i) =>
      html`${i > 0 ? ', ' : ''}<span data-testid="tip-payer" data-pubkey=${p.payer} data-sats=${String(p.sats)}><${Author} pubkey=${p.payer} /> (${plainSats(p.sats)})</span>`)}${summary.payers.length > 3 ? ` and ${summary.payers.length - 3} more` : ''}</span>`}
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
  const [paidVote, setPaidVote] = useState(false);
  const [action, run] = useAction();
  const overChannel = (e) => {
    e.preventDefault();
    setDone(null);
    run(async () => {
      try {
        const paid = await tipOverChannel(client, { record, amountText: amount, vote: paidVote }, setStep);
        setDone({ ...paid, channel: true, vote: paidVote });
        setAmount('');
        // The hub publishes the receipt as the author fulfils: ask for it (then again, in case it is late).
        for (const ms of [300, 2000, 6000]) setTimeout(() => fetchReceipts(client, [record.id], { force: true }).catch(() => {}), ms);
      } finally {
        setStep('');
      }
    });
  };
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
    <button type="button" class="primary" data-testid="tip-channel" disabled=${action.busy || !client.unlocked} onClick=${overChannel}
      title="Instantly through your payment channel, with a receipt the hub publishes">Tip over channel</button>
    <label class="small" title="A paid vote: your up vote, published once the tip is paid"><input type="checkbox" data-testid="tip-vote"
      checked=${paidVote} onChange=${(e) => setPaidVote(e.target.checked)} /> and up-vote</label>
    <button data-testid="tip-send" disabled=${action.busy || !client.unlocked}>Send on chain</button>
    <button type="button" class="link" data-testid="tip-cancel" onClick=${onClose}>cancel</button>
    ${step && html`<span class="muted" data-testid="tip-step" aria-live="polite">${step}</span>`}
    ${done?.channel && html`<p class="notice" data-testid="tip-channel-done">Paid ${plainSats(done.sats)} over your channel${done.vote ? ' and up-voted' : ''}: the hub's receipt will show it to everyone.</p>`}
    ${done && !done.channel && html`<p class="notice" data-testid="tip-done">Tipped ${plainSats(done.sats)} in ${done.txid.slice(0, 12)}…: pending until it is mined and verified.</p>`}
    <${ErrorLine} error=${action.error} />
  </form>`;
}
