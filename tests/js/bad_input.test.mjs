// A catalog of bad inputs through the public JS API. Every case must fail with an OspreyError of
// the expected code, with a message that names what to fix, and must leave the collection exactly
// as it was: export() gives the same bytes before and after the failed call. Cases that expose a
// bug the JS layer cannot fix (the C++ core must change) are marked todo with the reason; their
// assertions are not weakened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Osprey, OspreyError, MemoryStorage, Tokenizer, chunkText } from '../../web/src/osprey.js';
import { loadCore } from '../../web/src/core.js';

const DIM = 3;
const embed = async (texts) => texts.map((t, i) => Float32Array.from([1 + (t.length % 3), 1 + i, 1]));

/** A collection in memory with a few documents (vectors, metadata), an ingested document and feedback. */
async function fixture(options = {}) {
  const storage = new MemoryStorage();
  const c = await Osprey.open(`bad-${Math.random()}`, { storage, dimension: DIM, ...options });
  await c.add([
    { id: 'wing', title: 'Wing lift', body: 'The lift of a swept wing.', metadata: { lang: 'en', year: 2001, tags: ['a'] }, vector: [1, 0, 0] },
    { id: 'heat', title: 'Heat transfer', body: 'Boundary layer heat transfer.', metadata: { lang: 'en', year: 1999 }, vector: [0, 1, 0] },
    { id: 'zh', title: '机翼', text: '机翼的升力。', metadata: { lang: 'zh' }, vector: [0, 0, 1] },
  ]);
  await c.addDocuments([{ id: 'manual', title: 'Glider manual', text: '# Launch\n\nWinch launch of a glider.\n\n# Landing\n\nFlaps and spoilers.' }], { embed });
  await c.feedback({ query: 'lift', docId: 'wing', signal: 'click' });
  return { c, storage };
}

const deep = (n) => { let v = { leaf: 1 }; for (let i = 0; i < n; i++) v = { v }; return v; };
const deepFilter = (n) => { let f = { lang: 'en' }; for (let i = 0; i < n; i++) f = { $not: f }; return f; };
const cyclic = () => { const o = {}; o.self = o; return o; };
const record = (depth) => `{"id":"r","text":"hello","extra":${'['.repeat(depth)}${']'.repeat(depth)}}`;
/** A storage backend whose `op` misbehaves as `impl` says (the others are a MemoryStorage's). */
const badStorage = (op, impl) => {
  const inner = new MemoryStorage();
  return { head: (...a) => inner.head(...a), read: (...a) => inner.read(...a), commit: (...a) => inner.commit(...a),
    delete: (...a) => inner.delete(...a), [op]: impl };
};
/**
 * Exported bytes with a valid checksum whose document metadata nests `depth` levels deep (a flat
 * string of the same length in the export, replaced by brackets, the CRC-32C recomputed).
 */
async function deepMetadataBytes(depth) {
  const source = await Osprey.open(`deep-${Math.random()}`, { storage: 'memory' });
  await source.add([{ id: 'x', body: 'hello', metadata: { a: 'x'.repeat(2 * depth) } }]);
  const bytes = source.export();
  source.close();
  const text = new TextDecoder('latin1').decode(bytes);
  const at = text.indexOf(`"${'x'.repeat(2 * depth)}"`);
  bytes.set(new TextEncoder().encode('['.repeat(depth + 1) + ']'.repeat(depth + 1)), at);
  new DataView(bytes.buffer).setUint32(12, (await loadCore()).crc32c(bytes.subarray(24)) >>> 0, true);
  return bytes;
}
const okTokenizerJson = () => import('node:fs/promises').then((fs) =>
  fs.readFile(new URL('../../models/generated/osprey-static-en/tokenizer.json', import.meta.url), 'utf8'));

// [name, call(c, ctx), code, text the message must contain, {todo, closed, sync, fixture}]
const CASES = [
  // ---- Osprey.open: arguments and options
  ['open: empty name', () => Osprey.open(''), 'INVALID_ARGUMENT', 'name'],
  ['open: name not a string', () => Osprey.open(42), 'INVALID_ARGUMENT', 'name'],
  ['open: name with a lone surrogate', () => Osprey.open('col\uD800', { storage: 'memory' }), 'INVALID_UTF8', 'name'],
  ['open: name with U+0001, the storage key separator', () => Osprey.open('a\u0001b', { storage: 'memory' }), 'INVALID_ARGUMENT', 'control character'],
  ['open: options not an object', () => Osprey.open('x', 'memory'), 'INVALID_ARGUMENT', 'options'],
  ['open: options null', () => Osprey.open('x', null), 'INVALID_ARGUMENT', 'options'],
  ['open: unknown key dimesion', () => Osprey.open('x', { storage: 'memory', dimesion: 4 }), 'INVALID_ARGUMENT', "unknown key 'dimesion' (did you mean 'dimension'?)"],
  ['open: unknown key, nothing close', () => Osprey.open('x', { storage: 'memory', zebra: 1 }), 'INVALID_ARGUMENT', "open options: unknown key 'zebra'"],
  ['open: dimension -1', () => Osprey.open('x', { storage: 'memory', dimension: -1 }), 'INVALID_ARGUMENT', 'dimension'],
  ['open: dimension 1.5', () => Osprey.open('x', { storage: 'memory', dimension: 1.5 }), 'INVALID_ARGUMENT', 'dimension'],
  ['open: dimension NaN', () => Osprey.open('x', { storage: 'memory', dimension: NaN }), 'INVALID_ARGUMENT', 'dimension'],
  ['open: dimension Infinity', () => Osprey.open('x', { storage: 'memory', dimension: Infinity }), 'INVALID_ARGUMENT', 'dimension'],
  ['open: dimension 1e9', () => Osprey.open('x', { storage: 'memory', dimension: 1e9 }), 'INVALID_ARGUMENT', 'dimension must be at most'],
  ['open: dimension as a string', () => Osprey.open('x', { storage: 'memory', dimension: '4' }), 'INVALID_ARGUMENT', 'dimension'],
  ['open: unknown metric', () => Osprey.open('x', { storage: 'memory', dimension: 2, metric: 'manhattan' }), 'INVALID_ARGUMENT', 'manhattan'],
  ['open: unknown index', () => Osprey.open('x', { storage: 'memory', dimension: 2, index: 'ivf' }), 'INVALID_ARGUMENT', 'ivf'],
  ['open: unknown quantization', () => Osprey.open('x', { storage: 'memory', dimension: 2, quantization: 'int4' }), 'INVALID_ARGUMENT', 'int4'],
  ['open: keepFloat not a boolean', () => Osprey.open('x', { storage: 'memory', dimension: 2, keepFloat: 'yes' }), 'INVALID_ARGUMENT', 'keepFloat'],
  ['open: hnsw.m instead of M', () => Osprey.open('x', { storage: 'memory', dimension: 2, hnsw: { m: 16 } }), 'INVALID_ARGUMENT', "open options.hnsw: unknown key 'm' (did you mean 'M'?)"],
  ['open: hnsw not an object', () => Osprey.open('x', { storage: 'memory', dimension: 2, hnsw: 16 }), 'INVALID_ARGUMENT', 'open options.hnsw must be an object'],
  ['open: hnsw.M 1', () => Osprey.open('x', { storage: 'memory', dimension: 2, hnsw: { M: 1 } }), 'INVALID_ARGUMENT', 'M'],
  ['open: hnsw.M -1', () => Osprey.open('x', { storage: 'memory', dimension: 2, hnsw: { M: -1 } }), 'INVALID_ARGUMENT', 'M'],
  ['open: hnsw.M 16.5', () => Osprey.open('x', { storage: 'memory', dimension: 2, hnsw: { M: 16.5 } }), 'INVALID_ARGUMENT', 'hnsw.M must be a whole number'],
  ['open: hnsw.efSearch 2.5', () => Osprey.open('x', { storage: 'memory', dimension: 2, hnsw: { efSearch: 2.5 } }), 'INVALID_ARGUMENT', 'efSearch'],
  ['open: hnsw.efConstruction 1e9', () => Osprey.open('x', { storage: 'memory', dimension: 2, hnsw: { efConstruction: 1e9 } }), 'INVALID_ARGUMENT', 'efConstruction'],
  ['open: hnsw.efSearch 0', () => Osprey.open('x', { storage: 'memory', dimension: 2, hnsw: { efSearch: 0 } }), 'INVALID_ARGUMENT', 'efSearch'],
  ['open: hnsw.capacity -1', () => Osprey.open('x', { storage: 'memory', dimension: 2, hnsw: { capacity: -1 } }), 'INVALID_ARGUMENT', 'capacity'],
  ['open: bm25.k unknown', () => Osprey.open('x', { storage: 'memory', bm25: { k: 1.2 } }), 'INVALID_ARGUMENT', "open options.bm25: unknown key 'k' (did you mean 'k1'?)"],
  ['open: bm25.k1 -1', () => Osprey.open('x', { storage: 'memory', bm25: { k1: -1 } }), 'INVALID_ARGUMENT', 'k1'],
  ['open: bm25.b 2', () => Osprey.open('x', { storage: 'memory', bm25: { b: 2 } }), 'INVALID_ARGUMENT', 'b'],
  ['open: bm25.titleWeight NaN', () => Osprey.open('x', { storage: 'memory', bm25: { titleWeight: NaN } }), 'INVALID_ARGUMENT', 'titleWeight'],
  ['open: analyzer.stemer', () => Osprey.open('x', { storage: 'memory', analyzer: { stemer: false } }), 'INVALID_ARGUMENT', "did you mean 'stemmer'?"],
  ['open: analyzer.language unknown', () => Osprey.open('x', { storage: 'memory', analyzer: { language: 'klingon' } }), 'INVALID_ARGUMENT', 'klingon'],
  ['open: analyzer not an object', () => Osprey.open('x', { storage: 'memory', analyzer: 'en' }), 'INVALID_ARGUMENT', 'analyzer'],
  ['open: unknown storage', () => Osprey.open('x', { storage: 'floppy' }), 'INVALID_ARGUMENT', 'floppy'],
  ['open: storage object without methods', () => Osprey.open('x', { storage: { get() {}, put() {} } }), 'INVALID_ARGUMENT', 'head()'],
  ['open: storage a number', () => Osprey.open('x', { storage: 42 }), 'INVALID_ARGUMENT', 'storage'],
  ['open: threads maybe', () => Osprey.open('x', { storage: 'memory', threads: 'maybe' }), 'INVALID_ARGUMENT', 'threads'],
  ['open: worker yes', () => Osprey.open('x', { storage: 'memory', worker: 'yes' }), 'INVALID_ARGUMENT', 'worker'],
  ['open: onWarning not a function', () => Osprey.open('x', { storage: 'memory', onWarning: 'log' }), 'INVALID_ARGUMENT', 'onWarning'],
  ['open: unknown model', () => Osprey.open('x', { storage: 'memory', model: 'no-such-model' }), 'UNKNOWN_MODEL', 'no-such-model'],
  ['open: model entry without source', () => Osprey.open('x', { storage: 'memory', model: { id: 'mine' } }), 'INVALID_MODEL_ENTRY', 'source'],
  ['open: modelOptions.varient', () => Osprey.open('x', { storage: 'memory', model: 'osprey-static-en', modelOptions: { varient: 'fp32' } }), 'INVALID_ARGUMENT', "open options.modelOptions: unknown key 'varient' (did you mean 'variant'?)"],
  ['open: modelOptions.onProgress not a function', () => Osprey.open('x', { storage: 'memory', model: 'osprey-static-en', modelOptions: { onProgress: true } }), 'INVALID_ARGUMENT', 'onProgress'],
  ['open: embedder without methods', () => Osprey.open('x', { storage: 'memory', embedder: { dimension: 3 } }), 'INVALID_ARGUMENT', 'embedder'],
  ['open: embedder dimension disagrees', () => Osprey.open('x', { storage: 'memory', dimension: 4, embedder: { dimension: 3, embedDocuments: embed, embedQuery: async () => [1, 1, 1] } }), 'DIMENSION_MISMATCH', 'dimension'],
  ['open: bytes not bytes', () => Osprey.open('x', { storage: 'memory', bytes: 'not bytes' }), 'INVALID_ARGUMENT', 'Uint8Array'],
  ['open: bytes empty', () => Osprey.open('x', { storage: 'memory', bytes: new Uint8Array(0) }), 'UNSUPPORTED_FORMAT', 'not an Osprey collection'],
  ['open: bytes with wrong magic', () => Osprey.open('x', { storage: 'memory', bytes: new Uint8Array([80, 75, 3, 4, 0, 0, 0, 0]) }), 'UNSUPPORTED_FORMAT', 'Osprey'],
  ['open: bytes truncated', ({ c }) => Osprey.open('x', { storage: 'memory', bytes: c.export().slice(0, -5) }), 'CORRUPT_DATA', 'truncated'],
  ['open: bytes with a flipped byte', ({ c }) => { const b = c.export(); b[40] ^= 1; return Osprey.open('x', { storage: 'memory', bytes: b }); }, 'CORRUPT_DATA', 'checksum'],
  ['open: bytes with a flipped last byte', ({ c }) => { const b = c.export(); b[b.length - 1] ^= 0x80; return Osprey.open('x', { storage: 'memory', bytes: b }); }, 'CORRUPT_DATA', 'checksum'],
  ['open: bytes with a valid checksum and metadata nested 20000 deep', async () => {
    const c = await Osprey.open('x', { storage: 'memory', bytes: await deepMetadataBytes(20000) });
    return c.search('hello');
  }, 'CORRUPT_DATA', 'metadata'],
  ['open: bytes and a dimension they disagree with', ({ c }) => Osprey.open('x', { storage: 'memory', bytes: c.export(), dimension: 8 }), 'MISMATCH', 'dimension'],
  ['open: saved collection with another dimension', async ({ c, storage }) => { await c.save(); return Osprey.open(c.name, { storage, dimension: 4 }); }, 'MISMATCH', 'dimension', { saves: true }],
  ['open: saved collection with another analyzer', async ({ c, storage }) => { await c.save(); return Osprey.open(c.name, { storage, analyzer: { stemmer: false } }); }, 'MISMATCH', 'stemmer', { saves: true }],

  // ---- Osprey.delete and Osprey.buildInfo
  ['open: storage whose read() throws a plain Error', () => Osprey.open('x', { storage: badStorage('read', async () => { throw new Error('disk on fire'); }) }), 'STORAGE_FAILED', 'disk on fire'],
  ['open: storage whose read() returns garbage', () => Osprey.open('x', { storage: badStorage('read', async () => ({ snapshot: 'x', records: [] })) }), 'STORAGE_FAILED', 'read()'],
  ['save: storage whose commit() returns nothing', async () => {
    const c = await Osprey.open('x', { storage: badStorage('commit', async () => undefined) });
    await c.add([{ id: 'a', body: 'x' }]);
    return c.save();
  }, 'STORAGE_FAILED', 'commit()'],
  ['save: storage whose head() throws a string', async () => {
    const c = await Osprey.open('x', { storage: badStorage('head', async () => { throw 'offline'; }) }); // eslint-disable-line no-throw-literal
    await c.add([{ id: 'a', body: 'x' }]);
    return c.save();
  }, 'STORAGE_FAILED', 'offline'],
  ['Osprey.delete: name not a string', () => Osprey.delete(42, { storage: 'memory' }), 'INVALID_ARGUMENT', 'name'],
  ['Osprey.delete: unknown storage', () => Osprey.delete('x', { storage: 'floppy' }), 'INVALID_ARGUMENT', 'floppy'],
  ['Osprey.delete: storag typo', () => Osprey.delete('x', { storag: 'memory' }), 'INVALID_ARGUMENT', "did you mean 'storage'?"],
  ['buildInfo: thread typo', () => Osprey.buildInfo({ thread: false }), 'INVALID_ARGUMENT', "buildInfo options: unknown key 'thread' (did you mean 'threads'?)"],
  ['buildInfo: threads maybe', () => Osprey.buildInfo({ threads: 'maybe' }), 'INVALID_ARGUMENT', 'threads'],

  // ---- add and upsert
  ['add: not an array', ({ c }) => c.add('wing'), 'INVALID_ARGUMENT', 'array'],
  ['add: a null document', ({ c }) => c.add([null]), 'INVALID_ARGUMENT', 'documents[0]'],
  ['add: a number as document', ({ c }) => c.add([42]), 'INVALID_ARGUMENT', 'documents[0]'],
  ['add: no id', ({ c }) => c.add([{ body: 'x', vector: [1, 1, 1] }]), 'INVALID_ARGUMENT', 'id'],
  ['add: id a number', ({ c }) => c.add([{ id: 7, vector: [1, 1, 1] }]), 'INVALID_ARGUMENT', 'id'],
  ['add: empty id', ({ c }) => c.add([{ id: '', vector: [1, 1, 1] }]), 'INVALID_ARGUMENT', 'id'],
  ['add: id of 1 MB', ({ c }) => c.add([{ id: 'i'.repeat(1 << 20), vector: [1, 1, 1] }]), 'LIMIT_EXCEEDED', 'id'],
  ['add: id with a lone surrogate', ({ c }) => c.add([{ id: 'a\uD800', vector: [1, 1, 1] }]), 'INVALID_UTF8', 'id'],
  ['add: existing id', ({ c }) => c.add([{ id: 'new', vector: [1, 1, 1] }, { id: 'wing', vector: [1, 1, 1] }]), 'DUPLICATE_ID', 'wing'],
  ['add: duplicate ids in the batch', ({ c }) => c.add([{ id: 'n', vector: [1, 1, 1] }, { id: 'n', vector: [1, 0, 1] }]), 'DUPLICATE_ID', "'n'"],
  ['add: unknown field bdy', ({ c }) => c.add([{ id: 'x', bdy: 'typo', vector: [1, 1, 1] }]), 'INVALID_ARGUMENT', "documents[0]: unknown key 'bdy' (did you mean 'body'?)"],
  ['add: unknown field in the second document', ({ c }) => c.add([{ id: 'x', vector: [1, 1, 1] }, { id: 'y', metdata: {}, vector: [1, 1, 1] }]), 'INVALID_ARGUMENT', "documents[1]: unknown key 'metdata' (did you mean 'metadata'?)"],
  ['add: both text and body', ({ c }) => c.add([{ id: 'x', text: 'a', body: 'b', vector: [1, 1, 1] }]), 'INVALID_ARGUMENT', "'text' and 'body'"],
  ['add: title a number', ({ c }) => c.add([{ id: 'x', title: 5, vector: [1, 1, 1] }]), 'INVALID_ARGUMENT', 'title'],
  ['add: body with a lone surrogate', ({ c }) => c.add([{ id: 'x', body: 'lone \uDC00 low', vector: [1, 1, 1] }]), 'INVALID_UTF8', 'body'],
  ['add: body over 64 MiB', ({ c }) => c.add([{ id: 'x', body: 'x'.repeat(65 * 1024 * 1024), vector: [1, 1, 1] }]), 'LIMIT_EXCEEDED', 'body'],
  ['add: vector as strings', ({ c }) => c.add([{ id: 'x', vector: ['1', '2', '3'] }]), 'INVALID_VECTOR', 'documents[0].vector[0] must be a number'],
  ['add: vector with NaN', ({ c }) => c.add([{ id: 'x', vector: [NaN, 1, 1] }]), 'INVALID_VECTOR', 'non-finite'],
  ['add: vector with Infinity', ({ c }) => c.add([{ id: 'x', vector: [1, -Infinity, 1] }]), 'INVALID_VECTOR', 'index 1'],
  ['add: vector with a hole', ({ c }) => c.add([{ id: 'x', vector: [1, , 1] }]), 'INVALID_VECTOR', 'vector[1]'], // eslint-disable-line no-sparse-arrays
  ['add: vector of the wrong dimension', ({ c }) => c.add([{ id: 'x', vector: [1, 2] }]), 'DIMENSION_MISMATCH', '3'],
  ['add: zero vector under cosine', ({ c }) => c.add([{ id: 'x', vector: [0, 0, 0] }]), 'INVALID_VECTOR', 'zero'],
  ['add: l2 vector whose distances overflow float', ({ c }) => c.add([{ id: 'x', vector: [3e38, 3e38, 0] }]), 'INVALID_VECTOR', "document 'x' vector", { fixture: { metric: 'l2' } }],
  ['search: ip query whose scores overflow float, convex fusion', ({ c }) => c.search('lift', { vector: [3e38, 3e38, 0], fusion: 'convex' }), 'INVALID_VECTOR', 'query vector', { fixture: { metric: 'ip' } }],
  ['add: no vector in a dense collection', ({ c }) => c.add([{ id: 'x', body: 'text only' }]), 'INVALID_VECTOR', 'vector'],
  ['add: vector a string', ({ c }) => c.add([{ id: 'x', vector: 'nope' }]), 'INVALID_ARGUMENT', 'vector'],
  ['add: vector a BigInt64Array', ({ c }) => c.add([{ id: 'x', vector: new BigInt64Array(3) }]), 'INVALID_VECTOR', 'vector'],
  ['add: metadata an array', ({ c }) => c.add([{ id: 'x', metadata: [1, 2], vector: [1, 1, 1] }]), 'INVALID_JSON', 'metadata'],
  ['add: cyclic metadata', ({ c }) => c.add([{ id: 'x', metadata: cyclic(), vector: [1, 1, 1] }]), 'INVALID_JSON', 'metadata'],
  ['add: metadata with a BigInt', ({ c }) => c.add([{ id: 'x', metadata: { n: 1n }, vector: [1, 1, 1] }]), 'INVALID_JSON', 'metadata'],
  ['add: metadata value with a lone surrogate', ({ c }) => c.add([{ id: 'x', metadata: { lang: 'e\uD800n' }, vector: [1, 1, 1] }]), 'INVALID_UTF8', 'metadata'],
  ['add: metadata key with a lone surrogate', ({ c }) => c.add([{ id: 'x', metadata: { ['k\uDBFF']: 1 }, vector: [1, 1, 1] }]), 'INVALID_UTF8', 'metadata'],
  ['add: metadata nested 20000 deep', ({ c }) => c.add([{ id: 'x', metadata: deep(20000), vector: [1, 1, 1] }]), 'INVALID_JSON', 'metadata'],
  ['add: metadata nested 300 deep', ({ c }) => c.add([{ id: 'x', metadata: deep(300), vector: [1, 1, 1] }]), 'INVALID_JSON', 'documents[0].metadata is nested deeper than 256 levels'],
  ['add: metadata of 70 MB', ({ c }) => c.add([{ id: 'x', metadata: { s: 'm'.repeat(70 * 1024 * 1024) }, vector: [1, 1, 1] }]), 'LIMIT_EXCEEDED', 'metadata'],
  ['add: title of 70 MB', ({ c }) => c.add([{ id: 'x', title: 't'.repeat(70 * 1024 * 1024), vector: [1, 1, 1] }]), 'LIMIT_EXCEEDED', 'title'],
  ['add: options.onProgres typo', ({ c }) => c.add([{ id: 'x', vector: [1, 1, 1] }], { onProgres: () => {} }), 'INVALID_ARGUMENT', "add options: unknown key 'onProgres' (did you mean 'onProgress'?)"],
  ['add: onProgress not a function', ({ c }) => c.add([{ id: 'x', vector: [1, 1, 1] }], { onProgress: 5 }), 'INVALID_ARGUMENT', 'onProgress'],
  ['add: options null', ({ c }) => c.add([{ id: 'x', vector: [1, 1, 1] }], null), 'INVALID_ARGUMENT', 'add options'],
  ['upsert: vector of the wrong dimension', ({ c }) => c.upsert([{ id: 'wing', vector: [1, 2, 3, 4] }]), 'DIMENSION_MISMATCH', '3'],
  ['upsert: unknown field', ({ c }) => c.upsert([{ id: 'wing', titel: 'x', vector: [1, 1, 1] }]), 'INVALID_ARGUMENT', "did you mean 'title'?"],
  ['upsert: duplicate ids in the batch', ({ c }) => c.upsert([{ id: 'wing', vector: [1, 1, 1] }, { id: 'wing', vector: [1, 0, 1] }]), 'DUPLICATE_ID', 'wing'],
  ['upsert: vector as strings', ({ c }) => c.upsert([{ id: 'wing', vector: [1, '0', 0] }]), 'INVALID_VECTOR', 'vector[1]'],

  // ---- delete and get
  ['delete: unknown id', ({ c }) => c.delete(['heat', 'missing']), 'UNKNOWN_ID', 'missing'],
  ['delete: not an array', ({ c }) => c.delete(42), 'INVALID_ARGUMENT', 'ids'],
  ['delete: a number id', ({ c }) => c.delete([1]), 'INVALID_ARGUMENT', 'ids[0]'],
  ['delete: id with a lone surrogate', ({ c }) => c.delete(['\uD800']), 'INVALID_UTF8', 'ids[0]'],
  ['delete: ids an object', ({ c }) => c.delete({ id: 'wing' }), 'INVALID_ARGUMENT', 'ids'],
  ['get: id a number', ({ c }) => c.get(42), 'INVALID_ARGUMENT', 'id'],
  ['get: id with a lone surrogate', ({ c }) => c.get('\uDFFF'), 'INVALID_UTF8', 'id'],

  // ---- search
  ['search: fitler typo', ({ c }) => c.search('air', { fitler: { lang: 'fr' } }), 'INVALID_ARGUMENT', "search options: unknown key 'fitler' (did you mean 'filter'?)"],
  ['search: kk typo', ({ c }) => c.search('lift', { kk: 1 }), 'INVALID_ARGUMENT', "did you mean 'k'?"],
  ['search: text as an option', ({ c }) => c.search('', { text: 'lift' }), 'INVALID_ARGUMENT', 'first argument'],
  ['search: filterJson as an option', ({ c }) => c.search('lift', { filterJson: '{}' }), 'INVALID_ARGUMENT', "unknown key 'filterJson'"],
  ['search: options a string', ({ c }) => c.search('lift', 'k=3'), 'INVALID_ARGUMENT', 'search options'],
  ['search: options null', ({ c }) => c.search('lift', null), 'INVALID_ARGUMENT', 'search options'],
  ['search: query a number', ({ c }) => c.search(42), 'INVALID_ARGUMENT', 'query'],
  ['search: query with a lone surrogate', ({ c }) => c.search('\uDC00'), 'INVALID_UTF8', 'query'],
  ['search: empty query', ({ c }) => c.search(''), 'EMPTY_QUERY', 'vector'],
  ['search: blank query', ({ c }) => c.search('   '), 'EMPTY_QUERY', 'query'],
  ['search: k -1', ({ c }) => c.search('lift', { k: -1 }), 'INVALID_ARGUMENT', 'k'],
  ['search: k 1.5', ({ c }) => c.search('lift', { k: 1.5 }), 'INVALID_ARGUMENT', 'k'],
  ['search: k NaN', ({ c }) => c.search('lift', { k: NaN }), 'INVALID_ARGUMENT', 'k'],
  ['search: k Infinity', ({ c }) => c.search('lift', { k: Infinity }), 'INVALID_ARGUMENT', 'k'],
  ['search: k 1e9', ({ c }) => c.search('lift', { k: 1e9 }), 'LIMIT_EXCEEDED', 'k'],
  ['search: k a string', ({ c }) => c.search('lift', { k: '10' }), 'INVALID_ARGUMENT', 'k'],
  ['search: unknown mode', ({ c }) => c.search('lift', { mode: 'magic' }), 'INVALID_ARGUMENT', 'magic'],
  ['search: dense without a vector', ({ c }) => c.search('lift', { mode: 'dense' }), 'EMPTY_QUERY', 'vector'],
  ['search: vector of the wrong dimension', ({ c }) => c.search('', { vector: [1, 0] }), 'DIMENSION_MISMATCH', '3'],
  ['search: vector with NaN', ({ c }) => c.search('', { vector: [NaN, 0, 0] }), 'INVALID_VECTOR', 'non-finite'],
  ['search: query text over 1 MiB', ({ c }) => c.search('lift '.repeat(300000)), 'LIMIT_EXCEEDED', 'query'],
  ['search: filter value with a lone surrogate', ({ c }) => c.search('lift', { filter: { lang: '\uD800' } }), 'INVALID_UTF8', 'filter'],
  ['search: vector as strings', ({ c }) => c.search('', { vector: ['1', '2', '3'] }), 'INVALID_VECTOR', 'search options.vector[0] must be a number'],
  ['search: zero vector under cosine', ({ c }) => c.search('', { vector: [0, 0, 0] }), 'INVALID_VECTOR', 'zero'],
  ['search: ef -1', ({ c }) => c.search('', { vector: [1, 0, 0], ef: -1 }), 'INVALID_ARGUMENT', 'ef'],
  ['search: ef 1e9', ({ c }) => c.search('', { vector: [1, 0, 0], ef: 1e9 }), 'INVALID_ARGUMENT', 'ef'],
  ['search: candidates 1.5', ({ c }) => c.search('lift', { candidates: 1.5 }), 'INVALID_ARGUMENT', 'candidates'],
  ['search: rrfK -1', ({ c }) => c.search('lift', { vector: [1, 0, 0], rrfK: -1 }), 'INVALID_ARGUMENT', 'rrfK'],
  ['search: exact not a boolean', ({ c }) => c.search('', { vector: [1, 0, 0], exact: 'yes' }), 'INVALID_ARGUMENT', 'exact'],
  ['search: highlight not a boolean', ({ c }) => c.search('lift', { highlight: 1 }), 'INVALID_ARGUMENT', 'highlight'],
  ['search: snippet a number', ({ c }) => c.search('lift', { snippet: 5 }), 'INVALID_ARGUMENT', 'snippet'],
  ['search: snippet.maxChars 0', ({ c }) => c.search('lift', { snippet: { maxChars: 0 } }), 'INVALID_ARGUMENT', 'maxChars'],
  ['search: snippet.maxchars typo', ({ c }) => c.search('lift', { snippet: { maxchars: 50 } }), 'INVALID_ARGUMENT', "search options.snippet: unknown key 'maxchars' (did you mean 'maxChars'?)"],
  ['search: unknown fusion', ({ c }) => c.search('lift', { vector: [1, 0, 0], fusion: 'borda' }), 'INVALID_ARGUMENT', 'borda'],
  ['search: fusion.metod typo', ({ c }) => c.search('lift', { vector: [1, 0, 0], fusion: { metod: 'convex' } }), 'INVALID_ARGUMENT', "did you mean 'method'?"],
  ['search: convex fusion with a negative weight', ({ c }) => c.search('lift', { vector: [1, 0, 0], fusion: { method: 'convex', sparseWeight: -1 } }), 'INVALID_ARGUMENT', 'sparseWeight'],
  ['search: filter with an unknown operator', ({ c }) => c.search('lift', { filter: { year: { $near: 1 } } }), 'INVALID_JSON', '$near'],
  ['search: filter with an unknown top-level operator', ({ c }) => c.search('lift', { filter: { $xor: [] } }), 'INVALID_JSON', '$xor'],
  ['search: filter $in without an array', ({ c }) => c.search('lift', { filter: { lang: { $in: 'en' } } }), 'INVALID_JSON', '$in'],
  ['search: filter $gt with an object', ({ c }) => c.search('lift', { filter: { year: { $gt: { n: 1 } } } }), 'INVALID_JSON', '$gt'],
  ['search: filter $exists not a boolean', ({ c }) => c.search('lift', { filter: { lang: { $exists: 'yes' } } }), 'INVALID_JSON', '$exists'],
  ['search: filter $and empty', ({ c }) => c.search('lift', { filter: { $and: [] } }), 'INVALID_JSON', '$and'],
  ['search: filter a string', ({ c }) => c.search('lift', { filter: 'lang = en' }), 'INVALID_JSON', 'object'],
  ['search: filter nested 100 deep', ({ c }) => c.search('lift', { filter: deepFilter(100) }), 'LIMIT_EXCEEDED', 'filter depth limit'],
  ['search: cyclic filter', ({ c }) => c.search('lift', { filter: cyclic() }), 'INVALID_JSON', 'filter'],
  ['search: unknown rerank stage', ({ c }) => c.search('lift', { rerank: 'sort' }), 'INVALID_ARGUMENT', 'sort'],
  ['search: rerank mmr.lamda typo', ({ c }) => c.search('lift', { rerank: [{ stage: 'mmr', lamda: 0.5 }] }), 'INVALID_ARGUMENT', "search options.rerank[0]: unknown key 'lamda' (did you mean 'lambda'?)"],
  ['search: rerank ranker not trained', ({ c }) => c.search('lift', { rerank: [{ stage: 'ranker' }] }), 'INVALID_ARGUMENT', 'train()'],
  ['search: rerank weights of an unknown feature', ({ c }) => c.search('lift', { rerank: [{ stage: 'ranker', weights: { colour: 1 } }] }), 'INVALID_ARGUMENT', 'colour'],
  ['search: crossEncoder stage without score', ({ c }) => c.search('lift', { rerank: [{ stage: 'crossEncoder' }] }), 'INVALID_ARGUMENT', 'score'],
  ['search: crossEncoder returns too few scores', ({ c }) => c.search('lift', { rerank: [{ stage: 'crossEncoder', score: async () => [] }] }), 'INVALID_ARGUMENT', 'scores'],
  ['search: recallK without rerank', ({ c }) => c.search('lift', { recallK: 50 }), 'INVALID_ARGUMENT', "'recallK' takes effect only with the rerank cascade"],
  ['search: highlight with rerank', ({ c }) => c.search('lift', { highlight: true, rerank: [{ stage: 'ranker', weights: { bm25: 1 } }] }), 'INVALID_ARGUMENT', 'highlight'],
  ['search: tokenVectors.dimm typo', ({ c }) => c.search('lift', { tokenVectors: { data: new Float32Array(4), dimm: 2 }, rerank: 'mmr' }), 'INVALID_ARGUMENT', "did you mean 'dim'?"],
  ['search: tokenWeights as strings', ({ c }) => c.search('lift', { tokenVectors: [[1, 0]], tokenWeights: ['1'], rerank: [{ stage: 'ranker', weights: { bm25: 1 } }] }), 'INVALID_VECTOR', 'tokenWeights[0] must be a number'],
  ['search: rerank with k -1', ({ c }) => c.search('lift', { k: -1, rerank: [{ stage: 'ranker', weights: { bm25: 1 } }] }), 'INVALID_ARGUMENT', 'options.k'],
  ['search: rerank with k 1.5', ({ c }) => c.search('lift', { k: 1.5, rerank: [{ stage: 'ranker', weights: { bm25: 1 } }] }), 'INVALID_ARGUMENT', 'options.k'],
  ['search: crossEncoder stage k -1', ({ c }) => c.search('lift', { rerank: [{ stage: 'crossEncoder', k: -1, score: async (q, d) => d.map(() => 1) }] }), 'INVALID_ARGUMENT', 'rerank[0].k'],
  ['search: mmr lambda 5', ({ c }) => c.search('lift', { rerank: [{ stage: 'mmr', lambda: 5 }] }), 'INVALID_ARGUMENT', 'lambda'],
  ['search: crossEncoder returns strings', ({ c }) => c.search('lift', { rerank: [{ stage: 'crossEncoder', score: async (q, d) => d.map(() => '1') }] }), 'INVALID_VECTOR', 'crossEncoder scores[0] must be a number'],
  ['search: explain not a boolean', ({ c }) => c.search('lift', { explain: 'yes', rerank: [{ stage: 'ranker', weights: { bm25: 1 } }] }), 'INVALID_ARGUMENT', 'explain'],
  ['search: budgetMs NaN', ({ c }) => c.search('lift', { budgetMs: NaN, rerank: [{ stage: 'ranker', weights: { bm25: 1 } }] }), 'INVALID_ARGUMENT', 'budgetMs'],
  ['search: tokenWeights without tokenVectors', ({ c }) => c.search('lift', { tokenWeights: [1], rerank: [{ stage: 'ranker', weights: { bm25: 1 } }] }), 'INVALID_ARGUMENT', 'tokenWeights'],
  ['search: features.halfLife typo', ({ c }) => c.search('lift', { features: { halfLife: 3 }, rerank: 'mmr' }), 'INVALID_ARGUMENT', "did you mean 'halfLifeDays'?"],

  // ---- feedback, train, setTokenVectors
  ['feedback: not an object', ({ c }) => c.feedback('click'), 'INVALID_ARGUMENT', 'feedback'],
  ['feedback: docid typo', ({ c }) => c.feedback({ query: 'lift', docid: 'wing' }), 'INVALID_ARGUMENT', "feedback event: unknown key 'docid' (did you mean 'docId'?)"],
  ['feedback: id not in the collection', ({ c }) => c.feedback({ query: 'lift', docId: 'missing' }), 'UNKNOWN_ID', 'missing'],
  ['feedback: unknown signal', ({ c }) => c.feedback({ query: 'lift', docId: 'wing', signal: 'like' }), 'INVALID_ARGUMENT', 'like'],
  ['feedback: signal -1', ({ c }) => c.feedback({ query: 'lift', docId: 'wing', signal: -1 }), 'INVALID_ARGUMENT', 'signal'],
  ['feedback: signal NaN', ({ c }) => c.feedback({ query: 'lift', docId: 'wing', signal: NaN }), 'INVALID_ARGUMENT', 'signal'],
  ['feedback: query a number', ({ c }) => c.feedback({ query: 5, docId: 'wing' }), 'INVALID_ARGUMENT', 'query'],
  ['feedback: query with a lone surrogate', ({ c }) => c.feedback({ query: '\uD800', docId: 'wing' }), 'INVALID_UTF8', 'query'],
  ['train: modle typo', ({ c }) => c.train({ modle: 'trees' }), 'INVALID_ARGUMENT', "train options: unknown key 'modle' (did you mean 'model'?)"],
  ['train: unknown model', ({ c }) => c.train({ model: 'forest' }), 'INVALID_ARGUMENT', 'forest'],
  ['train: unknown loss', ({ c }) => c.train({ loss: 'hinge' }), 'INVALID_ARGUMENT', 'hinge'],
  ['train: unknown feature', ({ c }) => c.train({ features: ['colour'] }), 'INVALID_ARGUMENT', 'colour'],
  ['train: epochs -1', ({ c }) => c.train({ epochs: -1 }), 'INVALID_ARGUMENT', 'epochs'],
  ['train: epochs 1.5', ({ c }) => c.train({ epochs: 1.5 }), 'INVALID_ARGUMENT', 'epochs'],
  ['train: learningRate NaN', ({ c }) => c.train({ learningRate: NaN }), 'INVALID_ARGUMENT', 'learningRate'],
  ['train: judgements not an array', ({ c }) => c.train({ judgements: 'lift' }), 'INVALID_ARGUMENT', 'judgements'],
  ['train: judgement qeury typo', ({ c }) => c.train({ judgements: [{ qeury: 'lift', relevance: { wing: 1 } }] }), 'INVALID_ARGUMENT', "train options.judgements[0]: unknown key 'qeury' (did you mean 'query'?)"],
  ['train: relevance not an object', ({ c }) => c.train({ judgements: [{ query: 'lift', relevance: 5 }] }), 'INVALID_ARGUMENT', 'relevance'],
  ['train: k as an option', ({ c }) => c.train({ k: 5 }), 'INVALID_ARGUMENT', 'recallK'],
  ['setTokenVectors: unknown id', ({ c }) => c.setTokenVectors('missing', [[1, 0]]), 'UNKNOWN_ID', 'missing'],
  ['setTokenVectors: not vectors', ({ c }) => c.setTokenVectors('wing', 'x'), 'INVALID_ARGUMENT', 'token vectors'],
  ['setTokenVectors: ragged vectors', ({ c }) => c.setTokenVectors('wing', [[1, 0], [1]]), 'DIMENSION_MISMATCH', '[1]'],
  ['setTokenVectors: vectors as strings', ({ c }) => c.setTokenVectors('wing', [['1', '0']]), 'INVALID_VECTOR', 'token vectors[0][0] must be a number'],
  ['train: embed returns strings', ({ c }) => c.train({ judgements: [{ query: 'lift', relevance: { wing: 1 } }], embed: async () => ({ vector: ['1', '0', '0'] }) }), 'INVALID_VECTOR', "judgements[0]: the embed callback's vector[0] must be a number"],
  ['setTokenVectors: NaN', ({ c }) => c.setTokenVectors('wing', [[NaN, 1]]), 'INVALID_VECTOR', 'NaN'],
  ['setTokenVectors: dim 0', ({ c }) => c.setTokenVectors('wing', { data: new Float32Array(2), dim: 0 }), 'INVALID_ARGUMENT', 'dimension'],

  // ---- ingestion: addDocuments, deleteDocuments, searchDocuments, context, chunkText
  ['addDocuments: not an array', ({ c }) => c.addDocuments('doc', { embed }), 'INVALID_ARGUMENT', 'array'],
  ['addDocuments: chunks typo', ({ c }) => c.addDocuments([{ id: 'd', text: 'x' }], { chunks: { maxTokens: 9 }, embed }), 'INVALID_ARGUMENT', "addDocuments options: unknown key 'chunks' (did you mean 'chunk'?)"],
  ['addDocuments: chunk.maxToken typo', ({ c }) => c.addDocuments([{ id: 'd', text: 'x' }], { chunk: { maxToken: 9 }, embed }), 'INVALID_ARGUMENT', "addDocuments options.chunk: unknown key 'maxToken' (did you mean 'maxTokens'?)"],
  ['addDocuments: chunk.maxTokens 0', ({ c }) => c.addDocuments([{ id: 'd', text: 'x' }], { chunk: { maxTokens: 0 }, embed }), 'INVALID_ARGUMENT', 'maxTokens'],
  ['addDocuments: chunk.overlap 1e9', ({ c }) => c.addDocuments([{ id: 'd', text: 'x' }], { chunk: { overlap: 1e9 }, embed }), 'INVALID_ARGUMENT', 'overlap'],
  ['addDocuments: unknown field txt', ({ c }) => c.addDocuments([{ id: 'd', txt: 'x' }], { embed }), 'INVALID_ARGUMENT', "documents[0]: unknown key 'txt' (did you mean 'text'?)"],
  ['addDocuments: unknown format', ({ c }) => c.addDocuments([{ id: 'd', text: 'x', format: 'pdf' }], { embed }), 'INVALID_ARGUMENT', 'pdf'],
  ['addDocuments: no id', ({ c }) => c.addDocuments([{ text: 'x' }], { embed }), 'INVALID_ARGUMENT', 'id'],
  ['addDocuments: text with a lone surrogate', ({ c }) => c.addDocuments([{ id: 'd', text: 'a\uD800b' }], { embed }), 'INVALID_UTF8', 'text'],
  ['addDocuments: fields.idd typo', ({ c }) => c.addDocuments(['{"id":"r","text":"x"}'], { format: 'json', fields: { idd: 'id' }, embed }), 'INVALID_ARGUMENT', "did you mean 'id'?"],
  ['addDocuments: JSON record that does not parse', ({ c }) => c.addDocuments(['{"id":'], { format: 'json', embed }), 'INVALID_JSON', 'record #0'],
  ['addDocuments: JSON record text nested 5000 deep', ({ c }) => c.addDocuments([record(5000)], { format: 'json', embed }), 'INVALID_JSON', 'documents[0] is nested deeper'],
  ['addDocuments: tokenizer.maxLength -5', ({ c }) => c.addDocuments([{ id: 'd', text: 'x' }], { tokenizer: { count: () => 1, maxLength: -5 }, embed }), 'INVALID_ARGUMENT', 'tokenizer.maxLength'],
  ['addDocuments: tokenizer.specialTokens 1.5', ({ c }) => c.addDocuments([{ id: 'd', text: 'x' }], { tokenizer: { count: () => 1, specialTokens: 1.5 }, embed }), 'INVALID_ARGUMENT', 'tokenizer.specialTokens'],
  ['addDocuments: embed returns too few vectors', ({ c }) => c.addDocuments([{ id: 'd', text: 'new text' }], { embed: async () => [] }), 'INVALID_ARGUMENT', 'vectors'],
  ['addDocuments: embed not a function', ({ c }) => c.addDocuments([{ id: 'd', text: 'x' }], { embed: 'model' }), 'INVALID_ARGUMENT', 'embed'],
  ['addDocuments: embed returns strings', ({ c }) => c.addDocuments([{ id: 'd', text: 'new text' }], { embed: async (t) => t.map(() => ['1', '1', '1']) }), 'INVALID_VECTOR', 'vector'],
  ['addDocuments: tokenizer a number', ({ c }) => c.addDocuments([{ id: 'd', text: 'x' }], { tokenizer: 5, embed }), 'INVALID_ARGUMENT', 'tokenizer'],
  ['deleteDocuments: unknown id', ({ c }) => c.deleteDocuments(['manual', 'missing']), 'UNKNOWN_ID', 'missing'],
  ['deleteDocuments: not ids', ({ c }) => c.deleteDocuments(42), 'INVALID_ARGUMENT', 'ids'],
  ['searchDocuments: unknown aggregate', ({ c }) => c.searchDocuments('glider', { aggregate: 'avg' }), 'INVALID_ARGUMENT', 'avg'],
  ['searchDocuments: passagesPerDocument -1', ({ c }) => c.searchDocuments('glider', { passagesPerDocument: -1 }), 'INVALID_ARGUMENT', 'passagesPerDocument'],
  ['searchDocuments: snippet is not an option', ({ c }) => c.searchDocuments('glider', { snippet: true }), 'INVALID_ARGUMENT', 'snippetChars'],
  ['searchDocuments: k 1e9', ({ c }) => c.searchDocuments('glider', { k: 1e9 }), 'LIMIT_EXCEEDED', 'k'],
  ['context: tokenbudget typo', ({ c }) => c.context('glider', { tokenbudget: 5 }), 'INVALID_ARGUMENT', "context options: unknown key 'tokenbudget' (did you mean 'tokenBudget'?)"],
  ['context: tokenBudget 0', ({ c }) => c.context('glider', { tokenBudget: 0 }), 'INVALID_ARGUMENT', 'tokenBudget'],
  ['context: tokenBudget -1', ({ c }) => c.context('glider', { tokenBudget: -1 }), 'INVALID_ARGUMENT', 'tokenBudget'],
  ['context: unknown order', ({ c }) => c.context('glider', { order: 'random' }), 'INVALID_ARGUMENT', 'random'],
  ['context: dedupe -1', ({ c }) => c.context('glider', { dedupe: -1 }), 'INVALID_ARGUMENT', 'threshold'],
  ['context: k is not an option', ({ c }) => c.context('glider', { k: 3 }), 'INVALID_ARGUMENT', 'tokenBudget'],
  ['documentPassages: id a number', ({ c }) => c.documentPassages(42), 'INVALID_ARGUMENT', 'id'],
  ['chunkText: chunk.maxTokens 0', () => chunkText('some text', { chunk: { maxTokens: 0 } }), 'INVALID_ARGUMENT', 'maxTokens'],
  ['chunkText: includetext typo', () => chunkText('some text', { includetext: false }), 'INVALID_ARGUMENT', "did you mean 'includeText'?"],
  ['chunkText: text a number', () => chunkText(42), 'INVALID_ARGUMENT', 'text'],

  // ---- Tokenizer
  ['Tokenizer.fromJson: not a tokenizer', () => Tokenizer.fromJson('{"model": 5}'), 'INVALID_JSON', 'model'],
  ['Tokenizer.encode: addSpecialToken typo', async () => (await Tokenizer.fromJson(await okTokenizerJson())).encode('wing', { addSpecialToken: false }), 'INVALID_ARGUMENT', "encode options: unknown key 'addSpecialToken' (did you mean 'addSpecialTokens'?)"],
  ['Tokenizer.encodeBatch: dtipe typo', async () => (await Tokenizer.fromJson(await okTokenizerJson())).encodeBatch(['wing'], { dtipe: 'int64' }), 'INVALID_ARGUMENT', "did you mean 'dtype'?"],

  // ---- a closed collection
  ['closed: search', ({ c }) => c.search('lift'), 'CLOSED', 'Osprey.open()', { closed: true }],
  ['closed: add', ({ c }) => c.add([{ id: 'x', vector: [1, 1, 1] }]), 'CLOSED', 'closed', { closed: true }],
  ['closed: get', ({ c }) => c.get('wing'), 'CLOSED', 'closed', { closed: true }],
  ['closed: save', ({ c }) => c.save(), 'CLOSED', 'closed', { closed: true }],
  ['closed: export', ({ c }) => c.export(), 'CLOSED', 'closed', { closed: true, sync: true }],
  ['closed: info', ({ c }) => c.info(), 'CLOSED', 'closed', { closed: true, sync: true }],
  ['closed: feedback', ({ c }) => c.feedback({ query: 'lift', docId: 'wing' }), 'CLOSED', 'closed', { closed: true }],
  ['closed: addDocuments', ({ c }) => c.addDocuments([{ id: 'd', text: 'x' }], { embed }), 'CLOSED', 'closed', { closed: true }],
  ['closed: context', ({ c }) => c.context('glider'), 'CLOSED', 'closed', { closed: true }],
  ['closed: ranker', ({ c }) => c.ranker(), 'CLOSED', 'closed', { closed: true }],
  ['closed: upsert', ({ c }) => c.upsert([{ id: 'wing', vector: [1, 1, 1] }]), 'CLOSED', 'closed', { closed: true }],
  ['closed: delete', ({ c }) => c.delete(['wing']), 'CLOSED', 'closed', { closed: true }],
  ['closed: train', ({ c }) => c.train({ judgements: [{ query: 'lift', relevance: { wing: 1 } }] }), 'CLOSED', 'closed', { closed: true }],
  ['closed: setTokenVectors', ({ c }) => c.setTokenVectors('wing', [[1, 0]]), 'CLOSED', 'closed', { closed: true }],
  ['closed: clearRanker', ({ c }) => c.clearRanker(), 'CLOSED', 'closed', { closed: true }],
  ['closed: deleteDocuments', ({ c }) => c.deleteDocuments(['manual']), 'CLOSED', 'closed', { closed: true }],
  ['closed: searchDocuments', ({ c }) => c.searchDocuments('glider'), 'CLOSED', 'closed', { closed: true }],
  ['closed: documentPassages', ({ c }) => c.documentPassages('manual'), 'CLOSED', 'closed', { closed: true }],
  ['closed: documentIds', ({ c }) => c.documentIds(), 'CLOSED', 'closed', { closed: true }],
  ['closed: ingestStats', ({ c }) => c.ingestStats(), 'CLOSED', 'closed', { closed: true }],
  ['closed: refresh', ({ c }) => c.refresh(), 'CLOSED', 'closed', { closed: true }],
];

test('the catalog has at least 100 cases across every public method', () => {
  assert.ok(CASES.length >= 100, `${CASES.length} cases`);
  const names = new Set(CASES.map(([name]) => name));
  assert.equal(names.size, CASES.length, 'case names are unique');
});

for (const [name, call, code, text, { todo, closed = false, sync = false, fixture: options } = {}] of CASES) {
  test(`bad input: ${name}`, { todo }, async () => {
    const ctx = await fixture(options);
    const { c } = ctx;
    const before = c.export();
    if (closed) c.close();
    let thrown;
    try {
      const result = call(ctx);
      if (sync) assert.ok(!(result instanceof Promise), 'a sync method');
      await result;
    } catch (error) {
      thrown = error;
    }
    assert.ok(thrown !== undefined, 'the call must fail');
    assert.ok(thrown instanceof OspreyError, `expected an OspreyError, got ${thrown?.name}: ${thrown?.message}`);
    assert.equal(thrown.code, code, thrown.message);
    assert.ok(thrown.message.includes(text), `the message should say ${JSON.stringify(text)}: ${thrown.message}`);
    if (closed) {
      assert.throws(() => c.export(), (e) => e.code === 'CLOSED');
    } else {
      assert.deepEqual(c.export(), before, 'export() bytes changed');
      c.close();
    }
  });
}
