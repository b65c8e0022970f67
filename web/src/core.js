// Loads the WebAssembly core once per realm (page, worker or Node process): the threaded build
// (osprey_core_mt: HNSW batches insert in parallel) where the realm is cross-origin isolated, else
// the single-thread build, which is always there and the fallback.
import createOspreyCore from '../dist/osprey_core.mjs';
import { OspreyError } from './errors.js';
import { decodeHits } from './hits.js';

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
// Not `new URL('literal', import.meta.url)`: bundlers must not pull the threaded build and its
// worker into apps (they cannot emit them as they need to be); bundled apps get the single-thread
// build. (webpack turns import.meta.url into a file: URL, which is never the page's origin.)
const HERE = import.meta.url;
const THREADED_MODULE = '../dist/osprey_core_mt.mjs';
const THREADED_WORKER = '../dist/osprey_core_mt.worker.js';
// A threaded module whose workers never load (blocked, or not served) would never resolve.
const THREADED_TIMEOUT_MS = 20000;
let corePromise = null;

/**
 * @param {{wasmUrl?: string|URL, wasmBinary?: ArrayBuffer|Uint8Array, threads?: boolean|'auto',
 *   onWarning?: (message: string) => void}} [options]
 *   wasmUrl, wasmBinary: the single-thread osprey_core.wasm, when not beside osprey_core.mjs.
 *   threads: 'auto' (default) loads the threaded build in cross-origin isolated pages and workers
 *   (unless wasmUrl or wasmBinary is given), false never, true whenever SharedArrayBuffer is there.
 *   The first call in a realm decides; the result says which build it is (`ospreyBuild`).
 */
export function loadCore(options = {}) {
  const { threads = 'auto' } = options;
  if (threads !== 'auto' && typeof threads !== 'boolean') {
    return Promise.reject(new OspreyError("threads must be true, false or 'auto'", 'INVALID_ARGUMENT'));
  }
  corePromise ??= instantiate(options).catch((cause) => {
    corePromise = null; // a later call may succeed (e.g. after fixing the URL)
    throw new OspreyError(
      `could not load Osprey's WebAssembly core (${cause?.message ?? cause}). ` +
        'Serve osprey_core.wasm next to osprey_core.mjs, or pass {wasmUrl} to Osprey.open().',
      'WASM_LOAD_FAILED', { cause });
  });
  return corePromise;
}

async function instantiate({ wasmUrl, wasmBinary, threads = 'auto', onWarning = console.warn }) {
  const isolated = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
  const threadedUrl = new URL(THREADED_MODULE, HERE);
  // Workers run only same-origin scripts (and a bundler's import.meta.url may be a file: URL).
  const sameOrigin = threadedUrl.origin === globalThis.location?.origin;
  if (threads === true && !isolated) {
    onWarning('Osprey: threads need a cross-origin isolated page (COOP/COEP headers); ' +
      'using the single-thread build');
  } else if (threads === true || (threads === 'auto' && isolated && sameOrigin && !wasmUrl && !wasmBinary)) {
    try {
      return await instantiateThreaded(threadedUrl);
    } catch (cause) {
      onWarning(`Osprey: the multithreaded build did not load (${cause?.message ?? cause}); ` +
        'using the single-thread build (pass {threads: false} to skip it)');
    }
  }
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
  return described(await createOspreyCore(moduleArg), false);
}

// The threaded module finds its .wasm and worker beside itself.
async function instantiateThreaded(moduleUrl) {
  // A worker script that is not served would fail inside the module, out of reach: check first.
  const worker = await fetch(new URL(THREADED_WORKER, HERE), { method: 'HEAD' });
  if (!worker.ok) throw new Error(`${worker.url}: HTTP ${worker.status}`);
  const { default: create } = await import(/* webpackIgnore: true */ /* @vite-ignore */ moduleUrl.href);
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('its workers did not start')), THREADED_TIMEOUT_MS);
  });
  try {
    // The main thread waits briefly for the build threads (their workers are pre-started, which is
    // what Emscripten's once-per-page warning about blocking the main thread is about).
    const printErr = (text) => {
      if (!String(text).startsWith('Blocking on the main thread')) console.warn(text);
    };
    return described(await Promise.race([create({ OspreyError, decodeHits, printErr }), timeout]), true);
  } finally {
    clearTimeout(timer);
  }
}

function described(core, multithreaded) {
  core.ospreyBuild = Object.freeze({ multithreaded, threads: core.buildThreads() });
  return core;
}
