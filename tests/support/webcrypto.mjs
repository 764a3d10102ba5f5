// Node 18 has no global `crypto` (Node 19 made WebCrypto global). Code written for browsers
// (web/src/lib/keystore.js) and nostr-tools' signers read `globalThis.crypto`, so the test
// suites that run them in Node import this module first. It installs Node's own WebCrypto,
// the same object Node 20 exposes globally, and changes nothing where it already exists.
import { webcrypto } from 'node:crypto';

if (!globalThis.crypto) {
  Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true, enumerable: false, writable: false });
}
