// Posting in a community that requires NIP-13 proof of work (its definition's ["pow", N]):
// the event, chain tag included, is mined in web/src/pow-worker.js before it is signed, with
// the hashes tried, the rate and a cancel button shown while it runs (<MiningStatus>). The
// owner and moderators are exempt, as the relay's admit says.
import { useEffect, useState } from 'preact/hooks';
import { communityInputs } from './moderation.js';
import { html, useClient } from './hooks.js';

let job = null;                 // {difficulty, tried, rate, cancel}
const listeners = new Set();
function setJob(next) {
  job = next;
  for (const listener of listeners) listener(job);
}

export class MiningCancelled extends Error {
  constructor() {
    super('Proof of work cancelled: nothing was posted.');
    this.code = 'pow_cancelled';
  }
}

/** The NIP-13 difficulty `pubkey` must meet to post in `community` (0 when none). */
export async function requiredDifficulty(client, community) {
  const inputs = community ? await communityInputs(client, community) : null;
  if (!inputs || !inputs.info.pow) return 0;
  if (inputs.info.owner === pubkey(client) || inputs.info.moderators.includes(pubkey(client))) return 0;
  return inputs.info.pow;
}
const pubkey = (client) => client.publicKey;

function mine(pubkeyHex, template, difficulty, renew) {
  return new Promise((resolve, reject) => {
    const worker = new Worker('/pow-worker.js', { type: 'module' });
    let lastRenew = Date.now();
    const finish = (fn, value) => {
      worker.terminate();
      setJob(null);
      fn(value);
    };
    const cancel = () => finish(reject, new MiningCancelled());
    setJob({ difficulty, tried: 0, rate: 0, cancel });
    worker.onmessage = (e) => {
      const { progress, found, error } = e.data;
      if (progress) {
        setJob({ difficulty, ...progress, cancel });
        // Keep this device's chain position while mining runs long.
        if (Date.now() - lastRenew > 10000) {
          lastRenew = Date.now();
          renew().catch(() => {});
        }
      } else if (found) {
        finish(resolve, found.template);
      } else {
        finish(reject, new Error(error));
      }
    };
    worker.onerror = (e) => finish(reject, new Error(`proof-of-work worker failed: ${e.message ?? 'did not load'}`));
    worker.postMessage({ pubkey: pubkeyHex, template, difficulty });
  });
}

/**
 * Publishes a post or comment `template` in `community`: mined first when the community
 * requires proof of work of this author. Rejects with MiningCancelled on cancel.
 */
export async function publishInCommunity(client, template, community) {
  if (!client.unlocked) return client.publish(template);
  const difficulty = await requiredDifficulty(client, community);
  if (!difficulty) return client.publish(template);
  if (job) throw new Error('Another post is being mined: wait for it or cancel it.');
  return client.publishChained(template, (tagged, renew) => mine(client.publicKey, tagged, difficulty, renew));
}

/** Progress of the proof of work being mined, with a cancel button (nothing while idle). */
export function MiningStatus() {
  const [current, setCurrent] = useState(job);
  useEffect(() => {
    listeners.add(setCurrent);
    return () => listeners.delete(setCurrent);
  }, []);
  if (!current) return null;
  return html`<p class="banner notice" role="status" data-testid="pow-progress">
    Proof of work (difficulty ${current.difficulty}, about ${formatCount(2 ** current.difficulty)} hashes on average):
    <span data-testid="pow-tried">${formatCount(current.tried)}</span> hashes tried,
    <span data-testid="pow-rate">${formatCount(current.rate)}</span>/s
    <button type="button" data-testid="pow-cancel" onClick=${() => current.cancel()}>Cancel</button></p>`;
}

function formatCount(n) {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}
