// Ingestion benchmark (WASM in Node, one thread):
//  1. Chunking throughput (MB/s of UTF-8 source) on every corpus.jsonl text of ../shared/data/ir
//     concatenated into one document per collection (English and Chinese), Osprey's chunker vs the
//     way a page would chunk without it: Intl.Segmenter sentences packed greedily by word count.
//  2. Incremental re-ingestion of npl (11,429 documents): full build, re-adding the unchanged
//     collection, re-adding it with 1% of the documents changed, and a full rebuild of that changed
//     collection; passages embedded by a counting toy embedder (32-d, dense flat index).
// Medians over repetitions. Usage: node bench/ingest/ingest_bench.mjs [--reps N]
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Osprey, MemoryStorage, chunkText } from '../../web/src/osprey.js';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1]) || 5;
const shared = new URL('../../../shared/data/ir/', import.meta.url);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function corpusTexts(name) {
  return readFileSync(new URL(`${name}/corpus.jsonl`, shared), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l));
}

// The baseline: Intl.Segmenter sentences, greedily packed up to maxWords words (words counted
// with Intl.Segmenter 'word' isWordLike), offsets in UTF-16. The text is first split at blank
// lines: V8's sentence segmenter is quadratic on one long string (1 MB of npl: 71 s).
function segmenterChunks(text, maxWords, locale) {
  const sentences = new Intl.Segmenter(locale, { granularity: 'sentence' });
  const words = new Intl.Segmenter(locale, { granularity: 'word' });
  const out = [];
  let start = -1, end = 0, count = 0;
  const paragraph = /\n\s*\n/g;
  let from = 0;
  for (;;) {
    const m = paragraph.exec(text);
    const to = m ? m.index : text.length;
    for (const s of sentences.segment(text.slice(from, to))) {
      let n = 0;
      for (const w of words.segment(s.segment)) if (w.isWordLike) n++;
      if (count + n > maxWords && start >= 0) {
        out.push({ start, end });
        start = -1;
        count = 0;
      }
      if (start < 0) start = from + s.index;
      end = from + s.index + s.segment.length;
      count += n;
    }
    if (!m) break;
    from = m.index + m[0].length;
  }
  if (start >= 0) out.push({ start, end });
  return out;
}

function time(fn) {
  const t0 = performance.now();
  const result = fn();
  return [performance.now() - t0, result];
}

async function timeAsync(fn) {
  const t0 = performance.now();
  const result = await fn();
  return [performance.now() - t0, result];
}

console.log(`# Ingestion benchmark (Node ${process.version}, WASM, ${reps} repetitions, medians)\n`);

// --- 1. chunking throughput ---------------------------------------------------------------
const names = readdirSync(shared).filter((n) => existsSync(new URL(`${n}/corpus.jsonl`, shared)));
const english = [], chinese = [];
for (const name of names) {
  const texts = corpusTexts(name).map((r) => [r.title, r.text].filter(Boolean).join('\n'));
  (name.endsWith('-zh') ? chinese : english).push(...texts);
}
const corpora = [
  { name: `English (${names.filter((n) => !n.endsWith('-zh')).join(', ')})`, text: english.join('\n\n'), locale: 'en' },
  { name: `Chinese (${names.filter((n) => n.endsWith('-zh')).join(', ')})`, text: chinese.join('\n\n'), locale: 'zh' },
];
console.log('## Chunking throughput (maxTokens 256, overlap 32; one document per corpus)\n');
console.log('| corpus | MB | Osprey passages | Osprey MB/s | Intl.Segmenter baseline MB/s | ratio |');
console.log('|---|---:|---:|---:|---:|---:|');
await chunkText('warm up', { chunk: { maxTokens: 16 } });
for (const { name, text, locale } of corpora) {
  const mb = Buffer.byteLength(text, 'utf8') / 1e6;
  const ospreyTimes = [], baseTimes = [];
  let passages = 0;
  for (let r = 0; r < reps; r++) {
    const [t, out] = await timeAsync(() => chunkText(text, { chunk: { maxTokens: 256, overlap: 32 }, includeText: false }));
    ospreyTimes.push(t);
    passages = out.length;
    baseTimes.push(time(() => segmenterChunks(text, 256, locale))[0]);
  }
  const osprey = mb / (median(ospreyTimes) / 1000), base = mb / (median(baseTimes) / 1000);
  console.log(`| ${name} | ${mb.toFixed(1)} | ${passages} | ${osprey.toFixed(1)} | ${base.toFixed(1)} | ${(osprey / base).toFixed(2)}x |`);
}

// --- 2. incremental re-ingestion ------------------------------------------------------------
function toyEmbedder(dimension = 32) {
  const e = {
    dimension, calls: 0, texts: 0,
    async embedDocuments(texts) {
      e.calls++;
      e.texts += texts.length;
      return texts.map((t) => {
        const v = new Float32Array(dimension).fill(0.1);
        for (let i = 0; i < t.length; i += 7) v[i % dimension] += (t.charCodeAt(i) % 31) / 31;
        return v;
      });
    },
    async embedQuery(t) { return (await e.embedDocuments([t]))[0]; },
  };
  return e;
}

const npl = corpusTexts('npl').map((r) => ({ id: String(r._id), title: r.title ?? '', text: r.text }));
const changed = npl.map((d, i) => (i % 100 === 7 ? { ...d, text: `${d.text} This sentence was added in revision two.` } : d));
const options = { chunk: { maxTokens: 64, overlap: 8 } };
const rows = { full: [], unchanged: [], onePercent: [], rebuild: [] };
const embedded = {};
for (let r = 0; r < Math.max(3, Math.ceil(reps / 2)); r++) {
  const embedder = toyEmbedder();
  const c = await Osprey.open(`bench-${r}`, { storage: new MemoryStorage(), embedder, index: 'flat' });
  const [tFull, full] = await timeAsync(() => c.addDocuments(npl, options));
  const [tSame, same] = await timeAsync(() => c.addDocuments(npl, options));
  const [tOne, one] = await timeAsync(() => c.addDocuments(changed, options));
  c.close();
  const embedder2 = toyEmbedder();
  const d = await Osprey.open(`bench-rebuild-${r}`, { storage: new MemoryStorage(), embedder: embedder2, index: 'flat' });
  const [tRebuild, rebuild] = await timeAsync(() => d.addDocuments(changed, options));
  d.close();
  rows.full.push(tFull); rows.unchanged.push(tSame); rows.onePercent.push(tOne); rows.rebuild.push(tRebuild);
  Object.assign(embedded, { full: full.embedded, unchanged: same.embedded, onePercent: one.embedded, rebuild: rebuild.embedded,
    passages: full.passagesAdded, changedDocs: one.documents - one.unchangedDocuments });
}
console.log(`\n## Re-ingesting npl (${npl.length} documents, ${embedded.passages} passages of <= 64 tokens, toy 32-d embedder, flat index)\n`);
console.log('| operation | ms | passages embedded | vs full rebuild |');
console.log('|---|---:|---:|---:|');
const rebuildMs = median(rows.rebuild);
for (const [label, key] of [['first build', 'full'], ['re-add, nothing changed', 'unchanged'],
  [`re-add, 1% changed (${embedded.changedDocs} docs)`, 'onePercent'], ['full rebuild of the changed collection', 'rebuild']]) {
  const ms = median(rows[key]);
  console.log(`| ${label} | ${ms.toFixed(0)} | ${embedded[key]} | ${(ms / rebuildMs).toFixed(3)}x |`);
}
