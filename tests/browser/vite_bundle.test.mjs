// The package in a Vite-built app (the shared app of bundle_app.mjs) with no configuration: Vite must
// emit the WebAssembly core, the worker and the embedded model's files, and the app must search on
// the main thread and in the worker, with and without the model, from its own origin only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'vite';
import { checkApp, serveApp } from './bundle_app.mjs';

let app;
before(async () => {
  app = await serveApp('vite', async (dir) => {
    await writeFile(join(dir, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><title>app</title></head>' +
      '<body><script type="module" src="./main.js"></script></body></html>');
    await build({ root: dir, configFile: false, logLevel: 'error', build: { outDir: 'dist', emptyOutDir: true } });
    return join(dir, 'dist');
  });
});
after(async () => { await app?.close(); });

test('Vite bundles the WebAssembly core, the worker and the default model without configuration', async () => {
  const assets = await readdir(join(app.dist, 'assets'));
  assert.ok(assets.some((f) => /^osprey_core-.*\.wasm$/.test(f)), `no wasm asset in ${assets}`);
  assert.ok(assets.some((f) => /^worker-.*\.js$/.test(f)), `no worker chunk in ${assets}`);
  assert.ok(assets.some((f) => /^model_quantized-.*\.onnx$/.test(f)), `no model asset in ${assets}`);
  assert.ok(assets.some((f) => /^tokenizer-.*\.json$/.test(f)), `no tokenizer asset in ${assets}`);
});

test('the Vite-built app searches (BM25, and hybrid with osprey-static-en) on the main thread and in the worker', async () => {
  checkApp(await app.run(), app.url);
});
