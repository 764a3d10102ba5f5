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

export interface Datt {
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
