// The one declaration of Osprey's public JS API: every method of Osprey, Collection (and so
// WorkerCollection), Tokenizer and chunkText, with the keys of each option object at every nesting
// level. From it come:
//   - argument validation: every public method refuses an unknown key anywhere in its options
//     (INVALID_ARGUMENT, naming the key, where it is, and the closest valid key), numeric vectors
//     that hold anything but numbers (INVALID_VECTOR) and options of the wrong shape;
//   - the worker protocol: which Collection methods cross to the worker as a forwarded call, which
//     have their own operation, and where their arguments hold callbacks that run on the page;
//   - tests/js/api_declaration.test.mjs, which checks this declaration against osprey.d.ts, the
//     Collection class and the worker client.
// A key is declared only when the converters (osprey.js, ingest.js, rerank.js, documents.js,
// models/) or the C++ bindings (bindings/*.cpp) read it. Free-form values (filters, metadata,
// model entries, storage backends, embedders, relevance maps) are not inspected here.
import { OspreyError } from './errors.js';

// ---------------------------------------------------------------------------------------------
// Value specs

/** Any value: not inspected here (the converter or the core checks it). */
export const ANY = Object.freeze({ kind: 'any' });

/** A function, when given. `crosses`: in worker mode it stays on the page and the worker asks for it. */
function fn({ crosses = false } = {}) {
  return { kind: 'function', crosses };
}

/** One of a few literal values (for options read in JS, which nothing else would check). */
function oneOf(...values) {
  return { kind: 'enum', values };
}

/**
 * A whole number in [min, max], for numbers that the converters pass on as they are and that the
 * core would truncate (an HNSW parameter of 16.5, a rerank stage's k of -1).
 */
function whole(min, max) {
  return { kind: 'whole', min, max };
}

/** A value checked by `check(value, where)` (which throws an OspreyError). */
function checked(check) {
  return { kind: 'check', check };
}

// Storage keys join a collection's name and its pages with U+0001 (storage/manifest.js): a name with
// a control character could reach into another collection's pages.
const COLLECTION_NAME = checked((name) => {
  if (typeof name !== 'string' || name === '') {
    throw new OspreyError('the collection name must be a non-empty string', 'INVALID_ARGUMENT');
  }
  if (!name.isWellFormed()) {
    throw new OspreyError('the collection name is not well-formed Unicode (it has an unpaired UTF-16 surrogate)', 'INVALID_UTF8');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw new OspreyError(`the collection name ${JSON.stringify(name)} has a control character: use printable characters`,
      'INVALID_ARGUMENT');
  }
});

/** A numeric vector: Float32Array, Float64Array (any numeric typed array) or an array of numbers. */
export const VECTOR = Object.freeze({ kind: 'vector' });

/**
 * An options object. `keys`: key -> spec. `dts`: the interface of osprey.d.ts that types it.
 * `accepts`: other kinds of value taken where the object is ('string', 'boolean', 'array',
 * 'function'), passed on unchecked, except arrays, whose items follow `items` when given.
 * `hints`: keys refused with an explanation (keys that other methods take but this one ignores).
 */
function obj(label, dts, keys, { accepts = [], items, hints = {} } = {}) {
  return { kind: 'object', label, dts, keys, accepts, items, hints };
}

/** An array of `of`; `single`: one item alone is accepted too. */
function list(of, { single = false } = {}) {
  return { kind: 'list', of, single };
}

/** An object whose keys depend on its kind: pick(value, args) names one of `variants`. */
function variant(label, pick, variants, { accepts = [] } = {}) {
  return { kind: 'variant', label, pick, variants, accepts };
}

// ---------------------------------------------------------------------------------------------
// Option objects

const FUSION = obj('fusion', 'FusionOptions', {
  method: ANY, sparseWeight: ANY, denseWeight: ANY, normalization: ANY,
}, { accepts: ['string'] });

const FEATURE_OPTIONS = obj('features', 'FeatureOptions', {
  dateField: ANY, halfLifeDays: ANY, now: ANY, popularityPrior: ANY,
});

const FLAT_TOKEN_VECTORS = obj('token vectors', 'FlatTokenVectors', { data: ANY, dim: ANY },
  { accepts: ['array'], items: VECTOR });

/** What every first-stage retrieval takes (bindings/search_options.cpp: read_search_request). */
const RECALL_KEYS = {
  mode: oneOf(undefined, null, 'auto', 'sparse', 'dense', 'hybrid'),
  vector: VECTOR, filter: ANY, ef: ANY, exact: ANY, rrfK: ANY, fusion: FUSION, candidates: ANY,
};

const RANKER_STAGE = obj('ranker stage', 'RankerStage', { stage: ANY, k: ANY, weights: ANY });
const TOP_K = 100000; // Limits::kTopK
const CROSS_ENCODER_STAGE = obj('crossEncoder stage', 'CrossEncoderStage', {
  stage: ANY, k: whole(0, TOP_K), score: fn({ crosses: true }),
});
const MMR_STAGE = obj('mmr stage', 'MmrStage', { stage: ANY, lambda: ANY, k: whole(0, TOP_K) });

// rerank.js normalizeStages: a stage without `stage` is a crossEncoder when it has `score`.
const RERANK_STAGE = variant('rerank stage', (s) => s.stage ?? (s.score ? 'crossEncoder' : 'ranker'),
  { ranker: RANKER_STAGE, crossEncoder: CROSS_ENCODER_STAGE, mmr: MMR_STAGE }, { accepts: ['string'] });

const SEARCH_OPTIONS = obj('search options', 'SearchOptions', {
  k: ANY, ...RECALL_KEYS,
  highlight: ANY,
  snippet: obj('snippet', 'SnippetOptions', { maxChars: ANY }, { accepts: ['boolean'] }),
  documents: ANY,
  rerank: list(RERANK_STAGE, { single: true }),
  recallK: ANY, budgetMs: ANY, explain: ANY,
  tokenVectors: FLAT_TOKEN_VECTORS,
  tokenWeights: VECTOR,
  features: FEATURE_OPTIONS,
}, { hints: { text: 'the query is the first argument of search()' } });
// Search keys that only the rerank cascade reads (rerank.js cascadeSearch), and values that it
// cannot honour (it returns whole documents, without highlights or snippets): refused, not ignored.
SEARCH_OPTIONS.rerankOnly = ['recallK', 'budgetMs', 'explain', 'tokenVectors', 'tokenWeights', 'features'];
SEARCH_OPTIONS.notWithRerank = { highlight: (v) => v === true, snippet: (v) => v !== undefined && v !== null && v !== false,
  documents: (v) => v === false };

const SEARCH_DOCUMENTS_OPTIONS = obj('searchDocuments options', 'SearchDocumentsOptions', {
  k: ANY, ...RECALL_KEYS, highlight: ANY, aggregate: ANY, passagesPerDocument: ANY, snippetChars: ANY,
}, { hints: { snippet: "searchDocuments gives every passage a snippet: size it with 'snippetChars'" } });

const CONTEXT_OPTIONS = obj('context options', 'ContextOptions', {
  ...RECALL_KEYS, tokenBudget: ANY, maxPerDoc: ANY, order: ANY, dedupe: ANY, mergeNeighbors: ANY,
  tokenizer: ANY,
}, { hints: { k: "context() packs passages into 'tokenBudget' from 'candidates' passages (default 50)" } });

const CHUNK = obj('chunk', 'ChunkOptions', { maxTokens: ANY, overlap: ANY, splitLongWords: ANY });

const FIELDS = obj('fields', 'JsonFieldOptions', {
  id: ANY, title: ANY, body: ANY, metadata: ANY, bodyFormat: ANY,
});

const DOCUMENT = obj('document', 'DocumentInput', {
  id: ANY, title: ANY, body: ANY, text: ANY, metadata: ANY, vector: VECTOR,
});
/** The fields of a document of add() and upsert() (documents.js toCoreDocument). */
export const DOCUMENT_FIELDS = Object.keys(DOCUMENT.keys);

const INGEST_DOCUMENT = obj('document', 'IngestDocument', {
  id: ANY, title: ANY, text: ANY, body: ANY, metadata: ANY, format: ANY,
});

// ingest.js toSource: a JSON record (an object or its text) when its own format or the call's is
// 'json'; its fields are the record's and `fields` maps them.
const INGEST_SOURCE = variant('document',
  (doc, [, options]) => ((doc.format ?? options?.format) === 'json' ? 'json' : 'document'),
  { json: ANY, document: INGEST_DOCUMENT }, { accepts: ['string'] });

const ADD_OPTIONS = obj('add options', 'AddOptions', { onProgress: fn() });

const ADD_DOCUMENTS_OPTIONS = obj('addDocuments options', 'AddDocumentsOptions', {
  format: ANY, chunk: CHUNK, tokenizer: ANY, fields: FIELDS, embed: fn({ crosses: true }),
});

const FEEDBACK_EVENT = obj('feedback event', 'FeedbackEvent', { query: ANY, docId: ANY, signal: ANY });

const JUDGEMENT = obj('judgement', 'Judgement', {
  query: ANY, text: ANY, vector: VECTOR, tokenVectors: FLAT_TOKEN_VECTORS, tokenWeights: VECTOR, relevance: ANY,
});

// bindings/rerank_bindings.cpp train(): the trainer's keys, and those of the recall it trains on.
const TRAIN_OPTIONS = obj('train options', 'TrainOptions', {
  features: ANY, model: ANY, loss: ANY, judgements: list(JUDGEMENT), embed: fn({ crosses: true }),
  recallK: ANY, epochs: ANY, learningRate: ANY, l2: ANY, trees: ANY, maxDepth: ANY, minLeaf: ANY,
  shrinkage: ANY, lambdaWeighting: ANY, queryNorm: ANY, featureOptions: FEATURE_OPTIONS,
  mode: RECALL_KEYS.mode, filter: ANY, ef: ANY, exact: ANY, rrfK: ANY, fusion: FUSION, candidates: ANY,
}, { hints: { k: "train() recalls 'recallK' candidates per query" } });

const HNSW = obj('hnsw', 'HnswOptions', {
  M: whole(0, 2 ** 32 - 1), efConstruction: whole(0, 2 ** 32 - 1), efSearch: whole(0, 2 ** 32 - 1), capacity: ANY,
});
const BM25 = obj('bm25', 'Bm25Options', { k1: ANY, b: ANY, titleWeight: ANY, bodyWeight: ANY });
const ANALYZER = obj('analyzer', 'AnalyzerOptions', {
  language: ANY, stemmer: ANY, stopwords: ANY, lowercase: ANY, cjk: ANY,
});

/** The core options (core.js loadCore). */
const CORE_KEYS = { wasmUrl: ANY, wasmBinary: ANY, threads: oneOf(undefined, null, true, false, 'auto'), onWarning: fn() };

// models/embedder.js TextEmbedder.load, model_files.js loadEncoderFiles, manifest.js resolveModel,
// storage/binding.js tokenizerFingerprint; ortUrl: where worker mode imports onnxruntime-web from.
const MODEL_OPTIONS = obj('modelOptions', 'ModelOptions', {
  onProgress: fn(), signal: ANY, cache: ANY, fetch: fn(), hfHost: ANY, baseUrl: ANY, variant: ANY,
  device: ANY, ort: ANY, ortUrl: ANY, tokenizer: ANY, sessionOptions: ANY, batchSize: ANY,
  maxTokens: ANY, ...CORE_KEYS,
});

const OPEN_OPTIONS = obj('open options', 'OpenOptions', {
  dimension: ANY, metric: ANY, index: ANY, quantization: ANY, keepFloat: ANY,
  hnsw: HNSW, bm25: BM25, analyzer: ANALYZER,
  storage: ANY, persist: ANY, bytes: ANY,
  ...CORE_KEYS,
  worker: oneOf(undefined, null, true, false, 'auto'),
  model: ANY, modelOptions: MODEL_OPTIONS, embedder: ANY,
});

const BUILD_INFO_OPTIONS = obj('buildInfo options', 'CoreOptions', CORE_KEYS);
const CORE_OPTIONS = obj('core options', 'CoreOptions', CORE_KEYS);
const DELETE_OPTIONS = obj('delete options', 'DeleteOptions', { storage: ANY });

const CHUNK_TEXT_OPTIONS = obj('chunkText options', 'ChunkTextOptions', {
  format: ANY, chunk: CHUNK, tokenizer: ANY, includeText: ANY,
});

const ENCODE_OPTIONS_KEYS = {
  addSpecialTokens: ANY, maxLength: ANY, truncation: ANY, truncationSide: ANY, padding: ANY,
  padToMultipleOf: ANY, paddingSide: ANY,
};
const ENCODE_OPTIONS = obj('encode options', 'EncodeOptions', ENCODE_OPTIONS_KEYS);
const ENCODE_BATCH_OPTIONS = obj('encodeBatch options', 'EncodeBatchOptions', { ...ENCODE_OPTIONS_KEYS, dtype: ANY });
const DECODE_OPTIONS = obj('decode options', 'DecodeOptions', { skipSpecialTokens: ANY });
const TOKENIZER_URL_OPTIONS = obj('fromUrl options', 'TokenizerUrlOptions', {
  configUrl: ANY, fetch: fn(), ...CORE_KEYS,
});

// ---------------------------------------------------------------------------------------------
// Methods

/**
 * A method: its arguments (name, spec) and, for Collection methods, how worker mode runs it:
 *   'invoke'  forwarded to the worker's collection as it is (the 'invoke' operation);
 *   'op'      its own worker operation of the same name (arguments packed for transfer);
 *   'page'    answered on the page from the state the worker sends after every call.
 */
function method(args = [], { worker, normalize } = {}) {
  return { args: args.map(([name, spec]) => ({ name, spec })), worker, normalize };
}

const IDS = ANY;

export const API = Object.freeze({
  Osprey: {
    open: method([['name', COLLECTION_NAME], ['options', OPEN_OPTIONS]]),
    storageEstimate: method(),
    buildInfo: method([['options', BUILD_INFO_OPTIONS]]),
    delete: method([['name', COLLECTION_NAME], ['options', DELETE_OPTIONS]]),
  },
  Collection: {
    info: method([], { worker: 'page' }),
    add: method([['docs', list(DOCUMENT)], ['options', ADD_OPTIONS]], { worker: 'op' }),
    upsert: method([['docs', list(DOCUMENT)], ['options', ADD_OPTIONS]], { worker: 'op' }),
    delete: method([['ids', IDS]], { worker: 'op' }),
    get: method([['id', ANY]], { worker: 'op' }),
    search: method([['query', ANY], ['options', SEARCH_OPTIONS]], { worker: 'invoke' }),
    feedback: method([['event', FEEDBACK_EVENT]], { worker: 'invoke' }),
    train: method([['options', TRAIN_OPTIONS]], { worker: 'invoke' }),
    setTokenVectors: method([['id', ANY], ['vectors', FLAT_TOKEN_VECTORS]], { worker: 'invoke' }),
    ranker: method([], { worker: 'invoke' }),
    clearRanker: method([], { worker: 'invoke' }),
    addDocuments: method([['docs', list(INGEST_SOURCE)], ['options', ADD_DOCUMENTS_OPTIONS]], { worker: 'invoke' }),
    deleteDocuments: method([['ids', IDS]], { worker: 'invoke' }),
    searchDocuments: method([['query', ANY], ['options', SEARCH_DOCUMENTS_OPTIONS]], { worker: 'invoke' }),
    context: method([['query', ANY], ['options', CONTEXT_OPTIONS]], { worker: 'invoke' }),
    documentPassages: method([['id', ANY]], { worker: 'invoke' }),
    documentIds: method([], { worker: 'invoke' }),
    ingestStats: method([], { worker: 'invoke' }),
    export: method([], { worker: 'op' }),
    save: method([], { worker: 'op' }),
    refresh: method([], { worker: 'invoke' }),
    close: method([], { worker: 'op' }),
  },
  Tokenizer: {
    // tokenizer.js: encode(text, options) and encodeBatch(texts, options) leave out the pairs.
    encode: method([['text', ANY], ['pair', ANY], ['options', ENCODE_OPTIONS]], {
      normalize: ([text, pair, options]) => (pair !== null && typeof pair === 'object' && options === undefined
        ? [text, undefined, pair] : [text, pair, options]),
    }),
    encodeBatch: method([['texts', ANY], ['pairs', ANY], ['options', ENCODE_BATCH_OPTIONS]], {
      normalize: ([texts, pairs, options]) => (Array.isArray(pairs) ? [texts, pairs, options] : [texts, undefined, pairs]),
    }),
    decode: method([['ids', ANY], ['options', DECODE_OPTIONS]]),
    tokenToId: method([['token', ANY]]),
    idToToken: method([['id', ANY]]),
    dispose: method(),
  },
  TokenizerStatic: {
    fromJson: method([['json', ANY], ['configJson', ANY], ['coreOptions', CORE_OPTIONS]]),
    fromUrl: method([['url', ANY], ['options', TOKENIZER_URL_OPTIONS]]),
  },
  functions: {
    chunkText: method([['text', ANY], ['options', CHUNK_TEXT_OPTIONS]]),
  },
});

/** Read-only properties of Collection and WorkerCollection. */
export const COLLECTION_PROPERTIES = Object.freeze(['name', 'embedder', 'size', 'storageKind', 'dirty']);

// ---------------------------------------------------------------------------------------------
// Worker protocol

/** Collection methods forwarded to the worker's collection (the 'invoke' operation). */
export const FORWARDED_METHODS = Object.freeze(
  Object.entries(API.Collection).filter(([, m]) => m.worker === 'invoke').map(([name]) => name));

/** The worker's operations: open, the embedder's embed, the methods with their own, and invoke. */
export const WORKER_OPERATIONS = Object.freeze(['open', 'embed',
  ...Object.entries(API.Collection).filter(([, m]) => m.worker === 'op').map(([name]) => name), 'invoke']);

function hasCallbacks(spec) {
  switch (spec.kind) {
    case 'function': return spec.crosses;
    case 'object': return Object.values(spec.keys).some(hasCallbacks) || (spec.items ? hasCallbacks(spec.items) : false);
    case 'list': return hasCallbacks(spec.of);
    case 'variant': return Object.values(spec.variants).some(hasCallbacks);
    default: return false;
  }
}

function isPlainObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value) &&
    !(value instanceof ArrayBuffer);
}

function mapSpec(spec, value, map, args) {
  if (value === undefined || value === null || !hasCallbacks(spec)) return value;
  switch (spec.kind) {
    case 'function': return map(value);
    case 'object': {
      if (!isPlainObject(value)) return value;
      let out = value;
      for (const [key, keySpec] of Object.entries(spec.keys)) {
        if (value[key] === undefined || !hasCallbacks(keySpec)) continue;
        const mapped = mapSpec(keySpec, value[key], map, args);
        if (mapped !== value[key]) {
          if (out === value) out = { ...value };
          out[key] = mapped;
        }
      }
      return out;
    }
    case 'list':
      if (Array.isArray(value)) return value.map((item) => mapSpec(spec.of, item, map, args));
      return spec.single ? mapSpec(spec.of, value, map, args) : value;
    case 'variant': {
      if (!isPlainObject(value)) return value;
      const chosen = spec.variants[spec.pick(value, args)];
      return chosen ? mapSpec(chosen, value, map, args) : value;
    }
    default: return value;
  }
}

/**
 * The arguments of Collection method `name` with every callback that crosses to the page (a
 * crossEncoder stage's score, train's and addDocuments' embed) replaced by map(callback).
 */
export function mapCallbacks(name, args, map) {
  const declared = API.Collection[name];
  if (!declared) return args;
  return args.map((value, i) => (declared.args[i] ? mapSpec(declared.args[i].spec, value, map, args) : value));
}

// ---------------------------------------------------------------------------------------------
// Validation

function invalid(message, code = 'INVALID_ARGUMENT') {
  return new OspreyError(message, code);
}

/** Edit distance with adjacent transpositions (optimal string alignment), case-insensitive. */
export function editDistance(a, b) {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
    }
  }
  return rows[a.length][b.length];
}

/** The valid key closest to `key`, when it is close enough to be a typo. */
export function closestKey(key, valid) {
  let best;
  let bestDistance = Infinity;
  for (const candidate of valid) {
    const d = editDistance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.max(1, Math.floor(Math.min(key.length, best?.length ?? 0) / 3));
  if (bestDistance <= allowed) return best;
  // A key cut short or run on ('halfLife' for 'halfLifeDays'): the longest shared start.
  const lower = key.toLowerCase();
  return key.length >= 3
    ? valid.find((v) => v.toLowerCase().startsWith(lower) || (v.length >= 3 && lower.startsWith(v.toLowerCase())))
    : undefined;
}

function show(value) {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name && value.constructor !== Object ? `a ${value.constructor.name}` : 'an object';
  return String(value);
}

function kindsText(spec) {
  const keys = Object.keys(spec.kind === 'variant' ? {} : spec.keys);
  const parts = [keys.length ? `an object {${keys.join(', ')}}` : 'an object'];
  for (const kind of spec.accepts) parts.push(kind === 'array' ? 'an array' : `a ${kind}`);
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
}

function accepted(spec, value) {
  if (typeof value === 'string') return spec.accepts.includes('string');
  if (typeof value === 'boolean') return spec.accepts.includes('boolean');
  if (typeof value === 'function') return spec.accepts.includes('function');
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return spec.accepts.includes('array');
  return false;
}

/**
 * Refuses a vector that is not numeric: anything but a numeric typed array or an array of numbers
 * (a string '1' would silently become 1 in the core). NaN and infinities are the core's to refuse.
 */
export function checkVector(value, where) {
  if (value === undefined || value === null) return;
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView || typeof value[0] === 'bigint' || value instanceof BigInt64Array ||
        value instanceof BigUint64Array) {
      throw invalid(`${where} must be a Float32Array or an array of numbers, not ${show(value)}`, 'INVALID_VECTOR');
    }
    return;
  }
  if (!Array.isArray(value)) {
    throw invalid(`${where} must be a Float32Array or an array of numbers, not ${show(value)}`);
  }
  for (let i = 0; i < value.length; i++) {
    if (typeof value[i] !== 'number') {
      throw invalid(`${where}[${i}] must be a number, not ${i in value ? show(value[i]) : 'a hole'}`, 'INVALID_VECTOR');
    }
  }
}

function checkKeys(spec, value, where) {
  const valid = Object.keys(spec.keys);
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(spec.keys, key)) continue;
    const hint = spec.hints[key];
    if (hint) throw invalid(`${where}: unknown key '${key}' (${hint})`);
    const near = closestKey(key, valid);
    throw invalid(`${where}: unknown key '${key}' ` +
      (near ? `(did you mean '${near}'?)` : `(the keys are ${valid.join(', ')})`));
  }
}

function checkSpec(spec, value, where, args, nested) {
  switch (spec.kind) {
    case 'any':
      return;
    case 'function':
      if (value !== undefined && value !== null && typeof value !== 'function') {
        throw invalid(`${where} must be a function, not ${show(value)}`);
      }
      return;
    case 'enum':
      if (!spec.values.includes(value)) {
        throw invalid(`${where} must be ${spec.values.filter((v) => v !== undefined && v !== null).map(show).join(', ')}` +
          `, not ${show(value)}`);
      }
      return;
    case 'vector':
      checkVector(value, where);
      return;
    case 'check':
      spec.check(value, where);
      return;
    case 'whole':
      if (value === undefined || value === null) return;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
        throw invalid(`${where} must be a whole number in [${spec.min}, ${spec.max}], not ${show(value)}`);
      }
      return;
    case 'object':
    case 'variant': {
      if (value === undefined || (value === null && nested)) return;
      if (!isPlainObject(value) || typeof value === 'function') {
        if (value !== null && accepted(spec, value)) {
          if (spec.items && Array.isArray(value)) value.forEach((item, i) => checkSpec(spec.items, item, `${where}[${i}]`, args, true));
          return;
        }
        throw invalid(`${where} must be ${kindsText(spec)}, not ${show(value)}`);
      }
      if (spec.kind === 'variant') {
        const name = spec.pick(value, args);
        const chosen = spec.variants[name];
        if (!chosen) return; // an unknown kind: the converter names it
        checkSpec(chosen, value, where, args, nested);
        return;
      }
      checkKeys(spec, value, where);
      for (const [key, keySpec] of Object.entries(spec.keys)) {
        if (keySpec.kind !== 'any' && value[key] !== undefined) checkSpec(keySpec, value[key], `${where}.${key}`, args, true);
      }
      if (spec.rerankOnly && value.rerank === undefined) {
        const key = spec.rerankOnly.find((k) => value[k] !== undefined && value[k] !== null && value[k] !== false);
        if (key) throw invalid(`${where}: '${key}' takes effect only with the rerank cascade: add rerank stages or remove '${key}'`);
      }
      if (spec.notWithRerank && value.rerank !== undefined && value.rerank !== null) {
        const key = Object.keys(spec.notWithRerank).find((k) => spec.notWithRerank[k](value[k]));
        if (key) {
          throw invalid(`${where}: '${key}: ${show(value[key])}' is not supported with rerank stages ` +
            `(the cascade returns whole documents without highlights or snippets): remove '${key}'`);
        }
      }
      return;
    }
    case 'list':
      if (value === undefined || value === null) return; // the converter says an array is needed
      if (!Array.isArray(value)) {
        if (spec.single) checkSpec(spec.of, value, where, args, nested);
        return;
      }
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (item !== null && typeof item === 'object') checkSpec(spec.of, item, `${where}[${i}]`, args, false);
        else if (spec.of.kind === 'variant' && typeof item === 'string') continue;
        else if (spec.of.kind === 'vector') checkVector(item, `${where}[${i}]`);
      }
      return;
    default:
      throw new OspreyError(`api.js: unknown spec kind ${spec.kind}`, 'INTERNAL');
  }
}

function labelOf(spec, methodName, argName) {
  if (spec.kind === 'list') return argName === 'docs' ? 'documents' : argName;
  if (spec.kind === 'object' && spec.label) return spec.label;
  return `${methodName}() ${argName}`;
}

/** Checks the arguments of `owner`.`name` (e.g. 'Collection', 'search') against the declaration. */
export function checkArguments(owner, name, args) {
  const declared = API[owner]?.[name];
  if (!declared) throw new OspreyError(`api.js: ${owner}.${name} is not declared`, 'INTERNAL');
  if (declared.normalize) args = declared.normalize(args);
  declared.args.forEach(({ name: argName, spec }, i) => {
    const value = args[i];
    if (spec.kind === 'any' || (value === undefined && spec.kind !== 'check')) return;
    // The top-level options object: null is refused like any other non-object.
    checkSpec(spec, value, labelOf(spec, name, argName), args, false);
  });
}

const AsyncFunction = (async () => {}).constructor;

/**
 * Wraps every declared method of `target` (a prototype or an object) so that it checks its
 * arguments first; a failing check throws (sync methods) or rejects (async methods).
 */
export function guardMethods(target, owner) {
  for (const name of Object.keys(API[owner])) {
    const original = target[name];
    if (typeof original !== 'function') throw new OspreyError(`api.js: ${owner}.${name} is declared but missing`, 'INTERNAL');
    if (original.ospreyGuarded) continue;
    const guarded = original instanceof AsyncFunction
      ? async function (...args) { checkArguments(owner, name, args); return original.apply(this, args); }
      : function (...args) { checkArguments(owner, name, args); return original.apply(this, args); };
    Object.defineProperty(guarded, 'name', { value: name });
    Object.defineProperty(guarded, 'ospreyGuarded', { value: true });
    const { enumerable } = Object.getOwnPropertyDescriptor(target, name) ?? { enumerable: false };
    Object.defineProperty(target, name, { value: guarded, writable: true, configurable: true, enumerable });
  }
  return target;
}

/** Wraps a module function (chunkText) the same way. */
export function guardFunction(name, original) {
  const guarded = async (...args) => { checkArguments('functions', name, args); return original(...args); };
  Object.defineProperty(guarded, 'name', { value: name });
  return guarded;
}

/** Every object spec of the declaration with its d.ts interface, for the declaration test. */
export function declaredInterfaces() {
  const out = new Map();
  const visit = (spec) => {
    if (spec.kind === 'object') {
      if (out.has(spec.dts)) return;
      out.set(spec.dts, spec);
      Object.values(spec.keys).forEach(visit);
      if (spec.items) visit(spec.items);
    } else if (spec.kind === 'list') visit(spec.of);
    else if (spec.kind === 'variant') Object.values(spec.variants).forEach(visit);
  };
  for (const owner of Object.values(API)) for (const m of Object.values(owner)) m.args.forEach((a) => visit(a.spec));
  return out;
}
