// The Manifest V3 extension example, loaded unpacked into Debian's Chromium (new headless mode):
// pages visited on 127.0.0.1 are sent by the content script, indexed in the offscreen document, and
// found from the popup. Also checks the packaging rules: no remote code, CSP 'wasm-unsafe-eval' only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';
import { buildExtension } from '../../web/examples/extension/build.mjs';

let work;
let extensionDir;
let context;
let server;
let url;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'osprey-extension-'));
  extensionDir = await buildExtension(join(work, 'extension'));
  const site = join(work, 'site');
  await mkdir(site);
  await writeFile(join(site, 'gliders.html'), '<!doctype html><title>Gliding clubs</title>' +
    '<h1>Gliding</h1><p>Gliders climb in thermals of rising warm air and land on grass strips.</p>');
  await writeFile(join(site, 'engines.html'), '<!doctype html><title>Jet engines</title>' +
    '<h1>Jets</h1><p>A turbofan accelerates air through its nozzle; the exhaust is hot.</p>');
  ({ server, url } = await startServer({ port: 0, root: site }));
  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Extensions need Chromium's new headless mode; Playwright's own --headless flag would pick the
    // mode without extensions, and its default --disable-extensions would refuse to load them.
    headless: false,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`],
  });
});

after(async () => {
  await context?.close();
  if (server) await new Promise((r) => server.close(r));
  if (work) await rm(work, { recursive: true, force: true });
});

test('the packaged extension holds all its code, and its CSP allows WebAssembly and nothing remote', async () => {
  const manifest = JSON.parse(await readFile(join(extensionDir, 'manifest.json'), 'utf8'));
  assert.equal(manifest.manifest_version, 3);
  assert.equal(manifest.content_security_policy.extension_pages, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
  const files = await readdir(extensionDir, { recursive: true });
  for (const needed of ['osprey/dist/osprey_core.wasm', 'osprey/dist/osprey_core.mjs', 'osprey/src/osprey.js', 'offscreen.js', 'popup.js']) {
    assert.ok(files.includes(needed), `${needed} is not packaged`);
  }
  for (const file of files.filter((f) => f.endsWith('.js') || f.endsWith('.html') || f.endsWith('.mjs'))) {
    const text = await readFile(join(extensionDir, file), 'utf8');
    assert.doesNotMatch(text, /(src|href|import\s*\(?)\s*=?\s*['"]https?:\/\//, `${file} loads remote code`);
  }
  const background = (await readFile(join(extensionDir, 'background.js'), 'utf8')).replace(/\/\/.*$/gm, '');
  assert.doesNotMatch(background, /\bimport\s*\(/, 'service workers may not use import()');
});

test('visited pages are indexed and found from the popup', async () => {
  let [worker] = context.serviceWorkers();
  worker ??= await context.waitForEvent('serviceworker', { timeout: 20000 });
  const extensionId = new URL(worker.url()).host;

  // The tabs stay open until both pages are indexed: a tab closed at once can be torn down while
  // its content script (document_idle) reads the page, as a real user would not do.
  const tabs = [];
  for (const page of ['gliders.html', 'engines.html']) {
    const tab = await context.newPage();
    await tab.goto(`${url}/${page}`);
    tabs.push(tab);
  }
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await popup.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 20000 })
    .catch(async (e) => { throw new Error(`popup not ready: ${await popup.textContent('#status')} (${e.message})`); });
  // Indexing is asynchronous: wait until both pages are in.
  await popup.waitForFunction(async () => (await chrome.runtime.sendMessage({ type: 'stats' })).size === 2,
    null, { timeout: 20000, polling: 200 });
  for (const tab of tabs) await tab.close();
  // Waits for the hit list, and says what the popup shows when it does not come.
  const expectHits = async (predicate, what) => {
    await popup.waitForFunction(predicate, null, { timeout: 20000, polling: 100 }).catch(async (e) => {
      const shown = await popup.$$eval('li.hit', (items) => items.map((li) => li.textContent));
      throw new Error(`${what}: popup shows ${JSON.stringify(shown)}, status ` +
        `${JSON.stringify(await popup.textContent('#status'))} (${e.message})`);
    });
  };

  await popup.fill('#query', 'thermals');
  await expectHits(() => document.querySelectorAll('li.hit').length > 0, "'thermals' is on the glider page");
  const hits = await popup.$$eval('li.hit', (items) => items.map((li) => ({
    title: li.querySelector('a').textContent, href: li.querySelector('a').href,
    marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
  })));
  assert.deepEqual(hits, [{ title: 'Gliding clubs', href: `${url}/gliders.html`, marks: ['thermals'] }]);

  await popup.fill('#query', 'air');
  await expectHits(() => document.querySelectorAll('li.hit').length === 2, "'air' is on both pages");
  await popup.fill('#query', 'nozzle exhaust');
  await expectHits(() => document.querySelectorAll('li.hit').length === 1 &&
    document.querySelector('li.hit a').textContent === 'Jet engines', "'nozzle exhaust' is on the jet page");
  assert.match(await popup.textContent('#status'), /1 result/);
  await popup.close();
});
