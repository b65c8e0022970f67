// Entry of Osprey's dedicated Web Worker: owns the WebAssembly core and the collections opened with
// {worker: true}, so that indexing and search never block the page. The page side is client.js.
import { Osprey } from '../osprey.js';
import { unpackDocuments } from './messages.js';

/** Documents per core call while adding, so that progress can be reported between calls. */
const PROGRESS_BATCH = 256;

const collections = new Map();
let nextHandle = 1;
// Messages are handled one at a time, in order, like calls on a main-thread collection.
let queue = Promise.resolve();

function collection(handle) {
  const c = collections.get(handle);
  if (!c) throw Object.assign(new Error('unknown collection handle'), { code: 'CLOSED' });
  return c;
}

/** Collection methods forwarded as they are (arguments and results are structured-cloned). */
const FORWARDED = new Set(['addDocuments', 'deleteDocuments', 'searchDocuments', 'context', 'documentPassages',
  'ingestStats', 'refresh']);

/** Adds in batches and reports progress; a failing batch removes the earlier ones (all or nothing). */
async function addInBatches(c, docs, reportProgress) {
  const added = [];
  try {
    for (let start = 0; start < docs.length; start += PROGRESS_BATCH) {
      const batch = docs.slice(start, start + PROGRESS_BATCH);
      await c.add(batch);
      for (const d of batch) added.push(d.id);
      reportProgress({ done: added.length, total: docs.length });
    }
  } catch (error) {
    if (added.length > 0) await c.delete(added);
    throw error;
  }
  if (docs.length === 0) reportProgress({ done: 0, total: 0 });
}

const operations = {
  async open({ name, options }, progress) {
    // Model downloads report progress to the page (the page's callback cannot cross to here).
    if (options.relayModelProgress) {
      const { relayModelProgress, modelOptions, ...rest } = options;
      options = { ...rest, modelOptions: { ...modelOptions, onProgress: (p) => progress({ kind: 'model', ...p }) } };
    }
    // Import maps do not reach workers: without a bundler, say where onnxruntime-web is.
    const ortUrl = options.modelOptions?.ortUrl;
    if (ortUrl) {
      const { ortUrl: _, ...modelOptions } = options.modelOptions;
      const ort = await import(/* @vite-ignore */ /* webpackIgnore: true */ ortUrl);
      ort.env.wasm.wasmPaths ??= new URL('./', ortUrl).href;
      options = { ...options, modelOptions: { ...modelOptions, ort } };
    }
    const c = await Osprey.open(name, options);
    const handle = nextHandle++;
    collections.set(handle, c);
    return { handle, info: c.info() };
  },
  async add({ handle, docs, vectors }, progress) {
    await addInBatches(collection(handle), unpackDocuments(docs, vectors), progress);
  },
  async upsert({ handle, docs, vectors }, progress) {
    const unpacked = unpackDocuments(docs, vectors);
    await collection(handle).upsert(unpacked);
    progress({ done: unpacked.length, total: unpacked.length });
  },
  async delete({ handle, ids }) {
    await collection(handle).delete(ids);
  },
  async get({ handle, id }) {
    return collection(handle).get(id);
  },
  async search({ handle, query, options }) {
    return collection(handle).search(query, options);
  },
  async export({ handle }) {
    return collection(handle).export();
  },
  async save({ handle }) {
    await collection(handle).save();
  },
  async invoke({ handle, method, args }) {
    if (!FORWARDED.has(method)) throw Object.assign(new Error(`${method} is not available in worker mode`), { code: 'INVALID_ARGUMENT' });
    return collection(handle)[method](...args);
  },
  async close({ handle }) {
    collections.get(handle)?.close();
    collections.delete(handle);
  },
};

function reply(message, transfer = []) {
  self.postMessage(message, transfer);
}

async function handle({ id, op, payload }) {
  try {
    if (!Object.hasOwn(operations, op)) throw Object.assign(new Error(`unknown operation ${op}`), { code: 'INTERNAL' });
    const progress = (p) => reply({ id, progress: p });
    const result = await operations[op](payload, progress);
    const info = collections.get(payload.handle)?.info();
    // Exported bytes move to the page without a copy when they own their buffer.
    const owned = result instanceof Uint8Array && result.byteOffset === 0 && result.byteLength === result.buffer.byteLength;
    reply({ id, result, info }, owned ? [result.buffer] : []);
  } catch (error) {
    reply({ id, error: { message: error?.message ?? String(error), code: error?.code ?? 'INTERNAL' } });
  }
}

self.onmessage = ({ data }) => {
  queue = queue.then(() => handle(data)).catch((error) => {
    reply({ id: data?.id, error: { message: `worker failure: ${error?.message ?? error}`, code: 'INTERNAL' } });
  });
};

reply({ ready: true });
