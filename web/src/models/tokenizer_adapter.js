// The tokenizer a model runs with: by default Osprey's C++ tokenizer (web/src/tokenizer.js, bit-exact
// with Hugging Face tokenizers), or any object with the same shape passed as {tokenizer}. Batches come
// back as flat row-major Int32Arrays padded to the longest row.
import { loadCore } from '../core.js';
import { OspreyError } from '../errors.js';

/**
 * @typedef {object} BatchTokens
 * @property {Int32Array} inputIds  rows x cols
 * @property {Int32Array} attentionMask
 * @property {Int32Array} tokenTypeIds
 * @property {number} rows
 * @property {number} cols
 */

/** Normalizes what a tokenizer's encodeBatch returns to BatchTokens. */
export function toBatchTokens(raw, count) {
  const inputIds = raw.inputIds ?? raw.input_ids;
  const attentionMask = raw.attentionMask ?? raw.attention_mask;
  const tokenTypeIds = raw.tokenTypeIds ?? raw.token_type_ids ?? new Int32Array(inputIds.length);
  const rows = raw.rows ?? raw.batchSize ?? count;
  const cols = raw.cols ?? raw.sequenceLength ?? raw.seqLength ?? (rows ? inputIds.length / rows : 0);
  if (!(inputIds instanceof Int32Array) || !(attentionMask instanceof Int32Array) || inputIds.length !== rows * cols) {
    throw new OspreyError('the tokenizer returned a batch of an unexpected shape', 'INTERNAL');
  }
  return { inputIds, attentionMask, tokenTypeIds, rows, cols };
}

class TokenizerHandle {
  #tokenizer;
  constructor(tokenizer) { this.#tokenizer = tokenizer; }
  get raw() { return this.#tokenizer; }

  /** texts (and pairs) -> BatchTokens, truncated to maxLength (pairs: longest_first). */
  async encodeBatch(texts, { pairs, maxLength } = {}) {
    if (texts.length === 0) return { inputIds: new Int32Array(0), attentionMask: new Int32Array(0), tokenTypeIds: new Int32Array(0), rows: 0, cols: 0 };
    const options = { maxLength, truncation: 'longest_first', padding: 'longest', addSpecialTokens: true };
    // A custom tokenizer may be asynchronous (e.g. the Rust binding); Osprey's is synchronous.
    const raw = await (pairs ? this.#tokenizer.encodeBatch(texts, pairs, options) : this.#tokenizer.encodeBatch(texts, options));
    return toBatchTokens(raw, texts.length);
  }

  tokenToId(token) {
    const id = this.#tokenizer.tokenToId?.(token);
    return id === undefined || id === null || id < 0 ? undefined : id;
  }

  get padId() { return this.#tokenizer.padId ?? this.#tokenizer.padTokenId ?? 0; }
  dispose() { this.#tokenizer.delete?.(); this.#tokenizer.dispose?.(); }
}

/**
 * @param {string} json tokenizer.json
 * @param {string|null} configJson tokenizer_config.json
 * @param {{tokenizer?: object}} [options] a ready tokenizer (then json is not parsed)
 */
export async function loadTokenizer(json, configJson, { tokenizer } = {}) {
  if (tokenizer) return new TokenizerHandle(tokenizer);
  let module;
  try {
    module = await import('../tokenizer.js');
  } catch (cause) {
    throw new OspreyError(`Osprey's tokenizer module could not be loaded (${cause.message})`, 'TOKENIZER_UNAVAILABLE', { cause });
  }
  if (!module.Tokenizer || !(await loadCore()).TokenizerHandle) {
    throw new OspreyError("this build of Osprey's core has no tokenizer: rebuild web/dist, or pass {tokenizer}",
      'TOKENIZER_UNAVAILABLE');
  }
  try {
    return new TokenizerHandle(await module.Tokenizer.fromJson(json, configJson ?? undefined));
  } catch (cause) {
    if (cause instanceof OspreyError) throw cause;
    throw new OspreyError(`tokenizer.json could not be loaded: ${cause.message}`, 'INVALID_TOKENIZER', { cause });
  }
}
