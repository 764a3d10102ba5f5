// The Channels page (docs/web.md "Channels"): a payment channel to the wallet relay's hub.
// Open one with an amount (funded by the browser wallet's on-chain payment), watch it
// confirm, see its balances, make invoices to receive, pay invoices through the hub. The
// page reads `datt-channels` and the wallet's database; every change goes through the owner
// tab's worker (channels/sync.js), which alone holds the channels' seeds and signs.
import { useEffect, useRef, useState } from 'preact/hooks';
import { checkFundingAmount, formatMsat, invoiceSummary, isOpenChannel, parseInvoiceAmount, payeeChannelOf } from '../channels/records.js';
import { askLimits, checkAskAmount, defaultAskSats } from '../channels/hub_open.js';
import { resolutionSummary } from '../channels/resolution.js';
import { openChannelDatabase, readChannelData } from '../channels/store.js';
import { spendableCoins, summarize } from '../wallet/records.js';
import { openWalletDatabase, readAccount, readChain, readScan, readWallet } from '../wallet/store.js';
import { accountHref, html, useAction, useClient } from './hooks.js';
import { ErrorLine, Loading } from './common.js';

const FUNDING_FEE_RATE = 5;   // sat/vB of the funding payment
const unhex = (text) => new Uint8Array(text.match(/../g).map((h) => parseInt(h, 16)));
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

let databases = null;
function open() {
  databases ??= Promise.all([openChannelDatabase(), openWalletDatabase()]);
  return databases;
}

function useChannelData(client) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const versions = [client.state.channelsVersion, client.state.walletVersion];
  useEffect(() => {
    let live = true;
    (async () => {
      const [channelDb, walletDb] = await open();
      await Promise.all([client.datt.loadPayments(), client.datt.loadChannels()]);
      const stored = await readChannelData(channelDb);
      const account = await readAccount(walletDb);
      let wallet = null;
      if (account) {
        const { coins, txs } = await readWallet(walletDb);
        const chain = await readChain(walletDb, account.network);
        const scan = client.datt.bitcoin.wallet.scan(account.xpub, (await readScan(walletDb))?.progress ?? null, [], { network: account.network });
        const change = client.datt.bitcoin.wallet.addresses(account.xpub, 1, scan.nextChange, 1, { network: account.network })[0];
        wallet = { account, coins, txs, chain, change, ...summarize(coins, txs) };
      }
      // The machine's own view of each stored state (the wasm parse checks the bytes again).
      const channels = stored.channels.map((record) => {
        try {
          return { ...record, info: client.datt.channel.info(record.state) };
        } catch (e) {
          return { ...record, info: null, damaged: e.message };
        }
      });
      return { ...stored, channels, wallet };
    })().then((value) => live && (setData(value), setError(null)), (e) => live && setError(e));
    return () => { live = false; };
  }, versions);
  return { data, error };
}

const STAGE_TEXT = {
  opening: 'Asking the hub to open the channel…',
  funding_needed: 'Paying the funding transaction from your wallet…',
  funding_signing: 'Waiting for the hub to sign its side before broadcasting…',
  funding_broadcast: 'Broadcasting the funding payment…',
  accepting: 'The hub proposed the channel and you accepted: waiting for the hub to fund it…',
  closed: 'Closed.',
  failed: 'Not opened.',
};

function Msat({ msat, testid }) {
  return html`<span data-testid=${testid} data-msat=${String(msat)}>${formatMsat(BigInt(msat))}</span>`;
}

/** The wallet pays the channel's funding output; the owner broadcasts once the hub signed. */
function Funding({ channel, wallet }) {
  const client = useClient();
  const [action, run] = useAction();
  const tried = useRef(false);
  const fund = () => run(async () => {
    const coins = spendableCoins(wallet.coins, wallet.txs);
    const unsigned = client.datt.bitcoin.wallet.buildPayment({
      payees: [{ scriptPubKey: unhex(channel.funding.script), value: BigInt(channel.funding.sats) }], coins,
      feeRate: FUNDING_FEE_RATE, changeScript: wallet.change.scriptPubKey }, { network: wallet.account.network });
    const vout = unsigned.tx.outputs.findIndex((o) => (typeof o.scriptPubKey === 'string' ? o.scriptPubKey : hex(o.scriptPubKey)) === channel.funding.script);
    await client.channelFund({ id: channel.id, network: wallet.account.network, unsigned, vout });
  });
  useEffect(() => {
    if (!tried.current && client.unlocked) {
      tried.current = true;
      fund();
    }
  }, [client.unlocked]);
  return html`<div>
    ${!client.unlocked && html`<p class="notice" data-testid="channel-locked">Your key is locked: <a href=${accountHref()}>unlock it</a> to pay the funding transaction.</p>`}
    ${action.error && html`<p><button data-testid="channel-fund-retry" disabled=${action.busy} onClick=${fund}>Try the funding payment again</button></p>`}
    <${ErrorLine} error=${action.error} /></div>`;
}

/** Close: a cooperative close with the hub, after a confirmation (the sats go back to the wallet). */
function CloseChannel({ channel }) {
  const client = useClient();
  const [asking, setAsking] = useState(false);
  const [action, run] = useAction();
  const local = BigInt(channel.info?.to_local_msat ?? 0);
  const close = () => run(async () => {
    await client.channelClose(channel.id);
    setAsking(false);
  });
  if (!asking) {
    return html`<p><button data-testid="channel-close" onClick=${() => setAsking(true)}>Close channel</button></p>`;
  }
  return html`<div class="notice" data-testid="channel-close-confirm">
    <p>Close this channel? Your ${formatMsat(local)} go back to your wallet on chain (${channel.fundee ? 'whole sats: the hub pays the closing fee'
      : 'less the closing fee, whole sats'}),
      once the hub agrees and the closing transaction confirms. The hub must be online for this.</p>
    <p><button class="primary" data-testid="channel-close-yes" disabled=${action.busy} onClick=${close}>Yes, close it</button>
      <button data-testid="channel-close-cancel" disabled=${action.busy} onClick=${() => setAsking(false)}>Cancel</button></p>
    <${ErrorLine} error=${action.error} /></div>`;
}

/** Where a close is: negotiating, broadcast, confirmed in the wallet. */
function closingText(channel, wallet) {
  if (channel.stage === 'closing') {
    const htlcs = channel.info?.htlcs ?? 0;
    return htlcs > 0 ? `Closing: waiting for ${htlcs} payment${htlcs === 1 ? '' : 's'} in flight to settle first…`
      : 'Closing: agreeing on the closing transaction with the hub…';
  }
  const c = channel.closing;
  if (!c) return STAGE_TEXT.closed;
  const back = `${c.ourSats.toLocaleString('en')} sats`;
  const tx = wallet?.txs?.find((t) => t.txid === c.txid);
  if (tx?.status === 'confirmed') return `Closed: ${back} are back in your wallet (confirmed).`;
  if (!c.broadcast) return `Closed: ${back} back to your wallet once the closing transaction is broadcast…`;
  return `Closed: ${back} back to your wallet, waiting for confirmation.`;
}

// What the browser does after the hub's close (channels/resolution.js), in words.
function resolutionText(resolution) {
  const { kind, sats, after, confirmed } = resolutionSummary(resolution);
  const amount = `${sats.toLocaleString('en')} sats`;
  if (kind === 'revoked_commitment') {
    return confirmed ? `It broadcast an old state: your penalty transaction took the whole channel (${amount}), confirmed.`
      : `It broadcast an old state: your penalty transaction takes the whole channel (${amount}).`;
  }
  if (confirmed) return `${amount} came back to your wallet (confirmed).`;
  if (resolution.txs.length === 0) return 'Nothing of it is yours to take back.';
  return after === null ? `${amount} come back to your wallet once its transaction is in a block.`
    : `${amount} come back to your wallet from block ${after}.`;
}

function Channel({ channel, wallet }) {
  const info = channel.info;
  let stage = STAGE_TEXT[channel.stage] ?? '';
  if (channel.stage === 'closing' || channel.stage === 'closed') stage = closingText(channel, wallet);
  if (channel.stage === 'confirming') {
    const have = channel.confirmations ?? 0;
    const left = Math.max(0, channel.minimumDepth - have);
    stage = left > 0 ? `Waiting for ${left} confirmation${left === 1 ? '' : 's'} of the funding payment (${have} of ${channel.minimumDepth}).`
      : 'Confirmed: waiting for the hub to say the channel is ready…';
    if (channel.fundee && have === 0) stage = `The hub funded the channel: waiting for its funding transaction to be in a block (${channel.minimumDepth} confirmation${channel.minimumDepth === 1 ? '' : 's'} needed).`;
  }
  const unilateral = channel.spentBy?.kind === 'unilateral';
  return html`<section class="card" data-testid="channel" data-stage=${channel.stage} data-id=${channel.id}
    data-spent=${channel.spentBy?.kind ?? ''}>
    <h2>Channel of ${channel.fundingSats.toLocaleString('en')} sats</h2>
    ${channel.fundee && html`<p class="muted" data-testid="channel-fundee">Funded by the hub, for receiving: your side starts at 0 and
      grows when you are paid; the hub pays the closing fee.</p>`}
    ${channel.damaged && html`<p class="banner warning">This channel's stored state does not parse: ${channel.damaged}</p>`}
    ${unilateral && html`<p class="banner warning" data-testid="channel-unilateral">The hub closed this channel on chain by
      itself (transaction <code>${channel.spentBy.txid}</code>${channel.spentBy.height === null ? ', not yet in a block' : ''}),
      not by agreement with you. ${channel.resolution ? html`<span data-testid="channel-resolution"
        data-kind=${channel.resolution.kind}>${resolutionText(channel.resolution)}</span>` : ''}</p>`}
    ${channel.stage !== 'ready' && html`<p data-testid="channel-stage">${stage}</p>`}
    ${channel.stage === 'funding_needed' && wallet && html`<${Funding} channel=${channel} wallet=${wallet} />`}
    ${info && info.to_local_msat !== undefined && channel.stage !== 'closed' && html`<dl class="wallet-review">
      <dt>Yours (local)</dt><dd><${Msat} msat=${info.to_local_msat} testid="channel-local" /></dd>
      <dt>The hub's (remote)</dt><dd><${Msat} msat=${info.to_remote_msat} testid="channel-remote" /></dd>
      <dt>Payments in flight</dt><dd data-testid="channel-htlcs" data-count=${String(info.htlcs ?? 0)}>${info.htlcs ?? 0}</dd>
    </dl>`}
    ${channel.funding?.txid && html`<p class="muted">Funding <code data-testid="channel-funding-txid">${channel.funding.txid}</code></p>`}
    ${channel.closing && html`<p class="muted">Closing transaction <code data-testid="channel-closing-txid">${channel.closing.txid}</code></p>`}
    ${channel.closing?.problem && html`<p class="notice" data-testid="channel-closing-problem">${channel.closing.problem} (tried again with the next block)</p>`}
    ${channel.message && html`<p class="notice" data-testid="channel-message">${channel.message}</p>`}
    ${isOpenChannel(channel) && html`<${CloseChannel} channel=${channel} />`}
  </section>`;
}

function OpenForm({ hub, wallet }) {
  const client = useClient();
  const [amount, setAmount] = useState('');
  const [push, setPush] = useState('0');
  const [action, run, setError] = useAction();
  const spendable = spendableCoins(wallet.coins, wallet.txs).reduce((sum, c) => sum + BigInt(c.value), 0n);
  const submit = (e) => {
    e.preventDefault();
    const checked = checkFundingAmount(amount, { minSats: hub.channels.min_funding_sats, maxSats: hub.channels.max_funding_sats,
      spendableSats: spendable });
    if (checked.error) return setError(checked.error);
    if (!/^\d{1,16}$/.test(push.trim()) || BigInt(push.trim()) * 2n > BigInt(checked.sats)) {
      return setError('The room to receive is a whole number of sats, at most half the channel.');
    }
    return run(() => client.channelOpen({ sats: checked.sats, pushSats: Number(push.trim()), shutdownScript: hex(wallet.change.scriptPubKey),
      spendableSats: spendable }).then(() => setAmount('')));
  };
  return html`<section class="card" aria-labelledby="open-title">
    <h2 id="open-title">Open a channel</h2>
    <p class="muted">The hub takes channels of ${hub.channels.min_funding_sats.toLocaleString('en')} to ${hub.channels.max_funding_sats.toLocaleString('en')} sats;
      your wallet can spend ${spendable.toLocaleString('en')} confirmed sats.
      The channel is funded by an on-chain payment from your wallet and usable after ${hub.channels.minimum_depth} confirmation(s).</p>
    <form onSubmit=${submit} data-testid="channel-open-form">
      <label>Amount (sats) <input data-testid="channel-amount" inputmode="numeric" value=${amount} onInput=${(e) => setAmount(e.target.value)} /></label>
      <label>Of which room to receive (sats given to the hub's side, so others can pay you)
        <input data-testid="channel-push" inputmode="numeric" value=${push} onInput=${(e) => setPush(e.target.value)} /></label>
      <button class="primary" type="submit" data-testid="channel-open" disabled=${action.busy || !client.unlocked}>Open channel</button>
    </form>
    ${!client.unlocked && html`<p class="notice">Your key is locked: <a href=${accountHref()}>unlock it</a> to open a channel.</p>`}
    <${ErrorLine} error=${action.error} />
  </section>`;
}

// What the owner's worker says of our request to the hub (channels/sync.js `ask`).
function askText(ask) {
  if (ask.stage === 'asked') return `Asked the hub for a channel of ${ask.sats.toLocaleString('en')} sats: waiting for its answer…`;
  return ask.sentence ?? ask.message;
}

// What the hub funds when asked (NIP-11 `hub_open`), as the form says it.
const askLimitsText = ({ minSats, maxSats, perClient }) =>
  `The hub funds channels of ${minSats.toLocaleString('en')} to ${maxSats.toLocaleString('en')} sats, ${perClient} per IP address.`;

/** Asks the hub to fund a channel to us, so that a person with no coins can be paid. */
function AskForm({ hub, limits, wallet, ask }) {
  const client = useClient();
  const [amount, setAmount] = useState(String(defaultAskSats(limits)));
  const [action, run, setError] = useAction();
  const submit = (e) => {
    e.preventDefault();
    const checked = checkAskAmount(amount, limits);
    if (checked.error) return setError(checked.error);
    return run(() => client.channelAsk({ sats: checked.sats, shutdownScript: hex(wallet.change.scriptPubKey) }));
  };
  const waiting = ask?.stage === 'asked';
  return html`<section class="card" aria-labelledby="ask-title">
    <h2 id="ask-title">Ask the hub for a channel to receive</h2>
    <p class="muted">The hub funds the channel from its own wallet: it costs you nothing, your side starts at 0 and you can be
      paid (tips) up to about the channel's size. It is usable after ${hub.channels.minimum_depth} confirmation(s); the hub may
      refuse (its wallet, its limits).</p>
    <p class="muted" data-testid="channel-ask-limits">${askLimitsText(limits)}</p>
    <form onSubmit=${submit} data-testid="channel-ask-form">
      <label>Amount (sats) <input data-testid="channel-ask-amount" inputmode="numeric" value=${amount} onInput=${(e) => setAmount(e.target.value)} /></label>
      <button class="primary" type="submit" data-testid="channel-ask" disabled=${action.busy || waiting}>Ask the hub for a channel to receive</button>
    </form>
    ${ask && html`<p class=${ask.stage === 'asked' ? 'muted' : 'error'} data-testid="channel-ask-status" data-stage=${ask.stage}
      data-code=${ask.code ?? ''}>${askText(ask)}</p>`}
    <${ErrorLine} error=${action.error} />
  </section>`;
}

function Receive({ data }) {
  const client = useClient();
  const [amount, setAmount] = useState('');
  const [description, setDescription] = useState('');
  const [made, setMade] = useState(null);
  const [copied, setCopied] = useState(false);
  const [action, run, setError] = useAction();
  const submit = (e) => {
    e.preventDefault();
    const parsed = parseInvoiceAmount(amount);
    if (parsed.error) return setError(parsed.error);
    setCopied(false);
    return run(async () => setMade(await client.channelInvoice(parsed.msat, description)));
  };
  const paid = made && data.invoices.find((i) => i.paymentHash === made.paymentHash)?.paid;
  return html`<section class="card" aria-labelledby="receive-title">
    <h2 id="receive-title">Receive</h2>
    <form onSubmit=${submit} data-testid="invoice-form">
      <label>Amount (sats) <input data-testid="invoice-amount" inputmode="decimal" value=${amount} onInput=${(e) => setAmount(e.target.value)} /></label>
      <label>Description <input data-testid="invoice-description" value=${description} maxlength="200" onInput=${(e) => setDescription(e.target.value)} /></label>
      <button class="primary" type="submit" data-testid="invoice-make" disabled=${action.busy}>Make an invoice</button>
    </form>
    ${made && html`<div data-testid="invoice">
      <p><code class="invoice" data-testid="invoice-text">${made.invoice}</code></p>
      <p><button data-testid="invoice-copy" onClick=${() => navigator.clipboard.writeText(made.invoice).then(() => setCopied(true), () => setError('Could not copy: select the text instead.'))}>Copy</button>
        ${copied && html` <span class="muted">Copied.</span>`}
        <span data-testid="invoice-status"> ${paid ? 'Paid.' : 'Waiting for payment.'}</span></p></div>`}
    <${ErrorLine} error=${action.error} />
  </section>`;
}

function Pay({ data, hub, channel }) {
  const client = useClient();
  const [text, setText] = useState('');
  const [sent, setSent] = useState(null);
  const [action, run] = useAction();
  let summary = null;
  let problem = '';
  if (text.trim()) {
    try {
      summary = invoiceSummary(client.datt.invoice.decode(text.trim()), { network: channel.network, nowSeconds: Math.floor(Date.now() / 1000),
        withFee: (msat) => client.datt.channel.amountWithFee(hub.fees, msat), channelOf: payeeChannelOf });
      problem = summary.problem;
    } catch (e) {
      problem = `Not a valid invoice: ${e.message}`;
    }
  }
  const payment = sent && data.payments.find((p) => p.paymentHash === sent);
  const local = BigInt(channel.info?.to_local_msat ?? 0);
  if (!problem && summary && summary.totalMsat > local) problem = `The channel holds ${formatMsat(local)}: not enough.`;
  const pay = () => run(async () => {
    const { paymentHash } = await client.payInvoice(text.trim());
    setSent(paymentHash);
    setText('');
  });
  return html`<section class="card" aria-labelledby="pay-title">
    <h2 id="pay-title">Pay</h2>
    <label>Invoice <textarea data-testid="pay-invoice" rows="3" spellcheck="false" value=${text} onInput=${(e) => setText(e.target.value)} /></label>
    ${problem && html`<p class="error" data-testid="pay-problem">${problem}</p>`}
    ${summary && !problem && html`<dl class="wallet-review" data-testid="pay-summary">
      <dt>Amount</dt><dd><${Msat} msat=${summary.amountMsat} testid="pay-amount" /></dd>
      <dt>Hub's fee</dt><dd><${Msat} msat=${summary.feeMsat} testid="pay-fee" /></dd>
      <dt>Total</dt><dd><${Msat} msat=${summary.totalMsat} testid="pay-total" /></dd>
      ${summary.description && html`<dt>For</dt><dd>${summary.description}</dd>`}
    </dl>
    ${!client.unlocked && html`<p class="notice" data-testid="pay-locked">Your key is locked: <a href=${accountHref()}>unlock it</a> to pay.</p>`}
    <p><button class="primary" data-testid="pay-confirm" disabled=${action.busy || !client.unlocked} onClick=${pay}>Pay ${formatMsat(summary.totalMsat)}</button></p>`}
    ${payment && html`<p data-testid="pay-status" data-status=${payment.status}>${payment.status === 'paid' ? `Paid ${formatMsat(BigInt(payment.amountMsat))} (fee ${formatMsat(BigInt(payment.feeMsat))}).`
      : payment.status === 'failed' ? `The payment failed: ${payment.reason}` : 'Paying through the hub…'}</p>`}
    <${ErrorLine} error=${action.error} />
  </section>`;
}

function Payments({ payments }) {
  if (!payments.length) return null;
  return html`<section class="card" aria-labelledby="payments-title">
    <h2 id="payments-title">Payments</h2>
    <ul class="wallet-history">
      ${payments.slice(0, 50).map((p) => html`<li key=${p.paymentHash} data-testid="payment-row" data-status=${p.status} data-hash=${p.paymentHash}>
        <span class="out">-${formatMsat(BigInt(p.amountMsat))}</span> <span class="muted">fee ${formatMsat(BigInt(p.feeMsat))}</span>
        <span>${p.status === 'paid' ? 'paid' : p.status === 'failed' ? `failed: ${p.reason}` : 'paying…'}</span></li>`)}
    </ul></section>`;
}

export function ChannelsPage() {
  const client = useClient();
  const { data, error } = useChannelData(client);
  const hubState = client.state.channels;
  useEffect(() => { client.channelStatus().catch(() => {}); }, []);
  if (!client.state.account) {
    return html`<div class="card"><h1>Channels</h1><p><a href=${accountHref()}>Create an account or import one</a> to open a channel.</p></div>`;
  }
  if (error) return html`<div class="card"><h1>Channels</h1><${ErrorLine} error=${error} /></div>`;
  if (!data) return html`<${Loading} what="Opening the channels" />`;
  const hub = hubState?.hub;
  const status = hubState?.status;
  const ready = data.channels.find(isOpenChannel);
  const opening = data.channels.some((c) => !['ready', 'closed', 'failed'].includes(c.stage));
  return html`<div class="channels" data-testid="channels-page">
    <h1>Channels</h1>
    ${data.rejected > 0 && html`<p class="banner warning">${data.rejected} stored channel records were not valid and are not used.</p>`}
    <p class="muted" data-testid="hub-state" data-state=${status?.state ?? 'idle'}>Hub: ${status?.state ?? 'not connected yet'}${status?.message ? ` (${status.message})` : ''}.</p>
    ${hub && html`<p class="muted">Fees: ${hub.fees.base_msat} msat + ${hub.fees.proportional_millionths} per million of the amount.</p>`}
    ${!data.wallet && html`<p class="notice"><a href="#/wallet">Set up your wallet</a> first: it funds a channel you open, and your side of
      any channel goes back to it when the channel closes.</p>`}
    ${data.channels.map((c) => html`<${Channel} key=${c.id} channel=${c} wallet=${data.wallet} />`)}
    ${ready && hub && html`<${Receive} data=${data} />`}
    ${ready && hub && html`<${Pay} data=${data} hub=${hub} channel=${ready} />`}
    <${Payments} payments=${data.payments} />
    ${hub && data.wallet && !ready && !opening && askLimits(hub) && html`<${AskForm} hub=${hub} limits=${askLimits(hub)} wallet=${data.wallet}
      ask=${status?.ask} />`}
    ${hub && data.wallet && !ready && !opening && html`<${OpenForm} hub=${hub} wallet=${data.wallet} />`}
    <p class="muted">The app watches each channel's funding output: if the hub closes a channel on its own, it takes your
      side back to your wallet, and if the hub broadcasts an old state, a penalty transaction takes the whole channel. It does
      so while a tab is open or when the app next starts: open it at least once every two weeks while you have a channel
      (docs/web.md "Channels").</p>
  </div>`;
}
