// The shared app of bundle_app.mjs built with webpack 5 and nothing configured for Osprey (its .wasm,
// worker and default model are found through new URL(..., import.meta.url)); minification is off only
// to keep the test fast. Served from 127.0.0.1 and run in Chromium, main thread and worker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import webpack from 'webpack';
import { checkApp, serveApp } from './bundle_app.mjs';

let app;
before(async () => {
  app = await serveApp('webpack', async (dir) => {
    const dist = join(dir, 'dist');
    const stats = await new Promise((resolve, reject) => {
      webpack({ mode: 'production', context: dir, entry: './main.js', output: { path: dist },
        optimization: { minimize: false } }).run((error, result) => (error ? reject(error) : resolve(result)));
    });
    if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
    await writeFile(join(dist, 'index.html'),
      '<!doctype html><html><head><meta charset="utf-8"></head><body><script src="main.js"></script></body></html>');
    return dist;
  });
});
after(async () => { await app?.close(); });

test('webpack 5 emits the WebAssembly core and the default model as assets without configuration', async () => {
  const assets = await readdir(app.dist);
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `no wasm asset in ${assets}`);
  assert.ok(assets.some((f) => f.endsWith('.onnx')), `no model asset in ${assets}`);
});

test('the webpack-built app searches (BM25, and hybrid with osprey-static-en) on the main thread and in the worker', async () => {
  checkApp(await app.run(), app.url);
});
