// The page side of worker mode: Osprey.open(name, {worker: true}) returns a WorkerCollection, which
// has the methods of Collection but runs them in a dedicated Web Worker (worker.js). The worker
// also saves: IndexedDB is shared by the page and its workers, so a collection saved from the
// worker opens on the main thread and the other way round. ('memory' storage lives in the worker.)
import { OspreyError } from '../errors.js';
import { packDocuments, packSearchOptions } from './messages.js';

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

  #receive({ id, progress, result, info, error }) {
    const call = this.#pending.get(id);
    if (!call) return;
    if (progress) {
      try { call.onProgress?.(progress); } catch (e) { queueMicrotask(() => { throw e; }); }
      return;
    }
    this.#pending.delete(id);
    if (error) call.reject(new OspreyError(error.message, error.code));
    else call.resolve({ result, info });
  }

  #failAll(error) {
    for (const call of this.#pending.values()) call.reject(error);
    this.#pending.clear();
  }

  call(op, payload, { transfer = [], onProgress } = {}) {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      try {
        this.#worker.postMessage({ id, op, payload }, transfer);
      } catch (cause) {
        reject(new OspreyError(`arguments of ${op}() cannot be sent to the worker: ${cause.message}`,
          'INVALID_ARGUMENT', { cause }));
        return;
      }
      this.#pending.set(id, { resolve, reject, onProgress });
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

/** Collection's API, run in the worker. Methods are async; export() resolves to the bytes. */
export class WorkerCollection extends EventTarget {
  #connection;
  #handle;
  #name;
  #info;

  /** @internal use Osprey.open(name, {worker: true}) */
  constructor(connection, handle, name, info) {
    super();
    this.#connection = connection;
    this.#handle = handle;
    this.#name = name;
    this.#info = info;
  }

  get name() { return this.#name; }
  /** The document count after the last completed call. */
  get size() { return this.#info.size; }
  get storageKind() { return this.#info.storage; }
  info() { return { ...this.#info, worker: true }; }

  async #call(op, payload = {}, options) {
    if (!this.#connection) {
      throw new OspreyError(`collection '${this.#name}' is closed; open it again with Osprey.open()`, 'CLOSED');
    }
    const { result, info } = await this.#connection.call(op, { handle: this.#handle, ...payload }, options);
    if (info) this.#info = info;
    return result;
  }

  #progress(kind, onProgress) {
    return (progress) => {
      const detail = { kind, ...progress };
      onProgress?.(detail);
      this.dispatchEvent(Object.assign(new Event('progress'), { detail }));
    };
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

  // Document ingestion (web/src/ingest.js), run in the worker.
  async addDocuments(docs, options = {}) { return this.#invoke('addDocuments', docs, options); }
  async deleteDocuments(ids) { return this.#invoke('deleteDocuments', ids); }
  async searchDocuments(query, options = {}) { return this.#invoke('searchDocuments', query, options); }
  async context(query, options = {}) { return this.#invoke('context', query, options); }
  async documentPassages(id) { return this.#invoke('documentPassages', id); }
  async ingestStats() { return this.#invoke('ingestStats'); }

  #invoke(method, ...args) {
    return this.#call('invoke', { method, args });
  }

  async get(id) { return this.#call('get', { id }); }

  async search(query, options = {}) {
    return this.#call('search', { query, options: packSearchOptions(options) });
  }

  /** The whole collection as one Uint8Array (a promise: the bytes come from the worker). */
  async export() { return this.#call('export'); }

  /** Saves from the worker to the collection's storage. */
  async save() { await this.#call('save'); }

  /** Loads a newer generation saved elsewhere (see Collection.refresh); runs in the worker. */
  async refresh() { return this.#invoke('refresh'); }

  close() {
    const connection = this.#connection;
    if (!connection) return;
    this.#connection = null;
    connection.call('close', { handle: this.#handle }).finally(() => release(connection));
  }
}

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
    const { result } = await connection.call('open', { name, options: workerOptions }, { onProgress: onModelProgress });
    return new WorkerCollection(connection, result.handle, name, result.info);
  } catch (error) {
    release(connection);
    throw error;
  }
}
