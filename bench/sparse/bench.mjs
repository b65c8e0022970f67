#!/usr/bin/env node
// Sparse (BM25) speed and quality of Osprey (WASM) against MiniSearch, Orama and FlexSearch in one
// Node process, on the same documents and queries:
//   node --expose-gc --max-old-space-size=8192 bench/sparse/bench.mjs [--copies 9] [--rounds 5] [--index-runs 3]
//     [--skip-large | --large-only] [--engines osprey,flexsearch,minisearch,orama]
// Corpora: NPL (11,429 abstracts, 93 queries) and NPL repeated `copies` times with new ids (102,861
// documents at 9 copies). Every engine returns its top 100 where it supports a limit. Prints
// indexing docs/s (median of --index-runs builds), queries/s (median over rounds of all 93
// queries, rounds interleaved across engines), memory per document, nDCG@10 on NPL, and
// Osprey's ratio to the fastest competitor.
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import FlexSearch from 'flexsearch';
import { Osprey } from '../../web/src/osprey.js';
import { loadCore } from '../../web/src/core.js';
import { evaluate, readBeir } from '../../scripts/lib/beir.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const COPIES = option('--copies', 9);
const ROUNDS = option('--rounds', 5);
const INDEX_RUNS = option('--index-runs', 3);
const SKIP_LARGE = args.includes('--skip-large');
// --engines osprey,flexsearch: a subset (MiniSearch and Orama need many minutes at 100k documents).
const ENGINES = args.includes('--engines') ? args[args.indexOf('--engines') + 1].split(',') : null;
const LARGE_ONLY = args.includes('--large-only');
const TOP_K = 100;
// Slow engines: stop adding rounds once this much time went into one measurement.
const ROUND_BUDGET_MS = 20000;

const npl = readBeir(fileURLToPath(new URL('../../../shared/data/ir/npl', import.meta.url)));
const docsOf = (copies) => {
  const docs = [];
  for (let c = 0; c < copies; c++) {
    for (const d of npl.corpus) docs.push({ id: c ? `${d._id}#${c}` : String(d._id), title: d.title ?? '', text: d.text });
  }
  return docs;
};

const gc = () => globalThis.gc?.();
const heapUsed = () => { gc(); return process.memoryUsage().heapUsed; };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const engines = {
  async osprey(docs) {
    const core = await loadCore();
    const wasmBefore = core.HEAP8.buffer.byteLength;
    const c = await Osprey.open(`bench-${Math.random()}`, { storage: 'memory' });
    await c.add(docs.map((d) => ({ id: d.id, title: d.title, body: d.text })));
    return {
      search: async (q) => (await c.search(q, { k: TOP_K, mode: 'sparse', documents: false })).map((h) => h.id),
      // The WASM heap only grows: its growth is what the collection (documents included) took.
      extraBytes: () => core.HEAP8.buffer.byteLength - wasmBefore,
      close: () => c.close(),
    };
  },
  async minisearch(docs) {
    // BM25+ over title and text, OR of the query's words (its defaults); no top-k: slice.
    const ms = new MiniSearch({ fields: ['title', 'text'], idField: 'id' });
    ms.addAll(docs);
    return { search: async (q) => ms.search(q).slice(0, TOP_K).map((r) => r.id) };
  },
  async orama(docs) {
    const db = create({ schema: { title: 'string', text: 'string' } });
    await insertMultiple(db, docs, 1000);
    return {
      search: async (q) => (await oramaSearch(db, { term: q, limit: TOP_K, properties: ['title', 'text'] })).hits.map((h) => h.id),
    };
  },
  async flexsearch(docs) {
    // Whole words (tokenize 'strict'), one index over title + text; suggest: true, or most natural
    // language queries find nothing (FlexSearch requires every word by default).
    const index = new FlexSearch.Index({ tokenize: 'strict', resolution: 9 });
    docs.forEach((d, i) => index.add(i, `${d.title} ${d.text}`));
    return { search: async (q) => index.search(q, { limit: TOP_K, suggest: true }).map((i) => docs[i].id) };
  },
};

// Builds every engine first, then runs the query rounds interleaved (engine A round 1, engine B
// round 1, ...) so that every engine sees the same machine load; medians over rounds.
async function measureAll(docs, { quality }) {
  // Osprey's WebAssembly module is compiled once per process before any timing (as the other
  // engines' code is loaded by import): what is timed is indexing, not module start-up.
  await loadCore();
  const names = Object.keys(engines).filter((n) => !ENGINES || ENGINES.includes(n));
  // Indexing is timed INDEX_RUNS times, engines interleaved, and reported as the median. Memory is
  // measured on each engine's first build, with the other engines' first builds alive (as they
  // were measured before this took several builds: an engine dropped while the next one is
  // measured would lower that one's figure); for Osprey it includes its WebAssembly memory growth
  // (that memory never shrinks: later builds reuse it). The last build answers the queries.
  const runs = new Map(names.map((n) => [n, { indexMs: [], bytes: 0 }]));
  const built = [];
  for (let run = 0; run < INDEX_RUNS; run++) {
    const last = run === INDEX_RUNS - 1;
    const dropped = [];
    for (const name of names) {
      const heapBefore = run === 0 ? heapUsed() : 0;
      const started = performance.now();
      const engine = await engines[name](docs);
      runs.get(name).indexMs.push(performance.now() - started);
      if (run === 0) runs.get(name).bytes = heapUsed() - heapBefore + (engine.extraBytes?.() ?? 0);
      if (!last) {
        dropped.push(engine);
        continue;
      }
      for (const q of npl.queries.slice(0, 10)) await engine.search(q.text);  // warm up
      built.push({ name, engine, indexMs: median(runs.get(name).indexMs), bytes: runs.get(name).bytes,
        roundMs: [], rankings: null, spentMs: 0 });
    }
    for (const engine of dropped) engine.close?.();
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const b of built) {
      if (r > 0 && b.spentMs > ROUND_BUDGET_MS) continue;  // slow engines: fewer rounds
      const t0 = performance.now();
      const current = new Map();
      for (const q of npl.queries) current.set(q._id, await b.engine.search(q.text));
      const ms = performance.now() - t0;
      b.roundMs.push(ms);
      b.spentMs += ms;
      b.rankings ??= current;
    }
  }
  return built.map((b) => {
    b.engine.close?.();
    const row = { engine: b.name, docs: docs.length, docsPerSec: docs.length / (b.indexMs / 1000),
      qps: npl.queries.length / (median(b.roundMs) / 1000), bytesPerDoc: b.bytes / docs.length, rounds: b.roundMs.length };
    if (quality) row.ndcg10 = evaluate(b.rankings, npl.qrels).ndcg10;
    return row;
  });
}

function report(title, rows) {
  console.log(`\n### ${title}\n`);
  console.log('| engine | docs | index docs/s | queries/s | memory/doc | nDCG@10 (npl) | rounds |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.engine} | ${r.docs} | ${Math.round(r.docsPerSec)} | ${r.qps.toFixed(1)} | ` +
      `${(r.bytesPerDoc / 1024).toFixed(2)} KiB | ${r.ndcg10 === undefined ? '-' : r.ndcg10.toFixed(4)} | ${r.rounds} |`);
  }
  const osprey = rows.find((r) => r.engine === 'osprey');
  const others = rows.filter((r) => r.engine !== 'osprey');
  const fastestQ = others.reduce((a, b) => (b.qps > a.qps ? b : a));
  const fastestI = others.reduce((a, b) => (b.docsPerSec > a.docsPerSec ? b : a));
  console.log(`\nOsprey / fastest competitor: queries ${(osprey.qps / fastestQ.qps).toFixed(1)}x (${fastestQ.engine}), ` +
    `indexing ${(osprey.docsPerSec / fastestI.docsPerSec).toFixed(1)}x (${fastestI.engine})`);
}

if (!LARGE_ONLY) {
  report(`NPL: ${npl.corpus.length} documents, ${npl.queries.length} queries, top ${TOP_K}`,
    await measureAll(docsOf(1), { quality: true }));
}
if (!SKIP_LARGE) {
  const docs = docsOf(COPIES);
  report(`NPL x${COPIES}: ${docs.length} documents, same queries, top ${TOP_K}`, await measureAll(docs, { quality: false }));
}
