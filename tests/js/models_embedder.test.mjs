// Embeddings through Osprey's model layer equal a reference computation (onnxruntime-node on the
// same token ids, pooling written out in JS) within 1e-4; bucketing does not change results;
// prefixes and dual encoders; the embedded default model; collections that embed their own text.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { Osprey, OspreyError } from '../../web/src/osprey.js';
import { TextEmbedder } from '../../web/src/models/index.js';
import {
  GENERATED, STATIC_DIR, generatedModelsPresent, maxAbsDiff, meanPoolNormalize, randomEntry, referenceRun,
  rustTokenizer, tokenizerOption,
} from './models_helpers.mjs';

const TEXTS = [
  'Osprey runs retrieval in the browser.',
  'A much longer passage about ranking functions such as BM25, dense vectors, reciprocal rank fusion and cross-encoders that rerank the top candidates.',
  'short',
  'Ünïcödé àccents and CJK 中文 characters',
  '',
  'What is the boiling point of water at high altitude?',
];

let tokOptions;
let oracle; // token ids of the reference
before(async () => {
  assert.ok(generatedModelsPresent(), 'generated models missing: run node scripts/models/generate.mjs');
  tokOptions = await tokenizerOption(`${GENERATED}random-minilm-embed/tokenizer.json`);
  oracle = await rustTokenizer(`${GENERATED}random-minilm-embed/tokenizer.json`);
});

async function referenceRows(texts, maxLength = 128) {
  const b = await oracle.encodeBatch(texts, { maxLength });
  return texts.map((_, i) => {
    const ids = [], mask = [], types = [];
    for (let c = 0; c < b.cols && b.attentionMask[i * b.cols + c]; c++) {
      ids.push(b.inputIds[i * b.cols + c]); mask.push(1); types.push(0);
    }
    return { ids, mask, types };
  });
}

async function referenceMean(texts, model = 'random-minilm-embed') {
  const rows = await referenceRows(texts);
  const ref = await referenceRun(`${GENERATED}${model}/onnx/model.onnx`, rows);
  return meanPoolNormalize(ref.data, ref.dims, rows);
}

test('mean-pooled, normalized embeddings equal the onnxruntime-node reference within 1e-4', async () => {
  const embedder = await TextEmbedder.load(randomEntry('embed'), tokOptions);
  const vectors = await embedder.embedDocuments(TEXTS);
  const expected = await referenceMean(TEXTS);
  assert.equal(vectors.length, TEXTS.length);
  vectors.forEach((v, i) => {
    assert.equal(v.length, 384);
    assert.ok(maxAbsDiff(v, expected[i]) < 1e-4, `text ${i}: ${maxAbsDiff(v, expected[i])}`);
  });
  await embedder.dispose();
});

test('CLS pooling and unnormalized output follow the entry', async () => {
  const embedder = await TextEmbedder.load(randomEntry('embed', { pooling: 'cls', normalize: false }), tokOptions);
  const vectors = await embedder.embedDocuments(TEXTS.slice(0, 3));
  const rows = await referenceRows(TEXTS.slice(0, 3));
  const ref = await referenceRun(`${GENERATED}random-minilm-embed/onnx/model.onnx`, rows);
  const [, seq, dim] = ref.dims;
  vectors.forEach((v, i) => {
    const cls = ref.data.subarray(i * seq * dim, i * seq * dim + dim);
    assert.ok(maxAbsDiff(v, cls) < 1e-4);
  });
  await embedder.dispose();
});

test('length bucketing does not change results (fp32)', async () => {
  const texts = Array.from({ length: 40 }, (_, i) => `${'word '.repeat(1 + ((i * 7) % 23))} number ${i}`);
  const one = await TextEmbedder.load(randomEntry('embed'), { ...tokOptions, batchSize: 1 });
  const big = await TextEmbedder.load(randomEntry('embed'), { ...tokOptions, batchSize: 64, maxTokens: 1 << 20 });
  const tight = await TextEmbedder.load(randomEntry('embed'), { ...tokOptions, batchSize: 8, maxTokens: 64 });
  const [a, b, c] = [await one.embedDocuments(texts), await big.embedDocuments(texts), await tight.embedDocuments(texts)];
  for (let i = 0; i < texts.length; i++) {
    assert.ok(maxAbsDiff(a[i], b[i]) < 1e-5, `text ${i} batch 1 vs 64`);
    assert.ok(maxAbsDiff(a[i], c[i]) < 1e-5, `text ${i} batch 1 vs budgeted`);
  }
  await Promise.all([one.dispose(), big.dispose(), tight.dispose()]);
});

test('int8 variant loads model_quantized.onnx and stays close to fp32', async () => {
  const fp32 = await TextEmbedder.load(randomEntry('embed'), tokOptions);
  const int8 = await TextEmbedder.load(randomEntry('embed', { variant: 'int8' }), tokOptions);
  const [a, b] = [await fp32.embedDocuments(TEXTS), await int8.embedDocuments(TEXTS)];
  a.forEach((v, i) => {
    const cos = v.reduce((s, x, d) => s + x * b[i][d], 0);
    assert.ok(cos > 0.98, `text ${i}: cosine ${cos}`);
    assert.ok(maxAbsDiff(v, b[i]) > 0, 'int8 must be a different computation');
  });
});

test('query and passage prefixes are applied (e5 style)', async () => {
  const embedder = await TextEmbedder.load(randomEntry('embed', { queryPrefix: 'query: ', passagePrefix: 'passage: ' }), tokOptions);
  const [q] = await embedder.embed(['boiling point'], { kind: 'query' });
  const [p] = await embedder.embedDocuments(['boiling point']);
  const [expectedQ, expectedP] = await referenceMean(['query: boiling point', 'passage: boiling point']);
  assert.ok(maxAbsDiff(q, expectedQ) < 1e-4);
  assert.ok(maxAbsDiff(p, expectedP) < 1e-4);
  assert.ok(maxAbsDiff(q, p) > 1e-3, 'query and passage embeddings must differ');
  const single = await embedder.embedQuery('boiling point');
  assert.ok(maxAbsDiff(single, q) < 1e-6);
});

test('a dual encoder runs its question model on queries and its passage model on passages', async () => {
  const entry = {
    id: 'random-dual', task: 'dual-encoder', variant: 'fp32', pooling: 'mean', normalize: true, dimension: 384,
    maxLength: 128, queryPrefix: 'q: ',
    query: { source: { path: `${GENERATED}random-minilm-embed` } },
    passage: { source: { path: `${GENERATED}random-minilm-ctx` } },
  };
  const dual = await TextEmbedder.load(entry, tokOptions);
  const q = await dual.embedQuery('boiling point');
  const [p] = await dual.embedDocuments(['boiling point']);
  const [expectedQ] = await referenceMean(['q: boiling point'], 'random-minilm-embed');
  const [expectedP] = await referenceMean(['boiling point'], 'random-minilm-ctx');
  assert.ok(maxAbsDiff(q, expectedQ) < 1e-4, 'query side uses the question encoder with its prefix');
  assert.ok(maxAbsDiff(p, expectedP) < 1e-4, 'passage side uses the passage encoder');
  await dual.dispose();
});

test('overlapping calls on one model are queued, never "Session already started"', async () => {
  const embedder = await TextEmbedder.load(randomEntry('embed'), tokOptions);
  const sequential = [];
  for (const t of TEXTS) sequential.push((await embedder.embedDocuments([t]))[0]);
  const parallel = await Promise.all(TEXTS.map((t) => embedder.embedDocuments([t])));
  parallel.forEach(([v], i) => assert.ok(maxAbsDiff(v, sequential[i]) < 1e-6));
});

test('a model whose output disagrees with its entry is a clear error', async () => {
  const embedder = await TextEmbedder.load(randomEntry('embed', { dimension: 256 }), tokOptions);
  await assert.rejects(embedder.embedDocuments(['x']), (e) => e instanceof OspreyError && e.code === 'MODEL_OUTPUT_MISMATCH');
  await assert.rejects(TextEmbedder.load(randomEntry('embed', { output: 'pooler_output' }), tokOptions),
    (e) => e.code === 'MODEL_OUTPUT_MISMATCH');
  await assert.rejects(TextEmbedder.load({ id: 'x', source: {} }), (e) => e.code === 'INVALID_MODEL_ENTRY');
  await assert.rejects(TextEmbedder.load('no-such-model'), (e) => e.code === 'UNKNOWN_MODEL');
  await assert.rejects(TextEmbedder.load(randomEntry('cross')), (e) => e.code === 'INVALID_ARGUMENT');
});

test('the embedded default model osprey-static-en: 100-d unit vectors that rank related text first', async () => {
  const options = await tokenizerOption(`${STATIC_DIR}tokenizer.json`);
  const embedder = await TextEmbedder.load('osprey-static-en', options);
  assert.equal(embedder.dimension, 100);
  const docs = ['The boiling point of water decreases at high altitude.', 'Stock markets fell sharply on Monday.',
    'Heart disease and blood pressure in older patients.'];
  const vectors = await embedder.embedDocuments(docs);
  vectors.forEach((v) => assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-5));
  const q = await embedder.embedQuery('temperature at which water boils in the mountains');
  const scores = vectors.map((v) => v.reduce((s, x, d) => s + x * q[d], 0));
  assert.equal(scores.indexOf(Math.max(...scores)), 0, `scores ${scores}`);
  const [unknown] = await embedder.embedDocuments(['zzqxv qqqzz']); // no known word: still a valid vector
  assert.ok(Math.abs(Math.hypot(...unknown) - 1) < 1e-5);
  const fp32 = await TextEmbedder.load('osprey-static-en', { ...options, variant: 'fp32' });
  const exact = await fp32.embedDocuments(docs);
  exact.forEach((v, i) => assert.ok(v.reduce((s, x, d) => s + x * vectors[i][d], 0) > 0.995));
});

test('a collection with a model embeds documents and queries itself; vectors can still be given', async () => {
  const modelOptions = await tokenizerOption(`${STATIC_DIR}tokenizer.json`);
  const c = await Osprey.open(`models-collection-${Math.random()}`, { storage: 'memory', model: 'osprey-static-en', modelOptions });
  assert.equal(c.info().dimension, 100);
  await c.add([
    { id: 'water', title: 'Boiling', text: 'The boiling point of water decreases at high altitude.' },
    { id: 'stocks', text: 'Stock markets fell sharply on Monday.' },
    { id: 'heart', text: 'Heart disease and blood pressure in older patients.' },
  ]);
  const hits = await c.search('cardiac illness and hypertension', { mode: 'dense', k: 3 });
  assert.equal(hits[0].id, 'heart');
  const given = new Float32Array(100).fill(0.1);
  await c.add([{ id: 'given', text: 'anything', vector: given }]);
  const [top] = await c.search('', { vector: given, mode: 'dense', k: 1 });
  assert.equal(top.id, 'given');
  await c.upsert([{ id: 'stocks', text: 'Heart attack risk and blood pressure medicine.' }]);
  const again = await c.search('blood pressure', { mode: 'dense', k: 2 });
  assert.deepEqual(new Set(again.map((h) => h.id)), new Set(['heart', 'stocks']));
  c.close();

  await assert.rejects(Osprey.open(`models-dim-${Math.random()}`, { storage: 'memory', dimension: 384, model: 'osprey-static-en', modelOptions }),
    (e) => e instanceof OspreyError && e.code === 'DIMENSION_MISMATCH');
});

test('a failing embedder leaves the collection unchanged and usable', async () => {
  const failing = { dimension: 2, embedDocuments: async () => { throw new OspreyError('offline', 'MODEL_FETCH_FAILED'); },
    embedQuery: async () => [1, 0] };
  const c = await Osprey.open(`models-failing-${Math.random()}`, { storage: 'memory', embedder: failing });
  await assert.rejects(c.add([{ id: 'a', text: 'hello' }]), (e) => e.code === 'MODEL_FETCH_FAILED');
  assert.equal(c.size, 0);
  await c.add([{ id: 'a', text: 'hello', vector: [1, 0] }]);
  assert.equal((await c.search('hello', { mode: 'dense' }))[0].id, 'a');
  c.close();
});
