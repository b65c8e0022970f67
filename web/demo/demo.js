// The demo of `npm start`: indexes the embedded corpus once, keeps it in IndexedDB, and answers
// queries as you type.
import { Osprey } from '../src/osprey.js';

const COLLECTION = 'osprey-demo';
const MODEL = 'osprey-static-en'; // the embedded offline model (models/manifest.json)
const $ = (id) => document.getElementById(id);
const status = (text, isError = false) => {
  $('status').textContent = text;
  $('status').className = isError ? 'error' : '';
};

let collection;
let hybrid = false;
const modeLabel = () => (hybrid ? `(hybrid: BM25 + ${MODEL})` : '(BM25)');

// Hybrid search with the embedded model when it loads (onnxruntime-web served from node_modules);
// BM25 alone otherwise, and the status line says why.
async function openWithModel() {
  try {
    const ort = await import('/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs');
    ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
    const progress = $('progress');
    const onProgress = ({ loaded, total }) => {
      progress.hidden = false;
      progress.value = total ? loaded / total : 0;
      status(`Loading the embedding model ${MODEL}…`);
    };
    const c = await Osprey.open(`${COLLECTION}-hybrid`, { model: MODEL, modelOptions: { ort, onProgress } });
    progress.hidden = true;
    hybrid = true;
    return c;
  } catch (error) {
    console.warn(`Osprey demo: ${MODEL} unavailable (${error.message}); BM25 only`);
    hybrid = false;
    return Osprey.open(COLLECTION);
  }
}

async function openCollection({ rebuild = false } = {}) {
  if (rebuild) {
    collection?.close();
    await Osprey.delete(COLLECTION);
    await Osprey.delete(`${COLLECTION}-hybrid`);
  }
  collection = await openWithModel();
  if (collection.size > 0) {
    status(`Opened ${collection.size} passages from IndexedDB ${modeLabel()}.`);
    return;
  }
  status('Indexing the documentation…');
  const corpus = await (await fetch('./corpus.json')).json();
  const progress = $('progress');
  progress.hidden = false;
  const started = performance.now();
  const batch = 50;
  for (let i = 0; i < corpus.length; i += batch) {
    await collection.add(corpus.slice(i, i + batch));
    progress.value = Math.min(1, (i + batch) / corpus.length);
    await new Promise((r) => setTimeout(r)); // let the progress bar paint
  }
  await collection.save();
  progress.hidden = true;
  status(`Indexed ${collection.size} passages in ${(performance.now() - started).toFixed(0)} ms and saved them to IndexedDB.`);
}

// Escapes text and wraps the [start, end) UTF-16 spans in <mark>.
function marked(text, spans) {
  const escape = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  let html = '';
  let at = 0;
  for (const [start, end] of spans) {
    html += escape(text.slice(at, start)) + '<mark>' + escape(text.slice(start, end)) + '</mark>';
    at = end;
  }
  return html + escape(text.slice(at));
}

// A window of the body around its first match, with the spans shifted into it.
function excerpt(body, spans, size = 320) {
  const first = spans[0]?.[0] ?? 0;
  const start = Math.max(0, Math.min(first - 80, body.length - size));
  const end = Math.min(body.length, start + size);
  const inside = spans.filter(([s, e]) => s >= start && e <= end).map(([s, e]) => [s - start, e - start]);
  return (start > 0 ? '…' : '') + marked(body.slice(start, end), inside) + (end < body.length ? '…' : '');
}

async function runSearch() {
  const query = $('query').value;
  const list = $('results');
  if (!query.trim()) {
    list.replaceChildren();
    status(`${collection.size} passages indexed ${modeLabel()}. Type to search.`);
    return;
  }
  try {
    const started = performance.now();
    const hits = await collection.search(query, { k: Number($('k').value), highlight: true });
    const breakdown = (hit) => [
      hit.sparseRank ? `BM25 #${hit.sparseRank} (${hit.sparseScore.toFixed(2)})` : 'BM25 —',
      hybrid ? (hit.denseRank ? `dense #${hit.denseRank} (${hit.denseScore.toFixed(2)})` : 'dense —') : null,
    ].filter(Boolean).join(' · ');
    const ms = performance.now() - started;
    list.replaceChildren(...hits.map((hit, i) => {
      const li = document.createElement('li');
      li.className = 'hit';
      li.innerHTML = `<span class="score" title="${hybrid ? 'fused (RRF)' : 'BM25'} score">${hit.score.toFixed(3)}</span>` +
        `<h3>${i + 1}. ${marked(hit.title, hit.highlights.title)}</h3>` +
        `<div class="meta">${hit.metadata.source ?? ''} · ${breakdown(hit)}</div>` +
        `<p>${excerpt(hit.body, hit.highlights.body)}</p>`;
      return li;
    }));
    status(`${hits.length} result${hits.length === 1 ? '' : 's'} in ${ms.toFixed(1)} ms`);
  } catch (error) {
    list.replaceChildren();
    status(`${error.code ?? 'ERROR'}: ${error.message}`, true);
  }
}

$('query').addEventListener('input', runSearch);
$('k').addEventListener('change', runSearch);
$('reset').addEventListener('click', async () => {
  await openCollection({ rebuild: true });
  runSearch();
});

try {
  await openCollection();
  window.ospreyDemoReady = true;
  runSearch();
} catch (error) {
  status(`${error.code ?? 'ERROR'}: ${error.message}`, true);
}
