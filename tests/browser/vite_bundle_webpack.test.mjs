// The same bundled app as vite_bundle.test.mjs, built with webpack 5 and nothing configured for
// Osprey (its .wasm and worker are found through new URL(..., import.meta.url)); minification is
// off only to keep the test fast. Served from 127.0.0.1 and searched in Chromium, main thread and worker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import webpack from 'webpack';
import { startServer } from '../../scripts/serve.mjs';
import { CHROMIUM_ARGS } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const APP = `
import { Osprey } from 'osprey-search';
const docs = [
  { id: 'glide', title: 'Gliding', body: 'Gliders climb in thermals of rising air.' },
  { id: 'jet', title: 'Jets', body: 'A jet engine accelerates air through a nozzle.' },
  { id: 'wing', title: 'Wings', body: 'Rising air under a wing gives lift.' },
];
async function run(worker) {
  const c = await Osprey.open('webpacked-' + worker, { storage: 'memory', worker });
  await c.add(docs);
  const hits = await c.search('rising air');
  const info = c.info();
  c.close();
  return { ids: hits.map((h) => h.id), worker: info.worker };
}
window.appResult = Promise.all([run(false), run(true)]).then(([main, worker]) => ({ main, worker }),
  (e) => ({ error: String(e && e.message || e), code: e && e.code }));
`;

let dir;
let server;
let url;
let context;
let profile;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-webpack-'));
  await mkdir(join(dir, 'node_modules'));
  await symlink(ROOT, join(dir, 'node_modules', 'osprey-search'), 'dir');
  await writeFile(join(dir, 'main.js'), APP);
  const stats = await new Promise((resolve, reject) => {
    webpack({ mode: 'production', context: dir, entry: './main.js', output: { path: join(dir, 'dist') },
      optimization: { minimize: false } }).run((error, result) => (error ? reject(error) : resolve(result)));
  });
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  await writeFile(join(dir, 'dist', 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"></head><body><script src="main.js"></script></body></html>');
  ({ server, url } = await startServer({ port: 0, root: join(dir, 'dist') }));
  profile = await mkdtemp(join(tmpdir(), 'osprey-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await context?.close();
  if (server) await new Promise((r) => server.close(r));
  for (const d of [dir, profile]) if (d) await rm(d, { recursive: true, force: true });
});

test('webpack 5 bundles the core and the worker without configuration; the app searches in both modes', async () => {
  const assets = await readdir(join(dir, 'dist'));
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `no wasm asset in ${assets}`);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}/index.html`);
  const result = await page.evaluate(() => window.appResult);
  assert.equal(result.error, undefined, `${result.error} (${result.code})`);
  assert.deepEqual(result.main.ids.slice(0, 2).sort(), ['glide', 'wing']);
  assert.equal(result.main.worker, false);
  assert.deepEqual(result.worker, { ...result.main, worker: true });
  assert.deepEqual(errors, []);
  await page.close();
});
