// The static page example (web/examples/static/): files given through the file input and by drag and
// drop are ingested (cut into passages by the core), searched by document (hybrid: BM25 + the
// embedded model osprey-static-en, in a worker) with each document's best passage highlighted and
// its score breakdown, and still there after a reload (IndexedDB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser } from './harness.mjs';

let browser;
before(async () => { browser = await openBrowser(); });
after(async () => { await browser?.close(); });

const FILES = [
  { name: 'gliders.txt', mimeType: 'text/plain', buffer: Buffer.from('Gliders climb in thermals: columns of rising warm air.') },
  { name: 'wings.md', mimeType: 'text/markdown', buffer: Buffer.from('# Swept wings\n\nA swept wing delays shock waves at high speed.') },
  { name: 'heat.html', mimeType: 'text/html', buffer: Buffer.from(
    '<html><head><title>Heat &amp; air</title><script>var thermals = 1</script></head><body><p>Warm air rises; cool air sinks.</p></body></html>') },
  { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
];

async function results(page) {
  return page.$$eval('li.hit', (items) => items.map((li) => ({
    title: li.querySelector('h3').textContent,
    marks: [...li.querySelectorAll('mark')].map((m) => m.textContent.toLowerCase()),
    scores: li.querySelector('.scores').textContent,
  })));
}

test('index dropped and chosen files, search with highlights and scores, reload and search again', async () => {
  const page = await browser.newPage('/web/examples/static/');
  await page.waitForFunction(() => window.staticExampleReady === true);
  assert.match(await page.textContent('#status'), /No files yet/);

  await page.setInputFiles('#files', FILES);
  await page.waitForFunction(() => /3 documents \(3 passages\), saved in IndexedDB, indexed in a worker, hybrid search \(BM25 \+ osprey-static-en\)\./
    .test(document.querySelector('#status').textContent), null, { timeout: 30000 });
  assert.match(await page.textContent('#status'), /Skipped photo\.png/);

  // Drag and drop of one more file onto the drop zone.
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.items.add(new File(['Thermals form over dark fields on sunny days.'], 'fields.txt', { type: 'text/plain' }));
    document.querySelector('#drop').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await page.waitForFunction(() => /^4 documents/.test(document.querySelector('#status').textContent));

  // Hybrid: every document has a vector, so all four come back; the two with the word rank first
  // (reciprocal rank fusion: BM25 + vector beats vector alone).
  await page.fill('#query', 'thermals');
  await page.waitForFunction(() => document.querySelector('#results').dataset.query === 'thermals');
  assert.equal(await page.$$eval('li.hit', (items) => items.length), 4);
  const first = await results(page);
  assert.deepEqual(first.slice(0, 2).map((r) => r.title).sort(), ['fields.txt', 'gliders.txt']);
  for (const r of first.slice(0, 2)) {
    assert.deepEqual(r.marks, ['thermals']);
    assert.match(r.scores, /^score \d+\.\d{3} · BM25 \d+\.\d{3} \(rank [12]\) · vector -?\d+\.\d{3} \(rank [1-4]\)$/);
  }
  for (const r of first.slice(2)) {
    assert.deepEqual(r.marks, []);
    assert.match(r.scores, /^score \d+\.\d{3} · vector -?\d+\.\d{3} \(rank [1-4]\)$/);
  }
  await page.fill('#query', 'warm air');
  await page.waitForFunction(() => document.querySelector('#results').dataset.query === 'warm air');
  assert.deepEqual((await results(page)).slice(0, 2).map((r) => r.title).sort(), ['Heat & air', 'gliders.txt']);

  await page.reload();
  await page.waitForFunction(() => window.staticExampleReady === true);
  assert.match(await page.textContent('#status'), /^4 documents \(4 passages\), saved in IndexedDB/);
  await page.fill('#query', 'thermals');
  await page.waitForFunction(() => document.querySelector('#results').dataset.query === 'thermals');
  assert.equal(await page.$$eval('li.hit', (items) => items.length), 4);
  assert.deepEqual(await results(page), first);

  // The same file name again replaces that document (its passages re-indexed), adding none.
  await page.setInputFiles('#files', [{ name: 'gliders.txt', mimeType: 'text/plain', buffer: Buffer.from('Gliders soar on ridge lift.') }]);
  await page.fill('#query', 'ridge');
  await page.waitForFunction(() => document.querySelector('li.hit h3')?.textContent === 'gliders.txt' &&
    /^4 documents \(4 passages\)/.test(document.querySelector('#status').textContent));
  assert.deepEqual((await results(page))[0].marks, ['ridge']);

  await page.click('#clear');
  await page.waitForFunction(() => /^0 documents/.test(document.querySelector('#status').textContent));
  await page.reload();
  await page.waitForFunction(() => window.staticExampleReady === true);
  assert.match(await page.textContent('#status'), /No files yet/);
  assert.deepEqual(browser.errors, []);
  await page.close();
});
