// Types for datt.mjs. Hex strings are lowercase.

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
  secretKey?: string;
  /** 33-byte compressed public key. */
  publicKey: string;
  /** 32-byte BIP-340 x-only public key (Nostr pubkey). */
  xOnlyPublicKey: string;
  depth: number;
  childNumber: number;
  fingerprint: string;
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
  | { type: 'npub' | 'nsec' | 'note'; data: string }
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

export interface Datt {
  generateSecretKey(): string;
  publicKey(secretKey: string): string;
  schnorrSign(messageHex: string, secretKey: string, auxRand?: string): string;
  schnorrVerify(messageHex: string, publicKey: string, signature: string): boolean;
  generateMnemonic(words?: 12 | 15 | 18 | 21 | 24): string;
  entropyToMnemonic(entropyHex: string): string;
  mnemonicToEntropy(mnemonic: string): string;
  validateMnemonic(mnemonic: string): boolean;
  mnemonicToSeed(mnemonic: string, passphrase?: string): string;
  derive(root: string, path: string, versions?: Bip32Versions): DerivedKey;
  signEvent(template: EventTemplate | string, secretKey: string): NostrEvent;
  /** NIP-19 string of a key, id or shareable identifier; throws DattError (nip19_*). */
  nip19Encode(type: 'npub' | 'note', data: string): string;
  nip19Encode(type: 'nsec', data: string | Uint8Array): string;
  nip19Encode(type: 'nprofile', data: Nip19Profile): string;
  nip19Encode(type: 'nevent', data: Nip19Event): string;
  nip19Encode(type: 'naddr', data: Nip19Address): string;
  nip19Decode(text: string): Nip19Decoded;
  parseEvent(event: NostrEvent | string): NostrEvent;
  verifyEvent(event: NostrEvent | string): boolean;
  /** NIP-25 votes per target id; invalid events and emoji reactions are skipped. */
  tallyVotes(events: Array<NostrEvent | string>): Record<string, VoteTally>;
  /** The vote a (validated) event casts, or null for non-votes (other kinds, emoji, bad e tag). */
  voteOf(event: NostrEvent | string): Vote | null;
  /** True when `newer` replaces `older` as the effective vote of one voter on one target. */
  voteSupersedes(newer: Vote, older: Vote): boolean;
  /** Item ids in display order (see docs/protocol.md "Ranking"). */
  rank(items: RankItem[], sort: FeedSort, options?: { now?: number; topWindowSeconds?: number }): string[];
  eventId(template: EventTemplate | string, pubkey: string): string;
}

export function loadDatt(): Promise<Datt>;
