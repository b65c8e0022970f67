// Loading model files: progress, cache (second load offline), integrity, and every bad input as an
// OspreyError with a code: 404, truncated download, non-ONNX bytes, offline with an empty cache,
// aborted download.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { OspreyError } from '../../web/src/osprey.js';
import { loadModelFile, MemoryModelCache, TextEmbedder } from '../../web/src/models/index.js';
import { SessionQueue } from '../../web/src/models/ort.js';
import { STATIC_DIR, generatedModelsPresent, tokenizerOption } from './models_helpers.mjs';

let server;
let base;
let files;
before(async () => {
  assert.ok(generatedModelsPresent(), 'generated models missing: run node scripts/models/generate.mjs');
  const model = readFileSync(`${STATIC_DIR}onnx/model_quantized.onnx`);
  files = {
    '/static/onnx/model_quantized.onnx': model,
    '/static/tokenizer.json': readFileSync(`${STATIC_DIR}tokenizer.json`),
    '/garbage/onnx/model_quantized.onnx': Buffer.from('this is not an ONNX model at all'.repeat(10)),
    '/garbage/tokenizer.json': readFileSync(`${STATIC_DIR}tokenizer.json`),
  };
  server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/truncated.bin') {
      // Declares 1000 bytes, sends 100 and closes the connection.
      res.writeHead(200, { 'Content-Length': '1000' });
      res.write(Buffer.alloc(100, 7));
      setTimeout(() => res.destroy(), 20);
      return;
    }
    if (path === '/slow.bin') {
      res.writeHead(200, { 'Content-Length': String(64 * 1024) });
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sent >= 64) return clearInterval(timer);
        res.write(Buffer.alloc(1024, 1));
        sent++;
        if (sent === 64) { clearInterval(timer); res.end(); }
      }, 30);
      return;
    }
    const body = files[path];
    if (!body) { res.writeHead(404); return res.end('not found'); }
    res.writeHead(200, { 'Content-Length': String(body.length), 'Content-Type': 'application/octet-stream' });
    // Several chunks, so that progress has intermediate events.
    const step = Math.ceil(body.length / 4);
    for (let i = 0; i < body.length; i += step) res.write(body.subarray(i, i + step));
    res.end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server?.close());

const isError = (code) => (e) => e instanceof OspreyError && e.code === code;

test('progress events count up to the total; the cache serves the second load offline', async () => {
  const cache = new MemoryModelCache();
  const url = `${base}/static/onnx/model_quantized.onnx`;
  const events = [];
  const first = await loadModelFile(url, { cache, onProgress: (e) => events.push(e) });
  assert.equal(first.fromCache, false);
  assert.equal(first.bytes.byteLength, files['/static/onnx/model_quantized.onnx'].length);
  assert.ok(events.length >= 3);
  for (let i = 1; i < events.length; i++) assert.ok(events[i].loaded >= events[i - 1].loaded);
  assert.equal(events.at(-1).loaded, events.at(-1).total);
  assert.equal(events.at(-1).total, first.bytes.byteLength);

  const offline = () => Promise.reject(new TypeError('fetch failed: network is offline'));
  const second = await loadModelFile(url, { cache, fetch: offline });
  assert.equal(second.fromCache, true);
  assert.deepEqual(second.bytes, first.bytes);
  await assert.rejects(loadModelFile(`${base}/static/tokenizer.json`, { cache, fetch: offline }), isError('MODEL_FETCH_FAILED'));
});

test('a whole model loads over HTTP and again from the cache when offline', async () => {
  const cache = new MemoryModelCache();
  const entry = { id: 'static-http', task: 'embedding', source: { url: `${base}/static` }, pooling: 'none',
    dimension: 100, output: 'sentence_embedding', tokenizer: { json: 'tokenizer.json' } };
  const tok = await tokenizerOption(`${STATIC_DIR}tokenizer.json`);
  const progress = [];
  const online = await TextEmbedder.load(entry, { ...tok, cache, onProgress: (e) => progress.push(e) });
  const [a] = await online.embedDocuments(['offline search in the browser']);
  assert.ok(progress.some((e) => e.file === 'onnx/model_quantized.onnx' && e.loaded === e.total));
  const offline = await TextEmbedder.load(entry, { ...tok, cache, fetch: () => Promise.reject(new TypeError('offline')) });
  const [b] = await offline.embedDocuments(['offline search in the browser']);
  assert.deepEqual(b, a);
});

test('404, truncated downloads, integrity mismatches and aborts are typed errors; nothing bad is cached', async () => {
  const cache = new MemoryModelCache();
  await assert.rejects(loadModelFile(`${base}/missing.onnx`, { cache }), isError('MODEL_NOT_FOUND'));
  await assert.rejects(loadModelFile(`${base}/truncated.bin`, { cache }), isError('MODEL_TRUNCATED'));
  const body = files['/static/tokenizer.json'];
  await assert.rejects(loadModelFile(`${base}/static/tokenizer.json`, { cache, integrity: { size: body.length + 1 } }),
    isError('INTEGRITY_MISMATCH'));
  await assert.rejects(loadModelFile(`${base}/static/tokenizer.json`, { cache, integrity: { sha256: '00'.repeat(32) } }),
    isError('INTEGRITY_MISMATCH'));
  assert.equal(cache.size, 0);
  const sha256 = createHash('sha256').update(body).digest('hex');
  const ok = await loadModelFile(`${base}/static/tokenizer.json`, { cache, integrity: { size: body.length, sha256 } });
  assert.equal(ok.bytes.byteLength, body.length);
  assert.equal(cache.size, 1);

  const controller = new AbortController();
  const pending = loadModelFile(`${base}/slow.bin`, { cache, signal: controller.signal,
    onProgress: (e) => { if (e.loaded >= 4096) controller.abort(); } });
  await assert.rejects(pending, isError('ABORTED'));
  await assert.rejects(loadModelFile(`${base}/slow.bin`, { signal: AbortSignal.abort() }), isError('ABORTED'));
  assert.equal(cache.size, 1);
  await assert.rejects(loadModelFile('/no/such/dir/model.onnx'), isError('MODEL_NOT_FOUND'));
});

test('bytes that are not ONNX, a missing model file and an offline empty cache fail model loading clearly', async () => {
  const tok = await tokenizerOption(`${STATIC_DIR}tokenizer.json`);
  const entry = (path) => ({ id: `bad-${path}`, task: 'embedding', source: { url: `${base}/${path}` }, pooling: 'none',
    output: 'sentence_embedding', tokenizer: { json: 'tokenizer.json' } });
  await assert.rejects(TextEmbedder.load(entry('garbage'), { ...tok, cache: false }), isError('INVALID_MODEL'));
  await assert.rejects(TextEmbedder.load(entry('nothing-here'), { ...tok, cache: false }), isError('MODEL_NOT_FOUND'));
  await assert.rejects(TextEmbedder.load(entry('static'), { ...tok, cache: new MemoryModelCache(),
    fetch: () => Promise.reject(new TypeError('offline')) }), isError('MODEL_FETCH_FAILED'));
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(TextEmbedder.load(entry('static'), { ...tok, cache: false, signal: controller.signal }), isError('ABORTED'));
});

test('SessionQueue runs overlapping calls one at a time and survives a failed run', async () => {
  let active = 0;
  let maxActive = 0;
  const fake = {
    inputNames: [], outputNames: [],
    async run(feeds) {
      active++;
      maxActive = Math.max(maxActive, active);
      if (active > 1) throw new Error('Session already started');
      await new Promise((r) => setTimeout(r, 5));
      active--;
      if (feeds.fail) throw new Error('boom');
      return feeds.value;
    },
  };
  const queue = new SessionQueue(fake);
  const results = await Promise.allSettled([1, 2, 3].map((value) => queue.run({ value }))
    .concat([queue.run({ fail: true }), queue.run({ value: 4 })]));
  assert.equal(maxActive, 1);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  assert.equal(results[4].value, 4);
});
