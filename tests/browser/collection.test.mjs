// The package in real headless Chromium: WASM loading, IndexedDB persistence across page loads,
// typed errors, and the demo page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser } from './harness.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

async function ready(page) {
  await page.waitForFunction(() => window.ospreyReady === true);
}

test('a saved collection survives a page reload (IndexedDB)', async () => {
  const page = await browser.newPage();
  await ready(page);
  const first = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const c = await Osprey.open('reload-test', { dimension: 4 });
    await c.add([
      { id: 'a', title: 'Alpha centauri', body: 'nearest star system', metadata: { kind: 'star' }, vector: [1, 0, 0, 0] },
      { id: 'b', title: 'Betelgeuse', body: 'red supergiant star', metadata: { kind: 'star' }, vector: [0, 1, 0, 0] },
      { id: 'c', title: 'Andromeda', body: 'nearest large galaxy', metadata: { kind: 'galaxy' }, vector: [0, 0, 1, 0] },
    ]);
    await c.delete('b');
    await c.save();
    const hits = await c.search('nearest', { vector: [0, 0, 1, 0] });
    const info = c.info();
    c.close();
    return { hits: hits.map((h) => [h.id, h.score]), info };
  });
  assert.equal(first.info.storage, 'indexeddb');
  assert.equal(first.info.size, 2);

  await page.reload();
  await ready(page);
  const second = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const c = await Osprey.open('reload-test');
    const hits = await c.search('nearest', { vector: [0, 0, 1, 0] });
    const filtered = await c.search('nearest', { filter: { kind: 'galaxy' } });
    const result = { size: c.size, hits: hits.map((h) => [h.id, h.score]), filtered: filtered.map((h) => h.id), b: await c.get('b') };
    c.close();
    return result;
  });
  assert.equal(second.size, 2);
  assert.deepEqual(second.hits, first.hits);
  assert.deepEqual(second.filtered, ['c']);
  assert.equal(second.b, null);
  await page.close();
});

test('errors in the browser are OspreyErrors with codes, and the collection stays usable', async () => {
  const page = await browser.newPage();
  await ready(page);
  const outcome = await page.evaluate(async () => {
    const { Osprey, OspreyError } = window.osprey;
    const c = await Osprey.open('errors-test', { dimension: 2, storage: 'memory' });
    await c.add([{ id: 'a', body: 'text', vector: [1, 0] }]);
    const codes = [];
    for (const call of [
      () => c.add([{ id: 'b', vector: [1, 2, 3] }]),
      () => c.add([{ id: 'b', vector: [NaN, 1] }]),
      () => c.add([{ id: 'a', vector: [1, 1] }]),
      () => c.delete(['zzz']),
      () => c.search(''),
      () => Osprey.open('bad', { bytes: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]) }),
    ]) {
      try { await call(); codes.push('no error'); } catch (e) { codes.push(e instanceof OspreyError ? e.code : `not OspreyError: ${e}`); }
    }
    const after = (await c.search('text')).map((h) => h.id);
    c.close();
    try { await c.search('text'); } catch (e) { codes.push(e.code); }
    return { codes, after };
  });
  assert.deepEqual(outcome.codes, ['DIMENSION_MISMATCH', 'INVALID_VECTOR', 'DUPLICATE_ID', 'UNKNOWN_ID',
    'EMPTY_QUERY', 'UNSUPPORTED_FORMAT', 'CLOSED']);
  assert.deepEqual(outcome.after, ['a']);
  await page.close();
});

test('the demo indexes its corpus, answers queries with highlights, and reopens from IndexedDB', async () => {
  const page = await browser.newPage('/web/demo/');
  await page.waitForFunction(() => window.ospreyDemoReady === true, null, { timeout: 30000 });
  await page.fill('#query', 'hybrid search');
  await page.waitForSelector('li.hit mark');
  const first = await page.$$eval('li.hit', (items) => items.map((li) => li.querySelector('h3').textContent));
  assert.ok(first.length > 0);
  assert.match(await page.textContent('#status'), /results? in/);
  await page.reload();
  await page.waitForFunction(() => window.ospreyDemoReady === true);
  assert.match(await page.textContent('#status'), /\d+ passages (from IndexedDB|indexed) \(hybrid: BM25 \+ osprey-static-en\)/);
  await page.fill('#query', 'hybrid search');
  await page.waitForSelector('li.hit mark');
  const second = await page.$$eval('li.hit', (items) => items.map((li) => li.querySelector('h3').textContent));
  assert.deepEqual(second, first);
  // Hybrid: the score breakdown names both stages, and some hit was found by the dense stage.
  const meta = await page.$$eval('li.hit .meta', (items) => items.map((m) => m.textContent));
  assert.ok(meta.some((m) => /dense #\d+/.test(m)), meta.join(' | '));
  await page.close();
  assert.deepEqual(browser.errors, []);
});
