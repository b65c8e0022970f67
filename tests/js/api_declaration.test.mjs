// The API declaration (web/src/api.js) is the one list of public methods and option keys: this
// checks that osprey.d.ts, the Collection class, the worker client and worker, and the keys the
// C++ bindings read all agree with it, so that any drift fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { API, COLLECTION_PROPERTIES, FORWARDED_METHODS, WORKER_OPERATIONS, declaredInterfaces, closestKey }
  from '../../web/src/api.js';
import { Collection, Osprey, OspreyError, Tokenizer, chunkText } from '../../web/src/osprey.js';
import { WorkerCollection } from '../../web/src/worker/client.js';

const ROOT = new URL('../../', import.meta.url);
const read = (path) => readFile(new URL(path, ROOT), 'utf8');

// ---- A rough parser of osprey.d.ts: interfaces, classes, type aliases and their members. ----

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}

/** The text between the brace at `open` and its partner. */
function braced(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  throw new Error('unbalanced braces in osprey.d.ts');
}

/** `body` with everything nested in (), [] or {} removed: the members' own text. */
function topLevel(body) {
  let depth = 0;
  let out = '';
  for (const c of body) {
    if ('([{'.includes(c)) { if (depth++ === 0) out += c; continue; }
    if (')]}'.includes(c)) { if (--depth === 0) out += c; continue; }
    if (depth === 0) out += c;
  }
  return out;
}

/** Members of a body: name -> [{optional, type, signature}] (methods may be overloaded). */
function members(body) {
  const out = new Map();
  // Signatures with their parameter lists, from the raw body (one member per ';' at depth 0).
  const raw = [];
  let depth = 0;
  let current = '';
  for (const c of body) {
    if ('([{'.includes(c)) depth++;
    if (')]}'.includes(c)) depth--;
    if (c === ';' && depth === 0) { raw.push(current); current = ''; } else current += c;
  }
  raw.push(current);
  for (const text of raw) {
    const m = /^\s*(?:(?:readonly|static|get)\s+)*([A-Za-z_$][\w$]*)\s*(\?)?\s*(<[^(]*>)?\s*([:(])/.exec(text);
    if (!m) continue;
    const [, name, optional, , kind] = m;
    const entry = { optional: !!optional, method: kind === '(', text: text.trim(), static: /^\s*static\b/.test(text) };
    if (!out.has(name)) out.set(name, []);
    out.get(name).push(entry);
  }
  return out;
}

function parseDts(source) {
  const text = stripComments(source);
  const types = new Map(); // name -> {members: Map, extends: string[]}
  const declaration = /(?:export\s+)?(?:declare\s+)?(interface|class)\s+(\w+)(?:<[^>{]*>)?((?:\s+(?:extends|implements)\s+[\w\s,<>'|]+?)*)\s*\{/g;
  for (const m of text.matchAll(declaration)) {
    const [, , name, heritage] = m;
    const body = braced(text, m.index + m[0].length - 1);
    const parents = [...heritage.matchAll(/(?:extends|implements)\s+([\w\s,]+?)(?=\s+(?:extends|implements)|$)/g)]
      .flatMap(([, list]) => list.split(',').map((s) => s.trim()).filter(Boolean));
    const entry = types.get(name) ?? { members: new Map(), extends: [] };
    for (const [key, list] of members(body)) entry.members.set(key, [...(entry.members.get(key) ?? []), ...list]);
    entry.extends.push(...parents);
    types.set(name, entry);
  }
  const aliases = new Map();
  for (const m of text.matchAll(/(?:export\s+)?type\s+(\w+)(?:<[^=]*>)?\s*=\s*([^;]+);/g)) aliases.set(m[1], m[2]);
  const consts = new Map();
  for (const m of text.matchAll(/export\s+declare\s+const\s+(\w+)\s*:\s*\{/g)) {
    consts.set(m[1], members(braced(text, m.index + m[0].length - 1)));
  }
  return { types, aliases, consts };
}

/** All members of `name`, with those of the interfaces it extends (EventTarget: none). */
function allMembers(dts, name, seen = new Set()) {
  const out = new Map();
  const type = dts.types.get(name);
  if (!type || seen.has(name)) return out;
  seen.add(name);
  for (const parent of type.extends) for (const [k, v] of allMembers(dts, parent, seen)) out.set(k, v);
  for (const [k, v] of type.members) out.set(k, v);
  return out;
}

/** A type text with its aliases expanded (a few levels), for "does it mention X" checks. */
function expand(dts, typeText, depth = 3) {
  if (depth === 0) return typeText;
  return typeText.replace(/\b[A-Z]\w*\b/g, (word) => (dts.aliases.has(word) ? `${word} (${expand(dts, dts.aliases.get(word), depth - 1)})` : word));
}

const mentions = (text, word) => new RegExp(`\\b${word}\\b`).test(text);

/** The object specs a spec contains directly (its own, a list's items, a variant's kinds). */
function objectSpecs(spec) {
  if (spec.kind === 'object') return [spec];
  if (spec.kind === 'list') return objectSpecs(spec.of);
  if (spec.kind === 'variant') return Object.values(spec.variants).flatMap(objectSpecs);
  return [];
}

const dtsSource = await read('web/src/osprey.d.ts');
const dts = parseDts(dtsSource);

test('every option object of the declaration has its interface in osprey.d.ts, with exactly its keys', () => {
  const problems = [];
  for (const [name, spec] of declaredInterfaces()) {
    if (!dts.types.has(name)) {
      problems.push(`${name} (${spec.label}) is not in osprey.d.ts`);
      continue;
    }
    const typed = allMembers(dts, name);
    const declared = Object.keys(spec.keys);
    const missing = declared.filter((k) => !typed.has(k));
    const extra = [...typed.keys()].filter((k) => !declared.includes(k));
    if (missing.length) problems.push(`${name} lacks ${missing.join(', ')} (declared in api.js)`);
    if (extra.length) problems.push(`${name} has ${extra.join(', ')}, which api.js does not declare`);
    // Nested option objects are typed with their interfaces.
    for (const [key, keySpec] of Object.entries(spec.keys)) {
      const type = typed.get(key)?.[0]?.text.replace(/^[^:]*:/, '');
      if (type === undefined) continue;
      for (const nested of objectSpecs(keySpec)) {
        if (!mentions(expand(dts, type), nested.dts)) problems.push(`${name}.${key} is not typed with ${nested.dts}`);
      }
      if (keySpec.kind === 'object' && keySpec.items) {
        for (const nested of objectSpecs(keySpec.items)) {
          if (!mentions(expand(dts, type), nested.dts)) problems.push(`${name}.${key} is not typed with ${nested.dts}`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);
});

/** Checks that each declared method is in `typed` and that its option arguments have their types. */
function checkMethods(owner, typed, where) {
  const problems = [];
  for (const [name, declared] of Object.entries(API[owner])) {
    const overloads = (typed.get(name) ?? []).filter((m) => m.method);
    if (overloads.length === 0) {
      problems.push(`${where}.${name}() is declared in api.js but not in osprey.d.ts`);
      continue;
    }
    for (const { name: arg, spec } of declared.args) {
      for (const nested of objectSpecs(spec)) {
        const ok = overloads.some((o) => {
          const param = new RegExp(`\\b${arg}\\??\\s*:\\s*([^,)]+(?:<[^>]*>[^,)]*)?)`).exec(o.text);
          return param && mentions(expand(dts, param[1]), nested.dts);
        });
        if (!ok) problems.push(`${where}.${name}(): parameter '${arg}' is not typed with ${nested.dts}`);
      }
    }
  }
  return problems;
}

test('Collection and WorkerCollection in osprey.d.ts have exactly the declared methods and properties', () => {
  const declared = [...Object.keys(API.Collection), ...COLLECTION_PROPERTIES].sort();
  const problems = [];
  for (const name of ['Collection', 'WorkerCollection']) {
    const typed = allMembers(dts, name);
    assert.deepEqual([...typed.keys()].sort(), declared, `osprey.d.ts ${name}`);
    problems.push(...checkMethods('Collection', typed, name));
  }
  assert.deepEqual(problems, []);
});

test('Osprey, Tokenizer and chunkText in osprey.d.ts match the declaration', () => {
  const osprey = dts.consts.get('Osprey');
  assert.deepEqual([...osprey.keys()].sort(), Object.keys(API.Osprey).sort());
  const tokenizer = allMembers(dts, 'Tokenizer');
  const statics = [...tokenizer].filter(([, list]) => list[0].static).map(([k]) => k).sort();
  const methods = [...tokenizer].filter(([, list]) => list[0].method && !list[0].static).map(([k]) => k).sort();
  assert.deepEqual(statics, Object.keys(API.TokenizerStatic).sort());
  assert.deepEqual(methods, Object.keys(API.Tokenizer).sort());
  const chunk = /export function chunkText\(([^)]*)\)/.exec(stripComments(dtsSource));
  assert.ok(chunk && mentions(chunk[1], 'ChunkTextOptions'), 'chunkText(text, options?: ChunkTextOptions)');
  assert.deepEqual([
    ...checkMethods('Osprey', osprey, 'Osprey'),
    ...checkMethods('Tokenizer', tokenizer, 'Tokenizer'),
    ...checkMethods('TokenizerStatic', tokenizer, 'Tokenizer'),
  ], []);
});

function publicMembers(proto) {
  const methods = [];
  const getters = [];
  for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
    if (name === 'constructor' || name.startsWith('_')) continue;
    if (d.get) getters.push(name);
    else if (typeof d.value === 'function') methods.push(name);
  }
  return { methods: methods.sort(), getters: getters.sort() };
}

test('the Collection and WorkerCollection classes have exactly the declared methods, each checking its arguments', () => {
  const declared = Object.keys(API.Collection).sort();
  for (const cls of [Collection, WorkerCollection]) {
    const { methods, getters } = publicMembers(cls.prototype);
    assert.deepEqual(methods, declared, `${cls.name} methods`);
    assert.deepEqual(getters, [...COLLECTION_PROPERTIES].sort(), `${cls.name} properties`);
    for (const name of declared) assert.equal(cls.prototype[name].ospreyGuarded, true, `${cls.name}.${name} is guarded`);
  }
  assert.deepEqual(Object.keys(Osprey).sort(), Object.keys(API.Osprey).sort());
  for (const name of Object.keys(API.Osprey)) assert.equal(Osprey[name].ospreyGuarded, true, `Osprey.${name}`);
  const tokenizer = publicMembers(Tokenizer.prototype);
  assert.deepEqual(tokenizer.methods, Object.keys(API.Tokenizer).sort());
  for (const name of Object.keys(API.TokenizerStatic)) assert.equal(Tokenizer[name].ospreyGuarded, true);
  assert.equal(chunkText.name, 'chunkText');
});

test('the worker protocol takes its lists from the declaration', async () => {
  const collection = API.Collection;
  for (const [name, m] of Object.entries(collection)) {
    assert.ok(['invoke', 'op', 'page'].includes(m.worker), `${name}: how it runs in worker mode`);
  }
  assert.deepEqual([...FORWARDED_METHODS].sort(),
    Object.keys(collection).filter((n) => collection[n].worker === 'invoke').sort());
  // worker.js implements exactly the declared operations, and lists no methods of its own.
  const worker = await read('web/src/worker/worker.js');
  const start = worker.indexOf('const operations = {');
  const body = braced(worker, worker.indexOf('{', start));
  const ops = [...topLevel(body).matchAll(/async\s+(\w+)\s*\(/g)].map((m) => m[1]);
  assert.deepEqual(ops.sort(), [...WORKER_OPERATIONS].sort());
  assert.doesNotMatch(worker, /new Set\(\[\s*'/, 'worker.js repeats a method list');
  // client.js calls only declared operations.
  const client = await read('web/src/worker/client.js');
  for (const [, op] of client.matchAll(/(?:#call|connection\.call)\('(\w+)'/g)) {
    assert.ok(WORKER_OPERATIONS.includes(op), `client.js calls undeclared operation '${op}'`);
  }
  for (const [, op] of client.matchAll(/#invoke\('(\w+)'/g)) {
    assert.ok(FORWARDED_METHODS.includes(op), `client.js forwards undeclared method '${op}'`);
  }
  const messages = await read('web/src/worker/messages.js');
  assert.doesNotMatch(messages, /CALLBACK_PLACES\s*=/, 'messages.js repeats where callbacks are');
});

// Keys the bindings read that are not option keys of the public API: what the JS converters build.
const INTERNAL_KEYS = new Set([
  'text', 'filterJson', 'metadataJson', 'recordJson', 'tokenDim', 'verified', 'queries', 'ranker', 'count',
  'specialTokens', 'name', // tokenizer spec built by ingest.js tokenizerSpec
  'batch', 'seq', 'dim', 'data', 'mask', 'pooling', 'normalize', 'ids', 'skipIds', // model tensors (models/)
  'bytes', 'lengths', 'vectors', 'score', // packed documents, fuseScores
]);

test('every option key the C++ bindings read is declared (no key that works is refused)', async () => {
  const declaredKeys = new Set();
  for (const spec of declaredInterfaces().values()) for (const key of Object.keys(spec.keys)) declaredKeys.add(key);
  const dir = new URL('bindings/', ROOT);
  const unknown = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.cpp'))) {
    const text = await readFile(new URL(file, dir), 'utf8');
    const keys = [
      ...[...text.matchAll(/get_(?:string|number|bool|whole)\(\s*\w+,\s*"(\w+)"/g)].map((m) => m[1]),
      ...[...text.matchAll(/\b\w+\["(\w+)"\]/g)].map((m) => m[1]),
      ...[...text.matchAll(/string_list\(\s*\w+,\s*"(\w+)"/g)].map((m) => m[1]),
    ];
    for (const key of keys) {
      if (!declaredKeys.has(key) && !INTERNAL_KEYS.has(key) && !['length', 'buffer', 'byteOffset'].includes(key)) {
        unknown.push(`${file}: '${key}'`);
      }
    }
  }
  assert.deepEqual([...new Set(unknown)], []);
});

test('unknown keys are refused at every level, with the closest valid key', async () => {
  assert.equal(closestKey('fitler', ['k', 'filter', 'mode']), 'filter');
  assert.equal(closestKey('kk', ['k', 'filter']), 'k');
  assert.equal(closestKey('m', ['M', 'efSearch']), 'M');
  assert.equal(closestKey('zebra', ['k', 'filter']), undefined);
  const c = await Osprey.open(`decl-${Math.random()}`, { storage: 'memory', dimension: 2 });
  await c.add([{ id: 'a', body: 'air', vector: [1, 0], metadata: { lang: 'en' } }]);
  const refused = async (call, text) => {
    await assert.rejects(call, (e) => {
      assert.ok(e instanceof OspreyError, String(e));
      assert.equal(e.code, 'INVALID_ARGUMENT', e.message);
      assert.ok(e.message.includes(text), `${e.message} should say ${text}`);
      return true;
    });
  };
  await refused(() => c.search('air', { fitler: { lang: 'fr' } }), "search options: unknown key 'fitler' (did you mean 'filter'?)");
  await refused(() => c.search('air', { kk: 1 }), "did you mean 'k'?");
  await refused(() => c.search('air', { fusion: { metod: 'convex' } }), "search options.fusion: unknown key 'metod' (did you mean 'method'?)");
  await refused(() => c.search('air', { rerank: [{ stage: 'mmr', lamda: 0.5 }] }), "search options.rerank[0]: unknown key 'lamda' (did you mean 'lambda'?)");
  await refused(() => Osprey.open('x', { storage: 'memory', dimesion: 4 }), "open options: unknown key 'dimesion' (did you mean 'dimension'?)");
  await refused(() => Osprey.open('x', { storage: 'memory', dimension: 4, hnsw: { m: 16 } }), "open options.hnsw: unknown key 'm' (did you mean 'M'?)");
  await refused(() => c.addDocuments([{ id: 'd', text: 'x' }], { chunks: { maxTokens: 9 } }), "did you mean 'chunk'?");
  await refused(() => c.context('air', { tokenbudget: 5 }), "did you mean 'tokenBudget'?");
  await refused(() => c.add([{ id: 'b', bdy: 'x', vector: [0, 1] }]), "documents[0]: unknown key 'bdy' (did you mean 'body'?)");
  await refused(() => c.feedback({ query: 'air', docid: 'a' }), "did you mean 'docId'?");
  await refused(() => chunkText('some text', { chunk: { maxToken: 3 } }), "chunkText options.chunk: unknown key 'maxToken'");
  c.close();
});
