// Retrieval quality of the embedded default model osprey-static-en on the English BEIR folders of
// ../shared/data/ir: BM25 alone, dense alone (exact search), and hybrid (BM25 + dense, Osprey's fusion).
// Usage: node bench/models/static_eval.mjs [--variant int8|fp32] [--tokenizer osprey|rust] [--json]
import { Osprey } from '../../web/src/osprey.js';
import { evaluate, readBeir } from '../../scripts/lib/beir.mjs';
import { rustTokenizer, SHARED, STATIC_DIR } from '../../tests/js/models_helpers.mjs';

const argv = process.argv.slice(2);
const opt = (name, fallback) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : fallback; };
const variant = opt('variant', 'int8');
const modelOptions = { variant };
if (opt('tokenizer', 'osprey') === 'rust') modelOptions.tokenizer = await rustTokenizer(`${STATIC_DIR}tokenizer.json`);

const rows = [];
for (const dataset of ['adi', 'cran', 'cisi', 'med', 'npl']) {
  const { corpus, queries, qrels } = readBeir(`${SHARED}ir/${dataset}`);
  const collection = await Osprey.open(`static-eval-${dataset}`, { storage: 'memory', model: 'osprey-static-en', modelOptions });
  const t0 = performance.now();
  await collection.add(corpus.map((d) => ({ id: String(d._id), title: d.title ?? '', body: d.text ?? '' })));
  const addMs = performance.now() - t0;
  const row = { dataset, docs: corpus.length, queries: queries.length, addMs };
  for (const mode of ['sparse', 'dense', 'hybrid']) {
    const rankings = new Map();
    for (const q of queries) {
      const hits = q.text.trim() ? await collection.search(q.text, { k: 100, mode, exact: true, documents: false }) : [];
      rankings.set(q._id, hits.map((h) => h.id));
    }
    row[mode] = evaluate(rankings, qrels).ndcg10;
  }
  collection.close();
  rows.push(row);
  console.error(`${dataset}: bm25 ${row.sparse.toFixed(3)} dense ${row.dense.toFixed(3)} hybrid ${row.hybrid.toFixed(3)} (embedded ${row.docs} docs in ${(addMs / 1000).toFixed(1)} s)`);
}
if (argv.includes('--json')) console.log(JSON.stringify(rows));
else {
  console.log(`| dataset | docs | queries | BM25 | osprey-static-en (${variant}) dense | hybrid |`);
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.dataset} | ${r.docs} | ${r.queries} | ${r.sparse.toFixed(3)} | ${r.dense.toFixed(3)} | ${r.hybrid.toFixed(3)} |`);
  const mean = (k) => (rows.reduce((s, r) => s + r[k], 0) / rows.length).toFixed(3);
  console.log(`| mean | | | ${mean('sparse')} | ${mean('dense')} | ${mean('hybrid')} |`);
}
