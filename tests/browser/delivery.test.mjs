// Delivery failures users hit, in Chromium: the .wasm not where the module expects it, workers
// blocked by a Content-Security-Policy, no IndexedDB (private browsing). Each gives a typed error
// whose message says how to fix it, or a fallback that says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser } from './harness.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

/** A page of the test origin whose HTML is given here (served through a route). */
async function pageWith(html, { init } = {}) {
  const page = await browser.context.newPage();
  const path = `/delivery-${Math.random().toString(36).slice(2)}.html`;
  await page.route(browser.url + path, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  if (init) await page.addInitScript(init);
  const messages = [];
  page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
  await page.goto(browser.url + path);
  await page.waitForFunction(() => window.ospreyReady === true);
  return { page, messages };
}

const EXPOSE = `<script type="module">
  import * as osprey from '/web/src/osprey.js';
  window.osprey = osprey;
  window.ospreyReady = true;
</script>`;

test('a missing .wasm is WASM_LOAD_FAILED with the fix in the message, and a later open can succeed', async () => {
  const { page } = await pageWith(`<!doctype html><meta charset="utf-8">${EXPOSE}`);
  // The .wasm is not served (as when only the .mjs was copied, or the base path is wrong).
  await page.route('**/osprey_core.wasm', (route) => route.fulfill({ status: 404, body: 'not found' }));
  const outcome = await page.evaluate(async () => {
    const { Osprey, OspreyError } = window.osprey;
    const failures = [];
    for (const options of [{}, { wasmUrl: '/no/such/dir/osprey_core.wasm' }]) {
      try {
        await Osprey.open('w', { storage: 'memory', ...options });
        failures.push('no error');
      } catch (e) {
        failures.push({ typed: e instanceof OspreyError, code: e.code, message: e.message });
      }
    }
    return failures;
  });
  for (const failure of outcome) {
    assert.equal(failure.typed, true);
    assert.equal(failure.code, 'WASM_LOAD_FAILED');
    assert.match(failure.message, /Serve osprey_core\.wasm next to osprey_core\.mjs, or pass \{wasmUrl\}/);
  }
  await page.unroute('**/osprey_core.wasm');
  const recovered = await page.evaluate(async () => {
    const c = await window.osprey.Osprey.open('w', { storage: 'memory' });
    await c.add([{ id: 'a', body: 'recovered after the fix' }]);
    return (await c.search('recovered')).map((h) => h.id);
  });
  assert.deepEqual(recovered, ['a']);
  await page.close();
});

test("workers blocked by CSP (worker-src 'none'): WORKER_UNAVAILABLE with the fix; 'auto' falls back and says so", async () => {
  const { page, messages } = await pageWith(
    `<!doctype html><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="worker-src 'none'">${EXPOSE}`);
  const outcome = await page.evaluate(async () => {
    const { Osprey, OspreyError } = window.osprey;
    let blocked;
    try {
      await Osprey.open('csp', { storage: 'memory', worker: true });
      blocked = 'no error';
    } catch (e) {
      blocked = { typed: e instanceof OspreyError, code: e.code, message: e.message };
    }
    const warnings = [];
    const c = await Osprey.open('csp', { storage: 'memory', worker: 'auto', onWarning: (m) => warnings.push(m) });
    await c.add([{ id: 'a', body: 'still searchable on the main thread' }]);
    const hits = (await c.search('searchable')).map((h) => h.id);
    const viaConsole = await Osprey.open('csp2', { storage: 'memory', worker: 'auto' });
    return { blocked, warnings, hits, worker: c.info().worker, consoleWorker: viaConsole.info().worker };
  });
  assert.equal(outcome.blocked.typed, true);
  assert.equal(outcome.blocked.code, 'WORKER_UNAVAILABLE');
  assert.match(outcome.blocked.message, /worker-src 'self'/);
  assert.match(outcome.blocked.message, /\{worker: 'auto'\}/);
  assert.equal(outcome.warnings.length, 1);
  assert.match(outcome.warnings[0], /runs on the main thread instead/);
  assert.deepEqual(outcome.hits, ['a']);
  assert.equal(outcome.worker, false);
  assert.equal(outcome.consoleWorker, false);
  assert.ok(messages.some((m) => m.startsWith('warning:') && /main thread instead/.test(m)), messages.join('\n'));
  await page.close();
});

test('no IndexedDB (private browsing): memory fallback that warns, and a clear error when IndexedDB is required', async () => {
  const { page, messages } = await pageWith(`<!doctype html><meta charset="utf-8">${EXPOSE}`,
    { init: () => { delete window.indexedDB; } });
  const outcome = await page.evaluate(async () => {
    const { Osprey, OspreyError } = window.osprey;
    const gone = typeof indexedDB === 'undefined';
    const c = await Osprey.open('private', {});
    await c.add([{ id: 'a', body: 'kept in memory' }]);
    await c.save();
    const storage = c.info().storage;
    let required;
    try {
      await Osprey.open('private', { storage: 'indexeddb' });
      required = 'no error';
    } catch (e) {
      required = { typed: e instanceof OspreyError, code: e.code, message: e.message };
    }
    const again = await Osprey.open('private', {});
    return { gone, storage, required, size: again.size };
  });
  assert.equal(outcome.gone, true);
  assert.equal(outcome.storage, 'memory');
  assert.equal(outcome.size, 1); // saved in this page's memory
  assert.equal(outcome.required.typed, true);
  assert.equal(outcome.required.code, 'STORAGE_UNAVAILABLE');
  assert.match(outcome.required.message, /\{storage: 'memory'\}/);
  assert.ok(messages.some((m) => m.startsWith('warning:') && /IndexedDB is not available/.test(m)), messages.join('\n'));
  await page.close();
});

test("a strict CSP (script-src 'self' 'wasm-unsafe-eval', no 'unsafe-eval') still loads the core, also in a worker", async () => {
  const page = await browser.context.newPage();
  const html = `<!doctype html><meta charset="utf-8">
    <meta http-equiv="Content-Security-Policy" content="script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'">
    <script type="module" src="/delivery-expose.js"></script>`;
  await page.route(`${browser.url}/delivery-strict.html`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await page.route(`${browser.url}/delivery-expose.js`, (route) => route.fulfill({ contentType: 'text/javascript',
    body: "import * as osprey from '/web/src/osprey.js'; window.osprey = osprey; window.ospreyReady = true;" }));
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) violations.push(m.text()); });
  await page.goto(`${browser.url}/delivery-strict.html`);
  await page.waitForFunction(() => window.ospreyReady === true);
  const outcome = await page.evaluate(async () => {
    const out = {};
    for (const worker of [false, true]) {
      const c = await window.osprey.Osprey.open(`strict-${worker}`, { storage: 'memory', worker });
      await c.add([{ id: 'a', body: 'no eval needed' }]);
      out[worker] = (await c.search('eval')).map((h) => h.id);
      c.close();
    }
    return out;
  });
  assert.deepEqual(outcome, { false: ['a'], true: ['a'] });
  assert.deepEqual(violations, []);
  await page.close();
});
