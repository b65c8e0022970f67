// Hand-written types of Osprey's public JS API (Embind cannot emit them in Emscripten 3.1.6).

export type ErrorCode =
  | 'INVALID_ARGUMENT' | 'DIMENSION_MISMATCH' | 'INVALID_VECTOR' | 'DUPLICATE_ID' | 'UNKNOWN_ID'
  | 'EMPTY_QUERY' | 'INVALID_UTF8' | 'INVALID_JSON' | 'CORRUPT_DATA' | 'UNSUPPORTED_FORMAT'
  | 'LIMIT_EXCEEDED' | 'CLOSED' | 'MISMATCH' | 'OUT_OF_MEMORY' | 'WASM_LOAD_FAILED'
  | 'STORAGE_UNAVAILABLE' | 'STORAGE_FAILED' | 'QUOTA_EXCEEDED' | 'CONFLICT' | 'WORKER_UNAVAILABLE' | 'INTERNAL'
  | (string & {});

export class OspreyError extends Error {
  constructor(message: string, code?: ErrorCode, options?: { cause?: unknown });
  readonly name: 'OspreyError';
  readonly code: ErrorCode;
}

export type Metric = 'cosine' | 'ip' | 'l2';
export type VectorLike = Float32Array | Float64Array | number[];
export type Metadata = Record<string, unknown>;

/** A metadata filter: `{field: value}` or `{field: {$gte: 1}}`, combined with $and / $or / $not. */
export type Filter = Record<string, unknown>;

/** A storage backend for the paged layout (see web/src/storage/manifest.js and memory.js). */
export interface StorageBackend {
  kind?: string;
  lastCommitBytes?: number;
  head(name: string, checksum?: (bytes: Uint8Array) => number): Promise<object | null>;
  read(name: string, checksum: (bytes: Uint8Array) => number): Promise<object | null>;
  commit(name: string, change: object): Promise<object>;
  delete(name: string): Promise<void>;
  list?(): Promise<string[]>;
}

/**
 * Every options object of the API is checked: an unknown key at any level is refused with
 * INVALID_ARGUMENT, naming the key, where it is and the closest valid key (web/src/api.js).
 */

/** Which WebAssembly core to load, and from where (Osprey.open, Osprey.buildInfo, Tokenizer). */
export interface CoreOptions {
  /** Where osprey_core.wasm (the single-thread build) is served, when not next to osprey_core.mjs. */
  wasmUrl?: string | URL;
  wasmBinary?: ArrayBuffer | Uint8Array;
  /**
   * Which WebAssembly build to load (the first load in a page or worker decides for all):
   * 'auto' (default) loads the multithreaded build (osprey_core_mt: large HNSW batches insert in
   * parallel) in cross-origin isolated pages and workers when neither wasmUrl nor wasmBinary is
   * given, else the single-thread build; false always the single-thread build; true the
   * multithreaded one whenever SharedArrayBuffer is available. A multithreaded build that fails to
   * load falls back to the single-thread build with a warning (onWarning).
   */
  threads?: boolean | 'auto';
  /** Receives warnings such as the 'auto' worker fallback (default: console.warn). */
  onWarning?: (message: string) => void;
}

export interface HnswOptions {
  /** Links per node (default 16). */
  M?: number;
  efConstruction?: number;
  efSearch?: number;
  /** The expected number of vectors: the graph is allocated for them up front (0: grows). */
  capacity?: number;
}

export interface Bm25Options { k1?: number; b?: number; titleWeight?: number; bodyWeight?: number }

export interface AnalyzerOptions {
  language?: string;
  stemmer?: boolean;
  stopwords?: boolean;
  lowercase?: boolean;
  cjk?: string;
}

/** Options of the model loader (web/src/models/). */
export interface ModelOptions extends CoreOptions {
  onProgress?: (progress: { url: string; loaded: number; total: number; model?: string; file?: string; cached?: boolean }) => void;
  signal?: AbortSignal;
  /** Where model files are cached: false for none, or {get(key), put(key, bytes)} (default: Cache Storage). */
  cache?: false | null | { get(key: string): Promise<Uint8Array | undefined>; put(key: string, bytes: Uint8Array): Promise<void>; delete?(key: string): Promise<unknown> };
  fetch?: typeof fetch;
  hfHost?: string;
  /** Base URL of a manifest entry's relative `path` source. */
  baseUrl?: string;
  variant?: 'fp32' | 'int8' | 'fp16';
  device?: 'wasm' | 'webgpu' | 'auto';
  /** Your own onnxruntime-web module. */
  ort?: unknown;
  /** In worker mode without a bundler: where onnxruntime-web's ESM build is (import maps do not reach workers). */
  ortUrl?: string;
  /** A ready tokenizer (e.g. Osprey's Tokenizer) instead of the model's tokenizer.json. */
  tokenizer?: unknown;
  sessionOptions?: Record<string, unknown>;
  batchSize?: number;
  maxTokens?: number;
}

export interface OpenOptions extends CoreOptions {
  /** Vector dimension; 0 (the default) means no dense index. */
  dimension?: number;
  metric?: Metric;
  index?: 'hnsw' | 'flat';
  /** 'int8': vectors kept as 8-bit codes (4x smaller), searched and rescored with them. */
  quantization?: 'none' | 'int8';
  /** With int8 quantization: also keep the float vectors (exact rescoring, export keeps them). */
  keepFloat?: boolean;
  hnsw?: HnswOptions;
  bm25?: Bm25Options;
  storage?: 'indexeddb' | 'memory' | StorageBackend;
  /** Ask the browser for persistent storage (navigator.storage.persist()). */
  persist?: boolean;
  /** Open from exported bytes instead of storage. */
  bytes?: Uint8Array;
  /**
   * Run the engine in a dedicated Web Worker (same API; methods resolve when the worker answers).
   * 'auto': like true, but falls back to the main thread (with a warning) when workers are blocked.
   */
  worker?: boolean | 'auto';
  /** Text analysis of the collection. */
  analyzer?: AnalyzerOptions;
  /** An embedding model id from models/manifest.json (e.g. 'osprey-static-en') or a manifest entry: fills in missing vectors. */
  model?: string | Record<string, unknown>;
  modelOptions?: ModelOptions;
  /**
   * Your own embedder, used like `model`. A saved collection records its `id` and
   * `tokenizerFingerprint` (when given) and refuses to open with others (`MISMATCH`).
   */
  embedder?: Embedder;
}

/** Indexing progress: `done` of `total` documents. */
export interface Progress {
  kind: 'add' | 'upsert';
  done: number;
  total: number;
}

export interface AddOptions {
  onProgress?: (progress: Progress) => void;
}

export interface DocumentInput {
  id: string;
  title?: string;
  /** The main text (`text` is accepted as an alias). */
  body?: string;
  text?: string;
  metadata?: Metadata;
  vector?: VectorLike;
}

export interface StoredDocument {
  id: string;
  title: string;
  body: string;
  metadata: Metadata;
}

export interface DeleteOptions {
  storage?: OpenOptions['storage'];
}

export type SearchMode = 'auto' | 'sparse' | 'dense' | 'hybrid';

export interface FusionOptions {
  method?: 'rrf' | 'convex';
  sparseWeight?: number;
  denseWeight?: number;
  normalization?: 'minmax' | 'zscore';
}

/** How the first stage recalls: what search(), searchDocuments(), context() and train() share. */
export interface RecallTuning {
  /** 'auto' (default): hybrid when text and vector are given, else whichever is given. */
  mode?: SearchMode;
  filter?: Filter;
  ef?: number;
  exact?: boolean;
  rrfK?: number;
  /** Hybrid fusion: reciprocal rank fusion (default) or a weighted mix of normalised scores. */
  fusion?: 'rrf' | 'convex' | FusionOptions;
  candidates?: number;
}

/** The first stage of a query: its tuning and the query's own vector. */
export interface RecallOptions extends RecallTuning {
  vector?: VectorLike;
}

/** RecallOptions plus k (what search() and searchDocuments() share). */
export interface RetrievalOptions extends RecallOptions {
  k?: number;
}

export interface SnippetOptions { maxChars?: number }

export interface SearchOptions extends RecallOptions {
  k?: number;
  highlight?: boolean;
  /** The best passage of each hit with the query's terms marked. */
  snippet?: boolean | SnippetOptions;
  /** false: hits carry ids and scores only. */
  documents?: boolean;
  /**
   * The rerank cascade: recall (recallK hits) -> learned ranker -> cross-encoder -> MMR. The
   * options below it take effect only with it (given without it, they are refused), and it
   * returns whole documents (highlight, snippet and documents: false are refused with it).
   */
  rerank?: RerankStage | RerankStage[];
  /** Hits recalled before the rerank stages (default 1000). */
  recallK?: number;
  /** Time budget of the cascade: a cross-encoder stage that would exceed it is skipped (`degraded`). */
  budgetMs?: number;
  /** With rerank: each hit gets `explain` (the ranker's per-feature contributions). */
  explain?: boolean;
  /** The query's token vectors, for the `maxsim` (late interaction) feature. */
  tokenVectors?: TokenVectors;
  /** One weight >= 0 per query token (e.g. IDF): maxsim sums weight x best match. */
  tokenWeights?: ArrayLike<number>;
  /** Parameters of the freshness and popularity features. */
  features?: FeatureOptions;
}

/** Per-token vectors: one vector per token, or one flat array of `count x dim` values. */
export type TokenVectors = VectorLike[] | FlatTokenVectors;
export interface FlatTokenVectors { data: Float32Array; dim: number }

export interface FeatureOptions {
  dateField?: string;
  halfLifeDays?: number;
  /** "Now" for freshness, in ms since 1970 (default: the current time). */
  now?: number;
  popularityPrior?: number;
}

/** A document handed to a cross-encoder stage's `score`. */
export interface RerankCandidate { id: string; title: string; body: string }

/** A stage of the rerank cascade (search option `rerank`); a string is the stage with its defaults. */
export type RerankStage = 'ranker' | 'mmr' | RankerStage | CrossEncoderStage | MmrStage;
/** The trained ranker, or `weights` given here; keeps the top k (default 100). */
export interface RankerStage { stage?: 'ranker'; k?: number; weights?: Record<string, number> }
/** Your cross-encoder scores the top k (default 20); in worker mode `score` runs on the page. */
export interface CrossEncoderStage {
  stage?: 'crossEncoder';
  k?: number;
  score: (query: string, candidates: RerankCandidate[]) => Promise<ArrayLike<number>> | ArrayLike<number>;
}
/** Maximal marginal relevance: trades relevance (lambda, default 0.7) for diversity. */
export interface MmrStage { stage: 'mmr'; lambda?: number; k?: number }

/** Recorded feedback: `docId` (a document of the collection) was shown for `query` and clicked, skipped, or graded. */
export interface FeedbackEvent {
  query: string;
  docId: string;
  /** 'click' (1, the default), 'skip' / 'view' / 'impression' (0), a boolean, or a grade >= 0. */
  signal?: 'click' | 'skip' | 'view' | 'impression' | boolean | number;
}

/** A judged query for train(): graded relevance by document id. */
export interface Judgement {
  query?: string;
  text?: string;
  vector?: VectorLike;
  tokenVectors?: TokenVectors;
  tokenWeights?: ArrayLike<number>;
  relevance: Record<string, number>;
}

export interface TrainOptions extends RecallTuning {
  /** Feature names: 'bm25', 'bm25_title', 'bm25_body', 'dense', 'maxsim', 'cross_encoder', 'log_length', 'freshness', 'popularity', 'recall_score', 'prf', 'meta:<field>'. */
  features?: string[];
  model?: 'linear' | 'trees';
  loss?: 'pairwise' | 'listwise';
  /** Without judgements, the ranker learns from recorded feedback. */
  judgements?: Judgement[];
  /** Query vectors for judgements that have none (in worker mode it runs on the page). */
  embed?: (text: string) => Promise<{ vector?: VectorLike; tokenVectors?: TokenVectors } | undefined>;
  /** The recall that candidates are drawn from: recallK hits per query, tuned as RecallTuning. */
  recallK?: number;
  epochs?: number;
  learningRate?: number;
  l2?: number;
  trees?: number;
  maxDepth?: number;
  minLeaf?: number;
  shrinkage?: number;
  /** Pairwise loss: weight pairs by |delta nDCG| (default: on for trees, off for linear). */
  lambdaWeighting?: boolean;
  queryNorm?: string;
  featureOptions?: FeatureOptions;
}

/** The trained ranker: linear weights by feature, or the number of boosted trees. */
export interface RankerInfo {
  model: 'linear' | 'trees';
  loss: string;
  queryNorm: string;
  features: string[];
  weights?: Record<string, number>;
  trees?: number;
}

export interface TrainReport extends RankerInfo {
  lossHistory: number[];
  initialLoss: number;
  finalLoss: number;
  queriesUsed: number;
  queriesSkipped: number;
  candidates: number;
}

/** [start, end) in UTF-16 code units, as JS strings index. */
export type Span = [number, number];

export interface SearchHit extends StoredDocument {
  score: number;
  sparseScore?: number;
  denseScore?: number;
  sparseRank?: number;
  denseRank?: number;
  highlights?: { title: Span[]; body: Span[] };
  snippet?: { text: string; highlights: Span[] };
  /** With rerank: the last stage that scored the hit, and the score of every stage. */
  stage?: string;
  stageScores?: Record<string, number>;
  /** With rerank and explain: score = bias + the sum of contributions. */
  explain?: { bias: number; contributions: Record<string, number>; features: Record<string, number | null>; missing: string[] };
}

/** search() results; with rerank they also say which stages ran and whether the budget cut one. */
export type SearchResults = SearchHit[] & {
  stages?: string[];
  degraded?: boolean;
  degradedReason?: string;
  elapsedMs?: number;
};

/** An embedding model as a collection uses it. */
export interface Embedder {
  readonly id?: string;
  /** A fingerprint of the tokenizer it embeds with (Osprey's Tokenizer has `fingerprint`). */
  readonly tokenizerFingerprint?: string;
  readonly dimension: number;
  embedDocuments(texts: string[]): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
}

export interface CollectionInfo {
  name: string;
  storage: string;
  size: number;
  dimension: number;
  metric: Metric;
  index: 'hnsw' | 'flat';
  vectors: number;
  quantization: 'none' | 'int8';
  keepFloat: boolean;
  analyzer: { language: string; stemmer: boolean; stopwords: boolean; lowercase: boolean; cjk: string };
  formatVersion: number;
  /** The stored generation this copy was built from or last saved. */
  generation: number;
  /** Set when the newest generation was damaged and an older intact one was opened. */
  recovered: { generation: number; reason: string } | null;
  /** The last commit: a full snapshot or a change record, and the bytes it wrote. */
  lastSave: { kind: 'snapshot' | 'record'; bytes: number | null; generation: number } | null;
  /** true when the collection runs in a Web Worker (Osprey.open(name, {worker: true})). */
  worker: boolean;
}

/** Ingestion (collection.addDocuments): how documents become passages. */
export interface ChunkOptions {
  /** Passage size in the tokenizer's tokens (default 256; clamped to the model's length). */
  maxTokens?: number;
  /** Tokens of whole sentences repeated from the previous passage (default 0). */
  overlap?: number;
  /** A word longer than maxTokens: cut between characters instead of INVALID_ARGUMENT. */
  splitLongWords?: boolean;
}
/** What passages and prompts are measured with; must count synchronously. */
export type TokenizerLike =
  | ((text: string) => number)
  | { count(text: string): number; specialTokens?: number; maxLength?: number; name?: string }
  | { encode(text: string, options?: Record<string, unknown>): unknown; modelMaxLength?: number };
export type DocumentFormat = 'text' | 'markdown' | 'html' | 'json';
export interface IngestDocument {
  id: string;
  text?: string;
  body?: string;
  title?: string;
  metadata?: Record<string, unknown>;
  format?: DocumentFormat;
}
/** JSON records: field names (the first present for id and title, every present body field). */
export interface JsonFieldOptions {
  id?: string | string[];
  title?: string | string[];
  body?: string | string[];
  metadata?: string[];
  bodyFormat?: 'text' | 'markdown' | 'html';
}
export interface AddDocumentsOptions {
  format?: DocumentFormat;
  chunk?: ChunkOptions;
  tokenizer?: TokenizerLike;
  fields?: JsonFieldOptions;
  /** Embeds changed passages when the collection has a dense index (default: its embedder). */
  embed?: (texts: string[]) => Promise<ArrayLike<number>[]>;
}
export interface IngestReport {
  documents: number;
  unchangedDocuments: number;
  emptyDocuments: number;
  deletedDocuments: number;
  passagesAdded: number;
  passagesRemoved: number;
  passagesKept: number;
  passagesMoved: number;
  embedded?: number;
}
export interface Passage {
  id: string;
  score: number;
  section: string;
  text: string;
  /** UTF-16 offsets into the source document (byteStart/byteEnd: UTF-8). */
  start: number;
  end: number;
  byteStart: number;
  byteEnd: number;
  tokens: number;
  index: number;
  highlights?: Array<[number, number]>;
  /** HTML: escaped text with <mark> around matches. */
  snippet?: string;
  /** Score and 1-based rank of the passage in each first stage that found it (as in SearchHit). */
  sparseScore?: number;
  denseScore?: number;
  sparseRank?: number;
  denseRank?: number;
}
export interface DocumentHit { id: string; title: string; score: number; passages: Passage[] }
export interface SearchDocumentsOptions extends RecallOptions {
  /** Documents returned (default 10). */
  k?: number;
  /** Passage highlights and HTML snippets (default true). */
  highlight?: boolean;
  aggregate?: 'max' | 'sum';
  passagesPerDocument?: number;
  snippetChars?: number;
}
export interface ContextOptions extends RecallOptions {
  tokenBudget?: number;
  maxPerDoc?: number;
  order?: 'relevance' | 'document' | 'edges';
  /** Shingle Jaccard threshold for near-duplicates (default 0.8; > 1 keeps all). */
  dedupe?: number;
  mergeNeighbors?: boolean;
  tokenizer?: TokenizerLike;
}
export interface ContextPassage {
  citation: number;
  docId: string;
  title: string;
  section: string;
  text: string;
  start: number;
  end: number;
  byteStart: number;
  byteEnd: number;
  score: number;
  passageIds: string[];
}
export interface Context {
  prompt: string;
  tokens: number;
  passages: ContextPassage[];
  candidates: number;
  duplicatesRemoved: number;
  merged: number;
  leftOut: number;
}
export interface ChunkTextOptions {
  format?: Exclude<DocumentFormat, 'json'>;
  chunk?: ChunkOptions;
  tokenizer?: TokenizerLike;
  /** false: offsets only (default true). */
  includeText?: boolean;
}
export function chunkText(text: string, options?: ChunkTextOptions):
  Promise<Array<Omit<Passage, 'id' | 'score' | 'index'> & { text?: string }>>;

/**
 * Everything Collection and WorkerCollection share: the same methods with the same arguments and
 * results, on the main thread or in a Web Worker (only export() differs). Write code against this
 * type to accept either.
 */
export interface CollectionMethods extends EventTarget {
  readonly name: string;
  /** The document count (in worker mode: after the last completed call). */
  readonly size: number;
  readonly storageKind: string;
  /** The embedding model that fills in missing vectors (Osprey.open(name, {model})), or null. */
  readonly embedder: Embedder | null;
  info(): CollectionInfo;
  add(docs: DocumentInput[], options?: AddOptions): Promise<void>;
  upsert(docs: DocumentInput[], options?: AddOptions): Promise<void>;
  delete(ids: string | string[]): Promise<void>;
  get(id: string): Promise<StoredDocument | null>;
  search(query: string, options?: SearchOptions): Promise<SearchResults>;
  /** Records that a document was shown for a query (clicked, skipped, graded), for train(). */
  feedback(event: FeedbackEvent): Promise<void>;
  /** Trains the collection's ranker (saved with it) from judgements or recorded feedback. */
  train(options?: TrainOptions): Promise<TrainReport>;
  /** Stores a document's per-token vectors for the maxsim feature. */
  setTokenVectors(id: string, vectors: TokenVectors): Promise<void>;
  /** The trained ranker, or null. */
  ranker(): Promise<RankerInfo | null>;
  clearRanker(): Promise<void>;
  addDocuments(docs: Array<IngestDocument | Record<string, unknown> | string>, options?: AddDocumentsOptions): Promise<IngestReport>;
  deleteDocuments(ids: string | string[]): Promise<IngestReport>;
  searchDocuments(query: string, options?: SearchDocumentsOptions): Promise<DocumentHit[]>;
  context(query: string, options?: ContextOptions): Promise<Context>;
  documentPassages(id: string): Promise<{ title: string; passages: Array<Omit<Passage, 'score' | 'text' | 'index'>> } | null>;
  /** The ids of every ingested document, sorted. */
  documentIds(): Promise<string[]>;
  ingestStats(): Promise<Record<string, number>>;
  save(): Promise<void>;
  /** Loads a newer generation saved by another tab or worker, unless this copy has unsaved changes. */
  refresh(): Promise<boolean>;
  /** True while there are changes that save() has not committed. */
  readonly dirty: boolean;
  close(): void;
}

export interface Collection extends CollectionMethods {}
export class Collection extends EventTarget {
  /** The whole collection as one versioned, checksummed byte buffer. */
  export(): Uint8Array;
}

/**
 * A collection whose engine runs in a dedicated Web Worker (Osprey.open(name, {worker: true})).
 * Same methods as Collection, except that export() resolves to the bytes. `size`, `dirty` and
 * `info()` are those after the last completed call. Callbacks (a crossEncoder stage's score,
 * train's and addDocuments' embed) run on the page. Dispatches 'progress' events ({detail: Progress})
 * and, like Collection, 'change' events.
 */
export interface WorkerCollection extends CollectionMethods {}
export class WorkerCollection extends EventTarget {
  export(): Promise<Uint8Array>;
}

export interface EncodeOptions {
  /** Add the model's special tokens ([CLS], [SEP], ...; default true). */
  addSpecialTokens?: boolean;
  maxLength?: number;
  truncation?: boolean | 'longest_first' | 'only_first' | 'only_second';
  truncationSide?: 'left' | 'right';
  padding?: boolean | 'longest' | 'max_length';
  padToMultipleOf?: number;
  paddingSide?: 'left' | 'right';
}
export interface EncodeBatchOptions extends EncodeOptions {
  /** 'int64': BigInt64Array tensors, as ONNX models take them (default 'int32'). */
  dtype?: 'int32' | 'int64';
}
export interface DecodeOptions { skipSpecialTokens?: boolean }
export interface TokenizerUrlOptions extends CoreOptions {
  /** tokenizer_config.json (do_lower_case, model_max_length, ...). */
  configUrl?: string | URL;
  fetch?: typeof fetch;
}
export interface Encoding {
  inputIds: Int32Array;
  attentionMask: Int32Array;
  tokenTypeIds: Int32Array;
  specialTokensMask: Int32Array;
  /** Code-point offsets into the input ([start, end); special tokens [0, 0]). */
  offsets: Array<[number, number]>;
}
export interface BatchEncoding<T extends Int32Array | BigInt64Array = Int32Array | BigInt64Array> {
  inputIds: T;
  attentionMask: T;
  tokenTypeIds: T;
  rows: number;
  cols: number;
  shape: [number, number];
}

/** Hugging Face tokenizers (tokenizer.json) run by Osprey's C++ core, bit-exact with `tokenizers`. */
export class Tokenizer {
  static fromJson(json: string | object, configJson?: string | object | null, coreOptions?: CoreOptions): Promise<Tokenizer>;
  static fromUrl(url: string | URL, options?: TokenizerUrlOptions): Promise<Tokenizer>;
  encode(text: string, pair?: string | null, options?: EncodeOptions): Encoding;
  encode(text: string, options?: EncodeOptions): Encoding;
  encodeBatch(texts: Array<string | [string, string]>, pairs?: string[], options?: EncodeBatchOptions): BatchEncoding;
  encodeBatch(texts: Array<string | [string, string]>, options?: EncodeBatchOptions): BatchEncoding;
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  readonly vocabSize: number;
  /** tokenizer_config.json's model_max_length (0 when unknown). */
  readonly modelMaxLength: number;
  readonly padId: number;
  /** A stable fingerprint of the tokenizer's definition (collections record it). */
  readonly fingerprint: string;
  /** Frees the WebAssembly memory; later calls fail with CLOSED. */
  dispose(): void;
}

export class MemoryStorage implements StorageBackend {
  head(name: string, checksum?: (bytes: Uint8Array) => number): Promise<object | null>;
  read(name: string, checksum: (bytes: Uint8Array) => number): Promise<object | null>;
  commit(name: string, change: object): Promise<object>;
  delete(name: string): Promise<void>;
  list(): Promise<string[]>;
}

export class IndexedDBStorage implements StorageBackend {
  constructor(dbName?: string);
  static available(): boolean;
  head(name: string, checksum?: (bytes: Uint8Array) => number): Promise<object | null>;
  read(name: string, checksum: (bytes: Uint8Array) => number): Promise<object | null>;
  commit(name: string, change: object): Promise<object>;
  delete(name: string): Promise<void>;
  list(): Promise<string[]>;
  close(): void;
}

/** Which WebAssembly build of the core is loaded (Osprey.buildInfo()). */
export interface BuildInfo {
  /** true: osprey_core_mt (threads); false: osprey_core, the single-thread build. */
  multithreaded: boolean;
  /** Threads that insert a large HNSW batch (1 in the single-thread build; at most 8). */
  threads: number;
}

export declare const Osprey: {
  open(name: string, options: OpenOptions & { worker: true }): Promise<WorkerCollection>;
  open(name: string, options: OpenOptions & { worker: 'auto' | boolean }): Promise<Collection | WorkerCollection>;
  open(name: string, options?: OpenOptions & { worker?: false }): Promise<Collection>;
  storageEstimate(): Promise<{ usage: number; quota: number; persisted: boolean } | null>;
  /** The WebAssembly build this page or worker loaded (loading it with these options if needed). */
  buildInfo(options?: CoreOptions): Promise<BuildInfo>;
  delete(name: string, options?: DeleteOptions): Promise<void>;
};
export default Osprey;
