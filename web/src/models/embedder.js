// Sentence embeddings: tokenizer (C++) -> length buckets -> onnxruntime-web -> pooling and
// normalization (C++). Queries and passages get their own prefixes (e5 "query: "/"passage: ", the bge
// query instruction); a dual encoder (DPR) runs its question and passage models.
import { OspreyError } from '../errors.js';
import { runBucketed } from './batch_runner.js';
import { loadEncoderFiles } from './model_files.js';
import { partEntry, resolveModel } from './manifest.js';

class Encoder {
  constructor(entry, parts, options) {
    Object.assign(this, parts);
    this.entry = entry;
    this.batchSize = options.batchSize;
    this.maxTokens = options.maxTokens;
  }

  /** texts -> flat Float32Array [texts.length * dimension] (+ the dimension). */
  async encode(texts, { signal } = {}) {
    const { core, entry } = this;
    const tokens = await this.tokenizer.encodeBatch(texts, { maxLength: entry.maxLength });
    let dimension = entry.dimension;
    let out = null;
    await runBucketed({
      core, ort: this.ort, queue: this.queue, tokens, outputName: this.outputName, padId: this.tokenizer.padId,
      batchSize: this.batchSize, maxTokens: this.maxTokens, signal,
      onBatch: ({ rows, seq, output, mask }) => {
        const pooledModel = entry.pooling === 'none';
        const dims = output.dims;
        const dim = dims[dims.length - 1];
        if (dims.length !== (pooledModel ? 2 : 3) || dims[0] !== rows.length) {
          throw new OspreyError(`model '${entry.id}' output '${this.outputName}' has shape [${dims}], ` +
            `expected [${rows.length}, ${pooledModel ? '' : `${seq}, `}dim] for pooling '${entry.pooling}'`,
          'MODEL_OUTPUT_MISMATCH');
        }
        if (dimension !== undefined && dim !== dimension) {
          throw new OspreyError(`model '${entry.id}' returns ${dim}-dimensional vectors, its entry says ${dimension}`,
            'MODEL_OUTPUT_MISMATCH');
        }
        dimension = dim;
        out ??= new Float32Array(texts.length * dim);
        const pooled = core.modelPool({
          data: output.data, batch: rows.length, seq: pooledModel ? 1 : seq, dim,
          mask: pooledModel ? null : mask, pooling: entry.pooling, normalize: entry.normalize,
        });
        for (let i = 0; i < rows.length; i++) out.set(pooled.subarray(i * dim, (i + 1) * dim), rows[i] * dim);
      },
    });
    return { vectors: out ?? new Float32Array(0), dimension };
  }

  async dispose() {
    await this.queue.release();
    this.tokenizer.dispose();
  }
}

function checkTexts(texts) {
  if (!Array.isArray(texts)) throw new OspreyError('texts must be an array of strings', 'INVALID_ARGUMENT');
  texts.forEach((t, i) => {
    if (typeof t !== 'string') throw new OspreyError(`texts[${i}] must be a string`, 'INVALID_ARGUMENT');
  });
}

export class TextEmbedder {
  #query;
  #passage;

  /** @internal use TextEmbedder.load() */
  constructor(entry, query, passage) {
    this.entry = entry;
    this.#query = query;
    this.#passage = passage;
  }

  /**
   * @param {string|object} model a manifest id or entry (task 'embedding' or 'dual-encoder')
   * @param {object} [options] {variant, device, signal, onProgress, cache, ort, tokenizer, batchSize, maxTokens}
   */
  static async load(model, options = {}) {
    const entry = await resolveModel(model, options);
    if (entry.task !== 'embedding' && entry.task !== 'dual-encoder') {
      throw new OspreyError(`model '${entry.id}' is a ${entry.task} model, not an embedding model`, 'INVALID_ARGUMENT');
    }
    if (entry.task === 'embedding') {
      const encoder = new Encoder(entry, await loadEncoderFiles(entry, options), options);
      return new TextEmbedder(entry, encoder, encoder);
    }
    const [q, p] = await Promise.all(['query', 'passage'].map(async (part) => {
      const e = partEntry(entry, part);
      return new Encoder(e, await loadEncoderFiles(e, options), options);
    }));
    return new TextEmbedder(entry, q, p);
  }

  get id() { return this.entry.id; }
  get dimension() { return this.entry.dimension; }
  get metric() { return this.entry.metric ?? (this.entry.normalize ? 'cosine' : 'dot'); }
  get device() { return this.#passage.device; }
  /**
   * Fingerprint of the tokenizer(s) (query + passage for a dual encoder), as storage/binding.js
   * computes it from the files; undefined when a tokenizer cannot say (then binding.js reads them).
   */
  get tokenizerFingerprint() {
    const encoders = this.#query === this.#passage ? [this.#passage] : [this.#query, this.#passage];
    const prints = encoders.map((e) => e.tokenizer.raw?.fingerprint);
    return prints.every((p) => typeof p === 'string') ? prints.join('+') : undefined;
  }

  /**
   * @param {string[]} texts
   * @param {{kind?: 'query'|'passage', signal?: AbortSignal}} [options]
   * @returns {Promise<Float32Array[]>} one vector per text (views of one buffer)
   */
  async embed(texts, { kind = 'passage', signal } = {}) {
    checkTexts(texts);
    if (kind !== 'query' && kind !== 'passage') throw new OspreyError("kind must be 'query' or 'passage'", 'INVALID_ARGUMENT');
    const prefix = (kind === 'query' ? this.entry.queryPrefix : this.entry.passagePrefix) ?? '';
    const encoder = kind === 'query' ? this.#query : this.#passage;
    const { vectors, dimension } = await encoder.encode(prefix ? texts.map((t) => prefix + t) : texts, { signal });
    return texts.map((_, i) => vectors.subarray(i * dimension, (i + 1) * dimension));
  }

  embedDocuments(texts, options) { return this.embed(texts, { ...options, kind: 'passage' }); }
  async embedQuery(text, options) { return (await this.embed([text], { ...options, kind: 'query' }))[0]; }

  async dispose() {
    await this.#query.dispose();
    if (this.#passage !== this.#query) await this.#passage.dispose();
  }
}
