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
  networkNames(): string[];
  network(network?: BitcoinNetworkName): BitcoinNetwork;
  parseTransaction(bytes: Uint8Array): ParsedTransaction;
  serializeTransaction(tx: TransactionInput, options?: { witness?: boolean }): Uint8Array;
  transactionInfo(tx: TransactionInput): TransactionInfo;
  checkTransaction(tx: TransactionInput): true;
  decodeTransaction(tx: TransactionInput, network?: BitcoinNetworkName): DecodedTransaction;
  scriptToAsm(script: Uint8Array, options?: { signatures?: boolean }): string;
  matchScript(script: Uint8Array): MatchedScript;
  p2pkhScript(keyOrHash: Uint8Array): Uint8Array;
  p2wpkhScript(keyOrHash: Uint8Array): Uint8Array;
  p2shScript(redeemScript: Uint8Array): Uint8Array;
  p2wshScript(witnessScript: Uint8Array): Uint8Array;
  multisigScript(required: number, keys: Uint8Array[]): Uint8Array;
  funding2of2Script(keyA: Uint8Array, keyB: Uint8Array): Uint8Array;
  opReturnScript(data: Uint8Array): Uint8Array;
  cltvScript(lockTime: number, key: Uint8Array): Uint8Array;
  csvScript(sequence: number, key: Uint8Array): Uint8Array;
  hashLockScript(params: { paymentHash: Uint8Array; recipient: Uint8Array; refundLockTime: number; refund: Uint8Array }): Uint8Array;
  parseAddress(address: string, network?: BitcoinNetworkName): ParsedAddress;
  scriptToAddress(scriptPubKey: Uint8Array, network?: BitcoinNetworkName): string;
  /** 33-byte compressed public key. */
  publicKey(secretKey: Uint8Array): Uint8Array;
  hash160(data: Uint8Array): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
  /** hashType: any 32-bit integer (as Core's sighash.json). */
  legacySighash(tx: TransactionInput, inputIndex: number, scriptCode: Uint8Array, hashType: number): Uint8Array;
  segwitSighash(tx: TransactionInput, inputIndex: number, scriptCode: Uint8Array, amount: Sats, hashType: number): Uint8Array;
  /** hashType: ALL (1, the default), NONE (2), SINGLE (3), each optionally | 0x80. */
  signLegacyInput(tx: TransactionInput, inputIndex: number, scriptCode: Uint8Array, secretKey: Uint8Array, hashType?: number): Uint8Array;
  signSegwitInput(tx: TransactionInput, inputIndex: number, scriptCode: Uint8Array, amount: Sats, secretKey: Uint8Array, hashType?: number): Uint8Array;
  signP2wpkhInput(tx: TransactionInput, inputIndex: number, amount: Sats, secretKey: Uint8Array, hashType?: number): Uint8Array[];
  signP2pkhInput(tx: TransactionInput, inputIndex: number, secretKey: Uint8Array, hashType?: number): Uint8Array;
  scriptFlagNames(): string[];
  /** flags default to "STANDARD". */
  verifyInput(tx: TransactionInput, inputIndex: number, prevout: Prevout, flags?: ScriptFlags): ScriptVerdict;
  verifyTransaction(tx: TransactionInput, prevouts: Prevout[], flags?: ScriptFlags): { valid: boolean; inputs: ScriptVerdict[] };
  parseBlockHeader(bytes: Uint8Array): BlockHeader;
  headerChainGenesis(network?: BitcoinNetworkName): Uint8Array;
  headerChainFromCheckpoint(network: BitcoinNetworkName | undefined, checkpoint: HeaderCheckpoint): Uint8Array;
  headerChainInfo(network: BitcoinNetworkName | undefined, state: Uint8Array): HeaderChainInfo;
  extendHeaderChain(network: BitcoinNetworkName | undefined, state: Uint8Array, headers: Uint8Array, options?: { now?: number }): HeaderChainUpdate;
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

export interface Datt {
  /** core/bitcoin (README.md "Bitcoin"). */
  readonly bitcoin: Bitcoin;
  /** core/invoice (docs/invoices.md). */
  readonly invoice: Invoices;
  /** core/chain (docs/protocol.md "Content chains"). */
  readonly chain: Chain;
  /** core/community and NIP-13 (docs/protocol.md "Communities", "Proof of work"). */
  readonly community: Community;
  /** core/tip: see Tips. */
  readonly tips: Tips;
  hexToBytes(hex: string): Uint8Array;
  bytesToHex(bytes: Uint8Array): string;
  /** 32 random bytes that are a valid secret key. */
  generateSecretKey(): Uint8Array;
  publicKey(secretKey: Uint8Array): string;
  schnorrSign(message: Uint8Array, secretKey: Uint8Array, auxRand?: Uint8Array): Uint8Array;
  schnorrVerify(message: Uint8Array, publicKey: string, signature: Uint8Array): boolean;
  openSigner(secretKey: Uint8Array): Signer;
  generateMnemonic(words?: 12 | 15 | 18 | 21 | 24): string;
  entropyToMnemonic(entropy: Uint8Array): string;
  mnemonicToEntropy(mnemonic: string): Uint8Array;
  validateMnemonic(mnemonic: string): boolean;
  /** The 64-byte BIP-39 seed. */
  mnemonicToSeed(mnemonic: string, passphrase?: string): Uint8Array;
  /** From a seed (bytes) or an extended key (xprv/xpub text). */
  derive(root: Uint8Array | string, path: string, versions?: Bip32Versions): DerivedKey;
  signEvent(template: EventTemplate | string, secretKey: Uint8Array): NostrEvent;
  parseEvent(event: NostrEvent | string): NostrEvent;
  verifyEvent(event: NostrEvent | string): boolean;
  eventId(template: EventTemplate | string, pubkey: string): string;
  base58Encode(bytes: Uint8Array): string;
  base58Decode(text: string): Uint8Array;
  bech32Decode(text: string): { variant: 'bech32' | 'bech32m'; hrp: string; data: Uint8Array };
  bech32Encode(variant: 'bech32' | 'bech32m', hrp: string, data: Uint8Array): string;
  kindClass(kind: number): KindClass;
  /** The address of an event's fields (not verified), or null for regular and ephemeral kinds. */
  addressOf(event: Pick<NostrEvent, 'kind' | 'pubkey' | 'tags'>): string | null;
  formatAddress(address: { kind: number; pubkey: string; d?: string }): string;
  parseAddress(text: string): Address | null;
  /** NIP-01 version order: true when `a` is kept over `b` (later created_at, then lowest id). */
  supersedes(a: { created_at: number; id: string }, b: { created_at: number; id: string }): boolean;
  deletionRequestOf(event: NostrEvent | string): DeletionRequest | null;
  /** NIP-09: true when `request` deletes `target` (both validated). */
  deletes(request: NostrEvent | string, target: NostrEvent | string): boolean;
  /** NIP-19 string of a key, id or shareable identifier; throws DattError (nip19_*). */
  nip19Encode(type: 'npub' | 'note', data: string): string;
  nip19Encode(type: 'nsec', data: Uint8Array): string;
  nip19Encode(type: 'nprofile', data: Nip19Profile): string;
  nip19Encode(type: 'nevent', data: Nip19Event): string;
  nip19Encode(type: 'naddr', data: Nip19Address): string;
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

export function loadDatt(): Promise<Datt>;
