// Shared by the models_* tests: the generated models as manifest entries, and reference computations
// (onnxruntime-node on the same int64 inputs, pooling written out in plain JS).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const GENERATED = `${ROOT}build/models/`;
export const STATIC_DIR = `${ROOT}models/generated/osprey-static-en/`;
export const SHARED = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

export function generatedModelsPresent() {
  return existsSync(`${GENERATED}random-minilm-embed/onnx/model.onnx`) &&
    existsSync(`${STATIC_DIR}onnx/model.onnx`);
}

export function randomEntry(name, extra = {}) {
  const tasks = { embed: 'embedding', cross: 'cross-encoder', colbert: 'token-embeddings', ctx: 'embedding' };
  const base = {
    id: `random-minilm-${name}`,
    task: tasks[name],
    source: { path: `${GENERATED}random-minilm-${name}` },
    variant: 'fp32',
    maxLength: 128,
  };
  if (name === 'embed' || name === 'ctx') Object.assign(base, { pooling: 'mean', normalize: true, dimension: 384 });
  if (name === 'cross') Object.assign(base, { labels: 1, score: 'raw', normalize: false });
  if (name === 'colbert') {
    Object.assign(base, {
      dimension: 128, normalize: true,
      colbert: { queryMarker: '[unused0]', documentMarker: '[unused1]', queryMaxLength: 32,
        documentMaxLength: 128, queryAugmentation: true, skipPunctuation: true },
    });
  }
  return { ...base, ...extra };
}

/** Reference: onnxruntime-node run on explicit int64 inputs (no bucketing, padded to the longest). */
export async function referenceRun(modelPath, rows, { pairs = false } = {}) {
  const ort = (await import('onnxruntime-node')).default;
  const session = await ort.InferenceSession.create(modelPath);
  const seq = Math.max(...rows.map((r) => r.ids.length));
  const n = rows.length;
  const make = (key, fill) => {
    const data = new BigInt64Array(n * seq).fill(BigInt(fill));
    rows.forEach((r, i) => r[key].forEach((v, j) => { data[i * seq + j] = BigInt(v); }));
    return new ort.Tensor('int64', data, [n, seq]);
  };
  const feeds = { input_ids: make('ids', 0), attention_mask: make('mask', 0) };
  if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = make('types', 0);
  const out = await session.run(feeds);
  const tensor = out[session.outputNames[0]];
  return { data: tensor.data, dims: tensor.dims, seq, pairs };
}

export function meanPoolNormalize(data, dims, rows) {
  const [n, seq, dim] = dims;
  return rows.map((r, i) => {
    const v = new Float64Array(dim);
    for (let s = 0; s < r.ids.length; s++) for (let d = 0; d < dim; d++) v[d] += data[(i * seq + s) * dim + d];
    const norm = Math.hypot(...v);
    return Float32Array.from(v, (x) => x / norm);
  });
}

export function maxAbsDiff(a, b) {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * The reference Rust tokenizer (npm `tokenizers`) behind Osprey's tokenizer interface: used as the
 * oracle for token ids, and in place of Osprey's C++ tokenizer where it is not built.
 */
export async function rustTokenizer(tokenizerJsonPath) {
  const { default: tk } = await import('tokenizers');
  const t = tk.Tokenizer.fromFile(tokenizerJsonPath);
  t.disablePadding();
  return {
    padId: 0,
    tokenToId: (s) => t.tokenToId(s) ?? undefined,
    async encodeBatch(texts, a, b) {
      const pairs = Array.isArray(a) ? a : null;
      const options = (pairs ? b : a) ?? {};
      if (options.maxLength) t.setTruncation(options.maxLength); else t.disableTruncation();
      const encodings = pairs
        ? await Promise.all(texts.map((x, i) => t.encode(x, pairs[i])))
        : await t.encodeBatch(texts);
      const cols = Math.max(0, ...encodings.map((e) => e.getIds().length));
      const n = encodings.length;
      const out = { rows: n, cols, inputIds: new Int32Array(n * cols), attentionMask: new Int32Array(n * cols),
        tokenTypeIds: new Int32Array(n * cols) };
      encodings.forEach((e, i) => {
        out.inputIds.set(e.getIds(), i * cols);
        out.attentionMask.set(e.getAttentionMask(), i * cols);
        out.tokenTypeIds.set(e.getTypeIds(), i * cols);
      });
      return out;
    },
  };
}

/**
 * {} (= Osprey's C++ tokenizer, the default path) when the core is built with it, else the Rust
 * reference in its place. OSPREY_MODELS_TOKENIZER=osprey|rust forces one.
 */
export async function tokenizerOption(tokenizerJsonPath) {
  const forced = process.env.OSPREY_MODELS_TOKENIZER;
  if (forced === 'osprey') return {};
  if (forced !== 'rust' && existsSync(`${ROOT}web/src/tokenizer.js`)) {
    const { loadCore } = await import('../../web/src/core.js');
    if ((await loadCore()).TokenizerHandle) return {};
  }
  return { tokenizer: await rustTokenizer(tokenizerJsonPath) };
}
