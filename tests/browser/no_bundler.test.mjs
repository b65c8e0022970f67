// The shared app of bundle_app.mjs without a bundler: the package served as it is installed
// (node_modules/osprey-search), named in an import map, main.js loaded as a plain module script. It
// must give the same results as the bundled builds, the embedded model included.
import { test, before, after } from 'node:test';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkApp, serveApp } from './bundle_app.mjs';

const ORT = '/node_modules/osprey-search/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs';

let app;
before(async () => {
  app = await serveApp('no-bundler', async (dir) => {
    await writeFile(join(dir, 'index.html'), `<!doctype html><html><head><meta charset="utf-8">
<script type="importmap">{ "imports": {
  "osprey-search": "/node_modules/osprey-search/web/src/osprey.js", "onnxruntime-web": "${ORT}" } }</script>
<script>window.ospreyModelOptions = { ortUrl: '${ORT}' };</script>
</head><body><script type="module" src="./main.js"></script></body></html>`);
    return dir;
  });
});
after(async () => { await app?.close(); });

test('without a bundler (import map + module script) the app gives the results of the bundled builds', async () => {
  checkApp(await app.run(), app.url);
});
