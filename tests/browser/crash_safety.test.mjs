// Kills the browser process (SIGKILL) at random instants while a page commits, 50 times, and checks
// after every restart that the collection is exactly one committed generation, at least the last
// acknowledged one: every document of it with the right content (digests), nothing of a later
// batch, deletes and upserts applied, text and dense search agreeing with it. The workload
// (adds, upserts, deletes: tests/browser/fixtures/crash_workload.mjs) is a function of the batch
// number, so the state after n batches is known exactly. Ten of the kills land inside a commit for
// certain (five snapshot commits, five record commits, held open after their first page), the
// others at random instants.
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
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Our own Chromium process, so that it can be killed like a crash; Playwright drives it over CDP.
async function launchKillable(profile) {
  const proc = spawn(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    [...CHROMIUM_ARGS, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = ''; // Chromium's stderr (its last 50-100 KB)
  const endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${output}`)), 20000);
    proc.stderr.on('data', (chunk) => {
      output += String(chunk).split('\n').filter((line) => !/dbus|Fontconfig/.test(line)).join('\n');
      if (output.length > 100000) output = output.slice(-50000);
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
  return { proc, browser, exited, log: () => output };
}

// Runs in the page: reopens collection `name` and compares it with the workload's model of its
// batches.
async function inspect(name) {
  const w = await import('/tests/browser/fixtures/crash_workload.mjs');
  const c = await window.osprey.Osprey.open(name, { dimension: w.DIM });
  const info = c.info();
  const batches = w.committedBatches(await c.get('progress'));
  const expected = w.expectedState(batches);
  const problems = [];
  if (info.size !== expected.size) problems.push(`size ${info.size}, expected ${expected.size}`);
  for (const [id, doc] of expected) {
    const got = await c.get(id);
    if (!got) problems.push(`${id} missing`);
    else if (w.digest(got) !== w.digest(doc)) problems.push(`${id} has other content: ${got.title}`);
  }
  for (let b = 0; b <= batches; b++) {
    const { add, remove } = w.batchOps(b);
    // Deleted by a committed batch, or added by the one not committed.
    const gone = b < batches ? remove : add.map((d) => d.id);
    for (const id of gone) if (await c.get(id)) problems.push(`${id} should not be there`);
  }
  // Postings: 'v2' is in the titles of upserted versions only, 'committed' in the progress document.
  const versioned = [...expected.values()].filter((d) => d.title.endsWith(' v2')).map((d) => d.id).sort();
  const v2 = (await c.search('v2', { mode: 'sparse', k: expected.size + 1 })).map((h) => h.id).sort();
  if (JSON.stringify(v2) !== JSON.stringify(versioned)) problems.push(`'v2' finds ${v2.length} documents, expected ${versioned.length}`);
  if (batches > 0) {
    const top = await c.search('committed', { mode: 'sparse', k: 3 });
    if (top.length !== 1 || top[0].id !== 'progress') problems.push(`'committed' finds ${JSON.stringify(top.map((h) => h.id))}`);
    // Vectors: every live document of the last two batches, and a sample of older ones, is found
    // first by a search for its own vector, in the graph and exactly.
    const sample = [...expected.values()].filter((d, i) => d.title.startsWith(`batch ${batches - 1} `) ||
      d.title.startsWith(`batch ${batches - 2} `) || i % 37 === 0);
    for (const d of sample) {
      for (const exact of [false, true]) {
        const hits = await c.search('', { vector: d.vector, k: 1, mode: 'dense', exact, ef: 200 });
        if (hits[0]?.id !== d.id) problems.push(`dense ${exact ? 'exact ' : ''}self-search of ${d.id} gives ${hits[0]?.id}`);
      }
    }
  }
  c.close();
  const databases = (await indexedDB.databases()).map((d) => `${d.name} v${d.version}`);
  return { batches, generation: info.generation, recovered: info.recovered, problems: problems.slice(0, 10),
    databases, usage: (await navigator.storage.estimate()).usage };
}

// Runs in the page: commits batch after batch to collection `name` until the process is killed.
// With `hold` ('snapshot' or 'record'), the first commit of that kind is held open once it has put
// its first page (the transaction is kept busy, so it never completes) and the page logs
// "holding KIND GENERATION": a kill then lands inside that commit for certain. Logs "acked BATCH
// GENERATION KIND" when save() resolved.
function commitForever({ name, first, hold }) {
  const put = IDBObjectStore.prototype.put;
  let holding = false;
  IDBObjectStore.prototype.put = function (value, key) {
    const parts = typeof key === 'string' ? key.split('\u0001') : [];
    const request = put.call(this, value, key);
    if (this.name === 'pages' && parts.length === 3 && !holding) {
      const kind = parts[2].startsWith('s') ? 'snapshot' : 'record'; // page keys: s0.. or r0.0..
      if (kind === hold) {
        holding = true;
        const store = this;
        (function busy() { store.count().onsuccess = busy; })();
        console.log(`holding ${kind} ${parts[1]}`);
      }
    }
    return request;
  };
  (async () => {
    const w = await import('/tests/browser/fixtures/crash_workload.mjs');
    const c = await window.osprey.Osprey.open(name, { dimension: w.DIM });
    for (let b = first; ; b++) {
      const { add, upsert, remove } = w.batchOps(b);
      await c.add(add);
      await c.upsert(upsert);
      if (remove.length) await c.delete(remove);
      await c.save();
      const info = c.info();
      console.log(`acked ${b} ${info.generation} ${info.lastSave.kind}`);
    }
  })();
}

test(`the last committed generation survives ${KILLS} kills during commits`, { timeout: 900000 }, async (t) => {
  const { server, url } = await startServer({ port: 0 });
  const profile = await mkdtemp(join(tmpdir(), 'osprey-crash-'));
  // Every tenth round starts a new collection (whose first commit is a snapshot) and kills the
  // browser inside that snapshot commit; every tenth, inside a record commit; the others at random.
  let epoch = 0;
  let acknowledged = -1; // highest batch of the current collection whose save() resolved
  let ackedGeneration = 0; // the generation that save() reported for it
  let lastGeneration = 0;
  let commits = 0, snapshotsSeen = 0, killsInCommit = 0, killsInSnapshot = 0;
  let browserDeletions = 0; // rounds in which Chromium threw away its own damaged IndexedDB store
  let held = null; // the commit held open when the last kill came: {kind, generation}
  let current = null;
  try {
    // Past KILLS, rounds go on (at most 40 more) until five kills inside each kind of commit were
    // verified: a round whose store Chromium deleted verifies nothing.
    const quotaMet = () => killsInSnapshot >= 5 && killsInCommit - killsInSnapshot >= 5;
    for (let round = 0; ; round++) {
      current = await launchKillable(profile);
      const { proc, browser, exited } = current;
      const page = await browser.contexts()[0].newPage();
      await page.goto(`${url}/tests/browser/fixtures/blank.html`);
      await page.waitForFunction(() => window.ospreyReady === true);

      // 1. What survived: exactly the state after some batch count, at least the acknowledged one.
      const state = await page.evaluate(inspect, `crash-${epoch}`);
      assert.deepEqual(state.problems, [], `round ${round}`);
      assert.equal(state.recovered, null);
      // Chromium's LevelDB store can be torn by a kill in the middle of a write; Chromium then
      // deletes the origin's whole IndexedDB store on the next start (crbug.com/146284). That loss
      // is the browser's, not a commit's: the collection must open empty and work, and the round
      // starts a new collection.
      if (/IndexedDB recovering from a corrupted \(and deleted\) database/.test(current.log())) {
        assert.equal(state.batches, 0, `round ${round}: Chromium deleted its store, yet ${state.batches} batches remain`);
        browserDeletions++;
        epoch++;
        acknowledged = -1;
        held = null;
        ackedGeneration = lastGeneration = 0;
      } else {
        assert.ok(state.batches >= acknowledged + 1, `round ${round}: acknowledged batch ${acknowledged} is lost ` +
          `(have ${state.batches}; databases ${state.databases}, ${state.usage} bytes used; Chromium said: ${current.log().slice(-3000)})`);
        assert.ok(state.generation >= ackedGeneration, `round ${round}: generation ${state.generation} is older than the acknowledged ${ackedGeneration}`);
        assert.ok(state.generation >= lastGeneration, `round ${round}: generation went back`);
        if (held) {
          // Killed inside that commit: none of it may be visible.
          assert.ok(state.generation < held.generation, `round ${round}: the ${held.kind} commit of generation ` +
            `${held.generation} was killed before it completed, yet generation ${state.generation} is stored`);
          killsInCommit++;
          if (held.kind === 'snapshot') killsInSnapshot++;
        }
        lastGeneration = ackedGeneration = state.generation;
        acknowledged = state.batches - 1;
      }
      if (round >= KILLS && (quotaMet() || round >= KILLS + 40)) break;

      // 2. Commit batches until the process is killed.
      const late = round >= KILLS; // extra rounds: only the kinds still short of five
      const hold = (late ? killsInSnapshot < 5 : round % 10 === 3) ? 'snapshot'
        : (late ? killsInCommit - killsInSnapshot < 5 : round % 10 === 6) ? 'record' : null;
      if (hold === 'snapshot') {
        epoch++;
        acknowledged = -1;
        ackedGeneration = lastGeneration = 0;
      }
      held = null;
      let holding = () => {};
      const holdStarted = new Promise((resolve) => { holding = resolve; });
      page.on('console', (message) => {
        const text = message.text();
        const acked = /^acked (\d+) (\d+) (snapshot|record)$/.exec(text);
        const begun = /^holding (snapshot|record) (\d+)$/.exec(text);
        if (begun) holding({ kind: begun[1], generation: Number(begun[2]) });
        if (acked) {
          commits++;
          acknowledged = Math.max(acknowledged, Number(acked[1]));
          ackedGeneration = Math.max(ackedGeneration, Number(acked[2]));
          if (acked[3] === 'snapshot') snapshotsSeen++;
        }
      });
      await page.evaluate(commitForever, { name: `crash-${epoch}`, first: acknowledged + 1, hold });
      if (hold) {
        held = await Promise.race([holdStarted, sleep(60000).then(() => null)]);
        assert.ok(held, `round ${round}: no ${hold} commit started within 60 s`);
      } else {
        await sleep(20 + Math.random() * 400);
      }
      proc.kill('SIGKILL');
      await exited;
    }
    assert.ok(commits >= KILLS / 2, `too few commits happened between kills (${commits})`);
    assert.ok(snapshotsSeen > 0, 'no snapshot commit completed');
    assert.ok(quotaMet(), `kills verified inside commits: ${killsInSnapshot} snapshot, ` +
      `${killsInCommit - killsInSnapshot} record (Chromium deleted its store ${browserDeletions} times)`);
    assert.ok(browserDeletions <= KILLS / 2, `Chromium deleted its store in ${browserDeletions} rounds`);
    t.diagnostic(`${commits} commits, ${killsInSnapshot} kills inside snapshot commits and ` +
      `${killsInCommit - killsInSnapshot} inside record commits verified; Chromium deleted its damaged store ${browserDeletions} times`);
  } finally {
    current?.proc.kill('SIGKILL');
    await current?.exited;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await rm(profile, { recursive: true, force: true });
  }
});
