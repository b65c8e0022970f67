// Retrieval quality floors: nDCG@10, MAP, MRR@10 and Recall@100 of BM25 with the default analyzer on
// every collection in ../shared/data/ir, pinned a little below the values measured with
// `npm run eval` (bench/results/sparse.md) so that quality never silently regresses.
// All queries are used (cmrc2018-zh: all 4221).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { evaluateDataset } from '../../scripts/eval.mjs';

const data = new URL('../../../shared/data/ir/', import.meta.url);

// Measured (k1 1.2, b 0.6, English stemmer + stopwords, CJK unigrams + bigrams) minus 0.005.
const floors = {
  adi: { ndcg10: 0.479, map: 0.408, mrr10: 0.616, recall100: 0.905 },
  cran: { ndcg10: 0.369, map: 0.301, mrr10: 0.530, recall100: 0.745 },
  cisi: { ndcg10: 0.403, map: 0.173, mrr10: 0.652, recall100: 0.445 },
  med: { ndcg10: 0.687, map: 0.507, mrr10: 0.882, recall100: 0.788 },
  npl: { ndcg10: 0.447, map: 0.264, mrr10: 0.701, recall100: 0.610 },
  // The targets: >= 0.80 on debian-zh and >= 0.98 on cmrc2018-zh.
  'debian-zh': { ndcg10: 0.800, map: 0.772, mrr10: 0.770, recall100: 0.964 },
  'cmrc2018-zh': { ndcg10: 0.980, map: 0.975, mrr10: 0.975, recall100: 0.994 },
};

for (const [name, floor] of Object.entries(floors)) {
  test(`BM25 quality on ${name}`, async () => {
    const result = await evaluateDataset(fileURLToPath(new URL(name, data)));
    for (const [metric, minimum] of Object.entries(floor)) {
      assert.ok(result[metric] >= minimum, `${name} ${metric} ${result[metric].toFixed(4)} < floor ${minimum}`);
    }
  });
}
