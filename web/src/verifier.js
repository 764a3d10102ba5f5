// A verification worker: checks a share of each incoming batch in wasm on another core.
// Message {id, events} -> {id, valid: boolean[]}.
let datt;
const ready = import('/wasm/datt.mjs').then(({ loadDatt }) => loadDatt()).then((d) => { datt = d; });

self.onmessage = async (e) => {
  const { id, events } = e.data;
  try {
    await ready;
    self.postMessage({ id, valid: events.map((event) => datt.verifyEvent(event)) });
  } catch (error) {
    self.postMessage({ id, error: error?.message ?? String(error) });
  }
};
