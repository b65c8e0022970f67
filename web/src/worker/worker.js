// Entry of Osprey's dedicated Web Worker: owns the WebAssembly core and the collections opened with
// {worker: true}, so that indexing and search never block the page. The page side is client.js.
import { Osprey } from '../osprey.js';
import { FORWARDED_METHODS, WORKER_OPERATIONS, unpackCallbacks, unpackDocuments } from './messages.js';

/** Documents per core call while adding, so that progress can be reported between calls. */
const PROGRESS_BATCH = 256;

const collections = new Map();
let nextHandle = 1;
// Messages are handled one at a time, in order, like calls on a main-thread collection. A call that
// waits for a page callback lets the next ones run meanwhile (as an await does on the main thread):
// the callback itself may call the collection.
let queue = Promise.resolve();
/** Page callbacks awaiting their result, by reply number. */
const asked = new Map();
let nextReply = 1;

function collection(handle) {
  const c = collections.get(handle);
  if (!c) throw Object.assign(new Error('unknown collection handle'), { code: 'CLOSED' });
  return c;
}

/** Collection methods forwarded as they are (arguments and results are structured-cloned; api.js). */
const FORWARDED = new Set(FORWARDED_METHODS);

/** The state the page mirrors after every call (its size, info() and dirty are synchronous there). */
function state(c) {
  return c ? { info: c.info(), dirty: c.dirty } : undefined;
}

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
    // Another tab or worker saved: tell the page, whose collection fires the same 'change' event.
    c.addEventListener('change', ({ generation, reloaded }) => {
      reply({ event: { handle, type: 'change', generation, reloaded, state: state(c) } });
    });
    const { embedder } = c;
    return { handle, embedder: embedder && { id: embedder.id, dimension: embedder.dimension, metric: embedder.metric } };
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
  async embed({ handle, kind, input }) {
    const { embedder } = collection(handle);
    if (!embedder) throw Object.assign(new Error('this collection has no embedding model'), { code: 'INVALID_ARGUMENT' });
    return kind === 'query' ? embedder.embedQuery(input) : embedder.embedDocuments(input);
  },
  async export({ handle }) {
    return collection(handle).export();
  },
  async save({ handle }) {
    await collection(handle).save();
  },
  async invoke({ handle, method, args }, progress, ask) {
    if (!FORWARDED.has(method)) throw Object.assign(new Error(`${method} is not available in worker mode`), { code: 'INVALID_ARGUMENT' });
    return collection(handle)[method](...unpackCallbacks(method, args, ask));
  },
  async close({ handle }) {
    collections.get(handle)?.close();
    collections.delete(handle);
  },
};

// The operations are those the API declaration lists (api.js WORKER_OPERATIONS), no more, no less.
const missing = WORKER_OPERATIONS.filter((op) => !Object.hasOwn(operations, op));
const extra = Object.keys(operations).filter((op) => !WORKER_OPERATIONS.includes(op));
if (missing.length || extra.length) {
  throw new Error(`worker.js disagrees with api.js: missing operations [${missing}], undeclared [${extra}]`);
}

function reply(message, transfer = []) {
  self.postMessage(message, transfer);
}

/** Runs callback `index` of call `id` on the page; `release` lets the queue go on meanwhile. */
function askPage(id, release, index, args) {
  release();
  return new Promise((resolve, reject) => {
    const number = nextReply++;
    asked.set(number, { resolve, reject });
    reply({ id, callback: { index, args, reply: number } });
  });
}

function answered({ reply: number, result, error }) {
  const waiting = asked.get(number);
  if (!waiting) return;
  asked.delete(number);
  if (error) waiting.reject(Object.assign(new Error(error.message), { code: error.code, thrown: error.thrown }));
  else waiting.resolve(result);
}

async function handle({ id, op, payload }, release) {
  try {
    if (!Object.hasOwn(operations, op)) throw Object.assign(new Error(`unknown operation ${op}`), { code: 'INTERNAL' });
    const progress = (p) => reply({ id, progress: p });
    const ask = (index, args) => askPage(id, release, index, args);
    const result = await operations[op](payload, progress, ask);
    // Exported bytes move to the page without a copy when they own their buffer.
    const owned = result instanceof Uint8Array && result.byteOffset === 0 && result.byteLength === result.buffer.byteLength;
    reply({ id, result, state: state(collections.get(payload.handle ?? result?.handle)) }, owned ? [result.buffer] : []);
  } catch (error) {
    reply({ id, error: { message: error?.message ?? String(error), code: error?.code ?? 'INTERNAL', thrown: error?.thrown } });
  }
}

self.onmessage = ({ data }) => {
  if (data?.reply !== undefined) {
    answered(data); // not queued: the call waiting for it holds no place in the queue
    return;
  }
  queue = queue.then(() => new Promise((release) => {
    handle(data, release).catch((error) => {
      reply({ id: data?.id, error: { message: `worker failure: ${error?.message ?? error}`, code: 'INTERNAL' } });
    }).finally(release);
  }));
};

reply({ ready: true });
