// Model files in real Chromium: the second load comes from Cache Storage (also when the network is
// gone), and the embedded default model runs on onnxruntime-web in the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser } from './harness.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

test('a model file is cached on first load and served from Cache Storage on the second, offline too', async () => {
  const page = await browser.newPage();
  await page.waitForFunction(() => window.ospreyReady === true);
  const result = await page.evaluate(async () => {
    const { loadModelFile } = await import('/web/src/models/loader.js');
    const url = new URL('/models/generated/osprey-static-en/onnx/model_quantized.onnx', location.href).href;
    const progress = [];
    const first = await loadModelFile(url, { onProgress: (e) => progress.push(e) });
    const second = await loadModelFile(url);
    const offline = await loadModelFile(url, { fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    const cached = await (await caches.open('osprey-models-v1')).match(url);
    let uncached;
    try {
      await loadModelFile(new URL('/models/generated/osprey-static-en/tokenizer.json', location.href).href,
        { fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    } catch (e) {
      uncached = { name: e.name, code: e.code };
    }
    return {
      first: [first.fromCache, first.bytes.byteLength], second: [second.fromCache, second.bytes.byteLength],
      offline: [offline.fromCache, offline.bytes.byteLength], cachedSize: (await cached.arrayBuffer()).byteLength,
      lastProgress: progress.at(-1), same: first.bytes.every((b, i) => b === second.bytes[i]), uncached,
    };
  });
  assert.equal(result.first[0], false);
  assert.equal(result.second[0], true);
  assert.equal(result.offline[0], true);
  assert.equal(result.second[1], result.first[1]);
  assert.equal(result.cachedSize, result.first[1]);
  assert.ok(result.same);
  assert.equal(result.lastProgress.loaded, result.first[1]);
  assert.deepEqual(result.uncached, { name: 'OspreyError', code: 'MODEL_FETCH_FAILED' });
  await page.close();
});

test('the embedded default model embeds text in the page (onnxruntime-web, C++ tokenizer)', async () => {
  const page = await browser.newPage();
  await page.waitForFunction(() => window.ospreyReady === true);
  const result = await page.evaluate(async () => {
    const ort = await import('/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs');
    ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
    const { TextEmbedder } = await import('/web/src/models/index.js');
    const embedder = await TextEmbedder.load('osprey-static-en', { ort });
    const [water, stocks] = await embedder.embedDocuments(['water boils at high altitude', 'stock markets fell']);
    const q = await embedder.embedQuery('boiling temperature of water');
    const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
    return { dim: water.length, norm: Math.hypot(...water), related: dot(q, water), unrelated: dot(q, stocks), device: embedder.device };
  });
  assert.equal(result.dim, 100);
  assert.ok(Math.abs(result.norm - 1) < 1e-5);
  assert.ok(result.related > result.unrelated, JSON.stringify(result));
  assert.equal(result.device, 'wasm');
  await page.close();
});
