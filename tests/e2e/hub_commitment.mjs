// The hub's latest commitment of a channel, as the hub would sign it to close alone: every
// row of the relay's hub_channels (read with the sqlite3 shell, read-only) signed by
// tests/core/channel/onchain_harness ("commitment"); the one spending `fundingTxid`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const HARNESS = path.resolve(root, process.env.DATT_ONCHAIN_HARNESS || 'build/native/tests/core/onchain_harness');

/** {hex, txid, outputs: [{value, script}], number} of the hub's commitment spending `fundingTxid`. */
export function hubCommitmentSpending(database, fundingTxid, decode) {
  if (!existsSync(HARNESS)) throw new Error(`build the harness first: ${HARNESS}`);
  const rows = execFileSync('sqlite3', ['-readonly', database,
    "SELECT lower(hex(seed)) || ' ' || lower(hex(state)) FROM hub_channels"], { encoding: 'utf8', timeout: 10000 })
    .trim().split('\n').filter(Boolean);
  const input = rows.map((row) => {
    const [seed, state] = row.split(' ');
    return `${JSON.stringify({ cmd: 'commitment', state, seed })}\n`;
  }).join('');
  const replies = execFileSync(HARNESS, [], { input, encoding: 'utf8', timeout: 20000 }).trim().split('\n').map((l) => JSON.parse(l));
  const found = replies.find((r) => r.hex && decode(r.hex).vin.some((i) => i.txid === fundingTxid));
  if (!found) throw new Error(`no hub commitment spends ${fundingTxid} (${rows.length} rows)`);
  return found;
}
