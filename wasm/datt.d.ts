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
  parseEvent(event: NostrEvent | string): NostrEvent;
  verifyEvent(event: NostrEvent | string): boolean;
  eventId(template: EventTemplate | string, pubkey: string): string;
}

export function loadDatt(): Promise<Datt>;
