// A tip paid over the payment channel (docs/web.md "Tips over the channel"), step by step, each
// failure a TipError with a stable code the tip form shows:
//   1. ask the author's browser for an invoice (kind 24570, signed here; the owner's worker
//      publishes it on the hub and waits, channels/invoice_exchange.js), and check the answer
//      and its invoice (channels/invoice_request.js): signed by the author's Nostr key, for this
//      post and amount, not expired, naming the author's channel;
//   2. sign the receipt request (the 0xd3 hop, datt.receipts.request) in the signer and have
//      the owner pay the invoice through the channel (the HTLC and the payment record commit
//      together, channels/sync.js);
//   3. wait for the payment record: paid (the hub then publishes the kind 4571 receipt that
//      tips/receipts.js verifies and counts) or failed with the hub's reason;
//   4. a paid vote: the up vote is published once the sats are paid.
import { buildVote } from '../lib/events.js';
import { invoiceNetwork } from '../channels/records.js';
import { checkAnswer, checkTipInvoice, requestTemplate, statusMessage } from '../channels/invoice_request.js';
import { openChannelDatabase, readChannelData } from '../channels/store.js';
import { TipError, tipAmount } from './pay.js';

const PAY_WAIT_MS = 60000;

let channelDb = null;

async function paymentStatus(paymentHash) {
  channelDb ??= await openChannelDatabase();
  const { payments } = await readChannelData(channelDb);
  return payments.find((p) => p.paymentHash === paymentHash) ?? null;
}

/**
 * Tips `record` (a post or comment) `amountText` sats over the channel; `vote`: also up-votes it
 * once paid. `onStep(text)` says what happens. Resolves {sats, paymentHash}.
 */
export async function tipOverChannel(client, { record, amountText, vote = false }, onStep = () => {}) {
  const datt = client.datt;
  const sats = tipAmount(amountText);
  if (!client.unlocked) throw new TipError('locked', 'Your key is locked: unlock it to tip.');
  if (record.pubkey === client.publicKey) throw new TipError('tip_self', 'You cannot tip yourself.');
  const hub = client.state.channels?.status ?? (await client.channelStatus().catch(() => null))?.status;
  if (hub?.state !== 'connected') {
    throw new TipError('tip_no_hub', 'Not connected to a channel hub: open a channel on the Channels page, or tip on chain.');
  }
  await datt.loadPayments();
  const amountMsat = sats * 1000n;

  onStep('Asking the author for an invoice…');
  let asked;
  try {
    asked = await client.channelTipAsk(requestTemplate({ author: record.pubkey, target: record.id, amountMsat, createdAt: client.now() }));
  } catch (error) {
    if (error.code === 'locked') throw new TipError('locked', 'Your key is locked: unlock it to tip.');
    throw new TipError('tip_request_failed', `Could not ask the author: ${error.message}`);
  }
  if (asked.refused !== undefined) throw new TipError('tip_request_refused', `The relay refused the request: ${asked.refused}`);
  if (asked.status === 'no_answer') throw new TipError('tip_author_offline', statusMessage('no_answer'));
  let answer;
  let invoice;
  try {
    answer = checkAnswer(asked.answer, { request: asked.request, verify: (e) => datt.verifyEvent(e) });
    if (answer.status !== 'invoice') throw new TipError(`tip_author_${answer.status}`, statusMessage(answer.status));
    const decoded = datt.invoice.decode(answer.invoice);
    const network = client.state.wallet?.network ? invoiceNetwork(client.state.wallet.network) : decoded.network;
    invoice = { text: answer.invoice, ...checkTipInvoice(decoded, { author: record.pubkey, target: record.id, amountMsat, network,
      nowSeconds: client.now() }) };
  } catch (error) {
    if (error instanceof TipError) throw error;
    throw new TipError(error.code ?? 'tip_invoice_invalid', `The author's answer is not usable (${error.message}): tip on chain instead.`);
  }

  onStep(`Paying ${sats} sat${sats === 1n ? '' : 's'} through your channel…`);
  try {
    await client.channelTipPay({ invoice: invoice.text, paymentHash: invoice.paymentHash, target: record.id, amountMsat });
  } catch (error) {
    if (error.code === 'locked') throw new TipError('locked', 'Your key is locked: unlock it to tip.');
    throw new TipError('tip_channel_refused', `The payment was not sent: ${error.message}`);
  }
  onStep('Waiting for the hub…');
  const deadline = Date.now() + PAY_WAIT_MS;
  for (;;) {
    const payment = await paymentStatus(invoice.paymentHash);
    if (payment?.status === 'paid') break;
    if (payment?.status === 'failed') throw new TipError('tip_channel_failed', `The payment failed: ${payment.reason}`);
    if (Date.now() > deadline) throw new TipError('tip_channel_pending', 'The payment is still pending: see it on the Channels page.');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (vote) {
    onStep('Publishing your vote…');
    const target = { id: record.id, pubkey: record.pubkey, kind: record.kind };
    await client.publish(buildVote({ target, value: 1, community: record.community ?? null }, client.now()));
  }
  return { sats, paymentHash: invoice.paymentHash };
}
