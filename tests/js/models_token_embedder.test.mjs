// Token embeddings for late interaction: query marker and [MASK] augmentation, document marker,
// padding and punctuation dropped, vectors equal the normalized reference rows.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { TokenEmbedder } from '../../web/src/models/index.js';
import { GENERATED, generatedModelsPresent, maxAbsDiff, randomEntry, referenceRun, rustTokenizer, tokenizerOption } from './models_helpers.mjs';

let tokOptions;
let oracle;
before(async () => {
  assert.ok(generatedModelsPresent(), 'generated models missing: run node scripts/models/generate.mjs');
  tokOptions = await tokenizerOption(`${GENERATED}random-minilm-colbert/tokenizer.json`);
  oracle = await rustTokenizer(`${GENERATED}random-minilm-colbert/tokenizer.json`);
});

async function idsOf(text) {
  const b = await oracle.encodeBatch([text], { maxLength: 512 });
  return Array.from(b.inputIds.subarray(0, b.cols));
}

test('documents: marker after [CLS], punctuation and padding dropped, vectors equal the reference', async () => {
  const te = await TokenEmbedder.load(randomEntry('colbert'), tokOptions);
  const docs = ['Hello, world!', 'A longer document (with punctuation); it has more tokens.', 'x'];
  const out = await te.embedDocuments(docs);
  const marker = oracle.tokenToId('[unused1]');
  const punct = new Set([...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'].map((c) => oracle.tokenToId(c)));
  for (let i = 0; i < docs.length; i++) {
    const ids = await idsOf(docs[i]);
    const withMarker = [ids[0], marker, ...ids.slice(1)];
    const ref = await referenceRun(`${GENERATED}random-minilm-colbert/onnx/model.onnx`,
      [{ ids: withMarker, mask: withMarker.map(() => 1), types: withMarker.map(() => 0) }]);
    const dim = ref.dims[2];
    const kept = withMarker.map((id, s) => [id, s]).filter(([id]) => !punct.has(id));
    assert.equal(out[i].count, kept.length, `doc ${i}`);
    assert.equal(out[i].dim, 128);
    assert.equal(out[i].data.length, kept.length * 128);
    kept.forEach(([, s], k) => {
      const row = ref.data.subarray(s * dim, (s + 1) * dim);
      const norm = Math.hypot(...row);
      const expected = Float32Array.from(row, (x) => x / norm);
      assert.ok(maxAbsDiff(out[i].data.subarray(k * dim, (k + 1) * dim), expected) < 1e-4, `doc ${i} token ${k}`);
    });
  }
});

test('queries: marker and [MASK] augmentation to queryMaxLength, all tokens kept', async () => {
  const te = await TokenEmbedder.load(randomEntry('colbert'), tokOptions);
  const [q, long] = await te.embedQueries(['what is bm25?', 'word '.repeat(100)]);
  assert.equal(q.count, 32);
  assert.equal(long.count, 32, 'a long query is truncated to queryMaxLength');
  const ids = await idsOf('what is bm25?');
  const mask = oracle.tokenToId('[MASK]');
  const full = [ids[0], oracle.tokenToId('[unused0]'), ...ids.slice(1)];
  while (full.length < 32) full.push(mask);
  const ref = await referenceRun(`${GENERATED}random-minilm-colbert/onnx/model.onnx`,
    [{ ids: full, mask: full.map(() => 1), types: full.map(() => 0) }]);
  for (let s = 0; s < 32; s++) {
    const row = ref.data.subarray(s * 128, (s + 1) * 128);
    const norm = Math.hypot(...row);
    assert.ok(maxAbsDiff(q.data.subarray(s * 128, (s + 1) * 128), Float32Array.from(row, (x) => x / norm)) < 1e-4);
  }
});
