// Paying a tip from the browser wallet (docs/web.md "Tips"), step by step, each failure a
// TipError with a stable code the UI explains:
//   1. the author's payout address (kind 10570, newest version) on the relay's network
//   2. a payment from confirmed coins: the author's output, the commitment output
//      (datt.tips.commitmentScript: OP_RETURN of tagged_hash("datt/tip", target || payer)),
//      change; signed in the signer worker (needs the unlocked key), broadcast by the owner
//   3. the tip event (datt.tips.tipTemplate) with the author's payout event embedded, the
//      payment's raw transaction in a `tx` tag (readers verify without a lookup: the core
//      checks it against the txid) and the community's `A` tag (so it syncs with the
//      community), signed and published.
// planTip() and tipEventTemplate() are pure (tested in Node, tests/web/tips.test.mjs) and
// need datt's payments module loaded; payTip() loads it.
import { parseSats, spendableCoins } from '../wallet/records.js';
import { openWalletDatabase, readAccount, readScan, readWallet } from '../wallet/store.js';

export const MAX_TIP_MESSAGE_BYTES = 1000;

export class TipError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'TipError';
    this.code = code;
  }
}

const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The amount typed (sats, a whole number), or a TipError. */
export function tipAmount(text) {
  const sats = parseSats(String(text ?? ''));
  if (sats === null) throw new TipError('tip_bad_amount', 'Enter the tip in sats: a whole number above 0.');
  return sats;
}

/**
 * The unsigned payment of a tip: {unsigned, vout}. `payout` is {address, scriptPubKey}
 * (TipBook.newestPayout); `coins`/`txs` the wallet's validated records.
 */
export async function planTip(datt, { network, payout, target, payer, sats, coins, txs, changeScript, feeRate }) {
  const commitment = await datt.tips.commitmentScript(target, payer);
  let unsigned;
  try {
    unsigned = await datt.bitcoin.wallet.buildPayment({
      payees: [{ scriptPubKey: payout.scriptPubKey, value: sats }, { scriptPubKey: commitment, value: 0n }],
      coins: spendableCoins(coins, txs), feeRate, changeScript,
    }, { network });
  } catch (error) {
    if (error.code === 'wallet_insufficient_funds') {
      throw new TipError('tip_insufficient_funds', `Not enough confirmed coins for ${sats} sats and the fee (${error.message}).`);
    }
    throw new TipError(error.code ?? 'tip_payment_failed', error.message);
  }
  const vout = unsigned.tx.outputs.findIndex((o) => o.value === sats && sameBytes(o.scriptPubKey, payout.scriptPubKey));
  if (vout < 0) throw new TipError('tip_payment_failed', 'the payment has no output to the author');
  return { unsigned, vout };
}

/** The kind 4570 template: the core's tags, plus the raw transaction and the community. */
export async function tipEventTemplate(datt, { payoutEvent, target, network, txid, vout, sats, message, transaction, community, createdAt }) {
  const template = await datt.tips.tipTemplate(payoutEvent, { target, network, txid, vout, sats, message, createdAt });
  const tags = [...template.tags, ['tx', toHex(transaction)]];
  if (community) tags.push(['A', community]);
  return { ...template, tags };
}

let walletDb = null;
async function walletDatabase() {
  walletDb ??= await openWalletDatabase();
  return walletDb;
}

/**
 * Tips `record` (a post or comment: id, pubkey, community) `amountText` sats; `onStep(text)`
 * says what is happening. Resolves {txid, vout, sats, event}.
 */
export async function payTip(client, { record, amountText, message = '', feeRate = 2 }, onStep = () => {}) {
  const datt = client.datt;
  const sats = tipAmount(amountText);
  if (new TextEncoder().encode(message).length > MAX_TIP_MESSAGE_BYTES) {
    throw new TipError('tip_message_too_long', `A tip's message is at most ${MAX_TIP_MESSAGE_BYTES} bytes.`);
  }
  if (!client.unlocked) throw new TipError('locked', 'Your key is locked: unlock it to tip.');
  if (record.pubkey === client.publicKey) throw new TipError('tip_self', 'You cannot tip yourself.');
  const status = client.state.wallet;
  if (!status?.network) {
    throw new TipError('tip_no_bridge', `Your relay has no Bitcoin node, so tips cannot be paid${status?.error ? ` (${status.error})` : ''}.`);
  }
  await datt.loadPayments();   // datt.bitcoin, datt.tips
  const db = await walletDatabase();
  const account = await readAccount(db);
  if (!account) throw new TipError('tip_no_wallet', 'Set up your wallet first (open the Wallet page).');
  if (account.network !== status.network) throw new TipError('tip_wrong_network', `Your wallet is on ${account.network}, the relay on ${status.network}.`);

  onStep('Looking up the author\'s payout address…');
  const { payout } = await client.tipPayout(record.pubkey);
  if (!payout) throw new TipError('tip_no_payout', 'This author has not published a payout address, so they cannot be tipped yet.');
  if (!payout.address) throw new TipError('tip_no_payout', `This author's payout addresses name none on ${status.network}.`);

  onStep('Building the payment…');
  const { coins, txs } = await readWallet(db);
  const scan = await datt.bitcoin.wallet.scan(account.xpub, (await readScan(db))?.progress ?? null, [], { network: account.network });
  const change = (await datt.bitcoin.wallet.addresses(account.xpub, 1, scan.nextChange, 1, { network: account.network }))[0];
  const { unsigned, vout } = await planTip(datt, { network: account.network, payout, target: record.id, payer: client.publicKey,
    sats, coins, txs, changeScript: change.scriptPubKey, feeRate });

  onStep('Signing and broadcasting the payment…');
  let verdict;
  try {
    verdict = await client.walletSend({ network: account.network, unsigned, payees: [{ address: payout.address, value: sats }],
      tip: { target: record.id, payoutEvent: JSON.stringify(payout.event), scriptPubKey: toHex(payout.scriptPubKey), vout, sats,
        message, community: record.community ?? null } });
  } catch (error) {
    if (error.code === 'locked') throw new TipError('locked', 'Your key is locked: unlock it to tip.');
    throw new TipError('tip_broadcast_failed', `The payment could not be broadcast: ${error.message}`);
  }
  if (!verdict.accepted) throw new TipError('tip_broadcast_refused', `The node refused the payment: ${verdict.reason ?? 'no reason given'}.`);

  onStep('Publishing the tip…');
  const template = await tipEventTemplate(datt, { payoutEvent: payout.event, target: record.id, network: account.network,
    txid: verdict.txid, vout, sats, message, transaction: verdict.transaction, community: record.community ?? null,
    createdAt: client.now() });
  const event = await client.publish(template);
  return { txid: verdict.txid, vout, sats, event };
}

/**
 * The tip event for a fee bump of a tip's payment: the same tip (target, author, amount,
 * message, community) naming the replacement. `tip` is what payTip stored with the payment
 * (the wallet's tx record), `unsigned`/`signed` the bump. Whichever of the two payments is
 * mined, its tip verifies; the other's never can (they spend the same coins), so the sats
 * count once (docs/protocol.md "Replaced payments").
 */
export async function bumpedTipTemplate(datt, { tip, network, unsigned, signed, createdAt }) {
  const vout = unsigned.tx.outputs.findIndex((o) => o.value === tip.sats && toHex(o.scriptPubKey) === tip.scriptPubKey);
  if (vout < 0) throw new TipError('tip_payment_failed', 'the replacement has no output to the author');
  return tipEventTemplate(datt, { payoutEvent: JSON.parse(tip.payoutEvent), target: tip.target, network, txid: signed.txid, vout,
    sats: tip.sats, message: tip.message, transaction: signed.transaction, community: tip.community, createdAt });
}
