// Persistence benchmark in headless Chromium (real IndexedDB): builds an N-document collection,
// saves it, then measures (1) the bytes an incremental save of 100 more documents writes, against
// rewriting the whole collection (what IDBFS-based engines do), and (2) how long a fresh page
// takes to open the collection from IndexedDB and answer a first query (median of several page
// loads; the WebAssembly core is loaded inside the timed open, as in a real page).
// Usage: node bench/persistence/open_and_save.mjs [--docs 100000] [--dim 0] [--loads 5] [--hybrid]
// --hybrid (with --dim): the first query also has a vector, so it needs the HNSW graph.
import { openBrowser } from '../../tests/browser/harness.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const DOCS = arg('docs', 100000);
const DIM = arg('dim', 0);
const LOADS = arg('loads', 5);
const HYBRID = process.argv.includes('--hybrid') && DIM > 0;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

const browser = await openBrowser();
try {
  const page = await browser.newPage();
  await page.waitForFunction(() => window.ospreyReady === true);
  const built = await page.evaluate(async ({ docs, dim }) => {
    const { Osprey } = window.osprey;
    const words = 'wing lift drag flow boundary layer heat transfer shock wave pressure surface velocity mach number plate cylinder'.split(' ');
    const make = (from, to) => Array.from({ length: to - from }, (_, j) => {
      const i = from + j;
      const body = Array.from({ length: 30 }, (_, w) => words[(i * 7 + w * 13 + (i >> w % 5)) % words.length] + (w % 4 === 0 ? i % 1000 : '')).join(' ');
      const doc = { id: `d${i}`, title: `document ${i}`, body, metadata: { group: i % 10 } };
      if (dim) doc.vector = Array.from({ length: dim }, (_, d) => Math.sin(i * 0.37 + d));
      return doc;
    });
    const c = await Osprey.open('bench', dim ? { dimension: dim } : {});
    const t0 = performance.now();
    for (let i = 0; i < docs; i += 5000) await c.add(make(i, Math.min(docs, i + 5000)));
    const indexMs = performance.now() - t0;
    const t1 = performance.now();
    await c.save();
    const snapshot = c.info().lastSave;
    const snapshotMs = performance.now() - t1;
    await c.add(make(docs, docs + 100));
    const t2 = performance.now();
    await c.save();
    const incrementalMs = performance.now() - t2;
    const incremental = c.info().lastSave;
    const fullBytes = c.export().length;
    c.close();
    return { indexMs, snapshotMs, snapshot, incrementalMs, incremental, fullBytes };
  }, { docs: DOCS, dim: DIM });

  const opens = [];
  for (let i = 0; i < LOADS; i++) {
    const fresh = await browser.newPage();
    await fresh.waitForFunction(() => window.ospreyReady === true);
    opens.push(await fresh.evaluate(async ({ dim, hybrid }) => {
      const vector = hybrid ? Array.from({ length: dim }, (_, d) => Math.cos(d * 0.3)) : undefined;
      const t0 = performance.now();
      const c = await window.osprey.Osprey.open('bench');
      const opened = performance.now();
      const hits = await c.search('boundary layer heat', { k: 10, vector });
      const ms = performance.now() - t0;
      const size = c.size;
      c.close();
      if (hits.length !== 10) throw new Error('search after open returned too few hits');
      return { ms, openMs: opened - t0, queryMs: ms - (opened - t0), size };
    }, { dim: DIM, hybrid: HYBRID }));
    await fresh.close();
  }
  const openMs = median(opens.map((o) => o.ms));
  const parts = `Osprey.open ${median(opens.map((o) => o.openMs)).toFixed(0)} ms + first query ` +
    `${median(opens.map((o) => o.queryMs)).toFixed(0)} ms`;
  console.log(`documents: ${opens[0].size}${DIM ? `, ${DIM}-d vectors` : ''}`);
  console.log(`index: ${(built.indexMs / 1000).toFixed(1)} s; first save (snapshot): ${(built.snapshot.bytes / 1e6).toFixed(1)} MB in ${built.snapshotMs.toFixed(0)} ms`);
  console.log(`save after adding 100 documents: ${(built.incremental.bytes / 1024).toFixed(1)} KB (${built.incremental.kind}) in ${built.incrementalMs.toFixed(0)} ms`);
  console.log(`rewriting the whole collection instead: ${(built.fullBytes / 1e6).toFixed(1)} MB -> ratio ${(built.fullBytes / built.incremental.bytes).toFixed(0)}x fewer bytes`);
  console.log(`open from IndexedDB + first ${HYBRID ? 'hybrid' : 'text'} query, median of ${LOADS} page loads: ${openMs.toFixed(0)} ms (all: ${opens.map((o) => o.ms.toFixed(0)).join(', ')}; medians ${parts})`);
} finally {
  await browser.close();
}
