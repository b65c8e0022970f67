// Kills the browser process (SIGKILL) at random instants while a page commits, 50 times, and checks
// after every restart that the collection is exactly a committed generation: every acknowledged
// batch is there, no batch is there in part, and generations never go back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';
import { CHROMIUM_ARGS } from './harness.mjs';

const KILLS = 50;
const BATCH = 40;

// Our own Chromium process, so that it can be killed like a crash; Playwright drives it over CDP.
async function launchKillable(profile) {
  const proc = spawn(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  const endpoint = await new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${output}`)), 20000);
    proc.stderr.on('data', (chunk) => {
      output += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    proc.once('exit', (code) => reject(new Error(`Chromium exited (${code}): ${output}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  return { proc, browser, exited };
}

test(`the last committed generation survives ${KILLS} kills during commits`, { timeout: 600000 }, async () => {
  const { server, url } = await startServer({ port: 0 });
  const profile = await mkdtemp(join(tmpdir(), 'osprey-crash-'));
  let acknowledged = -1; // highest batch whose save() resolved
  let lastGeneration = 0;
  let snapshotsSeen = 0;
  let current = null;
  try {
    for (let round = 0; round <= KILLS; round++) {
      current = await launchKillable(profile);
      const { proc, browser, exited } = current;
      const page = await browser.contexts()[0].newPage();
      await page.goto(`${url}/tests/browser/fixtures/blank.html`);
      await page.waitForFunction(() => window.ospreyReady === true);

      // 1. What survived: whole batches 0..n-1 and nothing else.
      const state = await page.evaluate(async (batch) => {
        const c = await window.osprey.Osprey.open('crash', { dimension: 8 });
        const info = c.info();
        const batches = info.size / batch;
        const missing = [];
        for (let b = 0; b < batches; b++) {
          for (const j of [0, batch - 1]) if (!(await c.get(`b${b}-${j}`))) missing.push(`b${b}-${j}`);
        }
        const extra = Boolean(await c.get(`b${batches}-0`));
        c.close();
        return { size: info.size, generation: info.generation, missing, extra, recovered: info.recovered };
      }, BATCH);
      assert.equal(state.size % BATCH, 0, `round ${round}: a batch is stored in part (${state.size} documents)`);
      const batches = state.size / BATCH;
      assert.ok(batches >= acknowledged + 1, `round ${round}: acknowledged batch ${acknowledged} is lost (have ${batches})`);
      assert.deepEqual(state.missing, []);
      assert.equal(state.extra, false);
      assert.equal(state.recovered, null);
      assert.ok(state.generation >= lastGeneration, `round ${round}: generation went back`);
      lastGeneration = state.generation;
      acknowledged = batches - 1;
      if (round === KILLS) break;

      // 2. Commit batches until the process is killed at a random instant.
      page.on('console', (message) => {
        const match = /^acked (\d+) (\d+) (snapshot|record)$/.exec(message.text());
        if (match) {
          acknowledged = Math.max(acknowledged, Number(match[1]));
          if (match[3] === 'snapshot') snapshotsSeen++;
        }
      });
      await page.evaluate(({ first, batch }) => {
        (async () => {
          const c = await window.osprey.Osprey.open('crash', { dimension: 8 });
          for (let b = first; ; b++) {
            const docs = Array.from({ length: batch }, (_, j) => ({
              id: `b${b}-${j}`, title: `batch ${b}`, body: `document ${j} of batch ${b} `.repeat(20),
              vector: Array.from({ length: 8 }, (_, d) => Math.sin(b * 31 + j * 7 + d) + 1.5),
            }));
            await c.add(docs);
            await c.save();
            const info = c.info();
            console.log(`acked ${b} ${info.generation} ${info.lastSave.kind}`);
          }
        })();
      }, { first: acknowledged + 1, batch: BATCH });
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 400));
      proc.kill('SIGKILL');
      await exited;
    }
    assert.ok(acknowledged >= KILLS / 2, `too few commits happened between kills (${acknowledged + 1} batches)`);
    assert.ok(snapshotsSeen > 0, 'no snapshot commit was exercised');
  } finally {
    current?.proc.kill('SIGKILL');
    await current?.exited;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await rm(profile, { recursive: true, force: true });
  }
});
