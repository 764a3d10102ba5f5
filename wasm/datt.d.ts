// Types for datt.mjs. Hex strings are lowercase. NIP-01 event fields and Nostr identities
// (ids, pubkeys) are hex strings; every other binary value is a Uint8Array (README.md).

export class DattError extends Error {
  /** Stable machine-readable reason, e.g. "bad_signature", "mnemonic_checksum". */
  readonly code: string;
}

export interface Bip32Versions {
  public: number;
  private: number;
}
export const MAINNET_VERSIONS: Readonly<Bip32Versions>;
export const TESTNET_VERSIONS: Readonly<Bip32Versions>;

export interface EventTemplate {
  kind: number;
  created_at: number;
  tags: string[][];
  content: string;
}

export interface NostrEvent extends EventTemplate {
  id: string;
  pubkey: string;
  sig: string;
}

export interface DerivedKey {
  xpub: string;
  xprv?: string;
  /** 32 bytes; present for keys derived from a seed or an xprv. */
  secretKey?: Uint8Array;
  /** 33-byte compressed public key. */
  publicKey: Uint8Array;
  /** 32-byte BIP-340 x-only public key (the Nostr pubkey), hex. */
  xOnlyPublicKey: string;
  depth: number;
  childNumber: number;
  /** The key's 4-byte fingerprint (HASH160 of the public key, first 4 bytes). */
  fingerprint: Uint8Array;
}

/** NIP-19 payloads (hex keys and ids), in nostr-tools' shapes. */
export interface Nip19Profile {
  pubkey: string;
  relays?: string[];
}
export interface Nip19Event {
  id: string;
  relays?: string[];
  author?: string;
  kind?: number;
}
export interface Nip19Address {
  identifier: string;
  pubkey: string;
  kind: number;
  relays?: string[];
}
export type Nip19Decoded =
  | { type: 'npub' | 'note'; data: string }
  | { type: 'nsec'; data: Uint8Array }
  | { type: 'nprofile'; data: Required<Nip19Profile> }
  | { type: 'nevent'; data: Nip19Event & { relays: string[] } }
  | { type: 'naddr'; data: Required<Nip19Address> };

export interface VoteTally {
  ups: number;
  downs: number;
  /** ups - downs */
  score: number;
}

/** A NIP-25 vote as voteOf() returns it. */
export interface Vote {
  /** Id of the event voted on. */
  target: string;
  /** X-only pubkey of the voter. */
  voter: string;
  created_at: number;
  /** Id of the reaction event. */
  id: string;
  value: 1 | -1;
}

export type FeedSort = 'hot' | 'new' | 'top' | 'controversial' | 'best';

export interface RankItem {
  /** Event id, 64 lowercase hex characters. */
  id: string;
  created_at: number;
  ups: number;
  downs: number;
  /** Verified tip sats (datt.tips.verify, each payment once): hot adds log10(1 + tip_sats/1000). */
  tip_sats?: Sats;
}

export type KindClass = 'regular' | 'replaceable' | 'ephemeral' | 'addressable';

/** The parts of a NIP-01 address "<kind>:<pubkey>:<d>". */
export interface Address {
  kind: number;
  pubkey: string;
  /** The `d` tag of an addressable event; "" for replaceable ones. */
  d: string;
}

/** What a NIP-09 deletion request names. */
export interface DeletionRequest {
  author: string;
  created_at: number;
  /** Event ids (lowercase hex) named by `e` tags. */
  ids: string[];
  /** Addresses of the author's own events named by `a` tags. */
  addresses: string[];
}

/**
 * A session holding an unlocked secret key in wasm memory (datt.openSigner). delete() wipes
 * it; afterwards every method throws DattError "deleted".
 */
export class Signer {
  private constructor();
  /** The x-only public key, hex. */
  readonly publicKey: string;
  /** False after delete(). */
  readonly live: boolean;
  /** Signs an event template {kind, created_at, tags, content}; returns the signed event. */
  signEvent(template: EventTemplate | string): NostrEvent;
  /** 64-byte BIP-340 signature; auxRand (32 bytes) defaults to fresh randomness. */
  schnorrSign(message: Uint8Array, auxRand?: Uint8Array): Uint8Array;
  /** Wipes the key; calling it again does nothing. */
  delete(): void;
}

// ---- core/bitcoin (datt.bitcoin) ----

/**
 * Satoshis. Accepted as a BigInt, or as a Number only when it is a safe integer (anything
 * else is refused with "amount_not_exact"); always returned as a BigInt.
 */
export type Sats = bigint | number;

/** "mainnet" (the default), "testnet3" ("testnet", "test"), "signet", "regtest" (Core's, bcrt), "bcoin-regtest" (bcoin 1.0.2's, rb). */
export type BitcoinNetworkName = 'mainnet' | 'main' | 'testnet3' | 'testnet' | 'test' | 'signet' | 'regtest' | 'bcoin-regtest';

export interface BitcoinNetwork {
  name: string;
  bech32Hrp: string;
  p2pkhPrefix: number;
  p2shPrefix: number;
  wifPrefix: number;
  /** BIP-32 version bytes (pass to derive()). */
  bip32Versions: Bip32Versions;
  bip84CoinType: number;
  /** Display order. */
  genesisHash: string;
}

export interface TxInput {
  /** The previous transaction's id, display order (as Core prints it). */
  txid: string;
  vout: number;
  /** Default: empty. */
  scriptSig?: Uint8Array;
  /** Default: 0xffffffff. */
  sequence?: number;
  /** Witness stack, bottom item first. Default: empty. */
  witness?: Uint8Array[];
}

export interface TxOutput {
  value: Sats;
  scriptPubKey: Uint8Array;
}

/** A transaction as an object. Defaults: version 2, locktime 0. */
export interface Transaction {
  version?: number;
  locktime?: number;
  inputs: TxInput[];
  outputs: TxOutput[];
}

/** parseTransaction()'s form: every member present, values as BigInt. */
export interface ParsedTransaction {
  version: number;
  locktime: number;
  inputs: Required<TxInput>[];
  outputs: { value: bigint; scriptPubKey: Uint8Array }[];
}

/** Raw bytes or an object. */
export type TransactionInput = Uint8Array | Transaction;

export interface TransactionInfo {
  txid: string;
  wtxid: string;
  /** Bytes serialized (with witnesses). */
  size: number;
  /** Bytes without witnesses. */
  baseSize: number;
  weight: number;
  vsize: number;
}

/** Bitcoin Core's decoderawtransaction object, member for member. */
export interface DecodedTransaction {
  txid: string;
  hash: string;
  version: number;
  size: number;
  vsize: number;
  weight: number;
  locktime: number;
  vin: Array<
    | { txid: string; vout: number; scriptSig: { asm: string; hex: string }; txinwitness?: string[]; sequence: number }
    | { coinbase: string; txinwitness?: string[]; sequence: number }
  >;
  vout: Array<{
    /** BTC, the Number JSON.parse gives for Core's text (for display; use valueSats to compute). */
    value: number;
    /** Exact. Not in Core's output. */
    valueSats: bigint;
    n: number;
    scriptPubKey: { asm: string; desc: string; hex: string; address?: string; type: string };
  }>;
}

export type MatchedScript = { coreType: string } & (
  | { type: 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh'; hash: Uint8Array }
  | { type: 'opReturn'; data: Uint8Array }
  | { type: 'multisig'; required: number; keys: Uint8Array[] }
  | { type: 'cltv'; lockTime: number; key: Uint8Array }
  | { type: 'csv'; sequence: number; key: Uint8Array }
  | { type: 'hashLock'; paymentHash160: Uint8Array; recipient: Uint8Array; refundLockTime: number; refund: Uint8Array }
  | { type: 'p2pk' | 'witnessUnknown' | 'nonstandard' }
);

export interface ParsedAddress {
  scriptPubKey: Uint8Array;
  type: 'p2pkh' | 'p2sh' | 'witness';
  witnessVersion: number;
  program: Uint8Array;
  /** Canonical text (bech32 lower case). */
  address: string;
}

/** Core's names ("P2SH", "WITNESS", ...), "STANDARD", "MANDATORY" or "NONE"; an array or one comma-separated string. */
export type ScriptFlags = string | string[];

export interface ScriptVerdict {
  valid: boolean;
  /** "OK", or Core's script error name as script_tests.json prints it ("EVAL_FALSE", ...). */
  error: string;
}

export interface Prevout {
  scriptPubKey: Uint8Array;
  amount: Sats;
}

export interface BlockHeader {
  hash: string;
  version: number;
  prevBlock: string;
  merkleRoot: string;
  time: number;
  bits: number;
  nonce: number;
}

export interface HeaderCheckpoint {
  height: number;
  hash: string;
  bits: number;
  /** Times of the last min(11, height + 1) headers up to this one, oldest first. */
  recentTimes: number[];
  /** Time of the header at height - height % 2016. */
  periodStartTime: number;
  /** testnet's min-difficulty walk-back; defaults to bits. */
  lastRegularBits?: number;
  /** 64 hex digits; default 0 (work counted from the checkpoint). */
  chainWork?: string;
}

export interface HeaderChainInfo {
  network: string;
  height: number;
  tipHash: string;
  bits: number;
  /** 64 hex digits. */
  chainWork: string;
  medianTimePast: number;
}

export interface HeaderChainUpdate extends HeaderChainInfo {
  /** The state after the accepted headers: store it and pass it to the next call. */
  state: Uint8Array;
  accepted: number;
  /** The first invalid header, when there is one. */
  failure?: { index: number; height: number; code: string; message: string };
}

export interface MerkleProof {
  blockHash: string;
  header: BlockHeader;
  transactionCount: number;
  matches: { txid: string; index: number }[];
}


// ---- core/bitcoin/wallet (datt.bitcoin.wallet) ----

/**
 * A BIP-84 account's root: the identity's BIP-39 seed (16-64 bytes, can sign; the copy in
 * wasm memory is wiped after each call) or the account's extended public key
 * (zpub/vpub/rpub text, watch-only).
 */
export type WalletRoot = Uint8Array | string;

export interface WalletOptions {
  network?: BitcoinNetworkName;
  /** Hardened account number (default 0); ignored for an xpub root (the key records it). */
  account?: number;
}

export interface WalletAccount {
  xpub: string;
  /** BIP-32 fingerprint of the account key, hex. */
  fingerprint: string;
  /** "m/84'/1'/0'". */
  path: string;
  network: string;
  coinType: number;
  account: number;
  canSign: boolean;
}

export interface WalletAddress {
  /** 0 receive, 1 change. */
  chain: 0 | 1;
  index: number;
  /** "m/84'/1'/0'/0/3". */
  path: string;
  address: string;
  scriptPubKey: Uint8Array;
  /** 33 bytes, compressed. */
  publicKey: Uint8Array;
}

export interface WalletScan {
  /** 17 bytes (docs/bitcoin.md "Gap-limit scanning"): store it, pass it to the next scan(). */
  progress: Uint8Array;
  gapLimit: number;
  /** The next fresh receive / change index. */
  nextReceive: number;
  nextChange: number;
  /** For each used script given, the path of the wallet key it belongs to, or null. */
  matched: Array<string | null>;
  /** Every script to watch: receive chain first, by index. */
  watched: Array<{ scriptPubKey: Uint8Array; path: string; chain: 0 | 1; index: number }>;
}

/** A coin of the account (a P2WPKH output paying one of its scripts). */
export interface WalletCoin {
  txid: string;
  vout: number;
  value: Sats;
  scriptPubKey: Uint8Array;
  /** The key's path, "m/84'/coin'/account'/chain/index". */
  path: string;
}

/** sat/vB, a multiple of 0.001 (exact in msat/vB). */
export type FeeRateSatPerVb = number;

export interface UnsignedWalletTransaction {
  /** No scriptSigs or witnesses yet. */
  tx: ParsedTransaction;
  inputs: Array<{
    txid: string;
    vout: number;
    value: bigint;
    scriptPubKey: Uint8Array;
    kind: 'p2wpkh' | 'multisig_2of2' | 'timelock' | 'hash_lock_preimage' | 'hash_lock_timeout';
    path?: string;
    witnessScript?: Uint8Array;
  }>;
  /** Index of the change output in tx.outputs, or null. */
  changeOutput: number | null;
  fee: bigint;
  /** Once signed, at most (72-byte signatures); recomputed when passed back in. */
  maxWeight: number;
  maxVsize: number;
}

export interface PaymentRequest {
  /** Standard outputs: {scriptPubKey, value} or {address, value} (on options.network). */
  payees: Array<{ value: Sats; scriptPubKey: Uint8Array } | { value: Sats; address: string }>;
  coins: WalletCoin[];
  feeRate: FeeRateSatPerVb;
  /** The account's next unused change script. */
  changeScript: Uint8Array;
  lockTime?: number;
  /** 32 bytes; crypto.getRandomValues when absent. Picks input order, change position, random draws. */
  randomSeed?: Uint8Array;
  /** Default 3 sat/vB (Core's -discardfee). */
  discardFeeRate?: FeeRateSatPerVb;
}

export interface BumpRequest {
  /** As buildPayment() or bumpFee() returned it. */
  original: UnsignedWalletTransaction;
  feeRate: FeeRateSatPerVb;
  /** Confirmed coins that may be added (BIP-125 rule 2). */
  coins?: WalletCoin[];
  /** New change when the original had none. */
  changeScript?: Uint8Array;
  randomSeed?: Uint8Array;
}

export interface SignedWalletTransaction {
  transaction: Uint8Array;
  txid: string;
  wtxid: string;
  vsize: number;
  weight: number;
  fee: bigint;
  /** sat/vB paid, rounded down to 0.001. */
  feeRate: number | null;
}

export interface CoinSelection {
  selected: number[];
  algorithm: 'fixed_inputs_only' | 'branch_and_bound' | 'single_random_draw';
  changeExpected: boolean;
  selectedValue: bigint;
  selectedEffectiveValue: bigint;
}

/**
 * datt.bitcoin.wallet: core/bitcoin/wallet. Pure: the caller keeps the scan progress, the
 * coins and unsigned transactions. Errors: DattError with the core's codes (wallet_*,
 * bip32_*), bad_key_path, bad_fee_rate, unknown_spend_kind, too_many.
 */
export class Wallet {
  private constructor();
  account(root: WalletRoot, options?: WalletOptions): WalletAccount;
  /** count <= 1000. */
  addresses(root: WalletRoot, chain: 0 | 1, start: number, count: number, options?: WalletOptions): WalletAddress[];
  /** progress null: a new scan with options.gapLimit (default 20). */
  scan(root: WalletRoot, progress: Uint8Array | null, usedScripts?: Uint8Array[], options?: WalletOptions & { gapLimit?: number }): WalletScan;
  selectCoins(
    candidates: Array<{ value: Sats; inputWeight: number }>,
    params: {
      valueOut: Sats; fixedValueIn?: Sats; fixedWeight: number; feeRate: FeeRateSatPerVb;
      changeOutputWeight: number; minChange: Sats; changeSpendFee: Sats; randomSeed?: Uint8Array;
    },
  ): CoinSelection;
  buildPayment(request: PaymentRequest, options?: WalletOptions): UnsignedWalletTransaction;
  bumpFee(request: BumpRequest): UnsignedWalletTransaction;
  /** Signs every input with the account's keys (the root must be a seed). */
  sign(root: WalletRoot, unsignedTx: UnsignedWalletTransaction, options?: WalletOptions): SignedWalletTransaction;
}

// ---- core/chain (datt.chain) and core/community (datt.community) ----

export interface ChainEntry { seq: number; id: string; prev: string | null }
/** One author's one chain as a reader knows it; plain data, kept in IndexedDB. */
export interface ChainState { author: string; chain: string; head: ChainEntry | null; pending: ChainEntry[] }
export interface ChainLinkInfo {
  author: string; id: string; chain: string; seq: number; prev: string | null; created_at: number; kind: number;
}
export interface SeqRange { first: number; last: number }
export type ForkShape = 'same_position' | 'broken_link';
export interface ChainStep {
  state: ChainState;
  outcome: 'extended' | 'pending' | 'duplicate' | 'fork';
  fork: { shape: ForkShape; otherSeq: number; otherId: string } | null;
  linked: ChainEntry[];
  gaps: SeqRange[];
  missing: number;
}
export interface ForkProofInfo {
  author: string; chain: string; seq: number; shape: ForkShape;
  /** The two events' JSON, lower seq (then lower id) first. */
  first: string; second: string;
  /** "[first,second]": the content of a kind 4560 event. */
  encoding: string;
}

/** datt.chain: content chains. Failures throw DattError with the core's chain_* / fork_* codes. */
export declare class Chain {
  newChainId(): string;
  parseTag(tag: string[]): { chain: string; seq: number; prev: string | null };
  makeTag(chain: string, seq: number, prev?: string | null): string[];
  nextTag(chain: string, last?: { seq: number; id: string } | null): string[];
  linkOf(event: NostrEvent | string): ChainLinkInfo | null;
  emptyState(author: string, chain: string): ChainState;
  applyLink(state: ChainState, event: NostrEvent | string, storedAtSeq?: string | null): ChainStep;
  gaps(state: ChainState): { gaps: SeqRange[]; missing: number };
  makeForkProof(a: NostrEvent | string, b: NostrEvent | string): ForkProofInfo;
  verifyForkProof(a: NostrEvent | string, b: NostrEvent | string): boolean;
  parseForkProof(value: NostrEvent | string, options?: { encoding?: boolean }): ForkProofInfo;
}

export type ModerationAction =
  'approve' | 'remove' | 'lock' | 'unlock' | 'pin' | 'unpin' | 'ban' | 'unban' | 'addModerator' | 'removeModerator';
export interface CommunityDefinition {
  address: string; owner: string; moderators: string[]; pow: number;
  origin: { address: string; cutoff: number } | null;
}
export interface ModerationRecord {
  action: ModerationAction; actor: string; created_at: number; id: string; community: string;
  target: string; reason: string;
  effect: 'applied' | 'not_moderator' | 'owner_only' | 'protected_target';
}
export interface CommunityViewInfo {
  posts: string[]; comments: string[]; pinned: string[]; locked: string[]; removed: string[];
  banned: string[]; moderators: string[]; log: ModerationRecord[];
  /** comment id -> the post its thread hangs from */
  threadPost: Record<string, string>;
}

/** datt.community: communities, their moderation log and view, admit, and NIP-13 mining. */
export declare class Community {
  parseDefinition(event: NostrEvent | string): CommunityDefinition;
  moderationTemplate(action: ModerationAction, community: string, target: string,
    options?: { createdAt?: number; reason?: string }): EventTemplate;
  view(definition: NostrEvent | string, log: Array<NostrEvent | string>, items: Array<NostrEvent | string>,
    origin?: NostrEvent | string | null): CommunityViewInfo;
  /** null when admitted; else the refusal a relay sends ("blocked: ...", "pow: difficulty N required"). */
  admit(definition: NostrEvent | string, log: Array<NostrEvent | string>, items: Array<NostrEvent | string>,
    event: NostrEvent | string, origin?: NostrEvent | string | null): { code: string; message: string } | null;
  leadingZeroBits(id: string): number;
  meetsDifficulty(event: NostrEvent | string, difficulty: number): boolean;
  mineStep(pubkey: string, template: EventTemplate | string, difficulty: number, firstNonce: number,
    count: number): { found: EventTemplate | null; id: string | null; tried: number; nextNonce: number };
  mine(pubkey: string, template: EventTemplate | string, difficulty: number,
    options?: { slice?: number; onProgress?: (progress: { tried: number }) => void; signal?: AbortSignal }):
    Promise<{ template: EventTemplate; id: string; tried: number }>;
}

/** datt.bitcoin: core/bitcoin. Every failure throws DattError with the core's code. */
export class Bitcoin {
  private constructor();
  /** core/bitcoin/wallet. */
  readonly wallet: Wallet;
  /** Names of the networks known to the core. */
  networkNames(): string[];
  /** A network's parameters {name, bech32Hrp, p2pkhPrefix, p2shPrefix, wifPrefix, bip32Versions, bip84CoinType, genesisHash}. */
  network(network?: BitcoinNetworkName): BitcoinNetwork;
  /** The transaction object of raw bytes, parsed strictly (codes tx_*). */
  parseTransaction(bytes: Uint8Array): ParsedTransaction;
  /** Raw bytes (BIP-144 when an input has a witness); {witness: false} for the legacy form. */
  serializeTransaction(tx: TransactionInput, options?: { witness?: boolean }): Uint8Array;
  /** {txid, wtxid, size, baseSize, weight, vsize}. */
  transactionInfo(tx: TransactionInput): TransactionInfo;
  /** True, or throws DattError with Core's CheckTransaction reason (tx_no_inputs, ...). */
  checkTransaction(tx: TransactionInput): true;
  /** Bitcoin Core's decoderawtransaction object, addresses on `network`; vout[].valueSats is exact. */
  decodeTransaction(tx: TransactionInput, network?: BitcoinNetworkName): DecodedTransaction;
  /** A script as Core's RPCs print it; {signatures: true} reads scriptSig signatures ([ALL]). */
  scriptToAsm(script: Uint8Array, options?: { signatures?: boolean }): string;
  /** What a script is ({type, ...}) by Datt's templates, and coreType, Core's name for it. */
  matchScript(script: Uint8Array): MatchedScript;
  /** P2PKH output script of a public key (33/65 bytes) or its 20-byte HASH160. */
  p2pkhScript(keyOrHash: Uint8Array): Uint8Array;
  /** P2WPKH output script of a public key (hashed compressed) or its 20-byte HASH160. */
  p2wpkhScript(keyOrHash: Uint8Array): Uint8Array;
  /** P2SH output script paying to a redeem script. */
  p2shScript(redeemScript: Uint8Array): Uint8Array;
  /** P2WSH output script paying to a witness script. */
  p2wshScript(witnessScript: Uint8Array): Uint8Array;
  /** m-of-n OP_CHECKMULTISIG script (1 <= m <= n <= 20), keys in the order given. */
  multisigScript(required: number, keys: Uint8Array[]): Uint8Array;
  /** BOLT-3 2-of-2 funding script: both keys compressed and sorted. */
  funding2of2Script(keyA: Uint8Array, keyB: Uint8Array): Uint8Array;
  /** OP_RETURN <data>, data at most 80 bytes. */
  opReturnScript(data: Uint8Array): Uint8Array;
  /** <lockTime> OP_CHECKLOCKTIMEVERIFY OP_DROP <key> OP_CHECKSIG. */
  cltvScript(lockTime: number, key: Uint8Array): Uint8Array;
  /** <sequence> OP_CHECKSEQUENCEVERIFY OP_DROP <key> OP_CHECKSIG. */
  csvScript(sequence: number, key: Uint8Array): Uint8Array;
  /** The hash lock with a refund branch (BOLT-3's HTLC shape); paymentHash is SHA-256 of the preimage. */
  hashLockScript(params: { paymentHash: Uint8Array; recipient: Uint8Array; refundLockTime: number; refund: Uint8Array }): Uint8Array;
  /** {scriptPubKey, type: "p2pkh" | "p2sh" | "witness", witnessVersion, program, address}. */
  parseAddress(address: string, network?: BitcoinNetworkName): ParsedAddress;
  /** The address of an output script on `network` (script_has_no_address for OP_RETURN, P2PK, ...). */
  scriptToAddress(scriptPubKey: Uint8Array, network?: BitcoinNetworkName): string;
  /** 33-byte compressed public key. */
  publicKey(secretKey: Uint8Array): Uint8Array;
  /** RIPEMD-160 of SHA-256. */
  hash160(data: Uint8Array): Uint8Array;
  /** SHA-256. */
  sha256(data: Uint8Array): Uint8Array;
  /** hashType: any 32-bit integer (as Core's sighash.json). */
  legacySighash(tx: TransactionInput, inputIndex: number, scriptCode: Uint8Array, hashType: number): Uint8Array;
  /** The BIP-143 signature hash (32 bytes, as signed) of a segwit v0 input spending `amount`. */
  segwitSighash(tx: TransactionInput, inputIndex: number, scriptCode: Uint8Array, amount: Sats, hashType: number): Uint8Array;
  /** hashType: ALL (1, the default), NONE (2), SINGLE (3), each optionally | 0x80. */
  signLegacyInput(tx: TransactionInput, inputIndex: number, scriptCode: Uint8Array, secretKey: Uint8Array, hashType?: number): Uint8Array;
  /** A segwit v0 input's signature (BIP-143) over scriptCode (the witness script for P2WSH). */
  signSegwitInput(tx: TransactionInput, inputIndex: number, scriptCode: Uint8Array, amount: Sats, secretKey: Uint8Array, hashType?: number): Uint8Array;
  /** The witness [signature, compressed key] spending a P2WPKH output of `amount`. */
  signP2wpkhInput(tx: TransactionInput, inputIndex: number, amount: Sats, secretKey: Uint8Array, hashType?: number): Uint8Array[];
  /** The scriptSig <signature> <compressed key> spending a P2PKH output. */
  signP2pkhInput(tx: TransactionInput, inputIndex: number, secretKey: Uint8Array, hashType?: number): Uint8Array;
  /** Script flag names (Core's) that verifyInput takes, besides "STANDARD", "MANDATORY", "NONE". */
  scriptFlagNames(): string[];
  /** flags default to "STANDARD". */
  verifyInput(tx: TransactionInput, inputIndex: number, prevout: Prevout, flags?: ScriptFlags): ScriptVerdict;
  /** {valid, inputs: [{valid, error}]}, one prevout per input. */
  verifyTransaction(tx: TransactionInput, prevouts: Prevout[], flags?: ScriptFlags): { valid: boolean; inputs: ScriptVerdict[] };
  /** {hash, version, prevBlock, merkleRoot, time, bits, nonce} of an 80-byte header. */
  parseBlockHeader(bytes: Uint8Array): BlockHeader;
  /** The stored state (Uint8Array) of a chain holding only the network's genesis block. */
  headerChainGenesis(network?: BitcoinNetworkName): Uint8Array;
  /** The state of a trusted checkpoint {height, hash, bits, recentTimes, periodStartTime, lastRegularBits?, chainWork?}. */
  headerChainFromCheckpoint(network: BitcoinNetworkName | undefined, checkpoint: HeaderCheckpoint): Uint8Array;
  /** {network, height, tipHash, bits, chainWork, medianTimePast} of a stored state. */
  headerChainInfo(network: BitcoinNetworkName | undefined, state: Uint8Array): HeaderChainInfo;
  /**
   * Validates headers (Uint8Array, 80 bytes each) after `state`: {state, accepted, height,
   * tipHash, ..., failure?: {index, height, code, message}}. `now` (seconds) enables the
   * future-time check.
   */
  extendHeaderChain(network: BitcoinNetworkName | undefined, state: Uint8Array, headers: Uint8Array, options?: { now?: number }): HeaderChainUpdate;
  /** {blockHash, header, transactionCount, matches: [{txid, index}]} of a gettxoutproof reply. */
  verifyMerkleProof(proof: Uint8Array): MerkleProof;
}

/** A BOLT-11 route hint hop (`routes` is one array of hops per r field). */
export interface InvoiceRouteHop {
  pubkey: string;
  /** BLOCKxTXxOUTPUT (a decimal number or string is accepted when encoding). */
  short_channel_id: string;
  fee_base_msat: number;
  fee_proportional_millionths: number;
  cltv_expiry_delta: number;
}

/** What datt.invoice.encode() takes (decode()'s result is valid input). */
export interface InvoiceFields {
  /** mainnet (default), testnet3, signet, regtest, simnet; or currency: bc, tb, tbs, bcrt, sb. */
  network?: string;
  currency?: string;
  /** Omitted: any amount. */
  amount_msat?: bigint | number | string;
  /** Seconds since 1970; default now. */
  created_at?: number;
  payment_hash: string;
  payment_secret: string;
  /** Exactly one of description (at most 639 UTF-8 bytes) and description_hash. */
  description?: string;
  description_hash?: string;
  /** Write the n field (the signer's key). */
  include_payee?: boolean;
  /** Seconds; 3600 (the default) is not written. */
  expiry?: number | bigint;
  /** 18 (the default) is not written. */
  min_final_cltv_expiry?: number | bigint;
  /** Addresses on the network, or {hex: scriptPubKey}. */
  fallbacks?: Array<string | { addr?: string; hex?: string }>;
  routes?: InvoiceRouteHop[][];
  /** Bit numbers, or Core Lightning's big-endian hex; default [8, 14]. */
  features?: number[] | string;
  payment_metadata?: string;
}

/** A decoded invoice whose signature verified (docs/invoices.md). */
export interface DecodedInvoice {
  currency: 'bc' | 'tb' | 'tbs' | 'bcrt' | 'sb';
  network: 'mainnet' | 'testnet3' | 'signet' | 'regtest' | 'simnet';
  created_at: number;
  /** Seconds, the default 3600 applied. */
  expiry: number | bigint;
  /** The signer: from the n field (include_payee) or recovered from the signature. */
  payee: string;
  include_payee: boolean;
  amount_msat?: bigint;
  description?: string;
  description_hash?: string;
  /** The default 18 applied. */
  min_final_cltv_expiry: number | bigint;
  payment_secret: string;
  features?: string;
  feature_bits?: Array<{ bit: number; name: string; required: boolean }>;
  payment_metadata?: string;
  fallbacks?: Array<{ type: string; addr?: string; hex: string }>;
  routes?: InvoiceRouteHop[][];
  /** Fields readers skip (unknown, wrong length, repeated), as bech32 characters. */
  extra?: Array<{ tag: string; data: string }>;
  payment_hash: string;
  /** r || s, hex. */
  signature: string;
  recovery_id: number;
  signature_valid: true;
}

/** datt.invoice: BOLT-11. Every failure throws DattError with the core's code. */
export class Invoices {
  /** Throws DattError (bech32_*, invoice_*) unless the invoice decodes and its signature verifies. */
  decode(invoice: string): DecodedInvoice;
  encode(fields: InvoiceFields, secretKey: Uint8Array): string;
}

/** Networks as tip events name them (canonical names only, no aliases). */
export type TipNetworkName = 'mainnet' | 'testnet3' | 'signet' | 'regtest' | 'bcoin-regtest';

export interface PayoutEntry {
  network: TipNetworkName;
  /** The network's canonical address text (bech32 in lower case): P2WPKH, P2WSH, P2TR, P2PKH or P2SH. */
  address: string;
}

/** An author's kind 10570 payout-address event, parsed. */
export interface PayoutAddresses {
  id: string;
  author: string;
  created_at: number;
  addresses: Array<{ network: TipNetworkName; address: string; scriptPubKey: Uint8Array }>;
}

export interface TipRequest {
  /** The post or comment tipped (event id, hex). */
  target: string;
  network: TipNetworkName;
  /** Display order, as RPCs print it. */
  txid: string;
  vout: number;
  sats: Sats;
  message?: string;
  createdAt: number;
}

/** A kind 4570 tip event, parsed (well-formed; whether it was paid is verify()'s question). */
export interface ParsedTip {
  id: string;
  payer: string;
  target: string;
  author: string;
  created_at: number;
  network: TipNetworkName;
  txid: string;
  vout: number;
  sats: bigint;
  /** The payout address the output must pay, and its script. */
  address: string;
  scriptPubKey: Uint8Array;
  message: string;
  payout: PayoutAddresses;
}

export interface TipEvidence {
  /** The client's chain: network and stored header-chain state (Bitcoin.extendHeaderChain). */
  network: BitcoinNetworkName;
  state: Uint8Array;
  /** The raw payment transaction. */
  transaction: Uint8Array;
  /** The gettxoutproof bytes (BTC proof); absent while unconfirmed. */
  proof?: Uint8Array;
  /** The client's headers (80 bytes each) from the proof's block up to its tip. */
  headers?: Uint8Array;
  /** Default 1. */
  minConfirmations?: number;
}

export type TipCode =
  | 'tip_wrong_network' | 'tip_tx_invalid' | 'tip_txid_mismatch' | 'tip_vout_out_of_range'
  | 'tip_wrong_address' | 'tip_amount_mismatch' | 'tip_no_commitment' | 'tip_proof_invalid'
  | 'tip_proof_wrong_tx' | 'tip_unconfirmed' | 'tip_not_in_chain' | 'tip_chain_broken'
  | 'tip_too_few_confirmations';

export interface TipVerdict {
  /** Only 'verified' tips may be shown as paid and counted. */
  status: 'verified' | 'pending' | 'invalid';
  code?: TipCode;
  message?: string;
  confirmations: number;
  height: number;
  blockHash?: string;
  sats: bigint;
}

/** core/tip (datt.tips): on-chain tips, docs/protocol.md "On-chain tips". */
/** One step of the channel machine: the next stored state, frames to send, events. */
export interface ChannelStep {
  state: Uint8Array;
  frames: Uint8Array[];
  events: Array<{ type: string; [key: string]: unknown }>;
}

/** A cooperative close's transaction signed by both (hex; txid in display order). */
export interface ClosingTransaction { tx: string; txid: string; outputs: Array<{ script: string; sats: number }> }

/** The payer's request for a receipt, carried in the HTLC's hop (hex; docs/protocol.md "Receipts"). */
export interface ReceiptRequest { target: string; payer: string; payer_sig: string; invoice: string }

/** A kind 4571 receipt's fields (hex, amount in msat). */
export interface ReceiptFields {
  id: string; hub: string; created_at: number; target: string; payee: string; payer: string;
  amount_msat: bigint; invoice: string; preimage: string; payer_sig: string;
}

/** What a verified receipt proves; count each payment_hash once. */
export interface VerifiedReceipt {
  id: string; hub: string; target: string; payee: string; payer: string; amount_msat: bigint; payment_hash: string;
}

/** core/receipt (datt.receipts): receipts of channel payments (docs/protocol.md "Receipts"). */
export class Receipts {
  /**
   * The hop's receipt request for paying `invoice` (the author's, description
   * "datt:tip:<target>", signed with the author's Nostr key) amountMsat; checked as the hub
   * checks it (throws DattError receipt_* or hop_receipt_*).
   */
  request(params: {
    secretKey: Uint8Array; paymentHash: string; target: string; amountMsat: bigint | string; invoice: string;
  }): ReceiptRequest;
  /** The fields of a well-formed receipt (throws receipt_wrong_kind, receipt_tag_malformed, ...). */
  parse(event: NostrEvent | string): ReceiptFields;
  /**
   * Verifies a receipt against its target event (and the hub's key when given): throws
   * DattError receipt_wrong_hub, receipt_invoice_malformed, receipt_invoice_signature,
   * receipt_preimage_mismatch, receipt_target_mismatch, receipt_payee_mismatch,
   * receipt_amount_mismatch, receipt_payer_key or receipt_payer_signature.
   */
  verify(receipt: NostrEvent | string, target: NostrEvent | string, options?: { hub?: string }): VerifiedReceipt;
  /**
   * Verified sats per target from verified on-chain tips (each outpoint once) and verified
   * receipts (each payment hash once, msat summed then floored): rank()'s tip_sats.
   */
  paidSats(payments: {
    chain?: Array<{ target: string; txid: string; vout: number; sats: Sats }>;
    channel?: Array<{ target: string; payment_hash: string; amount_msat: bigint | string }>;
  }): Array<{ target: string; sats: bigint }>;
}

/** core/channel (datt.channel): the client's side of a channel to the hub (docs/protocol.md "Channels"). */
export class Channels {
  open(seed: Uint8Array, params: Record<string, unknown>): ChannelStep;
  funding(state: Uint8Array, seed: Uint8Array, outpoint: { txid: string; vout: number }): ChannelStep;
  receive(state: Uint8Array, seed: Uint8Array, frame: Uint8Array): ChannelStep;
  ready(state: Uint8Array, seed: Uint8Array): ChannelStep;
  addHtlc(state: Uint8Array, seed: Uint8Array, htlc: {
    amount_msat: bigint | string; payment_hash: string; cltv_expiry: number; block_height: number;
    hop: {
      final: boolean; channel_id: string; amount_msat: bigint | string; cltv_expiry: number;
      /** Ask the hub for a receipt (a 0xd3 hop): datt.receipts.request()'s result. Forwards only. */
      receipt?: ReceiptRequest;
    };
  }): ChannelStep;
  fulfill(state: Uint8Array, seed: Uint8Array, id: bigint | string, preimage: string): ChannelStep;
  fail(state: Uint8Array, seed: Uint8Array, id: bigint | string, reason: string): ChannelStep;
  sign(state: Uint8Array, seed: Uint8Array): ChannelStep;
  /** BOLT-2 shutdown to the script fixed at open; the `closed` event carries the signed closing tx. */
  shutdown(state: Uint8Array, seed: Uint8Array): ChannelStep;
  disconnected(state: Uint8Array, seed: Uint8Array): ChannelStep;
  connected(state: Uint8Array, seed: Uint8Array): ChannelStep;
  /** The hub_challenge_request frame: once per connection, before attaching stored channels. */
  challengeRequest(): Uint8Array;
  /** The hub_open_request frame: asks the hub to fund a channel of `sats` to us (to receive). */
  openRequest(sats: number | bigint): Uint8Array;
  /**
   * accept_channel for the hub's open_channel frame answering openRequest: the hub must fund exactly
   * funding_sats and push nothing. params: open's own terms (dust_limit_sats ... closing_max_fee_sats) and
   * {chain_hash, funding_sats, minimum_depth, max_feerate_per_kw, max_to_self_delay}.
   */
  accept(seed: Uint8Array, params: Record<string, unknown>, openFrame: Uint8Array): ChannelStep;
  /** channel_attach (frames[0]) for the hub's hub_challenge frame; send it before connected()'s frames. */
  attach(state: Uint8Array, seed: Uint8Array, challengeFrame: Uint8Array): ChannelStep;
  info(state: Uint8Array): {
    phase: number; link: number; channel_id: string; funder: boolean; can_update: boolean;
    has_changes_to_sign: boolean; to_local_msat?: string; to_remote_msat?: string; htlcs?: number;
    /** The payment hashes of the HTLCs it holds: in either commitment or in an add not yet in both. */
    htlc_hashes: string[];
    shutdown_sent: boolean; remote_shutdown: boolean; shutdown_script: string;
    funding_txid?: string; funding_vout?: number; funding_sats?: number; peer_to_self_delay?: number;
    closing_fee_sats?: number; closing?: ClosingTransaction;
  };
  amountWithFee(fees: { base_msat: number | bigint; proportional_millionths: number }, amountMsat: bigint | string): bigint;
  /**
   * The on-chain resolver (docs/channels.md "The resolver"): `tx` spent the channel's funding
   * output; what to broadcast, each from its earliest height (parent's block + max(csv, 1), and
   * after cltv). With `htlc_txs` (hex: the remote's HTLC txs of its revoked commitment `tx`,
   * mined before our justice tx): the justice tx without their outputs and each one's
   * revoked_htlc_sweep. Throws DattError channel_not_a_funding_spend, channel_bad_args, tx_*,
   * channel_not_revoked_commitment, channel_not_an_htlc_tx.
   */
  resolve(state: Uint8Array, seed: Uint8Array, args: {
    sweep_script: string; feerate_per_kw: number; preimages?: string[]; revoked?: RevokedCommitmentRecord[];
    htlc_txs?: string[];
  }, tx: Uint8Array): ChannelResolution;
}

/** A remote_commitment_revoked event's `record` (only when that commitment held HTLCs): keep it for resolve(). */
export interface RevokedCommitmentRecord {
  number: string; secret: string; to_local_msat: string; to_remote_msat: string;
  htlcs: Array<{ offered: boolean; id: string; amount_msat: string; payment_hash: string; cltv_expiry: number }>;
}

export interface ChannelResolution {
  kind: 'cooperative_close' | 'local_commitment' | 'remote_commitment' | 'revoked_commitment' | 'unknown';
  spend_txid: string;
  commitment_number: string;
  to_broadcast: Array<{
    kind: 'justice' | 'to_local_sweep' | 'to_remote_sweep' | 'htlc_timeout' | 'htlc_success' | 'second_stage_sweep'
      | 'claim_htlc_timeout' | 'claim_htlc_success' | 'revoked_htlc_sweep';
    tx: string; txid: string; parent_txid: string; csv: number; cltv: number; sats: number;
  }>;
  /** Outputs of the spend that may be ours and are not claimed (an HTLC without its preimage, dust). */
  unresolved: number[];
}

export class Tips {
  /** The unsigned kind 10570 template listing the author's payout addresses. */
  payoutTemplate(entries: PayoutEntry[], options: { createdAt: number }): EventTemplate;
  /** A signed kind 10570 event, validated (payout_* codes). */
  parsePayout(event: NostrEvent | string): PayoutAddresses;
  /** The unsigned kind 4570 template for a payment to the author of `payout`. */
  tipTemplate(payout: NostrEvent | string, request: TipRequest): EventTemplate;
  /** A signed kind 4570 event, validated (tip_* codes). */
  parseTip(event: NostrEvent | string): ParsedTip;
  /** The 34-byte OP_RETURN output script the payment must carry (0 sats). */
  commitmentScript(target: string, payer: string): Uint8Array;
  /** SPV verdict on a tip; a malformed tip or argument throws DattError. */
  verify(tip: NostrEvent | string, evidence: TipEvidence): TipVerdict;
  /** Total of verified tips, each outpoint (txid, vout) once. */
  total(tips: Array<{ txid: string; vout: number; sats: Sats }>): { sats: bigint; payments: number };
}

// ---- core/sync: NIP-77 set reconciliation, the initiator (docs/sync.md "In wasm") ----

/** Limits of one session; core/sync's defaults when absent. */
export interface SyncLimits {
  /** Items the local set may hold (default 1,000,000): more throws DattError too_many_items. */
  maxItems?: number;
  /** Largest message this side sends, bytes before hex; 0 (default) = none, else >= 4096. */
  frameSizeLimit?: number;
}

/** One reply read: the next message to send (null when done) and the differences it settled. */
export interface SyncStep {
  /** Hex of the next NEG-MSG payload, or null: reconciliation is complete (send NEG-CLOSE). */
  next: string | null;
  /** Ids we have that the relay lacks. */
  have: string[];
  /** Ids the relay has that we lack (with a frame limit an id may repeat in later steps). */
  need: string[];
}

/** A NIP-77 initiator session over a fixed local set; call delete() when done. */
export class SyncInitiator {
  /** Items in the local set. */
  readonly size: number;
  /** Hex of the first message (NEG-OPEN's); the same every call. */
  initiate(): string;
  /** Reads the relay's NEG-MSG payload (hex); throws DattError with core/sync's codes. */
  reconcile(replyHex: string): SyncStep;
  /** Frees the set; later calls throw DattError 'deleted'. */
  delete(): void;
}

/** core/sync (datt.sync): Negentropy v1 as NIP-77 uses it. */
export class Sync {
  /**
   * Packs (created_at, id) pairs as 40-byte records: created_at as a big-endian u64, then
   * the 32-byte id. Pairs are [created_at, idHex] or {created_at, id}.
   */
  packItems(pairs: Array<[number, string] | { created_at: number; id: string }>): Uint8Array;
  /**
   * An initiator over `items` (packed records, any order, no duplicates, or pairs as for
   * packItems). Codes: sync_items_length, duplicate_item, bad_item_timestamp, too_many_items,
   * bad_frame_size_limit, wrong_type, too_large.
   */
  openInitiator(items: Uint8Array | Array<[number, string] | { created_at: number; id: string }>, limits?: SyncLimits): SyncInitiator;
}

export interface Datt {
  /**
   * Loads the payments module (datt_pay.wasm: core/bitcoin with its wallet rules, core/invoice,
   * core/tip) once; resolves with this object. Until it resolves, `bitcoin`, `invoice` and
   * `tips` throw DattError 'payments_not_loaded'; a failed fetch rejects with
   * 'payments_load_failed' and may be retried.
   */
  loadPayments(): Promise<Datt>;
  /** True once loadPayments() resolved. */
  readonly paymentsLoaded: boolean;
  /**
   * Loads the channel module (datt_channel.wasm: core/channel's machine) once; resolves with
   * this object. Until it resolves, `channel` throws DattError 'channels_not_loaded'; a failed
   * fetch rejects with 'channels_load_failed' and may be retried.
   */
  loadChannels(): Promise<Datt>;
  /** True once loadChannels() resolved. */
  readonly channelsLoaded: boolean;
  /** core/bitcoin (README.md "Bitcoin"); needs loadPayments(). */
  readonly bitcoin: Bitcoin;
  /** core/invoice (docs/invoices.md); needs loadPayments(). */
  readonly invoice: Invoices;
  /** core/chain (docs/protocol.md "Content chains"). */
  readonly chain: Chain;
  /** core/community and NIP-13 (docs/protocol.md "Communities", "Proof of work"). */
  readonly community: Community;
  /** core/tip: see Tips; needs loadPayments(). */
  readonly tips: Tips;
  /** core/sync (NIP-77 initiator): see Sync. */
  readonly sync: Sync;
  /** core/channel: see Channels; needs loadChannels(). */
  readonly channel: Channels;
  /** core/receipt: see Receipts; needs loadPayments(). */
  readonly receipts: Receipts;
  /** Bytes of a hex string (either case); throws DattError hex_odd_length / hex_invalid_char. */
  hexToBytes(hex: string): Uint8Array;
  /** Lowercase hex of a Uint8Array. */
  bytesToHex(bytes: Uint8Array): string;
  /** 32 random bytes that are a valid secret key. */
  generateSecretKey(): Uint8Array;
  /** BIP-340 x-only public key (hex) of a secret key (32 bytes). */
  publicKey(secretKey: Uint8Array): string;
  /**
   * BIP-340 signature (64 bytes) over a message of any length (bytes). `auxRand` (32 bytes)
   * defaults to fresh randomness; pass it only to reproduce test vectors.
   */
  schnorrSign(message: Uint8Array, secretKey: Uint8Array, auxRand?: Uint8Array): Uint8Array;
  /** True when `signature` (64 bytes) is a valid BIP-340 signature of `message` by `publicKey` (hex). */
  schnorrVerify(message: Uint8Array, publicKey: string, signature: Uint8Array): boolean;
  /** A session holding `secretKey` in wasm memory until its delete(); see Signer. */
  openSigner(secretKey: Uint8Array): Signer;
  /** A new BIP-39 English mnemonic of 12, 15, 18, 21 or 24 words. */
  generateMnemonic(words?: 12 | 15 | 18 | 21 | 24): string;
  /** The mnemonic of 16, 20, 24, 28 or 32 bytes of entropy. */
  entropyToMnemonic(entropy: Uint8Array): string;
  /** Entropy (bytes) of a mnemonic; throws on an unknown word or a bad checksum. */
  mnemonicToEntropy(mnemonic: string): Uint8Array;
  /** True when the mnemonic has a valid word count, words and checksum. */
  validateMnemonic(mnemonic: string): boolean;
  /** The 64-byte BIP-39 seed. */
  mnemonicToSeed(mnemonic: string, passphrase?: string): Uint8Array;
  /** From a seed (bytes) or an extended key (xprv/xpub text). */
  derive(root: Uint8Array | string, path: string, versions?: Bip32Versions): DerivedKey;
  /** Signs an event template {kind, created_at, tags, content}; returns the signed event. */
  signEvent(template: EventTemplate | string, secretKey: Uint8Array): NostrEvent;
  /** Validates an untrusted event (object or JSON text); returns it or throws DattError. */
  parseEvent(event: NostrEvent | string): NostrEvent;
  /** True when the event is well formed, its id matches and its signature verifies. */
  verifyEvent(event: NostrEvent | string): boolean;
  /** The NIP-01 id (hex) of an event template signed by `pubkey` (hex). */
  eventId(template: EventTemplate | string, pubkey: string): string;
  /** Base58 text (Bitcoin's alphabet, no checksum) of bytes (at most 1024). */
  base58Encode(bytes: Uint8Array): string;
  /** Bytes of Base58 text; throws base58_invalid_char, base58_too_long. */
  base58Decode(text: string): Uint8Array;
  /** {variant: "bech32" | "bech32m", hrp, data: 5-bit values} of a BIP-173/350 string (<= 90 characters). */
  bech32Decode(text: string): { variant: 'bech32' | 'bech32m'; hrp: string; data: Uint8Array };
  /** The bech32 or bech32m string of an hrp and 5-bit values. */
  bech32Encode(variant: 'bech32' | 'bech32m', hrp: string, data: Uint8Array): string;
  /** NIP-01 kind class: "regular", "replaceable", "ephemeral" or "addressable". */
  kindClass(kind: number): KindClass;
  /** The address of an event's fields (not verified), or null for regular and ephemeral kinds. */
  addressOf(event: Pick<NostrEvent, 'kind' | 'pubkey' | 'tags'>): string | null;
  /** "<kind>:<pubkey>:<d>" of {kind, pubkey, d?}; DattError no_address if no event has it. */
  formatAddress(address: { kind: number; pubkey: string; d?: string }): string;
  /** {kind, pubkey, d} of an `a` tag value, or null when it names no address. */
  parseAddress(text: string): Address | null;
  /** NIP-01 version order: true when `a` is kept over `b` (later created_at, then lowest id). */
  supersedes(a: { created_at: number; id: string }, b: { created_at: number; id: string }): boolean;
  /**
   * What a NIP-09 request asks to delete, {author, created_at, ids, addresses}, or null for
   * other kinds. The event is validated like parseEvent().
   */
  deletionRequestOf(event: NostrEvent | string): DeletionRequest | null;
  /** NIP-09: true when `request` deletes `target` (both validated). */
  deletes(request: NostrEvent | string, target: NostrEvent | string): boolean;
  /** NIP-19 string of a key, id or shareable identifier; throws DattError (nip19_*). */
  nip19Encode(type: 'npub' | 'note', data: string): string;
  nip19Encode(type: 'nsec', data: Uint8Array): string;
  nip19Encode(type: 'nprofile', data: Nip19Profile): string;
  nip19Encode(type: 'nevent', data: Nip19Event): string;
  nip19Encode(type: 'naddr', data: Nip19Address): string;
  /** Decodes any NIP-19 string to {type, data} (an nsec's data is a Uint8Array). */
  nip19Decode(text: string): Nip19Decoded;
  /** NIP-25 votes per target id; events verifyEvent() rejects and emoji reactions are skipped. */
  tallyVotes(events: Array<NostrEvent | string>): Record<string, VoteTally>;
  /** The vote a (validated) event casts, or null for non-votes (other kinds, emoji, bad e tag). */
  voteOf(event: NostrEvent | string): Vote | null;
  /** True when `newer` replaces `older` as the effective vote of one voter on one target. */
  voteSupersedes(newer: Vote, older: Vote): boolean;
  /** Item ids in display order (see docs/protocol.md "Ranking"). */
  rank(items: RankItem[], sort: FeedSort, options?: { now?: number; topWindowSeconds?: number }): string[];
}

/**
 * Loads the core module; `{ payments: true }` also awaits datt.loadPayments(),
 * `{ channels: true }` datt.loadChannels().
 */
export function loadDatt(options?: { payments?: boolean; channels?: boolean }): Promise<Datt>;
