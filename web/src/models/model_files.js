// Loads what one encoder needs: tokenizer.json (+ tokenizer_config.json) and the ONNX file of the
// chosen variant, then an onnxruntime-web session behind a run queue.
import { loadCore } from '../core.js';
import { OspreyError } from '../errors.js';
import { fileUrl } from './manifest.js';
import { loadModelFile, loadTextFile } from './loader.js';
import { createSession, loadOrt, SessionQueue } from './ort.js';
import { loadTokenizer } from './tokenizer_adapter.js';

/**
 * @param {object} entry a validated manifest entry (of one encoder)
 * @param {object} [options] {variant, device, signal, onProgress, cache, fetch, hfHost, ort, tokenizer,
 *   sessionOptions, wasmUrl, wasmBinary, threads, onWarning}
 */
export async function loadEncoderFiles(entry, options = {}) {
  const variant = options.variant ?? entry.variant;
  const onnxFile = entry.files[variant];
  if (!onnxFile) {
    throw new OspreyError(`model '${entry.id}' has no '${variant}' file (it has ${Object.keys(entry.files).join(', ')})`,
      'INVALID_ARGUMENT');
  }
  const common = { signal: options.signal, cache: options.cache, fetch: options.fetch };
  const progress = (file) => (event) => options.onProgress?.({ model: entry.id, file, ...event });
  const url = (file) => fileUrl(entry, file, { hfHost: options.hfHost });
  const integrity = (file) => entry.integrity?.[file];

  const [core, ort, tokenizerJson, tokenizerConfig, onnx] = await Promise.all([
    loadCore({ wasmUrl: options.wasmUrl, wasmBinary: options.wasmBinary, threads: options.threads,
      onWarning: options.onWarning }),
    loadOrt({ ort: options.ort }),
    options.tokenizer ? null : loadTextFile(url(entry.tokenizer.json),
      { ...common, integrity: integrity(entry.tokenizer.json), onProgress: progress(entry.tokenizer.json) }),
    options.tokenizer || !entry.tokenizer.config ? null : loadTextFile(url(entry.tokenizer.config),
      { ...common, optional: true, onProgress: progress(entry.tokenizer.config) }),
    loadModelFile(url(onnxFile), { ...common, integrity: integrity(onnxFile), onProgress: progress(onnxFile) }),
  ]);
  if (options.signal?.aborted) {
    throw new OspreyError(`loading model '${entry.id}' was aborted`, 'ABORTED', { cause: options.signal.reason });
  }
  const tokenizer = await loadTokenizer(tokenizerJson, tokenizerConfig, { tokenizer: options.tokenizer });
  const { session, device } = await createSession(ort, onnx.bytes, {
    device: options.device, sessionOptions: options.sessionOptions, file: url(onnxFile),
  });
  const queue = new SessionQueue(session);
  const outputName = entry.output ?? queue.outputNames[0];
  if (!queue.outputNames.includes(outputName)) {
    await queue.release();
    throw new OspreyError(`model '${entry.id}' has no output '${outputName}' (it has ${queue.outputNames.join(', ')})`,
      'MODEL_OUTPUT_MISMATCH');
  }
  return { core, ort, tokenizer, queue, outputName, device, variant, fromCache: onnx.fromCache };
}
