// Token embeddings for late interaction (ColBERT): one vector per kept token. Queries get the query
// marker and (optionally) [MASK] augmentation up to queryMaxLength; documents get the document marker,
// and padding and punctuation tokens are dropped, as ColBERT does. MaxSim is the rerank stage's job:
// this produces {data: Float32Array(count x dim), count, dim} per text.
import { OspreyError } from '../errors.js';
import { runBucketed } from './batch_runner.js';
import { loadEncoderFiles } from './model_files.js';
import { resolveModel } from './manifest.js';

const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

export class TokenEmbedder {
  #parts;
  #options;
  #skipIds;

  /** @internal use TokenEmbedder.load() */
  constructor(entry, parts, options) {
    this.entry = entry;
    this.#parts = parts;
    this.#options = options;
    const { tokenizer } = parts;
    const colbert = entry.colbert ?? {};
    this.queryMarkerId = colbert.queryMarker ? tokenizer.tokenToId(colbert.queryMarker) : undefined;
    this.documentMarkerId = colbert.documentMarker ? tokenizer.tokenToId(colbert.documentMarker) : undefined;
    this.maskId = tokenizer.tokenToId(colbert.maskToken ?? '[MASK]');
    this.#skipIds = Int32Array.from(colbert.skipPunctuation === false ? []
      : [...PUNCTUATION].map((c) => tokenizer.tokenToId(c)).filter((id) => id !== undefined));
  }

  /** @param {string|object} model a manifest id or entry with task 'token-embeddings' */
  static async load(model, options = {}) {
    const entry = await resolveModel(model, options);
    if (entry.task !== 'token-embeddings') {
      throw new OspreyError(`model '${entry.id}' is a ${entry.task} model, not a token-embedding model`, 'INVALID_ARGUMENT');
    }
    return new TokenEmbedder(entry, await loadEncoderFiles(entry, options), options);
  }

  get id() { return this.entry.id; }
  get dimension() { return this.entry.dimension; }
  /** Token ids dropped from documents (punctuation), for callers that need them. */
  get skipIds() { return this.#skipIds; }

  // Inserts the marker after [CLS] and, for queries, pads with [MASK] (attended) to queryMaxLength.
  #prepare(tokens, marker, augmentTo) {
    const extra = marker === undefined ? 0 : 1;
    const cols = Math.max(tokens.cols + extra, augmentTo ?? 0);
    if (extra === 0 && cols === tokens.cols) return tokens;
    const n = tokens.rows;
    const out = { rows: n, cols, inputIds: new Int32Array(n * cols), attentionMask: new Int32Array(n * cols),
      tokenTypeIds: new Int32Array(n * cols) };
    for (let r = 0; r < n; r++) {
      let w = r * cols;
      for (let c = 0; c < tokens.cols; c++) {
        const at = r * tokens.cols + c;
        if (tokens.attentionMask[at] === 0) break;
        out.inputIds[w] = tokens.inputIds[at];
        out.attentionMask[w++] = 1;
        if (c === 0 && extra) { out.inputIds[w] = marker; out.attentionMask[w++] = 1; }
      }
      if (augmentTo !== undefined && this.maskId !== undefined) {
        for (; w < r * cols + augmentTo; w++) { out.inputIds[w] = this.maskId; out.attentionMask[w] = 1; }
      }
    }
    return out;
  }

  /**
   * @param {string[]} texts
   * @param {{kind?: 'query'|'document', signal?: AbortSignal}} [options]
   * @returns {Promise<Array<{data: Float32Array, count: number, dim: number}>>}
   */
  async embed(texts, { kind = 'document', signal } = {}) {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== 'string')) {
      throw new OspreyError('texts must be an array of strings', 'INVALID_ARGUMENT');
    }
    const isQuery = kind === 'query';
    const colbert = this.entry.colbert ?? {};
    const marker = isQuery ? this.queryMarkerId : this.documentMarkerId;
    const limit = (isQuery ? colbert.queryMaxLength : colbert.documentMaxLength) ?? this.entry.maxLength;
    const { core, ort, queue, tokenizer, outputName } = this.#parts;
    const raw = await tokenizer.encodeBatch(texts, { maxLength: limit - (marker === undefined ? 0 : 1) });
    const tokens = this.#prepare(raw, marker, isQuery && colbert.queryAugmentation ? limit : undefined);
    const results = new Array(texts.length);
    await runBucketed({
      core, ort, queue, tokens, outputName, padId: tokenizer.padId, signal,
      batchSize: this.#options.batchSize, maxTokens: this.#options.maxTokens,
      onBatch: ({ rows, seq, output, mask, ids }) => {
        const dim = output.dims[2];
        if (output.dims.length !== 3 || (this.entry.dimension !== undefined && dim !== this.entry.dimension)) {
          throw new OspreyError(`model '${this.entry.id}' output has shape [${output.dims}], expected [batch, seq, ${this.entry.dimension}]`,
            'MODEL_OUTPUT_MISMATCH');
        }
        const tv = core.modelTokenVectors({
          data: output.data, batch: rows.length, seq, dim, mask, ids,
          skipIds: isQuery ? new Int32Array(0) : this.#skipIds, normalize: this.entry.normalize,
        });
        let at = 0;
        for (let i = 0; i < rows.length; i++) {
          const count = tv.counts[i];
          results[rows[i]] = { data: tv.data.slice(at * dim, (at + count) * dim), count, dim };
          at += count;
        }
      },
    });
    return results;
  }

  embedQueries(texts, options) { return this.embed(texts, { ...options, kind: 'query' }); }
  embedDocuments(texts, options) { return this.embed(texts, { ...options, kind: 'document' }); }

  async dispose() {
    await this.#parts.queue.release();
    this.#parts.tokenizer.dispose();
  }
}
