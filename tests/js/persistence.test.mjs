// Generations, incremental saves, merges, quota failures and imports, on the in-memory backend
// (the IndexedDB backend runs the same layout: tests/browser/persistence.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Osprey, OspreyError, MemoryStorage } from '../../web/src/osprey.js';

const DIM = 16;
function vector(i) {
  const v = new Float32Array(DIM);
  for (let d = 0; d < DIM; d++) v[d] = Math.sin(i * 7.13 + d * 1.7) + (d === i % DIM ? 2 : 0);
  return v;
}
const docs = (from, to, tag = 'doc') => Array.from({ length: to - from }, (_, j) => {
  const i = from + j;
  return { id: `${tag}-${i}`, title: `title ${i % 97}`, body: `words ${i} alpha${i % 13} beta${i % 7}`, metadata: { i }, vector: vector(i) };
});
const ids = (hits) => hits.map((h) => h.id);

async function rejectsWith(promise, code) {
  await assert.rejects(promise, (e) => e instanceof OspreyError && e.code === code || assert.fail(`${e.code}: ${e.message}`));
}

test('a save after a small change writes bytes proportional to the change', async () => {
  const storage = new MemoryStorage();
  const c = await Osprey.open('big', { storage, dimension: DIM });
  await c.add(docs(0, 5000));
  await c.save();
  const snapshotBytes = storage.lastCommitBytes;
  assert.equal(c.info().generation, 1);
  await c.add(docs(5000, 5050));
  await c.delete(['doc-7', 'doc-8']);
  await c.upsert([{ id: 'doc-9', body: 'replaced text', vector: vector(9) }]);
  assert.equal(c.dirty, true);
  await c.save();
  assert.equal(c.dirty, false);
  const incrementalBytes = storage.lastCommitBytes;
  assert.ok(incrementalBytes < snapshotBytes * 0.02, `${incrementalBytes} vs snapshot ${snapshotBytes}`);
  const query = { vector: vector(5003), k: 5 };
  const before = ids(await c.search('alpha3 replaced', query));
  c.close();

  const d = await Osprey.open('big', { storage });
  assert.equal(d.size, 5048);
  assert.equal(d.info().generation, 2);
  assert.equal(await d.get('doc-7'), null);
  assert.equal((await d.get('doc-9')).body, 'replaced text');
  assert.deepEqual(ids(await d.search('alpha3 replaced', query)), before);
  d.close();
});

test('saving with nothing changed writes nothing; many small saves are compacted', async () => {
  const storage = new MemoryStorage();
  const c = await Osprey.open('log', { storage, dimension: DIM });
  await c.add(docs(0, 200));
  await c.save();
  await c.save();
  assert.equal(c.info().generation, 1);
  for (let i = 200; i < 300; i++) {
    await c.add(docs(i, i + 1));
    await c.save();
  }
  assert.equal(c.info().generation, 101);
  c.close();
  const d = await Osprey.open('log', { storage });
  assert.equal(d.size, 300);
  assert.deepEqual(ids(await d.search('', { vector: vector(299), k: 1 })), ['doc-299']);
  d.close();
});

test('two writers: both updates survive, merged in commit order (last writer wins per id)', async () => {
  const storage = new MemoryStorage();
  const base = await Osprey.open('shared', { storage, dimension: DIM });
  await base.add(docs(0, 10));
  await base.save();
  base.close();

  const a = await Osprey.open('shared', { storage });
  const b = await Osprey.open('shared', { storage });
  await a.add(docs(0, 5, 'a'));
  await a.delete('doc-1');
  await b.add(docs(0, 5, 'b'));
  await b.upsert([{ id: 'doc-1', body: 'b rewrote doc-1', vector: vector(1) }]);
  await a.save();
  await b.save(); // finds a's generation, replays its own changes on top
  assert.equal(b.size, 20);
  assert.equal((await b.get('doc-1')).body, 'b rewrote doc-1');
  assert.equal(await a.refresh(), true);
  assert.equal(a.size, 20);
  const c = await Osprey.open('shared', { storage });
  assert.equal(c.size, 20);
  assert.ok(await c.get('a-3'));
  assert.ok(await c.get('b-3'));
  assert.equal(c.info().generation, 3);
  for (const x of [a, b, c]) x.close();
});

test('a failed commit (quota) leaves the stored generation intact and the changes in memory', async () => {
  const inner = new MemoryStorage();
  let failNext = false;
  const storage = {
    kind: 'flaky',
    head: (...args) => inner.head(...args),
    read: (...args) => inner.read(...args),
    delete: (...args) => inner.delete(...args),
    commit: (...args) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new OspreyError('storage quota exceeded', 'QUOTA_EXCEEDED'));
      }
      return inner.commit(...args);
    },
  };
  const c = await Osprey.open('quota', { storage, dimension: DIM });
  await c.add(docs(0, 50));
  await c.save();
  await c.add(docs(50, 60));
  failNext = true;
  await rejectsWith(c.save(), 'QUOTA_EXCEEDED');
  assert.equal(c.dirty, true);
  assert.equal(c.size, 60);
  const stored = await Osprey.open('quota', { storage });
  assert.equal(stored.size, 50); // the last committed generation, whole
  stored.close();
  await c.add(docs(60, 61));
  await c.save(); // the earlier changes were kept and go out now
  const again = await Osprey.open('quota', { storage });
  assert.equal(again.size, 61);
  again.close();
  c.close();
});

test('export, import and the model binding', async () => {
  const storage = new MemoryStorage();
  const embedder = (id) => ({ id, dimension: DIM, embedDocuments: async (t) => t.map((_, i) => vector(i)), embedQuery: async () => vector(1) });
  const c = await Osprey.open('bound', { storage, embedder: embedder('model-a') });
  await c.add([{ id: 'x', body: 'embedded by model a' }]);
  await c.save();
  const bytes = c.export();
  c.close();
  await rejectsWith(Osprey.open('bound', { storage, embedder: embedder('model-b') }), 'MISMATCH');
  await rejectsWith(Osprey.open('bound', { storage, dimension: DIM + 1 }), 'MISMATCH');
  const ok = await Osprey.open('bound', { storage, embedder: embedder('model-a') });
  assert.equal(ok.size, 1);
  ok.close();

  const imported = await Osprey.open('copy', { storage, bytes });
  assert.equal(imported.dirty, true);
  await imported.save();
  imported.close();
  const reopened = await Osprey.open('copy', { storage });
  assert.equal((await reopened.get('x')).body, 'embedded by model a');
  reopened.close();
});

test('custom storage objects must implement the layout operations', async () => {
  await rejectsWith(Osprey.open('x', { storage: { get() {}, put() {} } }), 'INVALID_ARGUMENT');
});
