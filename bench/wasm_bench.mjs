// Benchmarks the wasm package in Node: ops/s for signing, verifying, event ids and BIP-39
// seeds, Bitcoin (P2WPKH sighash + sign + verify, transaction parse, 100,000 headers, a
// merkle proof), plus the package size. Mirrors the native datt_bench (bench/*.cpp) so that
// docs/performance.md can state the wasm/native ratio.
//   node bench/wasm_bench.mjs                        uses build/wasm/dist
//   DATT_WASM_DIST=build/wasm-x/dist node bench/wasm_bench.mjs
//   BENCH_SECONDS=2 BENCH_ROUNDS=5 node bench/wasm_bench.mjs
// Each case is warmed up, then timed in BENCH_ROUNDS rounds (default 3) of BENCH_SECONDS
// (default 1); the median round is reported in calls per CPU second (compare with
// datt_bench's median over --benchmark_repetitions=3), with the spread of the rounds and
// the wall-clock figure, since the machine may be shared.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const distDir = resolve(repoRoot, process.env.DATT_WASM_DIST ?? 'build/wasm/dist');
const measureSeconds = Number(process.env.BENCH_SECONDS ?? 1);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const warmupSeconds = 0.3;

let loadDatt;
try {
  ({ loadDatt } = await import(pathToFileURL(resolve(distDir, 'datt.mjs')).href));
} catch (error) {
  console.error(`wasm_bench: cannot load ${distDir}/datt.mjs (${error.message}).`);
  console.error('Build it first (npm run build) or point DATT_WASM_DIST at a built dist folder.');
  process.exit(1);
}
const datt = await loadDatt({ payments: true });

// Same inputs as bench/sample_event.h: a NIP-22 comment with 5 tags.
const template = {
  created_at: 1735689600,
  kind: 1111,
  tags: [
    ['e', '5c83da77af1dec6d7289834998ad7aafbd9e2191396d75ec3cc27f5a77226f36'],
    ['K', '1111'],
    ['k', '1111'],
    ['p', 'f7234bd4c1394dda46d09f35bd384dd30cc552ad5541990f98844fb06676e9ca'],
    ['t', 'bitcoin'],
  ],
  content: 'Agreed: keep the core pure.',
};
const secretKey = datt.hexToBytes('404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f');
const publicKey = datt.publicKey(secretKey);
const signer = datt.openSigner(secretKey);
const signedEvent = datt.signEvent(template, secretKey);
const signedJson = JSON.stringify(signedEvent);
const message = datt.hexToBytes(signedEvent.id);
const signature = datt.schnorrSign(message, secretKey);
const mnemonic = datt.entropyToMnemonic(new Uint8Array(16).fill(0x7f));

// Feed inputs: 10,000 posts to rank (a community page's set) and 1,000 signed votes.
const rankItems = Array.from({ length: 10000 }, (_, i) => ({
  id: (i * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(8),
  created_at: 1735689600 - i * 37, ups: (i * 7) % 50, downs: (i * 3) % 11,
}));
const votes = Array.from({ length: 1000 }, (_, i) => datt.signEvent({
  kind: 7, created_at: 1735689600 + (i % 5), content: i % 3 ? '+' : '-',
  tags: [['e', (i % 40).toString(16).padStart(64, '0')]],
}, secretKey));

// Bitcoin inputs, as in bench/bitcoin_bench.cpp and bench/bitcoin_spv_bench.cpp.
const btc = datt.bitcoin;
const sha256 = (bytes) => createHash('sha256').update(bytes).digest();
const sha256d = (bytes) => sha256(sha256(bytes));
// A 1-input, 2-output P2WPKH spend (BM_P2wpkhSighashSignVerify/1).
const btcKey = datt.hexToBytes('0101010101010101010101010101010101010101010101010101010101010101');
const btcPrevout = { scriptPubKey: btc.p2wpkhScript(btc.publicKey(btcKey)), amount: 100000n };
const btcSpend = {
  version: 2, locktime: 0, inputs: [{ txid: '11'.repeat(32), vout: 0, sequence: 0xfffffffd }],
  outputs: [{ value: 60000n, scriptPubKey: btc.p2wpkhScript(new Uint8Array(20).fill(2)) },
    { value: 39000n, scriptPubKey: btc.p2wpkhScript(new Uint8Array(20).fill(3)) }],
};
const btcSpendBytes = btc.serializeTransaction(btcSpend);
// Signing is deterministic (RFC 6979): the signed bytes made once are what every call signs,
// so a call signs the unsigned bytes and verifies the signed ones, both as Uint8Array (the
// form a wallet keeps; an object argument would add its member-by-member reading).
const btcSignedBytes = btc.serializeTransaction({ ...btcSpend, inputs: [{ ...btcSpend.inputs[0],
  witness: btc.signP2wpkhInput(btcSpendBytes, 0, btcPrevout.amount, btcKey) }] });
function signAndVerifyP2wpkh() {
  btc.signP2wpkhInput(btcSpendBytes, 0, btcPrevout.amount, btcKey);
  return btc.verifyInput(btcSignedBytes, 0, btcPrevout).valid;
}
// A 223-byte legacy P2PKH spend (BM_TxParse/legacy_1in_2out's shape).
const legacyTx = btc.serializeTransaction({
  version: 1, locktime: 0,
  inputs: [{ txid: '22'.repeat(32), vout: 1, scriptSig: new Uint8Array(104).fill(0x30) }],
  outputs: [{ value: 1n, scriptPubKey: btc.p2pkhScript(new Uint8Array(20)) },
    { value: 2n, scriptPubKey: btc.p2pkhScript(new Uint8Array(20).fill(1)) }],
});
// 100,000 regtest headers from Core's regtest genesis (BM_VerifyHeaders100k), mined here.
function header(prev, merkle, time, nonce) {
  const out = Buffer.alloc(80);
  out.writeInt32LE(4, 0);
  prev.copy(out, 4);
  merkle.copy(out, 36);
  out.writeUInt32LE(time, 68);
  out.writeUInt32LE(0x207fffff, 72);
  out.writeUInt32LE(nonce, 76);
  return out;
}
const genesisHash = Buffer.from(btc.network('regtest').genesisHash, 'hex').reverse();
const headerBytes = Buffer.alloc(100000 * 80);
{
  let prev = genesisHash;
  for (let i = 0; i < 100000; i++) {
    const merkle = sha256(Buffer.from(`bench ${i}`));
    let nonce = 0;
    let h;
    for (;; nonce++) {
      h = header(prev, merkle, 1296688603 + i, nonce);
      if (sha256d(h)[31] < 0x7f) break;  // meets 0x207fffff
    }
    h.copy(headerBytes, i * 80);
    prev = sha256d(h);
  }
}
const headerGenesis = btc.headerChainGenesis('regtest');
// A gettxoutproof-format proof of one txid in a block of 2,000 (BM_MerkleProofVerify/2000),
// built here from BIP-37's algorithm.
// With `txid`, that txid is at matchIndex; with `prev`, the header follows it and is mined.
function merkleProof(count, matchIndex, { txid, prev } = {}) {
  const txids = Array.from({ length: count }, (_, i) => (i === matchIndex && txid ? txid : sha256(Buffer.from(`tx ${i}`))));
  const width = (height) => (count + (1 << height) - 1) >> height;
  const hashAt = (height, pos) => {
    if (height === 0) return txids[pos];
    const left = hashAt(height - 1, pos * 2);
    const right = pos * 2 + 1 < width(height - 1) ? hashAt(height - 1, pos * 2 + 1) : left;
    return sha256d(Buffer.concat([left, right]));
  };
  let top = 0;
  while (width(top) > 1) top++;
  const bits = [];
  const hashes = [];
  const walk = (height, pos) => {
    const parentOfMatch = (matchIndex >> height) === pos;
    bits.push(parentOfMatch);
    if (height === 0 || !parentOfMatch) hashes.push(hashAt(height, pos));
    else {
      walk(height - 1, pos * 2);
      if (pos * 2 + 1 < width(height - 1)) walk(height - 1, pos * 2 + 1);
    }
  };
  walk(top, 0);
  const flags = Buffer.alloc((bits.length + 7) >> 3);
  bits.forEach((bit, i) => { if (bit) flags[i >> 3] |= 1 << (i & 7); });
  const root = hashAt(top, 0);
  let blockHeader = header(Buffer.alloc(32), root, 1296688603, 0);
  if (prev) {
    for (let nonce = 0; ; nonce++) {
      blockHeader = header(prev, root, 1296688603, nonce);
      if (sha256d(blockHeader)[31] < 0x7f) break;
    }
  }
  const countBytes = Buffer.alloc(4);
  countBytes.writeUInt32LE(count);
  const varint = (n) => (n < 0xfd ? Buffer.from([n]) : Buffer.from([0xfd, n & 0xff, n >> 8]));
  return new Uint8Array(Buffer.concat([blockHeader, countBytes, varint(hashes.length), ...hashes,
    varint(flags.length), flags]));
}
const proof2000 = merkleProof(2000, 1234);

// An on-chain tip (BM_TipParseAndVerify's scenario): the payment (1 input, 3 outputs: the
// author, the commitment, change) at position 1,234 of a 2,000-transaction block mined on
// Core's regtest genesis, 5 blocks on top (6 confirmations), the tip event as JSON text.
const tipKey = (n) => { const k = new Uint8Array(32); k[31] = n; return k; };
const tipPaid = btc.p2wpkhScript(new Uint8Array(20).fill(0x33));
const tipPayout = datt.signEvent(datt.tips.payoutTemplate(
  [{ network: 'regtest', address: btc.scriptToAddress(tipPaid, 'regtest') }], { createdAt: 1700000000 }), tipKey(1));
const tipTarget = '77'.repeat(32);
const tipTx = btc.serializeTransaction({
  version: 2, locktime: 0,
  inputs: [{ txid: '42'.repeat(32), vout: 0, sequence: 0xfffffffd,
    witness: [new Uint8Array(72).fill(0x30), new Uint8Array(33).fill(2)] }],
  outputs: [{ value: 21000n, scriptPubKey: tipPaid },
    { value: 0n, scriptPubKey: datt.tips.commitmentScript(tipTarget, datt.publicKey(tipKey(2))) },
    { value: 50000n, scriptPubKey: btc.p2wpkhScript(new Uint8Array(20).fill(0xcc)) }],
});
const tipTxid = btc.transactionInfo(tipTx).txid;
const tipProof = merkleProof(2000, 1234, { txid: Buffer.from(tipTxid, 'hex').reverse(), prev: genesisHash });
const tipHeaders = [Buffer.from(tipProof.subarray(0, 80))];
for (let i = 1; i < 6; i++) {
  const merkle = sha256(Buffer.from(`tip block ${i}`));
  for (let nonce = 0; ; nonce++) {
    const h = header(sha256d(tipHeaders[i - 1]), merkle, 1296688603 + i, nonce);
    if (sha256d(h)[31] < 0x7f) { tipHeaders.push(h); break; }
  }
}
const tipHeaderBytes = new Uint8Array(Buffer.concat(tipHeaders));
const tipEvidence = { network: 'regtest', state: btc.extendHeaderChain('regtest', btc.headerChainGenesis('regtest'), tipHeaderBytes).state,
  transaction: tipTx, proof: tipProof, headers: tipHeaderBytes };
const tipJson = JSON.stringify(datt.signEvent(datt.tips.tipTemplate(tipPayout, {
  target: tipTarget, network: 'regtest', txid: tipTxid, vout: 0, sats: 21000, message: 'thanks', createdAt: 1700000100 }), tipKey(2)));

function check(condition, what) {
  if (!condition) {
    console.error(`wasm_bench: ${what}`);
    process.exit(1);
  }
}
check(datt.verifyEvent(signedJson), 'the sample event does not verify');
check(datt.eventId(template, publicKey) === signedEvent.id, 'eventId disagrees with signEvent');
check(datt.schnorrVerify(message, publicKey, signature), 'the sample signature does not verify');
check(signAndVerifyP2wpkh(), 'the P2WPKH spend does not verify');
check(btc.checkTransaction(legacyTx) && legacyTx.length === 223, 'the legacy transaction is not 223 bytes');
check(btc.extendHeaderChain('regtest', headerGenesis, headerBytes).height === 100000, '100,000 headers do not verify');
check(btc.verifyMerkleProof(proof2000).matches[0].index === 1234, 'the merkle proof does not verify');
check(datt.tips.verify(tipJson, tipEvidence).confirmations === 6, 'the tip does not verify with 6 confirmations');
// bench/tips_browser_bench.mjs runs the same tip verification in Chromium: it asks for the
// scenario (bytes as hex) through this variable and reads it from stdout.
if (process.env.BENCH_PRINT_TIP_SCENARIO === '1') {
  const hex = (bytes) => Buffer.from(bytes).toString('hex');
  console.log(JSON.stringify({ tipJson, evidence: { network: tipEvidence.network, state: hex(tipEvidence.state),
    transaction: hex(tipEvidence.transaction), proof: hex(tipEvidence.proof), headers: hex(tipEvidence.headers) } }));
  process.exit(0);
}

// Runs `fn` in growing batches until `seconds` of wall time have passed. Returns calls
// per second of this process's CPU time, as Google Benchmark reports items_per_second,
// so that other programs on a shared machine skew the figure less; and per wall second.
function runFor(seconds, fn) {
  const budget = BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let calls = 0;
  let batch = 1;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    elapsed = process.hrtime.bigint() - start;
    if (batch < 1024) batch *= 2;
  }
  const cpu = process.cpuUsage(cpuStart);
  return { cpu: calls / ((cpu.user + cpu.system) / 1e6), wall: calls / (Number(elapsed) / 1e9) };
}

// [name, the native benchmark it compares with, the call]
const cases = [
  ['signEvent', 'BM_EventSign', () => datt.signEvent(template, secretKey)],
  ['Signer.signEvent', 'BM_EventSign', () => signer.signEvent(template)],
  ['verifyEvent (JSON text)', 'BM_EventParseVerify', () => datt.verifyEvent(signedJson)],
  ['verifyEvent (object)', 'BM_EventParseVerify', () => datt.verifyEvent(signedEvent)],
  ['eventId', 'BM_EventId', () => datt.eventId(template, publicKey)],
  ['schnorrSign', 'BM_SchnorrSign', () => datt.schnorrSign(message, secretKey)],
  ['schnorrVerify', 'BM_SchnorrVerify', () => datt.schnorrVerify(message, publicKey, signature)],
  ['mnemonicToSeed', 'BM_Bip39Seed', () => datt.mnemonicToSeed(mnemonic, 'passphrase')],
  ['rank 10,000 items (hot)', '-', () => datt.rank(rankItems, 'hot', { now: 1735689600 })],
  ['tallyVotes 1,000 votes', '-', () => datt.tallyVotes(votes)],
  ['btc P2WPKH sign+verify', 'BM_P2wpkhSighashSignVerify/1', signAndVerifyP2wpkh],
  ['btc P2WPKH verifyInput', 'BM_EcdsaVerify (+ sighash)', () => btc.verifyInput(btcSignedBytes, 0, btcPrevout)],
  ['btc tx parse (223 B)', 'BM_TxParse/legacy_1in_2out', () => btc.checkTransaction(legacyTx)],
  ['btc 100,000 headers', 'BM_ParseAndVerifyHeaders100k', () => btc.extendHeaderChain('regtest', headerGenesis, headerBytes)],
  ['btc merkle proof (2,000)', 'BM_MerkleProofVerify/2000', () => btc.verifyMerkleProof(proof2000)],
  ['tips.verify (6 conf.)', 'BM_TipParseAndVerify', () => datt.tips.verify(tipJson, tipEvidence)],
  // A difficulty never met: every call hashes all 10,000 nonces (hashes/s = ops/s x 10,000).
  ['pow mineStep 10,000', 'BM_PowMine (per 10,000)', () => datt.community.mineStep(publicKey, template, 256, 0, 10000)],
];

console.log(`wasm benchmarks: ${distDir}`);
console.log(`node ${process.versions.node}; per case: ${warmupSeconds} s warm-up, median of ` +
  `${rounds} rounds of ${measureSeconds} s; ops per CPU second (spread; ops per wall second)`);
for (const [name, native, fn] of cases) {
  runFor(warmupSeconds, fn);
  const results = [];
  for (let round = 0; round < rounds; round++) results.push(runFor(measureSeconds, fn));
  const median = (key) => results.map((r) => r[key]).sort((a, b) => a - b)[results.length >> 1];
  const cpuFigures = results.map((r) => r.cpu);
  const spread = `${Math.min(...cpuFigures).toFixed(0)}..${Math.max(...cpuFigures).toFixed(0)}`;
  const perCall = 1e3 / median('cpu');
  const time = perCall >= 1 ? ` = ${perCall.toFixed(1)} ms/call` : '';
  console.log(`${name.padEnd(24)} ${median('cpu').toFixed(median('cpu') < 100 ? 2 : 0).padStart(8)} ops/s${time}  ` +
    `(${spread.padEnd(13)}; wall ${median('wall').toFixed(0).padStart(6)})  native: ${native}`);
}

// The three modules' budgets: tests/wasm/size.test.mjs.
for (const [name, files, budget] of [
  ['core', ['datt_core.wasm', 'datt_core.mjs', 'datt.mjs', 'datt_common.mjs'], '<= 600 KB'],
  ['payments', ['datt_pay.wasm', 'datt_pay.mjs', 'payments.mjs'], '<= 700 KB'],
  ['channels', ['datt_channel.wasm', 'datt_channel.mjs', 'channels.mjs'], '<= 500 KB'],
]) {
  let total = 0;
  for (const file of files) {
    const size = statSync(resolve(distDir, file)).size;
    total += size;
    console.log(`${file.padEnd(24)} ${String(size).padStart(8)} bytes`);
  }
  console.log(`${`${name} total`.padEnd(24)} ${String(total).padStart(8)} bytes ` +
    `(${(total / 1000).toFixed(1)} kB; budget ${budget})`);
}
