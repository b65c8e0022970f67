// Reading BEIR-layout folders (corpus.jsonl, queries.jsonl, qrels/test.tsv) and the standard
// ranking metrics, shared by the evaluation command, tests and benchmarks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function readJsonl(path) {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
}

/**
 * @param {string} folder a BEIR folder
 * @returns {{corpus: {_id: string, title?: string, text: string}[], queries: {_id: string, text: string}[],
 *   qrels: Map<string, Map<string, number>>}} queries: only those with judgments
 */
export function readBeir(folder) {
  const corpus = readJsonl(join(folder, 'corpus.jsonl'));
  const qrels = new Map();
  const lines = readFileSync(join(folder, 'qrels', 'test.tsv'), 'utf8').split('\n');
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const [queryId, docId, score] = line.split('\t');
    const grade = Number(score);
    if (!(grade > 0)) continue;
    if (!qrels.has(queryId)) qrels.set(queryId, new Map());
    qrels.get(queryId).set(docId, grade);
  }
  const queries = readJsonl(join(folder, 'queries.jsonl')).filter((q) => qrels.has(q._id));
  return { corpus, queries, qrels };
}

/** nDCG@k with linear gains (as trec_eval and BEIR's pytrec_eval). */
export function ndcgAt(ranked, relevant, k = 10) {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    const gain = relevant.get(ranked[i]) ?? 0;
    if (gain > 0) dcg += gain / Math.log2(i + 2);
  }
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, k);
  let idcg = 0;
  ideal.forEach((gain, i) => { idcg += gain / Math.log2(i + 2); });
  return idcg > 0 ? dcg / idcg : 0;
}

/** Average precision over the ranking given (e.g. the top 100), divided by all relevant documents. */
export function averagePrecision(ranked, relevant) {
  let hits = 0;
  let sum = 0;
  ranked.forEach((id, i) => {
    if (relevant.has(id)) {
      hits++;
      sum += hits / (i + 1);
    }
  });
  return relevant.size ? sum / relevant.size : 0;
}

export function reciprocalRankAt(ranked, relevant, k = 10) {
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i])) return 1 / (i + 1);
  return 0;
}

export function recallAt(ranked, relevant, k = 100) {
  let found = 0;
  for (const id of ranked.slice(0, k)) if (relevant.has(id)) found++;
  return relevant.size ? found / relevant.size : 0;
}

/**
 * Mean metrics over queries. `rankings` maps a query id to its ranked document ids (best first).
 * @returns {{ndcg10: number, map: number, mrr10: number, recall100: number, queries: number}}
 */
export function evaluate(rankings, qrels) {
  const totals = { ndcg10: 0, map: 0, mrr10: 0, recall100: 0 };
  let n = 0;
  for (const [queryId, relevant] of qrels) {
    if (!rankings.has(queryId)) continue;
    const ranked = rankings.get(queryId);
    totals.ndcg10 += ndcgAt(ranked, relevant, 10);
    totals.map += averagePrecision(ranked, relevant);
    totals.mrr10 += reciprocalRankAt(ranked, relevant, 10);
    totals.recall100 += recallAt(ranked, relevant, 100);
    n++;
  }
  for (const key of Object.keys(totals)) totals[key] = n ? totals[key] / n : 0;
  return { ...totals, queries: n };
}
