// Cross-encoder reranking: (query, passage) pairs encoded together with token_type_ids and
// longest_first truncation; scores by the model's convention (raw logit or sigmoid for single-logit
// rerankers, softmax[positive] for two-logit classifiers; never a softmax over one logit).
import { OspreyError } from '../errors.js';
import { runBucketed } from './batch_runner.js';
import { loadEncoderFiles } from './model_files.js';
import { resolveModel } from './manifest.js';

export class CrossEncoder {
  #parts;
  #options;

  /** @internal use CrossEncoder.load() */
  constructor(entry, parts, options) {
    this.entry = entry;
    this.#parts = parts;
    this.#options = options;
  }

  /** @param {string|object} model a manifest id or entry with task 'cross-encoder' */
  static async load(model, options = {}) {
    const entry = await resolveModel(model, options);
    if (entry.task !== 'cross-encoder') {
      throw new OspreyError(`model '${entry.id}' is a ${entry.task} model, not a cross-encoder`, 'INVALID_ARGUMENT');
    }
    return new CrossEncoder(entry, await loadEncoderFiles(entry, options), options);
  }

  get id() { return this.entry.id; }

  /**
   * Scores pairs [query, passage].
   * @param {Array<[string, string]>} pairs
   * @param {{score?: 'auto'|'raw'|'sigmoid'|'softmax', signal?: AbortSignal}} [options]
   * @returns {Promise<Float32Array>} one score per pair, in input order
   */
  async scorePairs(pairs, { score, signal } = {}) {
    if (!Array.isArray(pairs)) throw new OspreyError('pairs must be an array of [query, passage]', 'INVALID_ARGUMENT');
    const first = [];
    const second = [];
    pairs.forEach((p, i) => {
      if (!Array.isArray(p) || p.length !== 2 || typeof p[0] !== 'string' || typeof p[1] !== 'string') {
        throw new OspreyError(`pairs[${i}] must be [query, passage] strings`, 'INVALID_ARGUMENT');
      }
      first.push(p[0]);
      second.push(p[1]);
    });
    const { core, ort, queue, tokenizer, outputName } = this.#parts;
    const tokens = await tokenizer.encodeBatch(first, { pairs: second, maxLength: this.entry.maxLength });
    const scores = new Float32Array(pairs.length);
    const mode = score ?? this.entry.score ?? 'auto';
    const positive = this.entry.positiveLabel ?? (this.entry.labels === 2 ? 1 : 0);
    await runBucketed({
      core, ort, queue, tokens, outputName, padId: tokenizer.padId, signal,
      batchSize: this.#options.batchSize, maxTokens: this.#options.maxTokens,
      onBatch: ({ rows, output }) => {
        const labels = output.dims[output.dims.length - 1];
        if (output.dims.length !== 2 || output.dims[0] !== rows.length) {
          throw new OspreyError(`cross-encoder '${this.entry.id}' returned logits of shape [${output.dims}]`,
            'MODEL_OUTPUT_MISMATCH');
        }
        const batch = core.modelScores(output.data, rows.length, labels, mode, positive);
        for (let i = 0; i < rows.length; i++) scores[rows[i]] = batch[i];
      },
    });
    return scores;
  }

  /** Scores each passage against one query. */
  score(query, passages, options) {
    if (!Array.isArray(passages)) throw new OspreyError('passages must be an array of strings', 'INVALID_ARGUMENT');
    return this.scorePairs(passages.map((p) => [query, p]), options);
  }

  /** Reorders hits ({text|body|title}) by cross-encoder score; returns [{...hit, score}] best first. */
  async rerank(query, hits, { field, ...options } = {}) {
    const text = (h) => (field ? h[field] : h.text ?? h.body ?? `${h.title ?? ''}`);
    const scores = await this.score(query, hits.map((h) => String(text(h) ?? '')), options);
    return hits.map((h, i) => ({ ...h, score: scores[i] })).sort((a, b) => b.score - a.score);
  }

  async dispose() {
    await this.#parts.queue.release();
    this.#parts.tokenizer.dispose();
  }
}
