// The model layer: embedding, dual-encoder, cross-encoder and token-embedding models on
// onnxruntime-web, with Osprey's C++ tokenizer and pre/post-processing.
import { CrossEncoder } from './cross_encoder.js';
import { TextEmbedder } from './embedder.js';
import { resolveModel } from './manifest.js';
import { TokenEmbedder } from './token_embedder.js';

export { CrossEncoder, TextEmbedder, TokenEmbedder };
export { builtinModels, listModels, registerModel, resolveModel, validateEntry } from './manifest.js';
export { loadModelFile } from './loader.js';
export { BrowserModelCache, MemoryModelCache } from './cache.js';
export { SessionQueue } from './ort.js';

/** Loads any model by its task. */
export async function loadModel(model, options = {}) {
  const entry = await resolveModel(model, options);
  if (entry.task === 'cross-encoder') return CrossEncoder.load(entry, options);
  if (entry.task === 'token-embeddings') return TokenEmbedder.load(entry, options);
  return TextEmbedder.load(entry, options);
}
