// External conformance vectors for Node tests: ../shared/vectors or $DATT_VECTORS_DIR.
// Missing files skip the test on a user's machine and fail it under CI (CI=true).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function vectorsDir() {
  return process.env.DATT_VECTORS_DIR || path.resolve(repoRoot, '../shared/vectors');
}

/** Returns the file's text, or null after marking the test skipped (throws under CI). */
export async function loadVectors(t, relativePath) {
  const file = path.join(vectorsDir(), relativePath);
  try {
    return await readFile(file, 'utf8');
  } catch {
    const message = `vector file ${file} not found (set DATT_VECTORS_DIR)`;
    if (process.env.CI === 'true') throw new Error(message);
    t.skip(message);
    return null;
  }
}

/** The built wasm package folder: $DATT_WASM_DIST or build/wasm/dist. */
export function wasmDist() {
  return path.resolve(repoRoot, process.env.DATT_WASM_DIST || 'build/wasm/dist');
}

/**
 * Loads the wasm core from the built package, with its payments module (datt.bitcoin,
 * datt.invoice, datt.tips, datt.receipts) unless `{ payments: false }` and its channel module
 * (datt.channel) unless `{ channels: false }` (without payments, channels default to false).
 */
export async function loadWasmDatt({ payments = true, channels = payments } = {}) {
  const entry = path.join(wasmDist(), 'datt.mjs');
  const { loadDatt } = await import(pathToFileURL(entry).href);
  return loadDatt({ payments, channels });
}

/** The native CLI binary: $DATT_CLI or build/native/relay/cli/datt. */
export function cliPath() {
  return path.resolve(repoRoot, process.env.DATT_CLI || 'build/native/relay/cli/datt');
}

/** core/sync's stdio harness (tests/core/sync/negentropy_harness.cpp). */
export function negentropyHarnessPath() {
  return path.resolve(repoRoot, process.env.DATT_NEGENTROPY_HARNESS || 'build/native/tests/core/negentropy_harness');
}
