// What a stored collection is bound to, recorded in its manifest: the collection format version,
// the dense index's shape, the embedding model and its tokenizer's fingerprint, and the analyzer
// configuration. Opening a collection with a different model, tokenizer, shape or analyzer is a
// MISMATCH error, never silently wrong results.
import { OspreyError } from '../errors.js';

const ANALYZER_KEYS = ['language', 'stemmer', 'stopwords', 'lowercase', 'cjk'];

/**
 * The binding of an open collection.
 * @param {object} info the core handle's info()
 * @param {{model?: string|null, tokenizer?: string|null}} embedding the model id and tokenizer
 *   fingerprint in use (undefined: not known here)
 * @param {object|null} [stored] the stored binding: its model and tokenizer are kept when this
 *   opener does not know them
 */
export function bindingOf(info, { model, tokenizer }, stored = null) {
  // An opener that does not embed (model undefined) keeps what the collection was bound to.
  const known = model !== undefined;
  return {
    formatVersion: info.formatVersion,
    dimension: info.dimension,
    metric: info.metric,
    index: info.index,
    model: known ? model ?? null : stored?.model ?? null,
    tokenizer: (known ? tokenizer : undefined) ?? stored?.tokenizer ?? null,
    analyzer: { ...info.analyzer },
  };
}

/**
 * Refuses to open a stored collection with another embedding model, tokenizer, dense shape or
 * analyzer than it was built with. Bindings written before a field existed do not check it.
 * @param {string} name
 * @param {object|null} stored the manifest's binding (null: a new or imported collection)
 * @param {object} info the loaded collection's info()
 * @param {{model?: string|null, tokenizer?: string|null}} embedding what the opener embeds with
 *   (model undefined: the opener does not embed, nothing to check)
 * @param {object} options the open options (dimension, metric, index, analyzer)
 */
export function checkBinding(name, stored, info, { model, tokenizer }, options) {
  if (stored && model !== undefined) {
    if ((stored.model ?? null) !== (model ?? null)) {
      throw new OspreyError(`collection '${name}' was built with embedding model ` +
        `${JSON.stringify(stored.model ?? null)}, not ${JSON.stringify(model ?? null)}: open it with that ` +
        'model, or re-embed it into a new collection', 'MISMATCH');
    }
    if (typeof stored.tokenizer === 'string' && typeof tokenizer === 'string' && stored.tokenizer !== tokenizer) {
      throw new OspreyError(`collection '${name}' was built with another tokenizer for model ` +
        `${JSON.stringify(model)} (fingerprint ${stored.tokenizer}, this one is ${tokenizer}): its ` +
        'queries would not match the stored vectors. Open it with the tokenizer files it was built ' +
        'with, or re-embed it into a new collection', 'MISMATCH');
    }
  }
  for (const key of ['dimension', 'metric', 'index']) {
    if (options[key] !== undefined && options[key] !== info[key]) {
      throw new OspreyError(`collection '${name}' was saved with ${key} ` +
        `${JSON.stringify(info[key])}, not ${JSON.stringify(options[key])}`, 'MISMATCH');
    }
  }
  const analyzer = options.analyzer;
  if (analyzer !== undefined && analyzer !== null && typeof analyzer === 'object') {
    for (const key of ANALYZER_KEYS) {
      if (analyzer[key] !== undefined && analyzer[key] !== info.analyzer[key]) {
        throw new OspreyError(`collection '${name}' was indexed with analyzer ${key} ` +
          `${JSON.stringify(info.analyzer[key])}, not ${JSON.stringify(analyzer[key])}: its documents ` +
          'would be searched with other terms than they were indexed with. Open it without ' +
          'analyzer options, or index the documents into a new collection', 'MISMATCH');
      }
    }
  }
}

/**
 * The fingerprint of the tokenizer an embedder embeds with (see src/collection/
 * tokenizer_fingerprint.h), or null when it cannot be known.
 *   - an embedder may declare it: {tokenizerFingerprint: string};
 *   - a model's embedder (TextEmbedder): a tokenizer passed in modelOptions.tokenizer says its
 *     own (Osprey's Tokenizer has `fingerprint`); otherwise the model's tokenizer files are read
 *     again (from the model cache or disk) and fingerprinted.
 */
export async function tokenizerFingerprint(core, embedder, { model, modelOptions = {} } = {}) {
  if (!embedder) return null;
  if (typeof embedder.tokenizerFingerprint === 'string') return embedder.tokenizerFingerprint;
  if (model === undefined || model === null || !embedder.entry) return null;
  if (modelOptions.tokenizer) return modelOptions.tokenizer.fingerprint ?? null;
  const [{ fileUrl, partEntry }, { loadTextFile }] = await Promise.all([
    import('../models/manifest.js'), import('../models/loader.js')]);
  const { entry } = embedder;
  const parts = entry.task === 'dual-encoder' ? [partEntry(entry, 'query'), partEntry(entry, 'passage')] : [entry];
  const options = { signal: modelOptions.signal, cache: modelOptions.cache, fetch: modelOptions.fetch };
  const prints = await Promise.all(parts.map(async (part) => {
    const url = (file) => fileUrl(part, file, { hfHost: modelOptions.hfHost });
    const [json, config] = await Promise.all([
      loadTextFile(url(part.tokenizer.json), options),
      part.tokenizer.config ? loadTextFile(url(part.tokenizer.config), { ...options, optional: true }) : null,
    ]);
    return core.tokenizerFingerprint(json, config);
  }));
  return prints.join('+');
}
