// The wasm package's size budgets (issue 2: 600 KB; issues 11 and 13). Three modules ship:
// - the core (datt_core.wasm + datt_core.mjs + datt.mjs + datt_common.mjs): what a browser
//   downloads before Datt can verify a signature, held to 600,000 bytes;
// - payments (datt_pay.wasm + datt_pay.mjs + payments.mjs): fetched only by
//   datt.loadPayments() (the wallet, on-chain tips, invoices, receipts), held to 700,000 bytes:
//   what it measured when it was split off (601 KB) plus room;
// - channels (datt_channel.wasm + datt_channel.mjs + channels.mjs): fetched only by
//   datt.loadChannels() (the Channels page), held to 500,000 bytes: 439,016 B when it was
//   split off the payments module (which the channel client had put at 794 KB) plus room for
//   closing a channel and the client's side of the on-chain resolver.
// Over budget fails, so the budgets hold in CI; docs/performance.md "Size" says what each
// part costs and why the budgets are what they are.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { wasmDist } from '../support/vectors.mjs';

const PACKAGES = [
  { name: 'core', budget: 600_000, files: ['datt_core.wasm', 'datt_core.mjs', 'datt.mjs', 'datt_common.mjs'] },
  { name: 'payments', budget: 700_000, files: ['datt_pay.wasm', 'datt_pay.mjs', 'payments.mjs'] },
  { name: 'channels', budget: 500_000, files: ['datt_channel.wasm', 'datt_channel.mjs', 'channels.mjs'] },
];

for (const { name, budget, files } of PACKAGES) {
  test(`the ${name} module fits in ${budget} bytes`, () => {
    const sizes = Object.fromEntries(files.map((file) => [file, statSync(path.join(wasmDist(), file)).size]));
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    console.log(`[ size ] ${name}: ${files.map((f) => `${f} ${sizes[f]} B`).join(', ')}: ${total} B of ${budget} B`);
    assert.ok(total <= budget, `the ${name} module is ${total} bytes, over the ${budget}-byte budget by ${total - budget}`);
  });
}
