// Shared set-up of the bundler tests (vite_bundle.test.mjs, vite_bundle_webpack.test.mjs): one small
// app that imports 'osprey-search' (linked into its node_modules, so resolved through the exports
// map like an installed package) is built by the bundler with nothing configured for Osprey, served
// from 127.0.0.1 and run in Chromium. The app searches on the main thread and in the worker, with and
// without the embedded default model; the tests assert on what it reports in window.appResult.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';
import { CHROMIUM_ARGS } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// Documents and queries for the model: 'shares investors' has no word in common with any document,
// so only the embedding finds 'stocks'; for 'rising' the embedding alone prefers 'stocks' too, BM25
// knows 'glide' and 'bread', and hybrid fusion ranks glide, bread, stocks.
const MODEL_DOCS = [
  { id: 'water', title: 'Cooking at altitude', body: 'Water boils at a lower temperature high in the mountains.' },
  { id: 'stocks', title: 'Markets', body: 'Stock markets fell sharply after the announcement.' },
  { id: 'glide', title: 'Gliding', body: 'Gliders climb in thermals of rising warm air.' },
  { id: 'bread', title: 'Baking', body: 'Bread dough rises slowly in a cold kitchen.' },
];

const APP = `
import { Osprey, OspreyError } from 'osprey-search';
const docs = [
  { id: 'glide', title: 'Gliding', body: 'Gliders climb in thermals of rising air.' },
  { id: 'jet', title: 'Jets', body: 'A jet engine accelerates air through a nozzle.' },
  { id: 'wing', title: 'Wings', body: 'Rising air under a wing gives lift.' },
];
async function plain(worker) {
  const c = await Osprey.open('bundled-' + worker, { storage: 'memory', worker });
  await c.add(docs);
  const hits = await c.search('rising air', { highlight: true });
  const info = c.info();
  c.close();
  return { ids: hits.map((h) => h.id), highlights: hits[0].highlights.body, worker: info.worker };
}
// The embedded default model: its files are package assets the bundler had to emit. (Without a
// bundler the page says where onnxruntime-web is for the worker: import maps do not reach it.)
async function withModel(worker) {
  const c = await Osprey.open('model-' + worker, { storage: 'memory', worker, model: 'osprey-static-en',
    modelOptions: window.ospreyModelOptions });
  await c.add(${JSON.stringify(MODEL_DOCS)});
  const hybrid = await c.search('rising', { k: 3 });
  const dense = await c.search('rising', { mode: 'dense', k: 3 });
  const unseen = await c.search('shares investors', { k: 3 });
  const info = c.info();
  c.close();
  const scores = (hits) => hits.map((h) => ({ id: h.id, score: h.score, sparse: h.sparseScore ?? null, dense: h.denseScore ?? null }));
  return { hybrid: scores(hybrid), dense: dense.map((h) => h.id), unseen: scores(unseen), dimension: info.dimension, worker: info.worker };
}
window.appResult = (async () => {
  const [main, worker] = await Promise.all([plain(false), plain(true)]);
  const model = await withModel(false);
  const modelWorker = await withModel(true);
  return { main, worker, model, modelWorker, typed: new OspreyError('x', 'CLOSED').code };
})().catch((e) => ({ error: String(e && e.message || e), code: e && e.code }));
`;

/** The checks every build of the app must pass (result, requests and errors from `run()`). */
export function checkApp({ result, requests, errors }, url) {
  assert.equal(result.error, undefined, `${result.error} (${result.code})`);
  assert.deepEqual(result.main.ids.slice(0, 2).sort(), ['glide', 'wing']);
  assert.equal(result.main.worker, false);
  assert.deepEqual(result.worker, { ...result.main, worker: true });
  assert.ok(result.main.highlights.length > 0);
  assert.equal(result.typed, 'CLOSED');

  const { model } = result;
  assert.equal(model.dimension, 100);
  assert.deepEqual(model.hybrid.map((h) => h.id), ['glide', 'bread', 'stocks']);
  assert.ok(model.hybrid.slice(0, 2).every((h) => h.sparse !== null && h.dense !== null), JSON.stringify(model.hybrid));
  assert.equal(model.dense[0], 'stocks');
  assert.equal(model.unseen[0].id, 'stocks');
  assert.equal(model.unseen[0].sparse, null);
  assert.ok(model.unseen[0].dense > 0.5, JSON.stringify(model.unseen));
  assert.deepEqual(result.modelWorker, { ...model, worker: true });

  assert.ok(requests.some((r) => r.endsWith('.wasm')));
  assert.ok(requests.some((r) => r.endsWith('.onnx')), 'the model file was loaded');
  assert.ok(requests.every((r) => r.startsWith(url) || r.startsWith('data:')), 'everything is served by the app itself');
  assert.deepEqual(errors, []);
}

/**
 * Writes the app into a fresh folder, builds it with `build(dir)` (which returns the folder to
 * serve), serves that folder and opens Chromium. `close()` removes everything again.
 */
export async function serveApp(kind, build) {
  const dir = await mkdtemp(join(tmpdir(), `osprey-${kind}-`));
  const cleanup = [dir];
  try {
    await mkdir(join(dir, 'node_modules'));
    await symlink(ROOT, join(dir, 'node_modules', 'osprey-search'), 'dir');
    await writeFile(join(dir, 'main.js'), APP);
    const dist = await build(dir);
    const { server, url } = await startServer({ port: 0, root: dist });
    const profile = await mkdtemp(join(tmpdir(), 'osprey-chromium-'));
    cleanup.push(profile);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
    });
    return {
      dir, dist, url, context,
      /** Loads the app and returns its result, every request it made and every page error. */
      async run(page = 'index.html') {
        const tab = await context.newPage();
        const requests = [];
        const errors = [];
        tab.on('request', (r) => requests.push(r.url()));
        tab.on('pageerror', (e) => errors.push(String(e)));
        await tab.goto(`${url}/${page}`);
        const result = await tab.evaluate(() => window.appResult);
        await tab.close();
        return { result, requests, errors };
      },
      async close() {
        await context.close();
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
        for (const d of cleanup) await rm(d, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const d of cleanup) await rm(d, { recursive: true, force: true });
    throw error;
  }
}
