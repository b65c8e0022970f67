#!/usr/bin/env node
// WASM memory of a whole collection of N x DIM int8 vectors (HNSW graph, codes, ids, document
// store), added through the public API in batches, as an application would:
//   node --max-old-space-size=4096 bench/dense/collection_memory.mjs [--n 1000000] [--dim 384]
//     [--m 16] [--efc 40] [--batch 10000] [--capacity N|0] [--queries 50] [--ef 64,256]
// Prints the WASM heap after every 10% of the vectors, then recall@10 of `queries` searches at
// each ef against an exact float scan of the same vectors. efConstruction changes build time and
// graph quality, not the memory (M fixes the links per node).
import { Osprey } from '../../web/src/osprey.js';
import { loadCore } from '../../web/src/core.js';
import { clusteredVectors } from './clustered_vectors.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
  a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []));
const N = Number(args.n ?? 1000000), DIM = Number(args.dim ?? 384), M = Number(args.m ?? 16);
const EFC = Number(args.efc ?? 40), BATCH = Number(args.batch ?? 10000), Q = Number(args.queries ?? 50);
const CAPACITY = Number(args.capacity ?? N);
const EFS = (args.ef ?? '64,256').split(',').map(Number);
const MiB = (bytes) => (bytes / 2 ** 20).toFixed(0);

const core = await loadCore();
const heap = () => core.HEAP8.buffer.byteLength;
const startHeap = heap();
const c = await Osprey.open(`memory-${N}`, {
  dimension: DIM, metric: 'cosine', quantization: 'int8', storage: 'memory',
  hnsw: { M, efConstruction: EFC, ...(CAPACITY ? { capacity: CAPACITY } : {}) },
});
const source = clusteredVectors({ dim: DIM, clusters: 1000, spread: 0.5, seed: 42 });
// Queries come from the same generator (the same clusters) as the vectors.
const queries = source.fill(new Float32Array(Q * DIM), Q);
// Exact top 10 per query, kept while the vectors stream past (they are not all kept in JS).
const best = Array.from({ length: Q }, () => []);
const batch = new Float32Array(BATCH * DIM);
const started = performance.now();
console.log(`| vectors | WASM heap MiB | wall s |\n|---:|---:|---:|`);
for (let done = 0; done < N;) {
  const count = Math.min(BATCH, N - done);
  source.fill(batch, count);
  const docs = [];
  for (let i = 0; i < count; ++i) docs.push({ id: String(done + i), vector: batch.subarray(i * DIM, (i + 1) * DIM) });
  for (let q = 0; q < Q; ++q) {
    const qv = queries.subarray(q * DIM, (q + 1) * DIM);
    for (let i = 0; i < count; ++i) {
      let dot = 0;
      for (let j = 0, o = i * DIM; j < DIM; ++j) dot += qv[j] * batch[o + j];
      const list = best[q];
      if (list.length < 10 || dot > list[list.length - 1].dot) {
        list.push({ id: String(done + i), dot });
        list.sort((a, b) => b.dot - a.dot);
        if (list.length > 10) list.pop();
      }
    }
  }
  await c.add(docs);
  done += count;
  if (done % Math.max(BATCH, Math.round(N / 10 / BATCH) * BATCH) === 0 || done === N) {
    console.log(`| ${done} | ${MiB(heap())} | ${((performance.now() - started) / 1000).toFixed(0)} |`);
  }
}
const recall = [];
for (const ef of EFS) {
  let found = 0;
  for (let q = 0; q < Q; ++q) {
    const hits = await c.search('', { vector: queries.subarray(q * DIM, (q + 1) * DIM), k: 10, ef, documents: false });
    const truth = new Set(best[q].map((b) => b.id));
    found += hits.filter((h) => truth.has(h.id)).length;
  }
  recall.push(`ef ${ef}: ${(found / (Q * 10)).toFixed(3)}`);
}
console.log(`\n${N} x ${DIM} int8, M=${M}, efConstruction=${EFC}, capacity ${CAPACITY || 'none'}: ` +
  `WASM heap ${MiB(heap())} MiB (module start ${MiB(startHeap)} MiB); recall@10 of ${Q} queries vs exact float search: ${recall.join(', ')}`);
