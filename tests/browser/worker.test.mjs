// Worker mode: Osprey.open(name, {worker: true}) runs the engine in a dedicated Web Worker behind the
// same API. It must give exactly the results of main-thread mode, report indexing progress, keep
// errors typed, and save where a main-thread collection would find it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser } from './harness.mjs';

let browser;
let page;
before(async () => {
  browser = await openBrowser();
  page = await browser.newPage();
  await page.waitForFunction(() => window.ospreyReady === true);
  // A deterministic corpus (seeded generator) built in the page, shared by the tests below.
  await page.evaluate(() => {
    let seed = 12345; // mulberry32
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const words = ['glider', 'lift', 'wing', 'thermal', 'drag', 'boundary', 'layer', 'heat', 'flow',
      'pressure', 'vortex', 'airfoil', 'stall', 'turbulence', 'laminar', 'shock', 'nozzle', 'jet'];
    const text = (n) => Array.from({ length: n }, () => words[Math.floor(random() * words.length)]).join(' ');
    const vector = () => Float32Array.from({ length: 16 }, () => random() * 2 - 1);
    window.corpus = Array.from({ length: 1000 }, (_, i) => ({
      id: `d${i}`, title: text(3), body: text(20), metadata: { group: i % 4, even: i % 2 === 0 }, vector: vector(),
    }));
    window.queries = Array.from({ length: 10 }, () => ({ text: text(2), vector: vector() }));
  });
});
after(async () => { await browser?.close(); });

test('worker mode returns exactly the results of main-thread mode', async () => {
  const outcome = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const run = async (worker) => {
      const c = await Osprey.open(`same-${worker}`, { dimension: 16, storage: 'memory', worker });
      await c.add(window.corpus);
      await c.delete(['d3', 'd4']);
      await c.upsert([{ id: 'd5', title: 'glider wing', body: 'replaced body', vector: window.corpus[5].vector }]);
      const results = [];
      for (const q of window.queries) {
        for (const options of [{}, { vector: q.vector }, { vector: q.vector, mode: 'dense' },
          { filter: { group: 1 }, highlight: true }, { vector: q.vector, filter: { even: true }, k: 25 }]) {
          results.push(await c.search(q.text, options));
        }
      }
      const bytes = await c.export();
      const out = { results, info: c.info(), size: c.size, d5: await c.get('d5'), d3: await c.get('d3'), length: bytes.length };
      c.close();
      return out;
    };
    const vectorBefore = window.corpus[0].vector.length;
    const worker = await run(true);
    return { main: await run(false), worker, vectorAfter: window.corpus[0].vector.length, vectorBefore };
  });
  assert.equal(outcome.worker.info.worker, true);
  assert.equal(outcome.main.info.worker, false);
  assert.equal(outcome.worker.size, 998);
  assert.equal(outcome.worker.info.storage, 'memory');
  assert.deepEqual({ ...outcome.worker.info, worker: false, name: 'x' }, { ...outcome.main.info, name: 'x' });
  assert.equal(outcome.worker.results.length, 50);
  assert.ok(outcome.worker.results.some((hits) => hits.length > 0));
  assert.deepEqual(outcome.worker.results, outcome.main.results);
  assert.deepEqual(outcome.worker.d5, outcome.main.d5);
  assert.equal(outcome.worker.d3, null);
  assert.equal(outcome.worker.length, outcome.main.length);
  // The caller's vectors are copied, not detached by the transfer.
  assert.equal(outcome.vectorAfter, outcome.vectorBefore);
});

test('indexing in the worker reports progress and leaves the page responsive', async () => {
  const outcome = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const c = await Osprey.open('progress', { dimension: 16, storage: 'memory', worker: true });
    const callbacks = [];
    const events = [];
    c.addEventListener('progress', (e) => events.push(e.detail.done));
    let ticks = 0;
    const timer = setInterval(() => { ticks += 1; }, 0);
    await c.add(window.corpus, { onProgress: (p) => callbacks.push(p) });
    clearInterval(timer);
    const size = c.size;
    c.close();
    return { callbacks, events, size, ticks };
  });
  assert.equal(outcome.size, 1000);
  assert.ok(outcome.callbacks.length >= 2, JSON.stringify(outcome.callbacks));
  const last = outcome.callbacks.at(-1);
  assert.deepEqual(last, { kind: 'add', done: 1000, total: 1000 });
  const dones = outcome.callbacks.map((p) => p.done);
  assert.deepEqual(dones, [...dones].sort((a, b) => a - b));
  assert.deepEqual(outcome.events, dones);
  assert.ok(outcome.ticks > 5, `the page ran ${outcome.ticks} timers while the worker indexed`);
});

test('errors from the worker are OspreyErrors with codes, and a failed add changes nothing', async () => {
  const outcome = await page.evaluate(async () => {
    const { Osprey, OspreyError } = window.osprey;
    const c = await Osprey.open('errors', { dimension: 16, storage: 'memory', worker: true });
    await c.add(window.corpus.slice(0, 10));
    const codes = [];
    // The duplicate sits after the first progress batch: the batches before it are rolled back.
    const late = [...window.corpus.slice(10, 600), { ...window.corpus[0] }];
    for (const call of [
      () => c.add(late),
      () => c.add([{ id: 'x', vector: [1, 2, 3] }]),
      () => c.add([{ id: 'x', vector: new Float32Array(16).fill(NaN) }]),
      () => c.add([{ id: 'x', metadata: { big: 1n }, vector: window.corpus[0].vector }]),
      () => c.delete(['nope']),
      () => c.search(''),
      () => c.search('lift', { filter: { f: () => 1 }, vector: window.corpus[0].vector, onX: () => 1 }),
      () => Osprey.open('errors', { dimension: 8, worker: true, bytes: new Uint8Array([1, 2, 3]) }),
    ]) {
      try { await call(); codes.push('no error'); } catch (e) { codes.push(e instanceof OspreyError ? e.code : `not OspreyError: ${e}`); }
    }
    const size = c.size;
    const hits = (await c.search('lift glider', { k: 100 })).length;
    c.close();
    try { await c.search('lift'); } catch (e) { codes.push(e.code); }
    return { codes, size, hits };
  });
  assert.deepEqual(outcome.codes, ['DUPLICATE_ID', 'DIMENSION_MISMATCH', 'INVALID_VECTOR', 'INVALID_JSON',
    'UNKNOWN_ID', 'EMPTY_QUERY', 'INVALID_ARGUMENT', 'UNSUPPORTED_FORMAT', 'CLOSED']);
  assert.equal(outcome.size, 10);
  assert.ok(outcome.hits <= 10);
});

test('a worker collection saved to IndexedDB opens on the main thread and vice versa', async () => {
  const outcome = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const w = await Osprey.open('shared-save', { dimension: 16, worker: true });
    await w.add(window.corpus.slice(0, 50));
    await w.save();
    const fromWorker = await w.search('lift', { vector: window.queries[0].vector });
    const storage = w.info().storage;
    w.close();
    const m = await Osprey.open('shared-save');
    const onMain = await m.search('lift', { vector: window.queries[0].vector });
    await m.add(window.corpus.slice(50, 60));
    await m.save();
    m.close();
    const again = await Osprey.open('shared-save', { worker: true });
    const size = again.size;
    again.close();
    return { same: JSON.stringify(fromWorker) === JSON.stringify(onMain), storage, size, n: fromWorker.length };
  });
  assert.equal(outcome.storage, 'indexeddb');
  assert.ok(outcome.n > 0);
  assert.equal(outcome.same, true);
  assert.equal(outcome.size, 60);
  assert.deepEqual(browser.errors, []);
});

test('document ingestion (addDocuments, searchDocuments, context) gives the same answers in the worker', async () => {
  const outcome = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const long = window.corpus.slice(0, 40).map((d) => `${d.title}. ${d.body}.`).join('\n\n');
    const run = async (worker) => {
      const c = await Osprey.open(`ingest-${worker}`, { storage: 'memory', worker });
      const added = await c.addDocuments([{ id: 'long', text: long }, { id: 'short', title: 'Gliders', text: 'Gliders ride thermals.' }],
        { chunk: { maxTokens: 64, overlap: 8 } });
      const found = await c.searchDocuments('thermal lift', { k: 5 });
      const ctx = await c.context('thermal lift', { tokenBudget: 200 });
      const stats = await c.ingestStats();
      const passages = await c.documentPassages('short');
      await c.deleteDocuments(['short']);
      const after = await c.searchDocuments('gliders', { k: 5 });
      c.close();
      return { added, found, ctx, stats, passages, after };
    };
    return { worker: await run(true), main: await run(false) };
  });
  assert.ok(outcome.main.found.length > 0);
  assert.deepEqual(outcome.worker, outcome.main);
});

test('the embedded model runs in the worker: download progress reaches the page, results match the main thread', async () => {
  const outcome = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const ortUrl = '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs';
    const docs = [
      { id: 'water', body: 'water boils at a lower temperature high in the mountains' },
      { id: 'stocks', body: 'stock markets fell sharply after the announcement' },
      { id: 'glide', body: 'gliders climb in thermals of rising warm air' },
    ];
    const progress = [];
    const w = await Osprey.open('model-worker', { storage: 'memory', worker: true, model: 'osprey-static-en',
      modelOptions: { ortUrl, onProgress: (p) => progress.push(p) } });
    await w.add(docs);
    const inWorker = await w.search('boiling point of water', { mode: 'dense' });
    const hybridWorker = await w.search('warm air', {});
    const info = w.info();
    w.close();
    const ort = await import(ortUrl);
    const m = await Osprey.open('model-main', { storage: 'memory', model: 'osprey-static-en', modelOptions: { ort } });
    await m.add(docs);
    const onMain = await m.search('boiling point of water', { mode: 'dense' });
    const hybridMain = await m.search('warm air', {});
    m.close();
    return { progress, inWorker, onMain, hybridWorker, hybridMain, info };
  });
  assert.equal(outcome.info.worker, true);
  assert.equal(outcome.info.dimension, 100);
  assert.ok(outcome.progress.length > 0);
  assert.ok(outcome.progress.every((p) => p.kind === 'model' && typeof p.url === 'string'));
  const last = outcome.progress.filter((p) => p.url.endsWith('.onnx')).at(-1);
  assert.equal(last.loaded, last.total);
  assert.equal(outcome.inWorker[0].id, 'water');
  assert.deepEqual(outcome.inWorker, outcome.onMain);
  assert.deepEqual(outcome.hybridWorker, outcome.hybridMain);
  assert.ok(outcome.hybridWorker[0].denseScore !== undefined && outcome.hybridWorker[0].sparseScore !== undefined);
});
