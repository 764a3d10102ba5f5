// The tip book, in the owner tab's sync worker (the only writer of the wallet database): it
// keeps every tip event this browser sees (kind 4570, from the community subscriptions and
// from this account's own publishing) with this browser's own verdict, and checks them
// against the wallet's verified header chain (wallet/sync.js) with datt.tips.verify: the
// payment's transaction (carried by the event's `tx` tag, checked against its txid), its
// merkle proof from the relay's bridge (`BTC proof`), and our raw headers from the proof's
// block to our tip. The relay is trusted for availability only: its proof can make a tip
// verified only if the block is in our chain, and never makes one invalid.
//
// Checks run after new tips, after each block the wallet learns of, and while tips are
// pending on a backoff (recheck.js: 5 s doubling to 2 min, short again on a new block or new
// tips), since a browser without a wallet watches no scripts and the relay tells it of no
// blocks. A verified tip whose block is still ours at its height stays verified
// without asking the relay again (a reload re-reads the verdicts); one whose block left the
// chain is pending again and re-proven.
// datt.tips is in the payments module (datt_pay.wasm), loaded here on first need: a browser
// without a wallet loads it only once it has tips to check.
import { addTips, putTips, readHeaderHash, readHeaders, readTips } from '../wallet/store.js';
import { KIND_PAYOUT, KIND_TIP, applyVerdict, pendingAgain, tipRecord, transactionTag } from './records.js';
import { RecheckSchedule } from './recheck.js';
const PROOFS_PER_PASS = 50;

const fromHex = (hex) => {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; ++i) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
};

export class TipBook {
  #datt;
  #db;
  #wallet;
  #relay;
  #onChange;
  #running = null;
  #again = false;
  #recheck = new RecheckSchedule();

  /** `relay()`: the connection whose Bitcoin bridge to ask (the wallet's), or null. */
  constructor({ datt, db, wallet, relay, onChange }) {
    this.#datt = datt;
    this.#db = db;
    this.#wallet = wallet;
    this.#relay = relay;
    this.#onChange = onChange;
  }

  /** Tip events (any kind may be passed; others are skipped). Invalid events are dropped. */
  async offer(events) {
    const tips = events.filter((e) => e?.kind === KIND_TIP);
    if (!tips.length) return 0;
    await this.#datt.loadPayments();
    const records = [];
    for (const event of tips) {
      try {
        const parsed = await this.#datt.tips.parseTip(event);
        records.push(tipRecord(parsed, JSON.stringify(event), transactionTag(event.tags)));
      } catch {
        // Not a valid tip event (tip_* codes): nothing to show.
      }
    }
    if (!records.length) return 0;
    return this.#add(records);
  }

  async #add(records) {
    const added = await addTips(this.#db, records);
    if (added) {
      this.#recheck.reset();
      this.#onChange();
      this.check();
    }
    return added;
  }

  /** Checks the tips that need it; one pass at a time, another after it if asked meanwhile. */
  check() {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#check().finally(() => {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        this.check();
      }
    });
    return this.#running;
  }

  async #check() {
    const { valid } = await readTips(this.#db);
    if (!valid.some((tip) => tip.status !== 'invalid')) return undefined;
    // The wallet's chain, or one synced for the tips (null without a bridge: the wallet's
    // first header sync calls check() again).
    const chain = await this.#wallet.verifiedChain() ?? await this.#wallet.ensureChain().catch(() => null);
    if (!chain) return undefined;
    const updates = [];
    let proofs = 0;
    let waiting = false;
    for (const tip of valid) {
      if (tip.status === 'invalid') continue;
      if (tip.checkedTip === chain.tipHash) {
        if (tip.status !== 'verified') waiting = true;
        continue;   // nothing new since the last check
      }
      if (tip.status === 'verified' && await readHeaderHash(this.#db, chain, tip.height) === tip.block) {
        // Still in our chain: deeper now, no relay needed.
        updates.push({ ...tip, confirmations: chain.height - tip.height + 1, checkedTip: chain.tipHash });
        continue;
      }
      if (proofs >= PROOFS_PER_PASS) {
        waiting = true;
        continue;
      }
      proofs += 1;
      const next = await this.#verify(tip, chain);
      if (next.status !== 'verified' && next.status !== 'invalid') waiting = true;
      updates.push(next);
    }
    if (updates.length) {
      await putTips(this.#db, updates);
      this.#onChange();
    }
    this.#recheck.after({ waiting, tipHash: chain.tipHash }, () => {
      this.#wallet.ensureChain().catch(() => {}).finally(() => this.check());
    });
  }

  async #verify(tip, chain) {
    if (tip.tx === null) return pendingAgain(tip, 'tip_transaction_unknown', chain.tipHash);
    await this.#datt.loadPayments();
    const relay = this.#relay();
    let proof = null;
    let headers = null;
    if (relay) {
      try {
        const reply = await relay.btc('proof', { txid: tip.txid });
        if (typeof reply.proof === 'string' && reply.proof.length % 2 === 0 && /^[0-9a-f]+$/.test(reply.proof) &&
            Number.isInteger(reply.height) && reply.height >= 1) {
          if (reply.height > chain.height) chain = await this.#wallet.syncHeaders().catch(() => null) ?? chain;
          // A height past our tip, or headers we lack: no headers, so the verdict is pending.
          headers = await readHeaders(this.#db, chain, reply.height, chain.height) ?? new Uint8Array(0);
          proof = fromHex(reply.proof);
        }
      } catch {
        // Not mined (or the bridge cannot say): verified without a proof is pending.
      }
    }
    try {
      const verdict = await this.#datt.tips.verify(JSON.parse(tip.event), {
        network: chain.network, state: chain.state, transaction: fromHex(tip.tx),
        ...(proof ? { proof, headers } : {}),
      });
      return applyVerdict(tip, verdict, chain.tipHash);
    } catch (error) {
      return pendingAgain(tip, typeof error?.code === 'string' && /^[a-z_]{1,64}$/.test(error.code) ? error.code : 'tip_check_failed',
        chain.tipHash);
    }
  }

  /**
   * `author`'s payout address on `network` from the kind 10570 events `events` (unverified,
   * from relays: parsePayout checks each one's signature): the newest valid version counts
   * (it is replaceable). {event, address, scriptPubKey}, {event, address: null} when the
   * newest names no address on `network`, or null when there is none.
   */
  static async newestPayout(datt, author, events, network) {
    let best = null;
    if (events.length) await datt.loadPayments();
    for (const event of events) {
      if (event?.kind !== KIND_PAYOUT || event.pubkey !== author) continue;
      let payout;
      try {
        payout = await datt.tips.parsePayout(event);
      } catch {
        continue;
      }
      if (!best || event.created_at > best.event.created_at || (event.created_at === best.event.created_at && event.id < best.event.id)) {
        best = { event, payout };
      }
    }
    if (!best) return null;
    const entry = best.payout.addresses.find((a) => a.network === network);
    return { event: best.event, address: entry?.address ?? null, scriptPubKey: entry?.scriptPubKey ?? null };
  }
}
