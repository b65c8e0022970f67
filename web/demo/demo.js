// The demo of `npm start`: ingests the embedded corpus (Osprey's own docs, one Markdown document
// per file) with addDocuments, keeps it in IndexedDB, and answers queries as you type with
// document hits, their best passages and the context a language model would get.
import { Osprey } from '../src/osprey.js';

const COLLECTION = 'osprey-demo-documents';
const MODEL = 'osprey-static-en'; // the embedded offline model (models/manifest.json)
const CONTEXT_TOKENS = 400;
const PASSAGES_SHOWN = 2;
const narrow = matchMedia('(max-width: 560px)'); // phones get shorter snippets

// When a passage counts as a match. A passage that BM25 matched (it has a `sparseRank`: it
// contains a query term) always does. A dense score alone is not evidence: cosine similarity is
// never zero, so every query, even "zzzqqq", gives every passage a dense score and RRF ranks them
// all. Absolute thresholds don't work either, because the level of the scores moves with the query:
// on this corpus the mean dense score over all passages is 0.29 for "zzzqqq", 0.45 for "the" and
// 0.51 for "hybrid search filter", while the passages BM25 finds for "persistence" score only 0.13.
// So a dense-only passage has to stand out of its own query's background: at least DENSE_MIN_Z
// standard deviations above the mean dense score of the query's candidate passages. Observed
// (88 passages): every out-of-vocabulary query ("zzzqqq", "hybr", "filt", "xyzzy plugh"; the static
// model gives them all one vector) tops out at z = 2.80, "the" at 1.98, "banana recipe" at 2.41;
// over 40 real queries the best dense-only passage reached z = 3.02 ("lexical") and was usually
// unrelated, while real matches can stand far out ("threads": z = 4.17, also a BM25 match).
const DENSE_MIN_Z = 3.5;
const BACKGROUND_PASSAGES = 200; // candidates the dense background is measured over

const $ = (id) => document.getElementById(id);
const status = (text, isError = false) => {
  $('status').textContent = text;
  $('status').className = isError ? 'status-line status-line--error' : 'status-line';
};

let collection;
let ready = false;
let hybrid = false;
let documentCount = 0;
let summary = '';
let titles = new Map(); // document id → the text of its first Markdown heading
const modeLabel = () => (hybrid ? `(hybrid: BM25 + ${MODEL})` : '(BM25)');
const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function showProgress(label, value) {
  $('progress-box').hidden = false;
  $('progress-label').textContent = label;
  $('progress').value = value;
}
const hideProgress = () => { $('progress-box').hidden = true; };

// Hybrid search with the embedded model when it loads (onnxruntime-web served from node_modules);
// BM25 alone otherwise, and the status line says why.
async function openWithModel() {
  try {
    const ort = await import('/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs');
    ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
    const onProgress = ({ loaded, total }) => {
      showProgress(`Loading the embedding model ${MODEL}`, total ? loaded / total : 0);
      status(`Loading the embedding model ${MODEL}…`);
    };
    const c = await Osprey.open(`${COLLECTION}-hybrid`, { model: MODEL, modelOptions: { ort, onProgress } });
    hideProgress();
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
  const label = reopened ? 'Checking the documentation for changes' : 'Indexing the documentation';
  status(`${label}…`);
  const corpus = await (await fetch('./corpus.json')).json();
  showProgress(label, 0);
  const started = performance.now();
  const total = { changed: 0, embedded: 0, deleted: 0 };
  for (let i = 0; i < corpus.length; i++) {
    const report = await collection.addDocuments([corpus[i]]); // one at a time: the bar moves
    total.changed += report.documents - report.unchangedDocuments;
    total.embedded += report.embedded;
    showProgress(`${label}: ${i + 1} of ${corpus.length} documents`, (i + 1) / corpus.length);
    await new Promise((r) => setTimeout(r)); // let the progress bar paint
  }
  const current = new Set(corpus.map((d) => d.id));
  const gone = (await collection.documentIds()).filter((id) => !current.has(id));
  if (gone.length) total.deleted = (await collection.deleteDocuments(gone)).deletedDocuments;
  if (total.changed || total.deleted) await collection.save();
  hideProgress();
  documentCount = corpus.length;
  titles = new Map(corpus.map((d) => [d.id, d.title ?? /^#\s+(.+)$/m.exec(d.text)?.[1]?.replace(/[`*_]/g, '').trim()]));
  const ms = (performance.now() - started).toFixed(0);
  const size = `${corpus.length} documents in ${collection.size} passages`;
  summary = reopened && !total.changed && !total.deleted
    ? `Opened ${size} from IndexedDB ${modeLabel()}; nothing changed, nothing embedded.`
    : `Indexed ${size} ${modeLabel()} in ${ms} ms: ${total.changed} new or changed, ${total.deleted} removed, ` +
      `${total.embedded} passages embedded; saved to IndexedDB.`;
  status(summary);
}

const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

// The query's dense background: mean and standard deviation of the dense scores of its candidate
// passages (see DENSE_MIN_Z). Null in BM25 mode.
async function denseBackground(query) {
  if (!hybrid) return null;
  const hits = await collection.search(query, { mode: 'dense', k: BACKGROUND_PASSAGES, documents: false });
  if (hits.length < 2) return null;
  const mean = hits.reduce((sum, h) => sum + h.score, 0) / hits.length;
  const sd = Math.sqrt(hits.reduce((sum, h) => sum + (h.score - mean) ** 2, 0) / hits.length);
  return { mean, sd };
}

function isMatch(p, background) {
  if (p.sparseRank != null) return true;
  if (!background || !(background.sd > 0) || p.denseScore == null) return false;
  return (p.denseScore - background.mean) / background.sd >= DENSE_MIN_Z;
}

// Per-stage score chart of one passage: a bar per first stage, as long as its score relative to
// the best score of that stage on the page, labelled with the passage's rank in that stage.
function chart(p, best) {
  const stages = [['BM25', 'sparse', p.sparseRank, p.sparseScore, best.sparse]];
  if (hybrid) stages.push(['dense', 'dense', p.denseRank, p.denseScore, best.dense]);
  return '<div class="score-chart">' + stages.map(([name, kind, rank, score, top]) => {
    const width = rank ? Math.max(3, Math.round(100 * Math.max(0, score) / (top || 1))) : 0;
    const value = rank ? `#${rank} · ${score.toFixed(2)}` : 'no match';
    const title = rank
      ? `${name}: rank ${rank} among the passages, score ${score.toFixed(3)} (bar relative to the best ${name} score shown)`
      : `${name}: this passage was not found by this stage`;
    return `<div class="score-chart__row" title="${title}"><span class="score-chart__name">${name}</span>` +
      `<span class="score-chart__track" aria-hidden="true"><span class="score-chart__fill score-chart__fill--${kind}" style="width:${width}%"></span></span>` +
      `<span class="score-chart__value">${value}</span></div>`;
  }).join('') + '</div>';
}

function renderPassage(doc, p, best) {
  // The section path without the document's own title, which the card already shows.
  const title = titles.get(doc.id);
  const section = title && p.section?.startsWith(`${title} > `) ? p.section.slice(title.length + 3) : p.section || '(top)';
  // The snippet is HTML from the core: escaped text, matches in <mark>; runs of blank lines are
  // folded into one line break so that a card stays compact.
  const snippet = p.snippet.trim().replace(/\n\s*\n/g, '\n');
  return `<div class="passage" data-doc="${escape(doc.id)}" data-start="${p.start}" data-end="${p.end}">` +
    `<p class="passage__meta"><span class="passage__section">${escape(section)}</span> · chars ${p.start}–${p.end}</p>` +
    `<p class="passage__snippet">${snippet}</p>${chart(p, best)}</div>`;
}

function renderDocument(doc, i, best) {
  const title = doc.title || titles.get(doc.id) || doc.id;
  const li = document.createElement('li');
  li.className = 'result-card';
  li.dataset.doc = doc.id;
  li.innerHTML = `<article aria-labelledby="result-${i}-title">` +
    `<div class="result-card__header"><span class="result-card__rank" aria-hidden="true">${i + 1}.</span>` +
    `<h3 class="result-card__title" id="result-${i}-title">${escape(title)}</h3></div>` +
    `<p class="result-card__meta"><span class="result-card__path">${escape(doc.id)}</span> · ` +
    `<span class="result-card__score" title="${hybrid ? 'Fused (reciprocal rank fusion)' : 'BM25'} score of the best passage">` +
    `score ${doc.score.toFixed(3)}</span></p>` +
    doc.passages.map((p) => renderPassage(doc, p, best)).join('') +
    '</article>';
  return li;
}

function showEmpty(query) {
  $('empty-title').textContent = `No documents match “${query.trim()}”`;
  $('empty-hint').textContent = 'Search matches whole words, so check the spelling or finish a partial word ' +
    '(“hybr” finds nothing, “hybrid” does), or try other words, e.g. one of the examples above.';
  $('empty').hidden = false;
}

// Says which query the page shows and how (results, empty, error): tests wait on it.
function shown(query, state) {
  $('results').dataset.query = query;
  $('results').dataset.state = state;
}

function clearResults() {
  $('results').replaceChildren();
  $('empty').hidden = true;
  $('context').hidden = true;
}

let searchId = 0;
async function runSearch() {
  const id = ++searchId;
  if (!ready) return;
  const query = $('query').value;
  if (!query.trim()) {
    clearResults();
    status(`${summary} Type to search.`);
    shown('', 'idle');
    return;
  }
  try {
    const k = Number($('k').value);
    const started = performance.now();
    // Twice k documents come back, so that k remain when weak ones are dropped.
    const [found, background] = await Promise.all([
      collection.searchDocuments(query, { k: 2 * k, passagesPerDocument: 3, snippetChars: narrow.matches ? 200 : 320 }),
      denseBackground(query),
    ]);
    const ms = performance.now() - started;
    if (id !== searchId) return; // a newer keystroke won
    let weak = 0;
    const docs = [];
    for (const doc of found) {
      const passages = doc.passages.filter((p) => isMatch(p, background));
      if (passages.length === 0) { weak++; continue; }
      if (docs.length < k) docs.push({ ...doc, passages: passages.slice(0, PASSAGES_SHOWN) });
    }
    const passages = docs.flatMap((d) => d.passages);
    const best = {
      sparse: Math.max(0, ...passages.map((p) => p.sparseScore ?? 0)),
      dense: Math.max(0, ...passages.map((p) => p.denseScore ?? 0)),
    };
    const hidden = weak ? `; ${plural(weak, 'weak vector-only match', 'weak vector-only matches')} hidden` : '';
    const timing = `in ${ms.toFixed(1)} ms ${modeLabel()}${hidden}`;
    if (docs.length === 0) {
      clearResults();
      showEmpty(query);
      status(`No documents match ${timing}.`);
      shown(query, 'empty');
      return;
    }
    $('empty').hidden = true;
    $('results').replaceChildren(...docs.map((doc, i) => renderDocument(doc, i, best)));
    status(`${docs.length} of ${plural(documentCount, 'document')} match ${timing}.`);
    const ctx = await collection.context(query, { tokenBudget: CONTEXT_TOKENS, order: 'edges' });
    if (id !== searchId) return;
    $('context-summary').textContent = `Context for a language model: ${ctx.tokens} of ${CONTEXT_TOKENS} tokens, ` +
      `${ctx.passages.length} cited passages`;
    $('prompt').textContent = ctx.prompt;
    $('context').hidden = ctx.passages.length === 0;
    shown(query, 'results');
  } catch (error) {
    if (id !== searchId) return;
    clearResults();
    if (error.code === 'EMPTY_QUERY') {
      showEmpty(query);
      status(`No searchable words in “${query.trim()}”.`);
      shown(query, 'empty');
      return;
    }
    status(`${error.code ?? 'ERROR'}: ${error.message}`, true);
    shown(query, 'error');
  }
}

$('query').addEventListener('input', runSearch);
$('k').addEventListener('change', runSearch);
for (const button of document.querySelectorAll('.search-panel__suggestion')) {
  button.addEventListener('click', () => {
    $('query').value = button.textContent;
    $('query').focus();
    runSearch();
  });
}
// "/" focuses the search box from anywhere else on the page.
document.addEventListener('keydown', (event) => {
  const t = event.target;
  if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
  if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) return;
  event.preventDefault();
  $('query').focus();
});
// While rebuilding, the button stays focusable (a disabled button would drop keyboard focus)
// but says it is busy and ignores presses.
let rebuilding = false;
$('reset').addEventListener('click', async () => {
  if (rebuilding) return;
  rebuilding = true;
  ready = false;
  const button = $('reset');
  button.setAttribute('aria-disabled', 'true');
  button.textContent = 'Rebuilding…';
  clearResults();
  try {
    await openCollection({ rebuild: true });
    ready = true;
    runSearch();
  } catch (error) {
    status(`${error.code ?? 'ERROR'}: ${error.message}`, true);
  } finally {
    rebuilding = false;
    button.removeAttribute('aria-disabled');
    button.textContent = 'Rebuild index';
  }
});

try {
  await openCollection();
  ready = true;
  window.ospreyDemoReady = true;
  runSearch();
} catch (error) {
  hideProgress();
  status(`${error.code ?? 'ERROR'}: ${error.message}`, true);
}
