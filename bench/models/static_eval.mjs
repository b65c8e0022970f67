// Retrieval quality of the embedded default model osprey-static-en on the English BEIR folders of
// ../shared/data/ir: BM25 alone, dense alone (exact search), and hybrid (BM25 + dense, Osprey's fusion).
// Usage: node bench/models/static_eval.mjs [--variant int8|fp32] [--tokenizer osprey|rust] [--json]
import { loadCore } from '../../web/src/core.js';
import { TextEmbedder } from '../../web/src/models/index.js';
import { evaluate, readBeir } from '../../scripts/lib/beir.mjs';
import { rustTokenizer, SHARED, STATIC_DIR } from '../../tests/js/models_helpers.mjs';

const argv = process.argv.slice(2);
const opt = (name, fallback) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : fallback; };
const variant = opt('variant', 'int8');
const DENSE_WEIGHT = Number(opt('dense-weight', 0.3));
const modelOptions = { variant };
if (opt('tokenizer', 'osprey') === 'rust') modelOptions.tokenizer = await rustTokenizer(`${STATIC_DIR}tokenizer.json`);

// The core's collection directly (what Osprey.open wraps), so that the evaluation does not depend on
// the JS wrapper's storage layer.
const core = await loadCore();
const embedder = await TextEmbedder.load('osprey-static-en', modelOptions);
const rows = [];
for (const dataset of ['adi', 'cran', 'cisi', 'med', 'npl']) {
  const { corpus, queries, qrels } = readBeir(`${SHARED}ir/${dataset}`);
  const collection = core.Collection.create({ dimension: embedder.dimension, metric: 'cosine' });
  const t0 = performance.now();
  const vectors = await embedder.embedDocuments(corpus.map((d) => [d.title, d.text].filter(Boolean).join('\n')));
  collection.add(corpus.map((d, i) => ({ id: String(d._id), title: d.title ?? '', body: d.text ?? '', vector: vectors[i] })));
  const addMs = performance.now() - t0;
  const row = { dataset, docs: corpus.length, queries: queries.length, addMs };
  const queryVectors = await embedder.embed(queries.map((q) => q.text), { kind: 'query' });
  const lists = { sparse: new Map(), dense: new Map() };
  for (const mode of ['sparse', 'dense', 'hybrid']) {
    const rankings = new Map();
    queries.forEach((q, i) => {
      const hits = q.text.trim() ? collection.search({ text: q.text, k: 100, mode, exact: true, vector: queryVectors[i] }) : [];
      rankings.set(q._id, hits.map((h) => h.id));
      if (lists[mode]) lists[mode].set(q._id, hits);
    });
    row[mode] = evaluate(rankings, qrels).ndcg10;
  }
  // Convex combination of min-max normalized scores (weight DENSE_WEIGHT on dense), computed here
  // from the two top-100 lists: how much a weighted fusion gets out of a weak dense model.
  const weighted = new Map();
  for (const q of queries) {
    const fused = new Map();
    for (const [mode, w] of [['sparse', 1 - DENSE_WEIGHT], ['dense', DENSE_WEIGHT]]) {
      const hits = lists[mode].get(q._id) ?? [];
      if (hits.length === 0) continue;
      const max = hits[0].score;
      const min = hits.at(-1).score;
      for (const h of hits) fused.set(h.id, (fused.get(h.id) ?? 0) + w * (max > min ? (h.score - min) / (max - min) : 1));
    }
    weighted.set(q._id, [...fused].sort((a, b) => b[1] - a[1]).map(([id]) => id));
  }
  row.weighted = evaluate(weighted, qrels).ndcg10;
  collection.delete();
  rows.push(row);
  console.error(`${dataset}: bm25 ${row.sparse.toFixed(3)} dense ${row.dense.toFixed(3)} hybrid ${row.hybrid.toFixed(3)} weighted ${row.weighted.toFixed(3)} (embedded ${row.docs} docs in ${(addMs / 1000).toFixed(1)} s)`);
}
if (argv.includes('--json')) console.log(JSON.stringify(rows));
else {
  console.log(`| dataset | docs | queries | BM25 | osprey-static-en (${variant}) dense | hybrid (RRF, Osprey) | hybrid (min-max, dense weight ${DENSE_WEIGHT}) |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.dataset} | ${r.docs} | ${r.queries} | ${r.sparse.toFixed(3)} | ${r.dense.toFixed(3)} | ${r.hybrid.toFixed(3)} | ${r.weighted.toFixed(3)} |`);
  const mean = (k) => (rows.reduce((s, r) => s + r[k], 0) / rows.length).toFixed(3);
  console.log(`| mean | | | ${mean('sparse')} | ${mean('dense')} | ${mean('hybrid')} | ${mean('weighted')} |`);
}
