// IndexedDB persistence in real Chromium: corrupt pages, quota failures, two writers, the upgrade
// from the first storage layout, and foreign or newer data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser } from './harness.mjs';

let browser;
let page;

// Raw IndexedDB access for the tests that damage or forge stored data, and a document maker.
function installHelpers() {
  window.rawDb = (name = 'osprey', version) => new Promise((resolve, reject) => {
    const req = version ? indexedDB.open(name, version) : indexedDB.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onupgradeneeded = () => window.onRawUpgrade?.(req.result);
  });
  window.rawRequest = (req) => new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  window.makeDocs = (from, to, tag = 'd') => Array.from({ length: to - from }, (_, j) => ({
    id: `${tag}-${from + j}`, body: `text ${from + j} common`, vector: [1 + (from + j) % 5, 1, (from + j) % 3, 1],
  }));
  window.codeOf = async (promise) => { try { await promise; return 'no error'; } catch (e) { return e.code ?? String(e); } };
}

async function readyPage() {
  const p = await browser.newPage();
  await p.waitForFunction(() => window.ospreyReady === true);
  await p.evaluate(installHelpers);
  return p;
}

before(async () => {
  browser = await openBrowser();
  page = await readyPage();
});
after(async () => { await browser?.close(); });

test('a corrupt page is detected and the previous generation is opened, and says so', async () => {
  const result = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const c = await Osprey.open('corrupt', { dimension: 4 });
    await c.add(makeDocs(0, 30));
    await c.save(); // generation 1: snapshot
    await c.add(makeDocs(30, 40));
    await c.save(); // generation 2: change record
    c.close();
    const db = await rawDb();
    const manifest = await rawRequest(db.transaction('manifests').objectStore('manifests').get('corrupt'));
    const recordKey = manifest.records.at(-1).pages[0].key;
    const tx = db.transaction('pages', 'readwrite');
    const bytes = await rawRequest(tx.objectStore('pages').get(recordKey));
    bytes[bytes.length >> 1] ^= 0xff;
    tx.objectStore('pages').put(bytes, recordKey);
    await new Promise((r) => { tx.oncomplete = r; });
    db.close();

    const reopened = await Osprey.open('corrupt');
    const info = reopened.info();
    await reopened.add(makeDocs(100, 101));
    await reopened.save(); // builds on the intact generation
    reopened.close();
    const healed = await Osprey.open('corrupt');
    const out = { size: info.size, recovered: info.recovered, healedSize: healed.size, healedInfo: healed.info() };
    healed.close();
    return out;
  });
  assert.equal(result.size, 30);
  assert.equal(result.recovered.generation, 1);
  assert.match(result.recovered.reason, /checksum/);
  assert.equal(result.healedSize, 31);
  assert.equal(result.healedInfo.recovered, null);
  assert.equal(result.healedInfo.generation, 3);
});

test('when no generation is intact, opening fails with CORRUPT_DATA', async () => {
  const code = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const c = await Osprey.open('gone', { dimension: 4 });
    await c.add(makeDocs(0, 5));
    await c.save();
    c.close();
    const db = await rawDb();
    const tx = db.transaction('pages', 'readwrite');
    tx.objectStore('pages').delete(IDBKeyRange.bound('gone\u0001', 'gone\u0002'));
    await new Promise((r) => { tx.oncomplete = r; });
    db.close();
    return codeOf(Osprey.open('gone'));
  });
  assert.equal(code, 'CORRUPT_DATA');
});

test('a quota failure is a clear error; the last generation stays intact and nothing is lost', async () => {
  const result = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const c = await Osprey.open('quota', { dimension: 4 });
    await c.add(makeDocs(0, 20));
    await c.save();
    await c.add(makeDocs(20, 25));
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    let error;
    try { await c.save(); } catch (e) { error = { code: e.code, message: e.message }; }
    IDBObjectStore.prototype.put = put;
    const other = await Osprey.open('quota');
    const storedSize = other.size;
    other.close();
    const dirty = c.dirty;
    await c.save();
    c.close();
    const after = await Osprey.open('quota');
    const finalSize = after.size;
    after.close();
    return { error, storedSize, dirty, finalSize };
  });
  assert.equal(result.error.code, 'QUOTA_EXCEEDED');
  assert.match(result.error.message, /quota/);
  assert.equal(result.storedSize, 20);
  assert.equal(result.dirty, true);
  assert.equal(result.finalSize, 25);
});

test('two pages writing at once: no lost update, both see the final state', async () => {
  const other = await readyPage();
  await page.evaluate(async () => {
    const c = await window.osprey.Osprey.open('two-writers', { dimension: 4 });
    await c.add(makeDocs(0, 1, 'seed'));
    await c.save();
    c.close();
  });
  const writer = async (tagName) => {
    const c = await window.osprey.Osprey.open('two-writers');
    window.shared = c;
    for (let i = 0; i < 10; i++) {
      await c.add(makeDocs(i * 3, i * 3 + 3, tagName));
      await c.save();
      await new Promise((r) => setTimeout(r, Math.random() * 10));
    }
    return c.size;
  };
  await Promise.all([page.evaluate(writer, 'left'), other.evaluate(writer, 'right')]);
  const sizes = await Promise.all([page, other].map((p) => p.evaluate(async () => {
    await window.shared.refresh();
    return window.shared.size;
  })));
  assert.deepEqual(sizes, [61, 61]);
  const reopened = await page.evaluate(async () => {
    window.shared.close();
    const c = await window.osprey.Osprey.open('two-writers');
    const size = c.size;
    const both = Boolean(await c.get('left-29')) && Boolean(await c.get('right-29'));
    c.close();
    return { size, both };
  });
  assert.deepEqual(reopened, { size: 61, both: true });
  await other.evaluate(() => window.shared.close());
  await other.close();
});

test('another tab is told of a new generation and reloads it', async () => {
  const other = await readyPage();
  await page.evaluate(async () => {
    const c = await window.osprey.Osprey.open('notify', { dimension: 4 });
    await c.add(makeDocs(0, 3));
    await c.save();
    window.notifyCollection = c;
  });
  await other.evaluate(async () => {
    const c = await window.osprey.Osprey.open('notify');
    window.changed = new Promise((resolve) => c.addEventListener('change', (e) => resolve({ generation: e.generation, reloaded: e.reloaded, size: c.size })));
  });
  await page.evaluate(async () => {
    await window.notifyCollection.add(makeDocs(3, 5));
    await window.notifyCollection.save();
  });
  const seen = await other.evaluate(() => window.changed);
  assert.deepEqual(seen, { generation: 2, reloaded: true, size: 5 });
  await other.close();
});

test('collections stored by the first layout (one record per collection) are upgraded', async () => {
  const result = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const source = await Osprey.open('legacy-src', { dimension: 4, storage: 'memory' });
    await source.add(makeDocs(0, 12));
    const bytes = source.export();
    source.close();
    window.onRawUpgrade = (db) => db.createObjectStore('collections');
    const db = await rawDb('osprey-legacy', 1);
    window.onRawUpgrade = null;
    const tx = db.transaction('collections', 'readwrite');
    tx.objectStore('collections').put({ bytes, savedAt: Date.now() }, 'legacy');
    await new Promise((r) => { tx.oncomplete = r; });
    db.close();
    const storage = new window.osprey.IndexedDBStorage('osprey-legacy');
    const c = await Osprey.open('legacy', { storage });
    const out = { size: c.size, generation: c.info().generation, hits: (await c.search('common', { k: 3 })).length };
    c.close();
    storage.close();
    const after = await rawDb('osprey-legacy');
    out.stores = [...after.objectStoreNames].sort();
    after.close();
    return out;
  });
  assert.deepEqual(result, { size: 12, generation: 1, hits: 3, stores: ['manifests', 'pages'] });
});

test('data of another program, of a newer Osprey, or a newer database are refused clearly', async () => {
  const codes = await page.evaluate(async () => {
    const { Osprey, IndexedDBStorage } = window.osprey;
    await (await Osprey.open('probe', { storage: 'indexeddb' })).close(); // creates the database
    const db = await rawDb();
    const tx = db.transaction('manifests', 'readwrite');
    tx.objectStore('manifests').put({ hello: 'world' }, 'alien');
    tx.objectStore('manifests').put({ format: 'osprey-collection', version: 99, generation: 1, snapshot: { pages: [] }, records: [] }, 'future');
    await new Promise((r) => { tx.oncomplete = r; });
    db.close();
    window.onRawUpgrade = (d) => d.createObjectStore('whatever');
    (await rawDb('osprey-v3', 3)).close();
    window.onRawUpgrade = null;
    return {
      alien: await codeOf(Osprey.open('alien')),
      future: await codeOf(Osprey.open('future')),
      newerDatabase: await codeOf(Osprey.open('x', { storage: new IndexedDBStorage('osprey-v3') })),
    };
  });
  assert.deepEqual(codes, { alien: 'UNSUPPORTED_FORMAT', future: 'UNSUPPORTED_FORMAT', newerDatabase: 'UNSUPPORTED_FORMAT' });
});

test('opening with another model or dimension is a clear error', async () => {
  const codes = await page.evaluate(async () => {
    const { Osprey } = window.osprey;
    const embedder = (id) => ({ id, dimension: 4, embedDocuments: async (t) => t.map(() => [1, 0, 0, 0]), embedQuery: async () => [1, 0, 0, 0] });
    const c = await Osprey.open('bound', { embedder: embedder('static-en') });
    await c.add([{ id: 'a', body: 'x' }]);
    await c.save();
    c.close();
    return {
      model: await codeOf(Osprey.open('bound', { embedder: embedder('other-model') })),
      dimension: await codeOf(Osprey.open('bound', { dimension: 8 })),
      same: await codeOf(Osprey.open('bound', { embedder: embedder('static-en') }).then((x) => x.close())),
    };
  });
  assert.deepEqual(codes, { model: 'MISMATCH', dimension: 'MISMATCH', same: 'no error' });
  const estimate = await page.evaluate(() => window.osprey.Osprey.storageEstimate());
  assert.ok(estimate.usage > 0 && estimate.quota > estimate.usage);
  assert.equal(typeof estimate.persisted, 'boolean');
  assert.deepEqual(browser.errors, []);
});
