// Dense retrieval benchmark: recall@10 (vs exact search) and queries/s at several ef, build time
// and memory, for Osprey WASM (float32, int8 + re-scoring, int8 codes only), hnswlib-node
// (native addon), hnswlib-wasm (npm) and plain hnswlib compiled natively (-O3 -march=native, run
// as a child process: bench/dense/native_hnswlib_bench.cpp). Same seeded clustered vectors, same
// M / efConstruction / seed, one thread each, medians over --reps runs of all queries.
//
//   ninja -C build/dense-native dense_native_bench   # the native reference binary
//   node bench/dense/dense_bench.mjs --n 100000 --efc 100 [--engines a,b] [--native BIN] [--index-wasm JS]
//     [--vectors PREFIX --dim D]   # real vectors (bench/dense/real_vectors.mjs) instead of clustered ones
// Each engine's result is also written to build/dense-bench/result-<engine>-<data>.json;
// --report only prints the table from those files (to combine engines run as separate processes).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Osprey } from '../../web/src/osprey.js';
import { loadCore } from '../../web/src/core.js';
import { clusteredVectors } from './clustered_vectors.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
  a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []));
let N = Number(args.n ?? 100000), Q = Number(args.queries ?? 1000);
const DIM = Number(args.dim ?? 384);
const M = Number(args.m ?? 16), EFC = Number(args.efc ?? 100), REPS = Number(args.reps ?? 3);
const EFS = (args.ef ?? '10,20,40,80,160').split(',').map(Number);
const CLUSTERS = Number(args.clusters ?? 1000), SPREAD = Number(args.spread ?? 0.5);
const ENGINES = (args.engines ?? 'native,index-float,index-int8+floats,index-int8,osprey,hnswlib-node,hnswlib-wasm').split(',');
const NATIVE = args.native ?? `${root}build/dense-native/dense_native_bench`;
const INDEX_WASM = args['index-wasm'] ?? `${root}build/dense-wasm/osprey_index_bench.cjs`;
const WORK = `${root}build/dense-bench`;
mkdirSync(WORK, { recursive: true });

// --- Seeded clustered data, unit length (data first, then queries, from one generator) --------
function makeData(count, queries, seed) {
  const source = clusteredVectors({ dim: DIM, clusters: CLUSTERS, spread: SPREAD, seed });
  return { data: source.fill(new Float32Array(count * DIM), count), query: source.fill(new Float32Array(queries * DIM), queries) };
}
const row = (a, i) => a.subarray(i * DIM, (i + 1) * DIM);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// CPU seconds of this process (user + system; includes V8's background threads): the machine is
// shared, and wall time would measure the neighbours. Child processes time themselves the same way.
const now = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

// --vectors PREFIX: real vectors from PREFIX.data.f32 and PREFIX.query.f32 (bench/dense/real_vectors.mjs)
// instead of clustered ones; N and Q are then their counts (at most --n and --queries).
const VECTORS = args.vectors;
const readVectors = (file, limit) => {
  const all = new Float32Array(readFileSync(file).buffer.slice(0));
  return all.subarray(0, Math.min(all.length, limit * DIM));
};
const { data, query } = VECTORS
  ? { data: readVectors(`${VECTORS}.data.f32`, N), query: readVectors(`${VECTORS}.query.f32`, Q) }
  : makeData(N, Q, 42);
if (VECTORS) {
  N = data.length / DIM;
  Q = query.length / DIM;
}
const tag = VECTORS ? `${basename(VECTORS)}-n${N}-q${Q}` : `n${N}-d${DIM}-q${Q}-c${CLUSTERS}-s${SPREAD}`;
// Written once (same seed, same bytes): engines may run as parallel processes on the same files.
if (!existsSync(`${WORK}/${tag}.query.f32`)) {
  writeFileSync(`${WORK}/${tag}.data.f32`, data);
  writeFileSync(`${WORK}/${tag}.query.f32`, query);
}

// --- Ground truth: exact top 10 (Osprey's flat index; cached) -------------------------------
const truthFile = `${WORK}/${tag}.truth.u32`;
let truth;
if (existsSync(truthFile)) {
  truth = new Uint32Array(readFileSync(truthFile).buffer.slice(0));
} else {
  const flat = await Osprey.open(`truth-${tag}`, { dimension: DIM, metric: 'cosine', index: 'flat', storage: 'memory' });
  for (let s = 0; s < N; s += 10000) {
    const docs = [];
    for (let i = s; i < Math.min(N, s + 10000); ++i) docs.push({ id: String(i), vector: row(data, i) });
    await flat.add(docs);
  }
  truth = new Uint32Array(Q * 10);
  for (let q = 0; q < Q; ++q) {
    const hits = await flat.search('', { vector: row(query, q), k: 10, mode: 'dense' });
    hits.forEach((h, j) => { truth[q * 10 + j] = Number(h.id); });
  }
  flat.close();
  writeFileSync(truthFile, truth);
}
const recallOf = (results) => {
  let found = 0;
  results.forEach((labels, q) => {
    const expected = truth.subarray(q * 10, q * 10 + 10);
    for (const l of labels) if (expected.includes(l)) found++;
  });
  return found / (Q * 10);
};

// Runs every ef: one warm-up pass (V8 tiers WASM and JS up while it runs), then REPS timed passes
// over all queries; recall from the last pass.
function measure(setEf, searchOne) {
  const runs = [];
  for (const ef of EFS) {
    setEf(ef);
    const rates = [];
    let recall = 0;
    for (let rep = -1; rep < REPS; ++rep) {
      const results = new Array(Q);
      const t = now();
      for (let q = 0; q < Q; ++q) results[q] = searchOne(row(query, q));
      if (rep >= 0) rates.push(Q / (now() - t));
      recall = recallOf(results);
    }
    runs.push({ ef, recall, qps: median(rates) });
  }
  return runs;
}

const mib = (bytes) => Math.round(bytes / 1048576);
const results = [];
function report(result) {
  results.push(result);
  console.error(JSON.stringify(result));
  writeFileSync(`${WORK}/result-${currentEngine}-${tag}-m${M}-efc${EFC}.json`, JSON.stringify(result));
}

let currentEngine = '';
for (const engine of args.report !== undefined ? [] : ENGINES) {
  currentEngine = engine;
  if (engine === 'native') {
    if (!existsSync(NATIVE)) {
      console.error(`skipping native: build it with 'ninja -C build/dense-native dense_native_bench' (${NATIVE})`);
      continue;
    }
    const out = execFileSync(NATIVE, [`${WORK}/${tag}.data.f32`, N, `${WORK}/${tag}.query.f32`, Q, truthFile, DIM, M, EFC, EFS.join(','), REPS].map(String), { encoding: 'utf8', maxBuffer: 1 << 24 });
    report(JSON.parse(out));
  } else if (engine.startsWith('index-')) {
    // Osprey's C++ index compiled to WASM (SIMD128), run under Node: the engine without the JS API.
    if (!existsSync(INDEX_WASM)) {
      console.error(`skipping ${engine}: run 'sh bench/dense/build_wasm_bench.sh' (${INDEX_WASM})`);
      continue;
    }
    const mode = engine.slice('index-'.length);
    const out = execFileSync('node', [INDEX_WASM, 'search', `${WORK}/${tag}.data.f32`, N, `${WORK}/${tag}.query.f32`, Q, truthFile, DIM, M, EFC, EFS.join(','), REPS, mode].map(String), { encoding: 'utf8', maxBuffer: 1 << 24 });
    const r = JSON.parse(out);
    r.engine = `Osprey WASM index, ${mode}`;
    report(r);
  } else if (engine.startsWith('osprey')) {
    // The public JS API (Osprey.open / collection.search): adds JS <-> WASM conversion per query.
    const quant = engine === 'osprey' ? {} : { quantization: 'int8', keepFloat: engine === 'osprey-int8' };
    const core = await loadCore();
    const heapBefore = core.HEAP8.buffer.byteLength;
    const t = now();
    const c = await Osprey.open(`bench-${engine}`, { dimension: DIM, metric: 'cosine', hnsw: { M, efConstruction: EFC }, storage: 'memory', ...quant });
    for (let s = 0; s < N; s += 5000) {
      const docs = [];
      for (let i = s; i < Math.min(N, s + 5000); ++i) docs.push({ id: String(i), vector: row(data, i) });
      await c.add(docs);
    }
    const buildSeconds = now() - t;
    const runs = [];
    for (const ef of EFS) {
      const rates = [];
      let recall = 0;
      for (let rep = -1; rep < REPS; ++rep) {
        const out = new Array(Q);
        const t0 = now();
        // documents: false: ids and scores, as hnswlib's searchKnn returns labels and distances.
        for (let q = 0; q < Q; ++q) out[q] = (await c.search('', { vector: row(query, q), k: 10, ef, mode: 'dense', documents: false })).map((h) => Number(h.id));
        if (rep >= 0) rates.push(Q / (now() - t0));
        recall = recallOf(out);
      }
      runs.push({ ef, recall, qps: median(rates) });
    }
    report({ engine: `Osprey JS API, ${quant.quantization ? (quant.keepFloat ? 'int8+floats' : 'int8') : 'float'}`, buildSeconds, heapMiB: mib(core.HEAP8.buffer.byteLength), heapGrowthMiB: mib(core.HEAP8.buffer.byteLength - heapBefore), runs });
    c.close();
  } else if (engine === 'hnswlib-node') {
    const { HierarchicalNSW } = createRequire(import.meta.url)('hnswlib-node');
    const rss = process.memoryUsage().rss;
    const index = new HierarchicalNSW('ip', DIM);
    index.initIndex(N, M, EFC, 100);
    const t = now();
    for (let i = 0; i < N; ++i) index.addPoint(Array.from(row(data, i)), i);
    const buildSeconds = now() - t;
    const runs = measure((ef) => index.setEf(ef), (v) => index.searchKnn(Array.from(v), 10).neighbors);
    report({ engine: 'hnswlib-node', buildSeconds, rssGrowthMiB: mib(process.memoryUsage().rss - rss), runs });
  } else if (engine === 'hnswlib-wasm') {
    // hnswlib-wasm is built for the web only (and its loader insists on IDBFS): load its Emscripten
    // factory directly with a stand-in `window`; no file system is used here.
    globalThis.window ??= globalThis;
    const { default: factory } = await import(`${root}node_modules/hnswlib-wasm/dist/hnswlib-317962d7.js`);
    const lib = await factory();
    delete globalThis.window;
    const index = new lib.HierarchicalNSW('ip', DIM, '');
    index.initIndex(N, M, EFC, 100);
    const t = now();
    for (let i = 0; i < N; ++i) index.addPoint(row(data, i), i, false);
    const buildSeconds = now() - t;
    const runs = measure((ef) => index.setEfSearch(ef), (v) => index.searchKnn(v, 10, undefined).neighbors);
    report({ engine: 'hnswlib-wasm', buildSeconds, heapMiB: lib.HEAP8 ? mib(lib.HEAP8.buffer.byteLength) : undefined, runs });
  }
}

// --- Table and ratios ------------------------------------------------------------------------
if (args.report !== undefined) {
  for (const engine of ENGINES) {
    const file = `${WORK}/result-${engine}-${tag}-m${M}-efc${EFC}.json`;
    if (existsSync(file)) results.push(JSON.parse(readFileSync(file, 'utf8')));
  }
}
const native = results.find((r) => r.engine === 'native hnswlib');
const hwasm = results.find((r) => r.engine === 'hnswlib-wasm');
// q/s at the smallest ef reaching recall@10 >= 0.95 (the operating point of the targets)
const at95 = (r) => r?.runs.find((x) => x.recall >= 0.95);
console.log(`\n${N} x ${DIM}-d, ${VECTORS ? `real vectors (${basename(VECTORS)})` : `${CLUSTERS} clusters (spread ${SPREAD})`}, ${Q} queries, k=10, M=${M}, efConstruction=${EFC}, ${REPS} reps (median), CPU time, one thread\n`);
console.log(`| engine | build CPU s | ${EFS.map((e) => `ef=${e} recall / q/s`).join(' | ')} | q/s @ recall>=0.95 | vs native | vs hnswlib-wasm |`);
console.log(`|---|---|${EFS.map(() => '---').join('|')}|---|---|---|`);
for (const r of results) {
  const op = at95(r);
  const ratio = (other) => (op && at95(other) ? (op.qps / at95(other).qps).toFixed(2) + 'x' : '-');
  console.log(`| ${r.engine} | ${r.buildSeconds.toFixed(1)} | ${r.runs.map((x) => `${x.recall.toFixed(3)} / ${Math.round(x.qps)}`).join(' | ')} | ${op ? `${Math.round(op.qps)} (ef=${op.ef})` : '-'} | ${ratio(native)} | ${ratio(hwasm)} |`);
}
for (const r of results) {
  if (r.heapMiB !== undefined || r.rssGrowthMiB !== undefined) {
    console.log(`memory ${r.engine}: ${r.heapMiB !== undefined ? `WASM heap ${r.heapMiB} MiB` : ''}${r.rssGrowthMiB !== undefined ? `RSS growth ${r.rssGrowthMiB} MiB` : ''}`);
  }
}
// Same ef, engine by engine: q/s ratio to native (recall differs slightly between engines)
if (native) {
  for (const r of results.filter((x) => x !== native)) {
    console.log(`q/s ratio to native at equal ef, ${r.engine}: ${r.runs.map((x, i) => `ef=${x.ef} ${(x.qps / native.runs[i].qps).toFixed(2)}x`).join(', ')}`);
  }
}
