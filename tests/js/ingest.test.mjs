// Ingestion through the JS API (WASM in Node): documents in, passages, document results and
// prompt context out; unchanged documents cost no embedding; bad input changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Osprey, OspreyError, MemoryStorage, chunkText } from '../../web/src/osprey.js';

const shared = new URL('../../../shared/data/', import.meta.url);

// A deterministic embedder that counts its calls: 8-d vectors from character codes.
function countingEmbedder() {
  const e = {
    dimension: 8, calls: 0, texts: 0,
    async embedDocuments(texts) {
      e.calls += 1;
      e.texts += texts.length;
      return texts.map((t) => {
        const v = new Float32Array(8).fill(0.5);
        for (let i = 0; i < t.length; i++) v[i % 8] += t.charCodeAt(i) / 1000;
        return v;
      });
    },
    async embedQuery(text) { return (await e.embedDocuments([text]))[0]; },
  };
  return e;
}

function paragraphs(topic, n) {
  let out = '';
  for (let i = 0; i < n; i++) {
    out += `Paragraph ${i} is about ${topic}. It has a second sentence on ${topic} number ${i}. A third one closes it.\n\n`;
  }
  return out;
}

async function open(options = {}) {
  return Osprey.open(`ingest-${Math.random()}`, { storage: new MemoryStorage(), ...options });
}

async function rejectsWith(fn, code) {
  await assert.rejects(fn, (e) => {
    assert.ok(e instanceof OspreyError, `expected OspreyError, got ${e}`);
    assert.equal(e.code, code, e.message);
    return true;
  });
}

test('re-adding unchanged documents does no embedding; a changed paragraph re-embeds only its passages', async () => {
  const embedder = countingEmbedder();
  const c = await open({ embedder });
  const a = paragraphs('wings', 10);
  const b = paragraphs('engines', 10);
  const chunk = { maxTokens: 40 };
  const first = await c.addDocuments([{ id: 'a', text: a }, { id: 'b', text: b }], { chunk });
  assert.equal(first.passagesAdded, c.size);
  assert.equal(embedder.texts, c.size);
  const passages = c.size;
  assert.ok(passages >= 20);

  const calls = embedder.calls;
  const again = await c.addDocuments([{ id: 'a', text: a }, { id: 'b', text: b }], { chunk });
  assert.equal(again.unchangedDocuments, 2);
  assert.equal(again.embedded, 0);
  assert.equal(embedder.calls, calls);
  const stats = await c.ingestStats();
  assert.equal(stats.documentsSkipped, 2);
  assert.equal(stats.passagesEmbedded, passages);
  assert.equal(stats.embedCalls, calls);

  const a2 = a.replace('Paragraph 4 is about wings.', 'Paragraph 4 is about flaps now.');
  const changed = await c.addDocuments([{ id: 'a', text: a2 }, { id: 'b', text: b }], { chunk });
  assert.equal(changed.unchangedDocuments, 1);
  assert.ok(changed.passagesAdded >= 1 && changed.passagesAdded <= 2, JSON.stringify(changed));
  assert.equal(changed.embedded, changed.passagesAdded);
  assert.equal(embedder.texts, passages + changed.passagesAdded);
  assert.equal(c.size, passages);

  // Passage hits point back into the source with UTF-16 offsets.
  const hits = await c.search('flaps', { mode: 'sparse' });
  assert.equal(hits.length, 1);
  assert.equal(hits[0].metadata.docId, 'a');
  assert.equal(a2.slice(hits[0].metadata.start, hits[0].metadata.end), hits[0].body);
  // Document hits say what each first stage made of their passages (hybrid: the query is embedded).
  const [top] = await c.searchDocuments('flaps');
  assert.equal(top.id, 'a');
  assert.equal(top.passages[0].sparseRank, 1);
  assert.ok(top.passages[0].sparseScore > 0);
  assert.ok(top.passages[0].denseRank >= 1 && Number.isFinite(top.passages[0].denseScore));

  assert.deepEqual(await c.documentIds(), ['a', 'b']);
  const removed = await c.deleteDocuments('b');
  assert.deepEqual(await c.documentIds(), ['a']);
  assert.equal(removed.deletedDocuments, 1);
  assert.equal(c.size, (await c.documentPassages('a')).passages.length);
  assert.equal(await c.documentPassages('b'), null);
  await rejectsWith(() => c.deleteDocuments(['b']), 'UNKNOWN_ID');
  c.close();
});

test('offsets are UTF-16 into the exact source; Markdown sections and HTML boilerplate', async () => {
  const c = await open();
  const md = '# Guide 🚀\n\nIntro with emoji 🎉 and ünïcödé.\n\n## Install\n\nRun `npm i`. Then check.\n\n```js\nconst x = 1;\nconst y = 2;\n```\n';
  const html = '<html><head><title>Page</title><script>var no = 1</script></head><body><nav>Menu Home</nav>' +
    '<h1>Welcome<p>First para, unclosed<p>Second para &amp; more<footer>Legal stuff</footer>';
  const zh = '北京是中国的首都。上海是最大的城市！广州在南方吗？深圳发展很快。';
  await c.addDocuments([
    { id: 'md', text: md, format: 'markdown' },
    { id: 'html', text: html, format: 'html' },
    { id: 'zh', text: zh },
  ], { chunk: { maxTokens: 20 } });
  for (const p of (await c.documentPassages('md')).passages) {
    const doc = await c.get(p.id);
    assert.equal(md.slice(p.start, p.end), doc.body);
    assert.ok(p.section.startsWith('Guide 🚀'));
  }
  const mdPassages = (await c.documentPassages('md')).passages;
  assert.ok(mdPassages.some((p) => md.slice(p.start, p.end) === '```js\nconst x = 1;\nconst y = 2;\n```'));
  const htmlDoc = await c.documentPassages('html');
  assert.equal(htmlDoc.title, 'Page');
  const texts = await Promise.all(htmlDoc.passages.map(async (p) => (await c.get(p.id)).body));
  assert.ok(texts.join(' ').includes('Second para & more'));
  assert.ok(!texts.join(' ').includes('Menu') && !texts.join(' ').includes('Legal') && !texts.join(' ').includes('no = 1'));
  for (const p of (await c.documentPassages('zh')).passages) {
    const body = (await c.get(p.id)).body;
    assert.equal(zh.slice(p.start, p.end), body);
    assert.match(body, /[。！？]$/u);
  }
  const chunks = await chunkText(zh, { chunk: { maxTokens: 10 } });
  assert.ok(chunks.length >= 3);
  for (const ch of chunks) assert.ok(ch.tokens <= 10);
  c.close();
});

test('searchDocuments and context: budget, citations, dedupe, order', async () => {
  const c = await open();
  const lines = readFileSync(new URL('ir/cran/corpus.jsonl', shared), 'utf8').split('\n').filter(Boolean).slice(0, 300);
  const records = lines.map((l) => JSON.parse(l));
  const report = await c.addDocuments(records, { format: 'json', chunk: { maxTokens: 64, overlap: 16 } });
  assert.equal(report.documents, 300);
  const byId = new Map(records.map((r) => [String(r._id), r]));

  const docs = await c.searchDocuments('boundary layer heat transfer', { k: 5, aggregate: 'max' });
  assert.equal(docs.length, 5);
  for (const d of docs) {
    assert.ok(d.passages.length >= 1 && d.passages.length <= 3);
    assert.equal(d.score, d.passages[0].score);
    for (const p of d.passages) {
      assert.equal(byId.get(d.id).text.slice(p.start, p.end), p.text);
      // Passages can match on the document title alone: then the body has nothing to mark.
      if (p.highlights.length > 0) assert.match(p.snippet, /<mark>/);
      else assert.doesNotMatch(p.snippet, /<mark>/);
    }
  }
  assert.ok(docs.some((d) => d.passages.some((p) => p.highlights.length > 0)));
  const tokenizer = (t) => t.split(/\s+/).filter(Boolean).length; // whitespace words
  for (const order of ['relevance', 'document', 'edges']) {
    for (const tokenBudget of [30, 200, 800]) {
      const ctx = await c.context('boundary layer heat transfer', { tokenBudget, order, tokenizer });
      assert.ok(ctx.tokens <= tokenBudget);
      assert.equal(tokenizer(ctx.prompt), ctx.tokens);
      for (const p of ctx.passages) {
        assert.equal(byId.get(p.docId).text.slice(p.start, p.end), p.text);
        assert.ok(ctx.prompt.includes(`[${p.citation}] ${p.docId}`));
      }
    }
  }
  await rejectsWith(() => c.context('x', { tokenBudget: 0 }), 'INVALID_ARGUMENT');
  await rejectsWith(() => c.context('x', { order: 'random' }), 'INVALID_ARGUMENT');
  c.close();
});

test('bad input: clear errors, and the collection is unchanged', async () => {
  const c = await open();
  await c.addDocuments([{ id: 'ok', text: paragraphs('rivers', 3) }]);
  const before = c.export();
  const same = () => assert.deepEqual(c.export(), before);
  await rejectsWith(() => c.addDocuments([{ id: 'n', text: 'fine' }, { id: 'bin', text: 'a\u0000b' }]), 'INVALID_ARGUMENT');
  same();
  await rejectsWith(() => c.addDocuments([{ id: 'n', text: 'fine' }, { id: 's', text: 'bad \ud800 surrogate' }]), 'INVALID_UTF8');
  same();
  await rejectsWith(() => c.addDocuments([{ id: 'huge', text: 'a'.repeat(100 * 1024 * 1024) }]), 'LIMIT_EXCEEDED');
  same();
  await rejectsWith(() => c.addDocuments([{ id: 'w', text: 'pneumonoultramicroscopicsilicovolcanoconiosis-and-more-words' }], { chunk: { maxTokens: 2 } }), 'INVALID_ARGUMENT');
  await rejectsWith(() => c.addDocuments([{ id: 'o', text: 'x' }], { chunk: { maxTokens: 10, overlap: 10 } }), 'INVALID_ARGUMENT');
  await rejectsWith(() => c.addDocuments([{ id: 'f', text: 'x', format: 'pdf' }]), 'INVALID_ARGUMENT');
  await rejectsWith(() => c.addDocuments([{ text: 'no id' }]), 'INVALID_ARGUMENT');
  await rejectsWith(() => c.addDocuments('nope'), 'INVALID_ARGUMENT');
  same();
  // Empty documents: recorded with no passages.
  const empty = await c.addDocuments([{ id: 'e', text: '' }, { id: 'h', text: '<nav>only</nav>', format: 'html' }]);
  assert.equal(empty.emptyDocuments, 2);
  assert.deepEqual((await c.documentPassages('e')).passages, []);
  // A dense collection without an embedder cannot ingest.
  const d = await open({ dimension: 4 });
  await rejectsWith(() => d.addDocuments([{ id: 'a', text: 'some text' }]), 'INVALID_ARGUMENT');
  assert.equal(d.size, 0);
  d.close();
  c.close();
});

test('the passage map is saved and restored with the collection', async () => {
  const c = await open();
  await c.addDocuments([{ id: 'a', text: paragraphs('lakes', 4) }], { chunk: { maxTokens: 30 } });
  const bytes = c.export();
  const d = await Osprey.open(`copy-${Math.random()}`, { storage: new MemoryStorage(), bytes });
  assert.deepEqual(await d.documentPassages('a'), await c.documentPassages('a'));
  const again = await d.addDocuments([{ id: 'a', text: paragraphs('lakes', 4) }], { chunk: { maxTokens: 30 } });
  assert.equal(again.unchangedDocuments, 1);
  c.close();
  d.close();
});

test("passages and context measured in a Hugging Face tokenizer's tokens (Osprey's Tokenizer)", async () => {
  const { Tokenizer } = await import('../../web/src/tokenizer.js');
  const dir = new URL('tokenizers/bert-uncased/', shared);
  const tokenizer = await Tokenizer.fromJson(readFileSync(new URL('tokenizer.json', dir), 'utf8'),
    readFileSync(new URL('tokenizer_config.json', dir), 'utf8'));
  const modelTokens = (t) => tokenizer.encode(t, { addSpecialTokens: true }).inputIds.length;
  const c = await open();
  const records = readFileSync(new URL('ir/med/corpus.jsonl', shared), 'utf8').split('\n').filter(Boolean)
    .slice(0, 80).map((l) => JSON.parse(l));
  // maxTokens above the model's 256: clamped to 256 - 2 special tokens.
  await c.addDocuments(records, { format: 'json', chunk: { maxTokens: 1000 }, tokenizer });
  let passages = 0;
  for (const r of records) {
    for (const p of (await c.documentPassages(String(r._id))).passages) {
      const body = (await c.get(p.id)).body;
      assert.ok(modelTokens(body) <= 256, `${modelTokens(body)} tokens`);
      assert.equal(r.text.slice(p.start, p.end), body);
      passages++;
    }
  }
  assert.ok(passages > records.length);
  const ctx = await c.context('cancer cells treatment', { tokenBudget: 200, tokenizer });
  assert.ok(ctx.passages.length >= 1);
  assert.ok(ctx.tokens <= 200);
  assert.equal(tokenizer.encode(ctx.prompt, { addSpecialTokens: false }).inputIds.length, ctx.tokens);
  tokenizer.dispose();
  c.close();
});
