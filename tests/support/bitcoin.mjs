// Bitcoin helpers for Node tests, written from the specifications with node:crypto only, so
// that what they compute is independent of the core under test: double SHA-256, 80-byte
// headers, regtest mining, and Bitcoin Core's test-script notation.
import { createHash } from 'node:crypto';

export function sha256(bytes) {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

export function sha256d(bytes) {
  return sha256(sha256(bytes));
}

export function toHex(bytes) {
  return Buffer.from(bytes).toString('hex');
}

export function fromHex(hex) {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** A hash in display order (reversed hex) from internal bytes, and back. */
export function displayHex(internal) {
  return toHex(Uint8Array.from(internal).reverse());
}
export function internalBytes(display) {
  return fromHex(display).reverse();
}

// The 80-byte header layout: version i32 | prev 32 | merkle 32 | time u32 | bits u32 | nonce u32.
export function serializeHeader({ version, prevBlock, merkleRoot, time, bits, nonce }) {
  const out = new Uint8Array(80);
  const view = new DataView(out.buffer);
  view.setInt32(0, version, true);
  out.set(prevBlock, 4);
  out.set(merkleRoot, 36);
  view.setUint32(68, time, true);
  view.setUint32(72, bits, true);
  view.setUint32(76, nonce, true);
  return out;
}

/** Block hash (internal order) of 80 header bytes. */
export function headerHash(header) {
  return sha256d(header);
}

// Bitcoin Core's regtest genesis (chainparams.cpp): its hash is 0f9188f1...2206.
export const REGTEST_GENESIS = serializeHeader({
  version: 1,
  prevBlock: new Uint8Array(32),
  merkleRoot: internalBytes('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b'),
  time: 1296688602,
  bits: 0x207fffff,
  nonce: 2,
});

// The regtest target 0x207fffff: 0x7fffff * 256^(0x20 - 3), so a hash (read little-endian)
// meets it when its most significant byte (the last) is below 0x80... and the rest allow.
function meetsRegtestTarget(hash) {
  // target = 7fffff00...00 (32 bytes, big-endian); hash as a number is the reversed bytes.
  const top = hash[31];
  if (top < 0x7f) return true;
  if (top > 0x7f) return false;
  if (hash[30] !== 0xff) return true;
  if (hash[29] !== 0xff) return true;
  for (let i = 28; i >= 0; i -= 1) if (hash[i] !== 0) return false;
  return true;
}

/**
 * `count` valid regtest headers after `prev` (80 bytes), one second apart from `time`
 * (default: prev's time + 1). Each header has a distinct merkle root.
 */
export function mineRegtestHeaders(prev, count, { time, version = 4, bits = 0x207fffff } = {}) {
  const headers = [];
  let prevHash = headerHash(prev);
  let t = time ?? new DataView(prev.buffer, prev.byteOffset).getUint32(68, true) + 1;
  for (let i = 0; i < count; i += 1) {
    const merkleRoot = sha256(Buffer.from(`datt test block ${t} ${i}`));
    let nonce = 0;
    let header;
    for (;;) {
      header = serializeHeader({ version, prevBlock: prevHash, merkleRoot, time: t, bits, nonce });
      // Targets of the form 0x20xxxxxx with a mantissa near 0x7fffff (a test's other bits)
      // are mined to the stricter "top byte below 0x7f", which meets all of them.
      const hash = headerHash(header);
      if (bits === 0x207fffff ? meetsRegtestTarget(hash) : hash[31] < 0x7f) break;
      nonce += 1;
    }
    headers.push(header);
    prevHash = headerHash(header);
    t += 1;
  }
  return headers;
}

export function concatBytes(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// ---- Bitcoin Core's test-script notation (script_tests.json, tx_valid.json) ----

// Opcode names by value, from BIP/Core's script.h: 0x4c-0x4e PUSHDATA, 0x4f 1NEGATE,
// 0x50 RESERVED, 0x51-0x60 1-16, 0x61... as listed (NOP2/NOP3 are CLTV/CSV).
const OPCODE_NAMES = {
  0x00: '0', 0x4c: 'PUSHDATA1', 0x4d: 'PUSHDATA2', 0x4e: 'PUSHDATA4', 0x4f: '1NEGATE', 0x50: 'RESERVED',
  0x61: 'NOP', 0x62: 'VER', 0x63: 'IF', 0x64: 'NOTIF', 0x65: 'VERIF', 0x66: 'VERNOTIF', 0x67: 'ELSE',
  0x68: 'ENDIF', 0x69: 'VERIFY', 0x6a: 'RETURN', 0x6b: 'TOALTSTACK', 0x6c: 'FROMALTSTACK', 0x6d: '2DROP',
  0x6e: '2DUP', 0x6f: '3DUP', 0x70: '2OVER', 0x71: '2ROT', 0x72: '2SWAP', 0x73: 'IFDUP', 0x74: 'DEPTH',
  0x75: 'DROP', 0x76: 'DUP', 0x77: 'NIP', 0x78: 'OVER', 0x79: 'PICK', 0x7a: 'ROLL', 0x7b: 'ROT',
  0x7c: 'SWAP', 0x7d: 'TUCK', 0x7e: 'CAT', 0x7f: 'SUBSTR', 0x80: 'LEFT', 0x81: 'RIGHT', 0x82: 'SIZE',
  0x83: 'INVERT', 0x84: 'AND', 0x85: 'OR', 0x86: 'XOR', 0x87: 'EQUAL', 0x88: 'EQUALVERIFY',
  0x89: 'RESERVED1', 0x8a: 'RESERVED2', 0x8b: '1ADD', 0x8c: '1SUB', 0x8d: '2MUL', 0x8e: '2DIV',
  0x8f: 'NEGATE', 0x90: 'ABS', 0x91: 'NOT', 0x92: '0NOTEQUAL', 0x93: 'ADD', 0x94: 'SUB', 0x95: 'MUL',
  0x96: 'DIV', 0x97: 'MOD', 0x98: 'LSHIFT', 0x99: 'RSHIFT', 0x9a: 'BOOLAND', 0x9b: 'BOOLOR',
  0x9c: 'NUMEQUAL', 0x9d: 'NUMEQUALVERIFY', 0x9e: 'NUMNOTEQUAL', 0x9f: 'LESSTHAN', 0xa0: 'GREATERTHAN',
  0xa1: 'LESSTHANOREQUAL', 0xa2: 'GREATERTHANOREQUAL', 0xa3: 'MIN', 0xa4: 'MAX', 0xa5: 'WITHIN',
  0xa6: 'RIPEMD160', 0xa7: 'SHA1', 0xa8: 'SHA256', 0xa9: 'HASH160', 0xaa: 'HASH256',
  0xab: 'CODESEPARATOR', 0xac: 'CHECKSIG', 0xad: 'CHECKSIGVERIFY', 0xae: 'CHECKMULTISIG',
  0xaf: 'CHECKMULTISIGVERIFY', 0xb0: 'NOP1', 0xb1: 'CHECKLOCKTIMEVERIFY', 0xb2: 'CHECKSEQUENCEVERIFY',
  0xb3: 'NOP4', 0xb4: 'NOP5', 0xb5: 'NOP6', 0xb6: 'NOP7', 0xb7: 'NOP8', 0xb8: 'NOP9', 0xb9: 'NOP10',
  0xba: 'CHECKSIGADD',
};
const OPCODES = new Map();
for (const [value, name] of Object.entries(OPCODE_NAMES)) {
  OPCODES.set(name, Number(value));
  OPCODES.set(`OP_${name}`, Number(value));
}
for (let n = 1; n <= 16; n += 1) OPCODES.set(`OP_${n}`, 0x50 + n);
OPCODES.set('OP_FALSE', 0x00);
OPCODES.set('OP_TRUE', 0x51);
OPCODES.set('NOP2', 0xb1);
OPCODES.set('OP_NOP2', 0xb1);
OPCODES.set('NOP3', 0xb2);
OPCODES.set('OP_NOP3', 0xb2);
OPCODES.set('INVALIDOPCODE', 0xff);
OPCODES.set('OP_INVALIDOPCODE', 0xff);

// Script numbers: little-endian magnitude, sign in the top bit of the last byte.
export function scriptNum(n) {
  if (n === 0n) return new Uint8Array(0);
  const negative = n < 0n;
  let magnitude = negative ? -n : n;
  const out = [];
  while (magnitude > 0n) {
    out.push(Number(magnitude & 0xffn));
    magnitude >>= 8n;
  }
  if (out[out.length - 1] & 0x80) out.push(negative ? 0x80 : 0);
  else if (negative) out[out.length - 1] |= 0x80;
  return Uint8Array.from(out);
}

// A push by length only, as Core's CScript << vector writes it.
function push(data) {
  const n = data.length;
  let prefix;
  if (n < 0x4c) prefix = [n];
  else if (n <= 0xff) prefix = [0x4c, n];
  else if (n <= 0xffff) prefix = [0x4d, n & 0xff, n >> 8];
  else prefix = [0x4e, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
  return [...prefix, ...data];
}

/** Core's ParseScript: numbers, 0x raw bytes, 'text' pushes, opcode names with or without OP_. */
export function parseScriptAsm(text) {
  const out = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (/^-?\d+$/.test(word)) {
      const n = BigInt(word);
      if (n === 0n) out.push(0x00);
      else if (n === -1n) out.push(0x4f);
      else if (n >= 1n && n <= 16n) out.push(0x50 + Number(n));
      else out.push(...push(scriptNum(n)));
    } else if (word.startsWith('0x') && word.length > 2) {
      out.push(...fromHex(word.slice(2)));
    } else if (word.length >= 2 && word.startsWith("'") && word.endsWith("'")) {
      out.push(...push(Buffer.from(word.slice(1, -1), 'latin1')));
    } else if (OPCODES.has(word)) {
      out.push(OPCODES.get(word));
    } else {
      throw new Error(`unknown word in script: ${word}`);
    }
  }
  return Uint8Array.from(out);
}
