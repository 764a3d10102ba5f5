// What datt.mjs and payments.mjs share: DattError, the result unwrapping and the argument
// checks done in JavaScript before text is copied into wasm memory. Not a public entry point
// (import datt.mjs); a module of its own so that the payments wrapper, loaded on demand, uses
// the same DattError class as the core.
export class DattError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'DattError';
    this.code = code;
  }
}

export const isNode = typeof process === 'object' && !!process.versions?.node;

export async function randomSource() {
  if (globalThis.crypto?.getRandomValues) return globalThis.crypto;
  if (isNode) return (await import('node:crypto')).webcrypto;
  throw new DattError('no_random', 'crypto.getRandomValues is not available');
}

export function unwrap(result) {
  if (result.ok) return result.value;
  throw new DattError(result.code, result.message);
}

// A lone UTF-16 surrogate has no UTF-8 form; emscripten's string conversion would pair it
// with the following code unit and silently change the text, so it is refused here.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// Text beyond this is refused before it is copied into wasm memory (events are far smaller).
const MAX_TEXT = 16 * 1024 * 1024;

export function text(value, name) {
  if (typeof value !== 'string') {
    throw new DattError('wrong_type', `${name} must be a string, got ${typeof value}`);
  }
  if (value.length > MAX_TEXT) throw new DattError('too_large', `${name} is longer than ${MAX_TEXT} characters`);
  if (LONE_SURROGATE.test(value)) {
    throw new DattError('invalid_utf8', `${name} contains a lone UTF-16 surrogate`);
  }
  return value;
}

// JSON.stringify throws TypeError on BigInt and cycles; the API throws only DattError.
function stringify(value, name) {
  let json;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new DattError('wrong_type', `${name} cannot be serialized as JSON: ${error.message}`);
  }
  if (typeof json !== 'string') throw new DattError('wrong_type', `${name} has no JSON form`);
  return json;
}

/** An event or template (object or JSON text) as the JSON text the core parses. */
export function eventJson(value, name) {
  if (typeof value === 'string') return text(value, name);
  // JSON.stringify writes lone surrogates as \u escapes (which the core refuses as JSON).
  if (value && typeof value === 'object') return stringify(value, name);
  throw new DattError('wrong_type', `${name} must be an object or a JSON string`);
}
