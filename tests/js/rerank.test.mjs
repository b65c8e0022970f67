// The rerank stage through the JS package: feedback, training, the cascade (ranker, cross-encoder
// callback, MMR), explanations, time budget, persistence, and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Osprey, OspreyError } from '../../web/src/osprey.js';
import { fuseScores } from '../../web/src/rerank.js';

let counter = 0;
const open = (options = {}) => Osprey.open(`rerank-test-${counter++}`, { storage: 'memory', ...options });

const docs = [
  { id: 'wing', title: 'Wing lift', body: 'The lift of a swept wing in a slipstream.', metadata: { date: '2026-01-01', stars: 4 } },
  { id: 'wing2', title: 'Wing lift again', body: 'Lift of a wing, lift of a wing, and more lift.', metadata: { stars: 1 } },
  { id: 'heat', title: 'Heat transfer', body: 'Heat transfer in boundary layers of a wing at high speed.' },
  { id: 'layer', title: 'Boundary layers', body: 'Separation of the boundary layer on a wing.' },
];
const tokens = {
  wing: [[1, 0, 0], [0.9, 0.1, 0]],
  wing2: [[1, 0.1, 0]],
  heat: [[0, 1, 0], [0, 0.9, 0.4]],
  layer: [[0, 0, 1]],
};
const queryTokens = [[1, 0, 0], [0.8, 0.2, 0]];

async function fixture() {
  const c = await open();
  await c.add(docs);
  for (const [id, v] of Object.entries(tokens)) await c.setTokenVectors(id, v);
  return c;
}

const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);

test('manual weights: explain contributions sum to the score', async () => {
  const c = await fixture();
  const hits = await c.search('wing lift', {
    k: 4, explain: true, tokenVectors: queryTokens,
    rerank: [{ stage: 'ranker', k: 4, weights: { bm25: 1, maxsim: 2, log_length: -0.1 } }],
  });
  assert.equal(hits.length, 4);
  assert.deepEqual(hits.stages, ['recall', 'ranker']);
  assert.equal(hits.degraded, false);
  for (const h of hits) {
    assert.ok(Math.abs(h.explain.bias + sum(h.explain.contributions) - h.score) < 1e-4, JSON.stringify(h.explain));
    assert.ok(Math.abs(h.explain.contributions.maxsim - 2 * (h.explain.features.maxsim ?? 0)) < 1e-4);
    assert.equal(h.stage, 'ranker');
    assert.ok('recall' in h.stageScores && 'ranker' in h.stageScores);
  }
  for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].score >= hits[i].score);
  c.close();
});

test('feedback trains a ranker that is saved with the collection and reloads identically', async () => {
  const c = await fixture();
  for (let i = 0; i < 3; i++) await c.feedback({ query: 'wing lift', docId: 'wing2', signal: 'click' });
  await c.feedback({ query: 'wing lift', docId: 'wing', signal: 'skip' });
  await c.feedback({ query: 'boundary wing', docId: 'layer', signal: 2 });
  const report = await c.train({ features: ['bm25', 'popularity', 'log_length'], model: 'linear', loss: 'pairwise' });
  assert.ok(report.finalLoss < report.initialLoss, JSON.stringify(report));
  assert.equal(report.queriesUsed, 2);
  assert.deepEqual((await c.ranker()).features, ['bm25', 'popularity', 'log_length']);
  const options = { k: 3, explain: true, rerank: [{ stage: 'ranker', k: 10 }] };
  const before = await c.search('wing lift', options);
  assert.equal(before[0].id, 'wing2');

  const copy = await Osprey.open('rerank-copy', { storage: 'memory', bytes: c.export() });
  assert.deepEqual(await copy.ranker(), await c.ranker());
  const after = await copy.search('wing lift', options);
  assert.deepEqual(after.map((h) => [h.id, h.score]), before.map((h) => [h.id, h.score]));
  for (const tree of [await c.train({ features: ['bm25', 'popularity'], model: 'trees', loss: 'listwise', minLeaf: 1, trees: 5 })]) {
    assert.equal(tree.model, 'trees');
    assert.ok(tree.finalLoss <= tree.initialLoss);
  }
  c.close();
  copy.close();
});

test('cross-encoder stage: external scores reorder the top k3; budget degrades gracefully', async () => {
  const c = await fixture();
  const crossEncoder = async (query, candidates) => candidates.map((d) => (d.id === 'layer' ? 10 : 1));
  const hits = await c.search('wing', {
    k: 4, explain: true,
    rerank: [{ stage: 'ranker', k: 4, weights: { bm25: 1 } }, { stage: 'crossEncoder', k: 4, score: crossEncoder }],
  });
  assert.equal(hits[0].id, 'layer');
  assert.equal(hits[0].stage, 'cross_encoder');
  assert.equal(hits[0].score, 10);
  assert.equal(hits[0].explain.contributions.cross_encoder, 10);
  assert.deepEqual(hits.stages, ['recall', 'ranker', 'cross_encoder']);

  const slow = () => new Promise((resolve) => setTimeout(() => resolve([1, 2, 3, 4]), 200));
  const hurried = await c.search('wing', {
    k: 4, budgetMs: 50, rerank: [{ stage: 'ranker', k: 4, weights: { bm25: 1 } }, { stage: 'crossEncoder', score: slow }],
  });
  assert.equal(hurried.degraded, true);
  assert.match(hurried.degradedReason, /budget/);
  assert.equal(hurried.length, 4);
  assert.deepEqual(hurried.stages, ['recall', 'ranker']);

  await assert.rejects(c.search('wing', { rerank: [{ stage: 'ranker', weights: { bm25: 1 } }, { stage: 'crossEncoder', score: async () => [NaN, 1, 1, 1] }] }),
    (e) => e instanceof OspreyError && e.code === 'INVALID_ARGUMENT' && /NaN/.test(e.message));
  await assert.rejects(c.search('wing', { rerank: [{ stage: 'crossEncoder', score: async () => [1] }] }),
    (e) => e instanceof OspreyError && e.code === 'INVALID_ARGUMENT');
  c.close();
});

test('mmr diversification and convex score fusion', async () => {
  const c = await fixture();
  const plain = await c.search('wing lift', { k: 3, rerank: [{ stage: 'ranker', k: 4, weights: { bm25: 1 } }] });
  const diverse = await c.search('wing lift', { k: 3, rerank: [{ stage: 'ranker', k: 4, weights: { bm25: 1 } }, { stage: 'mmr', lambda: 0.3 }] });
  assert.equal(diverse[0].id, plain[0].id);
  assert.deepEqual(diverse.stages, ['recall', 'ranker', 'mmr']);
  assert.notDeepEqual(diverse.map((h) => h.id), plain.map((h) => h.id));
  c.close();

  // Convex fusion in hybrid search, plain and as the cascade's recall.
  const h = await open({ dimension: 2 });
  await h.add([{ id: 'a', body: 'gust gust front', vector: [1, 0] }, { id: 'b', body: 'gust warm front', vector: [0, 1] },
    { id: 'c', body: 'calm warm front', vector: [0.6, 0.8] }]);
  const convex = { method: 'convex', sparseWeight: 0.4, denseWeight: 0.6, normalization: 'minmax' };
  const hybrid = await h.search('gust', { vector: [0, 1], k: 3, fusion: convex });
  assert.deepEqual(hybrid.map((x) => x.id), ['b', 'c', 'a']);
  assert.deepEqual(hybrid.map((x) => +x.score.toFixed(4)), [0.6, 0.48, 0.4]);
  const rrf = await h.search('gust', { vector: [0, 1], k: 3 });
  assert.notDeepEqual(rrf.map((x) => x.score), hybrid.map((x) => x.score));
  const cascade = await h.search('gust', { vector: [0, 1], k: 3, fusion: convex, rerank: [{ stage: 'ranker', k: 3, weights: { recall_score: 1 } }] });
  assert.deepEqual(cascade.map((x) => x.id), ['b', 'c', 'a']);
  for (const fusion of ['borda', { method: 'convex', sparseWeight: 0, denseWeight: 0 }, { method: 'convex', normalization: 'rank' }, 7]) {
    await assert.rejects(h.search('gust', { vector: [0, 1], fusion }), (e) => e instanceof OspreyError && e.code === 'INVALID_ARGUMENT', JSON.stringify(fusion));
  }
  h.close();

  const fused = await fuseScores([[{ id: 'a', score: 10 }, { id: 'b', score: 5 }, { id: 'c', score: 0 }],
    [{ id: 'b', score: 0.9 }, { id: 'd', score: 0.5 }]], { weights: [3, 1], k: 4 });
  assert.deepEqual(fused.map((h) => h.id).slice(0, 2), ['a', 'b']);
  assert.ok(Math.abs(fused[1].score - (0.75 * 0.5 + 0.25)) < 1e-6);
});

test('query token weights scale each token\'s MaxSim contribution', async () => {
  const c = await fixture();
  const maxsimOf = async (options) => {
    const hits = await c.search('wing', { k: 4, explain: true, tokenVectors: queryTokens, ...options,
      rerank: [{ stage: 'ranker', k: 4, weights: { maxsim: 1 } }] });
    return Object.fromEntries(hits.map((h) => [h.id, h.explain.features.maxsim]));
  };
  const plain = await maxsimOf({});
  const doubled = await maxsimOf({ tokenWeights: [2, 2] });
  const firstOnly = await maxsimOf({ tokenWeights: [1, 0] });
  for (const id of ['wing', 'wing2', 'heat']) {
    assert.ok(Math.abs(doubled[id] - 2 * plain[id]) < 1e-3, `${id}: ${doubled[id]} vs ${plain[id]}`);
  }
  // Only the first query token (1, 0, 0) counts: its best cosine with wing's tokens is 1.
  assert.ok(Math.abs(firstOnly.wing - 1) < 0.02, String(firstOnly.wing));
  assert.ok(firstOnly.wing < plain.wing);
  const reject = (promise) => assert.rejects(promise, (e) => e instanceof OspreyError && e.code === 'INVALID_ARGUMENT');
  await reject(maxsimOf({ tokenWeights: [1] }));
  await reject(maxsimOf({ tokenWeights: [1, -1] }));
  await reject(c.search('wing', { tokenWeights: [1], rerank: [{ stage: 'ranker', k: 4, weights: { bm25: 1 } }] }));
  c.close();
});

test('prf feature: candidates sharing the top hits\' vocabulary gain; trained with lambda weighting', async () => {
  const c = await open();
  await c.add([
    { id: 'g1', title: 'Gliders', body: 'A glider pilot uses thermals for soaring flight.' },
    { id: 'g2', title: 'Gliding', body: 'The glider climbs in thermals, soaring over ridges.' },
    { id: 'soar', title: 'Ridge soaring', body: 'Soaring in thermals along the ridges.' },
    { id: 'cake', title: 'Cake', body: 'Chocolate cake recipe.' },
  ]);
  const hits = await c.search('glider', { k: 4, explain: true, rerank: [{ stage: 'ranker', k: 4, weights: { prf: 1 } }] });
  const prf = Object.fromEntries(hits.map((h) => [h.id, h.explain.features.prf]));
  assert.deepEqual(Object.keys(prf).sort(), ['g1', 'g2']); // recall (BM25) finds only these two
  assert.ok(prf.g1 > 0 && prf.g2 > 0);
  const judgements = [{ query: 'glider', relevance: { g1: 2, g2: 1 } }, { query: 'thermals', relevance: { soar: 2, g2: 1 } }];
  const report = await c.train({ features: ['bm25', 'prf'], judgements, lambdaWeighting: true });
  assert.ok(report.finalLoss < report.initialLoss, JSON.stringify(report));
  assert.deepEqual((await c.ranker()).features, ['bm25', 'prf']);
  await assert.rejects(c.train({ features: ['bm25'], judgements, lambdaWeighting: 'yes' }),
    (e) => e instanceof OspreyError && e.code === 'INVALID_ARGUMENT');
  c.close();
});

test('bad input: clear errors, nothing changed', async () => {
  const c = await fixture();
  const reject = (promise, code) => assert.rejects(promise, (e) => e instanceof OspreyError && e.code === code);
  await reject(c.search('wing', { rerank: [{ stage: 'ranker' }] }), 'INVALID_ARGUMENT'); // not trained
  await reject(c.search('wing', { rerank: [{ stage: 'ranker', weights: { dense: 1 } }] }), 'INVALID_ARGUMENT');
  await reject(c.search('wing', { rerank: [{ stage: 'ranker', weights: { maxsim: 1 } }] }), 'INVALID_ARGUMENT');
  await reject(c.search('wing', { rerank: [{ stage: 'ranker', weights: { colour: 1 } }] }), 'INVALID_ARGUMENT');
  await reject(c.search('wing', { rerank: [{ stage: 'sort' }] }), 'INVALID_ARGUMENT');
  await reject(c.feedback({ query: 'wing', docId: 'wing', signal: NaN }), 'INVALID_ARGUMENT');
  await reject(c.feedback({ query: '', docId: 'wing' }), 'INVALID_ARGUMENT');
  await reject(c.setTokenVectors('nope', [[1, 0, 0]]), 'UNKNOWN_ID');
  await reject(c.setTokenVectors('wing', [[1, 0]]), 'DIMENSION_MISMATCH');
  await reject(c.setTokenVectors('wing', [[1, NaN, 0]]), 'INVALID_VECTOR');
  await reject(c.train({ features: ['bm25'] }), 'INVALID_ARGUMENT'); // no feedback to learn from
  await reject(c.train({ features: ['bm25'], judgements: [{ query: 'wing', relevance: { wing: 1, wing2: 1, heat: 1, layer: 1 } }] }), 'INVALID_ARGUMENT');
  await reject(c.train({ features: ['bm25'], judgements: [{ query: 'wing', relevance: { wing: 1 } }], model: 'forest' }), 'INVALID_ARGUMENT');
  assert.equal(await c.ranker(), null);
  const empty = await c.search('zzzz', { rerank: [{ stage: 'ranker', weights: { bm25: 1 } }] });
  assert.equal(empty.length, 0);
  c.close();
});
