// The two WebAssembly builds in Chromium: a cross-origin isolated page (COOP + COEP) loads the
// multithreaded core and builds a large batch with threads, a page of the same origin without those
// headers loads the single-thread core; both give correct results and open each other's saves.
// A threaded build that cannot load falls back to the single-thread one with a warning.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';
import { CHROMIUM_ARGS } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PAGE = '/tests/browser/fixtures/blank.html';
const N = 5000, DIM = 64, QUERIES = 100;

let context, servers = [], profile, partial;
before(async () => {
  // One origin (one IndexedDB): a page asked for with ?plain comes without the isolation headers.
  servers.push(await startServer({ port: 0, isolated: (url) => !url.searchParams.has('plain') }));
  // A copy of the package (links) without the threaded build's worker file.
  partial = await mkdtemp(join(tmpdir(), 'osprey-no-worker-'));
  await mkdir(join(partial, 'web', 'dist'), { recursive: true });
  await mkdir(join(partial, 'tests', 'browser'), { recursive: true });
  for (const path of ['web/src', 'tests/browser/fixtures', 'bench']) await symlink(join(ROOT, path), join(partial, path));
  for (const file of ['osprey_core.mjs', 'osprey_core.wasm', 'osprey_core_mt.mjs', 'osprey_core_mt.wasm']) {
    await symlink(join(ROOT, 'web', 'dist', file), join(partial, 'web', 'dist', file));
  }
  servers.push(await startServer({ port: 0, root: partial }));
  profile = await mkdtemp(join(tmpdir(), 'osprey-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
  });
});
after(async () => {
  await context?.close();
  for (const { server } of servers) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  for (const dir of [profile, partial]) if (dir) await rm(dir, { recursive: true, force: true });
});

async function open(url) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForFunction(() => window.ospreyReady === true);
  return { page, errors };
}

// Runs in the page: seeded clustered vectors; collection `name` (created when `create`) gets
// vectors from..to in ONE add and loses `remove`; then recall@10 against exact search over the
// documents it should hold (0..to without `gone`), every one of them found by its own vector,
// no `gone` id ever returned, and the hits of fixed queries (to compare builds). Saves it.
async function exercise({ name, create, from, to, remove, gone, dim, count, queries }) {
  const { Osprey } = window.osprey;
  const { clusteredVectors } = await import('/bench/dense/clustered_vectors.mjs');
  const source = clusteredVectors({ dim, clusters: 50, spread: 0.5, seed: 7 });
  const data = source.fill(new Float32Array(count * dim), count);
  const query = source.fill(new Float32Array(queries * dim), queries);
  const row = (a, i) => Array.from(a.subarray(i * dim, (i + 1) * dim));
  const warnings = [];
  const onWarning = (w) => warnings.push(w);
  const build = await Osprey.buildInfo();
  const c = await Osprey.open(name, create ? { dimension: dim, hnsw: { M: 16, efConstruction: 100 }, onWarning } : { onWarning });
  const docs = [];
  for (let i = from; i < to; ++i) docs.push({ id: `v${i}`, vector: row(data, i) });
  if (docs.length) await c.add(docs);
  if (remove.length) await c.delete(remove);
  const removed = new Set(gone);
  const held = [];
  for (let i = 0; i < to; ++i) if (!removed.has(`v${i}`)) held.push(i);
  let recall = 0;
  const tops = [];
  for (let q = 0; q < queries; ++q) {
    const v = row(query, q);
    const exact = held.map((i) => {
      const r = data.subarray(i * dim, (i + 1) * dim);
      let dot = 0;
      for (let j = 0; j < dim; ++j) dot += v[j] * r[j];
      return [dot, `v${i}`];
    }).sort((a, b) => b[0] - a[0]).slice(0, 10).map((e) => e[1]);
    const hits = await c.search('', { vector: v, k: 10 });
    recall += hits.filter((h) => exact.includes(h.id)).length / 10;
    if (q < 20) tops.push(hits.map((h) => [h.id, h.score]));
  }
  let missing = 0, returnedRemoved = 0;
  for (const i of held) {
    const hits = await c.search('', { vector: row(data, i), k: 10, ef: 200 });
    if (!hits.some((h) => h.id === `v${i}`)) missing += 1;
    returnedRemoved += hits.filter((h) => removed.has(h.id)).length;
  }
  // C++ errors cross as OspreyErrors with codes, and change nothing.
  let code = null;
  try {
    await c.add([{ id: 'bad', vector: [1, 2] }]);
  } catch (e) {
    code = e instanceof window.osprey.OspreyError ? e.code : String(e);
  }
  if (code !== 'DIMENSION_MISMATCH' || (await c.get('bad')) !== null) throw new Error(`bad add: ${code}`);
  const size = c.size;
  await c.save();
  c.close();
  return { build, isolated: globalThis.crossOriginIsolated, recall: recall / queries, missing, returnedRemoved,
    size, tops, warnings };
}

test('isolated page: multithreaded build; plain page: single-thread build; each opens the other\'s save', async () => {
  const [{ url }] = servers;
  const args = { dim: DIM, count: 2 * N, queries: QUERIES };
  const gone = Array.from({ length: 50 }, (_, i) => `v${i * 97}`);

  // Threads: 5000 vectors in one add, then deletions.
  const mt = await open(url + PAGE);
  const first = await mt.page.evaluate(exercise, { ...args, name: 'cross', create: true, from: 0, to: N, remove: gone, gone });
  assert.equal(first.isolated, true);
  assert.equal(first.build.multithreaded, true);
  assert.ok(first.build.threads > 1, JSON.stringify(first.build));
  assert.equal(first.size, N - gone.length);
  assert.ok(first.recall >= 0.95, `recall@10 ${first.recall}`);
  assert.equal(first.missing, 0);
  assert.equal(first.returnedRemoved, 0);
  assert.deepEqual(first.warnings, []);
  assert.deepEqual(mt.errors, []);

  // The single-thread build (same origin, same IndexedDB) opens that save: the same hits, then
  // adds 5000 more in one call.
  const st = await open(`${url}${PAGE}?plain`);
  const seen = await st.page.evaluate(exercise, { ...args, name: 'cross', create: false, from: N, to: N, remove: [], gone });
  assert.equal(seen.isolated, false);
  assert.deepEqual(seen.build, { multithreaded: false, threads: 1 });
  assert.deepEqual(seen.tops, first.tops);
  const second = await st.page.evaluate(exercise, { ...args, name: 'cross', create: false, from: N, to: 2 * N, remove: [], gone });
  assert.equal(second.size, 2 * N - gone.length);
  assert.ok(second.recall >= 0.95, `recall@10 ${second.recall}`);
  // 50 of these reuse deleted slots, relinked in place by hnswlib's update path; the insert then
  // links back any node left without a way in (tests/cpp/dense_hnsw_reachability_test.cpp).
  assert.equal(second.missing, 0, `${second.missing} ids not found by their own vector`);
  assert.equal(second.returnedRemoved, 0);
  assert.deepEqual(st.errors, []);

  // And the multithreaded build opens what the single-thread one saved.
  await mt.page.reload();
  await mt.page.waitForFunction(() => window.ospreyReady === true);
  const back = await mt.page.evaluate(exercise, { ...args, name: 'cross', create: false, from: 2 * N, to: 2 * N, remove: [], gone });
  assert.equal(back.build.multithreaded, true);
  assert.deepEqual(back.tops, second.tops);
  assert.equal(back.size, 2 * N - gone.length);
  await mt.page.close();
  await st.page.close();
});

test('threads: false loads the single-thread build in an isolated page; bad values are refused', async () => {
  const { page, errors } = await open(servers[0].url + PAGE);
  const outcome = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const codes = [];
    for (const threads of ['yes', 1, null]) {
      try {
        await Osprey.open('x', { threads, storage: 'memory' });
        codes.push(null);
      } catch (e) {
        codes.push(e.code);
      }
    }
    return { codes, build: await Osprey.buildInfo({ threads: false }), isolated: crossOriginIsolated };
  });
  assert.equal(outcome.isolated, true);
  assert.deepEqual(outcome.codes, ['INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'INVALID_ARGUMENT']);
  assert.deepEqual(outcome.build, { multithreaded: false, threads: 1 });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a threaded build that cannot load falls back to the single-thread build, with a warning', async () => {
  // The worker file is not served.
  const missing = await open(servers[1].url + PAGE);
  const outcome = await missing.page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const warnings = [];
    const c = await Osprey.open('fallback', { dimension: 2, storage: 'memory', onWarning: (w) => warnings.push(w) });
    await c.add([{ id: 'a', vector: [1, 0] }, { id: 'b', vector: [0, 1] }]);
    const hits = await c.search('', { vector: [0.1, 1] });
    return { isolated: crossOriginIsolated, build: await Osprey.buildInfo(), warnings, ids: hits.map((h) => h.id) };
  });
  assert.equal(outcome.isolated, true);
  assert.deepEqual(outcome.build, { multithreaded: false, threads: 1 });
  assert.equal(outcome.warnings.length, 1);
  assert.match(outcome.warnings[0], /multithreaded build did not load .*osprey_core_mt\.worker\.js: HTTP 404/);
  assert.deepEqual(outcome.ids, ['b', 'a']);
  assert.deepEqual(missing.errors, []);
  await missing.page.close();

  // Workers blocked (as a CSP without worker-src would): the module throws while starting them.
  const blocked = await open(servers[0].url + PAGE);
  const second = await blocked.page.evaluate(async () => {
    globalThis.Worker = class { constructor() { throw new Error('workers are blocked here'); } };
    const warnings = [];
    const build = await window.osprey.Osprey.buildInfo({ onWarning: (w) => warnings.push(w) });
    return { build, warnings };
  });
  assert.deepEqual(second.build, { multithreaded: false, threads: 1 });
  assert.equal(second.warnings.length, 1);
  assert.match(second.warnings[0], /workers are blocked here/);
  await blocked.page.close();
});
