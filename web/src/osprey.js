// Osprey's JS API: a thin wrapper over the WebAssembly core. Logic lives in C++; this file turns JS
// values into what the core takes, keeps the collection's storage, and guards against use after
// close().
import { loadCore } from './core.js';
import { OspreyError } from './errors.js';
import { toJson } from './json.js';
import { packDocuments, toCoreDocument } from './documents.js';
import { IndexedDBStorage } from './storage/indexeddb.js';
import { MemoryStorage } from './storage/memory.js';
import { checkedStorage } from './storage/custom.js';
import { Persistence } from './storage/persistence.js';
import { tokenizerFingerprint } from './storage/binding.js';
import * as ingest from './ingest.js';
import { openInWorker } from './worker/client.js';
import { checkVector, guardFunction, guardMethods } from './api.js';
import { cascadeSearch, clearRanker, rankerInfo, recordFeedback, setTokenVectors, trainRanker } from './rerank.js';

export { OspreyError, IndexedDBStorage, MemoryStorage };
export { Tokenizer } from './tokenizer.js';
/** Chunking alone: passages of `text` with offsets, without a collection (see ingest.js). */
export const chunkText = guardFunction('chunkText', ingest.chunkText);

const sharedMemoryStorage = new MemoryStorage();

function chooseStorage(storage) {
  // A custom backend implements the paged layout's operations (see storage/memory.js).
  if (storage && typeof storage === 'object') return checkedStorage(storage);
  if (storage === 'memory') return sharedMemoryStorage;
  if (storage === undefined || storage === 'indexeddb') {
    if (IndexedDBStorage.available()) return new IndexedDBStorage();
    if (storage === 'indexeddb') {
      throw new OspreyError('IndexedDB is not available in this environment; ' +
        "use {storage: 'memory'} or pass your own storage object", 'STORAGE_UNAVAILABLE');
    }
    if (typeof window === 'object') {
      // A page without IndexedDB (private browsing, disabled storage): say that nothing persists.
      console.warn("Osprey: IndexedDB is not available, so collections are kept in memory only and " +
        "save() does not survive a reload. Pass {storage: 'memory'} to silence this, or your own storage object.");
    }
    return sharedMemoryStorage; // Node and workers without IndexedDB
  }
  throw new OspreyError(`unknown storage '${storage}': use 'indexeddb', 'memory' or an object`,
    'INVALID_ARGUMENT');
}

function fromCoreHit(hit) {
  const { metadataJson, ...rest } = hit;
  return { ...rest, metadata: JSON.parse(metadataJson) };
}

export class Collection extends EventTarget {
  #core;
  #persistence = null;
  #name;
  #storage;
  #embedder; // optional: {dimension, embedDocuments(texts), embedQuery(text)} (web/src/models/)

  /** @internal use Osprey.open() */
  constructor(core, name, storage, embedder = null) {
    super();
    this.#core = core;
    this.#embedder = embedder;
    this.#name = name;
    this.#storage = storage;
  }

  get name() { return this.#name; }
  /** The embedding model that fills in missing vectors (Osprey.open(name, {model})), or null. */
  get embedder() { return this.#embedder; }
  get size() { return this.#live().info().size; }
  get storageKind() { return this.#storage.kind ?? 'custom'; }
  info() {
    return { name: this.#name, storage: this.storageKind, ...this.#live().info(), worker: false,
      generation: this.#persistence?.generation ?? 0, recovered: this.#persistence?.recovered ?? null,
      lastSave: this.#persistence?.lastSave ?? null };
  }

  #live() {
    if (!this.#core) {
      throw new OspreyError(`collection '${this.#name}' is closed; open it again with Osprey.open()`, 'CLOSED');
    }
    return this.#core;
  }

  // With an embedder, documents without a vector get one from their title and text.
  async #embedMissing(coreDocs) {
    if (!this.#embedder) return coreDocs;
    const missing = coreDocs.filter((d) => d.vector === undefined || d.vector === null);
    if (missing.length === 0) return coreDocs;
    const texts = missing.map((d) => [d.title, d.body].filter((t) => typeof t === 'string' && t !== '').join('\n'));
    const vectors = await this.#embedder.embedDocuments(texts);
    if (!Array.isArray(vectors) || vectors.length !== texts.length) {
      throw new OspreyError(`the embedder returned ${vectors?.length} vectors for ${texts.length} texts`, 'INVALID_ARGUMENT');
    }
    missing.forEach((d, i) => {
      checkVector(vectors[i], `the embedder's vector for document '${d.id}'`);
      d.vector = vectors[i];
    });
    return coreDocs;
  }

  #documents(docs) {
    if (!Array.isArray(docs)) throw new OspreyError('documents must be an array', 'INVALID_ARGUMENT');
    return docs.map(toCoreDocument);
  }

  /** Adds new documents; an existing id fails the whole batch and nothing is added. */
  async add(docs, { onProgress } = {}) {
    this.#live().add(packDocuments(await this.#embedMissing(this.#documents(docs))));
    onProgress?.({ kind: 'add', done: docs.length, total: docs.length });
  }

  /** Adds documents, replacing those whose id exists. */
  async upsert(docs, { onProgress } = {}) {
    this.#live().upsert(packDocuments(await this.#embedMissing(this.#documents(docs))));
    onProgress?.({ kind: 'upsert', done: docs.length, total: docs.length });
  }

  /** Deletes documents by id; an unknown id fails the whole batch and nothing is deleted. */
  async delete(ids) {
    this.#live().remove(typeof ids === 'string' ? [ids] : ids);
  }

  /** Records that `docId` was shown for `query` ({signal: 'click' | 'skip' | a grade >= 0}). */
  async feedback(event) { await recordFeedback(this.#live(), event); }

  /** Trains the ranker from judgements or recorded feedback; see rerank.js for the options. */
  async train(options) { return trainRanker(this.#live(), options); }

  /** Stores a document's per-token vectors (int8) for late interaction (the maxsim feature). */
  async setTokenVectors(id, vectors) { await setTokenVectors(this.#live(), id, vectors); }

  /** The trained ranker ({model, loss, features, weights | trees}) or null. */
  async ranker() { return rankerInfo(this.#live()); }

  async clearRanker() { await clearRanker(this.#live()); }

  async get(id) {
    const doc = this.#live().get(id);
    return doc && fromCoreHit(doc);
  }

  /**
   * @param {string} query text ('' for a vector-only search)
   * @param {object} [options] {k, mode, vector, filter, ef, exact, rrfK, candidates, highlight}
   */
  async search(query, options = {}) {
    if (options === null || typeof options !== 'object') {
      throw new OspreyError('search options must be an object', 'INVALID_ARGUMENT');
    }
    const { filter, ...rest } = options;
    const request = { ...rest, text: query ?? '', filterJson: toJson(filter, 'filter') };
    if (this.#embedder && request.vector == null && request.text !== '' && request.mode !== 'sparse') {
      request.vector = await this.#embedder.embedQuery(request.text);
      checkVector(request.vector, "the embedder's query vector");
    }
    // rerank: [{stage: 'ranker', k}, {stage: 'crossEncoder', k, score}, {stage: 'mmr'}] (rerank.js)
    if (request.rerank !== undefined) return cascadeSearch(this.#live(), request);
    return this.#live().search(request); // hits as the core built them (web/src/hits.js)
  }

  /**
   * Ingests whole documents as passages (text, Markdown, HTML or JSON records; see ingest.js).
   * Re-adding a document embeds and indexes only its changed passages.
   * @param {object} [options] {format, chunk: {maxTokens, overlap, splitLongWords}, tokenizer, fields, embed}
   */
  async addDocuments(docs, options) { return ingest.addDocuments(this.#live(), this.#embedder, docs, options); }

  /** Deletes ingested documents with all their passages. */
  async deleteDocuments(ids) { return ingest.deleteDocuments(this.#live(), ids); }

  /** Ingested documents ranked by their passages, with best passages and snippets. */
  async searchDocuments(query, options) {
    return ingest.searchDocuments(this.#live(), this.#embedder, query, options);
  }

  /** The best passages for `query` packed into {tokenBudget}, with citations and a prompt. */
  async context(query, options) { return ingest.context(this.#live(), this.#embedder, query, options); }

  /** The passages an ingested document became (offsets, sections), or null. */
  async documentPassages(id) { return ingest.documentPassages(this.#live(), id); }

  /** The ids of every ingested document, sorted. */
  async documentIds() { return ingest.documentIds(this.#live()); }

  /** Ingestion work counters (passages indexed and embedded, documents skipped, embed calls). */
  async ingestStats() { return ingest.ingestStats(this.#live()); }

  /** The whole collection as one versioned, checksummed byte buffer. */
  export() {
    return this.#live().serialize();
  }

  /**
   * Commits the changes since the last save as the next generation: Osprey.open(name) restores it,
   * also after a reload or a crash. Writes bytes proportional to the change.
   */
  async save() {
    this.#live();
    await this.#persistence.save();
  }

  /** Loads a newer generation saved by another tab or worker, unless this copy has unsaved changes. */
  async refresh() {
    this.#live();
    return this.#persistence.refresh();
  }

  /** True when there are changes that save() has not committed yet. */
  get dirty() { return this.#persistence?.dirty() ?? false; }

  /** @internal wires storage to the collection (Osprey.open). */
  async _attach(persistence, options) {
    this.#persistence = persistence;
    this.#core = await persistence.open(options);
  }

  /** @internal */
  _handle() {
    return { get: () => this.#live(), set: (handle) => { this.#core = handle; } };
  }

  /** @internal another context saved generation `generation`: reload it when nothing is unsaved. */
  async _remoteChange(generation) {
    if (!this.#core) return;
    const reloaded = await this.#persistence.refresh().catch(() => false);
    this.dispatchEvent(Object.assign(new Event('change'), { generation, reloaded }));
  }

  /** Frees the WebAssembly memory. Unsaved changes are dropped; later calls fail with CLOSED. */
  close() {
    this.#persistence?.close();
    this.#core?.delete();
    this.#core = null;
  }
}

// `model`: a manifest id or entry (loaded with web/src/models/, only when asked); `embedder`: any
// object with {dimension, embedDocuments(texts), embedQuery(text)}.
async function openEmbedder(model, embedder, options) {
  if (embedder) {
    if (typeof embedder.embedDocuments !== 'function' || typeof embedder.embedQuery !== 'function' ||
        !Number.isInteger(embedder.dimension)) {
      throw new OspreyError('embedder must have dimension, embedDocuments(texts) and embedQuery(text)', 'INVALID_ARGUMENT');
    }
    return embedder;
  }
  if (model === undefined || model === null) return null;
  const { TextEmbedder } = await import('./models/embedder.js');
  return TextEmbedder.load(model, options);
}

export const Osprey = {
  /**
   * Opens the collection `name` from storage, or creates it.
   * @param {string} name
   * @param {object} [options] {dimension, metric, index, hnsw, bm25, storage, bytes, wasmUrl, threads}
   */
  async open(name, options = {}) {
    if (options === null || typeof options !== 'object') {
      throw new OspreyError('options must be an object', 'INVALID_ARGUMENT');
    }
    const { worker, onWarning, ...hereOptions } = options;
    if (worker) {
      // Worker mode (web/src/worker/): same API, the engine runs in a dedicated Web Worker.
      return openInWorker(name, hereOptions, worker, { onWarning, openHere: (n, o) => Osprey.open(n, o) });
    }
    const { storage: storageOption, bytes, persist, wasmUrl, wasmBinary, threads, model, modelOptions,
      embedder: embedderOption, ...createOptions } = hereOptions;
    const coreOptions = { wasmUrl, wasmBinary, threads, onWarning };
    const embedder = await openEmbedder(model, embedderOption, { ...coreOptions, ...modelOptions });
    if (embedder) {
      if (createOptions.dimension !== undefined && createOptions.dimension !== embedder.dimension) {
        throw new OspreyError(`dimension ${createOptions.dimension} disagrees with the model's ${embedder.dimension}`,
          'DIMENSION_MISMATCH');
      }
      createOptions.dimension = embedder.dimension;
    }
    const core = await loadCore(coreOptions);
    const storage = chooseStorage(storageOption);
    if (options.persist) await globalThis.navigator?.storage?.persist?.();
    // The stored collection is bound to the model and its tokenizer (storage/binding.js).
    const tokenizer = embedder ? await tokenizerFingerprint(core, embedder, { model, modelOptions }) : undefined;
    const collection = new Collection(null, name, storage, embedder);
    const persistence = new Persistence({
      core, storage, name, model: embedder?.id, tokenizer, handle: collection._handle(),
      onChange: (generation) => collection._remoteChange(generation),
    });
    await collection._attach(persistence, { createOptions, bytes });
    return collection;
  },

  /**
   * How much this origin stores and may store, and whether the browser promised to keep it
   * ({usage, quota, persisted}); null where the Storage API is missing (Node).
   */
  async storageEstimate() {
    const storage = globalThis.navigator?.storage;
    if (!storage?.estimate) return null;
    const { usage, quota } = await storage.estimate();
    return { usage, quota, persisted: (await storage.persisted?.()) ?? false };
  },

  /**
   * Which build of the WebAssembly core this realm loaded (loading it if needed, with the core
   * options of Osprey.open: threads, wasmUrl, wasmBinary): {multithreaded, threads}, threads being
   * how many threads build an HNSW index (1 in the single-thread build).
   */
  async buildInfo(options = {}) {
    return { ...(await loadCore(options)).ospreyBuild };
  },

  /** Removes a saved collection from storage. */
  async delete(name, { storage } = {}) {
    await chooseStorage(storage).delete(name);
  },
};

// Every public method checks its arguments against the declaration (api.js) before it runs.
guardMethods(Collection.prototype, 'Collection');
guardMethods(Osprey, 'Osprey');

export default Osprey;
