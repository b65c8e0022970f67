// Hugging Face tokenizers (tokenizer.json) run by Osprey's C++ core: bit-exact token ids for
// WordPiece, byte-level BPE, Unigram and WordLevel models. Offsets are code-point offsets into the
// input text ([start, end), special tokens [0, 0]).
import { loadCore } from './core.js';
import { guardMethods } from './api.js';
import { OspreyError } from './errors.js';

const encoder = new TextEncoder();

function checkText(text, what) {
  if (typeof text !== 'string') throw new OspreyError(`${what} must be a string`, 'INVALID_ARGUMENT');
  if (!text.isWellFormed()) {
    throw new OspreyError(`${what} is not well-formed Unicode (it has an unpaired UTF-16 surrogate)`, 'INVALID_UTF8');
  }
}

async function readText(url, fetchImpl) {
  const u = url instanceof URL ? url : new URL(String(url), globalThis.location?.href ?? `file://${process.cwd()}/`);
  if (u.protocol === 'file:') {
    const { readFile } = await import(/* webpackIgnore: true */ 'node:fs/promises');
    return readFile(u, 'utf8');
  }
  const response = await (fetchImpl ?? fetch)(u);
  if (!response.ok) throw new OspreyError(`could not fetch ${u} (HTTP ${response.status})`, 'FETCH_FAILED');
  return response.text();
}

export class Tokenizer {
  #handle;

  /** Use Tokenizer.fromJson / Tokenizer.fromUrl. */
  constructor(handle) { this.#handle = handle; }

  /**
   * @param {string|object} json tokenizer.json (text or parsed object)
   * @param {string|object} [configJson] tokenizer_config.json (do_lower_case, model_max_length, ...)
   * @param {{wasmUrl?: string|URL, wasmBinary?: ArrayBuffer|Uint8Array}} [coreOptions]
   */
  static async fromJson(json, configJson, coreOptions) {
    const core = await loadCore(coreOptions);
    const text = typeof json === 'string' ? json : JSON.stringify(json);
    const config = configJson === undefined || configJson === null ? undefined
      : typeof configJson === 'string' ? configJson : JSON.stringify(configJson);
    return new Tokenizer(core.TokenizerHandle.fromJson(text, config));
  }

  /**
   * @param {string|URL} url of tokenizer.json
   * @param {{configUrl?: string|URL, fetch?: typeof fetch}} [options]
   */
  static async fromUrl(url, { configUrl, fetch: fetchImpl, ...coreOptions } = {}) {
    const [json, config] = await Promise.all([
      readText(url, fetchImpl),
      configUrl ? readText(configUrl, fetchImpl) : undefined,
    ]);
    return Tokenizer.fromJson(json, config, coreOptions);
  }

  get #live() {
    if (!this.#handle) throw new OspreyError('the tokenizer was disposed', 'CLOSED');
    return this.#handle;
  }

  /**
   * @param {string} text
   * @param {string|null} [pair]
   * @param {{addSpecialTokens?: boolean, maxLength?: number, truncation?: boolean|string,
   *   padding?: boolean|'longest'|'max_length', padToMultipleOf?: number}} [options]
   * @returns {{inputIds: Int32Array, attentionMask: Int32Array, tokenTypeIds: Int32Array,
   *   specialTokensMask: Int32Array, offsets: Array<[number, number]>}}
   */
  encode(text, pair, options) {
    if (pair !== null && typeof pair === 'object' && options === undefined) {
      options = pair;
      pair = undefined;
    }
    const raw = this.#live.encode(text, pair ?? undefined, options);
    const flat = raw.offsets;
    const offsets = new Array(flat.length / 2);
    for (let i = 0; i < offsets.length; i++) offsets[i] = [flat[2 * i], flat[2 * i + 1]];
    return { ...raw, offsets };
  }

  /**
   * Encodes many texts (or [text, pair] items, or texts plus a parallel `pairs` array) into flat
   * row-major tensors padded to the longest row (or to maxLength with padding 'max_length').
   * @param {Array<string|[string, string]>} texts
   * @param {string[]|object} [pairs] or the options
   * @param {{maxLength?: number, truncation?: boolean|string, padding?: boolean|string,
   *   padToMultipleOf?: number, addSpecialTokens?: boolean, dtype?: 'int32'|'int64'}} [options]
   * @returns {{inputIds: Int32Array|BigInt64Array, attentionMask: Int32Array|BigInt64Array,
   *   tokenTypeIds: Int32Array|BigInt64Array, rows: number, cols: number, shape: [number, number]}}
   */
  encodeBatch(texts, pairs, options) {
    if (!Array.isArray(pairs)) {
      options = pairs;
      pairs = undefined;
    }
    if (!Array.isArray(texts)) throw new OspreyError('texts must be an array', 'INVALID_ARGUMENT');
    let firsts = texts;
    if (!pairs && texts.length > 0 && Array.isArray(texts[0])) {
      firsts = texts.map((t) => t[0]);
      pairs = texts.map((t) => t[1]);
    }
    if (pairs && pairs.length !== firsts.length) {
      throw new OspreyError(`${firsts.length} texts but ${pairs.length} pairs`, 'INVALID_ARGUMENT');
    }
    const all = pairs ? firsts.concat(pairs) : firsts;
    let upper = 0;
    for (let i = 0; i < all.length; i++) {
      checkText(all[i], `texts[${i % firsts.length}]${pairs && i >= firsts.length ? ' (pair)' : ''}`);
      upper += all[i].length * 3;
    }
    const handle = this.#live;
    handle.lengthsBuffer(all.length);
    const input = handle.inputBuffer(upper);
    const lengths = handle.lengthsBuffer(all.length); // re-fetched: inputBuffer may grow memory
    // encodeInto() refuses views of shared memory (the multithreaded core): encode, then copy.
    const shared = typeof SharedArrayBuffer === 'function' && input.buffer instanceof SharedArrayBuffer;
    let pos = 0;
    for (let i = 0; i < all.length; i++) {
      let written;
      if (shared) {
        const bytes = encoder.encode(all[i]);
        input.set(bytes, pos);
        written = bytes.length;
      } else {
        ({ written } = encoder.encodeInto(all[i], input.subarray(pos)));
      }
      lengths[i] = written;
      pos += written;
    }
    const int64 = options?.dtype === 'int64';
    const out = handle.encodePacked(firsts.length, !!pairs, options, int64);
    out.shape = [out.rows, out.cols];
    return out;
  }

  /** @param {ArrayLike<number>} ids @param {{skipSpecialTokens?: boolean}} [options] */
  decode(ids, { skipSpecialTokens = false } = {}) {
    return this.#live.decode(ids instanceof Int32Array ? Array.from(ids) : ids, skipSpecialTokens);
  }

  /** @returns {number|undefined} */
  tokenToId(token) { return this.#live.tokenToId(token); }
  /** @returns {string|undefined} */
  idToToken(id) { return this.#live.idToToken(id); }
  get vocabSize() { return this.#live.vocabSize(); }
  /** tokenizer_config.json's model_max_length (0 when unknown). */
  get modelMaxLength() { return this.#live.modelMaxLength(); }
  get padId() { return this.#live.padId(); }
  /**
   * A stable fingerprint of this tokenizer's definition (tokenizer.json and tokenizer_config.json):
   * collections built with a model's embeddings record it, and refuse to open with another.
   */
  get fingerprint() { return this.#live.fingerprint(); }

  /** Frees the WebAssembly memory of this tokenizer. */
  dispose() {
    this.#handle?.delete();
    this.#handle = undefined;
  }
}

// Options are checked against the declaration (api.js) before each call.
guardMethods(Tokenizer.prototype, 'Tokenizer');
guardMethods(Tokenizer, 'TokenizerStatic');

export default Tokenizer;
