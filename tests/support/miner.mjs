// A miner for regtest tests: builds a block with exactly the transactions it is given on
// the node's tip (bcoin's `getblocktemplate` for height, bits, time and subsidy), checks it
// with the node (`getblocktemplate` mode "proposal", BIP-23) and submits it (`submitblock`).
//
// Why: bcoin 1.0.2's mempool refuses any conflicting spend, so a BIP-125 replacement never
// enters it; a miner running a replacing node (Bitcoin Core) would mine it anyway. This does
// what that miner does: the node under test then validates the block like any other it
// receives, connects it, and drops the replaced transaction from its mempool as conflicting.
//
// Block layout (BIP-141 for the commitment):
//   header (80 bytes) | varint tx count | coinbase | transactions (witness serialization)
//   coinbase: one input (null outpoint, scriptSig = BIP-34 height push + 4 tag bytes,
//   witness = [32 zero bytes], the reserved value), outputs [payout, OP_RETURN
//   aa21a9ed || SHA256d(witness merkle root || reserved value)]; the witness merkle root
//   hashes the wtxids with the coinbase's as 32 zero bytes.
import { createHash } from 'node:crypto';

const sha256d = (bytes) => createHash('sha256').update(createHash('sha256').update(bytes).digest()).digest();
const internal = (displayHex) => Buffer.from(displayHex, 'hex').reverse();

function merkleRoot(hashes) {
  let level = hashes;
  while (level.length > 1) {
    if (level.length % 2) level = [...level, level[level.length - 1]];
    const next = [];
    for (let i = 0; i < level.length; i += 2) next.push(sha256d(Buffer.concat([level[i], level[i + 1]])));
    level = next;
  }
  return level[0];
}

function varint(n) {
  if (n < 0xfd) return Buffer.from([n]);
  const b = Buffer.alloc(3);
  b[0] = 0xfd;
  b.writeUInt16LE(n, 1);
  return b;
}

// BIP-34: the height as a minimal little-endian script number push.
function heightPush(height) {
  const bytes = [];
  for (let h = height; h > 0; h = Math.floor(h / 256)) bytes.push(h % 256);
  if (bytes.length && bytes[bytes.length - 1] & 0x80) bytes.push(0);
  return Buffer.from([bytes.length, ...bytes]);
}

/**
 * Mines one block on the node's tip holding `transactions` (raw bytes, in order: parents
 * first) after the coinbase, which pays the subsidy plus `fees` to `payoutScript`.
 * Resolves with the block's hash (display order); throws with the node's reason when the
 * block is refused.
 */
export async function mineBlockWith({ datt, rpc, transactions, fees = 0n, payoutScript }) {
  const template = await rpc('getblocktemplate', [{ rules: ['segwit'] }]);
  if (template.bits !== '207fffff') throw new Error(`not a regtest target: ${template.bits}`);
  const templateFees = template.transactions.reduce((sum, tx) => sum + BigInt(tx.fee), 0n);
  const subsidy = BigInt(template.coinbasevalue) - templateFees;

  const infos = transactions.map((raw) => datt.bitcoin.transactionInfo(raw));
  const reserved = Buffer.alloc(32);
  const witnessRoot = merkleRoot([Buffer.alloc(32), ...infos.map((info) => internal(info.wtxid))]);
  const commitment = Buffer.concat([Buffer.from('6a24aa21a9ed', 'hex'), sha256d(Buffer.concat([witnessRoot, reserved]))]);
  const coinbase = Buffer.from(datt.bitcoin.serializeTransaction({
    version: 1,
    locktime: 0,
    inputs: [{
      txid: '0'.repeat(64), vout: 0xffffffff, sequence: 0xffffffff,
      scriptSig: Uint8Array.from(Buffer.concat([heightPush(template.height), Buffer.from('datt')])),
      witness: [Uint8Array.from(reserved)],
    }],
    outputs: [
      { value: subsidy + fees, scriptPubKey: payoutScript },
      { value: 0n, scriptPubKey: Uint8Array.from(commitment) },
    ],
  }));
  const coinbaseTxid = datt.bitcoin.transactionInfo(coinbase).txid;
  const root = merkleRoot([internal(coinbaseTxid), ...infos.map((info) => internal(info.txid))]);

  const header = Buffer.alloc(80);
  header.writeUInt32LE(template.version >>> 0, 0);
  internal(template.previousblockhash).copy(header, 4);
  root.copy(header, 36);
  header.writeUInt32LE(Math.max(template.curtime, template.mintime), 68);
  header.writeUInt32LE(0x207fffff, 72);
  // Regtest target 0x7fffff << 232: the hash (little-endian number) has its top byte <= 0x7f.
  for (let nonce = 0; ; nonce += 1) {
    header.writeUInt32LE(nonce, 76);
    if (sha256d(header)[31] <= 0x7f) break;
  }
  const block = Buffer.concat([header, varint(1 + transactions.length), coinbase, ...transactions.map((raw) => Buffer.from(raw))]);
  const hex = block.toString('hex');
  const verdict = await rpc('getblocktemplate', [{ mode: 'proposal', data: hex }]);
  if (verdict !== null) throw new Error(`the node refuses the block: ${verdict}`);
  const submitted = await rpc('submitblock', [hex]);
  if (submitted !== null) throw new Error(`submitblock: ${submitted}`);
  return Buffer.from(sha256d(header)).reverse().toString('hex');
}
