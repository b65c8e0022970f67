// Cross-encoders: pair encoding (token_type_ids, longest_first truncation) gives the reference
// logits; scores follow the model's convention and a single logit is never put through a softmax.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OspreyError } from '../../web/src/osprey.js';
import { CrossEncoder } from '../../web/src/models/index.js';
import { buildBert } from '../../scripts/models/bert_graph.mjs';
import { GENERATED, generatedModelsPresent, randomEntry, referenceRun, rustTokenizer, tokenizerOption } from './models_helpers.mjs';

const QUERY = 'what is the boiling point of water at altitude';
const PASSAGES = [
  'Water boils at a lower temperature at high altitude because the air pressure is lower.',
  'Stock markets fell.',
  'word '.repeat(600), // longer than maxLength: truncated longest_first
  '',
];

let tokOptions;
let oracle;
before(async () => {
  assert.ok(generatedModelsPresent(), 'generated models missing: run node scripts/models/generate.mjs');
  tokOptions = await tokenizerOption(`${GENERATED}random-minilm-cross/tokenizer.json`);
  oracle = await rustTokenizer(`${GENERATED}random-minilm-cross/tokenizer.json`);
});

async function referenceLogits(modelPath, pairs, maxLength) {
  const b = await oracle.encodeBatch(pairs.map((p) => p[0]), pairs.map((p) => p[1]), { maxLength });
  const rows = pairs.map((_, i) => {
    const ids = [], mask = [], types = [];
    for (let c = 0; c < b.cols && b.attentionMask[i * b.cols + c]; c++) {
      ids.push(b.inputIds[i * b.cols + c]); mask.push(1); types.push(b.tokenTypeIds[i * b.cols + c]);
    }
    return { ids, mask, types };
  });
  assert.ok(rows.every((r) => r.ids.length <= maxLength));
  assert.ok(rows[0].types.includes(1), 'the second text has token type 1');
  const ref = await referenceRun(modelPath, rows);
  return { data: ref.data, labels: ref.dims[1] };
}

test('single-logit cross-encoder: raw logits equal the reference, sigmoid is the default', async () => {
  const ce = await CrossEncoder.load(randomEntry('cross', { maxLength: 64, score: undefined }), tokOptions);
  const raw = await ce.score(QUERY, PASSAGES, { score: 'raw' });
  const ref = await referenceLogits(`${GENERATED}random-minilm-cross/onnx/model.onnx`, PASSAGES.map((p) => [QUERY, p]), 64);
  assert.equal(ref.labels, 1);
  raw.forEach((x, i) => assert.ok(Math.abs(x - ref.data[i]) < 1e-4, `pair ${i}: ${x} vs ${ref.data[i]}`));
  const auto = await ce.score(QUERY, PASSAGES);
  auto.forEach((s, i) => assert.ok(Math.abs(s - 1 / (1 + Math.exp(-raw[i]))) < 1e-6));
  assert.ok(new Set(auto).size > 1, 'scores must differ between passages (never all 1.0)');
  await assert.rejects(ce.score(QUERY, PASSAGES, { score: 'softmax' }), (e) => e instanceof OspreyError && e.code === 'INVALID_ARGUMENT');
  const reranked = await ce.rerank(QUERY, PASSAGES.map((text, i) => ({ id: String(i), text })));
  assert.deepEqual(reranked.map((h) => h.score), [...auto].sort((a, b) => b - a));
  await ce.dispose();
});

test('int8 cross-encoder and bucketing keep the ranking inputs in order', async () => {
  const ce = await CrossEncoder.load(randomEntry('cross', { variant: 'int8', maxLength: 64 }), { ...tokOptions, batchSize: 2 });
  const pairs = PASSAGES.map((p) => [QUERY, p]);
  const batched = await ce.scorePairs(pairs, { score: 'raw' });
  for (let i = 0; i < pairs.length; i++) {
    const [alone] = await ce.scorePairs([pairs[i]], { score: 'raw' });
    // Dynamic int8 quantizes activations per batch: same inputs, scores equal within quantization noise.
    assert.ok(Math.abs(alone - batched[i]) < 0.02, `pair ${i}: ${alone} vs ${batched[i]}`);
  }
  await assert.rejects(ce.scorePairs([['only one']]), (e) => e.code === 'INVALID_ARGUMENT');
});

test('two-logit classifier: softmax of the positive label', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'osprey-two-logit-'));
  await mkdir(join(dir, 'onnx'));
  const small = { layers: 1, hidden: 32, heads: 2, intermediate: 64, vocab: 30522, maxPositions: 512, typeVocab: 2 };
  await writeFile(join(dir, 'onnx/model.onnx'), buildBert({ head: 'cross-encoder', quantized: false, seed: 5, numLabels: 2, shape: small }));
  await copyFile(`${GENERATED}random-minilm-cross/tokenizer.json`, join(dir, 'tokenizer.json'));
  const entry = { id: 'two-logit', task: 'cross-encoder', source: { path: dir }, variant: 'fp32', labels: 2, maxLength: 64 };
  const ce = await CrossEncoder.load(entry, tokOptions);
  const logits = await referenceLogits(join(dir, 'onnx/model.onnx'), PASSAGES.map((p) => [QUERY, p]), 64);
  assert.equal(logits.labels, 2);
  const scores = await ce.score(QUERY, PASSAGES);
  scores.forEach((s, i) => {
    const [neg, pos] = [logits.data[2 * i], logits.data[2 * i + 1]];
    const expected = Math.exp(pos) / (Math.exp(pos) + Math.exp(neg));
    assert.ok(Math.abs(s - expected) < 1e-4, `pair ${i}: ${s} vs ${expected}`);
  });
  const raw = await ce.score(QUERY, PASSAGES, { score: 'raw' });
  raw.forEach((x, i) => assert.ok(Math.abs(x - logits.data[2 * i + 1]) < 1e-4));
  await ce.dispose();
});
