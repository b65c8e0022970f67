// The package in a bundled app: a tiny app that imports 'osprey-search' (installed as a link into its
// node_modules, resolved through the exports map) is built with Vite's JS API and no configuration;
// its dist/ is served from 127.0.0.1 and searched in Chromium, on the main thread and in a worker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { startServer } from '../../scripts/serve.mjs';
import { CHROMIUM_ARGS } from './harness.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const APP = `
import { Osprey, OspreyError } from 'osprey-search';
const docs = [
  { id: 'glide', title: 'Gliding', body: 'Gliders climb in thermals of rising air.' },
  { id: 'jet', title: 'Jets', body: 'A jet engine accelerates air through a nozzle.' },
  { id: 'wing', title: 'Wings', body: 'Rising air under a wing gives lift.' },
];
async function run(worker) {
  const c = await Osprey.open('bundled-' + worker, { storage: 'memory', worker });
  await c.add(docs);
  const hits = await c.search('rising air', { highlight: true });
  const info = c.info();
  c.close();
  return { ids: hits.map((h) => h.id), highlights: hits[0].highlights.body, worker: info.worker };
}
window.appResult = Promise.all([run(false), run(true)]).then(
  ([main, worker]) => ({ main, worker, typed: new OspreyError('x', 'CLOSED').code }),
  (e) => ({ error: String(e && e.message || e), code: e && e.code }));
`;

let dir;
let dist;
let server;
let url;
let context;
let profile;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-vite-'));
  await mkdir(join(dir, 'node_modules'));
  await symlink(ROOT, join(dir, 'node_modules', 'osprey-search'), 'dir');
  await writeFile(join(dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>app</title></head>' +
    '<body><script type="module" src="./main.js"></script></body></html>');
  await writeFile(join(dir, 'main.js'), APP);
  await build({ root: dir, configFile: false, logLevel: 'error', build: { outDir: 'dist', emptyOutDir: true } });
  dist = join(dir, 'dist');
  ({ server, url } = await startServer({ port: 0, root: dist }));
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

test('Vite bundles the WebAssembly core and the worker without configuration', async () => {
  const assets = await readdir(join(dist, 'assets'));
  assert.ok(assets.some((f) => /^osprey_core-.*\.wasm$/.test(f)), `no wasm asset in ${assets}`);
  assert.ok(assets.some((f) => /^worker-.*\.js$/.test(f)), `no worker chunk in ${assets}`);
});

test('the bundled app searches on the main thread and in the worker, from its own origin only', async () => {
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${url}/index.html`);
  const result = await page.evaluate(() => window.appResult);
  assert.equal(result.error, undefined, `${result.error} (${result.code})`);
  assert.deepEqual(result.main.ids.slice(0, 2).sort(), ['glide', 'wing']);
  assert.deepEqual(result.worker, { ...result.main, worker: true });
  assert.equal(result.main.worker, false);
  assert.ok(result.main.highlights.length > 0);
  assert.equal(result.typed, 'CLOSED');
  assert.ok(requests.some((r) => r.endsWith('.wasm')));
  assert.ok(requests.every((r) => r.startsWith(url)), 'everything is served by the app itself');
  assert.deepEqual(errors, []);
  await page.close();
});
