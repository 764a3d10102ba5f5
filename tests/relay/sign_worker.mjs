// Worker thread for the suites that need thousands of signed events (wal.test.mjs): signs
// event templates with support.mjs' signEvent and posts them back in order, in batches.
import { parentPort, workerData } from 'node:worker_threads';

import { signEvent } from './support.mjs';

const { templates, sk, batch } = workerData;
const key = { sk: Uint8Array.from(sk) };
for (let i = 0; i < templates.length; i += batch) {
  parentPort.postMessage(templates.slice(i, i + batch).map((t) => signEvent(t, key)));
}
parentPort.postMessage(null);
