// Seeded randomness for property tests, so a failure replays from its seed.

/** A generator of numbers in [0, 1) from a 32-bit seed (mulberry32). */
export function rng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random 32-byte id as 64 lowercase hex characters, drawn from `next`. */
export function randomId(next) {
  let id = '';
  for (let i = 0; i < 8; i += 1) id += Math.floor(next() * 2 ** 32).toString(16).padStart(8, '0');
  return id;
}
