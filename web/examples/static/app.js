// The static page example: ingest the files the user drops in (the core cuts them into passages),
// search them by document with highlighted passages and a score breakdown, keep the collection in
// IndexedDB across reloads. No build step: the import map in index.html resolves 'osprey-search'.
import { Osprey } from 'osprey-search';
import { addFileDocuments, documentsFromFile, INDEXED_EXTENSIONS } from '../../../bin/lib/documents.mjs';

const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };

// Where onnxruntime-web is, for the worker (import maps do not reach workers).
const ORT_URL = new URL('../../../node_modules/onnxruntime-web/dist/ort.wasm.min.mjs', import.meta.url).href;
const HYBRID = 'static-example-files-hybrid';
const KEYWORDS = 'static-example-files';
let name = HYBRID;
let modelNote = '';

/**
 * Hybrid search (BM25 + the embedded model osprey-static-en) when the model loads, else BM25 alone.
 * worker: 'auto' keeps the page responsive while indexing, and still works where workers are blocked.
 */
async function openCollection() {
  try {
    name = HYBRID;
    return await Osprey.open(HYBRID, {
      worker: 'auto', model: 'osprey-static-en',
      modelOptions: { ortUrl: ORT_URL, onProgress: ({ loaded, total }) => status(`Loading the model… ${Math.round(100 * loaded / (total || 1))}%`) },
    });
  } catch (error) {
    name = KEYWORDS;
    modelNote = ` Keyword search only: the semantic model did not load (${error.message}).`;
    return Osprey.open(KEYWORDS, { worker: 'auto' });
  }
}

let collection = await openCollection();

async function describe() {
  const { size, storage, worker } = collection.info();
  const { documents } = await collection.ingestStats();
  const where = storage === 'indexeddb' ? 'saved in IndexedDB' : 'in memory only (this browser has no IndexedDB)';
  const how = name === HYBRID ? ', hybrid search (BM25 + osprey-static-en)' : '';
  return `${documents} document${documents === 1 ? '' : 's'} (${size} passage${size === 1 ? '' : 's'}), ${where}` +
    `${worker ? ', indexed in a worker' : ''}${how}.${modelNote}`;
}

async function indexFiles(files) {
  const docs = [];
  const skipped = [];
  for (const file of files) {
    const extension = file.name.slice(file.name.lastIndexOf('.')).toLowerCase();
    if (!INDEXED_EXTENSIONS.has(extension)) { skipped.push(file.name); continue; }
    docs.push(...documentsFromFile(file.name, await file.text()));
  }
  status(`Indexing ${docs.length} documents…`);
  // Dropping a file again re-indexes only its changed passages (unchanged: nothing to do).
  await addFileDocuments(collection, docs);
  await collection.save();
  status(await describe() + (skipped.length ? ` Skipped ${skipped.join(', ')} (not .txt, .md, .html or .json).` : ''));
  $('query').disabled = false;
  await search();
}

/** About 240 characters of a passage around its first highlight, with <mark>ed terms (DOM nodes, no HTML). */
function snippet({ text, highlights: spans }) {
  const p = document.createElement('p');
  const from = spans.length ? Math.max(0, spans[0][0] - 80) : 0;
  const to = Math.min(text.length, from + 240);
  let at = from;
  if (from > 0) p.append('…');
  for (const [start, end] of spans) {
    if (start < at || end > to) continue;
    p.append(text.slice(at, start));
    const mark = document.createElement('mark');
    mark.textContent = text.slice(start, end);
    p.append(mark);
    at = end;
  }
  p.append(text.slice(at, to) + (to < text.length ? '…' : ''));
  return p;
}

function scoreLine(hit) {
  const parts = [`score ${hit.score.toFixed(3)}`];
  if (hit.sparseScore !== undefined) parts.push(`BM25 ${hit.sparseScore.toFixed(3)} (rank ${hit.sparseRank})`);
  if (hit.denseScore !== undefined) parts.push(`vector ${hit.denseScore.toFixed(3)} (rank ${hit.denseRank})`);
  const line = document.createElement('div');
  line.className = 'scores';
  line.textContent = parts.join(' · ');
  return line;
}

let searchId = 0;
async function search() {
  const query = $('query').value.trim();
  const id = ++searchId;
  if (!query) {
    $('results').replaceChildren();
    $('results').dataset.query = '';
    return;
  }
  const started = performance.now();
  // Document hits, each with its best passage (score = that passage's, with its per-stage breakdown).
  const hits = await collection.searchDocuments(query, { k: 10, passagesPerDocument: 1 });
  const ms = performance.now() - started;
  const summary = await describe();
  if (id !== searchId) return; // a newer keystroke won
  $('results').replaceChildren(...hits.map((hit) => {
    const li = document.createElement('li');
    li.className = 'hit';
    const h3 = document.createElement('h3');
    h3.textContent = hit.title || hit.id;
    li.append(h3, snippet(hit.passages[0]), scoreLine(hit.passages[0]));
    return li;
  }));
  status(`${summary} ${hits.length} result${hits.length === 1 ? '' : 's'} in ${ms.toFixed(1)} ms.`);
  $('results').dataset.query = query; // which query the list answers (the hits of a newer one may be pending)
}

$('files').addEventListener('change', (e) => indexFiles([...e.target.files]).catch(showError));
const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  indexFiles([...e.dataTransfer.files]).catch(showError);
});
$('query').addEventListener('input', () => search().catch(showError));
$('clear').addEventListener('click', async () => {
  collection.close();
  await Osprey.delete(name);
  collection = await openCollection();
  $('results').replaceChildren();
  status(await describe());
});

function showError(error) {
  status(`${error.message}${error.code ? ` (${error.code})` : ''}`);
}

status(collection.size ? await describe() : `No files yet: drop some above.${modelNote}`);
$('query').disabled = collection.size === 0;
window.staticExampleReady = true;
