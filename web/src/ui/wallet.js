// The Wallet page: a BIP-84 account of the identity's seed (docs/web.md "Wallet"). Reads
// the wallet's IndexedDB (validated records, wallet/records.js); the owner tab's sync worker
// writes it. Receive address with a QR code, balance (confirmed = merkle proof checked
// against the verified header chain), history, send with a fee choice and a confirmation
// screen, replace-by-fee bumps, and on regtest test coins and blocks from the relay.
import { create as createQr } from 'qrcode';
import { useEffect, useState } from 'preact/hooks';
import { bumpedTipTemplate } from '../tips/pay.js';
import { formatSats, parseSats, spendableCoins, summarize } from '../wallet/records.js';
import { openWalletDatabase, readAccount, readChain, readScan, readWallet } from '../wallet/store.js';
import { accountHref, html, useAction, useClient } from './hooks.js';
import { ErrorLine, Loading } from './common.js';

const FEE_CHOICES = [
  { id: 'slow', label: 'Slow', rate: 1 },
  { id: 'normal', label: 'Normal', rate: 5 },
  { id: 'fast', label: 'Fast', rate: 20 },
];
const FAUCET_SATS = 1_000_000;
const REGTEST = new Set(['regtest', 'bcoin-regtest']);

let walletDb = null;
async function database() {
  walletDb ??= await openWalletDatabase();
  return walletDb;
}

/** The wallet's stored state, re-read whenever the owner says it changed. */
function useWallet(client) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const version = client.state.walletVersion;
  useEffect(() => {
    let live = true;
    (async () => {
      const db = await database();
      const account = await readAccount(db);
      if (!account) return { account: null };
      await client.datt.loadPayments(); // datt.bitcoin (the send and bump forms need this data first)
      const chain = await readChain(db, account.network);
      const { coins, txs, rejected } = await readWallet(db);
      const scan = client.datt.bitcoin.wallet.scan(account.xpub, (await readScan(db))?.progress ?? null, [], { network: account.network });
      const receive = client.datt.bitcoin.wallet.addresses(account.xpub, 0, scan.nextReceive, 1, { network: account.network })[0];
      const change = client.datt.bitcoin.wallet.addresses(account.xpub, 1, scan.nextChange, 1, { network: account.network })[0];
      return { account, chain, coins, txs, rejected, receive, change, ...summarize(coins, txs) };
    })().then((value) => live && (setData(value), setError(null)), (e) => live && setError(e));
    return () => { live = false; };
  }, [version]);
  return { data, error };
}

function Qr({ text }) {
  const qr = createQr(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const cells = [];
  for (let y = 0; y < size; ++y) {
    for (let x = 0; x < size; ++x) if (qr.modules.get(y, x)) cells.push(`M${x + 4} ${y + 4}h1v1h-1z`);
  }
  const view = size + 8;
  return html`<svg class="qr" data-testid="receive-qr" role="img" aria-label=${`QR code of ${text}`}
    viewBox=${`0 0 ${view} ${view}`} width="200" height="200" shape-rendering="crispEdges">
    <rect width=${view} height=${view} fill="#fff" /><path d=${cells.join('')} fill="#000" /></svg>`;
}

function Balance({ data, status }) {
  return html`<section class="card wallet-balance" aria-label="Balance">
    <p><strong data-testid="balance-confirmed" data-sats=${String(data.confirmed)}>${formatSats(data.confirmed)}</strong> confirmed</p>
    <p><span data-testid="balance-pending" data-sats=${String(data.pending)}>${formatSats(data.pending)}</span> pending</p>
    <p class="muted">Network ${data.account.network}; headers verified to height${' '}<span data-testid="chain-height">${data.chain?.height ?? 0}</span>${status?.relayHeight != null ? ` of ${status.relayHeight}` : ''}.
      ${status && status.state !== 'connected' ? html` <span data-testid="wallet-state">${status.state}${status.error ? `: ${status.error}` : ''}</span>` : ''}</p>
  </section>`;
}

function Receive({ data, status }) {
  const client = useClient();
  const [action, run] = useAction();
  const [note, setNote] = useState('');
  const regtest = REGTEST.has(data.account.network) && status?.faucet;
  return html`<section class="card" aria-labelledby="receive-title">
    <h2 id="receive-title">Receive</h2>
    <${Qr} text=${`bitcoin:${data.receive.address}`} />
    <p><code data-testid="receive-address">${data.receive.address}</code></p>
    ${regtest && html`<p>
      <button data-testid="faucet-button" disabled=${action.busy} onClick=${() => run(async () => {
        const reply = await client.walletFaucet(FAUCET_SATS);
        setNote(`Test coins sent: ${formatSats(BigInt(reply.sats))} in ${reply.txid.slice(0, 12)}…`);
      })}>Get test coins</button>
      <button data-testid="mine-button" disabled=${action.busy} onClick=${() => run(async () => {
        await client.walletMine(1);
        setNote('Mined a block.');
      })}>Mine a block</button></p>`}
    ${note && html`<p class="notice" data-testid="wallet-note">${note}</p>`}
    <${ErrorLine} error=${action.error} />
  </section>`;
}

/**
 * Tips go to the address of one's payout event (kind 10570, docs/protocol.md "On-chain tips"):
 * the one published now, and a button to publish the wallet's receive address as it.
 */
function Payout({ data }) {
  const client = useClient();
  const network = data.account.network;
  const [published, setPublished] = useState(undefined);
  const [action, run] = useAction();
  const lookup = () => client.tipPayout(client.publicKey).then((r) => setPublished(r.payout), () => setPublished(null));
  useEffect(() => { lookup(); }, [client.publicKey]);
  const publish = () => run(async () => {
    await client.datt.loadPayments();
    await client.publish(await client.datt.tips.payoutTemplate([{ network, address: data.receive.address }], { createdAt: client.now() }));
    setPublished({ address: data.receive.address });
  });
  return html`<section class="card" aria-labelledby="payout-title" data-testid="payout">
    <h2 id="payout-title">Tips</h2>
    ${published === undefined ? html`<p class="muted">Looking up your payout address…</p>`
      : published?.address ? html`<p>Tips to you are paid to <code data-testid="payout-address">${published.address}</code>.</p>`
        : html`<p data-testid="payout-none">You have no payout address on ${network}: nobody can tip you yet.</p>`}
    ${!client.unlocked && html`<p class="notice">Your key is locked: <a href=${accountHref()}>unlock it</a> to publish a payout address.</p>`}
    <p><button data-testid="payout-publish" disabled=${action.busy || !client.unlocked} onClick=${publish}>
      ${published?.address ? 'Publish my current receive address instead' : 'Publish my receive address for tips'}</button></p>
    <${ErrorLine} error=${action.error} />
  </section>`;
}

function Send({ data }) {
  const client = useClient();
  const datt = client.datt;
  const network = data.account.network;
  const [address, setAddress] = useState('');
  const [amount, setAmount] = useState('');
  const [fee, setFee] = useState('normal');
  const [custom, setCustom] = useState('');
  const [review, setReview] = useState(null);
  const [result, setResult] = useState(null);
  const [action, run, setError] = useAction();
  const rate = fee === 'custom' ? Number(custom) : FEE_CHOICES.find((c) => c.id === fee).rate;

  const prepare = (e) => {
    e.preventDefault();
    setResult(null);
    const sats = parseSats(amount);
    if (sats === null) return setError('Enter an amount in sats (a whole number above 0).');
    if (!Number.isFinite(rate) || rate < 1) return setError('Choose a fee rate of at least 1 sat/vB.');
    try {
      datt.bitcoin.parseAddress(address.trim(), network);
      const coins = spendableCoins(data.coins, data.txs);
      const unsigned = datt.bitcoin.wallet.buildPayment({ payees: [{ address: address.trim(), value: sats }], coins,
        feeRate: rate, changeScript: data.change.scriptPubKey }, { network });
      setReview({ unsigned, address: address.trim(), sats, rate });
      setError('');
    } catch (error) {
      setError(error.code === 'wallet_insufficient_funds'
        ? `Not enough confirmed coins (${error.message}).` : error.message);
    }
  };
  const send = () => run(async () => {
    const verdict = await client.walletSend({ network, unsigned: review.unsigned,
      payees: [{ address: review.address, value: review.sats }] });
    if (!verdict.accepted) throw new Error(`The node refused the payment: ${verdict.reason ?? 'no reason given'}`);
    setResult(verdict);
    setReview(null);
    setAddress('');
    setAmount('');
  });

  if (review) {
    const total = review.sats + review.unsigned.fee;
    return html`<section class="card" aria-labelledby="confirm-title" data-testid="send-confirm">
      <h2 id="confirm-title">Confirm payment</h2>
      <dl class="wallet-review">
        <dt>To</dt><dd data-testid="confirm-address"><code>${review.address}</code></dd>
        <dt>Amount</dt><dd data-testid="confirm-amount">${formatSats(review.sats)}</dd>
        <dt>Fee</dt><dd data-testid="confirm-fee">${formatSats(review.unsigned.fee)} (${review.rate} sat/vB, ${review.unsigned.maxVsize} vB at most)</dd>
        <dt>Total</dt><dd data-testid="confirm-total">${formatSats(total)}</dd>
      </dl>
      ${!client.unlocked && html`<p class="notice" data-testid="wallet-locked">Your key is locked: <a href=${accountHref()}>unlock it</a> to send.</p>`}
      <p><button class="primary" data-testid="confirm-send" disabled=${action.busy || !client.unlocked} onClick=${send}>Send</button>
        <button data-testid="cancel-send" onClick=${() => setReview(null)}>Back</button></p>
      <${ErrorLine} error=${action.error} />
    </section>`;
  }
  return html`<section class="card" aria-labelledby="send-title">
    <h2 id="send-title">Send</h2>
    <form onSubmit=${prepare} data-testid="send-form">
      <label>Address <input data-testid="send-address" value=${address} onInput=${(e) => setAddress(e.target.value)} autocomplete="off" spellcheck="false" /></label>
      <label>Amount (sats) <input data-testid="send-amount" inputmode="numeric" value=${amount} onInput=${(e) => setAmount(e.target.value)} /></label>
      <fieldset><legend>Fee</legend>
        ${FEE_CHOICES.map((c) => html`<label><input type="radio" name="fee" value=${c.id} checked=${fee === c.id}
          data-testid=${`fee-${c.id}`} onChange=${() => setFee(c.id)} /> ${c.label} (${c.rate} sat/vB)</label>`)}
        <label><input type="radio" name="fee" value="custom" checked=${fee === 'custom'} data-testid="fee-custom" onChange=${() => setFee('custom')} /> Other:
          <input class="short" data-testid="fee-custom-rate" inputmode="decimal" value=${custom} onInput=${(e) => { setCustom(e.target.value); setFee('custom'); }} /> sat/vB</label>
      </fieldset>
      <button class="primary" type="submit" data-testid="send-review">Review</button>
    </form>
    ${result && html`<p class="notice" data-testid="send-result">Sent: ${result.txid.slice(0, 16)}… (fee ${formatSats(result.fee)}).</p>`}
    <${ErrorLine} error=${action.error} />
  </section>`;
}

function Bump({ row, data }) {
  const client = useClient();
  const [rate, setRate] = useState('');
  const [action, run] = useAction();
  const tx = data.txs.find((t) => t.txid === row.txid);
  const bump = (e) => {
    e.preventDefault();
    run(async () => {
      const network = data.account.network;
      const coins = spendableCoins(data.coins, data.txs);
      const unsigned = client.datt.bitcoin.wallet.bumpFee({ original: tx.unsigned, feeRate: Number(rate), coins,
        changeScript: data.change.scriptPubKey });
      const verdict = await client.walletSend({ network, unsigned, payees: tx.payees ?? [], replaces: tx.txid,
        ...(tx.tip ? { tip: tx.tip } : {}) });
      if (tx.tip) {
        // A tip's payment: the tip is announced again naming the bump, accepted or kept
        // refused (whichever payment is mined, its tip verifies; the sats count once).
        await client.publish(await bumpedTipTemplate(client.datt, { tip: tx.tip, network, unsigned, signed: verdict,
          createdAt: client.now() }));
      }
      if (!verdict.accepted) {
        // A node without BIP-125 (bcoin) keeps the first spend; the wallet keeps the bump in
        // case a miner mines it (docs/protocol.md "Fee bumps").
        throw new Error(`The node refused the replacement: ${verdict.reason ?? 'no reason given'}. ` +
          'The wallet keeps it: if a block holds it, it takes the payment\'s place here.');
      }
    });
  };
  return html`<form class="inline" onSubmit=${bump} data-testid="bump-form">
    <input class="short" data-testid="bump-rate" inputmode="decimal" placeholder="sat/vB" value=${rate} onInput=${(e) => setRate(e.target.value)} required />
    <button data-testid="bump-button" disabled=${action.busy || !client.unlocked}>Bump fee</button>
    <${ErrorLine} error=${action.error} /></form>`;
}

// A bump the node refused (bcoin has no BIP-125): kept, signed, for a node or miner that
// accepts replacements; if a block holds it, it takes the payment's place (wallet/sync.js).
function RefusedBump({ bump }) {
  const hex = Array.from(bump.transaction, (b) => b.toString(16).padStart(2, '0')).join('');
  return html`<details class="refused-bump" data-testid="refused-bump" data-txid=${bump.txid} data-fee=${String(bump.fee)}>
    <summary>Replacement refused by the node (fee ${formatSats(bump.fee)})</summary>
    <p class="muted">Signed and kept: a node or miner that accepts BIP-125 replacements can take it.</p>
    <code data-testid="refused-bump-hex">${hex}</code></details>`;
}

function History({ data }) {
  if (!data.history.length) return html`<section class="card"><h2>History</h2><p class="muted">No payments yet.</p></section>`;
  return html`<section class="card" aria-labelledby="history-title">
    <h2 id="history-title">History</h2>
    <ul class="wallet-history" data-testid="wallet-history">
      ${data.history.map((row) => html`<li key=${row.txid} data-testid="history-row" data-status=${row.status} data-txid=${row.txid}>
        <span class=${row.amount < 0n ? 'out' : row.amount > 0n ? 'in' : ''} data-testid="history-amount">${row.amount > 0n ? '+' : ''}${formatSats(row.amount)}</span>
        <span data-testid="history-status">${row.status === 'confirmed' ? `confirmed at ${row.height}` : row.status}</span>
        ${row.fee !== null && html`<span class="muted">fee ${formatSats(row.fee)}</span>`}
        <code class="muted">${row.txid.slice(0, 16)}…</code>
        ${row.bumpable && html`<${Bump} row=${row} data=${data} />`}
        ${row.refusedBump && html`<${RefusedBump} bump=${row.refusedBump} />`}
      </li>`)}
    </ul>
  </section>`;
}

export function WalletPage() {
  const client = useClient();
  const { data, error } = useWallet(client);
  const status = client.state.wallet;
  const [action, run] = useAction();
  useEffect(() => { client.walletStatus().catch(() => {}); }, []);
  // Set up on first visit: the signer derives the account, the owner stores and syncs it.
  useEffect(() => {
    if (data && !data.account && client.unlocked && status?.network && !action.busy && !action.error) {
      run(() => client.enableWallet(status.network));
    }
  }, [data, client.unlocked, status?.network]);
  if (!client.state.account) {
    return html`<div class="card"><h1>Wallet</h1><p><a href=${accountHref()}>Create an account or import one</a> to get a wallet.</p></div>`;
  }
  if (error) return html`<div class="card"><h1>Wallet</h1><${ErrorLine} error=${error} /></div>`;
  if (!data) return html`<${Loading} what="Opening the wallet" />`;
  if (!data.account) {
    return html`<div class="card"><h1>Wallet</h1>
      ${!client.unlocked ? html`<p data-testid="wallet-setup-locked"><a href=${accountHref()}>Unlock your key</a> to set up your wallet.</p>`
        : !status?.network ? html`<p data-testid="wallet-no-node">Waiting for a relay with a Bitcoin node${status?.error ? ` (${status.error})` : ''}…</p>`
          : html`<p>Setting up your wallet…</p>`}
      <${ErrorLine} error=${action.error} /></div>`;
  }
  return html`<div class="wallet" data-testid="wallet-page">
    <h1>Wallet</h1>
    ${data.rejected > 0 && html`<p class="banner warning">${data.rejected} stored wallet records were not valid and are not shown.</p>`}
    <${Balance} data=${data} status=${status} />
    <${Receive} data=${data} status=${status} />
    <${Payout} data=${data} />
    <${Send} data=${data} />
    <${History} data=${data} />
  </div>`;
}
