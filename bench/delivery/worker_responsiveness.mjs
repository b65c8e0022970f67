#!/usr/bin/env node
// What worker mode buys: while N documents are indexed, how long is the page blocked (longest gap
// between 0 ms timers) and how long does indexing take, on the main thread vs in the worker.
// Chromium (Debian) via playwright-core; medians over repetitions.
//   node bench/delivery/worker_responsiveness.mjs [--docs 5000] [--dim 64] [--reps 3]
import { openBrowser } from '../../tests/browser/harness.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const DOCS = arg('docs', 5000);
const DIM = arg('dim', 64);
const REPS = arg('reps', 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await openBrowser();
try {
  const page = await browser.newPage();
  await page.waitForFunction(() => window.ospreyReady === true);
  const runs = { false: [], true: [] };
  for (let rep = 0; rep < REPS; rep++) {
    for (const worker of [false, true]) {
      runs[worker].push(await page.evaluate(async ({ worker, docs, dim, rep }) => {
        let seed = 7 + rep;
        const random = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
        const words = ['glider', 'lift', 'wing', 'thermal', 'drag', 'boundary', 'layer', 'heat', 'flow', 'vortex'];
        const corpus = Array.from({ length: docs }, (_, i) => ({
          id: `d${i}`, body: Array.from({ length: 30 }, () => words[Math.floor(random() * words.length)]).join(' '),
          vector: Float32Array.from({ length: dim }, () => random() - 0.5),
        }));
        const c = await window.osprey.Osprey.open(`bench-${worker}-${rep}`, { storage: 'memory', dimension: dim, worker });
        let last = performance.now();
        let longest = 0;
        let running = true;
        const tick = () => {
          const now = performance.now();
          longest = Math.max(longest, now - last);
          last = now;
          if (running) setTimeout(tick, 0);
        };
        setTimeout(tick, 0);
        const started = performance.now();
        await c.add(corpus);
        const addMs = performance.now() - started;
        running = false;
        await new Promise((r) => setTimeout(r, 0));
        longest = Math.max(longest, performance.now() - last);
        c.close();
        return { addMs, longestBlockMs: longest };
      }, { worker, docs: DOCS, dim: DIM, rep }));
    }
  }
  const summary = (worker) => ({
    addMs: median(runs[worker].map((r) => r.addMs)), longestBlockMs: median(runs[worker].map((r) => r.longestBlockMs)),
  });
  const main = summary(false);
  const inWorker = summary(true);
  console.log(`${DOCS} docs, ${DIM}-d vectors, HNSW defaults, medians of ${REPS} (Chromium ${browser.context.browser()?.version() ?? ''})`);
  console.log(`main thread: add ${main.addMs.toFixed(0)} ms, page blocked up to ${main.longestBlockMs.toFixed(0)} ms`);
  console.log(`worker:      add ${inWorker.addMs.toFixed(0)} ms, page blocked up to ${inWorker.longestBlockMs.toFixed(0)} ms`);
  console.log(`ratios (worker / main): add time ${(inWorker.addMs / main.addMs).toFixed(2)}x, ` +
    `longest block ${(inWorker.longestBlockMs / main.longestBlockMs).toFixed(3)}x`);
} finally {
  await browser.close();
}
