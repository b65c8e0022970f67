// BM25 through the JS package: analyzer options, the query language, snippets, bad queries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Osprey, OspreyError } from '../../web/src/osprey.js';

let counter = 0;
const open = (options = {}) => Osprey.open(`bm25-test-${counter++}`, { storage: 'memory', ...options });

const docs = [
  { id: 'swept', title: 'Swept wings', body: 'The lift of a swept wing in a slipstream at low speed.' },
  { id: 'heat', title: 'Heat transfer', body: 'Heat transfer in boundary layers at high speed.' },
  { id: 'layer', title: 'Boundary layers', body: 'Separation of the boundary layer on a wing.' },
  { id: 'zh', title: '机翼', body: '机翼的升力与滑流。😀 Mixed 中文 and English text.' },
];

const ids = (hits) => hits.map((h) => h.id);

test('stemming and stopwords by default; options switch them off and are saved', async () => {
  const c = await open();
  await c.add(docs);
  assert.deepEqual(ids(await c.search('separating layered')).slice(0, 1), ['layer']);
  assert.equal(c.info().analyzer.language, 'en');
  const plain = await open({ analyzer: { language: 'none', cjk: 'bigram' } });
  await plain.add(docs);
  assert.deepEqual(ids(await plain.search('separating')), []);
  assert.deepEqual(ids(await plain.search('separation')), ['layer']);
  const reopened = await Osprey.open('copy', { storage: 'memory', bytes: plain.export() });
  assert.deepEqual(reopened.info().analyzer, { language: 'none', stemmer: true, stopwords: true, lowercase: true, cjk: 'bigram' });
  assert.deepEqual(ids(await reopened.search('separating')), []);
  for (const c2 of [c, plain, reopened]) c2.close();
});

test('bad analyzer options are typed errors', async () => {
  await assert.rejects(open({ analyzer: { language: 'fr' } }), (e) => e instanceof OspreyError && e.code === 'INVALID_ARGUMENT');
  await assert.rejects(open({ analyzer: { cjk: 'trigram' } }), (e) => e instanceof OspreyError && e.code === 'INVALID_ARGUMENT');
  await assert.rejects(open({ analyzer: 'en' }), (e) => e instanceof OspreyError);
});

test('query language: +required, -excluded, "phrases", title:', async () => {
  const c = await open();
  await c.add(docs);
  assert.deepEqual(ids(await c.search('"swept wing"')), ['swept']);
  assert.deepEqual(ids(await c.search('wing -swept')).sort(), ['layer']);
  assert.deepEqual(ids(await c.search('+boundary speed')).sort(), ['heat', 'layer']);
  assert.deepEqual(ids(await c.search('title:heat')), ['heat']);
  assert.deepEqual(ids(await c.search('升力')), ['zh']);
  c.close();
});

test('snippets mark the matched terms with UTF-16 offsets', async () => {
  const c = await open();
  await c.add(docs);
  const [hit] = await c.search('english text', { snippet: true });
  assert.equal(hit.id, 'zh');
  const { text, highlights } = hit.snippet;
  assert.ok(highlights.length >= 2);
  const marked = highlights.map(([s, e]) => text.slice(s, e).toLowerCase());
  assert.deepEqual(marked, ['english', 'text']);
  const short = await c.search('speed', { snippet: { maxChars: 20 } });
  for (const h of short) assert.ok([...h.snippet.text].length <= 22);
  await assert.rejects(c.search('x', { snippet: { maxChars: 0 } }), (e) => e.code === 'INVALID_ARGUMENT');
  const light = await c.search('wing', { documents: false });
  assert.ok(light.length > 0 && light.every((h) => h.body === undefined && h.id));
  c.close();
});

test('documents and hits carry ids, titles, bodies and metadata exactly, in any script', async () => {
  const c = await open();
  const stored = [
    { id: '文档-😀', title: 'Ünïcödé 机翼 😀😀', body: 'lift 𝔘 and "quotes" \\ back\nslash', metadata: { tag: 'é', n: [1, 2] } },
    { id: 'plain', title: '', body: 'lift', metadata: {} },
    { id: '\u0000nul', title: 'lift', body: '' },
    // Three UTF-8 bytes per character: the packed batch outgrows its first buffer.
    { id: 'long', title: '升力 lift', body: '机翼的升力与滑流。'.repeat(300) },
  ];
  await c.add(stored);
  const hits = await c.search('lift', { k: 10 });
  assert.equal(hits.length, 4);
  for (const hit of hits) {
    const doc = stored.find((d) => d.id === hit.id);
    assert.ok(doc, `unknown id ${JSON.stringify(hit.id)}`);
    assert.equal(hit.title, doc.title);
    assert.equal(hit.body, doc.body);
    assert.deepEqual(hit.metadata, doc.metadata ?? {});
    assert.ok(hit.score > 0 && hit.sparseScore === hit.score && hit.sparseRank >= 1);
    assert.equal(hit.denseScore, undefined);
  }
  const light = await c.search('lift', { k: 10, documents: false });
  assert.deepEqual(light.map((h) => [h.id, h.score, h.metadata]), hits.map((h) => [h.id, h.score, {}]));
  assert.ok(light.every((h) => !('title' in h) && !('body' in h)));
  await assert.rejects(c.add([{ id: 'ok' }, { id: 7 }]),
    (e) => e instanceof OspreyError && e.code === 'INVALID_ARGUMENT' && e.message === 'documents[1].id must be a string');
  assert.equal(await c.get('ok'), null);
  c.close();
});

test('bad queries: a correct (maybe empty) result or a typed error, never a crash', async () => {
  const c = await open();
  await c.add(docs);
  assert.deepEqual(await c.search('the of and'), []);
  assert.deepEqual(await c.search('?!.,;:()'), []);
  assert.deepEqual(await c.search('"""'), []);
  assert.ok((await c.search('"swept wing')).length === 1);  // unbalanced quote
  const long = Array.from({ length: 1000 }, (_, i) => `term${i}`).join(' ') + ' heat';
  assert.deepEqual(ids(await c.search(long)), ['heat']);
  // Past the documented limit of 1024 clauses a query is refused, naming the limit.
  const tooLong = Array.from({ length: 10000 }, (_, i) => `term${i}`).join(' ');
  await assert.rejects(c.search(tooLong), (e) => e.code === 'LIMIT_EXCEEDED' && /1024 clauses/.test(e.message));
  await assert.rejects(c.search('', { mode: 'sparse' }), (e) => e.code === 'EMPTY_QUERY');
  // A lone surrogate cannot be UTF-8: refused at the boundary.
  await assert.rejects(c.search('wing \uD800'), (e) => e instanceof OspreyError);
  c.close();
});
