// The browser wallet's stored records (IndexedDB `datt-wallet`, wallet/store.js) and what
// is computed from them. Everything read back is untrusted: another script of the origin,
// a broken write or an older version of the app may have put anything there, so each record
// is checked field by field before use and a bad one is left out (and counted), never
// trusted. Pure functions: tested in Node (tests/web/wallet.test.mjs).
//
//   meta    {key: 'account', network, xpub, fingerprint}       the BIP-84 account (public)
//           {key: 'scan', progress: Uint8Array(17)}             gap-limit progress (core's bytes)
//           {key: 'chain', network, state: Uint8Array, height, tipHash}  verified header chain
//   headerChunks {chunk, raw: Uint8Array}                       raw headers of the verified chain:
//           heights chunk*HEADERS_PER_CHUNK ... (80 bytes each, the last chunk partly filled;
//           height 0's slot holds 80 zero bytes: the genesis block is known by its hash)
//   tips    tips/records.js                                     tip events and their verdicts
//   txs     {txid, status, height, block, seenAt, fee, unsigned?, replaces?, replacedBy?, payees?,
//            tip?: {target, payoutEvent (JSON), scriptPubKey (hex), vout, sats, message, community}
//            (a tip's payment: a bump of it re-announces the tip, tips/pay.js bumpedTipTemplate),
//            refusedBump?: {txid, fee, unsigned, payees, transaction: Uint8Array (signed), tip?}}
//            (a bump the node refused, kept for a miner or another node: see conflictRecords)
//   coins   {txid, vout, value: bigint, scriptPubKey: Uint8Array, path, spentBy}
//
// A transaction is 'confirmed' only after its merkle proof was verified against the block
// hash the verified header chain has at its height (wallet/sync.js); 'pending' otherwise;
// 'replaced' when a BIP-125 replacement of ours took its place, or when a block holds
// another transaction spending one of its coins (conflictRecords).

export const TX_STATUSES = ['pending', 'confirmed', 'replaced'];
const HASH = /^[0-9a-f]{64}$/;
const PATH = /^m\/84'\/\d{1,10}'\/\d{1,10}'\/[01]\/\d{1,10}$/;
const MAX_MONEY = 21_000_000n * 100_000_000n;
const MAX_TX_BYTES = 400_000; // a standard transaction's weight limit
export const NETWORKS = ['mainnet', 'testnet3', 'signet', 'regtest', 'bcoin-regtest'];

export class WalletRecordError extends Error {
  constructor(message) {
    super(message);
    this.name = 'WalletRecordError';
    this.code = 'wallet_corrupt_record';
  }
}

function fail(what, why) {
  throw new WalletRecordError(`stored wallet ${what}: ${why}`);
}

const isHeight = (v) => Number.isInteger(v) && v >= 0 && v < 2 ** 31;
const isSats = (v) => typeof v === 'bigint' && v >= 0n && v <= MAX_MONEY;
const isBytes = (v, min, max) => v instanceof Uint8Array && v.length >= min && v.length <= max;

export function checkAccount(record) {
  if (!record || typeof record !== 'object') fail('account', 'missing');
  if (!NETWORKS.includes(record.network)) fail('account', 'unknown network');
  if (typeof record.xpub !== 'string' || !/^[1-9A-HJ-NP-Za-km-z]{100,120}$/.test(record.xpub)) fail('account', 'bad xpub');
  if (typeof record.fingerprint !== 'string' || !/^[0-9a-f]{8}$/.test(record.fingerprint)) fail('account', 'bad fingerprint');
  return record;
}

export function checkScan(record) {
  if (!record || !isBytes(record.progress, 17, 17)) fail('scan progress', 'not 17 bytes');
  return record;
}

export function checkChain(record, network) {
  if (!record || typeof record !== 'object') fail('chain', 'missing');
  if (record.network !== network) fail('chain', 'of another network');
  if (!isBytes(record.state, 1, 1024)) fail('chain', 'bad state');
  if (!isHeight(record.height)) fail('chain', 'bad height');
  if (typeof record.tipHash !== 'string' || !HASH.test(record.tipHash)) fail('chain', 'bad tip hash');
  return record;
}

// 200 headers = 16,000 bytes a row. Rows of 1,000 (80 KB, past the 64 KB above which
// Chromium's IndexedDB moves a value to a blob file, the likely cause) made a read by height
// 9x and the sync 2.6x slower in bench/wallet_headers_bench.mjs; a 500-header step writes
// 3-4 rows of 200.
export const HEADERS_PER_CHUNK = 200;

export function checkHeaderChunk(record) {
  if (!record || !Number.isInteger(record.chunk) || record.chunk < 0 || record.chunk >= 2 ** 31 / HEADERS_PER_CHUNK) {
    fail('header chunk', 'bad index');
  }
  if (!isBytes(record.raw, 80, 80 * HEADERS_PER_CHUNK) || record.raw.length % 80) fail('header chunk', 'bad headers');
  return record;
}

export function checkCoin(record) {
  if (!record || typeof record !== 'object') fail('coin', 'missing');
  if (typeof record.txid !== 'string' || !HASH.test(record.txid)) fail('coin', 'bad txid');
  if (!Number.isInteger(record.vout) || record.vout < 0 || record.vout > 0xffffffff) fail('coin', 'bad vout');
  if (!isSats(record.value)) fail('coin', 'bad value');
  if (!isBytes(record.scriptPubKey, 22, 22) || record.scriptPubKey[0] !== 0 || record.scriptPubKey[1] !== 20) {
    fail('coin', 'not a P2WPKH script');
  }
  if (typeof record.path !== 'string' || !PATH.test(record.path)) fail('coin', 'bad key path');
  if (record.spentBy !== null && (typeof record.spentBy !== 'string' || !HASH.test(record.spentBy))) fail('coin', 'bad spender');
  return record;
}

function checkTipContext(tip) {
  if (!tip || typeof tip !== 'object' || typeof tip.target !== 'string' || !HASH.test(tip.target) ||
      typeof tip.payoutEvent !== 'string' || tip.payoutEvent.length > 100_000 ||
      typeof tip.scriptPubKey !== 'string' || !/^[0-9a-f]{2,200}$/.test(tip.scriptPubKey) ||
      !Number.isInteger(tip.vout) || tip.vout < 0 || !isSats(tip.sats) || tip.sats === 0n ||
      typeof tip.message !== 'string' || tip.message.length > 1000 ||
      (tip.community !== null && (typeof tip.community !== 'string' || tip.community.length > 1000))) {
    fail('transaction', 'bad tip');
  }
}

export function checkTx(record) {
  if (!record || typeof record !== 'object') fail('transaction', 'missing');
  if (typeof record.txid !== 'string' || !HASH.test(record.txid)) fail('transaction', 'bad txid');
  if (!TX_STATUSES.includes(record.status)) fail('transaction', 'unknown status');
  if (record.status === 'confirmed') {
    if (!isHeight(record.height)) fail('transaction', 'confirmed without a height');
    if (typeof record.block !== 'string' || !HASH.test(record.block)) fail('transaction', 'confirmed without a block');
  }
  if (!Number.isFinite(record.seenAt)) fail('transaction', 'bad time');
  if (record.fee !== null && !isSats(record.fee)) fail('transaction', 'bad fee');
  for (const link of ['replaces', 'replacedBy']) {
    if (record[link] !== undefined && record[link] !== null && (typeof record[link] !== 'string' || !HASH.test(record[link]))) {
      fail('transaction', `bad ${link}`);
    }
  }
  if (record.tip !== undefined) checkTipContext(record.tip);
  if (record.refusedBump !== undefined) {
    const bump = record.refusedBump;
    if (!bump || typeof bump !== 'object' || typeof bump.txid !== 'string' || !HASH.test(bump.txid) || !isSats(bump.fee) ||
        !bump.unsigned || typeof bump.unsigned !== 'object' || !Array.isArray(bump.payees) ||
        !(bump.transaction instanceof Uint8Array) || bump.transaction.length > MAX_TX_BYTES) {
      fail('transaction', 'bad refusedBump');
    }
    if (bump.tip !== undefined) checkTipContext(bump.tip);
  }
  if (record.payees !== undefined) {
    if (!Array.isArray(record.payees) || record.payees.length > 100 ||
        !record.payees.every((p) => p && typeof p.address === 'string' && p.address.length <= 100 && isSats(p.value))) {
      fail('transaction', 'bad payees');
    }
  }
  return record;
}

/** The records that pass `check`, and how many did not. */
export function validRecords(records, check) {
  const valid = [];
  let rejected = 0;
  for (const record of records) {
    try {
      valid.push(check(record));
    } catch {
      rejected += 1;
    }
  }
  return { valid, rejected };
}

/**
 * Balance and history from the (validated) coins and transactions:
 *   confirmed  unspent coins of confirmed transactions
 *   pending    unspent coins of pending transactions (incoming, or our own change)
 * A coin counts as spent when a transaction of ours that is not 'replaced' spends it.
 * history: one row per transaction, newest first, with its net effect on the wallet
 * (received less spent), its fee when it is ours, and its status.
 */
export function summarize(coins, txs) {
  const byId = new Map(txs.map((tx) => [tx.txid, tx]));
  const live = (txid) => txid !== null && byId.get(txid)?.status !== 'replaced';
  let confirmed = 0n;
  let pending = 0n;
  const net = new Map();
  for (const coin of coins) {
    const tx = byId.get(coin.txid);
    if (tx?.status === 'replaced') continue;     // an output of a replaced send never comes
    net.set(coin.txid, (net.get(coin.txid) ?? 0n) + coin.value);
    if (coin.spentBy !== null && live(coin.spentBy)) {
      net.set(coin.spentBy, (net.get(coin.spentBy) ?? 0n) - coin.value);
      continue;
    }
    if (tx?.status === 'confirmed') confirmed += coin.value;
    else pending += coin.value;
  }
  const history = txs
    .map((tx) => ({ txid: tx.txid, status: tx.status, height: tx.status === 'confirmed' ? tx.height : null,
      amount: net.get(tx.txid) ?? 0n, fee: tx.fee, seenAt: tx.seenAt, outgoing: tx.unsigned !== undefined,
      bumpable: tx.status === 'pending' && tx.unsigned !== undefined, replacedBy: tx.replacedBy ?? null,
      refusedBump: tx.status === 'pending' && tx.refusedBump
        ? { txid: tx.refusedBump.txid, fee: tx.refusedBump.fee, transaction: tx.refusedBump.transaction } : null,
      payees: tx.payees ?? [] }))
    .sort((a, b) => b.seenAt - a.seenAt || (a.txid < b.txid ? -1 : 1));
  return { confirmed, pending, total: confirmed + pending, history };
}

/**
 * A block holds `txid` spending our coin `outpoint` ({txid, vout}). When a pending
 * transaction of ours spent that coin, the block's one took its place: ours becomes
 * 'replaced' (its outputs never come, its other coins are free again) and the block's is
 * recorded as the coin's spender, pending until its merkle proof is checked. That is how a
 * bump the node refused (bcoin keeps the first spend; a miner mined the bump anyway) or a
 * replacement made elsewhere with the same keys shows: the refused bump, when it is the one
 * mined, keeps its fee, payees and unsigned form. Pure: the records to put, or null when
 * nothing changes (an unknown coin, or the spender we already have).
 */
export function conflictRecords(coins, txs, { outpoint, txid, seenAt }) {
  const coin = coins.find((c) => c.txid === outpoint?.txid && c.vout === outpoint?.vout);
  if (!coin || coin.spentBy === txid) return null;
  const byId = new Map(txs.map((tx) => [tx.txid, tx]));
  const out = { txs: [], coins: [{ ...coin, spentBy: txid }] };
  const ours = coin.spentBy === null ? undefined : byId.get(coin.spentBy);
  if (ours && ours.status !== 'replaced') out.txs.push({ ...ours, status: 'replaced', replacedBy: txid, height: null, block: null });
  // The block's transaction may be known already (a payment to our change told first).
  const known = byId.get(txid) ?? { txid, status: 'pending', height: null, block: null, seenAt, fee: null };
  const bump = ours?.refusedBump?.txid === txid ? ours.refusedBump : null;
  out.txs.push({ ...known, ...(bump ? { fee: bump.fee, unsigned: bump.unsigned, payees: bump.payees, ...(bump.tip ? { tip: bump.tip } : {}) } : {}),
    ...(ours ? { replaces: ours.txid } : {}) });
  return out;
}

/** Unspent coins of confirmed transactions: what a payment or a bump may spend (BIP-125 rule 2). */
export function spendableCoins(coins, txs) {
  const byId = new Map(txs.map((tx) => [tx.txid, tx]));
  return coins.filter((coin) => byId.get(coin.txid)?.status === 'confirmed' &&
    (coin.spentBy === null || byId.get(coin.spentBy)?.status === 'replaced'));
}

/** Sats as "0.00012345 BTC"-style text, exact (no floating point). */
export function formatSats(sats) {
  const negative = sats < 0n;
  const abs = negative ? -sats : sats;
  const whole = abs / 100_000_000n;
  const fraction = (abs % 100_000_000n).toString().padStart(8, '0');
  return `${negative ? '-' : ''}${whole}.${fraction} BTC`;
}

/** A decimal count of sats typed by a person, or null. */
export function parseSats(text) {
  if (typeof text !== 'string' || !/^\d{1,16}$/.test(text.trim())) return null;
  const value = BigInt(text.trim());
  return value > 0n && value <= MAX_MONEY ? value : null;
}
