// The wallet's sync, in the owner tab's sync worker (the only writer of `datt-wallet`):
// over the relay's Bitcoin bridge (docs/protocol.md "Bitcoin bridge") it keeps a header
// chain that it verifies itself in wasm, watches the account's scripts, records payments,
// and counts a transaction as confirmed only after checking its merkle proof against the
// block hash its own verified chain has at that height. The relay is trusted for nothing
// but availability: a lying relay can withhold or delay, not make a payment look confirmed.
//
// Header chain: from the network's genesis on regtest (CHECKPOINTS below for the others:
// none yet, so the wallet says so instead of starting). Headers come 500 at a time and are
// validated by datt.bitcoin.extendHeaderChain (proof of work, linkage, retarget rules);
// the raw headers are stored in chunks (wallet/store.js). The tip book (tips/book.js) has
// the chain kept without a wallet account too (ensureChain). A failure to link (the relay's
// chain reorganized past our tip) or a reorg notice restarts the chain from genesis: 10,000
// regtest headers verify in well under a second (docs/performance.md).
import { confirmTx, getTx, putMeta, putRecords, readAccount, readChain, readHeaderHash, readScan, readWallet, recordPayment,
  resetWallet, storeChain } from './store.js';
import { conflictRecords } from './records.js';
import { outpointWatchRequests } from './watch_requests.js';

const HEADERS_PER_REQUEST = 500;
const WATCH_CHUNK = 100;

/** Trusted starting points per network; regtest networks start at genesis. */
export const CHECKPOINTS = {};
const FROM_GENESIS = new Set(['regtest', 'bcoin-regtest']);

const fromHex = (hex) => {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; ++i) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
};
const toHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export class WalletSync {
  #datt;
  #db;
  #relay = null;
  #onChange;
  #onStatus;
  account = null;
  network = null;            // the relay's network (status), checked against the account's
  status = { state: 'idle', error: '', height: null, relayHeight: null, faucet: false };
  #scan = null;              // datt scan result of the stored progress
  #watching = new Set();     // script hex watched on the current connection
  #syncing = null;
  #checking = null;
  #outpoints = new Map();    // "txid:vout" -> {txid, vout}: others' outpoints to watch (channels' fundings)
  #onSpend;

  constructor({ datt, db, onChange, onStatus, onSpend = null }) {
    this.#datt = datt;
    this.#db = db;
    this.#onChange = onChange;
    this.#onStatus = onStatus;
    this.#onSpend = onSpend;
  }

  #setStatus(patch) {
    this.status = { ...this.status, ...patch };
    this.#onStatus(this.status);
  }

  /** The relay to use (its connection opened, or reopened: watches start over). */
  async attach(relay) {
    this.#relay = relay;
    this.#watching.clear();
    try {
      const status = await relay.btc('status');
      this.network = typeof status.network === 'string' ? status.network : null;
      this.#setStatus({ state: status.connected ? 'connected' : 'node_down', error: status.last_error || '',
        relayHeight: Number.isInteger(status.height) ? status.height : null, faucet: status.faucet === true,
        network: this.network });
    } catch (error) {
      this.#setStatus({ state: 'unavailable', error: error.message });
      return;
    }
    await this.start();
  }

  /** Loads the stored account and, when the relay's network matches, syncs and watches. */
  async start() {
    this.account = await readAccount(this.#db);
    if (!this.account || !this.#relay || !this.network) return;
    if (this.account.network !== this.network) {
      this.#setStatus({ state: 'wrong_network', error: `the wallet is on ${this.account.network}, the relay on ${this.network}` });
      return;
    }
    if (!this.#chainPossible()) {
      this.#setStatus({ state: 'no_checkpoint', error: `no header checkpoint for ${this.network} yet` });
      return;
    }
    await this.#datt.loadPayments(); // datt.bitcoin is the payments module, loaded on first use
    await this.#loadScan();
    await this.#watch();
    await this.syncHeaders();
    await this.checkPending();
  }

  #chainPossible() {
    return FROM_GENESIS.has(this.network) || !!CHECKPOINTS[this.network];
  }

  /**
   * The verified chain synced to the relay's tip, with or without a wallet account: the tip
   * book's (tips are verified against it). Loads the payments module, so a browser without
   * a wallet does so only once it has tips to check. Null without a bridge or a checkpoint.
   */
  async ensureChain() {
    if (!this.#relay || !this.network || !this.#chainPossible()) return null;
    await this.syncHeaders();
    return this.verifiedChain();
  }

  /** Stores the account (a new one resets the wallet's records) and starts. */
  async enable({ network, xpub, fingerprint }) {
    await this.#datt.loadPayments();
    const current = await readAccount(this.#db);
    if (!current || current.xpub !== xpub || current.network !== network) {
      // The account comes from the signer worker; datt checks it is a valid account key.
      const account = this.#datt.bitcoin.wallet.account(xpub, { network });
      if (account.fingerprint !== fingerprint) throw new Error('account fingerprint mismatch');
      await resetWallet(this.#db, { network, xpub, fingerprint });
    }
    await this.start();
    this.#onChange();
    return { network };
  }

  async #loadScan() {
    const stored = await readScan(this.#db);
    const wallet = this.#datt.bitcoin.wallet;
    try {
      this.#scan = wallet.scan(this.account.xpub, stored?.progress ?? null, [], { network: this.network });
    } catch {
      // Progress of another account or corrupt: start the window over (addresses stay derivable).
      this.#scan = wallet.scan(this.account.xpub, null, [], { network: this.network });
    }
    if (!stored) await putMeta(this.#db, { key: 'scan', progress: this.#scan.progress });
  }

  /** Marks scripts used (a payment to them, our change); watches what comes into view. */
  async #markUsed(scripts) {
    const next = this.#datt.bitcoin.wallet.scan(this.account.xpub, this.#scan.progress, scripts, { network: this.network });
    this.#scan = next;
    await putMeta(this.#db, { key: 'scan', progress: next.progress });
    await this.#watch();
    return next.matched;
  }

  async #watch() {
    const fresh = this.#scan.watched.map((w) => toHex(w.scriptPubKey)).filter((hex) => !this.#watching.has(hex));
    for (let i = 0; i < fresh.length; i += WATCH_CHUNK) {
      const scripts = fresh.slice(i, i + WATCH_CHUNK);
      await this.#relay.btc('watch', { scripts });
      for (const hex of scripts) this.#watching.add(hex);
    }
    const outpoints = [...this.#outpoints].filter(([key]) => !this.#watching.has(key)).map(([, o]) => o);
    for (const request of outpointWatchRequests(outpoints, WATCH_CHUNK)) {
      await this.#relay.btc('watch', request);
      for (const o of request.outpoints) this.#watching.add(`${o.txid}:${o.vout}`);
    }
  }

  /**
   * Watches outpoints that are not the wallet's (a channel's funding output): their spends
   * go to `onSpend` (channels/sync.js), on this connection and every later one; those with a
   * `fromHeight` also their spends mined since that block (the bridge scans them again each
   * time a connection starts watching: a spend while no tab was open is told too).
   */
  async watchOutpoints(outpoints) {
    for (const o of outpoints) {
      this.#outpoints.set(`${o.txid}:${o.vout}`, { txid: o.txid, vout: o.vout, fromHeight: o.fromHeight });
    }
    if (this.account && this.#scan && this.#relay) await this.#watch();
  }

  /** Next fresh receive and change addresses. */
  addresses() {
    const wallet = this.#datt.bitcoin.wallet;
    const options = { network: this.network };
    return {
      receive: wallet.addresses(this.account.xpub, 0, this.#scan.nextReceive, 1, options)[0],
      change: wallet.addresses(this.account.xpub, 1, this.#scan.nextChange, 1, options)[0],
    };
  }

  /** Fetches and verifies headers up to the relay's tip (one sync at a time). */
  syncHeaders() {
    this.#syncing ??= this.#syncHeaders().finally(() => { this.#syncing = null; });
    return this.#syncing;
  }

  async #syncHeaders(restarted = false) {
    await this.#datt.loadPayments();
    const btc = this.#datt.bitcoin;
    let chain = await readChain(this.#db, this.network);
    if (!chain) {
      const state = btc.headerChainGenesis(this.network);
      const info = btc.headerChainInfo(this.network, state);
      chain = { network: this.network, state, height: info.height, tipHash: info.tipHash };
      // Height 0's slot: the genesis block is known by its hash (the chain's tipHash now).
      await storeChain(this.#db, chain, 0, new Uint8Array(80));
    }
    for (;;) {
      let reply;
      try {
        reply = await this.#relay.btc('headers', { from: chain.height + 1, count: HEADERS_PER_REQUEST });
      } catch (error) {
        if (error.code !== 'headers_out_of_range') throw error;
        // Nothing past our tip: up to date, unless the relay's chain is shorter than ours.
        const status = await this.#relay.btc('status');
        if (Number.isInteger(status.height) && status.height < chain.height && !restarted) {
          await this.#resetChain();
          return this.#syncHeaders(true);
        }
        break;
      }
      if (typeof reply.headers !== 'string' || reply.headers.length % 160 !== 0 || !/^[0-9a-f]*$/.test(reply.headers)) {
        throw Object.assign(new Error('malformed headers from the relay'), { code: 'btc_malformed' });
      }
      if (Number.isInteger(reply.tip_height)) this.#setStatus({ relayHeight: reply.tip_height });
      if (Number.isInteger(reply.tip_height) && reply.tip_height < chain.height && !restarted) {
        // The relay's chain is shorter than ours (another chain: a regtest node started over).
        await this.#resetChain();
        return this.#syncHeaders(true);
      }
      if (!reply.headers.length) break;
      const raw = fromHex(reply.headers);
      const update = btc.extendHeaderChain(this.network, chain.state, raw, { now: Math.floor(Date.now() / 1000) });
      const start = chain.height + 1;
      chain = { network: this.network, state: update.state, height: update.height, tipHash: update.tipHash };
      if (update.accepted) await storeChain(this.#db, chain, start, raw.subarray(0, update.accepted * 80));
      if (update.failure) {
        if (update.failure.index === 0 && update.failure.code === 'bad_linkage' && !restarted) {
          // Our tip left the relay's chain: start again from genesis.
          await this.#resetChain();
          return this.#syncHeaders(true);
        }
        this.#setStatus({ state: 'bad_headers', error: `header ${update.failure.height}: ${update.failure.message}` });
        break;
      }
      if (raw.length / 80 < HEADERS_PER_REQUEST) break;
    }
    this.#setStatus({ height: chain.height, ...(this.status.state === 'bad_headers' ? {} : { state: 'connected', error: '' }) });
    this.#onChange();
    return chain;
  }

  // Forgets the verified chain (a stored chain of no network reads as none).
  #resetChain() {
    return storeChain(this.#db, { network: 'none', state: new Uint8Array(1), height: 0, tipHash: '0'.repeat(64) }, 0, new Uint8Array(0));
  }

  /** The verified chain's record (network, state, height, tipHash), or null before the first sync. */
  async verifiedChain() {
    return this.network ? readChain(this.#db, this.network) : null;
  }

  /**
   * Confirms `txid` when its merkle proof verifies and names the block our verified chain
   * has at that height. True when it did.
   */
  async #confirm(txid) {
    const block = await this.#provenBlock(txid);
    return block ? confirmTx(this.#db, txid, block.height, block.hash) : false;
  }

  /**
   * The height of the block holding `txid` (not the wallet's: a channel's funding that the
   * hub paid, channels/sync.js), proven as #confirm proves the wallet's; null until it is.
   */
  async provenHeight(txid) {
    this.#ready();
    return (await this.#provenBlock(txid))?.height ?? null;
  }

  // {height, hash} of the block our verified chain has where the relay's merkle proof of
  // `txid` says it is mined, or null (not mined, or the proof does not hold).
  async #provenBlock(txid) {
    let reply;
    try {
      reply = await this.#relay.btc('proof', { txid });
    } catch {
      return null;   // not mined yet (or the node cannot say)
    }
    if (typeof reply.proof !== 'string' || !/^[0-9a-f]*$/.test(reply.proof) || reply.proof.length % 2) return null;
    let proof;
    try {
      proof = this.#datt.bitcoin.verifyMerkleProof(fromHex(reply.proof));
    } catch {
      return null;
    }
    if (!proof.matches.some((m) => m.txid === txid)) return null;
    const height = reply.height;
    if (!Number.isInteger(height)) return null;
    let chain = await readChain(this.#db, this.network);
    if (!chain || chain.height < height) chain = await this.syncHeaders();
    const ours = await readHeaderHash(this.#db, chain, height);
    return ours === proof.blockHash ? { height, hash: proof.blockHash } : null;
  }

  /** Tries to confirm every pending transaction (after a new tip, a reload, a reorg). */
  checkPending() {
    this.#checking ??= (async () => {
      const { txs } = await readWallet(this.#db);
      let changed = false;
      for (const tx of txs) if (tx.status === 'pending' && await this.#confirm(tx.txid)) changed = true;
      if (changed) this.#onChange();
    })().finally(() => { this.#checking = null; });
    return this.#checking;
  }

  /** A BTC-EVENT from the relay. */
  async onNotification(event) {
    if (!this.account || !this.#scan) {
      // No wallet: a chain kept for the tip book still follows the relay's.
      if ((event.type !== 'tip' && event.type !== 'reorg') || !(await this.verifiedChain())) return;
      if (event.type === 'tip') await this.syncHeaders();
      else if (event.type === 'reorg') await this.#onReorg(event);
      else return;
      this.#onChange();
      return;
    }
    switch (event.type) {
      case 'payment':
      case 'confirmed':
        await this.#onPayment(event);
        if (event.type === 'confirmed') await this.#confirm(event.txid);
        break;
      case 'spend':
        if (Number.isInteger(event.height)) {
          await this.#onMinedSpend(event);
          await this.#confirm(event.txid);
        }
        if (this.#onSpend && this.#outpoints.has(`${event.outpoint?.txid}:${event.outpoint?.vout}`)) await this.#onSpend(event);
        break;
      case 'tip':
        await this.syncHeaders();
        await this.checkPending();
        break;
      case 'reorg':
      case 'unconfirmed':
        await this.#onReorg(event);
        break;
      default:
        return;
    }
    this.#onChange();
  }

  async #onPayment(event) {
    if (typeof event.txid !== 'string' || !/^[0-9a-f]{64}$/.test(event.txid) || !Number.isInteger(event.vout) ||
        typeof event.script !== 'string' || !/^[0-9a-f]{44}$/.test(event.script) || !Number.isSafeInteger(event.sats)) return;
    const script = fromHex(event.script);
    const [path] = await this.#markUsed([script]);
    if (!path) return;       // not one of ours
    const newCoin = await recordPayment(this.#db, {
      tx: { txid: event.txid, status: 'pending', height: null, block: null, seenAt: Date.now(), fee: null },
      coin: { txid: event.txid, vout: event.vout, value: BigInt(event.sats), scriptPubKey: script, path, spentBy: null },
    });
    if (newCoin) await this.#relay.btc('watch', { outpoints: [{ txid: event.txid, vout: event.vout }] }).catch(() => {});
  }

  // A block spends a coin of ours: when not by the transaction we know as its spender, that
  // one was replaced (records.js conflictRecords), e.g. by a bump the node had refused.
  async #onMinedSpend(event) {
    const outpoint = event.outpoint;
    if (typeof event.txid !== 'string' || !/^[0-9a-f]{64}$/.test(event.txid) || !outpoint ||
        typeof outpoint.txid !== 'string' || !/^[0-9a-f]{64}$/.test(outpoint.txid) || !Number.isInteger(outpoint.vout)) return;
    const { coins, txs } = await readWallet(this.#db);
    const records = conflictRecords(coins, txs, { outpoint, txid: event.txid, seenAt: Date.now() });
    if (records) await putRecords(this.#db, records);
  }

  // Blocks left the chain: the verified chain restarts from genesis, and transactions
  // confirmed above the fork (or named unconfirmed) go back to pending until proven again.
  async #onReorg(event) {
    const { txs } = await readWallet(this.#db);
    const fork = Number.isInteger(event.fork_height) ? event.fork_height : -1;
    const back = txs.filter((tx) => tx.status === 'confirmed' && (tx.txid === event.txid || (fork >= 0 && tx.height > fork)));
    if (back.length) await putRecords(this.#db, { txs: back.map((tx) => ({ ...tx, status: 'pending', height: null, block: null })) });
    if (event.type === 'reorg') {
      await this.#resetChain();
      await this.syncHeaders();
      await this.checkPending();
    }
  }

  // ---- requests from the tabs ----

  #ready() {
    if (!this.account || !this.#scan || !this.#relay) {
      throw Object.assign(new Error('the wallet is not connected to a relay with a Bitcoin node'), { code: 'wallet_offline' });
    }
  }

  async faucet(sats) {
    this.#ready();
    const { receive } = this.addresses();
    // The first request mines the faucet's coins (101 blocks in bcoin's JS): minutes on a slow machine.
    return this.#relay.btc('faucet', { address: receive.address, sats }, 300000);
  }

  async mine(blocks) {
    this.#ready();
    return this.#relay.btc('mine', { blocks }, 120000);
  }

  /**
   * Broadcasts a transaction signed in a tab; once the node accepts it, records it (pending),
   * marks its inputs spent and its change script used, and a replaced original as such.
   */
  async send({ transaction, txid, unsigned, payees, replaces, tip }) {
    this.#ready();
    const verdict = await this.#relay.btc('broadcast', { tx: toHex(transaction) }, 60000);
    if (!verdict.accepted) {
      // A refused bump is kept with its original: a node without BIP-125 (bcoin) refuses it,
      // yet a miner may mine it; the block then tells (#onMinedSpend).
      const original = replaces ? await getTx(this.#db, replaces) : null;
      if (original && original.status === 'pending') {
        await putRecords(this.#db, { txs: [{ ...original, refusedBump: { txid, fee: unsigned.fee, unsigned, payees, transaction, ...(tip ? { tip } : {}) } }] });
        this.#onChange();
      }
      return verdict;
    }
    const { coins } = await this.#readAll();
    const spent = new Set(unsigned.inputs.map((i) => `${i.txid}:${i.vout}`));
    const records = { txs: [], coins: [] };
    records.txs.push({ txid, status: 'pending', height: null, block: null, seenAt: Date.now(), fee: unsigned.fee, unsigned,
      payees, ...(replaces ? { replaces } : {}), ...(tip ? { tip } : {}) });
    for (const coin of coins) if (spent.has(`${coin.txid}:${coin.vout}`)) records.coins.push({ ...coin, spentBy: txid });
    if (replaces) {
      const original = await getTx(this.#db, replaces);
      if (original) records.txs.push({ ...original, status: 'replaced', replacedBy: txid });
    }
    if (unsigned.changeOutput !== null) {
      const out = unsigned.tx.outputs[unsigned.changeOutput];
      const [path] = await this.#markUsed([out.scriptPubKey]);
      if (path) records.coins.push({ txid, vout: unsigned.changeOutput, value: out.value, scriptPubKey: out.scriptPubKey, path, spentBy: null });
    }
    await putRecords(this.#db, records);
    await this.#relay.btc('watch', { outpoints: [...spent].map((o) => ({ txid: o.slice(0, 64), vout: Number(o.slice(65)) })) }).catch(() => {});
    this.#onChange();
    return verdict;
  }

  /**
   * Broadcasts a transaction the wallet did not build (a channel's closing transaction,
   * channels/sync.js): its outputs to the wallet's scripts come back as payments (watched).
   */
  async broadcastRaw(transaction) {
    this.#ready();
    return this.#relay.btc('broadcast', { tx: toHex(transaction) }, 60000);
  }

  #readAll() {
    return readWallet(this.#db);
  }
}
