// What a stored collection is bound to (web/src/storage/binding.js): the embedding model, its
// tokenizer's fingerprint and the analyzer configuration. Another tokenizer or analyzer is a clear
// MISMATCH; bindings written before a field existed still open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Osprey, OspreyError, MemoryStorage, Tokenizer } from '../../web/src/osprey.js';
import { STATIC_DIR, generatedModelsPresent } from './models_helpers.mjs';

const DIM = 4;
const embedder = (id, tokenizerFingerprint) => ({
  id, dimension: DIM, tokenizerFingerprint,
  embedDocuments: async (texts) => texts.map((_, i) => [1, i + 1, 0.5, 2]),
  embedQuery: async () => [1, 1, 1, 1],
});

async function rejectsWith(promise, code, message) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof OspreyError, String(e));
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return true;
  });
}

// A storage that serves what an older Osprey wrote: bindings without the newer fields.
function olderBindings(storage) {
  const strip = (manifest) => {
    if (manifest?.binding) {
      const { tokenizer, analyzer, formatVersion, ...older } = manifest.binding;
      manifest.binding = older;
    }
    return manifest;
  };
  return {
    head: async (name) => strip(await storage.head(name)),
    read: async (name, checksum) => {
      const stored = await storage.read(name, checksum);
      if (stored) strip(stored.manifest);
      return stored;
    },
    commit: (name, change) => storage.commit(name, change),
    delete: (name) => storage.delete(name),
  };
}

test('the manifest binds the tokenizer fingerprint and the analyzer; others are a MISMATCH', async () => {
  const storage = new MemoryStorage();
  const c = await Osprey.open('bound', { storage, embedder: embedder('model-a', 'f00d') });
  await c.add([{ id: 'x', body: 'boundary layers' }]);
  await c.save();
  c.close();
  const { binding } = await storage.head('bound');
  assert.equal(binding.model, 'model-a');
  assert.equal(binding.tokenizer, 'f00d');
  assert.equal(binding.formatVersion, 4);
  assert.deepEqual(binding.analyzer, { language: 'en', stemmer: true, stopwords: true, lowercase: true, cjk: binding.analyzer.cjk });
  assert.equal(typeof binding.analyzer.cjk, 'string');

  await rejectsWith(Osprey.open('bound', { storage, embedder: embedder('model-a', 'beef') }), 'MISMATCH', /tokenizer/);
  await rejectsWith(Osprey.open('bound', { storage, analyzer: { stemmer: false } }), 'MISMATCH', /analyzer stemmer/);
  await rejectsWith(Osprey.open('bound', { storage, analyzer: { language: 'none' } }), 'MISMATCH', /analyzer language/);
  const same = await Osprey.open('bound', { storage, analyzer: { stemmer: true, language: 'en' },
    embedder: embedder('model-a', 'f00d') });
  assert.equal(same.size, 1);
  same.close();

  // An embedder that cannot tell its tokenizer opens (nothing to compare), and its saves keep
  // the recorded fingerprint; so do saves by an opener without a model.
  const unknown = await Osprey.open('bound', { storage, embedder: embedder('model-a') });
  await unknown.add([{ id: 'y', body: 'heat transfer' }]);
  await unknown.save();
  unknown.close();
  const plain = await Osprey.open('bound', { storage });
  await plain.add([{ id: 'z', body: 'shock waves', vector: [1, 2, 3, 4] }]);
  await plain.save();
  plain.close();
  const after = (await storage.head('bound')).binding;
  assert.equal(after.tokenizer, 'f00d');
  assert.equal(after.model, 'model-a');
  await rejectsWith(Osprey.open('bound', { storage, embedder: embedder('model-a', 'beef') }), 'MISMATCH');
});

test('bindings without a tokenizer fingerprint or analyzer (older manifests) still open', async () => {
  const storage = new MemoryStorage();
  const c = await Osprey.open('older', { storage, embedder: embedder('model-a', 'f00d') });
  await c.add([{ id: 'x', body: 'boundary layers' }]);
  await c.save();
  c.close();
  const older = olderBindings(storage);
  assert.equal((await older.head('older')).binding.tokenizer, undefined);
  const reopened = await Osprey.open('older', { storage: older, embedder: embedder('model-a', 'beef'),
    analyzer: { stemmer: true } });
  assert.equal(reopened.size, 1);
  assert.equal((await reopened.search('boundary'))[0].id, 'x');
  // Saving records the fields from now on.
  await reopened.add([{ id: 'y', body: 'more' }]);
  await reopened.save();
  reopened.close();
  assert.equal((await storage.head('older')).binding.tokenizer, 'beef');
  // The model id is still checked in older bindings.
  await rejectsWith(Osprey.open('older', { storage: older, embedder: embedder('model-b') }), 'MISMATCH', /model/);
});

test("a model whose tokenizer files differ from the collection's is a MISMATCH", async () => {
  assert.ok(generatedModelsPresent(), 'generated models missing: run node scripts/models/generate.mjs');
  const { builtinModels } = await import('../../web/src/models/index.js');
  const builtin = (await builtinModels()).find((m) => m.id === 'osprey-static-en');
  // The same model id, once with its tokenizer and once with one option changed in tokenizer.json.
  const dir = await mkdtemp(join(tmpdir(), 'osprey-tokenizer-'));
  try {
    await symlink(`${STATIC_DIR}onnx`, join(dir, 'onnx'));
    const json = await readFile(`${STATIC_DIR}tokenizer.json`, 'utf8');
    const config = await readFile(`${STATIC_DIR}tokenizer_config.json`, 'utf8');
    assert.match(json, /"strip_accents":false/);
    await writeFile(join(dir, 'tokenizer.json'), json.replace('"strip_accents":false', '"strip_accents":true'));
    await writeFile(join(dir, 'tokenizer_config.json'), config);
    const original = { ...builtin, source: { path: STATIC_DIR } };
    const altered = { ...builtin, source: { path: `${dir}/` } };

    const storage = new MemoryStorage();
    const c = await Osprey.open('with-model', { storage, model: original });
    await c.add([{ id: 'water', text: 'The boiling point of water decreases at high altitude.' }]);
    await c.save();
    const own = c.embedder.tokenizerFingerprint; // what the loaded model says, without re-reading files
    c.close();
    const recorded = (await storage.head('with-model')).binding.tokenizer;
    const tokenizer = await Tokenizer.fromJson(json, config);
    assert.equal(recorded, tokenizer.fingerprint);
    assert.equal(own, recorded);
    tokenizer.dispose();

    await rejectsWith(Osprey.open('with-model', { storage, model: altered }), 'MISMATCH', /tokenizer/);
    const again = await Osprey.open('with-model', { storage, model: original });
    assert.equal((await again.search('water boiling', { mode: 'dense', k: 1 }))[0].id, 'water');
    again.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
