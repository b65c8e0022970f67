// Osprey's model layer vs Transformers.js, same Node process, same ONNX files (the random-weight
// MiniLM-shaped int8 model), same texts, same onnxruntime-web runtime (Transformers.js is pointed at
// the onnxruntime-web module through its documented Symbol.for('onnxruntime') hook; its default in
// Node, onnxruntime-node, is reported separately). Prints medians over repetitions and the ratios.
// Usage: node bench/models/models_bench.mjs [--texts 128] [--reps 3] [--variant int8|fp32] [--tokenizer osprey|rust]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as ortWeb from 'onnxruntime-web';
import { CrossEncoder, TextEmbedder } from '../../web/src/models/index.js';
import { randomEntry, rustTokenizer, GENERATED, SHARED } from '../../tests/js/models_helpers.mjs';

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean)
  .map((a) => a.trim().split(/\s+/)).map(([k, v]) => [k, v ?? true]));
const N = Number(args.texts ?? 128);
const REPS = Number(args.reps ?? 3);
const VARIANT = args.variant ?? 'int8';
const BATCH = 32;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Real passages, the first N of a BEIR corpus: npl (short abstracts of varied length, the default)
// or cran (long abstracts, most near the 256-token limit: little padding to save).
const CORPUS = args.corpus ?? 'npl';
const corpus = readFileSync(`${SHARED}ir/${CORPUS}/corpus.jsonl`, 'utf8').split('\n').filter(Boolean)
  .map((l) => JSON.parse(l)).map((d) => `${d.title ?? ''} ${d.text}`.trim());
const texts = corpus.slice(0, N);
const queries = readFileSync(`${SHARED}ir/${CORPUS}/queries.jsonl`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).text);
const pairs = texts.map((t, i) => [queries[i % queries.length], t]);

ortWeb.env.wasm.numThreads = 1;
ortWeb.env.wasm.wasmPaths = new URL('./', import.meta.resolve('onnxruntime-web')).href;
globalThis[Symbol.for('onnxruntime')] = ortWeb; // Transformers.js uses this runtime when set
const tjs = await import('@huggingface/transformers');
tjs.env.allowRemoteModels = false;
tjs.env.localModelPath = GENERATED;
const dtype = VARIANT === 'int8' ? 'q8' : 'fp32';
// With the runtime hook Transformers.js lists no devices; 'auto' + explicit wasm provider selects ORT-web's WASM.
const tjsOptions = { dtype, device: 'auto', session_options: { executionProviders: ['wasm'] } };

async function time(fn) {
  const t0 = performance.now();
  const r = await fn();
  return { ms: performance.now() - t0, r };
}

const tokOpt = async (name) => (args.tokenizer === 'rust' ? { tokenizer: await rustTokenizer(`${GENERATED}${name}/tokenizer.json`) } : {});

const results = [];

// Time to first embedding in a fresh process (what a page pays): load everything, embed one text.
// The parent runs `--ttfe osprey` and `--ttfe tjs` as child processes, alternating, and takes medians.
if (args.ttfe) {
  const t0 = performance.now();
  if (args.ttfe === 'osprey') {
    const e = await TextEmbedder.load(randomEntry('embed', { variant: VARIANT, maxLength: 256 }), { ort: ortWeb, ...(await tokOpt('random-minilm-embed')) });
    await e.embedDocuments([texts[0]]);
  } else {
    const p = await tjs.pipeline('feature-extraction', 'random-minilm-embed', tjsOptions);
    await p([texts[0]], { pooling: 'mean', normalize: true });
  }
  console.log(JSON.stringify({ ttfe: performance.now() - t0 }));
  process.exit(0);
}
async function freshTtfe(which) {
  const { execFileSync } = await import('node:child_process');
  const extra = args.tokenizer ? ['--tokenizer', args.tokenizer] : [];
  const out = execFileSync(process.execPath, [new URL(import.meta.url).pathname, '--ttfe', which, '--variant', VARIANT, '--corpus', CORPUS, ...extra]);
  return JSON.parse(out.toString().trim().split('\n').at(-1)).ttfe;
}
function report(name, osprey, other, unit) {
  const ratio = osprey / other;
  results.push({ name, osprey, other, ratio, unit });
  console.log(`${name}: Osprey ${osprey.toFixed(1)} ${unit}, Transformers.js ${other.toFixed(1)} ${unit}, ratio ${ratio.toFixed(2)}x`);
}

// Warm the runtime (WASM compile, first-use kernel setup) on the same model, so that neither side
// pays it in its time to first embedding.
{
  const warm = await ortWeb.InferenceSession.create(readFileSync(`${GENERATED}random-minilm-embed/onnx/${VARIANT === 'int8' ? 'model_quantized' : 'model'}.onnx`));
  const t = (values) => new ortWeb.Tensor('int64', BigInt64Array.from(values), [1, 3]);
  await warm.run({ input_ids: t([101n, 2000n, 102n]), attention_mask: t([1n, 1n, 1n]), token_type_ids: t([0n, 0n, 0n]) });
  await warm.release();
}

const fresh = { osprey: [], tjs: [] };
for (let r = 0; r < REPS; r++) for (const which of r % 2 ? ['tjs', 'osprey'] : ['osprey', 'tjs']) fresh[which].push(await freshTtfe(which));
console.log(`time to first embedding, fresh process: Osprey ${median(fresh.osprey).toFixed(0)} ms, Transformers.js ${median(fresh.tjs).toFixed(0)} ms`);
results.push({ name: 'time to first embedding, fresh process (ms)', osprey: median(fresh.osprey), other: median(fresh.tjs), ratio: median(fresh.tjs) / median(fresh.osprey), unit: 'ms' });

// --- Embeddings --------------------------------------------------------------------------
const embedEntry = randomEntry('embed', { variant: VARIANT, maxLength: 256 });
const firstO = await time(async () => {
  const e = await TextEmbedder.load(embedEntry, { ort: ortWeb, batchSize: BATCH, ...(await tokOpt('random-minilm-embed')) });
  await e.embedDocuments([texts[0]]);
  return e;
});
const osprey = firstO.r;
const firstT = await time(async () => {
  const p = await tjs.pipeline('feature-extraction', 'random-minilm-embed', tjsOptions);
  await p([texts[0]], { pooling: 'mean', normalize: true });
  return p;
});
const extractor = firstT.r;
console.log(`time to first embedding, same process after warm-up: Osprey ${firstO.ms.toFixed(0)} ms, Transformers.js ${firstT.ms.toFixed(0)} ms`);
results.push({ name: 'time to first embedding, same process (ms)', osprey: firstO.ms, other: firstT.ms, ratio: firstT.ms / firstO.ms, unit: 'ms' });

// Same results? (both mean-pool + normalize the same model output)
const a = await osprey.embedDocuments(texts.slice(0, 8));
const b = (await extractor(texts.slice(0, 8), { pooling: 'mean', normalize: true })).tolist();
let maxDiff = 0;
a.forEach((v, i) => v.forEach((x, d) => { maxDiff = Math.max(maxDiff, Math.abs(x - b[i][d])); }));
console.log(`max |Osprey - Transformers.js| over 8 embeddings: ${maxDiff.toExponential(2)}`);

const oT = [], tAll = [], tChunk = [];
for (let r = 0; r < REPS; r++) {
  oT.push((await time(() => osprey.embedDocuments(texts))).ms);
  tChunk.push((await time(async () => {
    for (let i = 0; i < texts.length; i += BATCH) await extractor(texts.slice(i, i + BATCH), { pooling: 'mean', normalize: true });
  })).ms);
  tAll.push((await time(() => extractor(texts, { pooling: 'mean', normalize: true }))).ms);
}
report(`embeddings/s (${N} texts, batches of ${BATCH} for both)`, N / (median(oT) / 1000), N / (median(tChunk) / 1000), 'texts/s');
report(`embeddings/s (${N} texts, Transformers.js given all texts at once)`, N / (median(oT) / 1000), N / (median(tAll) / 1000), 'texts/s');

// --- Cross-encoder -----------------------------------------------------------------------
const ce = await CrossEncoder.load(randomEntry('cross', { variant: VARIANT, maxLength: 512 }),
  { ort: ortWeb, batchSize: BATCH, ...(await tokOpt('random-minilm-cross')) });
const tokenizer = await tjs.AutoTokenizer.from_pretrained('random-minilm-cross');
const model = await tjs.AutoModelForSequenceClassification.from_pretrained('random-minilm-cross', tjsOptions);
async function tjsScores(list) {
  const inputs = tokenizer(list.map((p) => p[0]), { text_pair: list.map((p) => p[1]), padding: true, truncation: true });
  const { logits } = await model(inputs);
  return logits.data;
}
const so = await ce.scorePairs(pairs.slice(0, 8), { score: 'raw' });
const st = await tjsScores(pairs.slice(0, 8));
console.log(`max |logit diff| over 8 pairs: ${Math.max(...so.map((x, i) => Math.abs(x - st[i]))).toExponential(2)}`);
const co = [], ct = [];
for (let r = 0; r < REPS; r++) {
  co.push((await time(() => ce.scorePairs(pairs, { score: 'raw' }))).ms);
  ct.push((await time(async () => { for (let i = 0; i < pairs.length; i += BATCH) await tjsScores(pairs.slice(i, i + BATCH)); })).ms);
}
report(`cross-encoder pairs/s (${N} pairs, batches of ${BATCH})`, N / (median(co) / 1000), N / (median(ct) / 1000), 'pairs/s');
console.log(JSON.stringify({ corpus: CORPUS, N, REPS, VARIANT, tokenizer: args.tokenizer ?? 'osprey', results }));
