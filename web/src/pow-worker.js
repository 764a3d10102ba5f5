// NIP-13 proof of work off the UI thread: the core's mineStep (datt.community.mineStep) in
// slices, reporting how many hashes were tried and the rate after each slice. The tab cancels
// by terminating this worker (a slice is short, but terminate needs no cooperation).
//
// Request {pubkey, template, difficulty} -> messages {progress: {tried, rate}} ... then
// {found: {template, id, tried}} or {error}.
const SLICE = 20000;

let datt;
const ready = (async () => {
  const { loadDatt } = await import('/wasm/datt.mjs');
  datt = await loadDatt();
})();

self.onmessage = async (e) => {
  const { pubkey, template, difficulty } = e.data ?? {};
  try {
    await ready;
    const start = performance.now();
    let nonce = 0;
    let tried = 0;
    for (;;) {
      const step = datt.community.mineStep(pubkey, template, difficulty, nonce, SLICE);
      tried += step.tried;
      if (step.found) {
        self.postMessage({ found: { template: step.found, id: step.id, tried } });
        return;
      }
      nonce = step.nextNonce;
      const seconds = (performance.now() - start) / 1000;
      self.postMessage({ progress: { tried, rate: seconds > 0 ? tried / seconds : 0 } });
    }
  } catch (error) {
    self.postMessage({ error: error?.message ?? String(error) });
  }
};
