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

test('unknown keys and bad values are refused in worker mode exactly as on the main thread', async () => {
  const outcome = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const embed = async (texts) => texts.map(() => new Float32Array(16).fill(1));
    const run = async (worker) => {
      const c = await Osprey.open(`refused-${worker}`, { dimension: 16, storage: 'memory', worker });
      await c.add(window.corpus.slice(0, 5));
      const before = (await c.export()).length;
      const errors = [];
      for (const call of [
        () => c.search('lift', { fitler: { group: 1 } }),
        () => c.search('lift', { rerank: [{ stage: 'crossEncoder', score: async (q, d) => d.map(() => 1), kk: 3 }] }),
        () => c.search('lift', { recallK: 10 }),
        () => c.search('', { vector: Array.from({ length: 16 }, () => '1') }),
        () => c.add([{ id: 'new', bdy: 'typo', vector: window.corpus[0].vector }]),
        () => c.addDocuments([{ id: 'doc', text: 'glider' }], { chunks: { maxTokens: 8 }, embed }),
        () => c.context('glider', { tokenbudget: 5 }),
        () => c.train({ modle: 'trees' }),
        () => c.feedback({ query: 'lift', docId: 'not-there' }),
        () => Osprey.open('refused-open', { storage: 'memory', worker, dimesion: 4 }),
      ]) {
        try { await call(); errors.push('no error'); } catch (e) { errors.push(`${e.code}: ${e.message}`); }
      }
      const after = (await c.export()).length;
      c.close();
      return { errors, unchanged: before === after };
    };
    return { main: await run(false), worker: await run(true) };
  });
  assert.equal(outcome.main.errors.length, 10);
  assert.ok(outcome.main.errors.every((e) => e !== 'no error'), outcome.main.errors.join('\n'));
  assert.deepEqual(outcome.worker.errors, outcome.main.errors);
  assert.match(outcome.worker.errors[0], /^INVALID_ARGUMENT: search options: unknown key 'fitler' \(did you mean 'filter'\?\)/);
  assert.match(outcome.worker.errors[1], /search options\.rerank\[0\]: unknown key 'kk' \(did you mean 'k'\?\)/);
  assert.match(outcome.worker.errors[8], /^UNKNOWN_ID/);
  assert.ok(outcome.main.unchanged && outcome.worker.unchanged);
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
      const ids = await c.documentIds();
      await c.deleteDocuments(['short']);
      const after = await c.searchDocuments('gliders', { k: 5 });
      const idsAfter = await c.documentIds();
      c.close();
      return { added, found, ctx, stats, passages, ids, after, idsAfter };
    };
    return { worker: await run(true), main: await run(false) };
  });
  assert.ok(outcome.main.found.length > 0);
  assert.deepEqual(outcome.main.ids, ['long', 'short']);
  assert.deepEqual(outcome.main.idsAfter, ['long']);
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
    // The model stays in the worker; the page's handle on it embeds there, also from a callback.
    const embedderWorker = { id: w.embedder.id, dimension: w.embedder.dimension,
      query: Array.from(await w.embedder.embedQuery('boiling point')),
      docs: (await w.embedder.embedDocuments(['warm air', 'stock markets'])).map((v) => Array.from(v)) };
    const trainedWorker = await w.train({ features: ['bm25', 'dense'], judgements: [{ query: 'hot air', relevance: { glide: 1 } }],
      embed: async (text) => ({ vector: await w.embedder.embedQuery(text) }) });
    w.close();
    const ort = await import(ortUrl);
    const m = await Osprey.open('model-main', { storage: 'memory', model: 'osprey-static-en', modelOptions: { ort } });
    await m.add(docs);
    const onMain = await m.search('boiling point of water', { mode: 'dense' });
    const hybridMain = await m.search('warm air', {});
    const embedderMain = { id: m.embedder.id, dimension: m.embedder.dimension,
      query: Array.from(await m.embedder.embedQuery('boiling point')),
      docs: (await m.embedder.embedDocuments(['warm air', 'stock markets'])).map((v) => Array.from(v)) };
    const trainedMain = await m.train({ features: ['bm25', 'dense'], judgements: [{ query: 'hot air', relevance: { glide: 1 } }],
      embed: async (text) => ({ vector: await m.embedder.embedQuery(text) }) });
    m.close();
    return { progress, inWorker, onMain, hybridWorker, hybridMain, info, embedderWorker, embedderMain, trainedWorker, trainedMain };
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
  assert.deepEqual(outcome.embedderWorker, outcome.embedderMain);
  assert.equal(outcome.embedderWorker.id, 'osprey-static-en');
  assert.equal(outcome.embedderWorker.query.length, 100);
  assert.equal(outcome.embedderWorker.docs.length, 2);
  assert.deepEqual(outcome.trainedWorker, outcome.trainedMain);
  assert.deepEqual(outcome.trainedWorker.features, ['bm25', 'dense']);
});

test('feedback, training, token vectors and the rerank cascade give the same results in the worker', async () => {
  const outcome = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const docs = [
      { id: 'wing', title: 'Wing lift', body: 'The lift of a swept wing in a slipstream.' },
      { id: 'wing2', title: 'Wing lift again', body: 'Lift of a wing, lift of a wing, and more lift.' },
      { id: 'heat', title: 'Heat transfer', body: 'Heat transfer in boundary layers of a wing at high speed.' },
      { id: 'layer', title: 'Boundary layers', body: 'Separation of the boundary layer on a wing.' },
    ];
    const tokens = { wing: [[1, 0, 0], [0.9, 0.1, 0]], wing2: [[1, 0.1, 0]], heat: [[0, 1, 0], [0, 0.9, 0.4]], layer: [[0, 0, 1]] };
    const queryTokens = [[1, 0, 0], [0.8, 0.2, 0]];
    // Arrays lose their extra properties on the way out of page.evaluate: keep them as fields.
    const results = (hits) => ({ hits: [...hits], stages: hits.stages, degraded: hits.degraded,
      degradedReason: hits.degradedReason, timed: typeof hits.elapsedMs === 'number' });
    const code = (promise) => promise.then(() => 'no error', (e) => e.code);
    const run = async (worker) => {
      const c = await Osprey.open(`rerank-${worker}`, { storage: 'memory', worker });
      await c.add(docs);
      for (const [id, v] of Object.entries(tokens)) await c.setTokenVectors(id, v);
      for (let i = 0; i < 3; i++) await c.feedback({ query: 'wing lift', docId: 'wing2', signal: 'click' });
      await c.feedback({ query: 'wing lift', docId: 'wing', signal: 'skip' });
      await c.feedback({ query: 'boundary wing', docId: 'layer', signal: 2 });
      const trained = await c.train({ features: ['bm25', 'popularity', 'log_length'], model: 'linear', loss: 'pairwise' });
      const ranker = await c.ranker();
      const ranked = results(await c.search('wing lift', { k: 3, explain: true, rerank: [{ stage: 'ranker', k: 10 }] }));
      const asked = [];
      const cascade = results(await c.search('wing', {
        k: 4, explain: true, tokenVectors: queryTokens,
        rerank: [{ stage: 'ranker', k: 4, weights: { bm25: 1, maxsim: 2 } },
          { stage: 'crossEncoder', k: 4, score: async (query, candidates) => {
            asked.push({ query, ids: candidates.map((d) => d.id) });
            return candidates.map((d) => (d.id === 'layer' ? 10 : d.body.length / 100));
          } },
          'mmr'],
      }));
      // A score callback that calls the collection back (in the worker: while the search waits).
      const reentrant = results(await c.search('wing', { rerank: [{ stage: 'crossEncoder', k: 4,
        score: (query, candidates) => Promise.all(candidates.map(async (d) => (await c.get(d.id)).title.length)) }] }));
      const embedded = [];
      const judged = await c.train({
        features: ['bm25', 'maxsim'], model: 'trees', loss: 'listwise', trees: 5, minLeaf: 1,
        judgements: [{ query: 'wing', relevance: { layer: 2, heat: 1 } }, { query: 'lift', relevance: { wing2: 1 } }],
        embed: async (text) => { embedded.push(text); return { tokenVectors: queryTokens }; },
      });
      const trees = results(await c.search('wing', { k: 4, tokenVectors: queryTokens, rerank: 'ranker' }));
      await c.clearRanker();
      const cleared = await c.ranker();
      const failure = new Error('the scorer is down');
      let sameError;
      try {
        await c.search('wing', { rerank: [{ stage: 'crossEncoder', score: async () => { throw failure; } }] });
      } catch (e) { sameError = e === failure; }
      const codes = await Promise.all([
        code(c.search('wing', { rerank: [{ stage: 'ranker' }] })), // no ranker any more
        code(c.search('wing', { rerank: [{ stage: 'crossEncoder', score: async () => [1] }] })),
        code(c.search('wing', { rerank: [{ stage: 'crossEncoder', score: 'not a function' }] })),
        code(c.feedback({ query: '', docId: 'wing' })),
        code(c.setTokenVectors('nope', [[1, 0, 0]])),
        code(c.setTokenVectors('wing', [[1, 0]])),
        code(c.train({ features: ['bm25'], model: 'forest' })),
      ]);
      const size = c.size;
      c.close();
      return { trained, ranker, ranked, asked, cascade, reentrant, embedded, judged, trees, cleared, sameError, codes, size };
    };
    return { main: await run(false), worker: await run(true) };
  });
  const { main, worker } = outcome;
  assert.deepEqual(worker, main);
  assert.ok(main.trained.finalLoss < main.trained.initialLoss);
  assert.equal(main.trained.queriesUsed, 2);
  assert.deepEqual(main.ranker.features, ['bm25', 'popularity', 'log_length']);
  assert.equal(main.ranked.hits[0].id, 'wing2');
  assert.deepEqual(main.ranked.stages, ['recall', 'ranker']);
  assert.ok(main.ranked.hits[0].explain && main.ranked.timed);
  assert.equal(main.cascade.hits[0].id, 'layer');
  assert.deepEqual(main.cascade.stages, ['recall', 'ranker', 'cross_encoder', 'mmr']);
  assert.deepEqual(main.asked.map((a) => [a.query, a.ids.length]), [['wing', 4]]);
  assert.equal(main.reentrant.hits[0].id, 'wing2'); // the longest title
  assert.deepEqual(main.embedded, ['wing', 'lift']);
  assert.equal(main.judged.model, 'trees');
  assert.deepEqual(main.trees.stages, ['recall', 'ranker']);
  assert.equal(main.cleared, null);
  assert.equal(main.sameError, true);
  assert.deepEqual(main.codes, ['INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'INVALID_ARGUMENT', 'INVALID_ARGUMENT',
    'UNKNOWN_ID', 'DIMENSION_MISMATCH', 'INVALID_ARGUMENT']);
  assert.equal(main.size, 4);
});

test("dirty and 'change' events match the main thread: a worker copy hears of a main-thread save", async () => {
  const outcome = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const dirtiness = async (c) => {
      const states = [c.dirty]; // new: not saved yet
      await c.save();
      states.push(c.dirty);
      await c.add([{ id: 'a', body: 'first' }]);
      states.push(c.dirty);
      await c.save();
      states.push(c.dirty);
      return states;
    };
    const main = await Osprey.open('dirty-main', {});
    const w = await Osprey.open('dirty-worker', { worker: true });
    const states = { main: await dirtiness(main), worker: await dirtiness(w) };
    // Another copy (here: the page) saves the worker's collection; the worker copy reloads it.
    const heard = new Promise((resolve) => w.addEventListener('change', (e) => resolve({
      generation: e.generation, reloaded: e.reloaded, size: w.size })));
    const other = await Osprey.open('dirty-worker', {});
    await other.add([{ id: 'b', body: 'second' }]);
    await other.save();
    const event = await Promise.race([heard, new Promise((r) => setTimeout(() => r('no change event'), 5000))]);
    const found = (await w.search('second')).map((h) => h.id);
    main.close(); w.close(); other.close();
    return { states, event, found };
  }).catch((e) => ({ error: String(e) }));
  assert.deepEqual(outcome.states, { main: [true, false, true, false], worker: [true, false, true, false] });
  assert.equal(outcome.event.reloaded, true, JSON.stringify(outcome));
  assert.equal(outcome.event.size, 2);
  assert.ok(outcome.event.generation >= 2);
  assert.deepEqual(outcome.found, ['b']);
});
