// The npm package as users get it: `npm pack` holds what they need and nothing else, the exports map
// resolves, and the TypeScript declarations type-check real usage (and reject wrong usage).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_ASSETS } from '../../web/src/models/builtin_assets.js';
import { MANIFEST_URL, fileUrl, resolveModel } from '../../web/src/models/manifest.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, maxBuffer: 64 << 20, ...options }, (error, stdout, stderr) =>
      resolve({ code: error ? error.code : 0, stdout, stderr }));
  });
}

test('npm pack contains the package, its WebAssembly, the CLI and the default model, and no sources or tests', async () => {
  const { code, stdout, stderr } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']);
  assert.equal(code, 0, stderr);
  const [pack] = JSON.parse(stdout);
  const files = pack.files.map((f) => f.path);
  for (const needed of ['package.json', 'README.md', 'web/src/osprey.js', 'web/src/osprey.d.ts', 'web/src/core.js',
    'web/src/errors.js', 'web/src/worker/client.js', 'web/src/worker/worker.js', 'web/dist/osprey_core.mjs',
    'web/dist/osprey_core.wasm', 'web/dist/osprey_core_mt.mjs', 'web/dist/osprey_core_mt.wasm',
    'web/dist/osprey_core_mt.worker.js', 'bin/osprey.mjs', 'scripts/lib/beir.mjs', 'models/manifest.json',
    'models/generated/osprey-static-en/tokenizer.json', 'models/generated/osprey-static-en/onnx/model_quantized.onnx']) {
    assert.ok(files.includes(needed), `${needed} is missing from the package`);
  }
  // Every relative import of the package's JS resolves inside the package.
  for (const file of files.filter((f) => /\.(m?js)$/.test(f))) {
    const text = await readFile(join(ROOT, file), 'utf8');
    for (const [, spec] of text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = new URL(spec, `file:///${file}`).pathname.slice(1);
      assert.ok(files.includes(target), `${file} imports ${spec}, which is not in the package`);
    }
  }
  for (const path of files) {
    assert.doesNotMatch(path, /^(src|tests|bench|bindings|build|scripts\/(?!lib\/beir)|web\/demo|web\/examples|node_modules)\b/,
      `${path} should not be published`);
  }
  assert.ok(!files.includes('models/generated/osprey-static-en/onnx/model.onnx'), 'only the int8 default model ships');
  // The default model's files, named for bundlers in builtin_assets.js, all ship.
  for (const url of Object.values(BUILTIN_ASSETS['osprey-static-en'])) {
    const path = fileURLToPath(url).slice(ROOT.length).replace(/^\//, '');
    assert.ok(files.includes(path), `${path} (builtin_assets.js) is not in the package`);
  }
  assert.ok(pack.unpackedSize < 20e6, `package unpacks to ${pack.unpackedSize} bytes`);

  const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(manifest.type, 'module');
  assert.equal(manifest.bin.osprey, 'bin/osprey.mjs');
  assert.equal(manifest.scripts.prepack, 'bash scripts/build wasm'); // a published package has its .wasm and model
  assert.equal(manifest.exports['.'].types, './web/src/osprey.d.ts');
  assert.ok(files.includes(manifest.exports['.'].default.slice(2)));
});

test("the default model's files come from builtin_assets.js: exactly the files its manifest entry loads", async () => {
  const manifest = JSON.parse(await readFile(MANIFEST_URL, 'utf8'));
  const entry = manifest.models.find((m) => m.id === 'osprey-static-en');
  const resolved = await resolveModel('osprey-static-en');
  const needed = [entry.tokenizer.json, entry.tokenizer.config, entry.files[entry.variant]];
  const assets = BUILTIN_ASSETS['osprey-static-en'];
  assert.deepEqual(Object.keys(assets).sort(), [...needed].sort());
  for (const file of needed) {
    assert.equal(fileUrl(resolved, file), assets[file].href);
    // The same file the manifest's relative path names (what an unbundled page loaded before).
    assert.equal(assets[file].href, new URL(`${entry.source.path}/${file}`, MANIFEST_URL).href);
    await readFile(assets[file]); // and it exists
  }
  // Files that do not ship keep the manifest-relative path; hub models their hub URL.
  assert.equal(fileUrl(resolved, entry.files.fp32), new URL(`${entry.source.path}/${entry.files.fp32}`, MANIFEST_URL).href);
  const hub = await resolveModel('all-MiniLM-L6-v2');
  assert.equal(hub.assets, undefined);
  assert.equal(fileUrl(hub, 'onnx/model_quantized.onnx'), 'https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/onnx/model_quantized.onnx');
});

test('the package resolves by its name through the exports map', async () => {
  const { code, stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e',
    "const m = await import('osprey-search'); const c = await m.Osprey.open('x', {storage: 'memory'});" +
    "await c.add([{id: 'a', body: 'self reference'}]); console.log(JSON.stringify((await c.search('reference')).map((h) => h.id)));"]);
  assert.equal(code, 0, stderr);
  assert.equal(stdout.trim(), '["a"]');
});

const GOOD = `
import { Osprey, OspreyError, type SearchHit, type WorkerCollection, type Collection, type CollectionMethods,
  type RerankStage } from 'osprey-search';
const c: Collection = await Osprey.open('notes', { dimension: 3, metric: 'cosine', storage: 'memory' });
await c.add([{ id: 'a', title: 'T', body: 'b', metadata: { year: 2020 }, vector: new Float32Array(3) }],
  { onProgress: (p) => console.log(p.done / p.total) });
const hits: SearchHit[] = await c.search('b', { k: 5, mode: 'hybrid', vector: [1, 0, 0], filter: { year: { $gte: 2000 } }, highlight: true });
const first: number | undefined = hits[0]?.sparseRank;
const bytes: Uint8Array = c.export();
const w: WorkerCollection = await Osprey.open('notes', { worker: true });
const exported: Promise<Uint8Array> = w.export();
w.addEventListener('progress', () => {});
const either = await Osprey.open('notes', { worker: 'auto', onWarning: (m: string) => console.warn(m) });
const isWorker: boolean = either.info().worker;
const single = await Osprey.open('st', { threads: false, storage: 'memory' });
const build: { multithreaded: boolean; threads: number } = await Osprey.buildInfo({ threads: 'auto' });
try { await c.delete('zzz'); } catch (e) { if (e instanceof OspreyError && e.code === 'UNKNOWN_ID') console.log(e.message); }
// One function for both modes: the rerank API is the same.
async function rerankBoth(x: CollectionMethods) {
  await x.feedback({ query: 'b', docId: 'a', signal: 'click' });
  const report = await x.train({ features: ['bm25'], judgements: [{ query: 'b', relevance: { a: 1 } }], model: 'trees' });
  const stages: RerankStage[] = [{ stage: 'ranker', k: 10 }, 'mmr',
    { stage: 'crossEncoder', k: 5, score: async (query, candidates) => candidates.map((d) => d.body.length + query.length) }];
  const results = await x.search('b', { rerank: stages, explain: true, budgetMs: 50 });
  const ran: string[] | undefined = results.stages;
  await x.setTokenVectors('a', [[1, 0]]);
  const features: string[] | undefined = (await x.ranker())?.features;
  await x.clearRanker();
  const dim: number | undefined = x.embedder?.dimension;
  return [report.finalLoss, ran, features, x.dirty, dim, results[0]?.explain?.bias];
}
await rerankBoth(c);
await rerankBoth(w);
export { first, bytes, exported, isWorker, single, build };
`;

const BAD = `
import { Osprey } from 'osprey-search';
const c = await Osprey.open('notes', { metric: 'manhattan' });
await c.search('x', { k: '5' });
const bytes: Uint8Array = (await Osprey.open('w', { worker: true })).export();
await c.feedback({ query: 'x' });
await Osprey.open('t', { threads: 2 });
`;

async function typecheck(source) {
  const dir = await mkdtemp(join(tmpdir(), 'osprey-types-'));
  try {
    await writeFile(join(dir, 'usage.ts'), source);
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'es2022', module: 'esnext', moduleResolution: 'bundler', strict: true, noEmit: true,
        lib: ['es2022', 'dom'], types: [], skipLibCheck: false,
        paths: { 'osprey-search': [join(ROOT, 'web/src/osprey.d.ts')] },
      },
      files: ['usage.ts'],
    }));
    return await run(process.execPath, [TSC, '--noEmit', '-p', join(dir, 'tsconfig.json')], { cwd: dir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('tsc --noEmit: the declarations type-check real usage and reject wrong usage', async () => {
  const good = await typecheck(GOOD);
  assert.equal(good.code, 0, good.stdout + good.stderr);
  const bad = await typecheck(BAD);
  assert.notEqual(bad.code, 0);
  const output = bad.stdout + bad.stderr;
  assert.match(output, /manhattan/);
  assert.match(output, /usage\.ts\(4,/);
  assert.match(output, /usage\.ts\(5,/);
  assert.match(output, /usage\.ts\(6,/);
  assert.match(output, /usage\.ts\(7,/);
});
