// HNSW build time of the single-thread WASM core vs the multithreaded one (osprey_core_mt), in one
// cross-origin isolated Chromium page: two same-origin iframes, one loading each build, add the
// same N seeded clustered vectors (int8 + kept floats) in ONE collection.add() call, alternating
// which build goes first. Prints the wall-clock medians and their ratio, and recall@10 of both
// against exact search (so that the speed-up is not bought with quality).
//
//   node bench/dense/threads_bench.mjs --n 20000 --reps 5 [--dim 384] [--efc 100] [--m 16] [--queries 200]
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';
import { CHROMIUM_ARGS } from '../../tests/browser/harness.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
  a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs, []));
const N = Number(args.n ?? 20000), DIM = Number(args.dim ?? 384), REPS = Number(args.reps ?? 5);
const M = Number(args.m ?? 16), EFC = Number(args.efc ?? 100), Q = Number(args.queries ?? 200);
const PAGE = '/tests/browser/fixtures/blank.html';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Runs in a frame: loads its build, makes the data (same seed in both frames), builds, measures.
async function prepare({ threads, n, dim, queries }) {
  const { Osprey } = window.osprey;
  const { clusteredVectors } = await import('/bench/dense/clustered_vectors.mjs');
  const source = clusteredVectors({ dim, clusters: 1000, spread: 0.5, seed: 42 });
  window.benchData = source.fill(new Float32Array(n * dim), n);
  window.benchQueries = source.fill(new Float32Array(queries * dim), queries);
  return { build: await Osprey.buildInfo({ threads }), isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency };
}

async function buildOnce({ n, dim, m, efc, queries, rep }) {
  const { Osprey } = window.osprey;
  const data = window.benchData, query = window.benchQueries;
  const row = (a, i) => a.subarray(i * dim, (i + 1) * dim);
  const docs = [];
  for (let i = 0; i < n; ++i) docs.push({ id: String(i), vector: row(data, i) });
  const c = await Osprey.open(`threads-bench-${rep}`, { dimension: dim, metric: 'cosine', storage: 'memory',
    hnsw: { M: m, efConstruction: efc }, quantization: 'int8', keepFloat: true });
  const t0 = performance.now();
  await c.add(docs);
  const seconds = (performance.now() - t0) / 1000;
  let recall = 0;
  for (let q = 0; q < queries; ++q) {
    const exact = new Set((await c.search('', { vector: row(query, q), k: 10, exact: true })).map((h) => h.id));
    const hits = await c.search('', { vector: row(query, q), k: 10 });
    recall += hits.filter((h) => exact.has(h.id)).length / 10;
  }
  c.close();
  return { seconds, recall: recall / queries };
}

const { server, url } = await startServer({ port: 0 });
const profile = await mkdtemp(join(tmpdir(), 'osprey-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
});
try {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', String(e)));
  page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') console.error(m.text()); });
  await page.goto(url + PAGE);
  await page.evaluate((src) => Promise.all(['st', 'mt'].map((name) => new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.name = name;
    frame.src = src;
    frame.onload = resolve;
    document.body.append(frame);
  }))), PAGE);
  const frames = {};
  for (const name of ['st', 'mt']) {
    frames[name] = page.frames().find((f) => f.name() === name);
    await frames[name].waitForFunction(() => window.ospreyReady === true);
    const info = await frames[name].evaluate(prepare, { threads: name === 'mt', n: N, dim: DIM, queries: Q });
    console.log(name, JSON.stringify(info));
    if (!info.isolated || info.build.multithreaded !== (name === 'mt')) throw new Error(`frame ${name} loaded the wrong build`);
  }
  const results = { st: [], mt: [] };
  for (let rep = 0; rep < REPS; ++rep) {
    for (const name of rep % 2 ? ['mt', 'st'] : ['st', 'mt']) {
      const r = await frames[name].evaluate(buildOnce, { n: N, dim: DIM, m: M, efc: EFC, queries: Q, rep });
      results[name].push(r);
      console.log(`rep ${rep} ${name}: build ${r.seconds.toFixed(2)} s, recall@10 ${r.recall.toFixed(4)}, load ${loadavg()[0].toFixed(2)}`);
    }
  }
  const st = median(results.st.map((r) => r.seconds)), mt = median(results.mt.map((r) => r.seconds));
  console.log(`\n${N} x ${DIM} int8 + floats, M=${M}, efConstruction=${EFC}, one add() call, median of ${REPS}:`);
  console.log(`  single-thread ${st.toFixed(2)} s (recall@10 ${median(results.st.map((r) => r.recall)).toFixed(4)})`);
  console.log(`  multithreaded ${mt.toFixed(2)} s (recall@10 ${median(results.mt.map((r) => r.recall)).toFixed(4)})`);
  console.log(`  speed-up ${(st / mt).toFixed(2)}x`);
} finally {
  await context.close();
  server.closeAllConnections();
  server.close();
  await rm(profile, { recursive: true, force: true });
}
