// When the tip book looks again at pending tips without being told of a block: 5 s after a
// pass that left tips pending, doubling after each pass on the same chain tip up to 2 min,
// and back to 5 s when the chain tip moved or new tips arrived. A pass asks the relay's
// bridge for headers (and the proofs of tips whose chain tip changed), so a pending tip no
// longer costs two Bitcoin requests every 5 s for as long as it stays pending. New blocks
// the relay announces (`BTC-EVENT` `tip`/`confirmed` to a connection with watches: the
// wallet's) run a pass at once through the wallet's change callback (worker.js); this is the
// fallback for a browser whose connection watches nothing. Pure: timers are injected, so
// tests/web/tips_recheck.test.mjs drives it with a fake clock.
export const RECHECK_FIRST_MS = 5000;
export const RECHECK_MAX_MS = 120000;

export class RecheckSchedule {
  #setTimer;
  #clearTimer;
  #first;
  #max;
  #delay;
  #tip = null;
  #timer = null;

  // The defaults call the globals unbound: a browser refuses setTimeout called on another object.
  constructor({ setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (id) => clearTimeout(id), first = RECHECK_FIRST_MS,
    max = RECHECK_MAX_MS } = {}) {
    this.#setTimer = setTimer;
    this.#clearTimer = clearTimer;
    this.#first = first;
    this.#max = max;
    this.#delay = first;
  }

  /**
   * After a pass over the tips: when some are still `waiting`, `run` is called after the
   * next delay (the earlier timer, if any, is dropped). `tipHash`: the chain tip the pass
   * checked against. The delay used, or null when nothing waits.
   */
  after({ waiting, tipHash }, run) {
    this.cancel();
    if (tipHash !== this.#tip) this.#delay = this.#first;
    this.#tip = tipHash;
    if (!waiting) {
      this.#delay = this.#first;
      return null;
    }
    const delay = this.#delay;
    this.#delay = Math.min(this.#delay * 2, this.#max);
    this.#timer = this.#setTimer(() => {
      this.#timer = null;
      run();
    }, delay);
    return delay;
  }

  /** New tips arrived: the next wait starts short again. */
  reset() {
    this.#delay = this.#first;
  }

  cancel() {
    if (this.#timer !== null) this.#clearTimer(this.#timer);
    this.#timer = null;
  }
}
