#!/usr/bin/env node
// Retrieval quality of Osprey's BM25 on BEIR-layout folders, through the JS package in Node:
//   npm run eval -- --dataset ../shared/data/ir/cran [--dataset ...] [--k1 0.9 --b 0.4]
//     [--language en|none] [--no-stemmer] [--no-stopwords] [--cjk unigram+bigram|bigram|unigram]
//     [--title-weight 1] [--limit N (first N queries)] [--json]
// Prints nDCG@10, MAP (over the top 100), MRR@10 and Recall@100 per dataset.
import { basename, resolve } from 'node:path';
import { Osprey } from '../web/src/osprey.js';
import { evaluate, readBeir } from './lib/beir.mjs';

function parseArgs(argv) {
  const args = { datasets: [], analyzer: {}, bm25: {}, json: false, limit: Infinity, raw: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--dataset') args.datasets.push(next());
    else if (a === '--k1') args.bm25.k1 = Number(next());
    else if (a === '--b') args.bm25.b = Number(next());
    else if (a === '--title-weight') args.bm25.titleWeight = Number(next());
    else if (a === '--body-weight') args.bm25.bodyWeight = Number(next());
    else if (a === '--language') args.analyzer.language = next();
    else if (a === '--cjk') args.analyzer.cjk = next();
    else if (a === '--no-stemmer') args.analyzer.stemmer = false;
    else if (a === '--no-stopwords') args.analyzer.stopwords = false;
    else if (a === '--limit') args.limit = Number(next());
    else if (a === '--json') args.json = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (args.datasets.length === 0) throw new Error('give at least one --dataset <BEIR folder>');
  return args;
}

/**
 * Indexes a BEIR folder into a fresh in-memory collection and runs every judged query.
 * Queries are searched as typed (the query language applies: quotes, +, - at word starts).
 */
export async function evaluateDataset(folder, { analyzer = {}, bm25 = {}, limit = Infinity } = {}) {
  const { corpus, queries, qrels } = readBeir(folder);
  const name = `eval-${basename(folder)}-${Math.random()}`;
  const options = { storage: 'memory', analyzer };
  if (Object.keys(bm25).length) options.bm25 = bm25;
  const collection = await Osprey.open(name, options);
  try {
    const started = performance.now();
    await collection.add(corpus.map((d) => ({ id: String(d._id), title: d.title ?? '', body: d.text ?? '' })));
    const indexMs = performance.now() - started;
    const rankings = new Map();
    const chosen = queries.slice(0, limit);
    const searchStarted = performance.now();
    for (const q of chosen) {
      // An empty query is an error in the API; here it simply finds nothing.
      const hits = q.text.trim() ? await collection.search(q.text, { k: 100, mode: 'sparse', documents: false }) : [];
      rankings.set(q._id, hits.map((h) => h.id));
    }
    const searchMs = performance.now() - searchStarted;
    const judged = new Map(chosen.map((q) => [q._id, qrels.get(q._id)]));
    return { dataset: basename(folder), docs: corpus.length, ...evaluate(rankings, judged), indexMs, searchMs };
  } finally {
    collection.close();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const rows = [];
  for (const folder of args.datasets) rows.push(await evaluateDataset(resolve(folder), args));
  if (args.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  const f = (x) => x.toFixed(4);
  console.log('| dataset | docs | queries | nDCG@10 | MAP | MRR@10 | Recall@100 |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.dataset} | ${r.docs} | ${r.queries} | ${f(r.ndcg10)} | ${f(r.map)} | ${f(r.mrr10)} | ${f(r.recall100)} |`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}
