// The JS API against the WASM build, in Node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Osprey, OspreyError, MemoryStorage } from '../../web/src/osprey.js';

const unit = (...v) => Float32Array.from(v);

async function fixture(options = {}) {
  const c = await Osprey.open(`t-${Math.random()}`, { storage: new MemoryStorage(), dimension: 3, ...options });
  await c.add([
    { id: 'wing', title: 'Wing lift', body: 'The lift of a swept wing.', metadata: { lang: 'en', year: 2001 }, vector: unit(1, 0, 0) },
    { id: 'heat', title: 'Heat transfer', body: 'Boundary layer heat transfer.', metadata: { lang: 'en', year: 1999 }, vector: unit(0, 1, 0) },
    { id: 'zh', title: '机翼', text: '机翼的升力。', metadata: { lang: 'zh' }, vector: [0, 0, 1] },
  ]);
  return c;
}

async function rejectsWith(promiseOrFn, code) {
  await assert.rejects(async () => (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn), (e) => {
    assert.ok(e instanceof OspreyError, `expected OspreyError, got ${e}`);
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.length > 10);
    return true;
  });
}

test('sparse, dense and hybrid search', async () => {
  const c = await fixture();
  assert.deepEqual((await c.search('lift')).map((h) => h.id), ['wing']);
  assert.deepEqual((await c.search('升力')).map((h) => h.id), ['zh']);
  const dense = await c.search('', { vector: [0.1, 1, 0], k: 2 });
  assert.deepEqual(dense.map((h) => h.id), ['heat', 'wing']);
  assert.ok(dense[0].denseScore > 0.99);
  const hybrid = await c.search('wing', { vector: [1, 0.2, 0], k: 3 });
  assert.equal(hybrid[0].id, 'wing');
  assert.equal(hybrid[0].sparseRank, 1);
  assert.equal(hybrid[0].denseRank, 1);
  assert.deepEqual(hybrid[0].metadata, { lang: 'en', year: 2001 });
  assert.equal((await c.search('', { vector: [0, 0, 1], k: 10, exact: true })).length, 3);
  c.close();
});

test('filters, highlights, delete and upsert', async () => {
  const c = await fixture();
  const filtered = await c.search('', { vector: [1, 1, 1], filter: { lang: 'en', year: { $lt: 2000 } } });
  assert.deepEqual(filtered.map((h) => h.id), ['heat']);
  const [hit] = await c.search('swept', { highlight: true });
  assert.equal(hit.body.slice(...hit.highlights.body[0]), 'swept');
  await c.delete('wing');
  assert.equal(c.size, 2);
  assert.deepEqual(await c.search('lift'), []);
  await c.upsert([{ id: 'heat', title: 'Lift now', vector: [0, 1, 0] }]);
  assert.deepEqual((await c.search('lift')).map((h) => h.id), ['heat']);
  assert.equal((await c.get('heat')).title, 'Lift now');
  assert.equal(await c.get('wing'), null);
  c.close();
});

test('save and reopen restore the same collection', async () => {
  const storage = new MemoryStorage();
  const c = await Osprey.open('saved', { storage, dimension: 3 });
  await c.add([{ id: 'a', body: 'alpha', vector: [1, 2, 3] }, { id: 'b', body: 'beta', vector: [3, 2, 1] }]);
  const before = await c.search('alpha', { vector: [1, 2, 3] });
  await c.save();
  c.close();
  const d = await Osprey.open('saved', { storage });
  assert.equal(d.size, 2);
  assert.deepEqual(await d.search('alpha', { vector: [1, 2, 3] }), before);
  await rejectsWith(Osprey.open('saved', { storage, dimension: 4 }), 'MISMATCH');
  d.close();
});

test('every bad input is a typed OspreyError and changes nothing', async () => {
  const c = await fixture();
  const before = c.export();
  const cases = [
    [() => c.add([{ id: 'x', vector: [1, 2] }]), 'DIMENSION_MISMATCH'],
    [() => c.add([{ id: 'x', vector: [NaN, 1, 1] }]), 'INVALID_VECTOR'],
    [() => c.add([{ id: 'x', vector: [Infinity, 1, 1] }]), 'INVALID_VECTOR'],
    [() => c.add([{ id: 'x', vector: ['a', 1, 1] }]), 'INVALID_VECTOR'],
    [() => c.add([{ id: 'x', vector: [0, 0, 0] }]), 'INVALID_VECTOR'],
    [() => c.add([{ id: 'x', body: 'no vector' }]), 'INVALID_VECTOR'],
    [() => c.add([{ id: 'x', vector: 'nope' }]), 'INVALID_ARGUMENT'],
    [() => c.add([{ id: 'new', vector: [1, 1, 1] }, { id: 'wing', vector: [1, 1, 1] }]), 'DUPLICATE_ID'],
    [() => c.add([{ id: 7, vector: [1, 1, 1] }]), 'INVALID_ARGUMENT'],
    [() => c.add([{ id: '', vector: [1, 1, 1] }]), 'INVALID_ARGUMENT'],
    [() => c.add('not an array'), 'INVALID_ARGUMENT'],
    [() => c.add([null]), 'INVALID_ARGUMENT'],
    [() => c.add([{ id: 'x', body: 'lone \uD800 surrogate', vector: [1, 1, 1] }]), 'INVALID_UTF8'],
    [() => { const m = {}; m.self = m; return c.add([{ id: 'x', metadata: m, vector: [1, 1, 1] }]); }, 'INVALID_JSON'],
    [() => c.add([{ id: 'x', metadata: [1, 2], vector: [1, 1, 1] }]), 'INVALID_JSON'],
    [() => c.add([{ id: 'x', body: 'x'.repeat(65 * 1024 * 1024), vector: [1, 1, 1] }]), 'LIMIT_EXCEEDED'],
    [() => c.delete(['heat', 'missing']), 'UNKNOWN_ID'],
    [() => c.search(''), 'EMPTY_QUERY'],
    [() => c.search('   '), 'EMPTY_QUERY'],
    [() => c.search('', { vector: [1, 0] }), 'DIMENSION_MISMATCH'],
    [() => c.search('', { vector: [NaN, 0, 0] }), 'INVALID_VECTOR'],
    [() => c.search('x', { k: -1 }), 'INVALID_ARGUMENT'],
    [() => c.search('x', { k: 'ten' }), 'INVALID_ARGUMENT'],
    [() => c.search('x', { mode: 'magic' }), 'INVALID_ARGUMENT'],
    [() => c.search('x', { filter: { year: { $near: 1 } } }), 'INVALID_JSON'],
    [() => c.search('x', { mode: 'dense' }), 'EMPTY_QUERY'],
    [() => c.search('\uDC00'), 'INVALID_UTF8'],
  ];
  for (const [call, code] of cases) await rejectsWith(call, code);
  assert.deepEqual(c.export(), before);
  // Still usable.
  assert.equal((await c.search('lift'))[0].id, 'wing');
  c.close();
});

test('k edge cases and empty collections', async () => {
  const c = await fixture();
  assert.deepEqual(await c.search('lift', { k: 0 }), []);
  assert.equal((await c.search('', { vector: [1, 1, 1], k: 1000 })).length, 3);
  const empty = await Osprey.open('empty', { storage: new MemoryStorage(), dimension: 3 });
  assert.deepEqual(await empty.search('anything', { vector: [1, 0, 0] }), []);
  const textOnly = await Osprey.open('text', { storage: new MemoryStorage() });
  await rejectsWith(textOnly.search('', { vector: [1, 0, 0] }), 'INVALID_ARGUMENT');
  await rejectsWith(textOnly.add([{ id: 'a', vector: [1] }]), 'INVALID_ARGUMENT');
  c.close();
  empty.close();
  textOnly.close();
});

test('corrupt, truncated and foreign bytes are refused on open', async () => {
  const c = await fixture();
  const bytes = c.export();
  c.close();
  const open = (b) => Osprey.open('x', { storage: new MemoryStorage(), bytes: b });
  await rejectsWith(open(new Uint8Array([80, 75, 3, 4])), 'UNSUPPORTED_FORMAT');
  await rejectsWith(open(bytes.slice(0, bytes.length - 5)), 'CORRUPT_DATA');
  const flipped = bytes.slice();
  flipped[40] ^= 1;
  await rejectsWith(open(flipped), 'CORRUPT_DATA');
  await rejectsWith(open('not bytes'), 'INVALID_ARGUMENT');
  const reopened = await open(bytes);
  assert.equal(reopened.size, 3);
  reopened.close();
});

test('calls after close() fail with CLOSED', async () => {
  const c = await fixture();
  c.close();
  await rejectsWith(c.search('lift'), 'CLOSED');
  await rejectsWith(c.add([]), 'CLOSED');
  await rejectsWith(c.save(), 'CLOSED');
  assert.throws(() => c.export(), (e) => e.code === 'CLOSED');
  c.close(); // closing twice is harmless
});

test('bad open arguments', async () => {
  await rejectsWith(Osprey.open(''), 'INVALID_ARGUMENT');
  await rejectsWith(Osprey.open('x', { storage: 'floppy' }), 'INVALID_ARGUMENT');
  await rejectsWith(Osprey.open('x', { storage: 'memory', metric: 'manhattan', dimension: 2 }), 'INVALID_ARGUMENT');
  await rejectsWith(Osprey.open('x', { storage: 'memory', dimension: -3 }), 'INVALID_ARGUMENT');
  await rejectsWith(Osprey.open('x', { storage: 'memory', dimension: 2, hnsw: { M: 1 } }), 'INVALID_ARGUMENT');
});
