// Tokenizer throughput: Osprey's C++ tokenizer (WASM, through web/src/tokenizer.js) vs
// transformers.js (AutoTokenizer from a local folder) vs the native Rust binding (npm `tokenizers`),
// same tokenizer.json, same strings, one Node process. Prints tokens/s (median of repetitions) and
// ratios. Usage: node bench/tokenizers/tokenizers_bench.mjs [--reps 5] [--families a,b] [--batch 32]
// Texts: every oracle text of the family (real multilingual text, 183k characters), repeated 4x.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

process.env.TOKENIZERS_PARALLELISM = 'false'; // the Rust binding single-threaded, like WASM

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const REPS = Number(args.reps ?? 5);
const BATCH = Number(args.batch ?? 32);
const FAMILIES = (args.families ?? 'bert-uncased,roberta,t5').split(',');
const DATA = new URL('../../../shared/data/tokenizers/', import.meta.url);
const modulePath = args.core ?? '../../web/src/tokenizer.js';

const { Tokenizer } = await import(modulePath);
const { Tokenizer: RustTokenizer } = await import('tokenizers');
const { AutoTokenizer, env } = await import('@huggingface/transformers');
env.allowRemoteModels = false;
env.localModelPath = fileURLToPath(DATA);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn) {
  const seconds = [];
  await fn(); // warm-up (JIT, caches)
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    await fn();
    seconds.push((performance.now() - t0) / 1000);
  }
  return median(seconds);
}

function chunks(xs, n) {
  const out = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

const rows = [];
for (const family of FAMILIES) {
  const oracle = readFileSync(new URL(`${family}/oracle.jsonl`, DATA), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l)).filter((r) => r.text_pair === undefined);
  const texts = [];
  let tokens = 0;
  for (let k = 0; k < 4; k++) {
    for (const r of oracle) {
      texts.push(r.text);
      tokens += r.input_ids.length;
    }
  }
  const json = readFileSync(new URL(`${family}/tokenizer.json`, DATA), 'utf8');
  const parsed = JSON.parse(json);
  parsed.truncation = null;
  parsed.padding = null;
  const plain = JSON.stringify(parsed);

  const osprey = await Tokenizer.fromJson(plain);
  const rust = RustTokenizer.fromString(plain);
  const hf = await AutoTokenizer.from_pretrained(family);
  const batches = chunks(texts, BATCH);

  // Check that all three agree on what they are timed on.
  for (const t of texts.slice(0, 200)) {
    const a = Array.from(osprey.encode(t).inputIds).join();
    const b = (await rust.encode(t)).getIds().join();
    if (a !== b) throw new Error(`${family}: Osprey and Rust disagree on ${JSON.stringify(t.slice(0, 50))}`);
  }

  const results = {
    'osprey-wasm encode': await time(() => { for (const t of texts) osprey.encode(t); }),
    'osprey-wasm encodeBatch': await time(() => { for (const b of batches) osprey.encodeBatch(b, { padding: true }); }),
    'transformers.js encode': await time(() => { for (const t of texts) hf.encode(t); }),
    'transformers.js batch': await time(() => { for (const b of batches) hf(b, { padding: true, truncation: false, return_tensor: false }); }),
    'rust encodeBatch': await time(async () => { for (const b of batches) await rust.encodeBatch(b); }),
  };
  osprey.dispose();
  const tps = Object.fromEntries(Object.entries(results).map(([k, s]) => [k, tokens / s]));
  rows.push({ family, texts: texts.length, tokens, tps });
}

console.log(`reps ${REPS} (median), batch ${BATCH}, Node ${process.version}\n`);
console.log('| family | texts | tokens | Osprey WASM encodeBatch tok/s | Osprey WASM encode tok/s | transformers.js batch tok/s | transformers.js encode tok/s | Rust binding encodeBatch tok/s | Osprey batch / transformers.js batch | Osprey batch / Rust |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
const fmt = (x) => Math.round(x).toLocaleString('en-US');
for (const { family, texts, tokens, tps } of rows) {
  console.log(`| ${family} | ${texts} | ${tokens} | ${fmt(tps['osprey-wasm encodeBatch'])} | ${fmt(tps['osprey-wasm encode'])} | ` +
    `${fmt(tps['transformers.js batch'])} | ${fmt(tps['transformers.js encode'])} | ${fmt(tps['rust encodeBatch'])} | ` +
    `${(tps['osprey-wasm encodeBatch'] / tps['transformers.js batch']).toFixed(2)}x | ` +
    `${(tps['osprey-wasm encodeBatch'] / tps['rust encodeBatch']).toFixed(2)}x |`);
}
