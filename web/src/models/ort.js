// Loads onnxruntime-web once and creates sessions with the best available settings: WASM SIMD (the
// only WASM build ORT 1.30 ships), threads when the page is cross-origin isolated, WebGPU when asked
// and available, and a clean fallback to WASM when WebGPU fails.
import { OspreyError } from '../errors.js';

const ORT_PACKAGE = 'onnxruntime-web'; // a variable: bundlers must not resolve this Node-only lookup
const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
const inWorker = typeof WorkerGlobalScope === 'function' && globalThis instanceof WorkerGlobalScope;
let ortPromise = null;

/**
 * The onnxruntime-web module. Pass `ort` to use your own copy (e.g. from a CDN or a bundler);
 * otherwise `globalThis.ort` or `import('onnxruntime-web')` (needs a bundler or an import map in
 * the browser; works as is in Node).
 */
export function loadOrt({ ort } = {}) {
  if (ort) return Promise.resolve(configure(ort));
  ortPromise ??= (async () => {
    if (globalThis.ort?.InferenceSession) return configure(globalThis.ort);
    const module = await import('onnxruntime-web');
    // In a worker, a bundler may have inlined onnxruntime-web into the worker's own script (Vite
    // builds workers as one file). ORT starts its thread workers from its script's URL, which then
    // is Osprey's worker: they would never start. So one thread there.
    return configure(module.default?.InferenceSession ? module.default : module, { threads: !inWorker });
  })().catch((cause) => {
    ortPromise = null;
    throw new OspreyError(`could not load onnxruntime-web (${cause?.message ?? cause}); ` +
      'install it, map it in an import map, or pass {ort} to the model options', 'RUNTIME_UNAVAILABLE', { cause });
  });
  return ortPromise;
}

const configured = new WeakSet();
function configure(ort, { threads = true } = {}) {
  if (configured.has(ort)) return ort;
  configured.add(ort);
  const wasm = ort.env?.wasm;
  if (wasm) {
    if (isNode && !wasm.wasmPaths && typeof import.meta.resolve === 'function') {
      // In Node the .wasm files are read from node_modules/onnxruntime-web/dist.
      try {
        wasm.wasmPaths = new URL('./', import.meta.resolve(ORT_PACKAGE)).href;
      } catch { /* a custom ort without a resolvable package: keep its own paths */ }
    }
    if (wasm.numThreads === undefined) {
      // Threads need SharedArrayBuffer, i.e. a cross-origin isolated page (COOP + COEP).
      const isolated = globalThis.crossOriginIsolated === true;
      const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
      wasm.numThreads = !isNode && isolated && threads ? Math.max(1, Math.min(4, cores)) : 1;
    }
  }
  return ort;
}

/**
 * Creates an InferenceSession from ONNX bytes.
 * @param {object} ort
 * @param {Uint8Array} bytes
 * @param {{device?: 'wasm'|'webgpu'|'auto', sessionOptions?: object, file?: string}} [options]
 */
export async function createSession(ort, bytes, { device = 'wasm', sessionOptions = {}, file = 'model' } = {}) {
  const base = { graphOptimizationLevel: 'all', ...sessionOptions };
  const wantGpu = device === 'webgpu' || device === 'auto';
  if (wantGpu && typeof navigator === 'object' && navigator.gpu) {
    try {
      const session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['webgpu'] });
      return { session, device: 'webgpu' };
    } catch (cause) {
      if (device === 'webgpu' && sessionOptions.strictDevice) {
        throw new OspreyError(`WebGPU session failed for ${file}: ${cause.message}`, 'DEVICE_UNAVAILABLE', { cause });
      }
      // Fall through to WASM: same results, slower.
    }
  }
  try {
    const session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['wasm'] });
    return { session, device: 'wasm' };
  } catch (cause) {
    throw new OspreyError(`${file} is not a valid ONNX model for onnxruntime-web: ${cause?.message ?? cause}`,
      'INVALID_MODEL', { cause });
  }
}

/**
 * Runs calls on one session one after another. onnxruntime-web refuses a run() while another is in
 * flight on the same session ("Session already started"); queuing makes overlapping calls safe.
 */
export class SessionQueue {
  #session;
  #tail = Promise.resolve();

  constructor(session) { this.#session = session; }
  get session() { return this.#session; }
  get inputNames() { return this.#session.inputNames; }
  get outputNames() { return this.#session.outputNames; }

  run(feeds) {
    const result = this.#tail.then(() => this.#session.run(feeds));
    this.#tail = result.then(() => undefined, () => undefined); // a failed run does not block the next
    return result;
  }

  async release() {
    await this.#tail;
    await this.#session.release?.();
  }
}
