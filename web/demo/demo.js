// The demo of `npm start`: ingests the embedded corpus (Osprey's own docs, one Markdown document
// per file) with addDocuments, keeps it in IndexedDB, and answers queries as you type with
// document hits, their best passages and the context a language model would get.
import { Osprey } from '../src/osprey.js';

const COLLECTION = 'osprey-demo-documents';
const MODEL = 'osprey-static-en'; // the embedded offline model (models/manifest.json)
const CONTEXT_TOKENS = 400;
const $ = (id) => document.getElementById(id);
const status = (text, isError = false) => {
  $('status').textContent = text;
  $('status').className = isError ? 'error' : '';
};

let collection;
let hybrid = false;
let summary = '';
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

// Every load brings the collection up to date with corpus.json: unchanged documents cost nothing
// (content hashes), a changed one re-embeds only its changed passages, a removed one is deleted.
async function openCollection({ rebuild = false } = {}) {
  if (rebuild) {
    collection?.close();
    await Osprey.delete(COLLECTION);
    await Osprey.delete(`${COLLECTION}-hybrid`);
  }
  collection = await openWithModel();
  const reopened = collection.size > 0;
  status(reopened ? 'Checking the documentation for changes…' : 'Indexing the documentation…');
  const corpus = await (await fetch('./corpus.json')).json();
  const progress = $('progress');
  progress.hidden = false;
  progress.value = 0;
  const started = performance.now();
  const total = { changed: 0, embedded: 0, deleted: 0 };
  for (let i = 0; i < corpus.length; i++) {
    const report = await collection.addDocuments([corpus[i]]); // one at a time: the bar moves
    total.changed += report.documents - report.unchangedDocuments;
    total.embedded += report.embedded;
    progress.value = (i + 1) / corpus.length;
    await new Promise((r) => setTimeout(r)); // let the progress bar paint
  }
  const current = new Set(corpus.map((d) => d.id));
  const gone = (await collection.documentIds()).filter((id) => !current.has(id));
  if (gone.length) total.deleted = (await collection.deleteDocuments(gone)).deletedDocuments;
  if (total.changed || total.deleted) await collection.save();
  progress.hidden = true;
  const ms = (performance.now() - started).toFixed(0);
  const size = `${corpus.length} documents in ${collection.size} passages`;
  summary = reopened && !total.changed && !total.deleted
    ? `Opened ${size} from IndexedDB ${modeLabel()}; nothing changed, nothing embedded.`
    : `Indexed ${size} ${modeLabel()} in ${ms} ms: ${total.changed} new or changed, ${total.deleted} removed, ` +
      `${total.embedded} passages embedded; saved to IndexedDB.`;
  status(summary);
}

const escape = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

// Per-stage score chart of one passage: a bar per first stage, as long as its score relative to
// the best score of that stage on the page, labelled with the passage's rank in that stage.
function chart(p, best) {
  const stages = [['BM25', p.sparseRank, p.sparseScore, best.sparse]];
  if (hybrid) stages.push(['dense', p.denseRank, p.denseScore, best.dense]);
  return '<div class="chart">' + stages.map(([name, rank, score, top]) => {
    const width = rank ? Math.max(2, Math.round(100 * score / (top || 1))) : 0;
    const label = rank ? `${name} #${rank} (${score.toFixed(2)})` : `${name} —`;
    return `<div class="stage"><span class="bar ${name}" style="width:${width}%"></span><span>${label}</span></div>`;
  }).join('') + '</div>';
}

function renderPassage(doc, p, best) {
  // The snippet is HTML from the core: escaped text, matches in <mark>.
  return `<div class="passage" data-doc="${escape(doc.id)}" data-start="${p.start}" data-end="${p.end}">` +
    `<div class="meta"><span class="section">${escape(p.section || '(top)')}</span> · chars ${p.start}–${p.end}</div>` +
    `<p>${p.snippet}</p>${chart(p, best)}</div>`;
}

let searchId = 0;
async function runSearch() {
  const id = ++searchId;
  const query = $('query').value;
  const list = $('results');
  if (!query.trim()) {
    list.replaceChildren();
    $('context').hidden = true;
    status(`${summary} Type to search.`);
    return;
  }
  try {
    const started = performance.now();
    const docs = await collection.searchDocuments(query, { k: Number($('k').value), passagesPerDocument: 2, snippetChars: 320 });
    const ms = performance.now() - started;
    if (id !== searchId) return; // a newer keystroke won
    const passages = docs.flatMap((d) => d.passages);
    const best = {
      sparse: Math.max(0, ...passages.map((p) => p.sparseScore ?? 0)),
      dense: Math.max(0, ...passages.map((p) => p.denseScore ?? 0)),
    };
    list.replaceChildren(...docs.map((doc, i) => {
      const li = document.createElement('li');
      li.className = 'hit';
      li.innerHTML = `<span class="score" title="${hybrid ? 'fused (RRF)' : 'BM25'} score of the best passage">${doc.score.toFixed(3)}</span>` +
        `<h3>${i + 1}. ${escape(doc.title || doc.id)}</h3>` +
        doc.passages.map((p) => renderPassage(doc, p, best)).join('');
      return li;
    }));
    const ctx = await collection.context(query, { tokenBudget: CONTEXT_TOKENS, order: 'edges' });
    if (id !== searchId) return;
    $('context-summary').textContent = `Context for a language model: ${ctx.tokens} of ${CONTEXT_TOKENS} tokens, ` +
      `${ctx.passages.length} cited passages`;
    $('prompt').textContent = ctx.prompt;
    $('context').hidden = ctx.passages.length === 0;
    status(`${docs.length} document${docs.length === 1 ? '' : 's'} in ${ms.toFixed(1)} ms ${modeLabel()}`);
  } catch (error) {
    if (id !== searchId) return;
    list.replaceChildren();
    $('context').hidden = true;
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
