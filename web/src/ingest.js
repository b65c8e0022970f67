// Documents in, context out, for a Collection (logic in C++: src/ingest). JS turns documents into
// what the core takes and embeds the passages that an ingestion plan lists: the plan is made in
// C++ (chunking, content hashes against the stored passages), the model runs here, and the plan is
// applied in one all-or-nothing step. Re-adding an unchanged document embeds nothing.
import { checkVector } from './api.js';
import { loadCore } from './core.js';
import { OspreyError } from './errors.js';
import { checkJsonDepth, toJson } from './json.js';
import { Tokenizer } from './tokenizer.js';

// Same limit as the core (IngestLimits::kDocumentBytes): refused here before the text is copied
// into WebAssembly memory. A JS string needs at least one UTF-8 byte per UTF-16 unit.
const MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

const queues = new WeakMap(); // core handle -> promise of its last ingestion (one at a time)
const embedWork = new WeakMap(); // core handle -> {calls, texts}

function invalid(message) {
  return new OspreyError(message, 'INVALID_ARGUMENT');
}

function checkOptions(options, what) {
  if (options === null || typeof options !== 'object') throw invalid(`${what} options must be an object`);
}

function checkSize(text, what) {
  if (typeof text === 'string' && text.length > MAX_DOCUMENT_BYTES) {
    throw new OspreyError(`${what} has ${text.length} characters; documents are limited to 64 MiB of ` +
      'UTF-8: split it into several documents', 'LIMIT_EXCEEDED');
  }
}

function toSource(doc, i, format) {
  const where = `documents[${i}]`;
  if ((doc?.format ?? format) === 'json') {
    // A JSON record: an object, or its JSON text (a JSONL line).
    const recordJson = typeof doc === 'string' ? doc : toJson(doc, where);
    if (typeof recordJson !== 'string') throw invalid(`${where} must be a JSON record (object or JSON text)`);
    checkSize(recordJson, where);
    checkJsonDepth(recordJson, where);
    return { format: 'json', recordJson };
  }
  if (doc === null || typeof doc !== 'object') throw invalid(`${where} must be an object {id, text, title, metadata, format}`);
  if (doc.text !== undefined && doc.body !== undefined) throw invalid(`${where} has both 'text' and 'body': give one`);
  const text = doc.text ?? doc.body;
  checkSize(text, where);
  return { id: doc.id, title: doc.title, text, metadataJson: toJson(doc.metadata, `${where}.metadata`), format: doc.format };
}

/**
 * What the core measures passages and prompts with: a function (text) => count, an object with
 * count(text), or a tokenizer with encode(text, {addSpecialTokens}) (Osprey's Tokenizer,
 * Transformers.js tokenizers). It must be synchronous.
 */
export function tokenizerSpec(tokenizer) {
  if (tokenizer === undefined || tokenizer === null) return undefined;
  const number = (n) => {
    if (n && typeof n.then === 'function') throw invalid('the tokenizer must count synchronously');
    return n;
  };
  if (typeof tokenizer === 'function') return { count: (t) => number(tokenizer(t)), name: tokenizer.name ?? '' };
  if (typeof tokenizer !== 'object') throw invalid('tokenizer must be a function or a tokenizer object');
  if (typeof tokenizer.count === 'function') {
    for (const key of ['specialTokens', 'maxLength']) {
      const n = tokenizer[key];
      if (n !== undefined && n !== null && (!Number.isInteger(n) || n < 0)) {
        throw invalid(`tokenizer.${key} must be a whole number >= 0, not ${n}`);
      }
    }
    return { count: (t) => number(tokenizer.count(t)), specialTokens: tokenizer.specialTokens ?? 0,
      maxLength: tokenizer.maxLength ?? 0, name: tokenizer.name ?? '' };
  }
  if (typeof tokenizer.encode !== 'function') throw invalid('tokenizer needs count(text) or encode(text)');
  const length = (encoded) => {
    number(encoded);
    const ids = Array.isArray(encoded) ? encoded : encoded?.inputIds ?? encoded?.input_ids ?? encoded?.ids;
    if (!ids || typeof ids.length !== 'number') throw invalid('tokenizer.encode(text) returned no ids');
    return ids.length;
  };
  // Osprey's Tokenizer takes addSpecialTokens (and refuses other keys); Transformers.js tokenizers
  // take add_special_tokens.
  const encode = tokenizer instanceof Tokenizer
    ? (t, special) => tokenizer.encode(t, { addSpecialTokens: special })
    : (t, special) => tokenizer.encode(t, { addSpecialTokens: special, add_special_tokens: special });
  const specialTokens = length(encode('', true));
  const modelMax = tokenizer.modelMaxLength ?? tokenizer.model_max_length ?? 0;
  return { count: (t) => length(encode(t, false)), specialTokens,
    maxLength: modelMax > 0 && modelMax <= 1e6 ? modelMax : 0, name: tokenizer.name ?? tokenizer.id ?? '' };
}

// One ingestion at a time per collection: a plan is made against the state it will change.
function serialized(handle, task) {
  const previous = queues.get(handle) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(task);
  queues.set(handle, next);
  return next;
}

async function embedPassages(handle, embedder, embed, texts) {
  const fn = embed ?? (embedder ? (t) => embedder.embedDocuments(t) : null);
  if (!fn) {
    throw invalid(`${texts.length} passages need vectors (the collection has a dense index): ` +
      'open it with {model} or {embedder}, or pass {embed: async (texts) => vectors}');
  }
  const work = embedWork.get(handle) ?? { calls: 0, texts: 0 };
  embedWork.set(handle, work);
  const vectors = [];
  const batch = 256;
  for (let i = 0; i < texts.length; i += batch) {
    const part = texts.slice(i, i + batch);
    work.calls += 1;
    work.texts += part.length;
    const out = await fn(part);
    if (!Array.isArray(out) || out.length !== part.length) {
      throw invalid(`the embedder returned ${out?.length} vectors for ${part.length} texts`);
    }
    out.forEach((v, j) => checkVector(v, `the embedder's vector ${i + j}`));
    vectors.push(...out);
  }
  return vectors;
}

/**
 * Ingests documents: each is cut into passages (stored as documents `${id}#<hash>` with metadata
 * {docId, section, start, end}); a document already ingested is compared passage by passage and
 * only changed passages are embedded and indexed.
 * @param {object} handle the core collection
 * @param {object|null} embedder the collection's embedder
 * @param {Array<object|string>} docs [{id, text, title, metadata, format}] or JSON records
 * @param {object} [options] {format, chunk: {maxTokens, overlap, splitLongWords}, tokenizer,
 *   fields: {id, title, body, metadata, bodyFormat}, embed}
 */
export async function addDocuments(handle, embedder, docs, options = {}) {
  checkOptions(options, 'addDocuments');
  if (!Array.isArray(docs)) throw invalid('documents must be an array');
  const { format, chunk, tokenizer, fields, embed } = options;
  const core = await loadCore();
  const sources = docs.map((d, i) => toSource(d, i, format));
  const spec = tokenizerSpec(tokenizer);
  return serialized(handle, async () => {
    const plan = core.ingestPlan(handle, sources, { format: format === 'json' ? undefined : format, chunk, tokenizer: spec, fields });
    try {
      let vectors = [];
      if (plan.size() > 0 && handle.info().dimension > 0) {
        vectors = await embedPassages(handle, embedder, embed, plan.texts());
      }
      return { ...plan.apply(handle, vectors), embedded: vectors.length };
    } finally {
      plan.delete();
    }
  });
}

/** Deletes ingested documents and all their passages; an unknown id fails the whole call. */
export async function deleteDocuments(handle, ids) {
  const core = await loadCore();
  const list = typeof ids === 'string' ? [ids] : ids;
  return serialized(handle, async () => {
    const plan = core.ingestDeletePlan(handle, list);
    try {
      return plan.apply(handle, []);
    } finally {
      plan.delete();
    }
  });
}

async function request(handle, embedder, query, options, what) {
  checkOptions(options, what);
  const { filter, tokenizer, ...rest } = options;
  const r = { ...rest, text: query ?? '', filterJson: toJson(filter, 'filter') };
  if (tokenizer !== undefined) r.tokenizer = tokenizerSpec(tokenizer);
  if (embedder && handle.info().dimension > 0 && r.vector == null && r.text !== '' && r.mode !== 'sparse') {
    r.vector = await embedder.embedQuery(r.text);
  }
  return r;
}

/**
 * Documents ranked by their passages (aggregate 'max' or 'sum'), each with its best passages,
 * their offsets into the source, highlight spans and an HTML snippet.
 * @param {object} [options] {k, aggregate, passagesPerDocument, candidates, filter, mode, vector,
 *   highlight, snippetChars}
 */
export async function searchDocuments(handle, embedder, query, options = {}) {
  const core = await loadCore();
  return core.ingestSearchDocuments(handle, await request(handle, embedder, query, options, 'searchDocuments'));
}

/**
 * The best passages packed into a token budget, for a language model's prompt.
 * @param {object} [options] {tokenBudget, maxPerDoc, order: 'relevance'|'document'|'edges',
 *   dedupe (Jaccard threshold, > 1 keeps all), mergeNeighbors, candidates, tokenizer, filter,
 *   mode, vector}
 * @returns {Promise<{prompt, tokens, passages: Array<{citation, docId, section, text, start, end}>}>}
 */
export async function context(handle, embedder, query, options = {}) {
  const core = await loadCore();
  return core.ingestContext(handle, await request(handle, embedder, query, options, 'context'));
}

/** The passages an ingested document became, or null. */
export async function documentPassages(handle, id) {
  const core = await loadCore();
  return core.ingestDocument(handle, id);
}

/** The ids of every ingested document, sorted (to find documents whose source is gone). */
export async function documentIds(handle) {
  const core = await loadCore();
  return core.ingestDocumentIds(handle);
}

/** Work done by ingestion on this collection: passages indexed/embedded, documents skipped... */
export async function ingestStats(handle) {
  const core = await loadCore();
  const work = embedWork.get(handle) ?? { calls: 0, texts: 0 };
  return { ...core.ingestCounters(handle), embedCalls: work.calls, embeddedTexts: work.texts };
}

/**
 * Chunking alone: passages of `text` with offsets, without a collection.
 * @param {object} [options] {format, chunk: {maxTokens, overlap, splitLongWords}, tokenizer,
 *   includeText (default true; false returns offsets only)}
 */
export async function chunkText(text, options = {}) {
  checkOptions(options, 'chunkText');
  const core = await loadCore();
  const { chunk, format, tokenizer, includeText } = options;
  if (typeof text === 'string') checkSize(text, 'text');
  return core.chunkText(text, { chunk, format, tokenizer: tokenizerSpec(tokenizer), includeText });
}
