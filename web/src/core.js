// Loads the WebAssembly core once per realm (page, worker or Node process).
import createOspreyCore from '../dist/osprey_core.mjs';
import { OspreyError } from './errors.js';
import { decodeHits } from './hits.js';

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
let corePromise = null;

/**
 * @param {{wasmUrl?: string|URL, wasmBinary?: ArrayBuffer|Uint8Array}} [options]
 *   wasmUrl: where osprey_core.wasm is served, when not beside osprey_core.mjs.
 */
export function loadCore(options = {}) {
  corePromise ??= instantiate(options).catch((cause) => {
    corePromise = null; // a later call may succeed (e.g. after fixing the URL)
    throw new OspreyError(
      `could not load Osprey's WebAssembly core (${cause?.message ?? cause}). ` +
        'Serve osprey_core.wasm next to osprey_core.mjs, or pass {wasmUrl} to Osprey.open().',
      'WASM_LOAD_FAILED', { cause });
  });
  return corePromise;
}

async function instantiate({ wasmUrl, wasmBinary }) {
  // The module reads Module.OspreyError to turn C++ errors into this class, and hands search hits
  // to Module.decodeHits.
  const moduleArg = { OspreyError, decodeHits };
  if (wasmBinary) {
    moduleArg.wasmBinary = wasmBinary;
  } else if (isNode && !wasmUrl) {
    // Node's fetch() cannot read file: URLs, so hand over the bytes.
    const { readFile } = await import(/* webpackIgnore: true */ 'node:fs/promises');
    moduleArg.wasmBinary = await readFile(new URL('../dist/osprey_core.wasm', import.meta.url));
  } else if (wasmUrl) {
    moduleArg.locateFile = () => String(wasmUrl);
  }
  return createOspreyCore(moduleArg);
}
