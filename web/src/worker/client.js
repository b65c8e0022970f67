// The page side of worker mode: Osprey.open(name, {worker: true}) returns a WorkerCollection, which
// has the methods of Collection but runs them in a dedicated Web Worker (worker.js). The worker
// also saves: IndexedDB is shared by the page and its workers, so a collection saved from the
// worker opens on the main thread and the other way round. ('memory' storage lives in the worker.)
import { guardMethods } from '../api.js';
import { OspreyError } from '../errors.js';
import { FORWARDED_METHODS, packCallbacks, packDocuments, packSearchOptions } from './messages.js';

const BLOCKED_FIX = "If the page's Content-Security-Policy blocks workers, allow them with " +
  "worker-src 'self' (or script-src 'self'); or open with {worker: 'auto'} to fall back to the " +
  'main thread, or without the worker option.';

/** One worker per page, shared by its worker collections; it stops when the last one closes. */
let shared = null;

function workerUnavailable(detail, cause) {
  return new OspreyError(`could not start Osprey's Web Worker (${detail}). ${BLOCKED_FIX}`,
    'WORKER_UNAVAILABLE', cause === undefined ? undefined : { cause });
}

class WorkerConnection {
  #worker;
  #pending = new Map();
  #nextId = 1;
  /** Worker collections by handle, for the events the worker sends unasked ('change'). */
  collections = new Map();
  users = 0;
  ready;

  constructor() {
    if (typeof Worker !== 'function') {
      throw workerUnavailable('Web Workers are not available in this environment');
    }
    try {
      // This exact form lets Vite and webpack find and bundle the worker.
      this.#worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module', name: 'osprey' });
    } catch (cause) {
      throw workerUnavailable(cause?.message ?? String(cause), cause);
    }
    this.ready = new Promise((resolve, reject) => {
      this.#worker.onmessage = ({ data }) => {
        if (data?.ready) {
          this.#worker.onmessage = ({ data: message }) => this.#receive(message);
          resolve();
        }
      };
      this.#worker.onerror = (event) => {
        event.preventDefault?.();
        const detail = event.message || 'the worker script could not be loaded or was blocked';
        const error = workerUnavailable(detail);
        reject(error);
        this.#failAll(new OspreyError(`Osprey's worker failed: ${detail}`, 'INTERNAL'));
      };
    });
    this.ready.catch(() => {}); // reported to the caller of open()
  }

  #receive({ id, progress, result, state, error, callback, event }) {
    if (event) {
      this.collections.get(event.handle)?._event(event);
      return;
    }
    const call = this.#pending.get(id);
    if (!call) return;
    if (progress) {
      try { call.onProgress?.(progress); } catch (e) { queueMicrotask(() => { throw e; }); }
      return;
    }
    if (callback) {
      this.#runCallback(call, callback);
      return;
    }
    this.#pending.delete(id);
    if (!error) call.resolve({ result, state });
    // A callback's own error comes back as the very object it threw, as on the main thread.
    else if (call.thrown?.has(error.thrown)) call.reject(call.thrown.get(error.thrown));
    else call.reject(new OspreyError(error.message, error.code));
  }

  /** The worker asks the page to run one of the call's callbacks (functions cannot cross over). */
  async #runCallback(call, { index, args, reply }) {
    let result;
    try {
      result = await call.callbacks[index](...args);
    } catch (thrown) {
      (call.thrown ??= new Map()).set(reply, thrown);
      this.#worker.postMessage({ reply, error: { message: thrown?.message ?? String(thrown),
        code: thrown?.code ?? 'INVALID_ARGUMENT', thrown: reply } });
      return;
    }
    try {
      this.#worker.postMessage({ reply, result });
    } catch (cause) {
      this.#worker.postMessage({ reply, error: { message: `a callback returned a value that cannot be sent to the worker: ${cause.message}`,
        code: 'INVALID_ARGUMENT' } });
    }
  }

  #failAll(error) {
    for (const call of this.#pending.values()) call.reject(error);
    this.#pending.clear();
  }

  call(op, payload, { transfer = [], onProgress, callbacks = [] } = {}) {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      try {
        this.#worker.postMessage({ id, op, payload }, transfer);
      } catch (cause) {
        reject(new OspreyError(`arguments of ${payload?.method ?? op}() cannot be sent to the worker: ${cause.message}`,
          'INVALID_ARGUMENT', { cause }));
        return;
      }
      this.#pending.set(id, { resolve, reject, onProgress, callbacks });
    });
  }

  terminate() {
    this.#worker.terminate();
    this.#failAll(new OspreyError("Osprey's worker was stopped", 'CLOSED'));
  }
}

function connect() {
  shared ??= new WorkerConnection();
  return shared;
}

function release(connection) {
  connection.users -= 1;
  if (connection.users === 0 && shared === connection) {
    connection.terminate();
    shared = null;
  }
}

/**
 * The embedding model of a worker collection, seen from the page: the model stays in the worker,
 * embedDocuments() and embedQuery() run there.
 */
class WorkerEmbedder {
  #call;
  constructor({ id, dimension, metric }, call) {
    Object.assign(this, { id, dimension, metric });
    this.#call = call;
  }

  async embedDocuments(texts) { return this.#call('embed', { kind: 'passage', input: texts }); }
  async embedQuery(text) { return this.#call('embed', { kind: 'query', input: text }); }
}

/**
 * Collection's API, run in the worker: every method of Collection, with the same arguments and
 * results, except that export() resolves to the bytes. Callbacks (a cross-encoder stage's score,
 * train's and addDocuments' embed) run on the page when the worker asks for them.
 */
export class WorkerCollection extends EventTarget {
  #connection;
  #handle;
  #name;
  #state;
  #embedder;

  /** @internal use Osprey.open(name, {worker: true}) */
  constructor(connection, handle, name, { state, embedder }) {
    super();
    this.#connection = connection;
    this.#handle = handle;
    this.#name = name;
    this.#state = state;
    this.#embedder = embedder ? new WorkerEmbedder(embedder, (op, payload) => this.#call(op, payload)) : null;
    connection.collections.set(handle, this);
  }

  get name() { return this.#name; }
  /** The embedding model (it runs in the worker), or null. */
  get embedder() { return this.#embedder; }
  /** The document count after the last completed call. */
  get size() { return this.#state.info.size; }
  get storageKind() { return this.#state.info.storage; }
  info() { return { ...this.#state.info, worker: true }; }
  /** True while there are changes that save() has not committed (as of the last completed call). */
  get dirty() { return this.#state.dirty; }

  async #call(op, payload = {}, options) {
    if (!this.#connection) {
      throw new OspreyError(`collection '${this.#name}' is closed; open it again with Osprey.open()`, 'CLOSED');
    }
    const { result, state } = await this.#connection.call(op, { handle: this.#handle, ...payload }, options);
    if (state) this.#state = state;
    return result;
  }

  #progress(kind, onProgress) {
    return (progress) => {
      const detail = { kind, ...progress };
      onProgress?.(detail);
      this.dispatchEvent(Object.assign(new Event('progress'), { detail }));
    };
  }

  /** @internal an event of the worker's collection: another context saved a generation. */
  _event({ type, generation, reloaded, state }) {
    if (!this.#connection) return;
    if (state) this.#state = state;
    this.dispatchEvent(Object.assign(new Event(type), { generation, reloaded }));
  }

  /** Adds new documents; options.onProgress({done, total}) is called as batches are indexed. */
  async add(docs, { onProgress } = {}) {
    const { docs: packed, vectors, transfer } = packDocuments(docs);
    await this.#call('add', { docs: packed, vectors }, { transfer, onProgress: this.#progress('add', onProgress) });
  }

  async upsert(docs, { onProgress } = {}) {
    const { docs: packed, vectors, transfer } = packDocuments(docs);
    await this.#call('upsert', { docs: packed, vectors }, { transfer, onProgress: this.#progress('upsert', onProgress) });
  }

  async delete(ids) { await this.#call('delete', { ids }); }

  async get(id) { return this.#call('get', { id }); }

  /** Search, with the rerank cascade when options.rerank is given (a crossEncoder's score runs here). */
  async search(query, options = {}) { return this.#invoke('search', query, packSearchOptions(options)); }

  #invoke(method, ...args) {
    const packed = packCallbacks(method, args);
    return this.#call('invoke', { method, args: packed.args }, { callbacks: packed.callbacks });
  }

  /** The whole collection as one Uint8Array (a promise: the bytes come from the worker). */
  async export() { return this.#call('export'); }

  /** Saves from the worker to the collection's storage. */
  async save() { await this.#call('save'); }

  close() {
    const connection = this.#connection;
    if (!connection) return;
    this.#connection = null;
    connection.collections.delete(this.#handle);
    connection.call('close', { handle: this.#handle }).finally(() => release(connection));
  }

  // The methods forwarded as they are (api.js FORWARDED_METHODS: feedback, train, ingestion,
  // refresh...): run by the worker's collection, their callbacks on the page. Those written out
  // above (search) pack their arguments first.
  static {
    for (const name of FORWARDED_METHODS) {
      if (Object.hasOwn(this.prototype, name)) continue;
      Object.defineProperty(this.prototype, name, {
        value: { async [name](...args) { return this.#invoke(name, ...args); } }[name],
        writable: true, configurable: true,
      });
    }
  }
}

// Arguments are checked on the page against the declaration (api.js), as on the main thread.
guardMethods(WorkerCollection.prototype, 'Collection');

/**
 * Opens `name` in the shared worker. With mode 'auto', a worker that cannot start (no Worker, CSP)
 * makes the collection open on the main thread instead, with a warning.
 * @param {{openHere: Function, onWarning?: Function}} host from osprey.js
 */
export async function openInWorker(name, options, mode, { openHere, onWarning }) {
  const { storage, wasmUrl, modelOptions, ...rest } = options;
  if (storage !== undefined && typeof storage !== 'string') {
    throw new OspreyError("a custom storage object cannot be used from the worker: open with {storage: 'indexeddb'} " +
      "or {storage: 'memory'}, or without {worker: true}", 'INVALID_ARGUMENT');
  }
  if (options.embedder !== undefined) {
    throw new OspreyError("an embedder object cannot be used from the worker: give a model id ({model: 'osprey-static-en'}), " +
      'or open without {worker: true}', 'INVALID_ARGUMENT');
  }
  const { onProgress: onModelProgress, signal, ...modelRest } = modelOptions ?? {};
  if (signal !== undefined) {
    throw new OspreyError('modelOptions.signal cannot cross to the worker: close the collection to stop it instead',
      'INVALID_ARGUMENT');
  }
  let connection;
  try {
    connection = connect();
    await connection.ready;
  } catch (error) {
    if (shared === connection) shared = null;
    if (mode !== 'auto' || error?.code !== 'WORKER_UNAVAILABLE') throw error;
    const warning = `${error.message} Osprey runs on the main thread instead ({worker: 'auto'}).`;
    (onWarning ?? console.warn)(warning);
    return openHere(name, options);
  }
  connection.users += 1;
  try {
    // Relative URLs (wasmUrl, modelOptions.ortUrl) are relative to the page, not to the worker script.
    const base = typeof location === 'object' ? location.href : undefined;
    const workerOptions = { ...rest, storage };
    if (modelOptions !== undefined) workerOptions.modelOptions = modelRest;
    if (typeof modelRest.ortUrl === 'string') modelRest.ortUrl = new URL(modelRest.ortUrl, base).href;
    if (typeof onModelProgress === 'function') workerOptions.relayModelProgress = true;
    if (wasmUrl !== undefined) workerOptions.wasmUrl = new URL(String(wasmUrl), base).href;
    const { result, state } = await connection.call('open', { name, options: workerOptions }, { onProgress: onModelProgress });
    return new WorkerCollection(connection, result.handle, name, { state, embedder: result.embedder });
  } catch (error) {
    release(connection);
    throw error;
  }
}
