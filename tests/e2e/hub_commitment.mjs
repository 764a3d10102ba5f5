// The hub's commitment of a channel, as the hub would sign it to close alone: rows of the
// relay's hub_channels (read with the sqlite3 shell, read-only), now or kept from before (an
// old state: its commitment is revoked once the channel moves on), signed by
// tests/core/channel/onchain_harness ("commitment"); the one spending `fundingTxid`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const HARNESS = path.resolve(root, process.env.DATT_ONCHAIN_HARNESS || 'build/native/tests/core/onchain_harness');

/** Every row of the relay's hub_channels as it is now: [{seed, state}] in hex, a copy that does not move on with the hub. */
export function hubChannelRows(database) {
  return execFileSync('sqlite3', ['-readonly', database,
    "SELECT lower(hex(seed)) || ' ' || lower(hex(state)) FROM hub_channels"], { encoding: 'utf8', timeout: 10000 })
    .trim().split('\n').filter(Boolean).map((row) => {
      const [seed, state] = row.split(' ');
      return { seed, state };
    });
}

/** {hex, txid, outputs: [{value, script}], number} of the hub's commitment spending `fundingTxid`, signed from `rows` (hubChannelRows). */
export function hubCommitmentOf(rows, fundingTxid, decode) {
  if (!existsSync(HARNESS)) throw new Error(`build the harness first: ${HARNESS}`);
  const input = rows.map(({ seed, state }) => `${JSON.stringify({ cmd: 'commitment', state, seed })}\n`).join('');
  const replies = execFileSync(HARNESS, [], { input, encoding: 'utf8', timeout: 20000 }).trim().split('\n').map((l) => JSON.parse(l));
  const found = replies.find((r) => r.hex && decode(r.hex).vin.some((i) => i.txid === fundingTxid));
  if (!found) throw new Error(`no hub commitment spends ${fundingTxid} (${rows.length} rows)`);
  return found;
}

/** The hub's latest commitment spending `fundingTxid` (hubCommitmentOf the rows of `database` now). */
export const hubCommitmentSpending = (database, fundingTxid, decode) => hubCommitmentOf(hubChannelRows(database), fundingTxid, decode);
