// The rerank cascade, feedback and learning to rank for a Collection (logic in C++: src/rerank).
// JS only orchestrates what must be async: the cross-encoder stage calls a score provider (e.g. an
// ONNX cross-encoder from web/src/models) and hands its scores back to the core.
import { checkVector } from './api.js';
import { loadCore } from './core.js';
import { OspreyError } from './errors.js';
import { toJson } from './json.js';

const SIGNALS = { click: 1, view: 0, skip: 0, impression: 0 };

function invalid(message) {
  return new OspreyError(message, 'INVALID_ARGUMENT');
}

// Token vectors as the core takes them: one flat Float32Array and the dimension.
export function flattenTokenVectors(vectors, what) {
  if (vectors && typeof vectors === 'object' && ArrayBuffer.isView(vectors.data)) {
    return { data: vectors.data, dim: vectors.dim };
  }
  if (!Array.isArray(vectors)) {
    throw invalid(`${what} must be an array of vectors or {data: Float32Array, dim}`);
  }
  if (vectors.length === 0) return { data: new Float32Array(0), dim: 1 };
  const dim = vectors[0]?.length;
  if (!(dim > 0)) throw invalid(`${what}[0] must be a non-empty vector`);
  const data = new Float32Array(vectors.length * dim);
  vectors.forEach((v, i) => {
    checkVector(v, `${what}[${i}]`);
    if (!v || v.length !== dim) {
      throw new OspreyError(`${what}[${i}] has ${v?.length} dimensions, not ${dim}`, 'DIMENSION_MISMATCH');
    }
    data.set(v, i * dim);
  });
  return { data, dim };
}

// A collection's rerank state changed outside the change journal: the next save must be a full
// snapshot so that feedback, token vectors and the trained ranker are kept.
function needSnapshot(handle) {
  handle.setJournaling?.(false);
  handle.setJournaling?.(true);
}

export async function setTokenVectors(handle, id, vectors) {
  const core = await loadCore();
  const { data, dim } = flattenTokenVectors(vectors, `token vectors of '${id}'`);
  core.rerankSetTokenVectors(handle, id, data, dim);
  needSnapshot(handle);
}

export async function recordFeedback(handle, event) {
  if (event === null || typeof event !== 'object') {
    throw invalid('feedback takes {query, docId, signal}');
  }
  const { query, docId } = event;
  let signal = event.signal ?? 'click';
  if (typeof signal === 'string') {
    if (!(signal in SIGNALS)) throw invalid(`unknown feedback signal '${signal}': use a number, 'click' or 'skip'`);
    signal = SIGNALS[signal];
  }
  if (typeof signal === 'boolean') signal = signal ? 1 : 0;
  if (typeof query !== 'string' || typeof docId !== 'string') {
    throw invalid('feedback needs a query string and a docId string');
  }
  if (typeof signal !== 'number') throw invalid('feedback signal must be a number, a boolean, or a name');
  if (!docId.isWellFormed()) {
    throw new OspreyError('feedback docId is not well-formed Unicode (it has an unpaired UTF-16 surrogate)', 'INVALID_UTF8');
  }
  if (handle.get(docId) === null) {
    throw new OspreyError(`feedback docId '${docId}' is not in the collection: give the id of a document it holds`,
      'UNKNOWN_ID');
  }
  const core = await loadCore();
  core.rerankFeedback(handle, query, docId, signal);
  needSnapshot(handle);
}

function coreQuery(q, what) {
  const out = { text: q.text ?? q.query ?? '', vector: q.vector };
  if (q.tokenVectors !== undefined && q.tokenVectors !== null) {
    const { data, dim } = flattenTokenVectors(q.tokenVectors, `${what}.tokenVectors`);
    out.tokenVectors = data;
    out.tokenDim = dim;
  }
  if (q.tokenWeights !== undefined && q.tokenWeights !== null) out.tokenWeights = q.tokenWeights;
  return out;
}

/**
 * Trains the collection's ranker and keeps it with the collection (saved by save()).
 * options: {features: ['bm25', 'dense', 'maxsim', 'log_length', ...], model: 'linear'|'trees',
 *   loss: 'pairwise'|'listwise', judgements?: [{query, vector?, tokenVectors?, relevance: {id: grade}}],
 *   embed?: async (text) => ({vector?, tokenVectors?}), recallK, mode, epochs, learningRate, l2,
 *   trees, maxDepth, minLeaf, shrinkage, featureOptions}
 * Without judgements, trains from recorded feedback.
 */
export async function trainRanker(handle, options = {}) {
  if (options === null || typeof options !== 'object') throw invalid('train options must be an object');
  const core = await loadCore();
  const { judgements, embed, features, filter, ...rest } = options;
  let queries = judgements ?? core.rerankFeedbackQueries(handle);
  if (!Array.isArray(queries)) throw invalid('judgements must be an array of {query, relevance}');
  queries = await Promise.all(queries.map(async (q, i) => {
    if (q === null || typeof q !== 'object') throw invalid(`judgements[${i}] must be an object`);
    let extra = {};
    if (embed && q.vector === undefined && q.tokenVectors === undefined) {
      extra = (await embed(q.text ?? q.query)) ?? {};
      checkVector(extra.vector, `judgements[${i}]: the embed callback's vector`);
    }
    return { ...coreQuery({ ...q, ...extra }, `judgements[${i}]`), relevance: q.relevance };
  }));
  const report = core.rerankTrain(handle, {
    ...rest,
    filterJson: toJson(filter, 'filter'),
    features: features ?? ['bm25', 'log_length'],
    queries,
    recallK: rest.recallK ?? 100,
  });
  needSnapshot(handle);
  return report;
}

export async function rankerInfo(handle) {
  return (await loadCore()).rerankModel(handle);
}

export async function clearRanker(handle) {
  (await loadCore()).rerankClearModel(handle);
  needSnapshot(handle);
}

function withTimeout(promise, ms) {
  if (!(ms > 0) || !Number.isFinite(ms)) return promise.then((value) => ({ value }));
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve({ timedOut: true }), ms); });
  return Promise.race([promise.then((value) => ({ value })), timeout]).finally(() => clearTimeout(timer));
}

function normalizeStages(rerank) {
  const list = Array.isArray(rerank) ? rerank : [rerank];
  return list.map((s, i) => {
    if (typeof s === 'string') s = { stage: s };
    if (s === null || typeof s !== 'object') throw invalid(`rerank[${i}] must be a stage object`);
    const stage = s.stage ?? (s.score ? 'crossEncoder' : 'ranker');
    if (!['ranker', 'crossEncoder', 'mmr'].includes(stage)) {
      throw invalid(`unknown rerank stage '${stage}': use 'ranker', 'crossEncoder' or 'mmr'`);
    }
    if (stage === 'crossEncoder' && typeof s.score !== 'function') {
      throw invalid('the crossEncoder stage needs score: async (query, docs) => number[]');
    }
    return { ...s, stage };
  });
}

const TOP_K = 100000; // Limits::kTopK, as the core's search checks k

function checkK(k, what) {
  if (!Number.isInteger(k) || k < 0) throw invalid(`${what} must be a whole number >= 0, not ${k}`);
  if (k > TOP_K) throw new OspreyError(`${what} must be at most ${TOP_K}`, 'LIMIT_EXCEEDED');
}

/**
 * search(query, {rerank: [...]}) : recall (k1 = recallK) -> ranker (k2) -> cross-encoder (k3) -> mmr.
 * `request` is the core search request built by Collection.search (text, vector, filterJson, ...).
 * The result array carries .stages, .degraded and .degradedReason.
 */
export async function cascadeSearch(handle, request) {
  const core = await loadCore();
  const start = performance.now();
  const { rerank, k = 10, budgetMs = 0, explain = false, tokenVectors, tokenWeights, features, ...recall } = request;
  const stages = normalizeStages(rerank);
  checkK(k, 'options.k');
  if (typeof explain !== 'boolean') throw invalid(`options.explain must be true or false, not ${explain}`);
  const rankerStage = stages.find((s) => s.stage === 'ranker');
  const coreRequest = {
    ...recall,
    ...coreQuery({ text: request.text, vector: request.vector, tokenVectors, tokenWeights }, 'options'),
    recallK: recall.recallK ?? 1000,
    budgetMs,
    features,
    ranker: rankerStage ? { k: rankerStage.k ?? 100, weights: rankerStage.weights } : undefined,
  };
  const session = core.rerankBegin(handle, coreRequest);
  try {
    for (const s of stages) {
      if (s.stage === 'crossEncoder') {
        const spent = performance.now() - start;
        if (budgetMs > 0 && spent >= budgetMs) {
          session.markDegraded(`time budget of ${budgetMs} ms spent before the cross-encoder stage`);
          break;
        }
        const candidates = session.hits(s.k ?? 20, false, true).map((h) => ({ id: h.id, title: h.title, body: h.body }));
        if (candidates.length === 0) continue;
        const outcome = await withTimeout(Promise.resolve(s.score(request.text, candidates)),
          budgetMs > 0 ? budgetMs - spent : 0);
        if (outcome.timedOut) {
          session.markDegraded(`time budget of ${budgetMs} ms spent waiting for the cross-encoder`);
          break;
        }
        const scores = outcome.value;
        if (!Array.isArray(scores) && !ArrayBuffer.isView(scores)) {
          throw invalid('the crossEncoder score provider must return an array of numbers');
        }
        checkVector(scores, 'the crossEncoder scores');
        if (scores.length !== candidates.length) {
          throw invalid(`the crossEncoder score provider returned ${scores.length} scores for ${candidates.length} candidates`);
        }
        session.applyScores(Float32Array.from(scores), 'cross_encoder');
      } else if (s.stage === 'mmr') {
        session.diversify(s.lambda ?? 0.7, s.k ?? k);
      }
    }
    const hits = session.hits(k, explain, true).map(({ metadataJson, ...rest }) => ({
      ...rest, metadata: JSON.parse(metadataJson),
    }));
    const info = session.info();
    return Object.assign(hits, {
      stages: info.stages, degraded: info.degraded, degradedReason: info.degradedReason,
      elapsedMs: performance.now() - start,
    });
  } finally {
    session.delete();
  }
}

/** Convex combination of scored lists [{id, score}] with per-list weights (min-max or z-score). */
export async function fuseScores(lists, { weights, normalization = 'minmax', k = 10 } = {}) {
  const core = await loadCore();
  return core.fuseScores(lists, Float32Array.from(weights ?? lists.map(() => 1)), normalization, k);
}
