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

// The demo's hits as the page shows them: documents, each with its passages (offsets, section,
// marked words, per-stage chart).
async function demoHits(page) {
  return page.$$eval('#results > li.result-card', (items) => items.map((li) => ({
    doc: li.dataset.doc,
    title: li.querySelector('h3').textContent,
    passages: [...li.querySelectorAll('.passage')].map((p) => ({
      doc: p.dataset.doc, start: Number(p.dataset.start), end: Number(p.dataset.end),
      section: p.querySelector('.passage__section').textContent,
      marks: [...p.querySelectorAll('mark')].map((m) => m.textContent),
      chart: p.querySelector('.score-chart').textContent,
    })),
  })));
}

test('the demo ingests its docs, answers with documents and their best passages, and reopens from IndexedDB', async () => {
  const page = await browser.newPage('/web/demo/');
  await page.waitForFunction(() => window.ospreyDemoReady === true, null, { timeout: 60000 });
  const corpus = await page.evaluate(async () => (await fetch('./corpus.json')).json());
  assert.ok(corpus.length >= 5 && corpus.every((d) => d.format === 'markdown'));
  const indexed = await page.textContent('#status');
  const n = corpus.length;
  assert.match(indexed, new RegExp(`^Indexed ${n} documents in \\d+ passages \\(hybrid: BM25 \\+ osprey-static-en\\) ` +
    `in \\d+ ms: ${n} new or changed, 0 removed, \\d+ passages embedded; saved to IndexedDB\\.`));

  await page.fill('#query', 'hybrid search');
  await page.waitForFunction(() => document.querySelector('#results').dataset.query === 'hybrid search');
  assert.match(await page.textContent('#status'), new RegExp(`^\\d+ of ${n} documents match in \\d+\\.\\d ms \\(hybrid`));
  const first = await demoHits(page);
  assert.ok(first.length > 1);
  const ids = first.map((h) => h.doc);
  assert.equal(new Set(ids).size, ids.length, 'one entry per document');
  for (const [i, hit] of first.entries()) {
    assert.ok(hit.passages.length >= 1 && hit.passages.length <= 2);
    for (const p of hit.passages) {
      // Offsets point back into the document's Markdown source: the marked words are in that
      // span, and the section's last heading comes before it.
      const source = corpus.find((d) => d.id === p.doc).text;
      assert.equal(p.doc, ids[i]);
      const span = source.slice(p.start, p.end).toLowerCase();
      for (const mark of p.marks) assert.ok(span.includes(mark.toLowerCase()), `${mark} in ${p.doc} ${p.start}-${p.end}`);
      if (p.section !== '(top)') assert.ok(source.slice(0, p.end).includes(p.section.split(' > ').pop()), p.section);
      assert.match(p.chart, /BM25(#\d+ · \d+\.\d\d|no match)dense(#\d+ · -?\d+\.\d\d|no match)/);
    }
  }
  assert.ok(first.some((h) => h.passages.some((p) => p.marks.length > 0)));
  // Hybrid: some passage was found by the dense stage.
  assert.ok(first.some((h) => h.passages.some((p) => /dense#\d+/.test(p.chart))));
  // The context a language model would get: cited passages within the budget.
  assert.equal(await page.isHidden('#context'), false);
  assert.match(await page.textContent('#context-summary'), /: \d+ of 400 tokens, \d+ cited passages/);
  assert.match(await page.textContent('#prompt'), /^\[1\] \S+\.md — /);

  // Reopening: the stored collection is up to date, so nothing is embedded again.
  await page.reload();
  await page.waitForFunction(() => window.ospreyDemoReady === true);
  assert.match(await page.textContent('#status'), new RegExp(`^Opened ${n} documents in \\d+ passages from IndexedDB ` +
    '\\(hybrid: BM25 \\+ osprey-static-en\\); nothing changed, nothing embedded\\.'));
  await page.fill('#query', 'hybrid search');
  await page.waitForFunction(() => document.querySelector('#results').dataset.query === 'hybrid search');
  assert.deepEqual(await demoHits(page), first);
  await page.close();
  assert.deepEqual(browser.errors, []);
});
